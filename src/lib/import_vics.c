/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Project VIC VICS JSON importer (FORMATS.md 1): 1.x ("odata.metadata")
 * and 2.0 ("@odata.context"), hash sets (#Media) and cases (#Cases, Media
 * inside), streamed through json_stream in bounded memory: one record's
 * fields at a time, whatever the file size. Loose typing is accepted
 * (numbers and booleans as strings, null Category); fields we do not model
 * (PhotoDNA, MediaFiles, Exifs...) are re-serialised into the entry's
 * opaque attributes object.
 */
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "error.h"
#include "importer.h"
#include "json_stream.h"
#include "limits.h"

/* What the current key of a Media record means. */
enum field {
	F_ATTR = 0, /* anything else: kept in attributes */
	F_IGNORE,   /* OData annotations */
	F_MD5,
	F_SHA1,
	F_SHA256,
	F_CATEGORY,
	F_SERIES,
	F_VICTIM,
	F_OFFENDER,
	F_SIZE,
	F_ID,
	F_NAME,
	F_MEDIA,   /* a case's Media array */
	F_CASE_ID, /* CaseNumber / CaseID on a case */
};

/* Keys inside MediaFiles[] / AlternativeHashes[] objects we peek at. */
enum sub_key {
	SK_OTHER = 0,
	SK_FILENAME,
	SK_HASHNAME,
	SK_HASHVALUE
};

#define KEY_MAX 256

typedef struct vics_reader {
	nsw_importer *imp;
	nsw_json_stream *js;
	unsigned depth;
	/* Root level. */
	enum {
		RK_OTHER,
		RK_CONTEXT,
		RK_VALUE
	} root_key;
	unsigned value_depth; /* depth inside the value array, 0 outside */
	int saw_value;
	const char *scheme;
	/* The current item of value[] and, for a case, its Media array. */
	unsigned item_depth;
	unsigned media_depth; /* depth inside a case's Media array */
	nsw_buf case_id;
	/* The current Media record. */
	unsigned rec_depth; /* depth inside its map, 0 when none */
	uint64_t records, rec_line;
	enum field field;
	char key[KEY_MAX + 1];
	size_t key_len;
	int key_too_long;
	nsw_list_entry e;
	nsw_buf name, series, source_id, code;
	char bad[200];
	/* Attributes: the object text and the serialiser's state. */
	nsw_buf attr;
	size_t attr_mark;
	int attr_on, attr_over, attr_truncated, after_key, attr_peek;
	uint64_t comma; /* bit per nesting level under the record */
	/* Peeks into MediaFiles[] and AlternativeHashes[]. */
	enum sub_key sub;
	char alt_name[16], alt_value[80];
	size_t alt_value_len;
} vics_reader;

#define R(ctx) ((vics_reader *)(ctx))

static void mark_bad(vics_reader *r, const char *why)
{
	if (r->bad[0] == '\0')
		snprintf(r->bad, sizeof(r->bad), "%s", why);
}

static int oom(vics_reader *r)
{
	return nsw_error_set(NSW_ENOMEM, "%s: out of memory",
			     r->imp->src->name);
}

/* ---- Context URL ------------------------------------------------------ */

static void parse_context(vics_reader *r, const char *t, size_t len)
{
	static const char marker[] = "ProjectVic/DataModels/";
	const char *p = memmem(t, len, marker, sizeof(marker) - 1);
	const char *end = t + len;

	r->scheme = "custom";
	if (p == NULL)
		return;
	p += sizeof(marker) - 1;
	if (p >= end || *p != '2')
		return; /* 1.x: no profile, numbering not stated */
	/* "2.0.xml/<Profile>/$metadata#..." */
	p = memchr(p, '/', (size_t)(end - p));
	if (p == NULL)
		return;
	p++;
	const char *q = memchr(p, '/', (size_t)(end - p));
	size_t n = q ? (size_t)(q - p) : 0;

	if (nsw_import__word_eq(p, n, "Default"))
		r->scheme = "vics-default";
	else if (nsw_import__word_eq(p, n, "US"))
		r->scheme = "vics-us";
	else if (nsw_import__word_eq(p, n, "UK"))
		r->scheme = "uk";
}

