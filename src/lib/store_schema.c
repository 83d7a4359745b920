/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The case schema and its migrations (docs/case-schema.md). Step N takes a
 * file at user_version N-1 to N. Steps are append-only: never edit a
 * released step, add a new one.
 */
#include <stdio.h>

#include "error.h"
#include "store.h"

/* v1: the case, evidence, files, lists, hits, scan runs, the audit log. */
static const char schema_v1[] =
	"CREATE TABLE case_meta("
	" id INTEGER PRIMARY KEY CHECK (id = 1),"
	" uuid TEXT NOT NULL,"
	" name TEXT NOT NULL,"
	" examiner TEXT NOT NULL,"
	" created_utc TEXT NOT NULL,"
	" created_by_version TEXT NOT NULL);"

	"CREATE TABLE evidence("
	" id INTEGER PRIMARY KEY,"
	" label TEXT NOT NULL UNIQUE,"
	" kind TEXT NOT NULL,"
	" source_path BLOB NOT NULL,"
	" added_by TEXT NOT NULL,"
	" added_utc TEXT NOT NULL,"
	" manifest_algo TEXT,"
	" manifest_root BLOB,"
	" manifest_utc TEXT);"

	"CREATE TABLE scan_runs("
	" id INTEGER PRIMARY KEY,"
	" evidence_id INTEGER NOT NULL REFERENCES evidence(id),"
	" args TEXT NOT NULL,"
	" threads INTEGER,"
	" state TEXT NOT NULL,"
	" started_utc TEXT NOT NULL,"
	" resumed_count INTEGER NOT NULL DEFAULT 0,"
	" last_resumed_utc TEXT,"
	" finished_utc TEXT,"
	" files_total INTEGER,"
	" bytes_total INTEGER,"
	" netsweep_version TEXT NOT NULL);"
	"CREATE INDEX scan_runs_evidence ON scan_runs(evidence_id, args);"

	"CREATE TABLE files("
	" id INTEGER PRIMARY KEY,"
	" evidence_id INTEGER NOT NULL REFERENCES evidence(id),"
	" scan_run_id INTEGER REFERENCES scan_runs(id),"
	" path BLOB NOT NULL,"
	" display_path TEXT NOT NULL,"
	" name_not_utf8 INTEGER NOT NULL DEFAULT 0,"
	" size INTEGER,"
	" mtime_ns INTEGER,"
	" ctime_ns INTEGER,"
	" atime_ns INTEGER,"
	" md5 BLOB,"
	" sha1 BLOB,"
	" sha256 BLOB,"
	" pdq BLOB,"
	" pdq_quality INTEGER,"
	" media_type TEXT,"
	" status TEXT NOT NULL,"
	" error TEXT,"
	" link_target BLOB,"
	" recorded_utc TEXT NOT NULL,"
	" UNIQUE(evidence_id, path));"
	"CREATE INDEX files_md5 ON files(md5) WHERE md5 IS NOT NULL;"
	"CREATE INDEX files_sha1 ON files(sha1) WHERE sha1 IS NOT NULL;"
	"CREATE INDEX files_sha256 ON files(sha256) WHERE sha256 IS NOT NULL;"
	"CREATE INDEX files_status ON files(status) WHERE status <> 'ok';"

	"CREATE TABLE lists("
	" id INTEGER PRIMARY KEY,"
	" name TEXT NOT NULL,"
	" version TEXT NOT NULL,"
	" checksum TEXT NOT NULL,"
	" source_path TEXT,"
	" entries INTEGER,"
	" role TEXT NOT NULL CHECK (role IN ('match', 'allow')),"
	" added_utc TEXT NOT NULL,"
	" UNIQUE(checksum, role));"

	"CREATE TABLE scan_run_lists("
	" scan_run_id INTEGER NOT NULL REFERENCES scan_runs(id),"
	" list_id INTEGER NOT NULL REFERENCES lists(id),"
	" PRIMARY KEY(scan_run_id, list_id)) WITHOUT ROWID;"

	"CREATE TABLE hits("
	" id INTEGER PRIMARY KEY,"
	" file_id INTEGER NOT NULL REFERENCES files(id),"
	" list_id INTEGER NOT NULL REFERENCES lists(id),"
	" entry_id INTEGER NOT NULL,"
	" entry_ref TEXT,"
	" algorithm TEXT NOT NULL"
	"  CHECK (algorithm IN ('md5', 'sha1', 'sha256', 'pdq')),"
	" distance INTEGER NOT NULL DEFAULT 0,"
	" dihedral INTEGER CHECK (dihedral BETWEEN 0 AND 7),"
	" category_scheme TEXT,"
	" category_code TEXT,"
	" suppressed INTEGER NOT NULL DEFAULT 0,"
	" suppressed_by_list INTEGER REFERENCES lists(id),"
	" recorded_utc TEXT NOT NULL,"
	" UNIQUE(file_id, list_id, entry_id, algorithm));"
	"CREATE INDEX hits_list ON hits(list_id);"

	/* The audit log. Triggers refuse UPDATE and DELETE through SQLite;
	 * a determined editor can still rewrite the file, which is what the
	 * hash chain is for (nsw_case_audit_verify). */
	"CREATE TABLE audit_log("
	" seq INTEGER PRIMARY KEY,"
	" time_utc TEXT NOT NULL,"
	" actor TEXT NOT NULL,"
	" action TEXT NOT NULL,"
	" detail TEXT NOT NULL,"
	" prev_hash BLOB NOT NULL,"
	" hash BLOB NOT NULL);"
	"CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log"
	" BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
	"CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log"
	" BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;";

