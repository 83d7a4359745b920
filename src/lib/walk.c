/* SPDX-License-Identifier: Apache-2.0 */
/* Recursive, sorted, symlink-safe directory walk with bounded memory. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "error.h"
#include "limits.h"
#include "netsweep/walk.h"

/* One directory being visited: its descriptor and its sorted names. */
struct level {
	int fd;
	char *names;	 /* packed NUL-terminated names */
	char **sorted;	 /* pointers into names, sorted bytewise */
	size_t count;	 /* entries in sorted */
	size_t next;	 /* next entry to visit */
	size_t path_len; /* length of this directory's path */
	unsigned flags;	 /* NSW_WALK_NOT_UTF8 inherited by children */
	unsigned depth;	 /* this directory's depth */
	uint64_t dev, ino;
};

/* (device, inode) of visited directories, open addressing. */
struct visited {
	uint64_t *keys; /* pairs dev, ino; ino == 0 && dev == 0 is empty */
	size_t cap;	/* slots (power of two) */
	size_t count;
};

struct walker {
	nsw_walk_fn fn;
	void *ctx;
	char path[NSW_PATH_MAX + 1];
	char message[NSW_ERROR_MESSAGE_MAX];
	struct level stack[NSW_WALK_DEPTH_MAX + 1];
	unsigned depth; /* levels in use */
	struct visited visited;
};

const char *nsw_walk_kind_name(nsw_walk_kind kind)
{
	switch (kind) {
	case NSW_WALK_FILE:
		return "file";
	case NSW_WALK_DIR:
		return "dir";
	case NSW_WALK_SYMLINK:
		return "symlink";
	case NSW_WALK_SPECIAL:
		return "special";
	case NSW_WALK_REVISIT:
		return "revisit";
	case NSW_WALK_ERROR:
		return "error";
	}
	return "?";
}

size_t nsw_utf8_char_len(const uint8_t *s, size_t len)
{
	uint8_t c;
	size_t n;
	uint8_t lo = 0x80, hi = 0xBF;

	if (s == NULL || len == 0)
		return 0;
	c = s[0];
	if (c < 0x80)
		return 1;
	if (c < 0xC2)
		return 0; /* continuation byte or overlong 2-byte lead */
	if (c < 0xE0) {
		n = 2;
	} else if (c < 0xF0) {
		n = 3;
		if (c == 0xE0)
			lo = 0xA0; /* overlong */
		else if (c == 0xED)
			hi = 0x9F; /* surrogates */
	} else if (c < 0xF5) {
		n = 4;
		if (c == 0xF0)
			lo = 0x90; /* overlong */
		else if (c == 0xF4)
			hi = 0x8F; /* above U+10FFFF */
	} else {
		return 0;
	}
	if (len < n || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xBF)
			return 0;
	return n;
}

int nsw_utf8_valid(const char *s, size_t len)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t i = 0;

	while (i < len) {
		size_t n = nsw_utf8_char_len(p + i, len - i);

		if (n == 0)
			return 0;
		i += n;
	}
	return 1;
}

/* ---- visited set ------------------------------------------------------ */

static size_t visited_slot(const struct visited *v, uint64_t dev, uint64_t ino)
{
	uint64_t h =
		(dev * 0x9E3779B97F4A7C15ull) ^ (ino * 0xC2B2AE3D27D4EB4Full);

	h ^= h >> 29;
	return (size_t)h & (v->cap - 1);
}

/* Inode 0 never names a real directory on Linux; stored as (dev, ino+0)
 * with an explicit occupied marker would cost memory, so (0,0) is empty. */
static int visited_contains(const struct visited *v, uint64_t dev, uint64_t ino)
{
	if (v->cap == 0)
		return 0;
	for (size_t i = visited_slot(v, dev, ino);;
	     i = (i + 1) & (v->cap - 1)) {
		uint64_t *k = v->keys + 2 * i;

		if (k[0] == 0 && k[1] == 0)
			return 0;
		if (k[0] == dev && k[1] == ino)
			return 1;
	}
}

