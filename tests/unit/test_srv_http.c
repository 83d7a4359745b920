/* SPDX-License-Identifier: Apache-2.0 */
/* The server's HTTP layer: routing, limits, security headers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "httpc.h"
#include "srv.h"

static int echo_param(void *app, const srv_request *req, srv_response *res)
{
	char buf[256];
	const char *q = srv_query(req, "q");

	(void)app;
	snprintf(buf, sizeof(buf), "{\"item\":\"%s\",\"q\":\"%s\"}",
		 srv_param(req, 0), q ? q : "");
	return srv_reply_json(res, 200, buf);
}

static int echo_body(void *app, const srv_request *req, srv_response *res)
{
	size_t len;
	const char *body = srv_body(req, &len);

	(void)app;
	return srv_reply(res, 201, "text/plain", body, len);
}

static const srv_route routes[] = {
	{"GET", "/api/items/:hash", echo_param},
	{"POST", "/api/echo", echo_body},
};

static srv_daemon *start(size_t body_max)
{
	srv_config cfg;
	srv_daemon *d = NULL;
	const char *err = NULL;

	memset(&cfg, 0, sizeof(cfg));
	cfg.listen = "127.0.0.1:0";
	cfg.routes = routes;
	cfg.route_count = 2;
	nsw_limits_get(&cfg.limits);
	cfg.limits.http_body_max = body_max;
	assert_int_equal(srv_start(&d, &cfg, &err), 0);
	assert_true(srv_port(d) > 0);
	return d;
}

static void routes_capture_parameters(void **state)
{
	srv_daemon *d = start(1024);
	ts_http_reply r;

	(void)state;
	assert_int_equal(ts_http(&r, srv_port(d), "GET", "/api/items/abc?q=x",
				 NULL, NULL, 0),
			 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "{\"item\":\"abc\",\"q\":\"x\"}");
	ts_http_reply_free(&r);
	srv_stop(d);
}

static void unknown_path_is_404_and_wrong_method_405(void **state)
{
	srv_daemon *d = start(1024);
	ts_http_reply r;

	(void)state;
	assert_int_equal(
		ts_http(&r, srv_port(d), "GET", "/nope", NULL, NULL, 0), 0);
	assert_int_equal(r.status, 404);
	ts_http_reply_free(&r);
	assert_int_equal(
		ts_http(&r, srv_port(d), "GET", "/api/echo", NULL, NULL, 0), 0);
	assert_int_equal(r.status, 405);
	ts_http_reply_free(&r);
	srv_stop(d);
}

static void oversized_body_is_413(void **state)
{
	srv_daemon *d = start(64);
	char big[1000];
	ts_http_reply r;

	(void)state;
	memset(big, 'x', sizeof(big));
	assert_int_equal(ts_http(&r, srv_port(d), "POST", "/api/echo", NULL,
				 big, sizeof(big)),
			 0);
	assert_int_equal(r.status, 413);
	ts_http_reply_free(&r);
	assert_int_equal(
		ts_http(&r, srv_port(d), "POST", "/api/echo", NULL, "hi", 2),
		0);
	assert_int_equal(r.status, 201);
	assert_string_equal(r.body, "hi");
	ts_http_reply_free(&r);
	srv_stop(d);
}

static void every_response_forbids_caching_and_framing(void **state)
{
	srv_daemon *d = start(64);
	ts_http_reply r;
	char *cc, *xfo, *csp;

	(void)state;
	assert_int_equal(
		ts_http(&r, srv_port(d), "GET", "/nope", NULL, NULL, 0), 0);
	cc = ts_http_header(&r, "Cache-Control");
	xfo = ts_http_header(&r, "X-Frame-Options");
	csp = ts_http_header(&r, "Content-Security-Policy");
	assert_non_null(cc);
	assert_non_null(strstr(cc, "no-store"));
	assert_string_equal(xfo, "DENY");
	assert_non_null(strstr(csp, "frame-ancestors 'none'"));
	free(cc);
	free(xfo);
	free(csp);
	ts_http_reply_free(&r);
	srv_stop(d);
}

static void listen_address_is_validated(void **state)
{
	srv_config cfg;
	srv_daemon *d = NULL;
	const char *err = NULL;

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	nsw_limits_get(&cfg.limits);
	cfg.listen = "127.0.0.1";
	assert_int_equal(srv_start(&d, &cfg, &err), NSW_EINVAL);
	assert_non_null(err);
	cfg.listen = "999.0.0.1:80";
	assert_int_equal(srv_start(&d, &cfg, &err), NSW_EINVAL);
	assert_null(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(routes_capture_parameters),
		cmocka_unit_test(unknown_path_is_404_and_wrong_method_405),
		cmocka_unit_test(oversized_body_is_413),
		cmocka_unit_test(every_response_forbids_caching_and_framing),
		cmocka_unit_test(listen_address_is_validated),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