/*
 * v2: what the chat-ingest, network, attribution and server issues fill.
 * Created empty; those issues refine them with further steps. Media join
 * files through their digests (indexes on md5/sha1/sha256 on both sides).
 */
static const char schema_v2[] =
	"CREATE TABLE platforms("
	" id INTEGER PRIMARY KEY,"
	" name TEXT NOT NULL UNIQUE);"

	"CREATE TABLE accounts("
	" id INTEGER PRIMARY KEY,"
	" platform_id INTEGER NOT NULL REFERENCES platforms(id),"
	" native_id TEXT NOT NULL,"
	" evidence_id INTEGER REFERENCES evidence(id),"
	" first_seen_utc TEXT,"
	" last_seen_utc TEXT,"
	" UNIQUE(platform_id, native_id));"

	"CREATE TABLE account_names("
	" id INTEGER PRIMARY KEY,"
	" account_id INTEGER NOT NULL REFERENCES accounts(id),"
	" kind TEXT NOT NULL,"
	" value TEXT NOT NULL,"
	" first_seen_utc TEXT,"
	" last_seen_utc TEXT,"
	" evidence_id INTEGER REFERENCES evidence(id),"
	" source_ref TEXT);"
	"CREATE INDEX account_names_account ON account_names(account_id);"
	"CREATE INDEX account_names_value ON account_names(value);"

	"CREATE TABLE chats("
	" id INTEGER PRIMARY KEY,"
	" platform_id INTEGER NOT NULL REFERENCES platforms(id),"
	" native_id TEXT NOT NULL,"
	" kind TEXT,"
	" title TEXT,"
	" evidence_id INTEGER REFERENCES evidence(id),"
	" UNIQUE(platform_id, native_id));"

	"CREATE TABLE media("
	" id INTEGER PRIMARY KEY,"
	" evidence_id INTEGER REFERENCES evidence(id),"
	" file_id INTEGER REFERENCES files(id),"
	" md5 BLOB,"
	" sha1 BLOB,"
	" sha256 BLOB,"
	" pdq BLOB,"
	" pdq_quality INTEGER,"
	" media_type TEXT,"
	" size INTEGER,"
	" original_name TEXT,"
	" platform_ref TEXT);"
	"CREATE INDEX media_md5 ON media(md5) WHERE md5 IS NOT NULL;"
	"CREATE INDEX media_sha1 ON media(sha1) WHERE sha1 IS NOT NULL;"
	"CREATE INDEX media_sha256 ON media(sha256) WHERE sha256 IS NOT NULL;"

	"CREATE TABLE messages("
	" id INTEGER PRIMARY KEY,"
	" chat_id INTEGER NOT NULL REFERENCES chats(id),"
	" native_id TEXT,"
	" time_utc TEXT NOT NULL,"
	" sender_account_id INTEGER REFERENCES accounts(id),"
	" forwarded_from_account_id INTEGER REFERENCES accounts(id),"
	" forwarded_from_chat_id INTEGER REFERENCES chats(id),"
	" forwarded_from_name TEXT,"
	" reply_to_message_id INTEGER REFERENCES messages(id),"
	" media_id INTEGER REFERENCES media(id),"
	" text TEXT,"
	" evidence_id INTEGER REFERENCES evidence(id),"
	" source_ref TEXT,"
	" UNIQUE(chat_id, native_id));"
	"CREATE INDEX messages_time ON messages(chat_id, time_utc);"
	"CREATE INDEX messages_sender ON messages(sender_account_id);"
	"CREATE INDEX messages_media ON messages(media_id)"
	" WHERE media_id IS NOT NULL;"

	"CREATE TABLE membership_events("
	" id INTEGER PRIMARY KEY,"
	" chat_id INTEGER NOT NULL REFERENCES chats(id),"
	" account_id INTEGER NOT NULL REFERENCES accounts(id),"
	" event TEXT NOT NULL,"
	" actor_account_id INTEGER REFERENCES accounts(id),"
	" time_utc TEXT,"
	" evidence_id INTEGER REFERENCES evidence(id),"
	" source_ref TEXT);"
	"CREATE INDEX membership_chat ON membership_events(chat_id, time_utc);"

	"CREATE TABLE attributions("
	" id INTEGER PRIMARY KEY,"
	" account_id INTEGER NOT NULL REFERENCES accounts(id),"
	" country TEXT NOT NULL,"
	" basis TEXT NOT NULL,"
	" confidence REAL NOT NULL CHECK (confidence BETWEEN 0 AND 1),"
	" source TEXT NOT NULL,"
	" created_utc TEXT NOT NULL);"
	"CREATE INDEX attributions_account ON attributions(account_id);"

	"CREATE TABLE users("
	" id INTEGER PRIMARY KEY,"
	" username TEXT NOT NULL UNIQUE,"
	" display_name TEXT,"
	" role TEXT NOT NULL,"
	" password_hash TEXT NOT NULL,"
	" created_utc TEXT NOT NULL,"
	" disabled INTEGER NOT NULL DEFAULT 0);"

	"CREATE TABLE sessions("
	" id INTEGER PRIMARY KEY,"
	" user_id INTEGER NOT NULL REFERENCES users(id),"
	" token_hash BLOB NOT NULL UNIQUE,"
	" created_utc TEXT NOT NULL,"
	" expires_utc TEXT NOT NULL,"
	" last_seen_utc TEXT,"
	" remote_addr TEXT);";

