/* SPDX-License-Identifier: Apache-2.0 */
/* Library-internal: the bounded job queue between the scan's threads. */
#ifndef NSW_LIB_SCAN_QUEUE_H
#define NSW_LIB_SCAN_QUEUE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "netsweep/hasher.h"
#include "netsweep/scan.h"

/* An archive member read into memory by the worker reading its archive,
 * to be hashed by any worker (scan_archive.c). */
typedef struct nsw_scan_member {
	uint8_t *data;
	size_t len;
	int64_t size_hint; /* the member's declared size, as for streaming */
	uint64_t reserved; /* bytes counted in flight for it */
	/* The archive's members not yet on the done queue; guarded by the
	 * todo queue's lock, lives with the reading worker, which waits for
	 * it to reach 0 before its archive's job goes on. */
	size_t *outstanding;
} nsw_scan_member;

struct nsw_scan_matches {
	nsw_scan_match *v;
	size_t n, cap;
};

/* One walked entry on its way from the walker, through a worker, to the
 * writer. Everything is owned by the job. */
typedef struct nsw_scan_job {
	struct nsw_scan_job *next;
	char *path; /* absolute path, NUL-terminated */
	size_t path_len;
	size_t rel_off; /* where the evidence-relative path starts */
	int kind;	/* nsw_walk_kind */
	unsigned walk_flags;
	uint64_t walk_size;
	char *walk_message; /* NSW_WALK_ERROR: why */
	int walk_error;	    /* NSW_WALK_ERROR: the NSW_E* code */
	/* Filled by the worker. */
	int status; /* nsw_file_status */
	char *error;
	int64_t mtime_ns, ctime_ns, atime_ns;
	const char *media_type; /* static string or NULL */
	uint8_t *link;		/* symlink target */
	size_t link_len;
	/* Disk-image entries (scan_image.c): where the entry lives in the
	 * image. in_image 0 for directory and file evidence. */
	int in_image;
	unsigned image_fs;
	uint64_t meta_addr;
	int deleted;
	int64_t crtime_ns;
	int hashed; /* hash below is valid */
	/* > 0: the file's record (an earlier strict scan's, without a PDQ)
	 * that this --partial-images scan read again to add the PDQ. */
	int64_t retry_id;
	/* An archive member (scan_archive.c): its display form (the raw path
	 * above holds a NUL before each member name), and whether this job
	 * is an archive whose members were queued before it. */
	char *display;
	int container;
	nsw_file_hash hash;
	struct nsw_scan_matches matches;
	nsw_scan_member *member; /* non-NULL: a buffered member to hash */
} nsw_scan_job;

/* FIFO of jobs with a fixed capacity: push blocks while full, pop while
 * empty. close() ends the stream; cancel() also wakes and fails pushes.
 *
 * The todo queue also carries buffered archive members (member jobs): they
 * go on a second list that pop() serves first, outside the capacity (a
 * worker pushing onto a full queue that only workers drain would wait for
 * itself), bounded instead by their bytes in flight (member_bytes). */
typedef struct nsw_scan_queue {
	pthread_mutex_t lock;
	pthread_cond_t not_empty, not_full;
	struct nsw_scan_job *head, *tail;
	size_t count, cap;
	int closed;    /* no more pushes: pops drain then return NULL */
	int cancelled; /* stop now: pushes fail, pops return NULL */
	struct nsw_scan_job *members, *members_tail; /* member jobs */
	uint64_t member_bytes, member_peak; /* in flight now, at most */
	size_t busy; /* jobs popped, not yet job_done(): may add members */
	pthread_cond_t members_moved; /* a member job queued or done */
} nsw_scan_queue;

int nsw_scan_queue__init(nsw_scan_queue *q, size_t cap);
void nsw_scan_queue__destroy(nsw_scan_queue *q);
/* 0, or -1 when the queue was cancelled (the job is not taken). */
int nsw_scan_queue__push(nsw_scan_queue *q, struct nsw_scan_job *job);
/* The next job (member jobs first), or NULL when cancelled, or closed and
 * empty with no popped job still busy (an archive being read queues
 * members after close(): idle workers stay to hash them). Call job_done()
 * once a job that is not a member job is processed. */
struct nsw_scan_job *nsw_scan_queue__pop(nsw_scan_queue *q);
void nsw_scan_queue__job_done(nsw_scan_queue *q);
/* As pop, but waits at most `ms` milliseconds; *timed_out set then. */
struct nsw_scan_job *nsw_scan_queue__pop_wait(nsw_scan_queue *q, int ms,
					      int *timed_out);
void nsw_scan_queue__close(nsw_scan_queue *q);

/*
 * Member jobs (see above). reserve() counts `bytes` in flight once they fit
 * under `max` (always when nothing is in flight): 0 reserved; 1 not yet,
 * *help is a queued member job the caller runs before asking again (so a
 * reading worker never waits for work only it could do); -1 cancelled.
 */
int nsw_scan_queue__reserve(nsw_scan_queue *q, uint64_t bytes, uint64_t max,
			    struct nsw_scan_job **help);
/* Queue a member job (job->member set, bytes reserved) and count it in
 * *job->member->outstanding; never blocks, never fails. */
void nsw_scan_queue__push_member(nsw_scan_queue *q, struct nsw_scan_job *job);
/* A member job is on the done queue (or dropped): release its `bytes` and
 * count it out of *outstanding (NULL: bytes only). */
void nsw_scan_queue__member_done(nsw_scan_queue *q, size_t *outstanding,
				 uint64_t bytes);
/* Wait for *outstanding to reach 0: NULL then; else a queued member job
 * (any archive's) for the caller to run meanwhile. Works when cancelled. */
struct nsw_scan_job *nsw_scan_queue__members_wait(nsw_scan_queue *q,
						  size_t *outstanding);
/* The most member bytes ever in flight (tests). */
uint64_t nsw_scan_queue__member_peak(nsw_scan_queue *q);
void nsw_scan_queue__cancel(nsw_scan_queue *q);
/* Free a list of jobs and all they own; NULL is a no-op. */
void nsw_scan_queue__job_free(struct nsw_scan_job *job);
/* Remove and return every queued job as a list (for freeing). */
struct nsw_scan_job *nsw_scan_queue__drain(nsw_scan_queue *q);

#endif
