/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The demo's planted truth, truth.json: every known item and its copies
 * (transform, parameters, digests, PDQ and distance), new items and who
 * seeded them, each account's country and role, which groups distribute
 * known material, the devices and what each file on them is, the IP log's
 * planted conflict, and every media appearance in the exports. The
 * pipeline's end-to-end test reads this (docs/demo.md).
 */
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "demo_internal.h"
#include "error.h"

struct out {
	nsw_buf b;
	int rc;
};

static void put(struct out *o, const char *s)
{
	if (o->rc == 0)
		o->rc = nsw_buf_puts(&o->b, s);
}

static void str(struct out *o, const char *s)
{
	if (o->rc == 0)
		o->rc = demo_json_str(&o->b, s);
}

#define PRINTF(o, ...)                                                  \
	do {                                                            \
		if ((o)->rc == 0)                                       \
			(o)->rc = nsw_buf_printf(&(o)->b, __VA_ARGS__); \
	} while (0)

static void account_ref(char *out, size_t size, const struct demo_account *a)
{
	snprintf(out, size, "user%llu", (unsigned long long)a->tg_id);
}

static void blob_fields(struct out *o, const struct demo_blob *b)
{
	char sha256[2 * NSW_SHA256_BYTES + 1], md5[2 * NSW_MD5_BYTES + 1];
	char sha1[2 * NSW_SHA1_BYTES + 1], pdq[NSW_PDQ_HEX_LEN + 1];

	nsw_hex_encode(sha256, b->digests.sha256, NSW_SHA256_BYTES);
	nsw_hex_encode(md5, b->digests.md5, NSW_MD5_BYTES);
	nsw_hex_encode(sha1, b->digests.sha1, NSW_SHA1_BYTES);
	nsw_pdq_to_hex(pdq, &b->pdq);
	PRINTF(o,
	       "\"md5\":\"%s\",\"sha1\":\"%s\",\"sha256\":\"%s\","
	       "\"pdq\":\"%s\",\"pdq_quality\":%d,\"size\":%zu,"
	       "\"width\":%u,\"height\":%u,\"param\":",
	       md5, sha1, sha256, pdq, b->pdq_quality, b->len, b->width,
	       b->height);
	str(o, b->param);
}

static void items(struct out *o, const struct demo_model *m,
		  enum demo_item_kind kind, const char *key)
{
	size_t i;
	int t, first = 1;

	PRINTF(o, ",\n \"%s\": [", key);
	for (i = 0; i < m->item_count; i++) {
		const struct demo_item *it = &m->items[i];
		int c = 0;

		if (it->kind != kind)
			continue;
		PRINTF(o, "%s\n  {\"name\":\"%s\",", first ? "" : ",",
		       it->name);
		first = 0;
		if (kind == DEMO_ITEM_KNOWN)
			PRINTF(o,
			       "\"file\":\"%s/%s.jpg\",\"media_id\":%zu,"
			       "\"category\":%d,",
			       NSW_DEMO_KNOWN_DIR, it->name, it->index + 1,
			       it->category);
		blob_fields(o, &it->blob[0]);
		if (kind == DEMO_ITEM_BENIGN) {
			put(o, "}");
			continue;
		}
		put(o, ",\n   \"copies\":[");
		for (t = 1; t < DEMO_T_COUNT; t++) {
			const struct demo_blob *b = &it->blob[t];

			if (!b->present)
				continue;
			PRINTF(o,
			       "%s\n    {\"transform\":\"%s\","
			       "\"pdq_distance\":%d,\"dihedral\":\"%s\",",
			       c++ ? "," : "", demo_transform_name(t),
			       b->distance,
			       nsw_pdq_dihedral_name(
				       (nsw_pdq_dihedral)b->dihedral));
			blob_fields(o, b);
			put(o, "}");
		}
		put(o, "]}");
	}
	put(o, "]");
}

