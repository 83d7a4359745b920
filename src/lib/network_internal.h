/* SPDX-License-Identifier: Apache-2.0 */
/* Library-internal: the network's storage shared by network*.c. */
#ifndef NSW_LIB_NETWORK_INTERNAL_H
#define NSW_LIB_NETWORK_INTERNAL_H

#include "netsweep/network.h"

/* Interned keys: open addressing over indices into a string array. */
typedef struct nsw_net__intern {
	char **keys;	  /* keys[i] owned */
	uint32_t count;	  /* entries used */
	uint32_t cap;	  /* entries allocated in keys */
	uint32_t *slots;  /* hash table of index+1 (0 = empty) */
	uint32_t n_slots; /* power of two */
} nsw_net__intern;

typedef struct nsw_net__account_in {
	char *label, *country; /* owned or NULL */
} nsw_net__account_in;

typedef struct nsw_net__item_in {
	char *scheme, *code, *list; /* owned or NULL */
	uint32_t category;	    /* index into categories, or NONE */
	int known;
} nsw_net__item_in;

/* Account-graph edge after merging: a -> b (flow) or {a, b} (undirected). */
typedef struct nsw_net__edge {
	uint32_t a, b;
	double reshare; /* distinct items a re-shared that b posted first */
	double forward; /* forwards by a from b */
	double copost;	/* chats where a and b co-posted (windowed) */
} nsw_net__edge;

struct nsw_network {
	int analysed;

	nsw_net__intern account_keys, chat_keys, item_keys;
	nsw_net__account_in *accounts_in;
	char **chat_titles; /* owned or NULL */
	nsw_net__item_in *items_in;
	uint32_t accounts_cap, chats_cap, items_cap;

	/* Distinct (scheme, code) pairs of known items. */
	char **cat_scheme, **cat_code; /* owned, "" when not given */
	uint32_t n_categories, categories_cap;

	nsw_net_appearance *app;
	uint32_t n_app, app_cap;

	/* ---- results ---- */
	nsw_net_options opt;
	nsw_net_account_info *account_info;
	nsw_net_item_info *item_info;
	nsw_net_chat_info *chat_info;
	uint32_t *spread_pool;	 /* all item spreads, n_app entries */
	uint32_t *resharer_pool; /* item resharers */
	uint32_t *item_chat_pool;
	nsw_net_category_count *catcount_pool;
	nsw_net_bridge *bridge_pool;

	/* Account chats (CSR): chats of account a are
	 * acct_chats[acct_chats_start[a] .. acct_chats_start[a+1]). */
	uint32_t *acct_chats_start, *acct_chats;
	uint32_t *acct_chat_posts;  /* posts of a in that chat */
	uint32_t *acct_known_chats; /* chats where a posted known items */
	/* Appearances by account (CSR), in time order. */
	uint32_t *acct_app_start, *acct_app;
	/* Chat accounts (CSR) in order of first activity in the chat. */
	uint32_t *chat_accts_start, *chat_accts;

	nsw_net__edge *flow; /* directed, a re-shared/forwarded from b */
	size_t n_flow;
	nsw_net__edge *und; /* undirected projection, a < b */
	size_t n_und;
	double modularity;
	uint32_t n_communities;
	nsw_net_stats stats;

	nsw_net_suspect *suspects;
	uint32_t n_suspects;
	uint32_t *evidence_pool;
	uint32_t *suspect_item_pool;
	const char **suspect_list_pool;
};

/* The empty string for absent labels. */
const char *nsw_net__str(const char *s);

/* Monotonic seconds, and this thread's CPU seconds, for the timings. */
double nsw_net__now(void);
double nsw_net__thread_cpu(void);

/* network_tables.c: spreads, per-account and per-chat figures, bridges. */
int nsw_net__compute_tables(nsw_network *net);

/* qsort_r order of appearance indices (ctx: the appearance array): time,
 * then message id, then index. */
int nsw_net__by_time(const void *pa, const void *pb, void *ctx);

/* network_betweenness.c: sampled Brandes on worker threads. */
typedef struct nsw_net__betweenness {
	/* in: the undirected graph as CSR (each edge in both lists) */
	uint32_t n;
	const uint32_t *start; /* n + 1 */
	const uint32_t *adj;
	uint32_t samples; /* 0 or >= n: exact */
	uint64_t seed;
	uint32_t threads;
	/* state */
	uint32_t *sources;
	uint32_t n_sources;
	void *workers;
	double started_at, seconds; /* seconds: until the last worker ended */
	double cpu;		    /* CPU seconds of all workers */
} nsw_net__betweenness;

/* Draw the sources and start the workers; nsw_net__betweenness_finish
 * must follow (also after a failure elsewhere) when this returned 0. */
int nsw_net__betweenness_start(nsw_net__betweenness *job);

/* Wait for the workers; out (n, may be NULL to just clean up) receives
 * the estimate. 0 or NSW_ENOMEM. */
int nsw_net__betweenness_finish(double *out, nsw_net__betweenness *job);

/* network_edges.c: the account graph and its centralities/communities. */
int nsw_net__compute_edges(nsw_network *net);

/* Sort n keys ascending (LSD radix, 16-bit digits); tmp holds n keys. */
void nsw_net__radix_sort(uint64_t *keys, uint64_t *tmp, size_t n);

/* network_score.c: the suspect list. */
int nsw_net__compute_suspects(nsw_network *net);
void nsw_net__free_suspects(nsw_network *net);

#endif
