/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The PDQ front end (docs/pdq.md): from decoded 8-bit rows to the luma the
 * core hashes, exactly as the reference tool's I/O layer does it.
 *
 * - Pre-resize: when either side exceeds 512, nearest neighbour to exactly
 *   512 x 512; output column x reads source column floor(x * W / 512).
 * - Grey: when every pixel of a 3-channel image has R = G = B, luma is that
 *   value, not the weighted sum (0.299 + 0.587 + 0.114 is not exactly 1 in
 *   float, so the two differ).
 *
 * Rows stream in through an nsw_image_sink; only the sampled pixels are
 * kept (at most 512 x 512 x 3 bytes). Which rows does the sink need? The
 * pixels need only the sampled rows, but the grey flag needs every pixel of
 * every row for as long as it is still true: one row that is not grey
 * settles it. So wants_row() answers "yes" for every row of a 3-channel
 * image until a non-grey pixel has been seen, and afterwards only for the
 * sampled rows; for a 1-channel image, only for the sampled rows. A decoder
 * that skips rows we said we do not want therefore loses nothing.
 */
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "pdq_input.h"

static const char *display(const char *name)
{
	return name != NULL ? name : "image";
}

/* floor(i * src / 512) computed in double, as the reference does. */
static uint32_t nearest(uint32_t i, uint32_t src, uint32_t dst)
{
	return (uint32_t)((double)i * (double)src / (double)dst);
}

static int collector_begin(void *ctx, nsw_image_format format, uint32_t width,
			   uint32_t height, uint32_t channels)
{
	nsw_pdq__collector *c = ctx;
	int resize = width > NSW_PDQ_RESIZE || height > NSW_PDQ_RESIZE;
	size_t bytes;

	(void)format;
	if (c->begun)
		return nsw_error_set(NSW_EINVAL, "pdq: image began twice");
	if (width == 0 || height == 0 || (channels != 1 && channels != 3))
		return nsw_error_set(
			NSW_EINVAL, "pdq: %ux%u image with %u channels",
			(unsigned)width, (unsigned)height, (unsigned)channels);
	c->width = width;
	c->height = height;
	c->channels = channels;
	c->out_w = resize ? NSW_PDQ_RESIZE : width;
	c->out_h = resize ? NSW_PDQ_RESIZE : height;
	c->grey = channels == 3;
	c->last_y = -1;
	c->begun = 1;
	/* out_w, out_h <= 512, so this cannot overflow; checked anyway. */
	if (__builtin_mul_overflow((size_t)c->out_w, (size_t)c->out_h,
				   &bytes) ||
	    __builtin_mul_overflow(bytes, (size_t)channels, &bytes))
		return nsw_error_set(NSW_ENOMEM, "pdq: image too large");
	c->col_src = nsw__reallocarray(NULL, c->out_w, sizeof(uint32_t));
	c->row_src = nsw__reallocarray(NULL, c->out_h, sizeof(uint32_t));
	c->samples = nsw__malloc(bytes);
	if (c->col_src == NULL || c->row_src == NULL || c->samples == NULL)
		return nsw_error_set(NSW_ENOMEM,
				     "pdq: no memory for %ux%u samples",
				     (unsigned)c->out_w, (unsigned)c->out_h);
	for (uint32_t x = 0; x < c->out_w; x++)
		c->col_src[x] = resize ? nearest(x, width, NSW_PDQ_RESIZE) : x;
	for (uint32_t y = 0; y < c->out_h; y++)
		c->row_src[y] = resize ? nearest(y, height, NSW_PDQ_RESIZE) : y;
	return NSW_OK;
}

static int row_is_grey(const uint8_t *row, uint32_t width)
{
	uint32_t mismatch = 0;

	/* No early exit: a branch-free loop the compiler vectorises. */
	for (uint32_t x = 0; x < width; x++)
		mismatch |= (uint32_t)(row[3 * x] ^ row[3 * x + 1]) |
			    (uint32_t)(row[3 * x] ^ row[3 * x + 2]);
	return mismatch == 0;
}

static void sample_row(nsw_pdq__collector *c, uint8_t *dst, const uint8_t *row)
{
	if (c->out_w == c->width) {
		memcpy(dst, row, (size_t)c->width * c->channels);
	} else if (c->channels == 1) {
		for (uint32_t x = 0; x < c->out_w; x++)
			dst[x] = row[c->col_src[x]];
	} else {
		for (uint32_t x = 0; x < c->out_w; x++) {
			const uint8_t *p = row + (size_t)3 * c->col_src[x];

			dst[3 * x] = p[0];
			dst[3 * x + 1] = p[1];
			dst[3 * x + 2] = p[2];
		}
	}
}

