/* The HTML report's page of one source file: its numbers, the function
 * table, and the source (read as the exclusion markers read it) with one
 * row per line: number, hits, a symbol, the text, and for a partly run
 * line the branches not taken with their destination lines. */
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "cmp.h"
#include "contexts_merge.h"
#include "exclude.h"
#include "infile.h"
#include "json.h"
#include "out_html.h"
#include "xml.h"

/* The line states, their symbols and what the symbol's title says. */
enum state { ST_NONE, ST_RUN, ST_MISS, ST_PART, ST_EXCL };
static const char *const state_class[] = {"none", "run", "miss", "part", "excl"};
static const char *const state_sym[] = {"", "\xe2\x9c\x93", "\xe2\x9c\x97",
					"\xe2\x97\x90", "\xe2\x80\x93"};
static const char *const state_title[] = {"", "run", "not run", "partly run",
					  "excluded"};

static void summary(struct strbuf *sb, const struct html_ctx *c,
		    const struct cm_numbers *n)
{
	char a[64], b[64], f[64];
	html_pct(a, sizeof(a), c, n->stmts - n->miss, n->stmts);
	html_pct(b, sizeof(b), c, n->branches - n->branches_miss, n->branches);
	html_pct(f, sizeof(f), c, n->functions_hit, n->functions);
	strbuf_addf(sb, "<section class=\"summary\" data-lines-covered=\"%zu\" "
		    "data-lines-valid=\"%zu\" data-branches-covered=\"%zu\" "
		    "data-branches-valid=\"%zu\" data-functions-covered=\"%zu\" "
		    "data-functions-valid=\"%zu\">\n",
		    n->stmts - n->miss, n->stmts, n->branches - n->branches_miss,
		    n->branches, n->functions_hit, n->functions);
	strbuf_addf(sb, "<div class=\"card\"><h2>Lines</h2><span class=\"pct "
		    "pct-lines\">%s%%</span><span class=\"frac\">%zu of %zu</span></div>\n",
		    a, n->stmts - n->miss, n->stmts);
	strbuf_addf(sb, "<div class=\"card\"><h2>Branches</h2><span class=\"pct "
		    "pct-branches\">%s%%</span><span class=\"frac\">%zu of %zu</span>"
		    "</div>\n", b, n->branches - n->branches_miss, n->branches);
	strbuf_addf(sb, "<div class=\"card\"><h2>Functions</h2><span class=\"pct "
		    "pct-functions\">%s%%</span><span class=\"frac\">%zu of %zu</span>"
		    "</div>\n</section>\n", f, n->functions_hit, n->functions);
}

static void functions(struct strbuf *sb, const struct cm_file *f)
{
	strbuf_addf(sb, "<details class=\"fns\" open><summary>Functions (%zu)</summary>\n"
		    "<div class=\"table-wrap\"><table id=\"functions\">\n<thead><tr>"
		    "<th>Function</th><th>Line</th><th>Calls</th></tr></thead>\n<tbody>\n",
		    f->nfunctions);
	for (size_t i = 0; i < f->nfunctions; i++) {
		const struct cm_function *fn = &f->functions[i];
		strbuf_addf(sb, "<tr class=\"fn %s\" data-line=\"%u\" data-calls=\"%" PRId64
			    "\"><td class=\"name\">", fn->count > 0 ? "run" : "miss",
			    fn->start_line, fn->count);
		html_add(sb, fn->name);
		strbuf_addf(sb, "</td><td><a href=\"#L%u\">%u</a></td><td>%" PRId64
			    "</td></tr>\n", fn->start_line, fn->start_line, fn->count);
	}
	strbuf_addstr(sb, "</tbody></table></div></details>\n");
}

static enum state line_state(const struct cm_line *l)
{
	if (!l)
		return ST_NONE;
	if (l->count <= 0)
		return ST_MISS;
	for (size_t b = 0; b < l->nbranches; b++)
		if (l->branches[b].count <= 0)
			return ST_PART;
	return ST_RUN;
}

/* The branches of a partly run line that were not taken: "12->15",
 * "12->exit", "12->?" (destination not known), each once. Returns whether
 * a destination was unknown. */
