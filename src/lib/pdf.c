/* SPDX-License-Identifier: Apache-2.0 */
/* Plain text PDF documents over libharu: the only file that includes
 * hpdf.h. libharu reports errors through a handler; we record the first
 * and return NSW_E* codes. */
#include <string.h>

#include <hpdf.h>

#include "alloc.h"
#include "error.h"
#include "pdf.h"

#define PAGE_MARGIN 50.0f
#define BODY_SIZE 10.0f
#define HEADING_SIZE 14.0f
#define CELL_SIZE 8.0f
#define LEADING 1.35f

struct nsw_pdf {
	HPDF_Doc doc;
	HPDF_Page page;
	HPDF_Font regular, bold;
	float y; /* baseline of the next line */
	unsigned long error;
};

static void on_error(HPDF_STATUS error, HPDF_STATUS detail, void *data)
{
	struct nsw_pdf *p = data;

	(void)detail;
	if (p->error == 0)
		p->error = error;
}

static int failed(struct nsw_pdf *p, const char *what)
{
	return nsw_error_set(
		p->error == HPDF_FAILD_TO_ALLOC_MEM ? NSW_ENOMEM : NSW_ERROR,
		"PDF %s failed (libharu error 0x%04lx)", what, p->error);
}

/* UTF-8 to CP1252 for the standard fonts; what it cannot show is '?'. */
static char *to_cp1252(const char *s)
{
	size_t n = strlen(s), o = 0;
	char *out = nsw__malloc(n + 1);
	const unsigned char *u = (const unsigned char *)s;

	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < n;) {
		unsigned cp;
		size_t len;

		if (u[i] < 0x80) {
			cp = u[i];
			len = 1;
		} else if ((u[i] & 0xE0) == 0xC0 && i + 1 < n) {
			cp = ((u[i] & 0x1Fu) << 6) | (u[i + 1] & 0x3Fu);
			len = 2;
		} else if ((u[i] & 0xF0) == 0xE0 && i + 2 < n) {
			cp = ((u[i] & 0x0Fu) << 12) |
			     ((u[i + 1] & 0x3Fu) << 6) | (u[i + 2] & 0x3Fu);
			len = 3;
		} else {
			cp = '?';
			len = (u[i] & 0xF8) == 0xF0 ? 4 : 1;
		}
		i += len;
		if (cp == 0x2013 || cp == 0x2014)
			cp = '-';
		else if (cp == 0x2018 || cp == 0x2019)
			cp = '\'';
		else if (cp == 0x201C || cp == 0x201D)
			cp = '"';
		else if (cp == 0x2022)
			cp = 0x95;
		else if (cp == 0x20AC)
			cp = 0x80;
		else if (cp > 0xFF || (cp < 0x20 && cp != '\n'))
			cp = '?';
		out[o++] = (char)cp;
	}
	out[o] = '\0';
	return out;
}

