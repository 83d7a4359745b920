/* SPDX-License-Identifier: Apache-2.0 */
/*
 * JPEG decoding with libjpeg-turbo: the only file that includes jpeglib.h.
 * libjpeg's defaults are kept on purpose (ISLOW IDCT, fancy upsampling,
 * block smoothing): the PDQ reference hashes exactly that decode. Its
 * error convention (error_exit must not return) is translated here into
 * NSW_E* codes with one setjmp.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <jerror.h>
#include <jpeglib.h>

#include "alloc.h"
#include "error.h"
#include "image_codec.h"
#include "limits.h"

/* libjpeg's error manager extended with where to jump and what to say. */
struct jpeg_guard {
	struct jpeg_error_mgr pub; /* first: libjpeg casts cinfo->err */
	struct jpeg_progress_mgr progress;
	jmp_buf escape;
	int code; /* NSW_E* reported after the jump */
	unsigned long warnings;
	char message[JMSG_LENGTH_MAX];
	/* Partial mode (decoding only): accept data that ends early. */
	int allow_partial;
	int truncated;	       /* the data ended early */
	uint32_t rows_present; /* rows with data, judged where it ended */
	unsigned long covered; /* components whose first scan has begun */
};

static _Noreturn void guard_escape(j_common_ptr cinfo, int code)
{
	struct jpeg_guard *guard = (struct jpeg_guard *)cinfo->err;

	guard->code = code;
	longjmp(guard->escape, 1);
}

static _Noreturn void on_error_exit(j_common_ptr cinfo)
{
	struct jpeg_guard *guard = (struct jpeg_guard *)cinfo->err;
	int code = NSW_EFORMAT;

	switch (cinfo->err->msg_code) {
	case JERR_OUT_OF_MEMORY:
		code = NSW_ENOMEM;
		break;
	case JERR_NO_BACKING_STORE: /* over NSW_JPEG_MEMORY_MAX */
	case JERR_IMAGE_TOO_BIG:
	case JERR_WIDTH_OVERFLOW:
		code = NSW_ELIMIT;
		break;
	default:
		break;
	}
	cinfo->err->format_message(cinfo, guard->message);
	/*
	 * Partial mode, data already ended: libjpeg read its fake end of
	 * image as part of a marker segment (a cut inside the tables before
	 * a progressive scan). Not decodable; say why.
	 */
	if (guard->truncated && code == NSW_EFORMAT) {
		char reason[JMSG_LENGTH_MAX];

		memcpy(reason, guard->message, sizeof(reason));
		snprintf(guard->message, sizeof(guard->message),
			 "truncated inside a marker segment (%.100s)", reason);
	}
	guard_escape(cinfo, code);
}

/*
 * The components the scan being read gives their first data: every
 * component of a sequential scan; in a progressive file only a first DC
 * scan (Ss = 0, Ah = 0): later scans refine what it gave.
 */
static unsigned long scan_first_components(j_decompress_ptr d)
{
	unsigned long mask = 0;

	if (d->progressive_mode && (d->Ss != 0 || d->Ah != 0))
		return 0;
	for (int i = 0; i < d->comps_in_scan && i < MAX_COMPS_IN_SCAN; i++)
		if (d->cur_comp_info[i] != NULL &&
		    d->cur_comp_info[i]->component_index < 32)
			mask |= 1ul << d->cur_comp_info[i]->component_index;
	return mask;
}

/*
 * Where the data ended: how many rows, from the top, were decoded from it.
 * Scans come in file order, so a component whose first scan began earlier
 * has data in every row, unless that scan is the one being cut: then only
 * its iMCU rows before the current one do (the current row counts as
 * missing). A component whose first scan never began has none.
 */
