/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The analyst workspace's API: sessions (login, logout, expiry), roles,
 * CSRF and Origin checks, body limits, malformed JSON, every data route,
 * the audited media reveal (small, greyscale, blurred), the embedded UI.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support.h"
#include "httpc.h"
#include "srv_app.h"

#define PW "correct horse battery"

struct fx {
	char *dir;
	char *case_path;
	char *referrals;
	srv_app app;
	srv_daemon *d;
	unsigned port;
	int64_t image_file_id;
	int64_t text_file_id;
	uint8_t *noise; /* the original image's grey pixels, 256 x 256 */
};

/* A 256x256 grey noise image (all high frequencies) as PNG. */
static uint8_t *noise_png(size_t *len, uint8_t **pixels_out)
{
	nsw_image img;
	uint8_t *png = NULL;
	uint32_t s = 12345;

	memset(&img, 0, sizeof(img));
	img.width = img.height = 256;
	img.channels = 1;
	img.pixels = malloc(256 * 256);
	assert_non_null(img.pixels);
	for (size_t i = 0; i < 256 * 256; i++) {
		s = s * 1103515245u + 12345u;
		img.pixels[i] = (uint8_t)(s >> 24);
	}
	assert_int_equal(nsw_image_encode_png(&png, len, &img), 0);
	*pixels_out = img.pixels;
	return png;
}

static void add_file(nsw_case *c, int64_t ev, const char *dir, const char *name,
		     const void *data, size_t len, const char *media_type,
		     int64_t *id)
{
	nsw_case_file f;
	nsw_digests dg;
	char *path = ts_path(dir, name);

	assert_int_equal(ts_write_file(path, data, len), 0);
	free(path);
	assert_int_equal(nsw_digest_buffer(&dg,
					   NSW_ALGO_BIT(NSW_ALGO_SHA256) |
						   NSW_ALGO_BIT(NSW_ALGO_MD5),
					   data, len),
			 0);
	memset(&f, 0, sizeof(f));
	f.evidence_id = ev;
	f.path = (const uint8_t *)name;
	f.path_len = strlen(name);
	f.size = (int64_t)len;
	f.mtime_ns = f.ctime_ns = f.atime_ns = NSW_TIME_UNKNOWN;
	f.has = NSW_CASE_HAS_SHA256 | NSW_CASE_HAS_MD5;
	memcpy(f.sha256, dg.sha256, 32);
	memcpy(f.md5, dg.md5, 16);
	f.pdq_quality = -1;
	f.media_type = media_type;
	f.status = NSW_FILE_OK;
	assert_int_equal(nsw_case_file_add(c, &f, id, NULL), 0);
}

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	nsw_case *c = NULL;
	nsw_evidence ev;
	nsw_case_list l;
	nsw_case_hit h;
	int64_t ev_id = 0, list_id = 0;
	char *evdir;
	uint8_t *png;
	size_t png_len;
	srv_config cfg;
	const char *err = NULL;

	assert_non_null(fx);
	fx->dir = ts_tmpdir();
	fx->case_path = ts_path(fx->dir, "case.nsdb");
	evdir = ts_path(fx->dir, "evidence");
	assert_int_equal(mkdir(evdir, 0700), 0);
	assert_int_equal(nsw_case_create(&c, fx->case_path, "T-1", "ex"), 0);
	assert_int_equal(nsw_user_add(c, "ana", "Ana", NSW_ROLE_ANALYST, PW),
			 0);
	assert_int_equal(nsw_user_add(c, "rev", NULL, NSW_ROLE_REVIEWER, PW),
			 0);
	assert_int_equal(nsw_user_add(c, "aud", NULL, NSW_ROLE_AUDITOR, PW), 0);
	memset(&ev, 0, sizeof(ev));
	ev.label = "laptop-1";
	ev.kind = "directory";
	ev.source_path = evdir;
	assert_int_equal(nsw_case_evidence_add(c, &ev, &ev_id), 0);
	png = noise_png(&png_len, &fx->noise);
	add_file(c, ev_id, evdir, "noise.png", png, png_len, "image/png",
		 &fx->image_file_id);
	nsw_image_encoded_free(png);
	add_file(c, ev_id, evdir, "notes.txt", "hello", 5, "text/plain",
		 &fx->text_file_id);
	memset(&l, 0, sizeof(l));
	l.name = "known-set";
	l.version = "1";
	l.checksum = "00112233445566778899aabbccddeeff00112233445566778899aabb"
		     "ccddeeff";
	l.entries = 1;
	assert_int_equal(nsw_case_list_add(c, &l, &list_id), 0);
	memset(&h, 0, sizeof(h));
	h.file_id = fx->image_file_id;
	h.list_id = list_id;
	h.algo = NSW_ALGO_SHA256;
	h.dihedral = -1;
	h.category_scheme = "vics";
	h.category_code = "1";
	assert_int_equal(nsw_case_hit_add(c, &h, NULL), 0);
	nsw_case_close(c);
	free(evdir);

	memset(&cfg, 0, sizeof(cfg));
	nsw_limits_get(&cfg.limits);
	assert_int_equal(
		srv_app_open(&fx->app, fx->case_path, cfg.limits.http_threads),
		0);
	fx->referrals = ts_path(fx->dir, "referrals");
	fx->app.referrals_dir = fx->referrals;
	cfg.listen = "127.0.0.1:0";
	cfg.routes = srv_app_routes(&cfg.route_count);
	cfg.app = &fx->app;
	cfg.limits.http_body_max = 4096;
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
	free(fx->referrals);
	free(fx->noise);
	free(fx);
	return 0;
}

