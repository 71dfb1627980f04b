/* gcda_parse on hand-built data files, in gcc 12's format (lengths in
 * bytes) and gcc 11's (lengths in words), either byte order: header fields,
 * the object summary, FUNCTION records (and the length-0 placeholder),
 * arc counters (64-bit, low word first), all-zero counter records (negative
 * length), other counter kinds skipped, and every error path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "gcda.h"
#include "gcno.h"
#include "reader.h"
#include "strbuf.h"
#include "unit_util.h"

#define STAMP 0x0badf00du
#define CHECKSUM 0x13572468u
#define TAG_OTHER_COUNTERS 0x01a30000u /* kind 1: a value profile */

static void put_header(struct bb *b, int major)
{
	bb_u32(b, GCOV_DATA_MAGIC);
	bb_u32(b, gcov_version_word(major, 1));
	bb_u32(b, STAMP);
	if (major >= 12)
		bb_u32(b, CHECKSUM);
}

static size_t put_function(struct bb *b, uint32_t ident, uint32_t lcs, uint32_t ccs)
{
	size_t r = bb_rec_begin(b, GCOV_TAG_FUNCTION);
	bb_u32(b, ident);
	bb_u32(b, lcs);
	bb_u32(b, ccs);
	bb_rec_end(b, r);
	return r;
}

static size_t put_counters(struct bb *b, uint32_t tag, size_t n, const uint64_t *v)
{
	size_t r = bb_rec_begin(b, tag);
	for (size_t i = 0; i < n; i++)
		bb_u64(b, v[i]);
	bb_rec_end(b, r);
	return r;
}

/* An all-zero counter record: negative length, no payload. */
static size_t put_zero_counters(struct bb *b, uint32_t tag, uint32_t n)
{
	size_t r = bb_rec_begin(b, tag);
	int32_t len = -(int32_t)(b->words ? n * 2 : n * 8);
	bb_put32_at(b, r + 4, (uint32_t)len);
	return r;
}

/* The standard data file of these tests:
 *   summary: runs 3, sum_max 99
 *   A 0x11: arc counters 5, 0x100000002, 0
 *   a placeholder FUNCTION (length 0)
 *   B 0x22: all-zero arc counters, 4 of them
 *   C 0x33: a kind-1 counter record (skipped), then arc counter 9
 *   D 0x44: no counter record
 *   the zero end tag, then junk that must be ignored */
static void build_data(struct bb *b, int major)
{
	put_header(b, major);
	size_t r = bb_rec_begin(b, GCOV_TAG_OBJECT_SUMMARY);
	bb_u32(b, 3);
	bb_u32(b, 99);
	bb_rec_end(b, r);
	put_function(b, 0x11, 0xa1, 0xc1);
	put_counters(b, GCOV_TAG_ARC_COUNTERS, 3,
		     (const uint64_t[]){5, 0x100000002ull, 0});
	r = bb_rec_begin(b, GCOV_TAG_FUNCTION);
	bb_rec_end(b, r);
	put_function(b, 0x22, 0xa2, 0xc2);
	put_zero_counters(b, GCOV_TAG_ARC_COUNTERS, 4);
	put_function(b, 0x33, 0xa3, 0xc3);
	put_counters(b, TAG_OTHER_COUNTERS, 2, (const uint64_t[]){77, 78});
	put_counters(b, GCOV_TAG_ARC_COUNTERS, 1, (const uint64_t[]){9});
	put_function(b, 0x44, 0xa4, 0xc4);
	bb_u32(b, 0);
	bb_u32(b, 0x01a10000u);
	bb_u32(b, 0xffffffffu);
}

static int parse(struct gcda *g, unsigned char **copy, const struct bb *b,
		 size_t len, struct strbuf *err)
{
	memset(g, 0, sizeof(*g));
	strbuf_reset(err);
	/* the counters point into the data: the copy must outlive g */
	*copy = ut_exact_copy(b->p, len);
	return gcda_parse(g, *copy, len, err);
}

