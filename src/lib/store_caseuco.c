/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The whole case as CASE/UCO 1.x JSON-LD (https://caseontology.org), the
 * forensic community's exchange ontology: files with their hashes, lists,
 * hits, accounts, chats, messages, attributions as assertions and the
 * provenance of evidence items and merged rows. Hashes and metadata only.
 */
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "netsweep/merge.h"
#include "sqldb.h"
#include "store.h"
#include "store_output.h"

struct uco {
	nsw_case *c;
	nsw_out o;
	int first;
	int64_t nodes;
};

/* A new graph node "kb:PREFIX-ID" ("kb:PREFIX" when id < 0). */
static void node(struct uco *u, const char *type, const char *prefix,
		 int64_t id)
{
	nsw_out__puts(&u->o, u->first ? "\n  {" : ",\n  {");
	u->first = 0;
	u->nodes++;
	if (id < 0)
		nsw_out__printf(&u->o, "\"@id\":\"kb:%s\"", prefix);
	else
		nsw_out__printf(&u->o, "\"@id\":\"kb:%s-%lld\"", prefix,
				(long long)id);
	nsw_out__printf(&u->o, ",\"@type\":\"%s\"", type);
}

static void prop_str(struct uco *u, const char *name, const char *v)
{
	if (v == NULL)
		return;
	nsw_out__printf(&u->o, ",\"%s\":", name);
	nsw_out__json(&u->o, v);
}

static void prop_typed(struct uco *u, const char *name, const char *type,
		       const char *v)
{
	if (v == NULL || v[0] == '\0')
		return;
	nsw_out__printf(&u->o, ",\"%s\":{\"@type\":\"%s\",\"@value\":", name,
			type);
	nsw_out__json(&u->o, v);
	nsw_out__puts(&u->o, "}");
}

static void hash_item(struct uco *u, int *first, const char *method,
		      const void *d, size_t n)
{
	if (d == NULL || n == 0)
		return;
	nsw_out__printf(
		&u->o,
		"%s{\"@type\":\"uco-types:Hash\",\"uco-types:hashMethod\":"
		"{\"@type\":\"uco-vocabulary:HashNameVocab\",\"@value\":"
		"\"%s\"},\"uco-types:hashValue\":{\"@type\":"
		"\"xsd:hexBinary\",\"@value\":\"",
		*first ? "" : ",", method);
	nsw_out__hex(&u->o, d, n);
	nsw_out__puts(&u->o, "\"}}");
	*first = 0;
}

static const char context[] =
	"{\n\"@context\":{"
	"\"case-investigation\":"
	"\"https://ontology.caseontology.org/case/investigation/\","
	"\"uco-core\":\"https://ontology.unifiedcyberontology.org/uco/core/\","
	"\"uco-identity\":"
	"\"https://ontology.unifiedcyberontology.org/uco/identity/\","
	"\"uco-location\":"
	"\"https://ontology.unifiedcyberontology.org/uco/location/\","
	"\"uco-observable\":"
	"\"https://ontology.unifiedcyberontology.org/uco/observable/\","
	"\"uco-tool\":\"https://ontology.unifiedcyberontology.org/uco/tool/\","
	"\"uco-types\":\"https://ontology.unifiedcyberontology.org/uco/types/"
	"\","
	"\"uco-vocabulary\":"
	"\"https://ontology.unifiedcyberontology.org/uco/vocabulary/\","
	"\"xsd\":\"http://www.w3.org/2001/XMLSchema#\",";

static int header(struct uco *u)
{
	const nsw_case_meta *m = nsw_case_get_meta(u->c);

	nsw_out__puts(&u->o, context);
	nsw_out__printf(&u->o, "\"kb\":\"urn:netsweep:%s:\"},\n\"@graph\":[",
			m->uuid);
	node(u, "uco-core:Bundle", "bundle", -1);
	prop_str(u, "uco-core:name", m->name);
	prop_str(u, "uco-core:specVersion", "CASE 1.3.0 / UCO 1.3.0");
	prop_str(u, "uco-core:description",
		 "netsweep case export: hashes and metadata, no media");
	nsw_out__puts(&u->o, "}");
	node(u, "uco-identity:Identity", "examiner", -1);
	prop_str(u, "uco-core:name", m->examiner);
	nsw_out__puts(&u->o, "}");
	node(u, "uco-tool:Tool", "tool-netsweep", -1);
	prop_str(u, "uco-core:name", "netsweep");
	prop_str(u, "uco-tool:version", m->created_by_version);
	nsw_out__puts(&u->o, "}");
	node(u, "case-investigation:Investigation", "investigation", -1);
	prop_str(u, "uco-core:name", m->name);
	prop_str(u, "case-investigation:focus",
		 "child sexual abuse material "
		 "distribution (hashes only)");
	nsw_out__puts(&u->o,
		      ",\"uco-core:createdBy\":{\"@id\":\"kb:examiner\"}");
	prop_typed(u, "uco-core:objectCreatedTime", "xsd:dateTime",
		   m->created_utc);
	nsw_out__puts(&u->o, "}");
	return 0;
}

/* Run `sql`, calling `row` for each result. */
static int each(struct uco *u, const char *sql,
		int (*row)(struct uco *u, nsw_sqlstmt *q))
{
	nsw_sqlstmt *q = NULL;
	int rc = nsw_sqldb_prepare(u->c->db, &q, sql);

	while (rc == 0 && (rc = nsw_sqldb_step(q)) == 1)
		rc = row(u, q);
	nsw_sqldb_finalize(q);
	return rc < 0 ? rc : 0;
}

static const char *txt(nsw_sqlstmt *q, int col)
{
	return nsw_sqldb_column_text(q, col, NULL);
}

static int evidence_row(struct uco *u, nsw_sqlstmt *q)
{
	int64_t id = nsw_sqldb_column_int64(q, 0);
	nsw_sqlstmt *f = NULL;
	int rc, first = 1;

	node(u, "case-investigation:ProvenanceRecord", "evidence", id);
	prop_str(u, "case-investigation:exhibitNumber", txt(q, 1));
	prop_str(u, "uco-core:description", txt(q, 4) ? txt(q, 4) : txt(q, 2));
	prop_typed(u, "uco-core:objectCreatedTime", "xsd:dateTime", txt(q, 3));
	nsw_out__puts(&u->o, ",\"uco-core:object\":[");
	rc = nsw_sqldb_prepare(u->c->db, &f,
			       "SELECT id FROM files WHERE evidence_id = ?1 "
			       "ORDER BY id");
	if (rc == 0)
		rc = nsw_sqldb_bind_int64(f, 1, id);
	while (rc == 0 && (rc = nsw_sqldb_step(f)) == 1) {
		nsw_out__printf(&u->o, "%s{\"@id\":\"kb:file-%lld\"}",
				first ? "" : ",",
				(long long)nsw_sqldb_column_int64(f, 0));
		first = 0;
		rc = 0;
	}
	nsw_sqldb_finalize(f);
	nsw_out__puts(&u->o, "]}");
	return rc < 0 ? rc : 0;
}

static int file_row(struct uco *u, nsw_sqlstmt *q)
{
	static const char *const methods[4] = {"MD5", "SHA1", "SHA256", "PDQ"};
	char size[32];
	int first = 1;

	node(u, "uco-observable:File", "file", nsw_sqldb_column_int64(q, 0));
	nsw_out__puts(&u->o, ",\"uco-core:hasFacet\":[{\"@type\":"
			     "\"uco-observable:FileFacet\"");
	prop_str(u, "uco-observable:filePath", txt(q, 1));
	if (nsw_sqldb_column_type(q, 2) == NSW_SQL_INTEGER) {
		snprintf(size, sizeof(size), "%lld",
			 (long long)nsw_sqldb_column_int64(q, 2));
		prop_typed(u, "uco-observable:sizeInBytes", "xsd:integer",
			   size);
	}
	nsw_out__puts(&u->o,
		      "},{\"@type\":\"uco-observable:ContentDataFacet\"");
	prop_str(u, "uco-observable:mimeType", txt(q, 3));
	nsw_out__puts(&u->o, ",\"uco-observable:hash\":[");
	for (int a = 0; a < 4; a++) {
		size_t n = 0;
		const void *d = nsw_sqldb_column_blob(q, 4 + a, &n);

		hash_item(u, &first, methods[a], d, n);
	}
	nsw_out__puts(&u->o, "]}]}");
	return 0;
}

static int list_row(struct uco *u, nsw_sqlstmt *q)
{
	int first = 1;
	uint8_t d[32];
	const char *hex = txt(q, 3);

	node(u, "uco-observable:File", "list", nsw_sqldb_column_int64(q, 0));
	prop_str(u, "uco-core:name", txt(q, 1));
	prop_str(u, "uco-core:description", txt(q, 2));
	nsw_out__puts(&u->o, ",\"uco-core:hasFacet\":[{\"@type\":"
			     "\"uco-observable:ContentDataFacet\","
			     "\"uco-observable:hash\":[");
	if (hex && strlen(hex) == 64) {
		for (int i = 0; i < 32; i++) {
			unsigned v = 0;

			for (int k = 0; k < 2; k++) {
				char ch = hex[2 * i + k];

				v = v * 16 +
				    (unsigned)(ch <= '9' ? ch - '0'
							 : (ch | 0x20) - 'a' +
								   10);
			}
			d[i] = (uint8_t)v;
		}
		hash_item(u, &first, "SHA256", d, 32);
	}
	nsw_out__puts(&u->o, "]}]}");
	return 0;
}

static int hit_row(struct uco *u, nsw_sqlstmt *q)
{
	node(u, "uco-core:Relationship", "hit", nsw_sqldb_column_int64(q, 0));
	nsw_out__printf(&u->o,
			",\"uco-core:source\":{\"@id\":\"kb:file-%lld\"},"
			"\"uco-core:target\":{\"@id\":\"kb:list-%lld\"},"
			"\"uco-core:isDirectional\":true",
			(long long)nsw_sqldb_column_int64(q, 1),
			(long long)nsw_sqldb_column_int64(q, 2));
	prop_str(u, "uco-core:kindOfRelationship", "Matched_Known_Hash");
	prop_str(u, "uco-core:description", txt(q, 3));
	nsw_out__puts(&u->o, "}");
	return 0;
}

static int platform_row(struct uco *u, nsw_sqlstmt *q)
{
	node(u, "uco-observable:Application", "application",
	     nsw_sqldb_column_int64(q, 0));
	prop_str(u, "uco-core:name", txt(q, 1));
	nsw_out__puts(&u->o, "}");
	return 0;
}

static int account_row(struct uco *u, nsw_sqlstmt *q)
{
	node(u, "uco-observable:ApplicationAccount", "account",
	     nsw_sqldb_column_int64(q, 0));
	nsw_out__puts(&u->o, ",\"uco-core:hasFacet\":[{\"@type\":"
			     "\"uco-observable:AccountFacet\"");
	prop_str(u, "uco-observable:accountIdentifier", txt(q, 2));
	nsw_out__printf(&u->o,
			",\"uco-observable:accountIssuer\":{\"@id\":"
			"\"kb:application-%lld\"}},{\"@type\":"
			"\"uco-observable:ApplicationAccountFacet\","
			"\"uco-observable:application\":{\"@id\":"
			"\"kb:application-%lld\"}}",
			(long long)nsw_sqldb_column_int64(q, 1),
			(long long)nsw_sqldb_column_int64(q, 1));
	if (txt(q, 3) || txt(q, 4)) {
		nsw_out__puts(&u->o, ",{\"@type\":"
				     "\"uco-observable:DigitalAccountFacet\"");
		prop_str(u, "uco-observable:displayName",
			 txt(q, 3) ? txt(q, 3) : txt(q, 4));
		nsw_out__puts(&u->o, "}");
	}
	if (txt(q, 5)) {
		nsw_out__puts(&u->o, ",{\"@type\":"
				     "\"uco-observable:PhoneAccountFacet\"");
		prop_str(u, "uco-observable:phoneNumber", txt(q, 5));
		nsw_out__puts(&u->o, "}");
	}
	nsw_out__puts(&u->o, "]}");
	return 0;
}

static int chat_row(struct uco *u, nsw_sqlstmt *q)
{
	node(u, "uco-observable:MessageThread", "chat",
	     nsw_sqldb_column_int64(q, 0));
	prop_str(u, "uco-core:name", txt(q, 2) ? txt(q, 2) : txt(q, 1));
	prop_str(u, "uco-core:description", txt(q, 3));
	nsw_out__puts(&u->o, "}");
	return 0;
}

static int message_row(struct uco *u, nsw_sqlstmt *q)
{
	int64_t id = nsw_sqldb_column_int64(q, 0);

	node(u, "uco-observable:Message", "message", id);
	nsw_out__puts(&u->o, ",\"uco-core:hasFacet\":[{\"@type\":"
			     "\"uco-observable:MessageFacet\"");
	prop_str(u, "uco-observable:messageID", txt(q, 2));
	prop_typed(u, "uco-observable:sentTime", "xsd:dateTime", txt(q, 3));
	if (nsw_sqldb_column_int64(q, 4) > 0)
		nsw_out__printf(&u->o,
				",\"uco-observable:from\":{\"@id\":"
				"\"kb:account-%lld\"}",
				(long long)nsw_sqldb_column_int64(q, 4));
	prop_str(u, "uco-observable:messageText", txt(q, 5));
	nsw_out__puts(&u->o, "}]}");
	node(u, "uco-core:Relationship", "in-chat", id);
	nsw_out__printf(&u->o,
			",\"uco-core:source\":{\"@id\":\"kb:message-%lld\"},"
			"\"uco-core:target\":{\"@id\":\"kb:chat-%lld\"},"
			"\"uco-core:isDirectional\":true,"
			"\"uco-core:kindOfRelationship\":\"Contained_Within\"}",
			(long long)id, (long long)nsw_sqldb_column_int64(q, 1));
	return 0;
}

static int attachment_row(struct uco *u, nsw_sqlstmt *q)
{
	node(u, "uco-core:Relationship", "attachment",
	     nsw_sqldb_column_int64(q, 0));
	nsw_out__printf(&u->o,
			",\"uco-core:source\":{\"@id\":\"kb:file-%lld\"},"
			"\"uco-core:target\":{\"@id\":\"kb:message-%lld\"},"
			"\"uco-core:isDirectional\":true,"
			"\"uco-core:kindOfRelationship\":\"Attached_To\"}",
			(long long)nsw_sqldb_column_int64(q, 1),
			(long long)nsw_sqldb_column_int64(q, 2));
	return 0;
}

static int attribution_row(struct uco *u, nsw_sqlstmt *q)
{
	char statement[512];
	int64_t id = nsw_sqldb_column_int64(q, 0);

	snprintf(statement, sizeof(statement),
		 "account %s:%s is attributed to country %s (basis %s, "
		 "confidence %s)",
		 txt(q, 2) ? txt(q, 2) : "", txt(q, 3) ? txt(q, 3) : "",
		 txt(q, 4) ? txt(q, 4) : "", txt(q, 5) ? txt(q, 5) : "",
		 txt(q, 6) ? txt(q, 6) : "");
	node(u, "uco-location:Location", "location", id);
	nsw_out__puts(&u->o, ",\"uco-core:hasFacet\":[{\"@type\":"
			     "\"uco-location:SimpleAddressFacet\"");
	prop_str(u, "uco-location:country", txt(q, 4));
	nsw_out__puts(&u->o, "}]}");
	node(u, "uco-core:Assertion", "attribution", id);
	prop_str(u, "uco-core:statement", statement);
	prop_str(u, "uco-core:description", txt(q, 7));
	nsw_out__printf(&u->o,
			",\"uco-core:object\":[{\"@id\":\"kb:account-%lld\"},"
			"{\"@id\":\"kb:location-%lld\"}]",
			(long long)nsw_sqldb_column_int64(q, 1), (long long)id);
	prop_typed(u, "uco-core:objectCreatedTime", "xsd:dateTime", txt(q, 8));
	nsw_out__puts(&u->o, "}");
	return 0;
}

/* Merged sources: who they were and which of our rows came from them. */
static int source_row(struct uco *u, nsw_sqlstmt *q)
{
	static const char *const tbls[] = {"files", "accounts", "chats",
					   "messages", "attributions"};
	static const char *const pfx[] = {"file", "account", "chat", "message",
					  "attribution"};
	int64_t id = nsw_sqldb_column_int64(q, 0);
	char desc[1024];
	nsw_sqlstmt *m = NULL;
	int rc = 0, first = 1;

	snprintf(desc, sizeof(desc),
		 "merged from case %s (uuid %s), examiner %s, last merged %s",
		 txt(q, 2) ? txt(q, 2) : "", txt(q, 1) ? txt(q, 1) : "",
		 txt(q, 3) ? txt(q, 3) : "", txt(q, 4) ? txt(q, 4) : "");
	node(u, "case-investigation:ProvenanceRecord", "merged-source", id);
	prop_str(u, "uco-core:description", desc);
	nsw_out__puts(&u->o, ",\"uco-core:object\":[");
	for (size_t t = 0; rc == 0 && t < sizeof(tbls) / sizeof(tbls[0]); t++) {
		rc = nsw_sqldb_prepare(u->c->db, &m,
				       "SELECT DISTINCT dst_row FROM merge_map "
				       "WHERE source_id = ?1 AND tbl = ?2 "
				       "ORDER BY 1");
		if (rc == 0)
			rc = nsw_sqldb_bind_int64(m, 1, id);
		if (rc == 0)
			rc = nsw_sqldb_bind_text(m, 2, tbls[t]);
		while (rc == 0 && (rc = nsw_sqldb_step(m)) == 1) {
			nsw_out__printf(
				&u->o, "%s{\"@id\":\"kb:%s-%lld\"}",
				first ? "" : ",", pfx[t],
				(long long)nsw_sqldb_column_int64(m, 0));
			first = 0;
			rc = 0;
		}
		nsw_sqldb_finalize(m);
		m = NULL;
	}
	nsw_out__puts(&u->o, "]}");
	return rc < 0 ? rc : 0;
}

static int body(struct uco *u)
{
	int rc = header(u);

	rc = rc ? rc
		: each(u,
		       "SELECT id, label, kind, added_utc, CASE WHEN EXISTS "
		       "(SELECT 1 FROM merge_map m WHERE m.tbl = 'evidence' "
		       "AND m.dst_row = evidence.id) THEN 'merged evidence "
		       "item of a partner case' END FROM evidence ORDER BY id",
		       evidence_row);
	rc = rc ? rc
		: each(u,
		       "SELECT f.id, e.label || '/' || f.display_path, f.size, "
		       "f.media_type, f.md5, f.sha1, f.sha256, f.pdq FROM "
		       "files "
		       "f JOIN evidence e ON e.id = f.evidence_id ORDER BY "
		       "f.id",
		       file_row);
	rc = rc ? rc
		: each(u,
		       "SELECT id, name, role || ' list ' || name || ' ' || "
		       "version, checksum FROM lists ORDER BY id",
		       list_row);
	rc = rc ? rc
		: each(u,
		       "SELECT id, file_id, list_id, algorithm || ' entry ' || "
		       "entry_id || ifnull(' ref ' || entry_ref, '') || "
		       "ifnull(' category ' || ifnull(category_scheme, '') || "
		       "':' || category_code, '') || ' distance ' || distance "
		       "|| CASE suppressed WHEN 1 THEN ' (suppressed by an "
		       "allow list)' ELSE '' END FROM hits ORDER BY id",
		       hit_row);
	rc = rc ? rc
		: each(u, "SELECT id, name FROM platforms ORDER BY id",
		       platform_row);
	rc = rc ? rc
		: each(u,
		       "SELECT a.id, a.platform_id, a.native_id, (SELECT value "
		       "FROM account_names n WHERE n.account_id = a.id AND "
		       "n.kind = 'display' ORDER BY n.id LIMIT 1), (SELECT "
		       "value FROM account_names n WHERE n.account_id = a.id "
		       "AND n.kind = 'username' ORDER BY n.id LIMIT 1), "
		       "coalesce((SELECT value FROM account_names n WHERE "
		       "n.account_id = a.id AND n.kind = 'phone' ORDER BY n.id "
		       "LIMIT 1), CASE WHEN a.native_id LIKE '+%' THEN "
		       "a.native_id END) FROM accounts a ORDER BY a.id",
		       account_row);
	rc = rc ? rc
		: each(u,
		       "SELECT id, native_id, title, kind FROM chats ORDER BY "
		       "id",
		       chat_row);
	rc = rc ? rc
		: each(u,
		       "SELECT id, chat_id, native_id, nullif(time_utc, ''), "
		       "sender_account_id, text FROM messages ORDER BY id",
		       message_row);
	rc = rc ? rc
		: each(u,
		       "SELECT id, file_id, message_id FROM media WHERE "
		       "file_id IS NOT NULL AND message_id IS NOT NULL ORDER "
		       "BY id",
		       attachment_row);
	rc = rc ? rc
		: each(u,
		       "SELECT t.id, t.account_id, p.name, a.native_id, "
		       "t.country, t.basis, CAST(t.confidence AS TEXT), "
		       "t.source, t.created_utc FROM attributions t JOIN "
		       "accounts a ON a.id = t.account_id JOIN platforms p ON "
		       "p.id = a.platform_id ORDER BY t.id",
		       attribution_row);
	rc = rc ? rc
		: each(u,
		       "SELECT id, uuid, name, examiner, last_merged_utc FROM "
		       "merged_sources ORDER BY id",
		       source_row);
	nsw_out__puts(&u->o, "\n]\n}\n");
	return rc;
}

int nsw_case_export_case_uco(nsw_case *c, const char *path)
{
	struct uco u;
	uint8_t sha[32];
	char detail[160];
	int rc;

	if (c == NULL || path == NULL)
		return nsw_error_set(NSW_EINVAL, "export: no case or path");
	memset(&u, 0, sizeof(u));
	u.c = c;
	u.first = 1;
	rc = nsw_out__open(&u.o, path);
	if (rc < 0)
		return rc;
	rc = body(&u);
	rc = nsw_out__close(&u.o, rc, sha);
	if (rc == 0 && !(c->flags & NSW_CASE_READONLY)) {
		int k = snprintf(detail, sizeof(detail),
				 "{\"objects\":%lld,\"sha256\":\"",
				 (long long)u.nodes);

		for (int i = 0; i < 32 && k + 3 < (int)sizeof(detail); i++)
			k += snprintf(detail + k, sizeof(detail) - (size_t)k,
				      "%02x", sha[i]);
		snprintf(detail + k, sizeof(detail) - (size_t)k, "\"}");
		rc = nsw_store__audit_append(c, "export.case-uco", detail);
	}
	return rc;
}
