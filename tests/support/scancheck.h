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

/* The first column of the first row of `sql` over the case, read-only
 * (-1: no row); fails the test on an SQL error. */
int64_t ts_count_rows(const char *case_path, const char *sql);

#endif
