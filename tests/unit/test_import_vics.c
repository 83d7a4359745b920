/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the VICS JSON importer (import_vics.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_testutil.h"
#include "json_stream.h"
#include "support.h"
#include "netsweep/import.h"

#define CTX20(profile, kind)                                                \
	"{\"@odata.context\":\"http://github.com/VICSDATAMODEL/ProjectVic/" \
	"DataModels/2.0.xml/" profile "/$metadata#" kind "\",\"value\":["
#define CTX13(kind)                                                            \
	"{\"odata.metadata\":\"http://github.com/ICMEC/ProjectVic/DataModels/" \
	"1.3.xml#" kind "\",\"value\":["
#define MD5A "adebf3fa3c9be7f73825e1cb9e2dea09"
#define MD5B "192db5cecd7ac2a2fd02f903a27a5fcd"
#define SHA1B "1407c5674dc7da55419c64c5375907991ec6011f"

/* The attributes text must itself be valid JSON. */
static void assert_json(const char *text)
{
	nsw_json_handlers h = {0};
	nsw_json_stream *s = NULL;

	assert_int_equal(nsw_json_stream_new(&s, &h, NULL, "attr", 0), 0);
	if (nsw_json_stream_feed(s, (const uint8_t *)text, strlen(text)) != 0 ||
	    nsw_json_stream_finish(s) != 0)
		fail_msg("not JSON: %s (%s)", text, nsw_error_last());
	nsw_json_stream_free(s);
}

static void reads_vics20_hashset_fixture_fields(void **state)
{
	char *path = got_third_party(
		"VIC-CatParser",
		"vic-catparser_example-VIC-data_v2.0-hashset.json");
	got g = {0};

	(void)state;
	assert_int_equal(got_import_file(&g, path, NSW_LIST_FORMAT_VICS, 1), 0);
	assert_int_equal(g.n, 2);
	/* Uppercase hex in the file, bytes the same. */
	assert_int_equal(g.v[0].e.has, NSW_HAS_MD5);
	assert_string_equal(got_hex(g.v[0].e.md5, 16), MD5A);
	assert_int_equal(g.v[0].e.size, 2835);
	assert_string_equal(g.v[0].e.category_scheme, "vics-default");
	assert_string_equal(g.v[0].e.category_code, "0");
	assert_string_equal(g.v[0].e.source_id, "1");
	assert_int_equal(g.v[0].e.source_line, 1);
	assert_int_equal(g.v[0].e.victim_identified, NSW_FLAG_UNKNOWN);
	assert_non_null(
		strstr(g.v[0].e.attributes, "\"IsPrecategorized\":\"false\""));
	assert_json(g.v[0].e.attributes);
	assert_int_equal(g.v[1].e.has, NSW_HAS_MD5 | NSW_HAS_SHA1);
	assert_string_equal(got_hex(g.v[1].e.sha1, 20), SHA1B);
	assert_int_equal(g.v[1].e.source_line, 2);
	assert_non_null(strstr(g.v[1].e.attributes, "\"Exifs\":[{"));
	assert_non_null(strstr(g.v[1].e.attributes, "Adobe Fireworks CS4"));
	assert_json(g.v[1].e.attributes);
	got_free(&g);
	free(path);
}

static void reads_vics12_nist_caid_fixture_fields(void **state)
{
	char *path = got_third_party("NSRL-CAID", "NSRL-CAID-MPG.json");
	got g = {0};

	(void)state;
	assert_int_equal(got_import_file(&g, path, NSW_LIST_FORMAT_AUTO, 1), 0);
	assert_int_equal(g.n, 3);
	assert_string_equal(got_hex(g.v[1].e.md5, 16),
			    "c44b7688a7d948229a58c2684db19de2");
	assert_string_equal(got_hex(g.v[1].e.sha1, 20),
			    "e0e06a5796fc5def42e01f61f5c3678a583c4c56");
	/* MediaSize as a string; Category 8 of an unstated 1.x scheme. */
	assert_int_equal(g.v[1].e.size, 25974788);
	assert_string_equal(g.v[1].e.category_scheme, "custom");
	assert_string_equal(g.v[1].e.category_code, "8");
	assert_string_equal(g.v[1].e.source_id, "0");
	/* The file name from MediaFiles; OData annotations dropped. */
	assert_string_equal(g.v[1].e.name, "motherScan.mpg");
	assert_non_null(
		strstr(g.v[1].e.attributes, "\"FilePath\":\"game/video\""));
	assert_null(strstr(g.v[1].e.attributes, "odata.id"));
	assert_json(g.v[1].e.attributes);
	assert_int_equal(g.v[2].e.source_line, 3);
	got_free(&g);
	free(path);
}

/* Case files: Media inside Cases, MediaFiles inside Media, VICS 2.0 US. */
static void reads_case_file_with_media_inside_cases(void **state)
{
	const char *text = CTX20(
		"US", "Cases") "{\"CaseID\":\"c-1\",\"CaseNumber\":\"2024/17\","
			       "\"ContactName\":\"X\",\"Media\":["
			       "{\"MediaID\":7,\"MD5\":\"" MD5A
			       "\",\"Category\":1,"
			       "\"Series\":\"S1\",\"VictimIdentified\":true,"
			       "\"OffenderIdentified\":\"false\",\"PhotoDNA\":"
			       "\"AAAA\","
			       "\"MediaFiles\":[{\"MD5\":\"" MD5A
			       "\",\"FileName\":\"a.jpg\","
			       "\"FilePath\":\"C:\\\\x\"}]},"
			       "{\"MediaID\":8,\"MD5\":\"" MD5B
			       "\",\"Category\":2}],"
			       "\"SourceApplicationName\":\"tool\"},"
			       "{\"CaseID\":\"c-2\",\"Media\":[{\"MD5\":\"" MD5B
			       "\"}]}]}";
	got g = {0};

	(void)state;
	assert_int_equal(got_import_text(&g, text, NSW_LIST_FORMAT_AUTO, 1), 0);
	assert_int_equal(g.n, 3);
	assert_int_equal(g.stats.read, 3);
	assert_string_equal(g.v[0].e.category_scheme, "vics-us");
	assert_string_equal(g.v[0].e.category_code, "1");
	assert_string_equal(g.v[0].e.series, "S1");
	assert_int_equal(g.v[0].e.victim_identified, 1);
	assert_int_equal(g.v[0].e.offender_identified, 0);
	assert_string_equal(g.v[0].e.name, "a.jpg");
	assert_string_equal(g.v[0].e.source_id, "7");
	/* PhotoDNA kept opaque; the case the record came from noted. */
	assert_non_null(strstr(g.v[0].e.attributes, "\"PhotoDNA\":\"AAAA\""));
	assert_non_null(
		strstr(g.v[0].e.attributes,
		       "\"CaseID\":\"c-1\",\"CaseNumber\":\"2024/17\""));
	assert_non_null(strstr(g.v[0].e.attributes, "C:\\\\x"));
	assert_null(strstr(g.v[0].e.attributes, "ContactName"));
	assert_json(g.v[0].e.attributes);
	assert_string_equal(g.v[1].e.category_code, "2");
	assert_int_equal(g.v[1].e.source_line, 2);
	assert_string_equal(g.v[2].e.source_id ? "id" : "none", "none");
	assert_non_null(strstr(g.v[2].e.attributes, "\"CaseID\":\"c-2\""));
	assert_int_equal(g.v[2].e.source_line, 3);
	got_free(&g);
}

/* Loose typing: strings for numbers and booleans, null Category, BOM,
 * either hex case. */
static void accepts_loose_typing(void **state)
{
	const char *text = "\xEF\xBB\xBF" CTX20(
		"Default",
		"Media") "{\"MD5\":\"ADEBF3FA3C9BE7F73825E1CB9E2DEA09\","
			 "\"MediaSize\":\"488\",\"Category\":\" 2 \","
			 "\"VictimIdentified\":\"TRUE\",\"OffenderIdentified\":"
			 "0,"
			 "\"MediaID\":\"x-9\"},"
			 "{\"MD5\":\"" MD5B
			 "\",\"Category\":null,\"MediaSize\":null,"
			 "\"VictimIdentified\":\"perhaps\"},"
			 "{\"MD5\":\"" MD5A "\"}]}";
	got g = {0};

	(void)state;
	assert_int_equal(got_import_text(&g, text, NSW_LIST_FORMAT_AUTO, 1), 0);
	assert_int_equal(g.n, 3);
	assert_string_equal(got_hex(g.v[0].e.md5, 16), MD5A);
	assert_int_equal(g.v[0].e.size, 488);
	assert_string_equal(g.v[0].e.category_code, "2");
	assert_int_equal(g.v[0].e.victim_identified, 1);
	assert_int_equal(g.v[0].e.offender_identified, 0);
	assert_string_equal(g.v[0].e.source_id, "x-9");
	/* null Category: uncategorised, never "0"/safe. */
	assert_null(g.v[1].e.category_code);
	assert_string_equal(g.v[1].e.category_scheme, "vics-default");
	assert_int_equal(g.v[1].e.size, -1);
	/* An unreadable flag stays unknown and is kept as given. */
	assert_int_equal(g.v[1].e.victim_identified, NSW_FLAG_UNKNOWN);
	assert_non_null(strstr(g.v[1].e.attributes,
			       "\"VictimIdentified\":\"perhaps\""));
	/* No Category at all (Clees4All leaves out 0). */
	assert_null(g.v[2].e.category_code);
	assert_null(g.v[2].e.attributes);
	got_free(&g);
}

static const struct {
	const char *context; /* the root key and value */
	const char *scheme;
	const char *forced; /* options.category_scheme */
} scheme_rows[] = {
	{CTX20("Default", "Media"), "vics-default", NULL},
	{CTX20("US", "Media"), "vics-us", NULL},
	{CTX20("UK", "Media"), "uk", NULL},
	{CTX20("CUSTOM", "Media"), "custom", NULL},
	{CTX13("Media"), "custom", NULL},
	{"{\"value\":[", "custom", NULL},
	{CTX13("Media"), "dhs", "dhs"},
	{CTX20("US", "Media"), "dhs", "dhs"},
};

static void takes_category_scheme_from_profile_or_option(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(scheme_rows) / sizeof(scheme_rows[0]);
	     i++) {
		char text[512];
		nsw_import_options o = {0};
		nsw_import_sink s = {0};
		got g = {0};

		snprintf(text, sizeof(text),
			 "%s{\"MD5\":\"" MD5A "\",\"Category\":0}]}",
			 scheme_rows[i].context);
		o.format = NSW_LIST_FORMAT_VICS;
		o.category_scheme = scheme_rows[i].forced;
		s.ctx = &g;
		s.entry = got_entry_cb;
		assert_int_equal(
			nsw_list_import_buffer(&g.stats, (const uint8_t *)text,
					       strlen(text), "m", &o, &s),
			0);
		assert_int_equal(g.n, 1);
		if (strcmp(g.v[0].e.category_scheme, scheme_rows[i].scheme))
			fail_msg("row %zu: scheme %s", i,
				 g.v[0].e.category_scheme);
		assert_string_equal(g.v[0].e.category_code, "0");
		got_free(&g);
	}
}

