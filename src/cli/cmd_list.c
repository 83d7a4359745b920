/* SPDX-License-Identifier: Apache-2.0 */
/*
 * netsweep list: import known-hash lists into .nswl files, add delta
 * segments, compact, show (and verify) a list, export it as VICS 2.0,
 * hashdeep or a PDQ text list.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "netsweep/digest.h"
#include "netsweep/import.h"
#include "netsweep/nswl.h"
#include "output.h"

#define VICS_CONTEXT                                                     \
	"http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/" \
	"Default/$metadata#Media"

static void list_usage(FILE *out)
{
	fprintf(out,
		"usage: netsweep list import --name NAME [--version V] "
		"[--format FMT] [--strict]\n"
		"                            [--category-scheme S] -o "
		"LIST.nswl INPUT...\n"
		"       netsweep list add [--format FMT] [--strict] "
		"[--category-scheme S] LIST.nswl INPUT...\n"
		"       netsweep list compact LIST.nswl\n"
		"       netsweep list info [--verify] LIST.nswl\n"
		"       netsweep list export --format vics|hashdeep|pdq "
		"[-o FILE] LIST.nswl\n"
		"FMT: auto (default), vics, ncmec, hashdeep, nsrl, nsrl-rds3, "
		"pdq\n");
}

/* ---- import / add -------------------------------------------------------- */

struct import_ctx {
	nsw_list_builder *builder;
	uint64_t problems;
};

static int sink_entry(void *ctx, const nsw_list_entry *e)
{
	struct import_ctx *ic = ctx;

	return nsw_list_builder_add(ic->builder, e);
}

static void sink_problem(void *ctx, const char *file, uint64_t line,
			 const char *message)
{
	struct import_ctx *ic = ctx;

	ic->problems++;
	cli_error("%s:%" PRIu64 ": %s", file, line, message);
}

struct import_args {
	const char *name, *version, *out, *list;
	nsw_import_options opts;
	char **inputs;
	int ninputs;
};

/* Parse options shared by import and add; positional args collected. */
static int parse_import_args(struct import_args *a, int argc, char **argv,
			     int is_add)
{
	memset(a, 0, sizeof(*a));
	a->inputs = calloc((size_t)argc, sizeof(char *));
	if (a->inputs == NULL)
		return CLI_EXIT_ERROR;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(arg, "--strict") == 0) {
			a->opts.strict = 1;
		} else if (strcmp(arg, "--help") == 0) {
			list_usage(stdout);
			return -1;
		} else if (arg[0] == '-' && arg[1] != '\0' && val == NULL) {
			cli_error("list: %s needs a value", arg);
			return CLI_EXIT_USAGE;
		} else if (!is_add && strcmp(arg, "--name") == 0) {
			a->name = argv[++i];
		} else if (!is_add && strcmp(arg, "--version") == 0) {
			a->version = argv[++i];
		} else if (!is_add && strcmp(arg, "-o") == 0) {
			a->out = argv[++i];
		} else if (strcmp(arg, "--format") == 0) {
			if (nsw_list_format_parse(&a->opts.format, val) != 0) {
				cli_error("list: unknown format '%s'", val);
				return CLI_EXIT_USAGE;
			}
			i++;
		} else if (strcmp(arg, "--category-scheme") == 0) {
			a->opts.category_scheme = argv[++i];
		} else if (arg[0] == '-' && arg[1] != '\0') {
			cli_error("list: unknown option '%s'", arg);
			return CLI_EXIT_USAGE;
		} else if (is_add && a->list == NULL) {
			a->list = arg;
		} else {
			a->inputs[a->ninputs++] = argv[i];
		}
	}
	if (!is_add && (a->name == NULL || a->out == NULL)) {
		cli_error("list import: --name and -o are required");
		return CLI_EXIT_USAGE;
	}
	if (is_add && a->list == NULL) {
		cli_error("list add: which list?");
		return CLI_EXIT_USAGE;
	}
	if (a->ninputs == 0) {
		cli_error("list: no input files");
		return CLI_EXIT_USAGE;
	}
	return 0;
}

