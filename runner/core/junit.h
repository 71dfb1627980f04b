/* --junitxml: the results as JUnit XML (one testsuite, a testcase per
 * result with failure/skipped/error children and the captured output). */
#ifndef RUNNER_JUNIT_H
#define RUNNER_JUNIT_H

#include "results.h"

/* Writes atomically; returns 0, or -1 with the cause in err. */
int junit_write(const char *path, const struct result_list *rl, double seconds,
		struct strbuf *err);

#endif
