/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The PDQ multi-index: m disjoint substrings of the 256-bit hash, one
 * compact table per substring (a directory on the key's high bits over an
 * array of packed row ids sorted by key), refined pigeonhole probing, and a
 * prefetching pipeline. Exact by construction (docs/matching.md).
 */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "limits.h"
#include "pdq_index.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the .nswl format is little-endian; add byte swapping for this host"
#endif

/* Blob header field offsets. */
#define HDR_TABLE0 16
#define HDR_SLOT 32

/* The hot loops are compiled twice, with and without the POPCNT
 * instruction, and picked at load time by an ifunc resolver. The
 * ThreadSanitizer build turns this off: TSan's runtime is not yet set up
 * when ifunc resolvers run, and the process crashes at start-up. */
#if defined(NSW_NO_TARGET_CLONES)
#define POPCNT_CLONES
#else
#define POPCNT_CLONES __attribute__((target_clones("popcnt", "default")))
#endif

/* How far ahead the pipeline prefetches (items, not bytes). */
#define PREFETCH_AHEAD 24

/* ---- bit helpers ------------------------------------------------------ */

static inline uint64_t load64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static inline uint32_t load32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static inline void store32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static inline void store64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

/* Bits [off, off + len) of the 256-bit little-endian number at w. */
static inline uint32_t extract_key(const uint64_t w[4], uint32_t off,
				   uint32_t len)
{
	uint32_t wi = off >> 6, sh = off & 63;
	uint64_t v = w[wi] >> sh;

	if (sh + len > 64)
		v |= w[wi + 1] << (64 - sh);
	return (uint32_t)(v & ((len >= 32) ? 0xffffffffu : ((1u << len) - 1u)));
}

static inline void load_words(uint64_t w[4], const uint8_t *h)
{
	w[0] = load64(h);
	w[1] = load64(h + 8);
	w[2] = load64(h + 16);
	w[3] = load64(h + 24);
}

static inline uint32_t distance_inline(const uint8_t *a, const uint64_t w[4])
{
	return (uint32_t)(__builtin_popcountll(load64(a) ^ w[0]) +
			  __builtin_popcountll(load64(a + 8) ^ w[1]) +
			  __builtin_popcountll(load64(a + 16) ^ w[2]) +
			  __builtin_popcountll(load64(a + 24) ^ w[3]));
}

uint32_t nsw_pdq__distance(const uint8_t *a, const uint8_t *b)
{
	uint64_t w[4];

	load_words(w, b);
	return distance_inline(a, w);
}

static uint32_t floor_log2(uint64_t x)
{
	return x ? 63u - (uint32_t)__builtin_clzll(x) : 0;
}

static uint32_t auto_ntables(uint32_t count)
{
	/* Substrings of about log2(N) bits (Norouzi et al.): m = 256/log2 N,
	 * kept within 10..24 so a key fits 26 bits and tables stay few. */
	uint32_t lg = floor_log2(count ? count : 1);
	uint32_t m;

	if (lg < 11)
		lg = 11;
	m = (256 + lg / 2) / lg;
	if (m < 10)
		m = 10;
	if (m > 24)
		m = 24;
	return m;
}

/* Table t's substring length: the longer ones come last. */
static uint32_t table_bits(uint32_t m, uint32_t t)
{
	uint32_t base = 256 / m, extra = 256 % m;

	return base + (t >= m - extra ? 1 : 0);
}

static uint64_t align64(uint64_t x)
{
	return (x + 63) & ~(uint64_t)63;
}

/* ---- build ------------------------------------------------------------ */

void nsw_pdq_index__built_free(nsw_pdq_index_built *built)
{
	if (built == NULL)
		return;
	nsw__free(built->hashes);
	nsw__free(built->rowmap);
	nsw__free(built->blob);
	memset(built, 0, sizeof(*built));
}

/*
 * Directory bits for a table. Table 0's buckets are rows of the hash array
 * (about 2 per slot). Other tables keep the low key bits (the residual)
 * beside the row id in 32 bits; a probe visits one directory slot per
 * pattern of its high bits and filters the bucket by the residual's
 * distance. A shorter directory means fewer probes but longer bucket
 * scans; measured at 1M and 10M, 4-8 rows per slot is best, and it keeps
 * the whole index under 96 bytes per hash (docs/matching.md).
 */
