/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Referral packages: per country, the suspects attributed to it, their
 * activity, the items they shared (hashes and provenance, never media),
 * the spread of those items with other accounts pseudonymised, a timeline,
 * the chats, a graph excerpt, a VICS 2.0 case, a cover report (HTML and
 * PDF), handling codes on every record, and a signed manifest.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "alloc.h"
#include "buf.h"
#include "error.h"
#include "limits.h"
#include "netsweep/analyze.h"
#include "netsweep/attrib.h"
#include "netsweep/digest.h"
#include "netsweep/package.h"
#include "netsweep/refer.h"
#include "pdf.h"
#include "sqldb.h"
#include "store.h"
#include "store_output.h"
#include "store_refer.h"
#include "vec.h"

/* ---- A string arena: everything a package holds lives here ----------- */

static const char *keep(struct arena *a, const char *s)
{
	char *copy;

	if (s == NULL)
		s = "";
	if (a->count == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 256;
		char **p = nsw__reallocarray(a->strings, cap, sizeof(*p));

		if (p == NULL) {
			a->failed = 1;
			return "";
		}
		a->strings = p;
		a->cap = cap;
	}
	copy = nsw__strdup(s);
	if (copy == NULL) {
		a->failed = 1;
		return "";
	}
	a->strings[a->count++] = copy;
	return copy;
}

static void arena_free(struct arena *a)
{
	for (size_t i = 0; i < a->count; i++)
		nsw__free(a->strings[i]);
	nsw__free(a->strings);
	memset(a, 0, sizeof(*a));
}

/* ---- What one package holds ---------------------------------------- */

static void package_free(struct package *p)
{
	for (size_t i = 0; i < p->suspects.count; i++)
		nsw__free(
			NSW_VEC_AT(p->suspects, struct suspect, i)->terms.data);
	for (size_t i = 0; i < p->items.count; i++)
		nsw__free(
			NSW_VEC_AT(p->items, struct item, i)->appearances.data);
	nsw__free(p->suspects.data);
	nsw__free(p->items.data);
	nsw__free(p->others.data);
	arena_free(&p->arena);
}

/* Referred: posted known material, or seeded new material others
 * re-shared. Bystanders who only posted unrelated items are not. */
static int referable(const nsw_suspect_row *r)
{
	return r->known_posts > 0 || r->new_seeded_reshared > 0;
}

static struct suspect *find_suspect(struct package *p, int64_t account_id)
{
	for (size_t i = 0; i < p->suspects.count; i++) {
		struct suspect *s = NSW_VEC_AT(p->suspects, struct suspect, i);

		if (s->account_id == account_id)
			return s;
	}
	return NULL;
}

/* "other-N": a stable pseudonym for an account this package does not
 * refer (data minimisation: the receiver learns a copy went elsewhere,
 * not who holds it). */
static const char *pseudonym(struct package *p, int64_t account_id,
			     char buf[32])
{
	size_t i;

	for (i = 0; i < p->others.count; i++)
		if (*NSW_VEC_AT(p->others, int64_t, i) == account_id)
			break;
	if (i == p->others.count) {
		int64_t *slot = nsw_vec_push(&p->others);

		if (slot == NULL)
			return "other";
		*slot = account_id;
	}
	snprintf(buf, 32, "other-%zu", i + 1);
	return buf;
}

/* The identifier the package shows for an account. */
static const char *shown(struct package *p, int64_t account_id,
			 const char *native, char buf[32])
{
	struct suspect *s;

	if (account_id <= 0)
		return "";
	s = find_suspect(p, account_id);
	if (s != NULL) {
		snprintf(buf, 32, "%.31s", native ? native : "");
		return s->native_id;
	}
	return pseudonym(p, account_id, buf);
}

/* ---- Gathering ------------------------------------------------------- */

struct gather {
	struct package *p;
	int rc;
};

