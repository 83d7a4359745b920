/* SPDX-License-Identifier: Apache-2.0 */
/*
 * netsweep ingest, the library half: one export -> one evidence item, the
 * parser's events -> the chat store in batched transactions, media files
 * -> hashed like scanned files (hasher.h: digests and PDQ in one read),
 * recorded in `files` under the export's evidence item and matched
 * against the case's lists with the scan's matcher; hits go to `hits`.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "alloc.h"
#include "archive_reader.h"
#include "buf.h"
#include "chat_pipe.h"
#include "error.h"
#include "ingest_internal.h"
#include "limits.h"
#include "netsweep/chat.h"
#include "scan_queue.h"
#include "store.h"
#include "store_chat.h"

struct ingest {
	nsw_case *c;
	const nsw_chat_ingest_options *o;
	nsw_chat_ingest_result *r;
	nsw_chat_store *s;
	int64_t evidence_id;
	int64_t *list_ids;
	nsw_hasher *hasher;
	void *mstate;
	int mstate_ready;
	struct nsw_scan_matches matches;
	int64_t in_batch;
	int64_t batch;
	int store_rc;	/* first store failure; stops the parser */
	char *chat_dir; /* .zip export: the chat text's folder in the zip
			   ("" or "dir/"), once its members are hashed */
};

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double thread_cpu(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
		return 0;
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int fail(struct ingest *g, int rc)
{
	if (g->store_rc == NSW_OK)
		g->store_rc = rc;
	return rc;
}

/* ---- Media ------------------------------------------------------------- */

static const char *media_type_of(const nsw_file_hash *h)
{
	switch (h->format) {
	case NSW_IMAGE_JPEG:
		return "image/jpeg";
	case NSW_IMAGE_PNG:
		return "image/png";
	case NSW_IMAGE_WEBP:
		return "image/webp";
	case NSW_IMAGE_GIF:
		return "image/gif";
	default:
		return NULL;
	}
}

/* As the scan: an allow-list match suppresses the file's match-list hits;
 * both are kept. */
static int record_hits(struct ingest *g, int64_t file_id)
{
	const nsw_chat_ingest_options *o = g->o;
	int64_t allow_id = 0;
	nsw_case_hit hit;
	int rc = NSW_OK;

	for (size_t i = 0; i < g->matches.n && allow_id == 0; i++) {
		uint32_t l = g->matches.v[i].list;

		if (l < o->nlists && o->lists[l].role == NSW_LIST_ROLE_ALLOW)
			allow_id = g->list_ids[l];
	}
	for (size_t i = 0; rc == NSW_OK && i < g->matches.n; i++) {
		const nsw_scan_match *m = &g->matches.v[i];
		int allow;

		if (m->list >= o->nlists)
			return nsw_error_set(NSW_EINVAL,
					     "ingest: matcher named list %u "
					     "of %u",
					     m->list, o->nlists);
		allow = o->lists[m->list].role == NSW_LIST_ROLE_ALLOW;
		memset(&hit, 0, sizeof(hit));
		hit.file_id = file_id;
		hit.list_id = g->list_ids[m->list];
		hit.entry_id = (int64_t)m->entry_id;
		hit.entry_ref = m->entry_ref;
		hit.algo = m->algo;
		hit.distance = m->distance;
		hit.dihedral = m->dihedral;
		hit.category_scheme = m->category_scheme;
		hit.category_code = m->category_code;
		hit.suppressed = !allow && allow_id != 0;
		hit.suppressed_by_list = hit.suppressed ? allow_id : 0;
		rc = nsw_case_hit_add(g->c, &hit, NULL);
		if (rc == NSW_OK && !allow && !hit.suppressed)
			g->r->hits++;
	}
	return rc;
}

static int64_t ns_of(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec;
}

/* Copy what `files` holds about an already recorded file. */
static int known_file(struct ingest *g, int64_t id, nsw_chat_media_file *f)
{
	nsw_case_file cf;
	int rc = nsw_case_file_get(g->c, id, &cf);

	if (rc != NSW_OK)
		return rc;
	f->file_id = id;
	f->has = cf.has;
	memcpy(f->md5, cf.md5, sizeof(f->md5));
	memcpy(f->sha1, cf.sha1, sizeof(f->sha1));
	memcpy(f->sha256, cf.sha256, sizeof(f->sha256));
	f->pdq = cf.pdq;
	f->pdq_quality = cf.pdq_quality;
	f->media_type = NULL; /* borrowed until the next call: not kept */
	f->size = cf.size;
	return NSW_OK;
}

/* The hasher, made on first use (most exports carry media). */
static int ensure_hasher(struct ingest *g)
{
	unsigned algos = NSW_DIGESTS_ALL;
	int dihedral = !g->o->no_pdq && g->o->matcher != NULL;
	int rc;

	if (g->hasher != NULL)
		return NSW_OK;
	if (!g->o->no_pdq)
		algos |= NSW_ALGO_BIT(NSW_ALGO_PDQ);
	rc = nsw_hasher_new(&g->hasher, algos, dihedral);
	if (rc == NSW_OK && g->o->partial_images)
		rc = nsw_hasher_set_partial_images(g->hasher, 1);
	return rc;
}

/*
 * Record one hashed file (hash_rc: what hashing returned) under the
 * export's evidence item at `rel`, match it, and fill `f` for the media
 * rows. A file that could not be read is recorded with its error.
 */
static int record_file(struct ingest *g, const char *rel, int hash_rc,
		       const nsw_file_hash *h, const int64_t times[3],
		       nsw_chat_media_file *f)
{
	const nsw_scan_matcher *mt = g->o->matcher;
	nsw_case_file cf;
	int64_t id = 0;
	int rc, inserted = 0;

	memset(&cf, 0, sizeof(cf));
	cf.evidence_id = g->evidence_id;
	cf.path = (const uint8_t *)rel;
	cf.path_len = strlen(rel);
	cf.mtime_ns = times[0];
	cf.ctime_ns = times[1];
	cf.atime_ns = times[2];
	cf.pdq_quality = -1;
	cf.size = -1;
	if (hash_rc != NSW_OK) {
		cf.status = NSW_FILE_ERROR;
		cf.error = nsw_error_last();
		f->error = cf.error;
		g->r->media_errors++;
		return nsw_case_file_add(g->c, &cf, &f->file_id, &inserted);
	}
	cf.status = NSW_FILE_OK;
	cf.size = (int64_t)h->size;
	cf.has = h->has & (NSW_CASE_HAS_MD5 | NSW_CASE_HAS_SHA1 |
			   NSW_CASE_HAS_SHA256 | NSW_CASE_HAS_PDQ);
	memcpy(cf.md5, h->digests.md5, sizeof(cf.md5));
	memcpy(cf.sha1, h->digests.sha1, sizeof(cf.sha1));
	memcpy(cf.sha256, h->digests.sha256, sizeof(cf.sha256));
	if (cf.has & NSW_CASE_HAS_PDQ) {
		cf.pdq = h->pdq.hash;
		cf.pdq_quality = h->pdq.quality;
		cf.pdq_partial = h->pdq.partial;
		cf.pdq_rows_present = h->pdq.partial ? h->pdq.rows_present : 0;
		cf.pdq_rows = h->pdq.partial ? h->pdq.height : 0;
	}
	cf.media_type = media_type_of(h);
	if (h->decode_error != 0)
		cf.error = h->decode_message;
	rc = nsw_case_file_add(g->c, &cf, &id, &inserted);
	if (rc != NSW_OK)
		return rc;
	f->file_id = id;
	f->has = cf.has;
	memcpy(f->md5, cf.md5, sizeof(f->md5));
	memcpy(f->sha1, cf.sha1, sizeof(f->sha1));
	memcpy(f->sha256, cf.sha256, sizeof(f->sha256));
	f->pdq = cf.pdq;
	f->pdq_quality = cf.pdq_quality;
	f->media_type = cf.media_type;
	f->size = cf.size;
	f->error = cf.error;
	g->r->media_hashed++;
	if (!inserted || mt == NULL)
		return NSW_OK;
	if (!g->mstate_ready) {
		if (mt->thread_init != NULL)
			rc = mt->thread_init(mt->ctx, &g->mstate);
		if (rc != NSW_OK)
			return rc;
		g->mstate_ready = 1;
	}
	g->matches.n = 0;
	rc = mt->match(mt->ctx, g->mstate, h, &g->matches);
	return rc ? rc : record_hits(g, id);
}

/* Hash, record and match one media file (state FILE). */
static int media_file(struct ingest *g, const nsw_ingest_media *m,
		      nsw_chat_media_file *f, nsw_file_hash *h)
{
	int64_t id = 0, times[3] = {NSW_TIME_UNKNOWN, NSW_TIME_UNKNOWN,
				    NSW_TIME_UNKNOWN};
	struct stat st;
	int rc;

	memset(f, 0, sizeof(*f));
	f->pdq_quality = -1;
	f->size = -1;
	rc = nsw_case_file_find(g->c, g->evidence_id, (const uint8_t *)m->ref,
				strlen(m->ref), &id);
	if (rc == NSW_OK) {
		g->r->media_known++;
		return known_file(g, id, f);
	}
	if (rc != NSW_ENOTFOUND)
		return rc;
	rc = ensure_hasher(g);
	if (rc != NSW_OK)
		return rc;
	if (lstat(m->path, &st) == 0) {
		times[0] = ns_of(&st.st_mtim);
		times[1] = ns_of(&st.st_ctim);
		times[2] = ns_of(&st.st_atim);
	}
	rc = nsw_hasher_file(g->hasher, h, m->path);
	if (rc == NSW_ENOMEM)
		return rc;
	return record_file(g, m->ref, rc, h, times, f);
}

/* ---- Media inside a .zip export ---------------------------------------- */

static void on_problem(void *ctx, const nsw_ingest_problem *p);

static int member_read(void *ctx, uint8_t *buf, size_t cap, size_t *got)
{
	return nsw_archive_read(ctx, buf, cap, got);
}

static void member_problem(struct ingest *g, const char *zip, int code,
			   int fatal)
{
	nsw_ingest_problem p;

	memset(&p, 0, sizeof(p));
	p.file = zip;
	p.code = code;
	p.fatal = fatal;
	p.message = nsw_error_last();
	on_problem(g, &p);
}

/* Hash one member (the archive positioned at it) unless recorded. */
static int member_file(struct ingest *g, nsw_archive *a, const char *zip,
		       const char *name, nsw_file_hash *h, nsw_buf *display)
{
	nsw_chat_media_file f;
	int64_t id = 0, size = -1,
		times[3] = {NSW_TIME_UNKNOWN, NSW_TIME_UNKNOWN,
			    NSW_TIME_UNKNOWN};
	int rc;

	rc = nsw_case_file_find(g->c, g->evidence_id, (const uint8_t *)name,
				strlen(name), &id);
	if (rc != NSW_ENOTFOUND)
		return rc; /* recorded by an earlier ingest, or a failure */
	rc = ensure_hasher(g);
	if (rc != NSW_OK)
		return rc;
	nsw_archive_entry_meta(a, &size, &times[0]);
	/* Messages name the member inside its zip: "chat.zip/IMG-1.jpg". */
	nsw_buf_reset(display);
	if (nsw_buf_printf(display, "%s/%s", zip, name) < 0)
		return nsw_error_set(NSW_ENOMEM, "ingest: out of memory");
	rc = nsw_hasher_stream(g->hasher, h, member_read, a, size,
			       display->ptr);
	if (rc == NSW_ENOMEM)
		return rc;
	if (rc != NSW_OK)
		member_problem(g, zip, rc, 0);
	memset(&f, 0, sizeof(f));
	return record_file(g, name, rc, h, times, &f);
}

/*
 * Before the messages: hash every member of a WhatsApp .zip export but
 * the chat text, each recorded as a file of the export's evidence item
 * under its name in the zip, and matched; the messages' media then link
 * to these records (media_add). The zip is read as it is, never
 * extracted. A bad member is recorded with its error and the rest go on;
 * a corrupt zip stops here and the parser reports it.
 */
static int archive_members(struct ingest *g, const char *path)
{
	nsw_archive *a = NULL;
	nsw_file_hash *h = NULL;
	char *chat = NULL;
	const char *name, *slash, *zip = strrchr(path, '/');
	nsw_buf display;
	int rc, is_file;

	zip = zip ? zip + 1 : path;
	nsw_buf_init(&display, 2 * NSW_PATH_MAX);
	rc = nsw_ingest__whatsapp_zip_chat(&chat, path);
	if (rc != NSW_OK) {
		/* The parser meets the same problem and reports it. */
		rc = rc == NSW_ENOMEM ? rc : NSW_OK;
		goto done;
	}
	slash = strrchr(chat, '/');
	g->chat_dir =
		nsw__strndup(chat, slash ? (size_t)(slash - chat) + 1 : 0);
	h = nsw__malloc(sizeof(*h));
	if (g->chat_dir == NULL || h == NULL) {
		rc = nsw_error_set(NSW_ENOMEM, "ingest: out of memory");
		goto done;
	}
	rc = nsw_archive_open(&a, path);
	while (rc == NSW_OK) {
		rc = nsw_archive_next(a, &name, &is_file);
		if (rc == 1) {
			rc = NSW_OK;
			break;
		}
		if (rc == NSW_ELIMIT && name != NULL) {
			/* Over the member size limit: said, not hashed. */
			member_problem(g, zip, rc, 0);
			rc = NSW_OK;
			continue;
		}
		if (rc != NSW_OK)
			break;
		if (!is_file || strcmp(name, chat) == 0)
			continue;
		rc = member_file(g, a, zip, name, h, &display);
	}
	if (rc != NSW_OK && rc != NSW_ENOMEM && g->store_rc == NSW_OK &&
	    (rc == NSW_EFORMAT || rc == NSW_ELIMIT || rc == NSW_EIO ||
	     rc == NSW_ENOTFOUND)) {
		/* The zip itself is unreadable past here. */
		member_problem(g, zip, rc, 0);
		rc = NSW_OK;
	}
done:
	nsw_archive_free(a);
	nsw__free(h);
	nsw__free(chat);
	nsw_buf_dispose(&display);
	return rc;
}

/* A media reference of a .zip export: the member it names, hashed by
 * archive_members(). */
static int media_member(struct ingest *g, const nsw_ingest_media *m,
			nsw_chat_media_file *f, int *found)
{
	nsw_buf rel;
	int64_t id = 0;
	int rc;

	*found = 0;
	memset(f, 0, sizeof(*f));
	f->pdq_quality = -1;
	f->size = -1;
	if (g->chat_dir == NULL)
		return NSW_OK; /* media not read (--no-media) */
	nsw_buf_init(&rel, 2 * NSW_PATH_MAX);
	rc = nsw_buf_printf(&rel, "%s%s", g->chat_dir, m->ref);
	rc = rc < 0 ? nsw_error_set(NSW_ELIMIT, "media path too long") : 0;
	rc = rc ? rc
		: nsw_case_file_find(g->c, g->evidence_id,
				     (const uint8_t *)rel.ptr, rel.len, &id);
	if (rc == NSW_OK) {
		*found = 1;
		rc = known_file(g, id, f);
	} else if (rc == NSW_ENOTFOUND) {
		rc = NSW_OK;
	}
	nsw_buf_dispose(&rel);
	return rc;
}

static int media_add(struct ingest *g, int64_t message_id, size_t i,
		     const nsw_ingest_media *m)
{
	nsw_chat_media_file f, *fp = NULL;
	nsw_file_hash *h = NULL;
	int rc = NSW_OK;

	g->r->media++;
	switch (m->state) {
	case NSW_MEDIA_FILE:
		if (g->o->no_media)
			break;
		h = nsw__malloc(sizeof(*h));
		if (h == NULL)
			return nsw_error_set(NSW_ENOMEM,
					     "ingest: out of memory");
		rc = media_file(g, m, &f, h);
		fp = &f;
		break;
	case NSW_MEDIA_IN_ARCHIVE: {
		int found = 0;

		rc = media_member(g, m, &f, &found);
		if (rc == NSW_OK && found) {
			fp = &f;
		} else if (rc == NSW_OK && g->chat_dir != NULL) {
			/* Named in the chat, absent from the zip. */
			nsw_ingest_media missing = *m;

			missing.state = NSW_MEDIA_MISSING;
			missing.archive = NULL;
			g->r->media_missing++;
			return nsw_chat_media_add(g->s, message_id, i, &missing,
						  NULL, NULL);
		}
		break;
	}
	case NSW_MEDIA_MISSING:
		g->r->media_missing++;
		break;
	case NSW_MEDIA_NOT_EXPORTED:
		g->r->media_not_exported++;
		break;
	case NSW_MEDIA_REFUSED:
		g->r->media_refused++;
		break;
	default:
		break;
	}
	rc = rc ? rc : nsw_chat_media_add(g->s, message_id, i, m, fp, NULL);
	nsw__free(h);
	return rc;
}

/* ---- Sink -------------------------------------------------------------- */

static int batch_step(struct ingest *g)
{
	int rc;

	if (++g->in_batch < g->batch)
		return NSW_OK;
	g->in_batch = 0;
	rc = nsw_case_commit(g->c);
	return rc ? rc : nsw_case_begin(g->c);
}

static int on_chat(void *ctx, const nsw_ingest_chat *ch)
{
	struct ingest *g = ctx;
	int ins = 0, rc;

	if (g->store_rc != NSW_OK)
		return g->store_rc;
	rc = nsw_chat_chat_add(g->s, ch, NULL, &ins);
	if (rc != NSW_OK)
		return fail(g, rc);
	g->r->chats++;
	g->r->chats_new += ins;
	return NSW_OK;
}

static int on_account(void *ctx, const nsw_ingest_account *a)
{
	struct ingest *g = ctx;
	int ins = 0, rc;

	if (g->store_rc != NSW_OK)
		return g->store_rc;
	rc = nsw_chat_account_add(g->s, a, NULL, &ins);
	if (rc != NSW_OK)
		return fail(g, rc);
	g->r->accounts_new += ins;
	return NSW_OK;
}

static int on_message(void *ctx, const nsw_ingest_message *m)
{
	struct ingest *g = ctx;
	int64_t id = 0;
	int ins = 0, rc;

	if (g->store_rc != NSW_OK)
		return g->store_rc;
	rc = nsw_chat__message_add(g->s, m, &id, &ins, 0);
	g->r->messages++;
	if (rc == NSW_OK && ins) {
		g->r->messages_new++;
		for (size_t i = 0; rc == NSW_OK && i < m->media_count; i++)
			rc = media_add(g, id, i, &m->media[i]);
	} else if (rc == NSW_OK) {
		g->r->messages_present++;
	}
	rc = rc ? rc : batch_step(g);
	return rc ? fail(g, rc) : NSW_OK;
}

static int on_membership(void *ctx, const nsw_ingest_membership *e)
{
	struct ingest *g = ctx;
	int64_t added = 0;
	int rc;

	if (g->store_rc != NSW_OK)
		return g->store_rc;
	rc = nsw_chat_membership_add(g->s, e, &added);
	if (rc != NSW_OK)
		return fail(g, rc);
	g->r->membership_new += added;
	return NSW_OK;
}

static void on_problem(void *ctx, const nsw_ingest_problem *p)
{
	struct ingest *g = ctx;

	g->r->problems++;
	if (g->o->problem != NULL)
		g->o->problem(g->o->ctx, p);
	if (g->store_rc == NSW_OK) {
		int rc = nsw_chat_problem_add(g->s, p);

		if (rc != NSW_OK)
			(void)fail(g, rc);
	}
}

static void on_note(void *ctx, const char *file, const char *message)
{
	struct ingest *g = ctx;

	if (g->o->note != NULL)
		g->o->note(g->o->ctx, file, message);
}

/* ---- Setup and audit --------------------------------------------------- */

/* The export's name: its last component; for ".../NAME/result.json" the
 * folder NAME (Telegram exports are folders). */
static void default_label(char *out, size_t n, const char *path)
{
	size_t len = strlen(path), end, start;

	while (len > 1 && path[len - 1] == '/')
		len--;
	end = len;
	start = end;
	while (start > 0 && path[start - 1] != '/')
		start--;
	if (end - start == 11 && memcmp(path + start, "result.json", 11) == 0 &&
	    start > 1) {
		end = start - 1;
		while (end > 1 && path[end - 1] == '/')
			end--;
		start = end;
		while (start > 0 && path[start - 1] != '/')
			start--;
	}
	snprintf(out, n, "%.*s", (int)(end - start), path + start);
	if (out[0] == '\0')
		snprintf(out, n, "%s", "export");
}

static int audit(struct ingest *g, const char *action, const char *path,
		 const char *label)
{
	const nsw_chat_ingest_result *r = g->r;
	nsw_buf b;
	int rc;

	nsw_buf_init(&b, 4 * NSW_CASE_TEXT_MAX + 6 * NSW_PATH_MAX);
	rc = nsw_buf_printf(
		&b, "{\"evidence\":%lld,\"label\":", (long long)g->evidence_id);
	rc = rc ? rc : nsw_store__json_str(&b, label);
	rc = rc ? rc : nsw_buf_puts(&b, ",\"path\":");
	rc = rc ? rc : nsw_store__json_str(&b, path);
	if (strcmp(action, "ingest.start") == 0) {
		const char *tz = g->o->parse.timezone;

		rc = rc ? rc : nsw_buf_puts(&b, ",\"format\":");
		rc = rc ? rc
			: nsw_store__json_str(&b, nsw_ingest_format_name(
							  g->o->parse.format));
		rc = rc ? rc : nsw_buf_puts(&b, ",\"timezone\":");
		rc = rc ? rc : nsw_store__json_str(&b, tz != NULL ? tz : "UTC");
		rc = rc ? rc
			: nsw_buf_printf(&b, ",\"lists\":%u}", g->o->nlists);
	} else {
		rc = rc ? rc
			: nsw_buf_printf(
				  &b,
				  ",\"parse\":%d,\"messages_new\":%lld,"
				  "\"messages_present\":%lld,\"media_hashed\":"
				  "%lld,\"hits\":%lld,\"problems\":%lld}",
				  r->parse_rc, (long long)r->messages_new,
				  (long long)r->messages_present,
				  (long long)r->media_hashed,
				  (long long)r->hits, (long long)r->problems);
	}
	if (rc != NSW_OK) {
		nsw_buf_dispose(&b);
		return nsw_error_set(NSW_ENOMEM, "ingest: out of memory");
	}
	rc = nsw_case_audit_append(g->c, action, b.ptr);
	nsw_buf_dispose(&b);
	return rc;
}

static int setup(struct ingest *g, const char *path, const char *label)
{
	nsw_evidence ev;
	int rc;

	rc = nsw_case_evidence_find(g->c, label, &g->evidence_id);
	if (rc == NSW_ENOTFOUND) {
		memset(&ev, 0, sizeof(ev));
		ev.label = label;
		ev.kind = "chat-export";
		ev.source_path = path;
		rc = nsw_case_evidence_add(g->c, &ev, &g->evidence_id);
		g->r->evidence_new = rc == NSW_OK;
	}
	if (rc != NSW_OK)
		return rc;
	g->r->evidence_id = g->evidence_id;
	if (g->o->nlists > 0) {
		g->list_ids = nsw__calloc(g->o->nlists, sizeof(*g->list_ids));
		if (g->list_ids == NULL)
			return nsw_error_set(NSW_ENOMEM,
					     "ingest: out of memory");
	}
	for (uint32_t i = 0; rc == NSW_OK && i < g->o->nlists; i++)
		rc = nsw_case_list_add(g->c, &g->o->lists[i], &g->list_ids[i]);
	return rc;
}

int nsw_chat_ingest(nsw_case *c, const char *path,
		    const nsw_chat_ingest_options *opt,
		    nsw_chat_ingest_result *result)
{
	struct ingest g;
	nsw_ingest_sink sink = {0};
	nsw_ingest_format fmt = NSW_INGEST_FORMAT_AUTO;
	char label[NSW_CASE_TEXT_MAX];
	char pragma[160];
	double t0 = now_seconds(), cpu0 = thread_cpu(), parser_cpu = 0;
	int rc, bulk = 0;

	if (c == NULL || path == NULL || opt == NULL || result == NULL)
		return nsw_error_set(NSW_EINVAL, "ingest: NULL argument");
	if (opt->nlists > 0 && (opt->lists == NULL || opt->matcher == NULL))
		return nsw_error_set(NSW_EINVAL,
				     "ingest: lists without matcher");
	memset(&g, 0, sizeof(g));
	g.c = c;
	g.o = opt;
	g.r = result;
	g.batch = opt->batch_messages > 0 ? opt->batch_messages
					  : NSW_CHAT_BATCH_MESSAGES;
	if (opt->label != NULL)
		snprintf(label, sizeof(label), "%s", opt->label);
	else
		default_label(label, sizeof(label), path);
	fmt = opt->parse.format;
	if (fmt == NSW_INGEST_FORMAT_AUTO && nsw_ingest_detect(&fmt, path) != 0)
		fmt = NSW_INGEST_FORMAT_AUTO; /* the parser reports why */
	result->format = fmt;
	/* Cut at the buffer's size, as documented. */
	snprintf(result->label, sizeof(result->label), "%.*s",
		 (int)sizeof(result->label) - 1, label);
	result->parse_rc = 0;
	rc = setup(&g, path, label);
	rc = rc ? rc : nsw_chat_store_new(&g.s, c, g.evidence_id);
	rc = rc ? rc : audit(&g, "ingest.start", path, label);
	if (rc != NSW_OK)
		goto done;
	/*
	 * Bulk-load settings for this connection, restored below. Foreign
	 * keys off: every id bound comes from a row this ingest inserted or
	 * found (each check would cost a lookup per reference). synchronous
	 * NORMAL: in WAL mode a power cut may lose the last batches but never
	 * corrupts; the ingest is idempotent, so running it again restores
	 * them. A checkpoint at the end makes everything durable.
	 */
	snprintf(pragma, sizeof(pragma),
		 "PRAGMA foreign_keys=OFF; PRAGMA synchronous=NORMAL; "
		 "PRAGMA cache_size=-%d;",
		 NSW_CHAT_SQL_CACHE_KIB);
	rc = nsw_sqldb_exec(c->db, pragma);
	bulk = rc == NSW_OK;
	rc = rc ? rc : nsw_case_begin(c);
	if (rc != NSW_OK)
		goto done;
	if (!opt->no_media && fmt == NSW_INGEST_FORMAT_WHATSAPP &&
	    nsw_archive_is_zip(path)) {
		rc = archive_members(&g, path);
		rc = rc ? rc : g.store_rc;
		if (rc != NSW_OK) {
			nsw_case_rollback(c);
			goto done;
		}
	}
	sink.ctx = &g;
	sink.chat = on_chat;
	sink.account = on_account;
	sink.message = on_message;
	sink.membership = on_membership;
	sink.problem = on_problem;
	sink.note = on_note;
	result->parse_rc = nsw_chat__ingest_piped(
		&result->stats, path, &opt->parse, &sink, &parser_cpu);
	result->parser_cpu += parser_cpu;
	if (g.store_rc != NSW_OK) {
		rc = g.store_rc;
		result->parse_rc = 0;
		nsw_case_rollback(c);
		goto done;
	}
	rc = nsw_chat_store_flush(g.s);
	rc = rc ? rc : nsw_case_commit(c);
	if (rc != NSW_OK) {
		nsw_case_rollback(c);
		goto done;
	}
	result->seconds += now_seconds() - t0;
	result->store_cpu += thread_cpu() - cpu0;
	rc = audit(&g, "ingest.finish", path, label);
done:
	if (bulk)
		(void)nsw_sqldb_exec(c->db,
				     "PRAGMA cache_size=-2000; PRAGMA "
				     "synchronous=FULL; PRAGMA foreign_keys=ON;"
				     " PRAGMA wal_checkpoint(PASSIVE);");
	if (g.mstate_ready && opt->matcher->thread_free != NULL)
		opt->matcher->thread_free(opt->matcher->ctx, g.mstate);
	nsw__free(g.matches.v);
	nsw_hasher_free(g.hasher);
	nsw__free(g.chat_dir);
	nsw__free(g.list_ids);
	nsw_chat_store_free(g.s);
	return rc;
}
