/* SPDX-License-Identifier: Apache-2.0 */
/*
 * PNG decoding with libpng: the only file that includes png.h. Output is
 * 8-bit grey (grey and grey+alpha files) or RGB (everything else); alpha is
 * stripped keeping the stored colour, tRNS is ignored, and 16-bit samples
 * are scaled to 8 bits with rounding (png_set_scale_16: v8 = round(v16 *
 * 255 / 65535)). The PDQ reference keeps the low byte instead, a bug we do
 * not copy (pdq/SPEC.md section 1). libpng's errors longjmp back into one
 * function and become NSW_E* codes.
 */
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <png.h>

#include "alloc.h"
#include "error.h"
#include "image_codec.h"
#include "limits.h"

/* Everything one decode owns; kept in memory so longjmp clobbers nothing. */
struct png_job {
	const uint8_t *data;
	size_t len, pos;
	const char *name;
	const nsw_image_sink *sink;
	png_structp png;
	png_infop info;
	uint8_t *pixels; /* one row, or the whole image when interlaced */
	int oom;	 /* an allocation failed: report ENOMEM */
	char message[256];
};

static void on_read(png_structp png, png_bytep out, size_t n)
{
	struct png_job *job = png_get_io_ptr(png);

	if (n > job->len - job->pos)
		png_error(png, "truncated (premature end of data)");
	memcpy(out, job->data + job->pos, n);
	job->pos += n;
}

static void on_error(png_structp png, png_const_charp msg)
{
	struct png_job *job = png_get_error_ptr(png);

	snprintf(job->message, sizeof(job->message), "%s", msg);
	png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp msg)
{
	(void)png;
	(void)msg; /* recoverable: ancillary chunk problems and the like */
}

/* libpng allocates through our seam, so its memory is capped too. */
static png_voidp on_malloc(png_structp png, png_alloc_size_t size)
{
	struct png_job *job = png_get_mem_ptr(png);
	void *p = nsw__malloc(size);

	if (p == NULL)
		job->oom = 1;
	return p;
}

static void on_free(png_structp png, png_voidp p)
{
	(void)png;
	nsw__free(p);
}

/*
 * Width and height straight from IHDR (it must be the first chunk), so an
 * oversized header is ELIMIT before libpng allocates anything for it.
 */
static int check_ihdr(const uint8_t *d, size_t len, const char *name)
{
	uint32_t w, h;

	if (len < 24 || memcmp(d + 12, "IHDR", 4) != 0)
		return nsw_error_set(NSW_EFORMAT,
				     "%s: PNG: missing or truncated IHDR",
				     name);
	w = (uint32_t)d[16] << 24 | (uint32_t)d[17] << 16 |
	    (uint32_t)d[18] << 8 | d[19];
	h = (uint32_t)d[20] << 24 | (uint32_t)d[21] << 16 |
	    (uint32_t)d[22] << 8 | d[23];
	return nsw_image__check_dims(w, h, name, "PNG");
}

/* Chunks that cannot change pixels; libpng skips them unparsed. */
static const png_byte ignored_chunks[] = "tEXt\0zTXt\0iTXt\0iCCP\0sPLT\0"
					 "eXIf\0tIME\0pHYs\0hIST\0sBIT\0"
					 "bKGD\0cHRM\0gAMA\0sRGB\0oFFs\0pCAL\0"
					 "sCAL\0sTER\0";

static void set_transforms(png_structp png, png_infop info)
{
	int type = png_get_color_type(png, info);
	int depth = png_get_bit_depth(png, info);

	if (type == PNG_COLOR_TYPE_PALETTE)
		png_set_palette_to_rgb(png);
	if (type == PNG_COLOR_TYPE_GRAY && depth < 8)
		png_set_expand_gray_1_2_4_to_8(png);
	if (depth == 16)
		png_set_scale_16(png);
	/* Palette expansion turns tRNS into alpha: strip that too. */
	if ((type & PNG_COLOR_MASK_ALPHA) != 0 ||
	    png_get_valid(png, info, PNG_INFO_tRNS) != 0)
		png_set_strip_alpha(png);
}

