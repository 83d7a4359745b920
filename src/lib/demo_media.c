/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The demo's media and lists: benign procedural scenes designated known,
 * new or unrelated; the transformed copies of known items that circulate
 * (each checked to stay within PDQ reach of its original); the benign
 * "software" files; and the lists that describe them (VICS 2.0 hash set,
 * PDQ CSV, NSRL RDS 2.x NSRLFile.txt).
 */
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "demo_internal.h"
#include "error.h"
#include "netsweep/synth.h"

#define KNOWN_QUALITY 90
#define NEW_QUALITY 92
#define BENIGN_QUALITY 88
#define SEED_ATTEMPTS 200

const char *demo_transform_name(int transform)
{
	static const char *const names[DEMO_T_COUNT] = {
		"original", "reencode", "resize",   "crop",
		"rotate90", "mirror",	"watermark"};

	if (transform < 0 || transform >= DEMO_T_COUNT)
		return "?";
	return names[transform];
}

/* Smallest distance from `hash` to any of `r`'s dihedral variants. */
static int dihedral_distance(const nsw_pdq_hash *hash, const nsw_pdq_result *r,
			     int *which)
{
	int d, best = NSW_PDQ_BITS + 1;

	for (d = 0; d < NSW_PDQ_DIHEDRAL_COUNT; d++) {
		int x = nsw_pdq_distance(hash, &r->dihedral[d]);

		if (x < best) {
			best = x;
			if (which != NULL)
				*which = d;
		}
	}
	return best;
}

/* Encode `img` into `blob` and hash it as a scan would (from the bytes). */
static int encode_blob(struct demo_blob *blob, const nsw_image *img,
		       int quality, nsw_pdq_result *res)
{
	int rc;

	nsw_image_encoded_free(blob->data);
	blob->data = NULL;
	rc = nsw_image_encode_jpeg(&blob->data, &blob->len, img, quality);
	if (rc != 0)
		return rc;
	blob->width = img->width;
	blob->height = img->height;
	blob->quality = quality;
	rc = nsw_digest_buffer(&blob->digests, NSW_DIGESTS_ALL, blob->data,
			       blob->len);
	if (rc != 0)
		return rc;
	rc = nsw_pdq_hash_buffer(res, blob->data, blob->len, "demo", 1);
	if (rc != 0)
		return rc;
	blob->pdq = res->hash;
	blob->pdq_quality = res->quality;
	return 0;
}

/* Is `cand` at least DEMO_ITEM_DISTANCE_MIN from every item so far? */
static int distinct(const struct demo_model *m, const nsw_pdq_result *cand)
{
	size_t i;

	for (i = 0; i < m->item_count; i++)
		if (dihedral_distance(&m->items[i].blob[0].pdq, cand, NULL) <
		    DEMO_ITEM_DISTANCE_MIN)
			return 0;
	return 1;
}

/* One transformed image of `src`, attempt `step` of its parameter ladder;
 * 0 with *out NULL when the ladder is exhausted. */
static int transform(nsw_image **out, int *quality, char *param,
		     size_t param_size, const nsw_image *src, int t, int step)
{
	static const int reencode_q[] = {55, 65, 75, 85};
	static const int resize_pct[] = {50, 75, 90};
	static const int crop_permille[] = {10, 5, 2};
	static const char *const marks[] = {"@share", "@pics", "@x"};
	uint32_t w = src->width, h = src->height;
	int rc = 0;

	*out = NULL;
	*quality = 85;
	switch (t) {
	case DEMO_T_REENCODE:
		if (step >= 4)
			return 0;
		*quality = reencode_q[step];
		snprintf(param, param_size, "quality=%d", *quality);
		return nsw_synth_crop(out, src, 0, 0, w, h);
	case DEMO_T_RESIZE: {
		uint32_t nw, nh;

		if (step >= 3)
			return 0;
		nw = w * (uint32_t)resize_pct[step] / 100;
		nh = h * (uint32_t)resize_pct[step] / 100;
		snprintf(param, param_size, "%ux%u (%d%%) quality=85", nw, nh,
			 resize_pct[step]);
		return nsw_synth_resize(out, src, nw, nh);
	}
	case DEMO_T_CROP: {
		uint32_t dx, dy;

		if (step >= 3)
			return 0;
		dx = w * (uint32_t)crop_permille[step] / 1000 + 1;
		dy = h * (uint32_t)crop_permille[step] / 1000 + 1;
		snprintf(param, param_size, "x=%u y=%u %ux%u quality=85", dx,
			 dy, w - 2 * dx, h - 2 * dy);
		return nsw_synth_crop(out, src, dx, dy, w - 2 * dx, h - 2 * dy);
	}
	case DEMO_T_ROT90:
	case DEMO_T_MIRROR:
		if (step >= 2)
			return 0;
		*quality = step == 0 ? 85 : 95;
		snprintf(param, param_size, "quality=%d", *quality);
		return t == DEMO_T_ROT90 ? nsw_synth_rotate(out, src, 1)
					 : nsw_synth_mirror(out, src);
	case DEMO_T_WATERMARK:
		if (step >= 3)
			return 0;
		rc = nsw_synth_crop(out, src, 0, 0, w, h);
		if (rc != 0)
			return rc;
		snprintf(param, param_size, "label=%s quality=85", marks[step]);
		nsw_synth_watermark(*out, marks[step]);
		return 0;
	default:
		return nsw_error_set(NSW_EINVAL, "demo: transform %d", t);
	}
}

