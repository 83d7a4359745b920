/* SPDX-License-Identifier: Apache-2.0 */
/* The directory walk: order, links, loops, special files, errors, limits. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support.h"
#include "limits.h"
#include "netsweep/walk.h"

/* What the callback saw: one "kind path" line per entry. */
struct seen {
	char lines[64][512];
	int count;
	unsigned flags[64];
	uint64_t size[64];
	int error[64];
	size_t prefix; /* bytes of the temp dir to strip from paths */
	/* Optional actions. */
	const char *delete_when; /* on this entry (relative path), ... */
	const char *delete_path; /* ... remove this absolute path */
	const char *skip_dir;	 /* return NSW_WALK_SKIP for this dir */
	int stop_after;		 /* return NSW_ECANCELED-ish after N */
	int errors;
	int deepest;
	char last[512]; /* the last line, whatever the count */
};

static int record(void *ctx, const nsw_walk_entry *e)
{
	struct seen *s = ctx;
	const char *rel = e->path_len >= s->prefix ? e->path + s->prefix : "";

	assert_int_equal(strlen(e->path), e->path_len);
	assert_true(e->name_offset <= e->path_len);
	if ((int)e->depth > s->deepest)
		s->deepest = (int)e->depth;
	if (e->kind == NSW_WALK_ERROR) {
		s->errors++;
		assert_non_null(e->message);
		/* Messages start with the path (cut when very long). */
		assert_memory_equal(e->message, e->path,
				    e->path_len < 200 ? e->path_len : 200);
	}
	snprintf(s->last, sizeof(s->last), "%s %s", nsw_walk_kind_name(e->kind),
		 rel);
	if (s->count < 64) {
		snprintf(s->lines[s->count], sizeof(s->lines[0]), "%s %s",
			 nsw_walk_kind_name(e->kind), rel);
		s->flags[s->count] = e->flags;
		s->size[s->count] = e->size;
		s->error[s->count] = e->error;
		s->count++;
	}
	if (s->delete_when != NULL && strcmp(rel, s->delete_when) == 0)
		assert_int_equal(unlink(s->delete_path), 0);
	if (s->skip_dir != NULL && e->kind == NSW_WALK_DIR &&
	    strcmp(rel, s->skip_dir) == 0)
		return NSW_WALK_SKIP;
	if (s->stop_after > 0 && s->count == s->stop_after)
		return NSW_ERROR;
	return 0;
}

static void put(const char *dir, const char *rel, const char *content)
{
	char *p = ts_path(dir, rel);

	assert_int_equal(ts_write_file(p, content, strlen(content)), 0);
	free(p);
}

static void sub(const char *dir, const char *rel)
{
	char *p = ts_path(dir, rel);

	assert_int_equal(mkdir(p, 0755), 0);
	free(p);
}

static void seen_init(struct seen *s, const char *dir)
{
	memset(s, 0, sizeof(*s));
	s->prefix = strlen(dir) + 1;
}

static void lists_entries_sorted_bytewise(void **state)
{
	char *dir = ts_tmpdir();
	struct seen s;
	static const char *const want[] = {
		"file B",  "file Z", "dir a",	      "file a/x",  "file a/y",
		"file a0", "file b", "file \xc3\xa9", "file \xff",
	};

	(void)state;
	/* Created out of order; directory order on disk is arbitrary. */
	put(dir, "b", "1");
	put(dir, "\xff", "1");
	put(dir, "Z", "1");
	put(dir, "a/y", "1");
	put(dir, "a0", "1");
	put(dir, "a/x", "1");
	put(dir, "B", "1");
	put(dir, "\xc3\xa9", "1");
	seen_init(&s, dir);
	assert_int_equal(nsw_walk(dir, 0, record, &s), 0);
	assert_int_equal(s.count, 1 + 9);
	assert_string_equal(s.lines[0], "dir ");
	for (int i = 0; i < 9; i++)
		assert_string_equal(s.lines[i + 1], want[i]);
	ts_tmpdir_remove(dir);
}

static void reports_symlinks_without_following(void **state)
{
	char *dir = ts_tmpdir(), *link = ts_path(dir, "d/up");
	char *flink = ts_path(dir, "f");
	struct seen s;

	(void)state;
	put(dir, "d/inner", "x");
	/* A loop through a symlink: d/up -> .. (the root). */
	assert_int_equal(symlink("..", link), 0);
	assert_int_equal(symlink("d/inner", flink), 0);
	seen_init(&s, dir);
	assert_int_equal(nsw_walk(dir, 0, record, &s), 0);
	assert_int_equal(s.count, 5);
	assert_string_equal(s.lines[1], "dir d");
	assert_string_equal(s.lines[2], "file d/inner");
	assert_string_equal(s.lines[3], "symlink d/up");
	assert_string_equal(s.lines[4], "symlink f");
	ts_tmpdir_remove(dir);
	free(link);
	free(flink);
}

