/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the scan's content sniffing of a file's first bytes. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "netsweep/scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *type;

	/* The scan reads at most 64 bytes; longer inputs test the bound. */
	type = nsw_scan_media_type(data, size);
	if (type != NULL && strlen(type) == 0)
		__builtin_trap(); /* types are never empty */
	if (size > 64)
		nsw_scan_media_type(data, 64);
	return 0;
}
