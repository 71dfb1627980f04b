/* One object's coverage by gcov 12's rules: solved flow graphs turned into
 * per-source line counts, branches and function counts. */
#ifndef CM_LINES_H
#define CM_LINES_H

#include <stdint.h>

#include "covmerge.h"
#include "gcno.h"

struct obj_cov {
	size_t nfiles;
	struct cm_file *files;  /* sorted by path; a path may repeat */
	uint32_t *file_index;   /* per file: its index in the notes' file
				 * names (NULL when not from notes) */
	int negative;           /* some derived count was negative (clamped) */
	int unsolved;           /* some function's graph could not be solved */
};

/* counters[f] holds the summed arc counters of g->funcs[f], or NULL when
 * the function has no data. Fills out (zeroed by the caller); free it with
 * obj_cov_release. */
void lines_compute(const struct gcno *g, int64_t *const *counters,
		   struct obj_cov *out);
void obj_cov_release(struct obj_cov *c);
/* Sorts the files by path (after their paths changed). */
void obj_cov_sort(struct obj_cov *c);
/* Frees what a cm_file owns (not the struct itself). */
void cm_file_release(struct cm_file *f);

#endif
