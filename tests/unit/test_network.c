/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the network analysis on hand-built networks whose right answers
 * are worked out in the comments, plus limits, igraph errors and export. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <expat.h>

#include "support.h"
#include "netsweep/network.h"
#include "alloc.h"
#include "network_graph.h"
#include "network_internal.h"

/* This cmocka has no assert_double_equal. */
#define assert_near(a, b, eps) \
	assert_true(fabs((double)(a) - (double)(b)) <= (eps))

/*
 * The small case: a seeder S posts two known items in group G1; D1 re-posts
 * one there and forwards both into G2; D2 forwards one from D1 into G3 and
 * re-posts the other there; M2 posts a known item in G3. M1 seeds two new
 * (unlisted) items that M2 and X re-share; X also posts in G1.
 */
enum {
	S,
	D1,
	D2,
	M1,
	M2,
	X,
	N_ACC
};
enum {
	G1,
	G2,
	G3,
	N_CHAT
};
enum {
	K1,
	K2,
	N1,
	N2,
	N_ITEM
};

static const char *acc_keys[N_ACC] = {"S", "D1", "D2", "M1", "M2", "X"};
static const char *chat_keys[N_CHAT] = {"G1", "G2", "G3"};

static const struct {
	int item, chat, account, fwd; /* fwd: account or -1 */
	int64_t time, msg;
	nsw_net_kind kind;
} small_app[] = {
	/* 0 */ {K1, G1, S, -1, 100, 1, NSW_NET_POST},
	/* 1 */ {K2, G1, S, -1, 110, 2, NSW_NET_POST},
	/* 2 */ {K1, G2, D1, S, 200, 10, NSW_NET_FORWARD},
	/* 3 */ {K2, G2, D1, S, 210, 11, NSW_NET_FORWARD},
	/* 4 */ {K1, G3, D2, D1, 300, 20, NSW_NET_FORWARD},
	/* 5 */ {N1, G2, M1, -1, 310, 22, NSW_NET_POST},
	/* 6 */ {N1, G3, M2, M1, 320, 23, NSW_NET_FORWARD},
	/* 7 */ {N2, G1, X, -1, 150, 5, NSW_NET_POST},
	/* 8: same time as 7, smaller message id: M1 is N2's first poster */
	/* 8 */ {N2, G2, M1, -1, 150, 4, NSW_NET_POST},
	/* 9 */ {K2, G3, M2, -1, 300, 19, NSW_NET_POST},
	/* 10 */ {K2, G3, D2, -1, 305, 21, NSW_NET_POST},
	/* 11 */ {K1, G1, D1, -1, 120, 3, NSW_NET_POST},
};
#define N_SMALL_APP (sizeof(small_app) / sizeof(small_app[0]))

static nsw_network *build_small(void)
{
	nsw_network *net = NULL;
	uint32_t idx;
	size_t i;

	assert_int_equal(nsw_net_new(&net), 0);
	for (i = 0; i < N_ACC; i++) {
		assert_int_equal(nsw_net_add_account(
					 net, &idx, acc_keys[i],
					 i == S ? "<seed & \"co\">\xff" : NULL,
					 "XX"),
				 0);
		assert_int_equal(idx, i);
	}
	for (i = 0; i < N_CHAT; i++) {
		assert_int_equal(nsw_net_add_chat(net, &idx, chat_keys[i], "g"),
				 0);
		assert_int_equal(idx, i);
	}
	assert_int_equal(nsw_net_add_item(net, &idx, "K1", 1, "vics-default",
					  "1", "listA"),
			 0);
	assert_int_equal(nsw_net_add_item(net, &idx, "K2", 1, "vics-default",
					  "2", "listB"),
			 0);
	assert_int_equal(nsw_net_add_item(net, &idx, "N1", 0, NULL, NULL, NULL),
			 0);
	assert_int_equal(nsw_net_add_item(net, &idx, "N2", 0, NULL, NULL, NULL),
			 0);
	assert_int_equal(idx, N2);
	for (i = 0; i < N_SMALL_APP; i++) {
		nsw_net_appearance a = {
			.item = (uint32_t)small_app[i].item,
			.chat = (uint32_t)small_app[i].chat,
			.account = (uint32_t)small_app[i].account,
			.forwarded_from = small_app[i].fwd < 0
						  ? NSW_NET_NONE
						  : (uint32_t)small_app[i].fwd,
			.time = small_app[i].time,
			.message_id = small_app[i].msg,
			.kind = small_app[i].kind,
		};
		assert_int_equal(nsw_net_add_appearance(net, &a), 0);
	}
	return net;
}

