/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Library-internal: the device scan's disk-image evidence (scan_image.c).
 * The walker lists an image's files as walk entries with their metadata
 * address; each worker reads them through its own libtsk handles.
 */
#ifndef NSW_LIB_SCAN_IMAGE_H
#define NSW_LIB_SCAN_IMAGE_H

#include <stdint.h>

#include "netsweep/hasher.h"
#include "netsweep/walk.h"
#include "scan_archive.h"
#include "scan_queue.h"

/* Where an entry of an image lives, besides its recorded path. */
typedef struct nsw_scan_image_ref {
	unsigned fs;	    /* file system index in the image */
	uint64_t meta_addr; /* inode / metadata address */
	int deleted;
	int64_t mtime_ns, atime_ns, ctime_ns, crtime_ns;
	const char *link; /* symlink target when known, else NULL */
	size_t link_len;
} nsw_scan_image_ref;

/* Called for every entry; e->path is the recorded path ("p1/DCIM/x.jpg")
 * and e->name_offset 0 (the whole path is evidence-relative). */
typedef int (*nsw_scan_image_fn)(void *ctx, const nsw_walk_entry *e,
				 const nsw_scan_image_ref *ref);

/*
 * Open the image at `path` (borrowed, read-only) and report every entry of
 * every file system to `fn`, problems as NSW_WALK_ERROR entries.
 * @return 0, fn's code, or the image's open error (NSW_EFORMAT naming it)
 */
int nsw_scan_image__walk(const char *path, nsw_scan_image_fn fn, void *ctx);

/* Put `ref` into a new job (copies the link target). 0 or NSW_ENOMEM. */
int nsw_scan_image__job_init(nsw_scan_job *job, const nsw_scan_image_ref *ref);

/*
 * SHA-256 of the image's media bytes, read once in NSW_READ_CHUNK pieces;
 * `stop` (may be NULL) is polled between pieces and a non-zero return ends
 * the read with NSW_ERROR. *size the media size. With `expected` (the
 * digest a case recorded), a different digest is NSW_EINVAL naming both.
 */
int nsw_scan_image__sha256(const char *path, const uint8_t *expected,
			   uint8_t sha256[32], int64_t *size,
			   int (*stop)(void *ctx), void *ctx);

/* One worker's own libtsk handles (they are not shared across threads). */
typedef struct nsw_scan_image_reader nsw_scan_image_reader;

/*
 * Examine the image entry `job` (job->in_image): hash a file with `h`,
 * mark links and special files skipped, record problems; opening the
 * worker's handles on first use (*reader, freed with
 * nsw_scan_image__reader_free). Per-file problems (unrecoverable deleted
 * file, read error) set job->status and job->error and return 0.
 * @return 0, NSW_ENOMEM, or the image's open error (the scan stops)
 */
int nsw_scan_image__process(nsw_scan_image_reader **reader, const char *path,
			    nsw_hasher *h, nsw_scan_job *job);

void nsw_scan_image__reader_free(nsw_scan_image_reader *r);

/*
 * When the image file of `job`, just hashed by nsw_scan_image__process()
 * with `reader`, is an archive, read its members through `reader`'s libtsk
 * handles as nsw_scan__archive_members() reads a device file's (members
 * on par->done before `job`; buffered ones hashed by any worker, from
 * memory, with no libtsk handle), or, with `fn` set, as
 * nsw_scan__archive_reread() does for verify (m, mstate, par unused).
 * A job that was not hashed is left alone.
 * @return 0; NSW_ENOMEM, or the matcher's or fn's fatal error.
 */
int nsw_scan_image__archive(nsw_scan_image_reader *reader, nsw_scan_job *job,
			    nsw_hasher *h, const nsw_scan_matcher *m,
			    void *mstate, const nsw_scan__members *par,
			    nsw_scan__member_fn fn, void *ctx);

#endif
