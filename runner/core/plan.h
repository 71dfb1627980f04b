/* Selection and scheduling: which tests run, grouped into items (one
 * process each) by the --dist mode, ordered longest first, split for
 * --shard. */
#ifndef RUNNER_PLAN_H
#define RUNNER_PLAN_H

#include "cache.h"
#include "collect.h"
#include "runner.h"

struct plan {
	struct item *items;      /* parallel phase, in start order */
	size_t nitems;
	struct item *serial;     /* run alone afterwards, in order */
	size_t nserial;
	size_t ntests;           /* tests selected (times --repeat) */
	size_t deselected;
};

/* Builds the plan. c is the run's cache (durations for the order, last
 * failures for --lf); durations, when not NULL, the --durations-file that
 * balances --shard (else shards are balanced by test counts). Returns 0,
 * or -1 with a usage problem in err. */
int sched_plan(struct plan *pl, struct suite *s, const struct runner_opts *o,
	       const struct cache *c, const struct cache *durations,
	       struct strbuf *err);
void plan_release(struct plan *pl);

#endif
