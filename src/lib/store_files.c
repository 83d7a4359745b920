/* SPDX-License-Identifier: Apache-2.0 */
/* The case's files and hits: recording them and reading them back. */
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "error.h"
#include "limits.h"
#include "netsweep/walk.h"
#include "store.h"

static const char *const status_names[NSW_FILE_STATUS_COUNT] = {
	"ok",		"error",    "skipped-symlink", "skipped-special",
	"skipped-loop", "vanished",
};

const char *nsw_file_status_name(nsw_file_status s)
{
	return (unsigned)s < NSW_FILE_STATUS_COUNT ? status_names[s] : "?";
}

static nsw_file_status status_from_name(const char *name)
{
	for (int i = 0; name != NULL && i < NSW_FILE_STATUS_COUNT; i++)
		if (strcmp(name, status_names[i]) == 0)
			return (nsw_file_status)i;
	return NSW_FILE_ERROR;
}

void nsw_store__files_close(nsw_case *c)
{
	nsw_sqldb_finalize(c->st_file_add);
	nsw_sqldb_finalize(c->st_file_find);
	nsw_sqldb_finalize(c->st_hit_add);
	nsw_sqldb_finalize(c->st_hit_find);
	nsw_sqldb_finalize(c->st_file_link);
	c->st_file_link = NULL;
	c->st_file_add = c->st_file_find = NULL;
	c->st_hit_add = c->st_hit_find = NULL;
}

/* Printable, valid-UTF-8 form of path bytes; *not_utf8 when any byte was
 * not valid UTF-8. Control bytes and invalid bytes become \xNN and the
 * backslash \\, so the form is unambiguous. */
int nsw_store__display_path(nsw_buf *out, const uint8_t *p, size_t n,
			    int *not_utf8)
{
	static const char hex[] = "0123456789abcdef";
	int rc = 0;

	*not_utf8 = 0;
	for (size_t i = 0; rc == 0 && i < n;) {
		size_t len = nsw_utf8_char_len(p + i, n - i);

		if (len == 0)
			*not_utf8 = 1;
		if (len == 1 && p[i] == '\\') {
			rc = nsw_buf_put(out, "\\\\", 2);
		} else if (len == 0 ||
			   (len == 1 && (p[i] < 0x20 || p[i] == 0x7f))) {
			char esc[4] = {'\\', 'x', hex[p[i] >> 4],
				       hex[p[i] & 15]};

			rc = nsw_buf_put(out, esc, 4);
			len = 1;
		} else {
			rc = nsw_buf_put(out, p + i, len);
		}
		i += len;
	}
	/* An empty buffer has no allocation yet; give it one. */
	if (rc == 0 && out->ptr == NULL)
		rc = nsw_buf_put(out, "", 0);
	return rc;
}

static int bind_time(nsw_sqlstmt *st, int idx, int64_t t)
{
	return t == NSW_TIME_UNKNOWN ? nsw_sqldb_bind_null(st, idx)
				     : nsw_sqldb_bind_int64(st, idx, t);
}

static int bind_digest(nsw_sqlstmt *st, int idx, unsigned has, nsw_algo a,
		       const uint8_t *d)
{
	if (!(has & (1u << a)))
		return nsw_sqldb_bind_null(st, idx);
	return nsw_sqldb_bind_blob(st, idx, d, nsw_algo_bytes(a));
}

static int prepare_once(nsw_case *c, nsw_sqlstmt **st, const char *sql)
{
	if (*st != NULL)
		return NSW_OK;
	return nsw_sqldb_prepare(c->db, st, sql);
}

int nsw_case_file_find(nsw_case *c, int64_t evidence_id, const uint8_t *path,
		       size_t path_len, int64_t *id_out)
{
	int rc;

	*id_out = 0;
	if (c == NULL || path == NULL || path_len == 0)
		return nsw_error_set(NSW_EINVAL, "file: no path");
	rc = prepare_once(c, &c->st_file_find,
			  "SELECT id FROM files WHERE evidence_id=?1 AND "
			  "path=?2");
	rc = rc ? rc : nsw_sqldb_bind_int64(c->st_file_find, 1, evidence_id);
	rc = rc ? rc : nsw_sqldb_bind_blob(c->st_file_find, 2, path, path_len);
	rc = rc ? rc : nsw_sqldb_step(c->st_file_find);
	if (rc == 1) {
		*id_out = nsw_sqldb_column_int64(c->st_file_find, 0);
		rc = NSW_OK;
	} else if (rc == 0) {
		rc = NSW_ENOTFOUND; /* the common case: no message needed */
	}
	nsw_sqldb_reset(c->st_file_find);
	return rc;
}

