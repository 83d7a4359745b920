/* SPDX-License-Identifier: Apache-2.0 */
/* Library-internal: the steps of the PDQ core (docs/pdq.md), exposed so the
 * unit tests can check each one on its own. */
#ifndef NSW_LIB_PDQ_CORE_H
#define NSW_LIB_PDQ_CORE_H

#include <stddef.h>
#include <stdint.h>

#include "netsweep/pdq.h"

#define NSW_PDQ__DIM 64	   /* the decimated buffer is 64 x 64 */
#define NSW_PDQ__DCT 16	   /* the kept DCT block is 16 x 16 */
#define NSW_PDQ__MIN_DIM 5 /* fewer rows or columns: all-zero hash */

/* Jarosz window along a dimension of `dim` samples: ceil(dim / 128). */
int nsw_pdq__window(uint32_t dim);

/* Source index of decimated sample i (0..63) along a dimension of `dim`. */
uint32_t nsw_pdq__decimate_index(int i, uint32_t dim);

/*
 * One 1-D box of width `w` along `n` positions, for `lanes` independent
 * lanes: element (p, l) is in[p * in_stride + l]. The output for position p
 * goes to out[p * out_stride + l]. Running float sum in the reference's
 * order (add entering, subtract leaving), float division by the count.
 * `sum` is scratch of `lanes` floats.
 */
void nsw_pdq__box_lanes(float *out, size_t out_stride, const float *in,
			size_t in_stride, uint32_t n, size_t lanes, int w,
			float *sum);

/*
 * Box along every row (horizontal, window `w`) of a rows x cols buffer.
 * `scratch` holds nsw_pdq__box_rows_scratch(cols) floats.
 */
void nsw_pdq__box_rows(float *out, const float *in, uint32_t rows,
		       uint32_t cols, int w, float *scratch);
size_t nsw_pdq__box_rows_scratch(uint32_t cols);

/*
 * The whole Jarosz filter (two passes of rows then columns) followed by
 * decimation to 64 x 64. `work` holds nsw_pdq__filter_work(rows, cols)
 * floats (0 on overflow).
 */
void nsw_pdq__filter_decimate(float out[NSW_PDQ__DIM * NSW_PDQ__DIM],
			      const float *luma, uint32_t rows, uint32_t cols,
			      float *work);
size_t nsw_pdq__filter_work(uint32_t rows, uint32_t cols);

/*
 * nsw_pdq_hash_luma() with caller-provided workspace of
 * nsw_pdq__filter_work(height, width) floats; arguments already checked.
 */
void nsw_pdq__hash_luma_work(nsw_pdq_result *out, const float *luma,
			     uint32_t width, uint32_t height, int dihedral,
			     float *work);

/* Quality 0..100 from the 64 x 64 buffer. */
int nsw_pdq__quality(const float a[NSW_PDQ__DIM * NSW_PDQ__DIM]);

/* The 16 x 64 DCT matrix, row-major. */
void nsw_pdq__dct_matrix(float d[NSW_PDQ__DCT * NSW_PDQ__DIM]);

/* B = D A D^T: the 16 x 16 block (row-major) from the 64 x 64 buffer. */
void nsw_pdq__dct(float out[NSW_PDQ__DCT * NSW_PDQ__DCT],
		  const float a[NSW_PDQ__DIM * NSW_PDQ__DIM]);

/* The 128th smallest of 256 values (exact selection). */
float nsw_pdq__median(const float v[NSW_PDQ_BITS]);

/* Bits (value > median) of a 16 x 16 block into the canonical byte order. */
void nsw_pdq__bits(nsw_pdq_hash *out, const float b[NSW_PDQ_BITS]);

/* A dihedral variant of the 16 x 16 block (SPEC.md 3). */
void nsw_pdq__dihedral_block(float out[NSW_PDQ_BITS],
			     const float a[NSW_PDQ_BITS], nsw_pdq_dihedral d);

#endif
