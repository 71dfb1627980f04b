/* librunner_preload.so: what the runner preloads into test programs.
 *
 * 1. cmocka test splitting, with no change to the test's source: the
 *    library defines _cmocka_run_group_tests (the function behind
 *    cmocka_run_group_tests and its _name variant), so the program's calls
 *    land here first.
 *    RUNNER_CMOCKA_LIST=1: print "group<TAB>test<TAB>F" for every test of
 *      every group to stdout, run nothing, and report success. F is 1
 *      when the group has a group set-up or tear-down (its tests then
 *      share what it makes, and are scheduled as one scope), else 0.
 *    RUNNER_CMOCKA_FILTER=<group>\x1f<test>\n...: run only the listed
 *      tests (a line "<group>\x1f*" selects a whole group), through the
 *      real cmocka.
 * 2. RUNNER_FLUSH_ON_SIGNAL=1: the coverage of a test that dies is written
 *    before it dies (crash_flush.c).
 *
 * Built without sanitizers or coverage: it goes into programs built any
 * way at all. Uses only libc and libdl. */
#include <dlfcn.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* cmocka's types, declared here so the library needs no cmocka headers. */
typedef void (*cm_test_fn)(void **state);
typedef int (*cm_fixture_fn)(void **state);

struct cm_unit_test {
	const char *name;
	cm_test_fn test_func;
	cm_fixture_fn setup_func;
	cm_fixture_fn teardown_func;
	void *initial_state;
};

typedef int (*run_group_fn)(const char *, const struct cm_unit_test *, size_t,
			    cm_fixture_fn, cm_fixture_fn);

#define FIELD_SEP '\x1f'

static int selected(const char *filter, const char *group, const char *test)
{
	size_t gl = strlen(group), tl = strlen(test);
	const char *p = filter;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		const char *sep = memchr(p, FIELD_SEP, n);
		if (sep && (size_t)(sep - p) == gl && !memcmp(p, group, gl)) {
			const char *t = sep + 1;
			size_t rest = n - gl - 1;
			if ((rest == 1 && t[0] == '*') ||
			    (rest == tl && !memcmp(t, test, tl)))
				return 1;
		}
		p += n;
		if (*p == '\n')
			p++;
	}
	return 0;
}

int _cmocka_run_group_tests(const char *group_name,
			    const struct cm_unit_test *tests, size_t num_tests,
			    cm_fixture_fn group_setup, cm_fixture_fn group_teardown)
{
	const char *group = group_name ? group_name : "";
	const char *list = getenv("RUNNER_CMOCKA_LIST");
	if (list && !strcmp(list, "1")) {
		int fixtured = group_setup || group_teardown;
		for (size_t i = 0; i < num_tests; i++)
			if (tests[i].name)
				printf("%s\t%s\t%d\n", group, tests[i].name, fixtured);
		fflush(stdout);
		return 0;
	}
	run_group_fn real = (run_group_fn)dlsym(RTLD_NEXT, "_cmocka_run_group_tests");
	if (!real) {
		fprintf(stderr, "runner preload: cannot find cmocka's "
			"_cmocka_run_group_tests: %s\n", dlerror());
		return 1;
	}
	/* results as they happen: the runner can tell which test runs (and
	 * a test killed by a timeout keeps its output) */
	fflush(stdout);
	setvbuf(stdout, NULL, _IOLBF, 0);
	const char *filter = getenv("RUNNER_CMOCKA_FILTER");
	if (!filter)
		return real(group_name, tests, num_tests, group_setup, group_teardown);
	struct cm_unit_test *pick = calloc(num_tests ? num_tests : 1, sizeof(*pick));
	if (!pick)
		return 1;
	size_t n = 0;
	for (size_t i = 0; i < num_tests; i++)
		if (tests[i].name && selected(filter, group, tests[i].name))
			pick[n++] = tests[i];
	int rc = 0;
	if (n)
		rc = real(group_name, pick, n, group_setup, group_teardown);
	free(pick);
	return rc;
}