/* A logged-in client: Cookie header line and the CSRF token. */
struct who {
	char cookie[200];
	char csrf[80];
	char both[400]; /* cookie + X-CSRF-Token lines */
};

static int login(struct fx *fx, struct who *w, const char *user, const char *pw)
{
	char body[200];
	ts_http_reply r;
	char *sc;
	const char *p;
	int status;

	snprintf(body, sizeof(body),
		 "{\"username\":\"%s\",\"password\":\"%s\"}", user, pw);
	assert_int_equal(ts_http(&r, fx->port, "POST", "/api/login",
				 "Content-Type: application/json\r\n", body,
				 strlen(body)),
			 0);
	status = r.status;
	if (status == 200) {
		sc = ts_http_header(&r, "Set-Cookie");
		assert_non_null(sc);
		assert_non_null(strstr(sc, "HttpOnly"));
		assert_non_null(strstr(sc, "SameSite=Strict"));
		assert_non_null(strstr(sc, "Path=/"));
		assert_int_equal(strncmp(sc, "nsw_session=", 12), 0);
		snprintf(w->cookie, sizeof(w->cookie), "Cookie: %.*s\r\n",
			 (int)strcspn(sc, ";"), sc);
		free(sc);
		p = strstr(r.body, "\"csrf\":\"");
		assert_non_null(p);
		snprintf(w->csrf, sizeof(w->csrf), "%.64s", p + 8);
		snprintf(w->both, sizeof(w->both), "%sX-CSRF-Token: %s\r\n",
			 w->cookie, w->csrf);
		/* The token itself never appears in the body. */
		assert_null(strstr(r.body, w->cookie + 20));
	}
	ts_http_reply_free(&r);
	return status;
}

static int get(struct fx *fx, const char *headers, const char *path,
	       ts_http_reply *r)
{
	assert_int_equal(ts_http(r, fx->port, "GET", path, headers, NULL, 0),
			 0);
	return r->status;
}

static int status_of(struct fx *fx, const char *method, const char *path,
		     const char *headers, const char *body)
{
	ts_http_reply r;
	int s;

	assert_int_equal(ts_http(&r, fx->port, method, path, headers, body,
				 body ? strlen(body) : 0),
			 0);
	s = r.status;
	ts_http_reply_free(&r);
	return s;
}

/* 1 when an audit entry with this actor and action exists. */
static int audited(struct fx *fx, const char *actor, const char *action)
{
	struct who a;
	ts_http_reply r;
	char needle[200];
	int found;

	assert_int_equal(login(fx, &a, "aud", PW), 200);
	assert_int_equal(get(fx, a.cookie, "/api/audit?limit=5000", &r), 200);
	snprintf(needle, sizeof(needle), "\"actor\":\"%s\",\"action\":\"%s\"",
		 actor, action);
	found = strstr(r.body, needle) != NULL;
	ts_http_reply_free(&r);
	return found;
}

