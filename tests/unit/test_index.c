/* SPDX-License-Identifier: Apache-2.0 */
/* The PDQ multi-index against a brute-force oracle: random and clustered
 * lists, 1 to 1M hashes, every threshold 0..63, both query paths. */
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "pdq_index.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	rng_state = x;
	return x;
}

static void random_hash(nsw_pdq_hash *h)
{
	for (int i = 0; i < 4; i++) {
		uint64_t v = rng();

		memcpy(h->bytes + 8 * i, &v, 8);
	}
}

/* Flip exactly k distinct bits of h. */
static void flip_bits(nsw_pdq_hash *h, int k)
{
	uint8_t used[256] = {0};

	while (k > 0) {
		unsigned b = (unsigned)(rng() % 256);

		if (used[b])
			continue;
		used[b] = 1;
		h->bytes[b / 8] ^= (uint8_t)(1u << (b % 8));
		k--;
	}
}

/* Families of near-duplicates: centres plus members 1..40 bits away. */
static nsw_pdq_hash *clustered_list(uint32_t n)
{
	nsw_pdq_hash *l = malloc((size_t)n * sizeof(*l) + 1);
	nsw_pdq_hash centre;

	random_hash(&centre);
	for (uint32_t i = 0; i < n; i++) {
		if (i % 20 == 0)
			random_hash(&centre);
		l[i] = centre;
		if (i % 20 != 0)
			flip_bits(&l[i], 1 + (int)(rng() % 40));
	}
	return l;
}

static nsw_pdq_hash *random_list(uint32_t n)
{
	nsw_pdq_hash *l = malloc((size_t)n * sizeof(*l) + 1);

	for (uint32_t i = 0; i < n; i++)
		random_hash(&l[i]);
	return l;
}

typedef struct built_index {
	nsw_pdq_index_built built;
	nsw_pdq_index view;
} built_index;

static uint32_t dir_bits; /* forced directory size, 0 = automatic */

static void build(built_index *b, const nsw_pdq_hash *l, uint32_t n,
		  uint32_t ntables)
{
	nsw_pdq_index_params p = {ntables, dir_bits, dir_bits};

	assert_int_equal(nsw_pdq_index__build(&b->built, l, n, &p), NSW_OK);
	assert_int_equal(nsw_pdq_index__open(&b->view, b->built.blob,
					     b->built.blob_len, b->built.hashes,
					     (size_t)n * NSW_PDQ_BYTES, "test"),
			 NSW_OK);
}

/* The oracle: every (query, input position) within radius, sorted. */
static size_t brute_force(nsw_pdq_hit *out, const nsw_pdq_hash *l, uint32_t n,
			  const nsw_pdq_hash *q, uint32_t nq, uint32_t radius)
{
	size_t k = 0;

	for (uint32_t j = 0; j < nq; j++)
		for (uint32_t i = 0; i < n; i++) {
			uint32_t d = nsw_pdq__distance(l[i].bytes, q[j].bytes);

			if (d <= radius) {
				out[k].query = j;
				out[k].row = i;
				out[k].distance = d;
				k++;
			}
		}
	return k;
}

static int by_query_row(const void *a, const void *b)
{
	const nsw_pdq_hit *x = a, *y = b;

	if (x->query != y->query)
		return x->query < y->query ? -1 : 1;
	return x->row < y->row ? -1 : x->row > y->row;
}

/* Query the index and compare with the oracle, rows mapped back to input
 * positions through the row map. */
