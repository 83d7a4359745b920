/* SPDX-License-Identifier: Apache-2.0 */
/*
 * netsweep verify: re-read an evidence item read-only and report files
 * changed, missing or new since the scan, and whether the case's file table
 * still matches the manifest root stored (and audited) when the scan ended.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "archive_reader.h"
#include "buf.h"
#include "error.h"
#include "limits.h"
#include "netsweep/scan.h"
#include "netsweep/walk.h"
#include "scan_archive.h"
#include "scan_image.h"
#include "store.h"

const char *nsw_verify_kind_name(nsw_verify_kind kind)
{
	switch (kind) {
	case NSW_VERIFY_CHANGED:
		return "changed";
	case NSW_VERIFY_MISSING:
		return "missing";
	case NSW_VERIFY_NEW:
		return "new";
	case NSW_VERIFY_UNREADABLE:
		return "unreadable";
	case NSW_VERIFY_MANIFEST:
		return "manifest";
	}
	return "?";
}

struct item {
	int64_t id;
	char *label;
	char *root;
	int is_export; /* a chat export: its recorded media, not a tree */
	int is_image;  /* a disk image: its file systems through libtsk */
	int has_image_sha256;
	uint8_t image_sha256[32];
	int has_manifest;
	uint8_t manifest[32];
};

struct items {
	struct item *v;
	size_t n, cap;
	const char *only; /* label filter, or NULL */
};

static int collect_item(void *ctx, const nsw_evidence *ev)
{
	struct items *it = ctx;
	struct item *x;

	if (it->only != NULL && strcmp(it->only, ev->label) != 0)
		return 0;
	if (it->n == it->cap) {
		size_t cap = it->cap ? it->cap * 2 : 4;
		struct item *v = nsw__reallocarray(it->v, cap, sizeof(*v));

		if (v == NULL)
			return nsw_error_set(NSW_ENOMEM,
					     "verify: out of memory");
		it->v = v;
		it->cap = cap;
	}
	x = &it->v[it->n];
	memset(x, 0, sizeof(*x));
	x->id = ev->id;
	x->label = nsw__strdup(ev->label);
	x->root = nsw__strdup(ev->source_path != NULL ? ev->source_path : "");
	x->is_export = ev->kind != NULL && strcmp(ev->kind, "chat-export") == 0;
	x->is_image = ev->kind != NULL && strcmp(ev->kind, "image") == 0;
	if (ev->image_sha256 != NULL) {
		x->has_image_sha256 = 1;
		memcpy(x->image_sha256, ev->image_sha256, 32);
	}
	it->n++;
	if (x->label == NULL || x->root == NULL)
		return nsw_error_set(NSW_ENOMEM, "verify: out of memory");
	if (ev->manifest_root != NULL && ev->manifest_root_len == 32 &&
	    ev->manifest_algo != NULL &&
	    strcmp(ev->manifest_algo, NSW_MANIFEST_ALGO) == 0) {
		x->has_manifest = 1;
		memcpy(x->manifest, ev->manifest_root, 32);
	}
	return 0;
}

struct verify {
	nsw_case *c;
	const struct item *item;
	size_t root_len;
	nsw_hasher *hasher;
	nsw_sqlstmt *find;
	uint8_t *seen;	  /* bitmap over file ids */
	uint8_t *changed; /* ... of files found changed or unreadable */
	uint8_t *reread;  /* ... of archives whose members were re-read */
	nsw_sqlstmt *has_members;
	int64_t max_id;
	void (*fn)(void *ctx, const nsw_verify_diff *diff);
	void *ctx;
	nsw_verify_result *out;
	nsw_buf disp;
	nsw_scan_image_reader *image; /* disk images: libtsk handles */
};