static int check_file(const nsw_case_file *f)
{
	if (f->evidence_id <= 0 || f->path == NULL || f->path_len == 0)
		return nsw_error_set(NSW_EINVAL, "file: no evidence or path");
	if (f->path_len > NSW_PATH_MAX || f->link_target_len > NSW_PATH_MAX)
		return nsw_error_set(NSW_ELIMIT, "file: path over %d bytes",
				     NSW_PATH_MAX);
	if ((unsigned)f->status >= NSW_FILE_STATUS_COUNT)
		return nsw_error_set(NSW_EINVAL, "file: bad status %d",
				     (int)f->status);
	if ((f->has & NSW_CASE_HAS_PDQ) &&
	    (f->pdq_quality < 0 || f->pdq_quality > 100))
		return nsw_error_set(NSW_EINVAL, "file: PDQ quality %d",
				     f->pdq_quality);
	if (f->pdq_partial &&
	    (f->pdq_rows == 0 || f->pdq_rows_present > f->pdq_rows))
		return nsw_error_set(
			NSW_EINVAL, "file: partial PDQ with %u of %u rows",
			(unsigned)f->pdq_rows_present, (unsigned)f->pdq_rows);
	return NSW_OK;
}

int nsw_case_file_add(nsw_case *c, const nsw_case_file *f, int64_t *id_out,
		      int *inserted)
{
	nsw_sqlstmt *st;
	nsw_buf disp;
	char now[32];
	int rc, not_utf8 = 0;
	int64_t id = 0;

	if (id_out != NULL)
		*id_out = 0;
	if (inserted != NULL)
		*inserted = 0;
	if (c == NULL || f == NULL)
		return nsw_error_set(NSW_EINVAL, "file: NULL argument");
	rc = check_file(f);
	if (rc != NSW_OK)
		return rc;
	nsw_buf_init(&disp, 4 * NSW_PATH_MAX + 1);
	if (nsw_store__display_path(&disp, f->path, f->path_len, &not_utf8) !=
	    0) {
		rc = nsw_error_set(NSW_ENOMEM, "file: out of memory");
		goto done;
	}
	nsw_store__now_utc(now);
	rc = prepare_once(
		c, &c->st_file_add,
		"INSERT INTO files(evidence_id, scan_run_id, path, "
		"display_path, name_not_utf8, size, mtime_ns, ctime_ns, "
		"atime_ns, md5, sha1, sha256, pdq, pdq_quality, media_type, "
		"status, error, link_target, recorded_utc, pdq_dihedral, "
		"pdq_rows_present, pdq_rows, meta_addr, deleted, crtime_ns) "
		"VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,"
		"?16,?17,?18,?19,?20,?21,?22,?23,?24,?25) "
		"ON CONFLICT(evidence_id, path) DO NOTHING");
	if (rc != NSW_OK)
		goto done;
	st = c->st_file_add;
	rc = nsw_sqldb_bind_int64(st, 1, f->evidence_id);
	if (rc == NSW_OK && f->scan_run_id > 0)
		rc = nsw_sqldb_bind_int64(st, 2, f->scan_run_id);
	rc = rc ? rc : nsw_sqldb_bind_blob(st, 3, f->path, f->path_len);
	rc = rc ? rc
		: nsw_sqldb_bind_text(st, 4,
				      f->display_path != NULL ? f->display_path
							      : disp.ptr);
	rc = rc ? rc : nsw_sqldb_bind_int64(st, 5, not_utf8);
	if (rc == NSW_OK && f->size >= 0)
		rc = nsw_sqldb_bind_int64(st, 6, f->size);
	rc = rc ? rc : bind_time(st, 7, f->mtime_ns);
	rc = rc ? rc : bind_time(st, 8, f->ctime_ns);
	rc = rc ? rc : bind_time(st, 9, f->atime_ns);
	rc = rc ? rc : bind_digest(st, 10, f->has, NSW_ALGO_MD5, f->md5);
	rc = rc ? rc : bind_digest(st, 11, f->has, NSW_ALGO_SHA1, f->sha1);
	rc = rc ? rc : bind_digest(st, 12, f->has, NSW_ALGO_SHA256, f->sha256);
	rc = rc ? rc : bind_digest(st, 13, f->has, NSW_ALGO_PDQ, f->pdq.bytes);
	if (rc == NSW_OK && (f->has & NSW_CASE_HAS_PDQ))
		rc = nsw_sqldb_bind_int64(st, 14, f->pdq_quality);
	rc = rc ? rc : nsw_sqldb_bind_text(st, 15, f->media_type);
	rc = rc ? rc
		: nsw_sqldb_bind_text(st, 16, nsw_file_status_name(f->status));
	rc = rc ? rc : nsw_sqldb_bind_text(st, 17, f->error);
	if (rc == NSW_OK && f->link_target != NULL)
		rc = nsw_sqldb_bind_blob(st, 18, f->link_target,
					 f->link_target_len);
	rc = rc ? rc : nsw_sqldb_bind_text(st, 19, now);
	if (rc == NSW_OK && f->has_pdq_dihedral && (f->has & NSW_CASE_HAS_PDQ))
		rc = nsw_sqldb_bind_blob(st, 20, f->pdq_dihedral,
					 sizeof(f->pdq_dihedral));
	/* Only a partial image's PDQ gets its rows (NULL: whole image). */
	if (rc == NSW_OK && f->pdq_partial && (f->has & NSW_CASE_HAS_PDQ)) {
		rc = nsw_sqldb_bind_int64(st, 21, f->pdq_rows_present);
		rc = rc ? rc : nsw_sqldb_bind_int64(st, 22, f->pdq_rows);
	}
	/* Only disk-image entries have a metadata address (NULL: none). */
	if (rc == NSW_OK && f->in_image) {
		rc = nsw_sqldb_bind_int64(st, 23, (int64_t)f->meta_addr);
		rc = rc ? rc : nsw_sqldb_bind_int64(st, 24, f->deleted != 0);
		rc = rc ? rc : bind_time(st, 25, f->crtime_ns);
	}
	rc = rc ? rc : nsw_sqldb_run(st);
	nsw_sqldb_reset(st);
	if (rc != NSW_OK)
		goto done;
	if (nsw_sqldb_changes(c->db) == 1) {
		id = nsw_sqldb_last_insert_rowid(c->db);
		if (inserted != NULL)
			*inserted = 1;
	} else {
		rc = nsw_case_file_find(c, f->evidence_id, f->path, f->path_len,
					&id);
		if (rc == NSW_ENOTFOUND)
			rc = nsw_error_set(NSW_EINVAL,
					   "file: not recorded (unknown "
					   "evidence %lld?)",
					   (long long)f->evidence_id);
	}
	if (rc == NSW_OK && id_out != NULL)
		*id_out = id;
done:
	nsw_buf_dispose(&disp);
	return rc;
}

