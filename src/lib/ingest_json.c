/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the two JSON export parsers (Telegram, Discord) share: feeding a
 * source to the streaming parser, the stack of containers they are inside
 * (each with the role the parser gave it and the current key), the key
 * tables, the shape rules, and field capture with UTF-8 repair.
 */
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "ingest_internal.h"
#include "json_stream.h"
#include "limits.h"

int nsw_ingest__json_run(nsw_ingest__ctx *c, nsw_ingest__src *src,
			 const nsw_json_handlers *h, void *hctx,
			 nsw_json_stream **slot)
{
	nsw_json_stream *s = NULL;
	uint8_t *chunk = NULL;
	const size_t chunk_size = (size_t)256 << 10;
	uint64_t line = 0;
	int rc;

	/* Strings are validated (and repaired) by the parsers, so bad UTF-8
	 * costs one field, not the rest of the file. */
	rc = nsw_json_stream_new(&s, h, hctx, c->file,
				 NSW_JSON_FIX_HEX_ESCAPES |
					 NSW_JSON_RAW_STRINGS);
	if (rc < 0)
		return rc;
	*slot = s;
	chunk = nsw__malloc(chunk_size);
	if (chunk == NULL) {
		rc = nsw_error_set(NSW_ENOMEM, "%s: out of memory", c->file);
		goto done;
	}
	for (;;) {
		size_t got = 0;

		rc = src->read(src->handle, chunk, chunk_size, &got);
		if (rc < 0 || got == 0)
			break;
		rc = nsw_json_stream_feed(s, chunk, got);
		if (rc < 0)
			break;
	}
	if (rc == 0)
		rc = nsw_json_stream_finish(s);
	line = nsw_json_stream_line(s);
done:
	if (rc < 0 && rc != NSW_ENOMEM) {
		char msg[NSW_ERROR_MESSAGE_MAX];

		snprintf(msg, sizeof(msg), "%s", nsw_error_last());
		nsw_ingest__problem(c, line, rc, 1, "%s", msg);
		nsw_error_set(rc, "%s", msg);
	}
	*slot = NULL;
	nsw__free(chunk);
	nsw_json_stream_free(s);
	return rc;
}

int nsw_ingest__frames_push(nsw_ingest__frames *f, unsigned char role,
			    const char *file)
{
	if (f->depth + 1 >= sizeof(f->st) / sizeof(f->st[0]))
		return nsw_error_set(NSW_ELIMIT, "%s: nesting too deep", file);
	f->depth++;
	f->st[f->depth].role = role;
	f->st[f->depth].key = 0;
	return 0;
}

void nsw_ingest__frames_pop(nsw_ingest__frames *f)
{
	if (f->depth > 0)
		f->depth--;
}

unsigned char nsw_ingest__key_lookup(const nsw_ingest__key *table, size_t n,
				     const char *s, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(table[i].name) == len &&
		    memcmp(table[i].name, s, len) == 0)
			return table[i].key;
	return 0;
}

int nsw_ingest__json_shape(nsw_ingest__ctx *c, struct nsw_json_stream *js,
			   const nsw_ingest__frames *f, int is_map,
			   unsigned char messages_role, const char *what)
{
	if (f->depth == 0 && !is_map)
		return nsw_error_set(
			NSW_EFORMAT,
			"%s:%llu: not a %s (the top level is not "
			"an object)",
			c->file, (unsigned long long)nsw_json_stream_line(js),
			what);
	if (f->depth > 0 && f->st[f->depth].role == messages_role && !is_map) {
		c->stats->skipped++;
		return nsw_ingest__problem(c, nsw_json_stream_line(js),
					   NSW_EFORMAT, 0,
					   "a message that is not an object; "
					   "skipped");
	}
	return 0;
}

int nsw_ingest__json_text(nsw_ingest__ctx *c, nsw_buf *b, const char *s,
			  size_t n, int append, int *repaired, int *cut)
{
	if (!append)
		nsw_buf_reset(b);
	if (nsw_ingest__utf8_append(b, s, n, repaired, cut) < 0 ||
	    (b->ptr == NULL && nsw_buf_put(b, "", 0) < 0))
		return nsw_error_set(NSW_ENOMEM, "%s: out of memory", c->file);
	return 0;
}
