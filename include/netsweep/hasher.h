/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Hash one file in a single read pass: the selected digests (MD5, SHA-1,
 * SHA-256) and, when the content is an image, PDQ computed from the very
 * bytes that were digested. Evidence is opened read-only, without updating
 * its access time where the OS allows, and never written.
 */
#ifndef NETSWEEP_HASHER_H
#define NETSWEEP_HASHER_H

#include "netsweep/common.h"
#include "netsweep/digest.h"
#include "netsweep/image.h"
#include "netsweep/pdq.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Room for a per-file decode error message (a path plus a reason). */
#define NSW_HASH_MESSAGE_MAX 1024

/** What hashing one file produced. */
typedef struct nsw_file_hash {
	uint64_t size;		 /**< the file's size in bytes (as read) */
	unsigned has;		 /**< NSW_ALGO_BIT() of every result present */
	nsw_digests digests;	 /**< the digests in `has` */
	nsw_pdq_result pdq;	 /**< when has & NSW_ALGO_BIT(NSW_ALGO_PDQ);
				    pdq.has_dihedral when they were asked */
	nsw_image_format format; /**< from the content; NSW_IMAGE_UNKNOWN
				    when it is not a supported image */
	uint32_t width;		 /**< image size when decoded, else 0 */
	uint32_t height;
	/**
	 * PDQ was asked and the content is an image, but it could not be
	 * hashed: the NSW_E* code (NSW_EFORMAT corrupt, NSW_ELIMIT over a
	 * limit, ...) and "PATH: reason". The digests are still valid.
	 * 0 and "" otherwise. A file that is not an image is not an error:
	 * it simply has no PDQ.
	 */
	int decode_error;
	char decode_message[NSW_HASH_MESSAGE_MAX];
} nsw_file_hash;

/** Per-thread hashing state: digest contexts and the read buffer. */
typedef struct nsw_hasher nsw_hasher;

/**
 * Make a hasher for the algorithms in `algos` (NSW_ALGO_BIT() of MD5,
 * SHA1, SHA256, PDQ; at least one). One hasher serves one thread.
 * @param dihedral non-zero to compute the 8 dihedral PDQ variants too
 * @param out      owned, free with nsw_hasher_free(); NULL on failure
 * @return 0, NSW_EINVAL (no or unknown algorithm), NSW_ENOMEM, NSW_ERROR
 */
NSW_EXTERN int nsw_hasher_new(nsw_hasher **out, unsigned algos, int dihedral);

/**
 * Hash JPEGs whose data ends early (partly downloaded or cut-off files)
 * from what is present instead of reporting a decode error: PDQ is then
 * marked (out->pdq.partial, out->pdq.rows_present; NSW_PDQ_PARTIAL_IMAGES
 * in pdq.h). Off by default. Digests are of the bytes as they are either
 * way.
 * @param allow  non-zero to allow, 0 for the strict default
 * @return 0, NSW_EINVAL (NULL hasher)
 */
NSW_EXTERN int nsw_hasher_set_partial_images(nsw_hasher *hasher, int allow);

/**
 * Hash the file at `path` (borrowed; a symlink is followed: the caller
 * decides about links). Only regular files are read: a FIFO, socket or
 * device is refused without blocking or reading. The file is read once, in
 * NSW_READ_CHUNK pieces; an image of up to NSW_IMAGE_FILE_MAX bytes is kept
 * in memory as it is read and decoded from those bytes for PDQ. With PDQ
 * as the only algorithm, a file that will not be decoded (not an image, or
 * over the limit) is not read past its first chunk; its size is then the
 * one fstat gives.
 * @param out  caller storage, fully overwritten
 * @return 0 (check out->decode_error for a failed decode),
 *         NSW_ENOTFOUND (no such file), NSW_EUNSUPPORTED (not a regular
 *         file), NSW_EIO (open or read failed, including permission),
 *         NSW_ENOMEM, NSW_EINVAL; the message names the path.
 */
NSW_EXTERN int nsw_hasher_file(nsw_hasher *hasher, nsw_file_hash *out,
			       const char *path);

/**
 * Where nsw_hasher_stream() gets its bytes: fill buf with up to cap bytes,
 * set *got (0 at the end). Return 0 or a negative NSW_E* with the message
 * set (an archive member that is corrupt, over a limit, ...).
 */
typedef int (*nsw_hasher_read_fn)(void *ctx, uint8_t *buf, size_t cap,
				  size_t *got);

/**
 * Hash bytes from a reader, as nsw_hasher_file() hashes a file: for a
 * member of an archive (a chat export's .zip), read once, never written
 * anywhere. The reader is drained to its end.
 * @param read       the reader; called until it yields 0 bytes or fails
 * @param ctx        passed to read (borrowed)
 * @param size_hint  the declared size when known (sizes the image
 *                   buffer; a larger image is refused as for a file),
 *                   else -1
 * @param name       names the data in messages, e.g. "chat.zip/IMG-1.jpg"
 * @param out        caller storage, fully overwritten
 * @return 0 (check out->decode_error), the reader's NSW_E* (message
 *         prefixed with name), NSW_ENOMEM, NSW_EINVAL
 */
NSW_EXTERN int nsw_hasher_stream(nsw_hasher *hasher, nsw_file_hash *out,
				 nsw_hasher_read_fn read, void *ctx,
				 int64_t size_hint, const char *name);

/** Free a hasher; NULL is a no-op. */
NSW_EXTERN void nsw_hasher_free(nsw_hasher *hasher);

#ifdef __cplusplus
}
#endif
#endif
