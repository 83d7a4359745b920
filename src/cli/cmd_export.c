/* SPDX-License-Identifier: Apache-2.0 */
/* netsweep export (VICS 2.0 case) and netsweep report (HTML triage). */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static void export_usage(FILE *out)
{
	fprintf(out, "usage: netsweep export --case CASE.nsdb --format "
		     "vics|case-uco -o FILE\n"
		     "\n"
		     "Write the reported hits as a VICS 2.0 case (#Cases): one "
		     "Media "
		     "per MD5\n"
		     "with its MediaFiles. Hashes and metadata only. Audited.\n"
		     "case-uco: the whole case as CASE/UCO 1.x JSON-LD "
		     "(docs/merge.md).\n");
}

static void report_usage(FILE *out)
{
	fprintf(out, "usage: netsweep report --case CASE.nsdb -o TRIAGE.html\n"
		     "\n"
		     "Write a self-contained HTML triage report: evidence and "
		     "manifest roots,\n"
		     "counts, lists, hits by category with paths and digests, "
		     "errors.\n"
		     "No media, no thumbnails, no links. Audited.\n");
}

/* --case C -o OUT [--format F]; 0, or a CLI exit code. */
static int parse(int argc, char **argv, const char *verb, void (*usage)(FILE *),
		 const char **case_path, const char **out, const char **format)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return -1;
		} else if (strcmp(argv[i], "--case") == 0 && i + 1 < argc) {
			*case_path = argv[++i];
		} else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
			*out = argv[++i];
		} else if (format != NULL && strcmp(argv[i], "--format") == 0 &&
			   i + 1 < argc) {
			*format = argv[++i];
		} else {
			cli_error("%s: unexpected '%s'", verb, argv[i]);
			usage(stderr);
			return CLI_EXIT_USAGE;
		}
	}
	if (*case_path == NULL || *out == NULL ||
	    (format != NULL && *format == NULL)) {
		cli_error("%s: --case, -o%s are required", verb,
			  format != NULL ? " and --format" : "");
		usage(stderr);
		return CLI_EXIT_USAGE;
	}
	return CLI_EXIT_OK;
}

int cli_cmd_export(int argc, char **argv)
{
	const char *case_path = NULL, *out = NULL, *format = NULL;
	nsw_case *c = NULL;
	int rc = parse(argc, argv, "export", export_usage, &case_path, &out,
		       &format);

	if (rc != CLI_EXIT_OK)
		return rc < 0 ? CLI_EXIT_OK : rc;
	if (strcmp(format, "vics") != 0 && strcmp(format, "case-uco") != 0) {
		cli_error("export: unknown format '%s' (vics, case-uco)",
			  format);
		return CLI_EXIT_USAGE;
	}
	if (nsw_case_open(&c, case_path, 0) != NSW_OK)
		return cli_fail("export");
	if ((strcmp(format, "vics") == 0
		     ? nsw_case_export_vics(c, out)
		     : nsw_case_export_case_uco(c, out)) != NSW_OK)
		rc = cli_fail("export");
	nsw_case_close(c);
	return rc;
}

int cli_cmd_report(int argc, char **argv)
{
	const char *case_path = NULL, *out = NULL;
	nsw_case *c = NULL;
	int rc = parse(argc, argv, "report", report_usage, &case_path, &out,
		       NULL);

	if (rc != CLI_EXIT_OK)
		return rc < 0 ? CLI_EXIT_OK : rc;
	if (nsw_case_open(&c, case_path, 0) != NSW_OK)
		return cli_fail("report");
	if (nsw_case_report_html(c, out) != NSW_OK)
		rc = cli_fail("report");
	nsw_case_close(c);
	return rc;
}
