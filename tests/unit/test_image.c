/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of image sniffing and the JPEG, PNG, WebP and GIF decoders. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <webp/decode.h>

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

/* Decode through a row-only sink (no allocation by the caller's side). */
static int count_rows(void *ctx, uint32_t y, const uint8_t *row)
{
	(void)y;
	(void)row;
	++*(int *)ctx;
	return 0;
}

static void assert_sink_decode_fails(const uint8_t *data, size_t len, int code)
{
	int rows = 0;
	nsw_image_sink sink = {&rows, NULL, count_rows, NULL};
	int rc = nsw_image_decode_sink(data, len, "hostile.img", &sink);

	if (rc != code)
		print_error("expected %s, got %s: %s\n", nsw_error_name(code),
			    nsw_error_name(rc), nsw_error_last());
	assert_int_equal(rc, code);
	assert_int_equal(rows, 0);
	assert_non_null(strstr(nsw_error_last(), "hostile.img"));
}

/* Any test may leave fault injection armed when an assertion fails. */
static int reset_alloc(void **state)
{
	(void)state;
	nsw__alloc_fail_after(0, 0);
	return 0;
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

/* A sink that wants only some rows and keeps what it gets. */
struct skip_sink {
	const char *wanted; /* per row: 1 wanted */
	uint8_t *pixels;
	char *delivered;
	size_t stride;
	uint32_t height;
};

static int skip_begin(void *ctx, nsw_image_format format, uint32_t width,
		      uint32_t height, uint32_t channels)
{
	struct skip_sink *s = ctx;

	(void)format;
	s->stride = (size_t)width * channels;
	s->height = height;
	s->pixels = calloc(height, s->stride);
	s->delivered = calloc(height, 1);
	return s->pixels && s->delivered ? 0 : NSW_ENOMEM;
}

static int skip_row(void *ctx, uint32_t y, const uint8_t *row)
{
	struct skip_sink *s = ctx;

	memcpy(s->pixels + (size_t)y * s->stride, row, s->stride);
	s->delivered[y] = 1;
	return 0;
}

static int skip_wants(void *ctx, uint32_t y)
{
	return ((struct skip_sink *)ctx)->wanted[y];
}

/* Row patterns: PDQ's nearest-512 rule, sparse, edges, random. */
static void fill_pattern(char *wanted, uint32_t h, int pattern)
{
	uint64_t s = 5 + (uint64_t)pattern;

	memset(wanted, 0, h);
	switch (pattern) {
	case 0: /* PDQ: floor(y * h / 512), y < 512 */
		for (int y = 0; y < 512; y++)
			wanted[(uint32_t)((double)y * h / 512)] = 1;
		break;
	case 1: /* every 37th row: skips whole iMCU rows */
		for (uint32_t y = 3; y < h; y += 37)
			wanted[y] = 1;
		break;
	case 2: /* first and last rows only */
		wanted[0] = wanted[h - 1] = 1;
		break;
	case 3: /* only the last row */
		wanted[h - 1] = 1;
		break;
	default: /* random third */
		for (uint32_t y = 0; y < h; y++) {
			s = s * 6364136223846793005ull + 1442695040888963407ull;
			wanted[y] = (s >> 60) < 5;
		}
		break;
	}
}

/* The CMYK and YCCK paths (libjpeg colour conversion, then ours). */
static void jpeg_cmyk_row_skipping_matches_full_decode(void)
{
	uint32_t w = 77, h = 700;
	uint8_t *rgb = ts_synth_rgb(w, h, 600);
	uint8_t *cmyk = ts_synth_channels(rgb, w, h, 4);
	char *wanted = malloc(h);

	for (int ycck = 0; ycck < 2; ycck++) {
		uint8_t *jpg = NULL;
		size_t len, stride = (size_t)w * 3;
		nsw_image *full;
		struct skip_sink s = {wanted, NULL, NULL, 0, 0};
		nsw_image_sink sink = {&s, skip_begin, skip_row, skip_wants};

		assert_int_equal(
			ts_encode_jpeg_cmyk(&jpg, &len, cmyk, w, h, 90, ycck),
			0);
		full = decode_ok(jpg, len, "cmyk.jpg");
		fill_pattern(wanted, h, 1);
		assert_int_equal(nsw_image_decode_sink(jpg, len, "skip", &sink),
				 0);
		for (uint32_t y = 0; y < h; y++) {
			assert_int_equal(s.delivered[y], wanted[y]);
			if (wanted[y])
				assert_memory_equal(s.pixels + y * stride,
						    full->pixels + y * stride,
						    stride);
		}
		free(s.pixels);
		free(s.delivered);
		nsw_image_free(full);
		free(jpg);
	}
	free(wanted);
	free(cmyk);
	free(rgb);
}

static void jpeg_row_skipping_matches_full_decode(void **state)
{
	static const struct {
		uint32_t w, h;
		int channels;
		ts_jpeg_opts opts;
	} rows[] = {
		{173, 1100, 3, {90, 0, 2, 2, 0, 0}}, /* 4:2:0 */
		{173, 1100, 3, {90, 0, 2, 1, 0, 0}}, /* 4:2:2 */
		{173, 1100, 3, {90, 0, 1, 2, 0, 0}}, /* 4:4:0 */
		{173, 1100, 3, {90, 0, 1, 1, 0, 0}}, /* 4:4:4 */
		{173, 1100, 3, {85, 0, 2, 2, 3, 1}}, /* restarts, optimized */
		{90, 997, 1, {90, 0, 0, 0, 0, 0}},   /* grey, odd height */
		{64, 601, 3, {80, 1, 2, 2, 0, 0}},   /* progressive: no skip */
		{50, 9, 3, {90, 0, 2, 2, 0, 0}},     /* smaller than 512 rows */
	};

	(void)state;
	for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		uint32_t w = rows[r].w, h = rows[r].h;
		uint8_t *rgb = ts_synth_rgb(w, h, 500 + r);
		uint8_t *src = ts_synth_channels(rgb, w, h, rows[r].channels);
		uint8_t *jpg = NULL;
		size_t len;
		nsw_image *full;
		char *wanted = malloc(h);

		assert_int_equal(ts_encode_jpeg_opts(&jpg, &len, src, w, h,
						     rows[r].channels,
						     &rows[r].opts),
				 0);
		full = decode_ok(jpg, len, "full.jpg");
		for (int pattern = 0; pattern < 5; pattern++) {
			struct skip_sink s = {wanted, NULL, NULL, 0, 0};
			nsw_image_sink sink = {&s, skip_begin, skip_row,
					       skip_wants};
			size_t stride = (size_t)w * full->channels;

			fill_pattern(wanted, h, pattern);
			assert_int_equal(
				nsw_image_decode_sink(jpg, len, "skip", &sink),
				0);
			for (uint32_t y = 0; y < h; y++) {
				if (wanted[y])
					assert_true(s.delivered[y]);
				/* Sequential files really skip the others. */
				if (!rows[r].opts.progressive)
					assert_int_equal(s.delivered[y],
							 wanted[y]);
				if (!s.delivered[y])
					continue;
				if (memcmp(s.pixels + y * stride,
					   full->pixels + y * stride,
					   stride) != 0)
					print_error("case %zu pattern %d row "
						    "%u differs\n",
						    r, pattern, y);
				assert_memory_equal(s.pixels + y * stride,
						    full->pixels + y * stride,
						    stride);
			}
			free(s.pixels);
			free(s.delivered);
		}
		nsw_image_free(full);
		free(wanted);
		free(jpg);
		free(src);
		free(rgb);
	}
	jpeg_cmyk_row_skipping_matches_full_decode();
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
			if (cuts[i] < len / 3)
				continue;
			/* Cut inside scan data, then "repaired" with an EOI:
			 * libjpeg would pad with grey; we refuse. */
			part = dup_bytes(jpg, cuts[i] + 2);
			part[cuts[i]] = 0xff;
			part[cuts[i] + 1] = 0xd9;
			assert_decode_fails(part, cuts[i] + 2, NSW_EFORMAT);
			assert_non_null(strstr(nsw_error_last(), "truncated"));
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
		{65535, 16, NSW_ELIMIT},     /* side over 65500 */
		{16, 65501, NSW_ELIMIT},     /* side over 65500 */
		{20000, 20000, NSW_ELIMIT},  /* 400 MP > 200 MP */
		{20000, 10000, NSW_EFORMAT}, /* in limits, data for 16x16 */
		{0, 16, NSW_EFORMAT},	     /* zero width */
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
 * A progressive CMYK 4:4:4 header claiming 20000 x 10000 (the pixel limit)
 * needs 1.6 GB of coefficients: libjpeg refuses past NSW_JPEG_MEMORY_MAX
 * (1 GiB) before allocating it.
 */
static void rejects_progressive_jpeg_over_memory_limit(void **state)
{
	ts_jpeg_opts opts = {90, 1, 1, 1, 0, 0};
	uint8_t *rgb = ts_synth_rgb(16, 16, 3);
	uint8_t *cmyk = ts_synth_channels(rgb, 16, 16, 4);
	uint8_t *jpg = NULL;
	size_t len;

	(void)state;
	assert_int_equal(
		ts_encode_jpeg_opts(&jpg, &len, cmyk, 16, 16, 4, &opts), 0);
	set_jpeg_dims(jpg, len, 20000, 10000);
	assert_decode_fails(jpg, len, NSW_ELIMIT);
	free(jpg);
	free(cmyk);
	free(rgb);
}

/*
 * Copies a progressive JPEG with its first (DC) scan, together with the
 * tables written just before it, repeated `times` more before EOI. Each
 * repeat is legal syntax; only caps stop the decode.
 */
static uint8_t *repeat_first_scan(const uint8_t *jpg, size_t len, int times,
				  size_t *out_len)
{
	size_t pos = 2, prev_end = 2, seg_start = 0, seg_end = 0;
	size_t eoi = len - 2;
	uint8_t *out;

	assert_int_equal(jpg[eoi], 0xff);
	assert_int_equal(jpg[eoi + 1], 0xd9);
	while (pos + 4 <= eoi) {
		size_t seglen = ((size_t)jpg[pos + 2] << 8) | jpg[pos + 3];
		size_t end = pos + 2 + seglen;

		assert_int_equal(jpg[pos], 0xff);
		if (jpg[pos + 1] != 0xda) {
			pos = end;
			if (jpg[pos - seglen - 1] == 0xc2)
				prev_end = pos; /* after SOF2 */
			continue;
		}
		/* Scan data ends at the next marker that is not a stuffed 0
		 * or a restart marker. */
		while (end + 1 < len &&
		       !(jpg[end] == 0xff && jpg[end + 1] != 0 &&
			 (jpg[end + 1] < 0xd0 || jpg[end + 1] > 0xd7)))
			end++;
		if (seg_end == 0) {
			seg_start = find_marker(jpg, len, prev_end, 0xc4);
			if (seg_start > pos)
				seg_start = pos;
			seg_end = end;
		}
		prev_end = end;
		pos = end;
	}
	assert_true(seg_end > seg_start);
	*out_len = eoi + (size_t)times * (seg_end - seg_start) + 2;
	out = malloc(*out_len);
	assert_non_null(out);
	memcpy(out, jpg, eoi);
	for (int i = 0; i < times; i++)
		memcpy(out + eoi + (size_t)i * (seg_end - seg_start),
		       jpg + seg_start, seg_end - seg_start);
	memcpy(out + *out_len - 2, jpg + eoi, 2);
	return out;
}

/* The first (DC) scan repeated (3 warnings each): the scan cap stops it. */
static void rejects_progressive_jpeg_with_too_many_scans(void **state)
{
	size_t len, out_len;
	uint8_t *jpg = synth_jpeg(64, 64, 1, &len);
	uint8_t *crafted;
	nsw_image *img;

	(void)state;
	crafted = repeat_first_scan(jpg, len, 150, &out_len);
	assert_decode_fails(crafted, out_len, NSW_ELIMIT);
	assert_non_null(strstr(nsw_error_last(), "scans"));
	free(crafted);
	/* With only 50 repeats it is under the cap and decodes. */
	crafted = repeat_first_scan(jpg, len, 50, &out_len);
	img = decode_ok(crafted, out_len, "50scans.jpg");
	assert_int_equal(img->width, 64);
	nsw_image_free(img);
	free(crafted);
	free(jpg);
}

/*
 * A JPEG with `n` comment segments after SOI, each but the first preceded
 * by a stray byte: libjpeg warns "extraneous bytes before marker" for each
 * and carries on.
 */
static uint8_t *with_stray_bytes(const uint8_t *jpg, size_t len, int n,
				 size_t *out_len)
{
	static const uint8_t com[4] = {0xff, 0xfe, 0x00, 0x02};
	uint8_t *out;
	size_t pos = 6;

	*out_len = len + 4 + (size_t)n * 5;
	out = malloc(*out_len);
	assert_non_null(out);
	memcpy(out, jpg, 2);
	memcpy(out + 2, com, 4);
	for (int i = 0; i < n; i++) {
		out[pos++] = 0x00;
		memcpy(out + pos, com, 4);
		pos += 4;
	}
	memcpy(out + pos, jpg + 2, len - 2);
	return out;
}

static void rejects_jpeg_with_too_many_warnings(void **state)
{
	size_t len, out_len;
	uint8_t *jpg = synth_jpeg(64, 64, 0, &len);
	uint8_t *crafted;
	nsw_image *img;

	(void)state;
	crafted = with_stray_bytes(jpg, len, 1001, &out_len);
	assert_decode_fails(crafted, out_len, NSW_ELIMIT);
	assert_non_null(strstr(nsw_error_last(), "warnings"));
	free(crafted);
	/* 1000 are tolerated, and the pixels are the clean file's. */
	crafted = with_stray_bytes(jpg, len, 1000, &out_len);
	img = decode_ok(crafted, out_len, "1000warnings.jpg");
	{
		nsw_image *clean = decode_ok(jpg, len, "clean.jpg");

		assert_memory_equal(img->pixels, clean->pixels, 64 * 64 * 3);
		nsw_image_free(clean);
	}
	nsw_image_free(img);
	free(crafted);
	free(jpg);
}

/*
 * JPEG kinds this 8-bit libjpeg-turbo cannot decode are reported as corrupt
 * (libjpeg cannot tell them from garbage that reaches the same marker), with
 * libjpeg's reason in the message.
 */
static void reports_undecodable_jpeg_kinds(void **state)
{
	size_t len;
	uint8_t *jpg = synth_jpeg(16, 16, 0, &len);
	size_t sof = find_marker(jpg, len, 2, 0xc0);
	uint8_t *bad;

	(void)state;
	assert_true(sof < len);
	bad = dup_bytes(jpg, len);
	bad[sof + 4] = 12; /* 12-bit precision */
	assert_decode_fails(bad, len, NSW_EFORMAT);
	assert_non_null(strstr(nsw_error_last(), "precision 12"));
	free(bad);
	bad = dup_bytes(jpg, len);
	bad[sof + 1] = 0xc3; /* lossless (SOF3) */
	assert_decode_fails(bad, len, NSW_EFORMAT);
	assert_non_null(strstr(nsw_error_last(), "0xc3"));
	free(bad);
	free(jpg);
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

/* ---- PNG ------------------------------------------------------------- */

/* PNG chunk CRC (ISO 3309), bitwise: tests only. */
static uint32_t crc32_bytes(const uint8_t *p, size_t n)
{
	uint32_t c = 0xffffffffu;

	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
	}
	return c ^ 0xffffffffu;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Sets IHDR width and height and recomputes its CRC. */
static void set_png_dims(uint8_t *png, uint32_t w, uint32_t h)
{
	assert_memory_equal(png + 12, "IHDR", 4);
	put_be32(png + 16, w);
	put_be32(png + 20, h);
	put_be32(png + 29, crc32_bytes(png + 12, 17));
}

static void png_round_trips_every_colour_type_and_depth(void **state)
{
	static const struct {
		int channels, bit_depth, palette, interlace;
		uint32_t w, h, out_channels;
	} rows[] = {
		{1, 8, 0, 0, 37, 23, 1},  {1, 8, 0, 1, 37, 23, 1},
		{1, 16, 0, 0, 37, 23, 1}, {1, 1, 0, 0, 37, 23, 1},
		{1, 2, 0, 1, 37, 23, 1},  {1, 4, 0, 0, 37, 23, 1},
		{2, 8, 0, 0, 37, 23, 1},  {2, 16, 0, 1, 37, 23, 1},
		{3, 8, 0, 0, 37, 23, 3},  {3, 8, 0, 1, 37, 23, 3},
		{3, 16, 0, 0, 37, 23, 3}, {4, 8, 0, 0, 37, 23, 3},
		{4, 16, 0, 1, 37, 23, 3}, {3, 8, 1, 0, 37, 23, 3},
		{3, 8, 1, 1, 37, 23, 3},  {3, 8, 0, 1, 1, 1, 3},
		{4, 8, 0, 1, 3, 2, 3},	  {1, 1, 0, 1, 9, 1, 1},
	};

	(void)state;
	for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		uint32_t w = rows[r].w, h = rows[r].h;
		int ch = rows[r].channels, bd = rows[r].bit_depth;
		uint8_t *rgb = ts_synth_rgb(w, h, 200 + r);
		uint8_t *src, *png = NULL, *expected;
		size_t len, n = (size_t)w * h;
		nsw_image *img;

		assert_non_null(rgb);
		if (rows[r].palette)
			ts_palette_quantize(rgb, w, h);
		src = ts_synth_channels(rgb, w, h, ch);
		assert_non_null(src);
		assert_int_equal(ts_encode_png(&png, &len, src, w, h, ch, bd,
					       rows[r].palette,
					       rows[r].interlace),
				 0);
		expected = malloc(n * rows[r].out_channels);
		assert_non_null(expected);
		for (size_t i = 0; i < n; i++) {
			if (rows[r].out_channels == 3) {
				memcpy(expected + i * 3, src + i * ch, 3);
				continue;
			}
			expected[i] = src[i * ch];
			if (bd < 8) /* bits replicated, as PNG specifies */
				expected[i] =
					(uint8_t)((expected[i] >> (8 - bd)) *
						  (255 / ((1 << bd) - 1)));
		}
		img = decode_ok(png, len, "synth.png");
		if (img->channels != rows[r].out_channels)
			print_error("row %zu\n", r);
		assert_int_equal(img->format, NSW_IMAGE_PNG);
		assert_int_equal(img->width, w);
		assert_int_equal(img->height, h);
		assert_int_equal(img->channels, rows[r].out_channels);
		assert_memory_equal(img->pixels, expected,
				    n * rows[r].out_channels);
		nsw_image_free(img);
		assert_sink_protocol(png, len);
		free(expected);
		free(png);
		free(src);
		free(rgb);
	}
}

static uint8_t *synth_png(uint32_t w, uint32_t h, int interlace, size_t *len)
{
	uint8_t *rgb = ts_synth_rgb(w, h, 5);
	uint8_t *png = NULL;

	assert_non_null(rgb);
	assert_int_equal(
		ts_encode_png(&png, len, rgb, w, h, 3, 8, 0, interlace), 0);
	free(rgb);
	return png;
}

static void rejects_truncated_png(void **state)
{
	size_t len;

	(void)state;
	for (int interlace = 0; interlace < 2; interlace++) {
		uint8_t *png = synth_png(120, 80, interlace, &len);
		size_t cuts[] = {8, 20, 33, 40, len / 2, len - 30};

		for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
			uint8_t *part = dup_bytes(png, cuts[i]);

			assert_decode_fails(part, cuts[i], NSW_EFORMAT);
			free(part);
		}
		free(png);
	}
}

