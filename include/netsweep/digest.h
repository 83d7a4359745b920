/* SPDX-License-Identifier: Apache-2.0 */
/* Cryptographic file digests (MD5, SHA-1, SHA-256), fed incrementally so
 * one pass over the data computes every selected one, and their hex form. */
#ifndef NETSWEEP_DIGEST_H
#define NETSWEEP_DIGEST_H

#include "netsweep/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Bit of an algorithm in a selection mask: 1u << nsw_algo (as NSW_HAS_*). */
#define NSW_ALGO_BIT(algo) (1u << (unsigned)(algo))
/** The three cryptographic digests (every algorithm but PDQ). */
#define NSW_DIGESTS_ALL                                             \
	(NSW_ALGO_BIT(NSW_ALGO_MD5) | NSW_ALGO_BIT(NSW_ALGO_SHA1) | \
	 NSW_ALGO_BIT(NSW_ALGO_SHA256))

/** Finished digests; only those whose bit is in `has` are meaningful. */
typedef struct nsw_digests {
	unsigned has; /**< NSW_ALGO_BIT() of each digest present */
	uint8_t md5[NSW_MD5_BYTES];
	uint8_t sha1[NSW_SHA1_BYTES];
	uint8_t sha256[NSW_SHA256_BYTES];
} nsw_digests;

/** Running digest state for a selection of algorithms (opaque). */
typedef struct nsw_digest nsw_digest;

/**
 * Start digesting with the algorithms in `algos` (NSW_ALGO_BIT() of MD5,
 * SHA1, SHA256; 0 is allowed and computes nothing).
 * @param out  owned by the caller, free with nsw_digest_free(); NULL on
 *             failure
 * @return 0, NSW_EINVAL (NULL out, PDQ or unknown bits in `algos`),
 *         NSW_ENOMEM, NSW_ERROR (the crypto library refused)
 */
NSW_EXTERN int nsw_digest_new(nsw_digest **out, unsigned algos);

/**
 * Feed `len` bytes (borrowed) to every selected algorithm.
 * @return 0, NSW_EINVAL (NULL state, or NULL data with len > 0),
 *         NSW_ERROR (the crypto library failed)
 */
NSW_EXTERN int nsw_digest_update(nsw_digest *digest, const void *data,
				 size_t len);

/**
 * Finish: write the digests into `out` (caller storage) and reset the
 * state so it can digest the next input with the same algorithms.
 * @return 0, NSW_EINVAL, NSW_ERROR
 */
NSW_EXTERN int nsw_digest_final(nsw_digest *digest, nsw_digests *out);

/** Discard what was fed so far and start again. @return as final. */
NSW_EXTERN int nsw_digest_reset(nsw_digest *digest);

/** Free a digest state; NULL is a no-op. */
NSW_EXTERN void nsw_digest_free(nsw_digest *digest);

/**
 * One-shot: digest `len` bytes of `data` with `algos` into `out`.
 * @return as nsw_digest_new() and nsw_digest_update()
 */
NSW_EXTERN int nsw_digest_buffer(nsw_digests *out, unsigned algos,
				 const void *data, size_t len);

/**
 * Write `len` bytes as 2*len lowercase hex digits plus a NUL into `hex`
 * (caller storage of at least 2*len+1 bytes).
 */
NSW_EXTERN void nsw_hex_encode(char *hex, const uint8_t *bytes, size_t len);

/**
 * Strict hex parse: `text` (`text_len` bytes, no NUL needed) must be exactly
 * 2*out_len hex digits, either case, nothing else (no spaces, no "0x").
 * @param out  caller storage of out_len bytes; unchanged on failure
 * @return 0, NSW_EFORMAT (wrong length or a non-hex character),
 *         NSW_EINVAL (NULL pointers)
 */
NSW_EXTERN int nsw_hex_decode(uint8_t *out, size_t out_len, const char *text,
			      size_t text_len);

#ifdef __cplusplus
}
#endif
#endif
