/* SPDX-License-Identifier: Apache-2.0 */
/* The one file that includes sqlite3.h: connections, statements, codes. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "alloc.h"
#include "buf.h"
#include "error.h"
#include "limits.h"
#include "sqldb.h"

struct nsw_sqldb {
	sqlite3 *db;
	char *path;
	unsigned flags;
};

struct nsw_sqlstmt {
	sqlite3_stmt *stmt;
	nsw_sqldb *owner;
};

/* SQLite's primary result code to ours. */
static int map_code(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return NSW_OK;
	case SQLITE_NOMEM:
		return NSW_ENOMEM;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
	case SQLITE_FORMAT:
	case SQLITE_SCHEMA:
		return NSW_EFORMAT;
	case SQLITE_TOOBIG:
		return NSW_ELIMIT;
	case SQLITE_CONSTRAINT:
	case SQLITE_MISMATCH:
	case SQLITE_RANGE:
	case SQLITE_MISUSE:
		return NSW_EINVAL;
	case SQLITE_CANTOPEN:
	case SQLITE_IOERR:
	case SQLITE_FULL:
	case SQLITE_READONLY:
	case SQLITE_PERM:
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
	case SQLITE_PROTOCOL:
		return NSW_EIO;
	default:
		return NSW_ERROR;
	}
}

/*
 * Set the thread's error from the connection: "<path>: <what>: <reason>".
 * The reason is SQLite's message for this connection (it names a table,
 * column or constraint at most, never the statement text), copied here so
 * no SQLite-owned string escapes.
 */
static int sql_fail_as(const nsw_sqldb *db, int code, int rc, const char *what)
{
	const char *reason = NULL;

	if (db != NULL && db->db != NULL)
		reason = sqlite3_errmsg(db->db);
	if (reason == NULL || reason[0] == '\0')
		reason = sqlite3_errstr(rc);
	return nsw_error_set(code, "%s: %s: %s",
			     db != NULL && db->path != NULL ? db->path : "?",
			     what, reason);
}

static int sql_fail(const nsw_sqldb *db, int rc, const char *what)
{
	return sql_fail_as(db, map_code(rc), rc, what);
}

/* "file:<percent-encoded path>?mode=ro&immutable=1" */
static int immutable_uri(nsw_buf *uri, const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	int rc = nsw_buf_puts(uri, "file:");

	for (const unsigned char *p = (const unsigned char *)path;
	     rc == 0 && *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '/' || *p == '.' ||
		    *p == '-' || *p == '_') {
			rc = nsw_buf_putc(uri, (char)*p);
		} else {
			char esc[3] = {'%', hex[*p >> 4], hex[*p & 15]};

			rc = nsw_buf_put(uri, esc, 3);
		}
	}
	if (rc == 0)
		rc = nsw_buf_puts(uri, "?mode=ro&immutable=1");
	return rc;
}

/* Settings for a file someone else made (SQLite's "defense against the
 * dark arts" list). */
static int harden_untrusted(nsw_sqldb *db)
{
	int rc = sqlite3_db_config(db->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0,
				   (int *)NULL);

	if (rc == SQLITE_OK)
		rc = sqlite3_db_config(db->db, SQLITE_DBCONFIG_ENABLE_TRIGGER,
				       0, (int *)NULL);
	if (rc != SQLITE_OK)
		return sql_fail(db, rc, "cannot harden connection");
	sqlite3_limit(db->db, SQLITE_LIMIT_LENGTH,
		      NSW_SQL_UNTRUSTED_LENGTH_MAX);
	sqlite3_limit(db->db, SQLITE_LIMIT_ATTACHED, 0);
	return nsw_sqldb_exec(db, "PRAGMA cell_size_check=ON;");
}

