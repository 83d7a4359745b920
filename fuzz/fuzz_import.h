/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The body of every list-importer fuzz target: the importer named by
 * FUZZ_IMPORT_FORMAT on bytes in memory, in lenient and strict mode, with a
 * sink that reads every field of every entry (so ASan sees any dangling or
 * unterminated string the importer hands out). Each fuzz_import_<f>.c
 * defines FUZZ_IMPORT_FORMAT and includes this file.
 */
#ifndef FUZZ_IMPORT_FORMAT
#error "define FUZZ_IMPORT_FORMAT before including fuzz_import.h"
#endif
#include <stdint.h>
#include <stddef.h>
#include <string.h>

#include "netsweep/import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Keeps the field reads from being optimised away. */
static volatile size_t fields_seen;

static size_t touch(const char *s)
{
	return s ? strlen(s) : 0;
}

static int on_entry(void *ctx, const nsw_list_entry *e)
{
	size_t *sum = ctx;

	*sum += touch(e->category_scheme) + touch(e->category_code) +
		touch(e->series) + touch(e->name) + touch(e->source_id) +
		touch(e->attributes) + touch(e->source_file) + e->md5[0] +
		e->pdq.bytes[31];
	return 0;
}

static void on_problem(void *ctx, const char *file, uint64_t line,
		       const char *message)
{
	size_t *sum = ctx;

	*sum += touch(file) + touch(message) + (size_t)line;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	nsw_import_options o = {0};
	nsw_import_sink s = {0};
	nsw_import_stats st = {0};
	nsw_list_format f;
	size_t sum = 0;

	s.ctx = &sum;
	s.entry = on_entry;
	s.problem = on_problem;
	o.format = FUZZ_IMPORT_FORMAT;
	nsw_list_import_buffer(&st, data, size, "fuzz", &o, &s);
	o.strict = 1;
	nsw_list_import_buffer(&st, data, size, "fuzz", &o, &s);
	nsw_list_detect_buffer(&f, data, size);
	fields_seen = sum;
	return 0;
}