static uint32_t choose_dir_bits(uint32_t count, uint32_t bits,
				uint32_t row_bits,
				const nsw_pdq_index_params *params, int first)
{
	uint32_t lg = floor_log2(count ? count : 1);
	uint32_t d;

	if (first)
		d = params && params->dir_bits0 ? params->dir_bits0
						: (lg > 1 ? lg - 1 : 0);
	else
		d = params && params->dir_bits ? params->dir_bits
					       : (lg > 2 ? lg - 2 : 0);
	if (d > bits)
		d = bits;
	if (d > NSW_PDQ_INDEX_DIR_BITS_MAX)
		d = NSW_PDQ_INDEX_DIR_BITS_MAX;
	if (!first && bits - d > 32 - row_bits)
		d = bits - (32 - row_bits);
	return d;
}

int nsw_pdq_index__build(nsw_pdq_index_built *out, const nsw_pdq_hash *hashes,
			 uint32_t count, const nsw_pdq_index_params *params)
{
	uint32_t m, row_bits, *perm = NULL, *keys = NULL;
	uint32_t off = 0;
	uint64_t layout = NSW_PDQ_INDEX_HEADER_BYTES;
	uint64_t dir_off[NSW_PDQ_INDEX_TABLES_MAX];
	uint64_t ent_off[NSW_PDQ_INDEX_TABLES_MAX];
	uint32_t bits[NSW_PDQ_INDEX_TABLES_MAX],
		dbits[NSW_PDQ_INDEX_TABLES_MAX];
	uint32_t offs[NSW_PDQ_INDEX_TABLES_MAX];
	int rc = NSW_OK;

	memset(out, 0, sizeof(*out));
	if (count > NSW_PDQ_INDEX_ROWS_MAX)
		return nsw_error_set(NSW_ELIMIT,
				     "PDQ index: %u hashes, over the limit of "
				     "%u per list segment",
				     count, (unsigned)NSW_PDQ_INDEX_ROWS_MAX);
	m = params && params->ntables ? params->ntables : auto_ntables(count);
	if (m < 8 || m > NSW_PDQ_INDEX_TABLES_MAX)
		return nsw_error_set(NSW_EINVAL, "PDQ index: %u tables", m);
	row_bits = count > 1 ? floor_log2(count - 1) + 1 : 1;
	for (uint32_t t = 0; t < m; t++) {
		bits[t] = table_bits(m, t);
		offs[t] = off;
		off += bits[t];
		dbits[t] = choose_dir_bits(count, bits[t], row_bits, params,
					   t == 0);
		dir_off[t] = layout;
		layout = align64(layout + (((uint64_t)1 << dbits[t]) + 1) * 4);
		if (t == 0) {
			ent_off[t] = 0;
		} else {
			ent_off[t] = layout;
			layout = align64(layout + (uint64_t)count * 4);
		}
	}
	if (layout > NSW_ALLOC_MAX)
		return nsw_error_set(NSW_ELIMIT, "PDQ index too large");
	out->count = count;
	out->blob_len = (size_t)layout;
	out->blob = nsw__calloc(1, out->blob_len);
	out->hashes = nsw__calloc(count ? count : 1, NSW_PDQ_BYTES);
	out->rowmap = nsw__calloc(count ? count : 1, sizeof(uint32_t));
	perm = nsw__calloc(count ? count : 1, sizeof(uint32_t));
	keys = nsw__calloc(count ? count : 1, sizeof(uint32_t));
	if (!out->blob || !out->hashes || !out->rowmap || !perm || !keys) {
		rc = nsw_error_set(NSW_ENOMEM,
				   "PDQ index: out of memory for "
				   "%u hashes",
				   count);
		goto done;
	}
	store32(out->blob, NSW_PDQ_INDEX_MAGIC);
	store32(out->blob + 4, count);
	store32(out->blob + 8, m);
	store32(out->blob + 12, row_bits);
	for (uint32_t t = 0; t < m; t++) {
		uint8_t *slot = out->blob + HDR_TABLE0 + HDR_SLOT * t;

		store32(slot, offs[t]);
		store32(slot + 4, bits[t]);
		store32(slot + 8, dbits[t]);
		store64(slot + 16, dir_off[t]);
		store64(slot + 24, ent_off[t]);
	}
	/* Table 0: counting sort of the rows by directory key; the sorted
	 * hash array itself is the bucket array. */
	{
		uint32_t *dir = (uint32_t *)(out->blob + dir_off[0]);
		uint32_t shift = bits[0] - dbits[0];
		uint64_t ndir = (uint64_t)1 << dbits[0];

		for (uint32_t i = 0; i < count; i++) {
			uint64_t w[4];

			load_words(w, hashes[i].bytes);
			keys[i] = extract_key(w, offs[0], bits[0]) >> shift;
			dir[keys[i] + 1]++;
		}
		for (uint64_t j = 0; j < ndir; j++)
			dir[j + 1] += dir[j];
		for (uint32_t i = 0; i < count; i++)
			perm[dir[keys[i]]++] = i;
		/* Shift back: dir[j] is now the end of bucket j. */
		memmove(dir + 1, dir, ndir * 4);
		dir[0] = 0;
		for (uint32_t r = 0; r < count; r++) {
			memcpy(out->hashes + (size_t)r * NSW_PDQ_BYTES,
			       hashes[perm[r]].bytes, NSW_PDQ_BYTES);
			out->rowmap[r] = perm[r];
		}
	}
	for (uint32_t t = 1; t < m; t++) {
		uint32_t *dir = (uint32_t *)(out->blob + dir_off[t]);
		uint32_t *ent = (uint32_t *)(out->blob + ent_off[t]);
		uint32_t shift = bits[t] - dbits[t];
		uint32_t rmask = shift >= 32 ? 0xffffffffu : (1u << shift) - 1;
		uint64_t ndir = (uint64_t)1 << dbits[t];

		for (uint32_t r = 0; r < count; r++) {
			uint64_t w[4];

			load_words(w, out->hashes + (size_t)r * NSW_PDQ_BYTES);
			keys[r] = extract_key(w, offs[t], bits[t]);
			dir[(keys[r] >> shift) + 1]++;
		}
		for (uint64_t j = 0; j < ndir; j++)
			dir[j + 1] += dir[j];
		for (uint32_t r = 0; r < count; r++) {
			uint32_t k = keys[r];
			uint32_t res = k & rmask;

			ent[dir[k >> shift]++] =
				(shift ? (res << row_bits) : 0) | r;
		}
		memmove(dir + 1, dir, ndir * 4);
		dir[0] = 0;
	}
done:
	nsw__free(perm);
	nsw__free(keys);
	if (rc != NSW_OK)
		nsw_pdq_index__built_free(out);
	return rc;
}

