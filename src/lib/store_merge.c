/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Merging a partner's case into ours (docs/merge.md): every partner row is
 * read from their file (opened read-only, untrusted), joined with the row
 * we hold under the same natural key or copied, and recorded in merge_map
 * so the row keeps its origin and a re-merge adds only what is new.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "error.h"
#include "limits.h"
#include "netsweep/analyze.h"
#include "netsweep/merge.h"
#include "netsweep/pdq.h"
#include "netsweep/phone.h"
#include "sqldb.h"
#include "store.h"
#include "store_merge.h"

static const char *const table_names[NSW_MERGE_TABLE_COUNT] = {
	"platforms",	     "evidence",      "lists", "files",	   "hits",
	"accounts",	     "account_names", "chats", "messages", "media",
	"membership_events", "attributions",
};

const char *nsw_merge_table_name(nsw_merge_table t)
{
	return (unsigned)t < NSW_MERGE_TABLE_COUNT ? table_names[t] : "?";
}

/* One column value of a partner row, borrowed from its statement. */
struct val {
	int type;
	int64_t i;
	double d;
	const void *p;
	size_t n;
};

/* How one column is carried across. */
enum {
	COPY = -1,
	SET_NULL = -2
};

/* Columns of the widest spec (files, schema 8: 25). */
#define MERGE_COLS_MAX 28

struct spec {
	nsw_merge_table t;
	const char *cols;
	int ncols;
	signed char xl[MERGE_COLS_MAX]; /* COPY, SET_NULL, or the table */
	const char *find; /* SELECT id ... ?k = value of column fk[k-1] */
	signed char fk[8];
	int nfk;
	const char *via; /* how a found row was joined */
	int key_col;	 /* column kept as src_key, or -1 */
	/* Bind column `col` itself (return 1) or leave it to the copier. */
	int (*fix)(struct merge *m, int col, nsw_sqlstmt *ins, int idx,
		   const struct val *v, int *bound);
	/* Find a row to join when `find` found none (accounts by phone). */
	int (*join)(struct merge *m, int64_t src_id, const struct val *v,
		    int64_t *dst, const char **via);
};

static int bind_val(nsw_sqlstmt *st, int idx, const struct val *v)
{
	switch (v->type) {
	case NSW_SQL_INTEGER:
		return nsw_sqldb_bind_int64(st, idx, v->i);
	case NSW_SQL_FLOAT:
		return nsw_sqldb_bind_double(st, idx, v->d);
	case NSW_SQL_TEXT:
		return nsw_sqldb_bind_textn(st, idx, v->p, v->n);
	case NSW_SQL_BLOB:
		return nsw_sqldb_bind_blob(st, idx, v->p ? v->p : "", v->n);
	default:
		return nsw_sqldb_bind_null(st, idx);
	}
}

static int map_lookup(struct merge *m, nsw_merge_table t, int64_t src,
		      int64_t *dst)
{
	int rc;

	*dst = 0;
	nsw_sqldb_reset(m->map_find);
	if (nsw_sqldb_bind_int64(m->map_find, 1, m->source_id) < 0 ||
	    nsw_sqldb_bind_text(m->map_find, 2, table_names[t]) < 0 ||
	    nsw_sqldb_bind_int64(m->map_find, 3, src) < 0)
		return nsw_error_last_code();
	rc = nsw_sqldb_step(m->map_find);
	if (rc == 1) {
		*dst = nsw_sqldb_column_int64(m->map_find, 0);
		rc = 1;
	}
	nsw_sqldb_reset(m->map_find);
	return rc;
}

static int map_add(struct merge *m, nsw_merge_table t, int64_t src, int64_t dst,
		   int created, const char *via, const struct val *key)
{
	nsw_sqlstmt *st = m->map_add;

	nsw_sqldb_reset(st);
	if (nsw_sqldb_bind_int64(st, 1, m->source_id) < 0 ||
	    nsw_sqldb_bind_text(st, 2, table_names[t]) < 0 ||
	    nsw_sqldb_bind_int64(st, 3, src) < 0 ||
	    nsw_sqldb_bind_int64(st, 4, dst) < 0 ||
	    nsw_sqldb_bind_int64(st, 5, created) < 0 ||
	    nsw_sqldb_bind_text(st, 6, via) < 0 ||
	    (key ? bind_val(st, 7, key) : nsw_sqldb_bind_null(st, 7)) < 0 ||
	    nsw_sqldb_bind_text(st, 8, m->now) < 0)
		return nsw_error_last_code();
	return nsw_sqldb_run(st);
}

/* Copy or join every row of one table. */
/* Some tables have one spec per partner schema: the partial-image rows of
 * files exist from v7, the disk-image columns of files and evidence from
 * v8. */
static int spec_fits(const struct spec *s, int version)
{
	if (s->t == NSW_MERGE_FILES)
		return s->ncols == 20	? version < 7
		       : s->ncols == 22 ? version == 7
					: version >= 8;
	if (s->t == NSW_MERGE_EVIDENCE)
		return s->ncols == 8 ? version < 8 : version >= 8;
	return 1;
}