/* v3: the 8 dihedral PDQ variants of image files (8 x 32 bytes), so a
 * later scan with new lists can match recorded files without re-reading
 * the evidence, rotated and mirrored copies included. */
static const char schema_v3[] =
	"ALTER TABLE files ADD COLUMN pdq_dihedral BLOB;";

/*
 * v4: chat ingest (was v3 on branch chatstore, before main took v3)
 * (docs/ingest.md). Additive columns; UNIQUE indexes so re-ingesting an export
 * adds nothing twice; the problems table. membership_events is rebuilt (rows
 * copied) because v2 required an account id and Telegram names members by
 * display name only.
 */
static const char schema_v4[] =
	"ALTER TABLE chats ADD COLUMN platform_type TEXT;"
	"ALTER TABLE chats ADD COLUMN parent_native_id TEXT;"
	"ALTER TABLE chats ADD COLUMN parent_title TEXT;"
	"ALTER TABLE chats ADD COLUMN flags INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE chats ADD COLUMN source_ref TEXT;"

	"ALTER TABLE accounts ADD COLUMN flags INTEGER NOT NULL DEFAULT 0;"
	"CREATE UNIQUE INDEX account_names_once"
	" ON account_names(account_id, kind, value);"

	"ALTER TABLE messages ADD COLUMN time_unix INTEGER;"
	"ALTER TABLE messages ADD COLUMN flags INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE messages ADD COLUMN sender_name TEXT;"
	"ALTER TABLE messages ADD COLUMN saved_from TEXT;"
	"ALTER TABLE messages ADD COLUMN reply_to_native_id TEXT;"
	"ALTER TABLE messages ADD COLUMN via_bot TEXT;"
	"ALTER TABLE messages ADD COLUMN service_action TEXT;"

	"ALTER TABLE media ADD COLUMN message_id INTEGER"
	" REFERENCES messages(id);"
	"ALTER TABLE media ADD COLUMN position INTEGER;"
	"ALTER TABLE media ADD COLUMN kind TEXT;"
	"ALTER TABLE media ADD COLUMN state TEXT;"
	"ALTER TABLE media ADD COLUMN placeholder TEXT;"
	"ALTER TABLE media ADD COLUMN thumbnail INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE media ADD COLUMN mime_type TEXT;"
	"ALTER TABLE media ADD COLUMN error TEXT;"
	"CREATE UNIQUE INDEX media_once ON media(message_id, position);"
	"CREATE INDEX media_file ON media(file_id) WHERE file_id IS NOT NULL;"

	"CREATE TABLE membership_events_v3("
	" id INTEGER PRIMARY KEY,"
	" chat_id INTEGER NOT NULL REFERENCES chats(id),"
	" account_id INTEGER REFERENCES accounts(id),"
	" account_name TEXT,"
	" event TEXT NOT NULL,"
	" actor_account_id INTEGER REFERENCES accounts(id),"
	" actor_name TEXT,"
	" time_utc TEXT,"
	" time_unix INTEGER,"
	" flags INTEGER NOT NULL DEFAULT 0,"
	" message_native_id TEXT,"
	" target_index INTEGER NOT NULL DEFAULT 0,"
	" title TEXT,"
	" inviter TEXT,"
	" evidence_id INTEGER REFERENCES evidence(id),"
	" source_ref TEXT);"
	"INSERT INTO membership_events_v3(id, chat_id, account_id, event,"
	" actor_account_id, time_utc, evidence_id, source_ref)"
	" SELECT id, chat_id, account_id, event, actor_account_id, time_utc,"
	" evidence_id, source_ref FROM membership_events;"
	"DROP TABLE membership_events;"
	"ALTER TABLE membership_events_v3 RENAME TO membership_events;"
	"CREATE INDEX membership_chat ON membership_events(chat_id, time_utc);"
	"CREATE INDEX membership_account ON membership_events(account_id)"
	" WHERE account_id IS NOT NULL;"
	"CREATE UNIQUE INDEX membership_once ON membership_events(chat_id,"
	" event, ifnull(message_native_id, ''), ifnull(time_unix, 0),"
	" target_index, ifnull(account_name, ''));"

	"CREATE TABLE ingest_problems("
	" id INTEGER PRIMARY KEY,"
	" evidence_id INTEGER NOT NULL REFERENCES evidence(id),"
	" file TEXT NOT NULL,"
	" line INTEGER NOT NULL,"
	" code INTEGER NOT NULL,"
	" fatal INTEGER NOT NULL DEFAULT 0,"
	" message TEXT NOT NULL,"
	" recorded_utc TEXT NOT NULL,"
	" UNIQUE(evidence_id, file, line, message));";

