/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The PDQ hash core, bit-exact with Meta's reference pdq-photo-hasher
 * (docs/pdq.md): Jarosz box filter, decimation, quality, 16 x 16 DCT,
 * median threshold, dihedral variants; plus the hex form and distance.
 *
 * Speed without changing a bit: every float operation the reference does
 * is done here too, in the same order, on the same values; only the way
 * independent sequences are laid out differs. A running sum along rows and
 * one along columns are independent of each other, so the filter runs many
 * of them side by side in vector lanes (each lane keeps its own exact order
 * of adds, subtracts and divisions). The second filter pass only divides
 * where decimation reads. Built with -ffp-contract=off (no fused
 * multiply-add), which exactness needs.
 */
#include <math.h>
#include <pthread.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "pdq_core.h"

#define DIM NSW_PDQ__DIM
#define DCT NSW_PDQ__DCT

/* Rows filtered together by the horizontal pass (vector lanes). */
#define STRIP 8

typedef float v4f __attribute__((vector_size(16)));
typedef float v8f __attribute__((vector_size(32)));

/* ---- Lane-wise float operations (each lane is an independent scalar) -- */

/* s = s + a */
static inline void lanes_add(float *s, const float *a, size_t n)
{
	const size_t nv = n - n % 8;
	size_t i = 0;

	for (; i < nv; i += 8) {
		v8f x, y;

		memcpy(&x, s + i, sizeof(x));
		memcpy(&y, a + i, sizeof(y));
		x = x + y;
		memcpy(s + i, &x, sizeof(x));
	}
	for (; i < n; i++)
		s[i] = s[i] + a[i];
}

/* s = s - b */
static inline void lanes_sub(float *s, const float *b, size_t n)
{
	const size_t nv = n - n % 8;
	size_t i = 0;

	for (; i < nv; i += 8) {
		v8f x, y;

		memcpy(&x, s + i, sizeof(x));
		memcpy(&y, b + i, sizeof(y));
		x = x - y;
		memcpy(s + i, &x, sizeof(x));
	}
	for (; i < n; i++)
		s[i] = s[i] - b[i];
}

/* s = (s + a) - b: two roundings, in this order, as the reference. */
static inline void lanes_add_sub(float *s, const float *a, const float *b,
				 size_t n)
{
	const size_t nv = n - n % 8;
	size_t i = 0;

	for (; i < nv; i += 8) {
		v8f x, y, z;

		memcpy(&x, s + i, sizeof(x));
		memcpy(&y, a + i, sizeof(y));
		memcpy(&z, b + i, sizeof(z));
		x = x + y;
		x = x - z;
		memcpy(s + i, &x, sizeof(x));
	}
	for (; i < n; i++) {
		float t = s[i] + a[i];

		s[i] = t - b[i];
	}
}

/*
 * o = s / count. A true division: x / c and x * (1 / c) differ in general.
 * When count is a power of two, 1 / count is exact and x * (1 / count) is
 * the same correctly rounded value of the same real number as x / count, so
 * both give the same bits (checked over every float for 2, 4 and 8); the
 * full window of a 512-wide image is 4.
 */
static inline void lanes_mean(float *o, const float *s, uint32_t count,
			      size_t n)
{
	const float c = (float)count;
	const size_t nv = n - n % 8;
	size_t i = 0;

	if ((count & (count - 1)) == 0) {
		const float r = 1.0f / c;
		v8f m = {r, r, r, r, r, r, r, r};

		for (; i < nv; i += 8) {
			v8f x;

			memcpy(&x, s + i, sizeof(x));
			x = x * m;
			memcpy(o + i, &x, sizeof(x));
		}
		for (; i < n; i++)
			o[i] = s[i] * r;
	} else {
		v8f d = {c, c, c, c, c, c, c, c};

		for (; i < nv; i += 8) {
			v8f x;

			memcpy(&x, s + i, sizeof(x));
			x = x / d;
			memcpy(o + i, &x, sizeof(x));
		}
		for (; i < n; i++)
			o[i] = s[i] / c;
	}
}

