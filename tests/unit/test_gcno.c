/* gcno_parse on hand-built notes files, in gcc 12's format (lengths in
 * bytes, unpadded strings) and gcc 11's (lengths in words, NUL-padded
 * strings): header fields, FUNCTION/BLOCKS/ARCS/LINES contents, file
 * switches carried across LINES records, unknown records skipped by their
 * length, and every error path with its message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "gcno.h"
#include "reader.h"
#include "strbuf.h"
#include "unit_util.h"

#define STAMP 0x5eed1234u

/* ---- builders ---------------------------------------------------------- */

static void put_header(struct bb *b, int major, int minor, const char *cwd,
		       uint32_t unexec)
{
	bb_u32(b, GCOV_NOTE_MAGIC);
	bb_u32(b, gcov_version_word(major, minor));
	bb_u32(b, STAMP);
	if (major >= 12)
		bb_u32(b, 0); /* checksum */
	bb_str(b, cwd);
	bb_u32(b, unexec);
}

static void put_function(struct bb *b, uint32_t ident, uint32_t lcs,
			 uint32_t ccs, const char *name, uint32_t artificial,
			 const char *file, uint32_t sl, uint32_t sc, uint32_t el,
			 int with_end_column, uint32_t ec)
{
	size_t r = bb_rec_begin(b, GCOV_TAG_FUNCTION);
	bb_u32(b, ident);
	bb_u32(b, lcs);
	bb_u32(b, ccs);
	bb_str(b, name);
	bb_u32(b, artificial);
	bb_str(b, file);
	bb_u32(b, sl);
	bb_u32(b, sc);
	bb_u32(b, el);
	if (with_end_column)
		bb_u32(b, ec);
	bb_rec_end(b, r);
}

static void put_blocks(struct bb *b, uint32_t n)
{
	size_t r = bb_rec_begin(b, GCOV_TAG_BLOCKS);
	bb_u32(b, n);
	bb_rec_end(b, r);
}

/* pairs: dst0, flags0, dst1, flags1, ... */
static void put_arcs(struct bb *b, uint32_t src, size_t npairs, const uint32_t *pairs)
{
	size_t r = bb_rec_begin(b, GCOV_TAG_ARCS);
	bb_u32(b, src);
	for (size_t i = 0; i < 2 * npairs; i++)
		bb_u32(b, pairs[i]);
	bb_rec_end(b, r);
}

/* The standard notes file of these tests:
 *
 *   main (ident 0x101, main.c 3:5 - 20:1), 5 blocks
 *     arcs 0->2 tree, 2->3, 2->4 fallthrough, 3->4 tree|fallthrough,
 *          4->1 tree, 4->1 fake            (ncounters 3)
 *     an unknown record full of 0xff words between the arcs and the lines
 *     lines: block 2: 7, 5, then "inc.h" 30
 *            block 3: 31 (still inc.h), then "main.c" 8
 *            block 4: 9 (still main.c)
 *   helper (ident 0x202, artificial, inc.h 30 - 32, no end column), 2 blocks
 *     arcs 0->1                             (ncounters 1)
 *   an empty unknown record, then the zero end tag and trailing junk */
