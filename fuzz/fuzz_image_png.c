/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the png decoder alone (the body is fuzz_image_codec.h). */
#define FUZZ_MAGIC                                             \
	{                                                      \
		0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a \
	}
#define FUZZ_MAGIC_AT 0
#include "fuzz_image_codec.h"