static int arcs(struct strbuf *sb, const struct cm_line *l)
{
	size_t taken = 0;
	for (size_t b = 0; b < l->nbranches; b++)
		taken += l->branches[b].count > 0;
	strbuf_addf(sb, "<span class=\"arcs\" title=\"%zu of %zu branches taken; "
		    "not taken:\">", taken, l->nbranches);
	int unknown = 0;
	size_t shown = 0;
	for (size_t b = 0; b < l->nbranches; b++) {
		const struct cm_branch *br = &l->branches[b];
		if (br->count > 0)
			continue;
		size_t k;
		for (k = 0; k < b; k++)
			if (l->branches[k].count <= 0 &&
			    l->branches[k].dst_line == br->dst_line)
				break;
		if (k < b)
			continue;
		if (shown++)
			strbuf_addstr(sb, " ");
		if (br->dst_line == CM_DST_UNKNOWN) {
			strbuf_addf(sb, "%u-&gt;?", l->lineno);
			unknown = 1;
		} else if (br->dst_line) {
			strbuf_addf(sb, "%u-&gt;%u", l->lineno, br->dst_line);
		} else {
			strbuf_addf(sb, "%u-&gt;exit", l->lineno);
		}
	}
	strbuf_addstr(sb, "</span>");
	return unknown;
}

/* ---------------------------------------------------- per-test contexts */

/* The tests of one page: those that ran a line of the file (kept by
 * --context), by id; local[t] is test t's index in the page's table + 1,
 * or 0. */
struct page_tests {
	const struct cm_contexts *ctx;
	const char *path;
	uint32_t *local;
	uint32_t *order;         /* the page's tests (store indices), by id */
	size_t n;
	uint32_t *buf;           /* one line's local indices */
};

static int kept(const struct cm_contexts *ctx, uint64_t t)
{
	return !ctx->selected || ctx->selected[t];
}

static const struct cm_contexts *sort_ctx;

static int cmp_test_id(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	int c = strcmp(sort_ctx->store.tests[x].id, sort_ctx->store.tests[y].id);
	return c ? c : (x > y) - (x < y);
}

static void page_tests_init(struct page_tests *pt, const struct cm_contexts *ctx,
			    const struct cm_file *f)
{
	memset(pt, 0, sizeof(*pt));
	pt->ctx = ctx;
	pt->path = f->path;
	size_t nt = ctx->store.ntests;
	pt->local = xcalloc(nt ? nt : 1, sizeof(*pt->local));
	pt->order = xcalloc(nt ? nt : 1, sizeof(*pt->order));
	pt->buf = xcalloc(nt ? nt : 1, sizeof(*pt->buf));
	for (size_t l = 0; l < f->nlines; l++) {
		if (f->lines[l].count <= 0)
			continue;
		const struct ctx_entry *e = ctx_lookup(ctx, f->path, f->lines[l].lineno, 0);
		if (!e)
			continue;
		CTX_FOR_TESTS(e, t)
			if (kept(ctx, t) && !pt->local[t]) {
				pt->local[t] = 1;
				pt->order[pt->n++] = (uint32_t)t;
			}
	}
	sort_ctx = ctx;
	qsort(pt->order, pt->n, sizeof(*pt->order), cmp_test_id);
	sort_ctx = NULL;
	for (size_t k = 0; k < pt->n; k++)
		pt->local[pt->order[k]] = (uint32_t)k + 1;
}

static void page_tests_release(struct page_tests *pt)
{
	free(pt->local);
	free(pt->order);
	free(pt->buf);
}

/* The page's table of test ids: a JSON array in a script element that is
 * not run; '<', '>' and '&' as \u escapes, so that no id can end the
 * element or start a comment. */
static void tests_table(struct strbuf *sb, const struct page_tests *pt)
{
	strbuf_addstr(sb, "<script type=\"application/json\" id=\"ctx-tests\">[");
	struct strbuf one;
	strbuf_init(&one);
	for (size_t k = 0; k < pt->n; k++) {
		strbuf_reset(&one);
		json_add_string(&one, pt->ctx->store.tests[pt->order[k]].id);
		if (k)
			strbuf_addch(sb, ',');
		for (size_t i = 0; i < one.len; i++) {
			char ch = one.buf[i];
			if (ch == '<' || ch == '>' || ch == '&')
				strbuf_addf(sb, "\\u%04x", (unsigned)ch);
			else
				strbuf_addch(sb, ch);
		}
	}
	strbuf_release(&one);
	strbuf_addstr(sb, "]</script>\n");
}

