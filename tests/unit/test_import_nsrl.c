/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the NSRL importers (import_nsrl.c): RDS 2.x text and RDSv3. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "import_testutil.h"
#include "support.h"
#include "netsweep/import.h"

#define HDR                                                      \
	"\"SHA-1\",\"MD5\",\"CRC32\",\"FileName\",\"FileSize\"," \
	"\"ProductCode\",\"OpSystemCode\",\"SpecialCode\"\n"
#define SHA1A "00D1034546F530D746131CE2A28A052DB21652EC"
#define MD5A "2193697C470774EA58DA24B3BAC5FCDE"
#define ROW(name)                                         \
	"\"" SHA1A "\",\"" MD5A "\",\"CABEC7CD\",\"" name \
	"\",503,1,\"WIN\",\"\"\n"

static void reads_nsrl_fixture_fields(void **state)
{
	char *path = got_third_party("hashdeep",
				     "hashdeep_NSRL-2.0_NSRLFile-sample.txt");
	got g = {0};

	(void)state;
	assert_int_equal(got_import_file(&g, path, NSW_LIST_FORMAT_AUTO, 1), 0);
	assert_int_equal(g.n, 218);
	assert_int_equal(g.v[0].e.has, NSW_HAS_SHA1 | NSW_HAS_MD5);
	assert_string_equal(got_hex(g.v[0].e.sha1, 20),
			    "00d1034546f530d746131ce2a28a052db21652ec");
	assert_string_equal(got_hex(g.v[0].e.md5, 16),
			    "2193697c470774ea58da24b3bac5fcde");
	assert_string_equal(g.v[0].e.name, "INFODESK.IC$");
	assert_int_equal(g.v[0].e.size, 503);
	assert_int_equal(g.v[0].e.source_line, 2);
	/* Known software: used to suppress, never to alert. */
	assert_string_equal(g.v[0].e.category_scheme, "known-software");
	assert_null(g.v[0].e.category_code);
	assert_string_equal(g.v[0].e.attributes,
			    "{\"CRC32\":\"CABEC7CD\",\"ProductCode\":\"1\","
			    "\"OpSystemCode\":\"WIN\"}");
	assert_string_equal(g.v[217].e.name, "SETUP.PKG");
	assert_int_equal(g.v[217].e.source_line, 219);
	got_free(&g);
	free(path);

	/* The empty file's row is excluded and counted. */
	path = got_third_party("hashdeep", "hashdeep-tests_nsrlfile.txt");
	assert_int_equal(got_import_file(&g, path, NSW_LIST_FORMAT_AUTO, 1), 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.stats.excluded, 1);
	assert_string_equal(g.v[0].e.name, "hticons.dll");
	got_free(&g);
	free(path);
}

/* RDS "1.5" column order: mapped by header name, not position. */
static void maps_columns_by_header_name(void **state)
{
	const char *text =
		"\"SHA-1\",\"FileName\",\"FileSize\",\"ProductCode\","
		"\"OpSystemCode\",\"MD4\",\"MD5\",\"CRC32\",\"SpecialCode\"\n"
		"\"" SHA1A "\",\"a \"\"quoted\"\", name\",12,3,\"WIN\","
		"\"00112233445566778899AABBCCDDEEFF\",\"" MD5A
		"\",\"1\",\"\"\n";
	got g = {0};

	(void)state;
	assert_int_equal(got_import_text(&g, text, NSW_LIST_FORMAT_AUTO, 1), 0);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.v[0].e.name, "a \"quoted\", name");
	assert_int_equal(g.v[0].e.size, 12);
	assert_string_equal(got_hex(g.v[0].e.md5, 16),
			    "2193697c470774ea58da24b3bac5fcde");
	assert_non_null(strstr(g.v[0].e.attributes,
			       "\"MD4\":\"00112233445566778899AABBCCDDEEFF\""));
	got_free(&g);
}

/* Names that are not UTF-8 are read as ISO-8859-1, as IPED does. */
static void decodes_latin1_names(void **state)
{
	got g = {0};

	(void)state;
	assert_int_equal(got_import_text(&g,
					 HDR ROW("caf\xE9.txt")
						 ROW("\xC3\xA9t\xC3\xA9"),
					 NSW_LIST_FORMAT_NSRL, 1),
			 0);
	assert_int_equal(g.n, 2);
	assert_string_equal(g.v[0].e.name, "caf\xC3\xA9.txt");
	assert_string_equal(g.v[1].e.name, "\xC3\xA9t\xC3\xA9");
	got_free(&g);
}