static int merge_table(struct merge *m, const struct spec *s)
{
	nsw_sqlstmt *q = NULL, *find = NULL, *ins = NULL;
	nsw_merge_counts *n = &m->r->tables[s->t];
	struct val v[MERGE_COLS_MAX];
	nsw_buf sql;
	int rc;

	nsw_buf_init(&sql, 4096);
	if (nsw_buf_printf(&sql, "SELECT id, %s FROM %s ORDER BY id", s->cols,
			   table_names[s->t]) < 0)
		return nsw_error_set(NSW_ENOMEM, "out of memory");
	rc = nsw_sqldb_prepare(m->src, &q, sql.ptr);
	nsw_buf_reset(&sql);
	if (rc == 0 && nsw_buf_printf(&sql, "INSERT INTO %s(%s) VALUES(?1",
				      table_names[s->t], s->cols) < 0)
		rc = nsw_error_set(NSW_ENOMEM, "out of memory");
	for (int i = 2; rc == 0 && i <= s->ncols; i++)
		if (nsw_buf_printf(&sql, ", ?%d", i) < 0)
			rc = nsw_error_set(NSW_ENOMEM, "out of memory");
	if (rc == 0 && nsw_buf_puts(&sql, ")") < 0)
		rc = nsw_error_set(NSW_ENOMEM, "out of memory");
	if (rc == 0)
		rc = nsw_sqldb_prepare(m->c->db, &ins, sql.ptr);
	if (rc == 0 && s->find)
		rc = nsw_sqldb_prepare(m->c->db, &find, s->find);
	while (rc == 0 && (rc = nsw_sqldb_step(q)) == 1) {
		int64_t src_id = nsw_sqldb_column_int64(q, 0), dst = 0;
		const char *via = s->via;
		int created = 0;

		n->seen++;
		rc = map_lookup(m, s->t, src_id, &dst);
		if (rc < 0)
			break;
		if (rc == 1) {
			n->already++;
			rc = 0;
			continue;
		}
		for (int i = 0; i < s->ncols; i++) {
			struct val *x = &v[i];

			memset(x, 0, sizeof(*x));
			x->type = nsw_sqldb_column_type(q, i + 1);
			if (x->type == NSW_SQL_INTEGER)
				x->i = nsw_sqldb_column_int64(q, i + 1);
			else if (x->type == NSW_SQL_FLOAT)
				x->d = nsw_sqldb_column_double(q, i + 1);
			else if (x->type == NSW_SQL_TEXT)
				x->p = nsw_sqldb_column_text(q, i + 1, &x->n);
			else if (x->type == NSW_SQL_BLOB)
				x->p = nsw_sqldb_column_blob(q, i + 1, &x->n);
			if (s->xl[i] == SET_NULL) {
				x->type = NSW_SQL_NULL;
			} else if (s->xl[i] >= 0 &&
				   x->type == NSW_SQL_INTEGER) {
				int64_t to = 0;

				rc = map_lookup(m, (nsw_merge_table)s->xl[i],
						x->i, &to);
				if (rc < 0)
					break;
				rc = 0;
				x->type = to ? NSW_SQL_INTEGER : NSW_SQL_NULL;
				x->i = to;
			}
		}
		if (rc < 0)
			break;
		if (find) {
			nsw_sqldb_reset(find);
			for (int k = 0; rc == 0 && k < s->nfk; k++)
				rc = bind_val(find, k + 1, &v[s->fk[k]]);
			if (rc == 0) {
				rc = nsw_sqldb_step(find);
				if (rc == 1)
					dst = nsw_sqldb_column_int64(find, 0);
			}
			nsw_sqldb_reset(find);
			if (rc < 0)
				break;
			rc = 0;
		}
		if (dst == 0 && s->join) {
			rc = s->join(m, src_id, v, &dst, &via);
			if (rc < 0)
				break;
		}
		if (dst == 0) {
			nsw_sqldb_reset(ins);
			for (int i = 0; rc == 0 && i < s->ncols; i++) {
				int bound = 0;

				if (s->fix)
					rc = s->fix(m, i, ins, i + 1, &v[i],
						    &bound);
				if (rc == 0 && !bound)
					rc = bind_val(ins, i + 1, &v[i]);
			}
			if (rc == 0)
				rc = nsw_sqldb_run(ins);
			if (rc < 0)
				break;
			dst = nsw_sqldb_last_insert_rowid(m->c->db);
			created = 1;
			via = "copy";
			n->created++;
		} else {
			n->joined++;
			if (s->t == NSW_MERGE_ACCOUNTS) {
				if (strcmp(via, "phone") == 0)
					m->r->accounts_by_phone++;
				else
					m->r->accounts_by_platform_id++;
			}
		}
		rc = map_add(m, s->t, src_id, dst, created, via,
			     s->key_col >= 0 ? &v[s->key_col] : NULL);
	}
	nsw_sqldb_finalize(q);
	nsw_sqldb_finalize(find);
	nsw_sqldb_finalize(ins);
	nsw_buf_dispose(&sql);
	return rc < 0 ? nsw_error_prefix(rc, "merging %s", table_names[s->t])
		      : 0;
}

