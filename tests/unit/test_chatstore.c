/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Chat exports recorded in the case: counts per fixture, idempotent
 * re-ingest, names over time, replies and membership, media hashed and
 * matched (a hit), refused and placeholder media, a truncated export.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "imgsynth.h"
#include "support.h"
#include "zipwrite.h"
#include "sqldb.h"
#include "store.h"
#include "store_chat.h"

#include "netsweep/netsweep.h"

struct fixture {
	char *dir;
	char *case_path;
	nsw_case *c;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->dir = ts_tmpdir();
	assert_non_null(f->dir);
	f->case_path = ts_path(f->dir, "case.nsdb");
	assert_int_equal(nsw_case_create(&f->c, f->case_path, "Op", "E"), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	nsw_case_close(f->c);
	free(f->case_path);
	ts_tmpdir_remove(f->dir);
	free(f);
	return 0;
}

/* One integer from a query on the case (tests read the tables directly). */
static int64_t q1(nsw_case *c, const char *sql)
{
	nsw_sqlstmt *st = NULL;
	int64_t v = -1;

	assert_int_equal(nsw_sqldb_prepare(c->db, &st, sql), 0);
	if (nsw_sqldb_step(st) == 1)
		v = nsw_sqldb_column_int64(st, 0);
	nsw_sqldb_finalize(st);
	return v;
}

/* One text from a query, copied into `out`. */
static void qs(nsw_case *c, const char *sql, char *out, size_t n)
{
	nsw_sqlstmt *st = NULL;
	const char *s;

	out[0] = '\0';
	assert_int_equal(nsw_sqldb_prepare(c->db, &st, sql), 0);
	if (nsw_sqldb_step(st) == 1) {
		s = nsw_sqldb_column_text(st, 0, NULL);
		snprintf(out, n, "%s", s != NULL ? s : "(null)");
	}
	nsw_sqldb_finalize(st);
}

static char *fixture_path(const char *rel)
{
	char *third = ts_path(ts_test_data(), "third_party");
	char *p = ts_path(third, rel);

	free(third);
	return p;
}

static int ingest(nsw_case *c, const char *path, const char *label,
		  nsw_chat_ingest_result *r)
{
	nsw_chat_ingest_options o;

	memset(&o, 0, sizeof(o));
	memset(r, 0, sizeof(*r));
	o.label = label;
	return nsw_chat_ingest(c, path, &o, r);
}

/* ---- Every fixture, counted ------------------------------------------- */

struct fixture_counts {
	const char *path;
	int64_t chats, accounts, names, messages, service, media, membership;
};

/* Checked by reading each file: e.g. innerdvations_saved.json has 21
 * messages from two senders, one service message, a photo, four files
 * and three thumbnails (two of them "exceeds maximum size"
 * placeholders); chatcarve en-us has 10 lines of which 3 are system
 * lines (encryption notice, group created, member added). */
static const struct fixture_counts fixtures[] = {
	{"telegram-chat-parser/innerdvations_private_channel.json", 1, 1, 1, 7,
	 2, 0, 1},
	{"telegram-chat-parser/innerdvations_saved.json", 1, 2, 2, 21, 1, 9, 0},
	{"chat-miner/chat-miner_test_batch_export.json", 1, 2, 2, 2, 0, 0, 0},
	{"chat-miner/chat-miner_test_single_export.json", 1, 2, 2, 2, 0, 0, 0},
	{"chat-miner/chat-miner_signal_test_export.txt", 1, 2, 2, 2, 0, 0, 0},
	{"chat-miner/chat-miner_test_bracket-mmddyy_24hrs.txt", 1, 6, 7, 9, 2,
	 0, 2},
	{"chat-miner/chat-miner_test_mmddyyyy_12hrs.txt", 1, 6, 7, 9, 2, 0, 2},
	{"chat-miner/chat-miner_test_yyyymmdd_24hrs.txt", 1, 6, 7, 9, 2, 0, 2},
	{"chatcarve/chatcarve_de-de-android.txt", 1, 2, 2, 8, 3, 2, 2},
	{"chatcarve/chatcarve_en-gb-ios.txt", 1, 2, 2, 7, 1, 2, 0},
	{"chatcarve/chatcarve_en-us-android.txt", 1, 2, 2, 10, 3, 2, 2},
	{"chatcarve/chatcarve_it-it-android.txt", 1, 2, 2, 6, 2, 2, 1},
	{"chatcarve/chatcarve_pt-br-android.txt", 1, 2, 2, 7, 3, 2, 2},
};

static void records_each_fixture_with_its_counts(void **state)
{
	struct fixture *f = *state;

	for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		const struct fixture_counts *x = &fixtures[i];
		char *path = fixture_path(x->path);
		char *cp = ts_path(f->dir, "one.nsdb");
		nsw_chat_ingest_result r;
		nsw_chat_totals t;
		nsw_case *c = NULL;

		unlink(cp);
		assert_int_equal(nsw_case_create(&c, cp, "One", "E"), 0);
		assert_int_equal(ingest(c, path, NULL, &r), 0);
		assert_int_equal(r.parse_rc, 0);
		assert_int_equal(nsw_chat_get_totals(c, r.evidence_id, &t), 0);
		printf("  %s\n", x->path);
		assert_int_equal(t.chats, x->chats);
		assert_int_equal(t.accounts, x->accounts);
		assert_int_equal(t.account_names, x->names);
		assert_int_equal(t.messages, x->messages);
		assert_int_equal(t.messages_service, x->service);
		assert_int_equal(t.media, x->media);
		assert_int_equal(t.membership_events, x->membership);
		assert_int_equal(r.messages_new, x->messages);
		assert_int_equal(r.problems, 0);
		nsw_case_close(c);
		unlink(cp);
		free(cp);
		free(path);
	}
}

