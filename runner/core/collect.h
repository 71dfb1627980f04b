/* Collection: which programs to run and which tests each holds. */
#ifndef RUNNER_COLLECT_H
#define RUNNER_COLLECT_H

#include "runner.h"
#include "strbuf.h"

struct suite {
	struct program **progs;
	size_t nprogs, aprogs;
	struct test *tests;
	size_t ntests, atests;
	unsigned char *affected; /* per test: --affected-by runs it; NULL:
				    no such selection */
};

/* Adds the programs named by paths (files, directories searched for
 * test_*, *_test, *_tests executables, globs). Returns 0, or -1 with the
 * cause in err (a path that does not exist or names no program). */
int collect_paths(struct suite *s, char *const *paths, size_t npaths,
		  struct strbuf *err);

/* Adds the tests of a CMake build tree from `ctest --show-only=json-v1`.
 * Returns 0, or -1 with the cause in err. */
int collect_ctest(struct suite *s, const char *build_dir, struct strbuf *err);

/* Turns programs into tests: a dynamically linked cmocka program is asked
 * for its tests (through the preload library, with env, coverage going to
 * scratch_prefix) and split; every other program is one test. Returns how
 * many cmocka programs stay whole because preload is NULL. */
size_t collect_tests(struct suite *s, const char *preload, char *const *env,
		     const char *scratch_prefix);

void suite_release(struct suite *s);

/* A copy of env (NULL-terminated) with every "NAME=..." of the given
 * names replaced or added as given in set (NULL-terminated "NAME=value"). */
char **env_with(char *const *env, char *const *set);
void strv_free(char **v);
/* "LD_PRELOAD=<preload>", ahead of any LD_PRELOAD we were given. */
char *preload_entry(const char *preload);

#endif
