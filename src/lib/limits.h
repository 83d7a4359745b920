/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Every cap netsweep puts on untrusted input, with its reason, in one place
 * (as SQLite's sqliteLimit.h). Seized data, exports and lists are hostile:
 * no parser or buffer may grow without one of these bounds.
 */
#ifndef NSW_LIB_LIMITS_H
#define NSW_LIB_LIMITS_H

#include <stddef.h>
#include <stdint.h>

/* ---- General ---------------------------------------------------------- */

/* One error message: long enough for a path plus a reason. */
#define NSW_ERROR_MESSAGE_MAX 1024

/*
 * Largest single allocation the library will make. 4 GiB covers the largest
 * legitimate buffer (a 10M-entry list index is ~1 GiB) while turning a size
 * read from a corrupt header into ENOMEM instead of an OOM kill.
 */
#define NSW_ALLOC_MAX ((size_t)4 << 30)

/* Longest path we accept: PATH_MAX on Linux. */
#define NSW_PATH_MAX 4096

/* ---- Reading files ---------------------------------------------------- */

/*
 * Streaming read buffer for digests: 1 MiB amortises syscalls (larger buys
 * nothing measurable) and keeps memory flat whatever the file size.
 */
#define NSW_READ_CHUNK ((size_t)1 << 20)

/*
 * Largest file we will hold in memory to decode as an image. Camera JPEGs
 * are < 50 MB and panoramas < 200 MB; larger "images" are digested but not
 * decoded (recorded as over the limit).
 */
#define NSW_IMAGE_FILE_MAX ((size_t)256 << 20)

/* ---- Image decoding --------------------------------------------------- */

/* Width and height: JPEG's own maximum is 65500; nothing real exceeds it. */
#define NSW_IMAGE_DIM_MAX 65500u

/*
 * Total pixels: 200 megapixels (a 20000 x 10000 panorama). Above that the
 * header is most likely a decompression bomb.
 */
#define NSW_IMAGE_PIXELS_MAX ((uint64_t)200000000)

/*
 * Progressive JPEG scans: real encoders write < 20; libjpeg-turbo's own
 * advice for untrusted input is to cap them (CVE-2018-11813 class).
 */
#define NSW_JPEG_SCANS_MAX 100

/* Corrupt-data warnings from libjpeg before we call the file corrupt. */
#define NSW_JPEG_WARNINGS_MAX 1000

/* PNG chunk cache and chunk size (libpng user limits, as libvips sets). */
#define NSW_PNG_CHUNK_CACHE_MAX 1000
#define NSW_PNG_CHUNK_MALLOC_MAX ((size_t)64 << 20)

/* ---- Known-hash lists and matching (index branch) -------------------- */

/*
 * PDQ hashes in one list segment (base or delta). 2^26 = 67M is several
 * times the largest PDQ list in circulation, keeps a row id plus a few
 * residual key bits in 32 bits, and bounds one segment's index (~6 GB).
 * Larger collections are split into segments (list add).
 */
#define NSW_PDQ_INDEX_ROWS_MAX ((uint32_t)1 << 26)

/* Directory bits per index table: 2^24 slots (64 MiB) is already more
 * than one slot per row at the largest segment size. */
#define NSW_PDQ_INDEX_DIR_BITS_MAX 24

/*
 * Probes, buckets or candidates one PDQ query may hold in scratch memory
 * (12-16 bytes each: up to ~256 MiB). A radius-63 query over 8 dihedral
 * variants needs ~5M; more means a corrupt index or an absurd request.
 */
#define NSW_PDQ_QUERY_SCRATCH_MAX ((size_t)1 << 24)

/* Entries in one list segment (all algorithms): ids are 32-bit. */
#define NSW_LIST_ENTRIES_MAX ((uint64_t)1 << 31)

/* The interned-string section of one segment: string refs are 32-bit. */
#define NSW_LIST_STRINGS_MAX ((size_t)1 << 31)

/* One string in a list entry (name, series, attributes JSON...): a
 * longer one is an importer bug or hostile input. */
#define NSW_LIST_STRING_MAX ((size_t)1 << 20)

/* Delta segments beside one base list before `list compact` is due. */
#define NSW_LIST_DELTAS_MAX 999

/* Lists one match run accepts (--list and --allow together). */
#define NSW_MATCH_LISTS_MAX 64

/* One line of a --hashes query file. */
#define NSW_MATCH_LINE_MAX 4096

#endif
