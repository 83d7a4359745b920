/* SPDX-License-Identifier: Apache-2.0 */
/* Synthetic benign scenes and edits (synth.c). */
#include <string.h>

#include "support.h"
#include "netsweep/synth.h"

static int same_pixels(const nsw_image *a, const nsw_image *b)
{
	return a->width == b->width && a->height == b->height &&
	       memcmp(a->pixels, b->pixels, (size_t)a->width * a->height * 3) ==
		       0;
}

static void scenes_are_deterministic_per_seed(void **state)
{
	nsw_image *a = NULL, *b = NULL, *c = NULL;

	(void)state;
	assert_int_equal(nsw_synth_scene(&a, 320, 200, 7), 0);
	assert_int_equal(nsw_synth_scene(&b, 320, 200, 7), 0);
	assert_int_equal(nsw_synth_scene(&c, 320, 200, 8), 0);
	assert_true(same_pixels(a, b));
	assert_false(same_pixels(a, c));
	nsw_image_free(a);
	nsw_image_free(b);
	nsw_image_free(c);
}

static void scene_refuses_bad_sizes(void **state)
{
	nsw_image *a = NULL;

	(void)state;
	assert_int_equal(nsw_synth_scene(&a, 0, 10, 1), NSW_EINVAL);
	assert_int_equal(nsw_synth_scene(&a, 70000, 10, 1), NSW_EINVAL);
	assert_null(a);
}

static void four_quarter_turns_and_two_mirrors_are_identity(void **state)
{
	nsw_image *img = NULL, *cur = NULL, *next = NULL;

	(void)state;
	assert_int_equal(nsw_synth_scene(&img, 64, 40, 3), 0);
	assert_int_equal(nsw_synth_rotate(&cur, img, 1), 0);
	assert_int_equal(cur->width, 40);
	assert_int_equal(cur->height, 64);
	/* Clockwise: the old bottom-left corner is the new top-left. */
	assert_memory_equal(cur->pixels, img->pixels + (size_t)(39 * 64) * 3,
			    3);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(nsw_synth_rotate(&next, cur, 1), 0);
		nsw_image_free(cur);
		cur = next;
	}
	assert_true(same_pixels(cur, img));
	nsw_image_free(cur);
	assert_int_equal(nsw_synth_mirror(&cur, img), 0);
	assert_false(same_pixels(cur, img));
	assert_int_equal(nsw_synth_mirror(&next, cur), 0);
	assert_true(same_pixels(next, img));
	nsw_image_free(cur);
	nsw_image_free(next);
	nsw_image_free(img);
}

static void crop_and_resize_give_the_asked_size(void **state)
{
	nsw_image *img = NULL, *out = NULL;

	(void)state;
	assert_int_equal(nsw_synth_scene(&img, 100, 80, 5), 0);
	assert_int_equal(nsw_synth_crop(&out, img, 10, 20, 50, 40), 0);
	assert_memory_equal(out->pixels, img->pixels + (20 * 100 + 10) * 3,
			    50 * 3);
	nsw_image_free(out);
	assert_int_equal(nsw_synth_crop(&out, img, 60, 0, 50, 10), NSW_EINVAL);
	assert_int_equal(nsw_synth_resize(&out, img, 37, 211), 0);
	assert_int_equal(out->width, 37);
	assert_int_equal(out->height, 211);
	nsw_image_free(out);
	/* Resizing to the same size reproduces the image. */
	assert_int_equal(nsw_synth_resize(&out, img, 100, 80), 0);
	assert_true(same_pixels(out, img));
	nsw_image_free(out);
	nsw_image_free(img);
}

static void watermark_touches_only_the_corner(void **state)
{
	nsw_image *img = NULL, *orig = NULL;
	size_t changed_top = 0, changed_corner = 0;

	(void)state;
	assert_int_equal(nsw_synth_scene(&img, 320, 240, 9), 0);
	assert_int_equal(nsw_synth_crop(&orig, img, 0, 0, 320, 240), 0);
	nsw_synth_watermark(img, "CHANNEL");
	for (size_t y = 0; y < 240; y++)
		for (size_t x = 0; x < 320; x++) {
			int diff = memcmp(img->pixels + (y * 320 + x) * 3,
					  orig->pixels + (y * 320 + x) * 3, 3);

			if (diff && y < 200)
				changed_top++;
			if (diff && y >= 200 && x >= 240)
				changed_corner++;
		}
	assert_int_equal(changed_top, 0);
	assert_true(changed_corner > 100);
	nsw_image_free(img);
	nsw_image_free(orig);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(scenes_are_deterministic_per_seed),
		cmocka_unit_test(scene_refuses_bad_sizes),
		cmocka_unit_test(
			four_quarter_turns_and_two_mirrors_are_identity),
		cmocka_unit_test(crop_and_resize_give_the_asked_size),
		cmocka_unit_test(watermark_touches_only_the_corner),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
