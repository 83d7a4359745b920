/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Routes over `netsweep analyze` results and the chat tables: ranked
 * suspects with the terms of their score and the evidence behind it, one
 * suspect, chat metrics and messages, an item's spread, and the graph of
 * N nodes around a suspect or a chat (suspects and the chats their stored
 * evidence lies in). Every view is audited with the user as actor.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "srv_app.h"

#define SRV_JSON_MAX (16u << 20)
#define SUSPECTS_LIMIT_MAX 5000
#define EVIDENCE_IN_LIST 5
#define MESSAGES_LIMIT_MAX 2000
#define GRAPH_NODES_DEFAULT 60
#define GRAPH_NODES_MAX 400
/* Suspects read to build a graph (each with its stored evidence). */
#define GRAPH_SUSPECTS_MAX 2000

static int parse_ulong(const char *s, unsigned long dflt, unsigned long max,
		       unsigned long *out)
{
	char *end = NULL;

	*out = dflt;
	if (s == NULL || *s == '\0')
		return 0;
	if (*s < '0' || *s > '9')
		return -1;
	*out = strtoul(s, &end, 10);
	return (*end != '\0' || *out > max) ? -1 : 0;
}

static int not_analyzed(srv_ctx *x, int rc)
{
	if (rc == NSW_ENOTFOUND)
		return srv_reply_error(x->res, 404,
				       "no analysis in this case: run "
				       "netsweep analyze");
	return srv_reply_error(x->res, srv_status_for(rc),
			       rc == NSW_EINVAL ? "bad request"
						: "could not read the case");
}

static int audit_kv(srv_ctx *x, const char *action, const char *key,
		    const char *val)
{
	srv_out d;
	int rc;

	srv_out_init(&d, 4096);
	srv_out_raw(&d, "{");
	if (key) {
		srv_out_printf(&d, "\"%s\":", key);
		srv_out_str(&d, val);
	}
	srv_out_raw(&d, "}");
	rc = d.failed ? NSW_ENOMEM : srv_audit(x, action, d.p);
	srv_out_free(&d);
	return rc;
}

/* ---- Suspects ---------------------------------------------------------- */

struct sus_walk {
	srv_out *o;
	const char *category;
	int64_t account; /* 0: all */
	size_t evidence_max;
	unsigned long limit, n;
};

static int has_category(const nsw_suspect_row *r, const char *cat)
{
	for (size_t i = 0; i < r->n_evidence; i++) {
		const char *c = r->evidence[i].category;
		const char *colon = c ? strchr(c, ':') : NULL;

		if (c && (strcmp(c, cat) == 0 ||
			  (colon && strcmp(colon + 1, cat) == 0)))
			return 1;
	}
	return 0;
}

