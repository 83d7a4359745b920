/* SPDX-License-Identifier: Apache-2.0 */
/* netsweep attribute: countries of accounts from phones, IP logs and the
 * analyst's word, every basis shown. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "output.h"

static const char usage[] =
	"usage: netsweep attribute --case CASE.nsdb [--geoip DB.mmdb "
	"--ip-log FILE.csv]\n"
	"                          [--set ACCOUNT=CC --basis TEXT]... "
	"[--show] [--format table|jsonl]\n"
	"  phones: calling code (NANP area codes resolved) of every account's\n"
	"  number; --ip-log: provider logins (account,ip,timestamp) located\n"
	"  with a MaxMind-format database; --set: an analyst's assertion.\n"
	"  --show lists every attributed account with all its bases.\n"
	"  Rule for the chosen country: docs/attribution.md.\n";

#define SETS_MAX 64

struct show {
	int jsonl;
	unsigned long accounts, conflicts;
	unsigned long per_country[26 * 26];
};

static int count_one(void *ctx, const nsw_attrib_account *a)
{
	struct show *s = ctx;

	s->accounts++;
	s->conflicts += a->conflict != 0;
	if (a->chosen[0] >= 'A' && a->chosen[0] <= 'Z' && a->chosen[1] >= 'A' &&
	    a->chosen[1] <= 'Z')
		s->per_country[(a->chosen[0] - 'A') * 26 +
			       (a->chosen[1] - 'A')]++;
	return 0;
}

static int print_one(void *ctx, const nsw_attrib_account *a)
{
	struct show *s = ctx;

	if (s->jsonl) {
		printf("{\"account\":");
		cli_json_string(stdout, a->native_id, strlen(a->native_id));
		printf(",\"platform\":");
		cli_json_string(stdout, a->platform, strlen(a->platform));
		printf(",\"country\":\"%s\",\"conflict\":%s,\"bases\":[",
		       a->chosen, a->conflict ? "true" : "false");
		for (size_t i = 0; i < a->basis_count; i++) {
			printf("%s{\"country\":\"%s\",\"basis\":\"%s\","
			       "\"confidence\":%.2f,\"source\":",
			       i ? "," : "", a->bases[i].country,
			       a->bases[i].basis, a->bases[i].confidence);
			cli_json_string(stdout, a->bases[i].source,
					strlen(a->bases[i].source));
			putchar('}');
		}
		printf("]}\n");
		return 0;
	}
	printf("%s:%s\t%s%s\n", a->platform, a->native_id, a->chosen,
	       a->conflict ? "\tCONFLICT" : "");
	for (size_t i = 0; i < a->basis_count; i++)
		printf("\t%s %-12s %.2f  %s\n", a->bases[i].country,
		       a->bases[i].basis, a->bases[i].confidence,
		       a->bases[i].source);
	return 0;
}

static void problem(void *ctx, const char *file, uint64_t line,
		    const char *message)
{
	(void)ctx;
	cli_error("%s:%llu: %s", file, (unsigned long long)line, message);
}

int cli_cmd_attribute(int argc, char **argv)
{
	const char *path = NULL, *sets[SETS_MAX], *bases[SETS_MAX];
	nsw_attrib_options opt;
	nsw_attrib_stats st;
	struct show show;
	size_t nsets = 0, nbases = 0;
	int do_show = 0, rc = CLI_EXIT_OK;
	nsw_case *c = NULL;

	memset(&opt, 0, sizeof(opt));
	memset(&show, 0, sizeof(show));
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int more = i + 1 < argc;

		if (strcmp(a, "--case") == 0 && more) {
			path = argv[++i];
		} else if (strcmp(a, "--geoip") == 0 && more) {
			opt.geoip_path = argv[++i];
		} else if (strcmp(a, "--ip-log") == 0 && more) {
			opt.ip_log_path = argv[++i];
		} else if (strcmp(a, "--set") == 0 && more &&
			   nsets < SETS_MAX) {
			sets[nsets++] = argv[++i];
		} else if (strcmp(a, "--basis") == 0 && more &&
			   nbases < SETS_MAX) {
			bases[nbases++] = argv[++i];
		} else if (strcmp(a, "--show") == 0) {
			do_show = 1;
		} else if (strcmp(a, "--format") == 0 && more) {
			const char *f = argv[++i];

			if (strcmp(f, "jsonl") == 0)
				show.jsonl = 1;
			else if (strcmp(f, "table") != 0)
				goto bad;
		} else if (strcmp(a, "--help") == 0) {
			fputs(usage, stdout);
			return CLI_EXIT_OK;
		} else {
			goto bad;
		}
	}
	if (path == NULL || nsets != nbases ||
	    (opt.geoip_path == NULL) != (opt.ip_log_path == NULL))
		goto bad;
	if (nsw_case_open(&c, path, 0) != NSW_OK)
		return cli_fail("attribute");
	opt.problem = problem;
	for (size_t k = 0; k < nsets; k++) {
		char account[512];
		const char *eq = strrchr(sets[k], '=');

		if (eq == NULL || (size_t)(eq - sets[k]) >= sizeof(account)) {
			cli_error("attribute: --set wants ACCOUNT=CC, not '%s'",
				  sets[k]);
			nsw_case_close(c);
			return CLI_EXIT_USAGE;
		}
		memcpy(account, sets[k], (size_t)(eq - sets[k]));
		account[eq - sets[k]] = '\0';
		if (nsw_attrib_assert(c, account, eq + 1, bases[k]) != NSW_OK) {
			rc = cli_fail("attribute");
			goto done;
		}
	}
	if (nsw_attrib_run(c, &opt, &st) != NSW_OK) {
		rc = cli_fail("attribute");
		goto done;
	}
	if (nsw_attrib_foreach(c, count_one, &show) != NSW_OK) {
		rc = cli_fail("attribute");
		goto done;
	}
	if (!show.jsonl) {
		printf("phones:   %llu attributed, %llu national or "
		       "non-geographic\n",
		       (unsigned long long)st.phones_attributed,
		       (unsigned long long)st.phones_unusable);
		if (opt.ip_log_path)
			printf("ip log:   %llu rows, %llu located, %llu not "
			       "in database, %llu unknown accounts, %llu "
			       "malformed\n",
			       (unsigned long long)st.ip_rows,
			       (unsigned long long)st.ip_attributed,
			       (unsigned long long)st.ip_not_found,
			       (unsigned long long)st.ip_unmatched,
			       (unsigned long long)st.ip_rejected);
		printf("analyst:  %zu assertion(s) recorded\n", nsets);
		printf("accounts: %lu attributed, %lu with conflicting bases\n",
		       show.accounts, show.conflicts);
		printf("by country:");
		for (int k = 0; k < 26 * 26; k++)
			if (show.per_country[k])
				printf(" %c%c:%lu", 'A' + k / 26, 'A' + k % 26,
				       show.per_country[k]);
		printf("\n");
	}
	if ((do_show || show.jsonl) &&
	    nsw_attrib_foreach(c, print_one, &show) != NSW_OK)
		rc = cli_fail("attribute");
	if (rc == CLI_EXIT_OK && (st.ip_rejected || st.ip_unmatched))
		rc = CLI_EXIT_PARTIAL;
done:
	nsw_case_close(c);
	return rc;
bad:
	fputs(usage, stderr);
	return CLI_EXIT_USAGE;
}
