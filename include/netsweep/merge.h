/* SPDX-License-Identifier: Apache-2.0 */
/*
 * International cooperation: folding partners' cases into ours (every row
 * keeps which case it came from, re-merging adds nothing twice, conflicts
 * are kept and listed: docs/merge.md), and deconfliction without
 * disclosure through keyed hashes of identifiers (docs/deconfliction.md).
 */
#ifndef NETSWEEP_MERGE_H
#define NETSWEEP_MERGE_H

#include "netsweep/case.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What happened to one table's rows in a merge. */
typedef struct nsw_merge_counts {
	int64_t seen;	 /**< rows read from the partner's case */
	int64_t created; /**< new rows in our case */
	int64_t joined;	 /**< unified with a row we already had */
	int64_t already; /**< merged by an earlier merge of this case */
} nsw_merge_counts;

/** Tables a merge reads, in the order of nsw_merge_report.tables. */
typedef enum {
	NSW_MERGE_PLATFORMS = 0,
	NSW_MERGE_EVIDENCE,
	NSW_MERGE_LISTS,
	NSW_MERGE_FILES,
	NSW_MERGE_HITS,
	NSW_MERGE_ACCOUNTS,
	NSW_MERGE_ACCOUNT_NAMES,
	NSW_MERGE_CHATS,
	NSW_MERGE_MESSAGES,
	NSW_MERGE_MEDIA,
	NSW_MERGE_MEMBERSHIP,
	NSW_MERGE_ATTRIBUTIONS,
	NSW_MERGE_TABLE_COUNT
} nsw_merge_table;

/** The table's name in the schema ("accounts"...); "?" out of range. */
NSW_EXTERN const char *nsw_merge_table_name(nsw_merge_table t);

/** The outcome of one merge. */
typedef struct nsw_merge_report {
	char source_uuid[33];
	char source_name[256];	   /**< cut if longer */
	char source_examiner[256]; /**< cut if longer */
	int first_merge;	   /**< 1: this case was never merged before */
	nsw_merge_counts tables[NSW_MERGE_TABLE_COUNT];
	int64_t accounts_by_platform_id; /**< joined on (platform, id) */
	int64_t accounts_by_phone;	 /**< joined on an E.164 phone */
	/** Items: distinct digests (SHA-256, else MD5, else SHA-1) of the
	 * partner's digested files. */
	int64_t items, items_new, items_by_digest, items_by_pdq, items_already;
	int64_t conflicts_new; /**< conflicts first found by this merge */
} nsw_merge_report;

/** Options; zeroed = defaults. */
typedef struct nsw_merge_options {
	int pdq_threshold;   /**< near-match distance; 0: 31 (analyze's) */
	int pdq_min_quality; /**< PDQ below this never joins; 0: 50 */
	int no_pdq;	     /**< 1: join items by digest only */
} nsw_merge_options;

/**
 * Fold the case at `other_path` into `c`: the partner's file is opened
 * read-only as untrusted (schema 5 or later) and never written. Platforms
 * by name; lists by (checksum, role); accounts by (platform, platform id),
 * then by an E.164 phone on the same platform; chats by (platform, id);
 * messages by (chat, native id); media by (message, position); names and
 * membership by their natural keys. Evidence items come across as new
 * items labelled "<partner case name>/<label>" with their files and hits.
 * Attributions are copied with the partner named in their source. Every
 * partner row is recorded in merge_map (docs/merge.md): a second merge of
 * the same case adds only what is new in it. Items are matched by digest
 * and PDQ near-match (merge_items); conflicts (an account attributed to
 * other countries, an item in other categories) go to merge_conflicts.
 * One transaction; audited ("merge.case").
 * @param report caller storage, overwritten
 * @return 0; NSW_EINVAL (merging a case into itself, no path);
 *         NSW_ENOTFOUND / NSW_EFORMAT (not a netsweep case) /
 *         NSW_EUNSUPPORTED (schema) for the partner; NSW_EIO, NSW_ENOMEM,
 *         NSW_ELIMIT
 */
NSW_EXTERN int nsw_merge_case(nsw_case *c, const char *other_path,
			      const nsw_merge_options *opt,
			      nsw_merge_report *report);

/** A conflict recorded by a merge. Strings borrowed for the callback. */
typedef struct nsw_merge_conflict {
	const char *source_uuid, *source_name;
	const char *kind;    /**< "account-country" or "item-category" */
	const char *subject; /**< "telegram:user1" or "sha256:<hex>" */
	const char *ours;    /**< what our case says ("DE") */
	const char *theirs;  /**< what the partner's says ("FR") */
	const char *recorded_utc;
} nsw_merge_conflict;

