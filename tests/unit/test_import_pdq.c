/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the PDQ list importer (import_pdq.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_testutil.h"
#include "support.h"
#include "netsweep/import.h"

#define PDQA "98736629670cc19fc9f23862f66cce1f599e32c78e236c78619d202e9e66c157"
#define PDQB "e162474a56babaadce4ccfe2231f4abdcac5342e31032bdd2eaca68bca87d516"

static void reads_pdq_fixture_fields(void **state)
{
	char *path = got_third_party("ThreatExchange",
				     "threatexchange_pdq_needles.txt");
	got g = {0};

	(void)state;
	assert_int_equal(got_import_file(&g, path, NSW_LIST_FORMAT_AUTO, 1), 0);
	assert_int_equal(g.n, 100);
	assert_int_equal(g.v[0].e.has, NSW_HAS_PDQ);
	assert_string_equal(got_hex(g.v[0].e.pdq.bytes, 32), PDQA);
	assert_int_equal(g.v[0].e.pdq_quality, -1);
	assert_int_equal(g.v[99].e.source_line, 100);
	got_free(&g);
	free(path);

	/* FilePath,Hash: the Hash column holds PDQ for images and MD5 for
	 * the two videos at the end. */
	path = got_third_party("ThreatExchange",
			       "threatexchange_PDQMD5TestData.csv");
	assert_int_equal(got_import_file(&g, path, NSW_LIST_FORMAT_AUTO, 1), 0);
	assert_int_equal(g.n, 18);
	assert_int_equal(g.v[0].e.has, NSW_HAS_PDQ);
	assert_string_equal(got_hex(g.v[0].e.pdq.bytes, 32),
			    "d8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33"
			    "e6339c4e9c9b22");
	assert_string_equal(g.v[0].e.name,
			    "../../../../data/misc-images/b.jpg");
	assert_int_equal(g.v[0].e.source_line, 2);
	assert_int_equal(g.v[17].e.has, NSW_HAS_MD5);
	assert_string_equal(got_hex(g.v[17].e.md5, 16),
			    "9ffbb242d27f51a14e9c3633abead255");
	assert_string_equal(g.v[17].e.name, "../../../../../tmk/sample-videos/"
					    "chair-orig-22-fhd-no-bar.mp4");
	got_free(&g);
	free(path);

	path = got_third_party("ThreatExchange",
			       "threatexchange_vpdq_doorknob-hd-no-bar.txt");
	assert_int_equal(got_import_file(&g, path, NSW_LIST_FORMAT_AUTO, 1), 0);
	assert_int_equal(g.n, 120);
	assert_string_equal(got_hex(g.v[1].e.pdq.bytes, 32),
			    "dadb999c25266273529cadac8dcb52c22324ad3bce99726c38"
			    "660d93c799f07c");
	assert_int_equal(g.v[1].e.pdq_quality, 100);
	assert_string_equal(g.v[1].e.source_id, "1");
	assert_string_equal(g.v[1].e.attributes,
			    "{\"frame\":1,\"seconds\":0.033}");
	got_free(&g);
	free(path);
}

/* One good line each: {text, has, quality, name, excluded}. */
static const struct {
	const char *name;
	const char *text;
	unsigned has;
	int quality;
	const char *entry_name;
} good_rows[] = {
	{"bare", PDQA "\n", NSW_HAS_PDQ, -1, NULL},
	{"uppercase",
	 "98736629670CC19FC9F23862F66CCE1F599E32C78E236C78619D202E9E66C157\n",
	 NSW_HAS_PDQ, -1, NULL},
	{"BOM and comment", "\xEF\xBB\xBF# list\n\n" PDQA "\r\n", NSW_HAS_PDQ,
	 -1, NULL},
	{"hasher output", PDQA ",100,dir/a, b.jpg\n", NSW_HAS_PDQ, 100,
	 "dir/a, b.jpg"},
	{"hash,quality", PDQA ",49\n", NSW_HAS_PDQ, 49, NULL},
	{"hash,filename", PDQA ",file1.jpg\n", NSW_HAS_PDQ, -1, "file1.jpg"},
	{"key=value",
	 "hash=" PDQA ",norm=128,delta=0,quality=90,"
	 "filename=file1.jpg\n",
	 NSW_HAS_PDQ, 90, "file1.jpg"},
	{"threatexchange pdq", "pdq " PDQA "\n", NSW_HAS_PDQ, -1, NULL},
	{"threatexchange video_md5",
	 "video_md5 0a21c8f85a55a9e276ffc2c53f6887c4\n", NSW_HAS_MD5, -1, NULL},
	{"CSV with quality and name columns",
	 "name;quality;pdq\n\"x;y\";77;" PDQA "\n", NSW_HAS_PDQ, 77, "x;y"},
	{"CSV with md5 and pdq columns",
	 "md5,pdq,path\n0a21c8f85a55a9e276ffc2c53f6887c4," PDQA ",p\n",
	 NSW_HAS_MD5 | NSW_HAS_PDQ, -1, "p"},
};

static void reads_every_pdq_line_style(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(good_rows) / sizeof(good_rows[0]); i++) {
		got g = {0};

		if (got_import_text(&g, good_rows[i].text, NSW_LIST_FORMAT_AUTO,
				    1) != 0 ||
		    g.n != 1)
			fail_msg("%s: %s (%zu)", good_rows[i].name,
				 nsw_error_last(), g.n);
		assert_int_equal(g.v[0].e.has, good_rows[i].has);
		assert_int_equal(g.v[0].e.pdq_quality, good_rows[i].quality);
		if (good_rows[i].has & NSW_HAS_PDQ)
			assert_string_equal(got_hex(g.v[0].e.pdq.bytes, 32),
					    PDQA);
		if (good_rows[i].entry_name)
			assert_string_equal(g.v[0].e.name,
					    good_rows[i].entry_name);
		else
			assert_null(g.v[0].e.name);
		got_free(&g);
	}
}

