/* Diff coverage: the lines a unified diff added, matched with the
 * executable lines of the reported files. */
#ifndef CM_DIFFCOV_H
#define CM_DIFFCOV_H

#include <stddef.h>

#include "covmerge.h"
#include "udiff.h"

/* Matches the diff's files with r's: a relative name is taken against
 * base (the repository's top level, or the root for a patch file), then
 * the OLD=NEW maps apply (first match wins), as to the data's paths.
 * Files the report does not hold (deleted, non-source, filtered out) and
 * non-executable lines do not count. against is copied. */
struct cm_diff *cm_diff_match(const struct cm_report *r, const struct udiff *u,
			      const char *base, const char *const *maps,
			      size_t nmaps, const char *against);

#endif
