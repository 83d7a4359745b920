/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target: a file on a seized device whose bytes are an archive (or
 * look like one), scanned into a fresh case: the whole path a hostile
 * archive takes (docs/scan.md): the content sniff, libarchive on every
 * format and filter with the bomb caps, each member streamed through the
 * hasher (PDQ included), nested archives read again through their
 * containers, hostile member names recorded, the records and links
 * written. One thread, no lists; a fresh case per input.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_case.h"
#include "netsweep/case.h"
#include "netsweep/scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char ev[64], cpath[64];
	nsw_scan_options o;
	nsw_scan_result r;
	nsw_case *c = NULL;

	snprintf(ev, sizeof(ev), "/tmp/nsw-fuzz-%ld.archive", (long)getpid());
	snprintf(cpath, sizeof(cpath), "/tmp/nsw-fuzz-%ld-scan.nsdb",
		 (long)getpid());
	if (fuzz_write_input(ev, data, size) != 0)
		return 0;
	fuzz_remove_case(cpath);
	if (nsw_case_create(&c, cpath, "fuzz", "fuzz") == 0) {
		nsw_case_close(c);
		memset(&o, 0, sizeof(o));
		o.evidence_path = ev;
		o.label = "fuzz";
		o.threads = 1;
		(void)nsw_scan_run(cpath, &o, &r);
	}
	fuzz_remove_case(cpath);
	unlink(ev);
	return 0;
}
