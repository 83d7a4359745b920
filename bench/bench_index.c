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
 * With --file the hashes are also written as a .nswl list in DIR (builder
 * time), reopened by mmap (open time) and queried through the public API,
 * the path `netsweep match` uses. NSW_BENCH_HUGE=1 adds a run on a copy in
 * 2 MiB pages; NSW_BENCH_TABLES / _DIR_BITS / _DIR_BITS0 force parameters.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <unistd.h>

#include "netsweep/nswl.h"
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

/* q/s of single queries and the cost ratio of 8-variant batches, through
 * a query function; returns total hits of the first `nsub` queries. The
 * machine is shared, so single and batch runs alternate over ROUNDS rounds
 * and the median ratio is reported. `qc`, when given, is the query context
 * whose work counters are printed (where a query's time goes). */
#define ROUNDS 3
typedef int (*query_fn)(void *ctx, const nsw_pdq_hash *q, uint32_t nq,
			size_t *nhits);

static double median3(double a, double b, double c)
{
	if (a > b) {
		double t = a;

		a = b;
		b = t;
	}
	return c < a ? a : (c > b ? b : c);
}

static void print_work(const char *what, nsw_pdq_query_ctx *qc)
{
	nsw_pdq_query_stats st;
	double n;

	nsw_pdq_query_ctx_stats(&st, qc, 1);
	n = st.queries ? (double)st.queries : 1.0;
	printf("    work per query hash (%s): %.0f directory probes, %.0f "
	       "buckets, %.0f entries filtered, %.0f candidates compared\n",
	       what, st.probes / n, st.buckets / n, st.entries / n,
	       st.candidates / n);
}

static size_t time_queries(const char *what, query_fn fn, void *ctx,
			   nsw_pdq_query_ctx *qc, const nsw_pdq_hash *q,
			   uint32_t nq, uint32_t nsub, double *single_qps)
{
	size_t nhits, total = 0, sub = 0;
	double t0, single_s[ROUNDS], batch_s[ROUNDS], ratio[ROUNDS], s_med;
	uint32_t nb = nq / 8;

	for (uint32_t j = 0; j < 50 && j < nq; j++) /* warm-up */
		fn(ctx, &q[j], 1, &nhits);
	for (int r = 0; r < ROUNDS; r++) {
		if (qc && r == 0)
			nsw_pdq_query_ctx_stats(&(nsw_pdq_query_stats){0}, qc,
						1);
		t0 = cpu_now();
		for (uint32_t j = 0; j < nq; j++) {
			if (fn(ctx, &q[j], 1, &nhits) != NSW_OK) {
				fprintf(stderr, "query: %s\n",
					nsw_error_last());
				exit(1);
			}
			if (r > 0)
				continue;
			total += nhits;
			if (j < nsub)
				sub += nhits;
		}
		single_s[r] = (cpu_now() - t0) / nq;
		if (qc && r == 0)
			print_work("single", qc);
		t0 = cpu_now();
		for (uint32_t j = 0; j < nb; j++)
			fn(ctx, &q[8 * j], 8, &nhits);
		batch_s[r] = (cpu_now() - t0) / (nb ? nb : 1);
		if (qc && r == 0)
			print_work("8 per call", qc);
		ratio[r] = batch_s[r] / single_s[r];
	}
	s_med = median3(single_s[0], single_s[1], single_s[2]);
	*single_qps = 1.0 / s_med;
	printf("  %s: %.0f q/s cpu, %.1f us/query (median of %d rounds), "
	       "%zu hits\n",
	       what, 1.0 / s_med, 1e6 * s_med, ROUNDS, total);
	printf("  %s, 8 variants per call: %.1f us/query = %.2fx one "
	       "variant (rounds %.2f %.2f %.2f; goal <= 3x)\n",
	       what, 1e6 * median3(batch_s[0], batch_s[1], batch_s[2]),
	       median3(ratio[0], ratio[1], ratio[2]), ratio[0], ratio[1],
	       ratio[2]);
	return sub;
}

