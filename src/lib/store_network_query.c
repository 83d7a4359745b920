/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Read stored analysis runs back: the run, the suspects with names, terms
 * and evidence, the chat figures with bridges, the spread of one item.
 */
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "error.h"
#include "limits.h"
#include "store_network.h"

/* ---- copies of row strings for one callback -------------------------- */

typedef struct strpool {
	char **v;
	size_t n, cap;
} strpool;

static const char *pool_dup(strpool *p, const char *s, int *rc)
{
	char *d;

	if (*rc != NSW_OK)
		return "";
	if (s == NULL)
		s = "";
	if (p->n == p->cap) {
		size_t ncap = p->cap ? p->cap * 2 : 64;
		char **nv;

		if (ncap > NSW_ANALYZE_QUERY_STRINGS_MAX) {
			*rc = nsw_error_set(
				NSW_ELIMIT,
				"analysis query: more than %zu "
				"strings in one record",
				(size_t)NSW_ANALYZE_QUERY_STRINGS_MAX);
			return "";
		}
		nv = nsw__reallocarray(p->v, ncap, sizeof(*nv));
		if (nv == NULL) {
			*rc = nsw_error_set(NSW_ENOMEM, "out of memory");
			return "";
		}
		p->v = nv;
		p->cap = ncap;
	}
	d = nsw__strdup(s);
	if (d == NULL) {
		*rc = nsw_error_set(NSW_ENOMEM, "out of memory");
		return "";
	}
	p->v[p->n++] = d;
	return d;
}

static void pool_clear(strpool *p)
{
	for (size_t i = 0; i < p->n; i++)
		nsw__free(p->v[i]);
	p->n = 0;
}

static void pool_free(strpool *p)
{
	pool_clear(p);
	nsw__free(p->v);
	p->v = NULL;
	p->cap = 0;
}

static const char *col_text(nsw_sqlstmt *st, int col)
{
	const char *s = nsw_sqldb_column_text(st, col, NULL);

	return s ? s : "";
}

/* Grow an array of `size`-byte records to hold n + 1. */
static int grow_rows(void **v, size_t *cap, size_t n, size_t size)
{
	size_t ncap;
	void *nv;

	if (n < *cap)
		return NSW_OK;
	ncap = *cap ? *cap * 2 : 64;
	if (ncap > NSW_ANALYZE_QUERY_ROWS_MAX)
		return nsw_error_set(NSW_ELIMIT,
				     "analysis query: more than %zu rows in "
				     "one record",
				     (size_t)NSW_ANALYZE_QUERY_ROWS_MAX);
	nv = nsw__reallocarray(*v, ncap, size);
	if (nv == NULL)
		return nsw_error_set(NSW_ENOMEM, "out of memory");
	*v = nv;
	*cap = ncap;
	return NSW_OK;
}

/* ---- runs ------------------------------------------------------------ */

int nsw_case_analysis_get(nsw_case *c, int64_t run_id, nsw_analysis_run *out)
{
	nsw_sqlstmt *st = NULL;
	int rc, r;

	if (c == NULL || out == NULL)
		return nsw_error_set(NSW_EINVAL, "analysis: NULL argument");
	memset(out, 0, sizeof(*out));
	rc = nsw_sqldb_prepare(
		c->db, &st,
		"SELECT id, created_utc, netsweep_version, pdq_threshold, "
		"pdq_min_quality, no_pdq, betweenness_samples, seed, "
		"copost_full_max, copost_window, items, known_items, accounts,"
		" chats, appearances, suspects FROM analysis_runs WHERE ?1 = 0"
		" OR id = ?1 ORDER BY id DESC LIMIT 1");
	if (rc != NSW_OK) {
		/* An older case has no analysis tables: never analysed. */
		return nsw_error_set(NSW_ENOTFOUND,
				     "%s: no analysis in this case (run "
				     "netsweep analyze)",
				     nsw_sqldb_path(c->db));
	}
	rc = nsw_sqldb_bind_int64(st, 1, run_id);
	r = rc ? rc : nsw_sqldb_step(st);
	if (r < 0) {
		rc = r;
	} else if (r == 0) {
		rc = run_id ? nsw_error_set(
				      NSW_ENOTFOUND, "%s: no analysis run %lld",
				      nsw_sqldb_path(c->db), (long long)run_id)
			    : nsw_error_set(NSW_ENOTFOUND,
					    "%s: no analysis in this case (run "
					    "netsweep analyze)",
					    nsw_sqldb_path(c->db));
	} else {
		nsw_analyze_options *o = &out->options;

		out->id = nsw_sqldb_column_int64(st, 0);
		snprintf(out->created_utc, sizeof(out->created_utc), "%s",
			 col_text(st, 1));
		snprintf(out->netsweep_version, sizeof(out->netsweep_version),
			 "%s", col_text(st, 2));
		nsw_analyze_options_default(o);
		o->pdq_threshold = (int)nsw_sqldb_column_int64(st, 3);
		o->pdq_min_quality = (int)nsw_sqldb_column_int64(st, 4);
		o->no_pdq = (int)nsw_sqldb_column_int64(st, 5);
		o->net.betweenness_samples =
			(uint32_t)nsw_sqldb_column_int64(st, 6);
		o->net.seed = (uint64_t)nsw_sqldb_column_int64(st, 7);
		o->net.copost_full_max =
			(uint32_t)nsw_sqldb_column_int64(st, 8);
		o->net.copost_window = (uint32_t)nsw_sqldb_column_int64(st, 9);
		out->items = nsw_sqldb_column_int64(st, 10);
		out->known_items = nsw_sqldb_column_int64(st, 11);
		out->accounts = nsw_sqldb_column_int64(st, 12);
		out->chats = nsw_sqldb_column_int64(st, 13);
		out->appearances = nsw_sqldb_column_int64(st, 14);
		out->suspects = nsw_sqldb_column_int64(st, 15);
	}
	nsw_sqldb_finalize(st);
	return rc;
}