/* acc = acc + k * a */
static inline void lanes_axpy(float *acc, float k, const float *a, size_t n)
{
	v8f kv = {k, k, k, k, k, k, k, k};
	const size_t nv = n - n % 8;
	size_t i = 0;

	for (; i < nv; i += 8) {
		v8f x, y;

		memcpy(&x, acc + i, sizeof(x));
		memcpy(&y, a + i, sizeof(y));
		y = kv * y;
		x = x + y;
		memcpy(acc + i, &x, sizeof(x));
	}
	for (; i < n; i++) {
		float p = k * a[i];

		acc[i] = acc[i] + p;
	}
}

/* ---- Transposition (moves values, no arithmetic) ---------------------- */

#if defined(__has_builtin)
#if __has_builtin(__builtin_shufflevector)
#define HAVE_SHUFFLEVECTOR 1
#endif
#endif

/* dst[c * ldd + r] = src[r * lds + c] for a 4 x 4 block. */
static inline void transpose4(float *dst, size_t ldd, const float *src,
			      size_t lds)
{
#ifdef HAVE_SHUFFLEVECTOR
	v4f r0, r1, r2, r3, t0, t1, t2, t3;

	memcpy(&r0, src, sizeof(r0));
	memcpy(&r1, src + lds, sizeof(r1));
	memcpy(&r2, src + 2 * lds, sizeof(r2));
	memcpy(&r3, src + 3 * lds, sizeof(r3));
	t0 = __builtin_shufflevector(r0, r1, 0, 4, 1, 5);
	t1 = __builtin_shufflevector(r0, r1, 2, 6, 3, 7);
	t2 = __builtin_shufflevector(r2, r3, 0, 4, 1, 5);
	t3 = __builtin_shufflevector(r2, r3, 2, 6, 3, 7);
	r0 = __builtin_shufflevector(t0, t2, 0, 1, 4, 5);
	r1 = __builtin_shufflevector(t0, t2, 2, 3, 6, 7);
	r2 = __builtin_shufflevector(t1, t3, 0, 1, 4, 5);
	r3 = __builtin_shufflevector(t1, t3, 2, 3, 6, 7);
	memcpy(dst, &r0, sizeof(r0));
	memcpy(dst + ldd, &r1, sizeof(r1));
	memcpy(dst + 2 * ldd, &r2, sizeof(r2));
	memcpy(dst + 3 * ldd, &r3, sizeof(r3));
#else
	for (int r = 0; r < 4; r++)
		for (int c = 0; c < 4; c++)
			dst[c * ldd + r] = src[r * lds + c];
#endif
}

/* dst[c * ldd + r] = src[r * lds + c] for r < rows, c < cols. */
static void transpose(float *dst, size_t ldd, const float *src, size_t lds,
		      size_t rows, size_t cols)
{
	/* Whole 4-row blocks, then the rest. Bounding the loops by `full`
	 * rather than by the running index also keeps gcc -O3 from inventing
	 * an overflowing iteration count for the tail (a false
	 * -Waggressive-loop-optimizations once this is inlined). */
	const size_t full = rows & ~(size_t)3;
	size_t r, c;

	for (r = 0; r < full; r += 4) {
		for (c = 0; c + 4 <= cols; c += 4)
			transpose4(dst + c * ldd + r, ldd, src + r * lds + c,
				   lds);
		for (; c < cols; c++)
			for (size_t k = 0; k < 4; k++)
				dst[c * ldd + r + k] = src[(r + k) * lds + c];
	}
	for (r = full; r < rows; r++)
		for (c = 0; c < cols; c++)
			dst[c * ldd + r] = src[r * lds + c];
}

/* ---- Jarosz filter ---------------------------------------------------- */

int nsw_pdq__window(uint32_t dim)
{
	return (int)((dim + 127) / 128);
}

uint32_t nsw_pdq__decimate_index(int i, uint32_t dim)
{
	return (uint32_t)(int)(((i + 0.5) * dim) / 64);
}

