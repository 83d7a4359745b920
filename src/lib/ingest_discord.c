/* SPDX-License-Identifier: Apache-2.0 */
/*
 * DiscordChatExporter JSON (guild channels, DMs, attachments, replies),
 * streamed one message at a time over the JSON events.
 */
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "ingest_internal.h"
#include "json_stream.h"
#include "limits.h"

enum role {
	R_OTHER = 0,
	R_ROOT,
	R_GUILD,
	R_CHANNEL,
	R_MESSAGES,
	R_MESSAGE,
	R_AUTHOR,
	R_ATTACHMENTS,
	R_ATTACHMENT,
	R_REFERENCE,
	R_MENTIONS,
	R_MENTION,
};

enum key {
	K_OTHER = 0,
	K_ID,
	K_TYPE,
	K_TIMESTAMP,
	K_CONTENT,
	K_NAME,
	K_NICKNAME,
	K_MESSAGE_ID,
	K_URL,
	K_FILE_NAME,
	K_FILE_SIZE,
	K_CATEGORY,
	K_GUILD,
	K_CHANNEL,
	K_MESSAGES,
	K_AUTHOR,
	K_ATTACHMENTS,
	K_REFERENCE,
	K_MENTIONS,
};

static const nsw_ingest__key key_table[] = {
	{"id", K_ID},
	{"type", K_TYPE},
	{"timestamp", K_TIMESTAMP},
	{"content", K_CONTENT},
	{"author", K_AUTHOR},
	{"name", K_NAME},
	{"nickname", K_NICKNAME},
	{"attachments", K_ATTACHMENTS},
	{"url", K_URL},
	{"fileName", K_FILE_NAME},
	{"fileSizeBytes", K_FILE_SIZE},
	{"reference", K_REFERENCE},
	{"messageId", K_MESSAGE_ID},
	{"mentions", K_MENTIONS},
	{"guild", K_GUILD},
	{"channel", K_CHANNEL},
	{"category", K_CATEGORY},
	{"messages", K_MESSAGES},
};

struct attachment {
	nsw_buf url, name, path;
	uint64_t size;
};

/* Message fields we keep. */
enum slot {
	S_ID,
	S_TYPE,
	S_TIMESTAMP,
	S_CONTENT,
	S_AUTHOR_ID,
	S_AUTHOR_NAME,
	S_AUTHOR_NICK,
	S_REPLY,
	S_COUNT
};

struct dc {
	nsw_ingest__ctx *c;
	nsw_json_stream *js;
	nsw_ingest__frames fr;
	nsw_buf guild_id, guild_name, chan_id, chan_type, chan_name;
	int chat_emitted;
	uint64_t chat_line;
	nsw_buf f[S_COUNT];
	uint64_t set;
	uint64_t line;
	int repaired, cut;
	struct attachment att[NSW_INGEST_MEDIA_PER_MESSAGE_MAX];
	size_t att_count;
	int att_dropped;
	nsw_buf mention_ids, mention_names;
	size_t mention_count;
	int mention_has_id, mention_has_name;
};

static int oom(struct dc *d)
{
	return nsw_error_set(NSW_ENOMEM, "%s: out of memory", d->c->file);
}

static nsw_ingest__frame *top(struct dc *d)
{
	return nsw_ingest__top(&d->fr);
}

static int put(struct dc *d, nsw_buf *b, const char *s, size_t n)
{
	return nsw_ingest__json_text(d->c, b, s, n, 0, &d->repaired, &d->cut);
}

static int set_slot(struct dc *d, enum slot s, const char *v, size_t n)
{
	d->set |= 1u << s;
	return put(d, &d->f[s], v, n);
}

static const char *slot(struct dc *d, enum slot s)
{
	return (d->set & (1u << s)) ? d->f[s].ptr : NULL;
}

static void message_reset(struct dc *d)
{
	for (int i = 0; i < S_COUNT; i++)
		nsw_buf_reset(&d->f[i]);
	d->set = 0;
	d->repaired = 0;
	d->cut = 0;
	d->att_count = 0;
	d->att_dropped = 0;
	nsw_buf_reset(&d->mention_ids);
	nsw_buf_reset(&d->mention_names);
	d->mention_count = 0;
	d->line = nsw_json_stream_line(d->js);
}