static void build_notes(struct bb *b, int major)
{
	put_header(b, major, 2, "/src/proj", 1);
	put_function(b, 0x101, 0xaaaa0001u, 0xbbbb0001u, "main", 0, "main.c",
		     3, 5, 20, 1, 1);
	put_blocks(b, 5);
	put_arcs(b, 0, 1, (const uint32_t[]){2, ARC_ON_TREE});
	put_arcs(b, 2, 2, (const uint32_t[]){3, 0, 4, ARC_FALLTHROUGH});
	put_arcs(b, 3, 1, (const uint32_t[]){4, ARC_ON_TREE | ARC_FALLTHROUGH});
	put_arcs(b, 4, 2, (const uint32_t[]){1, ARC_ON_TREE, 1, ARC_FAKE});
	size_t r = bb_rec_begin(b, 0x01470000u); /* unknown to us */
	for (int i = 0; i < 3; i++)
		bb_u32(b, 0xffffffffu);
	bb_rec_end(b, r);

	r = bb_rec_begin(b, GCOV_TAG_LINES);
	bb_u32(b, 2);
	bb_u32(b, 7);
	bb_u32(b, 5);
	bb_u32(b, 0);
	bb_str(b, "inc.h");
	bb_u32(b, 30);
	bb_u32(b, 0);
	bb_str(b, NULL);
	bb_rec_end(b, r);

	r = bb_rec_begin(b, GCOV_TAG_LINES);
	bb_u32(b, 3);
	bb_u32(b, 31);
	bb_u32(b, 0);
	bb_str(b, "main.c");
	bb_u32(b, 8);
	bb_u32(b, 0);
	bb_str(b, NULL);
	bb_rec_end(b, r);

	r = bb_rec_begin(b, GCOV_TAG_LINES);
	bb_u32(b, 4);
	bb_u32(b, 9);
	bb_u32(b, 0);
	bb_str(b, NULL);
	bb_rec_end(b, r);

	put_function(b, 0x202, 0xaaaa0002u, 0xbbbb0002u, "helper", 1, "inc.h",
		     30, 1, 32, 0, 0);
	put_blocks(b, 2);
	put_arcs(b, 0, 1, (const uint32_t[]){1, 0});

	r = bb_rec_begin(b, 0x7f000000u); /* unknown, empty */
	bb_rec_end(b, r);
	bb_u32(b, 0);           /* end of file */
	bb_u32(b, 0xdeadbeefu); /* ignored after the end tag */
}

/* Parses b (from an exact-size copy); returns rc, err text in err. */
static int parse(struct gcno *g, const struct bb *b, size_t len, struct strbuf *err)
{
	memset(g, 0, sizeof(*g));
	strbuf_reset(err);
	unsigned char *copy = ut_exact_copy(b->p, len);
	int rc = gcno_parse(g, copy, len, err);
	/* gcno keeps nothing pointing into the input: free it right away */
	free(copy);
	return rc;
}

static void check_loc(const struct gcno *g, const struct gcno_loc *l,
		      const char *file, uint32_t n, const uint32_t *lines)
{
	assert_string_equal(g->files[l->file], file);
	assert_int_equal(l->nlines, n);
	for (uint32_t i = 0; i < n; i++)
		assert_int_equal(l->lines[i], lines[i]);
}

static void check_standard(const struct gcno *g, int major)
{
	assert_int_equal(g->major, major);
	assert_int_equal(g->version, gcov_version_word(major, 2));
	assert_int_equal(g->stamp, STAMP);
	assert_non_null(g->cwd);
	assert_string_equal(g->cwd, "/src/proj");
	assert_int_equal(g->has_unexecuted_blocks, 1);

	assert_int_equal(g->nfiles, 2);
	assert_string_equal(g->files[0], "main.c");
	assert_string_equal(g->files[1], "inc.h");

	assert_int_equal(g->nfuncs, 2);
	const struct gcno_func *f = &g->funcs[0];
	assert_int_equal(f->ident, 0x101);
	assert_int_equal(f->lineno_checksum, 0xaaaa0001u);
	assert_int_equal(f->cfg_checksum, 0xbbbb0001u);
	assert_string_equal(f->name, "main");
	assert_int_equal(f->artificial, 0);
	assert_int_equal(f->file, 0);
	assert_int_equal(f->start_line, 3);
	assert_int_equal(f->start_column, 5);
	assert_int_equal(f->end_line, 20);
	assert_int_equal(f->end_column, 1);
	assert_int_equal(f->nblocks, 5);
	assert_int_equal(f->narcs, 6);
	static const uint32_t arcs[6][3] = {
		{0, 2, ARC_ON_TREE}, {2, 3, 0}, {2, 4, ARC_FALLTHROUGH},
		{3, 4, ARC_ON_TREE | ARC_FALLTHROUGH}, {4, 1, ARC_ON_TREE},
		{4, 1, ARC_FAKE},
	};
	for (int i = 0; i < 6; i++) {
		assert_int_equal(f->arcs[i].src, arcs[i][0]);
		assert_int_equal(f->arcs[i].dst, arcs[i][1]);
		assert_int_equal(f->arcs[i].flags, arcs[i][2]);
	}
	assert_int_equal(f->ncounters, 3);

	/* lines: sorted within a location; file switches carried over */
	assert_int_equal(f->blocks[0].nlocs, 0);
	assert_int_equal(f->blocks[1].nlocs, 0);
	assert_int_equal(f->blocks[2].nlocs, 2);
	check_loc(g, &f->blocks[2].locs[0], "main.c", 2, (const uint32_t[]){5, 7});
	check_loc(g, &f->blocks[2].locs[1], "inc.h", 1, (const uint32_t[]){30});
	assert_int_equal(f->blocks[3].nlocs, 2);
	check_loc(g, &f->blocks[3].locs[0], "inc.h", 1, (const uint32_t[]){31});
	check_loc(g, &f->blocks[3].locs[1], "main.c", 1, (const uint32_t[]){8});
	assert_int_equal(f->blocks[4].nlocs, 1);
	check_loc(g, &f->blocks[4].locs[0], "main.c", 1, (const uint32_t[]){9});

	f = &g->funcs[1];
	assert_int_equal(f->ident, 0x202);
	assert_int_equal(f->lineno_checksum, 0xaaaa0002u);
	assert_int_equal(f->cfg_checksum, 0xbbbb0002u);
	assert_string_equal(f->name, "helper");
	assert_int_equal(f->artificial, 1);
	assert_int_equal(f->file, 1);
	assert_int_equal(f->start_line, 30);
	assert_int_equal(f->start_column, 1);
	assert_int_equal(f->end_line, 32);
	assert_int_equal(f->end_column, 0); /* absent */
	assert_int_equal(f->nblocks, 2);
	assert_int_equal(f->narcs, 1);
	assert_int_equal(f->arcs[0].src, 0);
	assert_int_equal(f->arcs[0].dst, 1);
	assert_int_equal(f->arcs[0].flags, 0);
	assert_int_equal(f->ncounters, 1);
	assert_int_equal(f->blocks[0].nlocs, 0);
	assert_int_equal(f->blocks[1].nlocs, 0);
}

