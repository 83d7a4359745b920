/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Country attribution of accounts: from phone numbers (calling code, NANP
 * area code), from IP addresses in provider returns looked up in a
 * MaxMind-format database, and from analyst assertions. Every basis is kept
 * with its confidence and source; conflicts are shown, never silently
 * resolved. The rule for the chosen country is in docs/attribution.md.
 */
#ifndef NETSWEEP_ATTRIB_H
#define NETSWEEP_ATTRIB_H

#include "netsweep/case.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Confidence per basis (docs/attribution.md says why). */
#define NSW_ATTRIB_CONF_ANALYST 1.0
#define NSW_ATTRIB_CONF_PHONE 0.6
#define NSW_ATTRIB_CONF_IP_BASE 0.6 /**< plus 0.1 per login, up to 0.9 */

typedef struct nsw_attrib_stats {
	uint64_t phones_seen; /**< phone names examined */
	uint64_t phones_attributed;
	uint64_t phones_unusable; /**< national or non-geographic numbers */
	uint64_t ip_rows;	  /**< IP log rows read */
	uint64_t ip_attributed;	  /**< rows that gave a country */
	uint64_t ip_unmatched;	  /**< rows whose account is not in the case */
	uint64_t ip_not_found;	  /**< addresses the database does not know */
	uint64_t ip_rejected;	  /**< malformed rows (reported) */
	uint64_t analyst;	  /**< analyst assertions recorded */
} nsw_attrib_stats;

/** A bad IP-log row or an unknown account: file, line, why. */
typedef void (*nsw_attrib_problem_fn)(void *ctx, const char *file,
				      uint64_t line, const char *message);

typedef struct nsw_attrib_options {
	const char *geoip_path;	       /**< .mmdb (with ip_log_path), or NULL */
	const char *ip_log_path;       /**< CSV account,ip,timestamp, or NULL */
	nsw_attrib_problem_fn problem; /**< may be NULL */
	void *problem_ctx;
} nsw_attrib_options;

/**
 * Recompute the phone-based attributions of every account, and (with both
 * paths) add the IP-based ones from a provider log. Re-running replaces
 * the rows a previous run derived from the same sources; analyst rows are
 * never touched. One transaction; audited.
 * @param stats  caller storage, overwritten
 * @return 0; NSW_ENOTFOUND/NSW_EIO/NSW_EFORMAT for the log or database as
 *         a whole; NSW_ENOMEM; store errors
 */
NSW_EXTERN int nsw_attrib_run(nsw_case *c, const nsw_attrib_options *opt,
			      nsw_attrib_stats *stats);

/**
 * Record an analyst assertion: `account` (a platform id such as
 * "user123", a phone "+447700900123" or username, optionally qualified as
 * "telegram:user123") is in `country` (ISO 3166-1 alpha-2), on `basis`
 * (free text, required). An id that names accounts on several platforms
 * (one phone on Telegram and WhatsApp) applies to each. Audited.
 * @return 0; NSW_ENOTFOUND (no such account); NSW_EINVAL (bad country or
 *         empty basis)
 */
NSW_EXTERN int nsw_attrib_assert(nsw_case *c, const char *account,
				 const char *country, const char *basis);

/** One basis for one account's country. Strings borrowed for the call. */
typedef struct nsw_attrib_basis {
	const char *country;
	const char *basis; /**< "analyst", "ip-geo", "phone-prefix" */
	double confidence;
	const char *source;
} nsw_attrib_basis;

/** One account's attribution. Strings borrowed for the callback. */
typedef struct nsw_attrib_account {
	int64_t account_id;
	const char *platform;
	const char *native_id;
	const char *chosen; /**< the chosen country (docs/attribution.md) */
	int conflict;	    /**< bases name more than one country */
	const nsw_attrib_basis *bases;
	size_t basis_count;
} nsw_attrib_account;

typedef int (*nsw_attrib_fn)(void *ctx, const nsw_attrib_account *a);

/**
 * Every account that has at least one basis, in account id order.
 * Return non-zero from `fn` to stop (that value is returned).
 */
NSW_EXTERN int nsw_attrib_foreach(nsw_case *c, nsw_attrib_fn fn, void *ctx);

/**
 * The chosen country of one account into `country` ("" when none).
 * @return 0, NSW_ENOTFOUND (no attribution)
 */
NSW_EXTERN int nsw_attrib_country(nsw_case *c, int64_t account_id,
				  char country[3]);

#ifdef __cplusplus
}
#endif
#endif
