/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A referral package's VICS 2.0 case and its cover report (HTML and PDF):
 * what the receiving unit reads first. The rest of the package is written
 * by store_refer.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "error.h"
#include "limits.h"
#include "netsweep/analyze.h"
#include "netsweep/attrib.h"
#include "netsweep/digest.h"
#include "netsweep/package.h"
#include "netsweep/refer.h"
#include "pdf.h"
#include "sqldb.h"
#include "store.h"
#include "store_output.h"
#include "store_refer.h"
#include "vec.h"

/* ---- VICS 2.0 case --------------------------------------------------- */

#define VICS_CASE_CONTEXT                                                   \
	"http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/US/" \
	"$metadata#Cases"

static void upper(char *s)
{
	for (; *s; s++)
		if (*s >= 'a' && *s <= 'f')
			*s = (char)(*s - 'a' + 'A');
}

int nsw_refer__write_vics(nsw_case *c, struct package *p)
{
	const nsw_case_meta *m = nsw_case_get_meta(c);
	nsw_out o;
	size_t media_id = 0;
	int rc = nsw_refer__open_in(&o, p, "case-vics.json");

	if (rc < 0)
		return rc;
	nsw_out__puts(&o, "{\"@odata.context\":\"" VICS_CASE_CONTEXT
			  "\",\"value\":[{\"CaseID\":");
	nsw_out__json(&o, m ? m->uuid : "");
	nsw_out__puts(&o, ",\"CaseNumber\":");
	nsw_out__json(&o, p->opt->case_ref);
	nsw_out__puts(&o, ",\"ContactOrganization\":");
	nsw_out__json(&o, p->opt->agency);
	nsw_out__printf(&o,
			",\"SourceApplicationName\":\"netsweep\","
			"\"SourceApplicationVersion\":\"%s\",\"Media\":[",
			NSW_VERSION);
	for (size_t i = 0; i < p->items.count; i++) {
		struct item *it = NSW_VEC_AT(p->items, struct item, i);
		const char *colon = strchr(it->category, ':');
		int vics = strncmp(it->category, "vics-", 5) == 0 && colon &&
			   colon[1] >= '0' && colon[1] <= '9';

		for (size_t k = 0; k < it->appearances.count; k++) {
			struct appearance *a = NSW_VEC_AT(it->appearances,
							  struct appearance, k);
			struct copy_hashes h;

			if (!nsw_refer__first_copy(it, k))
				continue;
			nsw_refer__copy_hashes(c, a->copy, &h);
			if (h.md5[0] == '\0')
				continue; /* VICS Media are keyed by MD5 */
			upper(h.md5);
			upper(h.sha1);
			nsw_out__printf(&o, "%s{\"MediaID\":%zu,\"MD5\":\"%s\"",
					media_id ? "," : "", media_id + 1,
					h.md5);
			media_id++;
			if (h.sha1[0])
				nsw_out__printf(&o, ",\"SHA1\":\"%s\"", h.sha1);
			if (vics)
				nsw_out__printf(&o, ",\"Category\":%ld",
						strtol(colon + 1, NULL, 10));
			if (h.size >= 0)
				nsw_out__printf(&o, ",\"MediaSize\":%lld",
						(long long)h.size);
			nsw_out__puts(&o, ",\"IsPrecategorized\":");
			nsw_out__puts(&o, vics ? "true" : "false");
			nsw_out__puts(&o, "}");
		}
	}
	nsw_out__puts(&o, "]}]}\n");
	return nsw_out__close(&o, 0, NULL);
}

/* ---- Cover report ---------------------------------------------------- */

static const char handling_text[] =
	"Handling codes (Europol 4x4 and handling code): H0 may be used in "
	"judicial proceedings; H1 not to be used in judicial proceedings "
	"without the sender's permission; H2 not to be disseminated without "
	"the sender's permission; H3 other restrictions, stated by the "
	"sender. Source reliability A (reliable) to C (not usually "
	"reliable), X (cannot be judged); information accuracy 1 (known to "
	"be true) to 4 (not known).";

