/* SPDX-License-Identifier: Apache-2.0 */
/* netsweep analyze: compute and store the distribution network of a case;
 * netsweep graph: export it as GraphML or GEXF. Hashes and metadata only. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static void analyze_usage(FILE *out)
{
	fprintf(out,
		"usage: netsweep analyze --case CASE.nsdb [--threshold N] "
		"[--min-quality N]\n"
		"                        [--no-pdq] [--samples N] [--seed N]\n"
		"\n"
		"  --threshold    PDQ distance joining copies into one item "
		"(0-63, 31)\n"
		"  --min-quality  PDQs below this quality are not near-matched "
		"(50)\n"
		"  --no-pdq       join copies by exact digests only\n"
		"  --samples      betweenness source samples (64; 0 = exact)\n"
		"  --seed         seed of the betweenness sample and "
		"communities\n");
}

int cli_cmd_analyze(int argc, char **argv)
{
	const char *path = NULL;
	nsw_analyze_options opt;
	nsw_analyze_report rep;
	nsw_case *c = NULL;
	unsigned long v;
	int rc;

	nsw_analyze_options_default(&opt);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--help") == 0) {
			analyze_usage(stdout);
			return CLI_EXIT_OK;
		} else if (strcmp(a, "--no-pdq") == 0) {
			opt.no_pdq = 1;
		} else if (strcmp(a, "--case") == 0 && val) {
			path = val;
			i++;
		} else if (strcmp(a, "--threshold") == 0 && val &&
			   cli_parse_uint(val, 0, NSW_ANALYZE_MAX_THRESHOLD,
					  &v) == 0) {
			opt.pdq_threshold = (int)v;
			i++;
		} else if (strcmp(a, "--min-quality") == 0 && val &&
			   cli_parse_uint(val, 0, 100, &v) == 0) {
			opt.pdq_min_quality = (int)v;
			i++;
		} else if (strcmp(a, "--samples") == 0 && val &&
			   cli_parse_uint(val, 0, 1000000, &v) == 0) {
			opt.net.betweenness_samples = (uint32_t)v;
			i++;
		} else if (strcmp(a, "--seed") == 0 && val &&
			   cli_parse_uint(val, 0, UINT32_MAX, &v) == 0) {
			opt.net.seed = v;
			i++;
		} else {
			cli_error("analyze: bad or incomplete option '%s'", a);
			analyze_usage(stderr);
			return CLI_EXIT_USAGE;
		}
	}
	if (path == NULL) {
		cli_error("analyze: --case is required");
		analyze_usage(stderr);
		return CLI_EXIT_USAGE;
	}
	if (nsw_case_open(&c, path, 0) != NSW_OK)
		return cli_fail(path);
	rc = nsw_case_analyze(c, &opt, &rep);
	nsw_case_close(c);
	if (rc != NSW_OK)
		return cli_fail("analyze");
	printf("analysis run %" PRId64 "\n", rep.run_id);
	printf("media:       %" PRId64 " references, %" PRId64
	       " without a hash (left out), %" PRId64 " copies used\n",
	       rep.media_refs, rep.media_unhashed, rep.media_rows);
	printf("items:       %u (%u known; %u joined across re-encodings "
	       "by PDQ <= %d)\n",
	       rep.items, rep.known_items, rep.items_joined_by_pdq,
	       opt.no_pdq ? 0 : opt.pdq_threshold);
	printf("appearances: %u in %u chats by %u accounts (%" PRId64
	       " without a sender account)\n",
	       rep.appearances, rep.chats, rep.accounts,
	       rep.anonymous_messages);
	printf("graph:       %" PRIu64 " re-share/forward pairs, %" PRIu64
	       " linked pairs, %u communities (modularity %.3f)\n",
	       rep.net.flow_edges, rep.net.undirected_edges, rep.communities,
	       rep.modularity);
	printf("suspects:    %u (netsweep suspects --case %s)\n", rep.suspects,
	       path);
	fprintf(stderr,
		"netsweep: analyze: load %.2f s, unify %.2f s, analyze %.2f s"
		", store %.2f s\n",
		rep.seconds_load, rep.seconds_unify, rep.seconds_analyze,
		rep.seconds_store);
	return CLI_EXIT_OK;
}

static void graph_usage(FILE *out)
{
	fprintf(out, "usage: netsweep graph --case CASE.nsdb --format "
		     "graphml|gexf -o FILE [--run N]\n"
		     "\n"
		     "  Recomputes the network with the parameters of the "
		     "stored run (the newest,\n"
		     "  or --run N) and writes accounts, chats and items with "
		     "their figures.\n");
}

int cli_cmd_graph(int argc, char **argv)
{
	const char *path = NULL, *format = NULL, *file = NULL;
	nsw_analysis_run run;
	nsw_analyze_report rep;
	nsw_network *net = NULL;
	nsw_case *c = NULL;
	unsigned long run_id = 0;
	FILE *out = NULL;
	int rc, gexf;
	char detail[256];

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--help") == 0) {
			graph_usage(stdout);
			return CLI_EXIT_OK;
		} else if (strcmp(a, "--case") == 0 && val) {
			path = argv[++i];
		} else if (strcmp(a, "--format") == 0 && val) {
			format = argv[++i];
		} else if ((strcmp(a, "-o") == 0 ||
			    strcmp(a, "--output") == 0) &&
			   val) {
			file = argv[++i];
		} else if (strcmp(a, "--run") == 0 && val &&
			   cli_parse_uint(val, 1, INT64_MAX, &run_id) == 0) {
			i++;
		} else {
			cli_error("graph: bad or incomplete option '%s'", a);
			graph_usage(stderr);
			return CLI_EXIT_USAGE;
		}
	}
	if (path == NULL || format == NULL || file == NULL ||
	    (strcmp(format, "graphml") != 0 && strcmp(format, "gexf") != 0)) {
		cli_error("graph: --case, --format graphml|gexf and -o are "
			  "required");
		graph_usage(stderr);
		return CLI_EXIT_USAGE;
	}
	gexf = strcmp(format, "gexf") == 0;
	if (nsw_case_open(&c, path, 0) != NSW_OK)
		return cli_fail(path);
	rc = nsw_case_analysis_get(c, (int64_t)run_id, &run);
	rc = rc ? rc : nsw_case_network_load(&net, c, &run.options, &rep);
	rc = rc ? rc : nsw_net_analyze(net, &run.options.net);
	if (rc != NSW_OK) {
		rc = cli_fail("graph");
		goto done;
	}
	if ((int64_t)rep.appearances != run.appearances ||
	    (int64_t)rep.items != run.items)
		cli_error("graph: note: the case changed since run %" PRId64
			  " (%u appearances now, %" PRId64
			  " then); the graph shows it as it is now",
			  run.id, rep.appearances, run.appearances);
	out = fopen(file, "w");
	if (out == NULL) {
		cli_error("graph: %s: cannot create", file);
		rc = CLI_EXIT_ERROR;
		goto done;
	}
	rc = gexf ? nsw_net_write_gexf(net, out)
		  : nsw_net_write_graphml(net, out);
	if (fclose(out) != 0 && rc == NSW_OK)
		rc = NSW_EIO;
	if (rc != NSW_OK) {
		rc = cli_fail(file);
		goto done;
	}
	/* The path is not evidence: only the format and run are audited. */
	snprintf(detail, sizeof(detail),
		 "{\"run\":%" PRId64 ",\"format\":\"%s\",\"nodes\":%u}", run.id,
		 format,
		 nsw_net_account_count(net) + nsw_net_chat_count(net) +
			 nsw_net_item_count(net));
	if (nsw_case_audit_append(c, "export.graph", detail) != NSW_OK) {
		rc = cli_fail("graph: audit");
		goto done;
	}
	printf("%s: %u accounts, %u chats, %u items (run %" PRId64 ")\n", file,
	       nsw_net_account_count(net), nsw_net_chat_count(net),
	       nsw_net_item_count(net), run.id);
	rc = CLI_EXIT_OK;
done:
	nsw_net_free(net);
	nsw_case_close(c);
	return rc;
}