static const struct {
	const char *name;
	const char *row;
	const char *why;
} bad_rows[] = {
	{"wrong SHA-1 length",
	 "\"00D1034546F530D746131CE2A28A052DB21652E\",\"" MD5A
	 "\",\"C\",\"n\",1,1,\"W\",\"\"",
	 "SHA-1 has 39"},
	{"non-hex MD5",
	 "\"" SHA1A "\",\"2193697C470774EA58DA24B3BAC5FCDX\",\"C\",\"n\",1,1,"
	 "\"W\",\"\"",
	 "MD5 is not hex"},
	{"too few fields", "\"" SHA1A "\",\"" MD5A "\"", "2 fields"},
	{"unterminated quote",
	 "\"" SHA1A "\",\"" MD5A "\",\"C,\"n\",1,1,\"W\",\"", "malformed"},
	{"size not a number",
	 "\"" SHA1A "\",\"" MD5A "\",\"C\",\"n\",big,1,\"W\",\"\"", "FileSize"},
	{"no hash", "\"\",\"\",\"C\",\"n\",1,1,\"W\",\"\"", "no hash"},
};

static void rejects_bad_rows_with_their_line_number(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_rows) / sizeof(bad_rows[0]); i++) {
		char text[1024];
		got g = {0};

		snprintf(text, sizeof(text), HDR ROW("a") "%s\n" ROW("b"),
			 bad_rows[i].row);
		assert_int_equal(
			got_import_text(&g, text, NSW_LIST_FORMAT_NSRL, 0), 0);
		if (g.n != 2 || g.stats.rejected != 1 ||
		    g.first_problem_line != 3 ||
		    strstr(g.first_problem, bad_rows[i].why) == NULL)
			fail_msg("%s: kept %zu rejected %llu line %llu '%s'",
				 bad_rows[i].name, g.n,
				 (unsigned long long)g.stats.rejected,
				 (unsigned long long)g.first_problem_line,
				 g.first_problem);
		got_free(&g);
		assert_int_equal(
			got_import_text(&g, text, NSW_LIST_FORMAT_NSRL, 1),
			NSW_EFORMAT);
		got_free(&g);
	}
}

static void refuses_file_without_hash_columns(void **state)
{
	got g = {0};

	(void)state;
	assert_int_equal(got_import_text(&g, "\"ProductCode\",\"Name\"\n1,x\n",
					 NSW_LIST_FORMAT_NSRL, 0),
			 NSW_EFORMAT);
	assert_non_null(strstr(nsw_error_last(), "header"));
	got_free(&g);
}

/* ---- RDSv3 ------------------------------------------------------------ */

static void make_rds3(const char *path, int with_file_table)
{
	sqlite3 *db = NULL;
	char *err = NULL;
	const char *sql =
		with_file_table
			? "CREATE TABLE FILE (sha256 VARCHAR NOT NULL, sha1 "
			  "VARCHAR NOT NULL, md5 VARCHAR NOT NULL, crc32 "
			  "VARCHAR NOT NULL, file_name VARCHAR NOT NULL, "
			  "file_size INTEGER NOT NULL, package_id INTEGER NOT "
			  "NULL);"
			  "INSERT INTO FILE VALUES("
			  "'2F1CF7A397BB8EED63B225D5D4FD5E2FC71788C8AE12DB94147"
			  "D"
			  "1F5E227A4118','" SHA1A "','" MD5A "','CABEC7CD',"
			  "'kernel32.dll',503,17);"
			  "INSERT INTO FILE VALUES("
			  "'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA49"
			  "5"
			  "991B7852B855','"
			  "DA39A3EE5E6B4B0D3255BFEF95601890AFD80709',"
			  "'D41D8CD98F00B204E9800998ECF8427E','00000000','"
			  "empty',"
			  "0,17);"
			  "INSERT INTO FILE VALUES('BAD','" SHA1A "','" MD5A
			  "','0','bad',1,1);"
			  "INSERT INTO FILE VALUES("
			  "'D4FBF5D919350D1087D298FE8D87AB19E4688B8F77D9E7CD25A"
			  "C"
			  "CF5C0AE74F6E','','','','second',233,18);"
			: "CREATE TABLE PKG (package_id INTEGER);";

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("sqlite: %s", err);
	sqlite3_close(db);
}

