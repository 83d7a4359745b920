/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The case: one SQLite file per investigation (CASE.nsdb) holding the
 * evidence items, every file scanned with its digests, the lists used, the
 * hits, the scan runs and a hash-chained audit log. Schema:
 * docs/case-schema.md.
 *
 * Threads: an nsw_case is one SQLite connection. Use it from one thread at a
 * time; give each thread (scan writer, server worker) its own nsw_case on
 * the same file. WAL mode lets readers run beside the one writer.
 */
#ifndef NETSWEEP_CASE_H
#define NETSWEEP_CASE_H

#include "netsweep/common.h"
#include "netsweep/pdq.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct nsw_case nsw_case;

/** The schema version this library writes (PRAGMA user_version). */
#define NSW_CASE_SCHEMA_VERSION 9

/** Open flags. */
#define NSW_CASE_READONLY 1u /**< no writes, no migration */

/** Case metadata. Strings borrowed until nsw_case_close(). */
typedef struct nsw_case_meta {
	const char *uuid;	 /**< 32 lower-case hex digits */
	const char *name;	 /**< case name or number */
	const char *examiner;	 /**< who created it */
	const char *created_utc; /**< ISO 8601, "2026-11-29T03:04:05.678Z" */
	const char *created_by_version; /**< netsweep version */
	int schema_version;		/**< user_version of the file */
} nsw_case_meta;

/**
 * Create a new case file at `path` (which must not exist) and record
 * "case.init" as audit entry 1.
 * @param out      owned; close with nsw_case_close()
 * @param name     case name, borrowed, non-empty
 * @param examiner examiner's name, borrowed, non-empty; also the actor of
 *                 later audit entries until nsw_case_set_actor()
 * @return 0, NSW_EINVAL (exists, empty name), NSW_EIO, NSW_ENOMEM
 */
NSW_EXTERN int nsw_case_create(nsw_case **out, const char *path,
			       const char *name, const char *examiner);

/**
 * Open an existing case. Read-write opens migrate an older schema (one
 * audit entry per step). The actor defaults to the case's examiner.
 * @param flags 0 or NSW_CASE_READONLY
 * @return 0, NSW_ENOTFOUND, NSW_EFORMAT (not a netsweep case),
 *         NSW_EUNSUPPORTED (newer schema; or older and read-only), NSW_EIO
 */
NSW_EXTERN int nsw_case_open(nsw_case **out, const char *path, unsigned flags);

/** Close (rolls back an open transaction). NULL is a no-op. */
NSW_EXTERN void nsw_case_close(nsw_case *c);

/** Metadata; borrowed until close. */
NSW_EXTERN const nsw_case_meta *nsw_case_get_meta(const nsw_case *c);

/** Who is acting (recorded in audit entries). Copied. EINVAL, ENOMEM. */
NSW_EXTERN int nsw_case_set_actor(nsw_case *c, const char *actor);

/**
 * Transactions. Writes outside one commit one by one; group many (a scan
 * batch) between begin and commit. Audit entries appended inside commit
 * or roll back with the rest. begin: EINVAL if one is open, EIO (busy).
 */
NSW_EXTERN int nsw_case_begin(nsw_case *c);
NSW_EXTERN int nsw_case_commit(nsw_case *c);
NSW_EXTERN void nsw_case_rollback(nsw_case *c);

/* ---- Audit log ------------------------------------------------------- */

/**
 * Append an audit entry (hash-chained to the previous one).
 * @param action dotted verb, e.g. "scan.start", "export.vics"; borrowed
 * @param detail JSON object text or NULL ("{}"); borrowed
 * @return 0, NSW_EINVAL, NSW_EIO, NSW_ENOMEM
 */
NSW_EXTERN int nsw_case_audit_append(nsw_case *c, const char *action,
				     const char *detail);

/** One audit entry; strings borrowed for the callback only. */
typedef struct nsw_audit_entry {
	int64_t seq; /**< 1, 2, 3... */
	const char *time_utc;
	const char *actor;
	const char *action;
	const char *detail;
	uint8_t prev_hash[32];
	uint8_t hash[32];
} nsw_audit_entry;

/** Result of nsw_case_audit_verify(). */
typedef struct nsw_audit_check {
	int ok;		   /**< 1 when the whole chain verifies */
	int64_t entries;   /**< entries read */
	int64_t first_bad; /**< seq of the first broken entry, or 0 */
	char reason[160];  /**< why it is broken ("" when ok) */
	uint8_t head[32];  /**< hash of the last entry (write it down:
				truncation of the tail shows only against
				a recorded head) */
	int64_t head_seq;  /**< seq of the last entry */
} nsw_audit_check;

