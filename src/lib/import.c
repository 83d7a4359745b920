/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Known-hash list import: format names, detection, dispatch to the
 * per-format readers, and what they share (input source with a capped
 * line reader, hex, UTF-8, CSV, entry emission and stats).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "error.h"
#include "importer.h"
#include "limits.h"
#include "netsweep/import.h"

/* ---- Names ------------------------------------------------------------ */

static const char *const format_names[] = {
	[NSW_LIST_FORMAT_AUTO] = "auto",
	[NSW_LIST_FORMAT_VICS] = "vics",
	[NSW_LIST_FORMAT_NCMEC] = "ncmec",
	[NSW_LIST_FORMAT_HASHDEEP] = "hashdeep",
	[NSW_LIST_FORMAT_NSRL] = "nsrl",
	[NSW_LIST_FORMAT_NSRL_RDS3] = "nsrl-rds3",
	[NSW_LIST_FORMAT_PDQ] = "pdq",
};

const char *nsw_list_format_name(nsw_list_format format)
{
	if ((unsigned)format >= sizeof(format_names) / sizeof(format_names[0]))
		return "?";
	return format_names[format];
}

int nsw_list_format_parse(nsw_list_format *out, const char *name)
{
	static const struct {
		const char *alias;
		nsw_list_format format;
	} aliases[] = {
		{"md5sum", NSW_LIST_FORMAT_HASHDEEP},
		{"sha1sum", NSW_LIST_FORMAT_HASHDEEP},
		{"sha256sum", NSW_LIST_FORMAT_HASHDEEP},
		{"md5deep", NSW_LIST_FORMAT_HASHDEEP},
		{"bsd", NSW_LIST_FORMAT_HASHDEEP},
		{"rds3", NSW_LIST_FORMAT_NSRL_RDS3},
		{"threatexchange", NSW_LIST_FORMAT_PDQ},
	};

	if (out == NULL || name == NULL)
		return nsw_error_set(NSW_EINVAL, "no list format given");
	for (size_t i = 0; i < sizeof(format_names) / sizeof(format_names[0]);
	     i++)
		if (strcmp(name, format_names[i]) == 0) {
			*out = (nsw_list_format)i;
			return 0;
		}
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (strcmp(name, aliases[i].alias) == 0) {
			*out = aliases[i].format;
			return 0;
		}
	return nsw_error_set(NSW_EINVAL,
			     "unknown list format '%s' (auto, vics, ncmec, "
			     "hashdeep, nsrl, nsrl-rds3, pdq)",
			     name);
}

/* ---- Small parsers ---------------------------------------------------- */

#define H16(x) x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x
const uint8_t nsw_import__hexval[256] = {
	H16(0xFF), H16(0xFF), H16(0xFF), 0,	    1,	       2,
	3,	   4,	      5,	 6,	    7,	       8,
	9,	   0xFF,      0xFF,	 0xFF,	    0xFF,      0xFF,
	0xFF,	   0xFF,      10,	 11,	    12,	       13,
	14,	   15,	      0xFF,	 0xFF,	    0xFF,      0xFF,
	0xFF,	   0xFF,      0xFF,	 0xFF,	    0xFF,      H16(0xFF),
	0xFF,	   10,	      11,	 12,	    13,	       14,
	15,	   0xFF,      0xFF,	 0xFF,	    0xFF,      0xFF,
	0xFF,	   0xFF,      0xFF,	 0xFF,	    H16(0xFF), H16(0xFF),
	H16(0xFF), H16(0xFF), H16(0xFF), H16(0xFF), H16(0xFF), H16(0xFF),
	H16(0xFF),
};

int nsw_import__hex(uint8_t *out, size_t n, const char *text, size_t len)
{
	const uint8_t *t = (const uint8_t *)text;
	unsigned bad = 0;

	if (len != 2 * n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		const uint8_t hi = nsw_import__hexval[t[2 * i]];
		const uint8_t lo = nsw_import__hexval[t[2 * i + 1]];

		bad |= hi | lo;
		out[i] = (uint8_t)((hi << 4) | (lo & 0x0F));
	}
	return (bad & 0xF0) ? -1 : 0;
}

