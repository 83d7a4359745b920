/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz nsw_pdq_from_hex() on arbitrary bytes (no NUL terminator): it must
 * accept exactly 64 hex digits, and what it accepts must print back as the
 * same digits in lowercase.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netsweep/pdq.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int lower(int c)
{
	return (c >= 'A' && c <= 'F') ? c + ('a' - 'A') : c;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	nsw_pdq_hash h;
	char hex[NSW_PDQ_HEX_LEN + 1];
	char *copy;

	/* An exact-size heap copy, so reading past `size` is caught. */
	copy = calloc(size > 0 ? size : 1, 1);
	if (copy == NULL)
		return 0;
	if (size > 0)
		memcpy(copy, data, size);
	if (nsw_pdq_from_hex(&h, copy, size) == 0) {
		if (size != NSW_PDQ_HEX_LEN)
			abort();
		nsw_pdq_to_hex(hex, &h);
		for (size_t i = 0; i < NSW_PDQ_HEX_LEN; i++)
			if (hex[i] != lower((unsigned char)copy[i]))
				abort();
		if (nsw_pdq_distance(&h, &h) != 0)
			abort();
	}
	free(copy);
	return 0;
}
