/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Users and sessions of a case (tables users, sessions; docs/case-schema.md).
 * Password hashes: "$pbkdf2-sha256$i=<iterations>$<salt hex>$<dk hex>"
 * (16-byte salt, 32-byte key). Sessions keep only SHA-256(token).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alloc.h"
#include "buf.h"
#include "error.h"
#include "limits.h"
#include "netsweep/auth.h"
#include "netsweep/digest.h"
#include "netsweep/sign.h"
#include "store.h"

#define SALT_BYTES 16
#define DK_BYTES 32
#define TOKEN_BYTES 32

static const char *const role_names[] = {"?", "analyst", "reviewer", "auditor"};

const char *nsw_role_name(nsw_role role)
{
	return (unsigned)role < 4 ? role_names[role] : "?";
}

nsw_role nsw_role_parse(const char *name)
{
	for (int i = 1; name && i < 4; i++)
		if (strcmp(name, role_names[i]) == 0)
			return (nsw_role)i;
	return NSW_ROLE_NONE;
}

static int username_ok(const char *u)
{
	size_t n = u ? strlen(u) : 0;

	if (n == 0 || n > NSW_USERNAME_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char ch = u[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' ||
		      ch == '-'))
			return 0;
	}
	return 1;
}

/* Append an audit entry with `actor` as the actor, then restore. */
static int audit_as(nsw_case *c, const char *actor, const char *action,
		    const char *detail)
{
	char *saved = c->actor;
	int rc;

	c->actor = (char *)actor;
	rc = nsw_store__audit_append(c, action, detail);
	c->actor = saved;
	return rc;
}

static int phc_make(char out[NSW_PHC_MAX], const char *password)
{
	uint8_t salt[SALT_BYTES], dk[DK_BYTES];
	char salt_hex[2 * SALT_BYTES + 1], dk_hex[2 * DK_BYTES + 1];
	int rc = nsw_random_bytes(salt, sizeof(salt));

	rc = rc ? rc
		: nsw_pbkdf2_sha256(dk, sizeof(dk), password, strlen(password),
				    salt, sizeof(salt), NSW_PBKDF2_ITERATIONS);
	if (rc != NSW_OK)
		return rc;
	nsw_hex_encode(salt_hex, salt, sizeof(salt));
	nsw_hex_encode(dk_hex, dk, sizeof(dk));
	snprintf(out, NSW_PHC_MAX, "$pbkdf2-sha256$i=%u$%s$%s",
		 NSW_PBKDF2_ITERATIONS, salt_hex, dk_hex);
	return 0;
}

/* 1 when `password` matches the stored string; 0 otherwise (a malformed
 * string never matches). */
static int phc_check(const char *phc, const char *password)
{
	static const char prefix[] = "$pbkdf2-sha256$i=";
	uint8_t salt[SALT_BYTES], dk[DK_BYTES], want[DK_BYTES];
	unsigned long it;
	const char *p, *s1, *s2;
	char *end = NULL;

	if (phc == NULL || strncmp(phc, prefix, sizeof(prefix) - 1) != 0)
		return 0;
	p = phc + sizeof(prefix) - 1;
	it = strtoul(p, &end, 10);
	if (end == p || *end != '$' || it == 0 ||
	    it > NSW_PBKDF2_ITERATIONS_MAX)
		return 0;
	s1 = end + 1;
	s2 = strchr(s1, '$');
	if (s2 == NULL || (size_t)(s2 - s1) != 2 * SALT_BYTES ||
	    strlen(s2 + 1) != 2 * DK_BYTES)
		return 0;
	if (nsw_hex_decode(salt, sizeof(salt), s1, 2 * SALT_BYTES) != 0 ||
	    nsw_hex_decode(want, sizeof(want), s2 + 1, 2 * DK_BYTES) != 0)
		return 0;
	if (nsw_pbkdf2_sha256(dk, sizeof(dk), password, strlen(password), salt,
			      sizeof(salt), (unsigned)it) != 0)
		return 0;
	return nsw_const_equal(dk, want, sizeof(dk));
}

