/* SPDX-License-Identifier: Apache-2.0 */
/* Phone normalisation and country by calling code (phone.c). */
#include <string.h>

#include "support.h"
#include "netsweep/phone.h"

struct row {
	const char *text;
	const char *default_code;
	int rc;
	const char *number;
	const char *country;
};

static const struct row rows[] = {
	/* international forms and separators */
	{"+44 20 7946 0958", NULL, 0, "+442079460958", "GB"},
	{"0044 (20) 7946-0958", NULL, 0, "+442079460958", "GB"},
	{"+49 30 901820", NULL, 0, "+4930901820", "DE"},
	{"\xE2\x80\x8E+34\xC2\xA0"
	 "612 345 678",
	 NULL, 0, "+34612345678", "ES"},
	{"+7 701 123 4567", NULL, 0, "+77011234567", "KZ"},
	{"+7 495 123 4567", NULL, 0, "+74951234567", "RU"},
	{"+44 1481 712345", NULL, 0, "+441481712345", "GG"},
	{"+39 06 698 12345", NULL, 0, "+390669812345", "VA"},
	{"+39 06 4880 1234", NULL, 0, "+390648801234", "IT"},
	/* the North American plan: one code, many countries */
	{"+1 212 555 0100", NULL, 0, "+12125550100", "US"},
	{"+1 (416) 555-0100", NULL, 0, "+14165550100", "CA"},
	{"+1 876 555 0100", NULL, 0, "+18765550100", "JM"},
	{"+1 787 555 0100", NULL, 0, "+17875550100", "PR"},
	{"+1 809 555 0100", NULL, 0, "+18095550100", "DO"},
	{"+1 242 555 0100", NULL, 0, "+12425550100", "BS"},
	/* non-geographic: E.164 but no country */
	{"+881 6 1234 5678", NULL, 0, "+881612345678", ""},
	/* national numbers stay national unless told the country */
	{"030 901820", NULL, 0, "030901820", ""},
	{"030 901820", "49", 0, "+4930901820", "DE"},
	/* not phone numbers */
	{"alice", NULL, -5, NULL, NULL},
	{"+12", NULL, -5, NULL, NULL},
	{"+1234567890123456", NULL, -5, NULL, NULL},
	{"", NULL, -5, NULL, NULL},
};

static void parses_and_attributes_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		nsw_phone p;
		int rc = nsw_phone_parse(&p, rows[i].text, strlen(rows[i].text),
					 rows[i].default_code);

		if (rc != rows[i].rc)
			fail_msg("row %zu (%s): rc %d, want %d", i,
				 rows[i].text, rc, rows[i].rc);
		if (rc != 0)
			continue;
		assert_string_equal(p.number, rows[i].number);
		assert_string_equal(p.country, rows[i].country);
	}
}

static void country_needs_e164_input(void **state)
{
	char cc[3], prefix[8];

	(void)state;
	assert_int_equal(nsw_phone_country(cc, prefix, "4420"), NSW_EINVAL);
	assert_int_equal(nsw_phone_country(cc, prefix, "+44a"), NSW_EINVAL);
	assert_int_equal(nsw_phone_country(cc, prefix, "+0123"), NSW_ENOTFOUND);
	assert_int_equal(nsw_phone_country(cc, prefix, "+4420"), 0);
	assert_string_equal(cc, "GB");
	assert_string_equal(prefix, "44");
	assert_int_equal(nsw_phone_country(cc, prefix, "+18765550100"), 0);
	assert_string_equal(prefix, "1876");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_and_attributes_table),
		cmocka_unit_test(country_needs_e164_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