int nsw_import__utf8_ok(const char *text, size_t len)
{
	const uint8_t *s = (const uint8_t *)text;
	size_t i = 0;

	while (i < len) {
		const uint8_t c = s[i];
		size_t need;
		uint32_t cp;

		if (c >= 0x01 && c < 0x80) {
			i++;
			continue;
		}
		if (c == 0)
			return 0;
		if (c >= 0xC2 && c <= 0xDF) {
			need = 1;
			cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			need = 2;
			cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			need = 3;
			cp = c & 0x07;
		} else {
			return 0;
		}
		if (len - i <= need)
			return 0;
		for (size_t k = 1; k <= need; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		/* Overlong forms, surrogates, beyond U+10FFFF. */
		if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) ||
		    (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
			return 0;
		i += need + 1;
	}
	return 1;
}

int nsw_import__json_string(nsw_buf *b, const char *text, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t run = 0;
	int rc = nsw_buf_putc(b, '"');

	for (size_t i = 0; rc == 0 && i < len; i++) {
		const uint8_t c = (uint8_t)text[i];
		char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
		size_t n = 6;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		rc = nsw_buf_put(b, text + run, i - run);
		run = i + 1;
		if (c == '"' || c == '\\') {
			esc[1] = (char)c;
			n = 2;
		} else if (c == '\n' || c == '\t' || c == '\r') {
			esc[1] = c == '\n' ? 'n' : c == '\t' ? 't' : 'r';
			n = 2;
		}
		if (rc == 0)
			rc = nsw_buf_put(b, esc, n);
	}
	if (rc == 0)
		rc = nsw_buf_put(b, text + run, len - run);
	if (rc == 0)
		rc = nsw_buf_putc(b, '"');
	return rc;
}

int nsw_import__csv_split(char *line, size_t len, char delim, char **fields,
			  size_t *lens, int max, int rest_in_last)
{
	size_t i = 0;
	int n = 0;

	for (;;) {
		char *out;
		size_t o = 0;

		if (n == max)
			return -1;
		if (rest_in_last && n == max - 1) {
			fields[n] = line + i;
			lens[n] = len - i;
			line[len] = '\0';
			return n + 1;
		}
		out = line + i;
		fields[n] = out;
		if (i < len && line[i] == '"') {
			i++;
			for (;;) {
				if (i >= len)
					return -1;
				if (line[i] == '"') {
					if (i + 1 < len && line[i + 1] == '"') {
						out[o++] = '"';
						i += 2;
						continue;
					}
					i++;
					break;
				}
				out[o++] = line[i++];
			}
			/* Junk between the closing quote and the delimiter
			 * makes the line malformed. */
			if (i < len && line[i] != delim)
				return -1;
		} else {
			while (i < len && line[i] != delim)
				out[o++] = line[i++];
		}
		lens[n] = o;
		n++;
		if (i >= len) {
			out[o] = '\0';
			return n;
		}
		out[o] = '\0'; /* overwrites the delimiter or quote */
		i++;	       /* past the delimiter */
	}
}

int nsw_import__uint(int64_t *out, const char *text, size_t len)
{
	int64_t v = 0;

	if (len == 0 || len > 18)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (text[i] < '0' || text[i] > '9')
			return -1;
		v = v * 10 + (text[i] - '0');
	}
	*out = v;
	return 0;
}

int nsw_import__word_eq(const char *text, size_t len, const char *word)
{
	size_t i;

	for (i = 0; i < len; i++) {
		char a = text[i], b = word[i];

		if (b == '\0')
			return 0;
		if (a >= 'A' && a <= 'Z')
			a = (char)(a - 'A' + 'a');
		if (b >= 'A' && b <= 'Z')
			b = (char)(b - 'A' + 'a');
		if (a != b)
			return 0;
	}
	return word[i] == '\0';
}