/* ---- open ------------------------------------------------------------- */

int nsw_pdq_index__open(nsw_pdq_index *out, const uint8_t *blob,
			size_t blob_len, const uint8_t *hashes,
			size_t hashes_len, const char *what)
{
	uint32_t m, count, row_bits, off = 0;

	memset(out, 0, sizeof(*out));
	if (blob_len < NSW_PDQ_INDEX_HEADER_BYTES ||
	    load32(blob) != NSW_PDQ_INDEX_MAGIC)
		return nsw_error_set(NSW_EFORMAT,
				     "%s: PDQ index section has a bad header",
				     what);
	count = load32(blob + 4);
	m = load32(blob + 8);
	row_bits = load32(blob + 12);
	if (m < 1 || m > NSW_PDQ_INDEX_TABLES_MAX || row_bits < 1 ||
	    row_bits > 32 || count > NSW_PDQ_INDEX_ROWS_MAX ||
	    (count > 1 && floor_log2(count - 1) + 1 > row_bits))
		return nsw_error_set(NSW_EFORMAT,
				     "%s: PDQ index header out of range "
				     "(%u rows, %u tables, %u row bits)",
				     what, count, m, row_bits);
	if (hashes_len / NSW_PDQ_BYTES != count ||
	    hashes_len % NSW_PDQ_BYTES != 0)
		return nsw_error_set(NSW_EFORMAT,
				     "%s: PDQ hash section holds %zu bytes, "
				     "the index expects %u hashes",
				     what, hashes_len, count);
	if (((uintptr_t)blob & 3) != 0)
		return nsw_error_set(NSW_EFORMAT, "%s: PDQ index misaligned",
				     what);
	for (uint32_t t = 0; t < m; t++) {
		const uint8_t *slot = blob + HDR_TABLE0 + HDR_SLOT * t;
		nsw_pdq_index_table *tab = &out->tables[t];
		uint64_t doff = load64(slot + 16), eoff = load64(slot + 24);
		uint64_t dlen, elen = (uint64_t)count * 4;

		tab->bit_offset = load32(slot);
		tab->bits = load32(slot + 4);
		tab->dir_bits = load32(slot + 8);
		if (tab->bit_offset != off || tab->bits < 1 || tab->bits > 32 ||
		    tab->dir_bits > tab->bits ||
		    tab->dir_bits > NSW_PDQ_INDEX_DIR_BITS_MAX ||
		    load32(slot + 12) != 0 || (t == 0 && eoff != 0) ||
		    (t > 0 && tab->bits - tab->dir_bits > 32 - row_bits))
			return nsw_error_set(NSW_EFORMAT,
					     "%s: PDQ index table %u has bad "
					     "bit ranges",
					     what, t);
		off += tab->bits;
		dlen = (((uint64_t)1 << tab->dir_bits) + 1) * 4;
		if (doff % 4 || doff > blob_len || dlen > blob_len - doff)
			return nsw_error_set(NSW_EFORMAT,
					     "%s: PDQ index table %u directory "
					     "outside the section",
					     what, t);
		tab->dir = (const uint32_t *)(blob + doff);
		if (t == 0) {
			tab->ent = NULL;
			continue;
		}
		if (eoff % 4 || eoff > blob_len || elen > blob_len - eoff)
			return nsw_error_set(NSW_EFORMAT,
					     "%s: PDQ index table %u entries "
					     "outside the section",
					     what, t);
		tab->ent = (const uint32_t *)(blob + eoff);
	}
	if (off != NSW_PDQ_BITS)
		return nsw_error_set(NSW_EFORMAT,
				     "%s: PDQ index substrings cover %u bits, "
				     "not 256",
				     what, off);
	out->count = count;
	out->ntables = m;
	out->row_bits = row_bits;
	out->hashes = hashes;
	return NSW_OK;
}

