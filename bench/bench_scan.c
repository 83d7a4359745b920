/* SPDX-License-Identifier: Apache-2.0 */
/*
 * netsweep scan against hashdeep and against the image-decode floor, in one
 * run on the same generated tree (issue 4's speed targets). The tree mixes
 * 70% images (JPEG and PNG, benign procedural scenes) with documents,
 * archives and binaries (random bytes behind real magic numbers). Page
 * cache warm (a full read first). Best of R rounds, interleaved:
 *   (a) hashdeep -c md5,sha1,sha256 -r -j 2 DIR
 *   (b) netsweep scan --no-pdq --threads 2    (digests only)
 *   (c) netsweep scan --no-pdq --threads 1    (digest-only CPU)
 *   (d) floor: decode every image once (nsw_image_decode: libjpeg-turbo /
 *       libpng, whole image) in this process, one thread
 *   (e) netsweep scan --threads 1             (with PDQ for every image)
 *   (f) netsweep scan --threads 2
 * Targets: a.wall / b.wall >= 2; e.cpu <= 1.25 * (c.cpu + d.cpu);
 * f.wall <= 0.6 * e.wall. Each scan writes a fresh case (outside the tree).
 * Every scan runs with --no-archives: hashdeep does not descend into
 * archives (nor does the floor), so the comparison stays like-for-like;
 * the tree's "archives" are random bytes behind real magic numbers anyway.
 *
 * Usage: bench_scan [-n FILES] [-r ROUNDS] [-s SCALE] [-b NETSWEEP] [-d DIR]
 *   -n  files in the tree (default 2000; the figure is 20000)
 *   -s  image size scale in percent (default 100: 0.2-4 MB images)
 *   -r  rounds, best kept (default 2)
 *   -b  the netsweep binary (default: next to this program)
 *   -d  use (and keep) DIR, generating only if empty
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "imgsynth.h"
#include "support.h"

#include "netsweep/netsweep.h"

struct timing {
	double wall;
	double cpu;
};

static double now_wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double tv_secs(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static double self_cpu(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return tv_secs(ru.ru_utime) + tv_secs(ru.ru_stime);
}

/* xorshift: deterministic sizes and bytes. */
static uint64_t rng(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* ---- the tree --------------------------------------------------------- */

struct pool {
	uint8_t *data[16];
	size_t len[16];
	int n;
};

/* A pool of distinct images of photo-like sizes; files are pool items with
 * unique trailing bytes (ignored by decoders), so digests all differ while
 * generation stays fast. */
static int make_pool(struct pool *p, int png, int scale)
{
	static const uint32_t dims[4][2] = {
		{1024, 768}, {1600, 1200}, {2400, 1800}, {3264, 2448}};

	p->n = 8;
	for (int i = 0; i < p->n; i++) {
		uint32_t w = dims[i % 4][0] * (uint32_t)scale / 100;
		uint32_t h = dims[i % 4][1] * (uint32_t)scale / 100;
		uint8_t *rgb = ts_synth_rgb(w < 16 ? 16 : w, h < 16 ? 16 : h,
					    (uint64_t)(i + 1) * 7919);
		int rc;

		if (w < 16)
			w = 16;
		if (h < 16)
			h = 16;
		if (rgb == NULL)
			return -1;
		if (png)
			rc = ts_encode_png(&p->data[i], &p->len[i], rgb, w, h,
					   3, 8, 0, 0);
		else
			rc = ts_encode_jpeg(&p->data[i], &p->len[i], rgb, w, h,
					    3, 92, 0);
		free(rgb);
		if (rc != 0)
			return -1;
	}
	return 0;
}

static int write_file(const char *path, const uint8_t *a, size_t alen,
		      const uint8_t *b, size_t blen)
{
	FILE *f = fopen(path, "wb");
	int ok;

	if (f == NULL)
		return -1;
	ok = fwrite(a, 1, alen, f) == alen &&
	     (blen == 0 || fwrite(b, 1, blen, f) == blen);
	return fclose(f) == 0 && ok ? 0 : -1;
}

static int generate(const char *dir, int files, int scale, long long *bytes,
		    int *images)
{
	static const char *const magic[] = {"%PDF-1.7\n", "PK\x03\x04",
					    "\x7f"
					    "ELF\x02\x01\x01",
					    "MZ\x90\x00", "\x1f\x8b\x08\x00"};
	static const char *const ext[] = {"pdf", "zip", "so", "exe", "gz"};
	struct pool jpg = {0}, png = {0};
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	uint8_t *blob = malloc(2 << 20);
	char path[4096], sub[4096];
	int rc = 0;

	*bytes = 0;
	*images = 0;
	if (blob == NULL || make_pool(&jpg, 0, scale) != 0 ||
	    make_pool(&png, 1, scale) != 0)
		rc = -1;
	for (int i = 0; rc == 0 && i < files; i++) {
		uint64_t r = rng(&seed);
		uint8_t tail[16];

		snprintf(sub, sizeof(sub), "%.3000s/d%03d", dir, i / 200);
		mkdir(sub, 0755);
		memcpy(tail, &r, 8);
		memcpy(tail + 8, &i, sizeof(i));
		if (r % 100 < 70) {
			struct pool *p = (r >> 8) % 4 == 0 ? &png : &jpg;
			int k = (int)((r >> 16) % (uint64_t)p->n);

			snprintf(path, sizeof(path), "%.3500s/img%05d.%s", sub,
				 i, p == &png ? "png" : "jpg");
			rc = write_file(path, p->data[k], p->len[k], tail,
					sizeof(tail));
			*bytes += (long long)(p->len[k] + sizeof(tail));
			(*images)++;
		} else {
			size_t len = 10000 + (size_t)((r >> 8) % (2 << 20));
			int m = (int)((r >> 40) % 5);

			if (len > (2u << 20))
				len = 2u << 20;
			for (size_t j = 0; j < len; j += 8) {
				uint64_t v = rng(&seed);

				memcpy(blob + j, &v, len - j < 8 ? len - j : 8);
			}
			memcpy(blob, magic[m], strlen(magic[m]));
			snprintf(path, sizeof(path), "%.3500s/doc%05d.%s", sub,
				 i, ext[m]);
			rc = write_file(path, blob, len, NULL, 0);
			*bytes += (long long)len;
		}
	}
	for (int i = 0; i < jpg.n; i++)
		free(jpg.data[i]);
	for (int i = 0; i < png.n; i++)
		free(png.data[i]);
	free(blob);
	return rc;
}

/* Every regular file below dir (two levels, as generated). */
static char **list_files(const char *dir, int *count)
{
	char **paths = NULL;
	int n = 0, cap = 0;
	DIR *top = opendir(dir);
	struct dirent *e;

	while (top != NULL && (e = readdir(top)) != NULL) {
		char sub[4096];
		DIR *d;
		struct dirent *f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%.3000s/%.255s", dir, e->d_name);
		d = opendir(sub);
		while (d != NULL && (f = readdir(d)) != NULL) {
			if (f->d_name[0] == '.')
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 1024;
				paths = realloc(paths,
						(size_t)cap * sizeof(*paths));
				if (paths == NULL)
					exit(1);
			}
			paths[n] = ts_path(sub, f->d_name);
			n++;
		}
		if (d != NULL)
			closedir(d);
	}
	if (top != NULL)
		closedir(top);
	*count = n;
	return paths;
}

