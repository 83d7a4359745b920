/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target: the png decoder alone. The input's magic bytes are forced
 * so every mutation reaches the png decoder rather than the sniffer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netsweep/image.h"

struct fuzz_sink {
	size_t stride;
	uint32_t sum;
};

static int fuzz_begin(void *ctx, nsw_image_format format, uint32_t width,
		      uint32_t height, uint32_t channels)
{
	struct fuzz_sink *s = ctx;

	(void)format;
	(void)height;
	s->stride = (size_t)width * channels;
	return 0;
}

/* Reads every byte of the row so ASan sees any short buffer. */
static int fuzz_row(void *ctx, uint32_t y, const uint8_t *row)
{
	struct fuzz_sink *s = ctx;

	for (size_t i = 0; i < s->stride; i++)
		s->sum = s->sum * 31 + row[i] + y;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t magic[] = {0x89, 0x50, 0x4e, 0x47,
					0x0d, 0x0a, 0x1a, 0x0a};
	struct fuzz_sink s = {0, 0};
	nsw_image_sink sink = {&s, fuzz_begin, fuzz_row, NULL};
	uint8_t *copy;

	if (size < 0 + sizeof(magic))
		return 0;
	copy = malloc(size);
	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	memcpy(copy + 0, magic, sizeof(magic));
	nsw_image_decode_sink(copy, size, "fuzz", &sink);
	free(copy);
	return 0;
}