static void check_standard(const struct gcda *g, int major, int swap)
{
	assert_int_equal(g->major, major);
	assert_int_equal(g->version, gcov_version_word(major, 1));
	assert_int_equal(g->stamp, STAMP);
	assert_int_equal(g->checksum, major >= 12 ? CHECKSUM : 0);
	assert_int_equal(g->runs, 3);
	assert_int_equal(g->swap, swap);
	assert_int_equal(g->nfuncs, 4);

	const struct gcda_func *f = &g->funcs[0];
	assert_int_equal(f->ident, 0x11);
	assert_int_equal(f->lineno_checksum, 0xa1);
	assert_int_equal(f->cfg_checksum, 0xc1);
	assert_int_equal(f->has_arcs, 1);
	assert_int_equal(f->ncounters, 3);
	assert_non_null(f->counters);
	assert_true(gcda_counter(g, f, 0) == 5);
	assert_true(gcda_counter(g, f, 1) == 0x100000002ull);
	assert_true(gcda_counter(g, f, 2) == 0);

	f = &g->funcs[1];
	assert_int_equal(f->ident, 0x22);
	assert_int_equal(f->lineno_checksum, 0xa2);
	assert_int_equal(f->cfg_checksum, 0xc2);
	assert_int_equal(f->has_arcs, 1);
	assert_int_equal(f->ncounters, 4);
	assert_null(f->counters);
	for (uint32_t i = 0; i < 4; i++)
		assert_true(gcda_counter(g, f, i) == 0);

	f = &g->funcs[2];
	assert_int_equal(f->ident, 0x33);
	assert_int_equal(f->has_arcs, 1);
	assert_int_equal(f->ncounters, 1);
	assert_true(gcda_counter(g, f, 0) == 9);

	f = &g->funcs[3];
	assert_int_equal(f->ident, 0x44);
	assert_int_equal(f->lineno_checksum, 0xa4);
	assert_int_equal(f->cfg_checksum, 0xc4);
	assert_int_equal(f->has_arcs, 0);
	assert_int_equal(f->ncounters, 0);
	assert_null(f->counters);
}

static void run_standard(int major, int words, int be)
{
	struct bb b = {.words = words, .be = be};
	build_data(&b, major);
	struct gcda g;
	unsigned char *copy;
	struct strbuf err;
	strbuf_init(&err);
	int rc = parse(&g, &copy, &b, b.len, &err);
	if (rc)
		fail_msg("gcda_parse: %s", err.buf);
	assert_int_equal(err.len, 0);
	check_standard(&g, major, be);
	gcda_release(&g);
	assert_null(g.funcs);
	free(copy);
	strbuf_release(&err);
	bb_free(&b);
}

static void test_standard_gcc12(void **state)
{
	(void)state;
	run_standard(12, 0, 0);
}

static void test_standard_gcc11(void **state)
{
	(void)state;
	run_standard(11, 1, 0);
}

static void test_standard_big_endian(void **state)
{
	(void)state;
	run_standard(12, 0, 1);
	run_standard(10, 1, 1);
}

static void test_raw_counter_bytes(void **state)
{
	(void)state;
	/* the counter payload is exactly what gcc writes: low word first */
	struct bb b = {0};
	put_header(&b, 12);
	put_function(&b, 1, 2, 3);
	bb_u32(&b, GCOV_TAG_ARC_COUNTERS);
	bb_u32(&b, 8);
	static const unsigned char raw[8] = {0x04, 0x03, 0x02, 0x01,
					     0x08, 0x07, 0x06, 0x05};
	bb_bytes(&b, raw, 8);
	struct gcda g;
	unsigned char *copy;
	struct strbuf err;
	strbuf_init(&err);
	assert_int_equal(parse(&g, &copy, &b, b.len, &err), 0);
	assert_true(gcda_counter(&g, &g.funcs[0], 0) == 0x0506070801020304ull);
	gcda_release(&g);
	free(copy);
	/* the same bytes in a big-endian file: each word read swapped, the
	 * low word still first */
	bb_free(&b);
	b.be = 1;
	put_header(&b, 12);
	put_function(&b, 1, 2, 3);
	bb_u32(&b, GCOV_TAG_ARC_COUNTERS);
	bb_u32(&b, 8);
	bb_bytes(&b, raw, 8);
	assert_int_equal(parse(&g, &copy, &b, b.len, &err), 0);
	assert_int_equal(g.swap, 1);
	assert_true(gcda_counter(&g, &g.funcs[0], 0) == 0x0807060504030201ull);
	gcda_release(&g);
	free(copy);
	strbuf_release(&err);
	bb_free(&b);
}

