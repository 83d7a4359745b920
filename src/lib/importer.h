/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Library-internal: what the list importers (import_*.c) share: the input
 * source (a file or memory) with a capped line reader, strict hex parsing,
 * UTF-8 checks, CSV splitting, JSON string escaping, and the one place
 * where records become entries, rejections or exclusions (with stats).
 */
#ifndef NSW_LIB_IMPORTER_H
#define NSW_LIB_IMPORTER_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "netsweep/import.h"

/* The bytes being imported: a file (fd >= 0) or a memory buffer. */
typedef struct nsw_import_src {
	const char *name; /* borrowed: messages and provenance */
	const char *path; /* borrowed: NULL for memory input */
	int fd;		  /* -1 for memory */
	const uint8_t *mem;
	size_t mem_len;
	size_t mem_off;
	uint8_t *buf; /* file read buffer, NSW_LIST_READ_BUF + 1 */
	size_t start, end;
	int eof;
	char *line;	  /* memory input: line copy, NSW_LIST_LINE_MAX + 1 */
	uint64_t line_no; /* lines handed out so far */
} nsw_import_src;

/* One import in progress. */
typedef struct nsw_importer {
	nsw_import_src *src;
	const nsw_import_options *opt;
	const nsw_import_sink *sink;
	nsw_import_stats stats; /* this file only; added to the caller's */
} nsw_importer;

/* Next chunk of raw bytes (JSON, XML). 1 with *data and *len, 0 at EOF,
 * NSW_EIO. The chunk is borrowed until the next call. */
int nsw_import__read(nsw_import_src *src, const uint8_t **data, size_t *len);

/* Back to the first byte (second pass). NSW_EIO. */
int nsw_import__rewind(nsw_import_src *src);

/*
 * Next line, without its "\n" or "\r\n", NUL-terminated and writable
 * (the caller may cut it up). 1 with *line and *len, 0 at EOF, NSW_EIO. A line
 * over NSW_LIST_LINE_MAX is skipped without buffering: 1 with *too_long set
 * (and *len 0). src->line_no is the line's 1-based number.
 */
int nsw_import__line(nsw_import_src *src, char **line, size_t *len,
		     int *too_long);

/* Hex digit values; 0xFF for a non-hex byte. */
extern const uint8_t nsw_import__hexval[256];

/* Exactly 2 * n hex digits (either case) to n bytes. 0 or -1. */
int nsw_import__hex(uint8_t *out, size_t n, const char *text, size_t len);

/* 1 if `len` bytes are valid UTF-8 without NUL bytes. */
int nsw_import__utf8_ok(const char *text, size_t len);

/*
 * Append `len` bytes as a JSON string (quotes, escapes) to `b`. The text
 * must be valid UTF-8. NSW_ELIMIT or NSW_ENOMEM from the buffer.
 */
int nsw_import__json_string(nsw_buf *b, const char *text, size_t len);

/*
 * Split a CSV line in place on `delim`, honouring "quoted" fields with ""
 * escapes (quotes removed, fields NUL-terminated). At most `max` fields;
 * the last takes the rest of the line when `rest_in_last` (hashdeep:
 * extra commas belong to the file name). @return the field count, or -1
 * for an unterminated quote or more than `max` fields.
 */
int nsw_import__csv_split(char *line, size_t len, char delim, char **fields,
			  size_t *lens, int max, int rest_in_last);

/* Decimal integer 0..INT64_MAX, whole token. 0 or -1. */
int nsw_import__uint(int64_t *out, const char *text, size_t len);

/* Case-insensitive ASCII equality of a token and a NUL-terminated word. */
int nsw_import__word_eq(const char *text, size_t len, const char *word);

/* An entry with nothing given (hashes absent, sizes and flags unknown). */
void nsw_import__entry_init(nsw_list_entry *e);

/*
 * A good record: fills in source_file/source_line, drops it as excluded
 * when it carries nothing but empty-file digests (every empty file would
 * match), else hands it to the sink. 0, or the sink's negative code.
 */
int nsw_import__emit(nsw_importer *imp, nsw_list_entry *e, uint64_t line);

/* A valid record left out by rule (counted, not reported). */
void nsw_import__exclude(nsw_importer *imp);

/*
 * A bad record at `line`: reported to sink->problem and skipped (0), or
 * under `strict` fatal: returns `code` (NSW_EFORMAT or NSW_ELIMIT) with the
 * message "name:line: why".
 */
int nsw_import__reject(nsw_importer *imp, int code, uint64_t line,
		       const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/*
 * The next record line of a text list: nsw_import__line() plus what every
 * text importer does with it. A line over NSW_LIST_LINE_MAX is rejected
 * (reported, or fatal under strict) and 2 is returned; a UTF-8 byte order
 * mark on line 1 is dropped; empty lines are skipped. 1 with *line, *len
 * (non-empty) and *line_no; 0 at EOF; negative NSW_E*.
 */
int nsw_import__text_line(nsw_importer *imp, char **line, size_t *len,
			  uint64_t *line_no);

/* Every record line of a text list through `fn`, under the rules of
 * nsw_import__text_line() (an over-long line is rejected there and not
 * passed on). @return 0 at EOF, or the first negative NSW_E* of the
 * reader or of `fn`. */
int nsw_import__each_line(nsw_importer *imp,
			  int (*fn)(void *ctx, char *line, size_t len,
				    uint64_t line_no),
			  void *ctx);

/* The category scheme to use: the caller's override, else `from_file`. */
const char *nsw_import__scheme(const nsw_importer *imp, const char *from_file);

/* The per-format readers. 0 or NSW_E* (message set). */
int nsw_import__vics(nsw_importer *imp);
int nsw_import__ncmec(nsw_importer *imp);
int nsw_import__hashdeep(nsw_importer *imp);
int nsw_import__nsrl(nsw_importer *imp);
int nsw_import__nsrl_rds3(nsw_importer *imp);
int nsw_import__pdq(nsw_importer *imp);

#endif