/* ---- the runs --------------------------------------------------------- */

static int run_child(char *const argv[], struct timing *t)
{
	double w0 = now_wall();
	struct rusage ru;
	int status = 0;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);

		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) ||
	    (WEXITSTATUS(status) != 0 && WEXITSTATUS(status) != 3)) {
		fprintf(stderr, "bench_scan: %s %s failed (status %d)\n",
			argv[0], argv[1], status);
		return -1;
	}
	t->wall = now_wall() - w0;
	t->cpu = tv_secs(ru.ru_utime) + tv_secs(ru.ru_stime);
	return 0;
}

static int run_scan(const char *bin, const char *work, const char *list,
		    const char *dir, const char *threads, int pdq,
		    struct timing *t)
{
	char case_path[4096];
	char *init[] = {(char *)bin, "case",	   "init",  case_path, "--name",
			"bench",     "--examiner", "bench", NULL};
	char *scan[] = {(char *)bin, "scan", "--case", case_path, "--list",
			(char *)list, "--label", "tree", "--threads",
			(char *)threads, "--quiet",
			/* hashdeep and the floor do not open archives */
			"--no-archives", (char *)dir, pdq ? NULL : "--no-pdq",
			NULL};
	struct timing dummy;

	snprintf(case_path, sizeof(case_path), "%.4000s/bench.nsdb", work);
	unlink(case_path);
	if (run_child(init, &dummy) != 0)
		return -1;
	return run_child(scan, t);
}

