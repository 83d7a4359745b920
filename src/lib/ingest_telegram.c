/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Telegram Desktop result.json (single-chat and full-account exports),
 * streamed: a small state machine over the JSON events builds one message
 * at a time, so memory stays flat whatever the export size.
 */
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "ingest_internal.h"
#include "json_stream.h"
#include "limits.h"

/* What an object or array is, from where it sits. */
enum role {
	R_OTHER = 0,
	R_ROOT,
	R_SECTION, /* "chats"/"left_chats"/"contacts" object */
	R_CHAT_LIST,
	R_CHAT,
	R_MESSAGES,
	R_MESSAGE,
	R_TEXT,	  /* "text" as an array of runs */
	R_ENTITY, /* one run object */
	R_MEMBERS,
	R_PERSONAL,
	R_CONTACT_LIST,
	R_CONTACT,
};

/* Keys we read; each message-level key is also a field slot. */
enum key {
	K_OTHER = 0,
	K_ID,
	K_TYPE,
	K_NAME,
	K_DATE,
	K_DATE_UNIXTIME,
	K_FROM,
	K_FROM_ID,
	K_ACTOR,
	K_ACTOR_ID,
	K_ACTION,
	K_TEXT,
	K_FORWARDED_FROM,
	K_FORWARDED_FROM_ID,
	K_SAVED_FROM,
	K_REPLY_TO,
	K_VIA_BOT,
	K_PHOTO,
	K_FILE,
	K_THUMBNAIL,
	K_CONTACT_VCARD,
	K_MEDIA_TYPE,
	K_MIME_TYPE,
	K_FILE_NAME,
	K_FILE_SIZE,
	K_PHOTO_FILE_SIZE,
	K_TITLE,
	K_INVITER,
	K_USER_ID,
	K_FIRST_NAME,
	K_LAST_NAME,
	K_PHONE,
	K_USERNAME,
	K_FIELDS, /* fields above; structural keys below */
	K_MESSAGES,
	K_MEMBERS,
	K_CHATS,
	K_LEFT_CHATS,
	K_LIST,
	K_PERSONAL,
	K_CONTACTS,
};

static const nsw_ingest__key key_table[] = {
	{"type", K_TYPE},
	{"id", K_ID},
	{"date", K_DATE},
	{"date_unixtime", K_DATE_UNIXTIME},
	{"from", K_FROM},
	{"from_id", K_FROM_ID},
	{"text", K_TEXT},
	{"name", K_NAME},
	{"actor", K_ACTOR},
	{"actor_id", K_ACTOR_ID},
	{"action", K_ACTION},
	{"forwarded_from", K_FORWARDED_FROM},
	{"forwarded_from_id", K_FORWARDED_FROM_ID},
	{"saved_from", K_SAVED_FROM},
	{"reply_to_message_id", K_REPLY_TO},
	{"via_bot", K_VIA_BOT},
	{"photo", K_PHOTO},
	{"file", K_FILE},
	{"thumbnail", K_THUMBNAIL},
	{"contact_vcard", K_CONTACT_VCARD},
	{"media_type", K_MEDIA_TYPE},
	{"mime_type", K_MIME_TYPE},
	{"file_name", K_FILE_NAME},
	{"file_size", K_FILE_SIZE},
	{"photo_file_size", K_PHOTO_FILE_SIZE},
	{"title", K_TITLE},
	{"inviter", K_INVITER},
	{"members", K_MEMBERS},
	{"messages", K_MESSAGES},
	{"chats", K_CHATS},
	{"left_chats", K_LEFT_CHATS},
	{"list", K_LIST},
	{"personal_information", K_PERSONAL},
	{"contacts", K_CONTACTS},
	{"user_id", K_USER_ID},
	{"first_name", K_FIRST_NAME},
	{"last_name", K_LAST_NAME},
	{"phone_number", K_PHONE},
	{"username", K_USERNAME},
};

#define MEDIA_SLOTS 4

