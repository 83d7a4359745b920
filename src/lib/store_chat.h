/* SPDX-License-Identifier: Apache-2.0 */
/* Library-internal: shared by store_chat*.c and chat_ingest.c. */
#ifndef NSW_LIB_STORE_CHAT_H
#define NSW_LIB_STORE_CHAT_H

#include <stdint.h>

/* "2024-01-01T00:00:00.000Z" for UTC seconds `t` ("" if out of range). */
void nsw_chat__time_utc(char out[32], int64_t t);

#endif
