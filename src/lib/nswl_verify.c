/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The slow, explicit checks of a list (`list info --verify`): checksums
 * and every cross-reference open() leaves alone; and compaction, which
 * merges a base list and its deltas into one new base.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "netsweep/nswl.h"
#include "alloc.h"
#include "error.h"
#include "limits.h"
#include "nswl_format.h"
#include "pdq_index.h"

static const size_t digest_bytes[3] = {NSW_MD5_BYTES, NSW_SHA1_BYTES,
				       NSW_SHA256_BYTES};

static inline uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static inline uint64_t get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static int verify_segment(const nsw_list__segment_view *s)
{
	uint64_t stored = get64(s->map + NSWL_H_CHECKSUM), sum;
	int rc;

	for (int i = 8; i < 32; i++)
		if (s->map[NSWL_H_CHECKSUM + i] != 0)
			return nsw_error_set(NSW_EFORMAT,
					     "%s: checksum field corrupt",
					     s->what);
	sum = nsw_list__checksum(s->map, s->len);
	if (sum != stored)
		return nsw_error_set(NSW_EFORMAT,
				     "%s: checksum mismatch (stored "
				     "%016llx, computed %016llx): the file "
				     "is corrupt",
				     s->what, (unsigned long long)stored,
				     (unsigned long long)sum);
	for (int a = 0; a < 3; a++) {
		size_t w = digest_bytes[a], rs = nswl_exact_record(a);

		for (uint64_t r = 0; r < s->exact_count[a]; r++) {
			const uint8_t *rec = s->exact[a] + r * rs;
			uint32_t id = get32(rec + w);

			if (id >= s->entries ||
			    get32(s->ent + (size_t)id * NSWL_ENTRY_BYTES +
				  NSWL_E_ROWS + 4 * a) != r)
				return nsw_error_set(NSW_EFORMAT,
						     "%s: %s table row %llu "
						     "and entry %u disagree",
						     s->what,
						     nsw_algo_name((nsw_algo)a),
						     (unsigned long long)r, id);
			if (r > 0) {
				int c = memcmp(rec - rs, rec, w);

				if (c > 0 ||
				    (c == 0 && get32(rec - rs + w) >= id))
					return nsw_error_set(
						NSW_EFORMAT,
						"%s: %s table not sorted at "
						"row %llu",
						s->what,
						nsw_algo_name((nsw_algo)a),
						(unsigned long long)r);
			}
		}
	}
	for (uint32_t r = 0; r < s->pdq->count; r++) {
		uint32_t id = s->rowmap[r];

		if (id >= s->entries ||
		    get32(s->ent + (size_t)id * NSWL_ENTRY_BYTES + NSWL_E_ROWS +
			  12) != r)
			return nsw_error_set(NSW_EFORMAT,
					     "%s: PDQ row %u and entry %u "
					     "disagree",
					     s->what, r, id);
	}
	rc = nsw_pdq_index__verify(s->pdq, s->what);
	if (rc != NSW_OK)
		return rc;
	/* Every entry's hash bits name rows that exist. */
	for (uint64_t i = 0; i < s->entries; i++) {
		const uint8_t *e = s->ent + i * NSWL_ENTRY_BYTES;
		uint32_t has = get32(e + NSWL_E_FLAGS) & 0xf;
		uint64_t counts[4] = {s->exact_count[0], s->exact_count[1],
				      s->exact_count[2], s->pdq->count};

		if (has == 0)
			return nsw_error_set(NSW_EFORMAT,
					     "%s: entry %llu has no hash",
					     s->what, (unsigned long long)i);
		for (int a = 0; a < 4; a++) {
			uint32_t row = get32(e + NSWL_E_ROWS + 4 * a);

			if ((has & (1u << a)) ? row >= counts[a]
					      : row != NSWL_NONE)
				return nsw_error_set(
					NSW_EFORMAT,
					"%s: entry %llu: bad %s "
					"row",
					s->what, (unsigned long long)i,
					nsw_algo_name((nsw_algo)a));
		}
	}
	return NSW_OK;
}

int nsw_list_verify(const nsw_list *l)
{
	if (l == NULL)
		return nsw_error_set(NSW_EINVAL, "list: NULL argument");
	for (uint32_t i = 0; i < nsw_list__segments(l); i++) {
		nsw_list__segment_view v;
		int rc;

		nsw_list__segment(l, i, &v);
		rc = verify_segment(&v);
		if (rc != NSW_OK)
			return rc;
	}
	return NSW_OK;
}

int nsw_list_compact(const char *path, nsw_list_build_stats *stats)
{
	nsw_list *l = NULL;
	nsw_list_builder *b = NULL;
	nsw_list_info info;
	char dpath[NSW_PATH_MAX];
	int rc;

	if (stats)
		memset(stats, 0, sizeof(*stats));
	rc = nsw_list_open(&l, path);
	if (rc != NSW_OK)
		return rc;
	nsw_list_get_info(l, &info);
	rc = nsw_list_builder_new(&b, info.name, info.version);
	for (uint64_t id = 0; rc == NSW_OK && id < info.entries; id++) {
		nsw_list_entry e;

		rc = nsw_list_entry_get(l, id, &e);
		if (rc == NSW_OK)
			rc = nsw_list_builder_add(b, &e);
	}
	if (rc == NSW_OK)
		rc = nsw_list_builder_write(b, path, NULL);
	if (rc == NSW_OK) {
		/* The new base has a new uid: the old deltas no longer
		 * attach to it, so removing them cannot lose a segment. */
		for (uint32_t seq = 1; seq < info.segments; seq++) {
			if (nsw_list__delta_path(dpath, sizeof(dpath), path,
						 seq) != NSW_OK)
				break;
			if (unlink(dpath) != 0 && errno != ENOENT) {
				rc = nsw_error_set(NSW_EIO,
						   "%s: cannot remove: %s",
						   dpath, strerror(errno));
				break;
			}
		}
	}
	if (stats)
		nsw_list_builder_stats(b, stats);
	nsw_list_builder_free(b);
	nsw_list_close(l);
	return rc;
}
