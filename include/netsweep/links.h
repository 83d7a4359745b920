/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Links between seized devices and accounts: which accounts posted the
 * files found on a device (exact digest, or PDQ near-match under any
 * dihedral variant). A device holding items that few accounts posted is
 * strong evidence of whose device it is (docs/links.md).
 */
#ifndef NETSWEEP_LINKS_H
#define NETSWEEP_LINKS_H

#include "netsweep/case.h"

#ifdef __cplusplus
extern "C" {
#endif

/** One account linked to a device. Strings borrowed for the callback. */
typedef struct nsw_device_link {
	int64_t account_id;
	const char *platform, *native_id;
	uint64_t files; /**< device files this account posted (any match) */
	uint64_t exact; /**< ... of which byte-identical (SHA-256) */
	/** Sum over those files of 1 / (accounts that posted the file), plus
	 *  1 for each file this account posted first: an item only this
	 *  account posted counts 2, one that ten accounts posted 0.1 (1.1
	 *  for its first poster). */
	double score;
} nsw_device_link;

/**
 * Accounts linked to the device evidence item `evidence_id`, best first
 * (score, then files, then account id).
 * @param pdq_threshold near-match distance (e.g. 31); < 0: exact only
 * @return 0, NSW_ENOTFOUND (no such evidence), NSW_EIO, NSW_ENOMEM, or the
 *         callback's non-zero value
 */
NSW_EXTERN int
nsw_case_device_links(nsw_case *c, int64_t evidence_id, int pdq_threshold,
		      int (*fn)(void *ctx, const nsw_device_link *link),
		      void *ctx);

#ifdef __cplusplus
}
#endif
#endif
