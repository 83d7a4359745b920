/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared by the importer tests (test_import*.c): a sink that keeps a deep
 * copy of every entry and every problem, and helpers to import text or a
 * fixture file into it.
 */
#ifndef NSW_TEST_IMPORT_TESTUTIL_H
#define NSW_TEST_IMPORT_TESTUTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "netsweep/import.h"

typedef struct got_entry {
	nsw_list_entry e; /* string fields point at the copies below */
	char *text[7];
} got_entry;

typedef struct got {
	got_entry *v;
	size_t n, cap;
	size_t problems;
	uint64_t first_problem_line, last_problem_line;
	char first_problem[512];
	nsw_import_stats stats;
	int rc;
	int stop_after; /* sink fails after this many entries (0: never) */
} got;

static inline char *got_dup(const char *s)
{
	return s ? strdup(s) : NULL;
}

static inline int got_entry_cb(void *ctx, const nsw_list_entry *e)
{
	got *g = ctx;
	got_entry *x;

	if (g->stop_after && g->n >= (size_t)g->stop_after)
		return NSW_ERROR;
	if (g->n == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 16;
		g->v = realloc(g->v, g->cap * sizeof(*g->v));
		assert_non_null(g->v);
	}
	x = &g->v[g->n++];
	x->e = *e;
	x->text[0] = got_dup(e->category_scheme);
	x->text[1] = got_dup(e->category_code);
	x->text[2] = got_dup(e->series);
	x->text[3] = got_dup(e->name);
	x->text[4] = got_dup(e->source_id);
	x->text[5] = got_dup(e->attributes);
	x->text[6] = got_dup(e->source_file);
	x->e.category_scheme = x->text[0];
	x->e.category_code = x->text[1];
	x->e.series = x->text[2];
	x->e.name = x->text[3];
	x->e.source_id = x->text[4];
	x->e.attributes = x->text[5];
	x->e.source_file = x->text[6];
	return 0;
}

static inline void got_problem_cb(void *ctx, const char *file, uint64_t line,
				  const char *message)
{
	got *g = ctx;

	assert_non_null(file);
	assert_non_null(message);
	if (g->problems++ == 0) {
		g->first_problem_line = line;
		snprintf(g->first_problem, sizeof(g->first_problem), "%s",
			 message);
	}
	g->last_problem_line = line;
}

static inline void got_free(got *g)
{
	for (size_t i = 0; i < g->n; i++)
		for (int k = 0; k < 7; k++)
			free(g->v[i].text[k]);
	free(g->v);
	memset(g, 0, sizeof(*g));
}

static inline int got_import_buffer(got *g, const void *data, size_t len,
				    nsw_list_format format, int strict)
{
	nsw_import_options o = {0};
	nsw_import_sink s = {0};

	o.format = format;
	o.strict = strict;
	s.ctx = g;
	s.entry = got_entry_cb;
	s.problem = got_problem_cb;
	g->rc = nsw_list_import_buffer(&g->stats, data, len, "mem", &o, &s);
	return g->rc;
}

static inline int got_import_text(got *g, const char *text,
				  nsw_list_format format, int strict)
{
	return got_import_buffer(g, text, strlen(text), format, strict);
}

static inline int got_import_file(got *g, const char *path,
				  nsw_list_format format, int strict)
{
	nsw_import_options o = {0};
	nsw_import_sink s = {0};

	o.format = format;
	o.strict = strict;
	s.ctx = g;
	s.entry = got_entry_cb;
	s.problem = got_problem_cb;
	g->rc = nsw_list_import_file(&g->stats, path, &o, &s);
	return g->rc;
}

/* Lowercase hex of `n` bytes into a static buffer (one at a time). */
static inline const char *got_hex(const uint8_t *b, size_t n)
{
	static char out[2 * 64 + 1];

	for (size_t i = 0; i < n && i < 64; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
	out[2 * (n < 64 ? n : 64)] = '\0';
	return out;
}

/* tests/data/third_party/<dir>/<file>, malloc'd. */
static inline char *got_third_party(const char *dir, const char *file)
{
	char *a = ts_path(ts_test_data(), "third_party");
	char *b = ts_path(a, dir);
	char *c = ts_path(b, file);

	free(a);
	free(b);
	return c;
}

/* Imported counts of one file, as a table row. */
typedef struct fixture_row {
	const char *shared_sub;	 /* under formats/fixtures in ../shared */
	const char *third_party; /* under tests/data/third_party */
	const char *file;
	nsw_list_format format; /* as detection must find it */
	uint64_t read, kept, rejected, excluded;
} fixture_row;

/* Import one row's file from `dir` (auto-detected) and check counts. */
static inline void check_fixture_row(const fixture_row *row, const char *dir)
{
	char *path = ts_path(dir, row->file);
	nsw_list_format f = NSW_LIST_FORMAT_AUTO;
	got g = {0};

	assert_int_equal(nsw_list_detect_format(&f, path), 0);
	if (f != row->format)
		fail_msg("%s: detected %s, want %s", row->file,
			 nsw_list_format_name(f),
			 nsw_list_format_name(row->format));
	if (got_import_file(&g, path, NSW_LIST_FORMAT_AUTO, 1) != 0)
		fail_msg("%s: %s", row->file, nsw_error_last());
	if (g.stats.read != row->read || g.stats.kept != row->kept ||
	    g.stats.rejected != row->rejected ||
	    g.stats.excluded != row->excluded)
		fail_msg("%s: read %llu kept %llu rejected %llu excluded %llu",
			 row->file, (unsigned long long)g.stats.read,
			 (unsigned long long)g.stats.kept,
			 (unsigned long long)g.stats.rejected,
			 (unsigned long long)g.stats.excluded);
	assert_int_equal(g.n, row->kept);
	for (size_t i = 0; i < g.n; i++) {
		assert_string_equal(g.v[i].e.source_file, path);
		assert_true(g.v[i].e.source_line > 0);
	}
	got_free(&g);
	free(path);
}

#endif
