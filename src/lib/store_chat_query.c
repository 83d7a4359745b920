/* SPDX-License-Identifier: Apache-2.0 */
/* Reading the chat tables: totals, messages by chat and time, media with
 * hits (what the network analysis and reports start from). */
#include <string.h>

#include "error.h"
#include "netsweep/chat.h"
#include "store.h"

#define EV(t) " WHERE (?1=0 OR " t "evidence_id=?1)"

int nsw_chat_get_totals(nsw_case *c, int64_t evidence_id, nsw_chat_totals *out)
{
	int rc;

	if (c == NULL || out == NULL)
		return nsw_error_set(NSW_EINVAL, "chat totals: NULL argument");
	memset(out, 0, sizeof(*out));
	rc = nsw_store__query_int64(
		c,
		"SELECT count(*) FROM platforms WHERE ?1=0 OR id IN "
		"(SELECT platform_id FROM chats WHERE evidence_id=?1)",
		evidence_id, &out->platforms);
	rc = rc ? rc
		: nsw_store__query_int64(c, "SELECT count(*) FROM chats" EV(""),
					 evidence_id, &out->chats);
	rc = rc ? rc
		: nsw_store__query_int64(c,
					 "SELECT count(*) FROM accounts" EV(""),
					 evidence_id, &out->accounts);
	rc = rc ? rc
		: nsw_store__query_int64(
			  c, "SELECT count(*) FROM account_names" EV(""),
			  evidence_id, &out->account_names);
	rc = rc ? rc
		: nsw_store__query_int64(c,
					 "SELECT count(*) FROM messages" EV(""),
					 evidence_id, &out->messages);
	rc = rc ? rc
		: nsw_store__query_int64(c,
					 "SELECT count(*) FROM messages" EV(
						 "") " AND (flags & 8)<>0",
					 evidence_id, &out->messages_service);
	rc = rc ? rc
		: nsw_store__query_int64(c, "SELECT count(*) FROM media" EV(""),
					 evidence_id, &out->media);
	rc = rc ? rc
		: nsw_store__query_int64(c,
					 "SELECT count(*) FROM media" EV(
						 "") " AND file_id IS NOT NULL",
					 evidence_id, &out->media_files);
	rc = rc ? rc
		: nsw_store__query_int64(
			  c, "SELECT count(*) FROM membership_events" EV(""),
			  evidence_id, &out->membership_events);
	rc = rc ? rc
		: nsw_store__query_int64(
			  c, "SELECT count(*) FROM ingest_problems" EV(""),
			  evidence_id, &out->problems);
	rc = rc ? rc
		: nsw_store__query_int64(
			  c,
			  "SELECT count(DISTINCT m.id) FROM media m JOIN hits"
			  " h ON h.file_id=m.file_id JOIN lists l ON "
			  "l.id=h.list_id" EV("m.") " AND l.role='match' AND "
						    "h.suppressed=0",
			  evidence_id, &out->media_hits);
	return rc;
}

static const char *col_text(nsw_sqlstmt *st, int col)
{
	return nsw_sqldb_column_text(st, col, NULL);
}

