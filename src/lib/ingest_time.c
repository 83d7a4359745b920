/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Time for the chat-export parsers: civil dates to UTC seconds, local times
 * read in the caller's zone (fixed offset, or an IANA zone via TZ under a
 * lock), ISO 8601 with offsets.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "error.h"
#include "ingest_internal.h"

/* ---- Time ------------------------------------------------------------- */

int64_t nsw_ingest__days_from_civil(int64_t y, unsigned m, unsigned d)
{
	/* Howard Hinnant's days_from_civil. */
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int nsw_ingest__civil_valid(int y, int mo, int d, int h, int mi, int s)
{
	static const int mdays[12] = {31, 29, 31, 30, 31, 30,
				      31, 31, 30, 31, 30, 31};
	int leap;

	if (y < 1900 || y > 9999 || mo < 1 || mo > 12 || d < 1 || h < 0 ||
	    h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60)
		return 0;
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (d > mdays[mo - 1] || (mo == 2 && d == 29 && !leap))
		return 0;
	return 1;
}

static pthread_mutex_t tz_lock = PTHREAD_MUTEX_INITIALIZER;

/* UTC offset of a local time in a named zone: the only use of TZ, under a
 * lock, with the previous TZ restored before unlocking. */
static int named_offset(int32_t *out, const char *zone, int y, int mo, int d,
			int h, int mi)
{
	char saved[256];
	const char *old;
	int had_old = 0;
	struct tm tm;
	time_t t;
	int64_t local;

	pthread_mutex_lock(&tz_lock);
	old = getenv("TZ");
	if (old != NULL && strlen(old) < sizeof(saved)) {
		memcpy(saved, old, strlen(old) + 1);
		had_old = 1;
	}
	setenv("TZ", zone, 1);
	tzset();
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	if (had_old)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	tzset();
	pthread_mutex_unlock(&tz_lock);
	if (t == (time_t)-1)
		return NSW_EFORMAT;
	local = nsw_ingest__days_from_civil(y, (unsigned)mo, (unsigned)d) *
			86400 +
		h * 3600 + mi * 60;
	*out = (int32_t)(local - (int64_t)t);
	return 0;
}

int nsw_ingest__local_to_utc(nsw_ingest__ctx *c, int64_t *out, int y, int mo,
			     int d, int h, int mi, int s)
{
	int64_t local, key;
	int32_t off = 0;

	if (!nsw_ingest__civil_valid(y, mo, d, h, mi, s))
		return NSW_EFORMAT;
	local = nsw_ingest__days_from_civil(y, (unsigned)mo, (unsigned)d) *
			86400 +
		h * 3600 + mi * 60 + s;
	if (!c->tz.is_named) {
		*out = local - c->tz.offset;
		return 0;
	}
	/* Zone offsets change on (at least) half-hour boundaries. */
	key = local / 1800;
	if (c->tz.cache_valid && c->tz.cache_key == key) {
		off = c->tz.cache_offset;
	} else {
		if (named_offset(&off, c->tz.name, y, mo, d, h, mi) < 0)
			return NSW_EFORMAT;
		c->tz.cache_key = key;
		c->tz.cache_offset = off;
		c->tz.cache_valid = 1;
	}
	*out = local - off;
	return 0;
}

static int parse_digits(const char *s, size_t n, size_t at, size_t count,
			int *out)
{
	int v = 0;

	if (at + count > n)
		return 0;
	for (size_t i = 0; i < count; i++) {
		if (s[at + i] < '0' || s[at + i] > '9')
			return 0;
		v = v * 10 + (s[at + i] - '0');
	}
	*out = v;
	return 1;
}

int nsw_ingest__parse_iso8601(nsw_ingest__ctx *c, int64_t *out, int *local,
			      const char *s, size_t n)
{
	int y, mo, d, h, mi, sec = 0, oh = 0, om = 0, sign = 0;
	size_t i = 16;

	*local = 0;
	if (!parse_digits(s, n, 0, 4, &y) || n < 16 || s[4] != '-' ||
	    !parse_digits(s, n, 5, 2, &mo) || s[7] != '-' ||
	    !parse_digits(s, n, 8, 2, &d) || (s[10] != 'T' && s[10] != ' ') ||
	    !parse_digits(s, n, 11, 2, &h) || s[13] != ':' ||
	    !parse_digits(s, n, 14, 2, &mi))
		return NSW_EFORMAT;
	if (i < n && s[i] == ':') {
		if (!parse_digits(s, n, 17, 2, &sec))
			return NSW_EFORMAT;
		i = 19;
		if (i < n && (s[i] == '.' || s[i] == ',')) {
			i++;
			while (i < n && s[i] >= '0' && s[i] <= '9')
				i++;
		}
	}
	if (i == n) {
		*local = 1;
		return nsw_ingest__local_to_utc(c, out, y, mo, d, h, mi, sec);
	}
	if (s[i] == 'Z' && i + 1 == n) {
		sign = 0;
	} else if (s[i] == '+' || s[i] == '-') {
		sign = s[i] == '-' ? -1 : 1;
		if (!parse_digits(s, n, i + 1, 2, &oh))
			return NSW_EFORMAT;
		i += 3;
		if (i < n && s[i] == ':')
			i++;
		if (i < n && !parse_digits(s, n, i, 2, &om))
			return NSW_EFORMAT;
		if (i < n)
			i += 2;
		if (i != n || oh > 23 || om > 59)
			return NSW_EFORMAT;
	} else {
		return NSW_EFORMAT;
	}
	if (!nsw_ingest__civil_valid(y, mo, d, h, mi, sec))
		return NSW_EFORMAT;
	*out = nsw_ingest__days_from_civil(y, (unsigned)mo, (unsigned)d) *
		       86400 +
	       h * 3600 + mi * 60 + sec - sign * (oh * 3600 + om * 60);
	return 0;
}

/* "UTC", "Z", "+02:00", "-0530", "+2", or an IANA name. */
int nsw_ingest__tz_setup(nsw_ingest__tz *tz, const char *spec)
{
	size_t n, i = 1;
	int hh = 0, mm = 0, digits = 0;
	char zpath[256];
	struct stat st;

	memset(tz, 0, sizeof(*tz));
	if (spec == NULL || spec[0] == '\0' || strcmp(spec, "UTC") == 0 ||
	    strcmp(spec, "Z") == 0 || strcmp(spec, "GMT") == 0)
		return 0;
	n = strlen(spec);
	if (spec[0] == '+' || spec[0] == '-') {
		while (i < n && spec[i] >= '0' && spec[i] <= '9' &&
		       digits < 2) {
			hh = hh * 10 + (spec[i++] - '0');
			digits++;
		}
		if (i < n && spec[i] == ':')
			i++;
		if (i + 2 == n && parse_digits(spec, n, i, 2, &mm))
			i += 2;
		if (digits == 0 || i != n || hh > 18 || mm > 59)
			return nsw_error_set(NSW_EINVAL,
					     "bad time zone offset '%s'", spec);
		tz->offset = (spec[0] == '-' ? -1 : 1) * (hh * 3600 + mm * 60);
		return 0;
	}
	/* glibc silently reads an unknown zone as UTC: check it exists, and
	 * that the name cannot leave the zoneinfo folder. */
	if (n >= sizeof(tz->name) || strstr(spec, "..") != NULL ||
	    spec[0] == '/' || strchr(spec, ',') != NULL)
		return nsw_error_set(NSW_EINVAL, "bad time zone name '%s'",
				     spec);
	snprintf(zpath, sizeof(zpath), "/usr/share/zoneinfo/%s", spec);
	if (stat(zpath, &st) != 0 || !S_ISREG(st.st_mode))
		return nsw_error_set(NSW_EINVAL,
				     "unknown time zone '%s' (no %s)", spec,
				     zpath);
	memcpy(tz->name, spec, n + 1);
	tz->is_named = 1;
	return 0;
}
