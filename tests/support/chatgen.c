/* SPDX-License-Identifier: Apache-2.0 */
/* Generated chat exports for benchmarks (chatgen.h). */
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>

#include "chatgen.h"

long long ts_gen_telegram(const char *path, long messages, long chats,
			  long accounts, long media_every)
{
	FILE *f = fopen(path, "w");
	long per_chat = messages / chats, n = 0, media = 0;
	long long t = 1704067200; /* 2024-01-01 */
	struct stat st;

	if (f == NULL)
		return -1;
	fprintf(f, "{\n \"about\": \"netsweep benchmark export\",\n"
		   " \"personal_information\": {\"user_id\": 1, "
		   "\"first_name\": \"Bench\", \"last_name\": \"Owner\", "
		   "\"phone_number\": \"+49 176 0000000\", \"username\": "
		   "\"@bench\"},\n \"chats\": {\"about\": \"\", \"list\": [\n");
	for (long c = 0; c < chats; c++) {
		long count = c == chats - 1 ? messages - n : per_chat;

		fprintf(f,
			"  {\"name\": \"Chat %ld\", \"type\": "
			"\"private_supergroup\", \"id\": %ld, \"messages\": "
			"[\n",
			c, 1000000 + c);
		for (long i = 0; i < count; i++, n++, t += 7) {
			long from = (n * 7919) % accounts;
			struct tm tm;
			time_t tt = (time_t)t;

			gmtime_r(&tt, &tm);
			fprintf(f,
				"   {\n    \"id\": %ld,\n    \"type\": "
				"\"%s\",\n    \"date\": "
				"\"%04d-%02d-%02dT%02d:%02d:%02d\",\n    "
				"\"date_unixtime\": \"%lld\",\n",
				i + 1, n % 50 == 49 ? "service" : "message",
				tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
				tm.tm_hour, tm.tm_min, tm.tm_sec, t);
			if (n % 50 == 49) {
				fprintf(f,
					"    \"actor\": \"User %ld\",\n    "
					"\"actor_id\": \"user%ld\",\n    "
					"\"action\": \"invite_members\",\n    "
					"\"members\": [\"User %ld\", \"User "
					"%ld\"],\n    \"text\": \"\"\n   }%s\n",
					from, from, (from + 1) % accounts,
					(from + 2) % accounts,
					i + 1 < count ? "," : "");
				continue;
			}
			if (n % 3 == 0)
				fprintf(f,
					"    \"from\": \"User %ld\",\n    "
					"\"from_id\": %ld,\n",
					from, from);
			else
				fprintf(f,
					"    \"from\": \"User %ld\",\n    "
					"\"from_id\": \"user%ld\",\n",
					from, from);
			if (n % 11 == 0)
				fprintf(f,
					"    \"forwarded_from\": \"User "
					"%ld\",\n",
					(from + 5) % accounts);
			if (n % 13 == 0 && i > 0)
				fprintf(f,
					"    \"reply_to_message_id\": %ld,\n",
					i);
			if (media < messages / media_every &&
			    n % media_every == 0) {
				fprintf(f,
					"    \"photo\": "
					"\"chats/chat_%05ld/photos/"
					"photo_%ld@01-01-2024_00-00-00.jpg\",\n"
					"    \"width\": 1280,\n    \"height\": "
					"720,\n",
					c + 1, i + 1);
				media++;
			}
			if (n % 7 == 0)
				fprintf(f,
					"    \"text\": [\"see \", {\"type\": "
					"\"link\", \"text\": "
					"\"https://example.org/%ld\"}, \" "
					"now\"]\n   }%s\n",
					n, i + 1 < count ? "," : "");
			else
				fprintf(f,
					"    \"text\": \"message %ld in chat "
					"%ld, some ordinary words here\"\n   "
					"}%s\n",
					n, c, i + 1 < count ? "," : "");
		}
		fprintf(f, "  ]}%s\n", c + 1 < chats ? "," : "");
	}
	fprintf(f, " ]}\n}\n");
	if (fclose(f) != 0 || stat(path, &st) != 0)
		return -1;
	return (long long)st.st_size;
}

long long ts_gen_whatsapp(const char *path, long lines)
{
	FILE *f = fopen(path, "w");
	long long t = 1704067200;
	struct stat st;

	if (f == NULL)
		return -1;
	for (long i = 0; i < lines; i++, t += 37) {
		time_t tt = (time_t)t;
		struct tm tm;

		gmtime_r(&tt, &tm);
		if (i % 10 == 9) { /* a continuation line */
			fprintf(f, "and a second line of text %ld\n", i);
			continue;
		}
		fprintf(f, "%02d/%02d/%02d, %02d:%02d - ", tm.tm_mday,
			tm.tm_mon + 1, tm.tm_year % 100, tm.tm_hour, tm.tm_min);
		if (i % 97 == 0)
			fprintf(f, "Member %ld added Member %ld\n", i % 500,
				(i + 1) % 500);
		else if (i % 5 == 0)
			fprintf(f,
				"+49 176 %07ld: IMG-20240101-WA%04ld.jpg "
				"(file attached)\n",
				i % 1000, i % 10000);
		else
			fprintf(f, "Member %ld: message number %ld, hello\n",
				i % 500, i);
	}
	if (fclose(f) != 0 || stat(path, &st) != 0)
		return -1;
	return (long long)st.st_size;
}
