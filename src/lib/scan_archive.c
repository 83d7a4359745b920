/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The scan's descent into archives found on a device (docs/scan.md): each
 * member of a file whose content is an archive is streamed (never
 * extracted, the evidence never written), hashed exactly as a file is,
 * matched, and queued as its own record before the archive's own record,
 * so that a committed archive means committed members (resume). A nested
 * archive is read a second time, through its containers, to list it.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "archive_reader.h"
#include "buf.h"
#include "error.h"
#include "limits.h"
#include "netsweep/case.h"
#include "netsweep/walk.h"
#include "scan_archive.h"
#include "store.h"

/* Room for notes about an archive (its own problems, one per level). */
#define NOTE_MAX (2 * NSW_HASH_MESSAGE_MAX)

struct descent {
	nsw_scan_job *top; /* the file on the device */
	nsw_hasher *h;
	const nsw_scan_matcher *m;
	void *mstate;
	nsw_scan__member_fn emit; /* takes each member's job */
	void *emit_ctx;
	const nsw_scan__archive_source *src; /* top's bytes; NULL: a file */
	uint64_t expanded; /* member bytes read out of top so far */
	int nested;	   /* nested archives opened under top */
	int cancelled;	   /* emit said stop: stop quietly */
	uint8_t *head;	   /* first bytes of the member being hashed */
	size_t head_len;
	uint64_t chain[NSW_ARCHIVE_DEPTH_MAX]; /* member index per level */
};

/* Add a sentence about an archive to its record's error (kept with the
 * record's digests, which stay valid: the archive file itself was read). */
static int note(nsw_scan_job *job, const char *message)
{
	nsw_buf b;
	int rc;

	nsw_buf_init(&b, NOTE_MAX);
	rc = job->error != NULL && job->error[0] != '\0'
		     ? nsw_buf_printf(&b, "%s; ", job->error)
		     : 0;
	rc = rc ? rc : nsw_buf_puts(&b, message);
	if (rc == NSW_ELIMIT)
		return NSW_OK; /* enough said already */
	if (rc != 0) {
		nsw_buf_dispose(&b);
		return nsw_error_set(NSW_ENOMEM, "scan: out of memory");
	}
	nsw__free(job->error);
	job->error = nsw_buf_detach(&b);
	return NSW_OK;
}

/* A member that could not be read: "<member>: <why>" unless the message
 * already starts with the member's name (the hasher's do). */
static int member_error(nsw_scan_job *job, nsw_file_status status,
			const char *message)
{
	size_t n = strlen(job->display);
	nsw_buf b;

	job->status = status;
	nsw_buf_init(&b, NOTE_MAX);
	if (strncmp(message, job->display, n) != 0 &&
	    nsw_buf_printf(&b, "%s: ", job->display) != 0) {
		nsw_buf_dispose(&b);
		return nsw_error_set(NSW_ENOMEM, "scan: out of memory");
	}
	(void)nsw_buf_puts(&b, message); /* cut at NOTE_MAX is fine */
	nsw__free(job->error);
	job->error = nsw_buf_detach(&b);
	return job->error != NULL
		       ? NSW_OK
		       : nsw_error_set(NSW_ENOMEM, "scan: out of memory");
}

/* A symbolic or hard link member: recorded, as the walker records links,
 * with its target; no data to read. */
static int member_link(nsw_scan_job *job, const char *target)
{
	size_t n = target != NULL ? strlen(target) : 0;

	job->status = NSW_FILE_SKIPPED_SYMLINK;
	if (n == 0 || n > NSW_PATH_MAX)
		return NSW_OK;
	job->link = nsw__malloc(n);
	if (job->link == NULL)
		return nsw_error_set(NSW_ENOMEM, "scan: out of memory");
	memcpy(job->link, target, n);
	job->link_len = n;
	return NSW_OK;
}

/* The hasher's reader over the current member: counts what comes out
 * against the per-file total and keeps the first bytes for the sniff. */
