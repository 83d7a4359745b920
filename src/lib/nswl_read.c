/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reading .nswl lists: mmap each segment (base, then deltas), validate the
 * header and section table against the file size, and answer entry,
 * exact-digest and PDQ lookups in place. Every offset read from the file
 * is checked before use; corrupt data is NSW_EFORMAT, never a crash.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netsweep/nswl.h"
#include "alloc.h"
#include "error.h"
#include "limits.h"
#include "nswl_format.h"
#include "pdq_index.h"

static const size_t digest_bytes[3] = {NSW_MD5_BYTES, NSW_SHA1_BYTES,
				       NSW_SHA256_BYTES};

typedef struct segment {
	char *what; /* path or buffer name, for messages */
	const uint8_t *map;
	size_t len;
	int mapped;
	uint64_t first_id, entries, uid, created;
	uint32_t seq, flags, checksum_algo, version;
	const char *strings;
	size_t strings_len;
	const uint8_t *ent;
	const uint8_t *exact[3];
	uint64_t exact_count[3];
	const uint32_t *rowmap;
	nsw_pdq_index pdq;
	const char *name, *list_version;
} segment;

struct nsw_list {
	segment *segs;
	uint32_t nsegs;
	uint64_t entries;
	char *path;
};

struct nsw_list_cursor {
	nsw_pdq_query_ctx *ctx;
	nsw_list_pdq_hit *hits;
	size_t nhits, cap;
};

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

int nsw_list__delta_path(char *out, size_t size, const char *base, uint32_t seq)
{
	int n = snprintf(out, size, "%s.d%03u", base, seq);

	if (n < 0 || (size_t)n >= size)
		return nsw_error_set(NSW_ELIMIT, "%s: path too long", base);
	return NSW_OK;
}

/* A string ref: NULL for NSWL_NONE, else a NUL-terminated string (the
 * section's last byte is NUL, checked at open). */
static int string_at(const segment *s, uint32_t ref, const char **out)
{
	*out = NULL;
	if (ref == NSWL_NONE)
		return NSW_OK;
	if (ref >= s->strings_len)
		return nsw_error_set(NSW_EFORMAT,
				     "%s: string reference %u outside the "
				     "string section (%zu bytes)",
				     s->what, ref, s->strings_len);
	*out = s->strings + ref;
	return NSW_OK;
}

