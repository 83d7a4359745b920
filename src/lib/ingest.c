/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Chat-export ingestion: format detection, dispatch to the parsers, and
 * what they share (time zones, UTF-8 repair, safe media paths, phone
 * numbers, event delivery with sighting dedup).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "error.h"
#include "ingest_internal.h"
#include "limits.h"

/* ---- Names ------------------------------------------------------------ */

static const char *name_of(const char *const *names, size_t n, int v)
{
	return v >= 0 && (size_t)v < n ? names[v] : "?";
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *const platform_names[] = {"unknown", "telegram", "whatsapp",
					     "discord", "signal"};
static const char *const format_names[] = {"auto", "telegram", "whatsapp",
					   "discord", "signal"};
static const char *const order_names[] = {"auto", "dmy", "mdy", "ymd"};
static const char *const chat_kind_names[] = {
	"unknown", "private", "group",	      "supergroup",
	"channel", "dm",      "guild-channel"};
static const char *const media_kind_names[] = {
	"other", "photo", "video",   "animation", "video-message",
	"audio", "voice", "sticker", "document",  "contact"};
static const char *const media_state_names[] = {
	"file", "missing", "not-exported", "refused", "in-archive", "remote"};
static const char *const member_names[] = {
	"?",	 "create", "invite",	 "join-link",	 "join-request", "join",
	"leave", "remove", "migrate-to", "migrate-from", "title"};

const char *nsw_platform_name(nsw_platform p)
{
	return name_of(platform_names, COUNT(platform_names), (int)p);
}

const char *nsw_ingest_format_name(nsw_ingest_format f)
{
	return name_of(format_names, COUNT(format_names), (int)f);
}

const char *nsw_date_order_name(nsw_date_order o)
{
	return name_of(order_names, COUNT(order_names), (int)o);
}

const char *nsw_chat_kind_name(nsw_chat_kind k)
{
	return name_of(chat_kind_names, COUNT(chat_kind_names), (int)k);
}

const char *nsw_media_kind_name(nsw_media_kind k)
{
	return name_of(media_kind_names, COUNT(media_kind_names), (int)k);
}

const char *nsw_media_state_name(nsw_media_state s)
{
	return name_of(media_state_names, COUNT(media_state_names), (int)s);
}

const char *nsw_member_action_name(nsw_member_action a)
{
	return name_of(member_names, COUNT(member_names), (int)a);
}

static int parse_name(int *out, const char *const *names, size_t n,
		      const char *name, const char *what)
{
	if (name == NULL)
		return nsw_error_set(NSW_EINVAL, "no %s given", what);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(names[i], name) == 0) {
			*out = (int)i;
			return 0;
		}
	}
	return nsw_error_set(NSW_EINVAL, "unknown %s '%s'", what, name);
}

int nsw_ingest_format_parse(nsw_ingest_format *out, const char *name)
{
	int v = 0, rc;

	if (out == NULL)
		return nsw_error_set(NSW_EINVAL, "format: NULL output");
	rc = parse_name(&v, format_names, COUNT(format_names), name,
			"ingest format");
	*out = (nsw_ingest_format)v;
	return rc;
}

int nsw_date_order_parse(nsw_date_order *out, const char *name)
{
	int v = 0, rc;

	if (out == NULL)
		return nsw_error_set(NSW_EINVAL, "date order: NULL output");
	rc = parse_name(&v, order_names, COUNT(order_names), name,
			"date order");
	*out = (nsw_date_order)v;
	return rc;
}

/* ---- Phone numbers ---------------------------------------------------- */

