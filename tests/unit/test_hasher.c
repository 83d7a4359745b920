/* SPDX-License-Identifier: Apache-2.0 */
/* The one-read file hasher: digests, refusals, evidence left untouched. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support.h"
#include "imgsynth.h"
#include "alloc.h"
#include "error.h"
#include "limits.h"
#include "netsweep/hasher.h"

#define DIGESTS NSW_DIGESTS_ALL
#define PDQ NSW_ALGO_BIT(NSW_ALGO_PDQ)

static char *tmp;

static int setup(void **state)
{
	(void)state;
	tmp = ts_tmpdir();
	return tmp == NULL ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	ts_tmpdir_remove(tmp);
	return 0;
}

/* Write `len` bytes of a deterministic pattern; returns the path. */
static char *pattern_file(const char *name, size_t len, uint8_t **data)
{
	char *path = ts_path(tmp, name);
	uint8_t *d = malloc(len ? len : 1);

	assert_non_null(d);
	for (size_t i = 0; i < len; i++)
		d[i] = (uint8_t)((i * 7919u) >> 5 ^ i);
	assert_int_equal(ts_write_file(path, d, len), 0);
	*data = d;
	return path;
}

static void hashes_multi_chunk_file_like_one_shot(void **state)
{
	size_t len = 3 * NSW_READ_CHUNK + 17;
	uint8_t *data;
	char *path = pattern_file("big", len, &data);
	nsw_hasher *h = NULL;
	nsw_file_hash r;
	nsw_digests want;

	(void)state;
	assert_int_equal(nsw_digest_buffer(&want, DIGESTS, data, len), 0);
	assert_int_equal(nsw_hasher_new(&h, DIGESTS, 0), 0);
	assert_int_equal(nsw_hasher_file(h, &r, path), 0);
	assert_int_equal(r.size, len);
	assert_int_equal(r.has, DIGESTS);
	assert_memory_equal(&r.digests, &want, sizeof(want));
	assert_int_equal(r.decode_error, 0);
	/* The same hasher serves the next file. */
	assert_int_equal(nsw_hasher_file(h, &r, path), 0);
	assert_memory_equal(&r.digests, &want, sizeof(want));
	nsw_hasher_free(h);
	free(data);
	free(path);
}

static void hashes_empty_file(void **state)
{
	uint8_t *data;
	char *path = pattern_file("empty", 0, &data);
	nsw_hasher *h = NULL;
	nsw_file_hash r;
	char hex[33];

	(void)state;
	assert_int_equal(nsw_hasher_new(&h, DIGESTS | PDQ, 0), 0);
	assert_int_equal(nsw_hasher_file(h, &r, path), 0);
	assert_int_equal(r.size, 0);
	assert_int_equal(r.has, DIGESTS);
	nsw_hex_encode(hex, r.digests.md5, NSW_MD5_BYTES);
	assert_string_equal(hex, "d41d8cd98f00b204e9800998ecf8427e");
	assert_int_equal(r.format, NSW_IMAGE_UNKNOWN);
	nsw_hasher_free(h);
	free(data);
	free(path);
}

static void on_alarm(int sig)
{
	(void)sig;
	fail_msg("hasher blocked on a FIFO");
}

static void refuses_fifo_without_blocking(void **state)
{
	char *path = ts_path(tmp, "fifo");
	nsw_hasher *h = NULL;
	nsw_file_hash r;

	(void)state;
	assert_int_equal(mkfifo(path, 0644), 0);
	assert_int_equal(nsw_hasher_new(&h, DIGESTS, 0), 0);
	signal(SIGALRM, on_alarm);
	alarm(10);
	assert_int_equal(nsw_hasher_file(h, &r, path), NSW_EUNSUPPORTED);
	alarm(0);
	assert_non_null(strstr(nsw_error_last(), "not a regular file"));
	assert_memory_equal(nsw_error_last(), path, strlen(path));
	nsw_hasher_free(h);
	free(path);
}

static void refuses_directory_and_missing_file(void **state)
{
	char *missing = ts_path(tmp, "no-such-file");
	nsw_hasher *h = NULL;
	nsw_file_hash r;

	(void)state;
	assert_int_equal(nsw_hasher_new(&h, DIGESTS, 0), 0);
	assert_int_equal(nsw_hasher_file(h, &r, tmp), NSW_EUNSUPPORTED);
	assert_int_equal(nsw_hasher_file(h, &r, missing), NSW_ENOTFOUND);
	assert_memory_equal(nsw_error_last(), missing, strlen(missing));
	assert_int_equal(r.has, 0);
	nsw_hasher_free(h);
	free(missing);
}

