/* SPDX-License-Identifier: Apache-2.0 */
/* The limits programs on the public API need (the HTTP server's), with the
 * values from the library's one limits header, src/lib/limits.h. */
#ifndef NETSWEEP_LIMITS_H
#define NETSWEEP_LIMITS_H

#include "netsweep/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct nsw_limits {
	size_t http_body_max; /**< bytes of one request body */
	unsigned http_connections_per_ip;
	unsigned http_connections_max;
	unsigned http_timeout_seconds; /**< idle/slow request cut-off */
	size_t http_connection_memory; /**< per-connection pool bytes */
	unsigned http_threads;
} nsw_limits;

/** Fill `out` with the defaults of src/lib/limits.h. A program may then
 *  tighten (never loosen) them. */
NSW_EXTERN void nsw_limits_get(nsw_limits *out);

#ifdef __cplusplus
}
#endif
#endif
