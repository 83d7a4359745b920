/* SPDX-License-Identifier: Apache-2.0 */
/* Device-to-account links: files on a seized device that accounts posted
 * in the monitored chats. */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "limits.h"
#include "netsweep/links.h"
#include "netsweep/pdq.h"
#include "pdq_index.h"
#include "sqldb.h"
#include "store.h"
#include "vec.h"

struct posted {
	int64_t account;
	int64_t first; /* earliest post time (UTC seconds; INT64_MAX unknown) */
	uint8_t sha256[32];
	int has_sha256;
	nsw_pdq_hash pdq;
	int has_pdq;
};

struct device_file {
	uint8_t sha256[32];
	int has_sha256;
	nsw_pdq_hash variants[NSW_PDQ_DIHEDRAL_COUNT];
	int nvariants;
};

struct tally {
	int64_t account;
	uint64_t files, exact;
	double score;
};

static int load_posted(nsw_case *c, nsw_vec *out)
{
	nsw_sqlstmt *q = NULL;
	int rc = nsw_sqldb_prepare(
		c->db, &q,
		"SELECT msg.sender_account_id, m.sha256, m.pdq, "
		"min(ifnull(msg.time_unix, 9223372036854775807)) FROM media m "
		"JOIN messages msg ON msg.id = m.message_id WHERE "
		"msg.sender_account_id IS NOT NULL AND (m.sha256 IS NOT NULL "
		"OR m.pdq IS NOT NULL) GROUP BY 1, 2, 3");

	while (rc == 0 && (rc = nsw_sqldb_step(q)) == 1) {
		struct posted *p = nsw_vec_push(out);
		size_t n;
		const void *b;

		rc = 0;
		if (p == NULL) {
			rc = nsw_error_set(NSW_ENOMEM, "out of memory");
			break;
		}
		p->account = nsw_sqldb_column_int64(q, 0);
		p->first = nsw_sqldb_column_int64(q, 3);
		b = nsw_sqldb_column_blob(q, 1, &n);
		if (b && n == 32) {
			memcpy(p->sha256, b, 32);
			p->has_sha256 = 1;
		}
		b = nsw_sqldb_column_blob(q, 2, &n);
		if (b && n == NSW_PDQ_BYTES) {
			memcpy(p->pdq.bytes, b, NSW_PDQ_BYTES);
			p->has_pdq = 1;
		}
	}
	nsw_sqldb_finalize(q);
	return rc < 0 ? rc : 0;
}

static int load_device(nsw_case *c, int64_t evidence_id, nsw_vec *out)
{
	nsw_sqlstmt *q = NULL;
	int rc = nsw_sqldb_prepare(
		c->db, &q,
		"SELECT sha256, pdq, pdq_dihedral FROM files WHERE "
		"evidence_id = ?1 AND status = 'ok'");

	if (rc == 0)
		rc = nsw_sqldb_bind_int64(q, 1, evidence_id);
	while (rc == 0 && (rc = nsw_sqldb_step(q)) == 1) {
		struct device_file *f = nsw_vec_push(out);
		size_t n;
		const uint8_t *b;

		rc = 0;
		if (f == NULL) {
			rc = nsw_error_set(NSW_ENOMEM, "out of memory");
			break;
		}
		b = nsw_sqldb_column_blob(q, 0, &n);
		if (b && n == 32) {
			memcpy(f->sha256, b, 32);
			f->has_sha256 = 1;
		}
		/* Every dihedral variant when stored (schema v3), else the
		 * hash itself: rotated or mirrored copies still link. */
		b = nsw_sqldb_column_blob(q, 2, &n);
		if (b && n == NSW_PDQ_BYTES * NSW_PDQ_DIHEDRAL_COUNT) {
			for (int v = 0; v < NSW_PDQ_DIHEDRAL_COUNT; v++)
				memcpy(f->variants[v].bytes,
				       b + v * NSW_PDQ_BYTES, NSW_PDQ_BYTES);
			f->nvariants = NSW_PDQ_DIHEDRAL_COUNT;
		} else {
			b = nsw_sqldb_column_blob(q, 1, &n);
			if (b && n == NSW_PDQ_BYTES) {
				memcpy(f->variants[0].bytes, b, NSW_PDQ_BYTES);
				f->nvariants = 1;
			}
		}
	}
	nsw_sqldb_finalize(q);
	return rc < 0 ? rc : 0;
}

static int by_score(const void *a, const void *b)
{
	const struct tally *x = a, *y = b;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	if (x->files != y->files)
		return x->files > y->files ? -1 : 1;
	return (x->account > y->account) - (x->account < y->account);
}

static struct tally *tally_for(nsw_vec *t, int64_t account)
{
	struct tally *e;

