/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of image sniffing and the JPEG, PNG, WebP and GIF decoders. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "support.h"
#include "imgsynth.h"
#include "alloc.h"
#include "netsweep/image.h"

/* ---- helpers --------------------------------------------------------- */

/* A sink that checks the protocol: begin once, rows in order, all rows. */
struct order_sink {
	int begins;
	uint32_t width, height, channels, next_row;
	int out_of_order;
	int fail_at; /* row index whose callback fails, -1 never */
};

static int order_begin(void *ctx, nsw_image_format format, uint32_t width,
		       uint32_t height, uint32_t channels)
{
	struct order_sink *s = ctx;

	(void)format;
	s->begins++;
	s->width = width;
	s->height = height;
	s->channels = channels;
	return 0;
}

static int order_row(void *ctx, uint32_t y, const uint8_t *row)
{
	struct order_sink *s = ctx;

	(void)row;
	if (y != s->next_row || s->begins != 1)
		s->out_of_order = 1;
	s->next_row = y + 1;
	if (s->fail_at >= 0 && (uint32_t)s->fail_at == y)
		return NSW_EIO;
	return 0;
}

static void assert_sink_protocol(const uint8_t *data, size_t len)
{
	struct order_sink s = {0, 0, 0, 0, 0, 0, -1};
	nsw_image_sink sink = {&s, order_begin, order_row, NULL};

	assert_int_equal(nsw_image_decode_sink(data, len, "proto", &sink), 0);
	assert_int_equal(s.begins, 1);
	assert_int_equal(s.out_of_order, 0);
	assert_int_equal(s.next_row, s.height);
}

static nsw_image *decode_ok(const uint8_t *data, size_t len, const char *name)
{
	nsw_image *img = NULL;
	int rc = nsw_image_decode(&img, data, len, name);

	if (rc != 0)
		print_error("decode %s: %s\n", name, nsw_error_last());
	assert_int_equal(rc, 0);
	assert_non_null(img);
	return img;
}

/* Decode must fail with `code`, name the file, and leave *out NULL. */
static void assert_decode_fails(const uint8_t *data, size_t len, int code)
{
	nsw_image *img = (nsw_image *)1;
	int rc = nsw_image_decode(&img, data, len, "hostile.img");

	if (rc != code)
		print_error("expected %s, got %s: %s\n", nsw_error_name(code),
			    nsw_error_name(rc), nsw_error_last());
	assert_int_equal(rc, code);
	assert_null(img);
	assert_non_null(strstr(nsw_error_last(), "hostile.img"));
}

static uint8_t *dup_bytes(const uint8_t *data, size_t len)
{
	uint8_t *p = malloc(len ? len : 1);

	assert_non_null(p);
	memcpy(p, data, len);
	return p;
}

/* Offset of the first JPEG marker `code` (0xFF code) at or after `from`. */
static size_t find_marker(const uint8_t *d, size_t len, size_t from,
			  uint8_t code)
{
	for (size_t i = from; i + 1 < len; i++)
		if (d[i] == 0xff && d[i + 1] == code)
			return i;
	return len;
}

/* ---- sniffing -------------------------------------------------------- */

static void sniffs_formats_by_magic_bytes(void **state)
{
	static const struct {
		const char *bytes;
		size_t len;
		nsw_image_format expected;
	} rows[] = {
		{"\xff\xd8\xff\xe0", 4, NSW_IMAGE_JPEG},
		{"\xff\xd8\xff", 3, NSW_IMAGE_JPEG},
		{"\xff\xd8", 2, NSW_IMAGE_UNKNOWN},
		{"\xff\xd8\x00\xe0", 4, NSW_IMAGE_UNKNOWN},
		{"\x89PNG\r\n\x1a\n", 8, NSW_IMAGE_PNG},
		{"\x89PNG\r\n\x1a", 7, NSW_IMAGE_UNKNOWN},
		{"\x89PNG\n\n\x1a\n", 8, NSW_IMAGE_UNKNOWN},
		{"RIFF\x10\0\0\0WEBPVP8 ", 16, NSW_IMAGE_WEBP},
		{"RIFF\x10\0\0\0WAVEfmt ", 16, NSW_IMAGE_UNKNOWN},
		{"RIFF\x10\0\0\0WEB", 11, NSW_IMAGE_UNKNOWN},
		{"GIF89a", 6, NSW_IMAGE_GIF},
		{"GIF87a\x01\x00", 8, NSW_IMAGE_GIF},
		{"GIF88a", 6, NSW_IMAGE_UNKNOWN},
		{"BM\x36\0\0\0", 6, NSW_IMAGE_UNKNOWN},
		{"", 0, NSW_IMAGE_UNKNOWN},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		nsw_image_format got = nsw_image_sniff(
			(const uint8_t *)rows[i].bytes, rows[i].len);

		if (got != rows[i].expected)
			print_error("row %zu\n", i);
		assert_int_equal(got, rows[i].expected);
	}
	assert_int_equal(nsw_image_sniff(NULL, 10), NSW_IMAGE_UNKNOWN);
}

