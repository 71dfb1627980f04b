/* The path helpers: lexical normalisation, absolute forms, suffixes,
 * joins, and path_walk over a real directory tree. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "path.h"
#include "unit_util.h"

static void expect_norm(const char *in, const char *want)
{
	char *got = path_normalize(in);
	if (strcmp(got, want))
		fail_msg("path_normalize(\"%s\") = \"%s\", want \"%s\"", in, got, want);
	free(got);
}

static void test_normalize(void **state)
{
	(void)state;
	expect_norm("a//b/./c/../d", "a/b/d");
	expect_norm("/../x", "/x");
	expect_norm("../a/../../b", "../../b");
	expect_norm("", ".");
	expect_norm(".", ".");
	expect_norm("./", ".");
	expect_norm("/", "/");
	expect_norm("//", "/");
	expect_norm("/..", "/");
	expect_norm("/../..", "/");
	expect_norm("/a/b/../../..", "/");
	expect_norm("a/..", ".");
	expect_norm("a/../..", "..");
	expect_norm("..", "..");
	expect_norm("../..", "../..");
	expect_norm("a/b/", "a/b");
	expect_norm("./a/./b/.", "a/b");
	expect_norm("../../x/./y/..", "../../x");
	expect_norm("/usr//local/../lib/", "/usr/lib");
	expect_norm("a/.../b", "a/.../b");  /* "..." is an ordinary name */
	expect_norm("..a/b..", "..a/b..");
	expect_norm(".hidden/./x", ".hidden/x");
	expect_norm("a/b/c/../../../../d", "../d");
	/* normal forms are fixed points */
	const char *fixed[] = {"a/b/d", "/x", "../../b", ".", "/", "..", "a"};
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		expect_norm(fixed[i], fixed[i]);
}

static void expect_abs(const char *base, const char *p, const char *want)
{
	char *got = path_absolute(base, p);
	if (strcmp(got, want))
		fail_msg("path_absolute(\"%s\", \"%s\") = \"%s\", want \"%s\"",
			 base ? base : "(null)", p, got, want);
	free(got);
}

static void test_absolute(void **state)
{
	(void)state;
	expect_abs("/base/dir", "x/../y", "/base/dir/y");
	expect_abs("/base/dir/", "./f.c", "/base/dir/f.c");
	expect_abs("/base/dir", "../../../up", "/up");
	expect_abs("/base", "/abs/./p//q", "/abs/p/q");
	expect_abs("/", "..", "/");
	expect_abs("/base/./dir/..", "f", "/base/f");

	char cwd[4096];
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	char *ncwd = path_normalize(cwd);
	char want[8192];
	snprintf(want, sizeof(want), "%s/rel/f.c", strcmp(ncwd, "/") ? ncwd : "");
	expect_abs(NULL, "rel/./f.c", want);
	/* a relative base is anchored at the working directory too */
	expect_abs("rel", "f.c", want);
	expect_abs("rel/sub/..", "./f.c", want);
	expect_abs(NULL, ".", ncwd);
	free(ncwd);
}

static void test_suffix_join_dirname(void **state)
{
	(void)state;
	char *s = path_replace_suffix("/obj/dir/x.gcda", ".gcda", ".gcno");
	assert_string_equal(s, "/obj/dir/x.gcno");
	free(s);
	s = path_replace_suffix("x.gcda", ".gcda", "");
	assert_string_equal(s, "x");
	free(s);
	s = path_replace_suffix("a.gcda.gcda", ".gcda", ".gcno");
	assert_string_equal(s, "a.gcda.gcno");
	free(s);
	s = path_replace_suffix(".gcda", ".gcda", ".gcno");
	assert_string_equal(s, ".gcno");
	free(s);

	assert_true(path_has_suffix("x.gcda", ".gcda"));
	assert_true(path_has_suffix(".gcda", ".gcda"));
	assert_true(path_has_suffix("x", ""));
	assert_false(path_has_suffix("gcda", ".gcda"));
	assert_false(path_has_suffix("x.gcda.bak", ".gcda"));
	assert_false(path_has_suffix("x.GCDA", ".gcda"));

	s = path_join("a", "b");
	assert_string_equal(s, "a/b");
	free(s);
	s = path_join("a/", "b");
	assert_string_equal(s, "a/b");
	free(s);
	s = path_join("a", "/b");
	assert_string_equal(s, "/b");
	free(s);
	s = path_join("", "b");
	assert_string_equal(s, "b");
	free(s);

	static const char *const dn[][2] = {
		{"/a/b/c", "/a/b"}, {"a/b", "a"}, {"b", "."}, {"/b", "/"}, {"/", "/"},
	};
	for (size_t i = 0; i < sizeof(dn) / sizeof(dn[0]); i++) {
		s = path_dirname(dn[i][0]);
		assert_string_equal(s, dn[i][1]);
		free(s);
	}
	assert_string_equal(path_basename("/a/b/c.gcda"), "c.gcda");
	assert_string_equal(path_basename("c.gcda"), "c.gcda");
	assert_string_equal(path_basename("dir/"), "");
}

