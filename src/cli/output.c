/* SPDX-License-Identifier: Apache-2.0 */
/* Escaping for the CLI's text, CSV and JSON outputs. */
#include <stdint.h>
#include <string.h>

#include "netsweep/walk.h"
#include "output.h"

void cli_json_string(FILE *out, const char *s, size_t len)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t i = 0;

	fputc('"', out);
	while (i < len) {
		uint8_t c = p[i];
		size_t n;

		if (c == '"' || c == '\\') {
			fputc('\\', out);
			fputc(c, out);
			i++;
			continue;
		}
		if (c < 0x20) {
			switch (c) {
			case '\n':
				fputs("\\n", out);
				break;
			case '\r':
				fputs("\\r", out);
				break;
			case '\t':
				fputs("\\t", out);
				break;
			default:
				fprintf(out, "\\u%04x", c);
			}
			i++;
			continue;
		}
		n = nsw_utf8_char_len(p + i, len - i);
		if (n == 0) {
			fputs("\xEF\xBF\xBD", out); /* U+FFFD */
			i++;
			continue;
		}
		fwrite(p + i, 1, n, out);
		i += n;
	}
	fputc('"', out);
}

void cli_base64(FILE *out, const unsigned char *data, size_t len)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				       "abcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i = 0;

	for (; i + 3 <= len; i += 3) {
		uint32_t v = (uint32_t)data[i] << 16 |
			     (uint32_t)data[i + 1] << 8 | data[i + 2];

		fputc(alphabet[v >> 18], out);
		fputc(alphabet[(v >> 12) & 63], out);
		fputc(alphabet[(v >> 6) & 63], out);
		fputc(alphabet[v & 63], out);
	}
	if (len - i == 1) {
		uint32_t v = (uint32_t)data[i] << 16;

		fputc(alphabet[v >> 18], out);
		fputc(alphabet[(v >> 12) & 63], out);
		fputs("==", out);
	} else if (len - i == 2) {
		uint32_t v = (uint32_t)data[i] << 16 | (uint32_t)data[i + 1]
							       << 8;

		fputc(alphabet[v >> 18], out);
		fputc(alphabet[(v >> 12) & 63], out);
		fputc(alphabet[(v >> 6) & 63], out);
		fputc('=', out);
	}
}

void cli_csv_field(FILE *out, const char *s, size_t len)
{
	int quote = len > 0 && (s[0] == ' ' || s[len - 1] == ' ');

	for (size_t i = 0; i < len && !quote; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r')
			quote = 1;
	if (!quote) {
		fwrite(s, 1, len, out);
		return;
	}
	fputc('"', out);
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"')
			fputc('"', out);
		fputc(s[i], out);
	}
	fputc('"', out);
}

int cli_text_path_needs_escape(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] == '\\' || s[i] == '\n' || s[i] == '\r')
			return 1;
	return 0;
}

void cli_text_path(FILE *out, const char *s, size_t len, int escape)
{
	if (!escape) {
		fwrite(s, 1, len, out);
		return;
	}
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\\')
			fputs("\\\\", out);
		else if (s[i] == '\n')
			fputs("\\n", out);
		else if (s[i] == '\r')
			fputs("\\r", out);
		else
			fputc(s[i], out);
	}
}

void cli_csv_text(FILE *out, const char *s)
{
	int quote;

	if (s == NULL)
		return;
	quote = strpbrk(s, ",\"\r\n") != NULL || s[0] == ' ';
	if (quote)
		fputc('"', out);
	if (s[0] != '\0' && strchr("=+-@\t\r", s[0]) != NULL)
		fputc('\'', out);
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			fputc('"', out);
		fputc(*p, out);
	}
	if (quote)
		fputc('"', out);
}

void cli_text_cell(FILE *out, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; p && *p; p++)
		fputc(*p < 0x20 || *p == 0x7f ? '?' : *p, out);
}
