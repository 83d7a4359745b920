/* SPDX-License-Identifier: Apache-2.0 */
/* Library-internal: what the chat-export parsers share (ingest.c). */
#ifndef NSW_LIB_INGEST_INTERNAL_H
#define NSW_LIB_INGEST_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "limits.h"
#include "netsweep/ingest.h"

/* A time zone for local times: a fixed offset or an IANA zone. */
typedef struct nsw_ingest__tz {
	int is_named;	/* 0: fixed `offset`; 1: IANA `name` via TZ */
	int32_t offset; /* seconds east of UTC */
	char name[128];
	int64_t cache_key; /* local half-hour of the last conversion */
	int32_t cache_offset;
	int cache_valid;
} nsw_ingest__tz;

/* Where the bytes come from: a file, a memory buffer or a zip entry. */
typedef struct nsw_ingest__src {
	/* 0 and *got (0 at the end), or a negative NSW_E* with message. */
	int (*read)(void *handle, uint8_t *buf, size_t cap, size_t *got);
	/* Back to the first byte (WhatsApp reads twice). */
	int (*rewind)(void *handle);
	void *handle;
} nsw_ingest__src;

/* One ingest run over one file. */
typedef struct nsw_ingest__ctx {
	const nsw_ingest_sink *sink;
	nsw_ingest_stats *stats;
	nsw_ingest_format format;
	nsw_date_order date_order;
	nsw_ingest__tz tz;
	nsw_platform platform;
	const char *file;    /* names the input in events and messages */
	const char *root;    /* export root folder; NULL: no file system */
	char *root_real;     /* realpath(root), owned */
	const char *archive; /* the .zip when reading from one, else NULL */
	uint64_t *seen;	     /* open-addressing set of sighting hashes */
	size_t seen_cap, seen_count;
} nsw_ingest__ctx;

