/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Library-internal streaming JSON (SAX-style) reader: the one wrapper of
 * libyajl. Huge exports and lists (VICS, Telegram, Discord) are parsed in
 * bounded memory: strings and nesting depth are capped before yajl sees
 * them, and every callback knows the line it came from.
 */
#ifndef NSW_LIB_JSON_STREAM_H
#define NSW_LIB_JSON_STREAM_H

#include <stddef.h>
#include <stdint.h>

/*
 * Callbacks return 0 to go on or a negative NSW_E* to stop the parse (the
 * callback sets the error message; the parser returns that code). Any may
 * be NULL. Strings are borrowed for the call, not NUL-terminated, and are
 * valid UTF-8 unless NSW_JSON_RAW_STRINGS was given. Numbers come as their
 * text, so 64-bit ids and decimals lose nothing.
 */
typedef struct nsw_json_handlers {
	int (*null_value)(void *ctx);
	int (*boolean)(void *ctx, int value);
	int (*number)(void *ctx, const char *text, size_t len);
	int (*string)(void *ctx, const char *text, size_t len);
	int (*start_map)(void *ctx);
	int (*map_key)(void *ctx, const char *text, size_t len);
	int (*end_map)(void *ctx);
	int (*start_array)(void *ctx);
	int (*end_array)(void *ctx);
} nsw_json_handlers;

/* Options (bit flags). */
/* Rewrite the invalid escape \xHH (emitted by some exporters, e.g.
 * Telegram Desktop) to \u00HH instead of failing. */
#define NSW_JSON_FIX_HEX_ESCAPES 0x1
/* Do not validate UTF-8 in strings (callers then check themselves). */
#define NSW_JSON_RAW_STRINGS 0x2

typedef struct nsw_json_stream nsw_json_stream;

/**
 * A new parser. `name` (borrowed, copied) names the input in messages.
 * @return 0 or NSW_ENOMEM.
 */
int nsw_json_stream_new(nsw_json_stream **out, const nsw_json_handlers *h,
			void *ctx, const char *name, unsigned flags);

/* Feed the next bytes (any split). A leading UTF-8 BOM is skipped.
 * @return 0; NSW_EFORMAT (syntax, with file:line); NSW_ELIMIT (a string
 * over NSW_JSON_STRING_MAX or nesting over NSW_JSON_DEPTH_MAX); or a
 * callback's code. After a failure the parser accepts nothing more. */
int nsw_json_stream_feed(nsw_json_stream *s, const uint8_t *data, size_t len);

/* End of input: EFORMAT if the document is incomplete (truncated). */
int nsw_json_stream_finish(nsw_json_stream *s);

/* The 1-based line the current callback's token is on (exact for
 * pretty-printed input; the line a piece starts on for minified input). */
uint64_t nsw_json_stream_line(const nsw_json_stream *s);

/* Current nesting depth (0 at top level). */
unsigned nsw_json_stream_depth(const nsw_json_stream *s);

/* The input's name as given to _new. */
const char *nsw_json_stream_name(const nsw_json_stream *s);

void nsw_json_stream_free(nsw_json_stream *s);

/**
 * Parse a whole file in bounded memory (reads NSW_READ_CHUNK at a time).
 * @return as nsw_json_stream_feed/finish; NSW_EIO/NSW_ENOTFOUND on open
 * or read errors.
 */
int nsw_json_parse_file(const char *path, const nsw_json_handlers *h, void *ctx,
			unsigned flags);

#endif
