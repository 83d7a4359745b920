/* SPDX-License-Identifier: Apache-2.0 */
/*
 * netsweep analyze over a hand-built case whose right answers are written
 * here: a known item seeded by A in chat 1, forwarded by B into chat 2 and
 * re-posted by C into chat 3 as a re-encoded copy (a different SHA-256,
 * a PDQ 10 bits away: only PDQ joins it); a new unlisted item seeded by D
 * in chat 2 and re-shared by E in chat 3; a bystander F posting two
 * unrelated benign items in chats 1 and 3.
 *
 * The case is filled with SQL through the store's connection: the rows
 * `netsweep ingest` records (docs/case-schema.md), written directly so the
 * test states every digest and time.
 */
#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netsweep/netsweep.h"
#include "store.h"
#include "support.h"

struct fixture {
	char *dir, *path;
	nsw_case *c;
};

/* A PDQ-like pattern: distinct seeds are ~128 bits apart. */
static nsw_pdq_hash pattern(uint32_t seed)
{
	nsw_pdq_hash h;
	uint64_t x = 0x9e3779b97f4a7c15ull * (seed + 1);

	for (int i = 0; i < NSW_PDQ_BYTES; i++) {
		x ^= x >> 33;
		x *= 0xff51afd7ed558ccdull;
		x ^= x >> 29;
		h.bytes[i] = (uint8_t)x;
	}
	return h;
}

static nsw_pdq_hash flip(nsw_pdq_hash h, int bits)
{
	for (int b = 0; b < bits; b++)
		h.bytes[(b * 7) % NSW_PDQ_BYTES] ^= (uint8_t)(1u << (b % 8));
	return h;
}

static void fill(uint8_t *d, size_t n, uint8_t v)
{
	memset(d, v, n);
}

static void exec_sql(nsw_case *c, const char *sql)
{
	assert_int_equal(nsw_sqldb_exec(c->db, sql), 0);
}

/* Media row: digests given by non-NULL pointers. */
static void media(nsw_case *c, int id, const uint8_t *md5,
		  const uint8_t *sha256, const nsw_pdq_hash *pdq, int file_id)
{
	nsw_sqlstmt *st = NULL;

	assert_int_equal(nsw_sqldb_prepare(
				 c->db, &st,
				 "INSERT INTO media(id, file_id, md5, sha256, "
				 "pdq, pdq_quality) VALUES(?1,?2,?3,?4,?5,?6)"),
			 0);
	assert_int_equal(nsw_sqldb_bind_int64(st, 1, id), 0);
	if (file_id)
		assert_int_equal(nsw_sqldb_bind_int64(st, 2, file_id), 0);
	assert_int_equal(nsw_sqldb_bind_blob(st, 3, md5, md5 ? 16 : 0), 0);
	assert_int_equal(nsw_sqldb_bind_blob(st, 4, sha256, sha256 ? 32 : 0),
			 0);
	assert_int_equal(nsw_sqldb_bind_blob(st, 5, pdq ? pdq->bytes : NULL,
					     pdq ? 32 : 0),
			 0);
	assert_int_equal(nsw_sqldb_bind_int64(st, 6, 90), 0);
	assert_int_equal(nsw_sqldb_run(st), 0);
	nsw_sqldb_finalize(st);
}

static void message(nsw_case *c, int id, int chat, int sender, int fwd,
		    const char *time_utc, int media_id)
{
	char sql[512], fwd_text[16] = "NULL";

	if (fwd)
		snprintf(fwd_text, sizeof(fwd_text), "%d", fwd);
	snprintf(sql, sizeof(sql),
		 "INSERT INTO messages(id, chat_id, native_id, time_utc, "
		 "sender_account_id, forwarded_from_account_id, media_id) "
		 "VALUES(%d, %d, '%d', '%s', %d, %s, %d);"
		 "UPDATE media SET message_id = %d, position = 0 WHERE id = %d",
		 id, chat, id, time_utc, sender, fwd_text, media_id, id,
		 media_id);
	exec_sql(c, sql);
}

/* Digests of the hand-built copies. */
static uint8_t sha_k[32], sha_k2[32], sha_n[32], sha_f1[32], sha_f2[32];
static uint8_t md5_k[16];
static nsw_pdq_hash pdq_k, pdq_k2, pdq_n, pdq_f1, pdq_f2;

