/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Benchmark of the network analysis at the scale: 1M appearances,
 * 100k accounts, 10k chats, 200k items, with a planted known-material
 * family first posted by a planted seeder and spread by planted
 * distributors over skewed random background traffic. Prints sizes, time
 * and peak RSS per phase, and the rank of the planted seeder.
 *
 * usage: bench_network [appearances [accounts [chats [items]]]]
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "netsweep/network.h"

#define FAMILY 500	   /* planted known family, first posted by SEEDER */
#define DISTRIBUTORS 40	   /* planted accounts forwarding the family */
#define FAMILY_FORWARDS 10 /* forwards of each family item */
#define OTHER_KNOWN 2000   /* other known items in the background */
#define NSW_THREADS 2	   /* the default of nsw_net_options.threads */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double peak_rss_mib(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_maxrss / 1024.0; /* KiB on Linux */
}

static uint64_t rng_state = 0x2545F4914F6CDD1Dull;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static double unif(void)
{
	return (double)(rnd() >> 11) * (1.0 / 9007199254740992.0);
}

/* A skewed index in [0, n): u^power puts more mass near 0. */
static uint32_t skewed(uint32_t n, double power)
{
	uint32_t i = (uint32_t)(pow(unif(), power) * n);

	return i < n ? i : n - 1;
}

static void die(const char *what)
{
	fprintf(stderr, "bench_network: %s: %s\n", what, nsw_error_last());
	exit(1);
}

/* CPU seconds (user + system) of the process so far: under the shared
 * machine's load wall time overstates what the work costs. */
static double cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6 +
	       (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec * 1e-6;
}

static double cpu0;

static void phase(const char *name, double t0)
{
	printf("  %-22s %8.2f s wall %8.2f s CPU   peak RSS %8.1f MiB\n", name,
	       now() - t0, cpu_seconds() - cpu0, peak_rss_mib());
	cpu0 = cpu_seconds();
}

