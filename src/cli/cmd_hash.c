/* SPDX-License-Identifier: Apache-2.0 */
/*
 * netsweep hash: digests and PDQ of files and directory trees. The main
 * thread walks and prints; worker threads hash; a bounded reorder window
 * keeps the output in walk order whatever the thread count.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "netsweep/digest.h"
#include "netsweep/hasher.h"
#include "netsweep/walk.h"
#include "output.h"

#define PDQ_BIT NSW_ALGO_BIT(NSW_ALGO_PDQ)
#define ALL_ALGOS (NSW_DIGESTS_ALL | PDQ_BIT)
#define THREADS_MAX 256
/* A path read from the stdin list: NSW_PATH_MAX (4096) plus CR and NUL. */
#define LIST_LINE_MAX (4096 + 2)
/* Progress refresh interval on a terminal. */
#define PROGRESS_NS 250000000LL

enum format {
	FORMAT_TEXT,
	FORMAT_CSV,
	FORMAT_JSONL
};

struct options {
	unsigned algos;
	int dihedral;
	int partial_images; /* --partial-images: hash cut JPEGs, marked */
	unsigned threads;
	enum format format;
};

enum slot_state {
	SLOT_FREE,
	SLOT_QUEUED,
	SLOT_RUNNING,
	SLOT_DONE
};
enum item_kind {
	ITEM_FILE, /* hash it */
	ITEM_NOTE, /* a skipped entry: one stderr line, not a failure */
	ITEM_FAIL  /* an input that failed before hashing: stderr, failure */
};

struct slot {
	enum slot_state state;
	enum item_kind kind;
	char *path;
	size_t path_len;
	char *message; /* NOTE/FAIL text, or the hasher's error */
	int rc;
	nsw_file_hash result;
};

struct run {
	struct options opt;
	pthread_mutex_t lock;
	pthread_cond_t work; /* workers wait for queued slots */
	pthread_cond_t done; /* the main thread waits for finished slots */
	struct slot *slots;
	size_t window;
	uint64_t next_seq;   /* next slot to fill */
	uint64_t next_take;  /* next slot a worker looks at */
	uint64_t next_print; /* next slot to print */
	int stop;
	int worker_fatal; /* a worker could not start its hasher */
	int out_of_memory;
	char worker_message[NSW_HASH_MESSAGE_MAX];

	/* Main thread only. */
	uint64_t files, bytes, failures;
	int progress; /* stderr is a terminal */
	int progress_shown;
	struct timespec start, last_progress;
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: netsweep hash [options] PATH...\n"
		"  PATH is a file or a directory (walked recursively, sorted, "
		"symlinks\n"
		"  not followed); '-' reads a list of paths from stdin, one "
		"per line.\n"
		"options:\n"
		"  --algo LIST      md5,sha1,sha256,pdq (default: all)\n"
		"  --dihedral       also the 8 dihedral PDQ variants\n"
		"  --partial-images hash JPEGs whose data ends early (cut-off\n"
		"                   downloads) from what is present, marked:\n"
		"                   a rows column (text: whole or\n"
		"                   partial:PRESENT/HEIGHT; csv: partial,\n"
		"                   rows_present; jsonl: partial, "
		"rows_present)\n"
		"  --threads N      hashing threads (default: all cores)\n"
		"  --format FORMAT  text, csv or jsonl (default: text)\n"
		"exit: 0 all hashed, 3 some inputs failed (on stderr), "
		"2 usage, 1 error\n");
}

static int parse_algos(const char *text, unsigned *out)
{
	unsigned algos = 0;
	const char *p = text;

	while (*p != '\0') {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		int found = 0;

		for (int a = 0; a < NSW_ALGO_COUNT; a++) {
			const char *name = nsw_algo_name((nsw_algo)a);

			if (strlen(name) == n && memcmp(name, p, n) == 0) {
				algos |= NSW_ALGO_BIT(a);
				found = 1;
			}
		}
		if (!found)
			return -1;
		p += n;
		if (*p == ',')
			p++;
	}
	if (algos == 0)
		return -1;
	*out = algos;
	return 0;
}

/* The value of "--name VALUE" or "--name=VALUE"; NULL when argv[*i] is not
 * that option. Sets *missing when the value is absent. */