static void suspect_json(srv_out *o, const nsw_suspect_row *r,
			 size_t evidence_max)
{
	srv_out_printf(o, "{\"rank\":%u,\"account_id\":%lld,\"platform\":",
		       r->rank, (long long)r->account_id);
	srv_out_str(o, r->platform);
	srv_out_raw(o, ",\"native_id\":");
	srv_out_str(o, r->native_id);
	srv_out_raw(o, ",\"names\":");
	srv_out_str(o, r->names);
	srv_out_raw(o, ",\"usernames\":");
	srv_out_str(o, r->usernames);
	srv_out_raw(o, ",\"phones\":");
	srv_out_str(o, r->phones);
	srv_out_raw(o, ",\"country\":");
	srv_out_str(o, r->country);
	srv_out_printf(o,
		       ",\"score\":%.6f,\"posts\":%lld,\"known_posts\":%lld,"
		       "\"known_items\":%lld,\"known_seeded\":%lld,"
		       "\"new_seeded_reshared\":%lld,\"chats_active\":%lld,",
		       r->score, (long long)r->posts, (long long)r->known_posts,
		       (long long)r->known_items, (long long)r->known_seeded,
		       (long long)r->new_seeded_reshared,
		       (long long)r->chats_active);
	srv_out_printf(o,
		       "\"in_degree\":%lld,\"out_degree\":%lld,"
		       "\"pagerank\":%.6g,\"betweenness\":%.6g,"
		       "\"community\":%lld,\"terms\":[",
		       (long long)r->in_degree, (long long)r->out_degree,
		       r->pagerank, r->betweenness, (long long)r->community);
	for (size_t i = 0; i < r->n_terms; i++) {
		const nsw_suspect_term_row *t = &r->terms[i];

		srv_out_raw(o, i ? ",{\"name\":" : "{\"name\":");
		srv_out_str(o, t->name);
		srv_out_printf(o,
			       ",\"raw\":%.6g,\"value\":%.6g,\"weight\":%.6g,"
			       "\"contribution\":%.6g}",
			       t->raw, t->value, t->weight, t->contribution);
	}
	srv_out_raw(o, "],\"lists\":[");
	for (size_t i = 0; i < r->n_lists; i++) {
		if (i)
			srv_out_raw(o, ",");
		srv_out_str(o, r->lists[i]);
	}
	srv_out_printf(o, "],\"evidence_total\":%lld,\"evidence\":[",
		       (long long)r->n_evidence_total);
	for (size_t i = 0; i < r->n_evidence && i < evidence_max; i++) {
		const nsw_suspect_evidence_row *e = &r->evidence[i];

		srv_out_raw(o, i ? ",{\"why\":" : "{\"why\":");
		srv_out_str(o, e->why);
		srv_out_printf(o,
			       ",\"message_id\":%lld,\"chat_id\":%lld,"
			       "\"chat\":",
			       (long long)e->message_id, (long long)e->chat_id);
		srv_out_str(o, e->chat_native_id);
		srv_out_raw(o, ",\"time_utc\":");
		srv_out_str(o, e->time_utc);
		srv_out_raw(o, ",\"item\":");
		srv_out_str(o, e->item_key);
		srv_out_raw(o, ",\"list\":");
		srv_out_str(o, e->list_name);
		srv_out_raw(o, ",\"category\":");
		srv_out_str(o, e->category);
		srv_out_raw(o, "}");
	}
	srv_out_raw(o, "]}");
}

static int suspect_cb(void *ctx, const nsw_suspect_row *r)
{
	struct sus_walk *w = ctx;

	if (w->account && r->account_id != w->account)
		return 0;
	if (w->category && !has_category(r, w->category))
		return 0;
	if (w->n >= w->limit)
		return 0;
	if (w->n++)
		srv_out_raw(w->o, ",");
	suspect_json(w->o, r, w->evidence_max);
	return w->o->failed ? 1 : 0;
}

int srv_h_suspects(srv_ctx *x)
{
	struct sus_walk w;
	nsw_suspect_filter f;
	const char *country = srv_query(x->req, "country");
	srv_out o;
	int rc;

	memset(&w, 0, sizeof(w));
	memset(&f, 0, sizeof(f));
	if (parse_ulong(srv_query(x->req, "limit"), 100, SUSPECTS_LIMIT_MAX,
			&w.limit) != 0)
		return srv_reply_error(x->res, 400, "bad limit");
	if (country && *country) {
		if (strlen(country) != 2)
			return srv_reply_error(x->res, 400,
					       "country: two letters");
		f.country = country;
	}
	w.category = srv_query(x->req, "category");
	if (w.category && *w.category == '\0')
		w.category = NULL;
	w.evidence_max = EVIDENCE_IN_LIST;
	w.o = &o;
	srv_out_init(&o, SRV_JSON_MAX);
	srv_out_raw(&o, "{\"suspects\":[");
	rc = nsw_case_suspects_foreach(x->c, &f, suspect_cb, &w);
	srv_out_printf(&o, "],\"count\":%lu}", w.n);
	if (rc < 0) {
		srv_out_free(&o);
		return not_analyzed(x, rc);
	}
	rc = audit_kv(x, "view.suspects", "country", f.country);
	if (rc != NSW_OK) {
		srv_out_free(&o);
		return srv_reply_error(x->res, 500, "internal error");
	}
	return srv_out_reply(&o, x->res, 200);
}

