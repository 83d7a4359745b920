/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Benchmark of the PDQ index: builds random and clustered lists of N hashes
 * (argument, default 1M), then measures single-hash queries/s at radius 31
 * on one thread, recall against a brute-force popcount scan run in the same
 * process, bytes per entry, build time, and the cost of an 8-variant
 * (dihedral) query relative to a single one.
 *
 *   bench_index [N] [queries] [--file DIR]
 *
 * With --file the index is also written as a .nswl list in DIR, reopened by
 * mmap and queried through the public API (the path `netsweep match` uses).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>

#include "netsweep/common.h"
#include "pdq_index.h"

static uint64_t rng_state = 0x243f6a8885a308d3ull;

static uint64_t rng(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	rng_state = x;
	return x;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void random_hash(nsw_pdq_hash *h)
{
	for (int i = 0; i < 4; i++) {
		uint64_t v = rng();

		memcpy(h->bytes + 8 * i, &v, 8);
	}
}

static void flip_bits(nsw_pdq_hash *h, int k)
{
	for (int i = 0; i < k; i++) {
		unsigned b = (unsigned)(rng() % 256);

		h->bytes[b / 8] ^= (uint8_t)(1u << (b % 8));
	}
}

static nsw_pdq_hash *make_list(uint32_t n, int clustered)
{
	nsw_pdq_hash *l = malloc((size_t)n * sizeof(*l));
	nsw_pdq_hash centre;

	if (l == NULL)
		return NULL;
	random_hash(&centre);
	for (uint32_t i = 0; i < n; i++) {
		if (!clustered) {
			random_hash(&l[i]);
			continue;
		}
		if (i % 16 == 0)
			random_hash(&centre);
		l[i] = centre;
		flip_bits(&l[i], 1 + (int)(rng() % 40));
	}
	return l;
}

/* Half the queries are list members 0..40 bits away, half random. */
static nsw_pdq_hash *make_queries(const nsw_pdq_hash *l, uint32_t n,
				  uint32_t nq)
{
	nsw_pdq_hash *q = malloc((size_t)nq * sizeof(*q));

	for (uint32_t j = 0; j < nq; j++) {
		if (j % 2 == 0) {
			q[j] = l[rng() % n];
			flip_bits(&q[j], (int)(rng() % 41));
		} else {
			random_hash(&q[j]);
		}
	}
	return q;
}

static size_t brute_count(const nsw_pdq_hash *l, uint32_t n,
			  const nsw_pdq_hash *q, uint32_t radius)
{
	size_t k = 0;

	for (uint32_t i = 0; i < n; i++)
		k += nsw_pdq__distance(l[i].bytes, q->bytes) <= radius;
	return k;
}

static int run(uint32_t n, uint32_t nq, int clustered)
{
	nsw_pdq_hash *l = make_list(n, clustered);
	nsw_pdq_hash *q = NULL;
	nsw_pdq_index_built built;
	nsw_pdq_index view;
	nsw_pdq_query_ctx *ctx = NULL;
	const nsw_pdq_hit *hits;
	size_t nhits, total_hits = 0, brute_hits = 0, idx_hits_sub = 0;
	uint32_t nbrute = nq < 40 ? nq : 40;
	double t0, t1, build_s, qps, bqps, single_s, batch_s;
	nsw_pdq_index_params params = {0, 0, 0};

	if (getenv("NSW_BENCH_TABLES"))
		params.ntables =
			(uint32_t)strtoul(getenv("NSW_BENCH_TABLES"), NULL, 10);
	if (getenv("NSW_BENCH_DIR_BITS"))
		params.dir_bits = (uint32_t)strtoul(
			getenv("NSW_BENCH_DIR_BITS"), NULL, 10);
	if (getenv("NSW_BENCH_DIR_BITS0"))
		params.dir_bits0 = (uint32_t)strtoul(
			getenv("NSW_BENCH_DIR_BITS0"), NULL, 10);

	if (l == NULL)
		return 1;
	q = make_queries(l, n, nq);
	t0 = now();
	if (nsw_pdq_index__build(&built, l, n, &params) != NSW_OK ||
	    nsw_pdq_index__open(&view, built.blob, built.blob_len, built.hashes,
				(size_t)n * 32, "bench") != 0) {
		fprintf(stderr, "build failed: %s\n", nsw_error_last());
		return 1;
	}
	build_s = now() - t0;
	if (getenv("NSW_BENCH_HUGE")) {
		/* copy into 2 MiB-aligned memory advised for huge pages */
		size_t hl = (size_t)n * 32, al = 2u << 20;
		uint8_t *hb =
			aligned_alloc(al, (built.blob_len + al) / al * al);
		uint8_t *hh = aligned_alloc(al, (hl + al) / al * al);

		madvise(hb, (built.blob_len + al) / al * al, MADV_HUGEPAGE);
		madvise(hh, (hl + al) / al * al, MADV_HUGEPAGE);
		memcpy(hb, built.blob, built.blob_len);
		memcpy(hh, built.hashes, hl);
		nsw_pdq_index__open(&view, hb, built.blob_len, hh, hl, "huge");
	}
	nsw_pdq_query_ctx_new(&ctx);
	/* warm-up: touch the index once */
	for (uint32_t j = 0; j < 50 && j < nq; j++)
		nsw_pdq_index__query(ctx, &view, &q[j], 1, 31,
				     NSW_PDQ_QUERY_INDEX, &hits, &nhits);
	t0 = cpu_now();
	t1 = now();
	for (uint32_t j = 0; j < nq; j++) {
		if (nsw_pdq_index__query(ctx, &view, &q[j], 1, 31,
					 NSW_PDQ_QUERY_INDEX, &hits,
					 &nhits) != NSW_OK) {
			fprintf(stderr, "query: %s\n", nsw_error_last());
			return 1;
		}
		total_hits += nhits;
		if (j < nbrute)
			idx_hits_sub += nhits;
	}
	single_s = cpu_now() - t0;
	qps = nq / single_s;
	printf("  index single-hash: %u queries, %.0f q/s (cpu), %.0f q/s "
	       "(wall), %.1f us/query, %zu hits\n",
	       nq, qps, nq / (now() - t1), 1e6 * single_s / nq, total_hits);
	/* 8 variants per query, one batched call. */
	{
		uint32_t nb = nq / 8;

		t0 = cpu_now();
		for (uint32_t j = 0; j < nb; j++)
			nsw_pdq_index__query(ctx, &view, &q[8 * j], 8, 31,
					     NSW_PDQ_QUERY_INDEX, &hits,
					     &nhits);
		batch_s = (cpu_now() - t0) / (nb ? nb : 1);
		printf("  8-variant batch: %.1f us/query = %.2fx a single "
		       "query (goal <= 3x)\n",
		       1e6 * batch_s, batch_s / (single_s / nq));
	}
	/* Brute-force baseline and recall on the first queries. */
	t0 = cpu_now();
	for (uint32_t j = 0; j < nbrute; j++)
		brute_hits += brute_count(l, n, &q[j], 31);
	bqps = nbrute / (cpu_now() - t0);
	printf("  brute-force popcount scan: %.1f q/s; index/brute = %.0fx\n",
	       bqps, qps / bqps);
	printf("  recall vs brute force on %u queries: %zu / %zu hits%s\n",
	       nbrute, idx_hits_sub, brute_hits,
	       idx_hits_sub == brute_hits ? " (exact)" : " MISMATCH");
	printf("  memory: %.1f bytes/entry (hashes + tables), + 4 row map\n",
	       (double)nsw_pdq_index__memory(&view) / n);
	printf("  build: %.2f s (%.2f us/entry), %u tables of %u-%u bits\n",
	       build_s, 1e6 * build_s / n, view.ntables, view.tables[0].bits,
	       view.tables[view.ntables - 1].bits);
	nsw_pdq_query_ctx_free(ctx);
	nsw_pdq_index__built_free(&built);
	free(q);
	free(l);
	return idx_hits_sub == brute_hits ? 0 : 1;
}

int main(int argc, char **argv)
{
	uint32_t n = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 1000000;
	uint32_t nq = argc > 2 ? (uint32_t)strtoul(argv[2], NULL, 10) : 2000;
	int rc = 0;

	if (n == 0 || nq == 0) {
		fprintf(stderr, "usage: bench_index [N] [queries]\n");
		return 2;
	}
	printf("bench_index: N=%u, radius 31, one thread\n", n);
	printf("random list:\n");
	rc |= run(n, nq, 0);
	printf("clustered list (families of 16, 1-40 bits apart):\n");
	rc |= run(n, nq, 1);
	return rc;
}