static void follows_only_a_root_symlink_when_asked(void **state)
{
	char *dir = ts_tmpdir(), *link = ts_path(dir, "ln");
	struct seen s;

	(void)state;
	put(dir, "d/x", "x");
	assert_int_equal(symlink("d", link), 0);
	seen_init(&s, dir);
	assert_int_equal(nsw_walk(link, 0, record, &s), 0);
	assert_int_equal(s.count, 1);
	assert_string_equal(s.lines[0], "symlink ln");
	seen_init(&s, dir);
	assert_int_equal(nsw_walk(link, NSW_WALK_FOLLOW_ROOT, record, &s), 0);
	assert_int_equal(s.count, 2);
	assert_string_equal(s.lines[0], "dir ln");
	assert_string_equal(s.lines[1], "file ln/x");
	ts_tmpdir_remove(dir);
	free(link);
}

static void on_alarm(int sig)
{
	(void)sig;
	fail_msg("walk blocked (on a FIFO?)");
}

static void reports_fifo_without_blocking(void **state)
{
	char *dir = ts_tmpdir(), *fifo = ts_path(dir, "pipe");
	struct seen s;

	(void)state;
	put(dir, "z", "1");
	assert_int_equal(mkfifo(fifo, 0644), 0);
	signal(SIGALRM, on_alarm);
	alarm(10);
	seen_init(&s, dir);
	assert_int_equal(nsw_walk(dir, 0, record, &s), 0);
	alarm(0);
	assert_int_equal(s.count, 3);
	assert_string_equal(s.lines[1], "special pipe");
	assert_string_equal(s.lines[2], "file z");
	ts_tmpdir_remove(dir);
	free(fifo);
}

/* Callback for the unreadable-directory case, free of cmocka asserts (it
 * may run in a forked child): "kind:name" joined by spaces. */
static int collect(void *ctx, const nsw_walk_entry *e)
{
	char *out = ctx;
	size_t n = strlen(out);

	snprintf(out + n, 512 - n, "%s%s:%s", n ? " " : "",
		 nsw_walk_kind_name(e->kind), e->path + e->name_offset);
	return 0;
}

/* 0 when an unreadable directory is reported and the walk goes on. */
static int walk_with_locked_dir(const char *dir)
{
	char got[512] = "", want[512];
	const char *base = strrchr(dir, '/') + 1;

	if (nsw_walk(dir, 0, collect, got) != 0)
		return 1;
	snprintf(want, sizeof(want), "dir:%s dir:locked error:locked file:m",
		 base);
	if (strcmp(got, want) != 0) {
		fprintf(stderr, "got  %s\nwant %s\n", got, want);
		return 1;
	}
	return 0;
}

static void reports_unreadable_directory_and_goes_on(void **state)
{
	char *dir = ts_tmpdir(), *locked = ts_path(dir, "locked");

	(void)state;
	put(dir, "locked/secret", "1");
	put(dir, "m", "1");
	assert_int_equal(chmod(locked, 0), 0);
	if (geteuid() != 0) {
		assert_int_equal(walk_with_locked_dir(dir), 0);
	} else {
		/* root reads a mode-000 directory anyway: walk as "nobody"
		 * in a child process instead. */
		pid_t pid;
		int status = -1;

		assert_int_equal(chmod(dir, 0755), 0);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			if (setgid(65534) != 0 || setuid(65534) != 0)
				_exit(2);
			_exit(walk_with_locked_dir(dir));
		}
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	ts_tmpdir_remove(dir);
	free(locked);
}

/* In a private mount namespace: bind-mount a directory onto its own child
 * (a loop) and onto a sibling (a revisit), then walk. 0 when both are
 * reported as revisits and not entered; 77 when namespaces are not
 * allowed here. */
