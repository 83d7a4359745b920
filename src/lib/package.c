/* SPDX-License-Identifier: Apache-2.0 */
/* Sealed folders: a SHA-256 manifest, an Ed25519 signature, and the check
 * that names every altered, missing or extra file. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "buf.h"
#include "error.h"
#include "limits.h"
#include "netsweep/digest.h"
#include "netsweep/hasher.h"
#include "netsweep/package.h"
#include "netsweep/sign.h"
#include "netsweep/walk.h"

#define MANIFEST_HEADER "# netsweep package manifest v1\n"

const char *nsw_package_problem_name(nsw_package_problem p)
{
	switch (p) {
	case NSW_PACKAGE_ALTERED:
		return "altered";
	case NSW_PACKAGE_MISSING:
		return "missing";
	case NSW_PACKAGE_EXTRA:
		return "extra";
	case NSW_PACKAGE_UNREADABLE:
		return "unreadable";
	default:
		return "?";
	}
}

/* The manifest and its signature are not listed in the manifest. */
static int is_seal_file(const char *rel)
{
	return strcmp(rel, NSW_PACKAGE_MANIFEST) == 0 ||
	       strcmp(rel, NSW_PACKAGE_SIGNATURE) == 0;
}

static int write_file(const char *dir, const char *name, const void *data,
		      size_t len)
{
	nsw_buf path;
	int fd, rc = 0;
	const char *p = data;

	nsw_buf_init(&path, NSW_PATH_MAX);
	if (nsw_buf_printf(&path, "%s/%s", dir, name) < 0)
		return nsw_error_set(NSW_ELIMIT, "%s: path too long", dir);
	fd = open(path.ptr, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		rc = nsw_error_set(NSW_EIO, "%s: %s", path.ptr,
				   strerror(errno));
		goto done;
	}
	while (len > 0) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			rc = nsw_error_set(NSW_EIO, "%s: %s", path.ptr,
					   strerror(errno));
			goto done;
		}
		p += w;
		len -= (size_t)w;
	}
	if (close(fd) != 0)
		rc = nsw_error_set(NSW_EIO, "%s: %s", path.ptr,
				   strerror(errno));
	fd = -1;
done:
	if (fd >= 0)
		close(fd);
	nsw_buf_dispose(&path);
	return rc;
}

struct seal_ctx {
	size_t root_len;
	nsw_hasher *hasher;
	nsw_buf manifest;
};

static int seal_entry(void *ctx, const nsw_walk_entry *e)
{
	struct seal_ctx *s = ctx;
	const char *rel = e->path + s->root_len + 1;
	nsw_file_hash h;
	char hex[2 * NSW_SHA256_BYTES + 1];
	int rc;

	if (e->depth == 0)
		return e->kind == NSW_WALK_DIR
			       ? 0
			       : nsw_error_set(NSW_EINVAL,
					       "%s: not a directory", e->path);
	switch (e->kind) {
	case NSW_WALK_DIR:
		return 0;
	case NSW_WALK_FILE:
		break;
	case NSW_WALK_ERROR:
		return nsw_error_set(e->error, "%s", e->message);
	default:
		return nsw_error_set(NSW_EFORMAT,
				     "%s: a package holds only regular files "
				     "(this is a %s)",
				     e->path, nsw_walk_kind_name(e->kind));
	}
	if (e->depth == 1 && is_seal_file(rel))
		return 0;
	if ((e->flags & NSW_WALK_NOT_UTF8) || strchr(rel, '\n') != NULL)
		return nsw_error_set(NSW_EFORMAT,
				     "%s: package file names must be UTF-8 "
				     "without newlines",
				     e->path);
	rc = nsw_hasher_file(s->hasher, &h, e->path);
	if (rc < 0)
		return rc;
	nsw_hex_encode(hex, h.digests.sha256, NSW_SHA256_BYTES);
	if (nsw_buf_printf(&s->manifest, "%s  %llu  %s\n", hex,
			   (unsigned long long)h.size, rel) < 0)
		return nsw_error_set(NSW_ELIMIT, "%s: manifest too large",
				     e->path);
	return 0;
}

