/* How many workers the open-file limit allows. A running test holds one
 * descriptor of the runner (its output pipe); starting one briefly takes
 * five (two pipes and /dev/null); the reports, the cache, the coverage
 * data and the database connections take a few more. */
#ifndef RUNNER_FDLIMIT_H
#define RUNNER_FDLIMIT_H

#include "strbuf.h"

/* Descriptors kept free for everything but the running tests' pipes. */
#define FD_RESERVE 16

/* want, or fewer when RLIMIT_NOFILE (less the descriptors open now and
 * FD_RESERVE) does not allow that many; never below 1. When it lowers
 * want, says why in note. */
int fd_worker_cap(int want, struct strbuf *note);

#endif
