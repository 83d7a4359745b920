/* SPDX-License-Identifier: Apache-2.0 */
/* Library-internal: the account-graph algorithms, over igraph (the only
 * user of igraph.h is network_graph.c). */
#ifndef NSW_LIB_NETWORK_GRAPH_H
#define NSW_LIB_NETWORK_GRAPH_H

#include <stddef.h>
#include <stdint.h>

/* An edge list: n pairs (src[i], dst[i]) with weight w[i] > 0. */
typedef struct nsw_net__edges {
	const uint32_t *src, *dst;
	const double *w;
	size_t n;
} nsw_net__edges;

typedef struct nsw_net__graph_in {
	uint32_t n_vertices;
	nsw_net__edges flow; /* directed: PageRank */
	nsw_net__edges und;  /* undirected: communities */
	uint64_t seed;
	uint64_t max_vertices, max_edges; /* effective limits */
} nsw_net__graph_in;

typedef struct nsw_net__graph_out {
	double *pagerank;   /* n_vertices, caller storage */
	int32_t *community; /* n_vertices, caller storage */
	double modularity;
	uint32_t n_communities;
	double seconds_pagerank, seconds_communities;
	double cpu_pagerank, cpu_communities; /* this thread's CPU seconds */
} nsw_net__graph_out;

/*
 * Check the limits, then compute PageRank and communities. Returns 0,
 * NSW_ELIMIT (over max_vertices / max_edges, with the figures in the message),
 * NSW_ENOMEM, or the igraph failure translated (NSW_EINVAL, NSW_ELIMIT,
 * NSW_ERROR) with igraph's reason.
 */
int nsw_net__graph_compute(nsw_net__graph_out *out,
			   const nsw_net__graph_in *in);

/*
 * Tests only: igraph's exact betweenness of an undirected graph (the
 * oracle for network_betweenness.c). out: n_vertices, caller storage.
 */
int nsw_net__graph_betweenness_exact(double *out, const nsw_net__edges *und,
				     uint32_t n_vertices);

/*
 * Tests only: make igraph fail (an edge to a vertex that does not exist)
 * and return the translated error, proving the handler does not abort.
 */
int nsw_net__graph_provoke_error(void);

#endif
