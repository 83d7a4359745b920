/* SPDX-License-Identifier: Apache-2.0 */
/* The demo operation (demo*.c): deterministic, and everything it writes
 * reads back through the project's own importers, parsers and hashes as
 * the planted truth says. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support.h"
#include "demo_internal.h"
#include "netsweep/netsweep.h"

#define SEED 5

struct fixture {
	char *dir;
	struct demo_model model;
	nsw_demo_summary summary;
};

static struct fixture *fx;

static int setup(void **state)
{
	fx = calloc(1, sizeof(*fx));
	if (fx == NULL)
		return -1;
	fx->dir = ts_tmpdir();
	if (demo_generate_model(&fx->model, &fx->summary, fx->dir,
				NSW_DEMO_SMALL, SEED) != 0) {
		fprintf(stderr, "demo: %s\n", nsw_error_last());
		return -1;
	}
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	demo_model_free(&fx->model);
	ts_tmpdir_remove(fx->dir);
	free(fx);
	return 0;
}

static char *join(const char *a, const char *b)
{
	return ts_path(a, b);
}

/* ---- Manifest: "relative-path sha256\n" for every file, walk order ---- */

struct manifest {
	size_t root_len;
	char *text;
	size_t len, cap;
	size_t files;
};

static int manifest_add(void *ctx, const nsw_walk_entry *e)
{
	struct manifest *mf = ctx;
	size_t len = 0, need;
	uint8_t *data;
	nsw_digests d;
	char hex[2 * NSW_SHA256_BYTES + 1];

	if (e->kind != NSW_WALK_FILE)
		return 0;
	data = ts_read_file(e->path, &len);
	assert_non_null(data);
	assert_int_equal(
		nsw_digest_buffer(&d, NSW_ALGO_BIT(NSW_ALGO_SHA256), data, len),
		0);
	free(data);
	nsw_hex_encode(hex, d.sha256, NSW_SHA256_BYTES);
	need = strlen(e->path) + sizeof(hex) + 4;
	if (mf->len + need >= mf->cap) {
		mf->cap = (mf->cap + need) * 2;
		mf->text = realloc(mf->text, mf->cap);
		assert_non_null(mf->text);
	}
	mf->len += (size_t)snprintf(mf->text + mf->len, mf->cap - mf->len,
				    "%s %s\n", e->path + mf->root_len, hex);
	mf->files++;
	return 0;
}

static struct manifest manifest_of(const char *dir)
{
	struct manifest mf;

	memset(&mf, 0, sizeof(mf));
	mf.root_len = strlen(dir);
	assert_int_equal(nsw_walk(dir, 0, manifest_add, &mf), 0);
	assert_non_null(mf.text);
	return mf;
}

static void same_seed_gives_identical_bytes(void **state)
{
	char *other = ts_tmpdir();
	nsw_demo_summary s2;
	struct manifest a, b;

	(void)state;
	assert_int_equal(nsw_demo_generate(&s2, other, NSW_DEMO_SMALL, SEED),
			 0);
	a = manifest_of(fx->dir);
	b = manifest_of(other);
	assert_true(a.files > 500);
	assert_int_equal(a.files, b.files);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.text, b.text, a.len);
	assert_int_equal(s2.files_written, fx->summary.files_written);
	/* Every file on disk was counted as written (the marker too). */
	assert_int_equal(a.files, fx->summary.files_written);
	free(a.text);
	free(b.text);
	ts_tmpdir_remove(other);
}

static void summary_matches_the_plan(void **state)
{
	const nsw_demo_summary *s = &fx->summary;

	(void)state;
	assert_int_equal(s->known_items, 30);
	assert_true(s->known_copies >= 30 * 5);
	assert_int_equal(s->new_items, 10);
	assert_int_equal(s->accounts, 80);
	assert_int_equal(s->telegram_groups + s->whatsapp_groups, 10);
	assert_true(s->countries >= 20);
	assert_true(s->telegram.messages + s->whatsapp.messages >= 1800);
	assert_true(s->telegram.media > 0 && s->whatsapp.media > 0);
	assert_int_equal(s->corrupt_files, 2 * NSW_DEMO_DEVICES);
}

/* ---- Lists ---- */

struct list_count {
	size_t entries;
	unsigned has_all;
	unsigned problems;
};

