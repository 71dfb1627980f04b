/* Which files a report shows: inside --root unless an --include names
 * them, never when an --omit does. Then each kept file's exclusion markers
 * are applied (exclude.c). */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "exclude.h"
#include "lines.h"
#include "path.h"
#include "project.h"
#include "rows.h"

static int matches(const char *const *globs, size_t n, const char *rel,
		   const char *abs)
{
	for (size_t i = 0; i < n; i++) {
		if (rel && fnmatch(globs[i], rel, 0) == 0)
			return 1;
		if (fnmatch(globs[i], abs, 0) == 0)
			return 1;
	}
	return 0;
}

/* Notes that file (measured, with executable lines) is left out. */
static void left_out(struct cm_report *r, const struct cm_file *file,
		     unsigned why)
{
	if (!file->nlines)
		return;
	r->nleft_out++;
	r->left_out_by |= why;
	if (!r->left_out_first || strcmp(file->path, r->left_out_first) < 0) {
		free(r->left_out_first);
		r->left_out_first = xstrdup(file->path);
	}
}

void cm_report_filter(struct cm_report *r, const struct cm_filter *f,
		      cm_emit_fn *emit, void *emit_ctx)
{
	char *root = path_absolute(NULL, f->root ? f->root : ".");
	size_t w = 0;
	r->nleft_out = 0;
	r->left_out_by = 0;
	free(r->left_out_first);
	r->left_out_first = NULL;
	for (size_t i = 0; i < r->nfiles; i++) {
		struct cm_file *file = &r->files[i];
		const char *shown = cm_display_name(file->path, root);
		const char *rel = shown != file->path ? shown : NULL;
		int named = f->ninclude &&
			    matches(f->include, f->ninclude, rel, file->path);
		unsigned why = 0;
		if (f->ninclude ? !named : !rel)
			why = f->ninclude ? CM_LEFT_OUT_INCLUDE : CM_LEFT_OUT_ROOT;
		else if (matches(f->omit, f->nomit, rel, file->path))
			why = CM_LEFT_OUT_OMIT;
		/* CMake's compiler probe is never a project source */
		if (!named && project_is_compiler_probe(file->path)) {
			cm_file_release(file);
			continue;
		}
		if (why) {
			left_out(r, file, why);
			cm_file_release(file);
			continue;
		}
		size_t had = file->nlines;
		exclude_apply(file, emit, emit_ctx);
		if (had && !file->nlines)
			left_out(r, &(struct cm_file){.path = file->path, .nlines = had},
				 CM_LEFT_OUT_MARKERS);
		r->files[w++] = *file;
	}
	r->nfiles = w;
	free(root);
}
