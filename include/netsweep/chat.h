/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Chat exports in the case: the store for platforms, accounts (names over
 * time), chats, messages, media and membership events (schema v4,
 * docs/case-schema.md), and the ingest that fills it from the parsers of
 * ingest.h, hashing media files like scanned files and matching them
 * against the case's lists (docs/ingest.md).
 *
 * Every write is idempotent: accounts and chats by (platform, native id),
 * names by (account, kind, value), messages by (chat, native id), media by
 * (message, position), membership events by (chat, event, message id,
 * time, target), problems by (evidence, file, line, message). Ingesting
 * the same export twice adds nothing the second time.
 *
 * Threads: a chat store belongs to one nsw_case, so to one thread.
 */
#ifndef NETSWEEP_CHAT_H
#define NETSWEEP_CHAT_H

#include "netsweep/case.h"
#include "netsweep/common.h"
#include "netsweep/hasher.h"
#include "netsweep/ingest.h"
#include "netsweep/scan.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Writer state over one case: prepared statements and id caches. */
typedef struct nsw_chat_store nsw_chat_store;

/**
 * Make a chat store writing into `c` on behalf of one evidence item.
 * @param out         owned; free with nsw_chat_store_free() BEFORE
 *                    closing `c`
 * @param c           borrowed, opened read-write
 * @param evidence_id the export's evidence item (recorded on new rows)
 * @return 0, NSW_EINVAL, NSW_ENOMEM, NSW_EIO
 */
NSW_EXTERN int nsw_chat_store_new(nsw_chat_store **out, nsw_case *c,
				  int64_t evidence_id);

/** Free. Seen times not yet written by nsw_chat_store_flush() are
 * dropped. NULL ok. */
NSW_EXTERN void nsw_chat_store_free(nsw_chat_store *s);

/**
 * Write what is kept in memory: first/last seen times of accounts and
 * names, and replies whose target arrived later (reply_to_message_id).
 * Call inside the caller's transaction, or alone (one of its own).
 * @return 0, NSW_EIO, NSW_ENOMEM
 */
NSW_EXTERN int nsw_chat_store_flush(nsw_chat_store *s);

/** The platform's row id ("telegram", ...), inserted when new. */
NSW_EXTERN int nsw_chat_platform_id(nsw_chat_store *s, nsw_platform platform,
				    int64_t *id_out);

/**
 * Record an account sighting: the account by (platform, id), its display
 * name, username and phone (E.164 when the parser could; stored as given
 * otherwise) as names over time with first/last seen.
 * @param id_out  the account's row id; may be NULL
 * @param inserted 1 when the account is new in the case; may be NULL
 * @return 0, NSW_EINVAL (no id), NSW_EIO, NSW_ENOMEM
 */
NSW_EXTERN int nsw_chat_account_add(nsw_chat_store *s,
				    const nsw_ingest_account *a,
				    int64_t *id_out, int *inserted);

/** Record a chat by (platform, id); an existing chat keeps its first
 * title and kind. Out pointers may be NULL. 0, EINVAL, EIO, ENOMEM. */
NSW_EXTERN int nsw_chat_chat_add(nsw_chat_store *s, const nsw_ingest_chat *ch,
				 int64_t *id_out, int *inserted);

/** A media file's hashes and its row in `files`, for nsw_chat_media_add. */
typedef struct nsw_chat_media_file {
	int64_t file_id; /**< files.id, or 0 (not hashed) */
	unsigned has;	 /**< NSW_CASE_HAS_* */
	uint8_t md5[NSW_MD5_BYTES];
	uint8_t sha1[NSW_SHA1_BYTES];
	uint8_t sha256[NSW_SHA256_BYTES];
	nsw_pdq_hash pdq;
	int pdq_quality;	/**< -1 without PDQ */
	const char *media_type; /**< from content, or NULL */
	int64_t size;		/**< bytes read, or -1 */
	const char *error;	/**< why it could not be hashed, or NULL */
} nsw_chat_media_file;

/**
 * Record a message (UTC time, local-time flag, sender, forwarded-from as
 * an account when the export gives its id, else as a name, saved-from,
 * reply-to, via-bot, text, file:line). Its chat and sender must have been
 * delivered (a sender never seen is added from the message). Media are
 * recorded separately with nsw_chat_media_add, only when *inserted.
 * @param id_out   the message's row id (also when already present)
 * @param inserted 1 new; 0 already in the case (nothing written)
 * @return 0, NSW_EINVAL, NSW_EIO, NSW_ENOMEM
 */
