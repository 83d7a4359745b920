/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Known-hash list files (.nswl): the builder that writes them, and the
 * read-only, memory-mapped list (a base file plus its delta segments) with
 * entry, exact-digest and PDQ radius lookups. Format: docs/formats/nswl.md.
 */
#ifndef NETSWEEP_NSWL_H
#define NETSWEEP_NSWL_H

#include "netsweep/common.h"
#include "netsweep/list.h"
#include "netsweep/pdq.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Building ---------------------------------------------------------- */

typedef struct nsw_list_builder nsw_list_builder;
typedef struct nsw_list nsw_list;

/** What a builder saw: every entry read is either kept or a duplicate. */
typedef struct nsw_list_build_stats {
	uint64_t read;	    /**< entries passed to _add */
	uint64_t kept;	    /**< stored */
	uint64_t duplicate; /**< same hashes and category as one stored
			       (in this builder or in the base list) */
} nsw_list_build_stats;

/**
 * A builder for a new list.
 * @param out     owned; free with nsw_list_builder_free()
 * @param name    list name, copied (required, non-empty)
 * @param version list version, copied (may be NULL)
 * @return 0, NSW_EINVAL, NSW_ENOMEM
 */
NSW_EXTERN int nsw_list_builder_new(nsw_list_builder **out, const char *name,
				    const char *version);

/**
 * A builder for a delta segment of an open list: name and version come from
 * `base`, and entries already in any of its segments count as duplicates.
 * @param base borrowed; must stay open until the builder is freed
 * @return 0, NSW_EINVAL, NSW_ENOMEM
 */
NSW_EXTERN int nsw_list_builder_new_delta(nsw_list_builder **out,
					  const nsw_list *base);

/**
 * Add one entry; everything kept is copied. An entry with no hash is
 * refused (NSW_EINVAL); one with the same hashes and the same category
 * (scheme, code) as a stored entry is counted as a duplicate, not stored.
 * @return 0, NSW_EINVAL, NSW_ELIMIT (list or string too large), NSW_ENOMEM
 */
NSW_EXTERN int nsw_list_builder_add(nsw_list_builder *b,
				    const nsw_list_entry *entry);

/** Counters so far. */
NSW_EXTERN void nsw_list_builder_stats(const nsw_list_builder *b,
				       nsw_list_build_stats *out);

/**
 * Write the list to `path` atomically (temp file in the same directory,
 * then rename). For a delta builder, `path` is the base list's path and the
 * segment goes to the next free "<path>.dNNN". A builder writes once:
 * afterwards _add and _write return NSW_EINVAL (free it).
 * @param written if non-NULL, receives the path written (owned, free())
 * @return 0, NSW_EIO, NSW_ENOMEM, NSW_ELIMIT
 */
NSW_EXTERN int nsw_list_builder_write(nsw_list_builder *b, const char *path,
				      char **written);

/** Free a builder (NULL is a no-op). */
NSW_EXTERN void nsw_list_builder_free(nsw_list_builder *b);

/* ---- Reading ----------------------------------------------------------- */

/**
 * Open a list read-only by mmap: the base file and every delta segment
 * "<path>.d001", "<path>.d002"... in order. Validates headers and section
 * tables (O(sections), no data scan, no checksum: see nsw_list_verify()).
 * The mapping is shared between processes by the page cache.
 * @param out owned; close with nsw_list_close()
 * @return 0, NSW_ENOTFOUND, NSW_EIO, NSW_EFORMAT (corrupt, truncated, or a
 *         delta of another list), NSW_ELIMIT
 */
NSW_EXTERN int nsw_list_open(nsw_list **out, const char *path);

/**
 * Open one segment held in memory (no deltas). For fuzzing and tests.
 * @param data borrowed; must stay valid and unchanged until close, and be
 *             8-byte aligned as malloc'd or mapped memory is (else
 *             NSW_EFORMAT "misaligned")
 * @param what names the buffer in error messages
 */
NSW_EXTERN int nsw_list_open_buffer(nsw_list **out, const uint8_t *data,
				    size_t len, const char *what);

