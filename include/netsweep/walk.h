/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Recursive directory walk, shared by `hash` and the device scan: entries in
 * a stable bytewise-sorted order, symlinks reported and never followed,
 * special files and revisited directories reported and skipped, errors
 * reported and the walk goes on. Paths are bytes, not necessarily UTF-8.
 */
#ifndef NETSWEEP_WALK_H
#define NETSWEEP_WALK_H

#include "netsweep/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What a walk entry is. */
typedef enum nsw_walk_kind {
	NSW_WALK_FILE = 0, /**< regular file */
	NSW_WALK_DIR,	   /**< directory, reported before its contents */
	NSW_WALK_SYMLINK,  /**< symbolic link: reported, never followed */
	NSW_WALK_SPECIAL,  /**< FIFO, socket or device: reported, skipped */
	NSW_WALK_REVISIT,  /**< directory whose (device, inode) was already
			      visited in this walk (bind mount, loop): not
			      entered again */
	NSW_WALK_ERROR	   /**< could not be examined, entered or listed;
			      see `error` and `message` */
} nsw_walk_kind;

/** Entry flag: the path's bytes are not valid UTF-8. */
#define NSW_WALK_NOT_UTF8 0x1u

/** One entry, as the callback receives it. */
typedef struct nsw_walk_entry {
	const char *path; /**< borrowed for the callback; NUL-terminated */
	size_t path_len;
	size_t name_offset; /**< where the last component starts in path */
	nsw_walk_kind kind;
	unsigned flags;	     /**< NSW_WALK_NOT_UTF8 */
	unsigned depth;	     /**< 0 for the root, 1 for its entries, ... */
	uint32_t mode;	     /**< st_mode from lstat (0 when unknown) */
	uint64_t size;	     /**< st_size (0 when unknown) */
	uint64_t dev;	     /**< st_dev */
	uint64_t ino;	     /**< st_ino */
	int64_t mtime;	     /**< st_mtime, seconds since the epoch */
	int error;	     /**< NSW_WALK_ERROR: the NSW_E* code, else 0 */
	const char *message; /**< NSW_WALK_ERROR: "PATH: reason", borrowed
				for the callback; else NULL */
} nsw_walk_entry;

/**
 * Walk callback. Return 0 to go on, NSW_WALK_SKIP for a NSW_WALK_DIR entry
 * to not enter that directory, or a negative NSW_E* code to stop the walk
 * (nsw_walk() then returns it).
 */
typedef int (*nsw_walk_fn)(void *ctx, const nsw_walk_entry *entry);

#define NSW_WALK_SKIP 1

/** nsw_walk() flag: if `root` itself is a symlink, follow it (as for a
 * path named on the command line). Links below the root are never
 * followed. */
#define NSW_WALK_FOLLOW_ROOT 0x1u

/**
 * Walk `root` (a file or a directory, borrowed) depth first, calling `fn`
 * for the root and for every entry below it. Each directory's names are
 * sorted bytewise, so the order is stable. Memory is bounded: one sorted
 * listing per directory on the current path (see limits.h: depth, path
 * length, listing size). Problems with single entries (unreadable
 * directory, vanished file, path or depth over a limit) are reported as
 * NSW_WALK_ERROR entries and the walk goes on.
 * @return 0 when the walk finished (ERROR entries may have been reported),
 *         the callback's negative code if it stopped the walk,
 *         NSW_EINVAL (NULL root or fn), NSW_ENOMEM
 */
NSW_EXTERN int nsw_walk(const char *root, unsigned flags, nsw_walk_fn fn,
			void *ctx);

/** "file", "dir", "symlink", "special", "revisit", "error". */
NSW_EXTERN const char *nsw_walk_kind_name(nsw_walk_kind kind);

/**
 * Length (1..4) of the well-formed UTF-8 character at the start of `s`
 * (`len` > 0 bytes available), or 0 when the bytes there are not one
 * (strict: no overlong forms, surrogates or code points above U+10FFFF).
 */
NSW_EXTERN size_t nsw_utf8_char_len(const uint8_t *s, size_t len);

/** Non-zero when all `len` bytes of `s` are well-formed UTF-8. */
NSW_EXTERN int nsw_utf8_valid(const char *s, size_t len);

#ifdef __cplusplus
}
#endif
#endif