struct member_src {
	struct descent *d;
	nsw_archive *a;
};

static int member_read(void *ctx, uint8_t *buf, size_t cap, size_t *got)
{
	struct member_src *ms = ctx;
	struct descent *d = ms->d;
	int rc = nsw_archive_read(ms->a, buf, cap, got);
	size_t n;

	if (rc != NSW_OK)
		return rc;
	n = NSW_ARCHIVE_SNIFF_BYTES - d->head_len;
	n = n < *got ? n : *got;
	memcpy(d->head + d->head_len, buf, n);
	d->head_len += n;
	d->expanded += *got;
	if (d->expanded > NSW_ARCHIVE_EXPANDED_MAX)
		return nsw_error_set(
			NSW_ELIMIT,
			"more than %llu bytes expanded out of "
			"one file (bomb?)",
			(unsigned long long)NSW_ARCHIVE_EXPANDED_MAX);
	return NSW_OK;
}

/* A nested archive's bytes: the current member of the level above. */
static int chain_read(void *ctx, uint8_t *buf, size_t cap, size_t *got)
{
	return nsw_archive_read(ctx, buf, cap, got);
}

/* Display form of a member name: as the walker shows names (control and
 * non-UTF-8 bytes as \xNN), with every '!' shown as "\x21", so that a '!'
 * always belongs to the naming: "!/" inside an archive, "!N" the Nth
 * member of that name. */
static int display_name(nsw_buf *out, const char *name, size_t len)
{
	const char *p = name, *end = name + len;
	int not_utf8 = 0, rc = 0;

	while (rc == 0 && p < end) {
		const char *bang = memchr(p, '!', (size_t)(end - p));
		size_t n =
			bang != NULL ? (size_t)(bang - p) : (size_t)(end - p);

		rc = nsw_store__display_path(out, (const uint8_t *)p, n,
					     &not_utf8);
		p += n;
		if (rc == 0 && bang != NULL) {
			rc = nsw_buf_puts(out, "\\x21");
			p++;
		}
	}
	return rc;
}

/*
 * The names met in one archive, as 64-bit hashes with a count, so that a
 * repeated name (tar appends new versions, hostile zips repeat names) gets
 * its own record. Open addressing, at most NSW_ARCHIVE_NAMES_TRACKED.
 */
struct names {
	uint64_t *hash; /* 0: empty slot */
	uint32_t *count;
	size_t cap, n;
};

static uint64_t name_hash(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */

	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)s[i]) * 0x100000001b3ull;
	return h != 0 ? h : 1;
}

static size_t names_slot(const struct names *t, uint64_t h)
{
	size_t i = (size_t)h & (t->cap - 1);

	while (t->hash[i] != 0 && t->hash[i] != h)
		i = (i + 1) & (t->cap - 1);
	return i;
}

static int names_grow(struct names *t)
{
	struct names g = {NULL, NULL, t->cap ? t->cap * 2 : 1024, t->n};

	g.hash = nsw__calloc(g.cap, sizeof(*g.hash));
	g.count = nsw__calloc(g.cap, sizeof(*g.count));
	if (g.hash == NULL || g.count == NULL) {
		nsw__free(g.hash);
		nsw__free(g.count);
		return nsw_error_set(NSW_ENOMEM, "scan: out of memory");
	}
	for (size_t i = 0; i < t->cap; i++) {
		if (t->hash[i] != 0) {
			size_t j = names_slot(&g, t->hash[i]);

			g.hash[j] = t->hash[i];
			g.count[j] = t->count[i];
		}
	}
	nsw__free(t->hash);
	nsw__free(t->count);
	*t = g;
	return NSW_OK;
}

/* How many times `name` was met, this one included (1: first); 0 when the
 * table is full and the name not in it (the caller then uses the index). */
