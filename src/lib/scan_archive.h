/* SPDX-License-Identifier: Apache-2.0 */
/* Library-internal: the scan's descent into archives (scan_archive.c). */
#ifndef NSW_LIB_SCAN_ARCHIVE_H
#define NSW_LIB_SCAN_ARCHIVE_H

#include "archive_reader.h"
#include "scan_queue.h"

/*
 * Where a top-level archive's bytes come from when it is not a file on the
 * device (a file inside a disk image): `open` starts a new read of the
 * file of `job` from its first byte (*file, released with `close`), and
 * `read` reads on, `seek` (NULL: cannot) moves. An archive is opened once
 * per nesting level, so several reads of one file may be open at once.
 * Errors: NSW_E* with the message. Without `seek` the archive is a stream:
 * formats that must seek (7z, a zip readable only from its central
 * directory) are reported unreadable.
 */
typedef struct nsw_scan__archive_source {
	int (*open)(void *ctx, const nsw_scan_job *job, void **file);
	nsw_archive_read_fn read;
	nsw_archive_seek_fn seek; /* NULL: a stream */
	void (*close)(void *file);
	void *ctx;
} nsw_scan__archive_source;

/*
 * Where the members of an archive go (docs/scan.md "Archives"): `done`,
 * the writer's queue, and, for members read into memory to be hashed by
 * any worker, `todo` (the workers' queue; see scan_queue.h). `inflight_max`
 * bounds the bytes of buffered members at once in the whole scan; 0: no
 * buffering, the reading worker hashes every member itself. `hook` (tests,
 * may be NULL) is called on the thread hashing a buffered member, with the
 * most bytes ever in flight.
 */
typedef struct nsw_scan__members {
	nsw_scan_queue *todo, *done;
	uint64_t inflight_max;
	void (*hook)(void *ctx, uint64_t peak);
	void *hook_ctx;
} nsw_scan__members;

/*
 * When the hashed file of `job` is an archive (by content), hash every
 * member (and members of nested archives) with `h` or, for members of the
 * top archive up to NSW_SCAN_MEMBER_BUFFER_MAX, from memory on any worker
 * (nsw_scan__member_run()), match each with `m` (may be NULL) and push one
 * job per member onto par->done before this returns, so `job` itself,
 * pushed by the caller, is committed after all of its members. Problems
 * with the archive (corrupt, a cap reached) are noted in job->error;
 * problems with a member are in that member's job. If the queues are
 * cancelled the descent stops quietly (the caller's push then fails).
 * `src` (borrowed) reads the file; NULL: job->path is a file on the device.
 * @return 0; NSW_ENOMEM, or the matcher's error (fatal for the scan).
 */
int nsw_scan__archive_members(nsw_scan_job *job, nsw_hasher *h,
			      const nsw_scan_matcher *m, void *mstate,
			      const nsw_scan__members *par,
			      const nsw_scan__archive_source *src);

/*
 * Hash a member job (job->member set, from the todo queue) from memory
 * with this worker's `h` and `mstate`, push it onto par->done (dropped
 * instead when `drop` or on error) and count it done for its archive.
 * @return 0; NSW_ENOMEM, or the matcher's error (fatal for the scan).
 */
int nsw_scan__member_run(nsw_scan_job *job, nsw_hasher *h,
			 const nsw_scan_matcher *m, void *mstate,
			 const nsw_scan__members *par, int drop);

/* Takes one member's job (owned: free with nsw_scan_queue__job_free).
 * @return 0 go on, 1 stop quietly, or a fatal NSW_E* (returned as is). */
typedef int (*nsw_scan__member_fn)(void *ctx, nsw_scan_job *job);

/*
 * Read the members of `job`'s file again, as nsw_scan__archive_members()
 * does (same paths, same caps, nested archives too), without matching,
 * handing each member's job to `fn` (verify compares it with its record).
 * `job` needs path, path_len, rel_off, hashed = 1 and status NSW_FILE_OK;
 * its display and error may be set (free them). `src` as above.
 * @return 0; NSW_ENOMEM or fn's fatal error.
 */
int nsw_scan__archive_reread(nsw_scan_job *job, nsw_hasher *h,
			     nsw_scan__member_fn fn, void *ctx,
			     const nsw_scan__archive_source *src);

#endif
