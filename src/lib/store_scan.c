/* SPDX-License-Identifier: Apache-2.0 */
/* The case's scan runs (start, resume, finish) and its summary queries. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "error.h"
#include "limits.h"
#include "netsweep/digest.h"
#include "store.h"

static const char *state_name(nsw_scan_state s)
{
	switch (s) {
	case NSW_SCAN_RUNNING:
		return "running";
	case NSW_SCAN_DONE:
		return "done";
	case NSW_SCAN_FAILED:
		return "failed";
	case NSW_SCAN_STOPPED:
		return "stopped";
	}
	return "?";
}

struct scan_begin {
	const nsw_scan_start *s;
	int64_t id;
	int resumed;
};

static int find_unfinished(nsw_case *c, const nsw_scan_start *s, int64_t *id)
{
	nsw_sqlstmt *st = NULL;
	int rc;

	*id = 0;
	rc = nsw_sqldb_prepare(c->db, &st,
			       "SELECT id FROM scan_runs WHERE evidence_id=?1 "
			       "AND args=?2 AND state IN ('running', "
			       "'stopped') ORDER BY id DESC LIMIT 1");
	rc = rc ? rc : nsw_sqldb_bind_int64(st, 1, s->evidence_id);
	rc = rc ? rc : nsw_sqldb_bind_text(st, 2, s->args);
	rc = rc ? rc : nsw_sqldb_step(st);
	if (rc == 1)
		*id = nsw_sqldb_column_int64(st, 0);
	nsw_sqldb_finalize(st);
	return rc < 0 ? rc : NSW_OK;
}

static int scan_begin_tx(nsw_case *c, void *arg)
{
	struct scan_begin *b = arg;
	nsw_sqlstmt *st = NULL;
	nsw_buf detail;
	char now[32];
	int rc;

	nsw_store__now_utc(now);
	nsw_buf_init(&detail, NSW_CASE_AUDIT_DETAIL_MAX);
	rc = find_unfinished(c, b->s, &b->id);
	if (rc != NSW_OK)
		goto done;
	b->resumed = b->id != 0;
	if (b->resumed) {
		rc = nsw_sqldb_prepare(c->db, &st,
				       "UPDATE scan_runs SET state='running', "
				       "resumed_count=resumed_count+1, "
				       "last_resumed_utc=?2, threads=?3 "
				       "WHERE id=?1");
		rc = rc ? rc : nsw_sqldb_bind_int64(st, 1, b->id);
	} else {
		rc = nsw_sqldb_prepare(c->db, &st,
				       "INSERT INTO scan_runs(evidence_id, "
				       "args, threads, state, started_utc, "
				       "netsweep_version) VALUES(?1, ?4, ?3, "
				       "'running', ?2, ?5)");
		rc = rc ? rc : nsw_sqldb_bind_int64(st, 1, b->s->evidence_id);
		rc = rc ? rc : nsw_sqldb_bind_text(st, 4, b->s->args);
		rc = rc ? rc : nsw_sqldb_bind_text(st, 5, NSW_VERSION);
	}
	rc = rc ? rc : nsw_sqldb_bind_text(st, 2, now);
	rc = rc ? rc : nsw_sqldb_bind_int64(st, 3, b->s->threads);
	rc = rc ? rc : nsw_sqldb_run(st);
	if (rc != NSW_OK)
		goto done;
	if (!b->resumed)
		b->id = nsw_sqldb_last_insert_rowid(c->db);
	rc = nsw_buf_printf(&detail,
			    "{\"run\":%lld,\"evidence\":%lld,"
			    "\"threads\":%d,\"args\":",
			    (long long)b->id, (long long)b->s->evidence_id,
			    b->s->threads);
	rc = rc ? rc : nsw_store__json_str(&detail, b->s->args);
	rc = rc ? rc : nsw_buf_putc(&detail, '}');
	if (rc != NSW_OK) {
		rc = nsw_error_set(NSW_ELIMIT, "scan: arguments too long");
		goto done;
	}
	rc = nsw_store__audit_append(
		c, b->resumed ? "scan.resume" : "scan.start", detail.ptr);
done:
	nsw_sqldb_finalize(st);
	nsw_buf_dispose(&detail);
	return rc;
}

int nsw_case_scan_begin(nsw_case *c, const nsw_scan_start *s, int64_t *run_id,
			int *resumed)
{
	struct scan_begin b = {s, 0, 0};
	int rc;

	*run_id = 0;
	if (resumed != NULL)
		*resumed = 0;
	if (c == NULL || s == NULL || s->evidence_id <= 0 || s->args == NULL)
		return nsw_error_set(NSW_EINVAL, "scan: bad argument");
	rc = nsw_store__in_tx(c, scan_begin_tx, &b);
	if (rc != NSW_OK)
		return rc;
	*run_id = b.id;
	if (resumed != NULL)
		*resumed = b.resumed;
	return NSW_OK;
}

int nsw_case_scan_set_totals(nsw_case *c, int64_t run_id, int64_t files,
			     int64_t bytes)
{
	nsw_sqlstmt *st = NULL;
	int rc;

	if (c == NULL)
		return nsw_error_set(NSW_EINVAL, "scan: NULL case");
	rc = nsw_sqldb_prepare(c->db, &st,
			       "UPDATE scan_runs SET files_total=?2, "
			       "bytes_total=?3 WHERE id=?1");
	rc = rc ? rc : nsw_sqldb_bind_int64(st, 1, run_id);
	rc = rc ? rc : nsw_sqldb_bind_int64(st, 2, files);
	rc = rc ? rc : nsw_sqldb_bind_int64(st, 3, bytes);
	rc = rc ? rc : nsw_sqldb_run(st);
	nsw_sqldb_finalize(st);
	if (rc == NSW_OK && nsw_sqldb_changes(c->db) != 1)
		rc = nsw_error_set(NSW_ENOTFOUND, "no scan run %lld",
				   (long long)run_id);
	return rc;
}

int nsw_case_scan_add_list(nsw_case *c, int64_t run_id, int64_t list_id)
{
	nsw_sqlstmt *st = NULL;
	int rc;

	if (c == NULL)
		return nsw_error_set(NSW_EINVAL, "scan: NULL case");
	rc = nsw_sqldb_prepare(c->db, &st,
			       "INSERT OR IGNORE INTO scan_run_lists("
			       "scan_run_id, list_id) VALUES(?1, ?2)");
	rc = rc ? rc : nsw_sqldb_bind_int64(st, 1, run_id);
	rc = rc ? rc : nsw_sqldb_bind_int64(st, 2, list_id);
	rc = rc ? rc : nsw_sqldb_run(st);
	nsw_sqldb_finalize(st);
	return rc;
}

/* One integer from a query with up to two integer parameters. */
static int query_int(nsw_case *c, const char *sql, int64_t a, int64_t b,
		     int64_t *out)
{
	nsw_sqlstmt *st = NULL;
	int rc;

	*out = 0;
	rc = nsw_sqldb_prepare(c->db, &st, sql);
	if (rc == NSW_OK && strstr(sql, "?1") != NULL)
		rc = nsw_sqldb_bind_int64(st, 1, a);
	if (rc == NSW_OK && strstr(sql, "?2") != NULL)
		rc = nsw_sqldb_bind_int64(st, 2, b);
	rc = rc ? rc : nsw_sqldb_step(st);
	if (rc == 1)
		*out = nsw_sqldb_column_int64(st, 0);
	nsw_sqldb_finalize(st);
	return rc < 0 ? rc : NSW_OK;
}

