/* SPDX-License-Identifier: Apache-2.0 */
/* Country attribution: phone calling codes, IP geolocation, analyst
 * assertions; every basis kept, the chosen country by a documented rule. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "error.h"
#include "limits.h"
#include "netsweep/attrib.h"
#include "netsweep/geoip.h"
#include "netsweep/phone.h"
#include "sqldb.h"
#include "store.h"

/* Strength of a basis: an analyst's word, then where the account logged
 * in from, then the calling code of its phone (docs/attribution.md). */
static int basis_rank(const char *basis)
{
	if (strcmp(basis, "analyst") == 0)
		return 3;
	if (strcmp(basis, "ip-geo") == 0)
		return 2;
	if (strcmp(basis, "phone-prefix") == 0)
		return 1;
	return 0;
}

/* The chosen country of a set of bases, and whether they conflict. */
static const char *choose(const nsw_attrib_basis *b, size_t n, int *conflict)
{
	const nsw_attrib_basis *best = NULL;

	*conflict = 0;
	for (size_t i = 0; i < n; i++) {
		if (best && strcmp(best->country, b[i].country) != 0)
			*conflict = 1;
		if (best == NULL ||
		    basis_rank(b[i].basis) > basis_rank(best->basis) ||
		    (basis_rank(b[i].basis) == basis_rank(best->basis) &&
		     (b[i].confidence > best->confidence ||
		      (b[i].confidence == best->confidence &&
		       strcmp(b[i].country, best->country) < 0))))
			best = &b[i];
	}
	return best ? best->country : "";
}

static int insert_basis(nsw_sqlstmt *ins, int64_t account, const char *cc,
			const char *basis, double conf, const char *source,
			const char *now)
{
	nsw_sqldb_reset(ins);
	if (nsw_sqldb_bind_int64(ins, 1, account) < 0 ||
	    nsw_sqldb_bind_text(ins, 2, cc) < 0 ||
	    nsw_sqldb_bind_text(ins, 3, basis) < 0 ||
	    nsw_sqldb_bind_double(ins, 4, conf) < 0 ||
	    nsw_sqldb_bind_text(ins, 5, source) < 0 ||
	    nsw_sqldb_bind_text(ins, 6, now) < 0)
		return nsw_error_last_code();
	return nsw_sqldb_run(ins);
}

static const char insert_sql[] =
	"INSERT INTO attributions(account_id, country, basis, confidence, "
	"source, created_utc) VALUES(?1, ?2, ?3, ?4, ?5, ?6)";

/* Phones: every account id that is a number, and every phone name. */
static int attribute_phones(nsw_case *c, nsw_attrib_stats *st, const char *now)
{
	nsw_sqlstmt *q = NULL, *ins = NULL;
	int rc;

	rc = nsw_sqldb_exec(c->db, "DELETE FROM attributions "
				   "WHERE basis = 'phone-prefix'");
	if (rc < 0)
		return rc;
	rc = nsw_sqldb_prepare(
		c->db, &q,
		"SELECT id, native_id FROM accounts WHERE native_id LIKE '+%' "
		"UNION SELECT account_id, value FROM account_names "
		"WHERE kind = 'phone' ORDER BY 1, 2");
	if (rc == 0)
		rc = nsw_sqldb_prepare(c->db, &ins, insert_sql);
	while (rc == 0 && (rc = nsw_sqldb_step(q)) == 1) {
		size_t len = 0;
		const char *value = nsw_sqldb_column_text(q, 1, &len);
		int64_t account = nsw_sqldb_column_int64(q, 0);
		nsw_phone ph;
		char source[128];

		rc = 0;
		st->phones_seen++;
		if (value == NULL ||
		    nsw_phone_parse(&ph, value, len, NULL) < 0 ||
		    !ph.international || ph.country[0] == '\0') {
			st->phones_unusable++;
			continue;
		}
		snprintf(source, sizeof(source), "phone %s (calling code +%s)",
			 ph.number, ph.prefix);
		rc = insert_basis(ins, account, ph.country, "phone-prefix",
				  NSW_ATTRIB_CONF_PHONE, source, now);
		if (rc == 0)
			st->phones_attributed++;
	}
	nsw_sqldb_finalize(q);
	nsw_sqldb_finalize(ins);
	return rc < 0 ? rc : 0;
}

