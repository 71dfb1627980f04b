/* The order of the rows in the tables: natural name order by default
 * ("f2" before "f10"), or by a column with ties broken by name, reversed
 * with a leading '-'. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "covmerge.h"
#include "report_util.h"

/* A file with `stmts` lines of which `miss` were never run, and `br`
 * branches on its first line of which one was taken. */
static void make_file(struct cm_file *f, const char *path, unsigned stmts,
		      unsigned miss, unsigned br)
{
	memset(f, 0, sizeof(*f));
	f->path = strdup(path);
	f->nlines = stmts;
	f->lines = calloc(stmts, sizeof(*f->lines));
	for (unsigned i = 0; i < stmts; i++) {
		f->lines[i].lineno = i + 1;
		f->lines[i].count = i < miss ? 0 : 1;
	}
	if (br && stmts > miss) {
		struct cm_line *l = &f->lines[stmts - 1];
		l->nbranches = br;
		l->branches = calloc(br, sizeof(*l->branches));
		l->branches[0].count = 1;
		l->branches[0].src_executed = 1;
	}
}

static struct cm_report *make_report(void)
{
	struct cm_report *r = calloc(1, sizeof(*r));
	r->nfiles = 4;
	r->files = calloc(4, sizeof(*r->files));
	make_file(&r->files[0], "/p/src/f10.c", 10, 5, 4);  /* 50% lines */
	make_file(&r->files[1], "/p/src/f2.c", 4, 0, 0);    /* 100% */
	make_file(&r->files[2], "/p/src/F3.c", 8, 2, 2);    /* 75% */
	make_file(&r->files[3], "/p/src/f002b.c", 5, 5, 0); /* 0% */
	return r;
}

static void expect_order(enum cm_sort key, int reverse, const char *want)
{
	struct cm_report *r = make_report();
	struct cm_format fmt = {0};
	fmt.root = "/p";
	fmt.sort = key;
	fmt.sort_reverse = reverse;
	struct rows rows;
	rows_build(&rows, r, &fmt);
	char got[256] = "";
	for (size_t i = 0; i < rows.n; i++) {
		strcat(got, rows.v[i].name);
		strcat(got, i + 1 < rows.n ? " " : "");
	}
	rows_release(&rows);
	cm_report_free(r);
	assert_string_equal(got, want);
}

static void test_natural_name_order(void **state)
{
	(void)state;
	/* digits by value (leading zeros aside), other bytes as they are */
	expect_order(CM_SORT_NAME, 0, "src/F3.c src/f2.c src/f002b.c src/f10.c");
	expect_order(CM_SORT_NAME, 1, "src/f10.c src/f002b.c src/f2.c src/F3.c");
}

static void test_numeric_keys(void **state)
{
	(void)state;
	expect_order(CM_SORT_COVER, 0, "src/f002b.c src/f10.c src/F3.c src/f2.c");
	expect_order(CM_SORT_COVER, 1, "src/f2.c src/F3.c src/f10.c src/f002b.c");
	expect_order(CM_SORT_STMTS, 0, "src/f2.c src/f002b.c src/F3.c src/f10.c");
	expect_order(CM_SORT_MISS, 0, "src/f2.c src/F3.c src/f002b.c src/f10.c");
	/* ties (no branches) broken by name */
	expect_order(CM_SORT_BRANCH, 0, "src/f2.c src/f002b.c src/F3.c src/f10.c");
	expect_order(CM_SORT_BRPART, 0, "src/f2.c src/f002b.c src/F3.c src/f10.c");
}

static void test_names_outside_root(void **state)
{
	(void)state;
	assert_string_equal(cm_display_name("/p/src/a.c", "/p"), "src/a.c");
	assert_string_equal(cm_display_name("/px/a.c", "/p"), "/px/a.c");
	assert_string_equal(cm_display_name("/p/a.c", "/"), "p/a.c");
	assert_string_equal(cm_display_name("/p/a.c", NULL), "/p/a.c");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_natural_name_order),
		cmocka_unit_test(test_numeric_keys),
		cmocka_unit_test(test_names_outside_root),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
