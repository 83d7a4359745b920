/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the hashdeep / md5sum / md5deep / BSD importer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_testutil.h"
#include "support.h"
#include "netsweep/import.h"

#define MD5A "92e792c43c35e96fed3f9566083326fc"
#define SHA1A "1407c5674dc7da55419c64c5375907991ec6011f"
#define SHA256A \
	"2f1cf7a397bb8eed63b225d5d4fd5e2fc71788c8ae12db94147d1f5e227a4118"

static void reads_hashdeep_fixture_fields(void **state)
{
	char *path = got_third_party("hashdeep", "hashdeep_sample.txt");
	got g = {0};

	(void)state;
	assert_int_equal(got_import_file(&g, path, NSW_LIST_FORMAT_AUTO, 1), 0);
	assert_int_equal(g.n, 3);
	assert_int_equal(g.v[0].e.has, NSW_HAS_MD5 | NSW_HAS_SHA256);
	assert_int_equal(g.v[0].e.size, 622);
	assert_string_equal(got_hex(g.v[0].e.md5, 16),
			    "6f4a8ac099c4fe85164b8631c7f0bd2b");
	assert_string_equal(got_hex(g.v[0].e.sha256, 32), SHA256A);
	assert_string_equal(
		g.v[0].e.name,
		"/Users/jessek/projects/md5deep/sample-hashes/ilookv3.hsh");
	/* Two header lines and two comments come first. */
	assert_int_equal(g.v[0].e.source_line, 5);
	assert_null(g.v[0].e.category_scheme);
	got_free(&g);
	free(path);
}

static void reads_md5deep_size_and_bsd_fixture_fields(void **state)
{
	char *path = got_third_party("hashdeep", "md5deep-size_sample.txt");
	got g = {0};

	(void)state;
	assert_int_equal(got_import_file(&g, path, NSW_LIST_FORMAT_AUTO, 1), 0);
	assert_int_equal(g.n, 4);
	assert_int_equal(g.v[0].e.size, 669416);
	assert_string_equal(got_hex(g.v[0].e.md5, 16), MD5A);
	assert_string_equal(g.v[0].e.name, "/Users/jessek/a.out");
	assert_int_equal(g.v[3].e.size, 729602);
	assert_string_equal(g.v[3].e.name, "/Users/jessek/nasm-2.02.tar.bz2");
	got_free(&g);
	free(path);

	path = got_third_party("hashdeep", "bsd-style-hashes.txt");
	assert_int_equal(got_import_file(&g, path, NSW_LIST_FORMAT_AUTO, 1), 0);
	assert_int_equal(g.n, 5);
	assert_string_equal(g.v[1].e.name, "deadbeef.txt");
	assert_string_equal(got_hex(g.v[1].e.md5, 16),
			    "deadbeefb303ba89ae055ad0234eb7e8");
	assert_int_equal(g.v[1].e.size, -1);
	got_free(&g);
	free(path);
}

/* Rows {text, has, name, size, attributes-substring}: one good line each. */
static const struct {
	const char *name;
	const char *text;
	unsigned has;
	const char *entry_name;
	int64_t size;
	const char *attr;
} good_rows[] = {
	{"sha1sum", SHA1A "  dir/file name.jpg\n", NSW_HAS_SHA1,
	 "dir/file name.jpg", -1, NULL},
	{"sha256sum binary mode", SHA256A " *bin.dat\n", NSW_HAS_SHA256,
	 "bin.dat", -1, NULL},
	{"uppercase hex", "92E792C43C35E96FED3F9566083326FC  A\n", NSW_HAS_MD5,
	 "A", -1, NULL},
	{"escaped name", "\\" MD5A "  a\\\\b\\nc\n", NSW_HAS_MD5, "a\\b\nc", -1,
	 NULL},
	{"BSD SHA256 with ') = ' in the name",
	 "SHA256 (odd) = name) = " SHA256A "\n", NSW_HAS_SHA256, "odd) = name",
	 -1, NULL},
	{"BSD SHA1", "SHA1 (x) = " SHA1A "\n", NSW_HAS_SHA1, "x", -1, NULL},
	{"hashdeep with any column set and commas in names",
	 "%%%% HASHDEEP-1.0\n%%%% size,sha1,tiger,md5,filename\n"
	 "## comment\n"
	 "12," SHA1A ",abcdef," MD5A ",/a,b,c\n",
	 NSW_HAS_SHA1 | NSW_HAS_MD5, "/a,b,c", 12, "\"tiger\":\"abcdef\""},
	{"hashdeep sha-256 spelling, empty md5 column",
	 "%%%% HASHDEEP-1.0\n%%%% size,md5,sha-256,filename\n"
	 "7,," SHA256A ",f\n",
	 NSW_HAS_SHA256, "f", 7, NULL},
	{"BOM before the header",
	 "\xEF\xBB\xBF%%%% HASHDEEP-1.0\n%%%% size,md5,filename\n1," MD5A
	 ",f\n",
	 NSW_HAS_MD5, "f", 1, NULL},
	{"second header in a concatenated file",
	 "%%%% HASHDEEP-1.0\n%%%% size,md5,filename\n"
	 "%%%% HASHDEEP-1.0\n%%%% size,sha1,filename\n3," SHA1A ",g\n",
	 NSW_HAS_SHA1, "g", 3, NULL},
};

