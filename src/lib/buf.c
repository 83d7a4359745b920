/* SPDX-License-Identifier: Apache-2.0 */
/* Bounded growable buffer (see buf.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "netsweep/common.h"

void nsw_buf_init(nsw_buf *buf, size_t max)
{
	buf->ptr = NULL;
	buf->len = 0;
	buf->cap = 0;
	buf->max = max;
}

static int ensure(nsw_buf *buf, size_t extra)
{
	size_t need, cap;
	char *p;

	if (__builtin_add_overflow(buf->len, extra, &need) || need > buf->max)
		return NSW_ELIMIT;
	need += 1; /* NUL */
	if (need <= buf->cap)
		return NSW_OK;
	cap = buf->cap ? buf->cap : 64;
	while (cap < need)
		cap = cap > ((size_t)-1) / 2 ? need : cap * 2;
	if (cap > buf->max + 1)
		cap = buf->max + 1;
	p = nsw__realloc(buf->ptr, cap);
	if (p == NULL)
		return NSW_ENOMEM;
	buf->ptr = p;
	buf->cap = cap;
	return NSW_OK;
}

int nsw_buf_put(nsw_buf *buf, const void *data, size_t len)
{
	int rc = ensure(buf, len);

	if (rc < 0)
		return rc;
	if (len)
		memcpy(buf->ptr + buf->len, data, len);
	buf->len += len;
	buf->ptr[buf->len] = '\0';
	return NSW_OK;
}

int nsw_buf_putc(nsw_buf *buf, char c)
{
	return nsw_buf_put(buf, &c, 1);
}

int nsw_buf_puts(nsw_buf *buf, const char *s)
{
	return nsw_buf_put(buf, s, strlen(s));
}

int nsw_buf_printf(nsw_buf *buf, const char *fmt, ...)
{
	va_list ap;
	int n, rc;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NSW_EINVAL;
	rc = ensure(buf, (size_t)n);
	if (rc < 0)
		return rc;
	va_start(ap, fmt);
	vsnprintf(buf->ptr + buf->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	buf->len += (size_t)n;
	return NSW_OK;
}

void nsw_buf_reset(nsw_buf *buf)
{
	buf->len = 0;
	if (buf->ptr)
		buf->ptr[0] = '\0';
}

char *nsw_buf_detach(nsw_buf *buf)
{
	char *p = buf->ptr;

	buf->ptr = NULL;
	buf->len = 0;
	buf->cap = 0;
	return p;
}

void nsw_buf_dispose(nsw_buf *buf)
{
	nsw__free(buf->ptr);
	nsw_buf_detach(buf);
}
