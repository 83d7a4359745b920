/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Deconfliction without disclosure (docs/deconfliction.md): keyed hashes
 * (HMAC-SHA256 under a key the agencies share) of account identifiers,
 * phone numbers and item digests, written as JSON lines; and the check of
 * a partner's tokens against ours, which reveals only the overlap.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "limits.h"
#include "netsweep/merge.h"
#include "netsweep/phone.h"
#include "netsweep/sign.h"
#include "sqldb.h"
#include "store.h"
#include "store_output.h"

enum {
	K_ACCOUNT,
	K_PHONE,
	K_SHA256,
	K_MD5,
	K_SHA1,
	K_PDQ,
	K_COUNT
};

static const char *const kind_names[K_COUNT] = {"account", "phone", "sha256",
						"md5",	   "sha1",  "pdq"};

struct ident {
	int kind;
	char *value; /* owned; for accounts "platform:id" */
	int64_t account_id;
	uint8_t token[32];
};

struct idents {
	struct ident *v;
	size_t n, cap;
};

static void idents_free(struct idents *s)
{
	for (size_t i = 0; i < s->n; i++)
		nsw__free(s->v[i].value);
	nsw__free(s->v);
}

static int count_of(nsw_token_counts *c, int kind, int64_t add)
{
	int64_t *f[K_COUNT] = {&c->accounts, &c->phones, &c->sha256,
			       &c->md5,	     &c->sha1,	 &c->pdq};

	*f[kind] += add;
	return 0;
}

int nsw_token_compute(char hex[65], const uint8_t *key, size_t key_len,
		      const char *kind, const void *value, size_t value_len)
{
	uint8_t mac[NSW_HMAC_SHA256_BYTES];
	uint8_t msg[1024];
	size_t kl;
	int rc;

	if (key == NULL || kind == NULL || value == NULL)
		return nsw_error_set(NSW_EINVAL, "token: missing input");
	kl = strlen(kind);
	if (kl + 1 + value_len > sizeof(msg))
		return nsw_error_set(NSW_EINVAL, "token: value too long");
	memcpy(msg, kind, kl);
	msg[kl] = '\0';
	memcpy(msg + kl + 1, value, value_len);
	rc = nsw_hmac_sha256(mac, key, key_len, msg, kl + 1 + value_len);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < sizeof(mac); i++)
		snprintf(hex + 2 * i, 3, "%02x", mac[i]);
	return 0;
}

static int from_hex(uint8_t *out, const char *hex, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int v = 0;

		for (int k = 0; k < 2; k++) {
			char ch = hex[2 * i + (size_t)k];

			v <<= 4;
			if (ch >= '0' && ch <= '9')
				v |= ch - '0';
			else if (ch >= 'a' && ch <= 'f')
				v |= ch - 'a' + 10;
			else if (ch >= 'A' && ch <= 'F')
				v |= ch - 'A' + 10;
			else
				return -1;
		}
		out[i] = (uint8_t)v;
	}
	return 0;
}

/* Add one identifier; `value` is the token input after the kind, `shown`
 * our plaintext for reports. */
static int add_ident(struct idents *s, int kind, const char *shown,
		     const void *value, size_t value_len, int64_t account,
		     const uint8_t *key, size_t key_len)
{
	char hex[65];
	struct ident *x;
	int rc;

	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		struct ident *p = nsw__reallocarray(s->v, cap, sizeof(*p));

		if (p == NULL)
			return nsw_error_set(NSW_ENOMEM, "out of memory");
		s->v = p;
		s->cap = cap;
	}
	rc = nsw_token_compute(hex, key, key_len, kind_names[kind], value,
			       value_len);
	if (rc < 0)
		return rc;
	x = &s->v[s->n];
	x->kind = kind;
	x->account_id = account;
	x->value = nsw__strdup(shown);
	if (x->value == NULL)
		return nsw_error_set(NSW_ENOMEM, "out of memory");
	from_hex(x->token, hex, 32);
	s->n++;
	return 0;
}

