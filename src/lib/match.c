/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The matcher: exact digests and PDQ (with dihedral variants, per-list
 * thresholds and a quality gate) against known lists, with allow-lists
 * that suppress alerts. Deterministic order, read-only across threads.
 */
#include <stdlib.h>
#include <string.h>

#include "netsweep/match.h"
#include "alloc.h"
#include "error.h"
#include "limits.h"

typedef struct matched_list {
	const nsw_list *list;
	int allow;
	uint32_t threshold;
	const char *name, *version;
} matched_list;

struct nsw_matcher {
	nsw_match_options opts;
	matched_list lists[NSW_MATCH_LISTS_MAX];
	uint32_t nlists;
};

struct nsw_match_ctx {
	nsw_list_cursor *cursor;
	nsw_match_record *recs;
	size_t nrecs, cap;
	nsw_list_pdq_hit *best; /* per-entry best variant */
	size_t best_cap;
};

void nsw_match_options_init(nsw_match_options *o)
{
	memset(o, 0, sizeof(*o));
	o->threshold = NSW_MATCH_DEFAULT_THRESHOLD;
	o->min_quality = NSW_MATCH_DEFAULT_MIN_QUALITY;
	o->dihedral = 1;
}

int nsw_matcher_new(nsw_matcher **out, const nsw_match_options *opts)
{
	nsw_matcher *m;

	if (out == NULL)
		return nsw_error_set(NSW_EINVAL, "matcher: NULL out");
	*out = NULL;
	if (opts && opts->threshold > NSW_MATCH_MAX_THRESHOLD)
		return nsw_error_set(NSW_EINVAL,
				     "matcher: PDQ threshold %u over %d",
				     opts->threshold, NSW_MATCH_MAX_THRESHOLD);
	m = nsw__calloc(1, sizeof(*m));
	if (m == NULL)
		return nsw_error_set(NSW_ENOMEM, "out of memory");
	if (opts)
		m->opts = *opts;
	else
		nsw_match_options_init(&m->opts);
	*out = m;
	return NSW_OK;
}

int nsw_matcher_add_list(nsw_matcher *m, const nsw_list *list, int allow,
			 int threshold)
{
	nsw_list_info info;
	matched_list *ml;

	if (m == NULL || list == NULL || threshold < -1 ||
	    threshold > NSW_MATCH_MAX_THRESHOLD)
		return nsw_error_set(NSW_EINVAL,
				     "matcher: bad list or threshold %d",
				     threshold);
	if (m->nlists >= NSW_MATCH_LISTS_MAX)
		return nsw_error_set(NSW_ELIMIT, "matcher: more than %d lists",
				     NSW_MATCH_LISTS_MAX);
	nsw_list_get_info(list, &info);
	ml = &m->lists[m->nlists++];
	ml->list = list;
	ml->allow = allow != 0;
	ml->threshold = threshold < 0 ? m->opts.threshold : (uint32_t)threshold;
	ml->name = info.name;
	ml->version = info.version;
	return NSW_OK;
}

void nsw_matcher_free(nsw_matcher *m)
{
	nsw__free(m);
}

int nsw_match_ctx_new(nsw_match_ctx **out)
{
	nsw_match_ctx *c = nsw__calloc(1, sizeof(*c));
	int rc;

	*out = NULL;
	if (c == NULL)
		return nsw_error_set(NSW_ENOMEM, "out of memory");
	rc = nsw_list_cursor_new(&c->cursor);
	if (rc != NSW_OK) {
		nsw__free(c);
		return rc;
	}
	*out = c;
	return NSW_OK;
}

void nsw_match_ctx_free(nsw_match_ctx *c)
{
	if (c == NULL)
		return;
	nsw_list_cursor_free(c->cursor);
	nsw__free(c->recs);
	nsw__free(c->best);
	nsw__free(c);
}

static int push(nsw_match_ctx *c, const matched_list *ml, uint32_t li,
		nsw_algo algo, uint64_t id, uint32_t distance, int variant)
{
	nsw_match_record *r;
	int rc;

	if (c->nrecs == c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 16;
		nsw_match_record *p;

		if (ncap > NSW_PDQ_QUERY_SCRATCH_MAX)
			return nsw_error_set(NSW_ELIMIT,
					     "match: too many hits for one "
					     "query");
		p = nsw__reallocarray(c->recs, ncap, sizeof(*p));
		if (p == NULL)
			return nsw_error_set(NSW_ENOMEM, "out of memory");
		c->recs = p;
		c->cap = ncap;
	}
	r = &c->recs[c->nrecs];
	memset(r, 0, sizeof(*r));
	rc = nsw_list_entry_get(ml->list, id, &r->entry);
	if (rc != NSW_OK)
		return rc;
	r->algo = algo;
	switch (algo) {
	case NSW_ALGO_MD5:
		memcpy(r->hash, r->entry.md5, 16);
		break;
	case NSW_ALGO_SHA1:
		memcpy(r->hash, r->entry.sha1, 20);
		break;
	case NSW_ALGO_SHA256:
		memcpy(r->hash, r->entry.sha256, 32);
		break;
	default:
		memcpy(r->hash, r->entry.pdq.bytes, 32);
		break;
	}
	r->distance = distance;
	r->variant = variant;
	r->list_index = li;
	r->list_name = ml->name;
	r->list_version = ml->version;
	r->entry_id = id;
	r->status = ml->allow ? NSW_MATCH_ALLOWED : NSW_MATCH_ALERT;
	c->nrecs++;
	return NSW_OK;
}