static void build_case(nsw_case *c)
{
	nsw_evidence ev = {0};
	int64_t ev_id = 0;
	nsw_sqlstmt *st = NULL;

	fill(sha_k, 32, 0x11);
	fill(sha_k2, 32, 0x12);
	fill(sha_n, 32, 0x44);
	fill(sha_f1, 32, 0x61);
	fill(sha_f2, 32, 0x62);
	fill(md5_k, 16, 0xa1);
	pdq_k = pattern(1);
	pdq_k2 = flip(pdq_k, 10);
	pdq_n = pattern(4);
	pdq_f1 = pattern(6);
	pdq_f2 = pattern(7);
	/* Preconditions of the story. */
	assert_int_equal(nsw_pdq_distance(&pdq_k, &pdq_k2), 10);
	assert_true(nsw_pdq_distance(&pdq_k, &pdq_n) > 63);
	assert_true(nsw_pdq_distance(&pdq_k, &pdq_f1) > 63);
	assert_true(nsw_pdq_distance(&pdq_f1, &pdq_f2) > 63);
	assert_true(nsw_pdq_distance(&pdq_n, &pdq_f2) > 63);

	ev.label = "export-1";
	ev.kind = "export";
	ev.source_path = "/exports/1";
	assert_int_equal(nsw_case_evidence_add(c, &ev, &ev_id), 0);
	exec_sql(c,
		 "INSERT INTO platforms(id, name) VALUES(1, 'telegram');"
		 "INSERT INTO accounts(id, platform_id, native_id) VALUES"
		 " (1,1,'user1'),(2,1,'user2'),(3,1,'user3'),"
		 " (4,1,'user4'),(5,1,'user5'),(6,1,'user6');"
		 "INSERT INTO account_names(account_id, kind, value) VALUES"
		 " (1,'display','Alice A'),(1,'phone','+15550001'),"
		 " (1,'username','alice'),(2,'display','Bob B'),"
		 " (3,'display','Carol C'),(4,'display','Dan D'),"
		 " (5,'display','Eve E'),(6,'display','Fay F');"
		 "INSERT INTO attributions(account_id, country, basis, "
		 "confidence, source, created_utc) VALUES"
		 " (1,'NL','phone-prefix',0.9,'test','2026-01-01T00:00:00Z');"
		 "INSERT INTO chats(id, platform_id, native_id, kind, title)"
		 " VALUES (1,1,'-1001','group','Chat one'),"
		 " (2,1,'-1002','group','Chat two'),"
		 " (3,1,'-1003','group','Chat three');"
		 "INSERT INTO lists(id, name, version, checksum, role, "
		 "added_utc) VALUES(1, 'vics-test', '1', 'aa', 'match', "
		 "'2026-01-01T00:00:00Z');");
	/* The known item's file (as ingest hashes it) and its hit. */
	assert_int_equal(
		nsw_sqldb_prepare(
			c->db, &st,
			"INSERT INTO files(id, evidence_id, path, display_path,"
			" sha256, md5, status, recorded_utc) VALUES(1, ?1, "
			"CAST('photos/k.jpg' AS BLOB), 'photos/k.jpg', ?2, ?3,"
			" 'ok', '2026-01-01T00:00:00Z')"),
		0);
	assert_int_equal(nsw_sqldb_bind_int64(st, 1, ev_id), 0);
	assert_int_equal(nsw_sqldb_bind_blob(st, 2, sha_k, 32), 0);
	assert_int_equal(nsw_sqldb_bind_blob(st, 3, md5_k, 16), 0);
	assert_int_equal(nsw_sqldb_run(st), 0);
	nsw_sqldb_finalize(st);
	exec_sql(c, "INSERT INTO hits(file_id, list_id, entry_id, algorithm,"
		    " category_scheme, category_code, recorded_utc) VALUES"
		    " (1, 1, 7, 'sha256', 'vics-default', '1',"
		    " '2026-01-01T00:00:00Z');");

	/* Copies: K as posted (file 1), K forwarded (MD5 only), K
	 * re-encoded (other SHA-256, near PDQ), N twice, F's two. */
	media(c, 1, md5_k, sha_k, &pdq_k, 1);
	media(c, 2, md5_k, NULL, NULL, 0);
	media(c, 3, NULL, sha_k2, &pdq_k2, 0);
	media(c, 4, NULL, sha_n, &pdq_n, 0);
	media(c, 5, NULL, sha_n, &pdq_n, 0);
	media(c, 6, NULL, sha_f1, &pdq_f1, 0);
	media(c, 7, NULL, sha_f2, &pdq_f2, 0);
	/* F posts first of all: being early with benign items is not
	 * evidence. */
	message(c, 10, 1, 6, 0, "2026-01-01T00:05:00.000Z", 6);
	message(c, 11, 1, 1, 0, "2026-01-01T00:10:00.000Z", 1);
	message(c, 12, 2, 4, 0, "2026-01-01T00:15:00.000Z", 4);
	message(c, 13, 2, 2, 1, "2026-01-01T00:20:00.000Z", 2);
	message(c, 14, 3, 5, 0, "2026-01-01T00:25:00.000Z", 5);
	message(c, 15, 3, 3, 0, "2026-01-01T00:30:00.000Z", 3);
	message(c, 16, 3, 6, 0, "2026-01-01T00:35:00.000Z", 7);
	/* Text without media counts for chat activity only. */
	exec_sql(c, "INSERT INTO messages(id, chat_id, native_id, time_utc,"
		    " sender_account_id, text) VALUES (17, 1, '17', "
		    "'2026-01-01T00:40:00.000Z', 2, 'hello');");
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->dir = ts_tmpdir();
	f->path = ts_path(f->dir, "op.nsdb");
	assert_int_equal(nsw_case_create(&f->c, f->path, "Op", "Examiner"), 0);
	build_case(f->c);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	nsw_case_close(f->c);
	ts_tmpdir_remove(f->dir);
	free(f->path);
	free(f);
	return 0;
}