/* VICS 1.3: SHA1 and PhotoDNA in AlternativeHashes. */
static void reads_alternative_hashes(void **state)
{
	const char *text =
		CTX13("Media") "{\"MD5\":\"" MD5B "\",\"AlternativeHashes\":["
			       "{\"MD5\":\"" MD5B
			       "\",\"HashName\":\"PhotoDNA\","
			       "\"HashValue\":\"QUJD\"},"
			       "{\"HashValue\":\"" SHA1B
			       "\",\"HashName\":\"SHA1\"}]}]}";
	got g = {0};

	(void)state;
	assert_int_equal(got_import_text(&g, text, NSW_LIST_FORMAT_VICS, 1), 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.v[0].e.has, NSW_HAS_MD5 | NSW_HAS_SHA1);
	assert_string_equal(got_hex(g.v[0].e.sha1, 20), SHA1B);
	assert_non_null(strstr(g.v[0].e.attributes, "\"QUJD\""));
	assert_json(g.v[0].e.attributes);
	got_free(&g);
}

/* Unreadable optional fields do not cost the hash: the field stays
 * unknown (a category never becomes 0) and the value is kept as given. */
static void keeps_entry_when_optional_fields_are_unreadable(void **state)
{
	const char *text = CTX20(
		"US",
		"Media") "{\"MD5\":\"" MD5A "\",\"Category\":{\"x\":1},"
			 "\"MediaSize\":-4},"
			 "{\"MD5\":\"" MD5B
			 "\",\"Category\":\"a very long category "
			 "code that is surely no code\",\"MediaSize\":\"4.5\"},"
			 "{\"MD5\":\"" MD5A
			 "\",\"Category\":true,\"MediaSize\":[1]}]}";
	got g = {0};

	(void)state;
	assert_int_equal(got_import_text(&g, text, NSW_LIST_FORMAT_VICS, 1), 0);
	assert_int_equal(g.n, 3);
	for (size_t i = 0; i < 3; i++) {
		assert_null(g.v[i].e.category_code);
		assert_int_equal(g.v[i].e.size, -1);
		assert_json(g.v[i].e.attributes);
	}
	assert_string_equal(g.v[0].e.attributes,
			    "{\"Category\":{\"x\":1},\"MediaSize\":-4}");
	assert_non_null(strstr(g.v[1].e.attributes, "\"MediaSize\":\"4.5\""));
	assert_string_equal(g.v[2].e.attributes,
			    "{\"Category\":true,\"MediaSize\":[1]}");
	got_free(&g);
}

