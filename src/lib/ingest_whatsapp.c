/* SPDX-License-Identifier: Apache-2.0 */
/*
 * WhatsApp chat exports (.txt, or the .zip they come in): Android and iOS
 * layouts, 12/24 h clocks, localised attachments and system lines. The file
 * is read twice: the first pass infers the day/month order (and the chat's
 * title and kind) from every header, the second delivers the messages.
 * Also reads signal-export text, which shares the grammar.
 */
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "archive_reader.h"
#include "error.h"
#include "ingest_internal.h"
#include "ingest_whatsapp.h"
#include "limits.h"

struct wa {
	nsw_ingest__ctx *c;
	nsw_ingest__src *src;
	int pass;
	uint64_t lineno;
	/* Line assembly. */
	uint8_t *chunk;
	nsw_buf line;
	int overlong;
	/* Pass 1: date statistics and chat facts. */
	uint64_t headers, ymd_lines, a_gt12, b_gt12, dot_lines;
	int64_t last_dmy, last_mdy;
	uint64_t drop_dmy, drop_mdy, bad_dmy, bad_mdy;
	nsw_date_order order;
	nsw_buf title, sender1, sender2;
	int group_hint;
	int many_senders;
	/* The message being assembled. */
	int in_msg;
	struct nsw_ingest__wa_hdr mh;
	uint64_t mline;
	nsw_buf text;
	int cut;
	int repaired;
	uint64_t orphans;
	/* Pass 2 output scratch. */
	nsw_buf chat_id, sender_id, author, path, targets, fields[2];
	int chat_emitted;
	uint64_t date_problems;
};

/* ---- Line input ------------------------------------------------------- */

typedef int (*line_fn)(struct wa *w, const char *s, size_t n);

static int read_lines(struct wa *w, line_fn fn)
{
	const size_t cap = (size_t)256 << 10;
	int rc = 0;

	w->lineno = 0;
	nsw_buf_reset(&w->line);
	w->overlong = 0;
	for (;;) {
		size_t got = 0, i = 0;

		rc = w->src->read(w->src->handle, w->chunk, cap, &got);
		if (rc < 0)
			return rc;
		if (got == 0)
			break;
		while (i < got) {
			uint8_t *nl = memchr(w->chunk + i, '\n', got - i);
			size_t k = nl ? (size_t)(nl - (w->chunk + i)) : got - i;

			if (!w->overlong &&
			    nsw_buf_put(&w->line, w->chunk + i, k) < 0) {
				if (w->line.len + k <= w->line.max)
					return nsw_error_set(NSW_ENOMEM,
							     "%s: out of "
							     "memory",
							     w->c->file);
				w->overlong = 1;
			}
			i += k;
			if (nl == NULL)
				break;
			i++;
			w->lineno++;
			if (w->overlong) {
				if (w->pass == 2)
					nsw_ingest__problem(
						w->c, w->lineno, NSW_ELIMIT, 0,
						"line longer than %zu bytes; "
						"skipped",
						(size_t)NSW_INGEST_LINE_MAX);
			} else {
				if (w->line.len > 0 &&
				    w->line.ptr[w->line.len - 1] == '\r')
					w->line.len--;
				rc = fn(w, w->line.ptr ? w->line.ptr : "",
					w->line.len);
				if (rc < 0)
					return rc;
			}
			nsw_buf_reset(&w->line);
			w->overlong = 0;
		}
	}
	if (w->overlong || w->line.len > 0) {
		w->lineno++;
		if (w->overlong) {
			if (w->pass == 2)
				nsw_ingest__problem(
					w->c, w->lineno, NSW_ELIMIT, 0,
					"line longer than %zu bytes; skipped",
					(size_t)NSW_INGEST_LINE_MAX);
		} else {
			if (w->line.ptr[w->line.len - 1] == '\r')
				w->line.len--;
			rc = fn(w, w->line.ptr, w->line.len);
		}
	}
	return rc;
}

/* ---- Pass 1: the date order ------------------------------------------- */

static int64_t stamp(int y, int mo, int d, const struct nsw_ingest__wa_hdr *h)
{
	if (y < 100)
		y += 2000;
	if (!nsw_ingest__civil_valid(y, mo, d, h->h, h->mi, h->s))
		return -1;
	return ((((int64_t)y * 13 + mo) * 32 + d) * 24 + h->h) * 3600 +
	       h->mi * 60 + h->s;
}