static void hex(char *out, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
}

/* ---- the item's spread --------------------------------------------- */

struct spread_seen {
	int calls;
	char matched_by[16];
	char key[72];
	int known;
	char list[64], category[64];
	int64_t copies, distinct;
	char accounts[8][16];
	char chats_in_order[8][16];
	char kinds[8][8];
	size_t n, n_res, n_chats;
	char resharers[8][16];
};

static int on_spread(void *ctx, const nsw_item_spread *s)
{
	struct spread_seen *w = ctx;

	w->calls++;
	snprintf(w->matched_by, sizeof(w->matched_by), "%s", s->matched_by);
	snprintf(w->key, sizeof(w->key), "%s", s->key);
	w->known = s->known;
	snprintf(w->list, sizeof(w->list), "%s", s->list_name);
	snprintf(w->category, sizeof(w->category), "%s", s->category);
	w->copies = s->media_copies;
	w->distinct = s->distinct_copies;
	w->n = s->n_appearances;
	for (size_t i = 0; i < s->n_appearances && i < 8; i++) {
		snprintf(w->accounts[i], 16, "%s",
			 s->appearances[i].account_native_id);
		snprintf(w->kinds[i], 8, "%s", s->appearances[i].kind);
	}
	w->n_res = s->n_resharers;
	for (size_t i = 0; i < s->n_resharers && i < 8; i++)
		snprintf(w->resharers[i], 16, "%s",
			 s->appearances[s->resharers[i]].account_native_id);
	w->n_chats = s->n_chats;
	for (size_t i = 0; i < s->n_chats && i < 8; i++)
		snprintf(w->chats_in_order[i], 16, "%s",
			 s->appearances[s->chats[i]].chat_native_id);
	return 0;
}