/* ---- Input source ----------------------------------------------------- */

static int src_fill(nsw_import_src *src)
{
	for (;;) {
		ssize_t n = read(src->fd, src->buf + src->end,
				 NSW_LIST_READ_BUF - src->end);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return nsw_error_set(NSW_EIO, "%s: read: %s", src->name,
					     strerror(errno));
		if (n == 0)
			src->eof = 1;
		src->end += (size_t)n;
		return 0;
	}
}

int nsw_import__read(nsw_import_src *src, const uint8_t **data, size_t *len)
{
	int rc;

	if (src->fd < 0) {
		/* Memory: hand it out in read-buffer-sized chunks, as a file
		 * would come, so split tokens are exercised too. */
		size_t n = src->mem_len - src->mem_off;

		if (n == 0)
			return 0;
		if (n > NSW_LIST_READ_BUF)
			n = NSW_LIST_READ_BUF;
		*data = src->mem + src->mem_off;
		*len = n;
		src->mem_off += n;
		return 1;
	}
	src->start = src->end = 0;
	if (src->eof)
		return 0;
	rc = src_fill(src);
	if (rc < 0)
		return rc;
	if (src->end == 0)
		return 0;
	*data = src->buf;
	*len = src->end;
	return 1;
}

int nsw_import__rewind(nsw_import_src *src)
{
	src->mem_off = 0;
	src->start = src->end = 0;
	src->eof = 0;
	src->line_no = 0;
	if (src->fd >= 0 && lseek(src->fd, 0, SEEK_SET) < 0)
		return nsw_error_set(NSW_EIO, "%s: seek: %s", src->name,
				     strerror(errno));
	return 0;
}

static void strip_cr(char *line, size_t *len)
{
	if (*len > 0 && line[*len - 1] == '\r')
		line[--*len] = '\0';
}

static int mem_line(nsw_import_src *src, char **line, size_t *len,
		    int *too_long)
{
	const uint8_t *p = src->mem + src->mem_off;
	const size_t left = src->mem_len - src->mem_off;
	const uint8_t *nl;
	size_t n;

	if (left == 0)
		return 0;
	nl = memchr(p, '\n', left);
	n = nl ? (size_t)(nl - p) : left;
	src->mem_off += nl ? n + 1 : n;
	src->line_no++;
	if (n > NSW_LIST_LINE_MAX) {
		*too_long = 1;
		*len = 0;
		src->line[0] = '\0';
		*line = src->line;
		return 1;
	}
	memcpy(src->line, p, n);
	src->line[n] = '\0';
	*line = src->line;
	*len = n;
	strip_cr(*line, len);
	return 1;
}

int nsw_import__line(nsw_import_src *src, char **line, size_t *len,
		     int *too_long)
{
	int skipping = 0, rc;

	*too_long = 0;
	if (src->fd < 0)
		return mem_line(src, line, len, too_long);
	for (;;) {
		uint8_t *p = src->buf + src->start;
		const size_t have = src->end - src->start;
		uint8_t *nl = memchr(p, '\n', have);

		if (nl != NULL) {
			const size_t n = (size_t)(nl - p);

			src->start += n + 1;
			src->line_no++;
			if (skipping || n > NSW_LIST_LINE_MAX) {
				*too_long = 1;
				*len = 0;
				*line = (char *)nl;
				*nl = '\0';
				return 1;
			}
			*nl = '\0';
			*line = (char *)p;
			*len = n;
			strip_cr(*line, len);
			return 1;
		}
		if (src->eof) {
			if (have == 0 && !skipping)
				return 0;
			/* The last line, without a newline (the buffer has
			 * one spare byte for the NUL). */
			src->start = src->end;
			src->line_no++;
			if (skipping || have > NSW_LIST_LINE_MAX) {
				*too_long = 1;
				*len = 0;
				src->buf[src->end] = '\0';
				*line = (char *)src->buf + src->end;
				return 1;
			}
			p[have] = '\0';
			*line = (char *)p;
			*len = have;
			strip_cr(*line, len);
			return 1;
		}
		if (have > NSW_LIST_LINE_MAX) {
			/* Over the cap: drop what we have, keep reading
			 * until the newline without keeping any of it. */
			skipping = 1;
			src->start = src->end = 0;
		} else if (src->start > 0) {
			memmove(src->buf, p, have);
			src->start = 0;
			src->end = have;
		}
		rc = src_fill(src);
		if (rc < 0)
			return rc;
	}
}