static uint32_t rows_with_data(j_decompress_ptr d, struct jpeg_guard *guard)
{
	unsigned long current = scan_first_components(d);
	unsigned long all;
	uint64_t rows;

	if (d->image_height == 0 || d->num_components < 1 ||
	    d->num_components > 31)
		return 0;
	all = (1ul << d->num_components) - 1;
	if (((guard->covered | current) & all) != all)
		return 0;
	if (current == 0 || d->input_iMCU_row >= d->total_iMCU_rows)
		return d->image_height;
	rows = (uint64_t)d->input_iMCU_row * (uint64_t)d->max_v_samp_factor *
	       DCTSIZE;
	return rows < d->image_height ? (uint32_t)rows : d->image_height;
}

/*
 * Partial mode: the first sign that the data ended early. Judge how much is
 * present now, before libjpeg decodes any padding, and refuse below
 * NSW_JPEG_PARTIAL_MIN_PERCENT (limits.h: the decompression-bomb case).
 */
static void note_truncation(j_common_ptr cinfo, struct jpeg_guard *guard)
{
	j_decompress_ptr d = (j_decompress_ptr)cinfo;
	uint64_t need;

	if (guard->truncated)
		return;
	guard->truncated = 1;
	guard->rows_present = rows_with_data(d, guard);
	need = ((uint64_t)d->image_height * NSW_JPEG_PARTIAL_MIN_PERCENT + 99) /
	       100;
	if (d->image_height == 0) {
		/* Cut among the segments before the frame header. */
		snprintf(guard->message, sizeof(guard->message),
			 "truncated before the image header");
		guard_escape(cinfo, NSW_EFORMAT);
	}
	if (guard->rows_present < need || guard->rows_present == 0) {
		snprintf(guard->message, sizeof(guard->message),
			 "truncated: %u of %u rows present, under the %d%% "
			 "minimum for a partial image",
			 (unsigned)guard->rows_present,
			 (unsigned)d->image_height,
			 NSW_JPEG_PARTIAL_MIN_PERCENT);
		guard_escape(cinfo, NSW_EFORMAT);
	}
}

/*
 * Warnings (level -1) are corrupt-data notices libjpeg recovers from. A
 * premature end of data (of the file or of a scan) is fatal by default:
 * libjpeg would pad the image with grey and hash a picture that is not in
 * the file. In partial mode it is noted instead (note_truncation), and the
 * warnings that follow from it (one per remaining restart interval) are not
 * counted. Other warnings (such as extraneous bytes before a marker, common
 * in camera files) are tolerated up to NSW_JPEG_WARNINGS_MAX, as libvips
 * does without "fail".
 */
static void on_emit_message(j_common_ptr cinfo, int level)
{
	struct jpeg_guard *guard = (struct jpeg_guard *)cinfo->err;
	int code = cinfo->err->msg_code;

	if (level >= 0)
		return; /* trace messages */
	if (guard->allow_partial && cinfo->is_decompressor &&
	    (code == JWRN_JPEG_EOF || code == JWRN_HIT_MARKER)) {
		note_truncation(cinfo, guard);
		return;
	}
	if (guard->truncated)
		return;
	if (cinfo->err->msg_code == JWRN_JPEG_EOF) {
		snprintf(guard->message, sizeof(guard->message),
			 "truncated (premature end of data)");
		guard_escape(cinfo, NSW_EFORMAT);
	}
	/*
	 * A scan's coded data ran into a marker before its last block: the
	 * file was cut (perhaps with an EOI appended) or damaged. libjpeg
	 * would zero the rest, which is also how a 1 KB header claiming
	 * 200 megapixels decodes in full.
	 */
	if (cinfo->err->msg_code == JWRN_HIT_MARKER) {
		snprintf(guard->message, sizeof(guard->message),
			 "truncated (scan data ends early)");
		guard_escape(cinfo, NSW_EFORMAT);
	}
	cinfo->err->num_warnings++;
	if (++guard->warnings > NSW_JPEG_WARNINGS_MAX) {
		snprintf(guard->message, sizeof(guard->message),
			 "more than %d corrupt-data warnings",
			 NSW_JPEG_WARNINGS_MAX);
		guard_escape(cinfo, NSW_ELIMIT);
	}
}

