/* The public job API of include/covmerge.h: a struct cm_command (see
 * command.h) filled through functions, so that callers (the runner, the
 * covmerge command) never depend on its fields. The job owns copies of
 * every string it is given. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alloc.h"
#include "command.h"
#include "covmerge.h"
#include "infile.h"
#include "out_html.h"
#include "outdir.h"

/* A growing list of owned strings. */
struct strlist {
	char **v;
	size_t n, alloc;
};

struct cm_job {
	struct cm_command cmd;
	struct strlist inputs, object_dirs, path_maps, include, omit, specs, contexts;
	struct strlist binaries, ran_binaries;
	size_t areports;
	char *root, *export_path, *diff_rev, *diff_file;
	char *baseline, *write_baseline;
	char *html_refused; /* cm_job_html_refused's message */
	size_t max_input;      /* 0: the default limit */
	size_t nerrors;        /* error messages of the last cm_job_run */
};

static void strlist_add(struct strlist *l, const char *s)
{
	GROW(l->v, l->alloc, l->n + 1);
	l->v[l->n++] = xstrdup(s);
}

static void strlist_release(struct strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

static void set_string(char **field, const char *s)
{
	free(*field);
	*field = s ? xstrdup(s) : NULL;
}

struct cm_job *cm_job_new(void)
{
	struct cm_job *job = xcalloc(1, sizeof(*job));
	job->cmd.gate = (struct cm_gate){-1, -1, -1, -1};
	job->cmd.fail_under_diff = -1;
	job->cmd.fail_under_file = -1;
	return job;
}

void cm_job_free(struct cm_job *job)
{
	if (!job)
		return;
	strlist_release(&job->inputs);
	strlist_release(&job->object_dirs);
	strlist_release(&job->path_maps);
	strlist_release(&job->include);
	strlist_release(&job->contexts);
	strlist_release(&job->omit);
	strlist_release(&job->specs);
	strlist_release(&job->binaries);
	strlist_release(&job->ran_binaries);
	free(job->cmd.reports);
	free(job->root);
	free(job->export_path);
	free(job->diff_rev);
	free(job->diff_file);
	free(job->baseline);
	free(job->write_baseline);
	free(job->html_refused);
	free(job);
}

void cm_job_add_input(struct cm_job *job, const char *path)
{
	strlist_add(&job->inputs, path);
}

void cm_job_add_object_dir(struct cm_job *job, const char *dir)
{
	strlist_add(&job->object_dirs, dir);
}

void cm_job_add_binary(struct cm_job *job, const char *path)
{
	strlist_add(&job->binaries, path);
}

void cm_job_add_ran_binary(struct cm_job *job, const char *path)
{
	strlist_add(&job->ran_binaries, path);
}

void cm_job_set_only_object_dirs(struct cm_job *job, int on)
{
	job->cmd.merge.only_object_dirs = on;
}

void cm_job_set_stop_flag(struct cm_job *job, const volatile sig_atomic_t *flag)
{
	job->cmd.merge.stop = flag;
}

void cm_job_set_threads(struct cm_job *job, int n)
{
	job->cmd.merge.jobs = n;
}

void cm_job_set_ignore_stale(struct cm_job *job, int on)
{
	job->cmd.merge.ignore_stale = on;
}

void cm_job_set_allow_missing(struct cm_job *job, int on)
{
	job->cmd.merge.allow_missing = on;
}

int cm_job_add_path_map(struct cm_job *job, const char *map)
{
	if (!strchr(map, '=') || map[0] == '=')
		return -1;
	strlist_add(&job->path_maps, map);
	return 0;
}

void cm_job_set_export(struct cm_job *job, const char *path)
{
	set_string(&job->export_path, path);
}

void cm_job_set_max_input(struct cm_job *job, size_t bytes)
{
	job->max_input = bytes;
}

void cm_job_set_root(struct cm_job *job, const char *root)
{
	set_string(&job->root, root);
}

void cm_job_add_context(struct cm_job *job, const char *glob)
{
	strlist_add(&job->contexts, glob);
}

void cm_job_add_include(struct cm_job *job, const char *glob)
{
	strlist_add(&job->include, glob);
}

void cm_job_add_omit(struct cm_job *job, const char *glob)
{
	strlist_add(&job->omit, glob);
}

void cm_job_set_branch(struct cm_job *job, int on)
{
	job->cmd.format.branch = on;
}

int cm_job_set_precision(struct cm_job *job, int digits)
{
	if (digits < 0 || digits > 6)
		return -1;
	job->cmd.format.precision = digits;
	return 0;
}

int cm_job_set_sort(struct cm_job *job, const char *key)
{
	static const struct {
		const char *name;
		enum cm_sort key;
	} keys[] = {
		{"name", CM_SORT_NAME}, {"stmts", CM_SORT_STMTS},
		{"miss", CM_SORT_MISS}, {"branch", CM_SORT_BRANCH},
		{"brpart", CM_SORT_BRPART}, {"cover", CM_SORT_COVER},
	};
	int reverse = key[0] == '-';
	if (reverse)
		key++;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (!strcasecmp(key, keys[i].name)) {
			job->cmd.format.sort = keys[i].key;
			job->cmd.format.sort_reverse = reverse;
			return 0;
		}
	}
	return -1;
}

