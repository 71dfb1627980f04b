/* The context store (formats/contexts.c): what is written reads back the
 * same (tests, programs, files, blob ids, entries with their test lists);
 * two stores merge by name (a test in both is one test); a damaged file
 * is an error, never a crash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "contexts.h"
#include "strbuf.h"

static void add_entry(struct ctx_store *s, uint32_t file, uint32_t line,
		      uint32_t branch, const uint32_t *tests, uint32_t n)
{
	struct ctx_file *f = &s->files[file];
	if (f->nentries == f->aentries) {   /* doubled: 150,000 entries below */
		f->aentries = f->aentries ? 2 * f->aentries : 4;
		f->entries = realloc(f->entries, f->aentries * sizeof(*f->entries));
	}
	struct ctx_entry *e = &f->entries[f->nentries++];
	memset(e, 0, sizeof(*e));
	e->line = line;
	e->branch = branch;
	for (uint32_t i = 0; i < n; i++)
		ctx_entry_add(e, tests[i]);
}

/* prog "bin/a" with tests a::one, a::two; files x.c (lines 3, 7 and 7's
 * arc 1), y.h (line 2) */
static void make_store(struct ctx_store *s, const char *second_test)
{
	ctx_store_init(s);
	uint32_t p = ctx_prog_index(s, "bin/a");
	uint32_t t1 = ctx_test_index(s, "bin/a::one", p);
	uint32_t t2 = ctx_test_index(s, second_test, p);
	uint32_t x = ctx_file_index(s, "/src/x.c");
	uint32_t y = ctx_file_index(s, "/src/y.h");
	free(s->files[x].blob);
	s->files[x].blob = strdup("0123456789012345678901234567890123456789");
	ctx_prog_add_source(&s->progs[p], y);
	ctx_prog_add_source(&s->progs[p], x);
	ctx_prog_add_source(&s->progs[p], y);
	uint32_t both[] = {t2, t1};
	add_entry(s, x, 7, 0, both, 2);
	add_entry(s, x, 3, 0, &t1, 1);
	add_entry(s, x, 7, 2, &t2, 1);
	add_entry(s, y, 2, 0, &t2, 1);
	ctx_store_normalize(s);
}

static void test_roundtrip(void **state)
{
	(void)state;
	struct ctx_store s, back;
	make_store(&s, "bin/a::two");
	free(s.revision);
	s.revision = strdup("abcdef");
	struct strbuf bytes, err;
	strbuf_init(&bytes);
	strbuf_init(&err);
	ctx_store_write(&s, &bytes);
	assert_true(ctx_store_detect(bytes.buf, bytes.len));
	ctx_store_init(&back);
	assert_int_equal(ctx_store_parse(&back, bytes.buf, bytes.len, &err), 0);
	assert_string_equal(back.revision, "abcdef");
	assert_int_equal(back.ntests, 2);
	assert_string_equal(back.tests[1].id, "bin/a::two");
	assert_int_equal(back.nprogs, 1);
	assert_int_equal(back.progs[0].nsources, 2);
	assert_int_equal(back.nfiles, 2);
	assert_string_equal(back.files[0].blob,
			    "0123456789012345678901234567890123456789");
	assert_string_equal(back.files[1].blob, "");
	const struct ctx_entry *e = ctx_file_find(&back.files[0], 7, 0);
	assert_non_null(e);
	assert_int_equal(ctx_entry_count(e), 2);
	assert_int_equal(e->nr, 2);          /* one run: tests 0-1 */
	assert_int_equal(e->r[0], 0);
	assert_int_equal(e->r[1], 1);
	e = ctx_file_find(&back.files[0], 7, 2);
	assert_non_null(e);
	assert_int_equal(ctx_entry_count(e), 1);
	assert_int_equal(e->r[0], 1);
	assert_null(ctx_file_find(&back.files[0], 7, 1));
	assert_null(ctx_file_find(&back.files[0], 4, 0));
	assert_int_equal(ctx_file_lookup(&back, "/src/y.h"), 1);
	assert_int_equal(ctx_file_lookup(&back, "/src/z.h"), -1);
	ctx_store_release(&back);
	ctx_store_release(&s);
	strbuf_release(&bytes);
	strbuf_release(&err);
}

