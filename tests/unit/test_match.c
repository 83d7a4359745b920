/* SPDX-License-Identifier: Apache-2.0 */
/* The matcher: exact digests, PDQ thresholds per list, dihedral variants
 * (best one reported), quality gate, allow-list suppression, stable order
 * across threads, and PDQ recall over list files against brute force. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "imgsynth.h"
#include "netsweep/hasher.h"
#include "netsweep/match.h"
#include "netsweep/synth.h"
#include "pdq_index.h"

static uint64_t rng_state = 0xfeedfacecafebeefull;

static uint64_t rng(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	rng_state = x;
	return x;
}

static void random_bytes(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)rng();
}

static void flip(nsw_pdq_hash *h, int k)
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

typedef struct fixture {
	char *dir;
	nsw_list *known, *allow;
	nsw_pdq_hash *pdqs; /* known list PDQ hashes, entry order */
	uint8_t (*md5s)[16];
	unsigned n;
} fixture;

#define KNOWN_N 4000

/* A known list of PDQ families (entries 0..) and MD5-only entries, and an
 * allow-list holding one MD5 and one PDQ of the known list. */
static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	nsw_list_builder *b = NULL;
	char *kp, *ap;
	nsw_list_entry e;
	nsw_pdq_hash centre;

	f->dir = ts_tmpdir();
	kp = ts_path(f->dir, "known.nswl");
	ap = ts_path(f->dir, "allow.nswl");
	f->n = KNOWN_N;
	f->pdqs = calloc(KNOWN_N, sizeof(*f->pdqs));
	f->md5s = calloc(KNOWN_N, sizeof(*f->md5s));
	if (nsw_list_builder_new(&b, "known", "1") != 0)
		return -1;
	for (unsigned i = 0; i < KNOWN_N; i++) {
		memset(&e, 0, sizeof(e));
		e.pdq_quality = -1;
		e.size = -1;
		e.victim_identified = e.offender_identified = -1;
		e.category_scheme = "vics-us";
		e.category_code = (i % 2) ? "1" : "2";
		e.source_file = "known.txt";
		e.source_line = i + 1;
		if (i % 8 == 0)
			random_bytes(centre.bytes, 32);
		if (i % 2 == 0) {
			e.has = NSW_HAS_PDQ;
			e.pdq = centre;
			flip(&e.pdq, 1 + (int)(rng() % 39));
			f->pdqs[i] = e.pdq;
		} else {
			e.has = NSW_HAS_MD5;
			random_bytes(e.md5, 16);
			memcpy(f->md5s[i], e.md5, 16);
		}
		if (nsw_list_builder_add(b, &e) != 0)
			return -1;
	}
	if (nsw_list_builder_write(b, kp, NULL) != 0)
		return -1;
	nsw_list_builder_free(b);
	if (nsw_list_builder_new(&b, "nsrl", "2024.1") != 0)
		return -1;
	memset(&e, 0, sizeof(e));
	e.pdq_quality = -1;
	e.size = -1;
	e.category_scheme = "known-software";
	e.has = NSW_HAS_MD5;
	memcpy(e.md5, f->md5s[1], 16);
	nsw_list_builder_add(b, &e);
	e.has = NSW_HAS_PDQ;
	e.pdq = f->pdqs[100];
	nsw_list_builder_add(b, &e);
	if (nsw_list_builder_write(b, ap, NULL) != 0)
		return -1;
	nsw_list_builder_free(b);
	if (nsw_list_open(&f->known, kp) != 0 ||
	    nsw_list_open(&f->allow, ap) != 0)
		return -1;
	free(kp);
	free(ap);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;

	nsw_list_close(f->known);
	nsw_list_close(f->allow);
	ts_tmpdir_remove(f->dir);
	free(f->pdqs);
	free(f->md5s);
	free(f);
	return 0;
}

static nsw_matcher *make_matcher(fixture *f, uint32_t threshold, int allow)
{
	nsw_match_options o;
	nsw_matcher *m = NULL;

	nsw_match_options_init(&o);
	o.threshold = threshold;
	assert_int_equal(nsw_matcher_new(&m, &o), NSW_OK);
	assert_int_equal(nsw_matcher_add_list(m, f->known, 0, -1), NSW_OK);
	if (allow)
		assert_int_equal(nsw_matcher_add_list(m, f->allow, 1, -1),
				 NSW_OK);
	return m;
}

