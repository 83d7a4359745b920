/* SPDX-License-Identifier: Apache-2.0 */
/* IP -> country through a test .mmdb built with MaxMind's Perl writer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "netsweep/geoip.h"

static char *dir;
static char *mmdb;

static int build_db(void **state)
{
	char cmd[2048];
	const char *src = getenv("NSW_SOURCE_DIR");

	(void)state;
	dir = ts_tmpdir();
	mmdb = ts_path(dir, "test.mmdb");
	snprintf(cmd, sizeof(cmd),
		 "perl %s/tests/support/make_test_mmdb.pl %s "
		 "'::198.51.100.0/120=NL' '::203.0.113.0/120=BR' "
		 "'2001:db8::/32=JP'",
		 src ? src : ".", mmdb);
	return system(cmd) == 0 ? 0 : -1;
}

static int remove_db(void **state)
{
	(void)state;
	free(mmdb);
	ts_tmpdir_remove(dir);
	return 0;
}

static void looks_up_ipv4_and_ipv6(void **state)
{
	nsw_geoip *db = NULL;
	char cc[3];

	(void)state;
	assert_int_equal(nsw_geoip_open(&db, mmdb), 0);
	assert_string_equal(nsw_geoip_type(db), "netsweep-Test-Country");
	assert_int_equal(nsw_geoip_country(cc, db, "198.51.100.7"), 0);
	assert_string_equal(cc, "NL");
	assert_int_equal(nsw_geoip_country(cc, db, "203.0.113.250"), 0);
	assert_string_equal(cc, "BR");
	assert_int_equal(nsw_geoip_country(cc, db, "2001:db8::1"), 0);
	assert_string_equal(cc, "JP");
	assert_int_equal(nsw_geoip_country(cc, db, "192.0.2.1"), NSW_ENOTFOUND);
	assert_int_equal(nsw_geoip_country(cc, db, "not-an-ip"), NSW_EINVAL);
	nsw_geoip_free(db);
}

static void refuses_missing_and_corrupt_databases(void **state)
{
	nsw_geoip *db = NULL;
	char *bad = ts_path(dir, "bad.mmdb");

	(void)state;
	assert_int_equal(nsw_geoip_open(&db, "/nonexistent.mmdb"),
			 NSW_ENOTFOUND);
	assert_null(db);
	assert_int_equal(ts_write_file(bad, "garbage, not a database", 23), 0);
	assert_int_equal(nsw_geoip_open(&db, bad), NSW_EFORMAT);
	assert_non_null(strstr(nsw_error_last(), "bad.mmdb"));
	free(bad);
	nsw_geoip_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(looks_up_ipv4_and_ipv6),
		cmocka_unit_test(refuses_missing_and_corrupt_databases),
	};
	return cmocka_run_group_tests(tests, build_db, remove_db);
}