/*
 * v5: the network analysis (docs/analyze.md): one row per netsweep analyze
 * run and its results. Ids in these tables (media, messages, accounts,
 * chats) carry no REFERENCES: a run is written in one transaction from
 * rows it just read, and a constraint check per spread row would double
 * the cost of storing a million of them.
 */
static const char schema_analysis[] =
	"CREATE TABLE analysis_runs("
	" id INTEGER PRIMARY KEY,"
	" created_utc TEXT NOT NULL,"
	" netsweep_version TEXT NOT NULL,"
	" params TEXT NOT NULL,"
	" pdq_threshold INTEGER NOT NULL,"
	" pdq_min_quality INTEGER NOT NULL,"
	" no_pdq INTEGER NOT NULL,"
	" betweenness_samples INTEGER NOT NULL,"
	" seed INTEGER NOT NULL,"
	" copost_full_max INTEGER NOT NULL,"
	" copost_window INTEGER NOT NULL,"
	" media_refs INTEGER, media_unhashed INTEGER, media_rows INTEGER,"
	" hit_rows INTEGER, items INTEGER, known_items INTEGER,"
	" items_joined_by_pdq INTEGER, accounts INTEGER, chats INTEGER,"
	" appearances INTEGER, suspects INTEGER, communities INTEGER,"
	" modularity REAL, flow_edges INTEGER, undirected_edges INTEGER,"
	" betweenness_sources INTEGER,"
	" seconds_load REAL, seconds_unify REAL, seconds_analyze REAL);"

	"CREATE TABLE analysis_items("
	" run_id INTEGER NOT NULL REFERENCES analysis_runs(id),"
	" item INTEGER NOT NULL,"
	" key TEXT NOT NULL,"
	" representative_media_id INTEGER NOT NULL,"
	" known INTEGER NOT NULL,"
	" list_name TEXT, category_scheme TEXT, category_code TEXT,"
	" media_copies INTEGER NOT NULL,"
	" appearances INTEGER NOT NULL,"
	" first_message_id INTEGER, first_account_id INTEGER,"
	" first_chat_id INTEGER,"
	" resharers INTEGER NOT NULL, chats INTEGER NOT NULL,"
	" PRIMARY KEY(run_id, item)) WITHOUT ROWID;"

	"CREATE TABLE analysis_item_media("
	" run_id INTEGER NOT NULL REFERENCES analysis_runs(id),"
	" media_id INTEGER NOT NULL,"
	" item INTEGER NOT NULL,"
	" PRIMARY KEY(run_id, media_id)) WITHOUT ROWID;"
	"CREATE INDEX analysis_item_media_item"
	" ON analysis_item_media(run_id, item);"

	"CREATE TABLE analysis_item_links("
	" run_id INTEGER NOT NULL REFERENCES analysis_runs(id),"
	" item INTEGER NOT NULL,"
	" media_a INTEGER NOT NULL, media_b INTEGER NOT NULL,"
	" via TEXT NOT NULL CHECK (via IN ('sha256','md5','sha1','pdq')),"
	" distance INTEGER NOT NULL);"
	"CREATE INDEX analysis_item_links_item"
	" ON analysis_item_links(run_id, item);"

	"CREATE TABLE analysis_spread("
	" run_id INTEGER NOT NULL REFERENCES analysis_runs(id),"
	" item INTEGER NOT NULL,"
	" seq INTEGER NOT NULL,"
	" message_id INTEGER NOT NULL,"
	" media_id INTEGER NOT NULL,"
	" account INTEGER NOT NULL,"
	" kind INTEGER NOT NULL,"
	" PRIMARY KEY(run_id, item, seq)) WITHOUT ROWID;"

	"CREATE TABLE analysis_accounts("
	" run_id INTEGER NOT NULL REFERENCES analysis_runs(id),"
	" account INTEGER NOT NULL,"
	" account_id INTEGER, anon_chat_id INTEGER,"
	" posts INTEGER NOT NULL, known_posts INTEGER NOT NULL,"
	" known_items INTEGER NOT NULL, seeded_items INTEGER NOT NULL,"
	" known_seeded INTEGER NOT NULL,"
	" new_seeded_reshared INTEGER NOT NULL,"
	" chats_active INTEGER NOT NULL,"
	" out_degree INTEGER NOT NULL, in_degree INTEGER NOT NULL,"
	" out_weight REAL NOT NULL, in_weight REAL NOT NULL,"
	" pagerank REAL NOT NULL, betweenness REAL NOT NULL,"
	" community INTEGER NOT NULL,"
	" PRIMARY KEY(run_id, account)) WITHOUT ROWID;"
	"CREATE INDEX analysis_accounts_id ON analysis_accounts(run_id,"
	" account_id);"

	"CREATE TABLE analysis_account_categories("
	" run_id INTEGER NOT NULL REFERENCES analysis_runs(id),"
	" account INTEGER NOT NULL,"
	" category_scheme TEXT NOT NULL, category_code TEXT NOT NULL,"
	" posts INTEGER NOT NULL, items INTEGER NOT NULL,"
	" PRIMARY KEY(run_id, account, category_scheme, category_code))"
	" WITHOUT ROWID;"

	"CREATE TABLE analysis_chats("
	" run_id INTEGER NOT NULL REFERENCES analysis_runs(id),"
	" chat_id INTEGER NOT NULL,"
	" posts INTEGER NOT NULL, known_posts INTEGER NOT NULL,"
	" known_items INTEGER NOT NULL, known_share REAL NOT NULL,"
	" active_accounts INTEGER NOT NULL, bridged_chats INTEGER NOT NULL,"
	" messages INTEGER, senders INTEGER,"
	" PRIMARY KEY(run_id, chat_id)) WITHOUT ROWID;"

	"CREATE TABLE analysis_chat_bridges("
	" run_id INTEGER NOT NULL REFERENCES analysis_runs(id),"
	" chat_id INTEGER NOT NULL,"
	" rank INTEGER NOT NULL,"
	" other_chat_id INTEGER NOT NULL,"
	" shared_accounts INTEGER NOT NULL,"
	" PRIMARY KEY(run_id, chat_id, rank)) WITHOUT ROWID;"

	"CREATE TABLE analysis_suspects("
	" run_id INTEGER NOT NULL REFERENCES analysis_runs(id),"
	" rank INTEGER NOT NULL,"
	" account INTEGER NOT NULL,"
	" score REAL NOT NULL,"
	" evidence_total INTEGER NOT NULL,"
	" PRIMARY KEY(run_id, rank)) WITHOUT ROWID;"

	"CREATE TABLE analysis_suspect_terms("
	" run_id INTEGER NOT NULL REFERENCES analysis_runs(id),"
	" rank INTEGER NOT NULL,"
	" term_no INTEGER NOT NULL,"
	" term TEXT NOT NULL,"
	" raw REAL NOT NULL, value REAL NOT NULL, weight REAL NOT NULL,"
	" contribution REAL NOT NULL,"
	" PRIMARY KEY(run_id, rank, term_no)) WITHOUT ROWID;"

	"CREATE TABLE analysis_suspect_evidence("
	" run_id INTEGER NOT NULL REFERENCES analysis_runs(id),"
	" rank INTEGER NOT NULL,"
	" seq INTEGER NOT NULL,"
	" why TEXT NOT NULL,"
	" message_id INTEGER NOT NULL,"
	" media_id INTEGER NOT NULL,"
	" item INTEGER NOT NULL,"
	" PRIMARY KEY(run_id, rank, seq)) WITHOUT ROWID;"

	"CREATE TABLE analysis_suspect_lists("
	" run_id INTEGER NOT NULL REFERENCES analysis_runs(id),"
	" rank INTEGER NOT NULL,"
	" list_name TEXT NOT NULL,"
	" PRIMARY KEY(run_id, rank, list_name)) WITHOUT ROWID;"

	"CREATE INDEX IF NOT EXISTS media_file ON media(file_id)"
	" WHERE file_id IS NOT NULL;";