static void known_item_spreads_through_three_chats(void **state)
{
	struct fixture *f = *state;
	nsw_analyze_report rep;
	struct spread_seen w = {0};
	char h[72];

	assert_int_equal(nsw_case_analyze(f->c, NULL, &rep), 0);
	assert_true(rep.run_id > 0);
	assert_int_equal(rep.media_rows, 7);
	assert_int_equal(rep.items, 4); /* K, N, F1, F2 */
	assert_int_equal(rep.known_items, 1);
	assert_int_equal(rep.items_joined_by_pdq, 1);
	assert_int_equal(rep.appearances, 7);
	assert_int_equal(rep.accounts, 6);
	assert_int_equal(rep.chats, 3);

	/* Found through the re-encoded copy's SHA-256: one item. */
	hex(h, sha_k2, 32);
	assert_int_equal(nsw_case_item_spread(f->c, 0, h, on_spread, &w), 0);
	assert_int_equal(w.calls, 1);
	assert_string_equal(w.matched_by, "sha256");
	hex(h, sha_k, 32);
	assert_string_equal(w.key, h); /* the first copy's SHA-256 */
	assert_int_equal(w.known, 1);
	assert_string_equal(w.list, "vics-test");
	assert_string_equal(w.category, "vics-default:1");
	assert_int_equal(w.copies, 3);
	assert_int_equal(w.distinct, 3);
	assert_int_equal(w.n, 3);
	assert_string_equal(w.accounts[0], "user1"); /* first poster: A */
	assert_string_equal(w.accounts[1], "user2");
	assert_string_equal(w.accounts[2], "user3");
	assert_string_equal(w.kinds[0], "post");
	assert_string_equal(w.kinds[1], "forward");
	assert_string_equal(w.kinds[2], "post");
	assert_int_equal(w.n_res, 2);
	assert_string_equal(w.resharers[0], "user2");
	assert_string_equal(w.resharers[1], "user3");
	assert_int_equal(w.n_chats, 3);
	assert_string_equal(w.chats_in_order[0], "-1001");
	assert_string_equal(w.chats_in_order[1], "-1002");
	assert_string_equal(w.chats_in_order[2], "-1003");

	/* By MD5 (the forwarded copy has only that): the same item. */
	memset(&w, 0, sizeof(w));
	hex(h, md5_k, 16);
	assert_int_equal(nsw_case_item_spread(f->c, 0, h, on_spread, &w), 0);
	assert_string_equal(w.matched_by, "md5");
	assert_int_equal(w.n, 3);

	/* By a PDQ no copy has, 5 bits from the first: near match. */
	{
		nsw_pdq_hash q = flip(pdq_k, 5);

		memset(&w, 0, sizeof(w));
		hex(h, q.bytes, 32);
		assert_int_equal(
			nsw_case_item_spread(f->c, 0, h, on_spread, &w), 0);
		assert_string_equal(w.matched_by, "pdq~5");
		assert_int_equal(w.n, 3);
	}
	/* Unknown hash; not hex. */
	assert_int_equal(nsw_case_item_spread(
				 f->c, 0, "00000000000000000000000000000000",
				 on_spread, &w),
			 NSW_ENOTFOUND);
	assert_int_equal(nsw_case_item_spread(f->c, 0, "xyz", on_spread, &w),
			 NSW_EINVAL);
}

static void new_item_seeded_by_d(void **state)
{
	struct fixture *f = *state;
	nsw_analyze_report rep;
	struct spread_seen w = {0};
	char h[72];

	assert_int_equal(nsw_case_analyze(f->c, NULL, &rep), 0);
	hex(h, sha_n, 32);
	assert_int_equal(nsw_case_item_spread(f->c, 0, h, on_spread, &w), 0);
	assert_int_equal(w.known, 0);
	assert_string_equal(w.list, "");
	assert_int_equal(w.copies, 2);
	assert_int_equal(w.distinct, 1);
	assert_int_equal(w.n, 2);
	assert_string_equal(w.accounts[0], "user4");
	assert_string_equal(w.resharers[0], "user5");
	assert_string_equal(w.chats_in_order[0], "-1002");
	assert_string_equal(w.chats_in_order[1], "-1003");
}

/* ---- suspects ------------------------------------------------------ */

struct ranking {
	char account[8][16];
	uint32_t rank[8];
	double score[8];
	size_t n;
	/* A's details. */
	char a_names[64], a_phones[64], a_users[64], a_country[8];
	size_t a_terms, a_evidence, a_lists;
	char a_list0[32], a_ev_why[16], a_ev_msg[16];
	double a_known_seeded_contrib, a_term_sum;
};

static int on_suspect(void *ctx, const nsw_suspect_row *s)
{
	struct ranking *r = ctx;

	if (r->n < 8) {
		snprintf(r->account[r->n], 16, "%s", s->native_id);
		r->rank[r->n] = s->rank;
		r->score[r->n] = s->score;
	}
	r->n++;
	if (strcmp(s->native_id, "user1") == 0) {
		snprintf(r->a_names, sizeof(r->a_names), "%s", s->names);
		snprintf(r->a_phones, sizeof(r->a_phones), "%s", s->phones);
		snprintf(r->a_users, sizeof(r->a_users), "%s", s->usernames);
		snprintf(r->a_country, sizeof(r->a_country), "%s", s->country);
		r->a_terms = s->n_terms;
		r->a_evidence = s->n_evidence;
		r->a_lists = s->n_lists;
		if (s->n_lists)
			snprintf(r->a_list0, 32, "%s", s->lists[0]);
		if (s->n_evidence) {
			snprintf(r->a_ev_why, 16, "%s", s->evidence[0].why);
			snprintf(r->a_ev_msg, 16, "%s",
				 s->evidence[0].message_native_id);
		}
		for (size_t t = 0; t < s->n_terms; t++) {
			r->a_term_sum += s->terms[t].contribution;
			if (strcmp(s->terms[t].name, "known_seeded") == 0)
				r->a_known_seeded_contrib =
					s->terms[t].contribution;
		}
	}
	return 0;
}

