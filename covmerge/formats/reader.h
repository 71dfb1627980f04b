/* A bounds-checked reader over a gcov file held in memory.
 *
 * Words are 32 bits in the writer's byte order; the reader swaps them when
 * the file was written on a machine of the other order. Every read checks
 * what remains first. The first failure is sticky: later reads return 0 and
 * rd->err keeps the first cause and its byte offset, so a parser can read a
 * whole record and check once. */
#ifndef CM_READER_H
#define CM_READER_H

#include <stddef.h>
#include <stdint.h>

struct reader {
	const unsigned char *data;
	size_t len;   /* end of the readable window */
	size_t pos;
	int swap;     /* words are byte-swapped relative to little endian */
	const char *err;
	size_t err_pos;
};

void rd_init(struct reader *rd, const void *data, size_t len);
size_t rd_left(const struct reader *rd);
/* Records a failure (kept only if none is recorded yet). */
void rd_fail(struct reader *rd, const char *cause);
uint32_t rd_u32(struct reader *rd);
/* A 64-bit counter: low word first, then high word. */
uint64_t rd_u64(struct reader *rd);
/* A gcov string. words_mode (gcc <= 11): a length in words, then the text
 * NUL-padded to that many words. Otherwise a length in bytes including the
 * NUL, no padding. Returns a pointer into the data (not necessarily NUL
 * terminated) and its length without NULs in *n; NULL with *n = 0 for an
 * empty string. */
const char *rd_string(struct reader *rd, int words_mode, size_t *n);
void rd_skip(struct reader *rd, size_t n);
/* Reads the next record's tag and length word. Returns 1 with them set,
 * 0 at the end of the records (a zero tag, or the end of the data), or -1
 * with a sticky "truncated record header" error at the record's start. */
int rd_record_header(struct reader *rd, uint32_t *tag, uint32_t *length);
/* Little-endian 32-bit word at p (no bounds check). */
uint32_t rd_le32(const unsigned char *p);

#endif