static const char *option_value(int argc, char **argv, int *i, const char *name,
				int *missing)
{
	size_t n = strlen(name);
	const char *arg = argv[*i];

	if (strncmp(arg, name, n) != 0)
		return NULL;
	if (arg[n] == '=')
		return arg + n + 1;
	if (arg[n] != '\0')
		return NULL;
	if (*i + 1 >= argc) {
		*missing = 1;
		return NULL;
	}
	return argv[++*i];
}

/* Parse options; returns the index of the first PATH, or -1 (usage error,
 * already reported) or -2 (--help printed). */
static int parse_options(int argc, char **argv, struct options *opt)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	int i;

	opt->algos = ALL_ALGOS;
	opt->dihedral = 0;
	opt->partial_images = 0;
	opt->threads = cores < 1	     ? 1
		       : cores > THREADS_MAX ? THREADS_MAX
					     : (unsigned)cores;
	opt->format = FORMAT_TEXT;
	for (i = 1; i < argc; i++) {
		const char *arg = argv[i], *v;
		int missing = 0;

		if (strcmp(arg, "--") == 0)
			return i + 1;
		if (arg[0] != '-' || strcmp(arg, "-") == 0)
			break;
		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			usage(stdout);
			return -2;
		}
		if (strcmp(arg, "--dihedral") == 0) {
			opt->dihedral = 1;
			continue;
		}
		if (strcmp(arg, "--partial-images") == 0) {
			opt->partial_images = 1;
			continue;
		}
		v = option_value(argc, argv, &i, "--algo", &missing);
		if (v != NULL) {
			if (parse_algos(v, &opt->algos) != 0) {
				cli_error("hash: --algo '%s': expected a comma "
					  "list of md5, sha1, sha256, pdq",
					  v);
				return -1;
			}
			continue;
		}
		v = option_value(argc, argv, &i, "--threads", &missing);
		if (v != NULL) {
			unsigned long n;

			if (cli_parse_uint(v, 1, THREADS_MAX, &n) != 0) {
				cli_error("hash: --threads '%s': expected 1 to "
					  "%d",
					  v, THREADS_MAX);
				return -1;
			}
			opt->threads = (unsigned)n;
			continue;
		}
		v = option_value(argc, argv, &i, "--format", &missing);
		if (v != NULL) {
			if (strcmp(v, "text") == 0) {
				opt->format = FORMAT_TEXT;
			} else if (strcmp(v, "csv") == 0) {
				opt->format = FORMAT_CSV;
			} else if (strcmp(v, "jsonl") == 0) {
				opt->format = FORMAT_JSONL;
			} else {
				cli_error("hash: --format '%s': expected text, "
					  "csv or jsonl",
					  v);
				return -1;
			}
			continue;
		}
		if (missing)
			cli_error("hash: %s needs a value", arg);
		else
			cli_error("hash: unknown option '%s'", arg);
		return -1;
	}
	if (opt->dihedral && (opt->algos & PDQ_BIT) == 0) {
		cli_error("hash: --dihedral needs pdq in --algo");
		return -1;
	}
	if (opt->partial_images && (opt->algos & PDQ_BIT) == 0) {
		cli_error("hash: --partial-images needs pdq in --algo");
		return -1;
	}
	return i;
}

/* ---- output ----------------------------------------------------------- */

static int pdq_only(const struct options *opt)
{
	return opt->algos == PDQ_BIT;
}

static void put_hex(FILE *out, const uint8_t *bytes, size_t len)
{
	char hex[2 * NSW_SHA256_BYTES + 1];

	nsw_hex_encode(hex, bytes, len);
	fputs(hex, out);
}

static void put_pdq(FILE *out, const nsw_pdq_hash *hash)
{
	char hex[NSW_PDQ_HEX_LEN + 1];

	nsw_pdq_to_hex(hex, hash);
	fputs(hex, out);
}

/* The digest of algorithm `a` in a result, or NULL when absent. */
static const uint8_t *digest_of(const nsw_file_hash *r, int a)
{
	if ((r->has & NSW_ALGO_BIT(a)) == 0)
		return NULL;
	switch (a) {
	case NSW_ALGO_MD5:
		return r->digests.md5;
	case NSW_ALGO_SHA1:
		return r->digests.sha1;
	default:
		return r->digests.sha256;
	}
}