static void rejects_png_with_bad_crc(void **state)
{
	size_t len;
	uint8_t *png = synth_png(64, 64, 0, &len);
	uint8_t *bad;

	(void)state;
	/* IHDR's CRC. */
	bad = dup_bytes(png, len);
	bad[29] ^= 0x01;
	assert_decode_fails(bad, len, NSW_EFORMAT);
	assert_non_null(strstr(nsw_error_last(), "CRC"));
	free(bad);
	/* A byte of the (last) IDAT's CRC: zlib data itself still intact. */
	bad = dup_bytes(png, len);
	bad[len - 12 - 1] ^= 0x40;
	assert_decode_fails(bad, len, NSW_EFORMAT);
	assert_non_null(strstr(nsw_error_last(), "CRC"));
	free(bad);
	free(png);
}

static void rejects_png_with_huge_declared_size_without_allocating(void **state)
{
	static const struct {
		uint32_t w, h;
		int code;
	} rows[] = {
		{100000, 1, NSW_ELIMIT},
		{1, 0x7fffffff, NSW_ELIMIT},
		{20000, 20000, NSW_ELIMIT},
		{0, 5, NSW_EFORMAT},
	};
	size_t len;
	uint8_t *png = synth_png(16, 16, 0, &len);

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		set_png_dims(png, rows[i].w, rows[i].h);
		/* Every allocation through the seam would now fail: the
		 * limit must be found before any is made. */
		nsw__alloc_fail_after(1, 1);
		assert_sink_decode_fails(png, len, rows[i].code);
		nsw__alloc_fail_after(0, 0);
	}
	free(png);
}