/* ---- suspects -------------------------------------------------------- */

enum {
	Q_NAMES,
	Q_TERMS,
	Q_LISTS,
	Q_EVIDENCE,
	Q_COUNT
};

static const char *const suspect_sql[Q_COUNT] = {
	[Q_NAMES] = "SELECT kind, value FROM account_names WHERE account_id "
		    "= ?1 ORDER BY kind, first_seen_utc, id",
	[Q_TERMS] = "SELECT term, raw, value, weight, contribution FROM "
		    "analysis_suspect_terms WHERE run_id = ?1 AND rank = ?2 "
		    "ORDER BY term_no",
	[Q_LISTS] = "SELECT list_name FROM analysis_suspect_lists WHERE "
		    "run_id = ?1 AND rank = ?2 ORDER BY list_name",
	[Q_EVIDENCE] =
		"SELECT e.why, e.message_id, m.native_id, m.chat_id, "
		"ch.native_id, m.time_utc, it.key, it.list_name, "
		"it.category_scheme, it.category_code FROM "
		"analysis_suspect_evidence e JOIN messages m ON m.id = "
		"e.message_id JOIN chats ch ON ch.id = m.chat_id JOIN "
		"analysis_items it ON it.run_id = e.run_id AND it.item = "
		"e.item WHERE e.run_id = ?1 AND e.rank = ?2 ORDER BY e.seq",
};

struct suspect_q {
	nsw_sqlstmt *st[Q_COUNT];
	strpool pool;
	nsw_buf names, usernames, phones, scratch;
	nsw_suspect_term_row *terms;
	size_t terms_cap;
	const char **lists;
	size_t lists_cap;
	nsw_suspect_evidence_row *ev;
	size_t ev_cap;
};

static int bind2(nsw_sqlstmt *st, int64_t a, int64_t b)
{
	int rc = nsw_sqldb_bind_int64(st, 1, a);

	return rc ? rc : nsw_sqldb_bind_int64(st, 2, b);
}

static int join_name(nsw_buf *b, const char *v)
{
	int rc = NSW_OK;

	if (b->len > 0)
		rc = nsw_buf_puts(b, "; ");
	return rc ? rc : nsw_buf_puts(b, v);
}

static int suspect_names(struct suspect_q *q, int64_t account_id)
{
	nsw_sqlstmt *st = q->st[Q_NAMES];
	int rc = NSW_OK, r;

	nsw_buf_reset(&q->names);
	nsw_buf_reset(&q->usernames);
	nsw_buf_reset(&q->phones);
	if (account_id <= 0)
		return NSW_OK;
	rc = nsw_sqldb_bind_int64(st, 1, account_id);
	while (rc == NSW_OK && (r = nsw_sqldb_step(st)) > 0) {
		const char *kind = col_text(st, 0), *v = col_text(st, 1);

		if (strcmp(kind, "display") == 0)
			rc = join_name(&q->names, v);
		else if (strcmp(kind, "username") == 0)
			rc = join_name(&q->usernames, v);
		else if (strcmp(kind, "phone") == 0)
			rc = join_name(&q->phones, v);
		if (rc != NSW_OK)
			rc = nsw_error_set(rc, "account %lld: names too long",
					   (long long)account_id);
	}
	if (rc == NSW_OK && r < 0)
		rc = r;
	nsw_sqldb_reset(st);
	return rc;
}

