/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The analysis routes over a real analysed case: the benign demo operation
 * run through case init, list import, scan, ingest, attribute and analyze
 * by the netsweep program (tests/e2e/make_case.sh). Skips visibly when the
 * program (NSW_BIN) or the source dir (NSW_SOURCE_DIR) is not given.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "support.h"
#include "httpc.h"
#include "srv_app.h"

#define PW "analysis-test-password"

struct fx {
	char *dir;
	srv_app app;
	srv_daemon *d;
	unsigned port;
	char cookie[200];
	char aud_cookie[200];
	char csrf[80];
	char *referrals;
};

static void login(struct fx *fx, const char *user, char *cookie, size_t cap,
		  char *csrf)
{
	char buf[200];
	ts_http_reply r;
	char *sc;

	snprintf(buf, sizeof(buf),
		 "{\"username\":\"%s\",\"password\":\"" PW "\"}", user);
	assert_int_equal(ts_http(&r, fx->port, "POST", "/api/login",
				 "Content-Type: application/json\r\n", buf,
				 strlen(buf)),
			 0);
	assert_int_equal(r.status, 200);
	sc = ts_http_header(&r, "Set-Cookie");
	assert_non_null(sc);
	snprintf(cookie, cap, "Cookie: %.*s\r\n", (int)strcspn(sc, ";"), sc);
	free(sc);
	if (csrf) {
		const char *p = strstr(r.body, "\"csrf\":\"");

		assert_non_null(p);
		snprintf(csrf, 80, "%.64s", p + 8);
	}
	ts_http_reply_free(&r);
}

static int setup(void **state)
{
	const char *bin = getenv("NSW_BIN"), *src = getenv("NSW_SOURCE_DIR");
	struct fx *fx;
	char cmd[4096], *case_path;
	srv_config cfg;
	const char *err = NULL;

	if (bin == NULL || src == NULL) {
		printf("SKIP: NSW_BIN / NSW_SOURCE_DIR not set (run via "
		       "ctest)\n");
		*state = NULL;
		return 0;
	}
	fx = calloc(1, sizeof(*fx));
	assert_non_null(fx);
	fx->dir = ts_tmpdir();
	snprintf(cmd, sizeof(cmd),
		 "bash '%s/tests/e2e/make_case.sh' '%s' '%s' '%s' >/dev/null "
		 "2>&1",
		 src, bin, fx->dir, PW);
	assert_int_equal(system(cmd), 0);
	case_path = ts_path(fx->dir, "case.nsdb");
	memset(&cfg, 0, sizeof(cfg));
	nsw_limits_get(&cfg.limits);
	assert_int_equal(
		srv_app_open(&fx->app, case_path, cfg.limits.http_threads), 0);
	free(case_path);
	cfg.listen = "127.0.0.1:0";
	cfg.routes = srv_app_routes(&cfg.route_count);
	cfg.app = &fx->app;
	assert_int_equal(srv_start(&fx->d, &cfg, &err), 0);
	fx->port = srv_port(fx->d);
	fx->referrals = ts_path(fx->dir, "referrals");
	fx->app.referrals_dir = fx->referrals;
	login(fx, "analyst", fx->cookie, sizeof(fx->cookie), fx->csrf);
	login(fx, "auditor", fx->aud_cookie, sizeof(fx->aud_cookie), NULL);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;

	if (fx == NULL)
		return 0;
	srv_stop(fx->d);
	srv_app_close(&fx->app);
	ts_tmpdir_remove(fx->dir);
	free(fx->referrals);
	free(fx);
	return 0;
}

static char *get(struct fx *fx, const char *cookie, const char *path, int want)
{
	ts_http_reply r;
	char *body;

	assert_int_equal(ts_http(&r, fx->port, "GET", path, cookie, NULL, 0),
			 0);
	if (r.status != want)
		printf("%s: %d %s\n", path, r.status, r.body);
	assert_int_equal(r.status, want);
	body = r.body;
	r.body = NULL;
	ts_http_reply_free(&r);
	return body;
}

/* The first `"key":<digits>` after `from`, or -1. */
static long long num_after(const char *from, const char *key)
{
	char k[64];
	const char *p;

	snprintf(k, sizeof(k), "\"%s\":", key);
	p = from ? strstr(from, k) : NULL;
	return p ? strtoll(p + strlen(k), NULL, 10) : -1;
}

