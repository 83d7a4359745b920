/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The HTTP layer over libmicrohttpd (the only file that includes it):
 * bounded request bodies, per-address connection limits and timeouts from
 * the limits header, pattern routes, and the security headers every
 * response carries (nothing is cached, nothing is framed, no inline code).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "srv.h"

struct srv_request {
	struct MHD_Connection *conn;
	const char *method;
	const char *path;
	char *params[SRV_PARAMS_MAX];
	size_t param_count;
	char *body;
	size_t body_len;
	size_t body_cap;
	int too_big;
	char client[INET6_ADDRSTRLEN];
};

struct srv_daemon {
	struct MHD_Daemon *mhd;
	srv_config config;
	unsigned port;
};

const char *srv_method(const srv_request *req)
{
	return req->method;
}

const char *srv_path(const srv_request *req)
{
	return req->path;
}

const char *srv_param(const srv_request *req, size_t i)
{
	return i < req->param_count ? req->params[i] : NULL;
}

const char *srv_query(const srv_request *req, const char *key)
{
	return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND,
					   key);
}

const char *srv_header(const srv_request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *srv_cookie(const srv_request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, name);
}

const char *srv_body(const srv_request *req, size_t *len)
{
	if (len)
		*len = req->body_len;
	return req->body ? req->body : "";
}

const char *srv_client(const srv_request *req)
{
	return req->client;
}

int srv_reply(srv_response *res, int status, const char *content_type,
	      const void *body, size_t len)
{
	char *copy = malloc(len ? len : 1);

	if (copy == NULL)
		return -1;
	if (len)
		memcpy(copy, body, len);
	free(res->body);
	res->status = status;
	res->content_type = content_type;
	res->body = copy;
	res->len = len;
	return 0;
}

int srv_reply_json(srv_response *res, int status, const char *json)
{
	return srv_reply(res, status, "application/json; charset=utf-8", json,
			 strlen(json));
}

int srv_reply_error(srv_response *res, int status, const char *message)
{
	char buf[512];
	size_t n = 0;

	/* The message is ours and client-safe; escape it all the same. */
	n += (size_t)snprintf(buf, sizeof(buf), "{\"error\":\"");
	for (const char *p = message; *p && n + 8 < sizeof(buf); p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '"' || c == '\\') {
			buf[n++] = '\\';
			buf[n++] = (char)c;
		} else if (c < 0x20) {
			n += (size_t)snprintf(buf + n, sizeof(buf) - n,
					      "\\u%04x", c);
		} else {
			buf[n++] = (char)c;
		}
	}
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "\"}");
	return srv_reply(res, status, "application/json; charset=utf-8", buf,
			 n);
}

int srv_status_for(int code)
{
	switch (code) {
	case NSW_EINVAL:
	case NSW_EFORMAT:
		return 400;
	case NSW_ELIMIT:
		return 413;
	case NSW_ENOTFOUND:
		return 404;
	default:
		return 500;
	}
}

int srv_add_header(srv_response *res, const char *name, const char *value)
{
	char *copy;

	if (res->header_count >= SRV_HEADERS_MAX)
		return -1;
	copy = strdup(value);
	if (copy == NULL)
		return -1;
	res->header_names[res->header_count] = name;
	res->header_values[res->header_count++] = copy;
	return 0;
}

static void response_dispose(srv_response *res)
{
	free(res->body);
	for (size_t i = 0; i < res->header_count; i++)
		free(res->header_values[i]);
	memset(res, 0, sizeof(*res));
}

/* Match `path` against `pattern`, capturing ":name" segments. */
static int route_matches(srv_request *req, const char *pattern,
			 const char *path)
{
	const char *p = pattern, *s = path;

	req->param_count = 0;
	while (*p && *s) {
		if (*p == '*' && p[1] == '\0')
			return 1;
		if (*p == ':') {
			const char *end = strchr(s, '/');
			size_t n = end ? (size_t)(end - s) : strlen(s);

			if (n == 0 || req->param_count >= SRV_PARAMS_MAX)
				return 0;
			req->params[req->param_count] = strndup(s, n);
			if (req->params[req->param_count] == NULL)
				return 0;
			req->param_count++;
			s += n;
			while (*p && *p != '/')
				p++;
			continue;
		}
		if (*p != *s)
			return 0;
		p++;
		s++;
	}
	return *p == *s || (*p == '*' && p[1] == '\0');
}

