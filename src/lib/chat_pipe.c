/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The parser on a thread of its own: nsw_ingest_file() runs there and each
 * event is copied (struct and strings in one block) into a bounded queue;
 * the calling thread takes them out in order and hands them to the real
 * sink, so parsing and recording overlap on two cores. A sink failure
 * cancels the parser at its next event.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "alloc.h"
#include "chat_pipe.h"
#include "error.h"
#include "limits.h"

enum {
	EV_CHAT,
	EV_ACCOUNT,
	EV_MESSAGE,
	EV_MEMBERSHIP,
	EV_PROBLEM,
	EV_NOTE
};

struct ev {
	struct ev *next;
	int type;
	size_t bytes;
	union {
		nsw_ingest_chat chat;
		nsw_ingest_account account;
		nsw_ingest_message message;
		nsw_ingest_membership membership;
		nsw_ingest_problem problem;
		struct {
			const char *file, *message;
		} note;
	} u;
	/* followed by the copied strings and arrays */
};

struct pipe {
	pthread_mutex_t lock;
	pthread_cond_t more, room;
	struct ev *head, *tail;
	size_t bytes;
	int closed; /* the parser is done */
	/* Producer-only: events gathered before they are queued as one
	 * batch (one lock and one wake-up per batch, not per event). */
	struct ev *pend_head, *pend_tail;
	size_t pend_n, pend_bytes;
	int cancelled; /* the consumer failed: its code */
	/* parser thread */
	nsw_ingest_stats *stats;
	const char *path;
	const nsw_ingest_options *options;
	int parse_rc;
	double parse_cpu; /* CPU seconds of the parser thread */
	char parse_message[NSW_ERROR_MESSAGE_MAX];
};

/* ---- Copying an event ---------------------------------------------------- */

/* Two passes: with base NULL it only measures. */
struct pack {
	char *base;
	size_t n;
};

static void *pk_raw(struct pack *k, const void *src, size_t len, int align)
{
	void *d = NULL;

	if (align)
		k->n = (k->n + 7) & ~(size_t)7;
	if (k->base != NULL) {
		d = k->base + k->n;
		if (src != NULL)
			memcpy(d, src, len);
	}
	k->n += len;
	return d;
}

static const char *pk_str(struct pack *k, const char *s)
{
	return s != NULL ? pk_raw(k, s, strlen(s) + 1, 0) : NULL;
}

static void pack_chat(struct pack *k, nsw_ingest_chat *d,
		      const nsw_ingest_chat *c)
{
	*d = *c;
	d->id = pk_str(k, c->id);
	d->title = pk_str(k, c->title);
	d->platform_type = pk_str(k, c->platform_type);
	d->parent_id = pk_str(k, c->parent_id);
	d->parent_title = pk_str(k, c->parent_title);
	d->file = pk_str(k, c->file);
}

static void pack_account(struct pack *k, nsw_ingest_account *d,
			 const nsw_ingest_account *a)
{
	*d = *a;
	d->id = pk_str(k, a->id);
	d->name = pk_str(k, a->name);
	d->username = pk_str(k, a->username);
	d->phone = pk_str(k, a->phone);
	d->file = pk_str(k, a->file);
}

static void pack_message(struct pack *k, nsw_ingest_message *d,
			 const nsw_ingest_message *m)
{
	nsw_ingest_media *md, tmp;
	char *text;

	*d = *m;
	d->chat_id = pk_str(k, m->chat_id);
	d->id = pk_str(k, m->id);
	d->sender_id = pk_str(k, m->sender_id);
	d->sender_name = pk_str(k, m->sender_name);
	d->forwarded_from = pk_str(k, m->forwarded_from);
	d->forwarded_from_id = pk_str(k, m->forwarded_from_id);
	d->saved_from = pk_str(k, m->saved_from);
	d->reply_to_id = pk_str(k, m->reply_to_id);
	d->via_bot = pk_str(k, m->via_bot);
	d->service_action = pk_str(k, m->service_action);
	d->file = pk_str(k, m->file);
	/* The text has its length (it is NUL-terminated too). */
	text = pk_raw(k, m->text, m->text_len, 0);
	pk_raw(k, "", 1, 0);
	d->text = text;
	md = pk_raw(k, NULL, m->media_count * sizeof(*md), 1);
	d->media = md;
	for (size_t i = 0; i < m->media_count; i++) {
		nsw_ingest_media *t = md != NULL ? &md[i] : &tmp;

		*t = m->media[i];
		t->ref = pk_str(k, m->media[i].ref);
		t->path = pk_str(k, m->media[i].path);
		t->archive = pk_str(k, m->media[i].archive);
		t->file_name = pk_str(k, m->media[i].file_name);
		t->mime_type = pk_str(k, m->media[i].mime_type);
	}
}

