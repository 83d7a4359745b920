/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Disk-image evidence for the device scan: turns an image's file-system
 * entries into walk entries for the scan's walker, hashes them on worker
 * threads through each worker's own libtsk handles (nothing is extracted
 * to disk), and digests the image's media bytes for the case.
 */
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "diskimage.h"
#include "error.h"
#include "limits.h"
#include "netsweep/digest.h"
#include "netsweep/scan.h"
#include "scan_archive.h"
#include "scan_image.h"

struct walk_bridge {
	nsw_scan_image_fn fn;
	void *ctx;
};

static int bridge_entry(void *ctx, const nsw_diskimage_entry *d)
{
	struct walk_bridge *b = ctx;
	nsw_scan_image_ref ref;
	nsw_walk_entry e;

	memset(&e, 0, sizeof(e));
	memset(&ref, 0, sizeof(ref));
	e.path = d->path;
	e.path_len = d->path_len;
	e.name_offset = d->name_offset;
	e.depth = 1;
	e.size = d->size > 0 ? (uint64_t)d->size : 0;
	e.ino = d->meta_addr;
	e.mtime = d->mtime_ns != INT64_MIN ? d->mtime_ns / 1000000000LL : 0;
	if (!nsw_utf8_valid(d->path, d->path_len))
		e.flags |= NSW_WALK_NOT_UTF8;
	switch (d->kind) {
	case NSW_DISKIMAGE_FILE:
		e.kind = NSW_WALK_FILE;
		break;
	case NSW_DISKIMAGE_SYMLINK:
		e.kind = NSW_WALK_SYMLINK;
		break;
	case NSW_DISKIMAGE_SPECIAL:
		e.kind = NSW_WALK_SPECIAL;
		break;
	default:
		e.kind = NSW_WALK_ERROR;
		e.error = d->error != 0 ? d->error : NSW_EFORMAT;
		e.message = d->message;
		break;
	}
	ref.fs = d->fs;
	ref.meta_addr = d->meta_addr;
	ref.deleted = d->deleted;
	ref.mtime_ns = d->mtime_ns;
	ref.atime_ns = d->atime_ns;
	ref.ctime_ns = d->ctime_ns;
	ref.crtime_ns = d->crtime_ns;
	if (d->link != NULL) {
		ref.link = d->link;
		ref.link_len = strnlen(d->link, NSW_PATH_MAX);
	}
	return b->fn(b->ctx, &e, &ref);
}

int nsw_scan_image__walk(const char *path, nsw_scan_image_fn fn, void *ctx)
{
	struct walk_bridge b = {fn, ctx};
	nsw_diskimage *img = NULL;
	int rc = nsw_diskimage_open(&img, path);

	rc = rc ? rc : nsw_diskimage_walk(img, bridge_entry, &b);
	nsw_diskimage_close(img);
	return rc;
}

int nsw_scan_image__job_init(nsw_scan_job *job, const nsw_scan_image_ref *ref)
{
	job->in_image = 1;
	job->image_fs = ref->fs;
	job->meta_addr = ref->meta_addr;
	job->deleted = ref->deleted;
	job->mtime_ns = ref->mtime_ns;
	job->atime_ns = ref->atime_ns;
	job->ctime_ns = ref->ctime_ns;
	job->crtime_ns = ref->crtime_ns;
	if (ref->link == NULL || ref->link_len == 0)
		return NSW_OK;
	job->link = nsw__malloc(ref->link_len);
	if (job->link == NULL)
		return nsw_error_set(NSW_ENOMEM, "scan: out of memory");
	memcpy(job->link, ref->link, ref->link_len);
	job->link_len = ref->link_len;
	return NSW_OK;
}