static void print_stats(const nsw_import_stats *is,
			const nsw_list_build_stats *bs, const char *written)
{
	printf("records read: %" PRIu64 "\n", is->read);
	printf("rejected: %" PRIu64 "\n", is->rejected);
	printf("excluded: %" PRIu64 "\n", is->excluded);
	printf("entries kept: %" PRIu64 "\n", bs->kept);
	printf("duplicates: %" PRIu64 "\n", bs->duplicate);
	printf("written: %s\n", written);
}

static int import_into(nsw_list_builder *b, struct import_args *a,
		       nsw_import_stats *is, int *partial)
{
	struct import_ctx ic = {b, 0};
	nsw_import_sink sink = {&ic, sink_entry, sink_problem};

	for (int i = 0; i < a->ninputs; i++) {
		int rc =
			nsw_list_import_file(is, a->inputs[i], &a->opts, &sink);

		if (rc != 0) {
			cli_error("%s: %s", a->inputs[i], nsw_error_last());
			return CLI_EXIT_ERROR;
		}
	}
	*partial = ic.problems > 0;
	return 0;
}

static int cmd_import(int argc, char **argv, int is_add)
{
	struct import_args a;
	nsw_list_builder *b = NULL;
	nsw_list *base = NULL;
	nsw_import_stats is;
	nsw_list_build_stats bs;
	char *written = NULL;
	int rc, partial = 0;

	memset(&is, 0, sizeof(is));
	rc = parse_import_args(&a, argc, argv, is_add);
	if (rc != 0) {
		free(a.inputs);
		return rc < 0 ? CLI_EXIT_OK : rc;
	}
	if (is_add) {
		if (nsw_list_open(&base, a.list) != 0) {
			rc = cli_fail("list add");
			goto done;
		}
		rc = nsw_list_builder_new_delta(&b, base);
	} else {
		rc = nsw_list_builder_new(&b, a.name, a.version);
	}
	if (rc != 0) {
		rc = cli_fail("list");
		goto done;
	}
	rc = import_into(b, &a, &is, &partial);
	if (rc != 0)
		goto done;
	if (nsw_list_builder_write(b, is_add ? a.list : a.out, &written) != 0) {
		rc = cli_fail("list: write");
		goto done;
	}
	nsw_list_builder_stats(b, &bs);
	print_stats(&is, &bs, written);
	rc = partial ? CLI_EXIT_PARTIAL : CLI_EXIT_OK;
done:
	free(written);
	nsw_list_builder_free(b);
	nsw_list_close(base);
	free(a.inputs);
	return rc;
}

/* ---- compact --------------------------------------------------------------
 */

static int cmd_compact(int argc, char **argv)
{
	nsw_list_build_stats st;

	if (argc != 2 || argv[1][0] == '-') {
		list_usage(stderr);
		return CLI_EXIT_USAGE;
	}
	if (nsw_list_compact(argv[1], &st) != 0)
		return cli_fail("list compact");
	printf("entries kept: %" PRIu64 "\n", st.kept);
	printf("duplicates: %" PRIu64 "\n", st.duplicate);
	printf("written: %s\n", argv[1]);
	return CLI_EXIT_OK;
}

/* ---- info -----------------------------------------------------------------
 */

struct string_pair_count {
	const char *a, *b;
	uint64_t count;
};

static int pair_cmp(const void *x, const void *y)
{
	const struct string_pair_count *p = x, *q = y;
	int c = strcmp(p->a, q->a);

	return c ? c : strcmp(p->b, q->b);
}

/* Count one (a, b) pair in a small table (linear: lists have few distinct
 * categories and source files). 1 when the table is full. */
static int count_pair(struct string_pair_count **tab, size_t *n, size_t *cap,
		      const char *a, const char *b)
{
	size_t i;

	/* Interned strings: pointer equality usually settles it. */
	for (i = 0; i < *n; i++)
		if (((*tab)[i].a == a || !strcmp((*tab)[i].a, a)) &&
		    ((*tab)[i].b == b || !strcmp((*tab)[i].b, b)))
			break;
	if (i == *n) {
		if (*n == *cap) {
			size_t ncap = *cap ? *cap * 2 : 16;
			void *p;

			if (ncap > 4096)
				return 1;
			p = realloc(*tab, ncap * sizeof(**tab));
			if (p == NULL)
				return 1;
			*tab = p;
			*cap = ncap;
		}
		(*tab)[i].a = a;
		(*tab)[i].b = b;
		(*tab)[i].count = 0;
		(*n)++;
	}
	(*tab)[i].count++;
	return 0;
}