static int suspect_details(struct suspect_q *q, nsw_suspect_row *s)
{
	nsw_sqlstmt *st;
	int rc, r = 0;

	st = q->st[Q_TERMS];
	rc = bind2(st, s->run_id, s->rank);
	s->n_terms = 0;
	while (rc == NSW_OK && (r = nsw_sqldb_step(st)) > 0) {
		nsw_suspect_term_row *t;

		rc = grow_rows((void **)&q->terms, &q->terms_cap, s->n_terms,
			       sizeof(*q->terms));
		if (rc != NSW_OK)
			break;
		t = &q->terms[s->n_terms++];
		t->name = pool_dup(&q->pool, col_text(st, 0), &rc);
		t->raw = nsw_sqldb_column_double(st, 1);
		t->value = nsw_sqldb_column_double(st, 2);
		t->weight = nsw_sqldb_column_double(st, 3);
		t->contribution = nsw_sqldb_column_double(st, 4);
	}
	rc = rc ? rc : (r < 0 ? r : NSW_OK);
	nsw_sqldb_reset(st);
	s->terms = q->terms;

	st = q->st[Q_LISTS];
	rc = rc ? rc : bind2(st, s->run_id, s->rank);
	s->n_lists = 0;
	while (rc == NSW_OK && (r = nsw_sqldb_step(st)) > 0) {
		rc = grow_rows((void **)&q->lists, &q->lists_cap, s->n_lists,
			       sizeof(*q->lists));
		if (rc == NSW_OK)
			q->lists[s->n_lists++] =
				pool_dup(&q->pool, col_text(st, 0), &rc);
	}
	rc = rc ? rc : (r < 0 ? r : NSW_OK);
	nsw_sqldb_reset(st);
	s->lists = q->lists;

	st = q->st[Q_EVIDENCE];
	rc = rc ? rc : bind2(st, s->run_id, s->rank);
	s->n_evidence = 0;
	while (rc == NSW_OK && (r = nsw_sqldb_step(st)) > 0) {
		nsw_suspect_evidence_row *e;

		rc = grow_rows((void **)&q->ev, &q->ev_cap, s->n_evidence,
			       sizeof(*q->ev));
		if (rc != NSW_OK)
			break;
		e = &q->ev[s->n_evidence++];
		e->why = pool_dup(&q->pool, col_text(st, 0), &rc);
		e->message_id = nsw_sqldb_column_int64(st, 1);
		e->message_native_id = pool_dup(&q->pool, col_text(st, 2), &rc);
		e->chat_id = nsw_sqldb_column_int64(st, 3);
		e->chat_native_id = pool_dup(&q->pool, col_text(st, 4), &rc);
		e->time_utc = pool_dup(&q->pool, col_text(st, 5), &rc);
		e->item_key = pool_dup(&q->pool, col_text(st, 6), &rc);
		e->list_name = pool_dup(&q->pool, col_text(st, 7), &rc);
		nsw_buf_reset(&q->scratch);
		if (nsw_sqldb_column_type(st, 8) != NSW_SQL_NULL ||
		    nsw_sqldb_column_type(st, 9) != NSW_SQL_NULL) {
			if (nsw_buf_printf(&q->scratch, "%s:%s",
					   col_text(st, 8),
					   col_text(st, 9)) != NSW_OK)
				rc = nsw_error_set(NSW_ELIMIT,
						   "category too long");
		}
		e->category = pool_dup(
			&q->pool, q->scratch.ptr ? q->scratch.ptr : "", &rc);
	}
	rc = rc ? rc : (r < 0 ? r : NSW_OK);
	nsw_sqldb_reset(st);
	s->evidence = q->ev;
	return rc;
}

static int country_match(const char *want, const char *have)
{
	if (want == NULL || want[0] == '\0')
		return 1;
	if (strlen(want) != strlen(have))
		return 0;
	for (size_t i = 0; want[i]; i++) {
		char a = want[i], b = have[i];

		if (a >= 'a' && a <= 'z')
			a = (char)(a - 32);
		if (b >= 'a' && b <= 'z')
			b = (char)(b - 32);
		if (a != b)
			return 0;
	}
	return 1;
}

