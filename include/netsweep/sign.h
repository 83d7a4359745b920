/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Signatures and keyed hashes for exchanging results between agencies:
 * Ed25519 keys in PEM files (interoperable with `openssl genpkey
 * -algorithm ed25519`), detached signatures, and HMAC-SHA256 tokens.
 */
#ifndef NETSWEEP_SIGN_H
#define NETSWEEP_SIGN_H

#include "netsweep/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NSW_ED25519_SIG_BYTES 64
#define NSW_HMAC_SHA256_BYTES 32

/**
 * Create an Ed25519 key pair: `private_path` (PEM PKCS#8, created with mode
 * 0600, refused if it exists) and `public_path` (PEM SubjectPublicKeyInfo).
 * @return 0; NSW_EIO (cannot write, or the file exists); NSW_ERROR
 */
NSW_EXTERN int nsw_sign_keygen(const char *private_path,
			       const char *public_path);

/**
 * Sign `msg` with the Ed25519 private key in the PEM file `private_path`.
 * @param sig  caller storage, NSW_ED25519_SIG_BYTES
 * @return 0; NSW_ENOTFOUND / NSW_EIO (key file); NSW_EFORMAT (not an
 *         Ed25519 private key)
 */
NSW_EXTERN int nsw_sign_ed25519(uint8_t sig[NSW_ED25519_SIG_BYTES],
				const char *private_path, const void *msg,
				size_t len);

/**
 * Verify a signature with the public key in the PEM file `public_path` (a
 * private key file is accepted too: its public half is used).
 * @return 0 when valid; NSW_EFORMAT when the signature does not verify or
 *         the key is not Ed25519; NSW_ENOTFOUND / NSW_EIO (key file)
 */
NSW_EXTERN int nsw_verify_ed25519(const uint8_t sig[NSW_ED25519_SIG_BYTES],
				  const char *public_path, const void *msg,
				  size_t len);

/**
 * Write the public key of a PEM key file (private or public) as PEM into
 * a new string. `*out` is owned; free with nsw_sign_free().
 */
NSW_EXTERN int nsw_sign_public_pem(char **out, const char *key_path);

/** HMAC-SHA256 of `msg` under `key`. @return 0, NSW_EINVAL, NSW_ERROR */
NSW_EXTERN int nsw_hmac_sha256(uint8_t out[NSW_HMAC_SHA256_BYTES],
			       const void *key, size_t key_len, const void *msg,
			       size_t len);

/** Free a string returned by this module; NULL is a no-op. */
NSW_EXTERN void nsw_sign_free(char *s);

/* ---- Password hashing and random bytes (the analyst server's users) --- */

/** PBKDF2-HMAC-SHA256 iterations for new password hashes: 210,000, the
 * floor issue 7 sets (OWASP's 2023 figure for this PRF is 600,000; the
 * count is stored in each hash, so raising it later keeps old hashes). */
#define NSW_PBKDF2_ITERATIONS 210000u
/** Most iterations a stored hash may ask for (bounds a hostile row). */
#define NSW_PBKDF2_ITERATIONS_MAX 10000000u

/**
 * PBKDF2-HMAC-SHA256 of `password` with `salt`.
 * @param out        caller storage, `out_len` bytes (1..64)
 * @param iterations 1..NSW_PBKDF2_ITERATIONS_MAX
 * @return 0; NSW_EINVAL (bad sizes); NSW_ERROR (OpenSSL failed)
 */
NSW_EXTERN int nsw_pbkdf2_sha256(uint8_t *out, size_t out_len,
				 const char *password, size_t password_len,
				 const uint8_t *salt, size_t salt_len,
				 unsigned iterations);

/**
 * Fill `out` with `len` bytes from OpenSSL's CSPRNG (RAND_bytes).
 * @return 0; NSW_EINVAL (len > INT32_MAX); NSW_ERROR (no entropy)
 */
NSW_EXTERN int nsw_random_bytes(uint8_t *out, size_t len);

/** Compare `len` bytes in time independent of where they differ: 1 equal,
 * 0 not (CRYPTO_memcmp). */
NSW_EXTERN int nsw_const_equal(const void *a, const void *b, size_t len);

#ifdef __cplusplus
}
#endif
#endif
