/* One object's coverage by gcov 12's rules: solved flow graphs turned into
 * per-source line counts, branches and function counts. */
#ifndef CM_LINES_H
#define CM_LINES_H

#include <stdint.h>

#include "covmerge.h"
#include "gcno.h"
#include "objcov.h"

/* counters[f] holds the summed arc counters of g->funcs[f], or NULL when
 * the function has no data. Fills out (zeroed by the caller); free it with
 * obj_cov_release. */
void lines_compute(const struct gcno *g, int64_t *const *counters,
		   struct obj_cov *out);
/* Appends fn, called count times, to cf's functions (*alloc is their
 * capacity); gcc's and LLVM's line rules both list functions so. */
void lines_add_function(struct cm_file *cf, size_t *alloc,
			const struct gcno_func *fn, int64_t count);

#endif
