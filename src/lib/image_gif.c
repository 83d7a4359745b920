/* SPDX-License-Identifier: Apache-2.0 */
/*
 * GIF decoding with giflib: the only file that includes gif_lib.h. Only the
 * first frame is decoded, at its own size (as ImageMagick returns a GIF's
 * first image; the logical screen and frame offset are not composited),
 * through the local or else global colour map to RGB. Transparency is
 * ignored: a transparent index gives its colour-map entry. A GIF without
 * any colour map is read through a grey ramp, and an index past the end of
 * the map takes entry 0 (both as ImageMagick).
 */
#include <string.h>

#include <gif_lib.h>

#include "alloc.h"
#include "error.h"
#include "image_codec.h"
#include "limits.h"

struct gif_source {
	const uint8_t *data;
	size_t len, pos;
};

/* giflib's input callback: a short count makes giflib fail the read. */
static int on_read(GifFileType *gif, GifByteType *out, int n)
{
	struct gif_source *src = gif->UserData;
	size_t want = n > 0 ? (size_t)n : 0;

	if (want > src->len - src->pos)
		want = src->len - src->pos;
	memcpy(out, src->data + src->pos, want);
	src->pos += want;
	return (int)want;
}

static int gif_failure(int error, const char *name, const char *stage)
{
	const char *why = GifErrorString(error);

	if (why == NULL)
		why = "unknown error";
	if (error == D_GIF_ERR_NOT_ENOUGH_MEM)
		return nsw_error_set(NSW_ENOMEM, "%s: GIF: out of memory %s",
				     name, stage);
	if (error == D_GIF_ERR_READ_FAILED)
		return nsw_error_set(NSW_EFORMAT,
				     "%s: GIF: truncated (premature end of "
				     "data) %s",
				     name, stage);
	return nsw_error_set(NSW_EFORMAT, "%s: GIF: %s %s", name, why, stage);
}

/* Skips extension blocks until the first image descriptor. */
static int find_first_image(GifFileType *gif, const char *name)
{
	for (int records = 0; records < NSW_GIF_RECORDS_MAX; records++) {
		GifRecordType type;
		GifByteType *ext = NULL;
		int code;

		if (DGifGetRecordType(gif, &type) != GIF_OK)
			return gif_failure(gif->Error, name,
					   "before the image");
		if (type == IMAGE_DESC_RECORD_TYPE) {
			if (DGifGetImageDesc(gif) != GIF_OK)
				return gif_failure(gif->Error, name,
						   "in the image descriptor");
			return NSW_OK;
		}
		if (type == TERMINATE_RECORD_TYPE)
			return nsw_error_set(NSW_EFORMAT,
					     "%s: GIF: no image in the file",
					     name);
		if (type != EXTENSION_RECORD_TYPE)
			return nsw_error_set(NSW_EFORMAT,
					     "%s: GIF: unknown record type",
					     name);
		if (DGifGetExtension(gif, &code, &ext) != GIF_OK)
			return gif_failure(gif->Error, name, "in an extension");
		while (ext != NULL) {
			if (++records >= NSW_GIF_RECORDS_MAX)
				break;
			if (DGifGetExtensionNext(gif, &ext) != GIF_OK)
				return gif_failure(gif->Error, name,
						   "in an extension");
		}
	}
	return nsw_error_set(NSW_ELIMIT,
			     "%s: GIF: more than %d records before the image",
			     name, NSW_GIF_RECORDS_MAX);
}

/* Index row to RGB through the colour map (or a grey ramp without one). */
static void indices_to_rgb(uint8_t *rgb, const uint8_t *index, uint32_t w,
			   const ColorMapObject *map)
{
	for (uint32_t x = 0; x < w; x++, rgb += 3) {
		unsigned i = index[x];

		if (map == NULL) {
			rgb[0] = rgb[1] = rgb[2] = (uint8_t)i;
			continue;
		}
		if (i >= (unsigned)map->ColorCount)
			i = 0;
		rgb[0] = map->Colors[i].Red;
		rgb[1] = map->Colors[i].Green;
		rgb[2] = map->Colors[i].Blue;
	}
}

/* Rows of the first frame, de-interlaced, to the sink. */
static int deliver_rows(GifFileType *gif, const char *name,
			const nsw_image_sink *sink)
{
	static const uint32_t start[4] = {0, 4, 2, 1}, step[4] = {8, 8, 4, 2};
	const GifImageDesc *desc = &gif->Image;
	const ColorMapObject *map =
		desc->ColorMap ? desc->ColorMap : gif->SColorMap;
	uint32_t w = (uint32_t)desc->Width, h = (uint32_t)desc->Height;
	uint8_t *index = NULL, *rgb = NULL;
	size_t index_bytes = desc->Interlace ? (size_t)w * h : w;
	int rc;

	if (map != NULL && (map->ColorCount <= 0 || map->Colors == NULL))
		map = NULL;
	index = nsw__malloc(index_bytes);
	rgb = nsw__malloc((size_t)w * 3);
	if (index == NULL || rgb == NULL) {
		rc = nsw_error_set(NSW_ENOMEM, "%s: out of memory decoding GIF",
				   name);
		goto done;
	}
	rc = nsw_image__begin(sink, NSW_IMAGE_GIF, w, h, 3);
	if (rc != NSW_OK)
		goto done;
	if (desc->Interlace) {
		for (int pass = 0; pass < 4; pass++)
			for (uint32_t y = start[pass]; y < h; y += step[pass])
				if (DGifGetLine(gif, index + (size_t)y * w,
						(int)w) != GIF_OK) {
					rc = gif_failure(gif->Error, name,
							 "in the image data");
					goto done;
				}
	}
	for (uint32_t y = 0; y < h && rc == NSW_OK; y++) {
		const uint8_t *row = index;

		if (desc->Interlace)
			row += (size_t)y * w;
		else if (DGifGetLine(gif, index, (int)w) != GIF_OK) {
			rc = gif_failure(gif->Error, name, "in the image data");
			goto done;
		}
		indices_to_rgb(rgb, row, w, map);
		rc = sink->row(sink->ctx, y, rgb);
	}
done:
	nsw__free(index);
	nsw__free(rgb);
	return rc;
}

int nsw_image__decode_gif(const uint8_t *data, size_t len, const char *name,
			  const nsw_image_sink *sink)
{
	struct gif_source src = {data, len, 0};
	GifFileType *gif = NULL;
	int error = 0, rc;

	gif = DGifOpen(&src, on_read, &error);
	if (gif == NULL)
		return gif_failure(error, name, "in the header");
	if (gif->SWidth > (int)NSW_IMAGE_DIM_MAX ||
	    gif->SHeight > (int)NSW_IMAGE_DIM_MAX) {
		rc = nsw_error_set(NSW_ELIMIT,
				   "%s: GIF screen %d x %d exceeds the %u "
				   "pixel side limit",
				   name, gif->SWidth, gif->SHeight,
				   NSW_IMAGE_DIM_MAX);
		goto done;
	}
	rc = find_first_image(gif, name);
	if (rc != NSW_OK)
		goto done;
	if (gif->Image.Width <= 0 || gif->Image.Height <= 0) {
		rc = nsw_error_set(NSW_EFORMAT,
				   "%s: GIF frame has a zero "
				   "dimension",
				   name);
		goto done;
	}
	rc = nsw_image__check_dims((uint64_t)gif->Image.Width,
				   (uint64_t)gif->Image.Height, name, "GIF");
	if (rc == NSW_OK)
		rc = deliver_rows(gif, name, sink);
done:
	DGifCloseFile(gif, &error);
	return rc;
}
