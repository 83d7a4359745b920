/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the streaming JSON reader, fed in two pieces. */
#include <stdint.h>
#include <stddef.h>

#include "../src/lib/json_stream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int on_any(void *ctx)
{
	(void)ctx;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	nsw_json_handlers h = {0};
	nsw_json_stream *s = NULL;
	size_t half = size / 2;

	h.start_map = on_any;
	h.end_map = on_any;
	if (nsw_json_stream_new(&s, &h, NULL, "fuzz",
				NSW_JSON_FIX_HEX_ESCAPES) < 0)
		return 0;
	if (nsw_json_stream_feed(s, data, half) == 0 &&
	    nsw_json_stream_feed(s, data + half, size - half) == 0)
		nsw_json_stream_finish(s);
	nsw_json_stream_free(s);
	return 0;
}