static void report(struct verify *v, nsw_verify_kind kind, const char *path,
		   const char *detail)
{
	nsw_verify_diff d = {kind, v->item->label, path, detail};

	switch (kind) {
	case NSW_VERIFY_CHANGED:
		v->out->changed++;
		break;
	case NSW_VERIFY_MISSING:
		v->out->missing++;
		break;
	case NSW_VERIFY_NEW:
		v->out->added++;
		break;
	case NSW_VERIFY_UNREADABLE:
		v->out->unreadable++;
		break;
	case NSW_VERIFY_MANIFEST:
		v->out->manifest_mismatch++;
		break;
	}
	if (v->fn != NULL)
		v->fn(v->ctx, &d);
}

/* Compare what hashing a file (or archive member) gave now, rc and h,
 * with its record. */
static void compare(struct verify *v, int rc, const nsw_file_hash *h,
		    const char *disp, const char *status, int64_t size,
		    const uint8_t *sha, size_t sha_len)
{
	char detail[160];
	int was_ok = strcmp(status, "ok") == 0;

	if (rc != NSW_OK) {
		if (was_ok)
			report(v, NSW_VERIFY_UNREADABLE, disp,
			       nsw_error_last());
		return;
	}
	if (!was_ok) {
		snprintf(detail, sizeof(detail), "readable now (recorded: %s)",
			 status);
		report(v, NSW_VERIFY_CHANGED, disp, detail);
	} else if ((int64_t)h->size != size) {
		snprintf(detail, sizeof(detail), "size %lld, recorded %lld",
			 (long long)h->size, (long long)size);
		report(v, NSW_VERIFY_CHANGED, disp, detail);
	} else if (sha == NULL || sha_len != 32 ||
		   memcmp(sha, h->digests.sha256, 32) != 0) {
		report(v, NSW_VERIFY_CHANGED, disp,
		       "content differs (SHA-256)");
	}
}

/* Compare a regular file now with its record. */
static void check_file(struct verify *v, const char *path, const char *disp,
		       const char *status, int64_t size, const uint8_t *sha,
		       size_t sha_len)
{
	nsw_file_hash h;
	char detail[160];
	int rc;

	if (strcmp(status, "ok") != 0 && strcmp(status, "error") != 0 &&
	    strcmp(status, "vanished") != 0) {
		snprintf(detail, sizeof(detail),
			 "now a regular file (recorded: %s)", status);
		report(v, NSW_VERIFY_CHANGED, disp, detail);
		return;
	}
	rc = nsw_hasher_file(v->hasher, &h, path);
	compare(v, rc, &h, disp, status, size, sha, sha_len);
}

static void set_bit(const struct verify *v, uint8_t *map, int64_t id)
{
	if (id > 0 && id <= v->max_id)
		map[id / 8] |= (uint8_t)(1u << (id % 8));
}

static int find_record(struct verify *v, const void *rel, size_t rel_len);
static void compare_record(struct verify *v, int rc, const nsw_file_hash *h,
			   const char *disp);

/* Compare one member read again from its (changed) archive with its
 * record, as a file is compared. */
static int reread_member(void *ctx, nsw_scan_job *job)
{
	struct verify *v = ctx;
	const uint8_t *rel = (const uint8_t *)job->path + job->rel_off;
	size_t rel_len = job->path_len - job->rel_off;
	int64_t before = v->out->changed + v->out->unreadable, id;
	const char *status;
	char detail[160];
	int rc = find_record(v, rel, rel_len);

	if (rc == 0) {
		report(v, NSW_VERIFY_NEW, job->display, "archive member");
	} else if (rc == 1) {
		id = nsw_sqldb_column_int64(v->find, 0);
		status = nsw_sqldb_column_text(v->find, 1, NULL);
		if (job->hashed) {
			compare_record(v, NSW_OK, &job->hash, job->display);
		} else if (job->status == NSW_FILE_ERROR) {
			nsw_error_set(NSW_EFORMAT, "%s",
				      job->error ? job->error : "");
			compare_record(v, NSW_EFORMAT, &job->hash,
				       job->display);
		} else if (status == NULL ||
			   strcmp(status,
				  nsw_file_status_name(
					  (nsw_file_status)job->status)) != 0) {
			snprintf(detail, sizeof(detail),
				 "now %s (recorded: %s)",
				 nsw_file_status_name(
					 (nsw_file_status)job->status),
				 status ? status : "?");
			report(v, NSW_VERIFY_CHANGED, job->display, detail);
		}
		if (v->out->changed + v->out->unreadable != before)
			set_bit(v, v->changed, id);
		/* A nested archive listed again: its members were compared
		 * one by one (before it: they come first). */
		if (job->container)
			set_bit(v, v->reread, id);
	}
	nsw_sqldb_reset(v->find);
	nsw_scan_queue__job_free(job);
	return rc < 0 ? rc : 0;
}