/* Called while scans are consumed: caps progressive scans (djpeg -maxscans). */
static void on_progress(j_common_ptr cinfo)
{
	struct jpeg_guard *guard = (struct jpeg_guard *)cinfo->err;
	j_decompress_ptr dinfo = (j_decompress_ptr)cinfo;

	if (!cinfo->is_decompressor)
		return;
	/* Before each step of input: the scan being read (partial mode). */
	guard->covered |= scan_first_components(dinfo);
	if (dinfo->input_scan_number <= NSW_JPEG_SCANS_MAX)
		return;
	snprintf(guard->message, sizeof(guard->message),
		 "more than %d progressive scans", NSW_JPEG_SCANS_MAX);
	guard_escape(cinfo, NSW_ELIMIT);
}

/*
 * Adobe CMYK as libjpeg returns it is inverted (0 = full ink); djpeg
 * converts it to RGB as R = C * K / 255 rounded (libjpeg-turbo cmyk.h,
 * computed there in double; (2ck + 255) / 510 is the same rounding).
 */
static void cmyk_to_rgb(uint8_t *rgb, const uint8_t *cmyk, uint32_t width)
{
	for (uint32_t x = 0; x < width; x++, cmyk += 4, rgb += 3) {
		unsigned k = cmyk[3];

		rgb[0] = (uint8_t)((2u * cmyk[0] * k + 255u) / 510u);
		rgb[1] = (uint8_t)((2u * cmyk[1] * k + 255u) / 510u);
		rgb[2] = (uint8_t)((2u * cmyk[2] * k + 255u) / 510u);
	}
}

/* Output colour space and channel count for the file's colour space. */
static int choose_output(j_decompress_ptr cinfo, const char *name,
			 uint32_t *channels)
{
	switch (cinfo->jpeg_color_space) {
	case JCS_GRAYSCALE:
		cinfo->out_color_space = JCS_GRAYSCALE;
		*channels = 1;
		return NSW_OK;
	case JCS_RGB:
	case JCS_YCbCr:
		cinfo->out_color_space = JCS_RGB;
		*channels = 3;
		return NSW_OK;
	case JCS_CMYK:
	case JCS_YCCK:
		cinfo->out_color_space = JCS_CMYK;
		*channels = 3;
		return NSW_OK;
	default:
		break;
	}
	return nsw_error_set(NSW_EUNSUPPORTED,
			     "%s: JPEG with %d components in an unknown "
			     "colour space",
			     name, cinfo->num_components);
}

/* Everything one decode owns; kept in memory so longjmp clobbers nothing. */
struct jpeg_job {
	struct jpeg_decompress_struct cinfo;
	struct jpeg_guard guard;
	const nsw_image_sink *sink;
	const char *name;
	int created;
	uint32_t channels; /* delivered: 1 grey, 3 RGB */
	uint8_t *batch;	   /* NSW_JPEG_BATCH_ROWS output rows */
	uint8_t *rgb;	   /* one converted row, CMYK files only */
	JSAMPROW rows[NSW_JPEG_BATCH_ROWS];
};

/*
 * Rows the sink does not want are skipped with jpeg_skip_scanlines(), in
 * sequential files only: libjpeg-turbo then skips colour conversion (and
 * the IDCT of whole skipped iMCU rows), measured 7-11% faster for PDQ's row
 * pattern on baseline 1080p and 12 MP files; for progressive files it was
 * slower, so they decode every row. The rows delivered are byte-identical
 * to a full decode (test_image: jpeg_row_skipping_matches_full_decode).
 */
