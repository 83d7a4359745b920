/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The demo's network: countries and phone numbers, accounts and their
 * planted roles (central distributors, one seeder, members, bystanders),
 * Telegram and WhatsApp groups with their members, joins and invites, and
 * the messages: known copies posted and forwarded between groups, new
 * items seeded by one account and re-shared by others, benign chatter.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "demo_internal.h"
#include "error.h"

/*
 * Mobile numbers: calling code, then one of the '|'-separated national
 * starts, then `rest` random digits. GB uses Ofcom's drama range and the
 * North American plan the 555 exchange; elsewhere the digits are random
 * within the mobile format (docs/demo.md).
 */
const struct demo_country demo_countries[] = {
	{"US", "United States", "1", "212555|415555|312555|713555", 4,
	 "555 exchange"},
	{"CA", "Canada", "1", "416555|604555|514555", 4, "555 exchange"},
	{"JM", "Jamaica", "1", "876555", 4, "555 exchange"},
	{"GB", "United Kingdom", "44", "7700900", 3, "Ofcom drama range"},
	{"DE", "Germany", "49", "151|160|170|176", 8, ""},
	{"FR", "France", "33", "6|7", 8, ""},
	{"NL", "Netherlands", "31", "6", 8, ""},
	{"ES", "Spain", "34", "6", 8, ""},
	{"IT", "Italy", "39", "3", 9, ""},
	{"PL", "Poland", "48", "5|6|7", 8, ""},
	{"SE", "Sweden", "46", "70|72|73", 7, ""},
	{"BR", "Brazil", "55", "119|219", 8, ""},
	{"MX", "Mexico", "52", "155|133", 8, ""},
	{"AR", "Argentina", "54", "911", 8, ""},
	{"IN", "India", "91", "9|8|7", 9, ""},
	{"PH", "Philippines", "63", "9", 9, ""},
	{"TH", "Thailand", "66", "8|9", 8, ""},
	{"ID", "Indonesia", "62", "81", 9, ""},
	{"AU", "Australia", "61", "4", 8, ""},
	{"ZA", "South Africa", "27", "7|8", 8, ""},
	{"NG", "Nigeria", "234", "80|81|70", 8, ""},
	{"KE", "Kenya", "254", "7", 8, ""},
	{"TR", "Turkey", "90", "5", 9, ""},
	{"RU", "Russia", "7", "9", 9, ""},
	{"JP", "Japan", "81", "90|80", 8, ""},
};
const size_t demo_country_count =
	sizeof(demo_countries) / sizeof(demo_countries[0]);

/* Country c's IPv4 block: a /28 of 192.0.2.0/24, 198.51.100.0/24 or
 * 203.0.113.0/24 (RFC 5737); IPv6: a /48 of 2001:db8::/32 (RFC 3849). */
static const char *const v4_nets[] = {"192.0.2", "198.51.100", "203.0.113"};

void demo_country_v4(char *cidr, size_t size, size_t c)
{
	snprintf(cidr, size, "%s.%u/28", v4_nets[(c / 16) % 3],
		 (unsigned)(c % 16) * 16);
}

void demo_country_v4_host(char *ip, size_t size, size_t c, unsigned host)
{
	snprintf(ip, size, "%s.%u", v4_nets[(c / 16) % 3],
		 (unsigned)(c % 16) * 16 + (host & 15));
}

void demo_country_v6(char *cidr, size_t size, size_t c)
{
	snprintf(cidr, size, "2001:db8:%zx::/48", c + 1);
}

const char *demo_role_name(int role)
{
	switch (role) {
	case DEMO_ROLE_MEMBER:
		return "member";
	case DEMO_ROLE_BYSTANDER:
		return "bystander";
	case DEMO_ROLE_DISTRIBUTOR:
		return "distributor";
	case DEMO_ROLE_SEEDER:
		return "seeder";
	case DEMO_ROLE_OFFICER:
		return "export-owner";
	default:
		return "?";
	}
}

