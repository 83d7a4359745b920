/* SPDX-License-Identifier: Apache-2.0 */
/* A scan against real list files: planted exact copies, re-encoded,
 * resized and rotated copies, an unrelated image, and NSRL-suppressed and
 * known-software files; asserts exactly which hits are recorded. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "imgsynth.h"
#include "support.h"

#include "netsweep/netsweep.h"

static uint8_t *jpeg_of(const nsw_image *img, int quality, size_t *len)
{
	uint8_t *out = NULL;

	assert_int_equal(ts_encode_jpeg(&out, len, img->pixels, img->width,
					img->height, (int)img->channels,
					quality, 0),
			 0);
	return out;
}

static void write_bytes(const char *dir, const char *name, const void *data,
			size_t len)
{
	char *p = ts_path(dir, name);

	assert_int_equal(ts_write_file(p, data, len), 0);
	free(p);
}

static char *write_list(const char *dir, const char *file, const char *name,
			const nsw_list_entry *entries, size_t n)
{
	nsw_list_builder *b = NULL;
	char *p = ts_path(dir, file);

	assert_int_equal(nsw_list_builder_new(&b, name, "7"), 0);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(nsw_list_builder_add(b, &entries[i]), 0);
	assert_int_equal(nsw_list_builder_write(b, p, NULL), 0);
	nsw_list_builder_free(b);
	return p;
}

static void md5_into(uint8_t out[16], const void *data, size_t len)
{
	nsw_digests d;

	assert_int_equal(
		nsw_digest_buffer(&d, NSW_ALGO_BIT(NSW_ALGO_MD5), data, len),
		0);
	memcpy(out, d.md5, 16);
}

struct hits {
	int n;
	char rows[16][128];
	int pdq_distance[16];
	int dihedral[16];
};

static int collect(void *ctx, const nsw_hit_row *r)
{
	struct hits *h = ctx;

	assert_true(h->n < 16);
	snprintf(h->rows[h->n], sizeof(h->rows[0]), "%s %s %s %lld %s:%s%s",
		 r->file->display_path, r->list_name,
		 nsw_algo_name(r->hit.algo), (long long)r->hit.entry_id,
		 r->hit.category_scheme ? r->hit.category_scheme : "-",
		 r->hit.category_code ? r->hit.category_code : "-",
		 r->hit.suppressed ? " suppressed" : "");
	h->pdq_distance[h->n] = r->hit.distance;
	h->dihedral[h->n] = r->hit.dihedral;
	h->n++;
	return 0;
}

/* The eight hits the planted tree must give, in report order. */
static void check_planted_hits(const struct hits *hh)
{
	const struct hits *h = hh;

	assert_int_equal(h->n, 8);
	/* Ordered by path: apps/both.bin, apps/tool.dll, exact.jpg... */
	assert_string_equal(h->rows[0], "apps/both.bin bad-test md5 1 "
					"vics-default:2 suppressed");
	assert_string_equal(h->rows[1], "apps/both.bin nsrl-test md5 1 "
					"known-software:-");
	assert_string_equal(h->rows[2], "apps/tool.dll nsrl-test md5 0 "
					"known-software:-");
	assert_string_equal(h->rows[3], "exact.jpg bad-test md5 0 "
					"vics-default:1");
	assert_string_equal(h->rows[4], "exact.jpg bad-test pdq 0 "
					"vics-default:1");
	assert_int_equal(h->pdq_distance[4], 0);
	assert_int_equal(h->dihedral[4], NSW_PDQ_ORIGINAL);
	assert_string_equal(h->rows[5], "reencoded.jpg bad-test pdq 0 "
					"vics-default:1");
	assert_true(h->pdq_distance[5] <= NSW_MATCH_DEFAULT_THRESHOLD);
	assert_string_equal(h->rows[6], "resized.jpg bad-test pdq 0 "
					"vics-default:1");
	assert_true(h->pdq_distance[6] <= NSW_MATCH_DEFAULT_THRESHOLD);
	assert_string_equal(h->rows[7], "rotated.jpg bad-test pdq 0 "
					"vics-default:1");
	/* Only a dihedral variant of the rotated file matches the list. */
	assert_true(h->dihedral[7] == NSW_PDQ_ROT90 ||
		    h->dihedral[7] == NSW_PDQ_ROT270);
}