static void names_formats(void **state)
{
	(void)state;
	assert_string_equal(nsw_image_format_name(NSW_IMAGE_JPEG), "jpeg");
	assert_string_equal(nsw_image_format_name(NSW_IMAGE_PNG), "png");
	assert_string_equal(nsw_image_format_name(NSW_IMAGE_WEBP), "webp");
	assert_string_equal(nsw_image_format_name(NSW_IMAGE_GIF), "gif");
	assert_string_equal(nsw_image_format_name(NSW_IMAGE_UNKNOWN),
			    "unknown");
	assert_string_equal(nsw_image_format_name((nsw_image_format)99),
			    "unknown");
}

static void rejects_empty_and_unknown_input(void **state)
{
	static const uint8_t text[] = "hello, this is not an image";

	(void)state;
	assert_decode_fails(text, 0, NSW_EUNSUPPORTED);
	assert_decode_fails(text, sizeof(text), NSW_EUNSUPPORTED);
}

static void rejects_bad_arguments(void **state)
{
	static const uint8_t jpeg[] = {0xff, 0xd8, 0xff};
	nsw_image_sink no_row = {NULL, NULL, NULL, NULL};

	(void)state;
	assert_int_equal(nsw_image_decode(NULL, jpeg, 3, "x"), NSW_EINVAL);
	assert_int_equal(nsw_image_decode_sink(jpeg, 3, "x", NULL), NSW_EINVAL);
	assert_int_equal(nsw_image_decode_sink(jpeg, 3, "x", &no_row),
			 NSW_EINVAL);
	assert_int_equal(nsw_image_decode_sink(NULL, 3, "x", &no_row),
			 NSW_EINVAL);
	nsw_image_free(NULL);
}

/* ---- JPEG ------------------------------------------------------------ */

/* Decodes a JPEG and checks it equals plain libjpeg's default decode. */
static void assert_jpeg_matches_libjpeg(const uint8_t *jpg, size_t len,
					uint32_t channels_expected)
{
	uint8_t *ref = NULL;
	uint32_t rw, rh;
	int rc_ch;
	nsw_image *img;

	assert_int_equal(ts_decode_jpeg_ref(jpg, len, &ref, &rw, &rh, &rc_ch),
			 0);
	img = decode_ok(jpg, len, "synth.jpg");
	assert_int_equal(img->format, NSW_IMAGE_JPEG);
	assert_int_equal(img->width, rw);
	assert_int_equal(img->height, rh);
	assert_int_equal(img->channels, channels_expected);
	if (rc_ch == 4) {
		/* djpeg's CMYK -> RGB, in double as libjpeg-turbo cmyk.h. */
		for (size_t i = 0; i < (size_t)rw * rh; i++) {
			const uint8_t *c = ref + i * 4;

			for (int k = 0; k < 3; k++) {
				uint8_t v =
					(uint8_t)((double)c[k] * (double)c[3] /
							  255.0 +
						  0.5);

				assert_int_equal(img->pixels[i * 3 + k], v);
			}
		}
	} else {
		assert_int_equal((uint32_t)rc_ch, channels_expected);
		assert_memory_equal(img->pixels, ref,
				    (size_t)rw * rh * channels_expected);
	}
	nsw_image_free(img);
	free(ref);
	assert_sink_protocol(jpg, len);
}

static void decodes_rgb_jpeg_as_libjpeg_does(void **state)
{
	static const struct {
		uint32_t w, h;
		int quality, progressive;
	} rows[] = {
		{333, 251, 90, 0}, {333, 251, 75, 1}, {1, 1, 90, 0},
		{17, 9, 50, 1},	   {640, 8, 95, 0},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint8_t *rgb = ts_synth_rgb(rows[i].w, rows[i].h, 100 + i);
		uint8_t *jpg = NULL;
		size_t len;

		assert_non_null(rgb);
		assert_int_equal(ts_encode_jpeg(&jpg, &len, rgb, rows[i].w,
						rows[i].h, 3, rows[i].quality,
						rows[i].progressive),
				 0);
		assert_jpeg_matches_libjpeg(jpg, len, 3);
		free(jpg);
		free(rgb);
	}
}

static void decodes_grey_jpeg_as_one_channel(void **state)
{
	uint8_t *grey = ts_synth_grey(301, 203, 7);
	uint8_t *jpg = NULL;
	size_t len;

	(void)state;
	assert_non_null(grey);
	for (int progressive = 0; progressive < 2; progressive++) {
		assert_int_equal(ts_encode_jpeg(&jpg, &len, grey, 301, 203, 1,
						85, progressive),
				 0);
		assert_jpeg_matches_libjpeg(jpg, len, 1);
		free(jpg);
	}
	free(grey);
}

