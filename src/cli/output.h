/* SPDX-License-Identifier: Apache-2.0 */
/* Writing values into text, CSV and JSON output: escaping of path bytes
 * that need not be UTF-8. Shared by the commands that print records. */
#ifndef NSW_CLI_OUTPUT_H
#define NSW_CLI_OUTPUT_H

#include <stddef.h>
#include <stdio.h>

/*
 * A JSON string literal with quotes. Well-formed UTF-8 is copied, control
 * characters, '"' and '\\' are escaped, and each byte that is not part of
 * well-formed UTF-8 becomes U+FFFD (so the output is always valid JSON;
 * use cli_base64 alongside when the exact bytes matter).
 */
void cli_json_string(FILE *out, const char *s, size_t len);

/* Standard base64 (RFC 4648, with padding), no quotes. */
void cli_base64(FILE *out, const unsigned char *data, size_t len);

/* A CSV field (RFC 4180): quoted, with '"' doubled, when it contains a
 * comma, quote, CR or LF, or starts or ends with a space; else as is. */
void cli_csv_field(FILE *out, const char *s, size_t len);

/*
 * A CSV field of text from hostile sources (names, titles from chat
 * exports): quoted as cli_csv_field, and a leading = + - @ TAB CR gets an
 * apostrophe so a spreadsheet does not run it as a formula. NULL: empty.
 */
void cli_csv_text(FILE *out, const char *s);

/* A table cell of such text: control bytes become '?', so a name cannot
 * move the cursor or fake lines. NULL: nothing. */
void cli_text_cell(FILE *out, const char *s);

/*
 * A path at the end of a text line, as GNU md5sum does: a path holding a
 * backslash, LF or CR needs escaping (the caller then starts the line with
 * a backslash); cli_text_path writes those as \\, \n, \r when `escape`
 * is set, else the bytes as they are.
 */
int cli_text_path_needs_escape(const char *s, size_t len);
void cli_text_path(FILE *out, const char *s, size_t len, int escape);

#endif
