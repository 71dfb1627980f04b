/* Helpers shared by the cmocka unit tests (header only; every test program
 * includes it once). Not a test itself: tests/CMakeLists.txt registers only
 * test_*.c.
 *
 *   struct bb     a byte buffer that writes gcov words and strings in either
 *                 byte order and either string/length format (gcc <= 11:
 *                 lengths in words, NUL-padded strings; gcc >= 12: lengths in
 *                 bytes, unpadded strings with their NUL)
 *   ut_tmpdir     a fresh directory under $CM_TEST_TMP
 *   ut_write_file, ut_read_file, ut_rm_rf */
#ifndef UNIT_UTIL_H
#define UNIT_UTIL_H

#include <errno.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct bb {
	unsigned char *p;
	size_t len, alloc;
	int be;     /* write words big-endian */
	int words;  /* gcc <= 11 format: word lengths, padded strings */
};

static inline void bb_bytes(struct bb *b, const void *data, size_t n)
{
	if (b->len + n > b->alloc) {
		size_t a = b->alloc ? b->alloc : 64;
		while (a < b->len + n)
			a *= 2;
		b->p = realloc(b->p, a);
		if (!b->p)
			abort();
		b->alloc = a;
	}
	if (n)
		memcpy(b->p + b->len, data, n);
	b->len += n;
}

static inline void bb_put32_at(struct bb *b, size_t off, uint32_t v)
{
	unsigned char *q = b->p + off;
	if (b->be) {
		q[0] = (unsigned char)(v >> 24);
		q[1] = (unsigned char)(v >> 16);
		q[2] = (unsigned char)(v >> 8);
		q[3] = (unsigned char)v;
	} else {
		q[0] = (unsigned char)v;
		q[1] = (unsigned char)(v >> 8);
		q[2] = (unsigned char)(v >> 16);
		q[3] = (unsigned char)(v >> 24);
	}
}

static inline void bb_u32(struct bb *b, uint32_t v)
{
	unsigned char z[4] = {0};
	bb_bytes(b, z, 4);
	bb_put32_at(b, b->len - 4, v);
}

/* A 64-bit counter as gcov writes it: low word, then high word. */
static inline void bb_u64(struct bb *b, uint64_t v)
{
	bb_u32(b, (uint32_t)v);
	bb_u32(b, (uint32_t)(v >> 32));
}

/* A gcov string; NULL writes the empty (length 0) string. */
static inline void bb_str(struct bb *b, const char *s)
{
	if (!s) {
		bb_u32(b, 0);
		return;
	}
	size_t n = strlen(s);
	if (b->words) {
		uint32_t w = (uint32_t)((n + 4) / 4); /* room for the NUL */
		bb_u32(b, w);
		bb_bytes(b, s, n);
		unsigned char z[4] = {0};
		bb_bytes(b, z, (size_t)w * 4 - n);
	} else {
		bb_u32(b, (uint32_t)(n + 1));
		bb_bytes(b, s, n + 1);
	}
}

/* The 4-character version word of gcc major.minor, e.g. "B22*" for 12.2. */
static inline uint32_t gcov_version_word(int major, int minor)
{
	return (uint32_t)('A' + major / 10) << 24 |
	       (uint32_t)('0' + major % 10) << 16 |
	       (uint32_t)('0' + minor) << 8 | '*';
}

/* Starts a record: writes the tag and a length placeholder; returns the
 * offset of the record's first byte (the tag). */
static inline size_t bb_rec_begin(struct bb *b, uint32_t tag)
{
	size_t start = b->len;
	bb_u32(b, tag);
	bb_u32(b, 0);
	return start;
}

/* Patches the length of the record that starts at start. */
static inline void bb_rec_end(struct bb *b, size_t start)
{
	size_t bytes = b->len - start - 8;
	bb_put32_at(b, start + 4, (uint32_t)(b->words ? bytes / 4 : bytes));
}

static inline void bb_free(struct bb *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

/* A heap copy of exactly n bytes (so ASan sees any read past the end). */
static inline unsigned char *ut_exact_copy(const void *data, size_t n)
{
	unsigned char *p = malloc(n ? n : 1);
	if (!p)
		abort();
	if (n)
		memcpy(p, data, n);
	return p;
}

/* A new directory $CM_TEST_TMP/<name>.XXXXXX (absolute); caller frees. */
static inline char *ut_tmpdir(const char *name)
{
	const char *base = getenv("CM_TEST_TMP");
	char cwd[4096];
	if (!base || !*base)
		base = "/tmp";
	char cmd[4200];
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", base);
	if (system(cmd) != 0)
		return NULL;
	char *tmpl = malloc(strlen(base) + strlen(name) + 4200);
	if (!tmpl)
		abort();
	if (base[0] != '/' && getcwd(cwd, sizeof(cwd)))
		sprintf(tmpl, "%s/%s/%s.XXXXXX", cwd, base, name);
	else
		sprintf(tmpl, "%s/%s.XXXXXX", base, name);
	if (!mkdtemp(tmpl)) {
		free(tmpl);
		return NULL;
	}
	return tmpl;
}

/* Writes a file, replacing any old one. The old file is unlinked first:
 * ext4 flushes a file that is truncated and rewritten (auto_da_alloc),
 * which would make loops that rewrite one file thousands of times slow. */
static inline int ut_write_file(const char *path, const void *data, size_t n)
{
	unlink(path);
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	size_t w = n ? fwrite(data, 1, n, f) : 0;
	int rc = fclose(f);
	return w == n && rc == 0 ? 0 : -1;
}

/* Reads a whole file into a new buffer; NULL on failure. */
static inline unsigned char *ut_read_file(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t alloc = 4096, len = 0;
	unsigned char *p = malloc(alloc);
	for (;;) {
		if (len == alloc) {
			alloc *= 2;
			p = realloc(p, alloc);
		}
		size_t r = fread(p + len, 1, alloc - len, f);
		if (!r)
			break;
		len += r;
	}
	fclose(f);
	*n = len;
	return p;
}

static inline int ut_rm_one(const char *path, const struct stat *st, int flag,
		     struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static inline void ut_rm_rf(const char *path)
{
	if (path && getenv("CM_KEEP_TMP") == NULL)
		nftw(path, ut_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static inline char *ut_join(const char *a, const char *b)
{
	char *p = malloc(strlen(a) + strlen(b) + 2);
	if (!p)
		abort();
	sprintf(p, "%s/%s", a, b);
	return p;
}

#endif