	for (size_t i = 0; i < t->count; i++) {
		e = &((struct tally *)t->data)[i];
		if (e->account == account)
			return e;
	}
	e = nsw_vec_push(t);
	if (e != NULL)
		e->account = account;
	return e;
}

static int emit(nsw_case *c, const struct tally *t,
		int (*fn)(void *, const nsw_device_link *), void *ctx)
{
	nsw_sqlstmt *q = NULL;
	nsw_device_link link;
	int rc = nsw_sqldb_prepare(c->db, &q,
				   "SELECT p.name, a.native_id FROM accounts a "
				   "JOIN platforms p ON p.id = a.platform_id "
				   "WHERE a.id = ?1");

	if (rc == 0)
		rc = nsw_sqldb_bind_int64(q, 1, t->account);
	if (rc == 0 && nsw_sqldb_step(q) == 1) {
		link.account_id = t->account;
		link.platform = nsw_sqldb_column_text(q, 0, NULL);
		link.native_id = nsw_sqldb_column_text(q, 1, NULL);
		link.files = t->files;
		link.exact = t->exact;
		link.score = t->score;
		if (link.platform == NULL)
			link.platform = "";
		if (link.native_id == NULL)
			link.native_id = "";
		rc = fn(ctx, &link);
	}
	nsw_sqldb_finalize(q);
	return rc;
}

/*
 * How device files find the posted media they match: the posted rows
 * sorted by SHA-256 (a binary search per file) and a PDQ index over the
 * posted PDQs (one radius query per file, its variants together). Exact:
 * the same pairs as comparing every file with every row, at any size.
 */
struct finder {
	const struct posted *posted;
	uint32_t *by_sha; /* posted rows with a SHA-256, sorted by it */
	size_t n_sha;
	nsw_pdq_index_built built; /* over posted PDQs; rowmap -> pdq_row */
	nsw_pdq_index view;
	uint32_t *pdq_row; /* index input position -> posted row */
	uint32_t n_pdq;
	nsw_pdq_query_ctx *qctx;
};

static int by_sha(const void *a, const void *b, void *ctx)
{
	const struct posted *p = ctx;

	return memcmp(p[*(const uint32_t *)a].sha256,
		      p[*(const uint32_t *)b].sha256, 32);
}

static void finder_free(struct finder *fd)
{
	nsw__free(fd->by_sha);
	nsw__free(fd->pdq_row);
	nsw_pdq_index__built_free(&fd->built);
	nsw_pdq_query_ctx_free(fd->qctx);
}

static int finder_init(struct finder *fd, const nsw_vec *posted, int use_pdq)
{
	const struct posted *p = posted->data;
	nsw_pdq_hash *hashes = NULL;
	int rc = NSW_OK;

	memset(fd, 0, sizeof(*fd));
	fd->posted = p;
	if (posted->count > UINT32_MAX - 1)
		return nsw_error_set(NSW_ELIMIT,
				     "device links: %zu posted "
				     "media rows",
				     posted->count);
	fd->by_sha = nsw__calloc(posted->count + 1, sizeof(*fd->by_sha));
	fd->pdq_row = nsw__calloc(posted->count + 1, sizeof(*fd->pdq_row));
	hashes = nsw__calloc(posted->count + 1, sizeof(*hashes));
	if (fd->by_sha == NULL || fd->pdq_row == NULL || hashes == NULL) {
		rc = nsw_error_set(NSW_ENOMEM, "out of memory");
		goto done;
	}
	for (size_t k = 0; k < posted->count; k++) {
		if (p[k].has_sha256)
			fd->by_sha[fd->n_sha++] = (uint32_t)k;
		if (use_pdq && p[k].has_pdq) {
			hashes[fd->n_pdq] = p[k].pdq;
			fd->pdq_row[fd->n_pdq++] = (uint32_t)k;
		}
	}
	qsort_r(fd->by_sha, fd->n_sha, sizeof(*fd->by_sha), by_sha, (void *)p);
	if (fd->n_pdq == 0)
		goto done;
	rc = nsw_pdq_index__build(&fd->built, hashes, fd->n_pdq, NULL);
	rc = rc ? rc
		: nsw_pdq_index__open(&fd->view, fd->built.blob,
				      fd->built.blob_len, fd->built.hashes,
				      (size_t)fd->n_pdq * NSW_PDQ_BYTES,
				      "posted media");
	rc = rc ? rc : nsw_pdq_query_ctx_new(&fd->qctx);
done:
	nsw__free(hashes);
	return rc;
}

