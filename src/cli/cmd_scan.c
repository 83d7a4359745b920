/* SPDX-License-Identifier: Apache-2.0 */
/* netsweep scan: triage evidence into a case against known-hash lists. */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define SCAN_ERRORS_SHOWN 20

/* Set by SIGINT/SIGTERM: the scan commits what it has and stops. */
static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static void scan_usage(FILE *out)
{
	fprintf(out,
		"usage: netsweep scan --case CASE.nsdb --list LIST.nswl... "
		"[--allow LIST.nswl...]\n"
		"                     --label LABEL [options] EVIDENCE...\n"
		"\n"
		"Walk each EVIDENCE (directory, file, or with --image a disk "
		"image), hash\n"
		"every regular file once\n"
		"(MD5, SHA-1, SHA-256; PDQ for images), match against the "
		"lists, and\n"
		"record everything in the case. Run the same command again to "
		"resume\n"
		"a scan that was killed. With several EVIDENCE paths the items "
		"are\n"
		"labelled LABEL-1, LABEL-2, ...\n"
		"\n"
		"  --list PATH        known-material list (repeatable)\n"
		"  --allow PATH       allow list, e.g. NSRL: suppresses hits "
		"(repeatable)\n"
		"  --image            EVIDENCE is a disk image (raw, split "
		"raw .001, E01,\n"
		"                     AFF, VMDK, VHD): every partition's "
		"files, deleted\n"
		"                     ones too, are read through libtsk, "
		"nothing extracted\n"
		"  --threads N        hashing threads (default: all cores)\n"
		"  --no-pdq           digests only, no image decoding\n"
		"  --no-archives      record archives (zip, tar, 7z, rar...) "
		"as files only;\n"
		"                     by default their members are read and "
		"recorded too\n"
		"                     (a.zip!/b/c.jpg)\n"
		"  --partial-images   hash JPEGs cut short (partial downloads)"
		"\n"
		"                     from what is present; recorded and shown "
		"as\n"
		"                     partial (rows with data of the height)\n"
		"  --threshold N      PDQ distance (default %d, at most %d)\n"
		"  --min-quality N    PDQ quality gate (default %d)\n"
		"  --json-progress    progress as JSON lines on stderr\n"
		"  --quiet            no progress display\n"
		"\n"
		"Exit: 0 done; 3 done but some files could not be read "
		"(listed);\n"
		"1 the scan failed (run it again to resume); 2 usage.\n",
		NSW_MATCH_DEFAULT_THRESHOLD, NSW_MATCH_MAX_THRESHOLD,
		NSW_MATCH_DEFAULT_MIN_QUALITY);
}

struct progress_out {
	int tty;
	int json;
	int drew;
};

static void human_bytes(char *out, size_t n, double b)
{
	static const char *const unit[] = {"B", "KB", "MB", "GB", "TB"};
	int u = 0;

	while (b >= 1000.0 && u < 4) {
		b /= 1000.0;
		u++;
	}
	snprintf(out, n, u == 0 ? "%.0f %s" : "%.1f %s", b, unit[u]);
}

static void on_progress(void *ctx, const nsw_scan_progress *p)
{
	struct progress_out *po = ctx;
	double rate = p->elapsed > 0 ? (double)p->bytes_done / p->elapsed : 0;
	double eta = -1;
	char done[32], total[32], speed[32];

	if (p->bytes_total > 0 && rate > 0 && p->bytes_done <= p->bytes_total)
		eta = (double)(p->bytes_total - p->bytes_done) / rate;
	if (po->json) {
		fprintf(stderr,
			"{\"files_done\":%" PRId64 ",\"files_total\":%" PRId64
			",\"bytes_done\":%" PRId64 ",\"bytes_total\":%" PRId64
			",\"files_skipped\":%" PRId64 ",\"hits\":%" PRId64
			",\"errors\":%" PRId64 ",\"elapsed\":%.1f,"
			"\"bytes_per_second\":%.0f,\"eta_seconds\":%.0f,"
			"\"final\":%s}\n",
			p->files_done, p->files_total, p->bytes_done,
			p->bytes_total, p->files_skipped, p->hits, p->errors,
			p->elapsed, rate, eta, p->final ? "true" : "false");
		fflush(stderr);
		return;
	}
	if (!po->tty)
		return;
	human_bytes(done, sizeof(done), (double)p->bytes_done);
	human_bytes(total, sizeof(total), (double)p->bytes_total);
	human_bytes(speed, sizeof(speed), rate);
	fprintf(stderr,
		"\r%" PRId64 "/%" PRId64 " files  %s/%s  %s/s  hits %" PRId64
		"  errors %" PRId64,
		p->files_done, p->files_total, done, total, speed, p->hits,
		p->errors);
	if (eta >= 0 && !p->final) {
		int e = (int)(eta +
			      0.999); /* round up: never "0:00:00" early */

		fprintf(stderr, "  ETA %d:%02d:%02d ", e / 3600, (e / 60) % 60,
			e % 60);
	} else
		fputs("               ", stderr);
	if (p->final)
		fputc('\n', stderr);
	po->drew = !p->final;
	fflush(stderr);
}