static void test_header_only_and_boundaries(void **state)
{
	(void)state;
	/* a file cut at any record boundary is still a valid file */
	struct bb b = {0};
	build_data(&b, 12);
	size_t bounds[16], nb = 0;
	size_t pos = 16; /* after the header */
	bounds[nb++] = pos;
	for (;;) {
		uint32_t tag = rd_le32(b.p + pos);
		if (!tag)
			break;
		uint32_t len = rd_le32(b.p + pos + 4);
		pos += 8 + ((int32_t)len < 0 ? 0 : len);
		bounds[nb++] = pos;
	}
	assert_int_equal(nb, 11);
	static const size_t nfuncs_at[11] = {0, 0, 1, 1, 1, 2, 2, 3, 3, 3, 4};
	struct strbuf err;
	strbuf_init(&err);
	for (size_t i = 0; i < nb; i++) {
		struct gcda g;
		unsigned char *copy;
		int rc = parse(&g, &copy, &b, bounds[i], &err);
		if (rc)
			fail_msg("cut at %zu: %s", bounds[i], err.buf);
		assert_int_equal(g.nfuncs, nfuncs_at[i]);
		assert_int_equal(g.runs, i >= 1 ? 3 : 0);
		gcda_release(&g);
		free(copy);
	}
	strbuf_release(&err);
	bb_free(&b);
}

static void expect_error(const struct bb *b, size_t len, const char *what)
{
	struct gcda g;
	unsigned char *copy;
	struct strbuf err;
	strbuf_init(&err);
	int rc = parse(&g, &copy, b, len, &err);
	if (rc != -1 || !strstr(err.buf, what))
		fail_msg("rc %d, error \"%s\"; wanted \"%s\"", rc, err.buf, what);
	gcda_release(&g);
	free(copy);
	strbuf_release(&err);
}

/* A well-formed file of a format covmerge does not read: GCOV_FOREIGN
 * and a message that starts with what (never a corrupt file). */
static void expect_foreign(const struct bb *b, const char *what)
{
	struct gcda g;
	unsigned char *copy;
	struct strbuf err;
	strbuf_init(&err);
	int rc = parse(&g, &copy, b, b->len, &err);
	if (rc != -1 || !g.foreign || strncmp(err.buf, what, strlen(what)) != 0)
		fail_msg("rc %d, error \"%s\"; wanted \"%s\"", rc, err.buf, what);
	gcda_release(&g);
	free(copy);
	strbuf_release(&err);
}

static void test_header_errors(void **state)
{
	(void)state;
	struct bb b = {0};
	put_header(&b, 12);
	for (size_t n = 0; n < 12; n++)
		expect_error(&b, n, "file too short for a gcov header");
	for (size_t n = 12; n < 16; n++)
		expect_error(&b, n, "unexpected end of data at byte 12");
	bb_put32_at(&b, 0, GCOV_NOTE_MAGIC);
	expect_error(&b, b.len, "a notes file (.gcno), not a data file");
	bb_put32_at(&b, 0, 0x12345678u);
	expect_error(&b, b.len, "not a gcov file (bad magic)");
	bb_put32_at(&b, 0, GCOV_DATA_MAGIC);
	bb_put32_at(&b, 4, gcov_version_word(7, 3));
	expect_foreign(&b, "gcc 7 format (A73*): written by gcc older than 9");
	bb_put32_at(&b, 4, 0x3430372au); /* "407*": an older LLVM flavour */
	expect_foreign(&b, "LLVM gcov format 407* (clang --coverage, or gcc 4)");
	bb_put32_at(&b, 4, gcov_version_word(16, 1));
	expect_foreign(&b, "gcc 16 format (B61*), newer than covmerge knows "
		       "(gcc 9 to 15)\nhint: rebuild the object with gcc 15 or "
		       "older, or use a covmerge that reads gcc 16's data files");
	bb_free(&b);

	/* gcc 11 has no checksum: 12 bytes are a whole header */
	struct bb w = {.words = 1};
	put_header(&w, 11);
	struct gcda g;
	unsigned char *copy;
	struct strbuf err;
	strbuf_init(&err);
	assert_int_equal(parse(&g, &copy, &w, w.len, &err), 0);
	assert_int_equal(g.major, 11);
	assert_int_equal(g.stamp, STAMP);
	assert_int_equal(g.checksum, 0);
	assert_int_equal(g.nfuncs, 0);
	gcda_release(&g);
	free(copy);
	strbuf_release(&err);
	bb_free(&w);
}

