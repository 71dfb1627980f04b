/* Running the helper commands of the database set-up: pg_config, initdb
 * and pg_ctl for the private server, and the --db-setup shell command.
 *
 * A command runs to completion with stdin from /dev/null and its stdout
 * and stderr captured together; it may run as another user (the private
 * server when the runner is root). The child is prepared before fork and
 * only makes async-signal-safe calls; an exec failure comes back through a
 * close-on-exec pipe. Children are reaped by pid, never with waitpid(-1). */
#ifndef RUNNER_PGCMD_H
#define RUNNER_PGCMD_H

#include <sys/types.h>

#include "strbuf.h"

struct pgcmd {
	const char *const *argv; /* argv[0]: a path, or a name looked up in PATH */
	const char *const *envp; /* NULL: the runner's environment */
	const char *dir;         /* working directory of the child, or NULL */
	int as_user;             /* run with uid/gid below (needs root) */
	uid_t uid;
	gid_t gid;
};

/* Runs cmd and waits for it. Its output is appended to out (when not NULL;
 * at most 1 MiB is kept). Returns the wait status (decode it with
 * pgcmd_status), or -1 with a message in err when the command could not be
 * started at all (not found, fork or exec failed). A command that leaves a
 * daemon behind holding its output open is not waited for past its own
 * exit. */
int pgcmd_run(const struct pgcmd *cmd, struct strbuf *out, struct strbuf *err);

/* Appends "exit status 3" or "killed by signal 9 (Killed)" for a wait
 * status that is not success. */
void pgcmd_status(struct strbuf *sb, int status);

/* Full path of an executable found in PATH (or name itself when it holds a
 * '/'), or NULL. The caller frees it. */
char *pgcmd_which(const char *name);

/* A copy of environ without the variables named in drop (NULL-terminated;
 * an entry ending in '*' is a prefix), followed by the "NAME=value" strings
 * of add (NULL-terminated, may be NULL). The array and its strings are new;
 * free it with pgcmd_env_free. */
char **pgcmd_env(const char *const *drop, const char *const *add);
void pgcmd_env_free(char **env);

/* The last max_lines lines of text, trimmed, for an error message. */
void pgcmd_tail(struct strbuf *sb, const char *text, int max_lines);

#endif
