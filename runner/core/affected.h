/* runner --affected-by REV: only the tests a change can affect, from the
 * contexts a full run recorded (--cov-context=test; see
 * covmerge_contexts.h, cm_ctx_affected). */
#ifndef RUNNER_AFFECTED_H
#define RUNNER_AFFECTED_H

#include "collect.h"
#include "runner.h"

/* Sets s->affected: per test, whether it runs (a recorded test that ran
 * a changed line, or whose program compiles a change no test covers; a
 * test the contexts do not know). When everything runs, says why in one
 * line and leaves s->affected NULL. With o->verbose, one line per
 * selected test says why. Returns 0, or -1 with the cause in err. */
int affected_select(struct suite *s, const struct runner_opts *o,
		    struct strbuf *err);

#endif