static void rejects_garbage_after_magic(void **state)
{
	static const struct {
		const char *magic;
		size_t len;
	} rows[] = {
		{"\xff\xd8\xff", 3},
		{"\x89PNG\r\n\x1a\n", 8},
		{"RIFF\x00\x10\x00\x00WEBP", 12},
		{"GIF89a", 6},
		{"GIF87a", 6},
	};
	uint8_t buf[4096];
	uint64_t s = 12345;

	(void)state;
	for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		for (int round = 0; round < 40; round++) {
			size_t n = 16 + (size_t)round * 100;

			for (size_t i = 0; i < n; i++) {
				s = s * 6364136223846793005ull +
				    1442695040888963407ull;
				buf[i] = (uint8_t)(s >> 56);
			}
			memcpy(buf, rows[r].magic, rows[r].len);
			assert_decode_fails(buf, n, NSW_EFORMAT);
		}
	}
}

/* ---- WebP ------------------------------------------------------------ */

static void decodes_lossless_webp_exactly_dropping_alpha(void **state)
{
	(void)state;
	for (int ch = 3; ch <= 4; ch++) {
		uint8_t *rgb = ts_synth_rgb(61, 43, 300 + (uint64_t)ch);
		uint8_t *src = ts_synth_channels(rgb, 61, 43, ch);
		uint8_t *webp = NULL;
		size_t len;
		nsw_image *img;

		assert_int_equal(
			ts_encode_webp(&webp, &len, src, 61, 43, ch, 90, 1), 0);
		img = decode_ok(webp, len, "synth.webp");
		assert_int_equal(img->format, NSW_IMAGE_WEBP);
		assert_int_equal(img->width, 61);
		assert_int_equal(img->height, 43);
		assert_int_equal(img->channels, 3);
		/* RGB under every alpha, 0 included, is kept as stored. */
		assert_memory_equal(img->pixels, rgb, 61 * 43 * 3);
		nsw_image_free(img);
		assert_sink_protocol(webp, len);
		free(webp);
		free(src);
		free(rgb);
	}
}