int nsw_user_add(nsw_case *c, const char *username, const char *display_name,
		 nsw_role role, const char *password)
{
	nsw_sqlstmt *st = NULL;
	char phc[NSW_PHC_MAX], now[32];
	nsw_buf detail;
	size_t pl = password ? strlen(password) : 0;
	int rc;

	nsw_buf_init(&detail, 1024);
	if (c == NULL || !username_ok(username))
		return nsw_error_set(NSW_EINVAL,
				     "user name: 1-64 of A-Z a-z 0-9 . _ -");
	if (role < NSW_ROLE_ANALYST || role > NSW_ROLE_AUDITOR)
		return nsw_error_set(NSW_EINVAL, "role: analyst, reviewer or "
						 "auditor");
	if (pl < NSW_PASSWORD_MIN || pl > NSW_PASSWORD_MAX)
		return nsw_error_set(NSW_EINVAL,
				     "password: 8 to 1024 characters");
	if (display_name && strlen(display_name) > 128)
		return nsw_error_set(NSW_EINVAL, "display name: at most 128");
	rc = phc_make(phc, password);
	if (rc != NSW_OK)
		return rc;
	nsw_store__now_utc(now);
	rc = nsw_sqldb_begin_immediate(c->db);
	rc = rc ? rc
		: nsw_sqldb_prepare(c->db, &st,
				    "INSERT INTO users(username, display_name,"
				    " role, password_hash, created_utc) "
				    "VALUES(?,?,?,?,?)");
	rc = rc ? rc : nsw_sqldb_bind_text(st, 1, username);
	rc = rc ? rc
		: nsw_sqldb_bind_text(st, 2,
				      display_name ? display_name : username);
	rc = rc ? rc : nsw_sqldb_bind_text(st, 3, nsw_role_name(role));
	rc = rc ? rc : nsw_sqldb_bind_text(st, 4, phc);
	rc = rc ? rc : nsw_sqldb_bind_text(st, 5, now);
	rc = rc ? rc : nsw_sqldb_run(st);
	if (rc == NSW_EINVAL)
		rc = nsw_error_set(NSW_EINVAL, "user %s exists", username);
	rc = rc ? rc : nsw_buf_puts(&detail, "{\"username\":");
	rc = rc ? rc : nsw_store__json_str(&detail, username);
	rc = rc ? rc
		: nsw_buf_printf(&detail,
				 ",\"role\":\"%s\",\"kdf\":"
				 "\"pbkdf2-sha256\",\"iterations\":%u}",
				 nsw_role_name(role), NSW_PBKDF2_ITERATIONS);
	rc = rc ? rc : nsw_store__audit_append(c, "user.add", detail.ptr);
	rc = rc ? rc : nsw_sqldb_commit(c->db);
	if (rc != NSW_OK)
		nsw_sqldb_rollback(c->db);
	nsw_sqldb_finalize(st);
	nsw_buf_dispose(&detail);
	return rc;
}

static void token_hash(uint8_t out[32], const char *token)
{
	nsw_digests d;

	memset(out, 0, 32);
	if (nsw_digest_buffer(&d, NSW_ALGO_BIT(NSW_ALGO_SHA256), token,
			      strlen(token)) == 0)
		memcpy(out, d.sha256, 32);
}

static void csrf_of(char out[NSW_SESSION_TOKEN_HEX + 1], const char *token)
{
	nsw_digests d;
	char buf[16 + NSW_SESSION_TOKEN_HEX + 1];
	int n = snprintf(buf, sizeof(buf), "netsweep-csrf-1\n%s", token);

	out[0] = '\0';
	if (n > 0 && nsw_digest_buffer(&d, NSW_ALGO_BIT(NSW_ALGO_SHA256), buf,
				       (size_t)n) == 0)
		nsw_hex_encode(out, d.sha256, 32);
}

static void utc_after(char out[32], int64_t seconds)
{
	struct timespec ts;
	struct tm tm;
	char base[24];
	time_t t;

	clock_gettime(CLOCK_REALTIME, &ts);
	t = ts.tv_sec + (time_t)seconds;
	gmtime_r(&t, &tm);
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, 32, "%.19s.%03dZ", base,
		 (int)(ts.tv_nsec / 1000000L) % 1000);
}

static void copy_text(char *dst, size_t cap, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n >= cap)
		n = cap - 1;
	if (n)
		memcpy(dst, s, n);
	dst[n] = '\0';
}

static int login_detail(nsw_buf *b, const char *username, const char *remote)
{
	int rc = nsw_buf_puts(b, "{\"username\":");

	rc = rc ? rc : nsw_store__json_str(b, username);
	rc = rc ? rc : nsw_buf_puts(b, ",\"remote\":");
	rc = rc ? rc : nsw_store__json_str(b, remote ? remote : "");
	return rc ? rc : nsw_buf_putc(b, '}');
}