/* 1 when record `id` is an archive with members on record (marked then as
 * read again), 0 when not, or an error. */
static int members_on_record(struct verify *v, int64_t id)
{
	int rc;

	nsw_sqldb_reset(v->has_members);
	rc = nsw_sqldb_bind_int64(v->has_members, 1, id);
	rc = rc ? rc : nsw_sqldb_step(v->has_members);
	nsw_sqldb_reset(v->has_members);
	if (rc == 1)
		set_bit(v, v->reread, id);
	return rc;
}

/* The archive at e (record `id`) changed: when it has members on record,
 * read them again from it and compare each (what is no longer there is
 * reported missing, what was not there new). */
static int reread_members(struct verify *v, const nsw_walk_entry *e, size_t off,
			  int64_t id)
{
	nsw_scan_job top;
	int rc = members_on_record(v, id);

	if (rc != 1)
		return rc < 0 ? rc : NSW_OK;
	memset(&top, 0, sizeof(top));
	top.path = (char *)e->path; /* borrowed: not freed below */
	top.path_len = e->path_len;
	top.rel_off = off;
	top.hashed = 1;
	top.status = NSW_FILE_OK;
	rc = nsw_scan__archive_reread(&top, v->hasher, reread_member, v, NULL);
	nsw__free(top.display);
	nsw__free(top.error);
	return rc == NSW_ENOMEM || rc < 0 ? rc : NSW_OK;
}

static const char *kind_status(nsw_walk_kind kind)
{
	switch (kind) {
	case NSW_WALK_SYMLINK:
		return "skipped-symlink";
	case NSW_WALK_SPECIAL:
		return "skipped-special";
	case NSW_WALK_REVISIT:
		return "skipped-loop";
	default:
		return "error";
	}
}

