/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The demo operation: a benign synthetic case built from nothing and
 * deterministically (same seed and scale, same bytes). Procedural scenes
 * stand in for media; some are designated "known" and listed, copies of
 * them circulate in Telegram and WhatsApp groups spanning 20+ countries,
 * one account seeds new items, two "seized devices" hold copies, and the
 * planted truth is written beside it all (docs/demo.md).
 */
#ifndef NETSWEEP_DEMO_H
#define NETSWEEP_DEMO_H

#include "netsweep/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Paths inside a demo directory (relative, '/' separated). */
#define NSW_DEMO_MARKER ".netsweep-demo"	   /**< marks a demo dir */
#define NSW_DEMO_TRUTH "truth.json"		   /**< planted truth */
#define NSW_DEMO_KNOWN_DIR "media/known"	   /**< listed originals */
#define NSW_DEMO_LIST_VICS "lists/known-vics.json" /**< VICS 2.0 set */
#define NSW_DEMO_LIST_PDQ "lists/known-pdq.csv"	   /**< hash,quality,name */
#define NSW_DEMO_LIST_SOFTWARE "lists/known-software.txt" /**< NSRL 2.x */
#define NSW_DEMO_TELEGRAM "exports/telegram/result.json"
#define NSW_DEMO_WHATSAPP_DIR "exports/whatsapp" /**< <group>.txt + media */
#define NSW_DEMO_IP_LOG "ip-log.csv"	    /**< account,ip,timestamp_utc */
#define NSW_DEMO_IP_GEO "ip-geo.tsv"	    /**< cidr TAB country */
#define NSW_DEMO_GEOIP_DB "geoip-test.mmdb" /**< made by the CLI if it can */
#define NSW_DEMO_DEVICES_DIR "devices"	    /**< devices/<owner>/ */
#define NSW_DEMO_DEVICES 2		    /**< seized devices */

typedef enum {
	NSW_DEMO_SMALL = 0, /**< ~30 known items, ~80 accounts, ~2k messages */
	NSW_DEMO_MEDIUM,    /**< about 10x small */
	NSW_DEMO_LARGE,	    /**< about 40x small */
} nsw_demo_scale;

/** "small", "medium", "large"; "?" out of range. */
NSW_EXTERN const char *nsw_demo_scale_name(nsw_demo_scale scale);

/** Parse a scale name as above. @return 0 or NSW_EINVAL. */
NSW_EXTERN int nsw_demo_scale_parse(nsw_demo_scale *out, const char *name);

/**
 * What one generation wrote. Ingest figures are what nsw_ingest_file()
 * reports for the exports (nsw_ingest_stats fields of the same names,
 * summed over the Telegram export and every WhatsApp .txt).
 */
typedef struct nsw_demo_summary {
	nsw_demo_scale scale;
	uint64_t seed;
	/* media and lists */
	size_t known_items;    /**< listed originals in media/known */
	size_t known_copies;   /**< transformed copies planted (truth) */
	size_t new_items;      /**< unlisted items the seeder posts first */
	size_t benign_items;   /**< unrelated scenes (bystanders, devices) */
	size_t software_files; /**< entries of known-software.txt */
	/* the network */
	size_t countries;
	size_t accounts;
	size_t telegram_groups;
	size_t whatsapp_groups;
	size_t distributors; /**< central distributors planted */
	size_t bystanders;
	/* exports, as nsw_ingest_file() counts them */
	struct {
		uint64_t chats;
		uint64_t messages; /**< service/system lines included */
		uint64_t service;
		uint64_t membership;
		uint64_t media; /**< media references (all files present) */
	} telegram, whatsapp;
	size_t ip_log_rows;
	/* devices */
	char device_owner[NSW_DEMO_DEVICES][64]; /**< devices/<name> */
	size_t device_files;			 /**< all devices */
	size_t corrupt_files;			 /**< of which corrupt */
	/* totals */
	size_t files_written;
	uint64_t bytes_written;
} nsw_demo_summary;

/**
 * Generate the demo operation into `dir` (created if missing). A
 * non-empty directory is refused unless it holds NSW_DEMO_MARKER (a
 * previous demo), whose generated entries are then removed first;
 * nothing else in it is touched.
 * @param summary  caller storage, filled on success (may be NULL)
 * @param dir      borrowed
 * @return 0; NSW_EINVAL (NULL dir, bad scale, a non-empty directory that
 *         is not a demo), NSW_EIO (cannot create or write), NSW_ENOMEM,
 *         NSW_ELIMIT
 */
NSW_EXTERN int nsw_demo_generate(nsw_demo_summary *summary, const char *dir,
				 nsw_demo_scale scale, uint64_t seed);

#ifdef __cplusplus
}
#endif
#endif