int cm_report_spec_valid(const char *spec)
{
	struct cm_report_req q;
	return cm_parse_report(spec, &q) == 0;
}

int cm_job_add_report(struct cm_job *job, const char *spec)
{
	if (!cm_report_spec_valid(spec))
		return -1;
	/* the requests point into the job's own copies of the specs */
	strlist_add(&job->specs, spec);
	GROW(job->cmd.reports, job->areports, job->cmd.nreports + 1);
	cm_parse_report(job->specs.v[job->specs.n - 1],
			&job->cmd.reports[job->cmd.nreports++]);
	return 0;
}

int cm_job_set_fail_under(struct cm_job *job, enum cm_threshold which,
			  double percent)
{
	if (!(percent >= 0 && percent <= 100))
		return -1;
	switch (which) {
	case CM_FAIL_UNDER_TOTAL:
		job->cmd.gate.fail_under = percent;
		break;
	case CM_FAIL_UNDER_LINE:
		job->cmd.gate.fail_under_line = percent;
		break;
	case CM_FAIL_UNDER_BRANCH:
		job->cmd.gate.fail_under_branch = percent;
		break;
	case CM_FAIL_UNDER_FUNCTION:
		job->cmd.gate.fail_under_function = percent;
		break;
	case CM_FAIL_UNDER_DIFF:
		job->cmd.fail_under_diff = percent;
		break;
	case CM_FAIL_UNDER_FILE:
		job->cmd.fail_under_file = percent;
		break;
	default:
		return -1;
	}
	return 0;
}

void cm_job_set_diff(struct cm_job *job, const char *rev)
{
	set_string(&job->diff_rev, rev);
}

void cm_job_set_diff_file(struct cm_job *job, const char *patch)
{
	set_string(&job->diff_file, patch);
}

void cm_job_set_baseline(struct cm_job *job, const char *path)
{
	set_string(&job->baseline, path);
}

int cm_job_set_baseline_tolerance(struct cm_job *job, double points)
{
	if (!(points >= 0 && points <= 100))
		return -1;
	job->cmd.baseline_tolerance = points;
	return 0;
}

void cm_job_set_write_baseline(struct cm_job *job, const char *path)
{
	set_string(&job->write_baseline, path);
}

const char *cm_job_usage_error(const struct cm_job *job)
{
	if (job->diff_rev && job->diff_file)
		return "--diff and --diff-file are exclusive: give one";
	if (job->cmd.fail_under_diff >= 0 && !job->diff_rev && !job->diff_file)
		return "--fail-under-diff needs --diff REV or --diff-file PATCH";
	return NULL;
}

void cm_job_set_quiet(struct cm_job *job, int on)
{
	job->cmd.quiet = on;
}

