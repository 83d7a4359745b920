/* SPDX-License-Identifier: Apache-2.0 */
/*
 * NCMEC hash-sharing API v2 XML importer (FORMATS.md 2.1), the only file
 * that includes expat.h. Entries (image/video) and deletions
 * (deletedImage/deletedVideo) are applied in timestamp order: a first pass
 * finds, per entry id, the last event; the second emits an entry only when
 * it is that last event. DTDs are refused outright (no entity can be
 * declared, so none is expanded or fetched: no XXE, no billion laughs);
 * nesting depth and element text are capped.
 */
#include <stdio.h>
#include <string.h>

#include <expat.h>

#include "alloc.h"
#include "buf.h"
#include "error.h"
#include "importer.h"
#include "limits.h"

/* ---- Per-id last event ------------------------------------------------ */

typedef struct id_slot {
	uint64_t hash; /* 0: empty */
	size_t key_off;
	uint32_t key_len;
	int is_delete;
	int64_t ts;
	uint64_t seq;
} id_slot;

typedef struct id_table {
	id_slot *slots;
	size_t cap, count;
	nsw_buf keys;
} id_table;

static uint64_t fnv1a(const char *t, size_t n)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)t[i]) * 1099511628211ull;
	return h ? h : 1;
}

/* (ts, delete, seq) order: later wins, a deletion wins a tie in time. */
static int later(int64_t ts, int del, uint64_t seq, const id_slot *s)
{
	if (ts != s->ts)
		return ts > s->ts;
	if (del != s->is_delete)
		return del > s->is_delete;
	return seq > s->seq;
}

static id_slot *table_find(id_table *t, const char *id, size_t n, uint64_t h)
{
	size_t i;

	if (t->cap == 0)
		return NULL;
	for (i = h & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
		id_slot *s = &t->slots[i];

		if (s->hash == 0)
			return s;
		if (s->hash == h && s->key_len == n &&
		    memcmp(t->keys.ptr + s->key_off, id, n) == 0)
			return s;
	}
}

static int table_grow(id_table *t)
{
	size_t cap = t->cap ? t->cap * 2 : 1024;
	id_slot *old = t->slots;
	size_t old_cap = t->cap;

	t->slots = nsw__calloc(cap, sizeof(*t->slots));
	if (t->slots == NULL) {
		t->slots = old;
		return NSW_ENOMEM;
	}
	t->cap = cap;
	for (size_t i = 0; i < old_cap; i++) {
		if (old[i].hash == 0)
			continue;
		size_t j = old[i].hash & (cap - 1);

		while (t->slots[j].hash != 0)
			j = (j + 1) & (cap - 1);
		t->slots[j] = old[i];
	}
	nsw__free(old);
	return 0;
}

/* Record an event; keeps the later one per id. */
static int table_put(id_table *t, const char *id, size_t n, int64_t ts, int del,
		     uint64_t seq)
{
	uint64_t h = fnv1a(id, n);
	id_slot *s;

	if (t->count + 1 > t->cap / 2) {
		if (t->count >= NSW_NCMEC_IDS_MAX)
			return NSW_ELIMIT;
		if (table_grow(t) < 0)
			return NSW_ENOMEM;
	}
	s = table_find(t, id, n, h);
	if (s->hash == 0) {
		s->hash = h;
		s->key_off = t->keys.len;
		s->key_len = (uint32_t)n;
		if (nsw_buf_put(&t->keys, id, n) < 0)
			return NSW_ENOMEM;
		s->ts = ts;
		s->is_delete = del;
		s->seq = seq;
		t->count++;
		return 0;
	}
	if (later(ts, del, seq, s)) {
		s->ts = ts;
		s->is_delete = del;
		s->seq = seq;
	}
	return 0;
}

static void table_free(id_table *t)
{
	nsw__free(t->slots);
	nsw_buf_dispose(&t->keys);
}

/* ---- Timestamps ------------------------------------------------------- */

