/* SPDX-License-Identifier: Apache-2.0 */
/*
 * NSRL importers (FORMATS.md 3.2-3.3): RDS 2.x NSRLFile.txt (quoted CSV,
 * columns mapped by header name, names decoded leniently) and RDSv3 SQLite
 * (the FILE table, through sqldb). Every entry is "known-software": used to
 * suppress, never to alert. Empty-file digests are excluded by the common
 * emit (import.c).
 */
#include <string.h>

#include "buf.h"
#include "error.h"
#include "importer.h"
#include "limits.h"
#include "sqldb.h"

#define NSRL_SCHEME "known-software"

enum nsrl_col {
	NC_OTHER = 0, /* kept as an attribute */
	NC_SHA1,
	NC_MD5,
	NC_SHA256,
	NC_NAME,
	NC_SIZE,
};

typedef struct nsrl_reader {
	nsw_importer *imp;
	int ncols;
	enum nsrl_col col[NSW_LIST_COLUMNS_MAX];
	nsw_buf colname[NSW_LIST_COLUMNS_MAX]; /* JSON-escaped keys */
	nsw_buf name;			       /* decoded file name */
	nsw_buf value;			       /* decoded attribute value */
	nsw_buf attr;
	int have_header; /* RDS 2.x: the header line has been read */
} nsrl_reader;

static enum nsrl_col column_role(const char *t, size_t len)
{
	if (nsw_import__word_eq(t, len, "SHA-1") ||
	    nsw_import__word_eq(t, len, "sha1"))
		return NC_SHA1;
	if (nsw_import__word_eq(t, len, "MD5"))
		return NC_MD5;
	if (nsw_import__word_eq(t, len, "SHA-256") ||
	    nsw_import__word_eq(t, len, "sha256"))
		return NC_SHA256;
	if (nsw_import__word_eq(t, len, "FileName") ||
	    nsw_import__word_eq(t, len, "file_name"))
		return NC_NAME;
	if (nsw_import__word_eq(t, len, "FileSize") ||
	    nsw_import__word_eq(t, len, "file_size"))
		return NC_SIZE;
	return NC_OTHER;
}

static int oom(nsrl_reader *r)
{
	return nsw_error_set(NSW_ENOMEM, "%s: out of memory",
			     r->imp->src->name);
}

/*
 * Text as UTF-8: taken as is when valid, else read as ISO-8859-1 (IPED
 * reads NSRL that way; "experience shows they might not be" UTF-8).
 * 0 or <0 (ENOMEM, ELIMIT); -1 for a NUL byte.
 */
static int decode_text(nsw_buf *out, const char *t, size_t len)
{
	nsw_buf_reset(out);
	if (memchr(t, '\0', len) != NULL)
		return -1;
	if (nsw_import__utf8_ok(t, len))
		return nsw_buf_put(out, t, len) < 0 ? NSW_ELIMIT : 0;
	for (size_t i = 0; i < len; i++) {
		const uint8_t c = (uint8_t)t[i];
		int rc;

		if (c < 0x80) {
			rc = nsw_buf_putc(out, (char)c);
		} else {
			const char two[2] = {(char)(0xC0 | (c >> 6)),
					     (char)(0x80 | (c & 0x3F))};

			rc = nsw_buf_put(out, two, 2);
		}
		if (rc < 0)
			return NSW_ELIMIT;
	}
	return 0;
}

