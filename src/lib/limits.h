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

#endif