static int on_entry(void *ctx, const nsw_list_entry *e)
{
	struct list_count *c = ctx;

	c->entries++;
	c->has_all &= e->has;
	return 0;
}

static void on_list_problem(void *ctx, const char *file, uint64_t line,
			    const char *message)
{
	struct list_count *c = ctx;

	fprintf(stderr, "%s:%llu: %s\n", file, (unsigned long long)line,
		message);
	c->problems++;
}

static void import_one(const char *rel, nsw_list_format want, size_t expect,
		       unsigned has)
{
	char *path = join(fx->dir, rel);
	nsw_list_format got;
	nsw_import_options opt;
	nsw_import_stats st;
	struct list_count c = {0, ~0u, 0};
	nsw_import_sink sink = {&c, on_entry, on_list_problem};

	memset(&opt, 0, sizeof(opt));
	memset(&st, 0, sizeof(st));
	assert_int_equal(nsw_list_detect_format(&got, path), 0);
	assert_int_equal(got, want);
	assert_int_equal(nsw_list_import_file(&st, path, &opt, &sink), 0);
	assert_int_equal(st.rejected, 0);
	assert_int_equal(st.excluded, 0);
	assert_int_equal(c.problems, 0);
	assert_int_equal(st.kept, expect);
	assert_int_equal(c.entries, expect);
	assert_int_equal(c.has_all & has, has);
	free(path);
}

static void lists_import_without_rejects(void **state)
{
	(void)state;
	import_one(NSW_DEMO_LIST_VICS, NSW_LIST_FORMAT_VICS,
		   fx->summary.known_items, NSW_HAS_MD5 | NSW_HAS_SHA1);
	import_one(NSW_DEMO_LIST_PDQ, NSW_LIST_FORMAT_PDQ,
		   fx->summary.known_items, NSW_HAS_PDQ);
	import_one(NSW_DEMO_LIST_SOFTWARE, NSW_LIST_FORMAT_NSRL,
		   fx->summary.software_files, NSW_HAS_MD5 | NSW_HAS_SHA1);
}

static void known_files_hash_to_their_list_entries(void **state)
{
	size_t i;
	char rel[128];

	(void)state;
	for (i = 0; i < fx->model.n_known; i++) {
		const struct demo_item *it = &fx->model.items[i];
		char *path;
		nsw_pdq_result r;
		size_t len;
		uint8_t *data;
		nsw_digests d;

		snprintf(rel, sizeof(rel), "%s/%s.jpg", NSW_DEMO_KNOWN_DIR,
			 it->name);
		path = join(fx->dir, rel);
		data = ts_read_file(path, &len);
		assert_non_null(data);
		assert_int_equal(
			nsw_digest_buffer(&d, NSW_DIGESTS_ALL, data, len), 0);
		assert_memory_equal(d.md5, it->blob[0].digests.md5,
				    NSW_MD5_BYTES);
		assert_int_equal(nsw_pdq_hash_file(&r, path, 0), 0);
		assert_memory_equal(r.hash.bytes, it->blob[0].pdq.bytes,
				    NSW_PDQ_BYTES);
		free(data);
		free(path);
	}
}

/* ---- PDQ: planted copies match, unrelated scenes do not ---- */

static int best_distance(const nsw_pdq_hash *listed, const uint8_t *data,
			 size_t len)
{
	nsw_pdq_result r;
	int d, best = 999;

	assert_int_equal(nsw_pdq_hash_buffer(&r, data, len, "copy", 1), 0);
	for (d = 0; d < NSW_PDQ_DIHEDRAL_COUNT; d++) {
		int x = nsw_pdq_distance(listed, &r.dihedral[d]);

		if (x < best)
			best = x;
	}
	return best;
}