static const char *const *pk_strv(struct pack *k, const char *const *v,
				  size_t n)
{
	const char **d;

	if (v == NULL)
		return NULL;
	d = pk_raw(k, NULL, n * sizeof(*d), 1);
	for (size_t i = 0; i < n; i++) {
		const char *s = pk_str(k, v[i]);

		if (d != NULL)
			d[i] = s;
	}
	return d;
}

static void pack_membership(struct pack *k, nsw_ingest_membership *d,
			    const nsw_ingest_membership *e)
{
	*d = *e;
	d->chat_id = pk_str(k, e->chat_id);
	d->message_id = pk_str(k, e->message_id);
	d->actor_id = pk_str(k, e->actor_id);
	d->actor_name = pk_str(k, e->actor_name);
	d->target_names = pk_strv(k, e->target_names, e->target_count);
	d->target_ids = pk_strv(k, e->target_ids, e->target_count);
	d->title = pk_str(k, e->title);
	d->inviter = pk_str(k, e->inviter);
	d->file = pk_str(k, e->file);
}

static void pack_problem(struct pack *k, nsw_ingest_problem *d,
			 const nsw_ingest_problem *p)
{
	*d = *p;
	d->file = pk_str(k, p->file);
	d->message = pk_str(k, p->message);
}

/* Measure, allocate, copy. */
static struct ev *ev_new(int type, const void *src)
{
	struct pack k = {NULL, 0};
	struct ev scratch, *ev;

	for (int pass = 0; pass < 2; pass++) {
		struct ev *e = pass == 0 ? &scratch : ev;

		switch (type) {
		case EV_CHAT:
			pack_chat(&k, &e->u.chat, src);
			break;
		case EV_ACCOUNT:
			pack_account(&k, &e->u.account, src);
			break;
		case EV_MESSAGE:
			pack_message(&k, &e->u.message, src);
			break;
		case EV_MEMBERSHIP:
			pack_membership(&k, &e->u.membership, src);
			break;
		case EV_PROBLEM:
			pack_problem(&k, &e->u.problem, src);
			break;
		default: {
			const char *const *note = src;

			e->u.note.file = pk_str(&k, note[0]);
			e->u.note.message = pk_str(&k, note[1]);
			break;
		}
		}
		if (pass == 1)
			break;
		ev = nsw__malloc(sizeof(*ev) + k.n);
		if (ev == NULL)
			return NULL;
		ev->next = NULL;
		ev->type = type;
		ev->bytes = sizeof(*ev) + k.n;
		k.base = (char *)(ev + 1);
		k.n = 0;
	}
	return ev;
}

/* ---- The queue ---------------------------------------------------------- */

#define PIPE_BATCH 256

/* Queue the pending batch. 0, or the consumer's failure code. */
static int flush_pending(struct pipe *p)
{
	struct ev *ev;
	int rc;

	if (p->pend_head == NULL)
		return 0;
	pthread_mutex_lock(&p->lock);
	while (p->bytes > NSW_CHAT_PIPE_BYTES && p->cancelled == 0)
		pthread_cond_wait(&p->room, &p->lock);
	rc = p->cancelled;
	if (rc == 0) {
		if (p->tail != NULL)
			p->tail->next = p->pend_head;
		else
			p->head = p->pend_head;
		p->tail = p->pend_tail;
		p->bytes += p->pend_bytes;
		pthread_cond_signal(&p->more);
	}
	pthread_mutex_unlock(&p->lock);
	if (rc != 0) {
		while ((ev = p->pend_head) != NULL) {
			p->pend_head = ev->next;
			nsw__free(ev);
		}
	}
	p->pend_head = p->pend_tail = NULL;
	p->pend_n = p->pend_bytes = 0;
	return rc;
}

/* Producer side: 0, or the consumer's failure code (stop parsing). */
static int push(struct pipe *p, int type, const void *src)
{
	struct ev *ev = ev_new(type, src);

	if (ev == NULL)
		return nsw_error_set(NSW_ENOMEM, "ingest: out of memory");
	if (p->pend_tail != NULL)
		p->pend_tail->next = ev;
	else
		p->pend_head = ev;
	p->pend_tail = ev;
	p->pend_n++;
	p->pend_bytes += ev->bytes;
	if (p->pend_n < PIPE_BATCH && p->pend_bytes < NSW_CHAT_PIPE_BYTES / 8)
		return 0;
	return flush_pending(p);
}

