/* Cobertura XML, valid against coverage-04.dtd: one <source> (the root),
 * one package per directory (relative, '/' as '.', "." for the root
 * itself), one class per file with its functions as methods, line hits,
 * branch lines with condition-coverage "P% (k/n)" and one jump condition.
 * Rates have four significant digits, "1" when there is nothing to count.
 * The time stamp is in seconds (what Codecov's age check expects to be
 * current). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "report_util.h"
#include "xml.h"

static void rate(char *buf, size_t n, size_t hit, size_t total)
{
	if (!total)
		snprintf(buf, n, "1");
	else
		snprintf(buf, n, "%.4g", (double)hit / (double)total);
}

static void add_line(struct strbuf *sb, const struct cm_line *l,
		     const char *indent)
{
	strbuf_addf(sb, "%s<line number=\"%u\" hits=\"%" PRId64 "\"", indent,
		    l->lineno, l->count);
	if (!l->nbranches) {
		strbuf_addstr(sb, " branch=\"false\"/>\n");
		return;
	}
	size_t taken = 0;
	for (size_t b = 0; b < l->nbranches; b++)
		if (l->branches[b].count > 0)
			taken++;
	unsigned pct = (unsigned)(100 * taken / l->nbranches);
	strbuf_addf(sb, " branch=\"true\" condition-coverage=\"%u%% (%zu/%zu)\">\n",
		    pct, taken, l->nbranches);
	strbuf_addf(sb, "%s\t<conditions>\n%s\t\t<condition number=\"0\" "
		    "type=\"jump\" coverage=\"%u%%\"/>\n%s\t</conditions>\n",
		    indent, indent, pct, indent);
	strbuf_addf(sb, "%s</line>\n", indent);
}

static char *package_of(const char *name)
{
	const char *slash = strrchr(name, '/');
	if (!slash)
		return xstrdup(".");
	char *p = xstrndup(name, (size_t)(slash - name));
	for (char *c = p; *c; c++)
		if (*c == '/')
			*c = '.';
	return p;
}

/* Directory first, so each package's files are contiguous. */
static int cmp_row_name(const void *a, const void *b)
{
	const char *x = ((const struct row *)a)->name;
	const char *y = ((const struct row *)b)->name;
	const char *sx = strrchr(x, '/'), *sy = strrchr(y, '/');
	size_t dx = sx ? (size_t)(sx - x) : 0, dy = sy ? (size_t)(sy - y) : 0;
	size_t dm = dx < dy ? dx : dy;
	int c = strncmp(x, y, dm);
	if (!c && dx != dy)
		c = dx < dy ? -1 : 1;
	return c ? c : strcmp(x, y);
}