int nsw_sqldb_open(nsw_sqldb **out, const char *path, unsigned flags)
{
	nsw_sqldb *db = NULL;
	nsw_buf uri;
	int oflags, rc = NSW_OK;
	const char *name = path;
	struct stat st;

	nsw_buf_init(&uri, NSW_PATH_MAX * 3 + 64);
	if (out == NULL || path == NULL || path[0] == '\0')
		return nsw_error_set(NSW_EINVAL, "sqldb: no path");
	*out = NULL;
	if (strlen(path) >= NSW_PATH_MAX)
		return nsw_error_set(NSW_ELIMIT, "%.64s...: path too long",
				     path);
	/* SQLite reports a missing file as "unable to open": say it better. */
	if ((flags & NSW_SQLDB_READONLY) || !(flags & NSW_SQLDB_CREATE)) {
		if (stat(path, &st) != 0)
			return nsw_error_set(errno == ENOENT ? NSW_ENOTFOUND
							     : NSW_EIO,
					     "%s: %s", path, strerror(errno));
		if (!S_ISREG(st.st_mode))
			return nsw_error_set(NSW_EINVAL,
					     "%s: not a regular file", path);
	}
	db = nsw__calloc(1, sizeof(*db));
	if (db == NULL)
		return nsw_error_set(NSW_ENOMEM, "%s: out of memory", path);
	db->flags = flags;
	db->path = nsw__strdup(path);
	if (db->path == NULL) {
		rc = nsw_error_set(NSW_ENOMEM, "%s: out of memory", path);
		goto done;
	}
	if (flags & NSW_SQLDB_READONLY) {
		oflags = SQLITE_OPEN_READONLY;
		if (flags & NSW_SQLDB_IMMUTABLE) {
			if (immutable_uri(&uri, path) != 0) {
				rc = nsw_error_set(NSW_ENOMEM,
						   "%s: out of memory", path);
				goto done;
			}
			oflags |= SQLITE_OPEN_URI;
			name = uri.ptr;
		}
	} else {
		oflags = SQLITE_OPEN_READWRITE;
		if (flags & NSW_SQLDB_CREATE)
			oflags |= SQLITE_OPEN_CREATE;
	}
	/* FULLMUTEX: misuse across threads is serialised, not corrupting. */
	oflags |= SQLITE_OPEN_FULLMUTEX;
	rc = sqlite3_open_v2(name, &db->db, oflags, NULL);
	if (rc != SQLITE_OK) {
		rc = sql_fail(db, rc, "cannot open database");
		goto done;
	}
	sqlite3_extended_result_codes(db->db, 1);
	/* Defensive everywhere: no writable_schema, no raw page edits. */
	rc = sqlite3_db_config(db->db, SQLITE_DBCONFIG_DEFENSIVE, 1,
			       (int *)NULL);
	if (rc != SQLITE_OK) {
		rc = sql_fail(db, rc, "cannot set defensive mode");
		goto done;
	}
	if (flags & NSW_SQLDB_UNTRUSTED) {
		rc = harden_untrusted(db);
		if (rc != NSW_OK)
			goto done;
	}
	sqlite3_busy_timeout(db->db, NSW_SQL_BUSY_TIMEOUT_MS);
	rc = nsw_sqldb_exec(db, "PRAGMA foreign_keys=ON;");
	if (rc != NSW_OK)
		goto done;
	/* Reading the schema now turns "not a database" into an open error
	 * instead of a surprise at the first query. */
	rc = nsw_sqldb_exec(db, "SELECT count(*) FROM sqlite_schema;");
	if (rc != NSW_OK)
		goto done;
	*out = db;
	db = NULL;
done:
	nsw_buf_dispose(&uri);
	nsw_sqldb_close(db);
	return rc;
}

int nsw_sqldb_open_readonly(nsw_sqldb **out, const char *path)
{
	return nsw_sqldb_open(out, path,
			      NSW_SQLDB_READONLY | NSW_SQLDB_UNTRUSTED |
				      NSW_SQLDB_IMMUTABLE);
}

void nsw_sqldb_close(nsw_sqldb *db)
{
	if (db == NULL)
		return;
	/* close_v2: a leaked statement delays the close instead of leaking
	 * the connection. */
	sqlite3_close_v2(db->db);
	nsw__free(db->path);
	nsw__free(db);
}

const char *nsw_sqldb_path(const nsw_sqldb *db)
{
	return db != NULL && db->path != NULL ? db->path : "";
}

