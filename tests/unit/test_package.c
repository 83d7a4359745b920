/* SPDX-License-Identifier: Apache-2.0 */
/* Sealed packages: manifest, signature, tamper detection (package.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"
#include "netsweep/package.h"
#include "netsweep/sign.h"

struct fixture {
	char *dir, *pkg, *priv, *pub, *priv2, *pub2;
	char seen[1024];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char *p;

	f->dir = ts_tmpdir();
	f->pkg = ts_path(f->dir, "pkg");
	f->priv = ts_path(f->dir, "k.pem");
	f->pub = ts_path(f->dir, "k.pub");
	f->priv2 = ts_path(f->dir, "o.pem");
	f->pub2 = ts_path(f->dir, "o.pub");
	p = ts_path(f->pkg, "suspects.jsonl");
	ts_write_file(p, "{\"account\":\"a1\"}\n", 17);
	free(p);
	p = ts_path(f->pkg, "graph/excerpt.graphml");
	ts_write_file(p, "<graphml/>", 10);
	free(p);
	p = ts_path(f->pkg, "empty.txt");
	ts_write_file(p, "", 0);
	free(p);
	if (nsw_sign_keygen(f->priv, f->pub) != 0 ||
	    nsw_sign_keygen(f->priv2, f->pub2) != 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	ts_tmpdir_remove(f->dir);
	free(f->pkg);
	free(f->priv);
	free(f->pub);
	free(f->priv2);
	free(f->pub2);
	free(f);
	return 0;
}

static void note(void *ctx, nsw_package_problem what, const char *rel)
{
	struct fixture *f = ctx;
	size_t n = strlen(f->seen);

	snprintf(f->seen + n, sizeof(f->seen) - n, "%s:%s ",
		 nsw_package_problem_name(what), rel);
}

static void sealed_package_verifies_with_its_key(void **state)
{
	struct fixture *f = *state;
	nsw_package_report r;

	assert_int_equal(nsw_package_seal(f->pkg, f->priv), 0);
	assert_int_equal(nsw_package_verify(&r, f->pkg, f->pub, note, f), 0);
	assert_int_equal(r.listed, 3);
	assert_int_equal(r.intact, 3);
	assert_int_equal(r.signature, 1);
	assert_string_equal(f->seen, "");
	/* Without a key: intact, signature present but unchecked. */
	assert_int_equal(nsw_package_verify(&r, f->pkg, NULL, NULL, NULL), 0);
	assert_int_equal(r.signature, 2);
	/* Another agency's key does not verify it. */
	assert_int_equal(nsw_package_verify(&r, f->pkg, f->pub2, NULL, NULL),
			 NSW_EFORMAT);
	assert_int_equal(r.signature, -1);
}

static void edit_delete_and_add_are_each_named(void **state)
{
	struct fixture *f = *state;
	nsw_package_report r;
	char *edited = ts_path(f->pkg, "suspects.jsonl");
	char *removed = ts_path(f->pkg, "graph/excerpt.graphml");
	char *added = ts_path(f->pkg, "graph/new.txt");

	assert_int_equal(nsw_package_seal(f->pkg, f->priv), 0);
	ts_write_file(edited, "{\"account\":\"a2\"}\n", 17); /* same size */
	unlink(removed);
	ts_write_file(added, "x", 1);
	f->seen[0] = '\0';
	assert_int_equal(nsw_package_verify(&r, f->pkg, f->pub, note, f),
			 NSW_EFORMAT);
	assert_int_equal(r.altered, 1);
	assert_int_equal(r.missing, 1);
	assert_int_equal(r.extra, 1);
	assert_int_equal(r.intact, 1);
	assert_non_null(strstr(f->seen, "altered:suspects.jsonl"));
	assert_non_null(strstr(f->seen, "missing:graph/excerpt.graphml"));
	assert_non_null(strstr(f->seen, "extra:graph/new.txt"));
	/* The signature itself is still valid: it covers the manifest. */
	assert_int_equal(r.signature, 1);
	free(edited);
	free(removed);
	free(added);
}

