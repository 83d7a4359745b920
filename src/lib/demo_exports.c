/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The demo's exports as the platforms write them: a Telegram Desktop
 * full-account result.json (the patrol unit's account, its contacts and
 * every monitored group, photos under chats/chat_NNN/photos/) and one
 * Android WhatsApp .txt per group with "IMG-YYYYMMDD-WA####.jpg (file
 * attached)" media beside it; and the provider IP log with its ranges.
 */
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "demo_internal.h"
#include "error.h"

static const char *account_ref(const struct demo_account *a, char *buf,
			       size_t size)
{
	snprintf(buf, size, "user%llu", (unsigned long long)a->tg_id);
	return buf;
}

/* ---- Telegram ---- */

static int tg_common(nsw_buf *b, const struct demo_msg *msg, const char *type)
{
	char iso[80];

	demo_iso_time(iso, msg->time);
	return nsw_buf_printf(
		b,
		"\n    {\"id\":%u,\"type\":\"%s\",\"date\":\"%s\","
		"\"date_unixtime\":\"%lld\",",
		msg->id, type, iso, (long long)msg->time);
}

static int tg_service(struct demo_model *m, nsw_buf *b,
		      const struct demo_msg *msg)
{
	const struct demo_account *actor = &m->accounts[msg->sender];
	const struct demo_chat *c = &m->chats[msg->chat];
	char ref[32];
	int rc = tg_common(b, msg, "service");
	size_t k;

	if (rc == 0)
		rc = nsw_buf_puts(b, "\"actor\":");
	if (rc == 0)
		rc = demo_json_str(b, actor->name);
	if (rc == 0)
		rc = nsw_buf_printf(b, ",\"actor_id\":\"%s\",",
				    account_ref(actor, ref, sizeof(ref)));
	if (rc != 0)
		return rc;
	switch (msg->kind) {
	case DEMO_MSG_CREATE:
		rc = nsw_buf_puts(b, "\"action\":\"create_group\",\"title\":");
		if (rc == 0)
			rc = demo_json_str(b, c->title);
		if (rc == 0)
			rc = nsw_buf_puts(b, ",\"members\":[");
		for (k = 0; rc == 0 && k < c->member_count; k++) {
			if (c->members[k].how != 0)
				continue;
			if (k > 0)
				rc = nsw_buf_putc(b, ',');
			if (rc == 0)
				rc = demo_json_str(
					b, m->accounts[c->members[k].account]
						   .name);
		}
		if (rc == 0)
			rc = nsw_buf_putc(b, ']');
		break;
	case DEMO_MSG_INVITE:
		rc = nsw_buf_puts(
			b, "\"action\":\"invite_members\",\"members\":[");
		if (rc == 0)
			rc = demo_json_str(b, m->accounts[msg->target].name);
		if (rc == 0)
			rc = nsw_buf_putc(b, ']');
		break;
	default:
		rc = nsw_buf_puts(b, "\"action\":\"join_group_by_link\","
				     "\"inviter\":");
		if (rc == 0)
			rc = demo_json_str(b, m->accounts[msg->target].name);
		break;
	}
	if (rc == 0)
		rc = nsw_buf_puts(b, ",\"text\":\"\",\"text_entities\":[]}");
	return rc;
}

