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

/* ---- Image decoders (image*.c) --------------------------------------- */

/*
 * Memory libjpeg may use for one image (cinfo->mem->max_memory_to_use).
 * The largest buffer is a progressive file's coefficient store, 2 bytes per
 * pixel and component at 4:4:4: 12 MP 4:2:0 needs 36 MB, 100 MP 4:2:0
 * 300 MB, 170 MP 4:4:4 1 GB. Past this libjpeg has no backing store and
 * fails before allocating (ELIMIT). At NSW_IMAGE_PIXELS_MAX alone a tiny
 * header could claim 1.6 GB (CMYK 4:4:4).
 */
#define NSW_JPEG_MEMORY_MAX ((long)1 << 30)

/*
 * Rows decoded per jpeg_read_scanlines batch: 16 is the tallest iMCU row
 * (4:2:0), so one call usually drains libjpeg's internal row group.
 */
#define NSW_JPEG_BATCH_ROWS 16

/*
 * GIF extension and record blocks read before the first image: real files
 * carry a handful (comments, NETSCAPE loop, graphics control). Each costs
 * input bytes, so this only bounds the loop on hostile files.
 */
#define NSW_GIF_RECORDS_MAX 10000
/* ---- Case store and SQLite (sqldb.c, store*.c) ------------------------ */

/*
 * How long a connection waits for another writer (a second netsweep process
 * on the same case, the server) before failing with EIO. 10 s rides out a
 * batch commit of the scan; longer would hide a stuck process.
 */
#define NSW_SQL_BUSY_TIMEOUT_MS 10000

/*
 * Longest string or blob SQLite may build on a connection to a database we
 * did not create (NSRL RDSv3...). Their fields are names and hashes under
 * a few KiB; 16 MiB leaves room while bounding a hostile file.
 */
#define NSW_SQL_UNTRUSTED_LENGTH_MAX (16 << 20)

/* ---- HTTP server (src/server, through nsw_limits_get) ------------------ */

/*
 * Request body: API bodies are small JSON documents (a login, an analyst
 * assertion, a referral request) well under 64 KiB; 1 MiB leaves room and
 * turns an upload flood into 413.
 */
#define NSW_HTTP_BODY_MAX ((size_t)1 << 20)

/* Connections from one address: a browser opens ~6; 32 allows a few
 * analysts behind one NAT while a single client cannot exhaust the pool. */
#define NSW_HTTP_CONNECTIONS_PER_IP 32

/* Connections in all: each costs a thread-pool slot and a memory pool. */
#define NSW_HTTP_CONNECTIONS_MAX 256

/* Seconds a connection may stay idle or dribble a request (slowloris). */
#define NSW_HTTP_TIMEOUT_SECONDS 30

/* Per-connection memory pool of libmicrohttpd (headers, small buffers). */
#define NSW_HTTP_CONNECTION_MEMORY ((size_t)64 << 10)

/* Worker threads for the server: the machine has 2 cores; requests are
 * short SQLite reads. */
#define NSW_HTTP_THREADS 4
/*
 * Longest case name, examiner, label, list name or audit action we store:
 * these are typed by people; 4 KiB bounds the audit detail built from them.
 */
#define NSW_CASE_TEXT_MAX 4096

/* Longest manifest root digest: SHA-512 is 64 bytes. */
#define NSW_CASE_DIGEST_MAX 64

/*
 * Largest audit detail text. Details are small JSON objects written by the
 * library (ids, names, counts); 1 MiB bounds a hostile edited log.
 */
#define NSW_CASE_AUDIT_DETAIL_MAX ((size_t)1 << 20)

/* ---- Device scan (scan*.c) -------------------------------------------- */

/* Worker threads: more than any machine we run on has cores. */
#define NSW_SCAN_THREADS_MAX 256

/* Lists in one scan (each is a case row and a matcher slot). */
#define NSW_SCAN_LISTS_MAX 1024

/*
 * List matches kept for one file. A real file matches a handful of entries;
 * a PDQ query near a degenerate hash in a hostile list could match
 * thousands. Past this the file's matching fails (and with it the scan),
 * rather than growing without bound.
 */
#define NSW_SCAN_MATCHES_MAX 4096

/*
 * A batch is committed after this many files or this many milliseconds,
 * whichever first. Each commit is an fsync (synchronous=FULL); a kill
 * loses at most one batch, which the resumed scan redoes.
 */
