/* SPDX-License-Identifier: Apache-2.0 */
/*
 * GraphML and GEXF writers for the analysed network (Gephi, i2, yEd):
 * accounts, chats and items as nodes with attributes, typed weighted
 * edges. One walk over the network feeds either format. XML text is
 * escaped and made valid UTF-8 (bad bytes become U+FFFD).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "network_internal.h"

/* ---- XML text -------------------------------------------------------- */

static void put_replacement(FILE *f)
{
	fputs("\xEF\xBF\xBD", f);
}

/* Length of the valid UTF-8 sequence at s (n bytes left) that XML 1.0
 * allows, or 0 when invalid or not allowed. */
static size_t valid_utf8(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len, i;
	uint32_t c;

	if (s[0] < 0x80) {
		c = s[0];
		len = 1;
	} else if (s[0] >= 0xC2 && s[0] <= 0xDF) {
		c = s[0] & 0x1F;
		len = 2;
	} else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		c = s[0] & 0x0F;
		len = 3;
	} else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		c = s[0] & 0x07;
		len = 4;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	/* Overlong forms, surrogates, beyond U+10FFFF. */
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    (c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF)
		return 0;
	/* XML 1.0 Char: tab, LF, CR, >= 0x20, not U+FFFE/U+FFFF. */
	if ((c < 0x20 && c != 0x9 && c != 0xA && c != 0xD) || c == 0xFFFE ||
	    c == 0xFFFF)
		return 0;
	*cp = c;
	return len;
}

/* Write `s` as XML attribute/character data. */
static void put_text(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = strlen(str), i = 0, len;
	uint32_t cp = 0;

	while (i < n) {
		len = valid_utf8(s + i, n - i, &cp);
		if (len == 0) {
			put_replacement(f);
			i++;
			continue;
		}
		switch (cp) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&apos;", f);
			break;
		case '\t':
		case '\n':
		case '\r':
			/* Attribute values normalise raw whitespace away. */
			fprintf(f, "&#%u;", (unsigned)cp);
			break;
		default:
			fwrite(s + i, 1, len, f);
			break;
		}
		i += len;
	}
}

static double finite_or_zero(double d)
{
	return isfinite(d) ? d : 0.0;
}

/* ---- the walk -------------------------------------------------------- */

typedef enum {
	A_STR,
	A_INT,
	A_DBL,
	A_BOOL
} attr_type;

/* Node attributes, declared once (GraphML keys / GEXF attributes). */
static const struct {
	const char *name;
	attr_type type;
} node_attrs[] = {
	{"kind", A_STR},		/* 0 account | chat | item */
	{"key", A_STR},			/* 1 the caller's id */
	{"label", A_STR},		/* 2 */
	{"country", A_STR},		/* 3 account */
	{"posts", A_INT},		/* 4 account, chat, item */
	{"known_posts", A_INT},		/* 5 account, chat */
	{"known_items", A_INT},		/* 6 account, chat */
	{"known_seeded", A_INT},	/* 7 account */
	{"new_seeded_reshared", A_INT}, /* 8 account */
	{"chats_active", A_INT},	/* 9 account */
	{"in_degree", A_INT},		/* 10 account */
	{"out_degree", A_INT},		/* 11 account */
	{"pagerank", A_DBL},		/* 12 account */
	{"betweenness", A_DBL},		/* 13 account */
	{"community", A_INT},		/* 14 account */
	{"suspect_rank", A_INT},	/* 15 account, 0 = not a suspect */
	{"score", A_DBL},		/* 16 account */
	{"known_share", A_DBL},		/* 17 chat */
	{"active_accounts", A_INT},	/* 18 chat */
	{"known", A_BOOL},		/* 19 item */
	{"category_scheme", A_STR},	/* 20 item */
	{"category_code", A_STR},	/* 21 item */
	{"list", A_STR},		/* 22 item */
	{"first_poster", A_STR},	/* 23 item: node id of the account */
	{"chats", A_INT},		/* 24 item: chats it crossed into */
};
#define N_NODE_ATTRS (sizeof(node_attrs) / sizeof(node_attrs[0]))

