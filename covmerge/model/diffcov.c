/* Diff coverage: which changed lines are executable, and which of those
 * never ran. A changed line counts when the report has it as a line of
 * the file (gcov's executable lines, after the exclusion markers). */
#include "diffcov.h"

#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "path.h"

/* path after the first OLD=NEW map whose OLD is a whole-component prefix
 * of it, as a new string. */
static char *apply_maps(const char *path, const char *const *maps, size_t n)
{
	for (size_t m = 0; m < n; m++) {
		const char *eq = strchr(maps[m], '=');
		if (!eq)
			continue;
		char *from = xstrndup(maps[m], (size_t)(eq - maps[m]));
		char *nf = path_normalize(from);
		size_t l = strlen(nf);
		int hit = !strncmp(path, nf, l) &&
			  (path[l] == '/' || path[l] == '\0' || !strcmp(nf, "/"));
		free(from);
		free(nf);
		if (hit) {
			char *joined = xasprintf("%s/%s", eq + 1, path + l);
			char *norm = path_normalize(joined);
			free(joined);
			return norm;
		}
	}
	return xstrdup(path);
}

static const struct cm_file *find_file(const struct cm_report *r,
				       const char *path)
{
	size_t lo = 0, hi = r->nfiles;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(r->files[mid].path, path);
		if (!c)
			return &r->files[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* the report's order is the filter's; fall back to a scan */
	for (size_t i = 0; i < r->nfiles; i++)
		if (!strcmp(r->files[i].path, path))
			return &r->files[i];
	return NULL;
}

static const struct cm_line *find_line(const struct cm_file *f, unsigned l)
{
	size_t lo = 0, hi = f->nlines;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (f->lines[mid].lineno == l)
			return &f->lines[mid];
		if (f->lines[mid].lineno < l)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int cmp_by_file(const void *a, const void *b)
{
	size_t x = ((const struct cm_diff_file *)a)->file;
	size_t y = ((const struct cm_diff_file *)b)->file;
	return x < y ? -1 : x > y;
}

struct cm_diff *cm_diff_match(const struct cm_report *r, const struct udiff *u,
			      const char *base, const char *const *maps,
			      size_t nmaps, const char *against)
{
	struct cm_diff *d = xcalloc(1, sizeof(*d));
	size_t alloc = 0;
	d->against = xstrdup(against);
	for (size_t i = 0; i < u->nfiles; i++) {
		char *abs = path_absolute(base, u->files[i].path);
		char *mapped = apply_maps(abs, maps, nmaps);
		const struct cm_file *f = find_file(r, mapped);
		free(abs);
		free(mapped);
		if (!f)
			continue;
		struct cm_diff_file df = {.file = (size_t)(f - r->files)};
		size_t amissed = 0;
		for (size_t j = 0; j < u->files[i].nlines; j++) {
			const struct cm_line *l = find_line(f, u->files[i].lines[j]);
			if (!l)
				continue;
			df.nchanged++;
			if (l->count == 0)
				APPEND(df.missed, df.nmissed, amissed, l->lineno);
		}
		if (!df.nchanged)
			continue;
		d->stmts += df.nchanged;
		d->miss += df.nmissed;
		GROW(d->files, alloc, d->nfiles + 1);
		d->files[d->nfiles++] = df;
	}
	if (d->nfiles)
		qsort(d->files, d->nfiles, sizeof(*d->files), cmp_by_file);
	return d;
}

void cm_diff_free(struct cm_diff *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->nfiles; i++)
		free(d->files[i].missed);
	free(d->files);
	free(d->against);
	free(d);
}