static void params_free(srv_request *req)
{
	for (size_t i = 0; i < req->param_count; i++)
		free(req->params[i]);
	req->param_count = 0;
}

static void dispatch(srv_daemon *d, srv_request *req, srv_response *res)
{
	int path_known = 0;

	for (size_t i = 0; i < d->config.route_count; i++) {
		const srv_route *r = &d->config.routes[i];

		if (!route_matches(req, r->pattern, req->path)) {
			params_free(req);
			continue;
		}
		path_known = 1;
		if (strcmp(r->method, req->method) != 0) {
			params_free(req);
			continue;
		}
		if (r->handler(d->config.app, req, res) < 0 || res->status == 0)
			srv_reply_error(res, 500, "internal error");
		params_free(req);
		return;
	}
	if (path_known)
		srv_reply_error(res, 405, "method not allowed");
	else
		srv_reply_error(res, 404, "not found");
}

static enum MHD_Result queue(struct MHD_Connection *conn, srv_response *res)
{
	struct MHD_Response *r;
	enum MHD_Result ok;

	if (res->body == NULL && srv_reply(res, res->status ? res->status : 500,
					   "text/plain", "", 0) < 0)
		return MHD_NO;
	r = MHD_create_response_from_buffer(res->len, res->body,
					    MHD_RESPMEM_MUST_FREE);
	if (r == NULL)
		return MHD_NO;
	res->body = NULL; /* MHD frees it */
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
				res->content_type ? res->content_type
						  : "text/plain");
	/* Suspect data must not linger in caches or be framed elsewhere. */
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL,
				"no-store, max-age=0");
	MHD_add_response_header(r, "Pragma", "no-cache");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(
		r, "Content-Security-Policy",
		"default-src 'self'; img-src 'self' blob:; "
		"style-src 'self'; script-src 'self'; frame-ancestors 'none'; "
		"form-action 'self'; base-uri 'none'");
	for (size_t i = 0; i < res->header_count; i++)
		MHD_add_response_header(r, res->header_names[i],
					res->header_values[i]);
	ok = MHD_queue_response(conn, (unsigned)res->status, r);
	MHD_destroy_response(r);
	return ok;
}

static void client_address(srv_request *req)
{
	const union MHD_ConnectionInfo *info = MHD_get_connection_info(
		req->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = info ? info->client_addr : NULL;

	req->client[0] = '\0';
	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
			  req->client, sizeof(req->client));
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6,
			  &((const struct sockaddr_in6 *)sa)->sin6_addr,
			  req->client, sizeof(req->client));
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *conn,
				 const char *url, const char *method,
				 const char *version, const char *upload,
				 size_t *upload_size, void **con_cls)
{
	srv_daemon *d = cls;
	srv_request *req = *con_cls;
	srv_response res;
	enum MHD_Result ok;

	(void)version;
	if (req == NULL) {
		req = calloc(1, sizeof(*req));
		if (req == NULL)
			return MHD_NO;
		req->conn = conn;
		req->method = method;
		req->path = url;
		client_address(req);
		*con_cls = req;
		return MHD_YES;
	}
	if (*upload_size > 0) {
		size_t n = *upload_size;

		*upload_size = 0;
		if (req->too_big ||
		    n > d->config.limits.http_body_max - req->body_len) {
			req->too_big = 1; /* drain, answer 413 at the end */
			return MHD_YES;
		}
		if (req->body_len + n + 1 > req->body_cap) {
			size_t cap = req->body_len + n + 1;
			char *p;

			cap = cap < 4096 ? 4096 : cap * 2;
			if (cap > d->config.limits.http_body_max + 1)
				cap = d->config.limits.http_body_max + 1;
			p = realloc(req->body, cap);
			if (p == NULL)
				return MHD_NO;
			req->body = p;
			req->body_cap = cap;
		}
		memcpy(req->body + req->body_len, upload, n);
		req->body_len += n;
		req->body[req->body_len] = '\0';
		return MHD_YES;
	}
	memset(&res, 0, sizeof(res));
	if (req->too_big)
		srv_reply_error(&res, 413, "request body too large");
	else
		dispatch(d, req, &res);
	ok = queue(conn, &res);
	response_dispose(&res);
	return ok;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode why)
{
	srv_request *req = *con_cls;

	(void)cls;
	(void)conn;
	(void)why;
	if (req == NULL)
		return;
	params_free(req);
	free(req->body);
	free(req);
	*con_cls = NULL;
}