static int print_group(void *ctx, const nsw_case_group *g)
{
	const char *what = ctx;

	if (strcmp(what, "type") == 0)
		printf("  %-28s %8" PRId64 " %14" PRId64 " bytes\n", g->key,
		       g->count, g->bytes);
	else
		printf("  %-28s %8" PRId64 "\n", g->key, g->count);
	return 0;
}

static int print_list_group(void *ctx, const nsw_case_group *g)
{
	(void)ctx;
	printf("  %s %s: %" PRId64 "\n", g->key, g->key2 ? g->key2 : "",
	       g->count);
	return 0;
}

/* The image's own digest, for the examiner to check against the
 * acquisition hash. */
static int print_image(void *ctx, const nsw_evidence *ev)
{
	const int64_t *id = ctx;
	char hex[65];

	if (ev->id != *id || ev->image_sha256 == NULL)
		return 0;
	nsw_hex_encode(hex, ev->image_sha256, 32);
	printf("image:   sha256 %s (%" PRId64 " bytes)\n", hex, ev->image_size);
	return 0;
}

struct problems {
	int shown;
	int64_t total;
};

static int print_problem(void *ctx, const nsw_case_file *f)
{
	struct problems *pr = ctx;

	pr->total++;
	if (pr->shown >= SCAN_ERRORS_SHOWN)
		return 0;
	pr->shown++;
	printf("  %s\t%s\t%s\n", f->display_path,
	       nsw_file_status_name(f->status),
	       f->error != NULL ? f->error : "");
	return 0;
}

