/* SPDX-License-Identifier: Apache-2.0 */
/* Library-internal: the demo operation's model, shared by demo*.c. Built
 * in memory first (demo_media.c, demo_network.c), then written out
 * (demo_exports.c, demo_devices.c, demo_truth.c). */
#ifndef NSW_LIB_DEMO_INTERNAL_H
#define NSW_LIB_DEMO_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "netsweep/demo.h"
#include "netsweep/digest.h"
#include "netsweep/image.h"
#include "netsweep/pdq.h"

/* 2024-01-01T00:00:00Z: the operation's timeline starts here. */
#define DEMO_EPOCH ((int64_t)1704067200)
#define DEMO_DAY ((int64_t)86400)
/* Paths the demo builds (its own tree under a user-chosen dir). */
#define DEMO_PATH_MAX 4096
#define DEMO_SPAN_DAYS 90
/* Planted copies must match at 31; the generator keeps a margin. */
#define DEMO_COPY_DISTANCE_MAX 28
/* Distinct items (known, new, benign) are at least this far apart under
 * every dihedral variant, so no copy of one can match another. */
#define DEMO_ITEM_DISTANCE_MIN 72

/* ---- Deterministic randomness (splitmix64) ---- */
struct demo_rng {
	uint64_t state;
};
void demo_rng_seed(struct demo_rng *rng, uint64_t seed, uint64_t stream);
uint64_t demo_rng_next(struct demo_rng *rng);
/* Uniform in [0, n); 0 when n is 0. */
uint32_t demo_rng_below(struct demo_rng *rng, uint32_t n);
/* 1 with probability percent / 100. */
int demo_rng_chance(struct demo_rng *rng, uint32_t percent);

/* ---- Media items ---- */
enum demo_item_kind {
	DEMO_ITEM_KNOWN = 0,
	DEMO_ITEM_NEW,
	DEMO_ITEM_BENIGN
};

/* Versions of an item as they circulate; [0] is the original. */
enum demo_transform {
	DEMO_T_ORIGINAL = 0,
	DEMO_T_REENCODE,
	DEMO_T_RESIZE,
	DEMO_T_CROP,
	DEMO_T_ROT90,
	DEMO_T_MIRROR,
	DEMO_T_WATERMARK,
	DEMO_T_COUNT
};
const char *demo_transform_name(int transform);

/* One encoded file of an item. */
struct demo_blob {
	int present;   /* generated (a transform whose copy strayed past
			  DEMO_COPY_DISTANCE_MAX under every parameter is
			  left out) */
	uint8_t *data; /* nsw_image_encoded_free */
	size_t len;
	uint32_t width, height;
	int quality;	/* JPEG quality it was encoded with */
	char param[64]; /* the transform's parameters, for the truth */
	nsw_digests digests;
	nsw_pdq_hash pdq;
	int pdq_quality;
	int distance; /* to the original, best dihedral variant */
	int dihedral; /* that variant (nsw_pdq_dihedral) */
};

struct demo_item {
	enum demo_item_kind kind;
	size_t index; /* within its kind */
	char name[32];
	uint64_t scene_seed;
	int category; /* VICS US/Default code, known items */
	struct demo_blob blob[DEMO_T_COUNT];
	nsw_pdq_result dihedral; /* the original's 8 variants */
};

/* ---- The network ---- */
struct demo_country {
	const char *cc;
	const char *name;
	const char *calling_code; /* digits */
	const char *national;	  /* leading national digits of mobiles */
	int rest;		  /* random digits after `national` */
	const char *note;	  /* fiction range or "" */
};

enum demo_role {
	DEMO_ROLE_MEMBER = 0, /* ordinary member: some re-shares */
	DEMO_ROLE_BYSTANDER,  /* benign items and text only */
	DEMO_ROLE_DISTRIBUTOR,
	DEMO_ROLE_SEEDER,
	DEMO_ROLE_OFFICER /* the patrol unit's account that exported */
};
const char *demo_role_name(int role);
/* Benign chat line k (any k; wraps). */
const char *demo_phrase(uint32_t k);

struct demo_account {
	size_t index;
	enum demo_role role;
	size_t country;	   /* into demo_countries */
	char phone[20];	   /* E.164 */
	char phone_wa[32]; /* as WhatsApp shows it: "+44 7700 900123" */
	char first[24], last[24];
	char name[96];	   /* first + " " + last (+ a number) */
	char username[40]; /* without '@' */
	uint64_t tg_id;
	int on_telegram, on_whatsapp;
	size_t device; /* 1 + device index when a device owner, else 0 */
};

enum demo_platform {
	DEMO_TG = 0,
	DEMO_WA
};

struct demo_member {
	size_t account;
	int64_t joined;
	int how; /* 0 founding member, 1 invited, 2 joined by link */
	size_t inviter;
};

struct demo_chat {
	size_t index;
	enum demo_platform platform;
	char title[64];
	char slug[96]; /* WhatsApp file name stem */
	uint64_t tg_id;
	int distributes; /* planted: known material circulates here */
	size_t creator;
	int64_t created;
	struct demo_member *members;
	size_t member_count;
	size_t list_pos; /* Telegram: position in chats.list */
};

enum demo_msg_kind {
	DEMO_MSG_TEXT = 0,
	DEMO_MSG_MEDIA,
	DEMO_MSG_CREATE,
	DEMO_MSG_INVITE,
	DEMO_MSG_JOIN_LINK
};

