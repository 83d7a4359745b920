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
	nsw_net__edges und;  /* undirected: betweenness, communities */
	uint32_t betweenness_samples;
	uint64_t seed;
	uint64_t max_vertices, max_edges; /* effective limits */
} nsw_net__graph_in;

typedef struct nsw_net__graph_out {
	double *pagerank;    /* n_vertices, caller storage */
	double *betweenness; /* n_vertices, caller storage */
	int32_t *community;  /* n_vertices, caller storage */
	double modularity;
	uint32_t n_communities;
	uint32_t sources_used; /* betweenness sources actually run */
	double seconds_pagerank, seconds_betweenness, seconds_communities;
} nsw_net__graph_out;

/*
 * Check the limits, then compute PageRank, estimated betweenness and
 * communities. Returns 0, NSW_ELIMIT (over max_vertices / max_edges, with
 * the figures in the message), NSW_ENOMEM, or the igraph failure
 * translated (NSW_EINVAL, NSW_ELIMIT, NSW_ERROR) with igraph's reason.
 */
int nsw_net__graph_compute(nsw_net__graph_out *out,
			   const nsw_net__graph_in *in);

/*
 * Tests only: make igraph fail (an edge to a vertex that does not exist)
 * and return the translated error, proving the handler does not abort.
 */
int nsw_net__graph_provoke_error(void);

#endif
