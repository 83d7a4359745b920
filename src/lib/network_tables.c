/* SPDX-License-Identifier: Apache-2.0 */
/* The per-item spreads, per-account and per-chat figures and the chat
 * bridges: everything that is counting rather than graph algorithms. */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "limits.h"
#include "network_internal.h"

/* Order of appearances: time, then message id, then the order added. */
int nsw_net__by_time(const void *pa, const void *pb, void *ctx)
{
	const nsw_net_appearance *app = ctx;
	uint32_t ia = *(const uint32_t *)pa, ib = *(const uint32_t *)pb;
	const nsw_net_appearance *a = &app[ia], *b = &app[ib];

	if (a->time != b->time)
		return a->time < b->time ? -1 : 1;
	if (a->message_id != b->message_id)
		return a->message_id < b->message_id ? -1 : 1;
	return ia < ib ? -1 : ia > ib;
}

/* Which field of an appearance to group by. */
enum group_field {
	BY_ITEM,
	BY_CHAT,
	BY_ACCOUNT
};

static uint32_t field_of(const nsw_net_appearance *a, enum group_field f)
{
	return f == BY_ITEM ? a->item : f == BY_CHAT ? a->chat : a->account;
}

/*
 * Stable counting sort of the time-ordered appearance indices `order` into
 * groups: start[g]..start[g+1] in `out` (n_groups + 1 starts).
 */
static void group(uint32_t *start, uint32_t *out, const uint32_t *order,
		  const nsw_net_appearance *app, uint32_t n_app,
		  uint32_t n_groups, enum group_field f)
{
	uint32_t i;

	memset(start, 0, ((size_t)n_groups + 1) * sizeof(*start));
	for (i = 0; i < n_app; i++)
		start[field_of(&app[i], f) + 1]++;
	for (i = 0; i < n_groups; i++)
		start[i + 1] += start[i];
	for (i = 0; i < n_app; i++) {
		uint32_t g = field_of(&app[order[i]], f);

		out[start[g]++] = order[i];
	}
	for (i = n_groups; i > 0; i--)
		start[i] = start[i - 1];
	start[0] = 0;
}

/* Working arrays of one analysis. */
typedef struct work {
	uint32_t *order;      /* appearance indices in time order */
	uint32_t *item_start; /* spreads: item groups of spread_pool */
	uint32_t *acct_start, *acct_app; /* by account (owned by net) */
	uint32_t *chat_start, *chat_app; /* appearances by chat */
	uint32_t *stamp_a, *stamp_c, *stamp_i, *stamp_k; /* "seen" marks */
	uint32_t *pos_c;		 /* chat -> position in a's list */
	uint32_t *cat_posts, *cat_items; /* per category, one account */
	uint32_t *cat_touched;
} work;

static void work_free(work *w)
{
	nsw__free(w->order);
	nsw__free(w->item_start);
	nsw__free(w->chat_start);
	nsw__free(w->chat_app);
	nsw__free(w->stamp_a);
	nsw__free(w->stamp_c);
	nsw__free(w->stamp_i);
	nsw__free(w->stamp_k);
	nsw__free(w->pos_c);
	nsw__free(w->cat_posts);
	nsw__free(w->cat_items);
	nsw__free(w->cat_touched);
}

static uint32_t *u32s(size_t n)
{
	return nsw__reallocarray(NULL, n ? n : 1, sizeof(uint32_t));
}

/* Stamps: an array of marks set to NONE ("no owner"). */
static uint32_t *stamps(size_t n)
{
	uint32_t *s = u32s(n);

	if (s != NULL)
		memset(s, 0xff, (n ? n : 1) * sizeof(*s));
	return s;
}