/** Close a list (NULL is a no-op). */
NSW_EXTERN void nsw_list_close(nsw_list *list);

/**
 * Recompute every segment's checksum (reads every byte) and check the
 * ordering and cross-references that open does not (sorted tables, row
 * maps, index directories).
 * @return 0, or NSW_EFORMAT naming the segment and what is wrong
 */
NSW_EXTERN int nsw_list_verify(const nsw_list *list);

/** Summary of an open list. Strings are borrowed until nsw_list_close(). */
typedef struct nsw_list_info {
	const char *name;
	const char *version;
	const char *path;		/**< base file ("" for a buffer) */
	uint32_t segments;		/**< 1 + deltas */
	uint64_t entries;		/**< all segments */
	uint64_t count[NSW_ALGO_COUNT]; /**< entries carrying each hash */
	uint64_t bytes;			/**< total file bytes */
	uint64_t created;		/**< base creation time, Unix seconds */
	uint64_t uid; /**< random id shared by base and deltas */
	uint32_t format_version;
} nsw_list_info;

/** Fill `out`; cannot fail on an open list. */
NSW_EXTERN void nsw_list_get_info(const nsw_list *list, nsw_list_info *out);

/**
 * Entry `id` (0 .. entries-1, base first then deltas in order). Strings
 * and the source-file name are borrowed from the mapping until close.
 * @return 0, NSW_ENOTFOUND (id out of range), NSW_EFORMAT (corrupt entry)
 */
NSW_EXTERN int nsw_list_entry_get(const nsw_list *list, uint64_t id,
				  nsw_list_entry *out);

/**
 * Ids of the entries whose `algo` digest (MD5, SHA-1 or SHA-256) equals
 * `digest`, ascending. Writes up to `max` ids into `ids` and the total
 * number found into *found (which may exceed max).
 * @return 0, NSW_EINVAL (algo is PDQ or out of range), NSW_EFORMAT
 */
NSW_EXTERN int nsw_list_find_digest(const nsw_list *list, nsw_algo algo,
				    const uint8_t *digest, uint64_t *ids,
				    size_t max, size_t *found);

/** Scratch memory for PDQ queries: one per thread, reused across calls. */
typedef struct nsw_list_cursor nsw_list_cursor;

/** @return 0, NSW_ENOMEM */
NSW_EXTERN int nsw_list_cursor_new(nsw_list_cursor **out);
NSW_EXTERN void nsw_list_cursor_free(nsw_list_cursor *cursor);

/** One PDQ hit: which query, which entry, how far. */
typedef struct nsw_list_pdq_hit {
	uint32_t query;	   /**< index into the queries array */
	uint32_t distance; /**< Hamming distance, <= radius */
	uint64_t entry;	   /**< entry id */
} nsw_list_pdq_hit;

/**
 * Every entry whose PDQ hash is within `radius` (0..255) of any of the
 * `nq` queries (at most 65535; pass the 8 dihedral variants together).
 * Exact: the same hits a brute-force scan finds. Sorted by (query, entry),
 * each pair once. *hits is borrowed from the cursor until its next use.
 * @return 0, NSW_EINVAL, NSW_ENOMEM, NSW_ELIMIT, NSW_EFORMAT (corrupt index)
 */
NSW_EXTERN int nsw_list_find_pdq(nsw_list_cursor *cursor, const nsw_list *list,
				 const nsw_pdq_hash *queries, uint32_t nq,
				 uint32_t radius, const nsw_list_pdq_hit **hits,
				 size_t *nhits);

/** Bytes the PDQ search structures of all segments occupy (hash arrays,
 * tables and row maps), for `list info` and the benchmark. */
NSW_EXTERN size_t nsw_list_pdq_index_bytes(const nsw_list *list);

/**
 * Merge the base list at `path` and its deltas into one new base file
 * (duplicates dropped), then remove the deltas.
 * @param stats if non-NULL, the merge's counters
 * @return as nsw_list_open() and nsw_list_builder_write()
 */
NSW_EXTERN int nsw_list_compact(const char *path, nsw_list_build_stats *stats);

#ifdef __cplusplus
}
#endif
#endif
