/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Store an analysed network in the case as one analysis run (tables
 * analysis_*, docs/analyze.md), in one transaction with its audit entry;
 * and nsw_case_analyze, which loads, analyses and stores.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "error.h"
#include "limits.h"
#include "store_network.h"

/*
 * Bind one row and run it. `types`: one letter per parameter, i int64,
 * n int64 or NULL when <= 0 (ids), d double, t text (NULL ok).
 */
static int row(nsw_sqlstmt *st, const char *types, ...)
{
	va_list ap;
	int rc = NSW_OK, idx = 1;

	va_start(ap, types);
	for (const char *t = types; *t != '\0' && rc == NSW_OK; t++, idx++) {
		switch (*t) {
		case 'i':
			rc = nsw_sqldb_bind_int64(st, idx, va_arg(ap, int64_t));
			break;
		case 'n': {
			int64_t v = va_arg(ap, int64_t);

			rc = v > 0 ? nsw_sqldb_bind_int64(st, idx, v)
				   : nsw_sqldb_bind_null(st, idx);
			break;
		}
		case 'd':
			rc = nsw_sqldb_bind_double(st, idx, va_arg(ap, double));
			break;
		default:
			rc = nsw_sqldb_bind_text(st, idx,
						 va_arg(ap, const char *));
			break;
		}
	}
	va_end(ap);
	if (rc != NSW_OK) {
		nsw_sqldb_reset(st);
		return rc;
	}
	return nsw_sqldb_run(st);
}

enum {
	S_RUN,
	S_ITEM,
	S_ITEM_MEDIA,
	S_LINK,
	S_SPREAD,
	S_ACCOUNT,
	S_ACCOUNT_CAT,
	S_CHAT,
	S_BRIDGE,
	S_SUSPECT,
	S_TERM,
	S_EVIDENCE,
	S_LIST,
	S_COUNT
};

static const char *const sql[S_COUNT] = {
	[S_RUN] = "INSERT INTO analysis_runs(created_utc, netsweep_version, "
		  "params, pdq_threshold, pdq_min_quality, no_pdq, "
		  "betweenness_samples, seed, copost_full_max, copost_window,"
		  " media_refs, media_unhashed, media_rows, hit_rows, items, "
		  "known_items, items_joined_by_pdq, accounts, chats, "
		  "appearances, suspects, communities, modularity, "
		  "flow_edges, undirected_edges, betweenness_sources, "
		  "seconds_load, seconds_unify, seconds_analyze) VALUES(?1,?2,"
		  "?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,"
		  "?19,?20,?21,?22,?23,?24,?25,?26,?27,?28,?29)",
	[S_ITEM] = "INSERT INTO analysis_items(run_id, item, key, "
		   "representative_media_id, known, list_name, "
		   "category_scheme, category_code, media_copies, "
		   "appearances, first_message_id, first_account_id, "
		   "first_chat_id, resharers, chats) VALUES(?1,?2,?3,?4,?5,"
		   "?6,?7,?8,?9,?10,?11,?12,?13,?14,?15)",
	[S_ITEM_MEDIA] = "INSERT INTO analysis_item_media(run_id, media_id, "
			 "item) VALUES(?1,?2,?3)",
	[S_LINK] = "INSERT INTO analysis_item_links(run_id, item, media_a, "
		   "media_b, via, distance) VALUES(?1,?2,?3,?4,?5,?6)",
	[S_SPREAD] = "INSERT INTO analysis_spread(run_id, item, seq, "
		     "message_id, media_id, account, kind) VALUES(?1,?2,?3,?4,"
		     "?5,?6,?7)",
	[S_ACCOUNT] = "INSERT INTO analysis_accounts(run_id, account, "
		      "account_id, anon_chat_id, posts, known_posts, "
		      "known_items, seeded_items, known_seeded, "
		      "new_seeded_reshared, chats_active, out_degree, "
		      "in_degree, out_weight, in_weight, pagerank, "
		      "betweenness, community) VALUES(?1,?2,?3,?4,?5,?6,?7,"
		      "?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18)",
	[S_ACCOUNT_CAT] = "INSERT INTO analysis_account_categories(run_id, "
			  "account, category_scheme, category_code, posts, "
			  "items) VALUES(?1,?2,?3,?4,?5,?6)",
	[S_CHAT] = "INSERT INTO analysis_chats(run_id, chat_id, posts, "
		   "known_posts, known_items, known_share, active_accounts, "
		   "bridged_chats, messages, senders) VALUES(?1,?2,?3,?4,?5,"
		   "?6,?7,?8,?9,?10)",
	[S_BRIDGE] = "INSERT INTO analysis_chat_bridges(run_id, chat_id, "
		     "rank, other_chat_id, shared_accounts) VALUES(?1,?2,?3,"
		     "?4,?5)",
	[S_SUSPECT] = "INSERT INTO analysis_suspects(run_id, rank, account, "
		      "score, evidence_total) VALUES(?1,?2,?3,?4,?5)",
	[S_TERM] = "INSERT INTO analysis_suspect_terms(run_id, rank, term_no,"
		   " term, raw, value, weight, contribution) VALUES(?1,?2,?3,"
		   "?4,?5,?6,?7,?8)",
	[S_EVIDENCE] = "INSERT INTO analysis_suspect_evidence(run_id, rank, "
		       "seq, why, message_id, media_id, item) VALUES(?1,?2,?3,"
		       "?4,?5,?6,?7)",
	[S_LIST] = "INSERT OR IGNORE INTO analysis_suspect_lists(run_id, "
		   "rank, list_name) VALUES(?1,?2,?3)",
};

