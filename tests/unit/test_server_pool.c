/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The server's pool of case handles: two requests hold two handles at the
 * same time (shown with the test hook, not with timings), a handle comes
 * back without the previous request's actor or transaction, a take on an
 * exhausted pool gives up after its bounded wait, and views made in
 * parallel leave a valid audit chain.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "support.h"
#include "httpc.h"
#include "srv_app.h"

#define PW "correct horse battery"
/* How long the hook waits for the second request before giving up: only
 * reached when requests are serialised (the test then fails). Below the
 * test client's 10 s read timeout, so the held request still answers. */
#define OVERLAP_WAIT_S 8

struct fx {
	char *dir;
	char *case_path;
	srv_app app;
	srv_daemon *d;
	unsigned port;
	char cookie[200];
};

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	nsw_case *c = NULL;
	srv_config cfg;
	const char *err = NULL;

	assert_non_null(fx);
	fx->dir = ts_tmpdir();
	fx->case_path = ts_path(fx->dir, "case.nsdb");
	assert_int_equal(nsw_case_create(&c, fx->case_path, "P-1", "ex"), 0);
	assert_int_equal(nsw_user_add(c, "ana", NULL, NSW_ROLE_ANALYST, PW), 0);
	nsw_case_close(c);
	memset(&cfg, 0, sizeof(cfg));
	nsw_limits_get(&cfg.limits);
	/* At least two workers (and so two handles) whatever the default. */
	if (cfg.limits.http_threads < 2)
		cfg.limits.http_threads = 2;
	assert_int_equal(
		srv_app_open(&fx->app, fx->case_path, cfg.limits.http_threads),
		0);
	cfg.listen = "127.0.0.1:0";
	cfg.routes = srv_app_routes(&cfg.route_count);
	cfg.app = &fx->app;
	assert_int_equal(srv_start(&fx->d, &cfg, &err), 0);
	fx->port = srv_port(fx->d);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;

	srv_stop(fx->d);
	srv_app_close(&fx->app);
	ts_tmpdir_remove(fx->dir);
	free(fx->case_path);
	free(fx);
	return 0;
}

static void login(struct fx *fx)
{
	static const char body[] =
		"{\"username\":\"ana\",\"password\":\"" PW "\"}";
	ts_http_reply r;
	char *sc;

	assert_int_equal(ts_http(&r, fx->port, "POST", "/api/login",
				 "Content-Type: application/json\r\n", body,
				 strlen(body)),
			 0);
	assert_int_equal(r.status, 200);
	sc = ts_http_header(&r, "Set-Cookie");
	assert_non_null(sc);
	snprintf(fx->cookie, sizeof(fx->cookie), "Cookie: %.*s\r\n",
		 (int)strcspn(sc, ";"), sc);
	free(sc);
	ts_http_reply_free(&r);
}

static int status_of_me(struct fx *fx)
{
	ts_http_reply r;
	int status;

	assert_int_equal(
		ts_http(&r, fx->port, "GET", "/api/me", fx->cookie, NULL, 0),
		0);
	status = r.status;
	ts_http_reply_free(&r);
	return status;
}

/* ---- two requests at once ---------------------------------------------- */

/* The hook holds each request (with its handle) until a second request is
 * inside too, or OVERLAP_WAIT_S passes. */
struct overlap {
	pthread_mutex_t m;
	pthread_cond_t cv;
	int inside, most, entered;
	nsw_case *held[2];
};

static void hold_until_two(void *ctx, nsw_case *c)
{
	struct overlap *o = ctx;
	struct timespec until;
	int rc = 0;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += OVERLAP_WAIT_S;
	pthread_mutex_lock(&o->m);
	if (o->entered < 2)
		o->held[o->entered] = c;
	o->entered++;
	o->inside++;
	if (o->inside > o->most)
		o->most = o->inside;
	pthread_cond_broadcast(&o->cv);
	while (o->most < 2 && rc == 0)
		rc = pthread_cond_timedwait(&o->cv, &o->m, &until);
	o->inside--;
	pthread_cond_broadcast(&o->cv);
	pthread_mutex_unlock(&o->m);
}

struct client {
	struct fx *fx;
	const char *path;
	int status;
};