static void reads_every_line_style(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(good_rows) / sizeof(good_rows[0]); i++) {
		got g = {0};

		if (got_import_text(&g, good_rows[i].text, NSW_LIST_FORMAT_AUTO,
				    1) != 0 ||
		    g.n != 1)
			fail_msg("%s: %s (%zu entries)", good_rows[i].name,
				 nsw_error_last(), g.n);
		assert_int_equal(g.v[0].e.has, good_rows[i].has);
		assert_string_equal(g.v[0].e.name, good_rows[i].entry_name);
		assert_int_equal(g.v[0].e.size, good_rows[i].size);
		if (good_rows[i].attr)
			assert_non_null(
				strstr(g.v[0].e.attributes, good_rows[i].attr));
		else
			assert_null(g.v[0].e.attributes);
		if (good_rows[i].has & NSW_HAS_MD5)
			assert_string_equal(got_hex(g.v[0].e.md5, 16), MD5A);
		got_free(&g);
	}
}

/* Each bad line sits between two good ones: {text, why}. */
static const struct {
	const char *name;
	const char *line;
	const char *why;
} bad_rows[] = {
	{"wrong hex length", "92e792c43c35e96fed3f9566083326f  a",
	 "hex digits"},
	{"non-hex", "92e792c43c35e96fed3f9566083326fg  a", "not a 'hash"},
	{"bad UTF-8 name", MD5A "  caf\xE9", "UTF-8"},
	{"no name", MD5A "  ", "no file name"},
	{"no separator", MD5A, "not a 'hash"},
	{"BSD unknown algorithm", "SHA512 (a) = " MD5A, "unsupported"},
	{"BSD wrong length", "MD5 (a) = " SHA1A, "hex digits"},
	{"garbage", "hello world", "not a 'hash"},
};

static void rejects_bad_lines_with_their_line_number(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_rows) / sizeof(bad_rows[0]); i++) {
		char text[512];
		got g = {0};

		snprintf(text, sizeof(text),
			 MD5A "  first\n%s\n" MD5A "  third\n",
			 bad_rows[i].line);
		assert_int_equal(
			got_import_text(&g, text, NSW_LIST_FORMAT_HASHDEEP, 0),
			0);
		if (g.n != 2 || g.stats.rejected != 1 ||
		    g.first_problem_line != 2 ||
		    strstr(g.first_problem, bad_rows[i].why) == NULL)
			fail_msg("%s: kept %zu rejected %llu line %llu '%s'",
				 bad_rows[i].name, g.n,
				 (unsigned long long)g.stats.rejected,
				 (unsigned long long)g.first_problem_line,
				 g.first_problem);
		assert_int_equal(g.v[1].e.source_line, 3);
		got_free(&g);
		assert_int_equal(
			got_import_text(&g, text, NSW_LIST_FORMAT_HASHDEEP, 1),
			NSW_EFORMAT);
		assert_int_equal(g.n, 1);
		got_free(&g);
	}
}

static void rejects_bad_hashdeep_rows_and_headers(void **state)
{
	got g = {0};

	(void)state;
	/* Too few columns; a non-numeric size; no digest on the row. */
	assert_int_equal(got_import_text(&g,
					 "%%%% HASHDEEP-1.0\n"
					 "%%%% size,md5,filename\n"
					 "1," MD5A "\n"
					 "x," MD5A ",f\n"
					 "1,,f\n"
					 "2," MD5A ",ok\n",
					 NSW_LIST_FORMAT_AUTO, 0),
			 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.stats.rejected, 3);
	assert_int_equal(g.first_problem_line, 3);
	assert_int_equal(g.last_problem_line, 5);
	got_free(&g);
	/* A header without its column line, or with no digest column. */
	assert_int_equal(got_import_text(&g, "%%%% HASHDEEP-1.0\n",
					 NSW_LIST_FORMAT_AUTO, 0),
			 NSW_EFORMAT);
	got_free(&g);
	assert_int_equal(got_import_text(&g, "%%%% HASHDEEP-1.0\n" MD5A "  f\n",
					 NSW_LIST_FORMAT_AUTO, 0),
			 NSW_EFORMAT);
	got_free(&g);
	assert_int_equal(got_import_text(&g,
					 "%%%% HASHDEEP-1.0\n"
					 "%%%% size,whirlpool,filename\n",
					 NSW_LIST_FORMAT_AUTO, 0),
			 NSW_EFORMAT);
	assert_non_null(strstr(nsw_error_last(), "mem:2:"));
	got_free(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_hashdeep_fixture_fields),
		cmocka_unit_test(reads_md5deep_size_and_bsd_fixture_fields),
		cmocka_unit_test(reads_every_line_style),
		cmocka_unit_test(rejects_bad_lines_with_their_line_number),
		cmocka_unit_test(rejects_bad_hashdeep_rows_and_headers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