struct tg {
	nsw_ingest__ctx *c;
	nsw_json_stream *js;
	nsw_ingest__frames fr;
	/* The record being built (message, personal info or contact). */
	nsw_buf f[K_FIELDS];
	uint64_t set;	  /* bit per field present */
	uint64_t numeric; /* bit per field given as a JSON number */
	uint64_t line;
	int repaired, cut, from_null;
	nsw_buf members; /* NUL-separated names */
	size_t member_count;
	int members_dropped;
	/* The chat being read. */
	nsw_buf chat_name, chat_type, chat_id;
	uint64_t chat_set, chat_line, chat_index, ordinal;
	int chat_emitted, chat_is_root, in_chat;
	/* Scratch for event strings. */
	nsw_buf ids[4];
	nsw_buf paths[MEDIA_SLOTS];
};

#define BIT(k) ((uint64_t)1 << (k))

static nsw_ingest__frame *top(struct tg *t)
{
	return nsw_ingest__top(&t->fr);
}

static const char *field(struct tg *t, enum key k)
{
	return (t->set & BIT(k)) ? t->f[k].ptr : NULL;
}

static int oom(struct tg *t)
{
	return nsw_error_set(NSW_ENOMEM, "%s: out of memory", t->c->file);
}

static void record_reset(struct tg *t)
{
	for (int i = 0; i < K_FIELDS; i++)
		nsw_buf_reset(&t->f[i]);
	t->set = 0;
	t->numeric = 0;
	t->repaired = 0;
	t->cut = 0;
	t->from_null = 0;
	nsw_buf_reset(&t->members);
	t->member_count = 0;
	t->members_dropped = 0;
	t->line = nsw_json_stream_line(t->js);
}

/* Store a scalar into a field slot (replacing an earlier value). */
static int set_field(struct tg *t, enum key k, const char *s, size_t n,
		     int numeric)
{
	int rc;

	if (k == K_OTHER || k >= K_FIELDS)
		return 0;
	rc = nsw_ingest__json_text(t->c, &t->f[k], s, n, 0, &t->repaired,
				   &t->cut);
	if (rc < 0)
		return rc;
	t->set |= BIT(k);
	if (numeric)
		t->numeric |= BIT(k);
	else
		t->numeric &= ~BIT(k);
	return 0;
}

static int append_text(struct tg *t, const char *s, size_t n)
{
	int rc = nsw_ingest__json_text(t->c, &t->f[K_TEXT], s, n, 1,
				       &t->repaired, &t->cut);

	if (rc < 0)
		return rc;
	t->set |= BIT(K_TEXT);
	return 0;
}

static int add_member(struct tg *t, const char *s, size_t n)
{
	size_t before = t->members.len;
	int cut = 0;

	if (t->member_count >= NSW_INGEST_PARTICIPANTS_MAX) {
		t->members_dropped = 1;
		return 0;
	}
	if (nsw_ingest__utf8_append(&t->members, s, n, &t->repaired, &cut) <
		    0 ||
	    nsw_buf_putc(&t->members, '\0') < 0) {
		if (cut || t->members.len >= t->members.max) {
			t->members.len = before;
			t->members_dropped = 1;
			return 0;
		}
		return oom(t);
	}
	t->member_count++;
	return 0;
}

/* ---- Chats ------------------------------------------------------------ */

static nsw_chat_kind chat_kind(const char *type)
{
	static const struct {
		const char *type;
		nsw_chat_kind kind;
	} map[] = {
		{"personal_chat", NSW_CHAT_PRIVATE},
		{"bot_chat", NSW_CHAT_PRIVATE},
		{"saved_messages", NSW_CHAT_PRIVATE},
		{"replies", NSW_CHAT_PRIVATE},
		{"verification_codes", NSW_CHAT_PRIVATE},
		{"private_group", NSW_CHAT_GROUP},
		{"private_supergroup", NSW_CHAT_SUPERGROUP},
		{"public_supergroup", NSW_CHAT_SUPERGROUP},
		{"private_channel", NSW_CHAT_CHANNEL},
		{"public_channel", NSW_CHAT_CHANNEL},
	};

	for (size_t i = 0; type != NULL && i < sizeof(map) / sizeof(map[0]);
	     i++)
		if (strcmp(map[i].type, type) == 0)
			return map[i].kind;
	return NSW_CHAT_UNKNOWN;
}