static void seeder_ranks_first_bystander_not_listed(void **state)
{
	struct fixture *f = *state;
	nsw_analyze_report rep;
	struct ranking r = {0};
	nsw_suspect_filter filter = {0};

	assert_int_equal(nsw_case_analyze(f->c, NULL, &rep), 0);
	assert_int_equal(nsw_case_suspects_foreach(f->c, NULL, on_suspect, &r),
			 0);
	/* A (seeded the known item), B and C (posted it), D (seeded a new
	 * item E re-shared). E only re-shared an unlisted item; F posted
	 * unrelated items nobody re-shared: neither is a suspect. */
	assert_int_equal(r.n, 4);
	assert_string_equal(r.account[0], "user1");
	assert_int_equal(r.rank[0], 1);
	assert_true((strcmp(r.account[1], "user2") == 0 &&
		     strcmp(r.account[2], "user3") == 0) ||
		    (strcmp(r.account[1], "user3") == 0 &&
		     strcmp(r.account[2], "user2") == 0));
	assert_string_equal(r.account[3], "user4");
	assert_true(r.score[0] > r.score[1]);
	assert_true(r.score[2] > r.score[3]);
	/* A's names, attribution, score terms (sum = score), evidence. */
	assert_string_equal(r.a_names, "Alice A");
	assert_string_equal(r.a_phones, "+15550001");
	assert_string_equal(r.a_users, "alice");
	assert_string_equal(r.a_country, "NL");
	assert_int_equal(r.a_terms, NSW_NET_TERM_COUNT);
	assert_true(r.a_term_sum > r.score[0] - 1e-9 &&
		    r.a_term_sum < r.score[0] + 1e-9);
	assert_true(r.a_known_seeded_contrib > 3.99 &&
		    r.a_known_seeded_contrib < 4.01); /* 4 x log2(2) */
	assert_int_equal(r.a_lists, 1);
	assert_string_equal(r.a_list0, "vics-test");
	assert_int_equal(r.a_evidence, 1);
	assert_string_equal(r.a_ev_why, "known");
	assert_string_equal(r.a_ev_msg, "11");

	/* Country filter and limit. */
	memset(&r, 0, sizeof(r));
	filter.country = "nl";
	assert_int_equal(
		nsw_case_suspects_foreach(f->c, &filter, on_suspect, &r), 0);
	assert_int_equal(r.n, 1);
	memset(&r, 0, sizeof(r));
	filter.country = NULL;
	filter.limit = 2;
	assert_int_equal(
		nsw_case_suspects_foreach(f->c, &filter, on_suspect, &r), 0);
	assert_int_equal(r.n, 2);
}

static void low_threshold_keeps_reencoded_copy_apart(void **state)
{
	struct fixture *f = *state;
	nsw_analyze_options opt;
	nsw_analyze_report rep;
	struct ranking r = {0};

	nsw_analyze_options_default(&opt);
	opt.pdq_threshold = 9; /* the copy is 10 bits away */
	assert_int_equal(nsw_case_analyze(f->c, &opt, &rep), 0);
	assert_int_equal(rep.items, 5);
	assert_int_equal(rep.items_joined_by_pdq, 0);
	assert_int_equal(nsw_case_suspects_foreach(f->c, NULL, on_suspect, &r),
			 0);
	/* C's copy is no longer known: C drops out. */
	assert_int_equal(r.n, 3);
	for (size_t i = 0; i < r.n; i++)
		assert_string_not_equal(r.account[i], "user3");
}

/* ---- chats ----------------------------------------------------------- */

struct chat_seen {
	char native[4][16];
	double share[4];
	int64_t messages[4], active[4], posts[4], bridged[4];
	char bridge0[4][16];
	size_t n;
};

static int on_chat(void *ctx, const nsw_chat_metrics_row *m)
{
	struct chat_seen *w = ctx;

	if (w->n < 4) {
		snprintf(w->native[w->n], 16, "%s", m->native_id);
		w->share[w->n] = m->known_share;
		w->messages[w->n] = m->messages;
		w->active[w->n] = m->active_accounts;
		w->posts[w->n] = m->posts;
		w->bridged[w->n] = m->bridged_chats;
		if (m->n_bridges)
			snprintf(w->bridge0[w->n], 16, "%s",
				 m->bridges[0].native_id);
	}
	w->n++;
	return 0;
}