static int verify_entry(void *ctx, const nsw_walk_entry *e)
{
	struct verify *v = ctx;
	const uint8_t *rel;
	size_t off, rel_len;
	int not_utf8 = 0, rc;
	int64_t id;
	const char *status;
	char detail[160];

	if (e->kind == NSW_WALK_DIR)
		return 0;
	if (e->depth == 0)
		off = e->name_offset;
	else
		off = v->root_len + (e->path[v->root_len] == '/' ? 1 : 0);
	if (off >= e->path_len)
		return 0;
	rel = (const uint8_t *)e->path + off;
	rel_len = e->path_len - off;
	nsw_buf_reset(&v->disp);
	if (nsw_store__display_path(&v->disp, rel, rel_len, &not_utf8) != 0)
		return nsw_error_set(NSW_ENOMEM, "verify: out of memory");
	nsw_sqldb_reset(v->find);
	rc = nsw_sqldb_bind_int64(v->find, 1, v->item->id);
	rc = rc ? rc : nsw_sqldb_bind_blob(v->find, 2, rel, rel_len);
	rc = rc ? rc : nsw_sqldb_step(v->find);
	if (rc < 0)
		return rc;
	if (rc == 0) {
		report(v, NSW_VERIFY_NEW, v->disp.ptr,
		       nsw_walk_kind_name(e->kind));
		return 0;
	}
	id = nsw_sqldb_column_int64(v->find, 0);
	if (id > 0 && id <= v->max_id)
		v->seen[id / 8] |= (uint8_t)(1u << (id % 8));
	v->out->checked++;
	status = nsw_sqldb_column_text(v->find, 1, NULL);
	if (status == NULL)
		status = "";
	if (e->kind == NSW_WALK_FILE) {
		size_t sha_len = 0;
		const uint8_t *sha =
			nsw_sqldb_column_blob(v->find, 3, &sha_len);
		uint8_t copy[32];
		int64_t before = v->out->changed,
			unreadable = v->out->unreadable;

		if (sha != NULL && sha_len == 32)
			memcpy(copy, sha, 32);
		check_file(v, e->path, v->disp.ptr, status,
			   nsw_sqldb_column_int64(v->find, 2),
			   sha != NULL && sha_len == 32 ? copy : NULL, sha_len);
		/* An archive's members are checked through it: unchanged,
		 * they are unchanged; changed, they are read again from it;
		 * unreadable, they are reported with it (member_checked). */
		if (v->out->unreadable != unreadable)
			set_bit(v, v->changed, id);
		else if (v->out->changed != before) {
			set_bit(v, v->changed, id);
			return reread_members(v, e, off, id);
		}
		return 0;
	}
	if (e->kind == NSW_WALK_ERROR) {
		if (strcmp(status, "ok") == 0)
			report(v, NSW_VERIFY_UNREADABLE, v->disp.ptr,
			       e->message != NULL ? e->message : "");
		return 0;
	}
	if (strcmp(status, kind_status(e->kind)) != 0) {
		snprintf(detail, sizeof(detail), "now %s (recorded: %s)",
			 nsw_walk_kind_name(e->kind), status);
		report(v, NSW_VERIFY_CHANGED, v->disp.ptr, detail);
	} else if (e->kind == NSW_WALK_SYMLINK) {
		char target[NSW_PATH_MAX];
		size_t old_len = 0;
		const void *old = nsw_sqldb_column_blob(v->find, 4, &old_len);
		ssize_t n = readlink(e->path, target, sizeof(target));

		if (n < 0 || (size_t)n != old_len ||
		    (old_len > 0 && memcmp(old, target, old_len) != 0))
			report(v, NSW_VERIFY_CHANGED, v->disp.ptr,
			       "link target differs");
	}
	return 0;
}

static int has_bit(const struct verify *v, const uint8_t *map, int64_t id)
{
	return id > 0 && id <= v->max_id && (map[id / 8] & (1u << (id % 8)));
}

/*
 * A member of an archive found on the device (container_file_id set) is
 * not on the device itself: it is as recorded when its archive is, by the
 * archive's SHA-256 (same bytes, same members). It is reported changed
 * when its archive changed, and missing when its archive is. Members are
 * recorded before their archive, so walking ids downwards meets an
 * archive before its members, nested ones included.
 */
static int member_checked(struct verify *v, int64_t id, int64_t container,
			  const char *disp)
{
	/* Members of an archive read again were compared one by one: one
	 * not seen then is missing. */
	if (container <= 0 || !has_bit(v, v->seen, container) ||
	    has_bit(v, v->reread, container))
		return 0;
	v->seen[id / 8] |= (uint8_t)(1u << (id % 8));
	v->out->checked++;
	if (has_bit(v, v->changed, container)) {
		v->changed[id / 8] |= (uint8_t)(1u << (id % 8));
		report(v, NSW_VERIFY_CHANGED, disp,
		       "its archive cannot be read now");
	}
	return 1;
}

static int report_missing(struct verify *v)
{
	nsw_sqlstmt *st = NULL;
	int rc;

	rc = nsw_sqldb_prepare(v->c->db, &st,
			       "SELECT id, display_path, container_file_id "
			       "FROM files WHERE evidence_id=?1 ORDER BY id "
			       "DESC");
	rc = rc ? rc : nsw_sqldb_bind_int64(st, 1, v->item->id);
	while (rc == NSW_OK && (rc = nsw_sqldb_step(st)) == 1) {
		int64_t id = nsw_sqldb_column_int64(st, 0);
		const char *disp = nsw_sqldb_column_text(st, 1, NULL);

		rc = NSW_OK;
		if (has_bit(v, v->seen, id) ||
		    (id > 0 && id <= v->max_id &&
		     member_checked(v, id, nsw_sqldb_column_int64(st, 2),
				    disp != NULL ? disp : "")))
			continue;
		v->out->checked++;
		report(v, NSW_VERIFY_MISSING, disp != NULL ? disp : "",
		       "recorded, not found now");
	}
	nsw_sqldb_finalize(st);
	return rc;
}