/* The .ctx cell of line l (NULL: not executable): for an executed line a
 * button with the number of tests that ran it and, in data-t, their
 * indices in the page's table ("0,3-5"); "0" without a list for a line
 * run outside any recorded test. Rows are many: no type or aria
 * attribute per button (not in a form; cm.js sets aria-expanded). */
static void ctx_cell(struct strbuf *sb, struct page_tests *pt, const struct cm_line *l)
{
	strbuf_addstr(sb, "<td class=\"ctx\">");
	if (l && l->count > 0) {
		const struct ctx_entry *e = ctx_lookup(pt->ctx, pt->path, l->lineno, 0);
		size_t n = 0;
		if (e) {
			CTX_FOR_TESTS(e, t)
				if (kept(pt->ctx, t))
					pt->buf[n++] = pt->local[t] - 1;
		}
		qsort(pt->buf, n, sizeof(*pt->buf), cmp_u32);
		if (!n) {
			strbuf_addstr(sb, "<span class=\"ctxn ctx-none\" title=\"run outside "
				      "any recorded test\">0</span>");
		} else {
			strbuf_addstr(sb, "<button class=\"ctxn\" data-t=\"");
			for (size_t k = 0; k < n;) {
				size_t j = k;
				while (j + 1 < n && pt->buf[j + 1] == pt->buf[j] + 1)
					j++;
				strbuf_addf(sb, "%s%u", k ? "," : "", pt->buf[k]);
				if (j > k)
					strbuf_addf(sb, "-%u", pt->buf[j]);
				k = j + 1;
			}
			strbuf_addf(sb, "\">%zu</button>", n);
		}
	}
	strbuf_addstr(sb, "</td>");
}

/* One row; text NULL for none (an unreadable source); pt NULL when the
 * report has no contexts (no .ctx cell). */
static int source_row(struct strbuf *sb, unsigned ln, const struct cm_line *l,
		      int excluded, const char *text, size_t len,
		      struct page_tests *pt)
{
	enum state st = l ? line_state(l) : excluded ? ST_EXCL : ST_NONE;
	strbuf_addf(sb, "<tr id=\"L%u\" class=\"line %s\"", ln, state_class[st]);
	if (l)
		strbuf_addf(sb, " data-hits=\"%" PRId64 "\"", l->count);
	strbuf_addf(sb, "><td class=\"num\"><a href=\"#L%u\">%u</a></td><td class=\"hits\">",
		    ln, ln);
	if (l)
		strbuf_addf(sb, "%" PRId64, l->count);
	strbuf_addstr(sb, "</td><td class=\"sym\"");
	if (st != ST_NONE)
		strbuf_addf(sb, " title=\"%s\"", state_title[st]);
	strbuf_addf(sb, ">%s</td><td class=\"src\"><code>", state_sym[st]);
	if (text) {
		if (len && text[len - 1] == '\r')
			len--;
		xml_add_escaped_len(sb, text, len);
	}
	strbuf_addstr(sb, "</code></td><td class=\"note\">");
	int unknown = st == ST_PART ? arcs(sb, l) : 0;
	strbuf_addstr(sb, "</td>");
	if (pt)
		ctx_cell(sb, pt, l);
	strbuf_addstr(sb, "</tr>\n");
	return unknown;
}

/* What the .ctx column shows, and how many tests it is about. */
static void contexts_note(struct strbuf *sb, const struct page_tests *pt)
{
	size_t kept_n = 0, nt = pt->ctx->store.ntests;
	for (size_t t = 0; t < nt; t++)
		kept_n += kept(pt->ctx, t);
	strbuf_addf(sb, "<p class=\"muted ctx-note\" data-tests-file=\"%zu\" "
		    "data-tests-report=\"%zu\">Tests: the last column counts the tests "
		    "that ran each line (a click lists them); %zu of the %zu tests%s "
		    "ran lines of this file; <span class=\"ctxn ctx-none\">0</span>: "
		    "the line ran, but outside any recorded test.</p>\n", pt->n, kept_n, pt->n,
		    kept_n, pt->ctx->selected ? " kept by --context" : "");
}

static void legend(struct strbuf *sb)
{
	strbuf_addstr(sb, "<div class=\"legend\">");
	for (int s = ST_RUN; s <= ST_EXCL; s++)
		strbuf_addf(sb, "<span><span class=\"k %s\">%s</span> %s</span>",
			    state_class[s], state_sym[s], state_title[s]);
	strbuf_addstr(sb, "<span><kbd>j</kbd> <kbd>k</kbd> next / previous missed "
		      "line</span></div>\n");
}

