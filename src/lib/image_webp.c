/* SPDX-License-Identifier: Apache-2.0 */
/*
 * WebP decoding with libwebp: the only file that includes webp/decode.h.
 * Lossy and lossless stills decode to 8-bit RGB; alpha is dropped and the
 * stored (not premultiplied) colour kept. WebP has no grey mode, so the
 * output is always 3 channels. Animated WebP needs libwebpdemux, which we do
 * not link: it is reported as NSW_EUNSUPPORTED.
 */
#include <string.h>

#include <webp/decode.h>

#include "alloc.h"
#include "error.h"
#include "image_codec.h"
#include "limits.h"

static int status_error(VP8StatusCode status, const char *name,
			const char *stage)
{
	switch (status) {
	case VP8_STATUS_OUT_OF_MEMORY:
		return nsw_error_set(NSW_ENOMEM, "%s: WebP: out of memory %s",
				     name, stage);
	case VP8_STATUS_UNSUPPORTED_FEATURE:
		return nsw_error_set(NSW_EUNSUPPORTED,
				     "%s: WebP: unsupported feature %s", name,
				     stage);
	case VP8_STATUS_NOT_ENOUGH_DATA:
		return nsw_error_set(NSW_EFORMAT,
				     "%s: WebP: truncated (premature end of "
				     "data) %s",
				     name, stage);
	default:
		break;
	}
	return nsw_error_set(NSW_EFORMAT, "%s: WebP: corrupt bitstream %s (%d)",
			     name, stage, (int)status);
}

int nsw_image__decode_webp(const uint8_t *data, size_t len, const char *name,
			   const nsw_image_sink *sink)
{
	WebPDecoderConfig config;
	uint8_t *pixels = NULL;
	size_t stride, total;
	VP8StatusCode status;
	int rc;

	if (!WebPInitDecoderConfig(&config))
		return nsw_error_set(NSW_ERROR,
				     "%s: WebP: library version "
				     "mismatch",
				     name);
	status = WebPGetFeatures(data, len, &config.input);
	if (status != VP8_STATUS_OK)
		return status_error(status, name, "in the header");
	if (config.input.has_animation)
		return nsw_error_set(NSW_EUNSUPPORTED,
				     "%s: WebP: animated WebP is not decoded",
				     name);
	if (config.input.width <= 0 || config.input.height <= 0)
		return nsw_error_set(NSW_EFORMAT, "%s: WebP: bad dimensions",
				     name);
	rc = nsw_image__check_dims((uint64_t)config.input.width,
				   (uint64_t)config.input.height, name, "WebP");
	if (rc != NSW_OK)
		return rc;
	/* Sides are <= NSW_IMAGE_DIM_MAX, pixels <= NSW_IMAGE_PIXELS_MAX. */
	stride = (size_t)config.input.width * 3;
	if (__builtin_mul_overflow(stride, (size_t)config.input.height, &total))
		return nsw_error_set(NSW_ELIMIT, "%s: WebP too large", name);
	pixels = nsw__malloc(total);
	if (pixels == NULL)
		return nsw_error_set(NSW_ENOMEM,
				     "%s: out of memory decoding "
				     "WebP",
				     name);
	config.output.colorspace = MODE_RGB;
	config.output.is_external_memory = 1;
	config.output.u.RGBA.rgba = pixels;
	config.output.u.RGBA.stride = (int)stride;
	config.output.u.RGBA.size = total;
	status = WebPDecode(data, len, &config);
	if (status != VP8_STATUS_OK) {
		rc = status_error(status, name, "in the image data");
		goto done;
	}
	rc = nsw_image__begin(sink, NSW_IMAGE_WEBP,
			      (uint32_t)config.input.width,
			      (uint32_t)config.input.height, 3);
	for (int y = 0; y < config.input.height && rc == NSW_OK; y++)
		rc = sink->row(sink->ctx, (uint32_t)y,
			       pixels + (size_t)y * stride);
done:
	WebPFreeDecBuffer(&config.output);
	nsw__free(pixels);
	return rc;
}
