/* SPDX-License-Identifier: Apache-2.0 */
/* Scalar PDQ core straight from SPEC.md (see pdq_naive.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pdq_naive.h"

void ts_pdq_box1d(float *out, const float *in, int n, int stride, int w)
{
	int half = (w + 2) / 2;
	int fill = half - 1;	 /* sums before the first output */
	int grow = w - half + 1; /* outputs while the window grows */
	int full = n - w;	 /* outputs with the whole window */
	int shrink = half - 1;	 /* outputs while it shrinks */
	int enter = 0, leave = 0, o = 0, count = 0;
	float sum = 0.0f;

	for (int i = 0; i < fill; i++) {
		sum += in[enter * stride];
		enter++;
		count++;
	}
	for (int i = 0; i < grow; i++) {
		sum += in[enter * stride];
		enter++;
		count++;
		out[o * stride] = sum / count;
		o++;
	}
	for (int i = 0; i < full; i++) {
		sum += in[enter * stride];
		sum -= in[leave * stride];
		enter++;
		leave++;
		out[o * stride] = sum / count;
		o++;
	}
	for (int i = 0; i < shrink; i++) {
		sum -= in[leave * stride];
		leave++;
		count--;
		out[o * stride] = sum / count;
		o++;
	}
}

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;

	return (x > y) - (x < y);
}

void ts_pdq_naive_bits(nsw_pdq_hash *hash, const float *block)
{
	float sorted[256], median;

	memcpy(sorted, block, sizeof(sorted));
	qsort(sorted, 256, sizeof(float), cmp_float);
	median = sorted[127];
	memset(hash, 0, sizeof(*hash));
	/* word i = row i, bit j = column j; word 15 printed first. */
	for (int i = 0; i < 16; i++) {
		unsigned word = 0;

		for (int j = 0; j < 16; j++)
			if (block[i * 16 + j] > median)
				word |= 1u << j;
		hash->bytes[2 * (15 - i)] = (uint8_t)(word >> 8);
		hash->bytes[2 * (15 - i) + 1] = (uint8_t)(word & 0xff);
	}
}

int ts_pdq_naive(nsw_pdq_hash *hash, int *quality, float *block, float *a64,
		 const float *luma, int rows, int cols)
{
	float *buf1, *buf2, a[64][64], d[16][64], t[16][64], b[256];
	int wc, wr, gsum = 0;

	memset(hash, 0, sizeof(*hash));
	*quality = 0;
	if (rows < 5 || cols < 5)
		return 0;
	buf1 = malloc(sizeof(float) * (size_t)rows * cols);
	buf2 = malloc(sizeof(float) * (size_t)rows * cols);
	if (buf1 == NULL || buf2 == NULL) {
		free(buf1);
		free(buf2);
		return -1;
	}
	memcpy(buf1, luma, sizeof(float) * (size_t)rows * cols);
	wc = (cols + 127) / 128;
	wr = (rows + 127) / 128;
	for (int pass = 0; pass < 2; pass++) {
		for (int r = 0; r < rows; r++)
			ts_pdq_box1d(buf2 + (size_t)r * cols,
				     buf1 + (size_t)r * cols, cols, 1, wc);
		for (int c = 0; c < cols; c++)
			ts_pdq_box1d(buf1 + c, buf2 + c, rows, cols, wr);
	}
	for (int i = 0; i < 64; i++) {
		int si = (int)(((i + 0.5) * rows) / 64);

		for (int j = 0; j < 64; j++) {
			int sj = (int)(((j + 0.5) * cols) / 64);

			a[i][j] = buf1[(size_t)si * cols + sj];
		}
	}
	free(buf1);
	free(buf2);
	for (int i = 0; i < 63; i++)
		for (int j = 0; j < 64; j++)
			gsum += abs(
				(int)(((a[i][j] - a[i + 1][j]) * 100) / 255));
	for (int i = 0; i < 64; i++)
		for (int j = 0; j < 63; j++)
			gsum += abs(
				(int)(((a[i][j] - a[i][j + 1]) * 100) / 255));
	*quality = gsum / 90 > 100 ? 100 : gsum / 90;
	for (int i = 0; i < 16; i++)
		for (int j = 0; j < 64; j++)
			d[i][j] = (float)(sqrt(2.0 / 64) *
					  cos((M_PI / 2 / 64) * (i + 1) *
					      (2 * j + 1)));
	for (int i = 0; i < 16; i++)
		for (int j = 0; j < 64; j++) {
			float s = 0.0f;

			for (int k = 0; k < 64; k++)
				s += d[i][k] * a[k][j];
			t[i][j] = s;
		}
	for (int i = 0; i < 16; i++)
		for (int j = 0; j < 16; j++) {
			float s = 0.0f;

			for (int k = 0; k < 64; k++)
				s += t[i][k] * d[j][k];
			b[i * 16 + j] = s;
		}
	ts_pdq_naive_bits(hash, b);
	if (block != NULL)
		memcpy(block, b, sizeof(b));
	if (a64 != NULL)
		memcpy(a64, a, sizeof(a));
	return 0;
}
