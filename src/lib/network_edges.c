/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The account graph: re-share, forward and co-post edges merged into a
 * directed flow graph (A -> B: A re-shared or forwarded what B posted) and
 * an undirected weighted projection; then PageRank, betweenness and
 * communities through network_graph.c. See docs/network.md.
 */
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "limits.h"
#include "network_graph.h"
#include "network_internal.h"

/*
 * Raw edge records are packed in one uint64 so a radix sort groups them:
 * bits 40..63 the first account, 16..39 the second, 0..15 the type.
 * Accounts are < NSW_NET_ENTITIES_MAX <= 2^24, checked at compile time.
 */
_Static_assert(NSW_NET_ENTITIES_MAX <= (1u << 24), "accounts fit 24 bits");

enum edge_type {
	T_RESHARE = 0,
	T_FORWARD = 1,
	T_COPOST = 2
};

static uint64_t pack(uint32_t a, uint32_t b, enum edge_type t)
{
	return ((uint64_t)a << 40) | ((uint64_t)b << 16) | (uint64_t)t;
}

void nsw_net__radix_sort(uint64_t *keys, uint64_t *tmp, size_t n)
{
	size_t count[1u << 11]; /* 11-bit digits: 6 passes, 16 KiB stack */
	uint64_t *src = keys, *dst = tmp, *t;
	unsigned shift;
	size_t i;

	for (shift = 0; shift < 64; shift += 11) {
		size_t sum = 0;

		memset(count, 0, sizeof(count));
		for (i = 0; i < n; i++)
			count[(src[i] >> shift) & 0x7ff]++;
		if (n == 0 || count[(src[0] >> shift) & 0x7ff] == n)
			continue; /* every key has this digit: nothing moves */
		for (i = 0; i < (1u << 11); i++) {
			size_t c = count[i];

			count[i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			dst[count[(src[i] >> shift) & 0x7ff]++] = src[i];
		t = src;
		src = dst;
		dst = t;
	}
	if (src != keys)
		memcpy(keys, src, n * sizeof(*keys));
}

/* Merge sorted records into edges with per-type weights. */
static int merge(nsw_net__edge **out, size_t *n_out, const uint64_t *keys,
		 size_t n)
{
	size_t i, m = 0;
	nsw_net__edge *e;

	*out = NULL;
	*n_out = 0;
	for (i = 0; i < n; i++)
		if (i == 0 || (keys[i] >> 16) != (keys[i - 1] >> 16))
			m++;
	e = nsw__calloc(m ? m : 1, sizeof(*e));
	if (e == NULL)
		return NSW_ENOMEM;
	m = 0;
	for (i = 0; i < n; i++) {
		nsw_net__edge *cur;

		if (i == 0 || (keys[i] >> 16) != (keys[i - 1] >> 16)) {
			cur = &e[m++];
			cur->a = (uint32_t)(keys[i] >> 40);
			cur->b = (uint32_t)((keys[i] >> 16) & 0xffffff);
		}
		cur = &e[m - 1];
		switch ((enum edge_type)(keys[i] & 0xffff)) {
		case T_RESHARE:
			cur->reshare += 1;
			break;
		case T_FORWARD:
			cur->forward += 1;
			break;
		case T_COPOST:
			cur->copost += 1;
			break;
		}
	}
	*out = e;
	*n_out = m;
	return 0;
}

/* Co-post pairs of one chat: all pairs, or a window (limits.h). */
static size_t copost_pairs(uint32_t m, uint32_t full_max, uint32_t window)
{
	if (m <= full_max)
		return (size_t)m * (m - (m > 0)) / 2;
	return (size_t)m * window; /* an upper bound */
}

/* Raw records: re-share and forward (directed) into `flow`. */
static size_t flow_records(uint64_t *keys, const nsw_network *net)
{
	size_t n = 0, j;
	uint32_t i;

	for (i = 0; i < net->item_keys.count; i++) {
		const nsw_net_item_info *it = &net->item_info[i];

		for (j = 0; j < it->n_resharers; j++)
			keys[n++] = pack(it->resharers[j], it->first_poster,
					 T_RESHARE);
	}
	for (i = 0; i < net->n_app; i++) {
		const nsw_net_appearance *a = &net->app[i];

		if (a->kind == NSW_NET_FORWARD &&
		    a->forwarded_from != NSW_NET_NONE &&
		    a->forwarded_from != a->account)
			keys[n++] =
				pack(a->account, a->forwarded_from, T_FORWARD);
	}
	return n;
}

/* Raw co-post records (undirected, smaller account first). */
static size_t copost_records(uint64_t *keys, const nsw_network *net)
{
	uint32_t c, full = net->opt.copost_full_max;
	uint32_t win = net->opt.copost_window;
	size_t n = 0;

	for (c = 0; c < net->chat_keys.count; c++) {
		const uint32_t *acc =
			net->chat_accts + net->chat_accts_start[c];
		uint32_t m =
			net->chat_accts_start[c + 1] - net->chat_accts_start[c];
		uint32_t i, j, end;

		for (i = 0; i < m; i++) {
			end = m <= full ? m
					: (i + 1 + win < m ? i + 1 + win : m);
			for (j = i + 1; j < end; j++) {
				uint32_t a = acc[i], b = acc[j];

				keys[n++] = a < b ? pack(a, b, T_COPOST)
						  : pack(b, a, T_COPOST);
			}
		}
	}
	return n;
}

/* Split merged edges into the parallel arrays the graph code wants. */
static int edge_arrays(nsw_net__edges *out, uint32_t **src, uint32_t **dst,
		       double **w, const nsw_net__edge *e, size_t n)
{
	size_t i;

	*src = nsw__reallocarray(NULL, n ? n : 1, sizeof(**src));
	*dst = nsw__reallocarray(NULL, n ? n : 1, sizeof(**dst));
	*w = nsw__reallocarray(NULL, n ? n : 1, sizeof(**w));
	if (*src == NULL || *dst == NULL || *w == NULL)
		return NSW_ENOMEM;
	for (i = 0; i < n; i++) {
		(*src)[i] = e[i].a;
		(*dst)[i] = e[i].b;
		(*w)[i] = e[i].reshare + e[i].forward + e[i].copost;
	}
	out->src = *src;
	out->dst = *dst;
	out->w = *w;
	out->n = n;
	return 0;
}

/* The projection as CSR adjacency (each edge in both lists). */
static int adjacency(uint32_t **start_out, uint32_t **adj_out,
		     const nsw_network *net)
{
	uint32_t na = net->account_keys.count, i;
	uint32_t *start = nsw__calloc((size_t)na + 2, sizeof(*start));
	uint32_t *adj =
		nsw__reallocarray(NULL, 2 * net->n_und + 1, sizeof(*adj));
	size_t e;

	*start_out = start;
	*adj_out = adj;
	if (start == NULL || adj == NULL)
		return NSW_ENOMEM;
	for (e = 0; e < net->n_und; e++) {
		start[net->und[e].a + 2]++;
		start[net->und[e].b + 2]++;
	}
	for (i = 2; i < na + 2; i++)
		start[i] += start[i - 1];
	for (e = 0; e < net->n_und; e++) {
		adj[start[net->und[e].a + 1]++] = net->und[e].b;
		adj[start[net->und[e].b + 1]++] = net->und[e].a;
	}
	return 0;
}

static int run_graph(nsw_network *net)
{
	uint32_t na = net->account_keys.count, i;
	uint32_t *fs = NULL, *fd = NULL, *us = NULL, *ud = NULL;
	uint32_t *start = NULL, *adj = NULL;
	double *fw = NULL, *uw = NULL, *pr = NULL, *bt = NULL, t;
	int32_t *cm = NULL;
	nsw_net__graph_in in;
	nsw_net__graph_out out;
	nsw_net__betweenness job;
	int rc = NSW_ENOMEM, job_started = 0, rc2;

	memset(&in, 0, sizeof(in));
	memset(&out, 0, sizeof(out));
	memset(&job, 0, sizeof(job));
	pr = nsw__calloc(na ? na : 1, sizeof(*pr));
	bt = nsw__calloc(na ? na : 1, sizeof(*bt));
	cm = nsw__calloc(na ? na : 1, sizeof(*cm));
	if (!pr || !bt || !cm ||
	    edge_arrays(&in.flow, &fs, &fd, &fw, net->flow, net->n_flow) ||
	    edge_arrays(&in.und, &us, &ud, &uw, net->und, net->n_und) ||
	    adjacency(&start, &adj, net)) {
		rc = nsw_error_set(NSW_ENOMEM, "network: no memory for the "
					       "account graph");
		goto done;
	}
	in.n_vertices = na;
	in.seed = net->opt.seed;
	in.max_vertices = net->opt.max_vertices;
	in.max_edges = net->opt.max_edges;
	out.pagerank = pr;
	out.community = cm;
	/* Refuse over the limits before starting any work. */
	if ((uint64_t)na > in.max_vertices ||
	    (uint64_t)net->n_flow > in.max_edges ||
	    (uint64_t)net->n_und > in.max_edges) {
		rc = nsw_net__graph_compute(&out, &in); /* sets the message */
		goto done;
	}

	/* Betweenness on worker threads while igraph runs here. */
	t = nsw_net__now();
	job.n = na;
	job.start = start;
	job.adj = adj;
	job.samples = net->opt.betweenness_samples;
	job.seed = net->opt.seed;
	job.threads = net->opt.threads;
	rc = nsw_net__betweenness_start(&job);
	if (rc != 0)
		goto done;
	job_started = 1;
	rc = nsw_net__graph_compute(&out, &in);
	rc2 = nsw_net__betweenness_finish(bt, &job);
	job_started = 0;
	net->stats.seconds_betweenness = job.seconds;
	net->stats.seconds_graph = nsw_net__now() - t;
	if (rc == 0)
		rc = rc2;
	if (rc != 0)
		goto done;
	for (i = 0; i < na; i++) {
		net->account_info[i].pagerank = pr[i];
		net->account_info[i].betweenness = bt[i];
		net->account_info[i].community = cm[i];
	}
	net->modularity = out.modularity;
	net->n_communities = out.n_communities;
	net->stats.betweenness_sources = job.n_sources;
	net->stats.seconds_pagerank = out.seconds_pagerank;
	net->stats.seconds_communities = out.seconds_communities;
	net->stats.cpu_pagerank = out.cpu_pagerank;
	net->stats.cpu_communities = out.cpu_communities;
	net->stats.cpu_betweenness = job.cpu;
done:
	if (job_started)
		nsw_net__betweenness_finish(NULL, &job);
	nsw__free(start);
	nsw__free(adj);
	nsw__free(fs);
	nsw__free(fd);
	nsw__free(fw);
	nsw__free(us);
	nsw__free(ud);
	nsw__free(uw);
	nsw__free(pr);
	nsw__free(bt);
	nsw__free(cm);
	return rc;
}

int nsw_net__compute_edges(nsw_network *net)
{
	uint64_t *keys = NULL, *tmp = NULL;
	size_t n_flow_raw = 0, n_raw = 0, i, bound = 0;
	uint64_t raw_max;
	uint32_t c;
	int rc = 0;
	double t0 = nsw_net__now();

	/* Upper bound of raw records: flow + co-post. */
	for (i = 0; i < net->item_keys.count; i++)
		bound += net->item_info[i].n_resharers;
	for (i = 0; i < net->n_app; i++)
		bound += net->app[i].kind == NSW_NET_FORWARD;
	for (c = 0; c < net->chat_keys.count; c++)
		bound += copost_pairs(
			net->chat_accts_start[c + 1] - net->chat_accts_start[c],
			net->opt.copost_full_max, net->opt.copost_window);
	/* Raw records merge into edges; more raw records than 8 per allowed
	 * edge cannot fit the edge limit in any realistic case. */
	raw_max = net->opt.max_edges * 8;
	if ((uint64_t)bound > raw_max) {
		rc = nsw_error_set(NSW_ELIMIT,
				   "network: the account graph would have %zu "
				   "raw edge records, over %llu (8 x the edge "
				   "limit %llu); refusing to analyse it",
				   bound, (unsigned long long)raw_max,
				   (unsigned long long)net->opt.max_edges);
		goto done;
	}
	keys = nsw__reallocarray(NULL, bound ? bound : 1, sizeof(*keys));
	tmp = nsw__reallocarray(NULL, bound ? bound : 1, sizeof(*tmp));
	if (keys == NULL || tmp == NULL)
		goto nomem;

	n_flow_raw = flow_records(keys, net);
	nsw_net__radix_sort(keys, tmp, n_flow_raw);
	if (merge(&net->flow, &net->n_flow, keys, n_flow_raw) != 0)
		goto nomem;
	for (i = 0; i < net->n_flow; i++) {
		const nsw_net__edge *e = &net->flow[i];
		double w = e->reshare + e->forward;

		net->account_info[e->a].out_degree++;
		net->account_info[e->a].out_weight += w;
		net->account_info[e->b].in_degree++;
		net->account_info[e->b].in_weight += w;
	}

	/* The undirected projection: flow edges with ends ordered, plus
	 * co-post pairs; merged per unordered pair. */
	for (i = 0; i < n_flow_raw; i++) {
		uint32_t a = (uint32_t)(keys[i] >> 40);
		uint32_t b = (uint32_t)((keys[i] >> 16) & 0xffffff);

		if (a > b)
			keys[i] =
				pack(b, a, (enum edge_type)(keys[i] & 0xffff));
	}
	n_raw = n_flow_raw + copost_records(keys + n_flow_raw, net);
	nsw_net__radix_sort(keys, tmp, n_raw);
	if (merge(&net->und, &net->n_und, keys, n_raw) != 0)
		goto nomem;
	nsw__free(keys);
	nsw__free(tmp);
	keys = tmp = NULL;
	net->stats.flow_edges = net->n_flow;
	net->stats.undirected_edges = net->n_und;
	net->stats.raw_edge_records = n_raw;
	net->stats.seconds_edges = nsw_net__now() - t0;
	rc = run_graph(net);
	goto done;
nomem:
	rc = nsw_error_set(NSW_ENOMEM,
			   "network: no memory for %zu edge records", bound);
done:
	nsw__free(keys);
	nsw__free(tmp);
	return rc;
}