int nsw_ingest_phone_normalize(char *out, size_t out_size, unsigned *flags,
			       const char *phone)
{
	char d[20];
	size_t nd = 0, k = 0, skip = 0;
	const unsigned char *p = (const unsigned char *)phone;
	int plus = 0;

	if (out == NULL || out_size < 2 || phone == NULL)
		return nsw_error_set(NSW_EINVAL, "phone: bad arguments");
	out[0] = '\0';
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '+') {
		plus = 1;
		p++;
	}
	for (; *p != '\0'; p++) {
		/* U+00A0, which phones put in numbers. */
		if (p[0] == 0xC2 && p[1] == 0xA0) {
			p++;
			continue;
		}
		/* U+200E/F, U+202A-E, U+202F, U+2066-9: direction marks iOS
		 * wraps numbers in. */
		if (p[0] == 0xE2 &&
		    ((p[1] == 0x80 && (p[2] == 0x8E || p[2] == 0x8F ||
				       (p[2] >= 0xAA && p[2] <= 0xAF))) ||
		     (p[1] == 0x81 && p[2] >= 0xA6 && p[2] <= 0xA9))) {
			p += 2;
			continue;
		}
		if (*p == ' ' || *p == '-' || *p == '.' || *p == '(' ||
		    *p == ')' || *p == '\t')
			continue;
		if (*p == '+' && nd == 0 && !plus) {
			plus = 1; /* after a direction mark */
			continue;
		}
		if (*p < '0' || *p > '9')
			return nsw_error_set(NSW_EFORMAT,
					     "not a phone number: '%.100s'",
					     phone);
		if (nd >= sizeof(d))
			return nsw_error_set(NSW_EFORMAT,
					     "phone number too long: '%.100s'",
					     phone);
		d[nd++] = (char)*p;
	}
	if (!plus && nd >= 2 && d[0] == '0' && d[1] == '0') {
		plus = 1;
		skip = 2;
	}
	if (nd - skip < 5 || nd - skip > 15)
		return nsw_error_set(NSW_EFORMAT,
				     "not a phone number: '%.100s'", phone);
	if (nd - skip + (size_t)plus + 1 > out_size)
		return nsw_error_set(NSW_EINVAL, "phone: output too small");
	if (plus)
		out[k++] = '+';
	memcpy(out + k, d + skip, nd - skip);
	out[k + nd - skip] = '\0';
	if (flags != NULL && !plus)
		*flags |= NSW_INGEST_PHONE_NATIONAL;
	return 0;
}

int nsw_ingest__buf_error(nsw_ingest__ctx *c, int rc, const char *what)
{
	if (rc == NSW_ENOMEM)
		return nsw_error_set(NSW_ENOMEM, "%s: out of memory", c->file);
	return nsw_error_set(NSW_ELIMIT, "%s: %s too long", c->file, what);
}

/* ---- Text ------------------------------------------------------------- */

static size_t utf8_valid_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t len;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		len = 2, cp = c & 0x1F;
	else if (c >= 0xE0 && c <= 0xEF)
		len = 3, cp = c & 0x0F;
	else if (c >= 0xF0 && c <= 0xF4)
		len = 4, cp = c & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return len;
}

int nsw_ingest__utf8_append(nsw_buf *out, const char *s, size_t n,
			    int *repaired, int *cut)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0;
	int rc;

	while (i < n) {
		size_t k = utf8_valid_len(p + i, n - i);

		if (k > 0 && p[i] != 0) {
			i += k;
			continue;
		}
		/* Flush the valid run, then a replacement for the bad byte
		 * (NUL too: strings are handed out NUL-terminated). */
		if (out->len + (i - run) + 3 > out->max)
			goto full;
		rc = nsw_buf_put(out, s + run, i - run);
		if (rc == 0)
			rc = nsw_buf_put(out, p[i] == 0 ? " " : "\xEF\xBF\xBD",
					 p[i] == 0 ? 1 : 3);
		if (rc == NSW_ENOMEM)
			return rc;
		if (p[i] != 0 && repaired != NULL)
			*repaired = 1;
		i++;
		run = i;
	}
	if (out->len + (n - run) > out->max) {
		/* Cut at a character boundary below the maximum. */
		size_t room = out->max - out->len, j = run;

		while (j < n) {
			size_t k = utf8_valid_len(p + j, n - j);

			if (j + k - run > room)
				break;
			j += k;
		}
		n = j;
		if (cut != NULL)
			*cut = 1;
	}
	rc = nsw_buf_put(out, s + run, n - run);
	return rc == NSW_ENOMEM ? rc : 0;
full:
	if (cut != NULL)
		*cut = 1;
	return 0;
}

int nsw_ingest__parse_u64(uint64_t *out, const char *s, size_t n)
{
	uint64_t v = 0;

	if (n == 0 || n > 19)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return 1;
}

