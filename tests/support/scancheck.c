/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h> /* tests only: read the case's rows directly */

#include "scancheck.h"

int ts_md5_match(void *ctx, void *state, const nsw_file_hash *f,
		 nsw_scan_matches *out)
{
	nsw_scan_match m = {0};

	(void)state;
	if (!(f->has & NSW_ALGO_BIT(NSW_ALGO_MD5)) ||
	    memcmp(f->digests.md5, ctx, 16) != 0)
		return 0;
	m.algo = NSW_ALGO_MD5;
	m.dihedral = -1;
	m.category_scheme = "vics-default";
	m.category_code = "1";
	return nsw_scan_matches_add(out, &m) == 0 ? 0 : nsw_error_last_code();
}

const nsw_case_list ts_md5_list[1] = {
	{.name = "known",
	 .version = "1",
	 .checksum = "00cc",
	 .entries = 1,
	 .role = NSW_LIST_ROLE_MATCH},
};

int64_t ts_count_rows(const char *case_path, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int64_t n = -1;

	assert_int_equal(
		sqlite3_open_v2(case_path, &db, SQLITE_OPEN_READONLY, NULL),
		SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

void ts_md5_scan_options(nsw_scan_options *o, nsw_scan_matcher *m,
			 const uint8_t md5[16], const char *evidence)
{
	memset(m, 0, sizeof(*m));
	m->match = ts_md5_match;
	m->ctx = (void *)md5;
	memset(o, 0, sizeof(*o));
	o->evidence_path = evidence;
	o->label = "phone";
	o->lists = ts_md5_list;
	o->nlists = 1;
	o->matcher = m;
	o->threads = 2;
}

void ts_collect_diff(void *ctx, const nsw_verify_diff *d)
{
	ts_diffs *x = ctx;

	if (x->n < 16)
		snprintf(x->rows[x->n], sizeof(x->rows[0]), "%s %s",
			 nsw_verify_kind_name(d->kind), d->path);
	x->n++;
}

int ts_diffs_has(const ts_diffs *x, const char *row, int prefix)
{
	for (int i = 0; i < x->n && i < 16; i++)
		if (prefix ? strncmp(x->rows[i], row, strlen(row)) == 0
			   : strcmp(x->rows[i], row) == 0)
			return 1;
	return 0;
}