/* ---- Hooks: evidence labels, attribution sources, phone joins -------- */

static int label_taken(struct merge *m, const char *label, int *taken)
{
	int64_t id = 0;
	int rc = nsw_case_evidence_find(m->c, label, &id);

	*taken = rc == 0;
	if (rc == NSW_ENOTFOUND) {
		nsw_error_clear();
		return 0;
	}
	return rc;
}

static int fix_evidence(struct merge *m, int col, nsw_sqlstmt *ins, int idx,
			const struct val *v, int *bound)
{
	nsw_buf label;
	int rc = 0, taken = 0;

	if (col != 0 || v->type != NSW_SQL_TEXT)
		return 0;
	nsw_buf_init(&label, 4096);
	if (nsw_buf_printf(&label, "%s/%.*s", m->name, (int)v->n,
			   (const char *)v->p) < 0)
		rc = nsw_error_set(NSW_ELIMIT, "evidence label too long");
	if (rc == 0)
		rc = label_taken(m, label.ptr, &taken);
	if (rc == 0 && taken) {
		nsw_buf_reset(&label);
		if (nsw_buf_printf(&label, "%s-%.8s/%.*s", m->name, m->uuid,
				   (int)v->n, (const char *)v->p) < 0)
			rc = nsw_error_set(NSW_ELIMIT,
					   "evidence label too long");
	}
	if (rc == 0)
		rc = nsw_sqldb_bind_text(ins, idx, label.ptr);
	*bound = 1;
	nsw_buf_dispose(&label);
	return rc;
}

static int fix_attribution(struct merge *m, int col, nsw_sqlstmt *ins, int idx,
			   const struct val *v, int *bound)
{
	nsw_buf source;
	int rc = 0;

	if (col != 4) /* source */
		return 0;
	nsw_buf_init(&source, 8192);
	if (nsw_buf_printf(&source, "case %s (%.8s): %.*s", m->name, m->uuid,
			   v->type == NSW_SQL_TEXT ? (int)v->n : 0,
			   v->type == NSW_SQL_TEXT ? (const char *)v->p : "") <
	    0)
		rc = nsw_error_set(NSW_ELIMIT, "attribution source too long");
	if (rc == 0)
		rc = nsw_sqldb_bind_text(ins, idx, source.ptr);
	*bound = 1;
	nsw_buf_dispose(&source);
	return rc;
}

static int phone_cmp(const void *a, const void *b)
{
	const struct phone_entry *x = a, *y = b;

	if (x->platform_id != y->platform_id)
		return x->platform_id < y->platform_id ? -1 : 1;
	return strcmp(x->e164, y->e164);
}

static int normalise_phone(char out[24], const char *text, size_t len)
{
	nsw_phone ph;

	if (text == NULL || nsw_phone_parse(&ph, text, len, NULL) < 0 ||
	    !ph.international) {
		nsw_error_clear();
		return 0;
	}
	snprintf(out, 24, "%s", ph.number);
	return 1;
}

static const char phones_sql[] =
	"SELECT a.platform_id, a.native_id, a.id FROM accounts a "
	"WHERE a.native_id LIKE '+%' UNION "
	"SELECT a.platform_id, n.value, a.id FROM account_names n "
	"JOIN accounts a ON a.id = n.account_id WHERE n.kind = 'phone'";

/* Our accounts' phones in E.164, sorted, for joins by phone. */
static int load_phones(struct merge *m)
{
	nsw_sqlstmt *q = NULL;
	size_t cap = 0;
	int rc = nsw_sqldb_prepare(m->c->db, &q, phones_sql);

	while (rc == 0 && (rc = nsw_sqldb_step(q)) == 1) {
		size_t len = 0;
		const char *t = nsw_sqldb_column_text(q, 1, &len);
		struct phone_entry e;

		rc = 0;
		if (!normalise_phone(e.e164, t, len))
			continue;
		e.platform_id = nsw_sqldb_column_int64(q, 0);
		e.account_id = nsw_sqldb_column_int64(q, 2);
		if (m->nphones == cap) {
			struct phone_entry *p;

			cap = cap ? cap * 2 : 256;
			p = nsw__reallocarray(m->phones, cap, sizeof(*p));
			if (p == NULL) {
				rc = nsw_error_set(NSW_ENOMEM, "out of memory");
				break;
			}
			m->phones = p;
		}
		m->phones[m->nphones++] = e;
	}
	nsw_sqldb_finalize(q);
	if (rc < 0)
		return rc;
	if (m->nphones)
		qsort(m->phones, m->nphones, sizeof(*m->phones), phone_cmp);
	return 0;
}