static int digits(const char *t, size_t n, int *out)
{
	int v = 0;

	for (size_t i = 0; i < n; i++) {
		if (t[i] < '0' || t[i] > '9')
			return -1;
		v = v * 10 + (t[i] - '0');
	}
	*out = v;
	return 0;
}

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	const int64_t era = (y >= 0 ? y : y - 399) / 400;
	const int64_t yoe = y - era * 400;
	const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

/* "YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)" to microseconds (UTC). */
static int parse_time(const char *t, size_t n, int64_t *out)
{
	int y, mo, d, h, mi, s, us = 0;
	size_t i = 19;

	if (n < 19 || t[4] != '-' || t[7] != '-' ||
	    (t[10] != 'T' && t[10] != ' ') || t[13] != ':' || t[16] != ':' ||
	    digits(t, 4, &y) || digits(t + 5, 2, &mo) || digits(t + 8, 2, &d) ||
	    digits(t + 11, 2, &h) || digits(t + 14, 2, &mi) ||
	    digits(t + 17, 2, &s))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60)
		return -1;
	if (i < n && t[i] == '.') {
		int scale = 100000;

		i++;
		if (i >= n || t[i] < '0' || t[i] > '9')
			return -1;
		for (; i < n && t[i] >= '0' && t[i] <= '9'; i++) {
			us += (t[i] - '0') * scale;
			scale /= 10;
		}
	}
	int64_t off = 0;

	if (i < n && t[i] == 'Z') {
		i++;
	} else if (i + 6 == n && (t[i] == '+' || t[i] == '-') &&
		   t[i + 3] == ':') {
		int oh, om;

		if (digits(t + i + 1, 2, &oh) || digits(t + i + 4, 2, &om))
			return -1;
		off = (t[i] == '+' ? 1 : -1) * (int64_t)(oh * 60 + om) * 60;
		i += 6;
	}
	if (i != n)
		return -1;
	*out = ((days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s -
		 off) *
		1000000) +
	       us;
	return 0;
}

/* ---- The document ----------------------------------------------------- */

enum elem {
	E_OTHER = 0,
	E_MEMBER,
	E_TIMESTAMP,
	E_ID,
	E_CLASSIFICATION,
	E_FINGERPRINT, /* a child of <fingerprints> */
};

typedef struct ncmec_reader {
	nsw_importer *imp;
	XML_Parser xml;
	int pass; /* 1: find each id's last event; 2: emit */
	int rc;
	unsigned depth;
	int root_ok;
	char media[8]; /* "image" / "video" for the current list */
	/* Current entry (depth 3) */
	int entry; /* 0 none, 1 entry, 2 deletion */
	uint64_t line, seq;
	enum elem elem;
	int in_fingerprints;
	char fp_name[32];
	int capture, text_over;
	nsw_buf text;
	nsw_buf id, ts, code, member, member_id, attr;
	nsw_list_entry e;
	char bad[200];
	id_table table;
} ncmec_reader;

static const char *local_name(const char *name)
{
	const char *c = strrchr(name, ':');

	return c ? c + 1 : name;
}

static void stop(ncmec_reader *r, int rc)
{
	if (r->rc == 0)
		r->rc = rc;
	XML_StopParser(r->xml, XML_FALSE);
}

static void mark_bad(ncmec_reader *r, const char *why)
{
	if (r->bad[0] == '\0')
		snprintf(r->bad, sizeof(r->bad), "%s", why);
}

static const char *attr_value(const char **atts, const char *name)
{
	for (size_t i = 0; atts[i] != NULL; i += 2)
		if (strcmp(local_name(atts[i]), name) == 0)
			return atts[i + 1];
	return NULL;
}

/* Append ,"key":"value" to the attributes object. */
static void attr_add(ncmec_reader *r, const char *key, const char *v, size_t n)
{
	if (nsw_buf_putc(&r->attr, r->attr.len ? ',' : '{') < 0 ||
	    nsw_import__json_string(&r->attr, key, strlen(key)) < 0 ||
	    nsw_buf_putc(&r->attr, ':') < 0 ||
	    nsw_import__json_string(&r->attr, v, n) < 0)
		mark_bad(r, "attributes too long");
}

