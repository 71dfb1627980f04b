/* Atomic output directories (common/outdir.c): the target holds one
 * whole report, old or new, at every moment; what may not be replaced is
 * refused before anything is written; nothing temporary stays; the
 * fallback for file systems without RENAME_EXCHANGE does the same. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "alloc.h"
#include "outdir.h"
#include "outfile.h"
#include "path.h"
#include "strbuf.h"

#define MARK "<meta name=\"generator\" content=\"covmerge"

static char *tmpdir(const char *name)
{
	const char *base = getenv("CM_TEST_TMP");
	char *dir = NULL;
	if (asprintf(&dir, "%s/%s.%d", base ? base : "/tmp", name, (int)getpid()) < 0)
		return NULL;
	path_remove_tree(dir);
	path_mkdirs(dir);
	return dir;
}

static char *join(const char *a, const char *b)
{
	return path_join(a, b);
}

static void put(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static char *get(const char *path)
{
	static char buf[4096];
	FILE *fp = fopen(path, "r");
	if (!fp)
		return NULL;
	size_t n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	return buf;
}

/* The names in dir, sorted, space-separated. */
static char *names(const char *dir)
{
	static char out[1024];
	struct dirent **v;
	int n = scandir(dir, &v, NULL, alphasort);
	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (v[i]->d_name[0] != '.' || (strcmp(v[i]->d_name, ".") &&
					      strcmp(v[i]->d_name, ".."))) {
			if (out[0])
				strcat(out, " ");
			strcat(out, v[i]->d_name);
		}
		free(v[i]);
	}
	if (n >= 0)
		free(v);
	return out;
}

static void write_report(const char *target, const char *text, int expect_rc)
{
	struct outdir od;
	struct strbuf err;
	strbuf_init(&err);
	assert_int_equal(outdir_open(&od, target, MARK, &err), 0);
	char *index = NULL;
	assert_true(asprintf(&index, MARK " x\">%s", text) > 0);
	assert_int_equal(outdir_write(&od, "index.html", index, strlen(index), &err), 0);
	free(index);
	assert_int_equal(outdir_commit(&od, &err), expect_rc);
	strbuf_release(&err);
}

static void test_new_and_replace(void **state)
{
	(void)state;
	char *dir = tmpdir("outdir_replace");
	char *target = join(dir, "html");
	write_report(target, "one", 0);
	char *index = join(target, "index.html");
	assert_non_null(strstr(get(index), "one"));
	char *stale = join(target, "stale.html");
	put(stale, "old");
	/* a trailing slash names the same directory */
	char *slashed = NULL;
	assert_true(asprintf(&slashed, "%s/", target) > 0);
	write_report(slashed, "two", 0);
	assert_non_null(strstr(get(index), "two"));
	assert_int_equal(access(stale, F_OK), -1);
	assert_string_equal(names(dir), "html");
	/* an empty directory is taken too */
	char *empty = join(dir, "empty");
	assert_int_equal(mkdir(empty, 0777), 0);
	write_report(empty, "three", 0);
	assert_string_equal(names(empty), "index.html");
	assert_string_equal(names(dir), "empty html");
	path_remove_tree(dir);
	free(slashed);
	free(stale);
	free(index);
	free(empty);
	free(target);
	free(dir);
}

static void test_refused(void **state)
{
	(void)state;
	char *dir = tmpdir("outdir_refused");
	struct outdir od;
	struct strbuf err;
	strbuf_init(&err);
	/* a directory of other things */
	char *other = join(dir, "other");
	assert_int_equal(mkdir(other, 0777), 0);
	char *data = join(other, "data.txt");
	put(data, "keep");
	assert_int_equal(outdir_open(&od, other, MARK, &err), -1);
	assert_non_null(strstr(err.buf, "neither empty nor an HTML report"));
	/* an index.html without the marker */
	char *index = join(other, "index.html");
	put(index, "<html>someone else's</html>");
	strbuf_reset(&err);
	assert_int_equal(outdir_open(&od, other, MARK, &err), -1);
	assert_string_equal(names(other), "data.txt index.html");
	/* a file */
	char *file = join(dir, "file");
	put(file, "x");
	strbuf_reset(&err);
	assert_int_equal(outdir_open(&od, file, MARK, &err), -1);
	assert_string_equal(err.buf, "it exists and is not a directory");
	/* no parent */
	char *orphan = join(dir, "no/such");
	strbuf_reset(&err);
	assert_int_equal(outdir_open(&od, orphan, MARK, &err), -1);
	assert_string_equal(err.buf, "No such file or directory");
	/* the checks alone, as a run makes them before its work */
	strbuf_reset(&err);
	assert_int_equal(outdir_check(other, MARK, &err), -1);
	assert_non_null(strstr(err.buf, "neither empty nor an HTML report"));
	strbuf_reset(&err);
	assert_int_equal(outdir_check(orphan, MARK, &err), -1);
	assert_string_equal(err.buf, "No such file or directory");
	char *under_file = join(file, "sub");
	strbuf_reset(&err);
	assert_int_equal(outdir_check(under_file, MARK, &err), -1);
	assert_string_equal(err.buf, "Not a directory");
	free(under_file);
	char *fresh = join(dir, "fresh");
	strbuf_reset(&err);
	assert_int_equal(outdir_check(fresh, MARK, &err), 0);
	assert_string_equal(err.buf, "");
	free(fresh);
	/* ".", "..", "x/.": a directory in use, which no rename replaces
	 * (rename gave "Device or resource busy" after all the work) */
	char *empty = join(dir, "empty");
	assert_int_equal(mkdir(empty, 0777), 0);
	char *dot = join(empty, ".");
	char *dotslash = xasprintf("%s/./", empty);
	const char *dots[] = {".", "./", "..", "../", dot, dotslash};
	for (size_t i = 0; i < sizeof(dots) / sizeof(dots[0]); i++) {
		strbuf_reset(&err);
		assert_int_equal(outdir_open(&od, dots[i], MARK, &err), -1);
		assert_string_equal(err.buf, "it names the current directory or a "
				    "parent of it, which cannot be replaced; name a "
				    "directory of its own, such as coverage-html");
	}
	/* the same directories by their absolute names: the working
	 * directory, and a parent of it */
	char *cwd = getcwd(NULL, 0);
	assert_non_null(cwd);
	assert_int_equal(chdir(empty), 0);
	const char *abs[] = {empty, dir};
	for (size_t i = 0; i < sizeof(abs) / sizeof(abs[0]); i++) {
		strbuf_reset(&err);
		assert_int_equal(outdir_check(abs[i], MARK, &err), -1);
		assert_non_null(strstr(err.buf, "it names the current directory"));
	}
	assert_int_equal(chdir(cwd), 0);
	free(cwd);
	/* away from it, the empty directory may be replaced */
	strbuf_reset(&err);
	assert_int_equal(outdir_check(empty, MARK, &err), 0);
	free(dot);
	free(dotslash);
	assert_int_equal(rmdir(empty), 0);
	free(empty);
	assert_string_equal(names(dir), "file other");
	assert_string_equal(get(data), "keep");
	strbuf_release(&err);
	path_remove_tree(dir);
	free(other);
	free(data);
	free(index);
	free(file);
	free(orphan);
	free(dir);
}

