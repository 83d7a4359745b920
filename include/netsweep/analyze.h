/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The distribution network of a case (docs/analyze.md): load the chats,
 * accounts, messages and media recorded in the case into the network
 * engine (network.h), unifying media copies into items by exact digest
 * and PDQ near-match, run the analysis, and store its results in the case
 * (schema tables analysis_*), one audited run at a time. Then read the
 * stored results back: suspects, chat figures, the spread of one item.
 *
 * Threads: everything here works on one nsw_case, so on one thread.
 */
#ifndef NETSWEEP_ANALYZE_H
#define NETSWEEP_ANALYZE_H

#include "netsweep/case.h"
#include "netsweep/common.h"
#include "netsweep/network.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Default PDQ distance for joining media copies into one item. */
#define NSW_ANALYZE_DEFAULT_THRESHOLD 31
/** Largest accepted PDQ distance (past it unrelated images join). */
#define NSW_ANALYZE_MAX_THRESHOLD 63
/** PDQs of lower quality (flat, featureless images) are not near-matched:
 *  they would join unrelated images. Exact digests still join them. */
#define NSW_ANALYZE_DEFAULT_MIN_QUALITY 50

/** Analysis options; start from nsw_analyze_options_default(). */
typedef struct nsw_analyze_options {
	int pdq_threshold;   /**< 0..63; default 31 */
	int pdq_min_quality; /**< 0..100; default 50 */
	int no_pdq;	     /**< 1: join by exact digests only */
	nsw_net_options net; /**< the engine's options (network.h) */
} nsw_analyze_options;

/** Fill `opt` with the documented defaults. */
NSW_EXTERN void nsw_analyze_options_default(nsw_analyze_options *opt);

/** What a load and an analysis did: counts and wall-clock seconds. */
typedef struct nsw_analyze_report {
	int64_t run_id;		    /**< the stored run (0 when not stored) */
	int64_t media_refs;	    /**< message media rows read */
	int64_t media_unhashed;	    /**< ... without any digest or PDQ
					 (not exported): left out */
	int64_t media_rows;	    /**< distinct media rows used */
	int64_t anonymous_messages; /**< media messages without a sender
					 account (channel posts...): put on
					 one pseudo-account per chat */
	int64_t hit_rows;	    /**< unsuppressed match-list hits read */
	uint32_t items;		    /**< after unification */
	uint32_t known_items;
	uint32_t items_joined_by_pdq; /**< items with copies only PDQ
					 joins (no shared digest) */
	uint32_t accounts, chats, appearances, suspects, communities;
	double modularity;
	nsw_net_stats net;	/**< the engine's sizes and phase times */
	double seconds_load;	/**< reading the case */
	double seconds_unify;	/**< digests and PDQ into items */
	double seconds_analyze; /**< nsw_net_analyze */
	double seconds_store;	/**< writing the results */
} nsw_analyze_report;

/**
 * Load the case's chat data into a new network builder (not analysed).
 * Items are unified as docs/analyze.md says; an item's key is the hex
 * digest (SHA-256, else MD5, else SHA-1) of its representative copy (the
 * smallest media id), or "pdq:<hex>:<media id>" when it has only a PDQ;
 * account keys are the decimal accounts.id ("anon:<chat id>" for media
 * messages without a sender account), chat keys the decimal chats.id.
 * @param out owned, free with nsw_net_free(); NULL on failure
 * @param c   borrowed, open (read-only is fine)
 * @param opt borrowed, NULL for the defaults
 * @param rep out: counts and load/unify times; may be NULL
 * @return 0, NSW_EINVAL (bad options), NSW_ELIMIT (over a network
 *         limit), NSW_EFORMAT (no chat tables: schema too old), NSW_EIO,
 *         NSW_ENOMEM
 */
NSW_EXTERN int nsw_case_network_load(nsw_network **out, nsw_case *c,
				     const nsw_analyze_options *opt,
				     nsw_analyze_report *rep);

/**
 * Load, analyse and store one analysis run: the run with its parameters,
 * items (members and how they were joined, spread), account and chat
 * figures, bridges, suspects with every score term and their evidence,
 * in one transaction with an "analyze.run" audit entry.
 * @param c   borrowed, opened read-write, no transaction open
 * @param opt borrowed, NULL for the defaults
 * @param rep out: required; rep->run_id is the new run
 * @return 0, NSW_EINVAL, NSW_ELIMIT (nothing stored), NSW_EIO,
 *         NSW_ENOMEM, NSW_ERROR (igraph)
 */
NSW_EXTERN int nsw_case_analyze(nsw_case *c, const nsw_analyze_options *opt,
				nsw_analyze_report *rep);

/* ---- Reading stored runs -------------------------------------------- */

/** A stored run. */
typedef struct nsw_analysis_run {
	int64_t id;
	char created_utc[40];
	char netsweep_version[40];
	nsw_analyze_options options; /**< as used (for a re-run) */
	int64_t items, known_items, accounts, chats, appearances, suspects;
} nsw_analysis_run;

/**
 * The run `run_id`, or the newest when run_id is 0.
 * @return 0, NSW_ENOTFOUND (no such run / never analysed), NSW_EIO
 */
NSW_EXTERN int nsw_case_analysis_get(nsw_case *c, int64_t run_id,
				     nsw_analysis_run *out);

/** One score term of a suspect as stored. */
typedef struct nsw_suspect_term_row {
	const char *name;
	double raw, value, weight, contribution;
} nsw_suspect_term_row;

