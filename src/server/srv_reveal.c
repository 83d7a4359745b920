/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The media reveal: on a reviewer's explicit POST, one recorded image is
 * read from the evidence, checked against its recorded SHA-256, decoded,
 * reduced to greyscale at most SRV_PREVIEW_MAX pixels a side and box
 * blurred (strongly by default, less on level "sharper"), then encoded as
 * PNG in memory and sent with Cache-Control: no-store. Nothing is written
 * to disk; each reveal is audited with the user, file and level.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "srv_app.h"

/* Longest side of a preview (pixels). */
#define SRV_PREVIEW_MAX 128
/* Box blur radius (pixels at preview size) and passes: three passes of a
 * box approximate a Gaussian of sigma ~ r. */
#define BLUR_RADIUS_DEFAULT 6
#define BLUR_RADIUS_SHARPER 2
#define BLUR_PASSES 3

struct find_ev {
	int64_t id;
	char *root;
};

static int find_root(void *ctx, const nsw_evidence *ev)
{
	struct find_ev *f = ctx;

	if (ev->id != f->id)
		return 0;
	f->root = ev->source_path ? strdup(ev->source_path) : NULL;
	return 1;
}

/* Read a regular file (no symlink at the last component), bounded. */
static int read_file(const char *path, uint8_t **out, size_t *len)
{
	struct stat st;
	uint8_t *buf = NULL;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	*out = NULL;
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    (uint64_t)st.st_size > SRV_REVEAL_FILE_MAX)
		goto fail;
	buf = malloc((size_t)st.st_size);
	if (buf == NULL)
		goto fail;
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto fail;
		got += (size_t)n;
	}
	close(fd);
	*out = buf;
	*len = got;
	return 0;
fail:
	free(buf);
	close(fd);
	return -1;
}

/* Area-average greyscale downscale to fit max x max. */
static uint8_t *grey_small(const nsw_image *img, uint32_t *w_out,
			   uint32_t *h_out)
{
	uint32_t w = img->width, h = img->height;
	uint32_t tw, th;
	uint8_t *out;

	if (w == 0 || h == 0)
		return NULL;
	if (w >= h) {
		tw = w < SRV_PREVIEW_MAX ? w : SRV_PREVIEW_MAX;
		th = (uint32_t)(((uint64_t)h * tw + w / 2) / w);
	} else {
		th = h < SRV_PREVIEW_MAX ? h : SRV_PREVIEW_MAX;
		tw = (uint32_t)(((uint64_t)w * th + h / 2) / h);
	}
	tw = tw ? tw : 1;
	th = th ? th : 1;
	out = malloc((size_t)tw * th);
	if (out == NULL)
		return NULL;
	for (uint32_t ty = 0; ty < th; ty++) {
		uint32_t y0 = (uint32_t)((uint64_t)ty * h / th);
		uint32_t y1 = (uint32_t)((uint64_t)(ty + 1) * h / th);

		y1 = y1 > y0 ? y1 : y0 + 1;
		for (uint32_t tx = 0; tx < tw; tx++) {
			uint32_t x0 = (uint32_t)((uint64_t)tx * w / tw);
			uint32_t x1 = (uint32_t)((uint64_t)(tx + 1) * w / tw);
			uint64_t sum = 0, n = 0;

			x1 = x1 > x0 ? x1 : x0 + 1;
			for (uint32_t y = y0; y < y1; y++) {
				const uint8_t *row =
					img->pixels +
					(size_t)y * img->width * img->channels;

				for (uint32_t x = x0; x < x1; x++) {
					const uint8_t *px =
						row + (size_t)x * img->channels;

					sum += img->channels == 3
						       ? (299u * px[0] +
							  587u * px[1] +
							  114u * px[2]) /
								 1000u
						       : px[0];
					n++;
				}
			}
			out[(size_t)ty * tw + tx] = (uint8_t)(sum / n);
		}
	}
	*w_out = tw;
	*h_out = th;
	return out;
}

/* One box pass along rows (stride 1) or columns (stride w), clamped. */
static void box_pass(uint8_t *p, uint8_t *tmp, uint32_t n, uint32_t lines,
		     size_t step, size_t line_step, int r)
{
	for (uint32_t l = 0; l < lines; l++) {
		uint8_t *base = p + (size_t)l * line_step;

		for (uint32_t i = 0; i < n; i++) {
			unsigned sum = 0;

			for (int k = -r; k <= r; k++) {
				int64_t j = (int64_t)i + k;

				j = j < 0 ? 0 : (j >= n ? n - 1 : j);
				sum += base[(size_t)j * step];
			}
			tmp[i] = (uint8_t)(sum / (unsigned)(2 * r + 1));
		}
		for (uint32_t i = 0; i < n; i++)
			base[(size_t)i * step] = tmp[i];
	}
}

static int blur(uint8_t *p, uint32_t w, uint32_t h, int r)
{
	uint8_t *tmp = malloc(w > h ? w : h);

	if (tmp == NULL)
		return -1;
	for (int i = 0; i < BLUR_PASSES; i++) {
		box_pass(p, tmp, w, h, 1, w, r);
		box_pass(p, tmp, h, w, w, 1, r);
	}
	free(tmp);
	return 0;
}

