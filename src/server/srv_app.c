/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The workspace's front door: the pool of case handles (one per HTTP
 * worker, each request holds one from start to end), login/logout/me, the guard
 * every API route passes through (session cookie, role, CSRF token and Origin
 * on state changes), the route table and the embedded UI files.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "srv_app.h"

/* Close every handle of the pool and forget them. */
static void close_handles(srv_app *app)
{
	for (size_t i = 0; i < app->handle_count; i++)
		nsw_case_close(app->handles[i]);
	free(app->handles);
	free(app->idle);
	app->handles = app->idle = NULL;
	app->handle_count = app->idle_count = 0;
}

int srv_app_open(srv_app *app, const char *case_path, unsigned handles)
{
	pthread_condattr_t ca;
	int rc = NSW_OK;

	memset(app, 0, sizeof(*app));
	app->session_ttl_s = SRV_SESSION_TTL_S;
	app->wait_ms = SRV_CASE_WAIT_MS;
	if (handles == 0 || handles > SRV_CASE_HANDLES_MAX)
		return NSW_EINVAL;
	app->handles = calloc(handles, sizeof(*app->handles));
	app->idle = calloc(handles, sizeof(*app->idle));
	if (app->handles == NULL || app->idle == NULL) {
		rc = NSW_ENOMEM;
		goto done;
	}
	/* One after the other: the first open migrates an old case, the
	 * others find it current. */
	for (unsigned i = 0; i < handles; i++) {
		rc = nsw_case_open(&app->handles[i], case_path, 0);
		if (rc != NSW_OK)
			goto done;
		app->idle[i] = app->handles[i];
		app->handle_count = app->idle_count = i + 1;
	}
	/* Waits are measured on the monotonic clock (a wall-clock step
	 * must not stretch or cut them). */
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&app->pool_free, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_init(&app->pool_lock, NULL);
	pthread_mutex_init(&app->refer_lock, NULL);
done:
	if (rc != NSW_OK)
		close_handles(app);
	return rc;
}

void srv_app_close(srv_app *app)
{
	if (app->handles == NULL)
		return;
	close_handles(app);
	pthread_cond_destroy(&app->pool_free);
	pthread_mutex_destroy(&app->pool_lock);
	pthread_mutex_destroy(&app->refer_lock);
}

int srv_app_take(srv_app *app, nsw_case **out)
{
	struct timespec until;
	int rc = 0;

	*out = NULL;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += (time_t)(app->wait_ms / 1000);
	until.tv_nsec += (long)(app->wait_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&app->pool_lock);
	while (app->idle_count == 0 && rc == 0)
		rc = pthread_cond_timedwait(&app->pool_free, &app->pool_lock,
					    &until);
	/* A handle may have come back just as the wait timed out. */
	if (app->idle_count > 0)
		*out = app->idle[--app->idle_count];
	pthread_mutex_unlock(&app->pool_lock);
	return *out != NULL ? NSW_OK : NSW_ELIMIT;
}

void srv_app_give(srv_app *app, nsw_case *c)
{
	if (c == NULL)
		return;
	/* Nothing of this request may reach the next one on this handle:
	 * not its user as the actor of library audit entries, not an open
	 * transaction (which would also hold the write lock). Should the
	 * reset fail (out of memory) the old name stays, which is harmless:
	 * guarded() sets the actor before every route's body. */
	nsw_case_rollback(c);
	(void)nsw_case_set_actor(c, nsw_case_get_meta(c)->examiner);
	pthread_mutex_lock(&app->pool_lock);
	app->idle[app->idle_count++] = c;
	pthread_cond_signal(&app->pool_free);
	pthread_mutex_unlock(&app->pool_lock);
}

int srv_audit(srv_ctx *x, const char *action, const char *detail_json)
{
	int rc = nsw_case_set_actor(x->c, x->who.username);

	return rc ? rc : nsw_case_audit_append(x->c, action, detail_json);
}

/* The Origin header, when a browser sends one, must name this server. */
static int origin_ok(const srv_request *req)
{
	const char *origin = srv_header(req, "Origin");
	const char *host = srv_header(req, "Host");
	char want[300];

	if (origin == NULL)
		return 1;
	if (host == NULL)
		return 0;
	snprintf(want, sizeof(want), "http://%s", host);
	return strcmp(origin, want) == 0;
}

static int is_state_change(const srv_request *req)
{
	const char *m = srv_method(req);

	return strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0;
}

typedef int (*srv_body_fn)(srv_ctx *x);