/* ---- Records ---------------------------------------------------------- */

static void rec_begin(vics_reader *r, unsigned depth)
{
	r->rec_depth = depth;
	r->records++;
	r->rec_line = nsw_json_stream_line(r->js);
	nsw_import__entry_init(&r->e);
	nsw_buf_reset(&r->name);
	nsw_buf_reset(&r->series);
	nsw_buf_reset(&r->source_id);
	nsw_buf_reset(&r->code);
	nsw_buf_reset(&r->attr);
	r->bad[0] = '\0';
	r->attr_on = r->attr_over = r->attr_truncated = 0;
	r->field = F_IGNORE;
}

static int rec_end(vics_reader *r)
{
	nsw_list_entry *e = &r->e;
	uint64_t rec = r->records;

	r->rec_depth = 0;
	if (r->bad[0])
		return nsw_import__reject(r->imp, NSW_EFORMAT, r->rec_line,
					  "record %llu: %s",
					  (unsigned long long)rec, r->bad);
	if (e->has == 0)
		return nsw_import__reject(r->imp, NSW_EFORMAT, r->rec_line,
					  "record %llu: no MD5, SHA1 or SHA256",
					  (unsigned long long)rec);
	if (r->case_id.len > 0 && r->item_depth) {
		if (nsw_buf_putc(&r->attr, r->attr.len ? ',' : '{') < 0 ||
		    nsw_buf_put(&r->attr, r->case_id.ptr, r->case_id.len) < 0)
			r->attr_truncated = 1;
	}
	if (r->attr_truncated &&
	    (nsw_buf_putc(&r->attr, r->attr.len ? ',' : '{') < 0 ||
	     nsw_buf_puts(&r->attr, "\"netsweep_truncated\":true") < 0))
		return oom(r);
	if (r->attr.len && nsw_buf_putc(&r->attr, '}') < 0)
		return oom(r);
	e->attributes = r->attr.len ? r->attr.ptr : NULL;
	e->name = r->name.len ? r->name.ptr : NULL;
	e->series = r->series.len ? r->series.ptr : NULL;
	e->source_id = r->source_id.len ? r->source_id.ptr : NULL;
	e->category_code = r->code.len ? r->code.ptr : NULL;
	e->category_scheme =
		nsw_import__scheme(r->imp, r->scheme ? r->scheme : "custom");
	return nsw_import__emit(r->imp, e, rec);
}

static enum field field_of(vics_reader *r, const char *k, size_t n)
{
	static const struct {
		const char *key;
		enum field f;
	} names[] = {
		{"MD5", F_MD5},
		{"SHA1", F_SHA1},
		{"SHA-1", F_SHA1},
		{"SHA256", F_SHA256},
		{"SHA-256", F_SHA256},
		{"Category", F_CATEGORY},
		{"Series", F_SERIES},
		{"VictimIdentified", F_VICTIM},
		{"OffenderIdentified", F_OFFENDER},
		{"MediaSize", F_SIZE},
		{"MediaID", F_ID},
		{"FileName", F_NAME},
	};

	if ((n >= 6 && memcmp(k, "odata.", 6) == 0) ||
	    memmem(k, n, "@odata.", 7) != NULL)
		return F_IGNORE;
	if (r->rec_depth == r->item_depth + 0 && r->item_depth &&
	    r->media_depth == 0) {
		if (n == 5 && memcmp(k, "Media", 5) == 0)
			return F_MEDIA;
		if ((n == 10 && memcmp(k, "CaseNumber", 10) == 0) ||
		    (n == 6 && memcmp(k, "CaseID", 6) == 0))
			return F_CASE_ID;
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i].key) == n &&
		    memcmp(k, names[i].key, n) == 0)
			return names[i].f;
	return F_ATTR;
}