static int work_alloc(work *w, nsw_network *net)
{
	size_t na = net->account_keys.count, nc = net->chat_keys.count;
	size_t ni = net->item_keys.count, nk = net->n_categories;
	size_t napp = net->n_app;

	w->order = u32s(napp);
	w->item_start = u32s(ni + 1);
	w->acct_start = net->acct_app_start = u32s(na + 1);
	w->acct_app = net->acct_app = u32s(napp);
	w->chat_start = u32s(nc + 1);
	w->chat_app = u32s(napp);
	w->stamp_a = stamps(na);
	w->stamp_c = stamps(nc);
	w->stamp_i = stamps(ni);
	w->stamp_k = stamps(nc);
	w->pos_c = u32s(nc);
	w->cat_posts = nsw__calloc(nk ? nk : 1, sizeof(uint32_t));
	w->cat_items = nsw__calloc(nk ? nk : 1, sizeof(uint32_t));
	w->cat_touched = u32s(nk);
	if (!w->order || !w->item_start || !w->acct_start || !w->acct_app ||
	    !w->chat_start || !w->chat_app || !w->stamp_a || !w->stamp_c ||
	    !w->stamp_i || !w->stamp_k || !w->pos_c || !w->cat_posts ||
	    !w->cat_items || !w->cat_touched)
		return NSW_ENOMEM;
	return 0;
}

/* Spreads: per item its time-ordered appearances, first poster,
 * re-sharers and chats; and the seeding counts of the first posters. */
static void compute_spreads(nsw_network *net, work *w)
{
	uint32_t i, j, n_res = 0, n_ch = 0;

	for (i = 0; i < net->item_keys.count; i++) {
		nsw_net_item_info *it = &net->item_info[i];
		const nsw_net__item_in *in = &net->items_in[i];
		uint32_t s = w->item_start[i], e = w->item_start[i + 1];

		it->key = net->item_keys.keys[i];
		it->known = in->known;
		it->scheme = nsw_net__str(in->scheme);
		it->code = nsw_net__str(in->code);
		it->list = nsw_net__str(in->list);
		it->spread = net->spread_pool + s;
		it->n_spread = e - s;
		it->resharers = net->resharer_pool + n_res;
		it->chats = net->item_chat_pool + n_ch;
		it->first_poster = NSW_NET_NONE;
		if (s == e)
			continue;
		it->first_poster = net->app[net->spread_pool[s]].account;
		for (j = s; j < e; j++) {
			const nsw_net_appearance *a =
				&net->app[net->spread_pool[j]];

			if (w->stamp_a[a->account] != i) {
				w->stamp_a[a->account] = i;
				if (a->account != it->first_poster)
					net->resharer_pool[n_res++] =
						a->account;
			}
			if (w->stamp_c[a->chat] != i) {
				w->stamp_c[a->chat] = i;
				net->item_chat_pool[n_ch++] = a->chat;
			}
		}
		it->n_resharers =
			(size_t)(net->resharer_pool + n_res - it->resharers);
		it->n_chats = (size_t)(net->item_chat_pool + n_ch - it->chats);

		nsw_net_account_info *seeder =
			&net->account_info[it->first_poster];
		seeder->seeded_items++;
		if (it->known)
			seeder->known_seeded++;
		else if (it->n_resharers > 0)
			seeder->new_seeded_reshared++;
	}
}

/* Per account: posts, known posts/items by category, chats active. */
static void compute_accounts(nsw_network *net, work *w)
{
	uint32_t a, j, n_chats = 0;
	size_t n_cat = 0;

	for (a = 0; a < net->account_keys.count; a++) {
		nsw_net_account_info *ac = &net->account_info[a];
		uint32_t s = w->acct_start[a], e = w->acct_start[a + 1];
		uint32_t n_touched = 0, k, known_chats = 0;

		ac->key = net->account_keys.keys[a];
		ac->label = nsw_net__str(net->accounts_in[a].label);
		ac->country = nsw_net__str(net->accounts_in[a].country);
		ac->community = -1;
		ac->posts = e - s;
		net->acct_chats_start[a] = n_chats;
		for (j = s; j < e; j++) {
			const nsw_net_appearance *ap =
				&net->app[w->acct_app[j]];
			const nsw_net__item_in *it = &net->items_in[ap->item];

			if (w->stamp_c[ap->chat] != a) {
				w->stamp_c[ap->chat] = a;
				w->pos_c[ap->chat] = n_chats;
				net->acct_chats[n_chats] = ap->chat;
				net->acct_chat_posts[n_chats++] = 0;
			}
			net->acct_chat_posts[w->pos_c[ap->chat]]++;
			if (!it->known)
				continue;
			ac->known_posts++;
			if (w->stamp_k[ap->chat] != a) {
				w->stamp_k[ap->chat] = a;
				known_chats++;
			}
			k = it->category;
			if (w->cat_posts[k] == 0 && w->cat_items[k] == 0)
				w->cat_touched[n_touched++] = k;
			w->cat_posts[k]++;
			if (w->stamp_i[ap->item] != a) {
				w->stamp_i[ap->item] = a;
				w->cat_items[k]++;
				ac->known_items++;
			}
		}
		ac->chats_active = n_chats - net->acct_chats_start[a];
		ac->chats = net->acct_chats + net->acct_chats_start[a];
		ac->chat_posts =
			net->acct_chat_posts + net->acct_chats_start[a];
		net->acct_known_chats[a] = known_chats;
		ac->categories = net->catcount_pool + n_cat;
		ac->n_categories = n_touched;
		for (j = 0; j < n_touched; j++) {
			nsw_net_category_count *cc =
				&net->catcount_pool[n_cat++];

			k = w->cat_touched[j];
			cc->scheme = net->cat_scheme[k];
			cc->code = net->cat_code[k];
			cc->posts = w->cat_posts[k];
			cc->items = w->cat_items[k];
			w->cat_posts[k] = w->cat_items[k] = 0;
		}
	}
	net->acct_chats_start[net->account_keys.count] = n_chats;
}

