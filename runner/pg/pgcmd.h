/* The helper commands of the database set-up (pg_config, initdb, pg_ctl
 * for the private server; the --db-setup shell command), on top of
 * proc_run_capture: each runs to its end in its own process group with
 * stdin from /dev/null, its output captured, and a failure turns into one
 * message that says what failed, how, and how its output ended. */
#ifndef RUNNER_PGCMD_H
#define RUNNER_PGCMD_H

#include <sys/types.h>

#include "strbuf.h"

/* Another user to run a command as (needs root): the private server's. */
struct pgcmd_user {
	const char *name;
	uid_t uid;
	gid_t gid;
};

/* Runs argv with env (NULL-terminated; argv[0] searched in PATH when it
 * has no '/'), as user when not NULL, in directory "/", killed after
 * timeout seconds (0 = never). The output is appended to out when not
 * NULL. Returns 0 when it exits with status 0; otherwise -1 with
 * "WHAT failed: exit status 3" (or "killed by signal ...", "timed out
 * after N s", "cannot run ...") and the last lines of its output in err. */
int pgcmd_run(char *const argv[], char *const env[],
	      const struct pgcmd_user *user, double timeout, const char *what,
	      struct strbuf *out, struct strbuf *err);

/* Appends the last max_lines lines of text, trimmed of trailing blanks. */
void pgcmd_tail(struct strbuf *sb, const char *text, int max_lines);

#endif