/* ---- Attribute serialiser --------------------------------------------- */

static void attr_put(vics_reader *r, const char *t, size_t n)
{
	if (!r->attr_over && nsw_buf_put(&r->attr, t, n) < 0)
		r->attr_over = 1;
}

static void attr_string(vics_reader *r, const char *t, size_t n)
{
	if (!r->attr_over && nsw_import__json_string(&r->attr, t, n) < 0)
		r->attr_over = 1;
}

/* Before a value: the top-level key, or a comma inside a container. */
static void attr_value_prefix(vics_reader *r)
{
	unsigned level = r->depth - r->rec_depth;

	if (level == 0) {
		r->attr_mark = r->attr.len;
		r->attr_over = 0;
		if (r->key_too_long) {
			r->attr_over = 1;
			return;
		}
		attr_put(r, r->attr.len ? "," : "{", 1);
		attr_string(r, r->key, r->key_len);
		attr_put(r, ":", 1);
		return;
	}
	if (r->after_key) {
		r->after_key = 0;
		return;
	}
	if (level < 64 && (r->comma & (1ull << level)))
		attr_put(r, ",", 1);
	if (level < 64)
		r->comma |= 1ull << level;
}

/* After a whole top-level value: keep it, or drop it when over the cap. */
static void attr_value_done(vics_reader *r)
{
	if (r->depth != r->rec_depth)
		return;
	r->attr_on = 0;
	if (r->attr_over || r->attr.len > NSW_LIST_ATTR_MAX) {
		r->attr.len = r->attr_mark;
		if (r->attr.ptr)
			r->attr.ptr[r->attr.len] = '\0';
		r->attr_truncated = 1;
	}
	r->attr_over = 0;
}

static void attr_scalar(vics_reader *r, const char *t, size_t n, int quote)
{
	attr_value_prefix(r);
	if (quote)
		attr_string(r, t, n);
	else
		attr_put(r, t, n);
	attr_value_done(r);
}

/* ---- Field values ----------------------------------------------------- */

static void set_hash(vics_reader *r, enum field f, const char *t, size_t n)
{
	uint8_t *dst = f == F_MD5    ? r->e.md5
		       : f == F_SHA1 ? r->e.sha1
				     : r->e.sha256;
	size_t bytes = f == F_MD5    ? NSW_MD5_BYTES
		       : f == F_SHA1 ? NSW_SHA1_BYTES
				     : NSW_SHA256_BYTES;
	const char *label = f == F_MD5	  ? "MD5"
			    : f == F_SHA1 ? "SHA1"
					  : "SHA256";
	char why[96];

	if (n == 0)
		return;
	if (n != 2 * bytes) {
		snprintf(why, sizeof(why), "%s has %zu hex digits, want %zu",
			 label, n, 2 * bytes);
		mark_bad(r, why);
		return;
	}
	if (nsw_import__hex(dst, bytes, t, n) < 0) {
		snprintf(why, sizeof(why), "%s is not hex", label);
		mark_bad(r, why);
		return;
	}
	r->e.has |= f == F_MD5	  ? NSW_HAS_MD5
		    : f == F_SHA1 ? NSW_HAS_SHA1
				  : NSW_HAS_SHA256;
}

static void set_text(vics_reader *r, nsw_buf *b, const char *t, size_t n)
{
	nsw_buf_reset(b);
	if (nsw_buf_put(b, t, n) < 0)
		mark_bad(r, "text field too long");
}

static int code_ok(const char *t, size_t n)
{
	if (n > NSW_LIST_CODE_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		const char c = t[i];

		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
		      (c >= 'a' && c <= 'z') || c == '-' || c == '.' ||
		      c == '+' || c == '_'))
			return 0;
	}
	return 1;
}

