/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the NCMEC hash-sharing XML importer (import_ncmec.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_testutil.h"
#include "support.h"
#include "netsweep/import.h"

#define HEAD                                                                   \
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"                         \
	"<queryResult xmlns=\"https://hashsharing.ncmec.org/hashsharing/v2\">" \
	"<images count=\"9\">\n"
#define TAIL "</images></queryResult>\n"
#define IMG(id, ts, md5)                                                  \
	"<image><member id=\"1\">M</member><timestamp>" ts "</timestamp>" \
	"<id>" id "</id><classification>B1</classification>"              \
	"<fingerprints><md5>" md5 "</md5></fingerprints></image>\n"
#define DEL(id, ts)                                                \
	"<deletedImage><member id=\"1\">M</member><id>" id "</id>" \
	"<timestamp>" ts "</timestamp></deletedImage>\n"
#define MD5A "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1"
#define MD5B "b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2"
#define T1 "2020-01-01T00:00:00Z"
#define T2 "2020-01-01T00:00:01Z"
#define T3 "2021-06-01T12:00:00.5+02:00"

static void reads_ncmec_fixture_fields(void **state)
{
	char *path = got_third_party("ThreatExchange",
				     "ncmec_hashsharing_v2_entries.xml");
	got g = {0};

	(void)state;
	assert_int_equal(got_import_file(&g, path, NSW_LIST_FORMAT_AUTO, 1), 0);
	assert_int_equal(g.n, 2);
	assert_string_equal(g.v[0].e.source_id, "image1");
	assert_int_equal(g.v[0].e.has, NSW_HAS_MD5 | NSW_HAS_SHA1);
	assert_string_equal(got_hex(g.v[0].e.md5, 16), MD5A);
	assert_string_equal(g.v[0].e.category_scheme, "ncmec");
	assert_string_equal(g.v[0].e.category_code, "A1");
	assert_int_equal(g.v[0].e.source_line, 4);
	/* PhotoDNA kept opaque, member and time as provenance. */
	assert_non_null(strstr(g.v[0].e.attributes, "\"pdna\":\"a1a1"));
	assert_non_null(strstr(g.v[0].e.attributes, "\"member_id\":\"42\""));
	assert_non_null(strstr(g.v[0].e.attributes,
			       "\"timestamp\":\"2017-10-24T15:00:00Z\""));
	assert_non_null(strstr(g.v[0].e.attributes, "\"media\":\"image\""));
	/* The video has no classification: scheme known, code not given. */
	assert_string_equal(g.v[1].e.source_id, "video1");
	assert_null(g.v[1].e.category_code);
	assert_non_null(strstr(g.v[1].e.attributes, "\"media\":\"video\""));
	assert_string_equal(got_hex(g.v[1].e.sha1, 20),
			    "b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1");
	got_free(&g);
	free(path);

	path = got_third_party(
		"ThreatExchange",
		"ncmec_hashsharing_v2_entries_large_fingerprints."
		"xml");
	assert_int_equal(got_import_file(&g, path, NSW_LIST_FORMAT_AUTO, 1), 0);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.v[0].e.category_code, "A2");
	assert_non_null(strstr(g.v[0].e.attributes,
			       "\"tmk-pdqf_href\":\"/v2/entries/1/"
			       "fingerprints/TMK_PDQF\""));
	got_free(&g);
	free(path);
}

/* Deletions and updates apply in timestamp order, not file order:
 * {document, kept ids (by md5), read, excluded}. */
static const struct {
	const char *name;
	const char *xml;
	const char *kept_md5; /* NULL: nothing kept */
	uint64_t read, excluded;
} order_rows[] = {
	{"deleted later", HEAD IMG("x", T1, MD5A) DEL("x", T2) TAIL, NULL, 2,
	 2},
	{"deleted earlier, re-added later",
	 HEAD DEL("x", T1) IMG("x", T2, MD5A) TAIL, MD5A, 2, 1},
	{"deletion first in file but later in time",
	 HEAD DEL("x", T2) IMG("x", T1, MD5A) TAIL, NULL, 2, 2},
	{"update: the later version wins",
	 HEAD IMG("x", T2, MD5B) IMG("x", T1, MD5A) TAIL, MD5B, 2, 1},
	{"same time: the deletion wins",
	 HEAD IMG("x", T1, MD5A) DEL("x", T1) TAIL, NULL, 2, 2},
	{"timezone offsets compared in UTC",
	 /* T3 is 10:00:00.5Z: later than 09:59:59Z, earlier than 10:00:01Z */
	 HEAD IMG("x", T3, MD5A) DEL("x", "2021-06-01T09:59:59Z")
		 IMG("y", T3, MD5B) DEL("y", "2021-06-01T10:00:01Z") TAIL,
	 MD5A, 4, 3},
	{"deletion of an id not in the file",
	 HEAD IMG("x", T1, MD5A) DEL("zz", T2) TAIL, MD5A, 2, 1},
};