int nsw_import__text_line(nsw_importer *imp, char **line, size_t *len,
			  uint64_t *line_no)
{
	for (;;) {
		int too_long, rc;

		rc = nsw_import__line(imp->src, line, len, &too_long);
		if (rc <= 0)
			return rc;
		*line_no = imp->src->line_no;
		if (too_long) {
			rc = nsw_import__reject(imp, NSW_ELIMIT, *line_no,
						"line longer than %zu bytes",
						NSW_LIST_LINE_MAX);
			return rc < 0 ? rc : 2;
		}
		/* A UTF-8 byte order mark on the first line. */
		if (*line_no == 1 && *len >= 3 &&
		    memcmp(*line, "\xEF\xBB\xBF", 3) == 0) {
			*line += 3;
			*len -= 3;
		}
		if (*len > 0)
			return 1;
	}
}

int nsw_import__each_line(nsw_importer *imp,
			  int (*fn)(void *ctx, char *line, size_t len,
				    uint64_t line_no),
			  void *ctx)
{
	for (;;) {
		char *line;
		size_t len;
		uint64_t ln;
		int rc = nsw_import__text_line(imp, &line, &len, &ln);

		if (rc <= 0)
			return rc;
		if (rc == 2) /* an over-long line, already rejected */
			continue;
		rc = fn(ctx, line, len, ln);
		if (rc < 0)
			return rc;
	}
}

/* ---- Entries, rejections, stats --------------------------------------- */

void nsw_import__entry_init(nsw_list_entry *e)
{
	memset(e, 0, sizeof(*e));
	e->pdq_quality = -1;
	e->size = -1;
	e->victim_identified = NSW_FLAG_UNKNOWN;
	e->offender_identified = NSW_FLAG_UNKNOWN;
}

static const uint8_t empty_md5[NSW_MD5_BYTES] = {
	0xd4, 0x1d, 0x8c, 0xd9, 0x8f, 0x00, 0xb2, 0x04,
	0xe9, 0x80, 0x09, 0x98, 0xec, 0xf8, 0x42, 0x7e};
static const uint8_t empty_sha1[NSW_SHA1_BYTES] = {
	0xda, 0x39, 0xa3, 0xee, 0x5e, 0x6b, 0x4b, 0x0d, 0x32, 0x55,
	0xbf, 0xef, 0x95, 0x60, 0x18, 0x90, 0xaf, 0xd8, 0x07, 0x09};
static const uint8_t empty_sha256[NSW_SHA256_BYTES] = {
	0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4,
	0xc8, 0x99, 0x6f, 0xb9, 0x24, 0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b,
	0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55};

/* Only empty-file digests (and no PDQ): would match every empty file. */
static int only_empty_file(const nsw_list_entry *e)
{
	if (e->has == 0 || (e->has & NSW_HAS_PDQ))
		return 0;
	if ((e->has & NSW_HAS_MD5) &&
	    memcmp(e->md5, empty_md5, sizeof(empty_md5)) != 0)
		return 0;
	if ((e->has & NSW_HAS_SHA1) &&
	    memcmp(e->sha1, empty_sha1, sizeof(empty_sha1)) != 0)
		return 0;
	if ((e->has & NSW_HAS_SHA256) &&
	    memcmp(e->sha256, empty_sha256, sizeof(empty_sha256)) != 0)
		return 0;
	return 1;
}

