/* SPDX-License-Identifier: Apache-2.0 */
/* The network builder (interned accounts, chats, items; appearances), the
 * analysis driver and the result accessors. */
#include <string.h>
#include <time.h>

#include "alloc.h"
#include "error.h"
#include "limits.h"
#include "network_internal.h"

double nsw_net__now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

double nsw_net__thread_cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

const char *nsw_net__str(const char *s)
{
	return s ? s : "";
}

void nsw_net_options_default(nsw_net_options *opt)
{
	if (opt == NULL)
		return;
	memset(opt, 0, sizeof(*opt));
	opt->betweenness_samples = NSW_NET_BETWEENNESS_SAMPLES;
	opt->seed = 20240229;
	opt->copost_full_max = NSW_NET_COPOST_FULL_MAX;
	opt->copost_window = NSW_NET_COPOST_WINDOW;
	opt->max_vertices = NSW_NET_VERTICES_MAX;
	opt->max_edges = NSW_NET_EDGES_MAX;
	opt->threads = NSW_NET_THREADS;
}

/* ---- interning ------------------------------------------------------- */

static uint32_t hash_key(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (uint8_t)s[i];
		h *= 16777619u;
	}
	return h;
}

static void intern_dispose(nsw_net__intern *t)
{
	uint32_t i;

	for (i = 0; i < t->count; i++)
		nsw__free(t->keys[i]);
	nsw__free(t->keys);
	nsw__free(t->slots);
	memset(t, 0, sizeof(*t));
}

/* Slot of `key` (n bytes): holds index+1 when present, 0 when free. */
static uint32_t *intern_slot(const nsw_net__intern *t, const char *key,
			     size_t n)
{
	uint32_t mask = t->n_slots - 1, i = hash_key(key, n) & mask;

	for (;;) {
		uint32_t v = t->slots[i];

		if (v == 0)
			return &t->slots[i];
		if (strncmp(t->keys[v - 1], key, n) == 0 &&
		    t->keys[v - 1][n] == '\0')
			return &t->slots[i];
		i = (i + 1) & mask;
	}
}

static int intern_rehash(nsw_net__intern *t)
{
	uint32_t n_slots = t->n_slots ? t->n_slots * 2 : 64, i;
	uint32_t *slots = nsw__calloc(n_slots, sizeof(*slots));
	uint32_t *old = t->slots;

	if (slots == NULL)
		return NSW_ENOMEM;
	t->slots = slots;
	t->n_slots = n_slots;
	for (i = 0; i < t->count; i++) {
		const char *k = t->keys[i];

		*intern_slot(t, k, strlen(k)) = i + 1;
	}
	nsw__free(old);
	return 0;
}

/* Find or add `key`; *added says which. Index in *index. */
static int intern(nsw_net__intern *t, uint32_t *index, int *added,
		  const char *key, const char *what)
{
	size_t n = strnlen(key, NSW_NET_STRING_MAX);
	uint32_t *slot;

	*added = 0;
	if ((uint64_t)(t->count + 1) * 2 > t->n_slots && intern_rehash(t) != 0)
		goto nomem;
	slot = intern_slot(t, key, n);
	if (*slot != 0) {
		*index = *slot - 1;
		return 0;
	}
	if (t->count >= NSW_NET_ENTITIES_MAX)
		return nsw_error_set(NSW_ELIMIT,
				     "network: more than %u %s; refusing more",
				     NSW_NET_ENTITIES_MAX, what);
	if (t->count == t->cap) {
		uint32_t cap = t->cap ? t->cap * 2 : 64;
		char **keys = nsw__reallocarray(t->keys, cap, sizeof(*keys));

		if (keys == NULL)
			goto nomem;
		t->keys = keys;
		t->cap = cap;
	}
	t->keys[t->count] = nsw__strndup(key, n);
	if (t->keys[t->count] == NULL)
		goto nomem;
	*slot = t->count + 1;
	*index = t->count++;
	*added = 1;
	return 0;
nomem:
	return nsw_error_set(NSW_ENOMEM, "network: no memory for %s", what);
}

static int intern_find(const nsw_net__intern *t, uint32_t *index,
		       const char *key)
{
	uint32_t *slot;

	if (t->n_slots == 0 || key == NULL)
		return NSW_ENOTFOUND;
	slot = intern_slot(t, key, strnlen(key, NSW_NET_STRING_MAX));
	if (*slot == 0)
		return NSW_ENOTFOUND;
	*index = *slot - 1;
	return 0;
}

