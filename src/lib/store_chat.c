/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The chat tables of the case (schema v4, docs/case-schema.md): platforms,
 * accounts with names over time, chats, messages, media, membership events
 * and ingest problems. Every insert is idempotent (ON CONFLICT DO NOTHING
 * on the UNIQUE keys); ids of accounts, names and chats are cached in
 * memory so a message costs one INSERT, and first/last seen times are
 * accumulated there and written by nsw_chat_store_flush().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "limits.h"
#include "netsweep/chat.h"
#include "store.h"
#include "store_chat.h"
#include "chat_idmap.h"

/* ---- The store --------------------------------------------------------- */

enum {
	ST_PLATFORM_INS,
	ST_PLATFORM_SEL,
	ST_ACCOUNT_INS,
	ST_ACCOUNT_SEL,
	ST_ACCOUNT_SEEN,
	ST_NAME_UPSERT,
	ST_CHAT_INS,
	ST_CHAT_SEL,
	ST_MSG_INS,
	ST_MSG_SEL,
	ST_MEDIA_INS,
	ST_MSG_MEDIA,
	ST_MEMBER_INS,
	ST_PROBLEM_INS,
	ST_REPLIES,
	ST_COUNT
};

static const char *const sql[ST_COUNT] = {
	[ST_PLATFORM_INS] = "INSERT INTO platforms(name) VALUES(?1) "
			    "ON CONFLICT(name) DO NOTHING",
	[ST_PLATFORM_SEL] = "SELECT id FROM platforms WHERE name=?1",
	[ST_ACCOUNT_INS] = "INSERT INTO accounts(platform_id, native_id, "
			   "evidence_id, flags) VALUES(?1,?2,?3,?4) "
			   "ON CONFLICT(platform_id, native_id) DO NOTHING",
	[ST_ACCOUNT_SEL] = "SELECT id FROM accounts WHERE platform_id=?1 AND "
			   "native_id=?2",
	[ST_ACCOUNT_SEEN] =
		"UPDATE accounts SET first_seen_utc=CASE WHEN first_seen_utc "
		"IS NULL OR first_seen_utc>?2 THEN ?2 ELSE first_seen_utc END,"
		" last_seen_utc=CASE WHEN last_seen_utc IS NULL OR "
		"last_seen_utc<?3 THEN ?3 ELSE last_seen_utc END WHERE id=?1",
	/* Names are written once, when the store is flushed, with the
	 * seen times gathered in memory (nothing refers to their ids). */
	[ST_NAME_UPSERT] =
		"INSERT INTO account_names(account_id, kind, value, "
		"first_seen_utc, last_seen_utc, evidence_id, source_ref) "
		"VALUES(?1,?2,?3,?4,?5,?6,?7) ON CONFLICT(account_id, kind, "
		"value) DO UPDATE SET first_seen_utc=CASE WHEN "
		"excluded.first_seen_utc IS NULL THEN first_seen_utc WHEN "
		"first_seen_utc IS NULL OR first_seen_utc>"
		"excluded.first_seen_utc THEN excluded.first_seen_utc ELSE "
		"first_seen_utc END, last_seen_utc=CASE WHEN "
		"excluded.last_seen_utc IS NULL THEN last_seen_utc WHEN "
		"last_seen_utc IS NULL OR last_seen_utc<excluded.last_seen_utc"
		" THEN excluded.last_seen_utc ELSE last_seen_utc END",
	[ST_CHAT_INS] = "INSERT INTO chats(platform_id, native_id, kind, title,"
			" evidence_id, platform_type, parent_native_id, "
			"parent_title, flags, source_ref) VALUES(?1,?2,?3,?4,"
			"?5,?6,?7,?8,?9,?10) ON CONFLICT(platform_id, "
			"native_id) DO NOTHING",
	[ST_CHAT_SEL] = "SELECT id FROM chats WHERE platform_id=?1 AND "
			"native_id=?2",
	[ST_MSG_INS] =
		"INSERT INTO messages(chat_id, native_id, time_utc, time_unix,"
		" flags, sender_account_id, sender_name, "
		"forwarded_from_account_id, forwarded_from_name, saved_from, "
		"reply_to_native_id, via_bot, service_action, text, "
		"evidence_id, source_ref) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,"
		"?10,?11,?12,?13,?14,?15,?16) ON CONFLICT(chat_id, native_id)"
		" DO NOTHING",
	[ST_MSG_SEL] = "SELECT id FROM messages WHERE chat_id=?1 AND "
		       "native_id=?2",
	[ST_MEDIA_INS] =
		"INSERT INTO media(evidence_id, message_id, position, kind, "
		"state, placeholder, thumbnail, platform_ref, original_name, "
		"mime_type, size, file_id, md5, sha1, sha256, pdq, "
		"pdq_quality, media_type, error) VALUES(?1,?2,?3,?4,?5,?6,?7,"
		"?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19) "
		"ON CONFLICT(message_id, position) DO NOTHING",
	[ST_MSG_MEDIA] = "UPDATE messages SET media_id=?2 WHERE id=?1 AND "
			 "media_id IS NULL",
	[ST_MEMBER_INS] =
		"INSERT INTO membership_events(chat_id, account_id, "
		"account_name, event, actor_account_id, actor_name, time_utc,"
		" time_unix, flags, message_native_id, target_index, title, "
		"inviter, evidence_id, source_ref) VALUES(?1,?2,?3,?4,?5,?6,"
		"?7,?8,?9,?10,?11,?12,?13,?14,?15) ON CONFLICT DO NOTHING",
	[ST_PROBLEM_INS] =
		"INSERT INTO ingest_problems(evidence_id, file, line, code, "
		"fatal, message, recorded_utc) VALUES(?1,?2,?3,?4,?5,?6,?7) "
		"ON CONFLICT DO NOTHING",
	[ST_REPLIES] =
		"UPDATE messages SET reply_to_message_id=(SELECT r.id FROM "
		"messages r WHERE r.chat_id=messages.chat_id AND "
		"r.native_id=messages.reply_to_native_id) WHERE evidence_id=?1"
		" AND reply_to_native_id IS NOT NULL AND reply_to_message_id "
		"IS NULL",
};