static void decodes_cmyk_and_ycck_jpeg_to_rgb_as_djpeg(void **state)
{
	uint8_t *rgb = ts_synth_rgb(120, 77, 11);
	uint8_t *cmyk = malloc(120 * 77 * 4);
	uint8_t *jpg = NULL;
	size_t len;

	(void)state;
	assert_non_null(rgb);
	assert_non_null(cmyk);
	for (size_t i = 0; i < 120 * 77; i++) {
		memcpy(cmyk + i * 4, rgb + i * 3, 3);
		cmyk[i * 4 + 3] = (uint8_t)(128 + (i % 128));
	}
	for (int ycck = 0; ycck < 2; ycck++) {
		assert_int_equal(ts_encode_jpeg_cmyk(&jpg, &len, cmyk, 120, 77,
						     90, ycck),
				 0);
		assert_jpeg_matches_libjpeg(jpg, len, 3);
		free(jpg);
	}
	free(cmyk);
	free(rgb);
}

static uint8_t *synth_jpeg(uint32_t w, uint32_t h, int progressive, size_t *len)
{
	uint8_t *rgb = ts_synth_rgb(w, h, 42);
	uint8_t *jpg = NULL;

	assert_non_null(rgb);
	assert_int_equal(
		ts_encode_jpeg(&jpg, len, rgb, w, h, 3, 90, progressive), 0);
	free(rgb);
	return jpg;
}

static void rejects_truncated_jpeg(void **state)
{
	size_t len;

	(void)state;
	for (int progressive = 0; progressive < 2; progressive++) {
		uint8_t *jpg = synth_jpeg(200, 150, progressive, &len);
		size_t cuts[] = {4, 20, len / 3, len / 2, len * 9 / 10};

		for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
			uint8_t *part = dup_bytes(jpg, cuts[i]);

			assert_decode_fails(part, cuts[i], NSW_EFORMAT);
			free(part);
		}
		free(jpg);
	}
}

/* Rewrites the SOF0/SOF2 height and width of a JPEG in place. */
static void set_jpeg_dims(uint8_t *jpg, size_t len, uint16_t w, uint16_t h)
{
	size_t sof = find_marker(jpg, len, 2, 0xc0);

	if (sof == len)
		sof = find_marker(jpg, len, 2, 0xc2);
	assert_true(sof + 9 < len);
	jpg[sof + 5] = (uint8_t)(h >> 8);
	jpg[sof + 6] = (uint8_t)h;
	jpg[sof + 7] = (uint8_t)(w >> 8);
	jpg[sof + 8] = (uint8_t)w;
}

static void rejects_jpeg_over_dimension_limits(void **state)
{
	static const struct {
		uint16_t w, h;
		int code;
	} rows[] = {
		{65535, 16, NSW_ELIMIT},    /* side over 65500 */
		{16, 65501, NSW_ELIMIT},    /* side over 65500 */
		{20000, 20000, NSW_ELIMIT}, /* 400 MP > 200 MP */
		{0, 16, NSW_EFORMAT},	    /* zero width */
	};
	size_t len;
	uint8_t *jpg = synth_jpeg(16, 16, 0, &len);

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		set_jpeg_dims(jpg, len, rows[i].w, rows[i].h);
		assert_decode_fails(jpg, len, rows[i].code);
	}
	free(jpg);
}

/*
 * A progressive JPEG whose first (DC) scan, with the Huffman table before
 * it, is repeated 150 times before EOI: each repeat is legal syntax, so
 * only the scan cap stops it.
 */