static void note_sender(struct wa *w, const char *s, size_t n)
{
	if (w->many_senders)
		return;
	if (w->sender1.len == 0) {
		nsw_buf_put(&w->sender1, s, n);
	} else if (!(w->sender1.len == n &&
		     memcmp(w->sender1.ptr, s, n) == 0)) {
		if (w->sender2.len == 0)
			nsw_buf_put(&w->sender2, s, n);
		else if (!(w->sender2.len == n &&
			   memcmp(w->sender2.ptr, s, n) == 0))
			w->many_senders = 1;
	}
}

static int pass1_line(struct wa *w, const char *s, size_t n)
{
	struct nsw_ingest__wa_hdr h;
	struct nsw_ingest__wa_match m;
	nsw_member_action action;
	size_t alen, tat;
	int64_t t;
	nsw_buf *cl = &w->fields[0];

	if (!nsw_ingest__wa_parse_header(s, n, &h))
		return 0;
	w->headers++;
	if (h.flen[0] == 4) {
		w->ymd_lines++;
	} else {
		if (h.f[0] > 12)
			w->a_gt12++;
		if (h.f[1] > 12)
			w->b_gt12++;
		if (h.dots)
			w->dot_lines++;
		t = stamp(h.f[2], h.f[1], h.f[0], &h);
		if (t < 0)
			w->bad_dmy++;
		else if (t < w->last_dmy)
			w->drop_dmy++;
		if (t >= 0)
			w->last_dmy = t;
		t = stamp(h.f[2], h.f[0], h.f[1], &h);
		if (t < 0)
			w->bad_mdy++;
		else if (t < w->last_mdy)
			w->drop_mdy++;
		if (t >= 0)
			w->last_mdy = t;
	}
	/* Chat facts: title and whether it is a group. */
	if (nsw_ingest__wa_clean(cl, s + h.body, n - h.body) < 0)
		return nsw_error_set(NSW_ENOMEM, "%s: out of memory",
				     w->c->file);
	if (nsw_ingest__wa_split_author(cl->ptr, cl->len, &alen, &tat)) {
		const char *rest = cl->ptr + tat;
		size_t at = h.body + nsw_ingest__wa_raw_offset(s + h.body,
							       n - h.body, tat);
		int marked = h.ios_bracket &&
			     nsw_ingest__wa_mark_len(s + at, n - at) > 0;

		if (marked && nsw_ingest__wa_classify_system(rest, strlen(rest),
							     &m, &action)) {
			w->group_hint = 1;
			if (w->title.len == 0)
				nsw_buf_put(&w->title, cl->ptr, alen);
		} else if (!(marked && nsw_ingest__wa_is_notice(rest))) {
			note_sender(w, cl->ptr, alen);
		}
		return 0;
	}
	if (nsw_ingest__wa_classify_system(cl->ptr, cl->len, &m, &action)) {
		w->group_hint = 1;
		if ((action == NSW_MEMBER_CREATE ||
		     action == NSW_MEMBER_TITLE) &&
		    m.t != NULL) {
			nsw_buf_reset(&w->title);
			nsw_buf_put(&w->title, m.t, m.tlen);
		}
	}
	return 0;
}

static void decide_order(struct wa *w)
{
	const char *why;

	if (w->c->date_order != NSW_DATE_ORDER_AUTO) {
		w->order = w->c->date_order;
		nsw_ingest__note(w->c, "date order %s (forced)",
				 nsw_date_order_name(w->order));
		return;
	}
	if (w->headers == w->ymd_lines) {
		w->order = NSW_DATE_ORDER_YMD;
		why = "year first";
	} else if (w->a_gt12 > 0 && w->b_gt12 == 0) {
		w->order = NSW_DATE_ORDER_DMY;
		why = "a first field above 12";
	} else if (w->b_gt12 > 0 && w->a_gt12 == 0) {
		w->order = NSW_DATE_ORDER_MDY;
		why = "a second field above 12";
	} else if (w->bad_dmy + w->drop_dmy != w->bad_mdy + w->drop_mdy) {
		w->order = w->bad_dmy + w->drop_dmy < w->bad_mdy + w->drop_mdy
				   ? NSW_DATE_ORDER_DMY
				   : NSW_DATE_ORDER_MDY;
		why = "fewer out-of-order or impossible dates";
	} else if (w->dot_lines * 2 > w->headers) {
		/* Every locale writing dotted dates (de, ru, tr, ...) puts
		 * the day first. */
		w->order = NSW_DATE_ORDER_DMY;
		why = "dotted dates, day first; no field above 12";
	} else {
		w->order = NSW_DATE_ORDER_DMY;
		why = "ambiguous; defaulted (use --date-order to force)";
	}
	nsw_ingest__note(w->c,
			 "date order %s inferred from %llu headers (%s; "
			 "out of order as dmy %llu, as mdy %llu)",
			 nsw_date_order_name(w->order),
			 (unsigned long long)w->headers, why,
			 (unsigned long long)w->drop_dmy,
			 (unsigned long long)w->drop_mdy);
}