/* A flag from true/false, "true"/"false", 1/0. -2 when unreadable. */
static int flag_of(const char *t, size_t n)
{
	while (n > 0 && t[0] == ' ')
		t++, n--;
	while (n > 0 && t[n - 1] == ' ')
		n--;
	if (nsw_import__word_eq(t, n, "true") || nsw_import__word_eq(t, n, "1"))
		return 1;
	if (nsw_import__word_eq(t, n, "false") ||
	    nsw_import__word_eq(t, n, "0"))
		return 0;
	if (n == 0)
		return NSW_FLAG_UNKNOWN;
	return -2;
}

/* A scalar for the current record-level key. `kind`: 's' string, 'n'
 * number, 'b' boolean (t = "true"/"false"), '0' null. */
static void field_scalar(vics_reader *r, char kind, const char *t, size_t n)
{
	int64_t v;
	int flag;

	switch (r->field) {
	case F_IGNORE:
		return;
	case F_MD5:
	case F_SHA1:
	case F_SHA256:
		if (kind == 's')
			set_hash(r, r->field, t, n);
		else if (kind != '0')
			mark_bad(r, "a hash is not a string");
		return;
	case F_CATEGORY:
		/* Clees4All omits 0, RECON writes a string, some write
		 * null: all are read, none becomes "safe". */
		while (kind == 's' && n > 0 && t[0] == ' ')
			t++, n--;
		while (kind == 's' && n > 0 && t[n - 1] == ' ')
			n--;
		if (kind == '0' || n == 0)
			return;
		/* Unreadable: the entry stays uncategorised (never "safe")
		 * and the value is kept as given. */
		if ((kind != 's' && kind != 'n') || !code_ok(t, n))
			break;
		set_text(r, &r->code, t, n);
		return;
	case F_SIZE:
		if (kind == '0' || (kind == 's' && n == 0))
			return;
		if ((kind != 's' && kind != 'n') ||
		    nsw_import__uint(&v, t, n) < 0)
			break; /* size unknown, value kept as given */
		r->e.size = v;
		return;
	case F_VICTIM:
	case F_OFFENDER:
		if (kind == '0')
			return;
		flag = flag_of(t, n);
		if (flag == -2)
			break; /* unreadable: keep it as an attribute */
		if (r->field == F_VICTIM)
			r->e.victim_identified = flag;
		else
			r->e.offender_identified = flag;
		return;
	case F_SERIES:
		if (kind == 's' || kind == 'n')
			set_text(r, &r->series, t, n);
		return;
	case F_ID:
		if (kind == 's' || kind == 'n')
			set_text(r, &r->source_id, t, n);
		return;
	case F_NAME:
		if (kind == 's')
			set_text(r, &r->name, t, n);
		return;
	case F_CASE_ID:
		/* Kept as "CaseID":..,"CaseNumber":.. for the case's Media. */
		if (kind == 's' || kind == 'n') {
			size_t mark = r->case_id.len;

			if ((r->case_id.len &&
			     nsw_buf_putc(&r->case_id, ',') < 0) ||
			    nsw_import__json_string(&r->case_id, r->key,
						    r->key_len) < 0 ||
			    nsw_buf_putc(&r->case_id, ':') < 0 ||
			    nsw_import__json_string(&r->case_id, t, n) < 0) {
				r->case_id.len = mark;
				if (r->case_id.ptr)
					r->case_id.ptr[mark] = '\0';
			}
		}
		return;
	default:
		break;
	}
	attr_scalar(r, t, n, kind == 's');
}

