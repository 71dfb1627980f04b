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

/* One changed executable line: the report's file and the line in it. */
struct changed {
	size_t file;
	const struct cm_line *line;
};

static int cmp_changed(const void *a, const void *b)
{
	const struct changed *x = a, *y = b;
	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	return x->line->lineno < y->line->lineno ? -1 :
	       x->line->lineno > y->line->lineno;
}

/* The changed executable lines of every file of the diff, in the report's
 * order. Two diff paths that name one file (a --path-map can make them
 * meet, as can a patch listing a file twice) count each line once. */
static struct changed *changed_lines(const struct cm_report *r,
				     const struct udiff *u, const char *base,
				     const char *const *maps, size_t nmaps,
				     size_t *n)
{
	struct changed *c = NULL;
	size_t nc = 0, alloc = 0;
	for (size_t i = 0; i < u->nfiles; i++) {
		char *abs = path_absolute(base, u->files[i].path);
		char *mapped = apply_maps(abs, maps, nmaps);
		const struct cm_file *f = find_file(r, mapped);
		free(abs);
		free(mapped);
		if (!f)
			continue;
		for (size_t j = 0; j < u->files[i].nlines; j++) {
			const struct cm_line *l = find_line(f, u->files[i].lines[j]);
			if (l)
				APPEND(c, nc, alloc, ((struct changed){
					(size_t)(f - r->files), l}));
		}
	}
	if (nc)
		qsort(c, nc, sizeof(*c), cmp_changed);
	size_t w = 0;
	for (size_t i = 0; i < nc; i++)
		if (!w || c[w - 1].file != c[i].file || c[w - 1].line != c[i].line)
			c[w++] = c[i];
	*n = w;
	return c;
}

struct cm_diff *cm_diff_match(const struct cm_report *r, const struct udiff *u,
			      const char *base, const char *const *maps,
			      size_t nmaps, const char *against)
{
	struct cm_diff *d = xcalloc(1, sizeof(*d));
	size_t alloc = 0, amissed = 0, n;
	d->against = xstrdup(against);
	struct changed *c = changed_lines(r, u, base, maps, nmaps, &n);
	for (size_t i = 0; i < n; i++) {
		if (!i || c[i].file != c[i - 1].file) {
			GROW(d->files, alloc, d->nfiles + 1);
			d->files[d->nfiles++] = (struct cm_diff_file){.file = c[i].file};
			amissed = 0;
		}
		struct cm_diff_file *df = &d->files[d->nfiles - 1];
		df->nchanged++;
		d->stmts++;
		if (c[i].line->count == 0) {
			APPEND(df->missed, df->nmissed, amissed, c[i].line->lineno);
			d->miss++;
		}
	}
	free(c);
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
