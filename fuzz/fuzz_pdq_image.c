/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz the PDQ front end through every decoder: nsw_pdq_hash_buffer() on
 * arbitrary bytes, with the dihedral variants. Any return code is fine; a
 * success must carry a quality in 0..100, the decoded size, and the same
 * hash when hashed again. Partial mode (NSW_PDQ_PARTIAL_IMAGES) too: what
 * the strict mode hashes it must hash the same and not mark partial; a
 * partial result's rows must be within its height.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netsweep/pdq.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	nsw_pdq_result a, b, p;
	int prc = nsw_pdq_hash_buffer_opts(&p, data, size, "fuzz", 0,
					   NSW_PDQ_PARTIAL_IMAGES);

	if (prc == 0 && (p.quality < 0 || p.quality > 100 || p.height == 0 ||
			 p.rows_present > p.height ||
			 (!p.partial && p.rows_present != p.height)))
		abort();
	if (nsw_pdq_hash_buffer(&a, data, size, "fuzz", 1) != 0)
		return 0;
	if (prc != 0 || p.partial || memcmp(&a.hash, &p.hash, sizeof(a.hash)))
		abort();
	if (a.quality < 0 || a.quality > 100 || a.width == 0 || a.height == 0 ||
	    !a.has_dihedral ||
	    memcmp(&a.dihedral[NSW_PDQ_ORIGINAL], &a.hash, sizeof(a.hash)))
		abort();
	if (nsw_pdq_hash_buffer(&b, data, size, "fuzz", 0) != 0 ||
	    memcmp(&a.hash, &b.hash, sizeof(a.hash)) != 0 ||
	    a.quality != b.quality)
		abort();
	return 0;
}
