/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Read routes over the case: overview, lists, evidence, hits, one file,
 * attribution, the audit log. Views of suspect data are audited with the
 * session's user as actor. Paths of evidence on disk are never sent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "srv_app.h"

/* Largest JSON answer (bytes); a bigger one is 413 "narrow the filter". */
#define SRV_JSON_MAX (16u << 20)
#define HITS_LIMIT_DEFAULT 200
#define HITS_LIMIT_MAX 5000
#define AUDIT_LIMIT_MAX 5000

static int query_uint(const srv_request *req, const char *key,
		      unsigned long dflt, unsigned long max, unsigned long *out)
{
	const char *s = srv_query(req, key);
	char *end = NULL;

	*out = dflt;
	if (s == NULL || *s == '\0')
		return 0;
	if (*s < '0' || *s > '9')
		return -1;
	*out = strtoul(s, &end, 10);
	if (*end != '\0' || *out > max)
		return -1;
	return 0;
}

static int fail(srv_ctx *x, int rc)
{
	return srv_reply_error(x->res, srv_status_for(rc),
			       rc == NSW_ENOTFOUND ? "not found"
						   : "could not read the case");
}

static int group_json(void *ctx, const nsw_case_group *g)
{
	srv_out *o = ctx;

	srv_out_sep(o);
	srv_out_raw(o, "{\"key\":");
	srv_out_str(o, g->key);
	if (g->key2) {
		srv_out_raw(o, ",\"version\":");
		srv_out_str(o, g->key2);
	}
	srv_out_printf(o, ",\"count\":%lld,\"bytes\":%lld}",
		       (long long)g->count, (long long)g->bytes);
	return o->failed ? 1 : 0;
}

int srv_h_overview(srv_ctx *x)
{
	const nsw_case_meta *m = nsw_case_get_meta(x->c);
	nsw_case_totals t;
	srv_out o;
	int rc = nsw_case_get_totals(x->c, 0, &t);

	if (rc != NSW_OK)
		return fail(x, rc);
	srv_out_init(&o, SRV_JSON_MAX);
	srv_out_raw(&o, "{\"case\":{\"uuid\":");
	srv_out_str(&o, m->uuid);
	srv_out_raw(&o, ",\"name\":");
	srv_out_str(&o, m->name);
	srv_out_raw(&o, ",\"examiner\":");
	srv_out_str(&o, m->examiner);
	srv_out_raw(&o, ",\"created_utc\":");
	srv_out_str(&o, m->created_utc);
	srv_out_printf(&o, ",\"schema_version\":%d},\"counts\":{",
		       m->schema_version);
	srv_out_printf(&o,
		       "\"evidence\":%lld,\"files\":%lld,\"files_ok\":%lld,"
		       "\"bytes\":%lld,\"errors\":%lld,\"skipped\":%lld,",
		       (long long)t.evidence, (long long)t.files,
		       (long long)t.files_ok, (long long)t.bytes,
		       (long long)t.errors, (long long)t.skipped);
	srv_out_printf(&o,
		       "\"hits\":%lld,\"hits_suppressed\":%lld,"
		       "\"files_with_hits\":%lld,\"lists\":%lld,"
		       "\"scan_runs\":%lld,\"audit_entries\":%lld}",
		       (long long)t.hits, (long long)t.hits_suppressed,
		       (long long)t.files_with_hits, (long long)t.lists,
		       (long long)t.scan_runs, (long long)t.audit_entries);
	/* Auditors see counts only; category names are case data. */
	if (x->who.role != NSW_ROLE_AUDITOR) {
		srv_out_raw(&o, ",\"by_category\":[");
		rc = nsw_case_summary_foreach(x->c, 0, NSW_GROUP_BY_CATEGORY,
					      group_json, &o);
		srv_out_raw(&o, "],\"by_media_type\":[");
		rc = rc ? rc
			: nsw_case_summary_foreach(x->c, 0,
						   NSW_GROUP_BY_MEDIA_TYPE,
						   group_json, &o);
		srv_out_raw(&o, "]");
		if (rc < 0) {
			srv_out_free(&o);
			return fail(x, rc);
		}
	}
	srv_out_raw(&o, "}");
	return srv_out_reply(&o, x->res, 200);
}

int srv_h_lists(srv_ctx *x)
{
	srv_out o;
	int rc;

	srv_out_init(&o, SRV_JSON_MAX);
	srv_out_raw(&o, "{\"lists\":[");
	rc = nsw_case_summary_foreach(x->c, 0, NSW_GROUP_BY_LIST, group_json,
				      &o);
	srv_out_raw(&o, "]}");
	if (rc < 0) {
		srv_out_free(&o);
		return fail(x, rc);
	}
	return srv_out_reply(&o, x->res, 200);
}