static void excludes_signals_that_are_not_hashes(void **state)
{
	got g = {0};

	(void)state;
	assert_int_equal(got_import_text(&g,
					 "pdq " PDQA "\n"
					 "raw_text some words\n"
					 "url https://example.org/\n",
					 NSW_LIST_FORMAT_PDQ, 1),
			 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.stats.excluded, 2);
	assert_int_equal(g.stats.read, 3);
	got_free(&g);
}

static const struct {
	const char *name;
	const char *line;
	const char *why;
} bad_rows[] = {
	{"63 digits",
	 "98736629670cc19fc9f23862f66cce1f599e32c78e236c78619d202e9e66c15",
	 "63 hex digits"},
	{"65 digits", PDQA "0", "65 hex digits"},
	{"non-hex",
	 "x8736629670cc19fc9f23862f66cce1f599e32c78e236c78619d202e9e66c157",
	 "not hex"},
	{"quality over 100", PDQA ",101,a", "quality"},
	{"bad UTF-8 name", PDQA ",100,caf\xE9", "UTF-8"},
	{"unknown signal type", "photodna AAAA", "unknown signal type"},
	{"bad vPDQ timestamp", "3,100," PDQA ",1.2.3", "timestamp"},
	{"key=value without hash", "hash=,quality=1", "64"},
};

