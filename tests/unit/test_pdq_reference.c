/* SPDX-License-Identifier: Apache-2.0 */
/*
 * PDQ against Meta's reference pdq-photo-hasher: hash, quality and the 8
 * dihedral hashes of every test image, from the files themselves. Always on
 * the images bundled in tests/data/third_party/threatexchange; on all 55
 * when /work/shared is present. I16.png (16-bit) is the one documented
 * difference, checked on its own: the reference keeps the low byte of each
 * sample, we scale to 8 bits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <png.h>

#include "support.h"
#include "netsweep/image.h"
#include "netsweep/pdq.h"

#define MAX_ROWS 128
#define I16_PATH \
	"python-threatexchange/threatexchange/tests/hashing/resources/I16.png"

typedef struct {
	char path[512];
	int quality;
	nsw_pdq_hash hash[NSW_PDQ_DIHEDRAL_COUNT];
} ref_row;

typedef struct {
	ref_row rows[MAX_ROWS];
	int n;
} ref_table;

/* Split one CSV line (no quoting in these files) into at most `max`
 * fields, in place. */
static int split(char *line, char **fields, int max)
{
	int n = 0;

	fields[n++] = line;
	for (char *p = line; *p != '\0'; p++)
		if (*p == ',' && n < max) {
			*p = '\0';
			fields[n++] = p + 1;
		}
	return n;
}

/* Load hash,quality,path (nhash = 1) or 8 hashes,quality,path (8). */
static void load_table(ref_table *t, const char *csv, int nhash)
{
	size_t len;
	char *text = (char *)ts_read_file(csv, &len);
	char *line, *next;

	assert_non_null(text);
	t->n = 0;
	for (line = text; line != NULL && *line != '\0'; line = next) {
		char *fields[12];
		int nf;

		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		if (*line == '\0')
			continue;
		nf = split(line, fields, 12);
		assert_int_equal(nf, nhash + 2);
		assert_true(t->n < MAX_ROWS);
		for (int k = 0; k < nhash; k++)
			assert_int_equal(
				nsw_pdq_from_hex(&t->rows[t->n].hash[k],
						 fields[k], strlen(fields[k])),
				NSW_OK);
		t->rows[t->n].quality = (int)strtol(fields[nhash], NULL, 10);
		snprintf(t->rows[t->n].path, sizeof(t->rows[t->n].path), "%s",
			 fields[nhash + 1]);
		t->n++;
	}
	free(text);
}

static const ref_row *find_row(const ref_table *t, const char *path)
{
	for (int i = 0; i < t->n; i++)
		if (strcmp(t->rows[i].path, path) == 0)
			return &t->rows[i];
	return NULL;
}

static int exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

typedef struct {
	int listed, checked, equal, dihedral_equal;
} tally;

/* Hash every listed image present under `base` (I16.png aside). */
static tally check_vectors(const char *base)
{
	static ref_table plain, dih;
	char *csv;
	tally t = {0, 0, 0, 0};

	csv = ts_path(base, "generated/ref-pdq-photo-hasher.csv");
	load_table(&plain, csv, 1);
	free(csv);
	csv = ts_path(base, "generated/ref-pdq-photo-hasher-pdqdih-across.csv");
	load_table(&dih, csv, NSW_PDQ_DIHEDRAL_COUNT);
	free(csv);
	t.listed = plain.n;
	for (int i = 0; i < plain.n; i++) {
		const ref_row *want = &plain.rows[i];
		const ref_row *want_dih = find_row(&dih, want->path);
		char *file = ts_path(base, want->path);
		char ours[NSW_PDQ_HEX_LEN + 1], ref[NSW_PDQ_HEX_LEN + 1];
		nsw_pdq_result r;
		int rc, same, dih_same = 1;

		if (strcmp(want->path, I16_PATH) == 0 || !exists(file)) {
			free(file);
			continue;
		}
		t.checked++;
		rc = nsw_pdq_hash_file(&r, file, 1);
		if (rc != NSW_OK) {
			printf("FAIL %s: %s\n", want->path, nsw_error_last());
			free(file);
			continue;
		}
		same = nsw_pdq_distance(&r.hash, &want->hash[0]) == 0 &&
		       r.quality == want->quality;
		assert_non_null(want_dih);
		for (int k = 0; k < NSW_PDQ_DIHEDRAL_COUNT; k++) {
			int d = nsw_pdq_distance(&r.dihedral[k],
						 &want_dih->hash[k]);

			if (d != 0) {
				printf("FAIL %s %s: %d bits off\n", want->path,
				       nsw_pdq_dihedral_name(
					       (nsw_pdq_dihedral)k),
				       d);
				dih_same = 0;
			}
		}
		if (!same) {
			nsw_pdq_to_hex(ours, &r.hash);
			nsw_pdq_to_hex(ref, &want->hash[0]);
			printf("FAIL %s: %d bits off, quality %d (reference "
			       "%d)\n  ours %s\n  ref  %s\n",
			       want->path,
			       nsw_pdq_distance(&r.hash, &want->hash[0]),
			       r.quality, want->quality, ours, ref);
		}
		t.equal += same;
		t.dihedral_equal += dih_same;
		free(file);
	}
	printf("PDQ vectors under %s: %d listed, %d checked (I16.png apart), "
	       "%d equal, %d with all 8 dihedral hashes equal\n",
	       base, t.listed, t.checked, t.equal, t.dihedral_equal);
	return t;
}