static int deliver_rows(struct png_job *job, uint32_t w, uint32_t h,
			uint32_t channels, int passes)
{
	size_t stride = (size_t)w * channels, total;
	int rc;

	if (png_get_rowbytes(job->png, job->info) != stride)
		return nsw_error_set(NSW_ERROR,
				     "%s: PNG: unexpected row size after "
				     "transforms",
				     job->name);
	/* Interlaced rows arrive pass by pass: the whole image is needed. */
	if (__builtin_mul_overflow(stride, passes > 1 ? (size_t)h : 1, &total))
		return nsw_error_set(NSW_ELIMIT, "%s: PNG too large",
				     job->name);
	job->pixels = nsw__malloc(total);
	if (job->pixels == NULL)
		return nsw_error_set(NSW_ENOMEM,
				     "%s: out of memory decoding PNG",
				     job->name);
	rc = nsw_image__begin(job->sink, NSW_IMAGE_PNG, w, h, channels);
	if (rc != NSW_OK)
		return rc;
	if (passes > 1) {
		for (int pass = 0; pass < passes; pass++)
			for (uint32_t y = 0; y < h; y++)
				png_read_row(job->png,
					     job->pixels + (size_t)y * stride,
					     NULL);
	}
	for (uint32_t y = 0; y < h && rc == NSW_OK; y++) {
		uint8_t *row = job->pixels;

		if (passes > 1)
			row += (size_t)y * stride;
		else
			png_read_row(job->png, row, NULL);
		rc = job->sink->row(job->sink->ctx, y, row);
	}
	/*
	 * png_read_end() is not called: the last IDAT's CRC is checked as
	 * the last row completes, and later chunks cannot change pixels.
	 */
	return rc;
}

/* The one function with a setjmp; state lives in *job, not in locals. */
static int run_decode(struct png_job *job)
{
	uint32_t w, h, channels;
	int passes;

	if (setjmp(png_jmpbuf(job->png))) {
		if (job->oom)
			return nsw_error_set(NSW_ENOMEM,
					     "%s: out of memory decoding PNG",
					     job->name);
		return nsw_error_set(NSW_EFORMAT, "%s: PNG: %s", job->name,
				     job->message);
	}
	png_set_read_fn(job->png, job, on_read);
	png_set_user_limits(job->png, NSW_IMAGE_DIM_MAX, NSW_IMAGE_DIM_MAX);
	png_set_chunk_cache_max(job->png, NSW_PNG_CHUNK_CACHE_MAX);
	png_set_chunk_malloc_max(job->png, NSW_PNG_CHUNK_MALLOC_MAX);
	png_set_keep_unknown_chunks(job->png, PNG_HANDLE_CHUNK_NEVER, NULL, 0);
	png_set_keep_unknown_chunks(job->png, PNG_HANDLE_CHUNK_NEVER,
				    ignored_chunks,
				    (int)(sizeof(ignored_chunks) / 5));
	png_read_info(job->png, job->info);
	w = png_get_image_width(job->png, job->info);
	h = png_get_image_height(job->png, job->info);
	set_transforms(job->png, job->info);
	passes = png_set_interlace_handling(job->png);
	png_read_update_info(job->png, job->info);
	channels = png_get_channels(job->png, job->info);
	if (png_get_bit_depth(job->png, job->info) != 8 ||
	    (channels != 1 && channels != 3))
		return nsw_error_set(NSW_ERROR,
				     "%s: PNG: transforms gave %u channels of "
				     "%d bits",
				     job->name, channels,
				     png_get_bit_depth(job->png, job->info));
	return deliver_rows(job, w, h, channels, passes);
}

int nsw_image__decode_png(const uint8_t *data, size_t len, const char *name,
			  const nsw_image_sink *sink)
{
	struct png_job *job = NULL;
	int rc;

	rc = check_ihdr(data, len, name);
	if (rc != NSW_OK)
		return rc;
	job = nsw__calloc(1, sizeof(*job));
	if (job == NULL)
		return nsw_error_set(NSW_ENOMEM, "%s: out of memory", name);
	job->data = data;
	job->len = len;
	job->name = name;
	job->sink = sink;
	job->png =
		png_create_read_struct_2(PNG_LIBPNG_VER_STRING, job, on_error,
					 on_warning, job, on_malloc, on_free);
	if (job->png != NULL)
		job->info = png_create_info_struct(job->png);
	if (job->png == NULL || job->info == NULL)
		rc = nsw_error_set(NSW_ENOMEM, "%s: out of memory", name);
	else
		rc = run_decode(job);
	png_destroy_read_struct(&job->png, &job->info, NULL);
	nsw__free(job->pixels);
	nsw__free(job);
	return rc;
}

/* ---------------------------------------------------------------------- */
/* PNG encoding (for generated benign images: the demo, tests, benches).   */
/* ---------------------------------------------------------------------- */

