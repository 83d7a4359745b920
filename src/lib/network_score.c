/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The suspect list: a linear score of named, documented terms
 * (docs/scoring.md), each returned with its raw value, transform, weight
 * and contribution, and the appearances, items and lists behind it.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "limits.h"
#include "network_internal.h"

/* The weights are policy: change them only with docs/scoring.md. */
static const struct {
	const char *name;
	double weight;
} terms[NSW_NET_TERM_COUNT] = {
	[NSW_NET_TERM_KNOWN_ITEMS] = {"known_items", 3.0},
	[NSW_NET_TERM_KNOWN_POSTS] = {"known_posts", 1.0},
	[NSW_NET_TERM_KNOWN_SEEDED] = {"known_seeded", 4.0},
	[NSW_NET_TERM_NEW_SEEDED_RESHARED] = {"new_seeded_reshared", 2.0},
	[NSW_NET_TERM_RESHARED_BY] = {"reshared_by", 1.5},
	[NSW_NET_TERM_KNOWN_CHATS] = {"known_chats", 1.0},
	[NSW_NET_TERM_PAGERANK] = {"pagerank", 1.0},
	[NSW_NET_TERM_BETWEENNESS] = {"betweenness", 1.0},
};

const char *nsw_net_term_name(nsw_net_term_id term)
{
	if ((unsigned)term >= NSW_NET_TERM_COUNT)
		return "?";
	return terms[term].name;
}

double nsw_net_term_weight(nsw_net_term_id term)
{
	if ((unsigned)term >= NSW_NET_TERM_COUNT)
		return 0.0;
	return terms[term].weight;
}

static void set_term(nsw_net_suspect *s, nsw_net_term_id id, double raw,
		     double value)
{
	nsw_net_term *t = &s->terms[id];

	t->name = terms[id].name;
	t->raw = raw;
	t->value = value;
	t->weight = terms[id].weight;
	t->contribution = t->weight * value;
	s->score += t->contribution;
}

/* Counts are compressed with log2(1 + x): the 100th item adds less than
 * the first, so no single term swamps the others. */
static double lg(double x)
{
	return log2(1.0 + x);
}

static void score(nsw_net_suspect *s, const nsw_network *net, uint32_t a,
		  double max_bt)
{
	const nsw_net_account_info *ac = &net->account_info[a];
	double n = net->account_keys.count;

	memset(s, 0, sizeof(*s));
	s->account = a;
	set_term(s, NSW_NET_TERM_KNOWN_ITEMS, ac->known_items,
		 lg(ac->known_items));
	set_term(s, NSW_NET_TERM_KNOWN_POSTS, ac->known_posts,
		 lg(ac->known_posts));
	set_term(s, NSW_NET_TERM_KNOWN_SEEDED, ac->known_seeded,
		 lg(ac->known_seeded));
	set_term(s, NSW_NET_TERM_NEW_SEEDED_RESHARED, ac->new_seeded_reshared,
		 lg(ac->new_seeded_reshared));
	set_term(s, NSW_NET_TERM_RESHARED_BY, ac->in_degree, lg(ac->in_degree));
	set_term(s, NSW_NET_TERM_KNOWN_CHATS, net->acct_known_chats[a],
		 lg(net->acct_known_chats[a]));
	set_term(s, NSW_NET_TERM_PAGERANK, ac->pagerank, lg(ac->pagerank * n));
	set_term(s, NSW_NET_TERM_BETWEENNESS, ac->betweenness,
		 max_bt > 0 ? ac->betweenness / max_bt : 0.0);
}

static int by_score(const void *pa, const void *pb)
{
	const nsw_net_suspect *a = pa, *b = pb;

	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	return a->account < b->account ? -1 : a->account > b->account;
}

static int eligible(const nsw_net_account_info *ac)
{
	return ac->known_posts > 0 || ac->new_seeded_reshared > 0;
}

static size_t min_cap(size_t n)
{
	return n < NSW_NET_EVIDENCE_MAX ? n : NSW_NET_EVIDENCE_MAX;
}

/* Seeded-and-re-shared new items per account (CSR over items). */
static int seeded_new_items(uint32_t **start_out, uint32_t **items_out,
			    const nsw_network *net)
{
	uint32_t na = net->account_keys.count, ni = net->item_keys.count, i;
	uint32_t *start = nsw__calloc((size_t)na + 1, sizeof(*start));
	uint32_t *items = nsw__reallocarray(NULL, ni ? ni : 1, sizeof(*items));

	*start_out = start;
	*items_out = items;
	if (start == NULL || items == NULL)
		return NSW_ENOMEM;
	for (i = 0; i < ni; i++) {
		const nsw_net_item_info *it = &net->item_info[i];

		if (!it->known && it->n_resharers > 0)
			start[it->first_poster + 1]++;
	}
	for (i = 0; i < na; i++)
		start[i + 1] += start[i];
	for (i = 0; i < ni; i++) {
		const nsw_net_item_info *it = &net->item_info[i];

		if (!it->known && it->n_resharers > 0)
			items[start[it->first_poster]++] = i;
	}
	for (i = na; i > 0; i--)
		start[i] = start[i - 1];
	start[0] = 0;
	return 0;
}

