/* SPDX-License-Identifier: Apache-2.0 */
/*
 * netsweep match: files (hashed as `netsweep hash` does) or hashes read
 * from a file, against known lists and allow-lists. Queries go in batches
 * to worker threads; output follows input order whatever the thread count.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "netsweep/digest.h"
#include "netsweep/hasher.h"
#include "netsweep/match.h"
#include "netsweep/walk.h"
#include "output.h"

#define BATCH 512
#define THREADS_MAX 64
#define LISTS_MAX 64
/* One --hashes line: a 64-hex hash, a comma and a quality, with room. */
#define HASH_LINE_MAX 4096

enum format {
	FORMAT_JSONL,
	FORMAT_CSV
};

struct query_slot {
	char *label; /* path or hash text */
	int is_file;
	uint64_t line; /* --hashes line number */
	nsw_match_query query;
	char *output; /* formatted records (open_memstream) */
	size_t output_len;
	char *message; /* stderr note or error */
	int failed;
	/* --partial-images: the file's PDQ came from a JPEG cut short */
	int partial;
	uint32_t rows_present, rows;
};

struct run {
	nsw_matcher *matcher;
	enum format format;
	int all, dihedral;
	int partial_images; /* --partial-images */
	unsigned threads;
	struct query_slot slots[BATCH];
	size_t nslots;
	size_t next; /* next slot a worker takes */
	pthread_mutex_t lock;
	int fatal;
	char fatal_message[1024];
	uint64_t failures, alerts, queries;
	const char *hashes_path;
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: netsweep match --list LIST [--list LIST...] "
		"[--allow LIST...]\n"
		"                      [--threshold N] [--list-threshold N] "
		"[--min-quality Q]\n"
		"                      [--no-dihedral] [--format jsonl|csv] "
		"[--all] [--threads N]\n"
		"                      [--partial-images]\n"
		"                      (PATH... | --hashes FILE)\n"
		"  --list-threshold N  PDQ threshold of the list named just "
		"before\n"
		"  --all               also print alerts suppressed by an "
		"allow-list\n"
		"  --hashes FILE       one query per line: 32/40/64 hex "
		"digits, or a\n"
		"                      64-hex PDQ with ',quality'; '-' is "
		"stdin\n"
		"  --partial-images    hash JPEGs cut short from what is "
		"present; each\n"
		"                      record says whether the query was "
		"partial\n"
		"                      (jsonl: query_partial, "
		"query_rows_present,\n"
		"                      query_rows; csv: the same 3 columns "
		"last)\n"
		"exit: 0 done, 3 some inputs failed (on stderr), 2 usage, 1 "
		"error\n");
}

/* ---- output ------------------------------------------------------------- */

static void hex_out(FILE *out, const uint8_t *b, size_t n)
{
	char hex[65];

	nsw_hex_encode(hex, b, n);
	fputs(hex, out);
}

static void json_str_or_null(FILE *out, const char *s)
{
	if (s == NULL)
		fputs("null", out);
	else
		cli_json_string(out, s, strlen(s));
}

static const char *status_name(nsw_match_status s)
{
	return s == NSW_MATCH_ALERT	? "alert"
	       : s == NSW_MATCH_ALLOWED ? "allowed"
					: "suppressed";
}

static const char *tri_name(int v)
{
	return v < 0 ? "null" : v ? "true" : "false";
}

