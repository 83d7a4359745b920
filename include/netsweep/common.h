/* SPDX-License-Identifier: Apache-2.0 */
/* Error codes, export macro and version: what every public header needs. */
#ifndef NETSWEEP_COMMON_H
#define NETSWEEP_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(NSW_BUILDING_LIBRARY)
#define NSW_EXTERN __attribute__((visibility("default")))
#else
#define NSW_EXTERN
#endif

#define NSW_VERSION "0.1.0"

/** Return codes: 0 is success, every failure is a small negative number. */
typedef enum {
	NSW_OK = 0,
	NSW_ERROR = -1,	    /**< anything not covered below */
	NSW_ENOMEM = -2,    /**< out of memory (or over the allocation cap) */
	NSW_EINVAL = -3,    /**< caller bug: bad argument */
	NSW_ENOTFOUND = -4, /**< no such file, entry or record */
	NSW_EFORMAT = -5,   /**< malformed or corrupt input */
	NSW_ELIMIT = -6,    /**< input exceeds a limit from limits.h */
	NSW_EIO = -7,	    /**< read/write failure from the OS */
	NSW_EUNSUPPORTED = -8, /**< valid input of a kind we do not handle */
} nsw_error_code;

/** Hash algorithms netsweep computes and matches. */
typedef enum {
	NSW_ALGO_MD5 = 0,
	NSW_ALGO_SHA1 = 1,
	NSW_ALGO_SHA256 = 2,
	NSW_ALGO_PDQ = 3,
	NSW_ALGO_COUNT = 4
} nsw_algo;

#define NSW_MD5_BYTES 16
#define NSW_SHA1_BYTES 20
#define NSW_SHA256_BYTES 32

/** "md5", "sha1", "sha256", "pdq". Never NULL ("?" when out of range). */
NSW_EXTERN const char *nsw_algo_name(nsw_algo algo);

/** Digest length in bytes (PDQ: 32). 0 when out of range. */
NSW_EXTERN size_t nsw_algo_bytes(nsw_algo algo);

/**
 * The calling thread's last failure message. Never NULL ("" when none).
 * Borrowed: valid until the next failing call on this thread.
 */
NSW_EXTERN const char *nsw_error_last(void);

/** The calling thread's last failure code (NSW_OK when none). */
NSW_EXTERN int nsw_error_last_code(void);

/** Clear this thread's error state. */
NSW_EXTERN void nsw_error_clear(void);

/** A short constant name for a code, such as "EFORMAT". Never NULL. */
NSW_EXTERN const char *nsw_error_name(int code);

#ifdef __cplusplus
}
#endif
#endif