static int tg_message(struct demo_model *m, nsw_buf *b, struct demo_msg *msg,
		      size_t *photo_no)
{
	const struct demo_account *from = &m->accounts[msg->sender];
	const struct demo_chat *c = &m->chats[msg->chat];
	char ref[32];
	const char *text = msg->kind == DEMO_MSG_MEDIA && msg->text % 2
				   ? ""
				   : demo_phrase(msg->text);
	int rc = tg_common(b, msg, "message");

	if (rc == 0)
		rc = nsw_buf_puts(b, "\"from\":");
	if (rc == 0)
		rc = demo_json_str(b, from->name);
	if (rc == 0)
		rc = nsw_buf_printf(b, ",\"from_id\":\"%s\",",
				    account_ref(from, ref, sizeof(ref)));
	if (rc == 0 && msg->forwarded_from != DEMO_NONE) {
		const struct demo_account *orig =
			&m->accounts[msg->forwarded_from];

		rc = nsw_buf_puts(b, "\"forwarded_from\":");
		if (rc == 0)
			rc = demo_json_str(b, orig->name);
		if (rc == 0)
			rc = nsw_buf_printf(
				b, ",\"forwarded_from_id\":\"%s\",",
				account_ref(orig, ref, sizeof(ref)));
	}
	if (rc == 0 && msg->kind == DEMO_MSG_MEDIA) {
		const struct demo_blob *blob =
			&m->items[msg->item].blob[msg->variant];
		int y, mo, d, h, mi, s;

		demo_utc(msg->time, &y, &mo, &d, &h, &mi, &s);
		(*photo_no)++;
		snprintf(msg->path, sizeof(msg->path),
			 "exports/telegram/chats/chat_%03zu/photos/"
			 "photo_%zu@%02d-%02d-%04d_%02d-%02d-%02d.jpg",
			 c->list_pos + 1, *photo_no, d, mo, y, h, mi, s);
		rc = demo_write_file(m, msg->path, blob->data, blob->len);
		if (rc != 0)
			return rc;
		rc = nsw_buf_printf(b,
				    "\"photo\":\"%s\",\"photo_file_size\":%zu,"
				    "\"width\":%u,\"height\":%u,",
				    msg->path + strlen("exports/telegram/"),
				    blob->len, blob->width, blob->height);
	}
	if (rc == 0)
		rc = nsw_buf_puts(b, "\"text\":");
	if (rc == 0)
		rc = demo_json_str(b, text);
	if (rc == 0 && *text != '\0') {
		rc = nsw_buf_puts(b, ",\"text_entities\":[{\"type\":\"plain\","
				     "\"text\":");
		if (rc == 0)
			rc = demo_json_str(b, text);
		if (rc == 0)
			rc = nsw_buf_puts(b, "}]}");
	} else if (rc == 0) {
		rc = nsw_buf_puts(b, ",\"text_entities\":[]}");
	}
	return rc;
}

static int tg_header(struct demo_model *m, nsw_buf *b)
{
	const struct demo_account *me = &m->accounts[0];
	size_t i;
	int rc, first = 1;

	rc = nsw_buf_printf(
		b,
		"{\n \"about\": \"Here is the data you requested. Remember: "
		"Telegram is ad free, it doesn't use your data for ad "
		"targeting and doesn't sell it to others. Telegram only "
		"keeps the information it needs to function as a "
		"feature-rich cloud service.\",\n"
		" \"personal_information\": {\"user_id\":%llu,"
		"\"first_name\":\"%s\",\"last_name\":\"%s\","
		"\"phone_number\":\"%s\",\"username\":\"@%s\","
		"\"bio\":\"\"},\n"
		" \"contacts\": {\"about\":\"This is your contact list.\","
		"\"list\":[",
		(unsigned long long)me->tg_id, me->first, me->last, me->phone,
		me->username);
	for (i = 1; rc == 0 && i < m->account_count; i++) {
		const struct demo_account *a = &m->accounts[i];

		if (!a->on_telegram)
			continue;
		rc = nsw_buf_printf(
			b, "%s\n  {\"user_id\":%llu,\"first_name\":",
			first ? "" : ",", (unsigned long long)a->tg_id);
		first = 0;
		if (rc == 0)
			rc = demo_json_str(b, a->first);
		if (rc == 0)
			rc = nsw_buf_puts(b, ",\"last_name\":");
		if (rc == 0)
			rc = demo_json_str(b, a->last);
		if (rc == 0)
			rc = nsw_buf_printf(b,
					    ",\"phone_number\":\"%s\","
					    "\"date\":\"2024-01-01T00:00:00\","
					    "\"date_unixtime\":\"%lld\"}",
					    a->phone, (long long)DEMO_EPOCH);
	}
	if (rc == 0)
		rc = nsw_buf_puts(b, "]},\n \"chats\": {\"about\":\"This page "
				     "lists all chats from this export.\","
				     "\"list\":[");
	return rc;
}