static void print_jsonl(FILE *out, const struct run *run,
			const struct query_slot *s, const nsw_match_record *r)
{
	const nsw_list_entry *e = &r->entry;
	const char *label = s->label;

	fputs("{\"query\":", out);
	cli_json_string(out, label, strlen(label));
	fprintf(out, ",\"algorithm\":\"%s\",\"hash\":\"",
		nsw_algo_name(r->algo));
	hex_out(out, r->hash, nsw_algo_bytes(r->algo));
	fprintf(out, "\",\"distance\":%u,\"variant\":", r->distance);
	if (r->variant < 0)
		fputs("null", out);
	else
		fprintf(out, "\"%s\"",
			nsw_pdq_dihedral_name((nsw_pdq_dihedral)r->variant));
	fprintf(out, ",\"status\":\"%s\",\"list\":", status_name(r->status));
	json_str_or_null(out, r->list_name);
	fputs(",\"list_version\":", out);
	json_str_or_null(out, r->list_version);
	fprintf(out, ",\"entry\":%" PRIu64 ",\"category\":", r->entry_id);
	if (e->category_scheme == NULL && e->category_code == NULL) {
		fputs("null", out);
	} else {
		fputs("{\"scheme\":", out);
		json_str_or_null(out, e->category_scheme);
		fputs(",\"code\":", out);
		json_str_or_null(out, e->category_code);
		fputc('}', out);
	}
	fputs(",\"series\":", out);
	json_str_or_null(out, e->series);
	fprintf(out, ",\"victim_identified\":%s,\"offender_identified\":%s",
		tri_name(e->victim_identified),
		tri_name(e->offender_identified));
	fputs(",\"name\":", out);
	json_str_or_null(out, e->name);
	fputs(",\"source_id\":", out);
	json_str_or_null(out, e->source_id);
	if (e->size >= 0)
		fprintf(out, ",\"size\":%" PRId64, e->size);
	else
		fputs(",\"size\":null", out);
	if (e->has & NSW_HAS_PDQ && e->pdq_quality >= 0)
		fprintf(out, ",\"pdq_quality\":%d", e->pdq_quality);
	fputs(",\"source\":{\"file\":", out);
	json_str_or_null(out, e->source_file);
	fprintf(out, ",\"line\":%" PRIu64 "}", e->source_line);
	fputs(",\"attributes\":", out);
	json_str_or_null(out, e->attributes);
	/* A match on a cut file's PDQ says so (--partial-images). */
	if (run->partial_images && s->partial)
		fprintf(out,
			",\"query_partial\":true,\"query_rows_present\":%u,"
			"\"query_rows\":%u",
			s->rows_present, s->rows);
	else if (run->partial_images)
		fprintf(out,
			",\"query_partial\":%s,\"query_rows_present\":"
			"null,\"query_rows\":null",
			s->is_file && (s->query.has & NSW_HAS_PDQ) ? "false"
								   : "null");
	fputs("}\n", out);
}

static void csv_str(FILE *out, const char *s)
{
	if (s != NULL)
		cli_csv_field(out, s, strlen(s));
}

static void print_csv(FILE *out, const struct run *run,
		      const struct query_slot *s, const nsw_match_record *r)
{
	const nsw_list_entry *e = &r->entry;
	const char *label = s->label;

	cli_csv_field(out, label, strlen(label));
	fprintf(out, ",%s,", nsw_algo_name(r->algo));
	hex_out(out, r->hash, nsw_algo_bytes(r->algo));
	fprintf(out, ",%u,%s,%s,", r->distance,
		r->variant < 0
			? ""
			: nsw_pdq_dihedral_name((nsw_pdq_dihedral)r->variant),
		status_name(r->status));
	csv_str(out, r->list_name);
	fputc(',', out);
	csv_str(out, r->list_version);
	fprintf(out, ",%" PRIu64 ",", r->entry_id);
	csv_str(out, e->category_scheme);
	fputc(',', out);
	csv_str(out, e->category_code);
	fputc(',', out);
	csv_str(out, e->series);
	fprintf(out, ",%s,%s,",
		e->victim_identified < 0 ? "" : tri_name(e->victim_identified),
		e->offender_identified < 0 ? ""
					   : tri_name(e->offender_identified));
	csv_str(out, e->name);
	fputc(',', out);
	csv_str(out, e->source_id);
	fputc(',', out);
	if (e->size >= 0)
		fprintf(out, "%" PRId64, e->size);
	fputc(',', out);
	csv_str(out, e->source_file);
	fprintf(out, ",%" PRIu64, e->source_line);
	if (run->partial_images && s->partial)
		fprintf(out, ",1,%u,%u", s->rows_present, s->rows);
	else if (run->partial_images)
		fputs(s->is_file && (s->query.has & NSW_HAS_PDQ) ? ",0,,"
								 : ",,,",
		      out);
	fputc('\n', out);
}

static const char CSV_HEADER[] =
	"query,algorithm,hash,distance,variant,status,list,list_version,"
	"entry,category_scheme,category_code,series,victim_identified,"
	"offender_identified,name,source_id,size,source_file,source_line";

/* ---- queries ------------------------------------------------------------ */

