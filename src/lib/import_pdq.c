/* SPDX-License-Identifier: Apache-2.0 */
/*
 * PDQ list importer (FORMATS.md 2.2-2.3): bare 64-hex lines, the reference
 * hasher's "hash,quality,name" (and "hash,name", "hash=...,quality=..."),
 * ThreatExchange file-exchange lines ("pdq <hex>"), vPDQ frame lines
 * "frame,quality,pdqhex,seconds", and CSV with a header naming a hash
 * column (which also reads Interpol ICSE baseline exports and other
 * "MD5;SHA1;...;Series name" lists). Built for 10M-line lists: no
 * allocation per line, table hex.
 */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "error.h"
#include "importer.h"
#include "limits.h"

/* Column roles in a CSV with a header. */
enum col_role {
	COL_NONE = 0,
	COL_HASH, /* generic: the digest length says which algorithm */
	COL_PDQ,
	COL_MD5,
	COL_SHA1,
	COL_SHA256,
	COL_NAME,
	COL_QUALITY,
	COL_SERIES,
	COL_VICTIM,
	COL_OFFENDER,
	COL_ID,
	COL_CATEGORY,
};

typedef struct pdq_reader {
	nsw_importer *imp;
	int csv; /* a header was seen: columns below apply */
	char delim;
	int ncols;
	enum col_role role[NSW_LIST_COLUMNS_MAX];
	nsw_buf key[NSW_LIST_COLUMNS_MAX]; /* JSON-escaped column names */
	nsw_buf attr;			   /* other columns, per row */
	char frame_attr[128];
} pdq_reader;

