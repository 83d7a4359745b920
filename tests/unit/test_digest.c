/* SPDX-License-Identifier: Apache-2.0 */
/* Digests against published vectors, incremental feeding and hex parsing. */
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "alloc.h"
#include "netsweep/digest.h"

#define ALL NSW_DIGESTS_ALL

struct vector {
	const char *input;
	size_t repeat; /* the input repeated this many times */
	const char *md5, *sha1, *sha256;
};

/* RFC 1321, FIPS 180-2 and the well-known pangram/million-a vectors. */
static const struct vector vectors[] = {
	{"", 1, "d41d8cd98f00b204e9800998ecf8427e",
	 "da39a3ee5e6b4b0d3255bfef95601890afd80709",
	 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
	{"abc", 1, "900150983cd24fb0d6963f7d28e17f72",
	 "a9993e364706816aba3e25717850c26c9cd0d89d",
	 "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
	{"The quick brown fox jumps over the lazy dog", 1,
	 "9e107d9d372bb6826bd81d3542a419d6",
	 "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12",
	 "d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592"},
	{"a", 1000000, "7707d6ae4e027c70eea2a935c2296f21",
	 "34aa973cd4c4daa4f61eeb2bdbad27316534016f",
	 "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"},
};

static void expect_hex(const uint8_t *bytes, size_t len, const char *want)
{
	char hex[2 * NSW_SHA256_BYTES + 1];

	nsw_hex_encode(hex, bytes, len);
	assert_string_equal(hex, want);
}

static void digests_match_published_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		const struct vector *v = &vectors[i];
		size_t n = strlen(v->input), total = n * v->repeat;
		uint8_t *data = malloc(total + 1);
		nsw_digests d;

		assert_non_null(data);
		for (size_t r = 0; r < v->repeat; r++)
			memcpy(data + r * n, v->input, n);
		assert_int_equal(nsw_digest_buffer(&d, ALL, data, total), 0);
		assert_int_equal(d.has, ALL);
		expect_hex(d.md5, NSW_MD5_BYTES, v->md5);
		expect_hex(d.sha1, NSW_SHA1_BYTES, v->sha1);
		expect_hex(d.sha256, NSW_SHA256_BYTES, v->sha256);
		free(data);
	}
}

/* 1 MiB of a non-repeating pattern fed in uneven pieces equals one shot. */
static void incremental_equals_one_shot(void **state)
{
	size_t total = (size_t)1 << 20;
	uint8_t *data = malloc(total);
	nsw_digest *dg = NULL;
	nsw_digests once, pieces;
	size_t off = 0, step = 1;

	(void)state;
	assert_non_null(data);
	for (size_t i = 0; i < total; i++)
		data[i] = (uint8_t)(i * 2654435761u >> 13);
	assert_int_equal(nsw_digest_buffer(&once, ALL, data, total), 0);
	assert_int_equal(nsw_digest_new(&dg, ALL), 0);
	while (off < total) {
		size_t n = step < total - off ? step : total - off;

		assert_int_equal(nsw_digest_update(dg, data + off, n), 0);
		off += n;
		step = step * 3 + 1; /* 1, 4, 13, 40, ... bytes */
	}
	assert_int_equal(nsw_digest_final(dg, &pieces), 0);
	assert_memory_equal(&once, &pieces, sizeof(once));

	/* final() leaves the state ready for the next input. */
	assert_int_equal(nsw_digest_update(dg, "abc", 3), 0);
	assert_int_equal(nsw_digest_final(dg, &pieces), 0);
	expect_hex(pieces.sha256, NSW_SHA256_BYTES, vectors[1].sha256);
	nsw_digest_free(dg);
	free(data);
}

static void computes_only_the_selected_digests(void **state)
{
	nsw_digests d;
	unsigned sha1 = NSW_ALGO_BIT(NSW_ALGO_SHA1);
	static const uint8_t zero[NSW_SHA256_BYTES];

	(void)state;
	assert_int_equal(nsw_digest_buffer(&d, sha1, "abc", 3), 0);
	assert_int_equal(d.has, sha1);
	expect_hex(d.sha1, NSW_SHA1_BYTES, vectors[1].sha1);
	assert_memory_equal(d.md5, zero, NSW_MD5_BYTES);
	assert_memory_equal(d.sha256, zero, NSW_SHA256_BYTES);
	assert_int_equal(nsw_digest_buffer(&d, 0, "abc", 3), 0);
	assert_int_equal(d.has, 0);
}

