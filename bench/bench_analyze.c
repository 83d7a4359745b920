/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Benchmark of netsweep analyze at the scale: a case with 1M
 * messages, 100k accounts, 10k chats and 200k media references (every
 * message with media when asked), with re-encoded copies that only PDQ
 * joins and a planted known family (500 items seeded by one account and
 * forwarded by 40 distributors; 2,000 other known items). The case is
 * written straight into the store's tables in one transaction by a child
 * process (it is the analysis we measure, not ingest), then this process
 * runs nsw_case_analyze and prints load, unify, analysis (per engine
 * phase) and store times and its own peak RSS.
 *
 * Baseline, same run: one plain scan of the rows the loader reads (media
 * joined to messages), the floor of any loader.
 *
 * usage: bench_analyze [messages [accounts [chats [media_refs [file]]]]]
 * With `file` the case is kept, and an existing one is analysed again
 * (another run) instead of being generated.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "netsweep/netsweep.h"
#include "store.h"

#define FAMILY 500
#define DISTRIBUTORS 40
#define FAMILY_FORWARDS 10
#define OTHER_KNOWN 2000

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double peak_rss_mib(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_maxrss / 1024.0;
}

static uint64_t rng = 0x2545F4914F6CDD1Dull;

static uint64_t rnd(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static double unif(void)
{
	return (double)(rnd() >> 11) * (1.0 / 9007199254740992.0);
}

static uint32_t skewed(uint32_t n, double power)
{
	uint32_t i = (uint32_t)(pow(unif(), power) * n);

	return i < n ? i : n - 1;
}

static void die(const char *what)
{
	fprintf(stderr, "bench_analyze: %s: %s\n", what, nsw_error_last());
	exit(1);
}

static void ok(int rc, const char *what)
{
	if (rc != 0)
		die(what);
}

/* Digests of item i, variant v (0 = the original). */
static void sha_of(uint8_t out[32], uint32_t item, uint32_t v)
{
	uint64_t x = ((uint64_t)item << 20) ^ v ^ 0x5a5a5a5a00000000ull;

	for (int i = 0; i < 32; i += 8) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		memcpy(out + i, &x, 8);
	}
}

