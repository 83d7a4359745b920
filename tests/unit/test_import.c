/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Importer tests common to every format (import.c): every fixture file
 * imported with its counts (the copies in tests/data/third_party and, when
 * present, ../shared), detection, format names, the line cap, strict mode,
 * the sink stopping an import, empty-file exclusion, memory vs file input.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_testutil.h"
#include "support.h"
#include "netsweep/import.h"

static const fixture_row fixtures[] = {
	{"vics", "VIC-CatParser",
	 "vic-catparser_example-VIC-data_v2.0-hashset.json",
	 NSW_LIST_FORMAT_VICS, 2, 2, 0, 0},
	{"nsrl-caid", "NSRL-CAID", "NSRL-CAID-ART.json", NSW_LIST_FORMAT_VICS,
	 1, 1, 0, 0},
	{"nsrl-caid", "NSRL-CAID", "NSRL-CAID-MPG.json", NSW_LIST_FORMAT_VICS,
	 3, 3, 0, 0},
	/* 2 entries kept; 2 deletions (of ids not in the file) excluded. */
	{"ncmec-hashsharing", "ThreatExchange",
	 "ncmec_hashsharing_v2_entries.xml", NSW_LIST_FORMAT_NCMEC, 4, 2, 0, 2},
	{"ncmec-hashsharing", "ThreatExchange",
	 "ncmec_hashsharing_v2_entries_large_fingerprints.xml",
	 NSW_LIST_FORMAT_NCMEC, 1, 1, 0, 0},
	{"pdq", "ThreatExchange", "threatexchange_pdq_needles.txt",
	 NSW_LIST_FORMAT_PDQ, 100, 100, 0, 0},
	/* 19 lines: the header, 16 PDQ rows, 2 video MD5 rows. */
	{"pdq", "ThreatExchange", "threatexchange_PDQMD5TestData.csv",
	 NSW_LIST_FORMAT_PDQ, 18, 18, 0, 0},
	{"pdq", "ThreatExchange", "threatexchange_vpdq_doorknob-hd-no-bar.txt",
	 NSW_LIST_FORMAT_PDQ, 120, 120, 0, 0},
	{"hashdeep", "hashdeep", "hashdeep_sample.txt",
	 NSW_LIST_FORMAT_HASHDEEP, 3, 3, 0, 0},
	{"hashdeep", "hashdeep", "md5deep_sample.txt", NSW_LIST_FORMAT_HASHDEEP,
	 4, 4, 0, 0},
	{"hashdeep", "hashdeep", "md5deep-size_sample.txt",
	 NSW_LIST_FORMAT_HASHDEEP, 4, 4, 0, 0},
	{"hashdeep", "hashdeep", "bsd-style-hashes.txt",
	 NSW_LIST_FORMAT_HASHDEEP, 5, 5, 0, 0},
	/* Row 2 is the empty file: excluded. */
	{"nsrl-rds-legacy", "hashdeep", "hashdeep-tests_nsrlfile.txt",
	 NSW_LIST_FORMAT_NSRL, 2, 1, 0, 1},
	{"nsrl-rds-legacy", "hashdeep", "hashdeep_NSRL-2.0_NSRLFile-sample.txt",
	 NSW_LIST_FORMAT_NSRL, 218, 218, 0, 0},
};

static void imports_every_third_party_fixture(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		char *a = ts_path(ts_test_data(), "third_party");
		char *dir = ts_path(a, fixtures[i].third_party);

		check_fixture_row(&fixtures[i], dir);
		free(dir);
		free(a);
	}
}

static void imports_every_shared_fixture(void **state)
{
	const char *shared = ts_shared_dir("shared list fixtures");

	(void)state;
	if (shared == NULL)
		return;
	for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		char *a = ts_path(shared, "formats/fixtures");
		char *dir = ts_path(a, fixtures[i].shared_sub);

		check_fixture_row(&fixtures[i], dir);
		free(dir);
		free(a);
	}
}

