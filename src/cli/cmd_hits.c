/* SPDX-License-Identifier: Apache-2.0 */
/* netsweep hits: every hit in a case with its provenance, as JSON lines or
 * CSV. Hashes and metadata only. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "output.h"

enum hits_format {
	HITS_JSONL,
	HITS_CSV
};

struct hits_out {
	enum hits_format format;
	FILE *out;
	int64_t rows;
};

static void hits_usage(FILE *out)
{
	fprintf(out,
		"usage: netsweep hits --case CASE.nsdb [--format jsonl|csv] "
		"[--evidence LABEL] [--all]\n"
		"\n"
		"  --format    jsonl (default): one JSON object per line;\n"
		"              csv: a header row, then one row per hit\n"
		"  --evidence  only hits in this evidence item\n"
		"  --all       also hits suppressed by allow lists and hits "
		"on\n"
		"              allow lists themselves\n");
}

static void put_hex(FILE *out, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%02x", b[i]);
}

/* JSON string: the store's display forms are valid UTF-8 already; escape
 * quotes, backslashes and control bytes. */
static void put_json(FILE *out, const char *s)
{
	if (s == NULL) {
		fputs("null", out);
		return;
	}
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(out, "\\u%04x", *p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

static void time_text(char out[40], int64_t ns)
{
	time_t secs;
	struct tm tm;

	out[0] = '\0';
	if (ns == NSW_TIME_UNKNOWN)
		return;
	secs = (time_t)(ns / 1000000000LL);
	if (ns < 0 && ns % 1000000000LL != 0)
		secs--;
	if (gmtime_r(&secs, &tm) != NULL)
		strftime(out, 40, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static const char *const csv_header =
	"hit_id,evidence,path,size,mtime,md5,sha1,sha256,pdq,pdq_quality,"
	"media_type,list,list_version,list_sha256,list_role,entry_id,"
	"entry_ref,algorithm,distance,dihedral,category_scheme,"
	"category_code,suppressed,suppressed_by_list,scan_run,file_id,"
	"recorded_utc,pdq_partial,pdq_rows_present,pdq_rows";

static void digest_field(struct hits_out *o, const nsw_case_file *f,
			 unsigned bit, const uint8_t *d, size_t n)
{
	if (o->format == HITS_JSONL) {
		if (f->has & bit) {
			fputc('"', o->out);
			put_hex(o->out, d, n);
			fputc('"', o->out);
		} else {
			fputs("null", o->out);
		}
	} else if (f->has & bit) {
		put_hex(o->out, d, n);
	}
}

static int print_jsonl(struct hits_out *o, const nsw_hit_row *r)
{
	const nsw_case_file *f = r->file;
	FILE *out = o->out;
	char mtime[40];

	time_text(mtime, f->mtime_ns);
	fprintf(out, "{\"hit_id\":%" PRId64 ",\"evidence\":", r->hit.id);
	put_json(out, r->evidence_label);
	fputs(",\"path\":", out);
	put_json(out, f->display_path);
	fprintf(out, ",\"path_not_utf8\":%s,\"size\":%" PRId64 ",\"mtime\":",
		f->name_not_utf8 ? "true" : "false", f->size);
	put_json(out, mtime[0] ? mtime : NULL);
	fputs(",\"md5\":", out);
	digest_field(o, f, NSW_CASE_HAS_MD5, f->md5, NSW_MD5_BYTES);
	fputs(",\"sha1\":", out);
	digest_field(o, f, NSW_CASE_HAS_SHA1, f->sha1, NSW_SHA1_BYTES);
	fputs(",\"sha256\":", out);
	digest_field(o, f, NSW_CASE_HAS_SHA256, f->sha256, NSW_SHA256_BYTES);
	fputs(",\"pdq\":", out);
	digest_field(o, f, NSW_CASE_HAS_PDQ, f->pdq.bytes, NSW_PDQ_BYTES);
	if (f->has & NSW_CASE_HAS_PDQ)
		fprintf(out, ",\"pdq_quality\":%d", f->pdq_quality);
	else
		fputs(",\"pdq_quality\":null", out);
	/* A PDQ from a cut file (--partial-images) says so on every hit. */
	if (!(f->has & NSW_CASE_HAS_PDQ))
		fputs(",\"pdq_partial\":null,\"pdq_rows_present\":null,"
		      "\"pdq_rows\":null",
		      out);
	else if (f->pdq_partial)
		fprintf(out,
			",\"pdq_partial\":true,\"pdq_rows_present\":%u,"
			"\"pdq_rows\":%u",
			f->pdq_rows_present, f->pdq_rows);
	else
		fputs(",\"pdq_partial\":false,\"pdq_rows_present\":null,"
		      "\"pdq_rows\":null",
		      out);
	fputs(",\"media_type\":", out);
	put_json(out, f->media_type);
	fputs(",\"list\":", out);
	put_json(out, r->list_name);
	fputs(",\"list_version\":", out);
	put_json(out, r->list_version);
	fputs(",\"list_sha256\":", out);
	put_json(out, r->list_checksum);
	fprintf(out,
		",\"list_role\":\"%s\",\"entry_id\":%" PRId64 ",\"entry_ref\":",
		r->list_role == NSW_LIST_ROLE_ALLOW ? "allow" : "match",
		r->hit.entry_id);
	put_json(out, r->hit.entry_ref);
	fprintf(out, ",\"algorithm\":\"%s\",\"distance\":%d,\"dihedral\":",
		nsw_algo_name(r->hit.algo), r->hit.distance);
	put_json(out, r->hit.dihedral >= 0
			      ? nsw_pdq_dihedral_name(
					(nsw_pdq_dihedral)r->hit.dihedral)
			      : NULL);
	fputs(",\"category_scheme\":", out);
	put_json(out, r->hit.category_scheme);
	fputs(",\"category_code\":", out);
	put_json(out, r->hit.category_code);
	fprintf(out, ",\"suppressed\":%s,\"suppressed_by_list\":",
		r->hit.suppressed ? "true" : "false");
	if (r->hit.suppressed_by_list > 0)
		fprintf(out, "%" PRId64, r->hit.suppressed_by_list);
	else
		fputs("null", out);
	fprintf(out,
		",\"scan_run\":%" PRId64 ",\"file_id\":%" PRId64
		",\"recorded_utc\":",
		r->scan_run_id, r->hit.file_id);
	put_json(out, r->recorded_utc);
	fputs("}\n", out);
	return 0;
}

static int print_csv(struct hits_out *o, const nsw_hit_row *r)
{
	const nsw_case_file *f = r->file;
	FILE *out = o->out;
	char mtime[40];

	time_text(mtime, f->mtime_ns);
	fprintf(out, "%" PRId64 ",", r->hit.id);
	cli_csv_text(out, r->evidence_label);
	fputc(',', out);
	cli_csv_text(out, f->display_path);
	fprintf(out, ",%" PRId64 ",%s,", f->size, mtime);
	digest_field(o, f, NSW_CASE_HAS_MD5, f->md5, NSW_MD5_BYTES);
	fputc(',', out);
	digest_field(o, f, NSW_CASE_HAS_SHA1, f->sha1, NSW_SHA1_BYTES);
	fputc(',', out);
	digest_field(o, f, NSW_CASE_HAS_SHA256, f->sha256, NSW_SHA256_BYTES);
	fputc(',', out);
	digest_field(o, f, NSW_CASE_HAS_PDQ, f->pdq.bytes, NSW_PDQ_BYTES);
	fputc(',', out);
	if (f->has & NSW_CASE_HAS_PDQ)
		fprintf(out, "%d", f->pdq_quality);
	fputc(',', out);
	cli_csv_text(out, f->media_type);
	fputc(',', out);
	cli_csv_text(out, r->list_name);
	fputc(',', out);
	cli_csv_text(out, r->list_version);
	fputc(',', out);
	cli_csv_text(out, r->list_checksum);
	fprintf(out, ",%s,%" PRId64 ",",
		r->list_role == NSW_LIST_ROLE_ALLOW ? "allow" : "match",
		r->hit.entry_id);
	cli_csv_text(out, r->hit.entry_ref);
	fprintf(out, ",%s,%d,%s,", nsw_algo_name(r->hit.algo), r->hit.distance,
		r->hit.dihedral >= 0
			? nsw_pdq_dihedral_name(
				  (nsw_pdq_dihedral)r->hit.dihedral)
			: "");
	cli_csv_text(out, r->hit.category_scheme);
	fputc(',', out);
	cli_csv_text(out, r->hit.category_code);
	fprintf(out, ",%d,", r->hit.suppressed ? 1 : 0);
	if (r->hit.suppressed_by_list > 0)
		fprintf(out, "%" PRId64, r->hit.suppressed_by_list);
	fprintf(out, ",%" PRId64 ",%" PRId64 ",", r->scan_run_id,
		r->hit.file_id);
	cli_csv_text(out, r->recorded_utc);
	if (!(f->has & NSW_CASE_HAS_PDQ))
		fputs(",,,", out);
	else if (f->pdq_partial)
		fprintf(out, ",1,%u,%u", f->pdq_rows_present, f->pdq_rows);
	else
		fputs(",0,,", out);
	fputc('\n', out);
	return 0;
}

static int print_hit(void *ctx, const nsw_hit_row *row)
{
	struct hits_out *o = ctx;

	o->rows++;
	return o->format == HITS_JSONL ? print_jsonl(o, row)
				       : print_csv(o, row);
}

int cli_cmd_hits(int argc, char **argv)
{
	const char *path = NULL, *label = NULL;
	struct hits_out o = {HITS_JSONL, stdout, 0};
	nsw_hit_filter filter = {0};
	nsw_case *c = NULL;
	int rc = CLI_EXIT_OK;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0) {
			hits_usage(stdout);
			return CLI_EXIT_OK;
		} else if (strcmp(argv[i], "--case") == 0 && i + 1 < argc) {
			path = argv[++i];
		} else if (strcmp(argv[i], "--evidence") == 0 && i + 1 < argc) {
			label = argv[++i];
		} else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
			i++;
			if (strcmp(argv[i], "jsonl") == 0) {
				o.format = HITS_JSONL;
			} else if (strcmp(argv[i], "csv") == 0) {
				o.format = HITS_CSV;
			} else {
				cli_error("hits: unknown format '%s' (jsonl "
					  "or csv)",
					  argv[i]);
				return CLI_EXIT_USAGE;
			}
		} else if (strcmp(argv[i], "--all") == 0) {
			filter.include_suppressed = 1;
			filter.include_allow = 1;
		} else {
			cli_error("hits: unexpected '%s'", argv[i]);
			hits_usage(stderr);
			return CLI_EXIT_USAGE;
		}
	}
	if (path == NULL) {
		cli_error("hits: --case CASE.nsdb is required");
		hits_usage(stderr);
		return CLI_EXIT_USAGE;
	}
	if (nsw_case_open(&c, path, NSW_CASE_READONLY) != NSW_OK)
		return cli_fail("hits");
	if (label != NULL &&
	    nsw_case_evidence_find(c, label, &filter.evidence_id) != NSW_OK) {
		rc = cli_fail("hits");
		goto done;
	}
	if (o.format == HITS_CSV)
		printf("%s\n", csv_header);
	if (nsw_case_hits_foreach(c, &filter, print_hit, &o) != NSW_OK) {
		rc = cli_fail("hits");
		goto done;
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_error("hits: cannot write the output");
		rc = CLI_EXIT_ERROR;
	}
done:
	nsw_case_close(c);
	return rc;
}
