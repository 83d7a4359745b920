/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Load a case's chat data into the network engine: chats, accounts,
 * media copies unified into items (store_network_unify.c), their known
 * status from the hits, and one appearance per media message
 * (docs/analyze.md).
 */

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alloc.h"
#include "error.h"
#include "limits.h"
#include "store_network.h"

double nsw_casenet__now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void nsw_analyze_options_default(nsw_analyze_options *opt)
{
	if (opt == NULL)
		return;
	memset(opt, 0, sizeof(*opt));
	opt->pdq_threshold = NSW_ANALYZE_DEFAULT_THRESHOLD;
	opt->pdq_min_quality = NSW_ANALYZE_DEFAULT_MIN_QUALITY;
	nsw_net_options_default(&opt->net);
}

static void put_hex(char *out, const uint8_t *b, size_t n)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 15];
	}
	out[2 * n] = '\0';
}

const char *nsw_casenet__media_hex(const nsw_casenet_media *m, char *out)
{
	if (m->has & NSW_CASE_HAS_SHA256) {
		put_hex(out, m->sha256, 32);
		return "sha256";
	}
	if (m->has & NSW_CASE_HAS_MD5) {
		put_hex(out, m->md5, 16);
		return "md5";
	}
	if (m->has & NSW_CASE_HAS_SHA1) {
		put_hex(out, m->sha1, 20);
		return "sha1";
	}
	put_hex(out, m->pdq.bytes, NSW_PDQ_BYTES);
	return "pdq";
}

void nsw_casenet__free(nsw_casenet *cn)
{
	if (cn == NULL)
		return;
	nsw_net_free(cn->net);
	nsw__free(cn->account_ids);
	nsw__free(cn->anon_chat);
	nsw__free(cn->chat_ids);
	nsw__free(cn->chat_messages);
	nsw__free(cn->chat_senders);
	nsw__free(cn->media);
	nsw__free(cn->media_item);
	nsw__free(cn->item_rep);
	nsw__free(cn->item_copies);
	nsw__free(cn->links);
	nsw__free(cn->app_media);
	nsw__free(cn);
}

/* ---- small helpers -------------------------------------------------- */

int nsw_casenet__grow(void **p, uint32_t *cap, uint32_t need, size_t size,
		      uint32_t max, const char *what)
{
	uint32_t ncap;
	void *np;

	if (need <= *cap)
		return NSW_OK;
	if (need > max)
		return nsw_error_set(NSW_ELIMIT,
				     "analyze: more than %u %s; refusing", max,
				     what);
	ncap = *cap < 1024 ? 1024 : *cap;
	while (ncap < need)
		ncap = ncap > max / 2 ? max : ncap * 2;
	np = nsw__reallocarray(*p, ncap, size);
	if (np == NULL)
		return nsw_error_set(NSW_ENOMEM, "analyze: out of memory");
	*p = np;
	*cap = ncap;
	return NSW_OK;
}

/* Media index order by one digest field (then by index, so stable). */
int nsw_casenet__by_digest(const void *pa, const void *pb, void *ctx)
{
	const struct nsw_casenet_digest_sort *d = ctx;
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
	int c = memcmp((const uint8_t *)&d->media[a] + d->off,
		       (const uint8_t *)&d->media[b] + d->off, d->len);

	if (c != 0)
		return c;
	return a < b ? -1 : a > b;
}

/* Index of `id` in an ascending array, or UINT32_MAX. */
static uint32_t find_id(const int64_t *ids, uint32_t n, int64_t id)
{
	uint32_t lo = 0, hi = n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (lo < n && ids[lo] == id) ? lo : UINT32_MAX;
}