static void analysis_routes_answer_over_the_demo_case(void **state)
{
	struct fx *fx = *state;
	char path[256], item[65], cc[3], hdr[400];
	ts_http_reply r;
	long long account, chat;
	const char *p;
	char *b;

	if (fx == NULL)
		skip();
	/* Ranked suspects with score terms and evidence. */
	b = get(fx, fx->cookie, "/api/suspects?limit=5", 200);
	assert_non_null(strstr(b, "\"rank\":1,"));
	assert_non_null(strstr(b, "\"terms\":[{\"name\":"));
	assert_non_null(strstr(b, "\"contribution\":"));
	account = num_after(b, "account_id");
	assert_true(account > 0);
	p = strstr(b, "\"item\":\"");
	assert_non_null(p);
	snprintf(item, sizeof(item), "%.64s", p + 8);
	p = strstr(b, "\"country\":\"");
	assert_non_null(p);
	snprintf(cc, sizeof(cc), "%.2s", p + 11);
	free(b);
	/* Filtered by a country no account has: none. */
	b = get(fx, fx->cookie, "/api/suspects?country=AQ", 200);
	assert_non_null(strstr(b, "\"count\":0"));
	free(b);
	b = get(fx, fx->cookie, "/api/suspects?country=XYZ", 400);
	free(b);
	snprintf(path, sizeof(path), "/api/suspects/%lld", account);
	b = get(fx, fx->cookie, path, 200);
	assert_int_equal(num_after(b, "account_id"), account);
	free(b);
	b = get(fx, fx->cookie, "/api/suspects/999999", 404);
	free(b);
	/* Chats and their messages. */
	b = get(fx, fx->cookie, "/api/chats", 200);
	chat = num_after(b, "chat_id");
	assert_true(chat > 0);
	assert_non_null(strstr(b, "\"known_share\":"));
	free(b);
	snprintf(path, sizeof(path), "/api/chats/%lld/messages?limit=3", chat);
	b = get(fx, fx->cookie, path, 200);
	assert_true(num_after(b, "total") > 3);
	free(b);
	/* The spread of an item from the top suspect's evidence. */
	snprintf(path, sizeof(path), "/api/items/%s/spread", item);
	b = get(fx, fx->cookie, path, 200);
	assert_non_null(strstr(b, "\"posts\":[{\"seq\":0,"));
	free(b);
	b = get(fx, fx->cookie, "/api/items/zz/spread", 400);
	free(b);
	/* The graph around the suspect and around a chat, bounded by n. */
	snprintf(path, sizeof(path), "/api/graph?suspect=%lld&n=5", account);
	b = get(fx, fx->cookie, path, 200);
	{
		int nodes = 0;

		for (p = b; (p = strstr(p, "\"focus\":")) != NULL; p++)
			nodes++;
		assert_true(nodes >= 2 && nodes <= 5);
	}
	assert_non_null(strstr(b, "\"edges\":[{\"source\":"));
	free(b);
	snprintf(path, sizeof(path), "/api/graph?chat=%lld", chat);
	b = get(fx, fx->cookie, path, 200);
	free(b);
	b = get(fx, fx->cookie, "/api/graph?suspect=1&chat=1", 400);
	free(b);
	b = get(fx, fx->cookie, "/api/graph?suspect=1&n=100000", 400);
	free(b);
	/* Who posted the files of the first seized device. */
	b = get(fx, fx->cookie, "/api/links?evidence=device-1", 200);
	assert_non_null(strstr(b, "\"threshold\":31,\"links\":[{"));
	assert_true(num_after(b, "account_id") > 0);
	assert_true(num_after(b, "files") >= 1);
	free(b);
	b = get(fx, fx->cookie, "/api/links?evidence=device-1&exact=1", 200);
	assert_non_null(strstr(b, "\"threshold\":-1,"));
	free(b);
	b = get(fx, fx->cookie, "/api/links?evidence=tablet", 404);
	free(b);
	b = get(fx, fx->cookie, "/api/links", 400);
	free(b);
	b = get(fx, fx->cookie, "/api/links?evidence=device-1&threshold=300",
		400);
	free(b);
	/* The referral package of the top suspect's country. */
	snprintf(hdr, sizeof(hdr), "%sX-CSRF-Token: %s\r\n", fx->cookie,
		 fx->csrf);
	snprintf(path, sizeof(path), "/api/referrals/%s", cc);
	assert_int_equal(ts_http(&r, fx->port, "POST", path, hdr, "{}", 2), 0);
	if (r.status != 200)
		printf("%s: %d %s\n", path, r.status, r.body);
	assert_int_equal(r.status, 200);
	assert_true(num_after(r.body, "suspects") >= 1);
	assert_null(strstr(r.body, fx->dir)); /* no paths to clients */
	ts_http_reply_free(&r);
	{
		char *pkg = ts_path(fx->referrals, cc);
		struct stat st;

		assert_int_equal(stat(pkg, &st), 0);
		assert_true(S_ISDIR(st.st_mode));
		free(pkg);
	}
	assert_int_equal(ts_http(&r, fx->port, "POST", "/api/referrals/de", hdr,
				 "{}", 2),
			 0);
	assert_int_equal(r.status, 400);
	ts_http_reply_free(&r);
	assert_int_equal(ts_http(&r, fx->port, "POST", path, hdr,
				 "{\"handling\":\"H9\"}", 16),
			 0);
	assert_int_equal(r.status, 400);
	ts_http_reply_free(&r);
	/* Auditors see none of it. */
	b = get(fx, fx->aud_cookie, "/api/suspects", 403);
	free(b);
	/* Each view is in the audit log under the analyst's name. */
	b = get(fx, fx->aud_cookie, "/api/audit?limit=5000", 200);
	assert_non_null(strstr(
		b, "\"actor\":\"analyst\",\"action\":\"view.suspects\""));
	assert_non_null(
		strstr(b, "\"actor\":\"analyst\",\"action\":\"view.suspect\""));
	assert_non_null(
		strstr(b, "\"actor\":\"analyst\",\"action\":\"view.chat\""));
	assert_non_null(
		strstr(b, "\"actor\":\"analyst\",\"action\":\"view.item\""));
	assert_non_null(
		strstr(b, "\"actor\":\"analyst\",\"action\":\"view.graph\""));
	assert_non_null(
		strstr(b, "\"actor\":\"analyst\",\"action\":\"view.links\""));
	assert_non_null(strstr(
		b, "\"actor\":\"analyst\",\"action\":\"refer.package\""));
	free(b);
	b = get(fx, fx->aud_cookie, "/api/audit/verify", 200);
	assert_non_null(strstr(b, "\"ok\":true"));
	free(b);
}