/* ---- Idempotence -------------------------------------------------------- */

static void reingest_adds_nothing(void **state)
{
	struct fixture *f = *state;
	char *path =
		fixture_path("telegram-chat-parser/innerdvations_saved.json");
	char *wa = fixture_path("chatcarve/chatcarve_en-us-android.txt");
	nsw_chat_ingest_result r;
	nsw_chat_totals a, b;

	assert_int_equal(ingest(f->c, path, "saved", &r), 0);
	assert_int_equal(ingest(f->c, wa, "wa", &r), 0);
	assert_int_equal(nsw_chat_get_totals(f->c, 0, &a), 0);
	assert_int_equal(a.messages, 31);

	assert_int_equal(ingest(f->c, path, "saved", &r), 0);
	assert_int_equal(r.evidence_new, 0);
	assert_int_equal(r.messages_new, 0);
	assert_int_equal(r.messages_present, 21);
	assert_int_equal(r.media, 0);
	assert_int_equal(ingest(f->c, wa, "wa", &r), 0);
	assert_int_equal(r.messages_new, 0);
	assert_int_equal(r.membership_new, 0);
	assert_int_equal(nsw_chat_get_totals(f->c, 0, &b), 0);
	assert_memory_equal(&a, &b, sizeof(a));
	assert_int_equal(q1(f->c, "SELECT count(*) FROM evidence"), 2);
	free(path);
	free(wa);
}

/* ---- Fields: names over time, replies, membership, times --------------- */

static const char renamed_export[] =
	"{\"personal_information\": {\"user_id\": 7, \"first_name\": "
	"\"Owner\", \"phone_number\": \"+49 176 1234567\", \"username\": "
	"\"@own\"},\n"
	"\"chats\": {\"list\": [\n"
	"{\"name\": \"G\", \"type\": \"private_group\", \"id\": 55,\n"
	"\"messages\": [\n"
	"{\"id\": 1, \"type\": \"service\", \"date_unixtime\": \"1700000000\","
	" \"actor\": \"Alice\", \"actor_id\": \"user1\", \"action\": "
	"\"invite_members\", \"members\": [\"Bob\", \"Carol\"], \"text\": "
	"\"\"},\n"
	"{\"id\": 2, \"type\": \"message\", \"date_unixtime\": \"1700000100\","
	" \"from\": \"Alice\", \"from_id\": \"user1\", \"text\": \"hello\"},\n"
	"{\"id\": 3, \"type\": \"message\", \"date_unixtime\": \"1700000200\","
	" \"from\": \"Alice B\", \"from_id\": \"user1\", "
	"\"reply_to_message_id\":"
	" 2, \"forwarded_from\": \"Dave\", \"text\": \"again\"},\n"
	"{\"id\": 4, \"type\": \"message\", \"date\": \"2023-11-14T23:00:00\","
	" \"from\": \"Alice B\", \"from_id\": \"user1\", "
	"\"reply_to_message_id\":"
	" 9, \"text\": \"local\"}\n"
	"]}]}}\n";