static void pdq_of(uint8_t out[32], uint32_t item, uint32_t v)
{
	uint64_t x = (uint64_t)item * 0x9e3779b97f4a7c15ull + 17;

	for (int i = 0; i < 32; i += 8) {
		x ^= x >> 33;
		x *= 0xff51afd7ed558ccdull;
		x ^= x >> 29;
		memcpy(out + i, &x, 8);
	}
	/* A re-encoding moves 4..12 bits. */
	for (uint32_t b = 0; v && b < 4 + (v * 7) % 9; b++) {
		uint32_t bit = (v * 131 + b * 37) % 256;

		out[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
}

struct gen {
	uint32_t messages, accounts, chats, media_refs;
};

static void generate(const char *path, const struct gen *g)
{
	nsw_case *c = NULL;
	nsw_sqlstmt *acc, *name, *chat, *msg, *med, *file, *hit;
	nsw_evidence ev = {0};
	int64_t ev_id;
	uint32_t *first_poster, n_items = 0, next_known = 0;
	uint32_t items_cap = g->media_refs;
	uint8_t sha[32], pdq[32], md5[16];
	char buf[64], when[32];
	int64_t t = 1700000000, media_id = 0;
	double p_media = (double)g->media_refs / g->messages;
	/* Spread the family's forwards over the first half of the run. */
	uint32_t fam_every = g->messages / (FAMILY * FAMILY_FORWARDS * 2);

	if (fam_every < 2)
		fam_every = 2;

	ok(nsw_case_create(&c, path, "bench", "bench"), "create");
	ev.label = "bench-export";
	ev.kind = "chat-export";
	ev.source_path = "/bench";
	ok(nsw_case_evidence_add(c, &ev, &ev_id), "evidence");
	/* A bulk load: no fsync, and a page cache that holds the indexes
	 * (random digests otherwise spill pages for every insert). */
	ok(nsw_sqldb_exec(c->db, "PRAGMA synchronous=OFF;"
				 "PRAGMA cache_size=-1048576;"),
	   "pragma");
	/* messages.media_id and media.message_id point at each other, and a
	 * deferred check would scan the unindexed reply_to_message_id for
	 * every message: the generator writes consistent rows, unchecked. */
	ok(nsw_sqldb_exec(c->db, "PRAGMA foreign_keys=OFF;"), "pragma");
	ok(nsw_sqldb_begin_immediate(c->db), "begin");
	ok(nsw_sqldb_exec(c->db,
			  "INSERT INTO platforms(id,name) VALUES(1,'telegram');"
			  "INSERT INTO lists(id,name,version,checksum,role,"
			  "added_utc) VALUES(1,'bench-known','1','00','match',"
			  "'2026-01-01T00:00:00Z')"),
	   "list");
	ok(nsw_sqldb_prepare(c->db, &acc,
			     "INSERT INTO accounts(id,platform_id,native_id)"
			     " VALUES(?1,1,?2)"),
	   "prep");
	ok(nsw_sqldb_prepare(c->db, &name,
			     "INSERT INTO account_names(account_id,kind,value)"
			     " VALUES(?1,'display',?2)"),
	   "prep");
	ok(nsw_sqldb_prepare(c->db, &chat,
			     "INSERT INTO chats(id,platform_id,native_id,kind,"
			     "title) VALUES(?1,1,?2,'group',?2)"),
	   "prep");
	ok(nsw_sqldb_prepare(
		   c->db, &msg,
		   "INSERT INTO messages(id,chat_id,native_id,time_utc,"
		   "time_unix,sender_account_id,forwarded_from_account_id,"
		   "media_id) VALUES(?1,?2,?3,?4,?5,?6,?7,?8)"),
	   "prep");
	ok(nsw_sqldb_prepare(c->db, &med,
			     "INSERT INTO media(id,message_id,position,"
			     "thumbnail,md5,sha256,pdq,pdq_quality) VALUES(?1,"
			     "?2,0,0,?3,?4,?5,90)"),
	   "prep");
	ok(nsw_sqldb_prepare(c->db, &file,
			     "INSERT INTO files(id,evidence_id,path,"
			     "display_path,sha256,status,recorded_utc) VALUES("
			     "?1,?2,?3,?3,?4,'ok','2026-01-01T00:00:00Z')"),
	   "prep");
	ok(nsw_sqldb_prepare(c->db, &hit,
			     "INSERT INTO hits(file_id,list_id,entry_id,"
			     "algorithm,category_scheme,category_code,"
			     "recorded_utc) VALUES(?1,1,?1,'sha256','bench',"
			     "?2,'2026-01-01T00:00:00Z')"),
	   "prep");
	for (uint32_t a = 1; a <= g->accounts; a++) {
		snprintf(buf, sizeof(buf), "user%u", a);
		ok(nsw_sqldb_bind_int64(acc, 1, a), "bind");
		ok(nsw_sqldb_bind_text(acc, 2, buf), "bind");
		ok(nsw_sqldb_run(acc), "account");
		snprintf(buf, sizeof(buf), "Account %u", a);
		ok(nsw_sqldb_bind_int64(name, 1, a), "bind");
		ok(nsw_sqldb_bind_text(name, 2, buf), "bind");
		ok(nsw_sqldb_run(name), "name");
	}
	for (uint32_t ch = 1; ch <= g->chats; ch++) {
		snprintf(buf, sizeof(buf), "-100%u", ch);
		ok(nsw_sqldb_bind_int64(chat, 1, ch), "bind");
		ok(nsw_sqldb_bind_text(chat, 2, buf), "bind");
		ok(nsw_sqldb_run(chat), "chat");
	}
	/* Known items: the family (0..FAMILY-1) and OTHER_KNOWN more. */
	for (uint32_t k = 0; k < FAMILY + OTHER_KNOWN; k++) {
		uint32_t item = k < FAMILY ? k : FAMILY + k * 7;

		sha_of(sha, item, 0);
		snprintf(buf, sizeof(buf), "known/%u.jpg", item);
		ok(nsw_sqldb_bind_int64(file, 1, k + 1), "bind");
		ok(nsw_sqldb_bind_int64(file, 2, ev_id), "bind");
		ok(nsw_sqldb_bind_blob(file, 3, buf, strlen(buf)), "bind");
		ok(nsw_sqldb_bind_blob(file, 4, sha, 32), "bind");
		ok(nsw_sqldb_run(file), "file");
		ok(nsw_sqldb_bind_int64(hit, 1, k + 1), "bind");
		ok(nsw_sqldb_bind_text(hit, 2, k < FAMILY ? "1" : "2"), "bind");
		ok(nsw_sqldb_run(hit), "hit");
	}
	first_poster = calloc(items_cap + FAMILY, sizeof(uint32_t));
	if (first_poster == NULL)
		exit(1);
	n_items = FAMILY;
	for (uint32_t m = 1; m <= g->messages; m++) {
		uint32_t ch = 1 + skewed(g->chats, 2.0);
		/* Members of a chat: a window of accounts around it. */
		uint32_t sender =
			1 +
			(uint32_t)(((uint64_t)ch * 7919 + skewed(400, 2.0)) %
				   g->accounts);
		uint32_t fwd = 0, item = UINT32_MAX, variant = 0;
		time_t tt;
		struct tm tm;

		t += 1 + (int64_t)(rnd() % 5);
		/* The planted family: seeded by account 1 in chat 1 at the
		 * start, forwarded by 40 distributors over the run. */
		if (m <= FAMILY) {
			item = m - 1;
			ch = 1;
			sender = 1;
		} else if (m % fam_every == 0 &&
			   next_known < FAMILY * FAMILY_FORWARDS) {
			item = (next_known * 13 + next_known / FAMILY) % FAMILY;
			sender = 2 + next_known % DISTRIBUTORS;
			fwd = 1;
			next_known++;
		} else if (unif() < p_media) {
			if (unif() < 0.35 || n_items == FAMILY) {
				item = n_items++;
				if (n_items >= items_cap + FAMILY)
					n_items--;
			} else {
				item = FAMILY + skewed(n_items - FAMILY, 3.0);
				if (unif() < 0.5)
					fwd = first_poster[item];
				if (unif() < 0.2)
					variant = 1 + (uint32_t)(rnd() % 3);
			}
		}
		tt = (time_t)t;
		gmtime_r(&tt, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S.000Z", &tm);
		snprintf(buf, sizeof(buf), "%u", m);
		ok(nsw_sqldb_bind_int64(msg, 1, m), "bind");
		ok(nsw_sqldb_bind_int64(msg, 2, ch), "bind");
		ok(nsw_sqldb_bind_text(msg, 3, buf), "bind");
		ok(nsw_sqldb_bind_text(msg, 4, when), "bind");
		ok(nsw_sqldb_bind_int64(msg, 5, t), "bind");
		ok(nsw_sqldb_bind_int64(msg, 6, sender), "bind");
		if (fwd)
			ok(nsw_sqldb_bind_int64(msg, 7, fwd), "bind");
		if (item != UINT32_MAX) {
			media_id++;
			ok(nsw_sqldb_bind_int64(msg, 8, media_id), "bind");
		}
		ok(nsw_sqldb_run(msg), "message");
		if (item == UINT32_MAX)
			continue;
		if (first_poster[item] == 0)
			first_poster[item] = sender;
		sha_of(sha, item, variant);
		pdq_of(pdq, item, variant);
		memcpy(md5, sha + 8, 16);
		md5[0] ^= 0x5a;
		ok(nsw_sqldb_bind_int64(med, 1, media_id), "bind");
		ok(nsw_sqldb_bind_int64(med, 2, m), "bind");
		ok(nsw_sqldb_bind_blob(med, 3, md5, 16), "bind");
		ok(nsw_sqldb_bind_blob(med, 4, sha, 32), "bind");
		ok(nsw_sqldb_bind_blob(med, 5, pdq, 32), "bind");
		ok(nsw_sqldb_run(med), "media");
	}
	free(first_poster);
	nsw_sqldb_finalize(acc);
	nsw_sqldb_finalize(name);
	nsw_sqldb_finalize(chat);
	nsw_sqldb_finalize(msg);
	nsw_sqldb_finalize(med);
	nsw_sqldb_finalize(file);
	nsw_sqldb_finalize(hit);
	ok(nsw_sqldb_commit(c->db), "commit");
	nsw_case_close(c);
	printf("  generated: %lld media references, %u items before "
	       "unification\n",
	       (long long)media_id, n_items);
}

struct planted {
	uint32_t seeder_rank, distributors_top, seen;
};

static int on_suspect(void *ctx, const nsw_suspect_row *s)
{
	struct planted *p = ctx;
	unsigned long n;

	if (strcmp(s->native_id, "user1") == 0)
		p->seeder_rank = s->rank;
	if (s->rank <= DISTRIBUTORS + 10 &&
	    strncmp(s->native_id, "user", 4) == 0) {
		n = strtoul(s->native_id + 4, NULL, 10);
		if (n >= 2 && n < 2 + DISTRIBUTORS)
			p->distributors_top++;
	}
	p->seen++;
	return 0;
}

static double baseline_scan(nsw_case *c, int64_t *rows)
{
	nsw_sqlstmt *st = NULL;
	double t0 = now();
	int64_t sum = 0;

	*rows = 0;
	ok(nsw_sqldb_prepare(c->db, &st,
			     "SELECT m.id, m.chat_id, m.sender_account_id, "
			     "m.time_unix, md.id, md.sha256, md.pdq FROM media"
			     " md JOIN messages m ON m.id = md.message_id "
			     "ORDER BY md.message_id, md.position"),
	   "baseline");
	while (nsw_sqldb_step(st) > 0) {
		sum += nsw_sqldb_column_int64(st, 2);
		(*rows)++;
	}
	nsw_sqldb_finalize(st);
	return now() - t0 + (sum == -1 ? 1 : 0);
}

int main(int argc, char **argv)
{
	struct gen g = {1000000, 100000, 10000, 200000};
	char path[256];
	nsw_case *c = NULL;
	nsw_analyze_report rep;
	nsw_suspect_filter f = {0};
	double t0, base;
	int64_t rows;
	pid_t pid;
	int status;

	if (argc > 1)
		g.messages = (uint32_t)strtoul(argv[1], NULL, 10);
	if (argc > 2)
		g.accounts = (uint32_t)strtoul(argv[2], NULL, 10);
	if (argc > 3)
		g.chats = (uint32_t)strtoul(argv[3], NULL, 10);
	if (argc > 4)
		g.media_refs = (uint32_t)strtoul(argv[4], NULL, 10);
	if (argc > 5)
		snprintf(path, sizeof(path), "%s", argv[5]);
	else
		snprintf(path, sizeof(path), "/tmp/bench_analyze_%d.nsdb",
			 (int)getpid());
	if (g.media_refs > g.messages || g.accounts < 50 || g.chats < 2 ||
	    g.messages < FAMILY * 100) {
		fprintf(stderr, "bench_analyze: sizes out of range\n");
		return 2;
	}
	printf("bench_analyze: %u messages, %u accounts, %u chats, ~%u media "
	       "references (family of %d known items seeded by one account, "
	       "%d distributors; %d other known items; 20%% of re-shares "
	       "re-encoded)\n",
	       g.messages, g.accounts, g.chats, g.media_refs, FAMILY,
	       DISTRIBUTORS, OTHER_KNOWN);
	printf("  machine: 2 cores shared with other engineers: times are "
	       "noisy\n");
	t0 = now();
	fflush(stdout);
	if (argc > 5 && access(path, F_OK) == 0) {
		printf("  reusing the case %s\n", path);
		goto analyze;
	}
	pid = fork();
	if (pid == 0) {
		generate(path, &g);
		fflush(stdout);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		fprintf(stderr, "bench_analyze: generation failed\n");
		return 1;
	}
	printf("  generate (child process)    %7.2f s\n", now() - t0);
analyze:
	ok(nsw_case_open(&c, path, 0), "open");
	base = baseline_scan(c, &rows);
	printf("  baseline: scan of %lld media rows  %6.2f s\n",
	       (long long)rows, base);
	ok(nsw_case_analyze(c, NULL, &rep), "analyze");
	printf("  load                        %7.2f s  (%.1fx baseline)\n",
	       rep.seconds_load, base > 0 ? rep.seconds_load / base : 0.0);
	printf("  unify (digests + PDQ index) %7.2f s  %u media -> %u items "
	       "(%u known, %u joined by PDQ)\n",
	       rep.seconds_unify, (unsigned)rep.media_rows, rep.items,
	       rep.known_items, rep.items_joined_by_pdq);
	printf("  analyze                     %7.2f s  %u appearances, %u "
	       "accounts, %u chats\n",
	       rep.seconds_analyze, rep.appearances, rep.accounts, rep.chats);
	printf("    tables %.2f, edges %.2f, pagerank %.2f, betweenness %.2f "
	       "(%u sources), communities %.2f, suspects %.2f s\n",
	       rep.net.seconds_tables, rep.net.seconds_edges,
	       rep.net.seconds_pagerank, rep.net.seconds_betweenness,
	       rep.net.betweenness_sources, rep.net.seconds_communities,
	       rep.net.seconds_suspects);
	printf("    graph: %llu flow pairs, %llu undirected pairs; %u "
	       "communities; %u suspects\n",
	       (unsigned long long)rep.net.flow_edges,
	       (unsigned long long)rep.net.undirected_edges, rep.communities,
	       rep.suspects);
	printf("  store                       %7.2f s\n", rep.seconds_store);
	printf("  total analyze               %7.2f s   peak RSS %.1f MiB\n",
	       rep.seconds_load + rep.seconds_unify + rep.seconds_analyze +
		       rep.seconds_store,
	       peak_rss_mib());
	{
		struct planted pl = {0, 0, 0};

		ok(nsw_case_suspects_foreach(c, &f, on_suspect, &pl),
		   "suspects");
		printf("  planted seeder user1: rank %u; planted distributors "
		       "in "
		       "the top %d: %u of %d\n",
		       pl.seeder_rank, DISTRIBUTORS + 10, pl.distributors_top,
		       DISTRIBUTORS);
	}
	nsw_case_close(c);
	if (argc <= 5) {
		unlink(path);
		snprintf(path + strlen(path), sizeof(path) - strlen(path),
			 "-wal");
		unlink(path);
	}
	return 0;
}
