/* SPDX-License-Identifier: Apache-2.0 */
/* MD5, SHA-1, SHA-256, HMAC-SHA256 and Ed25519 through OpenSSL's EVP
 * interface: the only file that includes OpenSSL, translating its
 * 1-is-success convention to NSW_E*. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/crypto.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include "alloc.h"
#include "error.h"
#include "netsweep/digest.h"
#include "netsweep/sign.h"

/* The digests in the order of nsw_algo (MD5, SHA1, SHA256). */
enum {
	DIGEST_KINDS = 3
};

struct nsw_digest {
	unsigned algos;
	EVP_MD_CTX *ctx[DIGEST_KINDS]; /* NULL when not selected */
};

static const EVP_MD *kind_md(int kind)
{
	switch (kind) {
	case NSW_ALGO_MD5:
		return EVP_md5();
	case NSW_ALGO_SHA1:
		return EVP_sha1();
	default:
		return EVP_sha256();
	}
}

static uint8_t *kind_slot(nsw_digests *d, int kind)
{
	switch (kind) {
	case NSW_ALGO_MD5:
		return d->md5;
	case NSW_ALGO_SHA1:
		return d->sha1;
	default:
		return d->sha256;
	}
}

/* (Re)start every selected context. */
static int init_all(nsw_digest *digest)
{
	for (int k = 0; k < DIGEST_KINDS; k++) {
		if (digest->ctx[k] == NULL)
			continue;
		if (EVP_DigestInit_ex(digest->ctx[k], kind_md(k), NULL) != 1)
			return nsw_error_set(NSW_ERROR,
					     "OpenSSL refused to start %s",
					     nsw_algo_name((nsw_algo)k));
	}
	return NSW_OK;
}

int nsw_digest_new(nsw_digest **out, unsigned algos)
{
	nsw_digest *digest = NULL;
	int rc;

	if (out == NULL)
		return nsw_error_set(NSW_EINVAL, "nsw_digest_new: NULL out");
	*out = NULL;
	if ((algos & ~(unsigned)NSW_DIGESTS_ALL) != 0)
		return nsw_error_set(NSW_EINVAL,
				     "nsw_digest_new: algorithm mask 0x%x has "
				     "bits other than md5, sha1, sha256",
				     algos);
	digest = nsw__calloc(1, sizeof(*digest));
	if (digest == NULL)
		return nsw_error_set(NSW_ENOMEM, "out of memory for a digest");
	digest->algos = algos;
	for (int k = 0; k < DIGEST_KINDS; k++) {
		if ((algos & NSW_ALGO_BIT(k)) == 0)
			continue;
		digest->ctx[k] = EVP_MD_CTX_new();
		if (digest->ctx[k] == NULL) {
			rc = nsw_error_set(NSW_ENOMEM,
					   "out of memory for a %s context",
					   nsw_algo_name((nsw_algo)k));
			goto done;
		}
	}
	rc = init_all(digest);
	if (rc != NSW_OK)
		goto done;
	*out = digest;
	digest = NULL;
done:
	nsw_digest_free(digest);
	return rc;
}

int nsw_digest_update(nsw_digest *digest, const void *data, size_t len)
{
	if (digest == NULL || (data == NULL && len > 0))
		return nsw_error_set(NSW_EINVAL, "nsw_digest_update: NULL");
	if (len == 0)
		return NSW_OK;
	for (int k = 0; k < DIGEST_KINDS; k++) {
		if (digest->ctx[k] == NULL)
			continue;
		if (EVP_DigestUpdate(digest->ctx[k], data, len) != 1)
			return nsw_error_set(NSW_ERROR,
					     "OpenSSL %s update failed",
					     nsw_algo_name((nsw_algo)k));
	}
	return NSW_OK;
}

int nsw_digest_final(nsw_digest *digest, nsw_digests *out)
{
	if (digest == NULL || out == NULL)
		return nsw_error_set(NSW_EINVAL, "nsw_digest_final: NULL");
	memset(out, 0, sizeof(*out));
	for (int k = 0; k < DIGEST_KINDS; k++) {
		unsigned int n = 0;

		if (digest->ctx[k] == NULL)
			continue;
		if (EVP_DigestFinal_ex(digest->ctx[k], kind_slot(out, k), &n) !=
			    1 ||
		    n != nsw_algo_bytes((nsw_algo)k))
			return nsw_error_set(NSW_ERROR,
					     "OpenSSL %s final failed",
					     nsw_algo_name((nsw_algo)k));
	}
	out->has = digest->algos;
	return init_all(digest);
}

int nsw_digest_reset(nsw_digest *digest)
{
	if (digest == NULL)
		return nsw_error_set(NSW_EINVAL, "nsw_digest_reset: NULL");
	return init_all(digest);
}

void nsw_digest_free(nsw_digest *digest)
{
	if (digest == NULL)
		return;
	for (int k = 0; k < DIGEST_KINDS; k++)
		EVP_MD_CTX_free(digest->ctx[k]);
	nsw__free(digest);
}