static void entry_begin(ncmec_reader *r, int kind, const char *name)
{
	r->entry = kind;
	r->line = (uint64_t)XML_GetCurrentLineNumber(r->xml);
	r->seq++;
	r->bad[0] = '\0';
	nsw_import__entry_init(&r->e);
	nsw_buf_reset(&r->id);
	nsw_buf_reset(&r->ts);
	nsw_buf_reset(&r->code);
	nsw_buf_reset(&r->member);
	nsw_buf_reset(&r->member_id);
	nsw_buf_reset(&r->attr);
	attr_add(r, "media", name, strlen(name));
}

static void XMLCALL on_start(void *ctx, const char *name, const char **atts)
{
	ncmec_reader *r = ctx;
	const char *n = local_name(name);

	if (r->rc)
		return;
	r->depth++;
	if (r->depth > NSW_XML_DEPTH_MAX) {
		stop(r, nsw_error_set(NSW_ELIMIT,
				      "%s:%llu: XML nested deeper than %d",
				      r->imp->src->name,
				      (unsigned long long)
					      XML_GetCurrentLineNumber(r->xml),
				      NSW_XML_DEPTH_MAX));
		return;
	}
	if (r->depth == 1) {
		if (strcmp(n, "queryResult") != 0)
			stop(r, nsw_error_set(NSW_EFORMAT,
					      "%s: root element <%s>, not an "
					      "NCMEC hash-sharing "
					      "<queryResult>",
					      r->imp->src->name, n));
		r->root_ok = 1;
		return;
	}
	if (r->depth == 2) {
		snprintf(r->media, sizeof(r->media), "%s",
			 strcmp(n, "images") == 0   ? "image"
			 : strcmp(n, "videos") == 0 ? "video"
						    : "");
		return;
	}
	if (r->depth == 3 && r->media[0]) {
		if (strcmp(n, "image") == 0 || strcmp(n, "video") == 0)
			entry_begin(r, 1, n);
		else if (strcmp(n, "deletedImage") == 0 ||
			 strcmp(n, "deletedVideo") == 0)
			entry_begin(r, 2, n);
		return;
	}
	if (!r->entry)
		return;
	r->capture = 0;
	if (r->depth == 4) {
		r->elem = strcmp(n, "member") == 0	     ? E_MEMBER
			  : strcmp(n, "timestamp") == 0	     ? E_TIMESTAMP
			  : strcmp(n, "id") == 0	     ? E_ID
			  : strcmp(n, "classification") == 0 ? E_CLASSIFICATION
							     : E_OTHER;
		r->in_fingerprints = strcmp(n, "fingerprints") == 0;
		if (r->elem == E_MEMBER) {
			const char *id = attr_value(atts, "id");

			if (id)
				nsw_buf_put(&r->member_id, id, strlen(id));
		}
		r->capture = r->elem != E_OTHER;
	} else if (r->depth == 5 && r->in_fingerprints) {
		const char *href = attr_value(atts, "href");

		r->elem = E_FINGERPRINT;
		snprintf(r->fp_name, sizeof(r->fp_name), "%s", n);
		r->capture = 1;
		if (href != NULL) {
			/* A large fingerprint given as a link. */
			char key[48];

			snprintf(key, sizeof(key), "%s_href", r->fp_name);
			attr_add(r, key, href, strlen(href));
		}
	}
	if (r->capture) {
		nsw_buf_reset(&r->text);
		r->text_over = 0;
	}
}

static void XMLCALL on_text(void *ctx, const char *s, int len)
{
	ncmec_reader *r = ctx;

	if (r->rc || !r->capture || len <= 0 || r->text_over)
		return;
	if (nsw_buf_put(&r->text, s, (size_t)len) < 0)
		r->text_over = 1;
}

