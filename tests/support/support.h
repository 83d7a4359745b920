/* SPDX-License-Identifier: Apache-2.0 */
/* Test support: temp dirs, file helpers, the optional ../shared folder. */
#ifndef NSW_TEST_SUPPORT_H
#define NSW_TEST_SUPPORT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

/* A fresh temp directory (mkdtemp); removed with ts_tmpdir_remove(). */
char *ts_tmpdir(void);
void ts_tmpdir_remove(char *dir);

/* Join two path parts into a malloc'd string. */
char *ts_path(const char *a, const char *b);

/* Write `len` bytes to `path` (creating parent dirs); 0 on success. */
int ts_write_file(const char *path, const void *data, size_t len);

/* Read a whole file into a malloc'd buffer (NUL-terminated); NULL on error. */
uint8_t *ts_read_file(const char *path, size_t *len);

/*
 * The ../shared folder if present ($NSW_SHARED_DIR), else NULL after
 * printing a visible "SKIP: ../shared absent" line naming `what`.
 */
const char *ts_shared_dir(const char *what);

/* tests/data ($NSW_TEST_DATA). */
const char *ts_test_data(void);

#endif
