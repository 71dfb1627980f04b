/* The unified diff reader: the added lines of each new file, numbered in
 * the new file, from git's and diff -u's output; deleted files, pure
 * renames and binary files give nothing; a damaged diff is an error that
 * names the line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "strbuf.h"
#include "udiff.h"

static int parse(const char *text, struct udiff *d, struct strbuf *err)
{
	memset(d, 0, sizeof(*d));
	strbuf_init(err);
	/* an exact-size copy, so that a read past the end is seen */
	size_t len = strlen(text);
	char *copy = malloc(len ? len : 1);
	memcpy(copy, text, len);
	int rc = udiff_parse(copy, len, d, err);
	free(copy);
	return rc;
}

static void assert_lines(const struct udiff_file *f, const char *path,
			 const unsigned *lines, size_t n)
{
	assert_string_equal(f->path, path);
	assert_int_equal(f->nlines, n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(f->lines[i], lines[i]);
}

static void test_git_diff(void **state)
{
	(void)state;
	static const char text[] =
		"diff --git a/calc.c b/calc.c\n"
		"index 1111111..2222222 100644\n"
		"--- a/calc.c\n"
		"+++ b/calc.c\n"
		"@@ -4,0 +5,3 @@ int add(int a, int b)\n"
		"+\n"
		"+int sub(int a, int b)\n"
		"+{\n"
		"@@ -10 +13 @@ int main(void)\n"
		"-\treturn 1;\n"
		"+\treturn 0;\n"
		"diff --git a/old.c b/old.c\n"
		"deleted file mode 100644\n"
		"--- a/old.c\n"
		"+++ /dev/null\n"
		"@@ -1,2 +0,0 @@\n"
		"-int old;\n"
		"-int older;\n"
		"diff --git a/util.c b/helpers.c\n"
		"similarity index 90%\n"
		"rename from util.c\n"
		"rename to helpers.c\n"
		"--- a/util.c\n"
		"+++ b/helpers.c\n"
		"@@ -3 +3 @@\n"
		"-\tint t = v * 3;\n"
		"+\tint t = v + v + v;\n"
		"diff --git a/same.c b/moved.c\n"
		"similarity index 100%\n"
		"rename from same.c\n"
		"rename to moved.c\n"
		"diff --git a/new.c b/new.c\n"
		"new file mode 100644\n"
		"--- /dev/null\n"
		"+++ b/new.c\n"
		"@@ -0,0 +1,2 @@\n"
		"+int n;\n"
		"+int m;\n"
		"\\ No newline at end of file\n"
		"Binary files a/logo.png and b/logo.png differ\n";
	struct udiff d;
	struct strbuf err;
	assert_int_equal(parse(text, &d, &err), 0);
	assert_int_equal(d.nfiles, 3);
	assert_lines(&d.files[0], "calc.c", (const unsigned[]){5, 6, 7, 13}, 4);
	assert_lines(&d.files[1], "helpers.c", (const unsigned[]){3}, 1);
	assert_lines(&d.files[2], "new.c", (const unsigned[]){1, 2}, 2);
	udiff_release(&d);
	strbuf_release(&err);
}

/* diff -u: context lines, time stamps after a tab, no a/ b/ prefixes;
 * a blank context line stripped of its space; CRLF line ends */
static void test_plain_diff_u(void **state)
{
	(void)state;
	static const char text[] =
		"--- src/x.c\t2026-01-01 10:00:00.000000000 +0000\r\n"
		"+++ src/x.c\t2026-01-02 10:00:00.000000000 +0000\r\n"
		"@@ -1,4 +1,5 @@\r\n"
		" int a;\r\n"
		"\r\n"
		"-int b;\r\n"
		"+int b2;\r\n"
		"+int c;\r\n"
		" int d;\r\n";
	struct udiff d;
	struct strbuf err;
	assert_int_equal(parse(text, &d, &err), 0);
	assert_int_equal(d.nfiles, 1);
	assert_lines(&d.files[0], "src/x.c", (const unsigned[]){3, 4}, 2);
	udiff_release(&d);
	strbuf_release(&err);
}

/* git's quoted names; b/ is kept when the old side has no a/ */
static void test_quoted_names(void **state)
{
	(void)state;
	static const char text[] =
		"--- \"a/t\\303\\244b\\tx.c\"\n"
		"+++ \"b/t\\303\\244b\\tx.c\"\n"
		"@@ -0,0 +1 @@\n"
		"+x\n"
		"--- x/b.c\n"
		"+++ b/b.c\n"
		"@@ -1 +1 @@\n"
		"-a\n"
		"+b\n";
	struct udiff d;
	struct strbuf err;
	assert_int_equal(parse(text, &d, &err), 0);
	assert_int_equal(d.nfiles, 2);
	assert_lines(&d.files[0], "t\xc3\xa4" "b\tx.c", (const unsigned[]){1}, 1);
	assert_lines(&d.files[1], "b/b.c", (const unsigned[]){1}, 1);
	udiff_release(&d);
	strbuf_release(&err);
}

/* the same file twice: its lines merged, sorted, each once */
static void test_repeated_file(void **state)
{
	(void)state;
	static const char text[] =
		"--- a/f.c\n+++ b/f.c\n@@ -9,0 +10,2 @@\n+a\n+b\n"
		"--- a/f.c\n+++ b/f.c\n@@ -1,0 +2 @@\n+c\n@@ -9,0 +11 @@\n+b\n";
	struct udiff d;
	struct strbuf err;
	assert_int_equal(parse(text, &d, &err), 0);
	assert_int_equal(d.nfiles, 1);
	assert_lines(&d.files[0], "f.c", (const unsigned[]){2, 10, 11}, 3);
	udiff_release(&d);
	strbuf_release(&err);
}

static void assert_error(const char *text, const char *msg)
{
	struct udiff d;
	struct strbuf err;
	assert_int_equal(parse(text, &d, &err), -1);
	assert_string_equal(err.buf, msg);
	assert_int_equal(d.nfiles, 0);
	assert_null(d.files);
	strbuf_release(&err);
}

static void test_errors(void **state)
{
	(void)state;
	assert_error("@@ -1 +1 @@\n-a\n+b\n",
		     "line 1: a hunk before the \"+++\" line of its file");
	assert_error("--- a/f\n+++ b/f\n@@ -1 +x @@\n",
		     "line 3: bad hunk header (expected \"@@ -A,B +C,D @@\")");
	assert_error("--- a/f\n+++ b/f\n@@ -1 +0,2 @@\n+a\n+b\n",
		     "line 3: bad hunk header (expected \"@@ -A,B +C,D @@\")");
	assert_error("--- a/f\n+++ b/f\n@@ -1 +4294967295,2 @@\n+a\n+b\n",
		     "line 3: bad hunk header (expected \"@@ -A,B +C,D @@\")");
	assert_error("--- a/f\n+++ b/f\n@@ -1 +99999999999 @@\n+a\n",
		     "line 3: bad hunk header (expected \"@@ -A,B +C,D @@\")");
	assert_error("--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n",
		     "line 5: the diff ends inside a hunk");
	assert_error("--- a/f\n+++ b/f\n@@ -1 +1,2 @@\n-a\n-b\n",
		     "line 5: more old lines than the hunk header says");
	assert_error("--- a/f\n+++ b/f\n@@ -1,2 +1 @@\n+a\n+b\n",
		     "line 5: more new lines than the hunk header says");
	assert_error("--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\nxyz\n",
		     "line 5: the hunk ends before its header's line counts");
	assert_error("--- \"a/f\n", "line 1: bad quoted file name");
	assert_error("--- \"a/\\q\"\n", "line 1: bad quoted file name");
	assert_error("--- a/f\n+++ \"\"\n", "line 2: empty file name");
	assert_error("--- a/f\n+++ \"\\000\"\n", "line 2: empty file name");
	struct udiff d = {0};
	struct strbuf err;
	strbuf_init(&err);
	assert_int_equal(udiff_parse("--- a\0", 6, &d, &err), -1);
	assert_string_equal(err.buf, "a NUL byte: not a text diff");
	strbuf_release(&err);
}

/* no hunks at all: an empty change */
static void test_empty(void **state)
{
	(void)state;
	struct udiff d;
	struct strbuf err;
	assert_int_equal(parse("", &d, &err), 0);
	assert_int_equal(d.nfiles, 0);
	udiff_release(&d);
	strbuf_release(&err);
	assert_int_equal(parse("commit 123\n\n    message\n", &d, &err), 0);
	assert_int_equal(d.nfiles, 0);
	udiff_release(&d);
	strbuf_release(&err);
}

/* The old side (runner --affected-by): changed and deleted old lines,
 * and the old lines around an insertion; a deleted file keeps its old
 * lines, a new file has none. */
static void test_old_side(void **state)
{
	(void)state;
	struct udiff d;
	struct strbuf err;
	const char *text =
		"diff --git a/src/x.c b/src/x.c\n"
		"--- a/src/x.c\n"
		"+++ b/src/x.c\n"
		"@@ -3,2 +3,1 @@\n"
		"-old three\n"
		"-old four\n"
		"+new three\n"
		"@@ -10,0 +9,2 @@\n"
		"+inserted\n"
		"+inserted\n"
		"@@ -20,3 +21,4 @@\n"
		" ctx 20\n"
		"+ins after 20\n"
		" ctx 21\n"
		" ctx 22\n"
		"--- a/gone.h\n"
		"+++ /dev/null\n"
		"@@ -1,2 +0,0 @@\n"
		"-a\n"
		"-b\n"
		"--- /dev/null\n"
		"+++ b/new.c\n"
		"@@ -0,0 +1 @@\n"
		"+x\n";
	assert_int_equal(parse(text, &d, &err), 0);
	assert_int_equal(d.nold, 2);
	const unsigned x[] = {3, 4, 10, 11, 20, 21};
	assert_lines(&d.old[0], "src/x.c", x, 6);
	const unsigned gone[] = {1, 2};
	assert_lines(&d.old[1], "gone.h", gone, 2);
	udiff_release(&d);
	strbuf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_git_diff),
		cmocka_unit_test(test_plain_diff_u),
		cmocka_unit_test(test_quoted_names),
		cmocka_unit_test(test_repeated_file),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_old_side),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
