/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Known-hash lists: the entry model every importer produces, the builder
 * that writes a .nswl list file, and importers for the field's formats.
 * (Opening, matching and the index live in index.h / match.h.)
 */
#ifndef NETSWEEP_LIST_H
#define NETSWEEP_LIST_H

#include "netsweep/common.h"
#include "netsweep/pdq.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Which hashes an entry carries (bit i = 1 << nsw_algo). */
#define NSW_HAS_MD5 (1u << NSW_ALGO_MD5)
#define NSW_HAS_SHA1 (1u << NSW_ALGO_SHA1)
#define NSW_HAS_SHA256 (1u << NSW_ALGO_SHA256)
#define NSW_HAS_PDQ (1u << NSW_ALGO_PDQ)

/** Tri-state flags from lists that may or may not say. */
#define NSW_FLAG_UNKNOWN (-1)

/**
 * One known-hash entry as an importer produced it. All pointers are
 * borrowed for the call that receives the entry; NULL means "not given".
 */
typedef struct nsw_list_entry {
	unsigned has; /**< NSW_HAS_* of the hashes below */
	uint8_t md5[NSW_MD5_BYTES];
	uint8_t sha1[NSW_SHA1_BYTES];
	uint8_t sha256[NSW_SHA256_BYTES];
	nsw_pdq_hash pdq;
	int pdq_quality; /**< 0..100, or -1 when the list does not say */
	int64_t size;	 /**< file size in bytes, or -1 */

	/**
	 * Category as (scheme, code): scheme one of "vics-default", "vics-us",
	 * "dhs", "uk", "ncmec", "known-software", "custom"; code as the list
	 * wrote it ("1", "A1", "B"...). Category 0 means "uncategorised" in
	 * the VICS schemes, never "safe".
	 */
	const char *category_scheme;
	const char *category_code;
	const char *series;	 /**< series name, if given */
	int victim_identified;	 /**< 0/1 or NSW_FLAG_UNKNOWN */
	int offender_identified; /**< 0/1 or NSW_FLAG_UNKNOWN */
	const char *name;	 /**< file name or description */
	const char *source_id;	 /**< the list's own id (MediaID...) */
	const char *attributes;	 /**< other attributes as a JSON object
				    text (PhotoDNA etc.), kept opaque */

	/* Provenance: filled in by the importer. */
	const char *source_file; /**< the file it was read from */
	uint64_t source_line;	 /**< line (text) or record number (JSON/XML) */
} nsw_list_entry;

#ifdef __cplusplus
}
#endif
#endif
