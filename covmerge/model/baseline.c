/* The ratchet: a baseline (the total and every file's coverage, as
 * printed at 2 decimals, in a small JSON file) written by one run and
 * checked by a later one, which fails when the total or a file present in
 * both dropped by more than the tolerance. Values are compared in
 * hundredths of a percent, as printed, so that no rounding of binary
 * fractions decides a gate. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "covmerge.h"
#include "infile.h"
#include "json.h"
#include "outfile.h"
#include "rows.h"
#include "strbuf.h"
#include "utf8.h"

/* pct as printed at 2 decimals, in hundredths. */
static long hundredths(double pct, char *text, size_t size)
{
	return lround(cm_pct_text(pct, 2, text, size) * 100.0);
}

int cm_write_baseline(const struct cm_report *r, const struct cm_format *fmt,
		      const char *path, cm_emit_fn *emit, void *emit_ctx)
{
	struct rows rows;
	rows_build(&rows, r, fmt);
	struct strbuf sb;
	strbuf_init(&sb);
	char pct[64];
	cm_pct_text(cm_numbers_cover(&rows.total, fmt->branch), 2, pct, sizeof(pct));
	strbuf_addf(&sb, "{\"covmerge_baseline\": 1, \"branch\": %s, \"total\": %s, "
		    "\"files\": {", fmt->branch ? "true" : "false", pct);
	for (size_t i = 0; i < rows.n; i++) {
		cm_pct_text(rows.v[i].cover, 2, pct, sizeof(pct));
		strbuf_addstr(&sb, i ? ",\n  " : "\n  ");
		json_add_string(&sb, rows.v[i].name);
		strbuf_addf(&sb, ": %s", pct);
	}
	strbuf_addstr(&sb, rows.n ? "\n}}\n" : "}}\n");
	rows_release(&rows);
	int rc = write_text_file(path, sb.buf, sb.len, emit, emit_ctx);
	strbuf_release(&sb);
	return rc;
}

/* A percentage member: a number from 0 to 100. */
static int pct_member(const struct json *j, long *v)
{
	if (!j || j->type != J_NUMBER || !(j->number >= 0 && j->number <= 100))
		return -1;
	*v = lround(j->number * 100.0);
	return 0;
}

/* Reads the baseline; NULL with the cause in err. */
static struct json *load(const char *path, int branch, struct strbuf *err)
{
	struct strbuf text;
	strbuf_init(&text);
	struct json *j = NULL;
	if (infile_load(path, &text, err) == 0)
		j = json_parse(text.buf, text.len, err);
	strbuf_release(&text);
	if (!j)
		return NULL;
	const struct json *ver = json_get(j, "covmerge_baseline");
	const struct json *files = json_get(j, "files");
	const struct json *br = json_get(j, "branch");
	long v;
	const char *bad = NULL;
	if (j->type != J_OBJECT || !ver || ver->type != J_NUMBER || ver->number != 1)
		bad = "not a covmerge baseline (no \"covmerge_baseline\": 1)";
	else if (pct_member(json_get(j, "total"), &v))
		bad = "\"total\" is not a percentage";
	else if (!files || files->type != J_OBJECT)
		bad = "\"files\" is not an object";
	else if (!br || br->type != J_BOOL)
		bad = "\"branch\" is not true or false";
	else if ((br->number != 0) != (branch != 0))
		bad = branch ? "written without --branch, and this run has it"
			     : "written with --branch, and this run has not";
	for (size_t i = 0; !bad && files && i < files->n; i++)
		if (pct_member(&files->items[i], &v))
			bad = "a file's value is not a percentage";
	if (bad) {
		strbuf_addstr(err, bad);
		json_free(j);
		return NULL;
	}
	return j;
}

static void add_drop(struct strbuf *sb, const char *name, long was, long now)
{
	long d = was - now;
	strbuf_addf(sb, "  %s: %ld.%02ld%% -> %ld.%02ld%% (-%ld.%02ld)\n", name,
		    was / 100, was % 100, now / 100, now % 100, d / 100, d % 100);
}

int cm_baseline_check(const struct cm_report *r, const struct cm_format *fmt,
		      const char *path, double tolerance, char **text,
		      cm_emit_fn *emit, void *emit_ctx)
{
	struct strbuf err;
	strbuf_init(&err);
	struct json *j = load(path, fmt->branch, &err);
	if (!j) {
		char *msg = xasprintf("--baseline \"%s\": %s", path, err.buf);
		emit(emit_ctx, CM_ERROR, msg);
		free(msg);
		strbuf_release(&err);
		return -1;
	}
	strbuf_release(&err);
	long tol = lround(tolerance * 100.0);
	struct rows rows;
	rows_build(&rows, r, fmt);
	struct strbuf drops;
	strbuf_init(&drops);
	char pct[64];
	size_t ndrops = 0, compared = 0;
	long was = 0, now = hundredths(cm_numbers_cover(&rows.total, fmt->branch), pct,
				   sizeof(pct));
	pct_member(json_get(j, "total"), &was);
	if (was - now > tol) {
		add_drop(&drops, "TOTAL", was, now);
		ndrops++;
	}
	const struct json *files = json_get(j, "files");
	for (size_t i = 0; i < rows.n; i++) {
		for (size_t k = 0; k < files->n; k++) {
			if (strcmp(files->keys[k], rows.v[i].name))
				continue;
			compared++;
			pct_member(&files->items[k], &was);
			now = hundredths(rows.v[i].cover, pct, sizeof(pct));
			if (was - now > tol) {
				char *name = utf8_printable(rows.v[i].name);
				add_drop(&drops, name, was, now);
				free(name);
				ndrops++;
			}
			break;
		}
	}
	struct strbuf sb;
	strbuf_init(&sb);
	if (ndrops)
		strbuf_addf(&sb, "FAIL Coverage dropped against the baseline \"%s\" "
			    "by more than %g%%:\n%s", path, tolerance, drops.buf);
	else
		strbuf_addf(&sb, "Coverage did not drop against the baseline \"%s\" "
			    "by more than %g%% (the total and %zu file%s compared).\n",
			    path, tolerance, compared, compared == 1 ? "" : "s");
	strbuf_release(&drops);
	rows_release(&rows);
	json_free(j);
	*text = strbuf_detach(&sb, NULL);
	strbuf_release(&sb);
	return ndrops ? 1 : 0;
}