static int names_add(struct names *t, const char *name, uint32_t *seen)
{
	uint64_t h = name_hash(name, strlen(name));
	size_t i;
	int rc;

	*seen = 0;
	if (t->cap == 0 || 2 * (t->n + 1) > t->cap) {
		if (t->n >= NSW_ARCHIVE_NAMES_TRACKED) {
			i = names_slot(t, h);
			if (t->hash[i] == h && t->count[i] < UINT32_MAX)
				*seen = ++t->count[i];
			return NSW_OK;
		}
		rc = names_grow(t);
		if (rc != NSW_OK)
			return rc;
	}
	i = names_slot(t, h);
	if (t->hash[i] == 0) {
		t->hash[i] = h;
		t->n++;
	}
	if (t->count[i] < UINT32_MAX)
		t->count[i]++;
	*seen = t->count[i];
	return NSW_OK;
}

static void names_free(struct names *t)
{
	nsw__free(t->hash);
	nsw__free(t->count);
}

/*
 * A job for the member named `name` (met `seen` times in its archive, or 0:
 * not tracked; `index` is its place) of the archive recorded as `parent`.
 * Its case path is the parent's, a NUL (which no name on a device holds,
 * so a member never collides with a file) and the name as stored, cut with
 * a note to fit NSW_PATH_MAX; a repeated name adds two NULs and its count
 * ("2"...), an untracked one two NULs, '#' and its index. Displayed as
 * "<parent>!/<name>", "<parent>!/<name>!2", "<parent>!/<name>!#<index>".
 */
static int new_member(nsw_scan_job **out, const nsw_scan_job *parent,
		      const char *name, uint32_t seen, uint64_t index,
		      const nsw_archive_member_info *mi)
{
	nsw_scan_job *job = NULL;
	nsw_buf raw, disp;
	char tail[32] = "";
	size_t name_len = strlen(name), used, room, tail_len;
	int rc, cut = 0;

	*out = NULL;
	if (seen == 0)
		snprintf(tail, sizeof(tail), "#%" PRIu64, index);
	else if (seen > 1)
		snprintf(tail, sizeof(tail), "%" PRIu32, seen);
	tail_len = tail[0] != '\0' ? strlen(tail) + 2 : 0;
	nsw_buf_init(&raw, parent->rel_off + NSW_PATH_MAX + 1);
	nsw_buf_init(&disp, 4 * NSW_PATH_MAX + 1);
	rc = nsw_buf_put(&raw, parent->path, parent->path_len);
	rc = rc ? rc : nsw_buf_putc(&raw, '\0');
	used = raw.len - parent->rel_off + tail_len;
	room = used < NSW_PATH_MAX ? NSW_PATH_MAX - used : 0;
	if (name_len > room) {
		name_len = room;
		cut = 1;
	}
	rc = rc ? rc : nsw_buf_put(&raw, name, name_len);
	/* Two NULs: one would read as a nested member's name. */
	rc = rc || tail_len == 0 ? rc : nsw_buf_put(&raw, "\0\0", 2);
	rc = rc || tail_len == 0 ? rc : nsw_buf_puts(&raw, tail);
	rc = rc ? rc : nsw_buf_puts(&disp, parent->display);
	rc = rc ? rc : nsw_buf_puts(&disp, "!/");
	rc = rc ? rc : display_name(&disp, name, name_len);
	if (rc == NSW_OK && tail_len > 0)
		rc = nsw_buf_printf(&disp, "!%s", tail);
	if (rc == NSW_OK)
		job = nsw__calloc(1, sizeof(*job));
	if (rc != NSW_OK || job == NULL) {
		nsw_buf_dispose(&raw);
		nsw_buf_dispose(&disp);
		return rc == NSW_ELIMIT ? nsw_error_set(NSW_ELIMIT,
							"%s: member path "
							"too long",
							parent->display)
					: nsw_error_set(NSW_ENOMEM,
							"scan: out of memory");
	}
	job->path_len = raw.len;
	job->path = nsw_buf_detach(&raw);
	job->display = nsw_buf_detach(&disp);
	job->rel_off = parent->rel_off;
	job->kind = NSW_WALK_FILE;
	job->walk_size = mi->size > 0 ? (uint64_t)mi->size : 0;
	job->mtime_ns =
		mi->mtime_ns != INT64_MIN ? mi->mtime_ns : NSW_TIME_UNKNOWN;
	job->ctime_ns = job->atime_ns = NSW_TIME_UNKNOWN;
	*out = job;
	if (cut)
		return note(job, "member name cut to fit the path limit");
	return NSW_OK;
}