int nsw_import__emit(nsw_importer *imp, nsw_list_entry *e, uint64_t line)
{
	int rc;

	imp->stats.read++;
	if (only_empty_file(e)) {
		imp->stats.excluded++;
		return 0;
	}
	e->source_file = imp->src->name;
	e->source_line = line;
	rc = imp->sink->entry(imp->sink->ctx, e);
	if (rc < 0) {
		if (nsw_error_last_code() == NSW_OK)
			nsw_error_set(rc, "%s:%llu: import stopped by the sink",
				      imp->src->name, (unsigned long long)line);
		return rc;
	}
	imp->stats.kept++;
	return 0;
}

void nsw_import__exclude(nsw_importer *imp)
{
	imp->stats.read++;
	imp->stats.excluded++;
}

int nsw_import__reject(nsw_importer *imp, int code, uint64_t line,
		       const char *fmt, ...)
{
	char why[NSW_ERROR_MESSAGE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	imp->stats.read++;
	imp->stats.rejected++;
	if (imp->sink->problem)
		imp->sink->problem(imp->sink->ctx, imp->src->name, line, why);
	if (imp->opt->strict)
		return nsw_error_set(code, "%s:%llu: %s", imp->src->name,
				     (unsigned long long)line, why);
	return 0;
}

const char *nsw_import__scheme(const nsw_importer *imp, const char *from_file)
{
	return imp->opt->category_scheme ? imp->opt->category_scheme
					 : from_file;
}

/* ---- Detection -------------------------------------------------------- */

static int contains(const uint8_t *d, size_t n, const char *word)
{
	return memmem(d, n, word, strlen(word)) != NULL;
}

static size_t hex_run(const uint8_t *d, size_t n)
{
	size_t i = 0;

	while (i < n && nsw_import__hexval[d[i]] != 0xFF)
		i++;
	return i;
}

static size_t digit_run(const uint8_t *d, size_t n)
{
	size_t i = 0;

	while (i < n && d[i] >= '0' && d[i] <= '9')
		i++;
	return i;
}

/* A CSV header naming a hash column ("FilePath,Hash", "pdq,quality"). */
static int hash_csv_header(const uint8_t *d, size_t n)
{
	static const char *const names[] = {
		"hash", "pdq",	"pdq_hash", "pdqhash", "signal", "indicator",
		"md5",	"sha1", "sha-1",    "sha256",  "sha-256"};
	size_t i = 0;

	while (i < n) {
		size_t j = i;

		while (j < n && d[j] != ',' && d[j] != ';')
			j++;
		size_t a = i, b = j;

		if (b > a && d[a] == '"' && d[b - 1] == '"' && b - a >= 2) {
			a++;
			b--;
		}
		for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++)
			if (nsw_import__word_eq((const char *)d + a, b - a,
						names[k]))
				return j < n || i > 0;
		i = j + 1;
	}
	return 0;
}