static void decodes_lossy_webp_as_libwebp_does(void **state)
{
	uint8_t *rgb = ts_synth_rgb(130, 90, 301);
	uint8_t *webp = NULL, *ref;
	size_t len;
	int w, h;
	nsw_image *img;

	(void)state;
	assert_int_equal(ts_encode_webp(&webp, &len, rgb, 130, 90, 3, 80, 0),
			 0);
	ref = WebPDecodeRGB(webp, len, &w, &h);
	assert_non_null(ref);
	img = decode_ok(webp, len, "lossy.webp");
	assert_int_equal(img->width, (uint32_t)w);
	assert_int_equal(img->height, (uint32_t)h);
	assert_int_equal(img->channels, 3);
	assert_memory_equal(img->pixels, ref, (size_t)w * h * 3);
	nsw_image_free(img);
	WebPFree(ref);
	free(webp);
	free(rgb);
}

static void rejects_truncated_webp(void **state)
{
	(void)state;
	for (int lossless = 0; lossless < 2; lossless++) {
		uint8_t *rgb = ts_synth_rgb(120, 80, 9);
		uint8_t *webp = NULL;
		size_t len;

		assert_int_equal(ts_encode_webp(&webp, &len, rgb, 120, 80, 3,
						80, lossless),
				 0);
		size_t cuts[] = {12, 20, 30, len / 2, len - 10};

		for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
			uint8_t *part = dup_bytes(webp, cuts[i]);

			assert_decode_fails(part, cuts[i], NSW_EFORMAT);
			free(part);
		}
		free(webp);
		free(rgb);
	}
}

