/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the streaming JSON reader (json_stream.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "json_stream.h"
#include "netsweep/common.h"

/* Records every event as text, e.g. "{ k:a s:b n:1 }", with lines. */
struct recorder {
	char log[4096];
	size_t len;
	nsw_json_stream *s;
	uint64_t line_of_key_x;
};

static void rec(struct recorder *r, const char *kind, const char *t, size_t n)
{
	int w = snprintf(r->log + r->len, sizeof(r->log) - r->len, "%s%.*s ",
			 kind, (int)n, t ? t : "");
	if (w > 0)
		r->len += (size_t)w;
}

static int on_null(void *c)
{
	rec(c, "null", NULL, 0);
	return 0;
}
static int on_bool(void *c, int v)
{
	rec(c, v ? "true" : "false", NULL, 0);
	return 0;
}
static int on_num(void *c, const char *t, size_t n)
{
	rec(c, "n:", t, n);
	return 0;
}
static int on_str(void *c, const char *t, size_t n)
{
	rec(c, "s:", t, n);
	return 0;
}
static int on_key(void *c, const char *t, size_t n)
{
	struct recorder *r = c;

	if (n == 1 && t[0] == 'x')
		r->line_of_key_x = nsw_json_stream_line(r->s);
	rec(c, "k:", t, n);
	return 0;
}
static int on_sm(void *c)
{
	rec(c, "{", NULL, 0);
	return 0;
}
static int on_em(void *c)
{
	rec(c, "}", NULL, 0);
	return 0;
}
static int on_sa(void *c)
{
	rec(c, "[", NULL, 0);
	return 0;
}
static int on_ea(void *c)
{
	rec(c, "]", NULL, 0);
	return 0;
}

static const nsw_json_handlers handlers = {
	on_null, on_bool, on_num, on_str, on_sm, on_key, on_em, on_sa, on_ea};

/* Parse `text` fed in pieces of `step` bytes. */
static int parse(struct recorder *r, const char *text, size_t len, size_t step,
		 unsigned flags)
{
	int rc;

	memset(r, 0, sizeof(*r));
	rc = nsw_json_stream_new(&r->s, &handlers, r, "t.json", flags);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < len && rc == 0; i += step) {
		size_t n = len - i < step ? len - i : step;

		rc = nsw_json_stream_feed(r->s, (const uint8_t *)text + i, n);
	}
	if (rc == 0)
		rc = nsw_json_stream_finish(r->s);
	nsw_json_stream_free(r->s);
	r->s = NULL;
	return rc;
}

static void events_are_the_same_for_any_split(void **state)
{
	const char *doc = "\xEF\xBB\xBF{\"a\": [1, -2.5e3, true, false, null],"
			  " \"b\": {\"c\": \"d\\u00e9\"}}";
	struct recorder one, r;

	(void)state;
	assert_int_equal(parse(&one, doc, strlen(doc), 4096, 0), 0);
	assert_string_equal(one.log, "{ k:a [ n:1 n:-2.5e3 true false null ] "
				     "k:b { k:c s:d\xC3\xA9 } } ");
	for (size_t step = 1; step < 8; step++) {
		assert_int_equal(parse(&r, doc, strlen(doc), step, 0), 0);
		assert_string_equal(r.log, one.log);
	}
}

static void callbacks_know_their_line(void **state)
{
	const char *doc = "{\n \"a\": 1,\n \"b\": 2,\n \"x\": 3\n}\n";
	struct recorder r;

	(void)state;
	assert_int_equal(parse(&r, doc, strlen(doc), 3, 0), 0);
	assert_int_equal(r.line_of_key_x, 4);
}

static void truncated_document_names_file_and_line(void **state)
{
	const char *doc = "{\n \"a\": [1,\n 2,\n";
	struct recorder r;

	(void)state;
	assert_int_equal(parse(&r, doc, strlen(doc), 5, 0), NSW_EFORMAT);
	assert_non_null(strstr(nsw_error_last(), "t.json:"));
}

static void syntax_error_reports_its_line(void **state)
{
	const char *doc = "{\n\"a\": 1,\n\"b\": ]\n}";
	struct recorder r;

	(void)state;
	assert_int_equal(parse(&r, doc, strlen(doc), 100, 0), NSW_EFORMAT);
	assert_non_null(strstr(nsw_error_last(), "t.json:3:"));
}