/* "127.0.0.1:8080", "[::1]:8080", "localhost:8080" (loopback). */
static int parse_listen(const char *listen, struct sockaddr_storage *ss,
			socklen_t *len)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon = strrchr(listen, ':');
	unsigned long port;
	char *end = NULL;
	size_t hl;

	if (colon == NULL)
		return -1;
	hl = (size_t)(colon - listen);
	if (hl >= sizeof(host))
		return -1;
	memcpy(host, listen, hl);
	host[hl] = '\0';
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (errno || end == colon + 1 || *end || port > 65535)
		return -1;
	memset(ss, 0, sizeof(*ss));
	if (strcmp(host, "localhost") == 0)
		memcpy(host, "127.0.0.1", 10);
	if (host[0] == '[' && hl > 2 && host[hl - 1] == ']') {
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;

		host[hl - 1] = '\0';
		if (inet_pton(AF_INET6, host + 1, &a6->sin6_addr) != 1)
			return -1;
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		*len = sizeof(*a6);
		return AF_INET6;
	} else {
		struct sockaddr_in *a4 = (struct sockaddr_in *)ss;

		if (inet_pton(AF_INET, host, &a4->sin_addr) != 1)
			return -1;
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		*len = sizeof(*a4);
		return AF_INET;
	}
}

int srv_start(srv_daemon **out, const srv_config *config, const char **errmsg)
{
	struct sockaddr_storage ss;
	socklen_t sslen = 0;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL;
	srv_daemon *d;
	const union MHD_DaemonInfo *info;
	int family;

	*out = NULL;
	*errmsg = NULL;
	family = parse_listen(config->listen, &ss, &sslen);
	if (family < 0) {
		*errmsg = "--listen must be ADDRESS:PORT (e.g. 127.0.0.1:8080)";
		return NSW_EINVAL;
	}
	if (family == AF_INET6)
		flags |= MHD_USE_IPv6;
	d = calloc(1, sizeof(*d));
	if (d == NULL)
		return NSW_ENOMEM;
	d->config = *config;
	d->mhd = MHD_start_daemon(
		flags, 0, NULL, NULL, on_access, d, MHD_OPTION_SOCK_ADDR,
		(struct sockaddr *)&ss, MHD_OPTION_THREAD_POOL_SIZE,
		config->limits.http_threads, MHD_OPTION_CONNECTION_LIMIT,
		config->limits.http_connections_max,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT,
		config->limits.http_connections_per_ip,
		MHD_OPTION_CONNECTION_TIMEOUT,
		config->limits.http_timeout_seconds,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT,
		config->limits.http_connection_memory,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, d, MHD_OPTION_END);
	if (d->mhd == NULL) {
		free(d);
		*errmsg = "cannot listen there (address in use or not local?)";
		return NSW_EIO;
	}
	info = MHD_get_daemon_info(d->mhd, MHD_DAEMON_INFO_BIND_PORT);
	d->port = info ? info->port : 0;
	*out = d;
	return 0;
}

unsigned srv_port(const srv_daemon *d)
{
	return d->port;
}

void srv_stop(srv_daemon *d)
{
	if (d == NULL)
		return;
	MHD_stop_daemon(d->mhd);
	free(d);
}
