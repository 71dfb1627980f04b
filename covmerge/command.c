#include "command.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alloc.h"
#include "path.h"
#include "project.h"
#include "strbuf.h"

void covmerge_print_message(void *ctx, enum cm_severity sev, const char *msg)
{
	(void)ctx;
	const char *nl = strchr(msg, '\n');
	const char *level = sev == CM_WARNING ? "warning: " : "";
	fflush(stdout);
	if (!nl) {
		fprintf(stderr, "covmerge: %s%s\n", level, msg);
		return;
	}
	fprintf(stderr, "covmerge: %s%.*s\n", level, (int)(nl - msg), msg);
	fprintf(stderr, "%s\n", nl + 1);
}

int cm_parse_report(const char *arg, struct cm_report_req *q)
{
	static const struct {
		const char *name;
		enum cm_report_kind kind;
		int file;
	} kinds[] = {
		{"term", CM_REPORT_TERM, 0},
		{"term-missing", CM_REPORT_TERM_MISSING, 0},
		{"lcov", CM_REPORT_LCOV, 1},
		{"lcov-ext", CM_REPORT_LCOV_EXT, 1},
		{"xml", CM_REPORT_XML, 1},
		{"cobertura", CM_REPORT_XML, 1},
		{"json", CM_REPORT_JSON, 1},
		{"markdown", CM_REPORT_MARKDOWN, 1},
	};
	const char *colon = strchr(arg, ':');
	size_t flen = colon ? (size_t)(colon - arg) : strlen(arg);
	memset(q, 0, sizeof(*q));
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (strlen(kinds[i].name) != flen || strncmp(arg, kinds[i].name, flen))
			continue;
		q->kind = kinds[i].kind;
		if (kinds[i].file) {
			if (!colon || !colon[1])
				return -1;
			q->path = colon + 1;
			return 0;
		}
		if (!colon)
			return 0;
		if (!strcmp(colon + 1, "skip-covered")) {
			q->skip_covered = 1;
			return 0;
		}
		return -1;
	}
	return -1;
}

/* The default root: the source tree of the CMake build tree holding the
 * notes files, else the deepest directory holding every measured source
 * outside the system directories (CMake's compiler probe aside), else
 * the working directory. */
static char *default_root(const struct cm_report *r)
{
	if (r->project_root)
		return xstrdup(r->project_root);
	char **paths = xcalloc(r->nfiles ? r->nfiles : 1, sizeof(*paths));
	size_t n = 0;
	for (size_t i = 0; i < r->nfiles; i++) {
		const char *p = r->files[i].path;
		if (!project_is_system(p) && !project_is_compiler_probe(p))
			paths[n++] = r->files[i].path;
	}
	char *root = project_common_dir(paths, n, 1);
	free(paths);
	return root ? root : path_absolute(NULL, ".");
}

/* One line for the measured files a filter left out. */
static void print_left_out(const struct cm_report *r, const char *root)
{
	if (!r->nleft_out)
		return;
	struct strbuf why;
	strbuf_init(&why);
	if (r->left_out_by & CM_LEFT_OUT_ROOT)
		strbuf_addf(&why, "outside the root \"%s\"", root);
	if (r->left_out_by & CM_LEFT_OUT_INCLUDE)
		strbuf_addf(&why, "%sno --include", why.len ? ", " : "");
	if (r->left_out_by & CM_LEFT_OUT_OMIT)
		strbuf_addf(&why, "%s--omit", why.len ? ", " : "");
	if (r->left_out_by & CM_LEFT_OUT_MARKERS)
		strbuf_addf(&why, "%sexclusion markers", why.len ? ", " : "");
	fflush(stdout);
	fprintf(stderr, "covmerge: note: %zu measured file%s with executable "
		"lines %s not reported (%s), the first \"%s\"\n", r->nleft_out,
		r->nleft_out == 1 ? "" : "s", r->nleft_out == 1 ? "is" : "are",
		why.buf, r->left_out_first);
	strbuf_release(&why);
}