static void follows_a_named_symlink(void **state)
{
	uint8_t *data;
	char *path = pattern_file("target", 100, &data);
	char *link = ts_path(tmp, "link");
	nsw_hasher *h = NULL;
	nsw_file_hash r;
	nsw_digests want;

	(void)state;
	assert_int_equal(symlink(path, link), 0);
	assert_int_equal(nsw_digest_buffer(&want, DIGESTS, data, 100), 0);
	assert_int_equal(nsw_hasher_new(&h, DIGESTS, 0), 0);
	assert_int_equal(nsw_hasher_file(h, &r, link), 0);
	assert_memory_equal(&r.digests, &want, sizeof(want));
	nsw_hasher_free(h);
	free(data);
	free(path);
	free(link);
}

static void leaves_evidence_times_untouched(void **state)
{
	uint8_t *data;
	char *path = pattern_file("evidence", 5000, &data);
	/* An access time older than the modification time: relatime
	 * would update it on read, only O_NOATIME keeps it. */
	struct timespec times[2] = {{1000000000, 0}, {1500000000, 0}};
	struct stat before, after;
	nsw_hasher *h = NULL;
	nsw_file_hash r;

	(void)state;
	assert_int_equal(utimensat(AT_FDCWD, path, times, 0), 0);
	assert_int_equal(stat(path, &before), 0);
	assert_int_equal(nsw_hasher_new(&h, DIGESTS | PDQ, 0), 0);
	assert_int_equal(nsw_hasher_file(h, &r, path), 0);
	assert_int_equal(stat(path, &after), 0);
	assert_int_equal(after.st_atime, 1000000000);
	assert_int_equal(after.st_mtime, before.st_mtime);
	assert_int_equal(after.st_ctim.tv_sec, before.st_ctim.tv_sec);
	assert_int_equal(after.st_ctim.tv_nsec, before.st_ctim.tv_nsec);
	assert_int_equal(after.st_size, 5000);
	nsw_hasher_free(h);
	free(data);
	free(path);
}

/* 0 when hashing `path` fails with NSW_EIO naming the path. */
static int hash_unreadable(const char *path)
{
	nsw_hasher *h = NULL;
	nsw_file_hash r;
	int rc, ok;

	if (nsw_hasher_new(&h, DIGESTS, 0) != 0)
		return 2;
	rc = nsw_hasher_file(h, &r, path);
	ok = rc == NSW_EIO &&
	     strncmp(nsw_error_last(), path, strlen(path)) == 0;
	if (!ok)
		fprintf(stderr, "rc %d, message '%s'\n", rc, nsw_error_last());
	nsw_hasher_free(h);
	return ok ? 0 : 1;
}

static void reports_unreadable_file(void **state)
{
	uint8_t *data;
	char *path = pattern_file("locked", 10, &data);

	(void)state;
	assert_int_equal(chmod(path, 0), 0);
	if (geteuid() != 0) {
		assert_int_equal(hash_unreadable(path), 0);
	} else {
		/* root reads mode-000 files: try as "nobody" in a child. */
		pid_t pid;
		int status = -1;

		assert_int_equal(chmod(tmp, 0755), 0);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			if (setgid(65534) != 0 || setuid(65534) != 0)
				_exit(3);
			_exit(hash_unreadable(path));
		}
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	free(data);
	free(path);
}

static void non_image_has_no_pdq_and_no_error(void **state)
{
	char *path = ts_path(tmp, "notes.txt");
	const char *text = "not an image at all\n";
	nsw_hasher *h = NULL;
	nsw_file_hash r;

	(void)state;
	assert_int_equal(ts_write_file(path, text, strlen(text)), 0);
	assert_int_equal(nsw_hasher_new(&h, DIGESTS | PDQ, 1), 0);
	assert_int_equal(nsw_hasher_file(h, &r, path), 0);
	assert_int_equal(r.has, DIGESTS);
	assert_int_equal(r.format, NSW_IMAGE_UNKNOWN);
	assert_int_equal(r.decode_error, 0);
	assert_string_equal(r.decode_message, "");
	nsw_hasher_free(h);
	free(path);
}

