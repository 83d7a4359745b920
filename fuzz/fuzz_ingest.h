/* SPDX-License-Identifier: Apache-2.0 */
/* The body of every chat-export fuzz target: the parser named by
 * FUZZ_INGEST_FORMAT over a memory buffer, with a sink that reads every
 * string it is given. Each fuzz_ingest_<f>.c defines FUZZ_INGEST_FORMAT
 * and includes this file. */
#ifndef FUZZ_INGEST_FORMAT
#error "define FUZZ_INGEST_FORMAT before including fuzz_ingest.h"
#endif
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "netsweep/ingest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t touch(const char *s)
{
	return s ? strlen(s) : 0;
}

static int on_chat(void *ctx, const nsw_ingest_chat *c)
{
	*(size_t *)ctx += touch(c->id) + touch(c->title);
	return 0;
}

static int on_account(void *ctx, const nsw_ingest_account *a)
{
	*(size_t *)ctx += touch(a->id) + touch(a->name) + touch(a->phone);
	return 0;
}

static int on_message(void *ctx, const nsw_ingest_message *m)
{
	size_t n = touch(m->id) + touch(m->chat_id) + touch(m->sender_id) +
		   touch(m->sender_name) + touch(m->reply_to_id) +
		   touch(m->forwarded_from) + m->text_len;

	if (m->text_len > 0 && m->text[m->text_len - 1] == '\0')
		n++;
	for (size_t i = 0; i < m->media_count; i++)
		n += touch(m->media[i].ref) + touch(m->media[i].path);
	*(size_t *)ctx += n;
	return 0;
}

static int on_membership(void *ctx, const nsw_ingest_membership *e)
{
	size_t n = touch(e->actor_id) + touch(e->actor_name) + touch(e->title);

	for (size_t i = 0; i < e->target_count; i++)
		n += touch(e->target_names[i]) + touch(e->target_ids[i]);
	*(size_t *)ctx += n;
	return 0;
}

static void on_problem(void *ctx, const nsw_ingest_problem *p)
{
	*(size_t *)ctx += touch(p->message);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t total = 0;
	nsw_ingest_sink sink = {&total,	    on_chat,	   on_account,
				on_message, on_membership, on_problem,
				NULL};
	nsw_ingest_options opt;

	memset(&opt, 0, sizeof(opt));
	opt.format = FUZZ_INGEST_FORMAT;
	nsw_ingest_buffer(NULL, data, size, "fuzz", &opt, &sink);
	return 0;
}
