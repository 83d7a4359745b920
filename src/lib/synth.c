/* SPDX-License-Identifier: Apache-2.0 */
/* Benign procedural images and the edits re-shared copies undergo. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "limits.h"
#include "netsweep/synth.h"

/* A 5x7 bitmap font: each row's low 5 bits, leftmost dot = bit 4. */
struct glyph {
	char ch;
	uint8_t rows[7];
};

static const struct glyph font[] = {
	{' ', {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00}},
	{'#', {0x0a, 0x0a, 0x1f, 0x0a, 0x1f, 0x0a, 0x0a}},
	{'-', {0x00, 0x00, 0x00, 0x1f, 0x00, 0x00, 0x00}},
	{'.', {0x00, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x0c}},
	{'/', {0x01, 0x02, 0x02, 0x04, 0x08, 0x08, 0x10}},
	{'0', {0x0e, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0e}},
	{'1', {0x04, 0x0c, 0x04, 0x04, 0x04, 0x04, 0x0e}},
	{'2', {0x0e, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1f}},
	{'3', {0x1e, 0x01, 0x01, 0x0e, 0x01, 0x01, 0x1e}},
	{'4', {0x02, 0x06, 0x0a, 0x12, 0x1f, 0x02, 0x02}},
	{'5', {0x1f, 0x10, 0x1e, 0x01, 0x01, 0x11, 0x0e}},
	{'6', {0x06, 0x08, 0x10, 0x1e, 0x11, 0x11, 0x0e}},
	{'7', {0x1f, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08}},
	{'8', {0x0e, 0x11, 0x11, 0x0e, 0x11, 0x11, 0x0e}},
	{'9', {0x0e, 0x11, 0x11, 0x0f, 0x01, 0x02, 0x0c}},
	{':', {0x00, 0x0c, 0x0c, 0x00, 0x0c, 0x0c, 0x00}},
	{'?', {0x0e, 0x11, 0x01, 0x02, 0x04, 0x00, 0x04}},
	{'@', {0x0e, 0x11, 0x17, 0x15, 0x17, 0x10, 0x0e}},
	{'A', {0x0e, 0x11, 0x11, 0x1f, 0x11, 0x11, 0x11}},
	{'B', {0x1e, 0x11, 0x11, 0x1e, 0x11, 0x11, 0x1e}},
	{'C', {0x0e, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0e}},
	{'D', {0x1c, 0x12, 0x11, 0x11, 0x11, 0x12, 0x1c}},
	{'E', {0x1f, 0x10, 0x10, 0x1e, 0x10, 0x10, 0x1f}},
	{'F', {0x1f, 0x10, 0x10, 0x1e, 0x10, 0x10, 0x10}},
	{'G', {0x0e, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0f}},
	{'H', {0x11, 0x11, 0x11, 0x1f, 0x11, 0x11, 0x11}},
	{'I', {0x0e, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0e}},
	{'J', {0x07, 0x02, 0x02, 0x02, 0x02, 0x12, 0x0c}},
	{'K', {0x11, 0x12, 0x14, 0x18, 0x14, 0x12, 0x11}},
	{'L', {0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1f}},
	{'M', {0x11, 0x1b, 0x15, 0x15, 0x11, 0x11, 0x11}},
	{'N', {0x11, 0x11, 0x19, 0x15, 0x13, 0x11, 0x11}},
	{'O', {0x0e, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0e}},
	{'P', {0x1e, 0x11, 0x11, 0x1e, 0x10, 0x10, 0x10}},
	{'Q', {0x0e, 0x11, 0x11, 0x11, 0x15, 0x12, 0x0d}},
	{'R', {0x1e, 0x11, 0x11, 0x1e, 0x14, 0x12, 0x11}},
	{'S', {0x0f, 0x10, 0x10, 0x0e, 0x01, 0x01, 0x1e}},
	{'T', {0x1f, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04}},
	{'U', {0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0e}},
	{'V', {0x11, 0x11, 0x11, 0x11, 0x11, 0x0a, 0x04}},
	{'W', {0x11, 0x11, 0x11, 0x15, 0x15, 0x15, 0x0a}},
	{'X', {0x11, 0x11, 0x0a, 0x04, 0x0a, 0x11, 0x11}},
	{'Y', {0x11, 0x11, 0x0a, 0x04, 0x04, 0x04, 0x04}},
	{'Z', {0x1f, 0x01, 0x02, 0x04, 0x08, 0x10, 0x1f}},
};