static int skip_unwanted(struct jpeg_job *job, int *skipped)
{
	j_decompress_ptr cinfo = &job->cinfo;
	const nsw_image_sink *sink = job->sink;
	uint32_t y = cinfo->output_scanline, k = 0;

	*skipped = 0;
	while (y + k < cinfo->output_height &&
	       !sink->wants_row(sink->ctx, y + k))
		k++;
	if (k == 0)
		return NSW_OK;
	if (jpeg_skip_scanlines(cinfo, k) == 0)
		return nsw_error_set(NSW_EFORMAT,
				     "%s: JPEG: decoder stalled at row %u",
				     job->name, y);
	*skipped = 1;
	return NSW_OK;
}

/* How many rows from output_scanline to read in one call. */
static JDIMENSION batch_rows(struct jpeg_job *job, int skipping)
{
	j_decompress_ptr cinfo = &job->cinfo;
	uint32_t y = cinfo->output_scanline;
	JDIMENSION n = 1;

	if (!skipping)
		return NSW_JPEG_BATCH_ROWS;
	while (n < NSW_JPEG_BATCH_ROWS && y + n < cinfo->output_height &&
	       job->sink->wants_row(job->sink->ctx, y + n))
		n++;
	return n;
}

/* Rows from libjpeg to the sink, batch by batch. */
static int deliver_rows(struct jpeg_job *job)
{
	j_decompress_ptr cinfo = &job->cinfo;
	uint32_t width = cinfo->output_width, height = cinfo->output_height;
	/* Sides are <= NSW_IMAGE_DIM_MAX here, so these products fit. */
	size_t stride = (size_t)width * (size_t)cinfo->output_components;
	/*
	 * Rows start 1 byte past a 32-byte boundary: libjpeg-turbo writes
	 * aligned rows with non-temporal stores, which leaves them out of the
	 * cache just before the sink reads them (measured: PDQ over 1080p
	 * went from 1.46x to 1.10x the plain decode).
	 */
	size_t pitch = (stride + 31) / 32 * 32;
	int skipping = job->sink->wants_row != NULL && !cinfo->progressive_mode;
	int rc;

	job->batch = nsw__malloc(pitch * NSW_JPEG_BATCH_ROWS + 1);
	if (cinfo->out_color_space == JCS_CMYK)
		job->rgb = nsw__malloc((size_t)width * 3);
	if (job->batch == NULL ||
	    (cinfo->out_color_space == JCS_CMYK && job->rgb == NULL))
		return nsw_error_set(NSW_ENOMEM,
				     "%s: out of memory decoding JPEG",
				     job->name);
	for (int i = 0; i < NSW_JPEG_BATCH_ROWS; i++)
		job->rows[i] = job->batch + 1 + (size_t)i * pitch;
	rc = nsw_image__begin(job->sink, NSW_IMAGE_JPEG, width, height,
			      job->channels);
	while (rc == NSW_OK && cinfo->output_scanline < height) {
		uint32_t first = cinfo->output_scanline;
		JDIMENSION got;
		int skipped = 0;

		if (skipping) {
			rc = skip_unwanted(job, &skipped);
			if (rc != NSW_OK || skipped)
				continue;
		}
		got = jpeg_read_scanlines(cinfo, job->rows,
					  batch_rows(job, skipping));
		if (got == 0)
			return nsw_error_set(NSW_EFORMAT,
					     "%s: JPEG: decoder stalled at "
					     "row %u",
					     job->name, first);
		for (JDIMENSION i = 0; i < got && rc == NSW_OK; i++) {
			const uint8_t *row = job->rows[i];

			if (job->rgb != NULL) {
				cmyk_to_rgb(job->rgb, row, width);
				row = job->rgb;
			}
			rc = job->sink->row(job->sink->ctx, first + i, row);
		}
	}
	/*
	 * jpeg_finish_decompress() is not called: every row is delivered, and
	 * what follows the last scan (a missing EOI, trailing bytes) does not
	 * change the pixels.
	 */
	return rc;
}

