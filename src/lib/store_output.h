/* SPDX-License-Identifier: Apache-2.0 */
/* Library-internal: an output file written atomically (temp file in the
 * same directory, then rename), with JSON/HTML escaping helpers. */
#ifndef NSW_LIB_STORE_OUTPUT_H
#define NSW_LIB_STORE_OUTPUT_H

#include <stdint.h>
#include <stdio.h>

#include "limits.h"

typedef struct nsw_out {
	FILE *f;
	const char *path; /* borrowed */
	char tmp[NSW_PATH_MAX + 16];
} nsw_out;

/* Start writing `path` (borrowed until close). EINVAL, ELIMIT, EIO. */
int nsw_out__open(nsw_out *o, const char *path);
void nsw_out__printf(nsw_out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void nsw_out__puts(nsw_out *o, const char *s);
/* A JSON string literal (quoted); NULL writes null. */
void nsw_out__json(nsw_out *o, const char *s);
/* Text escaped for HTML element content and attribute values. */
void nsw_out__html(nsw_out *o, const char *s);
void nsw_out__hex(nsw_out *o, const uint8_t *b, size_t n);
/*
 * Finish. With rc == 0 and no write error: the file replaces `path` and
 * sha256 (when not NULL) gets its digest; otherwise the temp file is removed.
 * Returns the first error (rc, or a write/rename failure).
 */
int nsw_out__close(nsw_out *o, int rc, uint8_t sha256[32]);

#endif