int nsw_store__files_link_members(nsw_case *c, int64_t evidence_id,
				  int64_t container_id, const uint8_t *path,
				  size_t path_len)
{
	nsw_sqlstmt *st = NULL;
	uint8_t *lo = NULL;
	int rc;

	if (path_len == 0 || path_len > NSW_PATH_MAX)
		return nsw_error_set(NSW_EINVAL, "file: bad container path");
	lo = nsw__malloc(path_len + 1);
	if (lo == NULL)
		return nsw_error_set(NSW_ENOMEM, "file: out of memory");
	/* Members are exactly the paths in [path "\0", path "\1"): a NUL
	 * never occurs in a name on the device. */
	memcpy(lo, path, path_len);
	lo[path_len] = 0;
	rc = prepare_once(c, &c->st_file_link,
			  "UPDATE files SET container_file_id=?2 WHERE "
			  "evidence_id=?1 AND path>=?3 AND path<?4 AND "
			  "container_file_id IS NULL AND id<>?2");
	st = c->st_file_link;
	rc = rc ? rc : nsw_sqldb_bind_int64(st, 1, evidence_id);
	rc = rc ? rc : nsw_sqldb_bind_int64(st, 2, container_id);
	rc = rc ? rc : nsw_sqldb_bind_blob(st, 3, lo, path_len + 1);
	if (rc == NSW_OK) {
		lo[path_len] = 1;
		rc = nsw_sqldb_bind_blob(st, 4, lo, path_len + 1);
	}
	rc = rc ? rc : nsw_sqldb_run(st);
	if (st != NULL)
		nsw_sqldb_reset(st);
	nsw__free(lo);
	return rc;
}

