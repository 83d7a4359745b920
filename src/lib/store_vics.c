/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Export a case's reported hits as a VICS 2.0 case (#Cases): one Media per
 * distinct MD5 with the MediaFiles that carry it. Documented fields only
 * (/work/shared formats notes, section 1): hashes and metadata, no media.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alloc.h"
#include "error.h"
#include "store.h"
#include "store_output.h"

/* The canonical context URL of a VICS 2.0 case, US profile (whose
 * category numbering the vics-default/vics-us schemes use). */
#define VICS_CASE_CONTEXT                                                   \
	"http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/US/" \
	"$metadata#Cases"

static void iso_time(char out[32], int64_t ns)
{
	time_t secs = (time_t)(ns / 1000000000LL);
	struct tm tm;

	out[0] = '\0';
	if (ns / 1000000000LL < 0)
		return;
	if (gmtime_r(&secs, &tm) != NULL)
		strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* "8-4-4-4-12" from the case's 32 hex digits. */
static void guid(char out[37], const char *hex)
{
	size_t j = 0;

	for (size_t i = 0; i < 32 && hex[i] != '\0'; i++) {
		if (i == 8 || i == 12 || i == 16 || i == 20)
			out[j++] = '-';
		out[j++] = hex[i];
	}
	out[j] = '\0';
}

static int is_vics_scheme(const char *s)
{
	return s != NULL &&
	       (strcmp(s, "vics-default") == 0 || strcmp(s, "vics-us") == 0);
}

/* A VICS category number from a code such as "1"; -1 if not one. */
static int vics_code(const char *code)
{
	char *end = NULL;
	long v;

	if (code == NULL || code[0] < '0' || code[0] > '9')
		return -1;
	v = strtol(code, &end, 10);
	return (*end == '\0' && v >= 0 && v <= 99) ? (int)v : -1;
}

struct media_state {
	nsw_out *o;
	int64_t media; /* Media written */
	int64_t files; /* MediaFiles written */
	int open;      /* a Media object is open */
	int64_t last_file_id;
	uint8_t md5[16];
};

static void close_media(struct media_state *m)
{
	if (m->open)
		nsw_out__puts(m->o, "]}");
	m->open = 0;
}

static void open_media(struct media_state *m, nsw_sqlstmt *st)
{
	size_t md5_len = 0, sha1_len = 0;
	const uint8_t *md5 = nsw_sqldb_column_blob(st, 0, &md5_len);
	const uint8_t *sha1 = nsw_sqldb_column_blob(st, 1, &sha1_len);
	const char *scheme = nsw_sqldb_column_text(st, 8, NULL);
	const char *code = nsw_sqldb_column_text(st, 9, NULL);
	const char *list = nsw_sqldb_column_text(st, 10, NULL);
	const char *version = nsw_sqldb_column_text(st, 11, NULL);
	const char *mime = nsw_sqldb_column_text(st, 4, NULL);
	char source[512];
	int cat = is_vics_scheme(scheme) ? vics_code(code) : -1;

	nsw_out__printf(m->o, "%s{\"MediaID\":%lld,", m->media ? "," : "",
			(long long)m->media + 1);
	if (cat >= 0)
		nsw_out__printf(m->o, "\"Category\":%d,", cat);
	nsw_out__puts(m->o, "\"MD5\":\"");
	nsw_out__hex(m->o, md5, md5_len);
	nsw_out__puts(m->o, "\",");
	if (sha1 != NULL && sha1_len == 20) {
		nsw_out__puts(m->o, "\"SHA1\":\"");
		nsw_out__hex(m->o, sha1, sha1_len);
		nsw_out__puts(m->o, "\",");
	}
	if (nsw_sqldb_column_type(st, 2) != NSW_SQL_NULL)
		nsw_out__printf(m->o, "\"MediaSize\":%lld,",
				(long long)nsw_sqldb_column_int64(st, 2));
	if (mime != NULL) {
		nsw_out__puts(m->o, "\"MimeType\":");
		nsw_out__json(m->o, mime);
		nsw_out__puts(m->o, ",");
	}
	snprintf(source, sizeof(source), "netsweep match: %s %s",
		 list != NULL ? list : "", version != NULL ? version : "");
	nsw_out__puts(m->o, "\"IsPrecategorized\":true,"
			    "\"PrecategorizationSource\":");
	nsw_out__json(m->o, source);
	if (cat < 0 && scheme != NULL) {
		/* Not a VICS numbering: say what the list said. */
		snprintf(source, sizeof(source), "category %s:%s", scheme,
			 code != NULL ? code : "");
		nsw_out__puts(m->o, ",\"Comments\":");
		nsw_out__json(m->o, source);
	}
	nsw_out__puts(m->o, ",\"MediaFiles\":[");
	m->open = 1;
	m->media++;
	m->last_file_id = 0;
	memcpy(m->md5, md5, 16);
}

static void media_file(struct media_state *m, nsw_sqlstmt *st, int first)
{
	size_t md5_len = 0;
	const uint8_t *md5 = nsw_sqldb_column_blob(st, 0, &md5_len);
	const char *disp = nsw_sqldb_column_text(st, 3, NULL);
	const char *label = nsw_sqldb_column_text(st, 7, NULL);
	const char *name;
	char when[32];
	char *path = NULL;
	size_t n;

	if (disp == NULL)
		disp = "";
	if (label == NULL)
		label = "";
	name = strrchr(disp, '/');
	name = name != NULL ? name + 1 : disp;
	nsw_out__printf(m->o, "%s{\"MD5\":\"", first ? "" : ",");
	nsw_out__hex(m->o, md5, md5_len);
	nsw_out__puts(m->o, "\",\"FileName\":");
	nsw_out__json(m->o, name);
	/* FilePath: the path on the evidence, prefixed with its label. */
	n = strlen(label) + strlen(disp) + 2;
	path = nsw__malloc(n);
	if (path != NULL) {
		snprintf(path, n, "%s/%s", label, disp);
		nsw_out__puts(m->o, ",\"FilePath\":");
		nsw_out__json(m->o, path);
		nsw__free(path);
	}
	if (nsw_sqldb_column_type(st, 5) != NSW_SQL_NULL) {
		iso_time(when, nsw_sqldb_column_int64(st, 5));
		if (when[0] != '\0')
			nsw_out__printf(m->o, ",\"Written\":\"%s\"", when);
	}
	if (nsw_sqldb_column_type(st, 6) != NSW_SQL_NULL) {
		iso_time(when, nsw_sqldb_column_int64(st, 6));
		if (when[0] != '\0')
			nsw_out__printf(m->o, ",\"Accessed\":\"%s\"", when);
	}
	nsw_out__puts(m->o, ",\"SourceID\":");
	nsw_out__json(m->o, label);
	nsw_out__puts(m->o, "}");
	m->files++;
}

static int write_vics(nsw_case *c, nsw_out *o, struct media_state *m)
{
	const nsw_case_meta *meta = nsw_case_get_meta(c);
	nsw_sqlstmt *st = NULL;
	char id[40];
	int rc;

	guid(id, meta->uuid);
	nsw_out__puts(o, "{\"@odata.context\":\"" VICS_CASE_CONTEXT "\","
			 "\"value\":[{\"CaseID\":");
	nsw_out__json(o, id);
	nsw_out__puts(o, ",\"CaseNumber\":");
	nsw_out__json(o, meta->name);
	nsw_out__puts(o, ",\"ContactName\":");
	nsw_out__json(o, meta->examiner);
	nsw_out__puts(o, ",\"SourceApplicationName\":\"netsweep\","
			 "\"SourceApplicationVersion\":\"" NSW_VERSION "\","
			 "\"Media\":[");
	/* Reported hits only (match lists, not suppressed), by MD5. */
	rc = nsw_sqldb_prepare(
		c->db, &st,
		"SELECT f.md5, f.sha1, f.size, f.display_path, f.media_type, "
		"f.mtime_ns, f.atime_ns, e.label, h.category_scheme, "
		"h.category_code, l.name, l.version, f.id "
		"FROM hits h JOIN files f ON f.id = h.file_id "
		"JOIN lists l ON l.id = h.list_id "
		"JOIN evidence e ON e.id = f.evidence_id "
		"WHERE l.role = 'match' AND h.suppressed = 0 "
		"AND length(f.md5) = 16 ORDER BY f.md5, f.id, h.id");
	while (rc == NSW_OK && (rc = nsw_sqldb_step(st)) == 1) {
		size_t len = 0;
		const uint8_t *md5 = nsw_sqldb_column_blob(st, 0, &len);
		int64_t file_id = nsw_sqldb_column_int64(st, 12);
		int first = 0;

		rc = NSW_OK;
		if (!m->open || memcmp(md5, m->md5, 16) != 0) {
			close_media(m);
			open_media(m, st);
			first = 1;
		}
		if (file_id != m->last_file_id) {
			media_file(m, st, first);
			m->last_file_id = file_id;
		}
	}
	nsw_sqldb_finalize(st);
	close_media(m);
	nsw_out__printf(o, "],\"TotalMediaFiles\":%lld}]}\n",
			(long long)m->files);
	return rc;
}

int nsw_case_export_vics(nsw_case *c, const char *path)
{
	struct media_state m;
	nsw_out o;
	uint8_t sha[32];
	char hex[65];
	nsw_buf b;
	int rc;

	if (c == NULL)
		return nsw_error_set(NSW_EINVAL, "export: NULL case");
	if (c->flags & NSW_CASE_READONLY)
		return nsw_error_set(NSW_EINVAL,
				     "export: the case must be open read-write "
				     "(the export is audited)");
	rc = nsw_out__open(&o, path);
	if (rc != NSW_OK)
		return rc;
	memset(&m, 0, sizeof(m));
	m.o = &o;
	rc = write_vics(c, &o, &m);
	rc = nsw_out__close(&o, rc, sha);
	if (rc != NSW_OK)
		return rc;
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", sha[i]);
	nsw_buf_init(&b, NSW_PATH_MAX * 2 + 256);
	rc = nsw_buf_puts(&b, "{\"format\":\"vics-2.0-case\",\"path\":");
	rc = rc ? rc : nsw_store__json_str(&b, path);
	rc = rc ? rc
		: nsw_buf_printf(&b,
				 ",\"sha256\":\"%s\",\"media\":%lld,"
				 "\"media_files\":%lld}",
				 hex, (long long)m.media, (long long)m.files);
	rc = rc ? nsw_error_set(NSW_ENOMEM, "export: out of memory")
		: nsw_case_audit_append(c, "export.vics", b.ptr);
	nsw_buf_dispose(&b);
	return rc;
}