static nsw_network *analysed_small(void)
{
	nsw_network *net = build_small();

	assert_int_equal(nsw_net_analyze(net, NULL), 0);
	return net;
}

static void assert_u32s(const uint32_t *got, size_t n_got, const uint32_t *want,
			size_t n_want)
{
	size_t i;

	assert_int_equal(n_got, n_want);
	for (i = 0; i < n_want; i++)
		assert_int_equal(got[i], want[i]);
}

static void spread_is_time_ordered_with_first_poster(void **state)
{
	nsw_network *net = analysed_small();
	const nsw_net_item_info *k1 = nsw_net_item(net, K1);
	const nsw_net_item_info *k2 = nsw_net_item(net, K2);
	const nsw_net_item_info *n2 = nsw_net_item(net, N2);
	static const uint32_t k1_spread[] = {0, 11, 2, 4};
	static const uint32_t k1_res[] = {D1, D2};
	static const uint32_t k1_chats[] = {G1, G2, G3};
	static const uint32_t k2_spread[] = {1, 3, 9, 10};
	static const uint32_t k2_res[] = {D1, M2, D2};
	static const uint32_t n2_spread[] = {8, 7};
	static const uint32_t n2_res[] = {X};
	static const uint32_t n2_chats[] = {G2, G1};

	(void)state;
	assert_string_equal(k1->key, "K1");
	assert_true(k1->known);
	assert_string_equal(k1->list, "listA");
	assert_int_equal(k1->first_poster, S);
	assert_u32s(k1->spread, k1->n_spread, k1_spread, 4);
	assert_u32s(k1->resharers, k1->n_resharers, k1_res, 2);
	assert_u32s(k1->chats, k1->n_chats, k1_chats, 3);
	assert_int_equal(k2->first_poster, S);
	assert_u32s(k2->spread, k2->n_spread, k2_spread, 4);
	assert_u32s(k2->resharers, k2->n_resharers, k2_res, 3);
	/* Tie on time: the smaller message id came first. */
	assert_int_equal(n2->first_poster, M1);
	assert_u32s(n2->spread, n2->n_spread, n2_spread, 2);
	assert_u32s(n2->resharers, n2->n_resharers, n2_res, 1);
	assert_u32s(n2->chats, n2->n_chats, n2_chats, 2);
	assert_string_equal(n2->list, "");
	nsw_net_free(net);
}

static void account_figures_match_hand_count(void **state)
{
	nsw_network *net = analysed_small();
	const nsw_net_account_info *s = nsw_net_account(net, S);
	const nsw_net_account_info *d1 = nsw_net_account(net, D1);
	const nsw_net_account_info *d2 = nsw_net_account(net, D2);
	const nsw_net_account_info *m1 = nsw_net_account(net, M1);
	const nsw_net_account_info *x = nsw_net_account(net, X);

	(void)state;
	assert_int_equal(s->posts, 2);
	assert_int_equal(s->known_posts, 2);
	assert_int_equal(s->known_items, 2);
	assert_int_equal(s->known_seeded, 2);
	assert_int_equal(s->seeded_items, 2);
	assert_int_equal(s->chats_active, 1);
	assert_int_equal(s->n_categories, 2);
	assert_string_equal(s->categories[0].scheme, "vics-default");
	assert_string_equal(s->categories[0].code, "1");
	assert_int_equal(s->categories[0].posts, 1);
	/* D1, D2 and M2 re-shared from S; nobody's material came to S. */
	assert_int_equal(s->in_degree, 3);
	assert_int_equal(s->out_degree, 0);
	assert_string_equal(s->country, "XX");

	assert_int_equal(d1->posts, 3);
	assert_int_equal(d1->known_posts, 3);
	assert_int_equal(d1->known_items, 2);
	assert_int_equal(d1->known_seeded, 0);
	assert_int_equal(d1->chats_active, 2);
	assert_int_equal(d1->chats[0], G1); /* t=120, before G2 at t=200 */
	assert_int_equal(d1->chats[1], G2);
	assert_int_equal(d1->chat_posts[0], 1);
	assert_int_equal(d1->chat_posts[1], 2);
	assert_int_equal(d1->out_degree, 1);	 /* S */
	assert_int_equal(d1->in_degree, 1);	 /* D2 forwarded from D1 */
	assert_near(d1->out_weight, 4.0, 1e-12); /* 2 re-shares + 2
							    forwards */
	assert_int_equal(d2->out_degree, 2);	 /* S, D1 */

	assert_int_equal(m1->known_posts, 0);
	assert_int_equal(m1->seeded_items, 2);
	assert_int_equal(m1->new_seeded_reshared, 2);
	assert_int_equal(m1->in_degree, 2); /* M2, X */
	assert_int_equal(x->new_seeded_reshared, 0);
	assert_int_equal(x->out_degree, 1);

	/* S collects the re-share flow: the highest PageRank. */
	for (uint32_t a = 0; a < N_ACC; a++)
		if (a != S)
			assert_true(s->pagerank >
				    nsw_net_account(net, a)->pagerank);
	nsw_net_free(net);
}