struct saver {
	nsw_casenet *cn;
	nsw_case *c;
	nsw_sqlstmt *st[S_COUNT];
	int64_t run;
};

static int64_t account_row(const nsw_casenet *cn, uint32_t a)
{
	return a < cn->n_real ? cn->account_ids[a] : 0;
}

static int params_json(const nsw_casenet *cn, nsw_buf *b)
{
	const nsw_analyze_options *o = &cn->opt;
	int rc = nsw_buf_printf(
		b,
		"{\"pdq_threshold\":%d,\"pdq_min_quality\":%d,\"no_pdq\":%d,"
		"\"betweenness_samples\":%u,\"seed\":%llu,"
		"\"copost_full_max\":%u,\"copost_window\":%u}",
		o->pdq_threshold, o->pdq_min_quality, o->no_pdq,
		o->net.betweenness_samples, (unsigned long long)o->net.seed,
		o->net.copost_full_max, o->net.copost_window);

	return rc == NSW_OK ? NSW_OK
			    : nsw_error_set(rc, "analyze: parameters too long");
}

static int save_run(struct saver *s, const char *params)
{
	const nsw_analyze_report *r = &s->cn->rep;
	const nsw_analyze_options *o = &s->cn->opt;
	char now[32];
	int rc;

	nsw_store__now_utc(now);
	rc = row(s->st[S_RUN], "tttiiiiiiiiiiiiiiiiiiidiiiddd", now,
		 NSW_VERSION, params, (int64_t)o->pdq_threshold,
		 (int64_t)o->pdq_min_quality, (int64_t)o->no_pdq,
		 (int64_t)o->net.betweenness_samples, (int64_t)o->net.seed,
		 (int64_t)o->net.copost_full_max, (int64_t)o->net.copost_window,
		 r->media_refs, r->media_unhashed, r->media_rows, r->hit_rows,
		 (int64_t)r->items, (int64_t)r->known_items,
		 (int64_t)r->items_joined_by_pdq, (int64_t)r->accounts,
		 (int64_t)r->chats, (int64_t)r->appearances,
		 (int64_t)r->suspects, (int64_t)r->communities, r->modularity,
		 (int64_t)r->net.flow_edges, (int64_t)r->net.undirected_edges,
		 (int64_t)r->net.betweenness_sources, r->seconds_load,
		 r->seconds_unify, r->seconds_analyze);
	s->run = nsw_sqldb_last_insert_rowid(s->c->db);
	return rc;
}

static int save_items(struct saver *s)
{
	nsw_casenet *cn = s->cn;
	char hex[72];
	int rc = NSW_OK;

	for (uint32_t i = 0; i < cn->n_items && rc == NSW_OK; i++) {
		const nsw_net_item_info *it = nsw_net_item(cn->net, i);
		const nsw_casenet_media *m = &cn->media[cn->item_rep[i]];
		const nsw_net_appearance *first =
			it->n_spread
				? nsw_net_appearance_get(cn->net, it->spread[0])
				: NULL;

		nsw_casenet__media_hex(m, hex);
		rc = row(s->st[S_ITEM], "iitiitttiinnnii", s->run, (int64_t)i,
			 hex, m->id, (int64_t)it->known,
			 it->known ? it->list : NULL,
			 it->known && it->scheme[0] ? it->scheme : NULL,
			 it->known && it->code[0] ? it->code : NULL,
			 (int64_t)cn->item_copies[i], (int64_t)it->n_spread,
			 first ? first->message_id : 0,
			 first ? account_row(cn, first->account) : 0,
			 first ? cn->chat_ids[first->chat] : 0,
			 (int64_t)it->n_resharers, (int64_t)it->n_chats);
		for (size_t k = 0; k < it->n_spread && rc == NSW_OK; k++) {
			const nsw_net_appearance *a =
				nsw_net_appearance_get(cn->net, it->spread[k]);

			rc = row(s->st[S_SPREAD], "iiiiiii", s->run, (int64_t)i,
				 (int64_t)k, a->message_id,
				 cn->media[cn->app_media[it->spread[k]]].id,
				 (int64_t)a->account, (int64_t)a->kind);
		}
	}
	for (uint32_t m = 0; m < cn->n_media && rc == NSW_OK; m++)
		rc = row(s->st[S_ITEM_MEDIA], "iii", s->run, cn->media[m].id,
			 (int64_t)cn->media_item[m]);
	for (uint32_t l = 0; l < cn->n_links && rc == NSW_OK; l++) {
		static const char *const via[] = {"sha256", "md5", "sha1",
						  "pdq"};
		const nsw_casenet_link *k = &cn->links[l];

		rc = row(s->st[S_LINK], "iiiiti", s->run,
			 (int64_t)cn->media_item[k->a], cn->media[k->a].id,
			 cn->media[k->b].id, via[k->via & 3],
			 (int64_t)k->distance);
	}
	return rc;
}