#define PLATFORMS 8

struct nsw_chat_store {
	nsw_case *c;
	nsw_sqldb *db;
	int64_t evidence_id;
	nsw_sqlstmt *st[ST_COUNT];
	int64_t platform_ids[PLATFORMS];
	struct idmap accounts, names, chats;
	uint8_t *key; /* scratch for cache keys */
	size_t key_cap;
	char ref[512]; /* scratch "file:line" */
};

static int prep(nsw_chat_store *s, int which, nsw_sqlstmt **out)
{
	int rc = NSW_OK;

	if (s->st[which] == NULL)
		rc = nsw_sqldb_prepare(s->db, &s->st[which], sql[which]);
	*out = s->st[which];
	return rc;
}

int nsw_chat_store_new(nsw_chat_store **out, nsw_case *c, int64_t evidence_id)
{
	nsw_chat_store *s;

	if (out == NULL)
		return nsw_error_set(NSW_EINVAL, "chat store: NULL out");
	*out = NULL;
	if (c == NULL || evidence_id <= 0)
		return nsw_error_set(NSW_EINVAL,
				     "chat store: no case or evidence");
	if (c->flags & NSW_CASE_READONLY)
		return nsw_error_set(NSW_EINVAL,
				     "chat store: the case is read-only");
	s = nsw__calloc(1, sizeof(*s));
	if (s == NULL)
		return nsw_error_set(NSW_ENOMEM, "chat store: out of memory");
	s->c = c;
	s->db = c->db;
	s->evidence_id = evidence_id;
	*out = s;
	return NSW_OK;
}

static void caches_clear(nsw_chat_store *s)
{
	nsw_chat__idmap_clear(&s->accounts);
	nsw_chat__idmap_clear(&s->names);
	nsw_chat__idmap_clear(&s->chats);
}

void nsw_chat_store_free(nsw_chat_store *s)
{
	if (s == NULL)
		return;
	for (int i = 0; i < ST_COUNT; i++)
		nsw_sqldb_finalize(s->st[i]);
	caches_clear(s);
	nsw__free(s->key);
	nsw__free(s);
}

static void put_digits(char *p, int64_t v, int n)
{
	for (int i = n - 1; i >= 0; i--, v /= 10)
		p[i] = (char)('0' + v % 10);
}

/*
 * Our own UTC calendar (days to civil date, H. Hinnant's algorithm), not
 * gmtime_r/strftime: glibc's strftime calls tzset(), which reads TZ while
 * the parser thread may be setting it for a named zone (ingest_time.c).
 */
void nsw_chat__time_utc(char out[32], int64_t t)
{
	int64_t days, secs, z, era, doe, yoe, doy, mp, y, m, d;

	out[0] = '\0';
	/* 0000-01-01T00:00:00Z .. 9999-12-31T23:59:59Z */
	if (t < INT64_C(-62167219200) || t > INT64_C(253402300799))
		return;
	days = t / 86400;
	secs = t % 86400;
	if (secs < 0) {
		secs += 86400;
		days--;
	}
	z = days + 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	memcpy(out, "0000-00-00T00:00:00.000Z", 25);
	put_digits(out, y, 4);
	put_digits(out + 5, m, 2);
	put_digits(out + 8, d, 2);
	put_digits(out + 11, secs / 3600, 2);
	put_digits(out + 14, secs / 60 % 60, 2);
	put_digits(out + 17, secs % 60, 2);
}

/* The dirty slots of a map, sorted with `cmp` so the writes walk the
 * B-trees in order (random order costs a page search each). Owned. */
static int dirty_sorted(struct idmap *m, int (*cmp)(const void *, const void *),
			struct slot ***out, size_t *n)
{
	struct slot **v;
	size_t k = 0;

	*out = NULL;
	*n = 0;
	if (m->n == 0)
		return NSW_OK;
	v = nsw__reallocarray(NULL, m->n, sizeof(*v));
	if (v == NULL)
		return nsw_error_set(NSW_ENOMEM, "chat store: out of memory");
	for (size_t i = 0; i < m->cap; i++)
		if (m->v[i].key != NULL && m->v[i].dirty)
			v[k++] = &m->v[i];
	qsort(v, k, sizeof(*v), cmp);
	*out = v;
	*n = k;
	return NSW_OK;
}