/* Validate one segment image and fill `s` (views into the image). */
static int parse_segment(segment *s)
{
	const uint8_t *h = s->map;
	uint64_t table_off, n, prev_end;
	uint32_t nsec;
	const uint8_t *sec[NSWL_SEC_COUNT + 1] = {NULL};
	uint64_t sec_len[NSWL_SEC_COUNT + 1] = {0};
	int rc;

	if (s->len < NSWL_HEADER_BYTES || memcmp(h, NSWL_MAGIC, NSWL_MAGIC_LEN))
		return nsw_error_set(NSW_EFORMAT,
				     "%s: not a netsweep list (.nswl) file",
				     s->what);
	s->version = get32(h + NSWL_H_VERSION);
	if (s->version != NSWL_FORMAT_VERSION)
		return nsw_error_set(NSW_EUNSUPPORTED,
				     "%s: list format version %u; this "
				     "netsweep reads version %u",
				     s->what, s->version, NSWL_FORMAT_VERSION);
	if (get32(h + NSWL_H_HEADER_BYTES) != NSWL_HEADER_BYTES)
		return nsw_error_set(NSW_EFORMAT, "%s: bad header size",
				     s->what);
	if (get64(h + NSWL_H_FILE_BYTES) != s->len)
		return nsw_error_set(
			NSW_EFORMAT,
			"%s: file is %zu bytes, its header says "
			"%llu (truncated or appended to)",
			s->what, s->len,
			(unsigned long long)get64(h + NSWL_H_FILE_BYTES));
	nsec = get32(h + NSWL_H_SECTIONS);
	table_off = get64(h + NSWL_H_SECTION_TABLE);
	s->flags = get32(h + NSWL_H_FLAGS);
	s->entries = get64(h + NSWL_H_ENTRIES);
	s->uid = get64(h + NSWL_H_UID);
	s->seq = get32(h + NSWL_H_DELTA_SEQ);
	s->checksum_algo = get32(h + NSWL_H_CHECKSUM_ALGO);
	s->created = get64(h + NSWL_H_CREATED);
	if (nsec != NSWL_SEC_COUNT || table_off < NSWL_HEADER_BYTES ||
	    table_off > s->len ||
	    (uint64_t)nsec * NSWL_SECTION_BYTES > s->len - table_off)
		return nsw_error_set(NSW_EFORMAT,
				     "%s: section table outside the file",
				     s->what);
	if ((s->flags & ~NSWL_FLAG_DELTA) != 0 ||
	    ((s->flags & NSWL_FLAG_DELTA) != 0) != (s->seq != 0) ||
	    s->checksum_algo != NSWL_CHECKSUM_XXH64)
		return nsw_error_set(NSW_EFORMAT,
				     "%s: unknown flags or checksum kind",
				     s->what);
	if (s->entries > NSW_LIST_ENTRIES_MAX)
		return nsw_error_set(NSW_EFORMAT, "%s: %llu entries", s->what,
				     (unsigned long long)s->entries);
	prev_end = table_off + (uint64_t)nsec * NSWL_SECTION_BYTES;
	for (uint32_t i = 0; i < nsec; i++) {
		const uint8_t *row = h + table_off + i * NSWL_SECTION_BYTES;
		uint32_t kind = get32(row);
		uint64_t off = get64(row + 8), len = get64(row + 16);

		if (kind < 1 || kind > NSWL_SEC_COUNT || sec[kind] != NULL ||
		    get32(row + 4) != 0)
			return nsw_error_set(NSW_EFORMAT,
					     "%s: section %u has unknown or "
					     "repeated kind %u",
					     s->what, i, kind);
		if (off % NSWL_ALIGN != 0 || off < prev_end || off > s->len ||
		    len > s->len - off)
			return nsw_error_set(NSW_EFORMAT,
					     "%s: section %u (kind %u) at "
					     "%llu+%llu lies outside the file "
					     "or overlaps another",
					     s->what, i, kind,
					     (unsigned long long)off,
					     (unsigned long long)len);
		prev_end = off + len;
		sec[kind] = h + off;
		sec_len[kind] = len;
	}
	s->strings = (const char *)sec[NSWL_SEC_STRINGS];
	s->strings_len = (size_t)sec_len[NSWL_SEC_STRINGS];
	if (s->strings_len > 0 && s->strings[s->strings_len - 1] != '\0')
		return nsw_error_set(NSW_EFORMAT,
				     "%s: string section not terminated",
				     s->what);
	if (sec_len[NSWL_SEC_ENTRIES] != s->entries * NSWL_ENTRY_BYTES)
		return nsw_error_set(
			NSW_EFORMAT,
			"%s: entry section holds %llu bytes for "
			"%llu entries",
			s->what, (unsigned long long)sec_len[NSWL_SEC_ENTRIES],
			(unsigned long long)s->entries);
	s->ent = sec[NSWL_SEC_ENTRIES];
	for (int a = 0; a < 3; a++) {
		size_t rs = nswl_exact_record(a);

		n = sec_len[NSWL_SEC_MD5 + a] / rs;
		if (sec_len[NSWL_SEC_MD5 + a] % rs != 0 || n > s->entries)
			return nsw_error_set(
				NSW_EFORMAT, "%s: %s table has a bad size",
				s->what, nsw_algo_name((nsw_algo)a));
		s->exact[a] = sec[NSWL_SEC_MD5 + a];
		s->exact_count[a] = n;
	}
	n = sec_len[NSWL_SEC_PDQ_ROWMAP] / 4;
	if (sec_len[NSWL_SEC_PDQ_ROWMAP] % 4 != 0 || n > s->entries ||
	    sec_len[NSWL_SEC_PDQ_HASHES] != n * NSW_PDQ_BYTES)
		return nsw_error_set(NSW_EFORMAT,
				     "%s: PDQ sections disagree on the "
				     "number of hashes",
				     s->what);
	s->rowmap = (const uint32_t *)sec[NSWL_SEC_PDQ_ROWMAP];
	rc = nsw_pdq_index__open(&s->pdq, sec[NSWL_SEC_PDQ_INDEX],
				 (size_t)sec_len[NSWL_SEC_PDQ_INDEX],
				 sec[NSWL_SEC_PDQ_HASHES],
				 (size_t)sec_len[NSWL_SEC_PDQ_HASHES], s->what);
	if (rc != NSW_OK)
		return rc;
	rc = string_at(s, get32(h + NSWL_H_NAME), &s->name);
	if (rc == NSW_OK)
		rc = string_at(s, get32(h + NSWL_H_LIST_VERSION),
			       &s->list_version);
	if (rc != NSW_OK)
		return rc;
	if (s->name == NULL)
		s->name = "";
	if (s->list_version == NULL)
		s->list_version = "";
	return NSW_OK;
}