static int max_file_id(nsw_case *c, int64_t *out)
{
	nsw_sqlstmt *st = NULL;
	int rc;

	*out = 0;
	rc = nsw_sqldb_prepare(c->db, &st,
			       "SELECT coalesce(max(id), 0) FROM files");
	rc = rc ? rc : nsw_sqldb_step(st);
	if (rc == 1)
		*out = nsw_sqldb_column_int64(st, 0);
	nsw_sqldb_finalize(st);
	return rc < 0 ? rc : NSW_OK;
}

/* ---- Chat exports ------------------------------------------------------
 * An export is not a tree of evidence: its media were recorded by path
 * relative to the export (the folder, or the folder of the .txt/.json
 * given), or by member name inside its .zip. Those records are re-read and
 * compared; files the ingest did not record (the chat text itself) are not
 * reported as new. */

/* Look `rel` up among the item's records: 1 with its columns current in
 * v->find (and marked seen), 0 when not recorded, or an error. */
static int find_record(struct verify *v, const void *rel, size_t rel_len)
{
	int64_t id;
	int rc;

	nsw_sqldb_reset(v->find);
	rc = nsw_sqldb_bind_int64(v->find, 1, v->item->id);
	rc = rc ? rc : nsw_sqldb_bind_blob(v->find, 2, rel, rel_len);
	rc = rc ? rc : nsw_sqldb_step(v->find);
	if (rc != 1)
		return rc;
	id = nsw_sqldb_column_int64(v->find, 0);
	if (id > 0 && id <= v->max_id)
		v->seen[id / 8] |= (uint8_t)(1u << (id % 8));
	v->out->checked++;
	return 1;
}

/* Compare the current record of v->find with hashing outcome (rc, h). */
static void compare_record(struct verify *v, int rc, const nsw_file_hash *h,
			   const char *disp)
{
	const char *status = nsw_sqldb_column_text(v->find, 1, NULL);
	size_t sha_len = 0;
	const uint8_t *sha = nsw_sqldb_column_blob(v->find, 3, &sha_len);
	uint8_t copy[32];

	if (sha != NULL && sha_len == 32)
		memcpy(copy, sha, 32);
	compare(v, rc, h, disp, status ? status : "",
		nsw_sqldb_column_int64(v->find, 2),
		sha != NULL && sha_len == 32 ? copy : NULL, sha_len);
}

static int member_read(void *ctx, uint8_t *buf, size_t cap, size_t *got)
{
	return nsw_archive_read(ctx, buf, cap, got);
}

/* A .zip export: every recorded member, re-read from the zip. */
static int verify_zip_export(struct verify *v)
{
	nsw_archive *a = NULL;
	nsw_file_hash h;
	const char *name;
	int is_file, rc;

	rc = nsw_archive_open(&a, v->item->root);
	while (rc == NSW_OK) {
		int64_t size = -1, mtime;

		rc = nsw_archive_next(a, &name, &is_file);
		if (rc == 1) {
			rc = NSW_OK;
			break;
		}
		if (rc == NSW_ELIMIT && name != NULL) {
			rc = find_record(v, name, strlen(name));
			if (rc == 1)
				compare_record(v, NSW_ELIMIT, &h, name);
			rc = rc < 0 ? rc : NSW_OK;
			continue;
		}
		if (rc != NSW_OK || !is_file)
			continue;
		rc = find_record(v, name, strlen(name));
		if (rc != 1) {
			rc = rc < 0 ? rc : NSW_OK;
			continue;
		}
		nsw_archive_entry_meta(a, &size, &mtime);
		rc = nsw_hasher_stream(v->hasher, &h, member_read, a, size,
				       name);
		if (rc == NSW_ENOMEM)
			break;
		compare_record(v, rc, &h, name);
		rc = NSW_OK;
	}
	if (rc != NSW_OK && rc != NSW_ENOMEM) {
		/* The zip cannot be read (further): what was not reached is
		 * reported missing, with the reason first. */
		report(v, NSW_VERIFY_UNREADABLE, "", nsw_error_last());
		rc = NSW_OK;
	}
	nsw_archive_free(a);
	return rc;
}

