/* SPDX-License-Identifier: Apache-2.0 */
/* Streaming JSON over libyajl (the only file that includes yajl). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <yajl/yajl_parse.h>

#include "alloc.h"
#include "error.h"
#include "json_stream.h"
#include "limits.h"

struct nsw_json_stream {
	yajl_handle yajl;
	const nsw_json_handlers *h;
	void *ctx;
	char *name;
	unsigned flags;
	int rc; /* first failure; sticky */
	unsigned depth;
	uint64_t line; /* line the current piece starts on */
	uint64_t fed;  /* bytes seen, for BOM detection */
	/* Pre-scan lexer state, to cap strings and fix \xHH before yajl. */
	int in_string;
	int escape; /* 1: after '\', 2: after '\x', 3: after '\xH' */
	char hex1;
	size_t string_len;
	uint8_t bom[3];
	size_t bom_len;
	int bom_done;
	/* The piece being assembled for yajl. */
	uint8_t *piece;
	size_t piece_len;
};

#define S(ctx) ((nsw_json_stream *)(ctx))

/* yajl wants 1 to go on; a handler's failure is kept in s->rc. */
static int go_on(nsw_json_stream *s, int rc)
{
	if (rc < 0) {
		s->rc = rc;
		return 0;
	}
	return 1;
}

static int cb_null(void *ctx)
{
	return go_on(S(ctx), S(ctx)->h->null_value
				     ? S(ctx)->h->null_value(S(ctx)->ctx)
				     : 0);
}

static int cb_boolean(void *ctx, int v)
{
	return go_on(S(ctx), S(ctx)->h->boolean
				     ? S(ctx)->h->boolean(S(ctx)->ctx, v)
				     : 0);
}

static int cb_number(void *ctx, const char *t, size_t n)
{
	return go_on(S(ctx), S(ctx)->h->number
				     ? S(ctx)->h->number(S(ctx)->ctx, t, n)
				     : 0);
}

static int cb_string(void *ctx, const unsigned char *t, size_t n)
{
	return go_on(S(ctx), S(ctx)->h->string
				     ? S(ctx)->h->string(S(ctx)->ctx,
							 (const char *)t, n)
				     : 0);
}

static int cb_map_key(void *ctx, const unsigned char *t, size_t n)
{
	return go_on(S(ctx), S(ctx)->h->map_key
				     ? S(ctx)->h->map_key(S(ctx)->ctx,
							  (const char *)t, n)
				     : 0);
}

static int enter(nsw_json_stream *s)
{
	if (s->depth >= NSW_JSON_DEPTH_MAX)
		return nsw_error_set(NSW_ELIMIT,
				     "%s:%llu: JSON nested deeper than %d",
				     s->name, (unsigned long long)s->line,
				     NSW_JSON_DEPTH_MAX);
	s->depth++;
	return 0;
}

static int cb_start_map(void *ctx)
{
	int rc = enter(S(ctx));

	if (rc == 0 && S(ctx)->h->start_map)
		rc = S(ctx)->h->start_map(S(ctx)->ctx);
	return go_on(S(ctx), rc);
}

static int cb_start_array(void *ctx)
{
	int rc = enter(S(ctx));

	if (rc == 0 && S(ctx)->h->start_array)
		rc = S(ctx)->h->start_array(S(ctx)->ctx);
	return go_on(S(ctx), rc);
}

static int cb_end_map(void *ctx)
{
	S(ctx)->depth--;
	return go_on(S(ctx),
		     S(ctx)->h->end_map ? S(ctx)->h->end_map(S(ctx)->ctx) : 0);
}

static int cb_end_array(void *ctx)
{
	S(ctx)->depth--;
	return go_on(S(ctx), S(ctx)->h->end_array
				     ? S(ctx)->h->end_array(S(ctx)->ctx)
				     : 0);
}

static const yajl_callbacks callbacks = {
	cb_null,    cb_boolean,	    NULL,	  NULL,
	cb_number,  cb_string,	    cb_start_map, cb_map_key,
	cb_end_map, cb_start_array, cb_end_array,
};

