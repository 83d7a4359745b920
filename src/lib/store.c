/* SPDX-License-Identifier: Apache-2.0 */
/* The case file: create, open, metadata, transactions, evidence, lists. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "buf.h"
#include "error.h"
#include "limits.h"
#include "netsweep/digest.h"
#include "store.h"

void nsw_store__now_utc(char out[32])
{
	struct timespec ts;
	struct tm tm;
	char base[24];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, 32, "%.19s.%03dZ", base,
		 (int)(ts.tv_nsec / 1000000L) % 1000);
}

int nsw_store__json_str(nsw_buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	int rc = nsw_buf_putc(b, '"');

	for (const unsigned char *p = (const unsigned char *)s;
	     rc == 0 && *p != '\0'; p++) {
		if (*p == '"' || *p == '\\') {
			char esc[2] = {'\\', (char)*p};

			rc = nsw_buf_put(b, esc, 2);
		} else if (*p < 0x20 || *p == 0x7f) {
			char esc[6] = {'\\', 'u',	   '0',
				       '0',  hex[*p >> 4], hex[*p & 15]};

			rc = nsw_buf_put(b, esc, 6);
		} else {
			rc = nsw_buf_putc(b, (char)*p);
		}
	}
	if (rc == 0)
		rc = nsw_buf_putc(b, '"');
	return rc;
}

int nsw_store__in_tx(nsw_case *c, int (*fn)(nsw_case *c, void *arg), void *arg)
{
	int rc;

	if (nsw_sqldb_in_transaction(c->db))
		return fn(c, arg);
	rc = nsw_sqldb_begin_immediate(c->db);
	if (rc != NSW_OK)
		return rc;
	rc = fn(c, arg);
	if (rc == NSW_OK)
		rc = nsw_sqldb_commit(c->db);
	if (rc != NSW_OK)
		nsw_sqldb_rollback(c->db);
	return rc;
}

char *nsw_store__init_detail(const nsw_case *c)
{
	nsw_buf b;
	int rc;

	nsw_buf_init(&b, 4 * NSW_CASE_TEXT_MAX + 256);
	rc = nsw_buf_puts(&b, "{\"uuid\":");
	rc = rc ? rc : nsw_store__json_str(&b, c->uuid);
	rc = rc ? rc : nsw_buf_puts(&b, ",\"name\":");
	rc = rc ? rc : nsw_store__json_str(&b, c->name);
	rc = rc ? rc : nsw_buf_puts(&b, ",\"examiner\":");
	rc = rc ? rc : nsw_store__json_str(&b, c->examiner);
	rc = rc ? rc : nsw_buf_puts(&b, ",\"created_utc\":");
	rc = rc ? rc : nsw_store__json_str(&b, c->created_utc);
	rc = rc ? rc : nsw_buf_puts(&b, ",\"netsweep\":");
	rc = rc ? rc : nsw_store__json_str(&b, c->created_by_version);
	rc = rc ? rc : nsw_buf_putc(&b, '}');
	if (rc != 0) {
		nsw_buf_dispose(&b);
		return NULL;
	}
	return nsw_buf_detach(&b);
}

/* Free everything but the struct's own memory; NULL-safe fields. */
static void case_free(nsw_case *c)
{
	if (c == NULL)
		return;
	nsw_store__files_close(c);
	if (c->db != NULL)
		nsw_sqldb_rollback(c->db);
	nsw_sqldb_close(c->db);
	nsw__free(c->actor);
	nsw__free(c->uuid);
	nsw__free(c->name);
	nsw__free(c->examiner);
	nsw__free(c->created_utc);
	nsw__free(c->created_by_version);
	nsw__free(c->scratch_display);
	nsw__free(c->scratch_media);
	nsw__free(c->scratch_error);
	nsw__free(c->scratch_path);
	nsw__free(c->scratch_link);
	nsw__free(c);
}

void nsw_case_close(nsw_case *c)
{
	case_free(c);
}

static int check_text(const char *what, const char *s)
{
	if (s == NULL || s[0] == '\0')
		return nsw_error_set(NSW_EINVAL, "%s is empty", what);
	if (strlen(s) > NSW_CASE_TEXT_MAX)
		return nsw_error_set(NSW_ELIMIT, "%s longer than %d bytes",
				     what, NSW_CASE_TEXT_MAX);
	return NSW_OK;
}

