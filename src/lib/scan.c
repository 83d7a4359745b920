/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The device scan: a walker thread feeds a bounded queue, workers hash and
 * match, and the calling thread records results in the case in batched
 * transactions. A killed scan resumes: recorded paths are skipped by the
 * walker, and a file and its hits are committed together or not at all.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "error.h"
#include "limits.h"
#include "netsweep/walk.h"
#include "scan_archive.h"
#include "scan_evidence.h"
#include "scan_image.h"
#include "scan_queue.h"
#include "store.h"

struct scan {
	const nsw_scan_options *opt;
	const char *case_path;
	nsw_scan__evidence
		ev; /* root, evidence and run ids (scan_evidence.c) */
	unsigned algos;
	int dihedral;
	nsw_scan_queue todo, done;
	nsw_scan__members members; /* where archive members go */
	pthread_mutex_t lock;	   /* guards the fields below */
	int64_t files_total, bytes_total;
	int64_t skipped, skipped_bytes;
	int workers_left;
	int fatal;    /* first fatal error code from a thread */
	int stopping; /* cancelled by the caller: not an error */
	char fatal_message[NSW_ERROR_MESSAGE_MAX];
	/* Walker-only state. */
	nsw_case *reader;
	int64_t count_files, count_bytes;
	/* Disk images: the media's SHA-256, from the walker (scan_image.c). */
	int have_image_sha256;
	uint8_t image_sha256[32];
	int64_t image_size;
};

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Record the first fatal error of any thread and stop every queue. */
static void set_fatal(struct scan *s, int code, const char *message)
{
	pthread_mutex_lock(&s->lock);
	if (s->fatal == 0) {
		s->fatal = code != 0 ? code : NSW_ERROR;
		snprintf(s->fatal_message, sizeof(s->fatal_message), "%s",
			 message);
	}
	pthread_mutex_unlock(&s->lock);
	nsw_scan_queue__cancel(&s->todo);
	nsw_scan_queue__cancel(&s->done);
}

static int is_fatal(struct scan *s)
{
	int f;

	pthread_mutex_lock(&s->lock);
	f = s->fatal;
	pthread_mutex_unlock(&s->lock);
	return f;
}

static int stop_requested(struct scan *s)
{
	int stop;

	pthread_mutex_lock(&s->lock);
	stop = s->stopping;
	pthread_mutex_unlock(&s->lock);
	return stop;
}

int nsw_scan_matches_add(nsw_scan_matches *m, const nsw_scan_match *match)
{
	if (m == NULL || match == NULL)
		return nsw_error_set(NSW_EINVAL, "scan: NULL match");
	if (m->n >= NSW_SCAN_MATCHES_MAX)
		return nsw_error_set(NSW_ELIMIT,
				     "more than %d list matches for one file",
				     NSW_SCAN_MATCHES_MAX);
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 8;
		nsw_scan_match *v = nsw__reallocarray(m->v, cap, sizeof(*v));

		if (v == NULL)
			return nsw_error_set(NSW_ENOMEM, "scan: out of memory");
		m->v = v;
		m->cap = cap;
	}
	m->v[m->n++] = *match;
	return NSW_OK;
}

/* ---- Walker ---------------------------------------------------------- */

/* Where the evidence-relative path starts in a walked path. */
static size_t rel_offset(const struct scan *s, const nsw_walk_entry *e)
{
	if (e->depth == 0)
		return e->name_offset; /* a single-file evidence: its name */
	if (e->path_len > s->ev.root_len && e->path[s->ev.root_len] == '/')
		return s->ev.root_len + 1;
	return s->ev.root_len;
}

static int count_entry(void *ctx, const nsw_walk_entry *e)
{
	struct scan *s = ctx;

	if (e->kind == NSW_WALK_DIR)
		return 0;
	s->count_files++;
	if (e->kind == NSW_WALK_FILE)
		s->count_bytes += (int64_t)e->size;
	return is_fatal(s) || stop_requested(s) ? NSW_ERROR : 0;
}

/* Queue a job for entry `e` (evidence-relative from `rel`); `retry_id`
 * > 0 names the record it is read again for. */