static void records_names_over_time_replies_and_membership(void **state)
{
	struct fixture *f = *state;
	char *p = ts_path(f->dir, "result.json");
	nsw_chat_ingest_result r;
	char s[128];

	assert_int_equal(
		ts_write_file(p, renamed_export, sizeof(renamed_export) - 1),
		0);
	assert_int_equal(ingest(f->c, p, NULL, &r), 0);
	assert_int_equal(r.messages_new, 4);
	/* The export's folder names the evidence item. */
	assert_string_equal(r.label, strrchr(f->dir, '/') + 1);
	/* Two display names of user1, each with its own first/last seen. */
	assert_int_equal(q1(f->c, "SELECT count(*) FROM account_names n JOIN "
				  "accounts a ON a.id=n.account_id WHERE "
				  "a.native_id='user1' AND n.kind='display'"),
			 2);
	qs(f->c,
	   "SELECT first_seen_utc||' '||last_seen_utc FROM account_names "
	   "WHERE value='Alice'",
	   s, sizeof(s));
	assert_string_equal(s, "2023-11-14T22:13:20.000Z "
			       "2023-11-14T22:15:00.000Z");
	qs(f->c,
	   "SELECT first_seen_utc||' '||last_seen_utc FROM accounts WHERE "
	   "native_id='user1'",
	   s, sizeof(s));
	assert_string_equal(s, "2023-11-14T22:13:20.000Z "
			       "2023-11-14T23:00:00.000Z");
	/* The owner's phone, normalised to E.164, and username. */
	qs(f->c, "SELECT value FROM account_names WHERE kind='phone'", s,
	   sizeof(s));
	assert_string_equal(s, "+491761234567");
	qs(f->c, "SELECT value FROM account_names WHERE kind='username'", s,
	   sizeof(s));
	assert_string_equal(s, "own");
	/* Reply resolved to the row of message 2; a reply to a message not
	 * in the export keeps its native id only. */
	assert_int_equal(q1(f->c, "SELECT r.native_id FROM messages m JOIN "
				  "messages r ON r.id=m.reply_to_message_id "
				  "WHERE m.native_id='3'"),
			 2);
	assert_int_equal(q1(f->c, "SELECT count(*) FROM messages WHERE "
				  "native_id='4' AND reply_to_message_id IS "
				  "NULL AND reply_to_native_id='9'"),
			 1);
	qs(f->c, "SELECT forwarded_from_name FROM messages WHERE native_id='3'",
	   s, sizeof(s));
	assert_string_equal(s, "Dave");
	/* `date` without date_unixtime: local (UTC here), flagged. */
	assert_int_equal(q1(f->c, "SELECT flags & 1 FROM messages WHERE "
				  "native_id='4'"),
			 NSW_INGEST_TIME_LOCAL);
	assert_int_equal(q1(f->c, "SELECT time_unix FROM messages WHERE "
				  "native_id='2'"),
			 1700000100);
	/* The invite: one row per target, by name, actor linked. */
	assert_int_equal(q1(f->c, "SELECT count(*) FROM membership_events e "
				  "JOIN accounts a ON a.id=e.actor_account_id "
				  "WHERE e.event='invite' AND "
				  "a.native_id='user1' AND e.account_name IN "
				  "('Bob','Carol')"),
			 2);
	free(p);
}

struct msgs {
	int n;
	int64_t last_time;
	char ids[8][16];
};

static int collect_msg(void *ctx, const nsw_chat_message_row *m)
{
	struct msgs *x = ctx;

	assert_true(m->time >= x->last_time);
	x->last_time = m->time;
	if (x->n < 8)
		snprintf(x->ids[x->n], sizeof(x->ids[0]), "%s", m->native_id);
	x->n++;
	return 0;
}

static void lists_messages_by_chat_and_time(void **state)
{
	struct fixture *f = *state;
	char *p = ts_path(f->dir, "result.json");
	nsw_chat_ingest_result r;
	nsw_chat_message_filter flt;
	struct msgs m;

	assert_int_equal(
		ts_write_file(p, renamed_export, sizeof(renamed_export) - 1),
		0);
	assert_int_equal(ingest(f->c, p, "x", &r), 0);
	memset(&flt, 0, sizeof(flt));
	flt.from_time = 1700000100;
	flt.until_time = 1700003600;
	memset(&m, 0, sizeof(m));
	assert_int_equal(nsw_chat_messages_foreach(f->c, &flt, collect_msg, &m),
			 0);
	assert_int_equal(m.n, 3);
	assert_string_equal(m.ids[0], "2");
	assert_string_equal(m.ids[1], "3");
	assert_string_equal(m.ids[2], "4");
	free(p);
}

/* ---- Media: hashed, matched, refused, missing, not exported ------------ */

static void write_in(const char *dir, const char *name, const void *data,
		     size_t len)
{
	char *p = ts_path(dir, name);

	assert_int_equal(ts_write_file(p, data, len), 0);
	free(p);
}

struct media_hits {
	int n;
	char ref[64];
	char msg[16];
	char list[32];
};

