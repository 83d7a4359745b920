/* SPDX-License-Identifier: Apache-2.0 */
/*
 * JSON for the server: request bodies parsed with jansson (the one server
 * file that includes jansson.h; its error texts never reach clients) and a
 * small capped writer for responses.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "srv_app.h"

void srv_out_init(srv_out *o, size_t max)
{
	memset(o, 0, sizeof(*o));
	o->max = max;
}

static int reserve(srv_out *o, size_t more)
{
	size_t cap;
	char *p;

	if (o->failed)
		return -1;
	if (more > o->max || o->len + more + 1 > o->max) {
		o->failed = 413;
		return -1;
	}
	if (o->len + more + 1 <= o->cap)
		return 0;
	cap = o->cap ? o->cap : 4096;
	while (cap < o->len + more + 1)
		cap *= 2;
	if (cap > o->max)
		cap = o->max;
	p = realloc(o->p, cap);
	if (p == NULL) {
		o->failed = 500;
		return -1;
	}
	o->p = p;
	o->cap = cap;
	return 0;
}

static void put(srv_out *o, const char *s, size_t n)
{
	if (reserve(o, n) < 0)
		return;
	memcpy(o->p + o->len, s, n);
	o->len += n;
	o->p[o->len] = '\0';
}

void srv_out_raw(srv_out *o, const char *s)
{
	put(o, s, strlen(s));
}

void srv_out_printf(srv_out *o, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf)) {
		o->failed = 500;
		return;
	}
	put(o, buf, (size_t)n);
}

/* Length of a valid UTF-8 sequence at p (1..4), or 0. */
static size_t utf8_len(const unsigned char *p)
{
	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		return (p[1] & 0xc0) == 0x80 ? 2 : 0;
	if (p[0] >= 0xe0 && p[0] <= 0xef) {
		if ((p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80)
			return 0;
		if ((p[0] == 0xe0 && p[1] < 0xa0) ||
		    (p[0] == 0xed && p[1] > 0x9f))
			return 0;
		return 3;
	}
	if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		if ((p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80 ||
		    (p[3] & 0xc0) != 0x80)
			return 0;
		if ((p[0] == 0xf0 && p[1] < 0x90) ||
		    (p[0] == 0xf4 && p[1] > 0x8f))
			return 0;
		return 4;
	}
	return 0;
}

void srv_out_str(srv_out *o, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (s == NULL) {
		srv_out_raw(o, "null");
		return;
	}
	put(o, "\"", 1);
	while (*p && !o->failed) {
		size_t n = utf8_len(p);

		if (*p == '"' || *p == '\\') {
			char e[2] = {'\\', (char)*p};

			put(o, e, 2);
		} else if (*p < 0x20 || *p == 0x7f || *p == '<' || *p == '>' ||
			   *p == '&') {
			/* Escaped so no JSON text can become markup. */
			srv_out_printf(o, "\\u%04x", *p);
		} else if (n == 0) {
			put(o, "\\ufffd", 6);
			p++;
			continue;
		} else {
			put(o, (const char *)p, n);
			p += n;
			continue;
		}
		p++;
	}
	put(o, "\"", 1);
}

void srv_out_sep(srv_out *o)
{
	if (!o->failed && o->len && o->p[o->len - 1] != '[')
		put(o, ",", 1);
}

void srv_out_hex(srv_out *o, const uint8_t *b, size_t n)
{
	static const char hex[] = "0123456789abcdef";

	put(o, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		char h[2] = {hex[b[i] >> 4], hex[b[i] & 15]};

		put(o, h, 2);
	}
	put(o, "\"", 1);
}

int srv_out_reply(srv_out *o, srv_response *res, int status)
{
	int rc;

	if (o->failed == 413)
		rc = srv_reply_error(res, 413,
				     "result too large: narrow the filter");
	else if (o->failed || o->p == NULL)
		rc = srv_reply_error(res, 500, "internal error");
	else
		rc = srv_reply_json(res, status, o->p);
	srv_out_free(o);
	return rc;
}

void srv_out_free(srv_out *o)
{
	free(o->p);
	memset(o, 0, sizeof(*o));
}

int srv_json_strings(const char *body, size_t len, const char *const *keys,
		     char **vals, size_t n)
{
	json_error_t err;
	json_t *root;
	int rc = 0;

	for (size_t i = 0; i < n; i++)
		vals[i] = NULL;
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &err);
	if (root == NULL || !json_is_object(root)) {
		json_decref(root);
		return -1;
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
		json_t *v = json_object_get(root, keys[i]);

		if (v == NULL || json_is_null(v))
			continue;
		if (!json_is_string(v)) {
			rc = -1;
			break;
		}
		vals[i] = strdup(json_string_value(v));
		if (vals[i] == NULL)
			rc = -1;
	}
	json_decref(root);
	if (rc != 0)
		for (size_t i = 0; i < n; i++) {
			free(vals[i]);
			vals[i] = NULL;
		}
	return rc;
}
