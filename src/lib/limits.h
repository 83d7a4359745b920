/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Every cap netsweep puts on untrusted input, with its reason, in one place
 * (as SQLite's sqliteLimit.h). Seized data, exports and lists are hostile:
 * no parser or buffer may grow without one of these bounds.
 */
#ifndef NSW_LIB_LIMITS_H
#define NSW_LIB_LIMITS_H

#include <stddef.h>
#include <stdint.h>

/* ---- General ---------------------------------------------------------- */

/* One error message: long enough for a path plus a reason. */
#define NSW_ERROR_MESSAGE_MAX 1024

/*
 * Largest single allocation the library will make. 4 GiB covers the largest
 * legitimate buffer (a 10M-entry list index is ~1 GiB) while turning a size
 * read from a corrupt header into ENOMEM instead of an OOM kill.
 */
#define NSW_ALLOC_MAX ((size_t)4 << 30)

/* Longest path we accept: PATH_MAX on Linux. */
#define NSW_PATH_MAX 4096

/* ---- Reading files ---------------------------------------------------- */

/*
 * Streaming read buffer for digests: 1 MiB amortises syscalls (larger buys
 * nothing measurable) and keeps memory flat whatever the file size.
 */
#define NSW_READ_CHUNK ((size_t)1 << 20)

/*
 * Largest file we will hold in memory to decode as an image. Camera JPEGs
 * are < 50 MB and panoramas < 200 MB; larger "images" are digested but not
 * decoded (recorded as over the limit).
 */
#define NSW_IMAGE_FILE_MAX ((size_t)256 << 20)

/* ---- Image decoding --------------------------------------------------- */

/* Width and height: JPEG's own maximum is 65500; nothing real exceeds it. */
#define NSW_IMAGE_DIM_MAX 65500u

/*
 * Total pixels: 200 megapixels (a 20000 x 10000 panorama). Above that the
 * header is most likely a decompression bomb.
 */
#define NSW_IMAGE_PIXELS_MAX ((uint64_t)200000000)

/*
 * Progressive JPEG scans: real encoders write < 20; libjpeg-turbo's own
 * advice for untrusted input is to cap them (CVE-2018-11813 class).
 */
#define NSW_JPEG_SCANS_MAX 100

/* Corrupt-data warnings from libjpeg before we call the file corrupt. */
#define NSW_JPEG_WARNINGS_MAX 1000

/* PNG chunk cache and chunk size (libpng user limits, as libvips sets). */
#define NSW_PNG_CHUNK_CACHE_MAX 1000
#define NSW_PNG_CHUNK_MALLOC_MAX ((size_t)64 << 20)

/* ---- JSON (json_stream.c) -------------------------------------------- */

/*
 * Nesting depth: real exports nest < 10 deep (Telegram text entities are the
 * deepest at ~6). A 10,000-deep array is an attack on recursive consumers.
 */
#define NSW_JSON_DEPTH_MAX 64

/*
 * One JSON string or key: message texts are < 64 KiB (Telegram caps at 4096
 * characters); 16 MiB leaves room for embedded base64 while keeping one
 * hostile token from consuming memory (yajl buffers a whole string).
 */
#define NSW_JSON_STRING_MAX ((size_t)16 << 20)

/*
 * Largest piece handed to yajl at once: pieces end at newlines so callbacks
 * know their line; a minified file is cut every 64 KiB.
 */
#define NSW_JSON_PIECE_MAX ((size_t)64 << 10)

/* ---- Chat-export ingestion (ingest*.c, archive.c) -------------------- */

/*
 * One WhatsApp text line. A WhatsApp message holds at most 65,536
 * characters (up to 4 bytes each in UTF-8): 256 KiB fits the longest real
 * line; a longer one (a 1 MB line) is reported and skipped, never buffered.
 */
#define NSW_INGEST_LINE_MAX ((size_t)256 << 10)

/*
 * One message's text after joining entity runs (Telegram) or continuation
 * lines (WhatsApp). Telegram caps messages at 4,096 characters, WhatsApp at
 * 65,536; 1 MiB keeps every real message whole and bounds a hostile one
 * (the rest is cut and the message flagged TEXT_TRUNCATED).
 */
#define NSW_INGEST_TEXT_MAX ((size_t)1 << 20)

/*
 * Any other single field (id, name, title, path, MIME type): real values
 * are < 1 KiB (Telegram titles 128 chars, file names 255 bytes, paths
 * PATH_MAX); 64 KiB is generous and still bounds memory per message.
 */
#define NSW_INGEST_FIELD_MAX ((size_t)64 << 10)

/*
 * Participants named in one membership event (create/invite/remove).
 * Telegram adds at most 200 members per invite; 10,000 covers merged
 * events while bounding a hostile member list (the rest is reported).
 */
#define NSW_INGEST_PARTICIPANTS_MAX 10000

/*
 * Media references on one message: Telegram has a file plus a thumbnail,
 * DiscordChatExporter up to 10 attachments; 64 bounds a hostile list (the
 * rest is reported and dropped).
 */
#define NSW_INGEST_MEDIA_PER_MESSAGE_MAX 64

/*
 * Distinct (account id, name) pairs remembered per file to deliver each
 * sighting once: 8 bytes each, so 4M pairs (40x the 100k accounts of a
 * large case) cost at most 64 MiB; past it sightings are delivered again
 * (consumers are idempotent), never refused.
 */
#define NSW_INGEST_SIGHTINGS_MAX ((size_t)4 << 20)

/*
 * Uncompressed size of one .zip entry we read (the chat text). The largest
 * WhatsApp chat exports are a few hundred MB of text; 2 GiB bounds a zip
 * bomb's declared or actual size.
 */
#define NSW_ZIP_ENTRY_MAX ((uint64_t)2 << 30)

/*
 * Expansion ratio (uncompressed / compressed bytes) of an entry, checked
 * once NSW_ZIP_RATIO_FLOOR bytes came out. Chat text deflates 3-10:1;
 * deflate's own maximum is ~1032:1, reached only by runs such as zeros.
 */
#define NSW_ZIP_RATIO_MAX 100
#define NSW_ZIP_RATIO_FLOOR ((uint64_t)1 << 20)

/*
 * Entries in one export .zip: media-heavy exports hold thousands of
 * files; 100,000 bounds a directory-bomb archive.
 */
#define NSW_ZIP_ENTRIES_MAX 100000

#endif
