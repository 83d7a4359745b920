/* SPDX-License-Identifier: Apache-2.0 */
/*
 * hashdeep family importer (FORMATS.md 3.1): "%%%% HASHDEEP-1.0" files with
 * any column set, md5sum/sha1sum/sha256sum lines ("hash  path", "hash
 * *path", "\"-escaped names), md5deep -z lines (size, hash, path) and BSD
 * tags ("MD5 (name) = hash"). Per line, no allocation.
 */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "error.h"
#include "importer.h"
#include "limits.h"

enum hd_col {
	HD_SKIP = 0,
	HD_SIZE,
	HD_MD5,
	HD_SHA1,
	HD_SHA256,
	HD_NAME,
	HD_OTHER, /* whirlpool, tiger, sha3...: kept as attributes */
};

typedef struct hd_reader {
	nsw_importer *imp;
	int header; /* 1 after "%%%% HASHDEEP-1.0", 2 after columns */
	int ncols;
	enum hd_col col[NSW_LIST_COLUMNS_MAX];
	char colname[NSW_LIST_COLUMNS_MAX][16];
	nsw_buf attr;
} hd_reader;

static const char *algo_label(enum hd_col c)
{
	return c == HD_MD5 ? "MD5" : c == HD_SHA1 ? "SHA-1" : "SHA-256";
}

/* Store a digest; 1 stored, else the reject code (0 or <0). */
static int put_hash(hd_reader *r, nsw_list_entry *e, enum hd_col c,
		    const char *hex, size_t len, uint64_t ln)
{
	uint8_t *dst = c == HD_MD5    ? e->md5
		       : c == HD_SHA1 ? e->sha1
				      : e->sha256;
	size_t n = c == HD_MD5	  ? NSW_MD5_BYTES
		   : c == HD_SHA1 ? NSW_SHA1_BYTES
				  : NSW_SHA256_BYTES;

	if (len != 2 * n)
		return nsw_import__reject(r->imp, NSW_EFORMAT, ln,
					  "%s has %zu hex digits, want %zu",
					  algo_label(c), len, 2 * n);
	if (nsw_import__hex(dst, n, hex, len) < 0)
		return nsw_import__reject(r->imp, NSW_EFORMAT, ln,
					  "%s is not hex", algo_label(c));
	e->has |= c == HD_MD5	 ? NSW_HAS_MD5
		  : c == HD_SHA1 ? NSW_HAS_SHA1
				 : NSW_HAS_SHA256;
	return 1;
}

static int put_name(hd_reader *r, nsw_list_entry *e, const char *t, size_t len,
		    uint64_t ln)
{
	if (len == 0)
		return nsw_import__reject(r->imp, NSW_EFORMAT, ln,
					  "no file name");
	if (!nsw_import__utf8_ok(t, len))
		return nsw_import__reject(r->imp, NSW_EFORMAT, ln,
					  "file name is not valid UTF-8");
	e->name = t;
	return 1;
}

/* The digest algorithm a hex length implies (md5sum-style lines). */
static enum hd_col by_length(size_t len)
{
	return len == 32 ? HD_MD5 : len == 40 ? HD_SHA1 : HD_SHA256;
}

static size_t hex_run(const char *t, size_t n)
{
	size_t i = 0;

	while (i < n && nsw_import__hexval[(uint8_t)t[i]] != 0xFF)
		i++;
	return i;
}

/* ---- "%%%% size,md5,sha256,filename" ---------------------------------- */

static int parse_columns(hd_reader *r, char *cols, size_t len, uint64_t ln)
{
	char *f[NSW_LIST_COLUMNS_MAX];
	size_t fl[NSW_LIST_COLUMNS_MAX];
	int n = nsw_import__csv_split(cols, len, ',', f, fl,
				      NSW_LIST_COLUMNS_MAX, 0);
	int hashes = 0, names = 0;

	if (n < 2)
		return nsw_error_set(NSW_EFORMAT,
				     "%s:%llu: bad hashdeep column line",
				     r->imp->src->name, (unsigned long long)ln);
	for (int i = 0; i < n; i++) {
		const char *c = f[i];
		size_t cl = fl[i];
		enum hd_col role = HD_OTHER;

		while (cl > 0 && c[cl - 1] == ' ')
			cl--;
		if (nsw_import__word_eq(c, cl, "size"))
			role = HD_SIZE;
		else if (nsw_import__word_eq(c, cl, "md5"))
			role = HD_MD5;
		else if (nsw_import__word_eq(c, cl, "sha1") ||
			 nsw_import__word_eq(c, cl, "sha-1"))
			role = HD_SHA1;
		else if (nsw_import__word_eq(c, cl, "sha256") ||
			 nsw_import__word_eq(c, cl, "sha-256"))
			role = HD_SHA256;
		else if (nsw_import__word_eq(c, cl, "filename"))
			role = HD_NAME;
		r->col[i] = role;
		snprintf(r->colname[i], sizeof(r->colname[i]), "%.*s", (int)cl,
			 c);
		/* Attribute keys must be plain: other names are dropped. */
		for (char *p = r->colname[i]; *p; p++)
			if (!((*p >= 'a' && *p <= 'z') ||
			      (*p >= '0' && *p <= '9') || *p == '-' ||
			      *p == '_' || (*p >= 'A' && *p <= 'Z')))
				r->col[i] = role == HD_OTHER ? HD_SKIP : role;
		hashes += role >= HD_MD5 && role <= HD_SHA256;
		names += role == HD_NAME;
	}
	if (hashes == 0)
		return nsw_error_set(NSW_EFORMAT,
				     "%s:%llu: hashdeep header names no MD5, "
				     "SHA-1 or SHA-256 column",
				     r->imp->src->name, (unsigned long long)ln);
	(void)names;
	r->ncols = n;
	r->header = 2;
	return 0;
}

