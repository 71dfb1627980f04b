/* Rerunning failed tests alone (--rerun-alone, on by default with -n 2 or
 * more): after the parallel phase, every test that failed there runs once
 * more, one at a time. A test that passes alone stays a failure, but it is
 * named as probably not parallel-safe, in the summary and in the JUnit
 * file. The reruns are diagnostics: they change no count, no cache entry,
 * no coverage shard. */
#ifndef RUNNER_RERUN_H
#define RUNNER_RERUN_H

#include "collect.h"
#include "output.h"
#include "plan.h"
#include "results.h"

struct rerun {
	struct item *items;  /* one per failed test, in run order */
	size_t n;
	int *outcome;        /* per item: RERUN_* (RERUN_NONE: not run) */
};

/* The tests of the parallel items (pl->items) that have a failed result
 * in rl: one item each. */
void rerun_plan(struct rerun *rr, const struct suite *s, const struct plan *pl,
		const struct result_list *rl);
/* Records how item `it` (one of rr->items) did, from its process's
 * outcome, and prints its result lines (unless quiet). Leaves the test's
 * recorded duration and status as the parallel phase left them. */
void rerun_record(struct rerun *rr, struct suite *s, const struct item *it,
		  const struct outcome *oc, struct reporter *rp);
/* Marks the failed results in rl of the rerun tests with their outcome
 * alone. Returns how many tests passed alone. */
size_t rerun_settle(const struct rerun *rr, const struct suite *s,
		    struct result_list *rl);
/* "N tests failed in parallel and passed alone: ..." and their list. */
void rerun_report(const struct rerun *rr, const struct suite *s);
void rerun_release(struct rerun *rr);

#endif
