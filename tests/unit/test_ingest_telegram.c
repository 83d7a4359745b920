/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the Telegram Desktop JSON parser (ingest_telegram.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support.h"
#include "alloc.h"
#include "ingest_recorder.h"
#include "netsweep/common.h"

/* Every Telegram fixture, with what reading the file by hand gives. */
static const struct fixture {
	const char *dir; /* under tests/data/third_party */
	const char *name;
	unsigned chats, accounts, messages, service, membership, media,
		not_exported;
} fixtures[] = {
	{"chat-miner", "chat-miner_test_single_export.json", 1, 2, 2, 0, 0, 0,
	 0},
	{"chat-miner", "chat-miner_test_batch_export.json", 1, 2, 2, 0, 0, 0,
	 0},
	/* 7 messages, 2 service (create_channel -> membership, pin). */
	{"telegram-chat-parser", "innerdvations_private_channel.json", 1, 1, 7,
	 2, 1, 0, 0},
	/* 21 messages; media: photo, animation+thumb, voice, animation,
	 * sticker+thumb, video+thumb placeholders = 9, 2 not exported. */
	{"telegram-chat-parser", "innerdvations_saved.json", 1, 2, 21, 1, 0, 9,
	 2},
};

static struct rec *ingest(const char *path, const char *tz, int *rc)
{
	nsw_ingest_sink sink;
	nsw_ingest_options opt;
	nsw_ingest_stats st;
	struct rec *r = rec_new(&sink);

	memset(&opt, 0, sizeof(opt));
	memset(&st, 0, sizeof(st));
	opt.format = NSW_INGEST_FORMAT_AUTO;
	opt.timezone = tz;
	*rc = nsw_ingest_file(&st, path, &opt, &sink);
	/* The stats agree with what the sink saw. */
	assert_int_equal(st.messages, r->messages);
	assert_int_equal(st.chats, r->chats);
	assert_int_equal(st.membership, r->membership);
	assert_int_equal(st.media, r->media);
	assert_int_equal(st.problems, r->problems);
	return r;
}

static void check_fixture(const char *path, const struct fixture *f)
{
	int rc;
	struct rec *r = ingest(path, NULL, &rc);

	assert_int_equal(rc, 0);
	assert_int_equal(r->chats, f->chats);
	assert_int_equal(r->accounts, f->accounts);
	assert_int_equal(r->messages, f->messages);
	assert_int_equal(r->service, f->service);
	assert_int_equal(r->membership, f->membership);
	assert_int_equal(r->media, f->media);
	assert_int_equal(r->not_exported, f->not_exported);
	assert_int_equal(r->problems, 0);
	free(r);
}

static void ingests_bundled_fixtures_with_expected_counts(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		char path[1024];

		snprintf(path, sizeof(path), "%s/third_party/%s/%s",
			 ts_test_data(), fixtures[i].dir, fixtures[i].name);
		check_fixture(path, &fixtures[i]);
	}
}

static void ingests_shared_fixtures_with_expected_counts(void **state)
{
	const char *shared = ts_shared_dir("Telegram fixtures");

	(void)state;
	if (shared == NULL)
		return;
	for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		char path[1024];

		snprintf(path, sizeof(path), "%s/formats/fixtures/telegram/%s",
			 shared, fixtures[i].name);
		check_fixture(path, &fixtures[i]);
	}
}

static char *bundled(const char *dir, const char *name)
{
	static char path[1024];

	snprintf(path, sizeof(path), "%s/third_party/%s/%s", ts_test_data(),
		 dir, name);
	return path;
}