static void chat_shares_and_bridges(void **state)
{
	nsw_network *net = analysed_small();
	const nsw_net_chat_info *g1 = nsw_net_chat(net, G1);
	const nsw_net_chat_info *g2 = nsw_net_chat(net, G2);
	const nsw_net_chat_info *g3 = nsw_net_chat(net, G3);

	(void)state;
	assert_int_equal(g1->posts, 4);
	assert_int_equal(g1->known_posts, 3);
	assert_int_equal(g1->known_items, 2);
	assert_near(g1->known_share, 0.75, 1e-12);
	assert_int_equal(g1->active_accounts, 3);
	assert_int_equal(g1->accounts[0], S); /* first activity 100, 120, 150 */
	assert_int_equal(g1->accounts[1], D1);
	assert_int_equal(g1->accounts[2], X);
	assert_int_equal(g1->n_bridges, 1); /* D1 is in G1 and G2 */
	assert_int_equal(g1->bridges[0].chat, G2);
	assert_int_equal(g1->bridges[0].shared_accounts, 1);
	assert_near(g2->known_share, 0.5, 1e-12);
	assert_int_equal(g2->n_bridges, 1);
	assert_int_equal(g2->bridges[0].chat, G1);
	assert_int_equal(g3->known_posts, 3);
	assert_int_equal(g3->n_bridges, 0);
	assert_int_equal(g3->bridged_chats, 0);
	nsw_net_free(net);
}

static double lg(double x)
{
	return log2(1.0 + x);
}

static void suspects_ranked_by_documented_terms(void **state)
{
	nsw_network *net = analysed_small();
	const nsw_net_suspect *top, *second;
	uint32_t r, seen[N_ACC] = {0};
	double sum;
	int t;

	(void)state;
	/* Everyone with known material, plus M1 (seeded re-shared new
	 * items); X has neither. */
	assert_int_equal(nsw_net_suspect_count(net), 5);
	for (r = 0; r < 5; r++) {
		const nsw_net_suspect *s = nsw_net_suspect_get(net, r);

		assert_int_equal(s->rank, r + 1);
		seen[s->account] = 1;
		sum = 0;
		for (t = 0; t < NSW_NET_TERM_COUNT; t++) {
			assert_near(s->terms[t].contribution,
				    s->terms[t].weight * s->terms[t].value,
				    1e-12);
			sum += s->terms[t].contribution;
		}
		assert_near(s->score, sum, 1e-9);
		if (r > 0)
			assert_true(s->score <=
				    nsw_net_suspect_get(net, r - 1)->score);
	}
	assert_int_equal(seen[X], 0);
	assert_null(nsw_net_suspect_get(net, 5));

	/*
	 * Without the centralities S scores 3 lg 2 + lg 2 + 4 lg 2 + 1.5 lg 3
	 * + lg 1 = 16.68 and D1 3 lg 2 + lg 3 + 1.5 lg 1 + lg 2 = 9.84; the
	 * centrality terms add at most lg(7) + 1 = 3.81, so S leads, then D1
	 * (D2: 3 lg 2 + lg 2 + lg 1 = 7.34 and no in-flow).
	 */
	top = nsw_net_suspect_get(net, 0);
	second = nsw_net_suspect_get(net, 1);
	assert_int_equal(top->account, S);
	assert_int_equal(second->account, D1);
	assert_string_equal(top->terms[NSW_NET_TERM_KNOWN_SEEDED].name,
			    "known_seeded");
	assert_near(top->terms[NSW_NET_TERM_KNOWN_SEEDED].raw, 2, 0);
	assert_near(top->terms[NSW_NET_TERM_KNOWN_SEEDED].contribution,
		    4.0 * lg(2), 1e-12);
	assert_near(top->terms[NSW_NET_TERM_RESHARED_BY].raw, 3, 0);
	assert_near(top->terms[NSW_NET_TERM_KNOWN_CHATS].raw, 1, 0);
	assert_near(second->terms[NSW_NET_TERM_KNOWN_POSTS].raw, 3, 0);
	assert_near(second->terms[NSW_NET_TERM_KNOWN_CHATS].raw, 2, 0);

	/* S's evidence: its two posts, K1 and K2, both lists. */
	assert_int_equal(top->n_evidence, 2);
	assert_int_equal(top->n_evidence_total, 2);
	assert_int_equal(top->evidence[0], 0);
	assert_int_equal(top->evidence[1], 1);
	assert_int_equal(top->n_items, 2);
	assert_int_equal(top->n_lists, 2);
	assert_string_equal(top->lists[0], "listA");
	assert_string_equal(top->lists[1], "listB");

	/* M1's evidence: the first appearances of N2 and N1. */
	for (r = 0; r < 5; r++) {
		const nsw_net_suspect *s = nsw_net_suspect_get(net, r);

		if (s->account != M1)
			continue;
		assert_int_equal(s->n_evidence, 2);
		assert_int_equal(s->n_lists, 0);
		assert_near(s->terms[NSW_NET_TERM_NEW_SEEDED_RESHARED].raw, 2,
			    0);
	}
	nsw_net_free(net);
}