/*
 * The rows field of --partial-images text output: "whole", or
 * "partial:PRESENT/HEIGHT" when the PDQ came from a cut file, "-" without
 * PDQ.
 */
static void put_rows_text(FILE *out, const nsw_file_hash *r)
{
	if ((r->has & PDQ_BIT) == 0)
		fputc('-', out);
	else if (r->pdq.partial)
		fprintf(out, "partial:%u/%u", r->pdq.rows_present,
			r->pdq.height);
	else
		fputs("whole", out);
}

static void print_csv_header(const struct options *opt)
{
	fputs("path,size", stdout);
	for (int a = NSW_ALGO_MD5; a <= NSW_ALGO_SHA256; a++)
		if (opt->algos & NSW_ALGO_BIT(a))
			printf(",%s", nsw_algo_name((nsw_algo)a));
	if (opt->algos & PDQ_BIT) {
		fputs(",pdq,pdq_quality", stdout);
		if (opt->dihedral)
			for (int d = 1; d < NSW_PDQ_DIHEDRAL_COUNT; d++)
				printf(",pdq_%s", nsw_pdq_dihedral_name(
							  (nsw_pdq_dihedral)d));
	}
	fputs(",format", stdout);
	if (opt->algos & PDQ_BIT)
		fputs(",width,height,error", stdout);
	if (opt->partial_images)
		fputs(",partial,rows_present", stdout);
	fputc('\n', stdout);
}

static void print_text(const struct options *opt, const struct slot *s)
{
	const nsw_file_hash *r = &s->result;
	int has_pdq = (r->has & PDQ_BIT) != 0;
	int escape = cli_text_path_needs_escape(s->path, s->path_len);

	if (escape)
		fputc('\\', stdout);
	if (pdq_only(opt)) {
		/* The reference pdq-photo-hasher's line: hash,quality,path
		 * (with --dihedral: the 8 variants, quality, path). */
		put_pdq(stdout, &r->pdq.hash);
		if (opt->dihedral)
			for (int d = 1; d < NSW_PDQ_DIHEDRAL_COUNT; d++) {
				fputc(',', stdout);
				put_pdq(stdout, &r->pdq.dihedral[d]);
			}
		printf(",%d,", r->pdq.quality);
		if (opt->partial_images) {
			put_rows_text(stdout, r);
			fputc(',', stdout);
		}
	} else {
		for (int a = NSW_ALGO_MD5; a <= NSW_ALGO_SHA256; a++) {
			const uint8_t *d = digest_of(r, a);

			if ((opt->algos & NSW_ALGO_BIT(a)) == 0)
				continue;
			if (d != NULL)
				put_hex(stdout, d, nsw_algo_bytes((nsw_algo)a));
			else
				fputc('-', stdout);
			fputs("  ", stdout);
		}
		if (opt->algos & PDQ_BIT) {
			int n = opt->dihedral ? NSW_PDQ_DIHEDRAL_COUNT : 1;

			for (int d = 0; d < n; d++) {
				if (!has_pdq)
					fputc('-', stdout);
				else if (d == 0)
					put_pdq(stdout, &r->pdq.hash);
				else
					put_pdq(stdout, &r->pdq.dihedral[d]);
				fputs("  ", stdout);
			}
			if (has_pdq)
				printf("%d  ", r->pdq.quality);
			else
				fputs("-  ", stdout);
			if (opt->partial_images) {
				put_rows_text(stdout, r);
				fputs("  ", stdout);
			}
		}
	}
	cli_text_path(stdout, s->path, s->path_len, escape);
	fputc('\n', stdout);
}