/* Classify one text line (the first that is not blank or a comment). */
static int detect_line(nsw_list_format *out, const uint8_t *d, size_t n)
{
	static const char *const te_types[] = {"pdq ", "video_md5 ",
					       "video_sha256 ", "pdq_ocr "};
	size_t h, k;

	if (n >= 13 && memcmp(d, "%%%% HASHDEEP", 13) == 0) {
		*out = NSW_LIST_FORMAT_HASHDEEP;
		return 0;
	}
	if (contains(d, n, "\"SHA-1\"") && contains(d, n, "\"FileName\"")) {
		*out = NSW_LIST_FORMAT_NSRL;
		return 0;
	}
	for (size_t i = 0; i < sizeof(te_types) / sizeof(te_types[0]); i++) {
		size_t w = strlen(te_types[i]);

		if (n > w && memcmp(d, te_types[i], w) == 0) {
			*out = NSW_LIST_FORMAT_PDQ;
			return 0;
		}
	}
	/* BSD tags: "MD5 (name) = hash", "SHA256 (name) = hash". */
	if ((n > 5 && memcmp(d, "MD5 (", 5) == 0) ||
	    (n > 6 && memcmp(d, "SHA1 (", 6) == 0) ||
	    (n > 8 && memcmp(d, "SHA256 (", 8) == 0)) {
		*out = NSW_LIST_FORMAT_HASHDEEP;
		return 0;
	}
	if (n > 5 && memcmp(d, "hash=", 5) == 0) {
		*out = NSW_LIST_FORMAT_PDQ;
		return 0;
	}
	/* md5sum marks escaped names with a leading backslash. */
	if (n > 1 && d[0] == '\\' && nsw_import__hexval[d[1]] != 0xFF) {
		h = hex_run(d + 1, n - 1);
		if ((h == 32 || h == 40 || h == 64) && h + 1 < n &&
		    d[h + 1] == ' ') {
			*out = NSW_LIST_FORMAT_HASHDEEP;
			return 0;
		}
	}
	h = hex_run(d, n);
	if (h == 64 && (h == n || d[h] == ',' || d[h] == '\r')) {
		*out = NSW_LIST_FORMAT_PDQ;
		return 0;
	}
	if ((h == 32 || h == 40 || h == 64) && h < n &&
	    (d[h] == ' ' || d[h] == '\t')) {
		*out = NSW_LIST_FORMAT_HASHDEEP;
		return 0;
	}
	/* vPDQ: frame,quality,pdqhex,seconds. */
	k = digit_run(d, n);
	if (k > 0 && k < n && d[k] == ',') {
		size_t q = digit_run(d + k + 1, n - k - 1);
		size_t at = k + 1 + q + 1;

		if (q > 0 && at <= n && d[at - 1] == ',' &&
		    hex_run(d + at, n - at) == 64) {
			*out = NSW_LIST_FORMAT_PDQ;
			return 0;
		}
	}
	/* md5deep -z: right-aligned size, then a digest. */
	k = 0;
	while (k < n && d[k] == ' ')
		k++;
	h = digit_run(d + k, n - k);
	if (h > 0) {
		k += h;
		while (k < n && (d[k] == ' ' || d[k] == '\t'))
			k++;
		h = hex_run(d + k, n - k);
		if ((h == 32 || h == 40 || h == 64) && k + h < n &&
		    d[k + h] == ' ') {
			*out = NSW_LIST_FORMAT_HASHDEEP;
			return 0;
		}
	}
	if (hash_csv_header(d, n)) {
		*out = NSW_LIST_FORMAT_PDQ;
		return 0;
	}
	return NSW_EUNSUPPORTED;
}