static void test_truncated_records(void **state)
{
	(void)state;
	for (int words = 0; words <= 1; words++) {
		struct bb b = {.words = words};
		put_header(&b, words ? 11 : 12);
		put_function(&b, 1, 2, 3);
		size_t start = put_counters(&b, GCOV_TAG_ARC_COUNTERS, 2,
					    (const uint64_t[]){1, 2});
		char want[160];
		for (size_t cut = start + 8; cut < b.len; cut++) {
			snprintf(want, sizeof(want), "truncated record (tag 0x01a10000, "
				 "16 bytes announced, %zu left) at byte %zu",
				 cut - start - 8, start);
			expect_error(&b, cut, want);
		}
		/* a cut inside the tag or length word: reported at the
		 * record's start */
		for (size_t cut = start + 1; cut < start + 8; cut++) {
			snprintf(want, sizeof(want), "truncated record header at byte %zu",
				 start);
			expect_error(&b, cut, want);
		}
		bb_free(&b);
	}
}

static void test_record_errors(void **state)
{
	(void)state;
	struct bb b = {0};
	char want[160];

	/* counters with no function before them */
	put_header(&b, 12);
	size_t at = put_counters(&b, GCOV_TAG_ARC_COUNTERS, 1, (const uint64_t[]){1});
	snprintf(want, sizeof(want), "counter record outside a function at byte %zu", at);
	expect_error(&b, b.len, want);
	bb_free(&b);

	/* counters after a placeholder FUNCTION (length 0) */
	put_header(&b, 12);
	put_function(&b, 1, 2, 3);
	put_counters(&b, GCOV_TAG_ARC_COUNTERS, 1, (const uint64_t[]){1});
	size_t r = bb_rec_begin(&b, GCOV_TAG_FUNCTION);
	bb_rec_end(&b, r);
	at = put_zero_counters(&b, GCOV_TAG_ARC_COUNTERS, 2);
	snprintf(want, sizeof(want), "counter record outside a function at byte %zu", at);
	expect_error(&b, b.len, want);
	bb_free(&b);

	/* two arc-counter records for one function */
	put_header(&b, 12);
	put_function(&b, 1, 2, 3);
	put_counters(&b, GCOV_TAG_ARC_COUNTERS, 1, (const uint64_t[]){1});
	at = put_counters(&b, GCOV_TAG_ARC_COUNTERS, 1, (const uint64_t[]){1});
	snprintf(want, sizeof(want), "second arc-counter record for one function "
		 "at byte %zu", at);
	expect_error(&b, b.len, want);
	bb_free(&b);

	/* a payload that is not a whole number of 64-bit counters */
	for (int words = 0; words <= 1; words++) {
		b.words = words;
		put_header(&b, words ? 11 : 12);
		put_function(&b, 1, 2, 3);
		at = bb_rec_begin(&b, GCOV_TAG_ARC_COUNTERS);
		bb_u32(&b, 1);
		bb_u32(&b, 2);
		bb_u32(&b, 3);
		bb_rec_end(&b, at);
		snprintf(want, sizeof(want), "counter record of 12 bytes is not a whole "
			 "number of counters at byte %zu", at);
		expect_error(&b, b.len, want);
		bb_free(&b);
	}

	/* a FUNCTION record too short for its three words */
	put_header(&b, 12);
	at = bb_rec_begin(&b, GCOV_TAG_FUNCTION);
	bb_u32(&b, 1);
	bb_rec_end(&b, at);
	snprintf(want, sizeof(want), "unexpected end of data in record 0x01000000 "
		 "at byte %zu", at + 12);
	expect_error(&b, b.len, want);
	bb_free(&b);

	/* a negative length means "all zero" only for counter records */
	put_header(&b, 12);
	at = b.len;
	bb_u32(&b, GCOV_TAG_OBJECT_SUMMARY);
	bb_u32(&b, (uint32_t)-16);
	bb_u32(&b, 1);
	bb_u32(&b, 1);
	snprintf(want, sizeof(want), "truncated record (tag 0xa1000000, 4294967280 "
		 "bytes announced, 8 left) at byte %zu", at);
	expect_error(&b, b.len, want);
	bb_free(&b);
	put_header(&b, 12);
	at = b.len;
	bb_u32(&b, 0x01b30000u); /* kind 9: not a counter kind */
	bb_u32(&b, (uint32_t)-8);
	snprintf(want, sizeof(want), "truncated record (tag 0x01b30000");
	expect_error(&b, b.len, want);
	bb_free(&b);
}

