/* SPDX-License-Identifier: Apache-2.0 */
/* The demo pipeline: everything an operation runs, on the generated demo,
 * through the public API only. */
#include <dirent.h>
#include <ftw.h>
#include <unistd.h>
#include <stdarg.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "error.h"
#include "netsweep/attrib.h"
#include "netsweep/case.h"
#include "netsweep/chat.h"
#include "netsweep/demo_run.h"
#include "netsweep/import.h"
#include "netsweep/links.h"
#include "netsweep/nswl.h"
#include "netsweep/refer.h"
#include "netsweep/scan.h"
#include "netsweep/sign.h"

struct run {
	const char *dir;
	nsw_demo_run_result *out;
	void (*progress)(void *ctx, const char *step);
	void *ctx;
};

static void step(struct run *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void step(struct run *r, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (r->progress == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	r->progress(r->ctx, line);
}

static int path_in(char *out, size_t size, const char *dir, const char *rel)
{
	if ((size_t)snprintf(out, size, "%s/%s", dir, rel) >= size)
		return nsw_error_set(NSW_ELIMIT, "%s: path too long", dir);
	return 0;
}

static int exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static int add_entry(void *ctx, const nsw_list_entry *e)
{
	return nsw_list_builder_add(ctx, e);
}

/* Import `inputs` into one list file. */
static int build_list(const char *out_path, const char *name,
		      const char *const *inputs, size_t n, uint64_t *entries)
{
	nsw_list_builder *b = NULL;
	nsw_import_options io;
	nsw_import_sink sink;
	nsw_import_stats st;
	int rc;

	memset(&io, 0, sizeof(io));
	memset(&st, 0, sizeof(st));
	rc = nsw_list_builder_new(&b, name, "demo");
	sink.ctx = b;
	sink.entry = add_entry;
	sink.problem = NULL;
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = nsw_list_import_file(&st, inputs[i], &io, &sink);
	if (rc == 0)
		rc = nsw_list_builder_write(b, out_path, NULL);
	*entries = st.kept;
	nsw_list_builder_free(b);
	return rc;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in `dir` ending in `suffix`, sorted (at most max). */
static size_t list_dir(const char *dir, const char *suffix, char **names,
		       size_t max)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0, sl = strlen(suffix);

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL && n < max) {
		size_t l = strlen(e->d_name);

		if (e->d_name[0] == '.' || l < sl ||
		    strcmp(e->d_name + l - sl, suffix) != 0)
			continue;
		names[n] = strdup(e->d_name);
		if (names[n] != NULL)
			n++;
	}
	closedir(d);
	qsort(names, n, sizeof(*names), by_name);
	return n;
}

static int best_link(void *ctx, const nsw_device_link *l)
{
	struct {
		char *account;
		double *score;
	} *best = ctx;

	snprintf(best->account, NSW_DEMO_ID_MAX, "%s:%s", l->platform,
		 l->native_id);
	*best->score = l->score;
	return 1; /* the first is the best */
}

struct device_find {
	const char *label;
	int64_t id;
};

static int find_evidence(void *ctx, const nsw_evidence *ev)
{
	struct device_find *f = ctx;

	if (strcmp(ev->label, f->label) == 0)
		f->id = ev->id;
	return 0;
}

static int take_suspect(void *ctx, const nsw_suspect_row *s)
{
	nsw_demo_run_result *out = ctx;
	static const size_t top_max = sizeof(out->top) / sizeof(out->top[0]);

	if (out->ntop < top_max)
		snprintf(out->top[out->ntop++], NSW_DEMO_ID_MAX, "%s:%s",
			 s->platform, s->native_id);
	return 0;
}

struct seeder {
	nsw_demo_run_result *out;
	int64_t best;
};

static int take_seeder(void *ctx, const nsw_suspect_row *s)
{
	struct seeder *sd = ctx;

	if (s->new_seeded_reshared > sd->best) {
		sd->best = s->new_seeded_reshared;
		snprintf(sd->out->seeder, NSW_DEMO_ID_MAX, "%s:%s", s->platform,
			 s->native_id);
	}
	return 0;
}

static int take_chat(void *ctx, const nsw_chat_metrics_row *r)
{
	nsw_demo_run_result *out = ctx;

	out->chats_flagged += r->known_posts > 0;
	return 0;
}

static int count_attributed(void *ctx, const nsw_attrib_account *a)
{
	(void)a;
	(*(uint64_t *)ctx)++;
	return 0;
}

static int take_package(void *ctx, const nsw_refer_package *p)
{
	nsw_demo_run_result *out = ctx;

	if (out->packages < 256)
		memcpy(out->package_country[out->packages], p->country, 3);
	out->packages++;
	return 0;
}

static int run_scans(struct run *r, nsw_scan_lists *lists)
{
	char devdir[4096], path[4096];
	char *names[NSW_DEMO_DEVICES + 8];
	size_t n;
	int rc = 0;

	rc = path_in(devdir, sizeof(devdir), r->dir, NSW_DEMO_DEVICES_DIR);
	if (rc < 0)
		return rc;
	n = list_dir(devdir, "", names, NSW_DEMO_DEVICES);
	for (size_t i = 0; i < n; i++) {
		nsw_scan_options so;
		nsw_scan_result sr;
		uint32_t nl = 0;

		memset(&so, 0, sizeof(so));
		memset(&sr, 0, sizeof(sr));
		if (rc == 0)
			rc = path_in(path, sizeof(path), devdir, names[i]);
		so.evidence_path = path;
		so.label = names[i];
		so.kind = "device";
		so.lists = nsw_scan_lists_cases(lists, &nl);
		so.nlists = nl;
		so.matcher = nsw_scan_lists_matcher(lists);
		if (rc == 0)
			rc = nsw_scan_run(r->out->case_path, &so, &sr);
		if (rc == 0) {
			snprintf(r->out->device[i], sizeof(r->out->device[i]),
				 "%s", names[i]);
			r->out->device_files += (uint64_t)sr.files;
			r->out->device_hits += (uint64_t)sr.hits;
			step(r, "scan %s: %lld files, %lld hits", names[i],
			     (long long)sr.files, (long long)sr.hits);
		}
		free(names[i]);
	}
	return rc;
}

static int run_ingest(struct run *r, nsw_case *c, nsw_scan_lists *lists)
{
	char path[4096], wadir[4096];
	char *names[64];
	nsw_chat_ingest_options io;
	nsw_chat_ingest_result ir;
	uint32_t nl = 0;
	size_t n;
	int rc;

	memset(&io, 0, sizeof(io));
	memset(&ir, 0, sizeof(ir));
	io.lists = nsw_scan_lists_cases(lists, &nl);
	io.nlists = nl;
	io.matcher = nsw_scan_lists_matcher(lists);
	/* The generator writes WhatsApp times in UTC (truth.json). */
	io.parse.timezone = "UTC";
	rc = path_in(path, sizeof(path), r->dir, "exports/telegram");
	if (rc == 0)
		rc = nsw_chat_ingest(c, path, &io, &ir);
	if (rc == 0)
		rc = path_in(wadir, sizeof(wadir), r->dir, "exports/whatsapp");
	n = rc == 0 ? list_dir(wadir, ".txt", names, 64) : 0;
	for (size_t i = 0; i < n; i++) {
		if (rc == 0)
			rc = path_in(path, sizeof(path), wadir, names[i]);
		if (rc == 0)
			rc = nsw_chat_ingest(c, path, &io, &ir);
		free(names[i]);
	}
	r->out->messages = (uint64_t)ir.messages;
	r->out->media_hits = (uint64_t)ir.hits;
	step(r, "ingest: %lld messages, %lld media hits",
	     (long long)ir.messages, (long long)ir.hits);
	return rc;
}

static int remove_entry(const char *path, const struct stat *st, int flag,
			struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/*
 * A re-run of the demo in the same folder: the generator has replaced its
 * own files; remove what the previous investigation wrote. Only in a
 * folder that carries the demo marker, and only these names.
 */
static int clear_previous_run(const char *dir)
{
	static const char *const files[] = {"case.nsdb",
					    "case.nsdb-wal",
					    "case.nsdb-shm",
					    "lists/known.nswl",
					    "lists/known-software.nswl",
					    "keys/demo-signing.pem",
					    "keys/demo-signing.pem.pub"};
	char path[4096];
	int rc;

	rc = path_in(path, sizeof(path), dir, NSW_DEMO_MARKER);
	if (rc < 0 || !exists(path))
		return rc;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		rc = path_in(path, sizeof(path), dir, files[i]);
		if (rc < 0)
			return rc;
		if (unlink(path) != 0 && errno != ENOENT)
			return nsw_error_set(NSW_EIO, "%s: %s", path,
					     strerror(errno));
	}
	rc = path_in(path, sizeof(path), dir, "referrals");
	if (rc == 0 && exists(path) &&
	    nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0)
		rc = nsw_error_set(NSW_EIO,
				   "%s: cannot remove the previous "
				   "referrals",
				   path);
	return rc;
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int nsw_demo_run(nsw_demo_run_result *out, const char *dir,
		 void (*progress)(void *ctx, const char *step), void *ctx)
{
	struct run r = {dir, out, progress, ctx};
	char known[4096], software[4096], vics[4096], pdq[4096], nsrl[4096];
	char mmdb[4096], iplog[4096], keys[4096], priv[4096];
	const char *inputs[2] = {vics, pdq};
	const char *match_lists[1] = {known}, *allow_lists[1] = {software};
	nsw_scan_lists *lists = NULL;
	nsw_case *c = NULL;
	double t0 = now_seconds();
	int rc;

	memset(out, 0, sizeof(*out));
	rc = clear_previous_run(dir);
	if (rc == 0)
		rc = path_in(out->case_path, sizeof(out->case_path), dir,
			     "case.nsdb");
	if (rc == 0 && exists(out->case_path))
		rc = nsw_error_set(NSW_EINVAL,
				   "%s exists: the demo runs on "
				   "a freshly generated folder",
				   out->case_path);
	if (rc == 0)
		rc = path_in(known, sizeof(known), dir, "lists/known.nswl");
	if (rc == 0)
		rc = path_in(software, sizeof(software), dir,
			     "lists/known-software.nswl");
	if (rc == 0)
		rc = path_in(vics, sizeof(vics), dir, "lists/known-vics.json");
	if (rc == 0)
		rc = path_in(pdq, sizeof(pdq), dir, "lists/known-pdq.csv");
	if (rc == 0)
		rc = path_in(nsrl, sizeof(nsrl), dir,
			     "lists/known-software.txt");
	if (rc == 0)
		rc = path_in(mmdb, sizeof(mmdb), dir, "geoip-test.mmdb");
	if (rc == 0)
		rc = path_in(iplog, sizeof(iplog), dir, "ip-log.csv");
	if (rc == 0)
		rc = path_in(keys, sizeof(keys), dir, "keys");
	if (rc == 0)
		rc = path_in(priv, sizeof(priv), keys, "demo-signing.pem");
	if (rc == 0)
		rc = path_in(out->referrals, sizeof(out->referrals), dir,
			     "referrals");
	if (rc < 0)
		return rc;

	/* 1. The case and the lists. */
	rc = nsw_case_create(&c, out->case_path, "Demo operation",
			     "netsweep demo");
	if (rc == 0)
		rc = build_list(known, "known", inputs, 2, &out->list_entries);
	if (rc == 0)
		rc = build_list(software, "known-software",
				(const char *[]){nsrl}, 1,
				&out->software_entries);
	if (rc == 0)
		step(&r, "lists: %llu known entries, %llu known-software",
		     (unsigned long long)out->list_entries,
		     (unsigned long long)out->software_entries);
	if (rc == 0)
		rc = nsw_scan_lists_open(&lists, match_lists, 1, allow_lists, 1,
					 NULL);
	/* 2. The seized devices, then 3. the monitored groups. The scan
	 * opens the case itself: ours holds no transaction meanwhile. */
	if (rc == 0)
		rc = run_scans(&r, lists);
	if (rc == 0)
		rc = run_ingest(&r, c, lists);
	/* 4. The network. */
	if (rc == 0) {
		nsw_analyze_options ao;

		nsw_analyze_options_default(&ao);
		rc = nsw_case_analyze(c, &ao, &out->analysis);
		if (rc == 0)
			step(&r,
			     "analyze: %u items (%u known), %u accounts, "
			     "%u suspects",
			     out->analysis.items, out->analysis.known_items,
			     out->analysis.accounts, out->analysis.suspects);
	}
	/* 5. Countries: phones always, logins when the GeoIP test database
	 * could be built (it needs perl). */
	if (rc == 0) {
		nsw_attrib_options ao;
		nsw_attrib_stats as;

		memset(&ao, 0, sizeof(ao));
		out->geoip_used = exists(mmdb) && exists(iplog);
		if (out->geoip_used) {
			ao.geoip_path = mmdb;
			ao.ip_log_path = iplog;
		}
		rc = nsw_attrib_run(c, &ao, &as);
		if (rc == 0)
			rc = nsw_attrib_foreach(c, count_attributed,
						&out->accounts_attributed);
		if (rc == 0)
			step(&r, "attribute: %llu accounts%s",
			     (unsigned long long)out->accounts_attributed,
			     out->geoip_used ? " (phones and IP log)"
					     : " (phones; no GeoIP database)");
	}
	/* 6. What the analyst reads first. */
	if (rc == 0) {
		nsw_suspect_filter f;
		struct seeder sd = {out, 0};

		memset(&f, 0, sizeof(f));
		rc = nsw_case_suspects_foreach(c, &f, take_seeder, &sd);
		f.limit = (uint32_t)(sizeof(out->top) / sizeof(out->top[0]));
		if (rc == 0)
			rc = nsw_case_suspects_foreach(c, &f, take_suspect,
						       out);
		if (rc == 0)
			rc = nsw_case_chat_metrics_foreach(c, 0, take_chat,
							   out);
	}
	for (int i = 0; rc == 0 && i < NSW_DEMO_DEVICES; i++) {
		struct device_find df = {out->device[i], 0};
		struct {
			char *account;
			double *score;
		} best = {out->device_account[i], &out->device_score[i]};

		if (out->device[i][0] == '\0')
			continue;
		rc = nsw_case_evidence_foreach(c, find_evidence, &df);
		if (rc == 0 && df.id > 0) {
			rc = nsw_case_device_links(c, df.id, 31, best_link,
						   &best);
			if (rc > 0)
				rc = 0;
		}
	}
	/* 7. The packages, signed with a key made for the demo. */
	if (rc == 0 && mkdir(keys, 0700) != 0 && errno != EEXIST)
		rc = nsw_error_set(NSW_EIO, "%s: %s", keys, strerror(errno));
	if (rc == 0 && !exists(priv)) {
		rc = path_in(out->public_key, sizeof(out->public_key), keys,
			     "demo-signing.pem.pub");
		if (rc == 0)
			rc = nsw_sign_keygen(priv, out->public_key);
	}
	if (rc == 0) {
		nsw_refer_options ro;

		memset(&ro, 0, sizeof(ro));
		ro.out_dir = out->referrals;
		ro.sign_key = priv;
		ro.agency = "Demo Cyber Patrol Unit";
		ro.case_ref = "DEMO-1";
		rc = nsw_refer_write(c, &ro, take_package, out);
		if (rc == 0)
			step(&r, "refer: %zu packages", out->packages);
	}
	nsw_scan_lists_free(lists);
	nsw_case_close(c);
	out->seconds = now_seconds() - t0;
	return rc;
}