static void chat_reset(struct tg *t, int is_root)
{
	nsw_buf_reset(&t->chat_name);
	nsw_buf_reset(&t->chat_type);
	nsw_buf_reset(&t->chat_id);
	t->chat_set = 0;
	t->chat_emitted = 0;
	t->chat_is_root = is_root;
	t->chat_line = nsw_json_stream_line(t->js);
	t->ordinal = 0;
	t->in_chat = 1;
}

static int chat_scalar(struct tg *t, enum key k, const char *s, size_t n)
{
	nsw_buf *b = k == K_NAME   ? &t->chat_name
		     : k == K_TYPE ? &t->chat_type
		     : k == K_ID   ? &t->chat_id
				   : NULL;
	int rep = 0, cut = 0;

	if (b == NULL || t->chat_emitted)
		return 0;
	nsw_buf_reset(b);
	if (nsw_ingest__utf8_append(b, s, n, &rep, &cut) < 0 ||
	    (b->ptr == NULL && nsw_buf_put(b, "", 0) < 0))
		return oom(t);
	t->chat_set |= BIT(k);
	return 0;
}

static int emit_chat(struct tg *t)
{
	nsw_ingest_chat chat;
	int rc;

	if (t->chat_emitted)
		return 0;
	t->chat_emitted = 1;
	t->chat_index++;
	memset(&chat, 0, sizeof(chat));
	if ((t->chat_set & BIT(K_ID)) && t->chat_id.len > 0) {
		chat.id = t->chat_id.ptr;
	} else {
		/* No id (hand-made or minimal exports): derive one. */
		nsw_buf_reset(&t->chat_id);
		rc = (t->chat_set & BIT(K_NAME))
			     ? nsw_buf_printf(&t->chat_id, "name:%s",
					      t->chat_name.ptr)
			     : nsw_buf_printf(
				       &t->chat_id, "chat#%llu",
				       (unsigned long long)t->chat_index);
		if (rc < 0)
			return nsw_ingest__buf_error(t->c, rc, "chat name");
		t->chat_set |= BIT(K_ID);
		chat.id = t->chat_id.ptr;
		chat.id_flags = NSW_INGEST_ID_SYNTHETIC;
	}
	chat.title = (t->chat_set & BIT(K_NAME)) ? t->chat_name.ptr : NULL;
	chat.platform_type =
		(t->chat_set & BIT(K_TYPE)) ? t->chat_type.ptr : NULL;
	chat.kind = chat_kind(chat.platform_type);
	chat.line = t->chat_line;
	return nsw_ingest__chat(t->c, &chat);
}

/* ---- Accounts and ids ------------------------------------------------- */

/* Canonical Telegram peer id: "user123"/"channel123"/"chat123". Old exports
 * give a bare number; it is a user unless it is the chat's own id (a
 * channel or group posting as itself). */
static const char *peer_id(struct tg *t, nsw_buf *out, enum key k)
{
	const char *v = field(t, k);
	const char *ctype;
	size_t n;

	if (v == NULL || v[0] == '\0')
		return NULL;
	n = strlen(v);
	if (!(t->numeric & BIT(k)) && strspn(v, "0123456789") != n)
		return v; /* already "user123" or another form: keep */
	nsw_buf_reset(out);
	ctype = (t->chat_set & BIT(K_TYPE)) ? t->chat_type.ptr : "";
	if ((t->chat_set & BIT(K_ID)) && strcmp(t->chat_id.ptr, v) == 0 &&
	    chat_kind(ctype) != NSW_CHAT_PRIVATE)
		nsw_buf_printf(out, "%s%s",
			       chat_kind(ctype) == NSW_CHAT_GROUP ? "chat"
								  : "channel",
			       v);
	else
		nsw_buf_printf(out, "user%s", v);
	return out->ptr;
}

static int is_integer(const char *s)
{
	if (*s == '-')
		s++;
	return *s != '\0' && strspn(s, "0123456789") == strlen(s);
}