static void applies_deletions_in_timestamp_order(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(order_rows) / sizeof(order_rows[0]);
	     i++) {
		got g = {0};

		if (got_import_text(&g, order_rows[i].xml,
				    NSW_LIST_FORMAT_NCMEC, 1) != 0)
			fail_msg("%s: %s", order_rows[i].name,
				 nsw_error_last());
		if (g.n != (order_rows[i].kept_md5 ? 1u : 0u) ||
		    g.stats.read != order_rows[i].read ||
		    g.stats.excluded != order_rows[i].excluded)
			fail_msg("%s: kept %zu read %llu excluded %llu",
				 order_rows[i].name, g.n,
				 (unsigned long long)g.stats.read,
				 (unsigned long long)g.stats.excluded);
		if (g.n == 1)
			assert_string_equal(got_hex(g.v[0].e.md5, 16),
					    order_rows[i].kept_md5);
		got_free(&g);
	}
}

/* A deleted video does not delete the image with the same id. */
static void keeps_image_and_video_ids_apart(void **state)
{
	const char *xml = HEAD IMG(
		"x", T1,
		MD5A) "</images><videos><deletedVideo><id>x</id><timestamp>" T2
		      "</timestamp></deletedVideo></videos></queryResult>";
	got g = {0};

	(void)state;
	assert_int_equal(got_import_text(&g, xml, NSW_LIST_FORMAT_NCMEC, 1), 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.stats.excluded, 1);
	got_free(&g);
}

static void reads_pdq_fingerprint_and_prefixed_names(void **state)
{
	const char *xml =
		"<n:queryResult xmlns:n=\"https://hashsharing.ncmec.org/"
		"hashsharing/v2\"><n:videos><n:video><n:timestamp>" T1
		"</n:timestamp><n:id>v</n:id><n:fingerprints><n:pdq>"
		"98736629670cc19fc9f23862f66cce1f599e32c78e236c78619d202e9e66c1"
		"57"
		"</n:pdq></n:fingerprints></n:video></n:videos></"
		"n:queryResult>";
	got g = {0};

	(void)state;
	assert_int_equal(got_import_text(&g, xml, NSW_LIST_FORMAT_NCMEC, 1), 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.v[0].e.has, NSW_HAS_PDQ);
	assert_string_equal(
		got_hex(g.v[0].e.pdq.bytes, 32),
		"98736629670cc19fc9f23862f66cce1f599e32c78e236c78619d"
		"202e9e66c157");
	got_free(&g);
}

/* {name, xml, rc, kept, rejected, problem text}. */
static const struct {
	const char *name;
	const char *xml;
	int rc;
	size_t kept;
	uint64_t rejected;
	const char *why;
} bad_rows[] = {
	{"wrong md5 length", HEAD IMG("x", T1, "a1a1") IMG("y", T1, MD5B) TAIL,
	 0, 1, 1, "md5 has 4 hex digits"},
	{"non-hex md5",
	 HEAD IMG("x", T1, "g1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1")
		 IMG("y", T1, MD5B) TAIL,
	 0, 1, 1, "not hex"},
	{"no id", HEAD IMG("", T1, MD5A) IMG("y", T1, MD5B) TAIL, 0, 1, 1,
	 "id"},
	{"bad timestamp",
	 HEAD IMG("x", "yesterday", MD5A) IMG("y", T1, MD5B) TAIL, 0, 1, 1,
	 "timestamp"},
	{"bad classification",
	 HEAD "<image><timestamp>" T1 "</timestamp><id>x</id>"
	      "<classification>A 1</classification><fingerprints><md5>" MD5A
	      "</md5></fingerprints></image>" IMG("y", T1, MD5B) TAIL,
	 0, 1, 1, "classification"},
	{"truncated XML", HEAD IMG("x", T1, MD5A) "<image><id>", NSW_EFORMAT, 0,
	 0, NULL},
	{"not hash sharing", "<html><body/></html>", NSW_EFORMAT, 0, 0, NULL},
	{"not XML", "{\"value\":[]}", NSW_EFORMAT, 0, 0, NULL},
	{"internal entity (billion laughs)",
	 "<?xml version=\"1.0\"?><!DOCTYPE q [<!ENTITY a \"aaaaaaaa\">"
	 "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]>"
	 "<queryResult><images><image><id>&b;</id></image></images>"
	 "</queryResult>",
	 NSW_EFORMAT, 0, 0, NULL},
};

