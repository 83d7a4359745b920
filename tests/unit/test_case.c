/* SPDX-License-Identifier: Apache-2.0 */
/* The case store: create, reopen, migrations, audit chain, files, hits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/evp.h> /* tests only: forge an audit entry's hash */
#include <sqlite3.h>	 /* tests only: edit the file behind the library */

#include "support.h"
#include "alloc.h"
#include "store.h"

#include "netsweep/case.h"

struct fixture {
	char *dir;
	char *path;
	nsw_case *c;
	int64_t ev;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	nsw_evidence ev = {0};

	assert_non_null(f);
	f->dir = ts_tmpdir();
	f->path = ts_path(f->dir, "case.nsdb");
	assert_int_equal(nsw_case_create(&f->c, f->path, "Op Test", "J. Doe"),
			 0);
	ev.label = "laptop-1";
	ev.kind = "directory";
	ev.source_path = "/mnt/laptop";
	assert_int_equal(nsw_case_evidence_add(f->c, &ev, &f->ev), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	nsw_case_close(f->c);
	free(f->path);
	ts_tmpdir_remove(f->dir);
	free(f);
	return 0;
}

/* Run one SQL statement on the raw file, as an editor outside netsweep. */
static int raw_exec(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	int rc = sqlite3_open(path, &db);

	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
	return rc;
}

static void fill_file(nsw_case_file *cf, int64_t ev, const char *path,
		      uint8_t seed)
{
	memset(cf, 0, sizeof(*cf));
	cf->evidence_id = ev;
	cf->path = (const uint8_t *)path;
	cf->path_len = strlen(path);
	cf->size = 1000 + seed;
	cf->mtime_ns = 1700000000000000000LL + seed;
	cf->ctime_ns = NSW_TIME_UNKNOWN;
	cf->atime_ns = 1700000000000000001LL;
	cf->has = NSW_CASE_HAS_MD5 | NSW_CASE_HAS_SHA1 | NSW_CASE_HAS_SHA256;
	memset(cf->md5, seed, sizeof(cf->md5));
	memset(cf->sha1, seed + 1, sizeof(cf->sha1));
	memset(cf->sha256, seed + 2, sizeof(cf->sha256));
	cf->pdq_quality = -1;
	cf->media_type = "image/jpeg";
	cf->status = NSW_FILE_OK;
}

static void create_writes_metadata_and_reopens(void **state)
{
	struct fixture *f = *state;
	const nsw_case_meta *m = nsw_case_get_meta(f->c);
	nsw_case *again = NULL;
	char uuid[33];

	assert_string_equal(m->name, "Op Test");
	assert_string_equal(m->examiner, "J. Doe");
	assert_int_equal(strlen(m->uuid), 32);
	assert_int_equal(m->schema_version, NSW_CASE_SCHEMA_VERSION);
	assert_int_equal(strlen(m->created_utc), 24);
	assert_int_equal(m->created_utc[23], 'Z');
	memcpy(uuid, m->uuid, 33);
	nsw_case_close(f->c);
	f->c = NULL;
	assert_int_equal(nsw_case_open(&again, f->path, NSW_CASE_READONLY), 0);
	m = nsw_case_get_meta(again);
	assert_string_equal(m->uuid, uuid);
	assert_string_equal(m->name, "Op Test");
	nsw_case_close(again);
	assert_int_equal(nsw_case_open(&f->c, f->path, 0), 0);
}

static void create_refuses_existing_file(void **state)
{
	struct fixture *f = *state;
	nsw_case *c = NULL;

	assert_int_equal(nsw_case_create(&c, f->path, "x", "y"), NSW_EINVAL);
	assert_null(c);
}

static void create_rejects_empty_name(void **state)
{
	struct fixture *f = *state;
	char *p = ts_path(f->dir, "other.nsdb");
	nsw_case *c = NULL;
	struct stat st;

	assert_int_equal(nsw_case_create(&c, p, "", "y"), NSW_EINVAL);
	assert_int_equal(nsw_case_create(&c, p, "x", NULL), NSW_EINVAL);
	assert_int_not_equal(stat(p, &st), 0);
	free(p);
}

static void open_rejects_foreign_sqlite_and_missing(void **state)
{
	struct fixture *f = *state;
	char *p = ts_path(f->dir, "foreign.db");
	char *missing = ts_path(f->dir, "missing.nsdb");
	nsw_case *c = NULL;

	assert_int_equal(raw_exec(p, "CREATE TABLE x(y);"), SQLITE_OK);
	assert_int_equal(nsw_case_open(&c, p, 0), NSW_EFORMAT);
	assert_null(c);
	assert_int_equal(nsw_case_open(&c, missing, 0), NSW_ENOTFOUND);
	free(p);
	free(missing);
}

static void open_refuses_newer_schema(void **state)
{
	struct fixture *f = *state;
	nsw_case *c = NULL;

	nsw_case_close(f->c);
	f->c = NULL;
	assert_int_equal(raw_exec(f->path, "PRAGMA user_version=99;"),
			 SQLITE_OK);
	assert_int_equal(nsw_case_open(&c, f->path, 0), NSW_EUNSUPPORTED);
	assert_null(c);
	{
		char sql[64];

		snprintf(sql, sizeof(sql), "PRAGMA user_version=%d;",
			 NSW_CASE_SCHEMA_VERSION);
		assert_int_equal(raw_exec(f->path, sql), SQLITE_OK);
	}
	assert_int_equal(nsw_case_open(&f->c, f->path, 0), 0);
}

struct actions {
	char list[16][32];
	int n;
};

static int collect_action(void *ctx, const nsw_audit_entry *e)
{
	struct actions *a = ctx;

	if (a->n < 16)
		snprintf(a->list[a->n++], 32, "%s", e->action);
	return 0;
}

static void migrates_from_version_1_and_audits_it(void **state)
{
	struct fixture *f = *state;
	char *p = ts_path(f->dir, "old.nsdb");
	nsw_case *c = NULL;
	struct actions acts = {0};
	nsw_audit_check chk;
	nsw_case_file cf;
	nsw_evidence ev = {0};
	int64_t id = 0;
	int from = -1;

	(void)state;
	/* A v1 case: create it at the latest version, then rebuild the file
	 * as version 1 would have left it (no v2 tables, user_version 1). */
	assert_int_equal(nsw_case_create(&c, p, "Old", "A"), 0);
	nsw_case_close(c);
	c = NULL;
	assert_int_equal(raw_exec(p, "DROP TABLE merge_conflicts;"
				     "DROP TABLE merge_items;"
				     "DROP TABLE merge_map;"
				     "DROP TABLE merged_sources;"
				     "DROP TABLE analysis_runs;"
				     "DROP TABLE analysis_items;"
				     "DROP TABLE analysis_item_media;"
				     "DROP TABLE analysis_item_links;"
				     "DROP TABLE analysis_spread;"
				     "DROP TABLE analysis_accounts;"
				     "DROP TABLE analysis_account_categories;"
				     "DROP TABLE analysis_chats;"
				     "DROP TABLE analysis_chat_bridges;"
				     "DROP TABLE analysis_suspects;"
				     "DROP TABLE analysis_suspect_terms;"
				     "DROP TABLE analysis_suspect_evidence;"
				     "DROP TABLE analysis_suspect_lists;"
				     "DROP TABLE ingest_problems;"),
			 SQLITE_OK);
	assert_int_equal(raw_exec(p, "DROP TABLE sessions; DROP TABLE users;"
				     "DROP TABLE attributions;"
				     "DROP TABLE membership_events;"
				     "DROP TABLE messages; DROP TABLE media;"
				     "DROP TABLE chats;"
				     "DROP TABLE account_names;"
				     "DROP TABLE accounts;"
				     "DROP TABLE platforms;"
				     "ALTER TABLE files DROP COLUMN "
				     "pdq_dihedral;"
				     "ALTER TABLE files DROP COLUMN "
				     "pdq_rows_present;"
				     "ALTER TABLE files DROP COLUMN pdq_rows;"
				     "ALTER TABLE files DROP COLUMN meta_addr;"
				     "ALTER TABLE files DROP COLUMN deleted;"
				     "ALTER TABLE files DROP COLUMN crtime_ns;"
				     "ALTER TABLE evidence DROP COLUMN "
				     "image_sha256;"
				     "ALTER TABLE evidence DROP COLUMN "
				     "image_size;"
				     "DROP INDEX files_container;"
				     "ALTER TABLE files DROP COLUMN "
				     "container_file_id;"
				     "PRAGMA user_version=1;"),
			 SQLITE_OK);
	/* Read-only cannot migrate. */
	assert_int_equal(nsw_case_open(&c, p, NSW_CASE_READONLY),
			 NSW_EUNSUPPORTED);
	assert_int_equal(nsw_case_open(&c, p, 0), 0);
	assert_int_equal(nsw_case_get_meta(c)->schema_version,
			 NSW_CASE_SCHEMA_VERSION);
	assert_int_equal(nsw_case_audit_foreach(c, collect_action, &acts), 0);
	/* case.init, then one schema.migrate per step from v1 */
	assert_int_equal(acts.n, NSW_CASE_SCHEMA_VERSION);
	assert_string_equal(acts.list[0], "case.init");
	for (int i = 1; i < NSW_CASE_SCHEMA_VERSION; i++)
		assert_string_equal(acts.list[i], "schema.migrate");
	assert_int_equal(nsw_case_audit_verify(c, &chk), 0);
	assert_true(chk.ok);
	/* Old data still works after the migration. */
	fill_file(&cf, 0, "a", 1);
	ev.label = "x";
	ev.kind = "file";
	ev.source_path = "/x";
	assert_int_equal(nsw_case_evidence_add(c, &ev, &cf.evidence_id), 0);
	assert_int_equal(nsw_case_file_add(c, &cf, &id, NULL), 0);
	assert_true(id > 0);
	nsw_case_close(c);
	/* The internal migrator refuses to go past what it knows. */
	assert_int_equal(nsw_case_open(&c, p, 0), 0);
	assert_int_equal(
		nsw_store__migrate(c, NSW_CASE_SCHEMA_VERSION + 1, &from, 1),
		NSW_EINVAL);
	nsw_case_close(c);
	free(p);
}

/*
 * v6 -> v7 (partial images): a v6 case's files keep their records and read
 * back as whole-image PDQ; a partial image's PDQ is recorded with its rows
 * and read back; an impossible row count is refused.
 */
static void migrates_from_version_6_and_records_partial_pdq(void **state)
{
	struct fixture *f = *state;
	char *p = ts_path(f->dir, "v6.nsdb");
	nsw_case *c = NULL;
	nsw_case_file cf, got;
	nsw_evidence ev = {0};
	int64_t ev_id = 0, old_id = 0, id = 0;
	struct actions acts = {0};

	assert_int_equal(nsw_case_create(&c, p, "Six", "A"), 0);
	ev.label = "x";
	ev.kind = "file";
	ev.source_path = "/x";
	assert_int_equal(nsw_case_evidence_add(c, &ev, &ev_id), 0);
	fill_file(&cf, ev_id, "old.jpg", 3);
	cf.has |= NSW_CASE_HAS_PDQ;
	cf.pdq_quality = 70;
	assert_int_equal(nsw_case_file_add(c, &cf, &old_id, NULL), 0);
	nsw_case_close(c);
	c = NULL;
	/* What a v6 library left: no partial columns, user_version 6. */
	assert_int_equal(raw_exec(p, "ALTER TABLE files DROP COLUMN "
				     "pdq_rows_present;"
				     "ALTER TABLE files DROP COLUMN pdq_rows;"
				     "ALTER TABLE files DROP COLUMN meta_addr;"
				     "ALTER TABLE files DROP COLUMN deleted;"
				     "ALTER TABLE files DROP COLUMN crtime_ns;"
				     "ALTER TABLE evidence DROP COLUMN "
				     "image_sha256;"
				     "ALTER TABLE evidence DROP COLUMN "
				     "image_size;"
				     "DROP INDEX files_container;"
				     "ALTER TABLE files DROP COLUMN "
				     "container_file_id;"
				     "PRAGMA user_version=6;"),
			 SQLITE_OK);
	assert_int_equal(nsw_case_open(&c, p, 0), 0);
	assert_int_equal(nsw_case_get_meta(c)->schema_version,
			 NSW_CASE_SCHEMA_VERSION);
	assert_int_equal(nsw_case_audit_foreach(c, collect_action, &acts), 0);
	assert_string_equal(acts.list[acts.n - 1], "schema.migrate");
	assert_int_equal(nsw_case_file_get(c, old_id, &got), 0);
	assert_int_equal(got.pdq_quality, 70);
	assert_int_equal(got.pdq_partial, 0);
	assert_int_equal(got.pdq_rows_present, 0);

	fill_file(&cf, ev_id, "download.jpg.part", 4);
	cf.has |= NSW_CASE_HAS_PDQ;
	cf.pdq_quality = 90;
	cf.pdq_partial = 1;
	cf.pdq_rows_present = 384;
	cf.pdq_rows = 480;
	assert_int_equal(nsw_case_file_add(c, &cf, &id, NULL), 0);
	assert_int_equal(nsw_case_file_get(c, id, &got), 0);
	assert_int_equal(got.pdq_partial, 1);
	assert_int_equal(got.pdq_rows_present, 384);
	assert_int_equal(got.pdq_rows, 480);

	/* Rows without PDQ are not recorded; impossible rows are refused. */
	fill_file(&cf, ev_id, "no-pdq", 5);
	cf.pdq_partial = 1;
	cf.pdq_rows_present = 1;
	cf.pdq_rows = 2;
	assert_int_equal(nsw_case_file_add(c, &cf, &id, NULL), 0);
	assert_int_equal(nsw_case_file_get(c, id, &got), 0);
	assert_int_equal(got.pdq_partial, 0);
	fill_file(&cf, ev_id, "bad", 6);
	cf.has |= NSW_CASE_HAS_PDQ;
	cf.pdq_quality = 50;
	cf.pdq_partial = 1;
	cf.pdq_rows_present = 500;
	cf.pdq_rows = 480;
	assert_int_equal(nsw_case_file_add(c, &cf, NULL, NULL), NSW_EINVAL);
	nsw_case_close(c);
	free(p);
}

struct image_seen {
	int64_t id;
	int has_sha256;
	uint8_t sha256[32];
	int64_t size;
};

static int collect_image(void *ctx, const nsw_evidence *ev)
{
	struct image_seen *s = ctx;

	if (ev->id != s->id)
		return 0;
	s->has_sha256 = ev->image_sha256 != NULL;
	if (ev->image_sha256 != NULL)
		memcpy(s->sha256, ev->image_sha256, 32);
	s->size = ev->image_size;
	return 0;
}

/*
 * v7 -> v8 (disk images): a v7 case's files read back as not from an
 * image; an image entry keeps its inode, deleted mark and creation time;
 * the image's SHA-256 is recorded once and a different one is refused.
 */
static void migrates_from_version_7_and_records_image_entries(void **state)
{
	struct fixture *f = *state;
	char *p = ts_path(f->dir, "v7.nsdb");
	nsw_case *c = NULL;
	nsw_case_file cf, got;
	nsw_evidence ev = {0};
	struct image_seen seen = {0};
	uint8_t digest[32], other[32];
	int64_t ev_id = 0, old_id = 0, id = 0;
	struct actions acts = {0};

	assert_int_equal(nsw_case_create(&c, p, "Seven", "A"), 0);
	ev.label = "x";
	ev.kind = "image";
	ev.source_path = "/x.E01";
	assert_int_equal(nsw_case_evidence_add(c, &ev, &ev_id), 0);
	fill_file(&cf, ev_id, "old.jpg", 3);
	assert_int_equal(nsw_case_file_add(c, &cf, &old_id, NULL), 0);
	nsw_case_close(c);
	c = NULL;
	/* What a v7 library left: no image columns, user_version 7. */
	assert_int_equal(raw_exec(p, "ALTER TABLE files DROP COLUMN meta_addr;"
				     "ALTER TABLE files DROP COLUMN deleted;"
				     "ALTER TABLE files DROP COLUMN crtime_ns;"
				     "ALTER TABLE evidence DROP COLUMN "
				     "image_sha256;"
				     "ALTER TABLE evidence DROP COLUMN "
				     "image_size;"
				     "DROP INDEX files_container;"
				     "ALTER TABLE files DROP COLUMN "
				     "container_file_id;"
				     "PRAGMA user_version=7;"),
			 SQLITE_OK);
	assert_int_equal(nsw_case_open(&c, p, 0), 0);
	assert_int_equal(nsw_case_get_meta(c)->schema_version, 9);
	assert_int_equal(nsw_case_audit_foreach(c, collect_action, &acts), 0);
	assert_string_equal(acts.list[acts.n - 1], "schema.migrate");
	assert_int_equal(nsw_case_file_get(c, old_id, &got), 0);
	assert_int_equal(got.in_image, 0);
	assert_int_equal(got.deleted, 0);
	assert_true(got.crtime_ns == NSW_TIME_UNKNOWN);

	fill_file(&cf, ev_id, "p2/DCIM/_MG_0001.JPG", 4);
	cf.in_image = 1;
	cf.meta_addr = 1234567;
	cf.deleted = 1;
	cf.crtime_ns = 1700000000123456789LL;
	assert_int_equal(nsw_case_file_add(c, &cf, &id, NULL), 0);
	assert_int_equal(nsw_case_file_get(c, id, &got), 0);
	assert_int_equal(got.in_image, 1);
	assert_int_equal(got.meta_addr, 1234567);
	assert_int_equal(got.deleted, 1);
	assert_true(got.crtime_ns == 1700000000123456789LL);

	seen.id = ev_id;
	assert_int_equal(nsw_case_evidence_foreach(c, collect_image, &seen), 0);
	assert_int_equal(seen.has_sha256, 0);
	assert_int_equal(seen.size, -1);
	memset(digest, 0xab, sizeof(digest));
	memset(other, 0xcd, sizeof(other));
	assert_int_equal(
		nsw_case_evidence_set_image_hash(c, ev_id, digest, 8388608), 0);
	assert_int_equal(
		nsw_case_evidence_set_image_hash(c, ev_id, digest, 8388608), 0);
	assert_int_equal(
		nsw_case_evidence_set_image_hash(c, ev_id, other, 8388608),
		NSW_EINVAL);
	assert_non_null(strstr(nsw_error_last(), "not the image"));
	assert_int_equal(nsw_case_evidence_foreach(c, collect_image, &seen), 0);
	assert_int_equal(seen.has_sha256, 1);
	assert_memory_equal(seen.sha256, digest, 32);
	assert_int_equal(seen.size, 8388608);
	acts.n = 0;
	assert_int_equal(nsw_case_audit_foreach(c, collect_action, &acts), 0);
	assert_string_equal(acts.list[acts.n - 1], "evidence.image_hash");
	nsw_case_close(c);
	free(p);
}

/* Read one integer with plain SQLite, as a reader outside netsweep. */
static int64_t raw_int(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int64_t v = -1;

	if (sqlite3_open(path, &db) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/*
 * v8 -> v9 (archive members): a v8 case's files keep their records, none
 * of them a member; after the step the column and its index exist and a
 * member can be linked to its archive.
 */
static void migrates_from_version_8_and_links_archive_members(void **state)
{
	struct fixture *f = *state;
	char *p = ts_path(f->dir, "v8.nsdb");
	nsw_case *c = NULL;
	nsw_case_file cf;
	nsw_evidence ev = {0};
	int64_t ev_id = 0, old_id = 0;
	struct actions acts = {0};

	assert_int_equal(nsw_case_create(&c, p, "Eight", "A"), 0);
	ev.label = "x";
	ev.kind = "file";
	ev.source_path = "/x";
	assert_int_equal(nsw_case_evidence_add(c, &ev, &ev_id), 0);
	fill_file(&cf, ev_id, "old.zip", 3);
	assert_int_equal(nsw_case_file_add(c, &cf, &old_id, NULL), 0);
	nsw_case_close(c);
	c = NULL;
	/* What a v8 library left: no container column, user_version 8. */
	assert_int_equal(raw_exec(p, "DROP INDEX files_container;"
				     "ALTER TABLE files DROP COLUMN "
				     "container_file_id;"
				     "PRAGMA user_version=8;"),
			 SQLITE_OK);
	assert_int_equal(nsw_case_open(&c, p, 0), 0);
	assert_int_equal(nsw_case_get_meta(c)->schema_version, 9);
	assert_int_equal(nsw_case_audit_foreach(c, collect_action, &acts), 0);
	assert_string_equal(acts.list[acts.n - 1], "schema.migrate");
	nsw_case_close(c);
	assert_int_equal(raw_int(p, "SELECT count(*) FROM files WHERE "
				    "container_file_id IS NULL"),
			 1);
	assert_int_equal(raw_int(p, "SELECT count(*) FROM sqlite_master WHERE "
				    "name = 'files_container'"),
			 1);
	/* A member recorded (its path: the archive's, NUL, index:name),
	 * then linked when its archive is. */
	assert_int_equal(raw_exec(p,
				  "INSERT INTO files(evidence_id, path, "
				  "display_path, status, recorded_utc) "
				  "VALUES(1, CAST(X'6F6C642E7A6970' || X'00' "
				  "|| '0000000:a.jpg' AS BLOB), "
				  "'old.zip!/a.jpg', 'ok', 'now');"),
			 SQLITE_OK);
	assert_int_equal(nsw_case_open(&c, p, 0), 0);
	assert_int_equal(
		nsw_store__files_link_members(c, ev_id, old_id,
					      (const uint8_t *)"old.zip", 7),
		0);
	nsw_case_close(c);
	assert_int_equal(raw_int(p, "SELECT container_file_id FROM files WHERE "
				    "display_path = 'old.zip!/a.jpg'"),
			 old_id);
	free(p);
}

static void audit_chain_verifies(void **state)
{
	struct fixture *f = *state;
	nsw_audit_check chk;

	assert_int_equal(nsw_case_audit_append(f->c, "note", "{\"a\":1}"), 0);
	assert_int_equal(nsw_case_audit_append(f->c, "note", NULL), 0);
	assert_int_equal(nsw_case_audit_verify(f->c, &chk), 0);
	assert_true(chk.ok);
	assert_int_equal(chk.first_bad, 0);
	/* case.init, evidence.add, note, note */
	assert_int_equal(chk.entries, 4);
	assert_int_equal(chk.head_seq, 4);
}

static void audit_log_refuses_update_and_delete(void **state)
{
	struct fixture *f = *state;

	nsw_case_close(f->c);
	f->c = NULL;
	assert_int_not_equal(raw_exec(f->path, "UPDATE audit_log SET "
					       "actor='x' WHERE seq=2;"),
			     SQLITE_OK);
	assert_int_not_equal(raw_exec(f->path, "DELETE FROM audit_log;"),
			     SQLITE_OK);
	assert_int_equal(nsw_case_open(&f->c, f->path, 0), 0);
}

static int64_t verify_first_bad(struct fixture *f, const char *edit)
{
	nsw_audit_check chk;

	nsw_case_close(f->c);
	f->c = NULL;
	assert_int_equal(raw_exec(f->path, edit), SQLITE_OK);
	assert_int_equal(nsw_case_open(&f->c, f->path, NSW_CASE_READONLY), 0);
	assert_int_equal(nsw_case_audit_verify(f->c, &chk), 0);
	assert_false(chk.ok);
	assert_true(chk.reason[0] != '\0');
	return chk.first_bad;
}

static void audit_detects_edited_entry(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(nsw_case_audit_append(f->c, "note", "{}"), 0);
	assert_int_equal(nsw_case_audit_append(f->c, "note", "{}"), 0);
	assert_int_equal(verify_first_bad(f, "DROP TRIGGER audit_log_no_update;"
					     "UPDATE audit_log SET detail="
					     "'{\"x\":1}' WHERE seq=3;"),
			 3);
}

static void audit_detects_forged_hash(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(nsw_case_audit_append(f->c, "note", "{}"), 0);
	assert_int_equal(verify_first_bad(f, "DROP TRIGGER audit_log_no_update;"
					     "UPDATE audit_log SET hash="
					     "randomblob(32) WHERE seq=2;"),
			 2);
}

/* The documented entry hash (store_audit.c), computed independently. */
static void forge_hash(uint8_t out[32], int64_t seq, const char *fields[4],
		       const uint8_t prev[32])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	static const char domain[] = "netsweep-audit-1\n";
	uint8_t be[8];
	unsigned n = 0;

	for (int i = 0; i < 8; i++)
		be[i] = (uint8_t)((uint64_t)seq >> (56 - 8 * i));
	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	EVP_DigestUpdate(ctx, domain, strlen(domain));
	EVP_DigestUpdate(ctx, be, 8);
	for (int i = 0; i < 4; i++) {
		size_t len = strlen(fields[i]);
		uint8_t lp[4] = {(uint8_t)(len >> 24), (uint8_t)(len >> 16),
				 (uint8_t)(len >> 8), (uint8_t)len};

		EVP_DigestUpdate(ctx, lp, 4);
		EVP_DigestUpdate(ctx, fields[i], len);
	}
	EVP_DigestUpdate(ctx, prev, 32);
	EVP_DigestFinal_ex(ctx, out, &n);
	EVP_MD_CTX_free(ctx);
}

struct entry_copy {
	int64_t want;
	char time[40], actor[64], action[64];
	uint8_t prev[32], hash[32];
};

static int grab_entry(void *ctx, const nsw_audit_entry *e)
{
	struct entry_copy *c = ctx;

	if (e->seq == c->want) {
		snprintf(c->time, sizeof(c->time), "%s", e->time_utc);
		snprintf(c->actor, sizeof(c->actor), "%s", e->actor);
		snprintf(c->action, sizeof(c->action), "%s", e->action);
		memcpy(c->prev, e->prev_hash, 32);
		memcpy(c->hash, e->hash, 32);
	}
	return 0;
}

static void audit_detects_rehashed_edit_at_next_entry(void **state)
{
	struct fixture *f = *state;
	struct entry_copy e2 = {.want = 2};
	const char *fields[4];
	uint8_t forged[32];
	char sql[512], hex[65];

	assert_int_equal(nsw_case_audit_append(f->c, "note", "{}"), 0);
	assert_int_equal(nsw_case_audit_foreach(f->c, grab_entry, &e2), 0);
	/* The forger knows the scheme: entry 2 gets new content AND a hash
	 * that matches it. Entry 2 then checks out; entry 3's link breaks. */
	fields[0] = e2.time;
	fields[1] = e2.actor;
	fields[2] = e2.action;
	fields[3] = "{\"forged\":true}";
	forge_hash(forged, 2, fields, e2.prev);
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", forged[i]);
	snprintf(sql, sizeof(sql),
		 "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET "
		 "detail='{\"forged\":true}', hash=x'%s' WHERE seq=2;",
		 hex);
	assert_int_equal(verify_first_bad(f, sql), 3);
}

static void audit_detects_deleted_entry(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(nsw_case_audit_append(f->c, "note", "{}"), 0);
	assert_int_equal(verify_first_bad(f, "DROP TRIGGER audit_log_no_delete;"
					     "DELETE FROM audit_log WHERE "
					     "seq=2;"),
			 2);
}

static void audit_detects_changed_case_metadata(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(verify_first_bad(f, "UPDATE case_meta SET "
					     "examiner='Someone Else';"),
			 1);
}

static void records_file_once_and_reads_it_back(void **state)
{
	struct fixture *f = *state;
	static const uint8_t bad_name[] = {'d', '/', 0xff, 'x', '\\', '\n'};
	nsw_case_file cf, got;
	int64_t id1 = 0, id2 = 0, id3 = 0;
	int inserted = -1;

	fill_file(&cf, f->ev, "dir/photo.jpg", 7);
	cf.has |= NSW_CASE_HAS_PDQ;
	memset(cf.pdq.bytes, 0xab, sizeof(cf.pdq.bytes));
	cf.pdq_quality = 88;
	assert_int_equal(nsw_case_file_add(f->c, &cf, &id1, &inserted), 0);
	assert_int_equal(inserted, 1);
	/* Offered again (a resumed scan): same id, not recorded twice. */
	cf.size = 5;
	assert_int_equal(nsw_case_file_add(f->c, &cf, &id2, &inserted), 0);
	assert_int_equal(inserted, 0);
	assert_int_equal(id1, id2);
	assert_int_equal(
		nsw_case_file_find(f->c, f->ev, cf.path, cf.path_len, &id3), 0);
	assert_int_equal(id3, id1);
	assert_int_equal(nsw_case_file_get(f->c, id1, &got), 0);
	assert_int_equal(got.size, 1007);
	assert_int_equal(got.path_len, strlen("dir/photo.jpg"));
	assert_memory_equal(got.path, "dir/photo.jpg", got.path_len);
	assert_string_equal(got.display_path, "dir/photo.jpg");
	assert_int_equal(got.has, NSW_CASE_HAS_MD5 | NSW_CASE_HAS_SHA1 |
					  NSW_CASE_HAS_SHA256 |
					  NSW_CASE_HAS_PDQ);
	assert_memory_equal(got.md5, cf.md5, sizeof(cf.md5));
	assert_memory_equal(got.sha256, cf.sha256, sizeof(cf.sha256));
	assert_memory_equal(got.pdq.bytes, cf.pdq.bytes, NSW_PDQ_BYTES);
	assert_int_equal(got.pdq_quality, 88);
	assert_int_equal(got.mtime_ns, cf.mtime_ns);
	assert_true(got.ctime_ns == NSW_TIME_UNKNOWN);
	assert_string_equal(got.media_type, "image/jpeg");
	assert_int_equal(got.status, NSW_FILE_OK);
	assert_int_equal(got.name_not_utf8, 0);

	/* A non-UTF-8 name: raw bytes kept, display escaped. */
	fill_file(&cf, f->ev, "", 9);
	cf.path = bad_name;
	cf.path_len = sizeof(bad_name);
	cf.has = 0;
	cf.media_type = NULL;
	cf.status = NSW_FILE_ERROR;
	cf.error = "Permission denied";
	assert_int_equal(nsw_case_file_add(f->c, &cf, &id2, &inserted), 0);
	assert_int_equal(inserted, 1);
	assert_int_equal(nsw_case_file_get(f->c, id2, &got), 0);
	assert_int_equal(got.path_len, sizeof(bad_name));
	assert_memory_equal(got.path, bad_name, sizeof(bad_name));
	assert_string_equal(got.display_path, "d/\\xffx\\\\\\x0a");
	assert_int_equal(got.name_not_utf8, 1);
	assert_int_equal(got.status, NSW_FILE_ERROR);
	assert_string_equal(got.error, "Permission denied");
	assert_int_equal(got.has, 0);
	assert_null(got.media_type);
	assert_int_equal(nsw_case_file_get(f->c, 9999, &got), NSW_ENOTFOUND);
}

static void rejects_bad_file_records(void **state)
{
	struct fixture *f = *state;
	nsw_case_file cf;

	fill_file(&cf, 0, "x", 1);
	assert_int_equal(nsw_case_file_add(f->c, &cf, NULL, NULL), NSW_EINVAL);
	fill_file(&cf, 424242, "x", 1); /* no such evidence */
	assert_int_equal(nsw_case_file_add(f->c, &cf, NULL, NULL), NSW_EINVAL);
	fill_file(&cf, f->ev, "x", 1);
	cf.status = NSW_FILE_STATUS_COUNT;
	assert_int_equal(nsw_case_file_add(f->c, &cf, NULL, NULL), NSW_EINVAL);
}

struct hit_seen {
	int n;
	char cats[8][32];
	int suppressed[8];
	int64_t files[8];
};

static int collect_hit(void *ctx, const nsw_hit_row *row)
{
	struct hit_seen *s = ctx;

	if (s->n < 8) {
		snprintf(s->cats[s->n], 32, "%s:%s",
			 row->hit.category_scheme ? row->hit.category_scheme
						  : "-",
			 row->hit.category_code ? row->hit.category_code : "-");
		s->suppressed[s->n] = row->hit.suppressed;
		s->files[s->n] = row->hit.file_id;
		assert_string_equal(row->evidence_label, "laptop-1");
		assert_non_null(row->file);
		assert_int_equal(row->file->id, row->hit.file_id);
		assert_non_null(row->list_checksum);
	}
	s->n++;
	return 0;
}

struct group_seen {
	int n;
	char keys[8][48];
	int64_t counts[8];
};

static int collect_group(void *ctx, const nsw_case_group *g)
{
	struct group_seen *s = ctx;

	if (s->n < 8) {
		snprintf(s->keys[s->n], 48, "%s%s%s", g->key,
			 g->key2 ? "@" : "", g->key2 ? g->key2 : "");
		s->counts[s->n] = g->count;
	}
	s->n++;
	return 0;
}

static void hits_are_recorded_with_provenance_and_summarised(void **state)
{
	struct fixture *f = *state;
	nsw_case_list match = {.name = "vics-test",
			       .version = "3",
			       .checksum = "aa11",
			       .entries = 10,
			       .role = NSW_LIST_ROLE_MATCH};
	nsw_case_list allow = {.name = "nsrl",
			       .version = "2024.03",
			       .checksum = "bb22",
			       .entries = -1,
			       .role = NSW_LIST_ROLE_ALLOW};
	nsw_case_file cf;
	nsw_case_hit h = {0};
	nsw_hit_filter all = {.include_suppressed = 1, .include_allow = 1};
	struct hit_seen seen = {0};
	struct group_seen groups = {0};
	nsw_case_totals t;
	int64_t lm = 0, la = 0, lm2 = 0, f1 = 0, f2 = 0, f3 = 0, hid = 0,
		hid2 = 0;

	assert_int_equal(nsw_case_list_add(f->c, &match, &lm), 0);
	assert_int_equal(nsw_case_list_add(f->c, &allow, &la), 0);
	assert_int_equal(nsw_case_list_add(f->c, &match, &lm2), 0);
	assert_int_equal(lm, lm2); /* same list again: same id */
	assert_int_not_equal(lm, la);

	fill_file(&cf, f->ev, "a.jpg", 1);
	assert_int_equal(nsw_case_file_add(f->c, &cf, &f1, NULL), 0);
	fill_file(&cf, f->ev, "b.png", 2);
	cf.media_type = "image/png";
	assert_int_equal(nsw_case_file_add(f->c, &cf, &f2, NULL), 0);
	fill_file(&cf, f->ev, "c.exe", 3);
	cf.media_type = "application/x-executable";
	assert_int_equal(nsw_case_file_add(f->c, &cf, &f3, NULL), 0);

	h.file_id = f1;
	h.list_id = lm;
	h.entry_id = 4;
	h.entry_ref = "MediaID 5";
	h.algo = NSW_ALGO_MD5;
	h.dihedral = -1;
	h.category_scheme = "vics-default";
	h.category_code = "1";
	assert_int_equal(nsw_case_hit_add(f->c, &h, &hid), 0);
	assert_int_equal(nsw_case_hit_add(f->c, &h, &hid2), 0);
	assert_int_equal(hid, hid2); /* recorded once */
	h.file_id = f2;
	h.entry_id = 5;
	h.algo = NSW_ALGO_PDQ;
	h.distance = 12;
	h.dihedral = NSW_PDQ_ROT90;
	h.category_code = "2";
	assert_int_equal(nsw_case_hit_add(f->c, &h, NULL), 0);
	/* c.exe is on both lists: the match hit is suppressed by NSRL. */
	h.file_id = f3;
	h.list_id = la;
	h.entry_id = 0;
	h.algo = NSW_ALGO_SHA1;
	h.distance = 0;
	h.dihedral = -1;
	h.category_scheme = "known-software";
	h.category_code = NULL;
	assert_int_equal(nsw_case_hit_add(f->c, &h, NULL), 0);
	h.list_id = lm;
	h.entry_id = 6;
	h.category_scheme = "vics-default";
	h.category_code = "1";
	h.suppressed = 1;
	h.suppressed_by_list = la;
	assert_int_equal(nsw_case_hit_add(f->c, &h, NULL), 0);
	/* Unknown file: refused by the foreign key. */
	h.file_id = 99999;
	assert_int_equal(nsw_case_hit_add(f->c, &h, NULL), NSW_EINVAL);

	assert_int_equal(nsw_case_hits_foreach(f->c, NULL, collect_hit, &seen),
			 0);
	assert_int_equal(seen.n, 2);
	assert_string_equal(seen.cats[0], "vics-default:1");
	assert_string_equal(seen.cats[1], "vics-default:2");
	assert_int_equal(seen.files[0], f1);
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(nsw_case_hits_foreach(f->c, &all, collect_hit, &seen),
			 0);
	assert_int_equal(seen.n, 4);

	assert_int_equal(nsw_case_get_totals(f->c, 0, &t), 0);
	assert_int_equal(t.files, 3);
	assert_int_equal(t.files_ok, 3);
	assert_int_equal(t.bytes, 1001 + 1002 + 1003);
	assert_int_equal(t.hits, 2);
	assert_int_equal(t.hits_suppressed, 1);
	assert_int_equal(t.files_with_hits, 2);
	assert_int_equal(t.files_allowlisted, 1);
	assert_int_equal(t.evidence, 1);

	assert_int_equal(nsw_case_summary_foreach(f->c, 0,
						  NSW_GROUP_BY_CATEGORY,
						  collect_group, &groups),
			 0);
	assert_int_equal(groups.n, 2);
	assert_string_equal(groups.keys[0], "vics-default:1");
	assert_int_equal(groups.counts[0], 1);
	memset(&groups, 0, sizeof(groups));
	assert_int_equal(nsw_case_summary_foreach(f->c, 0, NSW_GROUP_BY_LIST,
						  collect_group, &groups),
			 0);
	assert_int_equal(groups.n, 1);
	assert_string_equal(groups.keys[0], "vics-test@3");
	assert_int_equal(groups.counts[0], 2);
	memset(&groups, 0, sizeof(groups));
	assert_int_equal(nsw_case_summary_foreach(f->c, f->ev,
						  NSW_GROUP_BY_MEDIA_TYPE,
						  collect_group, &groups),
			 0);
	assert_int_equal(groups.n, 3);
}

static void rollback_discards_a_batch_and_its_audit_entries(void **state)
{
	struct fixture *f = *state;
	nsw_case_file cf;
	nsw_case_totals t;
	nsw_audit_check chk;
	int64_t id = 0;

	assert_int_equal(nsw_case_begin(f->c), 0);
	assert_int_equal(nsw_case_begin(f->c), NSW_EINVAL);
	fill_file(&cf, f->ev, "lost.jpg", 1);
	assert_int_equal(nsw_case_file_add(f->c, &cf, &id, NULL), 0);
	assert_int_equal(nsw_case_audit_append(f->c, "note", "{}"), 0);
	nsw_case_rollback(f->c);
	assert_int_equal(nsw_case_get_totals(f->c, 0, &t), 0);
	assert_int_equal(t.files, 0);
	assert_int_equal(t.audit_entries, 2);

	assert_int_equal(nsw_case_begin(f->c), 0);
	assert_int_equal(nsw_case_file_add(f->c, &cf, &id, NULL), 0);
	fill_file(&cf, f->ev, "kept.jpg", 2);
	assert_int_equal(nsw_case_file_add(f->c, &cf, &id, NULL), 0);
	assert_int_equal(nsw_case_audit_append(f->c, "note", "{}"), 0);
	assert_int_equal(nsw_case_commit(f->c), 0);
	assert_int_equal(nsw_case_commit(f->c), NSW_EINVAL);
	assert_int_equal(nsw_case_get_totals(f->c, 0, &t), 0);
	assert_int_equal(t.files, 2);
	assert_int_equal(t.audit_entries, 3);
	assert_int_equal(nsw_case_audit_verify(f->c, &chk), 0);
	assert_true(chk.ok);
}

static void scan_run_resumes_unfinished_run_with_same_args(void **state)
{
	struct fixture *f = *state;
	nsw_scan_start s = {.evidence_id = f->ev,
			    .args = "[\"--list\",\"a.nswl\"]",
			    .threads = 2};
	nsw_scan_start other = s;
	int64_t r1 = 0, r2 = 0, r3 = 0, r4 = 0;
	int resumed = -1;
	struct actions acts = {0};

	assert_int_equal(nsw_case_scan_begin(f->c, &s, &r1, &resumed), 0);
	assert_int_equal(resumed, 0);
	assert_int_equal(nsw_case_scan_set_totals(f->c, r1, 10, 1000), 0);
	/* Killed: the run stays "running"; the same args resume it. */
	nsw_case_close(f->c);
	assert_int_equal(nsw_case_open(&f->c, f->path, 0), 0);
	assert_int_equal(nsw_case_scan_begin(f->c, &s, &r2, &resumed), 0);
	assert_int_equal(resumed, 1);
	assert_int_equal(r2, r1);
	/* Different args: a new run. */
	other.args = "[\"--list\",\"b.nswl\"]";
	assert_int_equal(nsw_case_scan_begin(f->c, &other, &r3, &resumed), 0);
	assert_int_equal(resumed, 0);
	assert_int_not_equal(r3, r1);
	/* Finished runs are not resumed. */
	assert_int_equal(nsw_case_scan_finish(f->c, r1, NSW_SCAN_DONE), 0);
	assert_int_equal(nsw_case_scan_begin(f->c, &s, &r4, &resumed), 0);
	assert_int_equal(resumed, 0);
	assert_int_not_equal(r4, r1);
	assert_int_equal(nsw_case_scan_finish(f->c, r1, NSW_SCAN_RUNNING),
			 NSW_EINVAL);
	assert_int_equal(nsw_case_audit_foreach(f->c, collect_action, &acts),
			 0);
	assert_string_equal(acts.list[2], "scan.start");
	assert_string_equal(acts.list[3], "scan.resume");
	assert_string_equal(acts.list[4], "scan.start");
	assert_string_equal(acts.list[5], "scan.finish");
	assert_string_equal(acts.list[6], "scan.start");
}

static void survives_allocation_failures(void **state)
{
	struct fixture *f = *state;
	nsw_case_file cf;
	int64_t id, found;
	int rc, failures = 0;

	/* Fail each allocation in turn: never a crash, always a code, and a
	 * failed add leaves nothing behind. */
	for (unsigned long n = 1; n < 40; n++) {
		char name[32];

		snprintf(name, sizeof(name), "oom-%lu", n);
		fill_file(&cf, f->ev, name, 1);
		nsw__alloc_fail_after(n, 0);
		rc = nsw_case_file_add(f->c, &cf, &id, NULL);
		nsw__alloc_fail_after(0, 0);
		assert_true(rc == NSW_OK || rc == NSW_ENOMEM);
		if (rc == NSW_ENOMEM) {
			failures++;
			assert_int_equal(
				nsw_case_file_find(f->c, f->ev, cf.path,
						   cf.path_len, &found),
				NSW_ENOTFOUND);
		}
	}
	assert_true(failures > 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(create_writes_metadata_and_reopens),
		T(create_refuses_existing_file),
		T(create_rejects_empty_name),
		T(open_rejects_foreign_sqlite_and_missing),
		T(open_refuses_newer_schema),
		T(migrates_from_version_1_and_audits_it),
		T(migrates_from_version_6_and_records_partial_pdq),
		T(migrates_from_version_7_and_records_image_entries),
		T(migrates_from_version_8_and_links_archive_members),
		T(audit_chain_verifies),
		T(audit_log_refuses_update_and_delete),
		T(audit_detects_edited_entry),
		T(audit_detects_forged_hash),
		T(audit_detects_rehashed_edit_at_next_entry),
		T(audit_detects_deleted_entry),
		T(audit_detects_changed_case_metadata),
		T(records_file_once_and_reads_it_back),
		T(rejects_bad_file_records),
		T(hits_are_recorded_with_provenance_and_summarised),
		T(rollback_discards_a_batch_and_its_audit_entries),
		T(scan_run_resumes_unfinished_run_with_same_args),
		T(survives_allocation_failures),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
