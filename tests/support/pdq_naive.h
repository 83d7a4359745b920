/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A plain scalar PDQ core written line by line from SPEC.md section 2: the
 * oracle the optimised library core is checked against (tests) and the
 * baseline it is timed against (bench/bench_pdq.c).
 */
#ifndef NSW_TEST_PDQ_NAIVE_H
#define NSW_TEST_PDQ_NAIVE_H

#include <stdint.h>

#include "netsweep/pdq.h"

/*
 * 1-D box of width w over n samples at in[i * stride], written to
 * out[i * stride]: running float sum in four phases (fill, growing window,
 * full window, shrinking window), float division by the count.
 */
void ts_pdq_box1d(float *out, const float *in, int n, int stride, int w);

/*
 * The whole core on a rows x cols luma buffer. `block` (may be NULL)
 * receives the 16 x 16 DCT block, `a64` (may be NULL) the decimated
 * 64 x 64 buffer. Returns 0, or -1 when out of memory.
 */
int ts_pdq_naive(nsw_pdq_hash *hash, int *quality, float *block, float *a64,
		 const float *luma, int rows, int cols);

/* Bits of a 16 x 16 block with a sort-based median. */
void ts_pdq_naive_bits(nsw_pdq_hash *hash, const float *block);

#endif
