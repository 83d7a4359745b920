/* SPDX-License-Identifier: Apache-2.0 */
/* The stored spread of one item, found by a hash of any of its copies. */
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "limits.h"
#include "store_network.h"

static int unhex(uint8_t *out, const char *hex, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int v = 0;

		for (int k = 0; k < 2; k++) {
			char ch = hex[2 * i + k];

			v <<= 4;
			if (ch >= '0' && ch <= '9')
				v |= ch - '0';
			else if (ch >= 'a' && ch <= 'f')
				v |= ch - 'a' + 10;
			else if (ch >= 'A' && ch <= 'F')
				v |= ch - 'A' + 10;
			else
				return -1;
		}
		out[i] = (uint8_t)v;
	}
	return 0;
}

static const char *txt(nsw_sqlstmt *st, int col)
{
	const char *s = nsw_sqldb_column_text(st, col, NULL);

	return s ? s : "";
}

static char *dup_col(nsw_sqlstmt *st, int col, int *rc)
{
	char *d;

	if (*rc != NSW_OK)
		return NULL;
	d = nsw__strdup(txt(st, col));
	if (d == NULL)
		*rc = nsw_error_set(NSW_ENOMEM, "out of memory");
	return d;
}

/* A found item and how. */
struct found {
	int64_t item;
	char how[16];
};

struct found_set {
	struct found *v;
	size_t n, cap;
};

static int found_add(struct found_set *fs, int64_t item, const char *how)
{
	for (size_t i = 0; i < fs->n; i++)
		if (fs->v[i].item == item)
			return NSW_OK;
	if (fs->n == fs->cap) {
		size_t ncap = fs->cap ? fs->cap * 2 : 8;
		struct found *nv;

		if (ncap > NSW_ANALYZE_QUERY_ROWS_MAX)
			return nsw_error_set(NSW_ELIMIT,
					     "item: too many items match");
		nv = nsw__reallocarray(fs->v, ncap, sizeof(*nv));
		if (nv == NULL)
			return nsw_error_set(NSW_ENOMEM, "out of memory");
		fs->v = nv;
		fs->cap = ncap;
	}
	fs->v[fs->n].item = item;
	snprintf(fs->v[fs->n].how, sizeof(fs->v[fs->n].how), "%s", how);
	fs->n++;
	return NSW_OK;
}

/* Items of the run holding a copy whose `column` equals the bytes. */
static int find_exact(nsw_case *c, int64_t run, const char *column,
		      const uint8_t *bytes, size_t n, struct found_set *fs)
{
	static const char *const q[] = {
		"SELECT DISTINCT im.item FROM media md JOIN "
		"analysis_item_media im ON im.media_id = md.id AND im.run_id "
		"= ?1 WHERE md.md5 = ?2 ORDER BY im.item",
		"SELECT DISTINCT im.item FROM media md JOIN "
		"analysis_item_media im ON im.media_id = md.id AND im.run_id "
		"= ?1 WHERE md.sha1 = ?2 ORDER BY im.item",
		"SELECT DISTINCT im.item FROM media md JOIN "
		"analysis_item_media im ON im.media_id = md.id AND im.run_id "
		"= ?1 WHERE md.sha256 = ?2 ORDER BY im.item",
		"SELECT DISTINCT im.item FROM media md JOIN "
		"analysis_item_media im ON im.media_id = md.id AND im.run_id "
		"= ?1 WHERE md.pdq = ?2 ORDER BY im.item",
	};
	int which = strcmp(column, "md5") == 0	    ? 0
		    : strcmp(column, "sha1") == 0   ? 1
		    : strcmp(column, "sha256") == 0 ? 2
						    : 3;
	nsw_sqlstmt *st = NULL;
	int rc, r = 0;

	rc = nsw_sqldb_prepare(c->db, &st, q[which]);
	rc = rc ? rc : nsw_sqldb_bind_int64(st, 1, run);
	rc = rc ? rc : nsw_sqldb_bind_blob(st, 2, bytes, n);
	while (rc == NSW_OK && (r = nsw_sqldb_step(st)) > 0)
		rc = found_add(fs, nsw_sqldb_column_int64(st, 0), column);
	if (rc == NSW_OK && r < 0)
		rc = r;
	nsw_sqldb_finalize(st);
	return rc;
}

/* Items with a copy whose PDQ is within `threshold` of `q` (a scan of the
 * run's PDQs: `item` is interactive, one query). */