static int by_id(const void *a, const void *b)
{
	const struct slot *x = *(const struct slot *const *)a;
	const struct slot *y = *(const struct slot *const *)b;

	return (x->id > y->id) - (x->id < y->id);
}

/* Name keys: account id (8 bytes, host order), kind, value. */
static int by_name_key(const void *a, const void *b)
{
	const struct slot *x = *(const struct slot *const *)a;
	const struct slot *y = *(const struct slot *const *)b;
	size_t n = x->klen < y->klen ? x->klen : y->klen;
	int64_t ix, iy;
	int d;

	memcpy(&ix, x->key, 8);
	memcpy(&iy, y->key, 8);
	if (ix != iy)
		return ix < iy ? -1 : 1;
	d = memcmp(x->key + 8, y->key + 8, n - 8);
	return d != 0 ? d : (x->klen > y->klen) - (x->klen < y->klen);
}

/* Write the seen times of one map's dirty slots. */
static int flush_seen(nsw_chat_store *s, struct idmap *m, int which)
{
	nsw_sqlstmt *st;
	struct slot **v = NULL;
	size_t n = 0;
	char a[32], b[32];
	int rc = prep(s, which, &st);

	rc = rc ? rc : dirty_sorted(m, by_id, &v, &n);
	for (size_t i = 0; rc == NSW_OK && i < n; i++) {
		struct slot *sl = v[i];

		nsw_chat__time_utc(a, sl->first);
		nsw_chat__time_utc(b, sl->last);
		rc = nsw_sqldb_bind_int64(st, 1, sl->id);
		rc = rc ? rc : nsw_sqldb_bind_text(st, 2, a);
		rc = rc ? rc : nsw_sqldb_bind_text(st, 3, b);
		rc = rc ? rc : nsw_sqldb_run(st);
		if (rc != NSW_OK)
			nsw_sqldb_reset(st);
		sl->dirty = 0;
	}
	nsw__free(v);
	return rc;
}

/* Write every name gathered since the last flush, with its seen times. */
static int flush_names(nsw_chat_store *s)
{
	static const char *const kinds[] = {"display", "username", "phone"};
	nsw_sqlstmt *st;
	struct slot **v = NULL;
	size_t n = 0;
	char a[32], b[32];
	int rc = prep(s, ST_NAME_UPSERT, &st);

	rc = rc ? rc : dirty_sorted(&s->names, by_name_key, &v, &n);
	for (size_t i = 0; rc == NSW_OK && i < n; i++) {
		struct slot *sl = v[i];
		int64_t account;
		char kind;

		/* The key: account id (8 bytes), kind, value. */
		memcpy(&account, sl->key, 8);
		kind = sl->key[8];
		rc = nsw_sqldb_bind_int64(st, 1, account);
		rc = rc ? rc
			: nsw_sqldb_bind_text(
				  st, 2,
				  kinds[kind == 'd' ? 0
						    : (kind == 'u' ? 1 : 2)]);
		rc = rc ? rc
			: nsw_sqldb_bind_textn(st, 3, sl->key + 9,
					       sl->klen - 9);
		if (rc == NSW_OK && sl->first <= sl->last) {
			nsw_chat__time_utc(a, sl->first);
			nsw_chat__time_utc(b, sl->last);
			rc = nsw_sqldb_bind_text(st, 4, a);
			rc = rc ? rc : nsw_sqldb_bind_text(st, 5, b);
		}
		rc = rc ? rc : nsw_sqldb_bind_int64(st, 6, s->evidence_id);
		rc = rc ? rc : nsw_sqldb_bind_text(st, 7, sl->ref);
		rc = rc ? rc : nsw_sqldb_run(st);
		if (rc != NSW_OK)
			nsw_sqldb_reset(st);
		sl->dirty = 0;
	}
	nsw__free(v);
	return rc;
}

static int flush_tx(nsw_case *c, void *arg)
{
	nsw_chat_store *s = arg;
	nsw_sqlstmt *st;
	int rc;

	(void)c;
	rc = flush_seen(s, &s->accounts, ST_ACCOUNT_SEEN);
	rc = rc ? rc : flush_names(s);
	rc = rc ? rc : prep(s, ST_REPLIES, &st);
	rc = rc ? rc : nsw_sqldb_bind_int64(st, 1, s->evidence_id);
	rc = rc ? rc : nsw_sqldb_run(st);
	return rc;
}

int nsw_chat_store_flush(nsw_chat_store *s)
{
	if (s == NULL)
		return nsw_error_set(NSW_EINVAL, "chat store: NULL");
	return nsw_store__in_tx(s->c, flush_tx, s);
}

/* Past the cache cap: write the seen times out and start afresh. */
static int cache_room(nsw_chat_store *s)
{
	int rc;

	if (s->accounts.n + s->names.n + s->chats.n < NSW_CHAT_CACHE_MAX)
		return NSW_OK;
	rc = flush_seen(s, &s->accounts, ST_ACCOUNT_SEEN);
	rc = rc ? rc : flush_names(s);
	if (rc == NSW_OK)
		caches_clear(s);
	return rc;
}

