/* SPDX-License-Identifier: Apache-2.0 */
/* netsweep merge, tokens, deconflict: folding partners' cases into ours and
 * finding the overlap with another agency without disclosing the rest. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char merge_usage[] =
	"usage: netsweep merge --into CASE.nsdb OTHER.nsdb... [--no-pdq]\n"
	"                      [--pdq-threshold N]\n"
	"  Fold partners' cases into CASE (theirs are opened read-only).\n"
	"  Accounts join by platform id, then phone; chats by platform id;\n"
	"  messages by (chat, id); items by digest, then PDQ near-match.\n"
	"  Every merged row keeps its source case; merging again adds only\n"
	"  what is new. Conflicts are kept and listed. docs/merge.md\n";

static const char tokens_usage[] =
	"usage: netsweep tokens --case CASE.nsdb --key KEYFILE -o "
	"TOKENS.jsonl\n"
	"  Keyed hashes (HMAC-SHA256 under the operation key read from\n"
	"  KEYFILE) of accounts, phones and item digests; no plaintext.\n"
	"  docs/deconfliction.md\n";

static const char deconflict_usage[] =
	"usage: netsweep deconflict --case CASE.nsdb --key KEYFILE "
	"TOKENS.jsonl\n"
	"  Which of our accounts, phones and items are also in another\n"
	"  agency's tokens (made with the same key).\n";

static int print_conflict(void *ctx, const nsw_merge_conflict *k)
{
	(void)ctx;
	printf("  conflict %s %s: ours %s, theirs %s\n", k->kind, k->subject,
	       k->ours, k->theirs);
	return 0;
}

static void print_report(const char *path, const nsw_merge_report *r)
{
	printf("merged %s: case \"%s\" (%s), examiner %s%s\n", path,
	       r->source_name, r->source_uuid, r->source_examiner,
	       r->first_merge ? "" : ", merged before");
	printf("  %-18s %8s %8s %8s %8s\n", "table", "seen", "new", "joined",
	       "already");
	for (int t = 0; t < NSW_MERGE_TABLE_COUNT; t++) {
		const nsw_merge_counts *n = &r->tables[t];

		printf("  %-18s %8lld %8lld %8lld %8lld\n",
		       nsw_merge_table_name((nsw_merge_table)t),
		       (long long)n->seen, (long long)n->created,
		       (long long)n->joined, (long long)n->already);
	}
	printf("  accounts joined: %lld by platform id, %lld by phone\n",
	       (long long)r->accounts_by_platform_id,
	       (long long)r->accounts_by_phone);
	printf("  items: %lld (%lld new, %lld by digest, %lld by PDQ), "
	       "%lld merged before\n",
	       (long long)r->items, (long long)r->items_new,
	       (long long)r->items_by_digest, (long long)r->items_by_pdq,
	       (long long)r->items_already);
	printf("  conflicts: %lld new\n", (long long)r->conflicts_new);
}

int cli_cmd_merge(int argc, char **argv)
{
	const char *into = NULL;
	const char *others[64];
	size_t nothers = 0;
	nsw_merge_options opt;
	nsw_case *c = NULL;
	int rc = CLI_EXIT_OK;

	memset(&opt, 0, sizeof(opt));
	for (int i = 1; i < argc; i++) {
		unsigned long v = 0;

		if (strcmp(argv[i], "--help") == 0) {
			fputs(merge_usage, stdout);
			return CLI_EXIT_OK;
		} else if (strcmp(argv[i], "--into") == 0 && i + 1 < argc) {
			into = argv[++i];
		} else if (strcmp(argv[i], "--no-pdq") == 0) {
			opt.no_pdq = 1;
		} else if (strcmp(argv[i], "--pdq-threshold") == 0 &&
			   i + 1 < argc) {
			if (cli_parse_uint(argv[++i], 1, 128, &v) != 0) {
				cli_error("merge: bad --pdq-threshold '%s'",
					  argv[i]);
				return CLI_EXIT_USAGE;
			}
			opt.pdq_threshold = (int)v;
		} else if (argv[i][0] == '-') {
			cli_error("merge: unexpected '%s'", argv[i]);
			fputs(merge_usage, stderr);
			return CLI_EXIT_USAGE;
		} else if (nothers < sizeof(others) / sizeof(others[0])) {
			others[nothers++] = argv[i];
		} else {
			cli_error("merge: at most 64 cases at once");
			return CLI_EXIT_USAGE;
		}
	}
	if (into == NULL || nothers == 0) {
		cli_error("merge: --into and at least one case are required");
		fputs(merge_usage, stderr);
		return CLI_EXIT_USAGE;
	}
	if (nsw_case_open(&c, into, 0) != NSW_OK)
		return cli_fail("merge");
	for (size_t i = 0; i < nothers; i++) {
		nsw_merge_report r;

		if (nsw_merge_case(c, others[i], &opt, &r) != NSW_OK) {
			cli_error("merge: %s: %s", others[i], nsw_error_last());
			rc = nothers > 1 ? CLI_EXIT_PARTIAL : CLI_EXIT_ERROR;
			continue;
		}
		print_report(others[i], &r);
		if (nsw_merge_conflicts_foreach(
			    c, r.source_uuid, print_conflict, NULL) != NSW_OK) {
			rc = cli_fail("merge");
			break;
		}
	}
	nsw_case_close(c);
	return rc;
}

/* --case C --key K [-o OUT] [positional]; 0, -1 (help) or an exit code. */
static int parse_keyed(int argc, char **argv, const char *verb,
		       const char *usage, const char **case_path,
		       const char **key, const char **out, const char **input)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0) {
			fputs(usage, stdout);
			return -1;
		} else if (strcmp(argv[i], "--case") == 0 && i + 1 < argc) {
			*case_path = argv[++i];
		} else if (strcmp(argv[i], "--key") == 0 && i + 1 < argc) {
			*key = argv[++i];
		} else if (out && strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
			*out = argv[++i];
		} else if (input && argv[i][0] != '-' && *input == NULL) {
			*input = argv[i];
		} else {
			cli_error("%s: unexpected '%s'", verb, argv[i]);
			fputs(usage, stderr);
			return CLI_EXIT_USAGE;
		}
	}
	if (*case_path == NULL || *key == NULL || (out && *out == NULL) ||
	    (input && *input == NULL)) {
		cli_error("%s: missing arguments", verb);
		fputs(usage, stderr);
		return CLI_EXIT_USAGE;
	}
	return 0;
}

