/* SPDX-License-Identifier: Apache-2.0 */
/*
 * netsweep hash against the floor of a plain libjpeg-turbo decode, in one
 * run on the same files. Generates benign procedural JPEGs (N of 1920x1080
 * and N of 4000x3000, deterministic) in a temp dir, then times, interleaved
 * and best of R rounds:
 *   (a) floor: read each file and decode it fully with libjpeg-turbo
 *       (jpeg_read_scanlines loop, defaults), one thread, in this process;
 *   (b) `netsweep hash --algo pdq --threads 1 DIR` (the CLI binary);
 *   (c) `netsweep hash --algo md5,sha1,sha256,pdq --threads 1 DIR`;
 *   (d) the same as (c) with --threads 2.
 * Targets: b/a <= 1.3, c/a <= 1.5 (CPU time: user + sys, which other load
 * on the machine inflates least; wall time shown too) and wall-clock rate
 * (d)/(c) >= 1.8.
 *
 * Usage: bench_hash [-n N] [-r ROUNDS] [-b NETSWEEP] [-d DIR]
 *   -n  images of each size (default 100)
 *   -r  rounds, best kept (default 3)
 *   -b  the netsweep binary (default: next to this program)
 *   -d  use (and keep) DIR, generating only missing files
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jpeglib.h>

#include "imgsynth.h"
#include "support.h"

#define QUALITY 90

struct timing {
	double wall; /* seconds */
	double cpu;  /* user + sys seconds */
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

/* ---- generation ------------------------------------------------------- */

static long file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* Write set `tag` (w x h, n images) into dir; returns total bytes or -1. */
static long generate(const char *dir, const char *tag, uint32_t w, uint32_t h,
		     int n)
{
	long total = 0;

	for (int i = 0; i < n; i++) {
		char path[PATH_MAX];
		uint8_t *rgb, *jpg = NULL;
		size_t len = 0;
		long have;

		snprintf(path, sizeof(path), "%s/%s-%03d.jpg", dir, tag, i);
		have = file_size(path);
		if (have > 0) {
			total += have;
			continue;
		}
		rgb = ts_synth_rgb(w, h, (uint64_t)i * 1000 + w);
		if (rgb == NULL ||
		    ts_encode_jpeg(&jpg, &len, rgb, w, h, 3, QUALITY, 0) != 0 ||
		    ts_write_file(path, jpg, len) != 0) {
			fprintf(stderr, "bench_hash: cannot make %s\n", path);
			free(rgb);
			free(jpg);
			return -1;
		}
		total += (long)len;
		free(rgb);
		free(jpg);
	}
	return total;
}

/* ---- (a) the floor ---------------------------------------------------- */

static char **list_files(const char *dir, int *count)
{
	struct dirent **names = NULL;
	char **paths;
	int n = scandir(dir, &names, NULL, alphasort), k = 0;

	if (n < 0)
		return NULL;
	paths = calloc((size_t)n + 1, sizeof(*paths));
	for (int i = 0; i < n; i++) {
		if (paths != NULL && strstr(names[i]->d_name, ".jpg") != NULL)
			paths[k++] = ts_path(dir, names[i]->d_name);
		free(names[i]);
	}
	free(names);
	*count = k;
	return paths;
}

/* Plain libjpeg-turbo: defaults (ISLOW, fancy upsampling), every row. */
static int decode_plain(const uint8_t *data, size_t len, uint64_t *pixels)
{
	struct jpeg_decompress_struct cinfo;
	struct jpeg_error_mgr jerr;
	JSAMPARRAY row;

	cinfo.err = jpeg_std_error(&jerr); /* bench input is our own */
	jpeg_create_decompress(&cinfo);
	jpeg_mem_src(&cinfo, data, (unsigned long)len);
	if (jpeg_read_header(&cinfo, TRUE) != JPEG_HEADER_OK) {
		jpeg_destroy_decompress(&cinfo);
		return -1;
	}
	jpeg_start_decompress(&cinfo);
	row = (*cinfo.mem->alloc_sarray)(
		(j_common_ptr)&cinfo, JPOOL_IMAGE,
		cinfo.output_width * cinfo.output_components, 1);
	while (cinfo.output_scanline < cinfo.output_height)
		jpeg_read_scanlines(&cinfo, row, 1);
	*pixels += (uint64_t)cinfo.output_width * cinfo.output_height;
	jpeg_finish_decompress(&cinfo);
	jpeg_destroy_decompress(&cinfo);
	return 0;
}