/* Build a cache key: an 8-byte prefix, a tag byte and a string. */
static int make_key(nsw_chat_store *s, int64_t prefix, char tag,
		    const char *str, size_t *klen)
{
	size_t len = strlen(str), need = len + 9;

	if (need > s->key_cap) {
		size_t cap = need < 256 ? 256 : need * 2;
		uint8_t *k = nsw__realloc(s->key, cap);

		if (k == NULL)
			return nsw_error_set(NSW_ENOMEM,
					     "chat store: out of memory");
		s->key = k;
		s->key_cap = cap;
	}
	memcpy(s->key, &prefix, 8);
	s->key[8] = (uint8_t)tag;
	memcpy(s->key + 9, str, len);
	*klen = need;
	return NSW_OK;
}

/* Insert-or-find: run `ins` (bound), and when it changed nothing, step
 * `sel` (bound) for the id. */
static int upsert_id(nsw_chat_store *s, nsw_sqlstmt *ins, nsw_sqlstmt *sel,
		     int64_t *id, int *inserted)
{
	int rc = nsw_sqldb_run(ins);

	*id = 0;
	*inserted = 0;
	if (rc != NSW_OK) {
		nsw_sqldb_reset(sel);
		return rc;
	}
	if (sel == NULL && nsw_sqldb_changes(s->db) == 0)
		return NSW_OK; /* present; its id was not asked for */
	if (nsw_sqldb_changes(s->db) > 0) {
		*id = nsw_sqldb_last_insert_rowid(s->db);
		*inserted = 1;
		nsw_sqldb_reset(sel);
		return NSW_OK;
	}
	rc = nsw_sqldb_step(sel);
	if (rc == 1) {
		*id = nsw_sqldb_column_int64(sel, 0);
		rc = NSW_OK;
	} else if (rc == 0) {
		rc = nsw_error_set(NSW_EIO, "%s: row vanished during upsert",
				   nsw_sqldb_path(s->db));
	}
	nsw_sqldb_reset(sel);
	return rc;
}

int nsw_chat_platform_id(nsw_chat_store *s, nsw_platform platform,
			 int64_t *id_out)
{
	nsw_sqlstmt *ins, *sel;
	const char *name = nsw_platform_name(platform);
	int rc, inserted = 0;

	*id_out = 0;
	if ((unsigned)platform >= PLATFORMS)
		return nsw_error_set(NSW_EINVAL, "chat store: platform %d",
				     (int)platform);
	if (s->platform_ids[platform] > 0) {
		*id_out = s->platform_ids[platform];
		return NSW_OK;
	}
	rc = prep(s, ST_PLATFORM_INS, &ins);
	rc = rc ? rc : prep(s, ST_PLATFORM_SEL, &sel);
	rc = rc ? rc : nsw_sqldb_bind_text(ins, 1, name);
	rc = rc ? rc : nsw_sqldb_bind_text(sel, 1, name);
	rc = rc ? rc : upsert_id(s, ins, sel, id_out, &inserted);
	if (rc == NSW_OK)
		s->platform_ids[platform] = *id_out;
	return rc;
}

static const char *ref_of(nsw_chat_store *s, const char *file, uint64_t line)
{
	const char *base = file != NULL ? strrchr(file, '/') : NULL;

	base = base != NULL ? base + 1 : (file != NULL ? file : "");
	snprintf(s->ref, sizeof(s->ref), "%s:%llu", base,
		 (unsigned long long)line);
	return s->ref;
}

/* The account row of (platform, native id), cached. */
static int account_slot(nsw_chat_store *s, nsw_platform platform,
			const char *native_id, unsigned flags,
			struct slot **out, int *inserted)
{
	nsw_sqlstmt *ins, *sel;
	int64_t pid = 0, id = 0;
	size_t klen = 0;
	uint64_t h;
	int rc, ins_flag = 0;

	*out = NULL;
	if (inserted != NULL)
		*inserted = 0;
	rc = make_key(s, (int64_t)platform, 'a', native_id, &klen);
	if (rc != NSW_OK)
		return rc;
	h = nsw_chat__hash_key(s->key, klen);
	*out = nsw_chat__idmap_find(&s->accounts, s->key, klen, h);
	if (*out != NULL)
		return NSW_OK;
	rc = cache_room(s);
	rc = rc ? rc : nsw_chat_platform_id(s, platform, &pid);
	rc = rc ? rc : prep(s, ST_ACCOUNT_INS, &ins);
	rc = rc ? rc : prep(s, ST_ACCOUNT_SEL, &sel);
	rc = rc ? rc : nsw_sqldb_bind_int64(ins, 1, pid);
	rc = rc ? rc : nsw_sqldb_bind_text(ins, 2, native_id);
	rc = rc ? rc : nsw_sqldb_bind_int64(ins, 3, s->evidence_id);
	rc = rc ? rc : nsw_sqldb_bind_int64(ins, 4, (int64_t)flags);
	rc = rc ? rc : nsw_sqldb_bind_int64(sel, 1, pid);
	rc = rc ? rc : nsw_sqldb_bind_text(sel, 2, native_id);
	rc = rc ? rc : upsert_id(s, ins, sel, &id, &ins_flag);
	/* The key scratch is intact: nothing above rebuilt it. */
	rc = rc ? rc
		: nsw_chat__idmap_put(&s->accounts, s->key, klen, h, id, out);
	if (inserted != NULL)
		*inserted = ins_flag;
	return rc;
}

