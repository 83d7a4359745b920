/* SPDX-License-Identifier: Apache-2.0 */
/* The SQLite wrapper: open modes, statements, code translation. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "support.h"
#include "sqldb.h"

#include "netsweep/common.h"

static char *make_db(const char *dir, const char *name)
{
	char *path = ts_path(dir, name);
	nsw_sqldb *db = NULL;
	nsw_sqlstmt *st = NULL;
	static const uint8_t blob[4] = {0xde, 0xad, 0xbe, 0xef};

	assert_int_equal(nsw_sqldb_open(&db, path, NSW_SQLDB_CREATE), 0);
	assert_int_equal(nsw_sqldb_exec(db, "CREATE TABLE t(id INTEGER "
					    "PRIMARY KEY, name TEXT UNIQUE, "
					    "data BLOB);"),
			 0);
	assert_int_equal(nsw_sqldb_prepare(db, &st,
					   "INSERT INTO t(name, data) "
					   "VALUES(?1, ?2)"),
			 0);
	assert_int_equal(nsw_sqldb_bind_text(st, 1, "first"), 0);
	assert_int_equal(nsw_sqldb_bind_blob(st, 2, blob, sizeof(blob)), 0);
	assert_int_equal(nsw_sqldb_run(st), 0);
	assert_int_equal(nsw_sqldb_last_insert_rowid(db), 1);
	assert_int_equal(nsw_sqldb_bind_text(st, 1, "second"), 0);
	assert_int_equal(nsw_sqldb_bind_blob(st, 2, blob, 0), 0);
	assert_int_equal(nsw_sqldb_run(st), 0);
	nsw_sqldb_finalize(st);
	nsw_sqldb_close(db);
	return path;
}

static void roundtrips_text_blob_and_empty_blob(void **state)
{
	char *dir = ts_tmpdir();
	char *path = make_db(dir, "a.db");
	nsw_sqldb *db = NULL;
	nsw_sqlstmt *st = NULL;
	size_t len = 99;
	const uint8_t *b;

	(void)state;
	assert_int_equal(nsw_sqldb_open(&db, path, 0), 0);
	assert_int_equal(nsw_sqldb_prepare(db, &st,
					   "SELECT id, name, data "
					   "FROM t ORDER BY id"),
			 0);
	assert_int_equal(nsw_sqldb_step(st), 1);
	assert_int_equal(nsw_sqldb_column_int64(st, 0), 1);
	assert_string_equal(nsw_sqldb_column_text(st, 1, &len), "first");
	assert_int_equal(len, 5);
	b = nsw_sqldb_column_blob(st, 2, &len);
	assert_int_equal(len, 4);
	assert_int_equal(b[0], 0xde);
	assert_int_equal(nsw_sqldb_column_type(st, 2), NSW_SQL_BLOB);
	assert_int_equal(nsw_sqldb_step(st), 1);
	/* An empty blob is a blob, not NULL. */
	assert_int_equal(nsw_sqldb_column_type(st, 2), NSW_SQL_BLOB);
	assert_int_equal(nsw_sqldb_step(st), 0);
	nsw_sqldb_finalize(st);
	nsw_sqldb_close(db);
	free(path);
	ts_tmpdir_remove(dir);
}

static void constraint_violation_is_einval_without_sql(void **state)
{
	char *dir = ts_tmpdir();
	char *path = make_db(dir, "a.db");
	nsw_sqldb *db = NULL;
	nsw_sqlstmt *st = NULL;

	(void)state;
	assert_int_equal(nsw_sqldb_open(&db, path, 0), 0);
	assert_int_equal(nsw_sqldb_prepare(db, &st,
					   "INSERT INTO t(name) "
					   "VALUES(?1)"),
			 0);
	assert_int_equal(nsw_sqldb_bind_text(st, 1, "first"), 0);
	assert_int_equal(nsw_sqldb_run(st), NSW_EINVAL);
	assert_non_null(strstr(nsw_error_last(), path));
	assert_null(strstr(nsw_error_last(), "INSERT"));
	/* The statement stays usable after the failure. */
	assert_int_equal(nsw_sqldb_bind_text(st, 1, "third"), 0);
	assert_int_equal(nsw_sqldb_run(st), 0);
	nsw_sqldb_finalize(st);
	nsw_sqldb_close(db);
	free(path);
	ts_tmpdir_remove(dir);
}

