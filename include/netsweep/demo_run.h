/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The demo operation's pipeline: on a generated demo folder (demo.h), run
 * what an investigation runs — case, lists, device scans, chat ingest,
 * analysis, attribution, device links, referral packages — through the
 * public API, and say what it found.
 */
#ifndef NETSWEEP_DEMO_RUN_H
#define NETSWEEP_DEMO_RUN_H

#include "netsweep/analyze.h"
#include "netsweep/demo.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NSW_DEMO_ID_MAX 128

/** What the pipeline found. */
typedef struct nsw_demo_run_result {
	char case_path[4096];
	char referrals[4096];
	char public_key[4096];
	uint64_t list_entries, software_entries;
	uint64_t device_files, device_hits;
	uint64_t messages, media_hits;
	nsw_analyze_report analysis;
	uint64_t accounts_attributed;
	int geoip_used; /**< the folder's geoip-test.mmdb was there */
	/** Chats with known material. */
	uint64_t chats_flagged;
	/** The account that seeded the most new items others re-shared. */
	char seeder[NSW_DEMO_ID_MAX];
	/** The top suspects, "platform:id", in rank order. */
	char top[10][NSW_DEMO_ID_MAX];
	size_t ntop;
	/** Per device: its folder name and the best-linked account. */
	char device[NSW_DEMO_DEVICES][64];
	char device_account[NSW_DEMO_DEVICES][NSW_DEMO_ID_MAX];
	double device_score[NSW_DEMO_DEVICES];
	/** Packages written and their countries. */
	size_t packages;
	char package_country[256][3];
	double seconds;
} nsw_demo_run_result;

/**
 * Run the pipeline on the demo folder `dir` (made by nsw_demo_generate()):
 * writes DIR/case.nsdb, the .nswl lists in DIR/lists,
 * DIR/keys/ (a new Ed25519 signing key) and DIR/referrals/<CC>/.
 * In a folder carrying the demo marker, what a previous run wrote (those
 * names only) is removed first; elsewhere an existing case is refused.
 * @param progress  called with a short line per step (may be NULL)
 * @return 0 or the NSW_E* of the step that failed (the message says which)
 */
NSW_EXTERN int nsw_demo_run(nsw_demo_run_result *out, const char *dir,
			    void (*progress)(void *ctx, const char *step),
			    void *ctx);

#ifdef __cplusplus
}
#endif
#endif
