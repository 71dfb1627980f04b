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

#endif