int nsw_digest_buffer(nsw_digests *out, unsigned algos, const void *data,
		      size_t len)
{
	nsw_digest *digest = NULL;
	int rc;

	if (out == NULL)
		return nsw_error_set(NSW_EINVAL, "nsw_digest_buffer: NULL out");
	rc = nsw_digest_new(&digest, algos);
	if (rc != NSW_OK)
		goto done;
	rc = nsw_digest_update(digest, data, len);
	if (rc != NSW_OK)
		goto done;
	rc = nsw_digest_final(digest, out);
done:
	nsw_digest_free(digest);
	return rc;
}

void nsw_hex_encode(char *hex, const uint8_t *bytes, size_t len)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		hex[2 * i] = digits[bytes[i] >> 4];
		hex[2 * i + 1] = digits[bytes[i] & 15];
	}
	hex[2 * len] = '\0';
}

/* Value of one hex digit, or -1. */
static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int nsw_hex_decode(uint8_t *out, size_t out_len, const char *text,
		   size_t text_len)
{
	if (out == NULL || (text == NULL && text_len > 0))
		return nsw_error_set(NSW_EINVAL, "nsw_hex_decode: NULL");
	if (out_len > SIZE_MAX / 2 || text_len != 2 * out_len)
		return nsw_error_set(NSW_EFORMAT,
				     "hex digest has %zu characters, expected "
				     "%zu",
				     text_len, out_len * 2);
	for (size_t i = 0; i < text_len; i++)
		if (hex_value(text[i]) < 0)
			return nsw_error_set(NSW_EFORMAT,
					     "hex digest: character %zu is not "
					     "a hex digit",
					     i + 1);
	for (size_t i = 0; i < out_len; i++)
		out[i] = (uint8_t)(hex_value(text[2 * i]) << 4 |
				   hex_value(text[2 * i + 1]));
	return NSW_OK;
}

/* ---- Ed25519 and HMAC ------------------------------------------------- */

static int open_key_file(FILE **out, const char *path)
{
	*out = fopen(path, "rb");
	if (*out == NULL)
		return nsw_error_set(errno == ENOENT ? NSW_ENOTFOUND : NSW_EIO,
				     "%s: %s", path, strerror(errno));
	return 0;
}

/* A private key, or (want_private = 0) a public or private key. */
static int load_key(EVP_PKEY **out, const char *path, int want_private)
{
	FILE *f = NULL;
	EVP_PKEY *key = NULL;
	int rc = open_key_file(&f, path);

	*out = NULL;
	if (rc < 0)
		return rc;
	key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	if (key == NULL && !want_private) {
		rewind(f);
		key = PEM_read_PUBKEY(f, NULL, NULL, NULL);
	}
	fclose(f);
	if (key == NULL || EVP_PKEY_get_id(key) != EVP_PKEY_ED25519) {
		EVP_PKEY_free(key);
		return nsw_error_set(NSW_EFORMAT, "%s: not an Ed25519 %s key",
				     path, want_private ? "private" : "PEM");
	}
	*out = key;
	return 0;
}

int nsw_sign_keygen(const char *private_path, const char *public_path)
{
	EVP_PKEY_CTX *pctx = NULL;
	EVP_PKEY *key = NULL;
	FILE *f = NULL;
	int fd = -1, rc = NSW_ERROR;

	pctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, NULL);
	if (pctx == NULL || EVP_PKEY_keygen_init(pctx) != 1 ||
	    EVP_PKEY_keygen(pctx, &key) != 1) {
		rc = nsw_error_set(NSW_ERROR, "Ed25519 key generation failed");
		goto done;
	}
	/* The private key is created 0600 and never over an existing file. */
	fd = open(private_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = nsw_error_set(NSW_EIO, "%s: %s", private_path,
				   strerror(errno));
		goto done;
	}
	f = fdopen(fd, "wb");
	if (f == NULL) {
		rc = nsw_error_set(NSW_EIO, "%s: %s", private_path,
				   strerror(errno));
		goto done;
	}
	fd = -1;
	if (PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL) != 1 ||
	    fclose(f) != 0) {
		f = NULL;
		rc = nsw_error_set(NSW_EIO, "%s: cannot write key",
				   private_path);
		goto done;
	}
	f = fopen(public_path, "wb");
	if (f == NULL) {
		rc = nsw_error_set(NSW_EIO, "%s: %s", public_path,
				   strerror(errno));
		goto done;
	}
	if (PEM_write_PUBKEY(f, key) != 1 || fclose(f) != 0) {
		f = NULL;
		rc = nsw_error_set(NSW_EIO, "%s: cannot write key",
				   public_path);
		goto done;
	}
	f = NULL;
	rc = 0;