static int write_telegram(struct demo_model *m)
{
	nsw_buf b;
	size_t i, ci, pos = 0, photo_no = 0;
	int rc;

	demo_buf_init(&b);
	rc = tg_header(m, &b);
	i = 0;
	for (ci = 0; rc == 0 && ci < m->chat_count; ci++) {
		struct demo_chat *c = &m->chats[ci];

		while (i < m->msg_count && m->msgs[i].chat < ci)
			i++;
		if (c->platform != DEMO_TG)
			continue;
		c->list_pos = pos;
		photo_no = 0;
		m->summary->telegram.chats++;
		rc = nsw_buf_printf(&b, "%s\n  {\"name\":", pos ? "," : "");
		pos++;
		if (rc == 0)
			rc = demo_json_str(&b, c->title);
		if (rc == 0)
			rc = nsw_buf_printf(&b,
					    ",\"type\":\"private_group\","
					    "\"id\":%llu,\"messages\":[",
					    (unsigned long long)c->tg_id);
		for (; rc == 0 && i < m->msg_count && m->msgs[i].chat == ci;
		     i++) {
			struct demo_msg *msg = &m->msgs[i];
			int service = msg->kind != DEMO_MSG_TEXT &&
				      msg->kind != DEMO_MSG_MEDIA;

			if (msg->id > 1)
				rc = nsw_buf_putc(&b, ',');
			if (rc != 0)
				break;
			m->summary->telegram.messages++;
			if (service) {
				m->summary->telegram.service++;
				m->summary->telegram.membership++;
				rc = tg_service(m, &b, msg);
			} else {
				if (msg->kind == DEMO_MSG_MEDIA)
					m->summary->telegram.media++;
				rc = tg_message(m, &b, msg, &photo_no);
			}
		}
		if (rc == 0)
			rc = nsw_buf_puts(&b, "\n  ]}");
	}
	if (rc == 0)
		rc = nsw_buf_puts(&b, "\n ]}\n}\n");
	if (rc != 0 && b.len > 0 && (rc == NSW_ENOMEM || rc == NSW_ELIMIT))
		rc = demo_buf_fail(rc, NSW_DEMO_TELEGRAM);
	if (rc == 0)
		rc = demo_write_file(m, NSW_DEMO_TELEGRAM, b.ptr, b.len);
	nsw_buf_dispose(&b);
	return rc;
}

/* ---- WhatsApp (Android, English, 24 h, DD/MM/YYYY) ---- */

/* WhatsApp numbers attachments per day on the exporting phone. */
struct wa_counter {
	int day; /* yyyymmdd */
	unsigned next;
};

static int wa_line(struct demo_model *m, nsw_buf *b, struct demo_msg *msg,
		   struct wa_counter *ctr)
{
	const struct demo_account *a = &m->accounts[msg->sender];
	const struct demo_chat *c = &m->chats[msg->chat];
	int y, mo, d, h, mi, s, rc;

