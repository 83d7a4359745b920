/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The PDQ front end (docs/pdq.md): from decoded 8-bit rows to the luma the
 * core hashes, exactly as the reference tool's I/O layer does it.
 *
 * - Pre-resize: when either side exceeds 512, nearest neighbour to exactly
 *   512 x 512; output column x reads source column floor(x * W / 512).
 * - Grey: when every pixel of a 3-channel image has R = G = B, luma is that
 *   value, not the weighted sum (0.299 + 0.587 + 0.114 is not exactly 1 in
 *   float, so the two differ).
 *
 * Rows stream in through an nsw_image_sink; only the sampled pixels are
 * kept, already as luma (at most 512 x 512 floats), and while every pixel
 * so far is grey, as grey bytes instead: the first pixel with R, G, B not
 * all equal turns the kept rows into weighted luma, and from then on rows
 * go straight to luma. Which rows does the sink need? The
 * pixels need only the sampled rows, but the grey flag needs every pixel of
 * every row for as long as it is still true: one row that is not grey
 * settles it. So wants_row() answers "yes" for every row of a 3-channel
 * image until a non-grey pixel has been seen, and afterwards only for the
 * sampled rows; for a 1-channel image, only for the sampled rows. A decoder
 * that skips rows we said we do not want therefore loses nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "error.h"
#include "limits.h"
#include "pdq_core.h"
#include "pdq_input.h"

static const char *display(const char *name)
{
	return name != NULL ? name : "image";
}

/* floor(i * src / 512) computed in double, as the reference does. */
static uint32_t nearest(uint32_t i, uint32_t src, uint32_t dst)
{
	return (uint32_t)((double)i * (double)src / (double)dst);
}

static int collector_begin(void *ctx, nsw_image_format format, uint32_t width,
			   uint32_t height, uint32_t channels)
{
	nsw_pdq__collector *c = ctx;
	int resize = width > NSW_PDQ_RESIZE || height > NSW_PDQ_RESIZE;
	size_t plane, work, floats, bytes;

	(void)format;
	if (c->begun)
		return nsw_error_set(NSW_EINVAL, "pdq: image began twice");
	if (width == 0 || height == 0 || (channels != 1 && channels != 3))
		return nsw_error_set(
			NSW_EINVAL, "pdq: %ux%u image with %u channels",
			(unsigned)width, (unsigned)height, (unsigned)channels);
	c->width = width;
	c->height = height;
	c->channels = channels;
	c->out_w = resize ? NSW_PDQ_RESIZE : width;
	c->out_h = resize ? NSW_PDQ_RESIZE : height;
	c->grey = channels == 3;
	c->last_y = -1;
	c->begun = 1;
	/* One block: luma plane, core workspace, grey bytes. out_w and out_h
	 * are <= 512, so this cannot overflow; checked anyway. */
	plane = (size_t)c->out_w * c->out_h;
	work = nsw_pdq__filter_work(c->out_h, c->out_w);
	if (work == 0 || __builtin_add_overflow(plane, work, &floats) ||
	    __builtin_mul_overflow(floats, sizeof(float), &bytes) ||
	    __builtin_add_overflow(bytes, channels == 3 ? plane : 0, &bytes))
		return nsw_error_set(NSW_ENOMEM, "pdq: image too large");
	c->col_src = nsw__reallocarray(NULL, c->out_w, sizeof(uint32_t));
	c->row_src = nsw__reallocarray(NULL, c->out_h, sizeof(uint32_t));
	c->block = nsw__malloc(bytes);
	if (c->col_src == NULL || c->row_src == NULL || c->block == NULL)
		return nsw_error_set(NSW_ENOMEM,
				     "pdq: no memory for a %ux%u image",
				     (unsigned)c->out_w, (unsigned)c->out_h);
	c->luma = c->block;
	c->work = c->luma + plane;
	c->grey_px = channels == 3 ? (uint8_t *)(c->work + work) : NULL;
	for (uint32_t x = 0; x < c->out_w; x++)
		c->col_src[x] = resize ? nearest(x, width, NSW_PDQ_RESIZE) : x;
	for (uint32_t y = 0; y < c->out_h; y++)
		c->row_src[y] = resize ? nearest(y, height, NSW_PDQ_RESIZE) : y;
	/* The products of the luma sum: the same float values as computing
	 * 0.299f * R each time. */
	for (int v = 0; v < 256; v++) {
		c->lut[0][v] = 0.299f * v;
		c->lut[1][v] = 0.587f * v;
		c->lut[2][v] = 0.114f * v;
	}
	return NSW_OK;
}