int cm_write_cobertura(const struct cm_report *r, const struct cm_format *fmt,
		       const char *path, cm_emit_fn *emit, void *emit_ctx)
{
	struct rows rows;
	rows_build(&rows, r, fmt);
	qsort(rows.v, rows.n, sizeof(*rows.v), cmp_row_name);
	struct strbuf sb;
	strbuf_init(&sb);
	char lr[32], br[32];
	rate(lr, sizeof(lr), rows.total.stmts - rows.total.miss, rows.total.stmts);
	rate(br, sizeof(br), rows.total.branches - rows.total.branches_miss,
	     rows.total.branches);
	strbuf_addstr(&sb, "<?xml version=\"1.0\" ?>\n<!DOCTYPE coverage SYSTEM "
		      "\"http://cobertura.sourceforge.net/xml/coverage-04.dtd\">\n");
	strbuf_addf(&sb, "<coverage version=\"covmerge %s\" timestamp=\"%lld\" "
		    "lines-valid=\"%zu\" lines-covered=\"%zu\" line-rate=\"%s\" "
		    "branches-valid=\"%zu\" branches-covered=\"%zu\" "
		    "branch-rate=\"%s\" complexity=\"0\">\n",
		    CM_VERSION, fmt->timestamp, rows.total.stmts,
		    rows.total.stmts - rows.total.miss, lr, rows.total.branches,
		    rows.total.branches - rows.total.branches_miss, br);
	strbuf_addstr(&sb, "\t<sources>\n\t\t<source>");
	xml_add_escaped(&sb, fmt->root ? fmt->root : ".");
	strbuf_addstr(&sb, "</source>\n\t</sources>\n\t<packages>\n");
	size_t i = 0;
	while (i < rows.n) {
		char *pkg = package_of(rows.v[i].name);
		size_t j = i;
		struct cm_numbers pn = {0};
		for (; j < rows.n; j++) {
			char *other = package_of(rows.v[j].name);
			int same = !strcmp(other, pkg);
			free(other);
			if (!same)
				break;
			cm_numbers_add(&pn, &rows.v[j].num);
		}
		rate(lr, sizeof(lr), pn.stmts - pn.miss, pn.stmts);
		rate(br, sizeof(br), pn.branches - pn.branches_miss, pn.branches);
		strbuf_addstr(&sb, "\t\t<package name=\"");
		xml_add_escaped(&sb, pkg);
		strbuf_addf(&sb, "\" line-rate=\"%s\" branch-rate=\"%s\" "
			    "complexity=\"0\">\n\t\t\t<classes>\n", lr, br);
		for (size_t k = i; k < j; k++) {
			const struct row *w = &rows.v[k];
			const struct cm_file *f = w->file;
			rate(lr, sizeof(lr), w->num.stmts - w->num.miss, w->num.stmts);
			rate(br, sizeof(br), w->num.branches - w->num.branches_miss,
			     w->num.branches);
			strbuf_addstr(&sb, "\t\t\t\t<class name=\"");
			xml_add_escaped(&sb, strrchr(w->name, '/') ? strrchr(w->name, '/') + 1
							       : w->name);
			strbuf_addstr(&sb, "\" filename=\"");
			xml_add_escaped(&sb, w->name);
			strbuf_addf(&sb, "\" line-rate=\"%s\" branch-rate=\"%s\" "
				    "complexity=\"0\">\n", lr, br);
			strbuf_addstr(&sb, "\t\t\t\t\t<methods>\n");
			for (size_t m = 0; m < f->nfunctions; m++) {
				const struct cm_function *fn = &f->functions[m];
				size_t s = 0, sh = 0, b = 0, bh = 0;
				for (size_t l = 0; l < f->nlines; l++) {
					const struct cm_line *ln = &f->lines[l];
					if (ln->lineno < fn->start_line || ln->lineno > fn->end_line)
						continue;
					s++;
					sh += ln->count > 0;
					for (size_t q = 0; q < ln->nbranches; q++) {
						b++;
						bh += ln->branches[q].count > 0;
					}
				}
				rate(lr, sizeof(lr), sh, s);
				rate(br, sizeof(br), bh, b);
				strbuf_addstr(&sb, "\t\t\t\t\t\t<method name=\"");
				xml_add_escaped(&sb, fn->name);
				strbuf_addf(&sb, "\" signature=\"\" line-rate=\"%s\" "
					    "branch-rate=\"%s\" complexity=\"0\">\n"
					    "\t\t\t\t\t\t\t<lines>\n", lr, br);
				for (size_t l = 0; l < f->nlines; l++) {
					const struct cm_line *ln = &f->lines[l];
					if (ln->lineno >= fn->start_line && ln->lineno <= fn->end_line)
						add_line(&sb, ln, "\t\t\t\t\t\t\t\t");
				}
				strbuf_addstr(&sb, "\t\t\t\t\t\t\t</lines>\n\t\t\t\t\t\t</method>\n");
			}
			strbuf_addstr(&sb, "\t\t\t\t\t</methods>\n\t\t\t\t\t<lines>\n");
			for (size_t l = 0; l < f->nlines; l++)
				add_line(&sb, &f->lines[l], "\t\t\t\t\t\t");
			strbuf_addstr(&sb, "\t\t\t\t\t</lines>\n\t\t\t\t</class>\n");
		}
		strbuf_addstr(&sb, "\t\t\t</classes>\n\t\t</package>\n");
		free(pkg);
		i = j;
	}
	strbuf_addstr(&sb, "\t</packages>\n</coverage>\n");
	rows_release(&rows);
	int rc = write_text_file(path, sb.buf, sb.len, emit, emit_ctx);
	strbuf_release(&sb);
	return rc;
}