static int find_pdq_near(nsw_case *c, int64_t run, const nsw_pdq_hash *q,
			 int threshold, struct found_set *fs)
{
	nsw_sqlstmt *st = NULL;
	int rc, r = 0;

	rc = nsw_sqldb_prepare(
		c->db, &st,
		"SELECT im.item, md.pdq FROM analysis_item_media im JOIN media"
		" md ON md.id = im.media_id WHERE im.run_id = ?1 AND md.pdq IS"
		" NOT NULL ORDER BY im.item, md.id");
	rc = rc ? rc : nsw_sqldb_bind_int64(st, 1, run);
	while (rc == NSW_OK && (r = nsw_sqldb_step(st)) > 0) {
		size_t len = 0;
		const void *p = nsw_sqldb_column_blob(st, 1, &len);
		nsw_pdq_hash h;
		char how[16];
		int d;

		if (p == NULL || len != NSW_PDQ_BYTES)
			continue;
		memcpy(h.bytes, p, NSW_PDQ_BYTES);
		d = nsw_pdq_distance(q, &h);
		if (d > threshold)
			continue;
		snprintf(how, sizeof(how), "pdq~%d", d);
		rc = found_add(fs, nsw_sqldb_column_int64(st, 0), how);
	}
	if (rc == NSW_OK && r < 0)
		rc = r;
	nsw_sqldb_finalize(st);
	return rc;
}

struct spread_rows {
	nsw_item_appearance_row *v;
	size_t n, cap;
	char **strs;
	size_t nstr, strcap;
	uint32_t *resharers, *chats;
	size_t n_res, n_chats;
};

static void rows_clear(struct spread_rows *s)
{
	for (size_t i = 0; i < s->nstr; i++)
		nsw__free(s->strs[i]);
	s->nstr = 0;
	s->n = 0;
	s->n_res = 0;
	s->n_chats = 0;
}

static const char *keep(struct spread_rows *s, char *p, int *rc)
{
	if (*rc != NSW_OK || p == NULL)
		return "";
	if (s->nstr == s->strcap) {
		size_t ncap = s->strcap ? s->strcap * 2 : 256;
		char **nv;

		if (ncap > NSW_ANALYZE_QUERY_STRINGS_MAX) {
			nsw__free(p);
			*rc = nsw_error_set(NSW_ELIMIT,
					    "item: spread too large to show");
			return "";
		}
		nv = nsw__reallocarray(s->strs, ncap, sizeof(*nv));
		if (nv == NULL) {
			nsw__free(p);
			*rc = nsw_error_set(NSW_ENOMEM, "out of memory");
			return "";
		}
		s->strs = nv;
		s->strcap = ncap;
	}
	s->strs[s->nstr++] = p;
	return p;
}

static void copy_hex(nsw_sqlstmt *st, char *out)
{
	static const int cols[4] = {14, 15, 16, 17};
	static const size_t lens[4] = {32, 16, 20, 32};
	static const char digits[] = "0123456789abcdef";

	out[0] = '\0';
	for (int k = 0; k < 4; k++) {
		size_t len = 0;
		const uint8_t *p = nsw_sqldb_column_blob(st, cols[k], &len);

		if (p == NULL || len != lens[k])
			continue;
		for (size_t i = 0; i < len; i++) {
			out[2 * i] = digits[p[i] >> 4];
			out[2 * i + 1] = digits[p[i] & 15];
		}
		out[2 * len] = '\0';
		return;
	}
}

static int load_spread(nsw_case *c, int64_t run, int64_t item,
		       struct spread_rows *s)
{
	nsw_sqlstmt *st = NULL;
	int64_t *acc = NULL, *chat = NULL;
	int rc, r = 0;

