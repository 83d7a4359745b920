/* SPDX-License-Identifier: Apache-2.0 */
/* Image decoding entry points: format by magic bytes, dispatch, whole-image
 * sink. The codecs live in image_<format>.c, one per library. */
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "image_codec.h"
#include "limits.h"
#include "netsweep/image.h"

nsw_image_format nsw_image_sniff(const uint8_t *data, size_t len)
{
	static const uint8_t png_magic[8] = {0x89, 'P',	 'N',  'G',
					     '\r', '\n', 0x1a, '\n'};

	if (data == NULL)
		return NSW_IMAGE_UNKNOWN;
	/* SOI then the first marker's 0xFF: what libjpeg itself requires. */
	if (len >= 3 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff)
		return NSW_IMAGE_JPEG;
	if (len >= 8 && memcmp(data, png_magic, 8) == 0)
		return NSW_IMAGE_PNG;
	if (len >= 12 && memcmp(data, "RIFF", 4) == 0 &&
	    memcmp(data + 8, "WEBP", 4) == 0)
		return NSW_IMAGE_WEBP;
	if (len >= 6 &&
	    (memcmp(data, "GIF87a", 6) == 0 || memcmp(data, "GIF89a", 6) == 0))
		return NSW_IMAGE_GIF;
	return NSW_IMAGE_UNKNOWN;
}

const char *nsw_image_format_name(nsw_image_format format)
{
	switch (format) {
	case NSW_IMAGE_JPEG:
		return "jpeg";
	case NSW_IMAGE_PNG:
		return "png";
	case NSW_IMAGE_WEBP:
		return "webp";
	case NSW_IMAGE_GIF:
		return "gif";
	case NSW_IMAGE_UNKNOWN:
		break;
	}
	return "unknown";
}

int nsw_image__check_dims(uint64_t width, uint64_t height, const char *name,
			  const char *format)
{
	uint64_t pixels;

	if (width == 0 || height == 0)
		return nsw_error_set(NSW_EFORMAT,
				     "%s: %s image has a zero dimension "
				     "(%llu x %llu)",
				     name, format, (unsigned long long)width,
				     (unsigned long long)height);
	if (width > NSW_IMAGE_DIM_MAX || height > NSW_IMAGE_DIM_MAX)
		return nsw_error_set(NSW_ELIMIT,
				     "%s: %s image %llu x %llu exceeds the "
				     "%u pixel side limit",
				     name, format, (unsigned long long)width,
				     (unsigned long long)height,
				     NSW_IMAGE_DIM_MAX);
	if (__builtin_mul_overflow(width, height, &pixels) ||
	    pixels > NSW_IMAGE_PIXELS_MAX)
		return nsw_error_set(NSW_ELIMIT,
				     "%s: %s image %llu x %llu exceeds the "
				     "%llu pixel limit",
				     name, format, (unsigned long long)width,
				     (unsigned long long)height,
				     (unsigned long long)NSW_IMAGE_PIXELS_MAX);
	return NSW_OK;
}

int nsw_image__begin(const nsw_image_sink *sink, nsw_image_format format,
		     uint32_t width, uint32_t height, uint32_t channels)
{
	if (sink->begin == NULL)
		return NSW_OK;
	return sink->begin(sink->ctx, format, width, height, channels);
}

/*
 * For the formats that are never partial: forwards to the caller's sink and
 * notes the height, so the report says "all rows present".
 */
struct whole_sink {
	const nsw_image_sink *inner;
	uint32_t height;
};

static int whole_begin(void *ctx, nsw_image_format format, uint32_t width,
		       uint32_t height, uint32_t channels)
{
	struct whole_sink *w = ctx;

	w->height = height;
	return nsw_image__begin(w->inner, format, width, height, channels);
}

static int whole_row(void *ctx, uint32_t y, const uint8_t *row)
{
	const struct whole_sink *w = ctx;

	return w->inner->row(w->inner->ctx, y, row);
}

static int whole_wants_row(void *ctx, uint32_t y)
{
	const struct whole_sink *w = ctx;

	return w->inner->wants_row(w->inner->ctx, y);
}