/*
 * A file that starts like a JPEG but is bigger than NSW_IMAGE_FILE_MAX is
 * digested, not held in memory nor decoded, and says why. (Sparse, so the
 * test writes almost nothing.)
 */
static void image_over_the_file_limit_is_digested_not_decoded(void **state)
{
	static const uint8_t soi[] = {0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10,
				      'J',  'F',  'I',	'F',  0x00};
	char *path = ts_path(tmp, "huge.jpg");
	off_t size = (off_t)NSW_IMAGE_FILE_MAX + 1;
	nsw_hasher *h = NULL;
	nsw_file_hash r;
	int fd;

	(void)state;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, soi, sizeof(soi)), (ssize_t)sizeof(soi));
	assert_int_equal(ftruncate(fd, size), 0);
	close(fd);
	assert_int_equal(
		nsw_hasher_new(&h, NSW_ALGO_BIT(NSW_ALGO_MD5) | PDQ, 0), 0);
	assert_int_equal(nsw_hasher_file(h, &r, path), 0);
	assert_int_equal(r.size, (uint64_t)size);
	assert_int_equal(r.format, NSW_IMAGE_JPEG);
	assert_int_equal(r.has, NSW_ALGO_BIT(NSW_ALGO_MD5));
	assert_int_equal(r.decode_error, NSW_ELIMIT);
	assert_memory_equal(r.decode_message, path, strlen(path));
	nsw_hasher_free(h);
	unlink(path);
	free(path);
}

/* Write an encoded image to tmp/name; returns the path. */
static char *image_file(const char *name, uint8_t *data, size_t len)
{
	char *path = ts_path(tmp, name);

	assert_int_equal(ts_write_file(path, data, len), 0);
	return path;
}

/*
 * Hash `path` (holding `data`) and check it against an independent route:
 * digests in one shot, PDQ from a whole-image decode of the same bytes.
 */
static void check_image(const char *path, const uint8_t *data, size_t len,
			nsw_image_format format, uint32_t w, uint32_t h)
{
	nsw_hasher *hr = NULL;
	nsw_file_hash r;
	nsw_digests want;
	nsw_image *img = NULL;
	nsw_pdq_result pdq;

	assert_int_equal(nsw_digest_buffer(&want, DIGESTS, data, len), 0);
	assert_int_equal(nsw_image_decode(&img, data, len, path), 0);
	assert_int_equal(nsw_pdq_hash_pixels(&pdq, img->pixels, img->width,
					     img->height, img->channels,
					     (size_t)img->width * img->channels,
					     1),
			 0);
	assert_int_equal(nsw_hasher_new(&hr, DIGESTS | PDQ, 1), 0);
	assert_int_equal(nsw_hasher_file(hr, &r, path), 0);
	assert_int_equal(r.decode_error, 0);
	assert_int_equal(r.size, len);
	assert_int_equal(r.has, DIGESTS | PDQ);
	assert_memory_equal(&r.digests, &want, sizeof(want));
	assert_int_equal(r.format, format);
	assert_int_equal(r.width, w);
	assert_int_equal(r.height, h);
	assert_memory_equal(&r.pdq.hash, &pdq.hash, sizeof(pdq.hash));
	assert_int_equal(r.pdq.quality, pdq.quality);
	assert_true(r.pdq.has_dihedral);
	assert_memory_equal(r.pdq.dihedral, pdq.dihedral, sizeof(pdq.dihedral));
	nsw_image_free(img);
	nsw_hasher_free(hr);
}

static void pdq_comes_from_the_bytes_digested(void **state)
{
	uint8_t *rgb = ts_synth_rgb(640, 480, 7), *jpg = NULL, *png = NULL;
	size_t jlen = 0, plen = 0;
	char *jpath, *ppath;

	(void)state;
	assert_non_null(rgb);
	assert_int_equal(ts_encode_jpeg(&jpg, &jlen, rgb, 640, 480, 3, 85, 0),
			 0);
	assert_int_equal(ts_encode_png(&png, &plen, rgb, 640, 480, 3, 8, 0, 0),
			 0);
	jpath = image_file("photo.jpg", jpg, jlen);
	/* Content decides the format, not the name. */
	ppath = image_file("photo.dat", png, plen);
	check_image(jpath, jpg, jlen, NSW_IMAGE_JPEG, 640, 480);
	check_image(ppath, png, plen, NSW_IMAGE_PNG, 640, 480);
	free(rgb);
	free(jpg);
	free(png);
	free(jpath);
	free(ppath);
}

