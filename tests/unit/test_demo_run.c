/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The demo operation end to end: generate it, run the whole pipeline, and
 * check that it finds the planted truth (seeder, distributors, device
 * owners, no bystander on top) and that every referral package holds only
 * its own country's suspects, no media, and verifies.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "support.h"
#include "netsweep/netsweep.h"

static char *dir;
static json_t *truth;
static nsw_demo_run_result result;

static int setup(void **state)
{
	char cmd[4096], *truth_path;
	const char *src = getenv("NSW_SOURCE_DIR");
	nsw_demo_summary summary;
	json_error_t err;

	(void)state;
	dir = ts_tmpdir();
	if (nsw_demo_generate(&summary, dir, NSW_DEMO_SMALL, 1) != 0) {
		printf("generate: %s\n", nsw_error_last());
		return -1;
	}
	/* The GeoIP test database from the generated ranges (perl). */
	snprintf(cmd, sizeof(cmd),
		 "cd %s && perl %s/tests/support/make_test_mmdb.pl "
		 "geoip-test.mmdb $(awk -F'\\t' '!/^#/ && NF == 2 "
		 "{ printf \"%%s=%%s \", $1, $2 }' ip-geo.tsv)",
		 dir, src ? src : ".");
	if (system(cmd) != 0)
		printf("note: no GeoIP test database; phones only\n");
	if (nsw_demo_run(&result, dir, NULL, NULL) != 0) {
		printf("pipeline: %s\n", nsw_error_last());
		return -1;
	}
	truth_path = ts_path(dir, "truth.json");
	truth = json_load_file(truth_path, 0, &err);
	free(truth_path);
	return truth ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	json_decref(truth);
	ts_tmpdir_remove(dir);
	return 0;
}

/* Is "platform:id" one of the planted persons (by Telegram id or phone)? */
static int planted(const char *who, const char *role_a, const char *role_b)
{
	const char *id = strchr(who, ':');
	size_t i;
	json_t *a;

	id = id ? id + 1 : who;
	json_array_foreach(json_object_get(truth, "accounts"), i, a)
	{
		const char *tg =
			json_string_value(json_object_get(a, "telegram_id"));
		const char *ph = json_string_value(json_object_get(a, "phone"));
		const char *role =
			json_string_value(json_object_get(a, "role"));

		if (((tg && strcmp(tg, id) == 0) ||
		     (ph && strcmp(ph, id) == 0)) &&
		    role &&
		    (strcmp(role, role_a) == 0 || strcmp(role, role_b) == 0))
			return 1;
	}
	return 0;
}

static void finds_the_planted_seeder(void **state)
{
	char want[160];

	(void)state;
	snprintf(want, sizeof(want), "telegram:%s",
		 json_string_value(json_object_get(truth, "seeder")));
	assert_string_equal(result.seeder, want);
}

static void planted_distributors_top_the_ranking(void **state)
{
	json_t *d;
	size_t i, planted_count;

	(void)state;
	planted_count = json_array_size(json_object_get(
				truth, "central_distributors")) +
			1;
	assert_true(result.ntop >= 2 * planted_count);
	/* Every planted distributor is among the top suspects ... */
	json_array_foreach(json_object_get(truth, "central_distributors"), i, d)
	{
		char want[160];
		int found = 0;

		snprintf(want, sizeof(want), "telegram:%s",
			 json_string_value(d));
		for (size_t k = 0; k < 2 * planted_count; k++)
			found |= strcmp(result.top[k], want) == 0;
		if (!found)
			fail_msg("distributor %s not in the top %zu", want,
				 2 * planted_count);
	}
	/* ... the first ranks are all planted people (seeder or distributor,
	 * under either platform), and no bystander is in the top ten. */
	for (size_t k = 0; k < planted_count; k++)
		if (!planted(result.top[k], "distributor", "seeder"))
			fail_msg("rank %zu is %s, not planted", k + 1,
				 result.top[k]);
	for (size_t k = 0; k < result.ntop; k++)
		if (planted(result.top[k], "bystander", "export-owner"))
			fail_msg("bystander %s at rank %zu", result.top[k],
				 k + 1);
}

static void devices_link_to_their_owners(void **state)
{
	json_t *dev;
	size_t i;

	(void)state;
	json_array_foreach(json_object_get(truth, "devices"), i, dev)
	{
		const char *folder =
			json_string_value(json_object_get(dev, "folder"));
		const char *owner =
			json_string_value(json_object_get(dev, "owner"));
		char want[160];
		int checked = 0;

		snprintf(want, sizeof(want), "telegram:%s", owner);
		for (int k = 0; k < NSW_DEMO_DEVICES; k++) {
			if (strstr(folder, result.device[k]) == NULL ||
			    result.device[k][0] == '\0')
				continue;
			assert_string_equal(result.device_account[k], want);
			checked = 1;
		}
		assert_true(checked);
	}
}

