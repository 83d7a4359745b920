/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target: a hostile disk image scanned as evidence (scan --image),
 * the whole path through libtsk (docs/scan.md): image and volume-system
 * detection, every partition's file system, the walk over allocated and
 * deleted names, reading file content by metadata address, and recording
 * it in a case. A fresh case per input; digests only (the image decoders
 * have their own targets).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "netsweep/case.h"
#include "netsweep/scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__lsan_default_suppressions(void);
const char *__asan_default_options(void);

/*
 * libtsk 4.11 leaks its handles when an image that starts like AFF, VHD or
 * VMDK fails to open (aff_open, vhdi_open, vmdk_open free nothing on
 * their error paths). Those leaks are in the library, not in netsweep; the
 * suppressions name exactly those functions, and the slow unwinder is
 * needed to see them through libtsk's frames (built without frame
 * pointers). Any other leak still fails the run.
 */
const char *__lsan_default_suppressions(void)
{
	return "leak:aff_open\nleak:vhdi_open\nleak:vmdk_open\n";
}

const char *__asan_default_options(void)
{
	return "fast_unwind_on_malloc=0:malloc_context_size=6";
}

static void remove_case(const char *path)
{
	static const char *const ext[] = {"", "-wal", "-shm", "-journal"};
	char p[128];

	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", path, ext[i]);
		unlink(p);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char img[64], cpath[64];
	nsw_scan_options o;
	nsw_scan_result r;
	nsw_case *c = NULL;
	FILE *f;

	/* ".img": not a split-raw or E01 segment name TSK would extend. */
	snprintf(img, sizeof(img), "/tmp/nsw-fuzz-%ld.img", (long)getpid());
	snprintf(cpath, sizeof(cpath), "/tmp/nsw-fuzz-%ld.nsdb",
		 (long)getpid());
	f = fopen(img, "wb");
	if (f == NULL)
		return 0;
	if (size > 0 && fwrite(data, 1, size, f) != size) {
		fclose(f);
		return 0;
	}
	fclose(f);
	remove_case(cpath);
	if (nsw_case_create(&c, cpath, "fuzz", "fuzz") == 0) {
		nsw_case_close(c);
		memset(&o, 0, sizeof(o));
		o.evidence_path = img;
		o.label = "fuzz";
		o.image = 1;
		o.threads = 1;
		o.no_pdq = 1;
		(void)nsw_scan_run(cpath, &o, &r);
	}
	remove_case(cpath);
	unlink(img);
	return 0;
}
