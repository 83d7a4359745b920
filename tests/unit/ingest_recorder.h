/* SPDX-License-Identifier: Apache-2.0 */
/* Test sink for the ingest tests: counts every event and keeps a one-line
 * summary of the first messages, memberships and problems. */
#ifndef NSW_TEST_INGEST_RECORDER_H
#define NSW_TEST_INGEST_RECORDER_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netsweep/ingest.h"

#define REC_KEEP 64

struct rec {
	unsigned chats, accounts, messages, service, membership, media;
	unsigned not_exported, refused, in_archive, files, problems, fatal;
	unsigned notes;
	unsigned placeholder[6]; /* by nsw_media_placeholder */
	char chat[REC_KEEP][256];
	char acct[REC_KEEP][256];
	char msg[REC_KEEP][512];
	char media_line[REC_KEEP][512];
	char member[REC_KEEP][256];
	char problem[REC_KEEP][256];
	char note[512];
	/* Full copy of the last message text (large-text tests). */
	size_t last_text_len;
	unsigned last_flags;
};

#define S(x) ((x) ? (x) : "-")

static int rec_chat(void *ctx, const nsw_ingest_chat *c)
{
	struct rec *r = ctx;

	if (r->chats < REC_KEEP)
		snprintf(r->chat[r->chats], sizeof(r->chat[0]),
			 "%s|%s|%s|%s|%s", c->id, S(c->title),
			 nsw_chat_kind_name(c->kind), S(c->parent_id),
			 nsw_platform_name(c->platform));
	r->chats++;
	return 0;
}

static int rec_account(void *ctx, const nsw_ingest_account *a)
{
	struct rec *r = ctx;

	if (r->accounts < REC_KEEP)
		snprintf(r->acct[r->accounts], sizeof(r->acct[0]),
			 "%s|%s|%s|%s|%x", a->id, S(a->name), S(a->username),
			 S(a->phone), a->flags);
	r->accounts++;
	return 0;
}

static int rec_message(void *ctx, const nsw_ingest_message *m)
{
	struct rec *r = ctx;

	if (r->messages < REC_KEEP)
		snprintf(r->msg[r->messages], sizeof(r->msg[0]),
			 "%s|%s|%lld|%x|%s|%s|%s|%s|%s|%s|%s|%s", m->id,
			 m->chat_id, (long long)m->time, m->flags,
			 S(m->sender_id), S(m->sender_name),
			 S(m->forwarded_from), S(m->saved_from),
			 S(m->reply_to_id), S(m->via_bot), S(m->service_action),
			 m->text);
	r->messages++;
	if (m->flags & NSW_INGEST_MSG_SERVICE)
		r->service++;
	r->last_text_len = m->text_len;
	r->last_flags = m->flags;
	for (size_t i = 0; i < m->media_count; i++) {
		const nsw_ingest_media *x = &m->media[i];

		if (r->media < REC_KEEP)
			snprintf(r->media_line[r->media],
				 sizeof(r->media_line[0]), "%s|%s|%s|%d|%s",
				 m->id, nsw_media_kind_name(x->kind),
				 nsw_media_state_name(x->state),
				 x->is_thumbnail, x->ref);
		r->placeholder[x->placeholder < 6 ? x->placeholder : 0]++;
		r->media++;
		r->not_exported += x->state == NSW_MEDIA_NOT_EXPORTED;
		r->refused += x->state == NSW_MEDIA_REFUSED;
		r->in_archive += x->state == NSW_MEDIA_IN_ARCHIVE;
		r->files += x->state == NSW_MEDIA_FILE;
	}
	return 0;
}

static int rec_membership(void *ctx, const nsw_ingest_membership *e)
{
	struct rec *r = ctx;

	if (r->membership < REC_KEEP) {
		char *p = r->member[r->membership];
		size_t cap = sizeof(r->member[0]);
		int w = snprintf(p, cap, "%s|%s|%s|%s|%s|%s|",
				 nsw_member_action_name(e->action),
				 S(e->message_id), S(e->actor_id),
				 S(e->actor_name), S(e->title), S(e->inviter));

		for (size_t i = 0;
		     i < e->target_count && w > 0 && (size_t)w < cap; i++)
			w += snprintf(p + w, cap - (size_t)w, "%s%s",
				      i ? "," : "", S(e->target_names[i]));
	}
	r->membership++;
	return 0;
}

static void rec_problem(void *ctx, const nsw_ingest_problem *p)
{
	struct rec *r = ctx;

	if (r->problems < REC_KEEP)
		snprintf(r->problem[r->problems], sizeof(r->problem[0]),
			 "%llu|%d|%s", (unsigned long long)p->line, p->fatal,
			 p->message);
	r->problems++;
	r->fatal += p->fatal != 0;
}

static void rec_note(void *ctx, const char *file, const char *message)
{
	struct rec *r = ctx;

	(void)file;
	snprintf(r->note, sizeof(r->note), "%s", message);
	r->notes++;
}

static struct rec *rec_new(nsw_ingest_sink *sink)
{
	struct rec *r = calloc(1, sizeof(*r));

	sink->ctx = r;
	sink->chat = rec_chat;
	sink->account = rec_account;
	sink->message = rec_message;
	sink->membership = rec_membership;
	sink->problem = rec_problem;
	sink->note = rec_note;
	return r;
}

/* Index of the first kept line of `lines` that starts with `prefix`. */
static inline int rec_find(char (*lines)[512], unsigned n, const char *prefix)
{
	for (unsigned i = 0; i < n && i < REC_KEEP; i++)
		if (strncmp(lines[i], prefix, strlen(prefix)) == 0)
			return (int)i;
	return -1;
}

/* Does any of the first problems contain `needle`? */
static inline int rec_problem_has(const struct rec *r, const char *needle)
{
	for (unsigned i = 0; i < r->problems && i < REC_KEEP; i++)
		if (strstr(r->problem[i], needle) != NULL)
			return 1;
	return 0;
}

#endif