/* Trimmed text of the element that just ended. */
static const char *trimmed(ncmec_reader *r, size_t *n)
{
	const char *t = r->text.ptr ? r->text.ptr : "";
	size_t len = r->text.len;

	while (len > 0 && (*t == ' ' || *t == '\n' || *t == '\t' || *t == '\r'))
		t++, len--;
	while (len > 0 && (t[len - 1] == ' ' || t[len - 1] == '\n' ||
			   t[len - 1] == '\t' || t[len - 1] == '\r'))
		len--;
	*n = len;
	return t;
}

static void fingerprint(ncmec_reader *r, const char *t, size_t n)
{
	uint8_t *dst = NULL;
	size_t bytes = 0;
	unsigned bit = 0;
	char why[96];

	if (strcmp(r->fp_name, "md5") == 0)
		dst = r->e.md5, bytes = NSW_MD5_BYTES, bit = NSW_HAS_MD5;
	else if (strcmp(r->fp_name, "sha1") == 0)
		dst = r->e.sha1, bytes = NSW_SHA1_BYTES, bit = NSW_HAS_SHA1;
	else if (strcmp(r->fp_name, "sha256") == 0)
		dst = r->e.sha256, bytes = NSW_SHA256_BYTES,
		bit = NSW_HAS_SHA256;
	else if (strcmp(r->fp_name, "pdq") == 0)
		dst = r->e.pdq.bytes, bytes = NSW_PDQ_BYTES, bit = NSW_HAS_PDQ;
	if (dst == NULL) {
		/* PhotoDNA, NetClean...: kept, opaque. */
		if (n > 0)
			attr_add(r, r->fp_name, t, n);
		return;
	}
	if (n != 2 * bytes) {
		snprintf(why, sizeof(why), "%s has %zu hex digits, want %zu",
			 r->fp_name, n, 2 * bytes);
		mark_bad(r, why);
		return;
	}
	if (nsw_import__hex(dst, bytes, t, n) < 0) {
		snprintf(why, sizeof(why), "%s is not hex", r->fp_name);
		mark_bad(r, why);
		return;
	}
	r->e.has |= bit;
}

static int code_ok(const char *t, size_t n)
{
	if (n == 0 || n > NSW_LIST_CODE_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((t[i] >= '0' && t[i] <= '9') ||
		      (t[i] >= 'A' && t[i] <= 'Z') ||
		      (t[i] >= 'a' && t[i] <= 'z')))
			return 0;
	return 1;
}

static void field_end(ncmec_reader *r)
{
	size_t n;
	const char *t = trimmed(r, &n);

	if (r->text_over) {
		mark_bad(r, "element text too long");
		return;
	}
	switch (r->elem) {
	case E_MEMBER:
		nsw_buf_put(&r->member, t, n);
		break;
	case E_TIMESTAMP:
		nsw_buf_put(&r->ts, t, n);
		break;
	case E_ID:
		if (n == 0 || n > NSW_NCMEC_ID_MAX)
			mark_bad(r, "entry id empty or too long");
		else
			nsw_buf_put(&r->id, t, n);
		break;
	case E_CLASSIFICATION:
		if (n == 0)
			break;
		if (!code_ok(t, n))
			mark_bad(r, "classification is not a code");
		else
			nsw_buf_put(&r->code, t, n);
		break;
	case E_FINGERPRINT:
		fingerprint(r, t, n);
		break;
	default:
		break;
	}
}

