/* SPDX-License-Identifier: Apache-2.0 */
/* Library-internal: the case store's shared state across store*.c. */
#ifndef NSW_LIB_STORE_H
#define NSW_LIB_STORE_H

#include "buf.h"
#include "netsweep/case.h"
#include "sqldb.h"

/* 'NSWC': PRAGMA application_id of a netsweep case file. */
#define NSW_CASE_APPLICATION_ID 0x4E535743

struct nsw_case {
	nsw_sqldb *db;
	unsigned flags;
	char *actor;
	/* Metadata copies, borrowed out through nsw_case_get_meta(). */
	char *uuid, *name, *examiner, *created_utc, *created_by_version;
	nsw_case_meta meta;
	/* Hot-path statements, prepared on first use. */
	nsw_sqlstmt *st_file_add, *st_file_find, *st_hit_add, *st_hit_find;
	nsw_sqlstmt *st_file_link; /* nsw_store__files_link_members */
	/* Scratch for nsw_case_file_get() results. */
	char *scratch_display, *scratch_media, *scratch_error;
	uint8_t *scratch_path, *scratch_link;
};

/*
 * Migrate the schema from its current user_version up to `target` (at most
 * NSW_CASE_SCHEMA_VERSION), one transaction per step; with `audited`,
 * each step from 2 on appends a schema.migrate entry (not for new cases).
 * `*from` gets the version found. Tests use a lower target to make old-format
 * files.
 */
int nsw_store__migrate(nsw_case *c, int target, int *from, int audited);

/* "2026-11-29T03:04:05.678Z" for now, in `out` (>= 32 bytes). */
void nsw_store__now_utc(char out[32]);

/* Append an audit entry inside the caller's transaction (or one of its
 * own when none is open). */
int nsw_store__audit_append(nsw_case *c, const char *action,
			    const char *detail);

/* The detail text of audit entry 1 ("case.init"), rebuilt from the case
 * metadata; the verifier compares it with what entry 1 holds. Owned. */
char *nsw_store__init_detail(const nsw_case *c);

/* Append `s` as a JSON string literal (quoted, escaped). 0 or NSW_E*. */
int nsw_store__json_str(struct nsw_buf *b, const char *s);

/* Printable form of path bytes (invalid UTF-8 and control bytes as \xNN,
 * backslash as \\); *not_utf8 set when any byte was invalid UTF-8.
 * 0 or non-zero when `out` is full or out of memory. */
int nsw_store__display_path(struct nsw_buf *out, const uint8_t *p, size_t n,
			    int *not_utf8);

/* Each digested file of an evidence item not recorded by run `not_run`
 * (the files a new scan's lists have not seen yet), in id order. */
int nsw_store__files_foreach_ok(nsw_case *c, int64_t evidence_id,
				int64_t not_run,
				int (*fn)(void *ctx, const nsw_case_file *f),
				void *ctx);

/* Finalize the cached statements (before close). */
void nsw_store__files_close(nsw_case *c);

/* Link the archive members recorded under `path` (the archive's own
 * record `container_id`: paths `path` NUL ...) that are not linked yet to
 * it. Members are recorded before their archive, so a member inside a
 * nested archive is already linked to that one. Idempotent.
 * @return 0, or the SQLite error. */
int nsw_store__files_link_members(nsw_case *c, int64_t evidence_id,
				  int64_t container_id, const uint8_t *path,
				  size_t path_len);

/* The first column of the first row of `q` with ?1 = `param` (*out 0
 * when there is no row). @return 0 or the SQLite error. */
int nsw_store__query_int64(nsw_case *c, const char *q, int64_t param,
			   int64_t *out);

/* Is file `id` a JPEG an earlier strict scan read but could not decode
 * (status ok, digests, no PDQ, a decode error)? A scan with
 * --partial-images reads it again. *yes 1 or 0. @return 0 or NSW_E*. */
int nsw_store__file_lacks_pdq(nsw_case *c, int64_t id, int *yes);

/*
 * Give file `id`, recorded without a PDQ, the PDQ in `f` (a partial
 * image's: quality, variants, rows) and `f->error` in place of the decode
 * error, when `f->sha256` still equals the recorded SHA-256 (the same
 * bytes). Audited ("file.pdq_added"). *updated 1, or 0 when the bytes
 * differ (nothing changed). @return 0 or NSW_E*.
 */
int nsw_store__file_add_pdq(nsw_case *c, int64_t id, const nsw_case_file *f,
			    int *updated);

/* Run `fn` between begin and commit unless a transaction is already
 * open, in which case it just runs `fn`. Rolls back on failure. */
int nsw_store__in_tx(nsw_case *c, int (*fn)(nsw_case *c, void *arg), void *arg);

#endif