/* ---- Pass 2: messages ------------------------------------------------- */

static int oom(struct wa *w)
{
	return nsw_error_set(NSW_ENOMEM, "%s: out of memory", w->c->file);
}

static int emit_chat(struct wa *w)
{
	nsw_ingest_chat chat;
	int rc;
	const char *base = strrchr(w->c->file, '/');
	static const char prefix[] = "WhatsApp Chat with ";

	if (w->chat_emitted)
		return 0;
	w->chat_emitted = 1;
	base = base ? base + 1 : w->c->file;
	memset(&chat, 0, sizeof(chat));
	nsw_buf_reset(&w->chat_id);
	if (w->c->archive != NULL) {
		/* "file:<zip name>/<entry>": _chat.txt alone is not unique. */
		const char *zb = strrchr(w->c->archive, '/');

		zb = zb ? zb + 1 : w->c->archive;
		rc = nsw_buf_printf(&w->chat_id, "file:%s/", zb);
	} else {
		rc = nsw_buf_puts(&w->chat_id, "file:");
	}
	if (rc == 0)
		rc = nsw_buf_puts(&w->chat_id, base);
	if (rc < 0)
		return nsw_ingest__buf_error(w->c, rc, "file name");
	chat.id = w->chat_id.ptr;
	chat.id_flags = NSW_INGEST_ID_SYNTHETIC;
	if (w->title.len > 0) {
		chat.title = w->title.ptr;
	} else if (strncmp(base, prefix, sizeof(prefix) - 1) == 0) {
		nsw_buf_reset(&w->title);
		nsw_buf_puts(&w->title, base + sizeof(prefix) - 1);
		if (w->title.len > 4 &&
		    strcmp(w->title.ptr + w->title.len - 4, ".txt") == 0)
			w->title.ptr[w->title.len -= 4] = '\0';
		chat.title = w->title.ptr;
	}
	chat.kind = w->group_hint || w->many_senders ? NSW_CHAT_GROUP
						     : NSW_CHAT_PRIVATE;
	chat.line = 1;
	return nsw_ingest__chat(w->c, &chat);
}

/* An account id for a sender: E.164 for a number, else "name:<name>". */
static const char *account_for(nsw_buf *out, const char *name,
			       nsw_ingest_account *a, int64_t when)
{
	char e164[32];
	unsigned flags = 0;

	memset(a, 0, sizeof(*a));
	nsw_buf_reset(out);
	if ((name[0] == '+' || (name[0] >= '0' && name[0] <= '9')) &&
	    nsw_ingest_phone_normalize(e164, sizeof(e164), &flags, name) == 0) {
		if (nsw_buf_puts(out, e164) < 0)
			return NULL;
		a->flags = flags;
		a->phone = out->ptr;
	} else {
		if (nsw_buf_printf(out, "name:%s", name) < 0)
			return NULL;
		a->flags = NSW_INGEST_ID_SYNTHETIC;
	}
	a->id = out->ptr;
	a->name = name;
	a->seen_at = when;
	return out->ptr;
}

static size_t sep_at(const char *s, size_t n)
{
	static const char *const seps[] = {", ",  " and ", " und ",
					   " y ", " e ",   " et "};

	for (size_t j = 0; j < sizeof(seps) / sizeof(seps[0]); j++) {
		size_t k = strlen(seps[j]);

		if (k <= n && memcmp(s, seps[j], k) == 0)
			return k;
	}
	return 0;
}

