/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Disk images as scan evidence (scan --image, through libtsk): files in
 * ext4, FAT and MBR-partitioned images are recorded with the digests the
 * same files get from a directory scan, deleted FAT files are recovered and
 * marked, corrupt images fail with a clear error, kill -9 resumes, the
 * image is never modified. Images are built at test time from benign
 * generated files with e2fsprogs, dosfstools, mtools and sfdisk (a test
 * without them is skipped with a visible SKIP line).
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h> /* tests only: read the case behind netsweep */

#include "imgsynth.h"
#include "scancheck.h"
#include "support.h"
#include "zipwrite.h"

#include "netsweep/netsweep.h"

#define KNOWN_TEXT "known bad content"
#define DELETED_TEXT "a deleted benign note, still in its clusters\n"

/* Matches KNOWN_TEXT by MD5, as list 0; and, once a test sets it, the
 * image whose MD5 is known_image_md5. */
static uint8_t known_md5[16];
static uint8_t known_image_md5[16];
static int known_image_set;

static int known_match(void *ctx, void *state, const nsw_file_hash *f,
		       nsw_scan_matches *out)
{
	nsw_scan_match m = {0};

	(void)ctx;
	(void)state;
	if (!(f->has & NSW_ALGO_BIT(NSW_ALGO_MD5)) ||
	    (memcmp(f->digests.md5, known_md5, 16) != 0 &&
	     (!known_image_set ||
	      memcmp(f->digests.md5, known_image_md5, 16) != 0)))
		return 0;
	m.list = 0;
	m.algo = NSW_ALGO_MD5;
	m.dihedral = -1;
	m.category_scheme = "vics-default";
	m.category_code = "1";
	return nsw_scan_matches_add(out, &m);
}

static const nsw_case_list test_list = {.name = "test-bad",
					.version = "1",
					.checksum = "00aa",
					.entries = 1,
					.role = NSW_LIST_ROLE_MATCH};
static const nsw_scan_matcher matcher = {NULL, NULL, known_match, NULL};

/* Runs a shell command in `dir`; 0 when it exited 0. */
static int sh(const char *dir, const char *cmd)
{
	char line[4096];

	snprintf(line, sizeof(line),
		 "cd '%s' && PATH=\"$PATH:/usr/sbin:/sbin\" && (%s) "
		 ">/dev/null 2>&1",
		 dir, cmd);
	return system(line) == 0 ? 0 : -1;
}

/* 1 when every tool is on PATH (or in /usr/sbin); else prints SKIP. */
static int have_tools(const char *test, const char *tools)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd),
		 "PATH=\"$PATH:/usr/sbin:/sbin\"; for t in %s; do "
		 "command -v $t >/dev/null || exit 1; done",
		 tools);
	if (system(cmd) == 0)
		return 1;
	printf("SKIP: %s needs %s (scripts/deps.sh installs them)\n", test,
	       tools);
	return 0;
}

static void put(const char *dir, const char *name, const void *data, size_t len)
{
	char *p = ts_path(dir, name);

	assert_int_equal(ts_write_file(p, data, len), 0);
	free(p);
}

struct fixture {
	char *tmp;	 /* everything lives here */
	char *tree;	 /* tmp/tree: the files put into images */
	char *case_path; /* tmp/case.nsdb */
};

/* Benign files: text, a JPEG (PDQ), nested dirs, a hostile name. */
static void make_fixture(struct fixture *fx, int many)
{
	uint8_t *rgb, *jpeg = NULL;
	size_t jlen = 0;
	nsw_case *c = NULL;
	nsw_digests d;

	memset(fx, 0, sizeof(*fx));
	fx->tmp = ts_tmpdir();
	fx->tree = ts_path(fx->tmp, "tree");
	fx->case_path = ts_path(fx->tmp, "case.nsdb");
	put(fx->tree, "DCIM/known.txt", KNOWN_TEXT, strlen(KNOWN_TEXT));
	put(fx->tree, "readme.txt", "hello\n", 6);
	put(fx->tree, "deep/a/b/c/note.txt", "deep\n", 5);
	put(fx->tree, "empty.bin", "", 0);
	for (int i = 0; i < many; i++) {
		char name[64], text[64];

		snprintf(name, sizeof(name), "many/f%03d.txt", i);
		snprintf(text, sizeof(text), "file number %d\n", i);
		put(fx->tree, name, text, strlen(text));
	}
	rgb = ts_synth_rgb(96, 64, 11);
	assert_non_null(rgb);
	assert_int_equal(ts_encode_jpeg(&jpeg, &jlen, rgb, 96, 64, 3, 90, 0),
			 0);
	put(fx->tree, "DCIM/IMG_0001.JPG", jpeg, jlen);
	free(jpeg);
	free(rgb);
	assert_int_equal(nsw_digest_buffer(&d, NSW_ALGO_BIT(NSW_ALGO_MD5),
					   KNOWN_TEXT, strlen(KNOWN_TEXT)),
			 0);
	memcpy(known_md5, d.md5, 16);
	assert_int_equal(
		nsw_case_create(&c, fx->case_path, "Image test", "Tester"), 0);
	nsw_case_close(c);
}