/* Histograms of categories (scheme, code) and of source files over every
 * entry: O(entries), done here and not at open. */
static int print_histograms(const nsw_list *l, uint64_t entries)
{
	struct string_pair_count *cats = NULL, *srcs = NULL;
	size_t nc = 0, cc = 0, ns = 0, cs = 0;
	int cats_full = 0, srcs_full = 0;

	for (uint64_t id = 0; id < entries; id++) {
		nsw_list_entry e;

		if (nsw_list_entry_get(l, id, &e) != 0) {
			free(cats);
			free(srcs);
			return cli_fail("list info");
		}
		if (!cats_full)
			cats_full = count_pair(
				&cats, &nc, &cc,
				e.category_scheme ? e.category_scheme : "-",
				e.category_code ? e.category_code : "-");
		if (!srcs_full)
			srcs_full = count_pair(
				&srcs, &ns, &cs,
				e.source_file ? e.source_file : "-", "");
	}
	qsort(cats, nc, sizeof(*cats), pair_cmp);
	qsort(srcs, ns, sizeof(*srcs), pair_cmp);
	for (size_t i = 0; i < nc; i++)
		printf("category %s:%s: %" PRIu64 "\n", cats[i].a, cats[i].b,
		       cats[i].count);
	if (cats_full)
		printf("category: more than 4096 distinct, not all shown\n");
	for (size_t i = 0; i < ns; i++)
		printf("source %s: %" PRIu64 "\n", srcs[i].a, srcs[i].count);
	if (srcs_full)
		printf("source: more than 4096 files, not all shown\n");
	free(cats);
	free(srcs);
	return 0;
}

static int cmd_info(int argc, char **argv)
{
	const char *path = NULL;
	int verify = 0, rc = CLI_EXIT_OK;
	nsw_list *l = NULL;
	nsw_list_info info;
	char when[32] = "?";
	time_t t;
	struct tm tm;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--verify") == 0) {
			verify = 1;
		} else if (argv[i][0] == '-' || path != NULL) {
			list_usage(stderr);
			return CLI_EXIT_USAGE;
		} else {
			path = argv[i];
		}
	}
	if (path == NULL) {
		list_usage(stderr);
		return CLI_EXIT_USAGE;
	}
	if (nsw_list_open(&l, path) != 0)
		return cli_fail("list info");
	nsw_list_get_info(l, &info);
	t = (time_t)info.created;
	if (gmtime_r(&t, &tm) != NULL)
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	printf("name: %s\n", info.name);
	printf("version: %s\n", info.version);
	printf("format: nswl %u\n", info.format_version);
	printf("created: %s\n", when);
	printf("uid: %016" PRIx64 "\n", info.uid);
	printf("segments: %u (base + %u delta)\n", info.segments,
	       info.segments - 1);
	printf("bytes: %" PRIu64 "\n", info.bytes);
	printf("entries: %" PRIu64 "\n", info.entries);
	for (int a = 0; a < NSW_ALGO_COUNT; a++)
		printf("%s: %" PRIu64 "\n", nsw_algo_name((nsw_algo)a),
		       info.count[a]);
	printf("pdq index bytes: %zu\n", nsw_list_pdq_index_bytes(l));
	rc = print_histograms(l, info.entries);
	if (rc == 0) {
		if (!verify) {
			printf("checksum: not verified (--verify)\n");
		} else if (nsw_list_verify(l) == 0) {
			printf("checksum: ok\n");
		} else {
			printf("checksum: FAILED\n");
			cli_error("%s", nsw_error_last());
			rc = CLI_EXIT_ERROR;
		}
	}
	nsw_list_close(l);
	return rc;
}

/* ---- export ---------------------------------------------------------------
 */