/* A folder export (or one given as its .txt/.json): every recorded file,
 * re-read under the export's folder. */
static int verify_export(struct verify *v, int root_is_dir)
{
	nsw_sqlstmt *st = NULL;
	nsw_file_hash h;
	nsw_buf path;
	const char *root = v->item->root, *slash = strrchr(root, '/');
	size_t base_len = root_is_dir ? strlen(root)
			  : slash     ? (size_t)(slash - root)
				      : 0;
	int rc;

	nsw_buf_init(&path, 2 * NSW_PATH_MAX);
	rc = nsw_sqldb_prepare(v->c->db, &st,
			       "SELECT path, display_path FROM files WHERE "
			       "evidence_id=?1 ORDER BY path");
	rc = rc ? rc : nsw_sqldb_bind_int64(st, 1, v->item->id);
	while (rc == NSW_OK && (rc = nsw_sqldb_step(st)) == 1) {
		size_t rel_len = 0;
		const char *rel = nsw_sqldb_column_blob(st, 0, &rel_len);
		struct stat fst;
		const char *disp;

		nsw_buf_reset(&path);
		rc = base_len ? nsw_buf_printf(&path, "%.*s/", (int)base_len,
					       root)
			      : 0;
		rc = rc < 0 ? rc : nsw_buf_put(&path, rel, rel_len);
		if (rc < 0) {
			rc = nsw_error_set(NSW_ELIMIT, "verify: path too long");
			break;
		}
		if (lstat(path.ptr, &fst) != 0)
			continue; /* reported missing below */
		rc = find_record(v, rel, rel_len);
		if (rc < 0)
			break;
		if (rc == 0) { /* cannot happen: the path came from there */
			rc = NSW_OK;
			continue;
		}
		rc = nsw_hasher_file(v->hasher, &h, path.ptr);
		if (rc == NSW_ENOMEM)
			break;
		disp = nsw_sqldb_column_text(st, 1, NULL);
		compare_record(v, rc, &h, disp ? disp : "");
		rc = NSW_OK;
	}
	nsw_sqldb_finalize(st);
	nsw_buf_dispose(&path);
	return rc < 0 ? rc : NSW_OK;
}

/* ---- Disk images -------------------------------------------------------
 * The image's media digest first (a different image is reported once),
 * then every entry of its file systems, re-read through libtsk as the scan
 * read it, by its recorded path "pN/...". */

