/* One run per coverage directory: an exclusive flock on the directory
 * itself (no lock file is added to it), held until the runner exits; the
 * kernel drops it when the runner dies, even by SIGKILL. */
#ifndef RUNNER_LOCK_H
#define RUNNER_LOCK_H

#include "strbuf.h"

/* Creates dir when missing and locks it without waiting. Returns the
 * lock's descriptor (close-on-exec), or -1 with the cause in err: another
 * runner holds it ("... is in use by another run"), or it cannot be
 * created or opened; or -2 with a note in err when the file system has no
 * locks (the run may go on). */
int dir_lock(const char *dir, struct strbuf *err);

#endif
