/* SPDX-License-Identifier: Apache-2.0 */
/* Library-internal: the WhatsApp line grammar (ingest_whatsapp_lines.c). */
#ifndef NSW_LIB_INGEST_WHATSAPP_H
#define NSW_LIB_INGEST_WHATSAPP_H

#include <stddef.h>

#include "buf.h"
#include "netsweep/ingest.h"

/* A parsed message header. */
struct nsw_ingest__wa_hdr {
	int f[3];	 /* the three date fields, in file order */
	int flen[3];	 /* their digit counts */
	int h, mi, s;	 /* clock, 24 h */
	size_t body;	 /* offset of the text after the header */
	int ios_bracket; /* "[date, time] " */
	int dots;	 /* "03.10.23" */
};

/* Placeholders of a system-line template ({A} actor, {B} targets, {T}
 * title), pointing into the matched text. */
struct nsw_ingest__wa_match {
	const char *a, *b, *t;
	size_t alen, blen, tlen;
};

/* Bytes of a format mark (U+200E/F, U+202A-E, U+2066-9, BOM) at s, or 0. */
size_t nsw_ingest__wa_mark_len(const char *s, size_t n);
/* Bytes of a space (ASCII, U+00A0, U+202F) at s, or 0. */
size_t nsw_ingest__wa_space_len(const char *s, size_t n);
/* `s` with marks removed and wide spaces made ASCII, into `out` (the form
 * patterns are matched against). 0 or -1 (buffer full / no memory). */
int nsw_ingest__wa_clean(nsw_buf *out, const char *s, size_t n);
/* 1 and *h when the line starts with a message header. */
int nsw_ingest__wa_parse_header(const char *s, size_t n,
				struct nsw_ingest__wa_hdr *h);
/* 1 and the action when `s` (cleaned) is a membership system line. */
int nsw_ingest__wa_classify_system(const char *s, size_t n,
				   struct nsw_ingest__wa_match *m,
				   nsw_member_action *action);
/* 1 when `s` is an encryption/security/timer notice. */
int nsw_ingest__wa_is_notice(const char *s);
/* Split "author: text" (cleaned); 1 with the author length and where the
 * text starts. */
int nsw_ingest__wa_split_author(const char *s, size_t n, size_t *alen,
				size_t *tat);
/* Offset in raw text of byte `visible` of its cleaned form. */
size_t nsw_ingest__wa_raw_offset(const char *raw, size_t n, size_t visible);
/* "This message was deleted" and translations. */
int nsw_ingest__wa_is_deleted(const char *text);
/* "<Media omitted>", "image omitted" and translations: 1, kind, ref. */
int nsw_ingest__wa_omitted(const char *text, size_t n, nsw_media_kind *kind,
			   const char **ref);
/* Length of a " (file attached)" suffix (localised) ending text, or 0. */
size_t nsw_ingest__wa_attached_suffix(const char *text, size_t n);

#endif