static nsw_chat_kind chat_kind(const char *type)
{
	if (type == NULL)
		return NSW_CHAT_UNKNOWN;
	if (strcmp(type, "DirectTextChat") == 0)
		return NSW_CHAT_DM;
	if (strcmp(type, "DirectGroupTextChat") == 0)
		return NSW_CHAT_GROUP;
	if (strncmp(type, "Guild", 5) == 0)
		return NSW_CHAT_GUILD_CHANNEL;
	return NSW_CHAT_UNKNOWN;
}

static const char *opt(nsw_buf *b)
{
	return b->ptr != NULL && b->len > 0 ? b->ptr : NULL;
}

static int emit_chat(struct dc *d)
{
	nsw_ingest_chat chat;
	int rc;

	if (d->chat_emitted)
		return 0;
	d->chat_emitted = 1;
	memset(&chat, 0, sizeof(chat));
	chat.id = opt(&d->chan_id);
	if (chat.id == NULL) {
		nsw_buf_reset(&d->chan_id);
		rc = nsw_buf_printf(&d->chan_id, "file:%s", d->c->file);
		if (rc < 0)
			return nsw_ingest__buf_error(d->c, rc, "file name");
		chat.id = d->chan_id.ptr;
		chat.id_flags = NSW_INGEST_ID_SYNTHETIC;
	}
	chat.title = opt(&d->chan_name);
	chat.platform_type = opt(&d->chan_type);
	chat.kind = chat_kind(chat.platform_type);
	/* DMs sit in the pseudo-guild "0" ("Direct Messages"). */
	if (opt(&d->guild_id) && strcmp(d->guild_id.ptr, "0") != 0) {
		chat.parent_id = d->guild_id.ptr;
		chat.parent_title = opt(&d->guild_name);
	}
	chat.line = d->chat_line;
	return nsw_ingest__chat(d->c, &chat);
}

static int add_list(nsw_buf *b, const char *s)
{
	if (nsw_buf_puts(b, s) < 0 || nsw_buf_putc(b, '\0') < 0)
		return -1;
	return 0;
}

static int emit_membership(struct dc *d, const nsw_ingest_message *m,
			   nsw_member_action action)
{
	nsw_ingest_membership ev;
	const char **names = NULL, **ids = NULL;
	const char *pn = d->mention_names.ptr, *pi = d->mention_ids.ptr;
	int rc;

	memset(&ev, 0, sizeof(ev));
	if (d->mention_count > 0) {
		names = nsw__calloc(d->mention_count, sizeof(*names));
		ids = nsw__calloc(d->mention_count, sizeof(*ids));
		if (names == NULL || ids == NULL) {
			nsw__free(names);
			nsw__free(ids);
			return oom(d);
		}
		for (size_t i = 0; i < d->mention_count; i++) {
			names[i] = *pn ? pn : NULL;
			ids[i] = *pi ? pi : NULL;
			pn += strlen(pn) + 1;
			pi += strlen(pi) + 1;
		}
	}
	ev.chat_id = m->chat_id;
	ev.message_id = m->id;
	ev.time = m->time;
	ev.action = action;
	ev.actor_id = m->sender_id;
	ev.actor_name = m->sender_name;
	ev.target_names = names;
	ev.target_ids = ids;
	ev.target_count = action == NSW_MEMBER_TITLE ? 0 : d->mention_count;
	if (action == NSW_MEMBER_TITLE)
		ev.title = m->text;
	if (action == NSW_MEMBER_REMOVE && d->mention_count == 1 &&
	    ids[0] != NULL && m->sender_id != NULL &&
	    strcmp(ids[0], m->sender_id) == 0) {
		ev.action = NSW_MEMBER_LEAVE;
		ev.target_count = 0;
	}
	ev.line = m->line;
	rc = nsw_ingest__membership(d->c, &ev);
	nsw__free(names);
	nsw__free(ids);
	return rc;
}

