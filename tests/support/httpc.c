/* SPDX-License-Identifier: Apache-2.0 */
/* Tiny HTTP client for tests (see httpc.h). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "httpc.h"

static int send_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int ts_http(ts_http_reply *out, unsigned port, const char *method,
	    const char *path, const char *extra_headers, const char *body,
	    size_t body_len)
{
	struct sockaddr_in a;
	struct timeval tv = {10, 0};
	char head[8192];
	char *buf = NULL, *sep;
	size_t len = 0, cap = 0;
	int fd, n;

	memset(out, 0, sizeof(*out));
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((unsigned short)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0)
		goto fail;
	n = snprintf(head, sizeof(head),
		     "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
		     "Connection: close\r\nContent-Length: %zu\r\n%s\r\n",
		     method, path, port, body ? body_len : 0,
		     extra_headers ? extra_headers : "");
	if (n < 0 || (size_t)n >= sizeof(head) ||
	    send_all(fd, head, (size_t)n) != 0 ||
	    (body && send_all(fd, body, body_len) != 0))
		goto fail;
	for (;;) {
		ssize_t r;

		if (len + 4096 + 1 > cap) {
			char *p;

			cap = cap ? cap * 2 : 16384;
			p = realloc(buf, cap);
			if (p == NULL)
				goto fail;
			buf = p;
		}
		r = recv(fd, buf + len, cap - len - 1, 0);
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	fd = -1;
	if (buf == NULL)
		return -1;
	buf[len] = '\0';
	sep = strstr(buf, "\r\n\r\n");
	if (sep == NULL || strncmp(buf, "HTTP/1.", 7) != 0)
		goto fail;
	out->status = (int)strtol(buf + 9, NULL, 10);
	out->headers = strndup(buf, (size_t)(sep - buf));
	out->body_len = len - (size_t)(sep + 4 - buf);
	out->body = malloc(out->body_len + 1);
	if (out->body == NULL || out->headers == NULL)
		goto fail;
	memcpy(out->body, sep + 4, out->body_len);
	out->body[out->body_len] = '\0';
	free(buf);
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	free(buf);
	ts_http_reply_free(out);
	return -1;
}

char *ts_http_header(const ts_http_reply *reply, const char *name)
{
	size_t nl = strlen(name);

	for (const char *line = reply->headers; line && *line;) {
		const char *end = strstr(line, "\r\n");
		size_t ll = end ? (size_t)(end - line) : strlen(line);

		if (ll > nl + 1 && strncasecmp(line, name, nl) == 0 &&
		    line[nl] == ':') {
			const char *v = line + nl + 1;

			while (*v == ' ')
				v++;
			return strndup(v, ll - (size_t)(v - line));
		}
		line = end ? end + 2 : NULL;
	}
	return NULL;
}

void ts_http_reply_free(ts_http_reply *reply)
{
	free(reply->headers);
	free(reply->body);
	memset(reply, 0, sizeof(*reply));
}