static int sighting(struct tg *t, const char *id, const char *name,
		    int synthetic, int64_t when, unsigned tflags)
{
	nsw_ingest_account a;

	if (id == NULL)
		return 0;
	memset(&a, 0, sizeof(a));
	a.id = id;
	a.flags = synthetic ? NSW_INGEST_ID_SYNTHETIC : 0;
	a.name = name;
	a.seen_at = (tflags & NSW_INGEST_TIME_MISSING) ? 0 : when;
	a.line = t->line;
	return nsw_ingest__account(t->c, &a);
}

/* ---- Messages --------------------------------------------------------- */

static nsw_media_kind kind_of_document(const char *media_type)
{
	static const struct {
		const char *type;
		nsw_media_kind kind;
	} map[] = {
		{"sticker", NSW_MEDIA_KIND_STICKER},
		{"video_message", NSW_MEDIA_KIND_VIDEO_MESSAGE},
		{"voice_message", NSW_MEDIA_KIND_VOICE},
		{"animation", NSW_MEDIA_KIND_ANIMATION},
		{"video_file", NSW_MEDIA_KIND_VIDEO},
		{"audio_file", NSW_MEDIA_KIND_AUDIO},
	};

	for (size_t i = 0;
	     media_type != NULL && i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i].type, media_type) == 0)
			return map[i].kind;
	return NSW_MEDIA_KIND_DOCUMENT;
}

static int add_media(struct tg *t, nsw_ingest_media *m, size_t *count,
		     enum key k, nsw_media_kind kind, int thumb)
{
	nsw_ingest_media *x = &m[*count];
	const char *ref = field(t, k);
	uint64_t size = 0;

	if (ref == NULL || *count >= MEDIA_SLOTS)
		return 0;
	memset(x, 0, sizeof(*x));
	x->kind = kind;
	x->is_thumbnail = thumb;
	x->ref = ref;
	if (!thumb && k != K_CONTACT_VCARD) {
		x->mime_type = field(t, K_MIME_TYPE);
		x->file_name = field(t, K_FILE_NAME);
		if (field(t, k == K_PHOTO ? K_PHOTO_FILE_SIZE : K_FILE_SIZE) &&
		    nsw_ingest__parse_u64(
			    &size,
			    field(t, k == K_PHOTO ? K_PHOTO_FILE_SIZE
						  : K_FILE_SIZE),
			    t->f[k == K_PHOTO ? K_PHOTO_FILE_SIZE : K_FILE_SIZE]
				    .len))
			x->size = size;
	}
	x->placeholder = nsw_ingest__placeholder(ref);
	if (x->placeholder != NSW_MEDIA_PLACEHOLDER_NONE) {
		x->state = NSW_MEDIA_NOT_EXPORTED;
	} else if (nsw_ingest__media_resolve(t->c, x, &t->paths[*count],
					     t->line) < 0) {
		return oom(t);
	}
	(*count)++;
	return 0;
}

static const struct {
	const char *action;
	nsw_member_action kind;
} member_actions[] = {
	{"create_group", NSW_MEMBER_CREATE},
	{"create_channel", NSW_MEMBER_CREATE},
	{"invite_members", NSW_MEMBER_INVITE},
	{"remove_members", NSW_MEMBER_REMOVE},
	{"join_group_by_link", NSW_MEMBER_JOIN_LINK},
	{"join_group_by_request", NSW_MEMBER_JOIN_REQUEST},
	{"migrate_to_supergroup", NSW_MEMBER_MIGRATE_TO},
	{"migrate_from_group", NSW_MEMBER_MIGRATE_FROM},
	{"edit_group_title", NSW_MEMBER_TITLE},
};

