/* SPDX-License-Identifier: Apache-2.0 */
/* Library-internal: a growable byte buffer with a declared maximum, as
 * curl's dynbuf. Growth past `max` is NSW_ELIMIT, never unbounded. */
#ifndef NSW_LIB_BUF_H
#define NSW_LIB_BUF_H

#include <stddef.h>
#include <stdint.h>

typedef struct nsw_buf {
	char *ptr;  /* always NUL-terminated when non-NULL */
	size_t len; /* bytes used, excluding the NUL */
	size_t cap; /* bytes allocated */
	size_t max; /* most bytes this buffer may ever hold */
} nsw_buf;

/* Initialise an empty buffer that may grow to `max` bytes. No allocation. */
void nsw_buf_init(nsw_buf *buf, size_t max);
/* Append; NSW_ELIMIT past max, NSW_ENOMEM on allocation failure. The error
 * message is set by the caller (the buffer does not know what it holds). */
int nsw_buf_put(nsw_buf *buf, const void *data, size_t len);
int nsw_buf_putc(nsw_buf *buf, char c);
int nsw_buf_puts(nsw_buf *buf, const char *s);
int nsw_buf_printf(nsw_buf *buf, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Forget the contents, keep the allocation. */
void nsw_buf_reset(nsw_buf *buf);
/* Hand the contents to the caller (free with nsw__free); buffer is emptied. */
char *nsw_buf_detach(nsw_buf *buf);
void nsw_buf_dispose(nsw_buf *buf);

#endif