static void builder_is_read_only_after_analysis(void **state)
{
	nsw_network *net = analysed_small();
	nsw_net_appearance a = {0};
	uint32_t idx;

	(void)state;
	assert_int_equal(nsw_net_add_account(net, &idx, "new", NULL, NULL),
			 NSW_EINVAL);
	assert_int_equal(nsw_net_add_appearance(net, &a), NSW_EINVAL);
	assert_int_equal(nsw_net_analyze(net, NULL), NSW_EINVAL);
	assert_int_equal(nsw_net_find_account(net, &idx, "M2"), 0);
	assert_int_equal(idx, M2);
	assert_int_equal(nsw_net_find_item(net, &idx, "nope"), NSW_ENOTFOUND);
	nsw_net_free(net);
	nsw_net_free(NULL);
}

static void rejects_appearance_with_unknown_ids(void **state)
{
	nsw_network *net = build_small();
	nsw_net_appearance a = {.item = 99, .forwarded_from = NSW_NET_NONE};

	(void)state;
	assert_int_equal(nsw_net_add_appearance(net, &a), NSW_EINVAL);
	a.item = 0;
	a.forwarded_from = 42;
	assert_int_equal(nsw_net_add_appearance(net, &a), NSW_EINVAL);
	a.forwarded_from = NSW_NET_NONE;
	a.kind = (nsw_net_kind)7;
	assert_int_equal(nsw_net_add_appearance(net, &a), NSW_EINVAL);
	assert_int_equal(nsw_net_add_account(net, NULL, "", NULL, NULL),
			 NSW_EINVAL);
	nsw_net_free(net);
}

static void refuses_graph_over_vertex_limit(void **state)
{
	nsw_network *net = build_small();
	nsw_net_options opt;

	(void)state;
	nsw_net_options_default(&opt);
	opt.max_vertices = 3;
	assert_int_equal(nsw_net_analyze(net, &opt), NSW_ELIMIT);
	assert_non_null(strstr(nsw_error_last(), "6 vertices"));
	assert_non_null(strstr(nsw_error_last(), "limit of 3"));
	assert_null(nsw_net_account(net, 0));
	nsw_net_free(net);
}

static void refuses_graph_over_edge_limit(void **state)
{
	nsw_network *net = build_small();
	nsw_net_options opt;

	(void)state;
	nsw_net_options_default(&opt);
	opt.max_edges = 2; /* the small case has 6 flow, 10 undirected */
	assert_int_equal(nsw_net_analyze(net, &opt), NSW_ELIMIT);
	assert_non_null(strstr(nsw_error_last(), "edges"));
	assert_int_equal(nsw_net_suspect_count(net), 0);
	nsw_net_free(net);
}

static void igraph_error_is_returned_not_aborted(void **state)
{
	(void)state;
	assert_int_equal(nsw_net__graph_provoke_error(), NSW_EINVAL);
	assert_non_null(strstr(nsw_error_last(), "igraph"));
	/* And igraph still works afterwards. */
	nsw_network *net = analysed_small();
	assert_int_equal(nsw_net_account(net, S)->in_degree, 3);
	nsw_net_free(net);
}

/* Two 8-account cliques (every pair co-posts in its own chat) joined by
 * one pair: two communities, and the joining pair has the top
 * betweenness. */
