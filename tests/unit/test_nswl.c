/* SPDX-License-Identifier: Apache-2.0 */
/* The .nswl list file: round trip, duplicates, lookups, deltas and
 * compaction, checksum, and refusal of corrupt or truncated files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"
#include "netsweep/nswl.h"
#include "nswl_format.h"

static uint64_t rng_state = 0x0123456789abcdefull;

static uint64_t rng(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	rng_state = x;
	return x;
}

static void fill(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)rng();
}

/* Entry i of a synthetic list: a mix of algorithms and metadata. */
static void make_entry(nsw_list_entry *e, unsigned i)
{
	static char name[64], code[8];

	memset(e, 0, sizeof(*e));
	e->has = (i % 4 == 0)	? NSW_HAS_PDQ
		 : (i % 4 == 1) ? NSW_HAS_MD5
		 : (i % 4 == 2) ? (NSW_HAS_MD5 | NSW_HAS_SHA1 | NSW_HAS_SHA256)
				: (NSW_HAS_SHA1 | NSW_HAS_PDQ);
	fill(e->md5, sizeof(e->md5));
	fill(e->sha1, sizeof(e->sha1));
	fill(e->sha256, sizeof(e->sha256));
	fill(e->pdq.bytes, sizeof(e->pdq.bytes));
	e->pdq_quality = (int)(i % 101);
	e->size = (int64_t)i * 1000;
	snprintf(code, sizeof(code), "%u", i % 5);
	e->category_scheme = "vics-us";
	e->category_code = code;
	e->series = (i % 3 == 0) ? "series-a" : NULL;
	e->victim_identified = (i % 3 == 0) ? 1 : (i % 3 == 1) ? 0 : -1;
	e->offender_identified = NSW_FLAG_UNKNOWN;
	snprintf(name, sizeof(name), "file-%u.jpg", i);
	e->name = name;
	e->source_id = "id";
	e->attributes = (i % 7 == 0) ? "{\"PhotoDNA\":\"x\"}" : NULL;
	e->source_file = "input.json";
	e->source_line = i + 2;
}

typedef struct fixture {
	char *dir;
	char *path;
	nsw_list_entry *want; /* deep copies not needed: regenerated */
	unsigned n;
	uint64_t seed;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));

	f->dir = ts_tmpdir();
	f->path = ts_path(f->dir, "test.nswl");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;

	ts_tmpdir_remove(f->dir);
	free(f->path);
	free(f);
	return 0;
}

static void write_list(const char *path, unsigned n, uint64_t seed,
		       nsw_list_build_stats *stats)
{
	nsw_list_builder *b = NULL;
	nsw_list_entry e;

	rng_state = seed;
	assert_int_equal(nsw_list_builder_new(&b, "testlist", "v1"), NSW_OK);
	for (unsigned i = 0; i < n; i++) {
		make_entry(&e, i);
		assert_int_equal(nsw_list_builder_add(b, &e), NSW_OK);
	}
	assert_int_equal(nsw_list_builder_write(b, path, NULL), NSW_OK);
	if (stats)
		nsw_list_builder_stats(b, stats);
	nsw_list_builder_free(b);
}

static void assert_same_entry(const nsw_list_entry *a, const nsw_list_entry *b)
{
	assert_int_equal(a->has, b->has);
	if (a->has & NSW_HAS_MD5)
		assert_memory_equal(a->md5, b->md5, 16);
	if (a->has & NSW_HAS_SHA1)
		assert_memory_equal(a->sha1, b->sha1, 20);
	if (a->has & NSW_HAS_SHA256)
		assert_memory_equal(a->sha256, b->sha256, 32);
	if (a->has & NSW_HAS_PDQ)
		assert_memory_equal(a->pdq.bytes, b->pdq.bytes, 32);
	assert_int_equal(a->pdq_quality, b->pdq_quality);
	assert_int_equal(a->size, b->size);
	assert_string_equal(a->category_scheme, b->category_scheme);
	assert_string_equal(a->category_code, b->category_code);
	if (a->series)
		assert_string_equal(a->series, b->series);
	else
		assert_null(b->series);
	if (a->attributes)
		assert_string_equal(a->attributes, b->attributes);
	else
		assert_null(b->attributes);
	assert_int_equal(a->victim_identified, b->victim_identified);
	assert_int_equal(a->offender_identified, b->offender_identified);
	assert_string_equal(a->name, b->name);
	assert_string_equal(a->source_id, b->source_id);
	assert_string_equal(a->source_file, b->source_file);
	assert_int_equal(a->source_line, b->source_line);
}