/*
 * The one function with a setjmp: libjpeg errors, fatal warnings and the
 * scan cap land here. State lives in *job, not in locals.
 */
static int run_decode(struct jpeg_job *job, const uint8_t *data, size_t len,
		      int allow_partial)
{
	j_decompress_ptr cinfo = &job->cinfo;
	int rc;

	cinfo->err = jpeg_std_error(&job->guard.pub);
	job->guard.pub.error_exit = on_error_exit;
	job->guard.pub.emit_message = on_emit_message;
	job->guard.progress.progress_monitor = on_progress;
	job->guard.allow_partial = allow_partial;
	if (setjmp(job->guard.escape))
		return nsw_error_set(job->guard.code, "%s: JPEG: %s", job->name,
				     job->guard.message);
	jpeg_create_decompress(cinfo);
	job->created = 1;
	cinfo->mem->max_memory_to_use = NSW_JPEG_MEMORY_MAX;
	cinfo->progress = &job->guard.progress;
	jpeg_mem_src(cinfo, data, (unsigned long)len);
	jpeg_read_header(cinfo, TRUE);
	rc = nsw_image__check_dims(cinfo->image_width, cinfo->image_height,
				   job->name, "JPEG");
	if (rc == NSW_OK)
		rc = choose_output(cinfo, job->name, &job->channels);
	if (rc != NSW_OK)
		return rc;
	jpeg_start_decompress(cinfo);
	return deliver_rows(job);
}

int nsw_image__decode_jpeg(const uint8_t *data, size_t len, const char *name,
			   const nsw_image_sink *sink,
			   nsw_image_partial *partial)
{
	struct jpeg_job *job = NULL;
	int rc;

	if (len > ULONG_MAX)
		return nsw_error_set(NSW_ELIMIT, "%s: JPEG too large", name);
	job = nsw__calloc(1, sizeof(*job));
	if (job == NULL)
		return nsw_error_set(NSW_ENOMEM, "%s: out of memory", name);
	job->sink = sink;
	job->name = name;
	rc = run_decode(job, data, len, partial != NULL);
	if (rc == NSW_OK && partial != NULL) {
		partial->height = job->cinfo.output_height;
		partial->partial = job->guard.truncated;
		partial->rows_present = job->guard.truncated
						? job->guard.rows_present
						: partial->height;
	}
	if (job->created)
		jpeg_destroy_decompress(&job->cinfo);
	nsw__free(job->batch);
	nsw__free(job->rgb);
	nsw__free(job);
	return rc;
}

/* ---------------------------------------------------------------------- */
/* JPEG encoding (for generated benign images: the demo, tests, benches).  */
/* ---------------------------------------------------------------------- */

/* A libjpeg destination that grows an nsw__ buffer up to a cap. */
struct jpeg_sink_buf {
	struct jpeg_destination_mgr pub; /* first: libjpeg casts cinfo->dest */
	uint8_t *data;
	size_t cap;
};

static void dest_init(j_compress_ptr cinfo)
{
	struct jpeg_sink_buf *d = (struct jpeg_sink_buf *)cinfo->dest;

	d->pub.next_output_byte = d->data;
	d->pub.free_in_buffer = d->cap;
}

static boolean dest_empty(j_compress_ptr cinfo)
{
	struct jpeg_sink_buf *d = (struct jpeg_sink_buf *)cinfo->dest;
	struct jpeg_guard *guard = (struct jpeg_guard *)cinfo->err;
	size_t used = d->cap;
	size_t cap = d->cap * 2;
	uint8_t *grown = NULL;

	if (cap > NSW_IMAGE_ENCODE_MAX) {
		snprintf(guard->message, sizeof(guard->message),
			 "encoded JPEG over %zu bytes",
			 (size_t)NSW_IMAGE_ENCODE_MAX);
		guard_escape((j_common_ptr)cinfo, NSW_ELIMIT);
	}
	grown = nsw__realloc(d->data, cap);
	if (grown == NULL) {
		snprintf(guard->message, sizeof(guard->message),
			 "out of memory");
		guard_escape((j_common_ptr)cinfo, NSW_ENOMEM);
	}
	d->data = grown;
	d->cap = cap;
	d->pub.next_output_byte = d->data + used;
	d->pub.free_in_buffer = cap - used;
	return TRUE;
}