int nsw_refer__write_cover(nsw_case *c, struct package *p, const char *now)
{
	const nsw_case_meta *m = nsw_case_get_meta(c);
	nsw_out o;
	nsw_pdf *pdf = NULL;
	char line[1024], path[NSW_PATH_MAX];
	const float widths[5] = {30, 150, 130, 95, 90};
	const char *head[5] = {"Rank", "Account", "Names", "Known items",
			       "New items re-shared"};
	int rc = nsw_refer__open_in(&o, p, "cover.html");

	if (rc < 0)
		return rc;
	nsw_out__puts(&o, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
			  "<meta charset=\"utf-8\"><title>Referral ");
	nsw_out__html(&o, p->country);
	nsw_out__puts(&o, "</title><style>body{font-family:sans-serif;"
			  "max-width:60em;margin:2em auto}table{border-"
			  "collapse:collapse}td,th{border:1px solid #999;"
			  "padding:.2em .5em;text-align:left}</style>"
			  "</head><body>\n<h1>Referral to ");
	nsw_out__html(&o, p->country);
	nsw_out__puts(&o, "</h1>\n<p>From: ");
	nsw_out__html(&o,
		      p->opt->agency[0] ? p->opt->agency : "(sending agency)");
	nsw_out__puts(&o, ". Case reference: ");
	nsw_out__html(&o, p->opt->case_ref);
	nsw_out__puts(&o, ". Date: ");
	nsw_out__html(&o, now);
	nsw_out__printf(&o,
			".</p>\n<p><strong>Handling: %s. Source reliability: "
			"%s. Information accuracy: %s.</strong></p>\n",
			p->opt->handling, p->opt->reliability,
			p->opt->accuracy);
	nsw_out__printf(
		&o,
		"<p>During an investigation of messaging groups that "
		"distribute known child sexual abuse material, %zu "
		"account(s) were attributed to your country. This package "
		"lists them, the %zu item(s) they posted or forwarded, given "
		"only as cryptographic and perceptual hashes with the hash "
		"list that identified them, where those items went, and the "
		"chats involved. It contains <strong>no images or other "
		"media</strong>. Accounts that were not referred to you "
		"appear as <em>other-N</em>.</p>\n",
		p->suspects.count, p->items.count);
	nsw_out__puts(&o, "<h2>Suspects</h2>\n<table><tr><th>Rank</th><th>"
			  "Account</th><th>Names</th><th>Phones</th><th>"
			  "Known items</th><th>New items seeded and "
			  "re-shared</th><th>Score</th></tr>\n");
	for (size_t i = 0; i < p->suspects.count; i++) {
		const struct suspect *s =
			NSW_VEC_AT(p->suspects, struct suspect, i);

		nsw_out__printf(&o, "<tr><td>%u</td><td>", s->rank);
		nsw_out__html(&o, s->platform);
		nsw_out__puts(&o, ":");
		nsw_out__html(&o, s->native_id);
		nsw_out__puts(&o, "</td><td>");
		nsw_out__html(&o, s->names);
		nsw_out__puts(&o, "</td><td>");
		nsw_out__html(&o, s->phones);
		nsw_out__printf(&o,
				"</td><td>%lld</td><td>%lld</td><td>%.2f"
				"</td></tr>\n",
				(long long)s->known_items,
				(long long)s->new_seeded_reshared, s->score);
	}
	nsw_out__puts(&o, "</table>\n<h2>What is in this package</h2>\n<ul>"
			  "<li>suspects.jsonl: each suspect, every basis of "
			  "the country attribution, the score and each of "
			  "its terms (docs/scoring.md)</li><li>activity.csv: "
			  "what each suspect posted or forwarded, where and "
			  "when</li><li>items.csv: the items as MD5, SHA-1, "
			  "SHA-256 and PDQ with the list and category</li>"
			  "<li>spread.jsonl and timeline.csv: every "
			  "appearance of those items in time order</li><li>"
			  "chats.csv, graph.graphml (Gephi, i2), "
			  "case-vics.json (VICS 2.0: Griffeye, AXIOM, IPED)"
			  "</li><li>MANIFEST.txt (SHA-256 of every file) and "
			  "MANIFEST.sig: check with <code>netsweep "
			  "verify-package</code> and the sender's public "
			  "key</li></ul>\n<p>");
	nsw_out__html(&o, handling_text);
	nsw_out__puts(&o, "</p>\n</body></html>\n");
	rc = nsw_out__close(&o, 0, NULL);
	if (rc < 0)
		return rc;

	snprintf(line, sizeof(line), "Referral to %s", p->country);
	rc = nsw_pdf_new(&pdf, line);
	if (rc == 0)
		rc = nsw_pdf_heading(pdf, line);
	snprintf(line, sizeof(line),
		 "From: %s. Case reference: %s. Date: %s. Handling: %s. "
		 "Source reliability: %s. Information accuracy: %s.",
		 p->opt->agency[0] ? p->opt->agency : "(sending agency)",
		 p->opt->case_ref, now, p->opt->handling, p->opt->reliability,
		 p->opt->accuracy);
	if (rc == 0)
		rc = nsw_pdf_paragraph(pdf, line);
	snprintf(line, sizeof(line),
		 "%zu account(s) were attributed to your country. This "
		 "package lists them, the %zu item(s) they posted or "
		 "forwarded as hashes with the list that identified them, "
		 "where those items went, and the chats involved. It "
		 "contains no images or other media. Case %s.",
		 p->suspects.count, p->items.count, m ? m->name : "");
	if (rc == 0)
		rc = nsw_pdf_paragraph(pdf, line);
	if (rc == 0)
		rc = nsw_pdf_heading(pdf, "Suspects");
	if (rc == 0)
		rc = nsw_pdf_row(pdf, head, widths, 5, 1);
	for (size_t i = 0; i < p->suspects.count && rc == 0; i++) {
		const struct suspect *s =
			NSW_VEC_AT(p->suspects, struct suspect, i);
		char rank[16], account[256], known[32], seeded[32];
		const char *cells[5] = {rank, account, s->names, known, seeded};

		snprintf(rank, sizeof(rank), "%u", s->rank);
		snprintf(account, sizeof(account), "%s:%s", s->platform,
			 s->native_id);
		snprintf(known, sizeof(known), "%lld",
			 (long long)s->known_items);
		snprintf(seeded, sizeof(seeded), "%lld",
			 (long long)s->new_seeded_reshared);
		rc = nsw_pdf_row(pdf, cells, widths, 5, 0);
	}
	if (rc == 0)
		rc = nsw_pdf_paragraph(pdf, handling_text);
	if (rc == 0 && (size_t)snprintf(path, sizeof(path), "%s/cover.pdf",
					p->dir) >= sizeof(path))
		rc = nsw_error_set(NSW_ELIMIT, "path too long");
	if (rc == 0)
		rc = nsw_pdf_save(pdf, path);
	nsw_pdf_free(pdf);
	return rc;
}