/* Accounts: column 0 is platform_id (ours), 1 native_id. */
static int join_account_by_phone(struct merge *m, int64_t src_id,
				 const struct val *v, int64_t *dst,
				 const char **via)
{
	nsw_sqlstmt *q = NULL;
	int rc;

	if (v[0].type != NSW_SQL_INTEGER || m->nphones == 0)
		return 0;
	rc = nsw_sqldb_prepare(m->src, &q,
			       "SELECT native_id FROM accounts WHERE id = ?1 "
			       "UNION SELECT value FROM account_names WHERE "
			       "account_id = ?1 AND kind = 'phone' ORDER BY 1");
	if (rc == 0)
		rc = nsw_sqldb_bind_int64(q, 1, src_id);
	while (rc == 0 && *dst == 0 && (rc = nsw_sqldb_step(q)) == 1) {
		struct phone_entry key, *hit;
		size_t len = 0;
		const char *t = nsw_sqldb_column_text(q, 0, &len);

		rc = 0;
		if (!normalise_phone(key.e164, t, len))
			continue;
		key.platform_id = v[0].i;
		hit = bsearch(&key, m->phones, m->nphones, sizeof(key),
			      phone_cmp);
		if (hit) {
			*dst = hit->account_id;
			*via = "phone";
		}
	}
	nsw_sqldb_finalize(q);
	return rc < 0 ? rc : 0;
}

/* ---- The table specifications ------------------------------------------ */

#define X(t) ((signed char)(t))

