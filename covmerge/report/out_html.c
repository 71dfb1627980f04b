/* The HTML report: DIR/index.html, one page per source file, and the
 * style sheet and script beside them (cm.css, cm.js, embedded in the
 * program at build time from covmerge/report/html/). The directory is
 * written whole into a temporary directory and put in place at once
 * (common/outdir.c). Page names come from the file's name relative to the
 * root: characters other than letters, digits, '.', '-' and '_' become
 * '_' ('/' too), then ".html"; names that would clash (also by case, for
 * case-insensitive file systems) get "-2", "-3" before ".html". */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alloc.h"
#include "html_assets.h"
#include "out_html.h"
#include "outdir.h"
#include "xml.h"

void html_add(struct strbuf *sb, const char *s)
{
	xml_add_escaped(sb, s);
}

void html_head(struct strbuf *sb, const struct html_ctx *c, const char *title,
	       const char *cls)
{
	(void)c;
	strbuf_addstr(sb, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
		      "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
		      "content=\"width=device-width, initial-scale=1\">\n"
		      HTML_GENERATOR " " CM_VERSION "\">\n<title>");
	html_add(sb, title);
	strbuf_addstr(sb, "</title>\n<link rel=\"stylesheet\" href=\"cm.css\">\n"
		      "<script src=\"cm.js\" defer></script>\n</head>\n<body class=\"");
	strbuf_addstr(sb, cls);
	strbuf_addstr(sb, "\">\n");
}

void html_foot(struct strbuf *sb, const struct html_ctx *c)
{
	strbuf_addf(sb, "<footer>Written by covmerge %s on %s.</footer>\n"
		    "</body>\n</html>\n", CM_VERSION, c->stamp);
}

void html_pct(char *buf, size_t n, const struct html_ctx *c, size_t hit,
	      size_t total)
{
	double pct = total ? 100.0 * (double)hit / (double)total : 100.0;
	cm_pct_text(pct, c->fmt->precision, buf, n);
}

void html_bar(struct strbuf *sb, double pct)
{
	const char *cls = pct >= 90 ? "hi" : pct >= 75 ? "mid" : "lo";
	strbuf_addf(sb, "<span class=\"bar %s\" aria-hidden=\"true\"><span "
		    "style=\"width:%.1f%%\"></span></span>", cls, pct);
}

/* ---------------------------------------------------------- page names */

static uint64_t hash_folded(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch >= 'A' && ch <= 'Z')
			ch = (unsigned char)(ch - 'A' + 'a');
		h = (h ^ ch) * 1099511628211ull;
	}
	return h;
}

/* A set of names compared without case: open addressing. */
struct name_set {
	const char **v;
	size_t cap;
};

/* Adds name unless present: returns 1 when added. */
static int set_add(struct name_set *s, const char *name)
{
	size_t i = (size_t)hash_folded(name) & (s->cap - 1);
	while (s->v[i]) {
		if (!strcasecmp(s->v[i], name))
			return 0;
		i = (i + 1) & (s->cap - 1);
	}
	s->v[i] = name;
	return 1;
}

static char *page_base(const char *name)
{
	char *b = xmalloc(strlen(name) + 1);
	size_t n = 0;
	for (const char *p = name; *p; p++) {
		char ch = *p;
		int ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			 (ch >= '0' && ch <= '9') || ch == '.' || ch == '-' || ch == '_';
		b[n++] = ok ? ch : '_';
	}
	b[n] = '\0';
	/* no hidden files, no "." or ".." */
	if (b[0] == '.')
		b[0] = '_';
	return b;
}

static char **page_names(const struct rows *rows)
{
	char **names = xcalloc(rows->n ? rows->n : 1, sizeof(*names));
	struct name_set set;
	set.cap = 16;
	while (set.cap < 2 * (rows->n + 4))
		set.cap *= 2;
	set.v = xcalloc(set.cap, sizeof(*set.v));
	set_add(&set, "index.html");
	set_add(&set, "cm.css");
	set_add(&set, "cm.js");
	for (size_t i = 0; i < rows->n; i++) {
		char *base = page_base(rows->v[i].name);
		char *name = xasprintf("%s.html", base);
		for (unsigned k = 2; !set_add(&set, name); k++) {
			free(name);
			name = xasprintf("%s-%u.html", base, k);
		}
		free(base);
		names[i] = name;
	}
	free(set.v);
	return names;
}

