/* SPDX-License-Identifier: Apache-2.0 */
/* A tiny blocking HTTP/1.1 client for server tests (loopback only). */
#ifndef NSW_TEST_HTTPC_H
#define NSW_TEST_HTTPC_H

#include <stddef.h>

typedef struct ts_http_reply {
	int status;    /* 0 when no reply could be read */
	char *headers; /* raw header block, malloc'd */
	char *body;    /* malloc'd, NUL-terminated */
	size_t body_len;
} ts_http_reply;

/*
 * Send one request to 127.0.0.1:port with `extra_headers` (each line ending
 * "\r\n", may be NULL) and `body` (may be NULL); read the reply until the
 * server closes (Connection: close). 0 on success.
 */
int ts_http(ts_http_reply *out, unsigned port, const char *method,
	    const char *path, const char *extra_headers, const char *body,
	    size_t body_len);

/* A header's value from a reply (case-insensitive name), malloc'd or NULL. */
char *ts_http_header(const ts_http_reply *reply, const char *name);

void ts_http_reply_free(ts_http_reply *reply);

#endif