static void chats_ranked_by_known_share(void **state)
{
	struct fixture *f = *state;
	nsw_analyze_report rep;
	struct chat_seen w = {0};

	assert_int_equal(nsw_case_analyze(f->c, NULL, &rep), 0);
	assert_int_equal(nsw_case_chat_metrics_foreach(f->c, 0, on_chat, &w),
			 0);
	assert_int_equal(w.n, 3);
	/* chat 2: 1 of 2 posts known; chat 1: 1 of 2; chat 3: 1 of 3. Ties
	 * on share and known posts go by chat id. */
	assert_string_equal(w.native[0], "-1001");
	assert_string_equal(w.native[1], "-1002");
	assert_string_equal(w.native[2], "-1003");
	assert_true(w.share[0] > 0.49 && w.share[0] < 0.51);
	assert_true(w.share[2] > 0.33 && w.share[2] < 0.34);
	assert_int_equal(w.messages[0], 3); /* with the text message */
	assert_int_equal(w.posts[0], 2);
	assert_int_equal(w.active[2], 3);
	/* F is active in chats 1 and 3: they bridge. */
	assert_int_equal(w.bridged[0], 1);
	assert_string_equal(w.bridge0[0], "-1003");
	assert_int_equal(w.bridged[1], 0);
}

/* ---- runs and audit -------------------------------------------------- */

static int count_action(void *ctx, const nsw_audit_entry *e)
{
	if (strcmp(e->action, "analyze.run") == 0)
		++*(int *)ctx;
	return 0;
}