/*
 * The 1-D box for `lanes` lanes, writing only the positions listed in
 * `sel` (nondecreasing, repeats allowed; `nsel` entries; NULL = every
 * position). Output k (the k-th listed position) goes to
 * out[k * out_stride + lane]. Position p averages inputs
 * [p - (w - half), p + half - 1] clipped to [0, n): the running sum takes
 * in the entering sample, then gives up the leaving one.
 */
static void box_select(float *out, size_t out_stride, const float *in,
		       size_t in_stride, uint32_t n, size_t lanes, int w,
		       const uint32_t *sel, uint32_t nsel, float *sum)
{
	const int64_t half = (w + 2) / 2;
	const int64_t back = w - half;
	uint32_t k = 0;

	memset(sum, 0, lanes * sizeof(*sum));
	for (int64_t e = 0; e < half - 1 && e < (int64_t)n; e++)
		lanes_add(sum, in + (size_t)e * in_stride, lanes);
	for (int64_t p = 0; p < (int64_t)n; p++) {
		const int64_t e = p + half - 1; /* entering */
		const int64_t l = p - back - 1; /* leaving */
		int64_t first, last;

		if (e < (int64_t)n && l >= 0)
			lanes_add_sub(sum, in + (size_t)e * in_stride,
				      in + (size_t)l * in_stride, lanes);
		else if (e < (int64_t)n)
			lanes_add(sum, in + (size_t)e * in_stride, lanes);
		else if (l >= 0)
			lanes_sub(sum, in + (size_t)l * in_stride, lanes);
		if (sel != NULL && (k >= nsel || sel[k] != (uint32_t)p))
			continue;
		first = l + 1 > 0 ? l + 1 : 0;
		last = e < (int64_t)n ? e : (int64_t)n - 1;
		if (sel == NULL) {
			lanes_mean(out + (size_t)p * out_stride, sum,
				   (uint32_t)(last - first + 1), lanes);
			continue;
		}
		while (k < nsel && sel[k] == (uint32_t)p) {
			lanes_mean(out + (size_t)k * out_stride, sum,
				   (uint32_t)(last - first + 1), lanes);
			k++;
		}
	}
}

void nsw_pdq__box_lanes(float *out, size_t out_stride, const float *in,
			size_t in_stride, uint32_t n, size_t lanes, int w,
			float *sum)
{
	box_select(out, out_stride, in, in_stride, n, lanes, w, NULL, 0, sum);
}

size_t nsw_pdq__box_rows_scratch(uint32_t cols)
{
	/* strip in, strip out (up to 64 selected columns), sums */
	size_t n = cols > DIM ? cols : DIM;

	return n * STRIP * 2 + STRIP;
}

/* A running sum of STRIP (= 8) lanes: two native 4-lane registers. */
typedef struct {
	v4f lo, hi;
} strip_sum;

static inline void strip_enter(strip_sum *s, const float *t)
{
	v4f a, b;

	memcpy(&a, t, sizeof(a));
	memcpy(&b, t + 4, sizeof(b));
	s->lo = s->lo + a;
	s->hi = s->hi + b;
}

static inline void strip_leave(strip_sum *s, const float *t)
{
	v4f a, b;

	memcpy(&a, t, sizeof(a));
	memcpy(&b, t + 4, sizeof(b));
	s->lo = s->lo - a;
	s->hi = s->hi - b;
}

/* Store the mean of the lanes of `s` (see lanes_mean for the shortcut). */
static inline void strip_mean(float *dst, const strip_sum *s, uint32_t count)
{
	v4f a, b;

	if ((count & (count - 1)) == 0) {
		const float r = 1.0f / (float)count;
		const v4f m = {r, r, r, r};

		a = s->lo * m;
		b = s->hi * m;
	} else {
		const float c = (float)count;
		const v4f d = {c, c, c, c};

		a = s->lo / d;
		b = s->hi / d;
	}
	memcpy(dst, &a, sizeof(a));
	memcpy(dst + 4, &b, sizeof(b));
}

