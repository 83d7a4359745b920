/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The distribution-network analysis: who posted and forwarded which media
 * items in which chats, who seeded them, how accounts and chats connect,
 * and a transparent suspect ranking (docs/network.md, docs/scoring.md).
 * Independent of storage: the caller describes the appearances in memory.
 */
#ifndef NETSWEEP_NETWORK_H
#define NETSWEEP_NETWORK_H

#include <stdio.h>

#include "netsweep/common.h"
#include "netsweep/pdq.h"

#ifdef __cplusplus
extern "C" {
#endif

/** "No such account/appearance": an index that refers to nothing. */
#define NSW_NET_NONE UINT32_MAX

/** An analysis: first a builder, then (after nsw_net_analyze) results. */
typedef struct nsw_network nsw_network;

/** How an item appeared in a chat. */
typedef enum {
	NSW_NET_POST = 0,    /**< the account posted (uploaded) it */
	NSW_NET_FORWARD = 1, /**< the account forwarded it from elsewhere */
} nsw_net_kind;

/** One appearance of an item: an input record, also returned as is. */
typedef struct nsw_net_appearance {
	uint32_t item;		 /**< index from nsw_net_add_item */
	uint32_t chat;		 /**< index from nsw_net_add_chat */
	uint32_t account;	 /**< index from nsw_net_add_account */
	uint32_t forwarded_from; /**< account index, or NSW_NET_NONE */
	int64_t time;		 /**< UTC, seconds since the epoch */
	int64_t message_id;	 /**< the caller's message id (evidence ref) */
	nsw_net_kind kind;
} nsw_net_appearance;

/** Analysis options; start from nsw_net_options_default(). */
typedef struct nsw_net_options {
	/**
	 * Source vertices sampled for the betweenness estimate; when the
	 * account graph has no more vertices than this, or when it is 0,
	 * betweenness is exact (O(V E): only for small graphs).
	 */
	uint32_t betweenness_samples;
	/** Seed for the betweenness sample and community detection. */
	uint64_t seed;
	/** Chats with at most this many active accounts link all pairs
	 *  (0 = NSW_NET_COPOST_FULL_MAX, 16). */
	uint32_t copost_full_max;
	/** Larger chats link each account to the next this many (in order
	 *  of first activity in the chat; 0 = NSW_NET_COPOST_WINDOW, 4). */
	uint32_t copost_window;
	/** Runtime limits: 0 = the compiled maximum; larger values are
	 *  clamped to it (limits.h). Vertices = accounts; edges = distinct
	 *  account pairs of the account graph. */
	uint64_t max_vertices;
	uint64_t max_edges;
	/** Worker threads for betweenness (0 = NSW_NET_THREADS, 2). */
	uint32_t threads;
} nsw_net_options;

/** Fill `opt` with the documented defaults. */
NSW_EXTERN void nsw_net_options_default(nsw_net_options *opt);

/**
 * A new, empty network builder.
 * @param out owned by the caller, free with nsw_net_free(); NULL on failure
 * @return 0, NSW_EINVAL, NSW_ENOMEM
 */
NSW_EXTERN int nsw_net_new(nsw_network **out);

/** Free a network and everything it returned. NULL is a no-op. */
NSW_EXTERN void nsw_net_free(nsw_network *net);

/**
 * Add (or find) an account by its key (the caller's stable id, such as a
 * platform id "user12345"; interned). Adding an existing key returns its
 * index and keeps the first label and country.
 * @param index   out: the dense account index (0, 1, 2...)
 * @param key     borrowed, non-empty; copied
 * @param label   borrowed display name or NULL; copied
 * @param country borrowed ISO country code or NULL; copied
 * @return 0, NSW_EINVAL (NULL/empty key, already analysed), NSW_ELIMIT
 *         (too many accounts), NSW_ENOMEM
 */
NSW_EXTERN int nsw_net_add_account(nsw_network *net, uint32_t *index,
				   const char *key, const char *label,
				   const char *country);

/**
 * Add (or find) a chat by key; as nsw_net_add_account.
 * @param title borrowed or NULL; copied
 */
NSW_EXTERN int nsw_net_add_chat(nsw_network *net, uint32_t *index,
				const char *key, const char *title);

/**
 * Add (or find) a media item by key (the caller has already unified
 * copies: one item per exact digest / PDQ cluster; see nsw_net_cluster_pdq).
 * @param known  non-zero when the item is on a known-material list
 * @param scheme category scheme ("vics-default"...) or NULL; copied
 * @param code   category code ("1", "A1"...) or NULL; copied
 * @param list   name of the list it is on, or NULL; copied
 * @return as nsw_net_add_account
 */
NSW_EXTERN int nsw_net_add_item(nsw_network *net, uint32_t *index,
				const char *key, int known, const char *scheme,
				const char *code, const char *list);

/**
 * Add one appearance; its index is the number of appearances added before.
 * @param a borrowed; copied
 * @return 0, NSW_EINVAL (an index out of range, bad kind, already
 *         analysed), NSW_ELIMIT (too many appearances), NSW_ENOMEM
 */
NSW_EXTERN int nsw_net_add_appearance(nsw_network *net,
				      const nsw_net_appearance *a);

/**
 * Compute everything: spreads, per-account and per-chat figures, the
 * account graph and its centralities and communities, the suspect list.
 * Afterwards the network is read-only (add_* return NSW_EINVAL).
 * Not concurrent with another analysis in the same process for the igraph
 * part (igraph 0.10 is not thread-safe; calls are serialised internally).
 * @param opt borrowed, or NULL for the defaults
 * @return 0, NSW_EINVAL (called twice, bad options), NSW_ELIMIT (graph
 *         over a limit: nothing is computed), NSW_ENOMEM, NSW_ERROR
 *         (igraph failure, with igraph's reason in the message)
 */
NSW_EXTERN int nsw_net_analyze(nsw_network *net, const nsw_net_options *opt);

/* ---- Results (valid after nsw_net_analyze; borrowed until free) ------ */

/** Counts of what was added. */
NSW_EXTERN uint32_t nsw_net_account_count(const nsw_network *net);
NSW_EXTERN uint32_t nsw_net_chat_count(const nsw_network *net);
NSW_EXTERN uint32_t nsw_net_item_count(const nsw_network *net);
NSW_EXTERN uint32_t nsw_net_appearance_count(const nsw_network *net);

/** Find an index by key; 0 or NSW_ENOTFOUND (no message set). */
NSW_EXTERN int nsw_net_find_account(const nsw_network *net, uint32_t *index,
				    const char *key);
NSW_EXTERN int nsw_net_find_chat(const nsw_network *net, uint32_t *index,
				 const char *key);
NSW_EXTERN int nsw_net_find_item(const nsw_network *net, uint32_t *index,
				 const char *key);

/** An appearance as added; NULL when out of range. Borrowed. */
NSW_EXTERN const nsw_net_appearance *
nsw_net_appearance_get(const nsw_network *net, uint32_t index);

/** Known-material figures of one account for one category. */
typedef struct nsw_net_category_count {
	const char *scheme; /**< "" when the list gave none */
	const char *code;   /**< "" when the list gave none */
	uint32_t posts;	    /**< appearances of known items of it */
	uint32_t items;	    /**< distinct known items of it */
} nsw_net_category_count;

/** Per-account results. Pointers borrowed until nsw_net_free. */
typedef struct nsw_net_account_info {
	const char *key;
	const char *label;   /**< "" when not given */
	const char *country; /**< "" when not given */
	uint32_t posts;	     /**< all appearances (posts and forwards) */
	uint32_t known_posts;
	uint32_t known_items;
	const nsw_net_category_count *categories; /**< by scheme, code */
	size_t n_categories;
	uint32_t seeded_items;	      /**< items it posted first */
	uint32_t known_seeded;	      /**< known items it posted first */
	uint32_t new_seeded_reshared; /**< unlisted items it posted first
					 that another account re-shared */
	uint32_t chats_active;
	/** The chats it was active in (chats_active of them), in order of
	 *  its first activity there; chat_posts[i] is its posts in chats[i]. */
	const uint32_t *chats;
	const uint32_t *chat_posts;
	/** Re-share/forward graph: out = distinct accounts it re-shared or
	 *  forwarded from; in = distinct accounts that did so from it. */
	uint32_t out_degree, in_degree;
	double out_weight, in_weight;
	double pagerank;    /**< on the directed re-share/forward graph */
	double betweenness; /**< estimate, undirected projection (docs) */
	int32_t community;  /**< 0.. on the undirected projection */
} nsw_net_account_info;

/** Account `index`; NULL when out of range or not analysed. */
NSW_EXTERN const nsw_net_account_info *nsw_net_account(const nsw_network *net,
						       uint32_t index);

/** Per-item results: its spread. */
typedef struct nsw_net_item_info {
	const char *key;
	int known;
	const char *scheme, *code, *list; /**< "" when not given */
	/** Appearance indices in time order (ties: message id, then the
	 *  order added). spread[0] is the first appearance. */
	const uint32_t *spread;
	size_t n_spread;
	uint32_t first_poster; /**< likely seeder; NSW_NET_NONE if unseen */
	/** Accounts other than the first poster that posted or forwarded
	 *  it, in order of their first appearance with it. */
	const uint32_t *resharers;
	size_t n_resharers;
	/** Chats it appeared in, in order of first appearance there;
	 *  chats[0] is where it was first seen. */
	const uint32_t *chats;
	size_t n_chats;
} nsw_net_item_info;

NSW_EXTERN const nsw_net_item_info *nsw_net_item(const nsw_network *net,
						 uint32_t index);

/** Another chat sharing active accounts with a chat. */
typedef struct nsw_net_bridge {
	uint32_t chat;
	uint32_t shared_accounts;
} nsw_net_bridge;

/** Per-chat results. */
typedef struct nsw_net_chat_info {
	const char *key;
	const char *title; /**< "" when not given */
	uint32_t posts;	   /**< appearances in the chat */
	uint32_t known_posts;
	uint32_t known_items;
	double known_share; /**< known_posts / posts (0 when empty) */
	uint32_t active_accounts;
	/** The active accounts, in order of first activity in the chat. */
	const uint32_t *accounts;
	/** The chats sharing the most active accounts with it (most first,
	 *  at most NSW_NET_BRIDGES_PER_CHAT in limits.h); bridged_chats is
	 *  how many chats share at least one. */
	const nsw_net_bridge *bridges;
	size_t n_bridges;
	uint32_t bridged_chats;
} nsw_net_chat_info;

NSW_EXTERN const nsw_net_chat_info *nsw_net_chat(const nsw_network *net,
						 uint32_t index);

/** Score terms, in the order of nsw_net_suspect.terms (docs/scoring.md). */
typedef enum {
	NSW_NET_TERM_KNOWN_ITEMS = 0,
	NSW_NET_TERM_KNOWN_POSTS,
	NSW_NET_TERM_KNOWN_SEEDED,
	NSW_NET_TERM_NEW_SEEDED_RESHARED,
	NSW_NET_TERM_RESHARED_BY,
	NSW_NET_TERM_KNOWN_CHATS,
	NSW_NET_TERM_PAGERANK,
	NSW_NET_TERM_BETWEENNESS,
	NSW_NET_TERM_COUNT
} nsw_net_term_id;

/** One term of a suspect's score: contribution = weight * value. */
typedef struct nsw_net_term {
	const char *name; /**< "known_items"... (static) */
	double raw;	  /**< the measured figure */
	double value;	  /**< raw after the documented transform */
	double weight;
	double contribution;
} nsw_net_term;

/** One ranked suspect and the evidence that put it on the list. */
typedef struct nsw_net_suspect {
	uint32_t account;
	uint32_t rank; /**< 1 = highest score */
	double score;  /**< sum of the term contributions */
	nsw_net_term terms[NSW_NET_TERM_COUNT];
	/** Appearance indices: its known-material appearances, then the
	 *  first appearances of new items it seeded that others re-shared
	 *  (at most NSW_NET_EVIDENCE_MAX; n_evidence_total counts all). */
	const uint32_t *evidence;
	size_t n_evidence;
	size_t n_evidence_total;
	/** Items behind the evidence (known first), at most
	 *  NSW_NET_EVIDENCE_MAX. */
	const uint32_t *items;
	size_t n_items;
	/** Distinct list names of its known items. */
	const char *const *lists;
	size_t n_lists;
} nsw_net_suspect;

/** Number of suspects (accounts with known-material appearances or
 *  re-shared seeded new items). */
NSW_EXTERN uint32_t nsw_net_suspect_count(const nsw_network *net);

/** The suspect of rank `rank0 + 1`; NULL when out of range. */
NSW_EXTERN const nsw_net_suspect *nsw_net_suspect_get(const nsw_network *net,
						      uint32_t rank0);

/** Name and default weight of a term (static; "?" / 0 out of range). */
NSW_EXTERN const char *nsw_net_term_name(nsw_net_term_id term);
NSW_EXTERN double nsw_net_term_weight(nsw_net_term_id term);

/** How the analysis went: sizes and wall-clock seconds per phase. */
typedef struct nsw_net_stats {
	uint64_t flow_edges;	      /**< directed account pairs */
	uint64_t undirected_edges;    /**< undirected account pairs */
	uint64_t raw_edge_records;    /**< before merging */
	uint32_t betweenness_sources; /**< sources run (= vertices: exact) */
	double seconds_tables;	      /**< spreads, accounts, chats, bridges */
	double seconds_edges;	      /**< edge generation and merging */
	double seconds_pagerank;
	/** From the start of the betweenness workers to the end of the
	 *  last one (they overlap PageRank and communities). */
	double seconds_betweenness;
	double seconds_communities;
	/** PageRank, betweenness and communities together (wall). */
	double seconds_graph;
	/** CPU seconds of the threads that ran each (wall time overstates
	 *  cost on a loaded machine; betweenness sums its workers). */
	double cpu_pagerank, cpu_betweenness, cpu_communities;
	double seconds_suspects;
} nsw_net_stats;

/** Statistics of the analysis (zeros before). Borrowed until free. */
NSW_EXTERN const nsw_net_stats *nsw_net_get_stats(const nsw_network *net);

/** Modularity of the community partition (after analysis). */
NSW_EXTERN double nsw_net_modularity(const nsw_network *net);

/** Number of distinct communities found. */
NSW_EXTERN uint32_t nsw_net_community_count(const nsw_network *net);

/* ---- Export ---------------------------------------------------------- */

/**
 * Write the network as GraphML (for Gephi, i2, yEd): accounts, chats and
 * items as nodes with attributes; edges typed (reshare, forward, copost,
 * posted, appeared_in, active_in) with weights. Needs nsw_net_analyze.
 * @param out borrowed stream, written from its current position
 * @return 0, NSW_EINVAL (not analysed), NSW_EIO (write failed)
 */
NSW_EXTERN int nsw_net_write_graphml(const nsw_network *net, FILE *out);

/** As nsw_net_write_graphml, in GEXF 1.3 (Gephi's native format). */
NSW_EXTERN int nsw_net_write_gexf(const nsw_network *net, FILE *out);

/* ---- Item unification helper ---------------------------------------- */

/**
 * Cluster PDQ hashes: two hashes within `threshold` bits (Hamming,
 * nsw_pdq_distance) are in one cluster, transitively (union-find).
 * Brute force O(n^2); the index replaces it for large sets.
 * @param cluster   out: n entries, caller storage; cluster[i] is the
 *                  smallest index in i's cluster (so a representative)
 * @param hashes    borrowed, n hashes
 * @param threshold 0..256 (PDQ's usual match threshold is 31)
 * @param n_clusters out: number of clusters, or NULL
 * @return 0, NSW_EINVAL (NULL with n > 0, threshold > 256), NSW_ELIMIT
 *         (n over NSW_NET_PDQ_CLUSTER_MAX), NSW_ENOMEM
 */
NSW_EXTERN int nsw_net_cluster_pdq(uint32_t *cluster, size_t *n_clusters,
				   const nsw_pdq_hash *hashes, size_t n,
				   int threshold);

#ifdef __cplusplus
}
#endif
#endif
