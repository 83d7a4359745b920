/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the discord chat-export parser (the body is fuzz_ingest.h). */
#define FUZZ_INGEST_FORMAT NSW_INGEST_FORMAT_DISCORD
#include "fuzz_ingest.h"
