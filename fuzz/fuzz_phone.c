/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: phone number normalisation and attribution. */
#include <stdint.h>
#include <stddef.h>

#include "netsweep/phone.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	nsw_phone p;

	nsw_phone_parse(&p, (const char *)data, size, NULL);
	nsw_phone_parse(&p, (const char *)data, size, "49");
	return 0;
}
