/* SPDX-License-Identifier: Apache-2.0 */
/* The allocation seam: caps every allocation and can fail on demand. */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "limits.h"

static _Thread_local unsigned long fail_countdown;
static _Thread_local int fail_sticky;

void nsw__alloc_fail_after(unsigned long n, int sticky)
{
	fail_countdown = n;
	fail_sticky = sticky;
}

/* True when fault injection says this allocation must fail. */
static int injected_failure(void)
{
	if (fail_countdown == 0)
		return 0;
	if (fail_countdown == 1) {
		if (!fail_sticky)
			fail_countdown = 0;
		return 1;
	}
	fail_countdown--;
	return 0;
}

void *nsw__malloc(size_t size)
{
	if (size > NSW_ALLOC_MAX || injected_failure())
		return NULL;
	return malloc(size ? size : 1);
}

void *nsw__calloc(size_t count, size_t size)
{
	size_t total;

	if (__builtin_mul_overflow(count, size, &total) ||
	    total > NSW_ALLOC_MAX || injected_failure())
		return NULL;
	return calloc(total ? total : 1, 1);
}

void *nsw__realloc(void *ptr, size_t size)
{
	if (size > NSW_ALLOC_MAX || injected_failure())
		return NULL;
	return realloc(ptr, size ? size : 1);
}

void *nsw__reallocarray(void *ptr, size_t count, size_t size)
{
	size_t total;

	if (__builtin_mul_overflow(count, size, &total))
		return NULL;
	return nsw__realloc(ptr, total);
}

char *nsw__strndup(const char *s, size_t n)
{
	char *copy;

	if (n == (size_t)-1)
		return NULL;
	copy = nsw__malloc(n + 1);
	if (copy == NULL)
		return NULL;
	memcpy(copy, s, n);
	copy[n] = '\0';
	return copy;
}

char *nsw__strdup(const char *s)
{
	return nsw__strndup(s, strlen(s));
}

void nsw__free(void *ptr)
{
	free(ptr);
}