/* Inside MediaFiles[] / AlternativeHashes[] objects. */
static void peek_string(vics_reader *r, const char *t, size_t n)
{
	if (r->depth != r->rec_depth + 2)
		return;
	if (r->sub == SK_FILENAME && r->name.len == 0 && n > 0)
		set_text(r, &r->name, t, n);
	else if (r->sub == SK_HASHNAME && n < sizeof(r->alt_name))
		snprintf(r->alt_name, sizeof(r->alt_name), "%.*s", (int)n, t);
	else if (r->sub == SK_HASHVALUE && n < sizeof(r->alt_value)) {
		memcpy(r->alt_value, t, n);
		r->alt_value_len = n;
	}
}

/* End of an AlternativeHashes item: {"HashName":"SHA1","HashValue":..}. */
static void peek_alt_done(vics_reader *r)
{
	if (nsw_import__word_eq(r->alt_name, strlen(r->alt_name), "SHA1") &&
	    !(r->e.has & NSW_HAS_SHA1))
		set_hash(r, F_SHA1, r->alt_value, r->alt_value_len);
	else if (nsw_import__word_eq(r->alt_name, strlen(r->alt_name),
				     "SHA256") &&
		 !(r->e.has & NSW_HAS_SHA256))
		set_hash(r, F_SHA256, r->alt_value, r->alt_value_len);
	r->alt_name[0] = '\0';
	r->alt_value_len = 0;
}

/* ---- JSON callbacks --------------------------------------------------- */

static int in_record(const vics_reader *r)
{
	return r->rec_depth != 0 && r->depth >= r->rec_depth;
}

/* Is the next value an item of value[] or of a case's Media[]? */
static int at_item(const vics_reader *r)
{
	return (r->value_depth && r->depth == r->value_depth &&
		r->item_depth == 0) ||
	       (r->media_depth && r->depth == r->media_depth &&
		r->rec_depth == 0);
}

/* A Media record that is not an object (a string, an array...). */
static int reject_item(vics_reader *r)
{
	r->records++;
	return nsw_import__reject(
		r->imp, NSW_EFORMAT, nsw_json_stream_line(r->js),
		"record %llu: not an object", (unsigned long long)r->records);
}

static int scalar(vics_reader *r, char kind, const char *t, size_t n)
{
	if (r->depth == 1 && r->root_key == RK_CONTEXT && kind == 's') {
		parse_context(r, t, n);
		return 0;
	}
	if (at_item(r))
		return reject_item(r);
	if (!in_record(r))
		return 0;
	if (kind == 's' && !nsw_import__utf8_ok(t, n)) {
		mark_bad(r, "a string is not valid UTF-8");
		if (r->attr_on)
			r->attr_over = 1;
		return 0;
	}
	if (r->depth == r->rec_depth) {
		field_scalar(r, kind, t, n);
		return 0;
	}
	if (r->attr_on) {
		attr_value_prefix(r);
		if (kind == 's')
			attr_string(r, t, n);
		else
			attr_put(r, t, n);
		if (kind == 's' && r->attr_peek)
			peek_string(r, t, n);
	}
	return 0;
}

static int cb_null(void *ctx)
{
	return scalar(R(ctx), '0', "null", 4);
}

static int cb_boolean(void *ctx, int v)
{
	return scalar(R(ctx), 'b', v ? "true" : "false", v ? 4 : 5);
}

static int cb_number(void *ctx, const char *t, size_t n)
{
	return scalar(R(ctx), 'n', t, n);
}

static int cb_string(void *ctx, const char *t, size_t n)
{
	return scalar(R(ctx), 's', t, n);
}

