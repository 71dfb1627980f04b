/* The lcov tracefile writers.
 *
 * Plain (lcov:FILE) is lcov 1.x as geninfo writes it, for genhtml,
 * diff-cover and Codecov: per file TN, SF, FN/FNDA/FNF/FNH, BRDA/BRF/BRH,
 * DA/LF/LH, end_of_record, and no comment lines. BRDA's block field is 0
 * (geninfo's value for gcc 9 and later), its branch field the branch's
 * position on its line, its taken field "-" when the branch's block never
 * ran.
 *
 * Extended (lcov-ext:FILE, and the tracefiles inside portable shards) is
 * the same with what lcov 1.x has no field for: the first line is
 * LCOV_DST_MARKER and BRDA's block field holds the branch's destination
 * line (0 for the function exit, 4294967295 when it is not known), and a
 * comment line after each FN gives the function's end line. So covmerge
 * reading it back loses nothing. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "covmerge.h"
#include "lcov_read.h"
#include "outfile.h"

/* The tracefile is line-based and has no escapes: a newline or carriage
 * return in a name would end its record line, so it is written as '?'. */
static int has_line_break(const char *s)
{
	return strpbrk(s, "\n\r") != NULL;
}

static char *one_line(const char *s)
{
	char *c = xstrdup(s);
	for (char *p = c; (p = strpbrk(p, "\n\r"));)
		*p = '?';
	return c;
}

static void write_file(struct strbuf *fp, const struct cm_file *f, int ext)
{
	struct cm_numbers t;
	cm_file_numbers(f, &t);
	char *path = one_line(f->path);
	strbuf_addf(fp, "TN:\nSF:%s\n", path);
	free(path);
	char **names = xcalloc(f->nfunctions + 1, sizeof(char *));
	for (size_t i = 0; i < f->nfunctions; i++) {
		names[i] = one_line(f->functions[i].name);
		strbuf_addf(fp, "FN:%u,%s\n", f->functions[i].start_line, names[i]);
		if (ext)
			strbuf_addf(fp, "%s%u,%s\n", LCOV_FNEND,
				    f->functions[i].end_line, names[i]);
	}
	for (size_t i = 0; i < f->nfunctions; i++) {
		strbuf_addf(fp, "FNDA:%" PRId64 ",%s\n", f->functions[i].count,
			    names[i]);
		free(names[i]);
	}
	free(names);
	strbuf_addf(fp, "FNF:%zu\nFNH:%zu\n", t.functions, t.functions_hit);
	for (size_t i = 0; i < f->nlines; i++) {
		const struct cm_line *l = &f->lines[i];
		for (size_t b = 0; b < l->nbranches; b++) {
			unsigned block = ext ? l->branches[b].dst_line : 0;
			if (l->branches[b].src_executed)
				strbuf_addf(fp, "BRDA:%u,%u,%zu,%" PRId64 "\n", l->lineno,
					block, b, l->branches[b].count);
			else
				strbuf_addf(fp, "BRDA:%u,%u,%zu,-\n", l->lineno,
					block, b);
		}
	}
	strbuf_addf(fp, "BRF:%zu\nBRH:%zu\n", t.branches,
		    t.branches - t.branches_miss);
	for (size_t i = 0; i < f->nlines; i++)
		strbuf_addf(fp, "DA:%u,%" PRId64 "\n", f->lines[i].lineno,
			f->lines[i].count);
	strbuf_addf(fp, "LF:%zu\nLH:%zu\nend_of_record\n", t.stmts,
		    t.stmts - t.miss);
}

void lcov_format(struct strbuf *sb, const struct cm_file *files, size_t n,
		 int ext)
{
	if (ext)
		strbuf_addf(sb, "%s\n", LCOV_DST_MARKER);
	for (size_t i = 0; i < n; i++)
		write_file(sb, &files[i], ext);
}

static int write_lcov(const struct cm_report *r, const char *path, int ext,
		      cm_emit_fn *emit, void *emit_ctx)
{
	for (size_t i = 0; i < r->nfiles && emit; i++) {
		const struct cm_file *f = &r->files[i];
		int bad = has_line_break(f->path);
		for (size_t k = 0; k < f->nfunctions && !bad; k++)
			bad = has_line_break(f->functions[k].name);
		if (bad) {
			char *shown = one_line(f->path);
			char *msg = xasprintf("\"%s\": a newline in the source path or "
					      "a function name of \"%s\" is written "
					      "as '?' (the tracefile has no escapes)",
					      path, shown);
			emit(emit_ctx, CM_WARNING, msg);
			free(msg);
			free(shown);
		}
	}
	struct strbuf sb;
	strbuf_init(&sb);
	lcov_format(&sb, r->files, r->nfiles, ext);
	int rc = write_text_file(path, sb.buf, sb.len, emit, emit_ctx);
	strbuf_release(&sb);
	return rc;
}

int cm_write_lcov(const struct cm_report *r, const char *path,
		  cm_emit_fn *emit, void *emit_ctx)
{
	return write_lcov(r, path, 0, emit, emit_ctx);
}

int cm_write_lcov_ext(const struct cm_report *r, const char *path,
		      cm_emit_fn *emit, void *emit_ctx)
{
	return write_lcov(r, path, 1, emit, emit_ctx);
}