int nsw_scan_image__sha256(const char *path, const uint8_t *expected,
			   uint8_t sha256[32], int64_t *size,
			   int (*stop)(void *ctx), void *ctx)
{
	char now[65], was[65];
	nsw_diskimage *img = NULL;
	nsw_digest *d = NULL;
	nsw_digests out;
	uint8_t *buf = NULL;
	int64_t off = 0;
	size_t got = 0;
	int rc;

	*size = -1;
	rc = nsw_diskimage_open(&img, path);
	rc = rc ? rc : nsw_digest_new(&d, NSW_ALGO_BIT(NSW_ALGO_SHA256));
	if (rc == NSW_OK) {
		buf = nsw__malloc(NSW_READ_CHUNK);
		if (buf == NULL)
			rc = nsw_error_set(NSW_ENOMEM, "scan: out of memory");
	}
	while (rc == NSW_OK) {
		if (stop != NULL && stop(ctx)) {
			rc = nsw_error_set(NSW_ERROR, "%s: digest stopped",
					   path);
			break;
		}
		rc = nsw_diskimage_read(img, off, buf, NSW_READ_CHUNK, &got);
		if (rc != NSW_OK || got == 0)
			break;
		rc = nsw_digest_update(d, buf, got);
		off += (int64_t)got;
	}
	if (rc == NSW_OK && off != nsw_diskimage_size(img))
		rc = nsw_error_set(NSW_EIO, "%s: read %lld of %lld bytes", path,
				   (long long)off,
				   (long long)nsw_diskimage_size(img));
	rc = rc ? rc : nsw_digest_final(d, &out);
	if (rc == NSW_OK) {
		memcpy(sha256, out.sha256, 32);
		*size = off;
	}
	if (rc == NSW_OK && expected != NULL &&
	    memcmp(expected, sha256, 32) != 0) {
		nsw_hex_encode(now, sha256, 32);
		nsw_hex_encode(was, expected, 32);
		rc = nsw_error_set(NSW_EINVAL,
				   "%s: image SHA-256 %s, but the case "
				   "recorded %s for this label: not the image "
				   "scanned before",
				   path, now, was);
	}
	nsw__free(buf);
	nsw_digest_free(d);
	nsw_diskimage_close(img);
	return rc;
}

/* ---- Workers ------------------------------------------------------------ */

struct nsw_scan_image_reader {
	nsw_diskimage *img;
};

/* Reads one file for nsw_hasher_stream(), keeping its first bytes for the
 * media type. */
struct file_reader {
	nsw_diskimage_file *file;
	uint8_t head[NSW_SCAN_SNIFF_BYTES];
	size_t head_len;
};

static int read_file(void *ctx, uint8_t *buf, size_t cap, size_t *got)
{
	struct file_reader *r = ctx;
	int rc = nsw_diskimage_file_read(r->file, buf, cap, got);

	if (rc == NSW_OK && r->head_len < sizeof(r->head)) {
		size_t n = sizeof(r->head) - r->head_len;

		if (n > *got)
			n = *got;
		memcpy(r->head + r->head_len, buf, n);
		r->head_len += n;
	}
	return rc;
}

static int set_status(nsw_scan_job *job, nsw_file_status status,
		      const char *message)
{
	job->status = status;
	if (message == NULL)
		return NSW_OK;
	nsw__free(job->error);
	job->error = nsw__strdup(message);
	return job->error != NULL
		       ? NSW_OK
		       : nsw_error_set(NSW_ENOMEM, "scan: out of memory");
}

