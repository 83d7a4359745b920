/* SPDX-License-Identifier: Apache-2.0 */
/* Phone normalisation and calling-code -> country (see phone.h). */
#include <pthread.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "netsweep/phone.h"

/* Embedded by CMake from data/ (nsw_data_tables.c). */
extern const unsigned char nsw__data_calling_codes_tsv[];
extern const size_t nsw__data_calling_codes_tsv_len;
extern const unsigned char nsw__data_nanp_area_codes_tsv[];
extern const size_t nsw__data_nanp_area_codes_tsv_len;

/* Longest code in the table: "3906698" (Vatican inside Italy's +39). */
#define PREFIX_MAX 7

struct code_row {
	char prefix[PREFIX_MAX + 1];
	char country[3];
};

static struct code_row *codes;
static size_t code_count;
static struct code_row *nanp;
static size_t nanp_count;
static int tables_rc;
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

/* Parse "prefix<TAB>country" lines; '#' lines are comments. */
static int load_table(struct code_row **out, size_t *count,
		      const unsigned char *text, size_t len)
{
	struct code_row *rows = NULL;
	size_t n = 0, lines = 1;

	for (size_t i = 0; i < len; i++)
		lines += text[i] == '\n';
	rows = nsw__calloc(lines, sizeof(*rows));
	if (rows == NULL)
		return NSW_ENOMEM;
	for (size_t i = 0; i < len;) {
		const unsigned char *line = text + i;
		const unsigned char *nl = memchr(line, '\n', len - i);
		size_t ll = nl ? (size_t)(nl - line) : len - i;
		const unsigned char *tab = memchr(line, '\t', ll);

		i += ll + 1;
		if (ll == 0 || line[0] == '#' || tab == NULL)
			continue;
		if ((size_t)(tab - line) > PREFIX_MAX ||
		    ll - (size_t)(tab - line) - 1 > 2)
			continue;
		memcpy(rows[n].prefix, line, (size_t)(tab - line));
		if (tab[1] != '-')
			memcpy(rows[n].country, tab + 1,
			       ll - (size_t)(tab - line) - 1);
		n++;
	}
	*out = rows;
	*count = n;
	return 0;
}

static void load_tables(void)
{
	tables_rc = load_table(&codes, &code_count, nsw__data_calling_codes_tsv,
			       nsw__data_calling_codes_tsv_len);
	if (tables_rc == 0)
		tables_rc = load_table(&nanp, &nanp_count,
				       nsw__data_nanp_area_codes_tsv,
				       nsw__data_nanp_area_codes_tsv_len);
}

int nsw_phone_country(char country[3], char prefix[8], const char *e164)
{
	const char *digits;
	size_t best_len = 0, nd;
	const struct code_row *best = NULL;

	country[0] = '\0';
	prefix[0] = '\0';
	if (e164 == NULL || e164[0] != '+')
		return nsw_error_set(NSW_EINVAL, "not an E.164 number");
	digits = e164 + 1;
	nd = strlen(digits);
	if (nd == 0 || strspn(digits, "0123456789") != nd)
		return nsw_error_set(NSW_EINVAL, "not an E.164 number");
	pthread_once(&tables_once, load_tables);
	if (tables_rc < 0)
		return nsw_error_set(tables_rc,
				     "calling-code tables not loaded");
	for (size_t i = 0; i < code_count; i++) {
		size_t pl = strlen(codes[i].prefix);

		if (pl > best_len && pl <= nd &&
		    memcmp(codes[i].prefix, digits, pl) == 0) {
			best = &codes[i];
			best_len = pl;
		}
	}
	if (best == NULL)
		return nsw_error_set(NSW_ENOTFOUND,
				     "%s: no assigned calling code", e164);
	memcpy(prefix, best->prefix, best_len + 1);
	memcpy(country, best->country, 3);
	/* +1: the area code decides between the plan's members. */
	if (strcmp(best->prefix, "1") == 0 && nd >= 4) {
		for (size_t i = 0; i < nanp_count; i++) {
			if (memcmp(nanp[i].prefix, digits + 1, 3) == 0) {
				memcpy(country, nanp[i].country, 3);
				memcpy(prefix, digits, 4);
				prefix[4] = '\0';
				break;
			}
		}
	}
	return 0;
}

/* Length of a separator at text[i] that people put in numbers, or 0. */
static size_t separator_len(const unsigned char *t, size_t i, size_t len)
{
	if (t[i] == ' ' || t[i] == '-' || t[i] == '.' || t[i] == '(' ||
	    t[i] == ')' || t[i] == '\t' || t[i] == '/')
		return 1;
	/* U+00A0 NBSP */
	if (t[i] == 0xC2 && i + 1 < len && t[i + 1] == 0xA0)
		return 2;
	/* U+200E/F, U+202A-E, U+2066-9 (bidi marks WhatsApp adds) */
	if (t[i] == 0xE2 && i + 2 < len &&
	    ((t[i + 1] == 0x80 && (t[i + 2] == 0x8E || t[i + 2] == 0x8F ||
				   (t[i + 2] >= 0xAA && t[i + 2] <= 0xAF))) ||
	     (t[i + 1] == 0x81 && t[i + 2] >= 0xA6 && t[i + 2] <= 0xA9)))
		return 3;
	return 0;
}

int nsw_phone_parse(nsw_phone *out, const char *text, size_t len,
		    const char *default_calling_code)
{
	const unsigned char *t = (const unsigned char *)text;
	char digits[64];
	size_t nd = 0, i = 0, sep;
	int plus = 0;

	memset(out, 0, sizeof(*out));
	while (i < len && (sep = separator_len(t, i, len)) > 0)
		i += sep;
	if (i < len && t[i] == '+') {
		plus = 1;
		i++;
	}
	for (; i < len; i++) {
		sep = separator_len(t, i, len);
		if (sep > 0) {
			i += sep - 1;
			continue;
		}
		if (t[i] < '0' || t[i] > '9' || nd + 1 >= sizeof(digits))
			return nsw_error_set(NSW_EFORMAT, "not a phone number");
		digits[nd++] = (char)t[i];
	}
	digits[nd] = '\0';
	if (!plus && nd > 2 && digits[0] == '0' && digits[1] == '0') {
		plus = 1;
		memmove(digits, digits + 2, nd - 1);
		nd -= 2;
	}
	if (!plus && default_calling_code != NULL && nd > 0) {
		size_t cl = strlen(default_calling_code);
		size_t skip = digits[0] == '0' ? 1 : 0;

		if (cl == 0 || cl > 3 || nd - skip + cl >= sizeof(digits))
			return nsw_error_set(NSW_EINVAL, "bad calling code");
		memmove(digits + cl, digits + skip, nd - skip + 1);
		memcpy(digits, default_calling_code, cl);
		nd = nd - skip + cl;
		plus = 1;
	}
	/* Real subscriber numbers have 7 to 15 digits with the code. */
	if (nd < 7 || nd > NSW_E164_DIGITS_MAX)
		return nsw_error_set(NSW_EFORMAT,
				     "not a phone number (%zu digits)", nd);
	out->international = plus;
	if (!plus) {
		memcpy(out->number, digits, nd + 1);
		return 0;
	}
	out->number[0] = '+';
	memcpy(out->number + 1, digits, nd + 1);
	if (nsw_phone_country(out->country, out->prefix, out->number) ==
	    NSW_ENOMEM)
		return NSW_ENOMEM;
	nsw_error_clear();
	return 0;
}