static const struct spec specs[] = {
	{NSW_MERGE_PLATFORMS,
	 "name",
	 1,
	 {COPY},
	 "SELECT id FROM platforms WHERE name = ?1",
	 {0},
	 1,
	 "name",
	 0,
	 NULL,
	 NULL},
	{NSW_MERGE_EVIDENCE,
	 "label, kind, source_path, added_by, added_utc, manifest_algo, "
	 "manifest_root, manifest_utc",
	 8,
	 {COPY, COPY, COPY, COPY, COPY, COPY, COPY, COPY},
	 NULL,
	 {0},
	 0,
	 "",
	 0,
	 fix_evidence,
	 NULL},
	/* Schema 8 partners: evidence as above plus a disk image's digest. */
	{NSW_MERGE_EVIDENCE,
	 "label, kind, source_path, added_by, added_utc, manifest_algo, "
	 "manifest_root, manifest_utc, image_sha256, image_size",
	 10,
	 {COPY, COPY, COPY, COPY, COPY, COPY, COPY, COPY, COPY, COPY},
	 NULL,
	 {0},
	 0,
	 "",
	 0,
	 fix_evidence,
	 NULL},
	{NSW_MERGE_LISTS,
	 "name, version, checksum, source_path, entries, role, added_utc",
	 7,
	 {COPY, COPY, COPY, COPY, COPY, COPY, COPY},
	 "SELECT id FROM lists WHERE checksum = ?1 AND role = ?2",
	 {2, 5},
	 2,
	 "checksum",
	 2,
	 NULL,
	 NULL},
	{NSW_MERGE_FILES,
	 "evidence_id, scan_run_id, path, display_path, name_not_utf8, size, "
	 "mtime_ns, ctime_ns, atime_ns, md5, sha1, sha256, pdq, pdq_quality, "
	 "media_type, status, error, link_target, recorded_utc, pdq_dihedral",
	 20,
	 {X(NSW_MERGE_EVIDENCE),
	  SET_NULL,
	  COPY,
	  COPY,
	  COPY,
	  COPY,
	  COPY,
	  COPY,
	  COPY,
	  COPY,
	  COPY,
	  COPY,
	  COPY,
	  COPY,
	  COPY,
	  COPY,
	  COPY,
	  COPY,
	  COPY,
	  COPY},
	 NULL,
	 {0},
	 0,
	 "",
	 -1,
	 NULL,
	 NULL},
	/* Schema 7 partners: files as above plus the partial-image rows. */
	{NSW_MERGE_FILES,
	 "evidence_id, scan_run_id, path, display_path, name_not_utf8, size, "
	 "mtime_ns, ctime_ns, atime_ns, md5, sha1, sha256, pdq, pdq_quality, "
	 "media_type, status, error, link_target, recorded_utc, pdq_dihedral, "
	 "pdq_rows_present, pdq_rows",
	 22,
	 {X(NSW_MERGE_EVIDENCE),
	  SET_NULL,
	  COPY,
	  COPY,
	  COPY,
	  COPY,
	  COPY,
	  COPY,
	  COPY,
	  COPY,
	  COPY,
	  COPY,
	  COPY,
	  COPY,
	  COPY,
	  COPY,
	  COPY,
	  COPY,
	  COPY,
	  COPY,
	  COPY,
	  COPY},
	 NULL,
	 {0},
	 0,
	 "",
	 -1,
	 NULL,
	 NULL},
	/* Schema 8 partners: plus a disk-image entry's inode, deleted mark and
	 * creation time. */
	{NSW_MERGE_FILES,
	 "evidence_id, scan_run_id, path, display_path, name_not_utf8, size, "
	 "mtime_ns, ctime_ns, atime_ns, md5, sha1, sha256, pdq, pdq_quality, "
	 "media_type, status, error, link_target, recorded_utc, pdq_dihedral, "
	 "pdq_rows_present, pdq_rows, meta_addr, deleted, crtime_ns",
	 25,
	 {X(NSW_MERGE_EVIDENCE),
	  SET_NULL,
	  COPY,
	  COPY,
	  COPY,
	  COPY,
	  COPY,
	  COPY,
	  COPY,
	  COPY,
	  COPY,
	  COPY,
	  COPY,
	  COPY,
	  COPY,
	  COPY,
	  COPY,
	  COPY,
	  COPY,
	  COPY,
	  COPY,
	  COPY,
	  COPY,
	  COPY,
	  COPY},
	 NULL,
	 {0},
	 0,
	 "",
	 -1,
	 NULL,
	 NULL},
	{NSW_MERGE_HITS,
	 "file_id, list_id, entry_id, entry_ref, algorithm, distance, "
	 "dihedral, category_scheme, category_code, suppressed, "
	 "suppressed_by_list, recorded_utc",
	 12,
	 {X(NSW_MERGE_FILES), X(NSW_MERGE_LISTS), COPY, COPY, COPY, COPY, COPY,
	  COPY, COPY, COPY, X(NSW_MERGE_LISTS), COPY},
	 "SELECT id FROM hits WHERE file_id = ?1 AND list_id = ?2 AND "
	 "entry_id = ?3 AND algorithm = ?4",
	 {0, 1, 2, 4},
	 4,
	 "natural-key",
	 -1,
	 NULL,
	 NULL},
	{NSW_MERGE_ACCOUNTS,
	 "platform_id, native_id, evidence_id, first_seen_utc, last_seen_utc, "
	 "flags",
	 6,
	 {X(NSW_MERGE_PLATFORMS), COPY, X(NSW_MERGE_EVIDENCE), COPY, COPY,
	  COPY},
	 "SELECT id FROM accounts WHERE platform_id = ?1 AND native_id = ?2",
	 {0, 1},
	 2,
	 "platform-id",
	 1,
	 NULL,
	 join_account_by_phone},
	{NSW_MERGE_ACCOUNT_NAMES,
	 "account_id, kind, value, first_seen_utc, last_seen_utc, "
	 "evidence_id, source_ref",
	 7,
	 {X(NSW_MERGE_ACCOUNTS), COPY, COPY, COPY, COPY, X(NSW_MERGE_EVIDENCE),
	  COPY},
	 "SELECT id FROM account_names WHERE account_id = ?1 AND kind = ?2 "
	 "AND value = ?3",
	 {0, 1, 2},
	 3,
	 "natural-key",
	 -1,
	 NULL,
	 NULL},
	{NSW_MERGE_CHATS,
	 "platform_id, native_id, kind, title, evidence_id, platform_type, "
	 "parent_native_id, parent_title, flags, source_ref",
	 10,
	 {X(NSW_MERGE_PLATFORMS), COPY, COPY, COPY, X(NSW_MERGE_EVIDENCE), COPY,
	  COPY, COPY, COPY, COPY},
	 "SELECT id FROM chats WHERE platform_id = ?1 AND native_id = ?2",
	 {0, 1},
	 2,
	 "platform-id",
	 1,
	 NULL,
	 NULL},
	{NSW_MERGE_MESSAGES,
	 "chat_id, native_id, time_utc, sender_account_id, "
	 "forwarded_from_account_id, forwarded_from_chat_id, "
	 "forwarded_from_name, reply_to_message_id, media_id, text, "
	 "evidence_id, source_ref, time_unix, flags, sender_name, saved_from, "
	 "reply_to_native_id, via_bot, service_action",
	 19,
	 {X(NSW_MERGE_CHATS), COPY, COPY, X(NSW_MERGE_ACCOUNTS),
	  X(NSW_MERGE_ACCOUNTS), X(NSW_MERGE_CHATS), COPY, SET_NULL, SET_NULL,
	  COPY, X(NSW_MERGE_EVIDENCE), COPY, COPY, COPY, COPY, COPY, COPY, COPY,
	  COPY},
	 "SELECT id FROM messages WHERE chat_id = ?1 AND native_id = ?2",
	 {0, 1},
	 2,
	 "native-id",
	 -1,
	 NULL,
	 NULL},
	{NSW_MERGE_MEDIA,
	 "evidence_id, file_id, md5, sha1, sha256, pdq, pdq_quality, "
	 "media_type, size, original_name, platform_ref, message_id, position, "
	 "kind, state, placeholder, thumbnail, mime_type, error",
	 19,
	 {X(NSW_MERGE_EVIDENCE), X(NSW_MERGE_FILES), COPY, COPY, COPY, COPY,
	  COPY, COPY, COPY, COPY, COPY, X(NSW_MERGE_MESSAGES), COPY, COPY, COPY,
	  COPY, COPY, COPY, COPY},
	 "SELECT id FROM media WHERE message_id = ?1 AND position = ?2",
	 {11, 12},
	 2,
	 "natural-key",
	 -1,
	 NULL,
	 NULL},
	{NSW_MERGE_MEMBERSHIP,
	 "chat_id, account_id, account_name, event, actor_account_id, "
	 "actor_name, time_utc, time_unix, flags, message_native_id, "
	 "target_index, title, inviter, evidence_id, source_ref",
	 15,
	 {X(NSW_MERGE_CHATS), X(NSW_MERGE_ACCOUNTS), COPY, COPY,
	  X(NSW_MERGE_ACCOUNTS), COPY, COPY, COPY, COPY, COPY, COPY, COPY, COPY,
	  X(NSW_MERGE_EVIDENCE), COPY},
	 "SELECT id FROM membership_events WHERE chat_id = ?1 AND event = ?2 "
	 "AND ifnull(message_native_id, '') = ifnull(?3, '') AND "
	 "ifnull(time_unix, 0) = ifnull(?4, 0) AND target_index = ?5 AND "
	 "ifnull(account_name, '') = ifnull(?6, '')",
	 {0, 3, 9, 7, 10, 2},
	 6,
	 "natural-key",
	 -1,
	 NULL,
	 NULL},
	{NSW_MERGE_ATTRIBUTIONS,
	 "account_id, country, basis, confidence, source, created_utc",
	 6,
	 {X(NSW_MERGE_ACCOUNTS), COPY, COPY, COPY, COPY, COPY},
	 NULL,
	 {0},
	 0,
	 "",
	 -1,
	 fix_attribution,
	 NULL},
};

