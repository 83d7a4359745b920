/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Referral packages: one sealed folder per country with the suspects
 * attributed to it and only what concerns them (docs/referral.md): hashes
 * and metadata, never media.
 */
#ifndef NETSWEEP_REFER_H
#define NETSWEEP_REFER_H

#include "netsweep/case.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What the sending analyst sets; NULLs take the documented defaults. */
typedef struct nsw_refer_options {
	const char *out_dir;	      /**< created if missing; required */
	const char *const *countries; /**< ISO codes; NULL/0: every country
					   with referable suspects */
	size_t country_count;
	const char *sign_key;	 /**< Ed25519 PEM private key, or NULL */
	const char *agency;	 /**< sending agency ("" default) */
	const char *case_ref;	 /**< case reference (default: case name) */
	const char *handling;	 /**< "H0".."H3" (default "H2") */
	const char *reliability; /**< source reliability A/B/C/X
				      (default "X") */
	const char *accuracy;	 /**< information accuracy 1-4
				      (default "4") */
} nsw_refer_options;

/** One package written. */
typedef struct nsw_refer_package {
	char country[3];
	uint64_t suspects, items, messages, chats;
	uint64_t files; /**< files in the sealed folder */
} nsw_refer_package;

typedef int (*nsw_refer_fn)(void *ctx, const nsw_refer_package *p);

/**
 * Write the packages of the newest analysis run: for each country, the
 * suspects attributed to it who posted known material or seeded new
 * material that others re-shared (bystanders are not referred).
 * @param fn  called per package written (may be NULL)
 * @return 0; NSW_ENOTFOUND (never analysed); NSW_EINVAL (bad option
 *         value); NSW_EIO; key errors; NSW_ENOMEM
 */
NSW_EXTERN int nsw_refer_write(nsw_case *c, const nsw_refer_options *opt,
			       nsw_refer_fn fn, void *ctx);

#ifdef __cplusplus
}
#endif
#endif
