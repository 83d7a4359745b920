/* SPDX-License-Identifier: Apache-2.0 */
/*
 * netsweep demo: generate the benign synthetic operation (demo.h), make
 * its small GeoIP test database when perl can, then run the whole
 * pipeline on it (demo_run.h: case, lists, scan, ingest, analyze,
 * attribute, device links, refer) and say what it found.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define DEMO_DEFAULT_DIR "./netsweep-demo"
#define GEO_ARGS_MAX 128

static void demo_usage(FILE *out)
{
	fprintf(out,
		"usage: netsweep demo [-o DIR] [--scale small|medium|large] "
		"[--seed N]\n"
		"                     [--generate-only]\n"
		"\n"
		"Build a benign synthetic operation from nothing, "
		"deterministically\n"
		"(same seed and scale, same bytes): procedural images, known "
		"lists,\n"
		"Telegram and WhatsApp exports of a network across 25 "
		"countries, an\n"
		"IP log, two seized-device folders, and the planted truth "
		"(truth.json).\n"
		"Then run the investigation on it: case, lists, device scans,\n"
		"chat ingest, network analysis, country attribution, device\n"
		"links and signed referral packages, and say what it found.\n"
		"\n"
		"  -o DIR             output directory (default %s); a "
		"non-empty\n"
		"                     directory is refused unless an earlier "
		"demo made it\n"
		"  --scale S          small (default), medium (~10x), large "
		"(~40x)\n"
		"  --seed N           random seed (default 1)\n"
		"  --generate-only    generate and stop\n",
		DEMO_DEFAULT_DIR);
}

/* tests/support/make_test_mmdb.pl, run as `perl - OUT CIDR=CC...`. */
static const char mmdb_script[] =
	"use strict; use warnings; use MaxMind::DB::Writer::Tree;\n"
	"my $out = shift @ARGV;\n"
	"my %types = (country => 'map', iso_code => 'utf8_string');\n"
	"my $tree = MaxMind::DB::Writer::Tree->new(ip_version => 6,\n"
	"  record_size => 24, remove_reserved_networks => 0,\n"
	"  database_type => 'netsweep-Test-Country', languages => ['en'],\n"
	"  description => { en => 'netsweep demo test database' },\n"
	"  map_key_type_callback => sub { $types{ $_[0] } });\n"
	"for my $arg (@ARGV) { my ($cidr, $cc) = split /=/, $arg, 2;\n"
	"  $tree->insert_network($cidr, { country => { iso_code => $cc } }); "
	"}\n"
	"open my $fh, '>:raw', $out or die \"$out: $!\\n\";\n"
	"$tree->write_tree($fh); close $fh or die \"$out: $!\\n\";\n";

/* Read DIR/ip-geo.tsv into "CIDR=CC" arguments. */
static size_t geo_args(char **args, size_t max, const char *dir)
{
	char path[4096], line[256];
	FILE *f;
	size_t n = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, NSW_DEMO_IP_GEO);
	f = fopen(path, "r");
	if (f == NULL)
		return 0;
	while (n < max && fgets(line, sizeof(line), f) != NULL) {
		char *tab = strchr(line, '\t'), *nl;

		if (tab == NULL)
			continue;
		*tab = '=';
		nl = strchr(tab, '\n');
		if (nl != NULL)
			*nl = '\0';
		args[n] = strdup(line);
		if (args[n] == NULL)
			break;
		n++;
	}
	fclose(f);
	return n;
}

/* Make DIR/geoip-test.mmdb with perl; 0 made, -1 skipped (a note says
 * why). */