static int is_media(const uint8_t *d, size_t n)
{
	return (n >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF) ||
	       (n >= 4 && memcmp(d, "\x89PNG", 4) == 0) ||
	       (n >= 4 && memcmp(d, "GIF8", 4) == 0) ||
	       (n >= 12 && memcmp(d, "RIFF", 4) == 0 &&
		memcmp(d + 8, "WEBP", 4) == 0);
}

/* Every suspect of another country must not appear in this package. */
static void check_package(const char *cc)
{
	static const char *const files[] = {
		"handling.json", "suspects.jsonl", "activity.csv",
		"items.csv",	 "spread.jsonl",   "timeline.csv",
		"chats.csv",	 "graph.graphml",  "case-vics.json",
		"cover.html",	 "cover.pdf",	   "MANIFEST.txt",
		"MANIFEST.sig"};
	char pkg[4110], path[4400];
	nsw_package_report rep;
	size_t n = sizeof(files) / sizeof(files[0]), count = 0;
	DIR *d;
	struct dirent *e;
	uint8_t *text;
	size_t len;

	snprintf(pkg, sizeof(pkg), "%s/%s", result.referrals, cc);
	assert_int_equal(
		nsw_package_verify(&rep, pkg, result.public_key, NULL, NULL),
		0);
	assert_int_equal(rep.signature, 1);
	d = opendir(pkg);
	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		int known = 0;

		if (e->d_name[0] == '.')
			continue;
		for (size_t i = 0; i < n; i++)
			known |= strcmp(e->d_name, files[i]) == 0;
		if (!known)
			fail_msg("%s: unexpected file %s", cc, e->d_name);
		count++;
		snprintf(path, sizeof(path), "%s/%s", pkg, e->d_name);
		text = ts_read_file(path, &len);
		assert_non_null(text);
		if (is_media(text, len))
			fail_msg("%s/%s is media", cc, e->d_name);
		free(text);
	}
	closedir(d);
	assert_int_equal(count, n);
	/* Suspects: all of this country. */
	snprintf(path, sizeof(path), "%s/suspects.jsonl", pkg);
	text = ts_read_file(path, &len);
	for (char *line = (char *)text; line && *line;) {
		char *nl = strchr(line, '\n');
		json_t *s;

		if (nl)
			*nl = '\0';
		s = json_loads(line, 0, NULL);
		assert_non_null(s);
		assert_string_equal(
			json_string_value(json_object_get(s, "country")), cc);
		assert_string_equal(
			json_string_value(json_object_get(s, "handling")),
			"H2");
		json_decref(s);
		line = nl ? nl + 1 : NULL;
	}
	free(text);
}

struct others {
	const char *cc;
	const char *pkg;
};

/* No identifier of a suspect referred elsewhere is in this package. */
static int not_in_package(void *ctx, const nsw_suspect_row *s)
{
	const struct others *o = ctx;
	static const char *const files[] = {"suspects.jsonl", "activity.csv",
					    "spread.jsonl",   "timeline.csv",
					    "graph.graphml",  "cover.html"};

	if (s->country == NULL || strcmp(s->country, o->cc) == 0 ||
	    strlen(s->native_id) < 6)
		return 0;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char path[4200];
		uint8_t *text;
		size_t len;

		snprintf(path, sizeof(path), "%s/%s", o->pkg, files[i]);
		text = ts_read_file(path, &len);
		assert_non_null(text);
		if (strstr((char *)text, s->native_id) != NULL)
			fail_msg("%s/%s names %s (of %s)", o->cc, files[i],
				 s->native_id, s->country);
		free(text);
	}
	return 0;
}

static void every_package_holds_only_its_country(void **state)
{
	nsw_case *c = NULL;

	(void)state;
	assert_true(result.packages >= 3);
	assert_int_equal(nsw_case_open(&c, result.case_path, NSW_CASE_READONLY),
			 0);
	for (size_t i = 0; i < result.packages && i < 256; i++) {
		char pkg[4110];
		struct others o = {result.package_country[i], pkg};
		nsw_suspect_filter f;

		memset(&f, 0, sizeof(f));
		snprintf(pkg, sizeof(pkg), "%s/%s", result.referrals,
			 result.package_country[i]);
		check_package(result.package_country[i]);
		assert_int_equal(
			nsw_case_suspects_foreach(c, &f, not_in_package, &o),
			0);
	}
	nsw_case_close(c);
}

static void the_case_audit_chain_holds(void **state)
{
	nsw_case *c = NULL;
	nsw_audit_check chk;

	(void)state;
	assert_int_equal(nsw_case_open(&c, result.case_path, NSW_CASE_READONLY),
			 0);
	assert_int_equal(nsw_case_audit_verify(c, &chk), 0);
	assert_int_equal(chk.ok, 1);
	nsw_case_close(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(finds_the_planted_seeder),
		cmocka_unit_test(planted_distributors_top_the_ranking),
		cmocka_unit_test(devices_link_to_their_owners),
		cmocka_unit_test(every_package_holds_only_its_country),
		cmocka_unit_test(the_case_audit_chain_holds),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