static int save_accounts(struct saver *s)
{
	nsw_casenet *cn = s->cn;
	uint32_t n = nsw_net_account_count(cn->net);
	int rc = NSW_OK;

	for (uint32_t a = 0; a < n && rc == NSW_OK; a++) {
		const nsw_net_account_info *ai = nsw_net_account(cn->net, a);

		if (ai->posts == 0)
			continue; /* nothing to say about it */
		rc = row(s->st[S_ACCOUNT], "iinniiiiiiiiiddddi", s->run,
			 (int64_t)a, account_row(cn, a),
			 a >= cn->n_real ? cn->anon_chat[a - cn->n_real] : 0,
			 (int64_t)ai->posts, (int64_t)ai->known_posts,
			 (int64_t)ai->known_items, (int64_t)ai->seeded_items,
			 (int64_t)ai->known_seeded,
			 (int64_t)ai->new_seeded_reshared,
			 (int64_t)ai->chats_active, (int64_t)ai->out_degree,
			 (int64_t)ai->in_degree, ai->out_weight, ai->in_weight,
			 ai->pagerank, ai->betweenness, (int64_t)ai->community);
		for (size_t k = 0; k < ai->n_categories && rc == NSW_OK; k++) {
			const nsw_net_category_count *cc = &ai->categories[k];

			rc = row(s->st[S_ACCOUNT_CAT], "iittii", s->run,
				 (int64_t)a, cc->scheme, cc->code,
				 (int64_t)cc->posts, (int64_t)cc->items);
		}
	}
	return rc;
}

static int save_chats(struct saver *s)
{
	nsw_casenet *cn = s->cn;
	int rc = NSW_OK;

	for (uint32_t i = 0; i < cn->n_chats && rc == NSW_OK; i++) {
		const nsw_net_chat_info *ci = nsw_net_chat(cn->net, i);

		rc = row(s->st[S_CHAT], "iiiiidiiii", s->run, cn->chat_ids[i],
			 (int64_t)ci->posts, (int64_t)ci->known_posts,
			 (int64_t)ci->known_items, ci->known_share,
			 (int64_t)ci->active_accounts,
			 (int64_t)ci->bridged_chats, cn->chat_messages[i],
			 cn->chat_senders[i]);
		for (size_t k = 0; k < ci->n_bridges && rc == NSW_OK; k++)
			rc = row(s->st[S_BRIDGE], "iiiii", s->run,
				 cn->chat_ids[i], (int64_t)k,
				 cn->chat_ids[ci->bridges[k].chat],
				 (int64_t)ci->bridges[k].shared_accounts);
	}
	return rc;
}