static int run_floor(char **paths, int n, struct timing *t)
{
	double w0 = now_wall(), c0 = self_cpu();

	for (int i = 0; i < n; i++) {
		size_t len = 0;
		uint8_t *data;
		nsw_image *img = NULL;

		if (strstr(paths[i], "/img") == NULL)
			continue;
		data = ts_read_file(paths[i], &len);
		if (data == NULL ||
		    nsw_image_decode(&img, data, len, paths[i]) != 0) {
			fprintf(stderr, "bench_scan: cannot decode %s\n",
				paths[i]);
			free(data);
			return -1;
		}
		nsw_image_free(img);
		free(data);
	}
	t->wall = now_wall() - w0;
	t->cpu = self_cpu() - c0;
	return 0;
}

static void keep_best(struct timing *best, const struct timing *t)
{
	if (best->wall == 0 || t->wall < best->wall)
		best->wall = t->wall;
	if (best->cpu == 0 || t->cpu < best->cpu)
		best->cpu = t->cpu;
}

static int make_list(const char *path)
{
	nsw_list_builder *b = NULL;
	nsw_list_entry e;
	int rc;

	memset(&e, 0, sizeof(e));
	e.has = NSW_HAS_MD5;
	memset(e.md5, 0x42, sizeof(e.md5));
	e.size = -1;
	e.pdq_quality = -1;
	e.victim_identified = e.offender_identified = NSW_FLAG_UNKNOWN;
	rc = nsw_list_builder_new(&b, "bench", "1");
	rc = rc ? rc : nsw_list_builder_add(b, &e);
	rc = rc ? rc : nsw_list_builder_write(b, path, NULL);
	nsw_list_builder_free(b);
	return rc;
}

