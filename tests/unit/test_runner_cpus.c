/* -n auto and -n logical (runner/cpus.c): the affinity mask of the
 * process (set here with sched_setaffinity, as taskset does) and a cgroup
 * v2 cpu.max quota (a directory tree shaped like /sys/fs/cgroup) limit
 * the number of workers. */
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cpus.h"
#include "path.h"

static void quota_lines(void **state)
{
	(void)state;
	assert_int_equal(cpus_quota_limit("max 100000\n"), 0);
	assert_int_equal(cpus_quota_limit("100000 100000\n"), 1);
	assert_int_equal(cpus_quota_limit("50000 100000\n"), 1);
	assert_int_equal(cpus_quota_limit("150000 100000\n"), 2);
	assert_int_equal(cpus_quota_limit("250000 100000"), 3);
	assert_int_equal(cpus_quota_limit("200000 50000\n"), 4);
	assert_int_equal(cpus_quota_limit(""), 0);
	assert_int_equal(cpus_quota_limit("garbage"), 0);
	assert_int_equal(cpus_quota_limit("12x 100000"), 0);
	assert_int_equal(cpus_quota_limit("100000 0"), 0);
	assert_int_equal(cpus_quota_limit(NULL), 0);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void cgroup_tree(void **state)
{
	(void)state;
	const char *base = getenv("CM_TEST_TMP");
	char *root = NULL, *p = NULL;
	assert_true(asprintf(&root, "%s/test_runner_cpus.%d", base ? base : "/tmp",
			     (int)getpid()) > 0);
	path_remove_tree(root);
	assert_true(asprintf(&p, "%s/ci/job/step", root) > 0);
	path_mkdirs(p);
	free(p);
	/* no cpu.max anywhere: no limit */
	assert_int_equal(cpus_cgroup_limit(root, "/ci/job/step"), 0);
	assert_int_equal(cpus_cgroup_limit(root, "/"), 0);
	/* the job's quota of 2.5 CPUs limits its children */
	assert_true(asprintf(&p, "%s/ci/job/cpu.max", root) > 0);
	write_file(p, "250000 100000\n");
	free(p);
	assert_true(asprintf(&p, "%s/ci/job/step/cpu.max", root) > 0);
	write_file(p, "max 100000\n");
	assert_int_equal(cpus_cgroup_limit(root, "/ci/job/step"), 3);
	/* the smallest quota on the way up wins */
	write_file(p, "100000 100000\n");
	assert_int_equal(cpus_cgroup_limit(root, "/ci/job/step"), 1);
	free(p);
	assert_true(asprintf(&p, "%s/cpu.max", root) > 0);
	write_file(p, "200000 100000\n");
	free(p);
	assert_int_equal(cpus_cgroup_limit(root, "/ci/job"), 2);
	assert_int_equal(cpus_cgroup_limit(root, "/ci"), 2);
	path_remove_tree(root);
	free(root);
}

static void affinity_mask(void **state)
{
	(void)state;
	cpu_set_t all, one;
	assert_int_equal(sched_getaffinity(0, sizeof(all), &all), 0);
	int n = CPU_COUNT(&all);
	int logical = cpus_available(1), physical = cpus_available(0);
	assert_true(logical >= 1 && logical <= n);
	assert_true(physical >= 1 && physical <= logical);
	/* as under `taskset -c K`: one allowed CPU is one worker */
	int first = 0;
	while (!CPU_ISSET(first, &all))
		first++;
	CPU_ZERO(&one);
	CPU_SET(first, &one);
	assert_int_equal(sched_setaffinity(0, sizeof(one), &one), 0);
	assert_int_equal(cpus_available(1), 1);
	assert_int_equal(cpus_available(0), 1);
	assert_int_equal(sched_setaffinity(0, sizeof(all), &all), 0);
	assert_int_equal(cpus_available(1), logical);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(quota_lines),
		cmocka_unit_test(cgroup_tree),
		cmocka_unit_test(affinity_mask),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