/* "A, B and C" -> names (owned array into w->targets). */
static int split_targets(struct wa *w, const char *s, size_t n,
			 const char ***names, size_t *count)
{
	size_t cnt = 0, i = 0, start = 0;
	const char **v;
	const char *p;

	*names = NULL;
	*count = 0;
	nsw_buf_reset(&w->targets);
	while (i <= n && cnt < NSW_INGEST_PARTICIPANTS_MAX) {
		size_t k = i < n ? sep_at(s + i, n - i) : 0;

		if (i < n && k == 0) {
			i++;
			continue;
		}
		if (i > start) {
			if (nsw_buf_put(&w->targets, s + start, i - start) <
				    0 ||
			    nsw_buf_putc(&w->targets, '\0') < 0)
				break;
			cnt++;
		}
		if (i == n)
			break;
		i += k;
		start = i;
	}
	if (cnt == 0)
		return 0;
	v = nsw__calloc(cnt, sizeof(*v));
	if (v == NULL)
		return oom(w);
	p = w->targets.ptr;
	for (size_t j = 0; j < cnt; j++) {
		v[j] = p;
		p += strlen(p) + 1;
	}
	*names = v;
	*count = cnt;
	return 0;
}

static int emit_system(struct wa *w, nsw_ingest_message *m, const char *cl,
		       size_t cn)
{
	struct nsw_ingest__wa_match mt;
	nsw_member_action action;
	nsw_ingest_membership ev;
	nsw_ingest_account acct;
	const char **names = NULL, **ids = NULL;
	int rc;

	m->flags |= NSW_INGEST_MSG_SERVICE;
	if (!nsw_ingest__wa_classify_system(cl, cn, &mt, &action)) {
		m->service_action = "notice";
		return nsw_ingest__message(w->c, m);
	}
	m->service_action = nsw_member_action_name(action);
	memset(&ev, 0, sizeof(ev));
	nsw_buf_reset(&w->author);
	if (mt.a != NULL) {
		if (nsw_buf_put(&w->author, mt.a, mt.alen) < 0)
			return oom(w);
		ev.actor_name = w->author.ptr;
		ev.actor_id = account_for(&w->sender_id, w->author.ptr, &acct,
					  m->time);
		if (ev.actor_id == NULL)
			return oom(w);
		m->sender_id = ev.actor_id;
		m->sender_name = ev.actor_name;
		rc = nsw_ingest__account(w->c, &acct);
		if (rc < 0)
			return rc;
	}
	if (mt.b != NULL) {
		rc = split_targets(w, mt.b, mt.blen, &names, &ev.target_count);
		if (rc < 0)
			return rc;
		ids = nsw__calloc(ev.target_count ? ev.target_count : 1,
				  sizeof(*ids));
		if (ids == NULL) {
			nsw__free(names);
			return oom(w);
		}
	}
	nsw_buf_reset(&w->fields[1]);
	if (mt.t != NULL && nsw_buf_put(&w->fields[1], mt.t, mt.tlen) == 0)
		ev.title = w->fields[1].ptr;
	rc = nsw_ingest__message(w->c, m);
	if (rc == 0) {
		ev.chat_id = m->chat_id;
		ev.message_id = m->id;
		ev.time = m->time;
		ev.flags = m->flags & NSW_INGEST_TIME_LOCAL;
		ev.action = action;
		ev.target_names = names;
		ev.target_ids = ids;
		ev.line = m->line;
		rc = nsw_ingest__membership(w->c, &ev);
	}
	nsw__free(names);
	nsw__free(ids);
	return rc;
}

/* The attachment on the first line of a message's text, if any. */
static void find_media(struct wa *w, const char *text, nsw_ingest_media *x,
		       size_t *count)
{
	size_t n = strcspn(text, "\n"), k;

	memset(x, 0, sizeof(*x));
	if (nsw_ingest__wa_omitted(text, n, &x->kind, &x->ref)) {
		x->state = NSW_MEDIA_NOT_EXPORTED;
		x->placeholder = NSW_MEDIA_PLACEHOLDER_OMITTED;
		*count = 1;
		return;
	}
	nsw_buf_reset(&w->fields[1]);
	k = nsw_ingest__wa_attached_suffix(text, n);
	if (k > 0)
		nsw_buf_put(&w->fields[1], text, n - k);
	if (w->fields[1].len == 0 && n > 3 && text[0] == '<' &&
	    text[n - 1] == '>') {
		const char *colon = memchr(text, ':', n);

		if (colon != NULL) {
			const char *v = colon + 1;

			while (*v == ' ')
				v++;
			if (v < text + n - 1)
				nsw_buf_put(&w->fields[1], v,
					    (size_t)(text + n - 1 - v));
		}
	}
	if (w->fields[1].len == 0)
		return;
	x->ref = w->fields[1].ptr;
	x->file_name = x->ref;
	x->kind = nsw_ingest__kind_from_name(x->ref);
	if (nsw_ingest__media_resolve(w->c, x, &w->path, w->mline) == 0)
		*count = 1;
}

