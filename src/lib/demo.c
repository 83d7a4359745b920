/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The demo operation: plan by scale, prepare the directory, run the steps
 * (demo_media.c, demo_network.c, demo_exports.c, demo_devices.c,
 * demo_truth.c) and the helpers they share.
 */
#define _XOPEN_SOURCE 700
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "demo_internal.h"
#include "error.h"
#include "limits.h"

/* ---- Randomness ---- */

void demo_rng_seed(struct demo_rng *rng, uint64_t seed, uint64_t stream)
{
	rng->state = seed ^ (stream * 0xD1B54A32D192ED03ull);
	(void)demo_rng_next(rng);
}

uint64_t demo_rng_next(struct demo_rng *rng)
{
	uint64_t z = (rng->state += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

uint32_t demo_rng_below(struct demo_rng *rng, uint32_t n)
{
	if (n == 0)
		return 0;
	return (uint32_t)(demo_rng_next(rng) % n);
}

int demo_rng_chance(struct demo_rng *rng, uint32_t percent)
{
	return demo_rng_below(rng, 100) < percent;
}

/* ---- Names ---- */

const char *nsw_demo_scale_name(nsw_demo_scale scale)
{
	switch (scale) {
	case NSW_DEMO_SMALL:
		return "small";
	case NSW_DEMO_MEDIUM:
		return "medium";
	case NSW_DEMO_LARGE:
		return "large";
	}
	return "?";
}

int nsw_demo_scale_parse(nsw_demo_scale *out, const char *name)
{
	int s;

	if (out == NULL || name == NULL)
		return nsw_error_set(NSW_EINVAL, "demo scale: NULL");
	for (s = NSW_DEMO_SMALL; s <= NSW_DEMO_LARGE; s++) {
		if (strcmp(name, nsw_demo_scale_name((nsw_demo_scale)s)) == 0) {
			*out = (nsw_demo_scale)s;
			return 0;
		}
	}
	return nsw_error_set(NSW_EINVAL,
			     "unknown demo scale '%s' (small, medium, large)",
			     name);
}

/* ---- Helpers ---- */

void demo_buf_init(nsw_buf *buf)
{
	nsw_buf_init(buf, NSW_DEMO_TEXT_MAX);
}

int demo_buf_fail(int rc, const char *what)
{
	if (rc == NSW_ELIMIT)
		return nsw_error_set(NSW_ELIMIT, "demo: %s over %zu bytes",
				     what, (size_t)NSW_DEMO_TEXT_MAX);
	return nsw_error_set(NSW_ENOMEM, "demo: out of memory writing %s",
			     what);
}

int demo_json_str(nsw_buf *buf, const char *s)
{
	int rc = nsw_buf_putc(buf, '"');

	for (; rc == 0 && *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			rc = nsw_buf_putc(buf, '\\');
			if (rc == 0)
				rc = nsw_buf_putc(buf, (char)c);
		} else if (c < 0x20) {
			rc = nsw_buf_printf(buf, "\\u%04x", c);
		} else {
			rc = nsw_buf_putc(buf, (char)c);
		}
	}
	if (rc == 0)
		rc = nsw_buf_putc(buf, '"');
	return rc;
}

void demo_hex_upper(char *out, const uint8_t *bytes, size_t len)
{
	static const char digits[] = "0123456789ABCDEF";
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[bytes[i] >> 4];
		out[2 * i + 1] = digits[bytes[i] & 15];
	}
	out[2 * len] = '\0';
}

void demo_utc(int64_t t, int *year, int *mon, int *day, int *hour, int *min,
	      int *sec)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	*year = tm.tm_year + 1900;
	*mon = tm.tm_mon + 1;
	*day = tm.tm_mday;
	*hour = tm.tm_hour;
	*min = tm.tm_min;
	*sec = tm.tm_sec;
}

void demo_iso_time(char out[80], int64_t t)
{
	int y, mo, d, h, mi, s;

	demo_utc(t, &y, &mo, &d, &h, &mi, &s);
	snprintf(out, 80, "%04d-%02d-%02dT%02d:%02d:%02d", y, mo, d, h, mi, s);
}