/* Everything one encode owns; libpng's callbacks reach it by pointer. */
struct png_enc_job {
	png_structp png;
	png_infop info;
	uint8_t *data; /* nsw__ buffer, grows to NSW_IMAGE_ENCODE_MAX */
	size_t len, cap;
	int code; /* NSW_E* when a callback failed */
	char message[256];
};

static void enc_on_write(png_structp png, png_bytep in, size_t n)
{
	struct png_enc_job *job = png_get_io_ptr(png);
	size_t cap = job->cap;
	uint8_t *grown = NULL;

	if (n > NSW_IMAGE_ENCODE_MAX - job->len) {
		job->code = NSW_ELIMIT;
		png_error(png, "encoded PNG over the size limit");
	}
	if (job->len + n > cap) {
		if (cap == 0)
			cap = 16384;
		while (cap < job->len + n)
			cap *= 2;
		if (cap > NSW_IMAGE_ENCODE_MAX)
			cap = NSW_IMAGE_ENCODE_MAX;
		grown = nsw__realloc(job->data, cap);
		if (grown == NULL) {
			job->code = NSW_ENOMEM;
			png_error(png, "out of memory");
		}
		job->data = grown;
		job->cap = cap;
	}
	memcpy(job->data + job->len, in, n);
	job->len += n;
}

static void enc_on_flush(png_structp png)
{
	(void)png;
}

static void enc_on_error(png_structp png, png_const_charp msg)
{
	struct png_enc_job *job = png_get_error_ptr(png);

	snprintf(job->message, sizeof(job->message), "%s", msg);
	png_longjmp(png, 1);
}

static png_voidp enc_on_malloc(png_structp png, png_alloc_size_t size)
{
	struct png_enc_job *job = png_get_mem_ptr(png);
	void *p = nsw__malloc(size);

	if (p == NULL)
		job->code = NSW_ENOMEM;
	return p;
}

/* The one function with a setjmp for encoding. */
static int run_encode(struct png_enc_job *job, const nsw_image *img)
{
	size_t stride = (size_t)img->width * img->channels;
	uint32_t y;

	if (setjmp(png_jmpbuf(job->png)))
		return job->code != 0 ? job->code : NSW_ERROR;
	png_set_write_fn(job->png, job, enc_on_write, enc_on_flush);
	png_set_IHDR(job->png, job->info, img->width, img->height, 8,
		     img->channels == 1 ? PNG_COLOR_TYPE_GRAY
					: PNG_COLOR_TYPE_RGB,
		     PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
		     PNG_FILTER_TYPE_DEFAULT);
	png_write_info(job->png, job->info);
	for (y = 0; y < img->height; y++)
		png_write_row(job->png, img->pixels + stride * y);
	png_write_end(job->png, job->info);
	return 0;
}

int nsw_image_encode_png(uint8_t **out, size_t *len, const nsw_image *img)
{
	struct png_enc_job *job = NULL;
	int rc = 0;

	if (out != NULL)
		*out = NULL;
	if (len != NULL)
		*len = 0;
	if (out == NULL || len == NULL || img == NULL || img->pixels == NULL ||
	    img->width == 0 || img->height == 0 ||
	    (img->channels != 1 && img->channels != 3))
		return nsw_error_set(NSW_EINVAL, "png encode: bad arguments");
	if (img->width > NSW_IMAGE_DIM_MAX || img->height > NSW_IMAGE_DIM_MAX)
		return nsw_error_set(NSW_ELIMIT,
				     "png encode: %ux%u over the size limit",
				     img->width, img->height);
	job = nsw__calloc(1, sizeof(*job));
	if (job == NULL)
		return nsw_error_set(NSW_ENOMEM, "png encode: out of memory");
	job->png = png_create_write_struct_2(PNG_LIBPNG_VER_STRING, job,
					     enc_on_error, on_warning, job,
					     enc_on_malloc, on_free);
	if (job->png != NULL)
		job->info = png_create_info_struct(job->png);
	if (job->png == NULL || job->info == NULL) {
		rc = nsw_error_set(NSW_ENOMEM, "png encode: out of memory");
		goto done;
	}
	rc = run_encode(job, img);
	if (rc < 0) {
		rc = nsw_error_set(rc, "png encode: %s", job->message);
		goto done;
	}
	*out = job->data;
	*len = job->len;
	job->data = NULL;
done:
	png_destroy_write_struct(&job->png, &job->info);
	nsw__free(job->data);
	nsw__free(job);
	return rc;
}