static int evidence_json(void *ctx, const nsw_evidence *ev)
{
	srv_out *o = ctx;

	srv_out_sep(o);
	srv_out_printf(o, "{\"id\":%lld,\"label\":", (long long)ev->id);
	srv_out_str(o, ev->label);
	srv_out_raw(o, ",\"kind\":");
	srv_out_str(o, ev->kind);
	srv_out_raw(o, ",\"added_by\":");
	srv_out_str(o, ev->added_by);
	srv_out_raw(o, ",\"added_utc\":");
	srv_out_str(o, ev->added_utc);
	srv_out_raw(o, ",\"manifest_algo\":");
	srv_out_str(o, ev->manifest_algo);
	srv_out_raw(o, ",\"manifest_root\":");
	if (ev->manifest_root)
		srv_out_hex(o, ev->manifest_root, ev->manifest_root_len);
	else
		srv_out_raw(o, "null");
	srv_out_raw(o, "}");
	return o->failed ? 1 : 0;
}

int srv_h_evidence(srv_ctx *x)
{
	srv_out o;
	int rc;

	srv_out_init(&o, SRV_JSON_MAX);
	srv_out_raw(&o, "{\"evidence\":[");
	rc = nsw_case_evidence_foreach(x->c, evidence_json, &o);
	srv_out_raw(&o, "]}");
	if (rc < 0) {
		srv_out_free(&o);
		return fail(x, rc);
	}
	return srv_out_reply(&o, x->res, 200);
}

struct hits_walk {
	srv_out *o;
	const char *evidence, *category, *list;
	unsigned long offset, limit, seen, sent;
};

static void file_digests(srv_out *o, const nsw_case_file *f)
{
	if (f->has & NSW_CASE_HAS_MD5) {
		srv_out_raw(o, ",\"md5\":");
		srv_out_hex(o, f->md5, sizeof(f->md5));
	}
	if (f->has & NSW_CASE_HAS_SHA1) {
		srv_out_raw(o, ",\"sha1\":");
		srv_out_hex(o, f->sha1, sizeof(f->sha1));
	}
	if (f->has & NSW_CASE_HAS_SHA256) {
		srv_out_raw(o, ",\"sha256\":");
		srv_out_hex(o, f->sha256, sizeof(f->sha256));
	}
	if (f->has & NSW_CASE_HAS_PDQ) {
		srv_out_raw(o, ",\"pdq\":");
		srv_out_hex(o, f->pdq.bytes, sizeof(f->pdq.bytes));
		srv_out_printf(o, ",\"pdq_quality\":%d", f->pdq_quality);
		/* A PDQ from a cut file (--partial-images) says so. */
		if (f->pdq_partial)
			srv_out_printf(o,
				       ",\"pdq_partial\":true,"
				       "\"pdq_rows_present\":%u,"
				       "\"pdq_rows\":%u",
				       f->pdq_rows_present, f->pdq_rows);
	}
}

static int hit_json(void *ctx, const nsw_hit_row *row)
{
	struct hits_walk *w = ctx;
	srv_out *o = w->o;
	const nsw_case_hit *h = &row->hit;
	char cat[160];

	snprintf(cat, sizeof(cat), "%s:%s",
		 h->category_scheme ? h->category_scheme : "",
		 h->category_code ? h->category_code : "");
	if (w->evidence && strcmp(w->evidence, row->evidence_label) != 0)
		return 0;
	if (w->list && strcmp(w->list, row->list_name) != 0)
		return 0;
	if (w->category && strcmp(w->category, cat) != 0 &&
	    !(h->category_code && strcmp(w->category, h->category_code) == 0))
		return 0;
	if (w->seen++ < w->offset)
		return 0;
	if (w->sent >= w->limit)
		return 0; /* keep counting for "total" */
	if (w->sent++)
		srv_out_raw(o, ",");
	srv_out_printf(o, "{\"id\":%lld,\"file_id\":%lld,\"evidence\":",
		       (long long)h->id, (long long)h->file_id);
	srv_out_str(o, row->evidence_label);
	srv_out_raw(o, ",\"path\":");
	srv_out_str(o, row->file->display_path);
	srv_out_raw(o, ",\"media_type\":");
	srv_out_str(o, row->file->media_type);
	srv_out_printf(o, ",\"size\":%lld", (long long)row->file->size);
	file_digests(o, row->file);
	srv_out_raw(o, ",\"list\":");
	srv_out_str(o, row->list_name);
	srv_out_raw(o, ",\"list_version\":");
	srv_out_str(o, row->list_version);
	srv_out_raw(o, ",\"entry_ref\":");
	srv_out_str(o, h->entry_ref);
	srv_out_printf(o, ",\"algo\":\"%s\",\"distance\":%d,\"dihedral\":%d",
		       nsw_algo_name(h->algo), h->distance, h->dihedral);
	srv_out_raw(o, ",\"category\":");
	srv_out_str(o, h->category_code ? cat : NULL);
	srv_out_printf(o, ",\"suppressed\":%s,\"recorded_utc\":",
		       h->suppressed ? "true" : "false");
	srv_out_str(o, row->recorded_utc);
	srv_out_raw(o, "}");
	return o->failed ? 1 : 0;
}

