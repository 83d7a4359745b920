/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target: a network built from arbitrary labels, keys and appearances
 * is analysed and exported; the GraphML and GEXF must always parse as XML
 * (the escaper's promise for hostile names and titles from chat exports).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <expat.h>

#include "netsweep/network.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Well-formedness of one export, or abort() so the fuzzer reports it. */
static void check_xml(const nsw_network *net, int gexf)
{
	char *doc = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&doc, &len);
	XML_Parser p;
	int rc;

	if (f == NULL)
		return;
	rc = gexf ? nsw_net_write_gexf(net, f) : nsw_net_write_graphml(net, f);
	fclose(f);
	if (rc != 0) {
		free(doc);
		return;
	}
	p = XML_ParserCreate("UTF-8");
	if (p != NULL && XML_Parse(p, doc, (int)len, 1) != XML_STATUS_OK) {
		fprintf(stderr, "export is not XML: %s\n",
			XML_ErrorString(XML_GetErrorCode(p)));
		abort();
	}
	XML_ParserFree(p);
	free(doc);
}

/* The i-th '\n'-separated piece of the text blob (cycled), into buf. */
static const char *piece(char *buf, size_t cap, const uint8_t *text, size_t n,
			 unsigned i)
{
	size_t start = 0, k, pieces = 1, len;

	for (k = 0; k < n; k++)
		pieces += text[k] == '\n';
	i %= (unsigned)pieces;
	for (k = 0; k < n && i > 0; k++)
		if (text[k] == '\n' && --i == 0)
			start = k + 1;
	for (len = 0; start + len < n && text[start + len] != '\n'; len++)
		;
	if (len >= cap)
		len = cap - 1;
	memcpy(buf, text + start, len);
	buf[len] = '\0';
	return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	nsw_network *net = NULL;
	nsw_net_options opt;
	char key[300], label[256];
	uint32_t n_acc, n_chat, n_item, i, idx;
	size_t text_len, pos;

	if (size < 4)
		return 0;
	n_acc = 1 + data[0] % 8;
	n_chat = 1 + data[1] % 4;
	n_item = 1 + data[2] % 6;
	text_len = data[3] < size - 4 ? data[3] : size - 4;
	if (nsw_net_new(&net) != 0)
		return 0;
	for (i = 0; i < n_acc; i++) {
		piece(label, sizeof(label), data + 4, text_len, i);
		snprintf(key, sizeof(key), "a%u%s", i, label);
		nsw_net_add_account(net, &idx, key, label, label);
	}
	for (i = 0; i < n_chat; i++) {
		piece(label, sizeof(label), data + 4, text_len, i + 8);
		snprintf(key, sizeof(key), "c%u", i);
		nsw_net_add_chat(net, &idx, key, label);
	}
	for (i = 0; i < n_item; i++) {
		piece(label, sizeof(label), data + 4, text_len, i + 12);
		snprintf(key, sizeof(key), "i%u", i);
		nsw_net_add_item(net, &idx, key, (int)(i & 1), label, label,
				 label);
	}
	for (pos = 4 + text_len; pos + 5 <= size; pos += 5) {
		const uint8_t *b = data + pos;
		uint32_t fwd = b[3] % (n_acc + 1);
		nsw_net_appearance a = {
			b[0] % nsw_net_item_count(net),
			b[1] % nsw_net_chat_count(net),
			b[2] % nsw_net_account_count(net),
			fwd < nsw_net_account_count(net) ? fwd : NSW_NET_NONE,
			b[4] % 16,
			(int64_t)pos,
			(b[3] & 0x80) ? NSW_NET_FORWARD : NSW_NET_POST};

		nsw_net_add_appearance(net, &a);
	}
	nsw_net_options_default(&opt);
	opt.threads = 1;
	if (nsw_net_analyze(net, &opt) == 0) {
		check_xml(net, 0);
		check_xml(net, 1);
	}
	nsw_net_free(net);
	return 0;
}