static const char *const first_names[] = {
	"Alex", "Maria", "Jonas",  "Aisha",  "Kenji", "Lucia", "Omar", "Sofia",
	"Ivan", "Chen",	 "Fatima", "Lars",   "Priya", "Diego", "Emma", "Tunde",
	"Yuki", "Noah",	 "Ana",	   "Mehmet", "Grace", "Pavel", "Nina", "Rafael",
	"Zara", "Tom",	 "Leila",  "Sam",    "Ines",  "Kofi",  "Mila", "Arjun",
	"Hana", "Felix", "Rosa",   "Samir",  "Elena", "Jomo",  "Kai",  "Lena"};
static const char *const last_names[] = {
	"Adams",  "Berg",     "Costa",	"Diaz",	  "Eze",    "Fischer",
	"Garcia", "Hoshi",    "Ivanov", "Jensen", "Kaya",   "Lopez",
	"Mensah", "Novak",    "Okafor", "Park",	  "Quinn",  "Rossi",
	"Singh",  "Tanaka",   "Umar",	"Varga",  "Weber",  "Xu",
	"Yilmaz", "Zhou",     "Brown",	"Silva",  "Santos", "Kowal",
	"Moreau", "Nakamura", "Otieno", "Petrov", "Reyes",  "Sato",
	"Torres", "Van Dijk", "Wong",	"Ahmed"};
#define N_FIRST (sizeof(first_names) / sizeof(first_names[0]))
#define N_LAST (sizeof(last_names) / sizeof(last_names[0]))

/* Pick option k of a '|'-separated list into out. */
static void pick_option(char *out, size_t size, const char *list,
			struct demo_rng *rng)
{
	size_t n = 1, k, i = 0;
	const char *p;

	for (p = list; *p; p++)
		n += *p == '|';
	k = demo_rng_below(rng, (uint32_t)n);
	for (p = list; k > 0; p++)
		k -= *p == '|';
	while (p[i] != '\0' && p[i] != '|' && i + 1 < size) {
		out[i] = p[i];
		i++;
	}
	out[i] = '\0';
}

static int phone_taken(const struct demo_model *m, size_t upto,
		       const char *phone)
{
	size_t i;

	for (i = 0; i < upto; i++)
		if (strcmp(m->accounts[i].phone, phone) == 0)
			return 1;
	return 0;
}

static void make_phone(struct demo_model *m, struct demo_account *a,
		       struct demo_rng *rng)
{
	const struct demo_country *c = &demo_countries[a->country];
	char national[24];
	size_t n, i, o = 0;
	int k;

	do {
		pick_option(national, sizeof(national), c->national, rng);
		n = strlen(national);
		for (k = 0; k < c->rest && n + 1 < sizeof(national); k++)
			national[n++] = (char)('0' + demo_rng_below(rng, 10));
		national[n] = '\0';
		snprintf(a->phone, sizeof(a->phone), "+%s%s", c->calling_code,
			 national);
	} while (phone_taken(m, a->index, a->phone));
	/* WhatsApp shows "+CC NNN NNN NNNN" style groups. */
	o = (size_t)snprintf(a->phone_wa, sizeof(a->phone_wa), "+%s",
			     c->calling_code);
	for (i = 0; i < n && o + 2 < sizeof(a->phone_wa); i++) {
		if (i == 0 || (i % 3 == 0 && n - i >= 3))
			a->phone_wa[o++] = ' ';
		a->phone_wa[o++] = national[i];
	}
	a->phone_wa[o] = '\0';
}