static int take_suspect(void *ctx, const nsw_suspect_row *r)
{
	struct gather *g = ctx;
	struct package *p = g->p;
	struct suspect *s;

	if (!referable(r))
		return 0;
	s = nsw_vec_push(&p->suspects);
	if (s == NULL)
		return g->rc = nsw_error_set(NSW_ENOMEM, "out of memory");
	s->rank = r->rank;
	s->account_id = r->account_id;
	s->platform = keep(&p->arena, r->platform);
	s->native_id = keep(&p->arena, r->native_id);
	s->names = keep(&p->arena, r->names);
	s->usernames = keep(&p->arena, r->usernames);
	s->phones = keep(&p->arena, r->phones);
	s->country = keep(&p->arena, r->country);
	s->score = r->score;
	s->known_posts = r->known_posts;
	s->known_items = r->known_items;
	s->known_seeded = r->known_seeded;
	s->new_seeded_reshared = r->new_seeded_reshared;
	s->chats_active = r->chats_active;
	nsw_vec_init(&s->terms, sizeof(struct term), NSW_VEC_RECORDS_MAX);
	for (size_t i = 0; i < r->n_terms; i++) {
		struct term *t = nsw_vec_push(&s->terms);

		if (t == NULL)
			return g->rc = nsw_error_set(NSW_ENOMEM,
						     "out of memory");
		t->name = keep(&p->arena, r->terms[i].name);
		t->raw = r->terms[i].raw;
		t->weight = r->terms[i].weight;
		t->contribution = r->terms[i].contribution;
	}
	/* The items that put the suspect here. */
	for (size_t i = 0; i < r->n_evidence; i++) {
		const nsw_suspect_evidence_row *e = &r->evidence[i];
		struct item *it = NULL;

		for (size_t k = 0; k < p->items.count; k++)
			if (strcmp(NSW_VEC_AT(p->items, struct item, k)->key,
				   e->item_key) == 0)
				it = NSW_VEC_AT(p->items, struct item, k);
		if (it != NULL)
			continue;
		it = nsw_vec_push(&p->items);
		if (it == NULL)
			return g->rc = nsw_error_set(NSW_ENOMEM,
						     "out of memory");
		it->key = keep(&p->arena, e->item_key);
		it->list = keep(&p->arena, e->list_name);
		it->category = keep(&p->arena, e->category);
		it->known = e->list_name && e->list_name[0];
		nsw_vec_init(&it->appearances, sizeof(struct appearance),
			     NSW_VEC_RECORDS_MAX);
	}
	return p->arena.failed
		       ? (g->rc = nsw_error_set(NSW_ENOMEM, "out of memory"))
		       : 0;
}

struct spread_ctx {
	struct package *p;
	struct item *item;
	int rc;
};

static int take_spread(void *ctx, const nsw_item_spread *s)
{
	struct spread_ctx *sc = ctx;
	struct package *p = sc->p;

	/* A PDQ key may reach several items; the exact one is ours. */
	if (strcmp(s->key, sc->item->key) != 0 || sc->item->appearances.count)
		return 0;
	for (size_t i = 0; i < s->n_appearances; i++) {
		const nsw_item_appearance_row *a = &s->appearances[i];
		struct appearance *out = nsw_vec_push(&sc->item->appearances);

		if (out == NULL)
			return sc->rc = nsw_error_set(NSW_ENOMEM,
						      "out of memory");
		out->time_order = a->seq;
		out->time_utc = keep(&p->arena, a->time_utc);
		out->chat = keep(&p->arena, a->chat_native_id);
		out->chat_title = keep(&p->arena, a->chat_title);
		out->message = keep(&p->arena, a->message_native_id);
		out->kind = keep(&p->arena, a->kind);
		out->copy = keep(&p->arena, a->copy);
		out->account_id = a->account_id;
		out->account_native = keep(&p->arena, a->account_native_id);
		out->forwarded_from_id = a->forwarded_from_account_id;
		out->forwarded_native =
			keep(&p->arena, a->forwarded_from_native_id);
	}
	return 0;
}

static int gather(nsw_case *c, struct package *p)
{
	nsw_suspect_filter f;
	struct gather g = {p, 0};
	int rc;

	memset(&f, 0, sizeof(f));
	f.country = p->country;
	nsw_vec_init(&p->suspects, sizeof(struct suspect), NSW_VEC_RECORDS_MAX);
	nsw_vec_init(&p->items, sizeof(struct item), NSW_VEC_RECORDS_MAX);
	nsw_vec_init(&p->others, sizeof(int64_t), NSW_VEC_RECORDS_MAX);
	rc = nsw_case_suspects_foreach(c, &f, take_suspect, &g);
	if (rc < 0 || g.rc < 0)
		return rc < 0 ? rc : g.rc;
	for (size_t i = 0; i < p->items.count; i++) {
		struct spread_ctx sc = {p, NSW_VEC_AT(p->items, struct item, i),
					0};

		rc = nsw_case_item_spread(c, 0, sc.item->key, take_spread, &sc);
		if (rc == NSW_ENOTFOUND)
			rc = 0;
		if (rc < 0 || sc.rc < 0)
			return rc < 0 ? rc : sc.rc;
	}
	return p->arena.failed ? nsw_error_set(NSW_ENOMEM, "out of memory") : 0;
}

/* ---- Writing --------------------------------------------------------- */

/* A CSV field: quoted when needed; a leading = + - @ is neutralised so a
 * spreadsheet never runs it as a formula. */