NSW_EXTERN int nsw_chat_message_add(nsw_chat_store *s,
				    const nsw_ingest_message *m,
				    int64_t *id_out, int *inserted);

/**
 * Record media item `position` of a message: kind, state, placeholder,
 * reference as written (relative to the export root), original name,
 * MIME type, and, when `file` is given, its hashes and file row. The
 * first non-thumbnail item becomes messages.media_id.
 * @param file NULL when the media was not hashed (state not FILE)
 * @return 0, NSW_EINVAL, NSW_EIO, NSW_ENOMEM
 */
NSW_EXTERN int nsw_chat_media_add(nsw_chat_store *s, int64_t message_id,
				  size_t position, const nsw_ingest_media *m,
				  const nsw_chat_media_file *file,
				  int64_t *id_out);

/**
 * Record a membership event: one row per target (one row when there are
 * none). Targets with an id are linked to their account; targets known
 * by name only keep the name (account_id NULL).
 * @param added rows new in the case; may be NULL
 * @return 0, NSW_EINVAL, NSW_EIO, NSW_ENOMEM
 */
NSW_EXTERN int nsw_chat_membership_add(nsw_chat_store *s,
				       const nsw_ingest_membership *e,
				       int64_t *added);

/** Record a parser problem against the evidence item (kept once). */
NSW_EXTERN int nsw_chat_problem_add(nsw_chat_store *s,
				    const nsw_ingest_problem *p);

/* ---- Ingest ------------------------------------------------------------ */

/** What to ingest and how. Everything borrowed for the call. */
typedef struct nsw_chat_ingest_options {
	const char *label;	  /**< evidence label; NULL: the export's
				       name */
	nsw_ingest_options parse; /**< format, time zone, date order */
	/** Lists to match media against (recorded in the case), and the
	 * matcher (nsw_scan_lists_open gives both). NULL/0: none. */
	const nsw_case_list *lists;
	uint32_t nlists;
	const nsw_scan_matcher *matcher;
	int no_pdq; /**< 1: digests only */
	/** 1: hash media JPEGs cut short from what is present, recorded as
	 * partial (nsw_case_file.pdq_partial); 0: strict. */
	int partial_images;
	int no_media;	    /**< 1: do not hash media files (benchmarks) */
	int batch_messages; /**< commit every N messages; 0: default */
	/** Each problem, as it is recorded (the CLI prints them). */
	void (*problem)(void *ctx, const nsw_ingest_problem *p);
	/** Parser notes (inferences). */
	void (*note)(void *ctx, const char *file, const char *message);
	void *ctx;
} nsw_chat_ingest_options;

/** What an ingest did (added to: one struct can span exports). */
typedef struct nsw_chat_ingest_result {
	int64_t evidence_id;	  /**< of the last export */
	int evidence_new;	  /**< 1 when the last export's item is new */
	char label[1024];	  /**< its label (cut if longer) */
	nsw_ingest_format format; /**< detected or forced (last export) */
	int parse_rc;		  /**< 0, or the parser's NSW_E* (last) */
	nsw_ingest_stats stats;	  /**< what the parser delivered */
	int64_t chats, chats_new;
	int64_t accounts_new;	    /**< accounts new in the case */
	int64_t messages;	    /**< message events recorded */
	int64_t messages_new;	    /**< ... of which new */
	int64_t messages_present;   /**< ... already in the case */
	int64_t membership_new;	    /**< membership rows new */
	int64_t media;		    /**< media references of new messages */
	int64_t media_hashed;	    /**< files hashed now */
	int64_t media_known;	    /**< files already in the case */
	int64_t media_missing;	    /**< safe path, no file */
	int64_t media_not_exported; /**< placeholders */
	int64_t media_refused;	    /**< unsafe paths */
	int64_t media_errors;	    /**< files that could not be read */
	int64_t hits;		    /**< reported hits recorded now */
	int64_t problems;	    /**< problems reported */
	double seconds;		    /**< wall clock */
	double parser_cpu;	    /**< CPU seconds of the parser thread */
	double store_cpu; /**< CPU seconds of the recording thread (media
			       hashing included) */
} nsw_chat_ingest_result;