static const char *const api_gets[] = {
	"/api/me",
	"/api/overview",
	"/api/lists",
	"/api/evidence",
	"/api/hits",
	"/api/files/1",
	"/api/attribution",
	"/api/accounts",
	"/api/audit",
	"/api/audit/verify",
	"/api/suspects",
	"/api/suspects/1",
	"/api/chats",
	"/api/chats/1/messages",
	"/api/items/00/spread",
	"/api/graph?suspect=1",
};

static void every_route_needs_a_session(void **state)
{
	struct fx *fx = *state;

	for (size_t i = 0; i < sizeof(api_gets) / sizeof(api_gets[0]); i++)
		assert_int_equal(status_of(fx, "GET", api_gets[i], NULL, NULL),
				 401);
	assert_int_equal(status_of(fx, "POST", "/api/logout", NULL, "{}"), 401);
	assert_int_equal(
		status_of(fx, "POST", "/api/files/1/reveal", NULL, "{}"), 401);
	assert_int_equal(status_of(fx, "POST", "/api/referrals/DE", NULL, "{}"),
			 401);
	/* A forged token is no better than none. */
	assert_int_equal(
		status_of(fx, "GET", "/api/me",
			  "Cookie: nsw_session=00000000000000000000000000000000"
			  "00000000000000000000000000000000\r\n",
			  NULL),
		401);
}

static void login_gives_cookie_csrf_and_is_audited(void **state)
{
	struct fx *fx = *state;
	struct who w;
	ts_http_reply r;

	assert_int_equal(login(fx, &w, "ana", PW), 200);
	assert_int_equal(get(fx, w.cookie, "/api/me", &r), 200);
	assert_non_null(strstr(r.body, "\"role\":\"analyst\""));
	assert_non_null(strstr(r.body, w.csrf));
	ts_http_reply_free(&r);
	assert_true(audited(fx, "ana", "auth.login"));
}

static void wrong_password_and_unknown_user_are_401_and_audited(void **state)
{
	struct fx *fx = *state;
	struct who w;

	assert_int_equal(login(fx, &w, "ana", "wrong password!"), 401);
	assert_int_equal(login(fx, &w, "nobody", PW), 401);
	assert_true(audited(fx, "ana", "auth.login-failed"));
	assert_true(audited(fx, "nobody", "auth.login-failed"));
}

static void login_rejects_malformed_json_non_json_and_big_bodies(void **state)
{
	struct fx *fx = *state;
	const char *json = "Content-Type: application/json\r\n";
	char big[8000];

	assert_int_equal(status_of(fx, "POST", "/api/login", json, "{\"user"),
			 400);
	assert_int_equal(status_of(fx, "POST", "/api/login", json, "[1,2]"),
			 400);
	assert_int_equal(status_of(fx, "POST", "/api/login", json,
				   "{\"username\":1,\"password\":\"x\"}"),
			 400);
	assert_int_equal(status_of(fx, "POST", "/api/login", json, "{}"), 400);
	assert_int_equal(
		status_of(fx, "POST", "/api/login",
			  "Content-Type: application/x-www-form-urlencoded\r\n",
			  "username=ana&password=x"),
		415);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(status_of(fx, "POST", "/api/login", json, big), 413);
	assert_int_equal(status_of(fx, "POST", "/api/login",
				   "Content-Type: application/json\r\nOrigin: "
				   "http://evil.example\r\n",
				   "{\"username\":\"ana\",\"password\":\"" PW
				   "\"}"),
			 403);
}

