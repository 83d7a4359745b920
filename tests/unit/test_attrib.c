/* SPDX-License-Identifier: Apache-2.0 */
/* Country attribution on a hand-built case whose answers are known. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "netsweep/attrib.h"
#include "netsweep/case.h"
#include "sqldb.h"
#include "store.h"

struct fixture {
	char *dir, *case_path, *mmdb, *log;
	nsw_case *c;
	char problems[2048];
};

/* Accounts: telegram user1 (+1 416: CA), whatsapp +18765550100 (JM),
 * telegram user3 (+44 phone, logs in from NL), telegram user4 (+33 phone,
 * analyst says DE), telegram user5 (+1 212: US), telegram user6 (none). */
static const char seed_sql[] =
	"INSERT INTO platforms(id, name) VALUES(1, 'telegram'), "
	"(2, 'whatsapp');"
	"INSERT INTO accounts(id, platform_id, native_id) VALUES"
	"(1, 1, 'user1'), (2, 2, '+18765550100'), (3, 1, 'user3'),"
	"(4, 1, 'user4'), (5, 1, 'user5'), (6, 1, 'user6');"
	"INSERT INTO account_names(account_id, kind, value) VALUES"
	"(1, 'phone', '+1 (416) 555-0100'), (3, 'phone', '+44 7700 900123'),"
	"(3, 'username', 'alias3'), (4, 'phone', '+33 6 12 34 56 78'),"
	"(5, 'phone', '+12125550100'), (6, 'phone', '0301234567');";

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char cmd[2048];
	const char *src = getenv("NSW_SOURCE_DIR");
	const char *log = "account,ip,timestamp\n"
			  "user3,198.51.100.7,2024-03-01T10:00:00Z\n"
			  "alias3,198.51.100.9,2024-03-02T10:00:00Z\n"
			  "user1,192.0.2.44,2024-03-01T11:00:00Z\n"
			  "nobody,198.51.100.7,2024-03-01T12:00:00Z\n"
			  "user5,not-an-ip,2024-03-01T12:00:00Z\n"
			  "broken line without commas\n";

	f->dir = ts_tmpdir();
	f->case_path = ts_path(f->dir, "c.nsdb");
	f->mmdb = ts_path(f->dir, "geo.mmdb");
	f->log = ts_path(f->dir, "ips.csv");
	snprintf(cmd, sizeof(cmd),
		 "perl %s/tests/support/make_test_mmdb.pl %s "
		 "'::198.51.100.0/120=NL'",
		 src ? src : ".", f->mmdb);
	if (system(cmd) != 0 || ts_write_file(f->log, log, strlen(log)) != 0)
		return -1;
	if (nsw_case_create(&f->c, f->case_path, "Op Test", "examiner") != 0)
		return -1;
	if (nsw_sqldb_exec(f->c->db, seed_sql) != 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	nsw_case_close(f->c);
	ts_tmpdir_remove(f->dir);
	free(f->case_path);
	free(f->mmdb);
	free(f->log);
	free(f);
	return 0;
}

static void note_problem(void *ctx, const char *file, uint64_t line,
			 const char *message)
{
	struct fixture *f = ctx;
	size_t n = strlen(f->problems);

	(void)file;
	snprintf(f->problems + n, sizeof(f->problems) - n, "%llu:%s|",
		 (unsigned long long)line, message);
}

struct seen {
	char chosen[8][3];
	int conflict[8];
	size_t bases[8];
};

static int collect(void *ctx, const nsw_attrib_account *a)
{
	struct seen *s = ctx;

	if (a->account_id < 8) {
		memcpy(s->chosen[a->account_id], a->chosen, 3);
		s->conflict[a->account_id] = a->conflict;
		s->bases[a->account_id] = a->basis_count;
	}
	return 0;
}

