/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Matching queries (digests and PDQ hashes of files, or hashes given as
 * text) against known-hash lists and allow-lists. docs/matching.md.
 */
#ifndef NETSWEEP_MATCH_H
#define NETSWEEP_MATCH_H

#include "netsweep/common.h"
#include "netsweep/list.h"
#include "netsweep/nswl.h"
#include "netsweep/pdq.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NSW_MATCH_DEFAULT_THRESHOLD 31 /**< PDQ distance, SPEC.md 4 */
#define NSW_MATCH_MAX_THRESHOLD 63
#define NSW_MATCH_DEFAULT_MIN_QUALITY 50

/** Matcher settings; nsw_match_options_init() sets the defaults. */
typedef struct nsw_match_options {
	uint32_t threshold; /**< default PDQ distance (<= 63), default 31 */
	int min_quality;    /**< PDQ queries below are not matched; 50 */
	int dihedral;	    /**< match all 8 variants when given; 1 */
} nsw_match_options;

NSW_EXTERN void nsw_match_options_init(nsw_match_options *opts);

typedef struct nsw_matcher nsw_matcher;

/**
 * @param out  owned; free with nsw_matcher_free()
 * @param opts borrowed (copied); NULL for the defaults
 * @return 0, NSW_EINVAL (threshold over 63), NSW_ENOMEM
 */
NSW_EXTERN int nsw_matcher_new(nsw_matcher **out,
			       const nsw_match_options *opts);

/**
 * Add a list to match against. Lists are reported in the order added.
 * @param list      borrowed: must stay open while the matcher is used
 * @param allow     non-zero for an allow-list (e.g. NSRL): its hits
 *                  suppress the query's alerts, and are reported as such
 * @param threshold this list's PDQ distance, or -1 for the default
 * @return 0, NSW_EINVAL, NSW_ELIMIT (over NSW_MATCH_LISTS_MAX), NSW_ENOMEM
 */
NSW_EXTERN int nsw_matcher_add_list(nsw_matcher *m, const nsw_list *list,
				    int allow, int threshold);

NSW_EXTERN void nsw_matcher_free(nsw_matcher *m);

/** A query: whatever hashes are known for one file or one input line. */
typedef struct nsw_match_query {
	const char *label; /**< path or hash text, copied into records */
	unsigned has;	   /**< NSW_HAS_* */
	uint8_t md5[NSW_MD5_BYTES];
	uint8_t sha1[NSW_SHA1_BYTES];
	uint8_t sha256[NSW_SHA256_BYTES];
	/** pdq[0] is the original; pdq[1..7] the dihedral variants in
	 *  nsw_pdq_dihedral order when npdq is 8. */
	nsw_pdq_hash pdq[NSW_PDQ_DIHEDRAL_COUNT];
	int npdq;	 /**< 1, or 8 with the variants (0: no PDQ) */
	int pdq_quality; /**< 0..100, or -1 unknown (not gated) */
} nsw_match_query;

/** Why a record is in the output. */
typedef enum {
	NSW_MATCH_ALERT = 0,	  /**< hit on a list, not suppressed */
	NSW_MATCH_ALLOWED = 1,	  /**< hit on an allow-list */
	NSW_MATCH_SUPPRESSED = 2, /**< hit on a list, suppressed because the
				     same query hit an allow-list */
} nsw_match_status;

/** One hit. Pointers are borrowed from the list (until it is closed). */
typedef struct nsw_match_record {
	nsw_algo algo;	     /**< which hash matched */
	uint8_t hash[32];    /**< the list's hash (algo's length) */
	uint32_t distance;   /**< 0 for exact digests */
	int variant;	     /**< nsw_pdq_dihedral of the query, -1 */
	uint32_t list_index; /**< order of nsw_matcher_add_list */
	const char *list_name;
	const char *list_version;
	uint64_t entry_id;
	nsw_list_entry entry; /**< provenance, category, flags */
	nsw_match_status status;
} nsw_match_record;

/** The outcome of matching one query. */
typedef struct nsw_match_result {
	const nsw_match_record *records; /**< borrowed from the context */
	size_t count;
	size_t alerts;	     /**< records with NSW_MATCH_ALERT */
	size_t suppressed;   /**< records with NSW_MATCH_SUPPRESSED */
	int pdq_low_quality; /**< PDQ given but below min_quality */
} nsw_match_result;

/** Per-thread scratch memory; one per thread, reused across queries. */
typedef struct nsw_match_ctx nsw_match_ctx;

NSW_EXTERN int nsw_match_ctx_new(nsw_match_ctx **out);
NSW_EXTERN void nsw_match_ctx_free(nsw_match_ctx *ctx);

/**
 * Match one query against every list. Records are ordered by list (as
 * added), then algorithm (MD5, SHA-1, SHA-256, PDQ), then entry id; a PDQ
 * entry matched by several dihedral variants is reported once, with the
 * smallest distance (lowest variant on ties). The order and content do not
 * depend on threads: matchers are read-only, contexts are per thread.
 * @param out borrowed from ctx until its next use
 * @return 0, NSW_EINVAL, NSW_ENOMEM, NSW_EFORMAT (corrupt list)
 */
NSW_EXTERN int nsw_matcher_match(const nsw_matcher *m, nsw_match_ctx *ctx,
				 const nsw_match_query *query,
				 nsw_match_result *out);

#ifdef __cplusplus
}
#endif
#endif