static int emit_membership(struct tg *t, const nsw_ingest_message *m,
			   const char *action)
{
	nsw_ingest_membership ev;
	const char **names = NULL, **ids = NULL;
	const char *p;
	int rc = 0;

	memset(&ev, 0, sizeof(ev));
	for (size_t i = 0;
	     i < sizeof(member_actions) / sizeof(member_actions[0]); i++)
		if (strcmp(member_actions[i].action, action) == 0)
			ev.action = member_actions[i].kind;
	if (ev.action == 0)
		return 0;
	if (t->members_dropped)
		nsw_ingest__problem(t->c, t->line, NSW_ELIMIT, 0,
				    "message %s: member list cut at %d", m->id,
				    NSW_INGEST_PARTICIPANTS_MAX);
	if (t->member_count > 0) {
		names = nsw__calloc(t->member_count, sizeof(*names));
		ids = nsw__calloc(t->member_count, sizeof(*ids));
		if (names == NULL || ids == NULL) {
			rc = oom(t);
			goto done;
		}
		p = t->members.ptr;
		for (size_t i = 0; i < t->member_count; i++) {
			names[i] = p;
			p += strlen(p) + 1;
		}
	}
	ev.chat_id = m->chat_id;
	ev.message_id = m->id;
	ev.time = m->time;
	ev.flags = m->flags & (NSW_INGEST_TIME_LOCAL | NSW_INGEST_TIME_MISSING);
	ev.actor_id = m->sender_id;
	ev.actor_name = m->sender_name;
	ev.target_names = names;
	ev.target_ids = ids;
	ev.target_count = t->member_count;
	ev.title = field(t, K_TITLE);
	ev.inviter = field(t, K_INVITER);
	ev.line = t->line;
	/* Telegram writes leaving as removing oneself. */
	if (ev.action == NSW_MEMBER_REMOVE && t->member_count == 1 &&
	    m->sender_name != NULL && strcmp(names[0], m->sender_name) == 0) {
		ev.action = NSW_MEMBER_LEAVE;
		ev.target_count = 0;
	}
	rc = nsw_ingest__membership(t->c, &ev);
done:
	nsw__free(names);
	nsw__free(ids);
	return rc;
}

/* Time of the record: date_unixtime, else `date` read as local time. */
static int record_time(struct tg *t, int64_t *when, unsigned *flags)
{
	const char *u = field(t, K_DATE_UNIXTIME), *d = field(t, K_DATE);
	uint64_t v = 0;
	int local = 0;

	*when = 0;
	if (u != NULL) {
		if (!nsw_ingest__parse_u64(&v, u, strlen(u)) ||
		    v > (uint64_t)253402300799)
			return nsw_ingest__problem(
				       t->c, t->line, NSW_EFORMAT, 0,
				       "bad date_unixtime '%.40s'", u) -
			       1;
		*when = (int64_t)v;
		return 0;
	}
	if (d == NULL) {
		*flags |= NSW_INGEST_TIME_MISSING;
		return 0;
	}
	if (nsw_ingest__parse_iso8601(t->c, when, &local, d, strlen(d)) < 0)
		return nsw_ingest__problem(t->c, t->line, NSW_EFORMAT, 0,
					   "bad date '%.40s'", d) -
		       1;
	if (local)
		*flags |= NSW_INGEST_TIME_LOCAL;
	return 0;
}