/* PDQ hits of the matcher equal a brute-force scan of the list. */
static void pdq_hits_equal_brute_force(void **state)
{
	fixture *f = *state;
	nsw_match_ctx *ctx = NULL;
	static const uint32_t thresholds[] = {0, 10, 31, 45, 63};

	assert_int_equal(nsw_match_ctx_new(&ctx), NSW_OK);
	for (size_t t = 0; t < 5; t++) {
		nsw_matcher *m = make_matcher(f, thresholds[t], 0);

		for (int j = 0; j < 30; j++) {
			nsw_match_query q;
			nsw_match_result r;
			size_t want = 0, k = 0;

			memset(&q, 0, sizeof(q));
			q.label = "q";
			q.has = NSW_HAS_PDQ;
			q.npdq = 1;
			q.pdq_quality = -1;
			q.pdq[0] = f->pdqs[2 * (rng() % (KNOWN_N / 2))];
			flip(&q.pdq[0], (int)(rng() % 50));
			for (unsigned i = 0; i < KNOWN_N; i += 2)
				want += nsw_pdq__distance(f->pdqs[i].bytes,
							  q.pdq[0].bytes) <=
					thresholds[t];
			assert_int_equal(nsw_matcher_match(m, ctx, &q, &r),
					 NSW_OK);
			assert_int_equal(r.count, want);
			for (size_t i = 0; i < r.count; i++) {
				const nsw_match_record *rec = &r.records[i];

				assert_int_equal(rec->algo, NSW_ALGO_PDQ);
				assert_true(rec->distance <= thresholds[t]);
				assert_int_equal(
					rec->distance,
					nsw_pdq__distance(
						f->pdqs[rec->entry_id].bytes,
						q.pdq[0].bytes));
				assert_int_equal(rec->entry.source_line,
						 rec->entry_id + 1);
				if (i > 0)
					assert_true(r.records[i - 1].entry_id <
						    rec->entry_id);
				k++;
			}
			assert_int_equal(k, want);
		}
		nsw_matcher_free(m);
	}
	nsw_match_ctx_free(ctx);
}

static void exact_md5_matches_with_provenance(void **state)
{
	fixture *f = *state;
	nsw_matcher *m = make_matcher(f, 31, 0);
	nsw_match_ctx *ctx = NULL;
	nsw_match_query q;
	nsw_match_result r;

	assert_int_equal(nsw_match_ctx_new(&ctx), NSW_OK);
	memset(&q, 0, sizeof(q));
	q.label = "file.jpg";
	q.has = NSW_HAS_MD5;
	memcpy(q.md5, f->md5s[7], 16);
	assert_int_equal(nsw_matcher_match(m, ctx, &q, &r), NSW_OK);
	assert_int_equal(r.count, 1);
	assert_int_equal(r.alerts, 1);
	assert_int_equal(r.records[0].entry_id, 7);
	assert_int_equal(r.records[0].algo, NSW_ALGO_MD5);
	assert_int_equal(r.records[0].distance, 0);
	assert_int_equal(r.records[0].variant, -1);
	assert_memory_equal(r.records[0].hash, f->md5s[7], 16);
	assert_string_equal(r.records[0].list_name, "known");
	assert_string_equal(r.records[0].entry.category_code, "1");
	assert_string_equal(r.records[0].entry.source_file, "known.txt");
	assert_int_equal(r.records[0].entry.source_line, 8);
	/* a digest not in the list */
	q.md5[0] ^= 1;
	assert_int_equal(nsw_matcher_match(m, ctx, &q, &r), NSW_OK);
	assert_int_equal(r.count, 0);
	nsw_match_ctx_free(ctx);
	nsw_matcher_free(m);
}

static void allow_list_suppresses_alerts_and_says_so(void **state)
{
	fixture *f = *state;
	nsw_matcher *m = make_matcher(f, 31, 1);
	nsw_match_ctx *ctx = NULL;
	nsw_match_query q;
	nsw_match_result r;
	size_t allowed = 0;

	assert_int_equal(nsw_match_ctx_new(&ctx), NSW_OK);
	memset(&q, 0, sizeof(q));
	q.label = "setup.exe";
	q.has = NSW_HAS_MD5;
	memcpy(q.md5, f->md5s[1], 16);
	assert_int_equal(nsw_matcher_match(m, ctx, &q, &r), NSW_OK);
	assert_int_equal(r.count, 2);
	assert_int_equal(r.alerts, 0);
	assert_int_equal(r.suppressed, 1);
	/* list order: the known list first, then the allow-list */
	assert_int_equal(r.records[0].status, NSW_MATCH_SUPPRESSED);
	assert_int_equal(r.records[1].status, NSW_MATCH_ALLOWED);
	assert_string_equal(r.records[1].list_name, "nsrl");
	/* a PDQ near the allow-listed one: every PDQ alert suppressed */
	memset(&q, 0, sizeof(q));
	q.label = "near";
	q.has = NSW_HAS_PDQ;
	q.npdq = 1;
	q.pdq_quality = 90;
	q.pdq[0] = f->pdqs[100];
	flip(&q.pdq[0], 3);
	assert_int_equal(nsw_matcher_match(m, ctx, &q, &r), NSW_OK);
	assert_true(r.count >= 2);
	assert_int_equal(r.alerts, 0);
	for (size_t i = 0; i < r.count; i++) {
		if (r.records[i].status == NSW_MATCH_ALLOWED)
			allowed++;
		else
			assert_int_equal(r.records[i].status,
					 NSW_MATCH_SUPPRESSED);
	}
	assert_int_equal(allowed, 1);
	nsw_match_ctx_free(ctx);
	nsw_matcher_free(m);
}

