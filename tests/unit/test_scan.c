/* SPDX-License-Identifier: Apache-2.0 */
/* The scan engine: what it records, hostile trees, evidence untouched,
 * allow-list suppression, and kill -9 then resume. Matching here uses a
 * small exact-MD5 test matcher; list-file matching is tested with the CLI. */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h> /* tests only: tamper with the case behind netsweep */

#include "imgsynth.h"
#include "scancheck.h"
#include "support.h"

#include "netsweep/netsweep.h"

struct known {
	uint8_t md5[16];
	uint32_t list;
	uint64_t entry;
	const char *code;
};

struct test_matcher {
	struct known k[8];
	int n;
	int fail; /* 1: every match call fails */
};

static int tm_match(void *ctx, void *state, const nsw_file_hash *f,
		    nsw_scan_matches *out)
{
	struct test_matcher *tm = ctx;

	(void)state;
	if (tm->fail)
		return NSW_EFORMAT;
	for (int i = 0; i < tm->n; i++) {
		nsw_scan_match m = {0};

		if (!(f->has & NSW_ALGO_BIT(NSW_ALGO_MD5)) ||
		    memcmp(f->digests.md5, tm->k[i].md5, 16) != 0)
			continue;
		m.list = tm->k[i].list;
		m.entry_id = tm->k[i].entry;
		m.algo = NSW_ALGO_MD5;
		m.dihedral = -1;
		m.category_scheme =
			tm->k[i].list == 0 ? "vics-default" : "known-software";
		m.category_code = tm->k[i].code;
		if (nsw_scan_matches_add(out, &m) != 0)
			return nsw_error_last_code();
	}
	return 0;
}

static void put(const char *dir, const char *name, const char *text)
{
	char *p = ts_path(dir, name);

	assert_int_equal(ts_write_file(p, text, strlen(text)), 0);
	free(p);
}

static void md5_of(uint8_t out[16], const char *text)
{
	nsw_digests d;

	assert_int_equal(nsw_digest_buffer(&d, NSW_ALGO_BIT(NSW_ALGO_MD5), text,
					   strlen(text)),
			 0);
	memcpy(out, d.md5, 16);
}

struct tree {
	char *tmp;
	char *ev;
	char *case_path;
};

/* A small evidence tree: text files, a JPEG, a nested dir. */
static void make_tree(struct tree *t, int nfiles)
{
	uint8_t *rgb, *jpeg = NULL;
	size_t jlen = 0;
	char *p;

	t->tmp = ts_tmpdir();
	t->ev = ts_path(t->tmp, "evidence");
	t->case_path = ts_path(t->tmp, "case.nsdb");
	put(t->ev, "known.txt", "known bad content");
	put(t->ev, "sub/software.dll", "MZ known software");
	put(t->ev, "sub/both.bin", "on both lists");
	for (int i = 0; i < nfiles; i++) {
		char name[64], text[64];

		snprintf(name, sizeof(name), "many/f%03d.txt", i);
		snprintf(text, sizeof(text), "file number %d\n", i);
		put(t->ev, name, text);
	}
	rgb = ts_synth_rgb(96, 64, 7);
	assert_non_null(rgb);
	assert_int_equal(ts_encode_jpeg(&jpeg, &jlen, rgb, 96, 64, 3, 90, 0),
			 0);
	p = ts_path(t->ev, "photo.jpg");
	assert_int_equal(ts_write_file(p, jpeg, jlen), 0);
	free(p);
	free(jpeg);
	free(rgb);
	{
		nsw_case *c = NULL;

		assert_int_equal(nsw_case_create(&c, t->case_path, "Scan test",
						 "Tester"),
				 0);
		nsw_case_close(c);
	}
}

static void free_tree(struct tree *t)
{
	free(t->ev);
	free(t->case_path);
	ts_tmpdir_remove(t->tmp);
}

static const nsw_case_list test_lists[2] = {
	{.name = "test-bad",
	 .version = "1",
	 .checksum = "00aa",
	 .entries = 2,
	 .role = NSW_LIST_ROLE_MATCH},
	{.name = "test-nsrl",
	 .version = "1",
	 .checksum = "00bb",
	 .entries = 2,
	 .role = NSW_LIST_ROLE_ALLOW},
};