nsw_media_placeholder nsw_ingest__placeholder(const char *s)
{
	size_t n = strlen(s);

	if (n < 2 || s[0] != '(' || s[n - 1] != ')')
		return NSW_MEDIA_PLACEHOLDER_NONE;
	if (strstr(s, "not included") != NULL)
		return NSW_MEDIA_PLACEHOLDER_NOT_INCLUDED;
	if (strstr(s, "exceeds maximum size") != NULL)
		return NSW_MEDIA_PLACEHOLDER_TOO_LARGE;
	if (strstr(s, "unavailable") != NULL)
		return NSW_MEDIA_PLACEHOLDER_UNAVAILABLE;
	return NSW_MEDIA_PLACEHOLDER_OTHER;
}

/* ---- Media paths ------------------------------------------------------ */

/* realpath() copied through the allocation seam; NULL on failure. */
static char *real_path(const char *p)
{
	char *r = realpath(p, NULL), *copy;

	if (r == NULL)
		return NULL;
	copy = nsw__strdup(r);
	free(r);
	return copy;
}

static int has_dotdot(const char *ref)
{
	const char *p = ref;

	while (*p != '\0') {
		size_t k = strcspn(p, "/\\");

		if (k == 2 && p[0] == '.' && p[1] == '.')
			return 1;
		p += k;
		if (*p != '\0')
			p++;
	}
	return 0;
}

int nsw_ingest__media_resolve(nsw_ingest__ctx *c, nsw_ingest_media *m,
			      nsw_buf *path, uint64_t line)
{
	const char *ref = m->ref;
	const char *why = NULL;
	char *real = NULL;
	struct stat st;
	size_t rl;

	m->path = NULL;
	m->archive = NULL;
	if (ref == NULL || ref[0] == '\0')
		why = "empty media path";
	else if (ref[0] == '/' || ref[0] == '\\' ||
		 (isalpha((unsigned char)ref[0]) && ref[1] == ':'))
		why = "absolute media path refused";
	else if (has_dotdot(ref))
		why = "media path with '..' refused";
	else if (strlen(ref) >= NSW_PATH_MAX)
		why = "media path too long";
	if (why != NULL) {
		m->state = NSW_MEDIA_REFUSED;
		return nsw_ingest__problem(c, line, NSW_EFORMAT, 0,
					   "%s: '%.200s'", why, ref ? ref : "");
	}
	if (c->archive != NULL) {
		m->state = NSW_MEDIA_IN_ARCHIVE;
		m->archive = c->archive;
		return 0;
	}
	m->state = NSW_MEDIA_MISSING;
	if (c->root == NULL)
		return 0;
	nsw_buf_reset(path);
	if (nsw_buf_printf(path, "%s/%s", c->root, ref) < 0) {
		m->state = NSW_MEDIA_REFUSED;
		return nsw_ingest__problem(c, line, NSW_ELIMIT, 0,
					   "media path too long: '%.200s'",
					   ref);
	}
	m->path = path->ptr;
	if (lstat(path->ptr, &st) != 0)
		return 0;
	/* It exists: it must still be under the root once symlinks are
	 * followed. */
	if (c->root_real == NULL)
		return 0;
	real = real_path(path->ptr);
	if (real == NULL)
		return 0; /* dangling symlink: nothing to read */
	rl = strlen(c->root_real);
	if (strncmp(real, c->root_real, rl) != 0 ||
	    (real[rl] != '/' && !(rl == 1 && c->root_real[0] == '/'))) {
		nsw__free(real);
		m->state = NSW_MEDIA_REFUSED;
		m->path = NULL;
		return nsw_ingest__problem(
			c, line, NSW_EFORMAT, 0,
			"media path leads outside the export root: '%.200s'",
			ref);
	}
	if (stat(real, &st) == 0 && S_ISREG(st.st_mode))
		m->state = NSW_MEDIA_FILE;
	nsw__free(real);
	return 0;
}

static int ends_with_ci(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);

	return n >= k && strncasecmp(s + n - k, suffix, k) == 0;
}