static void attributes_by_phone_ip_and_analyst(void **state)
{
	struct fixture *f = *state;
	nsw_attrib_options opt = {f->mmdb, f->log, note_problem, f};
	nsw_attrib_stats st;
	struct seen s;
	char cc[3];

	assert_int_equal(nsw_attrib_run(f->c, &opt, &st), 0);
	assert_int_equal(st.phones_attributed, 5); /* 6's is national */
	assert_int_equal(st.phones_unusable, 1);
	assert_int_equal(st.ip_rows, 5);
	assert_int_equal(st.ip_attributed, 2);
	assert_int_equal(st.ip_not_found, 1); /* 192.0.2.44 */
	assert_int_equal(st.ip_unmatched, 1);
	assert_int_equal(st.ip_rejected, 2);
	assert_non_null(strstr(f->problems, "5:account 'nobody'"));
	assert_non_null(strstr(f->problems, "6:'not-an-ip'"));
	assert_non_null(strstr(f->problems, "7:expected account,ip"));
	assert_int_equal(nsw_attrib_assert(f->c, "telegram:user4", "de",
					   "passport scan in provider return"),
			 0);
	assert_int_equal(nsw_attrib_assert(f->c, "ghost", "DE", "x"),
			 NSW_ENOTFOUND);
	assert_int_equal(nsw_attrib_assert(f->c, "user4", "Germany", "x"),
			 NSW_EINVAL);

	memset(&s, 0, sizeof(s));
	assert_int_equal(nsw_attrib_foreach(f->c, collect, &s), 0);
	/* NANP: one calling code, three countries by area code. */
	assert_string_equal(s.chosen[1], "CA");
	assert_string_equal(s.chosen[2], "JM");
	assert_string_equal(s.chosen[5], "US");
	/* Phone says GB, two logins say NL: the logins win, the conflict
	 * stays visible with both bases. */
	assert_string_equal(s.chosen[3], "NL");
	assert_int_equal(s.conflict[3], 1);
	assert_int_equal(s.bases[3], 2);
	/* The analyst outranks the phone. */
	assert_string_equal(s.chosen[4], "DE");
	assert_int_equal(s.conflict[4], 1);
	assert_string_equal(s.chosen[6], "");
	assert_int_equal(nsw_attrib_country(f->c, 3, cc), 0);
	assert_string_equal(cc, "NL");
	assert_int_equal(nsw_attrib_country(f->c, 6, cc), NSW_ENOTFOUND);
}

static int count_rows(void *ctx, const nsw_attrib_account *a)
{
	*(size_t *)ctx += a->basis_count;
	return 0;
}

static void rerun_replaces_derived_rows_and_keeps_analyst_ones(void **state)
{
	struct fixture *f = *state;
	nsw_attrib_options opt = {f->mmdb, f->log, NULL, NULL};
	nsw_attrib_stats st;
	size_t before = 0, after = 0;
	char cc[3];

	assert_int_equal(nsw_attrib_foreach(f->c, count_rows, &before), 0);
	assert_int_equal(nsw_attrib_run(f->c, &opt, &st), 0);
	assert_int_equal(nsw_attrib_foreach(f->c, count_rows, &after), 0);
	assert_int_equal(before, after);
	assert_int_equal(nsw_attrib_country(f->c, 4, cc), 0);
	assert_string_equal(cc, "DE");
}

static void geoip_and_log_go_together(void **state)
{
	struct fixture *f = *state;
	nsw_attrib_options opt = {NULL, f->log, NULL, NULL};
	nsw_attrib_stats st;

	assert_int_equal(nsw_attrib_run(f->c, &opt, &st), NSW_EINVAL);
	opt.geoip_path = "/nonexistent.mmdb";
	assert_int_equal(nsw_attrib_run(f->c, &opt, &st), NSW_ENOTFOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(attributes_by_phone_ip_and_analyst),
		cmocka_unit_test(
			rerun_replaces_derived_rows_and_keeps_analyst_ones),
		cmocka_unit_test(geoip_and_log_go_together),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