size_t nsw_pdq_index__memory(const nsw_pdq_index *index)
{
	size_t total = (size_t)index->count * NSW_PDQ_BYTES;

	for (uint32_t t = 0; t < index->ntables; t++) {
		total += ((((size_t)1) << index->tables[t].dir_bits) + 1) * 4;
		if (index->tables[t].ent)
			total += (size_t)index->count * 4;
	}
	return total;
}

/* ---- query ------------------------------------------------------------ */

typedef struct probe {
	uint32_t dir; /* directory slot */
	uint32_t res; /* the query's residual key bits */
	uint8_t table;
	uint8_t allow; /* residual distance still allowed */
	uint16_t query;
} probe;

typedef struct bucket {
	uint32_t lo, hi, res;
	uint8_t table;
	uint8_t allow;
	uint16_t query;
} bucket;

typedef struct cand {
	uint32_t row;
	uint32_t query;
} cand;

struct nsw_pdq_query_ctx {
	probe *probes;
	size_t nprobes, probes_cap;
	bucket *buckets;
	size_t nbuckets, buckets_cap;
	cand *cands;
	size_t ncands, cands_cap;
	nsw_pdq_hit *hits;
	size_t nhits, hits_cap;
	nsw_pdq_query_stats stats;
};

int nsw_pdq_query_ctx_new(nsw_pdq_query_ctx **out)
{
	*out = nsw__calloc(1, sizeof(**out));
	if (*out == NULL)
		return nsw_error_set(NSW_ENOMEM, "out of memory");
	return NSW_OK;
}