/** One piece of evidence: an appearance that put the account there. */
typedef struct nsw_suspect_evidence_row {
	const char *why;    /**< "known" or "seeded-reshared" */
	int64_t message_id; /**< messages.id */
	const char *message_native_id;
	int64_t chat_id;
	const char *chat_native_id;
	const char *time_utc;
	const char *item_key;  /**< the item's key (hex digest) */
	const char *list_name; /**< "" for new items */
	const char *category;  /**< "scheme:code", "" when none */
} nsw_suspect_evidence_row;

/** One ranked suspect with names, score terms and evidence. Everything
 * borrowed for the callback only. */
typedef struct nsw_suspect_row {
	int64_t run_id;
	uint32_t rank;
	int64_t account_id;
	const char *platform;
	const char *native_id;
	const char *names;     /**< display names, "; "-joined, "" none */
	const char *usernames; /**< "; "-joined */
	const char *phones;    /**< "; "-joined */
	const char *country;   /**< best attribution, "" when none */
	double score;
	const nsw_suspect_term_row *terms;
	size_t n_terms;
	int64_t posts, known_posts, known_items, known_seeded,
		new_seeded_reshared, chats_active, in_degree, out_degree;
	double pagerank, betweenness;
	int64_t community;
	const char *const *lists; /**< lists of its known items */
	size_t n_lists;
	const nsw_suspect_evidence_row *evidence; /**< stored (capped) */
	size_t n_evidence;
	int64_t n_evidence_total;
} nsw_suspect_row;

/** Which suspects nsw_case_suspects_foreach gives. Zeroed: all of the
 * newest run. */
typedef struct nsw_suspect_filter {
	int64_t run_id;	     /**< 0: newest */
	const char *country; /**< only this country code; NULL: all */
	uint32_t limit;	     /**< at most this many; 0: all */
} nsw_suspect_filter;

/** Suspects in rank order; non-zero from `fn` stops and is returned.
 * 0, NSW_ENOTFOUND (no run), NSW_EIO, NSW_ENOMEM. */
NSW_EXTERN int
nsw_case_suspects_foreach(nsw_case *c, const nsw_suspect_filter *f,
			  int (*fn)(void *ctx, const nsw_suspect_row *row),
			  void *ctx);

/** A bridge: another chat sharing active accounts. */
typedef struct nsw_chat_bridge_row {
	int64_t chat_id;
	const char *native_id;
	const char *title;
	int64_t shared_accounts;
} nsw_chat_bridge_row;

/** One chat's figures. Borrowed for the callback. */
typedef struct nsw_chat_metrics_row {
	int64_t chat_id;
	const char *platform, *native_id, *title, *kind;
	int64_t messages;	 /**< all messages in the case */
	int64_t senders;	 /**< distinct sender accounts, all messages */
	int64_t posts;		 /**< media appearances */
	int64_t known_posts;	 /**< ... of known items */
	int64_t known_items;	 /**< distinct known items */
	double known_share;	 /**< known_posts / posts */
	int64_t active_accounts; /**< accounts with media appearances */
	int64_t bridged_chats;	 /**< chats sharing an active account */
	const nsw_chat_bridge_row *bridges; /**< most shared first */
	size_t n_bridges;
} nsw_chat_metrics_row;

/** Chats by known share, then known posts, then id (run 0: newest). */
NSW_EXTERN int nsw_case_chat_metrics_foreach(
	nsw_case *c, int64_t run_id,
	int (*fn)(void *ctx, const nsw_chat_metrics_row *row), void *ctx);

/** One appearance in an item's spread. */
typedef struct nsw_item_appearance_row {
	uint32_t seq; /**< 0 = first appearance */
	int64_t message_id;
	const char *message_native_id;
	const char *time_utc;
	int64_t chat_id;
	const char *chat_native_id, *chat_title;
	int64_t account_id; /**< 0: no sender account */
	const char *account_native_id, *account_name;
	const char *kind; /**< "post" or "forward" */
	int64_t forwarded_from_account_id;
	const char *forwarded_from_native_id;
	int64_t media_id;
	const char *copy; /**< this copy's SHA-256 (else MD5, SHA-1, PDQ)
			       in hex */
} nsw_item_appearance_row;

/** An item's spread. Borrowed for the callback. */
typedef struct nsw_item_spread {
	int64_t run_id;
	uint32_t item;
	const char *key;	/**< hex of the representative's digest */
	const char *matched_by; /**< how HASH found it: "md5", "sha1",
				     "sha256", "pdq", "pdq~N" (near, N bits) */
	int known;
	const char *list_name, *category; /**< "" when not known */
	int64_t media_copies;		  /**< media rows joined into it */
	int64_t distinct_copies;	  /**< distinct SHA-256 (or digest) */
	const nsw_item_appearance_row *appearances; /**< time order */
	size_t n_appearances;
	/** The re-sharers (accounts other than the first poster, which is
	 *  appearances[0]'s): the index into appearances of each one's first
	 *  appearance, in order. */
	const uint32_t *resharers;
	size_t n_resharers;
	/** Chats crossed: the index into appearances of the first
	 *  appearance in each chat, in order (chats[0] = 0). */
	const uint32_t *chats;
	size_t n_chats;
} nsw_item_spread;

/**
 * The spread of the item holding a copy with hash `hex` (MD5 32 hex
 * digits, SHA-1 40, SHA-256 or PDQ 64: SHA-256 is tried first, then PDQ
 * exactly, then PDQ within the run's threshold). `fn` is called once per
 * item found (a PDQ may be near several).
 * @return 0, NSW_EINVAL (not hex of those lengths), NSW_ENOTFOUND (no
 *         run, or no copy with that hash), NSW_EIO, NSW_ENOMEM
 */
NSW_EXTERN int
nsw_case_item_spread(nsw_case *c, int64_t run_id, const char *hex,
		     int (*fn)(void *ctx, const nsw_item_spread *s), void *ctx);

#ifdef __cplusplus
}
#endif
#endif
