/* SPDX-License-Identifier: Apache-2.0 */
/* The scan's matcher over .nswl list files: opens them, checksums them for
 * the case, and turns each hashed file into a match query. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "error.h"
#include "limits.h"
#include "netsweep/digest.h"
#include "netsweep/scan.h"

struct nsw_scan_lists {
	nsw_list **lists;
	nsw_case_list *cases;
	char (*checksums)[2 * NSW_SHA256_BYTES + 1];
	uint32_t count;
	nsw_matcher *matcher;
	nsw_scan_matcher scan_matcher;
};

/* SHA-256 over one file's bytes, fed into `d`. */
static int digest_file(nsw_digest *d, const char *path, uint8_t *buf)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;
	int rc = NSW_OK;

	if (fd < 0)
		return nsw_error_set(errno == ENOENT ? NSW_ENOTFOUND : NSW_EIO,
				     "%s: %s", path, strerror(errno));
	while ((n = read(fd, buf, NSW_READ_CHUNK)) > 0 && rc == NSW_OK)
		rc = nsw_digest_update(d, buf, (size_t)n);
	if (n < 0 && rc == NSW_OK)
		rc = nsw_error_set(NSW_EIO, "%s: %s", path, strerror(errno));
	close(fd);
	return rc;
}

/* Checksum of a list: its base file then each delta segment, in order. */
static int list_checksum(const nsw_list *list, char out[65])
{
	nsw_list_info info;
	nsw_digest *d = NULL;
	nsw_digests sum;
	uint8_t *buf = NULL;
	char seg[NSW_PATH_MAX + 16];
	int rc;

	nsw_list_get_info(list, &info);
	buf = nsw__malloc(NSW_READ_CHUNK);
	if (buf == NULL)
		return nsw_error_set(NSW_ENOMEM,
				     "list checksum: out of memory");
	rc = nsw_digest_new(&d, NSW_ALGO_BIT(NSW_ALGO_SHA256));
	rc = rc ? rc : digest_file(d, info.path, buf);
	for (uint32_t i = 1; rc == NSW_OK && i < info.segments; i++) {
		if (snprintf(seg, sizeof(seg), "%s.d%03u", info.path, i) >=
		    (int)sizeof(seg)) {
			rc = nsw_error_set(NSW_ELIMIT, "%s: path too long",
					   info.path);
			break;
		}
		rc = digest_file(d, seg, buf);
	}
	rc = rc ? rc : nsw_digest_final(d, &sum);
	if (rc == NSW_OK)
		nsw_hex_encode(out, sum.sha256, NSW_SHA256_BYTES);
	nsw_digest_free(d);
	nsw__free(buf);
	return rc;
}

static int thread_init(void *ctx, void **state)
{
	nsw_match_ctx *mc = NULL;
	int rc = nsw_match_ctx_new(&mc);

	(void)ctx;
	*state = mc;
	return rc;
}

static void thread_free(void *ctx, void *state)
{
	(void)ctx;
	nsw_match_ctx_free(state);
}

static int match_file(void *ctx, void *state, const nsw_file_hash *f,
		      nsw_scan_matches *out)
{
	const nsw_scan_lists *l = ctx;
	nsw_match_query q;
	nsw_match_result res;
	int rc;

	memset(&q, 0, sizeof(q));
	q.label = "";
	q.has = f->has & (NSW_HAS_MD5 | NSW_HAS_SHA1 | NSW_HAS_SHA256);
	memcpy(q.md5, f->digests.md5, sizeof(q.md5));
	memcpy(q.sha1, f->digests.sha1, sizeof(q.sha1));
	memcpy(q.sha256, f->digests.sha256, sizeof(q.sha256));
	q.pdq_quality = -1;
	if (f->has & NSW_ALGO_BIT(NSW_ALGO_PDQ)) {
		q.has |= NSW_HAS_PDQ;
		q.pdq[0] = f->pdq.hash;
		q.npdq = 1;
		if (f->pdq.has_dihedral) {
			for (int i = 1; i < NSW_PDQ_DIHEDRAL_COUNT; i++)
				q.pdq[i] = f->pdq.dihedral[i];
			q.npdq = NSW_PDQ_DIHEDRAL_COUNT;
		}
		q.pdq_quality = f->pdq.quality;
	}
	if (q.has == 0)
		return NSW_OK;
	rc = nsw_matcher_match(l->matcher, state, &q, &res);
	for (size_t i = 0; rc == NSW_OK && i < res.count; i++) {
		const nsw_match_record *r = &res.records[i];
		nsw_scan_match m;

		memset(&m, 0, sizeof(m));
		m.list = r->list_index;
		m.entry_id = r->entry_id;
		m.entry_ref = r->entry.source_id;
		m.algo = r->algo;
		m.distance = (int)r->distance;
		m.dihedral = r->algo == NSW_ALGO_PDQ ? r->variant : -1;
		m.category_scheme = r->entry.category_scheme;
		m.category_code = r->entry.category_code;
		rc = nsw_scan_matches_add(out, &m);
	}
	return rc;
}