int cli_cmd_tokens(int argc, char **argv)
{
	const char *case_path = NULL, *key_path = NULL, *out = NULL;
	uint8_t key[NSW_TOKEN_KEY_MAX];
	size_t key_len = 0;
	nsw_token_counts n;
	nsw_case *c = NULL;
	int rc = parse_keyed(argc, argv, "tokens", tokens_usage, &case_path,
			     &key_path, &out, NULL);

	if (rc != 0)
		return rc < 0 ? CLI_EXIT_OK : rc;
	if (nsw_token_key_read(key, &key_len, key_path) != NSW_OK)
		return cli_fail("tokens");
	if (nsw_case_open(&c, case_path, 0) != NSW_OK)
		return cli_fail("tokens");
	if (nsw_tokens_write(c, key, key_len, out, &n) != NSW_OK) {
		rc = cli_fail("tokens");
	} else {
		printf("tokens: %lld accounts, %lld phones, %lld sha256, "
		       "%lld md5, %lld sha1, %lld pdq -> %s\n",
		       (long long)n.accounts, (long long)n.phones,
		       (long long)n.sha256, (long long)n.md5, (long long)n.sha1,
		       (long long)n.pdq, out);
	}
	memset(key, 0, sizeof(key));
	nsw_case_close(c);
	return rc;
}

static int print_match(void *ctx, const nsw_deconflict_match *m)
{
	(void)ctx;
	printf("%-8s %s", m->kind, m->value);
	if (m->account_id)
		printf("  account %lld", (long long)m->account_id);
	if (m->suspect_rank)
		printf("  suspect #%lld", (long long)m->suspect_rank);
	if (m->files)
		printf("  files %lld", (long long)m->files);
	putchar('\n');
	return 0;
}

int cli_cmd_deconflict(int argc, char **argv)
{
	const char *case_path = NULL, *key_path = NULL, *input = NULL;
	uint8_t key[NSW_TOKEN_KEY_MAX];
	size_t key_len = 0;
	nsw_deconflict_result r;
	nsw_case *c = NULL;
	int rc = parse_keyed(argc, argv, "deconflict", deconflict_usage,
			     &case_path, &key_path, NULL, &input);

	if (rc != 0)
		return rc < 0 ? CLI_EXIT_OK : rc;
	if (nsw_token_key_read(key, &key_len, key_path) != NSW_OK)
		return cli_fail("deconflict");
	if (nsw_case_open(&c, case_path, NSW_CASE_READONLY) != NSW_OK)
		return cli_fail("deconflict");
	if (nsw_deconflict(c, key, key_len, input, print_match, NULL, &r) !=
	    NSW_OK) {
		rc = cli_fail("deconflict");
	} else {
		printf("deconflict: %lld of their tokens read (%lld lines "
		       "rejected); also held: %lld accounts, %lld phones, "
		       "%lld sha256, %lld md5, %lld sha1, %lld pdq\n",
		       (long long)r.tokens_read, (long long)r.lines_rejected,
		       (long long)r.matched.accounts,
		       (long long)r.matched.phones, (long long)r.matched.sha256,
		       (long long)r.matched.md5, (long long)r.matched.sha1,
		       (long long)r.matched.pdq);
	}
	memset(key, 0, sizeof(key));
	nsw_case_close(c);
	return rc;
}
