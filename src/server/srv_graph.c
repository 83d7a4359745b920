/* SPDX-License-Identifier: Apache-2.0 */
/*
 * GET /api/graph?suspect=ACCOUNT_ID|chat=CHAT_ID&n=N: the neighbourhood of
 * one suspect or chat in the bipartite graph of suspects and the chats
 * their stored evidence lies in, breadth-first from the focus until N
 * nodes. Suspects carry score and community (the UI sizes and colours by
 * them); edges carry how many evidence posts join the two.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "srv_app.h"

#define SRV_JSON_MAX (16u << 20)
#define GRAPH_NODES_DEFAULT 60
#define GRAPH_NODES_MAX 400
#define GRAPH_SUSPECTS_MAX 5000
#define GRAPH_EDGES_MAX 200000
#define GRAPH_CHATS_MAX 20000

struct g_sus {
	int64_t account;
	char *label, *country;
	double score;
	int64_t community;
	uint32_t rank;
};

struct g_chat {
	int64_t id;
	char *label;
};

struct g_edge {
	uint32_t sus, chat;
	uint32_t weight;
};

struct graph {
	struct g_sus *sus;
	size_t ns;
	struct g_chat *chats;
	size_t nc;
	struct g_edge *edges;
	size_t ne;
	int failed;
};

static int64_t chat_index(struct graph *g, int64_t id, const char *label)
{
	for (size_t i = 0; i < g->nc; i++)
		if (g->chats[i].id == id)
			return (int64_t)i;
	if (g->nc >= GRAPH_CHATS_MAX)
		return -1;
	g->chats[g->nc].id = id;
	g->chats[g->nc].label = strdup(label ? label : "");
	if (g->chats[g->nc].label == NULL)
		return -1;
	return (int64_t)g->nc++;
}

static int collect(void *ctx, const nsw_suspect_row *r)
{
	struct graph *g = ctx;
	struct g_sus *s;

	if (g->ns >= GRAPH_SUSPECTS_MAX)
		return 1;
	s = &g->sus[g->ns];
	memset(s, 0, sizeof(*s));
	s->account = r->account_id;
	s->label = strdup(r->names && *r->names ? r->names : r->native_id);
	s->country = strdup(r->country ? r->country : "");
	s->score = r->score;
	s->community = r->community;
	s->rank = r->rank;
	if (s->label == NULL || s->country == NULL) {
		free(s->label);
		free(s->country);
		g->failed = 1;
		return 1;
	}
	for (size_t i = 0; i < r->n_evidence; i++) {
		int64_t ci = chat_index(g, r->evidence[i].chat_id,
					r->evidence[i].chat_native_id);
		size_t k;

		if (ci < 0) {
			g->failed = 1;
			break;
		}
		for (k = 0; k < g->ne; k++)
			if (g->edges[k].sus == g->ns &&
			    g->edges[k].chat == (uint32_t)ci)
				break;
		if (k < g->ne) {
			g->edges[k].weight++;
		} else if (g->ne < GRAPH_EDGES_MAX) {
			g->edges[g->ne].sus = (uint32_t)g->ns;
			g->edges[g->ne].chat = (uint32_t)ci;
			g->edges[g->ne++].weight = 1;
		}
	}
	g->ns++;
	return g->failed;
}

/* Chat titles replace the native ids where the metrics know them. */
static int retitle(void *ctx, const nsw_chat_metrics_row *r)
{
	struct graph *g = ctx;

	for (size_t i = 0; i < g->nc; i++) {
		char *t;

		if (g->chats[i].id != r->chat_id || r->title == NULL ||
		    *r->title == '\0')
			continue;
		t = strdup(r->title);
		if (t == NULL)
			return 1;
		free(g->chats[i].label);
		g->chats[i].label = t;
	}
	return 0;
}

static void graph_free(struct graph *g)
{
	for (size_t i = 0; i < g->ns; i++) {
		free(g->sus[i].label);
		free(g->sus[i].country);
	}
	for (size_t i = 0; i < g->nc; i++)
		free(g->chats[i].label);
	free(g->sus);
	free(g->chats);
	free(g->edges);
}