/* Move `a` to its member number `index` (counting as the listing did). */
static int skip_to(nsw_archive *a, uint64_t index, const char *disp)
{
	const char *name;
	int is_file, rc;

	for (uint64_t i = 0;; i++) {
		rc = nsw_archive_next(a, &name, &is_file);
		if (rc == 1)
			return nsw_error_set(NSW_EFORMAT,
					     "%s: not found when read again",
					     disp);
		if (rc == NSW_ELIMIT && name == NULL)
			return rc;
		if (rc != NSW_OK && rc != NSW_ELIMIT)
			return rc;
		if (i == index)
			return NSW_OK;
	}
}

/* Open the top file as an archive: the file on the device, or a new read
 * of it from d->src (*file, closed by the caller after stack[0]). */
static int open_top(struct descent *d, nsw_archive **out, void **file,
		    const char *name)
{
	int rc;

	if (d->src == NULL)
		return nsw_archive_open_evidence(out, d->top->path, name);
	rc = d->src->open(d->src->ctx, d->top, file);
	return rc ? rc
		  : nsw_archive_open_reader(out, d->src->read, d->src->seek,
					    *file, name);
}

/* Open the archive at d->chain[0..depth) under the top file: the file for
 * depth 0, else read through each level's member. */
static int open_chain(struct descent *d, int depth, nsw_archive **stack,
		      void **file, const char *disp)
{
	int rc = open_top(d, &stack[0], file,
			  depth == 0 ? disp : d->top->display);

	for (int k = 0; rc == NSW_OK && k < depth; k++) {
		rc = skip_to(stack[k], d->chain[k], disp);
		rc = rc ? rc
			: nsw_archive_open_reader(&stack[k + 1], chain_read,
						  NULL, stack[k], disp);
	}
	return rc;
}

static int push(struct descent *d, nsw_scan_job *job)
{
	int rc = d->emit(d->emit_ctx, job);

	if (rc > 0)
		d->cancelled = 1;
	return rc < 0 ? rc : NSW_OK;
}

static int walk_archive(struct descent *d, int depth, nsw_scan_job *self);

/* Hash a regular member, match it, and open it when it is an archive.
 * *stop is set when the archive must not be read further (a cap). */
static int hash_member(struct descent *d, nsw_archive *a, int depth,
		       uint64_t index, const nsw_archive_member_info *mi,
		       nsw_scan_job *job, int *stop)
{
	struct member_src ms = {d, a};
	char msg[160];
	int rc;

	d->head_len = 0;
	rc = nsw_hasher_stream(d->h, &job->hash, member_read, &ms, mi->size,
			       job->display);
	if (rc == NSW_ENOMEM || rc == NSW_EINVAL)
		return rc;
	if (rc != NSW_OK) {
		/* A bomb stays a bomb: skipping the rest of a stream-
		 * compressed member would decompress all of it. */
		*stop = rc == NSW_ELIMIT;
		return member_error(job, NSW_FILE_ERROR, nsw_error_last());
	}
	job->hashed = 1;
	job->status = NSW_FILE_OK;
	job->media_type = nsw_scan_media_type(d->head, d->head_len);
	if (job->hash.decode_error != 0) {
		rc = note(job, job->hash.decode_message);
		if (rc != NSW_OK)
			return rc;
	}
	if (d->m != NULL) {
		rc = d->m->match(d->m->ctx, d->mstate, &job->hash,
				 &job->matches);
		if (rc != NSW_OK)
			return rc;
	}
	if (!nsw_archive_sniff(d->head, d->head_len))
		return NSW_OK;
	if (depth + 1 >= NSW_ARCHIVE_DEPTH_MAX) {
		snprintf(msg, sizeof(msg),
			 "archive nested more than %d levels deep: not opened",
			 NSW_ARCHIVE_DEPTH_MAX);
		return note(job, msg);
	}
	if (d->nested >= NSW_ARCHIVE_NESTED_MAX) {
		snprintf(msg, sizeof(msg),
			 "more than %d nested archives in one file: not "
			 "opened",
			 NSW_ARCHIVE_NESTED_MAX);
		return note(job, msg);
	}
	d->nested++;
	d->chain[depth] = index;
	return walk_archive(d, depth + 1, job);
}