static int cb_key(void *ctx, const char *t, size_t n)
{
	vics_reader *r = R(ctx);

	if (r->depth == 1) {
		r->root_key = RK_OTHER;
		if ((n == 14 && memcmp(t, "odata.metadata", 14) == 0) ||
		    (n == 14 && memcmp(t, "@odata.context", 14) == 0))
			r->root_key = RK_CONTEXT;
		else if (n == 5 && memcmp(t, "value", 5) == 0)
			r->root_key = RK_VALUE;
		return 0;
	}
	if (!in_record(r))
		return 0;
	if (!nsw_import__utf8_ok(t, n)) {
		mark_bad(r, "a key is not valid UTF-8");
		if (r->attr_on)
			r->attr_over = 1;
	}
	if (r->depth == r->rec_depth) {
		r->field = field_of(r, t, n);
		r->key_too_long = n > KEY_MAX;
		r->key_len = n > KEY_MAX ? 0 : n;
		memcpy(r->key, t, r->key_len);
		return 0;
	}
	if (r->attr_on) {
		unsigned level = r->depth - r->rec_depth;

		if (level < 64 && (r->comma & (1ull << level)))
			attr_put(r, ",", 1);
		if (level < 64)
			r->comma |= 1ull << level;
		attr_string(r, t, n);
		attr_put(r, ":", 1);
		r->after_key = 1;
		if (r->attr_peek && level == 2) {
			r->sub = nsw_import__word_eq(t, n, "FileName")
					 ? SK_FILENAME
				 : nsw_import__word_eq(t, n, "HashName")
					 ? SK_HASHNAME
				 : nsw_import__word_eq(t, n, "HashValue")
					 ? SK_HASHVALUE
					 : SK_OTHER;
		}
	}
	return 0;
}

static int start(vics_reader *r, char open)
{
	const unsigned d = r->depth;

	r->depth++;
	/* The document: a map, or (tolerated) a bare array of Media. */
	if (d == 0) {
		if (open == '[') {
			r->value_depth = 1;
			r->saw_value = 1;
			r->scheme = "custom";
		}
		return 0;
	}
	if (d == 1 && r->root_key == RK_VALUE && open == '[' &&
	    r->value_depth == 0) {
		r->value_depth = 2;
		r->saw_value = 1;
		return 0;
	}
	/* An item of value[]: a Media record, unless it turns out to be a
	 * case (it has a Media array). */
	if (r->value_depth && d == r->value_depth && r->item_depth == 0) {
		if (open != '{')
			return reject_item(r);
		r->item_depth = r->depth;
		r->media_depth = 0;
		nsw_buf_reset(&r->case_id);
		rec_begin(r, r->depth);
		return 0;
	}
	/* A Media object inside a case. */
	if (r->media_depth && d == r->media_depth && r->rec_depth == 0) {
		if (open != '{')
			return reject_item(r);
		rec_begin(r, r->depth);
		return 0;
	}
	if (!r->rec_depth || d < r->rec_depth)
		return 0;
	if (d == r->rec_depth) {
		if (r->field == F_MEDIA && open == '[') {
			/* A case: what was read so far was case metadata. */
			r->rec_depth = 0;
			r->records--;
			r->media_depth = r->depth;
			return 0;
		}
		if (r->field == F_MD5 || r->field == F_SHA1 ||
		    r->field == F_SHA256) {
			mark_bad(r, "a hash is an object or array");
			return 0;
		}
		if (r->field == F_IGNORE || r->field == F_MEDIA ||
		    r->field == F_CASE_ID)
			return 0;
		/* Anything else, even a Category that is an object, is
		 * kept verbatim; the modelled field stays unknown. */
		r->attr_on = 1;
		r->comma = 0;
		r->after_key = 0;
		r->attr_peek =
			nsw_import__word_eq(r->key, r->key_len, "MediaFiles") ||
			nsw_import__word_eq(r->key, r->key_len,
					    "AlternativeHashes");
		r->sub = SK_OTHER;
		r->depth--; /* the prefix is written at the record's level */
		attr_value_prefix(r);
		r->depth++;
		attr_put(r, open == '{' ? "{" : "[", 1);
		return 0;
	}
	if (r->attr_on) {
		r->depth--;
		attr_value_prefix(r);
		r->depth++;
		const unsigned level = r->depth - r->rec_depth;

		if (level < 64)
			r->comma &= ~(1ull << level);
		attr_put(r, open == '{' ? "{" : "[", 1);
		if (r->attr_peek && level == 2) {
			r->sub = SK_OTHER;
			r->alt_name[0] = '\0';
			r->alt_value_len = 0;
		}
	}
	return 0;
}

