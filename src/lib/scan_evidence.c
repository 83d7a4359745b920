/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The device scan's setup: where the evidence is, which evidence record
 * and which run of the case hold this scan. A run's identity is its
 * canonical arguments, so the same command resumes it (docs/scan.md).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "error.h"
#include "limits.h"
#include "scan_evidence.h"
#include "store.h"

struct label_check {
	const char *label;
	const char *root;
	int64_t id;
	int other_path;
	int has_image_sha256; /* the image digest recorded for the label */
	uint8_t image_sha256[32];
};

static int check_label(void *ctx, const nsw_evidence *ev)
{
	struct label_check *lc = ctx;

	if (strcmp(ev->label, lc->label) == 0) {
		lc->id = ev->id;
		lc->other_path = ev->source_path == NULL ||
				 strcmp(ev->source_path, lc->root) != 0;
		lc->has_image_sha256 = ev->image_sha256 != NULL;
		if (ev->image_sha256 != NULL)
			memcpy(lc->image_sha256, ev->image_sha256, 32);
	}
	return 0;
}

static int resolve_evidence(nsw_scan__evidence *s, nsw_case *c)
{
	const nsw_scan_options *opt = s->opt;
	struct label_check lc = {.label = opt->label, .root = s->root};
	nsw_evidence ev;
	int rc = nsw_case_evidence_foreach(c, check_label, &lc);

	if (rc != NSW_OK)
		return rc;
	if (lc.id != 0 && lc.other_path)
		return nsw_error_set(NSW_EINVAL,
				     "evidence label '%s' is already used for "
				     "another source in this case",
				     opt->label);
	if (lc.id != 0) {
		s->evidence_id = lc.id;
		s->had_image_sha256 = opt->image && lc.has_image_sha256;
		memcpy(s->recorded_sha256, lc.image_sha256, 32);
		return NSW_OK;
	}
	memset(&ev, 0, sizeof(ev));
	ev.label = opt->label;
	ev.kind = opt->kind != NULL ? opt->kind
		  : opt->image	    ? "image"
		  : s->root_is_dir  ? "directory"
				    : "file";
	ev.source_path = s->root;
	return nsw_case_evidence_add(c, &ev, &s->evidence_id);
}

/* The scan's identity for resume: evidence, label, lists, PDQ or not,
 * partial images or not. */
static int canonical_args(const nsw_scan__evidence *s, nsw_buf *b)
{
	const nsw_scan_options *opt = s->opt;
	int rc;

	rc = nsw_buf_puts(b, "[\"evidence\",");
	rc = rc ? rc : nsw_store__json_str(b, s->root);
	rc = rc ? rc : nsw_buf_puts(b, ",\"label\",");
	rc = rc ? rc : nsw_store__json_str(b, opt->label);
	for (uint32_t i = 0; rc == 0 && i < opt->nlists; i++) {
		rc = nsw_buf_puts(b, opt->lists[i].role == NSW_LIST_ROLE_ALLOW
					     ? ",\"allow\","
					     : ",\"list\",");
		rc = rc ? rc : nsw_store__json_str(b, opt->lists[i].checksum);
	}
	rc = rc ? rc
		: nsw_buf_printf(b, ",\"pdq\",%s,\"radius\",%d",
				 opt->no_pdq ? "false" : "true",
				 opt->pdq_radius);
	if (rc == 0 && opt->image)
		rc = nsw_buf_puts(b, ",\"image\",true");
	/* Only when set, so strict scans keep the identity they had. */
	if (rc == 0 && opt->partial_images && !opt->no_pdq)
		rc = nsw_buf_puts(b, ",\"partial_images\",true");
	if (rc == 0 && opt->no_archives)
		rc = nsw_buf_puts(b, ",\"archives\",false");
	rc = rc ? rc : nsw_buf_puts(b, "]");
	return rc == 0 ? NSW_OK
		       : nsw_error_set(NSW_ELIMIT, "scan: arguments too long");
}

int nsw_scan__check_paths(nsw_scan__evidence *s, const char *case_path)
{
	char *case_real = NULL;
	struct stat st;
	int rc = NSW_OK;

	s->root = realpath(s->opt->evidence_path, NULL);
	if (s->root == NULL)
		return nsw_error_set(errno == ENOENT ? NSW_ENOTFOUND : NSW_EIO,
				     "%s: %s", s->opt->evidence_path,
				     strerror(errno));
	s->root_len = strlen(s->root);
	if (stat(s->root, &st) != 0)
		return nsw_error_set(NSW_EIO, "%s: %s", s->root,
				     strerror(errno));
	s->root_is_dir = S_ISDIR(st.st_mode);
	case_real = realpath(case_path, NULL);
	if (case_real == NULL)
		return nsw_error_set(errno == ENOENT ? NSW_ENOTFOUND : NSW_EIO,
				     "%s: %s", case_path, strerror(errno));
	/* The case is written as we go: it must not be part of the evidence
	 * (nothing may be written inside the evidence). */
	if (strcmp(case_real, s->root) == 0 ||
	    (s->root_is_dir && strncmp(case_real, s->root, s->root_len) == 0 &&
	     (s->root_len == 1 || case_real[s->root_len] == '/')))
		rc = nsw_error_set(NSW_EINVAL,
				   "%s: the case file is inside the evidence "
				   "%s; put it elsewhere",
				   case_path, s->root);
	free(case_real); /* from realpath(): libc memory */
	return rc;
}

int nsw_scan__start_run(nsw_scan__evidence *s, nsw_case *c,
			nsw_scan_result *result)
{
	const nsw_scan_options *opt = s->opt;
	nsw_scan_start start;
	nsw_buf args;
	int rc;

	nsw_buf_init(&args, NSW_CASE_AUDIT_DETAIL_MAX / 2);
	rc = resolve_evidence(s, c);
	for (uint32_t i = 0; rc == NSW_OK && i < opt->nlists; i++)
		rc = nsw_case_list_add(c, &opt->lists[i], &s->list_ids[i]);
	if (rc == NSW_OK && opt->args == NULL)
		rc = canonical_args(s, &args);
	if (rc != NSW_OK)
		goto done;
	memset(&start, 0, sizeof(start));
	start.evidence_id = s->evidence_id;
	start.args = opt->args != NULL ? opt->args : args.ptr;
	start.threads = opt->threads;
	rc = nsw_case_scan_begin(c, &start, &s->run_id, &result->resumed);
	for (uint32_t i = 0; rc == NSW_OK && i < opt->nlists; i++)
		rc = nsw_case_scan_add_list(c, s->run_id, s->list_ids[i]);
	result->run_id = s->run_id;
	result->evidence_id = s->evidence_id;
done:
	nsw_buf_dispose(&args);
	return rc;
}

/* The evidence's manifest root as recorded now (audited when it changes),
 * for `netsweep verify`. */
int nsw_scan__store_manifest(nsw_case *c, int64_t evidence_id)
{
	uint8_t root[32];
	int rc = nsw_case_evidence_manifest(c, evidence_id, root, NULL);

	return rc ? rc
		  : nsw_case_evidence_set_manifest(c, evidence_id,
						   NSW_MANIFEST_ALGO, root,
						   sizeof(root));
}
