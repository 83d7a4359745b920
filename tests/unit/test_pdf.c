/* SPDX-License-Identifier: Apache-2.0 */
/* The PDF writer (pdf.c) makes a well-formed, multi-page document. */
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "pdf.h"

static void writes_a_multi_page_pdf(void **state)
{
	char *dir = ts_tmpdir(), *path = ts_path(dir, "cover.pdf");
	nsw_pdf *p = NULL;
	const float widths[3] = {120, 200, 175};
	const char *head[3] = {"Account", "Name", "Country"};
	const char *row[3] = {"user123", "Ren\xC3\xA9 \xE4\xB8\xAD", "FR"};
	uint8_t *data;
	size_t len;

	(void)state;
	assert_int_equal(nsw_pdf_new(&p, "Referral \xE2\x80\x94 test"), 0);
	assert_int_equal(nsw_pdf_heading(p, "Referral package"), 0);
	assert_int_equal(
		nsw_pdf_paragraph(p, "This package holds hashes and metadata "
				     "only, never media. A very long line "
				     "that must wrap across the page width "
				     "because it is longer than a column."),
		0);
	assert_int_equal(nsw_pdf_row(p, head, widths, 3, 1), 0);
	for (int i = 0; i < 200; i++)
		assert_int_equal(nsw_pdf_row(p, row, widths, 3, 0), 0);
	assert_int_equal(nsw_pdf_save(p, path), 0);
	nsw_pdf_free(p);
	data = ts_read_file(path, &len);
	assert_non_null(data);
	assert_true(len > 1000);
	assert_memory_equal(data, "%PDF-", 5);
	/* 200 rows cannot fit on one A4 page: more than one /Page object. */
	{
		size_t pages = 0;

		for (size_t i = 0; i + 10 < len; i++)
			if (memcmp(data + i, "/Type /Page", 11) == 0 &&
			    data[i + 11] != 's')
				pages++;
		assert_true(pages >= 2);
	}
	free(data);
	free(path);
	ts_tmpdir_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(writes_a_multi_page_pdf),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