static void print_csv(const struct options *opt, const struct slot *s)
{
	const nsw_file_hash *r = &s->result;
	int has_pdq = (r->has & PDQ_BIT) != 0;

	cli_csv_field(stdout, s->path, s->path_len);
	printf(",%llu", (unsigned long long)r->size);
	for (int a = NSW_ALGO_MD5; a <= NSW_ALGO_SHA256; a++) {
		const uint8_t *d = digest_of(r, a);

		if ((opt->algos & NSW_ALGO_BIT(a)) == 0)
			continue;
		fputc(',', stdout);
		if (d != NULL)
			put_hex(stdout, d, nsw_algo_bytes((nsw_algo)a));
	}
	if (opt->algos & PDQ_BIT) {
		fputc(',', stdout);
		if (has_pdq)
			put_pdq(stdout, &r->pdq.hash);
		fputc(',', stdout);
		if (has_pdq)
			printf("%d", r->pdq.quality);
		if (opt->dihedral)
			for (int d = 1; d < NSW_PDQ_DIHEDRAL_COUNT; d++) {
				fputc(',', stdout);
				if (has_pdq)
					put_pdq(stdout, &r->pdq.dihedral[d]);
			}
	}
	fputc(',', stdout);
	if (r->format != NSW_IMAGE_UNKNOWN)
		fputs(nsw_image_format_name(r->format), stdout);
	if (opt->algos & PDQ_BIT) {
		if (r->width > 0)
			printf(",%u,%u,", r->width, r->height);
		else
			fputs(",,,", stdout);
		if (r->decode_error != 0)
			cli_csv_field(stdout, r->decode_message,
				      strlen(r->decode_message));
	}
	if (opt->partial_images) {
		if (has_pdq)
			printf(",%d,%u", r->pdq.partial ? 1 : 0,
			       r->pdq.rows_present);
		else
			fputs(",,", stdout);
	}
	fputc('\n', stdout);
}

static void print_jsonl(const struct options *opt, const struct slot *s)
{
	const nsw_file_hash *r = &s->result;
	int has_pdq = (r->has & PDQ_BIT) != 0;

	fputs("{\"path\":", stdout);
	cli_json_string(stdout, s->path, s->path_len);
	if (!nsw_utf8_valid(s->path, s->path_len)) {
		fputs(",\"path_b64\":\"", stdout);
		cli_base64(stdout, (const unsigned char *)s->path, s->path_len);
		fputc('"', stdout);
	}
	printf(",\"size\":%llu", (unsigned long long)r->size);
	for (int a = NSW_ALGO_MD5; a <= NSW_ALGO_SHA256; a++) {
		const uint8_t *d = digest_of(r, a);

		if ((opt->algos & NSW_ALGO_BIT(a)) == 0)
			continue;
		printf(",\"%s\":", nsw_algo_name((nsw_algo)a));
		if (d == NULL) {
			fputs("null", stdout);
			continue;
		}
		fputc('"', stdout);
		put_hex(stdout, d, nsw_algo_bytes((nsw_algo)a));
		fputc('"', stdout);
	}
	fputs(",\"format\":", stdout);
	if (r->format != NSW_IMAGE_UNKNOWN)
		printf("\"%s\"", nsw_image_format_name(r->format));
	else
		fputs("null", stdout);
	if (r->width > 0)
		printf(",\"width\":%u,\"height\":%u", r->width, r->height);
	if (opt->algos & PDQ_BIT) {
		fputs(",\"pdq\":", stdout);
		if (has_pdq) {
			fputc('"', stdout);
			put_pdq(stdout, &r->pdq.hash);
			printf("\",\"pdq_quality\":%d", r->pdq.quality);
		} else {
			fputs("null,\"pdq_quality\":null", stdout);
		}
		if (opt->dihedral && has_pdq) {
			fputs(",\"pdq_dihedral\":{", stdout);
			for (int d = 0; d < NSW_PDQ_DIHEDRAL_COUNT; d++) {
				printf("%s\"%s\":\"", d ? "," : "",
				       nsw_pdq_dihedral_name(
					       (nsw_pdq_dihedral)d));
				put_pdq(stdout, &r->pdq.dihedral[d]);
				fputc('"', stdout);
			}
			fputc('}', stdout);
		}
		if (opt->partial_images && has_pdq)
			printf(",\"partial\":%s,\"rows_present\":%u",
			       r->pdq.partial ? "true" : "false",
			       r->pdq.rows_present);
		if (r->decode_error != 0) {
			fputs(",\"error\":", stdout);
			cli_json_string(stdout, r->decode_message,
					strlen(r->decode_message));
		}
	}
	fputs("}\n", stdout);
}

/* ---- progress (only on a terminal) ------------------------------------ */

static int64_t elapsed_ns(const struct timespec *a, const struct timespec *b)
{
	return (int64_t)(b->tv_sec - a->tv_sec) * 1000000000LL +
	       (b->tv_nsec - a->tv_nsec);
}