/* ---- well-formed files ------------------------------------------------- */

static void test_standard_gcc12(void **state)
{
	(void)state;
	struct bb b = {0};
	build_notes(&b, 12);
	struct gcno g;
	struct strbuf err;
	strbuf_init(&err);
	assert_int_equal(parse(&g, &b, b.len, &err), 0);
	assert_int_equal(err.len, 0);
	check_standard(&g, 12);
	gcno_release(&g);
	strbuf_release(&err);
	bb_free(&b);
}

static void test_standard_gcc11(void **state)
{
	(void)state;
	struct bb b = {.words = 1};
	build_notes(&b, 11);
	/* the padded format keeps everything word aligned */
	assert_int_equal(b.len % 4, 0);
	struct gcno g;
	struct strbuf err;
	strbuf_init(&err);
	assert_int_equal(parse(&g, &b, b.len, &err), 0);
	assert_int_equal(err.len, 0);
	check_standard(&g, 11);
	gcno_release(&g);
	strbuf_release(&err);
	bb_free(&b);
}

static void test_standard_gcc12_big_endian(void **state)
{
	(void)state;
	struct bb b = {.be = 1};
	build_notes(&b, 12);
	assert_memory_equal(b.p, "gcno", 4);
	struct gcno g;
	struct strbuf err;
	strbuf_init(&err);
	assert_int_equal(parse(&g, &b, b.len, &err), 0);
	check_standard(&g, 12);
	gcno_release(&g);
	strbuf_release(&err);
	bb_free(&b);
}

static void test_header_only(void **state)
{
	(void)state;
	for (int words = 0; words <= 1; words++) {
		struct bb b = {.words = words};
		put_header(&b, words ? 11 : 13, 1, NULL, 0);
		struct gcno g;
		struct strbuf err;
		strbuf_init(&err);
		assert_int_equal(parse(&g, &b, b.len, &err), 0);
		assert_int_equal(g.major, words ? 11 : 13);
		assert_null(g.cwd);  /* empty string */
		assert_int_equal(g.has_unexecuted_blocks, 0);
		assert_int_equal(g.nfuncs, 0);
		assert_int_equal(g.nfiles, 0);
		gcno_release(&g);
		/* a lone zero end word is fine too */
		bb_u32(&b, 0);
		assert_int_equal(parse(&g, &b, b.len, &err), 0);
		gcno_release(&g);
		strbuf_release(&err);
		bb_free(&b);
	}
}