static int collector_row(void *ctx, uint32_t y, const uint8_t *row)
{
	nsw_pdq__collector *c = ctx;
	const size_t row_bytes = (size_t)c->out_w * c->channels;
	uint8_t *first = NULL;

	if (!c->begun || y >= c->height || (int64_t)y <= c->last_y ||
	    row == NULL)
		return nsw_error_set(NSW_EINVAL,
				     "pdq: row %u out of order or range",
				     (unsigned)y);
	c->last_y = y;
	c->rows_seen++;
	if (c->grey && !row_is_grey(row, c->width))
		c->grey = 0;
	while (c->next_out < c->out_h && c->row_src[c->next_out] < y)
		c->next_out++;
	while (c->next_out < c->out_h && c->row_src[c->next_out] == y) {
		uint8_t *dst = c->samples + (size_t)c->next_out * row_bytes;

		if (first == NULL) {
			sample_row(c, dst, row);
			first = dst;
		} else {
			memcpy(dst, first, row_bytes);
		}
		c->rows_filled++;
		c->next_out++;
	}
	return NSW_OK;
}

static int collector_wants_row(void *ctx, uint32_t y)
{
	const nsw_pdq__collector *c = ctx;
	uint64_t lo, hi;

	if (!c->begun)
		return 1;
	if (y >= c->height)
		return 0;
	if (c->grey || c->out_h == c->height)
		return 1;
	/* Output rows oy with floor(oy * H / 512) == y: [lo, hi). */
	lo = ((uint64_t)y * c->out_h + c->height - 1) / c->height;
	hi = ((uint64_t)(y + 1) * c->out_h + c->height - 1) / c->height;
	return lo < hi;
}

void nsw_pdq__collector_init(nsw_pdq__collector *c, nsw_image_sink *sink)
{
	memset(c, 0, sizeof(*c));
	c->last_y = -1;
	sink->ctx = c;
	sink->begin = collector_begin;
	sink->row = collector_row;
	sink->wants_row = collector_wants_row;
}

void nsw_pdq__collector_dispose(nsw_pdq__collector *c)
{
	nsw__free(c->col_src);
	nsw__free(c->row_src);
	nsw__free(c->samples);
	c->col_src = NULL;
	c->row_src = NULL;
	c->samples = NULL;
}

static void make_luma(float *luma, const nsw_pdq__collector *c)
{
	const size_t n = (size_t)c->out_w * c->out_h;
	const uint8_t *s = c->samples;

	if (c->channels == 1) {
		for (size_t i = 0; i < n; i++)
			luma[i] = (float)s[i];
	} else if (c->grey) {
		for (size_t i = 0; i < n; i++)
			luma[i] = (float)s[3 * i];
	} else {
		for (size_t i = 0; i < n; i++)
			luma[i] = 0.299f * s[3 * i] + 0.587f * s[3 * i + 1] +
				  0.114f * s[3 * i + 2];
	}
}

int nsw_pdq__collector_finish(nsw_pdq_result *out, nsw_pdq__collector *c,
			      const char *name, int dihedral)
{
	float *luma = NULL;
	int rc;

	if (!c->begun)
		return nsw_error_set(NSW_EFORMAT, "%s: no image header",
				     display(name));
	if (c->rows_filled != c->out_h)
		return nsw_error_set(NSW_EFORMAT,
				     "%s: %u of %u sampled rows decoded",
				     display(name), (unsigned)c->rows_filled,
				     (unsigned)c->out_h);
	if (c->grey && c->rows_seen != c->height)
		return nsw_error_set(NSW_EFORMAT,
				     "%s: %u of %u rows decoded, grey test "
				     "incomplete",
				     display(name), (unsigned)c->rows_seen,
				     (unsigned)c->height);
	luma = nsw__reallocarray(NULL, (size_t)c->out_w * c->out_h,
				 sizeof(float));
	if (luma == NULL)
		return nsw_error_set(NSW_ENOMEM, "%s: no memory for luma",
				     display(name));
	make_luma(luma, c);
	rc = nsw_pdq_hash_luma(out, luma, c->out_w, c->out_h, dihedral);
	nsw__free(luma);
	return rc;
}

int nsw_pdq_hash_pixels(nsw_pdq_result *out, const uint8_t *pixels,
			uint32_t width, uint32_t height, uint32_t channels,
			size_t stride, int dihedral)
{
	nsw_pdq__collector c;
	nsw_image_sink sink;
	int rc;

	if (out == NULL || pixels == NULL)
		return nsw_error_set(NSW_EINVAL, "pdq: no output or pixels");
	if ((channels == 1 || channels == 3) &&
	    stride < (size_t)width * channels)
		return nsw_error_set(
			NSW_EINVAL, "pdq: stride %zu below %u x %u bytes",
			stride, (unsigned)width, (unsigned)channels);
	nsw_pdq__collector_init(&c, &sink);
	rc = sink.begin(sink.ctx, NSW_IMAGE_UNKNOWN, width, height, channels);
	for (uint32_t y = 0; rc == NSW_OK && y < height; y++)
		if (sink.wants_row(sink.ctx, y))
			rc = sink.row(sink.ctx, y, pixels + (size_t)y * stride);
	if (rc == NSW_OK)
		rc = nsw_pdq__collector_finish(out, &c, NULL, dihedral);
	nsw_pdq__collector_dispose(&c);
	return rc;
}
