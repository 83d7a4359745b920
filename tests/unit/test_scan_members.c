/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Members of one archive hashed by several workers (scan_archive.c): more
 * than one thread hashes members of one zip (proved through the test hook,
 * not by timing), the records are the same as when the reading worker
 * hashes every member itself, the bytes in flight stay under the bound,
 * and a scan killed in the middle of the archive resumes without a member
 * recorded twice or lost. Archives are written at test time from benign
 * generated images and text.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h> /* tests only: read the case's rows directly */

#include "imgsynth.h"
#include "scancheck.h"
#include "support.h"
#include "zipwrite.h"

#include "netsweep/netsweep.h"

#define NIMG 24	 /* distinct JPEGs, each also on disk */
#define NTEXT 40 /* small text members */
#define NMEM (NIMG + NTEXT + 2)

struct ev {
	char *tmp, *ev;
	uint8_t *img[NIMG], *nested;
	size_t img_len[NIMG], nested_len;
	char names[NMEM][32], texts[NTEXT][48];
	ts_zip_entry m[NMEM];
	uint8_t known_md5[16];
};

static char *put_archive(const struct ev *e, const char *name,
			 const char *format, const char *filter,
			 const ts_zip_entry *m, size_t n)
{
	ts_archive_spec spec = {format, filter, NULL, NULL};
	char *p = ts_path(e->ev, name);

	assert_int_equal(ts_write_file(p, "", 0), 0);
	assert_int_equal(ts_write_archive(p, &spec, m, n), 0);
	return p;
}

/* A zip of NIMG JPEGs, NTEXT texts, a truncated JPEG (a decoding note)
 * and a nested zip (read by the reading worker); the same as a tar.gz. */
static void make_ev(struct ev *e)
{
	ts_zip_entry inner[2];
	char *p;
	nsw_digests d;
	size_t k = 0;

	memset(e, 0, sizeof(*e));
	e->tmp = ts_tmpdir();
	e->ev = ts_path(e->tmp, "evidence");
	for (int i = 0; i < NIMG; i++) {
		uint8_t *rgb = ts_synth_rgb(64 + 8 * (i % 5), 48, 100 + i);

		assert_non_null(rgb);
		assert_int_equal(ts_encode_jpeg(&e->img[i], &e->img_len[i], rgb,
						64 + 8 * (i % 5), 48, 3, 90, 0),
				 0);
		free(rgb);
		snprintf(e->names[k], sizeof(e->names[k]), "dcim/img%02d.jpg",
			 i);
		e->m[k] = (ts_zip_entry){e->names[k], e->img[i], e->img_len[i],
					 1500000000 + i};
		k++;
	}
	for (int i = 0; i < NTEXT; i++) {
		snprintf(e->texts[i], sizeof(e->texts[i]), "note %d: %*s\n", i,
			 i, "x");
		snprintf(e->names[k], sizeof(e->names[k]), "notes/n%02d.txt",
			 i);
		e->m[k] = (ts_zip_entry){e->names[k], e->texts[i],
					 strlen(e->texts[i]), 0};
		k++;
	}
	snprintf(e->names[k], sizeof(e->names[k]), "dcim/cut.jpg");
	e->m[k] = (ts_zip_entry){e->names[k], e->img[0], e->img_len[0] / 2, 0};
	k++;
	inner[0] = e->m[1];
	inner[1] = e->m[NIMG];
	p = put_archive(e, "inner.zip", "zip", NULL, inner, 2);
	e->nested = ts_read_file(p, &e->nested_len);
	assert_non_null(e->nested);
	assert_int_equal(unlink(p), 0);
	free(p);
	snprintf(e->names[k], sizeof(e->names[k]), "backup/inner.zip");
	e->m[k] = (ts_zip_entry){e->names[k], e->nested, e->nested_len, 0};
	k++;
	assert_int_equal(k, NMEM);
	free(put_archive(e, "phone.zip", "zip", NULL, e->m, NMEM));
	free(put_archive(e, "phone.tar.gz", "pax", "gzip", e->m, NMEM));
	assert_int_equal(nsw_digest_buffer(&d, NSW_ALGO_BIT(NSW_ALGO_MD5),
					   e->img[3], e->img_len[3]),
			 0);
	memcpy(e->known_md5, d.md5, 16);
}