static int emit_message(struct dc *d)
{
	const char *id = slot(d, S_ID), *type = slot(d, S_TYPE);
	const char *ts = slot(d, S_TIMESTAMP);
	nsw_ingest_media media[NSW_INGEST_MEDIA_PER_MESSAGE_MAX];
	nsw_ingest_message m;
	nsw_ingest_account a;
	nsw_member_action action = 0;
	int local = 0, rc;

	memset(&m, 0, sizeof(m));
	rc = emit_chat(d);
	if (rc < 0)
		return rc;
	if (id == NULL || id[0] == '\0' || ts == NULL ||
	    slot(d, S_AUTHOR_ID) == NULL) {
		d->c->stats->skipped++;
		return nsw_ingest__problem(d->c, d->line, NSW_EFORMAT, 0,
					   "message without %s; skipped",
					   id == NULL || id[0] == '\0' ? "id"
					   : ts == NULL ? "timestamp"
							: "author.id");
	}
	if (nsw_ingest__parse_iso8601(d->c, &m.time, &local, ts, strlen(ts)) <
	    0) {
		d->c->stats->skipped++;
		return nsw_ingest__problem(d->c, d->line, NSW_EFORMAT, 0,
					   "message %s: bad timestamp '%.40s'; "
					   "skipped",
					   id, ts);
	}
	if (local)
		m.flags |= NSW_INGEST_TIME_LOCAL;
	m.chat_id = d->chan_id.ptr;
	m.id = id;
	m.sender_id = slot(d, S_AUTHOR_ID);
	m.sender_name = slot(d, S_AUTHOR_NICK) ? slot(d, S_AUTHOR_NICK)
					       : slot(d, S_AUTHOR_NAME);
	m.reply_to_id = slot(d, S_REPLY);
	m.text = slot(d, S_CONTENT);
	m.text_len = m.text ? d->f[S_CONTENT].len : 0;
	if (d->repaired) {
		m.flags |= NSW_INGEST_MSG_TEXT_REPAIRED;
		nsw_ingest__problem(d->c, d->line, NSW_EFORMAT, 0,
				    "message %s: invalid UTF-8 replaced", id);
	}
	if (d->cut)
		m.flags |= NSW_INGEST_MSG_TEXT_TRUNCATED;
	if (d->att_dropped)
		nsw_ingest__problem(d->c, d->line, NSW_ELIMIT, 0,
				    "message %s: more than %d attachments; "
				    "rest dropped",
				    id, NSW_INGEST_MEDIA_PER_MESSAGE_MAX);
	if (type != NULL && strcmp(type, "Default") != 0 &&
	    strcmp(type, "Reply") != 0) {
		m.flags |= NSW_INGEST_MSG_SERVICE;
		m.service_action = type;
		action = strcmp(type, "RecipientAdd") == 0 ? NSW_MEMBER_INVITE
			 : strcmp(type, "RecipientRemove") == 0
				 ? NSW_MEMBER_REMOVE
			 : strcmp(type, "GuildMemberJoin") == 0
				 ? NSW_MEMBER_JOIN
			 : strcmp(type, "ChannelNameChange") == 0
				 ? NSW_MEMBER_TITLE
				 : 0;
	}
	for (size_t i = 0; i < d->att_count; i++) {
		struct attachment *at = &d->att[i];
		nsw_ingest_media *x = &media[m.media_count];
		const char *url = opt(&at->url);

		if (url == NULL)
			continue;
		memset(x, 0, sizeof(*x));
		x->ref = url;
		x->file_name = opt(&at->name);
		x->size = at->size;
		x->kind = nsw_ingest__kind_from_name(x->file_name ? x->file_name
								  : url);
		if (strncmp(url, "https://", 8) == 0 ||
		    strncmp(url, "http://", 7) == 0)
			x->state = NSW_MEDIA_REMOTE;
		else if (nsw_ingest__media_resolve(d->c, x, &at->path,
						   d->line) < 0)
			return oom(d);
		m.media_count++;
	}
	m.media = media;
	m.line = d->line;
	memset(&a, 0, sizeof(a));
	a.id = m.sender_id;
	a.name = m.sender_name;
	a.username = slot(d, S_AUTHOR_NAME);
	a.seen_at = m.time;
	a.line = d->line;
	rc = nsw_ingest__account(d->c, &a);
	if (rc == 0)
		rc = nsw_ingest__message(d->c, &m);
	if (rc == 0 && action != 0)
		rc = emit_membership(d, &m, action);
	return rc;
}

/* The top level must be an object; a message must be an object. */
static int check_shape(struct dc *d, int is_map)
{
	return nsw_ingest__json_shape(d->c, d->js, &d->fr, is_map, R_MESSAGES,
				      "DiscordChatExporter export");
}

