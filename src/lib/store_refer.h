/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Library-internal: what one referral package holds, shared by the package
 * writer (store_refer.c) and its VICS case and cover report
 * (store_refer_cover.c).
 */
#ifndef NSW_LIB_STORE_REFER_H
#define NSW_LIB_STORE_REFER_H

#include <stddef.h>
#include <stdint.h>

#include "netsweep/case.h"
#include "netsweep/refer.h"
#include "store_output.h"
#include "vec.h"

/* A string arena: everything a package holds lives here. */
struct arena {
	char **strings;
	size_t count, cap;
	int failed;
};

/* What one package holds. */
struct term {
	const char *name;
	double raw, weight, contribution;
};

struct suspect {
	uint32_t rank;
	int64_t account_id;
	const char *platform, *native_id, *names, *usernames, *phones, *country;
	double score;
	int64_t known_posts, known_items, known_seeded, new_seeded_reshared,
		chats_active;
	nsw_vec terms; /* struct term */
};

struct appearance {
	int64_t time_order; /* seq within the item */
	const char *time_utc, *chat, *chat_title, *message, *kind, *copy;
	int64_t account_id, forwarded_from_id;
	const char *account_native, *forwarded_native;
};

struct item {
	const char *key, *list, *category;
	int known;
	nsw_vec appearances; /* struct appearance */
};

struct package {
	char country[3];
	struct arena arena;
	nsw_vec suspects; /* struct suspect */
	nsw_vec items;	  /* struct item */
	nsw_vec others;	  /* int64_t: accounts pseudonymised, by index */
	const nsw_refer_options *opt;
	const char *dir;
	uint64_t messages, chats;
};

/* A CSV field: quoted when needed; a leading = + - @ is neutralised so a
 * spreadsheet never runs it as a formula; then "," or, when `last`, a
 * line end. */
void nsw_refer__csv(nsw_out *o, const char *s, int last);

/* Open the package file `name` for writing. @return 0 or NSW_E*. */
int nsw_refer__open_in(nsw_out *o, const struct package *p, const char *name);

/* Is appearance k the first of its copy (one row per distinct copy)? */
int nsw_refer__first_copy(const struct item *it, size_t k);

/* What the package says of one copy: its digests, its PDQ and whether
 * that PDQ came from a cut image (rows present of rows; -1 when whole). */
struct copy_hashes {
	char md5[33], sha1[41], pdq[65];
	int64_t quality, size, rows_present, rows;
};

/* Hashes of one copy (SHA-256 hex) from the media it came from; empty
 * strings and -1 when unknown. */
void nsw_refer__copy_hashes(nsw_case *c, const char *copy_hex,
			    struct copy_hashes *out);

/* The package's VICS 2.0 case (case.vics.json). */
int nsw_refer__write_vics(nsw_case *c, struct package *p);

/* The cover report, HTML and PDF, written at `now` (UTC text). */
int nsw_refer__write_cover(nsw_case *c, struct package *p, const char *now);

#endif
