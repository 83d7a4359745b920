/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Chat-export ingestion: streaming parsers for Telegram Desktop JSON,
 * WhatsApp .txt (or the .zip it comes in) and DiscordChatExporter JSON.
 * Each hands normalised events (chats, accounts, messages with media
 * references, membership events, problems) to a sink, in bounded memory,
 * one message at a time. Nothing here hashes media or writes a case: the
 * sink decides what to record.
 *
 * Every string in an event is borrowed for the duration of the callback
 * only, NUL-terminated and valid UTF-8 (invalid bytes in the export are
 * replaced with U+FFFD and reported as a problem). Ids are text, so 64-bit
 * snowflakes and negative Telegram ids lose nothing.
 */
#ifndef NETSWEEP_INGEST_H
#define NETSWEEP_INGEST_H

#include "netsweep/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
	NSW_PLATFORM_UNKNOWN = 0,
	NSW_PLATFORM_TELEGRAM,
	NSW_PLATFORM_WHATSAPP,
	NSW_PLATFORM_DISCORD,
	NSW_PLATFORM_SIGNAL, /**< signal-export style text (WhatsApp grammar) */
} nsw_platform;

/** "unknown", "telegram", "whatsapp", "discord", "signal". */
NSW_EXTERN const char *nsw_platform_name(nsw_platform platform);

typedef enum {
	NSW_INGEST_FORMAT_AUTO = 0, /**< detect from the content */
	NSW_INGEST_FORMAT_TELEGRAM, /**< Telegram Desktop result.json */
	NSW_INGEST_FORMAT_WHATSAPP, /**< WhatsApp .txt or .zip */
	NSW_INGEST_FORMAT_DISCORD,  /**< DiscordChatExporter JSON */
	NSW_INGEST_FORMAT_SIGNAL,   /**< `[YYYY-MM-DD, HH:MM] Name: text` */
} nsw_ingest_format;

/** "auto", "telegram", "whatsapp", "discord", "signal". */
NSW_EXTERN const char *nsw_ingest_format_name(nsw_ingest_format format);
/** Parse a name as above. @return 0 or NSW_EINVAL. */
NSW_EXTERN int nsw_ingest_format_parse(nsw_ingest_format *out,
				       const char *name);

/** Day/month order of numeric dates (WhatsApp). */
typedef enum {
	NSW_DATE_ORDER_AUTO = 0, /**< infer per file (reported) */
	NSW_DATE_ORDER_DMY,
	NSW_DATE_ORDER_MDY,
	NSW_DATE_ORDER_YMD,
} nsw_date_order;

/** "auto", "dmy", "mdy", "ymd". */
NSW_EXTERN const char *nsw_date_order_name(nsw_date_order order);
/** Parse a name as above. @return 0 or NSW_EINVAL. */
NSW_EXTERN int nsw_date_order_parse(nsw_date_order *out, const char *name);

typedef enum {
	NSW_CHAT_UNKNOWN = 0,
	NSW_CHAT_PRIVATE, /**< one-to-one (Telegram personal/bot/saved) */
	NSW_CHAT_GROUP,	  /**< basic group, WhatsApp group, Discord group DM */
	NSW_CHAT_SUPERGROUP,	/**< Telegram supergroup */
	NSW_CHAT_CHANNEL,	/**< Telegram channel */
	NSW_CHAT_DM,		/**< Discord direct message */
	NSW_CHAT_GUILD_CHANNEL, /**< Discord server channel or thread */
} nsw_chat_kind;

/** "unknown", "private", "group", "supergroup", "channel", "dm",
 *  "guild-channel". */
NSW_EXTERN const char *nsw_chat_kind_name(nsw_chat_kind kind);

/* Flags on ids (chat, account, message). */
/** The export gave no id: this one is derived (from a name or position)
 *  and is only as stable as that. */
#define NSW_INGEST_ID_SYNTHETIC 0x1u

/** One chat; delivered before its first message. */
typedef struct nsw_ingest_chat {
	nsw_platform platform;
	const char *id;	   /**< platform chat id as text */
	unsigned id_flags; /**< NSW_INGEST_ID_* */
	const char *title; /**< NULL when the export has none */
	nsw_chat_kind kind;
	const char *platform_type; /**< the export's own word, or NULL */
	const char *parent_id;	   /**< Discord guild id, else NULL */
	const char *parent_title;  /**< Discord guild name, else NULL */
	const char *file;	   /**< the export file */
	uint64_t line;		   /**< where the chat starts (1-based) */
} nsw_ingest_chat;