int nsw_list_detect_buffer(nsw_list_format *out, const uint8_t *data,
			   size_t len)
{
	size_t n = len < NSW_LIST_DETECT_BYTES ? len : NSW_LIST_DETECT_BYTES;
	const uint8_t *d = data;

	if (out == NULL || (data == NULL && len > 0))
		return nsw_error_set(NSW_EINVAL, "no buffer to detect");
	if (n >= 16 && memcmp(d, "SQLite format 3", 16) == 0) {
		*out = NSW_LIST_FORMAT_NSRL_RDS3;
		return 0;
	}
	if (n >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF) {
		d += 3;
		n -= 3;
	}
	while (n > 0 && (*d == ' ' || *d == '\t' || *d == '\r' || *d == '\n')) {
		d++;
		n--;
	}
	if (n > 0 && (*d == '{' || *d == '[')) {
		if (contains(d, n, "ProjectVic") || contains(d, n, "odata") ||
		    contains(d, n, "\"value\"")) {
			*out = NSW_LIST_FORMAT_VICS;
			return 0;
		}
		return nsw_error_set(NSW_EUNSUPPORTED,
				     "JSON, but not a VICS hash list");
	}
	if (n > 0 && *d == '<') {
		if (contains(d, n, "queryResult") ||
		    contains(d, n, "hashsharing")) {
			*out = NSW_LIST_FORMAT_NCMEC;
			return 0;
		}
		return nsw_error_set(NSW_EUNSUPPORTED,
				     "XML, but not NCMEC hash sharing");
	}
	/* Text: the first line that is not blank or a comment decides. */
	while (n > 0) {
		const uint8_t *nl = memchr(d, '\n', n);
		size_t ln = nl ? (size_t)(nl - d) : n;

		if (ln > 0 && d[ln - 1] == '\r')
			ln--;
		if (ln > 0 && !(d[0] == '#' && (ln < 4 || d[1] != '%'))) {
			if (detect_line(out, d, ln) == 0)
				return 0;
			break;
		}
		if (nl == NULL)
			break;
		n -= (size_t)(nl - d) + 1;
		d = nl + 1;
	}
	return nsw_error_set(NSW_EUNSUPPORTED,
			     "not a known hash list format (VICS, NCMEC, "
			     "hashdeep/md5sum, NSRL, PDQ)");
}

/* ---- Dispatch --------------------------------------------------------- */

static int run(nsw_importer *imp, nsw_list_format format)
{
	switch (format) {
	case NSW_LIST_FORMAT_VICS:
		return nsw_import__vics(imp);
	case NSW_LIST_FORMAT_NCMEC:
		return nsw_import__ncmec(imp);
	case NSW_LIST_FORMAT_HASHDEEP:
		return nsw_import__hashdeep(imp);
	case NSW_LIST_FORMAT_NSRL:
		return nsw_import__nsrl(imp);
	case NSW_LIST_FORMAT_NSRL_RDS3:
		if (imp->src->path == NULL)
			return nsw_error_set(NSW_EUNSUPPORTED,
					     "%s: NSRL RDSv3 (SQLite) must be "
					     "imported from a file",
					     imp->src->name);
		return nsw_import__nsrl_rds3(imp);
	case NSW_LIST_FORMAT_PDQ:
		return nsw_import__pdq(imp);
	default:
		return nsw_error_set(NSW_EINVAL, "%s: bad list format %d",
				     imp->src->name, (int)format);
	}
}

static void add_stats(nsw_import_stats *to, const nsw_import_stats *from)
{
	to->read += from->read;
	to->kept += from->kept;
	to->rejected += from->rejected;
	to->excluded += from->excluded;
}

/* Run the importer on a prepared source, then judge the whole file. */
static int import_src(nsw_import_stats *stats, nsw_import_src *src,
		      const uint8_t *head, size_t head_len,
		      const nsw_import_options *options,
		      const nsw_import_sink *sink)
{
	nsw_importer imp = {0};
	nsw_list_format format = options->format;
	int rc;

	imp.src = src;
	imp.opt = options;
	imp.sink = sink;
	if (format == NSW_LIST_FORMAT_AUTO) {
		rc = nsw_list_detect_buffer(&format, head, head_len);
		if (rc < 0)
			return nsw_error_prefix(rc, "%s", src->name);
	}
	nsw_error_clear();
	rc = run(&imp, format);
	add_stats(stats, &imp.stats);
	if (rc < 0)
		return rc;
	if (imp.stats.rejected > 0 && imp.stats.kept == 0 &&
	    imp.stats.excluded == 0)
		return nsw_error_set(NSW_EFORMAT,
				     "%s: no valid %s records (%llu rejected)",
				     src->name, nsw_list_format_name(format),
				     (unsigned long long)imp.stats.rejected);
	return 0;
}