/* Every identifier of the case with its token. */
static int collect(nsw_case *c, const uint8_t *key, size_t key_len,
		   struct idents *s)
{
	static const char *const cols[4] = {"sha256", "md5", "sha1", "pdq"};
	nsw_sqlstmt *q = NULL;
	char buf[512];
	int rc;

	rc = nsw_sqldb_prepare(c->db, &q,
			       "SELECT a.id, p.name, a.native_id FROM accounts "
			       "a JOIN platforms p ON p.id = a.platform_id "
			       "ORDER BY a.id");
	while (rc == 0 && (rc = nsw_sqldb_step(q)) == 1) {
		size_t pl = 0, il = 0;
		const char *pn = nsw_sqldb_column_text(q, 1, &pl);
		const char *id = nsw_sqldb_column_text(q, 2, &il);
		char shown[512];

		rc = 0;
		if (pn == NULL || id == NULL || pl + il + 1 > sizeof(buf))
			continue;
		memcpy(buf, pn, pl);
		buf[pl] = '\0';
		memcpy(buf + pl + 1, id, il);
		snprintf(shown, sizeof(shown), "%s:%s", pn, id);
		rc = add_ident(s, K_ACCOUNT, shown, buf, pl + 1 + il,
			       nsw_sqldb_column_int64(q, 0), key, key_len);
	}
	nsw_sqldb_finalize(q);
	q = NULL;
	if (rc < 0)
		return rc;
	rc = nsw_sqldb_prepare(
		c->db, &q,
		"SELECT id, native_id FROM accounts WHERE native_id LIKE '+%' "
		"UNION SELECT account_id, value FROM account_names WHERE kind "
		"= 'phone' ORDER BY 1, 2");
	while (rc == 0 && (rc = nsw_sqldb_step(q)) == 1) {
		size_t len = 0;
		const char *t = nsw_sqldb_column_text(q, 1, &len);
		nsw_phone ph;

		rc = 0;
		if (t == NULL || nsw_phone_parse(&ph, t, len, NULL) < 0 ||
		    !ph.international) {
			nsw_error_clear();
			continue;
		}
		rc = add_ident(s, K_PHONE, ph.number, ph.number,
			       strlen(ph.number), nsw_sqldb_column_int64(q, 0),
			       key, key_len);
	}
	nsw_sqldb_finalize(q);
	q = NULL;
	for (int a = 0; rc >= 0 && a < 4; a++) {
		snprintf(buf, sizeof(buf),
			 "SELECT DISTINCT %s FROM files WHERE status = 'ok' "
			 "AND %s IS NOT NULL ORDER BY 1",
			 cols[a], cols[a]);
		rc = nsw_sqldb_prepare(c->db, &q, buf);
		while (rc == 0 && (rc = nsw_sqldb_step(q)) == 1) {
			size_t n = 0;
			const uint8_t *d = nsw_sqldb_column_blob(q, 0, &n);
			char hex[65];

			rc = 0;
			if (d == NULL || n == 0 || n > 32)
				continue;
			for (size_t i = 0; i < n; i++)
				snprintf(hex + 2 * i, 3, "%02x", d[i]);
			rc = add_ident(s, K_SHA256 + a, hex, hex, 2 * n, 0, key,
				       key_len);
		}
		nsw_sqldb_finalize(q);
		q = NULL;
	}
	return rc < 0 ? rc : 0;
}

static int by_kind_token(const void *a, const void *b)
{
	const struct ident *x = a, *y = b;

	if (x->kind != y->kind)
		return x->kind - y->kind;
	return memcmp(x->token, y->token, 32);
}