static int emit_message(struct tg *t)
{
	const char *type = field(t, K_TYPE), *id = field(t, K_ID);
	int service = type != NULL && strcmp(type, "service") == 0;
	nsw_ingest_media media[MEDIA_SLOTS];
	nsw_ingest_message m;
	nsw_media_kind doc_kind;
	char idbuf[32];
	int rc;

	if (type != NULL && strcmp(type, "unsupported") == 0)
		return 0;
	t->ordinal++;
	if (type != NULL && !service && strcmp(type, "message") != 0) {
		t->c->stats->skipped++;
		return nsw_ingest__problem(t->c, t->line, NSW_EFORMAT, 0,
					   "unknown message type '%.40s'; "
					   "skipped",
					   type);
	}
	memset(&m, 0, sizeof(m));
	rc = emit_chat(t);
	if (rc < 0)
		return rc;
	m.chat_id = t->chat_id.ptr;
	if (id != NULL && !is_integer(id)) {
		t->c->stats->skipped++;
		return nsw_ingest__problem(t->c, t->line, NSW_EFORMAT, 0,
					   "bad message id '%.40s'; skipped",
					   id);
	}
	if (id == NULL) {
		snprintf(idbuf, sizeof(idbuf), "#%llu",
			 (unsigned long long)t->ordinal);
		id = idbuf;
		m.flags |= NSW_INGEST_MSG_ID_SYNTHETIC;
	}
	m.id = id;
	if (record_time(t, &m.time, &m.flags) < 0) {
		t->c->stats->skipped++;
		return 0;
	}
	if (t->repaired) {
		m.flags |= NSW_INGEST_MSG_TEXT_REPAIRED;
		nsw_ingest__problem(t->c, t->line, NSW_EFORMAT, 0,
				    "message %s: invalid UTF-8 replaced", id);
	}
	if (t->cut)
		m.flags |= NSW_INGEST_MSG_TEXT_TRUNCATED;
	/* Sender: from/from_id, or actor/actor_id on service messages. */
	m.sender_name = field(t, service ? K_ACTOR : K_FROM);
	m.sender_id = peer_id(t, &t->ids[0], service ? K_ACTOR_ID : K_FROM_ID);
	if (m.sender_id == NULL && m.sender_name != NULL &&
	    m.sender_name[0] != '\0') {
		nsw_buf_reset(&t->ids[0]);
		nsw_buf_printf(&t->ids[0], "name:%s", m.sender_name);
		m.sender_id = t->ids[0].ptr;
		rc = sighting(t, m.sender_id, m.sender_name, 1, m.time,
			      m.flags);
	} else {
		rc = sighting(t, m.sender_id, m.sender_name, 0, m.time,
			      m.flags);
	}
	if (rc < 0)
		return rc;
	m.forwarded_from = field(t, K_FORWARDED_FROM);
	m.forwarded_from_id = peer_id(t, &t->ids[1], K_FORWARDED_FROM_ID);
	if (m.forwarded_from_id != NULL) {
		rc = sighting(t, m.forwarded_from_id, m.forwarded_from, 0,
			      m.time, m.flags);
		if (rc < 0)
			return rc;
	}
	m.saved_from = field(t, K_SAVED_FROM);
	m.reply_to_id = field(t, K_REPLY_TO);
	m.via_bot = field(t, K_VIA_BOT);
	m.text = field(t, K_TEXT);
	m.text_len = m.text ? t->f[K_TEXT].len : 0;
	if (service) {
		m.flags |= NSW_INGEST_MSG_SERVICE;
		m.service_action = field(t, K_ACTION);
	}
	doc_kind = kind_of_document(field(t, K_MEDIA_TYPE));
	if (add_media(t, media, &m.media_count, K_PHOTO, NSW_MEDIA_KIND_PHOTO,
		      0) < 0 ||
	    add_media(t, media, &m.media_count, K_FILE, doc_kind, 0) < 0 ||
	    add_media(t, media, &m.media_count, K_THUMBNAIL,
		      field(t, K_FILE) ? doc_kind : NSW_MEDIA_KIND_PHOTO,
		      1) < 0 ||
	    add_media(t, media, &m.media_count, K_CONTACT_VCARD,
		      NSW_MEDIA_KIND_CONTACT, 0) < 0)
		return NSW_ENOMEM;
	m.media = media;
	m.line = t->line;
	rc = nsw_ingest__message(t->c, &m);
	if (rc < 0 || !service || m.service_action == NULL)
		return rc;
	return emit_membership(t, &m, m.service_action);
}