int srv_h_suspect(srv_ctx *x)
{
	struct sus_walk w;
	nsw_suspect_filter f;
	srv_out o;
	int rc;

	memset(&w, 0, sizeof(w));
	memset(&f, 0, sizeof(f));
	if (srv_parse_id(srv_param(x->req, 0), &w.account) != 0)
		return srv_reply_error(x->res, 400, "bad account id");
	w.limit = 1;
	w.evidence_max = (size_t)-1;
	w.o = &o;
	srv_out_init(&o, SRV_JSON_MAX);
	rc = nsw_case_suspects_foreach(x->c, &f, suspect_cb, &w);
	if (rc < 0) {
		srv_out_free(&o);
		return not_analyzed(x, rc);
	}
	if (w.n == 0) {
		srv_out_free(&o);
		return srv_reply_error(x->res, 404, "not a suspect");
	}
	rc = audit_kv(x, "view.suspect", "account_id", srv_param(x->req, 0));
	if (rc != NSW_OK) {
		srv_out_free(&o);
		return srv_reply_error(x->res, 500, "internal error");
	}
	return srv_out_reply(&o, x->res, 200);
}

/* ---- Chats ------------------------------------------------------------- */

static int chat_cb(void *ctx, const nsw_chat_metrics_row *r)
{
	srv_out *o = ctx;

	srv_out_sep(o);
	srv_out_printf(
		o, "{\"chat_id\":%lld,\"platform\":", (long long)r->chat_id);
	srv_out_str(o, r->platform);
	srv_out_raw(o, ",\"native_id\":");
	srv_out_str(o, r->native_id);
	srv_out_raw(o, ",\"title\":");
	srv_out_str(o, r->title);
	srv_out_raw(o, ",\"kind\":");
	srv_out_str(o, r->kind);
	srv_out_printf(o,
		       ",\"messages\":%lld,\"senders\":%lld,\"posts\":%lld,"
		       "\"known_posts\":%lld,\"known_items\":%lld,"
		       "\"known_share\":%.4f,\"active_accounts\":%lld,"
		       "\"bridged_chats\":%lld,\"bridges\":[",
		       (long long)r->messages, (long long)r->senders,
		       (long long)r->posts, (long long)r->known_posts,
		       (long long)r->known_items, r->known_share,
		       (long long)r->active_accounts,
		       (long long)r->bridged_chats);
	for (size_t i = 0; i < r->n_bridges && i < 10; i++) {
		srv_out_printf(o,
			       "%s{\"chat_id\":%lld,\"title\":", i ? "," : "",
			       (long long)r->bridges[i].chat_id);
		srv_out_str(o, r->bridges[i].title);
		srv_out_printf(o, ",\"shared_accounts\":%lld}",
			       (long long)r->bridges[i].shared_accounts);
	}
	srv_out_raw(o, "]}");
	return o->failed ? 1 : 0;
}

int srv_h_chats(srv_ctx *x)
{
	srv_out o;
	int rc;

	srv_out_init(&o, SRV_JSON_MAX);
	srv_out_raw(&o, "{\"chats\":[");
	rc = nsw_case_chat_metrics_foreach(x->c, 0, chat_cb, &o);
	srv_out_raw(&o, "]}");
	if (rc < 0) {
		srv_out_free(&o);
		return not_analyzed(x, rc);
	}
	rc = audit_kv(x, "view.chats", NULL, NULL);
	if (rc != NSW_OK) {
		srv_out_free(&o);
		return srv_reply_error(x->res, 500, "internal error");
	}
	return srv_out_reply(&o, x->res, 200);
}

struct msg_walk {
	srv_out *o;
	unsigned long offset, limit, seen, n;
};