/*
 * v6: merging partners' cases (docs/merge.md). Additive: which cases were
 * merged in, and for each of their rows the row it became or joined here
 * (provenance and idempotence of re-merges), plus the conflicts found.
 */
static const char schema_merge[] =
	"CREATE TABLE merged_sources("
	" id INTEGER PRIMARY KEY,"
	" uuid TEXT NOT NULL UNIQUE,"
	" name TEXT NOT NULL,"
	" examiner TEXT NOT NULL,"
	" created_utc TEXT NOT NULL,"
	" path TEXT,"
	" first_merged_utc TEXT NOT NULL,"
	" last_merged_utc TEXT NOT NULL,"
	" merges INTEGER NOT NULL DEFAULT 1);"

	"CREATE TABLE merge_map("
	" source_id INTEGER NOT NULL REFERENCES merged_sources(id),"
	" tbl TEXT NOT NULL,"
	" src_row INTEGER NOT NULL,"
	" dst_row INTEGER NOT NULL,"
	" created INTEGER NOT NULL,"
	" via TEXT NOT NULL,"
	" src_key TEXT,"
	" merged_utc TEXT NOT NULL,"
	" PRIMARY KEY(source_id, tbl, src_row)) WITHOUT ROWID;"
	"CREATE INDEX merge_map_dst ON merge_map(tbl, dst_row);"

	"CREATE TABLE merge_items("
	" source_id INTEGER NOT NULL REFERENCES merged_sources(id),"
	" src_key TEXT NOT NULL,"
	" via TEXT NOT NULL CHECK (via IN ('new', 'sha256', 'md5', 'sha1',"
	"  'pdq')),"
	" dst_key TEXT,"
	" distance INTEGER NOT NULL DEFAULT 0,"
	" merged_utc TEXT NOT NULL,"
	" PRIMARY KEY(source_id, src_key)) WITHOUT ROWID;"

	"CREATE TABLE merge_conflicts("
	" id INTEGER PRIMARY KEY,"
	" source_id INTEGER NOT NULL REFERENCES merged_sources(id),"
	" kind TEXT NOT NULL,"
	" subject TEXT NOT NULL,"
	" ours TEXT NOT NULL,"
	" theirs TEXT NOT NULL,"
	" recorded_utc TEXT NOT NULL,"
	" UNIQUE(source_id, kind, subject, ours, theirs));";

