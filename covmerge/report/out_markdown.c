/* A Markdown table for a CI job summary, the columns of the terminal
 * table with a right-aligned rule row and a bold TOTAL row. With "-" as
 * the file it is appended to $GITHUB_STEP_SUMMARY when that is set (as
 * GitHub Actions expects), else printed on stdout. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "report_util.h"
#include "utf8.h"

void cm_md_escape(struct strbuf *sb, const char *name)
{
	char *safe = utf8_printable(name);
	for (const char *s = safe; *s; s++) {
		if (strchr("_*|\\`<>[]", *s))
			strbuf_addch(sb, '\\');
		strbuf_addch(sb, *s);
	}
	free(safe);
}

static void md_row(struct strbuf *sb, const char *name, int bold,
		   const struct cm_numbers *n, const char *pct,
		   const struct cm_format *fmt)
{
	const char *b = bold ? "**" : "";
	strbuf_addf(sb, "| %s", b);
	cm_md_escape(sb, name);
	strbuf_addf(sb, "%s | %s%zu%s | %s%zu%s", b, b, n->stmts, b, b, n->miss, b);
	if (fmt->branch)
		strbuf_addf(sb, " | %s%zu%s | %s%zu%s", b, n->branches, b, b,
			    n->partial, b);
	strbuf_addf(sb, " | %s%s%%%s |\n", b, pct, b);
}

int cm_write_markdown(const struct cm_report *r, const struct cm_format *fmt,
		      const char *path, cm_emit_fn *emit, void *emit_ctx)
{
	struct rows rows;
	rows_build(&rows, r, fmt);
	struct strbuf sb;
	strbuf_init(&sb);
	char pct[64];
	strbuf_addstr(&sb, fmt->branch
		? "| Name | Stmts | Miss | Branch | BrPart | Cover |\n"
		  "|---|---:|---:|---:|---:|---:|\n"
		: "| Name | Stmts | Miss | Cover |\n|---|---:|---:|---:|\n");
	for (size_t i = 0; i < rows.n; i++) {
		cm_pct_text(rows.v[i].cover, fmt->precision, pct, sizeof(pct));
		md_row(&sb, rows.v[i].name, 0, &rows.v[i].num, pct, fmt);
	}
	cm_pct_text(cm_numbers_cover(&rows.total, fmt->branch), fmt->precision,
		    pct, sizeof(pct));
	md_row(&sb, "TOTAL", 1, &rows.total, pct, fmt);
	rows_release(&rows);
	if (fmt->diff)
		cm_diff_markdown(&sb, r, fmt);

	int rc = 0;
	const char *summary = getenv("GITHUB_STEP_SUMMARY");
	if (!strcmp(path, "-") && summary && *summary) {
		FILE *fp = fopen(summary, "a");
		int bad = !fp;
		if (fp) {
			bad = fwrite(sb.buf, 1, sb.len, fp) != sb.len;
			bad |= fclose(fp) != 0;
		}
		if (bad) {
			int e = errno;
			char *msg = xasprintf("cannot write \"%s\" ($GITHUB_STEP_SUMMARY): %s",
					      summary, strerror(e));
			if (emit)
				emit(emit_ctx, CM_ERROR, msg);
			free(msg);
			rc = -1;
		}
	} else {
		rc = write_text_file(path, sb.buf, sb.len, emit, emit_ctx);
	}
	strbuf_release(&sb);
	return rc;
}