static int finish_message(struct wa *w)
{
	const struct nsw_ingest__wa_hdr *h = &w->mh;
	nsw_ingest_message m;
	nsw_ingest_media media;
	nsw_ingest_account acct;
	nsw_buf *cl = &w->fields[0];
	char idbuf[32];
	int y, mo, d, rc;
	size_t alen, tat;

	if (!w->in_msg)
		return 0;
	w->in_msg = 0;
	memset(&m, 0, sizeof(m));
	switch (h->flen[0] == 4 ? NSW_DATE_ORDER_YMD : w->order) {
	case NSW_DATE_ORDER_YMD:
		y = h->f[0], mo = h->f[1], d = h->f[2];
		break;
	case NSW_DATE_ORDER_MDY:
		mo = h->f[0], d = h->f[1], y = h->f[2];
		break;
	default:
		d = h->f[0], mo = h->f[1], y = h->f[2];
		break;
	}
	if (y < 100)
		y += 2000;
	if (nsw_ingest__local_to_utc(w->c, &m.time, y, mo, d, h->h, h->mi,
				     h->s) < 0) {
		w->c->stats->skipped++;
		return nsw_ingest__problem(w->c, w->mline, NSW_EFORMAT, 0,
					   "impossible date %d-%02d-%02d "
					   "(order %s); message skipped",
					   y, mo, d,
					   nsw_date_order_name(w->order));
	}
	rc = emit_chat(w);
	if (rc < 0)
		return rc;
	snprintf(idbuf, sizeof(idbuf), "L%llu", (unsigned long long)w->mline);
	m.chat_id = w->chat_id.ptr;
	m.id = idbuf;
	m.flags = NSW_INGEST_TIME_LOCAL | NSW_INGEST_MSG_ID_SYNTHETIC;
	if (w->cut)
		m.flags |= NSW_INGEST_MSG_TEXT_TRUNCATED;
	if (w->repaired) {
		m.flags |= NSW_INGEST_MSG_TEXT_REPAIRED;
		nsw_ingest__problem(w->c, w->mline, NSW_EFORMAT, 0,
				    "invalid UTF-8 replaced");
	}
	m.line = w->mline;
	if (nsw_ingest__wa_clean(cl, w->text.ptr, w->text.len) < 0)
		return oom(w);
	/* Author and text, unless the whole line is a system line. */
	if (!nsw_ingest__wa_split_author(cl->ptr, cl->len, &alen, &tat)) {
		m.text = w->text.ptr;
		m.text_len = w->text.len;
		return emit_system(w, &m, cl->ptr, cl->len);
	}
	/* Original text after the author (marks kept): find the separator
	 * in the raw text by skipping the same number of visible bytes. */
	{
		const char *raw = w->text.ptr, *rest = cl->ptr + tat;
		size_t i = nsw_ingest__wa_raw_offset(raw, w->text.len, tat);
		struct nsw_ingest__wa_match tmt;
		nsw_member_action tact;

		m.text = raw + i;
		m.text_len = w->text.len - i;
		nsw_buf_reset(&w->author);
		if (nsw_buf_put(&w->author, cl->ptr, alen) < 0)
			return oom(w);
		/* iOS system lines come as "<chat>: <U+200E>text". */
		if (h->ios_bracket &&
		    nsw_ingest__wa_mark_len(m.text, m.text_len) > 0 &&
		    (nsw_ingest__wa_classify_system(rest, strlen(rest), &tmt,
						    &tact) ||
		     nsw_ingest__wa_is_notice(rest)))
			return emit_system(w, &m, rest, strlen(rest));
		m.sender_name = w->author.ptr;
		m.sender_id = account_for(&w->sender_id, w->author.ptr, &acct,
					  m.time);
		if (m.sender_id == NULL)
			return oom(w);
		acct.line = w->mline;
		rc = nsw_ingest__account(w->c, &acct);
		if (rc < 0)
			return rc;
		if (nsw_ingest__wa_is_deleted(rest))
			m.flags |= NSW_INGEST_MSG_DELETED;
		find_media(w, rest, &media, &m.media_count);
		m.media = &media;
		return nsw_ingest__message(w->c, &m);
	}
}