static int mem_query(void *ctx, const nsw_pdq_hash *q, uint32_t nq,
		     size_t *nhits)
{
	struct mem_ctx {
		nsw_pdq_query_ctx *qc;
		nsw_pdq_index *view;
		int strategy;
	} *m = ctx;
	const nsw_pdq_hit *hits;

	return nsw_pdq_index__query(m->qc, m->view, q, nq, 31, m->strategy,
				    &hits, nhits);
}

struct file_ctx {
	nsw_list_cursor *cursor;
	nsw_list *list;
};

static int file_query(void *ctx, const nsw_pdq_hash *q, uint32_t nq,
		      size_t *nhits)
{
	struct file_ctx *f = ctx;
	const nsw_list_pdq_hit *hits;

	return nsw_list_find_pdq(f->cursor, f->list, q, nq, 31, &hits, nhits);
}

static int run(uint32_t n, uint32_t nq, int clustered, const char *dir)
{
	nsw_pdq_hash *l = make_list(n, clustered);
	nsw_pdq_hash *q = NULL;
	nsw_pdq_index_built built;
	nsw_pdq_index view;
	struct {
		nsw_pdq_query_ctx *qc;
		nsw_pdq_index *view;
		int strategy;
	} mc;
	size_t idx_sub, brute_sub = 0, nh;
	uint32_t nbrute = nq < 40 ? nq : 40;
	double t0, build_s, qps, bqps;
	nsw_pdq_index_params params = {0, 0, 0};
	int rc = 0;

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
	t0 = cpu_now();
	if (nsw_pdq_index__build(&built, l, n, &params) != NSW_OK ||
	    nsw_pdq_index__open(&view, built.blob, built.blob_len, built.hashes,
				(size_t)n * 32, "bench") != 0) {
		fprintf(stderr, "build failed: %s\n", nsw_error_last());
		return 1;
	}
	build_s = cpu_now() - t0;
	printf("  index build in memory: %.2f s cpu (%.2f us/hash), %u tables "
	       "of "
	       "%u-%u bits\n",
	       build_s, 1e6 * build_s / n, view.ntables, view.tables[0].bits,
	       view.tables[view.ntables - 1].bits);
	printf("  memory: %.1f bytes/hash (hashes + tables) + 4 (row -> "
	       "entry map) = %.1f\n",
	       (double)nsw_pdq_index__memory(&view) / n,
	       (double)nsw_pdq_index__memory(&view) / n + 4);
	nsw_pdq_query_ctx_new(&mc.qc);
	mc.view = &view;
	mc.strategy = NSW_PDQ_QUERY_INDEX;
	idx_sub = time_queries("index, in memory", mem_query, &mc, mc.qc, q, nq,
			       nbrute, &qps);
	/* Baseline: the linear popcount scan (same code path, SCAN). */
	mc.strategy = NSW_PDQ_QUERY_SCAN;
	t0 = cpu_now();
	for (uint32_t j = 0; j < nbrute; j++) {
		mem_query(&mc, &q[j], 1, &nh);
		brute_sub += nh;
	}
	bqps = nbrute / (cpu_now() - t0);
	printf("  brute-force popcount scan: %.1f q/s cpu; index / brute = "
	       "%.0fx\n",
	       bqps, qps / bqps);
	printf("  recall vs brute force (%u queries): %zu of %zu hits%s\n",
	       nbrute, idx_sub, brute_sub,
	       idx_sub == brute_sub ? " (exact)" : " MISMATCH");
	rc |= idx_sub != brute_sub;
	if (getenv("NSW_BENCH_HUGE")) {
		/* The same index copied into memory advised for 2 MiB pages:
		 * shows what TLB misses cost the mmap path. */
		size_t hl = (size_t)n * 32, al = 2u << 20;
		size_t bl = (built.blob_len + al) / al * al;
		uint8_t *hb = aligned_alloc(al, bl);
		uint8_t *hh = aligned_alloc(al, (hl + al) / al * al);
		nsw_pdq_index hv;

		madvise(hb, bl, MADV_HUGEPAGE);
		madvise(hh, (hl + al) / al * al, MADV_HUGEPAGE);
		memcpy(hb, built.blob, built.blob_len);
		memcpy(hh, built.hashes, hl);
		nsw_pdq_index__open(&hv, hb, built.blob_len, hh, hl, "huge");
		mc.view = &hv;
		mc.strategy = NSW_PDQ_QUERY_INDEX;
		time_queries("index, 2 MiB pages", mem_query, &mc, NULL, q, nq,
			     nbrute, &qps);
		free(hb);
		free(hh);
	}
	nsw_pdq_query_ctx_free(mc.qc);
	nsw_pdq_index__built_free(&built);
	if (dir != NULL) {
		char path[4096];
		nsw_list_builder *b = NULL;
		struct file_ctx fc = {NULL, NULL};
		nsw_list_entry e;
		double add_s, write_s, open_s, add_c, write_c, c0;
		size_t file_sub;

		snprintf(path, sizeof(path), "%s/bench_index_%u.nswl", dir, n);
		memset(&e, 0, sizeof(e));
		e.has = NSW_HAS_PDQ;
		e.pdq_quality = 100;
		e.size = -1;
		e.victim_identified = e.offender_identified = -1;
		e.source_file = "bench";
		t0 = now();
		c0 = cpu_now();
		nsw_list_builder_new(&b, "bench", "1");
		for (uint32_t i = 0; i < n; i++) {
			e.pdq = l[i];
			e.source_line = i + 1;
			if (nsw_list_builder_add(b, &e) != NSW_OK) {
				fprintf(stderr, "add: %s\n", nsw_error_last());
				return 1;
			}
		}
		add_s = now() - t0;
		add_c = cpu_now() - c0;
		t0 = now();
		c0 = cpu_now();
		if (nsw_list_builder_write(b, path, NULL) != NSW_OK) {
			fprintf(stderr, "write: %s\n", nsw_error_last());
			return 1;
		}
		write_s = now() - t0;
		write_c = cpu_now() - c0;
		nsw_list_builder_free(b);
		printf("  list file: builder add %.2f s + write (sort, index, "
		       "checksum, fsync) %.2f s = %.2f s wall; %.2f s cpu\n",
		       add_s, write_s, add_s + write_s, add_c + write_c);
		t0 = now();
		if (nsw_list_open(&fc.list, path) != NSW_OK) {
			fprintf(stderr, "open: %s\n", nsw_error_last());
			return 1;
		}
		open_s = now() - t0;
		printf("  open (mmap + validation): %.3f ms; index %.1f "
		       "bytes/hash incl. row map\n",
		       1e3 * open_s,
		       (double)nsw_list_pdq_index_bytes(fc.list) / n);
		nsw_list_cursor_new(&fc.cursor);
		file_sub = time_queries("index, mmap'd .nswl (public API)",
					file_query, &fc, NULL, q, nq, nbrute,
					&qps);
		printf("  recall through the file: %zu of %zu%s\n", file_sub,
		       brute_sub,
		       file_sub == brute_sub ? " (exact)" : " MISMATCH");
		rc |= file_sub != brute_sub;
		nsw_list_cursor_free(fc.cursor);
		nsw_list_close(fc.list);
		unlink(path);
	}
	free(q);
	free(l);
	return rc;
}

int main(int argc, char **argv)
{
	uint32_t n = 1000000, nq = 2000;
	const char *dir = NULL;
	int rc = 0, pos = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--file") == 0 && i + 1 < argc)
			dir = argv[++i];
		else if (pos++ == 0)
			n = (uint32_t)strtoul(argv[i], NULL, 10);
		else
			nq = (uint32_t)strtoul(argv[i], NULL, 10);
	}
	if (n == 0 || nq == 0) {
		fprintf(stderr, "usage: bench_index [N] [queries] [--file "
				"DIR]\n");
		return 2;
	}
	printf("bench_index: N=%u hashes, radius 31, one thread, %u "
	       "queries (half near a list hash, half random)\n",
	       n, nq);
	printf("random list:\n");
	rc |= run(n, nq, 0, dir);
	printf("clustered list (families of 16, 1-40 bits apart):\n");
	rc |= run(n, nq, 1, dir);
	return rc;
}
