/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Merging a partner's case: accounts joined by platform id and by phone,
 * chats and messages by native id, items by digest and by PDQ, lists by
 * checksum; provenance kept, conflicts listed, a second merge adds nothing,
 * the partner's file untouched. Also the CASE/UCO export of the result.
 */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "netsweep/analyze.h"
#include "netsweep/attrib.h"
#include "netsweep/case.h"
#include "netsweep/merge.h"
#include "sqldb.h"
#include "store.h"

struct fixture {
	char *dir, *ours_path, *theirs_path;
	nsw_case *ours;
};

/* 32 bytes as hex: `pair` repeated, the first byte replaced by `first`
 * when not NULL. */
static const char *hex32(char out[65], const char *pair, const char *first)
{
	for (int i = 0; i < 32; i++)
		memcpy(out + 2 * i, (i == 0 && first) ? first : pair, 2);
	out[64] = '\0';
	return out;
}

static int exec(nsw_case *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int exec(nsw_case *c, const char *fmt, ...)
{
	char sql[8192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	return nsw_sqldb_exec(c->db, sql);
}

static const char files_sql[] =
	"INSERT INTO files(evidence_id, path, display_path, size, sha256, md5, "
	"pdq, pdq_quality, media_type, status, recorded_utc) VALUES "
	"(1, CAST('%s' AS BLOB), '%s', 100, X'%s', X'%.32s', X'%s', 90, "
	"'image/jpeg', 'ok', '2026-01-01T00:00:00.000Z');";

/* Media row: the file's digests, on a message; file, message, message. */
static const char media_sql[] =
	"INSERT INTO media(evidence_id, file_id, md5, sha1, sha256, pdq, "
	"pdq_quality, media_type, message_id, position, kind, state) SELECT "
	"1, id, md5, sha1, sha256, pdq, pdq_quality, media_type, %d, 0, "
	"'photo', 'file' FROM files WHERE id = %d;"
	"UPDATE messages SET media_id = last_insert_rowid() WHERE id = %d;";

/* Ours (Op Alpha): telegram user1 (DE by analyst), user2 (+33 phone),
 * user3; chat1 with messages 1 and 2; list L; a.jpg (sha 11.., hit
 * vics:1) and b.jpg (sha 22.., PDQ 0f0f..). */
static int make_ours(struct fixture *f)
{
	char h[4][65];
	nsw_case *c = NULL;
	int rc = nsw_case_create(&c, f->ours_path, "Op Alpha", "alice");

	rc = rc ? rc
		: exec(c,
		       "INSERT INTO platforms(id, name) VALUES(1, 'telegram'),"
		       "(2, 'whatsapp');"
		       "INSERT INTO evidence(id, label, kind, source_path, "
		       "added_by, added_utc) VALUES(1, 'phone-1', "
		       "'chat-export', X'2f78', 'alice', "
		       "'2026-01-01T00:00:00.000Z');"
		       "INSERT INTO accounts(id, platform_id, native_id, "
		       "evidence_id) VALUES(1, 1, 'user1', 1), (2, 1, 'user2', "
		       "1), (3, 1, 'user3', 1);"
		       "INSERT INTO account_names(account_id, kind, value) "
		       "VALUES(2, 'phone', '+33 6 12 34 56 78'), (1, "
		       "'display', "
		       "'One');"
		       "INSERT INTO chats(id, platform_id, native_id, kind, "
		       "title) VALUES(1, 1, 'chat1', 'group', 'Group');"
		       "INSERT INTO messages(chat_id, native_id, time_utc, "
		       "sender_account_id, text) VALUES(1, '1', "
		       "'2026-01-01T00:00:01.000Z', 1, 'hello'), (1, '2', "
		       "'2026-01-01T00:00:02.000Z', 2, 'hi');"
		       "INSERT INTO lists(id, name, version, checksum, role, "
		       "added_utc) VALUES(1, 'L', '1', '%s', 'match', "
		       "'2026-01-01T00:00:00.000Z');",
		       hex32(h[0], "aa", NULL));
	rc = rc ? rc
		: exec(c, files_sql, "a.jpg", "a.jpg", hex32(h[0], "11", NULL),
		       hex32(h[1], "11", NULL), hex32(h[2], "f0", NULL));
	rc = rc ? rc
		: exec(c, files_sql, "b.jpg", "b.jpg", hex32(h[0], "22", NULL),
		       hex32(h[1], "22", NULL), hex32(h[2], "0f", NULL));
	rc = rc ? rc
		: exec(c, "INSERT INTO hits(file_id, list_id, entry_id, "
			  "algorithm, "
			  "category_scheme, category_code, recorded_utc) "
			  "VALUES(1, "
			  "1, 0, 'sha256', 'vics', '1', "
			  "'2026-01-01T00:00:00.000Z');");
	rc = rc ? rc : exec(c, media_sql, 1, 1, 1);
	rc = rc ? rc : nsw_attrib_assert(c, "telegram:user1", "DE", "passport");
	f->ours = c;
	return rc;
}

/* Theirs (Op Bravo), platform ids swapped: telegram user1 (FR by analyst),
 * user77 (same +33 phone as our user2), user9; chat1 (messages 2 and 3)
 * and chat9; lists L and M; x.jpg (sha 11.., hit vics:2 on L), y.jpg
 * (re-encoded b.jpg: other digests, PDQ 4 bits away), z.jpg (new, on M). */
static int make_theirs(struct fixture *f)
{
	char h[4][65];
	nsw_case *c = NULL;
	int rc = nsw_case_create(&c, f->theirs_path, "Op Bravo", "bob");

	rc = rc ? rc
		: exec(c,
		       "INSERT INTO platforms(id, name) VALUES(1, 'whatsapp'),"
		       "(2, 'telegram');"
		       "INSERT INTO evidence(id, label, kind, source_path, "
		       "added_by, added_utc) VALUES(1, 'seized-laptop', "
		       "'directory', X'2f79', 'bob', "
		       "'2026-01-02T00:00:00.000Z');"
		       "INSERT INTO accounts(id, platform_id, native_id, "
		       "evidence_id) VALUES(1, 2, 'user1', 1), (2, 2, "
		       "'user77', "
		       "1), (3, 2, 'user9', 1);"
		       "INSERT INTO account_names(account_id, kind, value) "
		       "VALUES(2, 'phone', '+33612345678'), (1, 'display', "
		       "'Uno');"
		       "INSERT INTO chats(id, platform_id, native_id, kind, "
		       "title) VALUES(1, 2, 'chat1', 'group', 'Group'), (2, 2, "
		       "'chat9', 'channel', 'Nine');"
		       "INSERT INTO messages(chat_id, native_id, time_utc, "
		       "sender_account_id, text) VALUES(1, '2', "
		       "'2026-01-01T00:00:02.000Z', 2, 'hi'), (1, '3', "
		       "'2026-01-01T00:00:03.000Z', 2, 'more'), (2, '1', "
		       "'2026-01-01T00:00:04.000Z', 3, 'nine');"
		       "INSERT INTO lists(id, name, version, checksum, role, "
		       "added_utc) VALUES(1, 'M', '1', '%s', 'match', "
		       "'2026-01-02T00:00:00.000Z'), (2, 'L', '1', '%s', "
		       "'match', '2026-01-02T00:00:00.000Z');",
		       hex32(h[0], "bb", NULL), hex32(h[1], "aa", NULL));
	rc = rc ? rc
		: exec(c, files_sql, "x.jpg", "x.jpg", hex32(h[0], "11", NULL),
		       hex32(h[1], "11", NULL), hex32(h[2], "f0", NULL));
	rc = rc ? rc
		: exec(c, files_sql, "y.jpg", "y.jpg", hex32(h[0], "33", NULL),
		       hex32(h[1], "33", NULL), hex32(h[2], "0f", "00"));
	rc = rc ? rc
		: exec(c, files_sql, "z.jpg", "z.jpg", hex32(h[0], "44", NULL),
		       hex32(h[1], "44", NULL), hex32(h[2], "55", NULL));
	rc = rc ? rc
		: exec(c, "INSERT INTO hits(file_id, list_id, entry_id, "
			  "algorithm, "
			  "category_scheme, category_code, recorded_utc) VALUES"
			  "(1, 2, 0, 'sha256', 'vics', '2', "
			  "'2026-01-02T00:00:00.000Z'), (3, 1, 5, 'sha256', "
			  "'vics', "
			  "'1', '2026-01-02T00:00:00.000Z');");
	rc = rc ? rc : exec(c, media_sql, 2, 1, 2); /* user77 posts x.jpg */
	rc = rc ? rc : exec(c, media_sql, 3, 3, 3); /* user9 posts z.jpg */
	rc = rc ? rc : nsw_attrib_assert(c, "telegram:user1", "FR", "address");
	nsw_case_close(c);
	return rc;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->dir = ts_tmpdir();
	f->ours_path = ts_path(f->dir, "ours.nsdb");
	f->theirs_path = ts_path(f->dir, "theirs.nsdb");
	if (make_ours(f) != 0 || make_theirs(f) != 0) {
		fprintf(stderr, "setup: %s\n", nsw_error_last());
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	nsw_case_close(f->ours);
	ts_tmpdir_remove(f->dir);
	free(f->ours_path);
	free(f->theirs_path);
	free(f);
	return 0;
}

static int64_t count(nsw_case *c, const char *sql)
{
	nsw_sqlstmt *q = NULL;
	int64_t n = -1;

	if (nsw_sqldb_prepare(c->db, &q, sql) == 0 && nsw_sqldb_step(q) == 1)
		n = nsw_sqldb_column_int64(q, 0);
	nsw_sqldb_finalize(q);
	return n;
}

#define T(r, t) ((r).tables[NSW_MERGE_##t])

struct conflicts {
	int n;
	char text[8][200];
};

static int collect_conflict(void *ctx, const nsw_merge_conflict *k)
{
	struct conflicts *s = ctx;

	if (s->n < 8)
		snprintf(s->text[s->n], sizeof(s->text[0]), "%s %s %s|%s|%s",
			 k->source_name, k->kind, k->subject, k->ours,
			 k->theirs);
	s->n++;
	return 0;
}

static int collect_attrib(void *ctx, const nsw_attrib_account *a)
{
	int *conflict = ctx;

	if (strcmp(a->native_id, "user1") == 0)
		*conflict = a->conflict * 10 + (int)a->basis_count;
	return 0;
}

static void merges_with_provenance_conflicts_and_idempotence(void **state)
{
	struct fixture *f = *state;
	nsw_merge_report r;
	struct conflicts k;
	nsw_audit_check audit;
	size_t before_len = 0, after_len = 0;
	uint8_t *before = ts_read_file(f->theirs_path, &before_len);
	uint8_t *after;
	char sha11[65];
	int attrib = 0;

	assert_non_null(before);
	assert_int_equal(nsw_merge_case(f->ours, f->theirs_path, NULL, &r), 0);
	assert_string_equal(r.source_name, "Op Bravo");
	assert_int_equal(r.first_merge, 1);
	/* Accounts: user1 by platform id, user77 by phone, user9 new. */
	assert_int_equal(T(r, ACCOUNTS).seen, 3);
	assert_int_equal(T(r, ACCOUNTS).created, 1);
	assert_int_equal(T(r, ACCOUNTS).joined, 2);
	assert_int_equal(r.accounts_by_platform_id, 1);
	assert_int_equal(r.accounts_by_phone, 1);
	assert_int_equal(T(r, PLATFORMS).joined, 2);
	assert_int_equal(T(r, CHATS).created, 1);
	assert_int_equal(T(r, CHATS).joined, 1);
	assert_int_equal(T(r, MESSAGES).created, 2);
	assert_int_equal(T(r, MESSAGES).joined, 1);
	assert_int_equal(T(r, LISTS).created, 1);
	assert_int_equal(T(r, LISTS).joined, 1);
	assert_int_equal(T(r, EVIDENCE).created, 1);
	assert_int_equal(T(r, FILES).created, 3);
	assert_int_equal(T(r, HITS).created, 2);
	assert_int_equal(T(r, ATTRIBUTIONS).created, 1);
	assert_int_equal(T(r, MEDIA).created, 2);
	/* Items: x by SHA-256, y by PDQ (4 bits), z new. */
	assert_int_equal(r.items, 3);
	assert_int_equal(r.items_by_digest, 1);
	assert_int_equal(r.items_by_pdq, 1);
	assert_int_equal(r.items_new, 1);
	assert_int_equal(count(f->ours, "SELECT distance FROM merge_items "
					"WHERE via = 'pdq'"),
			 4);
	assert_int_equal(r.conflicts_new, 2);

	/* The rows in our case. */
	assert_int_equal(count(f->ours, "SELECT count(*) FROM accounts"), 4);
	assert_int_equal(count(f->ours, "SELECT count(*) FROM messages"), 4);
	assert_int_equal(count(f->ours, "SELECT count(*) FROM files"), 5);
	assert_int_equal(count(f->ours, "SELECT count(*) FROM lists"), 2);
	assert_int_equal(count(f->ours, "SELECT count(*) FROM evidence WHERE "
					"label = 'Op Bravo/seized-laptop'"),
			 1);
	/* Provenance: user9 and the phone join name their source. */
	assert_int_equal(
		count(f->ours,
		      "SELECT count(*) FROM merge_map m JOIN accounts "
		      "a ON a.id = m.dst_row JOIN merged_sources s ON "
		      "s.id = m.source_id WHERE m.tbl = 'accounts' AND "
		      "m.created = 1 AND a.native_id = 'user9' AND "
		      "s.name = 'Op Bravo' AND s.examiner = 'bob'"),
		1);
	assert_int_equal(count(f->ours,
			       "SELECT count(*) FROM merge_map m JOIN accounts "
			       "a ON a.id = m.dst_row WHERE m.tbl = 'accounts' "
			       "AND m.via = 'phone' AND a.native_id = 'user2' "
			       "AND m.src_key = 'user77'"),
			 1);
	/* A message of user77 is now our user2's. */
	assert_int_equal(count(f->ours,
			       "SELECT sender_account_id FROM messages WHERE "
			       "native_id = '3'"),
			 2);
	/* Their hits come with their files, on the merged evidence. */
	assert_int_equal(count(f->ours,
			       "SELECT count(*) FROM hits h JOIN files f ON "
			       "f.id = h.file_id JOIN evidence e ON e.id = "
			       "f.evidence_id WHERE e.label = "
			       "'Op Bravo/seized-laptop'"),
			 2);
	/* Conflicts: user1 DE vs FR, x.jpg vics:1 vs vics:2. */
	memset(&k, 0, sizeof(k));
	assert_int_equal(nsw_merge_conflicts_foreach(f->ours, NULL,
						     collect_conflict, &k),
			 0);
	assert_int_equal(k.n, 2);
	hex32(sha11, "11", NULL);
	{
		char want[200];

		snprintf(want, sizeof(want),
			 "Op Bravo item-category sha256:%s|vics:1|vics:2",
			 sha11);
		assert_true(strcmp(k.text[0], want) == 0 ||
			    strcmp(k.text[1], want) == 0);
		assert_true(strcmp(k.text[0], "Op Bravo account-country "
					      "telegram:user1|DE|FR") == 0 ||
			    strcmp(k.text[1], "Op Bravo account-country "
					      "telegram:user1|DE|FR") == 0);
	}
	/* Both bases are on our user1, shown as a conflict. */
	assert_int_equal(nsw_attrib_foreach(f->ours, collect_attrib, &attrib),
			 0);
	assert_int_equal(attrib, 12);
	assert_int_equal(count(f->ours,
			       "SELECT count(*) FROM audit_log WHERE action = "
			       "'merge.case' AND detail LIKE '%Op Bravo%'"),
			 1);

	/* Again: nothing new. */
	assert_int_equal(nsw_merge_case(f->ours, f->theirs_path, NULL, &r), 0);
	assert_int_equal(r.first_merge, 0);
	for (int t = 0; t < NSW_MERGE_TABLE_COUNT; t++) {
		assert_int_equal(r.tables[t].created, 0);
		assert_int_equal(r.tables[t].joined, 0);
		assert_int_equal(r.tables[t].already, r.tables[t].seen);
	}
	assert_int_equal(r.items, 0);
	assert_int_equal(r.items_already, 3);
	assert_int_equal(r.conflicts_new, 0);
	assert_int_equal(count(f->ours, "SELECT count(*) FROM accounts"), 4);
	assert_int_equal(count(f->ours, "SELECT count(*) FROM messages"), 4);
	assert_int_equal(count(f->ours, "SELECT count(*) FROM files"), 5);
	assert_int_equal(count(f->ours, "SELECT count(*) FROM hits"), 3);
	assert_int_equal(count(f->ours, "SELECT count(*) FROM attributions"),
			 2);
	assert_int_equal(count(f->ours, "SELECT merges FROM merged_sources"),
			 2);

	/* Their file was not written. */
	after = ts_read_file(f->theirs_path, &after_len);
	assert_non_null(after);
	assert_int_equal(before_len, after_len);
	assert_memory_equal(before, after, before_len);
	free(before);
	free(after);

	/* The partner adds a message: the next merge brings only it. */
	{
		nsw_case *t = NULL;

		assert_int_equal(nsw_case_open(&t, f->theirs_path, 0), 0);
		assert_int_equal(exec(t, "INSERT INTO messages(chat_id, "
					 "native_id, time_utc, "
					 "sender_account_id) VALUES(2, '2', "
					 "'2026-01-01T00:00:05.000Z', 3);"),
				 0);
		nsw_case_close(t);
	}
	assert_int_equal(nsw_merge_case(f->ours, f->theirs_path, NULL, &r), 0);
	assert_int_equal(T(r, MESSAGES).created, 1);
	assert_int_equal(T(r, MESSAGES).already, 3);
	assert_int_equal(count(f->ours, "SELECT count(*) FROM messages"), 5);

	assert_int_equal(nsw_case_audit_verify(f->ours, &audit), 0);
	assert_true(audit.ok);
}

struct suspects {
	int n;
	char ids[8][32];
};

static int collect_suspect(void *ctx, const nsw_suspect_row *row)
{
	struct suspects *s = ctx;

	if (s->n < 8)
		snprintf(s->ids[s->n++], sizeof(s->ids[0]), "%s",
			 row->native_id);
	return 0;
}

static int has(const struct suspects *s, const char *id)
{
	for (int i = 0; i < s->n; i++)
		if (strcmp(s->ids[i], id) == 0)
			return 1;
	return 0;
}

/* After the merge, the analysis sees both agencies' posts: their user9
 * (a known item on their list M) becomes a suspect, their user77's post
 * of the known x.jpg counts for our user2. */
static void analysis_sees_the_union(void **state)
{
	struct fixture *f = *state;
	nsw_merge_report r;
	nsw_analyze_report rep;
	nsw_suspect_filter filter;
	struct suspects s;

	memset(&rep, 0, sizeof(rep));
	memset(&filter, 0, sizeof(filter));
	memset(&s, 0, sizeof(s));
	assert_int_equal(nsw_case_analyze(f->ours, NULL, &rep), 0);
	assert_int_equal(nsw_case_suspects_foreach(f->ours, &filter,
						   collect_suspect, &s),
			 0);
	assert_true(has(&s, "user1"));
	assert_false(has(&s, "user2"));
	assert_false(has(&s, "user9"));

	assert_int_equal(nsw_merge_case(f->ours, f->theirs_path, NULL, &r), 0);
	memset(&rep, 0, sizeof(rep));
	memset(&s, 0, sizeof(s));
	assert_int_equal(nsw_case_analyze(f->ours, NULL, &rep), 0);
	assert_int_equal(rep.media_rows, 3);
	assert_int_equal(nsw_case_suspects_foreach(f->ours, &filter,
						   collect_suspect, &s),
			 0);
	assert_true(has(&s, "user1"));
	assert_true(has(&s, "user9"));
	assert_false(has(&s, "user77"));
	/* Their user77's post of the known item now counts for our user2. */
	assert_int_equal(
		count(f->ours,
		      "SELECT known_posts FROM analysis_accounts WHERE "
		      "run_id = (SELECT max(id) FROM analysis_runs) "
		      "AND account_id = 2"),
		1);
}

static void refuses_itself_and_non_cases(void **state)
{
	struct fixture *f = *state;
	nsw_merge_report r;
	char *junk = ts_path(f->dir, "junk.nsdb");

	assert_int_equal(nsw_merge_case(f->ours, f->ours_path, NULL, &r),
			 NSW_EINVAL);
	assert_int_equal(ts_write_file(junk, "not a db", 8), 0);
	assert_int_not_equal(nsw_merge_case(f->ours, junk, NULL, &r), 0);
	assert_int_equal(count(f->ours, "SELECT count(*) FROM merged_sources"),
			 0);
	free(junk);
}

static void no_pdq_leaves_the_reencoded_copy_new(void **state)
{
	struct fixture *f = *state;
	nsw_merge_options opt = {0, 0, 1};
	nsw_merge_report r;

	assert_int_equal(nsw_merge_case(f->ours, f->theirs_path, &opt, &r), 0);
	assert_int_equal(r.items_by_digest, 1);
	assert_int_equal(r.items_by_pdq, 0);
	assert_int_equal(r.items_new, 2);
}

/*
 * A partner's file whose PDQ came from a partial image (schema 7) keeps
 * its rows in our copy; a schema 6 partner (no such columns) still merges.
 */
static void carries_partial_image_rows(void **state)
{
	struct fixture *f = *state;
	nsw_merge_report r;
	nsw_case *t = NULL;

	assert_int_equal(nsw_case_open(&t, f->theirs_path, 0), 0);
	assert_int_equal(exec(t, "UPDATE files SET pdq_rows_present = 100, "
				 "pdq_rows = 160 WHERE display_path = "
				 "'z.jpg';"),
			 0);
	nsw_case_close(t);
	assert_int_equal(nsw_merge_case(f->ours, f->theirs_path, NULL, &r), 0);
	assert_int_equal(count(f->ours, "SELECT count(*) FROM files WHERE "
					"display_path = 'z.jpg' AND "
					"pdq_rows_present = 100 AND "
					"pdq_rows = 160"),
			 1);
	assert_int_equal(count(f->ours, "SELECT count(*) FROM files WHERE "
					"pdq_rows_present IS NOT NULL"),
			 1);
}

static void merges_a_schema_6_partner(void **state)
{
	struct fixture *f = *state;
	nsw_merge_report r;
	nsw_case *t = NULL;

	assert_int_equal(nsw_case_open(&t, f->theirs_path, 0), 0);
	assert_int_equal(exec(t, "ALTER TABLE files DROP COLUMN "
				 "pdq_rows_present;"
				 "ALTER TABLE files DROP COLUMN pdq_rows;"
				 "PRAGMA user_version = 6;"),
			 0);
	nsw_case_close(t);
	assert_int_equal(nsw_merge_case(f->ours, f->theirs_path, NULL, &r), 0);
	assert_int_equal(count(f->ours, "SELECT count(*) FROM files WHERE "
					"display_path = 'z.jpg'"),
			 1);
}

/*
 * A partner's disk-image records (schema 8) keep their inode, deleted mark,
 * creation time and the image's SHA-256; a schema 7 partner (no such
 * columns) still merges with its partial-image rows.
 */
static void carries_disk_image_entries(void **state)
{
	struct fixture *f = *state;
	nsw_merge_report r;
	nsw_case *t = NULL;
	char sha[65];

	assert_int_equal(nsw_case_open(&t, f->theirs_path, 0), 0);
	assert_int_equal(exec(t,
			      "UPDATE files SET meta_addr = 53, deleted = 1, "
			      "crtime_ns = 1700000000000000001 WHERE "
			      "display_path = 'z.jpg';"
			      "UPDATE evidence SET kind = 'image', "
			      "image_sha256 = X'%s', image_size = 4096;",
			      hex32(sha, "ab", NULL)),
			 0);
	nsw_case_close(t);
	assert_int_equal(nsw_merge_case(f->ours, f->theirs_path, NULL, &r), 0);
	assert_int_equal(count(f->ours, "SELECT count(*) FROM files WHERE "
					"display_path = 'z.jpg' AND "
					"meta_addr = 53 AND deleted = 1 AND "
					"crtime_ns = 1700000000000000001"),
			 1);
	assert_int_equal(count(f->ours, "SELECT count(*) FROM evidence WHERE "
					"kind = 'image' AND image_size = 4096 "
					"AND length(image_sha256) = 32"),
			 1);
}

/* A partner's archive member keeps its link to the archive (schema 9):
 * between our copies of both, once; a second merge changes nothing. */
static void carries_archive_member_links(void **state)
{
	struct fixture *f = *state;
	nsw_merge_report r;
	nsw_case *t = NULL;
	static const char linked[] =
		"SELECT count(*) FROM files m JOIN files a ON a.id = "
		"m.container_file_id WHERE m.display_path = 'y.jpg' AND "
		"a.display_path = 'z.jpg' AND a.evidence_id = m.evidence_id";

	assert_int_equal(nsw_case_open(&t, f->theirs_path, 0), 0);
	assert_int_equal(exec(t, "UPDATE files SET container_file_id = "
				 "(SELECT id FROM files WHERE display_path = "
				 "'z.jpg') WHERE display_path = 'y.jpg';"),
			 0);
	nsw_case_close(t);
	assert_int_equal(nsw_merge_case(f->ours, f->theirs_path, NULL, &r), 0);
	assert_int_equal(count(f->ours, linked), 1);
	assert_int_equal(count(f->ours, "SELECT count(*) FROM files WHERE "
					"container_file_id IS NOT NULL"),
			 1);
	assert_int_equal(nsw_merge_case(f->ours, f->theirs_path, NULL, &r), 0);
	assert_int_equal(count(f->ours, linked), 1);
	assert_int_equal(count(f->ours, "SELECT count(*) FROM files WHERE "
					"container_file_id IS NOT NULL"),
			 1);
}

static void merges_a_schema_7_partner(void **state)
{
	struct fixture *f = *state;
	nsw_merge_report r;
	nsw_case *t = NULL;

	assert_int_equal(nsw_case_open(&t, f->theirs_path, 0), 0);
	assert_int_equal(exec(t, "UPDATE files SET pdq_rows_present = 100, "
				 "pdq_rows = 160 WHERE display_path = "
				 "'z.jpg';"
				 "ALTER TABLE files DROP COLUMN meta_addr;"
				 "ALTER TABLE files DROP COLUMN deleted;"
				 "ALTER TABLE files DROP COLUMN crtime_ns;"
				 "ALTER TABLE evidence DROP COLUMN "
				 "image_sha256;"
				 "ALTER TABLE evidence DROP COLUMN image_size;"
				 "PRAGMA user_version = 7;"),
			 0);
	nsw_case_close(t);
	assert_int_equal(nsw_merge_case(f->ours, f->theirs_path, NULL, &r), 0);
	assert_int_equal(count(f->ours, "SELECT count(*) FROM files WHERE "
					"display_path = 'z.jpg' AND "
					"pdq_rows = 160 AND meta_addr IS NULL"),
			 1);
}

/* The merged case as CASE/UCO: parsed back, every hash present. */
static void exports_case_uco(void **state)
{
	struct fixture *f = *state;
	nsw_merge_report r;
	char *out = ts_path(f->dir, "case.jsonld");
	json_error_t err;
	json_t *doc, *graph, *ctx;
	size_t i, files = 0, accounts = 0, messages = 0, assertions = 0,
		  provenance = 0;
	char *text;
	size_t len = 0;
	nsw_sqlstmt *q = NULL;

	assert_int_equal(nsw_merge_case(f->ours, f->theirs_path, NULL, &r), 0);
	assert_int_equal(nsw_case_export_case_uco(f->ours, out), 0);
	doc = json_load_file(out, 0, &err);
	assert_non_null(doc);
	ctx = json_object_get(doc, "@context");
	assert_true(json_is_object(ctx));
	assert_non_null(json_object_get(ctx, "uco-observable"));
	assert_non_null(json_object_get(ctx, "kb"));
	graph = json_object_get(doc, "@graph");
	assert_true(json_is_array(graph));
	for (i = 0; i < json_array_size(graph); i++) {
		const char *type = json_string_value(
			json_object_get(json_array_get(graph, i), "@type"));

		assert_non_null(type);
		files += strcmp(type, "uco-observable:File") == 0;
		accounts +=
			strcmp(type, "uco-observable:ApplicationAccount") == 0;
		messages += strcmp(type, "uco-observable:Message") == 0;
		assertions += strcmp(type, "uco-core:Assertion") == 0;
		provenance +=
			strcmp(type, "case-investigation:ProvenanceRecord") ==
			0;
	}
	assert_int_equal(files, 5 + 2); /* files and lists */
	assert_int_equal(accounts, 4);
	assert_int_equal(messages, 4);
	assert_int_equal(assertions, 2);
	assert_int_equal(provenance, 2 + 1); /* evidence items, source */
	text = (char *)ts_read_file(out, &len);
	assert_non_null(text);
	assert_int_equal(nsw_sqldb_prepare(f->ours->db, &q,
					   "SELECT lower(hex(sha256)), "
					   "lower(hex(md5)), lower(hex(pdq)) "
					   "FROM files"),
			 0);
	while (nsw_sqldb_step(q) == 1)
		for (int col = 0; col < 3; col++)
			assert_non_null(strstr(
				text, nsw_sqldb_column_text(q, col, NULL)));
	nsw_sqldb_finalize(q);
	assert_int_equal(count(f->ours, "SELECT count(*) FROM audit_log WHERE "
					"action = 'export.case-uco'"),
			 1);
	free(text);
	json_decref(doc);
	free(out);
}

/* ---- PDQ near-match against every file (the index's oracle) ------------ */

static uint64_t rng_next(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static void hex_of(char out[65], const uint8_t b[32])
{
	static const char hx[] = "0123456789abcdef";

	for (int i = 0; i < 32; i++) {
		out[2 * i] = hx[b[i] >> 4];
		out[2 * i + 1] = hx[b[i] & 15];
	}
	out[64] = '\0';
}

static int add_file(nsw_case *c, int n, const uint8_t sha[32],
		    const uint8_t pdq[32], int quality)
{
	char sh[65], pq[65], name[32];

	hex_of(sh, sha);
	hex_of(pq, pdq);
	snprintf(name, sizeof(name), "f%d.jpg", n);
	return exec(c,
		    "INSERT INTO files(evidence_id, path, display_path, size, "
		    "sha256, pdq, pdq_quality, media_type, status, "
		    "recorded_utc) VALUES(1, CAST('%s' AS BLOB), '%s', 1, "
		    "X'%s', X'%s', %d, 'image/jpeg', 'ok', "
		    "'2026-01-01T00:00:00.000Z');",
		    name, name, sh, pq, quality);
}

static int distance32(const uint8_t *a, const uint8_t *b)
{
	int d = 0;

	for (int i = 0; i < 32; i++)
		d += __builtin_popcount((unsigned)(a[i] ^ b[i]));
	return d;
}

#define NEAR_OURS 3000
#define NEAR_THEIRS 600

/*
 * Ours: 3,000 files, random PDQs, with exact duplicate PDQs on
 * neighbouring files (ties: the lower file id wins) and some of quality
 * 40 (not used). Theirs: 600 files, most a random one of ours with 0-45
 * bits flipped, some random. Every partner item's outcome (new, or pdq
 * with our nearest file and the distance) equals a comparison with every
 * one of our files, at the default threshold 31 and at 12.
 */
static void pdq_near_match_equals_every_file(void **state)
{
	struct fixture *f = *state;
	static uint8_t ours_pdq[NEAR_OURS][32], ours_sha[NEAR_OURS][32];
	static int ours_q[NEAR_OURS];
	static uint8_t th_pdq[NEAR_THEIRS][32], th_sha[NEAR_THEIRS][32];
	const int thresholds[2] = {31, 12};
	uint64_t x = 0x9e3779b97f4a7c15ull;

	for (int i = 0; i < NEAR_OURS; i++) {
		for (int k = 0; k < 32; k++) {
			ours_sha[i][k] = (uint8_t)rng_next(&x);
			ours_pdq[i][k] = (uint8_t)rng_next(&x);
		}
		ours_sha[i][0] = 0x5a; /* never one of theirs */
		if (i % 97 == 1)       /* a duplicate PDQ one file later */
			memcpy(ours_pdq[i], ours_pdq[i - 1], 32);
		ours_q[i] = i % 13 == 0 ? 40 : 90;
	}
	for (int j = 0; j < NEAR_THEIRS; j++) {
		for (int k = 0; k < 32; k++) {
			th_sha[j][k] = (uint8_t)rng_next(&x);
			th_pdq[j][k] = (uint8_t)rng_next(&x);
		}
		th_sha[j][0] = 0xa5;
		if (j % 5 != 0) {
			int src = (int)(rng_next(&x) % NEAR_OURS);
			int flips = (int)(rng_next(&x) % 46);

			memcpy(th_pdq[j], ours_pdq[src], 32);
			for (int b = 0; b < flips; b++) {
				int bit = (int)(rng_next(&x) % 256);

				th_pdq[j][bit / 8] ^=
					(uint8_t)(1u << (bit % 8));
			}
		}
	}
	for (int t = 0; t < 2; t++) {
		char *ours_path = ts_path(f->dir, t ? "o12.nsdb" : "o31.nsdb");
		char *theirs_path =
			ts_path(f->dir, t ? "t12.nsdb" : "t31.nsdb");
		nsw_case *o = NULL, *th = NULL;
		nsw_merge_options opt = {0};
		nsw_merge_report r;
		int64_t want_pdq = 0;
		static const char ev[] =
			"INSERT INTO evidence(id, label, kind, source_path, "
			"added_by, added_utc) VALUES(1, 'd', 'directory', "
			"X'2f64', 'a', '2026-01-01T00:00:00.000Z');";

		assert_int_equal(nsw_case_create(&o, ours_path, "O", "a"), 0);
		assert_int_equal(nsw_case_create(&th, theirs_path, "T", "b"),
				 0);
		assert_int_equal(exec(o, "BEGIN;%s", ev), 0);
		assert_int_equal(exec(th, "BEGIN;%s", ev), 0);
		for (int i = 0; i < NEAR_OURS; i++)
			assert_int_equal(add_file(o, i, ours_sha[i],
						  ours_pdq[i], ours_q[i]),
					 0);
		for (int j = 0; j < NEAR_THEIRS; j++)
			assert_int_equal(
				add_file(th, j, th_sha[j], th_pdq[j], 90), 0);
		assert_int_equal(exec(o, "COMMIT;"), 0);
		assert_int_equal(exec(th, "COMMIT;"), 0);
		nsw_case_close(th);
		opt.pdq_threshold = thresholds[t];
		assert_int_equal(nsw_merge_case(o, theirs_path, &opt, &r), 0);
		assert_int_equal(r.items, NEAR_THEIRS);
		for (int j = 0; j < NEAR_THEIRS; j++) {
			int best = 257, best_i = -1;
			char key[80], sql[300], sh[65];
			nsw_sqlstmt *q = NULL;

			for (int i = 0; i < NEAR_OURS; i++) {
				int d = distance32(th_pdq[j], ours_pdq[i]);

				if (ours_q[i] >= 50 && d < best) {
					best = d;
					best_i = i;
				}
			}
			hex_of(sh, th_sha[j]);
			snprintf(key, sizeof(key), "sha256:%s", sh);
			snprintf(sql, sizeof(sql),
				 "SELECT via, ifnull(dst_key, ''), distance "
				 "FROM "
				 "merge_items WHERE src_key = '%s'",
				 key);
			assert_int_equal(nsw_sqldb_prepare(o->db, &q, sql), 0);
			assert_int_equal(nsw_sqldb_step(q), 1);
			if (best <= thresholds[t]) {
				char want[80];

				hex_of(sh, ours_sha[best_i]);
				snprintf(want, sizeof(want), "sha256:%s", sh);
				assert_string_equal(
					nsw_sqldb_column_text(q, 0, NULL),
					"pdq");
				assert_string_equal(
					nsw_sqldb_column_text(q, 1, NULL),
					want);
				assert_int_equal(nsw_sqldb_column_int64(q, 2),
						 best);
				want_pdq++;
			} else {
				assert_string_equal(
					nsw_sqldb_column_text(q, 0, NULL),
					"new");
			}
			nsw_sqldb_finalize(q);
		}
		assert_int_equal(r.items_by_pdq, want_pdq);
		/* The planted families make both outcomes common. */
		assert_true(want_pdq > NEAR_THEIRS / 5);
		assert_true(r.items_new > NEAR_THEIRS / 5);
		nsw_case_close(o);
		free(ours_path);
		free(theirs_path);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			merges_with_provenance_conflicts_and_idempotence, setup,
			teardown),
		cmocka_unit_test_setup_teardown(analysis_sees_the_union, setup,
						teardown),
		cmocka_unit_test_setup_teardown(refuses_itself_and_non_cases,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			no_pdq_leaves_the_reencoded_copy_new, setup, teardown),
		cmocka_unit_test_setup_teardown(exports_case_uco, setup,
						teardown),
		cmocka_unit_test_setup_teardown(carries_partial_image_rows,
						setup, teardown),
		cmocka_unit_test_setup_teardown(carries_disk_image_entries,
						setup, teardown),
		cmocka_unit_test_setup_teardown(carries_archive_member_links,
						setup, teardown),
		cmocka_unit_test_setup_teardown(merges_a_schema_7_partner,
						setup, teardown),
		cmocka_unit_test_setup_teardown(merges_a_schema_6_partner,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			pdq_near_match_equals_every_file, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
