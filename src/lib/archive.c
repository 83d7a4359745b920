/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The one libarchive wrapper: reads .zip entries as streams, translating
 * libarchive's ARCHIVE_* codes to NSW_E* and capping what an entry may
 * expand to (size and ratio), so a zip bomb costs a bounded amount of work.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "alloc.h"
#include "archive_reader.h"
#include "error.h"
#include "limits.h"

struct nsw_archive {
	struct archive *ar;
	char *path;
	uint64_t entries;
	int64_t raw_at_entry; /* compressed bytes consumed before the entry */
	uint64_t out;	      /* bytes of the entry produced so far */
	int64_t size;	      /* the entry's declared size, or -1 */
	int64_t mtime_ns;     /* its modification time, or INT64_MIN */
};

int nsw_archive_open(nsw_archive **out, const char *path)
{
	nsw_archive *a = NULL;
	struct stat st;
	int rc = 0;

	*out = NULL;
	if (stat(path, &st) != 0)
		return nsw_error_set(errno == ENOENT ? NSW_ENOTFOUND : NSW_EIO,
				     "%s: %s", path, strerror(errno));
	a = nsw__calloc(1, sizeof(*a));
	if (a == NULL)
		return nsw_error_set(NSW_ENOMEM, "%s: out of memory", path);
	a->path = nsw__strdup(path);
	a->ar = archive_read_new();
	if (a->path == NULL || a->ar == NULL) {
		rc = nsw_error_set(NSW_ENOMEM, "%s: out of memory", path);
		goto done;
	}
	archive_read_support_format_zip(a->ar);
	if (archive_read_open_filename(a->ar, path, 65536) != ARCHIVE_OK) {
		rc = nsw_error_set(NSW_EFORMAT, "%s: not a readable zip: %s",
				   path, archive_error_string(a->ar));
		goto done;
	}
	*out = a;
	a = NULL;
done:
	nsw_archive_free(a);
	return rc;
}

int nsw_archive_next(nsw_archive *a, const char **name, int *is_file)
{
	struct archive_entry *e = NULL;
	const char *pn;
	int r;

	*name = NULL;
	*is_file = 0;
	if (a->entries >= NSW_ZIP_ENTRIES_MAX)
		return nsw_error_set(NSW_ELIMIT, "%s: more than %d entries",
				     a->path, NSW_ZIP_ENTRIES_MAX);
	r = archive_read_next_header(a->ar, &e);
	if (r == ARCHIVE_EOF)
		return 1;
	if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
		return nsw_error_set(NSW_EFORMAT, "%s: corrupt zip: %s",
				     a->path, archive_error_string(a->ar));
	a->entries++;
	a->raw_at_entry = archive_filter_bytes(a->ar, -1);
	a->out = 0;
	a->size = archive_entry_size_is_set(e) ? archive_entry_size(e) : -1;
	a->mtime_ns = INT64_MIN;
	if (archive_entry_mtime_is_set(e) &&
	    archive_entry_mtime(e) > INT64_MIN / 1000000000 &&
	    archive_entry_mtime(e) < INT64_MAX / 1000000000)
		a->mtime_ns = (int64_t)archive_entry_mtime(e) * 1000000000 +
			      archive_entry_mtime_nsec(e);
	pn = archive_entry_pathname_utf8(e);
	if (pn == NULL)
		pn = archive_entry_pathname(e);
	/* Named even when refused below, so the caller can say which. */
	*name = pn ? pn : "";
	*is_file = archive_entry_filetype(e) == AE_IFREG;
	if (a->size > 0 && (uint64_t)a->size > NSW_ZIP_ENTRY_MAX)
		return nsw_error_set(NSW_ELIMIT,
				     "%s: entry declares %lld bytes (limit "
				     "%llu)",
				     a->path, (long long)a->size,
				     (unsigned long long)NSW_ZIP_ENTRY_MAX);
	return 0;
}

void nsw_archive_entry_meta(const nsw_archive *a, int64_t *size,
			    int64_t *mtime_ns)
{
	*size = a->size;
	*mtime_ns = a->mtime_ns;
}

int nsw_archive_read(nsw_archive *a, uint8_t *buf, size_t cap, size_t *got)
{
	la_ssize_t n;
	int64_t raw;

	*got = 0;
	n = archive_read_data(a->ar, buf, cap);
	if (n < 0)
		return nsw_error_set(NSW_EFORMAT, "%s: cannot read entry: %s",
				     a->path, archive_error_string(a->ar));
	a->out += (uint64_t)n;
	if (a->out > NSW_ZIP_ENTRY_MAX)
		return nsw_error_set(NSW_ELIMIT,
				     "%s: entry expands past %llu bytes "
				     "(zip bomb?)",
				     a->path,
				     (unsigned long long)NSW_ZIP_ENTRY_MAX);
	raw = archive_filter_bytes(a->ar, -1) - a->raw_at_entry;
	if (a->out > NSW_ZIP_RATIO_FLOOR &&
	    a->out / (uint64_t)(raw > 0 ? raw : 1) > NSW_ZIP_RATIO_MAX)
		return nsw_error_set(NSW_ELIMIT,
				     "%s: entry expands more than %d:1 "
				     "(zip bomb?)",
				     a->path, NSW_ZIP_RATIO_MAX);
	*got = (size_t)n;
	return 0;
}

int nsw_archive_is_zip(const char *path)
{
	uint8_t magic[4];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	do
		n = read(fd, magic, sizeof(magic));
	while (n < 0 && errno == EINTR);
	close(fd);
	return n == 4 && memcmp(magic, "PK\003\004", 4) == 0;
}

void nsw_archive_free(nsw_archive *a)
{
	if (a == NULL)
		return;
	if (a->ar != NULL)
		archive_read_free(a->ar);
	nsw__free(a->path);
	nsw__free(a);
}