typedef struct writer writer;
struct writer {
	FILE *f;
	int gexf;
	size_t n_edges;
};

static const char *attr_type_name(attr_type t)
{
	switch (t) {
	case A_INT:
		return "long";
	case A_DBL:
		return "double";
	case A_BOOL:
		return "boolean";
	default:
		return "string";
	}
}

static void node_begin(writer *w, char prefix, uint32_t i, const char *label)
{
	fprintf(w->f, "    <node id=\"%c%u\"", prefix, i);
	if (w->gexf) {
		fputs(" label=\"", w->f);
		put_text(w->f, label);
		fputs("\"><attvalues>\n", w->f);
	} else {
		fputs(">\n", w->f);
	}
}

static void node_end(writer *w)
{
	fputs(w->gexf ? "    </attvalues></node>\n" : "    </node>\n", w->f);
}

static void attr_open(writer *w, unsigned id)
{
	if (w->gexf)
		fprintf(w->f, "      <attvalue for=\"n%u\" value=\"", id);
	else
		fprintf(w->f, "      <data key=\"n%u\">", id);
}

static void attr_close(writer *w)
{
	fputs(w->gexf ? "\"/>\n" : "</data>\n", w->f);
}

static void attr_str(writer *w, unsigned id, const char *v)
{
	if (v == NULL || v[0] == '\0')
		return;
	attr_open(w, id);
	put_text(w->f, v);
	attr_close(w);
}

static void attr_int(writer *w, unsigned id, long long v)
{
	attr_open(w, id);
	fprintf(w->f, "%lld", v);
	attr_close(w);
}

static void attr_dbl(writer *w, unsigned id, double v)
{
	attr_open(w, id);
	fprintf(w->f, "%.10g", finite_or_zero(v));
	attr_close(w);
}

static void edge(writer *w, char sp, uint32_t s, char dp, uint32_t d,
		 const char *type, double weight, int directed)
{
	size_t id = w->n_edges++;

	if (w->gexf) {
		fprintf(w->f,
			"    <edge id=\"%zu\" source=\"%c%u\" target=\"%c%u\" "
			"type=\"%s\" weight=\"%.10g\" label=\"%s\">"
			"<attvalues><attvalue for=\"e0\" value=\"%s\"/>"
			"</attvalues></edge>\n",
			id, sp, s, dp, d, directed ? "directed" : "undirected",
			finite_or_zero(weight), type, type);
	} else {
		fprintf(w->f,
			"    <edge id=\"e%zu\" source=\"%c%u\" target=\"%c%u\""
			"%s>\n      <data key=\"e0\">%s</data>\n"
			"      <data key=\"e1\">%.10g</data>\n    </edge>\n",
			id, sp, s, dp, d, directed ? "" : " directed=\"false\"",
			type, finite_or_zero(weight));
	}
}

static void header(writer *w)
{
	size_t i;

	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", w->f);
	if (w->gexf) {
		fputs("<gexf xmlns=\"http://gexf.net/1.3\" version=\"1.3\">\n"
		      "  <meta><creator>netsweep " NSW_VERSION "</creator>"
		      "<description>distribution network: accounts, chats, "
		      "items</description></meta>\n"
		      "  <graph defaultedgetype=\"directed\" mode=\"static\">\n"
		      "  <attributes class=\"node\">\n",
		      w->f);
		for (i = 0; i < N_NODE_ATTRS; i++)
			fprintf(w->f,
				"    <attribute id=\"n%zu\" title=\"%s\" "
				"type=\"%s\"/>\n",
				i, node_attrs[i].name,
				attr_type_name(node_attrs[i].type));
		fputs("  </attributes>\n  <attributes class=\"edge\">\n"
		      "    <attribute id=\"e0\" title=\"type\" "
		      "type=\"string\"/>\n  </attributes>\n  <nodes>\n",
		      w->f);
		return;
	}
	fputs("<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" "
	      "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
	      "xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns "
	      "http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n",
	      w->f);
	for (i = 0; i < N_NODE_ATTRS; i++)
		fprintf(w->f,
			"  <key id=\"n%zu\" for=\"node\" attr.name=\"%s\" "
			"attr.type=\"%s\"/>\n",
			i, node_attrs[i].name,
			attr_type_name(node_attrs[i].type));
	fputs("  <key id=\"e0\" for=\"edge\" attr.name=\"type\" "
	      "attr.type=\"string\"/>\n"
	      "  <key id=\"e1\" for=\"edge\" attr.name=\"weight\" "
	      "attr.type=\"double\"/>\n"
	      "  <graph id=\"netsweep\" edgedefault=\"directed\">\n",
	      w->f);
}