static int collect_media_hit(void *ctx, const nsw_chat_media_hit_row *h)
{
	struct media_hits *x = ctx;

	x->n++;
	snprintf(x->ref, sizeof(x->ref), "%s", h->media_ref);
	snprintf(x->msg, sizeof(x->msg), "%s", h->message_native_id);
	snprintf(x->list, sizeof(x->list), "%s", h->list_name);
	return 0;
}

/* A list "known" holding the SHA-256 of `data`, written to `path` and
 * opened for matching; `o` is reset to match against it. */
static nsw_scan_lists *known_list(const char *path, const uint8_t *data,
				  size_t len, nsw_chat_ingest_options *o)
{
	const char *match[1] = {path};
	nsw_scan_lists *lists = NULL;
	nsw_list_builder *b = NULL;
	nsw_list_entry e;
	nsw_digests d;

	assert_int_equal(
		nsw_digest_buffer(&d, NSW_ALGO_BIT(NSW_ALGO_SHA256), data, len),
		0);
	memset(&e, 0, sizeof(e));
	e.has = NSW_HAS_SHA256;
	memcpy(e.sha256, d.sha256, 32);
	e.pdq_quality = -1;
	e.size = -1;
	e.category_scheme = "custom";
	e.category_code = "1";
	e.source_id = "M-1";
	assert_int_equal(nsw_list_builder_new(&b, "known", "1"), 0);
	assert_int_equal(nsw_list_builder_add(b, &e), 0);
	assert_int_equal(nsw_list_builder_write(b, path, NULL), 0);
	nsw_list_builder_free(b);
	assert_int_equal(nsw_scan_lists_open(&lists, match, 1, NULL, 0, NULL),
			 0);
	memset(o, 0, sizeof(*o));
	o->lists = nsw_scan_lists_cases(lists, &o->nlists);
	o->matcher = nsw_scan_lists_matcher(lists);
	return lists;
}

/* Ingest `path` again: nothing new, nothing hashed twice, and still the
 * one hit. */
static void reingest_hashes_nothing(struct fixture *f, const char *path,
				    const nsw_chat_ingest_options *o)
{
	nsw_chat_ingest_result r;

	memset(&r, 0, sizeof(r));
	assert_int_equal(nsw_chat_ingest(f->c, path, o, &r), 0);
	assert_int_equal(r.messages_new, 0);
	assert_int_equal(r.media_hashed, 0);
	assert_int_equal(r.hits, 0);
	assert_int_equal(q1(f->c, "SELECT count(*) FROM hits"), 1);
}