static int pass2_line(struct wa *w, const char *s, size_t n)
{
	struct nsw_ingest__wa_hdr h;
	int rc;

	if (nsw_ingest__wa_parse_header(s, n, &h)) {
		rc = finish_message(w);
		if (rc < 0)
			return rc;
		w->in_msg = 1;
		w->mh = h;
		w->mline = w->lineno;
		w->cut = 0;
		w->repaired = 0;
		nsw_buf_reset(&w->text);
		if (nsw_ingest__utf8_append(&w->text, s + h.body, n - h.body,
					    &w->repaired, &w->cut) < 0)
			return oom(w);
		if (w->text.ptr == NULL && nsw_buf_put(&w->text, "", 0) < 0)
			return oom(w);
		return 0;
	}
	if (!w->in_msg) {
		if (n > 0 && w->orphans++ < 100)
			nsw_ingest__problem(w->c, w->lineno, NSW_EFORMAT, 0,
					    "no message header; line skipped");
		return 0;
	}
	if (w->cut)
		return 0;
	if (w->text.len + 1 > w->text.max) {
		w->cut = 1;
		return 0;
	}
	if (nsw_buf_putc(&w->text, '\n') < 0 ||
	    nsw_ingest__utf8_append(&w->text, s, n, &w->repaired, &w->cut) < 0)
		return oom(w);
	return 0;
}

int nsw_ingest__whatsapp(nsw_ingest__ctx *c, nsw_ingest__src *src)
{
	nsw_buf *bufs[9];
	struct wa *w;
	int rc;

	w = nsw__calloc(1, sizeof(*w));
	if (w == NULL)
		return nsw_error_set(NSW_ENOMEM, "%s: out of memory", c->file);
	w->c = c;
	w->src = src;
	bufs[0] = &w->line;
	bufs[1] = &w->title;
	bufs[2] = &w->sender1;
	bufs[3] = &w->sender2;
	bufs[4] = &w->chat_id;
	bufs[5] = &w->sender_id;
	bufs[6] = &w->author;
	bufs[7] = &w->fields[0];
	bufs[8] = &w->fields[1];
	for (int i = 0; i < 9; i++)
		nsw_buf_init(bufs[i], i == 0 || i >= 7 ? NSW_INGEST_LINE_MAX
						       : NSW_INGEST_FIELD_MAX);
	w->fields[0].max = NSW_INGEST_TEXT_MAX;
	nsw_buf_init(&w->text, NSW_INGEST_TEXT_MAX);
	nsw_buf_init(&w->targets, NSW_INGEST_LINE_MAX);
	nsw_buf_init(&w->path, NSW_PATH_MAX);
	w->chunk = nsw__malloc((size_t)256 << 10);
	if (w->chunk == NULL) {
		rc = oom(w);
		goto done;
	}
	w->pass = 1;
	rc = read_lines(w, pass1_line);
	if (rc < 0)
		goto fatal;
	if (w->headers == 0) {
		rc = nsw_error_set(
			NSW_EFORMAT, "%s: no %s message header found", c->file,
			c->platform == NSW_PLATFORM_SIGNAL ? "Signal"
							   : "WhatsApp");
		goto fatal;
	}
	decide_order(w);
	c->stats->date_order = w->order;
	w->pass = 2;
	rc = src->rewind(src->handle);
	if (rc < 0)
		goto fatal;
	rc = read_lines(w, pass2_line);
	if (rc == 0)
		rc = finish_message(w);
	if (rc == 0 && w->orphans > 100)
		nsw_ingest__problem(c, 0, NSW_EFORMAT, 0,
				    "%llu lines without a header in all",
				    (unsigned long long)w->orphans);
fatal:
	if (rc < 0 && rc != NSW_ENOMEM) {
		char msg[NSW_ERROR_MESSAGE_MAX];

		snprintf(msg, sizeof(msg), "%s", nsw_error_last());
		nsw_ingest__problem(c, w->lineno, rc, 1, "%s", msg);
		nsw_error_set(rc, "%s", msg);
	}
done:
	for (int i = 0; i < 9; i++)
		nsw_buf_dispose(bufs[i]);
	nsw_buf_dispose(&w->text);
	nsw_buf_dispose(&w->targets);
	nsw_buf_dispose(&w->path);
	nsw__free(w->chunk);
	nsw__free(w);
	return rc;
}