/*
 * box_select() for one transposed strip of STRIP lanes, the running sum
 * held in registers and the three phases (window growing, full, shrinking)
 * as separate loops. Same operations in the same order.
 */
static void box_strip(float *out, const float *t, uint32_t n, int w,
		      const uint32_t *sel, uint32_t nsel)
{
	const int64_t half = (w + 2) / 2;
	const int64_t back = w - half;
	const int64_t nn = n;
	strip_sum sum = {{0, 0, 0, 0}, {0, 0, 0, 0}};
	uint32_t k = 0;
	int64_t p = 0;

	for (int64_t e = 0; e < half - 1 && e < nn; e++)
		strip_enter(&sum, t + e * STRIP);
	/* Growing: only samples enter. */
	for (; p <= back && p < nn; p++) {
		const int64_t e = p + half - 1;
		const uint32_t count = (uint32_t)((e < nn ? e : nn - 1) + 1);

		if (e < nn)
			strip_enter(&sum, t + e * STRIP);
		if (sel == NULL)
			strip_mean(out + p * STRIP, &sum, count);
		for (; sel != NULL && k < nsel && sel[k] == (uint32_t)p; k++)
			strip_mean(out + k * STRIP, &sum, count);
	}
	/* Full window: one enters, then one leaves. */
	for (; p + half - 1 < nn; p++) {
		strip_enter(&sum, t + (p + half - 1) * STRIP);
		strip_leave(&sum, t + (p - back - 1) * STRIP);
		if (sel == NULL)
			strip_mean(out + p * STRIP, &sum, (uint32_t)w);
		for (; sel != NULL && k < nsel && sel[k] == (uint32_t)p; k++)
			strip_mean(out + k * STRIP, &sum, (uint32_t)w);
	}
	/* Shrinking: only samples leave. */
	for (; p < nn; p++) {
		const int64_t l = p - back - 1;
		const uint32_t count = (uint32_t)(nn - (l + 1 > 0 ? l + 1 : 0));

		if (l >= 0)
			strip_leave(&sum, t + l * STRIP);
		if (sel == NULL)
			strip_mean(out + p * STRIP, &sum, count);
		for (; sel != NULL && k < nsel && sel[k] == (uint32_t)p; k++)
			strip_mean(out + k * STRIP, &sum, count);
	}
}

/*
 * Horizontal box over STRIP rows at a time: transpose the strip so that
 * its rows become lanes, filter, transpose back. Columns `sel` (or all).
 * Output row r, selected column k at out[r * ldo + k].
 */
static void box_rows_select(float *out, size_t ldo, const float *in,
			    uint32_t rows, uint32_t cols, int w,
			    const uint32_t *sel, uint32_t nsel, float *scratch)
{
	const size_t span = (size_t)(cols > DIM ? cols : DIM) * STRIP;
	float *tin = scratch;
	float *tout = tin + span;
	uint32_t nout = sel != NULL ? nsel : cols;

	for (uint32_t r0 = 0; r0 < rows; r0 += STRIP) {
		uint32_t nr = rows - r0 < STRIP ? rows - r0 : STRIP;

		if (nr < STRIP)
			memset(tin, 0, (size_t)cols * STRIP * sizeof(*tin));
		transpose(tin, STRIP, in + (size_t)r0 * cols, cols, nr, cols);
		box_strip(tout, tin, cols, w, sel, nsel);
		transpose(out + (size_t)r0 * ldo, ldo, tout, STRIP, nout, nr);
	}
}

void nsw_pdq__box_rows(float *out, const float *in, uint32_t rows,
		       uint32_t cols, int w, float *scratch)
{
	box_rows_select(out, cols, in, rows, cols, w, NULL, 0, scratch);
}

