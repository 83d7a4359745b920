/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The scan's descent into archives: members recorded with the digests the
 * same files get on disk, hits on members of nested archives, encrypted,
 * corrupt and bomb members, hostile member names, --no-archives, kill -9
 * then resume, and verify. Archives are written at test time (libarchive's
 * writer) from benign generated images and text.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h> /* tests only: read the case's rows directly */

#include "imgsynth.h"
#include "scancheck.h"
#include "support.h"
#include "zipwrite.h"

#include "netsweep/netsweep.h"

/* ---- Fixture: evidence with the same files loose and in archives ----- */

struct ev {
	char *tmp, *ev, *case_path;
	uint8_t *jpeg, *png;
	size_t jpeg_len, png_len;
	uint8_t known_md5[16]; /* the JPEG: on the "list" */
};

static const char text_a[] = "an ordinary text file\n";
static const char text_b[] = "another one, a little longer than the first\n";

static void put(const struct ev *e, const char *name, const void *data,
		size_t len)
{
	char *p = ts_path(e->ev, name);

	assert_int_equal(ts_write_file(p, data, len), 0);
	free(p);
}

static void write_archive(const struct ev *e, const char *name,
			  const char *format, const char *filter,
			  const ts_zip_entry *entries, size_t n)
{
	ts_archive_spec spec = {format, filter, NULL, NULL};
	char *p = ts_path(e->ev, name);

	/* ts_write_file makes the parent directories; the writer not. */
	assert_int_equal(ts_write_file(p, "", 0), 0);
	assert_int_equal(ts_write_archive(p, &spec, entries, n), 0);
	free(p);
}

static void make_ev(struct ev *e)
{
	uint8_t *rgb;
	nsw_digests d;
	nsw_case *c = NULL;

	memset(e, 0, sizeof(*e));
	e->tmp = ts_tmpdir();
	e->ev = ts_path(e->tmp, "evidence");
	e->case_path = ts_path(e->tmp, "case.nsdb");
	rgb = ts_synth_rgb(96, 64, 11);
	assert_non_null(rgb);
	assert_int_equal(
		ts_encode_jpeg(&e->jpeg, &e->jpeg_len, rgb, 96, 64, 3, 90, 0),
		0);
	assert_int_equal(
		ts_encode_png(&e->png, &e->png_len, rgb, 96, 64, 3, 8, 0, 0),
		0);
	free(rgb);
	assert_int_equal(nsw_digest_buffer(&d, NSW_ALGO_BIT(NSW_ALGO_MD5),
					   e->jpeg, e->jpeg_len),
			 0);
	memcpy(e->known_md5, d.md5, 16);
	assert_int_equal(nsw_case_create(&c, e->case_path, "Archives", "T"), 0);
	nsw_case_close(c);
}

static void free_ev(struct ev *e)
{
	free(e->jpeg);
	free(e->png);
	free(e->ev);
	free(e->case_path);
	ts_tmpdir_remove(e->tmp);
}

/* The four benign files, as archive entries. */
static size_t members(const struct ev *e, ts_zip_entry *m)
{
	m[0] = (ts_zip_entry){"pics/a.jpg", e->jpeg, e->jpeg_len, 1500000000};
	m[1] = (ts_zip_entry){"pics/b.png", e->png, e->png_len, 0};
	m[2] = (ts_zip_entry){"notes/a.txt", text_a, sizeof(text_a) - 1, 0};
	m[3] = (ts_zip_entry){"b.txt", text_b, sizeof(text_b) - 1, 0};
	return 4;
}

/* ---- Matching: exact MD5 of the known JPEG (ts_md5_match) ----------- */

static void options(nsw_scan_options *o, nsw_scan_matcher *m,
		    const struct ev *e)
{
	ts_md5_scan_options(o, m, e->known_md5, e->ev);
}

/* ---- Reading records back -------------------------------------------- */

struct rec {
	int found;
	char status[32];
	char error[512];
	uint8_t md5[16], sha1[20], sha256[32], pdq[32];
	int has_pdq;
	int64_t size, container, id;
	char container_path[256];
	int not_utf8;
};