static void accounts(struct out *o, const struct demo_model *m)
{
	char ref[32];
	size_t i;

	put(o, ",\n \"accounts\": [");
	for (i = 0; i < m->account_count; i++) {
		const struct demo_account *a = &m->accounts[i];

		account_ref(ref, sizeof(ref), a);
		PRINTF(o,
		       "%s\n  {\"telegram_id\":\"%s\",\"phone\":\"%s\","
		       "\"whatsapp_shown_as\":\"%s\",\"name\":",
		       i ? "," : "", ref, a->phone, a->phone_wa);
		str(o, a->name);
		PRINTF(o,
		       ",\"username\":\"%s\",\"country\":\"%s\","
		       "\"role\":\"%s\",\"on_telegram\":%s,"
		       "\"on_whatsapp\":%s,\"must_not_rank_high\":%s",
		       a->username, demo_countries[a->country].cc,
		       demo_role_name(a->role),
		       a->on_telegram ? "true" : "false",
		       a->on_whatsapp ? "true" : "false",
		       a->role == DEMO_ROLE_BYSTANDER ||
				       a->role == DEMO_ROLE_OFFICER
			       ? "true"
			       : "false");
		if (a->device)
			PRINTF(o, ",\"device\":\"%s/%s\"", NSW_DEMO_DEVICES_DIR,
			       m->summary->device_owner[a->device - 1]);
		put(o, "}");
	}
	put(o, "]");
}

static void roles(struct out *o, const struct demo_model *m)
{
	char ref[32];
	size_t i;
	int first = 1;

	account_ref(ref, sizeof(ref), &m->accounts[m->seeder]);
	PRINTF(o, ",\n \"seeder\": \"%s\"", ref);
	account_ref(ref, sizeof(ref), &m->accounts[0]);
	PRINTF(o, ",\n \"export_owner\": \"%s\"", ref);
	put(o, ",\n \"central_distributors\": [");
	for (i = 0; i < m->account_count; i++) {
		if (m->accounts[i].role != DEMO_ROLE_DISTRIBUTOR)
			continue;
		account_ref(ref, sizeof(ref), &m->accounts[i]);
		PRINTF(o, "%s\"%s\"", first ? "" : ",", ref);
		first = 0;
	}
	put(o, "],\n \"bystanders\": [");
	first = 1;
	for (i = 0; i < m->account_count; i++) {
		if (m->accounts[i].role != DEMO_ROLE_BYSTANDER)
			continue;
		account_ref(ref, sizeof(ref), &m->accounts[i]);
		PRINTF(o, "%s\"%s\"", first ? "" : ",", ref);
		first = 0;
	}
	put(o, "]");
}

static void groups(struct out *o, const struct demo_model *m)
{
	char ref[32];
	size_t i, k;

	put(o, ",\n \"groups\": [");
	for (i = 0; i < m->chat_count; i++) {
		const struct demo_chat *c = &m->chats[i];

		PRINTF(o, "%s\n  {\"platform\":\"%s\",\"title\":", i ? "," : "",
		       c->platform == DEMO_TG ? "telegram" : "whatsapp");
		str(o, c->title);
		if (c->platform == DEMO_TG)
			PRINTF(o, ",\"telegram_id\":\"%llu\",\"export\":\"%s\"",
			       (unsigned long long)c->tg_id, NSW_DEMO_TELEGRAM);
		else {
			PRINTF(o, ",\"export\":\"%s/", NSW_DEMO_WHATSAPP_DIR);
			if (o->rc == 0)
				o->rc = nsw_buf_printf(&o->b, "%s.txt\"",
						       c->slug);
		}
		PRINTF(o, ",\"distributes_known\":%s,\"members\":[",
		       c->distributes ? "true" : "false");
		for (k = 0; k < c->member_count; k++) {
			account_ref(ref, sizeof(ref),
				    &m->accounts[c->members[k].account]);
			PRINTF(o, "%s\"%s\"", k ? "," : "", ref);
		}
		put(o, "]}");
	}
	put(o, "]");
}

