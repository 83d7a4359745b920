/* SPDX-License-Identifier: Apache-2.0 */
/*
 * PDQ core and front end on synthetic data: each step against an
 * independent oracle (windowed mean, sort, hand-derived values, the scalar
 * core written straight from SPEC.md in tests/support/pdq_naive.c), and the
 * hex form, distance, dihedral variants and the streaming sink.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "alloc.h"
#include "imgsynth.h"
#include "pdq_core.h"
#include "pdq_input.h"
#include "pdq_naive.h"
#include "netsweep/image.h"
#include "netsweep/pdq.h"

static uint32_t rng_state;

static void rng_seed(uint32_t seed)
{
	rng_state = seed * 2654435761u + 1;
}

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

/* A float in [0, 255] with a fractional part, as weighted luma has. */
static float rng_luma(void)
{
	return (float)(rng() % 25500) / 100.0f + (float)(rng() % 7) * 0.001f;
}

/* Photo-like float plane: smooth shapes, edges, noise. */
static float *make_luma(uint32_t rows, uint32_t cols, uint32_t seed)
{
	float *p = malloc(sizeof(float) * rows * cols);

	assert_non_null(p);
	rng_seed(seed);
	for (uint32_t r = 0; r < rows; r++)
		for (uint32_t c = 0; c < cols; c++) {
			float v = 100.0f + 60.0f * sinf((float)r * 0.05f) +
				  40.0f * cosf((float)c * 0.031f);

			if ((r / 23 + c / 41) % 3 == 0)
				v += 50.0f;
			v += (float)(rng() % 30);
			p[(size_t)r * cols + c] = v > 255.0f ? 255.0f : v;
		}
	return p;
}

static uint8_t *make_rgb(uint32_t w, uint32_t h, uint32_t seed)
{
	uint8_t *p = malloc((size_t)w * h * 3);

	assert_non_null(p);
	rng_seed(seed);
	for (uint32_t y = 0; y < h; y++)
		for (uint32_t x = 0; x < w; x++) {
			uint8_t *q = p + ((size_t)y * w + x) * 3;
			uint32_t base =
				(x * 7 / (w / 16 + 1) + y * 5 / (h / 16 + 1)) *
				9;

			q[0] = (uint8_t)((base + rng() % 40) & 0xff);
			q[1] = (uint8_t)((base * 3 / 2 + rng() % 40) & 0xff);
			q[2] = (uint8_t)((255 - base + rng() % 40) & 0xff);
		}
	return p;
}

static float weighted(const uint8_t *p)
{
	return 0.299f * p[0] + 0.587f * p[1] + 0.114f * p[2];
}

static void assert_same_result(const nsw_pdq_result *a, const nsw_pdq_result *b)
{
	char ha[NSW_PDQ_HEX_LEN + 1], hb[NSW_PDQ_HEX_LEN + 1];

	nsw_pdq_to_hex(ha, &a->hash);
	nsw_pdq_to_hex(hb, &b->hash);
	assert_string_equal(ha, hb);
	assert_int_equal(a->quality, b->quality);
}

/* ---- Filter ----------------------------------------------------------- */

static void window_is_ceil_of_dim_over_128(void **state)
{
	static const struct {
		uint32_t dim;
		int w;
	} rows[] = {{1, 1},   {5, 1},	 {64, 1},   {128, 1},
		    {129, 2}, {256, 2},	 {257, 3},  {512, 4},
		    {513, 5}, {1000, 8}, {4000, 32}};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		assert_int_equal(nsw_pdq__window(rows[i].dim), rows[i].w);
}

/* Mean over [i - (w - half), i + half - 1] clipped, in double. */
static double windowed_mean(const float *in, int n, int w, int i)
{
	int half = (w + 2) / 2, lo = i - (w - half), hi = i + half - 1;
	double s = 0;

	lo = lo < 0 ? 0 : lo;
	hi = hi > n - 1 ? n - 1 : hi;
	for (int k = lo; k <= hi; k++)
		s += in[k];
	return s / (hi - lo + 1);
}

static void box_is_the_clipped_windowed_mean(void **state)
{
	(void)state;
	for (int w = 1; w <= 9; w++) {
		for (int n = w; n <= 70; n += 3) {
			float in[70], out[70], scalar[70], sum[1];

			rng_seed((uint32_t)(w * 100 + n));
			for (int i = 0; i < n; i++)
				in[i] = rng_luma();
			nsw_pdq__box_lanes(out, 1, in, 1, (uint32_t)n, 1, w,
					   sum);
			ts_pdq_box1d(scalar, in, n, 1, w);
			for (int i = 0; i < n; i++) {
				double m = windowed_mean(in, n, w, i);

				assert_true(fabs(out[i] - m) <= 1e-3);
			}
			/* ...and bit for bit the four-phase running sum. */
			assert_memory_equal(out, scalar, sizeof(float) * n);
		}
	}
}