static int build_accounts(struct demo_model *m, struct demo_rng *rng)
{
	size_t n = m->n_accounts + 1, i, j, *order = NULL;
	int rc = 0;

	m->accounts = nsw__calloc(n, sizeof(*m->accounts));
	order = nsw__calloc(n, sizeof(*order));
	if (m->accounts == NULL || order == NULL) {
		rc = nsw_error_set(NSW_ENOMEM, "demo: out of memory");
		goto done;
	}
	m->account_count = n;
	for (i = 0; i < n; i++) {
		struct demo_account *a = &m->accounts[i];
		size_t f, l;

		a->index = i;
		a->role = DEMO_ROLE_MEMBER;
		/* Every country appears: the first ones round-robin. */
		a->country =
			i == 0 ? 6 /* NL: the unit */
			: i <= demo_country_count
				? i - 1
				: demo_rng_below(rng,
						 (uint32_t)demo_country_count);
		f = demo_rng_below(rng, N_FIRST);
		l = (i + f) % N_LAST;
		snprintf(a->first, sizeof(a->first), "%s", first_names[f]);
		if (i == 0) {
			snprintf(a->first, sizeof(a->first), "Patrol");
			snprintf(a->last, sizeof(a->last), "Unit");
		} else if (i / N_LAST > 0 && i >= N_FIRST * 2) {
			snprintf(a->last, sizeof(a->last), "%s %zu",
				 last_names[l], i);
		} else {
			snprintf(a->last, sizeof(a->last), "%s", last_names[l]);
		}
		snprintf(a->name, sizeof(a->name), "%s %s", a->first, a->last);
		snprintf(a->username, sizeof(a->username), "%c%s_%zu",
			 a->first[0] | 0x20, a->first + 1, i);
		for (j = 0; a->username[j]; j++)
			if (a->username[j] >= 'A' && a->username[j] <= 'Z')
				a->username[j] |= 0x20;
		a->tg_id = 5100000000ull + (uint64_t)i * 1000 +
			   demo_rng_below(rng, 1000);
		make_phone(m, a, rng);
		/* Names must be unique: Telegram membership names members. */
		for (j = 1; j < i; j++)
			if (strcmp(m->accounts[j].name, a->name) == 0) {
				snprintf(a->name, sizeof(a->name), "%s %s %zu",
					 a->first, a->last, i);
				break;
			}
	}
	m->accounts[0].role = DEMO_ROLE_OFFICER;
	/* Roles on a shuffled order of 1..n-1. */
	for (i = 1; i < n; i++)
		order[i - 1] = i;
	for (i = n - 2; i > 0; i--) {
		size_t k = demo_rng_below(rng, (uint32_t)(i + 1)), t = order[i];

		order[i] = order[k];
		order[k] = t;
	}
	m->seeder = order[0];
	m->accounts[m->seeder].role = DEMO_ROLE_SEEDER;
	for (i = 1; i <= m->n_distributors; i++)
		m->accounts[order[i]].role = DEMO_ROLE_DISTRIBUTOR;
	for (; i < 1 + m->n_distributors + (n - 1) * 2 / 5; i++)
		m->accounts[order[i]].role = DEMO_ROLE_BYSTANDER;
	m->device_owner[0] = m->seeder;
	m->device_owner[1] = order[1];
	m->accounts[m->seeder].device = 1;
	m->accounts[order[1]].device = 2;
	m->summary->accounts = n - 1;
	m->summary->distributors = m->n_distributors;
	m->summary->bystanders = (n - 1) * 2 / 5;
done:
	nsw__free(order);
	return rc;
}

/* ---- Chats and members ---- */

static int is_member(const struct demo_chat *c, size_t a)
{
	size_t i;

	for (i = 0; i < c->member_count; i++)
		if (c->members[i].account == a)
			return 1;
	return 0;
}

static int add_member(struct demo_chat *c, size_t a, size_t cap)
{
	if (is_member(c, a) || c->member_count >= cap)
		return 0;
	c->members[c->member_count].account = a;
	c->member_count++;
	return 1;
}