static void hex_escapes_are_fixed_only_when_asked(void **state)
{
	const char *doc = "[\"a\\x41b\", \"\\\\x41\"]";
	struct recorder r;

	(void)state;
	assert_int_equal(parse(&r, doc, strlen(doc), 1, 0), NSW_EFORMAT);
	assert_int_equal(
		parse(&r, doc, strlen(doc), 1, NSW_JSON_FIX_HEX_ESCAPES), 0);
	/* \x41 became A; the escaped backslash before x41 stayed literal. */
	assert_string_equal(r.log, "[ s:aAb s:\\x41 ] ");
}

static void deep_nesting_is_refused(void **state)
{
	size_t n = 10000;
	char *doc = malloc(2 * n + 1);
	struct recorder r;

	(void)state;
	memset(doc, '[', n);
	memset(doc + n, ']', n);
	doc[2 * n] = 0;
	assert_int_equal(parse(&r, doc, 2 * n, 4096, 0), NSW_ELIMIT);
	assert_non_null(strstr(nsw_error_last(), "nested deeper"));
	free(doc);
}

static void huge_string_is_refused(void **state)
{
	size_t n = (16u << 20) + 100;
	char *doc = malloc(n + 3);
	struct recorder r;

	(void)state;
	doc[0] = '"';
	memset(doc + 1, 'a', n);
	doc[n + 1] = '"';
	doc[n + 2] = 0;
	assert_int_equal(parse(&r, doc, n + 2, 1 << 20, 0), NSW_ELIMIT);
	assert_non_null(strstr(nsw_error_last(), "longer than"));
	free(doc);
}

static void invalid_utf8_is_refused(void **state)
{
	const char *doc = "[\"\xff\xfe\"]";
	struct recorder r;

	(void)state;
	assert_int_equal(parse(&r, doc, strlen(doc), 64, 0), NSW_EFORMAT);
	assert_int_equal(parse(&r, doc, strlen(doc), 64, NSW_JSON_RAW_STRINGS),
			 0);
}

static int stop_at_b(void *c, const char *t, size_t n)
{
	(void)c;
	(void)t;
	if (n == 1 && t[0] == 'b')
		return NSW_EUNSUPPORTED;
	return 0;
}

static void a_callback_can_stop_the_parse(void **state)
{
	nsw_json_handlers h = {0};
	nsw_json_stream *s = NULL;
	const char *doc = "{\"a\":1,\"b\":2}";

	(void)state;
	h.map_key = stop_at_b;
	int rc;

	assert_int_equal(nsw_json_stream_new(&s, &h, NULL, "x", 0), 0);
	/* Pieces reach yajl at newlines or at finish: either may stop. */
	rc = nsw_json_stream_feed(s, (const uint8_t *)doc, strlen(doc));
	if (rc == 0)
		rc = nsw_json_stream_finish(s);
	assert_int_equal(rc, NSW_EUNSUPPORTED);
	/* Sticky: nothing more is accepted. */
	assert_int_equal(nsw_json_stream_feed(s, (const uint8_t *)"1", 1),
			 NSW_EUNSUPPORTED);
	nsw_json_stream_free(s);
}

static void parse_file_reads_in_bounded_chunks(void **state)
{
	char *dir = ts_tmpdir(), *path = ts_path(dir, "a.json");
	struct recorder r;
	const char *doc = "{\"k\": [\"v\"]}";

	(void)state;
	assert_int_equal(ts_write_file(path, doc, strlen(doc)), 0);
	memset(&r, 0, sizeof(r));
	assert_int_equal(nsw_json_parse_file(path, &handlers, &r, 0), 0);
	assert_string_equal(r.log, "{ k:k [ s:v ] } ");
	assert_int_equal(
		nsw_json_parse_file("/nonexistent/x.json", &handlers, &r, 0),
		NSW_ENOTFOUND);
	free(path);
	ts_tmpdir_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(events_are_the_same_for_any_split),
		cmocka_unit_test(callbacks_know_their_line),
		cmocka_unit_test(truncated_document_names_file_and_line),
		cmocka_unit_test(syntax_error_reports_its_line),
		cmocka_unit_test(hex_escapes_are_fixed_only_when_asked),
		cmocka_unit_test(deep_nesting_is_refused),
		cmocka_unit_test(huge_string_is_refused),
		cmocka_unit_test(invalid_utf8_is_refused),
		cmocka_unit_test(a_callback_can_stop_the_parse),
		cmocka_unit_test(parse_file_reads_in_bounded_chunks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
