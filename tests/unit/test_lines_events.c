/* lines_collect_events: the events of an object come out sorted by
 * (file, line, function, seq), both through the counting sort used for
 * ordinary line numbers and through the qsort kept for line numbers far
 * above the number of events (a damaged notes file). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "gcno.h"
#include "lines_events.h"

/* Function f0: block 2 on b.c 7 and 3, block 3 on a.c 5; f1: block 2 on
 * a.c 5 and 2, then b.c 3; big replaces f1's a.c 2. */
static void check(uint32_t big)
{
	uint32_t l0[] = {7, 3}, l1[] = {5}, l2[] = {5, big}, l3[] = {3};
	struct gcno_loc f0b2[] = {{1, 2, l0}}, f0b3[] = {{0, 1, l1}};
	struct gcno_loc f1b2[] = {{0, 2, l2}, {1, 1, l3}};
	struct gcno_block b0[] = {{0, NULL}, {0, NULL}, {1, f0b2}, {1, f0b3},
				  {0, NULL}};
	struct gcno_block b1[] = {{0, NULL}, {0, NULL}, {2, f1b2}, {0, NULL}};
	struct gcno_func fn[2];
	memset(fn, 0, sizeof(fn));
	fn[0].nblocks = 5;
	fn[0].blocks = b0;
	fn[0].start_line = 1;
	fn[1].nblocks = 4;
	fn[1].blocks = b1;
	fn[1].start_line = 2;
	struct gcno g;
	memset(&g, 0, sizeof(g));
	const char *files[] = {"a.c", "b.c"};
	g.nfiles = 2;
	g.files = files;
	g.nfuncs = 2;
	g.funcs = fn;
	uint8_t group[2] = {0, 0};
	struct events e = {0};
	lines_collect_events(&g, group, &e);
	/* f0: b.c 7, b.c 3 and its block event, a.c 5 and its block event;
	 * f1: a.c 5, a.c big and its block event, b.c 3 and its block event
	 * (a block's event follows each of its locations) */
	assert_int_equal(e.n, 10);
	for (size_t i = 1; i < e.n; i++) {
		const struct event *x = &e.v[i - 1], *y = &e.v[i];
		int in_order = x->file != y->file ? x->file < y->file
			: x->line != y->line ? x->line < y->line
			: x->func != y->func ? x->func < y->func
			: x->seq < y->seq;
		if (!in_order)
			fail_msg("event %zu (%u:%u f%u #%u) after (%u:%u f%u #%u)", i,
				 y->file, y->line, y->func, y->seq, x->file, x->line,
				 x->func, x->seq);
	}
	/* a.c 5: f0's line and block events, then f1's line event */
	size_t k = big < 5 ? 2 : 0;
	assert_int_equal(e.v[k].line, 5);
	assert_int_equal(e.v[k].func, 0);
	assert_int_equal(e.v[k].kind, EV_LINE);
	assert_int_equal(e.v[k + 1].kind, EV_BLOCK);
	assert_int_equal(e.v[k + 2].func, 1);
	free(e.v);
}

static void test_counting(void **state)
{
	(void)state;
	check(2);
}

static void test_huge_lines(void **state)
{
	(void)state;
	check(4000000000u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counting),
		cmocka_unit_test(test_huge_lines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
