/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Device-to-account links (store_links.c): which accounts posted the files
 * found on a seized device, byte for byte or as a PDQ near-match under any
 * dihedral variant, scored as docs/links.md says.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "imgsynth.h"
#include "support.h"
#include "netsweep/netsweep.h"

struct got {
	int n;
	char who[8][64];
	uint64_t files[8], exact[8];
	double score[8];
};

static int collect(void *ctx, const nsw_device_link *l)
{
	struct got *g = ctx;

	if (g->n < 8) {
		snprintf(g->who[g->n], sizeof(g->who[0]), "%s", l->native_id);
		g->files[g->n] = l->files;
		g->exact[g->n] = l->exact;
		g->score[g->n] = l->score;
	}
	g->n++;
	return 0;
}

static uint8_t *jpeg_of(const uint8_t *rgb, uint32_t w, uint32_t h, int quality,
			size_t *len)
{
	uint8_t *jpg = NULL;

	assert_int_equal(ts_encode_jpeg(&jpg, len, rgb, w, h, 3, quality, 0),
			 0);
	return jpg;
}

/* The picture turned a quarter turn (w x h -> h x w). */
static uint8_t *rotate(const uint8_t *rgb, uint32_t w, uint32_t h)
{
	uint8_t *out = malloc((size_t)w * h * 3);

	assert_non_null(out);
	for (uint32_t y = 0; y < h; y++)
		for (uint32_t x = 0; x < w; x++)
			memcpy(out + ((size_t)x * h + (h - 1 - y)) * 3,
			       rgb + ((size_t)y * w + x) * 3, 3);
	return out;
}

static void put(const char *dir, const char *name, const uint8_t *data,
		size_t len)
{
	char *p = ts_path(dir, name);

	assert_int_equal(ts_write_file(p, data, len), 0);
	free(p);
}

/*
 * A posts P1 first, B the same bytes later and P2, C a re-encoded P3.
 * The device holds P1, P2 turned a quarter turn, P3 as first encoded, and
 * an unrelated picture. So: P1 links A (exact, first: 1/2 + 1) and B
 * (exact: 1/2); P2 links B (near, sole and first: 2); P3 links C (near:
 * 2). Exact only: P1 alone.
 */