/* The documents beside the lists in ../shared are not lists. */
static void refuses_shared_non_list_files(void **state)
{
	static const char *const docs[] = {
		"formats/fixtures/hashdeep/hashdeep_FILEFORMAT.txt",
		"formats/fixtures/vics/vic-catparser_example-VIC-structure.txt",
		"formats/fixtures/telegram/chat-miner_test_single_export.json",
	};
	const char *shared = ts_shared_dir("shared non-list fixtures");

	(void)state;
	if (shared == NULL)
		return;
	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		char *path = ts_path(shared, docs[i]);
		nsw_list_format f;

		assert_int_equal(nsw_list_detect_format(&f, path),
				 NSW_EUNSUPPORTED);
		assert_non_null(strstr(nsw_error_last(), path));
		free(path);
	}
}

static const struct {
	const char *text;
	int rc;
	nsw_list_format format;
} detect_rows[] = {
	{"{\"@odata.context\":\"http://github.com/VICSDATAMODEL/ProjectVic/"
	 "DataModels/2.0.xml/US/$metadata#Cases\",\"value\":[]}",
	 0, NSW_LIST_FORMAT_VICS},
	{"\xEF\xBB\xBF{\"odata.metadata\":\"x\"}", 0, NSW_LIST_FORMAT_VICS},
	{"  \n{\"value\":[]}", 0, NSW_LIST_FORMAT_VICS},
	{"{\"messages\":[]}", NSW_EUNSUPPORTED, NSW_LIST_FORMAT_AUTO},
	{"<?xml version=\"1.0\"?>\n<queryResult xmlns=\"https://"
	 "hashsharing.ncmec.org/hashsharing/v2\"/>",
	 0, NSW_LIST_FORMAT_NCMEC},
	{"<html></html>", NSW_EUNSUPPORTED, NSW_LIST_FORMAT_AUTO},
	{"%%%% HASHDEEP-1.0\n%%%% size,md5,filename\n", 0,
	 NSW_LIST_FORMAT_HASHDEEP},
	{"d41d8cd98f00b204e9800998ecf8427e  empty\n", 0,
	 NSW_LIST_FORMAT_HASHDEEP},
	{"da39a3ee5e6b4b0d3255bfef95601890afd80709 *empty\n", 0,
	 NSW_LIST_FORMAT_HASHDEEP},
	{"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  "
	 "e\n",
	 0, NSW_LIST_FORMAT_HASHDEEP},
	{"   12  d41d8cd98f00b204e9800998ecf8427e  /x\n", 0,
	 NSW_LIST_FORMAT_HASHDEEP},
	{"SHA256 (a) = "
	 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n",
	 0, NSW_LIST_FORMAT_HASHDEEP},
	{"\"SHA-1\",\"MD5\",\"CRC32\",\"FileName\",\"FileSize\"\n", 0,
	 NSW_LIST_FORMAT_NSRL},
	{"# comment\n"
	 "98736629670cc19fc9f23862f66cce1f599e32c78e236c78619d202e9e66c157\n",
	 0, NSW_LIST_FORMAT_PDQ},
	{"98736629670cc19fc9f23862f66cce1f599e32c78e236c78619d202e9e66c157,"
	 "100,a.jpg\n",
	 0, NSW_LIST_FORMAT_PDQ},
	{"pdq 98736629670cc19fc9f23862f66cce1f599e32c78e236c78619d202e9e66c157"
	 "\n",
	 0, NSW_LIST_FORMAT_PDQ},
	{"0,100,98736629670cc19fc9f23862f66cce1f599e32c78e236c78619d202e9e66c1"
	 "57,0.000\n",
	 0, NSW_LIST_FORMAT_PDQ},
	{"FilePath,Hash\n", 0, NSW_LIST_FORMAT_PDQ},
	{"SQLite format 3\0rest", 0, NSW_LIST_FORMAT_NSRL_RDS3},
	{"hello world\n", NSW_EUNSUPPORTED, NSW_LIST_FORMAT_AUTO},
	{"", NSW_EUNSUPPORTED, NSW_LIST_FORMAT_AUTO},
};

