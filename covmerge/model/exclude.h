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

#endif
