/* SPDX-License-Identifier: Apache-2.0 */
/* Library-internal: shared by store_merge.c and store_merge_items.c. */
#ifndef NSW_LIB_STORE_MERGE_H
#define NSW_LIB_STORE_MERGE_H

#include <stddef.h>
#include <stdint.h>

#include "netsweep/merge.h"
#include "sqldb.h"

/* One of our phones in E.164, for joining accounts by phone. */
struct phone_entry {
	int64_t platform_id;
	char e164[24];
	int64_t account_id;
};

/* One merge in progress. */
struct merge {
	nsw_case *c;
	nsw_sqldb *src;
	int64_t source_id;
	char now[32];
	char name[256], uuid[33];
	nsw_merge_report *r;
	const nsw_merge_options *opt;
	nsw_sqlstmt *map_find, *map_add;
	struct phone_entry *phones;
	size_t nphones;
};

/* Record a conflict (kept once per source, kind, subject, values);
 * counts it in the report when new. */
int nsw_merge__conflict_add(struct merge *m, const char *kind,
			    const char *subject, const char *ours,
			    const char *theirs);

/* Accounts the partner attributes to other countries than we do:
 * account-country conflicts. Run after the rows are merged. */
int nsw_merge__account_conflicts(struct merge *m);

/* Match the partner's items (digests of their ok files) against ours, by
 * digest then PDQ, into merge_items; item-category conflicts. Run before
 * any row is copied. */
int nsw_merge__items(struct merge *m);

#endif