static void test_lines_default_to_function_file(void **state)
{
	(void)state;
	/* the first LINES record names no file: the function's own is used,
	 * and a record of only the terminator adds no location */
	struct bb b = {0};
	put_header(&b, 12, 2, "/w", 0);
	put_function(&b, 1, 2, 3, "f", 0, "f.c", 1, 1, 4, 1, 1);
	put_blocks(&b, 3);
	put_arcs(&b, 0, 1, (const uint32_t[]){2, ARC_ON_TREE});
	put_arcs(&b, 2, 1, (const uint32_t[]){1, 0});
	size_t r = bb_rec_begin(&b, GCOV_TAG_LINES);
	bb_u32(&b, 2);
	bb_u32(&b, 4);
	bb_u32(&b, 2);
	bb_u32(&b, 4); /* duplicates are kept */
	bb_u32(&b, 0);
	bb_str(&b, NULL);
	bb_rec_end(&b, r);
	r = bb_rec_begin(&b, GCOV_TAG_LINES);
	bb_u32(&b, 0);
	bb_u32(&b, 0);
	bb_str(&b, NULL);
	bb_rec_end(&b, r);
	struct gcno g;
	struct strbuf err;
	strbuf_init(&err);
	assert_int_equal(parse(&g, &b, b.len, &err), 0);
	assert_int_equal(g.nfiles, 1);
	const struct gcno_func *f = &g.funcs[0];
	assert_int_equal(f->blocks[0].nlocs, 0);
	assert_int_equal(f->blocks[2].nlocs, 1);
	check_loc(&g, &f->blocks[2].locs[0], "f.c", 3, (const uint32_t[]){2, 4, 4});
	gcno_release(&g);
	strbuf_release(&err);
	bb_free(&b);
}

static void test_file_switch_carried_across_functions(void **state)
{
	(void)state;
	/* the current file is remembered from the previous function's lines */
	struct bb b = {0};
	put_header(&b, 12, 2, "/w", 0);
	put_function(&b, 1, 2, 3, "f", 0, "f.c", 1, 1, 4, 1, 1);
	put_blocks(&b, 3);
	size_t r = bb_rec_begin(&b, GCOV_TAG_LINES);
	bb_u32(&b, 2);
	bb_u32(&b, 0);
	bb_str(&b, "other.h");
	bb_u32(&b, 12);
	bb_u32(&b, 0);
	bb_str(&b, NULL);
	bb_rec_end(&b, r);
	put_function(&b, 2, 2, 3, "g", 0, "f.c", 6, 1, 8, 1, 1);
	put_blocks(&b, 3);
	r = bb_rec_begin(&b, GCOV_TAG_LINES);
	bb_u32(&b, 2);
	bb_u32(&b, 13);
	bb_u32(&b, 0);
	bb_str(&b, NULL);
	bb_rec_end(&b, r);
	struct gcno g;
	struct strbuf err;
	strbuf_init(&err);
	assert_int_equal(parse(&g, &b, b.len, &err), 0);
	assert_int_equal(g.nfuncs, 2);
	check_loc(&g, &g.funcs[0].blocks[2].locs[0], "other.h", 1, (const uint32_t[]){12});
	check_loc(&g, &g.funcs[1].blocks[2].locs[0], "other.h", 1, (const uint32_t[]){13});
	assert_int_equal(g.funcs[1].narcs, 0);
	assert_int_equal(g.funcs[1].ncounters, 0);
	gcno_release(&g);
	strbuf_release(&err);
	bb_free(&b);
}

/* ---- header errors ----------------------------------------------------- */

static void expect_error(const struct bb *b, size_t len, const char *what,
			 const char *also)
{
	struct gcno g;
	struct strbuf err;
	strbuf_init(&err);
	int rc = parse(&g, b, len, &err);
	/* a corrupt file is never taken for a foreign format */
	if (rc != -1 || g.foreign || !strstr(err.buf, what) ||
	    (also && !strstr(err.buf, also)))
		fail_msg("rc %d, error \"%s\"; wanted \"%s\"%s%s", rc, err.buf, what,
			 also ? " and " : "", also ? also : "");
	gcno_release(&g);
	strbuf_release(&err);
}