void nsw_scan_lists_free(nsw_scan_lists *l)
{
	if (l == NULL)
		return;
	nsw_matcher_free(l->matcher);
	for (uint32_t i = 0; i < l->count; i++)
		nsw_list_close(l->lists[i]);
	nsw__free(l->lists);
	nsw__free(l->cases);
	nsw__free(l->checksums);
	nsw__free(l);
}

static int open_one(nsw_scan_lists *l, const char *path, int allow)
{
	uint32_t i = l->count;
	nsw_list_info info;
	int rc;

	rc = nsw_list_open(&l->lists[i], path);
	if (rc != NSW_OK)
		return rc;
	l->count++;
	rc = list_checksum(l->lists[i], l->checksums[i]);
	if (rc != NSW_OK)
		return rc;
	nsw_list_get_info(l->lists[i], &info);
	l->cases[i].name = info.name;
	l->cases[i].version = info.version != NULL ? info.version : "";
	l->cases[i].checksum = l->checksums[i];
	l->cases[i].source_path = info.path;
	l->cases[i].entries = (int64_t)info.entries;
	l->cases[i].role = allow ? NSW_LIST_ROLE_ALLOW : NSW_LIST_ROLE_MATCH;
	return nsw_matcher_add_list(l->matcher, l->lists[i], allow, -1);
}

int nsw_scan_lists_open(nsw_scan_lists **out, const char *const *match,
			size_t nmatch, const char *const *allow, size_t nallow,
			const nsw_match_options *opts)
{
	nsw_scan_lists *l = NULL;
	size_t total = nmatch + nallow;
	int rc;

	if (out == NULL)
		return nsw_error_set(NSW_EINVAL, "scan lists: NULL out");
	*out = NULL;
	if ((nmatch > 0 && match == NULL) || (nallow > 0 && allow == NULL))
		return nsw_error_set(NSW_EINVAL, "scan lists: NULL paths");
	if (total > NSW_SCAN_LISTS_MAX)
		return nsw_error_set(NSW_ELIMIT, "more than %d lists",
				     NSW_SCAN_LISTS_MAX);
	l = nsw__calloc(1, sizeof(*l));
	if (l == NULL)
		return nsw_error_set(NSW_ENOMEM, "scan lists: out of memory");
	l->lists = nsw__calloc(total + 1, sizeof(*l->lists));
	l->cases = nsw__calloc(total + 1, sizeof(*l->cases));
	l->checksums = nsw__calloc(total + 1, sizeof(*l->checksums));
	if (l->lists == NULL || l->cases == NULL || l->checksums == NULL) {
		rc = nsw_error_set(NSW_ENOMEM, "scan lists: out of memory");
		goto done;
	}
	rc = nsw_matcher_new(&l->matcher, opts);
	for (size_t i = 0; rc == NSW_OK && i < nmatch; i++)
		rc = open_one(l, match[i], 0);
	for (size_t i = 0; rc == NSW_OK && i < nallow; i++)
		rc = open_one(l, allow[i], 1);
	if (rc != NSW_OK)
		goto done;
	l->scan_matcher.thread_init = thread_init;
	l->scan_matcher.thread_free = thread_free;
	l->scan_matcher.match = match_file;
	l->scan_matcher.ctx = l;
	*out = l;
	l = NULL;
done:
	nsw_scan_lists_free(l);
	return rc;
}

const nsw_case_list *nsw_scan_lists_cases(const nsw_scan_lists *l,
					  uint32_t *count)
{
	*count = l != NULL ? l->count : 0;
	return l != NULL ? l->cases : NULL;
}

const nsw_scan_matcher *nsw_scan_lists_matcher(const nsw_scan_lists *l)
{
	return l != NULL ? &l->scan_matcher : NULL;
}
