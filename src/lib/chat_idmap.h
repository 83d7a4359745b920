/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Library-internal: a string-keyed id cache with open addressing (linear
 * probing, power-of-two capacity, at most 70% full), used by the chat store
 * for accounts, names and chats, with the seen times gathered per key.
 */
#ifndef NSW_LIB_CHAT_IDMAP_H
#define NSW_LIB_CHAT_IDMAP_H

#include <stddef.h>
#include <stdint.h>

struct slot {
	uint64_t h;
	char *key; /* NULL: empty */
	size_t klen;
	int64_t id;
	int64_t first, last; /* seen times (UTC seconds); first > last: none */
	int dirty;
	char *ref; /* names: "file:line" of the first sighting */
};

struct idmap {
	struct slot *v;
	size_t cap, n;
};

/* Hash of a key. */
uint64_t nsw_chat__hash_key(const void *key, size_t len);
/* Free every key; the map is empty and reusable. */
void nsw_chat__idmap_clear(struct idmap *m);
/* The slot of a key, or NULL. */
struct slot *nsw_chat__idmap_find(const struct idmap *m, const void *key,
				  size_t klen, uint64_t h);
/* Insert a key known to be absent (copied); *out its slot, valid until
 * the next put. 0 or NSW_ENOMEM. */
int nsw_chat__idmap_put(struct idmap *m, const void *key, size_t klen,
			uint64_t h, int64_t id, struct slot **out);
/* Widen the slot's seen range with `t` (ignored when t <= 0). */
void nsw_chat__slot_seen(struct slot *s, int64_t t);

#endif