size_t cm_job_ninputs(const struct cm_job *job)
{
	return job->inputs.n + job->object_dirs.n;
}

/* Every output path of the job: the reports' (in order), then the export
 * and the baseline (either may be NULL); n + 2 entries, n reports. */
static const char **job_outputs(const struct cm_job *job)
{
	size_t n = job->cmd.nreports;
	const char **outs = xcalloc(n + 2, sizeof(*outs));
	for (size_t i = 0; i < n; i++)
		outs[i] = job->cmd.reports[i].path;
	outs[n] = job->export_path;
	outs[n + 1] = job->write_baseline;
	return outs;
}

const char *cm_job_output_clash(const struct cm_job *job)
{
	size_t n = job->cmd.nreports;
	const char **outs = job_outputs(job);
	const char *clash = cm_output_clash(outs, n + 2);
	free(outs);
	return clash;
}

const char *cm_job_output_in_html(const struct cm_job *job)
{
	size_t n = job->cmd.nreports;
	const char **outs = job_outputs(job);
	const char *inside = NULL;
	for (size_t i = 0; i < n && !inside; i++)
		if (job->cmd.reports[i].kind == CM_REPORT_HTML)
			inside = cm_output_in_dir(outs[i], outs, n + 2, i);
	free(outs);
	return inside;
}

const char *cm_job_html_refused(struct cm_job *job)
{
	for (size_t i = 0; i < job->cmd.nreports; i++) {
		const struct cm_report_req *q = &job->cmd.reports[i];
		if (q->kind != CM_REPORT_HTML)
			continue;
		struct strbuf err;
		strbuf_init(&err);
		if (outdir_check(q->path, HTML_GENERATOR, &err)) {
			free(job->html_refused);
			job->html_refused = xasprintf("cannot write \"%s\": %s", q->path,
						      err.buf);
			strbuf_release(&err);
			return job->html_refused;
		}
		strbuf_release(&err);
	}
	return NULL;
}

int cm_job_wants_contexts(const struct cm_job *job)
{
	struct cm_command cmd = job->cmd;
	cmd.merge.export_path = job->export_path;
	cmd.contexts = (const char *const *)job->contexts.v;
	cmd.ncontexts = job->contexts.n;
	return cm_command_wants_contexts(&cmd);
}

enum cm_exit cm_job_run(struct cm_job *job)
{
	struct cm_command cmd = job->cmd;
	cmd.merge.inputs = (const char *const *)job->inputs.v;
	cmd.merge.ninputs = job->inputs.n;
	cmd.merge.object_dirs = (const char *const *)job->object_dirs.v;
	cmd.merge.nobject_dirs = job->object_dirs.n;
	cmd.merge.path_maps = (const char *const *)job->path_maps.v;
	cmd.merge.npath_maps = job->path_maps.n;
	cmd.merge.export_path = job->export_path;
	cmd.binaries = (const char *const *)job->binaries.v;
	cmd.nbinaries = job->binaries.n;
	cmd.ran_binaries = (const char *const *)job->ran_binaries.v;
	cmd.nran_binaries = job->ran_binaries.n;
	cmd.filter.root = job->root;
	cmd.auto_root = job->root == NULL;
	cmd.filter.include = (const char *const *)job->include.v;
	cmd.filter.ninclude = job->include.n;
	cmd.contexts = (const char *const *)job->contexts.v;
	cmd.ncontexts = job->contexts.n;
	cmd.filter.omit = (const char *const *)job->omit.v;
	cmd.filter.nomit = job->omit.n;
	cmd.diff_rev = job->diff_rev;
	cmd.diff_file = job->diff_file;
	cmd.baseline = job->baseline;
	cmd.write_baseline = job->write_baseline;
	if (job->max_input)
		infile_set_limit(job->max_input);
	size_t before = covmerge_printed_errors();
	enum cm_exit rc = covmerge_command(&cmd);
	job->nerrors = covmerge_printed_errors() - before;
	return rc;
}

size_t cm_job_errors(const struct cm_job *job)
{
	return job->nerrors;
}