done:
	if (f)
		fclose(f);
	if (fd >= 0)
		close(fd);
	EVP_PKEY_free(key);
	EVP_PKEY_CTX_free(pctx);
	return rc;
}

int nsw_sign_ed25519(uint8_t sig[NSW_ED25519_SIG_BYTES],
		     const char *private_path, const void *msg, size_t len)
{
	EVP_PKEY *key = NULL;
	EVP_MD_CTX *ctx = NULL;
	size_t siglen = NSW_ED25519_SIG_BYTES;
	int rc = load_key(&key, private_path, 1);

	if (rc < 0)
		return rc;
	ctx = EVP_MD_CTX_new();
	/* Ed25519 is one-shot: no digest, the whole message at once. */
	if (ctx == NULL ||
	    EVP_DigestSignInit(ctx, NULL, NULL, NULL, key) != 1 ||
	    EVP_DigestSign(ctx, sig, &siglen, msg, len) != 1 ||
	    siglen != NSW_ED25519_SIG_BYTES)
		rc = nsw_error_set(NSW_ERROR, "Ed25519 signing failed");
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(key);
	return rc;
}

int nsw_verify_ed25519(const uint8_t sig[NSW_ED25519_SIG_BYTES],
		       const char *public_path, const void *msg, size_t len)
{
	EVP_PKEY *key = NULL;
	EVP_MD_CTX *ctx = NULL;
	int rc = load_key(&key, public_path, 0);

	if (rc < 0)
		return rc;
	ctx = EVP_MD_CTX_new();
	if (ctx == NULL ||
	    EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, key) != 1)
		rc = nsw_error_set(NSW_ERROR, "Ed25519 verification failed");
	else if (EVP_DigestVerify(ctx, sig, NSW_ED25519_SIG_BYTES, msg, len) !=
		 1)
		rc = nsw_error_set(NSW_EFORMAT,
				   "signature does not verify with %s",
				   public_path);
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(key);
	return rc;
}

int nsw_sign_public_pem(char **out, const char *key_path)
{
	EVP_PKEY *key = NULL;
	BIO *bio = NULL;
	char *data = NULL;
	long n;
	int rc = load_key(&key, key_path, 0);

	*out = NULL;
	if (rc < 0)
		return rc;
	bio = BIO_new(BIO_s_mem());
	if (bio == NULL || PEM_write_bio_PUBKEY(bio, key) != 1) {
		rc = nsw_error_set(NSW_ERROR, "%s: cannot export public key",
				   key_path);
		goto done;
	}
	n = BIO_get_mem_data(bio, &data);
	*out = nsw__strndup(data, n > 0 ? (size_t)n : 0);
	if (*out == NULL)
		rc = nsw_error_set(NSW_ENOMEM, "out of memory");
done:
	BIO_free(bio);
	EVP_PKEY_free(key);
	return rc;
}

int nsw_hmac_sha256(uint8_t out[NSW_HMAC_SHA256_BYTES], const void *key,
		    size_t key_len, const void *msg, size_t len)
{
	unsigned int n = 0;

	if (key == NULL || key_len == 0 || key_len > INT32_MAX)
		return nsw_error_set(NSW_EINVAL, "HMAC needs a key");
	if (HMAC(EVP_sha256(), key, (int)key_len, msg, len, out, &n) == NULL ||
	    n != NSW_HMAC_SHA256_BYTES)
		return nsw_error_set(NSW_ERROR, "HMAC-SHA256 failed");
	return 0;
}

void nsw_sign_free(char *s)
{
	nsw__free(s);
}

/* ---- Password hashing and random bytes -------------------------------- */

int nsw_pbkdf2_sha256(uint8_t *out, size_t out_len, const char *password,
		      size_t password_len, const uint8_t *salt, size_t salt_len,
		      unsigned iterations)
{
	if (out == NULL || out_len == 0 || out_len > 64 || password == NULL ||
	    password_len > INT32_MAX || salt == NULL || salt_len == 0 ||
	    salt_len > 1024 || iterations == 0 ||
	    iterations > NSW_PBKDF2_ITERATIONS_MAX)
		return nsw_error_set(NSW_EINVAL, "PBKDF2: bad arguments");
	if (PKCS5_PBKDF2_HMAC(password, (int)password_len, salt, (int)salt_len,
			      (int)iterations, EVP_sha256(), (int)out_len,
			      out) != 1)
		return nsw_error_set(NSW_ERROR, "PBKDF2-HMAC-SHA256 failed");
	return 0;
}

int nsw_random_bytes(uint8_t *out, size_t len)
{
	if (len > INT32_MAX || (out == NULL && len))
		return nsw_error_set(NSW_EINVAL, "random: bad length");
	if (len && RAND_bytes(out, (int)len) != 1)
		return nsw_error_set(NSW_ERROR, "random: no entropy");
	return 0;
}

int nsw_const_equal(const void *a, const void *b, size_t len)
{
	return CRYPTO_memcmp(a, b, len) == 0;
}
