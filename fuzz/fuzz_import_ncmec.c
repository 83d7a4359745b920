/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the ncmec list importer (the body is fuzz_import.h). */
#define FUZZ_IMPORT_FORMAT NSW_LIST_FORMAT_NCMEC
#include "fuzz_import.h"