/* The summary of one evidence item, over every run of it, on stdout. */
static int print_summary(const char *case_path, const char *label,
			 const nsw_scan_result *r)
{
	nsw_case *c = NULL;
	nsw_case_totals t;
	struct problems pr = {0, 0};
	int rc;

	rc = nsw_case_open(&c, case_path, NSW_CASE_READONLY);
	rc = rc ? rc : nsw_case_get_totals(c, r->evidence_id, &t);
	if (rc != NSW_OK) {
		nsw_case_close(c);
		return rc;
	}
	printf("evidence %s: scan run %" PRId64 "%s\n", label, r->run_id,
	       r->resumed ? " (resumed)" : "");
	printf("files:   %" PRId64 " recorded (%" PRId64 " now, %" PRId64
	       " already recorded), %" PRId64 " digested\n",
	       t.files, r->files, r->files_skipped, t.files_ok);
	printf("bytes:   %" PRId64 "\n", t.bytes);
	if (r->deleted > 0)
		printf("deleted: %" PRId64 " recorded now from deleted "
		       "entries of the image\n",
		       r->deleted);
	rc = nsw_case_evidence_foreach(c, print_image, (void *)&r->evidence_id);
	printf("time:    %.2f s, %.0f files/s, %.1f MB/s\n", r->seconds,
	       r->seconds > 0 ? (double)r->files / r->seconds : 0.0,
	       r->seconds > 0 ? (double)r->bytes / r->seconds / 1e6 : 0.0);
	printf("by type:\n");
	rc = rc ? rc
		: nsw_case_summary_foreach(c, r->evidence_id,
					   NSW_GROUP_BY_MEDIA_TYPE, print_group,
					   "type");
	if (r->partial_images > 0)
		printf("partial: %" PRId64
		       " images hashed from JPEGs cut short "
		       "(--partial-images), marked in their records and hits\n",
		       r->partial_images);
	if (r->retried > 0)
		printf("retried: %" PRId64
		       " JPEGs recorded earlier without a PDQ read again: "
		       "%" PRId64 " got a partial PDQ, %" PRId64
		       " changed since recorded (left as recorded; run "
		       "netsweep verify)\n",
		       r->retried, r->retry_pdq_added, r->retry_changed);
	printf("hits:    %" PRId64 " on %" PRId64 " files (%" PRId64
	       " suppressed by allow lists; %" PRId64
	       " files on allow lists)\n",
	       t.hits, t.files_with_hits, t.hits_suppressed,
	       t.files_allowlisted);
	if (rc == NSW_OK && t.hits > 0) {
		printf("by category:\n");
		rc = nsw_case_summary_foreach(c, r->evidence_id,
					      NSW_GROUP_BY_CATEGORY,
					      print_group, "category");
		printf("by list:\n");
		rc = rc ? rc
			: nsw_case_summary_foreach(c, r->evidence_id,
						   NSW_GROUP_BY_LIST,
						   print_list_group, NULL);
	}
	printf("errors:  %" PRId64 " unreadable or vanished, %" PRId64
	       " skipped (links, special files, loops), %" PRId64
	       " names not UTF-8\n",
	       t.errors, t.skipped, t.names_not_utf8);
	if (rc == NSW_OK && t.errors + t.skipped > 0)
		rc = nsw_case_problems_foreach(c, r->evidence_id, print_problem,
					       &pr);
	if (pr.total > pr.shown)
		printf("  ... and %" PRId64 " more (netsweep hits / report)\n",
		       pr.total - pr.shown);
	nsw_case_close(c);
	return rc;
}

struct scan_args {
	const char *case_path, *label;
	const char **lists, **allows, **evidence;
	size_t nlists, nallows, nevidence;
	unsigned long threads, threshold, min_quality;
	int no_pdq, partial_images, no_archives, json_progress, quiet, image;
};

static int parse_args(struct scan_args *a, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		int has_value = i + 1 < argc;

		if (strcmp(arg, "--help") == 0) {
			scan_usage(stdout);
			return -1;
		} else if (strcmp(arg, "--case") == 0 && has_value) {
			a->case_path = argv[++i];
		} else if (strcmp(arg, "--label") == 0 && has_value) {
			a->label = argv[++i];
		} else if (strcmp(arg, "--list") == 0 && has_value) {
			a->lists[a->nlists++] = argv[++i];
		} else if (strcmp(arg, "--allow") == 0 && has_value) {
			a->allows[a->nallows++] = argv[++i];
		} else if (strcmp(arg, "--threads") == 0 && has_value) {
			if (cli_parse_uint(argv[++i], 1, 256, &a->threads)) {
				cli_error("scan: --threads takes 1..256");
				return CLI_EXIT_USAGE;
			}
		} else if (strcmp(arg, "--threshold") == 0 && has_value) {
			if (cli_parse_uint(argv[++i], 0,
					   NSW_MATCH_MAX_THRESHOLD,
					   &a->threshold)) {
				cli_error("scan: --threshold takes 0..%d",
					  NSW_MATCH_MAX_THRESHOLD);
				return CLI_EXIT_USAGE;
			}
		} else if (strcmp(arg, "--min-quality") == 0 && has_value) {
			if (cli_parse_uint(argv[++i], 0, 100,
					   &a->min_quality)) {
				cli_error("scan: --min-quality takes 0..100");
				return CLI_EXIT_USAGE;
			}
		} else if (strcmp(arg, "--image") == 0) {
			a->image = 1;
		} else if (strcmp(arg, "--no-pdq") == 0) {
			a->no_pdq = 1;
		} else if (strcmp(arg, "--partial-images") == 0) {
			a->partial_images = 1;
		} else if (strcmp(arg, "--no-archives") == 0) {
			a->no_archives = 1;
		} else if (strcmp(arg, "--json-progress") == 0) {
			a->json_progress = 1;
		} else if (strcmp(arg, "--quiet") == 0) {
			a->quiet = 1;
		} else if (arg[0] == '-' && arg[1] != '\0') {
			cli_error("scan: unknown option '%s'", arg);
			return CLI_EXIT_USAGE;
		} else {
			a->evidence[a->nevidence++] = arg;
		}
	}
	if (a->case_path == NULL || a->label == NULL || a->nevidence == 0 ||
	    a->nlists == 0) {
		cli_error("scan: --case, --label, at least one --list and an "
			  "EVIDENCE path are required");
		return CLI_EXIT_USAGE;
	}
	if (a->partial_images && a->no_pdq) {
		cli_error("scan: --partial-images needs PDQ (not --no-pdq)");
		return CLI_EXIT_USAGE;
	}
	return CLI_EXIT_OK;
}