static int make_geoip(const char *dir)
{
	char *argv[GEO_ARGS_MAX + 4], out[4096];
	size_t n, i;
	int fds[2], status = 0, rc = -1;
	pid_t pid;

	snprintf(out, sizeof(out), "%s/%s", dir, NSW_DEMO_GEOIP_DB);
	n = geo_args(argv + 3, GEO_ARGS_MAX, dir);
	argv[0] = "perl";
	argv[1] = "-";
	argv[2] = out;
	argv[3 + n] = NULL;
	if (n == 0 || pipe(fds) != 0)
		goto done;
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		goto done;
	}
	if (pid == 0) {
		dup2(fds[0], 0);
		close(fds[0]);
		close(fds[1]);
		if (freopen("/dev/null", "w", stderr) == NULL)
			_exit(127);
		execvp("perl", argv);
		_exit(127);
	}
	close(fds[0]);
	if (write(fds[1], mmdb_script, sizeof(mmdb_script) - 1) < 0)
		status = -1;
	close(fds[1]);
	if (waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0)
		rc = 0;
done:
	for (i = 0; i < n; i++)
		free(argv[3 + i]);
	return rc;
}

static void print_summary(const char *dir, const nsw_demo_summary *s,
			  double secs)
{
	size_t d;

	printf("netsweep demo: %s scale, seed %" PRIu64 ", generated in %.2f "
	       "s into %s\n",
	       nsw_demo_scale_name(s->scale), s->seed, secs, dir);
	printf("  media      %zu known items (listed) + %zu planted copies "
	       "(re-encoded, resized,\n"
	       "             cropped, rotated, mirrored, watermarked), %zu new "
	       "items, %zu unrelated\n",
	       s->known_items, s->known_copies, s->new_items, s->benign_items);
	printf("  lists      %s (VICS 2.0), %s (PDQ),\n"
	       "             %s (NSRL RDS 2.x, %zu benign software files)\n",
	       NSW_DEMO_LIST_VICS, NSW_DEMO_LIST_PDQ, NSW_DEMO_LIST_SOFTWARE,
	       s->software_files);
	printf("  network    %zu accounts in %zu countries, %zu Telegram + "
	       "%zu WhatsApp groups,\n"
	       "             %zu central distributors, 1 seeder, %zu "
	       "bystanders\n",
	       s->accounts, s->countries, s->telegram_groups,
	       s->whatsapp_groups, s->distributors, s->bystanders);
	printf("  exports    %s: %" PRIu64 " messages (%" PRIu64
	       " service), %" PRIu64 " photos\n"
	       "             %s/*.txt: %" PRIu64 " messages (%" PRIu64
	       " system), %" PRIu64 " photos\n",
	       NSW_DEMO_TELEGRAM, s->telegram.messages, s->telegram.service,
	       s->telegram.media, NSW_DEMO_WHATSAPP_DIR, s->whatsapp.messages,
	       s->whatsapp.service, s->whatsapp.media);
	printf("  ip log     %s: %zu rows; ranges in %s\n", NSW_DEMO_IP_LOG,
	       s->ip_log_rows, NSW_DEMO_IP_GEO);
	for (d = 0; d < NSW_DEMO_DEVICES; d++)
		printf("  device     %s/%s\n", NSW_DEMO_DEVICES_DIR,
		       s->device_owner[d]);
	printf("             %zu files on the devices, %zu of them corrupt\n",
	       s->device_files, s->corrupt_files);
	printf("  written    %zu files, %.1f MB\n", s->files_written,
	       (double)s->bytes_written / 1e6);
	printf("  truth      %s/%s (what the pipeline must find)\n", dir,
	       NSW_DEMO_TRUTH);
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) +
	       (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static void pipeline_step(void *ctx, const char *step)
{
	(void)ctx;
	printf("  %s\n", step);
	fflush(stdout);
}

/* Run the investigation on the generated folder and report. */
static int run_pipeline(const char *dir)
{
	nsw_demo_run_result *r = calloc(1, sizeof(*r));
	int rc;

	if (r == NULL) {
		cli_error("demo: out of memory");
		return CLI_EXIT_ERROR;
	}
	printf("\nrunning the investigation:\n");
	if (nsw_demo_run(r, dir, pipeline_step, NULL) != 0) {
		rc = cli_fail("demo");
		free(r);
		return rc;
	}
	printf("\nwhat it found (%.1f s; compare with %s/%s):\n", r->seconds,
	       dir, NSW_DEMO_TRUTH);
	printf("  groups flagged      %llu chats carry known material\n",
	       (unsigned long long)r->chats_flagged);
	printf("  seeder              %s (seeded the most new items others "
	       "re-shared)\n",
	       r->seeder[0] ? r->seeder : "(none)");
	printf("  top suspects       ");
	for (size_t i = 0; i < r->ntop && i < 5; i++)
		printf(" %zu. %s", i + 1, r->top[i]);
	printf("\n");
	for (int d = 0; d < NSW_DEMO_DEVICES; d++)
		if (r->device[d][0])
			printf("  device %-12s -> %s (link score %.1f)\n",
			       r->device[d], r->device_account[d],
			       r->device_score[d]);
	printf("  attributed          %llu accounts%s\n",
	       (unsigned long long)r->accounts_attributed,
	       r->geoip_used ? " (phones and IP log)" : " (phones)");
	printf("  referral packages   %zu, signed, in %s:", r->packages,
	       r->referrals);
	for (size_t i = 0; i < r->packages && i < 256; i++)
		printf(" %s", r->package_country[i]);
	printf("\n\nwhere to look next:\n"
	       "  netsweep suspects --case %s\n"
	       "  netsweep item --case %s HASH\n"
	       "  netsweep links --case %s --evidence %s\n"
	       "  netsweep verify-package %s/XX --key %s\n"
	       "  netsweep user add --case %s --name ana --role analyst "
	       "(password on stdin)\n"
	       "  netsweep serve --case %s   (then http://127.0.0.1:8080)\n",
	       r->case_path, r->case_path, r->case_path,
	       r->device[0][0] ? r->device[0] : "LABEL", r->referrals,
	       r->public_key, r->case_path, r->case_path);
	free(r);
	return CLI_EXIT_OK;
}

int cli_cmd_demo(int argc, char **argv)
{
	const char *dir = DEMO_DEFAULT_DIR;
	nsw_demo_scale scale = NSW_DEMO_SMALL;
	unsigned long seed = 1;
	int generate_only = 0, i;
	nsw_demo_summary summary;
	struct timespec t0;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			demo_usage(stdout);
			return CLI_EXIT_OK;
		} else if (strcmp(a, "--generate-only") == 0) {
			generate_only = 1;
		} else if (i + 1 < argc && (strcmp(a, "-o") == 0 ||
					    strcmp(a, "--output") == 0)) {
			dir = argv[++i];
		} else if (i + 1 < argc && strcmp(a, "--scale") == 0) {
			if (nsw_demo_scale_parse(&scale, argv[++i]) != 0) {
				cli_error("%s", nsw_error_last());
				return CLI_EXIT_USAGE;
			}
		} else if (i + 1 < argc && strcmp(a, "--seed") == 0) {
			if (cli_parse_uint(argv[++i], 0, ULONG_MAX, &seed) !=
			    0) {
				cli_error("--seed: not a number: %s", argv[i]);
				return CLI_EXIT_USAGE;
			}
		} else {
			cli_error("demo: unexpected argument: %s", a);
			demo_usage(stderr);
			return CLI_EXIT_USAGE;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (nsw_demo_generate(&summary, dir, scale, (uint64_t)seed) != 0)
		return cli_fail("demo");
	print_summary(dir, &summary, seconds_since(&t0));
	if (make_geoip(dir) == 0)
		printf("  geoip      %s/%s (test database of the ranges)\n",
		       dir, NSW_DEMO_GEOIP_DB);
	else
		printf("  geoip      skipped: needs perl with "
		       "MaxMind::DB::Writer (Debian "
		       "libmaxmind-db-writer-perl)\n");
	if (generate_only)
		return CLI_EXIT_OK;
	return run_pipeline(dir);
}