int main(int argc, char **argv)
{
	int files = 2000, rounds = 2, scale = 100, opt, n = 0, images = 0;
	const char *bin = NULL, *keep_dir = NULL;
	char default_bin[4096], list[4096], dir_buf[4096], load[128] = "?";
	char *work = ts_tmpdir(), **paths;
	struct timing hd = {0}, dig2 = {0}, dig1 = {0}, floor = {0}, pdq1 = {0},
		      pdq2 = {0}, t;
	long long bytes = 0;
	const char *dir;
	FILE *f;

	while ((opt = getopt(argc, argv, "n:r:s:b:d:")) != -1) {
		if (opt == 'n')
			files = (int)strtol(optarg, NULL, 10);
		else if (opt == 'r')
			rounds = (int)strtol(optarg, NULL, 10);
		else if (opt == 's')
			scale = (int)strtol(optarg, NULL, 10);
		else if (opt == 'b')
			bin = optarg;
		else if (opt == 'd')
			keep_dir = optarg;
		else
			return 2;
	}
	if (files < 1 || rounds < 1 || scale < 1 || work == NULL)
		return 2;
	if (bin == NULL) {
		char *slash;

		snprintf(default_bin, sizeof(default_bin), "%s", argv[0]);
		slash = strrchr(default_bin, '/');
		if (slash != NULL)
			snprintf(slash + 1,
				 sizeof(default_bin) -
					 (size_t)(slash + 1 - default_bin),
				 "netsweep");
		bin = default_bin;
	}
	snprintf(dir_buf, sizeof(dir_buf), "%.4000s/tree", work);
	dir = keep_dir != NULL ? keep_dir : dir_buf;
	mkdir(dir, 0755);
	paths = list_files(dir, &n);
	if (n == 0) {
		printf("generating %d files (scale %d%%) in %s ...\n", files,
		       scale, dir);
		fflush(stdout);
		if (generate(dir, files, scale, &bytes, &images) != 0) {
			fprintf(stderr, "bench_scan: generation failed\n");
			return 1;
		}
		free(paths);
		paths = list_files(dir, &n);
	} else {
		for (int i = 0; i < n; i++) {
			struct stat st;

			if (stat(paths[i], &st) == 0)
				bytes += st.st_size;
			images += strstr(paths[i], "/img") != NULL;
		}
	}
	snprintf(list, sizeof(list), "%.4000s/bench.nswl", work);
	if (make_list(list) != 0) {
		fprintf(stderr, "bench_scan: %s\n", nsw_error_last());
		return 1;
	}
	f = fopen("/proc/loadavg", "r");
	if (f != NULL) {
		if (fgets(load, sizeof(load), f) != NULL)
			load[strcspn(load, "\n")] = '\0';
		fclose(f);
	}
	printf("tree: %d files (%d images), %.1f MB; %ld online CPUs; load "
	       "%s\n",
	       n, images, (double)bytes / 1e6, sysconf(_SC_NPROCESSORS_ONLN),
	       load);
	/* Warm the page cache. */
	for (int i = 0; i < n; i++) {
		size_t len;

		free(ts_read_file(paths[i], &len));
	}
	for (int r = 0; r < rounds; r++) {
		char *hashdeep[] = {"hashdeep", "-c", "md5,sha1,sha256", "-r",
				    "-j",	"2",  (char *)dir,	 NULL};

		if (run_child(hashdeep, &t) != 0)
			return 1;
		keep_best(&hd, &t);
		if (run_scan(bin, work, list, dir, "2", 0, &t) != 0)
			return 1;
		keep_best(&dig2, &t);
		if (run_scan(bin, work, list, dir, "1", 0, &t) != 0)
			return 1;
		keep_best(&dig1, &t);
		if (run_floor(paths, n, &t) != 0)
			return 1;
		keep_best(&floor, &t);
		if (run_scan(bin, work, list, dir, "1", 1, &t) != 0)
			return 1;
		keep_best(&pdq1, &t);
		if (run_scan(bin, work, list, dir, "2", 1, &t) != 0)
			return 1;
		keep_best(&pdq2, &t);
	}
	printf("%-44s %8s %8s %9s %8s\n", "run (best of rounds)", "wall s",
	       "cpu s", "files/s", "MB/s");
#define ROW(name, tm)                                                        \
	printf("%-44s %8.2f %8.2f %9.0f %8.1f\n", name, (tm).wall, (tm).cpu, \
	       (double)n / (tm).wall, (double)bytes / 1e6 / (tm).wall)
	ROW("(a) hashdeep md5,sha1,sha256 -j 2", hd);
	ROW("(b) scan --no-pdq, 2 threads", dig2);
	ROW("(c) scan --no-pdq, 1 thread", dig1);
	ROW("(d) floor: decode every image, 1 thread", floor);
	ROW("(e) scan with PDQ, 1 thread", pdq1);
	ROW("(f) scan with PDQ, 2 threads", pdq2);
#undef ROW
	printf("digests: hashdeep wall / scan wall = %.2f (target >= 2)\n",
	       hd.wall / dig2.wall);
	printf("PDQ CPU: scan cpu / (digest cpu + decode floor cpu) = %.2f / "
	       "(%.2f + %.2f) = %.2f (target <= 1.25)\n",
	       pdq1.cpu, dig1.cpu, floor.cpu,
	       pdq1.cpu / (dig1.cpu + floor.cpu));
	printf("threads: wall 2 threads / wall 1 thread = %.2f (target <= "
	       "0.6)\n",
	       pdq2.wall / pdq1.wall);
	for (int i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	if (keep_dir == NULL)
		ts_tmpdir_remove(work);
	else
		free(work);
	return 0;
}
