/* SPDX-License-Identifier: Apache-2.0 */
/* Growable record arrays with a cap (see vec.h). */
#include <string.h>

#include "alloc.h"
#include "vec.h"

void nsw_vec_init(nsw_vec *v, size_t size, size_t max)
{
	v->data = NULL;
	v->count = 0;
	v->cap = 0;
	v->size = size;
	v->max = max;
}

void *nsw_vec_push(nsw_vec *v)
{
	char *slot;

	if (v->count >= v->max)
		return NULL;
	if (v->count == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 16;
		void *p;

		if (cap > v->max)
			cap = v->max;
		p = nsw__reallocarray(v->data, cap, v->size);
		if (p == NULL)
			return NULL;
		v->data = p;
		v->cap = cap;
	}
	slot = (char *)v->data + v->count++ * v->size;
	memset(slot, 0, v->size);
	return slot;
}

void nsw_vec_dispose(nsw_vec *v)
{
	nsw__free(v->data);
	nsw_vec_init(v, v->size, v->max);
}