static void progress_clear(struct run *run)
{
	if (run->progress_shown) {
		fputs("\r\033[K", stderr);
		run->progress_shown = 0;
	}
}

static void progress_update(struct run *run, int force)
{
	struct timespec now;
	double secs;

	if (!run->progress)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!force && elapsed_ns(&run->last_progress, &now) < PROGRESS_NS)
		return;
	run->last_progress = now;
	secs = (double)elapsed_ns(&run->start, &now) / 1e9;
	fprintf(stderr, "\r\033[K%llu files, %.1f MiB, %.1f MiB/s",
		(unsigned long long)run->files, (double)run->bytes / 1048576.0,
		secs > 0 ? (double)run->bytes / 1048576.0 / secs : 0.0);
	run->progress_shown = 1;
}

/* One "netsweep: message" line on stderr, clear of the progress line. */
static void report_line(struct run *run, const char *message)
{
	progress_clear(run);
	fflush(stdout);
	cli_error("%s", message);
}

/* Print one finished slot (main thread, lock not held). */
static void emit(struct run *run, struct slot *s)
{
	const nsw_file_hash *r = &s->result;
	int fail = 0, print = 1;

	if (s->kind == ITEM_NOTE) {
		report_line(run, s->message);
		return;
	}
	if (s->kind == ITEM_FAIL || s->rc != NSW_OK) {
		report_line(run, s->message ? s->message : "unknown error");
		run->failures++;
		return;
	}
	run->files++;
	run->bytes += r->size;
	if (r->decode_error != 0) {
		report_line(run, r->decode_message);
		fail = 1;
		print = !pdq_only(&run->opt);
	} else if (pdq_only(&run->opt) && (r->has & PDQ_BIT) == 0) {
		char line[NSW_HASH_MESSAGE_MAX];

		snprintf(line, sizeof(line),
			 "%s: not an image (only pdq asked)", s->path);
		report_line(run, line);
		fail = 1;
		print = 0;
	}
	run->failures += (uint64_t)fail;
	if (print) {
		if (run->opt.format == FORMAT_TEXT)
			print_text(&run->opt, s);
		else if (run->opt.format == FORMAT_CSV)
			print_csv(&run->opt, s);
		else
			print_jsonl(&run->opt, s);
	}
	progress_update(run, 0);
}

static void slot_clear(struct slot *s)
{
	free(s->path);
	free(s->message);
	s->path = NULL;
	s->message = NULL;
	s->state = SLOT_FREE;
}

/*
 * Print finished slots in order. With `need_room`, wait until the window has
 * a free slot; with `all`, until every slot is printed; otherwise print only
 * what is finished. Lock held on entry and exit, released while printing.
 */
static void drain(struct run *run, int need_room, int all)
{
	while (run->next_print != run->next_seq) {
		struct slot *s = &run->slots[run->next_print % run->window];

		if (s->state != SLOT_DONE) {
			int full =
				run->next_seq - run->next_print >= run->window;

			if (!all && !(need_room && full))
				return;
			pthread_cond_wait(&run->done, &run->lock);
			continue;
		}
		pthread_mutex_unlock(&run->lock);
		emit(run, s);
		pthread_mutex_lock(&run->lock);
		slot_clear(s);
		run->next_print++;
	}
}

/*
 * Queue one item (main thread). `path` and `message` are copied. Returns 0
 * or -1 when out of memory.
 */
static int submit(struct run *run, enum item_kind kind, const char *path,
		  size_t path_len, const char *message)
{
	struct slot *s;
	char *p = NULL, *m = NULL;

	p = malloc(path_len + 1);
	if (message != NULL)
		m = strdup(message);
	if (p == NULL || (message != NULL && m == NULL)) {
		free(p);
		free(m);
		return -1;
	}
	memcpy(p, path, path_len);
	p[path_len] = '\0';
	pthread_mutex_lock(&run->lock);
	drain(run, 1, 0);
	s = &run->slots[run->next_seq % run->window];
	s->kind = kind;
	s->path = p;
	s->path_len = path_len;
	s->message = m;
	s->rc = NSW_OK;
	s->state = kind == ITEM_FILE ? SLOT_QUEUED : SLOT_DONE;
	run->next_seq++;
	if (kind == ITEM_FILE)
		pthread_cond_signal(&run->work);
	pthread_mutex_unlock(&run->lock);
	return 0;
}