/**
 * Recompute the chain: each entry's hash over its content and the previous
 * hash, seq contiguous from 1, entry 1 matching the case metadata.
 * Returns 0 when the check ran (look at out->ok); NSW_EIO etc. when it
 * could not read the log.
 */
NSW_EXTERN int nsw_case_audit_verify(nsw_case *c, nsw_audit_check *out);

/** Call `fn` for each entry in order; a non-zero return stops and is
 * returned. NSW_E* on read failure. */
NSW_EXTERN int nsw_case_audit_foreach(
	nsw_case *c, int (*fn)(void *ctx, const nsw_audit_entry *e), void *ctx);

/* ---- Evidence -------------------------------------------------------- */

/** An evidence item. Borrowed for the call (or the callback). */
typedef struct nsw_evidence {
	int64_t id;		 /**< set by the store */
	const char *label;	 /**< unique in the case, e.g. "laptop-1" */
	const char *kind;	 /**< "directory", "file", "image", "export" */
	const char *source_path; /**< as given (bytes, NUL-terminated) */
	const char *added_by;	 /**< NULL: the actor */
	const char *added_utc;	 /**< set by the store */
	const char *manifest_algo; /**< NULL until a manifest is stored */
	const uint8_t *manifest_root;
	size_t manifest_root_len;
	/** kind "image": SHA-256 of the image's media bytes once a scan has
	 * read them (NULL before), and the media size (-1 unknown). */
	const uint8_t *image_sha256;
	int64_t image_size;
} nsw_evidence;

/** Add an evidence item; *id_out its id. EINVAL (label taken or empty). */
NSW_EXTERN int nsw_case_evidence_add(nsw_case *c, const nsw_evidence *ev,
				     int64_t *id_out);

/** Find by label: 0 and *id_out, or NSW_ENOTFOUND. */
NSW_EXTERN int nsw_case_evidence_find(nsw_case *c, const char *label,
				      int64_t *id_out);

/** Store the manifest root digest of an item (audited). EINVAL, ENOTFOUND */
NSW_EXTERN int nsw_case_evidence_set_manifest(nsw_case *c, int64_t id,
					      const char *algo,
					      const uint8_t *root, size_t len);

/**
 * Record the SHA-256 of a disk image's media bytes (for E01, of the disk
 * as acquired, not of the container files) and its size; audited
 * ("evidence.image_hash"). A different digest than one already recorded is
 * refused: the image is not the one scanned before.
 * @return 0, NSW_EINVAL (changed digest: message says both), NSW_ENOTFOUND,
 *         NSW_EIO, NSW_ENOMEM
 */
NSW_EXTERN int nsw_case_evidence_set_image_hash(nsw_case *c, int64_t id,
						const uint8_t sha256[32],
						int64_t size);

/** Algorithm name stored with manifest roots computed by
 * nsw_case_evidence_manifest(). */
#define NSW_MANIFEST_ALGO "sha256-manifest-1"

/**
 * The manifest root of an evidence item as the case records it now:
 * SHA-256 over one line per recorded file, in path byte order:
 *   hex(path) ' ' status ' ' size ' ' (hex(sha256) or '-') '\n'
 * (size -1 when unknown). Scans store it (audited) when they finish;
 * verify recomputes it to detect edits of the files table.
 * @param files if non-NULL, the number of lines
 * @return 0, NSW_EIO, NSW_ENOMEM
 */
NSW_EXTERN int nsw_case_evidence_manifest(nsw_case *c, int64_t evidence_id,
					  uint8_t root[32], int64_t *files);

/** Each evidence item in id order; non-zero from `fn` stops. */
NSW_EXTERN int nsw_case_evidence_foreach(
	nsw_case *c, int (*fn)(void *ctx, const nsw_evidence *ev), void *ctx);

/* ---- Files ----------------------------------------------------------- */

