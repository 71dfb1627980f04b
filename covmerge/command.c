#include "command.h"

#include <stdio.h>
#include <string.h>

void covmerge_print_message(void *ctx, enum cm_severity sev, const char *msg)
{
	(void)ctx;
	const char *nl = strchr(msg, '\n');
	const char *level = sev == CM_WARNING ? "warning: " : "";
	if (!nl) {
		fprintf(stderr, "covmerge: %s%s\n", level, msg);
		return;
	}
	fprintf(stderr, "covmerge: %s%.*s\n", level, (int)(nl - msg), msg);
	fprintf(stderr, "%s\n", nl + 1);
}

static void pct(char *out, size_t n, size_t hit, size_t total)
{
	if (!total)
		snprintf(out, n, "  n/a  ");
	else
		snprintf(out, n, "%6.2f%%", 100.0 * (double)hit / (double)total);
}

static void print_summary(const struct cm_report *r)
{
	struct cm_totals t;
	cm_report_totals(r, &t);
	char a[16], b[16], c[16];
	pct(a, sizeof(a), t.lines_hit, t.lines);
	pct(b, sizeof(b), t.functions_hit, t.functions);
	pct(c, sizeof(c), t.branches_hit, t.branches);
	printf("covmerge: %zu objects (%zu never run), %zu data files, %zu source files\n",
	       r->nobjects, r->nobjects_unrun, r->ndata, r->nfiles);
	printf("lines......: %s (%zu of %zu)\n", a, t.lines_hit, t.lines);
	printf("functions..: %s (%zu of %zu)\n", b, t.functions_hit, t.functions);
	printf("branches...: %s (%zu of %zu)\n", c, t.branches_hit, t.branches);
}

enum cm_exit covmerge_command(struct cm_command *cmd)
{
	cmd->merge.emit = covmerge_print_message;
	cmd->merge.emit_ctx = NULL;
	struct cm_report *r = NULL;
	if (cm_merge(&cmd->merge, &r) != 0)
		return CM_EXIT_ERROR;
	if (r->nobjects == 0) {
		covmerge_print_message(NULL, CM_ERROR, "no coverage data: no .gcda or "
				       ".gcno files under the given paths");
		cm_report_free(r);
		return CM_EXIT_ERROR;
	}
	enum cm_exit rc = CM_EXIT_OK;
	for (size_t i = 0; i < cmd->nreports; i++) {
		const struct cm_report_req *q = &cmd->reports[i];
		int bad = 0;
		switch (q->kind) {
		case CM_REPORT_LCOV:
			bad = cm_write_lcov(r, q->path, covmerge_print_message, NULL);
			break;
		}
		if (bad)
			rc = CM_EXIT_ERROR;
	}
	if (!cmd->quiet)
		print_summary(r);
	cm_report_free(r);
	return rc;
}