#define NSW_SCAN_BATCH_FILES 512
#define NSW_SCAN_BATCH_MS 1000

/* Bytes read from a non-image file's start to tell its media type. */
#define NSW_SCAN_SNIFF_BYTES 64

/*
 * Archive members read into memory by the worker reading their archive,
 * so that the other workers hash them (docs/scan.md "Archives"): one big
 * archive would otherwise use one core. Members up to 16 MiB (photos,
 * documents: most of a phone backup's members) are buffered; bigger ones
 * (videos) are streamed and hashed by the reader as before, where reading
 * them is most of the work anyway.
 */
#define NSW_SCAN_MEMBER_BUFFER_MAX ((uint64_t)16 << 20)

/*
 * Bytes of buffered members in flight in a whole scan (read, not yet
 * hashed): a reader blocks (running queued members itself) when it is
 * reached, so memory stays bounded whatever the archives. 64 MiB: at least
 * four of the biggest buffered members, hundreds of photos, enough to
 * keep NSW_SCAN_THREADS_MAX workers busy on small members.
 */
#define NSW_SCAN_MEMBER_INFLIGHT_MAX ((uint64_t)64 << 20)

/* ---- Hashing files (hasher.c) ----------------------------------------- */

/*
 * A hasher keeps its image buffer between files up to this size (typical
 * photos), so a thread does not map and fault in fresh memory per image;
 * a bigger buffer is released after use.
 */
#define NSW_HASH_KEEP_BUFFER_MAX ((size_t)32 << 20)

/* ---- Directory walk (walk.c) ------------------------------------------ */

/*
 * Directories entered below a root. Each holds one file descriptor while
 * its entries are visited; 256 stays far below the usual 1024-descriptor
 * limit with room for hashing threads, and real trees (node_modules,
 * Maildir) stay under ~100 levels. Deeper directories are reported, not
 * entered.
 */
#define NSW_WALK_DEPTH_MAX 256u

/*
 * One directory's listing is held in memory to be sorted: at most this many
 * names and name bytes. 8M entries (~64 MiB of pointers plus names) is
 * beyond any real directory; a bigger one is reported as over the limit.
 */
#define NSW_WALK_ENTRIES_MAX ((size_t)8 << 20)
#define NSW_WALK_NAME_BYTES_MAX ((size_t)256 << 20)

/*
 * Directories remembered by (device, inode) to report revisits through
 * bind mounts: 2M directories (a 64 MiB table). Past that only the
 * directories on the current path are checked, which still rules out loops.
 */
#define NSW_WALK_VISITED_MAX ((size_t)1 << 21)
/* ---- Disk images (diskimage.c, scan_image.c) -------------------------- */

/*
 * Partitions scanned in one image. GPT's default table has 128 entries and
 * MBR with extended partitions rarely passes a few dozen; a table claiming
 * more is corrupt or hostile. Each open file system holds libtsk caches per
 * worker thread, so this also bounds memory. Later partitions are recorded
 * as one problem, not scanned.
 */
#define NSW_DISKIMAGE_PARTITIONS_MAX 128

/*
 * Entries (files, links, deleted and orphan files) walked in one image.
 * A hostile file system can claim billions of inodes; 50 million is beyond
 * any seized phone or laptop disk today (a 2 TB disk of photos holds a few
 * million). Past it the walk stops with a recorded problem.
 */
#define NSW_DISKIMAGE_FILES_MAX ((uint64_t)50000000)

/*
 * Directory depth inside an image is bounded by libtsk itself (its walk
 * does not go past 128 levels and refuses directory loops); paths longer
 * than NSW_PATH_MAX are recorded as "pN/$LongPath-INODE".
 */

/* ---- Known-hash list import (import*.c) ------------------------------ */

/*
 * One line of a text list (hashdeep, md5sum, NSRL CSV, PDQ). The longest
 * real lines are hashdeep rows: five digests (~400 chars) plus a path of at
 * most NSW_PATH_MAX (Windows long paths reach 32 KiB); NSRL rows are under
 * 1 KiB. A longer line is a bad record, skipped without being buffered.
 */
#define NSW_LIST_LINE_MAX ((size_t)64 << 10)

/*
 * Read buffer for text lists: 1 MiB amortises syscalls; must exceed
 * NSW_LIST_LINE_MAX so a whole capped line always fits.
 */