static void detects_formats_from_first_bytes(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(detect_rows) / sizeof(detect_rows[0]);
	     i++) {
		nsw_list_format f = NSW_LIST_FORMAT_AUTO;
		size_t len = strlen(detect_rows[i].text);
		int rc;

		if (strncmp(detect_rows[i].text, "SQLite", 6) == 0)
			len = 20;
		rc = nsw_list_detect_buffer(
			&f, (const uint8_t *)detect_rows[i].text, len);
		if (rc != detect_rows[i].rc ||
		    (rc == 0 && f != detect_rows[i].format))
			fail_msg("row %zu: rc %d format %s", i, rc,
				 nsw_list_format_name(f));
	}
}

static void names_and_parses_formats(void **state)
{
	nsw_list_format f;

	(void)state;
	for (int i = NSW_LIST_FORMAT_AUTO; i <= NSW_LIST_FORMAT_PDQ; i++) {
		assert_int_equal(
			nsw_list_format_parse(
				&f, nsw_list_format_name((nsw_list_format)i)),
			0);
		assert_int_equal(f, i);
	}
	assert_int_equal(nsw_list_format_parse(&f, "md5sum"), 0);
	assert_int_equal(f, NSW_LIST_FORMAT_HASHDEEP);
	assert_int_equal(nsw_list_format_parse(&f, "csv"), NSW_EINVAL);
	assert_string_equal(nsw_list_format_name((nsw_list_format)99), "?");
}

static void refuses_missing_file_and_bad_arguments(void **state)
{
	nsw_import_stats st = {0};
	nsw_import_options o = {0};
	nsw_import_sink s = {0};
	got g = {0};

	(void)state;
	assert_int_equal(got_import_file(&g, "/nonexistent/list.txt",
					 NSW_LIST_FORMAT_AUTO, 0),
			 NSW_ENOTFOUND);
	assert_non_null(strstr(nsw_error_last(), "/nonexistent/list.txt"));
	/* No entry callback. */
	assert_int_equal(nsw_list_import_buffer(&st, (const uint8_t *)"x", 1,
						"m", &o, &s),
			 NSW_EINVAL);
	got_free(&g);
}

/* A 1 MiB line in every text format is one bad record, not a crash or
 * a 1 MiB buffer; the lines around it still import. */
static void rejects_one_megabyte_line_in_every_text_format(void **state)
{
	static const struct {
		nsw_list_format format;
		const char *before, *after;
	} rows[] = {
		{NSW_LIST_FORMAT_PDQ,
		 "98736629670cc19fc9f23862f66cce1f599e32c78e236c78619d202e9e66"
		 "c157\n",
		 "e162474a56babaadce4ccfe2231f4abdcac5342e31032bdd2eaca68bca87"
		 "d516\n"},
		{NSW_LIST_FORMAT_HASHDEEP,
		 "92e792c43c35e96fed3f9566083326fc  /a\n",
		 "4d46e4ef07fd0c7fa82bd5008b06db37  /b\n"},
		{NSW_LIST_FORMAT_NSRL,
		 "\"SHA-1\",\"MD5\",\"FileName\"\n"
		 "\"00D1034546F530D746131CE2A28A052DB21652EC\",\"2193697C47077"
		 "4EA58DA24B3BAC5FCDE\",\"a\"\n",
		 "\"0112A29FCA80AA0C3E11BE010A3C920B14429508\",\"12AB3D9F05EA1"
		 "72ADF76B9B5FF1E798F\",\"b\"\n"},
	};
	const size_t big = (size_t)1 << 20;
	char *dir = ts_tmpdir();

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		size_t b = strlen(rows[i].before), a = strlen(rows[i].after);
		char *text = malloc(b + big + 1 + a);
		char *path = ts_path(dir, "big.txt");
		uint64_t bad_line = 2;
		got g = {0};

		assert_non_null(text);
		memcpy(text, rows[i].before, b);
		memset(text + b, 'a', big);
		text[b + big] = '\n';
		memcpy(text + b + big + 1, rows[i].after, a);
		if (rows[i].format == NSW_LIST_FORMAT_NSRL)
			bad_line = 3;
		/* From memory and from a file. */
		for (int from_file = 0; from_file < 2; from_file++) {
			if (from_file) {
				assert_int_equal(ts_write_file(path, text,
							       b + big + 1 + a),
						 0);
				got_import_file(&g, path, rows[i].format, 0);
			} else {
				got_import_buffer(&g, text, b + big + 1 + a,
						  rows[i].format, 0);
			}
			if (g.rc != 0)
				fail_msg("row %zu: %s", i, nsw_error_last());
			assert_int_equal(g.n, 2);
			assert_int_equal(g.stats.rejected, 1);
			assert_int_equal(g.problems, 1);
			assert_int_equal(g.first_problem_line, bad_line);
			assert_non_null(strstr(g.first_problem, "longer than"));
			assert_int_equal(g.v[1].e.source_line, bad_line + 1);
			got_free(&g);
			/* Strict: the long line is fatal, as over a limit. */
			if (from_file)
				got_import_file(&g, path, rows[i].format, 1);
			else
				got_import_buffer(&g, text, b + big + 1 + a,
						  rows[i].format, 1);
			assert_int_equal(g.rc, NSW_ELIMIT);
			assert_int_equal(g.n, 1);
			got_free(&g);
		}
		free(path);
		free(text);
	}
	ts_tmpdir_remove(dir);
}

