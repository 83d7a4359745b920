/* SPDX-License-Identifier: Apache-2.0 */
/* For fuzz targets that need files: the input written to a temp file and a
 * fresh case path per process, removed after each input. */
#ifndef FUZZ_CASE_H
#define FUZZ_CASE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

/* Remove a case file and SQLite's companions. */
static void fuzz_remove_case(const char *path)
{
	static const char *const ext[] = {"", "-wal", "-shm", "-journal"};
	char p[128];

	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", path, ext[i]);
		unlink(p);
	}
}

/* Write the input to `path`; 0, or -1 (nothing left behind). */
static int fuzz_write_input(const char *path, const uint8_t *data, size_t size)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL)
		return -1;
	if (size > 0 && fwrite(data, 1, size, f) != size) {
		fclose(f);
		unlink(path);
		return -1;
	}
	fclose(f);
	return 0;
}

#endif