static void test_merge(void **state)
{
	(void)state;
	struct ctx_store a, b;
	make_store(&a, "bin/a::two");
	make_store(&b, "bin/a::three");
	ctx_store_merge(&a, &b);
	assert_int_equal(a.ntests, 3);        /* one, two, three */
	assert_int_equal(a.nfiles, 2);
	const struct ctx_entry *e = ctx_file_find(&a.files[0], 7, 0);
	assert_int_equal(ctx_entry_count(e), 3);
	e = ctx_file_find(&a.files[0], 3, 0);
	assert_int_equal(ctx_entry_count(e), 1); /* one, in both: once */
	ctx_store_release(&a);
	ctx_store_release(&b);
}

static void test_damaged(void **state)
{
	(void)state;
	struct ctx_store s;
	make_store(&s, "bin/a::two");
	struct strbuf bytes;
	strbuf_init(&bytes);
	ctx_store_write(&s, &bytes);
	/* every truncation and every single flipped byte: an error or a
	 * store, never a crash */
	for (size_t cut = 0; cut < bytes.len; cut++) {
		struct ctx_store t;
		struct strbuf err;
		strbuf_init(&err);
		ctx_store_init(&t);
		assert_int_equal(ctx_store_parse(&t, bytes.buf, cut, &err), -1);
		assert_true(err.len > 0);
		ctx_store_release(&t);
		strbuf_release(&err);
	}
	for (size_t i = 0; i < bytes.len; i++) {
		struct ctx_store t;
		struct strbuf err;
		strbuf_init(&err);
		ctx_store_init(&t);
		bytes.buf[i] ^= 0x5a;
		(void)ctx_store_parse(&t, bytes.buf, bytes.len, &err);
		bytes.buf[i] ^= 0x5a;
		ctx_store_release(&t);
		strbuf_release(&err);
	}
	ctx_store_release(&s);
	strbuf_release(&bytes);
}

/* Runs of tests: added in any order, they stay ascending, disjoint and
 * never touching. */
static void test_runs(void **state)
{
	(void)state;
	struct ctx_entry e;
	memset(&e, 0, sizeof(e));
	const uint32_t add[] = {5, 6, 7, 1, 9, 3, 2, 8, 7, 0, 20};
	for (size_t i = 0; i < sizeof(add) / sizeof(add[0]); i++)
		ctx_entry_add(&e, add[i]);
	/* 0-3, 5-9, 20 */
	assert_int_equal(e.nr, 6);
	const uint32_t want[] = {0, 3, 5, 9, 20, 20};
	for (int i = 0; i < 6; i++)
		assert_int_equal(e.r[i], want[i]);
	assert_int_equal(ctx_entry_count(&e), 10);
	ctx_entry_add(&e, 4);     /* joins 0-3 and 5-9 */
	assert_int_equal(e.nr, 4);
	assert_int_equal(e.r[1], 9);
	free(e.r);
}

/* Appends the run lo..hi to e's runs as it is (as the collector fills
 * them). */
static void append_run(struct ctx_entry *e, uint32_t lo, uint32_t hi)
{
	if (e->nr + 2 > e->ar) {
		e->ar = e->ar ? 2 * e->ar : 4;
		e->r = realloc(e->r, e->ar * sizeof(*e->r));
		assert_non_null(e->r);
	}
	e->r[e->nr++] = lo;
	e->r[e->nr++] = hi;
}

/* Runs appended as they come (out of order, overlapping, touching), then
 * tidied: ascending, disjoint, never touching. */
static void test_tidy(void **state)
{
	(void)state;
	struct ctx_entry e;
	memset(&e, 0, sizeof(e));
	append_run(&e, 3, 5);
	append_run(&e, 8, 8);
	ctx_entry_tidy(&e);               /* in order: as is */
	assert_int_equal(e.nr, 4);
	append_run(&e, 9, 12);  /* touches 8 */
	ctx_entry_tidy(&e);
	const uint32_t want[] = {3, 5, 8, 12};
	assert_int_equal(e.nr, 4);
	for (int i = 0; i < 4; i++)
		assert_int_equal(e.r[i], want[i]);
	append_run(&e, 20, 20);
	append_run(&e, 0, 7);   /* over 3-5, touching 8-12 */
	append_run(&e, 0xfffffffeu, 0xffffffffu);
	append_run(&e, 19, 19);
	append_run(&e, 4, 4);
	ctx_entry_tidy(&e);
	const uint32_t want2[] = {0, 12, 19, 20, 0xfffffffeu, 0xffffffffu};
	assert_int_equal(e.nr, 6);
	for (int i = 0; i < 6; i++)
		assert_int_equal(e.r[i], want2[i]);
	assert_int_equal(ctx_entry_count(&e), 17);
	free(e.r);
}

