/* Small pieces the report writers share. */
#ifndef CM_REPORT_UTIL_H
#define CM_REPORT_UTIL_H

#include "covmerge.h"
#include "outfile.h"
#include "rows.h"
#include "strbuf.h"

/* The changed lines of df never run, as ranges ("3, 7-9": a range runs
 * on while no statement that ran lies between). The caller frees it. */
char *cm_diff_missing_text(const struct cm_file *f,
			   const struct cm_diff_file *df);
/* The changed lines' percentage: 100 when none is executable. */
double cm_diff_cover(size_t stmts, size_t miss);
/* The "diff" member of the JSON report and the changed lines section of
 * the Markdown report (out_diff.c), appended to sb. */
void cm_diff_json(struct strbuf *sb, const struct cm_report *r,
		  const struct cm_format *fmt);
void cm_diff_markdown(struct strbuf *sb, const struct cm_report *r,
		      const struct cm_format *fmt);
/* A name in a Markdown table cell, appended to sb: Markdown's own
 * characters escaped; a newline, another control character or a byte
 * that is not UTF-8 shown as '?' (out_markdown.c). */
void cm_md_escape(struct strbuf *sb, const char *name);
/* The rule under a terminal table's header: len dashes and a newline
 * (out_term.c). The caller frees it. */
char *cm_rule_line(size_t len);

#endif
