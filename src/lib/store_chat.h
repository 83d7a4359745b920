/* SPDX-License-Identifier: Apache-2.0 */
/* Library-internal: shared by store_chat*.c and chat_ingest.c. */
#ifndef NSW_LIB_STORE_CHAT_H
#define NSW_LIB_STORE_CHAT_H

#include <stdint.h>

#include "netsweep/chat.h"

/* "2024-01-01T00:00:00.000Z" for UTC seconds `t` ("" if out of range). */
void nsw_chat__time_utc(char out[32], int64_t t);

/* nsw_chat_message_add; with want_present_id 0, a message already in the
 * case is not looked up (*id_out stays 0): a re-ingest costs one INSERT. */
int nsw_chat__message_add(nsw_chat_store *s, const nsw_ingest_message *m,
			  int64_t *id_out, int *inserted, int want_present_id);

#endif
