/* SPDX-License-Identifier: Apache-2.0 */
/* JPEG and PNG encoding: round trips through the decoders. */
#include "support.h"

#include <stdlib.h>
#include <string.h>

#include "netsweep/image.h"
#include "netsweep/pdq.h"
#include "netsweep/synth.h"

static nsw_image *scene(uint32_t w, uint32_t h, uint64_t seed)
{
	nsw_image *img = NULL;

	assert_int_equal(nsw_synth_scene(&img, w, h, seed), 0);
	return img;
}

static nsw_image *grey_of(const nsw_image *rgb)
{
	nsw_image *g = calloc(1, sizeof(*g));
	size_t i, n = (size_t)rgb->width * rgb->height;

	assert_non_null(g);
	g->width = rgb->width;
	g->height = rgb->height;
	g->channels = 1;
	g->pixels = malloc(n);
	assert_non_null(g->pixels);
	for (i = 0; i < n; i++)
		g->pixels[i] = rgb->pixels[3 * i + 1];
	return g;
}

static void free_grey(nsw_image *g)
{
	free(g->pixels);
	free(g);
}

static void png_round_trip_is_lossless(void **state)
{
	nsw_image *img = scene(97, 61, 7);
	nsw_image *grey = grey_of(img);
	const nsw_image *cases[2] = {img, grey};
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		uint8_t *png = NULL;
		size_t len = 0;
		nsw_image *back = NULL;
		size_t bytes = (size_t)cases[i]->width * cases[i]->height *
			       cases[i]->channels;

		assert_int_equal(nsw_image_encode_png(&png, &len, cases[i]), 0);
		assert_int_equal(nsw_image_sniff(png, len), NSW_IMAGE_PNG);
		assert_int_equal(nsw_image_decode(&back, png, len, "rt.png"),
				 0);
		assert_int_equal(back->width, cases[i]->width);
		assert_int_equal(back->height, cases[i]->height);
		assert_int_equal(back->channels, cases[i]->channels);
		assert_memory_equal(back->pixels, cases[i]->pixels, bytes);
		nsw_image_free(back);
		nsw_image_encoded_free(png);
	}
	free_grey(grey);
	nsw_image_free(img);
}

/* Mean absolute error per sample between two same-size images. */
static double mean_error(const nsw_image *a, const nsw_image *b)
{
	size_t i, n = (size_t)a->width * a->height * a->channels;
	double sum = 0;

	for (i = 0; i < n; i++)
		sum += abs((int)a->pixels[i] - (int)b->pixels[i]);
	return sum / (double)n;
}

static void jpeg_round_trip_is_close_and_smaller_at_low_quality(void **state)
{
	nsw_image *img = scene(320, 240, 11);
	int qualities[3] = {95, 75, 40};
	size_t lens[3] = {0, 0, 0};
	nsw_pdq_result orig;
	size_t i;

	(void)state;
	assert_int_equal(nsw_pdq_hash_pixels(&orig, img->pixels, img->width,
					     img->height, 3,
					     (size_t)img->width * 3, 0),
			 0);
	for (i = 0; i < 3; i++) {
		uint8_t *jpg = NULL;
		nsw_image *back = NULL;
		nsw_pdq_result res;

		assert_int_equal(nsw_image_encode_jpeg(&jpg, &lens[i], img,
						       qualities[i]),
				 0);
		assert_int_equal(nsw_image_sniff(jpg, lens[i]), NSW_IMAGE_JPEG);
		assert_int_equal(
			nsw_image_decode(&back, jpg, lens[i], "rt.jpg"), 0);
		assert_int_equal(back->width, 320);
		assert_int_equal(back->height, 240);
		assert_int_equal(back->channels, 3);
		assert_true(mean_error(img, back) < 12.0);
		assert_int_equal(
			nsw_pdq_hash_buffer(&res, jpg, lens[i], "rt", 0), 0);
		assert_true(nsw_pdq_distance(&res.hash, &orig.hash) <= 31);
		nsw_image_free(back);
		nsw_image_encoded_free(jpg);
	}
	assert_true(lens[2] < lens[1]);
	assert_true(lens[1] < lens[0]);
	nsw_image_free(img);
}

static void jpeg_encodes_grey(void **state)
{
	nsw_image *img = scene(64, 48, 3);
	nsw_image *grey = grey_of(img);
	uint8_t *jpg = NULL;
	size_t len = 0;
	nsw_image *back = NULL;

	(void)state;
	assert_int_equal(nsw_image_encode_jpeg(&jpg, &len, grey, 90), 0);
	assert_int_equal(nsw_image_decode(&back, jpg, len, "g.jpg"), 0);
	assert_int_equal(back->channels, 1);
	assert_true(mean_error(grey, back) < 8.0);
	nsw_image_free(back);
	nsw_image_encoded_free(jpg);
	free_grey(grey);
	nsw_image_free(img);
}

static void encoders_reject_bad_arguments(void **state)
{
	nsw_image *img = scene(16, 16, 1);
	uint8_t *out = (uint8_t *)1;
	size_t len = 1;
	nsw_image bad = *img;

	(void)state;
	assert_int_equal(nsw_image_encode_jpeg(&out, &len, img, 0), NSW_EINVAL);
	assert_null(out);
	assert_int_equal(nsw_image_encode_jpeg(&out, &len, img, 101),
			 NSW_EINVAL);
	assert_int_equal(nsw_image_encode_jpeg(&out, &len, NULL, 80),
			 NSW_EINVAL);
	bad.channels = 4;
	assert_int_equal(nsw_image_encode_png(&out, &len, &bad), NSW_EINVAL);
	bad.channels = 3;
	bad.width = 0;
	assert_int_equal(nsw_image_encode_png(&out, &len, &bad), NSW_EINVAL);
	assert_null(out);
	assert_int_equal(len, 0);
	nsw_image_encoded_free(NULL);
	nsw_image_free(img);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(png_round_trip_is_lossless),
		cmocka_unit_test(
			jpeg_round_trip_is_close_and_smaller_at_low_quality),
		cmocka_unit_test(jpeg_encodes_grey),
		cmocka_unit_test(encoders_reject_bad_arguments),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