/* A well-formed file of a format covmerge does not read: GCOV_FOREIGN and
 * exactly this message. */
static void expect_foreign(const struct bb *b, const char *msg)
{
	struct gcno g;
	struct strbuf err;
	strbuf_init(&err);
	int rc = parse(&g, b, b->len, &err);
	if (rc != -1 || !g.foreign || strcmp(err.buf, msg) != 0)
		fail_msg("rc %d, error \"%s\"; wanted \"%s\"", rc, err.buf, msg);
	gcno_release(&g);
	strbuf_release(&err);
}

static void test_header_errors(void **state)
{
	(void)state;
	struct bb b = {0};
	put_header(&b, 12, 2, "/w", 0);
	for (size_t n = 0; n < 12; n++)
		expect_error(&b, n, "file too short for a gcov header", NULL);
	/* the rest of the header is read as words: a cut is an end of data */
	expect_error(&b, 12, "unexpected end of data", "at byte 12");
	expect_error(&b, 17, "unexpected end of data", "at byte 16");
	expect_error(&b, 21, "string runs past the end", "at byte 20");
	bb_free(&b);

	struct bb d = {0};
	bb_u32(&d, GCOV_DATA_MAGIC);
	bb_u32(&d, gcov_version_word(12, 2));
	bb_u32(&d, 0);
	expect_error(&d, d.len, "a data file (.gcda), not a notes file", NULL);
	d.p[0] ^= 0x20;
	expect_error(&d, d.len, "not a gcov file (bad magic)", NULL);
	bb_free(&d);

	struct bb v = {0};
	bb_u32(&v, GCOV_NOTE_MAGIC);
	bb_u32(&v, gcov_version_word(8, 5));
	bb_u32(&v, 0);
	expect_foreign(&v, "gcc 8 format (A85*): written by gcc older than 9, "
		       "which covmerge does not read\nhint: rebuild the object "
		       "with gcc 9 or newer");
	bb_put32_at(&v, 4, gcov_version_word(16, 1));
	expect_foreign(&v, "gcc 16 format (B61*), newer than covmerge knows "
		       "(gcc 9 to 15)\nhint: rebuild the object with gcc 15 or "
		       "older, or use a covmerge that reads gcc 16's notes files");
	bb_put32_at(&v, 4, 0x3430372au); /* "407*", an older LLVM flavour */
	expect_foreign(&v, "LLVM gcov format 407* (clang --coverage, or gcc 4), "
		       "which covmerge does not read\nhint: covmerge reads "
		       "clang's default 408* and gcc 9 to 15: rebuild with "
		       "clang --coverage (no -coverage-version) or gcc "
		       "--coverage");
	bb_put32_at(&v, 4, 0x3f3f3f3fu); /* "????" */
	expect_error(&v, v.len, "unrecognised gcov version word 0x3f3f3f3f", NULL);
	bb_put32_at(&v, 4, 0x3430c32au); /* a digit-led word with a non-digit */
	expect_error(&v, v.len, "unrecognised gcov version word 0x3430c32a", NULL);
	bb_free(&v);

	/* an LLVM raw profile named .gcno */
	struct bb r = {0};
	bb_u32(&r, 0x6f667281u);
	bb_u32(&r, 0xff6c7072u);
	bb_u32(&r, 8);
	expect_foreign(&r, "not a gcov file: an LLVM raw profile (.profraw, clang "
		       "-fprofile-instr-generate)\nhint: covmerge reads gcov data "
		       "(--coverage) and lcov tracefiles; `llvm-cov export "
		       "-format=lcov` makes a tracefile of it");
	r.p[0] = 0x80;
	expect_error(&r, r.len, "not a gcov file (bad magic)", NULL);
	bb_free(&r);
}