static nsw_network *two_clusters(void)
{
	nsw_network *net = NULL;
	char key[32];
	uint32_t i, j, idx, chat, item;
	int64_t t = 0;

	assert_int_equal(nsw_net_new(&net), 0);
	for (i = 0; i < 16; i++) {
		snprintf(key, sizeof(key), "acc%u", i);
		assert_int_equal(
			nsw_net_add_account(net, &idx, key, NULL, NULL), 0);
	}
	for (i = 0; i < 16; i++) {
		for (j = i + 1; j < 16; j++) {
			int same = (i < 8) == (j < 8);

			if (!same && !(i == 7 && j == 8))
				continue;
			snprintf(key, sizeof(key), "c%u_%u", i, j);
			assert_int_equal(
				nsw_net_add_chat(net, &chat, key, NULL), 0);
			assert_int_equal(nsw_net_add_item(net, &item, key, 0,
							  NULL, NULL, NULL),
					 0);
			nsw_net_appearance a = {item,	      chat, i,
						NSW_NET_NONE, t,    t,
						NSW_NET_POST};
			t++;
			assert_int_equal(nsw_net_add_appearance(net, &a), 0);
			a.account = j;
			a.time = t++;
			assert_int_equal(nsw_net_add_appearance(net, &a), 0);
		}
	}
	return net;
}

static void communities_split_two_clusters(void **state)
{
	nsw_network *net = two_clusters();
	uint32_t i;
	int32_t c0, c1;

	(void)state;
	assert_int_equal(nsw_net_analyze(net, NULL), 0);
	c0 = nsw_net_account(net, 0)->community;
	c1 = nsw_net_account(net, 15)->community;
	assert_true(c0 >= 0 && c1 >= 0);
	assert_int_not_equal(c0, c1);
	for (i = 0; i < 16; i++)
		assert_int_equal(nsw_net_account(net, i)->community,
				 i < 8 ? c0 : c1);
	assert_int_equal(nsw_net_community_count(net), 2);
	assert_true(nsw_net_modularity(net) > 0.3);
	/* Exact (16 <= 64 samples): 7 and 8 carry every cross path:
	 * 7 lies on the 7 x 8 paths from 0..6 to 8..15. */
	assert_near(nsw_net_account(net, 7)->betweenness, 56.0, 1e-9);
	assert_near(nsw_net_account(net, 8)->betweenness, 56.0, 1e-9);
	assert_near(nsw_net_account(net, 0)->betweenness, 0.0, 1e-9);
	nsw_net_free(net);
}

static void betweenness_sample_estimates_exact(void **state)
{
	nsw_network *exact = two_clusters(), *est = two_clusters();
	nsw_net_options opt;
	double sum_exact = 0, sum_est = 0;
	uint32_t i;

	(void)state;
	nsw_net_options_default(&opt);
	assert_int_equal(nsw_net_analyze(exact, &opt), 0);
	opt.betweenness_samples = 8; /* half the vertices */
	assert_int_equal(nsw_net_analyze(est, &opt), 0);
	for (i = 0; i < 16; i++) {
		sum_exact += nsw_net_account(exact, i)->betweenness;
		sum_est += nsw_net_account(est, i)->betweenness;
	}
	/* Scaled by n / k the total is unbiased; with 8 of 16 sources on
	 * this symmetric graph it lands within 25%. */
	assert_true(fabs(sum_est - sum_exact) <= 0.25 * sum_exact);
	nsw_net_free(exact);
	nsw_net_free(est);
}

/* ---- random network against a brute-force oracle ----------------------- */

#define R_ACC 120
#define R_CHAT 12
#define R_ITEM 90
#define R_APP 2500

static uint64_t rng = 88172645463325252ull;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

/* a before b in the documented spread order */
static int before(const nsw_network *net, uint32_t a, uint32_t b)
{
	const nsw_net_appearance *x = nsw_net_appearance_get(net, a);
	const nsw_net_appearance *y = nsw_net_appearance_get(net, b);

	if (x->time != y->time)
		return x->time < y->time;
	if (x->message_id != y->message_id)
		return x->message_id < y->message_id;
	return a < b;
}

