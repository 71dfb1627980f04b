/* Output files written atomically: into a temporary file beside the
 * target, renamed over it only when everything was written and flushed.
 * A crash or a full disk never leaves half a report. "-" is stdout; an
 * existing device or pipe (/dev/null, a FIFO) is written to directly. */
#ifndef CM_OUTFILE_H
#define CM_OUTFILE_H

#include <stdio.h>

#include "covmerge.h"
#include "strbuf.h"

struct outfile {
	FILE *fp;
	char *path;
	char *tmp;   /* NULL for stdout and for devices */
	int direct;  /* an existing device or pipe, written to in place */
};

/* Returns 0, or -1 with the cause in err. */
int outfile_open(struct outfile *of, const char *path, struct strbuf *err);
/* Flushes, checks for write errors and renames into place; closes in any
 * case. Returns 0, or -1 with the cause in err (the target is untouched). */
int outfile_commit(struct outfile *of, struct strbuf *err);
/* Drops the temporary file. */
void outfile_abort(struct outfile *of);

/* For a program that has no signal handling of its own: on SIGINT,
 * SIGTERM or SIGHUP, remove the temporary file being written (if any),
 * then die by the signal. */
void outfile_cleanup_on_signals(void);

/* Writes text to path atomically, emitting a message naming the file on
 * failure. Returns 0 or -1. */
int write_text_file(const char *path, const char *text, size_t len,
		    cm_emit_fn *emit, void *emit_ctx);

#endif
