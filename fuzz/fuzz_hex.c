/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: strict hex digest parsing and UTF-8 name validation, with
 * their invariants (parse then encode gives the input back, lowercased;
 * a valid UTF-8 string is the sum of its characters). */
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "netsweep/digest.h"
#include "netsweep/walk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char lower(char c)
{
	return c >= 'A' && c <= 'F' ? (char)(c - 'A' + 'a') : c;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	uint8_t out[64];
	char hex[129];
	size_t i = 0;
	int valid;

	if (size <= 128 && size % 2 == 0 &&
	    nsw_hex_decode(out, size / 2, text, size) == 0) {
		nsw_hex_encode(hex, out, size / 2);
		for (size_t k = 0; k < size; k++)
			if (hex[k] != lower(text[k]))
				abort();
	}
	/* Every fixed digest length, whatever the input length. */
	nsw_hex_decode(out, NSW_MD5_BYTES, text, size);
	nsw_hex_decode(out, NSW_SHA256_BYTES, text, size);

	valid = nsw_utf8_valid(text, size);
	while (i < size) {
		size_t n = nsw_utf8_char_len(data + i, size - i);

		if (n == 0)
			break;
		if (n > 4 || n > size - i)
			abort();
		i += n;
	}
	if (valid != (i == size))
		abort();
	return 0;
}
