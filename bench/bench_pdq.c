/* SPDX-License-Identifier: Apache-2.0 */
/*
 * PDQ core speed: nsw_pdq_hash_luma() on 512 x 512 luma (the size every
 * image larger than 512 is hashed at) against the plain scalar core written
 * straight from SPEC.md (tests/support/pdq_naive.c), in the same run, same
 * inputs; checks both give the same bits. Also times the front end
 * (nsw_pdq_hash_pixels) on a 1920 x 1080 RGB frame: pre-resize, grey test,
 * luma and core, i.e. everything after the decoder; and the whole path
 * on synthetic 1920 x 1080 and 4000 x 3000 JPEGs (quality 90, baseline
 * 4:2:0): decode alone (a sink that
 * drops rows) against decode + PDQ (nsw_pdq_hash_buffer), the ratio the
 * project budgets at 1.3.
 *
 * Usage: bench_pdq [iterations]   (default 200). Times are thread CPU time,
 * best of 5 rounds, so other load on the machine inflates them less.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "imgsynth.h"
#include "netsweep/image.h"
#include "netsweep/pdq.h"
#include "pdq_naive.h"

#define SIDE 512
#define ROUNDS 5

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int drop_row(void *ctx, uint32_t y, const uint8_t *row)
{
	(void)ctx;
	(void)y;
	(void)row;
	return 0;
}

/* Best per-file times of decode alone and decode + PDQ, same run. */
static int bench_jpeg(double *decode_ns, double *hash_ns, uint32_t w,
		      uint32_t h, int iterations)
{
	uint8_t *rgb = ts_synth_rgb(w, h, 7), *jpeg = NULL;
	nsw_image_sink sink = {NULL, NULL, drop_row, NULL};
	size_t len = 0;

	*decode_ns = *hash_ns = 1e300;
	if (rgb == NULL || ts_encode_jpeg(&jpeg, &len, rgb, w, h, 3, 90, 0))
		return -1;
	for (int round = 0; round < ROUNDS; round++) {
		double t0, t1;
		nsw_pdq_result r;

		t0 = now_ns();
		for (int it = 0; it < iterations; it++)
			if (nsw_image_decode_sink(jpeg, len, "bench.jpg",
						  &sink) != 0)
				return -1;
		t1 = now_ns();
		if ((t1 - t0) / iterations < *decode_ns)
			*decode_ns = (t1 - t0) / iterations;
		t0 = now_ns();
		for (int it = 0; it < iterations; it++)
			if (nsw_pdq_hash_buffer(&r, jpeg, len, "bench.jpg", 0))
				return -1;
		t1 = now_ns();
		if ((t1 - t0) / iterations < *hash_ns)
			*hash_ns = (t1 - t0) / iterations;
	}
	printf("JPEG %ux%u q90, %zu bytes\n", (unsigned)w, (unsigned)h, len);
	free(rgb);
	free(jpeg);
	return 0;
}

static uint32_t rng_state = 12345;

static uint32_t rng(void)
{
	rng_state = rng_state * 1664525u + 1013904223u;
	return rng_state >> 8;
}

/* A photo-like plane: smooth shapes plus noise, values 0..255. */
static void make_luma(float *luma, int rows, int cols, int seed)
{
	rng_state = (uint32_t)seed * 7919u + 1;
	for (int r = 0; r < rows; r++)
		for (int c = 0; c < cols; c++) {
			float v = (float)((r * 3 + c * 5 + seed * 17) % 256);

			v = v * 0.5f + (float)((r / 37 + c / 53) % 2) * 60.0f;
			v += (float)(rng() % 64);
			luma[(size_t)r * cols + c] = v > 255.0f ? 255.0f : v;
		}
}

