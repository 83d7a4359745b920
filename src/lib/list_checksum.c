/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The .nswl file checksum: XXH64 (seed 0), written from its published
 * description. Fast enough (several GB/s) that verifying a 1 GB list is a
 * second; it detects corruption, not tampering (see docs/formats/nswl.md).
 */
#include <string.h>

#include "nswl_format.h"

#define P1 11400714785074694791ull
#define P2 14029467366897019727ull
#define P3 1609587929392839161ull
#define P4 9650029242287828579ull
#define P5 2870177450012600261ull

static inline uint64_t rotl(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

static inline uint64_t rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static inline uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static inline uint64_t round64(uint64_t acc, uint64_t in)
{
	acc += in * P2;
	acc = rotl(acc, 31);
	return acc * P1;
}

static inline uint64_t merge(uint64_t acc, uint64_t v)
{
	acc ^= round64(0, v);
	return acc * P1 + P4;
}

void nsw_list__checksum_init(nsw_xxh64 *s)
{
	memset(s, 0, sizeof(*s));
	s->v[0] = P1 + P2;
	s->v[1] = P2;
	s->v[2] = 0;
	s->v[3] = (uint64_t)0 - P1;
}

static void stripe(nsw_xxh64 *s, const uint8_t *p)
{
	s->v[0] = round64(s->v[0], rd64(p));
	s->v[1] = round64(s->v[1], rd64(p + 8));
	s->v[2] = round64(s->v[2], rd64(p + 16));
	s->v[3] = round64(s->v[3], rd64(p + 24));
}

void nsw_list__checksum_update(nsw_xxh64 *s, const void *data, size_t len)
{
	const uint8_t *p = data;

	s->total += len;
	if (s->buffered) {
		size_t take = 32 - s->buffered;

		if (take > len)
			take = len;
		memcpy(s->buf + s->buffered, p, take);
		s->buffered += take;
		p += take;
		len -= take;
		if (s->buffered < 32)
			return;
		stripe(s, s->buf);
		s->buffered = 0;
	}
	while (len >= 32) {
		stripe(s, p);
		p += 32;
		len -= 32;
	}
	memcpy(s->buf, p, len);
	s->buffered = len;
}

uint64_t nsw_list__checksum_final(const nsw_xxh64 *s)
{
	uint64_t h;
	const uint8_t *p = s->buf;
	size_t len = s->buffered;

	if (s->total >= 32) {
		h = rotl(s->v[0], 1) + rotl(s->v[1], 7) + rotl(s->v[2], 12) +
		    rotl(s->v[3], 18);
		for (int i = 0; i < 4; i++)
			h = merge(h, s->v[i]);
	} else {
		h = P5;
	}
	h += s->total;
	while (len >= 8) {
		h ^= round64(0, rd64(p));
		h = rotl(h, 27) * P1 + P4;
		p += 8;
		len -= 8;
	}
	if (len >= 4) {
		h ^= (uint64_t)rd32(p) * P1;
		h = rotl(h, 23) * P2 + P3;
		p += 4;
		len -= 4;
	}
	while (len > 0) {
		h ^= (uint64_t)(*p) * P5;
		h = rotl(h, 11) * P1;
		p++;
		len--;
	}
	h ^= h >> 33;
	h *= P2;
	h ^= h >> 29;
	h *= P3;
	h ^= h >> 32;
	return h;
}

uint64_t nsw_list__checksum(const uint8_t *file, size_t len)
{
	static const uint8_t zeros[32];
	nsw_xxh64 s;

	nsw_list__checksum_init(&s);
	if (len < NSWL_H_CHECKSUM + 32) {
		nsw_list__checksum_update(&s, file, len);
		return nsw_list__checksum_final(&s);
	}
	nsw_list__checksum_update(&s, file, NSWL_H_CHECKSUM);
	nsw_list__checksum_update(&s, zeros, 32);
	nsw_list__checksum_update(&s, file + NSWL_H_CHECKSUM + 32,
				  len - NSWL_H_CHECKSUM - 32);
	return nsw_list__checksum_final(&s);
}
