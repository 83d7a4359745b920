/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Betweenness on the undirected, unweighted account projection by Brandes'
 * algorithm from sampled sources (Brandes & Pich 2007), on worker threads
 * that run while igraph computes PageRank and communities on the calling
 * thread. With every vertex as a source it is exact. See docs/network.md.
 */
#include <pthread.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "network_internal.h"

/* One worker: sources sources[t], sources[t + T], ... */
typedef struct worker {
	const nsw_net__betweenness *job;
	uint32_t first;
	double *bc;  /* this worker's sums, n */
	double done; /* nsw_net__now() when it finished */
	double cpu;  /* its CPU seconds */
	int rc;
	pthread_t thread;
	int started;
} worker;

/* splitmix64, as in the rest of the analysis: reproducible samples. */
static uint64_t next_random(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void *run_worker(void *arg)
{
	worker *w = arg;
	const nsw_net__betweenness *job = w->job;
	uint32_t n = job->n, i;
	int32_t *dist = nsw__reallocarray(NULL, n, sizeof(*dist));
	double *sigma = nsw__reallocarray(NULL, n, sizeof(*sigma));
	double *delta = nsw__reallocarray(NULL, n, sizeof(*delta));
	uint32_t *queue = nsw__reallocarray(NULL, n, sizeof(*queue));
	double cpu0 = nsw_net__thread_cpu();

	w->bc = nsw__calloc(n, sizeof(*w->bc));
	if (!dist || !sigma || !delta || !queue || !w->bc) {
		w->rc = NSW_ENOMEM;
		goto done;
	}
	for (i = 0; i < n; i++)
		dist[i] = -1;
	for (i = w->first; i < job->n_sources; i += job->threads) {
		uint32_t s = job->sources[i], head = 0, tail = 0, q;

		/* Breadth-first: distances, shortest-path counts, order. */
		dist[s] = 0;
		sigma[s] = 1;
		queue[tail++] = s;
		while (head < tail) {
			uint32_t v = queue[head++];
			uint32_t e;

			for (e = job->start[v]; e < job->start[v + 1]; e++) {
				uint32_t u = job->adj[e];

				if (dist[u] < 0) {
					dist[u] = dist[v] + 1;
					sigma[u] = 0;
					queue[tail++] = u;
				}
				if (dist[u] == dist[v] + 1)
					sigma[u] += sigma[v];
			}
		}
		/* Dependencies, farthest first. */
		for (q = 0; q < tail; q++)
			delta[queue[q]] = 0;
		for (q = tail; q-- > 0;) {
			uint32_t v = queue[q];
			uint32_t e;

			for (e = job->start[v]; e < job->start[v + 1]; e++) {
				uint32_t u = job->adj[e];

				if (dist[u] == dist[v] - 1)
					delta[u] += sigma[u] / sigma[v] *
						    (1.0 + delta[v]);
			}
			if (v != s)
				w->bc[v] += delta[v];
		}
		for (q = 0; q < tail; q++)
			dist[queue[q]] = -1;
	}
done:
	nsw__free(dist);
	nsw__free(sigma);
	nsw__free(delta);
	nsw__free(queue);
	w->done = nsw_net__now();
	w->cpu = nsw_net__thread_cpu() - cpu0;
	return NULL;
}

int nsw_net__betweenness_start(nsw_net__betweenness *job)
{
	uint32_t n = job->n, k = job->samples, i, t;
	uint64_t state = job->seed;

	job->workers = NULL;
	job->sources = NULL;
	job->started_at = nsw_net__now();
	job->seconds = 0;
	job->cpu = 0;
	if (job->threads == 0)
		job->threads = 1;
	if (k == 0 || k >= n)
		k = n; /* exact */
	job->n_sources = k;
	job->sources = nsw__reallocarray(NULL, n ? n : 1, sizeof(uint32_t));
	job->workers = nsw__calloc(job->threads, sizeof(worker));
	if (job->sources == NULL || job->workers == NULL) {
		nsw__free(job->sources);
		nsw__free(job->workers);
		job->sources = NULL;
		job->workers = NULL;
		return nsw_error_set(NSW_ENOMEM, "network: no memory for the "
						 "betweenness sample");
	}
	for (i = 0; i < n; i++)
		job->sources[i] = i;
	/* Partial Fisher-Yates: the first k are a uniform sample. */
	for (i = 0; i < k && k < n; i++) {
		uint32_t j =
			i + (uint32_t)(next_random(&state) % (uint64_t)(n - i));
		uint32_t tmp = job->sources[i];

		job->sources[i] = job->sources[j];
		job->sources[j] = tmp;
	}
	for (t = 0; t < job->threads; t++) {
		worker *w = &((worker *)job->workers)[t];

		w->job = job;
		w->first = t;
		if (n == 0)
			continue;
		w->started =
			pthread_create(&w->thread, NULL, run_worker, w) == 0;
		if (!w->started)
			run_worker(w); /* no thread: do it here */
	}
	return 0;
}

int nsw_net__betweenness_finish(double *out, nsw_net__betweenness *job)
{
	worker *workers = job->workers;
	uint32_t t, i;
	double scale;
	int rc = 0;

	if (workers == NULL)
		return 0;
	for (t = 0; t < job->threads; t++) {
		if (workers[t].started)
			pthread_join(workers[t].thread, NULL);
		if (workers[t].rc != 0 || (job->n > 0 && !workers[t].bc))
			rc = NSW_ENOMEM;
		job->cpu += workers[t].cpu;
		if (workers[t].done - job->started_at > job->seconds)
			job->seconds = workers[t].done - job->started_at;
	}
	/* Each unordered pair is seen from both ends when every vertex is a
	 * source: halve (igraph's undirected convention); scale a sample of
	 * k sources by n / k. */
	scale = job->n_sources ? 0.5 * (double)job->n / job->n_sources : 0;
	if (rc == 0 && out != NULL) {
		for (i = 0; i < job->n; i++) {
			double sum = 0;

			for (t = 0; t < job->threads; t++)
				sum += workers[t].bc[i];
			out[i] = sum * scale;
		}
	}
	for (t = 0; t < job->threads; t++)
		nsw__free(workers[t].bc);
	nsw__free(workers);
	nsw__free(job->sources);
	job->workers = NULL;
	job->sources = NULL;
	if (rc != 0)
		return nsw_error_set(rc,
				     "network: no memory for betweenness "
				     "on %u vertices",
				     job->n);
	return 0;
}