size_t nsw_pdq__filter_work(uint32_t rows, uint32_t cols)
{
	size_t plane, total, scratch;

	if (__builtin_mul_overflow((size_t)rows, (size_t)cols, &plane))
		return 0;
	scratch = nsw_pdq__box_rows_scratch(cols);
	if (scratch < (size_t)cols + DIM)
		scratch = (size_t)cols + DIM;
	/* two planes, rows x 64 after pass 2 along rows, scratch */
	if (__builtin_mul_overflow(plane, (size_t)2, &total) ||
	    __builtin_add_overflow(total, (size_t)rows * DIM, &total) ||
	    __builtin_add_overflow(total, scratch, &total))
		return 0;
	return total;
}

void nsw_pdq__filter_decimate(float out[DIM * DIM], const float *luma,
			      uint32_t rows, uint32_t cols, float *work)
{
	const size_t plane = (size_t)rows * cols;
	const int wc = nsw_pdq__window(cols); /* along rows */
	const int wr = nsw_pdq__window(rows); /* along columns */
	float *a = work;
	float *b = a + plane;
	float *narrow = b + plane; /* rows x 64 */
	float *scratch = narrow + (size_t)rows * DIM;
	uint32_t rsel[DIM], csel[DIM];

	for (int i = 0; i < DIM; i++) {
		rsel[i] = nsw_pdq__decimate_index(i, rows);
		csel[i] = nsw_pdq__decimate_index(i, cols);
	}
	/* Pass 1: every output is read by pass 2. */
	nsw_pdq__box_rows(a, luma, rows, cols, wc, scratch);
	nsw_pdq__box_lanes(b, cols, a, cols, rows, cols, wr, scratch);
	/* Pass 2: sums run over everything, divisions only where read. */
	box_rows_select(narrow, DIM, b, rows, cols, wc, csel, DIM, scratch);
	box_select(out, DIM, narrow, DIM, rows, DIM, wr, rsel, DIM, scratch);
}

/* ---- Quality, DCT, median, bits --------------------------------------- */

static int gradient(float u, float v)
{
	int d = (int)(((u - v) * 100) / 255);

	return d < 0 ? -d : d;
}

int nsw_pdq__quality(const float a[DIM * DIM])
{
	int sum = 0, q;

	for (int i = 0; i < DIM - 1; i++)
		for (int j = 0; j < DIM; j++)
			sum += gradient(a[(i + 1) * DIM + j], a[i * DIM + j]);
	for (int i = 0; i < DIM; i++)
		for (int j = 0; j < DIM - 1; j++)
			sum += gradient(a[i * DIM + j + 1], a[i * DIM + j]);
	q = sum / 90;
	return q > 100 ? 100 : q;
}

void nsw_pdq__dct_matrix(float d[DCT * DIM])
{
	const double scale = sqrt(2.0 / 64);

	for (int i = 0; i < DCT; i++)
		for (int j = 0; j < DIM; j++)
			d[i * DIM + j] =
				(float)(scale * cos((M_PI / 2 / 64) * (i + 1) *
						    (2 * j + 1)));
}

/* The matrix and its transpose, computed once (cos is slow). */
static float dct_d[DCT * DIM];
static float dct_dt[DIM * DCT];
static pthread_once_t dct_once = PTHREAD_ONCE_INIT;

static void dct_init(void)
{
	nsw_pdq__dct_matrix(dct_d);
	for (int i = 0; i < DCT; i++)
		for (int k = 0; k < DIM; k++)
			dct_dt[k * DCT + i] = dct_d[i * DIM + k];
}

void nsw_pdq__dct(float out[DCT * DCT], const float a[DIM * DIM])
{
	float t[DCT * DIM];

	pthread_once(&dct_once, dct_init);
	/* T = D A: T[i][j] = sum over k = 0..63 of D[i][k] * A[k][j]. */
	memset(t, 0, sizeof(t));
	for (int i = 0; i < DCT; i++)
		for (int k = 0; k < DIM; k++)
			lanes_axpy(t + i * DIM, dct_d[i * DIM + k], a + k * DIM,
				   DIM);
	/* B = T D^T: B[i][j] = sum over k of T[i][k] * D[j][k]. */
	memset(out, 0, sizeof(float) * DCT * DCT);
	for (int i = 0; i < DCT; i++)
		for (int k = 0; k < DIM; k++)
			lanes_axpy(out + i * DCT, t[i * DIM + k],
				   dct_dt + k * DCT, DCT);
}