/* Fill the evidence, items and lists of one suspect from the pools. */
static void fill_evidence(nsw_net_suspect *s, const nsw_network *net,
			  const uint32_t *new_start, const uint32_t *new_items,
			  size_t *n_ev, size_t *n_it, size_t *n_li,
			  uint32_t *stamp)
{
	uint32_t a = s->account, j;
	uint32_t *ev = net->evidence_pool + *n_ev;
	uint32_t *items = net->suspect_item_pool + *n_it;
	const char **lists = net->suspect_list_pool + *n_li;
	size_t ne = 0, nit = 0, nl = 0, total = 0, k;

	for (j = net->acct_app_start[a]; j < net->acct_app_start[a + 1]; j++) {
		uint32_t ai = net->acct_app[j];
		uint32_t item = net->app[ai].item;
		const nsw_net__item_in *in = &net->items_in[item];

		if (!in->known)
			continue;
		total++;
		if (ne < NSW_NET_EVIDENCE_MAX)
			ev[ne++] = ai;
		if (stamp[item] == a)
			continue;
		stamp[item] = a;
		if (nit < NSW_NET_EVIDENCE_MAX)
			items[nit++] = item;
		if (in->list == NULL)
			continue;
		for (k = 0; k < nl; k++)
			if (strcmp(lists[k], in->list) == 0)
				break;
		if (k == nl && nl < NSW_NET_EVIDENCE_MAX)
			lists[nl++] = in->list;
	}
	for (j = new_start[a]; j < new_start[a + 1]; j++) {
		const nsw_net_item_info *it = &net->item_info[new_items[j]];

		total++;
		if (ne < NSW_NET_EVIDENCE_MAX)
			ev[ne++] = it->spread[0];
		if (nit < NSW_NET_EVIDENCE_MAX)
			items[nit++] = new_items[j];
	}
	s->evidence = ev;
	s->n_evidence = ne;
	s->n_evidence_total = total;
	s->items = items;
	s->n_items = nit;
	s->lists = lists;
	s->n_lists = nl;
	*n_ev += ne;
	*n_it += nit;
	*n_li += nl;
}

int nsw_net__compute_suspects(nsw_network *net)
{
	uint32_t na = net->account_keys.count, a, n = 0, r;
	uint32_t *new_start = NULL, *new_items = NULL, *stamp = NULL;
	size_t ev_total = 0, it_total = 0, n_ev = 0, n_it = 0, n_li = 0;
	double max_bt = 0;
	int rc = NSW_ENOMEM;

	for (a = 0; a < na; a++) {
		const nsw_net_account_info *ac = &net->account_info[a];

		if (ac->betweenness > max_bt)
			max_bt = ac->betweenness;
		if (!eligible(ac))
			continue;
		n++;
		ev_total += min_cap((size_t)ac->known_posts +
				    ac->new_seeded_reshared);
		it_total += min_cap((size_t)ac->known_items +
				    ac->new_seeded_reshared);
	}
	net->suspects = nsw__calloc(n ? n : 1, sizeof(*net->suspects));
	net->evidence_pool = nsw__reallocarray(NULL, ev_total ? ev_total : 1,
					       sizeof(uint32_t));
	net->suspect_item_pool = nsw__reallocarray(
		NULL, it_total ? it_total : 1, sizeof(uint32_t));
	net->suspect_list_pool = nsw__reallocarray(
		NULL, it_total ? it_total : 1, sizeof(char *));
	stamp = nsw__reallocarray(NULL, net->item_keys.count + 1,
				  sizeof(*stamp));
	if (!net->suspects || !net->evidence_pool || !net->suspect_item_pool ||
	    !net->suspect_list_pool || !stamp ||
	    seeded_new_items(&new_start, &new_items, net) != 0)
		goto done;
	memset(stamp, 0xff,
	       ((size_t)net->item_keys.count + 1) * sizeof(*stamp));

	n = 0;
	for (a = 0; a < na; a++)
		if (eligible(&net->account_info[a]))
			score(&net->suspects[n++], net, a, max_bt);
	qsort(net->suspects, n, sizeof(*net->suspects), by_score);
	for (r = 0; r < n; r++) {
		net->suspects[r].rank = r + 1;
		fill_evidence(&net->suspects[r], net, new_start, new_items,
			      &n_ev, &n_it, &n_li, stamp);
	}
	net->n_suspects = n;
	rc = 0;
done:
	nsw__free(new_start);
	nsw__free(new_items);
	nsw__free(stamp);
	if (rc != 0)
		return nsw_error_set(rc, "network: no memory for %u suspects",
				     n);
	return 0;
}

void nsw_net__free_suspects(nsw_network *net)
{
	nsw__free(net->suspects);
	nsw__free(net->evidence_pool);
	nsw__free(net->suspect_item_pool);
	nsw__free(net->suspect_list_pool);
	net->suspects = NULL;
	net->evidence_pool = NULL;
	net->suspect_item_pool = NULL;
	net->suspect_list_pool = NULL;
	net->n_suspects = 0;
}