static int verify_image_entry(void *ctx, const nsw_walk_entry *e,
			      const nsw_scan_image_ref *ref)
{
	struct verify *v = ctx;
	nsw_scan_job job;
	const char *status;
	char detail[160];
	int64_t id, changed = v->out->changed, unreadable = v->out->unreadable;
	int not_utf8 = 0, rc;

	nsw_buf_reset(&v->disp);
	if (nsw_store__display_path(&v->disp, (const uint8_t *)e->path,
				    e->path_len, &not_utf8) != 0)
		return nsw_error_set(NSW_ENOMEM, "verify: out of memory");
	rc = find_record(v, e->path, e->path_len);
	if (rc <= 0) {
		if (rc == 0)
			report(v, NSW_VERIFY_NEW, v->disp.ptr,
			       nsw_walk_kind_name(e->kind));
		return rc;
	}
	id = nsw_sqldb_column_int64(v->find, 0);
	status = nsw_sqldb_column_text(v->find, 1, NULL);
	status = status != NULL ? status : "";
	if (e->kind == NSW_WALK_ERROR) {
		if (strcmp(status, "ok") == 0)
			report(v, NSW_VERIFY_UNREADABLE, v->disp.ptr,
			       e->message != NULL ? e->message : "");
		set_bit(v, v->changed, id); /* members go with it */
		return NSW_OK;
	}
	if (e->kind != NSW_WALK_FILE) {
		if (strcmp(status, kind_status(e->kind)) != 0) {
			snprintf(detail, sizeof(detail),
				 "now %s (recorded: %s)",
				 nsw_walk_kind_name(e->kind), status);
			report(v, NSW_VERIFY_CHANGED, v->disp.ptr, detail);
		}
		return NSW_OK;
	}
	memset(&job, 0, sizeof(job));
	job.path = (char *)e->path;
	job.path_len = e->path_len;
	job.kind = NSW_WALK_FILE;
	job.in_image = 1;
	job.image_fs = ref->fs;
	job.meta_addr = ref->meta_addr;
	rc = nsw_scan_image__process(&v->image, v->item->root, v->hasher, &job);
	if (rc == NSW_OK && !job.hashed)
		nsw_error_set(NSW_EIO, "%s", job.error ? job.error : "");
	if (rc == NSW_OK)
		compare_record(v, job.hashed ? NSW_OK : NSW_EIO, &job.hash,
			       v->disp.ptr);
	/* An archive in the image, as one on a device (verify_entry):
	 * unchanged, its members are; changed, they are read again from it
	 * through the image; unreadable, they are reported with it. */
	if (v->out->unreadable != unreadable)
		set_bit(v, v->changed, id);
	else if (rc == NSW_OK && v->out->changed != changed) {
		set_bit(v, v->changed, id);
		rc = members_on_record(v, id);
		rc = rc != 1 ? rc
			     : nsw_scan_image__archive(v->image, &job,
						       v->hasher, NULL, NULL,
						       NULL, reread_member, v);
		rc = rc < 0 ? rc : NSW_OK;
	}
	nsw__free(job.error);
	nsw__free(job.display);
	nsw__free(job.link);
	return rc;
}

static int verify_image(struct verify *v)
{
	const struct item *item = v->item;
	uint8_t sha[32];
	char now[65], was[65], detail[200];
	int64_t size = 0;
	int rc;

	rc = nsw_scan_image__sha256(item->root, NULL, sha, &size, NULL, NULL);
	if (rc == NSW_ENOMEM)
		return rc;
	if (rc != NSW_OK) {
		report(v, NSW_VERIFY_UNREADABLE, "", nsw_error_last());
		return NSW_OK; /* every record is reported missing below */
	}
	if (item->has_image_sha256 &&
	    memcmp(sha, item->image_sha256, 32) != 0) {
		nsw_hex_encode(now, sha, 32);
		nsw_hex_encode(was, item->image_sha256, 32);
		snprintf(detail, sizeof(detail),
			 "image SHA-256 %s, recorded %s", now, was);
		report(v, NSW_VERIFY_CHANGED, "", detail);
	}
	rc = nsw_scan_image__walk(item->root, verify_image_entry, v);
	nsw_scan_image__reader_free(v->image);
	v->image = NULL;
	if (rc != NSW_OK && rc != NSW_ENOMEM) {
		report(v, NSW_VERIFY_UNREADABLE, "", nsw_error_last());
		rc = NSW_OK;
	}
	return rc;
}

static int verify_item(struct verify *v, const struct item *item)
{
	uint8_t root[32];
	struct stat st;
	int rc;

	v->item = item;
	v->root_len = strlen(item->root);
	v->out->evidence++;
	rc = nsw_case_evidence_manifest(v->c, item->id, root, NULL);
	if (rc != NSW_OK)
		return rc;
	if (item->has_manifest && memcmp(root, item->manifest, 32) != 0)
		report(v, NSW_VERIFY_MANIFEST, "",
		       "the case's file records no longer match the manifest "
		       "root stored when the scan ended");
	if (stat(item->root, &st) != 0)
		return nsw_error_set(errno == ENOENT ? NSW_ENOTFOUND : NSW_EIO,
				     "evidence %s: %s: %s", item->label,
				     item->root, strerror(errno));
	memset(v->seen, 0, (size_t)(v->max_id / 8 + 1));
	memset(v->changed, 0, (size_t)(v->max_id / 8 + 1));
	memset(v->reread, 0, (size_t)(v->max_id / 8 + 1));
	if (item->is_image)
		rc = verify_image(v);
	else if (item->is_export)
		rc = S_ISREG(st.st_mode) && nsw_archive_is_zip(item->root)
			     ? verify_zip_export(v)
			     : verify_export(v, S_ISDIR(st.st_mode));
	else
		rc = nsw_walk(item->root, NSW_WALK_FOLLOW_ROOT, verify_entry,
			      v);
	nsw_sqldb_reset(v->find); /* end its read before other statements */
	return rc ? rc : report_missing(v);
}

