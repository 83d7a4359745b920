/* SPDX-License-Identifier: Apache-2.0 */
/* Media type of a file from its first bytes (never from its name), for the
 * scan's "by type" summary. */
#include <string.h>

#include "netsweep/scan.h"
#include "netsweep/walk.h"

struct magic {
	size_t offset;
	const char *bytes;
	size_t len;
	const char *type;
};

#define M(off, lit, type)                       \
	{                                       \
		off, lit, sizeof(lit) - 1, type \
	}

static const struct magic magics[] = {
	M(0, "\xff\xd8\xff", "image/jpeg"),
	M(0, "\x89PNG\r\n\x1a\n", "image/png"),
	M(0, "GIF87a", "image/gif"),
	M(0, "GIF89a", "image/gif"),
	M(0, "II*\0", "image/tiff"),
	M(0, "MM\0*", "image/tiff"),
	M(4, "ftypheic", "image/heic"),
	M(4, "ftypheix", "image/heic"),
	M(4, "ftypmif1", "image/heif"),
	M(4, "ftypavif", "image/avif"),
	M(4, "ftypqt", "video/quicktime"),
	M(4, "ftyp", "video/mp4"),
	M(0, "\x1a\x45\xdf\xa3", "video/x-matroska"),
	M(0, "%PDF-", "application/pdf"),
	M(0, "PK\x03\x04", "application/zip"),
	M(0, "PK\x05\x06", "application/zip"),
	M(0, "\x1f\x8b", "application/gzip"),
	M(0, "BZh", "application/x-bzip2"),
	M(0,
	  "\xfd"
	  "7zXZ\0",
	  "application/x-xz"),
	M(0, "7z\xbc\xaf\x27\x1c", "application/x-7z-compressed"),
	M(0, "Rar!\x1a\x07", "application/vnd.rar"),
	M(0,
	  "\x7f"
	  "ELF",
	  "application/x-elf"),
	M(0, "MZ", "application/x-msdownload"),
	M(0, "SQLite format 3\0", "application/vnd.sqlite3"),
	M(0, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage"),
	M(0, "OggS", "application/ogg"),
	M(0, "ID3", "audio/mpeg"),
	M(0, "fLaC", "audio/flac"),
	M(0, "{\\rtf", "application/rtf"),
	M(0, "BM", "image/bmp"),
};

#undef M

/* Printable UTF-8 text (tabs and line ends allowed). A multi-byte
 * character cut at the end of the sample is fine. */
static int looks_like_text(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len;) {
		size_t n;

		if (p[i] < 0x80) {
			if (p[i] < 0x20 && p[i] != '\t' && p[i] != '\n' &&
			    p[i] != '\r' && p[i] != '\f')
				return 0;
			if (p[i] == 0x7f)
				return 0;
			i++;
			continue;
		}
		n = nsw_utf8_char_len(p + i, len - i);
		if (n == 0)
			return len - i < 4 && i > 0; /* cut at the end */
		i += n;
	}
	return 1;
}

const char *nsw_scan_media_type(const uint8_t *head, size_t len)
{
	if (head == NULL || len == 0)
		return NULL;
	for (size_t i = 0; i < sizeof(magics) / sizeof(magics[0]); i++) {
		const struct magic *m = &magics[i];

		if (len >= m->offset + m->len &&
		    memcmp(head + m->offset, m->bytes, m->len) == 0)
			return m->type;
	}
	if (len >= 12 && memcmp(head, "RIFF", 4) == 0) {
		if (memcmp(head + 8, "WEBP", 4) == 0)
			return "image/webp";
		if (memcmp(head + 8, "WAVE", 4) == 0)
			return "audio/wav";
		if (memcmp(head + 8, "AVI ", 4) == 0)
			return "video/x-msvideo";
	}
	return looks_like_text(head, len) ? "text/plain" : NULL;
}