static void state_changes_need_the_csrf_token_and_same_origin(void **state)
{
	struct fx *fx = *state;
	struct who w;
	char hdr[1200];

	assert_int_equal(login(fx, &w, "rev", PW), 200);
	/* No token, wrong token, right token but a foreign Origin. */
	assert_int_equal(status_of(fx, "POST", "/api/logout", w.cookie, "{}"),
			 403);
	snprintf(hdr, sizeof(hdr), "%sX-CSRF-Token: %c%s\r\n", w.cookie,
		 w.csrf[0] == 'a' ? 'b' : 'a', w.csrf + 1);
	assert_int_equal(status_of(fx, "POST", "/api/logout", hdr, "{}"), 403);
	snprintf(hdr, sizeof(hdr), "%sX-CSRF-Token: \r\n", w.cookie);
	assert_int_equal(status_of(fx, "POST", "/api/logout", hdr, "{}"), 403);
	snprintf(hdr, sizeof(hdr), "%sOrigin: http://evil.example\r\n", w.both);
	assert_int_equal(status_of(fx, "POST", "/api/logout", hdr, "{}"), 403);
	/* Every state-changing route, without the token. */
	assert_int_equal(
		status_of(fx, "POST", "/api/files/1/reveal", w.cookie, "{}"),
		403);
	assert_int_equal(
		status_of(fx, "POST", "/api/referrals/DE", w.cookie, "{}"),
		403);
	/* The session survived all of that. */
	assert_int_equal(status_of(fx, "GET", "/api/me", w.cookie, NULL), 200);
}

