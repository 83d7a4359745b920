/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Library-internal: the PDQ multi-index (Norouzi et al. multi-index hashing
 * with compact sorted bucket arrays). Exact: a radius query returns exactly
 * the rows a brute-force Hamming scan returns. See docs/matching.md.
 *
 * The index is a flat blob (the PDQ_INDEX section of a .nswl file) over a
 * hash array sorted by table 0's key (the PDQ_HASHES section). It is built
 * once by nsw_pdq_index__build() and read in place, from memory or mmap.
 */
#ifndef NSW_LIB_PDQ_INDEX_H
#define NSW_LIB_PDQ_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "netsweep/pdq.h"

#define NSW_PDQ_INDEX_MAGIC 0x31584449u /* "IDX1" little-endian */
#define NSW_PDQ_INDEX_TABLES_MAX 32
/* Blob header: 16 bytes + 32 bytes per table slot, padded to 64. */
#define NSW_PDQ_INDEX_HEADER_BYTES (16 + 32 * NSW_PDQ_INDEX_TABLES_MAX)

typedef struct nsw_pdq_index_table {
	uint32_t bit_offset; /* first bit of the substring (0..255) */
	uint32_t bits;	     /* substring length, 1..32 */
	uint32_t dir_bits;   /* directory on the key's high dir_bits bits */
	const uint32_t *dir; /* 2^dir_bits + 1 bucket starts */
	const uint32_t *ent; /* count packed (residual << row_bits | row);
				NULL for table 0, whose rows are the buckets */
} nsw_pdq_index_table;

/* A read-only view of an index; points into a blob it does not own. */
typedef struct nsw_pdq_index {
	uint32_t count;	       /* rows (hashes) */
	uint32_t ntables;      /* substrings */
	uint32_t row_bits;     /* low bits of an ent value holding the row */
	const uint8_t *hashes; /* count * 32 bytes, sorted by table 0's key */
	nsw_pdq_index_table tables[NSW_PDQ_INDEX_TABLES_MAX];
} nsw_pdq_index;

/* Build options; zero means "choose for the size" (tests force them). */
typedef struct nsw_pdq_index_params {
	uint32_t ntables;   /* substrings (0: from log2(count)) */
	uint32_t dir_bits;  /* directory bits of tables 1.. (0: automatic) */
	uint32_t dir_bits0; /* directory bits of table 0 (0: automatic) */
} nsw_pdq_index_params;

/* The built index: three owned arrays for the three file sections. */
typedef struct nsw_pdq_index_built {
	uint8_t *hashes;  /* count * 32, sorted by table 0's key */
	uint32_t *rowmap; /* row -> caller's input position */
	uint8_t *blob;	  /* the PDQ_INDEX section */
	size_t blob_len;
	uint32_t count;
} nsw_pdq_index_built;

/*
 * Build from `count` hashes (borrowed). Rows keep their input order within
 * a bucket (stable), so the same input always gives the same bytes.
 * @return 0, NSW_ELIMIT (count over NSW_PDQ_INDEX_ROWS_MAX), NSW_ENOMEM
 */
int nsw_pdq_index__build(nsw_pdq_index_built *out, const nsw_pdq_hash *hashes,
			 uint32_t count, const nsw_pdq_index_params *params);
void nsw_pdq_index__built_free(nsw_pdq_index_built *built);

/*
 * Make a view of a blob and its hash array, validating every size and
 * offset against blob_len / hashes_len (O(ntables), no data scan). `what`
 * names the file in error messages.
 * @return 0 or NSW_EFORMAT
 */
int nsw_pdq_index__open(nsw_pdq_index *out, const uint8_t *blob,
			size_t blob_len, const uint8_t *hashes,
			size_t hashes_len, const char *what);

/* One hit: query number, row in the hash array, distance. */
typedef struct nsw_pdq_hit {
	uint32_t query;
	uint32_t row;
	uint32_t distance;
} nsw_pdq_hit;

/* Query strategy (tests force each path; callers use AUTO). */
enum {
	NSW_PDQ_QUERY_AUTO = 0,
	NSW_PDQ_QUERY_INDEX,
	NSW_PDQ_QUERY_SCAN
};

/* Per-thread scratch memory for queries; reused across calls. */
typedef struct nsw_pdq_query_ctx nsw_pdq_query_ctx;

int nsw_pdq_query_ctx_new(nsw_pdq_query_ctx **out);
void nsw_pdq_query_ctx_free(nsw_pdq_query_ctx *ctx);

/* Work done by index queries with a ctx (summed over calls): what the
 * benchmark reports to show where a query's time goes. */
typedef struct nsw_pdq_query_stats {
	uint64_t queries;    /* query hashes (8 for a dihedral call) */
	uint64_t probes;     /* directory slots visited */
	uint64_t buckets;    /* non-empty slots (one bucket read each) */
	uint64_t entries;    /* bucket entries filtered by residual */
	uint64_t candidates; /* rows whose full hash was compared */
} nsw_pdq_query_stats;

/* Copy the counters into *out; zero them when `reset` is non-zero. */
void nsw_pdq_query_ctx_stats(nsw_pdq_query_stats *out, nsw_pdq_query_ctx *ctx,
			     int reset);

/*
 * All rows within `radius` (0..255) of any of `nq` queries. Hits are
 * sorted by (query, row), each pair once; *hits points into ctx (valid
 * until the next query with ctx).
 * @return 0, NSW_EINVAL, NSW_ENOMEM, NSW_ELIMIT (too many hits)
 */
int nsw_pdq_index__query(nsw_pdq_query_ctx *ctx, const nsw_pdq_index *index,
			 const nsw_pdq_hash *queries, uint32_t nq,
			 uint32_t radius, int strategy,
			 const nsw_pdq_hit **hits, size_t *nhits);

/*
 * Full consistency check (reads everything): directories ascending and
 * complete, every row filed under its own key. What makes recall exact
 * on a file that passed its checksum but came from elsewhere.
 * @return 0 or NSW_EFORMAT
 */
int nsw_pdq_index__verify(const nsw_pdq_index *index, const char *what);

/* Bytes of memory the search structures use (hashes + tables). */
size_t nsw_pdq_index__memory(const nsw_pdq_index *index);

/* Hamming distance of two 32-byte hashes. */
uint32_t nsw_pdq__distance(const uint8_t *a, const uint8_t *b);

#endif