/* Bad records, each among good ones: {text, rc, kept, rejected, why}. */
static const struct {
	const char *name;
	const char *text;
	int rc;
	size_t kept, rejected;
	const char *why;
} bad_rows[] = {
	{"wrong hex length",
	 CTX20("US", "Media") "{\"MD5\":\"" MD5A "0\"},{\"MD5\":\"" MD5B
			      "\"}]}",
	 0, 1, 1, "MD5 has 33 hex digits"},
	{"non-hex",
	 CTX20("US", "Media") "{\"MD5\":\"zzebf3fa3c9be7f73825e1cb9e2dea09\"},{"
			      "\"MD5\":\"" MD5B "\"}]}",
	 0, 1, 1, "not hex"},
	{"bad UTF-8 in a text field",
	 CTX20("US", "Media") "{\"MD5\":\"" MD5A
			      "\",\"Series\":\"a\xC3\x28\"},{\"MD5\":\"" MD5B
			      "\"}]}",
	 0, 1, 1, "UTF-8"},
	{"missing hash",
	 CTX20("US", "Media") "{\"MediaID\":1},{\"MD5\":\"" MD5B "\"}]}", 0, 1,
	 1, "no MD5"},
	{"hash is a number",
	 CTX20("US", "Media") "{\"MD5\":12},{\"MD5\":\"" MD5B "\"}]}", 0, 1, 1,
	 "not a string"},
	{"hash is an object",
	 CTX20("US", "Media") "{\"SHA1\":{},\"MD5\":\"" MD5A
			      "\"},{\"MD5\":\"" MD5B "\"}]}",
	 0, 1, 1, "object or array"},
	{"item not an object",
	 CTX20("US", "Media") "\"" MD5A "\",[1],{\"MD5\":\"" MD5B "\"}]}", 0, 1,
	 2, "not an object"},
	{"case Media item not an object",
	 CTX20("US", "Cases") "{\"Media\":[null,{\"MD5\":\"" MD5B "\"}]}]}", 0,
	 1, 1, "record 1: not an object"},
	{"truncated JSON",
	 CTX20("US", "Media") "{\"MD5\":\"" MD5A "\"},{\"MD5\":\"" MD5B,
	 NSW_EFORMAT, 1, 0, NULL},
	{"trailing garbage", CTX20("US", "Media") "{\"MD5\":\"" MD5A "\"}]} x",
	 NSW_EFORMAT, 1, 0, NULL},
	{"no value array", "{\"@odata.context\":\"x\"}", NSW_EFORMAT, 0, 0,
	 NULL},
	{"value not an array", "{\"value\":{\"MD5\":\"" MD5A "\"}}",
	 NSW_EFORMAT, 0, 0, NULL},
};

