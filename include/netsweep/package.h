/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Sealed folders (referral packages): MANIFEST.txt lists every file with
 * its SHA-256 and size, MANIFEST.sig holds an Ed25519 signature over the
 * manifest's bytes. The receiving agency checks that nothing was altered,
 * removed or added. Format: docs/formats/package.md.
 */
#ifndef NETSWEEP_PACKAGE_H
#define NETSWEEP_PACKAGE_H

#include "netsweep/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NSW_PACKAGE_MANIFEST "MANIFEST.txt"
#define NSW_PACKAGE_SIGNATURE "MANIFEST.sig"

/**
 * Write MANIFEST.txt for every regular file below `dir` (borrowed), and
 * MANIFEST.sig when `private_key` (a PEM Ed25519 key path) is not NULL.
 * A package holds only regular files: a symlink or special file is
 * refused.
 * @return 0; NSW_EFORMAT (symlink, special file, or a name that is not
 *         UTF-8 or holds a newline), NSW_EIO, NSW_ENOMEM, key errors
 */
NSW_EXTERN int nsw_package_seal(const char *dir, const char *private_key);

/** What a check found. */
typedef enum {
	NSW_PACKAGE_ALTERED = 1, /**< content differs from the manifest */
	NSW_PACKAGE_MISSING,	 /**< listed, not present */
	NSW_PACKAGE_EXTRA,	 /**< present, not listed */
	NSW_PACKAGE_UNREADABLE,	 /**< present, cannot be read, or not a
				      regular file */
} nsw_package_problem;

/** "altered", "missing", "extra", "unreadable". */
NSW_EXTERN const char *nsw_package_problem_name(nsw_package_problem p);

typedef struct nsw_package_report {
	int manifest_ok; /**< the manifest was read and well-formed */
	uint64_t listed; /**< files the manifest lists */
	uint64_t intact; /**< listed, present and equal */
	uint64_t altered, missing, extra, unreadable;
	/** 1 valid; 0 no MANIFEST.sig; -1 invalid; 2 present but no key
	 *  was given to check it */
	int signature;
} nsw_package_report;

typedef void (*nsw_package_problem_fn)(void *ctx, nsw_package_problem what,
				       const char *relative_path);

/**
 * Check a sealed folder. With `public_key` (PEM path, may be NULL), the
 * signature must be present and valid.
 * @param problem  called for each discrepancy (may be NULL)
 * @return 0 when every listed file is intact, nothing is extra and (with a
 *         key) the signature verifies; NSW_EFORMAT otherwise (details in
 *         *out and through `problem`; also for a malformed manifest, with
 *         its line), NSW_ENOTFOUND (no manifest), NSW_EIO, NSW_ENOMEM
 */
NSW_EXTERN int nsw_package_verify(nsw_package_report *out, const char *dir,
				  const char *public_key,
				  nsw_package_problem_fn problem, void *ctx);

#ifdef __cplusplus
}
#endif
#endif
