/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: the pdq list importer (the body is fuzz_import.h). */
#define FUZZ_IMPORT_FORMAT NSW_LIST_FORMAT_PDQ
#include "fuzz_import.h"