static void rollback_discards_and_commit_keeps(void **state)
{
	char *dir = ts_tmpdir();
	char *path = make_db(dir, "a.db");
	nsw_sqldb *db = NULL;
	nsw_sqlstmt *st = NULL;

	(void)state;
	assert_int_equal(nsw_sqldb_open(&db, path, 0), 0);
	assert_int_equal(nsw_sqldb_begin_immediate(db), 0);
	assert_true(nsw_sqldb_in_transaction(db));
	assert_int_equal(nsw_sqldb_exec(db, "DELETE FROM t;"), 0);
	nsw_sqldb_rollback(db);
	assert_false(nsw_sqldb_in_transaction(db));
	assert_int_equal(nsw_sqldb_begin(db), 0);
	assert_int_equal(nsw_sqldb_exec(db, "DELETE FROM t WHERE id=1;"), 0);
	assert_int_equal(nsw_sqldb_changes(db), 1);
	assert_int_equal(nsw_sqldb_commit(db), 0);
	assert_int_equal(nsw_sqldb_prepare(db, &st, "SELECT count(*) FROM t"),
			 0);
	assert_int_equal(nsw_sqldb_step(st), 1);
	assert_int_equal(nsw_sqldb_column_int64(st, 0), 1);
	nsw_sqldb_finalize(st);
	nsw_sqldb_close(db);
	free(path);
	ts_tmpdir_remove(dir);
}

