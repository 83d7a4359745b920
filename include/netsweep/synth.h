/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Benign synthetic images for the demo operation, tests and benchmarks:
 * procedural scenes (gradients, shapes, textures, text) and the edits that
 * re-shared copies undergo in the wild (resize, crop, rotate, mirror,
 * watermark). netsweep never needs, and never ships, real material.
 */
#ifndef NETSWEEP_SYNTH_H
#define NETSWEEP_SYNTH_H

#include "netsweep/image.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * A deterministic RGB scene: sky or wall gradient, sun/discs, buildings or
 * hills, a stripe or checker texture, mild noise and a short text label
 * derived from the seed. Same (width, height, seed) -> same pixels.
 * @param out  owned; free with nsw_image_free()
 * @return 0, NSW_EINVAL (zero or over-limit size), NSW_ENOMEM
 */
NSW_EXTERN int nsw_synth_scene(nsw_image **out, uint32_t width, uint32_t height,
			       uint64_t seed);

/** Bilinear resize to width x height. @return 0, NSW_EINVAL, NSW_ENOMEM */
NSW_EXTERN int nsw_synth_resize(nsw_image **out, const nsw_image *in,
				uint32_t width, uint32_t height);

/** Crop the rectangle (x, y, width, height), which must lie inside `in`.
 *  @return 0, NSW_EINVAL, NSW_ENOMEM */
NSW_EXTERN int nsw_synth_crop(nsw_image **out, const nsw_image *in, uint32_t x,
			      uint32_t y, uint32_t width, uint32_t height);

/** Rotate clockwise by quarter_turns * 90 degrees (any integer). */
NSW_EXTERN int nsw_synth_rotate(nsw_image **out, const nsw_image *in,
				int quarter_turns);

/** Mirror left-right. */
NSW_EXTERN int nsw_synth_mirror(nsw_image **out, const nsw_image *in);

/** Blend a translucent banner with a text label into the bottom-right
 *  corner, in place (what re-posting channels stamp on images). */
NSW_EXTERN void nsw_synth_watermark(nsw_image *img, const char *label);

/** Draw `text` (ASCII; others shown as '?') with the built-in 5x7 font at
 *  (x, y), `scale` pixels per font dot, in colour rgb, clipped, in place. */
NSW_EXTERN void nsw_synth_text(nsw_image *img, uint32_t x, uint32_t y,
			       const char *text, uint32_t scale,
			       const uint8_t rgb[3]);

#ifdef __cplusplus
}
#endif
#endif