static int scalar(struct dc *d, const char *s, size_t n, int numeric)
{
	nsw_ingest__frame *f = top(d);
	struct attachment *at;
	uint64_t v;

	if (d->fr.depth == 0 || f->role == R_MESSAGES) {
		int rc = check_shape(d, 0);

		if (rc < 0 || d->fr.depth == 0)
			return rc;
		(void)s;
		(void)n;
		(void)numeric;
		return 0;
	}

	switch ((enum role)f->role) {
	case R_GUILD:
		if (f->key == K_ID)
			return put(d, &d->guild_id, s, n);
		return f->key == K_NAME ? put(d, &d->guild_name, s, n) : 0;
	case R_CHANNEL:
		if (f->key == K_ID)
			return put(d, &d->chan_id, s, n);
		if (f->key == K_TYPE)
			return put(d, &d->chan_type, s, n);
		return f->key == K_NAME ? put(d, &d->chan_name, s, n) : 0;
	case R_MESSAGE:
		if (f->key == K_ID)
			return set_slot(d, S_ID, s, n);
		if (f->key == K_TYPE)
			return set_slot(d, S_TYPE, s, n);
		if (f->key == K_TIMESTAMP)
			return set_slot(d, S_TIMESTAMP, s, n);
		if (f->key == K_CONTENT && !numeric)
			return set_slot(d, S_CONTENT, s, n);
		return 0;
	case R_AUTHOR:
		if (f->key == K_ID)
			return set_slot(d, S_AUTHOR_ID, s, n);
		if (f->key == K_NAME)
			return set_slot(d, S_AUTHOR_NAME, s, n);
		return f->key == K_NICKNAME ? set_slot(d, S_AUTHOR_NICK, s, n)
					    : 0;
	case R_REFERENCE:
		return f->key == K_MESSAGE_ID ? set_slot(d, S_REPLY, s, n) : 0;
	case R_ATTACHMENT:
		if (d->att_count == 0)
			return 0;
		at = &d->att[d->att_count - 1];
		if (f->key == K_URL)
			return put(d, &at->url, s, n);
		if (f->key == K_FILE_NAME)
			return put(d, &at->name, s, n);
		if (f->key == K_FILE_SIZE && nsw_ingest__parse_u64(&v, s, n))
			at->size = v;
		return 0;
	default:
		return 0;
	}
}

static int on_string(void *ctx, const char *s, size_t n)
{
	struct dc *d = ctx;
	nsw_ingest__frame *f = top(d);
	nsw_buf tmp;
	int rc;

	/* Mentions: collect id and name into the parallel lists. */
	if (f->role == R_MENTION && (f->key == K_ID || f->key == K_NAME)) {
		nsw_buf_init(&tmp, NSW_INGEST_FIELD_MAX);
		rc = put(d, &tmp, s, n);
		if (rc == 0 && f->key == K_ID && !d->mention_has_id) {
			d->mention_has_id = 1;
			rc = add_list(&d->mention_ids, tmp.ptr);
		} else if (rc == 0 && f->key == K_NAME &&
			   !d->mention_has_name) {
			d->mention_has_name = 1;
			rc = add_list(&d->mention_names, tmp.ptr);
		}
		nsw_buf_dispose(&tmp);
		return rc < 0 ? oom(d) : 0;
	}
	return scalar(d, s, n, 0);
}

static int on_number(void *ctx, const char *s, size_t n)
{
	return scalar(ctx, s, n, 1);
}

static int on_key(void *ctx, const char *s, size_t n)
{
	struct dc *d = ctx;

	top(d)->key = nsw_ingest__key_lookup(
		key_table, sizeof(key_table) / sizeof(key_table[0]), s, n);
	return 0;
}

static enum role child_role(struct dc *d, int is_map)
{
	nsw_ingest__frame *f = top(d);

	if (d->fr.depth == 0)
		return is_map ? R_ROOT : R_OTHER;
	switch ((enum role)f->role) {
	case R_ROOT:
		if (is_map && f->key == K_GUILD)
			return R_GUILD;
		if (is_map && f->key == K_CHANNEL)
			return R_CHANNEL;
		return !is_map && f->key == K_MESSAGES ? R_MESSAGES : R_OTHER;
	case R_MESSAGES:
		return is_map ? R_MESSAGE : R_OTHER;
	case R_MESSAGE:
		if (is_map && f->key == K_AUTHOR)
			return R_AUTHOR;
		if (is_map && f->key == K_REFERENCE)
			return R_REFERENCE;
		if (!is_map && f->key == K_ATTACHMENTS)
			return R_ATTACHMENTS;
		return !is_map && f->key == K_MENTIONS ? R_MENTIONS : R_OTHER;
	case R_ATTACHMENTS:
		return is_map ? R_ATTACHMENT : R_OTHER;
	case R_MENTIONS:
		return is_map ? R_MENTION : R_OTHER;
	default:
		return R_OTHER;
	}
}