/* Report a problem (formatted); counts it. Always returns 0. */
int nsw_ingest__problem(nsw_ingest__ctx *c, uint64_t line, int code, int fatal,
			const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
void nsw_ingest__note(nsw_ingest__ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Deliver events (platform and file filled in; counted). The account is
 * delivered only when its (id, name) pair was not seen in this file. */
int nsw_ingest__chat(nsw_ingest__ctx *c, nsw_ingest_chat *chat);
int nsw_ingest__account(nsw_ingest__ctx *c, nsw_ingest_account *account);
int nsw_ingest__message(nsw_ingest__ctx *c, nsw_ingest_message *message);
int nsw_ingest__membership(nsw_ingest__ctx *c, nsw_ingest_membership *ev);

/* The error for a failed nsw_buf write `rc` (ENOMEM or ELIMIT). */
int nsw_ingest__buf_error(nsw_ingest__ctx *c, int rc, const char *what);

/* Parse the time zone option into *tz: NULL/"UTC", "+02:00", "-0530",
 * or an IANA name that exists under /usr/share/zoneinfo. 0 or NSW_EINVAL. */
int nsw_ingest__tz_setup(nsw_ingest__tz *tz, const char *spec);

/* Days since 1970-01-01 of a proleptic Gregorian date. */
int64_t nsw_ingest__days_from_civil(int64_t y, unsigned m, unsigned d);
/* Validate a civil time; 1 if it is a real date and time. */
int nsw_ingest__civil_valid(int y, int mo, int d, int h, int mi, int s);
/* A local civil time in the run's time zone to UTC seconds.
 * @return 0; NSW_EFORMAT for an impossible date. */
int nsw_ingest__local_to_utc(nsw_ingest__ctx *c, int64_t *out, int y, int mo,
			     int d, int h, int mi, int s);
/* "2023-01-17T19:33:19.087+00:00" / "...Z" / no offset (then local, flag).
 * @return 0 and *out, *local (1 when no offset was given); NSW_EFORMAT. */
int nsw_ingest__parse_iso8601(nsw_ingest__ctx *c, int64_t *out, int *local,
			      const char *s, size_t n);

/* Append `n` bytes as valid UTF-8 to `out` (invalid bytes become U+FFFD,
 * *repaired set). Stops silently at out->max (*cut set).
 * @return 0 or NSW_ENOMEM. */
int nsw_ingest__utf8_append(nsw_buf *out, const char *s, size_t n,
			    int *repaired, int *cut);

/* A Telegram-style placeholder "(File not included...)": its kind, else
 * NSW_MEDIA_PLACEHOLDER_NONE. */
nsw_media_placeholder nsw_ingest__placeholder(const char *s);

/*
 * Fill m->state and m->path for a relative reference `m->ref` under the
 * export root (c->root). Refused references are reported (line). The
 * resolved path is written to `path` (m->path points into it).
 * @return 0 or NSW_ENOMEM.
 */
int nsw_ingest__media_resolve(nsw_ingest__ctx *c, nsw_ingest_media *m,
			      nsw_buf *path, uint64_t line);

/* Media kind from a file name (extension / WhatsApp prefix). */
nsw_media_kind nsw_ingest__kind_from_name(const char *name);

/* Parse an unsigned decimal (no sign, <= 19 digits). 1 on success. */
int nsw_ingest__parse_u64(uint64_t *out, const char *s, size_t n);

/* The parsers. `src` is read once (JSON) or twice (WhatsApp). */
int nsw_ingest__telegram(nsw_ingest__ctx *c, nsw_ingest__src *src);
int nsw_ingest__discord(nsw_ingest__ctx *c, nsw_ingest__src *src);
int nsw_ingest__whatsapp(nsw_ingest__ctx *c, nsw_ingest__src *src);
/* A WhatsApp .zip: finds the chat text inside and parses it. */
int nsw_ingest__whatsapp_zip(nsw_ingest__ctx *c, const char *path);

/* The entry of a WhatsApp .zip export that holds the chat text (the one
 * nsw_ingest__whatsapp_zip() parses). *entry is owned (nsw__free).
 * @return 0, NSW_EFORMAT (no chat text, corrupt), NSW_ENOMEM, ... */
int nsw_ingest__whatsapp_zip_chat(char **entry, const char *path);

/* Feed a whole source to a JSON stream; reports a fatal problem (with the
 * line) when the parse fails. Used by the JSON parsers. */
struct nsw_json_handlers;
struct nsw_json_stream;
int nsw_ingest__json_run(nsw_ingest__ctx *c, nsw_ingest__src *src,
			 const struct nsw_json_handlers *h, void *hctx,
			 struct nsw_json_stream **slot);

/* ---- Shared by the JSON parsers (ingest_json.c) ------------------------
 * The containers a SAX parser is inside: each frame holds the role the
 * parser gave it (0: one it ignores) and, in a map, the current key (0:
 * one it ignores). st[0] stands for "outside everything". */
typedef struct nsw_ingest__frame {
	unsigned char role, key;
} nsw_ingest__frame;

typedef struct nsw_ingest__frames {
	nsw_ingest__frame st[NSW_JSON_DEPTH_MAX + 2];
	unsigned depth;
} nsw_ingest__frames;

static inline nsw_ingest__frame *nsw_ingest__top(nsw_ingest__frames *f)
{
	return &f->st[f->depth];
}

/* Enter a container with `role` (key 0). @return 0, NSW_ELIMIT (deeper
 * than the JSON depth limit; names `file`). */
int nsw_ingest__frames_push(nsw_ingest__frames *f, unsigned char role,
			    const char *file);
void nsw_ingest__frames_pop(nsw_ingest__frames *f);

/* A parser's key table: a name and its key number (not 0). */
typedef struct nsw_ingest__key {
	const char *name;
	unsigned char key;
} nsw_ingest__key;

/* The key number of `s`, 0 when the table lacks it. */
unsigned char nsw_ingest__key_lookup(const nsw_ingest__key *table, size_t n,
				     const char *s, size_t len);

/* The shape both exports have: the top level is an object (else fatal
 * NSW_EFORMAT: "not a WHAT"), and so is each element of the array whose
 * role is `messages_role` (else a problem, skipped; returns 0). Call on
 * entering a container and, with is_map 0, on a scalar. */
int nsw_ingest__json_shape(nsw_ingest__ctx *c, struct nsw_json_stream *js,
			   const nsw_ingest__frames *f, int is_map,
			   unsigned char messages_role, const char *what);

/* Set (or with `append`, extend) a text field from a JSON string,
 * repairing bad UTF-8 and cutting at the buffer's cap (flags counted in
 * *repaired, *cut). The field is "" rather than NULL once set.
 * @return 0, NSW_ENOMEM (message names the export). */
int nsw_ingest__json_text(nsw_ingest__ctx *c, nsw_buf *b, const char *s,
			  size_t n, int append, int *repaired, int *cut);

#endif