int main(int argc, char **argv)
{
	uint32_t n_app =
		argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 1000000;
	uint32_t n_acc =
		argc > 2 ? (uint32_t)strtoul(argv[2], NULL, 10) : 100000;
	uint32_t n_chat =
		argc > 3 ? (uint32_t)strtoul(argv[3], NULL, 10) : 10000;
	uint32_t n_item =
		argc > 4 ? (uint32_t)strtoul(argv[4], NULL, 10) : 200000;
	uint32_t seeder = n_acc / 3 + 7, seeder_chat = 17;
	uint32_t *last_poster = NULL, i, j, idx, r, seeder_rank = 0;
	char key[64];
	nsw_network *net = NULL;
	nsw_net_appearance a;
	const nsw_net_stats *st;
	double t0, t_all;
	int64_t t = 1000;
	FILE *out;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (n_acc < 1000 || n_chat < 100 || n_item < FAMILY + OTHER_KNOWN + 1 ||
	    n_app < FAMILY * (FAMILY_FORWARDS + 1)) {
		fprintf(stderr, "bench_network: sizes too small\n");
		return 2;
	}
	printf("bench_network: %u appearances, %u accounts, %u chats, %u "
	       "items (family of %d known items seeded by one account, "
	       "%d distributors; %d other known items in the background)\n",
	       n_app, n_acc, n_chat, n_item, FAMILY, DISTRIBUTORS, OTHER_KNOWN);
	printf("  machine: 2 cores shared with other engineers: times are "
	       "noisy\n");

	t_all = t0 = now();
	if (nsw_net_new(&net) != 0)
		die("new");
	for (i = 0; i < n_acc; i++) {
		snprintf(key, sizeof(key), "user%u", 100000000u + i);
		if (nsw_net_add_account(net, &idx, key, NULL, NULL) != 0)
			die("account");
	}
	for (i = 0; i < n_chat; i++) {
		snprintf(key, sizeof(key), "chat%u", i);
		if (nsw_net_add_chat(net, &idx, key, key) != 0)
			die("chat");
	}
	/* Items 0..FAMILY-1: the planted family; then other known items;
	 * the rest unlisted. */
	for (i = 0; i < n_item; i++) {
		int known = i < FAMILY + OTHER_KNOWN;

		snprintf(key, sizeof(key), "sha256:%016llx%08x",
			 (unsigned long long)(rnd() | 1), i);
		if (nsw_net_add_item(net, &idx, key, known,
				     known ? "vics-default" : NULL,
				     i < FAMILY ? "1"
				     : known	? "2"
						: NULL,
				     known ? "bench-list" : NULL) != 0)
			die("item");
	}
	last_poster = calloc(n_item, sizeof(*last_poster));
	if (last_poster == NULL)
		die("calloc");
	for (i = 0; i < n_item; i++)
		last_poster[i] = UINT32_MAX;

	/* The planted seeder posts the family first, in one chat. */
	for (i = 0; i < FAMILY; i++) {
		a = (nsw_net_appearance){
			i, seeder_chat, seeder,	     NSW_NET_NONE,
			t, t,		NSW_NET_POST};
		t++;
		if (nsw_net_add_appearance(net, &a) != 0)
			die("appearance");
		last_poster[i] = seeder;
	}
	/* Distributors forward each family item into other chats, mostly
	 * from the seeder, sometimes from each other. */
	for (i = 0; i < FAMILY; i++) {
		for (j = 0; j < FAMILY_FORWARDS; j++) {
			uint32_t d =
				1000 + (uint32_t)(rnd() % DISTRIBUTORS) * 7;
			uint32_t from = (rnd() % 4) ? seeder : last_poster[i];

			a = (nsw_net_appearance){
				i,
				(uint32_t)(rnd() % n_chat),
				d,
				from == d ? seeder : from,
				t + 3600 + (int64_t)(rnd() % 86400),
				(int64_t)n_app + i * FAMILY_FORWARDS + j,
				NSW_NET_FORWARD};
			if (nsw_net_add_appearance(net, &a) != 0)
				die("appearance");
			last_poster[i] = d;
		}
	}
	/* Background: skewed accounts in a few home chats each (skewed
	 * chat sizes), skewed item popularity, 30% forwards. */
	r = nsw_net_appearance_count(net);
	for (i = r; i < n_app; i++) {
		uint32_t acc = skewed(n_acc, 1.5);
		uint32_t home =
			(uint32_t)((acc * 2654435761u + (rnd() % 3) * 40503u) %
				   n_chat);
		uint32_t chat = unif() < 0.7 ? skewed(n_chat, 2.0) : home;
		uint32_t item =
			unif() < 0.01
				? FAMILY + (uint32_t)(rnd() % OTHER_KNOWN)
				: FAMILY + OTHER_KNOWN +
					  skewed(n_item - FAMILY - OTHER_KNOWN,
						 2.0);
		int fwd = unif() < 0.3 && last_poster[item] != UINT32_MAX &&
			  last_poster[item] != acc;

		t += 1 + (int64_t)(rnd() % 30);
		a = (nsw_net_appearance){item,
					 chat,
					 acc,
					 fwd ? last_poster[item] : NSW_NET_NONE,
					 t,
					 (int64_t)i,
					 fwd ? NSW_NET_FORWARD : NSW_NET_POST};
		if (nsw_net_add_appearance(net, &a) != 0)
			die("appearance");
		last_poster[item] = acc;
	}
	free(last_poster);
	phase("generate + build", t0);

	t0 = now();
	if (nsw_net_analyze(net, NULL) != 0)
		die("analyze");
	st = nsw_net_get_stats(net);
	printf("  analyze phases (wall): tables %.2f s, edges %.2f s, graph "
	       "%.2f s = PageRank %.2f s + communities %.2f s alongside "
	       "betweenness %.2f s (%u sources, %u threads), suspects %.2f "
	       "s\n",
	       st->seconds_tables, st->seconds_edges, st->seconds_graph,
	       st->seconds_pagerank, st->seconds_communities,
	       st->seconds_betweenness, st->betweenness_sources, NSW_THREADS,
	       st->seconds_suspects);
	printf("  graph CPU: PageRank %.2f s, communities %.2f s (calling "
	       "thread), betweenness %.2f s (sum of workers)\n",
	       st->cpu_pagerank, st->cpu_communities, st->cpu_betweenness);
	printf("  account graph: %llu directed pairs, %llu undirected pairs "
	       "(%llu raw records), %u communities, modularity %.3f\n",
	       (unsigned long long)st->flow_edges,
	       (unsigned long long)st->undirected_edges,
	       (unsigned long long)st->raw_edge_records,
	       nsw_net_community_count(net), nsw_net_modularity(net));
	phase("analyze (total)", t0);

	t0 = now();
	out = fopen("/dev/null", "w");
	if (out == NULL || nsw_net_write_graphml(net, out) != 0)
		die("graphml");
	fclose(out);
	phase("GraphML to /dev/null", t0);

	for (r = 0; r < nsw_net_suspect_count(net); r++)
		if (nsw_net_suspect_get(net, r)->account == seeder)
			seeder_rank = r + 1;
	printf("  suspects: %u; planted seeder user%u rank %u (%s)\n",
	       nsw_net_suspect_count(net), 100000000u + seeder, seeder_rank,
	       seeder_rank == 1 ? "TOP" : "NOT TOP");
	for (r = 0; r < 5 && r < nsw_net_suspect_count(net); r++) {
		const nsw_net_suspect *s = nsw_net_suspect_get(net, r);
		const nsw_net_account_info *ac =
			nsw_net_account(net, s->account);

		printf("    #%u %s score %.2f known_items %u known_seeded %u "
		       "reshared_by %u\n",
		       s->rank, ac->key, s->score, ac->known_items,
		       ac->known_seeded, ac->in_degree);
	}
	nsw_net_free(net);
	printf("  total %.2f s, peak RSS %.1f MiB (goal: analyze < 60 s, "
	       "< 4096 MiB)\n",
	       now() - t_all, peak_rss_mib());
	return seeder_rank == 1 ? 0 : 1;
}