/** What happened to a file. Stored as the text of nsw_file_status_name. */
typedef enum {
	NSW_FILE_OK = 0,	      /**< read and digested */
	NSW_FILE_ERROR = 1,	      /**< could not be read (see error) */
	NSW_FILE_SKIPPED_SYMLINK = 2, /**< symlink: recorded, not followed */
	NSW_FILE_SKIPPED_SPECIAL = 3, /**< FIFO, socket, device node */
	NSW_FILE_SKIPPED_LOOP = 4,    /**< directory loop */
	NSW_FILE_VANISHED = 5,	      /**< gone or changed mid-scan */
	NSW_FILE_STATUS_COUNT = 6
} nsw_file_status;

/** "ok", "error", "skipped-symlink", "skipped-special", "skipped-loop",
 * "vanished"; "?" out of range. */
NSW_EXTERN const char *nsw_file_status_name(nsw_file_status s);

/** Which digests are set (bit i = 1 << nsw_algo, as NSW_HAS_* in list.h). */
#define NSW_CASE_HAS_MD5 (1u << NSW_ALGO_MD5)
#define NSW_CASE_HAS_SHA1 (1u << NSW_ALGO_SHA1)
#define NSW_CASE_HAS_SHA256 (1u << NSW_ALGO_SHA256)
#define NSW_CASE_HAS_PDQ (1u << NSW_ALGO_PDQ)

/** Unknown time (times are nanoseconds since the Unix epoch, UTC). */
#define NSW_TIME_UNKNOWN INT64_MIN

/** A file as scanned. Pointers borrowed for the call (or callback). */
typedef struct nsw_case_file {
	int64_t id;	     /**< set by the store */
	int64_t evidence_id; /**< required */
	int64_t scan_run_id; /**< 0: none */
	/** Path relative to the evidence root, raw bytes (names need not be
	 * UTF-8). Unique per evidence item. */
	const uint8_t *path;
	size_t path_len;
	/** Printable form; NULL: derived (invalid UTF-8 and control bytes
	 * as \xNN, backslash as \\). */
	const char *display_path;
	int64_t size;			      /**< bytes, or -1 */
	int64_t mtime_ns, ctime_ns, atime_ns; /**< or NSW_TIME_UNKNOWN */
	unsigned has;			      /**< NSW_CASE_HAS_* */
	uint8_t md5[NSW_MD5_BYTES];
	uint8_t sha1[NSW_SHA1_BYTES];
	uint8_t sha256[NSW_SHA256_BYTES];
	nsw_pdq_hash pdq;
	int pdq_quality; /**< 0..100, -1 without PDQ */
	/** The 8 dihedral variants (nsw_pdq_dihedral order) when
	 * has_pdq_dihedral; lets later scans match without re-reading. */
	int has_pdq_dihedral;
	nsw_pdq_hash pdq_dihedral[NSW_PDQ_DIHEDRAL_COUNT];
	const char *media_type; /**< from content ("image/jpeg"), NULL */
	/**
	 * The PDQ came from a partial image (a JPEG cut short, hashed on
	 * request, --partial-images): pdq_rows_present of pdq_rows (the
	 * image's height) were decoded from data. 0, 0, 0 otherwise.
	 */
	int pdq_partial;
	uint32_t pdq_rows_present;
	uint32_t pdq_rows;
	nsw_file_status status;
	const char *error;	    /**< why, for non-ok statuses; NULL */
	const uint8_t *link_target; /**< symlinks: the target bytes */
	size_t link_target_len;
	int name_not_utf8; /**< set by the store from path */
	/**
	 * 1: an entry of a file system inside a disk image (evidence kind
	 * "image"): meta_addr, deleted and crtime_ns are recorded. 0: they
	 * are ignored and read back as 0, 0, NSW_TIME_UNKNOWN.
	 */
	int in_image;
	uint64_t meta_addr; /**< inode / metadata address in its file system */
	int deleted;	    /**< 1: name or metadata unallocated */
	int64_t crtime_ns;  /**< creation time, or NSW_TIME_UNKNOWN */
} nsw_case_file;

/**
 * Record a file. A file already recorded for (evidence, path) is left as
 * it is: *inserted 0 and *id_out its id (a resumed scan may offer it
 * again). Either out pointer may be NULL.
 * @return 0, NSW_EINVAL (no evidence, empty path), NSW_EIO, NSW_ENOMEM
 */
NSW_EXTERN int nsw_case_file_add(nsw_case *c, const nsw_case_file *f,
				 int64_t *id_out, int *inserted);

/** Find a recorded file: 0 and *id_out, or NSW_ENOTFOUND. */
NSW_EXTERN int nsw_case_file_find(nsw_case *c, int64_t evidence_id,
				  const uint8_t *path, size_t path_len,
				  int64_t *id_out);