static int audit_view(srv_ctx *x, const char *action, const char *k1,
		      const char *v1, const char *k2, const char *v2)
{
	srv_out d;
	int rc;

	srv_out_init(&d, 4096);
	srv_out_raw(&d, "{");
	if (k1) {
		srv_out_printf(&d, "\"%s\":", k1);
		srv_out_str(&d, v1);
	}
	if (k2) {
		srv_out_printf(&d, "%s\"%s\":", k1 ? "," : "", k2);
		srv_out_str(&d, v2);
	}
	srv_out_raw(&d, "}");
	rc = d.failed ? NSW_ENOMEM : srv_audit(x, action, d.p);
	srv_out_free(&d);
	return rc;
}

int srv_h_hits(srv_ctx *x)
{
	struct hits_walk w;
	nsw_hit_filter f;
	srv_out o;
	int rc;

	memset(&w, 0, sizeof(w));
	memset(&f, 0, sizeof(f));
	if (query_uint(x->req, "offset", 0, 1ul << 40, &w.offset) ||
	    query_uint(x->req, "limit", HITS_LIMIT_DEFAULT, HITS_LIMIT_MAX,
		       &w.limit))
		return srv_reply_error(x->res, 400, "bad offset or limit");
	w.evidence = srv_query(x->req, "evidence");
	w.category = srv_query(x->req, "category");
	w.list = srv_query(x->req, "list");
	f.include_suppressed = srv_query(x->req, "suppressed") != NULL;
	w.o = &o;
	srv_out_init(&o, SRV_JSON_MAX);
	srv_out_raw(&o, "{\"hits\":[");
	rc = nsw_case_hits_foreach(x->c, &f, hit_json, &w);
	srv_out_printf(&o, "],\"total\":%lu,\"offset\":%lu,\"limit\":%lu}",
		       w.seen, w.offset, w.limit);
	if (rc < 0) {
		srv_out_free(&o);
		return fail(x, rc);
	}
	rc = audit_view(x, "view.hits", "evidence", w.evidence, "category",
			w.category);
	if (rc != NSW_OK) {
		srv_out_free(&o);
		return fail(x, rc);
	}
	return srv_out_reply(&o, x->res, 200);
}

int srv_parse_id(const char *s, int64_t *out)
{
	char *end = NULL;
	unsigned long long v;

	if (s == NULL || *s < '1' || *s > '9')
		return -1;
	v = strtoull(s, &end, 10);
	if (*end != '\0' || v > (unsigned long long)INT64_MAX)
		return -1;
	*out = (int64_t)v;
	return 0;
}

int srv_h_file(srv_ctx *x)
{
	nsw_case_file f;
	int64_t id;
	srv_out o;
	int rc;

	if (srv_parse_id(srv_param(x->req, 0), &id) != 0)
		return srv_reply_error(x->res, 400, "bad file id");
	rc = nsw_case_file_get(x->c, id, &f);
	if (rc != NSW_OK)
		return fail(x, rc);
	srv_out_init(&o, SRV_JSON_MAX);
	srv_out_printf(&o, "{\"id\":%lld,\"evidence_id\":%lld,\"path\":",
		       (long long)f.id, (long long)f.evidence_id);
	srv_out_str(&o, f.display_path);
	srv_out_raw(&o, ",\"media_type\":");
	srv_out_str(&o, f.media_type);
	srv_out_printf(&o, ",\"size\":%lld,\"status\":\"%s\"",
		       (long long)f.size, nsw_file_status_name(f.status));
	file_digests(&o, &f);
	srv_out_raw(&o, ",\"revealable\":");
	srv_out_raw(&o, f.media_type && strncmp(f.media_type, "image/", 6) == 0
				? "true"
				: "false");
	srv_out_raw(&o, "}");
	rc = audit_view(x, "view.file", "file_id", srv_param(x->req, 0), NULL,
			NULL);
	if (rc != NSW_OK) {
		srv_out_free(&o);
		return fail(x, rc);
	}
	return srv_out_reply(&o, x->res, 200);
}

struct attrib_walk {
	srv_out *o;
	const char *country;
	unsigned long n;
};

