/* What a run leaves behind when it cannot clean up after itself.
 *
 * Every run has an owner token, "PID.START:CWD" (the runner's pid, its
 * start time in clock ticks since boot, /proc/PID/stat field 22, which
 * tells a live runner from a dead one even when its pid was reused, and
 * its working directory). Test processes get it as RUNNER_OWNER; the
 * temporary PostgreSQL server's directory holds it in a file "owner". A
 * runner killed by SIGKILL leaves both; the next run in the same working
 * directory (orphans_reap) finds them, whatever its own options: test
 * processes whose RUNNER_OWNER names a dead runner are killed, and a
 * /tmp/runner-pg.* (or $TMPDIR/runner-pg.*) directory whose owner is dead
 * has its server stopped and is removed, and so is a scratch directory
 * (runner-rerun.*, runner-collect.*) with an owner file naming a dead run. Each is said on stderr. Nothing
 * whose owner lives, nothing of a run in another directory (another
 * project's), and no directory without an owner file, is touched.
 *
 * During the run the runner is a child subreaper (PR_SET_CHILD_SUBREAPER),
 * so a test's daemon (setsid, double fork) is re-parented to it rather
 * than to init; when a test ends, orphans_after_test finds the processes
 * of that worker still running outside the test's process group and kills
 * them. */
#ifndef RUNNER_ORPHANS_H
#define RUNNER_ORPHANS_H

#include <sys/types.h>

#include "strbuf.h"

/* "PID.START:CWD" of this process (static storage). */
const char *orphans_token(void);

/* Whether the process a token names still runs. */
int orphans_token_alive(const char *token);

/* Writes this run's token to dir/owner. Returns 0 or -1. */
int orphans_claim_dir(const char *dir);

/* Stops and removes what killed runs left (see above). */
void orphans_reap(void);

/* Becomes a child subreaper for the run. */
void orphans_subreaper(void);

/* After a test of worker `worker` ended and its process group pgid was
 * killed: kills our children (adopted as subreaper) that carry this run's
 * token and that worker but are outside pgid (they left the test's
 * process group), reaps them, and describes them in warn ("left 1 process
 * running outside its process group: 123 (daemon); killed"). Returns how
 * many. */
size_t orphans_after_test(int worker, pid_t pgid, struct strbuf *warn);

/* Reaps the children we adopted as subreaper that have ended (zombies),
 * but the pids in keep (the running tests, reaped by the run itself). */
void orphans_reap_adopted(const pid_t *keep, size_t nkeep);

#endif