void nsw_refer__csv(nsw_out *o, const char *s, int last)
{
	int quote = strpbrk(s, ",\"\n\r") != NULL;

	if (quote)
		nsw_out__puts(o, "\"");
	if (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@')
		nsw_out__puts(o, "'");
	for (; *s; s++) {
		char ch[2] = {*s, 0};

		nsw_out__puts(o, *s == '"' ? "\"\"" : ch);
	}
	if (quote)
		nsw_out__puts(o, "\"");
	nsw_out__puts(o, last ? "\n" : ",");
}

int nsw_refer__open_in(nsw_out *o, const struct package *p, const char *name)
{
	char path[NSW_PATH_MAX];

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", p->dir, name) >=
	    sizeof(path))
		return nsw_error_set(NSW_ELIMIT, "%s: path too long", p->dir);
	/* nsw_out keeps the path pointer: give it one that lives on. */
	return nsw_out__open(o, keep((struct arena *)&p->arena, path));
}

static void handling_json(nsw_out *o, const struct package *p)
{
	nsw_out__printf(o,
			"\"handling\":\"%s\",\"source_reliability\":\"%s\","
			"\"information_accuracy\":\"%s\"",
			p->opt->handling, p->opt->reliability,
			p->opt->accuracy);
}

static void handling_csv(nsw_out *o, const struct package *p)
{
	nsw_refer__csv(o, p->opt->handling, 0);
	nsw_refer__csv(o, p->opt->reliability, 0);
	nsw_refer__csv(o, p->opt->accuracy, 1);
}

static int write_handling(nsw_case *c, const struct package *p, const char *now)
{
	const nsw_case_meta *m = nsw_case_get_meta(c);
	nsw_out o;
	int rc = nsw_refer__open_in(&o, p, "handling.json");

	if (rc < 0)
		return rc;
	nsw_out__puts(&o, "{\"country\":");
	nsw_out__json(&o, p->country);
	nsw_out__puts(&o, ",\"sending_agency\":");
	nsw_out__json(&o, p->opt->agency);
	nsw_out__puts(&o, ",\"case_reference\":");
	nsw_out__json(&o, p->opt->case_ref);
	nsw_out__puts(&o, ",\"case_uuid\":");
	nsw_out__json(&o, m ? m->uuid : "");
	nsw_out__puts(&o, ",\"date_utc\":");
	nsw_out__json(&o, now);
	nsw_out__puts(&o, ",");
	handling_json(&o, p);
	nsw_out__printf(
		&o,
		",\"contents\":\"hashes and metadata only; no media; accounts "
		"not referred to this country appear as other-N\","
		"\"suspects\":%zu,\"items\":%zu,\"generator\":\"netsweep "
		"%s\"}\n",
		p->suspects.count, p->items.count, NSW_VERSION);
	return nsw_out__close(&o, 0, NULL);
}

struct bases_ctx {
	nsw_out *o;
	int64_t account_id;
};

static int write_bases(void *ctx, const nsw_attrib_account *a)
{
	struct bases_ctx *b = ctx;

	if (a->account_id != b->account_id)
		return 0;
	for (size_t i = 0; i < a->basis_count; i++) {
		nsw_out__puts(b->o, i ? "," : "");
		nsw_out__puts(b->o, "{\"country\":");
		nsw_out__json(b->o, a->bases[i].country);
		nsw_out__puts(b->o, ",\"basis\":");
		nsw_out__json(b->o, a->bases[i].basis);
		nsw_out__printf(b->o, ",\"confidence\":%.2f,\"source\":",
				a->bases[i].confidence);
		nsw_out__json(b->o, a->bases[i].source);
		nsw_out__puts(b->o, "}");
	}
	return 0;
}

static int write_suspects(nsw_case *c, const struct package *p)
{
	nsw_out o;
	int rc = nsw_refer__open_in(&o, p, "suspects.jsonl");

	if (rc < 0)
		return rc;
	for (size_t i = 0; i < p->suspects.count && rc == 0; i++) {
		const struct suspect *s =
			NSW_VEC_AT(p->suspects, struct suspect, i);
		struct bases_ctx b = {&o, s->account_id};

		nsw_out__printf(&o, "{\"rank\":%u,\"platform\":", s->rank);
		nsw_out__json(&o, s->platform);
		nsw_out__puts(&o, ",\"account\":");
		nsw_out__json(&o, s->native_id);
		nsw_out__puts(&o, ",\"names\":");
		nsw_out__json(&o, s->names);
		nsw_out__puts(&o, ",\"usernames\":");
		nsw_out__json(&o, s->usernames);
		nsw_out__puts(&o, ",\"phones\":");
		nsw_out__json(&o, s->phones);
		nsw_out__puts(&o, ",\"country\":");
		nsw_out__json(&o, s->country);
		nsw_out__puts(&o, ",\"attribution\":[");
		rc = nsw_attrib_foreach(c, write_bases, &b);
		nsw_out__printf(&o,
				"],\"score\":%.3f,\"known_posts\":%lld,"
				"\"known_items\":%lld,\"known_seeded\":%lld,"
				"\"new_items_seeded_and_reshared\":%lld,"
				"\"chats_active\":%lld,\"score_terms\":[",
				s->score, (long long)s->known_posts,
				(long long)s->known_items,
				(long long)s->known_seeded,
				(long long)s->new_seeded_reshared,
				(long long)s->chats_active);
		for (size_t k = 0; k < s->terms.count; k++) {
			const struct term *t =
				NSW_VEC_AT(s->terms, struct term, k);

			nsw_out__puts(&o, k ? ",{\"term\":" : "{\"term\":");
			nsw_out__json(&o, t->name);
			nsw_out__printf(&o,
					",\"raw\":%.6g,\"weight\":%.3g,"
					"\"contribution\":%.3f}",
					t->raw, t->weight, t->contribution);
		}
		nsw_out__puts(&o, "],");
		handling_json(&o, p);
		nsw_out__puts(&o, "}\n");
	}
	return nsw_out__close(&o, rc, NULL);
}