static void fill_meta(nsw_case *c, int version)
{
	c->meta.uuid = c->uuid;
	c->meta.name = c->name;
	c->meta.examiner = c->examiner;
	c->meta.created_utc = c->created_utc;
	c->meta.created_by_version = c->created_by_version;
	c->meta.schema_version = version;
}

static int case_alloc(nsw_case **out, const char *path, unsigned flags)
{
	nsw_case *c = nsw__calloc(1, sizeof(*c));

	*out = NULL;
	if (c == NULL)
		return nsw_error_set(NSW_ENOMEM, "%s: out of memory", path);
	c->flags = flags;
	*out = c;
	return NSW_OK;
}

/* Per-connection settings. FULL: a committed batch survives power loss,
 * which the resumable scan promises. */
static int connection_pragmas(nsw_case *c)
{
	return nsw_sqldb_exec(c->db, "PRAGMA synchronous=FULL;");
}

static int insert_meta(nsw_case *c, void *arg)
{
	nsw_sqlstmt *st = NULL;
	char *detail = NULL;
	int rc;

	(void)arg;
	rc = nsw_sqldb_prepare(c->db, &st,
			       "INSERT INTO case_meta(id, uuid, name, "
			       "examiner, created_utc, created_by_version) "
			       "VALUES(1, ?1, ?2, ?3, ?4, ?5)");
	if (rc != NSW_OK)
		return rc;
	rc = nsw_sqldb_bind_text(st, 1, c->uuid);
	rc = rc ? rc : nsw_sqldb_bind_text(st, 2, c->name);
	rc = rc ? rc : nsw_sqldb_bind_text(st, 3, c->examiner);
	rc = rc ? rc : nsw_sqldb_bind_text(st, 4, c->created_utc);
	rc = rc ? rc : nsw_sqldb_bind_text(st, 5, c->created_by_version);
	rc = rc ? rc : nsw_sqldb_run(st);
	nsw_sqldb_finalize(st);
	if (rc != NSW_OK)
		return rc;
	detail = nsw_store__init_detail(c);
	if (detail == NULL)
		return nsw_error_set(NSW_ENOMEM,
				     "case metadata: out of memory");
	rc = nsw_store__audit_append(c, "case.init", detail);
	nsw__free(detail);
	return rc;
}

static int new_uuid(char **out)
{
	static const char hex[] = "0123456789abcdef";
	uint8_t raw[16];
	char text[33];

	if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw))
		return nsw_error_set(NSW_EIO, "getrandom: %s", strerror(errno));
	for (size_t i = 0; i < sizeof(raw); i++) {
		text[2 * i] = hex[raw[i] >> 4];
		text[2 * i + 1] = hex[raw[i] & 15];
	}
	text[32] = '\0';
	*out = nsw__strdup(text);
	return *out != NULL ? NSW_OK
			    : nsw_error_set(NSW_ENOMEM, "out of memory");
}

/* Remove a case file we just failed to create, and its WAL companions. */
static void remove_partial(const char *path)
{
	static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
	char name[NSW_PATH_MAX + 16];

	for (size_t i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		snprintf(name, sizeof(name), "%s%s", path, suffix[i]);
		unlink(name);
	}
}