static void box_rows_and_columns_equal_the_scalar_box(void **state)
{
	static const uint32_t dims[][2] = {{5, 5},    {7, 13},	 {8, 8},
					   {9, 31},   {17, 64},	 {64, 5},
					   {33, 129}, {130, 67}, {300, 257}};

	(void)state;
	for (size_t d = 0; d < sizeof(dims) / sizeof(dims[0]); d++) {
		uint32_t rows = dims[d][0], cols = dims[d][1];
		float *in = make_luma(rows, cols, (uint32_t)d);
		float *out = malloc(sizeof(float) * rows * cols);
		float *ref = malloc(sizeof(float) * rows * cols);
		float *scratch =
			malloc(sizeof(float) *
			       (nsw_pdq__box_rows_scratch(cols) + cols));
		int w = nsw_pdq__window(cols) + 1; /* also a non-default w */

		assert_non_null(out);
		assert_non_null(ref);
		assert_non_null(scratch);
		if (w > (int)cols)
			w = (int)cols;
		nsw_pdq__box_rows(out, in, rows, cols, w, scratch);
		for (uint32_t r = 0; r < rows; r++)
			ts_pdq_box1d(ref + (size_t)r * cols,
				     in + (size_t)r * cols, (int)cols, 1, w);
		assert_memory_equal(out, ref, sizeof(float) * rows * cols);

		w = nsw_pdq__window(rows) + 2;
		if (w > (int)rows)
			w = (int)rows;
		nsw_pdq__box_lanes(out, cols, in, cols, rows, cols, w, scratch);
		for (uint32_t c = 0; c < cols; c++)
			ts_pdq_box1d(ref + c, in + c, (int)rows, (int)cols, w);
		assert_memory_equal(out, ref, sizeof(float) * rows * cols);
		free(in);
		free(out);
		free(ref);
		free(scratch);
	}
}

static void decimation_indices_follow_the_formula(void **state)
{
	(void)state;
	for (int i = 0; i < 64; i++) {
		assert_int_equal(nsw_pdq__decimate_index(i, 64), i);
		assert_int_equal(nsw_pdq__decimate_index(i, 128), 2 * i + 1);
		assert_int_equal(nsw_pdq__decimate_index(i, 512), 8 * i + 4);
		assert_int_equal(nsw_pdq__decimate_index(i, 32), i / 2);
	}
	/* (i + 0.5) * 100 / 64: 0.78 -> 0, 2.34 -> 2, ..., 99.2 -> 99 */
	assert_int_equal(nsw_pdq__decimate_index(0, 100), 0);
	assert_int_equal(nsw_pdq__decimate_index(1, 100), 2);
	assert_int_equal(nsw_pdq__decimate_index(63, 100), 99);
	assert_int_equal(nsw_pdq__decimate_index(0, 5), 0);
	assert_int_equal(nsw_pdq__decimate_index(63, 5), 4);
	for (uint32_t dim = 1; dim <= 2000; dim++)
		for (int i = 0; i < 64; i++) {
			uint32_t k = nsw_pdq__decimate_index(i, dim);

			assert_true(k < dim);
			if (i > 0)
				assert_true(k >= nsw_pdq__decimate_index(i - 1,
									 dim));
		}
}

/* The optimised filter + decimation against the scalar core, bit for
 * bit, on sizes that hit every strip, lane and window edge case. */
static void filter_and_hash_equal_the_scalar_core(void **state)
{
	static const uint32_t dims[][2] = {
		{5, 5},	    {5, 64},	{6, 7},	    {63, 65},	{64, 64},
		{100, 37},  {127, 128}, {128, 129}, {129, 255}, {256, 257},
		{300, 511}, {512, 512}, {511, 384}, {640, 480}, {97, 700}};

	(void)state;
	for (size_t d = 0; d < sizeof(dims) / sizeof(dims[0]); d++) {
		uint32_t rows = dims[d][0], cols = dims[d][1];
		float *luma = make_luma(rows, cols, (uint32_t)(d + 40));
		float *work = malloc(sizeof(float) *
				     nsw_pdq__filter_work(rows, cols));
		float a[64 * 64], ref_a[64 * 64], ref_block[256];
		nsw_pdq_result r;
		nsw_pdq_hash h;
		int q;

		assert_non_null(work);
		nsw_pdq__filter_decimate(a, luma, rows, cols, work);
		assert_int_equal(ts_pdq_naive(&h, &q, ref_block, ref_a, luma,
					      (int)rows, (int)cols),
				 0);
		assert_memory_equal(a, ref_a, sizeof(a));
		assert_int_equal(nsw_pdq_hash_luma(&r, luma, cols, rows, 0),
				 NSW_OK);
		assert_memory_equal(&r.hash, &h, sizeof(h));
		assert_int_equal(r.quality, q);
		free(work);
		free(luma);
	}
}

/* ---- Quality, DCT, median, bits --------------------------------------- */

static void quality_of_known_gradients(void **state)
{
	float a[64 * 64];

	(void)state;
	/* Flat: no gradient. */
	for (int i = 0; i < 64 * 64; i++)
		a[i] = 77.5f;
	assert_int_equal(nsw_pdq__quality(a), 0);
	/* Ramp of 3 per column: each of the 64 * 63 horizontal pairs gives
	 * (int)(300 / 255) = 1, vertical pairs 0: 4032 / 90 = 44. */
	for (int i = 0; i < 64; i++)
		for (int j = 0; j < 64; j++)
			a[i * 64 + j] = (float)(3 * j);
	assert_int_equal(nsw_pdq__quality(a), 44);
	/* Ramp of 6 per row: (int)(600 / 255) = 2 per vertical pair:
	 * 8064 / 90 = 89. */
	for (int i = 0; i < 64; i++)
		for (int j = 0; j < 64; j++)
			a[i * 64 + j] = (float)(6 * i);
	assert_int_equal(nsw_pdq__quality(a), 89);
	/* Ramp of 2: (int)(200 / 255) = 0 everywhere. */
	for (int i = 0; i < 64; i++)
		for (int j = 0; j < 64; j++)
			a[i * 64 + j] = (float)(2 * j);
	assert_int_equal(nsw_pdq__quality(a), 0);
	/* Checkerboard 0/255: every pair gives 100, capped at 100. */
	for (int i = 0; i < 64; i++)
		for (int j = 0; j < 64; j++)
			a[i * 64 + j] = (i + j) % 2 ? 255.0f : 0.0f;
	assert_int_equal(nsw_pdq__quality(a), 100);
}