static int build_chats(struct demo_model *m, struct demo_rng *rng)
{
	static const char *const swap[] = {"Swap Room", "Picture Exchange",
					   "Night Shift", "Archive Drop",
					   "Share Point"};
	static const char *const benign[] = {"Football Fans",  "Recipes",
					     "Gardening Club", "Cycling",
					     "Language Swap",  "Street Food"};
	size_t n = m->n_tg + m->n_wa, i, a, cap;
	size_t per = m->n_accounts * 2 / n + 6;

	cap = m->account_count; /* a chat never holds more than everyone */
	m->chats = nsw__calloc(n, sizeof(*m->chats));
	if (m->chats == NULL)
		return nsw_error_set(NSW_ENOMEM, "demo: out of memory");
	m->chat_count = n;
	for (i = 0; i < n; i++) {
		struct demo_chat *c = &m->chats[i];
		int tg = i < m->n_tg;
		size_t k = tg ? i : i - m->n_tg,
		       nd = tg ? (m->n_tg * 3 + 4) / 5 : (m->n_wa * 3 + 4) / 5;

		c->index = i;
		c->platform = tg ? DEMO_TG : DEMO_WA;
		c->distributes = k < nd;
		snprintf(c->title, sizeof(c->title), "%s %zu",
			 c->distributes ? swap[k % 5] : benign[k % 6], k + 1);
		snprintf(c->slug, sizeof(c->slug), "WhatsApp Chat with %s",
			 c->title);
		c->tg_id = 1700000000ull + (uint64_t)i * 7919;
		c->created =
			DEMO_EPOCH + (int64_t)demo_rng_below(rng, 9 * 86400);
		c->members = nsw__calloc(cap, sizeof(*c->members));
		if (c->members == NULL)
			return nsw_error_set(NSW_ENOMEM, "demo: out of memory");
	}
	/* Planted roles first. */
	for (i = 0; i < n; i++) {
		struct demo_chat *c = &m->chats[i];

		for (a = 1; a < m->account_count; a++) {
			enum demo_role r = m->accounts[a].role;

			if (r == DEMO_ROLE_DISTRIBUTOR && c->distributes &&
			    demo_rng_chance(rng, 60))
				add_member(c, a, cap);
		}
	}
	/* The seeder: two Telegram and one WhatsApp distributing group. */
	add_member(&m->chats[0], m->seeder, cap);
	add_member(&m->chats[m->n_tg > 1 ? 1 : 0], m->seeder, cap);
	add_member(&m->chats[m->n_tg], m->seeder, cap);
	/* Everyone else at random, by role. */
	for (i = 0; i < n; i++) {
		struct demo_chat *c = &m->chats[i];
		size_t tries = 0;

		while (c->member_count < per && tries++ < per * 20) {
			size_t x = 1 +
				   demo_rng_below(rng, (uint32_t)m->n_accounts);
			enum demo_role r = m->accounts[x].role;

			if (r == DEMO_ROLE_DISTRIBUTOR || r == DEMO_ROLE_SEEDER)
				continue;
			if (r == DEMO_ROLE_BYSTANDER && c->distributes &&
			    !demo_rng_chance(rng, 15))
				continue;
			if (r == DEMO_ROLE_MEMBER && !c->distributes &&
			    !demo_rng_chance(rng, 30))
				continue;
			add_member(c, x, cap);
		}
	}
	/* Every account is somewhere; each distributor in two groups. */
	for (a = 1; a < m->account_count; a++) {
		size_t count = 0, want;
		enum demo_role r = m->accounts[a].role;

		for (i = 0; i < n; i++)
			count += is_member(&m->chats[i], a);
		want = r == DEMO_ROLE_DISTRIBUTOR ? 2 : 1;
		while (count < want) {
			struct demo_chat *c =
				&m->chats[demo_rng_below(rng, (uint32_t)n)];

			if ((r == DEMO_ROLE_BYSTANDER) == !c->distributes &&
			    add_member(c, a, cap))
				count++;
		}
	}
	/* Join times: the first half founded it, the rest came later. */
	for (i = 0; i < n; i++) {
		struct demo_chat *c = &m->chats[i];
		size_t k;

		c->creator = c->members[0].account;
		for (k = 0; k < c->member_count; k++) {
			struct demo_member *mb = &c->members[k];

			if (k < (c->member_count + 1) / 2) {
				mb->how = 0;
				mb->joined = c->created;
				continue;
			}
			mb->how = demo_rng_chance(rng, 50) ? 1 : 2;
			mb->inviter =
				c->members[demo_rng_below(rng, (uint32_t)k)]
					.account;
			mb->joined = c->created + DEMO_DAY +
				     (int64_t)demo_rng_below(rng, 40 * 86400);
		}
		for (k = 0; k < c->member_count; k++) {
			struct demo_account *acc =
				&m->accounts[c->members[k].account];

			if (c->platform == DEMO_TG)
				acc->on_telegram = 1;
			else
				acc->on_whatsapp = 1;
		}
	}
	m->accounts[0].on_telegram = 1;
	m->summary->telegram_groups = m->n_tg;
	m->summary->whatsapp_groups = m->n_wa;
	m->summary->countries = demo_country_count;
	return 0;
}