static void per_list_threshold_and_quality_gate(void **state)
{
	fixture *f = *state;
	nsw_match_options o;
	nsw_matcher *m = NULL;
	nsw_match_ctx *ctx = NULL;
	nsw_match_query q;
	nsw_match_result r;

	nsw_match_options_init(&o);
	assert_int_equal(o.threshold, 31);
	assert_int_equal(o.min_quality, 50);
	assert_int_equal(nsw_matcher_new(&m, &o), NSW_OK);
	assert_int_equal(nsw_matcher_add_list(m, f->known, 0, 0), NSW_OK);
	assert_int_equal(nsw_matcher_add_list(m, f->known, 0, 64), NSW_EINVAL);
	assert_int_equal(nsw_match_ctx_new(&ctx), NSW_OK);
	memset(&q, 0, sizeof(q));
	q.label = "q";
	q.has = NSW_HAS_PDQ;
	q.npdq = 1;
	q.pdq_quality = 80;
	q.pdq[0] = f->pdqs[40];
	assert_int_equal(nsw_matcher_match(m, ctx, &q, &r), NSW_OK);
	assert_true(r.count >= 1);
	for (size_t i = 0; i < r.count; i++)
		assert_int_equal(r.records[i].distance, 0);
	flip(&q.pdq[0], 1);
	assert_int_equal(nsw_matcher_match(m, ctx, &q, &r), NSW_OK);
	for (size_t i = 0; i < r.count; i++)
		assert_int_equal(r.records[i].distance, 0);
	/* below the quality minimum: not matched, and flagged */
	q.pdq[0] = f->pdqs[40];
	q.pdq_quality = 49;
	assert_int_equal(nsw_matcher_match(m, ctx, &q, &r), NSW_OK);
	assert_int_equal(r.count, 0);
	assert_int_equal(r.pdq_low_quality, 1);
	nsw_match_ctx_free(ctx);
	nsw_matcher_free(m);
}

static void dihedral_variant_reports_best_distance(void **state)
{
	fixture *f = *state;
	nsw_matcher *m = make_matcher(f, 31, 0);
	nsw_match_ctx *ctx = NULL;
	nsw_match_query q;
	nsw_match_result r;
	int found = 0;

	assert_int_equal(nsw_match_ctx_new(&ctx), NSW_OK);
	memset(&q, 0, sizeof(q));
	q.label = "rotated.jpg";
	q.has = NSW_HAS_PDQ;
	q.pdq_quality = 100;
	q.npdq = NSW_PDQ_DIHEDRAL_COUNT;
	for (int k = 0; k < 8; k++)
		random_bytes(q.pdq[k].bytes, 32);
	/* variant 5 (flipY) is 4 bits from entry 202, variant 2 is 9 */
	q.pdq[5] = f->pdqs[202];
	flip(&q.pdq[5], 4);
	q.pdq[2] = f->pdqs[202];
	flip(&q.pdq[2], 9);
	assert_int_equal(nsw_matcher_match(m, ctx, &q, &r), NSW_OK);
	for (size_t i = 0; i < r.count; i++) {
		if (r.records[i].entry_id != 202)
			continue;
		found++;
		assert_int_equal(r.records[i].variant, NSW_PDQ_FLIPY);
		assert_int_equal(r.records[i].distance, 4);
	}
	assert_int_equal(found, 1);
	/* without dihedral matching only the original is used */
	{
		nsw_match_options o;
		nsw_matcher *m2 = NULL;

		nsw_match_options_init(&o);
		o.dihedral = 0;
		assert_int_equal(nsw_matcher_new(&m2, &o), NSW_OK);
		assert_int_equal(nsw_matcher_add_list(m2, f->known, 0, -1),
				 NSW_OK);
		assert_int_equal(nsw_matcher_match(m2, ctx, &q, &r), NSW_OK);
		for (size_t i = 0; i < r.count; i++)
			assert_int_equal(r.records[i].variant, 0);
		nsw_matcher_free(m2);
	}
	nsw_match_ctx_free(ctx);
	nsw_matcher_free(m);
}

