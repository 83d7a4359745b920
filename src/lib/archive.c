/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The one libarchive wrapper: reads archive entries as streams (a chat
 * export's .zip; any archive found by a scan, from a file or from a member
 * of another archive), translating libarchive's ARCHIVE_* codes to NSW_E*
 * and capping what an entry may expand to (size and ratio), so a bomb
 * costs a bounded amount of work. Nothing is ever extracted or written.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "alloc.h"
#include "archive_reader.h"
#include "error.h"
#include "limits.h"

/*
 * libarchive turns entry times into time_t with mktime()/localtime(),
 * which run tzset() and read TZ. Scan workers read headers at the same
 * time; glibc's own lock there is invisible to ThreadSanitizer, so header
 * reads (and opens, which read the first headers of some formats) are
 * serialised here. Member data, the costly part, is not: an entry's
 * unread data is skipped before the lock is taken.
 */
static pthread_mutex_t header_lock = PTHREAD_MUTEX_INITIALIZER;

struct nsw_archive {
	struct archive *ar;
	char *path;
	int fd; /* opened here (evidence), or -1 */
	/* Where a nested archive's bytes come from (nsw_archive_open_reader).
	 */
	nsw_archive_read_fn src;
	nsw_archive_seek_fn src_seek; /* or NULL: a stream */
	void *src_ctx;
	uint8_t *src_buf;
	/* Caps: the chat export's (NSW_ZIP_*) or a scan's (NSW_ARCHIVE_*). */
	uint64_t entries_max, entry_max, ratio_floor;
	unsigned ratio_max;
	int raw_names; /* names as stored first (evidence), else UTF-8 */
	uint64_t entries;
	int64_t raw_at_entry; /* compressed bytes consumed before the entry */
	uint64_t out;	      /* bytes of the entry produced so far */
	int64_t size;	      /* the entry's declared size, or -1 */
	int64_t mtime_ns;     /* its modification time, or INT64_MIN */
	int type;	      /* nsw_archive_member_type */
	int encrypted;	      /* its data is encrypted */
	const char *link;     /* symlink or hard link target, or NULL */
};

static void zip_caps(nsw_archive *a)
{
	a->entries_max = NSW_ZIP_ENTRIES_MAX;
	a->entry_max = NSW_ZIP_ENTRY_MAX;
	a->ratio_max = NSW_ZIP_RATIO_MAX;
	a->ratio_floor = NSW_ZIP_RATIO_FLOOR;
}