/* ---------------------------------------------------------- the report */

static int write_page(struct outdir *od, const char *name, struct strbuf *sb,
		      const char *dir, cm_emit_fn *emit, void *emit_ctx)
{
	struct strbuf err;
	strbuf_init(&err);
	int rc = outdir_write(od, name, sb->buf, sb->len, &err);
	if (rc && emit) {
		char *msg = xasprintf("cannot write \"%s/%s\": %s", dir, name, err.buf);
		emit(emit_ctx, CM_ERROR, msg);
		free(msg);
	}
	strbuf_release(&err);
	return rc;
}

int cm_write_html(const struct cm_report *r, const struct cm_format *fmt,
		  const char *dir, cm_emit_fn *emit, void *emit_ctx)
{
	struct strbuf err;
	strbuf_init(&err);
	struct outdir od;
	if (outdir_open(&od, dir, HTML_GENERATOR, &err)) {
		if (emit) {
			char *msg = xasprintf("cannot write \"%s\": %s", dir, err.buf);
			emit(emit_ctx, CM_ERROR, msg);
			free(msg);
		}
		strbuf_release(&err);
		return -1;
	}
	struct html_ctx c;
	memset(&c, 0, sizeof(c));
	c.r = r;
	c.fmt = fmt;
	rows_build(&c.rows, r, fmt);
	c.pages = page_names(&c.rows);
	time_t t = (time_t)fmt->timestamp;
	struct tm tm;
	if (gmtime_r(&t, &tm))
		strftime(c.stamp, sizeof(c.stamp), "%Y-%m-%d %H:%M UTC", &tm);

	struct strbuf sb;
	strbuf_init(&sb);
	strbuf_add(&sb, cm_html_css, cm_html_css_len);
	int rc = write_page(&od, "cm.css", &sb, dir, emit, emit_ctx);
	if (!rc) {
		strbuf_reset(&sb);
		strbuf_add(&sb, cm_html_js, cm_html_js_len);
		rc = write_page(&od, "cm.js", &sb, dir, emit, emit_ctx);
	}
	size_t nstale = 0;
	char *stale = NULL;
	for (size_t i = 0; !rc && i < c.rows.n; i++) {
		strbuf_reset(&sb);
		unsigned nsrc, last;
		if (html_file_page(&sb, &c, i, &nsrc, &last) && !nstale++)
			stale = xasprintf("\"%s\" has %u lines, its coverage data "
					  "counts lines up to %u", c.rows.v[i].file->path,
					  nsrc, last);
		rc = write_page(&od, c.pages[i], &sb, dir, emit, emit_ctx);
	}
	/* the page says so at its top; a run in CI is read on its log */
	if (!rc && nstale && emit) {
		char *msg = xasprintf("html report \"%s\": the source %s: changed "
				      "since the program ran? (%zu file%s so; the "
				      "pages say it too)", dir, stale, nstale,
				      nstale == 1 ? "" : "s");
		emit(emit_ctx, CM_WARNING, msg);
		free(msg);
	}
	free(stale);
	if (!rc) {
		strbuf_reset(&sb);
		html_index(&sb, &c);
		rc = write_page(&od, "index.html", &sb, dir, emit, emit_ctx);
	}
	if (rc) {
		outdir_abort(&od);
	} else if (outdir_commit(&od, &err)) {
		if (emit) {
			char *msg = xasprintf("cannot write \"%s\": %s", dir, err.buf);
			emit(emit_ctx, CM_ERROR, msg);
			free(msg);
		}
		rc = -1;
	}
	strbuf_release(&sb);
	strbuf_release(&err);
	for (size_t i = 0; i < c.rows.n; i++)
		free(c.pages[i]);
	free(c.pages);
	rows_release(&c.rows);
	return rc;
}