static void free_ev(struct ev *e)
{
	for (int i = 0; i < NIMG; i++)
		free(e->img[i]);
	free(e->nested);
	free(e->ev);
	ts_tmpdir_remove(e->tmp);
}

static char *new_case(const struct ev *e, const char *name)
{
	char *p = ts_path(e->tmp, name);
	nsw_case *c = NULL;

	assert_int_equal(nsw_case_create(&c, p, "Members", "T"), 0);
	nsw_case_close(c);
	return p;
}

static void options(nsw_scan_options *o, nsw_scan_matcher *m,
		    const struct ev *e)
{
	ts_md5_scan_options(o, m, e->known_md5, e->ev);
}

/* Every record as one line of text (all that a scan decides about a file,
 * ids aside), in path order; and the hits. Caller frees. */
static char *dump(const char *case_path)
{
	static const char sql[] =
		"SELECT group_concat(line, char(10)) FROM (SELECT "
		"f.display_path || '|' || f.status || '|' || "
		"coalesce(f.error, '') || '|' || hex(f.md5) || hex(f.sha1) || "
		"hex(f.sha256) || '|' || hex(f.pdq) || '|' || "
		"coalesce(f.pdq_quality, '') || '|' || coalesce(f.size, '') || "
		"'|' || coalesce(f.media_type, '') || '|' || "
		"coalesce(f.mtime_ns, '') || '|' || "
		"coalesce(p.display_path, '') || '|' || (SELECT count(*) FROM "
		"hits h WHERE h.file_id = f.id) AS line FROM files f LEFT JOIN "
		"files p ON p.id = f.container_file_id ORDER BY f.path)";
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	char *out = NULL;

	assert_int_equal(
		sqlite3_open_v2(case_path, &db, SQLITE_OPEN_READONLY, NULL),
		SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	out = strdup((const char *)sqlite3_column_text(st, 0));
	assert_non_null(out);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return out;
}

/* ---- The test hook: which threads hash buffered members ----------------- */

struct seen {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_t tid[8];
	int ntid, calls, timed_out, gate;
	uint64_t peak;
};

static void seen_init(struct seen *s, int gate)
{
	memset(s, 0, sizeof(*s));
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->cond, NULL);
	s->gate = gate;
}

static void seen_free(struct seen *s)
{
	pthread_cond_destroy(&s->cond);
	pthread_mutex_destroy(&s->lock);
}

/*
 * With the gate on, the first thread to hash a member waits here until a
 * second thread hashes one: the scan only finishes when two threads hashed
 * members of the same archive. The first hash finds all the members read
 * so far still queued, so another worker can always come; the wait's
 * bound (60 s) only turns a broken build's hang into a failure.
 */
static void seen_hook(void *ctx, uint64_t peak)
{
	struct seen *s = ctx;
	pthread_t self = pthread_self();
	int known = 0;

	pthread_mutex_lock(&s->lock);
	s->calls++;
	if (peak > s->peak)
		s->peak = peak;
	for (int i = 0; i < s->ntid; i++)
		known |= pthread_equal(s->tid[i], self);
	if (!known && s->ntid < 8)
		s->tid[s->ntid++] = self;
	pthread_cond_broadcast(&s->cond);
	if (s->gate) {
		struct timespec until;

		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 60;
		while (s->ntid < 2 && !s->timed_out)
			if (pthread_cond_timedwait(&s->cond, &s->lock,
						   &until) == ETIMEDOUT)
				s->timed_out = 1;
	}
	pthread_mutex_unlock(&s->lock);
}

/* ---- Tests ---------------------------------------------------------- */

