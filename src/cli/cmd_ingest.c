/* SPDX-License-Identifier: Apache-2.0 */
/* netsweep ingest: record chat exports in a case (docs/ingest.md). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void ingest_usage(FILE *out)
{
	fputs("usage: netsweep ingest --case CASE.nsdb [options] EXPORT...\n"
	      "\n"
	      "Record each chat EXPORT (Telegram result.json or its folder, "
	      "WhatsApp\n"
	      ".txt or .zip, DiscordChatExporter .json) in the case as one "
	      "evidence\n"
	      "item: chats, accounts, messages, media, membership events. "
	      "Media files\n"
	      "are hashed (MD5, SHA-1, SHA-256, PDQ) and matched against the "
	      "lists.\n"
	      "Ingesting the same export again adds nothing twice.\n"
	      "\n"
	      "  --format F         auto (default), telegram, whatsapp, "
	      "discord, signal\n"
	      "  --timezone TZ      for local times: UTC (default), +02:00, "
	      "Europe/Berlin\n"
	      "  --date-order O     auto (default), dmy, mdy, ymd (WhatsApp)\n"
	      "  --list PATH        known-material list (repeatable)\n"
	      "  --allow PATH       allow list: suppresses hits (repeatable)\n"
	      "  --label LABEL      evidence label (default: the export's "
	      "name;\n"
	      "                     LABEL-1, LABEL-2... with several exports)\n"
	      "  --no-pdq           digests only, no image decoding\n"
	      "  --partial-images   hash media JPEGs cut short from what is\n"
	      "                     present; recorded as partial\n"
	      "  --timing           also print wall and per-thread CPU time\n"
	      "\n"
	      "Problems are printed as 'netsweep: FILE:LINE: message' and "
	      "recorded.\n"
	      "Exit: 0 done; 3 done but some records failed; 1 error; 2 "
	      "usage.\n",
	      out);
}

struct ingest_args {
	const char *case_path, *label, *timezone;
	const char **lists, **allows, **exports;
	size_t nlists, nallows, nexports;
	nsw_ingest_format format;
	nsw_date_order order;
	int no_pdq, partial_images, timing;
};

static int parse_args(struct ingest_args *a, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		int has_value = i + 1 < argc;

		if (strcmp(arg, "--help") == 0) {
			ingest_usage(stdout);
			return -1;
		} else if (strcmp(arg, "--case") == 0 && has_value) {
			a->case_path = argv[++i];
		} else if (strcmp(arg, "--label") == 0 && has_value) {
			a->label = argv[++i];
		} else if (strcmp(arg, "--timezone") == 0 && has_value) {
			a->timezone = argv[++i];
		} else if (strcmp(arg, "--list") == 0 && has_value) {
			a->lists[a->nlists++] = argv[++i];
		} else if (strcmp(arg, "--allow") == 0 && has_value) {
			a->allows[a->nallows++] = argv[++i];
		} else if (strcmp(arg, "--format") == 0 && has_value) {
			if (nsw_ingest_format_parse(&a->format, argv[++i])) {
				cli_error("ingest: unknown --format '%s'",
					  argv[i]);
				return CLI_EXIT_USAGE;
			}
		} else if (strcmp(arg, "--date-order") == 0 && has_value) {
			if (nsw_date_order_parse(&a->order, argv[++i])) {
				cli_error("ingest: unknown --date-order '%s'",
					  argv[i]);
				return CLI_EXIT_USAGE;
			}
		} else if (strcmp(arg, "--no-pdq") == 0) {
			a->no_pdq = 1;
		} else if (strcmp(arg, "--partial-images") == 0) {
			a->partial_images = 1;
		} else if (strcmp(arg, "--timing") == 0) {
			a->timing = 1;
		} else if (arg[0] == '-' && arg[1] != '\0') {
			cli_error("ingest: unknown option or missing value "
				  "'%s'",
				  arg);
			return CLI_EXIT_USAGE;
		} else {
			a->exports[a->nexports++] = arg;
		}
	}
	if (a->case_path == NULL || a->nexports == 0) {
		cli_error("ingest: --case and at least one EXPORT are "
			  "required");
		return CLI_EXIT_USAGE;
	}
	return CLI_EXIT_OK;
}

static void on_problem(void *ctx, const nsw_ingest_problem *p)
{
	const char *file = p->file != NULL ? p->file : "";
	const char *msg = p->message != NULL ? p->message : "";
	size_t n = strlen(file);

	(void)ctx;
	/* Most parser messages already start with "FILE:LINE: ". */
	if (n > 0 && strncmp(msg, file, n) == 0 && msg[n] == ':')
		cli_error("%s", msg);
	else if (p->line > 0)
		cli_error("%s:%" PRIu64 ": %s", file, p->line, msg);
	else
		cli_error("%s: %s", file, msg);
}