void nsw_pdq_query_ctx_stats(nsw_pdq_query_stats *out, nsw_pdq_query_ctx *ctx,
			     int reset)
{
	*out = ctx->stats;
	if (reset)
		memset(&ctx->stats, 0, sizeof(ctx->stats));
}

void nsw_pdq_query_ctx_free(nsw_pdq_query_ctx *ctx)
{
	if (ctx == NULL)
		return;
	nsw__free(ctx->probes);
	nsw__free(ctx->buckets);
	nsw__free(ctx->cands);
	nsw__free(ctx->hits);
	nsw__free(ctx);
}

/* Make room for `more` items in a scratch array (capped). */
static int reserve(void **arr, size_t *cap, size_t len, size_t more,
		   size_t size)
{
	size_t want = len + more, ncap;
	void *p;

	if (want <= *cap)
		return NSW_OK;
	if (want > NSW_PDQ_QUERY_SCRATCH_MAX)
		return nsw_error_set(NSW_ELIMIT,
				     "PDQ query: over %zu probes/candidates",
				     (size_t)NSW_PDQ_QUERY_SCRATCH_MAX);
	ncap = *cap ? *cap : 1024;
	while (ncap < want)
		ncap *= 2;
	p = nsw__reallocarray(*arr, ncap, size);
	if (p == NULL)
		return nsw_error_set(NSW_ENOMEM, "PDQ query: out of memory");
	*arr = p;
	*cap = ncap;
	return NSW_OK;
}

#define RESERVE(ctx, name, n, more)                                     \
	reserve((void **)&(ctx)->name, &(ctx)->name##_cap, (n), (more), \
		sizeof(*(ctx)->name))

/* Number of keys within `radius` of a `bits`-bit key. */
static uint64_t ball_size(uint32_t bits, int radius)
{
	uint64_t total = 0, c = 1;

	for (int k = 0; k <= radius && (uint32_t)k <= bits; k++) {
		total += c;
		c = c * (bits - (uint32_t)k) / (uint32_t)(k + 1);
	}
	return total;
}

/* Radius for table t: with r = m*q + a, tables 0..a get q, the rest q-1
 * (tables are ordered shortest first, so the larger balls are smaller). */
static int table_radius(uint32_t m, uint32_t radius, uint32_t t)
{
	uint32_t q = radius / m, a = radius % m;

	return t <= a ? (int)q : (int)q - 1;
}

/*
 * Append one probe per directory slot within `radius` of the key's high
 * part; each carries the residual distance left (radius - flips so far).
 */
static void emit_ball(probe *dst, size_t *n, uint32_t key, uint32_t bits,
		      uint32_t dir_bits, int radius, uint8_t table,
		      uint16_t query)
{
	uint32_t shift = bits - dir_bits;
	uint32_t high = shift >= 32 ? 0 : key >> shift;
	uint32_t res = shift >= 32 ? key : key & ((1u << shift) - 1);
	uint32_t pos[32];

	for (int k = 0; k <= radius && (uint32_t)k <= dir_bits; k++) {
		for (int i = 0; i < k; i++)
			pos[i] = (uint32_t)i;
		for (;;) {
			uint32_t p = high;
			int i;

			for (i = 0; i < k; i++)
				p ^= 1u << pos[i];
			dst[*n].dir = p;
			dst[*n].res = res;
			dst[*n].table = table;
			dst[*n].allow = (uint8_t)(radius - k);
			dst[*n].query = query;
			(*n)++;
			/* next combination of k positions out of dir_bits */
			for (i = k - 1; i >= 0; i--) {
				if (pos[i] < dir_bits - (uint32_t)(k - i)) {
					pos[i]++;
					for (int j = i + 1; j < k; j++)
						pos[j] = pos[j - 1] + 1;
					break;
				}
			}
			if (i < 0)
				break;
		}
	}
}

static int hit_cmp(const void *a, const void *b)
{
	const nsw_pdq_hit *x = a, *y = b;

	if (x->query != y->query)
		return x->query < y->query ? -1 : 1;
	if (x->row != y->row)
		return x->row < y->row ? -1 : 1;
	return 0;
}