static int reveal_detail(srv_ctx *x, int64_t id, const char *level,
			 const nsw_case_file *f)
{
	srv_out d;
	int rc;

	srv_out_init(&d, 4096);
	srv_out_printf(&d, "{\"file_id\":%lld,\"level\":\"%s\",\"sha256\":",
		       (long long)id, level);
	srv_out_hex(&d, f->sha256, 32);
	srv_out_printf(&d, ",\"max_side\":%d,\"greyscale\":true}",
		       SRV_PREVIEW_MAX);
	rc = d.failed ? NSW_ENOMEM : srv_audit(x, "media.reveal", d.p);
	srv_out_free(&d);
	return rc;
}

int srv_h_reveal(srv_ctx *x)
{
	static const char *const keys[] = {"level"};
	char *level = NULL;
	struct find_ev fe = {0, NULL};
	nsw_case_file f;
	nsw_image *img = NULL, grey;
	nsw_digests dg;
	uint8_t *data = NULL, *small = NULL, *png = NULL;
	size_t len = 0, png_len = 0, body_len;
	const char *body = srv_body(x->req, &body_len);
	char *path = NULL;
	uint32_t w = 0, h = 0;
	int64_t id;
	int rc, radius = BLUR_RADIUS_DEFAULT;

	if (srv_parse_id(srv_param(x->req, 0), &id) != 0)
		return srv_reply_error(x->res, 400, "bad file id");
	if (body_len && srv_json_strings(body, body_len, keys, &level, 1) != 0)
		return srv_reply_error(x->res, 400, "malformed JSON");
	if (level && strcmp(level, "sharper") == 0) {
		radius = BLUR_RADIUS_SHARPER;
	} else if (level && strcmp(level, "blurred") != 0) {
		rc = srv_reply_error(x->res, 400,
				     "level: \"blurred\" or \"sharper\"");
		goto done;
	}
	rc = nsw_case_file_get(x->c, id, &f);
	if (rc != NSW_OK) {
		rc = srv_reply_error(x->res, srv_status_for(rc),
				     rc == NSW_ENOTFOUND ? "no such file"
							 : "internal error");
		goto done;
	}
	if (f.status != NSW_FILE_OK || !(f.has & NSW_CASE_HAS_SHA256) ||
	    f.media_type == NULL || strncmp(f.media_type, "image/", 6) != 0) {
		rc = srv_reply_error(x->res, 409, "not a recorded image");
		goto done;
	}
	/* Audit first: the reveal is recorded even if reading fails. */
	rc = reveal_detail(
		x, id, radius == BLUR_RADIUS_SHARPER ? "sharper" : "blurred",
		&f);
	if (rc != NSW_OK) {
		rc = srv_reply_error(x->res, 500, "internal error");
		goto done;
	}
	fe.id = f.evidence_id;
	rc = nsw_case_evidence_foreach(x->c, find_root, &fe);
	if (rc < 0 || fe.root == NULL) {
		rc = srv_reply_error(x->res, 404, "evidence not available");
		goto done;
	}
	{
		struct stat st;
		size_t rl = strlen(fe.root);

		if (stat(fe.root, &st) == 0 && S_ISDIR(st.st_mode)) {
			path = malloc(rl + 1 + f.path_len + 1);
			if (path) {
				memcpy(path, fe.root, rl);
				path[rl] = '/';
				memcpy(path + rl + 1, f.path, f.path_len);
				path[rl + 1 + f.path_len] = '\0';
			}
		} else {
			path = strdup(fe.root);
		}
	}
	if (path == NULL || memchr(f.path, '\0', f.path_len) != NULL ||
	    read_file(path, &data, &len) != 0) {
		rc = srv_reply_error(x->res, 404,
				     "the evidence file cannot be read");
		goto done;
	}
	if (nsw_digest_buffer(&dg, NSW_ALGO_BIT(NSW_ALGO_SHA256), data, len) !=
		    0 ||
	    memcmp(dg.sha256, f.sha256, 32) != 0) {
		rc = srv_reply_error(x->res, 409,
				     "the file changed since it was scanned");
		goto done;
	}
	if (nsw_image_decode(&img, data, len, "evidence") != NSW_OK) {
		rc = srv_reply_error(x->res, 422,
				     "the image cannot be decoded");
		goto done;
	}
	free(data);
	data = NULL;
	small = grey_small(img, &w, &h);
	if (small == NULL || blur(small, w, h, radius) != 0) {
		rc = srv_reply_error(x->res, 500, "internal error");
		goto done;
	}
	memset(&grey, 0, sizeof(grey));
	grey.format = img->format;
	grey.width = w;
	grey.height = h;
	grey.channels = 1;
	grey.pixels = small;
	if (nsw_image_encode_png(&png, &png_len, &grey) != NSW_OK) {
		rc = srv_reply_error(x->res, 500, "internal error");
		goto done;
	}
	rc = srv_reply(x->res, 200, "image/png", png, png_len);
	rc = rc ? rc
		: srv_add_header(x->res, "X-Preview-Level",
				 radius == BLUR_RADIUS_SHARPER ? "sharper"
							       : "blurred");
done:
	nsw_image_encoded_free(png);
	free(small);
	nsw_image_free(img);
	free(data);
	free(path);
	free(fe.root);
	free(level);
	return rc;
}