/* ---- .zip ------------------------------------------------------------- */

struct zip_src {
	const char *path;
	const char *entry; /* the chat text's entry name */
	nsw_archive *a;
};

static int zip_seek(struct zip_src *z)
{
	const char *name;
	int is_file, rc;

	nsw_archive_free(z->a);
	z->a = NULL;
	rc = nsw_archive_open(&z->a, z->path);
	while (rc == 0) {
		rc = nsw_archive_next(z->a, &name, &is_file);
		if (rc == NSW_ELIMIT && name != NULL)
			rc = 0; /* an outsized member: not the chat */
		else if (rc == 0 && is_file && strcmp(name, z->entry) == 0)
			return 0;
	}
	return rc == 1 ? nsw_error_set(NSW_EFORMAT, "%s: entry vanished",
				       z->path)
		       : rc;
}

static int zip_read(void *h, uint8_t *buf, size_t cap, size_t *got)
{
	return nsw_archive_read(((struct zip_src *)h)->a, buf, cap, got);
}

static int zip_rewind(void *h)
{
	return zip_seek(h);
}

static int chat_entry_rank(const char *name)
{
	const char *base = strrchr(name, '/');
	size_t n;

	base = base ? base + 1 : name;
	n = strlen(base);
	if (n < 4 || strcasecmp(base + n - 4, ".txt") != 0)
		return 0;
	if (strcmp(base, "_chat.txt") == 0 ||
	    strncmp(base, "WhatsApp Chat", 13) == 0)
		return 2;
	return 1;
}

int nsw_ingest__whatsapp_zip_chat(char **entry, const char *path)
{
	nsw_archive *a = NULL;
	char *best = NULL;
	const char *name;
	int best_rank = 0, is_file, rc, rank;

	*entry = NULL;
	rc = nsw_archive_open(&a, path);
	while (rc == 0) {
		rc = nsw_archive_next(a, &name, &is_file);
		if (rc == NSW_ELIMIT && name != NULL)
			rc = 0; /* an outsized member: not the chat */
		else if (rc != 0)
			break;
		rank = is_file ? chat_entry_rank(name) : 0;
		if (rank > best_rank) {
			nsw__free(best);
			best = nsw__strdup(name);
			best_rank = rank;
			if (best == NULL)
				rc = nsw_error_set(NSW_ENOMEM, "out of memory");
		}
	}
	nsw_archive_free(a);
	if (rc < 0) {
		nsw__free(best);
		return rc;
	}
	if (best == NULL)
		return nsw_error_set(NSW_EFORMAT, "%s: no chat .txt in the zip",
				     path);
	*entry = best;
	return 0;
}

int nsw_ingest__whatsapp_zip(nsw_ingest__ctx *c, const char *path)
{
	struct zip_src z = {path, NULL, NULL};
	nsw_ingest__src src = {zip_read, zip_rewind, &z};
	char *best = NULL, *display = NULL;
	const char *file = c->file;
	int rc;
	size_t n;

	rc = nsw_ingest__whatsapp_zip_chat(&best, path);
	if (rc < 0)
		goto fail;
	z.entry = best;
	rc = zip_seek(&z);
	if (rc < 0)
		goto fail;
	/* Events name the entry inside the zip: "chat.zip/_chat.txt". */
	n = strlen(path) + strlen(best) + 2;
	display = nsw__malloc(n);
	if (display == NULL) {
		rc = nsw_error_set(NSW_ENOMEM, "out of memory");
		goto fail;
	}
	snprintf(display, n, "%s/%s", path, best);
	c->file = display;
	c->archive = path;
	rc = nsw_ingest__whatsapp(c, &src);
	goto done;
fail:
	if (rc < 0 && rc != NSW_ENOMEM) {
		char msg[NSW_ERROR_MESSAGE_MAX];

		snprintf(msg, sizeof(msg), "%s", nsw_error_last());
		nsw_ingest__problem(c, 0, rc, 1, "%s", msg);
		nsw_error_set(rc, "%s", msg);
	}
done:
	c->file = file;
	c->archive = NULL;
	nsw_archive_free(z.a);
	nsw__free(best);
	nsw__free(display);
	return rc;
}