/* Grow a per-entity array to hold index `i`. */
static int grow(void **arr, uint32_t *cap, uint32_t i, size_t elem)
{
	uint32_t ncap;
	void *p;

	if (i < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 64;
	while (ncap <= i)
		ncap *= 2;
	p = nsw__reallocarray(*arr, ncap, elem);
	if (p == NULL)
		return NSW_ENOMEM;
	memset((char *)p + (size_t)*cap * elem, 0,
	       (size_t)(ncap - *cap) * elem);
	*arr = p;
	*cap = ncap;
	return 0;
}

static char *copy_opt(const char *s)
{
	return s ? nsw__strndup(s, strnlen(s, NSW_NET_STRING_MAX)) : NULL;
}

/* ---- building -------------------------------------------------------- */

int nsw_net_new(nsw_network **out)
{
	if (out == NULL)
		return nsw_error_set(NSW_EINVAL, "network: NULL out");
	*out = nsw__calloc(1, sizeof(**out));
	if (*out == NULL)
		return nsw_error_set(NSW_ENOMEM, "network: no memory");
	nsw_net_options_default(&(*out)->opt);
	return 0;
}

static int check_builder(const nsw_network *net, const char *key)
{
	if (net == NULL || key == NULL || key[0] == '\0')
		return nsw_error_set(NSW_EINVAL,
				     "network: NULL network or empty key");
	if (net->analysed)
		return nsw_error_set(NSW_EINVAL,
				     "network: already analysed; read-only");
	return 0;
}

int nsw_net_add_account(nsw_network *net, uint32_t *index, const char *key,
			const char *label, const char *country)
{
	uint32_t i = 0;
	int added, rc = check_builder(net, key);

	if (rc != 0)
		return rc;
	/* Room for a new entry first, so a failure leaves no key without
	 * its record. */
	if (grow((void **)&net->accounts_in, &net->accounts_cap,
		 net->account_keys.count, sizeof(*net->accounts_in)) != 0)
		return nsw_error_set(NSW_ENOMEM, "network: no memory");
	rc = intern(&net->account_keys, &i, &added, key, "accounts");
	if (rc != 0)
		return rc;
	if (added) {
		net->accounts_in[i].label = copy_opt(label);
		net->accounts_in[i].country = copy_opt(country);
		if ((label && !net->accounts_in[i].label) ||
		    (country && !net->accounts_in[i].country))
			return nsw_error_set(NSW_ENOMEM, "network: no memory");
	}
	if (index)
		*index = i;
	return 0;
}

int nsw_net_add_chat(nsw_network *net, uint32_t *index, const char *key,
		     const char *title)
{
	uint32_t i = 0;
	int added, rc = check_builder(net, key);

	if (rc != 0)
		return rc;
	/* Room for a new entry first, so a failure leaves no key without
	 * its record. */
	if (grow((void **)&net->chat_titles, &net->chats_cap,
		 net->chat_keys.count, sizeof(*net->chat_titles)) != 0)
		return nsw_error_set(NSW_ENOMEM, "network: no memory");
	rc = intern(&net->chat_keys, &i, &added, key, "chats");
	if (rc != 0)
		return rc;
	if (added) {
		net->chat_titles[i] = copy_opt(title);
		if (title && !net->chat_titles[i])
			return nsw_error_set(NSW_ENOMEM, "network: no memory");
	}
	if (index)
		*index = i;
	return 0;
}

/* Index of the (scheme, code) category, added when new. */
static int category_of(nsw_network *net, uint32_t *out, const char *scheme,
		       const char *code)
{
	uint32_t i, cap1, cap2;

	scheme = nsw_net__str(scheme);
	code = nsw_net__str(code);
	for (i = 0; i < net->n_categories; i++) {
		if (strcmp(net->cat_scheme[i], scheme) == 0 &&
		    strcmp(net->cat_code[i], code) == 0) {
			*out = i;
			return 0;
		}
	}
	cap1 = cap2 = net->categories_cap;
	if (grow((void **)&net->cat_scheme, &cap1, i, sizeof(char *)) != 0 ||
	    grow((void **)&net->cat_code, &cap2, i, sizeof(char *)) != 0)
		return NSW_ENOMEM;
	net->categories_cap = cap1;
	net->cat_scheme[i] = copy_opt(scheme);
	net->cat_code[i] = copy_opt(code);
	if (!net->cat_scheme[i] || !net->cat_code[i])
		return NSW_ENOMEM;
	net->n_categories++;
	*out = i;
	return 0;
}

int nsw_net_add_item(nsw_network *net, uint32_t *index, const char *key,
		     int known, const char *scheme, const char *code,
		     const char *list)
{
	uint32_t i = 0;
	int added, rc = check_builder(net, key);
	nsw_net__item_in *it;

	if (rc != 0)
		return rc;
	/* Room for a new entry first, so a failure leaves no key without
	 * its record. */
	if (grow((void **)&net->items_in, &net->items_cap, net->item_keys.count,
		 sizeof(*net->items_in)) != 0)
		return nsw_error_set(NSW_ENOMEM, "network: no memory");
	rc = intern(&net->item_keys, &i, &added, key, "items");
	if (rc != 0)
		return rc;
	if (added) {
		it = &net->items_in[i];
		it->known = known != 0;
		it->category = NSW_NET_NONE;
		it->scheme = copy_opt(scheme);
		it->code = copy_opt(code);
		it->list = copy_opt(list);
		if ((scheme && !it->scheme) || (code && !it->code) ||
		    (list && !it->list))
			return nsw_error_set(NSW_ENOMEM, "network: no memory");
		if (it->known &&
		    category_of(net, &it->category, scheme, code) != 0)
			return nsw_error_set(NSW_ENOMEM, "network: no memory");
	}
	if (index)
		*index = i;
	return 0;
}

int nsw_net_add_appearance(nsw_network *net, const nsw_net_appearance *a)
{
	if (net == NULL || a == NULL)
		return nsw_error_set(NSW_EINVAL, "network: NULL argument");
	if (net->analysed)
		return nsw_error_set(NSW_EINVAL,
				     "network: already analysed; read-only");
	if (a->item >= net->item_keys.count ||
	    a->chat >= net->chat_keys.count ||
	    a->account >= net->account_keys.count ||
	    (a->forwarded_from != NSW_NET_NONE &&
	     a->forwarded_from >= net->account_keys.count))
		return nsw_error_set(NSW_EINVAL,
				     "network: appearance %u (message %lld) "
				     "refers to an item, chat or account "
				     "that was not added",
				     net->n_app, (long long)a->message_id);
	if (a->kind != NSW_NET_POST && a->kind != NSW_NET_FORWARD)
		return nsw_error_set(NSW_EINVAL,
				     "network: appearance %u: bad kind %d",
				     net->n_app, (int)a->kind);
	if (net->n_app >= NSW_NET_APPEARANCES_MAX)
		return nsw_error_set(NSW_ELIMIT,
				     "network: more than %u appearances; "
				     "refusing more",
				     NSW_NET_APPEARANCES_MAX);
	if (grow((void **)&net->app, &net->app_cap, net->n_app,
		 sizeof(*net->app)) != 0)
		return nsw_error_set(NSW_ENOMEM,
				     "network: no memory for %u "
				     "appearances",
				     net->n_app + 1);
	net->app[net->n_app++] = *a;
	return 0;
}

/* ---- analysis -------------------------------------------------------- */

int nsw_net_analyze(nsw_network *net, const nsw_net_options *opt)
{
	double t;
	int rc;

	if (net == NULL)
		return nsw_error_set(NSW_EINVAL, "network: NULL network");
	if (net->analysed)
		return nsw_error_set(NSW_EINVAL, "network: already analysed");
	if (opt != NULL)
		net->opt = *opt;
	else
		nsw_net_options_default(&net->opt);
	if (net->opt.max_vertices == 0 ||
	    net->opt.max_vertices > NSW_NET_VERTICES_MAX)
		net->opt.max_vertices = NSW_NET_VERTICES_MAX;
	if (net->opt.max_edges == 0 || net->opt.max_edges > NSW_NET_EDGES_MAX)
		net->opt.max_edges = NSW_NET_EDGES_MAX;
	if (net->opt.threads == 0)
		net->opt.threads = NSW_NET_THREADS;
	if (net->opt.threads > NSW_NET_THREADS_MAX)
		return nsw_error_set(NSW_EINVAL,
				     "network: %u threads; at most %u",
				     net->opt.threads, NSW_NET_THREADS_MAX);
	if (net->opt.copost_full_max == 0)
		net->opt.copost_full_max = NSW_NET_COPOST_FULL_MAX;
	if (net->opt.copost_full_max < 2)
		net->opt.copost_full_max = 2;
	if (net->opt.copost_window == 0)
		net->opt.copost_window = NSW_NET_COPOST_WINDOW;
	/* Refuse early, before any work, when the vertices alone are over. */
	if ((uint64_t)net->account_keys.count > net->opt.max_vertices)
		return nsw_error_set(
			NSW_ELIMIT,
			"network: the account graph has %u vertices "
			"(accounts), "
			"over the limit of %llu; refusing to analyse it",
			net->account_keys.count,
			(unsigned long long)net->opt.max_vertices);
	net->analysed = 1;
	t = nsw_net__now();
	rc = nsw_net__compute_tables(net);
	net->stats.seconds_tables = nsw_net__now() - t;
	if (rc == 0)
		rc = nsw_net__compute_edges(net); /* times its own phases */
	t = nsw_net__now();
	if (rc == 0)
		rc = nsw_net__compute_suspects(net);
	net->stats.seconds_suspects = nsw_net__now() - t;
	if (rc != 0)
		net->analysed = 2; /* failed: results must not be read */
	return rc;
}

/* ---- accessors ------------------------------------------------------- */

uint32_t nsw_net_account_count(const nsw_network *net)
{
	return net ? net->account_keys.count : 0;
}

uint32_t nsw_net_chat_count(const nsw_network *net)
{
	return net ? net->chat_keys.count : 0;
}

uint32_t nsw_net_item_count(const nsw_network *net)
{
	return net ? net->item_keys.count : 0;
}

uint32_t nsw_net_appearance_count(const nsw_network *net)
{
	return net ? net->n_app : 0;
}

int nsw_net_find_account(const nsw_network *net, uint32_t *index,
			 const char *key)
{
	return net ? intern_find(&net->account_keys, index, key)
		   : NSW_ENOTFOUND;
}

int nsw_net_find_chat(const nsw_network *net, uint32_t *index, const char *key)
{
	return net ? intern_find(&net->chat_keys, index, key) : NSW_ENOTFOUND;
}

int nsw_net_find_item(const nsw_network *net, uint32_t *index, const char *key)
{
	return net ? intern_find(&net->item_keys, index, key) : NSW_ENOTFOUND;
}

const nsw_net_appearance *nsw_net_appearance_get(const nsw_network *net,
						 uint32_t index)
{
	if (net == NULL || index >= net->n_app)
		return NULL;
	return &net->app[index];
}

const nsw_net_account_info *nsw_net_account(const nsw_network *net,
					    uint32_t index)
{
	if (net == NULL || net->analysed != 1 ||
	    index >= net->account_keys.count)
		return NULL;
	return &net->account_info[index];
}

const nsw_net_item_info *nsw_net_item(const nsw_network *net, uint32_t index)
{
	if (net == NULL || net->analysed != 1 || index >= net->item_keys.count)
		return NULL;
	return &net->item_info[index];
}

const nsw_net_chat_info *nsw_net_chat(const nsw_network *net, uint32_t index)
{
	if (net == NULL || net->analysed != 1 || index >= net->chat_keys.count)
		return NULL;
	return &net->chat_info[index];
}

uint32_t nsw_net_suspect_count(const nsw_network *net)
{
	return net && net->analysed == 1 ? net->n_suspects : 0;
}

const nsw_net_suspect *nsw_net_suspect_get(const nsw_network *net,
					   uint32_t rank0)
{
	if (net == NULL || net->analysed != 1 || rank0 >= net->n_suspects)
		return NULL;
	return &net->suspects[rank0];
}

const nsw_net_stats *nsw_net_get_stats(const nsw_network *net)
{
	static const nsw_net_stats none;

	return net ? &net->stats : &none;
}

double nsw_net_modularity(const nsw_network *net)
{
	return net ? net->modularity : 0.0;
}

uint32_t nsw_net_community_count(const nsw_network *net)
{
	return net ? net->n_communities : 0;
}

void nsw_net_free(nsw_network *net)
{
	uint32_t i;

	if (net == NULL)
		return;
	for (i = 0; i < net->account_keys.count; i++) {
		nsw__free(net->accounts_in[i].label);
		nsw__free(net->accounts_in[i].country);
	}
	for (i = 0; i < net->chat_keys.count; i++)
		nsw__free(net->chat_titles[i]);
	for (i = 0; i < net->item_keys.count; i++) {
		nsw__free(net->items_in[i].scheme);
		nsw__free(net->items_in[i].code);
		nsw__free(net->items_in[i].list);
	}
	for (i = 0; i < net->n_categories; i++) {
		nsw__free(net->cat_scheme[i]);
		nsw__free(net->cat_code[i]);
	}
	intern_dispose(&net->account_keys);
	intern_dispose(&net->chat_keys);
	intern_dispose(&net->item_keys);
	nsw__free(net->accounts_in);
	nsw__free(net->chat_titles);
	nsw__free(net->items_in);
	nsw__free(net->cat_scheme);
	nsw__free(net->cat_code);
	nsw__free(net->app);
	nsw__free(net->account_info);
	nsw__free(net->item_info);
	nsw__free(net->chat_info);
	nsw__free(net->spread_pool);
	nsw__free(net->resharer_pool);
	nsw__free(net->item_chat_pool);
	nsw__free(net->catcount_pool);
	nsw__free(net->bridge_pool);
	nsw__free(net->acct_chats_start);
	nsw__free(net->acct_chats);
	nsw__free(net->acct_chat_posts);
	nsw__free(net->acct_known_chats);
	nsw__free(net->acct_app_start);
	nsw__free(net->acct_app);
	nsw__free(net->chat_accts_start);
	nsw__free(net->chat_accts);
	nsw__free(net->flow);
	nsw__free(net->und);
	nsw_net__free_suspects(net);
	nsw__free(net);
}