static int queue_job(struct scan *s, const nsw_walk_entry *e,
		     const nsw_scan_image_ref *ref, size_t rel,
		     int64_t retry_id)
{
	nsw_scan_job *job = nsw__calloc(1, sizeof(*job));

	if (job == NULL)
		return nsw_error_set(NSW_ENOMEM, "scan: out of memory");
	job->path = nsw__strndup(e->path, e->path_len);
	job->path_len = e->path_len;
	job->rel_off = rel;
	job->retry_id = retry_id;
	job->kind = e->kind;
	job->walk_flags = e->flags;
	job->walk_size = e->size;
	job->walk_error = e->error;
	if (e->message != NULL)
		job->walk_message = nsw__strdup(e->message);
	job->mtime_ns = job->ctime_ns = job->atime_ns = NSW_TIME_UNKNOWN;
	if (job->path == NULL ||
	    (e->message != NULL && job->walk_message == NULL) ||
	    (ref != NULL && nsw_scan_image__job_init(job, ref) != NSW_OK)) {
		nsw_scan_queue__job_free(job);
		return nsw_error_set(NSW_ENOMEM, "scan: out of memory");
	}
	if (nsw_scan_queue__push(&s->todo, job) != 0) {
		nsw_scan_queue__job_free(job);
		return NSW_ERROR; /* cancelled: someone else failed */
	}
	return 0;
}

/* Queue an entry not recorded yet; `ref` is set for disk-image entries,
 * whose walk path is already evidence-relative. */
static int queue_entry(struct scan *s, const nsw_walk_entry *e,
		       const nsw_scan_image_ref *ref)
{
	size_t rel;
	int64_t id;
	int rc;

	if (e->kind == NSW_WALK_DIR)
		return 0;
	rel = ref != NULL ? 0 : rel_offset(s, e);
	if (rel >= e->path_len)
		return 0; /* the root itself, when it is an error entry */
	rc = nsw_case_file_find(s->reader, s->ev.evidence_id,
				(const uint8_t *)e->path + rel,
				e->path_len - rel, &id);
	/* A JPEG a strict scan could not decode is read again when this scan
	 * hashes cut JPEGs: its record gets the PDQ. */
	if (rc == NSW_OK && s->opt->partial_images && !s->opt->no_pdq &&
	    e->kind == NSW_WALK_FILE) {
		int lacks = 0;

		rc = nsw_store__file_lacks_pdq(s->reader, id, &lacks);
		if (rc != NSW_OK)
			return rc;
		if (lacks)
			return queue_job(s, e, ref, rel, id);
	}
	if (rc == NSW_OK) {
		pthread_mutex_lock(&s->lock);
		s->skipped++;
		if (e->kind == NSW_WALK_FILE)
			s->skipped_bytes += (int64_t)e->size;
		pthread_mutex_unlock(&s->lock);
		return 0;
	}
	if (rc != NSW_ENOTFOUND)
		return rc;
	return queue_job(s, e, ref, rel, 0);
}

static int walk_entry(void *ctx, const nsw_walk_entry *e)
{
	return queue_entry(ctx, e, NULL);
}

static int image_count(void *ctx, const nsw_walk_entry *e,
		       const nsw_scan_image_ref *ref)
{
	(void)ref;
	return count_entry(ctx, e);
}

static int image_entry(void *ctx, const nsw_walk_entry *e,
		       const nsw_scan_image_ref *ref)
{
	return queue_entry(ctx, e, ref);
}

static int walker_stop(void *ctx)
{
	return is_fatal(ctx) || stop_requested(ctx);
}

static void *walker_main(void *arg)
{
	struct scan *s = arg;
	int rc, stopping;

	rc = nsw_case_open(&s->reader, s->case_path, NSW_CASE_READONLY);
	/* An image scanned before must be that image: checked before
	 * anything is recorded (else after the walk, with the workers). */
	if (rc == NSW_OK && s->ev.had_image_sha256)
		rc = nsw_scan_image__sha256(s->ev.root, s->ev.recorded_sha256,
					    s->image_sha256, &s->image_size,
					    walker_stop, s);
	s->have_image_sha256 = rc == NSW_OK && s->ev.had_image_sha256;
	/* Count first (metadata only) so progress can show a total. */
	if (rc == NSW_OK)
		rc = s->opt->image
			     ? nsw_scan_image__walk(s->ev.root, image_count, s)
			     : nsw_walk(s->ev.root, NSW_WALK_FOLLOW_ROOT,
					count_entry, s);
	if (rc == NSW_OK) {
		pthread_mutex_lock(&s->lock);
		s->files_total = s->count_files;
		s->bytes_total = s->count_bytes;
		pthread_mutex_unlock(&s->lock);
		rc = s->opt->image
			     ? nsw_scan_image__walk(s->ev.root, image_entry, s)
			     : nsw_walk(s->ev.root, NSW_WALK_FOLLOW_ROOT,
					walk_entry, s);
	}
	/* The image's own digest, while the workers hash its files. */
	if (rc == NSW_OK && s->opt->image && !s->have_image_sha256) {
		rc = nsw_scan_image__sha256(s->ev.root, NULL, s->image_sha256,
					    &s->image_size, walker_stop, s);
		s->have_image_sha256 = rc == NSW_OK;
	}
	stopping = stop_requested(s);
	if (rc != NSW_OK && !stopping && !is_fatal(s))
		set_fatal(s, rc, nsw_error_last());
	nsw_case_close(s->reader);
	s->reader = NULL;
	nsw_scan_queue__close(&s->todo);
	return NULL;
}

