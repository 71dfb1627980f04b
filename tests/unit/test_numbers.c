/* The numbers of the reports, on hand-built struct cm_file values:
 * cm_pct_text (the one rounding rule: coverage.py's display_covered),
 * cm_missing_text (the Missing column: ranges of missed statements that
 * run on across non-statement lines, partial branches "src->dst" and
 * "src->exit", an arc hidden when its source or destination is missed,
 * equal arcs shown once, items in (line, text) order as coverage.py sorts
 * them), cm_file_numbers / cm_numbers_add / cm_numbers_cover. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "covmerge.h"

/* ------------------------------------------------------------ builders */

/* A line: its number and count. */
struct ln {
	unsigned line;
	int64_t count;
};

/* A branch arc: the line it leaves, times taken, destination (0 = exit). */
struct br {
	unsigned line;
	int64_t count;
	unsigned dst;
};

/* A function: name, first line, calls. */
struct fn {
	const char *name;
	unsigned line;
	int64_t count;
};

/* Builds a file from lines (sorted), branches (each attached to its line,
 * in the order given) and functions. */
static struct cm_file *mkfile(const struct ln *lines, size_t nl, const struct br *brs,
			      size_t nb, const struct fn *fns, size_t nf)
{
	struct cm_file *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	f->path = strdup("/src/x.c");
	f->nlines = nl;
	f->lines = calloc(nl ? nl : 1, sizeof(*f->lines));
	assert_non_null(f->lines);
	for (size_t i = 0; i < nl; i++) {
		f->lines[i].lineno = lines[i].line;
		f->lines[i].count = lines[i].count;
	}
	for (size_t b = 0; b < nb; b++) {
		struct cm_line *l = NULL;
		for (size_t i = 0; i < nl; i++)
			if (f->lines[i].lineno == brs[b].line)
				l = &f->lines[i];
		assert_non_null(l); /* a branch on a line the test did not list */
		l->branches = realloc(l->branches, (l->nbranches + 1) * sizeof(*l->branches));
		assert_non_null(l->branches);
		struct cm_branch *x = &l->branches[l->nbranches++];
		memset(x, 0, sizeof(*x));
		x->count = brs[b].count;
		x->src_executed = l->count > 0;
		x->dst_line = brs[b].dst;
	}
	f->nfunctions = nf;
	f->functions = calloc(nf ? nf : 1, sizeof(*f->functions));
	assert_non_null(f->functions);
	for (size_t i = 0; i < nf; i++) {
		f->functions[i].name = strdup(fns[i].name);
		f->functions[i].start_line = fns[i].line;
		f->functions[i].end_line = fns[i].line;
		f->functions[i].count = fns[i].count;
	}
	return f;
}