int nsw_case_suspects_foreach(nsw_case *c, const nsw_suspect_filter *f,
			      int (*fn)(void *ctx, const nsw_suspect_row *row),
			      void *ctx)
{
	static const nsw_suspect_filter all = {0};
	nsw_analysis_run run;
	struct suspect_q q;
	nsw_sqlstmt *st = NULL;
	uint32_t given = 0;
	int rc, r = 0;

	if (c == NULL || fn == NULL)
		return nsw_error_set(NSW_EINVAL, "suspects: NULL argument");
	if (f == NULL)
		f = &all;
	memset(&q, 0, sizeof(q));
	nsw_buf_init(&q.names, NSW_ANALYZE_NAMES_MAX);
	nsw_buf_init(&q.usernames, NSW_ANALYZE_NAMES_MAX);
	nsw_buf_init(&q.phones, NSW_ANALYZE_NAMES_MAX);
	nsw_buf_init(&q.scratch, NSW_ANALYZE_NAMES_MAX);
	rc = nsw_case_analysis_get(c, f->run_id, &run);
	for (int i = 0; i < Q_COUNT && rc == NSW_OK; i++)
		rc = nsw_sqldb_prepare(c->db, &q.st[i], suspect_sql[i]);
	rc = rc ? rc
		: nsw_sqldb_prepare(
			  c->db, &st,
			  "SELECT s.rank, s.score, s.evidence_total, "
			  "aa.account_id, aa.anon_chat_id, aa.posts, "
			  "aa.known_posts, aa.known_items, aa.known_seeded, "
			  "aa.new_seeded_reshared, aa.chats_active, "
			  "aa.in_degree, aa.out_degree, aa.pagerank, "
			  "aa.betweenness, aa.community, p.name, "
			  "ac.native_id, (SELECT t.country FROM attributions t"
			  " WHERE t.account_id = aa.account_id ORDER BY "
			  "t.confidence DESC, t.country LIMIT 1) FROM "
			  "analysis_suspects s JOIN analysis_accounts aa ON "
			  "aa.run_id = s.run_id AND aa.account = s.account "
			  "LEFT JOIN accounts ac ON ac.id = aa.account_id "
			  "LEFT JOIN platforms p ON p.id = ac.platform_id "
			  "WHERE s.run_id = ?1 ORDER BY s.rank");
	rc = rc ? rc : nsw_sqldb_bind_int64(st, 1, run.id);
	while (rc == NSW_OK && (f->limit == 0 || given < f->limit) &&
	       (r = nsw_sqldb_step(st)) > 0) {
		nsw_suspect_row s;
		char anon[48];
		const char *country = col_text(st, 18);

		if (!country_match(f->country, country))
			continue;
		memset(&s, 0, sizeof(s));
		pool_clear(&q.pool);
		s.run_id = run.id;
		s.rank = (uint32_t)nsw_sqldb_column_int64(st, 0);
		s.score = nsw_sqldb_column_double(st, 1);
		s.n_evidence_total = nsw_sqldb_column_int64(st, 2);
		s.account_id = nsw_sqldb_column_int64(st, 3);
		s.posts = nsw_sqldb_column_int64(st, 5);
		s.known_posts = nsw_sqldb_column_int64(st, 6);
		s.known_items = nsw_sqldb_column_int64(st, 7);
		s.known_seeded = nsw_sqldb_column_int64(st, 8);
		s.new_seeded_reshared = nsw_sqldb_column_int64(st, 9);
		s.chats_active = nsw_sqldb_column_int64(st, 10);
		s.in_degree = nsw_sqldb_column_int64(st, 11);
		s.out_degree = nsw_sqldb_column_int64(st, 12);
		s.pagerank = nsw_sqldb_column_double(st, 13);
		s.betweenness = nsw_sqldb_column_double(st, 14);
		s.community = nsw_sqldb_column_int64(st, 15);
		s.platform = pool_dup(&q.pool, col_text(st, 16), &rc);
		snprintf(anon, sizeof(anon), "anon:%lld",
			 (long long)nsw_sqldb_column_int64(st, 4));
		s.native_id = pool_dup(
			&q.pool, s.account_id > 0 ? col_text(st, 17) : anon,
			&rc);
		s.country = pool_dup(&q.pool, country, &rc);
		rc = rc ? rc : suspect_names(&q, s.account_id);
		rc = rc ? rc : suspect_details(&q, &s);
		if (rc != NSW_OK)
			break;
		s.names = q.names.ptr ? q.names.ptr : "";
		s.usernames = q.usernames.ptr ? q.usernames.ptr : "";
		s.phones = q.phones.ptr ? q.phones.ptr : "";
		given++;
		rc = fn(ctx, &s);
	}
	if (rc == NSW_OK && r < 0)
		rc = r;
	nsw_sqldb_finalize(st);
	for (int i = 0; i < Q_COUNT; i++)
		nsw_sqldb_finalize(q.st[i]);
	pool_free(&q.pool);
	nsw_buf_dispose(&q.names);
	nsw_buf_dispose(&q.usernames);
	nsw_buf_dispose(&q.phones);
	nsw_buf_dispose(&q.scratch);
	nsw__free(q.terms);
	nsw__free(q.lists);
	nsw__free(q.ev);
	return rc;
}

