/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The demo's two seized-device folders, devices/<owner>/: the owner's
 * posted copies of known items (exact and transformed), re-encoded copies
 * they never posted, the seeder's camera originals of new items,
 * unrelated pictures (JPEG and PNG screenshots), installed "software"
 * that the known-software list suppresses, and corrupt files.
 */
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "demo_internal.h"
#include "error.h"

const char *demo_devfile_kind_name(int kind)
{
	static const char *const names[] = {
		"known-exact",	  "known-copy", "new-original",
		"unrelated",	  "software",	"corrupt-truncated",
		"corrupt-garbage"};

	if (kind < 0 || kind > DEMO_DEV_CORRUPT_GARBAGE)
		return "?";
	return names[kind];
}

static int add_file(struct demo_model *m, size_t dev,
		    enum demo_devfile_kind kind, size_t item, int variant,
		    size_t software, const char *rel_in_device,
		    const uint8_t *data, size_t len)
{
	struct demo_devfile *f;
	nsw_digests dg;
	int rc;

	if (m->devfile_count == m->devfile_cap) {
		size_t cap = m->devfile_cap ? m->devfile_cap * 2 : 128;
		struct demo_devfile *grown =
			nsw__reallocarray(m->devfiles, cap, sizeof(*grown));

		if (grown == NULL)
			return nsw_error_set(NSW_ENOMEM, "demo: out of memory");
		m->devfiles = grown;
		m->devfile_cap = cap;
	}
	f = &m->devfiles[m->devfile_count];
	memset(f, 0, sizeof(*f));
	f->device = dev;
	f->kind = kind;
	f->item = item;
	f->variant = variant;
	f->software = software;
	snprintf(f->path, sizeof(f->path), "%s/%s/%s", NSW_DEMO_DEVICES_DIR,
		 m->summary->device_owner[dev], rel_in_device);
	rc = nsw_digest_buffer(&dg, NSW_ALGO_BIT(NSW_ALGO_SHA256), data, len);
	if (rc != 0)
		return rc;
	memcpy(f->sha256, dg.sha256, sizeof(f->sha256));
	f->size = len;
	rc = demo_write_file(m, f->path, data, len);
	if (rc != 0)
		return rc;
	m->devfile_count++;
	m->summary->device_files++;
	if (kind == DEMO_DEV_CORRUPT_TRUNCATED ||
	    kind == DEMO_DEV_CORRUPT_GARBAGE)
		m->summary->corrupt_files++;
	return 0;
}

static int already(const struct demo_model *m, size_t dev, size_t item,
		   int variant)
{
	size_t i;

	for (i = 0; i < m->devfile_count; i++)
		if (m->devfiles[i].device == dev &&
		    m->devfiles[i].item == item &&
		    m->devfiles[i].variant == variant)
			return 1;
	return 0;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash != NULL ? slash + 1 : path;
}

/* What the owner posted: the very files, as the apps saved them. */
static int posted_copies(struct demo_model *m, size_t dev, size_t owner,
			 size_t cap)
{
	size_t i, n = 0;
	int rc = 0;

	for (i = 0; rc == 0 && i < m->msg_count && n < cap; i++) {
		const struct demo_msg *msg = &m->msgs[i];
		const struct demo_item *it;
		char rel[160];

		if (msg->sender != owner || msg->kind != DEMO_MSG_MEDIA ||
		    msg->item >= m->n_known ||
		    already(m, dev, msg->item, msg->variant))
			continue;
		it = &m->items[msg->item];
		snprintf(rel, sizeof(rel), "%s/%s",
			 m->chats[msg->chat].platform == DEMO_TG
				 ? "Telegram/Telegram Images"
				 : "WhatsApp/Media/WhatsApp Images/Sent",
			 base_name(msg->path));
		rc = add_file(m, dev,
			      msg->variant == DEMO_T_ORIGINAL
				      ? DEMO_DEV_KNOWN_EXACT
				      : DEMO_DEV_KNOWN_COPY,
			      msg->item, msg->variant, DEMO_NONE, rel,
			      it->blob[msg->variant].data,
			      it->blob[msg->variant].len);
		n++;
	}
	return rc;
}