static void test_gcov_header_direct(void **state)
{
	(void)state;
	struct bb b = {.be = 1};
	bb_u32(&b, GCOV_NOTE_MAGIC);
	bb_u32(&b, gcov_version_word(9, 4));
	bb_u32(&b, 7);
	struct reader rd;
	rd_init(&rd, b.p, b.len);
	uint32_t version = 0;
	int major = 0;
	struct strbuf cause;
	strbuf_init(&cause);
	assert_int_equal(gcov_header(&rd, GCOV_NOTE_MAGIC, &version, &major, &cause), 0);
	assert_int_equal(rd.swap, 1);
	assert_int_equal(major, 9);
	assert_int_equal(version, gcov_version_word(9, 4));
	assert_int_equal(rd.pos, 8);
	assert_int_equal(rd_u32(&rd), 7);
	rd_init(&rd, b.p, b.len);
	assert_int_equal(gcov_header(&rd, GCOV_DATA_MAGIC, &version, &major, &cause), -1);
	assert_string_equal(cause.buf, "a notes file (.gcno), not a data file");
	strbuf_release(&cause);
	bb_free(&b);
}

/* ---- record errors ----------------------------------------------------- */

static void test_truncated_record(void **state)
{
	(void)state;
	for (int words = 0; words <= 1; words++) {
		struct bb b = {.words = words};
		build_notes(&b, words ? 11 : 12);
		struct bb h = {.words = words};
		put_header(&h, words ? 11 : 12, 2, "/src/proj", 1);
		size_t fstart = h.len; /* the first FUNCTION record */
		bb_free(&h);
		char at[64];
		snprintf(at, sizeof(at), "at byte %zu", fstart);
		/* every cut inside the first record's payload */
		size_t flen = words ? 4 * (size_t)(b.p[fstart + 4] | b.p[fstart + 5] << 8)
				    : (size_t)(b.p[fstart + 4] | b.p[fstart + 5] << 8);
		for (size_t cut = fstart + 8; cut < fstart + 8 + flen; cut++)
			expect_error(&b, cut, "truncated record (tag 0x01000000", at);
		/* a cut inside a record header (its tag or length word) */
		for (size_t cut = fstart + 1; cut < fstart + 8; cut++)
			expect_error(&b, cut, "truncated record header", at);
		bb_free(&b);
	}
}

static void test_length_past_end(void **state)
{
	(void)state;
	for (int words = 0; words <= 1; words++) {
		struct bb b = {.words = words};
		put_header(&b, words ? 11 : 12, 2, "/w", 0);
		size_t start = bb_rec_begin(&b, 0x01470000u);
		bb_u32(&b, 1);
		bb_put32_at(&b, start + 4, words ? 2 : 8); /* 8 bytes announced */
		char want[128];
		snprintf(want, sizeof(want), "truncated record (tag 0x01470000, 8 bytes "
			 "announced, 4 left) at byte %zu", start);
		expect_error(&b, b.len, want, NULL);
		bb_free(&b);
	}
}

static void test_short_function_record(void **state)
{
	(void)state;
	struct bb b = {0};
	put_header(&b, 12, 2, "/w", 0);
	size_t start = bb_rec_begin(&b, GCOV_TAG_FUNCTION);
	bb_u32(&b, 1);
	bb_u32(&b, 2);
	bb_rec_end(&b, start);
	char want[128];
	snprintf(want, sizeof(want), "unexpected end of data in record 0x01000000 "
		 "at byte %zu", start + 16);
	expect_error(&b, b.len, want, NULL);
	bb_free(&b);

	/* a name string longer than its record */
	struct bb s = {0};
	put_header(&s, 12, 2, "/w", 0);
	start = bb_rec_begin(&s, GCOV_TAG_FUNCTION);
	bb_u32(&s, 1);
	bb_u32(&s, 2);
	bb_u32(&s, 3);
	bb_u32(&s, 100);
	bb_bytes(&s, "abcd", 4);
	bb_rec_end(&s, start);
	bb_u32(&s, 0);
	snprintf(want, sizeof(want), "string runs past the end of its record in "
		 "record 0x01000000 at byte %zu", start + 24);
	expect_error(&s, s.len, want, NULL);
	bb_free(&s);
}