/* Account flags. */
/** `phone` could not be put in E.164 (no country code): kept as digits. */
#define NSW_INGEST_PHONE_NATIONAL 0x2u
/** The name was the exporting user's own "You". */
#define NSW_INGEST_ACCOUNT_SELF 0x4u

/**
 * An account sighting: delivered the first time an (id, name) pair is seen
 * in a file, with that time, so names over time are kept. The same account
 * can be delivered again with another name (or again after the dedup table
 * is full; consumers must be idempotent).
 */
typedef struct nsw_ingest_account {
	nsw_platform platform;
	/** Platform id as text. Telegram: "user123"/"channel123"/"chat123"
	 *  (bare numbers of old exports normalised to these); WhatsApp: the
	 *  E.164 phone when the sender is a number, else "name:<name>"
	 *  (synthetic); Discord: the snowflake. */
	const char *id;
	unsigned flags;	      /**< NSW_INGEST_ID_SYNTHETIC, _PHONE_*, _SELF */
	const char *name;     /**< display name seen, or NULL */
	const char *username; /**< without '@', or NULL */
	const char *phone;    /**< E.164 ("+4917...") when known, or NULL */
	int64_t seen_at;      /**< UTC seconds of the sighting; 0 unknown */
	const char *file;
	uint64_t line;
} nsw_ingest_account;

typedef enum {
	NSW_MEDIA_KIND_OTHER = 0,
	NSW_MEDIA_KIND_PHOTO,
	NSW_MEDIA_KIND_VIDEO,
	NSW_MEDIA_KIND_ANIMATION, /**< GIF / looping video */
	NSW_MEDIA_KIND_VIDEO_MESSAGE,
	NSW_MEDIA_KIND_AUDIO,
	NSW_MEDIA_KIND_VOICE,
	NSW_MEDIA_KIND_STICKER,
	NSW_MEDIA_KIND_DOCUMENT,
	NSW_MEDIA_KIND_CONTACT,
} nsw_media_kind;

/** "other", "photo", "video", "animation", "video-message", "audio",
 *  "voice", "sticker", "document", "contact". */
NSW_EXTERN const char *nsw_media_kind_name(nsw_media_kind kind);

typedef enum {
	/** A regular file under the export root: `path` is set. */
	NSW_MEDIA_FILE = 0,
	/** A safe relative path, but no such file (not exported, or the
	 *  export was copied without it). `path` is set. */
	NSW_MEDIA_MISSING,
	/** Media existed but was not exported: a placeholder ("File not
	 *  included", "exceeds maximum size", "<Media omitted>",
	 *  "image omitted"). */
	NSW_MEDIA_NOT_EXPORTED,
	/** The reference was refused: absolute, `..`, NUL, or a symlink
	 *  leading out of the root. Reported as a problem too. */
	NSW_MEDIA_REFUSED,
	/** An entry inside the .zip the chat came in: `archive` and `ref`. */
	NSW_MEDIA_IN_ARCHIVE,
	/** A URL (Discord CDN), not a local file. */
	NSW_MEDIA_REMOTE,
} nsw_media_state;

/** "file", "missing", "not-exported", "refused", "in-archive", "remote". */
NSW_EXTERN const char *nsw_media_state_name(nsw_media_state state);

/** Why media was not exported (state NSW_MEDIA_NOT_EXPORTED). */
typedef enum {
	NSW_MEDIA_PLACEHOLDER_NONE = 0,
	NSW_MEDIA_PLACEHOLDER_NOT_INCLUDED, /**< "(File not included...)" */
	NSW_MEDIA_PLACEHOLDER_TOO_LARGE,   /**< "(File exceeds maximum size...)"
					    */
	NSW_MEDIA_PLACEHOLDER_UNAVAILABLE, /**< "(File unavailable...)" */
	NSW_MEDIA_PLACEHOLDER_OMITTED, /**< WhatsApp "without media" export */
	NSW_MEDIA_PLACEHOLDER_OTHER,   /**< another "(...)" sentence */
} nsw_media_placeholder;

/** One media reference of a message. */
typedef struct nsw_ingest_media {
	nsw_media_kind kind;
	nsw_media_state state;
	nsw_media_placeholder placeholder; /**< NOT_EXPORTED: which text */
	int is_thumbnail;      /**< Telegram `thumbnail` of the item before */
	const char *ref;       /**< as written in the export (path, entry,
				    URL or placeholder text) */
	const char *path;      /**< FILE/MISSING: root + ref, else NULL */
	const char *archive;   /**< IN_ARCHIVE: the .zip, else NULL */
	const char *file_name; /**< original name if given, else NULL */
	const char *mime_type; /**< or NULL */
	uint64_t size;	       /**< bytes if the export says, else 0 */
} nsw_ingest_media;