static void check_queries(built_index *b, const nsw_pdq_hash *l, uint32_t n,
			  const nsw_pdq_hash *q, uint32_t nq, uint32_t radius,
			  int strategy)
{
	nsw_pdq_query_ctx *ctx = NULL;
	const nsw_pdq_hit *hits = NULL;
	size_t nhits = 0, nwant;
	nsw_pdq_hit *want = malloc(((size_t)n * nq + 1) * sizeof(*want));
	nsw_pdq_hit *got = NULL;

	assert_int_equal(nsw_pdq_query_ctx_new(&ctx), NSW_OK);
	nwant = brute_force(want, l, n, q, nq, radius);
	assert_int_equal(nsw_pdq_index__query(ctx, &b->view, q, nq, radius,
					      strategy, &hits, &nhits),
			 NSW_OK);
	if (nhits != nwant)
		print_error("n=%u radius=%u strategy=%d: %zu hits, oracle "
			    "%zu\n",
			    n, radius, strategy, nhits, nwant);
	assert_int_equal(nhits, nwant);
	got = malloc((nhits + 1) * sizeof(*got));
	for (size_t i = 0; i < nhits; i++) {
		got[i] = hits[i];
		assert_true(hits[i].row < n);
		got[i].row = b->built.rowmap[hits[i].row];
		/* sorted by (query, row) and unique */
		if (i > 0)
			assert_true(by_query_row(&hits[i - 1], &hits[i]) < 0);
	}
	qsort(got, nhits, sizeof(*got), by_query_row);
	for (size_t i = 0; i < nhits; i++) {
		assert_int_equal(got[i].query, want[i].query);
		assert_int_equal(got[i].row, want[i].row);
		assert_int_equal(got[i].distance, want[i].distance);
	}
	free(got);
	free(want);
	nsw_pdq_query_ctx_free(ctx);
}

/* Queries near list members (0..63 bits away) plus random ones. */
static nsw_pdq_hash *make_queries(const nsw_pdq_hash *l, uint32_t n,
				  uint32_t nq)
{
	nsw_pdq_hash *q = malloc((size_t)nq * sizeof(*q));

	for (uint32_t j = 0; j < nq; j++) {
		if (n > 0 && j % 4 != 3) {
			q[j] = l[rng() % n];
			flip_bits(&q[j], (int)(rng() % 64));
		} else {
			random_hash(&q[j]);
		}
	}
	return q;
}

static void run_case(nsw_pdq_hash *l, uint32_t n, uint32_t nq, uint32_t ntables,
		     const uint32_t *radii, size_t nradii)
{
	built_index b;
	nsw_pdq_hash *q = make_queries(l, n, nq);

	build(&b, l, n, ntables);
	for (size_t i = 0; i < nradii; i++) {
		check_queries(&b, l, n, q, nq, radii[i], NSW_PDQ_QUERY_INDEX);
		check_queries(&b, l, n, q, nq, radii[i], NSW_PDQ_QUERY_AUTO);
	}
	check_queries(&b, l, n, q, nq, 31, NSW_PDQ_QUERY_SCAN);
	nsw_pdq_index__built_free(&b.built);
	free(q);
}

static const uint32_t some_radii[] = {0, 1, 7, 15, 31, 32, 40, 47, 63};

static void random_lists_match_brute_force(void **state)
{
	static const uint32_t sizes[] = {1, 2, 3, 17, 256, 1000, 5000};

	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		nsw_pdq_hash *l = random_list(sizes[i]);

		run_case(l, sizes[i], 8, 0, some_radii, 9);
		free(l);
	}
}

static void clustered_list_matches_at_every_threshold(void **state)
{
	uint32_t radii[64];
	nsw_pdq_hash *l = clustered_list(20000);

	(void)state;
	for (uint32_t r = 0; r < 64; r++)
		radii[r] = r;
	run_case(l, 20000, 8, 0, radii, 64);
	free(l);
}

static void every_table_count_is_exact(void **state)
{
	nsw_pdq_hash *l = clustered_list(3000);

	(void)state;
	for (uint32_t m = 10; m <= NSW_PDQ_INDEX_TABLES_MAX; m += 2)
		run_case(l, 3000, 4, m, some_radii, 9);
	free(l);
}

static void every_directory_size_is_exact(void **state)
{
	static const uint32_t dirs[] = {1, 3, 6, 9, 12, 16};
	nsw_pdq_hash *l = clustered_list(4000);

	(void)state;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		dir_bits = dirs[i];
		run_case(l, 4000, 4, 12, some_radii, 9);
		run_case(l, 4000, 4, 20, some_radii, 9);
	}
	dir_bits = 0;
	free(l);
}

