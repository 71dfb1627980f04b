#include "command.h"

#include "contexts_merge.h"
#include "diag.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "alloc.h"
#include "diff_source.h"
#include "diffcov.h"
#include "llvm_export.h"
#include "outfile.h"
#include "path.h"
#include "project.h"
#include "strbuf.h"
#include "utf8.h"

/* Error messages printed so far by this process (cm_job_errors). */
static _Atomic size_t printed_errors;

size_t covmerge_printed_errors(void)
{
	return printed_errors;
}

void covmerge_print_message(void *ctx, enum cm_severity sev, const char *text)
{
	(void)ctx;
	if (sev == CM_ERROR)
		printed_errors++;
	/* names in a message never reach the terminal raw (an escape
	 * sequence, invalid UTF-8); its lines stay lines */
	struct strbuf safe;
	strbuf_init(&safe);
	for (const char *line = text; line;) {
		const char *end = strchr(line, '\n');
		char *part = end ? xstrndup(line, (size_t)(end - line)) : xstrdup(line);
		utf8_add_printable(&safe, part);
		free(part);
		if (end)
			strbuf_addch(&safe, '\n');
		line = end ? end + 1 : NULL;
	}
	const char *msg = safe.buf;
	const char *nl = strchr(msg, '\n');
	const char *level = sev == CM_WARNING ? "warning: " : "";
	fflush(stdout);
	if (!nl)
		fprintf(stderr, "covmerge: %s%s\n", level, msg);
	else {
		fprintf(stderr, "covmerge: %s%.*s\n", level, (int)(nl - msg), msg);
		fprintf(stderr, "%s\n", nl + 1);
	}
	strbuf_release(&safe);
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
		{"html", CM_REPORT_HTML, 1},
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
			/* a directory cannot go to standard output */
			if (q->kind == CM_REPORT_HTML && !strcmp(colon + 1, "-"))
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

/* Whether a and b name one file that a report would replace (a device
 * or a pipe, written in place, may take several). */
static int same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	if ((stat(a, &sa) == 0 && !S_ISREG(sa.st_mode)) ||
	    (stat(b, &sb) == 0 && !S_ISREG(sb.st_mode)))
		return 0;
	char *x = path_absolute(NULL, a), *y = path_absolute(NULL, b);
	int same = !strcmp(x, y);
	free(x);
	free(y);
	if (!same && stat(a, &sa) == 0 && stat(b, &sb) == 0)
		same = sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
	return same;
}

const char *cm_output_clash(const char *const *paths, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!paths[i] || !strcmp(paths[i], "-"))
			continue;
		for (size_t j = 0; j < i; j++)
			if (paths[j] && strcmp(paths[j], "-") && same_file(paths[i], paths[j]))
				return paths[i];
	}
	return NULL;
}

const char *cm_output_in_dir(const char *dir, const char *const *paths,
			     size_t n, size_t skip)
{
	char *d = path_absolute(NULL, dir);
	size_t l = strlen(d);
	const char *found = NULL;
	for (size_t i = 0; i < n && !found; i++) {
		if (i == skip || !paths[i] || !strcmp(paths[i], "-"))
			continue;
		char *p = path_absolute(NULL, paths[i]);
		if (!strncmp(p, d, l) && (p[l] == '/' || (l == 1 && d[0] == '/')))
			found = paths[i];
		free(p);
	}
	free(d);
	return found;
}

/* Whether one of the n paths lies under dir. */
static int holds_any(const char *dir, char *const *paths, size_t n)
{
	size_t l = strlen(dir);
	for (size_t i = 0; i < n; i++)
		if (!strncmp(paths[i], dir, l) && (paths[i][l] == '/' || l == 1))
			return 1;
	return 0;
}

/* The default root: the source tree of the CMake build tree holding the
 * notes files (unless it holds none of the measured sources, as when the
 * CMake project lives in a subdirectory beside them: zstd's build/cmake),
 * else the deepest directory holding every measured source outside the
 * system directories (CMake's compiler probe aside), else the working
 * directory. */
static char *default_root(const struct cm_report *r)
{
	char **paths = xcalloc(r->nfiles ? r->nfiles : 1, sizeof(*paths));
	size_t n = 0;
	for (size_t i = 0; i < r->nfiles; i++) {
		const char *p = r->files[i].path;
		if (!project_is_system(p) && !project_is_compiler_probe(p))
			paths[n++] = r->files[i].path;
	}
	char *root;
	if (r->project_root && (!n || holds_any(r->project_root, paths, n)))
		root = xstrdup(r->project_root);
	else
		root = project_common_dir(paths, n, 1);
	free(paths);
	return root ? root : path_absolute(NULL, ".");
}

/* --context: only what the matching tests ran. Returns 0, or -1 with an
 * error printed (no contexts, or no test matches). */