/* Message flags. */
/** The time was local with no offset and was interpreted in the
 *  caller's time zone (options.timezone). */
#define NSW_INGEST_TIME_LOCAL 0x1u
/** No usable time: `time` is 0. */
#define NSW_INGEST_TIME_MISSING 0x2u
/** The message id is synthetic (position in the chat). */
#define NSW_INGEST_MSG_ID_SYNTHETIC 0x4u
/** A service/system message (see `service_action`). */
#define NSW_INGEST_MSG_SERVICE 0x8u
/** "This message was deleted" and equivalents. */
#define NSW_INGEST_MSG_DELETED 0x10u
/** Text was cut at NSW_INGEST_TEXT_MAX. */
#define NSW_INGEST_MSG_TEXT_TRUNCATED 0x20u
/** Bytes that were not UTF-8 were replaced with U+FFFD. */
#define NSW_INGEST_MSG_TEXT_REPAIRED 0x40u

typedef struct nsw_ingest_message {
	nsw_platform platform;
	const char *chat_id;
	const char *id;		 /**< platform message id as text */
	int64_t time;		 /**< UTC seconds since the epoch */
	unsigned flags;		 /**< NSW_INGEST_TIME_*, NSW_INGEST_MSG_* */
	const char *sender_id;	 /**< account id (as nsw_ingest_account.id) or
				      NULL (deleted account, system line) */
	const char *sender_name; /**< name shown on this message */
	const char *forwarded_from;    /**< name, or NULL */
	const char *forwarded_from_id; /**< account id when given, or NULL */
	const char *saved_from;	       /**< Telegram: chat name, or NULL */
	const char *reply_to_id;       /**< message id in the same chat */
	const char *via_bot;	       /**< "@bot", or NULL */
	const char *service_action;    /**< e.g. "pin_message", or NULL */
	const char *text;	       /**< never NULL ("" when empty) */
	size_t text_len;
	const nsw_ingest_media *media; /**< media_count items */
	size_t media_count;
	const char *file; /**< the export file */
	uint64_t line;	  /**< where the message starts (1-based) */
} nsw_ingest_message;

typedef enum {
	NSW_MEMBER_CREATE = 1,	 /**< created the group/channel (targets: the
				      initial members) */
	NSW_MEMBER_INVITE,	 /**< actor added targets */
	NSW_MEMBER_JOIN_LINK,	 /**< actor joined by invite link */
	NSW_MEMBER_JOIN_REQUEST, /**< actor joined by request */
	NSW_MEMBER_JOIN,	 /**< actor joined (Discord) */
	NSW_MEMBER_LEAVE,	 /**< actor left */
	NSW_MEMBER_REMOVE,	 /**< actor removed targets */
	NSW_MEMBER_MIGRATE_TO,	 /**< basic group became a supergroup */
	NSW_MEMBER_MIGRATE_FROM, /**< supergroup created from a group */
	NSW_MEMBER_TITLE,	 /**< chat renamed to `title` */
} nsw_member_action;

/** "create", "invite", "join-link", "join-request", "join", "leave",
 *  "remove", "migrate-to", "migrate-from", "title". */
NSW_EXTERN const char *nsw_member_action_name(nsw_member_action action);

/** A membership or chat-lifecycle event (service message / system line). */
typedef struct nsw_ingest_membership {
	nsw_platform platform;
	const char *chat_id;
	const char *message_id; /**< the service message's id, or NULL */
	int64_t time;
	unsigned flags; /**< NSW_INGEST_TIME_* */
	nsw_member_action action;
	const char *actor_id;	/**< or NULL when only a name is known */
	const char *actor_name; /**< or NULL */
	/** Targets by name (Telegram and WhatsApp list names, not ids) and,
	 *  parallel, by id where the export gives one (else NULL entries). */
	const char *const *target_names;
	const char *const *target_ids;
	size_t target_count;
	const char *title;   /**< create / migrate / title, or NULL */
	const char *inviter; /**< join by link: the inviter's name, or NULL */
	const char *file;
	uint64_t line;
} nsw_ingest_membership;

/** A record that could not be used (skipped), or a fatal stop. */
typedef struct nsw_ingest_problem {
	const char *file;
	uint64_t line; /**< 1-based; 0 when not applicable */
	int code;      /**< NSW_EFORMAT, NSW_ELIMIT, ... */
	int fatal;     /**< 1: ingestion of this file stopped here */
	const char *message;
} nsw_ingest_problem;

