/* SPDX-License-Identifier: Apache-2.0 */
/* Thread-local last-error message, as libgit2's git_error_last(). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "limits.h"

static _Thread_local char last_message[NSW_ERROR_MESSAGE_MAX];
static _Thread_local int last_code;

const char *nsw_error_last(void)
{
	return last_message;
}

int nsw_error_last_code(void)
{
	return last_code;
}

void nsw_error_clear(void)
{
	last_message[0] = '\0';
	last_code = NSW_OK;
}

int nsw_error_set(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_message, sizeof(last_message), fmt, ap);
	va_end(ap);
	last_code = code;
	return code;
}

int nsw_error_prefix(int code, const char *fmt, ...)
{
	char prefix[NSW_ERROR_MESSAGE_MAX];
	char old[NSW_ERROR_MESSAGE_MAX];
	va_list ap;

	memcpy(old, last_message, sizeof(old));
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	/* Truncation is intended: a message is a bounded diagnostic. */
	size_t n = strlen(prefix), m = strlen(old);
	size_t room = sizeof(last_message) - 1;

	if (n > room)
		n = room;
	memcpy(last_message, prefix, n);
	if (n + 2 <= room) {
		memcpy(last_message + n, ": ", 2);
		n += 2;
	}
	if (m > room - n)
		m = room - n;
	memcpy(last_message + n, old, m);
	last_message[n + m] = '\0';
	last_code = code;
	return code;
}

const char *nsw_error_name(int code)
{
	switch (code) {
	case NSW_OK:
		return "OK";
	case NSW_ENOMEM:
		return "ENOMEM";
	case NSW_EINVAL:
		return "EINVAL";
	case NSW_ENOTFOUND:
		return "ENOTFOUND";
	case NSW_EFORMAT:
		return "EFORMAT";
	case NSW_ELIMIT:
		return "ELIMIT";
	case NSW_EIO:
		return "EIO";
	case NSW_EUNSUPPORTED:
		return "EUNSUPPORTED";
	default:
		return "ERROR";
	}
}

const char *nsw_algo_name(nsw_algo algo)
{
	static const char *const names[NSW_ALGO_COUNT] = {"md5", "sha1",
							  "sha256", "pdq"};

	return (unsigned)algo < NSW_ALGO_COUNT ? names[algo] : "?";
}

size_t nsw_algo_bytes(nsw_algo algo)
{
	static const size_t bytes[NSW_ALGO_COUNT] = {16, 20, 32, 32};

	return (unsigned)algo < NSW_ALGO_COUNT ? bytes[algo] : 0;
}