static void free_fixture(struct fixture *fx)
{
	free(fx->tree);
	free(fx->case_path);
	ts_tmpdir_remove(fx->tmp);
}

static void options(nsw_scan_options *o, const char *path, const char *label,
		    int image)
{
	memset(o, 0, sizeof(*o));
	o->evidence_path = path;
	o->label = label;
	o->image = image;
	o->lists = &test_list;
	o->nlists = 1;
	o->matcher = &matcher;
	o->threads = 2;
}

static int64_t scan(const struct fixture *fx, const char *evidence,
		    const char *label, int image)
{
	nsw_scan_options o;
	nsw_scan_result r;
	char *path = ts_path(fx->tmp, evidence);
	int rc;

	options(&o, path, label, image);
	rc = nsw_scan_run(fx->case_path, &o, &r);
	if (rc != 0)
		fprintf(stderr, "scan: %s\n", nsw_error_last());
	assert_int_equal(rc, 0);
	free(path);
	return r.evidence_id;
}

/* One integer from the case (the first column of the first row). */
static int64_t q(const struct fixture *fx, const char *sql)
{
	return ts_count_rows(fx->case_path, sql);
}

/* One text value from the case, copied into buf ("" when none). */
static const char *qs(const struct fixture *fx, const char *sql, char *buf,
		      size_t cap)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;

	buf[0] = '\0';
	assert_int_equal(
		sqlite3_open_v2(fx->case_path, &db, SQLITE_OPEN_READONLY, NULL),
		SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_text(st, 0) != NULL)
		snprintf(buf, cap, "%s",
			 (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return buf;
}

/* How many files of evidence 1 (a directory) whose path is LIKE `like`
 * have a record "p0/<path>" in evidence 2 (the image) with the same
 * digests, size, PDQ and its variants, and media type. */
static int64_t same_as_directory(const struct fixture *fx, const char *like)
{
	char sql[640];

	snprintf(sql, sizeof(sql),
		 "SELECT count(*) FROM files a JOIN files b ON "
		 "b.evidence_id=2 AND b.display_path='p0/'||a.display_path "
		 "WHERE a.evidence_id=1 AND a.display_path LIKE '%s' AND "
		 "b.status='ok' AND a.md5=b.md5 AND a.sha1=b.sha1 AND "
		 "a.sha256=b.sha256 AND a.size=b.size AND a.pdq IS b.pdq AND "
		 "a.pdq_dihedral IS b.pdq_dihedral AND "
		 "a.media_type IS b.media_type",
		 like);
	return q(fx, sql);
}

static void make_ext4(const struct fixture *fx, const char *name)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "mke2fs -q -t ext4 -d tree -F %s 8M", name);
	assert_int_equal(sh(fx->tmp, cmd), 0);
}

/* A FAT image with the tree's DCIM and readme, plus GONE.TXT deleted. */
static void make_fat(const struct fixture *fx, const char *name)
{
	char cmd[1024];

	put(fx->tmp, "gone.txt", DELETED_TEXT, strlen(DELETED_TEXT));
	snprintf(cmd, sizeof(cmd),
		 "rm -f %s && mkfs.vfat -C %s 4096 && "
		 "mcopy -i %s -s tree/DCIM ::/ && "
		 "mcopy -i %s tree/readme.txt ::/ && "
		 "mcopy -i %s gone.txt ::/GONE.TXT && mdel -i %s ::/GONE.TXT",
		 name, name, name, name, name, name);
	assert_int_equal(sh(fx->tmp, cmd), 0);
}

/* Every file of the tree is in the image with the same digests and PDQ;
 * the image's own SHA-256 and kind are recorded; the known file is hit. */
