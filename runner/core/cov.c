#include "cov.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "covmerge.h"
#include "covmerge_contexts.h"
#include "json.h"
#include "outfile.h"
#include "path.h"
#include "proc.h"

static int is_worker_dir(const char *name)
{
	if (strncmp(name, "gw", 2) || !name[2])
		return 0;
	for (const char *p = name + 2; *p; p++)
		if (*p < '0' || *p > '9')
			return 0;
	return 1;
}

int cov_prepare(const char *dir, int nworkers, struct strbuf *err)
{
	if (path_mkdirs(dir) != 0) {
		strbuf_addf(err, "cannot create the coverage directory \"%s\": %s",
			    dir, strerror(errno));
		return -1;
	}
	DIR *d = opendir(dir);
	if (!d) {
		strbuf_addf(err, "cannot read the coverage directory \"%s\": %s", dir,
			    strerror(errno));
		return -1;
	}
	struct dirent *de;
	int rc = 0;
	while ((de = readdir(d)) && !rc) {
		if (!is_worker_dir(de->d_name) && strcmp(de->d_name, "manifest.json") &&
		    strcmp(de->d_name, CM_CTX_FILE))
			continue;
		char *p = path_join(dir, de->d_name);
		if (path_remove_tree(p) != 0) {
			strbuf_addf(err, "cannot clear the old shard \"%s\": %s", p,
				    strerror(errno));
			rc = -1;
		}
		free(p);
	}
	closedir(d);
	for (int k = 0; k < nworkers && !rc; k++) {
		char *p = xasprintf("%s/gw%d", dir, k);
		if (path_mkdirs(p) != 0) {
			strbuf_addf(err, "cannot create \"%s\": %s", p, strerror(errno));
			rc = -1;
		}
		free(p);
	}
	return rc;
}

static const char *status_word(enum test_status st)
{
	switch (st) {
	case ST_PASSED: return "passed";
	case ST_FAILED: return "failed";
	case ST_SKIPPED: return "skipped";
	case ST_CRASHED: return "crashed";
	case ST_TIMEOUT: return "timeout";
	case ST_ERROR: return "error";
	case ST_NOTRUN: break;
	}
	return "notrun";
}

void cov_binaries(const struct suite *s, struct path_list *out)
{
	for (size_t i = 0; i < s->nprogs; i++) {
		const char *exe = s->progs[i]->argv ? s->progs[i]->argv[0] : NULL;
		/* a command found on PATH is no program of the project */
		if (!exe || !strchr(exe, '/'))
			continue;
		char *abs = path_absolute(NULL, exe);
		int dup = 0;
		for (size_t k = 0; k < out->n && !dup; k++)
			dup = !strcmp(out->v[k], abs);
		if (dup)
			free(abs);
		else
			path_list_add(out, abs);
	}
}

int cov_write_manifest(const char *dir, const char *uid, int nworkers,
		       const struct result_list *rl, int interrupted,
		       const char *const *cov_paths, size_t ncov_paths,
		       const struct path_list *binaries, int complete,
		       struct strbuf *err)
{
	struct strbuf sb;
	strbuf_init(&sb);
	strbuf_addf(&sb, "{\"format\": 1, \"runner\": \"%s\", \"run_uid\": ",
		    RUNNER_VERSION);
	json_add_string(&sb, uid);
	/* where the measured objects are, so that covmerge finds those that
	 * never ran */
	strbuf_addstr(&sb, ", \"cov_paths\": [");
	for (size_t i = 0; i < (ncov_paths ? ncov_paths : 1); i++) {
		char *abs = path_absolute(NULL, ncov_paths ? cov_paths[i] : ".");
		if (i)
			strbuf_addstr(&sb, ", ");
		json_add_string(&sb, abs);
		free(abs);
	}
	strbuf_addstr(&sb, "]");
	/* the programs, which LLVM profiles are read with */
	strbuf_addstr(&sb, ", \"binaries\": [");
	for (size_t i = 0; binaries && i < binaries->n; i++) {
		strbuf_addstr(&sb, i ? ", " : "");
		json_add_string(&sb, binaries->v[i]);
	}
	strbuf_addstr(&sb, "]");
	strbuf_addf(&sb, ", \"complete\": %s", complete ? "true" : "false");
	strbuf_addf(&sb, ", \"interrupted\": %s, \"workers\": %d, \"shards\": [",
		    interrupted ? "true" : "false", nworkers);
	for (int k = 0; k < nworkers; k++) {
		char *sd = xasprintf("%s/gw%d", dir, k);
		strbuf_addf(&sb, "%s\n  {\"worker\": \"gw%d\", \"dir\": \"gw%d\", "
			    "\"gcda_files\": %zu, \"profraw_files\": %zu, "
			    "\"tests\": [", k ? "," : "", k, k,
			    path_count_files(sd, ".gcda"),
			    path_count_files(sd, ".profraw"));
		free(sd);
		int first = 1;
		for (size_t i = 0; i < rl->n; i++) {
			const struct result *r = &rl->v[i];
			if (r->worker != k)
				continue;
			strbuf_addstr(&sb, first ? "\n    {\"id\": " : ",\n    {\"id\": ");
			json_add_string(&sb, r->id);
			strbuf_addf(&sb, ", \"status\": \"%s\", \"exit_code\": %d, "
				    "\"signal\": %d}", status_word(r->status),
				    r->exit_code, r->signal);
			first = 0;
		}
		strbuf_addstr(&sb, "]}");
	}
	strbuf_addstr(&sb, "\n]}\n");
	char *path = xasprintf("%s/manifest.json", dir);
	struct outfile of;
	int rc = outfile_open(&of, path, err);
	if (rc == 0) {
		fwrite(sb.buf, 1, sb.len, of.fp);
		rc = outfile_commit(&of, err);
	}
	free(path);
	strbuf_release(&sb);
	return rc;
}