int main(int argc, char **argv)
{
	enum {
		IMAGES = 4
	};
	int iterations = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 200;
	float *luma[IMAGES];
	double best_ours = 1e300, best_dih = 1e300, best_naive = 1e300;
	double best_front = 1e300;
	int mismatches = 0;
	uint8_t *rgb;
	const uint32_t fw = 1920, fh = 1080;

	if (iterations < 1)
		iterations = 1;
	for (int i = 0; i < IMAGES; i++) {
		luma[i] = malloc(sizeof(float) * SIDE * SIDE);
		if (luma[i] == NULL)
			return 1;
		make_luma(luma[i], SIDE, SIDE, i);
	}
	rgb = malloc((size_t)fw * fh * 3);
	if (rgb == NULL)
		return 1;
	rng_state = 99;
	for (size_t i = 0; i < (size_t)fw * fh * 3; i++)
		rgb[i] = (uint8_t)((i / 3 % fw) / 8 + (i / 3 / fw) / 5 +
				   rng() % 32);

	/* Same bits first. */
	for (int i = 0; i < IMAGES; i++) {
		nsw_pdq_result r;
		nsw_pdq_hash h;
		int q;

		if (nsw_pdq_hash_luma(&r, luma[i], SIDE, SIDE, 0) != 0 ||
		    ts_pdq_naive(&h, &q, NULL, NULL, luma[i], SIDE, SIDE) != 0)
			return 1;
		if (memcmp(&h, &r.hash, sizeof(h)) != 0 || q != r.quality)
			mismatches++;
	}

	for (int round = 0; round < ROUNDS; round++) {
		double t0, t1;
		nsw_pdq_result r;
		nsw_pdq_hash h;
		int q;

		t0 = now_ns();
		for (int it = 0; it < iterations; it++)
			nsw_pdq_hash_luma(&r, luma[it % IMAGES], SIDE, SIDE, 0);
		t1 = now_ns();
		if ((t1 - t0) / iterations < best_ours)
			best_ours = (t1 - t0) / iterations;

		t0 = now_ns();
		for (int it = 0; it < iterations; it++)
			nsw_pdq_hash_luma(&r, luma[it % IMAGES], SIDE, SIDE, 1);
		t1 = now_ns();
		if ((t1 - t0) / iterations < best_dih)
			best_dih = (t1 - t0) / iterations;

		t0 = now_ns();
		for (int it = 0; it < iterations / 10 + 1; it++)
			ts_pdq_naive(&h, &q, NULL, NULL, luma[it % IMAGES],
				     SIDE, SIDE);
		t1 = now_ns();
		if ((t1 - t0) / (iterations / 10 + 1) < best_naive)
			best_naive = (t1 - t0) / (iterations / 10 + 1);

		t0 = now_ns();
		for (int it = 0; it < iterations / 4 + 1; it++)
			nsw_pdq_hash_pixels(&r, rgb, fw, fh, 3, (size_t)fw * 3,
					    0);
		t1 = now_ns();
		if ((t1 - t0) / (iterations / 4 + 1) < best_front)
			best_front = (t1 - t0) / (iterations / 4 + 1);
	}

	printf("bench_pdq: %d iterations x %d rounds (best round), "
	       "thread CPU time\n",
	       iterations, ROUNDS);
	printf("core 512x512, baseline (scalar, from SPEC.md): %10.0f "
	       "ns/image\n",
	       best_naive);
	printf("core 512x512, nsw_pdq_hash_luma:               %10.0f "
	       "ns/image\n",
	       best_ours);
	printf("core 512x512, nsw_pdq_hash_luma + 8 dihedral:  %10.0f "
	       "ns/image\n",
	       best_dih);
	printf("speed-up vs baseline: %.2fx\n", best_naive / best_ours);
	printf("front end 1920x1080 RGB -> hash (nsw_pdq_hash_pixels): %.0f "
	       "ns/image\n",
	       best_front);
	printf("bit mismatches vs baseline: %d of %d images\n", mismatches,
	       IMAGES);
	{
		static const uint32_t sizes[][2] = {{1920, 1080}, {4000, 3000}};

		for (int k = 0; k < 2; k++) {
			double dec, all;
			int n = k == 0 ? iterations / 10 + 1
				       : iterations / 40 + 1;

			if (bench_jpeg(&dec, &all, sizes[k][0], sizes[k][1],
				       n) != 0)
				return 1;
			printf("decode alone:          %10.0f ns/image\n", dec);
			printf("decode + PDQ (buffer): %10.0f ns/image\n", all);
			printf("decode + PDQ / decode: %.3f (budget 1.3)\n",
			       all / dec);
		}
	}
	for (int i = 0; i < IMAGES; i++)
		free(luma[i]);
	free(rgb);
	return mismatches != 0;
}