/* First position in by_sha whose digest is >= sha. */
static size_t sha_lower(const struct finder *fd, const uint8_t *sha)
{
	size_t lo = 0, hi = fd->n_sha;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (memcmp(fd->posted[fd->by_sha[mid]].sha256, sha, 32) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Credit `p` (exact or near) to the file's list of distinct accounts. */
static void credit(int64_t *who, int64_t *when, size_t *nwho,
		   const struct posted *p, int exact)
{
	size_t j;

	for (j = 0; j < *nwho; j++)
		if (who[j] == p->account || who[j] == -p->account)
			break;
	if (j == *nwho) {
		when[j] = p->first;
		who[(*nwho)++] = exact ? -p->account : p->account;
		return;
	}
	if (exact)
		who[j] = -p->account;
	if (p->first < when[j])
		when[j] = p->first;
}

/* The distinct accounts that posted file f (negative: byte for byte) and
 * when each first did; `mark` remembers which posted rows were seen. */
static int accounts_of(struct finder *fd, const struct device_file *f,
		       int threshold, uint32_t stamp, uint32_t *mark,
		       int64_t *who, int64_t *when, size_t *nwho)
{
	const nsw_pdq_hit *hits = NULL;
	size_t nhits = 0;
	int rc;

	*nwho = 0;
	if (f->has_sha256) {
		for (size_t i = sha_lower(fd, f->sha256);
		     i < fd->n_sha && memcmp(fd->posted[fd->by_sha[i]].sha256,
					     f->sha256, 32) == 0;
		     i++) {
			mark[fd->by_sha[i]] = stamp;
			credit(who, when, nwho, &fd->posted[fd->by_sha[i]], 1);
		}
	}
	if (fd->qctx == NULL || f->nvariants == 0)
		return NSW_OK;
	rc = nsw_pdq_index__query(fd->qctx, &fd->view, f->variants,
				  (uint32_t)f->nvariants, (uint32_t)threshold,
				  NSW_PDQ_QUERY_AUTO, &hits, &nhits);
	for (size_t h = 0; rc == NSW_OK && h < nhits; h++) {
		uint32_t k = fd->pdq_row[fd->built.rowmap[hits[h].row]];

		if (mark[k] == stamp)
			continue; /* exact already, or another variant */
		mark[k] = stamp;
		credit(who, when, nwho, &fd->posted[k], 0);
	}
	return rc;
}

int nsw_case_device_links(nsw_case *c, int64_t evidence_id, int threshold,
			  int (*fn)(void *ctx, const nsw_device_link *link),
			  void *ctx)
{
	nsw_vec posted, files, tallies;
	struct finder fd;
	int64_t *who = NULL, *when = NULL;
	uint32_t *mark = NULL;
	int rc;

	memset(&fd, 0, sizeof(fd));
	nsw_vec_init(&posted, sizeof(struct posted), NSW_VEC_RECORDS_MAX);
	nsw_vec_init(&files, sizeof(struct device_file), NSW_VEC_RECORDS_MAX);
	nsw_vec_init(&tallies, sizeof(struct tally), NSW_VEC_RECORDS_MAX);
	if (threshold > NSW_PDQ_BITS)
		threshold = NSW_PDQ_BITS;
	rc = load_posted(c, &posted);
	if (rc == 0)
		rc = load_device(c, evidence_id, &files);
	if (rc == 0)
		rc = finder_init(&fd, &posted, threshold >= 0);
	if (rc < 0)
		goto done;
	who = nsw__calloc(posted.count + 1, sizeof(*who));
	when = nsw__calloc(posted.count + 1, sizeof(*when));
	mark = nsw__calloc(posted.count + 1, sizeof(*mark));
	if (who == NULL || when == NULL || mark == NULL) {
		rc = nsw_error_set(NSW_ENOMEM, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < files.count; i++) {
		size_t nwho = 0;

		rc = accounts_of(&fd, &((struct device_file *)files.data)[i],
				 threshold, (uint32_t)i + 1, mark, who, when,
				 &nwho);
		if (rc != NSW_OK)
			goto done;
		for (size_t j = 0; j < nwho; j++) {
			int64_t account = who[j] < 0 ? -who[j] : who[j];
			struct tally *t = tally_for(&tallies, account);
			int first = 1;

			if (t == NULL) {
				rc = nsw_error_set(NSW_ENOMEM, "out of memory");
				goto done;
			}
			for (size_t k = 0; k < nwho; k++)
				if (when[k] < when[j])
					first = 0;
			t->files++;
			t->exact += who[j] < 0;
			/* Shared evenly, plus 1 to whoever posted it first:
			 * the originator is likeliest to hold the file. */
			t->score += 1.0 / (double)nwho + (first ? 1.0 : 0.0);
		}
	}
	qsort(tallies.data, tallies.count, tallies.size, by_score);
	for (size_t i = 0; rc == 0 && i < tallies.count; i++)
		rc = emit(c, &((struct tally *)tallies.data)[i], fn, ctx);
done:
	finder_free(&fd);
	nsw__free(who);
	nsw__free(when);
	nsw__free(mark);
	nsw_vec_dispose(&posted);
	nsw_vec_dispose(&files);
	nsw_vec_dispose(&tallies);
	return rc;
}