static void planted_copies_match_within_31_and_others_do_not(void **state)
{
	const struct demo_model *m = &fx->model;
	size_t i, j, copies = 0;
	int t, kinds[DEMO_T_COUNT] = {0};

	(void)state;
	for (i = 0; i < m->n_known; i++) {
		const struct demo_item *it = &m->items[i];

		for (t = 1; t < DEMO_T_COUNT; t++) {
			int d;

			if (!it->blob[t].present)
				continue;
			d = best_distance(&it->blob[0].pdq, it->blob[t].data,
					  it->blob[t].len);
			assert_true(d <= 31);
			assert_int_equal(d, it->blob[t].distance);
			/* A copy is not the original's bytes. */
			assert_memory_not_equal(it->blob[t].digests.sha256,
						it->blob[0].digests.sha256,
						NSW_SHA256_BYTES);
			kinds[t]++;
			copies++;
		}
	}
	assert_int_equal(copies, fx->summary.known_copies);
	for (t = 1; t < DEMO_T_COUNT; t++)
		assert_true(kinds[t] >= (int)m->n_known / 2);
	/* New and unrelated items match no known item, under any variant. */
	for (j = m->n_known; j < m->item_count; j++)
		for (i = 0; i < m->n_known; i++)
			assert_true(best_distance(&m->items[i].blob[0].pdq,
						  m->items[j].blob[0].data,
						  m->items[j].blob[0].len) >
				    31);
}

/* ---- Exports ---- */

struct ingest_count {
	const struct demo_model *m;
	uint64_t chats, messages, service, membership, media, files;
	uint64_t problems, forwards, phones_known, wa_senders;
	uint64_t account_phones; /* sightings with a phone of the model */
};

static int on_chat(void *ctx, const nsw_ingest_chat *c)
{
	(void)c;
	((struct ingest_count *)ctx)->chats++;
	return 0;
}

static int phone_of_model(const struct demo_model *m, const char *phone)
{
	size_t i;

	for (i = 0; i < m->account_count; i++)
		if (strcmp(m->accounts[i].phone, phone) == 0)
			return 1;
	return 0;
}

static int on_message(void *ctx, const nsw_ingest_message *msg)
{
	struct ingest_count *c = ctx;
	size_t k;

	c->messages++;
	if (msg->flags & NSW_INGEST_MSG_SERVICE)
		c->service++;
	if (msg->forwarded_from_id != NULL)
		c->forwards++;
	for (k = 0; k < msg->media_count; k++) {
		c->media++;
		c->files += msg->media[k].state == NSW_MEDIA_FILE;
	}
	if (msg->platform == NSW_PLATFORM_WHATSAPP && msg->sender_id != NULL &&
	    !(msg->flags & NSW_INGEST_MSG_SERVICE)) {
		c->wa_senders++;
		c->phones_known += phone_of_model(c->m, msg->sender_id);
	}
	return 0;
}

static int on_account(void *ctx, const nsw_ingest_account *a)
{
	struct ingest_count *c = ctx;

	if (a->phone != NULL && phone_of_model(c->m, a->phone))
		c->account_phones++;
	return 0;
}

static int on_member(void *ctx, const nsw_ingest_membership *e)
{
	(void)e;
	((struct ingest_count *)ctx)->membership++;
	return 0;
}

static void on_problem(void *ctx, const nsw_ingest_problem *p)
{
	fprintf(stderr, "%s:%llu: %s\n", p->file, (unsigned long long)p->line,
		p->message);
	((struct ingest_count *)ctx)->problems++;
}

static void ingest_into(struct ingest_count *c, const char *path)
{
	nsw_ingest_stats st;
	nsw_ingest_sink sink;

	memset(&sink, 0, sizeof(sink));
	sink.ctx = c;
	sink.chat = on_chat;
	sink.account = on_account;
	sink.message = on_message;
	sink.membership = on_member;
	sink.problem = on_problem;

	memset(&st, 0, sizeof(st));
	assert_int_equal(nsw_ingest_file(&st, path, NULL, &sink), 0);
	assert_int_equal(st.problems, 0);
	assert_int_equal(st.skipped, 0);
	assert_int_equal(st.media_refused, 0);
	assert_int_equal(st.media_not_exported, 0);
}

static void telegram_export_ingests_with_the_expected_counts(void **state)
{
	struct ingest_count c;
	char *path = join(fx->dir, NSW_DEMO_TELEGRAM);
	const nsw_demo_summary *s = &fx->summary;
	size_t i, tg_accounts = 0;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.m = &fx->model;
	ingest_into(&c, path);
	assert_int_equal(c.problems, 0);
	assert_int_equal(c.chats, s->telegram.chats);
	assert_int_equal(c.chats, s->telegram_groups);
	assert_int_equal(c.messages, s->telegram.messages);
	assert_int_equal(c.service, s->telegram.service);
	assert_int_equal(c.membership, s->telegram.membership);
	assert_int_equal(c.media, s->telegram.media);
	assert_int_equal(c.files, s->telegram.media);
	assert_true(c.forwards > 0);
	/* Every Telegram account's phone comes with the contacts list. */
	for (i = 0; i < fx->model.account_count; i++)
		tg_accounts += fx->model.accounts[i].on_telegram;
	assert_true(c.account_phones >= tg_accounts);
	free(path);
}