static void ext4_files_match_a_directory_scan(void **state)
{
	struct fixture fx;
	char buf[128], want[65];
	nsw_digests d;
	uint8_t *bytes;
	size_t len = 0;
	char *img;

	(void)state;
	if (!have_tools(__func__, "mke2fs"))
		skip();
	make_fixture(&fx, 5);
	/* A hostile name: a control byte and bytes that are not UTF-8. */
	put(fx.tree, "bad\x01name\xff.txt", "odd name\n", 9);
	make_ext4(&fx, "ext.raw");
	assert_int_equal(scan(&fx, "tree", "dir", 0), 1);
	assert_int_equal(scan(&fx, "ext.raw", "img", 1), 2);

	/* 11 files each way, every one with identical digests and PDQ. */
	assert_int_equal(q(&fx, "SELECT count(*) FROM files WHERE "
				"evidence_id=1 AND status='ok'"),
			 11);
	assert_int_equal(q(&fx, "SELECT count(*) FROM files WHERE "
				"evidence_id=2"),
			 11);
	assert_int_equal(same_as_directory(&fx, "%"), 11);
	assert_int_equal(q(&fx, "SELECT count(*) FROM files WHERE "
				"evidence_id=2 AND pdq IS NOT NULL"),
			 1);
	/* Inode, not deleted, file-system times including creation. */
	assert_int_equal(q(&fx, "SELECT count(*) FROM files WHERE "
				"evidence_id=2 AND meta_addr > 2 AND "
				"deleted=0 AND crtime_ns > 0 AND mtime_ns > 0 "
				"AND atime_ns > 0 AND ctime_ns > 0"),
			 11);
	assert_int_equal(q(&fx, "SELECT name_not_utf8 FROM files WHERE "
				"evidence_id=2 AND display_path LIKE "
				"'p0/bad%'"),
			 1);
	/* The hit, on the file inside the image. */
	assert_int_equal(q(&fx, "SELECT count(*) FROM hits h JOIN files f ON "
				"f.id=h.file_id WHERE f.evidence_id=2 AND "
				"f.display_path='p0/DCIM/known.txt'"),
			 1);
	/* Evidence kind and the image's own digest. */
	assert_string_equal(qs(&fx, "SELECT kind FROM evidence WHERE id=2", buf,
			       sizeof(buf)),
			    "image");
	img = ts_path(fx.tmp, "ext.raw");
	bytes = ts_read_file(img, &len);
	assert_non_null(bytes);
	assert_int_equal(nsw_digest_buffer(&d, NSW_ALGO_BIT(NSW_ALGO_SHA256),
					   bytes, len),
			 0);
	nsw_hex_encode(want, d.sha256, 32);
	assert_string_equal(qs(&fx,
			       "SELECT lower(hex(image_sha256)) FROM "
			       "evidence WHERE id=2",
			       buf, sizeof(buf)),
			    want);
	assert_int_equal(q(&fx, "SELECT image_size FROM evidence WHERE id=2"),
			 (int64_t)len);
	free(bytes);
	free(img);
	free_fixture(&fx);
}

/* A deleted FAT file is found, hashed from its clusters, marked. */
static void deleted_fat_file_is_hashed_and_marked(void **state)
{
	struct fixture fx;
	nsw_digests d;
	char buf[128], sql[256], want[33];

	(void)state;
	if (!have_tools(__func__, "mkfs.vfat mcopy mdel"))
		skip();
	make_fixture(&fx, 0);
	make_fat(&fx, "fat.raw");
	scan(&fx, "fat.raw", "sd", 1);
	assert_int_equal(nsw_digest_buffer(&d, NSW_ALGO_BIT(NSW_ALGO_MD5),
					   DELETED_TEXT, strlen(DELETED_TEXT)),
			 0);
	nsw_hex_encode(want, d.md5, 16);
	assert_int_equal(q(&fx, "SELECT count(*) FROM files WHERE deleted=1"),
			 1);
	/* FAT overwrites a deleted name's first byte; TSK shows '_'. */
	assert_string_equal(qs(&fx,
			       "SELECT display_path FROM files WHERE "
			       "deleted=1",
			       buf, sizeof(buf)),
			    "p0/_ONE.TXT [deleted inode 5]");
	assert_string_equal(qs(&fx, "SELECT status FROM files WHERE deleted=1",
			       buf, sizeof(buf)),
			    "ok");
	snprintf(sql, sizeof(sql),
		 "SELECT count(*) FROM files WHERE deleted=1 AND "
		 "lower(hex(md5))='%s' AND size=%zu AND meta_addr > 2",
		 want, strlen(DELETED_TEXT));
	assert_int_equal(q(&fx, sql), 1);
	/* The allocated files are there too, and the known one is hit. */
	assert_int_equal(q(&fx, "SELECT count(*) FROM files WHERE deleted=0 "
				"AND status='ok'"),
			 3);
	assert_int_equal(q(&fx, "SELECT count(*) FROM hits"), 1);
	free_fixture(&fx);
}

/* ext4: a deleted name whose inode was given to a new file is recorded as
 * an error (its content is gone), never hashed as the new file's bytes. */
static void reallocated_deleted_entry_is_an_error(void **state)
{
	struct fixture fx;
	char buf[1024];

	(void)state;
	if (!have_tools(__func__, "mke2fs debugfs"))
		skip();
	make_fixture(&fx, 0);
	make_ext4(&fx, "ext.raw");
	put(fx.tmp, "new.txt", "new content\n", 12);
	assert_int_equal(sh(fx.tmp, "debugfs -w -R 'rm DCIM/IMG_0001.JPG' "
				    "ext.raw && debugfs -w -R 'write new.txt "
				    "new.txt' ext.raw"),
			 0);
	scan(&fx, "ext.raw", "img", 1);
	assert_int_equal(q(&fx, "SELECT count(*) FROM files WHERE deleted=1"),
			 1);
	qs(&fx, "SELECT display_path FROM files WHERE deleted=1", buf,
	   sizeof(buf));
	assert_true(strncmp(buf, "p0/DCIM/IMG_0001.JPG [deleted inode ", 36) ==
		    0);
	qs(&fx, "SELECT status || ' ' || error FROM files WHERE deleted=1", buf,
	   sizeof(buf));
	assert_true(strncmp(buf, "error ", 6) == 0);
	assert_non_null(strstr(buf, "now belongs to another file"));
	assert_int_equal(q(&fx, "SELECT count(*) FROM files a JOIN files b ON "
				"a.meta_addr=b.meta_addr WHERE a.deleted=1 "
				"AND b.display_path='p0/new.txt' AND "
				"b.status='ok' AND a.md5 IS NULL"),
			 1);
	free_fixture(&fx);
}