/* ---- same results whatever the thread count ---------------------------- */

#define NQ 400

struct thread_job {
	const nsw_matcher *m;
	const nsw_match_query *q;
	uint64_t *digest; /* per query: a hash of its records */
	unsigned first, step;
};

static uint64_t records_digest(const nsw_match_result *r)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < r->count; i++) {
		uint64_t v = r->records[i].entry_id * 1000003u +
			     r->records[i].distance * 131u +
			     (uint64_t)(r->records[i].variant + 1) * 7u +
			     r->records[i].algo;

		h = (h ^ v) * 1099511628211ull;
	}
	return h ^ r->count;
}

static void *run_job(void *arg)
{
	struct thread_job *j = arg;
	nsw_match_ctx *ctx = NULL;

	if (nsw_match_ctx_new(&ctx) != 0)
		return NULL;
	for (unsigned i = j->first; i < NQ; i += j->step) {
		nsw_match_result r;

		if (nsw_matcher_match(j->m, ctx, &j->q[i], &r) == 0)
			j->digest[i] = records_digest(&r);
	}
	nsw_match_ctx_free(ctx);
	return NULL;
}

static void same_results_whatever_the_thread_count(void **state)
{
	fixture *f = *state;
	nsw_matcher *m = make_matcher(f, 31, 1);
	nsw_match_query *q = calloc(NQ, sizeof(*q));
	uint64_t *one = calloc(NQ, sizeof(uint64_t));
	uint64_t *four = calloc(NQ, sizeof(uint64_t));
	pthread_t tids[4];
	struct thread_job jobs[4];
	uint64_t nonempty = 0;

	for (unsigned i = 0; i < NQ; i++) {
		q[i].label = "q";
		q[i].has = NSW_HAS_PDQ | NSW_HAS_MD5;
		q[i].pdq_quality = -1;
		q[i].npdq = 8;
		for (int k = 0; k < 8; k++) {
			q[i].pdq[k] = f->pdqs[2 * (rng() % (KNOWN_N / 2))];
			flip(&q[i].pdq[k], (int)(rng() % 40));
		}
		memcpy(q[i].md5, f->md5s[1 + 2 * (rng() % 100)], 16);
	}
	jobs[0] = (struct thread_job){m, q, one, 0, 1};
	run_job(&jobs[0]);
	for (unsigned t = 0; t < 4; t++) {
		jobs[t] = (struct thread_job){m, q, four, t, 4};
		assert_int_equal(
			pthread_create(&tids[t], NULL, run_job, &jobs[t]), 0);
	}
	for (unsigned t = 0; t < 4; t++)
		pthread_join(tids[t], NULL);
	for (unsigned i = 0; i < NQ; i++) {
		assert_int_equal(one[i], four[i]);
		nonempty += one[i] != 0;
	}
	assert_int_equal(nonempty, NQ);
	free(q);
	free(one);
	free(four);
	nsw_matcher_free(m);
}

static char *write_png(const char *dir, const char *name, const nsw_image *img)
{
	uint8_t *png = NULL;
	size_t len = 0;
	char *path = ts_path(dir, name);

	assert_int_equal(img->channels, 3);
	assert_int_equal(ts_encode_png(&png, &len, img->pixels, img->width,
				       img->height, 3, 8, 0, 0),
			 0);
	assert_int_equal(ts_write_file(path, png, len), 0);
	free(png);
	return path;
}

/* A rotated copy of a listed picture is found through a dihedral variant:
 * through the library (hasher + matcher) and through `netsweep match`. */