struct scan_finish {
	int64_t id;
	nsw_scan_state state;
};

static int scan_finish_tx(nsw_case *c, void *arg)
{
	struct scan_finish *f = arg;
	nsw_sqlstmt *st = NULL;
	int64_t files = 0, hits = 0, errors = 0;
	char now[32], detail[256];
	int rc;

	nsw_store__now_utc(now);
	rc = nsw_sqldb_prepare(c->db, &st,
			       "UPDATE scan_runs SET state=?2, finished_utc="
			       "?3 WHERE id=?1");
	rc = rc ? rc : nsw_sqldb_bind_int64(st, 1, f->id);
	rc = rc ? rc : nsw_sqldb_bind_text(st, 2, state_name(f->state));
	rc = rc ? rc
		: nsw_sqldb_bind_text(
			  st, 3, f->state == NSW_SCAN_STOPPED ? NULL : now);
	rc = rc ? rc : nsw_sqldb_run(st);
	nsw_sqldb_finalize(st);
	if (rc == NSW_OK && nsw_sqldb_changes(c->db) != 1)
		rc = nsw_error_set(NSW_ENOTFOUND, "no scan run %lld",
				   (long long)f->id);
	rc = rc ? rc
		: query_int(c,
			    "SELECT count(*) FROM files WHERE scan_run_id=?1",
			    f->id, 0, &files);
	rc = rc ? rc
		: query_int(c,
			    "SELECT count(*) FROM files WHERE scan_run_id=?1 "
			    "AND status <> 'ok'",
			    f->id, 0, &errors);
	rc = rc ? rc
		: query_int(c,
			    "SELECT count(*) FROM hits h JOIN files f ON "
			    "f.id=h.file_id JOIN lists l ON l.id=h.list_id "
			    "WHERE f.scan_run_id=?1 AND h.suppressed=0 AND "
			    "l.role='match'",
			    f->id, 0, &hits);
	if (rc != NSW_OK)
		return rc;
	snprintf(detail, sizeof(detail),
		 "{\"run\":%lld,\"state\":\"%s\",\"files\":%lld,"
		 "\"not_ok\":%lld,\"hits\":%lld}",
		 (long long)f->id, state_name(f->state), (long long)files,
		 (long long)errors, (long long)hits);
	return nsw_store__audit_append(c, "scan.finish", detail);
}