/* Messages from this source: their first media (also on joined messages
 * that had none: the partner's export had the file), and the replies of
 * copied ones resolved in our case. */
static int fix_messages(struct merge *m)
{
	static const char sql[] =
		"UPDATE messages SET media_id = (SELECT d.id FROM media d "
		"WHERE d.message_id = messages.id AND d.thumbnail = 0 "
		"ORDER BY d.position LIMIT 1) WHERE media_id IS NULL AND id IN "
		"(SELECT dst_row FROM merge_map WHERE source_id = ?1 AND "
		"tbl = 'messages')";
	static const char sql2[] =
		"UPDATE messages SET reply_to_message_id = (SELECT r.id FROM "
		"messages r WHERE r.chat_id = messages.chat_id AND r.native_id "
		"= messages.reply_to_native_id) WHERE reply_to_message_id IS "
		"NULL AND reply_to_native_id IS NOT NULL AND id IN (SELECT "
		"dst_row FROM merge_map WHERE source_id = ?1 AND tbl = "
		"'messages' AND created = 1)";
	nsw_sqlstmt *st = NULL;
	int rc = nsw_sqldb_prepare(m->c->db, &st, sql);

	if (rc == 0)
		rc = nsw_sqldb_bind_int64(st, 1, m->source_id);
	if (rc == 0)
		rc = nsw_sqldb_run(st);
	nsw_sqldb_finalize(st);
	st = NULL;
	if (rc == 0)
		rc = nsw_sqldb_prepare(m->c->db, &st, sql2);
	if (rc == 0)
		rc = nsw_sqldb_bind_int64(st, 1, m->source_id);
	if (rc == 0)
		rc = nsw_sqldb_run(st);
	nsw_sqldb_finalize(st);
	return rc;
}

/* A partner's archive members (schema 9) point to their archive's
 * record: the same link between our copies of both. Members are recorded
 * before their archive, so the link can only be set once all files are
 * copied. A row that already has its link (an earlier merge) is kept. */
static int fix_containers(struct merge *m, int version)
{
	nsw_sqlstmt *q = NULL, *up = NULL;
	int rc;

	if (version < 9)
		return 0;
	rc = nsw_sqldb_prepare(m->src, &q,
			       "SELECT id, container_file_id FROM files WHERE "
			       "container_file_id IS NOT NULL ORDER BY id");
	if (rc == 0)
		rc = nsw_sqldb_prepare(
			m->c->db, &up,
			"UPDATE files SET container_file_id = (SELECT dst_row "
			"FROM merge_map WHERE source_id = ?1 AND tbl = 'files' "
			"AND src_row = ?3) WHERE container_file_id IS NULL AND "
			"id = (SELECT dst_row FROM merge_map WHERE source_id = "
			"?1 AND tbl = 'files' AND src_row = ?2)");
	while (rc == 0 && (rc = nsw_sqldb_step(q)) == 1) {
		nsw_sqldb_reset(up);
		rc = nsw_sqldb_bind_int64(up, 1, m->source_id);
		rc = rc ? rc
			: nsw_sqldb_bind_int64(up, 2,
					       nsw_sqldb_column_int64(q, 0));
		rc = rc ? rc
			: nsw_sqldb_bind_int64(up, 3,
					       nsw_sqldb_column_int64(q, 1));
		rc = rc ? rc : nsw_sqldb_run(up);
	}
	nsw_sqldb_finalize(q);
	nsw_sqldb_finalize(up);
	return rc < 0 ? rc : 0;
}

/* ---- The merge ---------------------------------------------------------- */