/* Per chat: posts, known share, active accounts in order of first
 * activity (kept for the co-post edges). */
static void compute_chats(nsw_network *net, work *w)
{
	uint32_t c, j, n_acc = 0;

	memset(w->stamp_i, 0xff, (size_t)net->item_keys.count * 4);
	for (c = 0; c < net->chat_keys.count; c++) {
		nsw_net_chat_info *ch = &net->chat_info[c];
		uint32_t s = w->chat_start[c], e = w->chat_start[c + 1];

		ch->key = net->chat_keys.keys[c];
		ch->title = nsw_net__str(net->chat_titles[c]);
		ch->posts = e - s;
		net->chat_accts_start[c] = n_acc;
		for (j = s; j < e; j++) {
			const nsw_net_appearance *ap =
				&net->app[w->chat_app[j]];

			if (w->stamp_a[ap->account] != c) {
				w->stamp_a[ap->account] = c;
				net->chat_accts[n_acc++] = ap->account;
			}
			if (!net->items_in[ap->item].known)
				continue;
			ch->known_posts++;
			if (w->stamp_i[ap->item] != c) {
				w->stamp_i[ap->item] = c;
				ch->known_items++;
			}
		}
		ch->active_accounts = n_acc - net->chat_accts_start[c];
		ch->accounts = net->chat_accts + net->chat_accts_start[c];
		ch->known_share =
			ch->posts ? (double)ch->known_posts / ch->posts : 0.0;
	}
	net->chat_accts_start[net->chat_keys.count] = n_acc;
}

static int by_shared(const void *pa, const void *pb)
{
	const nsw_net_bridge *a = pa, *b = pb;

	if (a->shared_accounts != b->shared_accounts)
		return a->shared_accounts > b->shared_accounts ? -1 : 1;
	return a->chat < b->chat ? -1 : a->chat > b->chat;
}

/*
 * Bridges: for each chat, the chats sharing active accounts with it. An
 * account active in more than NSW_NET_BRIDGE_ACCOUNT_CHATS_MAX chats is
 * left out (limits.h says why). Counting reuses w->pos_c as counters.
 */
