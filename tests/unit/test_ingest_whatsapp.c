/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tests of the WhatsApp (and signal-export) text parser and .zip reading
 * (ingest_whatsapp.c, archive.c). Zips are built with libarchive's writer
 * (tests/support/zipwrite.c): the library's own reading stays in archive.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "zipwrite.h"
#include "alloc.h"
#include "ingest_recorder.h"
#include "netsweep/common.h"

static const struct fixture {
	const char *dir;
	const char *name;
	nsw_ingest_format format;
	unsigned chats, accounts, messages, service, membership, media,
		not_exported;
	nsw_date_order order;
} fixtures[] = {
	/* 9 messages: "created group" and "You were added" are system. */
	{"chat-miner", "chat-miner_test_mmddyyyy_12hrs.txt",
	 NSW_INGEST_FORMAT_AUTO, 1, 6, 9, 2, 2, 0, 0, NSW_DATE_ORDER_MDY},
	{"chat-miner", "chat-miner_test_bracket-mmddyy_24hrs.txt",
	 NSW_INGEST_FORMAT_AUTO, 1, 6, 9, 2, 2, 0, 0, NSW_DATE_ORDER_MDY},
	{"chat-miner", "chat-miner_test_yyyymmdd_24hrs.txt",
	 NSW_INGEST_FORMAT_AUTO, 1, 6, 9, 2, 2, 0, 0, NSW_DATE_ORDER_YMD},
	{"chat-miner", "chat-miner_signal_test_export.txt",
	 NSW_INGEST_FORMAT_SIGNAL, 1, 2, 2, 0, 0, 0, 0, NSW_DATE_ORDER_YMD},
	/* E2E notice, create, add = 3 system; file + omitted media. */
	{"chatcarve", "chatcarve_en-us-android.txt", NSW_INGEST_FORMAT_AUTO, 1,
	 2, 10, 3, 2, 2, 1, NSW_DATE_ORDER_MDY},
	{"chatcarve", "chatcarve_en-gb-ios.txt", NSW_INGEST_FORMAT_AUTO, 1, 2,
	 7, 1, 0, 2, 1, NSW_DATE_ORDER_DMY},
	{"chatcarve", "chatcarve_de-de-android.txt", NSW_INGEST_FORMAT_AUTO, 1,
	 2, 8, 3, 2, 2, 1, NSW_DATE_ORDER_DMY},
	{"chatcarve", "chatcarve_pt-br-android.txt", NSW_INGEST_FORMAT_AUTO, 1,
	 2, 7, 3, 2, 2, 1, NSW_DATE_ORDER_DMY},
	{"chatcarve", "chatcarve_it-it-android.txt", NSW_INGEST_FORMAT_AUTO, 1,
	 2, 6, 2, 1, 2, 1, NSW_DATE_ORDER_DMY},
};

static struct rec *ingest_opt(const char *path, nsw_ingest_format format,
			      nsw_date_order order, nsw_ingest_stats *st,
			      int *rc)
{
	nsw_ingest_sink sink;
	nsw_ingest_options opt;
	struct rec *r = rec_new(&sink);

	memset(&opt, 0, sizeof(opt));
	memset(st, 0, sizeof(*st));
	opt.format = format;
	opt.date_order = order;
	*rc = nsw_ingest_file(st, path, &opt, &sink);
	assert_int_equal(st->messages, r->messages);
	assert_int_equal(st->problems, r->problems);
	return r;
}

static struct rec *ingest(const char *path, int *rc)
{
	nsw_ingest_stats st;

	return ingest_opt(path, NSW_INGEST_FORMAT_AUTO, NSW_DATE_ORDER_AUTO,
			  &st, rc);
}

