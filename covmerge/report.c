/* The merged model: totals and release. */
#include <stdlib.h>

#include "covmerge.h"
#include "lines.h"

void cm_file_totals(const struct cm_file *f, struct cm_totals *t)
{
	for (size_t i = 0; i < f->nlines; i++) {
		const struct cm_line *l = &f->lines[i];
		t->lines++;
		if (l->count > 0)
			t->lines_hit++;
		for (size_t b = 0; b < l->nbranches; b++) {
			t->branches++;
			if (l->branches[b].count > 0)
				t->branches_hit++;
		}
	}
	for (size_t i = 0; i < f->nfunctions; i++) {
		t->functions++;
		if (f->functions[i].count > 0)
			t->functions_hit++;
	}
}

void cm_report_totals(const struct cm_report *r, struct cm_totals *t)
{
	*t = (struct cm_totals){0};
	for (size_t i = 0; i < r->nfiles; i++)
		cm_file_totals(&r->files[i], t);
}

void cm_report_free(struct cm_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nfiles; i++)
		cm_file_release(&r->files[i]);
	free(r->files);
	free(r);
}