static void user_version_roundtrips(void **state)
{
	char *dir = ts_tmpdir();
	char *path = make_db(dir, "a.db");
	nsw_sqldb *db = NULL;
	int v = -1;

	(void)state;
	assert_int_equal(nsw_sqldb_open(&db, path, 0), 0);
	assert_int_equal(nsw_sqldb_user_version(db, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(nsw_sqldb_set_user_version(db, 7), 0);
	nsw_sqldb_close(db);
	assert_int_equal(nsw_sqldb_open(&db, path, 0), 0);
	assert_int_equal(nsw_sqldb_user_version(db, &v), 0);
	assert_int_equal(v, 7);
	nsw_sqldb_close(db);
	free(path);
	ts_tmpdir_remove(dir);
}

static void readonly_refuses_writes_and_leaves_no_side_files(void **state)
{
	char *dir = ts_tmpdir();
	char *path = make_db(dir, "we ird%name.db");
	char *wal = NULL, *journal = NULL;
	nsw_sqldb *db = NULL;
	nsw_sqlstmt *st = NULL;
	struct stat sb;

	(void)state;
	assert_int_equal(nsw_sqldb_open_readonly(&db, path), 0);
	assert_int_equal(nsw_sqldb_prepare(db, &st,
					   "SELECT name FROM t "
					   "WHERE id=?1"),
			 0);
	assert_int_equal(nsw_sqldb_bind_int64(st, 1, 2), 0);
	assert_int_equal(nsw_sqldb_step(st), 1);
	assert_string_equal(nsw_sqldb_column_text(st, 0, NULL), "second");
	nsw_sqldb_finalize(st);
	assert_int_equal(nsw_sqldb_exec(db, "DELETE FROM t;"), NSW_EIO);
	nsw_sqldb_close(db);
	wal = ts_path(dir, "we ird%name.db-wal");
	journal = ts_path(dir, "we ird%name.db-journal");
	assert_int_not_equal(stat(wal, &sb), 0);
	assert_int_not_equal(stat(journal, &sb), 0);
	free(wal);
	free(journal);
	free(path);
	ts_tmpdir_remove(dir);
}

static void untrusted_missing_table_is_eformat(void **state)
{
	char *dir = ts_tmpdir();
	char *path = make_db(dir, "a.db");
	nsw_sqldb *db = NULL;
	nsw_sqlstmt *st = NULL;

	(void)state;
	assert_int_equal(nsw_sqldb_open_readonly(&db, path), 0);
	assert_int_equal(nsw_sqldb_prepare(db, &st, "SELECT sha256 FROM FILE"),
			 NSW_EFORMAT);
	assert_null(st);
	assert_non_null(strstr(nsw_error_last(), "FILE"));
	nsw_sqldb_close(db);
	free(path);
	ts_tmpdir_remove(dir);
}

static void open_errors_are_translated(void **state)
{
	char *dir = ts_tmpdir();
	char *missing = ts_path(dir, "missing.db");
	char *junk = ts_path(dir, "junk.db");
	char text[4096];
	nsw_sqldb *db = NULL;

	(void)state;
	assert_int_equal(nsw_sqldb_open_readonly(&db, missing), NSW_ENOTFOUND);
	assert_null(db);
	assert_int_equal(nsw_sqldb_open(&db, missing, 0), NSW_ENOTFOUND);
	memset(text, 'x', sizeof(text));
	assert_int_equal(ts_write_file(junk, text, sizeof(text)), 0);
	assert_int_equal(nsw_sqldb_open_readonly(&db, junk), NSW_EFORMAT);
	assert_null(db);
	assert_int_equal(nsw_sqldb_open(&db, junk, 0), NSW_EFORMAT);
	assert_int_equal(nsw_sqldb_open(&db, dir, 0), NSW_EINVAL);
	free(missing);
	free(junk);
	ts_tmpdir_remove(dir);
}

/* A writer behind another connection's write transaction waits for it,
 * but only as long as its busy timeout: then EIO, not a hang. */
static void
busy_writer_waits_a_bounded_time_then_gets_the_lock_once_free(void **state)
{
	char *dir = ts_tmpdir();
	char *path;
	nsw_sqldb *holder = NULL, *waiter = NULL;

	(void)state;
	path = make_db(dir, "busy.db");
	assert_int_equal(nsw_sqldb_open(&holder, path, 0), 0);
	assert_int_equal(nsw_sqldb_exec(holder, "PRAGMA journal_mode=WAL;"), 0);
	assert_int_equal(nsw_sqldb_open(&waiter, path, 0), 0);
	assert_int_equal(nsw_sqldb_busy_timeout(waiter, 50), 0);
	assert_int_equal(nsw_sqldb_begin_immediate(holder), 0);
	assert_int_equal(nsw_sqldb_begin_immediate(waiter), NSW_EIO);
	/* Readers are not blocked by the writer (WAL). */
	assert_int_equal(nsw_sqldb_exec(waiter, "SELECT count(*) FROM t;"), 0);
	assert_int_equal(nsw_sqldb_commit(holder), 0);
	assert_int_equal(nsw_sqldb_begin_immediate(waiter), 0);
	assert_int_equal(nsw_sqldb_commit(waiter), 0);
	nsw_sqldb_close(waiter);
	nsw_sqldb_close(holder);
	free(path);
	ts_tmpdir_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(roundtrips_text_blob_and_empty_blob),
		cmocka_unit_test(constraint_violation_is_einval_without_sql),
		cmocka_unit_test(rollback_discards_and_commit_keeps),
		cmocka_unit_test(user_version_roundtrips),
		cmocka_unit_test(
			readonly_refuses_writes_and_leaves_no_side_files),
		cmocka_unit_test(untrusted_missing_table_is_eformat),
		cmocka_unit_test(open_errors_are_translated),
		cmocka_unit_test(
			busy_writer_waits_a_bounded_time_then_gets_the_lock_once_free),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