int nsw_chat_messages_foreach(nsw_case *c, const nsw_chat_message_filter *f,
			      int (*fn)(void *ctx,
					const nsw_chat_message_row *row),
			      void *ctx)
{
	static const nsw_chat_message_filter all = {0, 0, 0, 0};
	nsw_chat_message_row r;
	nsw_sqlstmt *st = NULL;
	int rc;

	if (c == NULL || fn == NULL)
		return nsw_error_set(NSW_EINVAL,
				     "chat messages: NULL argument");
	if (f == NULL)
		f = &all;
	rc = nsw_sqldb_prepare(
		c->db, &st,
		"SELECT m.id, m.chat_id, ch.native_id, m.native_id, "
		"m.time_unix, m.time_utc, m.flags, m.sender_account_id, "
		"a.native_id, m.sender_name, m.forwarded_from_account_id, "
		"m.forwarded_from_name, m.saved_from, m.reply_to_message_id, "
		"m.reply_to_native_id, m.via_bot, m.service_action, m.text, "
		"m.media_id, m.source_ref FROM messages m JOIN chats ch ON "
		"ch.id=m.chat_id LEFT JOIN accounts a ON "
		"a.id=m.sender_account_id WHERE (?1=0 OR m.chat_id=?1) AND "
		"(?2=0 OR m.time_unix>=?2) AND (?3=0 OR m.time_unix<?3) AND "
		"(?4=0 OR m.evidence_id=?4) ORDER BY m.chat_id, m.time_utc, "
		"m.id");
	rc = rc ? rc : nsw_sqldb_bind_int64(st, 1, f->chat_id);
	rc = rc ? rc : nsw_sqldb_bind_int64(st, 2, f->from_time);
	rc = rc ? rc : nsw_sqldb_bind_int64(st, 3, f->until_time);
	rc = rc ? rc : nsw_sqldb_bind_int64(st, 4, f->evidence_id);
	while (rc == NSW_OK && (rc = nsw_sqldb_step(st)) == 1) {
		memset(&r, 0, sizeof(r));
		r.id = nsw_sqldb_column_int64(st, 0);
		r.chat_id = nsw_sqldb_column_int64(st, 1);
		r.chat_native_id = col_text(st, 2);
		r.native_id = col_text(st, 3);
		r.time = nsw_sqldb_column_int64(st, 4);
		r.time_utc = col_text(st, 5);
		r.flags = (unsigned)nsw_sqldb_column_int64(st, 6);
		r.sender_account_id = nsw_sqldb_column_int64(st, 7);
		r.sender_native_id = col_text(st, 8);
		r.sender_name = col_text(st, 9);
		r.forwarded_from_account_id = nsw_sqldb_column_int64(st, 10);
		r.forwarded_from_name = col_text(st, 11);
		r.saved_from = col_text(st, 12);
		r.reply_to_message_id = nsw_sqldb_column_int64(st, 13);
		r.reply_to_native_id = col_text(st, 14);
		r.via_bot = col_text(st, 15);
		r.service_action = col_text(st, 16);
		r.text = col_text(st, 17);
		r.media_id = nsw_sqldb_column_int64(st, 18);
		r.source_ref = col_text(st, 19);
		rc = fn(ctx, &r);
	}
	nsw_sqldb_finalize(st);
	return rc;
}

int nsw_chat_media_hits_foreach(nsw_case *c, int include_suppressed,
				int (*fn)(void *ctx,
					  const nsw_chat_media_hit_row *row),
				void *ctx)
{
	nsw_chat_media_hit_row r;
	nsw_sqlstmt *st = NULL;
	int rc;

	if (c == NULL || fn == NULL)
		return nsw_error_set(NSW_EINVAL, "chat hits: NULL argument");
	rc = nsw_sqldb_prepare(
		c->db, &st,
		"SELECT md.id, m.id, m.chat_id, md.file_id, ch.native_id, "
		"m.native_id, m.time_unix, m.sender_account_id, a.native_id, "
		"m.forwarded_from_account_id, m.forwarded_from_name, "
		"md.platform_ref, l.name, l.id, h.entry_id, h.algorithm, "
		"h.distance, h.category_scheme, h.category_code, h.suppressed "
		"FROM media md JOIN messages m ON m.id=md.message_id JOIN chats"
		" ch ON ch.id=m.chat_id JOIN hits h ON h.file_id=md.file_id "
		"JOIN lists l ON l.id=h.list_id LEFT JOIN accounts a ON "
		"a.id=m.sender_account_id WHERE l.role='match' AND (?1=1 OR "
		"h.suppressed=0) ORDER BY m.time_unix, md.id, h.id");
	rc = rc ? rc : nsw_sqldb_bind_int64(st, 1, include_suppressed ? 1 : 0);
	while (rc == NSW_OK && (rc = nsw_sqldb_step(st)) == 1) {
		memset(&r, 0, sizeof(r));
		r.media_id = nsw_sqldb_column_int64(st, 0);
		r.message_id = nsw_sqldb_column_int64(st, 1);
		r.chat_id = nsw_sqldb_column_int64(st, 2);
		r.file_id = nsw_sqldb_column_int64(st, 3);
		r.chat_native_id = col_text(st, 4);
		r.message_native_id = col_text(st, 5);
		r.time = nsw_sqldb_column_int64(st, 6);
		r.sender_account_id = nsw_sqldb_column_int64(st, 7);
		r.sender_native_id = col_text(st, 8);
		r.forwarded_from_account_id = nsw_sqldb_column_int64(st, 9);
		r.forwarded_from_name = col_text(st, 10);
		r.media_ref = col_text(st, 11);
		r.list_name = col_text(st, 12);
		r.list_id = nsw_sqldb_column_int64(st, 13);
		r.entry_id = nsw_sqldb_column_int64(st, 14);
		r.algorithm = col_text(st, 15);
		r.distance = (int)nsw_sqldb_column_int64(st, 16);
		r.category_scheme = col_text(st, 17);
		r.category_code = col_text(st, 18);
		r.suppressed = (int)nsw_sqldb_column_int64(st, 19);
		rc = fn(ctx, &r);
	}
	nsw_sqldb_finalize(st);
	return rc;
}
