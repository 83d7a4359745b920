/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The body of the single-codec image fuzz targets: the input's magic bytes
 * are forced so every mutation reaches one decoder rather than the sniffer.
 * Each target defines FUZZ_MAGIC (the bytes, as an initialiser list),
 * FUZZ_MAGIC_AT (their offset) and optionally FUZZ_PREFIX (bytes forced at
 * offset 0, e.g. WebP's "RIFF"), then includes this file.
 */
#if !defined(FUZZ_MAGIC) || !defined(FUZZ_MAGIC_AT)
#error "define FUZZ_MAGIC and FUZZ_MAGIC_AT before including fuzz_image_codec.h"
#endif
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
	static const uint8_t magic[] = FUZZ_MAGIC;
	struct fuzz_sink s = {0, 0};
	nsw_image_sink sink = {&s, fuzz_begin, fuzz_row, NULL};
	uint8_t *copy;

	if (size < FUZZ_MAGIC_AT + sizeof(magic))
		return 0;
	copy = malloc(size);
	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
#ifdef FUZZ_PREFIX
	memcpy(copy, FUZZ_PREFIX, sizeof(FUZZ_PREFIX) - 1);
#endif
	memcpy(copy + FUZZ_MAGIC_AT, magic, sizeof(magic));
	nsw_image_decode_sink(copy, size, "fuzz", &sink);
	free(copy);
	return 0;
}