static int compute_bridges(nsw_network *net, work *w)
{
	uint32_t nc = net->chat_keys.count, c, j, k;
	size_t pool_n;
	nsw_net_bridge *touched = NULL;
	uint32_t *count = w->pos_c;

	if (__builtin_mul_overflow((size_t)nc, (size_t)NSW_NET_BRIDGES_PER_CHAT,
				   &pool_n))
		return NSW_ENOMEM;
	net->bridge_pool = nsw__reallocarray(NULL, pool_n ? pool_n : 1,
					     sizeof(*net->bridge_pool));
	touched = nsw__reallocarray(NULL, nc ? nc : 1, sizeof(*touched));
	if (net->bridge_pool == NULL || touched == NULL) {
		nsw__free(touched);
		return NSW_ENOMEM;
	}
	memset(count, 0, (size_t)nc * sizeof(*count));
	for (c = 0; c < nc; c++) {
		nsw_net_chat_info *ch = &net->chat_info[c];
		uint32_t n_touched = 0;

		for (j = net->chat_accts_start[c];
		     j < net->chat_accts_start[c + 1]; j++) {
			uint32_t a = net->chat_accts[j];
			uint32_t s = net->acct_chats_start[a];
			uint32_t e = net->acct_chats_start[a + 1];

			if (e - s > NSW_NET_BRIDGE_ACCOUNT_CHATS_MAX)
				continue;
			for (k = s; k < e; k++) {
				uint32_t d = net->acct_chats[k];

				if (d == c)
					continue;
				if (count[d]++ == 0)
					touched[n_touched++].chat = d;
			}
		}
		for (j = 0; j < n_touched; j++) {
			touched[j].shared_accounts = count[touched[j].chat];
			count[touched[j].chat] = 0;
		}
		qsort(touched, n_touched, sizeof(*touched), by_shared);
		ch->bridged_chats = n_touched;
		ch->n_bridges = n_touched < NSW_NET_BRIDGES_PER_CHAT
					? n_touched
					: NSW_NET_BRIDGES_PER_CHAT;
		ch->bridges =
			net->bridge_pool + (size_t)c * NSW_NET_BRIDGES_PER_CHAT;
		memcpy(net->bridge_pool + (size_t)c * NSW_NET_BRIDGES_PER_CHAT,
		       touched, ch->n_bridges * sizeof(*touched));
	}
	nsw__free(touched);
	return 0;
}

int nsw_net__compute_tables(nsw_network *net)
{
	work w;
	size_t na = net->account_keys.count, nc = net->chat_keys.count;
	size_t ni = net->item_keys.count, napp = net->n_app;
	size_t ncat_pool;
	uint32_t i;
	int rc = NSW_ENOMEM;

	memset(&w, 0, sizeof(w));
	if (work_alloc(&w, net) != 0)
		goto done;
	ncat_pool = napp;
	if (net->n_categories > 0 && na * net->n_categories < ncat_pool)
		ncat_pool = na * net->n_categories;
	net->account_info =
		nsw__calloc(na ? na : 1, sizeof(*net->account_info));
	net->item_info = nsw__calloc(ni ? ni : 1, sizeof(*net->item_info));
	net->chat_info = nsw__calloc(nc ? nc : 1, sizeof(*net->chat_info));
	net->spread_pool = u32s(napp);
	net->resharer_pool = u32s(napp);
	net->item_chat_pool = u32s(napp);
	net->catcount_pool = nsw__reallocarray(NULL, ncat_pool ? ncat_pool : 1,
					       sizeof(*net->catcount_pool));
	net->acct_chats_start = u32s(na + 1);
	net->acct_chats = u32s(napp);
	net->acct_chat_posts = u32s(napp);
	net->acct_known_chats = u32s(na);
	net->chat_accts_start = u32s(nc + 1);
	net->chat_accts = u32s(napp);
	if (!net->account_info || !net->item_info || !net->chat_info ||
	    !net->spread_pool || !net->resharer_pool || !net->item_chat_pool ||
	    !net->catcount_pool || !net->acct_chats_start || !net->acct_chats ||
	    !net->acct_chat_posts || !net->acct_known_chats ||
	    !net->chat_accts_start || !net->chat_accts)
		goto done;

	for (i = 0; i < net->n_app; i++)
		w.order[i] = i;
	qsort_r(w.order, napp, sizeof(*w.order), nsw_net__by_time, net->app);
	group(w.item_start, net->spread_pool, w.order, net->app, net->n_app,
	      net->item_keys.count, BY_ITEM);
	group(w.acct_start, w.acct_app, w.order, net->app, net->n_app,
	      net->account_keys.count, BY_ACCOUNT);
	group(w.chat_start, w.chat_app, w.order, net->app, net->n_app,
	      net->chat_keys.count, BY_CHAT);

	compute_spreads(net, &w);
	memset(w.stamp_c, 0xff, nc * sizeof(uint32_t));
	compute_accounts(net, &w);
	memset(w.stamp_a, 0xff, na * sizeof(uint32_t));
	compute_chats(net, &w);
	if (compute_bridges(net, &w) != 0)
		goto done;
	rc = 0;
done:
	work_free(&w);
	if (rc != 0)
		return nsw_error_set(rc,
				     "network: no memory for the tables of "
				     "%zu appearances",
				     napp);
	return 0;
}