static int guarded(void *app_v, const srv_request *req, srv_response *res,
		   unsigned roles, srv_body_fn fn)
{
	srv_app *app = app_v;
	srv_ctx x;
	const char *csrf;
	int rc;

	memset(&x, 0, sizeof(x));
	x.app = app;
	x.req = req;
	x.res = res;
	x.token = srv_cookie(req, SRV_COOKIE);
	if (x.token == NULL)
		return srv_reply_error(res, 401, "login required");
	if (srv_app_take(app, &x.c) != NSW_OK)
		return srv_reply_error(res, 503, "server busy, try again");
	rc = nsw_auth_session(x.c, &x.who, x.token);
	if (rc != NSW_OK) {
		rc = srv_reply_error(res, rc == NSW_ENOTFOUND ? 401 : 500,
				     rc == NSW_ENOTFOUND ? "login required"
							 : "internal error");
		goto done;
	}
	if (is_state_change(req)) {
		csrf = srv_header(req, "X-CSRF-Token");
		if (csrf == NULL ||
		    strlen(x.who.csrf) != NSW_SESSION_TOKEN_HEX ||
		    strlen(csrf) != NSW_SESSION_TOKEN_HEX ||
		    !nsw_const_equal(csrf, x.who.csrf, strlen(csrf)) ||
		    !origin_ok(req)) {
			rc = srv_reply_error(res, 403,
					     "bad CSRF token or origin");
			goto done;
		}
	}
	if (!(roles & (1u << x.who.role))) {
		rc = srv_reply_error(res, 403, "your role may not do this");
		goto done;
	}
	/* Whatever the library audits during the call is the user's act. */
	if (nsw_case_set_actor(x.c, x.who.username) != NSW_OK) {
		rc = srv_reply_error(res, 500, "internal error");
		goto done;
	}
	if (app->on_handle != NULL)
		app->on_handle(app->on_handle_ctx, x.c);
	rc = fn(&x);
done:
	srv_app_give(app, x.c);
	return rc;
}

static void user_json(srv_out *o, const nsw_auth_user *who)
{
	srv_out_raw(o, "{\"username\":");
	srv_out_str(o, who->username);
	srv_out_raw(o, ",\"display_name\":");
	srv_out_str(o, who->display_name);
	srv_out_printf(o, ",\"role\":\"%s\",\"csrf\":\"%s\",\"expires_utc\":",
		       nsw_role_name(who->role), who->csrf);
	srv_out_str(o, who->expires_utc);
	srv_out_raw(o, "}");
}

static int h_login(void *app_v, const srv_request *req, srv_response *res)
{
	static const char *const keys[] = {"username", "password"};
	srv_app *app = app_v;
	char *vals[2] = {NULL, NULL};
	char token[NSW_SESSION_TOKEN_HEX + 1];
	char cookie[160];
	const char *ct = srv_header(req, "Content-Type");
	nsw_auth_user who;
	nsw_case *c = NULL;
	srv_out o;
	size_t len;
	const char *body = srv_body(req, &len);
	int rc;

	/* A JSON content type makes a cross-site form post impossible
	 * without a CORS preflight, which this server never grants. */
	if (ct == NULL || strncmp(ct, "application/json", 16) != 0)
		return srv_reply_error(res, 415, "send application/json");
	if (!origin_ok(req))
		return srv_reply_error(res, 403, "bad origin");
	if (srv_json_strings(body, len, keys, vals, 2) != 0)
		return srv_reply_error(res, 400, "malformed JSON");
	if (vals[0] == NULL || vals[1] == NULL) {
		rc = srv_reply_error(res, 400, "username and password needed");
		goto done;
	}
	if (srv_app_take(app, &c) != NSW_OK) {
		rc = srv_reply_error(res, 503, "server busy, try again");
		goto done;
	}
	rc = nsw_auth_login(c, token, &who, vals[0], vals[1], srv_client(req),
			    app->session_ttl_s);
	srv_app_give(app, c);
	if (rc == NSW_ENOTFOUND) {
		/* Slow down guessing: this worker answers a second later
		 * (its case handle is back in the pool; connections per
		 * address are limited, so one client cannot take every
		 * worker). */
		sleep(SRV_LOGIN_FAIL_DELAY_S);
		rc = srv_reply_error(res, 401, "wrong user name or password");
		goto done;
	}
	if (rc != NSW_OK) {
		rc = srv_reply_error(res, rc == NSW_EINVAL ? 400 : 500,
				     rc == NSW_EINVAL ? "bad login request"
						      : "internal error");
		goto done;
	}
	snprintf(cookie, sizeof(cookie),
		 "%s=%s; HttpOnly; SameSite=Strict; Path=/; Max-Age=%lld",
		 SRV_COOKIE, token, (long long)app->session_ttl_s);
	srv_out_init(&o, 4096);
	user_json(&o, &who);
	rc = srv_add_header(res, "Set-Cookie", cookie);
	rc = rc ? rc : srv_out_reply(&o, res, 200);
	srv_out_free(&o);
	memset(token, 0, sizeof(token));
done:
	free(vals[0]);
	if (vals[1]) {
		memset(vals[1], 0, strlen(vals[1]));
		free(vals[1]);
	}
	return rc;
}

