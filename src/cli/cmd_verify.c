/* SPDX-License-Identifier: Apache-2.0 */
/* netsweep verify: re-read evidence and report what changed since the
 * scan, against the case's records and their stored manifest root. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static void verify_usage(FILE *out)
{
	fprintf(out,
		"usage: netsweep verify --case CASE.nsdb [--evidence LABEL]\n"
		"\n"
		"Re-read the evidence (read-only) and list files changed, "
		"missing or\n"
		"new since the scan, one per line: KIND<TAB>LABEL<TAB>PATH"
		"<TAB>DETAIL.\n"
		"Exit 0: no difference; 1: differences (or the case's records "
		"no longer\n"
		"match their manifest root), or an error; 2: usage.\n");
}

static void print_diff(void *ctx, const nsw_verify_diff *d)
{
	(void)ctx;
	printf("%s\t%s\t%s\t%s\n", nsw_verify_kind_name(d->kind),
	       d->evidence_label, d->path, d->detail);
}

int cli_cmd_verify(int argc, char **argv)
{
	const char *path = NULL, *label = NULL;
	nsw_verify_result r;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0) {
			verify_usage(stdout);
			return CLI_EXIT_OK;
		} else if (strcmp(argv[i], "--case") == 0 && i + 1 < argc) {
			path = argv[++i];
		} else if (strcmp(argv[i], "--evidence") == 0 && i + 1 < argc) {
			label = argv[++i];
		} else {
			cli_error("verify: unexpected '%s'", argv[i]);
			verify_usage(stderr);
			return CLI_EXIT_USAGE;
		}
	}
	if (path == NULL) {
		cli_error("verify: --case CASE.nsdb is required");
		verify_usage(stderr);
		return CLI_EXIT_USAGE;
	}
	if (nsw_scan_verify(path, label, print_diff, NULL, &r) != NSW_OK)
		return cli_fail("verify");
	printf("verified %" PRId64 " evidence item(s), %" PRId64
	       " recorded files: %" PRId64 " changed, %" PRId64
	       " missing, %" PRId64 " new, %" PRId64 " unreadable%s\n",
	       r.evidence, r.checked, r.changed, r.missing, r.added,
	       r.unreadable,
	       r.manifest_mismatch > 0 ? "; MANIFEST MISMATCH" : "");
	return r.changed + r.missing + r.added + r.unreadable +
				       r.manifest_mismatch >
			       0
		       ? CLI_EXIT_ERROR
		       : CLI_EXIT_OK;
}