#define NSW_LIST_READ_BUF ((size_t)1 << 20)

/* Columns in a CSV or hashdeep header: NSRL has 8, hashdeep at most 7. */
#define NSW_LIST_COLUMNS_MAX 64

/*
 * A text field of one entry (name, series, id) after decoding: a Windows
 * long path is 32767 UTF-16 units; longer is a hostile record.
 */
#define NSW_LIST_TEXT_MAX ((size_t)32 << 10)

/* A category code as the list writes it ("1", "A1", "B"): a few chars. */
#define NSW_LIST_CODE_MAX 32

/*
 * The opaque attributes object kept per entry (PhotoDNA, MediaFiles, Exifs
 * re-serialised as JSON). Real VICS records carry < 4 KiB; a field that
 * would push past 256 KiB is dropped and the entry marked truncated.
 */
#define NSW_LIST_ATTR_MAX ((size_t)256 << 10)

/* Bytes read to detect a list's format (FORMATS.md 1.1: "first ~8 KB"). */
#define NSW_LIST_DETECT_BYTES ((size_t)8 << 10)

/*
 * NCMEC hash-sharing XML: element nesting (real documents nest 7 deep),
 * one element's text (a PhotoDNA is 288 hex chars), and distinct entry ids
 * per file, held to apply deletions in timestamp order (a page is 1,000
 * entries; 8M covers a full dump at ~60 bytes per id).
 */
#define NSW_XML_DEPTH_MAX 32
#define NSW_XML_TEXT_MAX ((size_t)64 << 10)
#define NSW_NCMEC_IDS_MAX ((size_t)8 << 20)
/* One NCMEC entry id: they are short ("image1", GUIDs). */
#define NSW_NCMEC_ID_MAX 256
/* ---- Known-hash lists and matching (index branch) -------------------- */

/*
 * PDQ hashes in one list segment (base or delta). 2^26 = 67M is several
 * times the largest PDQ list in circulation, keeps a row id plus a few
 * residual key bits in 32 bits, and bounds one segment's index (~6 GB).
 * Larger collections are split into segments (list add).
 */
#define NSW_PDQ_INDEX_ROWS_MAX ((uint32_t)1 << 26)

/* Directory bits per index table: 2^24 slots (64 MiB) is already more
 * than one slot per row at the largest segment size. */
#define NSW_PDQ_INDEX_DIR_BITS_MAX 24

/*
 * Probes, buckets or candidates one PDQ query may hold in scratch memory
 * (12-16 bytes each: up to ~256 MiB). Queries go through the index one
 * hash at a time; a radius-63 one needs under 1M; more means a corrupt
 * index or an absurd request.
 */
#define NSW_PDQ_QUERY_SCRATCH_MAX ((size_t)1 << 24)

/* Entries in one list segment (all algorithms): ids are 32-bit. */
#define NSW_LIST_ENTRIES_MAX ((uint64_t)1 << 31)

/* The interned-string section of one segment: string refs are 32-bit. */
#define NSW_LIST_STRINGS_MAX ((size_t)1 << 31)

/* One string in a list entry (name, series, attributes JSON...): a
 * longer one is an importer bug or hostile input. */
#define NSW_LIST_STRING_MAX ((size_t)1 << 20)

/* Delta segments beside one base list before `list compact` is due. */
#define NSW_LIST_DELTAS_MAX 999

/* Lists one match run accepts (--list and --allow together). */
#define NSW_MATCH_LISTS_MAX 64

/* One line of a --hashes query file. */
#define NSW_MATCH_LINE_MAX 4096
/* ---- Network analysis (network*.c) ----------------------------------- */

/*
 * Accounts, chats, items: 10M each. The target case is 100k accounts and
 * 200k items; 10M keeps the dense per-entity arrays (~200 B per account)
 * near 2 GiB, and a count above it in a case means a runaway import.
 */
#define NSW_NET_ENTITIES_MAX ((uint32_t)10000000)

/*
 * Appearances: 50M. Each costs ~40 B as input plus ~40 B of working arrays
 * during analysis: 50M is ~4 GiB, the memory goal of the whole analysis.
 */
#define NSW_NET_APPEARANCES_MAX ((uint32_t)50000000)