int nsw_store__file_lacks_pdq(nsw_case *c, int64_t id, int *yes)
{
	int64_t n = 0;
	int rc = nsw_store__query_int64(
		c,
		"SELECT count(*) FROM files WHERE id = ?1 AND status = 'ok' "
		"AND pdq IS NULL AND sha256 IS NOT NULL AND error IS NOT NULL "
		"AND media_type = 'image/jpeg'",
		id, &n);

	*yes = n > 0;
	return rc;
}

int nsw_store__file_add_pdq(nsw_case *c, int64_t id, const nsw_case_file *f,
			    int *updated)
{
	char detail[160];
	nsw_sqlstmt *st = NULL;
	int rc;

	*updated = 0;
	if (!(f->has & NSW_CASE_HAS_PDQ) || !(f->has & NSW_CASE_HAS_SHA256))
		return nsw_error_set(NSW_EINVAL, "file: no PDQ to add");
	rc = nsw_sqldb_prepare(
		c->db, &st,
		"UPDATE files SET pdq = ?2, pdq_quality = ?3, pdq_dihedral = "
		"?4, pdq_rows_present = ?5, pdq_rows = ?6, error = ?7 WHERE id "
		"= ?1 AND pdq IS NULL AND sha256 = ?8");
	rc = rc ? rc : nsw_sqldb_bind_int64(st, 1, id);
	rc = rc ? rc : nsw_sqldb_bind_blob(st, 2, f->pdq.bytes, NSW_PDQ_BYTES);
	rc = rc ? rc : nsw_sqldb_bind_int64(st, 3, f->pdq_quality);
	if (rc == NSW_OK && f->has_pdq_dihedral)
		rc = nsw_sqldb_bind_blob(st, 4, f->pdq_dihedral,
					 sizeof(f->pdq_dihedral));
	if (rc == NSW_OK && f->pdq_partial) {
		rc = nsw_sqldb_bind_int64(st, 5, f->pdq_rows_present);
		rc = rc ? rc : nsw_sqldb_bind_int64(st, 6, f->pdq_rows);
	}
	rc = rc ? rc : nsw_sqldb_bind_text(st, 7, f->error);
	rc = rc ? rc : nsw_sqldb_bind_blob(st, 8, f->sha256, sizeof(f->sha256));
	rc = rc ? rc : nsw_sqldb_run(st);
	nsw_sqldb_finalize(st);
	if (rc != NSW_OK || nsw_sqldb_changes(c->db) != 1)
		return rc;
	*updated = 1;
	snprintf(detail, sizeof(detail),
		 "{\"file_id\":%lld,\"pdq_rows_present\":%u,"
		 "\"pdq_rows\":%u}",
		 (long long)id, f->pdq_partial ? f->pdq_rows_present : 0,
		 f->pdq_partial ? f->pdq_rows : 0);
	return nsw_store__audit_append(c, "file.pdq_added", detail);
}

/* The columns read_file_row() expects, in order, for table alias f. */
#define FILE_COLUMNS                                                    \
	"f.id, f.evidence_id, f.scan_run_id, f.path, f.display_path, "  \
	"f.name_not_utf8, f.size, f.mtime_ns, f.ctime_ns, f.atime_ns, " \
	"f.md5, f.sha1, f.sha256, f.pdq, f.pdq_quality, f.media_type, " \
	"f.status, f.error, f.link_target, f.pdq_dihedral, "            \
	"f.pdq_rows_present, f.pdq_rows, f.meta_addr, f.deleted, "      \
	"f.crtime_ns"