static int select_contexts(const struct cm_command *cmd, struct cm_report *r)
{
	struct diag d = {0};
	long n = ctx_select(r, cmd->contexts, cmd->ncontexts, &d);
	if (n == 0) {
		struct strbuf pats;
		strbuf_init(&pats);
		for (size_t i = 0; i < cmd->ncontexts; i++)
			strbuf_addf(&pats, "%s\"%s\"", i ? ", " : "", cmd->contexts[i]);
		diag_add(&d, CM_ERROR, "--context: no recorded test matches %s (%zu "
			 "tests recorded)", pats.buf, r->contexts->store.ntests);
		strbuf_release(&pats);
	}
	size_t errors = diag_flush(&d, covmerge_print_message, NULL);
	diag_release(&d);
	if (!errors && !cmd->quiet)
		printf("contexts: %ld of %zu tests match --context\n", n,
		       r->contexts->store.ntests);
	return errors ? -1 : 0;
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

/* One line for the objects whose data only_object_dirs left out. */
static void print_outside(const struct cm_report *r, const struct cm_options *m)
{
	if (!r->nobjects_outside)
		return;
	struct strbuf dirs;
	strbuf_init(&dirs);
	for (size_t i = 0; i < m->nobject_dirs; i++)
		strbuf_addf(&dirs, "%s\"%s\"", i ? ", " : "", m->object_dirs[i]);
	fflush(stdout);
	fprintf(stderr, "covmerge: note: %zu object%s with coverage data %s not "
		"measured (outside %s), the first \"%s\"\n", r->nobjects_outside,
		r->nobjects_outside == 1 ? "" : "s",
		r->nobjects_outside == 1 ? "is" : "are", dirs.buf, r->outside_first);
	strbuf_release(&dirs);
}

/* nprofiles: LLVM profiles read (through one tracefile of llvm-cov's)
 * with nbinaries binaries. */
static void print_header(const struct cm_report *r, size_t nprofiles,
			 size_t nbinaries)
{
	size_t ntrace = r->ntracefiles - (nprofiles ? 1 : 0);
	printf("covmerge: %zu objects (%zu never run), %zu data files",
	       r->nobjects, r->nobjects_unrun, r->ndata - r->ntracefiles);
	if (ntrace)
		printf(", %zu tracefiles", ntrace);
	if (nprofiles)
		printf(", %zu LLVM profiles of %zu binar%s", nprofiles, nbinaries,
		       nbinaries == 1 ? "y" : "ies");
	printf("\n");
}

/* Whether a report or option of cmd shows the tests' contexts. */
int cm_command_wants_contexts(const struct cm_command *cmd)
{
	if (cmd->ncontexts || cmd->merge.export_path)
		return 1;
	for (size_t i = 0; i < cmd->nreports; i++)
		if (cmd->reports[i].kind == CM_REPORT_JSON ||
		    cmd->reports[i].kind == CM_REPORT_HTML)
			return 1;
	return 0;
}

/* cm_merge, with the LLVM profiles among the inputs read through LLVM's
 * tools first (their temporary files gone again when it returns). */
static int merge_inputs(struct cm_command *cmd, struct cm_report **r,
			size_t *nprofiles, size_t *nbinaries)
{
	struct llvm_binaries bins = {cmd->binaries, cmd->nbinaries,
				     cmd->ran_binaries, cmd->nran_binaries,
				     cmd->format.branch};
	struct llvm_export lx;
	*r = NULL;
	if (llvm_export_run(cmd->merge.inputs, cmd->merge.ninputs, &bins, &lx,
			    covmerge_print_message, NULL))
		return -1;
	struct cm_options opts = cmd->merge;
	opts.inputs = (const char *const *)lx.inputs.v;
	opts.ninputs = lx.inputs.n;
	opts.skip_contexts = !cm_command_wants_contexts(cmd);
	int rc = cm_merge(&opts, r);
	*nprofiles = lx.nprofiles;
	*nbinaries = lx.nbinaries;
	llvm_export_release(&lx);
	return rc;
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

/* The changed lines of the diff the command names, matched with r's
 * files; NULL with an error emitted when the diff cannot be had. */
static struct cm_diff *changed_lines(const struct cm_command *cmd,
				     const struct cm_report *r, const char *root)
{
	struct udiff u = {0};
	char *base = NULL;
	if (cm_diff_load(cmd->diff_rev, cmd->diff_file, root, &u, &base,
			 covmerge_print_message, NULL))
		return NULL;
	struct cm_diff *d = cm_diff_match(r, &u, base, cmd->merge.path_maps,
					  cmd->merge.npath_maps,
					  cmd->diff_rev ? cmd->diff_rev : cmd->diff_file);
	udiff_release(&u);
	free(base);
	return d;
}

/* The stop flag raised (runner's Ctrl-C): no file is written. */
static int stopped(const struct cm_command *cmd)
{
	return cmd->merge.stop && *cmd->merge.stop;
}

enum cm_exit covmerge_command(struct cm_command *cmd)
{
	cmd->merge.emit = covmerge_print_message;
	cmd->merge.emit_ctx = NULL;
	char *root = path_absolute(NULL, cmd->filter.root ? cmd->filter.root : ".");
	cmd->filter.root = root;
	cmd->merge.root = root;
	struct cm_report *r = NULL;
	size_t nprofiles = 0, nbinaries = 0;
	/* every output file (reports and the export) is put in place at the
	 * end, all or none */
	outfile_batch_begin();
	if (merge_inputs(cmd, &r, &nprofiles, &nbinaries) != 0 || stopped(cmd)) {
		outfile_batch_end(0, NULL, NULL);
		cm_report_free(r);
		free(root);
		return stopped(cmd) ? CM_EXIT_INTERRUPTED : CM_EXIT_ERROR;
	}
	print_outside(r, &cmd->merge);
	if (cmd->auto_root) {
		free(root);
		root = default_root(r);
		cmd->filter.root = root;
	}
	/* nothing to report, and no gate may pass at "100%" on nothing: no
	 * data at all, or no source file left after the filters (a wrong
	 * --root) */
	char *no_data = NULL;
	int bad_context = 0;
	if (r->nobjects == 0 && r->ntracefiles == 0) {
		no_data = r->nobjects_unread
			? xasprintf("no coverage data: the %zu notes file%s found "
				    "could not be read (see above)", r->nobjects_unread,
				    r->nobjects_unread == 1 ? "" : "s")
			: xstrdup("no coverage data: no .gcda or .gcno files under "
				  "the given paths");
	} else if (cmd->ncontexts && select_contexts(cmd, r) != 0) {
		bad_context = 1; /* select_contexts said why */
	} else {
		cm_report_filter(r, &cmd->filter, covmerge_print_message, NULL);
		print_left_out(r, root);
		if (r->nfiles == 0)
			no_data = xasprintf("no data to report: no source file left "
					    "under the root \"%s\"%s", root,
					    cmd->filter.ninclude || cmd->filter.nomit
					    ? " after --include/--omit" : "");
	}
	if (no_data || bad_context) {
		if (no_data)
			covmerge_print_message(NULL, CM_ERROR, no_data);
		free(no_data);
		outfile_batch_end(0, NULL, NULL);
		cm_report_free(r);
		free(root);
		return CM_EXIT_ERROR;
	}
	cmd->format.root = root;
	cmd->format.timestamp = report_time();
	struct cm_diff *diff = NULL;
	if ((cmd->diff_rev || cmd->diff_file) &&
	    !(diff = changed_lines(cmd, r, root))) {
		outfile_batch_end(0, NULL, NULL);
		cm_report_free(r);
		free(root);
		return CM_EXIT_ERROR;
	}
	cmd->format.diff = diff;

	enum cm_exit rc = CM_EXIT_OK;
	if (!cmd->quiet)
		print_header(r, nprofiles, nbinaries);
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
			if (fmt.diff) {
				t = cm_diff_table(r, fmt.diff, &fmt);
				fputs(t, stdout);
				free(t);
			}
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
		case CM_REPORT_HTML:
			bad = cm_write_html(r, &fmt, q->path, covmerge_print_message, NULL);
			break;
		}
		if (bad)
			rc = CM_EXIT_ERROR;
	}
	if (cmd->write_baseline &&
	    cm_write_baseline(r, &cmd->format, cmd->write_baseline,
			      covmerge_print_message, NULL))
		rc = CM_EXIT_ERROR;
	char *gate_text = NULL;
	int failed = cm_gate_check(r, &cmd->gate, cmd->format.branch, &gate_text);
	fputs(gate_text, stdout);
	free(gate_text);
	if (diff && cmd->fail_under_diff >= 0) {
		failed += cm_gate_check_diff(diff, cmd->fail_under_diff, &gate_text);
		fputs(gate_text, stdout);
		free(gate_text);
	}
	cmd->format.diff = NULL;
	cm_diff_free(diff);
	if (cmd->fail_under_file >= 0) {
		failed += cm_gate_check_files(r, &cmd->format, cmd->fail_under_file,
					      &gate_text);
		fputs(gate_text, stdout);
		free(gate_text);
	}
	if (cmd->baseline) {
		int dropped = cm_baseline_check(r, &cmd->format, cmd->baseline,
						cmd->baseline_tolerance, &gate_text,
						covmerge_print_message, NULL);
		if (dropped < 0) {
			rc = CM_EXIT_ERROR;
		} else {
			failed += dropped;
			fputs(gate_text, stdout);
			free(gate_text);
		}
	}
	/* the table and the gate's verdict are output too: a full disk or a
	 * closed pipe under them is an error, and then no file is replaced */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		char *msg = xasprintf("cannot write to standard output: %s",
				      strerror(errno));
		covmerge_print_message(NULL, CM_ERROR, msg);
		free(msg);
		rc = CM_EXIT_ERROR;
	}
	if (stopped(cmd))
		rc = CM_EXIT_INTERRUPTED;
	if (rc == CM_EXIT_ERROR || rc == CM_EXIT_INTERRUPTED)
		outfile_batch_end(0, NULL, NULL);
	else if (outfile_batch_end(1, covmerge_print_message, NULL))
		rc = CM_EXIT_ERROR;
	if (failed && rc == CM_EXIT_OK)
		rc = CM_EXIT_UNDER;
	cm_report_free(r);
	free(root);
	return rc;
}
