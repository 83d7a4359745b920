/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Library-internal: reading entries of a .zip (the chat exports come in
 * one) through libarchive, with zip-bomb caps. archive.c is the only file
 * that includes libarchive's headers.
 */
#ifndef NSW_LIB_ARCHIVE_READER_H
#define NSW_LIB_ARCHIVE_READER_H

#include <stddef.h>
#include <stdint.h>

typedef struct nsw_archive nsw_archive;

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

void nsw_archive_free(nsw_archive *a);

#endif
