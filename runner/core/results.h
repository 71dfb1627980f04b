/* Turning one finished process into results: TAP lines (cmocka's, or any
 * TAP-speaking program's), else the exit status. */
#ifndef RUNNER_RESULTS_H
#define RUNNER_RESULTS_H

#include "collect.h"
#include "runner.h"

struct outcome {
	int started;         /* the process ran (else start_error says why) */
	const char *start_error;
	int wait_status;
	int timed_out;
	int term_signal;     /* the signal the timeout sent first */
	double duration;
	int worker;
	const char *output;  /* captured output (may be truncated) */
	size_t process;      /* a number per process, for the results */
};

struct result_list {
	struct result *v;
	size_t n, alloc;
};

/* Appends the results of item `it` to out, and records its tests'
 * durations and failures. */
void results_from_item(struct suite *s, const struct item *it,
		       const struct outcome *oc, struct result_list *out);
/* How many tests of cmocka item `it` its output so far reports: those up
 * to the last one whose TAP line it holds. */
size_t results_reported(const struct suite *s, const struct item *it,
			const char *output);
int result_failed(const struct result *r);
void result_list_release(struct result_list *l);
/* "PASSED", "FAILED", "SKIPPED", "CRASHED (SIGSEGV)", "TIMEOUT", "ERROR" */
const char *status_text(const struct result *r, char *buf, size_t n);

#endif