	demo_utc(msg->time, &y, &mo, &d, &h, &mi, &s);
	rc = nsw_buf_printf(b, "%02d/%02d/%04d, %02d:%02d - ", d, mo, y, h, mi);
	if (rc != 0)
		return rc;
	switch (msg->kind) {
	case DEMO_MSG_CREATE:
		return nsw_buf_printf(b, "%s created group \"%s\"\n",
				      a->phone_wa, c->title);
	case DEMO_MSG_INVITE:
		return nsw_buf_printf(b, "%s added %s\n", a->phone_wa,
				      m->accounts[msg->target].phone_wa);
	case DEMO_MSG_JOIN_LINK:
		return nsw_buf_printf(b,
				      "%s joined using this group's invite "
				      "link\n",
				      a->phone_wa);
	case DEMO_MSG_TEXT:
		return nsw_buf_printf(b, "%s: %s\n", a->phone_wa,
				      demo_phrase(msg->text));
	case DEMO_MSG_MEDIA: {
		const struct demo_blob *blob =
			&m->items[msg->item].blob[msg->variant];
		char name[48];
		int day = y * 10000 + mo * 100 + d;

		if (ctr->day != day) {
			ctr->day = day;
			ctr->next = 1;
		}
		snprintf(name, sizeof(name), "IMG-%08d-WA%04u.jpg", day,
			 ctr->next++);
		snprintf(msg->path, sizeof(msg->path), "%s/%s",
			 NSW_DEMO_WHATSAPP_DIR, name);
		rc = demo_write_file(m, msg->path, blob->data, blob->len);
		if (rc == 0)
			rc = nsw_buf_printf(b, "%s: %s (file attached)\n",
					    a->phone_wa, name);
		return rc;
	}
	}
	return 0;
}

/* WhatsApp numbers media in time order across chats on one phone; the
 * demo numbers them per chat file in chat order, which keeps names
 * unique because each day's counter only grows. */
static int write_whatsapp(struct demo_model *m)
{
	struct wa_counter ctr[1] = {{0, 1}};
	nsw_buf b;
	size_t i = 0, ci;
	int rc = 0;
	unsigned day_max[DEMO_SPAN_DAYS + 10];

	memset(day_max, 0, sizeof(day_max));
	demo_buf_init(&b);
	for (ci = 0; rc == 0 && ci < m->chat_count; ci++) {
		const struct demo_chat *c = &m->chats[ci];
		char rel[160];
		int y, mo, d, h, mi, s;

		while (i < m->msg_count && m->msgs[i].chat < ci)
			i++;
		if (c->platform != DEMO_WA)
			continue;
		nsw_buf_reset(&b);
		m->summary->whatsapp.chats++;
		demo_utc(c->created, &y, &mo, &d, &h, &mi, &s);
		/* The end-to-end notice opens every export. */
		rc = nsw_buf_printf(&b,
				    "%02d/%02d/%04d, %02d:%02d - Messages and "
				    "calls are end-to-end encrypted. No one "
				    "outside of this chat, not even WhatsApp, "
				    "can read or listen to them. Tap to learn "
				    "more.\n",
				    d, mo, y, h, mi);
		m->summary->whatsapp.messages++;
		m->summary->whatsapp.service++;
		for (; rc == 0 && i < m->msg_count && m->msgs[i].chat == ci;
		     i++) {
			struct demo_msg *msg = &m->msgs[i];
			size_t dayi =
				(size_t)((msg->time - DEMO_EPOCH) / DEMO_DAY);

			/* Continue each day's numbering across chats. */
			if (dayi < DEMO_SPAN_DAYS + 10) {
				int yy, mm, dd, hh, mn, ss;

				demo_utc(msg->time, &yy, &mm, &dd, &hh, &mn,
					 &ss);
				ctr->day = yy * 10000 + mm * 100 + dd;
				ctr->next = day_max[dayi] + 1;
			}
			m->summary->whatsapp.messages++;
			if (msg->kind != DEMO_MSG_TEXT &&
			    msg->kind != DEMO_MSG_MEDIA) {
				m->summary->whatsapp.service++;
				m->summary->whatsapp.membership++;
			}
			if (msg->kind == DEMO_MSG_MEDIA)
				m->summary->whatsapp.media++;
			rc = wa_line(m, &b, msg, ctr);
			if (dayi < DEMO_SPAN_DAYS + 10)
				day_max[dayi] = ctr->next - 1;
		}
		if (rc != 0)
			break;
		snprintf(rel, sizeof(rel), "%s/%s.txt", NSW_DEMO_WHATSAPP_DIR,
			 c->slug);
		rc = demo_write_file(m, rel, b.ptr, b.len);
	}
	if (rc == NSW_ENOMEM || rc == NSW_ELIMIT)
		rc = demo_buf_fail(rc, "WhatsApp export");
	nsw_buf_dispose(&b);
	return rc;
}

