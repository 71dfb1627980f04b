/* The HTML report's index: the totals, the directory tree (<details>
 * that fold without script) and the table of files, which cm.js sorts and
 * filters. Every number comes from rows_build and cm_pct_text, as in the
 * term table; the rows carry them as data- attributes for the script. */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "out_html.h"
#include "path.h"

static void total_card(struct strbuf *sb, const struct html_ctx *c,
		       const char *title, const char *cls, size_t hit,
		       size_t total)
{
	char pct[64];
	html_pct(pct, sizeof(pct), c, hit, total);
	strbuf_addf(sb, "<div class=\"card\"><h2>%s</h2><span class=\"pct %s\">%s%%"
		    "</span><span class=\"frac\">%zu of %zu</span>", title, cls, pct,
		    hit, total);
	html_bar(sb, strtod(pct, NULL));
	strbuf_addstr(sb, "</div>\n");
}

static void totals(struct strbuf *sb, const struct html_ctx *c)
{
	const struct cm_numbers *t = &c->rows.total;
	strbuf_addf(sb, "<section id=\"totals\" data-lines-covered=\"%zu\" "
		    "data-lines-valid=\"%zu\" data-branches-covered=\"%zu\" "
		    "data-branches-valid=\"%zu\" data-functions-covered=\"%zu\" "
		    "data-functions-valid=\"%zu\" data-files=\"%zu\">\n",
		    t->stmts - t->miss, t->stmts, t->branches - t->branches_miss,
		    t->branches, t->functions_hit, t->functions, c->rows.n);
	total_card(sb, c, "Lines", "pct-lines", t->stmts - t->miss, t->stmts);
	total_card(sb, c, "Branches", "pct-branches", t->branches - t->branches_miss,
		   t->branches);
	total_card(sb, c, "Functions", "pct-functions", t->functions_hit,
		   t->functions);
	strbuf_addstr(sb, "</section>\n");
}

/* ------------------------------------------------------------ the tree */

/* A row's name and position, for the tree's order. */
struct named {
	const char *name;
	size_t i;
};

static int cmp_named(const void *a, const void *b)
{
	return strcmp(((const struct named *)a)->name, ((const struct named *)b)->name);
}

/* The numbers of every file whose name starts with prefix (a directory
 * ending in '/'), from position i of the name order on. */
static void dir_numbers(const struct html_ctx *c, const size_t *order, size_t i,
			const char *prefix, size_t plen, struct cm_numbers *n)
{
	memset(n, 0, sizeof(*n));
	for (; i < c->rows.n; i++) {
		const struct row *w = &c->rows.v[order[i]];
		if (strncmp(w->name, prefix, plen))
			break;
		cm_numbers_add(n, &w->num);
	}
}

static void tree_pct(struct strbuf *sb, const struct html_ctx *c,
		     const struct cm_numbers *n)
{
	char pct[64];
	cm_pct_text(cm_numbers_cover(n, c->fmt->branch), c->fmt->precision, pct,
		    sizeof(pct));
	strbuf_addf(sb, " <span class=\"pct\">%s%%</span>", pct);
}

/* Directories as nested <details> (open down to the second level), files
 * as links; any order in which each directory's files are together
 * works (here: byte order of the names). */
static void tree(struct strbuf *sb, const struct html_ctx *c)
{
	size_t n = c->rows.n;
	struct named *byname = xcalloc(n ? n : 1, sizeof(*byname));
	for (size_t i = 0; i < n; i++)
		byname[i] = (struct named){c->rows.v[i].name, i};
	qsort(byname, n, sizeof(*byname), cmp_named);
	size_t *order = xcalloc(n ? n : 1, sizeof(*order));
	for (size_t i = 0; i < n; i++)
		order[i] = byname[i].i;
	free(byname);
	strbuf_addstr(sb, "<nav id=\"tree\" aria-label=\"Files by directory\">\n"
		      "<details open><summary>");
	html_add(sb, c->fmt->root ? path_basename(c->fmt->root) : ".");
	tree_pct(sb, c, &c->rows.total);
	strbuf_addstr(sb, "</summary>\n<ul>\n");
	/* the open directories: the length of each one's prefix */
	size_t *open = xcalloc(1, sizeof(*open));
	size_t depth = 0, aopen = 1;
	const char *prev = "";
	for (size_t i = 0; i < n; i++) {
		const struct row *w = &c->rows.v[order[i]];
		const char *name = w->name;
		/* close what this file is not under */
		while (depth && (strncmp(name, prev, open[depth - 1]) ||
				 name[open[depth - 1] - 1] != '/')) {
			strbuf_addstr(sb, "</ul></details></li>\n");
			depth--;
		}
		/* open the rest of its directories */
		size_t at = depth ? open[depth - 1] : 0;
		const char *slash;
		while ((slash = strchr(name + at, '/'))) {
			size_t plen = (size_t)(slash - name) + 1;
			struct cm_numbers dn;
			dir_numbers(c, order, i, name, plen, &dn);
			strbuf_addf(sb, "<li><details%s><summary>", depth < 1 ? " open" : "");
			char *part = xstrndup(name + at, plen - at);
			html_add(sb, part);
			free(part);
			tree_pct(sb, c, &dn);
			strbuf_addstr(sb, "</summary>\n<ul>\n");
			GROW(open, aopen, depth + 1);
			open[depth++] = plen;
			at = plen;
		}
		strbuf_addstr(sb, "<li><a class=\"tree-link\" href=\"");
		html_add(sb, c->pages[order[i]]);
		strbuf_addstr(sb, "\">");
		html_add(sb, name + at);
		strbuf_addstr(sb, "</a>");
		tree_pct(sb, c, &w->num);
		strbuf_addstr(sb, "</li>\n");
		prev = name;
	}
	while (depth--)
		strbuf_addstr(sb, "</ul></details></li>\n");
	strbuf_addstr(sb, "</ul>\n</details>\n</nav>\n");
	free(open);
	free(order);
}