int srv_h_graph(srv_ctx *x)
{
	const char *qs = srv_query(x->req, "suspect");
	const char *qc = srv_query(x->req, "chat");
	const char *qn = srv_query(x->req, "n");
	struct graph g;
	nsw_suspect_filter f;
	unsigned long n = GRAPH_NODES_DEFAULT;
	int64_t focus = 0;
	uint32_t *queue = NULL; /* node ids: suspects i, chats ns + j */
	unsigned char *seen = NULL;
	size_t qh = 0, qt = 0, total;
	char *end = NULL;
	srv_out o, d;
	int rc, is_chat = qc != NULL;

	memset(&g, 0, sizeof(g));
	memset(&f, 0, sizeof(f));
	if ((qs == NULL) == (qc == NULL) ||
	    srv_parse_id(is_chat ? qc : qs, &focus) != 0)
		return srv_reply_error(
			x->res, 400, "give suspect=ACCOUNT_ID or chat=CHAT_ID");
	if (qn && *qn) {
		n = strtoul(qn, &end, 10);
		if (*qn < '0' || *qn > '9' || *end || n < 1 ||
		    n > GRAPH_NODES_MAX)
			return srv_reply_error(x->res, 400, "n: 1 to 400");
	}
	g.sus = calloc(GRAPH_SUSPECTS_MAX, sizeof(*g.sus));
	g.chats = calloc(GRAPH_CHATS_MAX, sizeof(*g.chats));
	g.edges = calloc(GRAPH_EDGES_MAX, sizeof(*g.edges));
	if (g.sus == NULL || g.chats == NULL || g.edges == NULL) {
		rc = srv_reply_error(x->res, 500, "internal error");
		goto done;
	}
	rc = nsw_case_suspects_foreach(x->c, &f, collect, &g);
	if (rc < 0 || g.failed) {
		rc = rc == NSW_ENOTFOUND
			     ? srv_reply_error(x->res, 404,
					       "no analysis in this case")
			     : srv_reply_error(x->res, 500, "internal error");
		goto done;
	}
	(void)nsw_case_chat_metrics_foreach(x->c, 0, retitle, &g);
	total = g.ns + g.nc;
	queue = calloc(total + 1, sizeof(*queue));
	seen = calloc(total + 1, 1);
	if (queue == NULL || seen == NULL) {
		rc = srv_reply_error(x->res, 500, "internal error");
		goto done;
	}
	for (size_t i = 0; i < (is_chat ? g.nc : g.ns); i++)
		if ((is_chat ? g.chats[i].id : g.sus[i].account) == focus) {
			uint32_t node = (uint32_t)(is_chat ? g.ns + i : i);

			queue[qt++] = node;
			seen[node] = 1;
			break;
		}
	if (qt == 0) {
		rc = srv_reply_error(x->res, 404, "not in the graph");
		goto done;
	}
	while (qh < qt && qt < n) {
		uint32_t v = queue[qh++];

		for (size_t k = 0; k < g.ne && qt < n; k++) {
			uint32_t a = g.edges[k].sus,
				 b = (uint32_t)(g.ns + g.edges[k].chat);
			uint32_t other = v == a ? b : (v == b ? a : UINT32_MAX);

			if (other != UINT32_MAX && !seen[other]) {
				seen[other] = 1;
				queue[qt++] = other;
			}
		}
	}
	srv_out_init(&o, SRV_JSON_MAX);
	srv_out_raw(&o, "{\"nodes\":[");
	for (size_t i = 0; i < qt; i++) {
		uint32_t v = queue[i];

		if (i)
			srv_out_raw(&o, ",");
		if (v < g.ns) {
			const struct g_sus *s = &g.sus[v];

			srv_out_printf(&o,
				       "{\"id\":\"a%lld\",\"type\":\"suspect\","
				       "\"account_id\":%lld,\"rank\":%u,"
				       "\"score\":%.6f,\"community\":%lld,"
				       "\"label\":",
				       (long long)s->account,
				       (long long)s->account, s->rank, s->score,
				       (long long)s->community);
			srv_out_str(&o, s->label);
			srv_out_raw(&o, ",\"country\":");
			srv_out_str(&o, s->country);
		} else {
			const struct g_chat *ch = &g.chats[v - g.ns];

			srv_out_printf(&o,
				       "{\"id\":\"c%lld\",\"type\":\"chat\","
				       "\"chat_id\":%lld,\"label\":",
				       (long long)ch->id, (long long)ch->id);
			srv_out_str(&o, ch->label);
		}
		srv_out_printf(&o, ",\"focus\":%s}", i == 0 ? "true" : "false");
	}
	srv_out_raw(&o, "],\"edges\":[");
	{
		size_t k2 = 0;

		for (size_t k = 0; k < g.ne; k++) {
			const struct g_edge *e = &g.edges[k];

			if (!seen[e->sus] || !seen[g.ns + e->chat])
				continue;
			srv_out_printf(&o,
				       "%s{\"source\":\"a%lld\",\"target\":"
				       "\"c%lld\",\"weight\":%u}",
				       k2++ ? "," : "",
				       (long long)g.sus[e->sus].account,
				       (long long)g.chats[e->chat].id,
				       e->weight);
		}
	}
	srv_out_raw(&o, "]}");
	srv_out_init(&d, 256);
	srv_out_printf(&d, "{\"%s\":%lld,\"n\":%lu}",
		       is_chat ? "chat_id" : "account_id", (long long)focus, n);
	rc = d.failed ? NSW_ENOMEM : srv_audit(x, "view.graph", d.p);
	srv_out_free(&d);
	if (rc != NSW_OK) {
		srv_out_free(&o);
		rc = srv_reply_error(x->res, 500, "internal error");
		goto done;
	}
	rc = srv_out_reply(&o, x->res, 200);
done:
	free(queue);
	free(seen);
	graph_free(&g);
	return rc;
}
