/* One object's coverage as the readers produce it (per source file:
 * lines, branches, functions), and its release. Made from notes and
 * counters by lines_compute (model/lines.c) or read from an lcov
 * tracefile (lcov_read.c). */
#include "objcov.h"

#include <stdlib.h>
#include <string.h>

#include "alloc.h"

void cm_file_release(struct cm_file *f)
{
	for (size_t i = 0; i < f->nlines; i++)
		free(f->lines[i].branches);
	free(f->lines);
	for (size_t i = 0; i < f->nfunctions; i++)
		free(f->functions[i].name);
	free(f->functions);
	free(f->path);
	memset(f, 0, sizeof(*f));
}

void obj_cov_sort(struct obj_cov *c)
{
	/* sort an index, then apply it to both arrays */
	size_t n = c->nfiles;
	if (n < 2)
		return;
	struct cm_file *f = xcalloc(n, sizeof(*f));
	uint32_t *ix = c->file_index ? xcalloc(n, sizeof(*ix)) : NULL;
	size_t *order = xcalloc(n, sizeof(*order));
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	/* insertion sort on paths: per-object file lists are short */
	for (size_t i = 1; i < n; i++) {
		size_t x = order[i], j = i;
		while (j > 0 && strcmp(c->files[order[j - 1]].path, c->files[x].path) > 0) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = x;
	}
	for (size_t i = 0; i < n; i++) {
		f[i] = c->files[order[i]];
		if (ix)
			ix[i] = c->file_index[order[i]];
	}
	free(c->files);
	c->files = f;
	if (ix) {
		free(c->file_index);
		c->file_index = ix;
	}
	free(order);
}

void obj_cov_release(struct obj_cov *c)
{
	for (size_t i = 0; i < c->nfiles; i++)
		cm_file_release(&c->files[i]);
	free(c->files);
	free(c->file_index);
	memset(c, 0, sizeof(*c));
}
