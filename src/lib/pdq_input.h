/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Library-internal: the PDQ front end. A collector receives decoded rows
 * (as an nsw_image_sink), keeps only the pixels the 512 x 512
 * nearest-neighbour pre-resize samples, as luma, plus a running "every
 * pixel has R = G = B" flag, and hands the luma to the core.
 */
#ifndef NSW_LIB_PDQ_INPUT_H
#define NSW_LIB_PDQ_INPUT_H

#include "netsweep/image.h"
#include "netsweep/pdq.h"

typedef struct nsw_pdq__collector {
	uint32_t width, height, channels; /* source image */
	uint32_t out_w, out_h;		  /* after the pre-resize rule */
	uint32_t *col_src;		  /* out_w source columns */
	uint32_t *row_src;		  /* out_h source rows */
	float *block;			  /* the one allocation: */
	float *luma;			  /* out_h x out_w luma */
	float *work;			  /* the core's workspace */
	uint8_t *grey_px;     /* 3 channels, all grey so far: the grey values */
	uint32_t next_out;    /* first output row not yet passed */
	uint32_t rows_filled; /* output rows received */
	uint32_t rows_seen;   /* source rows received */
	int64_t last_y;	      /* last source row received */
	int grey;	      /* every pixel so far R = G = B */
	int begun;
	float lut[3][256]; /* 0.299f * v, 0.587f * v, 0.114f * v */
} nsw_pdq__collector;

/* Does every pixel of an RGB row (`width` pixels) have R = G = B? */
int nsw_pdq__row_is_grey(const uint8_t *row, uint32_t width);

/* Prepare `c` and point `sink` at it. */
void nsw_pdq__collector_init(nsw_pdq__collector *c, nsw_image_sink *sink);

/*
 * After the last row: check every needed row came, build the luma plane and
 * hash it. `name` for messages (may be NULL).
 * @return 0, NSW_EFORMAT (rows missing), NSW_ENOMEM
 */
int nsw_pdq__collector_finish(nsw_pdq_result *out, nsw_pdq__collector *c,
			      const char *name, int dihedral);

/* Free what the collector holds; safe to call twice. */
void nsw_pdq__collector_dispose(nsw_pdq__collector *c);

#endif
