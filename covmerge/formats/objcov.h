/* One object's coverage as the readers produce it: per source file its
 * lines, branches and functions (the public struct cm_file). lines_compute
 * (model/lines.c) makes it from notes and counters; lcov_read makes it from
 * a tracefile. */
#ifndef CM_OBJCOV_H
#define CM_OBJCOV_H

#include <stddef.h>
#include <stdint.h>

#include "covmerge.h"

struct obj_cov {
	size_t nfiles;
	struct cm_file *files;  /* sorted by path; a path may repeat */
	uint32_t *file_index;   /* per file: its index in the notes' file
				 * names (NULL when not from notes) */
	int negative;           /* some derived count was negative (clamped) */
	int unsolved;           /* some function's graph could not be solved */
};

void obj_cov_release(struct obj_cov *c);
/* Sorts the files by path (after their paths changed). */
void obj_cov_sort(struct obj_cov *c);
/* Frees what a cm_file owns (not the struct itself). */
void cm_file_release(struct cm_file *f);

#endif