static void segment_dispose(segment *s)
{
	if (s->mapped && s->map != NULL)
		munmap((void *)s->map, s->len);
	nsw__free(s->what);
	memset(s, 0, sizeof(*s));
}

/* Map one file. NSW_ENOTFOUND when absent (the caller decides). */
static int map_file(segment *s, const char *path)
{
	struct stat st;
	int fd, rc = NSW_OK;
	void *map;

	memset(s, 0, sizeof(*s));
	s->what = nsw__strdup(path);
	if (s->what == NULL)
		return nsw_error_set(NSW_ENOMEM, "out of memory");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return nsw_error_set(errno == ENOENT ? NSW_ENOTFOUND : NSW_EIO,
				     "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		rc = nsw_error_set(NSW_EIO, "%s: not a regular file", path);
		goto done;
	}
	if (st.st_size < NSWL_HEADER_BYTES) {
		rc = nsw_error_set(NSW_EFORMAT,
				   "%s: %lld bytes, too short for a list "
				   "file",
				   path, (long long)st.st_size);
		goto done;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		rc = nsw_error_set(NSW_EIO, "%s: mmap: %s", path,
				   strerror(errno));
		goto done;
	}
	s->map = map;
	s->len = (size_t)st.st_size;
	s->mapped = 1;
done:
	close(fd);
	return rc;
}

static int add_segment(nsw_list *l, segment *s)
{
	segment *p = nsw__reallocarray(l->segs, l->nsegs + 1, sizeof(*p));

	if (p == NULL)
		return nsw_error_set(NSW_ENOMEM, "out of memory");
	l->segs = p;
	s->first_id = l->entries;
	l->segs[l->nsegs++] = *s;
	l->entries += s->entries;
	return NSW_OK;
}

int nsw_list_open(nsw_list **out, const char *path)
{
	nsw_list *l = NULL;
	segment s;
	char dpath[NSW_PATH_MAX];
	int rc;

	if (out == NULL || path == NULL)
		return nsw_error_set(NSW_EINVAL, "list open: NULL argument");
	*out = NULL;
	l = nsw__calloc(1, sizeof(*l));
	if (l == NULL || (l->path = nsw__strdup(path)) == NULL) {
		nsw_list_close(l);
		return nsw_error_set(NSW_ENOMEM, "out of memory");
	}
	for (uint32_t seq = 0; seq <= NSW_LIST_DELTAS_MAX; seq++) {
		if (seq == 0) {
			rc = map_file(&s, path);
		} else {
			rc = nsw_list__delta_path(dpath, sizeof(dpath), path,
						  seq);
			if (rc == NSW_OK)
				rc = map_file(&s, dpath);
			if (rc == NSW_ENOTFOUND) {
				segment_dispose(&s);
				break;
			}
		}
		if (rc == NSW_OK)
			rc = parse_segment(&s);
		if (rc == NSW_OK && seq == 0 && s.seq != 0)
			rc = nsw_error_set(NSW_EFORMAT,
					   "%s is a delta segment; open its "
					   "base list",
					   path);
		if (rc == NSW_OK && seq > 0 &&
		    (s.seq != seq || s.uid != l->segs[0].uid))
			rc = nsw_error_set(NSW_EFORMAT,
					   "%s: delta segment of another list "
					   "(or out of order); remove it or "
					   "rebuild",
					   s.what);
		if (rc == NSW_OK &&
		    l->entries + s.entries > NSW_LIST_ENTRIES_MAX * 4)
			rc = nsw_error_set(NSW_ELIMIT, "%s: too many entries",
					   path);
		if (rc == NSW_OK)
			rc = add_segment(l, &s);
		if (rc != NSW_OK) {
			segment_dispose(&s);
			nsw_list_close(l);
			return rc;
		}
	}
	*out = l;
	return NSW_OK;
}

