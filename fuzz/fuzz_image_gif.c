/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the gif decoder (GIF89a) alone (the body is fuzz_image_codec.h).
 */
#define FUZZ_MAGIC                                 \
	{                                          \
		0x47, 0x49, 0x46, 0x38, 0x39, 0x61 \
	}
#define FUZZ_MAGIC_AT 0
#include "fuzz_image_codec.h"
