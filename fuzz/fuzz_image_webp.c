/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the webp decoder ("WEBP" after "RIFF" and a size) alone (the
 * body is fuzz_image_codec.h). */
#define FUZZ_MAGIC                     \
	{                              \
		0x57, 0x45, 0x42, 0x50 \
	}
#define FUZZ_MAGIC_AT 8
#define FUZZ_PREFIX "RIFF"
#include "fuzz_image_codec.h"