static void visited_put(struct visited *v, uint64_t dev, uint64_t ino)
{
	for (size_t i = visited_slot(v, dev, ino);;
	     i = (i + 1) & (v->cap - 1)) {
		uint64_t *k = v->keys + 2 * i;

		if (k[0] == 0 && k[1] == 0) {
			k[0] = dev;
			k[1] = ino;
			v->count++;
			return;
		}
		if (k[0] == dev && k[1] == ino)
			return;
	}
}

/*
 * Remember a directory. Past NSW_WALK_VISITED_MAX (or when memory is short)
 * the set stops growing; the ancestor check still prevents loops.
 */
static void visited_add(struct visited *v, uint64_t dev, uint64_t ino)
{
	if (dev == 0 && ino == 0)
		return;
	if (v->count + 1 > v->cap / 2) {
		size_t cap = v->cap ? v->cap * 2 : 1024;
		struct visited grown = {NULL, cap, 0};

		if (v->count >= NSW_WALK_VISITED_MAX)
			return;
		grown.keys = nsw__calloc(cap, 2 * sizeof(uint64_t));
		if (grown.keys == NULL)
			return;
		for (size_t i = 0; i < v->cap; i++) {
			uint64_t *k = v->keys + 2 * i;

			if (k[0] != 0 || k[1] != 0)
				visited_put(&grown, k[0], k[1]);
		}
		nsw__free(v->keys);
		*v = grown;
	}
	visited_put(v, dev, ino);
}

/* ---- reporting -------------------------------------------------------- */

static int report(struct walker *w, nsw_walk_kind kind, size_t path_len,
		  size_t name_offset, unsigned flags, unsigned depth,
		  const struct stat *st, int error)
{
	nsw_walk_entry e;

	memset(&e, 0, sizeof(e));
	e.path = w->path;
	e.path_len = path_len;
	e.name_offset = name_offset;
	e.kind = kind;
	e.flags = flags;
	e.depth = depth;
	if (st != NULL) {
		e.mode = (uint32_t)st->st_mode;
		e.size = st->st_size > 0 ? (uint64_t)st->st_size : 0;
		e.dev = (uint64_t)st->st_dev;
		e.ino = (uint64_t)st->st_ino;
		e.mtime = (int64_t)st->st_mtime;
	}
	if (kind == NSW_WALK_ERROR) {
		e.error = error;
		e.message = w->message;
	}
	return w->fn(w->ctx, &e);
}

/* Report an error entry for the path currently in w->path. */
__attribute__((format(printf, 7, 8))) static int
report_error(struct walker *w, size_t path_len, size_t name_offset,
	     unsigned flags, unsigned depth, int code, const char *fmt, ...)
{
	va_list ap;
	int n;

	/* A very long path is cut, to leave room for the reason. */
	if (path_len > sizeof(w->message) / 2)
		n = snprintf(w->message, sizeof(w->message),
			     "%.*s...: ", (int)(sizeof(w->message) / 2),
			     w->path);
	else
		n = snprintf(w->message, sizeof(w->message), "%s: ", w->path);
	if (n < 0 || (size_t)n >= sizeof(w->message))
		n = 0;
	va_start(ap, fmt);
	vsnprintf(w->message + n, sizeof(w->message) - (size_t)n, fmt, ap);
	va_end(ap);
	return report(w, NSW_WALK_ERROR, path_len, name_offset, flags, depth,
		      NULL, code);
}

static int errno_code(int err)
{
	switch (err) {
	case ENOENT:
	case ENOTDIR:
		return NSW_ENOTFOUND;
	case ENOMEM:
		return NSW_ENOMEM;
	case ENAMETOOLONG:
	case ELOOP:
		return NSW_ELIMIT;
	default:
		return NSW_EIO;
	}
}

/* ---- listing ---------------------------------------------------------- */

