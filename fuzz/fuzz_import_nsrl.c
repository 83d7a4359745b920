/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the nsrl list importer (the body is fuzz_import.h). */
#define FUZZ_IMPORT_FORMAT NSW_LIST_FORMAT_NSRL
#include "fuzz_import.h"