/* The whole file in one exact-size buffer (as the hasher keeps an image). */
static uint8_t *read_whole(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	uint8_t *data = NULL;
	size_t got = 0;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) == 0 && st.st_size > 0)
		data = malloc((size_t)st.st_size);
	while (data != NULL && got < (size_t)st.st_size) {
		ssize_t r = read(fd, data + got, (size_t)st.st_size - got);

		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	*len = got;
	return data;
}

static int run_floor(char **paths, int n, struct timing *t, uint64_t *pixels)
{
	double w0 = now_wall(), c0 = self_cpu();

	*pixels = 0;
	for (int i = 0; i < n; i++) {
		size_t len = 0;
		uint8_t *data = read_whole(paths[i], &len);

		if (data == NULL || decode_plain(data, len, pixels) != 0) {
			fprintf(stderr, "bench_hash: cannot decode %s\n",
				paths[i]);
			free(data);
			return -1;
		}
		free(data);
	}
	t->wall = now_wall() - w0;
	t->cpu = self_cpu() - c0;
	return 0;
}

/* ---- (b)-(d) the CLI -------------------------------------------------- */

static int run_cli(const char *bin, const char *algo, const char *threads,
		   const char *dir, struct timing *t, long *lines)
{
	int pipefd[2];
	double w0 = now_wall();
	struct rusage ru;
	int status = 0;
	pid_t pid;
	char buf[65536];
	ssize_t got;

	*lines = 0;
	if (pipe(pipefd) != 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(pipefd[1], STDOUT_FILENO);
		close(pipefd[0]);
		close(pipefd[1]);
		execl(bin, bin, "hash", "--algo", algo, "--threads", threads,
		      dir, (char *)NULL);
		_exit(127);
	}
	close(pipefd[1]);
	while ((got = read(pipefd[0], buf, sizeof(buf))) > 0)
		for (ssize_t i = 0; i < got; i++)
			*lines += buf[i] == '\n';
	close(pipefd[0]);
	if (wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		fprintf(stderr, "bench_hash: %s hash --algo %s failed (%d)\n",
			bin, algo, status);
		return -1;
	}
	t->wall = now_wall() - w0;
	t->cpu = tv_secs(ru.ru_utime) + tv_secs(ru.ru_stime);
	return 0;
}

/* ---- the machine ------------------------------------------------------ */

static void print_machine(void)
{
	char line[512], model[256] = "unknown", load[128] = "?";
	FILE *f = fopen("/proc/cpuinfo", "r");

	if (f != NULL) {
		while (fgets(line, sizeof(line), f) != NULL)
			if (strncmp(line, "model name", 10) == 0) {
				char *colon = strchr(line, ':');

				if (colon != NULL)
					snprintf(model, sizeof(model), "%s",
						 colon + 2);
				model[strcspn(model, "\n")] = '\0';
				break;
			}
		fclose(f);
	}
	f = fopen("/proc/loadavg", "r");
	if (f != NULL) {
		if (fgets(load, sizeof(load), f) != NULL)
			load[strcspn(load, "\n")] = '\0';
		fclose(f);
	}
	printf("machine: %ld online CPUs, %s; load average %s\n",
	       sysconf(_SC_NPROCESSORS_ONLN), model, load);
}

static void keep_best(struct timing *best, const struct timing *t)
{
	if (best->wall == 0 || t->wall < best->wall)
		best->wall = t->wall;
	if (best->cpu == 0 || t->cpu < best->cpu)
		best->cpu = t->cpu;
}

static void print_row(const char *what, const struct timing *t,
		      const struct timing *floor, double mb)
{
	printf("  %-44s wall %7.2f s  cpu %7.2f s  %6.1f MB/s  "
	       "wall/a %.2f  cpu/a %.2f\n",
	       what, t->wall, t->cpu, mb / t->wall, t->wall / floor->wall,
	       t->cpu / floor->cpu);
}