static void *worker(void *arg)
{
	struct run *run = arg;
	nsw_hasher *hasher = NULL;
	int rc;

	rc = nsw_hasher_new(&hasher, run->opt.algos, run->opt.dihedral);
	if (rc == NSW_OK && run->opt.partial_images)
		rc = nsw_hasher_set_partial_images(hasher, 1);
	pthread_mutex_lock(&run->lock);
	if (rc != NSW_OK) {
		run->worker_fatal = 1;
		snprintf(run->worker_message, sizeof(run->worker_message), "%s",
			 nsw_error_last());
	}
	for (;;) {
		struct slot *s;

		while (!run->stop && run->next_take == run->next_seq)
			pthread_cond_wait(&run->work, &run->lock);
		if (run->next_take == run->next_seq)
			break;
		s = &run->slots[run->next_take % run->window];
		run->next_take++;
		if (s->state != SLOT_QUEUED)
			continue;
		s->state = SLOT_RUNNING;
		pthread_mutex_unlock(&run->lock);
		if (hasher == NULL) {
			s->rc = NSW_ERROR;
			s->message = strdup(run->worker_message);
		} else {
			s->rc = nsw_hasher_file(hasher, &s->result, s->path);
			if (s->rc != NSW_OK)
				s->message = strdup(nsw_error_last());
		}
		pthread_mutex_lock(&run->lock);
		s->state = SLOT_DONE;
		pthread_cond_signal(&run->done);
	}
	pthread_mutex_unlock(&run->lock);
	nsw_hasher_free(hasher);
	return NULL;
}

/* ---- inputs ----------------------------------------------------------- */

static int on_entry(void *ctx, const nsw_walk_entry *e)
{
	struct run *run = ctx;
	char line[NSW_HASH_MESSAGE_MAX];
	enum item_kind kind = ITEM_NOTE;
	const char *message = line;

	switch (e->kind) {
	case NSW_WALK_FILE:
		kind = ITEM_FILE;
		message = NULL;
		break;
	case NSW_WALK_DIR:
		return 0;
	case NSW_WALK_SYMLINK:
		snprintf(line, sizeof(line),
			 "%s: skipped: symbolic link, not followed", e->path);
		break;
	case NSW_WALK_SPECIAL:
		/* Named on the command line it is a failed input. */
		if (e->depth == 0)
			kind = ITEM_FAIL;
		snprintf(line, sizeof(line), "%s: %snot a regular file",
			 e->path, e->depth ? "skipped: " : "");
		break;
	case NSW_WALK_REVISIT:
		snprintf(line, sizeof(line),
			 "%s: skipped: directory already visited (bind mount "
			 "or loop)",
			 e->path);
		break;
	case NSW_WALK_ERROR:
		kind = ITEM_FAIL;
		message = e->message;
		break;
	}
	if (submit(run, kind, e->path, e->path_len, message) != 0) {
		run->out_of_memory = 1;
		return NSW_ENOMEM;
	}
	return 0;
}

static int hash_path(struct run *run, const char *path)
{
	int rc = nsw_walk(path, NSW_WALK_FOLLOW_ROOT, on_entry, run);

	if (rc != NSW_OK && run->out_of_memory) {
		cli_error("%s: out of memory", path);
		return CLI_EXIT_ERROR;
	}
	if (rc != NSW_OK)
		return cli_fail(path);
	return CLI_EXIT_OK;
}

/*
 * Read one line of the stdin list into `line` (LIST_LINE_MAX bytes) without
 * its LF. Returns its length, -1 at the end of input, -2 when the line was
 * too long or held a NUL byte (the rest of the line is consumed).
 */
static long read_list_line(char *line, int *nul)
{
	size_t n = 0;
	int c, too_long = 0;

	*nul = 0;
	while ((c = getchar()) != EOF && c != '\n') {
		if (c == '\0')
			*nul = 1;
		if (n + 1 < LIST_LINE_MAX)
			line[n++] = (char)c;
		else
			too_long = 1;
	}
	line[n] = '\0';
	if (c == EOF && n == 0 && !too_long)
		return -1;
	return too_long || *nul ? -2 : (long)n;
}