struct exporter {
	struct fx *fx;
	const char *path;
	const char *hdr;
	int status;
};

static void *export_in_thread(void *arg)
{
	struct exporter *e = arg;
	ts_http_reply r;

	e->status = -1;
	if (ts_http(&r, e->fx->port, "POST", e->path, e->hdr, "{}", 2) == 0) {
		e->status = r.status;
		ts_http_reply_free(&r);
	}
	return NULL;
}

/* Handles let requests run side by side; the export of one country's
 * folder still goes one at a time, so the sealed package is whole. */
static void
two_exports_of_one_country_at_once_leave_a_whole_package(void **state)
{
	struct fx *fx = *state;
	struct exporter e[2];
	pthread_t t[2];
	nsw_package_report rep;
	char path[64], hdr[400], cc[3];
	const char *p;
	char *b, *pkg;

	if (fx == NULL)
		skip();
	b = get(fx, fx->cookie, "/api/suspects?limit=1", 200);
	p = strstr(b, "\"country\":\"");
	assert_non_null(p);
	snprintf(cc, sizeof(cc), "%.2s", p + 11);
	free(b);
	snprintf(path, sizeof(path), "/api/referrals/%s", cc);
	snprintf(hdr, sizeof(hdr), "%sX-CSRF-Token: %s\r\n", fx->cookie,
		 fx->csrf);
	for (int i = 0; i < 2; i++) {
		e[i].fx = fx;
		e[i].path = path;
		e[i].hdr = hdr;
		assert_int_equal(
			pthread_create(&t[i], NULL, export_in_thread, &e[i]),
			0);
	}
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(e[0].status, 200);
	assert_int_equal(e[1].status, 200);
	pkg = ts_path(fx->referrals, cc);
	memset(&rep, 0, sizeof(rep));
	assert_int_equal(nsw_package_verify(&rep, pkg, NULL, NULL, NULL), 0);
	assert_true(rep.manifest_ok);
	assert_int_equal(rep.intact, rep.listed);
	free(pkg);
	b = get(fx, fx->aud_cookie, "/api/audit/verify", 200);
	assert_non_null(strstr(b, "\"ok\":true"));
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			analysis_routes_answer_over_the_demo_case, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			two_exports_of_one_country_at_once_leave_a_whole_package,
			setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
