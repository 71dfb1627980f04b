/* JSON summary, shaped like coverage.py's JSON report:
 *
 *   {"meta": {"format": 1, "version", "timestamp", "branch_coverage",
 *             "root"},
 *    "files": {"<name>": {"executed_lines": [...], "missing_lines": [...],
 *               "branches": [{"line", "count", "destination"}...],
 *               "functions": [{"name", "start_line", "end_line", "count"}],
 *               "contexts": {"<line>": ["<test id>", ...]} (with contexts),
 *               "summary": {...}}},
 *    "totals": {...}}
 *
 * Summaries carry covered_lines, num_statements, missing_lines,
 * num_branches, covered_branches, missing_branches, num_partial_branches,
 * num_functions, covered_functions, percent_covered (full precision) and
 * percent_covered_display (the rounding rule at the report's precision). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "contexts_merge.h"
#include "alloc.h"
#include "cmp.h"
#include "json.h"
#include "report_util.h"

static void summary(struct strbuf *sb, const struct cm_numbers *n,
		    const struct cm_format *fmt)
{
	double pct = cm_numbers_cover(n, fmt->branch);
	char disp[64];
	cm_pct_text(pct, fmt->precision, disp, sizeof(disp));
	strbuf_addf(sb, "{\"covered_lines\": %zu, \"num_statements\": %zu, "
		    "\"missing_lines\": %zu, \"num_branches\": %zu, "
		    "\"covered_branches\": %zu, \"missing_branches\": %zu, "
		    "\"num_partial_branches\": %zu, \"num_functions\": %zu, "
		    "\"covered_functions\": %zu, \"percent_covered\": %.17g, "
		    "\"percent_covered_display\": \"%s\"}",
		    n->stmts - n->miss, n->stmts, n->miss, n->branches,
		    n->branches - n->branches_miss, n->branches_miss, n->partial,
		    n->functions, n->functions_hit, pct, disp);
}

/* coverage.py's --show-contexts layout: per executed line, the tests
 * that ran it ("" for what ran outside any recorded test). */
static void line_contexts(struct strbuf *sb, const struct cm_contexts *ctx,
			  const struct cm_file *f)
{
	strbuf_addstr(sb, ", \"contexts\": {");
	int first = 1;
	for (size_t l = 0; l < f->nlines; l++) {
		const struct cm_line *ln = &f->lines[l];
		if (ln->count <= 0)
			continue;
		strbuf_addf(sb, "%s\"%u\": [", first ? "" : ", ", ln->lineno);
		first = 0;
		const struct ctx_entry *e = ctx_lookup(ctx, f->path, ln->lineno, 0);
		size_t cnt = e ? ctx_entry_count(e) : 0;
		const char **names = xcalloc(cnt ? cnt : 1, sizeof(*names));
		size_t n = 0;
		if (e) {
			CTX_FOR_TESTS(e, t)
				if (!ctx->selected || ctx->selected[t])
					names[n++] = ctx->store.tests[t].id;
		}
		qsort(names, n, sizeof(*names), cmp_str);
		for (size_t k = 0; k < n; k++) {
			strbuf_addstr(sb, k ? ", " : "");
			json_add_string(sb, names[k]);
		}
		free(names);
		if (!n)
			strbuf_addstr(sb, "\"\"");
		strbuf_addch(sb, ']');
	}
	strbuf_addch(sb, '}');
}

int cm_write_json(const struct cm_report *r, const struct cm_format *fmt,
		  const char *path, cm_emit_fn *emit, void *emit_ctx)
{
	struct rows rows;
	struct cm_format byname = *fmt;
	byname.sort = CM_SORT_NAME;
	byname.sort_reverse = 0;
	rows_build(&rows, r, &byname);
	struct strbuf sb;
	strbuf_init(&sb);
	strbuf_addf(&sb, "{\"meta\": {\"format\": 1, \"version\": \"%s\", "
		    "\"timestamp\": %lld, \"branch_coverage\": %s, ",
		    CM_VERSION, fmt->timestamp, fmt->branch ? "true" : "false");
	if (r->contexts)
		strbuf_addstr(&sb, "\"show_contexts\": true, ");
	strbuf_addstr(&sb, "\"root\": ");
	json_add_string(&sb, fmt->root ? fmt->root : ".");
	strbuf_addstr(&sb, "},\n \"files\": {");
	for (size_t i = 0; i < rows.n; i++) {
		const struct cm_file *f = rows.v[i].file;
		strbuf_addstr(&sb, i ? ",\n  " : "\n  ");
		json_add_string(&sb, rows.v[i].name);
		strbuf_addstr(&sb, ": {\"executed_lines\": [");
		int first = 1;
		for (size_t l = 0; l < f->nlines; l++) {
			if (f->lines[l].count <= 0)
				continue;
			strbuf_addf(&sb, first ? "%u" : ", %u", f->lines[l].lineno);
			first = 0;
		}
		strbuf_addstr(&sb, "], \"missing_lines\": [");
		first = 1;
		for (size_t l = 0; l < f->nlines; l++) {
			if (f->lines[l].count > 0)
				continue;
			strbuf_addf(&sb, first ? "%u" : ", %u", f->lines[l].lineno);
			first = 0;
		}
		strbuf_addstr(&sb, "], \"branches\": [");
		first = 1;
		for (size_t l = 0; l < f->nlines; l++) {
			const struct cm_line *ln = &f->lines[l];
			for (size_t b = 0; b < ln->nbranches; b++) {
				unsigned dst = ln->branches[b].dst_line;
				strbuf_addf(&sb, "%s{\"line\": %u, \"count\": %" PRId64
					    ", \"destination\": ", first ? "" : ", ",
					    ln->lineno, ln->branches[b].count);
				if (dst == CM_DST_UNKNOWN)
					strbuf_addstr(&sb, "null}");
				else
					strbuf_addf(&sb, "%u}", dst);
				first = 0;
			}
		}
		strbuf_addstr(&sb, "], \"functions\": [");
		for (size_t k = 0; k < f->nfunctions; k++) {
			const struct cm_function *fn = &f->functions[k];
			strbuf_addstr(&sb, k ? ", {\"name\": " : "{\"name\": ");
			json_add_string(&sb, fn->name);
			strbuf_addf(&sb, ", \"start_line\": %u, \"end_line\": %u, "
				    "\"count\": %" PRId64 "}", fn->start_line,
				    fn->end_line, fn->count);
		}
		strbuf_addch(&sb, ']');
		if (r->contexts)
			line_contexts(&sb, r->contexts, f);
		strbuf_addstr(&sb, ", \"summary\": ");
		summary(&sb, &rows.v[i].num, fmt);
		strbuf_addch(&sb, '}');
	}
	strbuf_addstr(&sb, rows.n ? "\n },\n \"totals\": " : "},\n \"totals\": ");
	summary(&sb, &rows.total, fmt);
	if (fmt->diff)
		cm_diff_json(&sb, r, fmt);
	strbuf_addstr(&sb, "\n}\n");
	rows_release(&rows);
	int rc = write_text_file(path, sb.buf, sb.len, emit, emit_ctx);
	strbuf_release(&sb);
	return rc;
}
