/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Library-internal: the device scan's setup (scan_evidence.c): the
 * evidence's real path, its record in the case (found by label or added)
 * and the run that records this scan (new, or the one a resume continues).
 */
#ifndef NSW_LIB_SCAN_EVIDENCE_H
#define NSW_LIB_SCAN_EVIDENCE_H

#include <stddef.h>
#include <stdint.h>

#include "netsweep/case.h"
#include "netsweep/scan.h"

typedef struct nsw_scan__evidence {
	const nsw_scan_options *opt; /* borrowed */
	char *root; /* realpath of the evidence (libc memory: free()) */
	size_t root_len;
	int root_is_dir;
	int64_t evidence_id, run_id;
	int64_t *list_ids; /* case ids of opt->lists, opt->nlists of them */
	/* A disk image scanned before under this label: the SHA-256 the case
	 * recorded for it, which the image must still have. */
	int had_image_sha256;
	uint8_t recorded_sha256[32];
} nsw_scan__evidence;

/*
 * Resolve ev->opt->evidence_path into ev->root (root_len, root_is_dir) and
 * refuse a case file inside the evidence (nothing is written there).
 * @return 0; NSW_ENOTFOUND, NSW_EIO (naming the path), NSW_EINVAL.
 */
int nsw_scan__check_paths(nsw_scan__evidence *ev, const char *case_path);

/*
 * Find or add the evidence by label (a label already used for another
 * source is NSW_EINVAL), add the lists (ids into ev->list_ids) and begin or
 * resume the run whose identity is the canonical arguments; sets
 * ev->evidence_id, ev->run_id and result's run_id, evidence_id, resumed.
 * @return 0 or the case's error.
 */
int nsw_scan__start_run(nsw_scan__evidence *ev, nsw_case *c,
			nsw_scan_result *result);

/* Store the evidence's manifest root as recorded now (audited when it
 * changes), for `netsweep verify`. @return 0 or the case's error. */
int nsw_scan__store_manifest(nsw_case *c, int64_t evidence_id);

#endif
