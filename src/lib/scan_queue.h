/* SPDX-License-Identifier: Apache-2.0 */
/* Library-internal: the bounded job queue between the scan's threads. */
#ifndef NSW_LIB_SCAN_QUEUE_H
#define NSW_LIB_SCAN_QUEUE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "netsweep/hasher.h"
#include "netsweep/scan.h"

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
	/* An archive member (scan_archive.c): its display form (the raw path
	 * above holds a NUL before each member name), and whether this job
	 * is an archive whose members were queued before it. */
	char *display;
	int container;
	nsw_file_hash hash;
	struct nsw_scan_matches matches;
} nsw_scan_job;

/* FIFO of jobs with a fixed capacity: push blocks while full, pop while
 * empty. close() ends the stream; cancel() also wakes and fails pushes. */
typedef struct nsw_scan_queue {
	pthread_mutex_t lock;
	pthread_cond_t not_empty, not_full;
	struct nsw_scan_job *head, *tail;
	size_t count, cap;
	int closed;    /* no more pushes: pops drain then return NULL */
	int cancelled; /* stop now: pushes fail, pops return NULL */
} nsw_scan_queue;

int nsw_scan_queue__init(nsw_scan_queue *q, size_t cap);
void nsw_scan_queue__destroy(nsw_scan_queue *q);
/* 0, or -1 when the queue was cancelled (the job is not taken). */
int nsw_scan_queue__push(nsw_scan_queue *q, struct nsw_scan_job *job);
/* The next job, or NULL when closed and empty, or cancelled. */
struct nsw_scan_job *nsw_scan_queue__pop(nsw_scan_queue *q);
/* As pop, but waits at most `ms` milliseconds; *timed_out set then. */
struct nsw_scan_job *nsw_scan_queue__pop_wait(nsw_scan_queue *q, int ms,
					      int *timed_out);
void nsw_scan_queue__close(nsw_scan_queue *q);
void nsw_scan_queue__cancel(nsw_scan_queue *q);
/* Free a list of jobs and all they own; NULL is a no-op. */
void nsw_scan_queue__job_free(struct nsw_scan_job *job);
/* Remove and return every queued job as a list (for freeing). */
struct nsw_scan_job *nsw_scan_queue__drain(nsw_scan_queue *q);

#endif