static int b_me(srv_ctx *x)
{
	srv_out o;

	srv_out_init(&o, 4096);
	user_json(&o, &x->who);
	return srv_out_reply(&o, x->res, 200);
}

static int b_logout(srv_ctx *x)
{
	int rc = nsw_auth_logout(x->c, x->token);

	if (rc != NSW_OK)
		return srv_reply_error(x->res, 500, "internal error");
	rc = srv_add_header(x->res, "Set-Cookie",
			    SRV_COOKIE "=; HttpOnly; SameSite=Strict; Path=/; "
				       "Max-Age=0");
	return rc ? rc : srv_reply_json(x->res, 200, "{\"ok\":true}");
}

#define GUARD(name, roles, body)                                        \
	static int name(void *a, const srv_request *q, srv_response *r) \
	{                                                               \
		return guarded(a, q, r, roles, body);                   \
	}

GUARD(g_me, SRV_R_ANY, b_me)
GUARD(g_logout, SRV_R_ANY, b_logout)
GUARD(g_overview, SRV_R_ANY, srv_h_overview)
GUARD(g_lists, SRV_R_CASE, srv_h_lists)
GUARD(g_evidence, SRV_R_CASE, srv_h_evidence)
GUARD(g_hits, SRV_R_CASE, srv_h_hits)
GUARD(g_file, SRV_R_CASE, srv_h_file)
GUARD(g_attrib, SRV_R_CASE, srv_h_attribution)
GUARD(g_audit, SRV_R_AUDITOR | SRV_R_REVIEWER, srv_h_audit)
GUARD(g_audit_verify, SRV_R_AUDITOR | SRV_R_REVIEWER, srv_h_audit_verify)
GUARD(g_reveal, SRV_R_REVIEWER, srv_h_reveal)
GUARD(g_suspects, SRV_R_CASE, srv_h_suspects)
GUARD(g_suspect, SRV_R_CASE, srv_h_suspect)
GUARD(g_chats, SRV_R_CASE, srv_h_chats)
GUARD(g_chat_messages, SRV_R_CASE, srv_h_chat_messages)
GUARD(g_spread, SRV_R_CASE, srv_h_spread)
GUARD(g_graph, SRV_R_CASE, srv_h_graph)
GUARD(g_links, SRV_R_CASE, srv_h_links)
GUARD(g_referral, SRV_R_CASE, srv_h_referral)

/* Static UI: "/" is index.html, "/ui/<name>" the embedded files. */
static int h_ui(void *app, const srv_request *req, srv_response *res)
{
	const char *path = srv_path(req);
	const char *name = strcmp(path, "/") == 0 ? "index.html" : path + 4;
	const char *ct = NULL;
	size_t len = 0;
	const unsigned char *data = srv_ui_file(name, &len, &ct);

	(void)app;
	if (data == NULL)
		return srv_reply_error(res, 404, "not found");
	return srv_reply(res, 200, ct, data, len);
}

static const srv_route routes[] = {
	{"POST", "/api/login", h_login},
	{"POST", "/api/logout", g_logout},
	{"GET", "/api/me", g_me},
	{"GET", "/api/overview", g_overview},
	{"GET", "/api/lists", g_lists},
	{"GET", "/api/evidence", g_evidence},
	{"GET", "/api/hits", g_hits},
	{"GET", "/api/files/:id", g_file},
	{"POST", "/api/files/:id/reveal", g_reveal},
	{"GET", "/api/attribution", g_attrib},
	{"GET", "/api/audit", g_audit},
	{"GET", "/api/audit/verify", g_audit_verify},
	{"GET", "/api/accounts", g_attrib},
	{"GET", "/api/suspects", g_suspects},
	{"GET", "/api/suspects/:account", g_suspect},
	{"GET", "/api/chats", g_chats},
	{"GET", "/api/chats/:id/messages", g_chat_messages},
	{"GET", "/api/items/:hash/spread", g_spread},
	{"GET", "/api/graph", g_graph},
	{"GET", "/api/links", g_links},
	{"POST", "/api/referrals/:country", g_referral},
	{"GET", "/", h_ui},
	{"GET", "/ui/*", h_ui},
};

const srv_route *srv_app_routes(size_t *count)
{
	*count = sizeof(routes) / sizeof(routes[0]);
	return routes;
}
