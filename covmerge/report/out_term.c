/* The terminal table in coverage.py's layout:
 *
 *   Name              Stmts   Miss Branch BrPart  Cover   Missing
 *   -------------------------------------------------------------
 *   src/mod.c             9      1      4      1    85%   3->5, 10
 *   -------------------------------------------------------------
 *   TOTAL                 9      1      4      1    85%
 *
 * Name is left-aligned to the longest name + 1; the count columns are 7
 * wide; Cover is wide enough for its widest value plus '%'; Missing is
 * headed in 10 and each value follows three spaces. Lines carry no
 * trailing blanks, so CI log scrapers that look for a TOTAL line ending in
 * " NN%" match it. */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "report_util.h"
#include "utf8.h"

static void rstrip_line(struct strbuf *sb, size_t start)
{
	while (sb->len > start && sb->buf[sb->len - 1] == ' ')
		sb->len--;
	sb->buf[sb->len] = '\0';
	strbuf_addch(sb, '\n');
}

static void add_row(struct strbuf *sb, int name_w, int cover_w,
		    const char *name, const struct cm_numbers *n,
		    const char *pct, const struct cm_format *fmt,
		    const char *missing)
{
	size_t start = sb->len;
	utf8_add_padded(sb, name, (size_t)name_w);
	strbuf_addf(sb, "%7zu%7zu", n->stmts, n->miss);
	if (fmt->branch)
		strbuf_addf(sb, "%7zu%7zu", n->branches, n->partial);
	strbuf_addf(sb, "%*s%%", cover_w - 1, pct);
	if (fmt->show_missing && missing)
		strbuf_addf(sb, "   %s", missing);
	rstrip_line(sb, start);
}

char *cm_rule_line(size_t len)
{
	char *rule = xmalloc(len + 2);
	memset(rule, '-', len);
	rule[len] = '\n';
	rule[len + 1] = '\0';
	return rule;
}

char *cm_term_table(const struct cm_report *r, const struct cm_format *fmt)
{
	struct rows rows;
	rows_build(&rows, r, fmt);
	int prec = fmt->precision;
	char **pcts = xcalloc(rows.n + 1, sizeof(char *));
	char buf[64];
	size_t name_w = 5; /* "TOTAL" */
	size_t pct_w = 0;
	size_t skipped = 0;
	int *show = xcalloc(rows.n + 1, sizeof(int));
	/* names as the terminal may show them: no newline, no escape
	 * sequence, no invalid UTF-8 */
	char **names = xcalloc(rows.n + 1, sizeof(char *));
	for (size_t i = 0; i < rows.n; i++) {
		cm_pct_text(rows.v[i].cover, prec, buf, sizeof(buf));
		/* skip-covered: a file whose every statement (and branch) ran */
		int full = rows.v[i].num.miss == 0 &&
			   (!fmt->branch || rows.v[i].num.branches_miss == 0);
		if (fmt->skip_covered && full) {
			skipped++;
			continue;
		}
		show[i] = 1;
		pcts[i] = xstrdup(buf);
		names[i] = utf8_printable(rows.v[i].name);
		if (utf8_width(names[i]) > name_w)
			name_w = utf8_width(names[i]);
		if (strlen(buf) > pct_w)
			pct_w = strlen(buf);
	}
	double total = cm_numbers_cover(&rows.total, fmt->branch);
	cm_pct_text(total, prec, buf, sizeof(buf));
	pcts[rows.n] = xstrdup(buf);
	int nw = (int)name_w + 1;
	/* sized for the total; a body row widens it only as far as it needs */
	size_t tw = strlen(buf) + 2 > 6 ? strlen(buf) + 2 : 6;
	int cw = (int)tw + 1;
	if ((int)pct_w + 2 > cw)
		cw = (int)pct_w + 2;

	struct strbuf sb;
	strbuf_init(&sb);
	size_t start = sb.len;
	strbuf_addf(&sb, "%-*s%7s%7s", nw, "Name", "Stmts", "Miss");
	if (fmt->branch)
		strbuf_addf(&sb, "%7s%7s", "Branch", "BrPart");
	strbuf_addf(&sb, "%*s", cw, "Cover");
	if (fmt->show_missing)
		strbuf_addf(&sb, "%10s", "Missing");
	rstrip_line(&sb, start);
	char *rule = cm_rule_line(sb.len - start - 1);
	strbuf_addstr(&sb, rule);
	size_t shown = 0;
	for (size_t i = 0; i < rows.n; i++) {
		if (!show[i])
			continue;
		shown++;
		char *missing = fmt->show_missing
			? cm_missing_text(rows.v[i].file, fmt->branch) : NULL;
		add_row(&sb, nw, cw, names[i], &rows.v[i].num, pcts[i], fmt,
			missing);
		free(missing);
	}
	if (shown)
		strbuf_addstr(&sb, rule);
	add_row(&sb, nw, cw, "TOTAL", &rows.total, pcts[rows.n], fmt, NULL);
	if (skipped)
		strbuf_addf(&sb, "\n%zu file%s skipped due to complete coverage.\n",
			    skipped, skipped == 1 ? "" : "s");
	for (size_t i = 0; i <= rows.n; i++) {
		free(pcts[i]);
		free(names[i]);
	}
	free(pcts);
	free(names);
	free(show);
	free(rule);
	rows_release(&rows);
	return strbuf_detach(&sb, NULL);
}