int nsw_pdq__row_is_grey(const uint8_t *row, uint32_t width)
{
	/*
	 * R = G = B for every pixel means byte i equals byte i + 1 wherever
	 * i % 3 != 2. Eight pixels (24 bytes, three words) at a time: XOR
	 * each word with the same bytes shifted by one and keep the bytes
	 * that must match. The masks are built through memcpy, like the data,
	 * so byte order does not matter.
	 */
	static const uint8_t keep[3][8] = {
		{0xff, 0xff, 0, 0xff, 0xff, 0, 0xff, 0xff},
		{0, 0xff, 0xff, 0, 0xff, 0xff, 0, 0xff},
		{0xff, 0, 0xff, 0xff, 0, 0xff, 0xff, 0}};
	const size_t bytes = (size_t)width * 3;
	uint64_t mask[3], diff = 0;
	size_t i = 0;

	memcpy(mask, keep, sizeof(mask));
	/* i + 25 <= bytes: the shifted load reads one byte past the chunk. */
	for (; i + 25 <= bytes; i += 24) {
		for (int k = 0; k < 3; k++) {
			uint64_t a, b;

			memcpy(&a, row + i + 8 * k, sizeof(a));
			memcpy(&b, row + i + 8 * k + 1, sizeof(b));
			diff |= (a ^ b) & mask[k];
		}
	}
	for (; i < bytes; i += 3)
		diff |= (uint64_t)(row[i] ^ row[i + 1]) |
			(uint64_t)(row[i] ^ row[i + 2]);
	return diff == 0;
}

/* Y = 0.299f * R + 0.587f * G + 0.114f * B, left to right, in float. */
static float weighted(const nsw_pdq__collector *c, const uint8_t *p)
{
	return c->lut[0][p[0]] + c->lut[1][p[1]] + c->lut[2][p[2]];
}

/*
 * Ask for a whole sampled row before gathering from it. libjpeg-turbo's
 * SIMD colour conversion writes 16/32-byte aligned output rows with
 * non-temporal stores, so the row a sink gets is usually not in cache and
 * the sampled reads (one every few bytes) would each wait for memory:
 * measured 1.2 ms of 7 ms for a 1920 x 1080 JPEG, and neutral when the row
 * is cached.
 */
static void prefetch_row(const nsw_pdq__collector *c, const uint8_t *row)
{
	const size_t bytes = (size_t)c->width * c->channels;

	for (size_t i = 0; i < bytes; i += 64)
		__builtin_prefetch(row + i);
}

/* Luma of one sampled row. */
static void luma_row(const nsw_pdq__collector *c, float *dst,
		     const uint8_t *row)
{
	const uint32_t *src = c->col_src;
	uint32_t n = c->out_w;

	prefetch_row(c, row);

	if (c->channels == 1) {
		for (uint32_t x = 0; x < n; x++)
			dst[x] = (float)row[src[x]];
	} else {
		for (uint32_t x = 0; x < n; x++)
			dst[x] = weighted(c, row + (size_t)3 * src[x]);
	}
}

/* Grey values (R) of one sampled row. */
static void grey_row(const nsw_pdq__collector *c, uint8_t *dst,
		     const uint8_t *row)
{
	prefetch_row(c, row);
	for (uint32_t x = 0; x < c->out_w; x++)
		dst[x] = row[(size_t)3 * c->col_src[x]];
}

/*
 * The first pixel with R, G and B not all equal: the image is not grey, so
 * the rows kept as grey values (all R = G = B) take the weighted sum too.
 */
static void leave_grey(nsw_pdq__collector *c)
{
	const size_t n = (size_t)c->next_out * c->out_w;

	c->grey = 0;
	for (size_t i = 0; i < n; i++) {
		const uint8_t v = c->grey_px[i];

		c->luma[i] = c->lut[0][v] + c->lut[1][v] + c->lut[2][v];
	}
}

