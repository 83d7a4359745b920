/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the hashdeep list importer (the body is fuzz_import.h). */
#define FUZZ_IMPORT_FORMAT NSW_LIST_FORMAT_HASHDEEP
#include "fuzz_import.h"