/* Order-preserving map of floats to unsigned keys (total order). */
static uint32_t float_key(float f)
{
	uint32_t u;

	memcpy(&u, &f, sizeof(u));
	return (u & 0x80000000u) ? ~u : u | 0x80000000u;
}

static float key_float(uint32_t k)
{
	uint32_t u = (k & 0x80000000u) ? k & 0x7fffffffu : ~k;
	float f;

	memcpy(&f, &u, sizeof(f));
	return f;
}

float nsw_pdq__median(const float v[NSW_PDQ_BITS])
{
	/* Radix selection of rank 127 (0-based), most significant byte
	 * first: exact, and safe whatever the values (NaN included). */
	uint32_t keys[NSW_PDQ_BITS], prefix = 0, mask = 0;
	uint32_t rank = NSW_PDQ_BITS / 2 - 1;

	for (int i = 0; i < NSW_PDQ_BITS; i++)
		keys[i] = float_key(v[i]);
	for (int shift = 24; shift >= 0; shift -= 8) {
		uint32_t count[256] = {0};
		uint32_t bucket = 0;

		for (int i = 0; i < NSW_PDQ_BITS; i++)
			if ((keys[i] & mask) == prefix)
				count[(keys[i] >> shift) & 0xff]++;
		while (rank >= count[bucket]) {
			rank -= count[bucket];
			bucket++;
		}
		prefix |= bucket << shift;
		mask |= 0xffu << shift;
	}
	return key_float(prefix);
}

void nsw_pdq__bits(nsw_pdq_hash *out, const float b[NSW_PDQ_BITS])
{
	const float median = nsw_pdq__median(b);

	memset(out, 0, sizeof(*out));
	for (int k = 0; k < NSW_PDQ_BITS; k++)
		if (b[k] > median)
			out->bytes[NSW_PDQ_BYTES - 1 - k / 8] |=
				(uint8_t)(1u << (k % 8));
}

void nsw_pdq__dihedral_block(float out[NSW_PDQ_BITS],
			     const float a[NSW_PDQ_BITS], nsw_pdq_dihedral d)
{
	for (int i = 0; i < DCT; i++) {
		for (int j = 0; j < DCT; j++) {
			const float x = a[i * DCT + j];
			const int iodd = i & 1, jodd = j & 1;

			switch (d) {
			case NSW_PDQ_ROT90:
				out[j * DCT + i] = jodd ? x : -x;
				break;
			case NSW_PDQ_ROT180:
				out[i * DCT + j] = (iodd ^ jodd) ? -x : x;
				break;
			case NSW_PDQ_ROT270:
				out[j * DCT + i] = iodd ? x : -x;
				break;
			case NSW_PDQ_FLIPX:
				out[i * DCT + j] = iodd ? x : -x;
				break;
			case NSW_PDQ_FLIPY:
				out[i * DCT + j] = jodd ? x : -x;
				break;
			case NSW_PDQ_FLIP_PLUS1:
				out[j * DCT + i] = x;
				break;
			case NSW_PDQ_FLIP_MINUS1:
				out[j * DCT + i] = (iodd ^ jodd) ? -x : x;
				break;
			default:
				out[i * DCT + j] = x;
				break;
			}
		}
	}
}

/* ---- Public API ------------------------------------------------------- */

const char *nsw_pdq_dihedral_name(nsw_pdq_dihedral d)
{
	static const char *const names[NSW_PDQ_DIHEDRAL_COUNT] = {
		"original", "rot90", "rot180",	  "rot270",
		"flipx",    "flipy", "flipplus1", "flipminus1"};

	if ((int)d < 0 || d >= NSW_PDQ_DIHEDRAL_COUNT)
		return "?";
	return names[d];
}