static void round_trip_keeps_every_field(void **state)
{
	fixture *f = *state;
	nsw_list *l = NULL;
	nsw_list_info info;
	nsw_list_entry want, got;
	nsw_list_cursor *c = NULL;
	const unsigned n = 3000;

	write_list(f->path, n, 42, NULL);
	assert_int_equal(nsw_list_open(&l, f->path), NSW_OK);
	assert_int_equal(nsw_list_verify(l), NSW_OK);
	nsw_list_get_info(l, &info);
	assert_string_equal(info.name, "testlist");
	assert_string_equal(info.version, "v1");
	assert_int_equal(info.entries, n);
	assert_int_equal(info.segments, 1);
	assert_int_equal(info.count[NSW_ALGO_MD5], n / 2);
	assert_int_equal(info.count[NSW_ALGO_PDQ], n / 2);
	assert_int_equal(nsw_list_cursor_new(&c), NSW_OK);
	rng_state = 42;
	for (unsigned i = 0; i < n; i++) {
		uint64_t ids[4];
		size_t found = 0;
		const nsw_list_pdq_hit *hits;
		size_t nhits;

		make_entry(&want, i);
		assert_int_equal(nsw_list_entry_get(l, i, &got), NSW_OK);
		assert_same_entry(&want, &got);
		if (want.has & NSW_HAS_MD5) {
			assert_int_equal(nsw_list_find_digest(l, NSW_ALGO_MD5,
							      want.md5, ids, 4,
							      &found),
					 NSW_OK);
			assert_int_equal(found, 1);
			assert_int_equal(ids[0], i);
		}
		if (want.has & NSW_HAS_SHA1) {
			assert_int_equal(nsw_list_find_digest(l, NSW_ALGO_SHA1,
							      want.sha1, ids, 4,
							      &found),
					 NSW_OK);
			assert_int_equal(found, 1);
			assert_int_equal(ids[0], i);
		}
		if (want.has & NSW_HAS_PDQ) {
			assert_int_equal(nsw_list_find_pdq(c, l, &want.pdq, 1,
							   0, &hits, &nhits),
					 NSW_OK);
			assert_int_equal(nhits, 1);
			assert_int_equal(hits[0].entry, i);
			assert_int_equal(hits[0].distance, 0);
		}
	}
	{
		uint8_t absent[32] = {0};
		size_t found = 9;

		assert_int_equal(nsw_list_find_digest(l, NSW_ALGO_SHA256,
						      absent, NULL, 0, &found),
				 NSW_OK);
		assert_int_equal(found, 0);
		assert_int_equal(nsw_list_entry_get(l, n, &got), NSW_ENOTFOUND);
	}
	nsw_list_cursor_free(c);
	nsw_list_close(l);
}