/* ----------------------------------------------------------- the table */

/* A name as text that may break after each '/' (<wbr>), for narrow
 * screens. */
static void name_breakable(struct strbuf *sb, const char *name)
{
	const char *p = name, *slash;
	while ((slash = strchr(p, '/'))) {
		char *part = xstrndup(p, (size_t)(slash - p) + 1);
		html_add(sb, part);
		free(part);
		strbuf_addstr(sb, "<wbr>");
		p = slash + 1;
	}
	html_add(sb, p);
}

static void file_row(struct strbuf *sb, const struct html_ctx *c, size_t i)
{
	const struct row *w = &c->rows.v[i];
	const struct cm_numbers *n = &w->num;
	char cover[64], fpct[64];
	cm_pct_text(w->cover, c->fmt->precision, cover, sizeof(cover));
	html_pct(fpct, sizeof(fpct), c, n->functions_hit, n->functions);
	strbuf_addstr(sb, "<tr class=\"file\" data-name=\"");
	html_add(sb, w->name);
	strbuf_addf(sb, "\" data-stmts=\"%zu\" data-miss=\"%zu\" data-branch=\"%zu\" "
		    "data-brpart=\"%zu\" data-cover=\"%s\" data-functions=\"%s\" "
		    "data-functions-hit=\"%zu\" data-functions-valid=\"%zu\">"
		    "<td class=\"name\"><a class=\"file-link\" href=\"",
		    n->stmts, n->miss, n->branches, n->partial, cover, fpct,
		    n->functions_hit, n->functions);
	html_add(sb, c->pages[i]);
	strbuf_addstr(sb, "\">");
	name_breakable(sb, w->name);
	strbuf_addf(sb, "</a></td><td>%zu</td><td>%zu</td><td class=\"opt\">%zu</td>"
		    "<td class=\"opt\">%zu</td><td class=\"cover\">", n->stmts, n->miss,
		    n->branches, n->partial);
	html_bar(sb, strtod(cover, NULL));
	strbuf_addf(sb, "%s%%</td><td class=\"opt\">%zu/%zu</td></tr>\n", cover,
		    n->functions_hit, n->functions);
}

static void files_table(struct strbuf *sb, const struct html_ctx *c)
{
	static const struct {
		const char *key, *title, *cls;
	} cols[] = {
		{"name", "File", ""}, {"stmts", "Stmts", ""}, {"miss", "Miss", ""},
		{"branch", "Branch", " class=\"opt\""},
		{"brpart", "BrPart", " class=\"opt\""}, {"cover", "Cover", ""},
		{"functions", "Functions", " class=\"opt\""},
	};
	strbuf_addf(sb, "<div class=\"tools\"><input id=\"filter\" type=\"search\" "
		    "placeholder=\"Filter by name\" aria-label=\"Filter files by "
		    "name\" autocomplete=\"off\"><span id=\"shown\" class=\"muted\">"
		    "%zu files</span></div>\n", c->rows.n);
	strbuf_addstr(sb, "<div class=\"table-wrap\"><table id=\"files\">\n<thead><tr>");
	for (size_t k = 0; k < sizeof(cols) / sizeof(cols[0]); k++)
		strbuf_addf(sb, "<th data-sort=\"%s\"%s><button type=\"button\">%s"
			    "</button></th>", cols[k].key, cols[k].cls, cols[k].title);
	strbuf_addstr(sb, "</tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < c->rows.n; i++)
		file_row(sb, c, i);
	const struct cm_numbers *t = &c->rows.total;
	char cover[64];
	cm_pct_text(cm_numbers_cover(t, c->fmt->branch), c->fmt->precision, cover,
		    sizeof(cover));
	strbuf_addf(sb, "</tbody>\n<tfoot><tr class=\"total\" data-cover=\"%s\">"
		    "<td>TOTAL</td><td>%zu</td><td>%zu</td><td class=\"opt\">%zu</td>"
		    "<td class=\"opt\">%zu</td><td class=\"cover\">", cover, t->stmts,
		    t->miss, t->branches, t->partial);
	html_bar(sb, strtod(cover, NULL));
	strbuf_addf(sb, "<span class=\"pct-cover\">%s%%</span></td><td class=\"opt\">"
		    "%zu/%zu</td></tr></tfoot>\n</table></div>\n", cover,
		    t->functions_hit, t->functions);
}

void html_index(struct strbuf *sb, const struct html_ctx *c)
{
	html_head(sb, c, "Coverage report", "cm-index");
	strbuf_addstr(sb, "<header class=\"top\"><span class=\"brand\">covmerge</span>"
		      "<span>");
	html_add(sb, c->fmt->root);
	strbuf_addf(sb, "</span><span>%s</span></header>\n<h1>Coverage report</h1>\n",
		    c->stamp);
	totals(sb, c);
	strbuf_addf(sb, "<p class=\"muted\">Cover counts lines%s, as the term table "
		    "and the gate do; Miss: lines never run; BrPart: branches not "
		    "taken on lines that ran.</p>\n",
		    c->fmt->branch ? " and branches (--branch)" : " (branches too with --branch)");
	files_table(sb, c);
	strbuf_addstr(sb, "<h2>By directory</h2>\n");
	tree(sb, c);
	html_foot(sb, c);
}