static void one_hash_list(void **state)
{
	nsw_pdq_hash *l = random_list(1);
	nsw_pdq_hash q[3];
	built_index b;

	(void)state;
	q[0] = l[0];
	q[1] = l[0];
	flip_bits(&q[1], 31);
	q[2] = l[0];
	flip_bits(&q[2], 32);
	build(&b, l, 1, 0);
	check_queries(&b, l, 1, q, 3, 0, NSW_PDQ_QUERY_INDEX);
	check_queries(&b, l, 1, q, 3, 31, NSW_PDQ_QUERY_INDEX);
	check_queries(&b, l, 1, q, 3, 63, NSW_PDQ_QUERY_INDEX);
	nsw_pdq_index__built_free(&b.built);
	free(l);
}

static void all_equal_hashes(void **state)
{
	nsw_pdq_hash *l = random_list(2000);

	(void)state;
	for (uint32_t i = 1; i < 2000; i++)
		l[i] = l[0];
	run_case(l, 2000, 8, 0, some_radii, 9);
	free(l);
}

static void empty_index_returns_nothing(void **state)
{
	built_index b;
	nsw_pdq_hash q;
	nsw_pdq_query_ctx *ctx = NULL;
	const nsw_pdq_hit *hits = NULL;
	size_t nhits = 1;

	(void)state;
	random_hash(&q);
	build(&b, NULL, 0, 0);
	assert_int_equal(nsw_pdq_query_ctx_new(&ctx), NSW_OK);
	assert_int_equal(nsw_pdq_index__query(ctx, &b.view, &q, 1, 63,
					      NSW_PDQ_QUERY_INDEX, &hits,
					      &nhits),
			 NSW_OK);
	assert_int_equal(nhits, 0);
	nsw_pdq_query_ctx_free(ctx);
	nsw_pdq_index__built_free(&b.built);
}

static void million_random_hashes_few_queries(void **state)
{
	const uint32_t n = 1000000;
	nsw_pdq_hash *l = random_list(n);
	static const uint32_t radii[] = {0, 31, 63};

	(void)state;
	run_case(l, n, 6, 0, radii, 3);
	free(l);
}

/* Damage a fresh 500-hash index with `damage`, then query it: the query
 * must fail with NSW_EFORMAT naming the corruption, not crash. */
static void expect_corrupt(void (*damage)(nsw_pdq_index *view))
{
	nsw_pdq_hash *l = random_list(500);
	built_index b;
	nsw_pdq_query_ctx *ctx = NULL;
	const nsw_pdq_hit *hits = NULL;
	size_t nhits = 0;

	build(&b, l, 500, 0);
	damage(&b.view);
	assert_int_equal(nsw_pdq_query_ctx_new(&ctx), NSW_OK);
	assert_int_equal(nsw_pdq_index__query(ctx, &b.view, l, 1, 31,
					      NSW_PDQ_QUERY_INDEX, &hits,
					      &nhits),
			 NSW_EFORMAT);
	assert_non_null(strstr(nsw_error_last(), "corrupt"));
	nsw_pdq_query_ctx_free(ctx);
	nsw_pdq_index__built_free(&b.built);
	free(l);
}

/* Every directory slot of every table points past the end. */
static void damage_directories(nsw_pdq_index *v)
{
	for (uint32_t t = 0; t < v->ntables; t++) {
		uint32_t *dir = (uint32_t *)v->tables[t].dir;

		for (uint32_t j = 0; j <= (1u << v->tables[t].dir_bits); j++)
			dir[j] = 0xfffffff0u + (j & 7);
	}
}

/* Directories intact, every bucket entry names a row past the end
 * (residual kept, so entries pass the filter). */
static void damage_bucket_rows(nsw_pdq_index *v)
{
	uint32_t rowmask = (1u << v->row_bits) - 1;

	assert_true(rowmask >= v->count);
	for (uint32_t t = 1; t < v->ntables; t++) {
		uint32_t *ent = (uint32_t *)v->tables[t].ent;

		for (uint32_t k = 0; k < v->count; k++)
			ent[k] |= rowmask;
	}
}

static void corrupt_directory_is_an_error_not_a_crash(void **state)
{
	(void)state;
	expect_corrupt(damage_directories);
}

static void corrupt_bucket_row_is_an_error_not_a_crash(void **state)
{
	(void)state;
	expect_corrupt(damage_bucket_rows);
}