/* `partial` NULL: strict; else cut JPEGs are accepted (image.h). */
static int decode_sink(const uint8_t *data, size_t len, const char *name,
		       const nsw_image_sink *sink, nsw_image_partial *partial)
{
	nsw_image_format format;

	if (name == NULL)
		name = "(image)";
	if ((data == NULL && len != 0) || sink == NULL || sink->row == NULL)
		return nsw_error_set(NSW_EINVAL,
				     "%s: image decode needs data and a sink "
				     "with a row callback",
				     name);
	format = nsw_image_sniff(data, len);
	switch (format) {
	case NSW_IMAGE_JPEG:
		return nsw_image__decode_jpeg(data, len, name, sink, partial);
	case NSW_IMAGE_PNG:
		return nsw_image__decode_png(data, len, name, sink);
	case NSW_IMAGE_WEBP:
		return nsw_image__decode_webp(data, len, name, sink);
	case NSW_IMAGE_GIF:
		return nsw_image__decode_gif(data, len, name, sink);
	case NSW_IMAGE_UNKNOWN:
		break;
	}
	if (len == 0)
		return nsw_error_set(NSW_EUNSUPPORTED,
				     "%s: empty file, not an "
				     "image",
				     name);
	return nsw_error_set(NSW_EUNSUPPORTED,
			     "%s: not a JPEG, PNG, WebP or GIF image", name);
}

int nsw_image_decode_sink(const uint8_t *data, size_t len, const char *name,
			  const nsw_image_sink *sink)
{
	return decode_sink(data, len, name, sink, NULL);
}

int nsw_image_decode_sink_partial(const uint8_t *data, size_t len,
				  const char *name, const nsw_image_sink *sink,
				  nsw_image_partial *partial)
{
	struct whole_sink whole = {sink, 0};
	nsw_image_sink wrap = {&whole, whole_begin, whole_row, NULL};
	int rc;

	if (partial == NULL)
		return nsw_error_set(NSW_EINVAL,
				     "%s: partial decode needs a report",
				     name != NULL ? name : "(image)");
	memset(partial, 0, sizeof(*partial));
	if (sink == NULL || sink->row == NULL ||
	    nsw_image_sniff(data, len) == NSW_IMAGE_JPEG)
		return decode_sink(data, len, name, sink, partial);
	if (sink->wants_row != NULL)
		wrap.wants_row = whole_wants_row;
	rc = decode_sink(data, len, name, &wrap, NULL);
	if (rc == NSW_OK) {
		partial->rows_present = whole.height;
		partial->height = whole.height;
	}
	return rc;
}

/* The whole-image sink behind nsw_image_decode(). */
struct image_store {
	nsw_image *image;
	size_t stride;
	const char *name;
};

static int store_begin(void *ctx, nsw_image_format format, uint32_t width,
		       uint32_t height, uint32_t channels)
{
	struct image_store *store = ctx;
	nsw_image *image = store->image;
	size_t stride, total;

	if (__builtin_mul_overflow((size_t)width, (size_t)channels, &stride) ||
	    __builtin_mul_overflow(stride, (size_t)height, &total))
		return nsw_error_set(NSW_ELIMIT, "%s: image too large",
				     store->name);
	image->pixels = nsw__malloc(total);
	if (image->pixels == NULL)
		return nsw_error_set(NSW_ENOMEM,
				     "%s: out of memory for a %u x %u image",
				     store->name, width, height);
	image->format = format;
	image->width = width;
	image->height = height;
	image->channels = channels;
	store->stride = stride;
	return NSW_OK;
}

static int store_row(void *ctx, uint32_t y, const uint8_t *row)
{
	struct image_store *store = ctx;

	memcpy(store->image->pixels + (size_t)y * store->stride, row,
	       store->stride);
	return NSW_OK;
}

int nsw_image_decode(nsw_image **out, const uint8_t *data, size_t len,
		     const char *name)
{
	struct image_store store = {NULL, 0, name ? name : "(image)"};
	nsw_image_sink sink = {&store, store_begin, store_row, NULL};
	nsw_image *image = NULL;
	int rc;

	if (out == NULL)
		return nsw_error_set(NSW_EINVAL,
				     "nsw_image_decode: out is NULL");
	*out = NULL;
	image = nsw__calloc(1, sizeof(*image));
	if (image == NULL)
		return nsw_error_set(NSW_ENOMEM, "%s: out of memory",
				     store.name);
	store.image = image;
	rc = nsw_image_decode_sink(data, len, name, &sink);
	if (rc == NSW_OK && image->pixels == NULL)
		rc = nsw_error_set(NSW_ERROR, "%s: decoder produced no image",
				   store.name);
	if (rc != NSW_OK) {
		nsw_image_free(image);
		return rc;
	}
	*out = image;
	return NSW_OK;
}

void nsw_image_free(nsw_image *image)
{
	if (image == NULL)
		return;
	nsw__free(image->pixels);
	nsw__free(image);
}

/* ---- Encoding: the buffers image_jpeg.c and image_png.c return ---- */

void nsw_image_encoded_free(uint8_t *data)
{
	nsw__free(data);
}
