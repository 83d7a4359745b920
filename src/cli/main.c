/* SPDX-License-Identifier: Apache-2.0 */
/* netsweep: the command-line program, a thin layer over libnetsweep. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{"demo", cli_cmd_demo,
	 "generate the benign demo operation and investigate it"},
	{"hash", cli_cmd_hash, "hash media: MD5, SHA-1, SHA-256, PDQ"},
	{"list", cli_cmd_list,
	 "known-hash lists: import, add, compact, info, "
	 "export"},
	{"match", cli_cmd_match, "match files or hashes against known lists"},
	{"case", cli_cmd_case, "create a case file, show it, verify its audit"},
	{"scan", cli_cmd_scan, "triage evidence into a case against lists"},
	{"verify", cli_cmd_verify,
	 "re-read evidence: changed, missing, new files"},
	{"hits", cli_cmd_hits,
	 "every hit in a case with provenance (jsonl, csv)"},
	{"export", cli_cmd_export,
	 "export a case: VICS 2.0 hits, or CASE/UCO JSON-LD"},
	{"report", cli_cmd_report, "write a self-contained HTML triage report"},
	{"ingest", cli_cmd_ingest,
	 "record chat exports (Telegram, WhatsApp, Discord) in a case"},
	{"analyze", cli_cmd_analyze,
	 "compute and store the distribution network of a case"},
	{"suspects", cli_cmd_suspects,
	 "ranked suspects with score terms and evidence"},
	{"chats", cli_cmd_chats,
	 "chats by known-material share, active accounts, bridges"},
	{"item", cli_cmd_item, "the spread of one item across chats"},
	{"graph", cli_cmd_graph, "export the network as GraphML or GEXF"},
	{"links", cli_cmd_links,
	 "which accounts posted the files found on a seized device"},
	{"attribute", cli_cmd_attribute,
	 "attribute accounts to countries: phones, IP logs, analyst"},
	{"refer", cli_cmd_refer,
	 "write one sealed referral package per country"},
	{"keygen", cli_cmd_keygen, "create an Ed25519 key pair for signing"},
	{"seal", cli_cmd_seal, "write a signed SHA-256 manifest for a folder"},
	{"verify-package", cli_cmd_verify_package,
	 "check a sealed folder: altered, missing, extra files, signature"},
	{"merge", cli_cmd_merge,
	 "fold partners' cases into ours, with provenance and conflicts"},
	{"tokens", cli_cmd_tokens,
	 "keyed hashes of identifiers for deconfliction (no plaintext)"},
	{"deconflict", cli_cmd_deconflict,
	 "which of our accounts and items another agency also holds"},
	{"serve", cli_cmd_serve, "the analyst workspace: JSON API and web UI"},
	{"user", cli_cmd_user, "add users of the workspace (roles)"},
};

void cli_error(const char *fmt, ...)
{
	va_list ap;

	fputs("netsweep: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cli_fail(const char *what)
{
	cli_error("%s: %s", what, nsw_error_last());
	return CLI_EXIT_ERROR;
}

int cli_parse_uint(const char *text, unsigned long min, unsigned long max,
		   unsigned long *out)
{
	char *end = NULL;
	unsigned long v;

	if (text == NULL || text[0] < '0' || text[0] > '9')
		return -1;
	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static void usage(FILE *out)
{
	fprintf(out, "usage: netsweep <command> [options]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-15s %s\n", commands[i].name,
			commands[i].summary);
	fprintf(out, "\nnetsweep <command> --help for a command's options.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return CLI_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return CLI_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0 ||
	    strcmp(argv[1], "version") == 0) {
		printf("netsweep %s\n", NSW_VERSION);
		return CLI_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	cli_error("unknown command '%s' (netsweep --help lists them)", argv[1]);
	return CLI_EXIT_USAGE;
}
