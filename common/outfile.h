/* Output files written atomically: into a temporary file beside the
 * target, renamed over it only when everything was written and flushed.
 * A crash or a full disk never leaves half a report. The temporary file
 * is unnamed (O_TMPFILE, named by linkat at the end) where the file
 * system has them, so a killed run leaves nothing; elsewhere it is
 * "<target>.tmp.<pid>.XXXXXX", and the next write of the same target
 * removes those of dead processes. "-" is stdout; an existing device or
 * pipe (/dev/null, a FIFO) is written to directly.
 *
 * A batch makes several files all-or-nothing: between outfile_batch_begin
 * and outfile_batch_end, a commit only checks that the file was written
 * whole; outfile_batch_end then puts them all in place, or drops them
 * all. */
#ifndef CM_OUTFILE_H
#define CM_OUTFILE_H

#include <stdio.h>

#include "covmerge.h"
#include "strbuf.h"

struct outfile {
	FILE *fp;
	char *path;
	char *tmp;   /* a named temporary file, or NULL */
	int anonymous; /* an unnamed (O_TMPFILE) temporary file */
	int direct;  /* an existing device or pipe, written to in place */
};

/* Returns 0, or -1 with the cause in err. */
int outfile_open(struct outfile *of, const char *path, struct strbuf *err);
/* Flushes, checks for write errors and renames into place; closes in any
 * case. Returns 0, or -1 with the cause in err (the target is untouched). */
int outfile_commit(struct outfile *of, struct strbuf *err);
/* Drops the temporary file. */
void outfile_abort(struct outfile *of);

/* Starts a batch (see above). */
void outfile_batch_begin(void);
/* Ends the batch: with commit, puts every file committed since the start
 * in place (a failure emits a message naming the file, and the result is
 * -1); without, drops them all. Returns 0 or -1. */
int outfile_batch_end(int commit, cm_emit_fn *emit, void *emit_ctx);

/* In a batch, takes the written directory tmp (outdir.h) and the target
 * path (both malloc'd; the batch frees them) to put in place at the end:
 * returns 0. Outside a batch returns -1 and takes nothing. */
int outfile_batch_add_dir(char *path, char *tmp);

/* For a program that has no signal handling of its own: on SIGINT,
 * SIGTERM or SIGHUP, remove the temporary file being written (if any),
 * then die by the signal. */
void outfile_cleanup_on_signals(void);

/* Writes text to path atomically, emitting a message naming the file on
 * failure. Returns 0 or -1. */
int write_text_file(const char *path, const char *text, size_t len,
		    cm_emit_fn *emit, void *emit_ctx);

#endif
