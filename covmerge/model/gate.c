/* The coverage gate. One rule everywhere: a percentage is compared as it
 * is printed, at 2 decimals under cm_pct_text's rounding (so 99.996 shows
 * and counts as 99.99 never 100, and a threshold of 100 needs everything). */
#include <stdio.h>
#include <stdlib.h>

#include "alloc.h"
#include "covmerge.h"
#include "rows.h"
#include "strbuf.h"
#include "utf8.h"

static int check(struct strbuf *sb, const char *what, const char *label,
		 double min, double pct, const char *over)
{
	char shown[64];
	double value = cm_pct_text(pct, 2, shown, sizeof(shown));
	int fail = value < min;
	strbuf_addf(sb, "%sRequired %s coverage of %g%% %s. %s coverage: %s%%%s\n",
		    fail ? "FAIL " : "", what, min, fail ? "not reached" : "reached",
		    label, shown, over);
	return fail;
}

static double ratio(size_t hit, size_t total)
{
	return total ? 100.0 * (double)hit / (double)total : 100.0;
}

int cm_gate_check(const struct cm_report *r, const struct cm_gate *g,
		  int branch, char **text)
{
	struct cm_numbers t = {0};
	for (size_t i = 0; i < r->nfiles; i++) {
		struct cm_numbers n;
		cm_file_numbers(&r->files[i], &n);
		cm_numbers_add(&t, &n);
	}
	struct strbuf sb;
	strbuf_init(&sb);
	int failed = 0;
	/* the total is over the files reported: say so when a filter left
	 * measured files out */
	char *over = r->nleft_out
		? xasprintf(" over the %zu file%s reported (%zu measured file%s "
			    "left out)", r->nfiles, r->nfiles == 1 ? "" : "s",
			    r->nleft_out, r->nleft_out == 1 ? "" : "s")
		: xstrdup("");
	if (g->fail_under >= 0)
		failed += check(&sb, "test", "Total", g->fail_under,
				cm_numbers_cover(&t, branch), over);
	if (g->fail_under_line >= 0)
		failed += check(&sb, "line", "Line", g->fail_under_line,
				ratio(t.stmts - t.miss, t.stmts), over);
	if (g->fail_under_branch >= 0)
		failed += check(&sb, "branch", "Branch", g->fail_under_branch,
				ratio(t.branches - t.branches_miss, t.branches), over);
	if (g->fail_under_function >= 0)
		failed += check(&sb, "function", "Function", g->fail_under_function,
				ratio(t.functions_hit, t.functions), over);
	free(over);
	*text = strbuf_detach(&sb, NULL);
	strbuf_release(&sb);
	return failed;
}

int cm_gate_check_diff(const struct cm_diff *d, double min, char **text)
{
	struct strbuf sb;
	strbuf_init(&sb);
	int failed = 0;
	if (!d->stmts) {
		strbuf_addf(&sb, "Required coverage of changed lines of %g%% reached. "
			    "No executable line changed.\n", min);
	} else {
		char shown[64];
		double value = cm_pct_text(ratio(d->stmts - d->miss, d->stmts), 2,
					   shown, sizeof(shown));
		failed = value < min;
		strbuf_addf(&sb, "%sRequired coverage of changed lines of %g%% %s. "
			    "Changed-line coverage: %s%% (%zu of %zu)\n",
			    failed ? "FAIL " : "", min,
			    failed ? "not reached" : "reached", shown,
			    d->stmts - d->miss, d->stmts);
	}
	*text = strbuf_detach(&sb, NULL);
	strbuf_release(&sb);
	return failed;
}

int cm_gate_check_files(const struct cm_report *r, const struct cm_format *fmt,
			double min, char **text)
{
	struct rows rows;
	rows_build(&rows, r, fmt);
	struct strbuf under;
	strbuf_init(&under);
	size_t n = 0;
	for (size_t i = 0; i < rows.n; i++) {
		char shown[64];
		if (cm_pct_text(rows.v[i].cover, 2, shown, sizeof(shown)) >= min)
			continue;
		char *name = utf8_printable(rows.v[i].name);
		strbuf_addf(&under, "  %s: %s%%\n", name, shown);
		free(name);
		n++;
	}
	struct strbuf sb;
	strbuf_init(&sb);
	if (n)
		strbuf_addf(&sb, "FAIL Required coverage of %g%% per file not reached "
			    "by %zu of %zu file%s:\n%s", min, n, rows.n,
			    rows.n == 1 ? "" : "s", under.buf);
	else
		strbuf_addf(&sb, "Required coverage of %g%% per file reached by "
			    "every file (%zu).\n", min, rows.n);
	strbuf_release(&under);
	rows_release(&rows);
	*text = strbuf_detach(&sb, NULL);
	strbuf_release(&sb);
	return n ? 1 : 0;
}
