/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: a partner's deconfliction token file (JSON lines) read by
 * nsw_deconflict against a small case made once in a temp directory. */
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netsweep/case.h"
#include "netsweep/merge.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static nsw_case *fuzz_case;
static char dir[64] = "/tmp/nsw-fuzz-tokens-XXXXXX";
static char case_path[128], tokens_path[128];

/* Leave nothing in /tmp when the process ends. */
static void cleanup(void)
{
	static const char *const ext[] = {"", "-wal", "-shm"};
	char p[160];

	nsw_case_close(fuzz_case);
	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", case_path, ext[i]);
		remove(p);
	}
	remove(tokens_path);
	remove(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t key[] = "fuzzing-operation-key";
	nsw_deconflict_result r;
	FILE *f;

	if (size > 1 << 16)
		return 0;
	if (fuzz_case == NULL) {
		if (mkdtemp(dir) == NULL)
			return 0;
		snprintf(case_path, sizeof(case_path), "%s/c.nsdb", dir);
		snprintf(tokens_path, sizeof(tokens_path), "%s/t.jsonl", dir);
		if (nsw_case_create(&fuzz_case, case_path, "fuzz", "fuzz") != 0)
			return 0;
		atexit(cleanup);
	}
	f = fopen(tokens_path, "wb");
	if (f == NULL)
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	nsw_deconflict(fuzz_case, key, sizeof(key) - 1, tokens_path, NULL, NULL,
		       &r);
	return 0;
}