static void duplicates_are_counted_not_stored(void **state)
{
	fixture *f = *state;
	nsw_list_builder *b = NULL;
	nsw_list_build_stats st;
	nsw_list_entry e;
	nsw_list *l = NULL;
	uint64_t ids[4];
	size_t found;

	assert_int_equal(nsw_list_builder_new(&b, "dups", NULL), NSW_OK);
	rng_state = 7;
	make_entry(&e, 2);
	assert_int_equal(nsw_list_builder_add(b, &e), NSW_OK);
	/* same hashes and category, other name: duplicate */
	e.name = "other";
	e.source_line = 99;
	assert_int_equal(nsw_list_builder_add(b, &e), NSW_OK);
	/* same hashes, other category: kept */
	e.category_code = "9";
	assert_int_equal(nsw_list_builder_add(b, &e), NSW_OK);
	/* an entry with no hash is refused */
	e.has = 0;
	assert_int_equal(nsw_list_builder_add(b, &e), NSW_EINVAL);
	nsw_list_builder_stats(b, &st);
	assert_int_equal(st.read, 3);
	assert_int_equal(st.kept, 2);
	assert_int_equal(st.duplicate, 1);
	assert_int_equal(nsw_list_builder_write(b, f->path, NULL), NSW_OK);
	/* a builder writes once */
	assert_int_equal(nsw_list_builder_write(b, f->path, NULL), NSW_EINVAL);
	assert_int_equal(nsw_list_builder_add(b, &e), NSW_EINVAL);
	nsw_list_builder_free(b);
	assert_int_equal(nsw_list_open(&l, f->path), NSW_OK);
	rng_state = 7;
	make_entry(&e, 2);
	assert_int_equal(
		nsw_list_find_digest(l, NSW_ALGO_MD5, e.md5, ids, 4, &found),
		NSW_OK);
	assert_int_equal(found, 2);
	assert_int_equal(ids[0], 0);
	assert_int_equal(ids[1], 1);
	assert_int_equal(nsw_list_verify(l), NSW_OK);
	nsw_list_close(l);
}

static void deltas_extend_and_compact_merges(void **state)
{
	fixture *f = *state;
	nsw_list *l = NULL;
	nsw_list_builder *b = NULL;
	nsw_list_build_stats st;
	nsw_list_info info;
	nsw_list_entry e, got;
	char *written = NULL;
	char *d1 = NULL;

	write_list(f->path, 100, 5, NULL);
	assert_int_equal(nsw_list_open(&l, f->path), NSW_OK);
	assert_int_equal(nsw_list_builder_new_delta(&b, l), NSW_OK);
	/* entries 0..149 of the same generator: 0..99 are already there */
	rng_state = 5;
	for (unsigned i = 0; i < 150; i++) {
		make_entry(&e, i);
		assert_int_equal(nsw_list_builder_add(b, &e), NSW_OK);
	}
	nsw_list_builder_stats(b, &st);
	assert_int_equal(st.read, 150);
	assert_int_equal(st.duplicate, 100);
	assert_int_equal(st.kept, 50);
	assert_int_equal(nsw_list_builder_write(b, f->path, &written), NSW_OK);
	d1 = ts_path(f->dir, "test.nswl.d001");
	assert_string_equal(written, d1);
	free(written);
	nsw_list_builder_free(b);
	nsw_list_close(l);

	assert_int_equal(nsw_list_open(&l, f->path), NSW_OK);
	nsw_list_get_info(l, &info);
	assert_int_equal(info.segments, 2);
	assert_int_equal(info.entries, 150);
	assert_int_equal(nsw_list_verify(l), NSW_OK);
	rng_state = 5;
	for (unsigned i = 0; i < 150; i++) {
		make_entry(&e, i);
		assert_int_equal(nsw_list_entry_get(l, i, &got), NSW_OK);
		assert_same_entry(&e, &got);
	}
	nsw_list_close(l);

	assert_int_equal(nsw_list_compact(f->path, &st), NSW_OK);
	assert_int_equal(st.kept, 150);
	assert_int_not_equal(access(d1, F_OK), 0);
	assert_int_equal(nsw_list_open(&l, f->path), NSW_OK);
	nsw_list_get_info(l, &info);
	assert_int_equal(info.segments, 1);
	assert_int_equal(info.entries, 150);
	assert_int_equal(nsw_list_verify(l), NSW_OK);
	nsw_list_close(l);
	free(d1);
}