static void whatsapp_exports_ingest_with_the_expected_counts(void **state)
{
	struct ingest_count c;
	const nsw_demo_summary *s = &fx->summary;
	size_t i;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.m = &fx->model;
	for (i = 0; i < fx->model.chat_count; i++) {
		char rel[256], *path;

		if (fx->model.chats[i].platform != DEMO_WA)
			continue;
		snprintf(rel, sizeof(rel), "%s/%s.txt", NSW_DEMO_WHATSAPP_DIR,
			 fx->model.chats[i].slug);
		path = join(fx->dir, rel);
		ingest_into(&c, path);
		free(path);
	}
	assert_int_equal(c.problems, 0);
	assert_int_equal(c.chats, s->whatsapp.chats);
	assert_int_equal(c.chats, s->whatsapp_groups);
	assert_int_equal(c.messages, s->whatsapp.messages);
	assert_int_equal(c.service, s->whatsapp.service);
	assert_int_equal(c.membership, s->whatsapp.membership);
	assert_int_equal(c.media, s->whatsapp.media);
	assert_int_equal(c.files, s->whatsapp.media);
	/* Senders are phone numbers, normalised to the accounts' E.164. */
	assert_true(c.wa_senders > 0);
	assert_int_equal(c.phones_known, c.wa_senders);
}

/* ---- Devices hold exactly the planted files ---- */

struct device_walk {
	size_t root_len;
	size_t files, matched;
};

static int device_file(void *ctx, const nsw_walk_entry *e)
{
	struct device_walk *w = ctx;
	const struct demo_model *m = &fx->model;
	const char *rel = e->path + w->root_len + 1;
	size_t i, len;
	uint8_t *data;
	nsw_digests d;

	if (e->kind != NSW_WALK_FILE)
		return 0;
	w->files++;
	data = ts_read_file(e->path, &len);
	assert_non_null(data);
	assert_int_equal(
		nsw_digest_buffer(&d, NSW_ALGO_BIT(NSW_ALGO_SHA256), data, len),
		0);
	free(data);
	for (i = 0; i < m->devfile_count; i++) {
		if (strcmp(m->devfiles[i].path, rel) != 0)
			continue;
		assert_memory_equal(m->devfiles[i].sha256, d.sha256,
				    NSW_SHA256_BYTES);
		assert_int_equal(m->devfiles[i].size, len);
		w->matched++;
		return 0;
	}
	fail_msg("unplanted device file %s", rel);
	return 0;
}

static void devices_hold_exactly_the_planted_files(void **state)
{
	char *root = join(fx->dir, NSW_DEMO_DEVICES_DIR);
	struct device_walk w = {strlen(fx->dir), 0, 0};
	const struct demo_model *m = &fx->model;
	size_t i, corrupt = 0, kinds[DEMO_DEV_CORRUPT_GARBAGE + 1] = {0};

	(void)state;
	assert_int_equal(nsw_walk(root, 0, device_file, &w), 0);
	assert_int_equal(w.files, m->devfile_count);
	assert_int_equal(w.matched, m->devfile_count);
	assert_int_equal(w.files, fx->summary.device_files);
	for (i = 0; i < m->devfile_count; i++) {
		const struct demo_devfile *f = &m->devfiles[i];
		nsw_pdq_result r;
		char *path = join(fx->dir, f->path);
		int rc = nsw_pdq_hash_file(&r, path, 0);

		kinds[f->kind]++;
		if (f->kind == DEMO_DEV_CORRUPT_GARBAGE ||
		    f->kind == DEMO_DEV_CORRUPT_TRUNCATED) {
			assert_int_equal(rc, NSW_EFORMAT);
			corrupt++;
		} else if (f->item != DEMO_NONE) {
			assert_int_equal(rc, 0);
		}
		free(path);
	}
	assert_int_equal(corrupt, fx->summary.corrupt_files);
	for (i = 0; i <= DEMO_DEV_CORRUPT_GARBAGE; i++)
		assert_true(kinds[i] > 0);
	/* Each owner is an account of the network. */
	for (i = 0; i < NSW_DEMO_DEVICES; i++)
		assert_int_equal(m->accounts[m->device_owner[i]].device, i + 1);
	free(root);
}