/* ---- chats ----------------------------------------------------------- */

int nsw_case_chat_metrics_foreach(nsw_case *c, int64_t run_id,
				  int (*fn)(void *ctx,
					    const nsw_chat_metrics_row *row),
				  void *ctx)
{
	nsw_analysis_run run;
	nsw_sqlstmt *st = NULL, *bst = NULL;
	nsw_chat_bridge_row *br = NULL;
	size_t br_cap = 0;
	strpool pool = {0};
	int rc, r = 0, rb = 0;

	if (c == NULL || fn == NULL)
		return nsw_error_set(NSW_EINVAL, "chats: NULL argument");
	rc = nsw_case_analysis_get(c, run_id, &run);
	rc = rc ? rc
		: nsw_sqldb_prepare(
			  c->db, &st,
			  "SELECT ac.chat_id, p.name, ch.native_id, ch.title, "
			  "ch.kind, ac.messages, ac.senders, ac.posts, "
			  "ac.known_posts, ac.known_items, ac.known_share, "
			  "ac.active_accounts, ac.bridged_chats FROM "
			  "analysis_chats ac JOIN chats ch ON ch.id = "
			  "ac.chat_id LEFT JOIN platforms p ON p.id = "
			  "ch.platform_id WHERE ac.run_id = ?1 ORDER BY "
			  "ac.known_share DESC, ac.known_posts DESC, "
			  "ac.chat_id");
	rc = rc ? rc
		: nsw_sqldb_prepare(
			  c->db, &bst,
			  "SELECT b.other_chat_id, ch.native_id, ch.title, "
			  "b.shared_accounts FROM analysis_chat_bridges b JOIN"
			  " chats ch ON ch.id = b.other_chat_id WHERE "
			  "b.run_id = ?1 AND b.chat_id = ?2 ORDER BY b.rank");
	rc = rc ? rc : nsw_sqldb_bind_int64(st, 1, run.id);
	while (rc == NSW_OK && (r = nsw_sqldb_step(st)) > 0) {
		nsw_chat_metrics_row m;

		memset(&m, 0, sizeof(m));
		pool_clear(&pool);
		m.chat_id = nsw_sqldb_column_int64(st, 0);
		m.platform = pool_dup(&pool, col_text(st, 1), &rc);
		m.native_id = pool_dup(&pool, col_text(st, 2), &rc);
		m.title = pool_dup(&pool, col_text(st, 3), &rc);
		m.kind = pool_dup(&pool, col_text(st, 4), &rc);
		m.messages = nsw_sqldb_column_int64(st, 5);
		m.senders = nsw_sqldb_column_int64(st, 6);
		m.posts = nsw_sqldb_column_int64(st, 7);
		m.known_posts = nsw_sqldb_column_int64(st, 8);
		m.known_items = nsw_sqldb_column_int64(st, 9);
		m.known_share = nsw_sqldb_column_double(st, 10);
		m.active_accounts = nsw_sqldb_column_int64(st, 11);
		m.bridged_chats = nsw_sqldb_column_int64(st, 12);
		rc = rc ? rc : bind2(bst, run.id, m.chat_id);
		while (rc == NSW_OK && (rb = nsw_sqldb_step(bst)) > 0) {
			nsw_chat_bridge_row *b;

			rc = grow_rows((void **)&br, &br_cap, m.n_bridges,
				       sizeof(*br));
			if (rc != NSW_OK)
				break;
			b = &br[m.n_bridges++];
			b->chat_id = nsw_sqldb_column_int64(bst, 0);
			b->native_id = pool_dup(&pool, col_text(bst, 1), &rc);
			b->title = pool_dup(&pool, col_text(bst, 2), &rc);
			b->shared_accounts = nsw_sqldb_column_int64(bst, 3);
		}
		rc = rc ? rc : (rb < 0 ? rb : NSW_OK);
		nsw_sqldb_reset(bst);
		m.bridges = br;
		if (rc == NSW_OK)
			rc = fn(ctx, &m);
	}
	if (rc == NSW_OK && r < 0)
		rc = r;
	nsw_sqldb_finalize(st);
	nsw_sqldb_finalize(bst);
	pool_free(&pool);
	nsw__free(br);
	return rc;
}