static void dct_matrix_is_the_scaled_cosine_basis(void **state)
{
	float d[16 * 64];

	(void)state;
	nsw_pdq__dct_matrix(d);
	/* D[0][0] = sqrt(2/64) cos(pi/128) = 0.1767234...; D[0][63] =
	 * sqrt(2/64) cos(127 pi/128) = -D[0][0]; D[1][0] = sqrt(2/64)
	 * cos(2 pi/128) = 0.1765637... */
	assert_true(fabs(d[0] - 0.1767234535) < 1e-7);
	assert_true(d[63] == -d[0]);
	assert_true(fabs(d[64] - 0.1765637600) < 1e-7);
	/* Rows are orthonormal (to float precision). */
	for (int i = 0; i < 16; i++)
		for (int k = 0; k < 16; k++) {
			double s = 0;

			for (int j = 0; j < 64; j++)
				s += (double)d[i * 64 + j] * d[k * 64 + j];
			assert_true(fabs(s - (i == k ? 1.0 : 0.0)) < 1e-5);
		}
}

static void dct_finds_the_frequency_of_a_cosine(void **state)
{
	float a[64 * 64], b[256];

	(void)state;
	for (int i = 0; i < 64 * 64; i++)
		a[i] = 128.0f;
	nsw_pdq__dct(b, a);
	for (int k = 0; k < 256; k++)
		assert_true(fabsf(b[k]) < 1e-3f); /* DC is not kept */
	/* Vertical frequency 3 (row 2), horizontal 5 (column 4). */
	for (int m = 0; m < 64; m++)
		for (int n = 0; n < 64; n++)
			a[m * 64 + n] =
				(float)(128 + 100 *
						      cos(M_PI * 3 *
							  (2 * m + 1) / 128) *
						      cos(M_PI * 5 *
							  (2 * n + 1) / 128));
	nsw_pdq__dct(b, a);
	for (int k = 0; k < 256; k++) {
		if (k == 2 * 16 + 4)
			assert_true(fabsf(b[k] - 100.0f * 32.0f) < 0.5f);
		else
			assert_true(fabsf(b[k]) < 0.5f);
	}
}

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;

	return (x > y) - (x < y);
}

static void median_is_the_128th_smallest(void **state)
{
	float v[256], s[256];

	(void)state;
	for (int round = 0; round < 200; round++) {
		rng_seed((uint32_t)round);
		for (int i = 0; i < 256; i++) {
			switch (round % 4) {
			case 0: /* spread, both signs */
				v[i] = (float)((int)(rng() % 200001) - 100000) /
				       7.0f;
				break;
			case 1: /* many ties */
				v[i] = (float)(rng() % 5);
				break;
			case 2: /* signed zeros and tiny values */
				v[i] = (rng() % 3 == 0)	  ? -0.0f
				       : (rng() % 2 == 0) ? 0.0f
							  : -1e-30f;
				break;
			default: /* sorted descending */
				v[i] = (float)(256 - i);
				break;
			}
		}
		memcpy(s, v, sizeof(s));
		qsort(s, 256, sizeof(float), cmp_float);
		assert_true(nsw_pdq__median(v) == s[127]);
	}
}

static void bits_follow_the_word_and_byte_order(void **state)
{
	float b[256];
	nsw_pdq_hash h;
	char hex[NSW_PDQ_HEX_LEN + 1];

	(void)state;
	/* B[k] = k: median 127, bits 128..255 set: the high half. */
	for (int k = 0; k < 256; k++)
		b[k] = (float)k;
	nsw_pdq__bits(&h, b);
	nsw_pdq_to_hex(hex, &h);
	assert_string_equal(hex, "ffffffffffffffffffffffffffffffff"
				 "00000000000000000000000000000000");
	/* B = column index: median 7, columns 8..15 set in every word. */
	for (int k = 0; k < 256; k++)
		b[k] = (float)(k % 16);
	nsw_pdq__bits(&h, b);
	nsw_pdq_to_hex(hex, &h);
	assert_string_equal(hex, "ff00ff00ff00ff00ff00ff00ff00ff00"
				 "ff00ff00ff00ff00ff00ff00ff00ff00");
	/* Only row 0 (word 0, printed last) above the median. */
	for (int k = 0; k < 256; k++)
		b[k] = k < 16 ? 1.0f : 0.0f;
	nsw_pdq__bits(&h, b);
	nsw_pdq_to_hex(hex, &h);
	assert_string_equal(hex, "00000000000000000000000000000000"
				 "0000000000000000000000000000ffff");
}

/* ---- Dihedral --------------------------------------------------------- */

/* new[m][k] from old (n x n) for each variant, as pixel moves. */
static uint8_t pixel_of(const uint8_t *img, int n, int m, int k,
			nsw_pdq_dihedral d)
{
	switch (d) {
	case NSW_PDQ_ROT90: /* counter-clockwise */
		return img[k * n + (n - 1 - m)];
	case NSW_PDQ_ROT180:
		return img[(n - 1 - m) * n + (n - 1 - k)];
	case NSW_PDQ_ROT270:
		return img[(n - 1 - k) * n + m];
	case NSW_PDQ_FLIPX: /* top-bottom */
		return img[(n - 1 - m) * n + k];
	case NSW_PDQ_FLIPY: /* mirror */
		return img[m * n + (n - 1 - k)];
	case NSW_PDQ_FLIP_PLUS1: /* transpose */
		return img[k * n + m];
	case NSW_PDQ_FLIP_MINUS1: /* anti-transpose */
		return img[(n - 1 - k) * n + (n - 1 - m)];
	default:
		return img[m * n + k];
	}
}