/* personal_information and contacts.list entries: account records. */
static int emit_person(struct tg *t, int self)
{
	const char *uid = field(t, K_USER_ID), *first = field(t, K_FIRST_NAME);
	const char *last = field(t, K_LAST_NAME), *phone = field(t, K_PHONE);
	const char *user = field(t, K_USERNAME);
	nsw_ingest_account a;
	char e164[32];
	nsw_buf name;
	int64_t when = 0;
	unsigned tflags = 0;
	int rc;

	if (uid == NULL || strcmp(uid, "0") == 0 || !is_integer(uid))
		return 0;
	memset(&a, 0, sizeof(a));
	nsw_buf_init(&name, NSW_INGEST_FIELD_MAX);
	nsw_buf_reset(&t->ids[2]);
	if (nsw_buf_printf(&t->ids[2], "user%s", uid) < 0 ||
	    nsw_buf_printf(&name, "%s%s%s", first ? first : "",
			   first && last && *last ? " " : "",
			   last ? last : "") < 0) {
		nsw_buf_dispose(&name);
		return oom(t);
	}
	a.id = t->ids[2].ptr;
	a.name = name.len > 0 ? name.ptr : NULL;
	a.username = user && user[0] == '@' ? user + 1 : user;
	if (a.username != NULL && a.username[0] == '\0')
		a.username = NULL;
	if (phone != NULL && phone[0] != '\0' &&
	    nsw_ingest_phone_normalize(e164, sizeof(e164), &a.flags, phone) ==
		    0)
		a.phone = e164;
	if (self)
		a.flags |= NSW_INGEST_ACCOUNT_SELF;
	if (record_time(t, &when, &tflags) == 0 &&
	    !(tflags & NSW_INGEST_TIME_MISSING))
		a.seen_at = when;
	a.line = t->line;
	rc = nsw_ingest__account(t->c, &a);
	nsw_buf_dispose(&name);
	return rc;
}

/* ---- JSON events ------------------------------------------------------ */

/* The top level must be an object; a message must be an object. */
static int check_shape(struct tg *t, int is_map)
{
	return nsw_ingest__json_shape(t->c, t->js, &t->fr, is_map, R_MESSAGES,
				      "Telegram export");
}

static int scalar(struct tg *t, const char *s, size_t n, int numeric)
{
	nsw_ingest__frame *f = top(t);

	if (t->fr.depth == 0 || f->role == R_MESSAGES) {
		int rc = check_shape(t, 0);

		if (rc < 0 || t->fr.depth == 0)
			return rc;
		(void)s;
		(void)n;
		(void)numeric;
		return 0;
	}

	switch ((enum role)f->role) {
	case R_ROOT:
	case R_CHAT:
		return chat_scalar(t, (enum key)f->key, s, n);
	case R_MESSAGE:
	case R_PERSONAL:
	case R_CONTACT:
		if (f->key == K_TEXT)
			return numeric ? 0 : append_text(t, s, n);
		return set_field(t, (enum key)f->key, s, n, numeric);
	case R_TEXT:
		return numeric ? 0 : append_text(t, s, n);
	case R_ENTITY:
		return f->key == K_TEXT && !numeric ? append_text(t, s, n) : 0;
	case R_MEMBERS:
		return numeric ? 0 : add_member(t, s, n);
	default:
		return 0;
	}
}

static int on_string(void *ctx, const char *s, size_t n)
{
	return scalar(ctx, s, n, 0);
}

static int on_number(void *ctx, const char *s, size_t n)
{
	return scalar(ctx, s, n, 1);
}

static int on_null(void *ctx)
{
	struct tg *t = ctx;

	if (top(t)->role == R_MESSAGE && top(t)->key == K_FROM)
		t->from_null = 1;
	return 0;
}

static int on_key(void *ctx, const char *s, size_t n)
{
	struct tg *t = ctx;

	top(t)->key = nsw_ingest__key_lookup(
		key_table, sizeof(key_table) / sizeof(key_table[0]), s, n);
	return 0;
}

static enum role child_role(struct tg *t, int is_map)
{
	nsw_ingest__frame *f = top(t);

	if (t->fr.depth == 0)
		return is_map ? R_ROOT : R_OTHER;
	switch ((enum role)f->role) {
	case R_ROOT:
		if (!is_map && f->key == K_MESSAGES)
			return R_MESSAGES;
		if (is_map && (f->key == K_CHATS || f->key == K_LEFT_CHATS ||
			       f->key == K_CONTACTS))
			return R_SECTION;
		if (is_map && f->key == K_PERSONAL)
			return R_PERSONAL;
		return R_OTHER;
	case R_SECTION:
		if (!is_map && f->key == K_LIST)
			return t->fr.st[t->fr.depth - 1].key == K_CONTACTS
				       ? R_CONTACT_LIST
				       : R_CHAT_LIST;
		return R_OTHER;
	case R_CHAT_LIST:
		return is_map ? R_CHAT : R_OTHER;
	case R_CONTACT_LIST:
		return is_map ? R_CONTACT : R_OTHER;
	case R_CHAT:
		return !is_map && f->key == K_MESSAGES ? R_MESSAGES : R_OTHER;
	case R_MESSAGES:
		return is_map ? R_MESSAGE : R_OTHER;
	case R_MESSAGE:
		if (!is_map && f->key == K_TEXT)
			return R_TEXT;
		if (!is_map && f->key == K_MEMBERS)
			return R_MEMBERS;
		return R_OTHER;
	case R_TEXT:
		return is_map ? R_ENTITY : R_OTHER;
	default:
		return R_OTHER;
	}
}

