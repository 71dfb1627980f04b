/* Where the runner finds its preload library, librunner_preload.so, and
 * the warnings when it is missing. */
#ifndef RUNNER_PRELOAD_PATH_H
#define RUNNER_PRELOAD_PATH_H

#include "strbuf.h"

/* The preload library's path (the caller frees it), or NULL when there is
 * none. Looks, in this order, at:
 *   1. $RUNNER_PRELOAD, when set (and nothing else then);
 *   2. beside the runner's own executable (a build tree);
 *   3. RUNNER_PRELOAD_RELDIR from the executable's directory (an installed
 *      tree moved elsewhere, or unpacked from the .deb);
 *   4. RUNNER_PRELOAD_DIR, ${CMAKE_INSTALL_FULL_LIBDIR}/runner of the
 *      build's install prefix.
 * Every file looked for is appended to searched (comma-separated). */
char *preload_find(struct strbuf *searched);

/* Prints the warning lines for a missing preload library: where it was
 * looked for, how many cmocka programs run unsplit (ncmocka) and, with
 * cov, what coverage loses. Prints nothing when neither needs it. */
void preload_warn_missing(const char *searched, size_t ncmocka, int cov);

#endif