int nsw_case_create(nsw_case **out, const char *path, const char *name,
		    const char *examiner)
{
	nsw_case *c = NULL;
	char now[32], setup[64];
	struct stat st;
	int rc, from = 0, created = 0;

	if (out == NULL || path == NULL)
		return nsw_error_set(NSW_EINVAL, "case: no path");
	*out = NULL;
	rc = check_text("case name", name);
	rc = rc ? rc : check_text("examiner", examiner);
	if (rc != NSW_OK)
		return rc;
	if (lstat(path, &st) == 0)
		return nsw_error_set(NSW_EINVAL, "%s: already exists", path);
	rc = case_alloc(&c, path, 0);
	if (rc != NSW_OK)
		return rc;
	rc = nsw_sqldb_open(&c->db, path, NSW_SQLDB_CREATE);
	if (rc != NSW_OK)
		goto done;
	created = 1;
	snprintf(setup, sizeof(setup),
		 "PRAGMA application_id=%d; PRAGMA journal_mode=WAL;",
		 NSW_CASE_APPLICATION_ID);
	rc = nsw_sqldb_exec(c->db, setup);
	rc = rc ? rc : connection_pragmas(c);
	if (rc != NSW_OK)
		goto done;
	nsw_store__now_utc(now);
	c->name = nsw__strdup(name);
	c->examiner = nsw__strdup(examiner);
	c->actor = nsw__strdup(examiner);
	c->created_utc = nsw__strdup(now);
	c->created_by_version = nsw__strdup(NSW_VERSION);
	if (c->name == NULL || c->examiner == NULL || c->actor == NULL ||
	    c->created_utc == NULL || c->created_by_version == NULL) {
		rc = nsw_error_set(NSW_ENOMEM, "%s: out of memory", path);
		goto done;
	}
	rc = new_uuid(&c->uuid);
	/* The whole schema, then case.init as audit entry 1. */
	rc = rc ? rc : nsw_store__migrate(c, NSW_CASE_SCHEMA_VERSION, &from, 0);
	rc = rc ? rc : nsw_store__in_tx(c, insert_meta, NULL);
	if (rc != NSW_OK)
		goto done;
	fill_meta(c, NSW_CASE_SCHEMA_VERSION);
	*out = c;
	c = NULL;
done:
	case_free(c);
	if (rc != NSW_OK && created)
		remove_partial(path);
	return rc;
}

static int dup_column(nsw_sqlstmt *st, int col, char **out)
{
	const char *s = nsw_sqldb_column_text(st, col, NULL);

	*out = nsw__strdup(s != NULL ? s : "");
	return *out != NULL ? NSW_OK
			    : nsw_error_set(NSW_ENOMEM, "out of memory");
}

static int load_meta(nsw_case *c)
{
	nsw_sqlstmt *st = NULL;
	int rc;

	rc = nsw_sqldb_prepare(c->db, &st,
			       "SELECT uuid, name, examiner, created_utc, "
			       "created_by_version FROM case_meta WHERE id=1");
	if (rc != NSW_OK)
		return rc;
	rc = nsw_sqldb_step(st);
	if (rc == 0)
		rc = nsw_error_set(NSW_EFORMAT, "%s: case metadata missing",
				   nsw_sqldb_path(c->db));
	if (rc == 1) {
		rc = dup_column(st, 0, &c->uuid);
		rc = rc ? rc : dup_column(st, 1, &c->name);
		rc = rc ? rc : dup_column(st, 2, &c->examiner);
		rc = rc ? rc : dup_column(st, 3, &c->created_utc);
		rc = rc ? rc : dup_column(st, 4, &c->created_by_version);
		rc = rc ? rc : dup_column(st, 2, &c->actor);
	}
	nsw_sqldb_finalize(st);
	return rc;
}

static int check_application_id(nsw_case *c)
{
	nsw_sqlstmt *st = NULL;
	int rc;

	rc = nsw_sqldb_prepare(c->db, &st, "PRAGMA application_id;");
	if (rc != NSW_OK)
		return rc;
	rc = nsw_sqldb_step(st);
	if (rc == 1)
		rc = nsw_sqldb_column_int64(st, 0) == NSW_CASE_APPLICATION_ID
			     ? NSW_OK
			     : nsw_error_set(NSW_EFORMAT,
					     "%s: not a netsweep case",
					     nsw_sqldb_path(c->db));
	else if (rc == 0)
		rc = nsw_error_set(NSW_EFORMAT, "%s: not a netsweep case",
				   nsw_sqldb_path(c->db));
	nsw_sqldb_finalize(st);
	return rc;
}