static void media_file_on_a_list_is_a_hit(void **state)
{
	struct fixture *f = *state;
	char *exp = ts_path(f->dir, "ChatExport_1");
	char *photos = ts_path(exp, "photos");
	char *json = ts_path(exp, "result.json");
	char *list = ts_path(f->dir, "known.nswl");
	uint8_t *rgb, *jpg = NULL;
	size_t jpg_len = 0;
	nsw_scan_lists *lists = NULL;
	nsw_chat_ingest_options o;
	nsw_chat_ingest_result r;
	struct media_hits mh;
	char s[128];
	static const char export_json[] =
		"{\"name\": \"Dist\", \"type\": \"public_supergroup\", \"id\": "
		"99, \"messages\": [\n"
		"{\"id\": 1, \"type\": \"message\", \"date_unixtime\": "
		"\"1700000000\", \"from\": \"A\", \"from_id\": \"user5\", "
		"\"photo\": \"photos/p1.jpg\", \"text\": \"\"},\n"
		"{\"id\": 2, \"type\": \"message\", \"date_unixtime\": "
		"\"1700000060\", \"from\": \"B\", \"from_id\": \"user6\", "
		"\"photo\": \"../p1.jpg\", \"text\": \"\"},\n"
		"{\"id\": 3, \"type\": \"message\", \"date_unixtime\": "
		"\"1700000120\", \"from\": \"B\", \"from_id\": \"user6\", "
		"\"photo\": \"(File not included. Change data exporting "
		"settings to download.)\", \"text\": \"\"},\n"
		"{\"id\": 4, \"type\": \"message\", \"date_unixtime\": "
		"\"1700000180\", \"from\": \"B\", \"from_id\": \"user6\", "
		"\"photo\": \"photos/none.jpg\", \"text\": \"\"},\n"
		"{\"id\": 5, \"type\": \"message\", \"date_unixtime\": "
		"\"1700000240\", \"from\": \"C\", \"from_id\": \"user7\", "
		"\"forwarded_from\": \"A\", \"photo\": \"photos/p1.jpg\", "
		"\"text\": \"\"}\n"
		"]}\n";

	assert_int_equal(mkdir(exp, 0700), 0);
	assert_int_equal(mkdir(photos, 0700), 0);
	rgb = ts_synth_rgb(64, 48, 11);
	assert_non_null(rgb);
	assert_int_equal(ts_encode_jpeg(&jpg, &jpg_len, rgb, 64, 48, 3, 90, 0),
			 0);
	write_in(photos, "p1.jpg", jpg, jpg_len);
	write_in(f->dir, "p1.jpg", jpg, jpg_len); /* outside: never read */
	assert_int_equal(
		ts_write_file(json, export_json, sizeof(export_json) - 1), 0);
	lists = known_list(list, jpg, jpg_len, &o);
	memset(&r, 0, sizeof(r));
	assert_int_equal(nsw_chat_ingest(f->c, exp, &o, &r), 0);
	assert_int_equal(r.messages_new, 5);
	assert_int_equal(r.media, 5);
	assert_int_equal(r.media_hashed, 1);
	assert_int_equal(r.media_known, 1); /* message 5: same file */
	assert_int_equal(r.media_refused, 1);
	assert_int_equal(r.media_not_exported, 1);
	assert_int_equal(r.media_missing, 1);
	assert_int_equal(r.hits, 1);
	assert_int_equal(r.problems, 1); /* the '..' path */

	/* The file is recorded once, under the export's evidence item. */
	assert_int_equal(q1(f->c, "SELECT count(*) FROM files f JOIN evidence"
				  " e ON e.id=f.evidence_id WHERE "
				  "e.kind='chat-export' AND "
				  "f.display_path='photos/p1.jpg' AND "
				  "f.status='ok' AND f.pdq IS NOT NULL"),
			 1);
	assert_int_equal(q1(f->c, "SELECT count(*) FROM files"), 1);
	/* Both media rows carry the digests and point at that file. */
	assert_int_equal(q1(f->c, "SELECT count(*) FROM media m JOIN files f "
				  "ON f.id=m.file_id WHERE m.sha256=f.sha256 "
				  "AND m.state='file'"),
			 2);
	qs(f->c,
	   "SELECT state||' '||ifnull(placeholder,'-') FROM media m JOIN "
	   "messages g ON g.id=m.message_id WHERE g.native_id='3'",
	   s, sizeof(s));
	assert_string_equal(s, "not-exported not-included");
	qs(f->c,
	   "SELECT state||' '||platform_ref FROM media m JOIN messages g ON "
	   "g.id=m.message_id WHERE g.native_id='2'",
	   s, sizeof(s));
	assert_string_equal(s, "refused ../p1.jpg");
	qs(f->c,
	   "SELECT state FROM media m JOIN messages g ON g.id=m.message_id "
	   "WHERE g.native_id='4'",
	   s, sizeof(s));
	assert_string_equal(s, "missing");
	assert_int_equal(q1(f->c, "SELECT count(*) FROM ingest_problems WHERE "
				  "message LIKE '%..%'"),
			 1);
	/* The media item with a hit, its message and list, in time order:
	 * the first post (message 1) and the forward (message 5). */
	memset(&mh, 0, sizeof(mh));
	assert_int_equal(
		nsw_chat_media_hits_foreach(f->c, 0, collect_media_hit, &mh),
		0);
	assert_int_equal(mh.n, 2);
	assert_string_equal(mh.list, "known");
	assert_string_equal(mh.msg, "5");
	assert_string_equal(mh.ref, "photos/p1.jpg");

	reingest_hashes_nothing(f, exp, &o);
	assert_int_equal(q1(f->c, "SELECT count(*) FROM ingest_problems"), 1);

	nsw_scan_lists_free(lists);
	free(rgb);
	free(jpg);
	free(exp);
	free(photos);
	free(json);
	free(list);
}

/* A WhatsApp .zip: its members are hashed from the zip (never extracted),
 * recorded under the export's item by their name in the zip, matched, and
 * linked to the messages naming them; a name not in the zip is missing. */
