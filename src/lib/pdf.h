/* SPDX-License-Identifier: Apache-2.0 */
/* Library-internal: a plain text PDF document (headings, wrapped
 * paragraphs, simple tables) over libharu, for the referral cover report.
 * Text is UTF-8 in; the built-in Helvetica font shows Latin-1/CP1252 and
 * other characters become '?' (the HTML cover shows everything). */
#ifndef NSW_LIB_PDF_H
#define NSW_LIB_PDF_H

#include <stddef.h>

typedef struct nsw_pdf nsw_pdf;

/* A new A4 document. 0 or NSW_ENOMEM / NSW_ERROR. */
int nsw_pdf_new(nsw_pdf **out, const char *title);
int nsw_pdf_heading(nsw_pdf *p, const char *text);
int nsw_pdf_paragraph(nsw_pdf *p, const char *text);
/* A table row: n cells, each `widths[i]` points wide, wrapped in place;
 * `bold` for a header row. */
int nsw_pdf_row(nsw_pdf *p, const char *const *cells, const float *widths,
		size_t n, int bold);
/* Write the file. 0 or NSW_EIO / NSW_ERROR. */
int nsw_pdf_save(nsw_pdf *p, const char *path);
void nsw_pdf_free(nsw_pdf *p);

#endif
