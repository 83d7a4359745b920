/* SPDX-License-Identifier: Apache-2.0 */
/* gif decoding: not implemented yet (next commit on branch decode). */
#include "error.h"
#include "image_codec.h"

int nsw_image__decode_gif(const uint8_t *data, size_t len, const char *name,
			  const nsw_image_sink *sink)
{
	(void)data;
	(void)len;
	(void)sink;
	return nsw_error_set(NSW_EUNSUPPORTED, "%s: gif decoding not built yet",
			     name);
}