int demo_exports_write(struct demo_model *m)
{
	int rc = write_telegram(m);

	if (rc == 0)
		rc = write_whatsapp(m);
	return rc;
}

/* ---- The provider IP log and its ranges ---- */

int demo_iplog_write(struct demo_model *m)
{
	struct demo_rng rng;
	nsw_buf b;
	size_t i, c, cap = m->account_count * 4;
	int rc = 0, vpn_done = 0;

	demo_rng_seed(&rng, m->seed, 3);
	m->iplog = nsw__calloc(cap, sizeof(*m->iplog));
	if (m->iplog == NULL)
		return nsw_error_set(NSW_ENOMEM, "demo: out of memory");
	for (i = 1; i < m->account_count; i++) {
		const struct demo_account *a = &m->accounts[i];
		int suspect = a->role == DEMO_ROLE_DISTRIBUTOR ||
			      a->role == DEMO_ROLE_SEEDER;
		size_t rows, r;

		if (!a->on_telegram || (!suspect && !demo_rng_chance(&rng, 50)))
			continue;
		rows = 2 + demo_rng_below(&rng, 3);
		for (r = 0; r < rows && m->iplog_count < cap; r++) {
			struct demo_iplog *l = &m->iplog[m->iplog_count++];
			size_t host = 1 + demo_rng_below(&rng, 14);

			l->account = i;
			l->country = a->country;
			/* One distributor also logs in through another
			 * country once: a conflict attribution must show. */
			if (!vpn_done && a->role == DEMO_ROLE_DISTRIBUTOR &&
			    r == rows - 1) {
				l->country =
					(a->country + 7) % demo_country_count;
				vpn_done = 1;
			}
			l->time = DEMO_EPOCH + 10 * DEMO_DAY +
				  (int64_t)demo_rng_below(&rng, 80 * 86400);
			if (demo_rng_chance(&rng, 25)) {
				snprintf(l->ip, sizeof(l->ip),
					 "2001:db8:%zx::%zx", l->country + 1,
					 host);
			} else {
				demo_country_v4_host(l->ip, sizeof(l->ip),
						     l->country,
						     (unsigned)host);
			}
		}
	}
	demo_buf_init(&b);
	rc = nsw_buf_puts(&b, "account,ip,timestamp_utc\n");
	for (i = 0; rc == 0 && i < m->iplog_count; i++) {
		char ref[32], iso[80];

		demo_iso_time(iso, m->iplog[i].time);
		rc = nsw_buf_printf(
			&b, "%s,%s,%sZ\n",
			account_ref(&m->accounts[m->iplog[i].account], ref,
				    sizeof(ref)),
			m->iplog[i].ip, iso);
	}
	if (rc == 0)
		rc = demo_write_file(m, NSW_DEMO_IP_LOG, b.ptr, b.len);
	nsw_buf_reset(&b);
	for (c = 0; rc == 0 && c < demo_country_count; c++) {
		char v4[48], v6[48];

		demo_country_v4(v4, sizeof(v4), c);
		demo_country_v6(v6, sizeof(v6), c);
		rc = nsw_buf_printf(&b, "%s\t%s\n%s\t%s\n", v4,
				    demo_countries[c].cc, v6,
				    demo_countries[c].cc);
	}
	if (rc == 0)
		rc = demo_write_file(m, NSW_DEMO_IP_GEO, b.ptr, b.len);
	if (rc == NSW_ENOMEM || rc == NSW_ELIMIT)
		rc = demo_buf_fail(rc, NSW_DEMO_IP_LOG);
	nsw_buf_dispose(&b);
	m->summary->ip_log_rows = m->iplog_count;
	return rc;
}