/* Build blob[t] of `item` from its original image: the first rung of the
 * ladder whose copy stays within DEMO_COPY_DISTANCE_MAX. */
static int build_copy(struct demo_item *item, const nsw_image *orig, int t)
{
	struct demo_blob *b = &item->blob[t];
	nsw_pdq_result res;
	int step, rc = 0;

	for (step = 0;; step++) {
		nsw_image *img = NULL;
		int quality = 85, which = 0, d;

		rc = transform(&img, &quality, b->param, sizeof(b->param), orig,
			       t, step);
		if (rc != 0 || img == NULL)
			break;
		rc = encode_blob(b, img, quality, &res);
		nsw_image_free(img);
		if (rc != 0)
			break;
		d = dihedral_distance(&item->blob[0].pdq, &res, &which);
		if (d <= DEMO_COPY_DISTANCE_MAX) {
			b->present = 1;
			b->distance = d;
			b->dihedral = which;
			return 0;
		}
	}
	nsw_image_encoded_free(b->data);
	b->data = NULL;
	b->len = 0;
	return rc;
}

static int build_item(struct demo_model *m, struct demo_rng *rng,
		      enum demo_item_kind kind, size_t index)
{
	static const char *const prefix[] = {"known", "new", "scene"};
	static const int quality[] = {KNOWN_QUALITY, NEW_QUALITY,
				      BENIGN_QUALITY};
	struct demo_item *item = &m->items[m->item_count];
	nsw_image *img = NULL;
	int attempt, rc = 0, t;

	memset(item, 0, sizeof(*item));
	item->kind = kind;
	item->index = index;
	snprintf(item->name, sizeof(item->name), "%s-%04zu", prefix[kind],
		 index + 1);
	/* VICS US/Default codes: mostly 1, some 2, a few 3 (docs/demo.md). */
	item->category = index % 7 == 3 ? 2 : index % 11 == 5 ? 3 : 1;
	for (attempt = 0; attempt < SEED_ATTEMPTS; attempt++) {
		uint32_t w = 320 + 16 * demo_rng_below(rng, 11);
		uint32_t h = demo_rng_chance(rng, 25) ? w * 4 / 3 : w * 3 / 4;

		item->scene_seed = demo_rng_next(rng);
		nsw_image_free(img);
		img = NULL;
		rc = nsw_synth_scene(&img, w, h, item->scene_seed);
		if (rc != 0)
			goto done;
		rc = encode_blob(&item->blob[0], img, quality[kind],
				 &item->dihedral);
		if (rc != 0)
			goto done;
		if (distinct(m, &item->dihedral))
			break;
	}
	if (attempt == SEED_ATTEMPTS) {
		rc = nsw_error_set(NSW_ERROR,
				   "demo: no distinct scene for %s after %d "
				   "seeds",
				   item->name, SEED_ATTEMPTS);
		goto done;
	}
	item->blob[0].present = 1;
	snprintf(item->blob[0].param, sizeof(item->blob[0].param), "quality=%d",
		 quality[kind]);
	for (t = 1; t < DEMO_T_COUNT && kind != DEMO_ITEM_BENIGN; t++) {
		if (kind == DEMO_ITEM_NEW && t != DEMO_T_REENCODE &&
		    t != DEMO_T_RESIZE)
			continue;
		rc = build_copy(item, img, t);
		if (rc != 0)
			goto done;
		if (item->blob[t].present && kind == DEMO_ITEM_KNOWN)
			m->summary->known_copies++;
	}
	m->item_count++;
done:
	nsw_image_free(img);
	return rc;
}

