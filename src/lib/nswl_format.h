/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Library-internal: the on-disk layout of a .nswl list segment (all
 * integers little-endian). docs/formats/nswl.md is the prose version;
 * change both together and bump NSWL_FORMAT_VERSION.
 */
#ifndef NSW_LIB_NSWL_FORMAT_H
#define NSW_LIB_NSWL_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "netsweep/nswl.h"
#include "pdq_index.h"

#define NSWL_MAGIC "NSWL\r\n\x1a\n"
#define NSWL_MAGIC_LEN 8
#define NSWL_FORMAT_VERSION 1
#define NSWL_HEADER_BYTES 256
#define NSWL_SECTION_BYTES 24
#define NSWL_ALIGN 64

/* Header field offsets. */
#define NSWL_H_VERSION 8
#define NSWL_H_HEADER_BYTES 12
#define NSWL_H_FILE_BYTES 16
#define NSWL_H_SECTIONS 24
#define NSWL_H_FLAGS 28
#define NSWL_H_SECTION_TABLE 32
#define NSWL_H_ENTRIES 40
#define NSWL_H_UID 48
#define NSWL_H_DELTA_SEQ 56
#define NSWL_H_CHECKSUM_ALGO 60
#define NSWL_H_CHECKSUM 64 /* 32 bytes, zero while computing */
#define NSWL_H_NAME 96	   /* string ref */
#define NSWL_H_LIST_VERSION 100
#define NSWL_H_CREATED 104

#define NSWL_FLAG_DELTA 1u

/* Checksum algorithms. */
#define NSWL_CHECKSUM_XXH64 1 /* XXH64, seed 0, 8 bytes little-endian */

/* Section kinds: each exactly once. */
enum {
	NSWL_SEC_STRINGS = 1,
	NSWL_SEC_ENTRIES = 2,
	NSWL_SEC_MD5 = 3,
	NSWL_SEC_SHA1 = 4,
	NSWL_SEC_SHA256 = 5,
	NSWL_SEC_PDQ_HASHES = 6,
	NSWL_SEC_PDQ_ROWMAP = 7,
	NSWL_SEC_PDQ_INDEX = 8,
	NSWL_SEC_COUNT = 8
};

/* "No string" / "no row". */
#define NSWL_NONE 0xffffffffu

/* Entry record: 72 bytes. */
#define NSWL_ENTRY_BYTES 72
#define NSWL_E_FLAGS 0	  /* u32: has bits 0-3, victim 4-5, offender 6-7 */
#define NSWL_E_QUALITY 4  /* i32: PDQ quality or -1 */
#define NSWL_E_ROWS 8	  /* u32[4]: row in the MD5/SHA1/SHA256/PDQ table */
#define NSWL_E_SIZE 24	  /* i64 */
#define NSWL_E_LINE 32	  /* u64 */
#define NSWL_E_STRINGS 40 /* u32[7] string refs, order below */
enum {
	NSWL_S_SCHEME,
	NSWL_S_CODE,
	NSWL_S_SERIES,
	NSWL_S_NAME,
	NSWL_S_SOURCE_ID,
	NSWL_S_ATTRIBUTES,
	NSWL_S_SOURCE_FILE,
	NSWL_S_COUNT
};

/* Tri-state flag encoding: 0 no, 1 yes, 3 unknown. */
#define NSWL_TRI_UNKNOWN 3u

/* Exact-table record: digest then u32 entry id. */
static inline size_t nswl_exact_record(int algo)
{
	static const size_t bytes[3] = {16 + 4, 20 + 4, 32 + 4};

	return bytes[algo];
}

/* Streaming XXH64 (the file checksum). */
typedef struct nsw_xxh64 {
	uint64_t v[4];
	uint64_t total;
	uint8_t buf[32];
	size_t buffered;
} nsw_xxh64;

void nsw_list__checksum_init(nsw_xxh64 *s);
void nsw_list__checksum_update(nsw_xxh64 *s, const void *data, size_t len);
uint64_t nsw_list__checksum_final(const nsw_xxh64 *s);

/* The checksum of a whole segment image, checksum field read as zeros. */
uint64_t nsw_list__checksum(const uint8_t *file, size_t len);

/* Library-internal views shared by nswl_read.c and nswl_verify.c. */
typedef struct nsw_list__segment_view {
	const char *what;
	const uint8_t *map;
	size_t len;
	uint64_t entries;
	const uint8_t *ent;
	const uint8_t *exact[3];
	uint64_t exact_count[3];
	const uint32_t *rowmap;
	const nsw_pdq_index *pdq;
} nsw_list__segment_view;

uint32_t nsw_list__segments(const nsw_list *l);
void nsw_list__segment(const nsw_list *l, uint32_t i,
		       nsw_list__segment_view *out);
/* "<base>.dNNN" into out; NSW_ELIMIT when it does not fit. */
int nsw_list__delta_path(char *out, size_t size, const char *base,
			 uint32_t seq);

#endif