static void dest_term(j_compress_ptr cinfo)
{
	(void)cinfo; /* the length is taken from free_in_buffer after */
}

/* Everything one encode owns, so longjmp clobbers no local. */
struct jpeg_enc_job {
	struct jpeg_compress_struct cinfo;
	struct jpeg_guard guard;
	struct jpeg_sink_buf dest;
	int created;
};

static int run_encode(struct jpeg_enc_job *job, const nsw_image *img,
		      int quality)
{
	struct jpeg_compress_struct *c = &job->cinfo;
	size_t stride = (size_t)img->width * img->channels;

	if (setjmp(job->guard.escape))
		return job->guard.code;
	jpeg_create_compress(c);
	job->created = 1;
	c->dest = &job->dest.pub;
	c->image_width = img->width;
	c->image_height = img->height;
	c->input_components = (int)img->channels;
	c->in_color_space = img->channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
	jpeg_set_defaults(c);
	jpeg_set_quality(c, quality, TRUE);
	jpeg_start_compress(c, TRUE);
	while (c->next_scanline < c->image_height) {
		JSAMPROW row =
			(JSAMPROW)(img->pixels + stride * c->next_scanline);

		jpeg_write_scanlines(c, &row, 1);
	}
	jpeg_finish_compress(c);
	return 0;
}

int nsw_image_encode_jpeg(uint8_t **out, size_t *len, const nsw_image *img,
			  int quality)
{
	struct jpeg_enc_job *job = NULL;
	int rc = 0;

	if (out != NULL)
		*out = NULL;
	if (len != NULL)
		*len = 0;
	if (out == NULL || len == NULL || img == NULL || img->pixels == NULL ||
	    img->width == 0 || img->height == 0 ||
	    (img->channels != 1 && img->channels != 3) || quality < 1 ||
	    quality > 100)
		return nsw_error_set(NSW_EINVAL, "jpeg encode: bad arguments");
	if (img->width > NSW_IMAGE_DIM_MAX || img->height > NSW_IMAGE_DIM_MAX)
		return nsw_error_set(NSW_ELIMIT,
				     "jpeg encode: %ux%u over the size limit",
				     img->width, img->height);
	job = nsw__calloc(1, sizeof(*job));
	if (job == NULL)
		return nsw_error_set(NSW_ENOMEM, "jpeg encode: out of memory");
	job->dest.cap = 16384;
	job->dest.data = nsw__malloc(job->dest.cap);
	if (job->dest.data == NULL) {
		rc = nsw_error_set(NSW_ENOMEM, "jpeg encode: out of memory");
		goto done;
	}
	job->dest.pub.init_destination = dest_init;
	job->dest.pub.empty_output_buffer = dest_empty;
	job->dest.pub.term_destination = dest_term;
	job->cinfo.err = jpeg_std_error(&job->guard.pub);
	job->guard.pub.error_exit = on_error_exit;
	job->guard.pub.emit_message = on_emit_message;
	rc = run_encode(job, img, quality);
	if (rc < 0) {
		rc = nsw_error_set(rc, "jpeg encode: %s", job->guard.message);
		goto done;
	}
	*len = job->dest.cap - job->dest.pub.free_in_buffer;
	*out = job->dest.data;
	job->dest.data = NULL;
done:
	if (job != NULL) {
		if (job->created)
			jpeg_destroy_compress(&job->cinfo);
		nsw__free(job->dest.data);
		nsw__free(job);
	}
	return rc;
}