static int by_kind_value(const void *a, const void *b)
{
	const struct ident *x = a, *y = b;
	int d;

	if (x->kind != y->kind)
		return x->kind - y->kind;
	d = strcmp(x->value, y->value);
	if (d != 0)
		return d;
	return (x->account_id > y->account_id) -
	       (x->account_id < y->account_id);
}

int nsw_token_key_read(uint8_t *key, size_t *key_len, const char *path)
{
	FILE *f;
	size_t n;

	*key_len = 0;
	f = fopen(path, "rb");
	if (f == NULL)
		return nsw_error_set(errno == ENOENT ? NSW_ENOTFOUND : NSW_EIO,
				     "%s: %s", path, strerror(errno));
	n = fread(key, 1, NSW_TOKEN_KEY_MAX, f);
	if (ferror(f)) {
		fclose(f);
		return nsw_error_set(NSW_EIO, "%s: read error", path);
	}
	if (n == NSW_TOKEN_KEY_MAX && fgetc(f) != EOF) {
		fclose(f);
		return nsw_error_set(NSW_ELIMIT, "%s: key over %d bytes", path,
				     NSW_TOKEN_KEY_MAX);
	}
	fclose(f);
	if (n > 0 && key[n - 1] == '\n')
		n--;
	if (n > 0 && key[n - 1] == '\r')
		n--;
	if (n < NSW_TOKEN_KEY_MIN)
		return nsw_error_set(NSW_EINVAL,
				     "%s: key shorter than %d bytes", path,
				     NSW_TOKEN_KEY_MIN);
	*key_len = n;
	return 0;
}

int nsw_tokens_write(nsw_case *c, const uint8_t *key, size_t key_len,
		     const char *path, nsw_token_counts *counts)
{
	struct idents s;
	nsw_out o;
	uint8_t sha[32];
	char detail[512], hex[65];
	int rc;

	memset(&s, 0, sizeof(s));
	memset(counts, 0, sizeof(*counts));
	if (c == NULL || key == NULL || key_len == 0 || path == NULL)
		return nsw_error_set(NSW_EINVAL,
				     "tokens: no case, key or path");
	rc = collect(c, key, key_len, &s);
	if (rc < 0)
		goto done;
	if (s.n > 1)
		qsort(s.v, s.n, sizeof(*s.v), by_kind_token);
	rc = nsw_out__open(&o, path);
	if (rc < 0)
		goto done;
	for (size_t i = 0; i < s.n; i++) {
		if (i > 0 && by_kind_token(&s.v[i - 1], &s.v[i]) == 0)
			continue;
		for (size_t k = 0; k < 32; k++)
			snprintf(hex + 2 * k, 3, "%02x", s.v[i].token[k]);
		nsw_out__printf(&o, "{\"kind\":\"%s\",\"token\":\"%s\"}\n",
				kind_names[s.v[i].kind], hex);
		count_of(counts, s.v[i].kind, 1);
	}
	rc = nsw_out__close(&o, 0, sha);
	if (rc == 0) {
		for (size_t k = 0; k < 32; k++)
			snprintf(hex + 2 * k, 3, "%02x", sha[k]);
		snprintf(detail, sizeof(detail),
			 "{\"accounts\":%lld,\"phones\":%lld,\"sha256\":%lld,"
			 "\"md5\":%lld,\"sha1\":%lld,\"pdq\":%lld,"
			 "\"sha256_of_file\":\"%s\"}",
			 (long long)counts->accounts, (long long)counts->phones,
			 (long long)counts->sha256, (long long)counts->md5,
			 (long long)counts->sha1, (long long)counts->pdq, hex);
		rc = nsw_store__audit_append(c, "tokens.write", detail);
		if (rc < 0 && (c->flags & NSW_CASE_READONLY)) {
			nsw_error_clear();
			rc = 0;
		}
	}
done:
	idents_free(&s);
	return rc;
}

/* ---- Reading a partner's tokens --------------------------------------- */

struct theirs {
	struct ident *v; /* value unused */
	size_t n, cap;
};

