/* SPDX-License-Identifier: Apache-2.0 */
/* netsweep hash: placeholder until the hashing pipeline lands. */
#include "cli.h"

int cli_cmd_hash(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("hash: not implemented yet");
	return CLI_EXIT_ERROR;
}