static void pdq_matches_bundled_reference_vectors(void **state)
{
	char *base = ts_path(ts_test_data(), "third_party/threatexchange");
	tally t;

	(void)state;
	t = check_vectors(base);
	assert_int_equal(t.listed, 55);
	assert_int_equal(t.checked, 9); /* the bundled images but I16.png */
	assert_int_equal(t.equal, t.checked);
	assert_int_equal(t.dihedral_equal, t.checked);
	free(base);
}

static void pdq_matches_all_shared_reference_vectors(void **state)
{
	const char *shared = ts_shared_dir("the 55 PDQ reference vectors");
	char *base;
	tally t;

	(void)state;
	if (shared == NULL) {
		skip();
		return;
	}
	base = ts_path(shared, "pdq/testdata");
	t = check_vectors(base);
	assert_int_equal(t.listed, 55);
	assert_int_equal(t.checked, 54);
	assert_int_equal(t.equal, 54);
	assert_int_equal(t.dihedral_equal, 54);
	free(base);
}

/* ---- I16.png ---------------------------------------------------------- */

/*
 * The raw 16-bit samples of a grey PNG file, read with libpng and no
 * transformations: the library's decoder deliberately never exposes them
 * (it scales to 8 bits), but this test needs them to show what the
 * reference did. Returns w * h samples.
 */
static uint16_t *read_png16_grey(const char *path, uint32_t *w, uint32_t *h)
{
	FILE *f = fopen(path, "rb");
	png_structp png;
	png_infop info;
	uint16_t *volatile out = NULL;
	uint8_t *volatile row = NULL;

	assert_non_null(f);
	png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	assert_non_null(png);
	info = png_create_info_struct(png);
	assert_non_null(info);
	if (setjmp(png_jmpbuf(png))) {
		png_destroy_read_struct(&png, &info, NULL);
		fclose(f);
		free(out);
		free(row);
		fail_msg("libpng could not read %s", path);
		return NULL;
	}
	png_init_io(png, f);
	png_read_info(png, info);
	*w = png_get_image_width(png, info);
	*h = png_get_image_height(png, info);
	assert_int_equal(png_get_bit_depth(png, info), 16);
	assert_int_equal(png_get_color_type(png, info), PNG_COLOR_TYPE_GRAY);
	assert_int_equal(png_get_interlace_type(png, info), PNG_INTERLACE_NONE);
	out = malloc(sizeof(uint16_t) * *w * *h);
	row = malloc((size_t)*w * 2);
	assert_non_null(out);
	assert_non_null(row);
	for (uint32_t y = 0; y < *h; y++) {
		png_read_row(png, row, NULL);
		for (uint32_t x = 0; x < *w; x++) /* PNG is big-endian */
			out[(size_t)y * *w + x] =
				(uint16_t)(row[2 * x] << 8 | row[2 * x + 1]);
	}
	png_destroy_read_struct(&png, &info, NULL);
	fclose(f);
	free(row);
	return out;
}

static void i16_differs_only_by_16_to_8_scaling(void **state)
{
	char *base = ts_path(ts_test_data(), "third_party/threatexchange");
	char *csv = ts_path(base, "generated/ref-pdq-photo-hasher.csv");
	char *file = ts_path(base, I16_PATH);
	static ref_table plain;
	const ref_row *want;
	uint8_t *png, *low, *scaled;
	uint16_t *v;
	uint32_t w = 0, h = 0;
	size_t len, n;
	nsw_image *img = NULL;
	nsw_pdq_result r_low, r_scaled, r_file;

	(void)state;
	load_table(&plain, csv, 1);
	want = find_row(&plain, I16_PATH);
	assert_non_null(want);
	png = ts_read_file(file, &len);
	assert_non_null(png);
	v = read_png16_grey(file, &w, &h);
	n = (size_t)w * h;
	low = malloc(n);
	scaled = malloc(n);
	assert_non_null(low);
	assert_non_null(scaled);
	for (size_t i = 0; i < n; i++) {
		low[i] = (uint8_t)(v[i] & 0xff);
		scaled[i] = (uint8_t)((v[i] * 255u + 32767u) / 65535u);
	}
	/* The reference hashed the low bytes: that reproduces it exactly. */
	assert_int_equal(nsw_pdq_hash_pixels(&r_low, low, w, h, 1, w, 0),
			 NSW_OK);
	assert_int_equal(nsw_pdq_distance(&r_low.hash, &want->hash[0]), 0);
	assert_int_equal(r_low.quality, want->quality);
	/* Our decoder scales 16 -> 8 with rounding... */
	assert_int_equal(nsw_image_decode(&img, png, len, file), NSW_OK);
	assert_int_equal(img->channels, 1);
	assert_memory_equal(img->pixels, scaled, n);
	/* ...and the file hashes as the scaled image, not as the reference. */
	assert_int_equal(nsw_pdq_hash_pixels(&r_scaled, scaled, w, h, 1, w, 0),
			 NSW_OK);
	assert_int_equal(nsw_pdq_hash_file(&r_file, file, 0), NSW_OK);
	assert_memory_equal(&r_file.hash, &r_scaled.hash, NSW_PDQ_BYTES);
	assert_int_equal(r_file.quality, r_scaled.quality);
	printf("I16.png: reference (low byte) and ours (scaled) are %d bits "
	       "apart, as documented\n",
	       nsw_pdq_distance(&r_file.hash, &want->hash[0]));
	assert_int_not_equal(nsw_pdq_distance(&r_file.hash, &want->hash[0]), 0);
	nsw_image_free(img);
	free(low);
	free(scaled);
	free(v);
	free(png);
	free(file);
	free(csv);
	free(base);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pdq_matches_bundled_reference_vectors),
		cmocka_unit_test(pdq_matches_all_shared_reference_vectors),
		cmocka_unit_test(i16_differs_only_by_16_to_8_scaling),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