static const uint8_t *glyph_rows(char ch)
{
	if (ch >= 'a' && ch <= 'z')
		ch = (char)(ch - 'a' + 'A');
	for (size_t i = 0; i < sizeof(font) / sizeof(font[0]); i++)
		if (font[i].ch == ch)
			return font[i].rows;
	return glyph_rows('?');
}

/* splitmix64: tiny, deterministic, good enough for scenes. */
static uint64_t next_random(uint64_t *state)
{
	uint64_t z = (*state += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static uint32_t rand_below(uint64_t *state, uint32_t n)
{
	return n ? (uint32_t)(next_random(state) % n) : 0;
}

static int image_new(nsw_image **out, uint32_t w, uint32_t h)
{
	nsw_image *img;
	size_t bytes;

	*out = NULL;
	if (w == 0 || h == 0 || w > NSW_IMAGE_DIM_MAX ||
	    h > NSW_IMAGE_DIM_MAX || (uint64_t)w * h > NSW_IMAGE_PIXELS_MAX)
		return nsw_error_set(NSW_EINVAL, "bad image size %ux%u", w, h);
	if (__builtin_mul_overflow((size_t)w * h, (size_t)3, &bytes))
		return nsw_error_set(NSW_EINVAL, "image size overflows");
	img = nsw__calloc(1, sizeof(*img));
	if (img == NULL)
		return nsw_error_set(NSW_ENOMEM, "out of memory");
	img->pixels = nsw__malloc(bytes);
	if (img->pixels == NULL) {
		nsw__free(img);
		return nsw_error_set(NSW_ENOMEM, "out of memory for %ux%u", w,
				     h);
	}
	img->format = NSW_IMAGE_UNKNOWN;
	img->width = w;
	img->height = h;
	img->channels = 3;
	*out = img;
	return 0;
}

static void put_pixel(nsw_image *img, int64_t x, int64_t y,
		      const uint8_t rgb[3], unsigned alpha)
{
	uint8_t *p;

	if (x < 0 || y < 0 || x >= img->width || y >= img->height)
		return;
	p = img->pixels + ((size_t)y * img->width + (size_t)x) * 3;
	for (int c = 0; c < 3; c++)
		p[c] = (uint8_t)((p[c] * (255 - alpha) + rgb[c] * alpha) / 255);
}

static void fill_rect(nsw_image *img, int64_t x0, int64_t y0, int64_t x1,
		      int64_t y1, const uint8_t rgb[3], unsigned alpha)
{
	for (int64_t y = y0 < 0 ? 0 : y0; y < y1 && y < img->height; y++)
		for (int64_t x = x0 < 0 ? 0 : x0; x < x1 && x < img->width; x++)
			put_pixel(img, x, y, rgb, alpha);
}

static void fill_disc(nsw_image *img, int64_t cx, int64_t cy, int64_t r,
		      const uint8_t rgb[3])
{
	for (int64_t y = cy - r; y <= cy + r; y++)
		for (int64_t x = cx - r; x <= cx + r; x++)
			if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r)
				put_pixel(img, x, y, rgb, 255);
}

void nsw_synth_text(nsw_image *img, uint32_t x, uint32_t y, const char *text,
		    uint32_t scale, const uint8_t rgb[3])
{
	if (scale == 0)
		scale = 1;
	for (size_t i = 0; text[i]; i++) {
		const uint8_t *rows = glyph_rows(text[i]);
		int64_t gx = (int64_t)x + (int64_t)i * 6 * scale;

		if (gx >= img->width)
			break;
		for (int r = 0; r < 7; r++)
			for (int c = 0; c < 5; c++)
				if (rows[r] & (0x10 >> c))
					fill_rect(img, gx + c * scale,
						  (int64_t)y + r * scale,
						  gx + (c + 1) * scale,
						  (int64_t)y + (r + 1) * scale,
						  rgb, 255);
	}
}

int nsw_synth_scene(nsw_image **out, uint32_t w, uint32_t h, uint64_t seed)
{
	nsw_image *img = NULL;
	uint64_t rs = seed * 0x2545F4914F6CDD1Dull + 1;
	uint8_t top[3], bottom[3], colour[3];
	char label[32];
	int rc;
	uint32_t shapes, ground;

	rc = image_new(&img, w, h);
	if (rc < 0)
		return rc;
	for (int c = 0; c < 3; c++) {
		top[c] = (uint8_t)rand_below(&rs, 256);
		bottom[c] = (uint8_t)rand_below(&rs, 256);
	}
	/* Background: a vertical gradient with a gentle horizontal wave. */
	for (uint32_t y = 0; y < h; y++) {
		uint8_t *row = img->pixels + (size_t)y * w * 3;
		double t = h > 1 ? (double)y / (h - 1) : 0;

		for (uint32_t x = 0; x < w; x++) {
			double wave = 12.0 * sin((double)x * 6.2831853 /
							 (w / 3.0 + 1) +
						 (double)(seed % 7));

			for (int c = 0; c < 3; c++) {
				double v =
					top[c] * (1 - t) + bottom[c] * t + wave;

				row[x * 3 + c] = (uint8_t)(v < 0     ? 0
							   : v > 255 ? 255
								     : v);
			}
		}
	}
	/* Hills or buildings on the ground line. */
	ground = h / 2 + rand_below(&rs, h / 3 + 1);
	shapes = 3 + rand_below(&rs, 6);
	for (uint32_t i = 0; i < shapes; i++) {
		uint32_t bw = w / 12 + rand_below(&rs, w / 6 + 1);
		uint32_t bh = h / 10 + rand_below(&rs, h / 3 + 1);
		uint32_t bx = rand_below(&rs, w);

		for (int c = 0; c < 3; c++)
			colour[c] = (uint8_t)rand_below(&rs, 256);
		if (rand_below(&rs, 2))
			fill_rect(img, bx, (int64_t)ground - bh,
				  (int64_t)bx + bw, ground, colour, 255);
		else
			for (uint32_t k = 0; k < bh; k++)
				fill_rect(img,
					  (int64_t)bx - (int64_t)(k * bw /
								  (2 * bh + 1)),
					  (int64_t)ground - bh + k,
					  (int64_t)bx +
						  (int64_t)(k * bw /
							    (2 * bh + 1)) +
						  1,
					  (int64_t)ground - bh + k + 1, colour,
					  255);
	}
	/* Ground texture: stripes or a checkerboard. */
	for (int c = 0; c < 3; c++)
		colour[c] = (uint8_t)rand_below(&rs, 256);
	{
		uint32_t cell = 4 + rand_below(&rs, w / 20 + 1);
		int checker = (int)rand_below(&rs, 2);

		for (uint32_t y = ground; y < h; y++)
			for (uint32_t x = 0; x < w; x++)
				if (checker ? ((x / cell + y / cell) & 1)
					    : ((x + y) / cell) & 1)
					put_pixel(img, x, y, colour, 90);
	}
	/* A sun or a few discs. */
	for (uint32_t i = 0, n = 1 + rand_below(&rs, 3); i < n; i++) {
		for (int c = 0; c < 3; c++)
			colour[c] = (uint8_t)(128 + rand_below(&rs, 128));
		fill_disc(img, rand_below(&rs, w), rand_below(&rs, ground + 1),
			  (int64_t)(w < h ? w : h) / 16 +
				  rand_below(&rs, w / 10 + 1),
			  colour);
	}
	/* Mild sensor-like noise so encoders see photo-like content. */
	for (size_t i = 0; i < (size_t)w * h * 3; i++) {
		int v = img->pixels[i] + (int)rand_below(&rs, 9) - 4;

		img->pixels[i] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
	}
	snprintf(label, sizeof(label), "SCENE %llu",
		 (unsigned long long)(seed % 100000));
	colour[0] = colour[1] = colour[2] = 255;
	nsw_synth_text(img, w / 20, h / 20, label, (w / 200) ? w / 200 : 1,
		       colour);
	*out = img;
	return 0;
}

int nsw_synth_resize(nsw_image **out, const nsw_image *in, uint32_t w,
		     uint32_t h)
{
	nsw_image *img = NULL;
	int rc = image_new(&img, w, h);

	if (rc < 0)
		return rc;
	for (uint32_t y = 0; y < h; y++) {
		double sy = ((y + 0.5) * in->height) / h - 0.5;
		uint32_t y0 = sy < 0 ? 0 : (uint32_t)sy;
		uint32_t y1 = y0 + 1 < in->height ? y0 + 1 : y0;
		double fy = sy < 0 ? 0 : sy - y0;

		for (uint32_t x = 0; x < w; x++) {
			double sx = ((x + 0.5) * in->width) / w - 0.5;
			uint32_t x0 = sx < 0 ? 0 : (uint32_t)sx;
			uint32_t x1 = x0 + 1 < in->width ? x0 + 1 : x0;
			double fx = sx < 0 ? 0 : sx - x0;

			for (int c = 0; c < 3; c++) {
				uint32_t ic =
					in->channels == 3 ? (uint32_t)c : 0;
				const uint8_t *p = in->pixels;
				size_t s = in->channels;
				double a = p[((size_t)y0 * in->width + x0) * s +
					     ic];
				double b = p[((size_t)y0 * in->width + x1) * s +
					     ic];
				double d = p[((size_t)y1 * in->width + x0) * s +
					     ic];
				double e = p[((size_t)y1 * in->width + x1) * s +
					     ic];
				double v = (a * (1 - fx) + b * fx) * (1 - fy) +
					   (d * (1 - fx) + e * fx) * fy;

				img->pixels[((size_t)y * w + x) * 3 + c] =
					(uint8_t)(v + 0.5);
			}
		}
	}
	*out = img;
	return 0;
}

int nsw_synth_crop(nsw_image **out, const nsw_image *in, uint32_t x, uint32_t y,
		   uint32_t w, uint32_t h)
{
	nsw_image *img = NULL;
	int rc;

	*out = NULL;
	if (x >= in->width || y >= in->height || w > in->width - x ||
	    h > in->height - y)
		return nsw_error_set(NSW_EINVAL, "crop outside the image");
	rc = image_new(&img, w, h);
	if (rc < 0)
		return rc;
	for (uint32_t r = 0; r < h; r++)
		for (uint32_t c = 0; c < w; c++)
			for (int k = 0; k < 3; k++)
				img->pixels[((size_t)r * w + c) * 3 + k] =
					in->pixels[((size_t)(y + r) *
							    in->width +
						    x + c) *
							   in->channels +
						   (in->channels == 3 ? k : 0)];
	*out = img;
	return 0;
}

int nsw_synth_rotate(nsw_image **out, const nsw_image *in, int quarter_turns)
{
	int q = ((quarter_turns % 4) + 4) % 4;
	uint32_t w = (q & 1) ? in->height : in->width;
	uint32_t h = (q & 1) ? in->width : in->height;
	nsw_image *img = NULL;
	int rc = image_new(&img, w, h);

	if (rc < 0)
		return rc;
	for (uint32_t y = 0; y < in->height; y++)
		for (uint32_t x = 0; x < in->width; x++) {
			uint32_t nx, ny;

			switch (q) {
			case 1:
				nx = in->height - 1 - y;
				ny = x;
				break;
			case 2:
				nx = in->width - 1 - x;
				ny = in->height - 1 - y;
				break;
			case 3:
				nx = y;
				ny = in->width - 1 - x;
				break;
			default:
				nx = x;
				ny = y;
				break;
			}
			for (int k = 0; k < 3; k++)
				img->pixels[((size_t)ny * w + nx) * 3 + k] =
					in->pixels[((size_t)y * in->width + x) *
							   in->channels +
						   (in->channels == 3 ? k : 0)];
		}
	*out = img;
	return 0;
}

int nsw_synth_mirror(nsw_image **out, const nsw_image *in)
{
	nsw_image *img = NULL;
	int rc = image_new(&img, in->width, in->height);

	if (rc < 0)
		return rc;
	for (uint32_t y = 0; y < in->height; y++)
		for (uint32_t x = 0; x < in->width; x++)
			for (int k = 0; k < 3; k++)
				img->pixels[((size_t)y * in->width +
					     (in->width - 1 - x)) *
						    3 +
					    k] =
					in->pixels[((size_t)y * in->width + x) *
							   in->channels +
						   (in->channels == 3 ? k : 0)];
	*out = img;
	return 0;
}

void nsw_synth_watermark(nsw_image *img, const char *label)
{
	uint32_t scale = img->width / 320 ? img->width / 320 : 1;
	uint32_t bw = (uint32_t)strlen(label) * 6 * scale + 4 * scale;
	uint32_t bh = 11 * scale;
	const uint8_t black[3] = {0, 0, 0}, white[3] = {255, 255, 255};
	int64_t x0 = (int64_t)img->width - bw - 2 * scale;
	int64_t y0 = (int64_t)img->height - bh - 2 * scale;

	if (img->channels != 3)
		return;
	fill_rect(img, x0, y0, x0 + bw, y0 + bh, black, 140);
	nsw_synth_text(img, (uint32_t)(x0 < 0 ? 0 : x0 + 2 * scale),
		       (uint32_t)(y0 < 0 ? 0 : y0 + 2 * scale), label, scale,
		       white);
}