static int save_suspects(struct saver *s)
{
	nsw_casenet *cn = s->cn;
	uint32_t n = nsw_net_suspect_count(cn->net);
	int rc = NSW_OK;

	for (uint32_t r = 0; r < n && rc == NSW_OK; r++) {
		const nsw_net_suspect *sp = nsw_net_suspect_get(cn->net, r);
		int64_t rank = sp->rank;

		rc = row(s->st[S_SUSPECT], "iiidi", s->run, rank,
			 (int64_t)sp->account, sp->score,
			 (int64_t)sp->n_evidence_total);
		for (int t = 0; t < NSW_NET_TERM_COUNT && rc == NSW_OK; t++) {
			const nsw_net_term *tm = &sp->terms[t];

			rc = row(s->st[S_TERM], "iiitdddd", s->run, rank,
				 (int64_t)t, tm->name, tm->raw, tm->value,
				 tm->weight, tm->contribution);
		}
		for (size_t e = 0; e < sp->n_evidence && rc == NSW_OK; e++) {
			uint32_t ai = sp->evidence[e];
			const nsw_net_appearance *a =
				nsw_net_appearance_get(cn->net, ai);
			const nsw_net_item_info *it =
				nsw_net_item(cn->net, a->item);

			rc = row(s->st[S_EVIDENCE], "iiitiii", s->run, rank,
				 (int64_t)e,
				 it->known ? "known" : "seeded-reshared",
				 a->message_id, cn->media[cn->app_media[ai]].id,
				 (int64_t)a->item);
		}
		for (size_t l = 0; l < sp->n_lists && rc == NSW_OK; l++)
			rc = row(s->st[S_LIST], "iit", s->run, rank,
				 sp->lists[l]);
	}
	return rc;
}

static int save_audit(struct saver *s, const char *params)
{
	const nsw_analyze_report *r = &s->cn->rep;
	nsw_buf b;
	int rc;

	nsw_buf_init(&b, 4096);
	rc = nsw_buf_printf(
		&b,
		"{\"run\":%lld,\"params\":%s,\"items\":%u,\"known_items\":%u,"
		"\"accounts\":%u,\"chats\":%u,\"appearances\":%u,"
		"\"suspects\":%u}",
		(long long)s->run, params, r->items, r->known_items,
		r->accounts, r->chats, r->appearances, r->suspects);
	if (rc != NSW_OK)
		rc = nsw_error_set(rc, "analyze: audit detail too long");
	else
		rc = nsw_store__audit_append(s->c, "analyze.run", b.ptr);
	nsw_buf_dispose(&b);
	return rc;
}

int nsw_casenet__save(nsw_casenet *cn, nsw_case *c, int64_t *run_id)
{
	struct saver s = {cn, c, {NULL}, 0};
	nsw_buf params;
	int rc = NSW_OK;

	*run_id = 0;
	nsw_buf_init(&params, 1024);
	for (int i = 0; i < S_COUNT && rc == NSW_OK; i++)
		rc = nsw_sqldb_prepare(c->db, &s.st[i], sql[i]);
	rc = rc ? rc : params_json(cn, &params);
	rc = rc ? rc : save_run(&s, params.ptr);
	rc = rc ? rc : save_items(&s);
	rc = rc ? rc : save_accounts(&s);
	rc = rc ? rc : save_chats(&s);
	rc = rc ? rc : save_suspects(&s);
	rc = rc ? rc : save_audit(&s, params.ptr);
	for (int i = 0; i < S_COUNT; i++)
		nsw_sqldb_finalize(s.st[i]);
	nsw_buf_dispose(&params);
	if (rc == NSW_OK)
		*run_id = s.run;
	return rc;
}

int nsw_case_analyze(nsw_case *c, const nsw_analyze_options *opt,
		     nsw_analyze_report *rep)
{
	nsw_casenet *cn = NULL;
	double t;
	int rc;

	if (rep == NULL || c == NULL)
		return nsw_error_set(NSW_EINVAL, "analyze: NULL argument");
	memset(rep, 0, sizeof(*rep));
	if (c->flags & NSW_CASE_READONLY)
		return nsw_error_set(NSW_EINVAL,
				     "analyze: the case is open read-only");
	if (nsw_sqldb_in_transaction(c->db))
		return nsw_error_set(NSW_EINVAL,
				     "analyze: a transaction is open");
	rc = nsw_casenet__load(&cn, c, opt);
	if (rc != NSW_OK)
		return rc;
	t = nsw_casenet__now();
	rc = nsw_net_analyze(cn->net, &cn->opt.net);
	cn->rep.seconds_analyze = nsw_casenet__now() - t;
	if (rc == NSW_OK) {
		cn->rep.suspects = nsw_net_suspect_count(cn->net);
		cn->rep.communities = nsw_net_community_count(cn->net);
		cn->rep.modularity = nsw_net_modularity(cn->net);
		cn->rep.net = *nsw_net_get_stats(cn->net);
		t = nsw_casenet__now();
		rc = nsw_sqldb_begin_immediate(c->db);
		rc = rc ? rc : nsw_casenet__save(cn, c, &cn->rep.run_id);
		if (rc == NSW_OK)
			rc = nsw_sqldb_commit(c->db);
		if (rc != NSW_OK) {
			nsw_sqldb_rollback(c->db);
			cn->rep.run_id = 0;
		}
		cn->rep.seconds_store = nsw_casenet__now() - t;
	}
	*rep = cn->rep;
	nsw_casenet__free(cn);
	return rc;
}
