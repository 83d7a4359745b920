/* SPDX-License-Identifier: Apache-2.0 */
/*
 * netsweep links: which accounts posted the files found on a seized device
 * (nsw_case_device_links, docs/links.md). Account ids come from chat
 * exports (hostile text): escaped for each format.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "output.h"

enum fmt {
	F_TEXT,
	F_CSV,
	F_JSONL
};

struct out {
	enum fmt format;
	unsigned long rank;
};

static void links_usage(FILE *out)
{
	fprintf(out,
		"usage: netsweep links --case CASE.nsdb --evidence LABEL\n"
		"                      [--threshold N | --exact] "
		"[--format text|csv|jsonl]\n"
		"\n"
		"Which accounts posted the files found on a seized device (an\n"
		"evidence item scanned into the case), from the chat exports\n"
		"ingested there: a file links when an account posted the same\n"
		"bytes (SHA-256) or a PDQ near-copy (distance <= N, default "
		"31,\n"
		"under any of the file's 8 rotations and mirrorings; --exact:\n"
		"digests only). Each file adds 1/(accounts that posted it) to\n"
		"each such account, plus 1 to whoever posted it first. Best\n"
		"first. A lead, not an identification (docs/links.md).\n"
		"Exit 0: done (also when nothing links); 1: error; 2: "
		"usage.\n");
}

static int print_link(void *ctx, const nsw_device_link *l)
{
	struct out *o = ctx;

	o->rank++;
	switch (o->format) {
	case F_JSONL:
		printf("{\"rank\":%lu,\"platform\":", o->rank);
		cli_json_string(stdout, l->platform, strlen(l->platform));
		fputs(",\"account\":", stdout);
		cli_json_string(stdout, l->native_id, strlen(l->native_id));
		printf(",\"files\":%" PRIu64 ",\"exact\":%" PRIu64
		       ",\"score\":%.3f}\n",
		       l->files, l->exact, l->score);
		break;
	case F_CSV:
		printf("%lu,", o->rank);
		cli_csv_text(stdout, l->platform);
		fputc(',', stdout);
		cli_csv_text(stdout, l->native_id);
		printf(",%" PRIu64 ",%" PRIu64 ",%.3f\n", l->files, l->exact,
		       l->score);
		break;
	default:
		printf("%4lu  %8.3f  %6" PRIu64 "  %6" PRIu64 "  ", o->rank,
		       l->score, l->files, l->exact);
		cli_text_cell(stdout, l->platform);
		fputc(' ', stdout);
		cli_text_cell(stdout, l->native_id);
		fputc('\n', stdout);
	}
	return 0;
}

int cli_cmd_links(int argc, char **argv)
{
	const char *path = NULL, *label = NULL;
	unsigned long threshold = 31;
	int exact = 0, rc;
	struct out o = {F_TEXT, 0};
	nsw_case *c = NULL;
	int64_t evidence = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--help") == 0) {
			links_usage(stdout);
			return CLI_EXIT_OK;
		} else if (strcmp(a, "--case") == 0 && val) {
			path = argv[++i];
		} else if (strcmp(a, "--evidence") == 0 && val) {
			label = argv[++i];
		} else if (strcmp(a, "--threshold") == 0 && val) {
			if (cli_parse_uint(val, 0, 256, &threshold) != 0) {
				cli_error("links: --threshold must be 0-256");
				return CLI_EXIT_USAGE;
			}
			i++;
		} else if (strcmp(a, "--exact") == 0) {
			exact = 1;
		} else if (strcmp(a, "--format") == 0 && val) {
			i++;
			if (strcmp(val, "text") == 0) {
				o.format = F_TEXT;
			} else if (strcmp(val, "csv") == 0) {
				o.format = F_CSV;
			} else if (strcmp(val, "jsonl") == 0) {
				o.format = F_JSONL;
			} else {
				cli_error("links: unknown format '%s'", val);
				return CLI_EXIT_USAGE;
			}
		} else {
			cli_error("links: unexpected '%s'", a);
			links_usage(stderr);
			return CLI_EXIT_USAGE;
		}
	}
	if (path == NULL || label == NULL) {
		cli_error("links: --case and --evidence are required");
		links_usage(stderr);
		return CLI_EXIT_USAGE;
	}
	if (nsw_case_open(&c, path, NSW_CASE_READONLY) != NSW_OK)
		return cli_fail("links");
	rc = nsw_case_evidence_find(c, label, &evidence);
	if (rc == NSW_ENOTFOUND) {
		cli_error("links: no evidence labelled '%s' in %s", label,
			  path);
		nsw_case_close(c);
		return CLI_EXIT_ERROR;
	}
	if (rc == NSW_OK && o.format == F_TEXT)
		printf("rank     score   files   exact  account\n");
	if (rc == NSW_OK && o.format == F_CSV)
		printf("rank,platform,account,files,exact,score\n");
	if (rc == NSW_OK)
		rc = nsw_case_device_links(c, evidence,
					   exact ? -1 : (int)threshold,
					   print_link, &o);
	if (rc != NSW_OK) {
		rc = cli_fail("links");
		nsw_case_close(c);
		return rc;
	}
	nsw_case_close(c);
	if (o.format == F_TEXT && o.rank == 0)
		printf("(no account posted any file of '%s')\n", label);
	return CLI_EXIT_OK;
}