static void rejects_webp_over_pixel_limit(void **state)
{
	uint8_t *rgb = ts_synth_rgb(8, 8, 9);
	uint8_t *webp = NULL;
	size_t len;
	uint32_t bits;

	(void)state;
	assert_int_equal(ts_encode_webp(&webp, &len, rgb, 8, 8, 3, 80, 1), 0);
	/* Simple lossless file: VP8L chunk, 0x2f, then 14+14 bits of size. */
	assert_memory_equal(webp + 12, "VP8L", 4);
	assert_int_equal(webp[20], 0x2f);
	bits = (uint32_t)webp[21] | (uint32_t)webp[22] << 8 |
	       (uint32_t)webp[23] << 16 | (uint32_t)webp[24] << 24;
	bits = (bits & ~0x0fffffffu) | 16383u | 16383u << 14;
	for (int i = 0; i < 4; i++)
		webp[21 + i] = (uint8_t)(bits >> (8 * i));
	/* 16384 x 16384 = 268 MP, over the 200 MP limit. */
	nsw__alloc_fail_after(1, 1);
	assert_sink_decode_fails(webp, len, NSW_ELIMIT);
	nsw__alloc_fail_after(0, 0);
	free(webp);
	free(rgb);
}

/* ---- GIF ------------------------------------------------------------- */