static int entry_end(ncmec_reader *r)
{
	const int del = r->entry == 2;
	char key[NSW_NCMEC_ID_MAX + 2];
	size_t key_len;
	int64_t ts = 0;
	id_slot *s;
	int rc;

	r->entry = 0;
	if (r->bad[0] == '\0' && r->id.len == 0)
		mark_bad(r, "no <id>");
	if (r->bad[0] == '\0' &&
	    parse_time(r->ts.ptr ? r->ts.ptr : "", r->ts.len, &ts) < 0)
		mark_bad(r, "no valid <timestamp>");
	/* Images and videos are separate id spaces: key "i:<id>". */
	key[0] = r->media[0];
	key[1] = ':';
	key_len = 2;
	if (r->id.len > 0 && r->id.len <= NSW_NCMEC_ID_MAX) {
		memcpy(key + 2, r->id.ptr, r->id.len);
		key_len += r->id.len;
	}
	if (r->pass == 1) {
		if (r->bad[0])
			return 0; /* reported in pass 2 */
		rc = table_put(&r->table, key, key_len, ts, del, r->seq);
		if (rc == NSW_ELIMIT)
			return nsw_error_set(
				NSW_ELIMIT, "%s: more than %zu entry ids",
				r->imp->src->name, NSW_NCMEC_IDS_MAX);
		if (rc < 0)
			return nsw_error_set(rc, "%s: out of memory",
					     r->imp->src->name);
		return 0;
	}
	if (r->bad[0])
		return nsw_import__reject(r->imp, NSW_EFORMAT, r->line,
					  "%s: %s", del ? "deletion" : "entry",
					  r->bad);
	s = table_find(&r->table, key, key_len, fnv1a(key, key_len));
	/* Superseded by a later event for the same id, or a deletion. */
	if (del || s == NULL || s->hash == 0 || s->seq != r->seq) {
		nsw_import__exclude(r->imp);
		return 0;
	}
	if ((r->e.has & (NSW_HAS_MD5 | NSW_HAS_SHA1 | NSW_HAS_SHA256 |
			 NSW_HAS_PDQ)) == 0) {
		/* Valid, but only PhotoDNA or video signatures we cannot
		 * match on. */
		nsw_import__exclude(r->imp);
		return 0;
	}
	if (r->member.len)
		attr_add(r, "member", r->member.ptr, r->member.len);
	if (r->member_id.len)
		attr_add(r, "member_id", r->member_id.ptr, r->member_id.len);
	attr_add(r, "timestamp", r->ts.ptr, r->ts.len);
	if (nsw_buf_putc(&r->attr, '}') < 0)
		return nsw_error_set(NSW_ENOMEM, "%s: out of memory",
				     r->imp->src->name);
	r->e.attributes = r->attr.ptr;
	r->e.source_id = r->id.ptr;
	r->e.category_scheme = nsw_import__scheme(r->imp, "ncmec");
	r->e.category_code = r->code.len ? r->code.ptr : NULL;
	return nsw_import__emit(r->imp, &r->e, r->line);
}

static void XMLCALL on_end(void *ctx, const char *name)
{
	ncmec_reader *r = ctx;
	int rc;

	(void)name;
	if (r->rc)
		return;
	if (r->entry && r->capture &&
	    (r->depth == 4 || (r->depth == 5 && r->in_fingerprints))) {
		field_end(r);
		r->capture = 0;
	}
	if (r->depth == 4)
		r->in_fingerprints = 0;
	if (r->depth == 3 && r->entry) {
		rc = entry_end(r);
		if (rc < 0)
			stop(r, rc);
	}
	if (r->depth == 2)
		r->media[0] = '\0';
	r->depth--;
}

static void XMLCALL on_doctype(void *ctx, const char *name, const char *sysid,
			       const char *pubid, int has_internal_subset)
{
	ncmec_reader *r = ctx;

	(void)name, (void)sysid, (void)pubid, (void)has_internal_subset;
	stop(r, nsw_error_set(
			NSW_EFORMAT,
			"%s:%llu: DOCTYPE refused (hash-sharing XML has "
			"none; entities are never expanded)",
			r->imp->src->name,
			(unsigned long long)XML_GetCurrentLineNumber(r->xml)));
}

static void XMLCALL on_entity_decl(void *ctx, const char *name, int is_param,
				   const char *value, int value_len,
				   const char *base, const char *sysid,
				   const char *pubid, const char *notation)
{
	ncmec_reader *r = ctx;

	(void)name, (void)is_param, (void)value, (void)value_len, (void)base;
	(void)sysid, (void)pubid, (void)notation;
	stop(r, nsw_error_set(NSW_EFORMAT, "%s: entity declarations refused",
			      r->imp->src->name));
}

