/* SPDX-License-Identifier: Apache-2.0 */
/* Library-internal: the chat-export parser on its own thread (chat_pipe.c). */
#ifndef NSW_LIB_CHAT_PIPE_H
#define NSW_LIB_CHAT_PIPE_H

#include "netsweep/ingest.h"

/*
 * As nsw_ingest_file(), but the parser runs on a second thread and the
 * events (copied) reach `sink` on the calling thread, in order. A non-zero
 * return from a sink callback stops the parser and is returned. `stats`
 * is written by the parser thread and complete on return. *parser_cpu:
 * CPU seconds the parser thread used (0 when no thread could be started).
 */
int nsw_chat__ingest_piped(nsw_ingest_stats *stats, const char *path,
			   const nsw_ingest_options *options,
			   const nsw_ingest_sink *sink, double *parser_cpu);

#endif
