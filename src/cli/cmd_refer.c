/* SPDX-License-Identifier: Apache-2.0 */
/* netsweep refer: one sealed referral package per country. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
	"usage: netsweep refer --case CASE.nsdb -o DIR [--country CC]...\n"
	"                      [--sign KEY.pem] [--agency NAME] "
	"[--case-ref REF]\n"
	"                      [--handling H0|H1|H2|H3] [--reliability "
	"A|B|C|X]\n"
	"                      [--accuracy 1|2|3|4]\n"
	"  one folder per country (default: every country with referable\n"
	"  suspects in the newest analysis) holding hashes and metadata only,\n"
	"  sealed with a SHA-256 manifest, signed with --sign. Defaults:\n"
	"  handling H2, reliability X, accuracy 4 (docs/referral.md).\n";

#define COUNTRIES_MAX 256

static int print_package(void *ctx, const nsw_refer_package *p)
{
	const char *dir = ctx;

	printf("%s\t%s/%s\t%llu suspects, %llu items, %llu messages, %llu "
	       "chats, %llu files\n",
	       p->country, dir, p->country, (unsigned long long)p->suspects,
	       (unsigned long long)p->items, (unsigned long long)p->messages,
	       (unsigned long long)p->chats, (unsigned long long)p->files);
	return 0;
}

int cli_cmd_refer(int argc, char **argv)
{
	const char *path = NULL, *countries[COUNTRIES_MAX];
	nsw_refer_options opt;
	nsw_case *c = NULL;
	size_t n = 0;
	int rc = CLI_EXIT_OK;

	memset(&opt, 0, sizeof(opt));
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int more = i + 1 < argc;

		if (strcmp(a, "--case") == 0 && more)
			path = argv[++i];
		else if (strcmp(a, "-o") == 0 && more)
			opt.out_dir = argv[++i];
		else if (strcmp(a, "--country") == 0 && more &&
			 n < COUNTRIES_MAX)
			countries[n++] = argv[++i];
		else if (strcmp(a, "--sign") == 0 && more)
			opt.sign_key = argv[++i];
		else if (strcmp(a, "--agency") == 0 && more)
			opt.agency = argv[++i];
		else if (strcmp(a, "--case-ref") == 0 && more)
			opt.case_ref = argv[++i];
		else if (strcmp(a, "--handling") == 0 && more)
			opt.handling = argv[++i];
		else if (strcmp(a, "--reliability") == 0 && more)
			opt.reliability = argv[++i];
		else if (strcmp(a, "--accuracy") == 0 && more)
			opt.accuracy = argv[++i];
		else if (strcmp(a, "--help") == 0) {
			fputs(usage, stdout);
			return CLI_EXIT_OK;
		} else {
			fputs(usage, stderr);
			return CLI_EXIT_USAGE;
		}
	}
	if (path == NULL || opt.out_dir == NULL) {
		fputs(usage, stderr);
		return CLI_EXIT_USAGE;
	}
	opt.countries = n ? countries : NULL;
	opt.country_count = n;
	if (nsw_case_open(&c, path, 0) != NSW_OK)
		return cli_fail("refer");
	if (nsw_refer_write(c, &opt, print_package, (void *)opt.out_dir) !=
	    NSW_OK)
		rc = cli_fail("refer");
	nsw_case_close(c);
	return rc;
}
