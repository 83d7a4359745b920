/* SPDX-License-Identifier: Apache-2.0 */
/* For fuzz targets whose input must be a file (a .zip export, a disk
 * image) recorded in a fresh case: write the input to a per-process temp
 * file, and remove a case with its SQLite side files. */
#ifndef FUZZ_TMPFILE_H
#define FUZZ_TMPFILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

/* 0 when `data` is now the whole content of `path`. */
static int fuzz_write_input(const char *path, const uint8_t *data, size_t size)
{
	FILE *f = fopen(path, "wb");
	int ok;

	if (f == NULL)
		return -1;
	ok = size == 0 || fwrite(data, 1, size, f) == size;
	return fclose(f) == 0 && ok ? 0 : -1;
}

static void fuzz_remove_case(const char *path)
{
	static const char *const ext[] = {"", "-wal", "-shm", "-journal"};
	char p[128];

	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", path, ext[i]);
		unlink(p);
	}
}

#endif
