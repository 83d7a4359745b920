/* SPDX-License-Identifier: Apache-2.0 */
/* Library-internal: the one allocation seam (cap, overflow checks, fault
 * injection). Every library allocation goes through these. */
#ifndef NSW_LIB_ALLOC_H
#define NSW_LIB_ALLOC_H

#include <stddef.h>

/* NULL on failure or over NSW_ALLOC_MAX; does not set the error message. */
void *nsw__malloc(size_t size);
void *nsw__calloc(size_t count, size_t size);
void *nsw__realloc(void *ptr, size_t size);
/* realloc of count * size bytes, overflow-checked. */
void *nsw__reallocarray(void *ptr, size_t count, size_t size);
char *nsw__strdup(const char *s);
char *nsw__strndup(const char *s, size_t n);
void nsw__free(void *ptr);

/*
 * Tests only: make the Nth allocation from now (1-based) on this thread
 * fail, and every one after it while `sticky`. 0 turns injection off.
 */
void nsw__alloc_fail_after(unsigned long n, int sticky);

#endif
