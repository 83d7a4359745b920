/* SPDX-License-Identifier: Apache-2.0 */
/* Library-internal: the case store's shared state across store*.c. */
#ifndef NSW_LIB_STORE_H
#define NSW_LIB_STORE_H

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
	/* Scratch for nsw_case_file_get() results. */
	char *scratch_display, *scratch_media, *scratch_error;
	uint8_t *scratch_path, *scratch_link;
};

/*
 * Migrate the schema from its current user_version up to `target` (at most
 * NSW_CASE_SCHEMA_VERSION), one transaction per step, each step audited
 * once the audit table exists. `*from` gets the version found. Tests use a
 * lower target to make old-format files.
 */
int nsw_store__migrate(nsw_case *c, int target, int *from);

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
struct nsw_buf;
int nsw_store__json_str(struct nsw_buf *b, const char *s);

/* Finalize the cached statements (before close). */
void nsw_store__files_close(nsw_case *c);

/* Run `fn` between begin and commit unless a transaction is already
 * open, in which case it just runs `fn`. Rolls back on failure. */
int nsw_store__in_tx(nsw_case *c, int (*fn)(nsw_case *c, void *arg), void *arg);

#endif