int nsw_case_open(nsw_case **out, const char *path, unsigned flags)
{
	nsw_case *c = NULL;
	int rc, version = 0;

	if (out == NULL || path == NULL)
		return nsw_error_set(NSW_EINVAL, "case: no path");
	*out = NULL;
	if (flags & ~NSW_CASE_READONLY)
		return nsw_error_set(NSW_EINVAL, "case: unknown flags");
	rc = case_alloc(&c, path, flags);
	if (rc != NSW_OK)
		return rc;
	rc = nsw_sqldb_open(&c->db, path,
			    (flags & NSW_CASE_READONLY) ? NSW_SQLDB_READONLY
							: 0);
	rc = rc ? rc : check_application_id(c);
	rc = rc ? rc : nsw_sqldb_user_version(c->db, &version);
	if (rc != NSW_OK)
		goto done;
	if (version < 1 || version > NSW_CASE_SCHEMA_VERSION) {
		rc = nsw_error_set(version < 1 ? NSW_EFORMAT : NSW_EUNSUPPORTED,
				   "%s: case schema %d, this netsweep reads "
				   "1 to %d",
				   path, version, NSW_CASE_SCHEMA_VERSION);
		goto done;
	}
	if (!(flags & NSW_CASE_READONLY)) {
		rc = connection_pragmas(c);
		rc = rc ? rc : load_meta(c);
		rc = rc ? rc
			: nsw_store__migrate(c, NSW_CASE_SCHEMA_VERSION,
					     &version, 1);
		version = NSW_CASE_SCHEMA_VERSION;
	} else if (version < NSW_CASE_SCHEMA_VERSION) {
		rc = nsw_error_set(NSW_EUNSUPPORTED,
				   "%s: case schema %d needs upgrading to %d: "
				   "open it read-write once",
				   path, version, NSW_CASE_SCHEMA_VERSION);
	} else {
		rc = load_meta(c);
	}
	if (rc != NSW_OK)
		goto done;
	fill_meta(c, version);
	*out = c;
	c = NULL;
done:
	case_free(c);
	return rc;
}

const nsw_case_meta *nsw_case_get_meta(const nsw_case *c)
{
	return c != NULL ? &c->meta : NULL;
}

int nsw_case_set_actor(nsw_case *c, const char *actor)
{
	char *copy;
	int rc = check_text("actor", actor);

	if (rc != NSW_OK || c == NULL)
		return rc ? rc : nsw_error_set(NSW_EINVAL, "case: NULL");
	copy = nsw__strdup(actor);
	if (copy == NULL)
		return nsw_error_set(NSW_ENOMEM, "out of memory");
	nsw__free(c->actor);
	c->actor = copy;
	return NSW_OK;
}

int nsw_case_begin(nsw_case *c)
{
	if (c == NULL || nsw_sqldb_in_transaction(c->db))
		return nsw_error_set(NSW_EINVAL,
				     "case: a transaction is already open");
	return nsw_sqldb_begin_immediate(c->db);
}

int nsw_case_commit(nsw_case *c)
{
	if (c == NULL || !nsw_sqldb_in_transaction(c->db))
		return nsw_error_set(NSW_EINVAL, "case: no transaction open");
	return nsw_sqldb_commit(c->db);
}

void nsw_case_rollback(nsw_case *c)
{
	if (c != NULL)
		nsw_sqldb_rollback(c->db);
}

/* ---- Evidence -------------------------------------------------------- */

struct evidence_add {
	const nsw_evidence *ev;
	int64_t id;
};

