/* The compile directory of LLVM "408*" notes, which do not record it. */
#ifndef CM_LLVM_DIR_H
#define CM_LLVM_DIR_H

#include "gcno.h"

/* Sets g->cwd (when it is NULL and some source name is relative) to the
 * first of the notes file's directory and its parents under which every
 * relative source name of g exists; failing that, to the one of those and
 * the working directory under which most exist; failing that, leaves it
 * NULL (names then resolve against the working directory, as llvm-cov
 * gcov resolves them). */
void llvm_guess_compile_dir(struct gcno *g, const char *gcno_path);

#endif