static int end(vics_reader *r, char close)
{
	int rc = 0;

	if (r->rec_depth && r->depth == r->rec_depth) {
		/* The record's own map closes. */
		r->depth--;
		rc = rec_end(r);
		if (r->depth + 1 == r->item_depth)
			r->item_depth = 0;
		return rc;
	}
	if (r->item_depth && r->depth == r->item_depth) {
		/* A case item closes. */
		r->depth--;
		r->item_depth = 0;
		r->media_depth = 0;
		return 0;
	}
	if (r->media_depth && r->depth == r->media_depth) {
		r->depth--;
		r->media_depth = 0;
		return 0;
	}
	if (r->value_depth && r->depth == r->value_depth)
		r->value_depth = 0;
	if (r->attr_on && in_record(r) && r->depth > r->rec_depth) {
		const unsigned level = r->depth - r->rec_depth;

		attr_put(r, close == '}' ? "}" : "]", 1);
		if (r->attr_peek && level == 2 && close == '}')
			peek_alt_done(r);
		r->depth--;
		attr_value_done(r);
		return 0;
	}
	r->depth--;
	return 0;
}

static int cb_start_map(void *ctx)
{
	return start(R(ctx), '{');
}

static int cb_start_array(void *ctx)
{
	return start(R(ctx), '[');
}

static int cb_end_map(void *ctx)
{
	return end(R(ctx), '}');
}

static int cb_end_array(void *ctx)
{
	return end(R(ctx), ']');
}

static const nsw_json_handlers handlers = {
	cb_null, cb_boolean, cb_number,	     cb_string,	   cb_start_map,
	cb_key,	 cb_end_map, cb_start_array, cb_end_array,
};

int nsw_import__vics(nsw_importer *imp)
{
	vics_reader *r = NULL;
	int rc;

	r = nsw__calloc(1, sizeof(*r));
	if (r == NULL)
		return nsw_error_set(NSW_ENOMEM, "%s: out of memory",
				     imp->src->name);
	r->imp = imp;
	nsw_buf_init(&r->case_id, 1024);
	nsw_buf_init(&r->name, NSW_LIST_TEXT_MAX);
	nsw_buf_init(&r->series, NSW_LIST_TEXT_MAX);
	nsw_buf_init(&r->source_id, NSW_LIST_CODE_MAX * 8);
	nsw_buf_init(&r->code, NSW_LIST_CODE_MAX);
	/* Room past the cap for the closing "truncated" marker. */
	nsw_buf_init(&r->attr, NSW_LIST_ATTR_MAX + 1024);
	/* Strings unvalidated by yajl: one bad record is rejected alone
	 * instead of failing the whole distribution file. */
	rc = nsw_json_stream_new(&r->js, &handlers, r, imp->src->name,
				 NSW_JSON_RAW_STRINGS);
	while (rc == 0) {
		const uint8_t *data;
		size_t len;

		rc = nsw_import__read(imp->src, &data, &len);
		if (rc <= 0)
			break;
		rc = nsw_json_stream_feed(r->js, data, len);
	}
	if (rc == 0)
		rc = nsw_json_stream_finish(r->js);
	if (rc == 0 && !r->saw_value)
		rc = nsw_error_set(NSW_EFORMAT,
				   "%s: not a VICS file (no \"value\" array)",
				   imp->src->name);
	nsw_json_stream_free(r->js);
	nsw_buf_dispose(&r->case_id);
	nsw_buf_dispose(&r->name);
	nsw_buf_dispose(&r->series);
	nsw_buf_dispose(&r->source_id);
	nsw_buf_dispose(&r->code);
	nsw_buf_dispose(&r->attr);
	nsw__free(r);
	return rc;
}