static void random_network_matches_oracle(void **state)
{
	static uint8_t flow[R_ACC][R_ACC], acc_chat[R_ACC][R_CHAT];
	static uint8_t acc_item[R_ACC][R_ITEM];
	nsw_network *net = NULL;
	char key[32];
	uint32_t i, j, k, idx;

	(void)state;
	memset(flow, 0, sizeof(flow));
	memset(acc_chat, 0, sizeof(acc_chat));
	memset(acc_item, 0, sizeof(acc_item));
	assert_int_equal(nsw_net_new(&net), 0);
	for (i = 0; i < R_ACC; i++) {
		snprintf(key, sizeof(key), "a%u", i);
		assert_int_equal(
			nsw_net_add_account(net, &idx, key, NULL, NULL), 0);
	}
	for (i = 0; i < R_CHAT; i++) {
		snprintf(key, sizeof(key), "c%u", i);
		assert_int_equal(nsw_net_add_chat(net, &idx, key, NULL), 0);
	}
	for (i = 0; i < R_ITEM; i++) {
		snprintf(key, sizeof(key), "i%u", i);
		assert_int_equal(nsw_net_add_item(net, &idx, key, i % 3 == 0,
						  "s", i % 2 ? "x" : "y", "L"),
				 0);
	}
	for (i = 0; i < R_APP; i++) {
		/* Chat 0 is big (over the co-post window); times collide. */
		nsw_net_appearance a = {rnd(R_ITEM), i % 4 ? rnd(R_CHAT) : 0,
					rnd(R_ACC),  NSW_NET_NONE,
					rnd(400),    rnd(50),
					NSW_NET_POST};

		if (rnd(3) == 0) {
			a.kind = NSW_NET_FORWARD;
			a.forwarded_from = rnd(4) ? rnd(R_ACC) : NSW_NET_NONE;
		}
		assert_int_equal(nsw_net_add_appearance(net, &a), 0);
		acc_chat[a.account][a.chat] = 1;
		acc_item[a.account][a.item] = 1;
		if (a.kind == NSW_NET_FORWARD &&
		    a.forwarded_from != NSW_NET_NONE &&
		    a.forwarded_from != a.account)
			flow[a.account][a.forwarded_from] = 1;
	}
	assert_int_equal(nsw_net_analyze(net, NULL), 0);

	/* Items: the spread is exactly its appearances, in order. */
	size_t total = 0;
	for (i = 0; i < R_ITEM; i++) {
		const nsw_net_item_info *it = nsw_net_item(net, i);
		uint32_t n = 0, first = NSW_NET_NONE, n_acc = 0, n_ch = 0;
		uint8_t seen_a[R_ACC] = {0}, seen_c[R_CHAT] = {0};

		for (j = 0; j < R_APP; j++) {
			const nsw_net_appearance *a =
				nsw_net_appearance_get(net, j);

			if (a->item != i)
				continue;
			n++;
			if (first == NSW_NET_NONE || before(net, j, first))
				first = j;
			n_acc += !seen_a[a->account];
			seen_a[a->account] = 1;
			n_ch += !seen_c[a->chat];
			seen_c[a->chat] = 1;
		}
		total += it->n_spread;
		assert_int_equal(it->n_spread, n);
		for (j = 1; j < it->n_spread; j++)
			assert_true(
				before(net, it->spread[j - 1], it->spread[j]));
		for (j = 0; j < it->n_spread; j++)
			assert_int_equal(
				nsw_net_appearance_get(net, it->spread[j])
					->item,
				i);
		if (n == 0)
			continue;
		assert_int_equal(it->spread[0], first);
		assert_int_equal(it->first_poster,
				 nsw_net_appearance_get(net, first)->account);
		assert_int_equal(it->n_resharers, n_acc - 1);
		assert_int_equal(it->n_chats, n_ch);
		for (j = 0; j < it->n_resharers; j++)
			flow[it->resharers[j]][it->first_poster] = 1;
	}
	assert_int_equal(total, R_APP);

	/* Accounts: counts and flow degrees. */
	for (i = 0; i < R_ACC; i++) {
		const nsw_net_account_info *ac = nsw_net_account(net, i);
		uint32_t posts = 0, known = 0, items = 0, chats = 0;
		uint32_t out = 0, in = 0;

		for (j = 0; j < R_APP; j++) {
			const nsw_net_appearance *a =
				nsw_net_appearance_get(net, j);

			if (a->account != i)
				continue;
			posts++;
			known += a->item % 3 == 0;
		}
		for (k = 0; k < R_ITEM; k++)
			items += acc_item[i][k] && k % 3 == 0;
		for (k = 0; k < R_CHAT; k++)
			chats += acc_chat[i][k];
		for (k = 0; k < R_ACC; k++) {
			out += flow[i][k];
			in += flow[k][i];
		}
		assert_int_equal(ac->posts, posts);
		assert_int_equal(ac->known_posts, known);
		assert_int_equal(ac->known_items, items);
		assert_int_equal(ac->chats_active, chats);
		assert_int_equal(ac->out_degree, out);
		assert_int_equal(ac->in_degree, in);
		assert_true(ac->community >= 0);
		assert_true(ac->betweenness >= 0);
	}

	/* Betweenness: 120 accounts <= the default sample, so our Brandes is
	 * exact and must agree with igraph's exact betweenness. */
	{
		static uint32_t src[R_ACC * R_ACC], dst[R_ACC * R_ACC];
		static double w[R_ACC * R_ACC], want[R_ACC];
		nsw_net__edges und = {src, dst, w, net->n_und};
		double top = 0;

		assert_true(net->n_und <= R_ACC * R_ACC);
		for (k = 0; k < net->n_und; k++) {
			src[k] = net->und[k].a;
			dst[k] = net->und[k].b;
			w[k] = 1;
		}
		assert_int_equal(
			nsw_net__graph_betweenness_exact(want, &und, R_ACC), 0);
		for (k = 0; k < R_ACC; k++) {
			assert_near(nsw_net_account(net, k)->betweenness,
				    want[k], 1e-6 * (1 + want[k]));
			top = want[k] > top ? want[k] : top;
		}
		assert_true(top > 0);
		assert_int_equal(nsw_net_get_stats(net)->betweenness_sources,
				 R_ACC);
	}

	/* Chats: active accounts and bridged chats. */
	for (i = 0; i < R_CHAT; i++) {
		const nsw_net_chat_info *ch = nsw_net_chat(net, i);
		uint32_t active = 0, bridged = 0, shared;

		for (k = 0; k < R_ACC; k++)
			active += acc_chat[k][i];
		for (j = 0; j < R_CHAT; j++) {
			if (j == i)
				continue;
			shared = 0;
			for (k = 0; k < R_ACC; k++)
				shared += acc_chat[k][i] && acc_chat[k][j];
			bridged += shared > 0;
			for (k = 0; k < ch->n_bridges; k++)
				if (ch->bridges[k].chat == j)
					assert_int_equal(
						ch->bridges[k].shared_accounts,
						shared);
		}
		assert_int_equal(ch->active_accounts, active);
		assert_int_equal(ch->bridged_chats, bridged);
		for (k = 1; k < ch->n_bridges; k++)
			assert_true(ch->bridges[k - 1].shared_accounts >=
				    ch->bridges[k].shared_accounts);
	}
	nsw_net_free(net);
}