static void media_inside_a_zip_are_hashed_and_matched(void **state)
{
	struct fixture *f = *state;
	char *zip = ts_path(f->dir, "export.zip");
	char *list = ts_path(f->dir, "known.nswl");
	uint8_t *rgb = ts_synth_rgb(96, 64, 21), *jpg = NULL;
	size_t jpg_len = 0;
	nsw_scan_lists *lists;
	nsw_chat_ingest_options o;
	nsw_chat_ingest_result r;
	nsw_digests d;
	static const char video[] = "not really a video, just bytes";
	static const char chat[] =
		"01/02/2024, 10:00 - +44 7700 900123: "
		"IMG-20240201-WA0001.jpg (file attached)\n"
		"01/02/2024, 10:05 - +44 7700 900124: "
		"IMG-20240201-WA0001.jpg (file attached)\n"
		"01/02/2024, 10:07 - +44 7700 900124: "
		"IMG-20240201-WA0002.jpg (file attached)\n"
		"01/02/2024, 10:09 - +44 7700 900125: hello\n";
	uint8_t *zeros = calloc(1, 4u << 20);
	ts_zip_entry e[4] = {
		{"Chats/WhatsApp Chat with Dist.txt", chat, sizeof(chat) - 1,
		 0},
		{"Chats/IMG-20240201-WA0001.jpg", NULL, 0, 1706781600},
		{"Chats/VID-20240201-WA0003.mp4", video, sizeof(video) - 1, 0},
		/* Deflates over 1000:1: refused as a zip bomb, recorded. */
		{"Chats/DOC-20240201-WA0004.bin", NULL, 4u << 20, 0},
	};

	assert_non_null(rgb);
	assert_non_null(zeros);
	assert_int_equal(ts_encode_jpeg(&jpg, &jpg_len, rgb, 96, 64, 3, 90, 0),
			 0);
	e[1].data = jpg;
	e[1].len = jpg_len;
	e[3].data = zeros;
	assert_int_equal(ts_write_zip(zip, e, 4), 0);
	lists = known_list(list, jpg, jpg_len, &o);
	memset(&r, 0, sizeof(r));
	assert_int_equal(nsw_chat_ingest(f->c, zip, &o, &r), 0);
	assert_int_equal(r.parse_rc, 0);
	assert_int_equal(r.messages_new, 4);
	assert_int_equal(r.media, 3);
	assert_int_equal(r.media_hashed, 2); /* the photo and the video */
	assert_int_equal(r.media_missing, 1);
	assert_int_equal(r.media_errors, 1); /* the bomb */
	assert_int_equal(r.hits, 1);
	assert_int_equal(r.problems, 1);
	assert_int_equal(q1(f->c,
			    "SELECT count(*) FROM ingest_problems WHERE "
			    "message LIKE '%export.zip/Chats/DOC-%bomb%'"),
			 1);
	assert_int_equal(q1(f->c, "SELECT count(*) FROM files WHERE "
				  "status='error' AND display_path LIKE "
				  "'%DOC-%' AND sha256 IS NULL"),
			 1);

	/* Both members are files of the export; the chat text is not. */
	assert_int_equal(q1(f->c, "SELECT count(*) FROM files f JOIN evidence"
				  " e ON e.id=f.evidence_id WHERE "
				  "e.kind='chat-export' AND f.status='ok'"),
			 2);
	assert_int_equal(q1(f->c, "SELECT count(*) FROM files WHERE "
				  "display_path='Chats/IMG-20240201-WA0001.jpg'"
				  " AND pdq IS NOT NULL AND media_type="
				  "'image/jpeg' AND mtime_ns="
				  "1706781600000000000"),
			 1);
	assert_int_equal(q1(f->c, "SELECT size FROM files WHERE display_path="
				  "'Chats/VID-20240201-WA0003.mp4'"),
			 (int64_t)sizeof(video) - 1);
	/* The digest recorded is the member's bytes'. */
	assert_int_equal(nsw_digest_buffer(&d, NSW_ALGO_BIT(NSW_ALGO_SHA256),
					   jpg, jpg_len),
			 0);
	{
		nsw_sqlstmt *st = NULL;
		const void *blob;
		size_t blen = 0;

		assert_int_equal(nsw_sqldb_prepare(f->c->db, &st,
						   "SELECT sha256 FROM files "
						   "WHERE display_path LIKE "
						   "'%.jpg'"),
				 0);
		assert_int_equal(nsw_sqldb_step(st), 1);
		blob = nsw_sqldb_column_blob(st, 0, &blen);
		assert_int_equal(blen, 32);
		assert_memory_equal(blob, d.sha256, 32);
		nsw_sqldb_finalize(st);
	}
	/* The two messages naming the photo point at it, with its digests. */
	assert_int_equal(q1(f->c, "SELECT count(*) FROM media m JOIN files f "
				  "ON f.id=m.file_id WHERE m.sha256=f.sha256 "
				  "AND m.pdq=f.pdq AND m.state='in-archive'"),
			 2);
	assert_int_equal(q1(f->c, "SELECT count(*) FROM media WHERE "
				  "state='missing' AND platform_ref="
				  "'IMG-20240201-WA0002.jpg' AND file_id IS "
				  "NULL"),
			 1);
	assert_int_equal(q1(f->c, "SELECT count(*) FROM hits"), 1);

	reingest_hashes_nothing(f, zip, &o);
	assert_int_equal(q1(f->c, "SELECT count(*) FROM files"), 3);

	nsw_scan_lists_free(lists);
	free(zeros);
	free(rgb);
	free(jpg);
	free(zip);
	free(list);
}

