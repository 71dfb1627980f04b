/* The HTML report's pieces (out_html.c writes the directory, the index
 * and the file pages come from out_html_index.c and out_html_file.c).
 * The DOM they make is a contract with the browser test: see the README,
 * "The HTML report". */
#ifndef CM_OUT_HTML_H
#define CM_OUT_HTML_H

#include <stddef.h>

#include "covmerge.h"
#include "rows.h"
#include "strbuf.h"

/* What every page of one report shares. */
struct html_ctx {
	const struct cm_report *r;
	const struct cm_format *fmt;
	struct rows rows;        /* in the table's order (fmt's sort) */
	char **pages;            /* page file name per row */
	char stamp[64];          /* "2026-11-29 20:19 UTC" */
};

/* The marker an earlier report's index.html carries: an existing
 * directory holding it may be replaced. */
#define HTML_GENERATOR "<meta name=\"generator\" content=\"covmerge"

/* Text (NULL: nothing) escaped for HTML text and attribute values. */
void html_add(struct strbuf *sb, const char *s);
/* The start of a page up to and including <body class="cls">. */
void html_head(struct strbuf *sb, const struct html_ctx *c, const char *title,
	       const char *cls);
/* The footer and the end of the page. */
void html_foot(struct strbuf *sb, const struct html_ctx *c);
/* A percentage as the term table prints it, without '%'. */
void html_pct(char *buf, size_t n, const struct html_ctx *c, size_t hit,
	      size_t total);
/* A coverage bar for pct (0 to 100). */
void html_bar(struct strbuf *sb, double pct);

/* The index page, and the page of row i. html_file_page returns 1 when
 * the source has fewer lines than the data counts (it changed since the
 * run; the page says so), with those two numbers in *nsrc and *last. */
void html_index(struct strbuf *sb, const struct html_ctx *c);
int html_file_page(struct strbuf *sb, const struct html_ctx *c, size_t i,
		   unsigned *nsrc, unsigned *last);

#endif