static void test_structure_errors(void **state)
{
	(void)state;
	struct bb b = {0};
	char want[128];

	/* BLOCKS with no function */
	put_header(&b, 12, 2, "/w", 0);
	size_t at = b.len;
	put_blocks(&b, 3);
	snprintf(want, sizeof(want), "block record outside a function at byte %zu", at);
	expect_error(&b, b.len, want, NULL);
	bb_free(&b);

	/* a second BLOCKS record for one function */
	put_header(&b, 12, 2, "/w", 0);
	put_function(&b, 1, 2, 3, "f", 0, "f.c", 1, 1, 4, 1, 1);
	put_blocks(&b, 3);
	at = b.len;
	put_blocks(&b, 3);
	snprintf(want, sizeof(want), "block record outside a function at byte %zu", at);
	expect_error(&b, b.len, want, NULL);
	bb_free(&b);

	/* implausible block counts: fewer than 2 (entry and exit), or more
	 * than the file could describe */
	static const uint32_t bad_counts[] = {0, 1, 0x10000000u, 0xffffffffu};
	for (size_t i = 0; i < 4; i++) {
		put_header(&b, 12, 2, "/w", 0);
		put_function(&b, 1, 2, 3, "f", 0, "f.c", 1, 1, 4, 1, 1);
		at = b.len;
		put_blocks(&b, bad_counts[i]);
		snprintf(want, sizeof(want), "implausible block count %u at byte %zu",
			 bad_counts[i], at);
		expect_error(&b, b.len, want, NULL);
		bb_free(&b);
	}

	/* ARCS before BLOCKS */
	put_header(&b, 12, 2, "/w", 0);
	put_function(&b, 1, 2, 3, "f", 0, "f.c", 1, 1, 4, 1, 1);
	at = b.len;
	put_arcs(&b, 0, 1, (const uint32_t[]){1, 0});
	snprintf(want, sizeof(want), "arc record before its block record at byte %zu", at);
	expect_error(&b, b.len, want, NULL);
	bb_free(&b);

	/* arc source and destination out of range */
	put_header(&b, 12, 2, "/w", 0);
	put_function(&b, 1, 2, 3, "f", 0, "f.c", 1, 1, 4, 1, 1);
	put_blocks(&b, 3);
	at = b.len;
	put_arcs(&b, 3, 1, (const uint32_t[]){1, 0});
	snprintf(want, sizeof(want), "arc from block 3 of 3 at byte %zu", at);
	expect_error(&b, b.len, want, NULL);
	bb_free(&b);
	put_header(&b, 12, 2, "/w", 0);
	put_function(&b, 1, 2, 3, "f", 0, "f.c", 1, 1, 4, 1, 1);
	put_blocks(&b, 3);
	at = b.len;
	put_arcs(&b, 0, 2, (const uint32_t[]){2, 0, 7, 0});
	snprintf(want, sizeof(want), "arc to block 7 of 3 at byte %zu", at);
	expect_error(&b, b.len, want, NULL);
	bb_free(&b);

	/* LINES before BLOCKS, and for a block out of range */
	put_header(&b, 12, 2, "/w", 0);
	put_function(&b, 1, 2, 3, "f", 0, "f.c", 1, 1, 4, 1, 1);
	at = bb_rec_begin(&b, GCOV_TAG_LINES);
	bb_u32(&b, 0);
	bb_u32(&b, 0);
	bb_str(&b, NULL);
	bb_rec_end(&b, at);
	snprintf(want, sizeof(want), "line record before its block record at byte %zu", at);
	expect_error(&b, b.len, want, NULL);
	bb_free(&b);
	put_header(&b, 12, 2, "/w", 0);
	put_function(&b, 1, 2, 3, "f", 0, "f.c", 1, 1, 4, 1, 1);
	put_blocks(&b, 3);
	at = bb_rec_begin(&b, GCOV_TAG_LINES);
	bb_u32(&b, 3);
	bb_u32(&b, 0);
	bb_str(&b, NULL);
	bb_rec_end(&b, at);
	expect_error(&b, b.len, "line record for block 3 of a function with 3 blocks", NULL);
	bb_free(&b);

	/* a function that never got a BLOCKS record */
	put_header(&b, 12, 2, "/w", 0);
	put_function(&b, 1, 2, 3, "f", 0, "f.c", 1, 1, 4, 1, 1);
	put_blocks(&b, 2);
	put_function(&b, 2, 2, 3, "lonely", 0, "f.c", 5, 1, 6, 1, 1);
	expect_error(&b, b.len, "function lonely has no block record", NULL);
	bb_free(&b);

	/* 1 to 3 stray bytes after the last record */
	for (size_t extra = 1; extra <= 3; extra++) {
		put_header(&b, 12, 2, "/w", 0);
		at = b.len;
		bb_bytes(&b, "\x01\x02\x03", extra);
		snprintf(want, sizeof(want), "truncated record header at byte %zu", at);
		expect_error(&b, b.len, want, NULL);
		bb_free(&b);
	}
	/* a non-zero word alone at the end */
	put_header(&b, 12, 2, "/w", 0);
	at = b.len;
	bb_u32(&b, GCOV_TAG_FUNCTION);
	snprintf(want, sizeof(want), "truncated record header at byte %zu", at);
	expect_error(&b, b.len, want, NULL);
	bb_free(&b);
}