/* A name of an account (kind 'd' display, 'u' username, 'p' phone), with
 * a sighting at `t` (0: no time). Gathered in memory; flush_names()
 * writes it. */
static int name_touch(nsw_chat_store *s, int64_t account_id, char kind,
		      const char *value, int64_t t, const char *file,
		      uint64_t line)
{
	struct slot *sl;
	size_t klen = 0;
	uint64_t h;
	int rc;

	if (value == NULL || value[0] == '\0')
		return NSW_OK;
	rc = make_key(s, account_id, kind, value, &klen);
	if (rc != NSW_OK)
		return rc;
	h = nsw_chat__hash_key(s->key, klen);
	sl = nsw_chat__idmap_find(&s->names, s->key, klen, h);
	if (sl == NULL) {
		rc = nsw_chat__idmap_put(&s->names, s->key, klen, h, 0, &sl);
		if (rc != NSW_OK)
			return rc;
		sl->ref = nsw__strdup(ref_of(s, file, line));
		if (sl->ref == NULL)
			return nsw_error_set(NSW_ENOMEM,
					     "chat store: out of memory");
		sl->dirty = 1;
	}
	nsw_chat__slot_seen(sl, t);
	return NSW_OK;
}

int nsw_chat_account_add(nsw_chat_store *s, const nsw_ingest_account *a,
			 int64_t *id_out, int *inserted)
{
	struct slot *sl = NULL;
	int rc;

	if (id_out != NULL)
		*id_out = 0;
	if (inserted != NULL)
		*inserted = 0;
	if (s == NULL || a == NULL || a->id == NULL || a->id[0] == '\0')
		return nsw_error_set(NSW_EINVAL,
				     "chat store: account without id");
	rc = account_slot(s, a->platform, a->id, a->flags, &sl, inserted);
	if (rc != NSW_OK)
		return rc;
	nsw_chat__slot_seen(sl, a->seen_at);
	rc = name_touch(s, sl->id, 'd', a->name, a->seen_at, a->file, a->line);
	rc = rc ? rc
		: name_touch(s, sl->id, 'u', a->username, a->seen_at, a->file,
			     a->line);
	rc = rc ? rc
		: name_touch(s, sl->id, 'p', a->phone, a->seen_at, a->file,
			     a->line);
	if (rc == NSW_OK && id_out != NULL)
		*id_out = sl->id;
	return rc;
}

static int chat_row(nsw_chat_store *s, const nsw_ingest_chat *ch,
		    int64_t *id_out, int *inserted)
{
	nsw_sqlstmt *ins, *sel;
	struct slot *sl;
	int64_t pid = 0;
	size_t klen = 0;
	uint64_t h;
	int rc;

	*inserted = 0;
	rc = make_key(s, (int64_t)ch->platform, 'c', ch->id, &klen);
	if (rc != NSW_OK)
		return rc;
	h = nsw_chat__hash_key(s->key, klen);
	sl = nsw_chat__idmap_find(&s->chats, s->key, klen, h);
	if (sl != NULL) {
		*id_out = sl->id;
		return NSW_OK;
	}
	rc = cache_room(s);
	rc = rc ? rc : nsw_chat_platform_id(s, ch->platform, &pid);
	rc = rc ? rc : prep(s, ST_CHAT_INS, &ins);
	rc = rc ? rc : prep(s, ST_CHAT_SEL, &sel);
	rc = rc ? rc : nsw_sqldb_bind_int64(ins, 1, pid);
	rc = rc ? rc : nsw_sqldb_bind_text(ins, 2, ch->id);
	rc = rc ? rc
		: nsw_sqldb_bind_text(ins, 3, nsw_chat_kind_name(ch->kind));
	rc = rc ? rc : nsw_sqldb_bind_text(ins, 4, ch->title);
	rc = rc ? rc : nsw_sqldb_bind_int64(ins, 5, s->evidence_id);
	rc = rc ? rc : nsw_sqldb_bind_text(ins, 6, ch->platform_type);
	rc = rc ? rc : nsw_sqldb_bind_text(ins, 7, ch->parent_id);
	rc = rc ? rc : nsw_sqldb_bind_text(ins, 8, ch->parent_title);
	rc = rc ? rc : nsw_sqldb_bind_int64(ins, 9, (int64_t)ch->id_flags);
	rc = rc ? rc
		: nsw_sqldb_bind_text(ins, 10, ref_of(s, ch->file, ch->line));
	rc = rc ? rc : nsw_sqldb_bind_int64(sel, 1, pid);
	rc = rc ? rc : nsw_sqldb_bind_text(sel, 2, ch->id);
	rc = rc ? rc : upsert_id(s, ins, sel, id_out, inserted);
	rc = rc ? rc : make_key(s, (int64_t)ch->platform, 'c', ch->id, &klen);
	rc = rc ? rc
		: nsw_chat__idmap_put(&s->chats, s->key, klen, h, *id_out, &sl);
	return rc;
}

