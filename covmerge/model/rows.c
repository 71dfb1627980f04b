/* The per-file rows every table-shaped report prints, in display order. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "rows.h"

/* Natural order: digit runs compare by value ("f2" < "f10"). */
static int natural_cmp(const char *a, const char *b)
{
	while (*a && *b) {
		if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
			const char *sa = a, *sb = b;
			while (*sa == '0')
				sa++;
			while (*sb == '0')
				sb++;
			const char *ea = sa, *eb = sb;
			while (isdigit((unsigned char)*ea))
				ea++;
			while (isdigit((unsigned char)*eb))
				eb++;
			if (ea - sa != eb - sb)
				return ea - sa < eb - sb ? -1 : 1;
			int c = strncmp(sa, sb, (size_t)(ea - sa));
			if (c)
				return c;
			a = ea;
			b = eb;
			continue;
		}
		if (*a != *b)
			return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
		a++;
		b++;
	}
	if (*a || *b)
		return *a ? 1 : -1;
	return 0;
}

static int cmp_row(const void *pa, const void *pb, void *ctx)
{
	const struct row *x = pa, *y = pb;
	const struct cm_format *fmt = ctx;
	int c = 0;
	switch (fmt->sort) {
	case CM_SORT_NAME:
		break;
	case CM_SORT_STMTS:
		c = (x->num.stmts > y->num.stmts) - (x->num.stmts < y->num.stmts);
		break;
	case CM_SORT_MISS:
		c = (x->num.miss > y->num.miss) - (x->num.miss < y->num.miss);
		break;
	case CM_SORT_BRANCH:
		c = (x->num.branches > y->num.branches) -
		    (x->num.branches < y->num.branches);
		break;
	case CM_SORT_BRPART:
		c = (x->num.partial > y->num.partial) -
		    (x->num.partial < y->num.partial);
		break;
	case CM_SORT_COVER:
		c = (x->cover > y->cover) - (x->cover < y->cover);
		break;
	}
	if (!c)
		c = natural_cmp(x->name, y->name);
	if (!c)
		c = strcmp(x->name, y->name);
	return fmt->sort_reverse ? -c : c;
}

void rows_build(struct rows *rows, const struct cm_report *r,
		const struct cm_format *fmt)
{
	memset(rows, 0, sizeof(*rows));
	rows->v = xcalloc(r->nfiles ? r->nfiles : 1, sizeof(*rows->v));
	for (size_t i = 0; i < r->nfiles; i++) {
		struct row *w = &rows->v[rows->n++];
		w->file = &r->files[i];
		w->name = cm_display_name(r->files[i].path, fmt->root);
		cm_file_numbers(&r->files[i], &w->num);
		w->cover = cm_numbers_cover(&w->num, fmt->branch);
		cm_numbers_add(&rows->total, &w->num);
	}
	struct cm_format key = *fmt; /* qsort_r's context is not const */
	if (rows->n > 1)
		qsort_r(rows->v, rows->n, sizeof(*rows->v), cmp_row, &key);
}

void rows_release(struct rows *rows)
{
	free(rows->v);
	memset(rows, 0, sizeof(*rows));
}