/** Load a file by id into `out` (strings borrowed until the next call on
 * `c`). NSW_ENOTFOUND. */
NSW_EXTERN int nsw_case_file_get(nsw_case *c, int64_t id, nsw_case_file *out);

/* ---- Lists and hits -------------------------------------------------- */

/** How a list was used in a scan. */
typedef enum {
	NSW_LIST_ROLE_MATCH = 0, /**< known material: hits are reported */
	NSW_LIST_ROLE_ALLOW = 1, /**< known-good (NSRL...): suppresses */
} nsw_list_role;

/** A list used by the case. Borrowed for the call. */
typedef struct nsw_case_list {
	int64_t id;		 /**< set by the store */
	const char *name;	 /**< required */
	const char *version;	 /**< "" if the list has none */
	const char *checksum;	 /**< hex SHA-256 of the list file, required */
	const char *source_path; /**< where it was loaded from, or NULL */
	int64_t entries;	 /**< entry count, or -1 */
	nsw_list_role role;
} nsw_case_list;

/** Record a list, or find it again: the same (checksum, role) gives the
 * same id. Audited when new. EINVAL, EIO, ENOMEM. */
NSW_EXTERN int nsw_case_list_add(nsw_case *c, const nsw_case_list *l,
				 int64_t *id_out);

/** A hit: a file matched a list entry. Borrowed for the call. */
typedef struct nsw_case_hit {
	int64_t id; /**< set by the store */
	int64_t file_id;
	int64_t list_id;
	int64_t entry_id;      /**< entry index in the list file */
	const char *entry_ref; /**< the list's own id (MediaID...), or NULL */
	nsw_algo algo;
	int distance; /**< Hamming distance for PDQ; 0 for exact digests */
	int dihedral; /**< nsw_pdq_dihedral of the file that matched; -1 */
	const char *category_scheme; /**< as in nsw_list_entry, or NULL */
	const char *category_code;
	int suppressed;		    /**< 1: the file is on an allow list */
	int64_t suppressed_by_list; /**< that list's id, or 0 */
} nsw_case_hit;

/** Record a hit. The same (file, list, entry, algorithm) twice is kept
 * once. EINVAL (unknown file or list), EIO, ENOMEM. */
NSW_EXTERN int nsw_case_hit_add(nsw_case *c, const nsw_case_hit *h,
				int64_t *id_out);

/** A hit with its provenance, for `netsweep hits`. Borrowed for the
 * callback. */
typedef struct nsw_hit_row {
	nsw_case_hit hit;
	const nsw_case_file *file; /**< the file, with digests */
	const char *evidence_label;
	const char *list_name;
	const char *list_version;
	const char *list_checksum;
	nsw_list_role list_role;
	const char *recorded_utc; /**< when the hit was stored */
	int64_t scan_run_id;
} nsw_hit_row;

/** Filter for nsw_case_hits_foreach(). Zeroed: every unsuppressed hit on
 * a match list. */
typedef struct nsw_hit_filter {
	int64_t evidence_id;	/**< 0: all */
	int include_suppressed; /**< 1: also hits suppressed by allow lists */
	int include_allow;	/**< 1: also hits on allow lists */
} nsw_hit_filter;

/** Each hit, ordered by evidence, path (bytewise), match lists before
 * allow lists, list, then as recorded.
 * Non-zero from `fn` stops. */
NSW_EXTERN int
nsw_case_hits_foreach(nsw_case *c, const nsw_hit_filter *f,
		      int (*fn)(void *ctx, const nsw_hit_row *row), void *ctx);

/* ---- Scan runs (resume) ---------------------------------------------- */

/** State of a scan run. */
typedef enum {
	NSW_SCAN_RUNNING = 0, /**< started; still so after kill -9 */
	NSW_SCAN_DONE = 1,
	NSW_SCAN_FAILED = 2,
	NSW_SCAN_STOPPED = 3, /**< interrupted cleanly (SIGINT) */
} nsw_scan_state;

/** Start or resume a scan run. */
typedef struct nsw_scan_start {
	int64_t evidence_id;
	const char *args; /**< the scan's canonical arguments (JSON array) */
	int threads;
} nsw_scan_start;

/**
 * Begin a scan run, or resume the newest unfinished run (RUNNING or
 * STOPPED) of the same evidence with the same args: *resumed 1 and its
 * id. Files it recorded stay recorded (skip them with
 * nsw_case_file_find()). Audited ("scan.start" / "scan.resume").
 */
