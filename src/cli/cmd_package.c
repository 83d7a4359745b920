/* SPDX-License-Identifier: Apache-2.0 */
/* netsweep keygen / seal / verify-package: signed, checkable folders. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char keygen_usage[] =
	"usage: netsweep keygen -o KEY.pem\n"
	"  writes an Ed25519 private key KEY.pem (mode 0600) and its public\n"
	"  key KEY.pem.pub, for signing referral packages (--sign KEY.pem)\n";

int cli_cmd_keygen(int argc, char **argv)
{
	const char *out = NULL;
	char pub[4096];

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
			out = argv[++i];
		} else if (strcmp(argv[i], "--help") == 0) {
			fputs(keygen_usage, stdout);
			return CLI_EXIT_OK;
		} else {
			fputs(keygen_usage, stderr);
			return CLI_EXIT_USAGE;
		}
	}
	if (out == NULL) {
		fputs(keygen_usage, stderr);
		return CLI_EXIT_USAGE;
	}
	if ((size_t)snprintf(pub, sizeof(pub), "%s.pub", out) >= sizeof(pub)) {
		cli_error("keygen: path too long");
		return CLI_EXIT_USAGE;
	}
	if (nsw_sign_keygen(out, pub) < 0)
		return cli_fail("keygen");
	printf("private key: %s\npublic key:  %s\n", out, pub);
	return CLI_EXIT_OK;
}

static const char seal_usage[] =
	"usage: netsweep seal DIR [--sign KEY.pem]\n"
	"  writes DIR/MANIFEST.txt (SHA-256 and size of every file) and, with\n"
	"  --sign, DIR/MANIFEST.sig (Ed25519)\n";

int cli_cmd_seal(int argc, char **argv)
{
	const char *dir = NULL, *key = NULL;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--sign") == 0 && i + 1 < argc) {
			key = argv[++i];
		} else if (strcmp(argv[i], "--help") == 0) {
			fputs(seal_usage, stdout);
			return CLI_EXIT_OK;
		} else if (argv[i][0] != '-' && dir == NULL) {
			dir = argv[i];
		} else {
			fputs(seal_usage, stderr);
			return CLI_EXIT_USAGE;
		}
	}
	if (dir == NULL) {
		fputs(seal_usage, stderr);
		return CLI_EXIT_USAGE;
	}
	if (nsw_package_seal(dir, key) < 0)
		return cli_fail("seal");
	printf("sealed %s%s\n", dir, key ? " (signed)" : "");
	return CLI_EXIT_OK;
}

static const char verify_usage[] =
	"usage: netsweep verify-package DIR [--key PUBLIC.pem]\n"
	"  checks DIR against its MANIFEST.txt and names every altered,\n"
	"  missing or extra file; with --key the signature must verify.\n"
	"  exit: 0 intact, 1 altered/missing/extra/bad signature or error\n";

static void print_problem(void *ctx, nsw_package_problem what, const char *rel)
{
	(void)ctx;
	printf("%s\t%s\n", nsw_package_problem_name(what), rel);
}

int cli_cmd_verify_package(int argc, char **argv)
{
	const char *dir = NULL, *key = NULL;
	nsw_package_report r;
	int rc;
	static const char *const sig_state[] = {
		"invalid", "absent", "valid",
		"present, not checked (no --key)"};

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--key") == 0 && i + 1 < argc) {
			key = argv[++i];
		} else if (strcmp(argv[i], "--help") == 0) {
			fputs(verify_usage, stdout);
			return CLI_EXIT_OK;
		} else if (argv[i][0] != '-' && dir == NULL) {
			dir = argv[i];
		} else {
			fputs(verify_usage, stderr);
			return CLI_EXIT_USAGE;
		}
	}
	if (dir == NULL) {
		fputs(verify_usage, stderr);
		return CLI_EXIT_USAGE;
	}
	rc = nsw_package_verify(&r, dir, key, print_problem, NULL);
	if (rc < 0 && rc != NSW_EFORMAT)
		return cli_fail("verify-package");
	if (!r.manifest_ok)
		return cli_fail("verify-package");
	printf("files: %llu listed, %llu intact, %llu altered, %llu missing, "
	       "%llu extra, %llu unreadable\nsignature: %s\n",
	       (unsigned long long)r.listed, (unsigned long long)r.intact,
	       (unsigned long long)r.altered, (unsigned long long)r.missing,
	       (unsigned long long)r.extra, (unsigned long long)r.unreadable,
	       sig_state[r.signature + 1]);
	if (rc < 0) {
		cli_error("verify-package: %s", nsw_error_last());
		return CLI_EXIT_ERROR;
	}
	printf("package intact\n");
	return CLI_EXIT_OK;
}