static void get_rec(const char *case_path, const char *display, struct rec *r)
{
	static const char sql[] =
		"SELECT f.status, coalesce(f.error, ''), f.md5, f.sha1, "
		"f.sha256, f.pdq, coalesce(f.size, -1), "
		"coalesce(f.container_file_id, 0), f.id, "
		"coalesce(p.display_path, ''), f.name_not_utf8 FROM files f "
		"LEFT JOIN files p ON p.id = f.container_file_id WHERE "
		"f.display_path = ?1";
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;

	memset(r, 0, sizeof(*r));
	assert_int_equal(
		sqlite3_open_v2(case_path, &db, SQLITE_OPEN_READONLY, NULL),
		SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, display, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		r->found = 1;
		snprintf(r->status, sizeof(r->status), "%s",
			 (const char *)sqlite3_column_text(st, 0));
		snprintf(r->error, sizeof(r->error), "%s",
			 (const char *)sqlite3_column_text(st, 1));
		if (sqlite3_column_bytes(st, 2) == 16)
			memcpy(r->md5, sqlite3_column_blob(st, 2), 16);
		if (sqlite3_column_bytes(st, 3) == 20)
			memcpy(r->sha1, sqlite3_column_blob(st, 3), 20);
		if (sqlite3_column_bytes(st, 4) == 32)
			memcpy(r->sha256, sqlite3_column_blob(st, 4), 32);
		r->has_pdq = sqlite3_column_bytes(st, 5) == 32;
		if (r->has_pdq)
			memcpy(r->pdq, sqlite3_column_blob(st, 5), 32);
		r->size = sqlite3_column_int64(st, 6);
		r->container = sqlite3_column_int64(st, 7);
		r->id = sqlite3_column_int64(st, 8);
		snprintf(r->container_path, sizeof(r->container_path), "%s",
			 (const char *)sqlite3_column_text(st, 9));
		r->not_utf8 = sqlite3_column_int(st, 10);
		/* One record per display path in these tests. */
		assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/* The member's record equals the loose file's: digests, PDQ, size. */
static void assert_same(const char *case_path, const char *member,
			const char *loose, const char *container)
{
	struct rec a, b;

	get_rec(case_path, member, &a);
	get_rec(case_path, loose, &b);
	if (!a.found)
		fail_msg("%s: not recorded", member);
	assert_true(b.found);
	assert_string_equal(a.status, "ok");
	assert_string_equal(a.error, "");
	assert_memory_equal(a.md5, b.md5, 16);
	assert_memory_equal(a.sha1, b.sha1, 20);
	assert_memory_equal(a.sha256, b.sha256, 32);
	assert_int_equal(a.has_pdq, b.has_pdq);
	assert_memory_equal(a.pdq, b.pdq, 32);
	assert_int_equal(a.size, b.size);
	assert_string_equal(a.container_path, container);
}

struct hits {
	int n;
	char path[8][160];
};

static int collect_hit(void *ctx, const nsw_hit_row *r)
{
	struct hits *h = ctx;

	if (h->n < 8)
		snprintf(h->path[h->n], sizeof(h->path[0]), "%s",
			 r->file->display_path);
	h->n++;
	return 0;
}

static void get_hits(const char *case_path, struct hits *h)
{
	nsw_case *c = NULL;
	nsw_hit_filter all = {0};

	memset(h, 0, sizeof(*h));
	assert_int_equal(nsw_case_open(&c, case_path, NSW_CASE_READONLY), 0);
	assert_int_equal(nsw_case_hits_foreach(c, &all, collect_hit, h), 0);
	nsw_case_close(c);
}

/* ---- Tests ------------------------------------------------------------ */

static void
members_are_recorded_with_the_digests_of_the_same_files(void **state)
{
	struct ev e;
	ts_zip_entry m[4];
	size_t n;
	nsw_scan_matcher mt;
	nsw_scan_options o;
	nsw_scan_result r;
	static const char *const loose[4] = {
		"loose/pics/a.jpg", "loose/pics/b.png", "loose/notes/a.txt",
		"loose/b.txt"};
	static const char *const names[4] = {"pics/a.jpg", "pics/b.png",
					     "notes/a.txt", "b.txt"};
	static const char *const archives[] = {"photos.zip",	 "photos.tar",
					       "photos.tar.gz",	 "photos.7z",
					       "photos.cpio.xz", "photos.iso"};
	char member[160];

	(void)state;
	make_ev(&e);
	n = members(&e, m);
	for (size_t i = 0; i < n; i++)
		put(&e, loose[i], m[i].data, m[i].len);
	write_archive(&e, "photos.zip", "zip", NULL, m, n);
	write_archive(&e, "photos.tar", "pax", NULL, m, n);
	write_archive(&e, "photos.tar.gz", "pax", "gzip", m, n);
	write_archive(&e, "photos.7z", "7zip", NULL, m, n);
	write_archive(&e, "photos.cpio.xz", "cpio", "xz", m, n);
	write_archive(&e, "photos.iso", "iso9660", NULL, m, n);
	options(&o, &mt, &e);
	assert_int_equal(nsw_scan_run(e.case_path, &o, &r), 0);
	/* 4 loose + 6 archives + 6 x 4 members */
	assert_int_equal(r.files, 4 + 6 + 24);
	assert_int_equal(r.errors, 0);
	for (size_t a = 0; a < sizeof(archives) / sizeof(archives[0]); a++) {
		struct rec ar;

		get_rec(e.case_path, archives[a], &ar);
		assert_true(ar.found);
		assert_string_equal(ar.status, "ok");
		assert_string_equal(ar.error, "");
		assert_int_equal(ar.container, 0);
		for (size_t i = 0; i < n; i++) {
			snprintf(member, sizeof(member), "%s!/%s", archives[a],
				 names[i]);
			assert_same(e.case_path, member, loose[i], archives[a]);
		}
	}
	/* The JPEG is known: loose and in each archive. */
	assert_int_equal(r.hits, 7);
	/* Nothing written next to the evidence, the case not inside. */
	assert_int_equal(ts_count_rows(e.case_path,
				       "SELECT count(*) FROM files WHERE "
				       "container_file_id IS NULL"),
			 10);
	free_ev(&e);
}

static void hits_inside_a_zip_and_a_zip_inside_a_tar_gz(void **state)
{
	struct ev e;
	ts_zip_entry m[4], outer[2];
	uint8_t *zip;
	size_t n, zip_len;
	char *p;
	nsw_scan_matcher mt;
	nsw_scan_options o;
	nsw_scan_result r;
	struct hits h;
	struct rec rec;

	(void)state;
	make_ev(&e);
	n = members(&e, m);
	write_archive(&e, "dir/photos.zip", "zip", NULL, m, n);
	p = ts_path(e.ev, "dir/photos.zip");
	zip = ts_read_file(p, &zip_len);
	assert_non_null(zip);
	free(p);
	outer[0] = (ts_zip_entry){"inner.zip", zip, zip_len, 0};
	outer[1] = (ts_zip_entry){"readme.txt", text_a, sizeof(text_a) - 1, 0};
	write_archive(&e, "backup.tar.gz", "pax", "gzip", outer, 2);
	free(zip);
	options(&o, &mt, &e);
	assert_int_equal(nsw_scan_run(e.case_path, &o, &r), 0);
	get_hits(e.case_path, &h);
	assert_int_equal(h.n, 2);
	assert_string_equal(h.path[0], "backup.tar.gz!/inner.zip!/pics/a.jpg");
	assert_string_equal(h.path[1], "dir/photos.zip!/pics/a.jpg");
	/* The containers keep their own records, with no hit of their own,
	 * and the nested member is linked to the nested archive. */
	get_rec(e.case_path, "backup.tar.gz!/inner.zip!/pics/a.jpg", &rec);
	assert_string_equal(rec.container_path, "backup.tar.gz!/inner.zip");
	get_rec(e.case_path, "backup.tar.gz!/inner.zip", &rec);
	assert_string_equal(rec.status, "ok");
	assert_string_equal(rec.container_path, "backup.tar.gz");
	assert_same(e.case_path, "backup.tar.gz!/inner.zip", "dir/photos.zip",
		    "backup.tar.gz");
	/* 2 files, the tar.gz's 2 members, the inner zip's 4 and the zip's */
	assert_int_equal(r.files, 2 + 2 + 4 + 4);
	free_ev(&e);
}

/* Incompressible bytes: a gzip cut in half is cut inside them. */
#define NOISE_BYTES ((size_t)300 << 10)

/* Deflated data of a member made unreadable, the members after it fine. */
static void corrupt_zip_member(const struct ev *e, const char *name)
{
	ts_zip_entry m[2];
	char *p = ts_path(e->ev, name);
	uint8_t *data;
	size_t len;

	m[0] = (ts_zip_entry){"first.jpg", e->jpeg, e->jpeg_len, 0};
	m[1] = (ts_zip_entry){"second.txt", text_b, sizeof(text_b) - 1, 0};
	assert_int_equal(ts_write_zip(p, m, 2), 0);
	data = ts_read_file(p, &len);
	assert_non_null(data);
	/* first.jpg's data starts after the 30-byte local header and its
	 * 9-byte name; scramble the middle of it. */
	for (size_t i = 30 + 9 + 40; i < 30 + 9 + 200 && i < len; i++)
		data[i] ^= 0x5a;
	assert_int_equal(ts_write_file(p, data, len), 0);
	free(data);
	free(p);
}

static void
encrypted_and_corrupt_members_are_errors_and_the_rest_goes_on(void **state)
{
	struct ev e;
	ts_zip_entry m[5];
	uint8_t *noise;
	size_t n;
	ts_archive_spec enc = {"zip", NULL, "zip:encryption=traditional",
			       "secret"};
	char *p;
	nsw_scan_matcher mt;
	nsw_scan_options o;
	nsw_scan_result r;
	struct rec rec;
	uint8_t *tgz;
	size_t tgz_len;

	(void)state;
	make_ev(&e);
	n = members(&e, m);
	p = ts_path(e.ev, "locked.zip");
	assert_int_equal(ts_write_file(p, "", 0), 0);
	assert_int_equal(ts_write_archive(p, &enc, m, 2), 0);
	free(p);
	corrupt_zip_member(&e, "broken.zip");
	/* A tar.gz cut in half: what comes before the cut is recorded, the
	 * member cut is an error, the archive says where it stopped. */
	noise = malloc(NOISE_BYTES);
	assert_non_null(noise);
	for (size_t i = 0, x = 12345; i < NOISE_BYTES; i++) {
		x = x * 1103515245u + 12345u;
		noise[i] = (uint8_t)(x >> 16);
	}
	m[n] = (ts_zip_entry){"noise.bin", noise, NOISE_BYTES, 0};
	write_archive(&e, "cut.tar.gz", "pax", "gzip", m, n + 1);
	free(noise);
	p = ts_path(e.ev, "cut.tar.gz");
	tgz = ts_read_file(p, &tgz_len);
	assert_non_null(tgz);
	assert_int_equal(ts_write_file(p, tgz, tgz_len / 2), 0);
	free(tgz);
	free(p);
	put(&e, "after.txt", text_a, sizeof(text_a) - 1);
	put(&e, "loose.jpg", e.jpeg, e.jpeg_len);
	options(&o, &mt, &e);
	assert_int_equal(nsw_scan_run(e.case_path, &o, &r), 0);

	get_rec(e.case_path, "locked.zip!/pics/a.jpg", &rec);
	assert_string_equal(rec.status, "error");
	assert_non_null(strstr(rec.error, "locked.zip!/pics/a.jpg: "
					  "encrypted member"));
	get_rec(e.case_path, "locked.zip!/pics/b.png", &rec);
	assert_string_equal(rec.status, "error");
	get_rec(e.case_path, "locked.zip", &rec);
	assert_string_equal(rec.status, "ok"); /* the zip itself is read */

	get_rec(e.case_path, "broken.zip!/first.jpg", &rec);
	assert_string_equal(rec.status, "error");
	assert_non_null(strstr(rec.error, "broken.zip!/first.jpg"));
	get_rec(e.case_path, "broken.zip!/second.txt", &rec);
	assert_string_equal(rec.status, "ok");
	assert_int_equal(rec.size, (int64_t)sizeof(text_b) - 1);

	get_rec(e.case_path, "cut.tar.gz", &rec);
	assert_string_equal(rec.status, "ok");
	assert_non_null(strstr(rec.error, "cut.tar.gz"));
	assert_same(e.case_path, "cut.tar.gz!/pics/a.jpg", "loose.jpg",
		    "cut.tar.gz");
	get_rec(e.case_path, "cut.tar.gz!/noise.bin", &rec);
	assert_string_equal(rec.status, "error");
	assert_non_null(strstr(rec.error, "cut.tar.gz!/noise.bin: "));
	assert_non_null(strstr(rec.error, "truncated"));
	get_rec(e.case_path, "after.txt", &rec);
	assert_string_equal(rec.status, "ok");
	free_ev(&e);
}

/* 40 MiB of zeros: xz makes them a few KiB, far past 1000:1. */
#define BOMB_BYTES ((size_t)40 << 20)

static void a_bomb_is_stopped_by_the_ratio_cap(void **state)
{
	struct ev e;
	ts_zip_entry m[3];
	ts_archive_spec xz = {"pax", "xz", "xz:compression-level=0", NULL};
	uint8_t *zeros = calloc(1, BOMB_BYTES);
	char *p;
	nsw_scan_matcher mt;
	nsw_scan_options o;
	nsw_scan_result r;
	struct rec rec;
	struct stat st;

	(void)state;
	assert_non_null(zeros);
	make_ev(&e);
	m[0] = (ts_zip_entry){"first.txt", text_a, sizeof(text_a) - 1, 0};
	m[1] = (ts_zip_entry){"zeros.bin", zeros, BOMB_BYTES, 0};
	m[2] = (ts_zip_entry){"after.txt", text_b, sizeof(text_b) - 1, 0};
	p = ts_path(e.ev, "bomb.tar.xz");
	assert_int_equal(ts_write_file(p, "", 0), 0);
	assert_int_equal(ts_write_archive(p, &xz, m, 3), 0);
	assert_int_equal(stat(p, &st), 0);
	assert_true(st.st_size < (off_t)(BOMB_BYTES / 1000 / 2));
	free(p);
	free(zeros);
	options(&o, &mt, &e);
	assert_int_equal(nsw_scan_run(e.case_path, &o, &r), 0);
	get_rec(e.case_path, "bomb.tar.xz!/first.txt", &rec);
	assert_string_equal(rec.status, "ok");
	get_rec(e.case_path, "bomb.tar.xz!/zeros.bin", &rec);
	assert_string_equal(rec.status, "error");
	assert_non_null(strstr(rec.error, "bomb.tar.xz!/zeros.bin: "));
	assert_non_null(strstr(rec.error, "expands more than 1000:1"));
	/* Skipping the rest of a bomb would expand it: the archive is not
	 * read further, and its record says so. */
	get_rec(e.case_path, "bomb.tar.xz!/after.txt", &rec);
	assert_false(rec.found);
	get_rec(e.case_path, "bomb.tar.xz", &rec);
	assert_string_equal(rec.status, "ok");
	assert_non_null(strstr(rec.error, "not read past a member over a cap"));
	free_ev(&e);
}

static void archives_nest_up_to_the_depth_limit(void **state)
{
	struct ev e;
	ts_zip_entry m;
	uint8_t *prev = NULL;
	size_t prev_len = 0;
	char name[32], *p, display[256];
	nsw_scan_matcher mt;
	nsw_scan_options o;
	nsw_scan_result r;
	struct rec rec;
	struct hits h;

	(void)state;
	make_ev(&e);
	/* z6.zip holds the JPEG, z5.zip holds z6.zip, ... z1.zip is on the
	 * device: six levels, one more than NSW_ARCHIVE_DEPTH_MAX. */
	for (int level = 6; level >= 1; level--) {
		if (prev == NULL)
			m = (ts_zip_entry){"a.jpg", e.jpeg, e.jpeg_len, 0};
		else {
			snprintf(name, sizeof(name), "z%d.zip", level + 1);
			m = (ts_zip_entry){name, prev, prev_len, 0};
		}
		p = ts_path(e.tmp, "nest.zip");
		assert_int_equal(ts_write_zip(p, &m, 1), 0);
		free(prev);
		prev = ts_read_file(p, &prev_len);
		assert_non_null(prev);
		unlink(p);
		free(p);
	}
	put(&e, "z1.zip", prev, prev_len);
	free(prev);
	options(&o, &mt, &e);
	assert_int_equal(nsw_scan_run(e.case_path, &o, &r), 0);
	assert_int_equal(r.files, 6); /* z1.zip and z2 ... z6.zip */
	snprintf(display, sizeof(display),
		 "z1.zip!/z2.zip!/z3.zip!/z4.zip!/"
		 "z5.zip!/z6.zip");
	get_rec(e.case_path, display, &rec);
	assert_string_equal(rec.status, "ok");
	assert_non_null(strstr(rec.error, "nested more than 5 levels"));
	get_hits(e.case_path, &h);
	assert_int_equal(h.n, 0);
	free_ev(&e);
}

static void hostile_member_names_are_recorded_safely(void **state)
{
	struct ev e;
	ts_zip_entry m[7];
	nsw_scan_matcher mt;
	nsw_scan_options o;
	nsw_scan_result r;
	struct rec rec, dup2;
	char *outside;
	static const struct {
		const char *display;
		int not_utf8;
	} want[] = {
		{"h.tar!/../../escape.txt", 0},
		{"h.tar!//abs/passwd", 0},
		{"h.tar!/ctl\\x01\\x1b[2J.txt", 0},
		{"h.tar!/latin1-\\xe9t\\xe9.txt", 1},
		{"h.tar!/a\\x21/b.txt", 0},
		{"h.tar!/dup.txt", 0},
		{"h.tar!/dup.txt!2", 0},
	};

	(void)state;
	make_ev(&e);
	m[0] = (ts_zip_entry){"../../escape.txt", text_a, sizeof(text_a) - 1,
			      0};
	m[1] = (ts_zip_entry){"/abs/passwd", text_a, sizeof(text_a) - 1, 0};
	m[2] = (ts_zip_entry){"ctl\x01\x1b[2J.txt", text_a, sizeof(text_a) - 1,
			      0};
	m[3] = (ts_zip_entry){"latin1-\xe9t\xe9.txt", text_a,
			      sizeof(text_a) - 1, 0};
	m[4] = (ts_zip_entry){"a!/b.txt", text_a, sizeof(text_a) - 1, 0};
	/* A name twice (tar appends a newer version): both kept. */
	m[5] = (ts_zip_entry){"dup.txt", text_a, sizeof(text_a) - 1, 0};
	m[6] = (ts_zip_entry){"dup.txt", text_b, sizeof(text_b) - 1, 0};
	/* ustar keeps names as bytes (pax would convert them). */
	write_archive(&e, "h.tar", "ustar", NULL, m, 7);
	options(&o, &mt, &e);
	assert_int_equal(nsw_scan_run(e.case_path, &o, &r), 0);
	assert_int_equal(r.files, 8);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		get_rec(e.case_path, want[i].display, &rec);
		if (!rec.found)
			fail_msg("%s: not recorded", want[i].display);
		assert_string_equal(rec.status, "ok");
		assert_int_equal(rec.not_utf8, want[i].not_utf8);
		assert_string_equal(rec.container_path, "h.tar");
	}
	get_rec(e.case_path, "h.tar!/dup.txt", &rec);
	get_rec(e.case_path, "h.tar!/dup.txt!2", &dup2);
	assert_int_equal(rec.size, (int64_t)sizeof(text_a) - 1);
	assert_int_equal(dup2.size, (int64_t)sizeof(text_b) - 1);
	/* Nothing was extracted anywhere. */
	outside = ts_path(e.tmp, "escape.txt");
	assert_int_equal(access(outside, F_OK), -1);
	free(outside);
	free_ev(&e);
}

static void no_archives_records_only_the_archive(void **state)
{
	struct ev e;
	ts_zip_entry m[4];
	size_t n;
	nsw_scan_matcher mt;
	nsw_scan_options o;
	nsw_scan_result r;
	struct hits h;

	(void)state;
	make_ev(&e);
	n = members(&e, m);
	write_archive(&e, "photos.zip", "zip", NULL, m, n);
	write_archive(&e, "photos.tar.gz", "pax", "gzip", m, n);
	put(&e, "a.jpg", e.jpeg, e.jpeg_len);
	options(&o, &mt, &e);
	o.no_archives = 1;
	assert_int_equal(nsw_scan_run(e.case_path, &o, &r), 0);
	assert_int_equal(r.files, 3);
	assert_int_equal(ts_count_rows(e.case_path,
				       "SELECT count(*) FROM files WHERE "
				       "display_path LIKE '%!/%' OR "
				       "container_file_id IS NOT NULL"),
			 0);
	get_hits(e.case_path, &h);
	assert_int_equal(h.n, 1);
	assert_string_equal(h.path[0], "a.jpg");
	free_ev(&e);
}

#define RESUME_MEMBERS 12

static void killed_scan_resumes_without_duplicate_members(void **state)
{
	struct ev e;
	ts_zip_entry m[RESUME_MEMBERS];
	char names[RESUME_MEMBERS][32];
	nsw_scan_matcher mt;
	nsw_scan_options o;
	nsw_scan_result r;
	struct hits h;
	pid_t pid;
	int status = 0;
	int64_t before;

	(void)state;
	make_ev(&e);
	for (int i = 0; i < RESUME_MEMBERS; i++) {
		snprintf(names[i], sizeof(names[i]), "m%02d.txt", i);
		m[i] = (ts_zip_entry){names[i], names[i], strlen(names[i]), 0};
	}
	m[7] = (ts_zip_entry){"m07.jpg", e.jpeg, e.jpeg_len, 0};
	write_archive(&e, "m.zip", "zip", NULL, m, RESUME_MEMBERS);
	put(&e, "a.txt", text_a, sizeof(text_a) - 1);
	put(&e, "z.txt", text_b, sizeof(text_b) - 1);
	options(&o, &mt, &e);
	o.threads = 1;
	o.batch_files = 2;
	o.batch_ms = 60000;
	o.test_kill_after = 5;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		nsw_scan_run(e.case_path, &o, &r);
		_exit(0); /* not reached when the kill point is hit */
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGKILL);
	/* a.txt and five members of m.zip; m.zip itself is not recorded
	 * (it comes after its members), so the walker will read it again. */
	before = ts_count_rows(e.case_path, "SELECT count(*) FROM files");
	assert_int_equal(before, 6);
	assert_int_equal(ts_count_rows(e.case_path,
				       "SELECT count(*) FROM files "
				       "WHERE display_path = "
				       "'m.zip'"),
			 0);

	o.test_kill_after = 0;
	assert_int_equal(nsw_scan_run(e.case_path, &o, &r), 0);
	assert_int_equal(r.resumed, 1);
	assert_int_equal(r.files_skipped, 1); /* a.txt */
	assert_int_equal(r.files, 1 + RESUME_MEMBERS + 1 - 5);
	assert_int_equal(
		ts_count_rows(e.case_path, "SELECT count(*) FROM files"),
		RESUME_MEMBERS + 3);
	assert_int_equal(ts_count_rows(e.case_path,
				       "SELECT count(DISTINCT display_path) "
				       "FROM files"),
			 RESUME_MEMBERS + 3);
	/* Every member is linked to the archive, the early ones included. */
	assert_int_equal(
		ts_count_rows(e.case_path,
			      "SELECT count(*) FROM files f JOIN files "
			      "p ON p.id = f.container_file_id WHERE "
			      "p.display_path = 'm.zip'"),
		RESUME_MEMBERS);
	get_hits(e.case_path, &h);
	assert_int_equal(h.n, 1);
	assert_string_equal(h.path[0], "m.zip!/m07.jpg");
	free_ev(&e);
}

