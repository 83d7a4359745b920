/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Deconfliction without disclosure: two cases with a planted overlap of 2
 * accounts, 1 phone (written differently, on different account ids) and 3
 * items; the tokens find exactly those, carry no plaintext, and a
 * different key finds nothing.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "netsweep/case.h"
#include "netsweep/merge.h"
#include "netsweep/sign.h"
#include "sqldb.h"
#include "store.h"

struct fixture {
	char *dir, *a_path, *b_path, *tokens_b, *key_path;
	nsw_case *a, *b;
};

static const uint8_t key1[] = "operation-nightjar-2026";
static const uint8_t key2[] = "a-different-operation-key";

static const char *hex32(char out[65], const char *pair)
{
	for (int i = 0; i < 32; i++)
		memcpy(out + 2 * i, pair, 2);
	out[64] = '\0';
	return out;
}

static int add_file(nsw_case *c, const char *path, const char *pair)
{
	char sql[1024], h[65];

	hex32(h, pair);
	snprintf(sql, sizeof(sql),
		 "INSERT INTO files(evidence_id, path, display_path, sha256, "
		 "md5, status, recorded_utc) VALUES(1, CAST('%s' AS BLOB), "
		 "'%s', X'%s', X'%.32s', 'ok', '2026-01-01T00:00:00.000Z')",
		 path, path, h, h);
	return nsw_sqldb_exec(c->db, sql);
}

static const char base_sql[] =
	"INSERT INTO platforms(id, name) VALUES(1, 'telegram'), (2, "
	"'whatsapp');"
	"INSERT INTO evidence(id, label, kind, source_path, added_by, "
	"added_utc) VALUES(1, 'e', 'directory', X'2f', 'x', "
	"'2026-01-01T00:00:00.000Z');";

/* A: telegram user1 and user2 (shared), user3 (a +1 phone), telegram user4 with
 * phone +44 7700 900123 (the shared phone, B has it on user40); items 11, 22,
 * 33 shared, 44 ours only. */
static int make_a(nsw_case *c)
{
	int rc = nsw_sqldb_exec(
		c->db,
		"INSERT INTO accounts(id, platform_id, native_id) VALUES(1, 1, "
		"'user1'), (2, 1, 'user2'), (3, 1, 'user3'), (4, 1, "
		"'user4');"
		"INSERT INTO account_names(account_id, kind, value) VALUES(4, "
		"'phone', '+44 7700 900123'), (3, 'phone', '+12125550100');");

	rc = rc ? rc : add_file(c, "1", "11");
	rc = rc ? rc : add_file(c, "2", "22");
	rc = rc ? rc : add_file(c, "3", "33");
	rc = rc ? rc : add_file(c, "4", "44");
	return rc;
}

/* B: the same two accounts, user40 with 0044 7700 900123, user5 (a +33
 * phone A does not have), whatsapp +4915100000000; items 11, 22, 33, 55. */