static void dihedral_variants_hash_the_transformed_image(void **state)
{
	enum {
		N = 64
	};
	uint8_t img[N * N], moved[N * N];

	(void)state;
	/* 64 x 64 grey: no resize, window 1, integer sums, decimation is a
	 * copy, so the transformed image reaches the DCT unchanged. */
	for (uint32_t seed = 1; seed <= 4; seed++) {
		nsw_pdq_result orig, r;

		rng_seed(seed);
		for (int m = 0; m < N; m++)
			for (int k = 0; k < N; k++)
				img[m * N + k] =
					(uint8_t)((m * 3 + k * k / 20 +
						   (int)seed * 30 +
						   ((m / 9 + k / 13) % 2) * 70 +
						   (int)(rng() % 20)) &
						  0xff);
		assert_int_equal(nsw_pdq_hash_pixels(&orig, img, N, N, 1, N, 1),
				 NSW_OK);
		assert_true(orig.has_dihedral);
		assert_memory_equal(&orig.dihedral[0], &orig.hash,
				    sizeof(orig.hash));
		for (int d = 0; d < NSW_PDQ_DIHEDRAL_COUNT; d++) {
			for (int m = 0; m < N; m++)
				for (int k = 0; k < N; k++)
					moved[m * N + k] =
						pixel_of(img, N, m, k,
							 (nsw_pdq_dihedral)d);
			assert_int_equal(
				nsw_pdq_hash_pixels(&r, moved, N, N, 1, N, 0),
				NSW_OK);
			assert_int_equal(
				nsw_pdq_distance(&r.hash, &orig.dihedral[d]),
				0);
			assert_int_equal(r.quality, orig.quality);
		}
	}
}

static void dihedral_names_are_distinct(void **state)
{
	(void)state;
	assert_string_equal(nsw_pdq_dihedral_name(NSW_PDQ_ORIGINAL),
			    "original");
	assert_string_equal(nsw_pdq_dihedral_name(NSW_PDQ_ROT90), "rot90");
	assert_string_equal(nsw_pdq_dihedral_name(NSW_PDQ_FLIP_MINUS1),
			    "flipminus1");
	for (int a = 0; a < NSW_PDQ_DIHEDRAL_COUNT; a++)
		for (int b = a + 1; b < NSW_PDQ_DIHEDRAL_COUNT; b++)
			assert_string_not_equal(
				nsw_pdq_dihedral_name((nsw_pdq_dihedral)a),
				nsw_pdq_dihedral_name((nsw_pdq_dihedral)b));
	assert_string_equal(nsw_pdq_dihedral_name(NSW_PDQ_DIHEDRAL_COUNT), "?");
	assert_string_equal(nsw_pdq_dihedral_name((nsw_pdq_dihedral)-1), "?");
}

/* ---- Hex and distance ------------------------------------------------- */

static const char ref_hex[] =
	"d8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22";

static void hex_round_trips_in_either_case(void **state)
{
	nsw_pdq_hash h, u;
	char hex[NSW_PDQ_HEX_LEN + 1], upper[NSW_PDQ_HEX_LEN];

	(void)state;
	assert_int_equal(nsw_pdq_from_hex(&h, ref_hex, 64), NSW_OK);
	assert_int_equal(h.bytes[0], 0xd8);
	assert_int_equal(h.bytes[31], 0x22);
	nsw_pdq_to_hex(hex, &h);
	assert_string_equal(hex, ref_hex);
	for (int i = 0; i < 64; i++)
		upper[i] = (ref_hex[i] >= 'a') ? (char)(ref_hex[i] - 32)
					       : ref_hex[i];
	/* Not NUL-terminated: the length is what counts. */
	assert_int_equal(nsw_pdq_from_hex(&u, upper, sizeof(upper)), NSW_OK);
	assert_memory_equal(&u, &h, sizeof(h));
	assert_int_equal(nsw_pdq_distance(&u, &h), 0);
}

static void hex_rejects_malformed_text(void **state)
{
	static const struct {
		const char *text;
		size_t len;
	} rows[] = {
		{"", 0},
		{ref_hex, 63},
		{ref_hex, 1},
		{"d8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c"
		 "9b22a",
		 65},
		{"g8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c"
		 "9b22",
		 64},
		{"d8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c"
		 "9b2 ",
		 64},
		{"d8f8f0cee0\0004a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e"
		 "9c9b22",
		 64},
		{"0xf8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c"
		 "9b22",
		 64},
		{"-8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c"
		 "9b22",
		 64},
	};
	nsw_pdq_hash h;

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		memset(&h, 0x5a, sizeof(h));
		assert_int_equal(
			nsw_pdq_from_hex(&h, rows[i].text, rows[i].len),
			NSW_EFORMAT);
		assert_int_equal(h.bytes[0], 0x5a); /* untouched */
	}
	assert_int_equal(nsw_pdq_from_hex(NULL, ref_hex, 64), NSW_EINVAL);
	assert_int_equal(nsw_pdq_from_hex(&h, NULL, 64), NSW_EINVAL);
}