static int check_source(struct merge *m, const char *path)
{
	nsw_sqlstmt *q = NULL;
	int rc, version = 0;

	rc = nsw_sqldb_prepare(m->src, &q, "PRAGMA application_id");
	if (rc == 0 && (rc = nsw_sqldb_step(q)) == 1) {
		rc = nsw_sqldb_column_int64(q, 0) == NSW_CASE_APPLICATION_ID
			     ? 0
			     : nsw_error_set(NSW_EFORMAT,
					     "%s: not a netsweep case", path);
	} else if (rc == 0) {
		rc = nsw_error_set(NSW_EFORMAT, "%s: not a netsweep case",
				   path);
	}
	nsw_sqldb_finalize(q);
	if (rc == 0)
		rc = nsw_sqldb_user_version(m->src, &version);
	if (rc == 0 && (version < 5 || version > NSW_CASE_SCHEMA_VERSION))
		rc = nsw_error_set(NSW_EUNSUPPORTED,
				   "%s: case schema %d, merge reads 5 to %d",
				   path, version, NSW_CASE_SCHEMA_VERSION);
	return rc;
}

static int register_source(struct merge *m, const char *path)
{
	nsw_sqlstmt *q = NULL, *st = NULL;
	nsw_merge_report *r = m->r;
	int rc = nsw_sqldb_prepare(
		m->src, &q,
		"SELECT uuid, name, examiner, created_utc FROM case_meta");

	if (rc == 0 && (rc = nsw_sqldb_step(q)) != 1)
		rc = rc < 0 ? rc
			    : nsw_error_set(NSW_EFORMAT, "%s: no case metadata",
					    path);
	else if (rc == 1) {
		const char *uuid = nsw_sqldb_column_text(q, 0, NULL);

		snprintf(r->source_uuid, sizeof(r->source_uuid), "%s",
			 uuid ? uuid : "");
		snprintf(r->source_name, sizeof(r->source_name), "%s",
			 nsw_sqldb_column_text(q, 1, NULL)
				 ? nsw_sqldb_column_text(q, 1, NULL)
				 : "");
		snprintf(r->source_examiner, sizeof(r->source_examiner), "%s",
			 nsw_sqldb_column_text(q, 2, NULL)
				 ? nsw_sqldb_column_text(q, 2, NULL)
				 : "");
		rc = 0;
		if (strcmp(r->source_uuid, nsw_case_get_meta(m->c)->uuid) == 0)
			rc = nsw_error_set(NSW_EINVAL,
					   "%s is this case itself (uuid %s)",
					   path, r->source_uuid);
	}
	if (rc == 0)
		rc = nsw_sqldb_prepare(
			m->c->db, &st,
			"INSERT INTO merged_sources(uuid, name, examiner, "
			"created_utc, path, first_merged_utc, "
			"last_merged_utc) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?6) "
			"ON CONFLICT(uuid) DO UPDATE SET merges = merges + 1, "
			"last_merged_utc = ?6, path = ?5, name = ?2");
	if (rc == 0 && (nsw_sqldb_bind_text(st, 1, r->source_uuid) < 0 ||
			nsw_sqldb_bind_text(st, 2, r->source_name) < 0 ||
			nsw_sqldb_bind_text(st, 3, r->source_examiner) < 0 ||
			nsw_sqldb_bind_text(
				st, 4, nsw_sqldb_column_text(q, 3, NULL)) < 0 ||
			nsw_sqldb_bind_text(st, 5, path) < 0 ||
			nsw_sqldb_bind_text(st, 6, m->now) < 0))
		rc = nsw_error_last_code();
	if (rc == 0)
		rc = nsw_sqldb_run(st);
	nsw_sqldb_finalize(st);
	nsw_sqldb_finalize(q);
	st = NULL;
	if (rc == 0)
		rc = nsw_sqldb_prepare(m->c->db, &st,
				       "SELECT id, merges FROM merged_sources "
				       "WHERE uuid = ?1");
	if (rc == 0)
		rc = nsw_sqldb_bind_text(st, 1, r->source_uuid);
	if (rc == 0 && (rc = nsw_sqldb_step(st)) == 1) {
		m->source_id = nsw_sqldb_column_int64(st, 0);
		r->first_merge = nsw_sqldb_column_int64(st, 1) == 1;
		rc = 0;
	} else if (rc == 0) {
		rc = nsw_error_set(NSW_ERROR, "merged source not recorded");
	}
	nsw_sqldb_finalize(st);
	snprintf(m->name, sizeof(m->name), "%s", r->source_name);
	snprintf(m->uuid, sizeof(m->uuid), "%s", r->source_uuid);
	return rc;
}

