/* SPDX-License-Identifier: Apache-2.0 */
/* Benign image synthesis and encoders to memory for tests and benchmarks. */
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gif_lib.h>
#include <jpeglib.h>
#include <png.h>
#include <webp/decode.h>
#include <webp/encode.h>

#include "imgsynth.h"

static uint64_t splitmix(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Uniform in [lo, hi). */
static float frand(uint64_t *state, float lo, float hi)
{
	return lo +
	       (hi - lo) * (float)(splitmix(state) >> 40) / (float)(1ull << 24);
}

static uint8_t clamp8(float v)
{
	if (v <= 0.0f)
		return 0;
	if (v >= 255.0f)
		return 255;
	return (uint8_t)(v + 0.5f);
}

/* Smooth background: two-axis colour gradient plus soft lighting waves. */
static void paint_background(uint8_t *rgb, uint32_t w, uint32_t h, uint64_t *rs)
{
	float base[3], dx[3], dy[3], wave[3];
	float *colwave = malloc(sizeof(float) * w);
	float *rowwave = malloc(sizeof(float) * h);
	float fx = frand(rs, 0.5f, 3.0f), fy = frand(rs, 0.5f, 3.0f);
	float px = frand(rs, 0, 6.28f), py = frand(rs, 0, 6.28f);

	for (int c = 0; c < 3; c++) {
		base[c] = frand(rs, 40, 200);
		dx[c] = frand(rs, -80, 80);
		dy[c] = frand(rs, -80, 80);
		wave[c] = frand(rs, 5, 25);
	}
	if (colwave == NULL || rowwave == NULL) {
		free(colwave);
		free(rowwave);
		return;
	}
	for (uint32_t x = 0; x < w; x++)
		colwave[x] = sinf(6.2831853f * fx * (float)x / (float)w + px);
	for (uint32_t y = 0; y < h; y++)
		rowwave[y] = sinf(6.2831853f * fy * (float)y / (float)h + py);
	/* v = (terms of x) + (terms of y): one add per sample. */
	float *colterm = malloc(sizeof(float) * 3 * w);

	if (colterm == NULL) {
		free(colwave);
		free(rowwave);
		return;
	}
	for (uint32_t x = 0; x < w; x++)
		for (int c = 0; c < 3; c++)
			colterm[x * 3 + c] = dx[c] * (float)x / (float)w +
					     wave[c] * colwave[x];
	for (uint32_t y = 0; y < h; y++) {
		uint8_t *p = rgb + (size_t)y * w * 3;
		float ty = (float)y / (float)h, rowterm[3];

		for (int c = 0; c < 3; c++)
			rowterm[c] =
				base[c] + dy[c] * ty + wave[c] * rowwave[y];
		for (uint32_t i = 0; i < w * 3; i += 3) {
			p[i] = clamp8(rowterm[0] + colterm[i]);
			p[i + 1] = clamp8(rowterm[1] + colterm[i + 1]);
			p[i + 2] = clamp8(rowterm[2] + colterm[i + 2]);
		}
	}
	free(colterm);
	free(colwave);
	free(rowwave);
}

/*
 * One shape: an ellipse (soft anti-aliased edge) or a rectangle, in a
 * shaded colour, optionally striped. Only its bounding box is visited.
 */
static void paint_shape(uint8_t *rgb, uint32_t w, uint32_t h, uint64_t *rs)
{
	float cx = frand(rs, 0, (float)w), cy = frand(rs, 0, (float)h);
	float side = (float)(w < h ? w : h);
	float rx = frand(rs, 0.01f, 0.25f) * side;
	float ry = frand(rs, 0.01f, 0.25f) * side;
	int ellipse = (splitmix(rs) & 3) != 0;
	int stripes = (splitmix(rs) & 3) == 0;
	float period = frand(rs, 3, 24);
	float col[3], shade[3], opacity = frand(rs, 0.6f, 1.0f);
	long x0 = (long)(cx - rx) - 1, x1 = (long)(cx + rx) + 1;
	long y0 = (long)(cy - ry) - 1, y1 = (long)(cy + ry) + 1;

	for (int c = 0; c < 3; c++) {
		col[c] = frand(rs, 0, 255);
		shade[c] = frand(rs, -40, 40);
	}
	if (x0 < 0)
		x0 = 0;
	if (y0 < 0)
		y0 = 0;
	if (x1 > (long)w)
		x1 = (long)w;
	if (y1 > (long)h)
		y1 = (long)h;
	for (long y = y0; y < y1; y++) {
		float ny = ((float)y + 0.5f - cy) / ry;
		uint8_t *p = rgb + ((size_t)y * w + (size_t)x0) * 3;

		for (long x = x0; x < x1; x++, p += 3) {
			float nx = ((float)x + 0.5f - cx) / rx;
			float a = opacity, t;

			if (ellipse) {
				float d = nx * nx + ny * ny;

				if (d >= 1.0f)
					continue;
				if (d > 0.85f) /* soft edge */
					a *= (1.0f - d) / 0.15f;
			} else if (nx < -1 || nx > 1 || ny < -1 || ny > 1) {
				continue;
			}
			t = 0.5f * (nx + ny);
			if (stripes && ((long)((float)(x + y) / period) & 1))
				t += 0.6f;
			for (int c = 0; c < 3; c++) {
				float v = col[c] + shade[c] * t;

				p[c] = clamp8((float)p[c] * (1 - a) + v * a);
			}
		}
	}
}

/*
 * Fine detail like foliage or fabric: value noise on a grid of `cell`
 * pixels, bilinearly interpolated, added to all three channels.
 */
static void add_texture(uint8_t *rgb, uint32_t w, uint32_t h, uint64_t *rs)
{
	const uint32_t cell = 5;
	uint32_t gw = w / cell + 2, gh = h / cell + 2;
	float amp = frand(rs, 8, 16);
	float *grid = malloc(sizeof(float) * gw * gh);

	if (grid == NULL)
		return;
	for (size_t i = 0; i < (size_t)gw * gh; i++)
		grid[i] = frand(rs, -amp, amp);
	for (uint32_t y = 0; y < h; y++) {
		uint32_t gy = y / cell;
		float fy = (float)(y % cell) / (float)cell;
		const float *g0 = grid + (size_t)gy * gw, *g1 = g0 + gw;
		uint8_t *p = rgb + (size_t)y * w * 3;

		for (uint32_t x = 0; x < w; x++, p += 3) {
			uint32_t gx = x / cell;
			float fx = (float)(x % cell) / (float)cell;
			float top = g0[gx] + (g0[gx + 1] - g0[gx]) * fx;
			float bot = g1[gx] + (g1[gx + 1] - g1[gx]) * fx;
			int d = (int)(top + (bot - top) * fy);

			for (int c = 0; c < 3; c++) {
				int v = p[c] + d;

				p[c] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
			}
		}
	}
	free(grid);
}

/* Mild sensor-like noise, +-3, from a fast per-row generator. */
static void add_noise(uint8_t *rgb, uint32_t w, uint32_t h, uint64_t seed)
{
	for (uint32_t y = 0; y < h; y++) {
		uint64_t s = seed ^ ((uint64_t)y * 0x9e3779b97f4a7c15ull);
		uint32_t r = (uint32_t)splitmix(&s) | 1;
		uint8_t *p = rgb + (size_t)y * w * 3;

		for (size_t i = 0; i < (size_t)w * 3; i++) {
			int v;

			r ^= r << 13;
			r ^= r >> 17;
			r ^= r << 5;
			v = p[i] + (int)(((r >> 8) * 7u) >> 24) - 3;
			p[i] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
		}
	}
}

uint8_t *ts_synth_rgb(uint32_t w, uint32_t h, uint64_t seed)
{
	uint64_t rs = seed * 0x2545f4914f6cdd1dull + 1;
	uint8_t *rgb;
	int shapes;

	if (w == 0 || h == 0)
		return NULL;
	rgb = malloc((size_t)w * h * 3);
	if (rgb == NULL)
		return NULL;
	paint_background(rgb, w, h, &rs);
	shapes = 20 + (int)(splitmix(&rs) % 20);
	for (int i = 0; i < shapes; i++)
		paint_shape(rgb, w, h, &rs);
	add_texture(rgb, w, h, &rs);
	add_noise(rgb, w, h, rs);
	return rgb;
}

uint8_t *ts_synth_grey(uint32_t w, uint32_t h, uint64_t seed)
{
	uint8_t *rgb = ts_synth_rgb(w, h, seed);
	uint8_t *grey = rgb ? ts_synth_channels(rgb, w, h, 1) : NULL;

	free(rgb);
	return grey;
}

uint8_t *ts_synth_channels(const uint8_t *rgb, uint32_t w, uint32_t h,
			   int channels)
{
	uint8_t *out;

	if (channels < 1 || channels > 4)
		return NULL;
	out = malloc((size_t)w * h * (size_t)channels);
	if (out == NULL)
		return NULL;
	for (uint32_t y = 0; y < h; y++) {
		for (uint32_t x = 0; x < w; x++) {
			const uint8_t *p = rgb + ((size_t)y * w + x) * 3;
			uint8_t *q = out + ((size_t)y * w + x) * channels;
			uint8_t alpha =
				(uint8_t)(((x / 4) * 37 + y * 11) & 255);
			uint8_t luma = (uint8_t)((p[0] * 77 + p[1] * 150 +
						  p[2] * 29 + 128) >>
						 8);

			if ((x + y) % 5 == 0)
				alpha = 0;
			switch (channels) {
			case 1:
				q[0] = luma;
				break;
			case 2:
				q[0] = luma;
				q[1] = alpha;
				break;
			case 3:
				memcpy(q, p, 3);
				break;
			default:
				memcpy(q, p, 3);
				q[3] = alpha;
				break;
			}
		}
	}
	return out;
}

static uint8_t cube_level(uint8_t v)
{
	return (uint8_t)((v + 25) / 51);
}

void ts_palette_quantize(uint8_t *rgb, uint32_t w, uint32_t h)
{
	for (size_t i = 0; i < (size_t)w * h * 3; i++)
		rgb[i] = (uint8_t)(cube_level(rgb[i]) * 51);
}

static uint8_t cube_index(const uint8_t *p)
{
	return (uint8_t)(cube_level(p[0]) * 36 + cube_level(p[1]) * 6 +
			 cube_level(p[2]));
}

/* ---- JPEG ------------------------------------------------------------ */

struct ts_jpeg_err {
	struct jpeg_error_mgr pub;
	jmp_buf escape;
};

static void ts_jpeg_error_exit(j_common_ptr cinfo)
{
	longjmp(((struct ts_jpeg_err *)cinfo->err)->escape, 1);
}

static void ts_jpeg_silent(j_common_ptr cinfo, int level)
{
	(void)cinfo;
	(void)level;
}

static int encode_jpeg(uint8_t **out, size_t *len, const uint8_t *pixels,
		       uint32_t w, uint32_t h, int channels, J_COLOR_SPACE in,
		       J_COLOR_SPACE file, const ts_jpeg_opts *opts)
{
	struct jpeg_compress_struct cinfo;
	struct ts_jpeg_err err;
	unsigned char *volatile buf = NULL;
	unsigned long size = 0;

	*out = NULL;
	*len = 0;
	memset(&cinfo, 0, sizeof(cinfo));
	cinfo.err = jpeg_std_error(&err.pub);
	err.pub.error_exit = ts_jpeg_error_exit;
	err.pub.emit_message = ts_jpeg_silent;
	if (setjmp(err.escape)) {
		jpeg_destroy_compress(&cinfo);
		free(buf);
		return -1;
	}
	jpeg_create_compress(&cinfo);
	{
		unsigned char *b = NULL;

		jpeg_mem_dest(&cinfo, &b, &size);
		buf = b;
		cinfo.image_width = w;
		cinfo.image_height = h;
		cinfo.input_components = channels;
		cinfo.in_color_space = in;
		jpeg_set_defaults(&cinfo);
		if (file != JCS_UNKNOWN)
			jpeg_set_colorspace(&cinfo, file);
		jpeg_set_quality(&cinfo, opts->quality, TRUE);
		if (opts->h_samp > 0 && opts->v_samp > 0) {
			cinfo.comp_info[0].h_samp_factor = opts->h_samp;
			cinfo.comp_info[0].v_samp_factor = opts->v_samp;
		}
		cinfo.restart_in_rows = opts->restart_rows;
		if (opts->optimize_coding)
			cinfo.optimize_coding = TRUE;
		if (opts->progressive)
			jpeg_simple_progression(&cinfo);
		jpeg_start_compress(&cinfo, TRUE);
		while (cinfo.next_scanline < h) {
			JSAMPROW row = (JSAMPROW)(pixels +
						  (size_t)cinfo.next_scanline *
							  w * channels);

			jpeg_write_scanlines(&cinfo, &row, 1);
		}
		jpeg_finish_compress(&cinfo);
		buf = b;
	}
	jpeg_destroy_compress(&cinfo);
	*out = buf;
	*len = size;
	return 0;
}

int ts_encode_jpeg(uint8_t **out, size_t *len, const uint8_t *pixels,
		   uint32_t w, uint32_t h, int channels, int quality,
		   int progressive)
{
	ts_jpeg_opts opts = {quality, progressive, 0, 0, 0, 0};

	if (channels == 4)
		return ts_encode_jpeg_cmyk(out, len, pixels, w, h, quality, 0);
	return ts_encode_jpeg_opts(out, len, pixels, w, h, channels, &opts);
}

int ts_encode_jpeg_opts(uint8_t **out, size_t *len, const uint8_t *pixels,
			uint32_t w, uint32_t h, int channels,
			const ts_jpeg_opts *opts)
{
	J_COLOR_SPACE in = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;

	if (channels == 4)
		return encode_jpeg(out, len, pixels, w, h, 4, JCS_CMYK,
				   JCS_CMYK, opts);
	if (channels != 1 && channels != 3)
		return -1;
	return encode_jpeg(out, len, pixels, w, h, channels, in, JCS_UNKNOWN,
			   opts);
}

int ts_encode_jpeg_cmyk(uint8_t **out, size_t *len, const uint8_t *cmyk,
			uint32_t w, uint32_t h, int quality, int ycck)
{
	ts_jpeg_opts opts = {quality, 0, 0, 0, 0, 0};

	return encode_jpeg(out, len, cmyk, w, h, 4, JCS_CMYK,
			   ycck ? JCS_YCCK : JCS_CMYK, &opts);
}

int ts_decode_jpeg_ref(const uint8_t *data, size_t len, uint8_t **pixels,
		       uint32_t *w, uint32_t *h, int *channels)
{
	struct jpeg_decompress_struct cinfo;
	struct ts_jpeg_err err;
	uint8_t *volatile buf = NULL;

	*pixels = NULL;
	memset(&cinfo, 0, sizeof(cinfo));
	cinfo.err = jpeg_std_error(&err.pub);
	err.pub.error_exit = ts_jpeg_error_exit;
	err.pub.emit_message = ts_jpeg_silent;
	if (setjmp(err.escape)) {
		jpeg_destroy_decompress(&cinfo);
		free(buf);
		return -1;
	}
	jpeg_create_decompress(&cinfo);
	jpeg_mem_src(&cinfo, data, (unsigned long)len);
	jpeg_read_header(&cinfo, TRUE);
	jpeg_start_decompress(&cinfo);
	{
		size_t stride = (size_t)cinfo.output_width *
				(size_t)cinfo.output_components;
		uint8_t *b = malloc(stride * cinfo.output_height);

		buf = b;
		if (b == NULL) {
			jpeg_destroy_decompress(&cinfo);
			return -1;
		}
		while (cinfo.output_scanline < cinfo.output_height) {
			JSAMPROW row =
				b + (size_t)cinfo.output_scanline * stride;

			jpeg_read_scanlines(&cinfo, &row, 1);
		}
	}
	*w = cinfo.output_width;
	*h = cinfo.output_height;
	*channels = cinfo.output_components;
	jpeg_finish_decompress(&cinfo);
	jpeg_destroy_decompress(&cinfo);
	*pixels = buf;
	return 0;
}

/* ---- PNG ------------------------------------------------------------- */

struct ts_membuf {
	uint8_t *data;
	size_t len, cap;
	int failed;
};

static void membuf_put(struct ts_membuf *m, const void *p, size_t n)
{
	if (m->failed)
		return;
	if (m->len + n > m->cap) {
		size_t cap = m->cap ? m->cap : 4096;
		uint8_t *d;

		while (cap < m->len + n)
			cap *= 2;
		d = realloc(m->data, cap);
		if (d == NULL) {
			m->failed = 1;
			return;
		}
		m->data = d;
		m->cap = cap;
	}
	memcpy(m->data + m->len, p, n);
	m->len += n;
}

static void png_write_mem(png_structp png, png_bytep p, size_t n)
{
	membuf_put(png_get_io_ptr(png), p, n);
}

static void png_flush_mem(png_structp png)
{
	(void)png;
}

/* One output row of the PNG for source row y (see ts_encode_png). */
static void png_fill_row(uint8_t *row, const uint8_t *src, uint32_t w,
			 uint32_t y, int channels, int bit_depth, int palette)
{
	size_t n = (size_t)w * (size_t)channels;

	if (palette) {
		for (uint32_t x = 0; x < w; x++)
			row[x] = cube_index(src + (size_t)x * 3);
	} else if (bit_depth == 16) {
		for (size_t i = 0; i < n; i++) {
			long d = (long)((i * 7 + y * 13) % 61) - 30;
			long v = (long)src[i] * 257 + d;

			if (v < 0)
				v = 0;
			if (v > 65535)
				v = 65535;
			row[2 * i] = (uint8_t)(v >> 8);
			row[2 * i + 1] = (uint8_t)(v & 255);
		}
	} else if (bit_depth < 8) {
		for (size_t i = 0; i < n; i++)
			row[i] = (uint8_t)(src[i] >> (8 - bit_depth));
	} else {
		memcpy(row, src, n);
	}
}

int ts_encode_png(uint8_t **out, size_t *len, const uint8_t *pixels, uint32_t w,
		  uint32_t h, int channels, int bit_depth, int palette,
		  int interlace)
{
	static const int types[5] = {
		0, PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA,
		PNG_COLOR_TYPE_RGB, PNG_COLOR_TYPE_RGB_ALPHA};
	png_structp png = NULL;
	png_infop info = NULL;
	struct ts_membuf mem = {NULL, 0, 0, 0};
	uint8_t *volatile rows = NULL;
	size_t stride;
	int passes;

	*out = NULL;
	*len = 0;
	if (channels < 1 || channels > 4 || (palette && channels != 3) ||
	    (bit_depth < 8 && channels != 1))
		return -1;
	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	if (png == NULL)
		return -1;
	info = png_create_info_struct(png);
	if (info == NULL || setjmp(png_jmpbuf(png))) {
		png_destroy_write_struct(&png, &info);
		free(mem.data);
		free(rows);
		return -1;
	}
	png_set_write_fn(png, &mem, png_write_mem, png_flush_mem);
	png_set_compression_level(png, 3);
	png_set_IHDR(png, info, w, h, palette ? 8 : bit_depth,
		     palette ? PNG_COLOR_TYPE_PALETTE : types[channels],
		     interlace ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
		     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	if (palette) {
		png_color colours[216];
		png_byte trans[1] = {0};

		for (int i = 0; i < 216; i++) {
			colours[i].red = (png_byte)((i / 36) * 51);
			colours[i].green = (png_byte)((i / 6 % 6) * 51);
			colours[i].blue = (png_byte)((i % 6) * 51);
		}
		png_set_PLTE(png, info, colours, 216);
		png_set_tRNS(png, info, trans, 1, NULL);
	}
	png_write_info(png, info);
	if (bit_depth < 8)
		png_set_packing(png);
	stride = (size_t)w * (size_t)(palette ? 1 : channels) *
		 (bit_depth == 16 ? 2 : 1);
	rows = malloc(stride * h);
	if (rows == NULL)
		longjmp(png_jmpbuf(png), 1);
	for (uint32_t y = 0; y < h; y++)
		png_fill_row(rows + stride * y,
			     pixels + (size_t)y * w * (palette ? 3 : channels),
			     w, y, channels, bit_depth, palette);
	passes = png_set_interlace_handling(png);
	for (int pass = 0; pass < passes; pass++)
		for (uint32_t y = 0; y < h; y++)
			png_write_row(png, rows + stride * y);
	png_write_end(png, info);
	png_destroy_write_struct(&png, &info);
	free(rows);
	if (mem.failed) {
		free(mem.data);
		return -1;
	}
	*out = mem.data;
	*len = mem.len;
	return 0;
}

/* ---- WebP ------------------------------------------------------------ */

int ts_encode_webp(uint8_t **out, size_t *len, const uint8_t *pixels,
		   uint32_t w, uint32_t h, int channels, int quality,
		   int lossless)
{
	WebPConfig config;
	WebPPicture pic;
	WebPMemoryWriter writer;
	int ok;

	*out = NULL;
	*len = 0;
	if ((channels != 3 && channels != 4) || !WebPConfigInit(&config) ||
	    !WebPPictureInit(&pic))
		return -1;
	config.lossless = lossless;
	config.exact = lossless;
	config.quality = (float)quality;
	config.method = 2;
	pic.use_argb = lossless;
	pic.width = (int)w;
	pic.height = (int)h;
	ok = channels == 3 ? WebPPictureImportRGB(&pic, pixels, (int)w * 3)
			   : WebPPictureImportRGBA(&pic, pixels, (int)w * 4);
	if (!ok) {
		WebPPictureFree(&pic);
		return -1;
	}
	WebPMemoryWriterInit(&writer);
	pic.writer = WebPMemoryWrite;
	pic.custom_ptr = &writer;
	ok = WebPEncode(&config, &pic);
	WebPPictureFree(&pic);
	if (ok) {
		*out = malloc(writer.size);
		if (*out != NULL) {
			memcpy(*out, writer.mem, writer.size);
			*len = writer.size;
		}
	}
	WebPMemoryWriterClear(&writer);
	return *out != NULL ? 0 : -1;
}

/* ---- GIF ------------------------------------------------------------- */

static int gif_write_mem(GifFileType *gif, const GifByteType *p, int n)
{
	struct ts_membuf *m = gif->UserData;

	membuf_put(m, p, (size_t)n);
	return m->failed ? 0 : n;
}

/* Row y of the image in GIF interlaced order position `i`. */
static uint32_t gif_interlaced_row(uint32_t i, uint32_t h)
{
	static const uint32_t start[4] = {0, 4, 2, 1}, step[4] = {8, 8, 4, 2};

	for (int pass = 0; pass < 4; pass++) {
		uint32_t n = h > start[pass] ? (h - start[pass] + step[pass] -
						1) / step[pass]
					     : 0;

		if (i < n)
			return start[pass] + i * step[pass];
		i -= n;
	}
	return 0;
}

int ts_encode_gif(uint8_t **out, size_t *len, const uint8_t *rgb, uint32_t w,
		  uint32_t h, int interlace, int frames)
{
	struct ts_membuf mem = {NULL, 0, 0, 0};
	ColorMapObject *map = NULL;
	GifFileType *gif = NULL;
	GifByteType *line = NULL;
	int err = 0, ok = 0;

	*out = NULL;
	*len = 0;
	map = GifMakeMapObject(256, NULL);
	line = malloc(w);
	if (map == NULL || line == NULL)
		goto done;
	for (int i = 0; i < 256; i++) {
		int j = i < 216 ? i : 0;

		map->Colors[i].Red = (GifByteType)((j / 36) * 51);
		map->Colors[i].Green = (GifByteType)((j / 6 % 6) * 51);
		map->Colors[i].Blue = (GifByteType)((j % 6) * 51);
	}
	gif = EGifOpen(&mem, gif_write_mem, &err);
	if (gif == NULL)
		goto done;
	EGifSetGifVersion(gif, true);
	if (EGifPutScreenDesc(gif, (int)w, (int)h, 8, 0, map) != GIF_OK)
		goto done;
	for (int f = 0; f < frames; f++) {
		if (EGifPutImageDesc(gif, 0, 0, (int)w, (int)h, interlace != 0,
				     NULL) != GIF_OK)
			goto done;
		for (uint32_t i = 0; i < h; i++) {
			uint32_t y = interlace ? gif_interlaced_row(i, h) : i;

			for (uint32_t x = 0; x < w; x++) {
				uint8_t p[3];

				memcpy(p, rgb + ((size_t)y * w + x) * 3, 3);
				if (f > 0)
					for (int c = 0; c < 3; c++)
						p[c] = (uint8_t)(255 - p[c]);
				line[x] = cube_index(p);
			}
			if (EGifPutLine(gif, line, (int)w) != GIF_OK)
				goto done;
		}
	}
	ok = 1;
done:
	if (gif != NULL && EGifCloseFile(gif, &err) != GIF_OK)
		ok = 0;
	GifFreeMapObject(map);
	free(line);
	if (!ok || mem.failed) {
		free(mem.data);
		return -1;
	}
	*out = mem.data;
	*len = mem.len;
	return 0;
}

/* ---- Dimensions from each library ----------------------------------- */

static int jpeg_dims(const uint8_t *data, size_t len, uint32_t *w, uint32_t *h)
{
	struct jpeg_decompress_struct cinfo;
	struct ts_jpeg_err err;

	memset(&cinfo, 0, sizeof(cinfo));
	cinfo.err = jpeg_std_error(&err.pub);
	err.pub.error_exit = ts_jpeg_error_exit;
	err.pub.emit_message = ts_jpeg_silent;
	if (setjmp(err.escape)) {
		jpeg_destroy_decompress(&cinfo);
		return -1;
	}
	jpeg_create_decompress(&cinfo);
	jpeg_mem_src(&cinfo, data, (unsigned long)len);
	jpeg_read_header(&cinfo, TRUE);
	*w = cinfo.image_width;
	*h = cinfo.image_height;
	jpeg_destroy_decompress(&cinfo);
	return 0;
}

struct gif_src {
	const uint8_t *data;
	size_t len, pos;
};

static int gif_read_mem(GifFileType *gif, GifByteType *p, int n)
{
	struct gif_src *src = gif->UserData;
	size_t k = (size_t)n;

	if (k > src->len - src->pos)
		k = src->len - src->pos;
	memcpy(p, src->data + src->pos, k);
	src->pos += k;
	return (int)k;
}

int ts_image_dims(const uint8_t *data, size_t len, uint32_t *w, uint32_t *h)
{
	if (len >= 3 && data[0] == 0xff && data[1] == 0xd8)
		return jpeg_dims(data, len, w, h);
	if (len >= 8 && memcmp(data, "\x89PNG", 4) == 0) {
		png_image image;

		memset(&image, 0, sizeof(image));
		image.version = PNG_IMAGE_VERSION;
		if (!png_image_begin_read_from_memory(&image, data, len))
			return -1;
		*w = image.width;
		*h = image.height;
		png_image_free(&image);
		return 0;
	}
	if (len >= 12 && memcmp(data, "RIFF", 4) == 0) {
		int iw, ih;

		if (!WebPGetInfo(data, len, &iw, &ih))
			return -1;
		*w = (uint32_t)iw;
		*h = (uint32_t)ih;
		return 0;
	}
	if (len >= 6 && memcmp(data, "GIF", 3) == 0) {
		struct gif_src src = {data, len, 0};
		int err = 0;
		GifFileType *gif = DGifOpen(&src, gif_read_mem, &err);

		if (gif == NULL)
			return -1;
		*w = (uint32_t)gif->SWidth;
		*h = (uint32_t)gif->SHeight;
		DGifCloseFile(gif, &err);
		return 0;
	}
	return -1;
}