static void setup_matcher(struct test_matcher *tm, nsw_scan_matcher *m)
{
	memset(tm, 0, sizeof(*tm));
	md5_of(tm->k[0].md5, "known bad content");
	tm->k[0].list = 0;
	tm->k[0].entry = 0;
	tm->k[0].code = "1";
	md5_of(tm->k[1].md5, "on both lists");
	tm->k[1].list = 0;
	tm->k[1].entry = 1;
	tm->k[1].code = "2";
	md5_of(tm->k[2].md5, "MZ known software");
	tm->k[2].list = 1;
	tm->k[2].entry = 0;
	md5_of(tm->k[3].md5, "on both lists");
	tm->k[3].list = 1;
	tm->k[3].entry = 1;
	tm->n = 4;
	memset(m, 0, sizeof(*m));
	m->match = tm_match;
	m->ctx = tm;
}

static void base_options(nsw_scan_options *o, const struct tree *t,
			 const nsw_scan_matcher *m)
{
	memset(o, 0, sizeof(*o));
	o->evidence_path = t->ev;
	o->label = "disk-1";
	o->lists = test_lists;
	o->nlists = 2;
	o->matcher = m;
	o->threads = 2;
}

struct seen_hits {
	int n;
	char what[8][96];
};

static int collect(void *ctx, const nsw_hit_row *r)
{
	struct seen_hits *s = ctx;

	if (s->n < 8)
		snprintf(s->what[s->n], sizeof(s->what[0]), "%s %s %s:%s %d",
			 r->file->display_path, r->list_name,
			 r->hit.category_scheme,
			 r->hit.category_code ? r->hit.category_code : "-",
			 r->hit.suppressed);
	s->n++;
	return 0;
}

static void scan_records_files_digests_and_hits(void **state)
{
	struct tree t;
	struct test_matcher tm;
	nsw_scan_matcher m;
	nsw_scan_options o;
	nsw_scan_result r;
	nsw_case *c = NULL;
	nsw_case_totals tot;
	nsw_case_file f;
	nsw_hit_filter all = {.include_suppressed = 1, .include_allow = 1};
	struct seen_hits seen = {0};
	nsw_digests d;
	int64_t id = 0;

	(void)state;
	make_tree(&t, 5);
	setup_matcher(&tm, &m);
	base_options(&o, &t, &m);
	assert_int_equal(nsw_scan_run(t.case_path, &o, &r), 0);
	assert_int_equal(r.resumed, 0);
	assert_int_equal(r.files, 9);
	assert_int_equal(r.errors, 0);
	assert_int_equal(r.hits, 1); /* "both" is suppressed by the NSRL */

	assert_int_equal(nsw_case_open(&c, t.case_path, NSW_CASE_READONLY), 0);
	assert_int_equal(nsw_case_get_totals(c, 0, &tot), 0);
	assert_int_equal(tot.files, 9);
	assert_int_equal(tot.files_ok, 9);
	assert_int_equal(tot.hits, 1);
	assert_int_equal(tot.hits_suppressed, 1);
	assert_int_equal(tot.files_allowlisted, 2);
	assert_int_equal(nsw_case_file_find(c, r.evidence_id,
					    (const uint8_t *)"known.txt", 9,
					    &id),
			 0);
	assert_int_equal(nsw_case_file_get(c, id, &f), 0);
	assert_int_equal(
		nsw_digest_buffer(&d, NSW_DIGESTS_ALL, "known bad content", 17),
		0);
	assert_memory_equal(f.md5, d.md5, 16);
	assert_memory_equal(f.sha1, d.sha1, 20);
	assert_memory_equal(f.sha256, d.sha256, 32);
	assert_int_equal(f.size, 17);
	assert_string_equal(f.media_type, "text/plain");
	assert_true(f.mtime_ns != NSW_TIME_UNKNOWN);
	assert_int_equal(nsw_case_file_find(c, r.evidence_id,
					    (const uint8_t *)"photo.jpg", 9,
					    &id),
			 0);
	assert_int_equal(nsw_case_file_get(c, id, &f), 0);
	assert_string_equal(f.media_type, "image/jpeg");
	assert_true(f.has & NSW_CASE_HAS_PDQ);
	assert_int_equal(nsw_case_file_find(c, r.evidence_id,
					    (const uint8_t *)"sub/software.dll",
					    16, &id),
			 0);
	assert_int_equal(nsw_case_file_get(c, id, &f), 0);
	assert_string_equal(f.media_type, "application/x-msdownload");

	assert_int_equal(nsw_case_hits_foreach(c, &all, collect, &seen), 0);
	assert_int_equal(seen.n, 4);
	assert_string_equal(seen.what[0],
			    "known.txt test-bad vics-default:1 0");
	assert_string_equal(seen.what[1],
			    "sub/both.bin test-bad vics-default:2 1");
	assert_string_equal(seen.what[2],
			    "sub/both.bin test-nsrl known-software:- 0");
	assert_string_equal(seen.what[3],
			    "sub/software.dll test-nsrl known-software:- 0");
	nsw_case_close(c);
	free_tree(&t);
}