int nsw_auth_login(nsw_case *c, char token[NSW_SESSION_TOKEN_HEX + 1],
		   nsw_auth_user *who, const char *username,
		   const char *password, const char *remote,
		   int64_t ttl_seconds)
{
	nsw_sqlstmt *st = NULL;
	uint8_t raw[TOKEN_BYTES], th[32];
	char now[32], phc[NSW_PHC_MAX], role[16];
	nsw_buf detail;
	int rc, found = 0, ok = 0;

	token[0] = '\0';
	memset(who, 0, sizeof(*who));
	nsw_buf_init(&detail, 1024);
	if (username == NULL || password == NULL || ttl_seconds <= 0 ||
	    ttl_seconds > NSW_SESSION_TTL_MAX_S)
		return nsw_error_set(NSW_EINVAL, "login: bad arguments");
	if (!username_ok(username) || strlen(password) > NSW_PASSWORD_MAX) {
		rc = login_detail(
			&detail, username_ok(username) ? username : "", remote);
		rc = rc ? rc
			: audit_as(c, "-", "auth.login-failed", detail.ptr);
		nsw_buf_dispose(&detail);
		return rc ? rc : nsw_error_set(NSW_ENOTFOUND, "login failed");
	}
	phc[0] = '\0';
	rc = nsw_sqldb_prepare(
		c->db, &st,
		"SELECT id, display_name, role, password_hash "
		"FROM users WHERE username = ? AND disabled = 0");
	rc = rc ? rc : nsw_sqldb_bind_text(st, 1, username);
	rc = rc ? rc : nsw_sqldb_step(st);
	if (rc == 1) {
		found = 1;
		who->user_id = nsw_sqldb_column_int64(st, 0);
		copy_text(who->display_name, sizeof(who->display_name),
			  nsw_sqldb_column_text(st, 1, NULL));
		copy_text(role, sizeof(role),
			  nsw_sqldb_column_text(st, 2, NULL));
		copy_text(phc, sizeof(phc), nsw_sqldb_column_text(st, 3, NULL));
		rc = 0;
	}
	nsw_sqldb_finalize(st);
	st = NULL;
	if (rc != NSW_OK)
		goto done;
	/* Hash even for unknown users so the timing does not tell. */
	if (found) {
		ok = phc_check(phc, password);
	} else {
		(void)phc_check("$pbkdf2-sha256$i=210000$"
				"00000000000000000000000000000000$"
				"0000000000000000000000000000000000000000000000"
				"000000000000000000",
				password);
	}
	rc = login_detail(&detail, username, remote);
	if (rc != NSW_OK)
		goto done;
	if (!ok) {
		rc = audit_as(c, username, "auth.login-failed", detail.ptr);
		if (rc == NSW_OK)
			rc = nsw_error_set(NSW_ENOTFOUND, "login failed");
		goto done;
	}
	who->role = nsw_role_parse(role);
	copy_text(who->username, sizeof(who->username), username);
	rc = nsw_random_bytes(raw, sizeof(raw));
	if (rc != NSW_OK)
		goto done;
	nsw_hex_encode(token, raw, sizeof(raw));
	token_hash(th, token);
	csrf_of(who->csrf, token);
	nsw_store__now_utc(now);
	utc_after(who->expires_utc, ttl_seconds);
	rc = nsw_sqldb_begin_immediate(c->db);
	rc = rc ? rc
		: nsw_sqldb_prepare(c->db, &st,
				    "INSERT INTO sessions(user_id, token_hash,"
				    " created_utc, expires_utc, last_seen_utc,"
				    " remote_addr) VALUES(?,?,?,?,?,?)");
	rc = rc ? rc : nsw_sqldb_bind_int64(st, 1, who->user_id);
	rc = rc ? rc : nsw_sqldb_bind_blob(st, 2, th, sizeof(th));
	rc = rc ? rc : nsw_sqldb_bind_text(st, 3, now);
	rc = rc ? rc : nsw_sqldb_bind_text(st, 4, who->expires_utc);
	rc = rc ? rc : nsw_sqldb_bind_text(st, 5, now);
	rc = rc ? rc : nsw_sqldb_bind_text(st, 6, remote);
	rc = rc ? rc : nsw_sqldb_run(st);
	nsw_sqldb_finalize(st);
	st = NULL;
	/* Expired sessions are of no use to anyone: drop them. */
	rc = rc ? rc
		: nsw_sqldb_prepare(
			  c->db, &st,
			  "DELETE FROM sessions WHERE expires_utc <= ?");
	rc = rc ? rc : nsw_sqldb_bind_text(st, 1, now);
	rc = rc ? rc : nsw_sqldb_run(st);
	rc = rc ? rc : audit_as(c, username, "auth.login", detail.ptr);
	rc = rc ? rc : nsw_sqldb_commit(c->db);
	if (rc != NSW_OK)
		nsw_sqldb_rollback(c->db);
done:
	nsw_sqldb_finalize(st);
	nsw_buf_dispose(&detail);
	if (rc != NSW_OK) {
		token[0] = '\0';
		memset(who, 0, sizeof(*who));
	}
	return rc;
}