static int evidence_add_tx(nsw_case *c, void *arg)
{
	struct evidence_add *a = arg;
	const nsw_evidence *ev = a->ev;
	const char *by = ev->added_by != NULL ? ev->added_by : c->actor;
	nsw_sqlstmt *st = NULL;
	nsw_buf detail;
	char now[32];
	int rc;

	nsw_store__now_utc(now);
	nsw_buf_init(&detail, 4 * NSW_CASE_TEXT_MAX + NSW_PATH_MAX * 6);
	rc = nsw_sqldb_prepare(c->db, &st,
			       "INSERT INTO evidence(label, kind, source_path, "
			       "added_by, added_utc) VALUES(?1,?2,?3,?4,?5)");
	rc = rc ? rc : nsw_sqldb_bind_text(st, 1, ev->label);
	rc = rc ? rc : nsw_sqldb_bind_text(st, 2, ev->kind);
	rc = rc ? rc
		: nsw_sqldb_bind_blob(st, 3, ev->source_path,
				      strlen(ev->source_path));
	rc = rc ? rc : nsw_sqldb_bind_text(st, 4, by);
	rc = rc ? rc : nsw_sqldb_bind_text(st, 5, now);
	rc = rc ? rc : nsw_sqldb_run(st);
	if (rc != NSW_OK)
		goto done;
	a->id = nsw_sqldb_last_insert_rowid(c->db);
	rc = nsw_buf_printf(&detail,
			    "{\"id\":%lld,\"label\":", (long long)a->id);
	rc = rc ? rc : nsw_store__json_str(&detail, ev->label);
	rc = rc ? rc : nsw_buf_puts(&detail, ",\"kind\":");
	rc = rc ? rc : nsw_store__json_str(&detail, ev->kind);
	rc = rc ? rc : nsw_buf_puts(&detail, ",\"source_path\":");
	rc = rc ? rc : nsw_store__json_str(&detail, ev->source_path);
	rc = rc ? rc : nsw_buf_puts(&detail, ",\"added_by\":");
	rc = rc ? rc : nsw_store__json_str(&detail, by);
	rc = rc ? rc : nsw_buf_putc(&detail, '}');
	if (rc != NSW_OK) {
		rc = nsw_error_set(NSW_ENOMEM, "evidence: out of memory");
		goto done;
	}
	rc = nsw_store__audit_append(c, "evidence.add", detail.ptr);
done:
	nsw_sqldb_finalize(st);
	nsw_buf_dispose(&detail);
	return rc;
}

int nsw_case_evidence_add(nsw_case *c, const nsw_evidence *ev, int64_t *id_out)
{
	struct evidence_add a = {ev, 0};
	int64_t existing = 0;
	int rc;

	if (id_out != NULL)
		*id_out = 0;
	if (c == NULL || ev == NULL)
		return nsw_error_set(NSW_EINVAL, "evidence: NULL argument");
	rc = check_text("evidence label", ev->label);
	rc = rc ? rc : check_text("evidence kind", ev->kind);
	rc = rc ? rc : check_text("evidence source path", ev->source_path);
	if (rc != NSW_OK)
		return rc;
	if (nsw_case_evidence_find(c, ev->label, &existing) == NSW_OK)
		return nsw_error_set(NSW_EINVAL,
				     "evidence label '%s' is already in the "
				     "case",
				     ev->label);
	rc = nsw_store__in_tx(c, evidence_add_tx, &a);
	if (rc == NSW_OK && id_out != NULL)
		*id_out = a.id;
	return rc;
}

int nsw_case_evidence_find(nsw_case *c, const char *label, int64_t *id_out)
{
	nsw_sqlstmt *st = NULL;
	int rc;

	*id_out = 0;
	if (c == NULL || label == NULL)
		return nsw_error_set(NSW_EINVAL, "evidence: NULL argument");
	rc = nsw_sqldb_prepare(c->db, &st,
			       "SELECT id FROM evidence WHERE label=?1");
	rc = rc ? rc : nsw_sqldb_bind_text(st, 1, label);
	rc = rc ? rc : nsw_sqldb_step(st);
	if (rc == 1) {
		*id_out = nsw_sqldb_column_int64(st, 0);
		rc = NSW_OK;
	} else if (rc == 0) {
		rc = nsw_error_set(NSW_ENOTFOUND, "no evidence labelled '%s'",
				   label);
	}
	nsw_sqldb_finalize(st);
	return rc;
}

struct manifest_set {
	int64_t id;
	const char *algo;
	const uint8_t *root;
	size_t len;
};