static void check_fixture(const char *path, const struct fixture *f)
{
	nsw_ingest_stats st;
	int rc;
	struct rec *r =
		ingest_opt(path, f->format, NSW_DATE_ORDER_AUTO, &st, &rc);

	assert_int_equal(rc, 0);
	assert_int_equal(r->chats, f->chats);
	assert_int_equal(r->accounts, f->accounts);
	assert_int_equal(r->messages, f->messages);
	assert_int_equal(r->service, f->service);
	assert_int_equal(r->membership, f->membership);
	assert_int_equal(r->media, f->media);
	assert_int_equal(r->not_exported, f->not_exported);
	assert_int_equal(r->problems, 0);
	assert_int_equal(st.date_order, f->order);
	assert_int_equal(r->notes, 1); /* the date order is reported */
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
	const char *shared = ts_shared_dir("WhatsApp/Signal fixtures");

	(void)state;
	if (shared == NULL)
		return;
	for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		char path[1024];
		int signal = fixtures[i].format == NSW_INGEST_FORMAT_SIGNAL;

		snprintf(path, sizeof(path), "%s/formats/fixtures/%s/%s",
			 shared, signal ? "signal" : "whatsapp",
			 fixtures[i].name);
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

static void reads_fields_of_android_and_ios_exports(void **state)
{
	int rc;
	struct rec *r;

	(void)state;
	r = ingest(bundled("chatcarve", "chatcarve_en-us-android.txt"), &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(r->chat[0], "file:chatcarve_en-us-android.txt|"
					"Family recipes|group|-|whatsapp");
	/* Multi-line message, 12 h clock, local time flagged (1|4). */
	assert_string_equal(r->msg[4], "L5|file:chatcarve_en-us-android.txt|"
				       "1704053760|5|name:Grandma Rosa|Grandma "
				       "Rosa|-|-|-|-|-|Me!\nIt needs:\ncorn "
				       "husks\ntwo pounds of masa");
	assert_string_equal(r->member[0], "create|L2|name:Grandma Rosa|Grandma "
					  "Rosa|Family recipes|-|");
	assert_string_equal(r->member[1],
			    "invite|L3|name:Grandma Rosa|Grandma Rosa|-|-|Aunt "
			    "May");
	assert_string_equal(r->media_line[0],
			    "L9|photo|missing|0|IMG-20231231-WA0012.jpg");
	assert_string_equal(r->media_line[1],
			    "L10|other|not-exported|0|<Media omitted>");
	assert_int_equal(r->placeholder[NSW_MEDIA_PLACEHOLDER_OMITTED], 1);
	/* "This message was deleted": flag 0x10. */
	assert_non_null(strstr(r->msg[7], "|1704056700|15|"));
	free(r);

	r = ingest(bundled("chatcarve", "chatcarve_en-gb-ios.txt"), &rc);
	assert_int_equal(rc, 0);
	/* The E2E notice is a system line; U+200E kept in the text. */
	assert_non_null(strstr(r->msg[0], "|notice|\xE2\x80\x8EMessages and "
					  "calls"));
	assert_string_equal(r->media_line[0],
			    "L4|photo|missing|0|"
			    "00000007-PHOTO-2024-02-14-09-18-22.jpg");
	assert_string_equal(r->media_line[1],
			    "L5|photo|not-exported|0|image omitted");
	free(r);

	r = ingest(bundled("chat-miner", "chat-miner_test_mmddyyyy_12hrs.txt"),
		   &rc);
	/* "00:08 a. m." is 00:08; the sender is a phone number. */
	assert_string_equal(r->member[0], "create|L6|+12345578|+12 345 "
					  "578|Groupname|-|");
	assert_non_null(strstr(r->msg[4], "|1592611680|d|+12345578|"));
	assert_non_null(strstr(r->msg[1], "|John Doe|-|-|-|-|-|."));
	free(r);
}

/* Write `text` to a temp file; returns the dir (file is dir/name). */
static char *write_chat(const char *name, const char *text, char **path)
{
	char *dir = ts_tmpdir();

	assert_non_null(dir);
	*path = ts_path(dir, name);
	assert_int_equal(ts_write_file(*path, text, strlen(text)), 0);
	return dir;
}

static void reads_locale_variants(void **state)
{
	static const struct {
		const char *text;
		const char *msg0;   /* prefix after the chat id */
		const char *member; /* first membership, or NULL */
		const char *media;  /* first media, or NULL */
	} rows[] = {
		/* en-US, U+202F before PM (newer Android). */
		{"12/31/23, 8:03\xE2\x80\xAFPM - Ann: hi",
		 "|1704052980|5|"
		 "name:Ann|Ann|",
		 NULL, NULL},
		/* es-MX, "p. m." with U+202F inside, and a system line. */
		{"31/12/23, 11:40\xE2\x80\xAFp.\xE2\x80\xAFm. - Ana: hola\n"
		 "31/12/23, 11:41 p. m. - Ana a\xC3\xB1"
		 "adi\xC3\xB3 a Luis y "
		 "Eva",
		 "|1704066000|5|name:Ana|Ana|",
		 "invite|L2|name:Ana|Ana|-|-|"
		 "Luis,Eva",
		 NULL},
		/* fr-FR iOS: U+200E, seconds, spaced colon attachment, and a
		 * system line with the group in the author slot. */
		{"\xE2\x80\x8E[06/01/2024, 14:02:11] Luc: "
		 "\xE2\x80\x8E<pi\xC3\xA8"
		 "ce jointe : 00000012-PHOTO-2024-01-06-14-02-11.jpg>\n"
		 "[06/01/2024, 14:03:00] Groupe: \xE2\x80\x8ELuc a "
		 "ajout\xC3\xA9 "
		 "Marie",
		 "|1704549731|5|name:Luc|Luc|",
		 "invite|L2|name:Luc|Luc|-|-|Marie",
		 "L1|photo|missing|0|00000012-PHOTO-2024-01-06-14-02-11.jpg"},
		/* iOS: a person writing about encryption is not a notice;
		 * only WhatsApp's own U+200E-marked text is. */
		{"[14/02/2024, 09:15:44] Sam: we need end-to-end tests\n"
		 "[14/02/2024, 09:16:00] Sam: Ann added Bob",
		 "|1707902144|5|name:Sam|Sam|-|-|-|-|-|we need end-to-end "
		 "tests",
		 NULL, NULL},
		/* de: dotted 4-digit year, join by link. */
		{"06.08.2016, 13:18 - Jonas ist der Gruppe \xC3\xBC"
		 "ber den Einladungslink beigetreten",
		 "|1470489480|d|name:Jonas|Jonas|",
		 "join-link|L1|name:Jonas|"
		 "Jonas|-|-|",
		 NULL},
		/* pt-BR without comma; a file attached with a caption. */
		{"24/12/23 20:35 - Tio: VID-20231224-WA0009.mp4 (arquivo "
		 "anexado)\nlegenda",
		 "|1703450100|5|name:Tio|Tio|", NULL,
		 "L1|video|missing|0|VID-20231224-WA0009.mp4"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char *path, *dir = write_chat("chat.txt", rows[i].text, &path);
		int rc;
		struct rec *r = ingest(path, &rc);

		assert_int_equal(rc, 0);
		assert_int_equal(r->problems, 0);
		assert_true(r->messages >= 1);
		assert_non_null(strstr(r->msg[0], rows[i].msg0));
		if (rows[i].member != NULL)
			assert_string_equal(r->member[0], rows[i].member);
		else
			assert_int_equal(r->membership, 0);
		if (rows[i].media != NULL)
			assert_string_equal(r->media_line[0], rows[i].media);
		free(r);
		free(path);
		ts_tmpdir_remove(dir);
	}
}

static void infers_day_month_order_from_the_whole_file(void **state)
{
	/* Every field <= 12: only the order keeps time non-decreasing. As
	 * M/D the dates run Jan 2, 3, 4, Feb 1; as D/M one goes back. */
	static const char text[] = "01/02/23, 10:00 - A: a\n"
				   "01/03/23, 10:00 - B: b\n"
				   "01/04/23, 10:00 - A: c\n"
				   "02/01/23, 10:00 - B: d\n";
	nsw_ingest_stats st;
	char *path, *dir = write_chat("c.txt", text, &path);
	struct rec *r;
	int rc;

	(void)state;
	r = ingest_opt(path, NSW_INGEST_FORMAT_AUTO, NSW_DATE_ORDER_AUTO, &st,
		       &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(st.date_order, NSW_DATE_ORDER_MDY);
	assert_non_null(strstr(r->note, "date order mdy inferred"));
	assert_non_null(strstr(r->msg[0], "|1672653600|")); /* 2023-01-02 */
	free(r);
	/* Forced: the caller's order wins and is reported. */
	r = ingest_opt(path, NSW_INGEST_FORMAT_AUTO, NSW_DATE_ORDER_DMY, &st,
		       &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(st.date_order, NSW_DATE_ORDER_DMY);
	assert_non_null(strstr(r->note, "forced"));
	assert_non_null(strstr(r->msg[0], "|1675245600|")); /* 2023-02-01 */
	free(r);
	free(path);
	ts_tmpdir_remove(dir);

	/* No evidence at all: D/M, and the note says it was a default. */
	dir = write_chat("d.txt", "05/06/23, 10:00 - A: x", &path);
	r = ingest_opt(path, NSW_INGEST_FORMAT_AUTO, NSW_DATE_ORDER_AUTO, &st,
		       &rc);
	assert_int_equal(st.date_order, NSW_DATE_ORDER_DMY);
	assert_non_null(strstr(r->note, "ambiguous"));
	assert_non_null(strstr(r->msg[0], "|1685959200|")); /* 2023-06-05 */
	free(r);
	free(path);
	ts_tmpdir_remove(dir);
}

static void normalises_phone_numbers(void **state)
{
	static const struct {
		const char *in, *out;
		int rc;
		unsigned flags;
	} rows[] = {
		{"+49 176 1234-5678", "+4917612345678", 0, 0},
		{"+1 (415) 555-0100", "+14155550100", 0, 0},
		{"0049 30 123456", "+4930123456", 0, 0},
		{"030 123456", "030123456", 0, NSW_INGEST_PHONE_NATIONAL},
		{"\xE2\x80\xAA+44 7700 900123\xE2\x80\xAC", "+447700900123", 0,
		 0},
		{"+12 345 578", "+12345578", 0, 0},
		{"Grandma Rosa", NULL, NSW_EFORMAT, 0},
		{"+123", NULL, NSW_EFORMAT, 0},
		{"+1234567890123456", NULL, NSW_EFORMAT, 0},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char out[32];
		unsigned flags = 0;
		int rc = nsw_ingest_phone_normalize(out, sizeof(out), &flags,
						    rows[i].in);

		assert_int_equal(rc, rows[i].rc);
		if (rc == 0) {
			assert_string_equal(out, rows[i].out);
			assert_int_equal(flags, rows[i].flags);
		}
	}
}

static void uses_e164_phone_as_account_id(void **state)
{
	char *path, *dir = write_chat(
			    "p.txt",
			    "1/1/24, 10:30 AM - +49 176 1234-5678: hallo\n"
			    "1/1/24, 10:31 AM - 0176 1234: moin",
			    &path);
	struct rec *r;
	int rc;

	(void)state;
	r = ingest(path, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(r->acct[0], "+4917612345678|+49 176 1234-5678|-|"
					"+4917612345678|0");
	assert_string_equal(r->acct[1], "01761234|0176 1234|-|01761234|2");
	assert_non_null(strstr(r->msg[0], "|1704105000|5|+4917612345678|"));
	free(r);
	free(path);
	ts_tmpdir_remove(dir);
}

static void reports_hostile_lines_and_keeps_the_rest(void **state)
{
	size_t big = (size_t)1 << 20;
	char *text = malloc(big + 512), *path, *dir;
	struct rec *r;
	size_t n;
	int rc;

	(void)state;
	n = (size_t)snprintf(text, 512,
			     "1/2/24, 10:00 - A: before\n"
			     "1/2/24, 10:01 - A: ../../etc/x.jpg (file "
			     "attached)\n"
			     "1/2/24, 10:02 - A: bad \xff utf8\n"
			     "1/2/24, 10:03 - A: ");
	memset(text + n, 'x', big);
	n += big;
	n += (size_t)snprintf(text + n, 512,
			      "\n1/2/24, 10:04 - B: after\n"
			      "1/13/24, 10:05 - B: sets the order\n");
	dir = ts_tmpdir();
	path = ts_path(dir, "h.txt");
	assert_int_equal(ts_write_file(path, text, n), 0);
	r = ingest(path, &rc);
	assert_int_equal(rc, 0);
	/* The 1 MB line (a header line) is skipped; 5 messages remain. */
	assert_int_equal(r->messages, 5);
	assert_true(rec_problem_has(r, "line longer than"));
	assert_true(rec_problem_has(r, "media path with '..' refused"));
	assert_true(rec_problem_has(r, "invalid UTF-8"));
	assert_int_equal(r->refused, 1);
	assert_non_null(strstr(r->msg[2], "|45|name:A|A|-|-|-|-|-|bad "
					  "\xEF\xBF\xBD utf8"));
	assert_non_null(strstr(r->msg[3], "|B|-|-|-|-|-|after"));
	free(r);
	free(path);
	free(text);
	ts_tmpdir_remove(dir);
}

static void rejects_text_without_any_header(void **state)
{
	char *path, *dir = write_chat("n.txt", "hello\nworld\n", &path);
	struct rec *r;
	int rc;

	(void)state;
	r = ingest(path, &rc);
	assert_int_equal(rc, NSW_EFORMAT);
	assert_int_equal(r->fatal, 1);
	assert_int_equal(r->messages, 0);
	free(r);
	free(path);
	ts_tmpdir_remove(dir);
}

static void reads_the_chat_inside_a_zip(void **state)
{
	size_t len = 0;
	uint8_t *txt = ts_read_file(
		bundled("chatcarve", "chatcarve_en-us-android.txt"), &len);
	char *dir = ts_tmpdir(), *zip;
	ts_zip_entry e[2] = {{0}};
	struct rec *r;
	int rc;

	(void)state;
	assert_non_null(txt);
	zip = ts_path(dir, "export.zip");
	e[0].name = "IMG-20231231-WA0012.jpg";
	e[0].data = "jpeg";
	e[0].len = 4;
	e[1].name = "WhatsApp Chat with Family recipes.txt";
	e[1].data = txt;
	e[1].len = len;
	assert_int_equal(ts_write_zip(zip, e, 2), 0);
	r = ingest(zip, &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(r->messages, 10);
	assert_int_equal(r->membership, 2);
	assert_int_equal(r->in_archive, 1);
	assert_string_equal(r->chat[0], "file:export.zip/WhatsApp Chat with "
					"Family recipes.txt|Family "
					"recipes|group|-|whatsapp");
	assert_string_equal(r->media_line[0],
			    "L9|photo|in-archive|0|IMG-20231231-WA0012.jpg");
	free(r);
	free(zip);
	free(txt);
	ts_tmpdir_remove(dir);
}

static void stops_at_a_zip_bomb(void **state)
{
	size_t len = (size_t)64 << 20; /* 64 MiB of zeros: ~1000:1 */
	char *zeros = calloc(1, len);
	char *dir = ts_tmpdir(), *zip;
	ts_zip_entry e[1] = {{0}};
	struct rec *r;
	int rc;

	(void)state;
	assert_non_null(zeros);
	memcpy(zeros, "1/2/24, 10:00 - A: hi\n", 22);
	zip = ts_path(dir, "bomb.zip");
	e[0].name = "_chat.txt";
	e[0].data = zeros;
	e[0].len = len;
	assert_int_equal(ts_write_zip(zip, e, 1), 0);
	r = ingest(zip, &rc);
	assert_int_equal(rc, NSW_ELIMIT);
	assert_int_equal(r->fatal, 1);
	assert_true(rec_problem_has(r, "zip bomb"));
	free(r);
	free(zip);
	free(zeros);
	ts_tmpdir_remove(dir);
}

static void rejects_a_zip_without_chat_text(void **state)
{
	char *dir = ts_tmpdir(), *zip = ts_path(dir, "x.zip");
	ts_zip_entry e[1] = {{"photo.jpg", "jpeg", 4, 0}};
	struct rec *r;
	int rc;

	(void)state;
	assert_int_equal(ts_write_zip(zip, e, 1), 0);
	r = ingest(zip, &rc);
	assert_int_equal(rc, NSW_EFORMAT);
	assert_true(rec_problem_has(r, "no chat .txt"));
	free(r);
	free(zip);
	ts_tmpdir_remove(dir);
}

static void survives_every_allocation_failure(void **state)
{
	int clean_rc, rc;
	struct rec *ok;
	char path[1024];

	(void)state;
	snprintf(path, sizeof(path), "%s",
		 bundled("chatcarve", "chatcarve_en-us-android.txt"));
	ok = ingest(path, &rc);
	clean_rc = rc;
	assert_int_equal(clean_rc, 0);
	/* Fail the 1st, 2nd, ... allocation: each run ends in 0 (dedup
	 * memory is optional) or NSW_ENOMEM, never a crash; ASan checks
	 * for leaks. Past the run's allocation count nothing fails. */
	for (unsigned long n = 1; n < 200; n++) {
		struct rec *r;

		nsw__alloc_fail_after(n, 1);
		r = ingest(path, &rc);
		nsw__alloc_fail_after(0, 0);
		if (rc != 0 && rc != NSW_ENOMEM)
			fprintf(stderr, "n=%lu rc=%d %s\n", n, rc,
				nsw_error_last());
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

static void resolves_attachments_next_to_the_text(void **state)
{
	char *path,
		*dir = write_chat(
			"WhatsApp Chat with Bea.txt",
			"1/2/24, 10:00 - Bea: IMG-20240102-WA0001.jpg (file "
			"attached)\ncaption line\n"
			"1/13/24, 10:01 - Bea: IMG-20240113-WA0002.jpg (file "
			"attached)",
			&path);
	char *img = ts_path(dir, "IMG-20240102-WA0001.jpg");
	struct rec *r;
	int rc;

	(void)state;
	assert_int_equal(ts_write_file(img, "jpeg", 4), 0);
	r = ingest(path, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(r->chat[0], "file:WhatsApp Chat with Bea.txt|Bea|"
					"private|-|whatsapp");
	assert_string_equal(r->media_line[0],
			    "L1|photo|file|0|IMG-20240102-WA0001.jpg");
	assert_string_equal(r->media_line[1],
			    "L3|photo|missing|0|IMG-20240113-WA0002.jpg");
	/* The caption stays with its message. */
	assert_non_null(strstr(r->msg[0], "(file attached)\ncaption line"));
	free(r);
	free(img);
	free(path);
	ts_tmpdir_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(survives_every_allocation_failure),
		cmocka_unit_test(ingests_bundled_fixtures_with_expected_counts),
		cmocka_unit_test(ingests_shared_fixtures_with_expected_counts),
		cmocka_unit_test(reads_fields_of_android_and_ios_exports),
		cmocka_unit_test(reads_locale_variants),
		cmocka_unit_test(infers_day_month_order_from_the_whole_file),
		cmocka_unit_test(normalises_phone_numbers),
		cmocka_unit_test(uses_e164_phone_as_account_id),
		cmocka_unit_test(reports_hostile_lines_and_keeps_the_rest),
		cmocka_unit_test(rejects_text_without_any_header),
		cmocka_unit_test(resolves_attachments_next_to_the_text),
		cmocka_unit_test(reads_the_chat_inside_a_zip),
		cmocka_unit_test(stops_at_a_zip_bomb),
		cmocka_unit_test(rejects_a_zip_without_chat_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