static void *get_in_thread(void *arg)
{
	struct client *cl = arg;
	ts_http_reply r;

	cl->status = -1;
	if (ts_http(&r, cl->fx->port, "GET", cl->path, cl->fx->cookie, NULL,
		    0) == 0) {
		cl->status = r.status;
		ts_http_reply_free(&r);
	}
	return NULL;
}

static void two_requests_hold_two_case_handles_at_once(void **state)
{
	/* Static: a hook still running after a failed assertion must not
	 * find its state on a stack that is gone. */
	static struct overlap o = {PTHREAD_MUTEX_INITIALIZER,
				   PTHREAD_COND_INITIALIZER,
				   0,
				   0,
				   0,
				   {0}};
	struct fx *fx = *state;
	struct client c1 = {fx, "/api/overview", 0};
	struct client c2 = {fx, "/api/hits", 0};
	struct timespec until;
	pthread_t t1, t2;
	int rc = 0;

	login(fx);
	/* Were requests serialised, the second would give up on the pool
	 * (503) well before the hook's wait ends. */
	fx->app.wait_ms = 2000;
	fx->app.on_handle_ctx = &o;
	fx->app.on_handle = hold_until_two;
	/* The second request starts only once the first holds its handle
	 * inside the hook: its worker is busy, so another worker (with
	 * another handle) must serve the second. */
	assert_int_equal(pthread_create(&t1, NULL, get_in_thread, &c1), 0);
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += OVERLAP_WAIT_S;
	pthread_mutex_lock(&o.m);
	while (o.entered < 1 && rc == 0)
		rc = pthread_cond_timedwait(&o.cv, &o.m, &until);
	pthread_mutex_unlock(&o.m);
	assert_int_equal(rc, 0);
	assert_int_equal(pthread_create(&t2, NULL, get_in_thread, &c2), 0);
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
	fx->app.on_handle = NULL;
	/* Both hooks have returned (bounded by their own wait). */
	pthread_mutex_lock(&o.m);
	while (o.inside > 0)
		pthread_cond_wait(&o.cv, &o.m);
	pthread_mutex_unlock(&o.m);
	assert_int_equal(c1.status, 200);
	assert_int_equal(c2.status, 200);
	assert_int_equal(o.entered, 2);
	/* Both were inside at the same moment, each with its own handle. */
	assert_int_equal(o.most, 2);
	assert_non_null(o.held[0]);
	assert_non_null(o.held[1]);
	assert_ptr_not_equal(o.held[0], o.held[1]);
}

/* ---- audited views from several clients ------------------------------- */

#define VIEW_CLIENTS 4
#define VIEWS_EACH 25

struct viewer {
	struct fx *fx;
	int ok;
};

static void *view_hits(void *arg)
{
	struct viewer *v = arg;
	ts_http_reply r;

	for (int i = 0; i < VIEWS_EACH; i++) {
		if (ts_http(&r, v->fx->port, "GET", "/api/hits", v->fx->cookie,
			    NULL, 0) != 0)
			continue;
		v->ok += r.status == 200;
		ts_http_reply_free(&r);
	}
	return NULL;
}

static int count_view_hits(void *ctx, const nsw_audit_entry *e)
{
	int *n = ctx;

	*n += strcmp(e->action, "view.hits") == 0 &&
	      strcmp(e->actor, "ana") == 0;
	return 0;
}

static void parallel_views_are_each_audited_in_one_valid_chain(void **state)
{
	struct fx *fx = *state;
	struct viewer v[VIEW_CLIENTS];
	pthread_t t[VIEW_CLIENTS];
	nsw_audit_check chk;
	nsw_case *c = NULL;
	int n = 0;

	login(fx);
	for (int i = 0; i < VIEW_CLIENTS; i++) {
		v[i].fx = fx;
		v[i].ok = 0;
		assert_int_equal(pthread_create(&t[i], NULL, view_hits, &v[i]),
				 0);
	}
	for (int i = 0; i < VIEW_CLIENTS; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(v[i].ok, VIEWS_EACH);
	}
	assert_int_equal(srv_app_take(&fx->app, &c), 0);
	assert_int_equal(nsw_case_audit_foreach(c, count_view_hits, &n), 0);
	assert_int_equal(nsw_case_audit_verify(c, &chk), 0);
	srv_app_give(&fx->app, c);
	assert_int_equal(n, VIEW_CLIENTS * VIEWS_EACH);
	if (!chk.ok)
		fail_msg("chain broken at %lld: %s", (long long)chk.first_bad,
			 chk.reason);
}