static void scan_finds_exactly_the_planted_hits(void **state)
{
	static const char software[] = "MZ\x90 known software build 1.2.3";
	static const char suppressed[] = "on the bad list and in the NSRL";
	char *tmp = ts_tmpdir(), *ev = ts_path(tmp, "ev");
	char *case_path = ts_path(tmp, "case.nsdb");
	char *bad_path, *nsrl_path;
	nsw_image *a = NULL, *other = NULL, *small = NULL, *rot = NULL;
	uint8_t *a_jpg, *reenc, *small_jpg, *rot_jpg, *other_jpg;
	size_t a_len, reenc_len, small_len, rot_len, other_len;
	nsw_pdq_result pdq;
	nsw_list_entry bad[2], nsrl[2];
	nsw_scan_lists *lists = NULL;
	nsw_scan_options o;
	nsw_scan_result r;
	nsw_case *c = NULL;
	nsw_hit_filter all = {.include_suppressed = 1, .include_allow = 1};
	struct hits h = {0};
	uint32_t nlists = 0;
	const char *match_paths[1], *allow_paths[1];

	(void)state;
	assert_int_equal(nsw_synth_scene(&a, 320, 240, 11), 0);
	assert_int_equal(nsw_synth_scene(&other, 320, 240, 99), 0);
	assert_int_equal(nsw_synth_resize(&small, a, 160, 120), 0);
	assert_int_equal(nsw_synth_rotate(&rot, a, 1), 0);
	a_jpg = jpeg_of(a, 90, &a_len);
	reenc = jpeg_of(a, 55, &reenc_len);
	small_jpg = jpeg_of(small, 90, &small_len);
	rot_jpg = jpeg_of(rot, 90, &rot_len);
	other_jpg = jpeg_of(other, 90, &other_len);

	/* The lists: the original's MD5 and PDQ; a known file; NSRL. */
	memset(bad, 0, sizeof(bad));
	memset(nsrl, 0, sizeof(nsrl));
	assert_int_equal(nsw_pdq_hash_buffer(&pdq, a_jpg, a_len, "a", 0), 0);
	bad[0].has = NSW_HAS_MD5 | NSW_HAS_PDQ;
	md5_into(bad[0].md5, a_jpg, a_len);
	bad[0].pdq = pdq.hash;
	bad[0].pdq_quality = pdq.quality;
	bad[0].category_scheme = "vics-default";
	bad[0].category_code = "1";
	bad[0].source_id = "M-1";
	bad[1].has = NSW_HAS_MD5;
	md5_into(bad[1].md5, suppressed, strlen(suppressed));
	bad[1].category_scheme = "vics-default";
	bad[1].category_code = "2";
	for (int i = 0; i < 2; i++) {
		bad[i].size = -1;
		bad[i].victim_identified = NSW_FLAG_UNKNOWN;
		bad[i].offender_identified = NSW_FLAG_UNKNOWN;
		nsrl[i] = bad[i];
		nsrl[i].has = NSW_HAS_MD5;
		nsrl[i].category_scheme = "known-software";
		nsrl[i].category_code = NULL;
		nsrl[i].source_id = NULL;
	}
	bad[1].pdq_quality = -1;
	md5_into(nsrl[0].md5, software, strlen(software));
	md5_into(nsrl[1].md5, suppressed, strlen(suppressed));
	bad_path = write_list(tmp, "bad.nswl", "bad-test", bad, 2);
	nsrl_path = write_list(tmp, "nsrl.nswl", "nsrl-test", nsrl, 2);

	write_bytes(ev, "exact.jpg", a_jpg, a_len);
	write_bytes(ev, "reencoded.jpg", reenc, reenc_len);
	write_bytes(ev, "resized.jpg", small_jpg, small_len);
	write_bytes(ev, "rotated.jpg", rot_jpg, rot_len);
	write_bytes(ev, "unrelated.jpg", other_jpg, other_len);
	write_bytes(ev, "apps/tool.dll", software, strlen(software));
	write_bytes(ev, "apps/both.bin", suppressed, strlen(suppressed));
	{
		nsw_case *nc = NULL;

		assert_int_equal(nsw_case_create(&nc, case_path, "T", "E"), 0);
		nsw_case_close(nc);
	}

	match_paths[0] = bad_path;
	allow_paths[0] = nsrl_path;
	assert_int_equal(nsw_scan_lists_open(&lists, match_paths, 1,
					     allow_paths, 1, NULL),
			 0);
	memset(&o, 0, sizeof(o));
	o.evidence_path = ev;
	o.label = "usb-1";
	o.lists = nsw_scan_lists_cases(lists, &nlists);
	o.nlists = nlists;
	o.matcher = nsw_scan_lists_matcher(lists);
	o.threads = 2;
	assert_int_equal(nlists, 2);
	assert_int_equal(strlen(o.lists[0].checksum), 64);
	assert_int_equal(nsw_scan_run(case_path, &o, &r), 0);
	assert_int_equal(r.files, 7);
	/* exact (md5 + pdq), reencoded, resized, rotated (pdq). */
	assert_int_equal(r.hits, 5);

	assert_int_equal(nsw_case_open(&c, case_path, NSW_CASE_READONLY), 0);
	assert_int_equal(nsw_case_hits_foreach(c, &all, collect, &h), 0);
	check_planted_hits(&h);
	nsw_case_close(c);

	/* A second case: first scanned with the NSRL list alone, then with
	 * both. The second run reads nothing again but matches the recorded
	 * digests and PDQ variants: the same eight hits, rotation included. */
	unlink(case_path);
	{
		nsw_case *nc = NULL;
		nsw_scan_lists *only = NULL;

		assert_int_equal(nsw_case_create(&nc, case_path, "T2", "E"), 0);
		nsw_case_close(nc);
		assert_int_equal(nsw_scan_lists_open(&only, NULL, 0,
						     allow_paths, 1, NULL),
				 0);
		o.lists = nsw_scan_lists_cases(only, &nlists);
		o.nlists = nlists;
		o.matcher = nsw_scan_lists_matcher(only);
		assert_int_equal(nsw_scan_run(case_path, &o, &r), 0);
		assert_int_equal(r.files, 7);
		nsw_scan_lists_free(only);
	}
	o.lists = nsw_scan_lists_cases(lists, &nlists);
	o.nlists = nlists;
	o.matcher = nsw_scan_lists_matcher(lists);
	assert_int_equal(nsw_scan_run(case_path, &o, &r), 0);
	assert_int_equal(r.resumed, 0);
	assert_int_equal(r.files, 0);
	assert_int_equal(r.files_skipped, 7);
	assert_int_equal(r.rematched, 7);
	memset(&h, 0, sizeof(h));
	assert_int_equal(nsw_case_open(&c, case_path, NSW_CASE_READONLY), 0);
	assert_int_equal(nsw_case_hits_foreach(c, &all, collect, &h), 0);
	check_planted_hits(&h);
	nsw_case_close(c);

	nsw_scan_lists_free(lists);
	nsw_image_free(a);
	nsw_image_free(other);
	nsw_image_free(small);
	nsw_image_free(rot);
	free(a_jpg);
	free(reenc);
	free(small_jpg);
	free(rot_jpg);
	free(other_jpg);
	free(bad_path);
	free(nsrl_path);
	free(case_path);
	free(ev);
	ts_tmpdir_remove(tmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(scan_finds_exactly_the_planted_hits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
