/* One object's coverage by llvm-cov gcov's rules, for the notes of LLVM's
 * gcov flavour (clang --coverage): see lines_llvm.c. */
#ifndef CM_LINES_LLVM_H
#define CM_LINES_LLVM_H

#include <stdint.h>

#include "gcno.h"
#include "objcov.h"

/* As lines_compute (lines.h), for notes whose major is GCOV_LLVM_408. */
void lines_compute_llvm(const struct gcno *g, int64_t *const *counters,
			struct obj_cov *out);

#endif
