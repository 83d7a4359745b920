/* SPDX-License-Identifier: Apache-2.0 */
/* MD5, SHA-1 and SHA-256 through OpenSSL's EVP interface: the only file that
 * includes OpenSSL, translating its 1-is-success convention to NSW_E*. */
#include <string.h>

#include <openssl/evp.h>

#include "alloc.h"
#include "error.h"
#include "netsweep/digest.h"

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