static int hashdeep_row(hd_reader *r, char *line, size_t len, uint64_t ln)
{
	char *f[NSW_LIST_COLUMNS_MAX];
	size_t fl[NSW_LIST_COLUMNS_MAX];
	nsw_list_entry e;
	int64_t size;
	int n, rc = 1;

	nsw_import__entry_init(&e);
	/* Never quoted: split plainly, the last column keeps extra commas. */
	n = 0;
	for (size_t i = 0, s = 0; n < r->ncols; i++) {
		if (n == r->ncols - 1) {
			f[n] = line + s;
			fl[n++] = len - s;
			break;
		}
		if (i == len) {
			f[n] = line + s;
			fl[n++] = i - s;
			break;
		}
		if (line[i] == ',') {
			line[i] = '\0';
			f[n] = line + s;
			fl[n++] = i - s;
			s = i + 1;
		}
	}
	if (n != r->ncols)
		return nsw_import__reject(r->imp, NSW_EFORMAT, ln,
					  "%d of %d hashdeep columns", n,
					  r->ncols);
	nsw_buf_reset(&r->attr);
	for (int i = 0; i < n && rc > 0; i++) {
		switch (r->col[i]) {
		case HD_SIZE:
			if (nsw_import__uint(&size, f[i], fl[i]) < 0)
				return nsw_import__reject(
					r->imp, NSW_EFORMAT, ln,
					"size '%.*s' is not a number",
					(int)(fl[i] > 20 ? 20 : fl[i]), f[i]);
			e.size = size;
			break;
		case HD_MD5:
		case HD_SHA1:
		case HD_SHA256:
			if (fl[i] > 0)
				rc = put_hash(r, &e, r->col[i], f[i], fl[i],
					      ln);
			break;
		case HD_NAME:
			rc = put_name(r, &e, f[i], fl[i], ln);
			break;
		case HD_OTHER:
			if (fl[i] == 0 || hex_run(f[i], fl[i]) != fl[i])
				break;
			if (nsw_buf_putc(&r->attr, r->attr.len ? ',' : '{') <
				    0 ||
			    nsw_buf_printf(&r->attr, "\"%s\":\"%.*s\"",
					   r->colname[i], (int)fl[i], f[i]) < 0)
				return nsw_error_set(NSW_ENOMEM,
						     "%s: out of memory",
						     r->imp->src->name);
			break;
		default:
			break;
		}
	}
	if (rc <= 0)
		return rc;
	if (e.has == 0)
		return nsw_import__reject(r->imp, NSW_EFORMAT, ln,
					  "no digest on this row");
	if (r->attr.len) {
		if (nsw_buf_putc(&r->attr, '}') < 0)
			return nsw_error_set(NSW_ENOMEM, "%s: out of memory",
					     r->imp->src->name);
		e.attributes = r->attr.ptr;
	}
	return nsw_import__emit(r->imp, &e, ln);
}

/* ---- md5sum, md5deep -z, BSD tags ------------------------------------- */

/* md5sum escapes names holding '\\' or '\n' and marks the line with a
 * leading backslash. Unescape in place. */
static size_t unescape(char *t, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		if (t[i] == '\\' && i + 1 < len) {
			i++;
			t[o++] = t[i] == 'n' ? '\n' : t[i];
			continue;
		}
		t[o++] = t[i];
	}
	t[o] = '\0';
	return o;
}

