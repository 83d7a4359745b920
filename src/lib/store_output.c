/* SPDX-License-Identifier: Apache-2.0 */
/* Writing case outputs (VICS export, HTML report): atomically, with
 * escaping, and audited with the SHA-256 of what was written. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "error.h"
#include "limits.h"
#include "netsweep/digest.h"
#include "store_output.h"

int nsw_out__open(nsw_out *o, const char *path)
{
	int fd;

	memset(o, 0, sizeof(*o));
	if (path == NULL || path[0] == '\0')
		return nsw_error_set(NSW_EINVAL, "output: no path");
	if (strlen(path) + 16 > NSW_PATH_MAX)
		return nsw_error_set(NSW_ELIMIT, "%s: path too long", path);
	o->path = path;
	snprintf(o->tmp, sizeof(o->tmp), "%s.tmp-XXXXXX", path);
	fd = mkstemp(o->tmp);
	if (fd < 0)
		return nsw_error_set(NSW_EIO, "%s: %s", o->tmp,
				     strerror(errno));
	o->f = fdopen(fd, "w");
	if (o->f == NULL) {
		close(fd);
		unlink(o->tmp);
		return nsw_error_set(NSW_EIO, "%s: %s", o->tmp,
				     strerror(errno));
	}
	return NSW_OK;
}

void nsw_out__printf(nsw_out *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(o->f, fmt, ap);
	va_end(ap);
}

void nsw_out__puts(nsw_out *o, const char *s)
{
	fputs(s, o->f);
}

void nsw_out__json(nsw_out *o, const char *s)
{
	if (s == NULL) {
		fputs("null", o->f);
		return;
	}
	fputc('"', o->f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(o->f, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(o->f, "\\u%04x", *p);
		else
			fputc(*p, o->f);
	}
	fputc('"', o->f);
}

void nsw_out__html(nsw_out *o, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; p != NULL && *p;
	     p++) {
		switch (*p) {
		case '&':
			fputs("&amp;", o->f);
			break;
		case '<':
			fputs("&lt;", o->f);
			break;
		case '>':
			fputs("&gt;", o->f);
			break;
		case '"':
			fputs("&quot;", o->f);
			break;
		case '\'':
			fputs("&#39;", o->f);
			break;
		default:
			if (*p < 0x20 && *p != '\t')
				fprintf(o->f, "&#xfffd;");
			else
				fputc(*p, o->f);
		}
	}
}

void nsw_out__hex(nsw_out *o, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(o->f, "%02x", b[i]);
}

/* SHA-256 of the file written. */
static int digest_written(const char *path, uint8_t out[32])
{
	nsw_digest *d = NULL;
	nsw_digests sum;
	uint8_t buf[65536];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;
	int rc;

	if (fd < 0)
		return nsw_error_set(NSW_EIO, "%s: %s", path, strerror(errno));
	rc = nsw_digest_new(&d, NSW_ALGO_BIT(NSW_ALGO_SHA256));
	while (rc == NSW_OK && (n = read(fd, buf, sizeof(buf))) > 0)
		rc = nsw_digest_update(d, buf, (size_t)n);
	rc = rc ? rc : nsw_digest_final(d, &sum);
	if (rc == NSW_OK)
		memcpy(out, sum.sha256, 32);
	nsw_digest_free(d);
	close(fd);
	return rc;
}

int nsw_out__close(nsw_out *o, int rc, uint8_t sha256[32])
{
	int failed;

	if (o->f == NULL)
		return rc;
	failed = ferror(o->f);
	if (fclose(o->f) != 0)
		failed = 1;
	o->f = NULL;
	if (rc == NSW_OK && failed)
		rc = nsw_error_set(NSW_EIO, "%s: write failed", o->path);
	if (rc == NSW_OK && sha256 != NULL)
		rc = digest_written(o->tmp, sha256);
	if (rc == NSW_OK && rename(o->tmp, o->path) != 0)
		rc = nsw_error_set(NSW_EIO, "%s: %s", o->path, strerror(errno));
	if (rc != NSW_OK)
		unlink(o->tmp);
	return rc;
}