static int compare_names(const void *a, const void *b)
{
	/* strcmp compares as unsigned char: a bytewise order. */
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void level_release(struct level *lv)
{
	if (lv->fd >= 0)
		close(lv->fd);
	nsw__free(lv->names);
	nsw__free(lv->sorted);
	memset(lv, 0, sizeof(*lv));
	lv->fd = -1;
}

/*
 * Read every name of the directory open at lv->fd and sort them. On a read
 * error the names read so far are kept and the error is returned (the
 * caller reports it and still visits them). NSW_ELIMIT past the listing
 * caps, NSW_ENOMEM.
 */
static int level_list(struct level *lv, int *err)
{
	DIR *dir = NULL;
	size_t used = 0, cap = 0, *offsets = NULL, ocap = 0;
	int fd2, rc = NSW_OK;

	*err = 0;
	fd2 = dup(lv->fd);
	if (fd2 < 0) {
		*err = errno;
		return errno_code(errno);
	}
	dir = fdopendir(fd2);
	if (dir == NULL) {
		*err = errno;
		close(fd2);
		return errno_code(*err);
	}
	for (;;) {
		struct dirent *d;
		size_t n;

		errno = 0;
		d = readdir(dir);
		if (d == NULL) {
			if (errno != 0) {
				*err = errno;
				rc = errno_code(errno);
			}
			break;
		}
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		n = strlen(d->d_name) + 1;
		if (lv->count >= NSW_WALK_ENTRIES_MAX ||
		    used + n > NSW_WALK_NAME_BYTES_MAX) {
			rc = NSW_ELIMIT;
			break;
		}
		if (used + n > cap) {
			size_t ncap = cap ? cap * 2 : 4096;
			char *p;

			while (ncap < used + n)
				ncap *= 2;
			if (ncap > NSW_WALK_NAME_BYTES_MAX)
				ncap = NSW_WALK_NAME_BYTES_MAX;
			p = nsw__realloc(lv->names, ncap);
			if (p == NULL) {
				rc = NSW_ENOMEM;
				break;
			}
			lv->names = p;
			cap = ncap;
		}
		if (lv->count == ocap) {
			size_t nocap = ocap ? ocap * 2 : 64;
			size_t *p = nsw__reallocarray(offsets, nocap,
						      sizeof(*offsets));

			if (p == NULL) {
				rc = NSW_ENOMEM;
				break;
			}
			offsets = p;
			ocap = nocap;
		}
		memcpy(lv->names + used, d->d_name, n);
		offsets[lv->count++] = used;
		used += n;
	}
	closedir(dir);
	if (rc == NSW_ENOMEM || rc == NSW_ELIMIT) {
		lv->count = 0;
		goto done;
	}
	if (lv->count > 0) {
		lv->sorted =
			nsw__reallocarray(NULL, lv->count, sizeof(*lv->sorted));
		if (lv->sorted == NULL) {
			lv->count = 0;
			rc = NSW_ENOMEM;
			goto done;
		}
		for (size_t i = 0; i < lv->count; i++)
			lv->sorted[i] = lv->names + offsets[i];
		qsort(lv->sorted, lv->count, sizeof(*lv->sorted),
		      compare_names);
	}
done:
	nsw__free(offsets);
	return rc;
}

/* ---- the walk --------------------------------------------------------- */

/* Is (dev, ino) a directory on the current path, or visited before? */
static int is_revisit(const struct walker *w, const struct stat *st)
{
	for (unsigned i = 0; i < w->depth; i++)
		if (w->stack[i].dev == (uint64_t)st->st_dev &&
		    w->stack[i].ino == (uint64_t)st->st_ino)
			return 1;
	return visited_contains(&w->visited, (uint64_t)st->st_dev,
				(uint64_t)st->st_ino);
}

/*
 * Enter the directory just reported (its path is w->path[0..path_len]):
 * open it relative to its parent (never following a link), check it is
 * still the directory that was examined, list it and push it. Problems
 * are reported as ERROR entries. Returns 0 or a negative code that stops
 * the walk.
 */
static int enter(struct walker *w, int parent_fd, const char *open_name,
		 int follow, size_t path_len, size_t name_offset,
		 unsigned flags, unsigned depth, const struct stat *st)
{
	struct level *lv;
	struct stat now;
	/* O_NOATIME: listing a directory must not change its access time
	 * (evidence is never touched); it needs ownership or CAP_FOWNER,
	 * so fall back without it on EPERM. */
	int oflags =
		O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NONBLOCK | O_NOATIME;
	int rc, err = 0;

	if (w->depth >= NSW_WALK_DEPTH_MAX)
		return report_error(w, path_len, name_offset, flags, depth,
				    NSW_ELIMIT,
				    "directory nesting over %u levels, not "
				    "entered",
				    NSW_WALK_DEPTH_MAX);
	lv = &w->stack[w->depth];
	memset(lv, 0, sizeof(*lv));
	if (!follow)
		oflags |= O_NOFOLLOW;
	lv->fd = openat(parent_fd, open_name, oflags);
	if (lv->fd < 0 && errno == EPERM)
		lv->fd = openat(parent_fd, open_name, oflags & ~O_NOATIME);
	if (lv->fd < 0) {
		err = errno;
		lv->fd = -1;
		return report_error(w, path_len, name_offset, flags, depth,
				    errno_code(err),
				    "cannot open directory: %s", strerror(err));
	}
	if (fstat(lv->fd, &now) != 0 || now.st_dev != st->st_dev ||
	    now.st_ino != st->st_ino) {
		level_release(lv);
		return report_error(w, path_len, name_offset, flags, depth,
				    NSW_EIO,
				    "directory changed while being walked, "
				    "not entered");
	}
	lv->path_len = path_len;
	lv->flags = flags;
	lv->depth = depth;
	lv->dev = (uint64_t)st->st_dev;
	lv->ino = (uint64_t)st->st_ino;
	visited_add(&w->visited, lv->dev, lv->ino);
	rc = level_list(lv, &err);
	if (rc == NSW_ENOMEM && err == 0) {
		level_release(lv);
		return nsw_error_set(NSW_ENOMEM,
				     "%s: out of memory listing the directory",
				     w->path);
	}
	w->depth++;
	if (rc == NSW_ELIMIT)
		rc = report_error(
			w, path_len, name_offset, flags, depth, NSW_ELIMIT,
			"directory has more than %zu entries or "
			"%zu bytes of names, not listed",
			NSW_WALK_ENTRIES_MAX, NSW_WALK_NAME_BYTES_MAX);
	else if (rc != NSW_OK)
		rc = report_error(w, path_len, name_offset, flags, depth, rc,
				  "cannot list directory: %s",
				  strerror(err ? err : EIO));
	return rc < 0 ? rc : NSW_OK;
}

/*
 * Examine one path (already in w->path) with `st` and report it; enter it
 * when it is a directory the callback wants.
 */
static int visit(struct walker *w, int parent_fd, const char *open_name,
		 int follow, size_t path_len, size_t name_offset,
		 unsigned flags, unsigned depth, const struct stat *st)
{
	nsw_walk_kind kind;
	int rc;

	if (S_ISREG(st->st_mode))
		kind = NSW_WALK_FILE;
	else if (S_ISLNK(st->st_mode))
		kind = NSW_WALK_SYMLINK;
	else if (S_ISDIR(st->st_mode))
		kind = is_revisit(w, st) ? NSW_WALK_REVISIT : NSW_WALK_DIR;
	else
		kind = NSW_WALK_SPECIAL;
	rc = report(w, kind, path_len, name_offset, flags, depth, st, 0);
	if (rc < 0 || kind != NSW_WALK_DIR || rc == NSW_WALK_SKIP)
		return rc < 0 ? rc : NSW_OK;
	return enter(w, parent_fd, open_name, follow, path_len, name_offset,
		     flags, depth, st);
}

/* Visit the next entry of the innermost directory, or leave it. */
static int step(struct walker *w)
{
	struct level *lv = &w->stack[w->depth - 1];
	const char *name;
	size_t name_len, name_offset, path_len;
	unsigned flags;
	struct stat st;

	if (lv->next >= lv->count) {
		w->path[lv->path_len] = '\0';
		level_release(lv);
		w->depth--;
		return NSW_OK;
	}
	name = lv->sorted[lv->next++];
	name_len = strlen(name);
	name_offset = lv->path_len;
	if (name_offset == 0 || w->path[name_offset - 1] != '/')
		name_offset++;
	path_len = name_offset + name_len;
	flags = lv->flags;
	if (!nsw_utf8_valid(name, name_len))
		flags |= NSW_WALK_NOT_UTF8;
	if (path_len > NSW_PATH_MAX) {
		/* Report what fits: the directory and the start of the name. */
		int rc;

		w->path[lv->path_len] = '\0';
		rc = report_error(w, lv->path_len, lv->path_len, flags,
				  lv->depth + 1, NSW_ELIMIT,
				  "entry '%.64s...' makes a path longer "
				  "than %d bytes, skipped",
				  name, NSW_PATH_MAX);

		return rc < 0 ? rc : NSW_OK;
	}
	w->path[lv->path_len] = '/';
	memcpy(w->path + name_offset, name, name_len + 1);
	if (fstatat(lv->fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
		int err = errno;
		int rc = report_error(w, path_len, name_offset, flags,
				      lv->depth + 1, errno_code(err),
				      err == ENOENT ? "vanished during the "
						      "walk: %s"
						    : "cannot examine: %s",
				      strerror(err));

		return rc < 0 ? rc : NSW_OK;
	}
	return visit(w, lv->fd, name, 0, path_len, name_offset, flags,
		     lv->depth + 1, &st);
}

int nsw_walk(const char *root, unsigned flags, nsw_walk_fn fn, void *ctx)
{
	struct walker *w = NULL;
	struct stat st;
	size_t len, name_offset;
	unsigned eflags;
	int rc, follow = (flags & NSW_WALK_FOLLOW_ROOT) != 0;

	if (root == NULL || fn == NULL)
		return nsw_error_set(NSW_EINVAL, "nsw_walk: NULL argument");
	w = nsw__calloc(1, sizeof(*w));
	if (w == NULL)
		return nsw_error_set(NSW_ENOMEM, "out of memory for a walk");
	w->fn = fn;
	w->ctx = ctx;
	len = strlen(root);
	/* "dir///" is "dir", "/" stays "/". */
	while (len > 1 && root[len - 1] == '/')
		len--;
	eflags = nsw_utf8_valid(root, len) ? 0 : NSW_WALK_NOT_UTF8;
	if (len > NSW_PATH_MAX) {
		memcpy(w->path, root, 64);
		w->path[64] = '\0';
		rc = report_error(w, 64, 0, eflags, 0, NSW_ELIMIT,
				  "path longer than %d bytes", NSW_PATH_MAX);
		goto done;
	}
	memcpy(w->path, root, len);
	w->path[len] = '\0';
	if ((follow ? stat(w->path, &st) : lstat(w->path, &st)) != 0) {
		int err = errno;

		rc = report_error(w, len, 0, eflags, 0, errno_code(err), "%s",
				  strerror(err));
		goto done;
	}
	name_offset = len;
	while (name_offset > 0 && w->path[name_offset - 1] != '/')
		name_offset--;
	if (name_offset == len) /* "/" */
		name_offset = 0;
	rc = visit(w, AT_FDCWD, w->path, follow, len, name_offset, eflags, 0,
		   &st);
	while (rc >= 0 && w->depth > 0)
		rc = step(w);
done:
	while (w->depth > 0)
		level_release(&w->stack[--w->depth]);
	nsw__free(w->visited.keys);
	nsw__free(w);
	return rc < 0 ? rc : NSW_OK;
}
