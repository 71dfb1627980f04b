/* The changed lines (--diff) in the JSON and Markdown reports.
 *
 * JSON: a "diff" member after "totals":
 *   "diff": {"against": "main",
 *            "files": {"<name>": {"missing_lines": [...], "summary": S}},
 *            "totals": S}
 * where S is {"covered_lines", "num_statements", "missing_lines" (a
 * count), "percent_covered", "percent_covered_display"}.
 *
 * Markdown: a heading line with the changed lines' coverage, then a table
 * (Name, Stmts, Miss, Cover, Missing) with a bold TOTAL row. */
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "report_util.h"

static void json_summary(struct strbuf *sb, size_t stmts, size_t miss,
			 int precision)
{
	double pct = cm_diff_cover(stmts, miss);
	char disp[64];
	cm_pct_text(pct, precision, disp, sizeof(disp));
	strbuf_addf(sb, "{\"covered_lines\": %zu, \"num_statements\": %zu, "
		    "\"missing_lines\": %zu, \"percent_covered\": %.17g, "
		    "\"percent_covered_display\": \"%s\"}",
		    stmts - miss, stmts, miss, pct, disp);
}

void cm_diff_json(struct strbuf *sb, const struct cm_report *r,
		  const struct cm_format *fmt)
{
	const struct cm_diff *d = fmt->diff;
	strbuf_addstr(sb, ",\n \"diff\": {\"against\": ");
	json_add_string(sb, d->against);
	strbuf_addstr(sb, ", \"files\": {");
	for (size_t i = 0; i < d->nfiles; i++) {
		const struct cm_diff_file *df = &d->files[i];
		strbuf_addstr(sb, i ? ",\n  " : "\n  ");
		json_add_string(sb, cm_display_name(r->files[df->file].path, fmt->root));
		strbuf_addstr(sb, ": {\"missing_lines\": [");
		for (size_t k = 0; k < df->nmissed; k++)
			strbuf_addf(sb, k ? ", %u" : "%u", df->missed[k]);
		strbuf_addstr(sb, "], \"summary\": ");
		json_summary(sb, df->nchanged, df->nmissed, fmt->precision);
		strbuf_addch(sb, '}');
	}
	strbuf_addstr(sb, d->nfiles ? "\n },\n \"totals\": " : "}, \"totals\": ");
	json_summary(sb, d->stmts, d->miss, fmt->precision);
	strbuf_addch(sb, '}');
}

void cm_diff_markdown(struct strbuf *sb, const struct cm_report *r,
		      const struct cm_format *fmt)
{
	const struct cm_diff *d = fmt->diff;
	char pct[64];
	strbuf_addstr(sb, "\n**Changed lines** against ");
	cm_md_escape(sb, d->against);
	if (!d->stmts) {
		strbuf_addstr(sb, ": no executable line changed\n");
		return;
	}
	cm_pct_text(cm_diff_cover(d->stmts, d->miss), 2, pct, sizeof(pct));
	strbuf_addf(sb, ": %s%% (%zu of %zu)\n\n", pct, d->stmts - d->miss,
		    d->stmts);
	strbuf_addstr(sb, "| Name | Stmts | Miss | Cover | Missing |\n"
		      "|---|---:|---:|---:|---|\n");
	for (size_t i = 0; i < d->nfiles; i++) {
		const struct cm_diff_file *df = &d->files[i];
		const struct cm_file *f = &r->files[df->file];
		strbuf_addstr(sb, "| ");
		cm_md_escape(sb, cm_display_name(f->path, fmt->root));
		cm_pct_text(cm_diff_cover(df->nchanged, df->nmissed), fmt->precision,
			    pct, sizeof(pct));
		char *missing = cm_diff_missing_text(f, df);
		strbuf_addf(sb, " | %zu | %zu | %s%% |%s%s |\n", df->nchanged,
			    df->nmissed, pct, *missing ? " " : "", missing);
		free(missing);
	}
	cm_pct_text(cm_diff_cover(d->stmts, d->miss), fmt->precision, pct,
		    sizeof(pct));
	strbuf_addf(sb, "| **TOTAL** | **%zu** | **%zu** | **%s%%** | |\n",
		    d->stmts, d->miss, pct);
}