static int collector_row(void *ctx, uint32_t y, const uint8_t *row)
{
	nsw_pdq__collector *c = ctx;
	const size_t w = c->out_w;
	uint32_t first;

	if (!c->begun || y >= c->height || (int64_t)y <= c->last_y ||
	    row == NULL)
		return nsw_error_set(NSW_EINVAL,
				     "pdq: row %u out of order or range",
				     (unsigned)y);
	c->last_y = y;
	c->rows_seen++;
	while (c->next_out < c->out_h && c->row_src[c->next_out] < y)
		c->next_out++;
	if (c->grey && !nsw_pdq__row_is_grey(row, c->width))
		leave_grey(c);
	first = c->next_out;
	while (c->next_out < c->out_h && c->row_src[c->next_out] == y) {
		const size_t o = (size_t)c->next_out * w;

		if (c->grey && c->next_out == first)
			grey_row(c, c->grey_px + o, row);
		else if (c->grey)
			memcpy(c->grey_px + o, c->grey_px + first * w, w);
		else if (c->next_out == first)
			luma_row(c, c->luma + o, row);
		else
			memcpy(c->luma + o, c->luma + first * w,
			       w * sizeof(float));
		c->rows_filled++;
		c->next_out++;
	}
	return NSW_OK;
}

static int collector_wants_row(void *ctx, uint32_t y)
{
	const nsw_pdq__collector *c = ctx;
	uint64_t lo, hi;

	if (!c->begun)
		return 1;
	if (y >= c->height)
		return 0;
	if (c->grey || c->out_h == c->height)
		return 1;
	/* Output rows oy with floor(oy * H / 512) == y: [lo, hi). */
	lo = ((uint64_t)y * c->out_h + c->height - 1) / c->height;
	hi = ((uint64_t)(y + 1) * c->out_h + c->height - 1) / c->height;
	return lo < hi;
}

void nsw_pdq__collector_init(nsw_pdq__collector *c, nsw_image_sink *sink)
{
	memset(c, 0, sizeof(*c));
	c->last_y = -1;
	sink->ctx = c;
	sink->begin = collector_begin;
	sink->row = collector_row;
	sink->wants_row = collector_wants_row;
}

void nsw_pdq__collector_dispose(nsw_pdq__collector *c)
{
	nsw__free(c->col_src);
	nsw__free(c->row_src);
	nsw__free(c->block);
	c->col_src = NULL;
	c->row_src = NULL;
	c->block = NULL;
	c->luma = NULL;
	c->work = NULL;
	c->grey_px = NULL;
}

int nsw_pdq__collector_finish(nsw_pdq_result *out, nsw_pdq__collector *c,
			      const char *name, int dihedral)
{
	if (!c->begun)
		return nsw_error_set(NSW_EFORMAT, "%s: no image header",
				     display(name));
	if (c->rows_filled != c->out_h)
		return nsw_error_set(NSW_EFORMAT,
				     "%s: %u of %u sampled rows decoded",
				     display(name), (unsigned)c->rows_filled,
				     (unsigned)c->out_h);
	if (c->grey && c->rows_seen != c->height)
		return nsw_error_set(NSW_EFORMAT,
				     "%s: %u of %u rows decoded, grey test "
				     "incomplete",
				     display(name), (unsigned)c->rows_seen,
				     (unsigned)c->height);
	if (c->grey) /* grey all through: luma is the grey value itself */
		for (size_t i = 0; i < (size_t)c->out_w * c->out_h; i++)
			c->luma[i] = (float)c->grey_px[i];
	nsw_pdq__hash_luma_work(out, c->luma, c->out_w, c->out_h, dihedral,
				c->work);
	return NSW_OK;
}

int nsw_pdq_hash_pixels(nsw_pdq_result *out, const uint8_t *pixels,
			uint32_t width, uint32_t height, uint32_t channels,
			size_t stride, int dihedral)
{
	nsw_pdq__collector c;
	nsw_image_sink sink;
	int rc;

	if (out == NULL || pixels == NULL)
		return nsw_error_set(NSW_EINVAL, "pdq: no output or pixels");
	if ((channels == 1 || channels == 3) &&
	    stride < (size_t)width * channels)
		return nsw_error_set(
			NSW_EINVAL, "pdq: stride %zu below %u x %u bytes",
			stride, (unsigned)width, (unsigned)channels);
	nsw_pdq__collector_init(&c, &sink);
	rc = sink.begin(sink.ctx, NSW_IMAGE_UNKNOWN, width, height, channels);
	for (uint32_t y = 0; rc == NSW_OK && y < height; y++)
		if (sink.wants_row(sink.ctx, y))
			rc = sink.row(sink.ctx, y, pixels + (size_t)y * stride);
	if (rc == NSW_OK)
		rc = nsw_pdq__collector_finish(out, &c, NULL, dihedral);
	nsw_pdq__collector_dispose(&c);
	return rc;
}