static void reads_fields_of_the_saved_messages_export(void **state)
{
	int rc, i;
	struct rec *r;

	(void)state;
	r = ingest(bundled("telegram-chat-parser", "innerdvations_saved.json"),
		   NULL, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(r->chat[0], "9999999999|-|private|-|telegram");
	/* Old numeric from_id becomes "user<N>"; `date` is local (flag 1)
	 * read as UTC: 2020-08-01T22:01:49Z. */
	assert_string_equal(r->msg[0],
			    "173429|9999999999|1596319309|1|user9999999999|Ben|"
			    "-|-|-|-|-|I'm a photo message sent straight to "
			    "saved.");
	/* Entity runs concatenated. */
	i = rec_find(r->msg, r->messages, "173430|");
	assert_true(i >= 0);
	assert_non_null(strstr(r->msg[i], "|bold italic strikethrough "
					  "underline @person http://google.com "
					  "monospace "
					  "http://mystery.knightlab.com/"));
	i = rec_find(r->msg, r->messages, "176390|");
	assert_non_null(strstr(r->msg[i], "|Other Person|Other Person|-|-|"));
	i = rec_find(r->msg, r->messages, "226106|");
	assert_non_null(strstr(r->msg[i], "|-|@gif|-|"));
	i = rec_find(r->msg, r->messages, "7|");
	assert_non_null(strstr(r->msg[i], "|6|-|-|reply to quiz"));
	/* Media kinds and placeholders. */
	i = rec_find(r->media_line, r->media, "207958|");
	assert_string_equal(r->media_line[i],
			    "207958|animation|missing|0|video_files/"
			    "video_1@21-09-2020_01-02-38.mp4");
	assert_string_equal(r->media_line[i + 1],
			    "207958|animation|missing|1|video_files/"
			    "video_1@21-09-2020_01-02-38.mp4_thumb.jpg");
	assert_int_equal(r->placeholder[NSW_MEDIA_PLACEHOLDER_TOO_LARGE], 2);
	i = rec_find(r->media_line, r->media, "318170|");
	assert_string_equal(r->media_line[i],
			    "318170|video|not-exported|0|(File exceeds maximum "
			    "size. Change data exporting settings to "
			    "download.)");
	free(r);
}

static void reads_channel_service_actions(void **state)
{
	int rc;
	struct rec *r;

	(void)state;
	r = ingest(bundled("telegram-chat-parser",
			   "innerdvations_private_channel.json"),
		   NULL, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(r->chat[0], "10036995664|test|channel|-|telegram");
	/* The channel posting as itself: its own id, as "channel<N>". */
	assert_string_equal(r->acct[0], "channel10036995664|test|-|-|0");
	assert_string_equal(r->member[0],
			    "create|1|channel10036995664|test|test|-|");
	assert_non_null(strstr(r->msg[3], "|pin_message|"));
	free(r);
}

/* Write `json` as result.json in a fresh export folder. */
static char *export_dir(const char *json)
{
	char *dir = ts_tmpdir(), *file;

	assert_non_null(dir);
	file = ts_path(dir, "result.json");
	assert_int_equal(ts_write_file(file, json, strlen(json)), 0);
	free(file);
	return dir;
}

static const char full_export[] =
	"{\"about\":\"x\",\n"
	"\"personal_information\":{\"user_id\":42,\"first_name\":\"Ann\","
	"\"last_name\":\"Lee\",\"phone_number\":\"+49 176 1234-5678\","
	"\"username\":\"@annlee\"},\n"
	"\"chats\":{\"about\":\"x\",\"list\":[\n"
	"{\"name\":\"Group A\",\"type\":\"private_supergroup\",\"id\":777,"
	"\"messages\":[\n"
	"{\"id\":-999678450,\"type\":\"service\",\"date\":\"2021-01-01T10:00:"
	"00\","
	"\"date_unixtime\":\"1609495200\",\"actor\":\"Ann\",\"actor_id\":"
	"\"user42\",\"action\":\"migrate_from_group\",\"title\":\"Group A\","
	"\"text\":\"\"},\n"
	"{\"id\":1,\"type\":\"service\",\"date_unixtime\":\"1609495300\","
	"\"actor\":\"Ann\",\"actor_id\":\"user42\",\"action\":\"invite_"
	"members\","
	"\"members\":[\"Bob\",\"Cy\"],\"text\":\"\"},\n"
	"{\"id\":2,\"type\":\"message\",\"date_unixtime\":\"1609495400\","
	"\"from\":\"Bob\",\"from_id\":\"user43\",\"text\":\"hi\\x01there\"},\n"
	"{\"id\":3,\"type\":\"message\",\"date_unixtime\":\"1609495500\","
	"\"from\":\"Bobby\",\"from_id\":43,\"text\":\"renamed\","
	"\"reply_to_message_id\":2},\n"
	"{\"id\":\"abc\",\"type\":\"message\",\"date_unixtime\":\"1\","
	"\"text\":\"bad id\"},\n"
	"{\"id\":4,\"type\":\"service\",\"date_unixtime\":\"1609495600\","
	"\"actor\":\"Dee\",\"actor_id\":\"user44\",\"action\":"
	"\"join_group_by_link\",\"inviter\":\"Ann\",\"text\":\"\"},\n"
	"{\"id\":5,\"type\":\"service\",\"date_unixtime\":\"1609495700\","
	"\"actor\":\"Cy\",\"actor_id\":\"user45\",\"action\":"
	"\"remove_members\",\"members\":[\"Cy\"],\"text\":\"\"},\n"
	"{\"id\":6,\"type\":\"unsupported\"}\n"
	"]},\n"
	"{\"name\":\"Ann Lee\",\"type\":\"personal_chat\",\"id\":43,"
	"\"messages\":[\n"
	"{\"id\":9,\"type\":\"message\",\"date_unixtime\":\"1609499999\","
	"\"from\":\"Bob\",\"from_id\":\"user43\",\"forwarded_from\":\"Eve\","
	"\"photo\":\"(File not included. Change data exporting settings to "
	"download.)\",\"text\":\"fw\"}\n"
	"]}]}}\n";

static void reads_full_account_export(void **state)
{
	char *dir = export_dir(full_export);
	struct rec *r;
	int rc;

	(void)state;
	r = ingest(dir, NULL, &rc); /* a folder means its result.json */
	assert_int_equal(rc, 0);
	assert_int_equal(r->chats, 2);
	assert_string_equal(r->chat[0], "777|Group A|supergroup|-|telegram");
	assert_string_equal(r->chat[1], "43|Ann Lee|private|-|telegram");
	/* Owner with E.164 phone and username; Bob under two names, the
	 * numeric 43 and "user43" being one account. */
	assert_string_equal(r->acct[0],
			    "user42|Ann Lee|annlee|+4917612345678|4");
	{
		int bob = 0, bobby = 0;

		for (unsigned i = 0; i < r->accounts && i < REC_KEEP; i++) {
			bob += strcmp(r->acct[i], "user43|Bob|-|-|0") == 0;
			bobby += strcmp(r->acct[i], "user43|Bobby|-|-|0") == 0;
		}
		assert_int_equal(bob, 1);
		assert_int_equal(bobby, 1);
	}
	/* 7 good messages (bad id skipped, unsupported ignored). */
	assert_int_equal(r->messages, 7);
	assert_string_equal(r->msg[0],
			    "-999678450|777|1609495200|8|user42|Ann|-|-|-|-|"
			    "migrate_from_group|");
	/* date_unixtime preferred: no local flag. \x01 escape repaired. */
	assert_string_equal(
		r->msg[2],
		"2|777|1609495400|0|user43|Bob|-|-|-|-|-|hi\x01there");
	assert_string_equal(
		r->msg[3], "3|777|1609495500|0|user43|Bobby|-|-|2|-|-|renamed");
	assert_true(rec_problem_has(r, "bad message id 'abc'"));
	assert_int_equal(r->problems, 1);
	assert_int_equal(r->membership, 4);
	assert_string_equal(r->member[0],
			    "migrate-from|-999678450|user42|Ann|Group A|-|");
	assert_string_equal(r->member[1], "invite|1|user42|Ann|-|-|Bob,Cy");
	assert_string_equal(r->member[2], "join-link|4|user44|Dee|-|Ann|");
	assert_string_equal(r->member[3], "leave|5|user45|Cy|-|-|");
	assert_string_equal(r->media_line[0],
			    "9|photo|not-exported|0|(File not included. Change "
			    "data exporting settings to download.)");
	assert_non_null(strstr(r->msg[6], "|Eve|-|-|-|-|fw"));
	assert_int_equal(r->placeholder[NSW_MEDIA_PLACEHOLDER_NOT_INCLUDED], 1);
	free(r);
	ts_tmpdir_remove(dir);
}

static void interprets_local_dates_in_the_given_time_zone(void **state)
{
	static const struct {
		const char *tz;
		long long expect; /* 2020-08-01T22:01:49 local */
	} rows[] = {
		{NULL, 1596319309},
		{"UTC", 1596319309},
		{"+05:30", 1596319309 - 19800},
		{"-0400", 1596319309 + 14400},
		{"Europe/Berlin", 1596319309 - 7200}, /* CEST in August */
		{"America/New_York", 1596319309 + 14400},
	};
	const char *path =
		bundled("telegram-chat-parser", "innerdvations_saved.json");

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char want[64], zone[256];
		int rc;
		struct rec *r;

		/* Named zones need tzdata; say so when it is missing. */
		snprintf(zone, sizeof(zone), "/usr/share/zoneinfo/%s",
			 rows[i].tz ? rows[i].tz : "");
		if (rows[i].tz != NULL && strchr(rows[i].tz, '/') != NULL &&
		    access(zone, R_OK) != 0) {
			printf("SKIP: %s absent (tzdata not installed)\n",
			       zone);
			continue;
		}
		r = ingest(path, rows[i].tz, &rc);

		assert_int_equal(rc, 0);
		snprintf(want, sizeof(want), "173429|9999999999|%lld|1|",
			 rows[i].expect);
		assert_int_equal(strncmp(r->msg[0], want, strlen(want)), 0);
		free(r);
	}
}

static void rejects_unknown_time_zone(void **state)
{
	static const char *const bad[] = {"Mars/Olympus", "../etc/passwd",
					  "+25:00", "+1:2"};
	const char *path =
		bundled("telegram-chat-parser", "innerdvations_saved.json");

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc;
		struct rec *r = ingest(path, bad[i], &rc);

		assert_int_equal(rc, NSW_EINVAL);
		assert_int_equal(r->messages, 0);
		free(r);
	}
}

