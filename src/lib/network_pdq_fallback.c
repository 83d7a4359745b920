/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A weak nsw_pdq_distance so the network branch links before the pdq
 * module (pdq.c, branch `pdq`) lands; pdq.c's strong definition replaces
 * it. Delete this file once pdq.c is on main.
 */
#include "netsweep/pdq.h"

__attribute__((weak)) int nsw_pdq_distance(const nsw_pdq_hash *a,
					   const nsw_pdq_hash *b)
{
	int d = 0, i;

	for (i = 0; i < NSW_PDQ_BYTES; i++)
		d += __builtin_popcount((unsigned)(a->bytes[i] ^ b->bytes[i]));
	return d;
}
