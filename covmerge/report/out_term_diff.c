/* The changed lines section of the terminal report (--diff, --diff-file),
 * in the table's layout:
 *
 *   Changed lines (against main):
 *   Name        Stmts   Miss  Cover   Missing
 *   -----------------------------------------
 *   src/mod.c       6      2    67%   12-13
 *   -----------------------------------------
 *   TOTAL           6      2    67%
 *
 * Stmts are the executable changed lines, Missing the changed lines never
 * run, as ranges of lines that follow each other among the changed
 * statements. */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "report_util.h"
#include "utf8.h"

double cm_diff_cover(size_t stmts, size_t miss)
{
	return stmts ? 100.0 * (double)(stmts - miss) / (double)stmts : 100.0;
}

char *cm_diff_missing_text(const struct cm_file *f,
			   const struct cm_diff_file *df)
{
	struct strbuf sb;
	strbuf_init(&sb);
	size_t i = 0, k = 0;   /* k walks f's lines once */
	while (i < df->nmissed) {
		unsigned first = df->missed[i], last = first;
		size_t j = i + 1;
		/* the next missed line continues the range when no statement
		 * that ran lies between */
		while (j < df->nmissed) {
			int ran_between = 0;
			for (; k < f->nlines && f->lines[k].lineno < df->missed[j]; k++)
				if (f->lines[k].lineno > last && f->lines[k].count)
					ran_between = 1;
			if (ran_between)
				break;
			last = df->missed[j++];
		}
		if (sb.len)
			strbuf_addstr(&sb, ", ");
		if (first == last)
			strbuf_addf(&sb, "%u", first);
		else
			strbuf_addf(&sb, "%u-%u", first, last);
		i = j;
	}
	return strbuf_detach(&sb, NULL);
}

static void add_row(struct strbuf *sb, int nw, int cw, const char *name,
		    size_t stmts, size_t miss, int prec, const char *missing)
{
	char pct[64];
	cm_pct_text(cm_diff_cover(stmts, miss), prec, pct, sizeof(pct));
	size_t start = sb->len;
	utf8_add_padded(sb, name, (size_t)nw);
	strbuf_addf(sb, "%7zu%7zu%*s%%", stmts, miss, cw - 1, pct);
	if (missing && *missing)
		strbuf_addf(sb, "   %s", missing);
	while (sb->len > start && sb->buf[sb->len - 1] == ' ')
		sb->len--;
	sb->buf[sb->len] = '\0';
	strbuf_addch(sb, '\n');
}

char *cm_diff_table(const struct cm_report *r, const struct cm_diff *d,
		    const struct cm_format *fmt)
{
	struct strbuf sb;
	strbuf_init(&sb);
	char *against = utf8_printable(d->against);
	strbuf_addf(&sb, "\nChanged lines (against %s):", against);
	free(against);
	if (!d->stmts) {
		strbuf_addstr(&sb, " no executable line changed\n");
		return strbuf_detach(&sb, NULL);
	}
	strbuf_addch(&sb, '\n');
	char **names = xcalloc(d->nfiles + 1, sizeof(*names));
	size_t name_w = 5;
	for (size_t i = 0; i < d->nfiles; i++) {
		names[i] = utf8_printable(cm_display_name(r->files[d->files[i].file].path,
							  fmt->root));
		if (utf8_width(names[i]) > name_w)
			name_w = utf8_width(names[i]);
	}
	int nw = (int)name_w + 1;
	/* Cover as wide as the table's: the total's text + 2, at least 6,
	 * plus the gap; a wider row widens it */
	char pct[64];
	cm_pct_text(cm_diff_cover(d->stmts, d->miss), fmt->precision, pct,
		    sizeof(pct));
	size_t tw = strlen(pct) + 2 > 6 ? strlen(pct) + 2 : 6;
	int cw = (int)tw + 1;
	for (size_t i = 0; i < d->nfiles; i++) {
		cm_pct_text(cm_diff_cover(d->files[i].nchanged, d->files[i].nmissed),
			    fmt->precision, pct, sizeof(pct));
		if ((int)strlen(pct) + 2 > cw)
			cw = (int)strlen(pct) + 2;
	}
	size_t start = sb.len;
	strbuf_addf(&sb, "%-*s%7s%7s%*s%10s\n", nw, "Name", "Stmts", "Miss", cw,
		    "Cover", "Missing");
	char *rule = cm_rule_line(sb.len - start - 1);
	strbuf_addstr(&sb, rule);
	for (size_t i = 0; i < d->nfiles; i++) {
		const struct cm_diff_file *df = &d->files[i];
		char *missing = cm_diff_missing_text(&r->files[df->file], df);
		add_row(&sb, nw, cw, names[i], df->nchanged, df->nmissed,
			fmt->precision, missing);
		free(missing);
		free(names[i]);
	}
	strbuf_addstr(&sb, rule);
	add_row(&sb, nw, cw, "TOTAL", d->stmts, d->miss, fmt->precision, NULL);
	free(names);
	free(rule);
	return strbuf_detach(&sb, NULL);
}