static int bsd_line(hd_reader *r, char *line, size_t len, uint64_t ln)
{
	char *open = memchr(line, '(', len);
	char *eq = NULL;
	nsw_list_entry e;
	enum hd_col c;
	size_t al;
	int rc;

	/* The name may hold ") = ": the digest follows the last one. */
	for (size_t i = len; i >= 4; i--)
		if (memcmp(line + i - 4, ") = ", 4) == 0) {
			eq = line + i - 4;
			break;
		}
	if (open == NULL || eq == NULL || eq < open)
		return nsw_import__reject(r->imp, NSW_EFORMAT, ln,
					  "not a BSD-style 'ALG (name) = hash' "
					  "line");
	al = (size_t)(open - line);
	while (al > 0 && line[al - 1] == ' ')
		al--;
	if (nsw_import__word_eq(line, al, "MD5"))
		c = HD_MD5;
	else if (nsw_import__word_eq(line, al, "SHA1") ||
		 nsw_import__word_eq(line, al, "SHA-1"))
		c = HD_SHA1;
	else if (nsw_import__word_eq(line, al, "SHA256") ||
		 nsw_import__word_eq(line, al, "SHA-256"))
		c = HD_SHA256;
	else
		return nsw_import__reject(r->imp, NSW_EFORMAT, ln,
					  "unsupported algorithm '%.*s'",
					  (int)(al > 16 ? 16 : al), line);
	nsw_import__entry_init(&e);
	rc = put_hash(r, &e, c, eq + 4, len - (size_t)(eq + 4 - line), ln);
	if (rc <= 0)
		return rc;
	*eq = '\0';
	rc = put_name(r, &e, open + 1, (size_t)(eq - open - 1), ln);
	if (rc <= 0)
		return rc;
	return nsw_import__emit(r->imp, &e, ln);
}

static int sum_line(hd_reader *r, char *line, size_t len, uint64_t ln)
{
	nsw_list_entry e;
	int escaped = 0, rc;
	size_t i = 0, h, k;
	int64_t size = -1;

	if (len > 0 && line[0] == '\\') {
		escaped = 1;
		line++;
		len--;
	}
	while (i < len && line[i] == ' ')
		i++;
	h = hex_run(line + i, len - i);
	/* md5deep -z: digits, blanks, then the digest. */
	k = i + h;
	if (h > 0 && k < len && line[k] == ' ') {
		size_t j = k;

		while (j < len && line[j] == ' ')
			j++;
		size_t h2 = hex_run(line + j, len - j);
		int digits = 1;

		for (size_t d = i; d < k; d++)
			digits &= line[d] >= '0' && line[d] <= '9';
		if (digits && (h2 == 32 || h2 == 40 || h2 == 64) &&
		    !(h == 32 || h == 40 || h == 64) &&
		    nsw_import__uint(&size, line + i, h) == 0) {
			i = j;
			h = h2;
			k = i + h;
		}
	}
	if (h == 0 || k >= len || (line[k] != ' ' && line[k] != '\t'))
		return nsw_import__reject(r->imp, NSW_EFORMAT, ln,
					  "not a 'hash  name' line");
	if (h != 32 && h != 40 && h != 64)
		return nsw_import__reject(r->imp, NSW_EFORMAT, ln,
					  "digest has %zu hex digits, want 32, "
					  "40 or 64",
					  h);
	nsw_import__entry_init(&e);
	e.size = size;
	rc = put_hash(r, &e, by_length(h), line + i, h, ln);
	if (rc <= 0)
		return rc;
	/* "hash  name" (text mode) or "hash *name" (binary mode). */
	k++;
	if (k < len && (line[k] == ' ' || line[k] == '*'))
		k++;
	else if (size >= 0)
		while (k < len && line[k] == ' ')
			k++;
	if (escaped)
		len = k + unescape(line + k, len - k);
	rc = put_name(r, &e, line + k, len - k, ln);
	if (rc <= 0)
		return rc;
	return nsw_import__emit(r->imp, &e, ln);
}

static int text_line(void *ctx, char *line, size_t len, uint64_t ln)
{
	hd_reader *r = ctx;

	if (len >= 17 && memcmp(line, "%%%% HASHDEEP-1.0", 17) == 0) {
		r->header = 1;
		return 0;
	}
	if (r->header == 1) {
		if (len < 5 || memcmp(line, "%%%% ", 5) != 0)
			return nsw_error_set(NSW_EFORMAT,
					     "%s:%llu: hashdeep header without "
					     "a '%%%%%%%% columns' line",
					     r->imp->src->name,
					     (unsigned long long)ln);
		return parse_columns(r, line + 5, len - 5, ln);
	}
	if (line[0] == '#' || (len >= 4 && memcmp(line, "%%%%", 4) == 0))
		return 0;
	if (r->header == 2)
		return hashdeep_row(r, line, len, ln);
	if (line[0] >= 'A' && line[0] <= 'Z' && memchr(line, '(', len))
		return bsd_line(r, line, len, ln);
	return sum_line(r, line, len, ln);
}

int nsw_import__hashdeep(nsw_importer *imp)
{
	hd_reader r = {0};
	int rc;

	r.imp = imp;
	nsw_buf_init(&r.attr, NSW_LIST_ATTR_MAX);
	rc = nsw_import__each_line(imp, text_line, &r);
	nsw_buf_dispose(&r.attr);
	if (rc == 0 && r.header == 1)
		rc = nsw_error_set(NSW_EFORMAT,
				   "%s: hashdeep header without columns",
				   imp->src->name);
	return rc;
}
