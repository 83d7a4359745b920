/* SPDX-License-Identifier: Apache-2.0 */
/* The analyst server's HTTP layer: requests, responses, routes. The one
 * file that includes microhttpd.h is srv_http.c. */
#ifndef NSW_SRV_H
#define NSW_SRV_H

#include <stddef.h>
#include <stdint.h>

#include "netsweep/netsweep.h"

typedef struct srv_request srv_request;
typedef struct srv_daemon srv_daemon;

/* Most path parameters one route pattern may capture. */
#define SRV_PARAMS_MAX 4
/* Extra response headers (Set-Cookie and the like). */
#define SRV_HEADERS_MAX 6

typedef struct srv_response {
	int status;
	const char *content_type; /* static string */
	char *body;		  /* owned (malloc), may be NULL */
	size_t len;
	const char *header_names[SRV_HEADERS_MAX]; /* static strings */
	char *header_values[SRV_HEADERS_MAX];	   /* owned */
	size_t header_count;
} srv_response;

typedef int (*srv_handler)(void *app, const srv_request *req,
			   srv_response *res);

typedef struct srv_route {
	const char *method;  /* "GET", "POST", ... */
	const char *pattern; /* "/api/items/:hash"; a trailing "*" matches
				any rest of the path */
	srv_handler handler;
} srv_route;

/* What the request carries; all borrowed for the handler call. */
const char *srv_method(const srv_request *req);
const char *srv_path(const srv_request *req);
/* The i-th ":param" of the matched pattern, percent-decoded. */
const char *srv_param(const srv_request *req, size_t i);
/* A query-string argument, or NULL. */
const char *srv_query(const srv_request *req, const char *key);
/* A request header, or NULL. */
const char *srv_header(const srv_request *req, const char *name);
/* A cookie value, or NULL. */
const char *srv_cookie(const srv_request *req, const char *name);
/* The body (NUL-terminated copy) and its length. */
const char *srv_body(const srv_request *req, size_t *len);
/* The peer's address as text ("127.0.0.1"). */
const char *srv_client(const srv_request *req);

/* Response helpers: set status and a copied body; 0 or -1 (out of
 * memory, in which case the layer answers 500). */
int srv_reply(srv_response *res, int status, const char *content_type,
	      const void *body, size_t len);
int srv_reply_json(srv_response *res, int status, const char *json);
/* {"error": message} with the status for an NSW_E* code (EINVAL/EFORMAT
 * 400, ELIMIT 413, ENOTFOUND 404, else 500). Messages never carry paths or
 * SQL: the caller passes a client-safe message. */
int srv_reply_error(srv_response *res, int status, const char *message);
int srv_status_for(int nsw_code);
int srv_add_header(srv_response *res, const char *name, const char *value);

typedef struct srv_config {
	const char *listen; /* "127.0.0.1:8080" or "[::1]:8080" */
	const srv_route *routes;
	size_t route_count;
	void *app;
	nsw_limits limits;
} srv_config;

/* Start serving on a thread pool; `*out` owned, stop with srv_stop(). The
 * port actually bound is srv_port() (listen on port 0 for tests). Returns
 * 0 or an NSW_E* with nsw-style message in *errmsg (static or NULL). */
int srv_start(srv_daemon **out, const srv_config *config, const char **errmsg);
unsigned srv_port(const srv_daemon *d);
void srv_stop(srv_daemon *d);

#endif