void nsw_pdq__hash_luma_work(nsw_pdq_result *out, const float *luma,
			     uint32_t width, uint32_t height, int dihedral,
			     float *work)
{
	float a[DIM * DIM], block[NSW_PDQ_BITS], variant[NSW_PDQ_BITS];

	memset(out, 0, sizeof(*out));
	out->has_dihedral = dihedral != 0;
	if (width < NSW_PDQ__MIN_DIM || height < NSW_PDQ__MIN_DIM)
		return; /* the reference's all-zero hash, quality 0 */
	nsw_pdq__filter_decimate(a, luma, height, width, work);
	out->quality = nsw_pdq__quality(a);
	nsw_pdq__dct(block, a);
	nsw_pdq__bits(&out->hash, block);
	if (!dihedral)
		return;
	out->dihedral[NSW_PDQ_ORIGINAL] = out->hash;
	for (int d = 1; d < NSW_PDQ_DIHEDRAL_COUNT; d++) {
		nsw_pdq__dihedral_block(variant, block, (nsw_pdq_dihedral)d);
		nsw_pdq__bits(&out->dihedral[d], variant);
	}
}

int nsw_pdq_hash_luma(nsw_pdq_result *out, const float *luma, uint32_t width,
		      uint32_t height, int dihedral)
{
	float *work = NULL;
	size_t nwork;

	if (out == NULL || luma == NULL || width == 0 || height == 0)
		return nsw_error_set(NSW_EINVAL,
				     "pdq: no output, no luma or a zero size");
	nwork = nsw_pdq__filter_work(height, width);
	if (nwork != 0)
		work = nsw__reallocarray(NULL, nwork, sizeof(float));
	if (work == NULL)
		return nsw_error_set(NSW_ENOMEM,
				     "pdq: no memory for a %ux%u image",
				     (unsigned)width, (unsigned)height);
	nsw_pdq__hash_luma_work(out, luma, width, height, dihedral, work);
	nsw__free(work);
	return NSW_OK;
}

void nsw_pdq_to_hex(char hex[NSW_PDQ_HEX_LEN + 1], const nsw_pdq_hash *hash)
{
	static const char digits[] = "0123456789abcdef";

	for (int i = 0; i < NSW_PDQ_BYTES; i++) {
		hex[2 * i] = digits[hash->bytes[i] >> 4];
		hex[2 * i + 1] = digits[hash->bytes[i] & 0xf];
	}
	hex[NSW_PDQ_HEX_LEN] = '\0';
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int nsw_pdq_from_hex(nsw_pdq_hash *out, const char *text, size_t len)
{
	nsw_pdq_hash h;

	if (out == NULL || (text == NULL && len != 0))
		return nsw_error_set(NSW_EINVAL, "pdq: no output or no text");
	if (len != NSW_PDQ_HEX_LEN)
		return nsw_error_set(NSW_EFORMAT,
				     "pdq: hash has %zu characters, not %d "
				     "hex digits",
				     len, NSW_PDQ_HEX_LEN);
	for (size_t i = 0; i < NSW_PDQ_BYTES; i++) {
		int hi = hex_value(text[2 * i]);
		int lo = hex_value(text[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return nsw_error_set(NSW_EFORMAT,
					     "pdq: hash has a non-hex "
					     "character at offset %zu",
					     hi < 0 ? 2 * i : 2 * i + 1);
		h.bytes[i] = (uint8_t)(hi << 4 | lo);
	}
	*out = h;
	return NSW_OK;
}

int nsw_pdq_distance(const nsw_pdq_hash *a, const nsw_pdq_hash *b)
{
	int d = 0;

	for (int i = 0; i < NSW_PDQ_BYTES; i += 8) {
		uint64_t x, y;

		memcpy(&x, a->bytes + i, sizeof(x));
		memcpy(&y, b->bytes + i, sizeof(y));
		d += __builtin_popcountll(x ^ y);
	}
	return d;
}