/* Digest hits of one algorithm, ascending entry id. */
static int match_digest(nsw_match_ctx *c, const matched_list *ml, uint32_t li,
			nsw_algo algo, const uint8_t *digest)
{
	uint64_t ids[64];
	size_t found = 0, done = 0;
	int rc;

	rc = nsw_list_find_digest(ml->list, algo, digest, ids, 64, &found);
	if (rc != NSW_OK)
		return rc;
	if (found > 64) {
		/* Rare: many entries share the digest; fetch them all. */
		uint64_t *all = nsw__calloc(found, sizeof(*all));
		size_t again = 0;

		if (all == NULL)
			return nsw_error_set(NSW_ENOMEM, "out of memory");
		rc = nsw_list_find_digest(ml->list, algo, digest, all, found,
					  &again);
		for (size_t i = 0; rc == NSW_OK && i < again && i < found; i++)
			rc = push(c, ml, li, algo, all[i], 0, -1);
		nsw__free(all);
		return rc;
	}
	for (; done < found; done++) {
		rc = push(c, ml, li, algo, ids[done], 0, -1);
		if (rc != NSW_OK)
			return rc;
	}
	return NSW_OK;
}

static int best_cmp(const void *a, const void *b)
{
	const nsw_list_pdq_hit *x = a, *y = b;

	if (x->entry != y->entry)
		return x->entry < y->entry ? -1 : 1;
	if (x->distance != y->distance)
		return x->distance < y->distance ? -1 : 1;
	return x->query < y->query ? -1 : x->query > y->query;
}

/* PDQ hits: one record per entry, its best variant. */
static int match_pdq(nsw_match_ctx *c, const matched_list *ml, uint32_t li,
		     const nsw_pdq_hash *q, uint32_t nq)
{
	const nsw_list_pdq_hit *hits = NULL;
	size_t n = 0;
	int rc;

	rc = nsw_list_find_pdq(c->cursor, ml->list, q, nq, ml->threshold, &hits,
			       &n);
	if (rc != NSW_OK || n == 0)
		return rc;
	if (n > c->best_cap) {
		nsw_list_pdq_hit *p = nsw__reallocarray(c->best, n, sizeof(*p));

		if (p == NULL)
			return nsw_error_set(NSW_ENOMEM, "out of memory");
		c->best = p;
		c->best_cap = n;
	}
	memcpy(c->best, hits, n * sizeof(*hits));
	qsort(c->best, n, sizeof(*c->best), best_cmp);
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && c->best[i].entry == c->best[i - 1].entry)
			continue;
		rc = push(c, ml, li, NSW_ALGO_PDQ, c->best[i].entry,
			  c->best[i].distance, (int)c->best[i].query);
		if (rc != NSW_OK)
			return rc;
	}
	return NSW_OK;
}

int nsw_matcher_match(const nsw_matcher *m, nsw_match_ctx *c,
		      const nsw_match_query *q, nsw_match_result *out)
{
	int use_pdq, allowed = 0;
	uint32_t nq;

	memset(out, 0, sizeof(*out));
	if (m == NULL || c == NULL || q == NULL ||
	    (q->has & NSW_HAS_PDQ && q->npdq != 1 &&
	     q->npdq != NSW_PDQ_DIHEDRAL_COUNT))
		return nsw_error_set(NSW_EINVAL, "match: bad query");
	c->nrecs = 0;
	use_pdq = (q->has & NSW_HAS_PDQ) != 0;
	if (use_pdq && q->pdq_quality >= 0 &&
	    q->pdq_quality < m->opts.min_quality) {
		use_pdq = 0;
		out->pdq_low_quality = 1;
	}
	nq = m->opts.dihedral ? (uint32_t)q->npdq : 1;
	for (uint32_t li = 0; li < m->nlists; li++) {
		const matched_list *ml = &m->lists[li];
		int rc = NSW_OK;

		if (q->has & NSW_HAS_MD5)
			rc = match_digest(c, ml, li, NSW_ALGO_MD5, q->md5);
		if (rc == NSW_OK && (q->has & NSW_HAS_SHA1))
			rc = match_digest(c, ml, li, NSW_ALGO_SHA1, q->sha1);
		if (rc == NSW_OK && (q->has & NSW_HAS_SHA256))
			rc = match_digest(c, ml, li, NSW_ALGO_SHA256,
					  q->sha256);
		if (rc == NSW_OK && use_pdq)
			rc = match_pdq(c, ml, li, q->pdq, nq);
		if (rc != NSW_OK)
			return rc;
	}
	for (size_t i = 0; i < c->nrecs; i++)
		if (c->recs[i].status == NSW_MATCH_ALLOWED)
			allowed = 1;
	for (size_t i = 0; i < c->nrecs; i++) {
		if (c->recs[i].status != NSW_MATCH_ALERT)
			continue;
		if (allowed) {
			c->recs[i].status = NSW_MATCH_SUPPRESSED;
			out->suppressed++;
		} else {
			out->alerts++;
		}
	}
	out->records = c->recs;
	out->count = c->nrecs;
	return NSW_OK;
}