static const char msgs_head[] =
	"{\"name\":\"G\",\"type\":\"private_group\",\"id\":5,\"messages\":[\n"
	"{\"id\":1,\"type\":\"message\",\"date_unixtime\":\"100\",\"from\":"
	"\"A\",\"from_id\":\"user1\",\"text\":\"one\"},\n"
	"{\"id\":2,\"type\":\"message\",\"date_unixtime\":\"200\",\"from\":"
	"\"A\",\"from_id\":\"user1\",\"text\":\"two\"},\n";

static void delivers_messages_before_truncation(void **state)
{
	char json[1024];
	char *dir;
	struct rec *r;
	int rc;

	(void)state;
	snprintf(json, sizeof(json),
		 "%s{\"id\":3,\"type\":\"message\",\"date_unixtime\":\"3",
		 msgs_head);
	dir = export_dir(json);
	r = ingest(dir, NULL, &rc);
	assert_int_equal(rc, NSW_EFORMAT);
	assert_int_equal(r->chats, 1);
	assert_int_equal(r->messages, 2);
	assert_int_equal(r->fatal, 1);
	assert_int_equal(r->problems, 1);
	free(r);
	ts_tmpdir_remove(dir);
}

static void stops_cleanly_at_a_deep_array(void **state)
{
	size_t depth = 10000, n = strlen(msgs_head);
	char *json = malloc(n + 2 * depth + 16);
	char *dir;
	struct rec *r;
	int rc;

	(void)state;
	memcpy(json, msgs_head, n);
	memcpy(json + n, "{\"id\":3,\"x\":", 12);
	n += 12;
	memset(json + n, '[', depth);
	memset(json + n + depth, ']', depth);
	memcpy(json + n + 2 * depth, "}]}", 4);
	dir = export_dir(json);
	r = ingest(dir, NULL, &rc);
	assert_int_equal(rc, NSW_ELIMIT);
	assert_int_equal(r->messages, 2);
	assert_int_equal(r->fatal, 1);
	free(r);
	free(json);
	ts_tmpdir_remove(dir);
}

