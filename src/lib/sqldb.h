/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Library-internal: the one SQLite wrapper. Only sqldb.c includes sqlite3.h;
 * everything else (the case store, the NSRL RDSv3 reader) goes through this.
 * SQLite's result codes become NSW_E* here and its strings never escape
 * (messages are copied into the thread's error text).
 *
 * Threads: a connection (and its statements) belongs to one thread at a
 * time. Open one connection per thread; never share a statement.
 */
#ifndef NSW_LIB_SQLDB_H
#define NSW_LIB_SQLDB_H

#include <stddef.h>
#include <stdint.h>

typedef struct nsw_sqldb nsw_sqldb;
typedef struct nsw_sqlstmt nsw_sqlstmt;

/* Open flags for nsw_sqldb_open(). */
enum {
	/* Open read-only (the file must exist). */
	NSW_SQLDB_READONLY = 1u << 0,
	/* Create the file if missing (ignored with READONLY). */
	NSW_SQLDB_CREATE = 1u << 1,
	/*
	 * A database we did not create (NSRL RDSv3, an export): defensive
	 * mode, untrusted schema (no functions with side effects from views
	 * or triggers), cell size checks, tighter length limits.
	 */
	NSW_SQLDB_UNTRUSTED = 1u << 2,
	/*
	 * With READONLY: the file will not change while open, so take no
	 * locks and create no -wal/-shm/-journal beside it (safe for files
	 * on evidence or read-only media).
	 */
	NSW_SQLDB_IMMUTABLE = 1u << 3,
};

/* Column types reported by nsw_sqldb_column_type(). */
enum {
	NSW_SQL_NULL = 0,
	NSW_SQL_INTEGER = 1,
	NSW_SQL_FLOAT = 2,
	NSW_SQL_TEXT = 3,
	NSW_SQL_BLOB = 4,
};

/*
 * Open `path` with NSW_SQLDB_* `flags`. *out owned, close with
 * nsw_sqldb_close(). Sets the busy timeout (NSW_SQL_BUSY_TIMEOUT_MS) and
 * turns on foreign keys. ENOTFOUND (missing, not creating), EFORMAT (not a
 * database), EIO, ENOMEM, EINVAL.
 */
int nsw_sqldb_open(nsw_sqldb **out, const char *path, unsigned flags);

/*
 * Shorthand for a database we did not create, read-only and immutable:
 * NSW_SQLDB_READONLY | NSW_SQLDB_UNTRUSTED | NSW_SQLDB_IMMUTABLE.
 */
int nsw_sqldb_open_readonly(nsw_sqldb **out, const char *path);

/* Close; finalizes nothing (finalize your statements first). NULL ok. */
void nsw_sqldb_close(nsw_sqldb *db);

/* The path it was opened with. Borrowed until close. */
const char *nsw_sqldb_path(const nsw_sqldb *db);

/*
 * Run one or more statements without parameters or results (schema,
 * pragmas). Never pass untrusted text. EFORMAT on a corrupt database, EIO,
 * ENOMEM, ERROR.
 */
int nsw_sqldb_exec(nsw_sqldb *db, const char *sql);

/*
 * Compile one statement. *out owned, free with nsw_sqldb_finalize().
 * Missing tables or columns in an untrusted database are EFORMAT (it is
 * not the schema we expect); otherwise ERROR (our bug), ENOMEM.
 */
int nsw_sqldb_prepare(nsw_sqldb *db, nsw_sqlstmt **out, const char *sql);

/* Free a statement. NULL ok. */
void nsw_sqldb_finalize(nsw_sqlstmt *st);

/* Reset for re-execution and clear all bindings. */
void nsw_sqldb_reset(nsw_sqlstmt *st);

/* Bind parameter `idx` (1-based). Values are copied. EINVAL, ENOMEM,
 * ELIMIT (too long). Text must be valid UTF-8 (store bytes as blobs). */
int nsw_sqldb_bind_null(nsw_sqlstmt *st, int idx);
int nsw_sqldb_bind_int64(nsw_sqlstmt *st, int idx, int64_t v);
int nsw_sqldb_bind_double(nsw_sqlstmt *st, int idx, double v);
/* `s` NULL binds NULL. */
int nsw_sqldb_bind_text(nsw_sqlstmt *st, int idx, const char *s);
int nsw_sqldb_bind_textn(nsw_sqlstmt *st, int idx, const char *s, size_t len);
/* `data` NULL binds NULL; len 0 with non-NULL data binds an empty blob. */
int nsw_sqldb_bind_blob(nsw_sqlstmt *st, int idx, const void *data, size_t len);

/*
 * Step: 1 a row is ready, 0 done, negative NSW_E* (EFORMAT corrupt, EINVAL
 * constraint failed, EIO busy/disk, ENOMEM, ELIMIT too big, ERROR).
 */
int nsw_sqldb_step(nsw_sqlstmt *st);

/* Step a statement that returns no rows, then reset it: 0 or NSW_E*. */
int nsw_sqldb_run(nsw_sqlstmt *st);

/* Column accessors for the current row (0-based). Pointers are borrowed
 * until the next step, reset or finalize. NULL columns: 0 / NULL, len 0. */
int nsw_sqldb_column_count(nsw_sqlstmt *st);
int nsw_sqldb_column_type(nsw_sqlstmt *st, int col);
int64_t nsw_sqldb_column_int64(nsw_sqlstmt *st, int col);
double nsw_sqldb_column_double(nsw_sqlstmt *st, int col);
const char *nsw_sqldb_column_text(nsw_sqlstmt *st, int col, size_t *len);
const void *nsw_sqldb_column_blob(nsw_sqlstmt *st, int col, size_t *len);
/* Column name, borrowed until finalize; "" if unknown. */
const char *nsw_sqldb_column_name(nsw_sqlstmt *st, int col);

/* Transactions. begin_immediate takes the write lock now (use it for any
 * transaction that will write, so it cannot deadlock on upgrade). */
int nsw_sqldb_begin(nsw_sqldb *db);
int nsw_sqldb_begin_immediate(nsw_sqldb *db);
int nsw_sqldb_commit(nsw_sqldb *db);
/* Roll back if a transaction is open; errors are ignored (used on failure
 * paths, must not overwrite the first error message). */
void nsw_sqldb_rollback(nsw_sqldb *db);
/* 1 while a transaction is open. */
int nsw_sqldb_in_transaction(nsw_sqldb *db);

int64_t nsw_sqldb_last_insert_rowid(nsw_sqldb *db);
/* Rows changed by the last INSERT/UPDATE/DELETE. */
int64_t nsw_sqldb_changes(nsw_sqldb *db);

/* PRAGMA user_version (the schema version). */
int nsw_sqldb_user_version(nsw_sqldb *db, int *out);
int nsw_sqldb_set_user_version(nsw_sqldb *db, int version);

/* Busy timeout in milliseconds (0 fails at once when locked). */
int nsw_sqldb_busy_timeout(nsw_sqldb *db, int ms);

/* The SQLite library version, for reports. Static. */
const char *nsw_sqldb_library_version(void);

#endif