static void delta_of_another_list_is_refused(void **state)
{
	fixture *f = *state;
	char *other = ts_path(f->dir, "other.nswl");
	char *d1 = ts_path(f->dir, "test.nswl.d001");
	nsw_list *l = NULL;
	nsw_list_builder *b = NULL;
	nsw_list_entry e;

	write_list(f->path, 10, 1, NULL);
	write_list(other, 10, 2, NULL);
	assert_int_equal(nsw_list_open(&l, other), NSW_OK);
	assert_int_equal(nsw_list_builder_new_delta(&b, l), NSW_OK);
	rng_state = 3;
	make_entry(&e, 1);
	assert_int_equal(nsw_list_builder_add(b, &e), NSW_OK);
	assert_int_equal(nsw_list_builder_write(b, other, NULL), NSW_OK);
	nsw_list_builder_free(b);
	nsw_list_close(l);
	/* move other's delta beside test.nswl */
	{
		char *od = ts_path(f->dir, "other.nswl.d001");

		assert_int_equal(rename(od, d1), 0);
		free(od);
	}
	assert_int_equal(nsw_list_open(&l, f->path), NSW_EFORMAT);
	assert_non_null(strstr(nsw_error_last(), "another list"));
	assert_null(l);
	free(other);
	free(d1);
}

static uint8_t *load(const char *path, size_t *len)
{
	uint8_t *d = ts_read_file(path, len);

	assert_non_null(d);
	return d;
}

static void flipped_byte_fails_verify(void **state)
{
	fixture *f = *state;
	size_t len;
	uint8_t *data;
	nsw_list *l = NULL;
	size_t step;

	write_list(f->path, 500, 9, NULL);
	data = load(f->path, &len);
	step = len / 37 + 1;
	for (size_t off = 0; off < len; off += step) {
		int rc;

		if (off >= NSWL_H_CHECKSUM && off < NSWL_H_CHECKSUM + 8)
			continue; /* the stored checksum itself: below */
		data[off] ^= 0x20;
		assert_int_equal(ts_write_file(f->path, data, len), 0);
		rc = nsw_list_open(&l, f->path);
		if (rc == NSW_OK) {
			rc = nsw_list_verify(l);
			nsw_list_close(l);
			l = NULL;
			assert_int_equal(rc, NSW_EFORMAT);
		} else {
			assert_true(rc == NSW_EFORMAT ||
				    rc == NSW_EUNSUPPORTED);
		}
		assert_true(strlen(nsw_error_last()) > 0);
		data[off] ^= 0x20;
	}
	/* flipping the checksum itself is caught too */
	data[NSWL_H_CHECKSUM] ^= 1;
	assert_int_equal(ts_write_file(f->path, data, len), 0);
	assert_int_equal(nsw_list_open(&l, f->path), NSW_OK);
	assert_int_equal(nsw_list_verify(l), NSW_EFORMAT);
	assert_non_null(strstr(nsw_error_last(), "checksum mismatch"));
	nsw_list_close(l);
	free(data);
}

static void truncated_file_is_refused(void **state)
{
	fixture *f = *state;
	size_t len;
	uint8_t *data;
	nsw_list *l = NULL;

	write_list(f->path, 200, 11, NULL);
	data = load(f->path, &len);
	for (size_t cut = 0; cut < len; cut += (cut < 600 ? 1 : 997)) {
		assert_int_equal(ts_write_file(f->path, data, cut), 0);
		assert_int_equal(nsw_list_open(&l, f->path), NSW_EFORMAT);
		assert_null(l);
	}
	free(data);
}

/* Garbage in every 32-bit word of the header and section table: open
 * either refuses with EFORMAT/EUNSUPPORTED or the lookups stay in bounds
 * (ASan checks the latter). */