static int push_hit(nsw_pdq_query_ctx *ctx, uint32_t q, uint32_t row,
		    uint32_t d)
{
	int rc = RESERVE(ctx, hits, ctx->nhits, 1);

	if (rc != NSW_OK)
		return rc;
	ctx->hits[ctx->nhits].query = q;
	ctx->hits[ctx->nhits].row = row;
	ctx->hits[ctx->nhits].distance = d;
	ctx->nhits++;
	return NSW_OK;
}

POPCNT_CLONES static int scan_all(nsw_pdq_query_ctx *ctx,
				  const nsw_pdq_index *index,
				  const uint64_t (*qw)[4], uint32_t nq,
				  uint32_t radius)
{
	for (uint32_t r = 0; r < index->count; r++) {
		const uint8_t *h = index->hashes + (size_t)r * NSW_PDQ_BYTES;

		for (uint32_t q = 0; q < nq; q++) {
			uint32_t d = distance_inline(h, qw[q]);

			if (d <= radius) {
				int rc = push_hit(ctx, q, r, d);

				if (rc != NSW_OK)
					return rc;
			}
		}
	}
	return NSW_OK;
}

static int corrupt(uint32_t t)
{
	return nsw_error_set(NSW_EFORMAT,
			     "PDQ index table %u is corrupt (bucket out of "
			     "range); run 'netsweep list info --verify'",
			     t);
}

POPCNT_CLONES static int verify_cands(nsw_pdq_query_ctx *ctx,
				      const nsw_pdq_index *index,
				      const uint64_t (*qw)[4], uint32_t radius)
{
	const uint8_t *hashes = index->hashes;
	size_t n = ctx->ncands;

	for (size_t i = 0; i < n; i++) {
		const cand *c = &ctx->cands[i];
		uint32_t d;

		if (i + PREFETCH_AHEAD < n)
			__builtin_prefetch(
				hashes +
				(size_t)ctx->cands[i + PREFETCH_AHEAD].row *
					NSW_PDQ_BYTES);
		d = distance_inline(hashes + (size_t)c->row * NSW_PDQ_BYTES,
				    qw[c->query]);
		if (d <= radius) {
			int rc = push_hit(ctx, c->query, c->row, d);

			if (rc != NSW_OK)
				return rc;
		}
	}
	return NSW_OK;
}

