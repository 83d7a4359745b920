/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Library-internal: reading entries of an archive through libarchive, with
 * bomb caps: a .zip chat export (nsw_archive_open), or any archive a scan
 * finds, from a file or streamed from another archive's member
 * (nsw_archive_open_evidence, nsw_archive_open_reader). archive.c is the
 * only file that includes libarchive's headers.
 */
#ifndef NSW_LIB_ARCHIVE_READER_H
#define NSW_LIB_ARCHIVE_READER_H

#include <stddef.h>
#include <stdint.h>

typedef struct nsw_archive nsw_archive;

/* Where nsw_archive_open_reader() gets bytes; as nsw_hasher_read_fn: fill
 * buf with up to cap bytes, *got 0 at the end; 0 or NSW_E* (message set). */
typedef int (*nsw_archive_read_fn)(void *ctx, uint8_t *buf, size_t cap,
				   size_t *got);

/* How nsw_archive_open_reader() moves in its source, when it can: to
 * `offset` from `whence` (SEEK_SET, SEEK_CUR, SEEK_END), *pos the new
 * position; 0 or NSW_E* (message set). */
typedef int (*nsw_archive_seek_fn)(void *ctx, int64_t offset, int whence,
				   int64_t *pos);

typedef enum {
	NSW_ARCHIVE_MEMBER_FILE = 0, /* regular, with data */
	NSW_ARCHIVE_MEMBER_DIR = 1,
	NSW_ARCHIVE_MEMBER_LINK = 2, /* symlink or tar hard link: no data */
	NSW_ARCHIVE_MEMBER_OTHER = 3 /* device, FIFO, ... */
} nsw_archive_member_type;

/* The current entry, borrowed until the next nsw_archive_next(). */
typedef struct nsw_archive_member_info {
	nsw_archive_member_type type;
	int64_t size;	  /* declared, or -1 */
	int64_t mtime_ns; /* INT64_MIN when not set */
	int encrypted;	  /* data encrypted: it cannot be read */
	const char *link; /* LINK: its target, or NULL */
} nsw_archive_member_info;

/* Open a .zip for reading, positioned before its first entry.
 * @return 0; NSW_ENOTFOUND, NSW_EIO, NSW_EFORMAT (not a zip), NSW_ENOMEM. */
int nsw_archive_open(nsw_archive **out, const char *path);

/* The next entry: *name is borrowed until the next call, *is_file is 1
 * for a regular file. @return 0; 1 at the end; NSW_EFORMAT (corrupt),
 * NSW_ELIMIT (more than NSW_ZIP_ENTRIES_MAX entries, or this entry
 * declares more than NSW_ZIP_ENTRY_MAX bytes: *name is set, and the next
 * call moves on to the following entry). */
int nsw_archive_next(nsw_archive *a, const char **name, int *is_file);

/* The current entry's declared size (-1 when the zip does not say) and
 * modification time in ns since the epoch (INT64_MIN when not set). */
void nsw_archive_entry_meta(const nsw_archive *a, int64_t *size,
			    int64_t *mtime_ns);

/* Read the current entry's data; *got is 0 at its end. Enforces
 * NSW_ZIP_ENTRY_MAX and NSW_ZIP_RATIO_MAX.
 * @return 0; NSW_ELIMIT (bomb), NSW_EFORMAT (corrupt/encrypted). */
int nsw_archive_read(nsw_archive *a, uint8_t *buf, size_t cap, size_t *got);

/* 1 when the file starts like a zip (local file header), else 0
 * (unreadable included: opening it says why). */
int nsw_archive_is_zip(const char *path);

/* Open an archive found as evidence at `path`, read-only (O_NOATIME where
 * allowed), never following a symlink: every format and compression
 * libarchive reads, evidence caps (NSW_ARCHIVE_MEMBERS_MAX, _MEMBER_MAX,
 * _RATIO_MAX), names as stored. `name` (borrowed) names it in messages.
 * @return 0; NSW_EUNSUPPORTED (not an archive: no message worth keeping),
 *         NSW_EFORMAT (an archive, but unreadable), NSW_ENOTFOUND, NSW_EIO,
 *         NSW_ENOMEM. */
int nsw_archive_open_evidence(nsw_archive **out, const char *path,
			      const char *name);

/* As nsw_archive_open_evidence(), reading the archive from `read` (e.g.
 * the current member of another nsw_archive, or a file inside a disk
 * image; borrowed, with `seek` and ctx, until nsw_archive_free). With
 * `seek` NULL it is a stream: formats that must seek (7z) fail with
 * NSW_EFORMAT; with `seek` it reads as a file does. */
int nsw_archive_open_reader(nsw_archive **out, nsw_archive_read_fn read,
			    nsw_archive_seek_fn seek, void *ctx,
			    const char *name);

/* What the current entry is (after nsw_archive_next returned 0 or
 * NSW_ELIMIT for its declared size). */
void nsw_archive_member(const nsw_archive *a, nsw_archive_member_info *out);

/* 1 when `head` (a file's first bytes; NSW_ARCHIVE_SNIFF_BYTES hold every
 * signature) starts like an archive or compressed stream libarchive may
 * read, else 0. Only a cheap pre-filter: opening decides. */
int nsw_archive_sniff(const uint8_t *head, size_t len);

void nsw_archive_free(nsw_archive *a);

#endif
