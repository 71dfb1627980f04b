/* Running a helper program (git) and taking its standard output. */
#ifndef CM_RUN_CAPTURE_H
#define CM_RUN_CAPTURE_H

#include "strbuf.h"

/* Runs argv (argv[0] found on PATH), its standard input from stdin_path
 * (or inherited when NULL), and collects its standard output into out, up
 * to the input limit. Returns 0 when it exits with 0, else -1 with the
 * cause in err. */
int cm_run_capture(char *const *argv, const char *stdin_path,
		   struct strbuf *out, struct strbuf *err);

#endif