nsw_media_kind nsw_ingest__kind_from_name(const char *name)
{
	const char *base = strrchr(name, '/');
	size_t n;

	base = base ? base + 1 : name;
	n = strlen(base);
	if (strncmp(base, "PTT-", 4) == 0)
		return NSW_MEDIA_KIND_VOICE;
	if (strncmp(base, "STK-", 4) == 0 || strstr(base, "-STICKER-"))
		return NSW_MEDIA_KIND_STICKER;
	if (strstr(base, "-GIF-"))
		return NSW_MEDIA_KIND_ANIMATION;
	if (ends_with_ci(base, n, ".jpg") || ends_with_ci(base, n, ".jpeg") ||
	    ends_with_ci(base, n, ".png") || ends_with_ci(base, n, ".heic") ||
	    ends_with_ci(base, n, ".webp") || ends_with_ci(base, n, ".gif"))
		return strncmp(base, "STK-", 4) == 0 ? NSW_MEDIA_KIND_STICKER
						     : NSW_MEDIA_KIND_PHOTO;
	if (ends_with_ci(base, n, ".mp4") || ends_with_ci(base, n, ".mov") ||
	    ends_with_ci(base, n, ".3gp") || ends_with_ci(base, n, ".mkv") ||
	    ends_with_ci(base, n, ".webm"))
		return NSW_MEDIA_KIND_VIDEO;
	if (ends_with_ci(base, n, ".opus") || ends_with_ci(base, n, ".ogg"))
		return NSW_MEDIA_KIND_VOICE;
	if (ends_with_ci(base, n, ".mp3") || ends_with_ci(base, n, ".m4a") ||
	    ends_with_ci(base, n, ".aac") || ends_with_ci(base, n, ".wav"))
		return NSW_MEDIA_KIND_AUDIO;
	if (ends_with_ci(base, n, ".vcf"))
		return NSW_MEDIA_KIND_CONTACT;
	return NSW_MEDIA_KIND_DOCUMENT;
}

/* ---- Events ----------------------------------------------------------- */

int nsw_ingest__problem(nsw_ingest__ctx *c, uint64_t line, int code, int fatal,
			const char *fmt, ...)
{
	char msg[NSW_ERROR_MESSAGE_MAX];
	nsw_ingest_problem p;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->stats->problems++;
	if (c->sink->problem == NULL)
		return 0;
	p.file = c->file;
	p.line = line;
	p.code = code;
	p.fatal = fatal;
	p.message = msg;
	c->sink->problem(c->sink->ctx, &p);
	return 0;
}

void nsw_ingest__note(nsw_ingest__ctx *c, const char *fmt, ...)
{
	char msg[NSW_ERROR_MESSAGE_MAX];
	va_list ap;

	if (c->sink->note == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->sink->note(c->sink->ctx, c->file, msg);
}

int nsw_ingest__chat(nsw_ingest__ctx *c, nsw_ingest_chat *chat)
{
	chat->platform = c->platform;
	chat->file = c->file;
	c->stats->chats++;
	return c->sink->chat ? c->sink->chat(c->sink->ctx, chat) : 0;
}

static uint64_t mix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

static uint64_t hash_str(uint64_t h, const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return (h ^ 0xff) * 0x100000001b3ULL;
}

/* 1 when the hash was already in the set; 0 when added (or set full). */
static int seen_before(nsw_ingest__ctx *c, uint64_t h)
{
	size_t mask, i;

	h = h ? h : 1;
	if (c->seen_count * 2 >= c->seen_cap) {
		size_t ncap = c->seen_cap ? c->seen_cap * 2 : 1024;
		uint64_t *nseen;

		if (c->seen_count >= NSW_INGEST_SIGHTINGS_MAX)
			return 0;
		nseen = nsw__calloc(ncap, sizeof(*nseen));
		if (nseen == NULL)
			return 0; /* dedup is an optimisation only */
		for (size_t k = 0; k < c->seen_cap; k++) {
			uint64_t v = c->seen[k];

			if (v == 0)
				continue;
			i = mix64(v) & (ncap - 1);
			while (nseen[i] != 0)
				i = (i + 1) & (ncap - 1);
			nseen[i] = v;
		}
		nsw__free(c->seen);
		c->seen = nseen;
		c->seen_cap = ncap;
	}
	mask = c->seen_cap - 1;
	i = mix64(h) & mask;
	while (c->seen[i] != 0) {
		if (c->seen[i] == h)
			return 1;
		i = (i + 1) & mask;
	}
	c->seen[i] = h;
	c->seen_count++;
	return 0;
}

int nsw_ingest__account(nsw_ingest__ctx *c, nsw_ingest_account *a)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	if (a->id == NULL || a->id[0] == '\0')
		return 0;
	h = hash_str(h, a->id);
	h = hash_str(h, a->name);
	h = hash_str(h, a->username);
	h = hash_str(h, a->phone);
	if (seen_before(c, h))
		return 0;
	a->platform = c->platform;
	a->file = c->file;
	c->stats->accounts++;
	return c->sink->account ? c->sink->account(c->sink->ctx, a) : 0;
}

