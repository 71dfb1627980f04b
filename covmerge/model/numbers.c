/* Counting as coverage.py does: statements, missed statements, branch arcs,
 * partial branches; the one rounding rule; the Missing column's text. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "covmerge.h"
#include "strbuf.h"

void cm_file_numbers(const struct cm_file *f, struct cm_numbers *n)
{
	memset(n, 0, sizeof(*n));
	for (size_t i = 0; i < f->nlines; i++) {
		const struct cm_line *l = &f->lines[i];
		n->stmts++;
		if (l->count <= 0)
			n->miss++;
		for (size_t b = 0; b < l->nbranches; b++) {
			n->branches++;
			if (l->branches[b].count <= 0) {
				n->branches_miss++;
				if (l->count > 0)
					n->partial++;
			}
		}
	}
	for (size_t i = 0; i < f->nfunctions; i++) {
		n->functions++;
		if (f->functions[i].count > 0)
			n->functions_hit++;
	}
}

void cm_numbers_add(struct cm_numbers *a, const struct cm_numbers *b)
{
	a->stmts += b->stmts;
	a->miss += b->miss;
	a->branches += b->branches;
	a->branches_miss += b->branches_miss;
	a->partial += b->partial;
	a->functions += b->functions;
	a->functions_hit += b->functions_hit;
}

double cm_numbers_cover(const struct cm_numbers *n, int branch)
{
	size_t total = n->stmts, hit = n->stmts - n->miss;
	if (branch) {
		total += n->branches;
		hit += n->branches - n->branches_miss;
	}
	return total ? 100.0 * (double)hit / (double)total : 100.0;
}

double cm_pct_text(double pct, int precision, char *buf, size_t bufsize)
{
	if (precision < 0)
		precision = 0;
	if (precision > 6)
		precision = 6;
	double near0 = pow(10.0, -precision);
	double near100 = 100.0 - near0;
	if (pct > 0 && pct < near0)
		pct = near0;
	else if (pct > near100 && pct < 100)
		pct = near100;
	snprintf(buf, bufsize, "%.*f", precision, pct);
	return strtod(buf, NULL);
}

struct item {
	unsigned line;
	char *text;
};

static int cmp_item(const void *a, const void *b)
{
	const struct item *x = a, *y = b;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return strcmp(x->text, y->text);
}

static int line_missed(const struct cm_file *f, unsigned lineno)
{
	size_t lo = 0, hi = f->nlines;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (f->lines[mid].lineno < lineno)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < f->nlines && f->lines[lo].lineno == lineno &&
	       f->lines[lo].count <= 0;
}

char *cm_missing_text(const struct cm_file *f, int branch)
{
	struct item *items = NULL;
	size_t n = 0, alloc = 0;
	/* runs of missed statements; non-statement lines do not break them */
	for (size_t i = 0; i < f->nlines;) {
		if (f->lines[i].count > 0) {
			i++;
			continue;
		}
		size_t j = i;
		while (j + 1 < f->nlines && f->lines[j + 1].count <= 0)
			j++;
		GROW(items, alloc, n + 1);
		items[n].line = f->lines[i].lineno;
		items[n].text = i == j
			? xasprintf("%u", f->lines[i].lineno)
			: xasprintf("%u-%u", f->lines[i].lineno, f->lines[j].lineno);
		n++;
		i = j + 1;
	}
	if (branch) {
		for (size_t i = 0; i < f->nlines; i++) {
			const struct cm_line *l = &f->lines[i];
			if (l->count <= 0)
				continue;
			size_t first = n;
			for (size_t b = 0; b < l->nbranches; b++) {
				const struct cm_branch *br = &l->branches[b];
				if (br->count > 0)
					continue;
				if (br->dst_line && br->dst_line != CM_DST_UNKNOWN &&
				    line_missed(f, br->dst_line))
					continue;
				char *t = br->dst_line == CM_DST_UNKNOWN
					/* no destination known: branch k of n */
					? xasprintf("%u(b%zu/%zu)", l->lineno, b + 1,
						    l->nbranches)
					: br->dst_line
					? xasprintf("%u->%u", l->lineno, br->dst_line)
					: xasprintf("%u->exit", l->lineno);
				size_t k;
				for (k = first; k < n; k++)
					if (!strcmp(items[k].text, t))
						break;
				if (k < n) {
					free(t);
					continue;
				}
				GROW(items, alloc, n + 1);
				items[n].line = l->lineno;
				items[n].text = t;
				n++;
			}
		}
	}
	if (n > 1)
		qsort(items, n, sizeof(*items), cmp_item);
	struct strbuf sb;
	strbuf_init(&sb);
	for (size_t i = 0; i < n; i++) {
		if (i)
			strbuf_addstr(&sb, ", ");
		strbuf_addstr(&sb, items[i].text);
		free(items[i].text);
	}
	free(items);
	return strbuf_detach(&sb, NULL);
}