/* An image bigger than one read chunk is kept whole across the reads. */
static void image_larger_than_a_chunk_is_read_once(void **state)
{
	uint32_t w = 3000, h = 2000;
	uint8_t *rgb = ts_synth_rgb(w, h, 11), *jpg = NULL;
	size_t len = 0;
	char *path;

	(void)state;
	assert_non_null(rgb);
	assert_int_equal(ts_encode_jpeg(&jpg, &len, rgb, w, h, 3, 98, 1), 0);
	assert_true(len > 2 * NSW_READ_CHUNK); /* the case under test */
	path = image_file("big.jpg", jpg, len);
	check_image(path, jpg, len, NSW_IMAGE_JPEG, w, h);
	free(rgb);
	free(jpg);
	free(path);
}

/* A reader over a buffer in pieces of `step` bytes, failing with
 * `fail_rc` once `fail_at` bytes are out (fail_at 0: never). */
struct piece_reader {
	const uint8_t *data;
	size_t len, pos, step, fail_at;
	int fail_rc;
};

static int piece_read(void *ctx, uint8_t *buf, size_t cap, size_t *got)
{
	struct piece_reader *r = ctx;
	size_t n = r->len - r->pos;

	if (r->fail_at && r->pos >= r->fail_at)
		return nsw_error_set(r->fail_rc, "member is corrupt");
	if (n > r->step)
		n = r->step;
	if (n > cap)
		n = cap;
	memcpy(buf, r->data + r->pos, n);
	r->pos += n;
	*got = n;
	return 0;
}

/* Hashing through a reader gives what hashing the same bytes as a file
 * gives: digests, size, format, PDQ and its variants, with or without a
 * size hint, in awkward piece sizes, an image bigger than a chunk. */
static void stream_hashes_like_a_file(void **state)
{
	uint32_t w = 3000, h = 2000;
	uint8_t *rgb = ts_synth_rgb(w, h, 5), *jpg = NULL, *pat = NULL;
	size_t len = 0;
	char *jpath, *ppath;
	nsw_hasher *hr = NULL;
	nsw_file_hash f, s;
	static const size_t steps[] = {1, 4093, 1u << 20};

	(void)state;
	assert_non_null(rgb);
	assert_int_equal(ts_encode_jpeg(&jpg, &len, rgb, w, h, 3, 98, 1), 0);
	assert_true(len > NSW_READ_CHUNK);
	jpath = image_file("member.jpg", jpg, len);
	ppath = pattern_file("member.bin", 3 * NSW_READ_CHUNK + 17, &pat);
	assert_int_equal(nsw_hasher_new(&hr, DIGESTS | PDQ, 1), 0);
	for (int which = 0; which < 2; which++) {
		const uint8_t *data = which ? pat : jpg;
		size_t n = which ? 3 * NSW_READ_CHUNK + 17 : len;

		assert_int_equal(nsw_hasher_file(hr, &f, which ? ppath : jpath),
				 0);
		for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
			struct piece_reader r = {data, n, 0, steps[i], 0, 0};

			if (which == 0 && steps[i] == 1)
				continue; /* a byte at a time: too slow */
			assert_int_equal(nsw_hasher_stream(hr, &s, piece_read,
							   &r,
							   i ? (int64_t)n : -1,
							   "x.zip/member"),
					 0);
			assert_int_equal(r.pos, n); /* drained */
			assert_int_equal(s.size, f.size);
			assert_int_equal(s.has, f.has);
			assert_int_equal(s.format, f.format);
			assert_int_equal(s.decode_error, 0);
			assert_memory_equal(&s.digests, &f.digests,
					    sizeof(f.digests));
			assert_memory_equal(&s.pdq, &f.pdq, sizeof(f.pdq));
		}
	}
	assert_true(f.has & DIGESTS);
	nsw_hasher_free(hr);
	free(rgb);
	free(jpg);
	free(pat);
	free(jpath);
	free(ppath);
}

