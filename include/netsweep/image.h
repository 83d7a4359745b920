/* SPDX-License-Identifier: Apache-2.0 */
/* Image decoding: JPEG, PNG, WebP, GIF (first frame), format by content. */
#ifndef NETSWEEP_IMAGE_H
#define NETSWEEP_IMAGE_H

#include "netsweep/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
	NSW_IMAGE_UNKNOWN = 0,
	NSW_IMAGE_JPEG,
	NSW_IMAGE_PNG,
	NSW_IMAGE_WEBP,
	NSW_IMAGE_GIF
} nsw_image_format;

/** Format from the first bytes (magic numbers), never from a file name. */
NSW_EXTERN nsw_image_format nsw_image_sniff(const uint8_t *data, size_t len);

/** "jpeg", "png", "webp", "gif" or "unknown". */
NSW_EXTERN const char *nsw_image_format_name(nsw_image_format format);

/**
 * Receives decoded rows in order, top to bottom. Rows are 8-bit, 1 channel
 * (grey) or 3 channels (RGB); alpha is dropped, 16-bit is scaled to 8-bit.
 * Either callback may return a negative NSW_E* to stop decoding, which the
 * decoder then returns.
 */
typedef struct nsw_image_sink {
	void *ctx;
	/** Called once, after the header, before any row; may be NULL. */
	int (*begin)(void *ctx, nsw_image_format format, uint32_t width,
		     uint32_t height, uint32_t channels);
	/**
	 * Required. Called for y = 0 .. height-1 in increasing order, except
	 * rows wants_row declined, which may be skipped; `row` (width *
	 * channels bytes) is borrowed for the call.
	 */
	int (*row)(void *ctx, uint32_t y, const uint8_t *row);
	/**
	 * Optional (may be NULL): does the sink need row y? A decoder may then
	 * skip producing it, as long as every row it does deliver is the
	 * same bytes a full decode gives. Rows not needed may still arrive.
	 * It may be asked ahead of delivery and more than once per row, so a
	 * "not needed" (0) answer must stay true once given. Today only
	 * sequential JPEGs skip rows (docs/image-decoding.md).
	 */
	int (*wants_row)(void *ctx, uint32_t y);
} nsw_image_sink;

/**
 * Decode `data` (format sniffed) into `sink`.
 * @param name  for error messages only (may be NULL)
 * @param data  the whole file, borrowed
 * @return 0; NSW_EUNSUPPORTED (not a known image format, or a kind not
 *         decoded: animated WebP, a JPEG colour space other than grey,
 *         YCbCr, RGB, CMYK, YCCK), NSW_EFORMAT (corrupt or truncated),
 *         NSW_ELIMIT (dimensions, pixels, scans or warnings over limits.h),
 *         NSW_ENOMEM, NSW_EINVAL (no sink or no row callback), or what the
 *         sink returned.
 */
NSW_EXTERN int nsw_image_decode_sink(const uint8_t *data, size_t len,
				     const char *name,
				     const nsw_image_sink *sink);

/**
 * How much of a decoded image came from the file's data. A JPEG whose data
 * ends early (a partly downloaded or cut-off file) decodes in full only
 * because libjpeg pads what is missing (zero coefficients: mid-grey in the
 * rows that have no data, lower detail where only later progressive scans
 * are missing). docs/image-decoding.md.
 */
typedef struct nsw_image_partial {
	/** 1: the data ended early (or a scan broke off at a marker) and the
	 * decoder padded the rest; 0: every pixel came from data. */
	int partial;
	/** Rows, from the top, decoded from the file's data (a lower bound:
	 * the MCU row where the data stopped counts as missing); equals
	 * `height` when not partial, and may equal it when only later
	 * progressive scans are missing. */
	uint32_t rows_present;
	uint32_t height; /**< the image's height */
} nsw_image_partial;

/**
 * As nsw_image_decode_sink(), but a JPEG whose data ends early is decoded
 * (with libjpeg's padding, the same decode the PDQ reference tool's
 * libjpeg-based I/O gives a cut file) instead of refused, as long as at
 * least NSW_JPEG_PARTIAL_MIN_PERCENT of its rows are present; `*partial`
 * says how much was. Other formats decode as nsw_image_decode_sink() does
 * (a cut PNG, WebP or GIF is still NSW_EFORMAT).
 * @param partial  caller storage, required; zeroed first, filled on success
 * @return as nsw_image_decode_sink(); NSW_EFORMAT also for a cut JPEG with
 *         too few rows present (the message says how many)
 */
NSW_EXTERN int nsw_image_decode_sink_partial(const uint8_t *data, size_t len,
					     const char *name,
					     const nsw_image_sink *sink,
					     nsw_image_partial *partial);

/** A whole decoded image. */
typedef struct nsw_image {
	nsw_image_format format;
	uint32_t width;
	uint32_t height;
	uint32_t channels; /**< 1 or 3 */
	uint8_t *pixels;   /**< width * channels bytes per row, owned */
} nsw_image;

/**
 * Decode into a new image. `*out` is owned; free with nsw_image_free().
 * @return as nsw_image_decode_sink(); on failure *out = NULL.
 */
NSW_EXTERN int nsw_image_decode(nsw_image **out, const uint8_t *data,
				size_t len, const char *name);

/** Free an image; NULL is a no-op. */
NSW_EXTERN void nsw_image_free(nsw_image *image);

/* ---- Encoding (generated benign images: demo, tests, benchmarks) ---- */

/**
 * Encode an 8-bit grey (channels 1) or RGB (channels 3) image as a
 * baseline JPEG with libjpeg-turbo's defaults at `quality`.
 * @param out      owned encoded bytes; free with nsw_image_encoded_free();
 *                 NULL on failure
 * @param len      its length in bytes
 * @param img      borrowed
 * @param quality  1..100
 * @return 0, NSW_EINVAL (NULL, empty image, channels not 1 or 3, quality
 *         out of range), NSW_ELIMIT (dimensions or output over limits.h),
 *         NSW_ENOMEM
 */
NSW_EXTERN int nsw_image_encode_jpeg(uint8_t **out, size_t *len,
				     const nsw_image *img, int quality);

/**
 * Encode an 8-bit grey or RGB image as a non-interlaced 8-bit PNG.
 * @param out  owned; free with nsw_image_encoded_free(); NULL on failure
 * @return as nsw_image_encode_jpeg() (no quality)
 */
NSW_EXTERN int nsw_image_encode_png(uint8_t **out, size_t *len,
				    const nsw_image *img);

/** Free bytes from nsw_image_encode_*(); NULL is a no-op. */
NSW_EXTERN void nsw_image_encoded_free(uint8_t *data);

#ifdef __cplusplus
}
#endif
#endif