static void free_items(struct items *it)
{
	for (size_t i = 0; i < it->n; i++) {
		nsw__free(it->v[i].label);
		nsw__free(it->v[i].root);
	}
	nsw__free(it->v);
}

int nsw_scan_verify(const char *case_path, const char *label,
		    void (*fn)(void *ctx, const nsw_verify_diff *diff),
		    void *ctx, nsw_verify_result *out)
{
	struct items items = {NULL, 0, 0, label};
	struct verify v;
	char detail[256];
	int rc;

	if (case_path == NULL || out == NULL)
		return nsw_error_set(NSW_EINVAL, "verify: bad arguments");
	memset(out, 0, sizeof(*out));
	memset(&v, 0, sizeof(v));
	v.fn = fn;
	v.ctx = ctx;
	v.out = out;
	nsw_buf_init(&v.disp, 4 * NSW_PATH_MAX + 1);
	rc = nsw_case_open(&v.c, case_path, 0);
	rc = rc ? rc : nsw_case_evidence_foreach(v.c, collect_item, &items);
	if (rc == NSW_OK && label != NULL && items.n == 0)
		rc = nsw_error_set(NSW_ENOTFOUND, "no evidence labelled '%s'",
				   label);
	rc = rc ? rc : max_file_id(v.c, &v.max_id);
	if (rc == NSW_OK) {
		v.seen = nsw__calloc((size_t)(v.max_id / 8 + 1), 1);
		v.changed = nsw__calloc((size_t)(v.max_id / 8 + 1), 1);
		v.reread = nsw__calloc((size_t)(v.max_id / 8 + 1), 1);
		if (v.seen == NULL || v.changed == NULL || v.reread == NULL)
			rc = nsw_error_set(NSW_ENOMEM, "verify: out of memory");
	}
	rc = rc ? rc
		: nsw_hasher_new(&v.hasher, NSW_ALGO_BIT(NSW_ALGO_SHA256), 0);
	rc = rc ? rc
		: nsw_sqldb_prepare(v.c->db, &v.has_members,
				    "SELECT 1 FROM files WHERE "
				    "container_file_id=?1 LIMIT 1");
	rc = rc ? rc
		: nsw_sqldb_prepare(v.c->db, &v.find,
				    "SELECT id, status, coalesce(size, -1), "
				    "sha256, link_target FROM files WHERE "
				    "evidence_id=?1 AND path=?2");
	for (size_t i = 0; rc == NSW_OK && i < items.n; i++)
		rc = verify_item(&v, &items.v[i]);
	if (rc == NSW_OK) {
		snprintf(detail, sizeof(detail),
			 "{\"evidence\":%lld,\"checked\":%lld,\"changed\":%lld,"
			 "\"missing\":%lld,\"new\":%lld,\"unreadable\":%lld,"
			 "\"manifest_mismatch\":%lld}",
			 (long long)out->evidence, (long long)out->checked,
			 (long long)out->changed, (long long)out->missing,
			 (long long)out->added, (long long)out->unreadable,
			 (long long)out->manifest_mismatch);
		rc = nsw_case_audit_append(v.c, "evidence.verify", detail);
	}
	nsw_sqldb_finalize(v.find);
	nsw_hasher_free(v.hasher);
	nsw__free(v.seen);
	nsw__free(v.changed);
	nsw__free(v.reread);
	nsw_sqldb_finalize(v.has_members);
	nsw_buf_dispose(&v.disp);
	nsw_case_close(v.c);
	free_items(&items);
	return rc;
}