#define DEMO_NONE ((size_t)-1)

struct demo_msg {
	size_t chat;
	int64_t time;
	uint32_t seq; /* creation order: the tie-break */
	size_t sender;
	enum demo_msg_kind kind;
	size_t item;	       /* into model items, or DEMO_NONE */
	int variant;	       /* enum demo_transform */
	size_t forwarded_from; /* account, or DEMO_NONE */
	size_t target;	       /* invite target / join inviter */
	uint32_t text;	       /* into the phrase table */
	uint32_t id;	       /* per-chat message id, after sorting */
	char path[112];	       /* media file, relative to the demo dir */
};

/* ---- Devices ---- */
enum demo_devfile_kind {
	DEMO_DEV_KNOWN_EXACT = 0,
	DEMO_DEV_KNOWN_COPY,
	DEMO_DEV_NEW_ORIGINAL,
	DEMO_DEV_UNRELATED,
	DEMO_DEV_SOFTWARE,
	DEMO_DEV_CORRUPT_TRUNCATED,
	DEMO_DEV_CORRUPT_GARBAGE
};
const char *demo_devfile_kind_name(int kind);

struct demo_devfile {
	size_t device;
	enum demo_devfile_kind kind;
	size_t item;	 /* or DEMO_NONE */
	int variant;	 /* for items */
	size_t software; /* or DEMO_NONE */
	char path[256];	 /* relative to the demo dir */
	uint8_t sha256[NSW_SHA256_BYTES];
	uint64_t size;
};

struct demo_software {
	char name[48];
	char dir[48]; /* where it sits on a device */
	uint8_t *data;
	size_t len;
	nsw_digests digests;
	uint32_t crc32;
	int product_code;
	int on_devices; /* 1: installed on the seized devices */
};

struct demo_iplog {
	size_t account;
	char ip[48];
	int64_t time;
	size_t country; /* the range's country (a VPN row differs) */
};

/* ---- The whole model ---- */
struct demo_model {
	const char *dir;
	nsw_demo_scale scale;
	uint64_t seed;
	/* plan */
	size_t n_known, n_new, n_benign, n_accounts, n_tg, n_wa, n_messages;
	size_t n_benign_posted; /* unrelated items account i-1 posts */
	size_t n_benign_device; /* never-posted ones per device, after */
	size_t n_distributors, n_software;
	/* built */
	struct demo_item *items; /* known, then new, then benign */
	size_t item_count;
	struct demo_account *accounts; /* [0] is the officer */
	size_t account_count;
	struct demo_chat *chats;
	size_t chat_count;
	struct demo_msg *msgs;
	size_t msg_count, msg_cap;
	struct demo_devfile *devfiles;
	size_t devfile_count, devfile_cap;
	struct demo_software *software;
	size_t software_count;
	struct demo_iplog *iplog;
	size_t iplog_count;
	size_t seeder;
	size_t device_owner[NSW_DEMO_DEVICES];
	nsw_demo_summary *summary;
};

extern const struct demo_country demo_countries[];
extern const size_t demo_country_count;
/* The documentation-range blocks of country c (RFC 5737, RFC 3849). */
void demo_country_v4(char *cidr, size_t size, size_t c);
void demo_country_v6(char *cidr, size_t size, size_t c);
/* Address `host` (1..14) of country c's IPv4 block. */
void demo_country_v4_host(char *ip, size_t size, size_t c, unsigned host);

/* ---- Steps (each returns 0 or a negative NSW_E* with the message set) */
int demo_media_build(struct demo_model *m);
int demo_media_write(struct demo_model *m); /* media/known and lists/ */
int demo_network_build(struct demo_model *m);
int demo_exports_write(struct demo_model *m);
int demo_iplog_write(struct demo_model *m);
int demo_devices_write(struct demo_model *m);
int demo_truth_write(struct demo_model *m);
void demo_model_free(struct demo_model *m);
/* nsw_demo_generate(), keeping the model (tests compare it with the
 * files); free it with demo_model_free() whatever the result. */
int demo_generate_model(struct demo_model *m, nsw_demo_summary *summary,
			const char *dir, nsw_demo_scale scale, uint64_t seed);

/* ---- Shared helpers (demo.c) ---- */
/* Write `len` bytes to dir/rel, creating parent directories. */
int demo_write_file(struct demo_model *m, const char *rel, const void *data,
		    size_t len);
/* A text buffer with the demo's cap. */
void demo_buf_init(nsw_buf *buf);
/* Append `s` as a JSON string (quotes included). */
int demo_json_str(nsw_buf *buf, const char *s);
/* Report an append failure on `what` (ENOMEM or ELIMIT). */
int demo_buf_fail(int rc, const char *what);
/* Upper/lower-case hex of bytes into caller storage (2 * len + 1). */
void demo_hex_upper(char *out, const uint8_t *bytes, size_t len);
/* "YYYY-MM-DDTHH:MM:SS" (UTC) of t. */
void demo_iso_time(char out[80], int64_t t);
/* Broken-down UTC time. */
void demo_utc(int64_t t, int *year, int *mon, int *day, int *hour, int *min,
	      int *sec);
/* Add a message to the model (grows msgs). */
int demo_msg_add(struct demo_model *m, const struct demo_msg *msg);

#endif
