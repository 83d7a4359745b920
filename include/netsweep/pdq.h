/* SPDX-License-Identifier: Apache-2.0 */
/* PDQ, Meta's open 256-bit perceptual image hash, bit-exact with the
 * reference pdq-photo-hasher (see docs/pdq.md). */
#ifndef NETSWEEP_PDQ_H
#define NETSWEEP_PDQ_H

#include "netsweep/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NSW_PDQ_BYTES 32   /**< 256 bits */
#define NSW_PDQ_HEX_LEN 64 /**< hex digits, without NUL */
#define NSW_PDQ_BITS 256
/** Images with either side above this are pre-resized to 512 x 512. */
#define NSW_PDQ_RESIZE 512

/**
 * A PDQ hash in its canonical byte order: byte 0 is the first two hex
 * digits of the reference's hex form (word 15's high byte).
 */
typedef struct nsw_pdq_hash {
	uint8_t bytes[NSW_PDQ_BYTES];
} nsw_pdq_hash;

/**
 * The 8 dihedral variants, in the reference's --pdqdih-across order. Each
 * is (close to) the hash of the image moved as described.
 */
typedef enum {
	NSW_PDQ_ORIGINAL = 0,	 /**< as stored */
	NSW_PDQ_ROT90 = 1,	 /**< rotated 90 degrees counter-clockwise */
	NSW_PDQ_ROT180 = 2,	 /**< rotated 180 degrees */
	NSW_PDQ_ROT270 = 3,	 /**< rotated 90 degrees clockwise */
	NSW_PDQ_FLIPX = 4,	 /**< flipped top to bottom */
	NSW_PDQ_FLIPY = 5,	 /**< mirrored left to right */
	NSW_PDQ_FLIP_PLUS1 = 6,	 /**< transposed (main diagonal) */
	NSW_PDQ_FLIP_MINUS1 = 7, /**< transposed on the anti-diagonal */
	NSW_PDQ_DIHEDRAL_COUNT = 8
} nsw_pdq_dihedral;

/**
 * A PDQ result: the hash (and optionally all 8 variants) and quality.
 * Images with fewer than 5 rows or columns give the reference's all-zero
 * hashes with quality 0.
 */
typedef struct nsw_pdq_result {
	nsw_pdq_hash hash;			       /**< original */
	nsw_pdq_hash dihedral[NSW_PDQ_DIHEDRAL_COUNT]; /**< when asked */
	int quality;				       /**< 0..100 */
	int has_dihedral;
	/**
	 * Set by nsw_pdq_hash_buffer() and nsw_pdq_hash_file(): the decoded
	 * image's width and height as the decoder's begin() reported them,
	 * before any pre-resize. 0 when the hash did not come from a decode.
	 */
	uint32_t width;
	uint32_t height;
	/**
	 * 1: computed from a partial image, a JPEG whose data ends early,
	 * hashed only on request (NSW_PDQ_PARTIAL_IMAGES): the rows from
	 * rows_present on are libjpeg's padding, not the file's picture.
	 */
	int partial;
	/** Rows of `height` decoded from the file's data: `height` unless
	 * partial (a partial progressive file may still have them all); 0
	 * when the hash did not come from a decode. */
	uint32_t rows_present;
} nsw_pdq_result;

/**
 * Short name of a variant: "original", "rot90", "rot180", "rot270",
 * "flipx", "flipy", "flipplus1", "flipminus1"; "?" when out of range.
 * Never NULL; static storage.
 */
NSW_EXTERN const char *nsw_pdq_dihedral_name(nsw_pdq_dihedral d);

/**
 * Hash a float luma buffer (row-major, `width` x `height`, already
 * pre-resized as the reference does). The core of the algorithm. Thread
 * safe; allocates about 2 x width x height floats of workspace per call.
 * @param out      result (caller storage), zeroed first
 * @param luma     borrowed, width*height floats
 * @param dihedral non-zero to fill out->dihedral as well
 * @return 0, NSW_EINVAL (NULL or zero size), NSW_ENOMEM
 */