static void devices(struct out *o, const struct demo_model *m)
{
	char ref[32], sha[2 * NSW_SHA256_BYTES + 1];
	size_t d, i;

	put(o, ",\n \"devices\": [");
	for (d = 0; d < NSW_DEMO_DEVICES; d++) {
		int first = 1;

		account_ref(ref, sizeof(ref), &m->accounts[m->device_owner[d]]);
		PRINTF(o,
		       "%s\n  {\"folder\":\"%s/%s\",\"owner\":\"%s\","
		       "\"owner_phone\":\"%s\",\"files\":[",
		       d ? "," : "", NSW_DEMO_DEVICES_DIR,
		       m->summary->device_owner[d], ref,
		       m->accounts[m->device_owner[d]].phone);
		for (i = 0; i < m->devfile_count; i++) {
			const struct demo_devfile *f = &m->devfiles[i];

			if (f->device != d)
				continue;
			nsw_hex_encode(sha, f->sha256, NSW_SHA256_BYTES);
			PRINTF(o, "%s\n    {\"path\":", first ? "" : ",");
			first = 0;
			str(o, f->path);
			PRINTF(o,
			       ",\"kind\":\"%s\",\"sha256\":\"%s\","
			       "\"size\":%llu",
			       demo_devfile_kind_name(f->kind), sha,
			       (unsigned long long)f->size);
			if (f->item != DEMO_NONE)
				PRINTF(o, ",\"item\":\"%s\"",
				       m->items[f->item].name);
			if (f->item != DEMO_NONE && f->variant >= 0)
				PRINTF(o, ",\"transform\":\"%s\"",
				       demo_transform_name(f->variant));
			put(o, "}");
		}
		put(o, "]}");
	}
	put(o, "]");
}

static void iplog(struct out *o, const struct demo_model *m)
{
	char ref[32];
	size_t i;
	int first = 1;

	PRINTF(o,
	       ",\n \"ip_log\": {\"file\":\"%s\",\"ranges\":\"%s\","
	       "\"rows\":%zu,\"conflicts\":[",
	       NSW_DEMO_IP_LOG, NSW_DEMO_IP_GEO, m->iplog_count);
	for (i = 0; i < m->iplog_count; i++) {
		const struct demo_iplog *l = &m->iplog[i];
		const struct demo_account *a = &m->accounts[l->account];

		if (l->country == a->country)
			continue;
		account_ref(ref, sizeof(ref), a);
		PRINTF(o,
		       "%s{\"account\":\"%s\",\"ip\":\"%s\",\"ip_country\":"
		       "\"%s\",\"account_country\":\"%s\"}",
		       first ? "" : ",", ref, l->ip,
		       demo_countries[l->country].cc,
		       demo_countries[a->country].cc);
		first = 0;
	}
	put(o, "]}");
}

static void countries(struct out *o, const struct demo_model *m)
{
	size_t c, i;

	put(o, ",\n \"countries\": [");
	for (c = 0; c < demo_country_count; c++) {
		char v4[48], v6[48];
		size_t n = 0;

		for (i = 1; i < m->account_count; i++)
			n += m->accounts[i].country == c;
		demo_country_v4(v4, sizeof(v4), c);
		demo_country_v6(v6, sizeof(v6), c);
		PRINTF(o,
		       "%s\n  {\"cc\":\"%s\",\"name\":\"%s\","
		       "\"calling_code\":\"+%s\",\"ipv4\":\"%s\","
		       "\"ipv6\":\"%s\",\"accounts\":%zu,\"phones\":\"%s\"}",
		       c ? "," : "", demo_countries[c].cc,
		       demo_countries[c].name, demo_countries[c].calling_code,
		       v4, v6, n,
		       *demo_countries[c].note ? demo_countries[c].note
					       : "random mobile format");
	}
	put(o, "]");
}

