/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The case's append-only audit log: each entry's SHA-256 covers its content
 * and the previous entry's hash, so an edit, insertion or deletion anywhere
 * but the tail breaks the chain at that entry.
 *
 * Entry hash = SHA-256 of
 *   "netsweep-audit-1\n" || u64be(seq) || lp(time_utc) || lp(actor) ||
 *   lp(action) || lp(detail) || prev_hash[32]
 * where lp(s) = u32be(len(s)) || s. Entry 1's prev_hash is 32 zero bytes.
 */
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "limits.h"
#include "netsweep/digest.h"
#include "store.h"

#define AUDIT_DOMAIN "netsweep-audit-1\n"

/* SHA-256 over the entry's canonical encoding (see the file header). */
static int entry_hash(uint8_t out[32], int64_t seq, const char *time_utc,
		      const char *actor, const char *action, const char *detail,
		      const uint8_t prev[32])
{
	const char *fields[4] = {time_utc, actor, action, detail};
	nsw_digest *d = NULL;
	nsw_digests sum;
	uint8_t be[8];
	int rc;

	for (int i = 0; i < 8; i++)
		be[i] = (uint8_t)((uint64_t)seq >> (56 - 8 * i));
	rc = nsw_digest_new(&d, NSW_ALGO_BIT(NSW_ALGO_SHA256));
	rc = rc ? rc : nsw_digest_update(d, AUDIT_DOMAIN, strlen(AUDIT_DOMAIN));
	rc = rc ? rc : nsw_digest_update(d, be, 8);
	for (int i = 0; rc == NSW_OK && i < 4; i++) {
		size_t len = strlen(fields[i]);
		uint8_t lp[4] = {(uint8_t)(len >> 24), (uint8_t)(len >> 16),
				 (uint8_t)(len >> 8), (uint8_t)len};

		rc = nsw_digest_update(d, lp, 4);
		rc = rc ? rc : nsw_digest_update(d, fields[i], len);
	}
	rc = rc ? rc : nsw_digest_update(d, prev, 32);
	rc = rc ? rc : nsw_digest_final(d, &sum);
	nsw_digest_free(d);
	if (rc == NSW_OK)
		memcpy(out, sum.sha256, 32);
	return rc;
}

struct append {
	const char *action;
	const char *detail;
};

static int append_tx(nsw_case *c, void *arg)
{
	static const uint8_t zero[32];
	struct append *a = arg;
	nsw_sqlstmt *st = NULL;
	uint8_t prev[32], hash[32];
	const void *blob;
	size_t len = 0;
	int64_t seq = 1;
	char now[32];
	int rc;

	memcpy(prev, zero, sizeof(prev));
	rc = nsw_sqldb_prepare(c->db, &st,
			       "SELECT seq, hash FROM audit_log ORDER BY seq "
			       "DESC LIMIT 1");
	rc = rc ? rc : nsw_sqldb_step(st);
	if (rc == 1) {
		seq = nsw_sqldb_column_int64(st, 0) + 1;
		blob = nsw_sqldb_column_blob(st, 1, &len);
		if (blob == NULL || len != 32) {
			rc = nsw_error_set(NSW_EFORMAT,
					   "%s: audit entry %lld has no valid "
					   "hash; run `netsweep case audit`",
					   nsw_sqldb_path(c->db),
					   (long long)(seq - 1));
			goto done;
		}
		memcpy(prev, blob, 32);
		rc = NSW_OK;
	}
	nsw_sqldb_finalize(st);
	st = NULL;
	if (rc != NSW_OK)
		goto done;
	nsw_store__now_utc(now);
	rc = entry_hash(hash, seq, now, c->actor, a->action, a->detail, prev);
	rc = rc ? rc
		: nsw_sqldb_prepare(c->db, &st,
				    "INSERT INTO audit_log(seq, time_utc, "
				    "actor, action, detail, prev_hash, hash) "
				    "VALUES(?1,?2,?3,?4,?5,?6,?7)");
	rc = rc ? rc : nsw_sqldb_bind_int64(st, 1, seq);
	rc = rc ? rc : nsw_sqldb_bind_text(st, 2, now);
	rc = rc ? rc : nsw_sqldb_bind_text(st, 3, c->actor);
	rc = rc ? rc : nsw_sqldb_bind_text(st, 4, a->action);
	rc = rc ? rc : nsw_sqldb_bind_text(st, 5, a->detail);
	rc = rc ? rc : nsw_sqldb_bind_blob(st, 6, prev, 32);
	rc = rc ? rc : nsw_sqldb_bind_blob(st, 7, hash, 32);
	rc = rc ? rc : nsw_sqldb_run(st);
done:
	nsw_sqldb_finalize(st);
	return rc;
}

int nsw_store__audit_append(nsw_case *c, const char *action, const char *detail)
{
	struct append a = {action, detail != NULL ? detail : "{}"};

	if (c == NULL || c->actor == NULL || action == NULL ||
	    action[0] == '\0')
		return nsw_error_set(NSW_EINVAL, "audit: no action or actor");
	if (strlen(action) > NSW_CASE_TEXT_MAX ||
	    strlen(a.detail) > NSW_CASE_AUDIT_DETAIL_MAX)
		return nsw_error_set(NSW_ELIMIT, "audit: entry too long");
	return nsw_store__in_tx(c, append_tx, &a);
}