int nsw_package_seal(const char *dir, const char *private_key)
{
	struct seal_ctx s;
	uint8_t sig[NSW_ED25519_SIG_BYTES];
	char sighex[2 * NSW_ED25519_SIG_BYTES + 2];
	int rc;

	memset(&s, 0, sizeof(s));
	s.root_len = strlen(dir);
	while (s.root_len > 1 && dir[s.root_len - 1] == '/')
		s.root_len--;
	nsw_buf_init(&s.manifest, NSW_PACKAGE_MANIFEST_MAX);
	rc = nsw_hasher_new(&s.hasher, NSW_ALGO_BIT(NSW_ALGO_SHA256), 0);
	if (rc < 0)
		goto done;
	if (nsw_buf_puts(&s.manifest, MANIFEST_HEADER) < 0) {
		rc = nsw_error_set(NSW_ENOMEM, "out of memory");
		goto done;
	}
	rc = nsw_walk(dir, NSW_WALK_FOLLOW_ROOT, seal_entry, &s);
	if (rc < 0)
		goto done;
	rc = write_file(dir, NSW_PACKAGE_MANIFEST, s.manifest.ptr,
			s.manifest.len);
	if (rc < 0 || private_key == NULL)
		goto done;
	rc = nsw_sign_ed25519(sig, private_key, s.manifest.ptr, s.manifest.len);
	if (rc < 0)
		goto done;
	nsw_hex_encode(sighex, sig, sizeof(sig));
	sighex[2 * NSW_ED25519_SIG_BYTES] = '\n';
	sighex[2 * NSW_ED25519_SIG_BYTES + 1] = '\0';
	rc = write_file(dir, NSW_PACKAGE_SIGNATURE, sighex,
			2 * NSW_ED25519_SIG_BYTES + 1);
done:
	nsw_buf_dispose(&s.manifest);
	nsw_hasher_free(s.hasher);
	return rc;
}

/* ---- Verification ------------------------------------------------------ */

struct listed {
	const char *path; /* points into the manifest buffer */
	uint8_t sha256[NSW_SHA256_BYTES];
	uint64_t size;
	int seen;
};

struct verify_ctx {
	size_t root_len;
	nsw_hasher *hasher;
	struct listed *files;
	size_t count;
	nsw_package_report *report;
	nsw_package_problem_fn problem;
	void *problem_ctx;
};

static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct listed *)a)->path,
		      ((const struct listed *)b)->path);
}

static void report(struct verify_ctx *v, nsw_package_problem what,
		   const char *rel)
{
	switch (what) {
	case NSW_PACKAGE_ALTERED:
		v->report->altered++;
		break;
	case NSW_PACKAGE_MISSING:
		v->report->missing++;
		break;
	case NSW_PACKAGE_EXTRA:
		v->report->extra++;
		break;
	default:
		v->report->unreadable++;
		break;
	}
	if (v->problem)
		v->problem(v->problem_ctx, what, rel);
}

/* A listed path must be relative, with no empty, "." or ".." part. */
static int safe_relative(const char *p)
{
	if (p[0] == '\0' || p[0] == '/')
		return 0;
	for (const char *s = p; *s;) {
		const char *e = strchr(s, '/');
		size_t n = e ? (size_t)(e - s) : strlen(s);

		if (n == 0 || (n == 1 && s[0] == '.') ||
		    (n == 2 && s[0] == '.' && s[1] == '.'))
			return 0;
		s += n + (e ? 1 : 0);
		if (e && *s == '\0')
			return 0;
	}
	return 1;
}