static void rejects_bad_records_and_documents(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_rows) / sizeof(bad_rows[0]); i++) {
		got g = {0};
		int rc = got_import_text(&g, bad_rows[i].text,
					 NSW_LIST_FORMAT_VICS, 0);

		if (rc != bad_rows[i].rc || g.n != bad_rows[i].kept ||
		    g.stats.rejected != bad_rows[i].rejected)
			fail_msg("%s: rc %d kept %zu rejected %llu (%s)",
				 bad_rows[i].name, rc, g.n,
				 (unsigned long long)g.stats.rejected,
				 nsw_error_last());
		if (bad_rows[i].why &&
		    strstr(g.first_problem, bad_rows[i].why) == NULL)
			fail_msg("%s: problem '%s'", bad_rows[i].name,
				 g.first_problem);
		got_free(&g);
		/* Strict: any of them fails the import. */
		rc = got_import_text(&g, bad_rows[i].text, NSW_LIST_FORMAT_VICS,
				     1);
		assert_true(rc < 0);
		got_free(&g);
	}
}

/* Problems carry the line in pretty-printed files and the record number
 * in the message. */
static void reports_line_and_record_of_a_bad_record(void **state)
{
	const char *text = "{\n\"value\":[\n"
			   "{\"MD5\":\"" MD5A "\"},\n"
			   "{\"MD5\":\"" MD5A "\"},\n"
			   "{\n\"MD5\":\"12\"\n}\n]}\n";
	got g = {0};

	(void)state;
	assert_int_equal(got_import_text(&g, text, NSW_LIST_FORMAT_VICS, 0), 0);
	assert_int_equal(g.problems, 1);
	assert_int_equal(g.first_problem_line, 5);
	assert_non_null(strstr(g.first_problem, "record 3"));
	got_free(&g);
}