int nsw_ingest__message(nsw_ingest__ctx *c, nsw_ingest_message *m)
{
	m->platform = c->platform;
	m->file = c->file;
	if (m->text == NULL) {
		m->text = "";
		m->text_len = 0;
	}
	c->stats->messages++;
	if (m->flags & NSW_INGEST_MSG_SERVICE)
		c->stats->service++;
	for (size_t i = 0; i < m->media_count; i++) {
		c->stats->media++;
		if (m->media[i].state == NSW_MEDIA_NOT_EXPORTED)
			c->stats->media_not_exported++;
		if (m->media[i].state == NSW_MEDIA_REFUSED)
			c->stats->media_refused++;
	}
	return c->sink->message ? c->sink->message(c->sink->ctx, m) : 0;
}

int nsw_ingest__membership(nsw_ingest__ctx *c, nsw_ingest_membership *ev)
{
	ev->platform = c->platform;
	ev->file = c->file;
	c->stats->membership++;
	return c->sink->membership ? c->sink->membership(c->sink->ctx, ev) : 0;
}

/* ---- Sources ---------------------------------------------------------- */

struct fd_src {
	int fd;
	const char *name;
};

static int fd_read(void *h, uint8_t *buf, size_t cap, size_t *got)
{
	struct fd_src *f = h;

	for (;;) {
		ssize_t n = read(f->fd, buf, cap);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return nsw_error_set(NSW_EIO, "%s: read: %s", f->name,
					     strerror(errno));
		*got = (size_t)n;
		return 0;
	}
}

static int fd_rewind(void *h)
{
	struct fd_src *f = h;

	if (lseek(f->fd, 0, SEEK_SET) != 0)
		return nsw_error_set(NSW_EIO, "%s: seek: %s", f->name,
				     strerror(errno));
	return 0;
}

struct mem_src {
	const uint8_t *data;
	size_t len, pos;
};

static int mem_read(void *h, uint8_t *buf, size_t cap, size_t *got)
{
	struct mem_src *m = h;
	size_t n = m->len - m->pos < cap ? m->len - m->pos : cap;

	if (n > 0)
		memcpy(buf, m->data + m->pos, n);
	m->pos += n;
	*got = n;
	return 0;
}

static int mem_rewind(void *h)
{
	((struct mem_src *)h)->pos = 0;
	return 0;
}

/* ---- Detection and entry points --------------------------------------- */

