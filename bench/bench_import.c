/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Benchmark of the list importers: a generated PDQ list (default 1M lines;
 * the target is 10M in < 60 s with the builder) and a generated
 * VICS hash set (default 50 MB; 500 MB must stay in bounded memory), and
 * an NSRL RDS 2.x NSRLFile.txt with as many rows as PDQ lines.
 * Baseline, measured in the same run: reading the same file and counting
 * its lines (read + memchr), the floor any importer pays.
 *
 *   bench_import [pdq_lines] [vics_megabytes]
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "support.h"
#include "netsweep/import.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long max_rss_kib(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* CPU seconds (user + system) of this process: less noisy than wall time
 * on a shared machine. */
static double cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static int write_pdq(const char *path, uint64_t lines, uint64_t *bytes)
{
	static const char hex[] = "0123456789abcdef";
	FILE *f = fopen(path, "wb");
	char line[66];

	if (f == NULL)
		return -1;
	line[64] = '\n';
	for (uint64_t i = 0; i < lines; i++) {
		for (int w = 0; w < 4; w++) {
			uint64_t v = next();

			for (int k = 0; k < 16; k++)
				line[w * 16 + k] = hex[(v >> (4 * k)) & 15];
		}
		fwrite(line, 1, 65, f);
	}
	*bytes = lines * 65;
	return fclose(f);
}

static int write_nsrl(const char *path, uint64_t rows, uint64_t *bytes)
{
	FILE *f = fopen(path, "wb");
	uint64_t b = 0;

	if (f == NULL)
		return -1;
	b += (uint64_t)fprintf(f, "\"SHA-1\",\"MD5\",\"CRC32\",\"FileName\","
				  "\"FileSize\",\"ProductCode\","
				  "\"OpSystemCode\",\"SpecialCode\"\n");
	for (uint64_t i = 0; i < rows; i++) {
		uint64_t a = next(), c = next(), d = next();

		b += (uint64_t)fprintf(
			f,
			"\"%016llX%016llX%08X\",\"%016llX%016llX\","
			"\"%08X\",\"file%llu.dll\",%llu,%llu,\"WIN\",\"\"\n",
			(unsigned long long)a, (unsigned long long)c,
			(unsigned)d, (unsigned long long)d,
			(unsigned long long)a, (unsigned)c,
			(unsigned long long)i,
			(unsigned long long)(a % 1000000),
			(unsigned long long)(c % 5000));
	}
	*bytes = b;
	return fclose(f);
}

static int write_vics(const char *path, uint64_t megabytes, uint64_t *records,
		      uint64_t *bytes)
{
	FILE *f = fopen(path, "wb");
	uint64_t n = 0, b = 0;
	const uint64_t want = megabytes << 20;

	if (f == NULL)
		return -1;
	b += (uint64_t)fprintf(f, "{\"@odata.context\":\"http://github.com/"
				  "VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/"
				  "Default/$metadata#Media\",\"value\":[");
	while (b < want) {
		uint64_t a = next(), c = next();

		b += (uint64_t)fprintf(
			f,
			"%s{\"MediaID\":%llu,\"Category\":%d,\"MD5\":"
			"\"%016llX%016llX\",\"MediaSize\":\"%llu\","
			"\"DateUpdated\":\"2023-06-07T02:31:49.8300Z\","
			"\"IsPrecategorized\":\"false\",\"PhotoDNA\":\"%064llx"
			"\",\"Series\":\"s%llu\"}",
			n ? "," : "", (unsigned long long)n + 1, (int)(a % 5),
			(unsigned long long)a, (unsigned long long)c,
			(unsigned long long)(a % 100000), (unsigned long long)c,
			(unsigned long long)(c % 1000));
		n++;
	}
	b += (uint64_t)fprintf(f, "]}\n");
	*records = n;
	*bytes = b;
	return fclose(f);
}