static void rejects_progressive_jpeg_with_too_many_scans(void **state)
{
	size_t len, sos, end, dht, seg, out_len;
	uint8_t *jpg = synth_jpeg(64, 64, 1, &len);
	uint8_t *crafted;
	size_t eoi = len - 2;

	(void)state;
	sos = find_marker(jpg, len, 2, 0xda);
	assert_true(sos < len);
	dht = 2;
	for (size_t i = find_marker(jpg, len, 2, 0xc4); i < sos;
	     i = find_marker(jpg, len, i + 2, 0xc4))
		dht = i;
	assert_true(dht > 2);
	/* The scan data ends at the next marker that is not a stuffed 0. */
	end = sos + 2 + (((size_t)jpg[sos + 2] << 8) | jpg[sos + 3]);
	while (end + 1 < len && !(jpg[end] == 0xff && jpg[end + 1] != 0 &&
				  (jpg[end + 1] < 0xd0 || jpg[end + 1] > 0xd7)))
		end++;
	seg = end - dht;
	assert_int_equal(jpg[eoi], 0xff);
	assert_int_equal(jpg[eoi + 1], 0xd9);
	out_len = eoi + 150 * seg + 2;
	crafted = malloc(out_len);
	assert_non_null(crafted);
	memcpy(crafted, jpg, eoi);
	for (int i = 0; i < 150; i++)
		memcpy(crafted + eoi + (size_t)i * seg, jpg + dht, seg);
	memcpy(crafted + out_len - 2, jpg + eoi, 2);
	assert_decode_fails(crafted, out_len, NSW_ELIMIT);
	assert_non_null(strstr(nsw_error_last(), "scans"));
	/* With only 50 repeats it is under the cap and decodes. */
	out_len = eoi + 50 * seg + 2;
	memcpy(crafted + out_len - 2, jpg + eoi, 2);
	{
		nsw_image *img = decode_ok(crafted, out_len, "50scans.jpg");

		assert_int_equal(img->width, 64);
		nsw_image_free(img);
	}
	free(crafted);
	free(jpg);
}

static void rejects_garbage_after_jpeg_magic(void **state)
{
	uint8_t buf[4096];
	uint64_t s = 12345;

	(void)state;
	for (int round = 0; round < 50; round++) {
		size_t n = 16 + (size_t)round * 80;

		for (size_t i = 0; i < n; i++) {
			s = s * 6364136223846793005ull + 1442695040888963407ull;
			buf[i] = (uint8_t)(s >> 56);
		}
		buf[0] = 0xff;
		buf[1] = 0xd8;
		buf[2] = 0xff;
		assert_decode_fails(buf, n, NSW_EFORMAT);
	}
}

static void rejects_corrupted_jpeg_without_crashing(void **state)
{
	size_t len;
	uint8_t *jpg = synth_jpeg(96, 64, 0, &len);
	uint64_t s = 99;

	(void)state;
	/* Flipped bytes: any result is allowed except a crash or leak. */
	for (int round = 0; round < 200; round++) {
		uint8_t *bad = dup_bytes(jpg, len);
		nsw_image *img = NULL;
		int rc;

		for (int k = 0; k < 4; k++) {
			s = s * 6364136223846793005ull + 1442695040888963407ull;
			bad[3 + (s >> 33) % (len - 3)] ^= (uint8_t)(s >> 20);
		}
		rc = nsw_image_decode(&img, bad, len, "flipped.jpg");
		assert_true(rc == 0 || rc == NSW_EFORMAT || rc == NSW_ELIMIT ||
			    rc == NSW_EUNSUPPORTED);
		assert_true((rc == 0) == (img != NULL));
		nsw_image_free(img);
		free(bad);
	}
	free(jpg);
}

static void stops_when_the_sink_fails(void **state)
{
	size_t len;
	uint8_t *jpg = synth_jpeg(64, 48, 0, &len);
	struct order_sink s = {0, 0, 0, 0, 0, 0, 10};
	nsw_image_sink sink = {&s, order_begin, order_row, NULL};

	(void)state;
	assert_int_equal(nsw_image_decode_sink(jpg, len, "x.jpg", &sink),
			 NSW_EIO);
	assert_int_equal(s.next_row, 11);
	free(jpg);
}

static void reports_out_of_memory(void **state)
{
	size_t len;
	uint8_t *jpg = synth_jpeg(64, 48, 0, &len);
	nsw_image *img = NULL;

	(void)state;
	for (unsigned long n = 1; n <= 3; n++) {
		nsw__alloc_fail_after(n, 0);
		assert_int_equal(nsw_image_decode(&img, jpg, len, "oom.jpg"),
				 NSW_ENOMEM);
		assert_null(img);
	}
	nsw__alloc_fail_after(0, 0);
	free(jpg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sniffs_formats_by_magic_bytes),
		cmocka_unit_test(names_formats),
		cmocka_unit_test(rejects_empty_and_unknown_input),
		cmocka_unit_test(rejects_bad_arguments),
		cmocka_unit_test(decodes_rgb_jpeg_as_libjpeg_does),
		cmocka_unit_test(decodes_grey_jpeg_as_one_channel),
		cmocka_unit_test(decodes_cmyk_and_ycck_jpeg_to_rgb_as_djpeg),
		cmocka_unit_test(rejects_truncated_jpeg),
		cmocka_unit_test(rejects_jpeg_over_dimension_limits),
		cmocka_unit_test(rejects_progressive_jpeg_with_too_many_scans),
		cmocka_unit_test(rejects_garbage_after_jpeg_magic),
		cmocka_unit_test(rejects_corrupted_jpeg_without_crashing),
		cmocka_unit_test(stops_when_the_sink_fails),
		cmocka_unit_test(reports_out_of_memory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