int nsw_chat_chat_add(nsw_chat_store *s, const nsw_ingest_chat *ch,
		      int64_t *id_out, int *inserted)
{
	int64_t id = 0;
	int ins = 0, rc;

	if (id_out != NULL)
		*id_out = 0;
	if (inserted != NULL)
		*inserted = 0;
	if (s == NULL || ch == NULL || ch->id == NULL || ch->id[0] == '\0')
		return nsw_error_set(NSW_EINVAL, "chat store: chat without id");
	rc = chat_row(s, ch, &id, &ins);
	if (rc == NSW_OK && id_out != NULL)
		*id_out = id;
	if (rc == NSW_OK && inserted != NULL)
		*inserted = ins;
	return rc;
}

/* The chat of a message or event, added bare if it was never delivered. */
static int chat_of(nsw_chat_store *s, nsw_platform platform,
		   const char *chat_id, const char *file, uint64_t line,
		   int64_t *id)
{
	nsw_ingest_chat ch;
	int ins = 0;

	memset(&ch, 0, sizeof(ch));
	ch.platform = platform;
	ch.id = chat_id;
	ch.file = file;
	ch.line = line;
	return chat_row(s, &ch, id, &ins);
}

/* An account by id with a name seen at `t`; *id 0 when `native` is NULL. */
static int account_seen(nsw_chat_store *s, nsw_platform platform,
			const char *native, const char *name, int64_t t,
			const char *file, uint64_t line, int64_t *id)
{
	struct slot *sl = NULL;
	int rc;

	*id = 0;
	if (native == NULL || native[0] == '\0')
		return NSW_OK;
	rc = account_slot(s, platform, native, 0, &sl, NULL);
	if (rc != NSW_OK)
		return rc;
	nsw_chat__slot_seen(sl, t);
	*id = sl->id;
	return name_touch(s, sl->id, 'd', name, t, file, line);
}

static int bind_id(nsw_sqlstmt *st, int idx, int64_t id)
{
	return id > 0 ? nsw_sqldb_bind_int64(st, idx, id) : NSW_OK;
}

int nsw_chat_message_add(nsw_chat_store *s, const nsw_ingest_message *m,
			 int64_t *id_out, int *inserted)
{
	return nsw_chat__message_add(s, m, id_out, inserted, 1);
}

int nsw_chat__message_add(nsw_chat_store *s, const nsw_ingest_message *m,
			  int64_t *id_out, int *inserted, int want_present_id)
{
	nsw_sqlstmt *ins, *sel;
	int64_t chat = 0, sender = 0, fwd = 0, t;
	char when[32];
	int rc;

	*id_out = 0;
	*inserted = 0;
	if (s == NULL || m == NULL || m->chat_id == NULL || m->id == NULL)
		return nsw_error_set(NSW_EINVAL,
				     "chat store: message without chat or id");
	t = (m->flags & NSW_INGEST_TIME_MISSING) ? 0 : m->time;
	rc = chat_of(s, m->platform, m->chat_id, m->file, m->line, &chat);
	rc = rc ? rc
		: account_seen(s, m->platform, m->sender_id, m->sender_name, t,
			       m->file, m->line, &sender);
	rc = rc ? rc
		: account_seen(s, m->platform, m->forwarded_from_id,
			       m->forwarded_from, 0, m->file, m->line, &fwd);
	rc = rc ? rc : prep(s, ST_MSG_INS, &ins);
	rc = rc ? rc : prep(s, ST_MSG_SEL, &sel);
	if (rc != NSW_OK)
		return rc;
	if (t != 0 || !(m->flags & NSW_INGEST_TIME_MISSING))
		nsw_chat__time_utc(when, t);
	else
		when[0] = '\0';
	rc = nsw_sqldb_bind_int64(ins, 1, chat);
	rc = rc ? rc : nsw_sqldb_bind_text(ins, 2, m->id);
	rc = rc ? rc : nsw_sqldb_bind_text(ins, 3, when);
	if (rc == NSW_OK && !(m->flags & NSW_INGEST_TIME_MISSING))
		rc = nsw_sqldb_bind_int64(ins, 4, t);
	rc = rc ? rc : nsw_sqldb_bind_int64(ins, 5, (int64_t)m->flags);
	rc = rc ? rc : bind_id(ins, 6, sender);
	rc = rc ? rc : nsw_sqldb_bind_text(ins, 7, m->sender_name);
	rc = rc ? rc : bind_id(ins, 8, fwd);
	rc = rc ? rc : nsw_sqldb_bind_text(ins, 9, m->forwarded_from);
	rc = rc ? rc : nsw_sqldb_bind_text(ins, 10, m->saved_from);
	rc = rc ? rc : nsw_sqldb_bind_text(ins, 11, m->reply_to_id);
	rc = rc ? rc : nsw_sqldb_bind_text(ins, 12, m->via_bot);
	rc = rc ? rc : nsw_sqldb_bind_text(ins, 13, m->service_action);
	rc = rc ? rc : nsw_sqldb_bind_textn(ins, 14, m->text, m->text_len);
	rc = rc ? rc : nsw_sqldb_bind_int64(ins, 15, s->evidence_id);
	rc = rc ? rc
		: nsw_sqldb_bind_text(ins, 16, ref_of(s, m->file, m->line));
	rc = rc ? rc : nsw_sqldb_bind_int64(sel, 1, chat);
	rc = rc ? rc : nsw_sqldb_bind_text(sel, 2, m->id);
	if (rc != NSW_OK) {
		nsw_sqldb_reset(ins);
		nsw_sqldb_reset(sel);
		return rc;
	}
	if (!want_present_id) {
		nsw_sqldb_reset(sel);
		sel = NULL;
	}
	return upsert_id(s, ins, sel, id_out, inserted);
}