/* The floor: read the file and count newlines. */
static double baseline_read(const char *path, uint64_t *lines)
{
	static char buf[1 << 20];
	double t0 = now();
	int fd = open(path, O_RDONLY);
	ssize_t n;

	*lines = 0;
	if (fd < 0)
		return -1;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		const char *p = buf, *end = buf + n;

		while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
			++*lines;
			p++;
		}
	}
	close(fd);
	return now() - t0;
}

static int count_entry(void *ctx, const nsw_list_entry *e)
{
	uint64_t *sum = ctx;

	*sum += e->pdq.bytes[0] + e->md5[0];
	return 0;
}

static double last_cpu;

static double run_import(const char *path, nsw_list_format format,
			 nsw_import_stats *st)
{
	double c0 = cpu_seconds();
	nsw_import_options o = {0};
	nsw_import_sink s = {0};
	uint64_t sum = 0;
	double t0 = now();

	o.format = format;
	s.ctx = &sum;
	s.entry = count_entry;
	memset(st, 0, sizeof(*st));
	if (nsw_list_import_file(st, path, &o, &s) != 0) {
		fprintf(stderr, "import failed: %s\n", nsw_error_last());
		return -1;
	}
	last_cpu = cpu_seconds() - c0;
	return now() - t0;
}

int main(int argc, char **argv)
{
	uint64_t lines = argc > 1 ? strtoull(argv[1], NULL, 10) : 1000000;
	uint64_t vics_mb = argc > 2 ? strtoull(argv[2], NULL, 10) : 50;
	char *dir = ts_tmpdir();
	char *pdq = ts_path(dir, "list.pdq");
	char *vics = ts_path(dir, "list.json");
	uint64_t bytes, records, counted;
	nsw_import_stats st;
	double base, t;
	long rss0, rss1;

	printf("bench_import: load average matters on a shared 2-core box; "
	       "compare ratios\n");
	if (write_pdq(pdq, lines, &bytes) != 0)
		return 1;
	base = baseline_read(pdq, &counted);
	t = run_import(pdq, NSW_LIST_FORMAT_AUTO, &st);
	if (t < 0 || st.kept != lines)
		return 1;
	printf("pdq:  %llu lines, %.1f MB: baseline read+count %.2f s, "
	       "import %.2f s wall, %.2f s CPU (%.2f M lines/s), ratio %.1fx "
	       "baseline\n",
	       (unsigned long long)lines, (double)bytes / 1e6, base, t,
	       last_cpu, (double)lines / t / 1e6, t / base);
	unlink(pdq);

	if (write_nsrl(pdq, lines, &bytes) != 0)
		return 1;
	base = baseline_read(pdq, &counted);
	t = run_import(pdq, NSW_LIST_FORMAT_AUTO, &st);
	if (t < 0 || st.kept != lines)
		return 1;
	printf("nsrl: %llu rows, %.1f MB: baseline read+count %.2f s, "
	       "import %.2f s wall, %.2f s CPU (%.2f M rows/s), ratio %.1fx "
	       "baseline\n",
	       (unsigned long long)lines, (double)bytes / 1e6, base, t,
	       last_cpu, (double)lines / t / 1e6, t / base);
	unlink(pdq);

	if (write_vics(vics, vics_mb, &records, &bytes) != 0)
		return 1;
	base = baseline_read(vics, &counted);
	rss0 = max_rss_kib();
	t = run_import(vics, NSW_LIST_FORMAT_AUTO, &st);
	rss1 = max_rss_kib();
	if (t < 0 || st.kept != records)
		return 1;
	printf("vics: %llu records, %.1f MB (one line): baseline read %.2f s, "
	       "import %.2f s wall, %.2f s CPU (%.1f MB/s), ratio %.1fx "
	       "baseline; max RSS %ld KiB before, %ld KiB after\n",
	       (unsigned long long)records, (double)bytes / 1e6, base, t,
	       last_cpu, (double)bytes / 1e6 / t, t / base, rss0, rss1);
	unlink(vics);
	free(pdq);
	free(vics);
	ts_tmpdir_remove(dir);
	return 0;
}
