/* SPDX-License-Identifier: Apache-2.0 */
/* The chat store's in-memory id cache (chat_idmap.h). */
#include <string.h>

#include "alloc.h"
#include "chat_idmap.h"
#include "error.h"

uint64_t nsw_chat__hash_key(const void *key, size_t len)
{
	const uint8_t *p = key;
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h ^ (h >> 29);
}

void nsw_chat__idmap_clear(struct idmap *m)
{
	for (size_t i = 0; i < m->cap; i++) {
		nsw__free(m->v[i].key);
		nsw__free(m->v[i].ref);
	}
	nsw__free(m->v);
	m->v = NULL;
	m->cap = m->n = 0;
}

struct slot *nsw_chat__idmap_find(const struct idmap *m, const void *key,
				  size_t klen, uint64_t h)
{
	if (m->cap == 0)
		return NULL;
	for (size_t i = h & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		struct slot *s = &m->v[i];

		if (s->key == NULL)
			return NULL;
		if (s->h == h && s->klen == klen &&
		    memcmp(s->key, key, klen) == 0)
			return s;
	}
}

static int idmap_grow(struct idmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 1024;
	struct slot *v = nsw__calloc(cap, sizeof(*v));

	if (v == NULL)
		return nsw_error_set(NSW_ENOMEM, "chat store: out of memory");
	for (size_t i = 0; i < m->cap; i++) {
		size_t j;

		if (m->v[i].key == NULL)
			continue;
		for (j = m->v[i].h & (cap - 1); v[j].key != NULL;
		     j = (j + 1) & (cap - 1))
			;
		v[j] = m->v[i];
	}
	nsw__free(m->v);
	m->v = v;
	m->cap = cap;
	return NSW_OK;
}

/* Insert a key known to be absent. */
int nsw_chat__idmap_put(struct idmap *m, const void *key, size_t klen,
			uint64_t h, int64_t id, struct slot **out)
{
	struct slot *s;
	size_t i;
	int rc;

	if ((m->n + 1) * 10 > m->cap * 7) {
		rc = idmap_grow(m);
		if (rc != NSW_OK)
			return rc;
	}
	for (i = h & (m->cap - 1); m->v[i].key != NULL;
	     i = (i + 1) & (m->cap - 1))
		;
	s = &m->v[i];
	s->key = nsw__malloc(klen + 1);
	if (s->key == NULL)
		return nsw_error_set(NSW_ENOMEM, "chat store: out of memory");
	memcpy(s->key, key, klen);
	s->key[klen] = '\0';
	s->h = h;
	s->klen = klen;
	s->id = id;
	s->first = INT64_MAX;
	s->last = INT64_MIN;
	s->dirty = 0;
	s->ref = NULL;
	m->n++;
	*out = s;
	return NSW_OK;
}

void nsw_chat__slot_seen(struct slot *s, int64_t t)
{
	if (t <= 0)
		return;
	if (t < s->first) {
		s->first = t;
		s->dirty = 1;
	}
	if (t > s->last) {
		s->last = t;
		s->dirty = 1;
	}
}