static void distance_counts_differing_bits(void **state)
{
	nsw_pdq_hash a, b;

	(void)state;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	assert_int_equal(nsw_pdq_distance(&a, &b), 0);
	b.bytes[31] = 1;
	assert_int_equal(nsw_pdq_distance(&a, &b), 1);
	b.bytes[0] = 0x80;
	assert_int_equal(nsw_pdq_distance(&a, &b), 2);
	memset(&b, 0xff, sizeof(b));
	assert_int_equal(nsw_pdq_distance(&a, &b), 256);
	for (int round = 0; round < 100; round++) {
		int expect = 0;

		rng_seed((uint32_t)round + 7);
		for (int i = 0; i < 32; i++) {
			a.bytes[i] = (uint8_t)rng();
			b.bytes[i] = (uint8_t)rng();
			for (int bit = 0; bit < 8; bit++)
				expect +=
					((a.bytes[i] ^ b.bytes[i]) >> bit) & 1;
		}
		assert_int_equal(nsw_pdq_distance(&a, &b), expect);
		assert_int_equal(nsw_pdq_distance(&b, &a), expect);
	}
}

/* ---- Front end -------------------------------------------------------- */

/* The luma the reference hashes, built here independently: nearest
 * neighbour to 512 x 512 when needed, grey rule over all pixels. */
static float *reference_luma(const uint8_t *px, uint32_t w, uint32_t h,
			     uint32_t *ow, uint32_t *oh)
{
	int resize = w > 512 || h > 512, grey = 1;
	float *l;

	*ow = resize ? 512 : w;
	*oh = resize ? 512 : h;
	for (size_t i = 0; i < (size_t)w * h; i++)
		if (px[3 * i] != px[3 * i + 1] || px[3 * i] != px[3 * i + 2])
			grey = 0;
	l = malloc(sizeof(float) * *ow * *oh);
	assert_non_null(l);
	for (uint32_t y = 0; y < *oh; y++)
		for (uint32_t x = 0; x < *ow; x++) {
			uint32_t sy =
				resize ? (uint32_t)floor(y * (double)h / 512.0)
				       : y;
			uint32_t sx =
				resize ? (uint32_t)floor(x * (double)w / 512.0)
				       : x;
			const uint8_t *p = px + ((size_t)sy * w + sx) * 3;

			l[(size_t)y * *ow + x] =
				grey ? (float)p[0] : weighted(p);
		}
	return l;
}

static void check_pixels_against_reference_luma(const uint8_t *px, uint32_t w,
						uint32_t h)
{
	uint32_t ow, oh;
	float *l = reference_luma(px, w, h, &ow, &oh);
	nsw_pdq_result a, b;

	assert_int_equal(nsw_pdq_hash_pixels(&a, px, w, h, 3, (size_t)w * 3, 1),
			 NSW_OK);
	assert_int_equal(nsw_pdq_hash_luma(&b, l, ow, oh, 1), NSW_OK);
	assert_same_result(&a, &b);
	assert_memory_equal(a.dihedral, b.dihedral, sizeof(a.dihedral));
	free(l);
}

static void pre_resize_is_nearest_neighbour_to_512(void **state)
{
	static const uint32_t dims[][2] = {
		{700, 600}, {1000, 300}, {300, 1000},  {513, 512},
		{512, 512}, {300, 200},	 {1920, 1080}, {37, 515}};

	(void)state;
	for (size_t d = 0; d < sizeof(dims) / sizeof(dims[0]); d++) {
		uint8_t *px = make_rgb(dims[d][0], dims[d][1], (uint32_t)d);

		check_pixels_against_reference_luma(px, dims[d][0], dims[d][1]);
		free(px);
	}
}

static void grey_row_check_sees_every_byte(void **state)
{
	(void)state;
	for (uint32_t w = 1; w <= 60; w++) {
		/* Exactly 3 * w bytes, so reading past the row is caught
		 * under ASan. */
		uint8_t *row = malloc((size_t)w * 3);

		assert_non_null(row);
		for (uint32_t x = 0; x < w; x++)
			row[3 * x] = row[3 * x + 1] = row[3 * x + 2] =
				(uint8_t)(x * 37 + w);
		assert_true(nsw_pdq__row_is_grey(row, w));
		for (size_t j = 0; j < (size_t)w * 3; j++) {
			for (int bit = 0; bit < 8; bit += 7) {
				row[j] ^= (uint8_t)(1u << bit);
				assert_false(nsw_pdq__row_is_grey(row, w));
				row[j] ^= (uint8_t)(1u << bit);
			}
		}
		assert_true(nsw_pdq__row_is_grey(row, w));
		free(row);
	}
}

static void grey_rule_looks_at_every_pixel(void **state)
{
	const uint32_t w = 700, h = 650; /* resized: most pixels unsampled */
	uint8_t *px = make_rgb(w, h, 3);
	uint8_t *grey1 = malloc((size_t)w * h);
	nsw_pdq_result a, b;

	(void)state;
	assert_non_null(grey1);
	for (size_t i = 0; i < (size_t)w * h; i++) {
		px[3 * i + 1] = px[3 * i + 2] = px[3 * i];
		grey1[i] = px[3 * i];
	}
	/* All grey: luma is the value itself, as for a 1-channel image. */
	check_pixels_against_reference_luma(px, w, h);
	assert_int_equal(nsw_pdq_hash_pixels(&a, px, w, h, 3, (size_t)w * 3, 0),
			 NSW_OK);
	assert_int_equal(nsw_pdq_hash_pixels(&b, grey1, w, h, 1, w, 0), NSW_OK);
	assert_same_result(&a, &b);
	/* One coloured pixel in the last row and column, which the resize
	 * never samples, switches the whole image to the weighted sum. */
	assert_true(floor(511 * 700.0 / 512) < w - 1);
	assert_true(floor(511 * 650.0 / 512) < h - 1);
	px[((size_t)(h - 1) * w + (w - 1)) * 3 + 2] ^= 1;
	check_pixels_against_reference_luma(px, w, h);
	/* The first pixel coloured: the same. */
	px[((size_t)(h - 1) * w + (w - 1)) * 3 + 2] ^= 1;
	px[1] ^= 1;
	check_pixels_against_reference_luma(px, w, h);
	free(px);
	free(grey1);
}