static uint32_t media_find(const nsw_casenet *cn, int64_t id)
{
	uint32_t lo = 0, hi = cn->n_media;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (cn->media[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (lo < cn->n_media && cn->media[lo].id == id) ? lo : UINT32_MAX;
}

/* "2026-11-29T03:04:05.678Z" (or without fraction/zone) to UTC seconds;
 * INT64_MAX when missing or unreadable, so undated messages sort last. */
static int64_t parse_utc(const char *s, size_t len)
{
	int v[6] = {0};
	static const int width[6] = {4, 2, 2, 2, 2, 2};
	size_t p = 0;
	int64_t y, m, d, era, yoe, doy, doe, days;

	for (int f = 0; f < 6; f++) {
		if (f > 0)
			p++; /* separator */
		for (int k = 0; k < width[f]; k++, p++) {
			if (p >= len || s[p] < '0' || s[p] > '9')
				return INT64_MAX;
			v[f] = v[f] * 10 + (s[p] - '0');
		}
	}
	if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 ||
	    v[4] > 59 || v[5] > 60)
		return INT64_MAX;
	/* Days from the civil date (proleptic Gregorian). */
	y = v[0] - (v[1] <= 2);
	m = v[1];
	d = v[2];
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	days = era * 146097 + doe - 719468;
	return days * 86400 + v[3] * 3600 + v[4] * 60 + v[5];
}

static void blob_copy(uint8_t *dst, size_t n, nsw_sqlstmt *st, int col,
		      unsigned *has, unsigned bit)
{
	size_t len = 0;
	const void *p = nsw_sqldb_column_blob(st, col, &len);

	if (p != NULL && len == n) {
		memcpy(dst, p, n);
		*has |= bit;
	}
}

/* ---- loading -------------------------------------------------------- */

static int load_chats(nsw_casenet *cn, nsw_case *c)
{
	nsw_sqlstmt *st = NULL;
	uint32_t cap = 0, idx;
	int rc;
	char key[24];

	rc = nsw_sqldb_prepare(c->db, &st,
			       "SELECT id, title FROM chats ORDER BY id");
	while (rc == NSW_OK) {
		int r = nsw_sqldb_step(st);

		if (r <= 0) {
			rc = r;
			break;
		}
		rc = nsw_casenet__grow((void **)&cn->chat_ids, &cap,
				       cn->n_chats + 1, sizeof(int64_t),
				       NSW_NET_ENTITIES_MAX, "chats");
		if (rc != NSW_OK)
			break;
		cn->chat_ids[cn->n_chats] = nsw_sqldb_column_int64(st, 0);
		snprintf(key, sizeof(key), "%lld",
			 (long long)cn->chat_ids[cn->n_chats]);
		rc = nsw_net_add_chat(cn->net, &idx, key,
				      nsw_sqldb_column_text(st, 1, NULL));
		cn->n_chats++;
	}
	nsw_sqldb_finalize(st);
	return rc;
}

static int load_accounts(nsw_casenet *cn, nsw_case *c)
{
	nsw_sqlstmt *st = NULL;
	uint32_t cap = 0, idx;
	int rc;
	char key[24];

	/* The latest display name; the most confident attribution. */
	rc = nsw_sqldb_prepare(
		c->db, &st,
		"SELECT a.id, (SELECT n.value FROM account_names n WHERE "
		"n.account_id = a.id AND n.kind = 'display' ORDER BY "
		"n.last_seen_utc DESC, n.id DESC LIMIT 1), (SELECT t.country "
		"FROM attributions t WHERE t.account_id = a.id ORDER BY "
		"t.confidence DESC, t.id LIMIT 1) FROM accounts a ORDER BY "
		"a.id");
	while (rc == NSW_OK) {
		int r = nsw_sqldb_step(st);

		if (r <= 0) {
			rc = r;
			break;
		}
		rc = nsw_casenet__grow((void **)&cn->account_ids, &cap,
				       cn->n_real + 1, sizeof(int64_t),
				       NSW_NET_ENTITIES_MAX, "accounts");
		if (rc != NSW_OK)
			break;
		cn->account_ids[cn->n_real] = nsw_sqldb_column_int64(st, 0);
		snprintf(key, sizeof(key), "%lld",
			 (long long)cn->account_ids[cn->n_real]);
		rc = nsw_net_add_account(cn->net, &idx, key,
					 nsw_sqldb_column_text(st, 1, NULL),
					 nsw_sqldb_column_text(st, 2, NULL));
		cn->n_real++;
	}
	nsw_sqldb_finalize(st);
	return rc;
}

static int load_media(nsw_casenet *cn, nsw_case *c)
{
	nsw_sqlstmt *st = NULL;
	uint32_t cap = 0;
	int rc;

	rc = nsw_sqldb_prepare(
		c->db, &st,
		"SELECT id, file_id, md5, sha1, sha256, pdq, pdq_quality FROM "
		"media WHERE md5 IS NOT NULL OR sha1 IS NOT NULL OR sha256 IS "
		"NOT NULL OR pdq IS NOT NULL ORDER BY id");
	while (rc == NSW_OK) {
		nsw_casenet_media *m;
		int r = nsw_sqldb_step(st);

		if (r <= 0) {
			rc = r;
			break;
		}
		rc = nsw_casenet__grow((void **)&cn->media, &cap,
				       cn->n_media + 1, sizeof(*cn->media),
				       NSW_NET_ENTITIES_MAX, "media rows");
		if (rc != NSW_OK)
			break;
		m = &cn->media[cn->n_media];
		memset(m, 0, sizeof(*m));
		m->id = nsw_sqldb_column_int64(st, 0);
		m->file_id = nsw_sqldb_column_int64(st, 1);
		blob_copy(m->md5, 16, st, 2, &m->has, NSW_CASE_HAS_MD5);
		blob_copy(m->sha1, 20, st, 3, &m->has, NSW_CASE_HAS_SHA1);
		blob_copy(m->sha256, 32, st, 4, &m->has, NSW_CASE_HAS_SHA256);
		blob_copy(m->pdq.bytes, NSW_PDQ_BYTES, st, 5, &m->has,
			  NSW_CASE_HAS_PDQ);
		m->quality = nsw_sqldb_column_type(st, 6) == NSW_SQL_NULL
				     ? -1
				     : (int)nsw_sqldb_column_int64(st, 6);
		if (m->has != 0)
			cn->n_media++;
	}
	nsw_sqldb_finalize(st);
	return rc;
}

/* Known status of items from the hits of the files their copies are (by
 * file row or digest). The first hit in the query's order names an
 * item's list and category: exact digests before PDQ, nearest first. */
struct known {
	char **list, **scheme, **code; /* per item, owned */
	uint8_t *is_known;
};

static void known_free(struct known *k, uint32_t n)
{
	for (uint32_t i = 0; k->list != NULL && i < n; i++) {
		nsw__free(k->list[i]);
		nsw__free(k->scheme[i]);
		nsw__free(k->code[i]);
	}
	nsw__free(k->list);
	nsw__free(k->scheme);
	nsw__free(k->code);
	nsw__free(k->is_known);
}

static char *dup_or_null(const char *s)
{
	return s != NULL ? nsw__strdup(s) : NULL;
}

static int mark_known(nsw_casenet *cn, struct known *k, uint32_t media,
		      nsw_sqlstmt *st)
{
	uint32_t item = cn->media_item[media];
	const char *list = nsw_sqldb_column_text(st, 4, NULL);
	const char *scheme = nsw_sqldb_column_text(st, 5, NULL);
	const char *code = nsw_sqldb_column_text(st, 6, NULL);

	if (k->is_known[item])
		return NSW_OK;
	k->is_known[item] = 1;
	k->list[item] = dup_or_null(list);
	k->scheme[item] = dup_or_null(scheme);
	k->code[item] = dup_or_null(code);
	if ((list && !k->list[item]) || (scheme && !k->scheme[item]) ||
	    (code && !k->code[item]))
		return nsw_error_set(NSW_ENOMEM, "analyze: out of memory");
	return NSW_OK;
}

/* Media indices sorted by one digest (or file row), for lookups. */
struct lookup {
	uint32_t *idx;
	uint32_t n;
	struct nsw_casenet_digest_sort ds;
};

static int lookup_build(struct lookup *lk, const nsw_casenet *cn, unsigned bit,
			size_t off, size_t len)
{
	lk->ds.media = cn->media;
	lk->ds.off = off;
	lk->ds.len = len;
	lk->n = 0;
	lk->idx = nsw__reallocarray(NULL, cn->n_media ? cn->n_media : 1,
				    sizeof(uint32_t));
	if (lk->idx == NULL)
		return nsw_error_set(NSW_ENOMEM, "analyze: out of memory");
	for (uint32_t i = 0; i < cn->n_media; i++)
		if (bit ? (cn->media[i].has & bit) != 0
			: cn->media[i].file_id != 0)
			lk->idx[lk->n++] = i;
	qsort_r(lk->idx, lk->n, sizeof(uint32_t), nsw_casenet__by_digest,
		&lk->ds);
	return NSW_OK;
}

/* Mark the items of every copy whose key equals that of `f`. */
static int lookup_mark(const struct lookup *lk, nsw_casenet *cn,
		       struct known *k, const nsw_casenet_media *f,
		       nsw_sqlstmt *st)
{
	const uint8_t *want = (const uint8_t *)f + lk->ds.off;
	uint32_t lo = 0, hi = lk->n;
	int rc = NSW_OK;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		const uint8_t *m =
			(const uint8_t *)&cn->media[lk->idx[mid]] + lk->ds.off;

		if (memcmp(m, want, lk->ds.len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < lk->n && rc == NSW_OK; lo++) {
		const uint8_t *m =
			(const uint8_t *)&cn->media[lk->idx[lo]] + lk->ds.off;

		if (memcmp(m, want, lk->ds.len) != 0)
			break;
		rc = mark_known(cn, k, lk->idx[lo], st);
	}
	return rc;
}

static int load_known(nsw_casenet *cn, nsw_case *c, struct known *k)
{
	static const struct {
		unsigned bit;
		size_t off, len;
	} keys[4] = {
		{0, offsetof(nsw_casenet_media, file_id), sizeof(int64_t)},
		{NSW_CASE_HAS_SHA256, offsetof(nsw_casenet_media, sha256), 32},
		{NSW_CASE_HAS_MD5, offsetof(nsw_casenet_media, md5), 16},
		{NSW_CASE_HAS_SHA1, offsetof(nsw_casenet_media, sha1), 20},
	};
	struct lookup lk[4] = {{0}};
	uint32_t n = cn->n_items ? cn->n_items : 1;
	nsw_sqlstmt *st = NULL;
	int rc = NSW_OK;

	k->list = nsw__calloc(n, sizeof(char *));
	k->scheme = nsw__calloc(n, sizeof(char *));
	k->code = nsw__calloc(n, sizeof(char *));
	k->is_known = nsw__calloc(n, 1);
	if (k->list == NULL || k->scheme == NULL || k->code == NULL ||
	    k->is_known == NULL)
		return nsw_error_set(NSW_ENOMEM, "analyze: out of memory");
	for (int i = 0; i < 4 && rc == NSW_OK; i++)
		rc = lookup_build(&lk[i], cn, keys[i].bit, keys[i].off,
				  keys[i].len);
	rc = rc ? rc
		: nsw_sqldb_prepare(
			  c->db, &st,
			  "SELECT f.id, f.md5, f.sha1, f.sha256, l.name, "
			  "h.category_scheme, h.category_code FROM hits h "
			  "JOIN lists l ON l.id = h.list_id JOIN files f ON "
			  "f.id = h.file_id WHERE l.role = 'match' AND "
			  "h.suppressed = 0 ORDER BY (h.algorithm = 'pdq'), "
			  "h.distance, h.list_id, h.entry_id, h.id");
	while (rc == NSW_OK) {
		nsw_casenet_media f;
		int r = nsw_sqldb_step(st);

		if (r <= 0) {
			rc = r;
			break;
		}
		cn->rep.hit_rows++;
		memset(&f, 0, sizeof(f));
		f.file_id = nsw_sqldb_column_int64(st, 0);
		blob_copy(f.md5, 16, st, 1, &f.has, NSW_CASE_HAS_MD5);
		blob_copy(f.sha1, 20, st, 2, &f.has, NSW_CASE_HAS_SHA1);
		blob_copy(f.sha256, 32, st, 3, &f.has, NSW_CASE_HAS_SHA256);
		for (int i = 0; i < 4 && rc == NSW_OK; i++)
			if (keys[i].bit == 0 || (f.has & keys[i].bit))
				rc = lookup_mark(&lk[i], cn, k, &f, st);
	}
	nsw_sqldb_finalize(st);
	for (int i = 0; i < 4; i++)
		nsw__free(lk[i].idx);
	return rc;
}

static int add_items(nsw_casenet *cn, const struct known *k)
{
	char key[96], hex[72];
	uint32_t idx;
	int rc = NSW_OK;

	for (uint32_t i = 0; i < cn->n_items && rc == NSW_OK; i++) {
		const nsw_casenet_media *m = &cn->media[cn->item_rep[i]];
		const char *algo = nsw_casenet__media_hex(m, hex);

		/* Equal digests are one item, so a digest key is unique; a
		 * PDQ alone need not be (low-quality PDQs are not joined). */
		if (strcmp(algo, "pdq") == 0)
			snprintf(key, sizeof(key), "pdq:%s:%lld", hex,
				 (long long)m->id);
		else
			snprintf(key, sizeof(key), "%s", hex);
		rc = nsw_net_add_item(cn->net, &idx, key, k->is_known[i],
				      k->scheme[i], k->code[i], k->list[i]);
		if (rc == NSW_OK && idx != i)
			rc = nsw_error_set(NSW_ERROR,
					   "analyze: item key %s twice", key);
		if (rc == NSW_OK && k->is_known[i])
			cn->rep.known_items++;
	}
	return rc;
}

static int anon_account(nsw_casenet *cn, int64_t chat_id, uint32_t *idx)
{
	char key[40];
	int rc;

	snprintf(key, sizeof(key), "anon:%lld", (long long)chat_id);
	if (nsw_net_find_account(cn->net, idx, key) == NSW_OK)
		return NSW_OK;
	rc = nsw_casenet__grow((void **)&cn->anon_chat, &cn->anon_cap,
			       cn->n_anon + 1, sizeof(int64_t),
			       NSW_NET_ENTITIES_MAX, "anonymous senders");
	if (rc != NSW_OK)
		return rc;
	rc = nsw_net_add_account(cn->net, idx, key, "(no sender account)",
				 NULL);
	if (rc == NSW_OK)
		cn->anon_chat[cn->n_anon++] = chat_id;
	return rc;
}

static int load_appearances(nsw_casenet *cn, nsw_case *c)
{
	nsw_sqlstmt *st = NULL;
	int rc;

	/* Every non-thumbnail media item of a message is an appearance
	 * (albums, Discord attachments), in message then position order. */
	rc = nsw_sqldb_prepare(
		c->db, &st,
		"SELECT m.id, m.chat_id, m.sender_account_id, "
		"m.forwarded_from_account_id, (m.forwarded_from_account_id IS "
		"NOT NULL OR m.forwarded_from_chat_id IS NOT NULL OR "
		"m.forwarded_from_name IS NOT NULL OR m.saved_from IS NOT "
		"NULL), m.time_utc, md.id, m.time_unix FROM media md JOIN "
		"messages m ON m.id = md.message_id WHERE md.thumbnail = 0 "
		"ORDER BY md.message_id, md.position");
	while (rc == NSW_OK) {
		nsw_net_appearance a;
		const char *t;
		size_t tlen = 0;
		uint32_t media, n;
		int64_t sender, fwd;
		int r = nsw_sqldb_step(st);

		if (r <= 0) {
			rc = r;
			break;
		}
		cn->rep.media_refs++;
		media = media_find(cn, nsw_sqldb_column_int64(st, 6));
		if (media == UINT32_MAX) {
			cn->rep.media_unhashed++;
			continue;
		}
		memset(&a, 0, sizeof(a));
		a.item = cn->media_item[media];
		a.chat = find_id(cn->chat_ids, cn->n_chats,
				 nsw_sqldb_column_int64(st, 1));
		if (a.chat == UINT32_MAX) {
			rc = nsw_error_set(
				NSW_EFORMAT, "%s: message %lld names no chat",
				nsw_sqldb_path(c->db),
				(long long)nsw_sqldb_column_int64(st, 0));
			break;
		}
		sender = nsw_sqldb_column_int64(st, 2);
		a.account = sender > 0 ? find_id(cn->account_ids, cn->n_real,
						 sender)
				       : UINT32_MAX;
		if (a.account == UINT32_MAX) {
			cn->rep.anonymous_messages++;
			rc = anon_account(cn, cn->chat_ids[a.chat], &a.account);
			if (rc != NSW_OK)
				break;
		}
		fwd = nsw_sqldb_column_int64(st, 3);
		a.forwarded_from =
			fwd > 0 ? find_id(cn->account_ids, cn->n_real, fwd)
				: NSW_NET_NONE;
		a.kind = nsw_sqldb_column_int64(st, 4) ? NSW_NET_FORWARD
						       : NSW_NET_POST;
		if (nsw_sqldb_column_type(st, 7) != NSW_SQL_NULL) {
			a.time = nsw_sqldb_column_int64(st, 7);
		} else {
			t = nsw_sqldb_column_text(st, 5, &tlen);
			a.time = t != NULL ? parse_utc(t, tlen) : INT64_MAX;
		}
		a.message_id = nsw_sqldb_column_int64(st, 0);
		n = nsw_net_appearance_count(cn->net);
		rc = nsw_casenet__grow((void **)&cn->app_media, &cn->app_cap,
				       n + 1, sizeof(uint32_t),
				       NSW_NET_APPEARANCES_MAX, "appearances");
		if (rc == NSW_OK)
			rc = nsw_net_add_appearance(cn->net, &a);
		if (rc == NSW_OK)
			cn->app_media[n] = media;
	}
	nsw_sqldb_finalize(st);
	return rc;
}

struct chat_sender {
	uint32_t chat;
	int64_t sender;
};

static int by_chat_sender(const void *pa, const void *pb)
{
	const struct chat_sender *a = pa, *b = pb;

	if (a->chat != b->chat)
		return a->chat < b->chat ? -1 : 1;
	return a->sender < b->sender ? -1 : a->sender > b->sender;
}

/* Messages and distinct senders per chat, over all messages: one
 * sequential scan and a sort (a query per chat would look up every
 * message row through the chat index). */
static int load_chat_activity(nsw_casenet *cn, nsw_case *c)
{
	struct chat_sender *v = NULL;
	uint32_t n = 0, cap = 0;
	nsw_sqlstmt *st = NULL;
	int rc;

	cn->chat_messages =
		nsw__calloc(cn->n_chats ? cn->n_chats : 1, sizeof(int64_t));
	cn->chat_senders =
		nsw__calloc(cn->n_chats ? cn->n_chats : 1, sizeof(int64_t));
	if (cn->chat_messages == NULL || cn->chat_senders == NULL)
		return nsw_error_set(NSW_ENOMEM, "analyze: out of memory");
	rc = nsw_sqldb_prepare(
		c->db, &st, "SELECT chat_id, sender_account_id FROM messages");
	while (rc == NSW_OK) {
		uint32_t chat;
		int r = nsw_sqldb_step(st);

		if (r <= 0) {
			rc = r;
			break;
		}
		chat = find_id(cn->chat_ids, cn->n_chats,
			       nsw_sqldb_column_int64(st, 0));
		if (chat == UINT32_MAX)
			continue;
		cn->chat_messages[chat]++;
		if (nsw_sqldb_column_type(st, 1) == NSW_SQL_NULL)
			continue;
		rc = nsw_casenet__grow((void **)&v, &cap, n + 1, sizeof(*v),
				       NSW_NET_APPEARANCES_MAX, "messages");
		if (rc != NSW_OK)
			break;
		v[n].chat = chat;
		v[n].sender = nsw_sqldb_column_int64(st, 1);
		n++;
	}
	nsw_sqldb_finalize(st);
	if (rc == NSW_OK && n > 0) {
		qsort(v, n, sizeof(*v), by_chat_sender);
		for (uint32_t i = 0; i < n; i++)
			if (i == 0 || by_chat_sender(&v[i - 1], &v[i]) != 0)
				cn->chat_senders[v[i].chat]++;
	}
	nsw__free(v);
	return rc;
}

static int check_options(const nsw_analyze_options *opt)
{
	if (opt->pdq_threshold < 0 ||
	    opt->pdq_threshold > NSW_ANALYZE_MAX_THRESHOLD)
		return nsw_error_set(
			NSW_EINVAL, "analyze: PDQ threshold %d not in 0..%d",
			opt->pdq_threshold, NSW_ANALYZE_MAX_THRESHOLD);
	if (opt->pdq_min_quality < 0 || opt->pdq_min_quality > 100)
		return nsw_error_set(NSW_EINVAL,
				     "analyze: PDQ minimum quality %d not in "
				     "0..100",
				     opt->pdq_min_quality);
	return NSW_OK;
}

int nsw_casenet__load(nsw_casenet **out, nsw_case *c,
		      const nsw_analyze_options *opt)
{
	nsw_casenet *cn = NULL;
	struct known k = {0};
	double t0 = nsw_casenet__now(), t1;
	int version = 0, rc, in_tx = 0;

	*out = NULL;
	if (c == NULL)
		return nsw_error_set(NSW_EINVAL, "analyze: no case");
	cn = nsw__calloc(1, sizeof(*cn));
	if (cn == NULL)
		return nsw_error_set(NSW_ENOMEM, "analyze: out of memory");
	if (opt != NULL)
		cn->opt = *opt;
	else
		nsw_analyze_options_default(&cn->opt);
	rc = check_options(&cn->opt);
	rc = rc ? rc : nsw_sqldb_user_version(c->db, &version);
	if (rc == NSW_OK && version < 2)
		rc = nsw_error_set(NSW_EFORMAT,
				   "%s: case schema %d has no chat tables",
				   nsw_sqldb_path(c->db), version);
	rc = rc ? rc : nsw_net_new(&cn->net);
	/* The loader reads media and messages through indexes in another
	 * order than stored, and the results go into new B-trees with
	 * secondary indexes filled in near-random order: a page cache that
	 * holds them (the setting stays with this connection). */
	rc = rc ? rc : nsw_sqldb_exec(c->db, NSW_ANALYZE_SQL_CACHE_PRAGMA);
	/* One read transaction: a consistent snapshot beside a writer. */
	if (rc == NSW_OK && !nsw_sqldb_in_transaction(c->db)) {
		rc = nsw_sqldb_begin(c->db);
		in_tx = rc == NSW_OK;
	}
	rc = rc ? rc : load_chats(cn, c);
	rc = rc ? rc : load_accounts(cn, c);
	rc = rc ? rc : load_media(cn, c);
	t1 = nsw_casenet__now();
	rc = rc ? rc : nsw_casenet__unify_media(cn);
	cn->rep.seconds_unify = nsw_casenet__now() - t1;
	rc = rc ? rc : load_known(cn, c, &k);
	rc = rc ? rc : add_items(cn, &k);
	rc = rc ? rc : load_appearances(cn, c);
	rc = rc ? rc : load_chat_activity(cn, c);
	if (in_tx) {
		if (rc == NSW_OK)
			rc = nsw_sqldb_commit(c->db);
		else
			nsw_sqldb_rollback(c->db);
	}
	known_free(&k, cn->n_items);
	if (rc != NSW_OK) {
		nsw_casenet__free(cn);
		return rc;
	}
	cn->rep.media_rows = cn->n_media;
	cn->rep.items = cn->n_items;
	cn->rep.accounts = nsw_net_account_count(cn->net);
	cn->rep.chats = cn->n_chats;
	cn->rep.appearances = nsw_net_appearance_count(cn->net);
	cn->rep.seconds_load = nsw_casenet__now() - t0 - cn->rep.seconds_unify;
	*out = cn;
	return NSW_OK;
}

int nsw_case_network_load(nsw_network **out, nsw_case *c,
			  const nsw_analyze_options *opt,
			  nsw_analyze_report *rep)
{
	nsw_casenet *cn = NULL;
	int rc;

	if (out == NULL)
		return nsw_error_set(NSW_EINVAL, "analyze: NULL out");
	*out = NULL;
	if (rep != NULL)
		memset(rep, 0, sizeof(*rep));
	rc = nsw_casenet__load(&cn, c, opt);
	if (rc != NSW_OK)
		return rc;
	if (rep != NULL)
		*rep = cn->rep;
	*out = cn->net;
	cn->net = NULL;
	nsw_casenet__free(cn);
	return NSW_OK;
}
