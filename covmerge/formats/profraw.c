/* The build ids of a raw LLVM profile (see profraw.h).
 *
 * A raw profile starts with a header of 64-bit fields in the byte order
 * of the program that wrote it: the magic (0xff, "lprofr" and 0x81 from
 * the high byte down for a 64-bit program; "lprofR" for a 32-bit one),
 * the version (the low 32 bits; the high ones are flags), then, from
 * version 6 on, the size in bytes of the build id list that follows the
 * header. Versions 6 to 8 have 11 header fields (88 bytes); each entry of
 * the list is a 64-bit length, the id's bytes, and padding to 8 bytes.
 * Checked against clang 14's profiles (version 8), whose ids are the
 * programs' and libraries' ELF build ids (`llvm-profdata show
 * --binary-ids`, `readelf -n`). */
#include "profraw.h"

#include <stdint.h>
#include <stdlib.h>

#include "strbuf.h"

#define MAGIC64 0xff6c70726f667281ull
#define MAGIC32 0xff6c70726f665281ull
#define HEADER_V6_TO_V8 (11 * 8)
/* a build id is 20 bytes (sha1) or 16 (md5): longer ones are garbage */
#define MAX_ID 64

static uint64_t rd64(const unsigned char *p, int swap)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v |= (uint64_t)p[i] << (8 * (swap ? 7 - i : i));
	return v;
}

int profraw_binary_ids(const unsigned char *p, size_t len, struct path_list *ids)
{
	if (len < 16)
		return -1;
	int swap;
	uint64_t magic = rd64(p, 0);
	if (magic == MAGIC64 || magic == MAGIC32)
		swap = 0;
	else if (rd64(p, 1) == MAGIC64 || rd64(p, 1) == MAGIC32)
		swap = 1;
	else
		return -1;
	uint32_t version = (uint32_t)rd64(p + 8, swap);
	if (version < 6 || version > 8)
		return 0;
	if (len < HEADER_V6_TO_V8)
		return -1;
	uint64_t size = rd64(p + 16, swap);
	if (size > len - HEADER_V6_TO_V8)
		return -1;
	if (!size)
		return 0;
	const unsigned char *at = p + HEADER_V6_TO_V8, *end = at + size;
	size_t had = ids->n;
	while (at < end) {
		uint64_t n = (size_t)(end - at) < 8 ? 0 : rd64(at, swap);
		uint64_t padded = (n + 7) & ~(uint64_t)7;
		if (n == 0 || n > MAX_ID || padded > (uint64_t)(end - at - 8)) {
			/* a list cut short names nothing */
			while (ids->n > had)
				free(ids->v[--ids->n]);
			return -1;
		}
		at += 8;
		struct strbuf hex;
		strbuf_init(&hex);
		strbuf_addhex(&hex, at, n);
		path_list_add(ids, strbuf_detach(&hex, NULL));
		at += padded;
	}
	return 1;
}