static void media(struct out *o, const struct demo_model *m)
{
	char ref[32], iso[80];
	size_t i;
	int first = 1;

	put(o, ",\n \"media\": [");
	for (i = 0; i < m->msg_count; i++) {
		const struct demo_msg *msg = &m->msgs[i];
		const struct demo_chat *c = &m->chats[msg->chat];

		if (msg->kind != DEMO_MSG_MEDIA)
			continue;
		account_ref(ref, sizeof(ref), &m->accounts[msg->sender]);
		demo_iso_time(iso, msg->time);
		PRINTF(o, "%s\n  {\"path\":", first ? "" : ",");
		first = 0;
		str(o, msg->path);
		PRINTF(o, ",\"platform\":\"%s\",\"group\":",
		       c->platform == DEMO_TG ? "telegram" : "whatsapp");
		str(o, c->title);
		PRINTF(o,
		       ",\"time\":\"%sZ\",\"sender\":\"%s\",\"item\":\"%s\","
		       "\"kind\":\"%s\",\"transform\":\"%s\"",
		       iso, ref, m->items[msg->item].name,
		       m->items[msg->item].kind == DEMO_ITEM_KNOWN ? "known"
		       : m->items[msg->item].kind == DEMO_ITEM_NEW ? "new"
								   : "benign",
		       demo_transform_name(msg->variant));
		if (c->platform == DEMO_TG)
			PRINTF(o, ",\"message_id\":\"%u\"", msg->id);
		if (msg->forwarded_from != DEMO_NONE) {
			account_ref(ref, sizeof(ref),
				    &m->accounts[msg->forwarded_from]);
			PRINTF(o, ",\"forwarded_from\":\"%s\"", ref);
		}
		put(o, "}");
	}
	put(o, "]");
}

int demo_truth_write(struct demo_model *m)
{
	struct out o;
	char start[80], end[80];
	int rc;

	memset(&o, 0, sizeof(o));
	demo_buf_init(&o.b);
	demo_iso_time(start, DEMO_EPOCH);
	demo_iso_time(end, DEMO_EPOCH + DEMO_SPAN_DAYS * DEMO_DAY);
	PRINTF(&o,
	       "{\n \"netsweep_demo\": {\"version\":1,\"scale\":\"%s\","
	       "\"seed\":%llu,\"note\":\"benign synthetic operation: "
	       "procedural scenes stand in for media; no real material, "
	       "people or numbers are intended\"},\n"
	       " \"timeline\": {\"start\":\"%sZ\",\"end\":\"%sZ\","
	       "\"whatsapp_times\":\"UTC (ingest with timezone UTC)\"},\n"
	       " \"lists\": {\"vics\":\"%s\",\"pdq\":\"%s\","
	       "\"software\":\"%s\",\"pdq_threshold\":31,"
	       "\"category_scheme\":\"vics-default\"}",
	       nsw_demo_scale_name(m->scale), (unsigned long long)m->seed,
	       start, end, NSW_DEMO_LIST_VICS, NSW_DEMO_LIST_PDQ,
	       NSW_DEMO_LIST_SOFTWARE);
	roles(&o, m);
	countries(&o, m);
	items(&o, m, DEMO_ITEM_KNOWN, "known_items");
	items(&o, m, DEMO_ITEM_NEW, "new_items");
	items(&o, m, DEMO_ITEM_BENIGN, "benign_items");
	accounts(&o, m);
	groups(&o, m);
	devices(&o, m);
	iplog(&o, m);
	media(&o, m);
	put(&o, "\n}\n");
	rc = o.rc;
	if (rc != 0)
		rc = demo_buf_fail(rc, NSW_DEMO_TRUTH);
	else
		rc = demo_write_file(m, NSW_DEMO_TRUTH, o.b.ptr, o.b.len);
	nsw_buf_dispose(&o.b);
	return rc;
}
