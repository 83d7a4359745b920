/* SPDX-License-Identifier: Apache-2.0 */
/*
 * netsweep suspects / chats / item: the stored results of netsweep
 * analyze as a table, CSV or JSON lines. Names and titles come from chat
 * exports (hostile text): CSV fields that a spreadsheet would run as a
 * formula get a leading apostrophe, table cells have control bytes
 * replaced.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "output.h"

enum fmt {
	F_TABLE,
	F_CSV,
	F_JSONL
};

/* parse_common: --help was answered. */
#define HELP_SHOWN 100

struct opts {
	const char *path;
	enum fmt format;
	const char *country;
	unsigned long limit, run;
	const char *hash;
};

static void json(FILE *out, const char *s)
{
	if (s == NULL)
		s = "";
	cli_json_string(out, s, strlen(s));
}

static int parse_common(int argc, char **argv, struct opts *o, int want_hash,
			int filters, void (*usage)(FILE *))
{
	memset(o, 0, sizeof(*o));
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--help") == 0) {
			usage(stdout);
			return HELP_SHOWN;
		} else if (strcmp(a, "--case") == 0 && val) {
			o->path = argv[++i];
		} else if (strcmp(a, "--format") == 0 && val) {
			if (strcmp(val, "table") == 0 ||
			    strcmp(val, "text") == 0)
				o->format = F_TABLE;
			else if (strcmp(val, "csv") == 0 && !want_hash)
				o->format = F_CSV;
			else if (strcmp(val, "jsonl") == 0)
				o->format = F_JSONL;
			else
				goto bad;
			i++;
		} else if (filters && strcmp(a, "--country") == 0 && val) {
			o->country = argv[++i];
		} else if (filters && strcmp(a, "--limit") == 0 && val &&
			   cli_parse_uint(val, 1, UINT32_MAX, &o->limit) == 0) {
			i++;
		} else if (strcmp(a, "--run") == 0 && val &&
			   cli_parse_uint(val, 1, INT64_MAX, &o->run) == 0) {
			i++;
		} else if (want_hash && a[0] != '-' && o->hash == NULL) {
			o->hash = a;
		} else {
			goto bad;
		}
		continue;
	bad:
		cli_error("%s: bad or incomplete option '%s'", argv[0], a);
		usage(stderr);
		return CLI_EXIT_USAGE;
	}
	if (o->path == NULL || (want_hash && o->hash == NULL)) {
		cli_error("%s: --case%s required", argv[0],
			  want_hash ? " and HASH are" : " is");
		usage(stderr);
		return CLI_EXIT_USAGE;
	}
	return CLI_EXIT_OK;
}

/* ---- suspects -------------------------------------------------------- */

static void suspects_usage(FILE *out)
{
	fprintf(out,
		"usage: netsweep suspects --case CASE.nsdb [--format "
		"table|csv|jsonl]\n"
		"                         [--country CC] [--limit N] [--run "
		"N]\n"
		"\n"
		"  Ranked accounts with every score term (docs/scoring.md) "
		"and the messages,\n"
		"  items and lists that put them on the list.\n");
}

static const char *const term_names[] = {
	"known_items", "known_posts", "known_seeded", "new_seeded_reshared",
	"reshared_by", "known_chats", "pagerank",     "betweenness",
};
#define N_TERMS (sizeof(term_names) / sizeof(term_names[0]))