/* MBR: ext4 in p1, FAT in p2, an unformatted p3 recorded as a problem
 * naming the image and the partition; the rest is scanned. */
static void mbr_partitions_are_scanned_and_bad_ones_recorded(void **state)
{
	struct fixture fx;
	char buf[1024];

	(void)state;
	if (!have_tools(__func__, "mke2fs mkfs.vfat mcopy mdel sfdisk"))
		skip();
	make_fixture(&fx, 0);
	make_ext4(&fx, "ext.raw");
	make_fat(&fx, "fat.raw");
	assert_int_equal(
		sh(fx.tmp,
		   "truncate -s 16M disk.raw && "
		   "printf 'label: dos\\nstart=2048, size=16384, type=83\\n"
		   "start=18432, size=8192, type=c\\n"
		   "start=26624, size=4096, type=83\\n' | sfdisk -q disk.raw "
		   "&& dd if=ext.raw of=disk.raw bs=512 seek=2048 "
		   "conv=notrunc && dd if=fat.raw of=disk.raw bs=512 "
		   "seek=18432 conv=notrunc"),
		0);
	scan(&fx, "disk.raw", "disk", 1);
	assert_int_equal(q(&fx, "SELECT count(*) FROM files WHERE "
				"display_path LIKE 'p1/%' AND status='ok'"),
			 5);
	assert_int_equal(q(&fx, "SELECT count(*) FROM files WHERE "
				"display_path LIKE 'p2/%' AND status='ok'"),
			 4);
	assert_int_equal(q(&fx, "SELECT count(*) FROM files WHERE "
				"display_path LIKE 'p2/%' AND deleted=1"),
			 1);
	assert_string_equal(qs(&fx,
			       "SELECT status FROM files WHERE "
			       "display_path='p3'",
			       buf, sizeof(buf)),
			    "error");
	qs(&fx, "SELECT error FROM files WHERE display_path='p3'", buf,
	   sizeof(buf));
	assert_non_null(strstr(buf, "disk.raw: p3 (offset 13631488"));
	assert_non_null(strstr(buf, "no file system"));
	/* The same known file in both partitions: two hits. */
	assert_int_equal(q(&fx, "SELECT count(*) FROM hits"), 2);
	free_fixture(&fx);
}

/* GPT: the first partition is p1 (the protective MBR and the tables are
 * not partitions). */
static void gpt_partition_is_scanned(void **state)
{
	struct fixture fx;

	(void)state;
	if (!have_tools(__func__, "mke2fs sfdisk"))
		skip();
	make_fixture(&fx, 0);
	make_ext4(&fx, "ext.raw");
	assert_int_equal(sh(fx.tmp, "truncate -s 12M gpt.raw && "
				    "printf 'label: gpt\\nstart=2048, "
				    "size=16384\\n' | sfdisk -q gpt.raw && "
				    "dd if=ext.raw of=gpt.raw bs=512 seek=2048 "
				    "conv=notrunc"),
			 0);
	scan(&fx, "gpt.raw", "gpt", 1);
	assert_int_equal(q(&fx, "SELECT count(*) FROM files WHERE "
				"display_path LIKE 'p1/%' AND status='ok'"),
			 5);
	assert_int_equal(q(&fx, "SELECT count(*) FROM files"), 5);
	assert_int_equal(q(&fx, "SELECT count(*) FROM hits"), 1);
	free_fixture(&fx);
}

/* Not an image, or cut short: a clear error naming it, no crash. */
static void corrupt_or_truncated_image_fails_clearly(void **state)
{
	struct fixture fx;
	nsw_scan_options o;
	nsw_scan_result r;
	uint8_t junk[65536];
	char *path;
	int rc;

	(void)state;
	make_fixture(&fx, 0);
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (uint8_t)(i * 2654435761u >> 13);
	put(fx.tmp, "junk.raw", junk, sizeof(junk));
	path = ts_path(fx.tmp, "junk.raw");
	options(&o, path, "junk", 1);
	assert_int_equal(nsw_scan_run(fx.case_path, &o, &r), NSW_EFORMAT);
	assert_non_null(strstr(nsw_error_last(), path));
	free(path);
	if (have_tools(__func__, "mke2fs")) {
		/* The superblock is there, the groups and inodes are not. */
		make_ext4(&fx, "cut.raw");
		assert_int_equal(sh(fx.tmp, "truncate -s 40000 cut.raw"), 0);
		path = ts_path(fx.tmp, "cut.raw");
		options(&o, path, "cut", 1);
		rc = nsw_scan_run(fx.case_path, &o, &r);
		if (rc != 0) {
			assert_int_equal(rc, NSW_EFORMAT);
			assert_non_null(strstr(nsw_error_last(), path));
		} else {
			/* Opened: whatever it could not read is recorded. */
			assert_true(r.errors > 0);
		}
		free(path);
	}
	free_fixture(&fx);
}