/* Queue a job for every member of the archive d->chain[0..depth) whose
 * own record is `self`; then `self` is queued by the caller. */
static int walk_archive(struct descent *d, int depth, nsw_scan_job *self)
{
	nsw_archive *stack[NSW_ARCHIVE_DEPTH_MAX + 1] = {NULL};
	nsw_archive_member_info mi;
	nsw_scan_job *job = NULL;
	struct names names = {NULL, NULL, 0, 0};
	uint64_t index = 0;
	uint32_t seen = 0;
	void *file = NULL; /* the top file's read, from d->src */
	int rc, stop = 0;

	rc = open_chain(d, depth, stack, &file, self->display);
	if (rc == NSW_EUNSUPPORTED) {
		rc = NSW_OK; /* archive-like bytes, but not an archive */
		goto done;
	}
	if (rc != NSW_OK) {
		rc = rc == NSW_ENOMEM ? rc : note(self, nsw_error_last());
		goto done;
	}
	self->container = 1;
	while (!stop && !d->cancelled) {
		const char *name = NULL;
		int is_file, next;

		next = nsw_archive_next(stack[depth], &name, &is_file);
		if (next == 1)
			break;
		if (next != NSW_OK && (next != NSW_ELIMIT || name == NULL)) {
			/* Corrupt header or too many members: what was read
			 * is kept, the rest cannot be reached. */
			rc = next == NSW_ENOMEM ? next
						: note(self, nsw_error_last());
			break;
		}
		nsw_archive_member(stack[depth], &mi);
		if (next == NSW_OK && mi.type == NSW_ARCHIVE_MEMBER_DIR) {
			index++;
			continue; /* directories are not recorded */
		}
		/* new_member() sets no message unless it fails, so an
		 * ELIMIT's message is still there for member_error(). */
		if (name[0] == '\0') /* a nested member's path needs a name */
			name = "(unnamed)";
		rc = names_add(&names, name, &seen);
		rc = rc ? rc : new_member(&job, self, name, seen, index, &mi);
		if (rc != NSW_OK)
			break;
		if (next == NSW_ELIMIT) {
			/* Declared over the member cap: skipping its data
			 * could mean expanding it, as for a bomb. */
			rc = member_error(job, NSW_FILE_ERROR,
					  nsw_error_last());
			stop = 1;
		} else if (mi.type == NSW_ARCHIVE_MEMBER_LINK) {
			rc = member_link(job, mi.link);
		} else if (mi.type == NSW_ARCHIVE_MEMBER_OTHER) {
			job->status = NSW_FILE_SKIPPED_SPECIAL;
		} else if (mi.encrypted) {
			rc = member_error(job, NSW_FILE_ERROR,
					  "encrypted member: not read (no "
					  "password is tried)");
		} else {
			rc = hash_member(d, stack[depth], depth, index, &mi,
					 job, &stop);
		}
		index++;
		if (rc != NSW_OK)
			break;
		rc = push(d, job);
		job = NULL;
	}
	if (rc == NSW_OK && stop)
		rc = note(self, "not read past a member over a cap");
done:
	names_free(&names);
	nsw_scan_queue__job_free(job);
	for (int k = depth; k >= 0; k--)
		nsw_archive_free(stack[k]);
	if (file != NULL)
		d->src->close(file);
	return rc;
}