/* Query q through the three stages (hits appended to ctx). */
static int probe_one(nsw_pdq_query_ctx *ctx, const nsw_pdq_index *index,
		     const uint64_t (*qw)[4], uint32_t q, uint32_t radius)
{
	uint32_t m = index->ntables, rowmask;
	uint64_t total = 0;
	int rc;

	rowmask = index->row_bits >= 32 ? 0xffffffffu
					: (1u << index->row_bits) - 1;
	for (uint32_t t = 0; t < m; t++)
		total += ball_size(index->tables[t].dir_bits,
				   table_radius(m, radius, t));
	rc = RESERVE(ctx, probes, 0, (size_t)total);
	if (rc != NSW_OK)
		return rc;
	ctx->nprobes = 0;
	for (uint32_t t = 0; t < m; t++) {
		const nsw_pdq_index_table *tab = &index->tables[t];
		int rad = table_radius(m, radius, t);

		if (rad < 0)
			continue;
		emit_ball(ctx->probes, &ctx->nprobes,
			  extract_key(qw[q], tab->bit_offset, tab->bits),
			  tab->bits, tab->dir_bits, rad, (uint8_t)t,
			  (uint16_t)q);
	}
	/* Stage 1: directory slots -> buckets (table 0: candidate rows). */
	rc = RESERVE(ctx, buckets, 0, ctx->nprobes);
	if (rc != NSW_OK)
		return rc;
	ctx->nbuckets = 0;
	ctx->ncands = 0;
	for (size_t i = 0; i < ctx->nprobes; i++) {
		const probe *p = &ctx->probes[i];
		const nsw_pdq_index_table *tab = &index->tables[p->table];
		uint32_t lo, hi;

		if (i + PREFETCH_AHEAD < ctx->nprobes) {
			const probe *f = &ctx->probes[i + PREFETCH_AHEAD];

			__builtin_prefetch(index->tables[f->table].dir +
					   f->dir);
		}
		lo = tab->dir[p->dir];
		hi = tab->dir[p->dir + 1];
		if (lo >= hi)
			continue;
		if (hi > index->count)
			return corrupt(p->table);
		if (tab->ent == NULL) {
			rc = RESERVE(ctx, cands, ctx->ncands, hi - lo);
			if (rc != NSW_OK)
				return rc;
			for (uint32_t r = lo; r < hi; r++) {
				ctx->cands[ctx->ncands].row = r;
				ctx->cands[ctx->ncands].query = p->query;
				ctx->ncands++;
			}
			continue;
		}
		ctx->buckets[ctx->nbuckets].lo = lo;
		ctx->buckets[ctx->nbuckets].hi = hi;
		ctx->buckets[ctx->nbuckets].res = p->res;
		ctx->buckets[ctx->nbuckets].allow = p->allow;
		ctx->buckets[ctx->nbuckets].table = p->table;
		ctx->buckets[ctx->nbuckets].query = p->query;
		ctx->nbuckets++;
	}
	/* Stage 2: bucket entries whose residual matches -> candidates.
	 * Each entry is written and the count advanced by the filter's
	 * result, without a branch: the filter passes about a third of the
	 * entries, unpredictably. */
	{
		size_t nc = ctx->ncands;
		uint32_t bad = 0;

		for (size_t i = 0; i < ctx->nbuckets; i++) {
			const bucket *b = &ctx->buckets[i];
			const uint32_t *ent = index->tables[b->table].ent;
			cand *out;

			if (i + PREFETCH_AHEAD < ctx->nbuckets) {
				const bucket *f =
					&ctx->buckets[i + PREFETCH_AHEAD];
				const uint32_t *fe =
					index->tables[f->table].ent;

				__builtin_prefetch(fe + f->lo);
				__builtin_prefetch(fe + f->hi - 1);
			}
			rc = RESERVE(ctx, cands, nc, b->hi - b->lo);
			if (rc != NSW_OK)
				return rc;
			out = ctx->cands;
			ctx->stats.entries += b->hi - b->lo;
			for (uint32_t j = b->lo; j < b->hi; j++) {
				uint32_t e = ent[j];
				uint32_t res = (uint32_t)((uint64_t)e >>
							  index->row_bits);
				uint32_t row = e & rowmask;

				out[nc].row = row;
				out[nc].query = b->query;
				bad |= row >= index->count;
				nc += (uint32_t)__builtin_popcount(
					      res ^ b->res) <= b->allow;
			}
			if (bad)
				return corrupt(b->table);
		}
		ctx->ncands = nc;
	}
	ctx->stats.probes += ctx->nprobes;
	ctx->stats.buckets += ctx->nbuckets;
	ctx->stats.candidates += ctx->ncands;
	ctx->stats.queries++;
	/* Stage 3: full distance. */
	return verify_cands(ctx, index, qw, radius);
}

/* True when a linear scan is expected to beat probing: a random access
 * costs about as much as scanning 16 hashes, a bucket entry 1/8 of one. */
static int scan_is_cheaper(const nsw_pdq_index *index, uint32_t radius)
{
	double est = 0, n = index->count;
	uint32_t m = index->ntables;

	for (uint32_t t = 0; t < m; t++) {
		const nsw_pdq_index_table *tab = &index->tables[t];
		int rad = table_radius(m, radius, t);
		double probes = (double)ball_size(tab->dir_bits, rad);
		double keys = (double)ball_size(tab->bits, rad);
		double per_slot = n / (double)((uint64_t)1 << tab->dir_bits);

		est += probes * (1.0 + per_slot / 128.0) +
		       keys * n / (double)((uint64_t)1 << tab->bits);
	}
	return est * 16.0 >= n;
}

