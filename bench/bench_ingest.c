/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Benchmark of the chat-export parsers: generates a Telegram full-account
 * export (default 1M messages, 10k chats, 100k accounts, 200k media
 * references) and a WhatsApp export (200k lines) in a temp dir, then times
 * each parser with a counting sink against a baseline measured in the same
 * run (yajl tokenising the same file with no-op handlers; reading the
 * WhatsApp file and counting lines). Each phase runs in a child process so
 * its peak RSS (getrusage ru_maxrss) is its own.
 *
 * Usage: bench_ingest [telegram_messages] [whatsapp_lines]
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "chatgen.h"
#include "support.h"
#include "json_stream.h"
#include "netsweep/ingest.h"

struct counts {
	unsigned long long chats, accounts, messages, membership, media,
		problems, text_bytes;
};

static int c_chat(void *ctx, const nsw_ingest_chat *c)
{
	(void)c;
	((struct counts *)ctx)->chats++;
	return 0;
}

static int c_account(void *ctx, const nsw_ingest_account *a)
{
	(void)a;
	((struct counts *)ctx)->accounts++;
	return 0;
}

static int c_message(void *ctx, const nsw_ingest_message *m)
{
	struct counts *k = ctx;

	k->messages++;
	k->media += m->media_count;
	k->text_bytes += m->text_len;
	return 0;
}

static int c_membership(void *ctx, const nsw_ingest_membership *e)
{
	(void)e;
	((struct counts *)ctx)->membership++;
	return 0;
}

static void c_problem(void *ctx, const nsw_ingest_problem *p)
{
	(void)p;
	((struct counts *)ctx)->problems++;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- Generators ------------------------------------------------------- */

/* ---- Phases (each in a child) ----------------------------------------- */

static int noop(void *ctx)
{
	(void)ctx;
	return 0;
}

static int noop_s(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	(void)s;
	(void)n;
	return 0;
}

static int phase_yajl(const char *path, struct counts *k)
{
	nsw_json_handlers h;

	memset(&h, 0, sizeof(h));
	h.start_map = noop;
	h.end_map = noop;
	h.string = noop_s;
	h.map_key = noop_s;
	(void)k;
	return nsw_json_parse_file(path, &h, NULL,
				   NSW_JSON_FIX_HEX_ESCAPES |
					   NSW_JSON_RAW_STRINGS);
}

static int phase_read_lines(const char *path, struct counts *k)
{
	static char buf[1 << 20];
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (ssize_t i = 0; i < n; i++)
			k->messages += buf[i] == '\n';
	close(fd);
	return 0;
}

static int phase_ingest(const char *path, struct counts *k)
{
	nsw_ingest_sink sink = {
		k, c_chat, c_account, c_message, c_membership, c_problem, NULL};

	return nsw_ingest_file(NULL, path, NULL, &sink);
}

struct result {
	double seconds; /* wall clock */
	double cpu;	/* user + system of the child */
	long maxrss_kb;
	struct counts k;
	int rc;
};

static int run_phase(struct result *res, const char *path,
		     int (*fn)(const char *, struct counts *))
{
	int pipefd[2], status;
	struct rusage ru;
	pid_t pid;

	memset(res, 0, sizeof(*res));
	if (pipe(pipefd) != 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		struct result r;
		double t0 = now();

		memset(&r, 0, sizeof(r));
		close(pipefd[0]);
		r.rc = fn(path, &r.k);
		r.seconds = now() - t0;
		if (write(pipefd[1], &r, sizeof(r)) != (ssize_t)sizeof(r))
			_exit(1);
		_exit(0);
	}
	close(pipefd[1]);
	if (read(pipefd[0], res, sizeof(*res)) != (ssize_t)sizeof(*res))
		res->rc = -99;
	close(pipefd[0]);
	if (wait4(pid, &status, 0, &ru) < 0)
		return -1;
	res->maxrss_kb = ru.ru_maxrss;
	res->cpu = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
		   (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	return 0;
}

static void report(const char *what, const struct result *r,
		   const struct result *base)
{
	printf("  %-40s wall %6.2f s  cpu %6.2f s  peak RSS %6.1f MiB  rc %d",
	       what, r->seconds, r->cpu, (double)r->maxrss_kb / 1024.0, r->rc);
	if (base != NULL && base->cpu > 0)
		printf("  cpu ratio %.2fx", r->cpu / base->cpu);
	printf("\n");
}

int main(int argc, char **argv)
{
	long tg_messages = argc > 1 ? strtol(argv[1], NULL, 10) : 1000000;
	long wa_lines = argc > 2 ? strtol(argv[2], NULL, 10) : 200000;
	long chats = tg_messages >= 10000 ? 10000 : 1;
	long accounts = tg_messages >= 100000 ? 100000 : 100;
	char *dir = ts_tmpdir(), *tg, *wa;
	struct result base, res;
	long long size;
	double load[3] = {0, 0, 0};

	if (dir == NULL || tg_messages < 1 || wa_lines < 1) {
		fprintf(stderr, "bench_ingest: bad arguments or no temp dir\n");
		return 2;
	}
	tg = ts_path(dir, "result.json");
	wa = ts_path(dir, "WhatsApp Chat with Bench.txt");
	getloadavg(load, 3);
	printf("bench_ingest: parsers only, with a counting sink; recording "
	       "into the case store is not part of this measurement (it "
	       "comes with the store wiring)\n");
	printf("load average at start: %.2f %.2f %.2f (2 shared cores; "
	       "wall times are noisy, cpu times and ratios less so)\n",
	       load[0], load[1], load[2]);

	size = ts_gen_telegram(tg, tg_messages, chats, accounts, 5);
	if (size < 0) {
		fprintf(stderr, "bench_ingest: cannot write %s\n", tg);
		return 1;
	}
	printf("telegram: %ld messages, %ld chats, %ld accounts, %ld media "
	       "references; result.json %.1f MiB\n",
	       tg_messages, chats, accounts, tg_messages / 5,
	       (double)size / 1048576.0);
	run_phase(&base, tg, phase_yajl);
	report("baseline: yajl tokenise, no-op handlers", &base, NULL);
	run_phase(&res, tg, phase_ingest);
	report("nsw_ingest_file (Telegram)", &res, &base);
	printf("    delivered: %llu chats, %llu account sightings, %llu "
	       "messages, %llu membership, %llu media, %llu problems; "
	       "%.0f messages per cpu second\n",
	       res.k.chats, res.k.accounts, res.k.messages, res.k.membership,
	       res.k.media, res.k.problems,
	       res.cpu > 0 ? (double)res.k.messages / res.cpu : 0);
	printf("    goal for the full ingest (parser + store): 1M messages "
	       "< 10 s and < 1 GiB\n");
	unlink(tg);

	size = ts_gen_whatsapp(wa, wa_lines);
	if (size < 0) {
		fprintf(stderr, "bench_ingest: cannot write %s\n", wa);
		return 1;
	}
	printf("whatsapp: %ld lines; %.1f MiB\n", wa_lines,
	       (double)size / 1048576.0);
	run_phase(&base, wa, phase_read_lines);
	report("baseline: read and count lines", &base, NULL);
	run_phase(&res, wa, phase_ingest);
	report("nsw_ingest_file (WhatsApp, two passes)", &res, &base);
	printf("    delivered: %llu chats, %llu account sightings, %llu "
	       "messages, %llu membership, %llu media, %llu problems\n",
	       res.k.chats, res.k.accounts, res.k.messages, res.k.membership,
	       res.k.media, res.k.problems);
	unlink(wa);
	free(tg);
	free(wa);
	ts_tmpdir_remove(dir);
	return 0;
}
