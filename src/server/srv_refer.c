/* SPDX-License-Identifier: Apache-2.0 */
/*
 * POST /api/referrals/:country: write the sealed referral package of one
 * country (nsw_refer_write) into the server's referrals directory. The
 * library audits "refer.package" with the session's user as actor; the
 * answer names the package folder by country only, never by path.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "srv_app.h"

struct written {
	nsw_refer_package p;
	int n;
};

static int on_package(void *ctx, const nsw_refer_package *p)
{
	struct written *w = ctx;

	w->p = *p;
	w->n++;
	return 0;
}

int srv_h_referral(srv_ctx *x)
{
	static const char *const keys[] = {"handling", "reliability",
					   "accuracy"};
	const char *cc = srv_param(x->req, 0);
	const char *countries[1];
	char *vals[3] = {NULL, NULL, NULL};
	nsw_refer_options opt;
	struct written w;
	size_t len;
	const char *body = srv_body(x->req, &len);
	srv_out o;
	int rc;

	if (cc == NULL || strlen(cc) != 2 || cc[0] < 'A' || cc[0] > 'Z' ||
	    cc[1] < 'A' || cc[1] > 'Z')
		return srv_reply_error(x->res, 400,
				       "country: two capital letters");
	if (x->app->referrals_dir == NULL)
		return srv_reply_error(x->res, 501,
				       "referral export is not configured");
	if (len && srv_json_strings(body, len, keys, vals, 3) != 0)
		return srv_reply_error(x->res, 400, "malformed JSON");
	memset(&opt, 0, sizeof(opt));
	memset(&w, 0, sizeof(w));
	countries[0] = cc;
	opt.out_dir = x->app->referrals_dir;
	opt.countries = countries;
	opt.country_count = 1;
	opt.sign_key = x->app->sign_key;
	opt.agency = x->app->agency;
	opt.handling = vals[0];
	opt.reliability = vals[1];
	opt.accuracy = vals[2];
	/* Two exports at once would write the same referrals_dir/<CC>/
	 * (and a package's seal must cover what is in it): one at a time,
	 * while every other route carries on. */
	pthread_mutex_lock(&x->app->refer_lock);
	rc = nsw_refer_write(x->c, &opt, on_package, &w);
	pthread_mutex_unlock(&x->app->refer_lock);
	if (rc == NSW_ENOTFOUND) {
		rc = srv_reply_error(x->res, 404,
				     "no analysis in this case: run netsweep "
				     "analyze");
		goto done;
	}
	if (rc != NSW_OK) {
		rc = srv_reply_error(x->res, rc == NSW_EINVAL ? 400 : 500,
				     rc == NSW_EINVAL
					     ? "bad handling, reliability or "
					       "accuracy"
					     : "the package could not be "
					       "written");
		goto done;
	}
	if (w.n == 0) {
		rc = srv_reply_error(x->res, 404,
				     "no referable suspects for that country");
		goto done;
	}
	srv_out_init(&o, 4096);
	srv_out_printf(
		&o,
		"{\"country\":\"%s\",\"package\":\"%s\","
		"\"suspects\":%llu,\"items\":%llu,\"messages\":%llu,"
		"\"chats\":%llu,\"files\":%llu,\"signed\":%s}",
		w.p.country, w.p.country, (unsigned long long)w.p.suspects,
		(unsigned long long)w.p.items, (unsigned long long)w.p.messages,
		(unsigned long long)w.p.chats, (unsigned long long)w.p.files,
		x->app->sign_key ? "true" : "false");
	rc = srv_out_reply(&o, x->res, 200);
done:
	for (int i = 0; i < 3; i++)
		free(vals[i]);
	return rc;
}