int nsw_pdq_index__query(nsw_pdq_query_ctx *ctx, const nsw_pdq_index *index,
			 const nsw_pdq_hash *queries, uint32_t nq,
			 uint32_t radius, int strategy,
			 const nsw_pdq_hit **hits, size_t *nhits)
{
	uint64_t(*qw)[4] = NULL;
	size_t kept = 0;
	int rc = NSW_OK;

	*hits = NULL;
	*nhits = 0;
	if (ctx == NULL || index == NULL || (nq && queries == NULL) ||
	    nq > 0xffff || radius > NSW_PDQ_BITS)
		return nsw_error_set(NSW_EINVAL, "PDQ query: bad arguments");
	ctx->nhits = 0;
	if (nq == 0 || index->count == 0)
		goto sorted;
	qw = nsw__calloc(nq, sizeof(*qw));
	if (qw == NULL)
		return nsw_error_set(NSW_ENOMEM, "PDQ query: out of memory");
	for (uint32_t q = 0; q < nq; q++)
		load_words(qw[q], queries[q].bytes);
	if (strategy == NSW_PDQ_QUERY_SCAN ||
	    (strategy == NSW_PDQ_QUERY_AUTO && scan_is_cheaper(index, radius)))
		rc = scan_all(ctx, index, (const uint64_t(*)[4])qw, nq, radius);
	else
		/* One query at a time: each already keeps thousands of
		 * independent loads in flight (batching 8 measured no
		 * gain), and scratch memory stays one query's worth. */
		for (uint32_t q = 0; q < nq && rc == NSW_OK; q++)
			rc = probe_one(ctx, index, (const uint64_t(*)[4])qw, q,
				       radius);
	if (rc != NSW_OK)
		goto done;
sorted:
	if (ctx->nhits > 1)
		qsort(ctx->hits, ctx->nhits, sizeof(*ctx->hits), hit_cmp);
	for (size_t i = 0; i < ctx->nhits; i++)
		if (kept == 0 ||
		    hit_cmp(&ctx->hits[kept - 1], &ctx->hits[i]) != 0)
			ctx->hits[kept++] = ctx->hits[i];
	ctx->nhits = kept;
	*hits = ctx->hits;
	*nhits = ctx->nhits;
done:
	nsw__free(qw);
	return rc;
}

/* ---- verify ----------------------------------------------------------- */

int nsw_pdq_index__verify(const nsw_pdq_index *index, const char *what)
{
	uint32_t rowmask = index->row_bits >= 32 ? 0xffffffffu
						 : (1u << index->row_bits) - 1;

	for (uint32_t t = 0; t < index->ntables; t++) {
		const nsw_pdq_index_table *tab = &index->tables[t];
		uint64_t ndir = (uint64_t)1 << tab->dir_bits;
		uint32_t shift = tab->bits - tab->dir_bits;

		if (tab->dir[0] != 0 || tab->dir[ndir] != index->count)
			return nsw_error_set(NSW_EFORMAT,
					     "%s: PDQ index table %u does not "
					     "cover all %u hashes",
					     what, t, index->count);
		for (uint64_t j = 0; j < ndir; j++) {
			uint32_t lo = tab->dir[j], hi = tab->dir[j + 1];

			if (lo > hi || hi > index->count)
				return nsw_error_set(NSW_EFORMAT,
						     "%s: PDQ index table %u "
						     "directory not ascending",
						     what, t);
			for (uint32_t k = lo; k < hi; k++) {
				uint32_t row =
					tab->ent ? tab->ent[k] & rowmask : k;
				uint64_t w[4];
				uint32_t key;

				if (row >= index->count)
					return nsw_error_set(
						NSW_EFORMAT,
						"%s: PDQ index table %u names "
						"row %u of %u",
						what, t, row, index->count);
				load_words(w,
					   index->hashes +
						   (size_t)row * NSW_PDQ_BYTES);
				key = extract_key(w, tab->bit_offset,
						  tab->bits);
				if ((shift >= 32 ? 0 : key >> shift) != j ||
				    (tab->ent && shift > 0 &&
				     (key & ((1u << shift) - 1)) !=
					     (uint32_t)((uint64_t)tab->ent[k] >>
							index->row_bits)))
					return nsw_error_set(
						NSW_EFORMAT,
						"%s: PDQ index table %u files "
						"row %u under the wrong key",
						what, t, row);
			}
		}
	}
	return NSW_OK;
}