static void gif_decodes_first_frame_through_palette(void **state)
{
	static const struct {
		uint32_t w, h;
		int interlace, frames;
	} rows[] = {
		{37, 23, 0, 1}, {37, 23, 1, 1}, {37, 23, 0, 3}, {37, 23, 1, 2},
		{1, 1, 1, 1},	{64, 1, 0, 1},	{3, 13, 1, 1},
	};

	(void)state;
	for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		uint32_t w = rows[r].w, h = rows[r].h;
		uint8_t *rgb = ts_synth_rgb(w, h, 400 + r);
		uint8_t *gif = NULL;
		size_t len;
		nsw_image *img;

		ts_palette_quantize(rgb, w, h);
		assert_int_equal(ts_encode_gif(&gif, &len, rgb, w, h,
					       rows[r].interlace,
					       rows[r].frames),
				 0);
		img = decode_ok(gif, len, "synth.gif");
		assert_int_equal(img->format, NSW_IMAGE_GIF);
		assert_int_equal(img->width, w);
		assert_int_equal(img->height, h);
		assert_int_equal(img->channels, 3);
		assert_memory_equal(img->pixels, rgb, (size_t)w * h * 3);
		nsw_image_free(img);
		assert_sink_protocol(gif, len);
		free(gif);
		free(rgb);
	}
}