static int detect_bytes(nsw_ingest_format *out, const uint8_t *p, size_t n)
{
	size_t i = 0;

	if (n >= 4 && p[0] == 'P' && p[1] == 'K' && p[2] == 3 && p[3] == 4) {
		*out = NSW_INGEST_FORMAT_WHATSAPP;
		return 0;
	}
	if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
		i = 3;
	while (i < n &&
	       (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
		i++;
	if (i < n && p[i] == '{') {
		/* DCE writes "guild" first; Telegram never has that key. */
		*out = memmem(p, n, "\"guild\"", 7) != NULL &&
				       memmem(p, n, "\"channel\"", 9) != NULL
			       ? NSW_INGEST_FORMAT_DISCORD
			       : NSW_INGEST_FORMAT_TELEGRAM;
		return 0;
	}
	/* Text: WhatsApp (or signal-export, chosen explicitly). A '[' starts
	 * an iOS header "[14/02/2024, ..." but also a JSON array. */
	if (i < n &&
	    (p[i] != '[' ||
	     (i + 1 < n && p[i + 1] >= '0' && p[i + 1] <= '9')) &&
	    memchr(p, 0, n) == NULL) {
		*out = NSW_INGEST_FORMAT_WHATSAPP;
		return 0;
	}
	return nsw_error_set(NSW_EUNSUPPORTED,
			     "not a Telegram, WhatsApp or Discord export");
}

/* The file to read for `path`: a folder means its result.json. */
static int input_file(char **file, char **root, const char *path)
{
	struct stat st;
	const char *slash;

	*file = NULL;
	*root = NULL;
	if (stat(path, &st) != 0)
		return nsw_error_set(errno == ENOENT ? NSW_ENOTFOUND : NSW_EIO,
				     "%s: %s", path, strerror(errno));
	if (S_ISDIR(st.st_mode)) {
		size_t n = strlen(path) + sizeof("/result.json");

		*file = nsw__malloc(n);
		*root = nsw__strdup(path);
		if (*file == NULL || *root == NULL)
			return nsw_error_set(NSW_ENOMEM, "out of memory");
		snprintf(*file, n, "%s/result.json", path);
		return 0;
	}
	*file = nsw__strdup(path);
	slash = strrchr(path, '/');
	*root = slash == NULL	? nsw__strdup(".")
		: slash == path ? nsw__strdup("/")
				: nsw__strndup(path, (size_t)(slash - path));
	if (*file == NULL || *root == NULL)
		return nsw_error_set(NSW_ENOMEM, "out of memory");
	return 0;
}

int nsw_ingest_detect(nsw_ingest_format *out, const char *path)
{
	char *file = NULL, *root = NULL;
	uint8_t head[65536];
	ssize_t n = 0;
	int fd = -1, rc;

	if (out == NULL || path == NULL)
		return nsw_error_set(NSW_EINVAL, "detect: NULL argument");
	rc = input_file(&file, &root, path);
	if (rc < 0)
		goto done;
	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = nsw_error_set(errno == ENOENT ? NSW_ENOTFOUND : NSW_EIO,
				   "%s: %s", file, strerror(errno));
		goto done;
	}
	do
		n = read(fd, head, sizeof(head));
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		rc = nsw_error_set(NSW_EIO, "%s: read: %s", file,
				   strerror(errno));
		goto done;
	}
	rc = detect_bytes(out, head, (size_t)n);
	if (rc < 0)
		nsw_error_prefix(rc, "%s", file);
done:
	if (fd >= 0)
		close(fd);
	nsw__free(file);
	nsw__free(root);
	return rc;
}

static int ctx_init(nsw_ingest__ctx *c, nsw_ingest_stats *stats,
		    const nsw_ingest_options *opt, const nsw_ingest_sink *sink)
{
	memset(c, 0, sizeof(*c));
	c->sink = sink;
	c->stats = stats;
	c->format = opt ? opt->format : NSW_INGEST_FORMAT_AUTO;
	c->date_order = opt ? opt->date_order : NSW_DATE_ORDER_AUTO;
	if ((unsigned)c->format > NSW_INGEST_FORMAT_SIGNAL ||
	    (unsigned)c->date_order > NSW_DATE_ORDER_YMD)
		return nsw_error_set(NSW_EINVAL, "ingest: bad option value");
	return nsw_ingest__tz_setup(&c->tz, opt ? opt->timezone : NULL);
}

static void ctx_dispose(nsw_ingest__ctx *c)
{
	nsw__free(c->seen);
	nsw__free(c->root_real);
}

static int dispatch(nsw_ingest__ctx *c, nsw_ingest__src *src)
{
	switch (c->format) {
	case NSW_INGEST_FORMAT_TELEGRAM:
		c->platform = NSW_PLATFORM_TELEGRAM;
		return nsw_ingest__telegram(c, src);
	case NSW_INGEST_FORMAT_DISCORD:
		c->platform = NSW_PLATFORM_DISCORD;
		return nsw_ingest__discord(c, src);
	case NSW_INGEST_FORMAT_SIGNAL:
		c->platform = NSW_PLATFORM_SIGNAL;
		return nsw_ingest__whatsapp(c, src);
	case NSW_INGEST_FORMAT_WHATSAPP:
		c->platform = NSW_PLATFORM_WHATSAPP;
		return nsw_ingest__whatsapp(c, src);
	default:
		return nsw_error_set(NSW_EINVAL, "%s: no format", c->file);
	}
}