/* Consumer side: everything queued, as a list (NULL when done). */
static struct ev *pop_all(struct pipe *p)
{
	struct ev *ev;

	pthread_mutex_lock(&p->lock);
	while (p->head == NULL && !p->closed)
		pthread_cond_wait(&p->more, &p->lock);
	ev = p->head;
	p->head = p->tail = NULL;
	p->bytes = 0;
	pthread_cond_signal(&p->room);
	pthread_mutex_unlock(&p->lock);
	return ev;
}

static int s_chat(void *ctx, const nsw_ingest_chat *c)
{
	return push(ctx, EV_CHAT, c);
}

static int s_account(void *ctx, const nsw_ingest_account *a)
{
	return push(ctx, EV_ACCOUNT, a);
}

static int s_message(void *ctx, const nsw_ingest_message *m)
{
	return push(ctx, EV_MESSAGE, m);
}

static int s_membership(void *ctx, const nsw_ingest_membership *e)
{
	return push(ctx, EV_MEMBERSHIP, e);
}

static void s_problem(void *ctx, const nsw_ingest_problem *pr)
{
	(void)push(ctx, EV_PROBLEM, pr);
}

static void s_note(void *ctx, const char *file, const char *message)
{
	const char *note[2] = {file, message};

	(void)push(ctx, EV_NOTE, note);
}

static double thread_cpu(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
		return 0;
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *parser_main(void *arg)
{
	struct pipe *p = arg;
	nsw_ingest_sink sink = {p,	   s_chat,	 s_account,
				s_message, s_membership, s_problem,
				s_note};

	p->parse_rc = nsw_ingest_file(p->stats, p->path, p->options, &sink);
	(void)flush_pending(p);
	p->parse_cpu = thread_cpu();
	if (p->parse_rc != 0)
		snprintf(p->parse_message, sizeof(p->parse_message), "%s",
			 nsw_error_last());
	pthread_mutex_lock(&p->lock);
	p->closed = 1;
	pthread_cond_signal(&p->more);
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

static int deliver(const nsw_ingest_sink *sink, const struct ev *ev)
{
	switch (ev->type) {
	case EV_CHAT:
		return sink->chat ? sink->chat(sink->ctx, &ev->u.chat) : 0;
	case EV_ACCOUNT:
		return sink->account ? sink->account(sink->ctx, &ev->u.account)
				     : 0;
	case EV_MESSAGE:
		return sink->message ? sink->message(sink->ctx, &ev->u.message)
				     : 0;
	case EV_MEMBERSHIP:
		return sink->membership
			       ? sink->membership(sink->ctx, &ev->u.membership)
			       : 0;
	case EV_PROBLEM:
		if (sink->problem)
			sink->problem(sink->ctx, &ev->u.problem);
		return 0;
	default:
		if (sink->note)
			sink->note(sink->ctx, ev->u.note.file,
				   ev->u.note.message);
		return 0;
	}
}

int nsw_chat__ingest_piped(nsw_ingest_stats *stats, const char *path,
			   const nsw_ingest_options *options,
			   const nsw_ingest_sink *sink, double *parser_cpu)
{
	struct pipe *p;
	pthread_t th;
	struct ev *ev;
	int rc = 0;

	p = nsw__calloc(1, sizeof(*p));
	if (p == NULL)
		return nsw_error_set(NSW_ENOMEM, "ingest: out of memory");
	p->stats = stats;
	p->path = path;
	p->options = options;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->more, NULL);
	pthread_cond_init(&p->room, NULL);
	if (pthread_create(&th, NULL, parser_main, p) != 0) {
		/* No thread: parse on this one. */
		*parser_cpu = 0;
		rc = nsw_ingest_file(stats, path, options, sink);
		goto done;
	}
	while ((ev = pop_all(p)) != NULL) {
		while (ev != NULL) {
			struct ev *next = ev->next;

			if (rc == 0) {
				rc = deliver(sink, ev);
				if (rc != 0) {
					pthread_mutex_lock(&p->lock);
					p->cancelled = rc;
					pthread_cond_signal(&p->room);
					pthread_mutex_unlock(&p->lock);
				}
			}
			nsw__free(ev);
			ev = next;
		}
	}
	pthread_join(th, NULL);
	*parser_cpu = p->parse_cpu;
	if (rc == 0 && p->parse_rc != 0)
		rc = nsw_error_set(p->parse_rc, "%s", p->parse_message);
done:
	pthread_cond_destroy(&p->room);
	pthread_cond_destroy(&p->more);
	pthread_mutex_destroy(&p->lock);
	nsw__free(p);
	return rc;
}