static void suspect_table(FILE *out, const nsw_suspect_row *s)
{
	fprintf(out, "#%u  score %.3f  %s:", s->rank, s->score,
		s->platform[0] ? s->platform : "?");
	cli_text_cell(out, s->native_id);
	if (s->names[0]) {
		fputs("  names: ", out);
		cli_text_cell(out, s->names);
	}
	if (s->usernames[0]) {
		fputs("  usernames: ", out);
		cli_text_cell(out, s->usernames);
	}
	if (s->phones[0]) {
		fputs("  phones: ", out);
		cli_text_cell(out, s->phones);
	}
	fprintf(out, "  country: %s\n", s->country[0] ? s->country : "-");
	fprintf(out,
		"    posts %" PRId64 ", known posts %" PRId64
		", known items %" PRId64 ", known seeded %" PRId64
		", new seeded re-shared %" PRId64 ", chats %" PRId64
		", in/out degree %" PRId64 "/%" PRId64 ", community %" PRId64
		"\n",
		s->posts, s->known_posts, s->known_items, s->known_seeded,
		s->new_seeded_reshared, s->chats_active, s->in_degree,
		s->out_degree, s->community);
	fputs("    terms:", out);
	for (size_t t = 0; t < s->n_terms; t++)
		fprintf(out, "%s %s %.4g -> %.3f x %.1f = %.3f", t ? ";" : "",
			s->terms[t].name, s->terms[t].raw, s->terms[t].value,
			s->terms[t].weight, s->terms[t].contribution);
	fputc('\n', out);
	if (s->n_lists) {
		fputs("    lists:", out);
		for (size_t l = 0; l < s->n_lists; l++) {
			fputc(' ', out);
			cli_text_cell(out, s->lists[l]);
		}
		fputc('\n', out);
	}
	for (size_t e = 0; e < s->n_evidence; e++) {
		const nsw_suspect_evidence_row *ev = &s->evidence[e];

		fprintf(out, "    %s: message ", ev->why);
		cli_text_cell(out, ev->message_native_id);
		fputs(" in chat ", out);
		cli_text_cell(out, ev->chat_native_id);
		fprintf(out, " at %s, item %s", ev->time_utc, ev->item_key);
		if (ev->list_name[0]) {
			fputs(" on ", out);
			cli_text_cell(out, ev->list_name);
		}
		if (ev->category[0]) {
			fputs(" (", out);
			cli_text_cell(out, ev->category);
			fputc(')', out);
		}
		fputc('\n', out);
	}
	if (s->n_evidence_total > (int64_t)s->n_evidence)
		fprintf(out, "    ... %" PRId64 " more appearances\n",
			s->n_evidence_total - (int64_t)s->n_evidence);
}

static void suspect_csv(FILE *out, const nsw_suspect_row *s)
{
	fprintf(out, "%u,%.6f,", s->rank, s->score);
	cli_csv_text(out, s->platform);
	fputc(',', out);
	cli_csv_text(out, s->native_id);
	fputc(',', out);
	cli_csv_text(out, s->names);
	fputc(',', out);
	cli_csv_text(out, s->usernames);
	fputc(',', out);
	cli_csv_text(out, s->phones);
	fputc(',', out);
	cli_csv_text(out, s->country);
	for (size_t t = 0; t < N_TERMS; t++) {
		const nsw_suspect_term_row *tr = NULL;

		for (size_t k = 0; k < s->n_terms; k++)
			if (strcmp(s->terms[k].name, term_names[t]) == 0)
				tr = &s->terms[k];
		if (tr)
			fprintf(out, ",%.6g,%.6f", tr->raw, tr->contribution);
		else
			fputs(",,", out);
	}
	fprintf(out,
		",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64
		",%" PRId64 ",%" PRId64 ",%" PRId64 ",%.6g,%.6g,%" PRId64 ",",
		s->posts, s->known_posts, s->known_items, s->known_seeded,
		s->new_seeded_reshared, s->chats_active, s->in_degree,
		s->out_degree, s->pagerank, s->betweenness, s->community);
	{
		char buf[1024];
		size_t n = 0;

		buf[0] = '\0';
		for (size_t l = 0; l < s->n_lists && n < sizeof(buf); l++)
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s",
					      l ? ";" : "", s->lists[l]);
		cli_csv_text(out, buf);
	}
	fprintf(out, ",%" PRId64 ",", s->n_evidence_total);
	for (size_t e = 0; e < s->n_evidence; e++)
		fprintf(out, "%s%" PRId64, e ? " " : "",
			s->evidence[e].message_id);
	fputc('\n', out);
}