int main(int argc, char **argv)
{
	int n = 100, rounds = 3, opt, count = 0, ok = 1;
	const char *bin = NULL, *keep_dir = NULL;
	char default_bin[PATH_MAX], *dir = NULL, **paths = NULL;
	struct timing a = {0, 0}, b = {0, 0}, c = {0, 0}, d = {0, 0};
	long small, large;
	uint64_t pixels = 0;
	double mb, ba, ca, scale;

	while ((opt = getopt(argc, argv, "n:r:b:d:")) != -1) {
		switch (opt) {
		case 'n':
			n = (int)strtol(optarg, NULL, 10);
			break;
		case 'r':
			rounds = (int)strtol(optarg, NULL, 10);
			break;
		case 'b':
			bin = optarg;
			break;
		case 'd':
			keep_dir = optarg;
			break;
		default:
			fprintf(stderr, "usage: bench_hash [-n N] [-r ROUNDS] "
					"[-b NETSWEEP] [-d DIR]\n");
			return 2;
		}
	}
	if (n < 1 || rounds < 1) {
		fprintf(stderr, "bench_hash: -n and -r must be >= 1\n");
		return 2;
	}
	if (bin == NULL) {
		char *slash;

		snprintf(default_bin, sizeof(default_bin), "%s", argv[0]);
		slash = strrchr(default_bin, '/');
		if (slash != NULL)
			snprintf(slash + 1,
				 sizeof(default_bin) -
					 (size_t)(slash + 1 - default_bin),
				 "netsweep");
		else
			snprintf(default_bin, sizeof(default_bin),
				 "./netsweep");
		bin = default_bin;
	}
	if (access(bin, X_OK) != 0) {
		fprintf(stderr, "bench_hash: no netsweep binary at %s (-b)\n",
			bin);
		return 1;
	}
	if (keep_dir != NULL) {
		mkdir(keep_dir, 0755);
		dir = strdup(keep_dir);
	} else {
		dir = ts_tmpdir();
	}
	if (dir == NULL)
		return 1;
	print_machine();
	printf("generating %d JPEGs of 1920x1080 and %d of 4000x3000 "
	       "(quality %d) in %s ...\n",
	       n, n, QUALITY, dir);
	fflush(stdout);
	small = generate(dir, "hd", 1920, 1080, n);
	large = generate(dir, "12mp", 4000, 3000, n);
	if (small < 0 || large < 0)
		return 1;
	paths = list_files(dir, &count);
	if (paths == NULL || count != 2 * n) {
		fprintf(stderr, "bench_hash: expected %d files in %s\n", 2 * n,
			dir);
		return 1;
	}
	mb = (double)(small + large) / 1e6;
	printf("files: %d x 1920x1080 = %.1f MB (avg %.0f KB), %d x "
	       "4000x3000 = %.1f MB (avg %.0f KB)\n",
	       n, small / 1e6, small / 1e3 / n, n, large / 1e6,
	       large / 1e3 / n);
	printf("rounds: %d, interleaved, best kept\n", rounds);
	fflush(stdout);
	for (int r = 0; r < rounds; r++) {
		struct timing t;
		long lines = 0;

		if (run_floor(paths, count, &t, &pixels) != 0)
			return 1;
		keep_best(&a, &t);
		if (run_cli(bin, "pdq", "1", dir, &t, &lines) != 0 ||
		    lines != count)
			return 1;
		keep_best(&b, &t);
		if (run_cli(bin, "md5,sha1,sha256,pdq", "1", dir, &t, &lines) !=
			    0 ||
		    lines != count)
			return 1;
		keep_best(&c, &t);
		if (run_cli(bin, "md5,sha1,sha256,pdq", "2", dir, &t, &lines) !=
			    0 ||
		    lines != count)
			return 1;
		keep_best(&d, &t);
		printf("  round %d done\n", r + 1);
		fflush(stdout);
	}
	printf("results (%d files, %.1f MB, %.1f Mpixels):\n", count, mb,
	       (double)pixels / 1e6);
	print_row("(a) floor: libjpeg-turbo full decode, 1 thr", &a, &a, mb);
	print_row("(b) netsweep hash --algo pdq --threads 1", &b, &a, mb);
	print_row("(c) netsweep hash (all 4) --threads 1", &c, &a, mb);
	print_row("(d) netsweep hash (all 4) --threads 2", &d, &a, mb);
	ba = b.cpu / a.cpu;
	ca = c.cpu / a.cpu;
	scale = c.wall / d.wall;
	printf("b/a (cpu) = %.2f  target <= 1.30  %s\n", ba,
	       ba <= 1.3 ? "ok" : "OVER");
	printf("c/a (cpu) = %.2f  target <= 1.50  %s\n", ca,
	       ca <= 1.5 ? "ok" : "OVER");
	printf("rate(2 threads)/rate(1) (wall) = %.2f  target >= 1.80  %s\n",
	       scale, scale >= 1.8 ? "ok" : "UNDER");
	ok = ba <= 1.3 && ca <= 1.5 && scale >= 1.8;
	print_machine();
	for (int i = 0; i < count; i++)
		free(paths[i]);
	free(paths);
	if (keep_dir == NULL)
		ts_tmpdir_remove(dir);
	else
		free(dir);
	return ok ? 0 : 3;
}