/*
 * A deleted file claiming more bytes than its whole file system is
 * refused before libtsk builds its runs (which took it 8 s, quadratic in
 * the claimed size, on this 58 KB ext image fuzz_diskimage produced).
 */
static void deleted_file_larger_than_its_fs_is_refused(void **state)
{
	struct fixture fx;
	nsw_scan_options o;
	nsw_scan_result r;
	char path[4096];

	(void)state;
	make_fixture(&fx, 0);
	/* The fuzz corpus keeps the input (its replay runs it too). */
	snprintf(path, sizeof(path),
		 "%s/../../fuzz/corpus/diskimage/ext_orphan_huge_size",
		 ts_test_data());
	options(&o, path, "hostile", 1);
	assert_int_equal(nsw_scan_run(fx.case_path, &o, &r), 0);
	assert_int_equal(r.files, 2);
	assert_int_equal(r.errors, 2);
	assert_int_equal(q(&fx,
			   "SELECT count(*) FROM files WHERE status = "
			   "'error' AND deleted = 1 AND error LIKE "
			   "'%claimed size over the file system''s size%'"),
			 2);
	free_fixture(&fx);
}

/* Run the scan `o` in a child that o->test_kill_after kills with SIGKILL
 * (as kill -9 would), mid-scan. */
static void scan_killed(const struct fixture *fx, const nsw_scan_options *o)
{
	nsw_scan_result r;
	int status = 0;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		nsw_scan_run(fx->case_path, o, &r);
		_exit(0); /* not reached when the kill point is hit */
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGKILL);
}

/* kill -9 after 20 committed files; the same scan again records the rest
 * and nothing twice. */
static void killed_image_scan_resumes_without_duplicates(void **state)
{
	struct fixture fx;
	nsw_scan_options o;
	nsw_scan_result r;
	char *path;
	int64_t before;

	(void)state;
	if (!have_tools(__func__, "mke2fs"))
		skip();
	make_fixture(&fx, 60);
	make_ext4(&fx, "ext.raw");
	path = ts_path(fx.tmp, "ext.raw");
	options(&o, path, "img", 1);
	o.batch_files = 7;
	o.test_kill_after = 20;
	scan_killed(&fx, &o);
	before = q(&fx, "SELECT count(*) FROM files");
	assert_int_equal(before, 21);
	o.test_kill_after = 0;
	assert_int_equal(nsw_scan_run(fx.case_path, &o, &r), 0);
	assert_int_equal(r.resumed, 1);
	assert_int_equal(r.files_skipped, before);
	assert_int_equal(r.files + r.files_skipped, 65);
	assert_int_equal(q(&fx, "SELECT count(*) FROM files"), 65);
	assert_int_equal(q(&fx, "SELECT count(DISTINCT path) FROM files"), 65);
	assert_int_equal(q(&fx, "SELECT count(*) FROM hits"), 1);
	assert_int_equal(q(&fx, "SELECT count(*) FROM scan_runs"), 1);
	free(path);
	free_fixture(&fx);
}

/* The image file's bytes and times are as they were after a scan. */
static void image_is_left_untouched(void **state)
{
	struct fixture fx;
	struct stat before, after;
	uint8_t *b0, *b1;
	size_t l0 = 0, l1 = 0;
	char *path;

	(void)state;
	if (!have_tools(__func__, "mkfs.vfat mcopy mdel"))
		skip();
	make_fixture(&fx, 0);
	make_fat(&fx, "fat.raw");
	path = ts_path(fx.tmp, "fat.raw");
	assert_int_equal(stat(path, &before), 0);
	b0 = ts_read_file(path, &l0);
	scan(&fx, "fat.raw", "sd", 1);
	assert_int_equal(stat(path, &after), 0);
	b1 = ts_read_file(path, &l1);
	assert_non_null(b0);
	assert_non_null(b1);
	assert_int_equal(l0, l1);
	assert_memory_equal(b0, b1, l0);
	assert_int_equal(before.st_mtim.tv_sec, after.st_mtim.tv_sec);
	assert_int_equal(before.st_mtim.tv_nsec, after.st_mtim.tv_nsec);
	assert_int_equal(before.st_ctim.tv_sec, after.st_ctim.tv_sec);
	assert_int_equal(before.st_ctim.tv_nsec, after.st_ctim.tv_nsec);
	assert_int_equal(before.st_mode, after.st_mode);
	free(b0);
	free(b1);
	free(path);
	free_fixture(&fx);
}

/* An E01 of the ext4 image: the same files and digests, and the media
 * SHA-256 equals the raw image's. */
static void e01_image_reads_as_its_raw_image(void **state)
{
	struct fixture fx;

	(void)state;
	if (!have_tools(__func__, "mke2fs ewfacquire"))
		skip();
	make_fixture(&fx, 3);
	make_ext4(&fx, "ext.raw");
	assert_int_equal(sh(fx.tmp, "ewfacquire -u -t acq -c none -f "
				    "encase6 -D desc -e ex -E ev -N note "
				    "ext.raw"),
			 0);
	scan(&fx, "ext.raw", "raw", 1);
	scan(&fx, "acq.E01", "e01", 1);
	assert_int_equal(q(&fx, "SELECT count(*) FROM files WHERE "
				"evidence_id=2 AND status='ok'"),
			 8);
	assert_int_equal(q(&fx, "SELECT count(*) FROM files a JOIN files b ON "
				"b.evidence_id=2 AND b.path=a.path AND "
				"b.sha256=a.sha256 AND b.meta_addr=a.meta_addr "
				"WHERE a.evidence_id=1"),
			 8);
	assert_int_equal(q(&fx, "SELECT count(*) FROM evidence a JOIN "
				"evidence b ON a.image_sha256=b.image_sha256 "
				"AND a.id=1 AND b.id=2"),
			 1);
	free_fixture(&fx);
}