static int manifest_tx(nsw_case *c, void *arg)
{
	static const char hex[] = "0123456789abcdef";
	struct manifest_set *m = arg;
	nsw_sqlstmt *st = NULL;
	nsw_buf detail;
	char now[32];
	int rc;

	nsw_store__now_utc(now);
	nsw_buf_init(&detail, 256 + 2 * NSW_CASE_DIGEST_MAX);
	rc = nsw_sqldb_prepare(c->db, &st,
			       "UPDATE evidence SET manifest_algo=?2, "
			       "manifest_root=?3, manifest_utc=?4 WHERE id=?1");
	rc = rc ? rc : nsw_sqldb_bind_int64(st, 1, m->id);
	rc = rc ? rc : nsw_sqldb_bind_text(st, 2, m->algo);
	rc = rc ? rc : nsw_sqldb_bind_blob(st, 3, m->root, m->len);
	rc = rc ? rc : nsw_sqldb_bind_text(st, 4, now);
	rc = rc ? rc : nsw_sqldb_run(st);
	nsw_sqldb_finalize(st);
	if (rc == NSW_OK && nsw_sqldb_changes(c->db) != 1)
		rc = nsw_error_set(NSW_ENOTFOUND, "no evidence with id %lld",
				   (long long)m->id);
	if (rc != NSW_OK)
		goto done;
	rc = nsw_buf_printf(&detail,
			    "{\"evidence\":%lld,\"algo\":", (long long)m->id);
	rc = rc ? rc : nsw_store__json_str(&detail, m->algo);
	rc = rc ? rc : nsw_buf_puts(&detail, ",\"root\":\"");
	for (size_t i = 0; rc == 0 && i < m->len; i++) {
		char pair[2] = {hex[m->root[i] >> 4], hex[m->root[i] & 15]};

		rc = nsw_buf_put(&detail, pair, 2);
	}
	rc = rc ? rc : nsw_buf_puts(&detail, "\"}");
	if (rc != NSW_OK) {
		rc = nsw_error_set(NSW_ENOMEM, "manifest: out of memory");
		goto done;
	}
	rc = nsw_store__audit_append(c, "evidence.manifest", detail.ptr);
done:
	nsw_buf_dispose(&detail);
	return rc;
}

int nsw_case_evidence_set_manifest(nsw_case *c, int64_t id, const char *algo,
				   const uint8_t *root, size_t len)
{
	struct manifest_set m = {id, algo, root, len};
	int rc;

	if (c == NULL || root == NULL || len == 0 || len > NSW_CASE_DIGEST_MAX)
		return nsw_error_set(NSW_EINVAL, "manifest: bad root digest");
	rc = check_text("manifest algorithm", algo);
	if (rc != NSW_OK)
		return rc;
	return nsw_store__in_tx(c, manifest_tx, &m);
}

struct image_hash_set {
	int64_t id;
	const uint8_t *sha256;
	int64_t size;
};

static int image_hash_tx(nsw_case *c, void *arg)
{
	struct image_hash_set *h = arg;
	nsw_sqlstmt *st = NULL;
	char hex[65], old_hex[65], detail[192];
	const void *old = NULL;
	size_t old_len = 0;
	int rc;

	rc = nsw_sqldb_prepare(c->db, &st,
			       "SELECT image_sha256 FROM evidence WHERE id=?1");
	rc = rc ? rc : nsw_sqldb_bind_int64(st, 1, h->id);
	rc = rc ? rc : nsw_sqldb_step(st);
	if (rc == 0)
		rc = nsw_error_set(NSW_ENOTFOUND, "no evidence with id %lld",
				   (long long)h->id);
	if (rc == 1) {
		rc = NSW_OK;
		old = nsw_sqldb_column_blob(st, 0, &old_len);
	}
	nsw_hex_encode(hex, h->sha256, 32);
	if (rc == NSW_OK && old != NULL && old_len == 32 &&
	    memcmp(old, h->sha256, 32) == 0) {
		nsw_sqldb_finalize(st);
		return NSW_OK; /* the same image again: nothing to record */
	}
	if (rc == NSW_OK && old != NULL && old_len == 32) {
		nsw_hex_encode(old_hex, old, 32);
		rc = nsw_error_set(NSW_EINVAL,
				   "evidence %lld: the image's SHA-256 is now "
				   "%s, the case recorded %s: not the image "
				   "scanned before",
				   (long long)h->id, hex, old_hex);
	}
	nsw_sqldb_finalize(st);
	st = NULL;
	if (rc != NSW_OK)
		return rc;
	rc = nsw_sqldb_prepare(c->db, &st,
			       "UPDATE evidence SET image_sha256=?2, "
			       "image_size=?3 WHERE id=?1");
	rc = rc ? rc : nsw_sqldb_bind_int64(st, 1, h->id);
	rc = rc ? rc : nsw_sqldb_bind_blob(st, 2, h->sha256, 32);
	rc = rc ? rc : nsw_sqldb_bind_int64(st, 3, h->size);
	rc = rc ? rc : nsw_sqldb_run(st);
	nsw_sqldb_finalize(st);
	if (rc != NSW_OK)
		return rc;
	snprintf(detail, sizeof(detail),
		 "{\"evidence\":%lld,\"sha256\":\"%s\",\"size\":%lld}",
		 (long long)h->id, hex, (long long)h->size);
	return nsw_store__audit_append(c, "evidence.image_hash", detail);
}

