#include "reader.h"

#include <string.h>

void rd_init(struct reader *rd, const void *data, size_t len)
{
	memset(rd, 0, sizeof(*rd));
	rd->data = data;
	rd->len = len;
}

size_t rd_left(const struct reader *rd)
{
	return rd->err || rd->pos > rd->len ? 0 : rd->len - rd->pos;
}

void rd_fail(struct reader *rd, const char *cause)
{
	if (!rd->err) {
		rd->err = cause;
		rd->err_pos = rd->pos;
	}
}

uint32_t rd_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

uint32_t rd_u32(struct reader *rd)
{
	if (rd_left(rd) < 4) {
		rd_fail(rd, "unexpected end of data");
		return 0;
	}
	uint32_t v = rd_le32(rd->data + rd->pos);
	rd->pos += 4;
	return rd->swap ? __builtin_bswap32(v) : v;
}

uint64_t rd_u64(struct reader *rd)
{
	uint64_t lo = rd_u32(rd);
	uint64_t hi = rd_u32(rd);
	return lo | hi << 32;
}

const char *rd_string(struct reader *rd, int words_mode, size_t *n)
{
	*n = 0;
	uint32_t len = rd_u32(rd);
	if (rd->err || len == 0)
		return NULL;
	size_t bytes = words_mode ? (size_t)len * 4 : len;
	if (bytes > rd_left(rd)) {
		rd_fail(rd, "string runs past the end of its record");
		return NULL;
	}
	const char *s = (const char *)rd->data + rd->pos;
	rd->pos += bytes;
	*n = strnlen(s, bytes);
	return *n ? s : NULL;
}

void rd_skip(struct reader *rd, size_t n)
{
	if (n > rd_left(rd)) {
		rd_fail(rd, "unexpected end of data");
		return;
	}
	rd->pos += n;
}

int rd_record_header(struct reader *rd, uint32_t *tag, uint32_t *length)
{
	size_t start = rd->pos;
	if (rd_left(rd) == 0)
		return 0;
	if (rd_left(rd) < 8) {
		/* a lone end-of-file word is fine, anything else is not */
		if (rd_left(rd) >= 4 && rd_u32(rd) == 0)
			return 0;
		rd->pos = start;
		rd_fail(rd, "truncated record header");
		return -1;
	}
	*tag = rd_u32(rd);
	if (*tag == 0)
		return 0;
	*length = rd_u32(rd);
	return 1;
}