int nsw_pdq_hash_buffer_opts(nsw_pdq_result *out, const uint8_t *data,
			     size_t len, const char *name, int dihedral,
			     unsigned flags)
{
	nsw_pdq__collector c;
	nsw_image_sink sink;
	nsw_image_partial part;
	int rc;

	if (out == NULL || (data == NULL && len != 0))
		return nsw_error_set(NSW_EINVAL, "pdq: no output or no data");
	memset(out, 0, sizeof(*out));
	if ((flags & ~NSW_PDQ_PARTIAL_IMAGES) != 0)
		return nsw_error_set(NSW_EINVAL, "pdq: unknown flags 0x%x",
				     flags);
	memset(&part, 0, sizeof(part));
	nsw_pdq__collector_init(&c, &sink);
	/*
	 * A partial JPEG still delivers every row (the missing ones as
	 * libjpeg's padding), so the collector works as for a whole image.
	 */
	if (flags & NSW_PDQ_PARTIAL_IMAGES)
		rc = nsw_image_decode_sink_partial(data, len, name, &sink,
						   &part);
	else
		rc = nsw_image_decode_sink(data, len, name, &sink);
	if (rc == NSW_OK)
		rc = nsw_pdq__collector_finish(out, &c, name, dihedral);
	if (rc == NSW_OK) {
		/* The decoded size, as begin() reported it (pdq.h). */
		out->width = c.width;
		out->height = c.height;
		out->partial = part.partial;
		out->rows_present = part.partial ? part.rows_present : c.height;
	}
	nsw_pdq__collector_dispose(&c);
	return rc;
}

int nsw_pdq_hash_buffer(nsw_pdq_result *out, const uint8_t *data, size_t len,
			const char *name, int dihedral)
{
	return nsw_pdq_hash_buffer_opts(out, data, len, name, dihedral, 0);
}

/* Evidence is read, never written or touched: O_NOATIME where allowed. */
static int open_evidence(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOATIME);

	if (fd < 0 && errno == EPERM) /* O_NOATIME needs file ownership */
		fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd;
}

static int read_whole(uint8_t **out, size_t *out_len, const char *path)
{
	uint8_t *data = NULL;
	struct stat st;
	size_t size, got = 0;
	int fd, rc = NSW_OK;

	*out = NULL;
	*out_len = 0;
	fd = open_evidence(path);
	if (fd < 0)
		return nsw_error_set(errno == ENOENT || errno == ENOTDIR
					     ? NSW_ENOTFOUND
					     : NSW_EIO,
				     "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0) {
		rc = nsw_error_set(NSW_EIO, "%s: %s", path, strerror(errno));
		goto done;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = nsw_error_set(NSW_EIO, "%s: not a regular file", path);
		goto done;
	}
	if ((uint64_t)st.st_size > NSW_IMAGE_FILE_MAX) {
		rc = nsw_error_set(NSW_ELIMIT,
				   "%s: %lld bytes, over the %zu-byte image "
				   "limit",
				   path, (long long)st.st_size,
				   (size_t)NSW_IMAGE_FILE_MAX);
		goto done;
	}
	size = (size_t)st.st_size;
	data = nsw__malloc(size > 0 ? size : 1);
	if (data == NULL) {
		rc = nsw_error_set(NSW_ENOMEM, "%s: no memory for %zu bytes",
				   path, size);
		goto done;
	}
	while (got < size) {
		ssize_t n = read(fd, data + got, size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = nsw_error_set(NSW_EIO, "%s: %s", path,
					   strerror(errno));
			goto done;
		}
		if (n == 0)
			break; /* shrank while reading: hash what is there */
		got += (size_t)n;
	}
	*out = data;
	*out_len = got;
	data = NULL;
done:
	nsw__free(data);
	close(fd);
	return rc;
}

int nsw_pdq_hash_file(nsw_pdq_result *out, const char *path, int dihedral)
{
	uint8_t *data = NULL;
	size_t len = 0;
	int rc;

	if (out == NULL || path == NULL)
		return nsw_error_set(NSW_EINVAL, "pdq: no output or no path");
	memset(out, 0, sizeof(*out));
	rc = read_whole(&data, &len, path);
	if (rc == NSW_OK)
		rc = nsw_pdq_hash_buffer(out, data, len, path, dihedral);
	nsw__free(data);
	return rc;
}