/* Accounts an identifier names: platform id, phone or username,
 * optionally "platform:id". Calls back with each account id. */
static int resolve_account(nsw_case *c, const char *ident,
			   int (*fn)(void *ctx, int64_t id), void *ctx,
			   int *found)
{
	nsw_sqlstmt *q = NULL;
	const char *colon = strchr(ident, ':');
	const char *id = ident;
	char platform[32] = "";
	char e164[NSW_E164_DIGITS_MAX + 2] = "";
	nsw_phone ph;
	int rc;

	*found = 0;
	if (colon && (size_t)(colon - ident) < sizeof(platform) &&
	    colon != ident && ident[0] != '+') {
		memcpy(platform, ident, (size_t)(colon - ident));
		platform[colon - ident] = '\0';
		id = colon + 1;
	}
	if (nsw_phone_parse(&ph, id, strlen(id), NULL) == 0 && ph.international)
		memcpy(e164, ph.number, sizeof(e164));
	nsw_error_clear();
	rc = nsw_sqldb_prepare(
		c->db, &q,
		"SELECT a.id FROM accounts a JOIN platforms p "
		"ON p.id = a.platform_id WHERE a.native_id IN (?1, ?3) "
		"AND (?2 = '' OR p.name = ?2) "
		"UNION SELECT a.id FROM account_names n JOIN accounts a "
		"ON a.id = n.account_id JOIN platforms p ON p.id = "
		"a.platform_id "
		"WHERE n.kind IN ('phone', 'username') AND n.value IN (?1, ?3) "
		"AND (?2 = '' OR p.name = ?2) ORDER BY 1");
	if (rc < 0)
		return rc;
	if (nsw_sqldb_bind_text(q, 1, id) < 0 ||
	    nsw_sqldb_bind_text(q, 2, platform) < 0 ||
	    nsw_sqldb_bind_text(q, 3, e164[0] ? e164 : id) < 0) {
		nsw_sqldb_finalize(q);
		return nsw_error_last_code();
	}
	while ((rc = nsw_sqldb_step(q)) == 1) {
		(*found)++;
		rc = fn(ctx, nsw_sqldb_column_int64(q, 0));
		if (rc < 0)
			break;
	}
	nsw_sqldb_finalize(q);
	return rc < 0 ? rc : 0;
}

/* ---- IP logs ---------------------------------------------------------- */

struct ip_row {
	int64_t account;
	char country[3];
	char ip[46];
	char when[40];
	uint64_t line;
};

struct ip_run {
	struct ip_row *rows;
	size_t count, cap;
	struct ip_row current;
};

static int add_ip_row(void *ctx, int64_t account)
{
	struct ip_run *r = ctx;

	if (r->count == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 1024;
		struct ip_row *p;

		if (r->count >= NSW_IPLOG_ROWS_MAX)
			return nsw_error_set(
				NSW_ELIMIT, "IP log over %zu attributable rows",
				NSW_IPLOG_ROWS_MAX);
		p = nsw__reallocarray(r->rows, cap, sizeof(*p));
		if (p == NULL)
			return nsw_error_set(NSW_ENOMEM, "out of memory");
		r->rows = p;
		r->cap = cap;
	}
	r->rows[r->count] = r->current;
	r->rows[r->count++].account = account;
	return 0;
}

static int by_account_country(const void *a, const void *b)
{
	const struct ip_row *x = a, *y = b;

	if (x->account != y->account)
		return x->account < y->account ? -1 : 1;
	if (strcmp(x->country, y->country) != 0)
		return strcmp(x->country, y->country);
	return x->line < y->line ? -1 : x->line > y->line;
}