/* A reader that fails (a corrupt archive member) fails the hash with its
 * code, the message naming the member; the hasher is usable after. */
static void stream_reader_failure_names_the_member(void **state)
{
	uint8_t *pat = NULL;
	char *path = pattern_file("p.bin", 2 * NSW_READ_CHUNK, &pat);
	struct piece_reader r = {pat,	2 * NSW_READ_CHUNK,	0,
				 65536, NSW_READ_CHUNK + 65536, NSW_EFORMAT};
	nsw_hasher *hr = NULL;
	nsw_file_hash s;

	(void)state;
	assert_int_equal(nsw_hasher_new(&hr, DIGESTS, 0), 0);
	assert_int_equal(nsw_hasher_stream(hr, &s, piece_read, &r, -1,
					   "chat.zip/VID-1.mp4"),
			 NSW_EFORMAT);
	assert_non_null(strstr(nsw_error_last(), "chat.zip/VID-1.mp4"));
	assert_non_null(strstr(nsw_error_last(), "member is corrupt"));
	assert_int_equal(s.has, 0);
	assert_int_equal(s.size, 0);
	r.pos = 0;
	r.fail_at = 0;
	assert_int_equal(nsw_hasher_stream(hr, &s, piece_read, &r, -1, "again"),
			 0);
	assert_int_equal(s.size, 2 * NSW_READ_CHUNK);
	assert_int_equal(nsw_hasher_stream(NULL, &s, piece_read, &r, -1, "x"),
			 NSW_EINVAL);
	nsw_hasher_free(hr);
	free(pat);
	free(path);
}

static void corrupt_image_reports_error_and_keeps_digests(void **state)
{
	uint8_t *rgb = ts_synth_rgb(320, 240, 3), *jpg = NULL;
	size_t len = 0;
	char *path;
	nsw_hasher *h = NULL;
	nsw_file_hash r;
	nsw_digests want;

	(void)state;
	assert_int_equal(ts_encode_jpeg(&jpg, &len, rgb, 320, 240, 3, 90, 0),
			 0);
	len = 300; /* headers, then nothing */
	path = image_file("cut.jpg", jpg, len);
	assert_int_equal(nsw_digest_buffer(&want, DIGESTS, jpg, len), 0);
	assert_int_equal(nsw_hasher_new(&h, DIGESTS | PDQ, 0), 0);
	assert_int_equal(nsw_hasher_file(h, &r, path), 0);
	assert_int_not_equal(r.decode_error, 0);
	assert_memory_equal(r.decode_message, path, strlen(path));
	assert_int_equal(r.format, NSW_IMAGE_JPEG);
	assert_int_equal(r.has, DIGESTS);
	assert_memory_equal(&r.digests, &want, sizeof(want));
	nsw_hasher_free(h);
	free(rgb);
	free(jpg);
	free(path);
}

/*
 * The reference pdq-photo-hasher's outputs on its own test images
 * (../shared). I16.png is a 16-bit PNG where the reference keeps the low
 * byte of each sample, a bug netsweep does not copy (docs/pdq.md).
 */
static void pdq_matches_reference_tool_outputs(void **state)
{
	const char *shared = ts_shared_dir("reference PDQ vectors");
	char *base = NULL, *csv = NULL;
	uint8_t *text = NULL;
	nsw_hasher *h = NULL;
	int checked = 0;

	(void)state;
	if (shared == NULL)
		skip();
	base = ts_path(shared, "pdq/testdata");
	csv = ts_path(base, "generated/ref-pdq-photo-hasher.csv");
	text = ts_read_file(csv, NULL);
	assert_non_null(text);
	assert_int_equal(nsw_hasher_new(&h, PDQ, 0), 0);
	for (char *line = (char *)text; *line != '\0';) {
		char *end = strchr(line, '\n'), *rel, *path;
		nsw_file_hash r;
		nsw_pdq_hash want;
		int quality;

		if (end != NULL)
			*end = '\0';
		/* hash(64),quality,path */
		assert_true(strlen(line) > 67 && line[64] == ',');
		assert_int_equal(nsw_pdq_from_hex(&want, line, 64), 0);
		quality = (int)strtol(line + 65, &rel, 10);
		assert_int_equal(*rel, ',');
		rel++;
		path = ts_path(base, rel);
		if (strstr(rel, "I16.png") == NULL) {
			assert_int_equal(nsw_hasher_file(h, &r, path), 0);
			if (r.decode_error != 0)
				fail_msg("%s", r.decode_message);
			assert_memory_equal(&r.pdq.hash, &want, sizeof(want));
			assert_int_equal(r.pdq.quality, quality);
			checked++;
		}
		free(path);
		line = end ? end + 1 : line + strlen(line);
	}
	assert_true(checked >= 50);
	nsw_hasher_free(h);
	free(text);
	free(csv);
	free(base);
}

