/* Starting test processes and ending them. Everything a child needs is
 * prepared before posix_spawn, which sets the child up (its own process
 * group, default signal dispositions and an empty mask, stdin from
 * /dev/null, stdout and stderr on one pipe, the working directory) and
 * reports an exec failure as its result. */
#ifndef RUNNER_PROC_H
#define RUNNER_PROC_H

#include <signal.h>
#include <sys/types.h>

#include "strbuf.h"

struct proc {
	pid_t pid;           /* also the process group */
	int out_fd;          /* read end of the output pipe (non-blocking) */
	int sys_errno;       /* proc_start failed for want of resources (a
				pipe or fork: EMFILE, EAGAIN, ...), not
				because of the program */
};

/* Starts argv[0] (searched in PATH when it has no '/') with env, in cwd
 * (NULL = ours). Returns 0, or -1 with the cause in err (exec failures
 * included: the child is reaped already then). */
int proc_start(struct proc *p, char *const argv[], char *const env[],
	       const char *cwd, struct strbuf *err);

/* Sends sig to the process group of p. */
void proc_signal_group(pid_t pgid, int sig);

/* Set by the runner's handler of SIGINT, SIGTERM and SIGHUP. */
extern volatile sig_atomic_t proc_interrupt;
/* While set, proc_run_capture stops its command when proc_interrupt is
 * (TERM to its group, KILL 2 s later): for commands that may run long,
 * like the --db-setup command. */
extern int proc_interruptible;

/* Runs a command to its end, capturing its output (at most max_out bytes
 * kept), killing its group after timeout seconds (0 = never). Returns 0
 * with the wait status in *status, or -1 with the cause in err.
 * *timed_out says whether it had to be killed: 1 at the timeout, 2 for
 * an interrupt (see proc_interruptible). */
int proc_run_capture(char *const argv[], char *const env[], const char *cwd,
		     double timeout, size_t max_out, struct strbuf *out,
		     int *status, int *timed_out, struct strbuf *err);

/* Monotonic seconds. */
double now_seconds(void);

#endif
