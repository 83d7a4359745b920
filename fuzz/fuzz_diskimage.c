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

#include "fuzz_case.h"
#include "netsweep/case.h"
#include "netsweep/scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__lsan_default_suppressions(void);

/*
 * libtsk 4.11 and the container libraries it calls leak on hostile input
 * (failed AFF/VHD/VMDK opens, volume-system detection that discards a
 * table, ...). Those leaks are theirs, not netsweep's: allocations made
 * inside those libraries are not reported here. The unit tests
 * (test_scan_image.c under ASan, no suppressions) check that netsweep
 * closes every handle it opens, on good and corrupt images.
 */
const char *__lsan_default_suppressions(void)
{
	return "leak:libtsk.so\nleak:libvhdi.so\nleak:libvmdk.so\n"
	       "leak:libewf.so\nleak:libafflib.so\nleak:libstdc++.so\n";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char img[64], cpath[64];
	nsw_scan_options o;
	nsw_scan_result r;
	nsw_case *c = NULL;

	/* ".img": not a split-raw or E01 segment name TSK would extend. */
	snprintf(img, sizeof(img), "/tmp/nsw-fuzz-%ld.img", (long)getpid());
	snprintf(cpath, sizeof(cpath), "/tmp/nsw-fuzz-%ld.nsdb",
		 (long)getpid());
	if (fuzz_write_input(img, data, size) != 0)
		return 0;
	fuzz_remove_case(cpath);
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
	fuzz_remove_case(cpath);
	unlink(img);
	return 0;
}
