/* The merged model: release. */
#include <stdlib.h>

#include "covmerge.h"
#include "contexts_merge.h"
#include "objcov.h"

void cm_report_free(struct cm_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nfiles; i++)
		cm_file_release(&r->files[i]);
	free(r->files);
	free(r->project_root);
	free(r->left_out_first);
	free(r->outside_first);
	ctx_free(r->contexts);
	free(r);
}