static void freefile(struct cm_file *f)
{
	for (size_t i = 0; i < f->nlines; i++)
		free(f->lines[i].branches);
	for (size_t i = 0; i < f->nfunctions; i++)
		free(f->functions[i].name);
	free(f->lines);
	free(f->functions);
	free(f->path);
	free(f);
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------ cm_pct_text */

static void expect_pct(double pct, int precision, const char *want)
{
	char buf[64];
	memset(buf, 'z', sizeof(buf));
	double shown = cm_pct_text(pct, precision, buf, sizeof(buf));
	if (strcmp(buf, want))
		fail_msg("cm_pct_text(%.17g, %d) = \"%s\", want \"%s\"", pct, precision, buf, want);
	/* the value returned is the value shown */
	if (shown != strtod(want, NULL))
		fail_msg("cm_pct_text(%.17g, %d) returned %.17g, but shows %s", pct, precision,
			 shown, want);
}

static void test_pct_text(void **state)
{
	(void)state;
	expect_pct(0.001, 0, "1");      /* above 0 never shows as 0 */
	expect_pct(0.5, 0, "1");
	expect_pct(99.9, 0, "99");      /* below 100 never shows as 100 */
	expect_pct(99.5, 0, "99");
	expect_pct(100, 0, "100");
	expect_pct(0, 0, "0");
	expect_pct(0, 2, "0.00");
	expect_pct(100, 2, "100.00");
	expect_pct(100.0 * 11 / 13, 2, "84.62");  /* 84.615384... */
	expect_pct(100.0 * 11 / 13, 0, "85");
	expect_pct(100.0 * 39 / 41, 2, "95.12");
	expect_pct(100.0 * 19999 / 20000, 2, "99.99"); /* 99.995: never 100.00 */
	expect_pct(100.0 * 199999 / 200000, 2, "99.99");
	expect_pct(100.0 * 89996 / 100000, 2, "90.00"); /* 89.996 rounds up */
	expect_pct(100.0 * 89994 / 100000, 2, "89.99");
	expect_pct(0.004, 2, "0.01");
	expect_pct(0.006, 2, "0.01");
	expect_pct(100.0 * 2 / 3, 1, "66.7");
	expect_pct(100.0 * 1 / 3, 0, "33");
	/* exact binary halves round to even, as Python's round() does */
	expect_pct(78.125, 2, "78.12");
	expect_pct(50.5, 0, "50");
	expect_pct(100.0 * 50 / 64, 2, "78.12");
}

/* ------------------------------------------------------- cm_missing_text */

static void expect_missing(const struct cm_file *f, int branch, const char *want)
{
	char *got = cm_missing_text(f, branch);
	assert_non_null(got);
	if (strcmp(got, want))
		fail_msg("cm_missing_text(branch=%d) = \"%s\", want \"%s\"", branch, got, want);
	free(got);
}

static void test_missing_ranges(void **state)
{
	(void)state;
	/* missed 17, 18 and 20; 19 is not a statement: one range */
	static const struct ln a[] = {{13, 1}, {15, 1}, {16, 1}, {17, 0}, {18, 0}, {20, 0}, {22, 1}};
	struct cm_file *f = mkfile(a, N(a), NULL, 0, NULL, 0);
	expect_missing(f, 0, "17-20");
	expect_missing(f, 1, "17-20");
	freefile(f);

	/* runs broken only by executed statements */
	static const struct ln b[] = {{1, 1}, {2, 0}, {3, 0}, {5, 0}, {6, 1}, {8, 0},
				      {9, 0}, {11, 3}, {14, 0}};
	f = mkfile(b, N(b), NULL, 0, NULL, 0);
	expect_missing(f, 0, "2-5, 8-9, 14");
	freefile(f);

	/* all missed: one range from the first to the last statement */
	static const struct ln c[] = {{9, 0}, {11, 0}, {12, 0}, {13, 0}};
	f = mkfile(c, N(c), NULL, 0, NULL, 0);
	expect_missing(f, 0, "9-13");
	freefile(f);

	/* nothing missed, and an empty file */
	static const struct ln d[] = {{1, 1}, {2, 7}};
	f = mkfile(d, N(d), NULL, 0, NULL, 0);
	expect_missing(f, 0, "");
	expect_missing(f, 1, "");
	freefile(f);
	f = mkfile(NULL, 0, NULL, 0, NULL, 0);
	expect_missing(f, 0, "");
	expect_missing(f, 1, "");
	freefile(f);

	/* single lines, first and last */
	static const struct ln e[] = {{1, 0}, {2, 1}, {40, 0}};
	f = mkfile(e, N(e), NULL, 0, NULL, 0);
	expect_missing(f, 0, "1, 40");
	freefile(f);
}

static void test_missing_arcs(void **state)
{
	(void)state;
	/* an untaken arc to a line that ran, and one to the function exit */
	static const struct ln a[] = {{4, 1}, {5, 1}, {6, 1}, {7, 1}};
	static const struct br ab[] = {{4, 1, 5}, {4, 0, 7}, {6, 1, 7}, {6, 0, 0}};
	struct cm_file *f = mkfile(a, N(a), ab, N(ab), NULL, 0);
	expect_missing(f, 1, "4->7, 6->exit");
	expect_missing(f, 0, ""); /* without --branch, no arcs */
	freefile(f);

	/* "5->exit" */
	static const struct ln b[] = {{5, 3}, {6, 3}};
	static const struct br bb[] = {{5, 3, 6}, {5, 0, 0}};
	f = mkfile(b, N(b), bb, N(bb), NULL, 0);
	expect_missing(f, 1, "5->exit");
	freefile(f);

	/* hidden when the destination is missed: only the line shows */
	static const struct ln c[] = {{5, 1}, {6, 0}, {7, 1}};
	static const struct br cb[] = {{5, 0, 6}, {5, 1, 7}};
	f = mkfile(c, N(c), cb, N(cb), NULL, 0);
	expect_missing(f, 1, "6");
	freefile(f);

	/* hidden when the source is missed */
	static const struct ln d[] = {{5, 0}, {6, 1}, {8, 1}};
	static const struct br db[] = {{5, 0, 6}, {5, 0, 0}};
	f = mkfile(d, N(d), db, N(db), NULL, 0);
	expect_missing(f, 1, "5");
	freefile(f);

	/* equal arcs (a && b, both false arcs to one line) show once */
	static const struct ln e[] = {{3, 1}, {4, 1}, {5, 1}};
	static const struct br eb[] = {{3, 1, 3}, {3, 0, 5}, {3, 1, 4}, {3, 0, 5}};
	f = mkfile(e, N(e), eb, N(eb), NULL, 0);
	expect_missing(f, 1, "3->5");
	freefile(f);
	/* ... and two exits too */
	static const struct ln e2[] = {{3, 1}};
	static const struct br eb2[] = {{3, 0, 0}, {3, 0, 0}, {3, 1, 0}};
	f = mkfile(e2, N(e2), eb2, N(eb2), NULL, 0);
	expect_missing(f, 1, "3->exit");
	freefile(f);

	/* a destination that is not a statement is not missed: shown */
	static const struct ln g[] = {{5, 1}, {31, 1}};
	static const struct br gb[] = {{5, 0, 30}, {5, 2, 31}};
	f = mkfile(g, N(g), gb, N(gb), NULL, 0);
	expect_missing(f, 1, "5->30");
	freefile(f);

	/* taken arcs never show */
	static const struct ln h[] = {{5, 4}, {6, 2}, {7, 2}};
	static const struct br hb[] = {{5, 2, 6}, {5, 2, 7}};
	f = mkfile(h, N(h), hb, N(hb), NULL, 0);
	expect_missing(f, 1, "");
	freefile(f);
}

static void test_missing_order(void **state)
{
	(void)state;
	/* ranges and arcs in line order; on one line, in text order
	 * (coverage.py sorts (line, text) pairs: "4->10" before "4->9",
	 * digits before "exit") */
	static const struct ln a[] = {{2, 0}, {3, 1}, {4, 1}, {9, 1}, {10, 1}, {12, 0},
				      {13, 0}, {15, 1}, {16, 1}};
	static const struct br ab[] = {{3, 0, 0}, {3, 1, 4},
				       {4, 0, 10}, {4, 0, 0}, {4, 0, 9}, {4, 1, 16},
				       {15, 0, 16}, {15, 1, 0}};
	struct cm_file *f = mkfile(a, N(a), ab, N(ab), NULL, 0);
	expect_missing(f, 1, "2, 3->exit, 4->10, 4->9, 4->exit, 12-13, 15->16");
	expect_missing(f, 0, "2, 12-13");
	freefile(f);

	/* a range across non-statements 21-22, then an arc from 25 */
	static const struct ln b[] = {{20, 0}, {23, 0}, {25, 1}, {26, 1}};
	static const struct br bb[] = {{25, 0, 0}, {25, 1, 26}};
	f = mkfile(b, N(b), bb, N(bb), NULL, 0);
	expect_missing(f, 1, "20-23, 25->exit");
	freefile(f);
}

/* ------------------------------------------------------------ numbers */

static void expect_cover(const struct cm_numbers *n, int branch, double want)
{
	double got = cm_numbers_cover(n, branch);
	if (fabs(got - want) > 1e-9)
		fail_msg("cm_numbers_cover(branch=%d) = %.17g, want %.17g", branch, got, want);
}

static void test_numbers(void **state)
{
	(void)state;
	/* line 1 ran: one arc taken, one not (partial); line 2 missed with
	 * two untaken arcs (missing branches, not partial); line 3 ran */
	static const struct ln a[] = {{1, 1}, {2, 0}, {3, 5}};
	static const struct br ab[] = {{1, 1, 3}, {1, 0, 2}, {2, 0, 3}, {2, 0, 0}};
	static const struct fn af[] = {{"f", 1, 1}, {"g", 2, 0}, {"h", 3, 7}};
	struct cm_file *f = mkfile(a, N(a), ab, N(ab), af, N(af));
	struct cm_numbers n;
	memset(&n, 0x5a, sizeof(n));
	cm_file_numbers(f, &n);
	assert_int_equal(n.stmts, 3);
	assert_int_equal(n.miss, 1);
	assert_int_equal(n.branches, 4);
	assert_int_equal(n.branches_miss, 3);
	assert_int_equal(n.partial, 1);
	assert_int_equal(n.functions, 3);
	assert_int_equal(n.functions_hit, 2);
	expect_cover(&n, 0, 100.0 * 2 / 3);
	expect_cover(&n, 1, 100.0 * (2 + 1) / (3 + 4));

	/* coverage.py's example (ANCHORS b1): 9 statements, 1 missed, 4 arcs,
	 * 1 untaken from a line that ran: (8 + 3) / (9 + 4) = 84.62% */
	static const struct ln b[] = {{1, 1}, {2, 1}, {3, 1}, {4, 1}, {5, 1},
				      {6, 1}, {7, 1}, {8, 1}, {10, 0}};
	static const struct br bb[] = {{3, 1, 4}, {3, 0, 5}, {6, 1, 7}, {6, 1, 8}};
	struct cm_file *g = mkfile(b, N(b), bb, N(bb), NULL, 0);
	struct cm_numbers m;
	cm_file_numbers(g, &m);
	assert_int_equal(m.stmts, 9);
	assert_int_equal(m.miss, 1);
	assert_int_equal(m.branches, 4);
	assert_int_equal(m.branches_miss, 1);
	assert_int_equal(m.partial, 1);
	assert_int_equal(m.functions, 0);
	expect_cover(&m, 1, 100.0 * 11 / 13);
	expect_cover(&m, 0, 100.0 * 8 / 9);
	char buf[32];
	cm_pct_text(cm_numbers_cover(&m, 1), 2, buf, sizeof(buf));
	assert_string_equal(buf, "84.62");
	cm_pct_text(cm_numbers_cover(&m, 1), 0, buf, sizeof(buf));
	assert_string_equal(buf, "85");

	/* cm_numbers_add sums every field */
	cm_numbers_add(&n, &m);
	assert_int_equal(n.stmts, 12);
	assert_int_equal(n.miss, 2);
	assert_int_equal(n.branches, 8);
	assert_int_equal(n.branches_miss, 4);
	assert_int_equal(n.partial, 2);
	assert_int_equal(n.functions, 3);
	assert_int_equal(n.functions_hit, 2);
	expect_cover(&n, 0, 100.0 * 10 / 12);
	expect_cover(&n, 1, 100.0 * (10 + 4) / (12 + 8));

	freefile(f);
	freefile(g);
}

static void test_numbers_empty(void **state)
{
	(void)state;
	/* an empty file counts as 100%, with and without branches */
	struct cm_file *f = mkfile(NULL, 0, NULL, 0, NULL, 0);
	struct cm_numbers n;
	memset(&n, 0x5a, sizeof(n));
	cm_file_numbers(f, &n);
	assert_int_equal(n.stmts, 0);
	assert_int_equal(n.miss, 0);
	assert_int_equal(n.branches, 0);
	assert_int_equal(n.branches_miss, 0);
	assert_int_equal(n.partial, 0);
	assert_int_equal(n.functions, 0);
	assert_int_equal(n.functions_hit, 0);
	expect_cover(&n, 0, 100);
	expect_cover(&n, 1, 100);
	freefile(f);

	/* statements but no branches: --branch changes nothing */
	static const struct ln a[] = {{1, 1}, {2, 0}, {3, 0}, {4, 2}};
	f = mkfile(a, N(a), NULL, 0, NULL, 0);
	cm_file_numbers(f, &n);
	expect_cover(&n, 0, 50);
	expect_cover(&n, 1, 50);
	freefile(f);

	/* everything missed: 0, shown as 0 */
	static const struct ln b[] = {{1, 0}, {2, 0}};
	static const struct br bb[] = {{1, 0, 2}, {1, 0, 0}};
	f = mkfile(b, N(b), bb, N(bb), NULL, 0);
	cm_file_numbers(f, &n);
	assert_int_equal(n.partial, 0); /* arcs of missed lines are not partial */
	assert_int_equal(n.branches_miss, 2);
	expect_cover(&n, 1, 0);
	char buf[16];
	cm_pct_text(cm_numbers_cover(&n, 1), 0, buf, sizeof(buf));
	assert_string_equal(buf, "0");
	freefile(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pct_text),
		cmocka_unit_test(test_missing_ranges),
		cmocka_unit_test(test_missing_arcs),
		cmocka_unit_test(test_missing_order),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_numbers_empty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