static int run_pass(ncmec_reader *r)
{
	int rc = 0;

	/* NULL: the document's own declaration (or BOM) names its encoding;
	 * expat hands us UTF-8 whatever it was. */
	r->xml = XML_ParserCreate(NULL);
	if (r->xml == NULL)
		return nsw_error_set(NSW_ENOMEM, "%s: out of memory",
				     r->imp->src->name);
	XML_SetUserData(r->xml, r);
	XML_SetElementHandler(r->xml, on_start, on_end);
	XML_SetCharacterDataHandler(r->xml, on_text);
	XML_SetStartDoctypeDeclHandler(r->xml, on_doctype);
	XML_SetEntityDeclHandler(r->xml, on_entity_decl);
	XML_SetParamEntityParsing(r->xml, XML_PARAM_ENTITY_PARSING_NEVER);
	r->rc = 0;
	r->depth = 0;
	r->entry = 0;
	r->seq = 0;
	r->root_ok = 0;
	r->media[0] = '\0';
	for (;;) {
		const uint8_t *data = NULL;
		size_t len = 0;
		int more = nsw_import__read(r->imp->src, &data, &len);

		if (more < 0) {
			rc = more;
			break;
		}
		if (len > (size_t)0x7fffffff)
			len = 0x7fffffff; /* read chunks are 1 MiB */
		if (XML_Parse(r->xml, more ? (const char *)data : NULL,
			      more ? (int)len : 0,
			      more ? XML_FALSE : XML_TRUE) != XML_STATUS_OK) {
			if (r->rc < 0)
				rc = r->rc;
			else
				rc = nsw_error_set(
					NSW_EFORMAT,
					"%s:%llu: malformed XML: %s",
					r->imp->src->name,
					(unsigned long long)
						XML_GetCurrentLineNumber(
							r->xml),
					XML_ErrorString(
						XML_GetErrorCode(r->xml)));
			break;
		}
		if (!more)
			break;
	}
	if (rc == 0 && !r->root_ok)
		rc = nsw_error_set(NSW_EFORMAT,
				   "%s: no NCMEC <queryResult> element",
				   r->imp->src->name);
	XML_ParserFree(r->xml);
	r->xml = NULL;
	return rc;
}

int nsw_import__ncmec(nsw_importer *imp)
{
	ncmec_reader *r = nsw__calloc(1, sizeof(*r));
	int rc;

	if (r == NULL)
		return nsw_error_set(NSW_ENOMEM, "%s: out of memory",
				     imp->src->name);
	r->imp = imp;
	nsw_buf_init(&r->text, NSW_XML_TEXT_MAX);
	nsw_buf_init(&r->id, NSW_NCMEC_ID_MAX);
	nsw_buf_init(&r->ts, 64);
	nsw_buf_init(&r->code, NSW_LIST_CODE_MAX);
	nsw_buf_init(&r->member, 1024);
	nsw_buf_init(&r->member_id, 64);
	nsw_buf_init(&r->attr, NSW_LIST_ATTR_MAX);
	nsw_buf_init(&r->table.keys,
		     NSW_NCMEC_IDS_MAX * (NSW_NCMEC_ID_MAX + 2));
	r->pass = 1;
	rc = run_pass(r);
	if (rc == 0)
		rc = nsw_import__rewind(imp->src);
	if (rc == 0) {
		r->pass = 2;
		rc = run_pass(r);
	}
	table_free(&r->table);
	nsw_buf_dispose(&r->text);
	nsw_buf_dispose(&r->id);
	nsw_buf_dispose(&r->ts);
	nsw_buf_dispose(&r->code);
	nsw_buf_dispose(&r->member);
	nsw_buf_dispose(&r->member_id);
	nsw_buf_dispose(&r->attr);
	nsw__free(r);
	return rc;
}