/*
 * Vertices of the account graph handed to igraph: 5M. igraph keeps ~100 B
 * per vertex across the graph, PageRank, betweenness and community
 * vectors; 5M accounts also far exceeds any monitored-group case.
 */
#define NSW_NET_VERTICES_MAX ((uint64_t)5000000)

/*
 * Distinct account pairs (edges) of the account graph: 20M. igraph stores
 * ~40 B per edge per graph and we build two (directed flow, undirected
 * projection) plus our own ~32 B per pair while merging: 20M is ~2.5 GiB,
 * within the 4 GiB goal. Co-post pairs are windowed (below) so real cases
 * stay far under it.
 */
#define NSW_NET_EDGES_MAX ((uint64_t)20000000)

/*
 * Co-post edges: a chat with at most this many active accounts links every
 * pair (16 accounts = 120 pairs); larger chats link each account only to
 * the next NSW_NET_COPOST_WINDOW in order of first activity, so a
 * 50,000-member group costs 200,000 pairs, not 1.25 billion. A window of
 * 16 made 13.6M pairs on the 1M-appearance benchmark and tripled the
 * betweenness and community time; co-posting is the weakest evidence.
 */
#define NSW_NET_COPOST_FULL_MAX 16u
#define NSW_NET_COPOST_WINDOW 4u

/*
 * Betweenness sample: Brandes-Pich source sampling. Each source is one BFS
 * plus one back-propagation over the projection (~0.15 s CPU on the
 * benchmark's 100k accounts / 4.4M pairs); 128 sources on 2 threads fit
 * the minute, and bench_betweenness measured the median relative error on
 * the top-30 accounts at 25% for 64 sources and 13% for 256.
 */
#define NSW_NET_BETWEENNESS_SAMPLES 128u

/*
 * Worker threads for betweenness: the target machine has 2 cores; one
 * worker shares them with igraph's PageRank and communities on the calling
 * thread, the second takes over when those finish. More than 64 is a
 * caller bug.
 */
#define NSW_NET_THREADS 2u
#define NSW_NET_THREADS_MAX 64u

/*
 * Bridges kept per chat (the top ones by shared accounts): a chat in a
 * 10k-chat case may share accounts with thousands of others; the list is
 * for analysts, the count of all is kept separately.
 */
#define NSW_NET_BRIDGES_PER_CHAT 32u

/*
 * An account active in more chats than this (a bot, an aggregator) is left
 * out of bridge counting: it would cost chats^2 work and bridge everything
 * to everything. It still appears in every other figure.
 */
#define NSW_NET_BRIDGE_ACCOUNT_CHATS_MAX 1000u

/*
 * Evidence references (appearances, items) kept per suspect; the total is
 * always reported. 1000 is more than a report can show.
 */
#define NSW_NET_EVIDENCE_MAX 1000u

/*
 * PDQ clustering helper (brute force, n^2/2 distance computations): 200k
 * hashes is 2e10 popcounts, minutes; beyond that use the index.
 */
#define NSW_NET_PDQ_CLUSTER_MAX ((size_t)200000)

/* Longest key, label, title or list name kept (longer ones are cut). */
#define NSW_NET_STRING_MAX 4096u

/* ---- End of network analysis ------------------------------------------ */

/* ---- Sealed packages (package.c) ----------------------------------------- */

/*
 * A manifest: one ~100-byte line per file; a referral package holds tens
 * to thousands of files. 64 MiB (over half a million files) bounds what a
 * hostile manifest can make us hold.
 */
#define NSW_PACKAGE_MANIFEST_MAX ((size_t)64 << 20)
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

/* ---- Archives found by a scan (scan_archive.c, archive.c) -------------- */

/*
 * Levels of archives read inside one file: x.zip!/inner.tar!/c.jpg is 2.
 * Real nesting (a zip of tar.gz backups of zips) stays within 3; bombs
 * such as 42.zip nest 5+ layers, each also stopped by the caps below.
 */
#define NSW_ARCHIVE_DEPTH_MAX 5

/*
 * Nested archives descended per file on the device: each costs a second
 * read of its container up to it (members are streams; nothing is
 * extracted), so thousands of tiny nested archives cannot make the work
 * quadratic without bound. Past it they are hashed, not opened.
 */
#define NSW_ARCHIVE_NESTED_MAX 4096

/*
 * Members of one archive: a phone backup zip holds a few 100k photos; 4M
 * bounds a directory-bomb archive (each member costs a case record).
 */