int demo_msg_add(struct demo_model *m, const struct demo_msg *msg)
{
	if (m->msg_count == m->msg_cap) {
		size_t cap = m->msg_cap ? m->msg_cap * 2 : 1024;
		struct demo_msg *grown =
			nsw__reallocarray(m->msgs, cap, sizeof(*grown));

		if (grown == NULL)
			return nsw_error_set(NSW_ENOMEM,
					     "demo: out of memory (messages)");
		m->msgs = grown;
		m->msg_cap = cap;
	}
	m->msgs[m->msg_count] = *msg;
	m->msgs[m->msg_count].seq = (uint32_t)m->msg_count;
	m->msg_count++;
	return 0;
}

/* mkdir -p of the parent directories of dir/rel (rel uses '/'). */
static int make_parents(const char *full, size_t skip)
{
	char path[DEMO_PATH_MAX];
	size_t i, n = strlen(full);

	if (n >= sizeof(path))
		return nsw_error_set(NSW_ELIMIT, "demo: path too long: %s",
				     full);
	memcpy(path, full, n + 1);
	for (i = skip + 1; i < n; i++) {
		if (path[i] != '/')
			continue;
		path[i] = '\0';
		if (mkdir(path, 0777) != 0 && errno != EEXIST) {
			int e = errno;

			return nsw_error_set(NSW_EIO, "%s: %s", path,
					     strerror(e));
		}
		path[i] = '/';
	}
	return 0;
}

int demo_write_file(struct demo_model *m, const char *rel, const void *data,
		    size_t len)
{
	char full[DEMO_PATH_MAX];
	FILE *f = NULL;
	int n, rc = 0;

	n = snprintf(full, sizeof(full), "%s/%s", m->dir, rel);
	if (n < 0 || (size_t)n >= sizeof(full))
		return nsw_error_set(NSW_ELIMIT, "demo: path too long: %s/%s",
				     m->dir, rel);
	rc = make_parents(full, strlen(m->dir));
	if (rc != 0)
		return rc;
	f = fopen(full, "wb");
	if (f == NULL) {
		int e = errno;

		return nsw_error_set(NSW_EIO, "%s: %s", full, strerror(e));
	}
	if (len > 0 && fwrite(data, 1, len, f) != len)
		rc = nsw_error_set(NSW_EIO, "%s: write failed", full);
	if (fclose(f) != 0 && rc == 0)
		rc = nsw_error_set(NSW_EIO, "%s: write failed", full);
	if (rc == 0 && m->summary != NULL) {
		m->summary->files_written++;
		m->summary->bytes_written += len;
	}
	return rc;
}

/* ---- The directory ---- */

/* Top-level entries a generation writes; a re-run removes these only. */
static const char *const generated[] = {
	"media",      "lists",	    "exports",	  "devices",
	"truth.json", "ip-log.csv", "ip-geo.tsv", NSW_DEMO_GEOIP_DB,
};

static int remove_entry(const char *path, const struct stat *st, int flag,
			struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		return rmdir(path);
	return unlink(path);
}

static int prepare_dir(const char *dir)
{
	char path[DEMO_PATH_MAX];
	DIR *d = NULL;
	struct dirent *e;
	int empty = 1;
	size_t i;

	if (mkdir(dir, 0777) == 0)
		return 0;
	if (errno != EEXIST) {
		int err = errno;

		return nsw_error_set(NSW_EIO, "%s: %s", dir, strerror(err));
	}
	d = opendir(dir);
	if (d == NULL) {
		int err = errno;

		return nsw_error_set(NSW_EIO, "%s: %s", dir, strerror(err));
	}
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			empty = 0;
	}
	closedir(d);
	if (empty)
		return 0;
	snprintf(path, sizeof(path), "%s/%s", dir, NSW_DEMO_MARKER);
	if (access(path, F_OK) != 0)
		return nsw_error_set(NSW_EINVAL,
				     "%s: not empty and not a netsweep demo "
				     "(no %s); choose another directory",
				     dir, NSW_DEMO_MARKER);
	for (i = 0; i < sizeof(generated) / sizeof(generated[0]); i++) {
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, generated[i]);
		if (lstat(path, &st) != 0)
			continue;
		if (nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0) {
			int err = errno;

			return nsw_error_set(NSW_EIO, "%s: cannot remove: %s",
					     path, strerror(err));
		}
	}
	return 0;
}

