/* lines_compute on a line whose blocks form a dense cycle structure: K
 * blocks all on line 1, every block with an arc to every other block and
 * to the exit, every arc counted 1000 times.
 *
 * The loop count of such a line comes from enumerating its circuits while
 * subtracting their flow. gcov 12 stops extending a path once an arc on it
 * has no flow left, which keeps this quick; without that, the search is
 * exponential in K (K = 13 already takes seconds, K = 20 years), so a
 * small crafted or damaged .gcno (about 4 KB here) could hang covmerge.
 *
 * The expected counts are gcov 12.2's own (gcov --json-format on the same
 * files): 191000 for K = 20 and 436000 for K = 30. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "gcno.h"
#include "lines.h"
#include "strbuf.h"
#include "unit_util.h"

static void build_dense(struct bb *n, uint32_t k, uint32_t *ncounters)
{
	uint32_t nb = k + 2;
	bb_u32(n, GCOV_NOTE_MAGIC);
	bb_u32(n, gcov_version_word(12, 2));
	bb_u32(n, 0x1234);
	bb_u32(n, 0);
	bb_str(n, "/dense");
	bb_u32(n, 0);
	size_t r = bb_rec_begin(n, GCOV_TAG_FUNCTION);
	bb_u32(n, 1);
	bb_u32(n, 2);
	bb_u32(n, 3);
	bb_str(n, "f");
	bb_u32(n, 0);
	bb_str(n, "dense.c");
	bb_u32(n, 1);
	bb_u32(n, 1);
	bb_u32(n, 1);
	bb_u32(n, 10);
	bb_rec_end(n, r);
	r = bb_rec_begin(n, GCOV_TAG_BLOCKS);
	bb_u32(n, nb);
	bb_rec_end(n, r);
	r = bb_rec_begin(n, GCOV_TAG_ARCS);
	bb_u32(n, 0);
	bb_u32(n, 2);
	bb_u32(n, ARC_ON_TREE);
	bb_rec_end(n, r);
	*ncounters = 0;
	for (uint32_t s = 2; s < nb; s++) {
		r = bb_rec_begin(n, GCOV_TAG_ARCS);
		bb_u32(n, s);
		for (uint32_t t = 2; t < nb; t++) {
			if (t == s)
				continue;
			bb_u32(n, t);
			bb_u32(n, 0);
			++*ncounters;
		}
		bb_u32(n, 1);
		bb_u32(n, 0);
		++*ncounters;
		bb_rec_end(n, r);
	}
	for (uint32_t s = 2; s < nb; s++) {
		r = bb_rec_begin(n, GCOV_TAG_LINES);
		bb_u32(n, s);
		bb_u32(n, 0);
		bb_str(n, "dense.c");
		bb_u32(n, 1);
		bb_u32(n, 0);
		bb_str(n, NULL);
		bb_rec_end(n, r);
	}
}

static void run_dense(uint32_t k, int64_t want)
{
	struct bb n = {0};
	uint32_t nc;
	build_dense(&n, k, &nc);
	struct gcno g;
	memset(&g, 0, sizeof(g));
	struct strbuf err;
	strbuf_init(&err);
	if (gcno_parse(&g, n.p, n.len, &err))
		fail_msg("gcno_parse: %s", err.buf);
	assert_int_equal(g.funcs[0].ncounters, nc);
	int64_t *c = malloc(nc * sizeof(*c));
	for (uint32_t i = 0; i < nc; i++)
		c[i] = 1000;
	int64_t *counters[1] = {c};
	struct obj_cov cov;
	memset(&cov, 0, sizeof(cov));
	lines_compute(&g, counters, &cov);
	assert_int_equal(cov.negative, 0);
	assert_int_equal(cov.unsolved, 0);
	assert_int_equal(cov.nfiles, 1);
	assert_int_equal(cov.files[0].nlines, 1);
	assert_int_equal(cov.files[0].lines[0].lineno, 1);
	if (cov.files[0].lines[0].count != want)
		fail_msg("K=%u: line count %lld, gcov says %lld", k,
			 (long long)cov.files[0].lines[0].count, (long long)want);
	obj_cov_release(&cov);
	free(c);
	gcno_release(&g);
	strbuf_release(&err);
	bb_free(&n);
}

static void test_dense_20(void **state)
{
	(void)state;
	run_dense(20, 191000);
}

static void test_dense_30(void **state)
{
	(void)state;
	run_dense(30, 436000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dense_20),
		cmocka_unit_test(test_dense_30),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