static int device(struct demo_model *m, size_t dev, struct demo_rng *rng)
{
	size_t owner = m->device_owner[dev], i, k;
	const struct demo_account *a = &m->accounts[owner];
	size_t scale = m->n_known / 30 + 1;
	size_t own0 = m->n_known + m->n_new + m->n_benign_posted +
		      dev * m->n_benign_device;
	char rel[160], note[512];
	int n, rc;

	n = snprintf(note, sizeof(note),
		     "Extraction of a seized phone (netsweep demo, benign "
		     "synthetic data)\nDevice owner: %s\nSIM number: %s\n"
		     "Telegram account: @%s (user%llu)\n",
		     a->name, a->phone, a->username,
		     (unsigned long long)a->tg_id);
	rc = add_file(m, dev, DEMO_DEV_UNRELATED, DEMO_NONE, 0, DEMO_NONE,
		      "device-info.txt", (const uint8_t *)note, (size_t)n);
	if (rc == 0)
		rc = posted_copies(m, dev, owner, 20 * scale);
	/* Re-encoded and resized copies never posted from this account. */
	for (k = 0; rc == 0 && k < 4 * scale; k++) {
		size_t item = demo_rng_below(rng, (uint32_t)m->n_known);
		int v = k % 2 ? DEMO_T_RESIZE : DEMO_T_REENCODE;
		const struct demo_blob *b = &m->items[item].blob[v];

		if (!b->present || already(m, dev, item, v))
			continue;
		snprintf(rel, sizeof(rel), "Download/img_%04zu_%zu.jpg", k + 1,
			 dev + 1);
		rc = add_file(m, dev, DEMO_DEV_KNOWN_COPY, item, v, DEMO_NONE,
			      rel, b->data, b->len);
	}
	/* The seeder's camera holds the originals of the new items. */
	for (i = 0; rc == 0 && owner == m->seeder && i < m->n_new; i++) {
		const struct demo_item *it = &m->items[m->n_known + i];

		snprintf(rel, sizeof(rel), "DCIM/Camera/IMG_%04zu.jpg",
			 100 + i);
		rc = add_file(m, dev, DEMO_DEV_NEW_ORIGINAL, m->n_known + i,
			      DEMO_T_ORIGINAL, DEMO_NONE, rel, it->blob[0].data,
			      it->blob[0].len);
	}
	/* Unrelated pictures: camera JPEGs and PNG screenshots. */
	for (k = 0; rc == 0 && k < m->n_benign_device; k++) {
		size_t item = own0 + k;
		const struct demo_blob *b = &m->items[item].blob[0];

		if (k % 3 == 2) {
			nsw_image *img = NULL;
			uint8_t *png = NULL;
			size_t len = 0;

			rc = nsw_image_decode(&img, b->data, b->len, "demo");
			if (rc == 0)
				rc = nsw_image_encode_png(&png, &len, img);
			snprintf(rel, sizeof(rel),
				 "Pictures/Screenshots/Screenshot_%04zu.png",
				 k + 1);
			if (rc == 0)
				rc = add_file(m, dev, DEMO_DEV_UNRELATED, item,
					      -1, DEMO_NONE, rel, png, len);
			nsw_image_encoded_free(png);
			nsw_image_free(img);
			continue;
		}
		snprintf(rel, sizeof(rel), "DCIM/Camera/IMG_%04zu.jpg",
			 500 + k);
		rc = add_file(m, dev, DEMO_DEV_UNRELATED, item, DEMO_T_ORIGINAL,
			      DEMO_NONE, rel, b->data, b->len);
	}
	/* Known software, suppressed by lists/known-software.txt. */
	for (i = 0; rc == 0 && i < m->software_count; i++) {
		const struct demo_software *s = &m->software[i];

		if (!s->on_devices)
			continue;
		snprintf(rel, sizeof(rel), "%s/%s", s->dir, s->name);
		rc = add_file(m, dev, DEMO_DEV_SOFTWARE, DEMO_NONE, 0, i, rel,
			      s->data, s->len);
	}
	/* Corrupt: a cut JPEG and garbage behind a JPEG header. */
	if (rc == 0) {
		const struct demo_blob *b = &m->items[own0].blob[0];

		rc = add_file(m, dev, DEMO_DEV_CORRUPT_TRUNCATED, DEMO_NONE, 0,
			      DEMO_NONE, "DCIM/Camera/IMG_0999.jpg", b->data,
			      b->len * 2 / 5);
	}
	if (rc == 0) {
		uint8_t junk[4096];
		static const uint8_t head[] = {0xFF, 0xD8, 0xFF, 0xE0, 0x00,
					       0x10, 'J',  'F',	 'I',  'F',
					       0x00, 0x01, 0x01, 0x00};

		for (i = 0; i < sizeof(junk); i++)
			junk[i] = (uint8_t)demo_rng_next(rng);
		memcpy(junk, head, sizeof(head));
		rc = add_file(m, dev, DEMO_DEV_CORRUPT_GARBAGE, DEMO_NONE, 0,
			      DEMO_NONE, "Download/photo_recovered.jpg", junk,
			      sizeof(junk));
	}
	return rc;
}

int demo_devices_write(struct demo_model *m)
{
	struct demo_rng rng;
	size_t d, j;
	int rc = 0;

	demo_rng_seed(&rng, m->seed, 4);
	for (d = 0; d < NSW_DEMO_DEVICES; d++) {
		const struct demo_account *a = &m->accounts[m->device_owner[d]];
		char *o = m->summary->device_owner[d];

		snprintf(o, sizeof(m->summary->device_owner[d]), "phone-%.48s",
			 a->name);
		for (j = 0; o[j]; j++) {
			if (o[j] >= 'A' && o[j] <= 'Z')
				o[j] |= 0x20;
			else if (o[j] == ' ')
				o[j] = '-';
		}
	}
	for (d = 0; rc == 0 && d < NSW_DEMO_DEVICES; d++)
		rc = device(m, d, &rng);
	return rc;
}