static void rejects_bad_entries_and_documents(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_rows) / sizeof(bad_rows[0]); i++) {
		got g = {0};
		int rc = got_import_text(&g, bad_rows[i].xml,
					 NSW_LIST_FORMAT_NCMEC, 0);

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
		if (bad_rows[i].rejected)
			assert_int_equal(g.first_problem_line, 3);
		got_free(&g);
		assert_true(got_import_text(&g, bad_rows[i].xml,
					    NSW_LIST_FORMAT_NCMEC, 1) < 0);
		got_free(&g);
	}
}

/* An external entity naming a local file must never be read. */
static void never_resolves_external_entities(void **state)
{
	char *dir = ts_tmpdir();
	char *secret = ts_path(dir, "secret.txt");
	char xml[1024];
	got g = {0};

	(void)state;
	assert_int_equal(ts_write_file(secret, "TOPSECRET", 9), 0);
	snprintf(xml, sizeof(xml),
		 "<?xml version=\"1.0\"?>\n<!DOCTYPE queryResult [\n"
		 "<!ENTITY xxe SYSTEM \"file://%s\">]>\n"
		 "<queryResult><images><image><timestamp>" T1 "</timestamp>"
		 "<id>&xxe;</id><fingerprints><md5>" MD5A
		 "</md5></fingerprints></image></images></queryResult>\n",
		 secret);
	assert_int_equal(got_import_text(&g, xml, NSW_LIST_FORMAT_NCMEC, 0),
			 NSW_EFORMAT);
	assert_int_equal(g.n, 0);
	assert_non_null(strstr(nsw_error_last(), "DOCTYPE"));
	assert_null(strstr(nsw_error_last(), "TOPSECRET"));
	got_free(&g);
	ts_tmpdir_remove(dir);
	free(secret);
}

static void caps_depth_and_text(void **state)
{
	const size_t big = (size_t)100 << 10;
	char *xml = malloc(big + 4096);
	size_t n = 0;
	got g = {0};

	(void)state;
	assert_non_null(xml);
	/* 40 nested elements inside an entry: over the depth cap. */
	n += (size_t)snprintf(xml, 4096, "%s<image>", HEAD);
	for (int i = 0; i < 40; i++)
		n += (size_t)snprintf(xml + n, 4096, "<x>");
	xml[n] = '\0';
	assert_int_equal(got_import_text(&g, xml, NSW_LIST_FORMAT_NCMEC, 0),
			 NSW_ELIMIT);
	got_free(&g);
	/* A 100 KiB PhotoDNA: that entry is rejected, not buffered. */
	n = (size_t)snprintf(xml, 4096,
			     "%s<image><timestamp>" T1 "</timestamp><id>x</id>"
			     "<fingerprints><md5>" MD5A "</md5><pdna>",
			     HEAD);
	memset(xml + n, 'p', big);
	n += big;
	snprintf(xml + n, 4096, "</pdna></fingerprints></image>%s%s",
		 IMG("y", T1, MD5B), TAIL);
	assert_int_equal(got_import_text(&g, xml, NSW_LIST_FORMAT_NCMEC, 0), 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.stats.rejected, 1);
	assert_non_null(strstr(g.first_problem, "too long"));
	got_free(&g);
	free(xml);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_ncmec_fixture_fields),
		cmocka_unit_test(applies_deletions_in_timestamp_order),
		cmocka_unit_test(keeps_image_and_video_ids_apart),
		cmocka_unit_test(reads_pdq_fingerprint_and_prefixed_names),
		cmocka_unit_test(rejects_bad_entries_and_documents),
		cmocka_unit_test(never_resolves_external_entities),
		cmocka_unit_test(caps_depth_and_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
