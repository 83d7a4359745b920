/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Zips and other archives for tests, written with libarchive's writer (the
 * library's own archive reading stays in src/lib/archive.c).
 */
#ifndef NSW_TEST_ZIPWRITE_H
#define NSW_TEST_ZIPWRITE_H

#include <stddef.h>
#include <stdint.h>

typedef struct ts_zip_entry {
	const char *name;
	const void *data;
	size_t len;
	int64_t mtime; /* seconds since the epoch; 0: not set */
} ts_zip_entry;

/* Write `n` regular-file entries to a new zip at `path` (deflated).
 * @return 0, or -1 on any writer error (printed to stderr). */
int ts_write_zip(const char *path, const ts_zip_entry *e, size_t n);

/* How ts_write_archive() writes: libarchive's format name ("zip",
 * "pax", "7zip", "cpio"...), filter name ("gzip", "xz", ... or NULL),
 * writer options ("zip:encryption=traditional") and passphrase (or NULL). */
typedef struct ts_archive_spec {
	const char *format;
	const char *filter;
	const char *options;
	const char *passphrase;
} ts_archive_spec;

/* Write `n` regular-file entries to a new archive at `path`.
 * @return 0, or -1 on any writer error (printed to stderr). */
int ts_write_archive(const char *path, const ts_archive_spec *spec,
		     const ts_zip_entry *e, size_t n);

#endif