static void suspect_jsonl(FILE *out, const nsw_suspect_row *s)
{
	fprintf(out, "{\"run\":%" PRId64 ",\"rank\":%u,\"score\":%.6f,",
		s->run_id, s->rank, s->score);
	fputs("\"platform\":", out);
	json(out, s->platform);
	fputs(",\"account\":", out);
	json(out, s->native_id);
	fputs(",\"names\":", out);
	json(out, s->names);
	fputs(",\"usernames\":", out);
	json(out, s->usernames);
	fputs(",\"phones\":", out);
	json(out, s->phones);
	fputs(",\"country\":", out);
	if (s->country[0])
		json(out, s->country);
	else
		fputs("null", out);
	fputs(",\"terms\":[", out);
	for (size_t t = 0; t < s->n_terms; t++) {
		fprintf(out, "%s{\"term\":", t ? "," : "");
		json(out, s->terms[t].name);
		fprintf(out,
			",\"raw\":%.6g,\"value\":%.6f,\"weight\":%.6g,"
			"\"contribution\":%.6f}",
			s->terms[t].raw, s->terms[t].value, s->terms[t].weight,
			s->terms[t].contribution);
	}
	fprintf(out,
		"],\"posts\":%" PRId64 ",\"known_posts\":%" PRId64
		",\"known_items\":%" PRId64 ",\"known_seeded\":%" PRId64
		",\"new_seeded_reshared\":%" PRId64 ",\"chats\":%" PRId64
		",\"in_degree\":%" PRId64 ",\"out_degree\":%" PRId64
		",\"pagerank\":%.6g,\"betweenness\":%.6g,\"community\":%" PRId64
		",\"lists\":[",
		s->posts, s->known_posts, s->known_items, s->known_seeded,
		s->new_seeded_reshared, s->chats_active, s->in_degree,
		s->out_degree, s->pagerank, s->betweenness, s->community);
	for (size_t l = 0; l < s->n_lists; l++) {
		if (l)
			fputc(',', out);
		json(out, s->lists[l]);
	}
	fprintf(out, "],\"evidence_total\":%" PRId64 ",\"evidence\":[",
		s->n_evidence_total);
	for (size_t e = 0; e < s->n_evidence; e++) {
		const nsw_suspect_evidence_row *ev = &s->evidence[e];

		fprintf(out, "%s{\"why\":", e ? "," : "");
		json(out, ev->why);
		fprintf(out, ",\"message_id\":%" PRId64 ",\"message\":",
			ev->message_id);
		json(out, ev->message_native_id);
		fputs(",\"chat\":", out);
		json(out, ev->chat_native_id);
		fputs(",\"time\":", out);
		json(out, ev->time_utc);
		fputs(",\"item\":", out);
		json(out, ev->item_key);
		fputs(",\"list\":", out);
		json(out, ev->list_name);
		fputs(",\"category\":", out);
		json(out, ev->category);
		fputc('}', out);
	}
	fputs("]}\n", out);
}

static int on_suspect(void *ctx, const nsw_suspect_row *s)
{
	const struct opts *o = ctx;

	if (o->format == F_CSV)
		suspect_csv(stdout, s);
	else if (o->format == F_JSONL)
		suspect_jsonl(stdout, s);
	else
		suspect_table(stdout, s);
	return 0;
}