int nsw_list_open_buffer(nsw_list **out, const uint8_t *data, size_t len,
			 const char *what)
{
	nsw_list *l = NULL;
	segment s;
	int rc;

	if (out == NULL || (data == NULL && len > 0))
		return nsw_error_set(NSW_EINVAL, "list open: NULL argument");
	*out = NULL;
	memset(&s, 0, sizeof(s));
	l = nsw__calloc(1, sizeof(*l));
	s.what = nsw__strdup(what ? what : "(buffer)");
	if (l == NULL || s.what == NULL ||
	    (l->path = nsw__strdup("")) == NULL) {
		segment_dispose(&s);
		nsw_list_close(l);
		return nsw_error_set(NSW_ENOMEM, "out of memory");
	}
	s.map = data;
	s.len = len;
	rc = parse_segment(&s);
	if (rc == NSW_OK && s.seq != 0)
		rc = nsw_error_set(NSW_EFORMAT, "%s: a delta segment", s.what);
	if (rc == NSW_OK)
		rc = add_segment(l, &s);
	if (rc != NSW_OK) {
		segment_dispose(&s);
		nsw_list_close(l);
		return rc;
	}
	*out = l;
	return NSW_OK;
}

void nsw_list_close(nsw_list *l)
{
	if (l == NULL)
		return;
	for (uint32_t i = 0; i < l->nsegs; i++)
		segment_dispose(&l->segs[i]);
	nsw__free(l->segs);
	nsw__free(l->path);
	nsw__free(l);
}

void nsw_list_get_info(const nsw_list *l, nsw_list_info *out)
{
	memset(out, 0, sizeof(*out));
	out->name = l->segs[0].name;
	out->version = l->segs[0].list_version;
	out->path = l->path;
	out->segments = l->nsegs;
	out->entries = l->entries;
	out->created = l->segs[0].created;
	out->uid = l->segs[0].uid;
	out->format_version = l->segs[0].version;
	for (uint32_t i = 0; i < l->nsegs; i++) {
		const segment *s = &l->segs[i];

		for (int a = 0; a < 3; a++)
			out->count[a] += s->exact_count[a];
		out->count[NSW_ALGO_PDQ] += s->pdq.count;
		out->bytes += s->len;
	}
}

size_t nsw_list_pdq_index_bytes(const nsw_list *l)
{
	size_t total = 0;

	for (uint32_t i = 0; i < l->nsegs; i++)
		total += nsw_pdq_index__memory(&l->segs[i].pdq) +
			 (size_t)l->segs[i].pdq.count * 4;
	return total;
}

static const segment *segment_of(const nsw_list *l, uint64_t id)
{
	uint32_t lo = 0, hi = l->nsegs;

	while (hi - lo > 1) {
		uint32_t mid = (lo + hi) / 2;

		if (l->segs[mid].first_id <= id)
			lo = mid;
		else
			hi = mid;
	}
	return &l->segs[lo];
}

static uint32_t untri(uint32_t v)
{
	return v == 0 ? 0 : v == 1 ? 1 : (uint32_t)NSW_FLAG_UNKNOWN;
}