	rc = nsw_sqldb_prepare(
		c->db, &st,
		"SELECT sp.seq, sp.message_id, m.native_id, m.time_utc, "
		"m.chat_id, ch.native_id, ch.title, m.sender_account_id, "
		"a.native_id, (SELECT n.value FROM account_names n WHERE "
		"n.account_id = m.sender_account_id AND n.kind = 'display' "
		"ORDER BY n.last_seen_utc DESC, n.id DESC LIMIT 1), sp.kind, "
		"m.forwarded_from_account_id, fa.native_id, sp.media_id, "
		"md.sha256, md.md5, md.sha1, md.pdq, sp.account FROM "
		"analysis_spread sp JOIN messages m ON m.id = sp.message_id "
		"JOIN chats ch ON ch.id = m.chat_id LEFT JOIN accounts a ON "
		"a.id = m.sender_account_id LEFT JOIN accounts fa ON fa.id = "
		"m.forwarded_from_account_id JOIN media md ON md.id = "
		"sp.media_id WHERE sp.run_id = ?1 AND sp.item = ?2 ORDER BY "
		"sp.seq");
	rc = rc ? rc : nsw_sqldb_bind_int64(st, 1, run);
	rc = rc ? rc : nsw_sqldb_bind_int64(st, 2, item);
	while (rc == NSW_OK && (r = nsw_sqldb_step(st)) > 0) {
		nsw_item_appearance_row *a;
		char hex[72];

		if (s->n == s->cap) {
			size_t ncap = s->cap ? s->cap * 2 : 64;
			void *nv;

			if (ncap > NSW_ANALYZE_QUERY_ROWS_MAX) {
				rc = nsw_error_set(NSW_ELIMIT,
						   "item: spread too large");
				break;
			}
			nv = nsw__reallocarray(s->v, ncap, sizeof(*s->v));
			rc = nv ? rc : nsw_error_set(NSW_ENOMEM, "no memory");
			if (rc != NSW_OK)
				break;
			s->v = nv;
			nv = nsw__reallocarray(s->resharers, ncap,
					       sizeof(uint32_t));
			if (nv != NULL)
				s->resharers = nv;
			nv = nv ? nsw__reallocarray(s->chats, ncap,
						    sizeof(uint32_t))
				: NULL;
			if (nv != NULL)
				s->chats = nv;
			nv = nv ? nsw__reallocarray(acc, ncap, sizeof(*acc))
				: NULL;
			if (nv != NULL)
				acc = nv;
			nv = nv ? nsw__reallocarray(chat, ncap, sizeof(*chat))
				: NULL;
			if (nv == NULL) {
				rc = nsw_error_set(NSW_ENOMEM, "no memory");
				break;
			}
			chat = nv;
			s->cap = ncap;
		}
		a = &s->v[s->n];
		memset(a, 0, sizeof(*a));
		a->seq = (uint32_t)nsw_sqldb_column_int64(st, 0);
		a->message_id = nsw_sqldb_column_int64(st, 1);
		a->message_native_id = keep(s, dup_col(st, 2, &rc), &rc);
		a->time_utc = keep(s, dup_col(st, 3, &rc), &rc);
		a->chat_id = nsw_sqldb_column_int64(st, 4);
		a->chat_native_id = keep(s, dup_col(st, 5, &rc), &rc);
		a->chat_title = keep(s, dup_col(st, 6, &rc), &rc);
		a->account_id = nsw_sqldb_column_int64(st, 7);
		a->account_native_id = keep(s, dup_col(st, 8, &rc), &rc);
		a->account_name = keep(s, dup_col(st, 9, &rc), &rc);
		a->kind = nsw_sqldb_column_int64(st, 10) ? "forward" : "post";
		a->forwarded_from_account_id = nsw_sqldb_column_int64(st, 11);
		a->forwarded_from_native_id =
			keep(s, dup_col(st, 12, &rc), &rc);
		a->media_id = nsw_sqldb_column_int64(st, 13);
		copy_hex(st, hex);
		a->copy = keep(s, rc == NSW_OK ? nsw__strdup(hex) : NULL, &rc);
		/* Re-sharers and chats crossed, by first appearance. */
		acc[s->n] = nsw_sqldb_column_int64(st, 18);
		chat[s->n] = a->chat_id;
		if (s->n > 0 && acc[s->n] != acc[0]) {
			size_t k;

			for (k = 1; k < s->n; k++)
				if (acc[k] == acc[s->n])
					break;
			if (k == s->n)
				s->resharers[s->n_res++] = (uint32_t)s->n;
		}
		{
			size_t k;

			for (k = 0; k < s->n; k++)
				if (chat[k] == chat[s->n])
					break;
			if (k == s->n)
				s->chats[s->n_chats++] = (uint32_t)s->n;
		}
		s->n++;
	}
	if (rc == NSW_OK && r < 0)
		rc = r;
	nsw_sqldb_finalize(st);
	nsw__free(acc);
	nsw__free(chat);
	return rc;
}

static int emit_item(nsw_case *c, int64_t run, const struct found *f,
		     int (*fn)(void *ctx, const nsw_item_spread *s), void *ctx,
		     struct spread_rows *rows)
{
	nsw_sqlstmt *st = NULL;
	nsw_item_spread sp;
	char category[256];
	char *key = NULL, *list = NULL;
	int rc, r;

