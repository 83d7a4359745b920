/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The list builder: collects entries (interning strings, dropping
 * duplicates), then writes one .nswl segment: sorted exact-hash tables,
 * the PDQ index, entry records, strings and the checksum.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "netsweep/nswl.h"
#include "alloc.h"
#include "buf.h"
#include "error.h"
#include "limits.h"
#include "nswl_format.h"
#include "pdq_index.h"

static const size_t digest_bytes[3] = {NSW_MD5_BYTES, NSW_SHA1_BYTES,
				       NSW_SHA256_BYTES};

struct nsw_list_builder {
	char *name, *version;
	const nsw_list *base; /* delta builders: the list it extends */
	nsw_list_cursor *cursor;
	uint8_t *entries; /* NSWL_ENTRY_BYTES each; rows index the arrays
			     below until write() sorts the tables */
	size_t nentries, entries_cap;
	uint8_t *digests[3];
	size_t ndigests[3], digests_cap[3];
	nsw_pdq_hash *pdqs;
	uint32_t *pdq_entry; /* pdq input index -> entry */
	size_t npdq, pdq_cap, pdq_entry_cap;
	nsw_buf strings;
	uint32_t *str_slots; /* open addressing: string offset + 1 */
	size_t str_cap, str_count;
	uint64_t *dup_slots; /* open addressing: identity hash (high 32
				bits) << 32 | entry index + 1; 0 empty */
	size_t dup_cap;
	nsw_list_build_stats stats;
	int written; /* write() renumbers rows: the builder is then spent */
};

static inline void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static inline void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

