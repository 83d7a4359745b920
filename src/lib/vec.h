/* SPDX-License-Identifier: Apache-2.0 */
/* Library-internal: a growable array of fixed-size records with a declared
 * maximum count (the record counterpart of buf.h). */
#ifndef NSW_LIB_VEC_H
#define NSW_LIB_VEC_H

#include <stddef.h>

typedef struct nsw_vec {
	void *data;
	size_t count; /* records in use */
	size_t cap;   /* records allocated */
	size_t size;  /* bytes per record */
	size_t max;   /* most records this array may hold */
} nsw_vec;

/* An empty array of `size`-byte records, at most `max`. No allocation. */
void nsw_vec_init(nsw_vec *v, size_t size, size_t max);
/* A new zeroed record at the end, or NULL (out of memory or over max; the
 * error message is the caller's to set). */
void *nsw_vec_push(nsw_vec *v);
void nsw_vec_dispose(nsw_vec *v);

#define NSW_VEC_AT(v, type, i) (&((type *)(v).data)[i])

#endif