int nsw_sqldb_exec(nsw_sqldb *db, const char *sql)
{
	int rc;

	if (db == NULL || sql == NULL)
		return nsw_error_set(NSW_EINVAL, "sqldb: exec without db");
	/* No errmsg out-parameter: sqlite3_free strings must not escape. */
	rc = sqlite3_exec(db->db, sql, NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return sql_fail(db, rc, "statement failed");
	return NSW_OK;
}

int nsw_sqldb_prepare(nsw_sqldb *db, nsw_sqlstmt **out, const char *sql)
{
	nsw_sqlstmt *st = NULL;
	int rc;

	if (out == NULL)
		return nsw_error_set(NSW_EINVAL, "sqldb: prepare without out");
	*out = NULL;
	if (db == NULL || sql == NULL)
		return nsw_error_set(NSW_EINVAL, "sqldb: prepare without db");
	st = nsw__calloc(1, sizeof(*st));
	if (st == NULL)
		return nsw_error_set(NSW_ENOMEM, "%s: out of memory", db->path);
	st->owner = db;
	rc = sqlite3_prepare_v3(db->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
				&st->stmt, NULL);
	if (rc != SQLITE_OK || st->stmt == NULL) {
		int code;

		if (rc == SQLITE_OK)
			rc = SQLITE_MISUSE; /* empty statement: our bug */
		code = map_code(rc);
		/* A table or column we expect is missing: a foreign file is
		 * not in the format we read; our own SQL failing is a bug. */
		if ((rc & 0xff) == SQLITE_ERROR)
			code = (db->flags & NSW_SQLDB_UNTRUSTED) ? NSW_EFORMAT
								 : NSW_ERROR;
		nsw__free(st);
		return sql_fail_as(db, code, rc, "cannot prepare query");
	}
	*out = st;
	return NSW_OK;
}

void nsw_sqldb_finalize(nsw_sqlstmt *st)
{
	if (st == NULL)
		return;
	sqlite3_finalize(st->stmt);
	nsw__free(st);
}

void nsw_sqldb_reset(nsw_sqlstmt *st)
{
	if (st == NULL)
		return;
	sqlite3_reset(st->stmt);
	sqlite3_clear_bindings(st->stmt);
}

static int bind_result(nsw_sqlstmt *st, int rc)
{
	if (rc == SQLITE_OK)
		return NSW_OK;
	return sql_fail(st->owner, rc, "cannot bind parameter");
}

int nsw_sqldb_bind_null(nsw_sqlstmt *st, int idx)
{
	return bind_result(st, sqlite3_bind_null(st->stmt, idx));
}

int nsw_sqldb_bind_int64(nsw_sqlstmt *st, int idx, int64_t v)
{
	return bind_result(st, sqlite3_bind_int64(st->stmt, idx, v));
}

int nsw_sqldb_bind_double(nsw_sqlstmt *st, int idx, double v)
{
	return bind_result(st, sqlite3_bind_double(st->stmt, idx, v));
}

int nsw_sqldb_bind_text(nsw_sqlstmt *st, int idx, const char *s)
{
	if (s == NULL)
		return nsw_sqldb_bind_null(st, idx);
	return nsw_sqldb_bind_textn(st, idx, s, strlen(s));
}

int nsw_sqldb_bind_textn(nsw_sqlstmt *st, int idx, const char *s, size_t len)
{
	if (s == NULL)
		return nsw_sqldb_bind_null(st, idx);
	return bind_result(st,
			   sqlite3_bind_text64(st->stmt, idx, s, len,
					       SQLITE_TRANSIENT, SQLITE_UTF8));
}

int nsw_sqldb_bind_blob(nsw_sqlstmt *st, int idx, const void *data, size_t len)
{
	static const char empty;

	if (data == NULL)
		return nsw_sqldb_bind_null(st, idx);
	if (len == 0)
		data = &empty; /* non-NULL pointer: an empty blob, not NULL */
	return bind_result(st, sqlite3_bind_blob64(st->stmt, idx, data, len,
						   SQLITE_TRANSIENT));
}

int nsw_sqldb_step(nsw_sqlstmt *st)
{
	int rc;

	if (st == NULL)
		return nsw_error_set(NSW_EINVAL, "sqldb: step without stmt");
	rc = sqlite3_step(st->stmt);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	rc = sql_fail(st->owner, rc, "query failed");
	/* Leave the statement reusable; reset repeats the error code only. */
	sqlite3_reset(st->stmt);
	return rc;
}

int nsw_sqldb_run(nsw_sqlstmt *st)
{
	int rc = nsw_sqldb_step(st);

	if (rc > 0)
		rc = NSW_OK; /* rows ignored */
	if (st != NULL)
		nsw_sqldb_reset(st);
	return rc;
}

int nsw_sqldb_column_count(nsw_sqlstmt *st)
{
	return sqlite3_column_count(st->stmt);
}

int nsw_sqldb_column_type(nsw_sqlstmt *st, int col)
{
	switch (sqlite3_column_type(st->stmt, col)) {
	case SQLITE_INTEGER:
		return NSW_SQL_INTEGER;
	case SQLITE_FLOAT:
		return NSW_SQL_FLOAT;
	case SQLITE_TEXT:
		return NSW_SQL_TEXT;
	case SQLITE_BLOB:
		return NSW_SQL_BLOB;
	default:
		return NSW_SQL_NULL;
	}
}

int64_t nsw_sqldb_column_int64(nsw_sqlstmt *st, int col)
{
	return sqlite3_column_int64(st->stmt, col);
}

double nsw_sqldb_column_double(nsw_sqlstmt *st, int col)
{
	return sqlite3_column_double(st->stmt, col);
}

const char *nsw_sqldb_column_text(nsw_sqlstmt *st, int col, size_t *len)
{
	const unsigned char *s = sqlite3_column_text(st->stmt, col);

	if (len != NULL)
		*len = s != NULL ? (size_t)sqlite3_column_bytes(st->stmt, col)
				 : 0;
	return (const char *)s;
}

const void *nsw_sqldb_column_blob(nsw_sqlstmt *st, int col, size_t *len)
{
	const void *p = sqlite3_column_blob(st->stmt, col);

	if (len != NULL)
		*len = p != NULL ? (size_t)sqlite3_column_bytes(st->stmt, col)
				 : 0;
	return p;
}

const char *nsw_sqldb_column_name(nsw_sqlstmt *st, int col)
{
	const char *name = sqlite3_column_name(st->stmt, col);

	return name != NULL ? name : "";
}

int nsw_sqldb_begin(nsw_sqldb *db)
{
	return nsw_sqldb_exec(db, "BEGIN DEFERRED;");
}

int nsw_sqldb_begin_immediate(nsw_sqldb *db)
{
	return nsw_sqldb_exec(db, "BEGIN IMMEDIATE;");
}

int nsw_sqldb_commit(nsw_sqldb *db)
{
	return nsw_sqldb_exec(db, "COMMIT;");
}

void nsw_sqldb_rollback(nsw_sqldb *db)
{
	if (db == NULL || sqlite3_get_autocommit(db->db))
		return;
	sqlite3_exec(db->db, "ROLLBACK;", NULL, NULL, NULL);
}

int nsw_sqldb_in_transaction(nsw_sqldb *db)
{
	return db != NULL && !sqlite3_get_autocommit(db->db);
}

int64_t nsw_sqldb_last_insert_rowid(nsw_sqldb *db)
{
	return sqlite3_last_insert_rowid(db->db);
}

int64_t nsw_sqldb_changes(nsw_sqldb *db)
{
	return sqlite3_changes64(db->db);
}

int nsw_sqldb_user_version(nsw_sqldb *db, int *out)
{
	nsw_sqlstmt *st = NULL;
	int rc;

	*out = 0;
	rc = nsw_sqldb_prepare(db, &st, "PRAGMA user_version;");
	if (rc != NSW_OK)
		return rc;
	rc = nsw_sqldb_step(st);
	if (rc == 1) {
		*out = (int)nsw_sqldb_column_int64(st, 0);
		rc = NSW_OK;
	} else if (rc == 0) {
		rc = nsw_error_set(NSW_EFORMAT, "%s: no user_version",
				   db->path);
	}
	nsw_sqldb_finalize(st);
	return rc;
}

int nsw_sqldb_set_user_version(nsw_sqldb *db, int version)
{
	char sql[64];

	/* PRAGMA takes no parameters; the value is our own integer. */
	snprintf(sql, sizeof(sql), "PRAGMA user_version=%d;", version);
	return nsw_sqldb_exec(db, sql);
}

int nsw_sqldb_busy_timeout(nsw_sqldb *db, int ms)
{
	int rc = sqlite3_busy_timeout(db->db, ms);

	return rc == SQLITE_OK ? NSW_OK
			       : sql_fail(db, rc, "cannot set busy timeout");
}

const char *nsw_sqldb_library_version(void)
{
	return sqlite3_libversion();
}
