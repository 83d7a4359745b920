/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Benchmark of `netsweep ingest`: generates a Telegram full-account export
 * (default 1M messages, 10k chats, 100k accounts, 200k media references;
 * the media files are not generated, so no media is hashed) and runs the
 * netsweep program on it into a fresh case, then again (re-ingest: every
 * message already present). Baseline in the same run: the parser alone
 * with a counting sink (no store). Each phase is a child process, so its
 * peak RSS (wait4 ru_maxrss) is its own.
 *
 * Usage: bench_ingest_store [messages] [path/to/netsweep]
 * (default: the netsweep program next to this benchmark).
 * Goal (issue 5): 1M messages in under 10 s and 1 GiB on 2 cores.
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
#include "netsweep/netsweep.h"
#include "support.h"

struct phase {
	double wall, cpu;
	long maxrss_kb;
	int status;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int count_message(void *ctx, const nsw_ingest_message *m)
{
	(void)m;
	(*(unsigned long long *)ctx)++;
	return 0;
}

/* Run `argv` (or, with argv NULL, the parser alone on `path`) in a child;
 * stdout of the program goes to `out` when given. */
static int run(struct phase *p, char *const *argv, const char *path,
	       const char *out)
{
	struct rusage ru;
	double t0 = now();
	pid_t pid;
	int status = 0;

	memset(p, 0, sizeof(*p));
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (out != NULL) {
			int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);

			if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0)
				_exit(126);
			close(fd);
		}
		if (argv != NULL) {
			execv(argv[0], argv);
			_exit(127);
		} else {
			unsigned long long n = 0;
			nsw_ingest_sink sink;

			memset(&sink, 0, sizeof(sink));
			sink.ctx = &n;
			sink.message = count_message;
			_exit(nsw_ingest_file(NULL, path, NULL, &sink) == 0 &&
					      n > 0
				      ? 0
				      : 1);
		}
	}
	if (wait4(pid, &status, 0, &ru) < 0)
		return -1;
	p->wall = now() - t0;
	p->cpu = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
		 (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	p->maxrss_kb = ru.ru_maxrss;
	p->status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	return 0;
}

static void report(const char *what, const struct phase *p,
		   const struct phase *base, long messages)
{
	printf("  %-34s wall %6.2f s  cpu %6.2f s  peak RSS %7.1f MiB  "
	       "exit %d  %8.0f msg/s",
	       what, p->wall, p->cpu, (double)p->maxrss_kb / 1024.0, p->status,
	       p->wall > 0 ? (double)messages / p->wall : 0.0);
	if (base != NULL && base->wall > 0)
		printf("  wall ratio %.2fx", p->wall / base->wall);
	printf("\n");
}

static void cat(const char *path)
{
	char line[512];
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL)
		printf("    | %s", line);
	fclose(f);
}

static long long file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

int main(int argc, char **argv)
{
	long messages = argc > 1 ? strtol(argv[1], NULL, 10) : 1000000;
	long chats = messages >= 10000 ? 10000 : 1;
	long accounts = messages >= 100000 ? 100000 : 100;
	char prog[4096];
	char *dir = ts_tmpdir(), *export_dir, *tg, *case_path, *out;
	struct phase base, first, again;
	nsw_chat_totals t;
	nsw_case *c = NULL;
	double load[3] = {0, 0, 0};
	long long size;
	int rc = 0;

	if (argc > 2) {
		snprintf(prog, sizeof(prog), "%s", argv[2]);
	} else {
		const char *slash = strrchr(argv[0], '/');
		int n = slash != NULL ? (int)(slash - argv[0]) : 1;

		snprintf(prog, sizeof(prog), "%.*s/netsweep", n,
			 slash != NULL ? argv[0] : ".");
	}
	if (dir == NULL || messages < 100 || access(prog, X_OK) != 0) {
		fprintf(stderr,
			"bench_ingest_store: bad arguments, no temp dir, or "
			"no netsweep program at %s\n",
			prog);
		return 2;
	}
	export_dir = ts_path(dir, "ChatExport_bench");
	mkdir(export_dir, 0700);
	tg = ts_path(export_dir, "result.json");
	case_path = ts_path(dir, "bench.nsdb");
	out = ts_path(dir, "stdout.txt");
	getloadavg(load, 3);
	printf("bench_ingest_store: netsweep ingest of a generated Telegram "
	       "export into a fresh case (media files not generated: no "
	       "media hashing)\n");
	printf("load average at start: %.2f %.2f %.2f (2 cores shared with "
	       "other engineers: wall times are noisy)\n",
	       load[0], load[1], load[2]);
	size = ts_gen_telegram(tg, messages, chats, accounts, 5);
	if (size < 0) {
		fprintf(stderr, "bench_ingest_store: cannot write %s\n", tg);
		return 1;
	}
	printf("export: %ld messages, %ld chats, %ld accounts, %ld media "
	       "references; result.json %.1f MiB\n",
	       messages, chats, accounts, messages / 5,
	       (double)size / 1048576.0);
	if (nsw_case_create(&c, case_path, "bench", "bench") != 0) {
		fprintf(stderr, "bench_ingest_store: %s\n", nsw_error_last());
		return 1;
	}
	nsw_case_close(c);
	c = NULL;

	{
		char *args[] = {prog,	    "ingest",	"--case", case_path,
				"--timing", export_dir, NULL};

		run(&base, NULL, tg, NULL);
		report("baseline: parser, counting sink", &base, NULL,
		       messages);
		run(&first, args, NULL, out);
		report("netsweep ingest (fresh case)", &first, &base, messages);
		cat(out);
		run(&again, args, NULL, out);
		report("netsweep ingest (again: no-op)", &again, &base,
		       messages);
		cat(out);
	}
	if (nsw_case_open(&c, case_path, NSW_CASE_READONLY) == 0 &&
	    nsw_chat_get_totals(c, 0, &t) == 0) {
		printf("case: %lld messages, %lld chats, %lld accounts, %lld "
		       "names, %lld media, %lld membership rows; file %.1f "
		       "MiB\n",
		       (long long)t.messages, (long long)t.chats,
		       (long long)t.accounts, (long long)t.account_names,
		       (long long)t.media, (long long)t.membership_events,
		       (double)file_size(case_path) / 1048576.0);
		if (t.messages != messages)
			rc = 1;
	} else {
		fprintf(stderr, "bench_ingest_store: %s\n", nsw_error_last());
		rc = 1;
	}
	nsw_case_close(c);
	printf("goal: < 10 s and < 1024 MiB for 1M messages: %s (%.2f s, "
	       "%.1f MiB)\n",
	       first.wall < 10.0 && first.maxrss_kb < 1024L * 1024 ? "met"
								   : "MISSED",
	       first.wall, (double)first.maxrss_kb / 1024.0);
	if (first.status != 0 || again.status != 0)
		rc = 1;
	unlink(tg);
	unlink(out);
	free(tg);
	free(out);
	free(case_path);
	free(export_dir);
	ts_tmpdir_remove(dir);
	return rc;
}