static void too_small_gives_the_zero_hash(void **state)
{
	static const uint32_t dims[][2] = {{4, 100}, {100, 4}, {1, 1}, {4, 4}};
	uint8_t px[100 * 100 * 3];
	nsw_pdq_hash zero;

	(void)state;
	memset(&zero, 0, sizeof(zero));
	for (size_t i = 0; i < sizeof(px); i++)
		px[i] = (uint8_t)(i * 37);
	for (size_t d = 0; d < sizeof(dims) / sizeof(dims[0]); d++) {
		nsw_pdq_result r;

		assert_int_equal(nsw_pdq_hash_pixels(&r, px, dims[d][0],
						     dims[d][1], 3,
						     (size_t)dims[d][0] * 3, 1),
				 NSW_OK);
		assert_memory_equal(&r.hash, &zero, sizeof(zero));
		assert_memory_equal(&r.dihedral[5], &zero, sizeof(zero));
		assert_int_equal(r.quality, 0);
	}
	{
		nsw_pdq_result r;

		assert_int_equal(nsw_pdq_hash_pixels(&r, px, 5, 5, 3, 15, 0),
				 NSW_OK);
		assert_int_not_equal(nsw_pdq_distance(&r.hash, &zero), 0);
	}
}

/* Feed a collector as a decoder would; `skip` honours wants_row. */
static int feed(nsw_pdq_result *out, const uint8_t *px, uint32_t w, uint32_t h,
		uint32_t ch, int skip, uint32_t stop_at)
{
	nsw_pdq__collector c;
	nsw_image_sink sink;
	int rc;

	nsw_pdq__collector_init(&c, &sink);
	rc = sink.begin(sink.ctx, NSW_IMAGE_JPEG, w, h, ch);
	for (uint32_t y = 0; rc == 0 && y < h && y < stop_at; y++)
		if (!skip || sink.wants_row(sink.ctx, y))
			rc = sink.row(sink.ctx, y, px + (size_t)y * w * ch);
	if (rc == 0)
		rc = nsw_pdq__collector_finish(out, &c, "test.jpg", 1);
	nsw_pdq__collector_dispose(&c);
	return rc;
}

static void sink_needs_every_row_only_while_grey(void **state)
{
	const uint32_t w = 800, h = 1500;
	uint8_t *px = make_rgb(w, h, 9);
	nsw_pdq__collector c;
	nsw_image_sink sink;
	nsw_pdq_result all, some;
	uint32_t wanted = 0;

	(void)state;
	/* Grey for the first 1000 rows, then colour. */
	for (size_t i = 0; i < (size_t)w * 1000; i++)
		px[3 * i + 1] = px[3 * i + 2] = px[3 * i];
	nsw_pdq__collector_init(&c, &sink);
	assert_int_equal(sink.begin(sink.ctx, NSW_IMAGE_JPEG, w, h, 3), 0);
	for (uint32_t y = 0; y < h; y++) {
		int want = sink.wants_row(sink.ctx, y);

		if (y <= 1000)
			assert_true(want); /* grey flag still open */
		wanted += want != 0;
		if (want)
			assert_int_equal(
				sink.row(sink.ctx, y, px + (size_t)y * w * 3),
				0);
	}
	/* Rows 1001.. only where sampled: 512 * 499 / 1500 of them or so. */
	assert_true(wanted < h);
	assert_int_equal(nsw_pdq__collector_finish(&some, &c, NULL, 1), 0);
	nsw_pdq__collector_dispose(&c);
	assert_int_equal(feed(&all, px, w, h, 3, 0, h), 0);
	assert_same_result(&all, &some);
	check_pixels_against_reference_luma(px, w, h);
	free(px);
}

static void sink_skipping_unwanted_rows_changes_nothing(void **state)
{
	static const uint32_t dims[][3] = {
		{1920, 1080, 3}, {600, 2000, 1}, {2000, 300, 1}, {513, 513, 3}};

	(void)state;
	for (size_t d = 0; d < sizeof(dims) / sizeof(dims[0]); d++) {
		uint32_t w = dims[d][0], h = dims[d][1], ch = dims[d][2];
		uint8_t *px = make_rgb(w, h, (uint32_t)d + 20);
		nsw_pdq_result all, some;

		if (ch == 1) /* use the first plane's bytes as grey */
			for (size_t i = 0; i < (size_t)w * h; i++)
				px[i] = px[3 * i];
		assert_int_equal(feed(&all, px, w, h, ch, 0, h), 0);
		assert_int_equal(feed(&some, px, w, h, ch, 1, h), 0);
		assert_same_result(&all, &some);
		assert_memory_equal(all.dihedral, some.dihedral,
				    sizeof(all.dihedral));
		free(px);
	}
}