static int attrib_json(void *ctx, const nsw_attrib_account *a)
{
	struct attrib_walk *w = ctx;
	srv_out *o = w->o;

	if (w->country && strcmp(w->country, a->chosen) != 0)
		return 0;
	if (w->n++)
		srv_out_raw(o, ",");
	srv_out_printf(o, "{\"account_id\":%lld,\"platform\":",
		       (long long)a->account_id);
	srv_out_str(o, a->platform);
	srv_out_raw(o, ",\"native_id\":");
	srv_out_str(o, a->native_id);
	srv_out_raw(o, ",\"country\":");
	srv_out_str(o, a->chosen);
	srv_out_printf(o, ",\"conflict\":%s,\"bases\":[",
		       a->conflict ? "true" : "false");
	for (size_t i = 0; i < a->basis_count; i++) {
		const nsw_attrib_basis *b = &a->bases[i];

		srv_out_raw(o, i ? ",{\"country\":" : "{\"country\":");
		srv_out_str(o, b->country);
		srv_out_raw(o, ",\"basis\":");
		srv_out_str(o, b->basis);
		srv_out_printf(
			o, ",\"confidence\":%.3f,\"source\":", b->confidence);
		srv_out_str(o, b->source);
		srv_out_raw(o, "}");
	}
	srv_out_raw(o, "]}");
	return o->failed ? 1 : 0;
}

int srv_h_attribution(srv_ctx *x)
{
	struct attrib_walk w;
	srv_out o;
	int rc;

	memset(&w, 0, sizeof(w));
	w.o = &o;
	w.country = srv_query(x->req, "country");
	if (w.country && *w.country == '\0')
		w.country = NULL;
	srv_out_init(&o, SRV_JSON_MAX);
	srv_out_raw(&o, "{\"accounts\":[");
	rc = nsw_attrib_foreach(x->c, attrib_json, &w);
	srv_out_printf(&o, "],\"total\":%lu}", w.n);
	if (rc < 0) {
		srv_out_free(&o);
		return fail(x, rc);
	}
	rc = audit_view(x, "view.attribution", "country", w.country, NULL,
			NULL);
	if (rc != NSW_OK) {
		srv_out_free(&o);
		return fail(x, rc);
	}
	return srv_out_reply(&o, x->res, 200);
}

struct audit_walk {
	srv_out *o;
	unsigned long after, limit, n;
};

static int audit_json(void *ctx, const nsw_audit_entry *e)
{
	struct audit_walk *w = ctx;
	srv_out *o = w->o;

	if ((unsigned long)e->seq <= w->after)
		return 0;
	if (w->n >= w->limit)
		return 1;
	if (w->n++)
		srv_out_raw(o, ",");
	srv_out_printf(o, "{\"seq\":%lld,\"time_utc\":", (long long)e->seq);
	srv_out_str(o, e->time_utc);
	srv_out_raw(o, ",\"actor\":");
	srv_out_str(o, e->actor);
	srv_out_raw(o, ",\"action\":");
	srv_out_str(o, e->action);
	/* detail is JSON the library wrote; sent as a string so the client
	 * never evaluates it as structure it did not expect. */
	srv_out_raw(o, ",\"detail\":");
	srv_out_str(o, e->detail);
	srv_out_raw(o, ",\"hash\":");
	srv_out_hex(o, e->hash, 32);
	srv_out_raw(o, "}");
	return o->failed ? 2 : 0;
}

int srv_h_audit(srv_ctx *x)
{
	struct audit_walk w;
	srv_out o;
	int rc;

	memset(&w, 0, sizeof(w));
	if (query_uint(x->req, "after", 0, 1ul << 40, &w.after) ||
	    query_uint(x->req, "limit", 500, AUDIT_LIMIT_MAX, &w.limit))
		return srv_reply_error(x->res, 400, "bad after or limit");
	w.o = &o;
	srv_out_init(&o, SRV_JSON_MAX);
	srv_out_raw(&o, "{\"entries\":[");
	rc = nsw_case_audit_foreach(x->c, audit_json, &w);
	srv_out_raw(&o, "]}");
	if (rc < 0) {
		srv_out_free(&o);
		return fail(x, rc);
	}
	return srv_out_reply(&o, x->res, 200);
}

int srv_h_audit_verify(srv_ctx *x)
{
	nsw_audit_check chk;
	srv_out o;
	int rc = nsw_case_audit_verify(x->c, &chk);

	if (rc != NSW_OK)
		return fail(x, rc);
	srv_out_init(&o, 4096);
	srv_out_printf(&o,
		       "{\"ok\":%s,\"entries\":%lld,\"first_bad\":%lld,"
		       "\"reason\":",
		       chk.ok ? "true" : "false", (long long)chk.entries,
		       (long long)chk.first_bad);
	srv_out_str(&o, chk.reason);
	srv_out_printf(&o,
		       ",\"head_seq\":%lld,\"head\":", (long long)chk.head_seq);
	srv_out_hex(&o, chk.head, 32);
	srv_out_raw(&o, "}");
	return srv_out_reply(&o, x->res, 200);
}