int html_file_page(struct strbuf *sb, const struct html_ctx *c, size_t i,
		   unsigned *nsrc_out, unsigned *last_out)
{
	const struct row *w = &c->rows.v[i];
	const struct cm_file *f = w->file;
	html_head(sb, c, w->name, "cm-file");
	strbuf_addstr(sb, "<header class=\"top\"><a id=\"index-link\" href=\"index.html\">"
		      "\xe2\x86\x90 Index</a><span class=\"brand\">covmerge</span><span>");
	strbuf_addstr(sb, c->stamp);
	strbuf_addstr(sb, "</span></header>\n<h1><code>");
	html_add(sb, w->name);
	strbuf_addstr(sb, "</code></h1>\n");
	summary(sb, c, &w->num);
	functions(sb, f);

	struct strbuf src, err;
	strbuf_init(&src);
	strbuf_init(&err);
	int readable = infile_load_source(f->path, &src, &err) == 0;
	size_t nex = 0;
	unsigned char *ex = readable
		? exclude_marks(f->path, src.buf, src.len, &nex, NULL, NULL) : NULL;
	unsigned nsrc = 0;
	if (readable) {
		for (size_t k = 0; k < src.len; k++)
			nsrc += src.buf[k] == '\n';
		if (src.len && src.buf[src.len - 1] != '\n')
			nsrc++;
	}
	unsigned last = f->nlines ? f->lines[f->nlines - 1].lineno : 0;
	if (!readable) {
		strbuf_addstr(sb, "<p id=\"no-source\">The source could not be read (\"");
		html_add(sb, f->path);
		strbuf_addstr(sb, "\": ");
		html_add(sb, err.buf);
		strbuf_addstr(sb, "): the executable lines are listed with their counts, "
			      "without their text.</p>\n");
	} else if (last > nsrc) {
		strbuf_addf(sb, "<p class=\"warn\">The source has %u lines, the coverage "
			    "data counts lines up to %u: the source may have changed "
			    "since the program ran.</p>\n", nsrc, last);
	}
	legend(sb);
	struct page_tests tests, *pt = NULL;
	if (c->r->contexts) {
		pt = &tests;
		page_tests_init(pt, c->r->contexts, f);
		contexts_note(sb, pt);
		tests_table(sb, pt);
	}
	strbuf_addstr(sb, "<div class=\"src-wrap\"><table id=\"source\">\n<tbody>\n");
	int unknown = 0;
	size_t li = 0;
	if (readable) {
		const char *p = src.buf, *end = src.buf + src.len;
		unsigned ln = 1;
		for (; p < end || ln <= last; ln++) {
			const char *nl = p < end ? memchr(p, '\n', (size_t)(end - p)) : NULL;
			size_t len = p < end ? (nl ? (size_t)(nl - p) : (size_t)(end - p)) : 0;
			const struct cm_line *l = NULL;
			while (li < f->nlines && f->lines[li].lineno < ln)
				li++;
			if (li < f->nlines && f->lines[li].lineno == ln)
				l = &f->lines[li];
			int excluded = ex && ln <= nex && (ex[ln] & EXCL_MARK_LINE);
			unknown |= source_row(sb, ln, l, excluded, p < end ? p : "", len, pt);
			p = p < end ? (nl ? nl + 1 : end) : end;
		}
	} else {
		for (; li < f->nlines; li++)
			unknown |= source_row(sb, f->lines[li].lineno, &f->lines[li], 0,
					      NULL, 0, pt);
	}
	strbuf_addstr(sb, "</tbody></table></div>\n");
	strbuf_addstr(sb, "<p class=\"muted\">A partly run line lists the branches not "
		      "taken as <code>line-&gt;destination</code>: the first line of "
		      "the block the branch goes to, from the compiler's notes; "
		      "<code>exit</code> leaves the function.");
	if (unknown)
		strbuf_addstr(sb, " <code>?</code>: the input (an lcov tracefile of "
			      "another tool) does not say where the branch goes.");
	strbuf_addstr(sb, "</p>\n");
	if (pt)
		page_tests_release(pt);
	free(ex);
	strbuf_release(&src);
	strbuf_release(&err);
	html_foot(sb, c);
	*nsrc_out = nsrc;
	*last_out = last;
	return readable && last > nsrc;
}
