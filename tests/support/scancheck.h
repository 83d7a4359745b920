/* SPDX-License-Identifier: Apache-2.0 */
/* Test support for scan tests: a known-MD5 matcher, counting case rows. */
#ifndef NSW_TEST_SCANCHECK_H
#define NSW_TEST_SCANCHECK_H

#include <stdint.h>

#include "netsweep/netsweep.h"

/* A matcher (nsw_scan_matcher.match) with ctx = the 16-byte MD5 on the
 * "list": one hit (list 0, vics-default category 1) for a file with it. */
int ts_md5_match(void *ctx, void *state, const nsw_file_hash *f,
		 nsw_scan_matches *out);

/* The one-entry match list ts_md5_match() names. */
extern const nsw_case_list ts_md5_list[1];

/* Options scanning `evidence` under label "phone" on 2 threads, matched
 * with ts_md5_match against `md5` (borrowed), list ts_md5_list. */
void ts_md5_scan_options(nsw_scan_options *o, nsw_scan_matcher *m,
			 const uint8_t md5[16], const char *evidence);

/* Verify differences as "KIND PATH" rows (the first 16 kept). */
typedef struct ts_diffs {
	int n;
	char rows[16][200];
} ts_diffs;

/* An nsw_scan_verify() callback; ctx is a zeroed ts_diffs. */
void ts_collect_diff(void *ctx, const nsw_verify_diff *d);

/* Is `row` one of the rows (exactly, or as the start of one when
 * `prefix`)? */
int ts_diffs_has(const ts_diffs *x, const char *row, int prefix);

/* The first column of the first row of `sql` over the case, read-only
 * (-1: no row); fails the test on an SQL error. */
int64_t ts_count_rows(const char *case_path, const char *sql);

#endif