int cli_cmd_scan(int argc, char **argv)
{
	struct scan_args a;
	struct progress_out po = {0, 0, 0};
	nsw_match_options mopts;
	nsw_scan_lists *lists = NULL;
	nsw_scan_options o;
	nsw_scan_result r;
	int rc = CLI_EXIT_OK, partial = 0;
	char label[512];

	memset(&a, 0, sizeof(a));
	nsw_match_options_init(&mopts);
	a.threshold = mopts.threshold;
	a.min_quality = (unsigned long)mopts.min_quality;
	/* Every argument fits in argc slots, whatever its kind. */
	a.lists = calloc((size_t)argc, sizeof(char *));
	a.allows = calloc((size_t)argc, sizeof(char *));
	a.evidence = calloc((size_t)argc, sizeof(char *));
	if (a.lists == NULL || a.allows == NULL || a.evidence == NULL) {
		cli_error("scan: out of memory");
		rc = CLI_EXIT_ERROR;
		goto done;
	}
	rc = parse_args(&a, argc, argv);
	if (rc != CLI_EXIT_OK) {
		if (rc == CLI_EXIT_USAGE)
			scan_usage(stderr);
		rc = rc < 0 ? CLI_EXIT_OK : rc;
		goto done;
	}
	mopts.threshold = (uint32_t)a.threshold;
	mopts.min_quality = (int)a.min_quality;
	if (nsw_scan_lists_open(&lists, a.lists, a.nlists, a.allows, a.nallows,
				&mopts) != NSW_OK) {
		rc = cli_fail("scan");
		goto done;
	}
	{
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_signal;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
	}
	po.json = a.json_progress;
	po.tty = !a.quiet && isatty(STDERR_FILENO);
	for (size_t i = 0; i < a.nevidence; i++) {
		memset(&o, 0, sizeof(o));
		if (a.nevidence > 1)
			snprintf(label, sizeof(label), "%s-%zu", a.label,
				 i + 1);
		else
			snprintf(label, sizeof(label), "%s", a.label);
		o.evidence_path = a.evidence[i];
		o.label = label;
		o.lists = nsw_scan_lists_cases(lists, &o.nlists);
		o.matcher = nsw_scan_lists_matcher(lists);
		o.threads = (int)a.threads;
		o.no_pdq = a.no_pdq;
		o.image = a.image;
		o.partial_images = a.partial_images;
		o.no_archives = a.no_archives;
		o.pdq_radius = (int)a.threshold;
		if (po.json || po.tty) {
			o.progress = on_progress;
			o.progress_ctx = &po;
		}
		o.cancel = &interrupted;
		if (nsw_scan_run(a.case_path, &o, &r) != NSW_OK) {
			if (po.drew)
				fputc('\n', stderr);
			rc = cli_fail("scan");
			goto done;
		}
		if (r.stopped) {
			if (po.drew)
				fputc('\n', stderr);
			cli_error("scan: interrupted after recording %" PRId64
				  " files; run the same command again to "
				  "resume",
				  r.files);
			rc = CLI_EXIT_ERROR;
			goto done;
		}
		if (print_summary(a.case_path, label, &r) != NSW_OK) {
			rc = cli_fail("scan");
			goto done;
		}
		if (r.errors > 0)
			partial = 1;
	}
	if (partial)
		rc = CLI_EXIT_PARTIAL;
done:
	nsw_scan_lists_free(lists);
	free(a.lists);
	free(a.allows);
	free(a.evidence);
	return rc;
}