int cli_cmd_suspects(int argc, char **argv)
{
	struct opts o;
	nsw_suspect_filter f = {0};
	nsw_case *c = NULL;
	int rc = parse_common(argc, argv, &o, 0, 1, suspects_usage);

	if (rc != CLI_EXIT_OK)
		return rc == HELP_SHOWN ? CLI_EXIT_OK : rc;
	if (nsw_case_open(&c, o.path, NSW_CASE_READONLY) != NSW_OK)
		return cli_fail(o.path);
	if (o.format == F_CSV) {
		fputs("rank,score,platform,account,names,usernames,phones,"
		      "country",
		      stdout);
		for (size_t t = 0; t < N_TERMS; t++)
			printf(",%s_raw,%s_contribution", term_names[t],
			       term_names[t]);
		puts(",posts,known_posts,known_items,known_seeded,"
		     "new_seeded_reshared,chats,in_degree,out_degree,pagerank,"
		     "betweenness,community,lists,evidence_total,"
		     "evidence_message_ids");
	}
	f.run_id = (int64_t)o.run;
	f.country = o.country;
	f.limit = (uint32_t)o.limit;
	rc = nsw_case_suspects_foreach(c, &f, on_suspect, &o);
	nsw_case_close(c);
	return rc == NSW_OK ? CLI_EXIT_OK : cli_fail("suspects");
}

/* ---- chats ----------------------------------------------------------- */

static void chats_usage(FILE *out)
{
	fprintf(out, "usage: netsweep chats --case CASE.nsdb [--format "
		     "table|csv|jsonl] [--run N]\n"
		     "\n"
		     "  Chats by known-material share, with active accounts "
		     "and bridges.\n");
}

static int on_chat(void *ctx, const nsw_chat_metrics_row *m)
{
	const struct opts *o = ctx;
	FILE *out = stdout;

	if (o->format == F_TABLE) {
		fprintf(out,
			"%-14s %5.1f%% %6" PRId64 " %6" PRId64 " %6" PRId64
			" %6" PRId64 " %6" PRId64 " %6" PRId64 " %6" PRId64
			"  ",
			m->native_id, 100.0 * m->known_share, m->known_posts,
			m->posts, m->known_items, m->messages, m->senders,
			m->active_accounts, m->bridged_chats);
		cli_text_cell(out, m->title);
		for (size_t b = 0; b < m->n_bridges && b < 3; b++) {
			fprintf(out, "%s", b ? ", " : "  bridges: ");
			cli_text_cell(out, m->bridges[b].native_id);
			fprintf(out, " (%" PRId64 ")",
				m->bridges[b].shared_accounts);
		}
		fputc('\n', out);
	} else if (o->format == F_CSV) {
		cli_csv_text(out, m->platform);
		fputc(',', out);
		cli_csv_text(out, m->native_id);
		fputc(',', out);
		cli_csv_text(out, m->title);
		fputc(',', out);
		cli_csv_text(out, m->kind);
		fprintf(out,
			",%.6f,%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64
			",%" PRId64 ",%" PRId64 ",%" PRId64 ",",
			m->known_share, m->known_posts, m->posts,
			m->known_items, m->messages, m->senders,
			m->active_accounts, m->bridged_chats);
		{
			char buf[2048];
			size_t n = 0;

			buf[0] = '\0';
			for (size_t b = 0; b < m->n_bridges && n < sizeof(buf);
			     b++)
				n += (size_t)snprintf(
					buf + n, sizeof(buf) - n,
					"%s%s:%" PRId64, b ? ";" : "",
					m->bridges[b].native_id,
					m->bridges[b].shared_accounts);
			cli_csv_text(out, buf);
		}
		fputc('\n', out);
	} else {
		fputs("{\"platform\":", out);
		json(out, m->platform);
		fputs(",\"chat\":", out);
		json(out, m->native_id);
		fputs(",\"title\":", out);
		json(out, m->title);
		fputs(",\"kind\":", out);
		json(out, m->kind);
		fprintf(out,
			",\"known_share\":%.6f,\"known_posts\":%" PRId64
			",\"posts\":%" PRId64 ",\"known_items\":%" PRId64
			",\"messages\":%" PRId64 ",\"senders\":%" PRId64
			",\"active_accounts\":%" PRId64
			",\"bridged_chats\":%" PRId64 ",\"bridges\":[",
			m->known_share, m->known_posts, m->posts,
			m->known_items, m->messages, m->senders,
			m->active_accounts, m->bridged_chats);
		for (size_t b = 0; b < m->n_bridges; b++) {
			fprintf(out, "%s{\"chat\":", b ? "," : "");
			json(out, m->bridges[b].native_id);
			fputs(",\"title\":", out);
			json(out, m->bridges[b].title);
			fprintf(out, ",\"shared_accounts\":%" PRId64 "}",
				m->bridges[b].shared_accounts);
		}
		fputs("]}\n", out);
	}
	return 0;
}

