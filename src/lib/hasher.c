/* SPDX-License-Identifier: Apache-2.0 */
/* One read pass per file: digests from every chunk, PDQ from the same bytes
 * kept in memory when the content is an image. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "error.h"
#include "limits.h"
#include "netsweep/hasher.h"

#define PDQ_BIT NSW_ALGO_BIT(NSW_ALGO_PDQ)

struct nsw_hasher {
	unsigned algos;
	int dihedral;
	unsigned pdq_flags; /* NSW_PDQ_PARTIAL_IMAGES or 0 */
	nsw_digest *digest;
	uint8_t *chunk; /* NSW_READ_CHUNK bytes */
	uint8_t *image; /* the file's bytes while reading an image */
	size_t image_cap;
};

int nsw_hasher_new(nsw_hasher **out, unsigned algos, int dihedral)
{
	nsw_hasher *h = NULL;
	int rc;

	if (out == NULL)
		return nsw_error_set(NSW_EINVAL, "nsw_hasher_new: NULL out");
	*out = NULL;
	if (algos == 0 || (algos & ~(NSW_DIGESTS_ALL | PDQ_BIT)) != 0)
		return nsw_error_set(NSW_EINVAL,
				     "nsw_hasher_new: bad algorithm mask 0x%x",
				     algos);
	h = nsw__calloc(1, sizeof(*h));
	if (h == NULL)
		return nsw_error_set(NSW_ENOMEM, "out of memory for a hasher");
	h->algos = algos;
	h->dihedral = dihedral != 0;
	rc = nsw_digest_new(&h->digest, algos & NSW_DIGESTS_ALL);
	if (rc != NSW_OK)
		goto done;
	h->chunk = nsw__malloc(NSW_READ_CHUNK);
	if (h->chunk == NULL) {
		rc = nsw_error_set(NSW_ENOMEM,
				   "out of memory for a read buffer");
		goto done;
	}
	*out = h;
	h = NULL;
done:
	nsw_hasher_free(h);
	return rc;
}

int nsw_hasher_set_partial_images(nsw_hasher *hasher, int allow)
{
	if (hasher == NULL)
		return nsw_error_set(NSW_EINVAL,
				     "nsw_hasher_set_partial_images: NULL");
	hasher->pdq_flags = allow ? NSW_PDQ_PARTIAL_IMAGES : 0;
	return NSW_OK;
}

void nsw_hasher_free(nsw_hasher *hasher)
{
	if (hasher == NULL)
		return;
	nsw_digest_free(hasher->digest);
	nsw__free(hasher->chunk);
	nsw__free(hasher->image);
	nsw__free(hasher);
}

static const char *file_type_name(mode_t mode)
{
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISSOCK(mode))
		return "a socket";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	return "of an unknown type";
}

static int errno_code(int err)
{
	switch (err) {
	case ENOENT:
	case ENOTDIR:
		return NSW_ENOTFOUND;
	case ENOMEM:
		return NSW_ENOMEM;
	default:
		return NSW_EIO;
	}
}

/*
 * Open a regular file for reading without blocking (a FIFO swapped in after
 * the stat must not hang us) and without touching its access time.
 */
static int open_evidence(int *fd_out, const char *path, struct stat *st)
{
	int flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOATIME;
	int fd, err;

	*fd_out = -1;
	if (stat(path, st) != 0) {
		err = errno;
		return nsw_error_set(errno_code(err), "%s: %s", path,
				     strerror(err));
	}
	if (!S_ISREG(st->st_mode))
		return nsw_error_set(NSW_EUNSUPPORTED,
				     "%s: not a regular file (%s)", path,
				     file_type_name(st->st_mode));
	fd = open(path, flags);
	if (fd < 0 && errno == EPERM) {
		/* O_NOATIME needs ownership or CAP_FOWNER. */
		flags &= ~O_NOATIME;
		fd = open(path, flags);
	}
	if (fd < 0) {
		err = errno;
		return nsw_error_set(errno_code(err), "%s: %s", path,
				     strerror(err));
	}
	if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
		close(fd);
		return nsw_error_set(NSW_EUNSUPPORTED,
				     "%s: not a regular file (changed while "
				     "being opened)",
				     path);
	}
	/* Regular files ignore O_NONBLOCK; clear it all the same. */
	if (fcntl(fd, F_SETFL, flags & ~O_NONBLOCK & ~O_CLOEXEC) != 0) {
		err = errno;
		close(fd);
		return nsw_error_set(NSW_EIO, "%s: %s", path, strerror(err));
	}
	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	*fd_out = fd;
	return NSW_OK;
}