static int is_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'f') ||
		      (s[i] >= 'A' && s[i] <= 'F')))
			return 0;
	return 1;
}

/*
 * One --hashes line into a query: 32 hex MD5, 40 hex SHA-1, 64 hex both
 * SHA-256 and PDQ (the text cannot tell them apart), 64 hex ",quality"
 * PDQ only. Returns 0 or -1 with a reason in `why`.
 */
static int parse_hash_line(nsw_match_query *q, const char *line, size_t len,
			   const char **why)
{
	const char *comma = memchr(line, ',', len);
	size_t hl = comma ? (size_t)(comma - line) : len;

	memset(q, 0, sizeof(*q));
	q->pdq_quality = -1;
	if (!is_hex(line, hl)) {
		*why = "not hexadecimal";
		return -1;
	}
	if (comma != NULL) {
		char qt[8];
		size_t ql = len - hl - 1;
		unsigned long quality;

		if (hl != 64 || ql == 0 || ql >= sizeof(qt)) {
			*why = "',quality' only follows a 64-hex PDQ hash";
			return -1;
		}
		memcpy(qt, comma + 1, ql);
		qt[ql] = '\0';
		if (cli_parse_uint(qt, 0, 100, &quality) != 0) {
			*why = "quality is not 0..100";
			return -1;
		}
		q->pdq_quality = (int)quality;
	}
	switch (hl) {
	case 32:
		q->has = NSW_HAS_MD5;
		return nsw_hex_decode(q->md5, 16, line, hl) == 0 ? 0 : -1;
	case 40:
		q->has = NSW_HAS_SHA1;
		return nsw_hex_decode(q->sha1, 20, line, hl) == 0 ? 0 : -1;
	case 64:
		if (nsw_pdq_from_hex(&q->pdq[0], line, hl) != 0)
			return -1;
		q->npdq = 1;
		q->has = NSW_HAS_PDQ;
		if (comma == NULL) {
			q->has |= NSW_HAS_SHA256;
			nsw_hex_decode(q->sha256, 32, line, hl);
		}
		return 0;
	default:
		*why = "not 32, 40 or 64 hex digits";
		return -1;
	}
}

static int hash_file_query(nsw_hasher *h, struct query_slot *s)
{
	nsw_file_hash fh;
	nsw_match_query *q = &s->query;
	int rc = nsw_hasher_file(h, &fh, s->label);

	memset(q, 0, sizeof(*q));
	q->pdq_quality = -1;
	s->partial = 0;
	s->rows_present = s->rows = 0;
	if (rc != 0) {
		s->failed = 1;
		s->message = strdup(nsw_error_last());
		return 0;
	}
	if (fh.decode_error != 0) {
		s->failed = 1;
		s->message = strdup(fh.decode_message);
	}
	if (fh.has & NSW_ALGO_BIT(NSW_ALGO_MD5)) {
		q->has |= NSW_HAS_MD5;
		memcpy(q->md5, fh.digests.md5, 16);
	}
	if (fh.has & NSW_ALGO_BIT(NSW_ALGO_SHA1)) {
		q->has |= NSW_HAS_SHA1;
		memcpy(q->sha1, fh.digests.sha1, 20);
	}
	if (fh.has & NSW_ALGO_BIT(NSW_ALGO_SHA256)) {
		q->has |= NSW_HAS_SHA256;
		memcpy(q->sha256, fh.digests.sha256, 32);
	}
	if (fh.has & NSW_ALGO_BIT(NSW_ALGO_PDQ)) {
		q->has |= NSW_HAS_PDQ;
		q->pdq_quality = fh.pdq.quality;
		s->partial = fh.pdq.partial;
		s->rows_present = fh.pdq.rows_present;
		s->rows = fh.pdq.height;
		q->pdq[0] = fh.pdq.hash;
		q->npdq = 1;
		if (fh.pdq.has_dihedral) {
			for (int k = 0; k < NSW_PDQ_DIHEDRAL_COUNT; k++)
				q->pdq[k] = fh.pdq.dihedral[k];
			q->pdq[0] = fh.pdq.hash;
			q->npdq = NSW_PDQ_DIHEDRAL_COUNT;
		}
	}
	return 0;
}

static int format_slot(struct run *run, nsw_match_ctx *ctx,
		       struct query_slot *s, uint64_t *alerts)
{
	nsw_match_result res;
	FILE *out;