int nsw_case_scan_finish(nsw_case *c, int64_t run_id, nsw_scan_state state)
{
	struct scan_finish f = {run_id, state};

	if (c == NULL || state == NSW_SCAN_RUNNING ||
	    strcmp(state_name(state), "?") == 0)
		return nsw_error_set(NSW_EINVAL, "scan: bad finish state");
	return nsw_store__in_tx(c, scan_finish_tx, &f);
}

/* ---- Summaries ------------------------------------------------------- */

int nsw_case_get_totals(nsw_case *c, int64_t ev, nsw_case_totals *out)
{
	static const struct {
		size_t offset;
		const char *sql;
	} q[] = {
		{offsetof(nsw_case_totals, evidence),
		 "SELECT count(*) FROM evidence WHERE ?1=0 OR id=?1"},
		{offsetof(nsw_case_totals, files),
		 "SELECT count(*) FROM files WHERE ?1=0 OR evidence_id=?1"},
		{offsetof(nsw_case_totals, files_ok),
		 "SELECT count(*) FROM files WHERE status='ok' AND "
		 "(?1=0 OR evidence_id=?1)"},
		{offsetof(nsw_case_totals, bytes),
		 "SELECT coalesce(sum(size),0) FROM files WHERE status='ok' "
		 "AND (?1=0 OR evidence_id=?1)"},
		{offsetof(nsw_case_totals, errors),
		 "SELECT count(*) FROM files WHERE status IN ('error', "
		 "'vanished') AND (?1=0 OR evidence_id=?1)"},
		{offsetof(nsw_case_totals, skipped),
		 "SELECT count(*) FROM files WHERE status LIKE 'skipped-%' "
		 "AND (?1=0 OR evidence_id=?1)"},
		{offsetof(nsw_case_totals, names_not_utf8),
		 "SELECT count(*) FROM files WHERE name_not_utf8<>0 AND "
		 "(?1=0 OR evidence_id=?1)"},
		{offsetof(nsw_case_totals, hits),
		 "SELECT count(*) FROM hits h JOIN files f ON f.id=h.file_id "
		 "JOIN lists l ON l.id=h.list_id WHERE l.role='match' AND "
		 "h.suppressed=0 AND (?1=0 OR f.evidence_id=?1)"},
		{offsetof(nsw_case_totals, hits_suppressed),
		 "SELECT count(*) FROM hits h JOIN files f ON f.id=h.file_id "
		 "JOIN lists l ON l.id=h.list_id WHERE l.role='match' AND "
		 "h.suppressed<>0 AND (?1=0 OR f.evidence_id=?1)"},
		{offsetof(nsw_case_totals, files_with_hits),
		 "SELECT count(DISTINCT h.file_id) FROM hits h JOIN files f "
		 "ON f.id=h.file_id JOIN lists l ON l.id=h.list_id WHERE "
		 "l.role='match' AND h.suppressed=0 AND (?1=0 OR "
		 "f.evidence_id=?1)"},
		{offsetof(nsw_case_totals, files_allowlisted),
		 "SELECT count(DISTINCT h.file_id) FROM hits h JOIN files f "
		 "ON f.id=h.file_id JOIN lists l ON l.id=h.list_id WHERE "
		 "l.role='allow' AND (?1=0 OR f.evidence_id=?1)"},
		{offsetof(nsw_case_totals, lists),
		 "SELECT count(*) FROM lists WHERE ?1=0 OR id IN (SELECT "
		 "list_id FROM scan_run_lists r JOIN scan_runs s ON "
		 "s.id=r.scan_run_id WHERE s.evidence_id=?1)"},
		{offsetof(nsw_case_totals, scan_runs),
		 "SELECT count(*) FROM scan_runs WHERE ?1=0 OR "
		 "evidence_id=?1"},
		{offsetof(nsw_case_totals, audit_entries),
		 "SELECT count(*) FROM audit_log"},
	};
	int rc = NSW_OK;

	if (c == NULL || out == NULL)
		return nsw_error_set(NSW_EINVAL, "totals: NULL argument");
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; rc == NSW_OK && i < sizeof(q) / sizeof(q[0]); i++)
		rc = query_int(c, q[i].sql, ev, 0,
			       (int64_t *)((char *)out + q[i].offset));
	return rc;
}