static enum col_role column_role(const char *name, size_t len)
{
	static const struct {
		const char *name;
		enum col_role role;
	} names[] = {
		{"hash", COL_HASH},
		{"signal", COL_HASH},
		{"indicator", COL_HASH},
		{"signal_value", COL_HASH},
		{"pdq", COL_PDQ},
		{"pdq_hash", COL_PDQ},
		{"pdqhash", COL_PDQ},
		{"md5", COL_MD5},
		{"sha1", COL_SHA1},
		{"sha-1", COL_SHA1},
		{"sha256", COL_SHA256},
		{"sha-256", COL_SHA256},
		{"filepath", COL_NAME},
		{"path", COL_NAME},
		{"filename", COL_NAME},
		{"file", COL_NAME},
		{"name", COL_NAME},
		{"quality", COL_QUALITY},
		{"series", COL_SERIES},
		{"series name", COL_SERIES},
		{"series_name", COL_SERIES},
		{"victim identified", COL_VICTIM},
		{"victim_identified", COL_VICTIM},
		{"victimidentified", COL_VICTIM},
		{"offender identified", COL_OFFENDER},
		{"offender_identified", COL_OFFENDER},
		{"offenderidentified", COL_OFFENDER},
		{"image id", COL_ID},
		{"id", COL_ID},
		{"mediaid", COL_ID},
		{"category", COL_CATEGORY},
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (nsw_import__word_eq(name, len, names[i].name))
			return names[i].role;
	return COL_NONE;
}

/* Is this first line a header? Some field names a hash column and no
 * field is itself a digest. */
static int parse_header(pdq_reader *r, char *line, size_t len)
{
	char *f[NSW_LIST_COLUMNS_MAX];
	size_t fl[NSW_LIST_COLUMNS_MAX];
	int n, hashes = 0;

	r->delim = memchr(line, ',', len) == NULL && memchr(line, ';', len)
			   ? ';'
			   : ',';
	/* Look before cutting: a line that does not parse is not a header.
	 */
	for (size_t i = 0; i < len; i++)
		if (nsw_import__hexval[(uint8_t)line[i]] == 0xFF &&
		    line[i] != r->delim)
			goto maybe;
	return 0; /* all hex and delimiters: data */
maybe:
	if (len >= 64 && nsw_import__hexval[(uint8_t)line[0]] != 0xFF) {
		size_t h = 0;

		while (h < len && nsw_import__hexval[(uint8_t)line[h]] != 0xFF)
			h++;
		if (h == 64 || h == 32 || h == 40)
			return 0; /* starts with a digest: data */
	}
	{
		char copy[1024];

		if (len >= sizeof(copy))
			return 0;
		memcpy(copy, line, len + 1);
		n = nsw_import__csv_split(copy, len, r->delim, f, fl,
					  NSW_LIST_COLUMNS_MAX, 0);
		if (n < 1)
			return 0;
		for (int i = 0; i < n; i++) {
			r->role[i] = column_role(f[i], fl[i]);
			hashes += r->role[i] >= COL_HASH &&
				  r->role[i] <= COL_SHA256;
		}
		if (hashes == 0)
			return 0;
		/* Other columns become attributes under their names. */
		for (int i = 0; i < n; i++) {
			nsw_buf_init(&r->key[i], 256);
			if (r->role[i] == COL_NONE && fl[i] > 0 &&
			    nsw_import__utf8_ok(f[i], fl[i]) &&
			    nsw_import__json_string(&r->key[i], f[i], fl[i]) <
				    0)
				nsw_buf_reset(&r->key[i]);
		}
	}
	r->csv = 1;
	r->ncols = n;
	return 1;
}

/* Yes/No, true/false, 1/0; NSW_FLAG_UNKNOWN otherwise. */
static int csv_flag(const char *t, size_t n)
{
	if (nsw_import__word_eq(t, n, "yes") ||
	    nsw_import__word_eq(t, n, "true") || nsw_import__word_eq(t, n, "1"))
		return 1;
	if (nsw_import__word_eq(t, n, "no") ||
	    nsw_import__word_eq(t, n, "false") ||
	    nsw_import__word_eq(t, n, "0"))
		return 0;
	return NSW_FLAG_UNKNOWN;
}

static int csv_code_ok(const char *t, size_t n)
{
	if (n == 0 || n > NSW_LIST_CODE_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((t[i] >= '0' && t[i] <= '9') ||
		      (t[i] >= 'A' && t[i] <= 'Z') ||
		      (t[i] >= 'a' && t[i] <= 'z') || t[i] == '-' ||
		      t[i] == '.' || t[i] == '_'))
			return 0;
	return 1;
}

/* Append "key":"value" (column `i`) to the row's attributes. 1 or the
 * reject code. */
static int csv_attr(pdq_reader *r, int i, const char *t, size_t n, uint64_t ln)
{
	if (n == 0 || r->key[i].len == 0)
		return 1;
	if (!nsw_import__utf8_ok(t, n))
		return nsw_import__reject(r->imp, NSW_EFORMAT, ln,
					  "column %d is not valid UTF-8",
					  i + 1);
	if (nsw_buf_putc(&r->attr, r->attr.len ? ',' : '{') < 0 ||
	    nsw_buf_put(&r->attr, r->key[i].ptr, r->key[i].len) < 0 ||
	    nsw_buf_putc(&r->attr, ':') < 0 ||
	    nsw_import__json_string(&r->attr, t, n) < 0)
		return nsw_import__reject(
			r->imp, NSW_EFORMAT, ln,
			"row attributes longer than %zu bytes",
			NSW_LIST_ATTR_MAX);
	return 1;
}

static int put_pdq(pdq_reader *r, nsw_list_entry *e, const char *hex,
		   size_t len, uint64_t ln)
{
	if (len != NSW_PDQ_HEX_LEN)
		return nsw_import__reject(r->imp, NSW_EFORMAT, ln,
					  "PDQ hash has %zu hex digits, want "
					  "64",
					  len);
	if (nsw_import__hex(e->pdq.bytes, NSW_PDQ_BYTES, hex, len) < 0)
		return nsw_import__reject(r->imp, NSW_EFORMAT, ln,
					  "PDQ hash is not hex");
	e->has |= NSW_HAS_PDQ;
	return 1;
}

/* A digest whose algorithm its length tells (32 MD5, 40 SHA-1, 64 PDQ
 * unless `sha256`). 1 stored, 0 rejected (or <0 under strict). */
static int put_digest(pdq_reader *r, nsw_list_entry *e, enum col_role role,
		      const char *hex, size_t len, uint64_t ln)
{
	uint8_t *dst = NULL;
	size_t n = 0;
	unsigned bit = 0;

	if (role == COL_HASH)
		role = len == 32 ? COL_MD5 : len == 40 ? COL_SHA1 : COL_PDQ;
	switch (role) {
	case COL_PDQ:
		return put_pdq(r, e, hex, len, ln);
	case COL_MD5:
		dst = e->md5, n = NSW_MD5_BYTES, bit = NSW_HAS_MD5;
		break;
	case COL_SHA1:
		dst = e->sha1, n = NSW_SHA1_BYTES, bit = NSW_HAS_SHA1;
		break;
	default:
		dst = e->sha256, n = NSW_SHA256_BYTES, bit = NSW_HAS_SHA256;
		break;
	}
	if (len != 2 * n)
		return nsw_import__reject(
			r->imp, NSW_EFORMAT, ln,
			"%s has %zu hex digits, want %zu",
			nsw_algo_name(bit == NSW_HAS_MD5    ? NSW_ALGO_MD5
				      : bit == NSW_HAS_SHA1 ? NSW_ALGO_SHA1
							    : NSW_ALGO_SHA256),
			len, 2 * n);
	if (nsw_import__hex(dst, n, hex, len) < 0)
		return nsw_import__reject(r->imp, NSW_EFORMAT, ln,
					  "digest is not hex");
	e->has |= bit;
	return 1;
}

static int put_quality(pdq_reader *r, nsw_list_entry *e, const char *t,
		       size_t len, uint64_t ln)
{
	int64_t q;

	if (nsw_import__uint(&q, t, len) < 0 || q > 100)
		return nsw_import__reject(r->imp, NSW_EFORMAT, ln,
					  "quality '%.*s' is not 0..100",
					  (int)(len > 16 ? 16 : len), t);
	e->pdq_quality = (int)q;
	return 1;
}

static int put_name(pdq_reader *r, nsw_list_entry *e, const char *t, size_t len,
		    uint64_t ln)
{
	if (len == 0)
		return 1;
	if (!nsw_import__utf8_ok(t, len))
		return nsw_import__reject(r->imp, NSW_EFORMAT, ln,
					  "name is not valid UTF-8");
	if (len > NSW_LIST_TEXT_MAX)
		return nsw_import__reject(r->imp, NSW_EFORMAT, ln,
					  "name longer than %zu bytes",
					  NSW_LIST_TEXT_MAX);
	e->name = t;
	return 1;
}

static int csv_row(pdq_reader *r, char *line, size_t len, uint64_t ln)
{
	char *f[NSW_LIST_COLUMNS_MAX];
	size_t fl[NSW_LIST_COLUMNS_MAX];
	nsw_list_entry e;
	int n, rc;

	nsw_import__entry_init(&e);
	n = nsw_import__csv_split(line, len, r->delim, f, fl,
				  NSW_LIST_COLUMNS_MAX, 0);
	if (n < 0)
		return nsw_import__reject(r->imp, NSW_EFORMAT, ln,
					  "malformed CSV row");
	nsw_buf_reset(&r->attr);
	for (int i = 0; i < n && i < r->ncols; i++) {
		const enum col_role role = r->role[i];
		int flag;

		rc = 1;
		if (role >= COL_HASH && role <= COL_SHA256) {
			if (fl[i] > 0)
				rc = put_digest(r, &e, role, f[i], fl[i], ln);
		} else if (role == COL_NAME && e.name == NULL) {
			rc = put_name(r, &e, f[i], fl[i], ln);
		} else if (role == COL_QUALITY && fl[i] > 0) {
			rc = put_quality(r, &e, f[i], fl[i], ln);
		} else if ((role == COL_SERIES || role == COL_ID) &&
			   fl[i] > 0) {
			/* Same checks as a name (UTF-8, length). */
			const char *keep = e.name;

			rc = put_name(r, &e, f[i], fl[i], ln);
			e.name = keep;
			if (role == COL_SERIES)
				e.series = f[i];
			else
				e.source_id = f[i];
		} else if (role == COL_VICTIM || role == COL_OFFENDER) {
			flag = csv_flag(f[i], fl[i]);
			if (role == COL_VICTIM)
				e.victim_identified = flag;
			else
				e.offender_identified = flag;
		} else if (role == COL_CATEGORY && csv_code_ok(f[i], fl[i])) {
			e.category_code = f[i];
			e.category_scheme =
				nsw_import__scheme(r->imp, "custom");
		} else if (role == COL_NONE) {
			rc = csv_attr(r, i, f[i], fl[i], ln);
		}
		if (rc <= 0)
			return rc;
	}
	if (e.has == 0)
		return nsw_import__reject(r->imp, NSW_EFORMAT, ln,
					  "no hash in this row");
	if (r->attr.len) {
		if (nsw_buf_putc(&r->attr, '}') < 0)
			return nsw_error_set(NSW_ENOMEM, "%s: out of memory",
					     r->imp->src->name);
		e.attributes = r->attr.ptr;
	}
	return nsw_import__emit(r->imp, &e, ln);
}

/* "pdq <hex>" and the other ThreatExchange signal types. */
static int te_line(pdq_reader *r, char *line, size_t len, size_t sp,
		   uint64_t ln)
{
	static const char *const other[] = {"raw_text", "url", "url_md5",
					    "trend_query", "pdq_ocr"};
	const char *v = line + sp + 1;
	const size_t vl = len - sp - 1;
	nsw_list_entry e;
	int rc;

	nsw_import__entry_init(&e);
	if (nsw_import__word_eq(line, sp, "pdq"))
		rc = put_pdq(r, &e, v, vl, ln);
	else if (nsw_import__word_eq(line, sp, "video_md5"))
		rc = put_digest(r, &e, COL_MD5, v, vl, ln);
	else if (nsw_import__word_eq(line, sp, "video_sha256"))
		rc = put_digest(r, &e, COL_SHA256, v, vl, ln);
	else {
		for (size_t i = 0; i < sizeof(other) / sizeof(other[0]); i++)
			if (nsw_import__word_eq(line, sp, other[i])) {
				/* Valid, but not a hash we match. */
				nsw_import__exclude(r->imp);
				return 0;
			}
		return nsw_import__reject(r->imp, NSW_EFORMAT, ln,
					  "unknown signal type '%.*s'",
					  (int)(sp > 32 ? 32 : sp), line);
	}
	if (rc <= 0)
		return rc;
	return nsw_import__emit(r->imp, &e, ln);
}

/* "hash=<hex>,norm=128,delta=0,quality=100,filename=file1.jpg". */
static int kv_line(pdq_reader *r, char *line, size_t len, uint64_t ln)
{
	char *f[NSW_LIST_COLUMNS_MAX];
	size_t fl[NSW_LIST_COLUMNS_MAX];
	nsw_list_entry e;
	int n, rc = 1;

	nsw_import__entry_init(&e);
	n = nsw_import__csv_split(line, len, ',', f, fl, 6, 1);
	for (int i = 0; i < n && rc > 0; i++) {
		char *eq = memchr(f[i], '=', fl[i]);
		size_t kl, vl;

		if (eq == NULL)
			continue;
		kl = (size_t)(eq - f[i]);
		vl = fl[i] - kl - 1;
		if (nsw_import__word_eq(f[i], kl, "hash"))
			rc = put_pdq(r, &e, eq + 1, vl, ln);
		else if (nsw_import__word_eq(f[i], kl, "quality"))
			rc = put_quality(r, &e, eq + 1, vl, ln);
		else if (nsw_import__word_eq(f[i], kl, "filename"))
			rc = put_name(r, &e, eq + 1, vl, ln);
	}
	if (rc <= 0)
		return rc;
	if (e.has == 0)
		return nsw_import__reject(r->imp, NSW_EFORMAT, ln,
					  "no hash= field");
	return nsw_import__emit(r->imp, &e, ln);
}

/* "frame,quality,pdqhex,seconds" (vPDQ). */
static int vpdq_line(pdq_reader *r, char **f, size_t *fl, uint64_t ln)
{
	nsw_list_entry e;
	int64_t frame;
	int rc, dot = 0;

	nsw_import__entry_init(&e);
	nsw_import__uint(&frame, f[0], fl[0]);
	for (size_t i = 0; i < fl[3]; i++) {
		const char c = f[3][i];

		if ((c < '0' || c > '9') && (c != '.' || dot++ || i == 0))
			return nsw_import__reject(r->imp, NSW_EFORMAT, ln,
						  "vPDQ timestamp is not a "
						  "number");
	}
	if (fl[3] == 0 || f[3][fl[3] - 1] == '.')
		return nsw_import__reject(r->imp, NSW_EFORMAT, ln,
					  "vPDQ timestamp is not a number");
	rc = put_quality(r, &e, f[1], fl[1], ln);
	if (rc > 0)
		rc = put_pdq(r, &e, f[2], fl[2], ln);
	if (rc <= 0)
		return rc;
	if (fl[3] > 40)
		return nsw_import__reject(r->imp, NSW_EFORMAT, ln,
					  "vPDQ timestamp too long");
	snprintf(r->frame_attr, sizeof(r->frame_attr),
		 "{\"frame\":%lld,\"seconds\":%.*s}", (long long)frame,
		 (int)fl[3], f[3]);
	e.source_id = f[0];
	e.attributes = r->frame_attr;
	return nsw_import__emit(r->imp, &e, ln);
}

static int data_line(pdq_reader *r, char *line, size_t len, uint64_t ln)
{
	char *f[4];
	size_t fl[4];
	const char *sp;
	nsw_list_entry e;
	int64_t v;
	int n, rc;

	/* The common case first: a bare 64-hex hash. */
	if (len == NSW_PDQ_HEX_LEN) {
		nsw_import__entry_init(&e);
		if (nsw_import__hex(e.pdq.bytes, NSW_PDQ_BYTES, line, len) ==
		    0) {
			e.has = NSW_HAS_PDQ;
			return nsw_import__emit(r->imp, &e, ln);
		}
	}
	sp = memchr(line, ' ', len);
	if (sp != NULL && memchr(line, ',', (size_t)(sp - line)) == NULL &&
	    sp > line)
		return te_line(r, line, len, (size_t)(sp - line), ln);
	if (len > 5 && memcmp(line, "hash=", 5) == 0)
		return kv_line(r, line, len, ln);
	/* Up to 3 commas; the 3rd field keeps the rest (a name may hold
	 * commas in "hash,quality,name"). */
	n = nsw_import__csv_split(line, len, ',', f, fl, 3, 1);
	if (n == 3 && nsw_import__uint(&v, f[0], fl[0]) == 0 &&
	    nsw_import__uint(&v, f[1], fl[1]) == 0) {
		char *g = memchr(f[2], ',', fl[2]);

		if (g != NULL) {
			/* vPDQ: split the third field once more. */
			f[3] = g + 1;
			fl[3] = fl[2] - (size_t)(g - f[2]) - 1;
			fl[2] = (size_t)(g - f[2]);
			*g = '\0';
			return vpdq_line(r, f, fl, ln);
		}
	}
	nsw_import__entry_init(&e);
	if (n < 1)
		return nsw_import__reject(r->imp, NSW_EFORMAT, ln,
					  "malformed line");
	rc = put_pdq(r, &e, f[0], fl[0], ln);
	if (rc <= 0)
		return rc;
	if (n >= 2) {
		if (nsw_import__uint(&v, f[1], fl[1]) == 0) {
			rc = put_quality(r, &e, f[1], fl[1], ln);
			if (rc > 0 && n == 3)
				rc = put_name(r, &e, f[2], fl[2], ln);
		} else {
			/* "hash,filename": the name is the rest. */
			if (n == 3)
				f[1][fl[1]] = ',';
			rc = put_name(r, &e, f[1],
				      n == 3 ? fl[1] + 1 + fl[2] : fl[1], ln);
		}
		if (rc <= 0)
			return rc;
	}
	return nsw_import__emit(r->imp, &e, ln);
}

static int read_lines(pdq_reader *r)
{
	nsw_importer *imp = r->imp;
	int first = 1;

	for (;;) {
		char *line;
		size_t len;
		uint64_t ln;
		int rc;

		rc = nsw_import__text_line(imp, &line, &len, &ln);
		if (rc <= 0)
			return rc;
		if (rc == 2) { /* an over-long line, already rejected */
			first = 0;
			continue;
		}
		if (line[0] == '#')
			continue;
		if (first) {
			first = 0;
			if (parse_header(r, line, len))
				continue;
		}
		rc = r->csv ? csv_row(r, line, len, ln)
			    : data_line(r, line, len, ln);
		if (rc < 0)
			return rc;
	}
}

int nsw_import__pdq(nsw_importer *imp)
{
	pdq_reader r = {0};
	int rc;

	r.imp = imp;
	nsw_buf_init(&r.attr, NSW_LIST_ATTR_MAX);
	rc = read_lines(&r);
	for (int i = 0; i < r.ncols; i++)
		nsw_buf_dispose(&r.key[i]);
	nsw_buf_dispose(&r.attr);
	return rc;
}
