/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Importers for the field's known-hash list formats. Each reads one input
 * file (streaming, bounded memory) and hands every good record to a sink as
 * an nsw_list_entry with its provenance; bad records are reported with file
 * and line and skipped (or fatal with `strict`).
 */
#ifndef NETSWEEP_IMPORT_H
#define NETSWEEP_IMPORT_H

#include "netsweep/list.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
	NSW_LIST_FORMAT_AUTO = 0,  /**< detect from content */
	NSW_LIST_FORMAT_VICS,	   /**< Project VIC VICS JSON 1.x / 2.0 */
	NSW_LIST_FORMAT_NCMEC,	   /**< NCMEC hash-sharing v2 XML */
	NSW_LIST_FORMAT_HASHDEEP,  /**< hashdeep, md5sum/sha*sum, BSD tags */
	NSW_LIST_FORMAT_NSRL,	   /**< NSRL RDS 2.x NSRLFile.txt */
	NSW_LIST_FORMAT_NSRL_RDS3, /**< NSRL RDSv3 SQLite */
	NSW_LIST_FORMAT_PDQ,	   /**< PDQ text/CSV lists */
} nsw_list_format;

/** "auto", "vics", "ncmec", "hashdeep", "nsrl", "nsrl-rds3", "pdq". */
NSW_EXTERN const char *nsw_list_format_name(nsw_list_format format);

/** Parse a format name as above; @return 0 or NSW_EINVAL. */
NSW_EXTERN int nsw_list_format_parse(nsw_list_format *out, const char *name);

/** Counts for one import (added to, so one struct can span many files). */
typedef struct nsw_import_stats {
	uint64_t read;	   /**< records seen */
	uint64_t kept;	   /**< handed to the sink and accepted */
	uint64_t rejected; /**< malformed records skipped */
	uint64_t excluded; /**< valid but excluded by rule (e.g. NSRL empty
				file hash, NCMEC deleted entries) */
} nsw_import_stats;

/** Where records go. */
typedef struct nsw_import_sink {
	void *ctx;
	/** A good record; borrowed for the call. Return < 0 to stop. */
	int (*entry)(void *ctx, const nsw_list_entry *entry);
	/** A bad record (skipped): file, line/record number, why. May be
	 *  NULL. */
	void (*problem)(void *ctx, const char *file, uint64_t line,
			const char *message);
} nsw_import_sink;

typedef struct nsw_import_options {
	nsw_list_format format; /**< AUTO to detect */
	int strict;		/**< any bad record is fatal */
	/**
	 * NULL: take the category scheme from the file (VICS profile...).
	 * Otherwise force it for every entry, e.g. "dhs" for a legacy
	 * C4All-era VICS list whose numbering the file cannot tell
	 * (FORMATS.md 1.6). Borrowed for the call.
	 */
	const char *category_scheme;
} nsw_import_options;

/**
 * Detect the format of a file from its first bytes.
 * @return 0 and *out, NSW_EUNSUPPORTED (no known format), NSW_EIO.
 */
NSW_EXTERN int nsw_list_detect_format(nsw_list_format *out, const char *path);

/**
 * Import one file into `sink`.
 * Formats and rules: docs/formats/lists.md. Entries are borrowed for the
 * sink call; entry->source_file is `path`.
 * @param path   borrowed
 * @param stats  counts are added to (caller initialises); for each file
 *               read = kept + rejected + excluded
 * @return 0; NSW_EFORMAT when the file as a whole is unreadable as its
 *         format (a JSON/XML syntax error, a missing header, every record
 *         bad) or a bad record under `strict`; NSW_ELIMIT (an over-long
 *         line under `strict`, a structural cap); NSW_EUNSUPPORTED (AUTO
 *         and no known format); NSW_EIO, NSW_ENOTFOUND, NSW_ENOMEM, NSW_EINVAL;
 *         or what the sink returned.
 */
NSW_EXTERN int nsw_list_import_file(nsw_import_stats *stats, const char *path,
				    const nsw_import_options *options,
				    const nsw_import_sink *sink);

/**
 * Import from memory (an upload, a fuzzer); as nsw_list_import_file().
 * @param data  borrowed, `len` bytes, no NUL needed
 * @param name  names the input in messages and entries' source_file
 * @return as nsw_list_import_file(); NSW_EUNSUPPORTED for RDSv3 (SQLite
 *         needs a file)
 */
NSW_EXTERN int nsw_list_import_buffer(nsw_import_stats *stats,
				      const uint8_t *data, size_t len,
				      const char *name,
				      const nsw_import_options *options,
				      const nsw_import_sink *sink);

/**
 * Detect the format of bytes in memory (the first few KiB suffice).
 * @return 0 and *out, NSW_EUNSUPPORTED.
 */
NSW_EXTERN int nsw_list_detect_buffer(nsw_list_format *out, const uint8_t *data,
				      size_t len);

#ifdef __cplusplus
}
#endif
#endif