int nsw_case_summary_foreach(nsw_case *c, int64_t evidence_id,
			     nsw_case_grouping by,
			     int (*fn)(void *ctx, const nsw_case_group *g),
			     void *ctx)
{
	static const char *const sql[] = {
		[NSW_GROUP_BY_MEDIA_TYPE] =
			"SELECT coalesce(media_type, 'unknown'), NULL, "
			"count(*), coalesce(sum(size),0) FROM files WHERE "
			"status='ok' AND (?1=0 OR evidence_id=?1) GROUP BY 1 "
			"ORDER BY 3 DESC, 1",
		[NSW_GROUP_BY_CATEGORY] =
			"SELECT CASE WHEN h.category_scheme IS NULL THEN "
			"'uncategorised' ELSE h.category_scheme || ':' || "
			"coalesce(h.category_code, '') END, NULL, count(*), 0 "
			"FROM hits h JOIN files f ON f.id=h.file_id JOIN "
			"lists l ON l.id=h.list_id WHERE l.role='match' AND "
			"h.suppressed=0 AND (?1=0 OR f.evidence_id=?1) "
			"GROUP BY 1 ORDER BY 3 DESC, 1",
		[NSW_GROUP_BY_LIST] =
			"SELECT l.name, l.version, count(*), 0 FROM hits h "
			"JOIN files f ON f.id=h.file_id JOIN lists l ON "
			"l.id=h.list_id WHERE l.role='match' AND "
			"h.suppressed=0 AND (?1=0 OR f.evidence_id=?1) "
			"GROUP BY l.id ORDER BY 3 DESC, 1, 2",
		[NSW_GROUP_BY_STATUS] =
			"SELECT status, NULL, count(*), coalesce(sum(size),0) "
			"FROM files WHERE ?1=0 OR evidence_id=?1 GROUP BY 1 "
			"ORDER BY 3 DESC, 1",
	};
	nsw_sqlstmt *st = NULL;
	nsw_case_group g;
	int rc;

	if (c == NULL || fn == NULL || (unsigned)by > NSW_GROUP_BY_STATUS)
		return nsw_error_set(NSW_EINVAL, "summary: bad argument");
	rc = nsw_sqldb_prepare(c->db, &st, sql[by]);
	rc = rc ? rc : nsw_sqldb_bind_int64(st, 1, evidence_id);
	while (rc == NSW_OK && (rc = nsw_sqldb_step(st)) == 1) {
		g.key = nsw_sqldb_column_text(st, 0, NULL);
		g.key2 = nsw_sqldb_column_text(st, 1, NULL);
		g.count = nsw_sqldb_column_int64(st, 2);
		g.bytes = nsw_sqldb_column_int64(st, 3);
		if (g.key == NULL)
			g.key = "";
		rc = fn(ctx, &g);
	}
	nsw_sqldb_finalize(st);
	return rc;
}