/* Is appearance k the first of its copy (one row per distinct copy)? */
int nsw_refer__first_copy(const struct item *it, size_t k)
{
	const char *copy =
		NSW_VEC_AT(it->appearances, struct appearance, k)->copy;

	for (size_t m = 0; m < k; m++)
		if (strcmp(NSW_VEC_AT(it->appearances, struct appearance, m)
				   ->copy,
			   copy) == 0)
			return 0;
	return 1;
}

/* Hashes of one copy from the media it came from. */
void nsw_refer__copy_hashes(nsw_case *c, const char *copy_hex,
			    struct copy_hashes *out)
{
	uint8_t sha256[32];
	nsw_sqlstmt *q = NULL;
	size_t n;
	const void *b;

	out->md5[0] = out->sha1[0] = out->pdq[0] = '\0';
	out->quality = out->size = out->rows_present = out->rows = -1;
	if (strlen(copy_hex) != 64 ||
	    nsw_hex_decode(sha256, sizeof(sha256), copy_hex, 64) < 0)
		return;
	/* A copy with a PDQ first; the file row says if it came from a cut
	 * image (--partial-images). */
	if (nsw_sqldb_prepare(c->db, &q,
			      "SELECT m.md5, m.sha1, m.pdq, m.pdq_quality, "
			      "m.size, f.pdq_rows_present, f.pdq_rows FROM "
			      "media m LEFT JOIN files f ON f.id = m.file_id "
			      "WHERE m.sha256 = ?1 ORDER BY m.pdq IS NULL, "
			      "m.id LIMIT 1") < 0)
		return;
	if (nsw_sqldb_bind_blob(q, 1, sha256, sizeof(sha256)) == 0 &&
	    nsw_sqldb_step(q) == 1) {
		b = nsw_sqldb_column_blob(q, 0, &n);
		if (b && n == 16)
			nsw_hex_encode(out->md5, b, 16);
		b = nsw_sqldb_column_blob(q, 1, &n);
		if (b && n == 20)
			nsw_hex_encode(out->sha1, b, 20);
		b = nsw_sqldb_column_blob(q, 2, &n);
		if (b && n == 32)
			nsw_hex_encode(out->pdq, b, 32);
		if (nsw_sqldb_column_type(q, 3) != 5 /* NULL */)
			out->quality = nsw_sqldb_column_int64(q, 3);
		out->size = nsw_sqldb_column_int64(q, 4);
		if (out->pdq[0] && nsw_sqldb_column_type(q, 5) != 5 &&
		    nsw_sqldb_column_type(q, 6) != 5) {
			out->rows_present = nsw_sqldb_column_int64(q, 5);
			out->rows = nsw_sqldb_column_int64(q, 6);
		}
	}
	nsw_sqldb_finalize(q);
	nsw_error_clear();
}

/* A count as a CSV field; empty when negative (unknown, not applicable). */
static void num_csv(nsw_out *o, int64_t v)
{
	char num[32];

	snprintf(num, sizeof(num), "%lld", (long long)v);
	nsw_refer__csv(o, v < 0 ? "" : num, 0);
}

