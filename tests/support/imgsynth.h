/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Benign image synthesis for tests and benchmarks: deterministic
 * photo-like pictures (gradients, soft shapes, texture, mild noise) and
 * encoders to memory for JPEG, PNG, WebP and GIF, plus a reference libjpeg
 * decode to compare against. Buffers returned here are malloc'd: free().
 * Functions returning int give 0 on success, -1 on failure.
 */
#ifndef NSW_TEST_IMGSYNTH_H
#define NSW_TEST_IMGSYNTH_H

#include <stddef.h>
#include <stdint.h>

/*
 * A w x h RGB picture (3 bytes per pixel, rows top to bottom), the same
 * for the same (w, h, seed). NULL on allocation failure or w/h of 0.
 */
uint8_t *ts_synth_rgb(uint32_t w, uint32_t h, uint64_t seed);

/* The same picture as 1-channel grey (integer BT.601 luma). */
uint8_t *ts_synth_grey(uint32_t w, uint32_t h, uint64_t seed);

/*
 * Copies `channels`-channel pixels from an RGB picture: 1 = luma,
 * 2 = luma + alpha, 3 = RGB, 4 = RGB + alpha. The alpha pattern includes
 * 0 (fully transparent) and 255; the colour under it is the picture's.
 */
uint8_t *ts_synth_channels(const uint8_t *rgb, uint32_t w, uint32_t h,
			   int channels);

/* Snaps RGB in place to the 6 x 6 x 6 colour cube (palette tests). */
void ts_palette_quantize(uint8_t *rgb, uint32_t w, uint32_t h);

/*
 * JPEG with libjpeg defaults at `quality` (4:2:0 for colour).
 * channels: 1 grey, 3 RGB, 4 CMYK (Adobe inverted, as Photoshop stores it;
 * written as YCCK when `ycck` is set). `progressive` writes the standard
 * progressive script.
 */
int ts_encode_jpeg(uint8_t **out, size_t *len, const uint8_t *pixels,
		   uint32_t w, uint32_t h, int channels, int quality,
		   int progressive);
/*
 * JPEG encoder settings beyond ts_encode_jpeg's (0 = libjpeg default);
 * ts_encode_jpeg_opts takes channels 1, 3 or 4 (CMYK, as ts_encode_jpeg).
 */
typedef struct ts_jpeg_opts {
	int quality;	 /* 1..100 */
	int progressive; /* standard progressive script */
	int h_samp,
		v_samp;	  /* luma sampling factors: 2,2 = 4:2:0, 1,1 = 4:4:4 */
	int restart_rows; /* restart marker every N MCU rows */
	int optimize_coding; /* optimal Huffman tables */
} ts_jpeg_opts;
int ts_encode_jpeg_opts(uint8_t **out, size_t *len, const uint8_t *pixels,
			uint32_t w, uint32_t h, int channels,
			const ts_jpeg_opts *opts);
int ts_encode_jpeg_cmyk(uint8_t **out, size_t *len, const uint8_t *cmyk,
			uint32_t w, uint32_t h, int quality, int ycck);

/*
 * PNG of `channels` 1..4 (grey, grey+alpha, RGB, RGBA) 8-bit pixels.
 * bit_depth 16: each 8-bit sample v is written as v * 257 + d with a small
 * per-sample d in -30..30 (clamped), so the correct 16->8 conversion gives
 * v back while the low byte differs from v. bit_depth 1, 2, 4 (grey only):
 * v >> (8 - bit_depth). palette (channels 3, pixels on the 6x6x6 cube):
 * an indexed PNG with a tRNS chunk making entry 0 transparent.
 * interlace: Adam7.
 */
int ts_encode_png(uint8_t **out, size_t *len, const uint8_t *pixels, uint32_t w,
		  uint32_t h, int channels, int bit_depth, int palette,
		  int interlace);

/* WebP from RGB (channels 3) or RGBA (4); lossless keeps exact RGB
 * (also under alpha 0); otherwise lossy at `quality`. Free with free(). */
int ts_encode_webp(uint8_t **out, size_t *len, const uint8_t *pixels,
		   uint32_t w, uint32_t h, int channels, int quality,
		   int lossless);

/*
 * GIF89a of an RGB picture whose colours are on the 6x6x6 cube (see
 * ts_palette_quantize). `frames` >= 1: frame 0 is the picture, later
 * frames its negative. interlace: GIF 4-pass row order.
 */
int ts_encode_gif(uint8_t **out, size_t *len, const uint8_t *rgb, uint32_t w,
		  uint32_t h, int interlace, int frames);

/*
 * Reference decode with plain libjpeg-turbo defaults: grey files give 1
 * channel, colour 3 (RGB), CMYK/YCCK 4 (raw CMYK as libjpeg returns it).
 */
int ts_decode_jpeg_ref(const uint8_t *data, size_t len, uint8_t **pixels,
		       uint32_t *w, uint32_t *h, int *channels);

/*
 * Dimensions read by each format's own library (libjpeg header, libpng
 * simplified API, WebPGetInfo, giflib screen), independent of netsweep's
 * decoders; 0 on success.
 */
int ts_image_dims(const uint8_t *data, size_t len, uint32_t *w, uint32_t *h);

#endif