static void members_of_one_archive_are_hashed_on_two_threads(void **state)
{
	struct ev e;
	struct seen s;
	nsw_scan_matcher mt;
	nsw_scan_options o;
	nsw_scan_result r;
	char *case_path, *tar;

	(void)state;
	make_ev(&e);
	tar = ts_path(e.ev, "phone.tar.gz");
	assert_int_equal(unlink(tar), 0); /* one archive: one reader */
	free(tar);
	case_path = new_case(&e, "case.nsdb");
	seen_init(&s, 1);
	options(&o, &mt, &e);
	o.test_member_hook = seen_hook;
	o.test_member_ctx = &s;
	assert_int_equal(nsw_scan_run(case_path, &o, &r), 0);
	assert_false(s.timed_out);
	assert_true(s.ntid >= 2);
	/* Top-level members but the nested zip (read where it is found). */
	assert_int_equal(s.calls, NMEM - 1);
	/* The archive, its NMEM members and the 2 of the nested zip. */
	assert_int_equal(r.files, 1 + NMEM + 2);
	assert_int_equal(r.hits, 1); /* img03 */
	seen_free(&s);
	free(case_path);
	free_ev(&e);
}

static void records_are_those_of_the_reading_worker_alone(void **state)
{
	struct ev e;
	struct seen s;
	nsw_scan_matcher mt;
	nsw_scan_options o;
	nsw_scan_result r, ri;
	char *par_case, *inl_case, *one_case, *a, *b, *c;

	(void)state;
	make_ev(&e);
	par_case = new_case(&e, "par.nsdb");
	inl_case = new_case(&e, "inline.nsdb");
	one_case = new_case(&e, "one.nsdb");
	seen_init(&s, 0);
	options(&o, &mt, &e);
	o.test_member_hook = seen_hook;
	o.test_member_ctx = &s;
	assert_int_equal(nsw_scan_run(par_case, &o, &r), 0);
	assert_true(s.calls > 0);
	o.test_member_inflight = -1; /* no buffering: as before */
	s.calls = 0;
	assert_int_equal(nsw_scan_run(inl_case, &o, &ri), 0);
	assert_int_equal(s.calls, 0);
	o.test_member_inflight = 0;
	o.threads = 1;
	assert_int_equal(nsw_scan_run(one_case, &o, &ri), 0);
	assert_int_equal(r.files, ri.files);
	assert_int_equal(r.errors, ri.errors);
	assert_int_equal(r.hits, ri.hits);
	assert_int_equal(r.bytes, ri.bytes);
	a = dump(par_case);
	b = dump(inl_case);
	c = dump(one_case);
	assert_string_equal(a, b);
	assert_string_equal(a, c);
	/* The dump sees what matters: the cut JPEG's note, a PDQ, a hit. */
	assert_non_null(strstr(a, "phone.zip!/dcim/cut.jpg|ok|"));
	assert_null(strstr(a, "phone.zip!/dcim/cut.jpg|ok||"));
	assert_non_null(strstr(a, "phone.zip!/backup/inner.zip!/"));
	free(a);
	free(b);
	free(c);
	seen_free(&s);
	free(par_case);
	free(inl_case);
	free(one_case);
	free_ev(&e);
}

static void bytes_in_flight_stay_under_the_bound(void **state)
{
	struct ev e;
	struct seen s;
	nsw_scan_matcher mt;
	nsw_scan_options o;
	nsw_scan_result r;
	char *case_path;
	size_t biggest = 0, total = 0;

	(void)state;
	make_ev(&e);
	for (int i = 0; i < NMEM; i++) {
		biggest = e.m[i].len > biggest ? e.m[i].len : biggest;
		total += e.m[i].len;
	}
	case_path = new_case(&e, "case.nsdb");
	seen_init(&s, 0);
	options(&o, &mt, &e);
	/* Room for about three of the biggest members at once. */
	o.test_member_inflight = (int64_t)(3 * (biggest + 1));
	assert_true((size_t)o.test_member_inflight < total / 4);
	o.test_member_hook = seen_hook;
	o.test_member_ctx = &s;
	assert_int_equal(nsw_scan_run(case_path, &o, &r), 0);
	assert_int_equal(r.files, 2 * (1 + NMEM + 2));
	assert_int_equal(s.calls, 2 * (NMEM - 1));
	assert_true(s.peak > 0);
	assert_true(s.peak <= (uint64_t)o.test_member_inflight);
	seen_free(&s);
	free(case_path);
	free_ev(&e);
}

/* A member recorded, and its archive's record, only with all members. */
static void assert_members_first(const char *case_path)
{
	int64_t zip =
		ts_count_rows(case_path, "SELECT count(*) FROM files WHERE "
					 "display_path = 'phone.zip'");
	int64_t in =
		ts_count_rows(case_path, "SELECT count(*) FROM files WHERE "
					 "display_path LIKE 'phone.zip!/%' "
					 "AND display_path NOT LIKE "
					 "'phone.zip!/backup/inner.zip!/%'");

	if (zip > 0)
		assert_int_equal(in, NMEM);
}