static int walk_bind_mounts(const char *dir)
{
	char got[512] = "", a[600], ab[600], x[600], y[600];
	const char *want;

	snprintf(a, sizeof(a), "%s/a", dir);
	snprintf(ab, sizeof(ab), "%s/a/b", dir);
	snprintf(x, sizeof(x), "%s/x", dir);
	snprintf(y, sizeof(y), "%s/y", dir);
	if (unshare(CLONE_NEWNS) != 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
		return 77;
	if (mount(a, ab, NULL, MS_BIND, NULL) != 0 ||
	    mount(x, y, NULL, MS_BIND, NULL) != 0)
		return 77;
	if (nsw_walk(dir, 0, collect, got) != 0)
		return 1;
	want = "dir:a revisit:b dir:x file:f revisit:y";
	if (strcmp(strchr(got, ' ') + 1, want) != 0) {
		fprintf(stderr, "got  %s\nwant %s\n", got, want);
		return 1;
	}
	return 0;
}

static void reports_bind_mount_revisits(void **state)
{
	char *dir = ts_tmpdir(), *b = ts_path(dir, "a/b");
	pid_t pid;
	int status = -1;

	(void)state;
	put(dir, "x/f", "1");
	sub(dir, "a");
	sub(dir, "a/b");
	sub(dir, "y");
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(walk_bind_mounts(dir));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	ts_tmpdir_remove(dir);
	free(b);
	if (WEXITSTATUS(status) == 77) {
		printf("SKIP: no mount namespace here (needs root); "
		       "bind-mount revisit case not run\n");
		skip();
	}
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void flags_names_that_are_not_utf8(void **state)
{
	char *dir = ts_tmpdir();
	struct seen s;

	(void)state;
	put(dir, "bad\xe9/inner", "1");
	put(dir, "good\xc3\xa9", "1");
	seen_init(&s, dir);
	assert_int_equal(nsw_walk(dir, 0, record, &s), 0);
	assert_int_equal(s.count, 4);
	assert_string_equal(s.lines[1], "dir bad\xe9");
	assert_int_equal(s.flags[1], NSW_WALK_NOT_UTF8);
	/* Inherited by what is below a bad name. */
	assert_string_equal(s.lines[2], "file bad\xe9/inner");
	assert_int_equal(s.flags[2], NSW_WALK_NOT_UTF8);
	assert_string_equal(s.lines[3], "file good\xc3\xa9");
	assert_int_equal(s.flags[3], 0);
	ts_tmpdir_remove(dir);
}

static void reports_empty_files_and_directories(void **state)
{
	char *dir = ts_tmpdir();
	struct seen s;

	(void)state;
	put(dir, "empty", "");
	put(dir, "three", "abc");
	sub(dir, "void");
	seen_init(&s, dir);
	assert_int_equal(nsw_walk(dir, 0, record, &s), 0);
	assert_int_equal(s.count, 4);
	assert_string_equal(s.lines[1], "file empty");
	assert_int_equal(s.size[1], 0);
	assert_int_equal(s.size[2], 3);
	assert_string_equal(s.lines[3], "dir void");
	ts_tmpdir_remove(dir);
}

static void reports_a_file_that_vanished(void **state)
{
	char *dir = ts_tmpdir(), *b = ts_path(dir, "b");
	struct seen s;

	(void)state;
	put(dir, "a", "1");
	put(dir, "b", "1");
	put(dir, "c", "1");
	seen_init(&s, dir);
	/* "b" is listed, then removed before the walk reaches it. */
	s.delete_when = "a";
	s.delete_path = b;
	assert_int_equal(nsw_walk(dir, 0, record, &s), 0);
	assert_int_equal(s.count, 4);
	assert_string_equal(s.lines[2], "error b");
	assert_int_equal(s.error[2], NSW_ENOTFOUND);
	assert_string_equal(s.lines[3], "file c");
	ts_tmpdir_remove(dir);
	free(b);
}

static void reports_missing_root_and_file_root(void **state)
{
	char *dir = ts_tmpdir(), *missing = ts_path(dir, "nope");
	char *file = ts_path(dir, "f");
	struct seen s;

	(void)state;
	put(dir, "f", "12345");
	seen_init(&s, dir);
	assert_int_equal(nsw_walk(missing, 0, record, &s), 0);
	assert_int_equal(s.count, 1);
	assert_string_equal(s.lines[0], "error nope");
	assert_int_equal(s.error[0], NSW_ENOTFOUND);
	seen_init(&s, dir);
	assert_int_equal(nsw_walk(file, 0, record, &s), 0);
	assert_int_equal(s.count, 1);
	assert_string_equal(s.lines[0], "file f");
	assert_int_equal(s.size[0], 5);
	ts_tmpdir_remove(dir);
	free(missing);
	free(file);
}

static void strips_trailing_slashes_from_root(void **state)
{
	char *dir = ts_tmpdir(), *root = ts_path(dir, "d//");
	struct seen s;

	(void)state;
	put(dir, "d/x", "1");
	seen_init(&s, dir);
	assert_int_equal(nsw_walk(root, 0, record, &s), 0);
	assert_int_equal(s.count, 2);
	assert_string_equal(s.lines[0], "dir d");
	assert_string_equal(s.lines[1], "file d/x");
	ts_tmpdir_remove(dir);
	free(root);
}

static void callback_can_skip_and_stop(void **state)
{
	char *dir = ts_tmpdir();
	struct seen s;

	(void)state;
	put(dir, "a/x", "1");
	put(dir, "b/y", "1");
	put(dir, "c", "1");
	seen_init(&s, dir);
	s.skip_dir = "a";
	assert_int_equal(nsw_walk(dir, 0, record, &s), 0);
	assert_int_equal(s.count, 5);
	assert_string_equal(s.lines[1], "dir a");
	assert_string_equal(s.lines[2], "dir b");
	seen_init(&s, dir);
	s.stop_after = 2;
	assert_int_equal(nsw_walk(dir, 0, record, &s), NSW_ERROR);
	assert_int_equal(s.count, 2);
	ts_tmpdir_remove(dir);
}

static void caps_directory_depth(void **state)
{
	char *dir = ts_tmpdir();
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	struct seen s;

	(void)state;
	assert_true(fd >= 0);
	for (unsigned i = 0; i < NSW_WALK_DEPTH_MAX + 5; i++) {
		int next;

		assert_int_equal(mkdirat(fd, "d", 0755), 0);
		next = openat(fd, "d", O_RDONLY | O_DIRECTORY);
		assert_true(next >= 0);
		close(fd);
		fd = next;
	}
	close(fd);
	put(dir, "z", "after");
	seen_init(&s, dir);
	assert_int_equal(nsw_walk(dir, 0, record, &s), 0);
	assert_int_equal(s.errors, 1);
	/* The root is level 0; the deepest directory entered is reported as
	 * an error, and the walk still reaches "z". */
	assert_int_equal(s.deepest, (int)NSW_WALK_DEPTH_MAX);
	assert_string_equal(s.last, "file z");
	ts_tmpdir_remove(dir);
}

static void caps_path_length(void **state)
{
	char *dir = ts_tmpdir();
	char name[201];
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	struct seen s;

	(void)state;
	memset(name, 'n', 200);
	name[200] = '\0';
	assert_true(fd >= 0);
	/* 25 levels of 200-byte names: over NSW_PATH_MAX (4096). */
	for (int i = 0; i < 25; i++) {
		int next;

		assert_int_equal(mkdirat(fd, name, 0755), 0);
		next = openat(fd, name, O_RDONLY | O_DIRECTORY);
		assert_true(next >= 0);
		close(fd);
		fd = next;
	}
	close(fd);
	put(dir, "z", "after");
	seen_init(&s, dir);
	assert_int_equal(nsw_walk(dir, 0, record, &s), 0);
	assert_int_equal(s.errors, 1);
	assert_true(s.deepest < 25);
	assert_string_equal(s.last, "file z");
	ts_tmpdir_remove(dir);
}

struct utf8_case {
	const char *bytes;
	int valid;
};

static void validates_utf8_strictly(void **state)
{
	static const struct utf8_case cases[] = {
		{"plain ascii", 1},
		{"caf\xc3\xa9", 1},
		{"\xe2\x82\xac", 1},	 /* euro sign */
		{"\xf0\x9f\x98\x80", 1}, /* emoji */
		{"\xf4\x8f\xbf\xbf", 1}, /* U+10FFFF */
		{"\xc3", 0},		 /* truncated */
		{"\x80", 0},		 /* lone continuation */
		{"\xc0\xaf", 0},	 /* overlong '/' */
		{"\xe0\x80\xaf", 0},	 /* overlong */
		{"\xed\xa0\x80", 0},	 /* surrogate */
		{"\xf4\x90\x80\x80", 0}, /* above U+10FFFF */
		{"\xf5\x80\x80\x80", 0}, /* bad lead */
		{"ok\xff", 0},		 /* latin-1 byte */
		{"\xe2\x28\xa1", 0},	 /* bad continuation */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(
			nsw_utf8_valid(cases[i].bytes, strlen(cases[i].bytes)),
			cases[i].valid);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lists_entries_sorted_bytewise),
		cmocka_unit_test(reports_symlinks_without_following),
		cmocka_unit_test(follows_only_a_root_symlink_when_asked),
		cmocka_unit_test(reports_fifo_without_blocking),
		cmocka_unit_test(reports_unreadable_directory_and_goes_on),
		cmocka_unit_test(reports_bind_mount_revisits),
		cmocka_unit_test(flags_names_that_are_not_utf8),
		cmocka_unit_test(reports_empty_files_and_directories),
		cmocka_unit_test(reports_a_file_that_vanished),
		cmocka_unit_test(reports_missing_root_and_file_root),
		cmocka_unit_test(strips_trailing_slashes_from_root),
		cmocka_unit_test(callback_can_skip_and_stop),
		cmocka_unit_test(caps_directory_depth),
		cmocka_unit_test(caps_path_length),
		cmocka_unit_test(validates_utf8_strictly),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
