/* Where the changed lines come from: a patch file (--diff-file, "-" for
 * standard input) or git (--diff REV: the working tree against
 * `git merge-base REV HEAD`, as diff-cover's --compare-branch). */
#ifndef CM_DIFF_SOURCE_H
#define CM_DIFF_SOURCE_H

#include "covmerge.h"
#include "udiff.h"

/* Reads and parses the diff into u (zeroed by the caller) and stores in
 * *base the directory its relative names are taken against: git's top
 * level for rev (git runs in root: the repository that holds root), else
 * root. Exactly one of rev and patch is set. Returns
 * 0, or -1 with an error emitted. */
int cm_diff_load(const char *rev, const char *patch, const char *root,
		 struct udiff *u, char **base, cm_emit_fn *emit, void *emit_ctx);

#endif
