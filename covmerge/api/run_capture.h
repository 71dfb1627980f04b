/* Running a helper program (git, the LLVM tools): its standard output
 * captured, or sent to files. */
#ifndef CM_RUN_CAPTURE_H
#define CM_RUN_CAPTURE_H

#include "strbuf.h"

/* Runs argv (argv[0] found on PATH), its standard input from stdin_path
 * (or inherited when NULL), and collects its standard output into out, up
 * to the input limit. Returns 0 when it exits with 0, else -1 with the
 * cause in err. */
int cm_run_capture(char *const *argv, const char *stdin_path,
		   struct strbuf *out, struct strbuf *err);

/* cm_run_capture with its standard error thrown away: for a question
 * whose "no" is an answer (git rev-parse outside a repository). */
int cm_run_capture_quiet(char *const *argv, const char *stdin_path,
			 struct strbuf *out, struct strbuf *err);

/* Runs argv (argv[0] a path, or found on PATH) with its standard output
 * and error written to the files out_path and err_path (made or
 * truncated), its standard input /dev/null. Returns its wait status, or
 * -1 with the cause in why when it could not be run or waited for. */
int cm_run_to_files(char *const *argv, const char *out_path,
		    const char *err_path, struct strbuf *why);

/* A wait status in words: "exit status N" or "signal N". */
void cm_describe_status(struct strbuf *sb, int status);

#endif