static void put_hex(FILE *out, const uint8_t *bytes, size_t len, int upper)
{
	char hex[65];

	nsw_hex_encode(hex, bytes, len);
	if (upper)
		for (size_t i = 0; hex[i]; i++)
			if (hex[i] >= 'a' && hex[i] <= 'f')
				hex[i] = (char)(hex[i] - 'a' + 'A');
	fputs(hex, out);
}

/* A VICS Category is an integer in the VICS/DHS schemes. */
static int vics_category(const nsw_list_entry *e, unsigned long *out)
{
	if (e->category_scheme == NULL || e->category_code == NULL ||
	    (strncmp(e->category_scheme, "vics", 4) != 0 &&
	     strcmp(e->category_scheme, "dhs") != 0))
		return -1;
	return cli_parse_uint(e->category_code, 0, 99, out);
}

static void json_field(FILE *out, const char *key, const char *value)
{
	if (value == NULL)
		return;
	fprintf(out, ",\"%s\":", key);
	cli_json_string(out, value, strlen(value));
}

static int export_vics(FILE *out, const nsw_list *l, uint64_t n,
		       uint64_t *skipped)
{
	int first = 1;

	fputs("{\"@odata.context\":\"" VICS_CONTEXT "\",\"value\":[", out);
	for (uint64_t id = 0; id < n; id++) {
		nsw_list_entry e;
		unsigned long cat;

		if (nsw_list_entry_get(l, id, &e) != 0)
			return -1;
		if (!(e.has & NSW_HAS_MD5)) {
			(*skipped)++; /* MD5 is the Media key in VICS */
			continue;
		}
		fprintf(out, "%s\n{\"MediaID\":%" PRIu64, first ? "" : ",",
			id + 1);
		first = 0;
		if (vics_category(&e, &cat) == 0)
			fprintf(out, ",\"Category\":%lu", cat);
		fputs(",\"MD5\":\"", out);
		put_hex(out, e.md5, NSW_MD5_BYTES, 1);
		fputc('"', out);
		if (e.has & NSW_HAS_SHA1) {
			fputs(",\"SHA1\":\"", out);
			put_hex(out, e.sha1, NSW_SHA1_BYTES, 1);
			fputc('"', out);
		}
		if (e.size >= 0)
			fprintf(out, ",\"MediaSize\":%" PRId64, e.size);
		json_field(out, "Series", e.series);
		if (e.victim_identified >= 0)
			fprintf(out, ",\"VictimIdentified\":%s",
				e.victim_identified ? "true" : "false");
		if (e.offender_identified >= 0)
			fprintf(out, ",\"OffenderIdentified\":%s",
				e.offender_identified ? "true" : "false");
		json_field(out, "FileName", e.name);
		fputc('}', out);
	}
	fputs("\n]}\n", out);
	return 0;
}

/* hashdeep has no empty fields: the columns are the digests every entry
 * with a known size and some digest carries; other entries are left out. */
static int export_hashdeep(FILE *out, const nsw_list *l, uint64_t n,
			   uint64_t *skipped)
{
	const unsigned digests = NSW_HAS_MD5 | NSW_HAS_SHA1 | NSW_HAS_SHA256;
	unsigned cols = digests;
	int any = 0;

	for (uint64_t id = 0; id < n; id++) {
		nsw_list_entry e;

		if (nsw_list_entry_get(l, id, &e) != 0)
			return -1;
		if ((e.has & digests) != 0 && e.size >= 0) {
			cols &= e.has;
			any = 1;
		}
	}
	if (!any || cols == 0)
		cols = NSW_HAS_MD5;
	fprintf(out,
		"%%%%%%%% HASHDEEP-1.0\n%%%%%%%% size%s%s%s,filename\n"
		"## netsweep list export\n##\n",
		cols & NSW_HAS_MD5 ? ",md5" : "",
		cols & NSW_HAS_SHA1 ? ",sha1" : "",
		cols & NSW_HAS_SHA256 ? ",sha256" : "");
	for (uint64_t id = 0; id < n; id++) {
		nsw_list_entry e;

		if (nsw_list_entry_get(l, id, &e) != 0)
			return -1;
		if ((e.has & cols) != cols || e.size < 0) {
			(*skipped)++;
			continue;
		}
		fprintf(out, "%" PRId64, e.size);
		if (cols & NSW_HAS_MD5) {
			fputc(',', out);
			put_hex(out, e.md5, NSW_MD5_BYTES, 0);
		}
		if (cols & NSW_HAS_SHA1) {
			fputc(',', out);
			put_hex(out, e.sha1, NSW_SHA1_BYTES, 0);
		}
		if (cols & NSW_HAS_SHA256) {
			fputc(',', out);
			put_hex(out, e.sha256, NSW_SHA256_BYTES, 0);
		}
		fputc(',', out);
		fputs(e.name ? e.name : "", out);
		fputc('\n', out);
	}
	return 0;
}