NSW_EXTERN int nsw_case_scan_begin(nsw_case *c, const nsw_scan_start *s,
				   int64_t *run_id, int *resumed);

/** Record the pre-count (files and bytes to do), for progress. */
NSW_EXTERN int nsw_case_scan_set_totals(nsw_case *c, int64_t run_id,
					int64_t files, int64_t bytes);

/** Link a list to a run (which lists the run matched against). */
NSW_EXTERN int nsw_case_scan_add_list(nsw_case *c, int64_t run_id,
				      int64_t list_id);

/** Finish a run with `state` (audited "scan.finish" with counts). */
NSW_EXTERN int nsw_case_scan_finish(nsw_case *c, int64_t run_id,
				    nsw_scan_state state);

/* ---- Summaries ------------------------------------------------------- */

/** Totals over a case or one evidence item. */
typedef struct nsw_case_totals {
	int64_t evidence;
	int64_t files;		   /**< every recorded path */
	int64_t files_ok;	   /**< digested */
	int64_t bytes;		   /**< sum of sizes of ok files */
	int64_t errors;		   /**< status error or vanished */
	int64_t skipped;	   /**< symlinks, specials, loops */
	int64_t names_not_utf8;	   /**< paths that are not UTF-8 */
	int64_t hits;		   /**< unsuppressed hits on match lists */
	int64_t hits_suppressed;   /**< hits suppressed by allow lists */
	int64_t files_with_hits;   /**< distinct files with a reported hit */
	int64_t files_allowlisted; /**< distinct files on an allow list */
	int64_t lists;
	int64_t scan_runs;
	int64_t audit_entries;
} nsw_case_totals;

/** Totals (evidence_id 0: whole case). */
NSW_EXTERN int nsw_case_get_totals(nsw_case *c, int64_t evidence_id,
				   nsw_case_totals *out);

/** Group-by rows for summaries; strings borrowed for the callback. */
typedef struct nsw_case_group {
	const char *key;  /**< media type; "scheme:code"; list name */
	const char *key2; /**< list version for by-list; else NULL */
	int64_t count;
	int64_t bytes; /**< by-type only */
} nsw_case_group;

/** Which grouping nsw_case_summary_foreach() gives. */
typedef enum {
	NSW_GROUP_BY_MEDIA_TYPE = 0, /**< ok files by media type */
	NSW_GROUP_BY_CATEGORY = 1,   /**< reported hits by category */
	NSW_GROUP_BY_LIST = 2,	     /**< reported hits by list */
	NSW_GROUP_BY_STATUS = 3,     /**< files by status */
} nsw_case_grouping;

/** Rows of one grouping, largest count first. */
NSW_EXTERN int
nsw_case_summary_foreach(nsw_case *c, int64_t evidence_id, nsw_case_grouping by,
			 int (*fn)(void *ctx, const nsw_case_group *g),
			 void *ctx);

/** Files with a non-ok status (errors and skips), path order. */
NSW_EXTERN int nsw_case_problems_foreach(nsw_case *c, int64_t evidence_id,
					 int (*fn)(void *ctx,
						   const nsw_case_file *f),
					 void *ctx);

/* ---- Outputs --------------------------------------------------------- */

/**
 * Write the reported hits (match lists, not suppressed) as a VICS 2.0 case
 * (#Cases, US profile context): one Media per MD5 with its MediaFiles
 * (FileName, FilePath "LABEL/path", Written, Accessed, SourceID). Hashes
 * and metadata only. Written atomically; audited ("export.vics") with the
 * output's SHA-256. The case must be open read-write.
 * @return 0, NSW_EINVAL, NSW_EIO, NSW_ELIMIT, NSW_ENOMEM
 */
NSW_EXTERN int nsw_case_export_vics(nsw_case *c, const char *path);

/**
 * Write a self-contained HTML triage report: evidence items with manifest
 * roots, counts, lists, hits by category with paths and digests, problems.
 * It never embeds or links media. Written atomically; audited
 * ("report.html") with its SHA-256. The case must be open read-write.
 * @return 0, NSW_EINVAL, NSW_EIO, NSW_ELIMIT, NSW_ENOMEM
 */
NSW_EXTERN int nsw_case_report_html(nsw_case *c, const char *path);

#ifdef __cplusplus
}
#endif
#endif