static void sink_reports_missing_rows(void **state)
{
	uint8_t *px = make_rgb(300, 200, 1);
	nsw_pdq_result r;

	(void)state;
	assert_int_equal(feed(&r, px, 300, 200, 3, 0, 150), NSW_EFORMAT);
	assert_non_null(strstr(nsw_error_last(), "test.jpg"));
	assert_int_equal(feed(&r, px, 1000, 60, 3, 1, 59), NSW_EFORMAT);
	free(px);
}

/* The streaming path (decoders may skip rows the sink does not want)
 * against decoding the whole image first, for every format. */
static void check_stream_equals_whole(const uint8_t *file, size_t len,
				      const char *what)
{
	nsw_image *img = NULL;
	nsw_pdq_result a, b;

	assert_int_equal(nsw_image_decode(&img, file, len, what), NSW_OK);
	assert_int_equal(nsw_pdq_hash_pixels(&a, img->pixels, img->width,
					     img->height, img->channels,
					     (size_t)img->width * img->channels,
					     1),
			 NSW_OK);
	assert_int_equal(nsw_pdq_hash_buffer(&b, file, len, what, 1), NSW_OK);
	assert_same_result(&a, &b);
	assert_memory_equal(a.dihedral, b.dihedral, sizeof(a.dihedral));
	/* The decoded size is reported; a hash of pixels has none. */
	assert_int_equal(b.width, img->width);
	assert_int_equal(b.height, img->height);
	assert_int_equal(a.width, 0);
	assert_int_equal(a.height, 0);
	nsw_image_free(img);
}

static void stream_hash_equals_whole_image_hash(void **state)
{
	const uint32_t w = 1200, h = 900;
	uint8_t *rgb = ts_synth_rgb(w, h, 5), *file = NULL;
	uint8_t *half_grey = malloc((size_t)w * h * 3);
	size_t len = 0;

	(void)state;
	assert_non_null(rgb);
	assert_non_null(half_grey);
	/* Grey down to row 700, colour below: the sink must see every row
	 * until then. */
	memcpy(half_grey, rgb, (size_t)w * h * 3);
	for (size_t i = 0; i < (size_t)w * 700; i++)
		half_grey[3 * i + 1] = half_grey[3 * i + 2] = half_grey[3 * i];
	for (int progressive = 0; progressive <= 1; progressive++) {
		assert_int_equal(ts_encode_jpeg(&file, &len, rgb, w, h, 3, 90,
						progressive),
				 0);
		check_stream_equals_whole(file, len, "colour.jpg");
		free(file);
		assert_int_equal(ts_encode_jpeg(&file, &len, half_grey, w, h, 3,
						90, progressive),
				 0);
		check_stream_equals_whole(file, len, "half-grey.jpg");
		free(file);
	}
	assert_int_equal(
		ts_encode_png(&file, &len, half_grey, w, h, 3, 8, 0, 0), 0);
	check_stream_equals_whole(file, len, "half-grey.png");
	free(file);
	assert_int_equal(ts_encode_webp(&file, &len, rgb, w, h, 3, 80, 0), 0);
	check_stream_equals_whole(file, len, "colour.webp");
	free(file);
	ts_palette_quantize(rgb, w, h);
	assert_int_equal(ts_encode_gif(&file, &len, rgb, w, h, 0, 1), 0);
	check_stream_equals_whole(file, len, "colour.gif");
	free(file);
	free(rgb);
	free(half_grey);
}

/*
 * A tall grey JPEG (4:4:4, so colour stays inside its 8 x 8 block) with one
 * coloured block in rows 16..23, none of which the 512-row resize samples
 * (it reads rows 0, 15, 31, ...). A decoder skipping unwanted rows must
 * still deliver those rows, because the grey question is still open; the
 * stream then hashes with the weighted sum, as the whole image does.
 */
static void colour_only_in_unsampled_rows_is_seen(void **state)
{
	const uint32_t w = 64, h = 8000;
	uint8_t *px = malloc((size_t)w * h * 3), *file = NULL;
	ts_jpeg_opts opts = {90, 0, 1, 1, 0, 0};
	nsw_image *img = NULL;
	size_t len = 0;
	uint32_t colour_rows = 0, first = h, last = 0;

	(void)state;
	assert_non_null(px);
	for (uint32_t y = 0; y < h; y++)
		for (uint32_t x = 0; x < w; x++) {
			uint8_t *p = px + ((size_t)y * w + x) * 3;
			uint8_t v = (uint8_t)((x * 3 + y / 40) & 0xff);

			p[0] = p[1] = p[2] = v;
			if (y >= 16 && y < 24 && x >= 8 && x < 16) {
				p[0] = 220;
				p[1] = 30;
				p[2] = 40;
			}
		}
	for (uint32_t y = 0; y < 512; y++) {
		uint32_t sy = (uint32_t)floor(y * (double)h / 512.0);

		assert_true(sy < 16 || sy >= 24);
	}
	assert_int_equal(ts_encode_jpeg_opts(&file, &len, px, w, h, 3, &opts),
			 0);
	/* The decoded image: colour exactly in rows 16..23. */
	assert_int_equal(nsw_image_decode(&img, file, len, "tall.jpg"), NSW_OK);
	assert_int_equal(img->channels, 3);
	for (uint32_t y = 0; y < h; y++) {
		const uint8_t *row = img->pixels + (size_t)y * w * 3;
		int colour = 0;

		for (uint32_t x = 0; x < w; x++)
			colour |= row[3 * x] != row[3 * x + 1] ||
				  row[3 * x] != row[3 * x + 2];
		if (colour) {
			colour_rows++;
			first = y < first ? y : first;
			last = y;
		}
	}
	assert_true(colour_rows > 0);
	assert_true(first >= 16 && last < 24);
	nsw_image_free(img);
	check_stream_equals_whole(file, len, "tall.jpg");
	free(file);
	free(px);
}