/* ---- verify on chat exports --------------------------------------------- */

struct diffs {
	int n;
	char last[256];
};

static void collect_diff(void *ctx, const nsw_verify_diff *d)
{
	struct diffs *x = ctx;

	x->n++;
	snprintf(x->last, sizeof(x->last), "%s %s",
		 nsw_verify_kind_name(d->kind), d->path);
}

/* Run verify on the fixture's case: the number of differences. */
static int verify_case(struct fixture *f, nsw_verify_result *out,
		       struct diffs *x)
{
	memset(x, 0, sizeof(*x));
	assert_int_equal(
		nsw_scan_verify(f->case_path, NULL, collect_diff, x, out), 0);
	return x->n;
}

/* verify re-reads what an ingest recorded: members of a .zip export from
 * the zip, the media beside a .txt export from its folder; the chat text
 * and other unrecorded files are not "new". */
static void verify_rereads_an_exports_media(void **state)
{
	struct fixture *f = *state;
	char *zip = ts_path(f->dir, "export.zip");
	char *wa = ts_path(f->dir, "wa");
	char *txt = ts_path(wa, "WhatsApp Chat with Y.txt");
	char *img = ts_path(wa, "IMG-20240301-WA0001.jpg");
	nsw_chat_ingest_options o;
	nsw_chat_ingest_result r;
	nsw_verify_result vr;
	struct diffs x;
	static const char chat[] = "01/03/2024, 10:00 - +44 7700 900123: "
				   "IMG-20240301-WA0001.jpg (file attached)\n";
	ts_zip_entry e[2] = {
		{"WhatsApp Chat with X.txt", chat, sizeof(chat) - 1, 0},
		{"IMG-20240301-WA0001.jpg", "first bytes", 11, 0},
	};

	assert_int_equal(ts_write_zip(zip, e, 2), 0);
	assert_int_equal(mkdir(wa, 0700), 0);
	assert_int_equal(ts_write_file(txt, chat, sizeof(chat) - 1), 0);
	assert_int_equal(ts_write_file(img, "photo", 5), 0);
	memset(&o, 0, sizeof(o));
	memset(&r, 0, sizeof(r));
	assert_int_equal(nsw_chat_ingest(f->c, zip, &o, &r), 0);
	assert_int_equal(nsw_chat_ingest(f->c, txt, &o, &r), 0);
	assert_int_equal(r.media_hashed, 2);

	assert_int_equal(verify_case(f, &vr, &x), 0);
	assert_int_equal(vr.evidence, 2);
	assert_int_equal(vr.checked, 2);

	/* A member changed inside the zip; the file beside the .txt too. */
	e[1].data = "other bytes";
	assert_int_equal(ts_write_zip(zip, e, 2), 0);
	assert_int_equal(verify_case(f, &vr, &x), 1);
	assert_int_equal(vr.changed, 1);
	assert_string_equal(x.last, "changed IMG-20240301-WA0001.jpg");
	assert_int_equal(ts_write_file(img, "PHOTO", 5), 0);
	assert_int_equal(verify_case(f, &vr, &x), 2);
	assert_int_equal(vr.changed, 2);

	/* Gone: the member from the zip, the file from the folder. */
	assert_int_equal(ts_write_zip(zip, e, 1), 0);
	assert_int_equal(unlink(img), 0);
	assert_int_equal(verify_case(f, &vr, &x), 2);
	assert_int_equal(vr.missing, 2);
	assert_int_equal(vr.added, 0);

	free(zip);
	free(wa);
	free(txt);
	free(img);
}

/* ---- A truncated export ------------------------------------------------- */

static void truncated_export_keeps_what_came_before(void **state)
{
	struct fixture *f = *state;
	char *src =
		fixture_path("telegram-chat-parser/innerdvations_saved.json");
	char *p = ts_path(f->dir, "cut.json");
	nsw_chat_ingest_result r;
	nsw_audit_check chk;
	uint8_t *data;
	size_t len = 0;

	data = ts_read_file(src, &len);
	assert_non_null(data);
	assert_true(len > 3000);
	assert_int_equal(ts_write_file(p, data, 3000), 0);
	assert_int_equal(ingest(f->c, p, "cut", &r), 0);
	assert_int_equal(r.parse_rc, NSW_EFORMAT);
	assert_true(r.messages_new > 0);
	assert_true(r.messages_new < 21);
	assert_int_equal(q1(f->c, "SELECT count(*) FROM messages"),
			 r.messages_new);
	assert_int_equal(q1(f->c, "SELECT count(*) FROM ingest_problems WHERE "
				  "fatal=1 AND line>0"),
			 1);
	assert_true(r.problems >= 1);
	/* Audited: start and finish, with the parser's code. */
	assert_int_equal(q1(f->c, "SELECT count(*) FROM audit_log WHERE "
				  "action IN ('ingest.start', "
				  "'ingest.finish')"),
			 2);
	assert_int_equal(q1(f->c, "SELECT count(*) FROM audit_log WHERE "
				  "action='ingest.finish' AND detail LIKE "
				  "'%\"parse\":-%'"),
			 1);
	assert_int_equal(nsw_case_audit_verify(f->c, &chk), 0);
	assert_true(chk.ok);
	free(data);
	free(src);
	free(p);
}