/* A label is one image: scanning another image file at the same path
 * under it fails before anything is recorded, naming both digests. */
static void another_image_under_a_label_is_refused(void **state)
{
	struct fixture fx;
	nsw_scan_options o;
	nsw_scan_result r;
	char *path;

	(void)state;
	if (!have_tools(__func__, "mke2fs"))
		skip();
	make_fixture(&fx, 0);
	make_ext4(&fx, "ext.raw");
	scan(&fx, "ext.raw", "img", 1);
	put(fx.tree, "later.txt", "added later\n", 12);
	make_ext4(&fx, "ext.raw");
	path = ts_path(fx.tmp, "ext.raw");
	options(&o, path, "img", 1);
	assert_int_equal(nsw_scan_run(fx.case_path, &o, &r), NSW_EINVAL);
	assert_non_null(strstr(nsw_error_last(), "not the image scanned"));
	assert_int_equal(q(&fx, "SELECT count(*) FROM files WHERE "
				"display_path='p0/later.txt'"),
			 0);
	free(path);
	free_fixture(&fx);
}

/* A raw image split in segments (.001, .002, ...) is one image: the same
 * files, and the digest of the whole disk. */
static void split_raw_reads_as_one_image(void **state)
{
	struct fixture fx;

	(void)state;
	if (!have_tools(__func__, "mke2fs split"))
		skip();
	make_fixture(&fx, 3);
	make_ext4(&fx, "ext.raw");
	assert_int_equal(sh(fx.tmp, "split -b 3M -d -a 3 --numeric-suffixes=1 "
				    "ext.raw seg.raw."),
			 0);
	scan(&fx, "ext.raw", "whole", 1);
	scan(&fx, "seg.raw.001", "split", 1);
	assert_int_equal(q(&fx, "SELECT count(*) FROM files a JOIN files b ON "
				"b.evidence_id=2 AND b.path=a.path AND "
				"b.sha256=a.sha256 WHERE a.evidence_id=1"),
			 8);
	assert_int_equal(q(&fx, "SELECT count(*) FROM evidence a JOIN "
				"evidence b ON a.image_sha256=b.image_sha256 "
				"AND a.image_size=b.image_size AND a.id=1 "
				"AND b.id=2"),
			 1);
	free_fixture(&fx);
}

/* verify re-reads the image through libtsk: clean right after the scan;
 * after the image is rebuilt with one file changed, one removed and one
 * added, it reports the image digest and each of them. */
static void verify_rereads_the_image(void **state)
{
	struct fixture fx;
	ts_diffs x = {0};
	nsw_verify_result vr;
	char *p;

	(void)state;
	if (!have_tools(__func__, "mke2fs"))
		skip();
	make_fixture(&fx, 2);
	make_ext4(&fx, "ext.raw");
	scan(&fx, "ext.raw", "img", 1);
	assert_int_equal(
		nsw_scan_verify(fx.case_path, "img", ts_collect_diff, &x, &vr),
		0);
	assert_int_equal(x.n, 0);
	assert_int_equal(vr.checked, 7);

	put(fx.tree, "readme.txt", "changed\n", 8);
	p = ts_path(fx.tree, "empty.bin");
	assert_int_equal(unlink(p), 0);
	free(p);
	put(fx.tree, "new.txt", "new\n", 4);
	make_ext4(&fx, "ext.raw");
	assert_int_equal(
		nsw_scan_verify(fx.case_path, "img", ts_collect_diff, &x, &vr),
		0);
	assert_int_equal(vr.changed, 2);
	assert_int_equal(vr.missing, 1);
	assert_int_equal(vr.added, 1);
	assert_true(ts_diffs_has(&x, "changed ", 1));
	assert_true(ts_diffs_has(&x, "changed p0/readme.txt", 1));
	assert_true(ts_diffs_has(&x, "missing p0/empty.bin", 1));
	assert_true(ts_diffs_has(&x, "new p0/new.txt", 1));
	free_fixture(&fx);
}

/* Writes tmp/dir/DCIM/photos.zip (a known JPEG and a note), album.7z (the
 * JPEG: 7z must seek) and a FAT image `name` holding that DCIM folder. */