/* Every allocation of the analysis failing in turn gives NSW_ENOMEM (or
 * success once past the last), never a crash or a leak (ASan build). */
static void analysis_survives_allocation_failures(void **state)
{
	unsigned long n;
	int ok = 0;

	(void)state;
	for (n = 1; n < 400 && !ok; n++) {
		nsw_network *net = build_small();
		int rc;

		nsw__alloc_fail_after(n, 1);
		rc = nsw_net_analyze(net, NULL);
		nsw__alloc_fail_after(0, 0);
		if (rc == 0) {
			ok = 1;
			assert_int_equal(nsw_net_suspect_count(net), 5);
		} else {
			assert_int_equal(rc, NSW_ENOMEM);
			assert_null(nsw_net_account(net, 0));
		}
		nsw_net_free(net);
	}
	assert_true(ok);
}

/* ---- export ------------------------------------------------------------ */

typedef struct xml_count {
	size_t nodes, edges, reshare;
	int in_type;
	char seed_label[128];
	int in_seed_label;
} xml_count;

static void XMLCALL start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	xml_count *c = ud;
	size_t i;

	if (strcmp(name, "node") == 0)
		c->nodes++;
	if (strcmp(name, "edge") == 0)
		c->edges++;
	c->in_type = 0;
	c->in_seed_label = 0;
	for (i = 0; atts[i]; i += 2) {
		if (strcmp(name, "data") == 0 && strcmp(atts[i], "key") == 0 &&
		    strcmp(atts[i + 1], "e0") == 0)
			c->in_type = 1;
		if (strcmp(name, "data") == 0 && strcmp(atts[i], "key") == 0 &&
		    strcmp(atts[i + 1], "n2") == 0 && c->nodes == 1)
			c->in_seed_label = 1;
		/* GEXF: the edge type is the label attribute. */
		if (strcmp(name, "edge") == 0 &&
		    strcmp(atts[i], "label") == 0 &&
		    strcmp(atts[i + 1], "reshare") == 0)
			c->reshare++;
	}
}

static void XMLCALL end(void *ud, const XML_Char *name)
{
	xml_count *c = ud;

	(void)name;
	c->in_type = 0;
	c->in_seed_label = 0;
}

static void XMLCALL text(void *ud, const XML_Char *s, int len)
{
	xml_count *c = ud;
	size_t have = strlen(c->seed_label);

	if (c->in_type && len == 7 && memcmp(s, "reshare", 7) == 0)
		c->reshare++;
	if (c->in_seed_label && have + (size_t)len < sizeof(c->seed_label))
		memcpy(c->seed_label + have, s, (size_t)len);
}