static void rejects_bad_arguments(void **state)
{
	uint8_t px[64 * 64 * 3] = {0};
	float l[64] = {0};
	nsw_pdq_result r;

	(void)state;
	assert_int_equal(nsw_pdq_hash_pixels(NULL, px, 8, 8, 3, 24, 0),
			 NSW_EINVAL);
	assert_int_equal(nsw_pdq_hash_pixels(&r, NULL, 8, 8, 3, 24, 0),
			 NSW_EINVAL);
	assert_int_equal(nsw_pdq_hash_pixels(&r, px, 8, 8, 2, 24, 0),
			 NSW_EINVAL);
	assert_int_equal(nsw_pdq_hash_pixels(&r, px, 8, 8, 3, 23, 0),
			 NSW_EINVAL);
	assert_int_equal(nsw_pdq_hash_pixels(&r, px, 0, 8, 3, 24, 0),
			 NSW_EINVAL);
	assert_int_equal(nsw_pdq_hash_luma(&r, l, 0, 8, 0), NSW_EINVAL);
	assert_int_equal(nsw_pdq_hash_luma(&r, NULL, 8, 8, 0), NSW_EINVAL);
	assert_int_equal(nsw_pdq_hash_luma(NULL, l, 8, 8, 0), NSW_EINVAL);
	assert_int_equal(nsw_pdq_hash_buffer(NULL, px, 3, "x", 0), NSW_EINVAL);
	assert_int_equal(nsw_pdq_hash_file(&r, NULL, 0), NSW_EINVAL);
}

static void out_of_memory_is_enomem(void **state)
{
	uint8_t *px = make_rgb(600, 600, 2);
	float *l = make_luma(100, 100, 1);
	nsw_pdq_result r;

	(void)state;
	for (unsigned long n = 1; n <= 3; n++) {
		nsw__alloc_fail_after(n, 0);
		assert_int_equal(
			nsw_pdq_hash_pixels(&r, px, 600, 600, 3, 1800, 0),
			NSW_ENOMEM);
	}
	nsw__alloc_fail_after(1, 0);
	assert_int_equal(nsw_pdq_hash_luma(&r, l, 100, 100, 0), NSW_ENOMEM);
	nsw__alloc_fail_after(0, 0);
	assert_int_equal(nsw_pdq_hash_pixels(&r, px, 600, 600, 3, 1800, 0),
			 NSW_OK);
	free(px);
	free(l);
}

static void file_errors_are_reported(void **state)
{
	char *dir = ts_tmpdir();
	char *missing, *text;
	nsw_pdq_result r;

	(void)state;
	assert_non_null(dir);
	missing = ts_path(dir, "missing.jpg");
	text = ts_path(dir, "notes.txt");
	assert_int_equal(ts_write_file(text, "not an image\n", 13), 0);
	assert_int_equal(nsw_pdq_hash_file(&r, missing, 0), NSW_ENOTFOUND);
	assert_non_null(strstr(nsw_error_last(), "missing.jpg"));
	assert_int_equal(nsw_pdq_hash_file(&r, text, 0), NSW_EUNSUPPORTED);
	assert_int_equal(nsw_pdq_hash_file(&r, dir, 0), NSW_EIO);
	assert_int_equal(
		nsw_pdq_hash_buffer(&r, (const uint8_t *)"", 0, NULL, 0),
		NSW_EUNSUPPORTED);
	free(missing);
	free(text);
	ts_tmpdir_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(window_is_ceil_of_dim_over_128),
		cmocka_unit_test(box_is_the_clipped_windowed_mean),
		cmocka_unit_test(box_rows_and_columns_equal_the_scalar_box),
		cmocka_unit_test(decimation_indices_follow_the_formula),
		cmocka_unit_test(filter_and_hash_equal_the_scalar_core),
		cmocka_unit_test(quality_of_known_gradients),
		cmocka_unit_test(dct_matrix_is_the_scaled_cosine_basis),
		cmocka_unit_test(dct_finds_the_frequency_of_a_cosine),
		cmocka_unit_test(median_is_the_128th_smallest),
		cmocka_unit_test(bits_follow_the_word_and_byte_order),
		cmocka_unit_test(dihedral_variants_hash_the_transformed_image),
		cmocka_unit_test(dihedral_names_are_distinct),
		cmocka_unit_test(hex_round_trips_in_either_case),
		cmocka_unit_test(hex_rejects_malformed_text),
		cmocka_unit_test(distance_counts_differing_bits),
		cmocka_unit_test(pre_resize_is_nearest_neighbour_to_512),
		cmocka_unit_test(grey_row_check_sees_every_byte),
		cmocka_unit_test(grey_rule_looks_at_every_pixel),
		cmocka_unit_test(too_small_gives_the_zero_hash),
		cmocka_unit_test(sink_needs_every_row_only_while_grey),
		cmocka_unit_test(sink_skipping_unwanted_rows_changes_nothing),
		cmocka_unit_test(sink_reports_missing_rows),
		cmocka_unit_test(stream_hash_equals_whole_image_hash),
		cmocka_unit_test(colour_only_in_unsampled_rows_is_seen),
		cmocka_unit_test(rejects_bad_arguments),
		cmocka_unit_test(out_of_memory_is_enomem),
		cmocka_unit_test(file_errors_are_reported),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
