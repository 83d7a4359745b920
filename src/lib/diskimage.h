/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Library-internal: reading disk images (raw, split raw, E01, AFF, VMDK,
 * VHD) through The Sleuth Kit: their partitions, file systems, files and
 * deleted files, read-only. diskimage.c is the only file that includes
 * libtsk's headers; TSK errors become NSW_E* here.
 *
 * A disk image handle is not shared between threads: each thread opens
 * its own (libtsk caches reads per handle without locking for readers).
 */
#ifndef NSW_LIB_DISKIMAGE_H
#define NSW_LIB_DISKIMAGE_H

#include <stddef.h>
#include <stdint.h>

typedef struct nsw_diskimage nsw_diskimage;
typedef struct nsw_diskimage_file nsw_diskimage_file;

/* What an entry of a file system is. */
typedef enum {
	NSW_DISKIMAGE_FILE = 0,	   /* regular file: read it */
	NSW_DISKIMAGE_SYMLINK = 1, /* symbolic link: recorded, not followed */
	NSW_DISKIMAGE_SPECIAL = 2, /* FIFO, socket, device node */
	NSW_DISKIMAGE_ERROR = 3	   /* a problem: see error and message */
} nsw_diskimage_kind;

/* One entry as the walk callback receives it; pointers borrowed for the
 * callback. */
typedef struct nsw_diskimage_entry {
	/* "pN/dir/name" (see docs/scan.md): partition then the path in its
	 * file system; raw bytes, not necessarily UTF-8, NUL-terminated. A
	 * partition's own problem has the path "pN". */
	const char *path;
	size_t path_len;
	size_t name_offset; /* where the last component starts */
	nsw_diskimage_kind kind;
	unsigned fs;	    /* file system index, for nsw_diskimage_open_file */
	uint64_t meta_addr; /* inode / metadata address */
	int deleted;	    /* name or metadata unallocated */
	int64_t size;	    /* bytes, -1 when unknown */
	int64_t mtime_ns, atime_ns, ctime_ns, crtime_ns; /* or INT64_MIN */
	const char *link; /* SYMLINK: the target when TSK has it, else NULL */
	int error;	  /* ERROR: the NSW_E* code */
	const char *message; /* ERROR: why, naming image and partition */
} nsw_diskimage_entry;

/* Walk callback: 0 to go on, a negative NSW_E* to stop (returned). */
typedef int (*nsw_diskimage_fn)(void *ctx, const nsw_diskimage_entry *e);

/*
 * Open `path` (borrowed) read-only, detect the image format, the volume
 * system and every allocated partition's file system (an image without a
 * partition table is one file system at offset 0). Partitions whose file
 * system cannot be opened are kept as problems the walk reports.
 * @return 0; NSW_ENOTFOUND (no such file), NSW_EFORMAT (not an image
 *         libtsk reads, or neither a partition table nor a file system),
 *         NSW_ELIMIT (more than NSW_DISKIMAGE_PARTITIONS_MAX), NSW_EIO,
 *         NSW_ENOMEM; the message names the image.
 */
int nsw_diskimage_open(nsw_diskimage **out, const char *path);

/*
 * Call `fn` for every file, link, special file and problem of every file
 * system in table order, allocated and deleted (orphans too), directories
 * not reported. Stops past NSW_DISKIMAGE_FILES_MAX entries with an ERROR
 * entry. @return 0, or fn's code, NSW_ENOMEM.
 */
int nsw_diskimage_walk(nsw_diskimage *img, nsw_diskimage_fn fn, void *ctx);

/*
 * Open file `meta_addr` of file system `fs` for reading.
 * @return 0; NSW_EFORMAT (no such file, metadata unreadable), NSW_EINVAL
 *         (fs out of range), NSW_ENOMEM
 */
int nsw_diskimage_open_file(nsw_diskimage_file **out, nsw_diskimage *img,
			    unsigned fs, uint64_t meta_addr);

/* The file's size in bytes from its metadata. */
int64_t nsw_diskimage_file_size(const nsw_diskimage_file *f);

/* Read the next bytes; *got 0 at the end. NSW_EIO/NSW_EFORMAT when the
 * content cannot be read (a deleted file's clusters, a corrupt run). */
int nsw_diskimage_file_read(nsw_diskimage_file *f, uint8_t *buf, size_t cap,
			    size_t *got);

/* Move the read position to `offset` from `whence` (SEEK_SET, SEEK_CUR or
 * SEEK_END); *pos the new position. Files are read through libtsk at any
 * offset, so an archive in an image can be read as a file is (7z, a zip's
 * central directory). NSW_EINVAL outside [0, size]. */
int nsw_diskimage_file_seek(nsw_diskimage_file *f, int64_t offset, int whence,
			    int64_t *pos);

void nsw_diskimage_file_close(nsw_diskimage_file *f);

/* The image's media size (bytes of the disk as acquired). */
int64_t nsw_diskimage_size(const nsw_diskimage *img);

/* Read media bytes at `offset` (for the image's own digest). *got 0 at the
 * end. NSW_EIO naming the image. */
int nsw_diskimage_read(nsw_diskimage *img, int64_t offset, uint8_t *buf,
		       size_t cap, size_t *got);

void nsw_diskimage_close(nsw_diskimage *img);

#endif
