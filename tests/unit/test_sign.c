/* SPDX-License-Identifier: Apache-2.0 */
/* Ed25519 keys and signatures, HMAC-SHA256 (sign.h, in digest.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "support.h"
#include "netsweep/digest.h"
#include "netsweep/sign.h"

static void hmac_matches_rfc4231_case_2(void **state)
{
	uint8_t mac[NSW_HMAC_SHA256_BYTES];
	char hex[65];
	const char *msg = "what do ya want for nothing?";

	(void)state;
	assert_int_equal(nsw_hmac_sha256(mac, "Jefe", 4, msg, strlen(msg)), 0);
	nsw_hex_encode(hex, mac, sizeof(mac));
	assert_string_equal(hex, "5bdcc146bf60754e6a042426089575c7"
				 "5a003f089d2739839dec58b964ec3843");
	assert_int_equal(nsw_hmac_sha256(mac, NULL, 0, msg, 1), NSW_EINVAL);
}

static void signatures_verify_and_detect_tampering(void **state)
{
	char *dir = ts_tmpdir();
	char *priv = ts_path(dir, "k.pem"), *pub = ts_path(dir, "k.pub");
	char *priv2 = ts_path(dir, "o.pem"), *pub2 = ts_path(dir, "o.pub");
	uint8_t sig[NSW_ED25519_SIG_BYTES];
	const char *msg = "manifest: a.json 9f86d081...";
	char *pem = NULL;
	struct stat st;

	(void)state;
	assert_int_equal(nsw_sign_keygen(priv, pub), 0);
	assert_int_equal(stat(priv, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* Never over an existing key. */
	assert_int_equal(nsw_sign_keygen(priv, pub), NSW_EIO);
	assert_int_equal(nsw_sign_ed25519(sig, priv, msg, strlen(msg)), 0);
	assert_int_equal(nsw_verify_ed25519(sig, pub, msg, strlen(msg)), 0);
	/* The private key file also verifies (its public half). */
	assert_int_equal(nsw_verify_ed25519(sig, priv, msg, strlen(msg)), 0);
	/* A changed message, a changed signature, another key: refused. */
	assert_int_equal(nsw_verify_ed25519(sig, pub, "manifest: b", 11),
			 NSW_EFORMAT);
	sig[5] ^= 1;
	assert_int_equal(nsw_verify_ed25519(sig, pub, msg, strlen(msg)),
			 NSW_EFORMAT);
	sig[5] ^= 1;
	assert_int_equal(nsw_sign_keygen(priv2, pub2), 0);
	assert_int_equal(nsw_verify_ed25519(sig, pub2, msg, strlen(msg)),
			 NSW_EFORMAT);
	/* A public key cannot sign. */
	assert_int_equal(nsw_sign_ed25519(sig, pub, msg, 1), NSW_EFORMAT);
	assert_int_equal(nsw_sign_public_pem(&pem, priv), 0);
	assert_non_null(strstr(pem, "BEGIN PUBLIC KEY"));
	nsw_sign_free(pem);
	assert_int_equal(nsw_verify_ed25519(sig, "/nonexistent.pub", msg, 1),
			 NSW_ENOTFOUND);
	free(priv);
	free(pub);
	free(priv2);
	free(pub2);
	ts_tmpdir_remove(dir);
}

static void keys_from_openssl_cli_interoperate(void **state)
{
	char *dir = ts_tmpdir();
	char cmd[1024];
	char *priv = ts_path(dir, "ossl.pem");
	uint8_t sig[NSW_ED25519_SIG_BYTES];

	(void)state;
	snprintf(cmd, sizeof(cmd),
		 "openssl genpkey -algorithm ed25519 -out %s 2>/dev/null",
		 priv);
	if (system(cmd) != 0) {
		printf("SKIP: openssl command not available\n");
	} else {
		assert_int_equal(nsw_sign_ed25519(sig, priv, "x", 1), 0);
		assert_int_equal(nsw_verify_ed25519(sig, priv, "x", 1), 0);
	}
	free(priv);
	ts_tmpdir_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hmac_matches_rfc4231_case_2),
		cmocka_unit_test(signatures_verify_and_detect_tampering),
		cmocka_unit_test(keys_from_openssl_cli_interoperate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
