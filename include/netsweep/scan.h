/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The device scan: walk an evidence tree, hash every regular file once
 * (MD5, SHA-1, SHA-256, and PDQ for images from the same bytes), match it
 * against known-hash lists, and record everything in a case, resumably.
 *
 * Pipeline: one walker thread -> bounded queue -> N hashing/matching
 * workers -> bounded queue -> the calling thread, which writes the case in
 * batched transactions. Memory is bounded by the queue sizes whatever the
 * file count. The evidence is only ever opened read-only.
 */
#ifndef NETSWEEP_SCAN_H
#define NETSWEEP_SCAN_H

#include <signal.h>

#include "netsweep/case.h"
#include "netsweep/common.h"
#include "netsweep/hasher.h"
#include "netsweep/match.h"

#ifdef __cplusplus
extern "C" {
#endif

/** One match a matcher reports. Strings borrowed for the whole scan. */
typedef struct nsw_scan_match {
	uint32_t list;	       /**< index into nsw_scan_options.lists */
	uint64_t entry_id;     /**< entry index in that list */
	const char *entry_ref; /**< the list's own id, or NULL */
	nsw_algo algo;
	int distance; /**< PDQ Hamming distance; 0 for digests */
	int dihedral; /**< PDQ variant of the file that matched, or -1 */
	const char *category_scheme;
	const char *category_code;
} nsw_scan_match;

/** Where a matcher puts its matches (bounded; see nsw_scan_matches_add). */
typedef struct nsw_scan_matches nsw_scan_matches;

/**
 * Append a match (copied). NSW_ELIMIT past NSW_SCAN_MATCHES_MAX per file
 * (the file is then recorded with an error), NSW_ENOMEM.
 */
NSW_EXTERN int nsw_scan_matches_add(nsw_scan_matches *m,
				    const nsw_scan_match *match);

/**
 * Matching, called on worker threads. `thread_init` gives each worker its
 * own state (cursors, scratch); `match` must only use that and read-only
 * shared data. Any may be NULL except match.
 */
typedef struct nsw_scan_matcher {
	int (*thread_init)(void *ctx, void **thread_state);
	void (*thread_free)(void *ctx, void *thread_state);
	/** Add the matches of one hashed file to `out`; 0 or NSW_E*. */
	int (*match)(void *ctx, void *thread_state, const nsw_file_hash *file,
		     nsw_scan_matches *out);
	void *ctx;
} nsw_scan_matcher;

/** Progress, reported to the callback about twice a second. */
typedef struct nsw_scan_progress {
	int64_t files_total; /**< from the pre-count; -1 until known */
	int64_t bytes_total;
	int64_t files_done; /**< recorded in this invocation + skipped */
	int64_t bytes_done;
	int64_t files_skipped; /**< already recorded (resume) */
	int64_t hits;	       /**< reported hits recorded so far */
	int64_t errors;	       /**< unreadable or vanished so far */
	double elapsed;	       /**< seconds since the scan started */
	int final;	       /**< 1 on the last call */
} nsw_scan_progress;

/** What to scan and how. Everything borrowed for the call. */
typedef struct nsw_scan_options {
	const char *evidence_path; /**< directory tree, single file, or
					with `image` a disk image */
	const char *label;	   /**< evidence label (created if new) */
	const char *kind;	   /**< evidence kind; NULL: from the path */
	/** The lists (recorded in the case) and how to match them. */
	const nsw_case_list *lists;
	uint32_t nlists;
	const nsw_scan_matcher *matcher; /**< NULL: no matching */
	/** Canonical arguments (JSON array) identifying the scan for resume;
	 * NULL: built from path, label and list checksums. */
	const char *args;
	/** 1: evidence_path is a disk image (raw, split raw, E01, AFF,
	 * VMDK, VHD) read through libtsk: every partition's file system,
	 * deleted files included, is scanned; kind "image" (docs/scan.md). */
	int image;
	int threads; /**< workers; <= 0: all online cores */
	int no_pdq;  /**< 1: digests only, no image decoding */
	/** 1: hash JPEGs cut short from what is present; the file record
	 * says so (nsw_case_file.pdq_partial). 0: strict (decode error). */
	int partial_images;
	int pdq_radius; /**< passed through for the matcher; unused here */
	/** 1: record archives as files only. 0 (default): also read every
	 * file whose content is an archive libarchive reads (zip, tar and its
	 * compressed forms, 7z, rar, cpio, iso9660, ar, ...) as a stream and
	 * record each member as its own file, "dir/a.zip!/b/c.jpg", hashed and
	 * matched like a file, nested archives included (docs/scan.md). */
	int no_archives;
	int batch_files; /**< commit every N files (0: default) */
	int batch_ms;	 /**< ... or every N milliseconds (0: default) */
	/** Progress callback on the calling thread, or NULL. */
	void (*progress)(void *ctx, const nsw_scan_progress *p);
	void *progress_ctx;
	/** When non-NULL and set non-zero (e.g. by a SIGINT handler), the scan
	 * commits what it has recorded, marks the run "stopped" and returns 0
	 * with result->stopped set. Running it again resumes. */
	const volatile sig_atomic_t *cancel;
	/** Tests only: after this many files are committed, raise SIGKILL
	 * (simulates kill -9 at a known point). 0: never. */
	int64_t test_kill_after;
	/** Tests only: bytes of archive members buffered in memory for any
	 * worker to hash, at once (0: NSW_SCAN_MEMBER_INFLIGHT_MAX); negative:
	 * none, the worker reading an archive hashes all its members. */
	int64_t test_member_inflight;
	/** Tests only, may be NULL: called on the thread that hashes a
	 * buffered member, with the most member bytes ever in flight. */
	void (*test_member_hook)(void *ctx, uint64_t peak);
	void *test_member_ctx;
} nsw_scan_options;

/** What a scan did, for the summary. */
typedef struct nsw_scan_result {
	int64_t run_id;
	int64_t evidence_id;
	int resumed;	       /**< continued an unfinished run */
	int stopped;	       /**< cancelled: the run is resumable */
	int64_t files_skipped; /**< already recorded, not read again */
	int64_t rematched;     /**< recorded by earlier runs, matched again
				  from their stored digests */
	int64_t files;	       /**< recorded now */
	int64_t bytes;	       /**< bytes hashed now */
	int64_t errors;	       /**< recorded now unreadable or vanished */
	int64_t skipped;       /**< recorded now as links, specials, loops */
	int64_t hits;	       /**< reported hits recorded now */
	/** recorded now with a PDQ from a partial image (partial_images) */
	int64_t partial_images;
	/** recorded now from deleted entries of a disk image */
	int64_t deleted;
	/** With partial_images: JPEGs an earlier strict scan recorded with a
	 * decode error and no PDQ, read again; those that got a partial PDQ
	 * now (their record updated, audited "file.pdq_added"), and those
	 * whose bytes changed since (left as recorded: run verify). */
	int64_t retried, retry_pdq_added, retry_changed;
	double seconds;
} nsw_scan_result;

/**
 * Scan `opt->evidence_path` into the case at `case_path` (which must exist
 * and must not lie inside the evidence). Per-file problems are recorded in
 * the case and the scan goes on; the return is for failures of the scan
 * itself.
 * @return 0, NSW_EINVAL (options; case inside the evidence), NSW_ENOTFOUND
 *         (evidence or case missing), NSW_EIO, NSW_ENOMEM, or a matcher's
 *         error
 */
NSW_EXTERN int nsw_scan_run(const char *case_path, const nsw_scan_options *opt,
			    nsw_scan_result *result);

/* ---- Matching against list files -------------------------------------- */

/** Lists opened for a scan, with their matcher. */
typedef struct nsw_scan_lists nsw_scan_lists;

/**
 * Open .nswl list files (each with its delta segments) for a scan: `match`
 * lists report hits, `allow` lists (NSRL, known software) suppress them.
 * Each list's checksum is the SHA-256 of its base file followed by its
 * delta segments in order.
 * @param out     owned; free with nsw_scan_lists_free() after the scan
 * @param opts    PDQ threshold, quality gate, dihedral; NULL: defaults
 * @return 0, NSW_ENOTFOUND, NSW_EFORMAT (not a list), NSW_EIO, NSW_ELIMIT
 *         (too many lists), NSW_ENOMEM
 */
NSW_EXTERN int nsw_scan_lists_open(nsw_scan_lists **out,
				   const char *const *match, size_t nmatch,
				   const char *const *allow, size_t nallow,
				   const nsw_match_options *opts);

/** The lists as the case records them (match lists first, then allow
 * lists, in the order given); borrowed until free. */
NSW_EXTERN const nsw_case_list *nsw_scan_lists_cases(const nsw_scan_lists *l,
						     uint32_t *count);

/** The matcher to put in nsw_scan_options; borrowed until free. */
NSW_EXTERN const nsw_scan_matcher *
nsw_scan_lists_matcher(const nsw_scan_lists *l);

/** Close the lists. NULL is a no-op. */
NSW_EXTERN void nsw_scan_lists_free(nsw_scan_lists *l);

/* ---- Verifying evidence against the case ------------------------------ */

/** A difference between the evidence now and what the case recorded. */
typedef enum {
	NSW_VERIFY_CHANGED = 0,	   /**< content, size or kind differs */
	NSW_VERIFY_MISSING = 1,	   /**< recorded, no longer there */
	NSW_VERIFY_NEW = 2,	   /**< there now, never recorded */
	NSW_VERIFY_UNREADABLE = 3, /**< recorded readable, cannot read now */
	NSW_VERIFY_MANIFEST = 4,   /**< the case's file table no longer
				      matches the stored manifest root */
} nsw_verify_kind;

/** "changed", "missing", "new", "unreadable", "manifest". */
NSW_EXTERN const char *nsw_verify_kind_name(nsw_verify_kind kind);

/** One difference; strings borrowed for the callback. */
typedef struct nsw_verify_diff {
	nsw_verify_kind kind;
	const char *evidence_label;
	const char *path;   /**< display form, relative to the evidence */
	const char *detail; /**< what differs */
} nsw_verify_diff;

/** Totals of a verification. */
typedef struct nsw_verify_result {
	int64_t evidence; /**< items verified */
	int64_t checked;  /**< recorded files compared */
	int64_t changed;
	int64_t missing;
	int64_t added;
	int64_t unreadable;
	int64_t manifest_mismatch; /**< items whose manifest root differs */
} nsw_verify_result;

/**
 * Re-read the evidence of one item (`label`) or of all, read-only, and
 * report every difference from the case to `fn`; then append an audited
 * "evidence.verify" entry with the totals.
 * @return 0 when the check ran (differences are in `out`), NSW_ENOTFOUND
 *         (no such label, evidence path gone), NSW_EIO, NSW_ENOMEM
 */
NSW_EXTERN int nsw_scan_verify(const char *case_path, const char *label,
			       void (*fn)(void *ctx,
					  const nsw_verify_diff *diff),
			       void *ctx, nsw_verify_result *out);

/** Content-sniffed media type of a file's first bytes ("image/jpeg",
 * "application/pdf", ...), or NULL when unknown. Static strings. */
NSW_EXTERN const char *nsw_scan_media_type(const uint8_t *head, size_t len);

#ifdef __cplusplus
}
#endif
#endif