#define FILE_NCOLUMNS 25

static int64_t column_time(nsw_sqlstmt *st, int col)
{
	if (nsw_sqldb_column_type(st, col) == NSW_SQL_NULL)
		return NSW_TIME_UNKNOWN;
	return nsw_sqldb_column_int64(st, col);
}

static void column_digest(nsw_sqlstmt *st, int col, nsw_algo a, uint8_t *d,
			  unsigned *has)
{
	size_t len = 0;
	const void *p = nsw_sqldb_column_blob(st, col, &len);

	if (p != NULL && len == nsw_algo_bytes(a)) {
		memcpy(d, p, len);
		*has |= 1u << a;
	}
}

/* Fill `f` from columns k.. of the current row; pointers borrowed until
 * the next step. */
static void read_file_row(nsw_sqlstmt *st, int k, nsw_case_file *f)
{
	const void *dih;
	size_t dih_len = 0;

	memset(f, 0, sizeof(*f));
	f->id = nsw_sqldb_column_int64(st, k + 0);
	f->evidence_id = nsw_sqldb_column_int64(st, k + 1);
	f->scan_run_id = nsw_sqldb_column_int64(st, k + 2);
	f->path = nsw_sqldb_column_blob(st, k + 3, &f->path_len);
	f->display_path = nsw_sqldb_column_text(st, k + 4, NULL);
	f->name_not_utf8 = (int)nsw_sqldb_column_int64(st, k + 5);
	f->size = nsw_sqldb_column_type(st, k + 6) == NSW_SQL_NULL
			  ? -1
			  : nsw_sqldb_column_int64(st, k + 6);
	f->mtime_ns = column_time(st, k + 7);
	f->ctime_ns = column_time(st, k + 8);
	f->atime_ns = column_time(st, k + 9);
	column_digest(st, k + 10, NSW_ALGO_MD5, f->md5, &f->has);
	column_digest(st, k + 11, NSW_ALGO_SHA1, f->sha1, &f->has);
	column_digest(st, k + 12, NSW_ALGO_SHA256, f->sha256, &f->has);
	column_digest(st, k + 13, NSW_ALGO_PDQ, f->pdq.bytes, &f->has);
	f->pdq_quality = (f->has & NSW_CASE_HAS_PDQ)
				 ? (int)nsw_sqldb_column_int64(st, k + 14)
				 : -1;
	f->media_type = nsw_sqldb_column_text(st, k + 15, NULL);
	f->status = status_from_name(nsw_sqldb_column_text(st, k + 16, NULL));
	f->error = nsw_sqldb_column_text(st, k + 17, NULL);
	f->link_target = nsw_sqldb_column_blob(st, k + 18, &f->link_target_len);
	dih = nsw_sqldb_column_blob(st, k + 19, &dih_len);
	if (dih != NULL && dih_len == sizeof(f->pdq_dihedral)) {
		memcpy(f->pdq_dihedral, dih, dih_len);
		f->has_pdq_dihedral = 1;
	}
	if ((f->has & NSW_CASE_HAS_PDQ) &&
	    nsw_sqldb_column_type(st, k + 20) != NSW_SQL_NULL) {
		int64_t present = nsw_sqldb_column_int64(st, k + 20);
		int64_t rows = nsw_sqldb_column_int64(st, k + 21);

		if (present >= 0 && rows >= present && rows <= UINT32_MAX) {
			f->pdq_partial = 1;
			f->pdq_rows_present = (uint32_t)present;
			f->pdq_rows = (uint32_t)rows;
		}
	}
	f->crtime_ns = NSW_TIME_UNKNOWN;
	if (nsw_sqldb_column_type(st, k + 22) != NSW_SQL_NULL) {
		f->in_image = 1;
		f->meta_addr = (uint64_t)nsw_sqldb_column_int64(st, k + 22);
		f->deleted = nsw_sqldb_column_int64(st, k + 23) != 0;
		f->crtime_ns = column_time(st, k + 24);
	}
}

