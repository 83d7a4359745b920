/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>

#include <archive.h>
#include <archive_entry.h>

#include "zipwrite.h"

int ts_write_zip(const char *path, const ts_zip_entry *e, size_t n)
{
	ts_archive_spec spec = {"zip", NULL, NULL, NULL};

	return ts_write_archive(path, &spec, e, n);
}

int ts_write_archive(const char *path, const ts_archive_spec *spec,
		     const ts_zip_entry *e, size_t n)
{
	struct archive *a = archive_write_new();
	int rc = -1;

	if (a == NULL)
		return -1;
	if (archive_write_set_format_by_name(a, spec->format) != ARCHIVE_OK)
		goto done;
	if (spec->filter != NULL &&
	    archive_write_add_filter_by_name(a, spec->filter) != ARCHIVE_OK)
		goto done;
	if (spec->options != NULL &&
	    archive_write_set_options(a, spec->options) != ARCHIVE_OK)
		goto done;
	if (spec->passphrase != NULL &&
	    archive_write_set_passphrase(a, spec->passphrase) != ARCHIVE_OK)
		goto done;
	if (archive_write_open_filename(a, path) != ARCHIVE_OK)
		goto done;
	for (size_t i = 0; i < n; i++) {
		struct archive_entry *ae = archive_entry_new();
		const size_t step = (size_t)1 << 20;
		int ok;

		if (ae == NULL)
			goto done;
		archive_entry_set_pathname(ae, e[i].name);
		archive_entry_set_filetype(ae, AE_IFREG);
		archive_entry_set_perm(ae, 0644);
		archive_entry_set_size(ae, (la_int64_t)e[i].len);
		if (e[i].mtime != 0)
			archive_entry_set_mtime(ae, (time_t)e[i].mtime, 0);
		ok = archive_write_header(a, ae) == ARCHIVE_OK;
		for (size_t off = 0; ok && off < e[i].len; off += step) {
			size_t k =
				e[i].len - off < step ? e[i].len - off : step;

			ok = archive_write_data(a,
						(const char *)e[i].data + off,
						k) == (la_ssize_t)k;
		}
		archive_entry_free(ae);
		if (!ok)
			goto done;
	}
	if (archive_write_close(a) == ARCHIVE_OK)
		rc = 0;
done:
	if (rc != 0)
		fprintf(stderr, "ts_write_archive %s: %s\n", path,
			archive_error_string(a));
	archive_write_free(a);
	return rc;
}