/* Hash each path listed on stdin, one per line (a trailing CR is dropped,
 * empty lines are ignored). */
static int hash_stdin_list(struct run *run)
{
	char line[LIST_LINE_MAX];
	unsigned long lineno = 0;
	long n;
	int nul;

	while ((n = read_list_line(line, &nul)) != -1) {
		lineno++;
		if (n == -2) {
			char msg[128];

			snprintf(msg, sizeof(msg), "stdin:%lu: %s", lineno,
				 nul ? "path contains a NUL byte"
				     : "path longer than 4096 bytes");
			if (submit(run, ITEM_FAIL, "-", 1, msg) != 0)
				return cli_fail("stdin");
			continue;
		}
		if (n > 0 && line[n - 1] == '\r')
			line[--n] = '\0';
		if (n == 0)
			continue;
		if (hash_path(run, line) != CLI_EXIT_OK)
			return CLI_EXIT_ERROR;
	}
	if (ferror(stdin)) {
		cli_error("reading the path list from stdin: %s",
			  strerror(errno));
		return CLI_EXIT_ERROR;
	}
	return CLI_EXIT_OK;
}

int cli_cmd_hash(int argc, char **argv)
{
	struct run run;
	pthread_t threads[THREADS_MAX];
	unsigned started = 0;
	int first, rc = CLI_EXIT_OK;

	memset(&run, 0, sizeof(run));
	first = parse_options(argc, argv, &run.opt);
	if (first == -2)
		return CLI_EXIT_OK;
	if (first < 0)
		return CLI_EXIT_USAGE;
	if (first >= argc) {
		cli_error("hash: no PATH given");
		usage(stderr);
		return CLI_EXIT_USAGE;
	}
	run.window = (size_t)run.opt.threads * 4 + 16;
	run.slots = calloc(run.window, sizeof(*run.slots));
	if (run.slots == NULL) {
		cli_error("hash: out of memory");
		return CLI_EXIT_ERROR;
	}
	pthread_mutex_init(&run.lock, NULL);
	pthread_cond_init(&run.work, NULL);
	pthread_cond_init(&run.done, NULL);
	run.progress = isatty(STDERR_FILENO);
	clock_gettime(CLOCK_MONOTONIC, &run.start);
	run.last_progress = run.start;
	for (; started < run.opt.threads; started++)
		if (pthread_create(&threads[started], NULL, worker, &run) != 0)
			break;
	if (started == 0) {
		cli_error("hash: cannot start a thread");
		rc = CLI_EXIT_ERROR;
		goto done;
	}
	if (run.opt.format == FORMAT_CSV)
		print_csv_header(&run.opt);
	for (int i = first; i < argc && rc == CLI_EXIT_OK; i++) {
		if (strcmp(argv[i], "-") == 0)
			rc = hash_stdin_list(&run);
		else
			rc = hash_path(&run, argv[i]);
	}
done:
	pthread_mutex_lock(&run.lock);
	if (rc == CLI_EXIT_OK)
		drain(&run, 0, 1);
	run.stop = 1;
	/* On a fatal error, queued work is dropped, not hashed. */
	for (uint64_t s = run.next_take; s < run.next_seq; s++)
		if (run.slots[s % run.window].state == SLOT_QUEUED)
			run.slots[s % run.window].state = SLOT_DONE;
	pthread_cond_broadcast(&run.work);
	pthread_mutex_unlock(&run.lock);
	for (unsigned t = 0; t < started; t++)
		pthread_join(threads[t], NULL);
	for (size_t s = 0; s < run.window; s++)
		slot_clear(&run.slots[s]);
	progress_clear(&run);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_error("writing output: %s", strerror(errno));
		rc = CLI_EXIT_ERROR;
	}
	if (rc == CLI_EXIT_OK && run.worker_fatal)
		rc = CLI_EXIT_ERROR;
	if (rc == CLI_EXIT_OK && run.failures > 0)
		rc = CLI_EXIT_PARTIAL;
	free(run.slots);
	pthread_cond_destroy(&run.work);
	pthread_cond_destroy(&run.done);
	pthread_mutex_destroy(&run.lock);
	return rc;
}