int nsw_list_entry_get(const nsw_list *l, uint64_t id, nsw_list_entry *out)
{
	const segment *s;
	const uint8_t *e;
	uint32_t flags, refs[NSWL_S_COUNT];
	const char *strs[NSWL_S_COUNT];
	int rc;

	memset(out, 0, sizeof(*out));
	if (l == NULL)
		return nsw_error_set(NSW_EINVAL, "list: NULL argument");
	if (id >= l->entries)
		return nsw_error_set(NSW_ENOTFOUND,
				     "list %s: no entry %llu (%llu entries)",
				     l->segs[0].what, (unsigned long long)id,
				     (unsigned long long)l->entries);
	s = segment_of(l, id);
	e = s->ent + (id - s->first_id) * NSWL_ENTRY_BYTES;
	flags = get32(e + NSWL_E_FLAGS);
	out->has = flags & 0xf;
	out->victim_identified = (int)untri((flags >> 4) & 3);
	out->offender_identified = (int)untri((flags >> 6) & 3);
	out->pdq_quality = (int32_t)get32(e + NSWL_E_QUALITY);
	out->size = (int64_t)get64(e + NSWL_E_SIZE);
	out->source_line = get64(e + NSWL_E_LINE);
	for (int a = 0; a < 4; a++) {
		uint32_t row = get32(e + NSWL_E_ROWS + 4 * a);
		uint8_t *dst = a == 0	? out->md5
			       : a == 1 ? out->sha1
			       : a == 2 ? out->sha256
					: out->pdq.bytes;

		if (!(out->has & (1u << a)))
			continue;
		if (a < 3 && row < s->exact_count[a]) {
			memcpy(dst,
			       s->exact[a] + (size_t)row * nswl_exact_record(a),
			       digest_bytes[a]);
		} else if (a == 3 && row < s->pdq.count) {
			memcpy(dst, s->pdq.hashes + (size_t)row * NSW_PDQ_BYTES,
			       NSW_PDQ_BYTES);
		} else {
			return nsw_error_set(
				NSW_EFORMAT,
				"%s: entry %llu: %s row %u out "
				"of range",
				s->what, (unsigned long long)(id - s->first_id),
				nsw_algo_name((nsw_algo)a), row);
		}
	}
	for (int i = 0; i < NSWL_S_COUNT; i++) {
		refs[i] = get32(e + NSWL_E_STRINGS + 4 * i);
		rc = string_at(s, refs[i], &strs[i]);
		if (rc != NSW_OK)
			return rc;
	}
	out->category_scheme = strs[NSWL_S_SCHEME];
	out->category_code = strs[NSWL_S_CODE];
	out->series = strs[NSWL_S_SERIES];
	out->name = strs[NSWL_S_NAME];
	out->source_id = strs[NSWL_S_SOURCE_ID];
	out->attributes = strs[NSWL_S_ATTRIBUTES];
	out->source_file = strs[NSWL_S_SOURCE_FILE];
	return NSW_OK;
}

