/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the whatsapp chat-export parser (the body is fuzz_ingest.h). */
#define FUZZ_INGEST_FORMAT NSW_INGEST_FORMAT_WHATSAPP
#include "fuzz_ingest.h"