/* A call with 8 queries does exactly the work of 8 calls with one (the
 * counters the benchmark reports), and finds the same hits. */
static void batch_work_equals_single_work(void **state)
{
	nsw_pdq_hash *l = random_list(20000);
	built_index b;
	nsw_pdq_query_ctx *ctx = NULL;
	nsw_pdq_query_stats one, eight;
	const nsw_pdq_hit *hits = NULL;
	size_t nhits = 0, single_hits = 0;

	(void)state;
	build(&b, l, 20000, 0);
	assert_int_equal(nsw_pdq_query_ctx_new(&ctx), NSW_OK);
	for (uint32_t q = 0; q < 8; q++) {
		assert_int_equal(nsw_pdq_index__query(
					 ctx, &b.view, &l[q * 7], 1, 31,
					 NSW_PDQ_QUERY_INDEX, &hits, &nhits),
				 NSW_OK);
		single_hits += nhits;
	}
	nsw_pdq_query_ctx_stats(&one, ctx, 1);
	assert_int_equal(one.queries, 8);
	assert_true(one.probes > 0 && one.candidates >= 8);
	/* Rows 0, 7, ... 49 are not consecutive: copy them. */
	{
		nsw_pdq_hash qs[8];

		for (uint32_t q = 0; q < 8; q++)
			qs[q] = l[q * 7];
		assert_int_equal(nsw_pdq_index__query(ctx, &b.view, qs, 8, 31,
						      NSW_PDQ_QUERY_INDEX,
						      &hits, &nhits),
				 NSW_OK);
	}
	nsw_pdq_query_ctx_stats(&eight, ctx, 0);
	assert_int_equal(eight.queries, 8);
	assert_int_equal(eight.probes, one.probes);
	assert_int_equal(eight.buckets, one.buckets);
	assert_int_equal(eight.entries, one.entries);
	assert_int_equal(eight.candidates, one.candidates);
	assert_int_equal(nhits, single_hits);
	nsw_pdq_query_ctx_free(ctx);
	nsw_pdq_index__built_free(&b.built);
	free(l);
}

static void open_rejects_bad_blobs(void **state)
{
	nsw_pdq_hash *l = random_list(100);
	built_index b;
	nsw_pdq_index v;
	uint8_t *copy;

	(void)state;
	build(&b, l, 100, 0);
	copy = malloc(b.built.blob_len);
	/* truncated */
	assert_int_equal(nsw_pdq_index__open(&v, b.built.blob,
					     b.built.blob_len - 64,
					     b.built.hashes, 100 * 32, "t"),
			 NSW_EFORMAT);
	/* wrong hash section size */
	assert_int_equal(nsw_pdq_index__open(&v, b.built.blob, b.built.blob_len,
					     b.built.hashes, 99 * 32, "t"),
			 NSW_EFORMAT);
	/* garbage in each header word */
	for (size_t off = 0; off < NSW_PDQ_INDEX_HEADER_BYTES; off += 4) {
		uint32_t junk = 0x7fffffffu;

		memcpy(copy, b.built.blob, b.built.blob_len);
		memcpy(copy + off, &junk, 4);
		if (nsw_pdq_index__open(&v, copy, b.built.blob_len,
					b.built.hashes, 100 * 32,
					"t") == NSW_OK) {
			/* a word that does not matter (reserved/unused slot) */
			assert_true(off >= 16 + 32 * (size_t)b.view.ntables);
		}
	}
	free(copy);
	nsw_pdq_index__built_free(&b.built);
	free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(random_lists_match_brute_force),
		cmocka_unit_test(clustered_list_matches_at_every_threshold),
		cmocka_unit_test(every_table_count_is_exact),
		cmocka_unit_test(every_directory_size_is_exact),
		cmocka_unit_test(one_hash_list),
		cmocka_unit_test(all_equal_hashes),
		cmocka_unit_test(empty_index_returns_nothing),
		cmocka_unit_test(million_random_hashes_few_queries),
		cmocka_unit_test(corrupt_directory_is_an_error_not_a_crash),
		cmocka_unit_test(corrupt_bucket_row_is_an_error_not_a_crash),
		cmocka_unit_test(batch_work_equals_single_work),
		cmocka_unit_test(open_rejects_bad_blobs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