static void each_run_is_stored_and_audited(void **state)
{
	struct fixture *f = *state;
	nsw_analyze_report rep1, rep2;
	nsw_analysis_run run;
	nsw_analyze_options opt;
	nsw_audit_check chk;
	int n = 0;

	assert_int_equal(nsw_case_analysis_get(f->c, 0, &run), NSW_ENOTFOUND);
	assert_int_equal(nsw_case_analyze(f->c, NULL, &rep1), 0);
	nsw_analyze_options_default(&opt);
	opt.pdq_threshold = 20;
	assert_int_equal(nsw_case_analyze(f->c, &opt, &rep2), 0);
	assert_true(rep2.run_id > rep1.run_id);
	assert_int_equal(nsw_case_analysis_get(f->c, 0, &run), 0);
	assert_int_equal(run.id, rep2.run_id);
	assert_int_equal(run.options.pdq_threshold, 20);
	assert_int_equal(nsw_case_analysis_get(f->c, rep1.run_id, &run), 0);
	assert_int_equal(run.options.pdq_threshold, 31);
	assert_int_equal(run.items, 4);
	assert_int_equal(run.suspects, 4);
	assert_int_equal(nsw_case_audit_foreach(f->c, count_action, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(nsw_case_audit_verify(f->c, &chk), 0);
	assert_true(chk.ok);
}

static void rejects_bad_threshold(void **state)
{
	struct fixture *f = *state;
	nsw_analyze_options opt;
	nsw_analyze_report rep;

	nsw_analyze_options_default(&opt);
	opt.pdq_threshold = 64;
	assert_int_equal(nsw_case_analyze(f->c, &opt, &rep), NSW_EINVAL);
}

/* ---- graph export ---------------------------------------------------- */

struct xml_count {
	int nodes, edges, depth_err;
};

static void XMLCALL on_start(void *ud, const XML_Char *name,
			     const XML_Char **atts)
{
	struct xml_count *x = ud;

	(void)atts;
	if (strcmp(name, "node") == 0)
		x->nodes++;
	else if (strcmp(name, "edge") == 0)
		x->edges++;
}

static void parse_counts(const char *path, struct xml_count *x)
{
	size_t len = 0;
	uint8_t *data = ts_read_file(path, &len);
	XML_Parser p = XML_ParserCreate(NULL);

	assert_non_null(data);
	XML_SetUserData(p, x);
	XML_SetStartElementHandler(p, on_start);
	assert_int_equal(XML_Parse(p, (const char *)data, (int)len, 1),
			 XML_STATUS_OK);
	XML_ParserFree(p);
	free(data);
}

static void graph_exports_parse_with_expected_counts(void **state)
{
	struct fixture *f = *state;
	nsw_network *net = NULL;
	nsw_analyze_report rep;
	struct xml_count x = {0};
	char *gml = ts_path(f->dir, "g.graphml");
	char *gexf = ts_path(f->dir, "g.gexf");
	FILE *out;

	assert_int_equal(nsw_case_network_load(&net, f->c, NULL, &rep), 0);
	assert_int_equal(nsw_net_analyze(net, NULL), 0);
	out = fopen(gml, "w");
	assert_non_null(out);
	assert_int_equal(nsw_net_write_graphml(net, out), 0);
	fclose(out);
	out = fopen(gexf, "w");
	assert_non_null(out);
	assert_int_equal(nsw_net_write_gexf(net, out), 0);
	fclose(out);
	/* 6 accounts + 3 chats + 4 items. Edges: posted 7 (account-item),
	 * appeared_in 7 (item-chat), active_in 7 (account-chat), reshare 3
	 * (B->A, C->A, E->D), forward 1 (B->A), copost 5 (A-F; B-D; C-E,
	 * C-F, E-F). */
	parse_counts(gml, &x);
	assert_int_equal(x.nodes, 13);
	assert_int_equal(x.edges, 30);
	memset(&x, 0, sizeof(x));
	parse_counts(gexf, &x);
	assert_int_equal(x.nodes, 13);
	assert_int_equal(x.edges, 30);
	nsw_net_free(net);
	free(gml);
	free(gexf);
}

/* ---- the same story recorded through the chat store API ------------- */

static void chat_user(nsw_chat_store *s, const char *id, const char *name)
{
	nsw_ingest_account a = {0};

	a.platform = NSW_PLATFORM_TELEGRAM;
	a.id = id;
	a.name = name;
	a.seen_at = 1767225600;
	a.file = "result.json";
	assert_int_equal(nsw_chat_account_add(s, &a, NULL, NULL), 0);
}

/* A message with one photo whose file hashed to sha256/pdq (file row
 * `file_id` when the copy has a hit). */
static void chat_post(nsw_chat_store *s, const char *chat, const char *id,
		      int64_t t, const char *sender, const char *fwd_id,
		      const uint8_t *sha, const nsw_pdq_hash *pdq,
		      int64_t file_id)
{
	nsw_ingest_message m = {0};
	nsw_ingest_media md = {0};
	nsw_chat_media_file f = {0};
	int64_t msg = 0;
	int inserted = 0;

	m.platform = NSW_PLATFORM_TELEGRAM;
	m.chat_id = chat;
	m.id = id;
	m.time = t;
	m.sender_id = sender;
	m.forwarded_from_id = fwd_id;
	m.forwarded_from = fwd_id ? "someone" : NULL;
	m.text = "";
	m.file = "result.json";
	md.kind = NSW_MEDIA_KIND_PHOTO;
	md.state = NSW_MEDIA_FILE;
	md.ref = "photos/p.jpg";
	f.file_id = file_id;
	f.has = NSW_CASE_HAS_SHA256 | NSW_CASE_HAS_PDQ;
	memcpy(f.sha256, sha, 32);
	f.pdq = *pdq;
	f.pdq_quality = 90;
	f.size = -1;
	assert_int_equal(nsw_chat_message_add(s, &m, &msg, &inserted), 0);
	assert_int_equal(inserted, 1);
	assert_int_equal(nsw_chat_media_add(s, msg, 0, &md, &f, NULL), 0);
}

static void chat_store_rows_give_the_same_answers(void **state)
{
	struct fixture *f = *state;
	nsw_case *c = NULL;
	nsw_chat_store *s = NULL;
	nsw_evidence ev = {0};
	nsw_case_list l = {0};
	nsw_case_file cf = {0};
	nsw_case_hit h = {0};
	nsw_ingest_chat ch = {0};
	nsw_analyze_report rep;
	struct spread_seen w = {0};
	struct ranking r = {0};
	int64_t ev_id = 0, list_id = 0, file_id = 0;
	char *path = ts_path(f->dir, "api.nsdb");
	char hx[72];
	static const char *const chats[3] = {"-1001", "-1002", "-1003"};

	assert_int_equal(nsw_case_create(&c, path, "Op", "Examiner"), 0);
	ev.label = "export-1";
	ev.kind = "chat-export";
	ev.source_path = "/exports/1";
	assert_int_equal(nsw_case_evidence_add(c, &ev, &ev_id), 0);
	l.name = "vics-test";
	l.version = "1";
	l.checksum = "aa";
	l.entries = 1;
	assert_int_equal(nsw_case_list_add(c, &l, &list_id), 0);
	cf.evidence_id = ev_id;
	cf.path = (const uint8_t *)"photos/k.jpg";
	cf.path_len = 12;
	cf.size = 10;
	cf.mtime_ns = cf.ctime_ns = cf.atime_ns = NSW_TIME_UNKNOWN;
	cf.has = NSW_CASE_HAS_SHA256;
	memcpy(cf.sha256, sha_k, 32);
	cf.pdq_quality = -1;
	assert_int_equal(nsw_case_file_add(c, &cf, &file_id, NULL), 0);
	h.file_id = file_id;
	h.list_id = list_id;
	h.entry_id = 7;
	h.algo = NSW_ALGO_SHA256;
	h.dihedral = -1;
	h.category_scheme = "vics-default";
	h.category_code = "1";
	assert_int_equal(nsw_case_hit_add(c, &h, NULL), 0);

	assert_int_equal(nsw_chat_store_new(&s, c, ev_id), 0);
	assert_int_equal(nsw_case_begin(c), 0);
	for (int i = 0; i < 3; i++) {
		ch.platform = NSW_PLATFORM_TELEGRAM;
		ch.id = chats[i];
		ch.title = chats[i];
		ch.kind = NSW_CHAT_GROUP;
		ch.file = "result.json";
		assert_int_equal(nsw_chat_chat_add(s, &ch, NULL, NULL), 0);
	}
	chat_user(s, "user1", "Alice A");
	chat_user(s, "user2", "Bob B");
	chat_user(s, "user3", "Carol C");
	chat_user(s, "user4", "Dan D");
	chat_user(s, "user5", "Eve E");
	chat_user(s, "user6", "Fay F");
	chat_post(s, "-1001", "10", 1767225900, "user6", NULL, sha_f1, &pdq_f1,
		  0);
	chat_post(s, "-1001", "11", 1767226200, "user1", NULL, sha_k, &pdq_k,
		  file_id);
	chat_post(s, "-1002", "12", 1767226500, "user4", NULL, sha_n, &pdq_n,
		  0);
	chat_post(s, "-1002", "13", 1767226800, "user2", "user1", sha_k, &pdq_k,
		  file_id);
	chat_post(s, "-1003", "14", 1767227100, "user5", NULL, sha_n, &pdq_n,
		  0);
	chat_post(s, "-1003", "15", 1767227400, "user3", NULL, sha_k2, &pdq_k2,
		  0);
	chat_post(s, "-1003", "16", 1767227700, "user6", NULL, sha_f2, &pdq_f2,
		  0);
	assert_int_equal(nsw_chat_store_flush(s), 0);
	assert_int_equal(nsw_case_commit(c), 0);
	nsw_chat_store_free(s);

	assert_int_equal(nsw_case_analyze(c, NULL, &rep), 0);
	assert_int_equal(rep.items, 4);
	assert_int_equal(rep.known_items, 1);
	assert_int_equal(rep.items_joined_by_pdq, 1);
	assert_int_equal(rep.appearances, 7);
	hex(hx, sha_k2, 32);
	assert_int_equal(nsw_case_item_spread(c, 0, hx, on_spread, &w), 0);
	assert_int_equal(w.n, 3);
	assert_string_equal(w.accounts[0], "user1");
	assert_string_equal(w.kinds[1], "forward");
	assert_string_equal(w.chats_in_order[2], "-1003");
	assert_int_equal(nsw_case_suspects_foreach(c, NULL, on_suspect, &r), 0);
	assert_int_equal(r.n, 4);
	assert_string_equal(r.account[0], "user1");
	assert_string_equal(r.account[3], "user4");
	nsw_case_close(c);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			known_item_spreads_through_three_chats, setup,
			teardown),
		cmocka_unit_test_setup_teardown(new_item_seeded_by_d, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			seeder_ranks_first_bystander_not_listed, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			low_threshold_keeps_reencoded_copy_apart, setup,
			teardown),
		cmocka_unit_test_setup_teardown(chats_ranked_by_known_share,
						setup, teardown),
		cmocka_unit_test_setup_teardown(each_run_is_stored_and_audited,
						setup, teardown),
		cmocka_unit_test_setup_teardown(rejects_bad_threshold, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			graph_exports_parse_with_expected_counts, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			chat_store_rows_give_the_same_answers, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
