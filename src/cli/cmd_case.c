/* SPDX-License-Identifier: Apache-2.0 */
/* netsweep case: create a case file, show what it holds, verify its audit
 * log. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static void case_usage(FILE *out)
{
	fprintf(out, "usage: netsweep case init CASE.nsdb --name NAME "
		     "--examiner WHO\n"
		     "       netsweep case info CASE.nsdb\n"
		     "       netsweep case audit CASE.nsdb [--list]\n"
		     "\n"
		     "  init   create a new case file (it must not exist)\n"
		     "  info   case metadata, evidence items and counts\n"
		     "  audit  verify the hash-chained audit log; exit 0 when "
		     "intact,\n"
		     "         1 naming the first broken entry\n"
		     "  --list print every audit entry as well\n");
}

static void print_hex(FILE *out, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%02x", b[i]);
}

static int cmd_init(int argc, char **argv)
{
	const char *path = NULL, *name = NULL, *examiner = NULL;
	nsw_case *c = NULL;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--name") == 0 && i + 1 < argc) {
			name = argv[++i];
		} else if (strcmp(argv[i], "--examiner") == 0 && i + 1 < argc) {
			examiner = argv[++i];
		} else if (argv[i][0] == '-' || path != NULL) {
			cli_error("case init: unexpected '%s'", argv[i]);
			case_usage(stderr);
			return CLI_EXIT_USAGE;
		} else {
			path = argv[i];
		}
	}
	if (path == NULL || name == NULL || examiner == NULL) {
		cli_error("case init: CASE.nsdb, --name and --examiner are "
			  "required");
		case_usage(stderr);
		return CLI_EXIT_USAGE;
	}
	if (nsw_case_create(&c, path, name, examiner) != NSW_OK)
		return cli_fail("case init");
	printf("created %s (case %s)\n", path, nsw_case_get_meta(c)->uuid);
	nsw_case_close(c);
	return CLI_EXIT_OK;
}

/* One path argument, and --list when `list` is given. */
static int one_path(int argc, char **argv, const char *verb, int *list,
		    const char **path)
{
	*path = NULL;
	for (int i = 1; i < argc; i++) {
		if (list != NULL && strcmp(argv[i], "--list") == 0) {
			*list = 1;
		} else if (argv[i][0] == '-' || *path != NULL) {
			cli_error("case %s: unexpected '%s'", verb, argv[i]);
			case_usage(stderr);
			return CLI_EXIT_USAGE;
		} else {
			*path = argv[i];
		}
	}
	if (*path == NULL) {
		cli_error("case %s: CASE.nsdb is required", verb);
		case_usage(stderr);
		return CLI_EXIT_USAGE;
	}
	return CLI_EXIT_OK;
}

static int print_evidence(void *ctx, const nsw_evidence *ev)
{
	(void)ctx;
	printf("  %s\t%s\t%s\tadded %s by %s", ev->label, ev->kind,
	       ev->source_path ? ev->source_path : "", ev->added_utc,
	       ev->added_by);
	if (ev->manifest_algo != NULL && ev->manifest_root != NULL) {
		printf("\tmanifest %s:", ev->manifest_algo);
		print_hex(stdout, ev->manifest_root, ev->manifest_root_len);
	}
	putchar('\n');
	return 0;
}

static int print_group(void *ctx, const nsw_case_group *g)
{
	const char *what = ctx;

	printf("  %-10s %s%s%s\t%" PRId64, what, g->key, g->key2 ? " " : "",
	       g->key2 ? g->key2 : "", g->count);
	if (strcmp(what, "type") == 0)
		printf("\t%" PRId64 " bytes", g->bytes);
	putchar('\n');
	return 0;
}