static void repairs_bad_utf8_and_keeps_the_message(void **state)
{
	char json[1024];
	char *dir;
	struct rec *r;
	int rc;

	(void)state;
	snprintf(json, sizeof(json),
		 "%s{\"id\":3,\"type\":\"message\",\"date_unixtime\":\"300\","
		 "\"from\":\"B\\u00e9\",\"from_id\":\"user2\",\"text\":\"a\xff"
		 "b\xc3\"}]}",
		 msgs_head);
	dir = export_dir(json);
	r = ingest(dir, NULL, &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(r->messages, 3);
	assert_string_equal(r->msg[2], "3|5|300|40|user2|B\xc3\xa9|-|-|-|-|-|"
				       "a\xef\xbf\xbd"
				       "b\xef\xbf\xbd");
	assert_true(rec_problem_has(r, "invalid UTF-8"));
	free(r);
	ts_tmpdir_remove(dir);
}

static void refuses_unsafe_media_paths(void **state)
{
	char json[2048];
	char *dir, *photo, *link, *outside, *export;
	struct rec *r;
	int rc;

	(void)state;
	snprintf(json, sizeof(json),
		 "%s{\"id\":3,\"type\":\"message\",\"date_unixtime\":\"300\","
		 "\"photo\":\"../../etc/passwd\",\"text\":\"\"},\n"
		 "{\"id\":4,\"type\":\"message\",\"date_unixtime\":\"300\","
		 "\"file\":\"/etc/passwd\",\"text\":\"\"},\n"
		 "{\"id\":5,\"type\":\"message\",\"date_unixtime\":\"300\","
		 "\"photo\":\"photos/a/../../x.jpg\",\"text\":\"\"},\n"
		 "{\"id\":6,\"type\":\"message\",\"date_unixtime\":\"300\","
		 "\"photo\":\"photos/ok.jpg\",\"text\":\"\"},\n"
		 "{\"id\":7,\"type\":\"message\",\"date_unixtime\":\"300\","
		 "\"photo\":\"photos/link.jpg\",\"text\":\"\"}]}",
		 msgs_head);
	dir = ts_tmpdir();
	assert_non_null(dir);
	export = ts_path(dir, "export/result.json");
	assert_int_equal(ts_write_file(export, json, strlen(json)), 0);
	photo = ts_path(dir, "export/photos/ok.jpg");
	assert_int_equal(ts_write_file(photo, "jpg", 3), 0);
	/* A symlink inside the export that leads to a file outside it. */
	outside = ts_path(dir, "outside.jpg");
	assert_int_equal(ts_write_file(outside, "jpg", 3), 0);
	link = ts_path(dir, "export/photos/link.jpg");
	assert_int_equal(symlink("../../outside.jpg", link), 0);
	r = ingest(export, NULL, &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(r->messages, 7);
	assert_int_equal(r->media, 5);
	assert_int_equal(r->refused, 4);
	assert_int_equal(r->files, 1);
	assert_string_equal(r->media_line[3], "6|photo|file|0|photos/ok.jpg");
	assert_true(rec_problem_has(r, "media path with '..' refused"));
	assert_true(rec_problem_has(r, "absolute media path refused"));
	assert_true(rec_problem_has(r, "outside the export root"));
	free(r);
	free(photo);
	free(link);
	free(outside);
	free(export);
	ts_tmpdir_remove(dir);
}

static void ingests_from_a_buffer_without_touching_files(void **state)
{
	nsw_ingest_sink sink;
	nsw_ingest_stats st;
	struct rec *r = rec_new(&sink);
	char json[1024];
	int rc;

	(void)state;
	memset(&st, 0, sizeof(st));
	snprintf(json, sizeof(json),
		 "%s{\"id\":3,\"type\":\"message\",\"date_unixtime\":\"1\","
		 "\"photo\":\"photos/p.jpg\",\"text\":\"\"}]}",
		 msgs_head);
	rc = nsw_ingest_buffer(&st, (const uint8_t *)json, strlen(json),
			       "mem.json", NULL, &sink);
	assert_int_equal(rc, 0);
	assert_int_equal(r->messages, 3);
	assert_string_equal(r->media_line[0], "3|photo|missing|0|photos/p.jpg");
	assert_string_equal(r->chat[0], "5|G|group|-|telegram");
	free(r);
}

static void survives_every_allocation_failure(void **state)
{
	int clean_rc, rc;
	struct rec *ok;
	char path[1024];

	(void)state;
	snprintf(path, sizeof(path), "%s",
		 bundled("telegram-chat-parser", "innerdvations_saved.json"));
	ok = ingest(path, NULL, &rc);
	clean_rc = rc;
	assert_int_equal(clean_rc, 0);
	/* Fail the 1st, 2nd, ... allocation: each run ends in 0 (dedup
	 * memory is optional) or NSW_ENOMEM, never a crash; ASan checks
	 * for leaks. Past the run's allocation count nothing fails. */
	for (unsigned long n = 1; n < 200; n++) {
		struct rec *r;

		nsw__alloc_fail_after(n, 1);
		r = ingest(path, NULL, &rc);
		nsw__alloc_fail_after(0, 0);
		assert_true(rc == 0 || rc == NSW_ENOMEM);
		assert_true(r->messages <= ok->messages);
		if (rc == 0 && r->messages == ok->messages) {
			free(r);
			break;
		}
		free(r);
	}
	free(ok);
}

static void reports_malformed_shapes(void **state)
{
	static const struct {
		const char *tail; /* after msgs_head, or a whole document */
		int whole, rc;
		unsigned messages, problems, fatal;
	} rows[] = {
		{"[1, 2]", 1, NSW_EFORMAT, 0, 1, 1},
		{"\"just a string\"", 1, NSW_EFORMAT, 0, 1, 1},
		{"{\"about\": 1}", 1, 0, 0, 0, 0},
		/* A string and an array where messages belong: skipped. */
		{"\"oops\", [1, 2], {\"id\": 3, \"type\": \"message\", "
		 "\"date_unixtime\": \"5\", \"text\": \"ok\"}]}",
		 0, 0, 3, 2, 0},
		/* A date that is not one, without date_unixtime. */
		{"{\"id\": 3, \"type\": \"message\", \"date\": "
		 "\"2021-02-30T10:00:00\", \"text\": \"x\"}]}",
		 0, 0, 2, 1, 0},
		/* An unknown message type. */
		{"{\"id\": 3, \"type\": \"sticker\", \"text\": \"x\"}]}", 0, 0,
		 2, 1, 0},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char json[2048];
		nsw_ingest_sink sink;
		nsw_ingest_options opt;
		struct rec *r = rec_new(&sink);
		int rc;

		memset(&opt, 0, sizeof(opt));
		opt.format = NSW_INGEST_FORMAT_TELEGRAM;
		snprintf(json, sizeof(json), "%s%s",
			 rows[i].whole ? "" : msgs_head, rows[i].tail);
		rc = nsw_ingest_buffer(NULL, (const uint8_t *)json,
				       strlen(json), "shape.json", &opt, &sink);
		assert_int_equal(rc, rows[i].rc);
		assert_int_equal(r->messages, rows[i].messages);
		assert_int_equal(r->problems, rows[i].problems);
		assert_int_equal(r->fatal, rows[i].fatal);
		free(r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(survives_every_allocation_failure),
		cmocka_unit_test(ingests_bundled_fixtures_with_expected_counts),
		cmocka_unit_test(ingests_shared_fixtures_with_expected_counts),
		cmocka_unit_test(reads_fields_of_the_saved_messages_export),
		cmocka_unit_test(reads_channel_service_actions),
		cmocka_unit_test(reads_full_account_export),
		cmocka_unit_test(interprets_local_dates_in_the_given_time_zone),
		cmocka_unit_test(rejects_unknown_time_zone),
		cmocka_unit_test(delivers_messages_before_truncation),
		cmocka_unit_test(stops_cleanly_at_a_deep_array),
		cmocka_unit_test(repairs_bad_utf8_and_keeps_the_message),
		cmocka_unit_test(refuses_unsafe_media_paths),
		cmocka_unit_test(reports_malformed_shapes),
		cmocka_unit_test(ingests_from_a_buffer_without_touching_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