/*
 * v7: PDQ from partial images (docs/image-decoding.md). Additive: for a
 * file whose PDQ was computed from a JPEG cut short (--partial-images), the
 * rows decoded from data and the image's height; NULL for every other file
 * (whole image, or no PDQ), so existing rows need no rewrite.
 */
static const char schema_partial[] =
	"ALTER TABLE files ADD COLUMN pdq_rows_present INTEGER;"
	"ALTER TABLE files ADD COLUMN pdq_rows INTEGER;";

/*
 * v8: disk images (docs/scan.md). Additive: a file found in a disk image's
 * file system keeps its metadata address (inode), whether it was deleted,
 * and its creation time; an image evidence item keeps the SHA-256 of the
 * image's media bytes (to check against the acquisition hash). NULL for
 * everything else, so existing rows need no rewrite.
 */
static const char schema_image[] =
	"ALTER TABLE files ADD COLUMN meta_addr INTEGER;"
	"ALTER TABLE files ADD COLUMN deleted INTEGER;"
	"ALTER TABLE files ADD COLUMN crtime_ns INTEGER;"
	"ALTER TABLE evidence ADD COLUMN image_sha256 BLOB;"
	"ALTER TABLE evidence ADD COLUMN image_size INTEGER;";

/*
 * v9: archive members (docs/scan.md). Additive: a member of an archive
 * found on a device points to the file record of the archive it was read
 * from (which is itself a member when nested); NULL for every file on the
 * device, so existing rows need no rewrite.
 */