static int export_pdq(FILE *out, const nsw_list *l, uint64_t n,
		      uint64_t *skipped)
{
	for (uint64_t id = 0; id < n; id++) {
		nsw_list_entry e;

		if (nsw_list_entry_get(l, id, &e) != 0)
			return -1;
		if (!(e.has & NSW_HAS_PDQ)) {
			(*skipped)++;
			continue;
		}
		/* pdq-photo-hasher's "hash,quality,name" */
		put_hex(out, e.pdq.bytes, NSW_PDQ_BYTES, 0);
		fprintf(out, ",%d,", e.pdq_quality >= 0 ? e.pdq_quality : 100);
		fputs(e.name ? e.name : "", out);
		fputc('\n', out);
	}
	return 0;
}

static int cmd_export(int argc, char **argv)
{
	const char *format = NULL, *path = NULL, *outpath = NULL;
	nsw_list *l = NULL;
	nsw_list_info info;
	FILE *out = stdout;
	uint64_t skipped = 0;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--format") == 0 && i + 1 < argc)
			format = argv[++i];
		else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
			outpath = argv[++i];
		else if (argv[i][0] == '-' || path != NULL)
			format = "";
		else
			path = argv[i];
	}
	if (path == NULL || format == NULL ||
	    (strcmp(format, "vics") && strcmp(format, "hashdeep") &&
	     strcmp(format, "pdq"))) {
		list_usage(stderr);
		return CLI_EXIT_USAGE;
	}
	if (nsw_list_open(&l, path) != 0)
		return cli_fail("list export");
	if (outpath != NULL) {
		out = fopen(outpath, "w");
		if (out == NULL) {
			cli_error("%s: cannot create", outpath);
			nsw_list_close(l);
			return CLI_EXIT_ERROR;
		}
	}
	nsw_list_get_info(l, &info);
	if (strcmp(format, "vics") == 0)
		rc = export_vics(out, l, info.entries, &skipped);
	else if (strcmp(format, "hashdeep") == 0)
		rc = export_hashdeep(out, l, info.entries, &skipped);
	else
		rc = export_pdq(out, l, info.entries, &skipped);
	if (rc != 0)
		rc = cli_fail("list export");
	if (out != stdout && fclose(out) != 0 && rc == 0) {
		cli_error("%s: write failed", outpath);
		rc = CLI_EXIT_ERROR;
	}
	if (rc == 0 && skipped > 0)
		cli_error("list export: %" PRIu64 " entries have no %s form "
			  "(missing hashes) and were left out",
			  skipped, format);
	nsw_list_close(l);
	return rc;
}

int cli_cmd_list(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0) {
		list_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
	}
	if (strcmp(argv[1], "import") == 0)
		return cmd_import(argc - 1, argv + 1, 0);
	if (strcmp(argv[1], "add") == 0)
		return cmd_import(argc - 1, argv + 1, 1);
	if (strcmp(argv[1], "compact") == 0)
		return cmd_compact(argc - 1, argv + 1);
	if (strcmp(argv[1], "info") == 0)
		return cmd_info(argc - 1, argv + 1);
	if (strcmp(argv[1], "export") == 0)
		return cmd_export(argc - 1, argv + 1);
	cli_error("list: unknown subcommand '%s'", argv[1]);
	list_usage(stderr);
	return CLI_EXIT_USAGE;
}