static void make_fat_with_zip(const struct fixture *fx, const char *name,
			      const char *note)
{
	ts_archive_spec sevenz = {"7zip", NULL, NULL, NULL};
	ts_zip_entry m[2];
	uint8_t *jpeg;
	size_t jlen = 0;
	char *p, cmd[512];

	p = ts_path(fx->tree, "DCIM/IMG_0001.JPG");
	jpeg = ts_read_file(p, &jlen);
	assert_non_null(jpeg);
	free(p);
	m[0] = (ts_zip_entry){"pics/a.jpg", jpeg, jlen, 1500000000};
	m[1] = (ts_zip_entry){"note.txt", note, strlen(note), 0};
	put(fx->tmp, "dir/DCIM/keep.txt", "keep\n", 5);
	p = ts_path(fx->tmp, "dir/DCIM/photos.zip");
	assert_int_equal(ts_write_zip(p, m, 2), 0);
	free(p);
	p = ts_path(fx->tmp, "dir/DCIM/album.7z");
	assert_int_equal(ts_write_archive(p, &sevenz, m, 1), 0);
	free(p);
	free(jpeg);
	snprintf(cmd, sizeof(cmd),
		 "rm -f %s && mkfs.vfat -C %s 4096 && "
		 "mcopy -i %s -s dir/DCIM ::/",
		 name, name, name);
	assert_int_equal(sh(fx->tmp, cmd), 0);
}

/* An archive inside a disk image is read through libtsk like one on a
 * device: its members get the digests the same zip's members get from a
 * directory scan, "p0/DCIM/photos.zip!/..." paths and their hits (a 7z,
 * which must seek, too); with
 * archives off only the zip is recorded; verify finds the image as
 * scanned, then the changed member once the zip in the image changes. */
static void archive_inside_an_image_is_read(void **state)
{
	struct fixture fx;
	ts_diffs x = {0};
	nsw_verify_result vr;
	nsw_scan_options o;
	nsw_scan_result r;
	nsw_digests d;
	uint8_t *jpeg;
	size_t jlen = 0;
	char *p;

	(void)state;
	if (!have_tools(__func__, "mkfs.vfat mcopy"))
		skip();
	make_fixture(&fx, 0);
	p = ts_path(fx.tree, "DCIM/IMG_0001.JPG");
	jpeg = ts_read_file(p, &jlen);
	assert_non_null(jpeg);
	free(p);
	assert_int_equal(
		nsw_digest_buffer(&d, NSW_ALGO_BIT(NSW_ALGO_MD5), jpeg, jlen),
		0);
	free(jpeg);
	memcpy(known_image_md5, d.md5, 16);
	known_image_set = 1;
	make_fat_with_zip(&fx, "fat.raw", "a note\n");
	assert_int_equal(scan(&fx, "dir", "dir", 0), 1);
	assert_int_equal(scan(&fx, "fat.raw", "sd", 1), 2);

	/* The three members, each with the directory scan's digests and
	 * PDQ; the zip's two linked to the zip recorded in the image. */
	assert_int_equal(same_as_directory(&fx, "DCIM/%!/%"), 3);
	assert_int_equal(q(&fx, "SELECT count(*) FROM files m JOIN files z ON "
				"z.id=m.container_file_id WHERE "
				"m.evidence_id=2 AND z.display_path="
				"'p0/DCIM/photos.zip' AND z.status='ok' AND "
				"m.id < z.id"),
			 2);
	assert_int_equal(q(&fx,
			   "SELECT count(*) FROM files WHERE "
			   "evidence_id=2 AND pdq IS NOT NULL AND "
			   "display_path='p0/DCIM/photos.zip!/pics/a.jpg'"),
			 1);
	/* The known image is hit as each member, and nothing else is. */
	assert_int_equal(q(&fx,
			   "SELECT count(*) FROM hits h JOIN files f ON "
			   "f.id=h.file_id WHERE f.evidence_id=2 AND "
			   "f.display_path='p0/DCIM/photos.zip!/pics/a.jpg'"),
			 1);
	assert_int_equal(q(&fx,
			   "SELECT count(*) FROM hits h JOIN files f ON "
			   "f.id=h.file_id WHERE f.evidence_id=2 AND "
			   "f.display_path='p0/DCIM/album.7z!/pics/a.jpg'"),
			 1);
	assert_int_equal(q(&fx, "SELECT count(*) FROM hits h JOIN files f ON "
				"f.id=h.file_id WHERE f.evidence_id=2"),
			 2);

	/* Archives off: the zip is recorded, not its members. */
	options(&o, NULL, "noarc", 1);
	o.evidence_path = p = ts_path(fx.tmp, "fat.raw");
	o.no_archives = 1;
	assert_int_equal(nsw_scan_run(fx.case_path, &o, &r), 0);
	free(p);
	assert_int_equal(q(&fx, "SELECT count(*) FROM files WHERE "
				"evidence_id=3 AND display_path="
				"'p0/DCIM/photos.zip' AND status='ok'"),
			 1);
	assert_int_equal(q(&fx, "SELECT count(*) FROM files WHERE "
				"evidence_id=3 AND (display_path LIKE '%!/%' "
				"OR container_file_id IS NOT NULL)"),
			 0);
	assert_int_equal(q(&fx, "SELECT count(*) FROM hits h JOIN files f ON "
				"f.id=h.file_id WHERE f.evidence_id=3"),
			 0);

	/* verify: the members are as scanned, through their zip. */
	assert_int_equal(
		nsw_scan_verify(fx.case_path, "sd", ts_collect_diff, &x, &vr),
		0);
	assert_int_equal(x.n, 0);
	/* keep.txt, photos.zip and its 2 members, album.7z and its one */
	assert_int_equal(vr.checked, 6);

	/* The note inside the zip changes: the zip is read again through
	 * the image and only that member (with the zip) is changed. */
	make_fat_with_zip(&fx, "fat.raw", "another note\n");
	assert_int_equal(
		nsw_scan_verify(fx.case_path, "sd", ts_collect_diff, &x, &vr),
		0);
	assert_true(
		ts_diffs_has(&x, "changed p0/DCIM/photos.zip!/note.txt", 1));
	assert_true(ts_diffs_has(&x, "changed p0/DCIM/photos.zip", 1));
	assert_int_equal(vr.changed, 3); /* the image, the zip, the note */
	assert_int_equal(vr.missing, 0);
	assert_int_equal(vr.added, 0);
	known_image_set = 0;
	free_fixture(&fx);
}