/* Copy a borrowed string or byte run into owned scratch storage. */
static int keep(void **slot, const void *p, size_t len)
{
	uint8_t *copy = NULL;

	nsw__free(*slot);
	*slot = NULL;
	if (p == NULL)
		return NSW_OK;
	copy = nsw__malloc(len + 1);
	if (copy == NULL)
		return nsw_error_set(NSW_ENOMEM, "file: out of memory");
	memcpy(copy, p, len);
	copy[len] = 0;
	*slot = copy;
	return NSW_OK;
}

int nsw_case_file_get(nsw_case *c, int64_t id, nsw_case_file *out)
{
	nsw_sqlstmt *st = NULL;
	int rc;

	if (c == NULL || out == NULL)
		return nsw_error_set(NSW_EINVAL, "file: NULL argument");
	memset(out, 0, sizeof(*out));
	rc = nsw_sqldb_prepare(c->db, &st,
			       "SELECT " FILE_COLUMNS " FROM files f "
			       "WHERE f.id=?1");
	rc = rc ? rc : nsw_sqldb_bind_int64(st, 1, id);
	rc = rc ? rc : nsw_sqldb_step(st);
	if (rc == 0)
		rc = nsw_error_set(NSW_ENOTFOUND, "no file with id %lld",
				   (long long)id);
	if (rc == 1) {
		nsw_case_file f;

		read_file_row(st, 0, &f);
		*out = f;
		rc = keep((void **)&c->scratch_path, f.path, f.path_len);
		rc = rc ? rc
			: keep((void **)&c->scratch_display, f.display_path,
			       f.display_path ? strlen(f.display_path) : 0);
		rc = rc ? rc
			: keep((void **)&c->scratch_media, f.media_type,
			       f.media_type ? strlen(f.media_type) : 0);
		rc = rc ? rc
			: keep((void **)&c->scratch_error, f.error,
			       f.error ? strlen(f.error) : 0);
		rc = rc ? rc
			: keep((void **)&c->scratch_link, f.link_target,
			       f.link_target_len);
		out->path = c->scratch_path;
		out->display_path = c->scratch_display;
		out->media_type = c->scratch_media;
		out->error = c->scratch_error;
		out->link_target = c->scratch_link;
	}
	nsw_sqldb_finalize(st);
	if (rc != NSW_OK)
		memset(out, 0, sizeof(*out));
	return rc;
}

/* ---- Hits ------------------------------------------------------------ */

