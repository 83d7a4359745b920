/* SPDX-License-Identifier: Apache-2.0 */
/* Phone numbers: normalisation to E.164 and country by calling code (with
 * the North American plan's area codes resolved to US, CA and the
 * Caribbean). The tables are data/calling-codes.tsv and
 * data/nanp-area-codes.tsv, embedded at build time. */
#ifndef NETSWEEP_PHONE_H
#define NETSWEEP_PHONE_H

#include "netsweep/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** E.164 allows at most 15 digits after the '+'. */
#define NSW_E164_DIGITS_MAX 15

typedef struct nsw_phone {
	/** "+" and digits when international; the bare digits otherwise */
	char number[NSW_E164_DIGITS_MAX + 2];
	/** 1 when `number` is E.164 (it had + or 00, or a default code) */
	int international;
	/** ISO 3166-1 alpha-2, "" when unknown or non-geographic */
	char country[3];
	/** the calling code that decided it ("44", "1", "1876"...), or "" */
	char prefix[8];
} nsw_phone;

/**
 * Normalise a phone number as people and exports write it: spaces, dots,
 * dashes, parentheses, NBSP and bidi marks (U+200E, U+202A-E, U+2066-9)
 * are dropped; a leading "+" or "00" means international. A number with
 * neither stays national (international = 0, no country) unless
 * `default_calling_code` (e.g. "49"; may be NULL) is given, in which case a
 * single leading trunk 0 is dropped and the code prepended.
 * @param text  borrowed, `len` bytes (no NUL needed)
 * @return 0; NSW_EFORMAT if it is not a phone number (letters, too few or
 *         too many digits).
 */
NSW_EXTERN int nsw_phone_parse(nsw_phone *out, const char *text, size_t len,
			       const char *default_calling_code);

/**
 * Country of an E.164 number ("+..." digits) by longest calling-code prefix;
 * +1 by area code. `country` is "" for non-geographic codes (+800, +881...).
 * @return 0; NSW_ENOTFOUND (no assigned code matches); NSW_EINVAL (not
 *         "+digits"); NSW_ENOMEM (tables could not be loaded).
 */
NSW_EXTERN int nsw_phone_country(char country[3], char prefix[8],
				 const char *e164);

#ifdef __cplusplus
}
#endif
#endif