/* ---- Benign "software" (the known-software list and device files) ---- */

static uint32_t crc32_of(const uint8_t *p, size_t n)
{
	uint32_t crc = 0xFFFFFFFFu;
	size_t i;
	int k;

	for (i = 0; i < n; i++) {
		crc ^= p[i];
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
	}
	return ~crc;
}

static int build_software(struct demo_model *m, struct demo_rng *rng)
{
	static const char *const products[] = {"DemoOffice", "PhotoViewer",
					       "ChatDesk", "MapTool",
					       "NoteTaker"};
	static const char *const kinds[] = {"dll", "exe", "dat", "txt"};
	size_t i, j;
	int rc = 0;

	m->software = nsw__calloc(m->n_software, sizeof(*m->software));
	if (m->software == NULL)
		return nsw_error_set(NSW_ENOMEM, "demo: out of memory");
	for (i = 0; i < m->n_software; i++) {
		struct demo_software *s = &m->software[i];
		size_t p = i % 5, head;
		const char *ext = kinds[i % 4];

		snprintf(s->name, sizeof(s->name), "%s%02zu.%s",
			 ext[0] == 't' ? "readme" : "module", i / 4 + 1, ext);
		snprintf(s->dir, sizeof(s->dir), "Program Files/%s",
			 products[p]);
		s->product_code = 9100 + (int)p;
		s->on_devices = i % 3 != 2;
		s->len = 2048 + demo_rng_below(rng, 30000);
		s->data = nsw__malloc(s->len);
		if (s->data == NULL)
			return nsw_error_set(NSW_ENOMEM, "demo: out of memory");
		head = (size_t)snprintf((char *)s->data, s->len,
					"%s %s: netsweep demo software file "
					"(benign filler)\n",
					products[p], s->name);
		for (j = head; j < s->len; j++)
			s->data[j] = ext[0] == 't'
					     ? (uint8_t)('a' + demo_rng_below(
								       rng, 26))
					     : (uint8_t)demo_rng_next(rng);
		if (ext[0] == 'd' || ext[0] == 'e') {
			s->data[0] = 'M';
			s->data[1] = 'Z';
		}
		rc = nsw_digest_buffer(&s->digests, NSW_DIGESTS_ALL, s->data,
				       s->len);
		if (rc != 0)
			return rc;
		s->crc32 = crc32_of(s->data, s->len);
		m->software_count++;
	}
	m->summary->software_files = m->software_count;
	return 0;
}

int demo_media_build(struct demo_model *m)
{
	struct demo_rng rng;
	size_t total = m->n_known + m->n_new + m->n_benign, i;
	int rc = 0;

	demo_rng_seed(&rng, m->seed, 1);
	m->items = nsw__calloc(total, sizeof(*m->items));
	if (m->items == NULL)
		return nsw_error_set(NSW_ENOMEM, "demo: out of memory");
	for (i = 0; rc == 0 && i < m->n_known; i++)
		rc = build_item(m, &rng, DEMO_ITEM_KNOWN, i);
	for (i = 0; rc == 0 && i < m->n_new; i++)
		rc = build_item(m, &rng, DEMO_ITEM_NEW, i);
	for (i = 0; rc == 0 && i < m->n_benign; i++)
		rc = build_item(m, &rng, DEMO_ITEM_BENIGN, i);
	if (rc == 0)
		rc = build_software(m, &rng);
	m->summary->known_items = m->n_known;
	m->summary->new_items = m->n_new;
	m->summary->benign_items = m->n_benign;
	return rc;
}

/* ---- Writing media/known and lists/ ---- */