static void rotated_file_matches_through_a_dihedral_variant(void **state)
{
	fixture *f = *state;
	nsw_image *img = NULL, *rot = NULL;
	nsw_hasher *h = NULL;
	nsw_file_hash fh;
	nsw_list_builder *b = NULL;
	nsw_list *l = NULL;
	nsw_matcher *m = NULL;
	nsw_match_ctx *ctx = NULL;
	nsw_match_query q;
	nsw_match_result r;
	nsw_list_entry e;
	char *orig_path, *rot_path, *list_path;
	uint32_t plain;

	assert_int_equal(nsw_synth_scene(&img, 320, 240, 77), NSW_OK);
	assert_int_equal(nsw_synth_rotate(&rot, img, 1), NSW_OK);
	orig_path = write_png(f->dir, "orig.png", img);
	rot_path = write_png(f->dir, "rotated.png", rot);
	list_path = ts_path(f->dir, "images.nswl");
	assert_int_equal(
		nsw_hasher_new(&h, NSW_DIGESTS_ALL | NSW_ALGO_BIT(NSW_ALGO_PDQ),
			       1),
		NSW_OK);
	assert_int_equal(nsw_hasher_file(h, &fh, orig_path), NSW_OK);
	assert_true(fh.has & NSW_ALGO_BIT(NSW_ALGO_PDQ));
	memset(&e, 0, sizeof(e));
	e.has = NSW_HAS_PDQ;
	e.pdq = fh.pdq.hash;
	e.pdq_quality = fh.pdq.quality;
	e.size = -1;
	e.name = "orig.png";
	assert_int_equal(nsw_list_builder_new(&b, "images", "1"), NSW_OK);
	assert_int_equal(nsw_list_builder_add(b, &e), NSW_OK);
	assert_int_equal(nsw_list_builder_write(b, list_path, NULL), NSW_OK);
	nsw_list_builder_free(b);
	assert_int_equal(nsw_list_open(&l, list_path), NSW_OK);

	assert_int_equal(nsw_hasher_file(h, &fh, rot_path), NSW_OK);
	assert_true(fh.pdq.has_dihedral);
	memset(&q, 0, sizeof(q));
	q.label = rot_path;
	q.has = NSW_HAS_PDQ;
	q.pdq_quality = fh.pdq.quality;
	q.npdq = NSW_PDQ_DIHEDRAL_COUNT;
	for (int k = 0; k < NSW_PDQ_DIHEDRAL_COUNT; k++)
		q.pdq[k] = fh.pdq.dihedral[k];
	q.pdq[0] = fh.pdq.hash;
	plain = nsw_pdq__distance(q.pdq[0].bytes, e.pdq.bytes);
	assert_true(plain > 31);
	assert_int_equal(nsw_matcher_new(&m, NULL), NSW_OK);
	assert_int_equal(nsw_matcher_add_list(m, l, 0, -1), NSW_OK);
	assert_int_equal(nsw_match_ctx_new(&ctx), NSW_OK);
	assert_int_equal(nsw_matcher_match(m, ctx, &q, &r), NSW_OK);
	assert_int_equal(r.count, 1);
	assert_true(r.records[0].variant == NSW_PDQ_ROT90 ||
		    r.records[0].variant == NSW_PDQ_ROT270);
	assert_true(r.records[0].distance < plain);
	assert_true(r.records[0].distance <= 31);
	/* The command line does the same from the file. */
	if (getenv("NSW_BIN") != NULL) {
		char cmd[8192];
		char out[8192] = {0};
		FILE *p;
		size_t n;

		snprintf(cmd, sizeof(cmd),
			 "'%s' match --list '%s' --format csv '%s' '%s'",
			 getenv("NSW_BIN"), list_path, orig_path, rot_path);
		p = popen(cmd, "r");
		assert_non_null(p);
		n = fread(out, 1, sizeof(out) - 1, p);
		out[n] = '\0';
		assert_int_equal(pclose(p), 0);
		assert_non_null(strstr(out, "orig.png,pdq,"));
		assert_non_null(strstr(out, ",0,original,alert,images,1,0,"));
		assert_non_null(strstr(out, "rotated.png,pdq,"));
		assert_non_null(
			strstr(out, r.records[0].variant == NSW_PDQ_ROT90
					    ? ",rot90,alert,"
					    : ",rot270,alert,"));
	}
	nsw_match_ctx_free(ctx);
	nsw_matcher_free(m);
	nsw_list_close(l);
	nsw_hasher_free(h);
	nsw_image_free(img);
	nsw_image_free(rot);
	free(orig_path);
	free(rot_path);
	free(list_path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pdq_hits_equal_brute_force),
		cmocka_unit_test(exact_md5_matches_with_provenance),
		cmocka_unit_test(allow_list_suppresses_alerts_and_says_so),
		cmocka_unit_test(per_list_threshold_and_quality_gate),
		cmocka_unit_test(dihedral_variant_reports_best_distance),
		cmocka_unit_test(same_results_whatever_the_thread_count),
		cmocka_unit_test(
			rotated_file_matches_through_a_dihedral_variant),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