static inline uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint64_t fnv(uint64_t h, const void *data, size_t len)
{
	const uint8_t *p = data;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

#define FNV_SEED 0xcbf29ce484222325ull

/* Grow an array to hold `want` items of `size` (doubling, capped). */
static int grow(void **arr, size_t *cap, size_t want, size_t size)
{
	size_t ncap;
	void *p;

	if (want <= *cap)
		return NSW_OK;
	if (want > NSW_LIST_ENTRIES_MAX)
		return nsw_error_set(NSW_ELIMIT,
				     "list: more than %llu entries in one "
				     "segment",
				     (unsigned long long)NSW_LIST_ENTRIES_MAX);
	ncap = *cap ? *cap * 2 : 1024;
	if (ncap < want)
		ncap = want;
	p = nsw__reallocarray(*arr, ncap, size);
	if (p == NULL)
		return nsw_error_set(NSW_ENOMEM, "list: out of memory");
	*arr = p;
	*cap = ncap;
	return NSW_OK;
}

static int builder_init(nsw_list_builder **out, const char *name,
			const char *version)
{
	nsw_list_builder *b = NULL;

	*out = NULL;
	b = nsw__calloc(1, sizeof(*b));
	if (b == NULL)
		return nsw_error_set(NSW_ENOMEM, "list: out of memory");
	b->name = nsw__strdup(name);
	b->version = nsw__strdup(version ? version : "");
	nsw_buf_init(&b->strings, NSW_LIST_STRINGS_MAX);
	if (b->name == NULL || b->version == NULL) {
		nsw_list_builder_free(b);
		return nsw_error_set(NSW_ENOMEM, "list: out of memory");
	}
	*out = b;
	return NSW_OK;
}

int nsw_list_builder_new(nsw_list_builder **out, const char *name,
			 const char *version)
{
	if (out == NULL)
		return nsw_error_set(NSW_EINVAL, "list builder: NULL out");
	*out = NULL;
	if (name == NULL || name[0] == '\0')
		return nsw_error_set(NSW_EINVAL, "list builder: a list needs "
						 "a name");
	return builder_init(out, name, version);
}

int nsw_list_builder_new_delta(nsw_list_builder **out, const nsw_list *base)
{
	nsw_list_info info;
	int rc;

	if (out == NULL || base == NULL)
		return nsw_error_set(NSW_EINVAL, "list builder: NULL argument");
	nsw_list_get_info(base, &info);
	rc = builder_init(out, info.name, info.version);
	if (rc != NSW_OK)
		return rc;
	(*out)->base = base;
	rc = nsw_list_cursor_new(&(*out)->cursor);
	if (rc != NSW_OK) {
		nsw_list_builder_free(*out);
		*out = NULL;
	}
	return rc;
}

void nsw_list_builder_free(nsw_list_builder *b)
{
	if (b == NULL)
		return;
	nsw__free(b->name);
	nsw__free(b->version);
	nsw__free(b->entries);
	for (int a = 0; a < 3; a++)
		nsw__free(b->digests[a]);
	nsw__free(b->pdqs);
	nsw__free(b->pdq_entry);
	nsw_buf_dispose(&b->strings);
	nsw__free(b->str_slots);
	nsw__free(b->dup_slots);
	nsw_list_cursor_free(b->cursor);
	nsw__free(b);
}

void nsw_list_builder_stats(const nsw_list_builder *b,
			    nsw_list_build_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (b != NULL)
		*out = b->stats;
}

/* ---- strings ------------------------------------------------------------ */

static int str_rehash(nsw_list_builder *b)
{
	size_t ncap = b->str_cap ? b->str_cap * 2 : 4096;
	uint32_t *slots = nsw__calloc(ncap, sizeof(uint32_t));

	if (slots == NULL)
		return nsw_error_set(NSW_ENOMEM, "list: out of memory");
	for (size_t i = 0; i < b->str_cap; i++) {
		uint32_t v = b->str_slots[i];
		const char *s;
		size_t j;

		if (v == 0)
			continue;
		s = b->strings.ptr + (v - 1);
		j = fnv(FNV_SEED, s, strlen(s)) & (ncap - 1);
		while (slots[j] != 0)
			j = (j + 1) & (ncap - 1);
		slots[j] = v;
	}
	nsw__free(b->str_slots);
	b->str_slots = slots;
	b->str_cap = ncap;
	return NSW_OK;
}

/* Intern `s` (NULL -> NSWL_NONE) and return its offset in *ref. */
static int intern(nsw_list_builder *b, const char *s, uint32_t *ref)
{
	size_t len, j;
	int rc;

	*ref = NSWL_NONE;
	if (s == NULL)
		return NSW_OK;
	len = strnlen(s, NSW_LIST_STRING_MAX + 1);
	if (len > NSW_LIST_STRING_MAX)
		return nsw_error_set(NSW_ELIMIT,
				     "list: a string of more than %zu bytes",
				     (size_t)NSW_LIST_STRING_MAX);
	if ((b->str_count + 1) * 2 > b->str_cap) {
		rc = str_rehash(b);
		if (rc != NSW_OK)
			return rc;
	}
	j = fnv(FNV_SEED, s, len) & (b->str_cap - 1);
	while (b->str_slots[j] != 0) {
		const char *t = b->strings.ptr + (b->str_slots[j] - 1);

		if (strcmp(t, s) == 0) {
			*ref = b->str_slots[j] - 1;
			return NSW_OK;
		}
		j = (j + 1) & (b->str_cap - 1);
	}
	if (b->strings.len + len + 1 >= NSWL_NONE)
		return nsw_error_set(NSW_ELIMIT, "list: strings over 4 GiB");
	*ref = (uint32_t)b->strings.len;
	rc = nsw_buf_put(&b->strings, s, len + 1);
	if (rc != NSW_OK)
		return nsw_error_set(rc, "list: strings over %zu bytes",
				     (size_t)NSW_LIST_STRINGS_MAX);
	b->str_slots[j] = *ref + 1;
	b->str_count++;
	return NSW_OK;
}

/* ---- duplicates --------------------------------------------------------- */

static int same_str(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* Identity hash of a stored entry: hashes + category refs. */
static uint64_t stored_identity(const nsw_list_builder *b, size_t i)
{
	const uint8_t *e = b->entries + i * NSWL_ENTRY_BYTES;
	unsigned has = get32(e + NSWL_E_FLAGS) & 0xf;
	uint64_t h = fnv(FNV_SEED, &has, sizeof(has));

	for (int a = 0; a < 3; a++)
		if (has & (1u << a))
			h = fnv(h,
				b->digests[a] +
					(size_t)get32(e + NSWL_E_ROWS + 4 * a) *
						digest_bytes[a],
				digest_bytes[a]);
	if (has & NSW_HAS_PDQ)
		h = fnv(h, b->pdqs[get32(e + NSWL_E_ROWS + 12)].bytes, 32);
	h = fnv(h, e + NSWL_E_STRINGS, 8); /* scheme and code refs */
	return h;
}

static int stored_equal(const nsw_list_builder *b, size_t i, size_t j)
{
	const uint8_t *x = b->entries + i * NSWL_ENTRY_BYTES;
	const uint8_t *y = b->entries + j * NSWL_ENTRY_BYTES;
	unsigned has = get32(x + NSWL_E_FLAGS) & 0xf;

	if (has != (get32(y + NSWL_E_FLAGS) & 0xf) ||
	    memcmp(x + NSWL_E_STRINGS, y + NSWL_E_STRINGS, 8) != 0)
		return 0;
	for (int a = 0; a < 3; a++)
		if ((has & (1u << a)) &&
		    memcmp(b->digests[a] +
				   (size_t)get32(x + NSWL_E_ROWS + 4 * a) *
					   digest_bytes[a],
			   b->digests[a] +
				   (size_t)get32(y + NSWL_E_ROWS + 4 * a) *
					   digest_bytes[a],
			   digest_bytes[a]) != 0)
			return 0;
	if ((has & NSW_HAS_PDQ) &&
	    memcmp(b->pdqs[get32(x + NSWL_E_ROWS + 12)].bytes,
		   b->pdqs[get32(y + NSWL_E_ROWS + 12)].bytes, 32) != 0)
		return 0;
	return 1;
}

/* The table keeps 32 bits of each identity hash: positions come from them
 * (also when growing, without touching the entries) and most probes are
 * settled without reading an entry. */
static int dup_rehash(nsw_list_builder *b)
{
	size_t ncap = b->dup_cap ? b->dup_cap * 2 : 4096;
	uint64_t *slots = nsw__calloc(ncap, sizeof(uint64_t));

	if (slots == NULL)
		return nsw_error_set(NSW_ENOMEM, "list: out of memory");
	for (size_t i = 0; i < b->dup_cap; i++) {
		uint64_t v = b->dup_slots[i];
		size_t j;

		if (v == 0)
			continue;
		j = (size_t)(v >> 32) & (ncap - 1);
		while (slots[j] != 0)
			j = (j + 1) & (ncap - 1);
		slots[j] = v;
	}
	nsw__free(b->dup_slots);
	b->dup_slots = slots;
	b->dup_cap = ncap;
	return NSW_OK;
}

/* Is the last stored entry a duplicate of an earlier one? If not, record
 * it in the table. */
static int check_duplicate(nsw_list_builder *b, int *dup)
{
	size_t last = b->nentries - 1, j;
	uint64_t h;
	int rc;

	*dup = 0;
	if (b->nentries * 2 > b->dup_cap) {
		rc = dup_rehash(b);
		if (rc != NSW_OK)
			return rc;
	}
	h = stored_identity(b, last);
	h ^= h >> 29; /* fold the low bits in: FNV's low bits mix poorly */
	h &= 0xffffffff00000000ull;
	j = (size_t)(h >> 32) & (b->dup_cap - 1);
	while (b->dup_slots[j] != 0) {
		uint64_t v = b->dup_slots[j];

		if ((v & 0xffffffff00000000ull) == h &&
		    stored_equal(b, (size_t)(v & 0xffffffffu) - 1, last)) {
			*dup = 1;
			return NSW_OK;
		}
		j = (j + 1) & (b->dup_cap - 1);
	}
	b->dup_slots[j] = h | (uint64_t)(last + 1);
	return NSW_OK;
}

/* Same hashes and category as an entry of the base list? */
static int in_base(nsw_list_builder *b, const nsw_list_entry *e, int *dup)
{
	uint64_t ids[256];
	size_t found = 0, n;
	const nsw_list_pdq_hit *hits = NULL;
	int rc;

	*dup = 0;
	for (int a = 0; a < 3; a++) {
		const uint8_t *d = a == 0   ? e->md5
				   : a == 1 ? e->sha1
					    : e->sha256;

		if (!(e->has & (1u << a)))
			continue;
		rc = nsw_list_find_digest(b->base, (nsw_algo)a, d, ids, 256,
					  &found);
		if (rc != NSW_OK)
			return rc;
		n = found < 256 ? found : 256;
		goto compare;
	}
	rc = nsw_list_find_pdq(b->cursor, b->base, &e->pdq, 1, 0, &hits,
			       &found);
	if (rc != NSW_OK)
		return rc;
	n = found < 256 ? found : 256;
	for (size_t i = 0; i < n; i++)
		ids[i] = hits[i].entry;
compare:
	for (size_t i = 0; i < n; i++) {
		nsw_list_entry o;

		rc = nsw_list_entry_get(b->base, ids[i], &o);
		if (rc != NSW_OK)
			return rc;
		if (o.has != e->has ||
		    ((e->has & NSW_HAS_MD5) && memcmp(o.md5, e->md5, 16)) ||
		    ((e->has & NSW_HAS_SHA1) && memcmp(o.sha1, e->sha1, 20)) ||
		    ((e->has & NSW_HAS_SHA256) &&
		     memcmp(o.sha256, e->sha256, 32)) ||
		    ((e->has & NSW_HAS_PDQ) &&
		     memcmp(o.pdq.bytes, e->pdq.bytes, 32)) ||
		    !same_str(o.category_scheme, e->category_scheme) ||
		    !same_str(o.category_code, e->category_code))
			continue;
		*dup = 1;
		return NSW_OK;
	}
	return NSW_OK;
}

/* ---- add ---------------------------------------------------------------- */

static uint32_t tri(int v)
{
	return v == 0 ? 0u : v == 1 ? 1u : NSWL_TRI_UNKNOWN;
}

int nsw_list_builder_add(nsw_list_builder *b, const nsw_list_entry *e)
{
	const char *strs[NSWL_S_COUNT];
	uint8_t *rec;
	uint32_t refs[NSWL_S_COUNT];
	int rc, dup = 0;

	if (b == NULL || e == NULL)
		return nsw_error_set(NSW_EINVAL, "list builder: NULL argument");
	if (b->written)
		return nsw_error_set(NSW_EINVAL,
				     "list builder: already written");
	if ((e->has & 0xfu) == 0 || (e->has & ~0xfu) != 0)
		return nsw_error_set(NSW_EINVAL,
				     "list builder: entry %s:%llu has no hash",
				     e->source_file ? e->source_file : "?",
				     (unsigned long long)e->source_line);
	b->stats.read++;
	if (b->base != NULL) {
		rc = in_base(b, e, &dup);
		if (rc != NSW_OK)
			return rc;
		if (dup) {
			b->stats.duplicate++;
			return NSW_OK;
		}
	}
	strs[NSWL_S_SCHEME] = e->category_scheme;
	strs[NSWL_S_CODE] = e->category_code;
	strs[NSWL_S_SERIES] = e->series;
	strs[NSWL_S_NAME] = e->name;
	strs[NSWL_S_SOURCE_ID] = e->source_id;
	strs[NSWL_S_ATTRIBUTES] = e->attributes;
	strs[NSWL_S_SOURCE_FILE] = e->source_file;
	for (int i = 0; i < NSWL_S_COUNT; i++) {
		rc = intern(b, strs[i], &refs[i]);
		if (rc != NSW_OK)
			return rc;
	}
	rc = grow((void **)&b->entries, &b->entries_cap, b->nentries + 1,
		  NSWL_ENTRY_BYTES);
	if (rc != NSW_OK)
		return rc;
	rec = b->entries + b->nentries * NSWL_ENTRY_BYTES;
	memset(rec, 0, NSWL_ENTRY_BYTES);
	put32(rec + NSWL_E_FLAGS, (e->has & 0xfu) |
					  (tri(e->victim_identified) << 4) |
					  (tri(e->offender_identified) << 6));
	put32(rec + NSWL_E_QUALITY,
	      (uint32_t)(e->pdq_quality >= 0 && e->pdq_quality <= 100
				 ? e->pdq_quality
				 : -1));
	for (int a = 0; a < 4; a++)
		put32(rec + NSWL_E_ROWS + 4 * a, NSWL_NONE);
	put64(rec + NSWL_E_SIZE, (uint64_t)(e->size >= 0 ? e->size : -1));
	put64(rec + NSWL_E_LINE, e->source_line);
	for (int i = 0; i < NSWL_S_COUNT; i++)
		put32(rec + NSWL_E_STRINGS + 4 * i, refs[i]);
	for (int a = 0; a < 3; a++) {
		const uint8_t *d = a == 0   ? e->md5
				   : a == 1 ? e->sha1
					    : e->sha256;

		if (!(e->has & (1u << a)))
			continue;
		rc = grow((void **)&b->digests[a], &b->digests_cap[a],
			  b->ndigests[a] + 1, digest_bytes[a]);
		if (rc != NSW_OK)
			return rc;
		memcpy(b->digests[a] + b->ndigests[a] * digest_bytes[a], d,
		       digest_bytes[a]);
		put32(rec + NSWL_E_ROWS + 4 * a, (uint32_t)b->ndigests[a]);
		b->ndigests[a]++;
	}
	if (e->has & NSW_HAS_PDQ) {
		if (b->npdq >= NSW_PDQ_INDEX_ROWS_MAX)
			return nsw_error_set(NSW_ELIMIT,
					     "list: more than %u PDQ hashes "
					     "in one segment",
					     (unsigned)NSW_PDQ_INDEX_ROWS_MAX);
		rc = grow((void **)&b->pdqs, &b->pdq_cap, b->npdq + 1,
			  sizeof(nsw_pdq_hash));
		if (rc == NSW_OK)
			rc = grow((void **)&b->pdq_entry, &b->pdq_entry_cap,
				  b->npdq + 1, sizeof(uint32_t));
		if (rc != NSW_OK)
			return rc;
		b->pdqs[b->npdq] = e->pdq;
		b->pdq_entry[b->npdq] = (uint32_t)b->nentries;
		put32(rec + NSWL_E_ROWS + 12, (uint32_t)b->npdq);
		b->npdq++;
	}
	b->nentries++;
	rc = check_duplicate(b, &dup);
	if (rc != NSW_OK)
		return rc;
	if (dup) {
		/* Undo: drop the record and the hashes it appended. */
		b->nentries--;
		for (int a = 0; a < 3; a++)
			if (e->has & (1u << a))
				b->ndigests[a]--;
		if (e->has & NSW_HAS_PDQ)
			b->npdq--;
		b->stats.duplicate++;
		return NSW_OK;
	}
	b->stats.kept++;
	return NSW_OK;
}

/* ---- write -------------------------------------------------------------- */

typedef struct section {
	uint32_t kind;
	const void *data;
	uint64_t len;
	uint64_t offset;
} section;

static int exact_cmp(const void *a, const void *b, void *width)
{
	size_t w = *(const size_t *)width;
	int c = memcmp(a, b, w);
	uint32_t x, y;

	if (c != 0)
		return c;
	x = get32((const uint8_t *)a + w);
	y = get32((const uint8_t *)b + w);
	return x < y ? -1 : x > y;
}

/* Sorted (digest, entry id) records; sets each entry's row. */
static int build_exact(nsw_list_builder *b, int a, uint8_t **out)
{
	size_t w = digest_bytes[a], rs = w + 4, n = b->ndigests[a];
	uint8_t *recs = nsw__calloc(n ? n : 1, rs);

	*out = NULL;
	if (recs == NULL)
		return nsw_error_set(NSW_ENOMEM, "list: out of memory");
	for (size_t i = 0; i < b->nentries; i++) {
		const uint8_t *e = b->entries + i * NSWL_ENTRY_BYTES;
		uint32_t row = get32(e + NSWL_E_ROWS + 4 * a);

		if (row == NSWL_NONE)
			continue;
		memcpy(recs + (size_t)row * rs, b->digests[a] + (size_t)row * w,
		       w);
		put32(recs + (size_t)row * rs + w, (uint32_t)i);
	}
	qsort_r(recs, n, rs, exact_cmp, &w);
	for (size_t r = 0; r < n; r++) {
		uint32_t id = get32(recs + r * rs + w);

		put32(b->entries + (size_t)id * NSWL_ENTRY_BYTES + NSWL_E_ROWS +
			      4 * a,
		      (uint32_t)r);
	}
	*out = recs;
	return NSW_OK;
}

static int write_all(int fd, const void *data, uint64_t len, const char *path)
{
	const uint8_t *p = data;

	while (len > 0) {
		size_t chunk = len > ((size_t)1 << 30) ? ((size_t)1 << 30)
						       : (size_t)len;
		ssize_t n = write(fd, p, chunk);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return nsw_error_set(NSW_EIO, "%s: write failed: %s",
					     path, strerror(errno));
		p += n;
		len -= (uint64_t)n;
	}
	return NSW_OK;
}

static uint64_t random_uid(void)
{
	uint64_t v = 0;

	if (getrandom(&v, sizeof(v), 0) != (ssize_t)sizeof(v))
		v = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	return v ? v : 1;
}

/* Compute the checksum of the written file and store it in its header. */
static int seal(int fd, uint64_t len, const char *path)
{
	uint8_t *map;
	uint64_t sum;
	uint8_t field[32] = {0};

	map = mmap(NULL, (size_t)len, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		return nsw_error_set(NSW_EIO, "%s: mmap failed: %s", path,
				     strerror(errno));
	sum = nsw_list__checksum(map, (size_t)len);
	munmap(map, (size_t)len);
	put64(field, sum);
	if (pwrite(fd, field, sizeof(field), NSWL_H_CHECKSUM) !=
	    (ssize_t)sizeof(field))
		return nsw_error_set(NSW_EIO, "%s: write failed: %s", path,
				     strerror(errno));
	return NSW_OK;
}

static int write_segment(nsw_list_builder *b, const char *path, uint64_t uid,
			 uint32_t seq)
{
	uint8_t *exact[3] = {NULL, NULL, NULL};
	nsw_pdq_index_built pdq;
	uint8_t header[NSWL_HEADER_BYTES];
	uint8_t table[NSWL_SEC_COUNT * NSWL_SECTION_BYTES];
	section secs[NSWL_SEC_COUNT];
	uint64_t off;
	char *tmp = NULL;
	int fd = -1, rc;
	uint32_t name_ref, version_ref;
	static const uint8_t pad[NSWL_ALIGN];

	memset(&pdq, 0, sizeof(pdq));
	rc = intern(b, b->name, &name_ref);
	if (rc == NSW_OK)
		rc = intern(b, b->version, &version_ref);
	if (rc != NSW_OK)
		return rc;
	for (int a = 0; a < 3 && rc == NSW_OK; a++)
		rc = build_exact(b, a, &exact[a]);
	if (rc == NSW_OK)
		rc = nsw_pdq_index__build(&pdq, b->pdqs, (uint32_t)b->npdq,
					  NULL);
	if (rc != NSW_OK)
		goto done;
	for (uint32_t r = 0; r < pdq.count; r++) {
		uint32_t id = b->pdq_entry[pdq.rowmap[r]];

		pdq.rowmap[r] = id;
		put32(b->entries + (size_t)id * NSWL_ENTRY_BYTES + NSWL_E_ROWS +
			      12,
		      r);
	}
	secs[0] =
		(section){NSWL_SEC_STRINGS, b->strings.ptr, b->strings.len, 0};
	secs[1] = (section){NSWL_SEC_ENTRIES, b->entries,
			    (uint64_t)b->nentries * NSWL_ENTRY_BYTES, 0};
	for (int a = 0; a < 3; a++)
		secs[2 + a] = (section){
			(uint32_t)(NSWL_SEC_MD5 + a), exact[a],
			(uint64_t)b->ndigests[a] * nswl_exact_record(a), 0};
	secs[5] = (section){NSWL_SEC_PDQ_HASHES, pdq.hashes,
			    (uint64_t)pdq.count * NSW_PDQ_BYTES, 0};
	secs[6] = (section){NSWL_SEC_PDQ_ROWMAP, pdq.rowmap,
			    (uint64_t)pdq.count * 4, 0};
	secs[7] = (section){NSWL_SEC_PDQ_INDEX, pdq.blob, pdq.blob_len, 0};
	off = NSWL_HEADER_BYTES + sizeof(table);
	for (int i = 0; i < NSWL_SEC_COUNT; i++) {
		off = (off + NSWL_ALIGN - 1) / NSWL_ALIGN * NSWL_ALIGN;
		secs[i].offset = off;
		off += secs[i].len;
		memset(table + i * NSWL_SECTION_BYTES, 0, NSWL_SECTION_BYTES);
		put32(table + i * NSWL_SECTION_BYTES, secs[i].kind);
		put64(table + i * NSWL_SECTION_BYTES + 8, secs[i].offset);
		put64(table + i * NSWL_SECTION_BYTES + 16, secs[i].len);
	}
	memset(header, 0, sizeof(header));
	memcpy(header, NSWL_MAGIC, NSWL_MAGIC_LEN);
	put32(header + NSWL_H_VERSION, NSWL_FORMAT_VERSION);
	put32(header + NSWL_H_HEADER_BYTES, NSWL_HEADER_BYTES);
	put64(header + NSWL_H_FILE_BYTES, off);
	put32(header + NSWL_H_SECTIONS, NSWL_SEC_COUNT);
	put32(header + NSWL_H_FLAGS, seq ? NSWL_FLAG_DELTA : 0);
	put64(header + NSWL_H_SECTION_TABLE, NSWL_HEADER_BYTES);
	put64(header + NSWL_H_ENTRIES, b->nentries);
	put64(header + NSWL_H_UID, uid);
	put32(header + NSWL_H_DELTA_SEQ, seq);
	put32(header + NSWL_H_CHECKSUM_ALGO, NSWL_CHECKSUM_XXH64);
	put32(header + NSWL_H_NAME, name_ref);
	put32(header + NSWL_H_LIST_VERSION, version_ref);
	put64(header + NSWL_H_CREATED, (uint64_t)time(NULL));
	/* Section data is final only now: re-point STRINGS (interning the
	 * name may have grown the buffer). */
	secs[0].data = b->strings.ptr;

	{
		size_t n = strlen(path) + 16;

		tmp = nsw__malloc(n);
		if (tmp == NULL) {
			rc = nsw_error_set(NSW_ENOMEM, "list: out of memory");
			goto done;
		}
		snprintf(tmp, n, "%s.tmpXXXXXX", path);
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		rc = nsw_error_set(NSW_EIO, "%s: cannot create: %s", tmp,
				   strerror(errno));
		goto done;
	}
	rc = write_all(fd, header, sizeof(header), path);
	if (rc == NSW_OK)
		rc = write_all(fd, table, sizeof(table), path);
	{
		uint64_t at = NSWL_HEADER_BYTES + sizeof(table);

		for (int i = 0; i < NSWL_SEC_COUNT && rc == NSW_OK; i++) {
			rc = write_all(fd, pad, secs[i].offset - at, path);
			if (rc == NSW_OK && secs[i].len)
				rc = write_all(fd, secs[i].data, secs[i].len,
					       path);
			at = secs[i].offset + secs[i].len;
		}
	}
	if (rc == NSW_OK)
		rc = seal(fd, off, path);
	if (rc == NSW_OK && fchmod(fd, 0644) != 0)
		rc = nsw_error_set(NSW_EIO, "%s: chmod: %s", tmp,
				   strerror(errno));
	if (rc == NSW_OK && fsync(fd) != 0)
		rc = nsw_error_set(NSW_EIO, "%s: fsync: %s", tmp,
				   strerror(errno));
	if (close(fd) != 0 && rc == NSW_OK)
		rc = nsw_error_set(NSW_EIO, "%s: close: %s", tmp,
				   strerror(errno));
	fd = -1;
	if (rc == NSW_OK && rename(tmp, path) != 0)
		rc = nsw_error_set(NSW_EIO, "%s: rename: %s", path,
				   strerror(errno));
	if (rc != NSW_OK)
		unlink(tmp);
done:
	if (fd >= 0)
		close(fd);
	nsw__free(tmp);
	for (int a = 0; a < 3; a++)
		nsw__free(exact[a]);
	nsw_pdq_index__built_free(&pdq);
	return rc;
}

int nsw_list_builder_write(nsw_list_builder *b, const char *path,
			   char **written)
{
	char delta[NSW_PATH_MAX];
	nsw_list_info info;
	int rc;

	if (written)
		*written = NULL;
	if (b == NULL || path == NULL)
		return nsw_error_set(NSW_EINVAL, "list: NULL argument");
	if (strlen(path) + 16 > NSW_PATH_MAX)
		return nsw_error_set(NSW_ELIMIT, "list: path too long");
	if (b->written)
		return nsw_error_set(NSW_EINVAL,
				     "list builder: already written");
	b->written = 1;
	if (b->base == NULL) {
		rc = write_segment(b, path, random_uid(), 0);
		if (rc == NSW_OK && written) {
			*written = nsw__strdup(path);
			if (*written == NULL)
				rc = nsw_error_set(NSW_ENOMEM, "out of memory");
		}
		return rc;
	}
	nsw_list_get_info(b->base, &info);
	if (info.segments > NSW_LIST_DELTAS_MAX)
		return nsw_error_set(NSW_ELIMIT,
				     "%s: %u delta segments already; run "
				     "'netsweep list compact'",
				     path, info.segments - 1);
	rc = nsw_list__delta_path(delta, sizeof(delta), path, info.segments);
	if (rc != NSW_OK)
		return rc;
	if (access(delta, F_OK) == 0)
		return nsw_error_set(NSW_EIO,
				     "%s exists but was not part of the list "
				     "when it was opened; reopen and retry",
				     delta);
	rc = write_segment(b, delta, info.uid, info.segments);
	if (rc == NSW_OK && written) {
		*written = nsw__strdup(delta);
		if (*written == NULL)
			rc = nsw_error_set(NSW_ENOMEM, "out of memory");
	}
	return rc;
}
