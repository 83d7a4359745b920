/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target: a WhatsApp .zip export recorded in a case, the whole path a
 * hostile zip takes (docs/ingest.md): the chat-entry search, every member
 * hashed as it streams out of the zip (libarchive, with the bomb caps),
 * the chat parser, and the media links. A fresh case per input.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_case.h"
#include "netsweep/case.h"
#include "netsweep/chat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char zip[64], cpath[64];
	nsw_chat_ingest_options o;
	nsw_chat_ingest_result r;
	nsw_case *c = NULL;

	snprintf(zip, sizeof(zip), "/tmp/nsw-fuzz-%ld.zip", (long)getpid());
	snprintf(cpath, sizeof(cpath), "/tmp/nsw-fuzz-%ld.nsdb",
		 (long)getpid());
	if (fuzz_write_input(zip, data, size) != 0)
		return 0;
	fuzz_remove_case(cpath);
	if (nsw_case_create(&c, cpath, "fuzz", "fuzz") == 0) {
		memset(&o, 0, sizeof(o));
		memset(&r, 0, sizeof(r));
		o.parse.format = NSW_INGEST_FORMAT_WHATSAPP;
		o.label = "fuzz";
		(void)nsw_chat_ingest(c, zip, &o, &r);
		nsw_case_close(c);
	}
	fuzz_remove_case(cpath);
	unlink(zip);
	return 0;
}
