/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The scan's descent into archives found on a device (docs/scan.md): each
 * member of a file whose content is an archive is streamed (never
 * extracted, the evidence never written), hashed exactly as a file is,
 * matched, and queued as its own record before the archive's own record,
 * so that a committed archive means committed members (resume). A nested
 * archive is read a second time, through its containers, to list it.
 *
 * Members of a top-level archive up to NSW_SCAN_MEMBER_BUFFER_MAX are read
 * into memory by the reading worker and queued for any worker to hash
 * (nsw_scan__member_run()), so one big archive keeps every core busy; the
 * reader waits for all of them to be on the done queue before its archive
 * goes on. Nested archives and their members stay on the reading worker
 * (each is read through its containers, which only that worker holds).
 *
 * Why this cannot deadlock: a member job never waits on the bounded todo
 * queue (it is queued on its own list, pop() serves it first) and never
 * descends; hashing it from memory waits only on the done queue, which the
 * writer drains or cancel() fails. So bytes in flight always belong to a
 * queued job or to a job that will end. A reader that must wait (the byte
 * bound, or its archive's members still out) runs queued member jobs
 * itself meanwhile, so it never waits for work that only it could do,
 * even when every other worker waits too or has already exited; it waits
 * for its count to reach 0 even when cancelled, since workers still
 * hashing its members count down in its frame. Idle workers do not exit
 * at the end of the walk while a popped job may still queue members (the
 * todo queue counts busy jobs), and nothing a busy job waits on needs an
 * idle worker, so that wait ends too.
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
	const nsw_scan__members *par;	     /* NULL: every member inline */
	size_t outstanding; /* buffered members not yet on done (todo lock) */
	uint64_t expanded;  /* member bytes read out of top so far */
	int nested;	    /* nested archives opened under top */
	int cancelled;	    /* emit said stop: stop quietly */
	uint8_t *head;	    /* first bytes of the member being hashed */
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
 * against the per-file total and keeps the first bytes for the sniff.
 * replay_read() first gives back `pre`, bytes already read into memory,
 * then `err` when reading them failed, then reads on. */
struct member_src {
	struct descent *d;
	nsw_archive *a;
	const uint8_t *pre;
	size_t pre_len, pos;
	int err;
	const char *err_msg;
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

static int replay_read(void *ctx, uint8_t *buf, size_t cap, size_t *got)
{
	struct member_src *ms = ctx;
	size_t n = ms->pre_len - ms->pos;

	if (n > 0) {
		n = n < cap ? n : cap;
		memcpy(buf, ms->pre + ms->pos, n);
		ms->pos += n;
		*got = n;
		return NSW_OK;
	}
	if (ms->err != 0)
		return nsw_error_set(ms->err, "%s", ms->err_msg);
	return member_read(ctx, buf, cap, got);
}

/* A buffered member's bytes, for nsw_scan__member_run(). */
struct mem_src {
	const uint8_t *p;
	size_t len, pos;
};

static int mem_read(void *ctx, uint8_t *buf, size_t cap, size_t *got)
{
	struct mem_src *ms = ctx;
	size_t n = ms->len - ms->pos;

	n = n < cap ? n : cap;
	memcpy(buf, ms->p + ms->pos, n);
	ms->pos += n;
	*got = n;
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

/* A member was hashed: its status, media type (from its first bytes),
 * decoding note and hits. */
static int member_hashed(nsw_scan_job *job, const uint8_t *head,
			 size_t head_len, const nsw_scan_matcher *m,
			 void *mstate)
{
	int rc;

	job->hashed = 1;
	job->status = NSW_FILE_OK;
	job->media_type = nsw_scan_media_type(head, head_len);
	if (job->hash.decode_error != 0) {
		rc = note(job, job->hash.decode_message);
		if (rc != NSW_OK)
			return rc;
	}
	return m != NULL ? m->match(m->ctx, mstate, &job->hash, &job->matches)
			 : NSW_OK;
}

int nsw_scan__member_run(nsw_scan_job *job, nsw_hasher *h,
			 const nsw_scan_matcher *m, void *mstate,
			 const nsw_scan__members *par, int drop)
{
	nsw_scan_member *mb = job->member;
	size_t *outstanding = mb->outstanding;
	uint64_t reserved = mb->reserved;
	struct mem_src src = {mb->data, mb->len, 0};
	size_t head_len = mb->len < NSW_ARCHIVE_SNIFF_BYTES
				  ? mb->len
				  : NSW_ARCHIVE_SNIFF_BYTES;
	int rc = NSW_OK;

	if (!drop) {
		if (par->hook != NULL)
			par->hook(par->hook_ctx,
				  nsw_scan_queue__member_peak(par->todo));
		rc = nsw_hasher_stream(h, &job->hash, mem_read, &src,
				       mb->size_hint, job->display);
		if (rc == NSW_OK)
			rc = member_hashed(job, mb->data, head_len, m, mstate);
		else if (rc != NSW_ENOMEM && rc != NSW_EINVAL)
			rc = member_error(job, NSW_FILE_ERROR,
					  nsw_error_last());
	}
	nsw__free(mb->data);
	nsw__free(mb);
	job->member = NULL;
	/* On done before it is counted out: its archive follows it. */
	if (drop || rc != NSW_OK || nsw_scan_queue__push(par->done, job) != 0)
		nsw_scan_queue__job_free(job);
	nsw_scan_queue__member_done(par->todo, outstanding, reserved);
	return rc;
}

/* Whether the member `mi` at `depth` is read into memory for any worker:
 * a top-level member of known size that fits the buffers. */
static int buffered(const struct descent *d, int depth,
		    const nsw_archive_member_info *mi)
{
	return d->par != NULL && d->par->inflight_max > 0 && depth == 0 &&
	       mi->size >= 0 &&
	       (uint64_t)mi->size <= NSW_SCAN_MEMBER_BUFFER_MAX &&
	       (uint64_t)mi->size < d->par->inflight_max;
}

/*
 * Read the current member into memory (*data, *len; *reserved bytes are
 * counted in flight): all of it when *len < `size` + 1 and ms->err is 0;
 * else ms->err holds the read's error (message in err) or the member was
 * longer than declared, and the caller hashes on from the archive. Runs
 * queued member jobs while the byte bound is reached. d->cancelled: the
 * scan stopped, nothing read.
 */
static int read_member(struct descent *d, struct member_src *ms, uint64_t size,
		       uint8_t **data, size_t *len, uint64_t *reserved,
		       char *err, size_t err_cap)
{
	const nsw_scan__members *par = d->par;
	size_t cap = (size_t)size + 1, got = 0;
	nsw_scan_job *help = NULL;
	int r, rc;

	while ((r = nsw_scan_queue__reserve(par->todo, cap, par->inflight_max,
					    &help)) == 1) {
		rc = nsw_scan__member_run(help, d->h, d->m, d->mstate, par, 0);
		if (rc != NSW_OK)
			return rc;
	}
	if (r < 0) {
		d->cancelled = 1;
		return NSW_OK;
	}
	*reserved = cap;
	*data = nsw__malloc(cap);
	if (*data == NULL)
		return nsw_error_set(NSW_ENOMEM, "scan: out of memory");
	while (*len < cap) {
		rc = member_read(ms, *data + *len, cap - *len, &got);
		if (rc != NSW_OK) {
			snprintf(err, err_cap, "%s", nsw_error_last());
			ms->err = rc;
			ms->err_msg = err;
			break;
		}
		if (got == 0)
			break;
		*len += got;
	}
	return NSW_OK;
}

/* Queue a member read into memory for any worker (owns data, job). */
static int queue_member(struct descent *d, nsw_scan_job *job, uint8_t *data,
			size_t len, int64_t size_hint, uint64_t reserved)
{
	nsw_scan_member *mb = nsw__calloc(1, sizeof(*mb));

	if (mb == NULL) {
		nsw__free(data);
		nsw_scan_queue__job_free(job);
		nsw_scan_queue__member_done(d->par->todo, NULL, reserved);
		return nsw_error_set(NSW_ENOMEM, "scan: out of memory");
	}
	mb->data = data;
	mb->len = len;
	mb->size_hint = size_hint;
	mb->reserved = reserved;
	mb->outstanding = &d->outstanding;
	job->member = mb;
	nsw_scan_queue__push_member(d->par->todo, job);
	return NSW_OK;
}

/* Hash a regular member, match it, and open it when it is an archive; or
 * queue it for any worker (*queued set, the job is taken). *stop is set
 * when the archive must not be read further (a cap). */
static int hash_member(struct descent *d, nsw_archive *a, int depth,
		       uint64_t index, const nsw_archive_member_info *mi,
		       nsw_scan_job *job, int *stop, int *queued)
{
	struct member_src ms = {d, a, NULL, 0, 0, 0, NULL};
	char msg[160], err[NSW_ERROR_MESSAGE_MAX];
	uint8_t *data = NULL;
	size_t len = 0;
	uint64_t reserved = 0;
	int rc = NSW_OK;

	d->head_len = 0;
	*queued = 0;
	if (buffered(d, depth, mi)) {
		rc = read_member(d, &ms, (uint64_t)mi->size, &data, &len,
				 &reserved, err, sizeof(err));
		if (rc != NSW_OK || d->cancelled) {
			/* Cancelled: the caller's push fails, drops the job. */
			nsw__free(data);
			if (reserved > 0)
				nsw_scan_queue__member_done(d->par->todo, NULL,
							    reserved);
			return rc;
		}
		if (ms.err == 0 && len <= (uint64_t)mi->size &&
		    !nsw_archive_sniff(d->head, d->head_len)) {
			*queued = 1; /* archive-like ones stay (nested) */
			return queue_member(d, job, data, len, mi->size,
					    reserved);
		}
		ms.pre = data;
		ms.pre_len = len;
	}
	rc = nsw_hasher_stream(d->h, &job->hash, replay_read, &ms, mi->size,
			       job->display);
	nsw__free(data);
	if (reserved > 0)
		nsw_scan_queue__member_done(d->par->todo, NULL, reserved);
	if (rc == NSW_ENOMEM || rc == NSW_EINVAL)
		return rc;
	if (rc != NSW_OK) {
		/* A bomb stays a bomb: skipping the rest of a stream-
		 * compressed member would decompress all of it. */
		*stop = rc == NSW_ELIMIT;
		return member_error(job, NSW_FILE_ERROR, nsw_error_last());
	}
	rc = member_hashed(job, d->head, d->head_len, d->m, d->mstate);
	if (rc != NSW_OK)
		return rc;
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
		int is_file, next, queued = 0;

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
					 job, &stop, &queued);
		}
		index++;
		if (queued)
			job = NULL; /* taken by the todo queue, or freed */
		if (rc != NSW_OK)
			break;
		if (queued)
			continue;
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

/* Wait until every buffered member of the top archive is on the done
 * queue, running queued member jobs meanwhile (dropped after a fatal
 * error: the scan stops). Always waits: their workers count down in d. */
static int wait_members(struct descent *d, int rc)
{
	nsw_scan_job *job;

	while ((job = nsw_scan_queue__members_wait(d->par->todo,
						   &d->outstanding)) != NULL) {
		int r = nsw_scan__member_run(job, d->h, d->m, d->mstate, d->par,
					     rc != NSW_OK);

		rc = rc ? rc : r;
	}
	return rc;
}

/* Descend into `job`'s file when it is an archive; see the header. */
static int descend(nsw_scan_job *job, nsw_hasher *h, const nsw_scan_matcher *m,
		   void *mstate, nsw_scan__member_fn emit, void *ctx,
		   const nsw_scan__members *par,
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
	d.par = par;
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
			if (par != NULL)
				rc = wait_members(&d, rc);
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
			      const nsw_scan__members *par,
			      const nsw_scan__archive_source *src)
{
	return descend(job, h, m, mstate, emit_queue, par->done, par, src);
}

int nsw_scan__archive_reread(nsw_scan_job *job, nsw_hasher *h,
			     nsw_scan__member_fn fn, void *ctx,
			     const nsw_scan__archive_source *src)
{
	return descend(job, h, NULL, NULL, fn, ctx, NULL, src);
}