static const char schema_members[] =
	"ALTER TABLE files ADD COLUMN container_file_id INTEGER "
	"REFERENCES files(id);"
	"CREATE INDEX files_container ON files(container_file_id) "
	"WHERE container_file_id IS NOT NULL;";

static const char *const steps[NSW_CASE_SCHEMA_VERSION] = {
	schema_v1,	schema_v2,	 schema_v3,
	schema_v4,	schema_analysis, schema_merge,
	schema_partial, schema_image,	 schema_members,
};

static int apply_step(nsw_case *c, int version, int audited)
{
	char detail[96];
	int rc;

	rc = nsw_sqldb_exec(c->db, steps[version - 1]);
	if (rc != NSW_OK)
		return nsw_error_prefix(rc, "schema step %d", version);
	rc = nsw_sqldb_set_user_version(c->db, version);
	/* Step 1 creates the audit table. A new case is built without
	 * audit entries (its first entry is case.init); an existing case
	 * records each step it is migrated through. */
	if (rc == NSW_OK && audited && version > 1) {
		snprintf(detail, sizeof(detail), "{\"from\":%d,\"to\":%d}",
			 version - 1, version);
		rc = nsw_store__audit_append(c, "schema.migrate", detail);
	}
	return rc;
}

int nsw_store__migrate(nsw_case *c, int target, int *from, int audited)
{
	int version = 0, rc;

	*from = 0;
	if (target < 1 || target > NSW_CASE_SCHEMA_VERSION)
		return nsw_error_set(NSW_EINVAL, "schema version %d unknown",
				     target);
	rc = nsw_sqldb_user_version(c->db, &version);
	if (rc != NSW_OK)
		return rc;
	*from = version;
	if (version > NSW_CASE_SCHEMA_VERSION)
		return nsw_error_set(NSW_EUNSUPPORTED,
				     "%s: case schema %d is newer than this "
				     "netsweep (%d)",
				     nsw_sqldb_path(c->db), version,
				     NSW_CASE_SCHEMA_VERSION);
	while (version < target) {
		rc = nsw_sqldb_begin_immediate(c->db);
		if (rc != NSW_OK)
			return rc;
		rc = apply_step(c, version + 1, audited);
		if (rc == NSW_OK)
			rc = nsw_sqldb_commit(c->db);
		if (rc != NSW_OK) {
			nsw_sqldb_rollback(c->db);
			return rc;
		}
		version++;
	}
	return NSW_OK;
}