int nsw_case_evidence_set_image_hash(nsw_case *c, int64_t id,
				     const uint8_t sha256[32], int64_t size)
{
	struct image_hash_set h = {id, sha256, size};

	if (c == NULL || sha256 == NULL)
		return nsw_error_set(NSW_EINVAL, "evidence: NULL argument");
	return nsw_store__in_tx(c, image_hash_tx, &h);
}

int nsw_case_evidence_foreach(nsw_case *c,
			      int (*fn)(void *ctx, const nsw_evidence *ev),
			      void *ctx)
{
	nsw_sqlstmt *st = NULL;
	nsw_evidence ev;
	size_t len = 0;
	int rc;

	if (c == NULL || fn == NULL)
		return nsw_error_set(NSW_EINVAL, "evidence: NULL argument");
	rc = nsw_sqldb_prepare(c->db, &st,
			       "SELECT id, label, kind, CAST(source_path AS "
			       "TEXT), added_by, added_utc, manifest_algo, "
			       "manifest_root, image_sha256, image_size FROM "
			       "evidence ORDER BY id");
	while (rc == NSW_OK && (rc = nsw_sqldb_step(st)) == 1) {
		memset(&ev, 0, sizeof(ev));
		ev.id = nsw_sqldb_column_int64(st, 0);
		ev.label = nsw_sqldb_column_text(st, 1, NULL);
		ev.kind = nsw_sqldb_column_text(st, 2, NULL);
		ev.source_path = nsw_sqldb_column_text(st, 3, NULL);
		ev.added_by = nsw_sqldb_column_text(st, 4, NULL);
		ev.added_utc = nsw_sqldb_column_text(st, 5, NULL);
		ev.manifest_algo = nsw_sqldb_column_text(st, 6, NULL);
		ev.manifest_root =
			nsw_sqldb_column_blob(st, 7, &ev.manifest_root_len);
		ev.image_sha256 = nsw_sqldb_column_blob(st, 8, &len);
		if (ev.image_sha256 != NULL && len != 32)
			ev.image_sha256 = NULL;
		ev.image_size = nsw_sqldb_column_type(st, 9) == NSW_SQL_NULL
					? -1
					: nsw_sqldb_column_int64(st, 9);
		rc = fn(ctx, &ev);
	}
	nsw_sqldb_finalize(st);
	return rc;
}

/* ---- Lists ----------------------------------------------------------- */

struct list_add {
	const nsw_case_list *l;
	int64_t id;
};

static const char *role_name(nsw_list_role role)
{
	return role == NSW_LIST_ROLE_ALLOW ? "allow" : "match";
}

static int list_find(nsw_case *c, const nsw_case_list *l, int64_t *id)
{
	nsw_sqlstmt *st = NULL;
	int rc;

	*id = 0;
	rc = nsw_sqldb_prepare(c->db, &st,
			       "SELECT id FROM lists WHERE checksum=?1 AND "
			       "role=?2");
	rc = rc ? rc : nsw_sqldb_bind_text(st, 1, l->checksum);
	rc = rc ? rc : nsw_sqldb_bind_text(st, 2, role_name(l->role));
	rc = rc ? rc : nsw_sqldb_step(st);
	if (rc == 1)
		*id = nsw_sqldb_column_int64(st, 0);
	nsw_sqldb_finalize(st);
	return rc < 0 ? rc : NSW_OK;
}