/* A scan killed in the middle of an archive inside an image resumes as on
 * a directory: members committed before their archive are not recorded
 * twice, the archive is read again, every member ends up linked to it. */
static void killed_scan_in_an_image_archive_resumes(void **state)
{
	struct fixture fx;
	nsw_scan_options o;
	nsw_scan_result r;
	ts_zip_entry m[31];
	char names[30][32], texts[30][32], cmd[256];
	char *path;
	int64_t before;

	(void)state;
	if (!have_tools(__func__, "mkfs.vfat mcopy"))
		skip();
	make_fixture(&fx, 0);
	for (int i = 0; i < 30; i++) {
		snprintf(names[i], sizeof(names[i]), "n/%02d.txt", i);
		snprintf(texts[i], sizeof(texts[i]), "member %d\n", i);
		m[i] = (ts_zip_entry){names[i], texts[i], strlen(texts[i]), 0};
	}
	m[30] = (ts_zip_entry){"known.txt", KNOWN_TEXT, strlen(KNOWN_TEXT), 0};
	put(fx.tmp, "dir/DCIM/keep.txt", "keep\n", 5);
	path = ts_path(fx.tmp, "dir/DCIM/many.zip");
	assert_int_equal(ts_write_zip(path, m, 31), 0);
	free(path);
	snprintf(cmd, sizeof(cmd),
		 "mkfs.vfat -C fat.raw 4096 && mcopy -i fat.raw -s dir/DCIM "
		 "::/");
	assert_int_equal(sh(fx.tmp, cmd), 0);
	path = ts_path(fx.tmp, "fat.raw");
	options(&o, path, "sd", 1);
	o.batch_files = 4;
	o.test_kill_after = 10;
	scan_killed(&fx, &o);
	before = q(&fx, "SELECT count(*) FROM files WHERE display_path LIKE "
			"'p0/DCIM/many.zip!/%'");
	assert_true(before >= 8 && before < 31);
	assert_int_equal(q(&fx, "SELECT count(*) FROM files WHERE "
				"display_path='p0/DCIM/many.zip'"),
			 0);
	o.test_kill_after = 0;
	assert_int_equal(nsw_scan_run(fx.case_path, &o, &r), 0);
	assert_int_equal(r.resumed, 1);
	assert_int_equal(q(&fx, "SELECT count(*) FROM files"), 33);
	assert_int_equal(q(&fx, "SELECT count(DISTINCT path) FROM files"), 33);
	assert_int_equal(q(&fx, "SELECT count(*) FROM files m JOIN files z ON "
				"z.id=m.container_file_id WHERE "
				"z.display_path='p0/DCIM/many.zip'"),
			 31);
	assert_int_equal(q(&fx, "SELECT count(*) FROM hits h JOIN files f ON "
				"f.id=h.file_id WHERE f.display_path="
				"'p0/DCIM/many.zip!/known.txt'"),
			 1);
	assert_int_equal(q(&fx, "SELECT count(*) FROM hits"), 1);
	free(path);
	free_fixture(&fx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ext4_files_match_a_directory_scan),
		cmocka_unit_test(deleted_fat_file_is_hashed_and_marked),
		cmocka_unit_test(reallocated_deleted_entry_is_an_error),
		cmocka_unit_test(
			mbr_partitions_are_scanned_and_bad_ones_recorded),
		cmocka_unit_test(gpt_partition_is_scanned),
		cmocka_unit_test(corrupt_or_truncated_image_fails_clearly),
		cmocka_unit_test(deleted_file_larger_than_its_fs_is_refused),
		cmocka_unit_test(killed_image_scan_resumes_without_duplicates),
		cmocka_unit_test(image_is_left_untouched),
		cmocka_unit_test(e01_image_reads_as_its_raw_image),
		cmocka_unit_test(split_raw_reads_as_one_image),
		cmocka_unit_test(another_image_under_a_label_is_refused),
		cmocka_unit_test(verify_rereads_the_image),
		cmocka_unit_test(archive_inside_an_image_is_read),
		cmocka_unit_test(killed_scan_in_an_image_archive_resumes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