static const char *placeholder_name(nsw_media_placeholder p)
{
	switch (p) {
	case NSW_MEDIA_PLACEHOLDER_NOT_INCLUDED:
		return "not-included";
	case NSW_MEDIA_PLACEHOLDER_TOO_LARGE:
		return "too-large";
	case NSW_MEDIA_PLACEHOLDER_UNAVAILABLE:
		return "unavailable";
	case NSW_MEDIA_PLACEHOLDER_OMITTED:
		return "omitted";
	case NSW_MEDIA_PLACEHOLDER_OTHER:
		return "other";
	default:
		return NULL;
	}
}

static int bind_digest(nsw_sqlstmt *st, int idx, const nsw_chat_media_file *f,
		       unsigned bit, const void *p, size_t n)
{
	return (f != NULL && (f->has & bit))
		       ? nsw_sqldb_bind_blob(st, idx, p, n)
		       : NSW_OK;
}

int nsw_chat_media_add(nsw_chat_store *s, int64_t message_id, size_t position,
		       const nsw_ingest_media *m, const nsw_chat_media_file *f,
		       int64_t *id_out)
{
	nsw_sqlstmt *ins, *upd;
	int64_t id = 0, size = -1;
	int rc;

	if (id_out != NULL)
		*id_out = 0;
	if (s == NULL || m == NULL || message_id <= 0)
		return nsw_error_set(NSW_EINVAL, "chat store: media argument");
	if (f != NULL && f->size >= 0)
		size = f->size;
	else if (m->size > 0 && m->size <= INT64_MAX)
		size = (int64_t)m->size;
	rc = prep(s, ST_MEDIA_INS, &ins);
	rc = rc ? rc : prep(s, ST_MSG_MEDIA, &upd);
	rc = rc ? rc : nsw_sqldb_bind_int64(ins, 1, s->evidence_id);
	rc = rc ? rc : nsw_sqldb_bind_int64(ins, 2, message_id);
	rc = rc ? rc : nsw_sqldb_bind_int64(ins, 3, (int64_t)position);
	rc = rc ? rc
		: nsw_sqldb_bind_text(ins, 4, nsw_media_kind_name(m->kind));
	rc = rc ? rc
		: nsw_sqldb_bind_text(ins, 5, nsw_media_state_name(m->state));
	rc = rc ? rc
		: nsw_sqldb_bind_text(ins, 6, placeholder_name(m->placeholder));
	rc = rc ? rc : nsw_sqldb_bind_int64(ins, 7, m->is_thumbnail ? 1 : 0);
	rc = rc ? rc : nsw_sqldb_bind_text(ins, 8, m->ref);
	rc = rc ? rc : nsw_sqldb_bind_text(ins, 9, m->file_name);
	rc = rc ? rc : nsw_sqldb_bind_text(ins, 10, m->mime_type);
	if (rc == NSW_OK && size >= 0)
		rc = nsw_sqldb_bind_int64(ins, 11, size);
	if (rc == NSW_OK && f != NULL) {
		rc = bind_id(ins, 12, f->file_id);
		rc = rc ? rc
			: bind_digest(ins, 13, f, NSW_CASE_HAS_MD5, f->md5, 16);
		rc = rc ? rc
			: bind_digest(ins, 14, f, NSW_CASE_HAS_SHA1, f->sha1,
				      20);
		rc = rc ? rc
			: bind_digest(ins, 15, f, NSW_CASE_HAS_SHA256,
				      f->sha256, 32);
		rc = rc ? rc
			: bind_digest(ins, 16, f, NSW_CASE_HAS_PDQ,
				      f->pdq.bytes, sizeof(f->pdq.bytes));
		if (rc == NSW_OK && (f->has & NSW_CASE_HAS_PDQ))
			rc = nsw_sqldb_bind_int64(ins, 17, f->pdq_quality);
		rc = rc ? rc : nsw_sqldb_bind_text(ins, 18, f->media_type);
		rc = rc ? rc : nsw_sqldb_bind_text(ins, 19, f->error);
	}
	rc = rc ? rc : nsw_sqldb_run(ins);
	if (rc != NSW_OK) {
		nsw_sqldb_reset(ins);
		return rc;
	}
	if (nsw_sqldb_changes(s->db) == 0)
		return NSW_OK; /* recorded before */
	id = nsw_sqldb_last_insert_rowid(s->db);
	if (!m->is_thumbnail) {
		rc = nsw_sqldb_bind_int64(upd, 1, message_id);
		rc = rc ? rc : nsw_sqldb_bind_int64(upd, 2, id);
		rc = rc ? rc : nsw_sqldb_run(upd);
		if (rc != NSW_OK)
			nsw_sqldb_reset(upd);
	}
	if (rc == NSW_OK && id_out != NULL)
		*id_out = id;
	return rc;
}