/* The first bytes of the top file from d->src; 0 when unreadable (it was
 * just hashed: a failure now is not worth a note). */
static size_t read_head_src(const struct descent *d, uint8_t *head)
{
	void *file = NULL;
	size_t len = 0, got = 0;

	if (d->src->open(d->src->ctx, d->top, &file) != NSW_OK)
		return 0;
	while (len < NSW_ARCHIVE_SNIFF_BYTES &&
	       d->src->read(file, head + len, NSW_ARCHIVE_SNIFF_BYTES - len,
			    &got) == NSW_OK &&
	       got > 0)
		len += got;
	d->src->close(file);
	return len;
}

/* The first bytes of the top file, read-only, without atime. */
static size_t read_head(const struct descent *d, uint8_t *head)
{
	int flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW | O_NOATIME;
	int fd;
	ssize_t n;

	if (d->src != NULL)
		return read_head_src(d, head);
	fd = open(d->top->path, flags);
	if (fd < 0 && errno == EPERM)
		fd = open(d->top->path, flags & ~O_NOATIME);
	if (fd < 0)
		return 0;
	n = pread(fd, head, NSW_ARCHIVE_SNIFF_BYTES, 0);
	close(fd);
	return n > 0 ? (size_t)n : 0;
}

/* Descend into `job`'s file when it is an archive; see the header. */
static int descend(nsw_scan_job *job, nsw_hasher *h, const nsw_scan_matcher *m,
		   void *mstate, nsw_scan__member_fn emit, void *ctx,
		   const nsw_scan__archive_source *src)
{
	struct descent d;
	nsw_buf disp;
	int not_utf8 = 0, rc;

	if (!job->hashed || job->status != NSW_FILE_OK)
		return NSW_OK;
	memset(&d, 0, sizeof(d));
	d.top = job;
	d.h = h;
	d.m = m;
	d.mstate = mstate;
	d.emit = emit;
	d.emit_ctx = ctx;
	d.src = src;
	d.head = nsw__malloc(NSW_ARCHIVE_SNIFF_BYTES);
	if (d.head == NULL)
		return nsw_error_set(NSW_ENOMEM, "scan: out of memory");
	rc = NSW_OK;
	if (nsw_archive_sniff(d.head, read_head(&d, d.head))) {
		/* Members are named after the archive as the case shows it. */
		nsw_buf_init(&disp, 4 * NSW_PATH_MAX + 1);
		if (nsw_store__display_path(
			    &disp, (const uint8_t *)job->path + job->rel_off,
			    job->path_len - job->rel_off, &not_utf8) != 0) {
			nsw_buf_dispose(&disp);
			rc = nsw_error_set(NSW_ENOMEM, "scan: out of memory");
		} else {
			nsw__free(job->display);
			job->display = nsw_buf_detach(&disp);
			rc = walk_archive(&d, 0, job);
		}
	}
	nsw__free(d.head);
	return rc;
}

/* The scan's emit: onto the writer's queue; 1 (stop) once cancelled. */
static int emit_queue(void *ctx, nsw_scan_job *job)
{
	if (nsw_scan_queue__push(ctx, job) != 0) {
		nsw_scan_queue__job_free(job);
		return 1;
	}
	return 0;
}

int nsw_scan__archive_members(nsw_scan_job *job, nsw_hasher *h,
			      const nsw_scan_matcher *m, void *mstate,
			      nsw_scan_queue *done,
			      const nsw_scan__archive_source *src)
{
	return descend(job, h, m, mstate, emit_queue, done, src);
}

int nsw_scan__archive_reread(nsw_scan_job *job, nsw_hasher *h,
			     nsw_scan__member_fn fn, void *ctx,
			     const nsw_scan__archive_source *src)
{
	return descend(job, h, NULL, NULL, fn, ctx, src);
}