/* ctx_prog_add_sources merges an ascending list into a program's sources
 * as ctx_prog_add_source one by one would: ascending, each once, the
 * lists' common files taken once, exactly the files added (a table of
 * those added says which). */
static void test_prog_sources(void **state)
{
	(void)state;
	struct ctx_prog merged, one;
	memset(&merged, 0, sizeof(merged));
	memset(&one, 0, sizeof(one));
	unsigned char added[120] = {0};
	srand(7);
	for (int round = 0; round < 200; round++) {
		uint32_t files[40];
		size_t n = 0;
		/* ascending, each once, some already there */
		for (uint32_t f = (uint32_t)(rand() % 5); f < 120 && n < 40;
		     f += 1 + (uint32_t)(rand() % 7))
			files[n++] = f;
		if (round % 50 == 0)
			n = 0;
		ctx_prog_add_sources(&merged, files, n);
		for (size_t i = 0; i < n; i++) {
			ctx_prog_add_source(&one, files[i]);
			added[files[i]] = 1;
		}
		size_t want = 0;
		for (uint32_t f = 0; f < 120; f++) {
			if (!added[f])
				continue;
			assert_true(want < merged.nsources);
			assert_int_equal(merged.sources[want++], f);
		}
		assert_int_equal(merged.nsources, want);
		assert_int_equal(merged.nsources, one.nsources);
		assert_memory_equal(merged.sources, one.sources,
				    one.nsources * sizeof(*one.sources));
	}
	assert_true(one.nsources > 60);
	for (size_t i = 1; i < merged.nsources; i++)
		assert_true(merged.sources[i - 1] < merged.sources[i]);
	free(merged.sources);
	free(one.sources);
}

/* A store of more than 1 MiB before deflate is deflated in two halves at
 * once (the second with the first's last 32 KiB as its dictionary), one
 * zlib stream: it reads back whole, and the halves cost no more than a
 * few bytes over one stream would. */
static void test_roundtrip_large(void **state)
{
	(void)state;
	struct ctx_store s, back;
	ctx_store_init(&s);
	uint32_t p = ctx_prog_index(&s, "bin/big");
	char id[32];
	for (uint32_t t = 0; t < 3000; t++) {
		snprintf(id, sizeof(id), "bin/big::t%u", t);
		ctx_test_index(&s, id, p);
	}
	uint32_t f = ctx_file_index(&s, "/src/big.c");
	for (uint32_t line = 1; line <= 150000; line++) {
		uint32_t tests[] = {line % 3000, line * 7 % 3000, line * 13 % 3000};
		add_entry(&s, f, line, line % 3, tests, 3);
	}
	ctx_store_normalize(&s);
	struct strbuf bytes, err;
	strbuf_init(&bytes);
	strbuf_init(&err);
	ctx_store_write(&s, &bytes);
	/* the inflated length recorded after the magic: past the split */
	size_t magic = strlen(CTX_MAGIC);
	uint64_t raw = 0;
	for (int i = 7; i >= 0; i--)
		raw = raw << 8 | (unsigned char)bytes.buf[magic + i];
	assert_true(raw >= 1u << 20);
	ctx_store_init(&back);
	if (ctx_store_parse(&back, bytes.buf, bytes.len, &err))
		fail_msg("parse: %s", err.buf);
	assert_int_equal(back.ntests, 3000);
	assert_int_equal(back.files[0].nentries, s.files[0].nentries);
	for (size_t i = 0; i < s.files[0].nentries; i++) {
		const struct ctx_entry *a = &s.files[0].entries[i], *b = &back.files[0].entries[i];
		assert_int_equal(a->line, b->line);
		assert_int_equal(a->branch, b->branch);
		assert_int_equal(a->nr, b->nr);
		assert_memory_equal(a->r, b->r, a->nr * sizeof(*a->r));
	}
	ctx_store_release(&s);
	ctx_store_release(&back);
	strbuf_release(&bytes);
	strbuf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_roundtrip_large),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_damaged),
		cmocka_unit_test(test_runs),
		cmocka_unit_test(test_tidy),
		cmocka_unit_test(test_prog_sources),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