static int check_args(nsw_import_stats *stats,
		      const nsw_import_options *options,
		      const nsw_import_sink *sink)
{
	if (stats == NULL || options == NULL || sink == NULL ||
	    sink->entry == NULL)
		return nsw_error_set(NSW_EINVAL, "list import: missing "
						 "stats, options or sink");
	return 0;
}

int nsw_list_import_buffer(nsw_import_stats *stats, const uint8_t *data,
			   size_t len, const char *name,
			   const nsw_import_options *options,
			   const nsw_import_sink *sink)
{
	nsw_import_src src = {0};
	int rc = check_args(stats, options, sink);

	if (rc < 0)
		return rc;
	if (data == NULL && len > 0)
		return nsw_error_set(NSW_EINVAL, "list import: no buffer");
	src.name = name ? name : "(buffer)";
	src.fd = -1;
	src.mem = data ? data : (const uint8_t *)"";
	src.mem_len = len;
	src.line = nsw__malloc(NSW_LIST_LINE_MAX + 1);
	if (src.line == NULL)
		return nsw_error_set(NSW_ENOMEM, "%s: out of memory", src.name);
	rc = import_src(stats, &src, src.mem, len, options, sink);
	nsw__free(src.line);
	return rc;
}

static int read_head(nsw_import_src *src, size_t *head_len)
{
	*head_len = 0;
	while (*head_len < NSW_LIST_DETECT_BYTES) {
		ssize_t n = read(src->fd, src->buf + *head_len,
				 NSW_LIST_DETECT_BYTES - *head_len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return nsw_error_set(NSW_EIO, "%s: read: %s", src->name,
					     strerror(errno));
		if (n == 0)
			break;
		*head_len += (size_t)n;
	}
	return nsw_import__rewind(src);
}

static int open_src(nsw_import_src *src, const char *path)
{
	src->name = path;
	src->path = path;
	src->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (src->fd < 0)
		return nsw_error_set(errno == ENOENT ? NSW_ENOTFOUND : NSW_EIO,
				     "%s: %s", path, strerror(errno));
	src->buf = nsw__malloc(NSW_LIST_READ_BUF + 1);
	if (src->buf == NULL)
		return nsw_error_set(NSW_ENOMEM, "%s: out of memory", path);
	return 0;
}

static void close_src(nsw_import_src *src)
{
	if (src->fd >= 0)
		close(src->fd);
	nsw__free(src->buf);
}

int nsw_list_detect_format(nsw_list_format *out, const char *path)
{
	nsw_import_src src = {0};
	size_t head_len = 0;
	int rc;

	if (out == NULL || path == NULL)
		return nsw_error_set(NSW_EINVAL, "detect: no path");
	src.fd = -1;
	rc = open_src(&src, path);
	if (rc == 0)
		rc = read_head(&src, &head_len);
	if (rc == 0) {
		rc = nsw_list_detect_buffer(out, src.buf, head_len);
		if (rc < 0)
			nsw_error_prefix(rc, "%s", path);
	}
	close_src(&src);
	return rc;
}

int nsw_list_import_file(nsw_import_stats *stats, const char *path,
			 const nsw_import_options *options,
			 const nsw_import_sink *sink)
{
	nsw_import_src src = {0};
	uint8_t *head = NULL;
	size_t head_len = 0;
	int rc = check_args(stats, options, sink);

	if (rc < 0)
		return rc;
	if (path == NULL)
		return nsw_error_set(NSW_EINVAL, "list import: no path");
	src.fd = -1;
	rc = open_src(&src, path);
	if (rc < 0)
		goto done;
	rc = read_head(&src, &head_len);
	if (rc < 0)
		goto done;
	head = nsw__malloc(head_len + 1);
	if (head == NULL) {
		rc = nsw_error_set(NSW_ENOMEM, "%s: out of memory", path);
		goto done;
	}
	memcpy(head, src.buf, head_len);
	rc = import_src(stats, &src, head, head_len, options, sink);
done:
	nsw__free(head);
	close_src(&src);
	return rc;
}
