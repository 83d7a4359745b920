/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Accuracy and cost of the sampled betweenness against the exact value
 * measured in the same run, on a random network small enough for exact
 * betweenness: relative error on the top accounts and top-10 overlap for
 * several sample sizes, and the time ratio to exact.
 *
 * usage: bench_betweenness [appearances [accounts [chats]]]
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netsweep/network.h"

#define TOP 30

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static double unif(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	z ^= z >> 31;
	return (double)(z >> 11) * (1.0 / 9007199254740992.0);
}

static uint32_t skewed(uint32_t n, double power)
{
	uint32_t i = (uint32_t)(pow(unif(), power) * n);

	return i < n ? i : n - 1;
}

/* The same network for every run: the generator is reseeded. */
static nsw_network *build(uint32_t n_app, uint32_t n_acc, uint32_t n_chat)
{
	nsw_network *net = NULL;
	uint32_t n_item = n_app / 5, i, idx;
	char key[32];

	rng_state = 0x9E3779B97F4A7C15ull;
	if (nsw_net_new(&net) != 0)
		return NULL;
	for (i = 0; i < n_acc; i++) {
		snprintf(key, sizeof(key), "a%u", i);
		nsw_net_add_account(net, &idx, key, NULL, NULL);
	}
	for (i = 0; i < n_chat; i++) {
		snprintf(key, sizeof(key), "c%u", i);
		nsw_net_add_chat(net, &idx, key, NULL);
	}
	for (i = 0; i < n_item; i++) {
		snprintf(key, sizeof(key), "i%u", i);
		nsw_net_add_item(net, &idx, key, i < 50, NULL, NULL, "L");
	}
	for (i = 0; i < n_app; i++) {
		uint32_t acc = skewed(n_acc, 1.5);
		uint32_t home = (acc * 2654435761u) % n_chat;
		nsw_net_appearance a = {skewed(n_item, 2.0),
					unif() < 0.6 ? skewed(n_chat, 2.0)
						     : home,
					acc,
					NSW_NET_NONE,
					i,
					i,
					NSW_NET_POST};

		if (nsw_net_add_appearance(net, &a) != 0) {
			nsw_net_free(net);
			return NULL;
		}
	}
	return net;
}

static const double *betweenness_of(const nsw_network *net, double *out)
{
	uint32_t i;

	for (i = 0; i < nsw_net_account_count(net); i++)
		out[i] = nsw_net_account(net, i)->betweenness;
	return out;
}

static const double *sort_key;

static int by_key_desc(const void *a, const void *b)
{
	double x = sort_key[*(const uint32_t *)a];
	double y = sort_key[*(const uint32_t *)b];

	return x > y ? -1 : x < y;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	uint32_t n_app =
		argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 30000;
	uint32_t n_acc = argc > 2 ? (uint32_t)strtoul(argv[2], NULL, 10) : 3000;
	uint32_t n_chat = argc > 3 ? (uint32_t)strtoul(argv[3], NULL, 10) : 300;
	static const uint32_t samples[] = {16, 64, 256};
	uint32_t *order_exact = NULL, *order_est = NULL, i, s, k;
	double *exact = NULL, *est = NULL, t_exact, errs[TOP];
	nsw_net_options opt;
	nsw_network *net;

	if (n_acc < 2 * TOP || n_chat < 2 || n_app < 10) {
		fprintf(stderr, "bench_betweenness: sizes too small\n");
		return 2;
	}
	exact = calloc(n_acc, sizeof(*exact));
	est = calloc(n_acc, sizeof(*est));
	order_exact = calloc(n_acc, sizeof(*order_exact));
	order_est = calloc(n_acc, sizeof(*order_est));
	if (!exact || !est || !order_exact || !order_est)
		return 1;
	nsw_net_options_default(&opt);
	opt.betweenness_samples = 0; /* exact */
	net = build(n_app, n_acc, n_chat);
	if (net == NULL || nsw_net_analyze(net, &opt) != 0) {
		fprintf(stderr, "bench_betweenness: %s\n", nsw_error_last());
		return 1;
	}
	betweenness_of(net, exact);
	t_exact = nsw_net_get_stats(net)->seconds_betweenness;
	printf("bench_betweenness: %u appearances, %u accounts, %u chats; "
	       "account graph %llu undirected pairs\n",
	       n_app, n_acc, n_chat,
	       (unsigned long long)nsw_net_get_stats(net)->undirected_edges);
	printf("  baseline: exact betweenness %.3f s\n", t_exact);
	nsw_net_free(net);
	for (i = 0; i < n_acc; i++)
		order_exact[i] = order_est[i] = i;
	sort_key = exact;
	qsort(order_exact, n_acc, sizeof(*order_exact), by_key_desc);

	for (s = 0; s < sizeof(samples) / sizeof(samples[0]); s++) {
		double t, max_err = 0, overlap = 0;

		opt.betweenness_samples = samples[s];
		opt.seed = 1000 + s;
		net = build(n_app, n_acc, n_chat);
		if (net == NULL || nsw_net_analyze(net, &opt) != 0) {
			fprintf(stderr, "bench_betweenness: %s\n",
				nsw_error_last());
			return 1;
		}
		betweenness_of(net, est);
		t = nsw_net_get_stats(net)->seconds_betweenness;
		nsw_net_free(net);
		for (i = 0; i < TOP; i++) {
			uint32_t a = order_exact[i];

			errs[i] = exact[a] > 0
					  ? fabs(est[a] - exact[a]) / exact[a]
					  : 0;
			if (errs[i] > max_err)
				max_err = errs[i];
		}
		qsort(errs, TOP, sizeof(errs[0]), cmp_double);
		for (i = 0; i < n_acc; i++)
			order_est[i] = i;
		sort_key = est;
		qsort(order_est, n_acc, sizeof(*order_est), by_key_desc);
		for (i = 0; i < 10; i++)
			for (k = 0; k < 10; k++)
				overlap += order_est[i] == order_exact[k];
		printf("  k=%-4u %.3f s (ratio %.3f of exact): top-%d accounts "
		       "relative error median %.1f%%, max %.1f%%; top-10 "
		       "overlap %.0f/10\n",
		       samples[s], t, t_exact > 0 ? t / t_exact : 0.0, TOP,
		       100 * errs[TOP / 2], 100 * max_err, overlap);
	}
	free(exact);
	free(est);
	free(order_exact);
	free(order_est);
	return 0;
}