static int new_page(struct nsw_pdf *p)
{
	p->page = HPDF_AddPage(p->doc);
	if (p->page == NULL)
		return failed(p, "page");
	HPDF_Page_SetSize(p->page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
	p->y = HPDF_Page_GetHeight(p->page) - PAGE_MARGIN;
	return p->error ? failed(p, "page") : 0;
}

static int need(struct nsw_pdf *p, float height)
{
	if (p->y - height < PAGE_MARGIN)
		return new_page(p);
	return 0;
}

int nsw_pdf_new(nsw_pdf **out, const char *title)
{
	struct nsw_pdf *p = nsw__calloc(1, sizeof(*p));
	char *t = NULL;
	int rc;

	*out = NULL;
	if (p == NULL)
		return nsw_error_set(NSW_ENOMEM, "out of memory");
	p->doc = HPDF_New(on_error, p);
	if (p->doc == NULL) {
		nsw__free(p);
		return nsw_error_set(NSW_ENOMEM,
				     "PDF: cannot start a document");
	}
	HPDF_SetCompressionMode(p->doc, HPDF_COMP_ALL);
	p->regular = HPDF_GetFont(p->doc, "Helvetica", "WinAnsiEncoding");
	p->bold = HPDF_GetFont(p->doc, "Helvetica-Bold", "WinAnsiEncoding");
	t = to_cp1252(title ? title : "");
	if (t != NULL) {
		HPDF_SetInfoAttr(p->doc, HPDF_INFO_TITLE, t);
		HPDF_SetInfoAttr(p->doc, HPDF_INFO_CREATOR, "netsweep");
	}
	nsw__free(t);
	rc = p->error ? failed(p, "setup") : new_page(p);
	if (rc < 0) {
		nsw_pdf_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

/* Write `text` wrapped to `width` at x, starting at p->y; advances y. */
static int wrapped(struct nsw_pdf *p, const char *utf8, HPDF_Font font,
		   float size, float x, float width, float *bottom)
{
	char *text = to_cp1252(utf8);
	const char *s;
	float y = p->y;

	if (text == NULL)
		return nsw_error_set(NSW_ENOMEM, "out of memory");
	s = text;
	HPDF_Page_BeginText(p->page);
	HPDF_Page_SetFontAndSize(p->page, font, size);
	do {
		const char *nl = strchr(s, '\n');
		size_t line_len = nl ? (size_t)(nl - s) : strlen(s);
		char line[1024];
		HPDF_REAL real = 0;
		HPDF_UINT fit;

		if (line_len >= sizeof(line))
			line_len = sizeof(line) - 1;
		memcpy(line, s, line_len);
		line[line_len] = '\0';
		fit = HPDF_Page_MeasureText(p->page, line, width, HPDF_TRUE,
					    &real);
		if (fit == 0) /* one word wider than the column: cut it */
			fit = HPDF_Page_MeasureText(p->page, line, width,
						    HPDF_FALSE, &real);
		if (fit == 0)
			fit = 1;
		if (fit < line_len)
			line[fit] = '\0';
		HPDF_Page_TextOut(p->page, x, y, line);
		y -= size * LEADING;
		s += fit < line_len ? fit : line_len + (nl ? 1 : 0);
		while (*s == ' ')
			s++;
	} while (*s);
	HPDF_Page_EndText(p->page);
	nsw__free(text);
	*bottom = y;
	return p->error ? failed(p, "text") : 0;
}

static float text_width(struct nsw_pdf *p)
{
	return HPDF_Page_GetWidth(p->page) - 2 * PAGE_MARGIN;
}

int nsw_pdf_heading(nsw_pdf *p, const char *text)
{
	float bottom;
	int rc = need(p, HEADING_SIZE * 3);

	if (rc < 0)
		return rc;
	p->y -= HEADING_SIZE * 0.5f;
	rc = wrapped(p, text, p->bold, HEADING_SIZE, PAGE_MARGIN, text_width(p),
		     &bottom);
	p->y = bottom - HEADING_SIZE * 0.3f;
	return rc;
}

int nsw_pdf_paragraph(nsw_pdf *p, const char *text)
{
	float bottom;
	int rc = need(p, BODY_SIZE * 2);

	if (rc < 0)
		return rc;
	rc = wrapped(p, text, p->regular, BODY_SIZE, PAGE_MARGIN, text_width(p),
		     &bottom);
	p->y = bottom - BODY_SIZE * 0.5f;
	return rc;
}

int nsw_pdf_row(nsw_pdf *p, const char *const *cells, const float *widths,
		size_t n, int bold)
{
	float x = PAGE_MARGIN, lowest = p->y;
	int rc = need(p, CELL_SIZE * 3);

	if (rc < 0)
		return rc;
	lowest = p->y;
	for (size_t i = 0; i < n && rc == 0; i++) {
		float bottom;

		rc = wrapped(p, cells[i] ? cells[i] : "",
			     bold ? p->bold : p->regular, CELL_SIZE, x,
			     widths[i] - 4, &bottom);
		if (bottom < lowest)
			lowest = bottom;
		x += widths[i];
	}
	p->y = lowest - CELL_SIZE * 0.3f;
	return rc;
}

int nsw_pdf_save(nsw_pdf *p, const char *path)
{
	if (HPDF_SaveToFile(p->doc, path) != HPDF_OK || p->error)
		return nsw_error_set(NSW_EIO,
				     "%s: cannot write the PDF "
				     "(libharu error 0x%04lx)",
				     path, p->error);
	return 0;
}

void nsw_pdf_free(nsw_pdf *p)
{
	if (p == NULL)
		return;
	if (p->doc)
		HPDF_Free(p->doc);
	nsw__free(p);
}