/* Strict reader of {"kind":"K","token":"HEX"}: the two string fields in
 * any order, whitespace between tokens. 0 ok, -1 malformed. */
static const char *skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
		p++;
	return p;
}

static const char *json_string(const char *p, const char *end, char *out,
			       size_t cap)
{
	size_t n = 0;

	if (p >= end || *p != '"')
		return NULL;
	for (p++; p < end && *p != '"'; p++) {
		if (*p == '\\' || (unsigned char)*p < 0x20 || n + 1 >= cap)
			return NULL;
		out[n++] = *p;
	}
	if (p >= end)
		return NULL;
	out[n] = '\0';
	return p + 1;
}

static int parse_line(const char *p, const char *end, int *kind,
		      uint8_t token[32])
{
	char name[16], value[80];
	int have = 0;

	p = skip_ws(p, end);
	if (p >= end || *p++ != '{')
		return -1;
	for (;;) {
		p = skip_ws(p, end);
		p = json_string(p, end, name, sizeof(name));
		if (p == NULL)
			return -1;
		p = skip_ws(p, end);
		if (p >= end || *p++ != ':')
			return -1;
		p = skip_ws(p, end);
		p = json_string(p, end, value, sizeof(value));
		if (p == NULL)
			return -1;
		if (strcmp(name, "kind") == 0) {
			*kind = -1;
			for (int k = 0; k < K_COUNT; k++)
				if (strcmp(value, kind_names[k]) == 0)
					*kind = k;
			if (*kind < 0)
				return -1;
			have |= 1;
		} else if (strcmp(name, "token") == 0) {
			if (strlen(value) != 64 || from_hex(token, value, 32))
				return -1;
			have |= 2;
		}
		p = skip_ws(p, end);
		if (p < end && *p == ',') {
			p++;
			continue;
		}
		break;
	}
	if (p >= end || *p++ != '}')
		return -1;
	p = skip_ws(p, end);
	return (p == end && have == 3) ? 0 : -1;
}

static int read_theirs(const char *path, struct theirs *t,
		       nsw_deconflict_result *res)
{
	char line[NSW_TOKEN_LINE_MAX + 2];
	FILE *f = fopen(path, "rb");
	uint64_t no = 0;
	int rc = 0;

	if (f == NULL)
		return nsw_error_set(errno == ENOENT ? NSW_ENOTFOUND : NSW_EIO,
				     "%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f) != NULL) {
		size_t n = strlen(line);
		struct ident x;

		no++;
		if (n > 0 && line[n - 1] != '\n' && !feof(f)) {
			rc = nsw_error_set(
				NSW_ELIMIT, "%s:%llu: line over %d bytes", path,
				(unsigned long long)no, NSW_TOKEN_LINE_MAX);
			break;
		}
		if (n > 0 && line[n - 1] == '\n')
			n--;
		if (n == 0)
			continue;
		memset(&x, 0, sizeof(x));
		if (parse_line(line, line + n, &x.kind, x.token) < 0) {
			res->lines_rejected++;
			continue;
		}
		if (t->n == t->cap) {
			size_t cap = t->cap ? t->cap * 2 : 1024;
			struct ident *p;

			if (t->n >= NSW_TOKENS_MAX) {
				rc = nsw_error_set(NSW_ELIMIT,
						   "%s: over %zu tokens", path,
						   (size_t)NSW_TOKENS_MAX);
				break;
			}
			p = nsw__reallocarray(t->v, cap, sizeof(*p));
			if (p == NULL) {
				rc = nsw_error_set(NSW_ENOMEM, "out of memory");
				break;
			}
			t->v = p;
			t->cap = cap;
		}
		t->v[t->n++] = x;
	}
	if (rc == 0 && ferror(f))
		rc = nsw_error_set(NSW_EIO, "%s: read error", path);
	fclose(f);
	if (rc < 0)
		return rc;
	if (t->n > 1)
		qsort(t->v, t->n, sizeof(*t->v), by_kind_token);
	{
		size_t w = 0;

		for (size_t i = 0; i < t->n; i++)
			if (w == 0 || by_kind_token(&t->v[w - 1], &t->v[i]))
				t->v[w++] = t->v[i];
		t->n = w;
	}
	res->tokens_read = (int64_t)t->n;
	return 0;
}

