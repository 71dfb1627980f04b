/* Exclusion markers read from a file's source. */
#ifndef CM_EXCLUDE_H
#define CM_EXCLUDE_H

#include "covmerge.h"

/* Reads f->path and drops the lines (and the functions starting on them)
 * marked EXCL_LINE or inside EXCL_START..EXCL_STOP, and the branches of
 * lines marked EXCL_BR_LINE or inside EXCL_BR_START..EXCL_BR_STOP; each
 * with an LCOV_, GCOV_ or GCOVR_ prefix. A source that cannot be read is
 * a warning and changes nothing. */
void exclude_apply(struct cm_file *f, cm_emit_fn *emit, void *emit_ctx);

/* The marks of the source text buf (len bytes) of path: NULL when it holds
 * no marker, else an array indexed by line number (1 to *nlines) of
 * EXCL_MARK_ bits, freed by the caller. Problems with the markers (a
 * START without a STOP) are warnings through emit (NULL: none). */
enum {
	EXCL_MARK_LINE = 1,      /* the line is excluded */
	EXCL_MARK_BRANCHES = 2,  /* its branches are */
};
unsigned char *exclude_marks(const char *path, const char *buf, size_t len,
			     size_t *nlines, cm_emit_fn *emit, void *emit_ctx);

#endif