static int cmd_info(int argc, char **argv)
{
	const char *path = NULL;
	const nsw_case_meta *m;
	nsw_case_totals t;
	nsw_audit_check chk;
	nsw_case *c = NULL;
	int rc = one_path(argc, argv, "info", NULL, &path);

	if (rc != CLI_EXIT_OK)
		return rc;
	if (nsw_case_open(&c, path, NSW_CASE_READONLY) != NSW_OK)
		return cli_fail("case info");
	m = nsw_case_get_meta(c);
	if (nsw_case_get_totals(c, 0, &t) != NSW_OK ||
	    nsw_case_audit_verify(c, &chk) != NSW_OK) {
		rc = cli_fail("case info");
		goto done;
	}
	printf("case:      %s\n", m->name);
	printf("examiner:  %s\n", m->examiner);
	printf("uuid:      %s\n", m->uuid);
	printf("created:   %s by netsweep %s\n", m->created_utc,
	       m->created_by_version);
	printf("schema:    %d\n", m->schema_version);
	printf("evidence:  %" PRId64 "\n", t.evidence);
	if (nsw_case_evidence_foreach(c, print_evidence, NULL) != NSW_OK) {
		rc = cli_fail("case info");
		goto done;
	}
	printf("files:     %" PRId64 " (ok %" PRId64 ", errors %" PRId64
	       ", skipped %" PRId64 ", names not UTF-8 %" PRId64 ")\n",
	       t.files, t.files_ok, t.errors, t.skipped, t.names_not_utf8);
	printf("bytes:     %" PRId64 "\n", t.bytes);
	printf("hits:      %" PRId64 " on %" PRId64
	       " files (suppressed by allow lists %" PRId64
	       "; files on allow lists %" PRId64 ")\n",
	       t.hits, t.files_with_hits, t.hits_suppressed,
	       t.files_allowlisted);
	if (nsw_case_summary_foreach(c, 0, NSW_GROUP_BY_CATEGORY, print_group,
				     "category") != NSW_OK ||
	    nsw_case_summary_foreach(c, 0, NSW_GROUP_BY_LIST, print_group,
				     "list") != NSW_OK) {
		rc = cli_fail("case info");
		goto done;
	}
	printf("lists:     %" PRId64 "\n", t.lists);
	printf("scans:     %" PRId64 "\n", t.scan_runs);
	printf("audit:     %" PRId64 " entries, %s", t.audit_entries,
	       chk.ok ? "chain intact, head " : "CHAIN BROKEN");
	if (chk.ok)
		print_hex(stdout, chk.head, sizeof(chk.head));
	else
		printf(" at entry %" PRId64 " (netsweep case audit)",
		       chk.first_bad);
	putchar('\n');
done:
	nsw_case_close(c);
	return rc;
}

static int print_entry(void *ctx, const nsw_audit_entry *e)
{
	(void)ctx;
	printf("%" PRId64 "\t%s\t%s\t%s\t%s\t", e->seq, e->time_utc, e->actor,
	       e->action, e->detail);
	print_hex(stdout, e->hash, sizeof(e->hash));
	putchar('\n');
	return 0;
}

static int cmd_audit(int argc, char **argv)
{
	const char *path = NULL;
	nsw_audit_check chk;
	nsw_case *c = NULL;
	int list = 0, rc = one_path(argc, argv, "audit", &list, &path);

	if (rc != CLI_EXIT_OK)
		return rc;
	if (nsw_case_open(&c, path, NSW_CASE_READONLY) != NSW_OK)
		return cli_fail("case audit");
	if (list && nsw_case_audit_foreach(c, print_entry, NULL) != NSW_OK) {
		rc = cli_fail("case audit");
		goto done;
	}
	if (nsw_case_audit_verify(c, &chk) != NSW_OK) {
		rc = cli_fail("case audit");
		goto done;
	}
	if (chk.ok) {
		printf("audit log intact: %" PRId64 " entries, head %" PRId64
		       " ",
		       chk.entries, chk.head_seq);
		print_hex(stdout, chk.head, sizeof(chk.head));
		putchar('\n');
		rc = CLI_EXIT_OK;
	} else {
		printf("audit log BROKEN at entry %" PRId64 ": %s\n",
		       chk.first_bad, chk.reason);
		cli_error("case audit: %s: entry %" PRId64 " fails: %s", path,
			  chk.first_bad, chk.reason);
		rc = CLI_EXIT_ERROR;
	}
done:
	nsw_case_close(c);
	return rc;
}

int cli_cmd_case(int argc, char **argv)
{
	if (argc < 2) {
		case_usage(stderr);
		return CLI_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
		case_usage(stdout);
		return CLI_EXIT_OK;
	}
	if (strcmp(argv[1], "init") == 0)
		return cmd_init(argc - 1, argv + 1);
	if (strcmp(argv[1], "info") == 0)
		return cmd_info(argc - 1, argv + 1);
	if (strcmp(argv[1], "audit") == 0)
		return cmd_audit(argc - 1, argv + 1);
	cli_error("case: unknown subcommand '%s'", argv[1]);
	case_usage(stderr);
	return CLI_EXIT_USAGE;
}
