/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the .nswl list reader (open from memory, then every lookup
 * and the full verification walk over whatever open accepted). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netsweep/nswl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	nsw_list *l = NULL;
	nsw_list_cursor *c = NULL;
	nsw_list_info info;
	uint8_t *copy;
	nsw_pdq_hash q;

	/* A mapping is page-aligned: give the reader the same alignment. */
	copy = malloc(size ? size : 1);
	if (copy == NULL)
		return 0;
	if (size)
		memcpy(copy, data, size);
	/* Make the header's file size agree with the input's most of the
	 * time, so mutations reach past the first check. */
	if (size >= 24 && (data[0] & 1) == 0) {
		uint64_t n = size;

		memcpy(copy + 16, &n, 8);
	}
	if (nsw_list_open_buffer(&l, copy, size, "fuzz") != NSW_OK) {
		free(copy);
		return 0;
	}
	nsw_list_get_info(l, &info);
	memset(&q, 0, sizeof(q));
	for (uint64_t id = 0; id < info.entries && id < 64; id++) {
		nsw_list_entry e;
		uint64_t ids[4];
		size_t found;

		if (nsw_list_entry_get(l, id, &e) != NSW_OK)
			continue;
		if (e.has & NSW_HAS_MD5)
			nsw_list_find_digest(l, NSW_ALGO_MD5, e.md5, ids, 4,
					     &found);
		if (e.has & NSW_HAS_SHA1)
			nsw_list_find_digest(l, NSW_ALGO_SHA1, e.sha1, ids, 4,
					     &found);
		if (e.has & NSW_HAS_SHA256)
			nsw_list_find_digest(l, NSW_ALGO_SHA256, e.sha256, ids,
					     4, &found);
		if (e.has & NSW_HAS_PDQ)
			q = e.pdq;
	}
	if (nsw_list_cursor_new(&c) == NSW_OK) {
		const nsw_list_pdq_hit *hits;
		size_t n;

		nsw_list_find_pdq(c, l, &q, 1, 31, &hits, &n);
		nsw_list_find_pdq(c, l, &q, 1, 63, &hits, &n);
		nsw_list_cursor_free(c);
	}
	nsw_list_verify(l);
	nsw_list_close(l);
	free(copy);
	return 0;
}
