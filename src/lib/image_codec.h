/* SPDX-License-Identifier: Apache-2.0 */
/* Library-internal: the per-format decoders behind nsw_image_decode_sink(). */
#ifndef NSW_LIB_IMAGE_CODEC_H
#define NSW_LIB_IMAGE_CODEC_H

#include "netsweep/image.h"

/*
 * Each decoder takes the whole file in memory, a non-NULL `name` for
 * messages and a sink already checked by image.c (row != NULL). It calls
 * nsw_image__begin() once, then sink->row for y = 0 .. height-1 in order,
 * and returns what nsw_image_decode_sink() documents.
 */
/*
 * `partial` NULL: strict (data that ends early is NSW_EFORMAT); else a cut
 * file is decoded with libjpeg's padding and *partial filled (image.h).
 */
int nsw_image__decode_jpeg(const uint8_t *data, size_t len, const char *name,
			   const nsw_image_sink *sink,
			   nsw_image_partial *partial);
int nsw_image__decode_png(const uint8_t *data, size_t len, const char *name,
			  const nsw_image_sink *sink);
int nsw_image__decode_webp(const uint8_t *data, size_t len, const char *name,
			   const nsw_image_sink *sink);
int nsw_image__decode_gif(const uint8_t *data, size_t len, const char *name,
			  const nsw_image_sink *sink);

/*
 * Checks a header's dimensions against limits.h: NSW_EFORMAT for a zero
 * side, NSW_ELIMIT over NSW_IMAGE_DIM_MAX or NSW_IMAGE_PIXELS_MAX; sets the
 * message (naming `name` and `format`).
 */
int nsw_image__check_dims(uint64_t width, uint64_t height, const char *name,
			  const char *format);

/* Calls sink->begin when set; 0 otherwise. */
int nsw_image__begin(const nsw_image_sink *sink, nsw_image_format format,
		     uint32_t width, uint32_t height, uint32_t channels);

#endif