/* Parse "sha256  size  path" lines in place (the buffer is ours). */
static int parse_manifest(struct verify_ctx *v, char *text, size_t len,
			  const char *name)
{
	size_t lines = 0, line_no = 0;
	char *p = text, *end = text + len;

	for (size_t i = 0; i < len; i++)
		lines += text[i] == '\n';
	v->files = nsw__calloc(lines + 1, sizeof(*v->files));
	if (v->files == NULL)
		return nsw_error_set(NSW_ENOMEM, "out of memory");
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *sep, *num_end;
		struct listed *f = &v->files[v->count];
		unsigned long long size;

		line_no++;
		if (nl == NULL)
			return nsw_error_set(NSW_EFORMAT,
					     "%s:%zu: last line has no newline",
					     name, line_no);
		*nl = '\0';
		if (p[0] == '#' || p == nl) {
			p = nl + 1;
			continue;
		}
		if (nl - p < 2 * NSW_SHA256_BYTES + 5 ||
		    nsw_hex_decode(f->sha256, NSW_SHA256_BYTES, p,
				   2 * NSW_SHA256_BYTES) < 0 ||
		    memcmp(p + 2 * NSW_SHA256_BYTES, "  ", 2) != 0)
			return nsw_error_set(NSW_EFORMAT,
					     "%s:%zu: expected 'SHA256  SIZE  "
					     "PATH'",
					     name, line_no);
		sep = p + 2 * NSW_SHA256_BYTES + 2;
		if (*sep < '0' || *sep > '9')
			return nsw_error_set(NSW_EFORMAT, "%s:%zu: bad size",
					     name, line_no);
		errno = 0;
		size = strtoull(sep, &num_end, 10);
		if (errno != 0 || num_end[0] != ' ' || num_end[1] != ' ')
			return nsw_error_set(NSW_EFORMAT, "%s:%zu: bad size",
					     name, line_no);
		f->size = size;
		f->path = num_end + 2;
		if (!safe_relative(f->path) || is_seal_file(f->path))
			return nsw_error_set(NSW_EFORMAT,
					     "%s:%zu: unsafe or reserved path",
					     name, line_no);
		v->count++;
		p = nl + 1;
	}
	qsort(v->files, v->count, sizeof(*v->files), by_path);
	for (size_t i = 1; i < v->count; i++)
		if (strcmp(v->files[i - 1].path, v->files[i].path) == 0)
			return nsw_error_set(NSW_EFORMAT,
					     "%s: %s is listed twice", name,
					     v->files[i].path);
	return 0;
}

static int verify_entry(void *ctx, const nsw_walk_entry *e)
{
	struct verify_ctx *v = ctx;
	const char *rel;
	struct listed key, *f;
	nsw_file_hash h;

	if (e->depth == 0 || e->kind == NSW_WALK_DIR)
		return 0;
	rel = e->path + v->root_len + 1;
	if (e->depth == 1 && is_seal_file(rel))
		return 0;
	key.path = rel;
	f = bsearch(&key, v->files, v->count, sizeof(*f), by_path);
	if (f == NULL) {
		report(v, NSW_PACKAGE_EXTRA, rel);
		return 0;
	}
	f->seen = 1;
	if (e->kind != NSW_WALK_FILE ||
	    nsw_hasher_file(v->hasher, &h, e->path) < 0) {
		report(v, NSW_PACKAGE_UNREADABLE, rel);
		return 0;
	}
	if (h.size != f->size ||
	    memcmp(h.digests.sha256, f->sha256, NSW_SHA256_BYTES) != 0)
		report(v, NSW_PACKAGE_ALTERED, rel);
	else
		v->report->intact++;
	return 0;
}

/* Read a small file of ours whole, bounded. */
static int read_bounded(char **out, size_t *len, const char *dir,
			const char *name, size_t max)
{
	nsw_buf path, data;
	char chunk[65536];
	int fd, rc = 0;

	*out = NULL;
	nsw_buf_init(&path, NSW_PATH_MAX);
	nsw_buf_init(&data, max);
	if (nsw_buf_printf(&path, "%s/%s", dir, name) < 0)
		return nsw_error_set(NSW_ELIMIT, "%s: path too long", dir);
	fd = open(path.ptr, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = nsw_error_set(errno == ENOENT ? NSW_ENOTFOUND : NSW_EIO,
				   "%s: %s", path.ptr, strerror(errno));
		goto done;
	}
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = nsw_error_set(NSW_EIO, "%s: %s", path.ptr,
					   strerror(errno));
			goto done;
		}
		if (n == 0)
			break;
		if (nsw_buf_put(&data, chunk, (size_t)n) < 0) {
			rc = nsw_error_set(NSW_ELIMIT, "%s: larger than %zu",
					   path.ptr, max);
			goto done;
		}
	}
	if (data.ptr == NULL && nsw_buf_puts(&data, "") < 0) {
		rc = nsw_error_set(NSW_ENOMEM, "out of memory");
		goto done;
	}
	*len = data.len;
	*out = nsw_buf_detach(&data);