static void test_abort_and_failures(void **state)
{
	(void)state;
	char *dir = tmpdir("outdir_abort");
	char *target = join(dir, "html");
	struct outdir od;
	struct strbuf err;
	strbuf_init(&err);
	assert_int_equal(outdir_open(&od, target, MARK, &err), 0);
	assert_int_equal(outdir_write(&od, "a.html", "a", 1, &err), 0);
	/* a name that cannot be made */
	assert_int_equal(outdir_write(&od, "no/such/b.html", "b", 1, &err), -1);
	assert_string_equal(err.buf, "No such file or directory");
	outdir_abort(&od);
	assert_string_equal(names(dir), "");
	/* the target turned into a file meanwhile: refused, nothing left */
	strbuf_reset(&err);
	assert_int_equal(outdir_open(&od, target, MARK, &err), 0);
	put(target, "a file now");
	assert_int_equal(outdir_commit(&od, &err), -1);
	assert_string_equal(err.buf, "Not a directory");
	assert_string_equal(names(dir), "html");
	assert_string_equal(get(target), "a file now");
	strbuf_release(&err);
	path_remove_tree(dir);
	free(target);
	free(dir);
}

static void test_batch(void **state)
{
	(void)state;
	char *dir = tmpdir("outdir_batch");
	char *target = join(dir, "html");
	write_report(target, "old", 0);
	char *index = join(target, "index.html");
	/* dropped: the old report stays, the new directory goes */
	outfile_batch_begin();
	write_report(target, "new", 0);
	assert_non_null(strstr(get(index), "old"));
	assert_int_equal(outfile_batch_end(0, NULL, NULL), 0);
	assert_non_null(strstr(get(index), "old"));
	assert_string_equal(names(dir), "html");
	/* committed: in place at the end */
	outfile_batch_begin();
	write_report(target, "new", 0);
	assert_non_null(strstr(get(index), "old"));
	assert_int_equal(outfile_batch_end(1, NULL, NULL), 0);
	assert_non_null(strstr(get(index), "new"));
	assert_string_equal(names(dir), "html");
	path_remove_tree(dir);
	free(index);
	free(target);
	free(dir);
}

/* The fallback without RENAME_EXCHANGE: old aside, new in, old gone. */
static void test_swap_aside(void **state)
{
	(void)state;
	char *dir = tmpdir("outdir_aside");
	char *target = join(dir, "html");
	char *next = join(dir, "next");
	assert_int_equal(mkdir(target, 0777), 0);
	assert_int_equal(mkdir(next, 0777), 0);
	char *a = join(target, "old.html"), *b = join(next, "new.html");
	put(a, "old");
	put(b, "new");
	assert_int_equal(outdir_swap_aside(next, target), 0);
	assert_string_equal(names(dir), "html");
	assert_string_equal(names(target), "new.html");
	/* nothing to swap with: an error, the new one stays where it was */
	char *missing = join(dir, "missing");
	assert_int_equal(mkdir(next, 0777), 0);
	assert_int_equal(outdir_swap_aside(next, missing), -1);
	assert_string_equal(names(dir), "html next");
	path_remove_tree(dir);
	free(a);
	free(b);
	free(missing);
	free(next);
	free(target);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_and_replace),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_abort_and_failures),
		cmocka_unit_test(test_batch),
		cmocka_unit_test(test_swap_aside),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