static int count_status(void *ctx, const nsw_case_file *f)
{
	int *counts = ctx;

	counts[f->status]++;
	if (f->status == NSW_FILE_SKIPPED_SYMLINK) {
		assert_int_equal(f->link_target_len, strlen("/etc/passwd"));
		assert_memory_equal(f->link_target, "/etc/passwd", 11);
		assert_int_equal(f->has, 0); /* not followed */
	}
	return 0;
}

static void hostile_entries_are_recorded_and_scan_goes_on(void **state)
{
	struct tree t;
	nsw_scan_options o;
	nsw_scan_result r;
	nsw_case *c = NULL;
	nsw_case_totals tot;
	int counts[NSW_FILE_STATUS_COUNT] = {0};
	char *p;
	char badname[64];
	int as_root = geteuid() == 0;

	(void)state;
	make_tree(&t, 0);
	p = ts_path(t.ev, "link-out");
	assert_int_equal(symlink("/etc/passwd", p), 0);
	free(p);
	p = ts_path(t.ev, "fifo");
	assert_int_equal(mkfifo(p, 0600), 0);
	free(p);
	snprintf(badname, sizeof(badname), "latin1-\xe9t\xe9.txt");
	put(t.ev, badname, "not utf-8 name");
	put(t.ev, "secret/locked.txt", "locked");
	p = ts_path(t.ev, "secret/locked.txt");
	assert_int_equal(chmod(p, 0), 0);
	free(p);
	base_options(&o, &t, NULL);
	o.nlists = 0;
	assert_int_equal(nsw_scan_run(t.case_path, &o, &r), 0);
	assert_int_equal(nsw_case_open(&c, t.case_path, NSW_CASE_READONLY), 0);
	assert_int_equal(nsw_case_problems_foreach(c, 0, count_status, counts),
			 0);
	assert_int_equal(counts[NSW_FILE_SKIPPED_SYMLINK], 1);
	assert_int_equal(counts[NSW_FILE_SKIPPED_SPECIAL], 1);
	/* Root reads anything: the permission case only shows as a user. */
	assert_int_equal(counts[NSW_FILE_ERROR], as_root ? 0 : 1);
	assert_int_equal(nsw_case_get_totals(c, 0, &tot), 0);
	assert_int_equal(tot.names_not_utf8, 1);
	/* 4 from make_tree + link, fifo, latin-1 name, locked file */
	assert_int_equal(tot.files, 8);
	nsw_case_close(c);
	p = ts_path(t.ev, "secret/locked.txt");
	chmod(p, 0600);
	free(p);
	free_tree(&t);
}

struct snapshot {
	int n;
	char names[32][64];
	struct stat st[32];
};

static void snap(struct snapshot *s, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	assert_non_null(d);
	s->n = 0;
	while ((e = readdir(d)) != NULL && s->n < 32) {
		char *p;

		/* ".." is the temp dir, where the case file lives. */
		if (strcmp(e->d_name, "..") == 0)
			continue;
		p = ts_path(dir, e->d_name);

		snprintf(s->names[s->n], 64, "%.63s", e->d_name);
		assert_int_equal(lstat(p, &s->st[s->n]), 0);
		free(p);
		s->n++;
	}
	closedir(d);
}