	*alerts = 0;
	if (s->query.has == 0)
		return 0;
	if (nsw_matcher_match(run->matcher, ctx, &s->query, &res) != 0)
		return -1;
	if (res.pdq_low_quality && s->message == NULL) {
		char buf[256];

		snprintf(buf, sizeof(buf),
			 "PDQ quality %d is below the minimum; PDQ not "
			 "matched",
			 s->query.pdq_quality);
		s->message = strdup(buf);
	}
	out = open_memstream(&s->output, &s->output_len);
	if (out == NULL)
		return -1;
	for (size_t i = 0; i < res.count; i++) {
		if (res.records[i].status == NSW_MATCH_SUPPRESSED && !run->all)
			continue;
		if (run->format == FORMAT_JSONL)
			print_jsonl(out, run, s, &res.records[i]);
		else
			print_csv(out, run, s, &res.records[i]);
	}
	fclose(out);
	*alerts = res.alerts;
	return 0;
}

static void *worker(void *arg)
{
	struct run *run = arg;
	nsw_match_ctx *ctx = NULL;
	nsw_hasher *hasher = NULL;
	int rc = nsw_match_ctx_new(&ctx);

	if (rc == 0 && run->hashes_path == NULL)
		rc = nsw_hasher_new(
			&hasher, NSW_DIGESTS_ALL | NSW_ALGO_BIT(NSW_ALGO_PDQ),
			run->dihedral);
	if (rc == 0 && hasher != NULL && run->partial_images)
		rc = nsw_hasher_set_partial_images(hasher, 1);
	for (;;) {
		struct query_slot *s;
		uint64_t alerts = 0;

		pthread_mutex_lock(&run->lock);
		if (rc != 0 && !run->fatal) {
			run->fatal = 1;
			snprintf(run->fatal_message, sizeof(run->fatal_message),
				 "%s", nsw_error_last());
		}
		if (run->fatal || run->next >= run->nslots) {
			pthread_mutex_unlock(&run->lock);
			break;
		}
		s = &run->slots[run->next++];
		pthread_mutex_unlock(&run->lock);
		if (s->is_file)
			hash_file_query(hasher, s);
		rc = format_slot(run, ctx, s, &alerts);
		pthread_mutex_lock(&run->lock);
		run->alerts += alerts;
		pthread_mutex_unlock(&run->lock);
	}
	nsw_hasher_free(hasher);
	nsw_match_ctx_free(ctx);
	return NULL;
}

/* Match the collected batch and print it in order. */
static int flush_batch(struct run *run)
{
	pthread_t tids[THREADS_MAX];
	unsigned n = run->threads;
	int rc = 0;

	if (run->nslots == 0)
		return 0;
	if (n > run->nslots)
		n = (unsigned)run->nslots;
	run->next = 0;
	if (n <= 1) {
		worker(run);
	} else {
		unsigned started = 0;

		for (unsigned i = 0; i < n; i++)
			if (pthread_create(&tids[i], NULL, worker, run) == 0)
				started++;
			else
				break;
		if (started == 0)
			worker(run);
		for (unsigned i = 0; i < started; i++)
			pthread_join(tids[i], NULL);
	}
	for (size_t i = 0; i < run->nslots; i++) {
		struct query_slot *s = &run->slots[i];

		if (s->output_len)
			fwrite(s->output, 1, s->output_len, stdout);
		if (s->message != NULL) {
			if (s->line)
				cli_error("%s:%" PRIu64 ": %s",
					  run->hashes_path, s->line,
					  s->message);
			else
				cli_error("%s", s->message);
		}
		if (s->failed)
			run->failures++;
		run->queries++;
		free(s->output);
		free(s->message);
		free(s->label);
		memset(s, 0, sizeof(*s));
	}
	run->nslots = 0;
	if (run->fatal) {
		cli_error("match: %s", run->fatal_message);
		rc = -1;
	}
	fflush(stdout);
	return rc;
}

static int add_slot(struct run *run, const char *label, size_t len, int is_file,
		    uint64_t line, struct query_slot **out)
{
	struct query_slot *s;

	if (run->nslots == BATCH && flush_batch(run) != 0)
		return -1;
	s = &run->slots[run->nslots];
	memset(s, 0, sizeof(*s));
	s->label = malloc(len + 1);
	if (s->label == NULL)
		return -1;
	memcpy(s->label, label, len);
	s->label[len] = '\0';
	s->is_file = is_file;
	s->line = line;
	run->nslots++;
	*out = s;
	return 0;
}