/* ---- what a handle carries between requests ---------------------------- */

struct probes {
	int n, by_examiner;
};

static int count_probes(void *ctx, const nsw_audit_entry *e)
{
	struct probes *p = ctx;

	if (strcmp(e->action, "test.probe") == 0) {
		p->n++;
		p->by_examiner += strcmp(e->actor, "ex") == 0;
	}
	return 0;
}

static void a_handle_comes_back_without_actor_or_transaction(void **state)
{
	struct fx *fx = *state;
	nsw_case *all[SRV_CASE_HANDLES_MAX];
	nsw_case *c = NULL;
	struct probes p = {0, 0};
	nsw_audit_check chk;
	size_t n = fx->app.handle_count;

	/* A request that set its user and left a write transaction open. */
	assert_int_equal(srv_app_take(&fx->app, &c), 0);
	assert_int_equal(nsw_case_set_actor(c, "ana"), 0);
	assert_int_equal(nsw_case_begin(c), 0);
	assert_int_equal(nsw_case_audit_append(c, "test.uncommitted", "{}"), 0);
	srv_app_give(&fx->app, c);
	/* Every handle (that one among them) appends as the examiner and
	 * none waits on a lock left behind. */
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(srv_app_take(&fx->app, &all[i]), 0);
		assert_int_equal(
			nsw_case_audit_append(all[i], "test.probe", "{}"), 0);
	}
	assert_int_equal(nsw_case_audit_foreach(all[0], count_probes, &p), 0);
	assert_int_equal(p.n, (int)n);
	assert_int_equal(p.by_examiner, (int)n);
	assert_int_equal(nsw_case_audit_verify(all[0], &chk), 0);
	assert_true(chk.ok);
	for (size_t i = 0; i < n; i++)
		srv_app_give(&fx->app, all[i]);
}

static int count_action(void *ctx, const nsw_audit_entry *e)
{
	int *n = ctx;

	*n += strcmp(e->action, "test.uncommitted") == 0;
	return 0;
}

static void rolled_back_entry_is_not_in_the_log(void **state)
{
	struct fx *fx = *state;
	nsw_case *c = NULL;
	int n = 0;

	assert_int_equal(srv_app_take(&fx->app, &c), 0);
	assert_int_equal(nsw_case_begin(c), 0);
	assert_int_equal(nsw_case_audit_append(c, "test.uncommitted", "{}"), 0);
	srv_app_give(&fx->app, c);
	assert_int_equal(srv_app_take(&fx->app, &c), 0);
	assert_int_equal(nsw_case_audit_foreach(c, count_action, &n), 0);
	assert_int_equal(n, 0);
	srv_app_give(&fx->app, c);
}

static void take_on_an_exhausted_pool_gives_up_after_its_wait(void **state)
{
	struct fx *fx = *state;
	nsw_case *all[SRV_CASE_HANDLES_MAX];
	nsw_case *extra = NULL;
	size_t n = fx->app.handle_count;

	login(fx);
	fx->app.wait_ms = 50;
	for (size_t i = 0; i < n; i++)
		assert_int_equal(srv_app_take(&fx->app, &all[i]), 0);
	assert_int_equal(srv_app_take(&fx->app, &extra), NSW_ELIMIT);
	assert_null(extra);
	/* A request arriving now is told to come back, not hung. */
	assert_int_equal(status_of_me(fx), 503);
	srv_app_give(&fx->app, all[0]);
	assert_int_equal(srv_app_take(&fx->app, &extra), 0);
	assert_ptr_equal(extra, all[0]);
	for (size_t i = 0; i < n; i++)
		srv_app_give(&fx->app, all[i]);
	fx->app.wait_ms = SRV_CASE_WAIT_MS;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			two_requests_hold_two_case_handles_at_once, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			parallel_views_are_each_audited_in_one_valid_chain,
			setup, teardown),
		cmocka_unit_test_setup_teardown(
			a_handle_comes_back_without_actor_or_transaction, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			rolled_back_entry_is_not_in_the_log, setup, teardown),
		cmocka_unit_test_setup_teardown(
			take_on_an_exhausted_pool_gives_up_after_its_wait,
			setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