static void evidence_is_left_untouched(void **state)
{
	struct tree t;
	struct test_matcher tm;
	nsw_scan_matcher m;
	nsw_scan_options o;
	nsw_scan_result r;
	struct snapshot before, after;

	(void)state;
	make_tree(&t, 3);
	/* Old access times on files and directories, so any read that
	 * updated an access time shows (relatime updates an atime older
	 * than the mtime). */
	{
		static const char *const names[] = {
			".",	"known.txt",	"photo.jpg",	"sub",
			"many", "sub/both.bin", "many/f001.txt"};
		struct timespec old[2] = {{1000000, 0}, {2000000, 0}};

		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			char *p = ts_path(t.ev, names[i]);

			assert_int_equal(utimensat(AT_FDCWD, p, old, 0), 0);
			free(p);
		}
	}
	snap(&before, t.ev);
	setup_matcher(&tm, &m);
	base_options(&o, &t, &m);
	assert_int_equal(nsw_scan_run(t.case_path, &o, &r), 0);
	snap(&after, t.ev);
	assert_int_equal(before.n, after.n);
	for (int i = 0; i < before.n; i++) {
		assert_string_equal(before.names[i], after.names[i]);
		assert_int_equal(before.st[i].st_size, after.st[i].st_size);
		assert_int_equal(before.st[i].st_mtim.tv_sec,
				 after.st[i].st_mtim.tv_sec);
		if (before.st[i].st_atim.tv_sec != after.st[i].st_atim.tv_sec)
			fail_msg("%s: access time changed by the scan",
				 before.names[i]);
		assert_int_equal(before.st[i].st_ctim.tv_nsec,
				 after.st[i].st_ctim.tv_nsec);
	}
	free_tree(&t);
}

static void refuses_case_inside_evidence(void **state)
{
	struct tree t;
	nsw_scan_options o;
	nsw_scan_result r;
	nsw_case *c = NULL;
	char *inside;

	(void)state;
	make_tree(&t, 0);
	inside = ts_path(t.ev, "inside.nsdb");
	assert_int_equal(nsw_case_create(&c, inside, "x", "y"), 0);
	nsw_case_close(c);
	base_options(&o, &t, NULL);
	o.nlists = 0;
	assert_int_equal(nsw_scan_run(inside, &o, &r), NSW_EINVAL);
	free(inside);
	free_tree(&t);
}

static void
matcher_failure_fails_the_scan_and_records_nothing_wrong(void **state)
{
	struct tree t;
	struct test_matcher tm;
	nsw_scan_matcher m;
	nsw_scan_options o;
	nsw_scan_result r;
	nsw_case *c = NULL;
	nsw_case_totals tot;

	(void)state;
	make_tree(&t, 2);
	setup_matcher(&tm, &m);
	tm.fail = 1;
	base_options(&o, &t, &m);
	assert_int_equal(nsw_scan_run(t.case_path, &o, &r), NSW_EFORMAT);
	assert_int_equal(nsw_case_open(&c, t.case_path, NSW_CASE_READONLY), 0);
	assert_int_equal(nsw_case_get_totals(c, 0, &tot), 0);
	assert_int_equal(tot.files, 0); /* no file without its matching */
	nsw_case_close(c);
	/* Fixed, the same command resumes the unfinished run. */
	tm.fail = 0;
	assert_int_equal(nsw_scan_run(t.case_path, &o, &r), 0);
	assert_int_equal(r.resumed, 1);
	assert_int_equal(r.files, 6);
	free_tree(&t);
}