static int token_ok(const char *token)
{
	if (token == NULL || strlen(token) != NSW_SESSION_TOKEN_HEX)
		return 0;
	for (const char *p = token; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return 0;
	return 1;
}

int nsw_auth_session(nsw_case *c, nsw_auth_user *who, const char *token)
{
	nsw_sqlstmt *st = NULL;
	uint8_t th[32];
	char now[32];
	int rc;

	memset(who, 0, sizeof(*who));
	if (!token_ok(token))
		return nsw_error_set(NSW_ENOTFOUND, "no session");
	token_hash(th, token);
	nsw_store__now_utc(now);
	rc = nsw_sqldb_prepare(
		c->db, &st,
		"SELECT u.id, u.username, u.display_name, u.role, "
		"s.expires_utc FROM sessions s JOIN users u ON u.id = "
		"s.user_id WHERE s.token_hash = ? AND s.expires_utc > ? "
		"AND u.disabled = 0");
	rc = rc ? rc : nsw_sqldb_bind_blob(st, 1, th, sizeof(th));
	rc = rc ? rc : nsw_sqldb_bind_text(st, 2, now);
	rc = rc ? rc : nsw_sqldb_step(st);
	if (rc == 1) {
		who->user_id = nsw_sqldb_column_int64(st, 0);
		copy_text(who->username, sizeof(who->username),
			  nsw_sqldb_column_text(st, 1, NULL));
		copy_text(who->display_name, sizeof(who->display_name),
			  nsw_sqldb_column_text(st, 2, NULL));
		who->role = nsw_role_parse(nsw_sqldb_column_text(st, 3, NULL));
		copy_text(who->expires_utc, sizeof(who->expires_utc),
			  nsw_sqldb_column_text(st, 4, NULL));
		csrf_of(who->csrf, token);
		rc = 0;
	} else if (rc == 0) {
		rc = nsw_error_set(NSW_ENOTFOUND, "no session");
	}
	nsw_sqldb_finalize(st);
	if (rc != NSW_OK)
		memset(who, 0, sizeof(*who));
	return rc;
}

int nsw_auth_logout(nsw_case *c, const char *token)
{
	nsw_auth_user who;
	nsw_sqlstmt *st = NULL;
	uint8_t th[32];
	nsw_buf detail;
	int rc = nsw_auth_session(c, &who, token);

	if (rc != NSW_OK)
		return rc;
	nsw_buf_init(&detail, 512);
	token_hash(th, token);
	rc = nsw_sqldb_begin_immediate(c->db);
	rc = rc ? rc
		: nsw_sqldb_prepare(
			  c->db, &st,
			  "DELETE FROM sessions WHERE token_hash = ?");
	rc = rc ? rc : nsw_sqldb_bind_blob(st, 1, th, sizeof(th));
	rc = rc ? rc : nsw_sqldb_run(st);
	rc = rc ? rc : login_detail(&detail, who.username, NULL);
	rc = rc ? rc : audit_as(c, who.username, "auth.logout", detail.ptr);
	rc = rc ? rc : nsw_sqldb_commit(c->db);
	if (rc != NSW_OK)
		nsw_sqldb_rollback(c->db);
	nsw_sqldb_finalize(st);
	nsw_buf_dispose(&detail);
	return rc;
}

int64_t nsw_user_count(nsw_case *c)
{
	nsw_sqlstmt *st = NULL;
	int64_t n;
	int rc = nsw_sqldb_prepare(c->db, &st, "SELECT count(*) FROM users");

	rc = rc ? rc : nsw_sqldb_step(st);
	n = rc == 1 ? nsw_sqldb_column_int64(st, 0) : (rc < 0 ? rc : 0);
	nsw_sqldb_finalize(st);
	return n;
}