static void on_note(void *ctx, const char *file, const char *message)
{
	(void)ctx;
	fprintf(stderr, "netsweep: note: %s: %s\n", file, message);
}

static void print_summary(const char *path, const char *label,
			  const nsw_chat_ingest_result *r)
{
	printf("export %s: evidence %s (%s%s)\n", path, label,
	       nsw_ingest_format_name(r->format),
	       r->evidence_new ? ", new" : ", again");
	printf("chats:      %" PRId64 " (%" PRId64 " new)\n", r->chats,
	       r->chats_new);
	printf("accounts:   %" PRIu64 " sightings, %" PRId64 " new\n",
	       r->stats.accounts, r->accounts_new);
	printf("messages:   %" PRId64 " (%" PRId64 " new, %" PRId64
	       " already present; %" PRIu64 " service)\n",
	       r->messages, r->messages_new, r->messages_present,
	       r->stats.service);
	printf("membership: %" PRIu64 " events (%" PRId64 " rows new)\n",
	       r->stats.membership, r->membership_new);
	printf("media:      %" PRId64 " references of new messages: %" PRId64
	       " hashed, %" PRId64 " already hashed, %" PRId64
	       " unreadable, %" PRId64 " missing, %" PRId64
	       " not exported, %" PRId64 " refused\n",
	       r->media, r->media_hashed, r->media_known, r->media_errors,
	       r->media_missing, r->media_not_exported, r->media_refused);
	printf("hits:       %" PRId64 "\n", r->hits);
	printf("problems:   %" PRId64 "%s\n", r->problems,
	       r->parse_rc != 0 ? " (the export stopped early)" : "");
}

static int ingest_all(struct ingest_args *a, nsw_scan_lists *lists)
{
	nsw_chat_ingest_options o;
	nsw_chat_ingest_result r;
	nsw_case *c = NULL;
	char label[512];
	int partial = 0, rc;

	if (nsw_case_open(&c, a->case_path, 0) != NSW_OK)
		return cli_fail("ingest");
	for (size_t i = 0; i < a->nexports; i++) {
		memset(&o, 0, sizeof(o));
		memset(&r, 0, sizeof(r));
		if (a->label != NULL && a->nexports > 1)
			snprintf(label, sizeof(label), "%s-%zu", a->label,
				 i + 1);
		else if (a->label != NULL)
			snprintf(label, sizeof(label), "%s", a->label);
		o.label = a->label != NULL ? label : NULL;
		o.parse.format = a->format;
		o.parse.timezone = a->timezone;
		o.parse.date_order = a->order;
		o.lists = nsw_scan_lists_cases(lists, &o.nlists);
		o.matcher = o.nlists > 0 ? nsw_scan_lists_matcher(lists) : NULL;
		o.no_pdq = a->no_pdq;
		o.partial_images = a->partial_images;
		o.problem = on_problem;
		o.note = on_note;
		rc = nsw_chat_ingest(c, a->exports[i], &o, &r);
		if (rc != NSW_OK) {
			cli_error("ingest: %s: %s", a->exports[i],
				  nsw_error_last());
			nsw_case_close(c);
			return CLI_EXIT_ERROR;
		}
		print_summary(a->exports[i], r.label, &r);
		if (a->timing)
			printf("time:       %.2f s wall; CPU %.2f s parser "
			       "thread, %.2f s recording thread\n",
			       r.seconds, r.parser_cpu, r.store_cpu);
		if (r.problems > 0 || r.parse_rc != 0)
			partial = 1;
	}
	nsw_case_close(c);
	return partial ? CLI_EXIT_PARTIAL : CLI_EXIT_OK;
}

int cli_cmd_ingest(int argc, char **argv)
{
	struct ingest_args a;
	nsw_scan_lists *lists = NULL;
	int rc;

	memset(&a, 0, sizeof(a));
	a.lists = calloc((size_t)argc, sizeof(char *));
	a.allows = calloc((size_t)argc, sizeof(char *));
	a.exports = calloc((size_t)argc, sizeof(char *));
	if (a.lists == NULL || a.allows == NULL || a.exports == NULL) {
		cli_error("ingest: out of memory");
		rc = CLI_EXIT_ERROR;
		goto done;
	}
	rc = parse_args(&a, argc, argv);
	if (rc != CLI_EXIT_OK) {
		if (rc == CLI_EXIT_USAGE)
			ingest_usage(stderr);
		rc = rc < 0 ? CLI_EXIT_OK : rc;
		goto done;
	}
	if (a.nlists + a.nallows > 0 &&
	    nsw_scan_lists_open(&lists, a.lists, a.nlists, a.allows, a.nallows,
				NULL) != NSW_OK) {
		rc = cli_fail("ingest");
		goto done;
	}
	rc = ingest_all(&a, lists);
done:
	nsw_scan_lists_free(lists);
	free(a.lists);
	free(a.allows);
	free(a.exports);
	return rc;
}