#define NSW_ARCHIVE_MEMBERS_MAX ((uint64_t)4 << 20)

/*
 * Uncompressed size of one member: the largest media in device backups
 * are videos of tens of GB; 64 GiB bounds a bomb's declared or actual
 * size. Members are streamed, so this costs time, not memory.
 */
#define NSW_ARCHIVE_MEMBER_MAX ((uint64_t)64 << 30)

/*
 * Bytes expanded out of one file on the device, all its members and
 * nested members together: 1 TiB, past any archive a device holds, stops
 * a bomb that stays under the ratio (many members, each just under it).
 */
#define NSW_ARCHIVE_EXPANDED_MAX ((uint64_t)1 << 40)

/*
 * Expansion ratio of one member (uncompressed / compressed bytes), checked
 * once NSW_ARCHIVE_RATIO_FLOOR bytes came out. Photos and videos do not
 * compress; deflate's own maximum is ~1032:1, and only runs such as zeros
 * reach it, so past 1000:1 (bzip2/xz/zstd zeros go far higher) it is a
 * bomb. The floor lets small sparse files (zero-filled databases) through.
 */
#define NSW_ARCHIVE_RATIO_MAX 1000
#define NSW_ARCHIVE_RATIO_FLOOR ((uint64_t)16 << 20)

/*
 * Member names remembered per archive (12 bytes each, at most half the
 * slots used: 24 MiB at worst) to give a repeated name its own record
 * (x.jpg, x.jpg!2). Phone backups hold a few 100k names; past the cap a
 * name not remembered is told apart by its index instead (x.jpg!#N).
 */
#define NSW_ARCHIVE_NAMES_TRACKED ((size_t)1 << 20)

/* Bytes pulled at a time from an outer member into a nested archive. */
#define NSW_ARCHIVE_READ_CHUNK ((size_t)64 << 10)

/* A member's first bytes kept to tell whether it is itself an archive:
 * iso9660's signature sits at 32769. */
#define NSW_ARCHIVE_SNIFF_BYTES 32774

/* ---- Case network analysis (store_network*.c) ------------------------- */

/*
 * Strings and rows gathered for one record handed to a callback (one
 * suspect with its evidence, one item with its spread). A suspect keeps at
 * most NSW_NET_EVIDENCE_MAX evidence rows of ~8 strings; an item's spread
 * is one row per appearance: 4M rows (~1 GiB of strings at worst) is far
 * past the most-shared item of a large case, and bounds a hostile one.
 */
#define NSW_ANALYZE_QUERY_ROWS_MAX ((size_t)4 << 20)
#define NSW_ANALYZE_QUERY_STRINGS_MAX ((size_t)32 << 20)

/* An account's names of one kind, "; "-joined: 64 KiB is hundreds of
 * names; more is an account that renames itself to flood the report. */
#define NSW_ANALYZE_NAMES_MAX ((size_t)64 << 10)

/*
 * SQLite page cache of the connection that loads and stores an analysis
 * run (a negative cache_size is KiB): a 1M-message case is read through
 * indexes and ~1.5M result rows are written with secondary indexes filled
 * in random order; 256 MiB keeps those pages in memory, well inside the
 * 4 GiB budget.
 */
#define NSW_ANALYZE_SQL_CACHE_PRAGMA "PRAGMA cache_size=-262144;"

/*
 * Threads for the PDQ self-join of an analysis (the rest of the load is
 * one SQLite connection, so one thread): the machine has 2 cores.
 */
#define NSW_ANALYZE_PDQ_THREADS 2

/* ---- End of case network analysis ------------------------------------- */
/* ---- Chat store and chat ingest (store_chat*.c, chat_ingest.c) -------- */

/*
 * Ids remembered in memory while ingesting (accounts, names, chats) so
 * each message costs no lookup query: ~100 bytes each, so 2M entries (20x
 * the 100k accounts of a large case) cost about 200 MiB at most; past it
 * the cache is written out and emptied, never refused.
 */
#define NSW_CHAT_CACHE_MAX ((size_t)2 << 20)

/*
 * Messages per ingest transaction: large enough that fsyncs do not
 * dominate (1M messages: 50 commits), small enough that a crash loses
 * little and the WAL stays in the tens of MiB.
 */
#define NSW_CHAT_BATCH_MESSAGES 20000