static int put_hex(nsrl_reader *r, nsw_list_entry *e, enum nsrl_col c,
		   const char *t, size_t len, uint64_t ln)
{
	static const char *const label[] = {"", "SHA-1", "MD5", "SHA-256"};
	uint8_t *dst = c == NC_SHA1  ? e->sha1
		       : c == NC_MD5 ? e->md5
				     : e->sha256;
	size_t n = c == NC_SHA1	 ? NSW_SHA1_BYTES
		   : c == NC_MD5 ? NSW_MD5_BYTES
				 : NSW_SHA256_BYTES;

	if (len == 0)
		return 1; /* not given on this row */
	if (len != 2 * n)
		return nsw_import__reject(r->imp, NSW_EFORMAT, ln,
					  "%s has %zu hex digits, want %zu",
					  label[c], len, 2 * n);
	if (nsw_import__hex(dst, n, t, len) < 0)
		return nsw_import__reject(r->imp, NSW_EFORMAT, ln,
					  "%s is not hex", label[c]);
	e->has |= c == NC_SHA1	? NSW_HAS_SHA1
		  : c == NC_MD5 ? NSW_HAS_MD5
				: NSW_HAS_SHA256;
	return 1;
}

static int add_attr(nsrl_reader *r, int col, const char *t, size_t len)
{
	int rc;

	if (len == 0)
		return 0;
	if (nsw_buf_putc(&r->attr, r->attr.len ? ',' : '{') < 0 ||
	    nsw_buf_put(&r->attr, r->colname[col].ptr, r->colname[col].len) <
		    0 ||
	    nsw_buf_putc(&r->attr, ':') < 0)
		return oom(r);
	/* One scratch buffer for every value: no allocation per row. */
	rc = decode_text(&r->value, t, len);
	if (rc == 0)
		rc = nsw_import__json_string(&r->attr, r->value.ptr,
					     r->value.len);
	return rc;
}

static int header(nsrl_reader *r, char *line, size_t len, uint64_t ln)
{
	char *f[NSW_LIST_COLUMNS_MAX];
	size_t fl[NSW_LIST_COLUMNS_MAX];
	int n = nsw_import__csv_split(line, len, ',', f, fl,
				      NSW_LIST_COLUMNS_MAX, 0);
	int hashes = 0;

	if (n < 1)
		return nsw_error_set(NSW_EFORMAT,
				     "%s:%llu: NSRLFile.txt header unreadable",
				     r->imp->src->name, (unsigned long long)ln);
	for (int i = 0; i < n; i++) {
		r->col[i] = column_role(f[i], fl[i]);
		hashes += r->col[i] >= NC_SHA1 && r->col[i] <= NC_SHA256;
		nsw_buf_init(&r->colname[i], 256);
		r->ncols = i + 1; /* so the buffer is freed on failure */
		if (!nsw_import__utf8_ok(f[i], fl[i]) ||
		    nsw_import__json_string(&r->colname[i], f[i], fl[i]) < 0)
			return nsw_error_set(
				NSW_EFORMAT, "%s:%llu: bad NSRL column name",
				r->imp->src->name, (unsigned long long)ln);
		r->ncols = i + 1;
	}
	if (hashes == 0)
		return nsw_error_set(
			NSW_EFORMAT,
			"%s:%llu: not an NSRLFile.txt header (no "
			"\"SHA-1\", \"MD5\" or \"SHA-256\" column)",
			r->imp->src->name, (unsigned long long)ln);
	return 0;
}