static int write_vics(struct demo_model *m)
{
	nsw_buf b;
	char md5[2 * NSW_MD5_BYTES + 1], sha1[2 * NSW_SHA1_BYTES + 1];
	size_t i;
	int rc;

	demo_buf_init(&b);
	rc = nsw_buf_puts(&b, "{\"@odata.context\":\"http://github.com/"
			      "VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/"
			      "Default/$metadata#Media\",\"value\":[");
	for (i = 0; rc == 0 && i < m->n_known; i++) {
		const struct demo_item *it = &m->items[i];

		demo_hex_upper(md5, it->blob[0].digests.md5, NSW_MD5_BYTES);
		demo_hex_upper(sha1, it->blob[0].digests.sha1, NSW_SHA1_BYTES);
		rc = nsw_buf_printf(
			&b,
			"%s\n{\"MediaID\":%zu,\"Category\":%d,\"MD5\":\"%s\","
			"\"SHA1\":\"%s\",\"MediaSize\":%zu,"
			"\"DateUpdated\":\"2024-01-01T00:00:00.0000Z\","
			"\"IsPrecategorized\":\"false\",\"Series\":"
			"\"netsweep-demo-%c\",\"Comments\":\"benign synthetic "
			"stand-in (netsweep demo)\"}",
			i ? "," : "", i + 1, it->category, md5, sha1,
			it->blob[0].len, (char)('A' + i % 4));
	}
	if (rc == 0)
		rc = nsw_buf_puts(&b, "\n]}\n");
	if (rc != 0)
		rc = demo_buf_fail(rc, NSW_DEMO_LIST_VICS);
	else
		rc = demo_write_file(m, NSW_DEMO_LIST_VICS, b.ptr, b.len);
	nsw_buf_dispose(&b);
	return rc;
}

static int write_pdq(struct demo_model *m)
{
	nsw_buf b;
	char hex[NSW_PDQ_HEX_LEN + 1];
	size_t i;
	int rc = 0;

	demo_buf_init(&b);
	for (i = 0; rc == 0 && i < m->n_known; i++) {
		nsw_pdq_to_hex(hex, &m->items[i].blob[0].pdq);
		rc = nsw_buf_printf(&b, "%s,%d,%s.jpg\n", hex,
				    m->items[i].blob[0].pdq_quality,
				    m->items[i].name);
	}
	if (rc != 0)
		rc = demo_buf_fail(rc, NSW_DEMO_LIST_PDQ);
	else
		rc = demo_write_file(m, NSW_DEMO_LIST_PDQ, b.ptr, b.len);
	nsw_buf_dispose(&b);
	return rc;
}

static int write_nsrl(struct demo_model *m)
{
	nsw_buf b;
	char md5[2 * NSW_MD5_BYTES + 1], sha1[2 * NSW_SHA1_BYTES + 1];
	size_t i;
	int rc;

	demo_buf_init(&b);
	rc = nsw_buf_puts(&b, "\"SHA-1\",\"MD5\",\"CRC32\",\"FileName\","
			      "\"FileSize\",\"ProductCode\",\"OpSystemCode\","
			      "\"SpecialCode\"\r\n");
	for (i = 0; rc == 0 && i < m->software_count; i++) {
		const struct demo_software *s = &m->software[i];

		demo_hex_upper(md5, s->digests.md5, NSW_MD5_BYTES);
		demo_hex_upper(sha1, s->digests.sha1, NSW_SHA1_BYTES);
		rc = nsw_buf_printf(&b,
				    "\"%s\",\"%s\",\"%08X\",\"%s\",%zu,%d,"
				    "\"WIN\",\"\"\r\n",
				    sha1, md5, (unsigned)s->crc32, s->name,
				    s->len, s->product_code);
	}
	if (rc != 0)
		rc = demo_buf_fail(rc, NSW_DEMO_LIST_SOFTWARE);
	else
		rc = demo_write_file(m, NSW_DEMO_LIST_SOFTWARE, b.ptr, b.len);
	nsw_buf_dispose(&b);
	return rc;
}

int demo_media_write(struct demo_model *m)
{
	char rel[128];
	size_t i;
	int rc = 0;

	for (i = 0; rc == 0 && i < m->n_known; i++) {
		snprintf(rel, sizeof(rel), "%s/%s.jpg", NSW_DEMO_KNOWN_DIR,
			 m->items[i].name);
		rc = demo_write_file(m, rel, m->items[i].blob[0].data,
				     m->items[i].blob[0].len);
	}
	if (rc == 0)
		rc = write_vics(m);
	if (rc == 0)
		rc = write_pdq(m);
	if (rc == 0)
		rc = write_nsrl(m);
	return rc;
}