int nsw_archive_open(nsw_archive **out, const char *path)
{
	nsw_archive *a = NULL;
	struct stat st;
	int rc = 0, r;

	*out = NULL;
	if (stat(path, &st) != 0)
		return nsw_error_set(errno == ENOENT ? NSW_ENOTFOUND : NSW_EIO,
				     "%s: %s", path, strerror(errno));
	a = nsw__calloc(1, sizeof(*a));
	if (a == NULL)
		return nsw_error_set(NSW_ENOMEM, "%s: out of memory", path);
	a->fd = -1;
	zip_caps(a);
	a->path = nsw__strdup(path);
	a->ar = archive_read_new();
	if (a->path == NULL || a->ar == NULL) {
		rc = nsw_error_set(NSW_ENOMEM, "%s: out of memory", path);
		goto done;
	}
	archive_read_support_format_zip(a->ar);
	pthread_mutex_lock(&header_lock);
	r = archive_read_open_filename(a->ar, path, 65536);
	pthread_mutex_unlock(&header_lock);
	if (r != ARCHIVE_OK) {
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
	if (a->entries >= a->entries_max)
		return nsw_error_set(NSW_ELIMIT, "%s: more than %llu entries",
				     a->path,
				     (unsigned long long)a->entries_max);
	if (a->entries > 0) /* outside the lock; its failure shows below */
		(void)archive_read_data_skip(a->ar);
	pthread_mutex_lock(&header_lock);
	r = archive_read_next_header(a->ar, &e);
	pthread_mutex_unlock(&header_lock);
	if (r == ARCHIVE_EOF)
		return 1;
	if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
		/* Inside another archive it is a stream: a format that must
		 * seek (7z) fails here though it is not corrupt. */
		return nsw_error_set(NSW_EFORMAT, "%s: %s: %s", a->path,
				     a->src != NULL && a->src_seek == NULL
					     ? "cannot read archive (read as a "
					       "stream)"
					     : "corrupt archive",
				     archive_error_string(a->ar));
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
	/* Evidence keeps the bytes the archive stores (as the walker keeps a
	 * file name's bytes); a chat export wants UTF-8 names. */
	pn = a->raw_names ? archive_entry_pathname(e)
			  : archive_entry_pathname_utf8(e);
	if (pn == NULL)
		pn = a->raw_names ? archive_entry_pathname_utf8(e)
				  : archive_entry_pathname(e);
	/* Named even when refused below, so the caller can say which. */
	*name = pn ? pn : "";
	a->link = archive_entry_hardlink(e);
	switch (archive_entry_filetype(e)) {
	case AE_IFREG:
		/* A tar hard link carries no data: what it links to does. */
		a->type = a->link != NULL ? NSW_ARCHIVE_MEMBER_LINK
					  : NSW_ARCHIVE_MEMBER_FILE;
		break;
	case AE_IFDIR:
		a->type = NSW_ARCHIVE_MEMBER_DIR;
		break;
	case AE_IFLNK:
		a->type = NSW_ARCHIVE_MEMBER_LINK;
		a->link = archive_entry_symlink(e);
		break;
	default:
		a->type = NSW_ARCHIVE_MEMBER_OTHER;
		break;
	}
	a->encrypted = archive_entry_is_data_encrypted(e) ? 1 : 0;
	*is_file = a->type == NSW_ARCHIVE_MEMBER_FILE;
	if (a->size > 0 && (uint64_t)a->size > a->entry_max)
		return nsw_error_set(NSW_ELIMIT,
				     "%s: entry declares %lld bytes (limit "
				     "%llu)",
				     a->path, (long long)a->size,
				     (unsigned long long)a->entry_max);
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
	if (a->out > a->entry_max)
		return nsw_error_set(NSW_ELIMIT,
				     "%s: entry expands past %llu bytes "
				     "(zip bomb?)",
				     a->path, (unsigned long long)a->entry_max);
	raw = archive_filter_bytes(a->ar, -1) - a->raw_at_entry;
	if (a->out > a->ratio_floor &&
	    a->out / (uint64_t)(raw > 0 ? raw : 1) > a->ratio_max)
		return nsw_error_set(NSW_ELIMIT,
				     "%s: entry expands more than %u:1 "
				     "(zip bomb?)",
				     a->path, a->ratio_max);
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

/* ---- Archives found as evidence (the scan) ----------------------------- */

static void evidence_caps(nsw_archive *a)
{
	a->entries_max = NSW_ARCHIVE_MEMBERS_MAX;
	a->entry_max = NSW_ARCHIVE_MEMBER_MAX;
	a->ratio_max = NSW_ARCHIVE_RATIO_MAX;
	a->ratio_floor = NSW_ARCHIVE_RATIO_FLOOR;
	a->raw_names = 1;
}

/* Every archive format libarchive reads, and every compression, but not
 * "raw", "empty" or mtree (a text file is not an archive). */
static void support_evidence_formats(struct archive *ar)
{
	archive_read_support_filter_all(ar);
	archive_read_support_format_7zip(ar);
	archive_read_support_format_ar(ar);
	archive_read_support_format_cab(ar);
	archive_read_support_format_cpio(ar);
	archive_read_support_format_iso9660(ar);
	archive_read_support_format_lha(ar);
	archive_read_support_format_rar(ar);
	archive_read_support_format_rar5(ar);
	archive_read_support_format_tar(ar);
	archive_read_support_format_xar(ar);
	archive_read_support_format_zip(ar);
}

static nsw_archive *evidence_new(const char *name)
{
	nsw_archive *a = nsw__calloc(1, sizeof(*a));

	if (a == NULL)
		return NULL;
	a->fd = -1;
	evidence_caps(a);
	a->path = nsw__strdup(name);
	a->ar = archive_read_new();
	if (a->path == NULL || a->ar == NULL) {
		nsw_archive_free(a);
		return NULL;
	}
	support_evidence_formats(a->ar);
	return a;
}

/* After a failed open: no format recognised is "not an archive", anything
 * else (a truncated gzip, a broken header) is a corrupt one. */
static int open_failed(nsw_archive *a)
{
	if (archive_errno(a->ar) == EILSEQ && /* its FILE_FORMAT */
	    archive_format(a->ar) == 0)
		return nsw_error_set(NSW_EUNSUPPORTED, "%s: not an archive",
				     a->path);
	return nsw_error_set(NSW_EFORMAT, "%s: unreadable archive: %s", a->path,
			     archive_error_string(a->ar));
}

/* After archive_read_open*(): hand `a` out, or free it with the reason. */
static int opened(nsw_archive **out, nsw_archive *a, int r)
{
	int rc = r == ARCHIVE_OK ? NSW_OK : open_failed(a);

	if (rc == NSW_OK)
		*out = a;
	else
		nsw_archive_free(a);
	return rc;
}

int nsw_archive_open_evidence(nsw_archive **out, const char *path,
			      const char *name)
{
	int flags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOATIME;
	nsw_archive *a = NULL;
	int rc = 0, r;

	*out = NULL;
	a = evidence_new(name);
	if (a == NULL)
		return nsw_error_set(NSW_ENOMEM, "%s: out of memory", name);
	a->fd = open(path, flags);
	if (a->fd < 0 && errno == EPERM) /* O_NOATIME needs ownership */
		a->fd = open(path, flags & ~O_NOATIME);
	if (a->fd < 0) {
		rc = nsw_error_set(errno == ENOENT ? NSW_ENOTFOUND : NSW_EIO,
				   "%s: %s", name, strerror(errno));
		nsw_archive_free(a);
		return rc;
	}
	/* A regular file: libarchive seeks in it (7z, zip's directory). */
	pthread_mutex_lock(&header_lock);
	r = archive_read_open_fd(a->ar, a->fd, 65536);
	pthread_mutex_unlock(&header_lock);
	return opened(out, a, r);
}

static la_ssize_t reader_read(struct archive *ar, void *ctx, const void **buf)
{
	nsw_archive *a = ctx;
	size_t got = 0;

	*buf = a->src_buf;
	if (a->src(a->src_ctx, a->src_buf, NSW_ARCHIVE_READ_CHUNK, &got) != 0) {
		/* The source said why (a cap, a corrupt outer member). */
		archive_set_error(ar, EIO, "%s", nsw_error_last());
		return -1;
	}
	return (la_ssize_t)got;
}

static la_int64_t reader_seek(struct archive *ar, void *ctx, la_int64_t offset,
			      int whence)
{
	nsw_archive *a = ctx;
	int64_t pos = 0;

	if (a->src_seek(a->src_ctx, offset, whence, &pos) != 0) {
		archive_set_error(ar, EIO, "%s", nsw_error_last());
		return ARCHIVE_FATAL;
	}
	return pos;
}

int nsw_archive_open_reader(nsw_archive **out, nsw_archive_read_fn read,
			    nsw_archive_seek_fn seek, void *ctx,
			    const char *name)
{
	nsw_archive *a = NULL;
	int r;

	*out = NULL;
	a = evidence_new(name);
	if (a == NULL)
		return nsw_error_set(NSW_ENOMEM, "%s: out of memory", name);
	a->src = read;
	a->src_seek = seek;
	a->src_ctx = ctx;
	a->src_buf = nsw__malloc(NSW_ARCHIVE_READ_CHUNK);
	if (a->src_buf == NULL) {
		nsw_archive_free(a);
		return nsw_error_set(NSW_ENOMEM, "%s: out of memory", name);
	}
	/* Without a seek callback (a member) it is a stream: formats that
	 * need to seek (7z, a zip readable only from its central directory)
	 * say so. */
	if (seek != NULL)
		archive_read_set_seek_callback(a->ar, reader_seek);
	pthread_mutex_lock(&header_lock);
	r = archive_read_open(a->ar, a, NULL, reader_read, NULL);
	pthread_mutex_unlock(&header_lock);
	return opened(out, a, r);
}

void nsw_archive_member(const nsw_archive *a, nsw_archive_member_info *out)
{
	out->type = (nsw_archive_member_type)a->type;
	out->size = a->size;
	out->mtime_ns = a->mtime_ns;
	out->encrypted = a->encrypted;
	out->link = a->link;
}

struct archive_magic {
	size_t offset;
	const char *bytes;
	size_t len;
};

#define AM(off, lit)                      \
	{                                 \
		off, lit, sizeof(lit) - 1 \
	}

/* What the formats and filters enabled above start with. A candidate is
 * then opened by libarchive, which has the last word. */
static const struct archive_magic archive_magics[] = {
	AM(0, "PK\x03\x04"),
	AM(0, "PK\x05\x06"),
	AM(0, "PK\x07\x08"),
	AM(0, "\x1f\x8b"),
	AM(0, "BZh"),
	AM(0, "\xfd"
	      "7zXZ\x00"),
	AM(0, "\x5d\x00\x00"),
	AM(0, "\x28\xb5\x2f\xfd"),
	AM(0, "\x04\x22\x4d\x18"),
	AM(0, "\x02\x21\x4c\x18"),
	AM(0, "\x1f\x9d"),
	AM(0, "\x89LZO"),
	AM(0, "LZIP"),
	AM(0, "7z\xbc\xaf\x27\x1c"),
	AM(0, "Rar!\x1a\x07"),
	AM(0, "!<arch>\n"),
	AM(0, "MSCF"),
	AM(0, "xar!"),
	AM(0, "070707"),
	AM(0, "070701"),
	AM(0, "070702"),
	AM(0, "\xc7\x71"),
	AM(0, "\x71\xc7"),
	AM(257, "ustar"),
	AM(2, "-lh"),
	AM(32769, "CD001"),
};

int nsw_archive_sniff(const uint8_t *head, size_t len)
{
	for (size_t i = 0;
	     i < sizeof(archive_magics) / sizeof(archive_magics[0]); i++) {
		const struct archive_magic *m = &archive_magics[i];

		if (len >= m->offset + m->len &&
		    memcmp(head + m->offset, m->bytes, m->len) == 0)
			return 1;
	}
	return 0;
}

void nsw_archive_free(nsw_archive *a)
{
	if (a == NULL)
		return;
	if (a->ar != NULL)
		archive_read_free(a->ar);
	if (a->fd >= 0)
		close(a->fd);
	nsw__free(a->src_buf);
	nsw__free(a->path);
	nsw__free(a);
}