static void rejects_bad_lines_with_their_line_number(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_rows) / sizeof(bad_rows[0]); i++) {
		char text[512];
		got g = {0};

		snprintf(text, sizeof(text), PDQA "\n%s\n" PDQB "\n",
			 bad_rows[i].line);
		assert_int_equal(
			got_import_text(&g, text, NSW_LIST_FORMAT_PDQ, 0), 0);
		if (g.n != 2 || g.stats.rejected != 1 ||
		    g.first_problem_line != 2 ||
		    strstr(g.first_problem, bad_rows[i].why) == NULL)
			fail_msg("%s: kept %zu rejected %llu line %llu '%s'",
				 bad_rows[i].name, g.n,
				 (unsigned long long)g.stats.rejected,
				 (unsigned long long)g.first_problem_line,
				 g.first_problem);
		assert_string_equal(got_hex(g.v[1].e.pdq.bytes, 32), PDQB);
		assert_int_equal(g.v[1].e.source_line, 3);
		got_free(&g);
		assert_int_equal(
			got_import_text(&g, text, NSW_LIST_FORMAT_PDQ, 1),
			NSW_EFORMAT);
		assert_int_equal(g.n, 1);
		got_free(&g);
	}
}

static void rejects_bad_csv_rows(void **state)
{
	got g = {0};

	(void)state;
	assert_int_equal(got_import_text(&g,
					 "FilePath,Hash\n"
					 "a,1234\n"
					 "b,\n"
					 "\"c,\n"
					 "d," PDQA "\n",
					 NSW_LIST_FORMAT_AUTO, 0),
			 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.stats.rejected, 3);
	assert_int_equal(g.first_problem_line, 2);
	assert_int_equal(g.last_problem_line, 4);
	assert_string_equal(g.v[0].e.name, "d");
	got_free(&g);
}

/* Interpol ICSE baseline export shape (FORMATS.md 1.7), with invented
 * benign values: ';' CSV, identification flags as Yes/No, series. */
static void reads_icse_style_csv(void **state)
{
	const char *text =
		"MD5;SHA1;PhotoDNA;Image ID;Is distributed;Victim identified;"
		"Offender identified;Series name;Number of submissions;File "
		"Available;Media Type;Baseline\n"
		"0cef8332881a74ac9ae0e6f4c4323569;2ec7cd699f82e0435b15b9ebf0999"
		"805155f8f90;AAAA;12345;Yes;Yes;No;Bluebird;3;No;Image;1\n"
		"c44b7688a7d948229a58c2684db19de2;;;12346;No;;;;1;No;Video;\n";
	got g = {0};
	nsw_list_format f;

	(void)state;
	assert_int_equal(
		nsw_list_detect_buffer(&f, (const uint8_t *)text, strlen(text)),
		0);
	assert_int_equal(f, NSW_LIST_FORMAT_PDQ);
	assert_int_equal(got_import_text(&g, text, NSW_LIST_FORMAT_AUTO, 1), 0);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.v[0].e.has, NSW_HAS_MD5 | NSW_HAS_SHA1);
	assert_string_equal(got_hex(g.v[0].e.sha1, 20),
			    "2ec7cd699f82e0435b15b9ebf0999805155f8f90");
	assert_string_equal(g.v[0].e.source_id, "12345");
	assert_string_equal(g.v[0].e.series, "Bluebird");
	assert_null(g.v[0].e.name);
	assert_int_equal(g.v[0].e.victim_identified, 1);
	assert_int_equal(g.v[0].e.offender_identified, 0);
	assert_string_equal(g.v[0].e.attributes,
			    "{\"PhotoDNA\":\"AAAA\",\"Is distributed\":\"Yes\","
			    "\"Number of submissions\":\"3\",\"File "
			    "Available\":\"No\",\"Media Type\":\"Image\","
			    "\"Baseline\":\"1\"}");
	assert_int_equal(g.v[1].e.has, NSW_HAS_MD5);
	assert_int_equal(g.v[1].e.victim_identified, NSW_FLAG_UNKNOWN);
	assert_null(g.v[1].e.series);
	got_free(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_pdq_fixture_fields),
		cmocka_unit_test(reads_every_pdq_line_style),
		cmocka_unit_test(excludes_signals_that_are_not_hashes),
		cmocka_unit_test(rejects_bad_lines_with_their_line_number),
		cmocka_unit_test(rejects_bad_csv_rows),
		cmocka_unit_test(reads_icse_style_csv),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