static void account_nodes(writer *w, const nsw_network *net,
			  const uint32_t *rank, const double *score)
{
	uint32_t a;

	for (a = 0; a < net->account_keys.count; a++) {
		const nsw_net_account_info *ac = &net->account_info[a];

		node_begin(w, 'a', a, ac->label[0] ? ac->label : ac->key);
		attr_str(w, 0, "account");
		attr_str(w, 1, ac->key);
		attr_str(w, 2, ac->label);
		attr_str(w, 3, ac->country);
		attr_int(w, 4, ac->posts);
		attr_int(w, 5, ac->known_posts);
		attr_int(w, 6, ac->known_items);
		attr_int(w, 7, ac->known_seeded);
		attr_int(w, 8, ac->new_seeded_reshared);
		attr_int(w, 9, ac->chats_active);
		attr_int(w, 10, ac->in_degree);
		attr_int(w, 11, ac->out_degree);
		attr_dbl(w, 12, ac->pagerank);
		attr_dbl(w, 13, ac->betweenness);
		attr_int(w, 14, ac->community);
		attr_int(w, 15, rank[a]);
		attr_dbl(w, 16, score[a]);
		node_end(w);
	}
}

static void chat_nodes(writer *w, const nsw_network *net)
{
	uint32_t c;

	for (c = 0; c < net->chat_keys.count; c++) {
		const nsw_net_chat_info *ch = &net->chat_info[c];

		node_begin(w, 'c', c, ch->title[0] ? ch->title : ch->key);
		attr_str(w, 0, "chat");
		attr_str(w, 1, ch->key);
		attr_str(w, 2, ch->title);
		attr_int(w, 4, ch->posts);
		attr_int(w, 5, ch->known_posts);
		attr_int(w, 6, ch->known_items);
		attr_dbl(w, 17, ch->known_share);
		attr_int(w, 18, ch->active_accounts);
		node_end(w);
	}
}

static void item_nodes(writer *w, const nsw_network *net)
{
	char first[16];
	uint32_t i;

	for (i = 0; i < net->item_keys.count; i++) {
		const nsw_net_item_info *it = &net->item_info[i];

		node_begin(w, 'i', i, it->key);
		attr_str(w, 0, "item");
		attr_str(w, 1, it->key);
		attr_int(w, 4, (long long)it->n_spread);
		attr_open(w, 19);
		fputs(it->known ? "true" : "false", w->f);
		attr_close(w);
		attr_str(w, 20, it->scheme);
		attr_str(w, 21, it->code);
		attr_str(w, 22, it->list);
		if (it->first_poster != NSW_NET_NONE) {
			snprintf(first, sizeof(first), "a%u", it->first_poster);
			attr_str(w, 23, first);
		}
		attr_int(w, 24, (long long)it->n_chats);
		node_end(w);
	}
}

/* Item edges: account -posted-> item and item -appeared_in-> chat, with
 * appearance counts as weights. `count` and `touched` are scratch. */
