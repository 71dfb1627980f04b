/* Output directories written atomically (the HTML report): every file goes
 * into a new temporary directory beside the target, "<target>.tmp.<pid>.
 * XXXXXX", which is put in place only when everything was written. An
 * existing target is swapped with it in one step (renameat2's
 * RENAME_EXCHANGE; where the file system lacks it, the old directory is
 * renamed aside first and back on failure) and then removed whole, so the
 * target always holds one complete report, old or new. Inside a batch of
 * outfile.h the directory is put in place at outfile_batch_end with the
 * files.
 *
 * Replacing a directory removes it, so a target that exists must be
 * either an empty directory or one that holds an index.html carrying the
 * writer's marker (a report written before); anything else is refused
 * with a message naming it. A run killed before the end leaves its
 * temporary directory behind; the next write of the same target removes
 * those of dead processes. */
#ifndef CM_OUTDIR_H
#define CM_OUTDIR_H

#include <stddef.h>

#include "covmerge.h"
#include "strbuf.h"

struct outdir {
	char *path;  /* the target, without trailing slashes */
	char *tmp;   /* the temporary directory being written */
};

/* Checks the target and makes the temporary directory. marker: bytes
 * that the first 4 KiB of an existing target's index.html must hold.
 * Returns 0, or -1 with the cause in err (the target is untouched). */
int outdir_open(struct outdir *od, const char *path, const char *marker,
		struct strbuf *err);
/* The checks of outdir_open alone, made before the work that the output
 * comes from (a run that would be refused at its end is refused at its
 * start): 0, or -1 with the cause in err. */
int outdir_check(const char *path, const char *marker, struct strbuf *err);
/* Writes the file name (no directories) inside the temporary directory.
 * Returns 0, or -1 with the cause in err. */
int outdir_write(struct outdir *od, const char *name, const void *data,
		 size_t len, struct strbuf *err);
/* Puts the directory in place (in a batch: at its end). Returns 0, or -1
 * with the cause in err; the target is untouched then and the temporary
 * directory removed. od is released in any case. */
int outdir_commit(struct outdir *od, struct strbuf *err);
/* Removes the temporary directory and releases od. */
void outdir_abort(struct outdir *od);

/* For outfile.c's batch: puts the written directory tmp in place at path
 * (0, or -1 with errno set; tmp is gone either way). */
int outdir_put_in_place(const char *tmp, const char *path);
/* Where the file system cannot exchange two names: renames the existing
 * directory path aside ("<path>.old.<pid>.XXXXXX"), tmp to path, and
 * removes the old one; on failure the old one goes back and tmp stays.
 * Returns 0, or -1 with errno set. */
int outdir_swap_aside(const char *tmp, const char *path);

#endif