static void links_accounts_by_digest_and_near_copy(void **state)
{
	const uint32_t w = 320, h = 240;
	char *dir = ts_tmpdir(), *wa, *dev, *case_path, *txt;
	uint8_t *p1 = ts_synth_rgb(w, h, 101), *p2 = ts_synth_rgb(w, h, 202);
	uint8_t *p3 = ts_synth_rgb(w, h, 303), *u = ts_synth_rgb(w, h, 404);
	uint8_t *p2r = rotate(p2, w, h), *j[6];
	size_t n[6];
	nsw_case *c = NULL;
	nsw_chat_ingest_options io;
	nsw_chat_ingest_result ir;
	nsw_scan_options so;
	nsw_scan_result sr;
	int64_t device = 0;
	struct got g;
	static const char chat[] =
		"01/03/2024, 10:00 - Alice: IMG-20240301-WA0001.jpg (file "
		"attached)\n"
		"01/03/2024, 10:05 - Bob: IMG-20240301-WA0002.jpg (file "
		"attached)\n"
		"01/03/2024, 10:10 - Bob: IMG-20240301-WA0003.jpg (file "
		"attached)\n"
		"01/03/2024, 10:15 - Carol: IMG-20240301-WA0004.jpg (file "
		"attached)\n";

	(void)state;
	assert_non_null(dir);
	assert_true(p1 && p2 && p3 && u);
	wa = ts_path(dir, "wa");
	dev = ts_path(dir, "phone");
	case_path = ts_path(dir, "case.nsdb");
	txt = ts_path(wa, "WhatsApp Chat with Ring.txt");
	assert_int_equal(mkdir(wa, 0700), 0);
	assert_int_equal(mkdir(dev, 0700), 0);
	j[0] = jpeg_of(p1, w, h, 90, &n[0]);
	j[1] = jpeg_of(p2, w, h, 90, &n[1]);
	j[2] = jpeg_of(p3, w, h, 90, &n[2]);
	j[3] = jpeg_of(p3, w, h, 55, &n[3]); /* Carol's copy */
	j[4] = jpeg_of(p2r, h, w, 90, &n[4]);
	j[5] = jpeg_of(u, w, h, 90, &n[5]);
	assert_int_equal(ts_write_file(txt, chat, sizeof(chat) - 1), 0);
	put(wa, "IMG-20240301-WA0001.jpg", j[0], n[0]);
	put(wa, "IMG-20240301-WA0002.jpg", j[0], n[0]);
	put(wa, "IMG-20240301-WA0003.jpg", j[1], n[1]);
	put(wa, "IMG-20240301-WA0004.jpg", j[3], n[3]);
	put(dev, "DCIM-1.jpg", j[0], n[0]);
	put(dev, "DCIM-2.jpg", j[4], n[4]);
	put(dev, "DCIM-3.jpg", j[2], n[2]);
	put(dev, "DCIM-4.jpg", j[5], n[5]);

	assert_int_equal(nsw_case_create(&c, case_path, "Op", "E"), 0);
	memset(&io, 0, sizeof(io));
	memset(&ir, 0, sizeof(ir));
	assert_int_equal(nsw_chat_ingest(c, txt, &io, &ir), 0);
	assert_int_equal(ir.media_hashed, 4);
	memset(&so, 0, sizeof(so));
	so.evidence_path = dev;
	so.label = "phone";
	so.threads = 1;
	assert_int_equal(nsw_scan_run(case_path, &so, &sr), 0);
	assert_int_equal(sr.files, 4);
	assert_int_equal(nsw_case_evidence_find(c, "phone", &device), 0);

	memset(&g, 0, sizeof(g));
	assert_int_equal(nsw_case_device_links(c, device, 31, collect, &g), 0);
	assert_int_equal(g.n, 3);
	assert_non_null(strstr(g.who[0], "Bob"));
	assert_int_equal(g.files[0], 2);
	assert_int_equal(g.exact[0], 1);
	assert_true(g.score[0] > 2.49 && g.score[0] < 2.51);
	assert_non_null(strstr(g.who[1], "Carol"));
	assert_int_equal(g.files[1], 1);
	assert_int_equal(g.exact[1], 0);
	assert_true(g.score[1] > 1.99 && g.score[1] < 2.01);
	assert_non_null(strstr(g.who[2], "Alice"));
	assert_int_equal(g.files[2], 1);
	assert_int_equal(g.exact[2], 1);
	assert_true(g.score[2] > 1.49 && g.score[2] < 1.51);

	/* Exact digests only: P1 alone, Alice first. */
	memset(&g, 0, sizeof(g));
	assert_int_equal(nsw_case_device_links(c, device, -1, collect, &g), 0);
	assert_int_equal(g.n, 2);
	assert_non_null(strstr(g.who[0], "Alice"));
	assert_true(g.score[0] > 1.49 && g.score[0] < 1.51);
	assert_non_null(strstr(g.who[1], "Bob"));
	assert_int_equal(g.files[1], 1);
	assert_true(g.score[1] > 0.49 && g.score[1] < 0.51);

	/* Threshold 0: the turned and re-encoded copies no longer link. */
	memset(&g, 0, sizeof(g));
	assert_int_equal(nsw_case_device_links(c, device, 0, collect, &g), 0);
	assert_int_equal(g.n, 2);

	nsw_case_close(c);
	for (int i = 0; i < 6; i++)
		free(j[i]);
	free(p1);
	free(p2);
	free(p3);
	free(u);
	free(p2r);
	free(wa);
	free(dev);
	free(txt);
	free(case_path);
	ts_tmpdir_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(links_accounts_by_digest_and_near_copy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
