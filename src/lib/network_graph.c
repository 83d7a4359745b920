/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The account-graph algorithms over igraph 0.10: PageRank and Leiden
 * communities (betweenness is network_betweenness.c, on threads; igraph's
 * exact betweenness serves as the tests' oracle). The only file that includes
 * igraph.h; igraph's aborting error handler is replaced for the duration of
 * each call by one that records the failure, and igraph codes become NSW_E*
 * here.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <igraph.h>

#include "alloc.h"
#include "error.h"
#include "limits.h"
#include "network_graph.h"

/*
 * igraph 0.10 as Debian builds it is not thread-safe (IGRAPH_THREAD_SAFE is
 * 0): its handlers, RNG and finally-stack are process globals. Every igraph
 * use goes through this lock, and so does the handler state below.
 */
static pthread_mutex_t igraph_lock = PTHREAD_MUTEX_INITIALIZER;
static char igraph_reason[512];
static igraph_error_t igraph_last_errno;
static unsigned long igraph_warnings;

/* Record the failure and free igraph's temporaries; igraph then returns
 * the error code to its caller instead of aborting. */
static void record_error(const char *reason, const char *file, int line,
			 igraph_error_t igraph_errno)
{
	(void)file;
	(void)line;
	snprintf(igraph_reason, sizeof(igraph_reason), "%s",
		 reason ? reason : "");
	igraph_last_errno = igraph_errno;
	IGRAPH_FINALLY_FREE();
}

/* Warnings (such as PageRank convergence notes) are counted, not printed:
 * a library must not write to stderr. */
static void record_warning(const char *reason, const char *file, int line)
{
	(void)reason;
	(void)file;
	(void)line;
	igraph_warnings++;
}

/* Translate an igraph return code into NSW_E* with igraph's reason. */
static int translate(igraph_error_t rc, const char *what)
{
	int code;

	switch (rc) {
	case IGRAPH_SUCCESS:
		return 0;
	case IGRAPH_ENOMEM:
		code = NSW_ENOMEM;
		break;
	case IGRAPH_EINVAL:
	case IGRAPH_EINVVID:
		code = NSW_EINVAL;
		break;
	case IGRAPH_EOVERFLOW:
		code = NSW_ELIMIT;
		break;
	default:
		code = NSW_ERROR;
		break;
	}
	return nsw_error_set(code, "network: igraph %s failed: %s (%s)", what,
			     igraph_reason[0] ? igraph_reason : "no reason",
			     igraph_strerror(rc));
}

typedef struct handlers {
	igraph_error_handler_t *error;
	igraph_warning_handler_t *warning;
} handlers;

static handlers enter_igraph(void)
{
	handlers old;

	pthread_mutex_lock(&igraph_lock);
	igraph_reason[0] = '\0';
	igraph_last_errno = IGRAPH_SUCCESS;
	old.error = igraph_set_error_handler(record_error);
	old.warning = igraph_set_warning_handler(record_warning);
	return old;
}

static void leave_igraph(handlers old)
{
	igraph_set_error_handler(old.error);
	igraph_set_warning_handler(old.warning);
	pthread_mutex_unlock(&igraph_lock);
}

static double clock_seconds(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double now(void)
{
	return clock_seconds(CLOCK_MONOTONIC);
}

static double cpu_now(void)
{
	return clock_seconds(CLOCK_THREAD_CPUTIME_ID);
}

/* Build an igraph graph from an edge list (caller destroys on success). */
static igraph_error_t build_graph(igraph_t *g, const nsw_net__edges *e,
				  uint32_t n_vertices, int directed)
{
	igraph_vector_int_t ends;
	igraph_error_t rc;
	size_t i;

	rc = igraph_vector_int_init(&ends, (igraph_integer_t)(2 * e->n));
	if (rc != IGRAPH_SUCCESS)
		return rc;
	for (i = 0; i < e->n; i++) {
		VECTOR(ends)[2 * i] = e->src[i];
		VECTOR(ends)[2 * i + 1] = e->dst[i];
	}
	rc = igraph_create(g, &ends, n_vertices, directed);
	igraph_vector_int_destroy(&ends);
	return rc;
}

/* PageRank on the directed, weighted flow graph (PRPACK, damping 0.85). */
static int run_pagerank(double *pagerank, const nsw_net__graph_in *in)
{
	igraph_t g;
	igraph_vector_t res, w;
	igraph_real_t value = 0;
	igraph_error_t rc;
	int built = 0, have_res = 0;
	uint32_t i;

	rc = build_graph(&g, &in->flow, in->n_vertices, 1);
	if (rc != IGRAPH_SUCCESS)
		goto done;
	built = 1;
	rc = igraph_vector_init(&res, 0);
	if (rc != IGRAPH_SUCCESS)
		goto done;
	have_res = 1;
	igraph_vector_view(&w, in->flow.w, (igraph_integer_t)in->flow.n);
	rc = igraph_pagerank(&g, IGRAPH_PAGERANK_ALGO_PRPACK, &res, &value,
			     igraph_vss_all(), 1, 0.85, in->flow.n ? &w : NULL,
			     NULL);
	if (rc != IGRAPH_SUCCESS)
		goto done;
	for (i = 0; i < in->n_vertices; i++)
		pagerank[i] = VECTOR(res)[i];
done:
	if (have_res)
		igraph_vector_destroy(&res);
	if (built)
		igraph_destroy(&g);
	return translate(rc, "PageRank");
}

/*
 * Leiden (igraph_community_leiden) with the modularity objective on the
 * weighted projection: node weights are the vertex strengths and the
 * resolution 1 / (2 W), W the total edge weight, which makes Leiden's
 * quality function the Newman-Girvan modularity. Iterated until no vertex
 * moves. (Louvain, igraph_community_multilevel, gives the same kind of
 * partition but is far slower in igraph 0.10.2 on graphs with high-degree
 * vertices, the time going to igraph_incident: 33 s against Leiden's 5 s
 * in one run of bench_network at 100k appearances.)
 */
static int run_communities(nsw_net__graph_out *out, const igraph_t *g,
			   const nsw_net__graph_in *in)
{
	igraph_vector_int_t membership;
	igraph_vector_t strength, w;
	igraph_integer_t n_clusters = 0, i;
	igraph_real_t quality = 0, total = 0, q = 0;
	igraph_error_t rc;
	int have_m = 0, have_s = 0;

	rc = igraph_vector_int_init(&membership, 0);
	if (rc != IGRAPH_SUCCESS)
		goto done;
	have_m = 1;
	rc = igraph_vector_init(&strength, 0);
	if (rc != IGRAPH_SUCCESS)
		goto done;
	have_s = 1;
	igraph_vector_view(&w, in->und.w, (igraph_integer_t)in->und.n);
	if (in->und.n == 0) {
		/* No edges: every account is its own community. */
		for (i = 0; i < (igraph_integer_t)in->n_vertices; i++)
			out->community[i] = (int32_t)i;
		out->n_communities = in->n_vertices;
		goto done;
	}
	rc = igraph_strength(g, &strength, igraph_vss_all(), IGRAPH_ALL, 1, &w);
	if (rc != IGRAPH_SUCCESS)
		goto done;
	for (i = 0; i < (igraph_integer_t)in->und.n; i++)
		total += in->und.w[i];
	rc = igraph_community_leiden(g, &w, &strength, 1.0 / (2.0 * total),
				     0.01, 0, -1, &membership, &n_clusters,
				     &quality);
	if (rc != IGRAPH_SUCCESS)
		goto done;
	rc = igraph_modularity(g, &membership, &w, 1.0, 0, &q);
	if (rc != IGRAPH_SUCCESS)
		goto done;
	for (i = 0; i < (igraph_integer_t)in->n_vertices; i++)
		out->community[i] = (int32_t)VECTOR(membership)[i];
	out->n_communities = (uint32_t)n_clusters;
	out->modularity = q;
done:
	if (have_s)
		igraph_vector_destroy(&strength);
	if (have_m)
		igraph_vector_int_destroy(&membership);
	return translate(rc, "community detection");
}

int nsw_net__graph_compute(nsw_net__graph_out *out, const nsw_net__graph_in *in)
{
	handlers old;
	igraph_t und;
	igraph_error_t rc;
	int ret = 0, built = 0;
	double t, c;

	if (out == NULL || in == NULL)
		return nsw_error_set(NSW_EINVAL, "network: NULL argument");
	if ((uint64_t)in->n_vertices > in->max_vertices)
		return nsw_error_set(
			NSW_ELIMIT,
			"network: the account graph has %u vertices "
			"(accounts), "
			"over the limit of %llu; refusing to analyse it",
			in->n_vertices, (unsigned long long)in->max_vertices);
	if ((uint64_t)in->flow.n > in->max_edges ||
	    (uint64_t)in->und.n > in->max_edges)
		return nsw_error_set(
			NSW_ELIMIT,
			"network: the account graph has %zu directed and %zu "
			"undirected edges, over the limit of %llu; refusing to "
			"analyse it",
			in->flow.n, in->und.n,
			(unsigned long long)in->max_edges);
	out->modularity = 0;
	out->n_communities = 0;
	if (in->n_vertices == 0)
		return 0;

	old = enter_igraph();
	igraph_rng_seed(igraph_rng_default(), (igraph_uint_t)in->seed);
	t = now();
	c = cpu_now();
	ret = run_pagerank(out->pagerank, in);
	out->seconds_pagerank = now() - t;
	out->cpu_pagerank = cpu_now() - c;
	if (ret != 0)
		goto done;
	t = now();
	c = cpu_now();
	rc = build_graph(&und, &in->und, in->n_vertices, 0);
	if (rc != IGRAPH_SUCCESS) {
		ret = translate(rc, "graph construction");
		goto done;
	}
	built = 1;
	ret = run_communities(out, &und, in);
	out->seconds_communities = now() - t;
	out->cpu_communities = cpu_now() - c;
done:
	if (built)
		igraph_destroy(&und);
	leave_igraph(old);
	return ret;
}

int nsw_net__graph_provoke_error(void)
{
	handlers old;
	igraph_t g;
	igraph_vector_int_t ends;
	igraph_error_t rc;
	int ret;

	old = enter_igraph();
	rc = igraph_empty(&g, 2, IGRAPH_DIRECTED);
	if (rc == IGRAPH_SUCCESS) {
		rc = igraph_vector_int_init(&ends, 2);
		if (rc == IGRAPH_SUCCESS) {
			VECTOR(ends)[0] = 0;
			VECTOR(ends)[1] = 7; /* vertex 7 of 2: igraph refuses */
			rc = igraph_add_edges(&g, &ends, NULL);
			igraph_vector_int_destroy(&ends);
		}
		igraph_destroy(&g);
	}
	ret = translate(rc, "add_edges");
	leave_igraph(old);
	return ret;
}

int nsw_net__graph_betweenness_exact(double *out, const nsw_net__edges *und,
				     uint32_t n_vertices)
{
	handlers old;
	igraph_t g;
	igraph_vector_t res;
	igraph_error_t rc;
	uint32_t i;
	int built = 0, have_res = 0;

	old = enter_igraph();
	rc = build_graph(&g, und, n_vertices, 0);
	if (rc != IGRAPH_SUCCESS)
		goto done;
	built = 1;
	rc = igraph_vector_init(&res, 0);
	if (rc != IGRAPH_SUCCESS)
		goto done;
	have_res = 1;
	rc = igraph_betweenness(&g, &res, igraph_vss_all(), 0, NULL);
	if (rc != IGRAPH_SUCCESS)
		goto done;
	for (i = 0; i < n_vertices; i++)
		out[i] = VECTOR(res)[i];
done:
	if (have_res)
		igraph_vector_destroy(&res);
	if (built)
		igraph_destroy(&g);
	leave_igraph(old);
	return translate(rc, "betweenness");
}