static void print_header(const struct cm_report *r)
{
	printf("covmerge: %zu objects (%zu never run), %zu data files",
	       r->nobjects, r->nobjects_unrun, r->ndata - r->ntracefiles);
	if (r->ntracefiles)
		printf(", %zu tracefiles", r->ntracefiles);
	printf("\n");
}

static long long report_time(void)
{
	/* reproducible builds' convention, also handy for golden tests */
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	if (sde && *sde) {
		char *end;
		long long v = strtoll(sde, &end, 10);
		if (!*end && v >= 0)
			return v;
	}
	return (long long)time(NULL);
}

enum cm_exit covmerge_command(struct cm_command *cmd)
{
	cmd->merge.emit = covmerge_print_message;
	cmd->merge.emit_ctx = NULL;
	char *root = path_absolute(NULL, cmd->filter.root ? cmd->filter.root : ".");
	cmd->filter.root = root;
	cmd->merge.root = root;
	struct cm_report *r = NULL;
	if (cm_merge(&cmd->merge, &r) != 0) {
		free(root);
		return CM_EXIT_ERROR;
	}
	if (cmd->auto_root) {
		free(root);
		root = default_root(r);
		cmd->filter.root = root;
	}
	if (r->nobjects == 0 && r->ntracefiles == 0) {
		covmerge_print_message(NULL, CM_ERROR, "no coverage data: no .gcda or "
				       ".gcno files under the given paths");
		cm_report_free(r);
		free(root);
		return CM_EXIT_ERROR;
	}
	cm_report_filter(r, &cmd->filter, covmerge_print_message, NULL);
	print_left_out(r, root);
	if (r->nfiles == 0) {
		/* a wrong --root must not pass a gate at "100%" */
		char *msg = xasprintf("no data to report: no source file left under "
				      "the root \"%s\"%s", root,
				      cmd->filter.ninclude || cmd->filter.nomit
				      ? " after --include/--omit" : "");
		covmerge_print_message(NULL, CM_ERROR, msg);
		free(msg);
		cm_report_free(r);
		free(root);
		return CM_EXIT_ERROR;
	}
	cmd->format.root = root;
	cmd->format.timestamp = report_time();

	enum cm_exit rc = CM_EXIT_OK;
	if (!cmd->quiet)
		print_header(r);
	struct cm_report_req dflt = {.kind = CM_REPORT_TERM};
	size_t nreq = cmd->nreports ? cmd->nreports : (cmd->quiet ? 0 : 1);
	for (size_t i = 0; i < nreq; i++) {
		const struct cm_report_req *q = cmd->nreports ? &cmd->reports[i] : &dflt;
		struct cm_format fmt = cmd->format;
		int bad = 0;
		switch (q->kind) {
		case CM_REPORT_TERM:
		case CM_REPORT_TERM_MISSING: {
			fmt.show_missing = q->kind == CM_REPORT_TERM_MISSING;
			fmt.skip_covered = q->skip_covered;
			char *t = cm_term_table(r, &fmt);
			fputs(t, stdout);
			free(t);
			break;
		}
		case CM_REPORT_LCOV:
			bad = cm_write_lcov(r, q->path, covmerge_print_message, NULL);
			break;
		case CM_REPORT_LCOV_EXT:
			bad = cm_write_lcov_ext(r, q->path, covmerge_print_message, NULL);
			break;
		case CM_REPORT_XML:
			bad = cm_write_cobertura(r, &fmt, q->path, covmerge_print_message,
						 NULL);
			break;
		case CM_REPORT_JSON:
			bad = cm_write_json(r, &fmt, q->path, covmerge_print_message, NULL);
			break;
		case CM_REPORT_MARKDOWN:
			bad = cm_write_markdown(r, &fmt, q->path, covmerge_print_message,
						NULL);
			break;
		}
		if (bad)
			rc = CM_EXIT_ERROR;
	}
	char *gate_text = NULL;
	int failed = cm_gate_check(r, &cmd->gate, cmd->format.branch, &gate_text);
	fputs(gate_text, stdout);
	fflush(stdout);
	free(gate_text);
	if (failed && rc == CM_EXIT_OK)
		rc = CM_EXIT_UNDER;
	cm_report_free(r);
	free(root);
	return rc;
}
