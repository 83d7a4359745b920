/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the DiscordChatExporter JSON parser (ingest_discord.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "ingest_recorder.h"
#include "netsweep/common.h"

static char *data_path(const char *name)
{
	static char path[1024];

	snprintf(path, sizeof(path), "%s/discord/%s", ts_test_data(), name);
	return path;
}

static struct rec *ingest(const char *path, int *rc)
{
	nsw_ingest_sink sink;
	nsw_ingest_stats st;
	nsw_ingest_format f = NSW_INGEST_FORMAT_AUTO;
	struct rec *r = rec_new(&sink);

	memset(&st, 0, sizeof(st));
	assert_int_equal(nsw_ingest_detect(&f, path), 0);
	assert_int_equal(f, NSW_INGEST_FORMAT_DISCORD);
	*rc = nsw_ingest_file(&st, path, NULL, &sink);
	assert_int_equal(st.messages, r->messages);
	assert_int_equal(st.skipped + st.media_refused, r->problems);
	return r;
}

static void reads_guild_channel_export(void **state)
{
	int rc;
	struct rec *r = ingest(data_path("guild_channel.json"), &rc);

	(void)state;
	assert_int_equal(rc, 0);
	assert_int_equal(r->chats, 1);
	assert_string_equal(r->chat[0], "900000000000000010|general|"
					"guild-channel|900000000000000001|"
					"discord");
	assert_int_equal(r->accounts, 2);
	assert_string_equal(r->acct[0], "800000000000000001|Alice|alice|-|0");
	assert_string_equal(r->acct[1], "800000000000000002|bob|bob|-|0");
	/* 5 in the file, one without a timestamp skipped. */
	assert_int_equal(r->messages, 4);
	assert_int_equal(r->service, 2);
	assert_true(rec_problem_has(r, "message without timestamp"));
	/* Offsets applied: 12:30+01:00 is 11:30Z. */
	assert_string_equal(r->msg[1],
			    "900000000000001002|900000000000000010|1706787000|"
			    "0|800000000000000001|Alice|-|-|-|-|-|hello, here "
			    "is a picture");
	assert_string_equal(r->msg[2],
			    "900000000000001003|900000000000000010|1706787060|"
			    "0|800000000000000002|bob|-|-|900000000000001002|"
			    "-|-|nice \xC3\xA9");
	assert_int_equal(r->media, 3);
	assert_string_equal(r->media_line[0], "900000000000001002|photo|file|"
					      "0|guild_media/cat-1A2B.png");
	assert_string_equal(r->media_line[1],
			    "900000000000001002|document|remote|0|"
			    "https://cdn.discordapp.com/attachments/1/2/"
			    "notes.pdf");
	assert_string_equal(r->media_line[2], "900000000000001003|document|"
					      "refused|0|../../etc/passwd");
	assert_int_equal(r->membership, 2);
	assert_string_equal(r->member[0], "join|900000000000001001|"
					  "800000000000000001|Alice|-|-|");
	assert_string_equal(r->member[1], "title|900000000000001005|"
					  "800000000000000001|Alice|"
					  "general-chat|-|");
	free(r);
}

static void reads_group_dm_membership(void **state)
{
	int rc;
	struct rec *r = ingest(data_path("direct_group.json"), &rc);

	(void)state;
	assert_int_equal(rc, 0);
	/* DMs sit in guild "0": no parent. */
	assert_string_equal(r->chat[0],
			    "910000000000000020|trio|group|-|discord");
	assert_int_equal(r->messages, 3);
	assert_int_equal(r->accounts, 3);
	assert_string_equal(r->member[0], "invite|910000000000002001|"
					  "810000000000000001|Carol|-|-|"
					  "dave,erin");
	/* Removing oneself is leaving. */
	assert_string_equal(r->member[1], "leave|910000000000002003|"
					  "810000000000000003|Erin|-|-|");
	free(r);
}

static void delivers_messages_before_truncation(void **state)
{
	size_t len = 0;
	uint8_t *json = ts_read_file(data_path("guild_channel.json"), &len);
	const char *cut;
	nsw_ingest_sink sink;
	struct rec *r = rec_new(&sink);
	int rc;

	(void)state;
	assert_non_null(json);
	/* Cut inside the third message. */
	cut = strstr((const char *)json, "\"nice");
	assert_non_null(cut);
	rc = nsw_ingest_buffer(NULL, json, (size_t)(cut - (char *)json),
			       "cut.json", NULL, &sink);
	assert_int_equal(rc, NSW_EFORMAT);
	assert_int_equal(r->messages, 2);
	assert_int_equal(r->fatal, 1);
	free(r);
	free(json);
}

static void rejects_bad_timestamps_and_keeps_going(void **state)
{
	static const char json[] =
		"{\"guild\":{\"id\":\"1\",\"name\":\"g\"},\"channel\":{\"id\":"
		"\"2\",\"type\":\"GuildTextChat\",\"name\":\"c\"},\"messages\":"
		"["
		"{\"id\":\"3\",\"type\":\"Default\",\"timestamp\":"
		"\"yesterday\","
		"\"content\":\"x\",\"author\":{\"id\":\"4\",\"name\":\"a\"}},"
		"{\"id\":\"5\",\"type\":\"Default\",\"timestamp\":"
		"\"2024-02-30T00:00:00+00:00\",\"content\":\"x\",\"author\":{"
		"\"id\":\"4\",\"name\":\"a\"}},"
		"{\"id\":\"6\",\"type\":\"Default\",\"timestamp\":"
		"\"2024-02-29T23:59:59-05:00\",\"content\":\"ok\",\"author\":{"
		"\"id\":\"4\",\"name\":\"a\"}},"
		"{\"type\":\"Default\",\"timestamp\":\"2024-02-29T00:00:00Z\","
		"\"author\":{\"id\":\"4\"}}]}";
	nsw_ingest_sink sink;
	struct rec *r = rec_new(&sink);
	int rc;

	(void)state;
	rc = nsw_ingest_buffer(NULL, (const uint8_t *)json, strlen(json),
			       "t.json", NULL, &sink);
	assert_int_equal(rc, 0);
	assert_int_equal(r->messages, 1);
	assert_string_equal(r->msg[0], "6|2|1709269199|0|4|a|-|-|-|-|-|ok");
	assert_int_equal(r->problems, 3);
	assert_true(rec_problem_has(r, "bad timestamp 'yesterday'"));
	assert_true(rec_problem_has(r, "message without id"));
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_guild_channel_export),
		cmocka_unit_test(reads_group_dm_membership),
		cmocka_unit_test(delivers_messages_before_truncation),
		cmocka_unit_test(rejects_bad_timestamps_and_keeps_going),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