static void killed_mid_archive_resumes_without_duplicates(void **state)
{
	struct ev e;
	nsw_scan_matcher mt;
	nsw_scan_options o;
	nsw_scan_result r;
	char *case_path, *ref_case, *a, *b;
	int64_t before;
	pid_t pid;
	int status = 0;

	(void)state;
	make_ev(&e);
	case_path = new_case(&e, "case.nsdb");
	ref_case = new_case(&e, "ref.nsdb");
	options(&o, &mt, &e);
	o.batch_files = 3;
	o.batch_ms = 60000;
	o.test_kill_after = 20;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		nsw_scan_run(case_path, &o, &r);
		_exit(0); /* not reached when the kill point is hit */
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGKILL);
	before = ts_count_rows(case_path, "SELECT count(*) FROM files");
	assert_true(before >= 20 && before < 2 * (1 + NMEM + 2));
	assert_members_first(case_path);

	o.test_kill_after = 0;
	assert_int_equal(nsw_scan_run(case_path, &o, &r), 0);
	assert_int_equal(r.resumed, 1);
	assert_int_equal(ts_count_rows(case_path, "SELECT count(*) FROM files"),
			 2 * (1 + NMEM + 2));
	assert_int_equal(ts_count_rows(case_path, "SELECT count(DISTINCT path) "
						  "FROM files"),
			 2 * (1 + NMEM + 2));
	assert_int_equal(
		ts_count_rows(case_path,
			      "SELECT count(*) FROM files f JOIN files "
			      "p ON p.id = f.container_file_id WHERE "
			      "p.display_path = 'phone.zip'"),
		NMEM);
	/* The same records as one uninterrupted scan (scan runs aside). */
	assert_int_equal(nsw_scan_run(ref_case, &o, &r), 0);
	a = dump(case_path);
	b = dump(ref_case);
	assert_string_equal(a, b);
	free(a);
	free(b);
	free(case_path);
	free(ref_case);
	free_ev(&e);
}

/* Fails the scan (a fatal matcher error) at its 30th file. */
static int failing_match(void *ctx, void *state, const nsw_file_hash *f,
			 nsw_scan_matches *out)
{
	static int calls;

	if (__atomic_add_fetch(&calls, 1, __ATOMIC_SEQ_CST) == 30)
		return NSW_EIO; /* as a matcher whose store went away */
	return ts_md5_match(ctx, state, f, out);
}

static void a_fatal_error_mid_archive_stops_without_deadlock(void **state)
{
	struct ev e;
	nsw_scan_matcher mt;
	nsw_scan_options o;
	nsw_scan_result r;
	char *case_path;

	(void)state;
	make_ev(&e);
	case_path = new_case(&e, "case.nsdb");
	options(&o, &mt, &e);
	/* Small bound: readers wait on it and run queued members. */
	o.test_member_inflight = 3 * (int64_t)(e.img_len[4] + 1);
	o.batch_files = 4;
	mt.match = failing_match;
	assert_int_equal(nsw_scan_run(case_path, &o, &r), NSW_EIO);
	assert_members_first(case_path);
	mt.match = ts_md5_match;
	assert_int_equal(nsw_scan_run(case_path, &o, &r), 0);
	assert_int_equal(ts_count_rows(case_path, "SELECT count(*) FROM files"),
			 2 * (1 + NMEM + 2));
	assert_int_equal(ts_count_rows(case_path, "SELECT count(DISTINCT path) "
						  "FROM files"),
			 2 * (1 + NMEM + 2));
	free(case_path);
	free_ev(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			members_of_one_archive_are_hashed_on_two_threads),
		cmocka_unit_test(records_are_those_of_the_reading_worker_alone),
		cmocka_unit_test(bytes_in_flight_stay_under_the_bound),
		cmocka_unit_test(killed_mid_archive_resumes_without_duplicates),
		cmocka_unit_test(
			a_fatal_error_mid_archive_stops_without_deadlock),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