int cli_cmd_chats(int argc, char **argv)
{
	struct opts o;
	nsw_case *c = NULL;
	int rc = parse_common(argc, argv, &o, 0, 0, chats_usage);

	if (rc != CLI_EXIT_OK)
		return rc == HELP_SHOWN ? CLI_EXIT_OK : rc;
	if (nsw_case_open(&c, o.path, NSW_CASE_READONLY) != NSW_OK)
		return cli_fail(o.path);
	if (o.format == F_TABLE)
		printf("%-14s %6s %6s %6s %6s %6s %6s %6s %6s  %s\n", "CHAT",
		       "KNOWN", "KPOSTS", "POSTS", "KITEMS", "MSGS", "SENDRS",
		       "ACTIVE", "BRIDGD", "TITLE");
	else if (o.format == F_CSV)
		puts("platform,chat,title,kind,known_share,known_posts,posts,"
		     "known_items,messages,senders,active_accounts,"
		     "bridged_chats,bridges");
	rc = nsw_case_chat_metrics_foreach(c, (int64_t)o.run, on_chat, &o);
	nsw_case_close(c);
	return rc == NSW_OK ? CLI_EXIT_OK : cli_fail("chats");
}

/* ---- item ------------------------------------------------------------ */

static void item_usage(FILE *out)
{
	fprintf(out, "usage: netsweep item --case CASE.nsdb [--format "
		     "text|jsonl] [--run N] HASH\n"
		     "\n"
		     "  The spread of the item holding a copy with HASH (MD5, "
		     "SHA-1, SHA-256 or PDQ\n"
		     "  hex; a PDQ also finds items within the run's "
		     "threshold).\n");
}

static void appearance_line(FILE *out, const nsw_item_appearance_row *a)
{
	fprintf(out, "  %3u  %s  ", a->seq, a->time_utc);
	cli_text_cell(out, a->chat_native_id);
	fputs("  ", out);
	cli_text_cell(out,
		      a->account_id ? a->account_native_id : "(no account)");
	if (a->account_name[0]) {
		fputs(" \"", out);
		cli_text_cell(out, a->account_name);
		fputc('"', out);
	}
	fprintf(out, "  %s", a->kind);
	if (a->forwarded_from_native_id[0]) {
		fputs(" from ", out);
		cli_text_cell(out, a->forwarded_from_native_id);
	}
	fputs("  message ", out);
	cli_text_cell(out, a->message_native_id);
	fprintf(out, "  copy %s\n", a->copy);
}

