/* SPDX-License-Identifier: Apache-2.0 */
/* Country of an IP address from a MaxMind-format database (GeoLite2 /
 * GeoIP2 Country or City, or any .mmdb with country.iso_code) that the
 * user supplies. netsweep ships no database. */
#ifndef NETSWEEP_GEOIP_H
#define NETSWEEP_GEOIP_H

#include "netsweep/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct nsw_geoip nsw_geoip;

/**
 * Open a database (memory-mapped, read-only).
 * @param out  owned; free with nsw_geoip_free()
 * @return 0; NSW_ENOTFOUND, NSW_EIO, NSW_EFORMAT (not a valid .mmdb),
 *         NSW_ENOMEM
 */
NSW_EXTERN int nsw_geoip_open(nsw_geoip **out, const char *path);

/**
 * Country of `ip` (IPv4 dotted or IPv6 text).
 * @param country  ISO 3166-1 alpha-2 and NUL (3 bytes, caller storage)
 * @return 0; NSW_ENOTFOUND (address not in the database, or no country
 *         recorded for it); NSW_EINVAL (not an IP address); NSW_EFORMAT
 *         (corrupt database record)
 */
NSW_EXTERN int nsw_geoip_country(char country[3], nsw_geoip *db,
				 const char *ip);

/** The database type string it declares ("GeoLite2-Country"...). Borrowed
 *  until nsw_geoip_free(). */
NSW_EXTERN const char *nsw_geoip_type(const nsw_geoip *db);

/** Close; NULL is a no-op. */
NSW_EXTERN void nsw_geoip_free(nsw_geoip *db);

#ifdef __cplusplus
}
#endif
#endif