int nsw_case_hit_add(nsw_case *c, const nsw_case_hit *h, int64_t *id_out)
{
	nsw_sqlstmt *st;
	char now[32];
	int rc;

	if (id_out != NULL)
		*id_out = 0;
	if (c == NULL || h == NULL || (unsigned)h->algo >= NSW_ALGO_COUNT ||
	    h->dihedral < -1 || h->dihedral >= NSW_PDQ_DIHEDRAL_COUNT ||
	    h->distance < 0 || h->entry_id < 0)
		return nsw_error_set(NSW_EINVAL, "hit: bad argument");
	nsw_store__now_utc(now);
	rc = prepare_once(c, &c->st_hit_add,
			  "INSERT INTO hits(file_id, list_id, entry_id, "
			  "entry_ref, algorithm, distance, dihedral, "
			  "category_scheme, category_code, suppressed, "
			  "suppressed_by_list, recorded_utc) VALUES(?1,?2,?3,"
			  "?4,?5,?6,?7,?8,?9,?10,?11,?12) ON CONFLICT(file_id,"
			  " list_id, entry_id, algorithm) DO NOTHING");
	if (rc != NSW_OK)
		return rc;
	st = c->st_hit_add;
	rc = nsw_sqldb_bind_int64(st, 1, h->file_id);
	rc = rc ? rc : nsw_sqldb_bind_int64(st, 2, h->list_id);
	rc = rc ? rc : nsw_sqldb_bind_int64(st, 3, h->entry_id);
	rc = rc ? rc : nsw_sqldb_bind_text(st, 4, h->entry_ref);
	rc = rc ? rc : nsw_sqldb_bind_text(st, 5, nsw_algo_name(h->algo));
	rc = rc ? rc : nsw_sqldb_bind_int64(st, 6, h->distance);
	if (rc == NSW_OK && h->dihedral >= 0)
		rc = nsw_sqldb_bind_int64(st, 7, h->dihedral);
	rc = rc ? rc : nsw_sqldb_bind_text(st, 8, h->category_scheme);
	rc = rc ? rc : nsw_sqldb_bind_text(st, 9, h->category_code);
	rc = rc ? rc : nsw_sqldb_bind_int64(st, 10, h->suppressed ? 1 : 0);
	if (rc == NSW_OK && h->suppressed_by_list > 0)
		rc = nsw_sqldb_bind_int64(st, 11, h->suppressed_by_list);
	rc = rc ? rc : nsw_sqldb_bind_text(st, 12, now);
	rc = rc ? rc : nsw_sqldb_run(st);
	nsw_sqldb_reset(st);
	if (rc != NSW_OK)
		return rc;
	if (nsw_sqldb_changes(c->db) == 1) {
		if (id_out != NULL)
			*id_out = nsw_sqldb_last_insert_rowid(c->db);
		return NSW_OK;
	}
	rc = prepare_once(c, &c->st_hit_find,
			  "SELECT id FROM hits WHERE file_id=?1 AND "
			  "list_id=?2 AND entry_id=?3 AND algorithm=?4");
	st = c->st_hit_find;
	rc = rc ? rc : nsw_sqldb_bind_int64(st, 1, h->file_id);
	rc = rc ? rc : nsw_sqldb_bind_int64(st, 2, h->list_id);
	rc = rc ? rc : nsw_sqldb_bind_int64(st, 3, h->entry_id);
	rc = rc ? rc : nsw_sqldb_bind_text(st, 4, nsw_algo_name(h->algo));
	rc = rc ? rc : nsw_sqldb_step(st);
	if (rc == 1 && id_out != NULL)
		*id_out = nsw_sqldb_column_int64(st, 0);
	nsw_sqldb_reset(st);
	return rc < 0 ? rc : NSW_OK;
}

static nsw_algo algo_from_name(const char *s)
{
	for (int a = 0; s != NULL && a < NSW_ALGO_COUNT; a++)
		if (strcmp(s, nsw_algo_name((nsw_algo)a)) == 0)
			return (nsw_algo)a;
	return NSW_ALGO_COUNT;
}