NSW_EXTERN int nsw_pdq_hash_luma(nsw_pdq_result *out, const float *luma,
				 uint32_t width, uint32_t height, int dihedral);

/**
 * Hash 8-bit pixels exactly as the reference does from a decoded image:
 * nearest-neighbour pre-resize to 512 x 512 when either side exceeds 512,
 * grey detection (every pixel R = G = B: luma is that value), else luma
 * 0.299 R + 0.587 G + 0.114 B in float, core.
 * @param out      result (caller storage)
 * @param pixels   borrowed; rows of `stride` bytes, `channels` 1 (grey)
 *                 or 3 (RGB)
 * @return 0, NSW_EINVAL (NULL, zero size, channels not 1 or 3, stride
 *         below width * channels), NSW_ENOMEM
 */
NSW_EXTERN int nsw_pdq_hash_pixels(nsw_pdq_result *out, const uint8_t *pixels,
				   uint32_t width, uint32_t height,
				   uint32_t channels, size_t stride,
				   int dihedral);

/**
 * Decode an image from memory (format sniffed from content) and hash it,
 * streaming: only the rows and pixels the hash needs are kept (see
 * docs/pdq.md for which rows a decoder may skip).
 * @param data  borrowed, `len` bytes
 * @param name  used only in error messages (may be NULL)
 * @return 0, NSW_EFORMAT (corrupt), NSW_EUNSUPPORTED (not an image),
 *         NSW_ELIMIT (over a limit), NSW_ENOMEM, NSW_EINVAL (NULL)
 */
NSW_EXTERN int nsw_pdq_hash_buffer(nsw_pdq_result *out, const uint8_t *data,
				   size_t len, const char *name, int dihedral);

/**
 * nsw_pdq_hash_buffer_opts() flag: hash a JPEG whose data ends early (a
 * partly downloaded or cut-off file) from what is present, as the reference
 * tool's libjpeg decode pads it, and mark the result partial. Refused
 * (NSW_EFORMAT) below NSW_JPEG_PARTIAL_MIN_PERCENT of rows present.
 * Without it such a file is NSW_EFORMAT "truncated".
 */
#define NSW_PDQ_PARTIAL_IMAGES 0x1u

/**
 * As nsw_pdq_hash_buffer(), with `flags` (NSW_PDQ_PARTIAL_IMAGES or 0).
 * out->partial and out->rows_present say how much of the image came from
 * data.
 * @return as nsw_pdq_hash_buffer(); NSW_EINVAL also for an unknown flag
 */
NSW_EXTERN int nsw_pdq_hash_buffer_opts(nsw_pdq_result *out,
					const uint8_t *data, size_t len,
					const char *name, int dihedral,
					unsigned flags);

/**
 * Read a file (read-only, O_NOATIME where allowed) and hash it; as
 * nsw_pdq_hash_buffer().
 * @return also NSW_ENOTFOUND (no such file), NSW_EIO (read error, not a
 *         regular file), NSW_ELIMIT (larger than the image file limit)
 */
NSW_EXTERN int nsw_pdq_hash_file(nsw_pdq_result *out, const char *path,
				 int dihedral);

/** Write the 64-digit lowercase hex form and a NUL into `hex` (65 bytes). */
NSW_EXTERN void nsw_pdq_to_hex(char hex[NSW_PDQ_HEX_LEN + 1],
			       const nsw_pdq_hash *hash);

/**
 * Parse exactly 64 hex digits (either case) from `text` (`len` bytes, no
 * NUL needed; an embedded NUL is a non-hex character). `*out` is left
 * untouched on failure.
 * @return 0, NSW_EFORMAT (wrong length or a non-hex character),
 *         NSW_EINVAL (NULL out, or NULL text with len > 0)
 */
NSW_EXTERN int nsw_pdq_from_hex(nsw_pdq_hash *out, const char *text,
				size_t len);

/** Hamming distance, 0..256. */
NSW_EXTERN int nsw_pdq_distance(const nsw_pdq_hash *a, const nsw_pdq_hash *b);

#ifdef __cplusplus
}
#endif
#endif