/** Every recorded conflict (source_uuid NULL: of every source), in the
 * order found. Non-zero from `fn` stops and is returned. */
NSW_EXTERN int
nsw_merge_conflicts_foreach(nsw_case *c, const char *source_uuid,
			    int (*fn)(void *ctx, const nsw_merge_conflict *k),
			    void *ctx);

/* ---- Deconfliction tokens --------------------------------------------- */

/** Largest key file read (bytes). */
#define NSW_TOKEN_KEY_MAX 4096
/** Shortest key accepted (bytes, after the trailing newline is cut). */
#define NSW_TOKEN_KEY_MIN 16

/**
 * Read an operation key from a file: its bytes, less one trailing "\n" or
 * "\r\n". `key` caller storage of NSW_TOKEN_KEY_MAX bytes.
 * @return 0; NSW_ENOTFOUND / NSW_EIO; NSW_EINVAL (shorter than
 *         NSW_TOKEN_KEY_MIN); NSW_ELIMIT (longer than NSW_TOKEN_KEY_MAX)
 */
NSW_EXTERN int nsw_token_key_read(uint8_t *key, size_t *key_len,
				  const char *path);

/**
 * The token of one identifier: hex of HMAC-SHA256(key, kind "\0" value)
 * where value is already normalised (docs/deconfliction.md); for accounts
 * value is platform "\0" id. `hex` caller storage of 65 bytes.
 * @return 0, NSW_EINVAL
 */
NSW_EXTERN int nsw_token_compute(char hex[65], const uint8_t *key,
				 size_t key_len, const char *kind,
				 const void *value, size_t value_len);

/** Counts of tokens written or matched, per kind. */
typedef struct nsw_token_counts {
	int64_t accounts, phones, sha256, md5, sha1, pdq;
} nsw_token_counts;

/**
 * Write the case's tokens to `path` as JSON lines {"kind":K,"token":HEX},
 * sorted and without duplicates (no plaintext, no order that follows the
 * case). Kinds: account, phone, sha256, md5, sha1, pdq (exact only).
 * Written atomically. Audited ("tokens.write", counts, file SHA-256) when
 * `c` is open read-write.
 * @return 0, NSW_EINVAL, NSW_EIO, NSW_ENOMEM
 */
NSW_EXTERN int nsw_tokens_write(nsw_case *c, const uint8_t *key, size_t key_len,
				const char *path, nsw_token_counts *counts);

/** One of our identifiers that the other agency also holds. Borrowed for
 * the callback. */
typedef struct nsw_deconflict_match {
	const char *kind;     /**< account, phone, sha256, md5, sha1, pdq */
	const char *value;    /**< our plaintext ("telegram:user1", "+4477...",
				  hex digest) */
	int64_t account_id;   /**< accounts and phones: our account, or 0 */
	int64_t suspect_rank; /**< its rank in our newest analysis, or 0 */
	int64_t files;	      /**< items: our files with that digest */
} nsw_deconflict_match;

/** What a deconfliction read and found. */
typedef struct nsw_deconflict_result {
	int64_t tokens_read;	/**< distinct tokens in their file */
	int64_t lines_rejected; /**< malformed lines (counted, skipped) */
	nsw_token_counts ours;	/**< our identifiers tokenised */
	nsw_token_counts matched;
} nsw_deconflict_result;

/**
 * Recompute our tokens under `key` and report each of our identifiers
 * whose token is in the other agency's file `tokens_path` (their
 * plaintext never exists here; ours is never written). A matched phone is
 * reported once per account holding it. Matches in kind order, then value.
 * @return 0; NSW_ENOTFOUND / NSW_EIO (tokens file); NSW_ELIMIT (too many
 *         tokens or a line too long); NSW_ENOMEM; a non-zero from `fn`
 */
NSW_EXTERN int nsw_deconflict(nsw_case *c, const uint8_t *key, size_t key_len,
			      const char *tokens_path,
			      int (*fn)(void *ctx,
					const nsw_deconflict_match *m),
			      void *ctx, nsw_deconflict_result *result);

/* ---- CASE/UCO ----------------------------------------------------------- */

/**
 * Write the whole case as CASE/UCO 1.x JSON-LD (docs/merge.md): a
 * uco-core:Bundle holding the case investigation, evidence items, files
 * with their hashes, lists, hits as relationships, accounts, chats,
 * messages and attributions as assertions, with merge provenance. Hashes
 * and metadata only. Written atomically; audited ("export.case-uco") when
 * the case is open read-write.
 * @return 0, NSW_EINVAL, NSW_EIO, NSW_ENOMEM
 */
NSW_EXTERN int nsw_case_export_case_uco(nsw_case *c, const char *path);

#ifdef __cplusplus
}
#endif
#endif