static void reads_rds3_sqlite(void **state)
{
	char *dir = ts_tmpdir();
	char *path = ts_path(dir, "RDS_2024.03.1_modern_minimal.db");
	nsw_list_format f;
	got g = {0};

	(void)state;
	make_rds3(path, 1);
	assert_int_equal(nsw_list_detect_format(&f, path), 0);
	assert_int_equal(f, NSW_LIST_FORMAT_NSRL_RDS3);
	assert_int_equal(got_import_file(&g, path, NSW_LIST_FORMAT_AUTO, 0), 0);
	assert_int_equal(g.stats.read, 4);
	assert_int_equal(g.stats.excluded, 1);
	assert_int_equal(g.stats.rejected, 1);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.first_problem_line, 3);
	assert_int_equal(g.v[0].e.has,
			 NSW_HAS_SHA256 | NSW_HAS_SHA1 | NSW_HAS_MD5);
	assert_string_equal(got_hex(g.v[0].e.sha256, 32),
			    "2f1cf7a397bb8eed63b225d5d4fd5e2fc71788c8ae12db9414"
			    "7d1f5e227a4118");
	assert_string_equal(got_hex(g.v[0].e.md5, 16),
			    "2193697c470774ea58da24b3bac5fcde");
	assert_string_equal(g.v[0].e.name, "kernel32.dll");
	assert_int_equal(g.v[0].e.size, 503);
	assert_int_equal(g.v[0].e.source_line, 1);
	assert_string_equal(g.v[0].e.category_scheme, "known-software");
	assert_string_equal(g.v[0].e.attributes,
			    "{\"crc32\":\"CABEC7CD\",\"package_id\":\"17\"}");
	/* Empty sha1/md5 columns are "not given". */
	assert_int_equal(g.v[1].e.has, NSW_HAS_SHA256);
	assert_int_equal(g.v[1].e.source_line, 4);
	got_free(&g);
	/* Strict: the bad row is fatal. */
	assert_int_equal(
		got_import_file(&g, path, NSW_LIST_FORMAT_NSRL_RDS3, 1),
		NSW_EFORMAT);
	got_free(&g);
	free(path);
	ts_tmpdir_remove(dir);
}

static void refuses_sqlite_without_file_table(void **state)
{
	char *dir = ts_tmpdir();
	char *path = ts_path(dir, "other.db");
	got g = {0};

	(void)state;
	make_rds3(path, 0);
	assert_int_equal(got_import_file(&g, path, NSW_LIST_FORMAT_AUTO, 0),
			 NSW_EFORMAT);
	assert_non_null(strstr(nsw_error_last(), "RDSv3"));
	got_free(&g);
	/* From memory, SQLite cannot be read. */
	assert_int_equal(got_import_text(&g, "SQLite format 3",
					 NSW_LIST_FORMAT_NSRL_RDS3, 0),
			 NSW_EUNSUPPORTED);
	got_free(&g);
	free(path);
	ts_tmpdir_remove(dir);
}

/* Found by fuzzing (leak of a column-name buffer): a 300-byte column name
 * (the fuzzer used control bytes) is refused, and nothing leaks (ASan build).
 */
static void refuses_overlong_column_name(void **state)
{
	char text[512];
	got g = {0};

	(void)state;
	snprintf(text, sizeof(text), "\"SHA-1\",\"Fil%0300d\"\n", 0);
	assert_int_equal(got_import_text(&g, text, NSW_LIST_FORMAT_NSRL, 0),
			 NSW_EFORMAT);
	assert_non_null(strstr(nsw_error_last(), "column name"));
	got_free(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_nsrl_fixture_fields),
		cmocka_unit_test(maps_columns_by_header_name),
		cmocka_unit_test(decodes_latin1_names),
		cmocka_unit_test(rejects_bad_rows_with_their_line_number),
		cmocka_unit_test(refuses_file_without_hash_columns),
		cmocka_unit_test(refuses_overlong_column_name),
		cmocka_unit_test(reads_rds3_sqlite),
		cmocka_unit_test(refuses_sqlite_without_file_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
