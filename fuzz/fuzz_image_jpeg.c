/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target: the jpeg decoder alone. The input's magic bytes are forced
 * so every mutation reaches the jpeg decoder rather than the sniffer; the
 * sink declines rows in a pattern chosen by the last byte, so row skipping
 * (jpeg_skip_scanlines) is fuzzed as well. Each input is decoded strictly
 * and in partial mode (nsw_image_decode_sink_partial): a file the strict
 * decoder accepts must decode the same, unmarked, in partial mode, and a
 * partial report must be consistent.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netsweep/image.h"

struct fuzz_sink {
	size_t stride;
	uint32_t sum;
	uint32_t every; /* wants_row: every Nth row, 0 = all */
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

/* Declines rows so the jpeg_skip_scanlines path is fuzzed too. */
static int fuzz_wants_row(void *ctx, uint32_t y)
{
	struct fuzz_sink *s = ctx;

	return s->every == 0 || y % s->every == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t magic[] = {0xff, 0xd8, 0xff};
	struct fuzz_sink s = {0, 0, 0};
	nsw_image_sink sink = {&s, fuzz_begin, fuzz_row, fuzz_wants_row};
	nsw_image_partial part;
	uint32_t strict_sum;
	uint8_t *copy;
	int rc, prc;

	if (size < 0 + sizeof(magic))
		return 0;
	copy = malloc(size);
	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	memcpy(copy + 0, magic, sizeof(magic));
	/* The last byte picks the row pattern (it is mostly EOI anyway). */
	s.every = data[size - 1] % 40;
	rc = nsw_image_decode_sink(copy, size, "fuzz", &sink);
	strict_sum = s.sum;
	s.sum = 0;
	prc = nsw_image_decode_sink_partial(copy, size, "fuzz", &sink, &part);
	if (rc == 0 && (prc != 0 || part.partial || s.sum != strict_sum ||
			part.rows_present != part.height))
		abort();
	if (prc == 0 && (part.height == 0 || part.rows_present > part.height ||
			 (part.partial && part.rows_present == 0)))
		abort();
	free(copy);
	return 0;
}
