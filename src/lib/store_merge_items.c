/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Merging a partner's case, the items (docs/merge.md): each of their
 * digested files against what we hold, by SHA-256, MD5, SHA-1, then PDQ
 * near-match; the outcome in merge_items, other categories as conflicts.
 * The near-match goes through the exact PDQ index over our hashes (the
 * matcher's, docs/matching.md): the same nearest file a comparison with
 * every one of ours finds, at any size.
 */
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "limits.h"
#include "netsweep/analyze.h"
#include "netsweep/pdq.h"
#include "pdq_index.h"
#include "sqldb.h"
#include "store.h"
#include "store_merge.h"

/* ---- Items: the partner's digests against ours ------------------------- */

static const char *const digest_cols[3] = {"sha256", "md5", "sha1"};

struct item_state {
	/* Our PDQ hashes in file id order, their files, and the index. */
	nsw_pdq_hash *pdq;
	int64_t *pdq_file;
	size_t npdq;
	nsw_pdq_index_built built; /* rowmap: row -> position in pdq */
	nsw_pdq_index view;
	nsw_pdq_query_ctx *qctx;
	nsw_sqlstmt *seen, *add, *ours[3], *theirs[3], *ours_cat[3];
};

static void hex_key(char *out, size_t cap, const char *algo, const void *d,
		    size_t n)
{
	static const char hx[] = "0123456789abcdef";
	const uint8_t *b = d;
	size_t k = (size_t)snprintf(out, cap, "%s:", algo);

	for (size_t i = 0; i < n && k + 2 < cap; i++) {
		out[k++] = hx[b[i] >> 4];
		out[k++] = hx[b[i] & 15];
	}
	out[k < cap ? k : cap - 1] = '\0';
}

static int load_pdq(struct merge *m, struct item_state *is)
{
	nsw_sqlstmt *q = NULL;
	size_t cap = 0;
	int rc = nsw_sqldb_prepare(
		m->c->db, &q,
		"SELECT id, pdq FROM files WHERE status = 'ok' AND pdq IS NOT "
		"NULL AND pdq_quality >= ?1 ORDER BY id");

	if (rc == 0)
		rc = nsw_sqldb_bind_int64(
			q, 1,
			m->opt->pdq_min_quality
				? m->opt->pdq_min_quality
				: NSW_ANALYZE_DEFAULT_MIN_QUALITY);
	while (rc == 0 && (rc = nsw_sqldb_step(q)) == 1) {
		size_t n = 0;
		const void *b = nsw_sqldb_column_blob(q, 1, &n);

		rc = 0;
		if (n != NSW_PDQ_BYTES)
			continue;
		if (is->npdq == cap) {
			nsw_pdq_hash *p;
			int64_t *f;

			if (cap >= NSW_MERGE_PDQ_MAX) {
				rc = nsw_error_set(NSW_ELIMIT,
						   "over %zu PDQ hashes in the "
						   "case",
						   (size_t)NSW_MERGE_PDQ_MAX);
				break;
			}
			cap = cap ? cap * 2 : 1024;
			p = nsw__reallocarray(is->pdq, cap, sizeof(*p));
			if (p != NULL)
				is->pdq = p;
			f = nsw__reallocarray(is->pdq_file, cap, sizeof(*f));
			if (f != NULL)
				is->pdq_file = f;
			if (p == NULL || f == NULL) {
				rc = nsw_error_set(NSW_ENOMEM, "out of memory");
				break;
			}
		}
		is->pdq_file[is->npdq] = nsw_sqldb_column_int64(q, 0);
		memcpy(is->pdq[is->npdq].bytes, b, NSW_PDQ_BYTES);
		is->npdq++;
	}
	nsw_sqldb_finalize(q);
	if (rc < 0 || is->npdq == 0)
		return rc < 0 ? rc : 0;
	rc = nsw_pdq_index__build(&is->built, is->pdq, (uint32_t)is->npdq,
				  NULL);
	/* The index holds its own (sorted) copy of the hashes. */
	nsw__free(is->pdq);
	is->pdq = NULL;
	rc = rc ? rc
		: nsw_pdq_index__open(&is->view, is->built.blob,
				      is->built.blob_len, is->built.hashes,
				      is->npdq * NSW_PDQ_BYTES, "case PDQs");
	return rc ? rc : nsw_pdq_query_ctx_new(&is->qctx);
}

/*
 * Our file nearest to `h` within `threshold` (the lowest file id among
 * equally near ones): *best stays above threshold when there is none.
 */
static int nearest(struct item_state *is, const nsw_pdq_hash *h, int threshold,
		   int *best, int64_t *best_id)
{
	const nsw_pdq_hit *hits = NULL;
	size_t nhits = 0, best_pos = SIZE_MAX;
	int rc = nsw_pdq_index__query(is->qctx, &is->view, h, 1,
				      (uint32_t)threshold, NSW_PDQ_QUERY_AUTO,
				      &hits, &nhits);

	if (rc == NSW_ELIMIT) {
		/* More near files than one query may list (a flood of one
		 * image): compare with all of ours instead, still exact. */
		nsw_error_clear();
		rc = NSW_OK;
		for (uint32_t r = 0; r < is->built.count; r++) {
			size_t pos = is->built.rowmap[r];
			int d = (int)nsw_pdq__distance(
				is->built.hashes + (size_t)r * NSW_PDQ_BYTES,
				h->bytes);

			if (d <= threshold &&
			    (d < *best || (d == *best && pos < best_pos))) {
				*best = d;
				best_pos = pos;
			}
		}
	}
	for (size_t k = 0; rc == NSW_OK && k < nhits; k++) {
		size_t pos = is->built.rowmap[hits[k].row];
		int d = (int)hits[k].distance;

		if (d < *best || (d == *best && pos < best_pos)) {
			*best = d;
			best_pos = pos;
		}
	}
	if (best_pos != SIZE_MAX)
		*best_id = is->pdq_file[best_pos];
	return rc;
}

/* Distinct reported categories of files with digest `d` in `col`. */
static int categories(nsw_sqlstmt *q, const void *d, size_t n, char *out,
		      size_t cap)
{
	size_t len = 0;
	int rc;

	out[0] = '\0';
	nsw_sqldb_reset(q);
	rc = nsw_sqldb_bind_blob(q, 1, d, n);
	while (rc == 0 && (rc = nsw_sqldb_step(q)) == 1) {
		const char *t = nsw_sqldb_column_text(q, 0, NULL);
		int k = snprintf(out + len, cap - len, "%s%s", len ? "," : "",
				 t ? t : "");

		rc = 0;
		if (k < 0 || (size_t)k >= cap - len)
			break;
		len += (size_t)k;
	}
	nsw_sqldb_reset(q);
	return rc < 0 ? rc : 0;
}

static const char cat_sql[] =
	"SELECT DISTINCT ifnull(h.category_scheme, '') || ':' || "
	"h.category_code FROM hits h JOIN files f ON f.id = h.file_id "
	"JOIN lists l ON l.id = h.list_id WHERE f.%s = ?1 AND "
	"h.category_code IS NOT NULL AND h.suppressed = 0 AND l.role = "
	"'match' ORDER BY 1";

static int item_prepare(struct merge *m, struct item_state *is)
{
	char sql[512];
	int rc = nsw_sqldb_prepare(m->c->db, &is->seen,
				   "SELECT merged_utc FROM merge_items WHERE "
				   "source_id = ?1 AND src_key = ?2");

	if (rc == 0)
		rc = nsw_sqldb_prepare(
			m->c->db, &is->add,
			"INSERT INTO merge_items(source_id, src_key, via, "
			"dst_key, distance, merged_utc) VALUES(?1, ?2, ?3, "
			"?4, ?5, ?6)");
	for (int a = 0; rc == 0 && a < 3; a++) {
		snprintf(sql, sizeof(sql),
			 "SELECT id FROM files WHERE %s = ?1 LIMIT 1",
			 digest_cols[a]);
		rc = nsw_sqldb_prepare(m->c->db, &is->ours[a], sql);
		snprintf(sql, sizeof(sql), cat_sql, digest_cols[a]);
		if (rc == 0)
			rc = nsw_sqldb_prepare(m->c->db, &is->ours_cat[a], sql);
		if (rc == 0)
			rc = nsw_sqldb_prepare(m->src, &is->theirs[a], sql);
	}
	return rc;
}

static void item_finalize(struct item_state *is)
{
	nsw_sqldb_finalize(is->seen);
	nsw_sqldb_finalize(is->add);
	for (int a = 0; a < 3; a++) {
		nsw_sqldb_finalize(is->ours[a]);
		nsw_sqldb_finalize(is->ours_cat[a]);
		nsw_sqldb_finalize(is->theirs[a]);
	}
	nsw__free(is->pdq);
	nsw__free(is->pdq_file);
	nsw_pdq_index__built_free(&is->built);
	nsw_pdq_query_ctx_free(is->qctx);
}

/* Our key of file `id` (its SHA-256, else MD5, else SHA-1) and which
 * digest column it is in. */
static int our_key(struct merge *m, int64_t id, char *key, size_t cap,
		   int *algo, uint8_t d[32], size_t *dn)
{
	nsw_sqlstmt *q = NULL;
	int rc = nsw_sqldb_prepare(
		m->c->db, &q,
		"SELECT sha256, md5, sha1 FROM files WHERE id = ?1");

	key[0] = '\0';
	*algo = -1;
	if (rc == 0)
		rc = nsw_sqldb_bind_int64(q, 1, id);
	if (rc == 0 && (rc = nsw_sqldb_step(q)) == 1) {
		rc = 0;
		for (int a = 0; a < 3 && *algo < 0; a++) {
			size_t n = 0;
			const void *b = nsw_sqldb_column_blob(q, a, &n);

			if (b && n > 0 && n <= 32) {
				hex_key(key, cap, digest_cols[a], b, n);
				memcpy(d, b, n);
				*dn = n;
				*algo = a;
			}
		}
	}
	nsw_sqldb_finalize(q);
	return rc < 0 ? rc : 0;
}

static int item_one(struct merge *m, struct item_state *is, nsw_sqlstmt *q)
{
	const void *dg[3];
	size_t dn[3];
	char key[80], dst_key[80] = "", ours[512], theirs[512];
	const char *via = "new";
	int algo = -1, dst_algo = -1, distance = 0, rc;
	uint8_t dst_d[32];
	size_t dst_n = 0;

	for (int a = 0; a < 3; a++) {
		dg[a] = nsw_sqldb_column_blob(q, a, &dn[a]);
		if (dg[a] == NULL || dn[a] == 0 || dn[a] > 32)
			dg[a] = NULL;
		if (dg[a] && algo < 0)
			algo = a;
	}
	if (algo < 0)
		return 0;
	hex_key(key, sizeof(key), digest_cols[algo], dg[algo], dn[algo]);
	nsw_sqldb_reset(is->seen);
	if (nsw_sqldb_bind_int64(is->seen, 1, m->source_id) < 0 ||
	    nsw_sqldb_bind_text(is->seen, 2, key) < 0)
		return nsw_error_last_code();
	rc = nsw_sqldb_step(is->seen);
	if (rc == 1) {
		const char *when = nsw_sqldb_column_text(is->seen, 0, NULL);

		if (when == NULL || strcmp(when, m->now) != 0)
			m->r->items_already++;
		nsw_sqldb_reset(is->seen);
		return 0;
	}
	nsw_sqldb_reset(is->seen);
	if (rc < 0)
		return rc;
	m->r->items++;
	for (int a = 0; a < 3 && dst_algo < 0; a++) {
		if (dg[a] == NULL)
			continue;
		nsw_sqldb_reset(is->ours[a]);
		rc = nsw_sqldb_bind_blob(is->ours[a], 1, dg[a], dn[a]);
		if (rc == 0)
			rc = nsw_sqldb_step(is->ours[a]);
		nsw_sqldb_reset(is->ours[a]);
		if (rc < 0)
			return rc;
		if (rc == 1) {
			dst_algo = a;
			via = digest_cols[a];
			memcpy(dst_d, dg[a], dn[a]);
			dst_n = dn[a];
			hex_key(dst_key, sizeof(dst_key), digest_cols[a], dg[a],
				dn[a]);
		}
	}
	if (dst_algo < 0 && !m->opt->no_pdq) {
		size_t pn = 0;
		const void *p = nsw_sqldb_column_blob(q, 3, &pn);
		int quality = (int)nsw_sqldb_column_int64(q, 4);
		int threshold = m->opt->pdq_threshold
					? m->opt->pdq_threshold
					: NSW_ANALYZE_DEFAULT_THRESHOLD;
		int min_q = m->opt->pdq_min_quality
				    ? m->opt->pdq_min_quality
				    : NSW_ANALYZE_DEFAULT_MIN_QUALITY;

		if (p && pn == NSW_PDQ_BYTES && quality >= min_q &&
		    is->npdq > 0) {
			nsw_pdq_hash h;
			int best = NSW_PDQ_BITS + 1;
			int64_t best_id = 0;

			memcpy(h.bytes, p, NSW_PDQ_BYTES);
			rc = nearest(is, &h, threshold, &best, &best_id);
			if (rc < 0)
				return rc;
			if (best <= threshold) {
				rc = our_key(m, best_id, dst_key,
					     sizeof(dst_key), &dst_algo, dst_d,
					     &dst_n);
				if (rc < 0)
					return rc;
				via = "pdq";
				distance = best;
			}
		}
	}
	if (strcmp(via, "new") == 0)
		m->r->items_new++;
	else if (strcmp(via, "pdq") == 0)
		m->r->items_by_pdq++;
	else
		m->r->items_by_digest++;
	nsw_sqldb_reset(is->add);
	if (nsw_sqldb_bind_int64(is->add, 1, m->source_id) < 0 ||
	    nsw_sqldb_bind_text(is->add, 2, key) < 0 ||
	    nsw_sqldb_bind_text(is->add, 3, via) < 0 ||
	    nsw_sqldb_bind_text(is->add, 4, dst_key[0] ? dst_key : NULL) < 0 ||
	    nsw_sqldb_bind_int64(is->add, 5, distance) < 0 ||
	    nsw_sqldb_bind_text(is->add, 6, m->now) < 0)
		return nsw_error_last_code();
	rc = nsw_sqldb_run(is->add);
	if (rc < 0 || dst_algo < 0)
		return rc;
	/* Same item, other categories: kept and listed. */
	rc = categories(is->theirs[algo], dg[algo], dn[algo], theirs,
			sizeof(theirs));
	if (rc == 0)
		rc = categories(is->ours_cat[dst_algo], dst_d, dst_n, ours,
				sizeof(ours));
	if (rc == 0 && ours[0] && theirs[0] && strcmp(ours, theirs) != 0)
		rc = nsw_merge__conflict_add(m, "item-category", key, ours,
					     theirs);
	return rc;
}

int nsw_merge__items(struct merge *m)
{
	struct item_state is;
	nsw_sqlstmt *q = NULL;
	int rc;

	memset(&is, 0, sizeof(is));
	rc = m->opt->no_pdq ? 0 : load_pdq(m, &is);
	if (rc == 0)
		rc = item_prepare(m, &is);
	if (rc == 0)
		rc = nsw_sqldb_prepare(
			m->src, &q,
			"SELECT sha256, md5, sha1, pdq, pdq_quality FROM files "
			"WHERE status = 'ok' AND coalesce(sha256, md5, sha1) "
			"IS NOT NULL ORDER BY id");
	while (rc == 0 && (rc = nsw_sqldb_step(q)) == 1)
		rc = item_one(m, &is, q);
	nsw_sqldb_finalize(q);
	item_finalize(&is);
	return rc < 0 ? nsw_error_prefix(rc, "merging items") : 0;
}