static void test_list_sort(void **state)
{
	(void)state;
	struct path_list l = {0};
	const char *names[] = {"/b", "/a/z", "/a", "/c", "/a/b"};
	for (size_t i = 0; i < 5; i++)
		path_list_add(&l, strdup(names[i]));
	path_list_sort(&l);
	assert_int_equal(l.n, 5);
	const char *want[] = {"/a", "/a/b", "/a/z", "/b", "/c"};
	for (size_t i = 0; i < 5; i++)
		assert_string_equal(l.v[i], want[i]);
	path_list_release(&l);
	assert_null(l.v);
	assert_int_equal(l.n, 0);
}

static void touch(const char *root, const char *rel)
{
	char *p = ut_join(root, rel);
	assert_int_equal(ut_write_file(p, rel, strlen(rel)), 0);
	free(p);
}

static void mkd(const char *root, const char *rel)
{
	char *p = ut_join(root, rel);
	assert_int_equal(mkdir(p, 0755), 0);
	free(p);
}

static void check_list(const struct path_list *l, const char *root,
		       size_t n, const char *const *rel)
{
	if (l->n != n) {
		for (size_t i = 0; i < l->n; i++)
			print_message("  got %s\n", l->v[i]);
		fail_msg("%zu paths, want %zu", l->n, n);
	}
	for (size_t i = 0; i < n; i++) {
		char *want = ut_join(root, rel[i]);
		assert_string_equal(l->v[i], want);
		free(want);
	}
}

static void test_walk(void **state)
{
	(void)state;
	char *tmp = ut_tmpdir("test_path");
	assert_non_null(tmp);
	char *root = path_normalize(tmp); /* what path_walk reports */
	touch(root, "a.gcda");
	touch(root, "notes.gcno");
	touch(root, "x.txt");
	touch(root, "gcda");
	mkd(root, "sub");
	touch(root, "sub/b.gcda");
	touch(root, "sub/d.gcda.bak");
	mkd(root, "sub/deep");
	touch(root, "sub/deep/c.gcno");
	mkd(root, "sub/e.gcda"); /* a directory with the suffix: walked into */
	touch(root, "sub/e.gcda/f.gcda");
	mkd(root, "empty");
	/* a symlinked directory is not followed; a symlinked file is kept;
	 * a dangling link is skipped */
	char *p = ut_join(root, "link_dir");
	char *t = ut_join(root, "sub");
	assert_int_equal(symlink(t, p), 0);
	free(p);
	free(t);
	p = ut_join(root, "link_file.gcda");
	assert_int_equal(symlink("a.gcda", p), 0);
	free(p);
	p = ut_join(root, "dangling.gcda");
	assert_int_equal(symlink("nowhere.gcda", p), 0);
	free(p);

	static const char *const suffixes[] = {".gcda", ".gcno", NULL};
	struct path_list lists[2] = {{0}, {0}};
	char *bad = (char *)"unset";
	/* the root in an unnormalised spelling */
	char *spelled = malloc(strlen(tmp) + 32);
	sprintf(spelled, "%s//./sub/..", tmp);
	assert_int_equal(path_walk(spelled, suffixes, lists, &bad), 0);
	assert_null(bad);
	free(spelled);
	path_list_sort(&lists[0]);
	path_list_sort(&lists[1]);
	check_list(&lists[0], root, 4, (const char *const[]){
		"a.gcda", "link_file.gcda", "sub/b.gcda", "sub/e.gcda/f.gcda"});
	check_list(&lists[1], root, 2, (const char *const[]){
		"notes.gcno", "sub/deep/c.gcno"});
	path_list_release(&lists[0]);
	path_list_release(&lists[1]);

	/* a name matching several suffixes goes to the first one's list only;
	 * lists are appended to, not replaced */
	static const char *const overlap[] = {".gcno", "o", ".txt", NULL};
	struct path_list l3[3] = {{0}, {0}, {0}};
	char *sub = ut_join(root, "sub");
	path_list_add(&l3[2], strdup("/kept"));
	assert_int_equal(path_walk(sub, overlap, l3, &bad), 0);
	check_list(&l3[0], sub, 1, (const char *const[]){"deep/c.gcno"});
	assert_int_equal(l3[1].n, 0);
	assert_int_equal(l3[2].n, 1);
	assert_string_equal(l3[2].v[0], "/kept");
	for (int i = 0; i < 3; i++)
		path_list_release(&l3[i]);

	/* an empty directory */
	struct path_list none[2] = {{0}, {0}};
	char *empty = ut_join(root, "empty");
	assert_int_equal(path_walk(empty, suffixes, none, &bad), 0);
	assert_int_equal(none[0].n + none[1].n, 0);
	free(empty);

	/* a missing root */
	char *missing = ut_join(root, "missing/./dir");
	errno = 0;
	assert_int_equal(path_walk(missing, suffixes, none, &bad), -1);
	assert_int_equal(errno, ENOENT);
	assert_non_null(bad);
	char *want = ut_join(root, "missing/dir");
	assert_string_equal(bad, want);
	free(want);
	free(bad);
	free(missing);
	assert_int_equal(none[0].n + none[1].n, 0);

	/* a root that is a file */
	char *file = ut_join(root, "x.txt");
	assert_int_equal(path_walk(file, suffixes, none, &bad), -1);
	assert_int_equal(errno, ENOTDIR);
	assert_string_equal(bad, file);
	free(bad);
	free(file);

	free(sub);
	ut_rm_rf(tmp);
	free(root);
	free(tmp);
}