/* ---- Messages ---- */

/* Benign chatter; index 0.. are shared by every chat. */
static const char *const phrases[] = {
	"good morning all",
	"anyone around tonight?",
	"thanks!",
	"nice one",
	"back later",
	"did you see the match?",
	"weather is terrible here",
	"new ones tomorrow",
	"check this",
	"more coming",
	"who has the rest?",
	"ok",
	"lol",
	"same here",
	"what time is it there?",
	"cooking pasta again",
	"the bike ride was great",
	"see you next week",
	"welcome to the group",
	"please keep it on topic",
	"sent",
	"got it, thanks",
	"anyone tried the new place?",
	"long day at work",
	"haha",
	"brb",
};

const char *demo_phrase(uint32_t k)
{
	return phrases[k % (sizeof(phrases) / sizeof(phrases[0]))];
}

static uint32_t phrase(struct demo_rng *rng)
{
	return demo_rng_below(rng, sizeof(phrases) / sizeof(phrases[0]));
}

static size_t pick_sender(const struct demo_model *m, const struct demo_chat *c,
			  int64_t t, struct demo_rng *rng)
{
	static const int weight[] = {2, 1, 7, 2, 0};
	int total = 0, k;
	size_t i;

	for (i = 0; i < c->member_count; i++)
		if (c->members[i].joined <= t)
			total +=
				weight[m->accounts[c->members[i].account].role];
	if (total == 0)
		return DEMO_NONE;
	k = (int)demo_rng_below(rng, (uint32_t)total);
	for (i = 0; i < c->member_count; i++) {
		if (c->members[i].joined > t)
			continue;
		k -= weight[m->accounts[c->members[i].account].role];
		if (k < 0)
			return c->members[i].account;
	}
	return DEMO_NONE;
}

/* A present transform of known item `item`, original 40%. */
static int pick_variant(const struct demo_item *item, struct demo_rng *rng)
{
	int t;

	if (demo_rng_chance(rng, 40))
		return DEMO_T_ORIGINAL;
	do
		t = 1 + (int)demo_rng_below(rng, DEMO_T_COUNT - 1);
	while (!item->blob[t].present);
	return t;
}