static void edited_manifest_breaks_the_signature(void **state)
{
	struct fixture *f = *state;
	nsw_package_report r;
	char *m = ts_path(f->pkg, NSW_PACKAGE_MANIFEST);
	char *e = ts_path(f->pkg, "empty.txt");
	size_t len;
	uint8_t *text;

	unlink(e); /* restore a known state without the extra file */
	ts_write_file(e, "", 0);
	free(e);
	e = ts_path(f->pkg, "graph/new.txt");
	unlink(e);
	free(e);
	assert_int_equal(nsw_package_seal(f->pkg, f->priv), 0);
	/* Re-seal the content without the key, then put the old signature
	 * back: the manifest is consistent but no longer what was signed. */
	e = ts_path(f->pkg, "suspects.jsonl");
	ts_write_file(e, "{\"account\":\"zz\"}\n", 17);
	free(e);
	e = ts_path(f->pkg, NSW_PACKAGE_SIGNATURE);
	text = ts_read_file(e, &len);
	assert_int_equal(nsw_package_seal(f->pkg, NULL), 0);
	ts_write_file(e, text, len);
	assert_int_equal(nsw_package_verify(&r, f->pkg, f->pub, NULL, NULL),
			 NSW_EFORMAT);
	assert_int_equal(r.altered, 0);
	assert_int_equal(r.signature, -1);
	free(text);
	free(e);
	free(m);
}

static void unsigned_package_fails_when_a_key_is_required(void **state)
{
	struct fixture *f = *state;
	nsw_package_report r;
	char *sig = ts_path(f->pkg, NSW_PACKAGE_SIGNATURE);

	assert_int_equal(nsw_package_seal(f->pkg, NULL), 0);
	unlink(sig);
	assert_int_equal(nsw_package_verify(&r, f->pkg, NULL, NULL, NULL), 0);
	assert_int_equal(r.signature, 0);
	assert_int_equal(nsw_package_verify(&r, f->pkg, f->pub, NULL, NULL),
			 NSW_EFORMAT);
	free(sig);
}

static void hostile_manifest_lines_are_refused_with_line(void **state)
{
	struct fixture *f = *state;
	nsw_package_report r;
	char *m = ts_path(f->pkg, NSW_PACKAGE_MANIFEST);
	const char *bad[] = {
		"# netsweep package manifest v1\n"
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b8"
		"55"
		"  0  ../outside\n",
		"# netsweep package manifest v1\n"
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b8"
		"55"
		"  0  /etc/passwd\n",
		"# netsweep package manifest v1\nnot a hash  0  x\n",
		"# netsweep package manifest v1\n"
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b8"
		"55"
		"  0  empty.txt",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ts_write_file(m, bad[i], strlen(bad[i]));
		assert_int_equal(
			nsw_package_verify(&r, f->pkg, NULL, NULL, NULL),
			NSW_EFORMAT);
		assert_non_null(strstr(nsw_error_last(), "MANIFEST.txt:2"));
	}
	free(m);
}

static void symlinks_are_not_sealed(void **state)
{
	struct fixture *f = *state;
	char *link = ts_path(f->pkg, "link");

	assert_int_equal(symlink("/etc/passwd", link), 0);
	assert_int_equal(nsw_package_seal(f->pkg, NULL), NSW_EFORMAT);
	unlink(link);
	free(link);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sealed_package_verifies_with_its_key),
		cmocka_unit_test(edit_delete_and_add_are_each_named),
		cmocka_unit_test(edited_manifest_breaks_the_signature),
		cmocka_unit_test(unsigned_package_fails_when_a_key_is_required),
		cmocka_unit_test(hostile_manifest_lines_are_refused_with_line),
		cmocka_unit_test(symlinks_are_not_sealed),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
