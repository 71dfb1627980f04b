/* Unified diffs (git diff, diff -u): which lines of each new file a change
 * added. Only the new side matters for diff coverage: the '+' lines of
 * every hunk, numbered in the new file. */
#ifndef CM_UDIFF_H
#define CM_UDIFF_H

#include <stddef.h>

#include "strbuf.h"

struct udiff_file {
	char *path;           /* the new side's name, git's "b/" taken off */
	unsigned *lines;      /* added lines, ascending, each once */
	size_t nlines, alloc;
};

/* Files in the order the diff first names them, each once; deleted files
 * (+++ /dev/null) are left out, and so are files with no added line.
 *
 * The old side too (runner --affected-by): per old file (git's "a/"
 * taken off; new files, --- /dev/null, left out) the old lines that were
 * changed or deleted, and for each inserted line the old lines around it
 * (the one before and the one after). */
struct udiff {
	struct udiff_file *files;
	size_t nfiles, alloc;
	struct udiff_file *old;
	size_t nold, aold;
};

/* Parses the diff in buf[0..len) into d (zeroed by the caller). Text
 * outside the file headers and hunks (commit messages, "index", "rename
 * from", "Binary files ... differ") is skipped. Returns 0, or -1 with a
 * lower-case cause naming the line written to err (d is then released). */
int udiff_parse(const char *buf, size_t len, struct udiff *d,
		struct strbuf *err);
void udiff_release(struct udiff *d);

#endif