/**
 * Ingest one export into the case: the evidence item (kind "chat-export",
 * found again by label on re-ingest), chats, accounts, messages, media
 * (files hashed and matched, hits recorded), membership events and
 * problems, in transactions of `batch_messages` messages, with audit
 * entries "ingest.start" and "ingest.finish". A malformed record is
 * reported and skipped; a fatal parse problem (truncated export) keeps
 * everything before it and is reported in result->parse_rc.
 * @param c      borrowed, read-write, no transaction open
 * @param path   the export (as nsw_ingest_file)
 * @param result added to; required
 * @return 0 when the export was recorded (look at parse_rc and problems);
 *         NSW_EINVAL, NSW_EIO, NSW_ENOMEM when the store failed (the open
 *         batch is rolled back, earlier batches stay)
 */
NSW_EXTERN int nsw_chat_ingest(nsw_case *c, const char *path,
			       const nsw_chat_ingest_options *opt,
			       nsw_chat_ingest_result *result);

/* ---- Queries ----------------------------------------------------------- */

/** Counts of the chat tables (evidence_id 0: whole case). */
typedef struct nsw_chat_totals {
	int64_t platforms, chats, accounts, account_names, messages,
		messages_service, media, media_files, membership_events,
		problems, media_hits;
} nsw_chat_totals;

/** Totals over the case or one evidence item. 0, EIO. */
NSW_EXTERN int nsw_chat_get_totals(nsw_case *c, int64_t evidence_id,
				   nsw_chat_totals *out);

/** One message as stored. Strings borrowed for the callback. */
typedef struct nsw_chat_message_row {
	int64_t id, chat_id;
	const char *chat_native_id;
	const char *native_id;
	int64_t time; /**< UTC seconds; 0 when unknown */
	const char *time_utc;
	unsigned flags;		   /**< NSW_INGEST_TIME_*, NSW_INGEST_MSG_* */
	int64_t sender_account_id; /**< 0 none */
	const char *sender_native_id;
	const char *sender_name;
	int64_t forwarded_from_account_id; /**< 0 unknown */
	const char *forwarded_from_name;
	const char *saved_from;
	int64_t reply_to_message_id; /**< 0: none or not in the case */
	const char *reply_to_native_id;
	const char *via_bot;
	const char *service_action;
	const char *text;
	int64_t media_id;	/**< first non-thumbnail media, 0 none */
	const char *source_ref; /**< "file:line" */
} nsw_chat_message_row;

/** Filter for nsw_chat_messages_foreach. Zeroed: every message. */
typedef struct nsw_chat_message_filter {
	int64_t chat_id;     /**< 0: all chats */
	int64_t from_time;   /**< UTC seconds, inclusive; 0: no bound */
	int64_t until_time;  /**< UTC seconds, exclusive; 0: no bound */
	int64_t evidence_id; /**< 0: all */
} nsw_chat_message_filter;

/** Messages ordered by chat, time, id. Non-zero from `fn` stops and is
 * returned; NSW_E* on read failure. */
NSW_EXTERN int
nsw_chat_messages_foreach(nsw_case *c, const nsw_chat_message_filter *f,
			  int (*fn)(void *ctx, const nsw_chat_message_row *row),
			  void *ctx);

/** A media item with a hit, its message and the list entry. Borrowed for
 * the callback. */
typedef struct nsw_chat_media_hit_row {
	int64_t media_id, message_id, chat_id, file_id;
	const char *chat_native_id;
	const char *message_native_id;
	int64_t time; /**< message time, UTC seconds */
	int64_t sender_account_id;
	const char *sender_native_id;
	int64_t forwarded_from_account_id;
	const char *forwarded_from_name;
	const char *media_ref; /**< as written in the export */
	const char *list_name;
	int64_t list_id, entry_id;
	const char *algorithm;
	int distance;
	const char *category_scheme, *category_code;
	int suppressed;
} nsw_chat_media_hit_row;

/** Every media item that has a hit on a match list (unsuppressed unless
 * include_suppressed), ordered by time then media id. */
NSW_EXTERN int nsw_chat_media_hits_foreach(
	nsw_case *c, int include_suppressed,
	int (*fn)(void *ctx, const nsw_chat_media_hit_row *row), void *ctx);

#ifdef __cplusplus
}
#endif
#endif