/* ---- Plan and run ---- */

static void plan(struct demo_model *m)
{
	switch (m->scale) {
	case NSW_DEMO_SMALL:
		m->n_known = 30, m->n_new = 10, m->n_benign_posted = 80;
		m->n_accounts = 80, m->n_tg = 6, m->n_wa = 4;
		m->n_messages = 2000, m->n_distributors = 3;
		m->n_software = 24;
		break;
	case NSW_DEMO_MEDIUM:
		m->n_known = 300, m->n_new = 40, m->n_benign_posted = 800;
		m->n_accounts = 800, m->n_tg = 60, m->n_wa = 40;
		m->n_messages = 20000, m->n_distributors = 10;
		m->n_software = 120;
		break;
	case NSW_DEMO_LARGE:
		m->n_known = 1000, m->n_new = 100, m->n_benign_posted = 1000;
		m->n_accounts = 4000, m->n_tg = 200, m->n_wa = 120;
		m->n_messages = 80000, m->n_distributors = 25;
		m->n_software = 400;
		break;
	}
	/* Each account posts its own unrelated pictures (one each, for the
	 * first n_benign_posted accounts): a picture posted by two accounts
	 * would look like new material one of them seeded. Each device also
	 * holds its own never-posted ones. */
	m->n_benign_device = 6 + m->n_known / 30 + 1;
	m->n_benign =
		m->n_benign_posted + NSW_DEMO_DEVICES * m->n_benign_device;
}

static int write_marker(struct demo_model *m)
{
	char text[160];
	int n = snprintf(text, sizeof(text),
			 "netsweep demo operation\nscale %s\nseed %llu\n",
			 nsw_demo_scale_name(m->scale),
			 (unsigned long long)m->seed);

	return demo_write_file(m, NSW_DEMO_MARKER, text, (size_t)n);
}

int demo_generate_model(struct demo_model *m, nsw_demo_summary *summary,
			const char *dir, nsw_demo_scale scale, uint64_t seed)
{
	int rc;

	memset(m, 0, sizeof(*m));
	memset(summary, 0, sizeof(*summary));
	if (dir == NULL || *dir == '\0' || scale < NSW_DEMO_SMALL ||
	    scale > NSW_DEMO_LARGE)
		return nsw_error_set(NSW_EINVAL, "demo: bad arguments");
	rc = prepare_dir(dir);
	if (rc != 0)
		return rc;
	m->dir = dir;
	m->scale = scale;
	m->seed = seed;
	m->summary = summary;
	summary->scale = scale;
	summary->seed = seed;
	plan(m);
	/* The marker first, so a failed run can be re-run over. */
	rc = write_marker(m);
	if (rc == 0)
		rc = demo_media_build(m);
	if (rc == 0)
		rc = demo_media_write(m);
	if (rc == 0)
		rc = demo_network_build(m);
	if (rc == 0)
		rc = demo_exports_write(m);
	if (rc == 0)
		rc = demo_iplog_write(m);
	if (rc == 0)
		rc = demo_devices_write(m);
	if (rc == 0)
		rc = demo_truth_write(m);
	return rc;
}

int nsw_demo_generate(nsw_demo_summary *summary, const char *dir,
		      nsw_demo_scale scale, uint64_t seed)
{
	struct demo_model m;
	nsw_demo_summary local;
	int rc = demo_generate_model(&m, &local, dir, scale, seed);

	if (rc == 0 && summary != NULL)
		*summary = local;
	demo_model_free(&m);
	return rc;
}

void demo_model_free(struct demo_model *m)
{
	size_t i;
	int t;

	for (i = 0; i < m->item_count; i++)
		for (t = 0; t < DEMO_T_COUNT; t++)
			nsw_image_encoded_free(m->items[i].blob[t].data);
	nsw__free(m->items);
	for (i = 0; i < m->chat_count; i++)
		nsw__free(m->chats[i].members);
	nsw__free(m->chats);
	nsw__free(m->accounts);
	nsw__free(m->msgs);
	nsw__free(m->devfiles);
	for (i = 0; i < m->software_count; i++)
		nsw__free(m->software[i].data);
	nsw__free(m->software);
	nsw__free(m->iplog);
	memset(m, 0, sizeof(*m));
}