int cov_report_shows_contexts(const struct runner_opts *o)
{
	struct cm_job *job = cm_job_new();
	for (size_t i = 0; i < o->ncov_reports; i++)
		cm_job_add_report(job, o->cov_reports[i]);
	cm_job_set_export(job, o->cov_export);
	int shows = cm_job_wants_contexts(job);
	cm_job_free(job);
	return shows;
}

int cov_report(const struct runner_opts *o, const char *dir, int nworkers,
	       const struct path_list *binaries, size_t *nerrors)
{
	struct cm_job *job = cm_job_new();
	for (size_t i = 0; binaries && i < binaries->n; i++)
		cm_job_add_ran_binary(job, binaries->v[i]);
	for (size_t i = 0; i < o->ncov_binaries; i++)
		cm_job_add_binary(job, o->cov_binaries[i]);
	for (int k = 0; k < nworkers; k++) {
		char *shard = xasprintf("%s/gw%d", dir, k);
		cm_job_add_input(job, shard);
		free(shard);
	}
	if (o->ncov_paths)
		for (size_t i = 0; i < o->ncov_paths; i++)
			cm_job_add_object_dir(job, o->cov_paths[i]);
	else
		cm_job_add_object_dir(job, ".");
	if (o->cov_context && cov_report_shows_contexts(o)) {
		/* the contexts the run recorded (written before: see run.c) */
		char *store = path_join(dir, CM_CTX_FILE);
		cm_job_add_input(job, store);
		free(store);
	}
	cm_job_set_only_object_dirs(job, 1);
	cm_job_set_stop_flag(job, &proc_interrupt);
	cm_job_set_branch(job, o->cov_branch);
	cm_job_set_root(job, o->cov_root);
	cm_job_set_export(job, o->cov_export);
	if (o->cov_fail_under >= 0)
		cm_job_set_fail_under(job, CM_FAIL_UNDER_TOTAL, o->cov_fail_under);
	cm_job_set_diff(job, o->cov_diff);
	if (o->cov_fail_under_diff >= 0)
		cm_job_set_fail_under(job, CM_FAIL_UNDER_DIFF, o->cov_fail_under_diff);
	if (o->cov_fail_under_file >= 0)
		cm_job_set_fail_under(job, CM_FAIL_UNDER_FILE, o->cov_fail_under_file);
	cm_job_set_baseline(job, o->cov_baseline);
	for (size_t i = 0; i < o->ncov_reports; i++)
		cm_job_add_report(job, o->cov_reports[i]); /* checked in main */
	if (!o->ncov_reports)
		cm_job_add_report(job, "term");
	printf("\n");
	fflush(stdout);
	enum cm_exit rc = cm_job_run(job);
	*nerrors = cm_job_errors(job);
	cm_job_free(job);
	return rc == CM_EXIT_OK ? 0 : rc == CM_EXIT_UNDER ? 1
	       : rc == CM_EXIT_INTERRUPTED ? 2 : 3;
}
