/* SPDX-License-Identifier: Apache-2.0 */
/* The embedded web UI: lookup by file name, content type by extension. */
#include <string.h>

#include "srv_app.h"

static const char *type_of(const char *name)
{
	const char *dot = strrchr(name, '.');

	if (dot == NULL)
		return "application/octet-stream";
	if (strcmp(dot, ".html") == 0)
		return "text/html; charset=utf-8";
	if (strcmp(dot, ".css") == 0)
		return "text/css; charset=utf-8";
	if (strcmp(dot, ".js") == 0)
		return "text/javascript; charset=utf-8";
	if (strcmp(dot, ".svg") == 0)
		return "image/svg+xml";
	return "application/octet-stream";
}

const unsigned char *srv_ui_file(const char *name, size_t *len,
				 const char **content_type)
{
	for (size_t i = 0; i < srv_ui_entry_count; i++) {
		if (strcmp(srv_ui_entries[i].name, name) != 0)
			continue;
		*len = srv_ui_entries[i].len;
		*content_type = type_of(name);
		return srv_ui_entries[i].data;
	}
	return NULL;
}