static int row(nsrl_reader *r, char *line, size_t len, uint64_t ln)
{
	char *f[NSW_LIST_COLUMNS_MAX];
	size_t fl[NSW_LIST_COLUMNS_MAX];
	nsw_list_entry e;
	int64_t size;
	int n, rc = 1;

	/* Concatenated files repeat the header. */
	if (len > 7 && memcmp(line, "\"SHA-1\"", 7) == 0)
		return 0;
	n = nsw_import__csv_split(line, len, ',', f, fl, NSW_LIST_COLUMNS_MAX,
				  0);
	if (n < 0)
		return nsw_import__reject(r->imp, NSW_EFORMAT, ln,
					  "malformed CSV row");
	if (n != r->ncols)
		return nsw_import__reject(r->imp, NSW_EFORMAT, ln,
					  "%d fields, header has %d", n,
					  r->ncols);
	nsw_import__entry_init(&e);
	nsw_buf_reset(&r->attr);
	for (int i = 0; i < n && rc > 0; i++) {
		switch (r->col[i]) {
		case NC_SHA1:
		case NC_MD5:
		case NC_SHA256:
			rc = put_hex(r, &e, r->col[i], f[i], fl[i], ln);
			break;
		case NC_SIZE:
			if (nsw_import__uint(&size, f[i], fl[i]) < 0)
				return nsw_import__reject(
					r->imp, NSW_EFORMAT, ln,
					"FileSize '%.*s' is not a number",
					(int)(fl[i] > 20 ? 20 : fl[i]), f[i]);
			e.size = size;
			break;
		case NC_NAME:
			rc = decode_text(&r->name, f[i], fl[i]);
			if (rc == NSW_ENOMEM)
				return oom(r);
			if (rc < 0)
				return nsw_import__reject(
					r->imp, NSW_EFORMAT, ln,
					"FileName holds a NUL byte or is too "
					"long");
			e.name = r->name.len ? r->name.ptr : NULL;
			rc = 1;
			break;
		default:
			rc = add_attr(r, i, f[i], fl[i]);
			if (rc == NSW_ENOMEM)
				return oom(r);
			if (rc < 0)
				return nsw_import__reject(
					r->imp, NSW_EFORMAT, ln,
					"bad text in column %d", i + 1);
			rc = 1;
			break;
		}
	}
	if (rc <= 0)
		return rc;
	if (e.has == 0)
		return nsw_import__reject(r->imp, NSW_EFORMAT, ln,
					  "no hash on this row");
	if (r->attr.len) {
		if (nsw_buf_putc(&r->attr, '}') < 0)
			return oom(r);
		e.attributes = r->attr.ptr;
	}
	e.category_scheme = nsw_import__scheme(r->imp, NSRL_SCHEME);
	return nsw_import__emit(r->imp, &e, ln);
}

/* An RDS 2.x line: the header first, then rows. */
static int rds2_line(void *ctx, char *line, size_t len, uint64_t ln)
{
	nsrl_reader *r = ctx;
	int rc;

	if (r->have_header)
		return row(r, line, len, ln);
	rc = header(r, line, len, ln);
	if (rc >= 0)
		r->have_header = 1;
	return rc;
}

int nsw_import__nsrl(nsw_importer *imp)
{
	nsrl_reader r = {0};
	int rc;

	r.imp = imp;
	nsw_buf_init(&r.name, NSW_LIST_TEXT_MAX);
	nsw_buf_init(&r.value, NSW_LIST_TEXT_MAX);
	nsw_buf_init(&r.attr, NSW_LIST_ATTR_MAX);
	rc = nsw_import__each_line(imp, rds2_line, &r);
	for (int i = 0; i < r.ncols; i++)
		nsw_buf_dispose(&r.colname[i]);
	nsw_buf_dispose(&r.name);
	nsw_buf_dispose(&r.value);
	nsw_buf_dispose(&r.attr);
	return rc;
}

/* ---- RDSv3 (SQLite) --------------------------------------------------- */