/* Where the bytes come from: a file descriptor, or a reader callback (a
 * member of an archive). */
typedef struct source {
	int fd;
	nsw_hasher_read_fn read;
	void *ctx;
} source;

/* Fill `len` bytes from a reader, stopping early only at its end. */
static int read_stream(const source *src, uint8_t *buf, size_t len, size_t *got,
		       const char *path)
{
	size_t n = 0;

	while (n < len) {
		size_t r = 0;
		int rc = src->read(src->ctx, buf + n, len - n, &r);

		if (rc != NSW_OK) {
			*got = n;
			return nsw_error_prefix(rc, "%s", path);
		}
		if (r == 0)
			break;
		if (r > len - n) {
			*got = n;
			return nsw_error_set(NSW_ERROR,
					     "%s: reader returned more than "
					     "asked",
					     path);
		}
		n += r;
	}
	*got = n;
	return NSW_OK;
}

/* read() up to `len` bytes, retrying interruptions and short reads; stops
 * early only at end of file. Sets *got. */
static int read_full(const source *src, uint8_t *buf, size_t len, size_t *got,
		     const char *path)
{
	size_t n = 0;

	if (src->read != NULL)
		return read_stream(src, buf, len, got, path);
	while (n < len) {
		ssize_t r = read(src->fd, buf + n, len - n);

		if (r < 0) {
			int err = errno;

			if (err == EINTR)
				continue;
			*got = n;
			return nsw_error_set(NSW_EIO, "%s: read failed: %s",
					     path, strerror(err));
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	*got = n;
	return NSW_OK;
}

/* Record a decode failure from the library's current message, making sure
 * it names the path. */
static void set_decode_error(nsw_file_hash *out, int code, const char *path)
{
	const char *msg = nsw_error_last();
	size_t plen = strlen(path);

	out->decode_error = code;
	if (strncmp(msg, path, plen) == 0 && msg[plen] == ':')
		snprintf(out->decode_message, sizeof(out->decode_message), "%s",
			 msg);
	else
		snprintf(out->decode_message, sizeof(out->decode_message),
			 "%s: %s", path, msg[0] ? msg : nsw_error_name(code));
}

__attribute__((format(printf, 4, 5))) static void
decode_error(nsw_file_hash *out, int code, const char *path, const char *fmt,
	     ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out->decode_message, sizeof(out->decode_message), fmt, ap);
	va_end(ap);
	nsw_error_set(code, "%s: %s", path, out->decode_message);
	set_decode_error(out, code, path);
}

/* Make the image buffer hold at least `need` bytes (need <= the cap). */
static int image_reserve(nsw_hasher *h, size_t need)
{
	uint8_t *p;

	if (need <= h->image_cap)
		return NSW_OK;
	nsw__free(h->image);
	h->image = NULL;
	h->image_cap = 0;
	p = nsw__malloc(need);
	if (p == NULL)
		return NSW_ENOMEM;
	h->image = p;
	h->image_cap = need;
	return NSW_OK;
}

/*
 * Digest the rest of the file through the chunk buffer. With no digest
 * asked (PDQ only) there is nothing to compute from the rest: it is not
 * read, and the size comes from fstat.
 */
static int stream_rest(nsw_hasher *h, const source *src, uint64_t *size,
		       const char *path)
{
	if ((h->algos & NSW_DIGESTS_ALL) == 0 && src->read == NULL) {
		struct stat st;

		if (fstat(src->fd, &st) != 0)
			return nsw_error_set(NSW_EIO, "%s: %s", path,
					     strerror(errno));
		if (st.st_size > 0 && (uint64_t)st.st_size > *size)
			*size = (uint64_t)st.st_size;
		return NSW_OK;
	}
	for (;;) {
		size_t got = 0;
		int rc = read_full(src, h->chunk, NSW_READ_CHUNK, &got, path);

		if (rc != NSW_OK)
			return rc;
		if (got == 0)
			return NSW_OK;
		*size += got;
		if ((h->algos & NSW_DIGESTS_ALL) == 0)
			continue; /* a reader must be drained all the same */
		rc = nsw_digest_update(h->digest, h->chunk, got);
		if (rc != NSW_OK)
			return nsw_error_prefix(rc, "%s", path);
	}
}

/*
 * The file starts with an image's magic and the first chunk is full: keep
 * every byte in h->image as it is read (digesting it too). If the file turns
 * out larger than NSW_IMAGE_FILE_MAX, give the image up and stream the rest.
 * Sets *kept to the image's length, or 0 when it was given up.
 */
static int read_image(nsw_hasher *h, nsw_file_hash *out, const source *src,
		      uint64_t size_hint, size_t first, size_t *kept,
		      const char *path)
{
	size_t len = first, want;
	int rc;

	*kept = 0;
	if (size_hint > NSW_IMAGE_FILE_MAX) {
		decode_error(out, NSW_ELIMIT, path,
			     "image file of %llu bytes is over the %zu-byte "
			     "limit, not decoded",
			     (unsigned long long)size_hint, NSW_IMAGE_FILE_MAX);
		return stream_rest(h, src, &out->size, path);
	}
	want = size_hint > first ? (size_t)size_hint : first;
	/* One byte more than the size, to see the end without growing. */
	if (image_reserve(h, want + 1) != NSW_OK) {
		decode_error(out, NSW_ENOMEM, path,
			     "out of memory holding a %zu-byte image", want);
		return stream_rest(h, src, &out->size, path);
	}
	memcpy(h->image, h->chunk, first);
	for (;;) {
		size_t room, got = 0;

		if (len == h->image_cap) {
			/* The file grew while being read. */
			size_t cap = h->image_cap + NSW_READ_CHUNK;
			uint8_t *p;

			if (cap > NSW_IMAGE_FILE_MAX + 1)
				cap = NSW_IMAGE_FILE_MAX + 1;
			p = len < cap ? nsw__realloc(h->image, cap) : NULL;
			if (p == NULL) {
				decode_error(out, NSW_ELIMIT, path,
					     "image file grew past %zu bytes "
					     "while being read, not decoded",
					     len);
				return stream_rest(h, src, &out->size, path);
			}
			h->image = p;
			h->image_cap = cap;
		}
		room = h->image_cap - len;
		if (room > NSW_READ_CHUNK)
			room = NSW_READ_CHUNK;
		rc = read_full(src, h->image + len, room, &got, path);
		if (rc != NSW_OK)
			return rc;
		if (got == 0)
			break;
		rc = nsw_digest_update(h->digest, h->image + len, got);
		if (rc != NSW_OK)
			return nsw_error_prefix(rc, "%s", path);
		len += got;
		out->size += got;
	}
	*kept = len;
	return NSW_OK;
}

/* PDQ from the file's bytes; a failure is recorded in `out`, not returned. */
static void hash_image(nsw_hasher *h, nsw_file_hash *out, const uint8_t *data,
		       size_t len, const char *path)
{
	int rc;

	nsw_error_clear();
	rc = nsw_pdq_hash_buffer_opts(&out->pdq, data, len, path, h->dihedral,
				      h->pdq_flags);
	if (rc != NSW_OK) {
		memset(&out->pdq, 0, sizeof(out->pdq));
		set_decode_error(out, rc, path);
		return;
	}
	out->has |= PDQ_BIT;
	out->width = out->pdq.width;
	out->height = out->pdq.height;
}

/* Hash everything `src` yields (the common body of file and stream). */
static int hash_source(nsw_hasher *hasher, nsw_file_hash *out,
		       const source *src, uint64_t size_hint, const char *path)
{
	size_t first = 0, kept = 0;
	const uint8_t *image = NULL;
	int rc;

	rc = read_full(src, hasher->chunk, NSW_READ_CHUNK, &first, path);
	if (rc != NSW_OK)
		return rc;
	out->size = first;
	rc = nsw_digest_update(hasher->digest, hasher->chunk, first);
	if (rc != NSW_OK)
		return nsw_error_prefix(rc, "%s", path);
	out->format = nsw_image_sniff(hasher->chunk, first);
	if ((hasher->algos & PDQ_BIT) == 0 ||
	    out->format == NSW_IMAGE_UNKNOWN) {
		rc = stream_rest(hasher, src, &out->size, path);
	} else if (first < NSW_READ_CHUNK) {
		/* The whole file is in the first chunk. */
		image = hasher->chunk;
		kept = first;
	} else {
		rc = read_image(hasher, out, src, size_hint, first, &kept,
				path);
		image = kept > 0 ? hasher->image : NULL;
	}
	if (rc != NSW_OK)
		return rc;
	rc = nsw_digest_final(hasher->digest, &out->digests);
	if (rc != NSW_OK)
		return rc;
	out->has = out->digests.has;
	if (image != NULL)
		hash_image(hasher, out, image, kept, path);
	return NSW_OK;
}

/* After a hash: drop an outsized image buffer; on failure clear `out`
 * but keep the message. */
static int hash_done(nsw_hasher *hasher, nsw_file_hash *out, int rc)
{
	if (hasher->image_cap > NSW_HASH_KEEP_BUFFER_MAX) {
		nsw__free(hasher->image);
		hasher->image = NULL;
		hasher->image_cap = 0;
	}
	if (rc != NSW_OK) {
		char keep[NSW_HASH_MESSAGE_MAX];

		snprintf(keep, sizeof(keep), "%s", nsw_error_last());
		memset(out, 0, sizeof(*out));
		nsw_error_set(rc, "%s", keep);
	}
	return rc;
}

int nsw_hasher_file(nsw_hasher *hasher, nsw_file_hash *out, const char *path)
{
	struct stat st;
	source src = {-1, NULL, NULL};
	int rc;

	if (hasher == NULL || out == NULL || path == NULL)
		return nsw_error_set(NSW_EINVAL, "nsw_hasher_file: NULL");
	memset(out, 0, sizeof(*out));
	rc = nsw_digest_reset(hasher->digest);
	rc = rc ? rc : open_evidence(&src.fd, path, &st);
	rc = rc ? rc
		: hash_source(hasher, out, &src,
			      st.st_size > 0 ? (uint64_t)st.st_size : 0, path);
	if (src.fd >= 0)
		close(src.fd);
	return hash_done(hasher, out, rc);
}

int nsw_hasher_stream(nsw_hasher *hasher, nsw_file_hash *out,
		      nsw_hasher_read_fn read, void *ctx, int64_t size_hint,
		      const char *name)
{
	source src = {-1, read, ctx};
	int rc;

	if (hasher == NULL || out == NULL || read == NULL || name == NULL)
		return nsw_error_set(NSW_EINVAL, "nsw_hasher_stream: NULL");
	memset(out, 0, sizeof(*out));
	rc = nsw_digest_reset(hasher->digest);
	rc = rc ? rc
		: hash_source(hasher, out, &src,
			      size_hint > 0 ? (uint64_t)size_hint : 0, name);
	return hash_done(hasher, out, rc);
}