static int write_items(nsw_case *c, struct package *p)
{
	nsw_out o;
	int rc = nsw_refer__open_in(&o, p, "items.csv");

	if (rc < 0)
		return rc;
	nsw_out__puts(&o, "item,known,list,category,copy_sha256,md5,sha1,"
			  "pdq,pdq_quality,pdq_rows_present,pdq_rows,size,"
			  "handling,source_reliability,information_accuracy\n");
	for (size_t i = 0; i < p->items.count; i++) {
		struct item *it = NSW_VEC_AT(p->items, struct item, i);

		for (size_t k = 0; k < it->appearances.count; k++) {
			struct appearance *a = NSW_VEC_AT(it->appearances,
							  struct appearance, k);
			struct copy_hashes h;

			if (!nsw_refer__first_copy(it, k))
				continue;
			nsw_refer__copy_hashes(c, a->copy, &h);
			nsw_refer__csv(&o, it->key, 0);
			nsw_refer__csv(&o, it->known ? "yes" : "no", 0);
			nsw_refer__csv(&o, it->list, 0);
			nsw_refer__csv(&o, it->category, 0);
			nsw_refer__csv(&o, a->copy, 0);
			nsw_refer__csv(&o, h.md5, 0);
			nsw_refer__csv(&o, h.sha1, 0);
			nsw_refer__csv(&o, h.pdq, 0);
			/* Empty: unknown quality; a PDQ from a whole image. */
			num_csv(&o, h.quality);
			num_csv(&o, h.rows_present);
			num_csv(&o, h.rows);
			num_csv(&o, h.size);
			handling_csv(&o, p);
		}
	}
	return nsw_out__close(&o, 0, NULL);
}

/* One appearance row, suspects named, others pseudonymised. */
static void appearance_csv(nsw_out *o, struct package *p, const struct item *it,
			   const struct appearance *a)
{
	char b1[32], b2[32];

	nsw_refer__csv(o, a->time_utc, 0);
	nsw_refer__csv(o, a->chat, 0);
	nsw_refer__csv(o, a->chat_title, 0);
	nsw_refer__csv(o, a->message, 0);
	nsw_refer__csv(o, shown(p, a->account_id, a->account_native, b1), 0);
	nsw_refer__csv(o, a->kind, 0);
	nsw_refer__csv(
		o, shown(p, a->forwarded_from_id, a->forwarded_native, b2), 0);
	nsw_refer__csv(o, it->key, 0);
	nsw_refer__csv(o, it->list, 0);
	nsw_refer__csv(o, it->category, 0);
	handling_csv(o, p);
}

static const char appearance_header[] =
	"time_utc,chat,chat_title,message,account,kind,forwarded_from,item,"
	"list,category,handling,source_reliability,information_accuracy\n";

static int write_activity(struct package *p)
{
	nsw_out o;
	int rc = nsw_refer__open_in(&o, p, "activity.csv");

	if (rc < 0)
		return rc;
	nsw_out__puts(&o, appearance_header);
	for (size_t i = 0; i < p->items.count; i++) {
		struct item *it = NSW_VEC_AT(p->items, struct item, i);

		for (size_t k = 0; k < it->appearances.count; k++) {
			struct appearance *a = NSW_VEC_AT(it->appearances,
							  struct appearance, k);

			if (find_suspect(p, a->account_id) == NULL)
				continue;
			appearance_csv(&o, p, it, a);
			p->messages++;
		}
	}
	return nsw_out__close(&o, 0, NULL);
}

struct timeline_row {
	const struct item *item;
	const struct appearance *a;
};

static int by_time(const void *x, const void *y)
{
	const struct timeline_row *a = x, *b = y;
	int c = strcmp(a->a->time_utc, b->a->time_utc);

	if (c != 0)
		return c;
	c = strcmp(a->item->key, b->item->key);
	return c ? c
		 : (a->a->time_order > b->a->time_order) -
			       (a->a->time_order < b->a->time_order);
}

static int write_timeline_and_spread(struct package *p)
{
	nsw_vec rows;
	nsw_out o;
	int rc = nsw_refer__open_in(&o, p, "spread.jsonl");

	if (rc < 0)
		return rc;
	nsw_vec_init(&rows, sizeof(struct timeline_row), NSW_VEC_RECORDS_MAX);
	for (size_t i = 0; i < p->items.count; i++) {
		struct item *it = NSW_VEC_AT(p->items, struct item, i);

		nsw_out__puts(&o, "{\"item\":");
		nsw_out__json(&o, it->key);
		nsw_out__printf(&o, ",\"known\":%s,\"list\":",
				it->known ? "true" : "false");
		nsw_out__json(&o, it->list);
		nsw_out__puts(&o, ",\"category\":");
		nsw_out__json(&o, it->category);
		nsw_out__puts(&o, ",\"appearances\":[");
		for (size_t k = 0; k < it->appearances.count; k++) {
			struct appearance *a = NSW_VEC_AT(it->appearances,
							  struct appearance, k);
			struct timeline_row *r = nsw_vec_push(&rows);
			char b1[32];

			if (r == NULL) {
				rc = nsw_error_set(NSW_ENOMEM, "out of memory");
				break;
			}
			r->item = it;
			r->a = a;
			nsw_out__printf(&o, "%s{\"seq\":%lld,\"time_utc\":",
					k ? "," : "", (long long)a->time_order);
			nsw_out__json(&o, a->time_utc);
			nsw_out__puts(&o, ",\"chat\":");
			nsw_out__json(&o, a->chat);
			nsw_out__puts(&o, ",\"account\":");
			nsw_out__json(&o, shown(p, a->account_id,
						a->account_native, b1));
			nsw_out__puts(&o, ",\"kind\":");
			nsw_out__json(&o, a->kind);
			nsw_out__puts(&o, "}");
		}
		nsw_out__puts(&o, "],");
		handling_json(&o, p);
		nsw_out__puts(&o, "}\n");
	}
	rc = nsw_out__close(&o, rc, NULL);
	if (rc == 0)
		rc = nsw_refer__open_in(&o, p, "timeline.csv");
	if (rc == 0) {
		qsort(rows.data, rows.count, rows.size, by_time);
		nsw_out__puts(&o, appearance_header);
		for (size_t i = 0; i < rows.count; i++) {
			struct timeline_row *r =
				NSW_VEC_AT(rows, struct timeline_row, i);

			appearance_csv(&o, p, r->item, r->a);
		}
		rc = nsw_out__close(&o, 0, NULL);
	}
	nsw__free(rows.data);
	return rc;
}