static int hash_entry(nsw_scan_image_reader *r, const char *path, nsw_hasher *h,
		      nsw_scan_job *job)
{
	struct file_reader fr;
	char name[NSW_PATH_MAX + 64];
	int rc;

	memset(&fr, 0, sizeof(fr));
	rc = nsw_diskimage_open_file(&fr.file, r->img, job->image_fs,
				     job->meta_addr);
	if (rc == NSW_ENOMEM)
		return rc;
	if (rc != NSW_OK)
		return set_status(job, NSW_FILE_ERROR, nsw_error_last());
	/* Messages name the image and the entry, as the hasher prefixes. */
	snprintf(name, sizeof(name), "%s:%.*s", path, (int)job->path_len,
		 job->path);
	rc = nsw_hasher_stream(h, &job->hash, read_file, &fr,
			       nsw_diskimage_file_size(fr.file), name);
	nsw_diskimage_file_close(fr.file);
	if (rc == NSW_ENOMEM)
		return rc;
	if (rc != NSW_OK)
		return set_status(job, NSW_FILE_ERROR, nsw_error_last());
	job->hashed = 1;
	job->status = NSW_FILE_OK;
	job->media_type = nsw_scan_media_type(fr.head, fr.head_len);
	if (job->hash.decode_error != 0)
		return set_status(job, NSW_FILE_OK, job->hash.decode_message);
	return NSW_OK;
}

int nsw_scan_image__process(nsw_scan_image_reader **reader, const char *path,
			    nsw_hasher *h, nsw_scan_job *job)
{
	int rc;

	switch (job->kind) {
	case NSW_WALK_FILE:
		break;
	case NSW_WALK_SYMLINK:
		return set_status(job, NSW_FILE_SKIPPED_SYMLINK, NULL);
	case NSW_WALK_SPECIAL:
		return set_status(job, NSW_FILE_SKIPPED_SPECIAL, NULL);
	default:
		return set_status(job, NSW_FILE_ERROR,
				  job->walk_message != NULL
					  ? job->walk_message
					  : "unreadable entry");
	}
	if (*reader == NULL) {
		*reader = nsw__calloc(1, sizeof(**reader));
		if (*reader == NULL)
			return nsw_error_set(NSW_ENOMEM, "scan: out of memory");
	}
	if ((*reader)->img == NULL) {
		/* This worker's own handles: libtsk caches per handle. */
		rc = nsw_diskimage_open(&(*reader)->img, path);
		if (rc != NSW_OK)
			return rc;
	}
	return hash_entry(*reader, path, h, job);
}

void nsw_scan_image__reader_free(nsw_scan_image_reader *r)
{
	if (r == NULL)
		return;
	nsw_diskimage_close(r->img);
	nsw__free(r);
}

/* ---- Archives inside the image ------------------------------------------
 * An archive that is a file of the image is read as the scan reads one on
 * a device (scan_archive.c), its bytes read from libtsk at the offsets
 * libarchive asks for (so 7z and a zip's central directory work as on a
 * device): nothing is extracted, the image is only read. */

static int source_open(void *ctx, const nsw_scan_job *job, void **file)
{
	nsw_scan_image_reader *r = ctx;
	nsw_diskimage_file *f = NULL;
	int rc = nsw_diskimage_open_file(&f, r->img, job->image_fs,
					 job->meta_addr);

	*file = f;
	return rc;
}

static int source_read(void *file, uint8_t *buf, size_t cap, size_t *got)
{
	return nsw_diskimage_file_read(file, buf, cap, got);
}

static int source_seek(void *file, int64_t offset, int whence, int64_t *pos)
{
	return nsw_diskimage_file_seek(file, offset, whence, pos);
}

static void source_close(void *file)
{
	nsw_diskimage_file_close(file);
}

int nsw_scan_image__archive(nsw_scan_image_reader *reader, nsw_scan_job *job,
			    nsw_hasher *h, const nsw_scan_matcher *m,
			    void *mstate, const nsw_scan__members *par,
			    nsw_scan__member_fn fn, void *ctx)
{
	nsw_scan__archive_source src = {source_open, source_read, source_seek,
					source_close, reader};

	if (reader == NULL || reader->img == NULL || !job->in_image ||
	    !job->hashed || job->status != NSW_FILE_OK)
		return NSW_OK; /* nothing was read: no archive to open */
	if (fn != NULL)
		return nsw_scan__archive_reread(job, h, fn, ctx, &src);
	return nsw_scan__archive_members(job, h, m, mstate, par, &src);
}
