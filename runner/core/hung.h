/* Hung tests are visible: a test still running after --still-running-after
 * seconds (60 by default) gets a "still running: TEST (N s)" line, again
 * every such period, in non-terminal output, and the terminal status line
 * shows the longest-running one. */
#ifndef RUNNER_HUNG_H
#define RUNNER_HUNG_H

#include "collect.h"
#include "runner.h"

/* The id of the test that item `it` is running, from the output it wrote
 * so far: for a cmocka item, the first of its tests without a TAP result
 * line yet (the preload makes cmocka's stdout line-buffered); else its
 * one test. */
const char *hung_running_test(const struct suite *s, const struct item *it,
			      const char *output);

#endif