static void item_edges(writer *w, const nsw_network *net, uint32_t *count_a,
		       uint32_t *count_c)
{
	uint32_t i;
	size_t j;

	for (i = 0; i < net->item_keys.count; i++) {
		const nsw_net_item_info *it = &net->item_info[i];

		for (j = 0; j < it->n_spread; j++) {
			const nsw_net_appearance *a = &net->app[it->spread[j]];

			count_a[a->account]++;
			count_c[a->chat]++;
		}
		if (it->first_poster != NSW_NET_NONE) {
			edge(w, 'a', it->first_poster, 'i', i, "posted",
			     count_a[it->first_poster], 1);
			count_a[it->first_poster] = 0;
		}
		for (j = 0; j < it->n_resharers; j++) {
			uint32_t a = it->resharers[j];

			edge(w, 'a', a, 'i', i, "posted", count_a[a], 1);
			count_a[a] = 0;
		}
		for (j = 0; j < it->n_chats; j++) {
			uint32_t c = it->chats[j];

			edge(w, 'i', i, 'c', c, "appeared_in", count_c[c], 1);
			count_c[c] = 0;
		}
	}
}

static void edges(writer *w, const nsw_network *net, uint32_t *count_a,
		  uint32_t *count_c)
{
	uint32_t a, j;
	size_t i;

	for (i = 0; i < net->n_flow; i++) {
		const nsw_net__edge *e = &net->flow[i];

		if (e->reshare > 0)
			edge(w, 'a', e->a, 'a', e->b, "reshare", e->reshare, 1);
		if (e->forward > 0)
			edge(w, 'a', e->a, 'a', e->b, "forward", e->forward, 1);
	}
	for (i = 0; i < net->n_und; i++) {
		const nsw_net__edge *e = &net->und[i];

		if (e->copost > 0)
			edge(w, 'a', e->a, 'a', e->b, "copost", e->copost, 0);
	}
	for (a = 0; a < net->account_keys.count; a++)
		for (j = net->acct_chats_start[a];
		     j < net->acct_chats_start[a + 1]; j++)
			edge(w, 'a', a, 'c', net->acct_chats[j], "active_in",
			     net->acct_chat_posts[j], 1);
	item_edges(w, net, count_a, count_c);
}

static int write_network(const nsw_network *net, FILE *f, int gexf)
{
	writer w = {f, gexf, 0};
	uint32_t na, nc, r;
	uint32_t *rank = NULL, *count_a = NULL, *count_c = NULL;
	double *score = NULL;
	int rc = 0;

	if (net == NULL || f == NULL || net->analysed != 1)
		return nsw_error_set(NSW_EINVAL,
				     "network: export needs an "
				     "analysed network and a stream");
	na = net->account_keys.count;
	nc = net->chat_keys.count;
	rank = nsw__calloc(na ? na : 1, sizeof(*rank));
	score = nsw__calloc(na ? na : 1, sizeof(*score));
	count_a = nsw__calloc(na ? na : 1, sizeof(*count_a));
	count_c = nsw__calloc(nc ? nc : 1, sizeof(*count_c));
	if (!rank || !score || !count_a || !count_c) {
		rc = nsw_error_set(NSW_ENOMEM, "network: no memory to export");
		goto done;
	}
	for (r = 0; r < net->n_suspects; r++) {
		rank[net->suspects[r].account] = net->suspects[r].rank;
		score[net->suspects[r].account] = net->suspects[r].score;
	}
	header(&w);
	account_nodes(&w, net, rank, score);
	chat_nodes(&w, net);
	item_nodes(&w, net);
	if (gexf)
		fputs("  </nodes>\n  <edges>\n", f);
	edges(&w, net, count_a, count_c);
	fputs(gexf ? "  </edges>\n  </graph>\n</gexf>\n"
		   : "  </graph>\n</graphml>\n",
	      f);
	if (fflush(f) != 0 || ferror(f))
		rc = nsw_error_set(NSW_EIO, "network: writing the %s failed",
				   gexf ? "GEXF" : "GraphML");
done:
	nsw__free(rank);
	nsw__free(score);
	nsw__free(count_a);
	nsw__free(count_c);
	return rc;
}

int nsw_net_write_graphml(const nsw_network *net, FILE *out)
{
	return write_network(net, out, 0);
}

int nsw_net_write_gexf(const nsw_network *net, FILE *out)
{
	return write_network(net, out, 1);
}