int nsw_json_stream_new(nsw_json_stream **out, const nsw_json_handlers *h,
			void *ctx, const char *name, unsigned flags)
{
	nsw_json_stream *s = NULL;

	*out = NULL;
	s = nsw__calloc(1, sizeof(*s));
	if (s == NULL)
		goto oom;
	s->h = h;
	s->ctx = ctx;
	s->flags = flags;
	s->line = 1;
	s->name = nsw__strdup(name ? name : "(json)");
	/* Room for a full piece plus the growth of one \xHH -> \u00HH. */
	s->piece = nsw__malloc(NSW_JSON_PIECE_MAX + 8);
	if (s->name == NULL || s->piece == NULL)
		goto oom;
	s->yajl = yajl_alloc(&callbacks, NULL, s);
	if (s->yajl == NULL)
		goto oom;
	if (flags & NSW_JSON_RAW_STRINGS)
		yajl_config(s->yajl, yajl_dont_validate_strings, 1);
	*out = s;
	return 0;
oom:
	nsw_json_stream_free(s);
	return nsw_error_set(NSW_ENOMEM, "out of memory for a JSON parser");
}

void nsw_json_stream_free(nsw_json_stream *s)
{
	if (s == NULL)
		return;
	if (s->yajl)
		yajl_free(s->yajl);
	nsw__free(s->name);
	nsw__free(s->piece);
	nsw__free(s);
}

static int yajl_failed(nsw_json_stream *s, yajl_status st, const uint8_t *data,
		       size_t len)
{
	unsigned char *msg;
	size_t at, nl = 0;

	if (st == yajl_status_client_canceled)
		return s->rc < 0 ? s->rc : NSW_ERROR;
	/* Count the newlines before the failing byte for an exact line. */
	at = yajl_get_bytes_consumed(s->yajl);
	for (size_t i = 0; i < at && i < len; i++)
		nl += data[i] == '\n';
	msg = yajl_get_error(s->yajl, 0, data, len);
	if (msg) {
		/* yajl ends its message with a newline; ours are one line. */
		size_t n = strlen((const char *)msg);

		while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
			msg[--n] = '\0';
	}
	nsw_error_set(NSW_EFORMAT, "%s:%llu: malformed JSON: %s", s->name,
		      (unsigned long long)(s->line + nl),
		      msg ? (const char *)msg : "syntax error");
	if (msg)
		yajl_free_error(s->yajl, msg);
	return s->rc = NSW_EFORMAT;
}

/* Hand the assembled piece to yajl. */
static int flush_piece(nsw_json_stream *s)
{
	yajl_status st;
	size_t nl = 0;

	if (s->piece_len == 0)
		return 0;
	st = yajl_parse(s->yajl, s->piece, s->piece_len);
	if (st != yajl_status_ok)
		return yajl_failed(s, st, s->piece, s->piece_len);
	/* A piece holds a newline only as its last byte (see put()). */
	nl = s->piece[s->piece_len - 1] == '\n';
	s->line += nl;
	s->piece_len = 0;
	return 0;
}