	memset(&sp, 0, sizeof(sp));
	rc = nsw_sqldb_prepare(
		c->db, &st,
		"SELECT it.key, it.known, it.list_name, it.category_scheme, "
		"it.category_code, it.media_copies, (SELECT count(DISTINCT "
		"coalesce(md.sha256, md.md5, md.sha1, md.pdq)) FROM "
		"analysis_item_media im JOIN media md ON md.id = im.media_id "
		"WHERE im.run_id = it.run_id AND im.item = it.item) FROM "
		"analysis_items it WHERE it.run_id = ?1 AND it.item = ?2");
	rc = rc ? rc : nsw_sqldb_bind_int64(st, 1, run);
	rc = rc ? rc : nsw_sqldb_bind_int64(st, 2, f->item);
	r = rc ? rc : nsw_sqldb_step(st);
	if (r <= 0) {
		nsw_sqldb_finalize(st);
		return r < 0 ? r
			     : nsw_error_set(NSW_ENOTFOUND,
					     "item %lld not in run %lld",
					     (long long)f->item,
					     (long long)run);
	}
	key = dup_col(st, 0, &rc);
	sp.known = (int)nsw_sqldb_column_int64(st, 1);
	list = dup_col(st, 2, &rc);
	category[0] = '\0';
	if (nsw_sqldb_column_type(st, 3) != NSW_SQL_NULL ||
	    nsw_sqldb_column_type(st, 4) != NSW_SQL_NULL)
		snprintf(category, sizeof(category), "%s:%s", txt(st, 3),
			 txt(st, 4));
	sp.media_copies = nsw_sqldb_column_int64(st, 5);
	sp.distinct_copies = nsw_sqldb_column_int64(st, 6);
	nsw_sqldb_finalize(st);
	rows_clear(rows);
	rc = rc ? rc : load_spread(c, run, f->item, rows);
	if (rc == NSW_OK) {
		sp.run_id = run;
		sp.item = (uint32_t)f->item;
		sp.key = key;
		sp.matched_by = f->how;
		sp.list_name = list;
		sp.category = category;
		sp.appearances = rows->v;
		sp.n_appearances = rows->n;
		sp.resharers = rows->resharers;
		sp.n_resharers = rows->n_res;
		sp.chats = rows->chats;
		sp.n_chats = rows->n_chats;
		rc = fn(ctx, &sp);
	}
	nsw__free(key);
	nsw__free(list);
	return rc;
}

int nsw_case_item_spread(nsw_case *c, int64_t run_id, const char *hex,
			 int (*fn)(void *ctx, const nsw_item_spread *s),
			 void *ctx)
{
	nsw_analysis_run run;
	struct found_set fs = {0};
	struct spread_rows rows = {0};
	uint8_t bytes[32];
	size_t len;
	int rc;

	if (c == NULL || hex == NULL || fn == NULL)
		return nsw_error_set(NSW_EINVAL, "item: NULL argument");
	len = strlen(hex);
	if ((len != 32 && len != 40 && len != 64) ||
	    unhex(bytes, hex, len / 2) != 0)
		return nsw_error_set(NSW_EINVAL,
				     "item: '%.80s' is not an MD5 (32 hex "
				     "digits), SHA-1 (40), SHA-256 or PDQ "
				     "(64)",
				     hex);
	rc = nsw_case_analysis_get(c, run_id, &run);
	if (rc != NSW_OK)
		return rc;
	if (len == 32)
		rc = find_exact(c, run.id, "md5", bytes, 16, &fs);
	else if (len == 40)
		rc = find_exact(c, run.id, "sha1", bytes, 20, &fs);
	else {
		rc = find_exact(c, run.id, "sha256", bytes, 32, &fs);
		if (rc == NSW_OK && fs.n == 0)
			rc = find_exact(c, run.id, "pdq", bytes, 32, &fs);
		if (rc == NSW_OK && fs.n == 0 && !run.options.no_pdq) {
			nsw_pdq_hash q;

			memcpy(q.bytes, bytes, 32);
			rc = find_pdq_near(c, run.id, &q,
					   run.options.pdq_threshold, &fs);
		}
	}
	if (rc == NSW_OK && fs.n == 0)
		rc = nsw_error_set(NSW_ENOTFOUND,
				   "item: no media with hash %s in analysis "
				   "run %lld",
				   hex, (long long)run.id);
	for (size_t i = 0; i < fs.n && rc == NSW_OK; i++)
		rc = emit_item(c, run.id, &fs.v[i], fn, ctx, &rows);
	rows_clear(&rows);
	nsw__free(rows.v);
	nsw__free(rows.strs);
	nsw__free(rows.resharers);
	nsw__free(rows.chats);
	nsw__free(fs.v);
	return rc;
}