static int is_dir(const char *p)
{
	struct stat st;
	return lstat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int exists(const char *p)
{
	struct stat st;
	return lstat(p, &st) == 0;
}

static void test_mkdirs_remove_tree(void **state)
{
	(void)state;
	char *tmp = ut_tmpdir("test_path_tree");
	assert_non_null(tmp);

	/* mkdir -p: every missing level, an existing one is fine */
	char *deep = ut_join(tmp, "a/b//c/d");
	assert_int_equal(path_mkdirs(deep), 0);
	assert_true(is_dir(deep));
	assert_int_equal(path_mkdirs(deep), 0);
	char *slash = ut_join(tmp, "a/e/");
	assert_int_equal(path_mkdirs(slash), 0);
	char *e = ut_join(tmp, "a/e");
	assert_true(is_dir(e));
	free(e);
	free(slash);

	/* a level that is a file stops it */
	touch(tmp, "a/file");
	char *under = ut_join(tmp, "a/file/x");
	errno = 0;
	assert_int_equal(path_mkdirs(under), -1);
	assert_int_equal(errno, ENOTDIR);
	free(under);

	/* path_remove_tree: files, directories and symlinks go; what a
	 * symlink points to outside the tree stays */
	char *outside = ut_join(tmp, "outside");
	assert_int_equal(mkdir(outside, 0755), 0);
	touch(tmp, "outside/keep.txt");
	touch(tmp, "a/b/c/d/f1");
	touch(tmp, "a/b/f2");
	char *link = ut_join(tmp, "a/b/c/to_outside");
	assert_int_equal(symlink(outside, link), 0);
	free(link);
	char *a = ut_join(tmp, "a");
	assert_int_equal(path_remove_tree(a), 0);
	assert_false(exists(a));
	char *keep = ut_join(tmp, "outside/keep.txt");
	assert_true(exists(keep));
	free(keep);
	/* a missing tree is fine; so is a single file */
	assert_int_equal(path_remove_tree(a), 0);
	char *single = ut_join(tmp, "outside/keep.txt");
	assert_int_equal(path_remove_tree(single), 0);
	assert_false(exists(single));
	free(single);
	free(a);
	free(outside);
	free(deep);
	ut_rm_rf(tmp);
	free(tmp);
}

/* Like mkdir -p, an existing non-directory at the path itself is an
 * error, not success. */
static void test_mkdirs_on_file(void **state)
{
	(void)state;
	char *tmp = ut_tmpdir("test_path_mkf");
	assert_non_null(tmp);
	touch(tmp, "plain");
	char *p = ut_join(tmp, "plain");
	errno = 0;
	int rc = path_mkdirs(p);
	int e = errno;
	free(p);
	ut_rm_rf(tmp);
	free(tmp);
	assert_int_equal(rc, -1);
	assert_true(e == EEXIST || e == ENOTDIR);
}

/* The empty path names no directory: -1 (ENOENT, as mkdir gives), and
 * no read past the end of the string. */
static void test_mkdirs_empty(void **state)
{
	(void)state;
	errno = 0;
	assert_int_equal(path_mkdirs(""), -1);
	assert_int_equal(errno, ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_absolute),
		cmocka_unit_test(test_suffix_join_dirname),
		cmocka_unit_test(test_list_sort),
		cmocka_unit_test(test_walk),
		cmocka_unit_test(test_mkdirs_remove_tree),
		cmocka_unit_test(test_mkdirs_on_file),
		cmocka_unit_test(test_mkdirs_empty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
