/* SPDX-License-Identifier: Apache-2.0 */
/* The netsweep program's commands; each lives in cmd_<verb>.c. */
#ifndef NSW_CLI_H
#define NSW_CLI_H

#include "netsweep/netsweep.h"

/* Exit codes, documented in docs/cli.md. */
enum {
	CLI_EXIT_OK = 0,    /* everything done */
	CLI_EXIT_ERROR = 1, /* runtime error: nothing or not all was done */
	CLI_EXIT_USAGE = 2, /* bad command line */
	CLI_EXIT_PARTIAL =
		3, /* done, but some inputs failed (listed on stderr) */
};

/* Print "netsweep: <message>" to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print "netsweep: <what>: <nsw_error_last()>" and return CLI_EXIT_ERROR. */
int cli_fail(const char *what);

/* Parse a non-negative decimal integer with bounds; 0 ok, -1 bad. */
int cli_parse_uint(const char *text, unsigned long min, unsigned long max,
		   unsigned long *out);

int cli_cmd_hash(int argc, char **argv);
int cli_cmd_attribute(int argc, char **argv);
int cli_cmd_refer(int argc, char **argv);
int cli_cmd_merge(int argc, char **argv);
int cli_cmd_tokens(int argc, char **argv);
int cli_cmd_deconflict(int argc, char **argv);
int cli_cmd_keygen(int argc, char **argv);
int cli_cmd_seal(int argc, char **argv);
int cli_cmd_verify_package(int argc, char **argv);
int cli_cmd_case(int argc, char **argv);
int cli_cmd_hits(int argc, char **argv);
int cli_cmd_scan(int argc, char **argv);
int cli_cmd_verify(int argc, char **argv);
int cli_cmd_export(int argc, char **argv);
int cli_cmd_report(int argc, char **argv);
int cli_cmd_list(int argc, char **argv);
int cli_cmd_match(int argc, char **argv);
int cli_cmd_analyze(int argc, char **argv);
int cli_cmd_suspects(int argc, char **argv);
int cli_cmd_links(int argc, char **argv);
int cli_cmd_chats(int argc, char **argv);
int cli_cmd_item(int argc, char **argv);
int cli_cmd_graph(int argc, char **argv);
int cli_cmd_ingest(int argc, char **argv);
int cli_cmd_demo(int argc, char **argv);
int cli_cmd_serve(int argc, char **argv);
int cli_cmd_user(int argc, char **argv);

#endif