static int is_hex(uint8_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

static int put(nsw_json_stream *s, uint8_t c)
{
	s->piece[s->piece_len++] = c;
	if (s->in_string && ++s->string_len > NSW_JSON_STRING_MAX)
		return s->rc = nsw_error_set(
			       NSW_ELIMIT,
			       "%s:%llu: JSON string longer than %zu bytes",
			       s->name, (unsigned long long)s->line,
			       NSW_JSON_STRING_MAX);
	if (c == '\n' || s->piece_len >= NSW_JSON_PIECE_MAX)
		return flush_piece(s);
	return 0;
}

/* One input byte through the lexer (string state, escapes, caps). */
static int lex_byte(nsw_json_stream *s, uint8_t c)
{
	if (!s->in_string) {
		if (c == '"') {
			s->in_string = 1;
			s->string_len = 0;
		}
		return put(s, c);
	}
	switch (s->escape) {
	case 1:
		if (c == 'x' && (s->flags & NSW_JSON_FIX_HEX_ESCAPES)) {
			s->escape = 2;
			return 0;
		}
		s->escape = 0;
		return put(s, c);
	case 2:
		if (!is_hex(c)) {
			/* Not \xHH after all: pass through for yajl to refuse.
			 */
			s->escape = 0;
			return put(s, 'x') < 0 ? s->rc : put(s, c);
		}
		s->hex1 = (char)c;
		s->escape = 3;
		return 0;
	case 3: {
		const uint8_t fixed[5] = {'u', '0', '0', (uint8_t)s->hex1, c};

		s->escape = 0;
		if (!is_hex(c)) {
			if (put(s, 'x') < 0 || put(s, (uint8_t)s->hex1) < 0)
				return s->rc;
			return put(s, c);
		}
		for (int i = 0; i < 5; i++)
			if (put(s, fixed[i]) < 0)
				return s->rc;
		return 0;
	}
	default:
		break;
	}
	if (c == '\\')
		s->escape = 1;
	else if (c == '"')
		s->in_string = 0;
	return put(s, c);
}

int nsw_json_stream_feed(nsw_json_stream *s, const uint8_t *data, size_t len)
{
	size_t i = 0;

	if (s->rc < 0)
		return s->rc;
	/* Skip a UTF-8 byte order mark, which breaks strict parsers. */
	while (!s->bom_done && i < len) {
		static const uint8_t bom[3] = {0xEF, 0xBB, 0xBF};

		if (data[i] != bom[s->bom_len]) {
			s->bom_done = 1;
			for (size_t k = 0; k < s->bom_len; k++)
				if (lex_byte(s, s->bom[k]) < 0)
					return s->rc;
			break;
		}
		s->bom[s->bom_len++] = data[i++];
		if (s->bom_len == 3)
			s->bom_done = 1;
	}
	for (; i < len; i++) {
		const uint8_t c = data[i];

		/* Fast path: plain bytes outside any escape. */
		if (s->escape == 0 && c != '"' && c != '\\' && c != '\n' &&
		    s->piece_len + 1 < NSW_JSON_PIECE_MAX &&
		    (!s->in_string || s->string_len < NSW_JSON_STRING_MAX)) {
			s->piece[s->piece_len++] = c;
			s->string_len += s->in_string;
			continue;
		}
		if (lex_byte(s, c) < 0)
			return s->rc;
	}
	s->fed += len;
	return 0;
}

int nsw_json_stream_finish(nsw_json_stream *s)
{
	yajl_status st;

	if (s->rc < 0)
		return s->rc;
	if (!s->bom_done) {
		s->bom_done = 1;
		for (size_t k = 0; k < s->bom_len; k++)
			if (lex_byte(s, s->bom[k]) < 0)
				return s->rc;
	}
	if (flush_piece(s) < 0)
		return s->rc;
	st = yajl_complete_parse(s->yajl);
	if (st != yajl_status_ok)
		return yajl_failed(s, st, NULL, 0);
	return 0;
}

uint64_t nsw_json_stream_line(const nsw_json_stream *s)
{
	return s->line;
}

unsigned nsw_json_stream_depth(const nsw_json_stream *s)
{
	return s->depth;
}

const char *nsw_json_stream_name(const nsw_json_stream *s)
{
	return s->name;
}

int nsw_json_parse_file(const char *path, const nsw_json_handlers *h, void *ctx,
			unsigned flags)
{
	nsw_json_stream *s = NULL;
	uint8_t *chunk = NULL;
	int fd = -1, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return nsw_error_set(errno == ENOENT ? NSW_ENOTFOUND : NSW_EIO,
				     "%s: %s", path, strerror(errno));
	rc = nsw_json_stream_new(&s, h, ctx, path, flags);
	if (rc < 0)
		goto done;
	chunk = nsw__malloc(NSW_READ_CHUNK);
	if (chunk == NULL) {
		rc = nsw_error_set(NSW_ENOMEM, "%s: out of memory", path);
		goto done;
	}
	for (;;) {
		ssize_t n = read(fd, chunk, NSW_READ_CHUNK);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = nsw_error_set(NSW_EIO, "%s: read: %s", path,
					   strerror(errno));
			goto done;
		}
		if (n == 0)
			break;
		rc = nsw_json_stream_feed(s, chunk, (size_t)n);
		if (rc < 0)
			goto done;
	}
	rc = nsw_json_stream_finish(s);
done:
	nsw__free(chunk);
	nsw_json_stream_free(s);
	if (fd >= 0)
		close(fd);
	return rc;
}