/* ---- Workers --------------------------------------------------------- */

static int64_t ts_ns(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

static void set_times(nsw_scan_job *job, const struct stat *st)
{
	job->mtime_ns = ts_ns(&st->st_mtim);
	job->ctime_ns = ts_ns(&st->st_ctim);
	job->atime_ns = ts_ns(&st->st_atim);
}

/* The first bytes of a file, for its media type; read-only, no atime. */
static const char *sniff_file(const char *path)
{
	uint8_t head[NSW_SCAN_SNIFF_BYTES];
	int flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW | O_NOATIME;
	int fd = open(path, flags);
	ssize_t n;

	if (fd < 0 && errno == EPERM)
		fd = open(path, flags & ~O_NOATIME);
	if (fd < 0)
		return NULL;
	n = pread(fd, head, sizeof(head), 0);
	close(fd);
	return n > 0 ? nsw_scan_media_type(head, (size_t)n) : NULL;
}

static int set_error(nsw_scan_job *job, nsw_file_status status,
		     const char *message)
{
	job->status = status;
	nsw__free(job->error);
	job->error = nsw__strdup(message != NULL ? message : "");
	return job->error != NULL
		       ? NSW_OK
		       : nsw_error_set(NSW_ENOMEM, "scan: out of memory");
}

static int hash_file(struct scan *s, nsw_hasher *h, void *mstate,
		     nsw_scan_job *job)
{
	const nsw_scan_matcher *m = s->opt->matcher;
	struct stat st;
	int rc;

	if (lstat(job->path, &st) != 0)
		return set_error(job,
				 errno == ENOENT ? NSW_FILE_VANISHED
						 : NSW_FILE_ERROR,
				 strerror(errno));
	set_times(job, &st);
	if (!S_ISREG(st.st_mode))
		return set_error(job, NSW_FILE_VANISHED,
				 "replaced by a non-regular file during the "
				 "scan");
	rc = nsw_hasher_file(h, &job->hash, job->path);
	if (rc == NSW_ENOTFOUND)
		return set_error(job, NSW_FILE_VANISHED, nsw_error_last());
	if (rc == NSW_EUNSUPPORTED)
		return set_error(job, NSW_FILE_SKIPPED_SPECIAL,
				 nsw_error_last());
	if (rc != NSW_OK)
		return set_error(job, NSW_FILE_ERROR, nsw_error_last());
	job->hashed = 1;
	job->status = NSW_FILE_OK;
	if (job->hash.decode_error != 0) {
		job->error = nsw__strdup(job->hash.decode_message);
		if (job->error == NULL)
			return nsw_error_set(NSW_ENOMEM, "scan: out of memory");
	}
	switch (job->hash.format) {
	case NSW_IMAGE_JPEG:
		job->media_type = "image/jpeg";
		break;
	case NSW_IMAGE_PNG:
		job->media_type = "image/png";
		break;
	case NSW_IMAGE_WEBP:
		job->media_type = "image/webp";
		break;
	case NSW_IMAGE_GIF:
		job->media_type = "image/gif";
		break;
	default:
		job->media_type = sniff_file(job->path);
		break;
	}
	/* A matcher failure is fatal: recording the file without its hits
	 * would let a resumed scan skip it and lose them. */
	rc = m != NULL ? m->match(m->ctx, mstate, &job->hash, &job->matches)
		       : NSW_OK;
	/* Members are queued before the archive itself (scan_archive.c). */
	if (rc == NSW_OK && !s->opt->no_archives)
		rc = nsw_scan__archive_members(job, h, m, mstate, &s->members,
					       NULL);
	return rc;
}

static int process(struct scan *s, nsw_hasher *h, void *mstate,
		   nsw_scan_image_reader **image, nsw_scan_job *job)
{
	const nsw_scan_matcher *m = s->opt->matcher;
	struct stat st;
	char target[NSW_PATH_MAX];
	ssize_t n;
	int rc;

	if (job->in_image) {
		rc = nsw_scan_image__process(image, s->ev.root, h, job);
		if (rc != NSW_OK || !job->hashed)
			return rc;
		rc = m != NULL ? m->match(m->ctx, mstate, &job->hash,
					  &job->matches)
			       : NSW_OK;
		/* Members first, through this worker's libtsk handles. */
		if (rc == NSW_OK && !s->opt->no_archives)
			rc = nsw_scan_image__archive(*image, job, h, m, mstate,
						     &s->members, NULL, NULL);
		return rc;
	}
	switch (job->kind) {
	case NSW_WALK_FILE:
		return hash_file(s, h, mstate, job);
	case NSW_WALK_SYMLINK:
		if (lstat(job->path, &st) == 0)
			set_times(job, &st);
		n = readlink(job->path, target, sizeof(target));
		if (n > 0 && (size_t)n < sizeof(target)) {
			job->link = nsw__malloc((size_t)n);
			if (job->link == NULL)
				return nsw_error_set(NSW_ENOMEM,
						     "scan: out of memory");
			memcpy(job->link, target, (size_t)n);
			job->link_len = (size_t)n;
		}
		job->status = NSW_FILE_SKIPPED_SYMLINK;
		return NSW_OK;
	case NSW_WALK_SPECIAL:
		if (lstat(job->path, &st) == 0)
			set_times(job, &st);
		job->status = NSW_FILE_SKIPPED_SPECIAL;
		return NSW_OK;
	case NSW_WALK_REVISIT:
		return set_error(job, NSW_FILE_SKIPPED_LOOP,
				 "directory already visited (loop or bind "
				 "mount): not entered again");
	default:
		/* Gone between listing and examining: it vanished. */
		return set_error(job,
				 job->walk_error == NSW_ENOTFOUND
					 ? NSW_FILE_VANISHED
					 : NSW_FILE_ERROR,
				 job->walk_message);
	}
}

static void *worker_main(void *arg)
{
	struct scan *s = arg;
	const nsw_scan_matcher *m = s->opt->matcher;
	nsw_hasher *h = NULL;
	nsw_scan_image_reader *image = NULL; /* this thread's libtsk handles */
	void *mstate = NULL;
	nsw_scan_job *job;
	int rc;

	rc = nsw_hasher_new(&h, s->algos, s->dihedral);
	if (rc == NSW_OK && s->opt->partial_images)
		rc = nsw_hasher_set_partial_images(h, 1);
	if (rc == NSW_OK && m != NULL && m->thread_init != NULL)
		rc = m->thread_init(m->ctx, &mstate);
	if (rc != NSW_OK)
		set_fatal(s, rc, nsw_error_last());
	while (rc == NSW_OK && (job = nsw_scan_queue__pop(&s->todo)) != NULL) {
		if (job->member != NULL) { /* pushes it onto done itself */
			rc = nsw_scan__member_run(job, h, m, mstate,
						  &s->members, 0);
			if (rc != NSW_OK)
				set_fatal(s, rc, nsw_error_last());
			continue;
		}
		rc = process(s, h, mstate, &image, job);
		/* Its members, if any, are all on done: idle workers may go. */
		nsw_scan_queue__job_done(&s->todo);
		if (rc != NSW_OK) {
			set_fatal(s, rc, nsw_error_last());
			nsw_scan_queue__job_free(job);
			break;
		}
		if (nsw_scan_queue__push(&s->done, job) != 0) {
			nsw_scan_queue__job_free(job);
			break;
		}
	}
	if (m != NULL && m->thread_free != NULL && mstate != NULL)
		m->thread_free(m->ctx, mstate);
	nsw_hasher_free(h);
	nsw_scan_image__reader_free(image);
	pthread_mutex_lock(&s->lock);
	if (--s->workers_left == 0)
		nsw_scan_queue__close(&s->done);
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

/* ---- Writer (the calling thread) -------------------------------------- */

struct writer {
	struct scan *s;
	nsw_case *c;
	nsw_scan_result *result;
	int64_t in_batch;
	int64_t committed; /* files committed by this invocation */
	int cancelled;
	double started, last_commit, last_progress;
};

/* Record job's matches as hits of file_id; those of the algorithms in
 * `count_algos` (NSW_ALGO_BIT) count as reported in the result. */
static int record_hits(struct writer *w, const nsw_scan_job *job,
		       int64_t file_id, unsigned count_algos)
{
	const nsw_scan_options *opt = w->s->opt;
	int64_t allow_id = 0;
	nsw_case_hit hit;
	int rc = NSW_OK;

	/* A file on any allow list suppresses its match-list hits; both are
	 * kept, so a report can show what was suppressed and why. */
	for (size_t i = 0; i < job->matches.n && allow_id == 0; i++) {
		uint32_t l = job->matches.v[i].list;

		if (l < opt->nlists &&
		    opt->lists[l].role == NSW_LIST_ROLE_ALLOW)
			allow_id = w->s->ev.list_ids[l];
	}
	for (size_t i = 0; rc == NSW_OK && i < job->matches.n; i++) {
		const nsw_scan_match *m = &job->matches.v[i];
		int allow;

		if (m->list >= opt->nlists)
			return nsw_error_set(NSW_EINVAL,
					     "scan: matcher named list %u of "
					     "%u",
					     m->list, opt->nlists);
		allow = opt->lists[m->list].role == NSW_LIST_ROLE_ALLOW;
		memset(&hit, 0, sizeof(hit));
		hit.file_id = file_id;
		hit.list_id = w->s->ev.list_ids[m->list];
		hit.entry_id = (int64_t)m->entry_id;
		hit.entry_ref = m->entry_ref;
		hit.algo = m->algo;
		hit.distance = m->distance;
		hit.dihedral = m->dihedral;
		hit.category_scheme = m->category_scheme;
		hit.category_code = m->category_code;
		hit.suppressed = !allow && allow_id != 0;
		hit.suppressed_by_list = hit.suppressed ? allow_id : 0;
		rc = nsw_case_hit_add(w->c, &hit, NULL);
		if (rc == NSW_OK && (count_algos & NSW_ALGO_BIT(m->algo)) &&
		    !allow && !hit.suppressed)
			w->result->hits++;
	}
	return rc;
}

/* A file an earlier strict scan recorded without a PDQ, read again: its
 * record gets the partial PDQ (same bytes only) and the PDQ's hits. */
static int record_retry(struct writer *w, const nsw_scan_job *job,
			const nsw_case_file *f)
{
	int updated = 0, rc;

	w->result->retried++;
	if (!job->hashed || !(f->has & NSW_CASE_HAS_PDQ))
		return NSW_OK; /* still no PDQ (under the rows minimum) */
	rc = nsw_store__file_add_pdq(w->c, job->retry_id, f, &updated);
	if (rc != NSW_OK)
		return rc;
	if (!updated) {
		w->result->retry_changed++;
		return NSW_OK;
	}
	w->result->retry_pdq_added++;
	if (f->pdq_partial)
		w->result->partial_images++;
	/* Its digest hits were recorded (and counted) by the earlier scan. */
	return record_hits(w, job, job->retry_id, NSW_ALGO_BIT(NSW_ALGO_PDQ));
}

static int record(struct writer *w, nsw_scan_job *job)
{
	const nsw_file_hash *h = &job->hash;
	nsw_case_file f;
	int64_t id = 0;
	int inserted = 0, rc;

	memset(&f, 0, sizeof(f));
	f.evidence_id = w->s->ev.evidence_id;
	f.scan_run_id = w->s->ev.run_id;
	f.path = (const uint8_t *)job->path + job->rel_off;
	f.path_len = job->path_len - job->rel_off;
	f.size = job->hashed ? (int64_t)h->size : (int64_t)job->walk_size;
	f.mtime_ns = job->mtime_ns;
	f.ctime_ns = job->ctime_ns;
	f.atime_ns = job->atime_ns;
	f.pdq_quality = -1;
	if (job->hashed) {
		/* NSW_ALGO_BIT and NSW_CASE_HAS_* are both 1 << algo. */
		f.has = h->has & (NSW_CASE_HAS_MD5 | NSW_CASE_HAS_SHA1 |
				  NSW_CASE_HAS_SHA256 | NSW_CASE_HAS_PDQ);
		memcpy(f.md5, h->digests.md5, sizeof(f.md5));
		memcpy(f.sha1, h->digests.sha1, sizeof(f.sha1));
		memcpy(f.sha256, h->digests.sha256, sizeof(f.sha256));
		if (f.has & NSW_CASE_HAS_PDQ) {
			f.pdq = h->pdq.hash;
			f.pdq_quality = h->pdq.quality;
			if (h->pdq.has_dihedral) {
				f.has_pdq_dihedral = 1;
				memcpy(f.pdq_dihedral, h->pdq.dihedral,
				       sizeof(f.pdq_dihedral));
			}
			if (h->pdq.partial) {
				f.pdq_partial = 1;
				f.pdq_rows_present = h->pdq.rows_present;
				f.pdq_rows = h->pdq.height;
			}
		}
	}
	f.display_path = job->display; /* archive members; else NULL */
	f.media_type = job->media_type;
	f.status = (nsw_file_status)job->status;
	f.error = job->error;
	f.link_target = job->link;
	f.link_target_len = job->link_len;
	f.in_image = job->in_image;
	f.meta_addr = job->meta_addr;
	f.deleted = job->deleted;
	f.crtime_ns = job->crtime_ns;
	if (job->retry_id > 0)
		return record_retry(w, job, &f);
	rc = nsw_case_file_add(w->c, &f, &id, &inserted);
	if (rc == NSW_OK && job->container)
		rc = nsw_store__files_link_members(w->c, f.evidence_id, id,
						   f.path, f.path_len);
	if (rc != NSW_OK)
		return rc;
	if (!inserted)
		return NSW_OK; /* recorded before: keep the first record */
	w->result->files++;
	if (job->hashed)
		w->result->bytes += (int64_t)h->size;
	if (f.pdq_partial)
		w->result->partial_images++;
	if (job->deleted)
		w->result->deleted++;
	if (job->status == NSW_FILE_ERROR || job->status == NSW_FILE_VANISHED)
		w->result->errors++;
	else if (job->status != NSW_FILE_OK)
		w->result->skipped++;
	return record_hits(w, job, id, ~0u);
}

/* ---- Re-matching files recorded by earlier runs ------------------------ */

struct rematch {
	struct writer *w;
	void *mstate;
	nsw_scan_job job; /* only .matches is used */
	int64_t files;
};

static int rematch_file(void *ctx, const nsw_case_file *f)
{
	struct rematch *r = ctx;
	const nsw_scan_matcher *m = r->w->s->opt->matcher;
	nsw_file_hash h;
	int rc;

	memset(&h, 0, sizeof(h));
	h.size = f->size >= 0 ? (uint64_t)f->size : 0;
	/* NSW_CASE_HAS_* and NSW_ALGO_BIT are both 1 << algo. */
	h.has = f->has;
	h.digests.has = f->has & NSW_DIGESTS_ALL;
	memcpy(h.digests.md5, f->md5, sizeof(h.digests.md5));
	memcpy(h.digests.sha1, f->sha1, sizeof(h.digests.sha1));
	memcpy(h.digests.sha256, f->sha256, sizeof(h.digests.sha256));
	if (f->has & NSW_CASE_HAS_PDQ) {
		h.pdq.hash = f->pdq;
		h.pdq.quality = f->pdq_quality;
		if (f->has_pdq_dihedral) {
			memcpy(h.pdq.dihedral, f->pdq_dihedral,
			       sizeof(h.pdq.dihedral));
			h.pdq.has_dihedral = 1;
		}
		if (f->pdq_partial) {
			h.pdq.partial = 1;
			h.pdq.rows_present = f->pdq_rows_present;
			h.pdq.height = f->pdq_rows;
		}
	}
	r->job.matches.n = 0;
	rc = m->match(m->ctx, r->mstate, &h, &r->job.matches);
	if (rc == NSW_OK && r->job.matches.n > 0)
		rc = record_hits(r->w, &r->job, f->id, 0u);
	r->files++;
	return rc;
}

/*
 * A scan that is not the first over this evidence skips recorded paths;
 * match those files' stored digests (and PDQ variants) against this run's
 * lists instead, so new lists find them without re-reading the evidence.
 * Hits already recorded are kept once (UNIQUE), so this is idempotent.
 */
static int rematch_recorded(struct writer *w)
{
	const nsw_scan_matcher *m = w->s->opt->matcher;
	struct rematch r;
	char detail[128];
	int rc;

	if (m == NULL)
		return NSW_OK;
	memset(&r, 0, sizeof(r));
	r.w = w;
	rc = m->thread_init != NULL ? m->thread_init(m->ctx, &r.mstate)
				    : NSW_OK;
	rc = rc ? rc : nsw_case_begin(w->c);
	if (rc == NSW_OK) {
		rc = nsw_store__files_foreach_ok(w->c, w->s->ev.evidence_id,
						 w->s->ev.run_id, rematch_file,
						 &r);
		if (rc == NSW_OK && r.files > 0) {
			snprintf(detail, sizeof(detail),
				 "{\"run\":%lld,\"files\":%lld}",
				 (long long)w->s->ev.run_id,
				 (long long)r.files);
			rc = nsw_case_audit_append(w->c, "scan.rematch",
						   detail);
		}
		if (rc == NSW_OK)
			rc = nsw_case_commit(w->c);
		else
			nsw_case_rollback(w->c);
	}
	if (m->thread_free != NULL && r.mstate != NULL)
		m->thread_free(m->ctx, r.mstate);
	nsw__free(r.job.matches.v);
	w->result->rematched = r.files;
	return rc;
}

static void report_progress(struct writer *w, int final)
{
	const nsw_scan_options *opt = w->s->opt;
	struct scan *s = w->s;
	nsw_scan_progress p;

	if (opt->progress == NULL)
		return;
	memset(&p, 0, sizeof(p));
	pthread_mutex_lock(&s->lock);
	p.files_total = s->files_total;
	p.bytes_total = s->bytes_total;
	p.files_skipped = s->skipped;
	p.files_done = s->skipped + w->result->files + w->result->retried;
	p.bytes_done = s->skipped_bytes + w->result->bytes;
	pthread_mutex_unlock(&s->lock);
	p.hits = w->result->hits;
	p.errors = w->result->errors;
	p.elapsed = now_seconds() - w->started;
	p.final = final;
	opt->progress(opt->progress_ctx, &p);
}

static int commit_batch(struct writer *w)
{
	const nsw_scan_options *opt = w->s->opt;
	int rc;

	if (w->in_batch == 0)
		return NSW_OK;
	rc = nsw_case_commit(w->c);
	if (rc != NSW_OK)
		return rc;
	w->committed += w->in_batch;
	w->in_batch = 0;
	w->last_commit = now_seconds();
	if (opt->test_kill_after > 0 && w->committed >= opt->test_kill_after)
		raise(SIGKILL); /* tests: die as kill -9 would, mid-scan */
	return NSW_OK;
}

static int write_results(struct writer *w)
{
	const nsw_scan_options *opt = w->s->opt;
	int batch_files =
		opt->batch_files > 0 ? opt->batch_files : NSW_SCAN_BATCH_FILES;
	double batch_s =
		(opt->batch_ms > 0 ? opt->batch_ms : NSW_SCAN_BATCH_MS) /
		1000.0;
	nsw_scan_job *job;
	int rc = NSW_OK, timed_out = 0;

	for (;;) {
		if (opt->cancel != NULL && *opt->cancel) {
			/* Keep what is recorded; stop the other threads. */
			rc = commit_batch(w);
			w->cancelled = 1;
			pthread_mutex_lock(&w->s->lock);
			w->s->stopping = 1;
			pthread_mutex_unlock(&w->s->lock);
			nsw_scan_queue__cancel(&w->s->todo);
			nsw_scan_queue__cancel(&w->s->done);
			return rc;
		}
		job = nsw_scan_queue__pop_wait(&w->s->done, 250, &timed_out);
		if (job == NULL && !timed_out)
			break; /* all workers done, or cancelled */
		if (job != NULL) {
			if (w->in_batch == 0)
				rc = nsw_case_begin(w->c);
			rc = rc ? rc : record(w, job);
			nsw_scan_queue__job_free(job);
			if (rc != NSW_OK)
				return rc;
			w->in_batch++;
		}
		if (w->in_batch >= batch_files ||
		    (w->in_batch > 0 &&
		     now_seconds() - w->last_commit >= batch_s))
			rc = commit_batch(w);
		if (rc != NSW_OK)
			return rc;
		if (now_seconds() - w->last_progress >= 0.5) {
			report_progress(w, 0);
			w->last_progress = now_seconds();
		}
	}
	return commit_batch(w);
}

static int online_cores(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (int)n : 1;
}

/* Start the threads, write until they finish, join them. */
static int run_pipeline(struct scan *s, struct writer *w, int threads)
{
	pthread_t walker, *workers = NULL;
	int started = 0, walker_started = 0, rc = NSW_OK;

	workers = nsw__calloc((size_t)threads, sizeof(*workers));
	if (workers == NULL)
		return nsw_error_set(NSW_ENOMEM, "scan: out of memory");
	s->workers_left = threads;
	for (int i = 0; i < threads; i++) {
		if (pthread_create(&workers[i], NULL, worker_main, s) != 0) {
			rc = nsw_error_set(NSW_ERROR, "scan: cannot start "
						      "a worker thread");
			break;
		}
		started++;
	}
	if (started < threads) {
		pthread_mutex_lock(&s->lock);
		s->workers_left -= threads - started;
		if (s->workers_left == 0)
			nsw_scan_queue__close(&s->done);
		pthread_mutex_unlock(&s->lock);
		set_fatal(s, rc, nsw_error_last());
	} else if (pthread_create(&walker, NULL, walker_main, s) != 0) {
		rc = nsw_error_set(NSW_ERROR, "scan: cannot start the walker");
		set_fatal(s, rc, nsw_error_last());
	} else {
		walker_started = 1;
	}
	if (rc == NSW_OK) {
		rc = write_results(w);
		if (rc != NSW_OK)
			set_fatal(s, rc, nsw_error_last());
	}
	if (!walker_started)
		nsw_scan_queue__close(&s->todo);
	if (walker_started)
		pthread_join(walker, NULL);
	for (int i = 0; i < started; i++)
		pthread_join(workers[i], NULL);
	nsw__free(workers);
	nsw_scan_queue__job_free(nsw_scan_queue__drain(&s->todo));
	nsw_scan_queue__job_free(nsw_scan_queue__drain(&s->done));
	if (s->fatal != 0)
		return nsw_error_set(s->fatal, "%s", s->fatal_message);
	return rc;
}

int nsw_scan_run(const char *case_path, const nsw_scan_options *opt,
		 nsw_scan_result *result)
{
	struct scan s;
	struct writer w;
	nsw_case *c = NULL;
	int threads, rc, queues = 0;

	if (result == NULL || opt == NULL || case_path == NULL ||
	    opt->evidence_path == NULL || opt->label == NULL ||
	    (opt->nlists > 0 && opt->lists == NULL) ||
	    opt->nlists > NSW_SCAN_LISTS_MAX)
		return nsw_error_set(NSW_EINVAL, "scan: bad options");
	memset(result, 0, sizeof(*result));
	memset(&s, 0, sizeof(s));
	memset(&w, 0, sizeof(w));
	s.opt = opt;
	s.ev.opt = opt;
	s.case_path = case_path;
	threads = opt->threads > 0 ? opt->threads : online_cores();
	if (threads > NSW_SCAN_THREADS_MAX)
		threads = NSW_SCAN_THREADS_MAX;
	s.algos = NSW_DIGESTS_ALL |
		  (opt->no_pdq ? 0 : NSW_ALGO_BIT(NSW_ALGO_PDQ));
	/* Variants are kept in the case, so later lists match rotated and
	 * mirrored copies without re-reading the evidence. */
	s.dihedral = !opt->no_pdq;
	if (pthread_mutex_init(&s.lock, NULL) != 0)
		return nsw_error_set(NSW_ENOMEM, "scan: cannot make a mutex");
	s.ev.list_ids = nsw__calloc(opt->nlists + 1, sizeof(*s.ev.list_ids));
	if (s.ev.list_ids == NULL) {
		rc = nsw_error_set(NSW_ENOMEM, "scan: out of memory");
		goto done;
	}
	rc = nsw_scan__check_paths(&s.ev, case_path);
	rc = rc ? rc : nsw_case_open(&c, case_path, 0);
	rc = rc ? rc : nsw_scan__start_run(&s.ev, c, result);
	rc = rc ? rc : nsw_scan_queue__init(&s.todo, (size_t)threads * 4 + 8);
	if (rc != NSW_OK)
		goto done;
	rc = nsw_scan_queue__init(&s.done, (size_t)threads * 4 + 8);
	if (rc != NSW_OK) {
		nsw_scan_queue__destroy(&s.todo);
		goto done;
	}
	queues = 1;
	s.members.todo = &s.todo;
	s.members.done = &s.done;
	s.members.inflight_max =
		opt->test_member_inflight > 0
			? (uint64_t)opt->test_member_inflight
			: (opt->test_member_inflight < 0
				   ? 0
				   : NSW_SCAN_MEMBER_INFLIGHT_MAX);
	s.members.hook = opt->test_member_hook;
	s.members.hook_ctx = opt->test_member_ctx;
	w.s = &s;
	w.c = c;
	w.result = result;
	w.started = w.last_commit = w.last_progress = now_seconds();
	rc = rematch_recorded(&w);
	rc = rc ? rc : run_pipeline(&s, &w, threads);
	if (rc != NSW_OK) {
		nsw_case_rollback(c);
		/* The run stays "running": the same command resumes it. */
		goto done;
	}
	result->files_skipped = s.skipped;
	result->stopped = w.cancelled;
	rc = nsw_case_scan_set_totals(c, s.ev.run_id, s.files_total,
				      s.bytes_total);
	if (rc == NSW_OK && s.have_image_sha256)
		rc = nsw_case_evidence_set_image_hash(
			c, s.ev.evidence_id, s.image_sha256, s.image_size);
	if (w.cancelled) {
		rc = rc ? rc
			: nsw_case_scan_finish(c, s.ev.run_id,
					       NSW_SCAN_STOPPED);
	} else {
		rc = rc ? rc
			: nsw_case_scan_finish(c, s.ev.run_id, NSW_SCAN_DONE);
		rc = rc ? rc : nsw_scan__store_manifest(c, s.ev.evidence_id);
	}
	result->seconds = now_seconds() - w.started;
	report_progress(&w, 1);
done:
	if (queues) {
		nsw_scan_queue__destroy(&s.todo);
		nsw_scan_queue__destroy(&s.done);
	}
	nsw_case_close(c);
	nsw__free(s.ev.list_ids);
	free(s.ev.root); /* from realpath(): libc memory */
	pthread_mutex_destroy(&s.lock);
	return rc;
}