int nsw_list_find_digest(const nsw_list *l, nsw_algo algo,
			 const uint8_t *digest, uint64_t *ids, size_t max,
			 size_t *found)
{
	size_t w, rs, k = 0;

	if (found)
		*found = 0;
	if (l == NULL || digest == NULL || found == NULL ||
	    (ids == NULL && max > 0) || (int)algo < 0 || algo >= NSW_ALGO_PDQ)
		return nsw_error_set(NSW_EINVAL, "list: bad digest lookup");
	w = digest_bytes[algo];
	rs = nswl_exact_record((int)algo);
	for (uint32_t i = 0; i < l->nsegs; i++) {
		const segment *s = &l->segs[i];
		uint64_t lo = 0, hi = s->exact_count[algo];

		while (lo < hi) {
			uint64_t mid = lo + (hi - lo) / 2;

			if (memcmp(s->exact[algo] + mid * rs, digest, w) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < s->exact_count[algo]; lo++) {
			const uint8_t *r = s->exact[algo] + lo * rs;
			uint32_t id = get32(r + w);

			if (memcmp(r, digest, w) != 0)
				break;
			if (id >= s->entries)
				return nsw_error_set(
					NSW_EFORMAT,
					"%s: %s table names entry "
					"%u of %llu",
					s->what, nsw_algo_name(algo), id,
					(unsigned long long)s->entries);
			if (k < max)
				ids[k] = s->first_id + id;
			k++;
		}
	}
	*found = k;
	return NSW_OK;
}

int nsw_list_cursor_new(nsw_list_cursor **out)
{
	nsw_list_cursor *c = nsw__calloc(1, sizeof(*c));
	int rc;

	*out = NULL;
	if (c == NULL)
		return nsw_error_set(NSW_ENOMEM, "out of memory");
	rc = nsw_pdq_query_ctx_new(&c->ctx);
	if (rc != NSW_OK) {
		nsw__free(c);
		return rc;
	}
	*out = c;
	return NSW_OK;
}

void nsw_list_cursor_free(nsw_list_cursor *c)
{
	if (c == NULL)
		return;
	nsw_pdq_query_ctx_free(c->ctx);
	nsw__free(c->hits);
	nsw__free(c);
}

static int lhit_cmp(const void *a, const void *b)
{
	const nsw_list_pdq_hit *x = a, *y = b;

	if (x->query != y->query)
		return x->query < y->query ? -1 : 1;
	return x->entry < y->entry ? -1 : x->entry > y->entry;
}

int nsw_list_find_pdq(nsw_list_cursor *c, const nsw_list *l,
		      const nsw_pdq_hash *queries, uint32_t nq, uint32_t radius,
		      const nsw_list_pdq_hit **hits, size_t *nhits)
{
	*hits = NULL;
	*nhits = 0;
	if (c == NULL || l == NULL)
		return nsw_error_set(NSW_EINVAL, "list: NULL argument");
	c->nhits = 0;
	for (uint32_t i = 0; i < l->nsegs; i++) {
		const segment *s = &l->segs[i];
		const nsw_pdq_hit *h = NULL;
		size_t n = 0;
		int rc;

		rc = nsw_pdq_index__query(c->ctx, &s->pdq, queries, nq, radius,
					  NSW_PDQ_QUERY_AUTO, &h, &n);
		if (rc != NSW_OK)
			return rc;
		if (c->nhits + n > c->cap) {
			size_t ncap = (c->nhits + n) * 2;
			nsw_list_pdq_hit *p;

			if (ncap > NSW_PDQ_QUERY_SCRATCH_MAX)
				return nsw_error_set(
					NSW_ELIMIT, "PDQ query: too many hits");
			p = nsw__reallocarray(c->hits, ncap, sizeof(*p));
			if (p == NULL)
				return nsw_error_set(NSW_ENOMEM,
						     "out of memory");
			c->hits = p;
			c->cap = ncap;
		}
		for (size_t j = 0; j < n; j++) {
			uint32_t id = s->rowmap[h[j].row];

			if (id >= s->entries)
				return nsw_error_set(
					NSW_EFORMAT,
					"%s: PDQ row map names "
					"entry %u of %llu",
					s->what, id,
					(unsigned long long)s->entries);
			c->hits[c->nhits].query = h[j].query;
			c->hits[c->nhits].distance = h[j].distance;
			c->hits[c->nhits].entry = s->first_id + id;
			c->nhits++;
		}
	}
	if (c->nhits > 1)
		qsort(c->hits, c->nhits, sizeof(*c->hits), lhit_cmp);
	*hits = c->hits;
	*nhits = c->nhits;
	return NSW_OK;
}

uint32_t nsw_list__segments(const nsw_list *l)
{
	return l->nsegs;
}

void nsw_list__segment(const nsw_list *l, uint32_t i,
		       nsw_list__segment_view *out)
{
	const segment *s = &l->segs[i];

	out->what = s->what;
	out->map = s->map;
	out->len = s->len;
	out->entries = s->entries;
	out->ent = s->ent;
	for (int a = 0; a < 3; a++) {
		out->exact[a] = s->exact[a];
		out->exact_count[a] = s->exact_count[a];
	}
	out->rowmap = s->rowmap;
	out->pdq = &s->pdq;
}