static void reset_discards_fed_data(void **state)
{
	nsw_digest *dg = NULL;
	nsw_digests d;

	(void)state;
	assert_int_equal(nsw_digest_new(&dg, ALL), 0);
	assert_int_equal(nsw_digest_update(dg, "garbage", 7), 0);
	assert_int_equal(nsw_digest_reset(dg), 0);
	assert_int_equal(nsw_digest_update(dg, "abc", 3), 0);
	assert_int_equal(nsw_digest_final(dg, &d), 0);
	expect_hex(d.md5, NSW_MD5_BYTES, vectors[1].md5);
	nsw_digest_free(dg);
}

static void rejects_bad_arguments(void **state)
{
	nsw_digest *dg = (nsw_digest *)&dg;
	nsw_digests d;

	(void)state;
	assert_int_equal(nsw_digest_new(&dg, NSW_ALGO_BIT(NSW_ALGO_PDQ)),
			 NSW_EINVAL);
	assert_null(dg);
	assert_int_equal(nsw_digest_new(&dg, 1u << 9), NSW_EINVAL);
	assert_int_equal(nsw_digest_new(NULL, ALL), NSW_EINVAL);
	assert_int_equal(nsw_digest_buffer(&d, ALL, NULL, 1), NSW_EINVAL);
	assert_int_equal(nsw_digest_buffer(&d, ALL, NULL, 0), 0);
	expect_hex(d.md5, NSW_MD5_BYTES, vectors[0].md5);
	nsw_digest_free(NULL);
}

static void reports_out_of_memory(void **state)
{
	nsw_digest *dg = (nsw_digest *)&dg;

	(void)state;
	nsw__alloc_fail_after(1, 0);
	assert_int_equal(nsw_digest_new(&dg, ALL), NSW_ENOMEM);
	assert_null(dg);
}

struct hex_case {
	const char *text;
	size_t out_len;
	int rc;
	const uint8_t expect[4];
};

static void hex_decode_is_strict(void **state)
{
	static const struct hex_case cases[] = {
		{"00ff10ab", 4, 0, {0x00, 0xff, 0x10, 0xab}},
		{"00FF10AB", 4, 0, {0x00, 0xff, 0x10, 0xab}},
		{"dEaDbEeF", 4, 0, {0xde, 0xad, 0xbe, 0xef}},
		{"", 0, 0, {0}},
		{"00ff10a", 4, NSW_EFORMAT, {0}},   /* too short */
		{"00ff10abc", 4, NSW_EFORMAT, {0}}, /* too long */
		{"00ff10ag", 4, NSW_EFORMAT, {0}},  /* not hex */
		{"0x00ff10", 4, NSW_EFORMAT, {0}},  /* prefix */
		{" 0ff10ab", 4, NSW_EFORMAT, {0}},  /* space */
		{"00ff10a\n", 4, NSW_EFORMAT, {0}}, /* newline */
		{"00ff-0ab", 4, NSW_EFORMAT, {0}},
		{"abcd", 1, NSW_EFORMAT, {0}},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct hex_case *c = &cases[i];
		uint8_t out[4] = {0x55, 0x55, 0x55, 0x55};
		int rc = nsw_hex_decode(out, c->out_len, c->text,
					strlen(c->text));

		assert_int_equal(rc, c->rc);
		if (rc == 0)
			assert_memory_equal(out, c->expect, c->out_len);
		else
			assert_int_equal(out[0], 0x55); /* untouched */
	}
}

static void hex_parse_uses_length_not_nul(void **state)
{
	uint8_t out[2];

	(void)state;
	/* Only the first 4 characters are the digest: parse (ptr, len). */
	assert_int_equal(nsw_hex_decode(out, 2, "abcdXYZ", 4), 0);
	assert_int_equal(out[0], 0xab);
	assert_int_equal(out[1], 0xcd);
	assert_int_equal(nsw_hex_decode(NULL, 2, "abcd", 4), NSW_EINVAL);
}

static void hex_round_trips(void **state)
{
	uint8_t bytes[256], back[256];
	char hex[513];

	(void)state;
	for (int i = 0; i < 256; i++)
		bytes[i] = (uint8_t)i;
	nsw_hex_encode(hex, bytes, sizeof(bytes));
	assert_int_equal(strlen(hex), 512);
	assert_int_equal(nsw_hex_decode(back, sizeof(back), hex, 512), 0);
	assert_memory_equal(bytes, back, sizeof(bytes));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(digests_match_published_vectors),
		cmocka_unit_test(incremental_equals_one_shot),
		cmocka_unit_test(computes_only_the_selected_digests),
		cmocka_unit_test(reset_discards_fed_data),
		cmocka_unit_test(rejects_bad_arguments),
		cmocka_unit_test(reports_out_of_memory),
		cmocka_unit_test(hex_decode_is_strict),
		cmocka_unit_test(hex_parse_uses_length_not_nul),
		cmocka_unit_test(hex_round_trips),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