static int64_t suspect_rank(nsw_case *c, int64_t account)
{
	nsw_sqlstmt *q = NULL;
	int64_t rank = 0;

	if (account <= 0 ||
	    nsw_sqldb_prepare(
		    c->db, &q,
		    "SELECT s.rank FROM analysis_suspects s JOIN "
		    "analysis_accounts a ON a.run_id = s.run_id AND a.account "
		    "= s.account WHERE s.run_id = (SELECT max(id) FROM "
		    "analysis_runs) AND a.account_id = ?1") < 0)
		return 0;
	if (nsw_sqldb_bind_int64(q, 1, account) == 0 && nsw_sqldb_step(q) == 1)
		rank = nsw_sqldb_column_int64(q, 0);
	nsw_sqldb_finalize(q);
	return rank;
}

static int64_t file_count(nsw_case *c, int kind, const char *hex)
{
	static const char *const cols[4] = {"sha256", "md5", "sha1", "pdq"};
	uint8_t d[32];
	size_t n = strlen(hex) / 2;
	char sql[128];
	nsw_sqlstmt *q = NULL;
	int64_t count = 0;

	if (kind < K_SHA256 || n > 32 || from_hex(d, hex, n) < 0)
		return 0;
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM files WHERE %s = ?1",
		 cols[kind - K_SHA256]);
	if (nsw_sqldb_prepare(c->db, &q, sql) < 0)
		return 0;
	if (nsw_sqldb_bind_blob(q, 1, d, n) == 0 && nsw_sqldb_step(q) == 1)
		count = nsw_sqldb_column_int64(q, 0);
	nsw_sqldb_finalize(q);
	return count;
}

int nsw_deconflict(nsw_case *c, const uint8_t *key, size_t key_len,
		   const char *tokens_path,
		   int (*fn)(void *ctx, const nsw_deconflict_match *m),
		   void *ctx, nsw_deconflict_result *res)
{
	struct idents ours;
	struct theirs t;
	int rc;

	memset(&ours, 0, sizeof(ours));
	memset(&t, 0, sizeof(t));
	memset(res, 0, sizeof(*res));
	if (c == NULL || key == NULL || key_len == 0 || tokens_path == NULL)
		return nsw_error_set(NSW_EINVAL,
				     "deconflict: no case, key or tokens");
	rc = read_theirs(tokens_path, &t, res);
	if (rc == 0)
		rc = collect(c, key, key_len, &ours);
	if (rc < 0)
		goto done;
	if (ours.n > 1)
		qsort(ours.v, ours.n, sizeof(*ours.v), by_kind_value);
	for (size_t i = 0; i < ours.n; i++) {
		const struct ident *x = &ours.v[i];
		nsw_deconflict_match m;

		if (i > 0 && by_kind_value(&ours.v[i - 1], x) == 0)
			continue;
		count_of(&res->ours, x->kind, 1);
		if (t.n == 0 ||
		    bsearch(x, t.v, t.n, sizeof(*t.v), by_kind_token) == NULL)
			continue;
		count_of(&res->matched, x->kind, 1);
		m.kind = kind_names[x->kind];
		m.value = x->value;
		m.account_id = x->account_id;
		m.suspect_rank = suspect_rank(c, x->account_id);
		m.files = file_count(c, x->kind, x->value);
		if (fn) {
			rc = fn(ctx, &m);
			if (rc != 0)
				break;
		}
	}
done:
	idents_free(&ours);
	nsw__free(t.v);
	return rc;
}
