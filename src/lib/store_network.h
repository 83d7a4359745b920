/* SPDX-License-Identifier: Apache-2.0 */
/* Library-internal: a case loaded into the network engine, with the maps
 * back from the engine's dense indices to the case's row ids. */
#ifndef NSW_LIB_STORE_NETWORK_H
#define NSW_LIB_STORE_NETWORK_H

#include "netsweep/analyze.h"
#include "store.h"

/* How a media copy was joined to another (analysis_item_links.via). */
enum {
	NSW_JOIN_SHA256 = 0,
	NSW_JOIN_MD5,
	NSW_JOIN_SHA1,
	NSW_JOIN_PDQ
};

typedef struct nsw_casenet_media {
	int64_t id;	 /* media.id */
	int64_t file_id; /* media.file_id or 0 */
	uint8_t md5[16], sha1[20], sha256[32];
	nsw_pdq_hash pdq;
	unsigned has; /* NSW_CASE_HAS_* */
	int quality;  /* -1 unknown */
} nsw_casenet_media;

/* One union that joined two copies: a spanning forest of each item. */
typedef struct nsw_casenet_link {
	uint32_t a, b; /* media indices */
	uint8_t via;   /* NSW_JOIN_* */
	uint16_t distance;
} nsw_casenet_link;

typedef struct nsw_casenet {
	nsw_network *net;
	nsw_analyze_options opt;
	/* Accounts: index < n_real is account_ids[index]; past it, the
	 * pseudo-account of anonymous posts in chat anon_chat[index-n_real]. */
	int64_t *account_ids;
	uint32_t n_real;
	int64_t *anon_chat;
	uint32_t n_anon, anon_cap;
	int64_t *chat_ids;
	uint32_t n_chats;
	/* Per chat, over all its messages (not only media): messages and
	 * distinct sender accounts. */
	int64_t *chat_messages, *chat_senders;
	/* Media rows with a digest, by id; item of each. */
	nsw_casenet_media *media;
	uint32_t n_media;
	uint32_t *media_item;
	/* Items: representative media index (smallest id), how many copies,
	 * whether only PDQ joined some copy. */
	uint32_t *item_rep;
	uint32_t *item_copies;
	uint32_t n_items;
	nsw_casenet_link *links;
	uint32_t n_links;
	/* Per appearance: its media index. */
	uint32_t *app_media;
	uint32_t app_cap;
	nsw_analyze_report rep;
} nsw_casenet;

/* Grow *p (capacity *cap elements of `size`) to hold `need`, at most
 * `max` (NSW_ELIMIT naming `what`). @return 0, NSW_ELIMIT, NSW_ENOMEM */
int nsw_casenet__grow(void **p, uint32_t *cap, uint32_t need, size_t size,
		      uint32_t max, const char *what);

/* qsort_r context of nsw_casenet__by_digest: media, the digest's offset
 * in nsw_casenet_media and its length. */
struct nsw_casenet_digest_sort {
	const nsw_casenet_media *media;
	size_t off, len;
};

/* Order media indexes by one digest, then by index (stable). */
int nsw_casenet__by_digest(const void *pa, const void *pb, void *ctx);

/* Unify the loaded media copies into items (media_item, item_rep,
 * item_copies, links). @return 0, NSW_ELIMIT, NSW_ENOMEM, NSW_ETHREAD... */
int nsw_casenet__unify_media(nsw_casenet *cn);

/* Load (not analyse). *out owned: nsw_casenet__free. */
int nsw_casenet__load(nsw_casenet **out, nsw_case *c,
		      const nsw_analyze_options *opt);
void nsw_casenet__free(nsw_casenet *cn);

/* Hex of the best digest of a media row (SHA-256, MD5, SHA-1, PDQ) into
 * out (>= 65 bytes); returns the algorithm name. */
const char *nsw_casenet__media_hex(const nsw_casenet_media *m, char *out);

/* store_network_save.c: write an analysed network as a run. */
int nsw_casenet__save(nsw_casenet *cn, nsw_case *c, int64_t *run_id);

/* Monotonic seconds. */
double nsw_casenet__now(void);

#endif