/* A field too big for the attributes cap is dropped, the entry kept and
 * marked; the 16 MiB JSON string cap still applies above that. */
static void drops_oversized_attribute_and_marks_entry(void **state)
{
	const size_t big = (size_t)300 << 10;
	const char *head =
		CTX20("US", "Media") "{\"MD5\":\"" MD5A "\",\"Tags\":\"t\","
				     "\"PhotoDNA\":\"";
	const char *tail = "\",\"Comments\":\"c\"}]}";
	size_t h = strlen(head), t = strlen(tail);
	char *text = malloc(h + big + t + 1);
	got g = {0};

	(void)state;
	assert_non_null(text);
	memcpy(text, head, h);
	memset(text + h, 'Q', big);
	memcpy(text + h + big, tail, t + 1);
	assert_int_equal(got_import_text(&g, text, NSW_LIST_FORMAT_VICS, 1), 0);
	assert_int_equal(g.n, 1);
	assert_non_null(strstr(g.v[0].e.attributes, "\"Tags\":\"t\""));
	assert_non_null(strstr(g.v[0].e.attributes, "\"Comments\":\"c\""));
	assert_null(strstr(g.v[0].e.attributes, "QQQQ"));
	assert_non_null(
		strstr(g.v[0].e.attributes, "\"netsweep_truncated\":true"));
	assert_json(g.v[0].e.attributes);
	got_free(&g);
	free(text);
}

/* Unknown nested structures are re-serialised faithfully. */
static void keeps_nested_unknown_fields_as_json(void **state)
{
	const char *text = CTX20(
		"US",
		"Media") "{\"X\":{\"a\":[1,2,{\"b\":null}],\"c\":\"q\\\"\\n\"},"
			 "\"MD5\":\"" MD5A "\",\"Y\":[],\"Z\":{}}]}";
	got g = {0};

	(void)state;
	assert_int_equal(got_import_text(&g, text, NSW_LIST_FORMAT_VICS, 1), 0);
	assert_int_equal(g.n, 1);
	assert_string_equal(
		g.v[0].e.attributes,
		"{\"X\":{\"a\":[1,2,{\"b\":null}],\"c\":\"q\\\"\\n\"},"
		"\"Y\":[],\"Z\":{}}");
	got_free(&g);
}

/* Streaming: fed in any split, the same entries come out. */
static void same_entries_from_file_and_memory(void **state)
{
	char *path = got_third_party("NSRL-CAID", "NSRL-CAID-MPG.json");
	size_t len = 0;
	uint8_t *data = ts_read_file(path, &len);
	got a = {0}, b = {0};

	(void)state;
	assert_non_null(data);
	assert_int_equal(got_import_file(&a, path, NSW_LIST_FORMAT_VICS, 1), 0);
	assert_int_equal(
		got_import_buffer(&b, data, len, NSW_LIST_FORMAT_VICS, 1), 0);
	assert_int_equal(a.n, b.n);
	for (size_t i = 0; i < a.n; i++) {
		assert_memory_equal(a.v[i].e.md5, b.v[i].e.md5, 16);
		assert_string_equal(a.v[i].e.attributes, b.v[i].e.attributes);
	}
	got_free(&a);
	got_free(&b);
	free(data);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_vics20_hashset_fixture_fields),
		cmocka_unit_test(reads_vics12_nist_caid_fixture_fields),
		cmocka_unit_test(reads_case_file_with_media_inside_cases),
		cmocka_unit_test(accepts_loose_typing),
		cmocka_unit_test(takes_category_scheme_from_profile_or_option),
		cmocka_unit_test(reads_alternative_hashes),
		cmocka_unit_test(
			keeps_entry_when_optional_fields_are_unreadable),
		cmocka_unit_test(rejects_bad_records_and_documents),
		cmocka_unit_test(reports_line_and_record_of_a_bad_record),
		cmocka_unit_test(drops_oversized_attribute_and_marks_entry),
		cmocka_unit_test(keeps_nested_unknown_fields_as_json),
		cmocka_unit_test(same_entries_from_file_and_memory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