static int list_add_tx(nsw_case *c, void *arg)
{
	struct list_add *a = arg;
	const nsw_case_list *l = a->l;
	nsw_sqlstmt *st = NULL;
	nsw_buf detail;
	char now[32];
	int rc;

	rc = list_find(c, l, &a->id);
	if (rc != NSW_OK || a->id != 0)
		return rc;
	nsw_store__now_utc(now);
	nsw_buf_init(&detail, 4 * NSW_CASE_TEXT_MAX + NSW_PATH_MAX * 6);
	rc = nsw_sqldb_prepare(c->db, &st,
			       "INSERT INTO lists(name, version, checksum, "
			       "source_path, entries, role, added_utc) "
			       "VALUES(?1,?2,?3,?4,?5,?6,?7)");
	rc = rc ? rc : nsw_sqldb_bind_text(st, 1, l->name);
	rc = rc ? rc
		: nsw_sqldb_bind_text(st, 2,
				      l->version != NULL ? l->version : "");
	rc = rc ? rc : nsw_sqldb_bind_text(st, 3, l->checksum);
	rc = rc ? rc : nsw_sqldb_bind_text(st, 4, l->source_path);
	if (rc == NSW_OK && l->entries >= 0)
		rc = nsw_sqldb_bind_int64(st, 5, l->entries);
	rc = rc ? rc : nsw_sqldb_bind_text(st, 6, role_name(l->role));
	rc = rc ? rc : nsw_sqldb_bind_text(st, 7, now);
	rc = rc ? rc : nsw_sqldb_run(st);
	nsw_sqldb_finalize(st);
	if (rc != NSW_OK)
		goto done;
	a->id = nsw_sqldb_last_insert_rowid(c->db);
	rc = nsw_buf_printf(&detail,
			    "{\"id\":%lld,\"name\":", (long long)a->id);
	rc = rc ? rc : nsw_store__json_str(&detail, l->name);
	rc = rc ? rc : nsw_buf_puts(&detail, ",\"version\":");
	rc = rc ? rc
		: nsw_store__json_str(&detail,
				      l->version != NULL ? l->version : "");
	rc = rc ? rc : nsw_buf_puts(&detail, ",\"checksum\":");
	rc = rc ? rc : nsw_store__json_str(&detail, l->checksum);
	rc = rc ? rc
		: nsw_buf_printf(&detail, ",\"role\":\"%s\",\"entries\":%lld}",
				 role_name(l->role), (long long)l->entries);
	if (rc != NSW_OK) {
		rc = nsw_error_set(NSW_ENOMEM, "list: out of memory");
		goto done;
	}
	rc = nsw_store__audit_append(c, "list.add", detail.ptr);
done:
	nsw_buf_dispose(&detail);
	return rc;
}

int nsw_case_list_add(nsw_case *c, const nsw_case_list *l, int64_t *id_out)
{
	struct list_add a = {l, 0};
	int rc;

	if (id_out != NULL)
		*id_out = 0;
	if (c == NULL || l == NULL ||
	    (l->role != NSW_LIST_ROLE_MATCH && l->role != NSW_LIST_ROLE_ALLOW))
		return nsw_error_set(NSW_EINVAL, "list: bad argument");
	rc = check_text("list name", l->name);
	rc = rc ? rc : check_text("list checksum", l->checksum);
	if (rc != NSW_OK)
		return rc;
	rc = nsw_store__in_tx(c, list_add_tx, &a);
	if (rc == NSW_OK && id_out != NULL)
		*id_out = a.id;
	return rc;
}

int nsw_store__query_int64(nsw_case *c, const char *q, int64_t param,
			   int64_t *out)
{
	nsw_sqlstmt *st = NULL;
	int rc;

	*out = 0;
	rc = nsw_sqldb_prepare(c->db, &st, q);
	rc = rc ? rc : nsw_sqldb_bind_int64(st, 1, param);
	rc = rc ? rc : nsw_sqldb_step(st);
	if (rc == 1) {
		*out = nsw_sqldb_column_int64(st, 0);
		rc = NSW_OK;
	}
	nsw_sqldb_finalize(st);
	return rc;
}