static void test_unterminated_lines(void **state)
{
	(void)state;
	/* LINES whose list has no terminator before the record ends */
	struct bb b = {0};
	char want[128];
	put_header(&b, 12, 2, "/w", 0);
	put_function(&b, 1, 2, 3, "f", 0, "f.c", 1, 1, 4, 1, 1);
	put_blocks(&b, 3);
	size_t at = bb_rec_begin(&b, GCOV_TAG_LINES);
	bb_u32(&b, 2);
	bb_u32(&b, 5);
	bb_rec_end(&b, at);
	bb_u32(&b, 0);
	snprintf(want, sizeof(want), "unexpected end of data in record 0x01450000 "
		 "at byte %zu", at + 16);
	expect_error(&b, b.len, want, NULL);
	bb_free(&b);

	/* a file-switch string that runs past its LINES record */
	put_header(&b, 12, 2, "/w", 0);
	put_function(&b, 1, 2, 3, "f", 0, "f.c", 1, 1, 4, 1, 1);
	put_blocks(&b, 3);
	at = bb_rec_begin(&b, GCOV_TAG_LINES);
	bb_u32(&b, 2);
	bb_u32(&b, 0);
	bb_u32(&b, 50);
	bb_bytes(&b, "x.h", 4);
	bb_rec_end(&b, at);
	bb_u32(&b, 0);
	snprintf(want, sizeof(want), "string runs past the end of its record in "
		 "record 0x01450000 at byte %zu", at + 20);
	expect_error(&b, b.len, want, NULL);
	bb_free(&b);
}

static void test_arcs_without_pairs_and_odd_tail(void **state)
{
	(void)state;
	/* an ARCS record holding only its source block adds no arc; a
	 * trailing half pair (4 bytes) is ignored */
	struct bb b = {0};
	put_header(&b, 12, 2, "/w", 0);
	put_function(&b, 1, 2, 3, "f", 0, "f.c", 1, 1, 4, 1, 1);
	put_blocks(&b, 3);
	put_arcs(&b, 0, 0, NULL);
	size_t r = bb_rec_begin(&b, GCOV_TAG_ARCS);
	bb_u32(&b, 2);
	bb_u32(&b, 1);
	bb_u32(&b, 0);
	bb_u32(&b, 1);
	bb_rec_end(&b, r);
	struct gcno g;
	struct strbuf err;
	strbuf_init(&err);
	assert_int_equal(parse(&g, &b, b.len, &err), 0);
	assert_int_equal(g.funcs[0].narcs, 1);
	assert_int_equal(g.funcs[0].arcs[0].src, 2);
	assert_int_equal(g.funcs[0].arcs[0].dst, 1);
	assert_int_equal(g.funcs[0].ncounters, 1);
	gcno_release(&g);
	strbuf_release(&err);
	bb_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_standard_gcc12),
		cmocka_unit_test(test_standard_gcc11),
		cmocka_unit_test(test_standard_gcc12_big_endian),
		cmocka_unit_test(test_header_only),
		cmocka_unit_test(test_lines_default_to_function_file),
		cmocka_unit_test(test_file_switch_carried_across_functions),
		cmocka_unit_test(test_header_errors),
		cmocka_unit_test(test_gcov_header_direct),
		cmocka_unit_test(test_truncated_record),
		cmocka_unit_test(test_length_past_end),
		cmocka_unit_test(test_short_function_record),
		cmocka_unit_test(test_structure_errors),
		cmocka_unit_test(test_unterminated_lines),
		cmocka_unit_test(test_arcs_without_pairs_and_odd_tail),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
