/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Merge conflicts (docs/merge.md): what a partner's case says differently
 * from ours (an account's countries, an item's categories) is kept and
 * listed, never resolved silently.
 */
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "netsweep/merge.h"
#include "sqldb.h"
#include "store.h"
#include "store_merge.h"

/* Sorted distinct values of a one-column query on (?1 = id), joined by
 * ",", into `out`. */
static int joined_values(nsw_sqldb *db, const char *sql, int64_t id,
			 int64_t id2, char *out, size_t cap)
{
	nsw_sqlstmt *q = NULL;
	size_t len = 0;
	int rc = nsw_sqldb_prepare(db, &q, sql);

	out[0] = '\0';
	if (rc == 0)
		rc = nsw_sqldb_bind_int64(q, 1, id);
	if (rc == 0 && id2 >= 0)
		rc = nsw_sqldb_bind_int64(q, 2, id2);
	while (rc == 0 && (rc = nsw_sqldb_step(q)) == 1) {
		const char *t = nsw_sqldb_column_text(q, 0, NULL);
		int n;

		rc = 0;
		n = snprintf(out + len, cap - len, "%s%s", len ? "," : "",
			     t ? t : "");
		if (n < 0 || (size_t)n >= cap - len)
			break; /* cut: still shows that they differ */
		len += (size_t)n;
	}
	nsw_sqldb_finalize(q);
	return rc < 0 ? rc : 0;
}

int nsw_merge__conflict_add(struct merge *m, const char *kind,
			    const char *subject, const char *ours,
			    const char *theirs)
{
	nsw_sqlstmt *st = NULL;
	int rc = nsw_sqldb_prepare(
		m->c->db, &st,
		"INSERT OR IGNORE INTO merge_conflicts(source_id, kind, "
		"subject, ours, theirs, recorded_utc) VALUES(?1, ?2, ?3, ?4, "
		"?5, ?6)");

	if (rc == 0 && (nsw_sqldb_bind_int64(st, 1, m->source_id) < 0 ||
			nsw_sqldb_bind_text(st, 2, kind) < 0 ||
			nsw_sqldb_bind_text(st, 3, subject) < 0 ||
			nsw_sqldb_bind_text(st, 4, ours) < 0 ||
			nsw_sqldb_bind_text(st, 5, theirs) < 0 ||
			nsw_sqldb_bind_text(st, 6, m->now) < 0))
		rc = nsw_error_last_code();
	if (rc == 0)
		rc = nsw_sqldb_run(st);
	if (rc == 0)
		m->r->conflicts_new += nsw_sqldb_changes(m->c->db);
	nsw_sqldb_finalize(st);
	return rc;
}

/* Accounts the partner attributes to countries we do not (or the other
 * way round): both sides' countries, ours without the partner's rows. */
int nsw_merge__account_conflicts(struct merge *m)
{
	nsw_sqlstmt *q = NULL;
	int rc = nsw_sqldb_prepare(
		m->c->db, &q,
		"SELECT m.src_row, m.dst_row, p.name || ':' || a.native_id "
		"FROM merge_map m JOIN accounts a ON a.id = m.dst_row "
		"JOIN platforms p ON p.id = a.platform_id "
		"WHERE m.source_id = ?1 AND m.tbl = 'accounts' ORDER BY "
		"m.src_row");

	if (rc == 0)
		rc = nsw_sqldb_bind_int64(q, 1, m->source_id);
	while (rc == 0 && (rc = nsw_sqldb_step(q)) == 1) {
		char ours[256], theirs[256];
		const char *subject = nsw_sqldb_column_text(q, 2, NULL);

		rc = joined_values(m->src,
				   "SELECT DISTINCT country FROM attributions "
				   "WHERE account_id = ?1 ORDER BY 1",
				   nsw_sqldb_column_int64(q, 0), -1, theirs,
				   sizeof(theirs));
		if (rc == 0)
			rc = joined_values(
				m->c->db,
				"SELECT DISTINCT country FROM attributions t "
				"WHERE account_id = ?1 AND NOT EXISTS (SELECT "
				"1 FROM merge_map x WHERE x.source_id = ?2 AND "
				"x.tbl = 'attributions' AND x.dst_row = t.id) "
				"ORDER BY 1",
				nsw_sqldb_column_int64(q, 1), m->source_id,
				ours, sizeof(ours));
		if (rc == 0 && ours[0] && theirs[0] &&
		    strcmp(ours, theirs) != 0)
			rc = nsw_merge__conflict_add(m, "account-country",
						     subject ? subject : "",
						     ours, theirs);
	}
	nsw_sqldb_finalize(q);
	return rc < 0 ? rc : 0;
}

int nsw_merge_conflicts_foreach(nsw_case *c, const char *source_uuid,
				int (*fn)(void *ctx,
					  const nsw_merge_conflict *k),
				void *ctx)
{
	nsw_sqlstmt *q = NULL;
	int rc = nsw_sqldb_prepare(
		c->db, &q,
		"SELECT s.uuid, s.name, k.kind, k.subject, k.ours, k.theirs, "
		"k.recorded_utc FROM merge_conflicts k JOIN merged_sources s "
		"ON s.id = k.source_id WHERE ?1 IS NULL OR s.uuid = ?1 "
		"ORDER BY k.id");

	if (rc == 0)
		rc = nsw_sqldb_bind_text(q, 1, source_uuid);
	while (rc == 0 && (rc = nsw_sqldb_step(q)) == 1) {
		nsw_merge_conflict k;

		k.source_uuid = nsw_sqldb_column_text(q, 0, NULL);
		k.source_name = nsw_sqldb_column_text(q, 1, NULL);
		k.kind = nsw_sqldb_column_text(q, 2, NULL);
		k.subject = nsw_sqldb_column_text(q, 3, NULL);
		k.ours = nsw_sqldb_column_text(q, 4, NULL);
		k.theirs = nsw_sqldb_column_text(q, 5, NULL);
		k.recorded_utc = nsw_sqldb_column_text(q, 6, NULL);
		rc = fn(ctx, &k);
	}
	nsw_sqldb_finalize(q);
	return rc;
}