static int push(struct tg *t, int is_map)
{
	enum role r = child_role(t, is_map);
	int rc = check_shape(t, is_map);

	if (rc == 0)
		rc = nsw_ingest__frames_push(&t->fr, (unsigned char)r,
					     t->c->file);
	if (rc < 0)
		return rc;
	if (r == R_ROOT)
		chat_reset(t, 1);
	else if (r == R_CHAT)
		chat_reset(t, 0);
	else if (r == R_MESSAGE || r == R_PERSONAL || r == R_CONTACT)
		record_reset(t);
	else if (r == R_MESSAGES && t->fr.st[t->fr.depth - 1].role == R_ROOT)
		t->chat_is_root = 2; /* the root is a chat */
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

static int pop(struct tg *t)
{
	enum role r = (enum role)top(t)->role;
	int rc = 0;

	if (r == R_MESSAGE)
		rc = emit_message(t);
	else if (r == R_PERSONAL || r == R_CONTACT)
		rc = emit_person(t, r == R_PERSONAL);
	else if (r == R_CHAT || (r == R_ROOT && t->chat_is_root == 2))
		rc = emit_chat(t);
	nsw_ingest__frames_pop(&t->fr);
	return rc;
}

static int on_end(void *ctx)
{
	return pop(ctx);
}

int nsw_ingest__telegram(nsw_ingest__ctx *c, nsw_ingest__src *src)
{
	static const nsw_json_handlers h = {
		.null_value = on_null,
		.number = on_number,
		.string = on_string,
		.start_map = on_start_map,
		.map_key = on_key,
		.end_map = on_end,
		.start_array = on_start_array,
		.end_array = on_end,
	};
	struct tg *t = NULL;
	int rc;

	t = nsw__calloc(1, sizeof(*t));
	if (t == NULL)
		return nsw_error_set(NSW_ENOMEM, "%s: out of memory", c->file);
	t->c = c;
	for (int i = 0; i < K_FIELDS; i++)
		nsw_buf_init(&t->f[i], i == K_TEXT ? NSW_INGEST_TEXT_MAX
						   : NSW_INGEST_FIELD_MAX);
	nsw_buf_init(&t->members, NSW_INGEST_TEXT_MAX);
	nsw_buf_init(&t->chat_name, NSW_INGEST_FIELD_MAX);
	nsw_buf_init(&t->chat_type, NSW_INGEST_FIELD_MAX);
	nsw_buf_init(&t->chat_id, NSW_INGEST_FIELD_MAX);
	for (int i = 0; i < 4; i++)
		nsw_buf_init(&t->ids[i], NSW_INGEST_FIELD_MAX);
	for (int i = 0; i < MEDIA_SLOTS; i++)
		nsw_buf_init(&t->paths[i], NSW_PATH_MAX);
	rc = nsw_ingest__json_run(c, src, &h, t, &t->js);
	if (rc == 0 && t->chat_index == 0 && c->stats->messages == 0)
		nsw_ingest__note(c, "no chat with messages found");
	for (int i = 0; i < K_FIELDS; i++)
		nsw_buf_dispose(&t->f[i]);
	nsw_buf_dispose(&t->members);
	nsw_buf_dispose(&t->chat_name);
	nsw_buf_dispose(&t->chat_type);
	nsw_buf_dispose(&t->chat_id);
	for (int i = 0; i < 4; i++)
		nsw_buf_dispose(&t->ids[i]);
	for (int i = 0; i < MEDIA_SLOTS; i++)
		nsw_buf_dispose(&t->paths[i]);
	nsw__free(t);
	return rc;
}