/* A line that ends at EOF without a newline, CRLF endings, and a last
 * over-long line with no newline at all. */
static void reads_crlf_and_unterminated_last_lines(void **state)
{
	const char *text = "92e792c43c35e96fed3f9566083326fc  /a\r\n"
			   "4d46e4ef07fd0c7fa82bd5008b06db37  /b";
	got g = {0};

	(void)state;
	assert_int_equal(got_import_text(&g, text, NSW_LIST_FORMAT_HASHDEEP, 1),
			 0);
	assert_int_equal(g.n, 2);
	assert_string_equal(g.v[0].e.name, "/a");
	assert_string_equal(g.v[1].e.name, "/b");
	got_free(&g);
}

static void strict_mode_makes_first_bad_record_fatal(void **state)
{
	const char *text =
		"98736629670cc19fc9f23862f66cce1f599e32c78e236c78619d202e9e66"
		"c157\n"
		"not-a-hash\n"
		"e162474a56babaadce4ccfe2231f4abdcac5342e31032bdd2eaca68bca87"
		"d516\n";
	got g = {0};

	(void)state;
	assert_int_equal(got_import_text(&g, text, NSW_LIST_FORMAT_PDQ, 0), 0);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.stats.rejected, 1);
	assert_int_equal(g.first_problem_line, 2);
	got_free(&g);
	assert_int_equal(got_import_text(&g, text, NSW_LIST_FORMAT_PDQ, 1),
			 NSW_EFORMAT);
	assert_int_equal(g.n, 1);
	assert_non_null(strstr(nsw_error_last(), "mem:2:"));
	got_free(&g);
}

static void all_bad_records_make_the_file_unreadable(void **state)
{
	got g = {0};

	(void)state;
	assert_int_equal(
		got_import_text(&g, "zz\nyy\n", NSW_LIST_FORMAT_PDQ, 0),
		NSW_EFORMAT);
	assert_int_equal(g.stats.rejected, 2);
	assert_non_null(strstr(nsw_error_last(), "no valid"));
	got_free(&g);
	/* An empty file is not an error: nothing was read. */
	assert_int_equal(got_import_text(&g, "", NSW_LIST_FORMAT_PDQ, 0), 0);
	assert_int_equal(g.stats.read, 0);
	got_free(&g);
}

static void sink_failure_stops_the_import(void **state)
{
	const char *text = "92e792c43c35e96fed3f9566083326fc  /a\n"
			   "4d46e4ef07fd0c7fa82bd5008b06db37  /b\n"
			   "fd6b1c066a26924224fbf02d876f0d45  /c\n";
	got g = {0};

	(void)state;
	g.stop_after = 1;
	assert_int_equal(got_import_text(&g, text, NSW_LIST_FORMAT_HASHDEEP, 0),
			 NSW_ERROR);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.stats.kept, 1);
	got_free(&g);
}

/* Empty-file digests would match every empty file: excluded everywhere,
 * unless the entry also carries something else. */
