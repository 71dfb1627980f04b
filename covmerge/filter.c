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
#include "report_util.h"

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

void cm_report_filter(struct cm_report *r, const struct cm_filter *f,
		      cm_emit_fn *emit, void *emit_ctx)
{
	char *root = path_absolute(NULL, f->root ? f->root : ".");
	size_t w = 0;
	for (size_t i = 0; i < r->nfiles; i++) {
		struct cm_file *file = &r->files[i];
		const char *shown = cm_display_name(file->path, root);
		const char *rel = shown != file->path ? shown : NULL;
		int keep = f->ninclude ? matches(f->include, f->ninclude, rel, file->path)
				       : rel != NULL;
		if (keep && matches(f->omit, f->nomit, rel, file->path))
			keep = 0;
		if (!keep) {
			cm_file_release(file);
			continue;
		}
		exclude_apply(file, emit, emit_ctx);
		r->files[w++] = *file;
	}
	r->nfiles = w;
	free(root);
}