static int read_hashes(struct run *run, const char *path)
{
	FILE *in = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	char line[HASH_LINE_MAX];
	uint64_t ln = 0;
	int rc = 0;

	if (in == NULL) {
		cli_error("%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), in) != NULL) {
		size_t len = strlen(line);
		const char *why = "malformed";
		struct query_slot *s;
		char *p = line;

		ln++;
		if (len > 0 && line[len - 1] != '\n' && !feof(in)) {
			int c;

			while ((c = fgetc(in)) != EOF && c != '\n')
				;
			cli_error("%s:%" PRIu64 ": line too long", path, ln);
			run->failures++;
			continue;
		}
		while (len > 0 &&
		       (line[len - 1] == '\n' || line[len - 1] == '\r' ||
			line[len - 1] == ' ' || line[len - 1] == '\t'))
			line[--len] = '\0';
		while (*p == ' ' || *p == '\t') {
			p++;
			len--;
		}
		if (len == 0 || p[0] == '#')
			continue;
		if (add_slot(run, p, len, 0, ln, &s) != 0) {
			rc = -1;
			break;
		}
		if (parse_hash_line(&s->query, p, len, &why) != 0) {
			s->failed = 1;
			s->message = strdup(why);
			s->query.has = 0;
		}
	}
	if (rc == 0 && ferror(in)) {
		cli_error("%s: read error", path);
		rc = -1;
	}
	if (in != stdin)
		fclose(in);
	if (rc == 0)
		rc = flush_batch(run);
	return rc;
}

static int on_walk(void *ctx, const nsw_walk_entry *e)
{
	struct run *run = ctx;
	struct query_slot *s;

	if (e->kind == NSW_WALK_ERROR) {
		cli_error("%s", e->message ? e->message : e->path);
		run->failures++;
		return 0;
	}
	if (e->kind != NSW_WALK_FILE)
		return 0;
	return add_slot(run, e->path, e->path_len, 1, 0, &s) == 0 ? 0 : -1;
}

static void free_lists(nsw_list **lists, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		nsw_list_close(lists[i]);
}

int cli_cmd_match(int argc, char **argv)
{
	static struct run run; /* large: the batch slots */
	nsw_match_options opts;
	nsw_list *lists[LISTS_MAX];
	const char *list_paths[LISTS_MAX];
	int allow[LISTS_MAX], threshold[LISTS_MAX];
	unsigned nlists = 0, nalerts_lists = 0, opened = 0;
	char **paths = NULL;
	int npaths = 0, rc = CLI_EXIT_OK;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned long v;

	memset(&run, 0, sizeof(run));
	nsw_match_options_init(&opts);
	run.threads = cpus > 0 ? (unsigned)(cpus > 16 ? 16 : cpus) : 1;
	paths = calloc((size_t)argc, sizeof(*paths));
	if (paths == NULL)
		return CLI_EXIT_ERROR;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;
		int takes = !strcmp(a, "--list") || !strcmp(a, "--allow") ||
			    !strcmp(a, "--threshold") ||
			    !strcmp(a, "--list-threshold") ||
			    !strcmp(a, "--min-quality") ||
			    !strcmp(a, "--format") || !strcmp(a, "--hashes") ||
			    !strcmp(a, "--threads");

		if (takes && val == NULL) {
			cli_error("match: %s needs a value", a);
			rc = CLI_EXIT_USAGE;
			goto done;
		}
		if (!strcmp(a, "--help")) {
			usage(stdout);
			goto done;
		} else if (!strcmp(a, "--list") || !strcmp(a, "--allow")) {
			if (nlists == LISTS_MAX) {
				cli_error("match: more than %d lists",
					  LISTS_MAX);
				rc = CLI_EXIT_USAGE;
				goto done;
			}
			list_paths[nlists] = val;
			allow[nlists] = !strcmp(a, "--allow");
			nalerts_lists += !allow[nlists];
			threshold[nlists++] = -1;
			i++;
		} else if (!strcmp(a, "--threshold") ||
			   !strcmp(a, "--list-threshold")) {
			if (cli_parse_uint(val, 0, NSW_MATCH_MAX_THRESHOLD,
					   &v) != 0) {
				cli_error("match: %s must be 0..63", a);
				rc = CLI_EXIT_USAGE;
				goto done;
			}
			if (!strcmp(a, "--threshold")) {
				opts.threshold = (uint32_t)v;
			} else if (nlists == 0) {
				cli_error("match: --list-threshold follows a "
					  "--list");
				rc = CLI_EXIT_USAGE;
				goto done;
			} else {
				threshold[nlists - 1] = (int)v;
			}
			i++;
		} else if (!strcmp(a, "--min-quality")) {
			if (cli_parse_uint(val, 0, 100, &v) != 0) {
				cli_error("match: --min-quality must be "
					  "0..100");
				rc = CLI_EXIT_USAGE;
				goto done;
			}
			opts.min_quality = (int)v;
			i++;
		} else if (!strcmp(a, "--threads")) {
			if (cli_parse_uint(val, 1, THREADS_MAX, &v) != 0) {
				cli_error("match: --threads must be 1..%d",
					  THREADS_MAX);
				rc = CLI_EXIT_USAGE;
				goto done;
			}
			run.threads = (unsigned)v;
			i++;
		} else if (!strcmp(a, "--format")) {
			if (!strcmp(val, "jsonl")) {
				run.format = FORMAT_JSONL;
			} else if (!strcmp(val, "csv")) {
				run.format = FORMAT_CSV;
			} else {
				cli_error("match: format is jsonl or csv");
				rc = CLI_EXIT_USAGE;
				goto done;
			}
			i++;
		} else if (!strcmp(a, "--hashes")) {
			run.hashes_path = val;
			i++;
		} else if (!strcmp(a, "--no-dihedral")) {
			opts.dihedral = 0;
		} else if (!strcmp(a, "--all")) {
			run.all = 1;
		} else if (!strcmp(a, "--partial-images")) {
			run.partial_images = 1;
		} else if (a[0] == '-' && a[1] != '\0') {
			cli_error("match: unknown option '%s'", a);
			rc = CLI_EXIT_USAGE;
			goto done;
		} else {
			paths[npaths++] = argv[i];
		}
	}
	if (nalerts_lists == 0 || (run.hashes_path == NULL) == (npaths == 0)) {
		usage(stderr);
		rc = CLI_EXIT_USAGE;
		goto done;
	}
	for (unsigned i = 0; i < nlists; i++) {
		if (nsw_list_open(&lists[i], list_paths[i]) != 0) {
			nlists = i;
			rc = cli_fail("match");
			goto done;
		}
	}
	opened = nlists;
	run.dihedral = opts.dihedral;
	if (nsw_matcher_new(&run.matcher, &opts) != 0) {
		rc = cli_fail("match");
		goto done;
	}
	for (unsigned i = 0; i < nlists; i++)
		if (nsw_matcher_add_list(run.matcher, lists[i], allow[i],
					 threshold[i]) != 0) {
			rc = cli_fail("match");
			goto done;
		}
	pthread_mutex_init(&run.lock, NULL);
	if (run.format == FORMAT_CSV)
		fprintf(stdout, "%s%s\n", CSV_HEADER,
			run.partial_images
				? ",query_partial,query_rows_present,query_rows"
				: "");
	if (run.hashes_path != NULL) {
		if (read_hashes(&run, run.hashes_path) != 0)
			rc = CLI_EXIT_ERROR;
	} else {
		for (int i = 0; i < npaths && rc == CLI_EXIT_OK; i++) {
			int wrc = nsw_walk(paths[i], NSW_WALK_FOLLOW_ROOT,
					   on_walk, &run);

			if (wrc != 0 && !run.fatal) {
				cli_error("%s: %s", paths[i], nsw_error_last());
				run.failures++;
			}
			if (flush_batch(&run) != 0)
				rc = CLI_EXIT_ERROR;
		}
	}
	pthread_mutex_destroy(&run.lock);
	if (rc == CLI_EXIT_OK && run.failures > 0)
		rc = CLI_EXIT_PARTIAL;
done:
	nsw_matcher_free(run.matcher);
	free_lists(lists, opened);
	free(paths);
	return rc;
}