static int make_b(nsw_case *c)
{
	int rc = nsw_sqldb_exec(
		c->db,
		"INSERT INTO accounts(id, platform_id, native_id) VALUES(1, 1, "
		"'user1'), (2, 1, 'user2'), (3, 1, 'user40'), (4, 1, "
		"'user5'), (5, 2, '+4915100000000');"
		"INSERT INTO account_names(account_id, kind, value) VALUES(3, "
		"'phone', '0044 7700 900123'), (4, 'phone', '+33612345678');");

	rc = rc ? rc : add_file(c, "a", "11");
	rc = rc ? rc : add_file(c, "b", "22");
	rc = rc ? rc : add_file(c, "c", "33");
	rc = rc ? rc : add_file(c, "d", "55");
	return rc;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	nsw_token_counts n;

	f->dir = ts_tmpdir();
	f->a_path = ts_path(f->dir, "a.nsdb");
	f->b_path = ts_path(f->dir, "b.nsdb");
	f->tokens_b = ts_path(f->dir, "b.jsonl");
	f->key_path = ts_path(f->dir, "key");
	if (nsw_case_create(&f->a, f->a_path, "A", "a") != 0 ||
	    nsw_case_create(&f->b, f->b_path, "B", "b") != 0 ||
	    nsw_sqldb_exec(f->a->db, base_sql) != 0 ||
	    nsw_sqldb_exec(f->b->db, base_sql) != 0 || make_a(f->a) != 0 ||
	    make_b(f->b) != 0 ||
	    nsw_tokens_write(f->b, key1, sizeof(key1) - 1, f->tokens_b, &n) !=
		    0) {
		fprintf(stderr, "setup: %s\n", nsw_error_last());
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	nsw_case_close(f->a);
	nsw_case_close(f->b);
	ts_tmpdir_remove(f->dir);
	free(f->a_path);
	free(f->b_path);
	free(f->tokens_b);
	free(f->key_path);
	free(f);
	return 0;
}

struct found {
	int n;
	char text[16][96];
};

static int collect(void *ctx, const nsw_deconflict_match *m)
{
	struct found *s = ctx;

	if (s->n < 16)
		snprintf(s->text[s->n], sizeof(s->text[0]), "%s %s %lld",
			 m->kind, m->value, (long long)m->account_id);
	s->n++;
	return 0;
}

static void finds_exactly_the_planted_overlap(void **state)
{
	struct fixture *f = *state;
	nsw_deconflict_result r;
	struct found s;
	char h[65], want[96];
	static const char *const items[3] = {"11", "22", "33"};

	memset(&s, 0, sizeof(s));
	assert_int_equal(nsw_deconflict(f->a, key1, sizeof(key1) - 1,
					f->tokens_b, collect, &s, &r),
			 0);
	/* B: 5 accounts, 3 phones (a whatsapp id is a phone too), 4
	 * sha256 and 4 md5. */
	assert_int_equal(r.tokens_read, 5 + 3 + 4 + 4);
	assert_int_equal(r.lines_rejected, 0);
	assert_int_equal(r.matched.accounts, 2);
	/* The +44 phone, written differently on each side. */
	assert_int_equal(r.matched.phones, 1);
	assert_int_equal(r.matched.sha256, 3);
	assert_int_equal(r.matched.md5, 3);
	assert_int_equal(r.matched.sha1, 0);
	assert_int_equal(s.n, 2 + 1 + 3 + 3);
	assert_string_equal(s.text[0], "account telegram:user1 1");
	assert_string_equal(s.text[1], "account telegram:user2 2");
	assert_string_equal(s.text[2], "phone +447700900123 4");
	for (int i = 0; i < 3; i++) {
		snprintf(want, sizeof(want), "sha256 %s 0", hex32(h, items[i]));
		assert_string_equal(s.text[3 + i], want);
		snprintf(want, sizeof(want), "md5 %.32s 0", hex32(h, items[i]));
		assert_string_equal(s.text[6 + i], want);
	}
}

static void another_key_finds_nothing(void **state)
{
	struct fixture *f = *state;
	nsw_deconflict_result r;
	struct found s;

	memset(&s, 0, sizeof(s));
	assert_int_equal(nsw_deconflict(f->a, key2, sizeof(key2) - 1,
					f->tokens_b, collect, &s, &r),
			 0);
	assert_int_equal(r.tokens_read, 16);
	assert_int_equal(s.n, 0);
	assert_int_equal(r.matched.accounts + r.matched.phones +
				 r.matched.sha256 + r.matched.md5,
			 0);
}

static void tokens_hold_no_plaintext_and_follow_the_format(void **state)
{
	struct fixture *f = *state;
	size_t len = 0;
	char *text = (char *)ts_read_file(f->tokens_b, &len);
	char h[65], tok[65];
	const uint8_t in[] = "account\0telegram\0user1";

	assert_non_null(text);
	text = realloc(text, len + 1);
	text[len] = '\0';
	assert_null(strstr(text, "user1"));
	assert_null(strstr(text, "7700"));
	assert_null(strstr(text, "4915"));
	assert_null(strstr(text, "telegram"));
	assert_null(strstr(text, hex32(h, "11")));
	assert_null(strstr(text, "1111111111"));
	/* The documented input: kind NUL platform NUL id. */
	{
		uint8_t mac[32];
		char line[160];

		assert_int_equal(nsw_hmac_sha256(mac, key1, sizeof(key1) - 1,
						 in, sizeof(in) - 1),
				 0);
		for (int i = 0; i < 32; i++)
			snprintf(tok + 2 * i, 3, "%02x", mac[i]);
		snprintf(line, sizeof(line),
			 "{\"kind\":\"account\",\"token\":\"%s\"}\n", tok);
		assert_non_null(strstr(text, line));
		assert_int_equal(nsw_token_compute(h, key1, sizeof(key1) - 1,
						   "account", "telegram\0user1",
						   14),
				 0);
		assert_string_equal(h, tok);
	}
	free(text);
}

static void reads_keys_and_rejects_bad_lines(void **state)
{
	struct fixture *f = *state;
	uint8_t key[NSW_TOKEN_KEY_MAX];
	size_t n = 0;
	nsw_deconflict_result r;
	char *bad = ts_path(f->dir, "bad.jsonl");
	const char *lines = "{\"kind\":\"account\",\"token\":\"zz\"}\n"
			    "{\"kind\":\"nope\",\"token\":\"00\"}\n"
			    "not json\n"
			    "{ \"token\" : \"0000000000000000000000000000000"
			    "000000000000000000000000000000000\", \"kind\": "
			    "\"sha256\" }\n";

	assert_int_equal(
		ts_write_file(f->key_path, "operation-nightjar-2026\n", 24), 0);
	assert_int_equal(nsw_token_key_read(key, &n, f->key_path), 0);
	assert_int_equal(n, sizeof(key1) - 1);
	assert_memory_equal(key, key1, n);
	assert_int_equal(ts_write_file(f->key_path, "short\n", 6), 0);
	assert_int_equal(nsw_token_key_read(key, &n, f->key_path), NSW_EINVAL);

	assert_int_equal(ts_write_file(bad, lines, strlen(lines)), 0);
	assert_int_equal(nsw_deconflict(f->a, key1, sizeof(key1) - 1, bad, NULL,
					NULL, &r),
			 0);
	assert_int_equal(r.lines_rejected, 3);
	assert_int_equal(r.tokens_read, 1);
	free(bad);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			finds_exactly_the_planted_overlap, setup, teardown),
		cmocka_unit_test_setup_teardown(another_key_finds_nothing,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			tokens_hold_no_plaintext_and_follow_the_format, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			reads_keys_and_rejects_bad_lines, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
