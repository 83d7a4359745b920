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
#include "sqldb.h"
#include "store.h"
#include "vec.h"

/* Pairs compared by brute force at most (device files x 8 variants x
 * posted media): 2e9 is a few seconds; beyond it only exact digests link
 * (a PDQ index for this is future work). */
#define LINKS_PDQ_PAIRS_MAX 2000000000.0

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

int nsw_case_device_links(nsw_case *c, int64_t evidence_id, int threshold,
			  int (*fn)(void *ctx, const nsw_device_link *link),
			  void *ctx)
{
	nsw_vec posted, files, tallies;
	int64_t *who = NULL, *when = NULL;
	int use_pdq, rc;

	nsw_vec_init(&posted, sizeof(struct posted), NSW_VEC_RECORDS_MAX);
	nsw_vec_init(&files, sizeof(struct device_file), NSW_VEC_RECORDS_MAX);
	nsw_vec_init(&tallies, sizeof(struct tally), NSW_VEC_RECORDS_MAX);
	rc = load_posted(c, &posted);
	if (rc == 0)
		rc = load_device(c, evidence_id, &files);
	if (rc < 0)
		goto done;
	use_pdq = threshold >= 0 && (double)files.count *
						    NSW_PDQ_DIHEDRAL_COUNT *
						    (double)posted.count <=
					    LINKS_PDQ_PAIRS_MAX;
	who = nsw__calloc(posted.count + 1, sizeof(*who));
	when = nsw__calloc(posted.count + 1, sizeof(*when));
	if (who == NULL || when == NULL) {
		rc = nsw_error_set(NSW_ENOMEM, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < files.count; i++) {
		const struct device_file *f =
			&((struct device_file *)files.data)[i];
		size_t nwho = 0;

		/* The distinct accounts that posted this file, and whether
		 * each did so byte for byte. */
		for (size_t k = 0; k < posted.count; k++) {
			const struct posted *p =
				&((struct posted *)posted.data)[k];
			int exact = f->has_sha256 && p->has_sha256 &&
				    memcmp(f->sha256, p->sha256, 32) == 0;
			int near = 0;
			size_t j;

			for (int v = 0; !exact && use_pdq && p->has_pdq &&
					v < f->nvariants && !near;
			     v++)
				near = nsw_pdq_distance(&f->variants[v],
							&p->pdq) <= threshold;
			if (!exact && !near)
				continue;
			for (j = 0; j < nwho; j++)
				if (who[j] == p->account ||
				    who[j] == -p->account)
					break;
			if (j == nwho) {
				when[nwho] = p->first;
				who[nwho++] = exact ? -p->account : p->account;
			} else {
				if (exact)
					who[j] = -p->account;
				if (p->first < when[j])
					when[j] = p->first;
			}
		}
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
	nsw__free(who);
	nsw__free(when);
	nsw_vec_dispose(&posted);
	nsw_vec_dispose(&files);
	nsw_vec_dispose(&tallies);
	return rc;
}
