/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target: the server's request-body parser (jansson, srv_json.c) and
 * its JSON string writer. Invariant: whatever string members the parser
 * returns, the writer turns into one JSON string that jansson parses back
 * (the writer never emits invalid JSON, whatever the bytes).
 * srv_json.c is compiled in directly: fuzz targets link only the library.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../src/server/srv_json.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* srv_out_reply() refers to the HTTP layer, which this target does not
 * link or call; these only satisfy the linker. */
int srv_reply_json(srv_response *res, int status, const char *json)
{
	(void)res;
	(void)status;
	(void)json;
	return -1;
}

int srv_reply_error(srv_response *res, int status, const char *message)
{
	(void)res;
	(void)status;
	(void)message;
	return -1;
}

static void roundtrip(const char *s)
{
	srv_out o;
	json_error_t err;
	json_t *v;

	srv_out_init(&o, 1u << 22);
	srv_out_str(&o, s);
	if (!o.failed) {
		v = json_loadb(o.p, o.len, JSON_DECODE_ANY, &err);
		if (v == NULL || !json_is_string(v))
			abort();
		json_decref(v);
	}
	srv_out_free(&o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const keys[] = {"username", "password", "level"};
	char *vals[3];
	char *text = malloc(size + 1);

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (srv_json_strings(text, size, keys, vals, 3) == 0) {
		for (int i = 0; i < 3; i++) {
			if (vals[i])
				roundtrip(vals[i]);
			free(vals[i]);
		}
	}
	/* Raw bytes through the writer too (invalid UTF-8, controls). */
	roundtrip(text);
	free(text);
	return 0;
}