/* ---- IP log ---- */

/* Country of `ip` by the ranges file, or "". */
static void range_country(char cc[3], const char *geo, const char *ip)
{
	uint8_t addr[16], net[16];
	int v6 = strchr(ip, ':') != NULL;
	const char *line = geo;

	cc[0] = '\0';
	assert_int_equal(inet_pton(v6 ? AF_INET6 : AF_INET, ip, addr), 1);
	while (*line) {
		char cidr[64];
		const char *tab = strchr(line, '\t'), *nl = strchr(line, '\n');
		size_t n = (size_t)(tab - line), bits, k;
		char *slash;
		int match = 1;

		assert_non_null(tab);
		assert_non_null(nl);
		memcpy(cidr, line, n);
		cidr[n] = '\0';
		slash = strchr(cidr, '/');
		*slash = '\0';
		bits = strtoul(slash + 1, NULL, 10);
		if ((strchr(cidr, ':') != NULL) == v6 &&
		    inet_pton(v6 ? AF_INET6 : AF_INET, cidr, net) == 1) {
			for (k = 0; k < bits; k++)
				if (((addr[k / 8] ^ net[k / 8]) >>
				     (7 - k % 8)) &
				    1)
					match = 0;
			if (match) {
				memcpy(cc, tab + 1, 2);
				cc[2] = '\0';
				return;
			}
		}
		line = nl + 1;
	}
}

static void ip_log_parses_and_maps_to_planted_countries(void **state)
{
	const struct demo_model *m = &fx->model;
	char *p1 = join(fx->dir, NSW_DEMO_IP_LOG);
	char *p2 = join(fx->dir, NSW_DEMO_IP_GEO);
	size_t len, rows = 0, conflicts = 0, i;
	char *log = (char *)ts_read_file(p1, &len);
	char *geo = (char *)ts_read_file(p2, &len);
	char *line, *next;

	(void)state;
	assert_non_null(log);
	assert_non_null(geo);
	next = strchr(log, '\n');
	assert_non_null(next);
	*next = '\0';
	assert_string_equal(log, "account,ip,timestamp_utc");
	for (line = next + 1; *line != '\0'; line = next + 1) {
		char *c1 = strchr(line, ','), *c2, cc[3];
		const struct demo_account *who = NULL;
		const char *ts;
		static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";

		next = strchr(line, '\n');
		assert_non_null(next);
		*next = '\0';

		assert_non_null(c1);
		*c1 = '\0';
		c2 = strchr(c1 + 1, ',');
		assert_non_null(c2);
		*c2 = '\0';
		for (i = 0; i < m->account_count; i++) {
			char ref[32];

			snprintf(ref, sizeof(ref), "user%llu",
				 (unsigned long long)m->accounts[i].tg_id);
			if (strcmp(ref, line) == 0)
				who = &m->accounts[i];
		}
		assert_non_null(who);
		range_country(cc, geo, c1 + 1);
		assert_int_equal(strlen(cc), 2);
		if (strcmp(cc, demo_countries[who->country].cc) != 0)
			conflicts++;
		/* ISO 8601 UTC with Z, in the operation's year. */
		ts = c2 + 1;
		assert_int_equal(strlen(ts), 20);
		for (i = 0; i < 20; i++)
			if (shape[i] == 'd')
				assert_true(ts[i] >= '0' && ts[i] <= '9');
			else
				assert_int_equal(ts[i], shape[i]);
		assert_memory_equal(ts, "2024-", 5);
		rows++;
	}
	assert_int_equal(rows, fx->summary.ip_log_rows);
	assert_true(rows > 20);
	assert_int_equal(conflicts, 1); /* the planted VPN login */
	free(log);
	free(geo);
	free(p1);
	free(p2);
}

/* ---- Phones ---- */