static uint8_t *synth_gif(uint32_t w, uint32_t h, int interlace, size_t *len)
{
	uint8_t *rgb = ts_synth_rgb(w, h, 6);
	uint8_t *gif = NULL;

	ts_palette_quantize(rgb, w, h);
	assert_int_equal(ts_encode_gif(&gif, len, rgb, w, h, interlace, 1), 0);
	free(rgb);
	return gif;
}

static void rejects_truncated_gif(void **state)
{
	(void)state;
	for (int interlace = 0; interlace < 2; interlace++) {
		size_t len;
		uint8_t *gif = synth_gif(90, 70, interlace, &len);
		size_t cuts[] = {6, 10, 13, 400, 790, len / 2, len - 3};

		for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
			uint8_t *part = dup_bytes(gif, cuts[i]);

			assert_decode_fails(part, cuts[i], NSW_EFORMAT);
			free(part);
		}
		free(gif);
	}
}

static void rejects_gif_over_dimension_limits(void **state)
{
	size_t len;
	uint8_t *gif = synth_gif(16, 16, 0, &len);
	/* Header 13 bytes, 256-entry global map, then the descriptor. */
	size_t desc = 13 + 3 * 256;
	uint8_t *bad;

	(void)state;
	assert_int_equal(gif[desc], 0x2c);
	bad = dup_bytes(gif, len);
	bad[6] = bad[7] = 0xff; /* screen width 65535 */
	assert_decode_fails(bad, len, NSW_ELIMIT);
	free(bad);
	bad = dup_bytes(gif, len);
	bad[desc + 5] = 0x20; /* frame 20000 x 20000 */
	bad[desc + 6] = 0x4e;
	bad[desc + 7] = 0x20;
	bad[desc + 8] = 0x4e;
	assert_decode_fails(bad, len, NSW_ELIMIT);
	free(bad);
	bad = dup_bytes(gif, len);
	bad[desc + 5] = bad[desc + 6] = 0; /* frame width 0 */
	assert_decode_fails(bad, len, NSW_EFORMAT);
	free(bad);
	free(gif);
}

/* Any format: flipped bytes may decode or fail, but never crash. */
static void survives_flipped_bytes_in_every_format(void **state)
{
	uint8_t *files[4];
	size_t lens[4];
	uint64_t s = 777;
	uint8_t *rgb = ts_synth_rgb(48, 40, 8);

	(void)state;
	files[0] = synth_png(48, 40, 1, &lens[0]);
	files[1] = synth_gif(48, 40, 1, &lens[1]);
	assert_int_equal(
		ts_encode_webp(&files[2], &lens[2], rgb, 48, 40, 3, 80, 0), 0);
	assert_int_equal(
		ts_encode_webp(&files[3], &lens[3], rgb, 48, 40, 3, 80, 1), 0);
	for (int f = 0; f < 4; f++) {
		for (int round = 0; round < 150; round++) {
			uint8_t *bad = dup_bytes(files[f], lens[f]);
			nsw_image *img = NULL;
			int rc;

			for (int k = 0; k < 3; k++) {
				s = s * 6364136223846793005ull +
				    1442695040888963407ull;
				bad[12 + (s >> 33) % (lens[f] - 12)] ^=
					(uint8_t)(s >> 20);
			}
			rc = nsw_image_decode(&img, bad, lens[f], "flip");
			assert_true(rc == 0 || rc == NSW_EFORMAT ||
				    rc == NSW_ELIMIT || rc == NSW_EUNSUPPORTED);
			assert_true((rc == 0) == (img != NULL));
			nsw_image_free(img);
			free(bad);
		}
		free(files[f]);
	}
	free(rgb);
}

/* ---- the shared reference images ------------------------------------- */

struct walk {
	int decoded, jpeg_compared;
};

static void check_shared_image(const char *path, struct walk *walk)
{
	size_t len;
	uint8_t *data = ts_read_file(path, &len);
	nsw_image_format format;
	nsw_image *img = NULL;
	uint32_t w, h;
	int rc;

	assert_non_null(data);
	format = nsw_image_sniff(data, len);
	if (format == NSW_IMAGE_UNKNOWN) {
		free(data);
		return;
	}
	rc = nsw_image_decode(&img, data, len, path);
	if (rc != 0)
		print_error("%s: %s\n", path, nsw_error_last());
	assert_int_equal(rc, 0);
	assert_int_equal(ts_image_dims(data, len, &w, &h), 0);
	assert_int_equal(img->width, w);
	assert_int_equal(img->height, h);
	walk->decoded++;
	nsw_image_free(img);
	if (format == NSW_IMAGE_JPEG) {
		uint8_t *ref = NULL;
		int ch;

		assert_int_equal(
			ts_decode_jpeg_ref(data, len, &ref, &w, &h, &ch), 0);
		free(ref);
		assert_jpeg_matches_libjpeg(data, len, ch == 1 ? 1 : 3);
		walk->jpeg_compared++;
	}
	free(data);
}