static int audit_merge(struct merge *m, const char *path)
{
	nsw_merge_report *r = m->r;
	nsw_buf d;
	int rc = 0;

	nsw_buf_init(&d, 16384);
	if (nsw_buf_puts(&d, "{\"source_uuid\":") < 0 ||
	    nsw_store__json_str(&d, r->source_uuid) < 0 ||
	    nsw_buf_puts(&d, ",\"source_name\":") < 0 ||
	    nsw_store__json_str(&d, r->source_name) < 0 ||
	    nsw_buf_puts(&d, ",\"path\":") < 0 ||
	    nsw_store__json_str(&d, path) < 0 ||
	    nsw_buf_printf(&d, ",\"first_merge\":%s,\"tables\":{",
			   r->first_merge ? "true" : "false") < 0)
		rc = nsw_error_set(NSW_ELIMIT, "audit detail too long");
	for (int t = 0; rc == 0 && t < NSW_MERGE_TABLE_COUNT; t++)
		if (nsw_buf_printf(&d,
				   "%s\"%s\":{\"seen\":%lld,\"created\":%lld,"
				   "\"joined\":%lld,\"already\":%lld}",
				   t ? "," : "", table_names[t],
				   (long long)r->tables[t].seen,
				   (long long)r->tables[t].created,
				   (long long)r->tables[t].joined,
				   (long long)r->tables[t].already) < 0)
			rc = nsw_error_set(NSW_ELIMIT, "audit detail too long");
	if (rc == 0 &&
	    nsw_buf_printf(&d,
			   "},\"items\":{\"seen\":%lld,\"new\":%lld,"
			   "\"by_digest\":%lld,\"by_pdq\":%lld,\"already\":"
			   "%lld},\"conflicts_new\":%lld}",
			   (long long)r->items, (long long)r->items_new,
			   (long long)r->items_by_digest,
			   (long long)r->items_by_pdq,
			   (long long)r->items_already,
			   (long long)r->conflicts_new) < 0)
		rc = nsw_error_set(NSW_ELIMIT, "audit detail too long");
	if (rc == 0)
		rc = nsw_store__audit_append(m->c, "merge.case", d.ptr);
	nsw_buf_dispose(&d);
	return rc;
}

/*
 * Their file, read-only and untrusted. A closed case has no write-ahead log
 * beside it: open it immutable, so not even -shm is created next to their
 * evidence. With a -wal present (not closed cleanly, or still in use) the
 * log holds committed rows, so open it normally read-only instead.
 */
static int open_source(nsw_sqldb **out, const char *path)
{
	char wal[NSW_PATH_MAX + 8];
	FILE *f;
	unsigned flags = NSW_SQLDB_READONLY | NSW_SQLDB_UNTRUSTED;

	if ((size_t)snprintf(wal, sizeof(wal), "%s-wal", path) >= sizeof(wal))
		return nsw_error_set(NSW_ELIMIT, "path too long");
	f = fopen(wal, "rb");
	if (f == NULL)
		flags |= NSW_SQLDB_IMMUTABLE;
	else
		fclose(f);
	return nsw_sqldb_open(out, path, flags);
}

int nsw_merge_case(nsw_case *c, const char *other_path,
		   const nsw_merge_options *opt, nsw_merge_report *report)
{
	static const nsw_merge_options defaults = {0, 0, 0};
	struct merge m;
	int rc, version = 0;

	if (c == NULL || other_path == NULL || report == NULL)
		return nsw_error_set(NSW_EINVAL, "merge: no case or path");
	memset(report, 0, sizeof(*report));
	memset(&m, 0, sizeof(m));
	m.c = c;
	m.r = report;
	m.opt = opt ? opt : &defaults;
	nsw_store__now_utc(m.now);
	rc = open_source(&m.src, other_path);
	if (rc == 0)
		rc = check_source(&m, other_path);
	if (rc < 0)
		goto done;
	rc = nsw_sqldb_begin_immediate(c->db);
	if (rc < 0)
		goto done;
	rc = register_source(&m, other_path);
	if (rc == 0)
		rc = nsw_sqldb_prepare(c->db, &m.map_find,
				       "SELECT dst_row FROM merge_map WHERE "
				       "source_id = ?1 AND tbl = ?2 AND "
				       "src_row = ?3");
	if (rc == 0)
		rc = nsw_sqldb_prepare(
			c->db, &m.map_add,
			"INSERT INTO merge_map(source_id, tbl, src_row, "
			"dst_row, created, via, src_key, merged_utc) "
			"VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
	if (rc == 0)
		rc = load_phones(&m);
	/* Items first: matched against what we held before this merge. */
	if (rc == 0)
		rc = nsw_merge__items(&m);
	if (rc == 0)
		rc = nsw_sqldb_user_version(m.src, &version);
	for (size_t i = 0; rc == 0 && i < sizeof(specs) / sizeof(specs[0]);
	     i++) {
		if (!spec_fits(&specs[i], version))
			continue;
		rc = merge_table(&m, &specs[i]);
	}
	if (rc == 0)
		rc = fix_messages(&m);
	if (rc == 0)
		rc = fix_containers(&m, version);
	if (rc == 0)
		rc = nsw_merge__account_conflicts(&m);
	if (rc == 0)
		rc = audit_merge(&m, other_path);
	if (rc == 0)
		rc = nsw_sqldb_commit(c->db);
	if (rc < 0)
		nsw_sqldb_rollback(c->db);
done:
	nsw_sqldb_finalize(m.map_find);
	nsw_sqldb_finalize(m.map_add);
	nsw__free(m.phones);
	nsw_sqldb_close(m.src);
	return rc;
}