static void parse_export(xml_count *c, int gexf)
{
	nsw_network *net = analysed_small();
	char *doc = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&doc, &len);
	XML_Parser p = XML_ParserCreate("UTF-8");

	assert_non_null(f);
	assert_non_null(p);
	if (gexf)
		assert_int_equal(nsw_net_write_gexf(net, f), 0);
	else
		assert_int_equal(nsw_net_write_graphml(net, f), 0);
	fclose(f);
	memset(c, 0, sizeof(*c));
	XML_SetUserData(p, c);
	XML_SetElementHandler(p, start, end);
	XML_SetCharacterDataHandler(p, text);
	if (XML_Parse(p, doc, (int)len, 1) != XML_STATUS_OK)
		fail_msg("not XML: %s at line %lu",
			 XML_ErrorString(XML_GetErrorCode(p)),
			 (unsigned long)XML_GetCurrentLineNumber(p));
	XML_ParserFree(p);
	free(doc);
	nsw_net_free(net);
}

/*
 * 6 accounts + 3 chats + 4 items = 13 nodes. Edges: 5 reshare (D1->S,
 * D2->S, M2->S, M2->M1, X->M1) + 3 forward (D1->S, D2->D1, M2->M1) + 5
 * copost (G1: S-D1, S-X, D1-X; G2: M1-D1; G3: M2-D2) + 7 active_in + 11
 * posted (account, item pairs) + 10 appeared_in (item, chat pairs) = 41.
 */
static void graphml_parses_with_expected_counts(void **state)
{
	xml_count c;

	(void)state;
	parse_export(&c, 0);
	assert_int_equal(c.nodes, 13);
	assert_int_equal(c.edges, 41);
	assert_int_equal(c.reshare, 5);
	/* Escaped on the way out, the invalid byte replaced by U+FFFD. */
	assert_string_equal(c.seed_label, "<seed & \"co\">\xEF\xBF\xBD");
}

static void gexf_parses_with_expected_counts(void **state)
{
	xml_count c;

	(void)state;
	parse_export(&c, 1);
	assert_int_equal(c.nodes, 13);
	assert_int_equal(c.edges, 41);
	assert_int_equal(c.reshare, 5);
}

static void export_refuses_unanalysed_network(void **state)
{
	nsw_network *net = build_small();

	(void)state;
	assert_int_equal(nsw_net_write_graphml(net, stdout), NSW_EINVAL);
	nsw_net_free(net);
}

/* ---- PDQ clustering -------------------------------------------------- */

static void flip_bits(nsw_pdq_hash *h, int from, int count)
{
	for (int b = from; b < from + count; b++)
		h->bytes[b / 8] ^= (uint8_t)(1u << (b % 8));
}

static void pdq_clusters_are_transitive(void **state)
{
	nsw_pdq_hash h[4];
	uint32_t cluster[4];
	size_t n = 0;

	(void)state;
	memset(h, 0, sizeof(h));
	flip_bits(&h[1], 0, 10); /* d(0,1) = 10 */
	h[2] = h[1];
	flip_bits(&h[2], 100, 25); /* d(1,2) = 25, d(0,2) = 35 */
	memset(&h[3], 0xff, sizeof(h[3]));
	assert_int_equal(nsw_net_cluster_pdq(cluster, &n, h, 4, 31), 0);
	assert_int_equal(n, 2);
	assert_int_equal(cluster[0], 0);
	assert_int_equal(cluster[1], 0);
	assert_int_equal(cluster[2], 0); /* via 1, though 35 from 0 */
	assert_int_equal(cluster[3], 3);
	assert_int_equal(nsw_net_cluster_pdq(cluster, &n, h, 4, 5), 0);
	assert_int_equal(n, 4);
	assert_int_equal(nsw_net_cluster_pdq(cluster, &n, h, 4, 257),
			 NSW_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(spread_is_time_ordered_with_first_poster),
		cmocka_unit_test(account_figures_match_hand_count),
		cmocka_unit_test(chat_shares_and_bridges),
		cmocka_unit_test(suspects_ranked_by_documented_terms),
		cmocka_unit_test(builder_is_read_only_after_analysis),
		cmocka_unit_test(rejects_appearance_with_unknown_ids),
		cmocka_unit_test(refuses_graph_over_vertex_limit),
		cmocka_unit_test(refuses_graph_over_edge_limit),
		cmocka_unit_test(igraph_error_is_returned_not_aborted),
		cmocka_unit_test(communities_split_two_clusters),
		cmocka_unit_test(betweenness_sample_estimates_exact),
		cmocka_unit_test(random_network_matches_oracle),
		cmocka_unit_test(analysis_survives_allocation_failures),
		cmocka_unit_test(graphml_parses_with_expected_counts),
		cmocka_unit_test(gexf_parses_with_expected_counts),
		cmocka_unit_test(export_refuses_unanalysed_network),
		cmocka_unit_test(pdq_clusters_are_transitive),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
