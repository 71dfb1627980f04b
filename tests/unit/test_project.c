/* Where a project lives: system directories, the deepest common directory,
 * CMake's build and source trees read from a real CMakeCache.txt layout,
 * and CMake's compiler probe. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "project.h"
#include "unit_util.h"

static void expect_common(const char *want, int files, size_t n, ...)
{
	char *v[8];
	va_list ap;
	va_start(ap, n);
	for (size_t i = 0; i < n; i++)
		v[i] = va_arg(ap, char *);
	va_end(ap);
	char *got = project_common_dir(v, n, files);
	if (!got || strcmp(got, want))
		fail_msg("common dir of %zu paths (%s, files %d) = \"%s\", want \"%s\"",
			 n, v[0], files, got ? got : "(null)", want);
	free(got);
}

static void test_common_dir(void **state)
{
	(void)state;
	assert_null(project_common_dir(NULL, 0, 1));
	expect_common("/a/b", 1, 1, "/a/b/x.c");
	expect_common("/a/b/x.c", 0, 1, "/a/b/x.c");
	expect_common("/a/b", 1, 2, "/a/b/x.c", "/a/b/y.c");
	expect_common("/a", 1, 2, "/a/b/x.c", "/a/bc/y.c");
	expect_common("/a", 1, 2, "/a/b/x.c", "/a/y.c");
	expect_common("/", 1, 2, "/a/x.c", "/b/y.c");
	expect_common("/", 1, 2, "/x.c", "/a/b/y.c");
	expect_common("/a/b", 0, 2, "/a/b", "/a/b/c");
	expect_common("/a", 0, 3, "/a/b/c", "/a/b/d", "/a/e");
	expect_common("/", 0, 3, "/a/b", "/a/c", "/d");
}

static void test_system(void **state)
{
	(void)state;
	assert_true(project_is_system("/"));
	assert_true(project_is_system("/usr"));
	assert_true(project_is_system("/usr/include/stdio.h"));
	assert_true(project_is_system("/usr/lib/gcc/x86_64-linux-gnu/12/include"));
	assert_true(project_is_system("/lib64"));
	assert_true(project_is_system("/tmp"));
	assert_true(project_is_system("/home"));
	assert_false(project_is_system("/tmp/build"));
	assert_false(project_is_system("/home/me/proj"));
	assert_false(project_is_system("/usrlocal/proj"));
	assert_false(project_is_system("/work/proj/build"));
}

static void test_compiler_probe(void **state)
{
	(void)state;
	assert_true(project_is_compiler_probe(
		"/b/CMakeFiles/3.25.1/CompilerIdC/CMakeCCompilerId.c"));
	assert_true(project_is_compiler_probe(
		"/b/CMakeFiles/3.25.1/CompilerIdCXX/CMakeCXXCompilerId.cpp"));
	assert_false(project_is_compiler_probe("/src/CMakeCCompilerId.c"));
	assert_false(project_is_compiler_probe("/b/CMakeFiles/x.dir/src/main.c"));
}

static void write_text(const char *path, const char *text)
{
	assert_int_equal(ut_write_file(path, text, strlen(text)), 0);
}

static void test_cmake_trees(void **state)
{
	(void)state;
	char *tmp = ut_tmpdir("project");
	char *src = ut_join(tmp, "src");
	char *b = ut_join(tmp, "build");
	char *objdir = ut_join(b, "CMakeFiles/lib.dir/src");
	char *loose = ut_join(b, "tests/tmp/fixture");
	char *cmd = NULL;
	assert_true(asprintf(&cmd, "mkdir -p '%s' '%s' '%s'", src, objdir, loose) > 0);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	char *cache = ut_join(b, "CMakeCache.txt");
	char *text = NULL;
	assert_true(asprintf(&text, "# This is the CMakeCache file.\n"
			     "CMAKE_BUILD_TYPE:STRING=\n"
			     "CMAKE_HOME_DIRECTORY:INTERNAL=%s/./\n"
			     "CMAKE_CACHEFILEDIR:INTERNAL=%s\n", src, b) > 0);
	write_text(cache, text);
	free(text);

	char *notes = ut_join(objdir, "calc.c.gcno");
	char *got = project_cmake_build_dir(notes);
	assert_non_null(got);
	assert_string_equal(got, b);
	free(got);
	got = project_cmake_source_dir(b);
	assert_non_null(got);
	assert_string_equal(got, src);
	free(got);
	/* a notes file under the build tree but not in a CMakeFiles
	 * directory belongs to no CMake target of it */
	char *other = ut_join(loose, "x.gcno");
	assert_null(project_cmake_build_dir(other));
	char *v[2] = {notes, other};
	got = project_source_root(v, 2);
	assert_non_null(got);
	assert_string_equal(got, src);
	free(got);
	assert_null(project_source_root(v + 1, 1));
	/* no CMAKE_HOME_DIRECTORY line */
	write_text(cache, "CMAKE_BUILD_TYPE:STRING=Debug\n");
	assert_null(project_cmake_source_dir(b));
	assert_null(project_source_root(v, 1));
	assert_null(project_cmake_source_dir(src));

	free(other);
	free(notes);
	free(cache);
	ut_rm_rf(tmp);
	free(loose);
	free(objdir);
	free(b);
	free(src);
	free(tmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_common_dir),
		cmocka_unit_test(test_system),
		cmocka_unit_test(test_compiler_probe),
		cmocka_unit_test(test_cmake_trees),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