static int msg_cb(void *ctx, const nsw_chat_message_row *m)
{
	struct msg_walk *w = ctx;
	srv_out *o = w->o;

	if (w->seen++ < w->offset || w->n >= w->limit)
		return 0;
	if (w->n++)
		srv_out_raw(o, ",");
	srv_out_printf(o, "{\"id\":%lld,\"native_id\":", (long long)m->id);
	srv_out_str(o, m->native_id);
	srv_out_raw(o, ",\"time_utc\":");
	srv_out_str(o, m->time_utc);
	srv_out_printf(o, ",\"sender_account_id\":%lld,\"sender\":",
		       (long long)m->sender_account_id);
	srv_out_str(o, m->sender_name ? m->sender_name : m->sender_native_id);
	srv_out_printf(o,
		       ",\"forwarded_from_account_id\":%lld,"
		       "\"forwarded_from\":",
		       (long long)m->forwarded_from_account_id);
	srv_out_str(o, m->forwarded_from_name);
	srv_out_raw(o, ",\"service_action\":");
	srv_out_str(o, m->service_action);
	srv_out_raw(o, ",\"text\":");
	srv_out_str(o, m->text);
	/* Media are referenced by id only; never shown. */
	srv_out_printf(o, ",\"media_id\":%lld}", (long long)m->media_id);
	return o->failed ? 1 : 0;
}

int srv_h_chat_messages(srv_ctx *x)
{
	nsw_chat_message_filter f;
	struct msg_walk w;
	srv_out o;
	int rc;

	memset(&f, 0, sizeof(f));
	memset(&w, 0, sizeof(w));
	if (srv_parse_id(srv_param(x->req, 0), &f.chat_id) != 0)
		return srv_reply_error(x->res, 400, "bad chat id");
	if (parse_ulong(srv_query(x->req, "offset"), 0, 1ul << 40, &w.offset) !=
		    0 ||
	    parse_ulong(srv_query(x->req, "limit"), 200, MESSAGES_LIMIT_MAX,
			&w.limit) != 0)
		return srv_reply_error(x->res, 400, "bad offset or limit");
	w.o = &o;
	srv_out_init(&o, SRV_JSON_MAX);
	srv_out_raw(&o, "{\"messages\":[");
	rc = nsw_chat_messages_foreach(x->c, &f, msg_cb, &w);
	srv_out_printf(&o, "],\"total\":%lu}", w.seen);
	if (rc < 0) {
		srv_out_free(&o);
		return not_analyzed(x, rc);
	}
	rc = audit_kv(x, "view.chat", "chat_id", srv_param(x->req, 0));
	if (rc != NSW_OK) {
		srv_out_free(&o);
		return srv_reply_error(x->res, 500, "internal error");
	}
	return srv_out_reply(&o, x->res, 200);
}

/* ---- An item's spread -------------------------------------------------- */

static int spread_cb(void *ctx, const nsw_item_spread *s)
{
	srv_out *o = ctx;

	srv_out_sep(o);
	srv_out_printf(o, "{\"item\":%u,\"key\":", s->item);
	srv_out_str(o, s->key);
	srv_out_raw(o, ",\"matched_by\":");
	srv_out_str(o, s->matched_by);
	srv_out_printf(o,
		       ",\"known\":%s,\"list\":", s->known ? "true" : "false");
	srv_out_str(o, s->list_name);
	srv_out_raw(o, ",\"category\":");
	srv_out_str(o, s->category);
	srv_out_printf(o,
		       ",\"media_copies\":%lld,\"distinct_copies\":%lld,"
		       "\"resharers\":%zu,\"chats\":%zu,\"posts\":[",
		       (long long)s->media_copies,
		       (long long)s->distinct_copies, s->n_resharers,
		       s->n_chats);
	for (size_t i = 0; i < s->n_appearances; i++) {
		const nsw_item_appearance_row *a = &s->appearances[i];

		srv_out_printf(o, "%s{\"seq\":%u,\"time_utc\":", i ? "," : "",
			       a->seq);
		srv_out_str(o, a->time_utc);
		srv_out_printf(o, ",\"chat_id\":%lld,\"chat\":",
			       (long long)a->chat_id);
		srv_out_str(o,
			    a->chat_title ? a->chat_title : a->chat_native_id);
		srv_out_printf(o, ",\"account_id\":%lld,\"account\":",
			       (long long)a->account_id);
		srv_out_str(o, a->account_name ? a->account_name
					       : a->account_native_id);
		srv_out_raw(o, ",\"kind\":");
		srv_out_str(o, a->kind);
		srv_out_raw(o, ",\"copy\":");
		srv_out_str(o, a->copy);
		srv_out_raw(o, "}");
	}
	srv_out_raw(o, "]}");
	return o->failed ? 1 : 0;
}