int nsw_case_evidence_manifest(nsw_case *c, int64_t evidence_id,
			       uint8_t root[32], int64_t *files)
{
	static const char hex[] = "0123456789abcdef";
	nsw_sqlstmt *st = NULL;
	nsw_digest *d = NULL;
	nsw_digests sum;
	nsw_buf line;
	int64_t n = 0;
	int rc;

	if (files != NULL)
		*files = 0;
	if (c == NULL || root == NULL)
		return nsw_error_set(NSW_EINVAL, "manifest: NULL argument");
	nsw_buf_init(&line, 2 * NSW_PATH_MAX + 256);
	rc = nsw_digest_new(&d, NSW_ALGO_BIT(NSW_ALGO_SHA256));
	rc = rc ? rc
		: nsw_sqldb_prepare(c->db, &st,
				    "SELECT path, status, coalesce(size, -1), "
				    "sha256 FROM files WHERE evidence_id=?1 "
				    "ORDER BY path");
	rc = rc ? rc : nsw_sqldb_bind_int64(st, 1, evidence_id);
	while (rc == NSW_OK && (rc = nsw_sqldb_step(st)) == 1) {
		size_t plen = 0, slen = 0;
		const uint8_t *path = nsw_sqldb_column_blob(st, 0, &plen);
		const char *status = nsw_sqldb_column_text(st, 1, NULL);
		const uint8_t *sha = nsw_sqldb_column_blob(st, 3, &slen);

		nsw_buf_reset(&line);
		rc = NSW_OK;
		for (size_t i = 0; rc == 0 && i < plen; i++) {
			char pair[2] = {hex[path[i] >> 4], hex[path[i] & 15]};

			rc = nsw_buf_put(&line, pair, 2);
		}
		rc = rc ? rc
			: nsw_buf_printf(
				  &line, " %s %lld ",
				  status != NULL ? status : "",
				  (long long)nsw_sqldb_column_int64(st, 2));
		if (rc == 0 && sha != NULL && slen == NSW_SHA256_BYTES) {
			for (size_t i = 0; rc == 0 && i < slen; i++) {
				char pair[2] = {hex[sha[i] >> 4],
						hex[sha[i] & 15]};

				rc = nsw_buf_put(&line, pair, 2);
			}
		} else if (rc == 0) {
			rc = nsw_buf_putc(&line, '-');
		}
		rc = rc ? rc : nsw_buf_putc(&line, '\n');
		if (rc != 0) {
			rc = nsw_error_set(NSW_ELIMIT, "manifest: line too "
						       "long");
			break;
		}
		rc = nsw_digest_update(d, line.ptr, line.len);
		n++;
	}
	rc = rc ? rc : nsw_digest_final(d, &sum);
	if (rc == NSW_OK) {
		memcpy(root, sum.sha256, 32);
		if (files != NULL)
			*files = n;
	}
	nsw_sqldb_finalize(st);
	nsw_digest_free(d);
	nsw_buf_dispose(&line);
	return rc;
}