static void walk_dir(const char *dir, struct walk *walk)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		char *path;
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		path = ts_path(dir, e->d_name);
		assert_non_null(path);
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			walk_dir(path, walk);
		else if (S_ISREG(st.st_mode) && st.st_size < (64 << 20))
			check_shared_image(path, walk);
		free(path);
	}
	closedir(d);
}

static void decodes_every_shared_reference_image(void **state)
{
	const char *shared = ts_shared_dir("reference image decoding");
	struct walk walk = {0, 0};
	char *root;

	(void)state;
	if (shared == NULL)
		skip();
	root = ts_path(shared, "pdq/testdata");
	walk_dir(root, &walk);
	printf("decoded %d shared images, %d JPEGs equal to libjpeg\n",
	       walk.decoded, walk.jpeg_compared);
	/* 55 still images are listed in the reference CSV. */
	assert_true(walk.decoded >= 55);
	free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(sniffs_formats_by_magic_bytes,
					  reset_alloc),
		cmocka_unit_test_teardown(names_formats, reset_alloc),
		cmocka_unit_test_teardown(rejects_empty_and_unknown_input,
					  reset_alloc),
		cmocka_unit_test_teardown(rejects_bad_arguments, reset_alloc),
		cmocka_unit_test_teardown(decodes_rgb_jpeg_as_libjpeg_does,
					  reset_alloc),
		cmocka_unit_test_teardown(decodes_grey_jpeg_as_one_channel,
					  reset_alloc),
		cmocka_unit_test_teardown(
			decodes_cmyk_and_ycck_jpeg_to_rgb_as_djpeg,
			reset_alloc),
		cmocka_unit_test_teardown(jpeg_row_skipping_matches_full_decode,
					  reset_alloc),
		cmocka_unit_test_teardown(rejects_truncated_jpeg, reset_alloc),
		cmocka_unit_test_teardown(rejects_jpeg_over_dimension_limits,
					  reset_alloc),
		cmocka_unit_test_teardown(
			rejects_progressive_jpeg_with_too_many_scans,
			reset_alloc),
		cmocka_unit_test_teardown(rejects_jpeg_with_too_many_warnings,
					  reset_alloc),
		cmocka_unit_test_teardown(
			rejects_progressive_jpeg_over_memory_limit,
			reset_alloc),
		cmocka_unit_test_teardown(reports_undecodable_jpeg_kinds,
					  reset_alloc),
		cmocka_unit_test_teardown(
			rejects_corrupted_jpeg_without_crashing, reset_alloc),
		cmocka_unit_test_teardown(stops_when_the_sink_fails,
					  reset_alloc),
		cmocka_unit_test_teardown(reports_out_of_memory, reset_alloc),
		cmocka_unit_test_teardown(
			png_round_trips_every_colour_type_and_depth,
			reset_alloc),
		cmocka_unit_test_teardown(rejects_truncated_png, reset_alloc),
		cmocka_unit_test_teardown(rejects_png_with_bad_crc,
					  reset_alloc),
		cmocka_unit_test_teardown(
			rejects_png_with_huge_declared_size_without_allocating,
			reset_alloc),
		cmocka_unit_test_teardown(rejects_garbage_after_magic,
					  reset_alloc),
		cmocka_unit_test_teardown(
			decodes_lossless_webp_exactly_dropping_alpha,
			reset_alloc),
		cmocka_unit_test_teardown(decodes_lossy_webp_as_libwebp_does,
					  reset_alloc),
		cmocka_unit_test_teardown(rejects_truncated_webp, reset_alloc),
		cmocka_unit_test_teardown(rejects_webp_over_pixel_limit,
					  reset_alloc),
		cmocka_unit_test_teardown(
			gif_decodes_first_frame_through_palette, reset_alloc),
		cmocka_unit_test_teardown(rejects_truncated_gif, reset_alloc),
		cmocka_unit_test_teardown(rejects_gif_over_dimension_limits,
					  reset_alloc),
		cmocka_unit_test_teardown(
			survives_flipped_bytes_in_every_format, reset_alloc),
		cmocka_unit_test_teardown(decodes_every_shared_reference_image,
					  reset_alloc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