struct diffs {
	int n;
	char rows[16][200];
};

static void collect_diff(void *ctx, const nsw_verify_diff *d)
{
	struct diffs *df = ctx;

	if (df->n < 16)
		snprintf(df->rows[df->n], sizeof(df->rows[0]), "%s %s: %s",
			 nsw_verify_kind_name(d->kind), d->path, d->detail);
	df->n++;
}

static int cmp_rows(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void verify_checks_members_through_their_archive(void **state)
{
	struct ev e;
	ts_zip_entry m[4], outer[2];
	size_t n, zip_len;
	uint8_t *zip;
	char *p;
	nsw_scan_matcher mt;
	nsw_scan_options o;
	nsw_scan_result r;
	nsw_verify_result vr;
	struct diffs df = {0};

	(void)state;
	make_ev(&e);
	n = members(&e, m);
	write_archive(&e, "photos.zip", "zip", NULL, m, n);
	p = ts_path(e.ev, "photos.zip");
	zip = ts_read_file(p, &zip_len);
	free(p);
	outer[0] = (ts_zip_entry){"inner.zip", zip, zip_len, 0};
	outer[1] = (ts_zip_entry){"b.txt", text_b, sizeof(text_b) - 1, 0};
	write_archive(&e, "backup.tar", "pax", NULL, outer, 2);
	free(zip);
	options(&o, &mt, &e);
	assert_int_equal(nsw_scan_run(e.case_path, &o, &r), 0);
	assert_int_equal(
		nsw_scan_verify(e.case_path, NULL, collect_diff, &df, &vr), 0);
	if (df.n != 0)
		fail_msg("unexpected: %s", df.rows[0]);
	assert_int_equal(vr.checked, 2 + 4 + 2 + 4);
	assert_int_equal(vr.missing + vr.added + vr.changed, 0);

	/* The tar rewritten: inner.zip gone, b.txt edited, c.txt added.
	 * The members are read again from it and compared one by one. */
	outer[1] = (ts_zip_entry){"b.txt", text_a, sizeof(text_a) - 1, 0};
	outer[0] = (ts_zip_entry){"c.txt", text_b, sizeof(text_b) - 1, 0};
	write_archive(&e, "backup.tar", "pax", NULL, outer, 2);
	memset(&df, 0, sizeof(df));
	assert_int_equal(
		nsw_scan_verify(e.case_path, NULL, collect_diff, &df, &vr), 0);
	assert_int_equal(vr.changed, 2); /* backup.tar, its b.txt */
	assert_int_equal(vr.added, 1);	 /* c.txt */
	assert_int_equal(vr.missing, 5); /* inner.zip and its 4 members */
	assert_int_equal(df.n, 8);
	qsort(df.rows, 8, sizeof(df.rows[0]), cmp_rows);
	assert_string_equal(df.rows[0], "changed backup.tar!/b.txt: size 22, "
					"recorded 44");
	assert_non_null(strstr(df.rows[1], "changed backup.tar: "));
	/* '!' sorts before ':': inner.zip's members, then inner.zip. */
	for (int i = 2; i < 6; i++)
		assert_non_null(strstr(df.rows[i], "missing backup.tar!/"
						   "inner.zip!/"));
	assert_string_equal(df.rows[6], "missing backup.tar!/inner.zip: "
					"recorded, not found now");
	assert_string_equal(df.rows[7], "new backup.tar!/c.txt: archive "
					"member");
	free_ev(&e);
}

static void a_7z_inside_a_zip_is_recorded_with_the_reason(void **state)
{
	struct ev e;
	ts_zip_entry m[4], outer;
	size_t n, len;
	uint8_t *seven;
	char *p;
	nsw_scan_matcher mt;
	nsw_scan_options o;
	nsw_scan_result r;
	struct rec rec, loose;

	(void)state;
	make_ev(&e);
	n = members(&e, m);
	write_archive(&e, "photos.7z", "7zip", NULL, m, n);
	p = ts_path(e.ev, "photos.7z");
	seven = ts_read_file(p, &len);
	assert_non_null(seven);
	free(p);
	outer = (ts_zip_entry){"photos.7z", seven, len, 0};
	write_archive(&e, "outer.zip", "zip", NULL, &outer, 1);
	free(seven);
	options(&o, &mt, &e);
	assert_int_equal(nsw_scan_run(e.case_path, &o, &r), 0);
	/* 7z must seek: read as a stream from the zip it cannot be listed,
	 * and the record says why (the 7z on the device is listed). */
	get_rec(e.case_path, "photos.7z", &loose);
	get_rec(e.case_path, "outer.zip!/photos.7z", &rec);
	assert_string_equal(rec.status, "ok");
	assert_memory_equal(rec.sha256, loose.sha256, 32);
	assert_string_equal(rec.container_path, "outer.zip");
	assert_non_null(strstr(rec.error, "cannot read archive (read as a "
					  "stream)"));
	assert_int_equal(r.files, 2 + 1 + 4);
	free_ev(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			members_are_recorded_with_the_digests_of_the_same_files),
		cmocka_unit_test(hits_inside_a_zip_and_a_zip_inside_a_tar_gz),
		cmocka_unit_test(
			encrypted_and_corrupt_members_are_errors_and_the_rest_goes_on),
		cmocka_unit_test(a_bomb_is_stopped_by_the_ratio_cap),
		cmocka_unit_test(archives_nest_up_to_the_depth_limit),
		cmocka_unit_test(hostile_member_names_are_recorded_safely),
		cmocka_unit_test(no_archives_records_only_the_archive),
		cmocka_unit_test(killed_scan_resumes_without_duplicate_members),
		cmocka_unit_test(verify_checks_members_through_their_archive),
		cmocka_unit_test(a_7z_inside_a_zip_is_recorded_with_the_reason),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
