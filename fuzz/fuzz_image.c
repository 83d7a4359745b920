/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target: the public image entry points (format sniffed from content),
 * through both the whole-image decode and the row sink.
 */
#include <stdint.h>
#include <stddef.h>

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
	struct fuzz_sink s = {0, 0};
	nsw_image_sink sink = {&s, fuzz_begin, fuzz_row, NULL};
	nsw_image *image = NULL;

	nsw_image_decode_sink(data, size, "fuzz", &sink);
	if (nsw_image_decode(&image, data, size, "fuzz") == 0) {
		size_t n =
			(size_t)image->width * image->height * image->channels;
		uint32_t sum = 0;

		for (size_t i = 0; i < n; i++)
			sum += image->pixels[i];
		(void)sum;
	}
	nsw_image_free(image);
	return 0;
}