/* Trim spaces and one pair of double quotes around a CSV field. */
static char *field(char *s, char *end)
{
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	while (end > s &&
	       (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		end--;
	if (end - s >= 2 && *s == '"' && end[-1] == '"') {
		s++;
		end--;
	}
	*end = '\0';
	return s;
}

static void problem(const nsw_attrib_options *opt, uint64_t line,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void problem(const nsw_attrib_options *opt, uint64_t line,
		    const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (opt->problem == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	opt->problem(opt->problem_ctx, opt->ip_log_path, line, msg);
}

/* Read the log: one row per (account, country) observation. */
static int read_ip_log(nsw_case *c, const nsw_attrib_options *opt,
		       nsw_geoip *db, struct ip_run *run, nsw_attrib_stats *st)
{
	FILE *f = fopen(opt->ip_log_path, "rb");
	char line[NSW_IPLOG_LINE_MAX + 2];
	uint64_t no = 0;
	int rc = 0;

	if (f == NULL)
		return nsw_error_set(errno == ENOENT ? NSW_ENOTFOUND : NSW_EIO,
				     "%s: %s", opt->ip_log_path,
				     strerror(errno));
	while (fgets(line, sizeof(line), f) != NULL) {
		size_t n = strlen(line);
		char *c1, *c2, *account, *ip, *when;
		int found = 0;

		no++;
		if (n > 0 && line[n - 1] != '\n' && !feof(f)) {
			int ch;

			while ((ch = fgetc(f)) != EOF && ch != '\n')
				;
			st->ip_rejected++;
			problem(opt, no, "line longer than %d bytes",
				NSW_IPLOG_LINE_MAX);
			continue;
		}
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		if (n == 0 || line[0] == '#')
			continue;
		c1 = memchr(line, ',', n);
		c2 = c1 ? memchr(c1 + 1, ',', n - (size_t)(c1 + 1 - line))
			: NULL;
		if (c2 == NULL) {
			st->ip_rejected++;
			problem(opt, no, "expected account,ip,timestamp");
			continue;
		}
		account = field(line, c1);
		ip = field(c1 + 1, c2);
		when = field(c2 + 1, line + n);
		if (no == 1 && strcmp(account, "account") == 0)
			continue; /* header */
		st->ip_rows++;
		memset(&run->current, 0, sizeof(run->current));
		run->current.line = no;
		rc = nsw_geoip_country(run->current.country, db, ip);
		if (rc == NSW_ENOTFOUND) {
			st->ip_not_found++;
			rc = 0;
			continue;
		}
		if (rc == NSW_EINVAL) {
			st->ip_rejected++;
			problem(opt, no, "'%s' is not an IP address", ip);
			rc = 0;
			continue;
		}
		if (rc < 0)
			break;
		snprintf(run->current.ip, sizeof(run->current.ip), "%s", ip);
		snprintf(run->current.when, sizeof(run->current.when), "%s",
			 when);
		rc = resolve_account(c, account, add_ip_row, run, &found);
		if (rc < 0)
			break;
		if (found == 0) {
			st->ip_unmatched++;
			problem(opt, no, "account '%s' is not in the case",
				account);
			continue;
		}
		st->ip_attributed++;
	}
	if (rc == 0 && ferror(f))
		rc = nsw_error_set(NSW_EIO, "%s: read error", opt->ip_log_path);
	fclose(f);
	return rc;
}

static int attribute_ips(nsw_case *c, const nsw_attrib_options *opt,
			 nsw_attrib_stats *st, const char *now)
{
	nsw_geoip *db = NULL;
	nsw_sqlstmt *del = NULL, *ins = NULL;
	struct ip_run run;
	nsw_buf prefix;
	int rc;

	memset(&run, 0, sizeof(run));
	nsw_buf_init(&prefix, NSW_PATH_MAX + 16);
	rc = nsw_geoip_open(&db, opt->geoip_path);
	if (rc < 0)
		goto done;
	rc = read_ip_log(c, opt, db, &run, st);
	if (rc < 0)
		goto done;
	qsort(run.rows, run.count, sizeof(*run.rows), by_account_country);
	/* Replace what an earlier run derived from this same log. */
	if (nsw_buf_printf(&prefix, "ip-log %s:", opt->ip_log_path) < 0) {
		rc = nsw_error_set(NSW_ELIMIT, "path too long");
		goto done;
	}
	rc = nsw_sqldb_prepare(c->db, &del,
			       "DELETE FROM attributions WHERE basis = "
			       "'ip-geo' AND substr(source, 1, ?2) = ?1");
	if (rc == 0)
		rc = nsw_sqldb_bind_text(del, 1, prefix.ptr);
	if (rc == 0)
		rc = nsw_sqldb_bind_int64(del, 2, (int64_t)prefix.len);
	if (rc == 0)
		rc = nsw_sqldb_run(del);
	if (rc == 0)
		rc = nsw_sqldb_prepare(c->db, &ins, insert_sql);
	for (size_t i = 0; rc == 0 && i < run.count;) {
		size_t j = i;
		char source[NSW_PATH_MAX + 256];
		double conf;

		while (j < run.count &&
		       run.rows[j].account == run.rows[i].account &&
		       strcmp(run.rows[j].country, run.rows[i].country) == 0)
			j++;
		conf = NSW_ATTRIB_CONF_IP_BASE + 0.1 * (double)(j - i);
		if (conf > 0.9)
			conf = 0.9;
		snprintf(source, sizeof(source),
			 "%s %zu login(s) from %s, first at line %llu: %s at "
			 "%s (%s)",
			 prefix.ptr, j - i, run.rows[i].country,
			 (unsigned long long)run.rows[i].line, run.rows[i].ip,
			 run.rows[i].when, nsw_geoip_type(db));
		rc = insert_basis(ins, run.rows[i].account, run.rows[i].country,
				  "ip-geo", conf, source, now);
		i = j;
	}
done:
	nsw_sqldb_finalize(del);
	nsw_sqldb_finalize(ins);
	nsw_geoip_free(db);
	nsw__free(run.rows);
	nsw_buf_dispose(&prefix);
	return rc;
}

int nsw_attrib_run(nsw_case *c, const nsw_attrib_options *opt,
		   nsw_attrib_stats *st)
{
	char now[32], detail[512];
	int rc;

	memset(st, 0, sizeof(*st));
	if ((opt->geoip_path == NULL) != (opt->ip_log_path == NULL))
		return nsw_error_set(NSW_EINVAL,
				     "an IP log needs a GeoIP database and "
				     "the other way round");
	nsw_store__now_utc(now);
	rc = nsw_sqldb_begin_immediate(c->db);
	if (rc < 0)
		return rc;
	rc = attribute_phones(c, st, now);
	if (rc == 0 && opt->ip_log_path)
		rc = attribute_ips(c, opt, st, now);
	if (rc == 0) {
		snprintf(detail, sizeof(detail),
			 "{\"phones_attributed\":%llu,\"ip_rows\":%llu,"
			 "\"ip_attributed\":%llu,\"ip_log\":%s}",
			 (unsigned long long)st->phones_attributed,
			 (unsigned long long)st->ip_rows,
			 (unsigned long long)st->ip_attributed,
			 opt->ip_log_path ? "true" : "false");
		rc = nsw_store__audit_append(c, "attribute.run", detail);
	}
	if (rc == 0)
		rc = nsw_sqldb_commit(c->db);
	if (rc < 0)
		nsw_sqldb_rollback(c->db);
	return rc;
}

/* ---- Analyst assertions ---------------------------------------------- */

struct assertion {
	nsw_sqlstmt *ins;
	const char *country, *basis, *now;
};

static int assert_one(void *ctx, int64_t id)
{
	struct assertion *a = ctx;

	return insert_basis(a->ins, id, a->country, "analyst",
			    NSW_ATTRIB_CONF_ANALYST, a->basis, a->now);
}

int nsw_attrib_assert(nsw_case *c, const char *account, const char *country,
		      const char *basis)
{
	struct assertion a;
	nsw_buf detail;
	char now[32], cc[3];
	int rc, found = 0;

	if (account == NULL || account[0] == '\0' || basis == NULL ||
	    basis[0] == '\0')
		return nsw_error_set(NSW_EINVAL,
				     "an assertion needs an account and a "
				     "basis");
	if (country == NULL || strlen(country) != 2 || country[0] < 'A' ||
	    country[0] > 'z' || country[1] < 'A' || country[1] > 'z')
		return nsw_error_set(NSW_EINVAL,
				     "'%s' is not an ISO 3166 country code",
				     country ? country : "");
	cc[0] = (char)(country[0] & ~0x20);
	cc[1] = (char)(country[1] & ~0x20);
	cc[2] = '\0';
	nsw_store__now_utc(now);
	nsw_buf_init(&detail, 4096);
	a.ins = NULL;
	a.country = cc;
	a.basis = basis;
	a.now = now;
	rc = nsw_sqldb_begin_immediate(c->db);
	if (rc < 0)
		return rc;
	rc = nsw_sqldb_prepare(c->db, &a.ins, insert_sql);
	if (rc == 0)
		rc = resolve_account(c, account, assert_one, &a, &found);
	if (rc == 0 && found == 0)
		rc = nsw_error_set(NSW_ENOTFOUND, "no account '%s' in the case",
				   account);
	if (rc == 0 &&
	    (nsw_buf_puts(&detail, "{\"account\":") < 0 ||
	     nsw_store__json_str(&detail, account) < 0 ||
	     nsw_buf_printf(&detail, ",\"country\":\"%s\",\"basis\":", cc) <
		     0 ||
	     nsw_store__json_str(&detail, basis) < 0 ||
	     nsw_buf_puts(&detail, "}") < 0))
		rc = nsw_error_set(NSW_ELIMIT, "assertion too long");
	if (rc == 0)
		rc = nsw_store__audit_append(c, "attribute.assert", detail.ptr);
	if (rc == 0)
		rc = nsw_sqldb_commit(c->db);
	if (rc < 0)
		nsw_sqldb_rollback(c->db);
	nsw_sqldb_finalize(a.ins);
	nsw_buf_dispose(&detail);
	return rc;
}

/* ---- Reading ---------------------------------------------------------- */

struct group {
	int64_t account;
	char *platform, *native_id;
	nsw_attrib_basis *bases;
	char **strings; /* owned copies: country, basis, source per row */
	size_t count, cap;
};

static void group_clear(struct group *g)
{
	for (size_t i = 0; i < g->count * 3; i++)
		nsw__free(g->strings[i]);
	nsw__free(g->platform);
	nsw__free(g->native_id);
	g->platform = g->native_id = NULL;
	g->count = 0;
}

static int group_add(struct group *g, nsw_sqlstmt *q)
{
	const char *cols[3];

	if (g->count == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 8;
		nsw_attrib_basis *b =
			nsw__reallocarray(g->bases, cap, sizeof(*b));
		char **s;

		if (b == NULL)
			return nsw_error_set(NSW_ENOMEM, "out of memory");
		g->bases = b;
		s = nsw__reallocarray(g->strings, cap * 3, sizeof(*s));
		if (s == NULL)
			return nsw_error_set(NSW_ENOMEM, "out of memory");
		g->strings = s;
		g->cap = cap;
	}
	cols[0] = nsw_sqldb_column_text(q, 3, NULL);
	cols[1] = nsw_sqldb_column_text(q, 4, NULL);
	cols[2] = nsw_sqldb_column_text(q, 6, NULL);
	for (int k = 0; k < 3; k++) {
		g->strings[g->count * 3 + (size_t)k] =
			nsw__strdup(cols[k] ? cols[k] : "");
		if (g->strings[g->count * 3 + (size_t)k] == NULL) {
			for (int m = 0; m < k; m++)
				nsw__free(g->strings[g->count * 3 + (size_t)m]);
			return nsw_error_set(NSW_ENOMEM, "out of memory");
		}
	}
	g->bases[g->count].country = g->strings[g->count * 3];
	g->bases[g->count].basis = g->strings[g->count * 3 + 1];
	g->bases[g->count].source = g->strings[g->count * 3 + 2];
	g->bases[g->count].confidence = 0;
	{
		size_t len = 0;
		const char *t = nsw_sqldb_column_text(q, 5, &len);

		g->bases[g->count].confidence = t ? strtod(t, NULL) : 0;
	}
	g->count++;
	return 0;
}

static int group_emit(struct group *g, nsw_attrib_fn fn, void *ctx)
{
	nsw_attrib_account a;

	if (g->count == 0)
		return 0;
	a.account_id = g->account;
	a.platform = g->platform ? g->platform : "";
	a.native_id = g->native_id ? g->native_id : "";
	a.chosen = choose(g->bases, g->count, &a.conflict);
	a.bases = g->bases;
	a.basis_count = g->count;
	return fn(ctx, &a);
}

static int foreach_where(nsw_case *c, int64_t only, nsw_attrib_fn fn, void *ctx)
{
	nsw_sqlstmt *q = NULL;
	struct group g;
	int rc;

	memset(&g, 0, sizeof(g));
	g.account = -1;
	rc = nsw_sqldb_prepare(
		c->db, &q,
		"SELECT t.account_id, p.name, a.native_id, t.country, t.basis, "
		"CAST(t.confidence AS TEXT), t.source FROM attributions t "
		"JOIN accounts a ON a.id = t.account_id "
		"JOIN platforms p ON p.id = a.platform_id "
		"WHERE ?1 < 0 OR t.account_id = ?1 ORDER BY t.account_id, "
		"t.id");
	if (rc == 0)
		rc = nsw_sqldb_bind_int64(q, 1, only);
	while (rc == 0 && (rc = nsw_sqldb_step(q)) == 1) {
		int64_t account = nsw_sqldb_column_int64(q, 0);

		rc = 0;
		if (account != g.account) {
			rc = group_emit(&g, fn, ctx);
			group_clear(&g);
			if (rc != 0)
				break;
			g.account = account;
			g.platform =
				nsw__strdup(nsw_sqldb_column_text(q, 1, NULL));
			g.native_id =
				nsw__strdup(nsw_sqldb_column_text(q, 2, NULL));
			if (g.platform == NULL || g.native_id == NULL) {
				rc = nsw_error_set(NSW_ENOMEM, "out of memory");
				break;
			}
		}
		rc = group_add(&g, q);
	}
	if (rc == 0)
		rc = group_emit(&g, fn, ctx);
	group_clear(&g);
	nsw__free(g.bases);
	nsw__free(g.strings);
	nsw_sqldb_finalize(q);
	return rc;
}

int nsw_attrib_foreach(nsw_case *c, nsw_attrib_fn fn, void *ctx)
{
	return foreach_where(c, -1, fn, ctx);
}

static int copy_country(void *ctx, const nsw_attrib_account *a)
{
	memcpy(ctx, a->chosen, strlen(a->chosen) + 1);
	return 0;
}

int nsw_attrib_country(nsw_case *c, int64_t account_id, char country[3])
{
	int rc;

	country[0] = '\0';
	if (account_id < 0)
		return nsw_error_set(NSW_EINVAL, "bad account id");
	rc = foreach_where(c, account_id, copy_country, country);
	if (rc < 0)
		return rc;
	if (country[0] == '\0')
		return nsw_error_set(NSW_ENOTFOUND,
				     "account %lld has no attribution",
				     (long long)account_id);
	return 0;
}