int nsw_import__nsrl_rds3(nsw_importer *imp)
{
	nsrl_reader r = {0};
	nsw_sqldb *db = NULL;
	nsw_sqlstmt *st = NULL;
	uint64_t record = 0;
	int rc, ncols, hashes = 0;

	r.imp = imp;
	nsw_buf_init(&r.name, NSW_LIST_TEXT_MAX);
	nsw_buf_init(&r.value, NSW_LIST_TEXT_MAX);
	nsw_buf_init(&r.attr, NSW_LIST_ATTR_MAX);
	rc = nsw_sqldb_open_readonly(&db, imp->src->path);
	if (rc < 0)
		goto done;
	/* Columns by name: older schemas lack crc32, newer may add some. */
	rc = nsw_sqldb_prepare(db, &st, "SELECT * FROM FILE");
	if (rc < 0) {
		nsw_error_prefix(NSW_EFORMAT,
				 "%s: not an NSRL RDSv3 database (no FILE "
				 "table)",
				 imp->src->name);
		rc = NSW_EFORMAT;
		goto done;
	}
	ncols = nsw_sqldb_column_count(st);
	if (ncols > NSW_LIST_COLUMNS_MAX)
		ncols = NSW_LIST_COLUMNS_MAX;
	for (int i = 0; i < ncols; i++) {
		const char *name = nsw_sqldb_column_name(st, i);

		r.col[i] = column_role(name, strlen(name));
		hashes += r.col[i] >= NC_SHA1 && r.col[i] <= NC_SHA256;
		nsw_buf_init(&r.colname[i], 256);
		r.ncols = i + 1;
		if (nsw_import__utf8_ok(name, strlen(name)) &&
		    nsw_import__json_string(&r.colname[i], name, strlen(name)) <
			    0) {
			rc = oom(&r);
			goto done;
		}
		if (r.colname[i].len == 0)
			r.col[i] = NC_OTHER;
	}
	if (hashes == 0) {
		rc = nsw_error_set(NSW_EFORMAT,
				   "%s: FILE table has no sha256, sha1 or md5 "
				   "column",
				   imp->src->name);
		goto done;
	}
	while ((rc = nsw_sqldb_step(st)) == 1) {
		nsw_list_entry e;
		int ok = 1;

		record++;
		nsw_import__entry_init(&e);
		nsw_buf_reset(&r.attr);
		for (int i = 0; i < ncols && ok > 0; i++) {
			int type = nsw_sqldb_column_type(st, i);
			size_t len = 0;
			const char *t;

			if (type == NSW_SQL_NULL)
				continue;
			if (r.col[i] == NC_SIZE) {
				if (type != NSW_SQL_INTEGER ||
				    nsw_sqldb_column_int64(st, i) < 0) {
					ok = nsw_import__reject(
						imp, NSW_EFORMAT, record,
						"file_size is not a size");
					break;
				}
				e.size = nsw_sqldb_column_int64(st, i);
				continue;
			}
			t = nsw_sqldb_column_text(st, i, &len);
			if (t == NULL)
				continue;
			switch (r.col[i]) {
			case NC_SHA1:
			case NC_MD5:
			case NC_SHA256:
				ok = put_hex(&r, &e, r.col[i], t, len, record);
				break;
			case NC_NAME:
				if (decode_text(&r.name, t, len) < 0) {
					ok = nsw_import__reject(
						imp, NSW_EFORMAT, record,
						"file_name holds a NUL byte "
						"or is too long");
					break;
				}
				e.name = r.name.len ? r.name.ptr : NULL;
				break;
			default:
				if (r.colname[i].len == 0)
					break;
				if (add_attr(&r, i, t, len) < 0) {
					ok = nsw_import__reject(
						imp, NSW_EFORMAT, record,
						"bad text in column %s",
						r.colname[i].ptr);
				}
				break;
			}
		}
		if (ok < 0) {
			rc = ok;
			goto done;
		}
		if (ok == 0)
			continue;
		if (e.has == 0) {
			rc = nsw_import__reject(imp, NSW_EFORMAT, record,
						"no hash in this row");
			if (rc < 0)
				goto done;
			continue;
		}
		if (r.attr.len) {
			if (nsw_buf_putc(&r.attr, '}') < 0) {
				rc = oom(&r);
				goto done;
			}
			e.attributes = r.attr.ptr;
		}
		e.category_scheme = nsw_import__scheme(imp, NSRL_SCHEME);
		rc = nsw_import__emit(imp, &e, record);
		if (rc < 0)
			goto done;
	}
done:
	nsw_sqldb_finalize(st);
	nsw_sqldb_close(db);
	for (int i = 0; i < r.ncols; i++)
		nsw_buf_dispose(&r.colname[i]);
	nsw_buf_dispose(&r.name);
	nsw_buf_dispose(&r.value);
	nsw_buf_dispose(&r.attr);
	return rc < 0 ? rc : 0;
}