static void test_zero_counters_and_other_kinds(void **state)
{
	(void)state;
	for (int words = 0; words <= 1; words++) {
		struct bb b = {.words = words};
		put_header(&b, words ? 11 : 12);
		put_function(&b, 7, 8, 9);
		put_zero_counters(&b, TAG_OTHER_COUNTERS, 5);   /* skipped */
		put_zero_counters(&b, GCOV_TAG_ARC_COUNTERS, 6);
		put_zero_counters(&b, 0x01a50000u, 1);          /* skipped */
		put_function(&b, 10, 11, 12);
		/* an arc record of zero counters is a real, empty record */
		put_counters(&b, GCOV_TAG_ARC_COUNTERS, 0, NULL);
		put_function(&b, 13, 14, 15);
		/* the largest magnitude a 32-bit length can hold */
		size_t r = bb_rec_begin(&b, GCOV_TAG_ARC_COUNTERS);
		bb_put32_at(&b, r + 4, 0x80000000u);
		struct gcda g;
		unsigned char *copy;
		struct strbuf err;
		strbuf_init(&err);
		int rc = parse(&g, &copy, &b, b.len, &err);
		if (rc)
			fail_msg("%s", err.buf);
		assert_int_equal(g.nfuncs, 3);
		assert_int_equal(g.funcs[0].has_arcs, 1);
		assert_int_equal(g.funcs[0].ncounters, 6);
		assert_null(g.funcs[0].counters);
		assert_int_equal(g.funcs[1].has_arcs, 1);
		assert_int_equal(g.funcs[1].ncounters, 0);
		assert_int_equal(g.funcs[2].has_arcs, 1);
		assert_int_equal(g.funcs[2].ncounters, words ? 0x40000000u : 0x10000000u);
		assert_null(g.funcs[2].counters);
		gcda_release(&g);
		free(copy);
		strbuf_release(&err);
		bb_free(&b);
	}
}

static void test_unknown_records_skipped(void **state)
{
	(void)state;
	for (int words = 0; words <= 1; words++) {
		struct bb b = {.words = words};
		put_header(&b, words ? 11 : 12);
		size_t r = bb_rec_begin(&b, 0xa3000000u); /* an old summary tag */
		for (int i = 0; i < 5; i++)
			bb_u32(&b, 0xffffffffu);
		bb_rec_end(&b, r);
		put_function(&b, 1, 2, 3);
		r = bb_rec_begin(&b, 0x01470000u);
		bb_u32(&b, GCOV_TAG_ARC_COUNTERS); /* looks like a record: skipped */
		bb_u32(&b, 8);
		bb_rec_end(&b, r);
		put_counters(&b, GCOV_TAG_ARC_COUNTERS, 2, (const uint64_t[]){40, 41});
		struct gcda g;
		unsigned char *copy;
		struct strbuf err;
		strbuf_init(&err);
		assert_int_equal(parse(&g, &copy, &b, b.len, &err), 0);
		assert_int_equal(g.nfuncs, 1);
		assert_int_equal(g.runs, 0);
		assert_int_equal(g.funcs[0].ncounters, 2);
		assert_true(gcda_counter(&g, &g.funcs[0], 0) == 40);
		assert_true(gcda_counter(&g, &g.funcs[0], 1) == 41);
		gcda_release(&g);
		free(copy);
		strbuf_release(&err);
		bb_free(&b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_standard_gcc12),
		cmocka_unit_test(test_standard_gcc11),
		cmocka_unit_test(test_standard_big_endian),
		cmocka_unit_test(test_raw_counter_bytes),
		cmocka_unit_test(test_header_only_and_boundaries),
		cmocka_unit_test(test_header_errors),
		cmocka_unit_test(test_truncated_records),
		cmocka_unit_test(test_record_errors),
		cmocka_unit_test(test_zero_counters_and_other_kinds),
		cmocka_unit_test(test_unknown_records_skipped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
