/* SPDX-License-Identifier: Apache-2.0 */
/* Test support helpers (see support.h). */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support.h"

char *ts_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *dir;
	size_t n;

	if (base == NULL || base[0] == '\0')
		base = "/tmp";
	n = strlen(base) + 32;
	dir = malloc(n);
	if (dir == NULL)
		return NULL;
	snprintf(dir, n, "%s/nsw-test-XXXXXX", base);
	if (mkdtemp(dir) == NULL) {
		free(dir);
		return NULL;
	}
	return dir;
}

static int remove_entry(const char *path, const struct stat *st, int flag,
			struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP || flag == FTW_D)
		chmod(path, 0700);
	return remove(path);
}

void ts_tmpdir_remove(char *dir)
{
	if (dir == NULL)
		return;
	nftw(dir, remove_entry, 32, FTW_DEPTH | FTW_PHYS);
	free(dir);
}

char *ts_path(const char *a, const char *b)
{
	size_t n = strlen(a) + strlen(b) + 2;
	char *p = malloc(n);

	if (p != NULL)
		snprintf(p, n, "%s/%s", a, b);
	return p;
}

static void make_parents(const char *path)
{
	char tmp[4096];

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			mkdir(tmp, 0755);
			*p = '/';
		}
	}
}

int ts_write_file(const char *path, const void *data, size_t len)
{
	FILE *f;

	make_parents(path);
	f = fopen(path, "wb");
	if (f == NULL)
		return -1;
	if (len && fwrite(data, 1, len, f) != len) {
		fclose(f);
		return -1;
	}
	return fclose(f) == 0 ? 0 : -1;
}

uint8_t *ts_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data = NULL;
	size_t cap = 0, n = 0;

	if (f == NULL)
		return NULL;
	for (;;) {
		size_t got;

		if (n + 65536 + 1 > cap) {
			uint8_t *p;

			cap = cap ? cap * 2 : 131072;
			p = realloc(data, cap);
			if (p == NULL) {
				free(data);
				fclose(f);
				return NULL;
			}
			data = p;
		}
		got = fread(data + n, 1, 65536, f);
		n += got;
		if (got < 65536)
			break;
	}
	fclose(f);
	data[n] = 0;
	if (len)
		*len = n;
	return data;
}

const char *ts_shared_dir(const char *what)
{
	const char *dir = getenv("NSW_SHARED_DIR");
	struct stat st;

	if (dir != NULL && stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
		return dir;
	printf("SKIP: ../shared absent (NSW_SHARED_DIR=%s); %s not run\n",
	       dir ? dir : "(unset)", what);
	fflush(stdout);
	return NULL;
}

const char *ts_test_data(void)
{
	const char *dir = getenv("NSW_TEST_DATA");

	return dir ? dir : "tests/data";
}