/* Allocation failures on the recording thread at many points: the ingest
 * fails cleanly with ENOMEM (the parser thread is cancelled, nothing
 * leaks: ASan), and running it again completes the case. */
static void survives_allocation_failures(void **state)
{
	struct fixture *f = *state;
	char *path =
		fixture_path("telegram-chat-parser/innerdvations_saved.json");
	char *cp = ts_path(f->dir, "oom.nsdb");
	nsw_chat_ingest_result r;
	int failures = 0;

	for (unsigned long n = 1; n < 1500; n += 13) {
		nsw_case *c = NULL;
		int rc;

		unlink(cp);
		assert_int_equal(nsw_case_create(&c, cp, "O", "E"), 0);
		nsw__alloc_fail_after(n, 0);
		rc = ingest(c, path, "x", &r);
		nsw__alloc_fail_after(0, 0);
		assert_true(rc == NSW_OK || rc == NSW_ENOMEM);
		if (rc == NSW_ENOMEM) {
			failures++;
			assert_int_equal(ingest(c, path, "x", &r), 0);
		}
		assert_int_equal(r.parse_rc, 0);
		assert_int_equal(q1(c, "SELECT count(*) FROM messages"), 21);
		assert_int_equal(q1(c, "SELECT count(*) FROM media"), 9);
		nsw_case_close(c);
	}
	assert_true(failures > 0);
	unlink(cp);
	free(cp);
	free(path);
}

static void formats_utc_times(void **state)
{
	static const struct {
		int64_t t;
		const char *want;
	} cases[] = {
		{0, "1970-01-01T00:00:00.000Z"},
		{-1, "1969-12-31T23:59:59.000Z"},
		{951782400, "2000-02-29T00:00:00.000Z"},
		{951868800, "2000-03-01T00:00:00.000Z"},
		{1709251199, "2024-02-29T23:59:59.000Z"},
		{1700000000, "2023-11-14T22:13:20.000Z"},
		{4102444800, "2100-01-01T00:00:00.000Z"},
		{-62167219200, "0000-01-01T00:00:00.000Z"},
		{253402300799, "9999-12-31T23:59:59.000Z"},
		{253402300800, ""},
		{-62167219201, ""},
	};
	char out[32];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		nsw_chat__time_utc(out, cases[i].t);
		assert_string_equal(out, cases[i].want);
	}
}

static void refuses_bad_arguments(void **state)
{
	struct fixture *f = *state;
	nsw_chat_store *s = NULL;
	nsw_chat_ingest_options o;
	nsw_chat_ingest_result r;

	memset(&o, 0, sizeof(o));
	assert_int_equal(nsw_chat_store_new(&s, f->c, 0), NSW_EINVAL);
	assert_null(s);
	assert_int_equal(nsw_chat_ingest(NULL, "x", &o, &r), NSW_EINVAL);
	o.nlists = 1; /* lists without a matcher */
	assert_int_equal(nsw_chat_ingest(f->c, "x", &o, &r), NSW_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			records_each_fixture_with_its_counts, setup, teardown),
		cmocka_unit_test_setup_teardown(reingest_adds_nothing, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			records_names_over_time_replies_and_membership, setup,
			teardown),
		cmocka_unit_test_setup_teardown(lists_messages_by_chat_and_time,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			media_inside_a_zip_are_hashed_and_matched, setup,
			teardown),
		cmocka_unit_test_setup_teardown(verify_rereads_an_exports_media,
						setup, teardown),
		cmocka_unit_test_setup_teardown(media_file_on_a_list_is_a_hit,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			truncated_export_keeps_what_came_before, setup,
			teardown),
		cmocka_unit_test_setup_teardown(refuses_bad_arguments, setup,
						teardown),
		cmocka_unit_test(formats_utc_times),
		cmocka_unit_test_setup_teardown(survives_allocation_failures,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