/* Bytes this process has read through read() so far (/proc/self/io). */
static long long bytes_read_so_far(void)
{
	uint8_t *io = ts_read_file("/proc/self/io", NULL);
	const char *p = io ? strstr((const char *)io, "rchar: ") : NULL;
	long long n = p ? strtoll(p + 7, NULL, 10) : -1;

	free(io);
	return n;
}

/* PDQ alone computes nothing from a non-image: it is not read through. */
static void pdq_only_does_not_read_through_non_images(void **state)
{
	size_t len = 20 * NSW_READ_CHUNK;
	uint8_t *data;
	char *path = pattern_file("video.bin", len, &data);
	nsw_hasher *h = NULL;
	nsw_file_hash r;
	long long before, after;

	(void)state;
	if (bytes_read_so_far() < 0) {
		printf("SKIP: no /proc/self/io; read-through case not run\n");
		free(data);
		free(path);
		skip();
	}
	assert_int_equal(nsw_hasher_new(&h, PDQ, 0), 0);
	before = bytes_read_so_far();
	assert_int_equal(nsw_hasher_file(h, &r, path), 0);
	after = bytes_read_so_far();
	assert_int_equal(r.size, len);
	assert_int_equal(r.has, 0);
	assert_true(after - before <= (long long)(2 * NSW_READ_CHUNK));
	nsw_hasher_free(h);
	/* With a digest, every byte is read. */
	assert_int_equal(nsw_hasher_new(&h, NSW_ALGO_BIT(NSW_ALGO_MD5), 0), 0);
	before = bytes_read_so_far();
	assert_int_equal(nsw_hasher_file(h, &r, path), 0);
	after = bytes_read_so_far();
	assert_true(after - before >= (long long)len);
	nsw_hasher_free(h);
	free(data);
	free(path);
}

static void rejects_bad_algorithms_and_reports_oom(void **state)
{
	nsw_hasher *h = (nsw_hasher *)&h;

	(void)state;
	assert_int_equal(nsw_hasher_new(&h, 0, 0), NSW_EINVAL);
	assert_null(h);
	assert_int_equal(nsw_hasher_new(&h, 1u << 7, 0), NSW_EINVAL);
	for (unsigned long n = 1; n <= 3; n++) {
		nsw__alloc_fail_after(n, 0);
		assert_int_equal(nsw_hasher_new(&h, DIGESTS, 0), NSW_ENOMEM);
		assert_null(h);
	}
	nsw__alloc_fail_after(0, 0);
	nsw_hasher_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hashes_multi_chunk_file_like_one_shot),
		cmocka_unit_test(hashes_empty_file),
		cmocka_unit_test(refuses_fifo_without_blocking),
		cmocka_unit_test(refuses_directory_and_missing_file),
		cmocka_unit_test(follows_a_named_symlink),
		cmocka_unit_test(leaves_evidence_times_untouched),
		cmocka_unit_test(reports_unreadable_file),
		cmocka_unit_test(non_image_has_no_pdq_and_no_error),
		cmocka_unit_test(
			image_over_the_file_limit_is_digested_not_decoded),
		cmocka_unit_test(pdq_comes_from_the_bytes_digested),
		cmocka_unit_test(image_larger_than_a_chunk_is_read_once),
		cmocka_unit_test(corrupt_image_reports_error_and_keeps_digests),
		cmocka_unit_test(pdq_matches_reference_tool_outputs),
		cmocka_unit_test(pdq_only_does_not_read_through_non_images),
		cmocka_unit_test(stream_hashes_like_a_file),
		cmocka_unit_test(stream_reader_failure_names_the_member),
		cmocka_unit_test(rejects_bad_algorithms_and_reports_oom),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