static int membership_events(struct demo_model *m)
{
	size_t i, k;
	int rc = 0;

	for (i = 0; rc == 0 && i < m->chat_count; i++) {
		const struct demo_chat *c = &m->chats[i];
		struct demo_msg msg;

		memset(&msg, 0, sizeof(msg));
		msg.chat = i;
		msg.item = DEMO_NONE;
		msg.forwarded_from = DEMO_NONE;
		msg.kind = DEMO_MSG_CREATE;
		msg.time = c->created;
		msg.sender = c->creator;
		rc = demo_msg_add(m, &msg);
		if (rc == 0 && c->platform == DEMO_TG) {
			/* The patrol unit's account joins by link. */
			msg.kind = DEMO_MSG_JOIN_LINK;
			msg.time = c->created + 3600;
			msg.sender = 0;
			msg.target = c->creator;
			rc = demo_msg_add(m, &msg);
		}
		for (k = 0; rc == 0 && k < c->member_count; k++) {
			const struct demo_member *mb = &c->members[k];

			if (mb->how == 0)
				continue;
			msg.time = mb->joined;
			if (mb->how == 1) {
				msg.kind = DEMO_MSG_INVITE;
				msg.sender = mb->inviter;
				msg.target = mb->account;
			} else {
				msg.kind = DEMO_MSG_JOIN_LINK;
				msg.sender = mb->account;
				msg.target = mb->inviter;
			}
			rc = demo_msg_add(m, &msg);
		}
	}
	return rc;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* Earlier Telegram known-media posts, for forwards. */
struct fwd_pool {
	size_t *msg;
	size_t count;
};

static int chatter(struct demo_model *m, struct demo_rng *rng)
{
	size_t slots = m->n_messages, i, benign0 = m->n_known + m->n_new;
	int64_t *times = nsw__calloc(slots, sizeof(*times));
	struct fwd_pool pool = {nsw__calloc(slots, sizeof(size_t)), 0};
	int rc = 0;

	if (times == NULL || pool.msg == NULL) {
		rc = nsw_error_set(NSW_ENOMEM, "demo: out of memory");
		goto done;
	}
	for (i = 0; i < slots; i++)
		times[i] = DEMO_EPOCH + 10 * DEMO_DAY +
			   (int64_t)(demo_rng_next(rng) %
				     (uint64_t)((DEMO_SPAN_DAYS - 10) * 86400));
	qsort(times, slots, sizeof(*times), cmp_i64);
	for (i = 0; rc == 0 && i < slots; i++) {
		size_t ci = demo_rng_below(rng, (uint32_t)m->chat_count);
		const struct demo_chat *c = &m->chats[ci];
		struct demo_msg msg;
		enum demo_role role;
		uint32_t roll = demo_rng_below(rng, 100);

		memset(&msg, 0, sizeof(msg));
		msg.chat = ci;
		msg.time = times[i];
		msg.item = DEMO_NONE;
		msg.forwarded_from = DEMO_NONE;
		msg.text = phrase(rng);
		msg.sender = pick_sender(m, c, msg.time, rng);
		if (msg.sender == DEMO_NONE)
			continue;
		role = m->accounts[msg.sender].role;
		if (c->distributes && role != DEMO_ROLE_BYSTANDER &&
		    roll < (role == DEMO_ROLE_DISTRIBUTOR ? 45u
			    : role == DEMO_ROLE_SEEDER	  ? 15u
							  : 12u)) {
			msg.kind = DEMO_MSG_MEDIA;
			if (c->platform == DEMO_TG && pool.count > 0 &&
			    demo_rng_chance(rng, 25)) {
				const struct demo_msg *src =
					&m->msgs[pool.msg[demo_rng_below(
						rng, (uint32_t)pool.count)]];

				if (src->chat != ci) {
					msg.item = src->item;
					msg.variant = src->variant;
					msg.forwarded_from =
						src->forwarded_from != DEMO_NONE
							? src->forwarded_from
							: src->sender;
				}
			}
			if (msg.item == DEMO_NONE) {
				msg.item = demo_rng_below(rng,
							  (uint32_t)m->n_known);
				msg.variant =
					pick_variant(&m->items[msg.item], rng);
			}
			if (c->platform == DEMO_TG)
				pool.msg[pool.count++] = m->msg_count;
		} else if (roll >= 80 && msg.sender - 1 < m->n_benign_posted) {
			/* The sender's own unrelated picture. */
			msg.kind = DEMO_MSG_MEDIA;
			msg.item = benign0 + msg.sender - 1;
			msg.variant = DEMO_T_ORIGINAL;
		}
		rc = demo_msg_add(m, &msg);
	}
done:
	nsw__free(times);
	nsw__free(pool.msg);
	return rc;
}

/* The seeder's chats in order: its Telegram ones, then WhatsApp. */
static size_t seeder_chat(const struct demo_model *m, size_t k)
{
	size_t i, found = 0, n = 0;

	for (i = 0; i < m->chat_count; i++)
		n += is_member(&m->chats[i], m->seeder);
	k %= n;
	for (i = 0; i < m->chat_count; i++)
		if (is_member(&m->chats[i], m->seeder) && found++ == k)
			return i;
	return 0;
}

static int seeding(struct demo_model *m, struct demo_rng *rng)
{
	int64_t span = (DEMO_SPAN_DAYS - 25) * DEMO_DAY;
	size_t k, r;
	int rc = 0;

	for (k = 0; rc == 0 && k < m->n_new; k++) {
		size_t item = m->n_known + k, home = seeder_chat(m, k);
		int64_t t0 = DEMO_EPOCH + 15 * DEMO_DAY +
			     span * (int64_t)k / (int64_t)m->n_new +
			     (int64_t)demo_rng_below(rng, 86400);
		struct demo_msg msg;
		size_t reshares = 3 + demo_rng_below(rng, 3), tries = 0;

		memset(&msg, 0, sizeof(msg));
		msg.chat = home;
		msg.time = t0;
		msg.sender = m->seeder;
		msg.kind = DEMO_MSG_MEDIA;
		msg.item = item;
		msg.variant = DEMO_T_ORIGINAL;
		msg.forwarded_from = DEMO_NONE;
		msg.text = phrase(rng);
		rc = demo_msg_add(m, &msg);
		for (r = 0; rc == 0 && r < reshares && tries < 200; tries++) {
			size_t ci =
				demo_rng_below(rng, (uint32_t)m->chat_count);
			const struct demo_chat *c = &m->chats[ci];
			int64_t t = t0 + 3600 +
				    (int64_t)demo_rng_below(rng, 72 * 3600);
			size_t who;

			if (ci == home || !c->distributes)
				continue;
			who = pick_sender(m, c, t, rng);
			if (who == DEMO_NONE || who == m->seeder ||
			    m->accounts[who].role == DEMO_ROLE_BYSTANDER)
				continue;
			msg.chat = ci;
			msg.time = t;
			msg.sender = who;
			msg.forwarded_from = DEMO_NONE;
			if (c->platform == DEMO_TG &&
			    m->chats[home].platform == DEMO_TG) {
				msg.variant = DEMO_T_ORIGINAL;
				msg.forwarded_from = m->seeder;
			} else {
				msg.variant = demo_rng_chance(rng, 50)
						      ? DEMO_T_REENCODE
						      : DEMO_T_RESIZE;
				if (!m->items[item].blob[msg.variant].present)
					msg.variant = DEMO_T_ORIGINAL;
			}
			rc = demo_msg_add(m, &msg);
			r++;
		}
	}
	return rc;
}

static int cmp_msg(const void *a, const void *b)
{
	const struct demo_msg *x = a, *y = b;

	if (x->chat != y->chat)
		return x->chat < y->chat ? -1 : 1;
	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int demo_network_build(struct demo_model *m)
{
	struct demo_rng rng;
	size_t i;
	int rc;

	demo_rng_seed(&rng, m->seed, 2);
	rc = build_accounts(m, &rng);
	if (rc == 0)
		rc = build_chats(m, &rng);
	if (rc == 0)
		rc = membership_events(m);
	if (rc == 0)
		rc = chatter(m, &rng);
	if (rc == 0)
		rc = seeding(m, &rng);
	if (rc != 0)
		return rc;
	qsort(m->msgs, m->msg_count, sizeof(*m->msgs), cmp_msg);
	for (i = 0; i < m->msg_count; i++)
		m->msgs[i].id = i == 0 || m->msgs[i - 1].chat != m->msgs[i].chat
					? 1
					: m->msgs[i - 1].id + 1;
	return 0;
}