int srv_h_spread(srv_ctx *x)
{
	const char *hex = srv_param(x->req, 0);
	srv_out o;
	int rc;

	srv_out_init(&o, SRV_JSON_MAX);
	srv_out_raw(&o, "{\"items\":[");
	rc = nsw_case_item_spread(x->c, 0, hex, spread_cb, &o);
	srv_out_raw(&o, "]}");
	if (rc < 0) {
		srv_out_free(&o);
		if (rc == NSW_ENOTFOUND)
			return srv_reply_error(x->res, 404,
					       "no analysed copy of that item");
		return not_analyzed(x, rc);
	}
	rc = audit_kv(x, "view.item", "hash", hex);
	if (rc != NSW_OK) {
		srv_out_free(&o);
		return srv_reply_error(x->res, 500, "internal error");
	}
	return srv_out_reply(&o, x->res, 200);
}

/* ---- Device links ------------------------------------------------------ */

static int link_cb(void *ctx, const nsw_device_link *l)
{
	srv_out *o = ctx;

	srv_out_sep(o);
	srv_out_printf(o, "{\"account_id\":%lld,\"platform\":",
		       (long long)l->account_id);
	srv_out_str(o, l->platform);
	srv_out_raw(o, ",\"account\":");
	srv_out_str(o, l->native_id);
	srv_out_printf(o, ",\"files\":%llu,\"exact\":%llu,\"score\":%.3f}",
		       (unsigned long long)l->files,
		       (unsigned long long)l->exact, l->score);
	return o->failed ? 1 : 0;
}

/* GET /api/links?evidence=LABEL[&threshold=N][&exact=1]: the accounts
 * that posted the files of a seized device (docs/links.md). */
int srv_h_links(srv_ctx *x)
{
	const char *label = srv_query(x->req, "evidence");
	const char *exact = srv_query(x->req, "exact");
	unsigned long threshold;
	int64_t evidence = 0;
	srv_out o;
	int rc;

	if (label == NULL || *label == '\0')
		return srv_reply_error(x->res, 400, "evidence: a label");
	if (parse_ulong(srv_query(x->req, "threshold"), 31, NSW_PDQ_BITS,
			&threshold) != 0)
		return srv_reply_error(x->res, 400, "threshold: 0-256");
	rc = nsw_case_evidence_find(x->c, label, &evidence);
	if (rc == NSW_ENOTFOUND)
		return srv_reply_error(x->res, 404, "no such evidence item");
	if (rc != NSW_OK)
		return srv_reply_error(x->res, 500, "internal error");
	srv_out_init(&o, SRV_JSON_MAX);
	srv_out_raw(&o, "{\"evidence\":");
	srv_out_str(&o, label);
	srv_out_printf(&o, ",\"threshold\":%d,\"links\":[",
		       exact && strcmp(exact, "1") == 0 ? -1 : (int)threshold);
	rc = nsw_case_device_links(
		x->c, evidence,
		exact && strcmp(exact, "1") == 0 ? -1 : (int)threshold, link_cb,
		&o);
	srv_out_raw(&o, "]}");
	if (rc < 0 || o.failed) {
		srv_out_free(&o);
		return srv_reply_error(x->res, 500, "could not read the case");
	}
	rc = audit_kv(x, "view.links", "evidence", label);
	if (rc != NSW_OK) {
		srv_out_free(&o);
		return srv_reply_error(x->res, 500, "internal error");
	}
	return srv_out_reply(&o, x->res, 200);
}