int nsw_ingest_file(nsw_ingest_stats *stats, const char *path,
		    const nsw_ingest_options *options,
		    const nsw_ingest_sink *sink)
{
	static const nsw_ingest_sink no_sink;
	nsw_ingest_stats local_stats;
	nsw_ingest__ctx c;
	nsw_ingest__src src;
	struct fd_src fs = {-1, NULL};
	char *file = NULL, *root = NULL;
	uint8_t magic[4] = {0};
	ssize_t n;
	int rc;

	memset(&local_stats, 0, sizeof(local_stats));
	rc = ctx_init(&c, stats ? stats : &local_stats, options,
		      sink ? sink : &no_sink);
	if (rc < 0)
		goto done;
	if (path == NULL) {
		rc = nsw_error_set(NSW_EINVAL, "ingest: NULL path");
		goto done;
	}
	rc = input_file(&file, &root, path);
	if (rc < 0)
		goto done;
	c.file = file;
	c.root = root;
	c.root_real = real_path(root);
	if (c.format == NSW_INGEST_FORMAT_AUTO) {
		rc = nsw_ingest_detect(&c.format, path);
		if (rc < 0)
			goto done;
	}
	fs.fd = open(file, O_RDONLY | O_CLOEXEC);
	fs.name = file;
	if (fs.fd < 0) {
		rc = nsw_error_set(errno == ENOENT ? NSW_ENOTFOUND : NSW_EIO,
				   "%s: %s", file, strerror(errno));
		goto done;
	}
	do
		n = read(fs.fd, magic, sizeof(magic));
	while (n < 0 && errno == EINTR);
	if (n == 4 && memcmp(magic, "PK\003\004", 4) == 0) {
		if (c.format != NSW_INGEST_FORMAT_WHATSAPP) {
			rc = nsw_error_set(NSW_EUNSUPPORTED,
					   "%s: a .zip is read only as a "
					   "WhatsApp export",
					   file);
			goto done;
		}
		c.platform = NSW_PLATFORM_WHATSAPP;
		rc = nsw_ingest__whatsapp_zip(&c, file);
		goto done;
	}
	rc = fd_rewind(&fs);
	if (rc < 0)
		goto done;
	src.read = fd_read;
	src.rewind = fd_rewind;
	src.handle = &fs;
	rc = dispatch(&c, &src);
done:
	if (fs.fd >= 0)
		close(fs.fd);
	ctx_dispose(&c);
	nsw__free(file);
	nsw__free(root);
	return rc;
}

int nsw_ingest_buffer(nsw_ingest_stats *stats, const uint8_t *data, size_t len,
		      const char *name, const nsw_ingest_options *options,
		      const nsw_ingest_sink *sink)
{
	static const nsw_ingest_sink no_sink;
	nsw_ingest_stats local_stats;
	nsw_ingest__ctx c;
	nsw_ingest__src src;
	struct mem_src ms;
	int rc;

	memset(&local_stats, 0, sizeof(local_stats));
	rc = ctx_init(&c, stats ? stats : &local_stats, options,
		      sink ? sink : &no_sink);
	if (rc < 0)
		goto done;
	if (data == NULL && len > 0) {
		rc = nsw_error_set(NSW_EINVAL, "ingest: NULL data");
		goto done;
	}
	c.file = name ? name : "(buffer)";
	if (c.format == NSW_INGEST_FORMAT_AUTO) {
		rc = detect_bytes(&c.format, data, len < 65536 ? len : 65536);
		if (rc < 0) {
			nsw_error_prefix(rc, "%s", c.file);
			goto done;
		}
	}
	if (len >= 4 && memcmp(data, "PK\003\004", 4) == 0) {
		rc = nsw_error_set(NSW_EUNSUPPORTED,
				   "%s: a .zip must be ingested from a file",
				   c.file);
		goto done;
	}
	ms.data = data;
	ms.len = len;
	ms.pos = 0;
	src.read = mem_read;
	src.rewind = mem_rewind;
	src.handle = &ms;
	rc = dispatch(&c, &src);
done:
	ctx_dispose(&c);
	return rc;
}