int nsw_case_hits_foreach(nsw_case *c, const nsw_hit_filter *filter,
			  int (*fn)(void *ctx, const nsw_hit_row *row),
			  void *ctx)
{
	static const nsw_hit_filter none;
	nsw_sqlstmt *st = NULL;
	nsw_case_file file;
	nsw_hit_row row;
	int rc;

	if (c == NULL || fn == NULL)
		return nsw_error_set(NSW_EINVAL, "hits: NULL argument");
	if (filter == NULL)
		filter = &none;
	rc = nsw_sqldb_prepare(
		c->db, &st,
		"SELECT h.id, h.file_id, h.list_id, h.entry_id, h.entry_ref, "
		"h.algorithm, h.distance, h.dihedral, h.category_scheme, "
		"h.category_code, h.suppressed, h.suppressed_by_list, "
		"h.recorded_utc, l.name, l.version, l.checksum, l.role, "
		"e.label, " FILE_COLUMNS " FROM hits h "
		"JOIN files f ON f.id = h.file_id "
		"JOIN lists l ON l.id = h.list_id "
		"JOIN evidence e ON e.id = f.evidence_id "
		"WHERE (?1 = 0 OR f.evidence_id = ?1) "
		"AND (?2 OR h.suppressed = 0) AND (?3 OR l.role = 'match') "
		"ORDER BY f.evidence_id, f.path, l.role DESC, h.list_id, h.id");
	rc = rc ? rc : nsw_sqldb_bind_int64(st, 1, filter->evidence_id);
	rc = rc ? rc
		: nsw_sqldb_bind_int64(st, 2,
				       filter->include_suppressed ? 1 : 0);
	rc = rc ? rc : nsw_sqldb_bind_int64(st, 3, filter->include_allow);
	while (rc == NSW_OK && (rc = nsw_sqldb_step(st)) == 1) {
		const char *role;

		memset(&row, 0, sizeof(row));
		row.hit.id = nsw_sqldb_column_int64(st, 0);
		row.hit.file_id = nsw_sqldb_column_int64(st, 1);
		row.hit.list_id = nsw_sqldb_column_int64(st, 2);
		row.hit.entry_id = nsw_sqldb_column_int64(st, 3);
		row.hit.entry_ref = nsw_sqldb_column_text(st, 4, NULL);
		row.hit.algo =
			algo_from_name(nsw_sqldb_column_text(st, 5, NULL));
		row.hit.distance = (int)nsw_sqldb_column_int64(st, 6);
		row.hit.dihedral = nsw_sqldb_column_type(st, 7) == NSW_SQL_NULL
					   ? -1
					   : (int)nsw_sqldb_column_int64(st, 7);
		row.hit.category_scheme = nsw_sqldb_column_text(st, 8, NULL);
		row.hit.category_code = nsw_sqldb_column_text(st, 9, NULL);
		row.hit.suppressed = (int)nsw_sqldb_column_int64(st, 10);
		row.hit.suppressed_by_list = nsw_sqldb_column_int64(st, 11);
		row.recorded_utc = nsw_sqldb_column_text(st, 12, NULL);
		row.list_name = nsw_sqldb_column_text(st, 13, NULL);
		row.list_version = nsw_sqldb_column_text(st, 14, NULL);
		row.list_checksum = nsw_sqldb_column_text(st, 15, NULL);
		role = nsw_sqldb_column_text(st, 16, NULL);
		row.list_role = role != NULL && strcmp(role, "allow") == 0
					? NSW_LIST_ROLE_ALLOW
					: NSW_LIST_ROLE_MATCH;
		row.evidence_label = nsw_sqldb_column_text(st, 17, NULL);
		read_file_row(st, 18, &file);
		row.file = &file;
		row.scan_run_id = file.scan_run_id;
		rc = fn(ctx, &row);
	}
	nsw_sqldb_finalize(st);
	return rc;
}

int nsw_case_problems_foreach(nsw_case *c, int64_t evidence_id,
			      int (*fn)(void *ctx, const nsw_case_file *f),
			      void *ctx)
{
	nsw_sqlstmt *st = NULL;
	nsw_case_file file;
	int rc;

	if (c == NULL || fn == NULL)
		return nsw_error_set(NSW_EINVAL, "files: NULL argument");
	rc = nsw_sqldb_prepare(c->db, &st,
			       "SELECT " FILE_COLUMNS " FROM files f "
			       "WHERE f.status <> 'ok' AND (?1 = 0 OR "
			       "f.evidence_id = ?1) ORDER BY f.evidence_id, "
			       "f.path");
	rc = rc ? rc : nsw_sqldb_bind_int64(st, 1, evidence_id);
	while (rc == NSW_OK && (rc = nsw_sqldb_step(st)) == 1) {
		read_file_row(st, 0, &file);
		rc = fn(ctx, &file);
	}
	nsw_sqldb_finalize(st);
	return rc;
}

int nsw_store__files_foreach_ok(nsw_case *c, int64_t evidence_id,
				int64_t not_run,
				int (*fn)(void *ctx, const nsw_case_file *f),
				void *ctx)
{
	nsw_sqlstmt *st = NULL;
	nsw_case_file file;
	int rc;

	rc = nsw_sqldb_prepare(c->db, &st,
			       "SELECT " FILE_COLUMNS " FROM files f "
			       "WHERE f.evidence_id = ?1 AND f.status = 'ok' "
			       "AND (f.scan_run_id IS NULL OR "
			       "f.scan_run_id <> ?2) ORDER BY f.id");
	rc = rc ? rc : nsw_sqldb_bind_int64(st, 1, evidence_id);
	rc = rc ? rc : nsw_sqldb_bind_int64(st, 2, not_run);
	while (rc == NSW_OK && (rc = nsw_sqldb_step(st)) == 1) {
		read_file_row(st, 0, &file);
		rc = fn(ctx, &file);
	}
	nsw_sqldb_finalize(st);
	return rc;
}