static void killed_scan_resumes_without_loss_or_duplicates(void **state)
{
	struct tree t;
	struct test_matcher tm;
	nsw_scan_matcher m;
	nsw_scan_options o;
	nsw_scan_result r;
	nsw_case *c = NULL;
	nsw_case_totals tot;
	nsw_audit_check chk;
	struct seen_hits seen = {0};
	nsw_hit_filter all = {.include_suppressed = 1, .include_allow = 1};
	int64_t before = 0;
	pid_t pid;
	int status = 0;

	(void)state;
	make_tree(&t, 60);
	setup_matcher(&tm, &m);
	base_options(&o, &t, &m);
	o.batch_files = 7;
	o.test_kill_after = 20;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		nsw_scan_run(t.case_path, &o, &r);
		_exit(0); /* not reached when the kill point is hit */
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGKILL);
	assert_int_equal(nsw_case_open(&c, t.case_path, NSW_CASE_READONLY), 0);
	assert_int_equal(nsw_case_get_totals(c, 0, &tot), 0);
	before = tot.files;
	/* Killed right after the commit that passed 20: 3 batches of 7. */
	assert_int_equal(before, 21);
	nsw_case_close(c);

	o.test_kill_after = 0;
	assert_int_equal(nsw_scan_run(t.case_path, &o, &r), 0);
	assert_int_equal(r.resumed, 1);
	assert_int_equal(r.files_skipped, before);
	assert_int_equal(r.files + r.files_skipped, 64);
	assert_int_equal(nsw_case_open(&c, t.case_path, NSW_CASE_READONLY), 0);
	assert_int_equal(nsw_case_get_totals(c, 0, &tot), 0);
	assert_int_equal(tot.files, 64);
	assert_int_equal(tot.scan_runs, 1);
	assert_int_equal(nsw_case_hits_foreach(c, &all, collect, &seen), 0);
	assert_int_equal(seen.n, 4);
	assert_int_equal(nsw_case_audit_verify(c, &chk), 0);
	assert_true(chk.ok);
	nsw_case_close(c);
	/* Done now: the same command again starts a new run that finds
	 * everything recorded and reads nothing. */
	assert_int_equal(nsw_scan_run(t.case_path, &o, &r), 0);
	assert_int_equal(r.resumed, 0);
	assert_int_equal(r.files, 0);
	assert_int_equal(r.files_skipped, 64);
	free_tree(&t);
}