int nsw_case_audit_append(nsw_case *c, const char *action, const char *detail)
{
	if (c != NULL && (c->flags & NSW_CASE_READONLY))
		return nsw_error_set(NSW_EINVAL,
				     "audit: case opened read-only");
	return nsw_store__audit_append(c, action, detail);
}

/* Text column or "" (a NULL where NOT NULL was declared is itself caught
 * by the hash, which no longer matches). */
static const char *text_or_empty(nsw_sqlstmt *st, int col)
{
	const char *s = nsw_sqldb_column_text(st, col, NULL);

	return s != NULL ? s : "";
}

static int read_entry(nsw_sqlstmt *st, nsw_audit_entry *e, int *hashes_ok)
{
	const void *p;
	size_t len = 0;

	memset(e, 0, sizeof(*e));
	*hashes_ok = 1;
	e->seq = nsw_sqldb_column_int64(st, 0);
	e->time_utc = text_or_empty(st, 1);
	e->actor = text_or_empty(st, 2);
	e->action = text_or_empty(st, 3);
	e->detail = text_or_empty(st, 4);
	p = nsw_sqldb_column_blob(st, 5, &len);
	if (p != NULL && len == 32)
		memcpy(e->prev_hash, p, 32);
	else
		*hashes_ok = 0;
	p = nsw_sqldb_column_blob(st, 6, &len);
	if (p != NULL && len == 32)
		memcpy(e->hash, p, 32);
	else
		*hashes_ok = 0;
	return NSW_OK;
}

static const char select_entries[] =
	"SELECT seq, time_utc, actor, action, detail, prev_hash, hash "
	"FROM audit_log ORDER BY seq";

int nsw_case_audit_foreach(nsw_case *c,
			   int (*fn)(void *ctx, const nsw_audit_entry *e),
			   void *ctx)
{
	nsw_sqlstmt *st = NULL;
	nsw_audit_entry e;
	int rc, hashes_ok;

	if (c == NULL || fn == NULL)
		return nsw_error_set(NSW_EINVAL, "audit: NULL argument");
	rc = nsw_sqldb_prepare(c->db, &st, select_entries);
	while (rc == NSW_OK && (rc = nsw_sqldb_step(st)) == 1) {
		read_entry(st, &e, &hashes_ok);
		rc = fn(ctx, &e);
	}
	nsw_sqldb_finalize(st);
	return rc;
}

static void broken(nsw_audit_check *out, int64_t seq, const char *reason)
{
	out->ok = 0;
	out->first_bad = seq;
	snprintf(out->reason, sizeof(out->reason), "%s", reason);
}

/* Check one entry against the expected seq and previous hash. */
static int check_entry(nsw_case *c, nsw_audit_check *out,
		       const nsw_audit_entry *e, int hashes_ok,
		       int64_t expect_seq, const uint8_t prev[32],
		       uint8_t computed[32])
{
	char *init = NULL;
	int rc;

	if (e->seq != expect_seq) {
		broken(out, expect_seq,
		       e->seq > expect_seq ? "entry missing (deleted)"
					   : "sequence out of order");
		return NSW_OK;
	}
	if (!hashes_ok) {
		broken(out, e->seq, "hash fields missing or malformed");
		return NSW_OK;
	}
	rc = entry_hash(computed, e->seq, e->time_utc, e->actor, e->action,
			e->detail, e->prev_hash);
	if (rc != NSW_OK)
		return rc;
	if (memcmp(e->prev_hash, prev, 32) != 0) {
		broken(out, e->seq,
		       e->seq == 1 ? "first entry does not start the chain"
				   : "link to the previous entry does not "
				     "match (this or the previous entry was "
				     "altered)");
		return NSW_OK;
	}
	if (memcmp(computed, e->hash, 32) != 0) {
		broken(out, e->seq, "content does not match its hash (edited)");
		return NSW_OK;
	}
	if (e->seq == 1) {
		init = nsw_store__init_detail(c);
		if (init == NULL)
			return nsw_error_set(NSW_ENOMEM,
					     "audit: out of memory");
		if (strcmp(e->action, "case.init") != 0 ||
		    strcmp(e->detail, init) != 0)
			broken(out, 1,
			       "case metadata does not match the first entry "
			       "(case.init)");
		nsw__free(init);
	}
	return NSW_OK;
}

int nsw_case_audit_verify(nsw_case *c, nsw_audit_check *out)
{
	static const uint8_t zero[32];
	nsw_sqlstmt *st = NULL;
	nsw_audit_entry e;
	uint8_t prev[32], computed[32];
	int rc, hashes_ok;

	if (c == NULL || out == NULL)
		return nsw_error_set(NSW_EINVAL, "audit: NULL argument");
	memset(out, 0, sizeof(*out));
	out->ok = 1;
	memcpy(prev, zero, 32);
	rc = nsw_sqldb_prepare(c->db, &st, select_entries);
	while (rc == NSW_OK && (rc = nsw_sqldb_step(st)) == 1) {
		read_entry(st, &e, &hashes_ok);
		rc = check_entry(c, out, &e, hashes_ok, out->entries + 1, prev,
				 computed);
		if (rc != NSW_OK || !out->ok)
			break;
		out->entries++;
		/* Chain on what the entry should hash to, so an entry
		 * re-hashed after an edit still breaks its successor. */
		memcpy(prev, computed, 32);
		memcpy(out->head, computed, 32);
		out->head_seq = e.seq;
	}
	nsw_sqldb_finalize(st);
	if (rc < 0)
		return rc;
	if (out->ok && out->entries == 0)
		broken(out, 1, "the audit log is empty");
	return NSW_OK;
}