static void state_changes_reject_big_bodies_and_malformed_json(void **state)
{
	struct fx *fx = *state;
	struct who w;
	char big[8000];

	assert_int_equal(login(fx, &w, "rev", PW), 200);
	memset(big, '{', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(
		status_of(fx, "POST", "/api/files/1/reveal", w.both, big), 413);
	assert_int_equal(
		status_of(fx, "POST", "/api/referrals/DE", w.both, big), 413);
	assert_int_equal(status_of(fx, "POST", "/api/referrals/DE", w.both,
				   "{\"handling\":"),
			 400);
	assert_int_equal(status_of(fx, "POST", "/api/referrals/DE", w.both,
				   "{\"handling\":[1]}"),
			 400);
	assert_int_equal(
		status_of(fx, "POST", "/api/referrals/de", w.both, "{}"), 400);
	/* Well-formed, but the case was never analysed. */
	assert_int_equal(
		status_of(fx, "POST", "/api/referrals/DE", w.both, "{}"), 404);
}

static void logout_ends_the_session(void **state)
{
	struct fx *fx = *state;
	struct who w;
	ts_http_reply r;
	char *sc;

	assert_int_equal(login(fx, &w, "ana", PW), 200);
	assert_int_equal(
		ts_http(&r, fx->port, "POST", "/api/logout", w.both, "{}", 2),
		0);
	assert_int_equal(r.status, 200);
	sc = ts_http_header(&r, "Set-Cookie");
	assert_non_null(sc);
	assert_non_null(strstr(sc, "Max-Age=0"));
	free(sc);
	ts_http_reply_free(&r);
	assert_int_equal(status_of(fx, "GET", "/api/me", w.cookie, NULL), 401);
	assert_true(audited(fx, "ana", "auth.logout"));
}

static void sessions_expire(void **state)
{
	struct fx *fx = *state;
	struct who w;

	fx->app.session_ttl_s = 1;
	assert_int_equal(login(fx, &w, "ana", PW), 200);
	fx->app.session_ttl_s = SRV_SESSION_TTL_S;
	assert_int_equal(status_of(fx, "GET", "/api/me", w.cookie, NULL), 200);
	sleep(2);
	assert_int_equal(status_of(fx, "GET", "/api/me", w.cookie, NULL), 401);
}

static void roles_are_enforced_on_every_route(void **state)
{
	struct fx *fx = *state;
	struct who ana, rev, aud;
	char hdr[1200];

	assert_int_equal(login(fx, &ana, "ana", PW), 200);
	assert_int_equal(login(fx, &rev, "rev", PW), 200);
	assert_int_equal(login(fx, &aud, "aud", PW), 200);
	/* Auditors: overview and the audit log only. */
	assert_int_equal(status_of(fx, "GET", "/api/overview", aud.cookie, 0),
			 200);
	assert_int_equal(status_of(fx, "GET", "/api/audit", aud.cookie, 0),
			 200);
	assert_int_equal(
		status_of(fx, "GET", "/api/audit/verify", aud.cookie, 0), 200);
	for (size_t i = 0; i < sizeof(api_gets) / sizeof(api_gets[0]); i++) {
		const char *p = api_gets[i];

		if (strcmp(p, "/api/me") == 0 ||
		    strcmp(p, "/api/overview") == 0 ||
		    strncmp(p, "/api/audit", 10) == 0)
			continue;
		assert_int_equal(status_of(fx, "GET", p, aud.cookie, 0), 403);
	}
	assert_int_equal(
		status_of(fx, "POST", "/api/referrals/DE", aud.both, "{}"),
		403);
	assert_int_equal(
		status_of(fx, "POST", "/api/files/1/reveal", aud.both, "{}"),
		403);
	/* Analysts: no audit log, no reveal. */
	assert_int_equal(status_of(fx, "GET", "/api/audit", ana.cookie, 0),
			 403);
	snprintf(hdr, sizeof(hdr), "%s", ana.both);
	assert_int_equal(
		status_of(fx, "POST", "/api/files/1/reveal", hdr, "{}"), 403);
	/* Reviewers: both. */
	assert_int_equal(status_of(fx, "GET", "/api/audit", rev.cookie, 0),
			 200);
}

static void data_routes_answer_and_views_are_audited(void **state)
{
	struct fx *fx = *state;
	struct who w;
	ts_http_reply r;
	char path[64];

	assert_int_equal(login(fx, &w, "ana", PW), 200);
	assert_int_equal(get(fx, w.cookie, "/api/overview", &r), 200);
	assert_non_null(strstr(r.body, "\"name\":\"T-1\""));
	assert_non_null(strstr(r.body, "\"hits\":1"));
	assert_non_null(strstr(r.body, "\"key\":\"vics:1\""));
	ts_http_reply_free(&r);
	assert_int_equal(get(fx, w.cookie, "/api/evidence", &r), 200);
	assert_non_null(strstr(r.body, "\"label\":\"laptop-1\""));
	/* The evidence location on disk is never sent. */
	assert_null(strstr(r.body, fx->dir));
	ts_http_reply_free(&r);
	assert_int_equal(get(fx, w.cookie, "/api/lists", &r), 200);
	assert_non_null(strstr(r.body, "known-set"));
	ts_http_reply_free(&r);
	assert_int_equal(get(fx, w.cookie, "/api/hits", &r), 200);
	assert_non_null(strstr(r.body, "\"path\":\"noise.png\""));
	assert_non_null(strstr(r.body, "\"total\":1"));
	ts_http_reply_free(&r);
	assert_int_equal(get(fx, w.cookie, "/api/hits?category=2", &r), 200);
	assert_non_null(strstr(r.body, "\"total\":0"));
	ts_http_reply_free(&r);
	assert_int_equal(get(fx, w.cookie, "/api/hits?limit=x", &r), 400);
	ts_http_reply_free(&r);
	snprintf(path, sizeof(path), "/api/files/%lld",
		 (long long)fx->image_file_id);
	assert_int_equal(get(fx, w.cookie, path, &r), 200);
	assert_non_null(strstr(r.body, "\"revealable\":true"));
	ts_http_reply_free(&r);
	assert_int_equal(get(fx, w.cookie, "/api/files/999", &r), 404);
	ts_http_reply_free(&r);
	assert_int_equal(get(fx, w.cookie, "/api/files/abc", &r), 400);
	ts_http_reply_free(&r);
	assert_int_equal(get(fx, w.cookie, "/api/attribution", &r), 200);
	assert_non_null(strstr(r.body, "\"accounts\":["));
	ts_http_reply_free(&r);
	/* Without `netsweep analyze` the analysis routes say so. */
	assert_int_equal(get(fx, w.cookie, "/api/suspects", &r), 404);
	assert_non_null(strstr(r.body, "analyze"));
	ts_http_reply_free(&r);
	assert_int_equal(get(fx, w.cookie, "/api/graph", &r), 400);
	ts_http_reply_free(&r);
	assert_true(audited(fx, "ana", "view.hits"));
	assert_true(audited(fx, "ana", "view.file"));
	assert_true(audited(fx, "ana", "view.attribution"));
}

/* Mean absolute difference of horizontal neighbours: high frequencies. */
static double hf_energy(const uint8_t *p, uint32_t w, uint32_t h)
{
	double sum = 0;

	for (uint32_t y = 0; y < h; y++)
		for (uint32_t x = 1; x < w; x++)
			sum += abs((int)p[y * w + x] - (int)p[y * w + x - 1]);
	return sum / ((double)h * (w - 1));
}

static double reveal(struct fx *fx, const struct who *w, const char *body,
		     const char *level)
{
	ts_http_reply r;
	nsw_image *img = NULL;
	char path[64], *cc;
	double e;

	snprintf(path, sizeof(path), "/api/files/%lld/reveal",
		 (long long)fx->image_file_id);
	assert_int_equal(ts_http(&r, fx->port, "POST", path, w->both, body,
				 strlen(body)),
			 0);
	assert_int_equal(r.status, 200);
	cc = ts_http_header(&r, "Content-Type");
	assert_string_equal(cc, "image/png");
	free(cc);
	cc = ts_http_header(&r, "Cache-Control");
	assert_non_null(strstr(cc, "no-store"));
	free(cc);
	cc = ts_http_header(&r, "X-Preview-Level");
	assert_string_equal(cc, level);
	free(cc);
	assert_int_equal(nsw_image_decode(&img, (const uint8_t *)r.body,
					  r.body_len, "preview"),
			 0);
	assert_true(img->width <= 128 && img->height <= 128);
	assert_int_equal(img->channels, 1);
	e = hf_energy(img->pixels, img->width, img->height);
	nsw_image_free(img);
	ts_http_reply_free(&r);
	return e;
}

/* A PDQ hit on a partial image (a JPEG cut short, --partial-images) says
 * so in /api/hits; a hit on a whole file carries no such keys. */
static void hits_say_when_the_pdq_came_from_a_partial_image(void **state)
{
	struct fx *fx = *state;
	nsw_case *c = NULL;
	nsw_case_file f;
	nsw_case_list l;
	nsw_case_hit h;
	int64_t ev_id = 0, list_id = 0, file_id = 0;
	struct who w;
	ts_http_reply r;

	assert_int_equal(nsw_case_open(&c, fx->case_path, 0), 0);
	assert_int_equal(nsw_case_evidence_find(c, "laptop-1", &ev_id), 0);
	memset(&f, 0, sizeof(f));
	f.evidence_id = ev_id;
	f.path = (const uint8_t *)"cut.jpg.part";
	f.path_len = strlen("cut.jpg.part");
	f.size = 1000;
	f.mtime_ns = f.ctime_ns = f.atime_ns = NSW_TIME_UNKNOWN;
	f.has = NSW_CASE_HAS_PDQ;
	memset(f.pdq.bytes, 0x5a, sizeof(f.pdq.bytes));
	f.pdq_quality = 90;
	f.pdq_partial = 1;
	f.pdq_rows_present = 384;
	f.pdq_rows = 480;
	f.media_type = "image/jpeg";
	f.status = NSW_FILE_OK;
	assert_int_equal(nsw_case_file_add(c, &f, &file_id, NULL), 0);
	memset(&l, 0, sizeof(l));
	l.name = "known-set";
	l.version = "1";
	l.checksum = "00112233445566778899aabbccddeeff00112233445566778899aabb"
		     "ccddeeff";
	l.entries = 1;
	assert_int_equal(nsw_case_list_add(c, &l, &list_id), 0);
	memset(&h, 0, sizeof(h));
	h.file_id = file_id;
	h.list_id = list_id;
	h.algo = NSW_ALGO_PDQ;
	h.distance = 4;
	h.dihedral = 0;
	h.category_scheme = "vics";
	h.category_code = "1";
	assert_int_equal(nsw_case_hit_add(c, &h, NULL), 0);
	nsw_case_close(c);

	assert_int_equal(login(fx, &w, "ana", PW), 200);
	assert_int_equal(get(fx, w.cookie, "/api/hits", &r), 200);
	assert_non_null(strstr(r.body, "\"total\":2"));
	assert_non_null(strstr(r.body, "\"pdq_partial\":true,"
				       "\"pdq_rows_present\":384,"
				       "\"pdq_rows\":480"));
	/* Only the partial file's record has the keys. */
	assert_null(strstr(strstr(r.body, "\"pdq_partial\"") + 1,
			   "\"pdq_partial\""));
	ts_http_reply_free(&r);
}

static void reveal_is_small_grey_blurred_and_audited(void **state)
{
	struct fx *fx = *state;
	struct who w;
	double orig = hf_energy(fx->noise, 256, 256), blurred, sharper;
	char path[64];

	assert_int_equal(login(fx, &w, "rev", PW), 200);
	blurred = reveal(fx, &w, "{}", "blurred");
	sharper = reveal(fx, &w, "{\"level\":\"sharper\"}", "sharper");
	/* Noise has ~85 grey levels between neighbours; the blurred preview
	 * almost none, the sharper one more but still far from the original. */
	assert_true(orig > 60.0);
	assert_true(blurred < 2.0);
	assert_true(sharper > blurred);
	assert_true(sharper < orig / 4);
	assert_true(audited(fx, "rev", "media.reveal"));
	/* Bad level, malformed JSON, not an image. */
	snprintf(path, sizeof(path), "/api/files/%lld/reveal",
		 (long long)fx->image_file_id);
	assert_int_equal(
		status_of(fx, "POST", path, w.both, "{\"level\":\"full\"}"),
		400);
	assert_int_equal(status_of(fx, "POST", path, w.both, "{\"level\""),
			 400);
	snprintf(path, sizeof(path), "/api/files/%lld/reveal",
		 (long long)fx->text_file_id);
	assert_int_equal(status_of(fx, "POST", path, w.both, "{}"), 409);
}

static void ui_is_served_without_inline_script(void **state)
{
	struct fx *fx = *state;
	ts_http_reply r;
	char *csp;

	assert_int_equal(get(fx, NULL, "/", &r), 200);
	assert_non_null(strstr(r.body, "<script src=\"/ui/app.js\""));
	assert_null(strstr(r.body, "<script>"));
	csp = ts_http_header(&r, "Content-Security-Policy");
	assert_non_null(strstr(csp, "script-src 'self'"));
	free(csp);
	ts_http_reply_free(&r);
	assert_int_equal(get(fx, NULL, "/ui/app.js", &r), 200);
	assert_null(strstr(r.body, "innerHTML"));
	ts_http_reply_free(&r);
	assert_int_equal(get(fx, NULL, "/ui/nope.js", &r), 404);
	ts_http_reply_free(&r);
}

static void user_add_validates_and_never_stores_the_password(void **state)
{
	struct fx *fx = *state;
	nsw_case *c = NULL;
	uint8_t *raw;
	size_t len;

	(void)state;
	assert_int_equal(nsw_case_open(&c, fx->case_path, 0), 0);
	assert_int_equal(nsw_user_add(c, "x", NULL, NSW_ROLE_ANALYST, "short"),
			 NSW_EINVAL);
	assert_int_equal(
		nsw_user_add(c, "bad name", NULL, NSW_ROLE_ANALYST, PW),
		NSW_EINVAL);
	assert_int_equal(nsw_user_add(c, "x", NULL, NSW_ROLE_NONE, PW),
			 NSW_EINVAL);
	assert_int_equal(nsw_user_add(c, "ana", NULL, NSW_ROLE_ANALYST, PW),
			 NSW_EINVAL);
	nsw_case_close(c);
	raw = ts_read_file(fx->case_path, &len);
	assert_non_null(raw);
	assert_null(memmem(raw, len, PW, strlen(PW)));
	assert_non_null(memmem(raw, len, "$pbkdf2-sha256$i=", 17));
	free(raw);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(every_route_needs_a_session,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			login_gives_cookie_csrf_and_is_audited, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			wrong_password_and_unknown_user_are_401_and_audited,
			setup, teardown),
		cmocka_unit_test_setup_teardown(
			login_rejects_malformed_json_non_json_and_big_bodies,
			setup, teardown),
		cmocka_unit_test_setup_teardown(
			state_changes_need_the_csrf_token_and_same_origin,
			setup, teardown),
		cmocka_unit_test_setup_teardown(
			state_changes_reject_big_bodies_and_malformed_json,
			setup, teardown),
		cmocka_unit_test_setup_teardown(logout_ends_the_session, setup,
						teardown),
		cmocka_unit_test_setup_teardown(sessions_expire, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			roles_are_enforced_on_every_route, setup, teardown),
		cmocka_unit_test_setup_teardown(
			data_routes_answer_and_views_are_audited, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			hits_say_when_the_pdq_came_from_a_partial_image, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			reveal_is_small_grey_blurred_and_audited, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			ui_is_served_without_inline_script, setup, teardown),
		cmocka_unit_test_setup_teardown(
			user_add_validates_and_never_stores_the_password, setup,
			teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
