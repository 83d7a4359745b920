/* SPDX-License-Identifier: Apache-2.0 */
/* Library-internal: set this thread's error message and return its code. */
#ifndef NSW_LIB_ERROR_H
#define NSW_LIB_ERROR_H

#include "netsweep/common.h"

/**
 * Record `code` and a printf-style message for this thread; returns `code`
 * so callers can `return nsw_error_set(NSW_EFORMAT, "%s:%zu: ...", ...)`.
 */
int nsw_error_set(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/** Prefix the current message with "prefix: " (e.g. a file name). */
int nsw_error_prefix(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