static void garbage_offsets_are_refused(void **state)
{
	fixture *f = *state;
	size_t len;
	uint8_t *data;
	static const uint32_t junk[] = {0xffffffffu, 0x7fffffffu, 0x1000u, 1};

	write_list(f->path, 64, 13, NULL);
	data = load(f->path, &len);
	for (size_t off = 8; off < NSWL_HEADER_BYTES + 8 * NSWL_SECTION_BYTES;
	     off += 4) {
		for (size_t j = 0; j < sizeof(junk) / sizeof(junk[0]); j++) {
			uint8_t *copy = malloc(len);
			nsw_list *l = NULL;
			int rc;

			memcpy(copy, data, len);
			memcpy(copy + off, &junk[j], 4);
			rc = nsw_list_open_buffer(&l, copy, len, "garbage");
			if (rc == NSW_OK) {
				nsw_list_entry e;
				nsw_list_cursor *c = NULL;
				const nsw_list_pdq_hit *hits;
				size_t nh;
				nsw_pdq_hash q = {{0}};

				for (uint64_t id = 0; id < 64; id++)
					(void)nsw_list_entry_get(l, id, &e);
				nsw_list_cursor_new(&c);
				(void)nsw_list_find_pdq(c, l, &q, 1, 63, &hits,
							&nh);
				nsw_list_cursor_free(c);
				assert_int_not_equal(nsw_list_verify(l),
						     NSW_ERROR);
				nsw_list_close(l);
			} else {
				assert_true(rc == NSW_EFORMAT ||
					    rc == NSW_EUNSUPPORTED);
			}
			free(copy);
		}
	}
	free(data);
}

static void not_a_list_is_refused(void **state)
{
	fixture *f = *state;
	nsw_list *l = NULL;
	char text[512];

	memset(text, 'x', sizeof(text));
	assert_int_equal(ts_write_file(f->path, text, sizeof(text)), 0);
	assert_int_equal(nsw_list_open(&l, f->path), NSW_EFORMAT);
	assert_non_null(strstr(nsw_error_last(), "not a netsweep list"));
	assert_int_equal(nsw_list_open(&l, "/nonexistent/x.nswl"),
			 NSW_ENOTFOUND);
}

static void empty_list_round_trips(void **state)
{
	fixture *f = *state;
	nsw_list *l = NULL;
	nsw_list_info info;

	write_list(f->path, 0, 1, NULL);
	assert_int_equal(nsw_list_open(&l, f->path), NSW_OK);
	nsw_list_get_info(l, &info);
	assert_int_equal(info.entries, 0);
	assert_int_equal(nsw_list_verify(l), NSW_OK);
	nsw_list_close(l);
}

static void checksum_is_xxh64(void **state)
{
	/* Published XXH64 (seed 0) test values. */
	nsw_xxh64 s;

	(void)state;
	nsw_list__checksum_init(&s);
	assert_int_equal(nsw_list__checksum_final(&s), 0xef46db3751d8e999ull);
	nsw_list__checksum_init(&s);
	nsw_list__checksum_update(&s, "a", 1);
	assert_int_equal(nsw_list__checksum_final(&s), 0xd24ec4f1a98c6e5bull);
	nsw_list__checksum_init(&s);
	nsw_list__checksum_update(&s, "abc", 3);
	assert_int_equal(nsw_list__checksum_final(&s), 0x44bc2cf5ad770999ull);
	/* streaming in pieces equals one call */
	{
		uint8_t buf[1000];
		uint64_t one, pieces;

		fill(buf, sizeof(buf));
		nsw_list__checksum_init(&s);
		nsw_list__checksum_update(&s, buf, sizeof(buf));
		one = nsw_list__checksum_final(&s);
		nsw_list__checksum_init(&s);
		for (size_t i = 0; i < sizeof(buf); i += 7)
			nsw_list__checksum_update(
				&s, buf + i,
				i + 7 < sizeof(buf) ? 7 : sizeof(buf) - i);
		pieces = nsw_list__checksum_final(&s);
		assert_int_equal(one, pieces);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(round_trip_keeps_every_field,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			duplicates_are_counted_not_stored, setup, teardown),
		cmocka_unit_test_setup_teardown(
			deltas_extend_and_compact_merges, setup, teardown),
		cmocka_unit_test_setup_teardown(
			delta_of_another_list_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(flipped_byte_fails_verify,
						setup, teardown),
		cmocka_unit_test_setup_teardown(truncated_file_is_refused,
						setup, teardown),
		cmocka_unit_test_setup_teardown(garbage_offsets_are_refused,
						setup, teardown),
		cmocka_unit_test_setup_teardown(not_a_list_is_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(empty_list_round_trips, setup,
						teardown),
		cmocka_unit_test(checksum_is_xxh64),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