static void verify_detects_modified_deleted_and_added_files(void **state)
{
	struct tree t;
	nsw_scan_options o;
	nsw_scan_result r;
	nsw_verify_result vr;
	ts_diffs d = {0};
	char *p;
	sqlite3 *db = NULL;

	(void)state;
	make_tree(&t, 4);
	base_options(&o, &t, NULL);
	o.nlists = 0;
	assert_int_equal(nsw_scan_run(t.case_path, &o, &r), 0);
	/* Untouched: nothing to report. */
	assert_int_equal(nsw_scan_verify(t.case_path, "disk-1", ts_collect_diff,
					 &d, &vr),
			 0);
	assert_int_equal(d.n, 0);
	assert_int_equal(vr.checked, 8);
	/* Same size, other bytes; a deletion; an addition. */
	put(t.ev, "known.txt", "KNOWN bad content");
	p = ts_path(t.ev, "many/f001.txt");
	assert_int_equal(unlink(p), 0);
	free(p);
	put(t.ev, "sub/new.txt", "added after the scan");
	assert_int_equal(
		nsw_scan_verify(t.case_path, NULL, ts_collect_diff, &d, &vr),
		0);
	assert_int_equal(d.n, 3);
	assert_true(ts_diffs_has(&d, "changed known.txt", 0));
	assert_true(ts_diffs_has(&d, "missing many/f001.txt", 0));
	assert_true(ts_diffs_has(&d, "new sub/new.txt", 0));
	assert_int_equal(vr.changed, 1);
	assert_int_equal(vr.missing, 1);
	assert_int_equal(vr.added, 1);
	assert_int_equal(vr.manifest_mismatch, 0);
	/* Editing the case's record of a file breaks the manifest root. */
	assert_int_equal(sqlite3_open(t.case_path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
				      "UPDATE files SET size=1 WHERE "
				      "path=CAST('photo.jpg' AS BLOB);",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	memset(&d, 0, sizeof(d));
	assert_int_equal(nsw_scan_verify(t.case_path, "disk-1", ts_collect_diff,
					 &d, &vr),
			 0);
	assert_int_equal(vr.manifest_mismatch, 1);
	assert_true(ts_diffs_has(&d, "manifest ", 0));
	assert_true(ts_diffs_has(&d, "changed photo.jpg", 0));
	assert_int_equal(nsw_scan_verify(t.case_path, "nope", NULL, NULL, &vr),
			 NSW_ENOTFOUND);
	free_tree(&t);
}

/* A matcher that deletes a file the scan has walked but not read yet. */
struct vanisher {
	char *victim;
	int done;
};

static int delete_victim(void *ctx, void *state, const nsw_file_hash *f,
			 nsw_scan_matches *out)
{
	struct vanisher *v = ctx;

	(void)state;
	(void)f;
	(void)out;
	if (!v->done) {
		v->done = 1;
		assert_int_equal(unlink(v->victim), 0);
	}
	return 0;
}

static int find_vanished(void *ctx, const nsw_case_file *f)
{
	int *seen = ctx;

	if (f->status == NSW_FILE_VANISHED &&
	    strcmp(f->display_path, "zz-last.txt") == 0)
		(*seen)++;
	return 0;
}

static void file_vanishing_mid_scan_is_recorded(void **state)
{
	struct tree t;
	struct vanisher v = {0};
	nsw_scan_matcher m = {0};
	nsw_scan_options o;
	nsw_scan_result r;
	nsw_case *c = NULL;
	int seen = 0;

	(void)state;
	make_tree(&t, 0);
	put(t.ev, "zz-last.txt", "walked, then deleted before it is read");
	v.victim = ts_path(t.ev, "zz-last.txt");
	m.match = delete_victim;
	m.ctx = &v;
	base_options(&o, &t, &m);
	o.nlists = 0;
	o.threads = 1; /* files are read in walk order: the victim is last */
	assert_int_equal(nsw_scan_run(t.case_path, &o, &r), 0);
	assert_int_equal(r.errors, 1);
	assert_int_equal(nsw_case_open(&c, t.case_path, NSW_CASE_READONLY), 0);
	assert_int_equal(nsw_case_problems_foreach(c, 0, find_vanished, &seen),
			 0);
	assert_int_equal(seen, 1);
	nsw_case_close(c);
	free(v.victim);
	free_tree(&t);
}

static void cancelled_scan_stops_cleanly_and_resumes(void **state)
{
	struct tree t;
	nsw_scan_options o;
	nsw_scan_result r;
	volatile sig_atomic_t cancel = 1;

	(void)state;
	make_tree(&t, 10);
	base_options(&o, &t, NULL);
	o.nlists = 0;
	o.cancel = &cancel;
	assert_int_equal(nsw_scan_run(t.case_path, &o, &r), 0);
	assert_int_equal(r.stopped, 1);
	cancel = 0;
	assert_int_equal(nsw_scan_run(t.case_path, &o, &r), 0);
	assert_int_equal(r.stopped, 0);
	assert_int_equal(r.resumed, 1);
	assert_int_equal(r.files + r.files_skipped, 14);
	free_tree(&t);
}

/*
 * A JPEG cut short in the evidence: a strict scan (the default) records its
 * digests and a "truncated" error, no PDQ; a --partial-images scan (new
 * label, same path) records the hasher's partial PDQ with its rows, and the
 * scan result counts it.
 */
static void partial_images_are_recorded_as_partial(void **state)
{
	struct tree t;
	nsw_scan_options o;
	nsw_scan_result r;
	nsw_case *c = NULL;
	nsw_case_file f;
	nsw_hasher *h = NULL;
	nsw_file_hash fh;
	uint8_t *rgb = ts_synth_rgb(160, 128, 5), *jpeg = NULL;
	size_t jlen = 0;
	char *cut;
	int64_t id = 0, strict_ev;

	(void)state;
	make_tree(&t, 0);
	assert_non_null(rgb);
	assert_int_equal(ts_encode_jpeg(&jpeg, &jlen, rgb, 160, 128, 3, 90, 0),
			 0);
	cut = ts_path(t.ev, "download.jpg.part");
	assert_int_equal(ts_write_file(cut, jpeg, jlen * 9 / 10), 0);

	base_options(&o, &t, NULL);
	o.nlists = 0;
	assert_int_equal(nsw_scan_run(t.case_path, &o, &r), 0);
	assert_int_equal(r.partial_images, 0);
	strict_ev = r.evidence_id;
	o.label = "disk-1-partial";
	o.partial_images = 1;
	assert_int_equal(nsw_scan_run(t.case_path, &o, &r), 0);
	assert_int_equal(r.partial_images, 1);
	assert_true(r.evidence_id != strict_ev);

	assert_int_equal(
		nsw_hasher_new(&h, NSW_DIGESTS_ALL | NSW_ALGO_BIT(NSW_ALGO_PDQ),
			       1),
		0);
	assert_int_equal(nsw_hasher_set_partial_images(h, 1), 0);
	assert_int_equal(nsw_hasher_file(h, &fh, cut), 0);
	assert_int_equal(fh.pdq.partial, 1);

	assert_int_equal(nsw_case_open(&c, t.case_path, NSW_CASE_READONLY), 0);
	assert_int_equal(nsw_case_file_find(
				 c, strict_ev,
				 (const uint8_t *)"download.jpg.part", 17, &id),
			 0);
	assert_int_equal(nsw_case_file_get(c, id, &f), 0);
	assert_false(f.has & NSW_CASE_HAS_PDQ);
	assert_true(f.has & NSW_CASE_HAS_SHA256);
	assert_memory_equal(f.sha256, fh.digests.sha256, 32);
	assert_non_null(strstr(f.error, "truncated"));
	assert_int_equal(f.pdq_partial, 0);

	assert_int_equal(nsw_case_file_find(
				 c, r.evidence_id,
				 (const uint8_t *)"download.jpg.part", 17, &id),
			 0);
	assert_int_equal(nsw_case_file_get(c, id, &f), 0);
	assert_true(f.has & NSW_CASE_HAS_PDQ);
	assert_memory_equal(f.sha256, fh.digests.sha256, 32);
	assert_memory_equal(f.pdq.bytes, fh.pdq.hash.bytes, NSW_PDQ_BYTES);
	assert_int_equal(f.pdq_partial, 1);
	assert_int_equal(f.pdq_rows_present, fh.pdq.rows_present);
	assert_int_equal(f.pdq_rows, 128);
	assert_true(f.pdq_rows_present < 128);
	assert_null(f.error);
	/* The whole photo of the same scan is not marked. */
	assert_int_equal(nsw_case_file_find(c, r.evidence_id,
					    (const uint8_t *)"photo.jpg", 9,
					    &id),
			 0);
	assert_int_equal(nsw_case_file_get(c, id, &f), 0);
	assert_true(f.has & NSW_CASE_HAS_PDQ);
	assert_int_equal(f.pdq_partial, 0);
	nsw_case_close(c);
	nsw_hasher_free(h);
	free(cut);
	free(jpeg);
	free(rgb);
	free_tree(&t);
}

static void sniffs_media_types_from_content(void **state)
{
	static const struct {
		const char *head;
		size_t len;
		const char *type;
	} rows[] = {
		{"\xff\xd8\xff\xe0", 4, "image/jpeg"},
		{"%PDF-1.7\n", 9, "application/pdf"},
		{"PK\x03\x04rest", 8, "application/zip"},
		{"\x7f"
		 "ELF\x02\x01",
		 6, "application/x-elf"},
		{"RIFF\0\0\0\0WEBPVP8 ", 16, "image/webp"},
		{"\0\0\0\x18"
		 "ftypmp42",
		 12, "video/mp4"},
		{"hello world\n", 12, "text/plain"},
		{"\x00\x01\x02\x03", 4, NULL},
		{"", 0, NULL},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const char *got = nsw_scan_media_type(
			(const uint8_t *)rows[i].head, rows[i].len);

		if (rows[i].type == NULL)
			assert_null(got);
		else
			assert_string_equal(got, rows[i].type);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(scan_records_files_digests_and_hits),
		cmocka_unit_test(hostile_entries_are_recorded_and_scan_goes_on),
		cmocka_unit_test(evidence_is_left_untouched),
		cmocka_unit_test(refuses_case_inside_evidence),
		cmocka_unit_test(
			matcher_failure_fails_the_scan_and_records_nothing_wrong),
		cmocka_unit_test(
			killed_scan_resumes_without_loss_or_duplicates),
		cmocka_unit_test(
			verify_detects_modified_deleted_and_added_files),
		cmocka_unit_test(file_vanishing_mid_scan_is_recorded),
		cmocka_unit_test(cancelled_scan_stops_cleanly_and_resumes),
		cmocka_unit_test(partial_images_are_recorded_as_partial),
		cmocka_unit_test(sniffs_media_types_from_content),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