/*
 * SQLite page cache for the ingest connection (KiB). The message indexes
 * of 1M messages take ~100 MiB; 256 MiB keeps them in memory during a bulk
 * load, inside the 1 GiB budget of the issue.
 */
#define NSW_CHAT_SQL_CACHE_KIB 262144

/*
 * Parsed events waiting between the parser thread and the store (bytes of
 * copied events): a few thousand messages keep both cores busy; 32 MiB
 * also holds a burst of maximal 1 MiB texts without stalling.
 */
#define NSW_CHAT_PIPE_BYTES ((size_t)32 << 20)

/* ---- End of chat store ------------------------------------------------ */
/* ---- Image encoding and the demo (demo.h) ----------------------------- */

/*
 * Largest encoded image we produce in memory: generated demo and test
 * images are at most a few megapixels; the decode-side file limit bounds
 * what we could read back anyway.
 */
#define NSW_IMAGE_ENCODE_MAX NSW_IMAGE_FILE_MAX

/*
 * One generated demo text file (the Telegram result.json is the largest:
 * about 400 bytes a message, so the large scale's 80k messages take
 * ~35 MiB). 1 GiB bounds a mistake, not a plan.
 */
#define NSW_DEMO_TEXT_MAX ((size_t)1 << 30)

/* ---- Attribution (store_attrib.c) ---------------------------------------- */

/* One IP-log line: account, address, timestamp are each short; 4 KiB is
 * generous and bounds a hostile line. */
#define NSW_IPLOG_LINE_MAX 4096

/*
 * IP-log rows held for aggregation (~80 bytes each): provider returns run
 * to thousands of logins per account; 5M rows (~400 MB) covers a large
 * operation's returns. Split bigger logs.
 */
#define NSW_IPLOG_ROWS_MAX ((size_t)5000000)

/* ---- Users and sessions (store_auth.c) ----------------------------------- */

/* Password bytes: 8 is the floor for a human-chosen secret behind a slow
 * KDF on a loopback service; 1024 bounds the KDF input from a hostile
 * login body. */
#define NSW_PASSWORD_MIN 8
#define NSW_PASSWORD_MAX 1024
/* User names: short handles for the audit log's actor column. */
#define NSW_USERNAME_MAX 64
/* A stored PHC string: "$pbkdf2-sha256$i=N$" + 32 + 64 hex is < 130. */
#define NSW_PHC_MAX 256
/* Longest session: one working day and then some; a year bounds callers. */
#define NSW_SESSION_TTL_MAX_S (366 * 86400)
/* ---- Merging partners' cases (store_merge.c) -------------------------- */

/*
 * PDQ hashes of our case held in memory to join a partner's items by
 * near-match, in the exact index (~130 bytes each while it is built, ~95
 * after): 20M covers the largest seizures we plan for in under 3 GB.
 */
#define NSW_MERGE_PDQ_MAX ((size_t)20000000)

/*
 * Deconfliction: a partner's token file (one 64-hex token a line, about
 * 100 bytes): 50M tokens (5 GB of file, 1.6 GB in memory) bounds a hostile
 * or mistaken file; lines are short, 512 bytes is generous.
 */
#define NSW_TOKENS_MAX ((size_t)50000000)
#define NSW_TOKEN_LINE_MAX 512

/* ---- Partial images (image_jpeg.c, --partial-images) ------------------- */

/*
 * A JPEG whose data ends early is decoded on request (partial mode) only
 * when at least this percentage of its rows came from data, judged at the
 * point where the data stops, before any padding is decoded. Two reasons:
 * (1) below half, most of the hashed picture is libjpeg's grey padding and
 * the hash says more about the cut than the picture (measured on generated
 * images in docs/image-decoding.md); (2) a tiny header claiming a huge image
 * would otherwise be "decoded in full" from padding: with half the rows'
 * coded data required, a cut file costs at most twice the decode work per
 * input byte of a complete one.
 */
#define NSW_JPEG_PARTIAL_MIN_PERCENT 50

/* ---- In-memory record arrays (vec.c users) ------------------------------ */

/*
 * Records one analysis-output array may hold (device-link media rows,
 * referral suspects, items and appearances): a large operation's case has
 * a few million media rows; 50M (several GiB of records) stops a runaway
 * query before it exhausts memory.
 */
#define NSW_VEC_RECORDS_MAX ((size_t)50000000)

#endif