struct chat_ctx {
	struct package *p;
	nsw_out *o;
};

static int chat_involved(struct package *p, const char *chat)
{
	for (size_t i = 0; i < p->items.count; i++) {
		struct item *it = NSW_VEC_AT(p->items, struct item, i);

		for (size_t k = 0; k < it->appearances.count; k++) {
			struct appearance *a = NSW_VEC_AT(it->appearances,
							  struct appearance, k);

			if (find_suspect(p, a->account_id) &&
			    strcmp(a->chat, chat) == 0)
				return 1;
		}
	}
	return 0;
}

static int write_chat(void *ctx, const nsw_chat_metrics_row *r)
{
	struct chat_ctx *cc = ctx;
	char num[64];

	if (!chat_involved(cc->p, r->native_id))
		return 0;
	cc->p->chats++;
	nsw_refer__csv(cc->o, r->platform, 0);
	nsw_refer__csv(cc->o, r->native_id, 0);
	nsw_refer__csv(cc->o, r->title, 0);
	nsw_refer__csv(cc->o, r->kind, 0);
	snprintf(num, sizeof(num), "%lld", (long long)r->messages);
	nsw_refer__csv(cc->o, num, 0);
	snprintf(num, sizeof(num), "%lld", (long long)r->known_posts);
	nsw_refer__csv(cc->o, num, 0);
	snprintf(num, sizeof(num), "%.3f", r->known_share);
	nsw_refer__csv(cc->o, num, 0);
	snprintf(num, sizeof(num), "%lld", (long long)r->active_accounts);
	nsw_refer__csv(cc->o, num, 0);
	handling_csv(cc->o, cc->p);
	return 0;
}

static int write_chats(nsw_case *c, struct package *p)
{
	nsw_out o;
	struct chat_ctx cc = {p, &o};
	int rc = nsw_refer__open_in(&o, p, "chats.csv");

	if (rc < 0)
		return rc;
	nsw_out__puts(&o, "platform,chat,title,kind,messages,known_posts,"
			  "known_share,active_accounts,handling,"
			  "source_reliability,information_accuracy\n");
	rc = nsw_case_chat_metrics_foreach(c, 0, write_chat, &cc);
	return nsw_out__close(&o, rc, NULL);
}

/* Has an earlier appearance (before k) the same chat among suspects? */
static int chat_seen_before(struct package *p, size_t item, size_t k,
			    const char *chat)
{
	for (size_t i = 0; i <= item; i++) {
		struct item *it = NSW_VEC_AT(p->items, struct item, i);
		size_t end = i == item ? k : it->appearances.count;

		for (size_t m = 0; m < end; m++) {
			struct appearance *b = NSW_VEC_AT(it->appearances,
							  struct appearance, m);

			if (find_suspect(p, b->account_id) &&
			    strcmp(b->chat, chat) == 0)
				return 1;
		}
	}
	return 0;
}

static void graph_node(nsw_out *o, const char *prefix, const char *id,
		       const char *type, const char *label)
{
	nsw_out__printf(o, "<node id=\"%s", prefix);
	nsw_out__html(o, id);
	nsw_out__printf(o, "\"><data key=\"type\">%s</data>", type);
	if (label && label[0]) {
		nsw_out__puts(o, "<data key=\"label\">");
		nsw_out__html(o, label);
		nsw_out__puts(o, "</data>");
	}
	nsw_out__puts(o, "</node>\n");
}

static void graph_edge(nsw_out *o, size_t *n, const char *from,
		       const char *to_prefix, const char *to,
		       const char *relation)
{
	nsw_out__printf(o, "<edge id=\"e%zu\" source=\"a:", (*n)++);
	nsw_out__html(o, from);
	nsw_out__printf(o, "\" target=\"%s", to_prefix);
	nsw_out__html(o, to);
	nsw_out__printf(o, "\"><data key=\"relation\">%s</data></edge>\n",
			relation);
}