/**
 * Where events go. Any callback may be NULL. Event callbacks return 0 to
 * go on or a negative NSW_E* to stop (the ingest call then returns it).
 */
typedef struct nsw_ingest_sink {
	void *ctx;
	int (*chat)(void *ctx, const nsw_ingest_chat *chat);
	int (*account)(void *ctx, const nsw_ingest_account *account);
	int (*message)(void *ctx, const nsw_ingest_message *message);
	int (*membership)(void *ctx, const nsw_ingest_membership *event);
	void (*problem)(void *ctx, const nsw_ingest_problem *problem);
	/** Informational: inferences made (e.g. WhatsApp date order). */
	void (*note)(void *ctx, const char *file, const char *message);
} nsw_ingest_sink;

typedef struct nsw_ingest_options {
	nsw_ingest_format format; /**< AUTO to detect */
	/**
	 * Time zone for local times without offset (Telegram `date` when
	 * `date_unixtime` is absent; all WhatsApp times): NULL or "UTC",
	 * a fixed offset "+02:00" / "-0530", or an IANA name
	 * ("Europe/Berlin", must exist under /usr/share/zoneinfo).
	 */
	const char *timezone;
	nsw_date_order date_order; /**< WhatsApp; AUTO to infer */
} nsw_ingest_options;

/** Counts for one ingest (added to, so one struct can span files). */
typedef struct nsw_ingest_stats {
	uint64_t chats;
	uint64_t accounts; /**< account events delivered */
	uint64_t messages; /**< message events (service ones included) */
	uint64_t service;  /**< of which service/system */
	uint64_t membership;
	uint64_t media; /**< media references (thumbnails included) */
	uint64_t media_not_exported;
	uint64_t media_refused;
	uint64_t problems;	   /**< problems reported (fatal included) */
	uint64_t skipped;	   /**< records skipped as malformed */
	nsw_date_order date_order; /**< WhatsApp: order used (last file) */
} nsw_ingest_stats;

/**
 * Detect the format of an export from its content.
 * @param path  a file, or a Telegram export folder holding result.json
 * @return 0 and *out; NSW_EUNSUPPORTED, NSW_ENOTFOUND, NSW_EIO.
 */
NSW_EXTERN int nsw_ingest_detect(nsw_ingest_format *out, const char *path);

/**
 * Ingest one export. Media references are resolved under the folder that
 * holds `path` (the export root). Malformed records are reported through
 * sink->problem and skipped; the rest goes in.
 * @param stats  added to (caller initialises); may be NULL
 * @param path   result.json (or its folder), a WhatsApp .txt or .zip, a
 *               DiscordChatExporter .json; borrowed
 * @param options NULL for defaults; borrowed
 * @return 0 when the file was read to its end (problems may have been
 *         reported); NSW_EFORMAT (truncated or not the format: every
 *         event before the failure was delivered, and the failure is also
 *         reported as a fatal problem), NSW_ELIMIT (depth, size or zip
 *         caps), NSW_EINVAL (bad option, e.g. unknown time zone),
 *         NSW_ENOTFOUND, NSW_EIO, NSW_EUNSUPPORTED, NSW_ENOMEM, or the
 *         code a sink callback returned.
 */
NSW_EXTERN int nsw_ingest_file(nsw_ingest_stats *stats, const char *path,
			       const nsw_ingest_options *options,
			       const nsw_ingest_sink *sink);

/**
 * Ingest an export held in memory (fuzzing, uploads). `name` names it in
 * messages. Media paths are checked but never resolved against the file
 * system (state MISSING when safe). A .zip is not accepted here.
 * @return as nsw_ingest_file.
 */
NSW_EXTERN int nsw_ingest_buffer(nsw_ingest_stats *stats, const uint8_t *data,
				 size_t len, const char *name,
				 const nsw_ingest_options *options,
				 const nsw_ingest_sink *sink);

/**
 * Normalise a phone number: spaces, dashes, dots and parentheses removed,
 * a leading "00" becomes "+". A number with "+" is E.164 ("+4917612345").
 * Without a country code the digits are kept as they are and
 * NSW_INGEST_PHONE_NATIONAL is set in *flags.
 * @param out     caller buffer; `out_size` >= 2
 * @return 0; NSW_EFORMAT when `phone` is not a phone number (letters, fewer
 *         than 5 or more than 15 digits); NSW_EINVAL for bad arguments.
 */
NSW_EXTERN int nsw_ingest_phone_normalize(char *out, size_t out_size,
					  unsigned *flags, const char *phone);

#ifdef __cplusplus
}
#endif
#endif