done:
	if (fd >= 0)
		close(fd);
	nsw_buf_dispose(&path);
	nsw_buf_dispose(&data);
	return rc;
}

static int check_signature(nsw_package_report *out, const char *dir,
			   const char *public_key, const char *manifest,
			   size_t len)
{
	char *sighex = NULL;
	size_t siglen = 0;
	uint8_t sig[NSW_ED25519_SIG_BYTES];
	int rc = read_bounded(&sighex, &siglen, dir, NSW_PACKAGE_SIGNATURE,
			      4096);

	if (rc == NSW_ENOTFOUND) {
		out->signature = 0;
		return public_key ? nsw_error_set(NSW_EFORMAT,
						  "%s: not signed (no %s)", dir,
						  NSW_PACKAGE_SIGNATURE)
				  : 0;
	}
	if (rc < 0)
		return rc;
	while (siglen > 0 &&
	       (sighex[siglen - 1] == '\n' || sighex[siglen - 1] == '\r'))
		siglen--;
	if (public_key == NULL) {
		out->signature = 2;
		rc = 0;
	} else if (nsw_hex_decode(sig, sizeof(sig), sighex, siglen) < 0) {
		out->signature = -1;
		rc = nsw_error_set(NSW_EFORMAT, "%s/%s: not a signature", dir,
				   NSW_PACKAGE_SIGNATURE);
	} else {
		rc = nsw_verify_ed25519(sig, public_key, manifest, len);
		out->signature = rc == 0 ? 1 : -1;
	}
	nsw__free(sighex);
	return rc;
}

int nsw_package_verify(nsw_package_report *out, const char *dir,
		       const char *public_key, nsw_package_problem_fn problem,
		       void *ctx)
{
	struct verify_ctx v;
	char *manifest = NULL, *parsed = NULL;
	size_t len = 0;
	int rc, sig_rc;

	memset(out, 0, sizeof(*out));
	memset(&v, 0, sizeof(v));
	v.report = out;
	v.problem = problem;
	v.problem_ctx = ctx;
	v.root_len = strlen(dir);
	while (v.root_len > 1 && dir[v.root_len - 1] == '/')
		v.root_len--;
	rc = read_bounded(&manifest, &len, dir, NSW_PACKAGE_MANIFEST,
			  NSW_PACKAGE_MANIFEST_MAX);
	if (rc < 0)
		goto done;
	/* Parse a copy: the signature covers the untouched bytes. */
	parsed = nsw__malloc(len + 1);
	if (parsed == NULL) {
		rc = nsw_error_set(NSW_ENOMEM, "out of memory");
		goto done;
	}
	memcpy(parsed, manifest, len + 1);
	rc = parse_manifest(&v, parsed, len, NSW_PACKAGE_MANIFEST);
	if (rc < 0)
		goto done;
	out->manifest_ok = 1;
	out->listed = v.count;
	rc = nsw_hasher_new(&v.hasher, NSW_ALGO_BIT(NSW_ALGO_SHA256), 0);
	if (rc < 0)
		goto done;
	rc = nsw_walk(dir, NSW_WALK_FOLLOW_ROOT, verify_entry, &v);
	if (rc < 0)
		goto done;
	for (size_t i = 0; i < v.count; i++)
		if (!v.files[i].seen)
			report(&v, NSW_PACKAGE_MISSING, v.files[i].path);
	sig_rc = check_signature(out, dir, public_key, manifest, len);
	if (sig_rc < 0 && sig_rc != NSW_EFORMAT) {
		rc = sig_rc;
		goto done;
	}
	if (out->altered || out->missing || out->extra || out->unreadable)
		rc = nsw_error_set(
			NSW_EFORMAT,
			"%s: %llu altered, %llu missing, %llu extra, "
			"%llu unreadable",
			dir, (unsigned long long)out->altered,
			(unsigned long long)out->missing,
			(unsigned long long)out->extra,
			(unsigned long long)out->unreadable);
	else
		rc = sig_rc;
done:
	nsw_hasher_free(v.hasher);
	nsw__free(v.files);
	nsw__free(parsed);
	nsw__free(manifest);
	return rc;
}