/* GraphML excerpt: the referred suspects, the items they shared and the
 * chats they shared them in. Edges: account -> item (post/forward, one
 * per appearance), account -> chat (active-in, once). */
static int write_graph(struct package *p)
{
	nsw_out o;
	int rc = nsw_refer__open_in(&o, p, "graph.graphml");
	size_t edges = 0;

	if (rc < 0)
		return rc;
	nsw_out__puts(
		&o,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n"
		"<key id=\"type\" for=\"node\" attr.name=\"type\" "
		"attr.type=\"string\"/>\n<key id=\"label\" for=\"node\" "
		"attr.name=\"label\" attr.type=\"string\"/>\n<key "
		"id=\"relation\" for=\"edge\" attr.name=\"relation\" "
		"attr.type=\"string\"/>\n"
		"<graph id=\"referral\" edgedefault=\"directed\">\n");
	for (size_t i = 0; i < p->suspects.count; i++) {
		const struct suspect *s =
			NSW_VEC_AT(p->suspects, struct suspect, i);

		graph_node(&o, "a:", s->native_id, "account", s->names);
	}
	for (size_t i = 0; i < p->items.count; i++) {
		struct item *it = NSW_VEC_AT(p->items, struct item, i);

		graph_node(&o, "i:", it->key,
			   it->known ? "known-item" : "new-item", it->list);
		for (size_t k = 0; k < it->appearances.count; k++) {
			struct appearance *a = NSW_VEC_AT(it->appearances,
							  struct appearance, k);

			if (find_suspect(p, a->account_id) &&
			    !chat_seen_before(p, i, k, a->chat))
				graph_node(&o, "c:", a->chat, "chat",
					   a->chat_title);
		}
	}
	for (size_t i = 0; i < p->items.count; i++) {
		struct item *it = NSW_VEC_AT(p->items, struct item, i);

		for (size_t k = 0; k < it->appearances.count; k++) {
			struct appearance *a = NSW_VEC_AT(it->appearances,
							  struct appearance, k);
			struct suspect *s = find_suspect(p, a->account_id);
			int again = 0;

			if (s == NULL)
				continue;
			graph_edge(&o, &edges, s->native_id, "i:", it->key,
				   a->kind);
			for (size_t j = 0; j <= i && !again; j++) {
				struct item *jt =
					NSW_VEC_AT(p->items, struct item, j);
				size_t end = j == i ? k : jt->appearances.count;

				for (size_t m = 0; m < end && !again; m++) {
					struct appearance *b = NSW_VEC_AT(
						jt->appearances,
						struct appearance, m);

					again = b->account_id ==
							a->account_id &&
						strcmp(b->chat, a->chat) == 0;
				}
			}
			if (!again)
				graph_edge(&o, &edges, s->native_id,
					   "c:", a->chat, "active-in");
		}
	}
	nsw_out__puts(&o, "</graph>\n</graphml>\n");
	return nsw_out__close(&o, 0, NULL);
}

/* ---- Driver ---------------------------------------------------------- */

static int make_dir(const char *path)
{
	if (mkdir(path, 0755) != 0 && errno != EEXIST)
		return nsw_error_set(NSW_EIO, "%s: %s", path, strerror(errno));
	return 0;
}

struct countries {
	char (*cc)[3];
	size_t count, cap;
	int rc;
};

static int collect_country(void *ctx, const nsw_suspect_row *r)
{
	struct countries *cs = ctx;

	if (!referable(r) || r->country == NULL || strlen(r->country) != 2)
		return 0;
	for (size_t i = 0; i < cs->count; i++)
		if (strcmp(cs->cc[i], r->country) == 0)
			return 0;
	if (cs->count == cs->cap) {
		size_t cap = cs->cap ? cs->cap * 2 : 32;
		char(*p)[3] = nsw__reallocarray(cs->cc, cap, 3);

		if (p == NULL)
			return cs->rc = nsw_error_set(NSW_ENOMEM,
						      "out of memory");
		cs->cc = p;
		cs->cap = cap;
	}
	memcpy(cs->cc[cs->count++], r->country, 3);
	return 0;
}

static int cmp_cc(const void *a, const void *b)
{
	return strcmp(a, b);
}

static int valid_option(const char *v, const char *const *allowed)
{
	for (; *allowed; allowed++)
		if (strcmp(v, *allowed) == 0)
			return 1;
	return 0;
}

