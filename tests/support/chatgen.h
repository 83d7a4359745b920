/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Generated chat exports for benchmarks (bench_ingest, bench_ingest_store):
 * a Telegram Desktop full-account result.json and a WhatsApp .txt, with
 * deterministic content. Media files are referenced, never written.
 */
#ifndef NSW_TS_CHATGEN_H
#define NSW_TS_CHATGEN_H

/*
 * Write a Telegram full-account export: `messages` messages spread over
 * `chats` chats, senders among `accounts` accounts, a photo reference on
 * every `media_every`-th message (messages / media_every in all), every
 * 50th message a service message (invite_members), every 11th forwarded,
 * every 13th a reply. Returns the file size, or -1.
 */
long long ts_gen_telegram(const char *path, long messages, long chats,
			  long accounts, long media_every);

/* Write a WhatsApp Android export of `lines` lines (system lines, media
 * attachments, continuation lines). Returns the file size, or -1. */
long long ts_gen_whatsapp(const char *path, long lines);

#endif