static int member_row(nsw_chat_store *s, const nsw_ingest_membership *e,
		      int64_t chat, int64_t actor, int64_t t, const char *when,
		      size_t i, int64_t *added)
{
	const char *name = NULL, *native = NULL;
	int64_t account = 0;
	nsw_sqlstmt *st = NULL;
	int rc;

	if (e->target_count > 0) {
		name = e->target_names != NULL ? e->target_names[i] : NULL;
		native = e->target_ids != NULL ? e->target_ids[i] : NULL;
		rc = account_seen(s, e->platform, native, name, t, e->file,
				  e->line, &account);
	} else {
		/* No targets: the event is about the actor (join, leave). */
		account = actor;
		name = e->actor_name;
		rc = NSW_OK;
	}
	rc = rc ? rc : prep(s, ST_MEMBER_INS, &st);
	rc = rc ? rc : nsw_sqldb_bind_int64(st, 1, chat);
	rc = rc ? rc : bind_id(st, 2, account);
	rc = rc ? rc : nsw_sqldb_bind_text(st, 3, name);
	rc = rc ? rc
		: nsw_sqldb_bind_text(st, 4, nsw_member_action_name(e->action));
	rc = rc ? rc : bind_id(st, 5, actor);
	rc = rc ? rc : nsw_sqldb_bind_text(st, 6, e->actor_name);
	rc = rc ? rc : nsw_sqldb_bind_text(st, 7, when);
	if (rc == NSW_OK && when != NULL)
		rc = nsw_sqldb_bind_int64(st, 8, t);
	rc = rc ? rc : nsw_sqldb_bind_int64(st, 9, (int64_t)e->flags);
	rc = rc ? rc : nsw_sqldb_bind_text(st, 10, e->message_id);
	rc = rc ? rc : nsw_sqldb_bind_int64(st, 11, (int64_t)i);
	rc = rc ? rc : nsw_sqldb_bind_text(st, 12, e->title);
	rc = rc ? rc : nsw_sqldb_bind_text(st, 13, e->inviter);
	rc = rc ? rc : nsw_sqldb_bind_int64(st, 14, s->evidence_id);
	rc = rc ? rc : nsw_sqldb_bind_text(st, 15, ref_of(s, e->file, e->line));
	rc = rc ? rc : nsw_sqldb_run(st);
	if (rc != NSW_OK) {
		nsw_sqldb_reset(st);
		return rc;
	}
	*added += nsw_sqldb_changes(s->db);
	return NSW_OK;
}

int nsw_chat_membership_add(nsw_chat_store *s, const nsw_ingest_membership *e,
			    int64_t *added)
{
	int64_t chat = 0, actor = 0, t, n = 0;
	const char *when = NULL;
	char buf[32];
	size_t rows;
	int rc;

	if (added != NULL)
		*added = 0;
	if (s == NULL || e == NULL || e->chat_id == NULL)
		return nsw_error_set(NSW_EINVAL,
				     "chat store: membership without chat");
	t = (e->flags & NSW_INGEST_TIME_MISSING) ? 0 : e->time;
	if (!(e->flags & NSW_INGEST_TIME_MISSING)) {
		nsw_chat__time_utc(buf, t);
		when = buf;
	}
	rc = chat_of(s, e->platform, e->chat_id, e->file, e->line, &chat);
	rc = rc ? rc
		: account_seen(s, e->platform, e->actor_id, e->actor_name, t,
			       e->file, e->line, &actor);
	rows = e->target_count > 0 ? e->target_count : 1;
	for (size_t i = 0; rc == NSW_OK && i < rows; i++)
		rc = member_row(s, e, chat, actor, t, when, i, &n);
	if (added != NULL)
		*added = n;
	return rc;
}

int nsw_chat_problem_add(nsw_chat_store *s, const nsw_ingest_problem *p)
{
	nsw_sqlstmt *st;
	char now[32];
	int rc;

	if (s == NULL || p == NULL)
		return nsw_error_set(NSW_EINVAL, "chat store: NULL problem");
	nsw_store__now_utc(now);
	rc = prep(s, ST_PROBLEM_INS, &st);
	rc = rc ? rc : nsw_sqldb_bind_int64(st, 1, s->evidence_id);
	rc = rc ? rc
		: nsw_sqldb_bind_text(st, 2, p->file != NULL ? p->file : "");
	rc = rc ? rc : nsw_sqldb_bind_int64(st, 3, (int64_t)p->line);
	rc = rc ? rc : nsw_sqldb_bind_int64(st, 4, p->code);
	rc = rc ? rc : nsw_sqldb_bind_int64(st, 5, p->fatal ? 1 : 0);
	rc = rc ? rc
		: nsw_sqldb_bind_text(st, 6,
				      p->message != NULL ? p->message : "");
	rc = rc ? rc : nsw_sqldb_bind_text(st, 7, now);
	rc = rc ? rc : nsw_sqldb_run(st);
	if (rc != NSW_OK)
		nsw_sqldb_reset(st);
	return rc;
}