static int on_item(void *ctx, const nsw_item_spread *s)
{
	const struct opts *o = ctx;
	FILE *out = stdout;

	if (o->format == F_JSONL) {
		fprintf(out, "{\"run\":%" PRId64 ",\"item\":", s->run_id);
		json(out, s->key);
		fputs(",\"matched_by\":", out);
		json(out, s->matched_by);
		fprintf(out,
			",\"known\":%s,\"list\":", s->known ? "true" : "false");
		json(out, s->list_name);
		fputs(",\"category\":", out);
		json(out, s->category);
		fprintf(out,
			",\"copies\":%" PRId64 ",\"distinct_copies\":%" PRId64
			",\"appearances\":[",
			s->media_copies, s->distinct_copies);
		for (size_t i = 0; i < s->n_appearances; i++) {
			const nsw_item_appearance_row *a = &s->appearances[i];

			fprintf(out, "%s{\"seq\":%u,\"time\":", i ? "," : "",
				a->seq);
			json(out, a->time_utc);
			fputs(",\"chat\":", out);
			json(out, a->chat_native_id);
			fputs(",\"account\":", out);
			json(out, a->account_native_id);
			fputs(",\"name\":", out);
			json(out, a->account_name);
			fputs(",\"kind\":", out);
			json(out, a->kind);
			fputs(",\"forwarded_from\":", out);
			json(out, a->forwarded_from_native_id);
			fprintf(out, ",\"message_id\":%" PRId64 ",\"message\":",
				a->message_id);
			json(out, a->message_native_id);
			fputs(",\"copy\":", out);
			json(out, a->copy);
			fputc('}', out);
		}
		fputs("],\"first_poster\":", out);
		json(out, s->n_appearances ? s->appearances[0].account_native_id
					   : "");
		fputs(",\"resharers\":[", out);
		for (size_t i = 0; i < s->n_resharers; i++) {
			if (i)
				fputc(',', out);
			json(out,
			     s->appearances[s->resharers[i]].account_native_id);
		}
		fputs("],\"chats\":[", out);
		for (size_t i = 0; i < s->n_chats; i++) {
			if (i)
				fputc(',', out);
			json(out, s->appearances[s->chats[i]].chat_native_id);
		}
		fputs("]}\n", out);
		return 0;
	}
	fprintf(out, "item %s (found by %s)\n", s->key, s->matched_by);
	if (s->known) {
		fputs("known: on ", out);
		cli_text_cell(out, s->list_name);
		if (s->category[0]) {
			fputs(", category ", out);
			cli_text_cell(out, s->category);
		}
		fputc('\n', out);
	} else {
		fputs("known: no (on no list)\n", out);
	}
	fprintf(out, "copies: %" PRId64 " media (%" PRId64 " distinct)\n",
		s->media_copies, s->distinct_copies);
	if (s->n_appearances) {
		const nsw_item_appearance_row *a = &s->appearances[0];

		fputs("first poster: ", out);
		cli_text_cell(out, a->account_id ? a->account_native_id
						 : "(no account)");
		fputs(" in ", out);
		cli_text_cell(out, a->chat_native_id);
		fprintf(out, " at %s\n", a->time_utc);
	}
	fprintf(out, "re-sharers: %zu;", s->n_resharers);
	for (size_t i = 0; i < s->n_resharers; i++) {
		fputc(' ', out);
		cli_text_cell(
			out, s->appearances[s->resharers[i]].account_native_id);
	}
	fprintf(out, "\nchats crossed: %zu;", s->n_chats);
	for (size_t i = 0; i < s->n_chats; i++) {
		fputs(i ? " -> " : " ", out);
		cli_text_cell(out, s->appearances[s->chats[i]].chat_native_id);
	}
	fprintf(out, "\nspread (%zu appearances, time order):\n",
		s->n_appearances);
	for (size_t i = 0; i < s->n_appearances; i++)
		appearance_line(out, &s->appearances[i]);
	return 0;
}

int cli_cmd_item(int argc, char **argv)
{
	struct opts o;
	nsw_case *c = NULL;
	int rc = parse_common(argc, argv, &o, 1, 0, item_usage);

	if (rc != CLI_EXIT_OK)
		return rc == HELP_SHOWN ? CLI_EXIT_OK : rc;
	if (nsw_case_open(&c, o.path, NSW_CASE_READONLY) != NSW_OK)
		return cli_fail(o.path);
	rc = nsw_case_item_spread(c, (int64_t)o.run, o.hash, on_item, &o);
	nsw_case_close(c);
	if (rc != NSW_OK)
		cli_error("%s", nsw_error_last());
	if (rc == NSW_EINVAL)
		return CLI_EXIT_USAGE;
	return rc == NSW_OK ? CLI_EXIT_OK : CLI_EXIT_ERROR;
}