static int write_package(nsw_case *c, const nsw_refer_options *opt,
			 const char *cc, const char *now, nsw_refer_fn fn,
			 void *ctx)
{
	struct package p;
	nsw_package_report report;
	char dir[NSW_PATH_MAX];
	nsw_refer_package summary;
	int rc;

	memset(&p, 0, sizeof(p));
	memcpy(p.country, cc, 3);
	p.opt = opt;
	if ((size_t)snprintf(dir, sizeof(dir), "%s/%s", opt->out_dir, cc) >=
	    sizeof(dir))
		return nsw_error_set(NSW_ELIMIT, "%s: path too long",
				     opt->out_dir);
	p.dir = dir;
	rc = make_dir(dir);
	if (rc == 0)
		rc = gather(c, &p);
	if (rc == 0 && p.suspects.count == 0) {
		package_free(&p);
		return 0; /* nothing referable for this country */
	}
	if (rc == 0)
		rc = write_handling(c, &p, now);
	if (rc == 0)
		rc = write_suspects(c, &p);
	if (rc == 0)
		rc = write_items(c, &p);
	if (rc == 0)
		rc = write_activity(&p);
	if (rc == 0)
		rc = write_timeline_and_spread(&p);
	if (rc == 0)
		rc = write_chats(c, &p);
	if (rc == 0)
		rc = write_graph(&p);
	if (rc == 0)
		rc = nsw_refer__write_vics(c, &p);
	if (rc == 0)
		rc = nsw_refer__write_cover(c, &p, now);
	if (rc == 0)
		rc = nsw_package_seal(dir, opt->sign_key);
	if (rc == 0)
		rc = nsw_package_verify(&report, dir, NULL, NULL, NULL);
	if (rc == 0) {
		char detail[256];

		snprintf(detail, sizeof(detail),
			 "{\"country\":\"%s\",\"suspects\":%zu,\"items\":%zu,"
			 "\"files\":%llu,\"signed\":%s,\"handling\":\"%s\"}",
			 cc, p.suspects.count, p.items.count,
			 (unsigned long long)report.listed,
			 opt->sign_key ? "true" : "false", opt->handling);
		rc = nsw_case_audit_append(c, "refer.package", detail);
	}
	if (rc == 0 && fn) {
		memcpy(summary.country, cc, 3);
		summary.suspects = p.suspects.count;
		summary.items = p.items.count;
		summary.messages = p.messages;
		summary.chats = p.chats;
		summary.files = report.listed + 1 + (opt->sign_key ? 1 : 0);
		rc = fn(ctx, &summary);
	}
	package_free(&p);
	return rc;
}

int nsw_refer_write(nsw_case *c, const nsw_refer_options *in, nsw_refer_fn fn,
		    void *ctx)
{
	static const char *const handling[] = {"H0", "H1", "H2", "H3", NULL};
	static const char *const reliability[] = {"A", "B", "C", "X", NULL};
	static const char *const accuracy[] = {"1", "2", "3", "4", NULL};
	const nsw_case_meta *m = nsw_case_get_meta(c);
	nsw_refer_options opt = *in;
	struct countries cs;
	nsw_suspect_filter all;
	char now[32];
	int rc;

	memset(&cs, 0, sizeof(cs));
	memset(&all, 0, sizeof(all));
	if (opt.out_dir == NULL)
		return nsw_error_set(NSW_EINVAL, "refer: no output folder");
	opt.agency = opt.agency ? opt.agency : "";
	opt.case_ref = opt.case_ref ? opt.case_ref : (m ? m->name : "");
	opt.handling = opt.handling ? opt.handling : "H2";
	opt.reliability = opt.reliability ? opt.reliability : "X";
	opt.accuracy = opt.accuracy ? opt.accuracy : "4";
	if (!valid_option(opt.handling, handling) ||
	    !valid_option(opt.reliability, reliability) ||
	    !valid_option(opt.accuracy, accuracy))
		return nsw_error_set(NSW_EINVAL,
				     "refer: handling H0-H3, reliability "
				     "A/B/C/X, accuracy 1-4");
	nsw_store__now_utc(now);
	rc = make_dir(opt.out_dir);
	if (rc < 0)
		return rc;
	if (opt.countries == NULL || opt.country_count == 0) {
		rc = nsw_case_suspects_foreach(c, &all, collect_country, &cs);
		if (rc == 0)
			rc = cs.rc;
		if (rc == 0)
			qsort(cs.cc, cs.count, 3, cmp_cc);
		for (size_t i = 0; rc == 0 && i < cs.count; i++)
			rc = write_package(c, &opt, cs.cc[i], now, fn, ctx);
	} else {
		for (size_t i = 0; rc == 0 && i < opt.country_count; i++) {
			char cc[3];
			const char *w = opt.countries[i];

			if (strlen(w) != 2) {
				rc = nsw_error_set(NSW_EINVAL,
						   "'%s' is not a country code",
						   w);
				break;
			}
			cc[0] = (char)(w[0] & ~0x20);
			cc[1] = (char)(w[1] & ~0x20);
			cc[2] = '\0';
			rc = write_package(c, &opt, cc, now, fn, ctx);
		}
	}
	nsw__free(cs.cc);
	return rc;
}