static void excludes_empty_file_digests(void **state)
{
	const char *text = "d41d8cd98f00b204e9800998ecf8427e  empty\n"
			   "da39a3ee5e6b4b0d3255bfef95601890afd80709  empty\n"
			   "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca49"
			   "5991b7852b855"
			   "  empty\n"
			   "D41D8CD98F00B204E9800998ECF8427E  EMPTY\n"
			   "92e792c43c35e96fed3f9566083326fc  /a\n";
	got g = {0};

	(void)state;
	assert_int_equal(got_import_text(&g, text, NSW_LIST_FORMAT_HASHDEEP, 1),
			 0);
	assert_int_equal(g.stats.read, 5);
	assert_int_equal(g.stats.excluded, 4);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.v[0].e.name, "/a");
	got_free(&g);
}

/* Stats add up over files: one struct spans a multi-file import. */
static void stats_accumulate_across_imports(void **state)
{
	got g = {0};

	(void)state;
	got_import_text(&g, "92e792c43c35e96fed3f9566083326fc  /a\n",
			NSW_LIST_FORMAT_AUTO, 0);
	got_import_text(&g, "4d46e4ef07fd0c7fa82bd5008b06db37  /b\nzz\n",
			NSW_LIST_FORMAT_AUTO, 0);
	assert_int_equal(g.stats.read, 3);
	assert_int_equal(g.stats.kept, 2);
	assert_int_equal(g.stats.rejected, 1);
	got_free(&g);
}

/* A file several read buffers long (lines cross every 1 MiB refill)
 * gives the same entries, lines and names as the same bytes in memory. */
static void file_and_memory_agree_across_buffer_refills(void **state)
{
	const size_t lines = 40000;
	char *text = malloc(lines * 80 + 1);
	char *dir = ts_tmpdir();
	char *path = ts_path(dir, "many.txt");
	size_t len = 0;
	uint32_t x = 12345;
	got a = {0}, b = {0};

	(void)state;
	assert_non_null(text);
	for (size_t i = 0; i < lines; i++) {
		/* Varying line lengths: md5sum lines with names of 1-15
		 * characters. */
		for (int k = 0; k < 32; k++) {
			x = x * 1103515245u + 12345u;
			text[len++] = "0123456789abcdef"[(x >> 16) & 15];
		}
		len += (size_t)snprintf(text + len, 48, "  f%.*s\n",
					(int)(i % 15), "abcdefghijklmnop");
	}
	assert_int_equal(ts_write_file(path, text, len), 0);
	assert_int_equal(got_import_file(&a, path, NSW_LIST_FORMAT_AUTO, 1), 0);
	assert_int_equal(
		got_import_buffer(&b, text, len, NSW_LIST_FORMAT_AUTO, 1), 0);
	assert_int_equal(a.n, lines);
	assert_int_equal(b.n, lines);
	for (size_t i = 0; i < lines; i++) {
		assert_memory_equal(a.v[i].e.md5, b.v[i].e.md5, 16);
		assert_string_equal(a.v[i].e.name, b.v[i].e.name);
		assert_int_equal(a.v[i].e.source_line, i + 1);
		assert_int_equal(b.v[i].e.source_line, i + 1);
	}
	got_free(&a);
	got_free(&b);
	free(text);
	free(path);
	ts_tmpdir_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(imports_every_third_party_fixture),
		cmocka_unit_test(imports_every_shared_fixture),
		cmocka_unit_test(refuses_shared_non_list_files),
		cmocka_unit_test(detects_formats_from_first_bytes),
		cmocka_unit_test(names_and_parses_formats),
		cmocka_unit_test(refuses_missing_file_and_bad_arguments),
		cmocka_unit_test(
			rejects_one_megabyte_line_in_every_text_format),
		cmocka_unit_test(reads_crlf_and_unterminated_last_lines),
		cmocka_unit_test(strict_mode_makes_first_bad_record_fatal),
		cmocka_unit_test(all_bad_records_make_the_file_unreadable),
		cmocka_unit_test(sink_failure_stops_the_import),
		cmocka_unit_test(excludes_empty_file_digests),
		cmocka_unit_test(stats_accumulate_across_imports),
		cmocka_unit_test(file_and_memory_agree_across_buffer_refills),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