static void every_phone_maps_to_its_truth_country(void **state)
{
	const struct demo_model *m = &fx->model;
	size_t i, countries_seen = 0;
	int seen[64] = {0}, us = 0, ca = 0, carib = 0;

	(void)state;
	for (i = 0; i < m->account_count; i++) {
		const struct demo_account *a = &m->accounts[i];
		const char *want = demo_countries[a->country].cc;
		nsw_phone p, q;

		assert_int_equal(
			nsw_phone_parse(&p, a->phone, strlen(a->phone), NULL),
			0);
		assert_true(p.international);
		assert_string_equal(p.number, a->phone);
		assert_string_equal(p.country, want);
		/* WhatsApp's spaced form is the same number. */
		assert_int_equal(nsw_phone_parse(&q, a->phone_wa,
						 strlen(a->phone_wa), NULL),
				 0);
		assert_string_equal(q.number, a->phone);
		if (i > 0 && !seen[a->country]++)
			countries_seen++;
		us += strcmp(want, "US") == 0;
		ca += strcmp(want, "CA") == 0;
		carib += strcmp(want, "JM") == 0;
	}
	assert_true(countries_seen >= 20);
	assert_true(us > 0 && ca > 0 && carib > 0);
}

/* ---- The directory ---- */

static void refuses_a_foreign_nonempty_directory(void **state)
{
	char *dir = ts_tmpdir();
	char *f = join(dir, "precious.txt");

	(void)state;
	assert_int_equal(ts_write_file(f, "keep", 4), 0);
	assert_int_equal(nsw_demo_generate(NULL, dir, NSW_DEMO_SMALL, 1),
			 NSW_EINVAL);
	assert_non_null(strstr(nsw_error_last(), "not a netsweep demo"));
	free(f);
	ts_tmpdir_remove(dir);
}

static void regenerates_over_an_earlier_demo_keeping_other_files(void **state)
{
	char *notes = join(fx->dir, "notes.txt");
	char *stale = join(fx->dir, "devices/stale.jpg");
	char *truth = join(fx->dir, NSW_DEMO_TRUTH);
	struct stat st;
	nsw_demo_summary s;

	(void)state;
	assert_int_equal(ts_write_file(notes, "mine", 4), 0);
	assert_int_equal(ts_write_file(stale, "old", 3), 0);
	assert_int_equal(nsw_demo_generate(&s, fx->dir, NSW_DEMO_SMALL, SEED),
			 0);
	assert_int_equal(stat(notes, &st), 0);
	assert_int_not_equal(stat(stale, &st), 0);
	assert_int_equal(stat(truth, &st), 0);
	assert_int_equal(s.files_written, fx->summary.files_written);
	unlink(notes);
	free(notes);
	free(stale);
	free(truth);
}

static void scale_names_round_trip(void **state)
{
	nsw_demo_scale s;

	(void)state;
	assert_int_equal(nsw_demo_scale_parse(&s, "medium"), 0);
	assert_int_equal(s, NSW_DEMO_MEDIUM);
	assert_string_equal(nsw_demo_scale_name(NSW_DEMO_LARGE), "large");
	assert_int_equal(nsw_demo_scale_parse(&s, "huge"), NSW_EINVAL);
	assert_int_equal(nsw_demo_generate(NULL, NULL, NSW_DEMO_SMALL, 1),
			 NSW_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(summary_matches_the_plan),
		cmocka_unit_test(lists_import_without_rejects),
		cmocka_unit_test(known_files_hash_to_their_list_entries),
		cmocka_unit_test(
			planted_copies_match_within_31_and_others_do_not),
		cmocka_unit_test(
			telegram_export_ingests_with_the_expected_counts),
		cmocka_unit_test(
			whatsapp_exports_ingest_with_the_expected_counts),
		cmocka_unit_test(devices_hold_exactly_the_planted_files),
		cmocka_unit_test(ip_log_parses_and_maps_to_planted_countries),
		cmocka_unit_test(every_phone_maps_to_its_truth_country),
		cmocka_unit_test(same_seed_gives_identical_bytes),
		cmocka_unit_test(refuses_a_foreign_nonempty_directory),
		cmocka_unit_test(
			regenerates_over_an_earlier_demo_keeping_other_files),
		cmocka_unit_test(scale_names_round_trip),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