static int push(struct dc *d, int is_map)
{
	enum role r = child_role(d, is_map);
	int rc = check_shape(d, is_map);

	if (rc == 0)
		rc = nsw_ingest__frames_push(&d->fr, (unsigned char)r,
					     d->c->file);
	if (rc < 0)
		return rc;
	if (r == R_ROOT)
		d->chat_line = nsw_json_stream_line(d->js);
	if (r == R_MESSAGE)
		message_reset(d);
	if (r == R_ATTACHMENT) {
		if (d->att_count >= NSW_INGEST_MEDIA_PER_MESSAGE_MAX) {
			d->att_dropped = 1;
			top(d)->role = R_OTHER;
		} else {
			struct attachment *at = &d->att[d->att_count++];

			nsw_buf_reset(&at->url);
			nsw_buf_reset(&at->name);
			at->size = 0;
		}
	}
	if (r == R_MENTION) {
		if (d->mention_count >= NSW_INGEST_PARTICIPANTS_MAX)
			top(d)->role = R_OTHER;
		d->mention_has_id = 0;
		d->mention_has_name = 0;
	}
	return 0;
}

static int on_start_map(void *ctx)
{
	return push(ctx, 1);
}

static int on_start_array(void *ctx)
{
	return push(ctx, 0);
}

static int on_end(void *ctx)
{
	struct dc *d = ctx;
	enum role r = (enum role)top(d)->role;
	int rc = 0;

	if (r == R_MESSAGE) {
		rc = emit_message(d);
	} else if (r == R_MENTION) {
		/* Keep the two lists parallel: an empty entry for a missing
		 * id or name. */
		if ((!d->mention_has_id && add_list(&d->mention_ids, "") < 0) ||
		    (!d->mention_has_name &&
		     add_list(&d->mention_names, "") < 0))
			rc = oom(d);
		d->mention_count++;
	} else if (r == R_ROOT) {
		rc = emit_chat(d);
	}
	nsw_ingest__frames_pop(&d->fr);
	return rc;
}

int nsw_ingest__discord(nsw_ingest__ctx *c, nsw_ingest__src *src)
{
	static const nsw_json_handlers h = {
		.number = on_number,
		.string = on_string,
		.start_map = on_start_map,
		.map_key = on_key,
		.end_map = on_end,
		.start_array = on_start_array,
		.end_array = on_end,
	};
	nsw_buf *all[5];
	struct dc *d;
	int rc;

	d = nsw__calloc(1, sizeof(*d));
	if (d == NULL)
		return nsw_error_set(NSW_ENOMEM, "%s: out of memory", c->file);
	d->c = c;
	all[0] = &d->guild_id;
	all[1] = &d->guild_name;
	all[2] = &d->chan_id;
	all[3] = &d->chan_type;
	all[4] = &d->chan_name;
	for (int i = 0; i < 5; i++)
		nsw_buf_init(all[i], NSW_INGEST_FIELD_MAX);
	for (int i = 0; i < S_COUNT; i++)
		nsw_buf_init(&d->f[i], i == S_CONTENT ? NSW_INGEST_TEXT_MAX
						      : NSW_INGEST_FIELD_MAX);
	for (int i = 0; i < NSW_INGEST_MEDIA_PER_MESSAGE_MAX; i++) {
		nsw_buf_init(&d->att[i].url, NSW_INGEST_FIELD_MAX);
		nsw_buf_init(&d->att[i].name, NSW_INGEST_FIELD_MAX);
		nsw_buf_init(&d->att[i].path, NSW_PATH_MAX);
	}
	nsw_buf_init(&d->mention_ids, NSW_INGEST_TEXT_MAX);
	nsw_buf_init(&d->mention_names, NSW_INGEST_TEXT_MAX);
	rc = nsw_ingest__json_run(c, src, &h, d, &d->js);
	for (int i = 0; i < 5; i++)
		nsw_buf_dispose(all[i]);
	for (int i = 0; i < S_COUNT; i++)
		nsw_buf_dispose(&d->f[i]);
	for (int i = 0; i < NSW_INGEST_MEDIA_PER_MESSAGE_MAX; i++) {
		nsw_buf_dispose(&d->att[i].url);
		nsw_buf_dispose(&d->att[i].name);
		nsw_buf_dispose(&d->att[i].path);
	}
	nsw_buf_dispose(&d->mention_ids);
	nsw_buf_dispose(&d->mention_names);
	nsw__free(d);
	return rc;
}
