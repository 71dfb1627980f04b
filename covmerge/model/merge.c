/* cm_merge: discovery, then one job per object on a pool of threads (read
 * the notes, sum the counters of every data file after checking they
 * belong, solve, count lines), then a fold of the per-object results into
 * one file list, in a fixed order so the output never depends on -j. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "contexts_merge.h"
#include "counts.h"
#include "covmerge_contexts.h"
#include "covmerge.h"
#include "diag.h"
#include "gcda.h"
#include "gcno.h"
#include "infile.h"
#include "lcov_read.h"
#include "lines.h"
#include "lines_llvm.h"
#include "llvm_dir.h"
#include "manifest.h"
#include "path.h"
#include "portable.h"
#include "project.h"
#include "shards.h"
#include "solve.h"

struct job {
	/* inputs: a gcov object (local notes file and data files, and/or
	 * objects carried by portable shards), or a tracefile */
	char *key;                    /* the notes file's absolute path */
	const char *gcno_path;        /* local notes file, or NULL */
	const struct path_list *gcdas;
	const struct pshard_obj **emb;
	size_t nemb, aemb;
	int64_t stamp;                /* of the embedded notes, -1 unknown */
	const char *tracefile;        /* an lcov input file, or */
	const struct strbuf *trace_text; /* a tracefile carried by a shard */
	const char *map_from, *map_to; /* re-rooting of a shard's tracefile */
	const char *root;             /* the merge's root (absolute) */
	char *label;                  /* how messages name an embedded object */
	/* outputs */
	int broken;                   /* the notes could not be read */
	struct obj_cov cov;
	struct diag diag;
	uint64_t runs;
	size_t ndata;                 /* data files whose counters were added */
	char **paths;                 /* per notes file name: its reported path */
	size_t npaths;
	/* kept for --export */
	struct strbuf gcno_data;
	struct pshard_func *sums;
	size_t nsums;
};

struct pool {
	const struct cm_options *opts;
	struct job *jobs;
	size_t njobs;
	atomic_size_t next;
};

static const char stale_hint_error[] =
	"\nhint: the object was rebuilt after the tests ran? delete the shard "
	"directory and rerun the tests, or pass --ignore-stale to leave this "
	"file out";
static const char stale_hint_warning[] =
	"\nhint: the object was rebuilt after the tests ran? this data file is "
	"left out";

/* The hint under a stale-data message: an error says how to get past it. */
static const char *stale_hint(enum cm_severity sev)
{
	return sev == CM_ERROR ? stale_hint_error : stale_hint_warning;
}

struct ident_ix {
	uint32_t ident;
	uint32_t func;
};

static int cmp_ident(const void *a, const void *b)
{
	const struct ident_ix *x = a, *y = b;
	if (x->ident != y->ident)
		return x->ident < y->ident ? -1 : 1;
	return x->func < y->func ? -1 : x->func > y->func;
}

static const struct ident_ix *find_ident(const struct ident_ix *ix, size_t n,
					 uint32_t ident)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (ix[mid].ident < ident)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && ix[lo].ident == ident ? &ix[lo] : NULL;
}

static void version_text(uint32_t v, char out[32])
{
	if (v == GCOV_LLVM_408_VERSION) {
		snprintf(out, 32, "clang (LLVM gcov format 408*)");
		return;
	}
	int major = (int)((v >> 24 & 0xff) - 'A') * 10 + (int)((v >> 16 & 0xff) - '0');
	int minor = (int)(v >> 8 & 0xff) - '0';
	if (minor < 0 || minor > 9)
		minor = 0;
	snprintf(out, 32, "gcc %d.%d", major, minor);
}

/* One function's counters from some data source, before they are added. */
struct fn_data {
	uint32_t ident, lineno_checksum, cfg_checksum, n;
	int has_arcs;
};

/* Checks that a function's data belongs to the notes. Returns the notes
 * function's index, or -1 with a message. */
static long check_function(const struct gcno *g, const struct ident_ix *ix,
			   const struct fn_data *df, const char *what,
			   const char *gcno_path, struct diag *d,
			   enum cm_severity sev)
{
	const struct ident_ix *hit = find_ident(ix, g->nfuncs, df->ident);
	if (!hit) {
		diag_add(d, sev, "\"%s\" does not match its notes file \"%s\": "
			 "function 0x%08x is not in the notes%s", what, gcno_path,
			 df->ident, stale_hint(sev));
		return -1;
	}
	const struct gcno_func *nf = &g->funcs[hit->func];
	if (df->lineno_checksum != nf->lineno_checksum ||
	    df->cfg_checksum != nf->cfg_checksum) {
		diag_add(d, sev, "\"%s\" does not match its notes file \"%s\": "
			 "the checksums of function %s differ%s", what, gcno_path,
			 nf->name, stale_hint(sev));
		return -1;
	}
	if (df->has_arcs && df->n != nf->ncounters) {
		diag_add(d, sev, "\"%s\" does not match its notes file \"%s\": "
			 "function %s has %u arc counters, the notes expect %u%s",
			 what, gcno_path, nf->name, df->n, nf->ncounters, stale_hint(sev));
		return -1;
	}
	return hit->func;
}

static int64_t *sum_slot(const struct gcno *g, int64_t **sums, uint32_t f)
{
	if (!sums[f])
		sums[f] = xcalloc(g->funcs[f].ncounters ? g->funcs[f].ncounters : 1,
				  sizeof(int64_t));
	return sums[f];
}

/* Checks that data file gd belongs to notes g; on success returns 0 and
 * adds its counters to sums. */
static int add_data(const struct gcno *g, const char *gcno_path,
		    const struct ident_ix *ix, const struct gcda *gd,
		    const char *gcda_path, int64_t **sums, struct diag *d,
		    enum cm_severity sev)
{
	if (gd->version != g->version) {
		char a[32], b[32];
		version_text(gd->version, a);
		version_text(g->version, b);
		diag_add(d, sev, "\"%s\" was written by %s but its notes file "
			 "\"%s\" by %s%s", gcda_path, a, gcno_path, b, stale_hint(sev));
		return -1;
	}
	if (gd->stamp != g->stamp) {
		diag_add(d, sev, "\"%s\" is stale: its stamp 0x%08x differs from "
			 "the stamp 0x%08x of its notes file \"%s\"%s", gcda_path,
			 gd->stamp, g->stamp, gcno_path, stale_hint(sev));
		return -1;
	}
	for (size_t i = 0; i < gd->nfuncs; i++) {
		const struct gcda_func *df = &gd->funcs[i];
		struct fn_data fd = {df->ident, df->lineno_checksum, df->cfg_checksum,
				     df->ncounters, df->has_arcs};
		if (check_function(g, ix, &fd, gcda_path, gcno_path, d, sev) < 0)
			return -1;
	}
	for (size_t i = 0; i < gd->nfuncs; i++) {
		const struct gcda_func *df = &gd->funcs[i];
		if (!df->has_arcs)
			continue;
		uint32_t f = find_ident(ix, g->nfuncs, df->ident)->func;
		int64_t *sum = sum_slot(g, sums, f);
		if (!df->counters)
			continue;
		for (uint32_t k = 0; k < df->ncounters; k++)
			sum[k] = (int64_t)((uint64_t)sum[k] + gcda_counter(gd, df, k));
	}
	return 0;
}

/* The same for the summed counters a portable shard carries. */
static int add_embedded(const struct gcno *g, const char *gcno_path,
			const struct ident_ix *ix, const struct pshard_obj *o,
			const char *what, int64_t **sums, struct diag *d,
			enum cm_severity sev)
{
	int rc = 0;
	for (size_t i = 0; i < o->nfuncs && !rc; i++) {
		const struct pshard_func *pf = &o->funcs[i];
		struct fn_data fd = {pf->ident, pf->lineno_checksum, pf->cfg_checksum,
				     pf->n, 1};
		if (check_function(g, ix, &fd, what, gcno_path, d, sev) < 0)
			rc = -1;
	}
	if (rc)
		return -1;
	for (size_t i = 0; i < o->nfuncs; i++) {
		const struct pshard_func *pf = &o->funcs[i];
		uint32_t f = find_ident(ix, g->nfuncs, pf->ident)->func;
		int64_t *sum = sum_slot(g, sums, f);
		for (uint32_t k = 0; k < pf->n; k++)
			sum[k] = (int64_t)((uint64_t)sum[k] + (uint64_t)pf->counters[k]);
	}
	return 0;
}

/* Rewrites a path's prefix from -> to (whole path components only).
 * Returns a new string, or NULL when from does not apply. */
static char *swap_prefix(const char *path, const char *from, const char *to)
{
	size_t lf = strlen(from);
	while (lf > 1 && from[lf - 1] == '/')
		lf--;
	if (strncmp(path, from, lf) || (path[lf] != '/' && path[lf] != '\0'))
		return NULL;
	char *joined = xasprintf("%s%s", to, path + lf);
	char *norm = path_normalize(joined);
	free(joined);
	return norm;
}

/* path after --path-map (first match), as a new string. */
static char *user_map(const char *path, const struct cm_options *opts)
{
	return merge_map_path(path, opts);
}

char *merge_map_path(const char *path, const struct cm_options *opts)
{
	for (size_t m = 0; m < opts->npath_maps; m++) {
		const char *eq = strchr(opts->path_maps[m], '=');
		if (!eq)
			continue;
		char *from = xstrndup(opts->path_maps[m],
				      (size_t)(eq - opts->path_maps[m]));
		char *p = swap_prefix(path, from, eq + 1);
		free(from);
		if (p)
			return p;
	}
	return xstrdup(path);
}

/* A tracefile's paths: re-rooted when it came in a portable shard, then
 * --path-map. */
static void remap_tracefile(struct job *job, const struct cm_options *opts)
{
	for (size_t i = 0; i < job->cov.nfiles; i++) {
		struct cm_file *f = &job->cov.files[i];
		char *p = job->map_from ? swap_prefix(f->path, job->map_from, job->map_to)
					: NULL;
		char *q = user_map(p ? p : f->path, opts);
		free(p);
		free(f->path);
		f->path = q;
	}
	obj_cov_sort(&job->cov);
}

/* The reported path of every source file name of notes g: as stored in
 * the portable shard (relative ones under the merge's root), or from the
 * notes' working directory; then --path-map. */
static void object_paths(struct job *job, const struct gcno *g,
			 const struct cm_options *opts)
{
	const struct pshard_obj *o = !job->gcno_path && job->nemb ? job->emb[0] : NULL;
	job->npaths = g->nfiles;
	job->paths = xcalloc(g->nfiles ? g->nfiles : 1, sizeof(char *));
	for (size_t i = 0; i < g->nfiles; i++) {
		char *p = o && o->npaths == g->nfiles
			? path_absolute(job->root, o->paths[i])
			: path_absolute(g->cwd, g->files[i]);
		job->paths[i] = user_map(p, opts);
		free(p);
	}
}

static void run_tracefile_job(struct job *job)
{
	struct strbuf err;
	strbuf_init(&err);
	int rc = job->tracefile
		? lcov_read(job->tracefile, &job->cov, &err)
		: lcov_parse(job->trace_text->buf, job->trace_text->len, &job->cov, &err);
	if (rc)
		diag_add(&job->diag, CM_ERROR, "cannot read \"%s\": %s",
			 job->tracefile ? job->tracefile : job->label, err.buf);
	else
		job->ndata = 1;
	strbuf_release(&err);
}

/* Whether the counters of the data file at path, on their own, make some
 * derived count negative (threads raced on them in the run that wrote
 * the file). */
static int data_inconsistent(const struct gcno *g, const struct ident_ix *ix,
			     const char *path)
{
	struct strbuf data, err;
	strbuf_init(&data);
	strbuf_init(&err);
	struct gcda gd;
	memset(&gd, 0, sizeof(gd));
	int bad = 0;
	if (infile_load(path, &data, &err) ||
	    gcda_parse(&gd, data.buf, data.len, &err))
		goto out;
	for (size_t i = 0; i < gd.nfuncs && !bad; i++) {
		const struct gcda_func *df = &gd.funcs[i];
		const struct ident_ix *hit = find_ident(ix, g->nfuncs, df->ident);
		if (!df->has_arcs || !hit || g->funcs[hit->func].artificial ||
		    df->ncounters != g->funcs[hit->func].ncounters)
			continue;
		int64_t *c = xcalloc(df->ncounters ? df->ncounters : 1, sizeof(*c));
		for (uint32_t k = 0; df->counters && k < df->ncounters; k++)
			c[k] = (int64_t)gcda_counter(&gd, df, k);
		struct graph gr;
		graph_solve(&gr, &g->funcs[hit->func], c);
		bad = gr.negative;
		graph_release(&gr);
		free(c);
	}
out:
	gcda_release(&gd);
	strbuf_release(&data);
	strbuf_release(&err);
	return bad;
}

/* The data files an inconsistent-counters warning names: every data file
 * of the job whose own counters are inconsistent; when none is on its own
 * (portable shards carry sums), every input of the job. */
static char *inconsistent_names(const struct gcno *g, const struct ident_ix *ix,
				const struct job *job, const char *gcno_name)
{
	struct strbuf sb;
	strbuf_init(&sb);
	size_t n = 0;
	for (size_t i = 0; job->gcdas && i < job->gcdas->n; i++) {
		const char *p = job->gcdas->v[i];
		if (job->gcdas->n > 1 && !data_inconsistent(g, ix, p))
			continue;
		strbuf_addf(&sb, "%s\"%s\"", n++ ? ", " : "", p);
	}
	for (size_t i = 0; !n && job->gcdas && i < job->gcdas->n; i++)
		strbuf_addf(&sb, "%s\"%s\"", i ? ", " : "", job->gcdas->v[i]);
	if (!sb.len)
		strbuf_addf(&sb, "\"%s\"", job->label ? job->label : gcno_name);
	return strbuf_detach(&sb, NULL);
}

/* Reads and parses the job's notes (a file or a portable shard's copy)
 * into g, the bytes staying in data. Returns 0, 1 when there is nothing
 * to do (an empty notes file with no data), or -1 (a message given). */
static int load_notes(struct job *job, enum cm_severity sev, struct gcno *g,
		      struct strbuf *data, struct strbuf *err)
{
	const char *gcno_name = job->gcno_path ? job->gcno_path : job->label;
	if (job->gcno_path) {
		if (infile_load(job->gcno_path, data, err)) {
			diag_add(&job->diag, sev, "cannot read \"%s\": %s", job->gcno_path,
				 err->buf);
			job->broken = 1;
			return -1;
		}
	} else {
		strbuf_add(data, job->emb[0]->gcno, job->emb[0]->gcno_len);
	}
	/* gcc 11's -flto leaves empty notes files beside the real ones: with
	 * no data to go with them they are simply nothing */
	if (data->len == 0 && !(job->gcdas && job->gcdas->n) && !job->nemb)
		return 1;
	if (gcno_parse(g, data->buf, data->len, err)) {
		const char *left = sev == CM_ERROR ? "" : " (left out of the report)";
		if (job->gcno_path && g->foreign)
			/* the file is fine: the cause names its format and
			 * what to do */
			diag_add(&job->diag, sev, "cannot read \"%s\": %s%s",
				 gcno_name, err->buf, left);
		else if (job->gcno_path)
			diag_add(&job->diag, sev, "cannot read \"%s\": %s\nhint: the "
				 "notes file is corrupt or truncated; rebuild the object%s",
				 gcno_name, err->buf, left);
		else
			diag_add(&job->diag, sev, "cannot read \"%s\": the notes of "
				 "object %s: %s\nhint: the portable shard is corrupt; "
				 "export it again", gcno_name, job->emb[0]->name, err->buf);
		job->broken = 1;
		return -1;
	}
	if (g->llvm && job->gcno_path)
		llvm_guess_compile_dir(g, job->gcno_path);
	return 0;
}

/* Adds the counters of every data file and portable shard of the job
 * into sums. */
static void sum_counters(struct job *job, enum cm_severity sev,
			 const struct gcno *g, const struct ident_ix *ix,
			 int64_t **sums, struct strbuf *err)
{
	const char *gcno_name = job->gcno_path ? job->gcno_path : job->label;
	struct strbuf gdata;
	strbuf_init(&gdata);
	for (size_t i = 0; job->gcdas && i < job->gcdas->n; i++) {
		const char *path = job->gcdas->v[i];
		struct gcda gd;
		memset(&gd, 0, sizeof(gd));
		strbuf_reset(err);
		if (infile_load(path, &gdata, err)) {
			diag_add(&job->diag, sev, "cannot read \"%s\": %s", path, err->buf);
			continue;
		}
		int prc = gcda_parse(&gd, gdata.buf, gdata.len, err);
		if (prc && gd.foreign) {
			diag_add(&job->diag, sev, "cannot read \"%s\": %s%s", path,
				 err->buf, sev == CM_ERROR ? ""
				 : " (left out of the report)");
			gcda_release(&gd);
			continue;
		}
		if (prc) {
			diag_add(&job->diag, sev, "cannot read \"%s\": %s\nhint: the data "
				 "file is corrupt or truncated; %s", path, err->buf,
				 sev == CM_ERROR ? "delete the shard directory and rerun "
				 "the tests, or pass --ignore-stale to leave it out"
				 : "it is left out");
			gcda_release(&gd);
			continue;
		}
		if (add_data(g, gcno_name, ix, &gd, path, sums, &job->diag, sev) == 0) {
			job->runs += gd.runs;
			job->ndata++;
		}
		gcda_release(&gd);
	}
	strbuf_release(&gdata);
	for (size_t i = 0; i < job->nemb; i++) {
		if (add_embedded(g, job->gcno_path ? job->gcno_path : job->emb[i]->name,
				 ix, job->emb[i], job->label ? job->label : gcno_name,
				 sums, &job->diag, sev) == 0) {
			job->runs += job->emb[i]->runs;
			job->ndata += job->emb[i]->ndata;
		}
	}
}

/* The warnings about counts that could not be derived exactly. */
static void warn_counts(struct job *job, const struct gcno *g,
			const struct ident_ix *ix)
{
	const char *gcno_name = job->gcno_path ? job->gcno_path : job->label;
	const char *what = job->gcdas && job->gcdas->n == 1 ? job->gcdas->v[0]
							    : gcno_name;
	if (job->cov.negative) {
		char *names = inconsistent_names(g, ix, job, gcno_name);
		diag_add(&job->diag, CM_WARNING, "inconsistent counters in %s: "
			 "some derived counts were negative and are shown as 0\n"
			 "hint: a program that runs several threads needs "
			 "-fprofile-update=atomic for exact counts", names);
		free(names);
	}
	if (job->cov.unsolved)
		diag_add(&job->diag, CM_WARNING, "\"%s\": some counts could not be "
			 "derived from the flow graph and are shown as 0", what);
}

/* Keeps what a portable shard needs: the notes' bytes (taken from data)
 * and the summed counters (taken from sums). */
static void keep_for_export(struct job *job, const struct gcno *g,
			    int64_t **sums, struct strbuf *data)
{
	strbuf_release(&job->gcno_data);
	job->gcno_data = *data;
	strbuf_init(data);
	job->sums = xcalloc(g->nfuncs ? g->nfuncs : 1, sizeof(*job->sums));
	job->nsums = g->nfuncs;
	for (size_t f = 0; f < g->nfuncs; f++) {
		struct pshard_func *pf = &job->sums[f];
		pf->ident = g->funcs[f].ident;
		pf->lineno_checksum = g->funcs[f].lineno_checksum;
		pf->cfg_checksum = g->funcs[f].cfg_checksum;
		pf->n = g->funcs[f].ncounters;
		pf->counters = sums[f];
		sums[f] = NULL;
	}
}

static void run_object_job(const struct cm_options *opts, struct job *job)
{
	enum cm_severity sev = opts->ignore_stale ? CM_WARNING : CM_ERROR;
	struct strbuf data, err;
	strbuf_init(&data);
	strbuf_init(&err);
	struct gcno g;
	memset(&g, 0, sizeof(g));
	if (load_notes(job, sev, &g, &data, &err) == 0) {
		struct ident_ix *ix = xcalloc(g.nfuncs ? g.nfuncs : 1, sizeof(*ix));
		for (size_t f = 0; f < g.nfuncs; f++)
			ix[f] = (struct ident_ix){g.funcs[f].ident, (uint32_t)f};
		qsort(ix, g.nfuncs, sizeof(*ix), cmp_ident);
		int64_t **sums = xcalloc(g.nfuncs ? g.nfuncs : 1, sizeof(*sums));
		sum_counters(job, sev, &g, ix, sums, &err);

		if (g.llvm)
			lines_compute_llvm(&g, sums, &job->cov);
		else
			lines_compute(&g, sums, &job->cov);
		object_paths(job, &g, opts);
		for (size_t k = 0; k < job->cov.nfiles; k++) {
			struct cm_file *f = &job->cov.files[k];
			free(f->path);
			f->path = xstrdup(job->paths[job->cov.file_index[k]]);
		}
		obj_cov_sort(&job->cov);
		warn_counts(job, &g, ix);
		if (opts->export_path)
			keep_for_export(job, &g, sums, &data);
		for (size_t f = 0; f < g.nfuncs; f++)
			free(sums[f]);
		free(sums);
		free(ix);
	}
	gcno_release(&g);
	strbuf_release(&data);
	strbuf_release(&err);
}

static void run_job(const struct cm_options *opts, struct job *job)
{
	if (job->tracefile || job->trace_text) {
		run_tracefile_job(job);
		remap_tracefile(job, opts);
	} else {
		run_object_job(opts, job);
	}
}

static int stop_raised(const struct cm_options *opts)
{
	return opts->stop && *opts->stop;
}

static void *worker(void *arg)
{
	struct pool *p = arg;
	for (;;) {
		size_t i = atomic_fetch_add(&p->next, 1);
		if (i >= p->njobs || stop_raised(p->opts))
			break;
		run_job(p->opts, &p->jobs[i]);
	}
	return NULL;
}

/* Fold: every per-object file, grouped by path in object order. */
struct piece {
	struct cm_file *file;
	size_t order;
};

static int cmp_piece(const void *a, const void *b)
{
	const struct piece *x = a, *y = b;
	int c = strcmp(x->file->path, y->file->path);
	if (c)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

struct line_ref {
	const struct cm_line *line;
	size_t order;
};

static int cmp_line_ref(const void *a, const void *b)
{
	const struct line_ref *x = a, *y = b;
	if (x->line->lineno != y->line->lineno)
		return x->line->lineno < y->line->lineno ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

struct fn_ref {
	const struct cm_function *fn;
	size_t order;
};

static int cmp_fn_ref(const void *a, const void *b)
{
	const struct fn_ref *x = a, *y = b;
	int c = strcmp(x->fn->name, y->fn->name);
	if (c)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int cmp_function(const void *a, const void *b)
{
	const struct cm_function *x = a, *y = b;
	if (x->start_line != y->start_line)
		return x->start_line < y->start_line ? -1 : 1;
	return strcmp(x->name, y->name);
}

static void merge_branches(struct cm_line *dst, const struct cm_line *src)
{
	if (src->nbranches > dst->nbranches) {
		dst->branches = xreallocarray(dst->branches, src->nbranches,
					      sizeof(*dst->branches));
		for (size_t b = dst->nbranches; b < src->nbranches; b++)
			dst->branches[b] = (struct cm_branch){0, 0, 0, CM_DST_UNKNOWN};
		dst->nbranches = src->nbranches;
	}
	for (size_t b = 0; b < src->nbranches; b++) {
		struct cm_branch *x = &dst->branches[b];
		const struct cm_branch *y = &src->branches[b];
		x->count = count_add(x->count, y->count);
		x->src_executed |= y->src_executed;
		x->flags |= y->flags;
		/* the first piece to know where the branch goes says so */
		if (x->dst_line == CM_DST_UNKNOWN)
			x->dst_line = y->dst_line;
	}
}

/* Builds one merged file from pieces[0..n) (same path). */
static void fold_file(struct cm_file *out, const struct piece *pieces, size_t n)
{
	memset(out, 0, sizeof(*out));
	out->path = xstrdup(pieces[0].file->path);
	size_t nl = 0, nfn = 0;
	for (size_t i = 0; i < n; i++) {
		nl += pieces[i].file->nlines;
		nfn += pieces[i].file->nfunctions;
	}
	struct line_ref *lr = xcalloc(nl ? nl : 1, sizeof(*lr));
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < pieces[i].file->nlines; j++, k++)
			lr[k] = (struct line_ref){&pieces[i].file->lines[j], k};
	qsort(lr, nl, sizeof(*lr), cmp_line_ref);
	out->lines = xcalloc(nl ? nl : 1, sizeof(*out->lines));
	for (size_t i = 0; i < nl; i++) {
		const struct cm_line *src = lr[i].line;
		struct cm_line *dst;
		if (out->nlines && out->lines[out->nlines - 1].lineno == src->lineno) {
			dst = &out->lines[out->nlines - 1];
			dst->count = count_add(dst->count, src->count);
			dst->unexecuted_block |= src->unexecuted_block;
		} else {
			dst = &out->lines[out->nlines++];
			dst->lineno = src->lineno;
			dst->count = src->count;
			dst->unexecuted_block = src->unexecuted_block;
		}
		merge_branches(dst, src);
	}
	free(lr);

	struct fn_ref *fr = xcalloc(nfn ? nfn : 1, sizeof(*fr));
	k = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < pieces[i].file->nfunctions; j++, k++)
			fr[k] = (struct fn_ref){&pieces[i].file->functions[j], k};
	qsort(fr, nfn, sizeof(*fr), cmp_fn_ref);
	out->functions = xcalloc(nfn ? nfn : 1, sizeof(*out->functions));
	for (size_t i = 0; i < nfn; i++) {
		const struct cm_function *src = fr[i].fn;
		struct cm_function *dst = out->nfunctions
			? &out->functions[out->nfunctions - 1] : NULL;
		if (dst && !strcmp(dst->name, src->name)) {
			dst->count = count_add(dst->count, src->count);
			if (src->end_line > dst->end_line)
				dst->end_line = src->end_line;
			continue;
		}
		dst = &out->functions[out->nfunctions++];
		dst->name = xstrdup(src->name);
		dst->start_line = src->start_line;
		dst->end_line = src->end_line;
		dst->count = src->count;
	}
	free(fr);
	if (out->nfunctions > 1)
		qsort(out->functions, out->nfunctions, sizeof(*out->functions),
		      cmp_function);
}

static struct cm_report *fold(struct job *jobs, size_t njobs)
{
	struct cm_report *r = xcalloc(1, sizeof(*r));
	size_t np = 0;
	for (size_t i = 0; i < njobs; i++)
		np += jobs[i].cov.nfiles;
	struct piece *pieces = xcalloc(np ? np : 1, sizeof(*pieces));
	size_t k = 0;
	for (size_t i = 0; i < njobs; i++)
		for (size_t j = 0; j < jobs[i].cov.nfiles; j++, k++)
			pieces[k] = (struct piece){&jobs[i].cov.files[j], k};
	qsort(pieces, np, sizeof(*pieces), cmp_piece);
	r->files = xcalloc(np ? np : 1, sizeof(*r->files));
	size_t i = 0;
	while (i < np) {
		size_t j = i;
		while (j < np && !strcmp(pieces[j].file->path, pieces[i].file->path))
			j++;
		fold_file(&r->files[r->nfiles++], pieces + i, j - i);
		i = j;
	}
	free(pieces);
	return r;
}

static int default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (int)n : 1;
}

/* The jobs: local objects, objects and tracefiles carried by portable
 * shards (an embedded object joins the local object or earlier embedded
 * object with the same notes path, stamp and notes bytes), and lcov
 * tracefiles. */
struct jobs {
	struct job *v;
	size_t n, alloc;
	struct pshard *shards;
	size_t nshards, ashards;
	struct cm_contexts *contexts; /* the inputs' contexts, merged */
};

static struct job *new_job(struct jobs *js)
{
	GROW(js->v, js->alloc, js->n + 1);
	struct job *j = &js->v[js->n++];
	memset(j, 0, sizeof(*j));
	j->stamp = -1;
	strbuf_init(&j->gcno_data);
	return j;
}

/* Whether job c's notes are the bytes o carries. The stamp alone does not
 * tell two builds apart: gcc writes 0xffffffff for every object built
 * with -frandom-seed (reproducible builds), and a time stamp repeats
 * within a second. Two builds that differ merge per line, never by
 * counters. */
static int same_notes(const struct job *c, const struct pshard_obj *o)
{
	if (c->nemb)
		return c->emb[0]->gcno_len == o->gcno_len &&
		       !memcmp(c->emb[0]->gcno, o->gcno, o->gcno_len);
	if (!c->gcno_path)
		return 0;
	struct strbuf b, err;
	strbuf_init(&b);
	strbuf_init(&err);
	int same = !infile_load(c->gcno_path, &b, &err) && b.len == o->gcno_len &&
		   !memcmp(b.buf, o->gcno, o->gcno_len);
	strbuf_release(&b);
	strbuf_release(&err);
	return same;
}

static void add_embedded_job(struct jobs *js, const struct pshard *ps,
			     const struct pshard_obj *o, const char *root)
{
	char *key = o->name[0] == '/' ? path_normalize(o->name)
				      : path_absolute(root, o->name);
	int64_t stamp = gcov_stamp_of(o->gcno, o->gcno_len, GCOV_NOTE_MAGIC);
	struct job *j = NULL;
	for (size_t i = 0; i < js->n && !j; i++) {
		struct job *c = &js->v[i];
		if (!c->key || strcmp(c->key, key))
			continue;
		if (c->stamp < 0 && c->gcno_path)
			c->stamp = read_stamp(c->gcno_path, GCOV_NOTE_MAGIC);
		if (c->stamp == stamp && same_notes(c, o))
			j = c;
	}
	if (!j) {
		j = new_job(js);
		j->key = key;
		j->stamp = stamp;
		j->label = xstrdup(ps->path);
		key = NULL;
	}
	GROW(j->emb, j->aemb, j->nemb + 1);
	j->emb[j->nemb++] = o;
	free(key);
}

/* Reads the tracefile inputs: portable shards become embedded objects and
 * tracefiles, lcov files tracefile jobs. */
static void load_file_inputs(struct jobs *js, const struct inventory *inv,
			     const char *root, const struct cm_options *opts,
			     struct diag *d)
{
	struct strbuf data, err;
	strbuf_init(&data);
	strbuf_init(&err);
	for (size_t i = 0; i < inv->tracefiles.n; i++) {
		const char *path = inv->tracefiles.v[i];
		strbuf_reset(&err);
		if (infile_load(path, &data, &err)) {
			diag_add(d, CM_ERROR, "cannot read \"%s\": %s", path, err.buf);
			continue;
		}
		if (data.len == 0) {
			/* a failed artifact download, say: not "no data" */
			diag_add(d, CM_ERROR, "cannot read \"%s\": the file is empty", path);
			continue;
		}
		if (ctx_store_detect(data.buf, data.len)) {
			/* a context store given on its own */
			if (!opts->skip_contexts)
				ctx_load_bytes(&js->contexts, data.buf, data.len,
					       path, root, opts, d);
			continue;
		}
		if (!pshard_detect(data.buf, data.len)) {
			new_job(js)->tracefile = path;
			continue;
		}
		GROW(js->shards, js->ashards, js->nshards + 1);
		struct pshard *ps = &js->shards[js->nshards];
		memset(ps, 0, sizeof(*ps));
		ps->path = xstrdup(path);
		if (pshard_parse(ps, data.buf, data.len, &err)) {
			diag_add(d, CM_ERROR, "cannot read \"%s\": %s\nhint: the portable "
				 "shard is corrupt or truncated; export it again", path,
				 err.buf);
			pshard_release(ps);
			continue;
		}
		js->nshards++;
	}
	/* shards grow no more: pointers into them are stable from here */
	for (size_t s = 0; s < js->nshards; s++) {
		const struct pshard *ps = &js->shards[s];
		for (size_t i = 0; i < ps->nobjs; i++)
			add_embedded_job(js, ps, &ps->objs[i], root);
		for (size_t i = 0; i < ps->ncontexts; i++)
			ctx_load_bytes(&js->contexts, ps->contexts[i].buf,
				       ps->contexts[i].len, ps->path, root, opts, d);
		for (size_t i = 0; i < ps->ntraces; i++) {
			struct job *j = new_job(js);
			j->trace_text = &ps->traces[i];
			j->label = xstrdup(ps->path);
			if (strcmp(ps->root, root)) {
				j->map_from = ps->root;
				j->map_to = root;
			}
		}
	}
	strbuf_release(&data);
	strbuf_release(&err);
}

static int write_export(const struct cm_options *opts, struct jobs *js,
			const char *root)
{
	struct pshard_writer w;
	pshard_writer_init(&w, root);
	for (size_t i = 0; i < js->n; i++) {
		struct job *j = &js->v[i];
		if (j->tracefile || j->trace_text) {
			struct strbuf t;
			strbuf_init(&t);
			lcov_format(&t, j->cov.files, j->cov.nfiles, 1);
			pshard_add_tracefile(&w, t.buf, t.len);
			strbuf_release(&t);
		} else if (j->gcno_data.len) {
			pshard_add_object(&w, j->key, j->gcno_data.buf, j->gcno_data.len,
					  j->runs, j->ndata, j->paths, j->npaths, j->sums,
					  j->nsums);
		}
	}
	if (js->contexts) {
		struct strbuf c;
		strbuf_init(&c);
		ctx_export(js->contexts, root, &c);
		pshard_add_contexts(&w, c.buf, c.len);
		strbuf_release(&c);
	}
	struct strbuf err;
	strbuf_init(&err);
	int rc = pshard_writer_commit(&w, opts->export_path, &err);
	if (rc && opts->emit) {
		char *msg = xasprintf("cannot write \"%s\": %s", opts->export_path,
				      err.buf);
		opts->emit(opts->emit_ctx, CM_ERROR, msg);
		free(msg);
	}
	strbuf_release(&err);
	return rc;
}

int cm_merge(const struct cm_options *opts, struct cm_report **out)
{
	*out = NULL;
	struct diag d = {0};
	struct inventory inv = {0};
	char *root = path_absolute(NULL, opts->root ? opts->root : ".");
	shards_discover(opts, &inv, &d);
	for (size_t i = 0; i < opts->ninputs; i++) {
		struct stat st;
		if (stat(opts->inputs[i], &st) == 0 && S_ISDIR(st.st_mode))
			manifest_check(opts->inputs[i], opts->allow_missing, &d);
	}
	struct jobs js = {0};
	for (size_t i = 0; i < inv.n; i++) {
		struct job *j = new_job(&js);
		j->key = xstrdup(inv.v[i].gcno);
		j->gcno_path = inv.v[i].gcno;
		j->gcdas = &inv.v[i].gcdas;
	}
	load_file_inputs(&js, &inv, root, opts, &d);
	/* a runner coverage directory's contexts */
	for (size_t i = 0; !opts->skip_contexts && i < opts->ninputs; i++) {
		char *p = path_join(opts->inputs[i], CM_CTX_FILE);
		struct stat st;
		if (stat(opts->inputs[i], &st) == 0 && S_ISDIR(st.st_mode) &&
		    stat(p, &st) == 0)
			ctx_load_file(&js.contexts, p, root, opts, &d);
		free(p);
	}
	for (size_t i = 0; i < js.n; i++)
		js.v[i].root = root;
	size_t errors = diag_flush(&d, opts->emit, opts->emit_ctx);

	size_t njobs = js.n;
	struct job *jobs = js.v;
	int nthreads = opts->jobs > 0 ? opts->jobs : default_jobs();
	if ((size_t)nthreads > njobs)
		nthreads = njobs ? (int)njobs : 1;
	struct pool pool = {.opts = opts, .jobs = jobs, .njobs = njobs};
	atomic_init(&pool.next, 0);
	if (nthreads <= 1) {
		worker(&pool);
	} else {
		pthread_t *tids = xcalloc((size_t)nthreads, sizeof(*tids));
		int started = 0;
		for (int t = 0; t < nthreads; t++) {
			if (pthread_create(&tids[t], NULL, worker, &pool) != 0)
				break;
			started++;
		}
		if (!started)
			worker(&pool);
		for (int t = 0; t < started; t++)
			pthread_join(tids[t], NULL);
		free(tids);
	}

	uint64_t runs = 0;
	size_t ndata = 0, unrun = 0, nobjects = 0, ntrace = 0, unread = 0;
	for (size_t i = 0; i < njobs; i++) {
		errors += diag_flush(&jobs[i].diag, opts->emit, opts->emit_ctx);
		diag_release(&jobs[i].diag);
		runs += jobs[i].runs;
		if (jobs[i].tracefile || jobs[i].trace_text) {
			ntrace++;
			continue;
		}
		if (jobs[i].broken) {
			unread++;
			continue;
		}
		nobjects++;
		ndata += jobs[i].ndata;
		if (!jobs[i].ndata)
			unrun++;
	}
	/* stopped: the jobs not run would count as never run; no report */
	if (stop_raised(opts))
		errors++;
	if (!errors && opts->export_path && write_export(opts, &js, root))
		errors++;
	if (!errors) {
		*out = fold(jobs, njobs);
		(*out)->nobjects = nobjects;
		(*out)->nobjects_unrun = unrun;
		(*out)->nobjects_unread = unread;
		(*out)->ntracefiles = ntrace;
		(*out)->ndata = ndata + ntrace;
		(*out)->runs = runs;
		(*out)->nobjects_outside = inv.nleft_out;
		(*out)->outside_first = inv.left_out_first;
		inv.left_out_first = NULL;
		char **notes = xcalloc(inv.n ? inv.n : 1, sizeof(*notes));
		for (size_t i = 0; i < inv.n; i++)
			notes[i] = inv.v[i].gcno;
		(*out)->project_root = project_source_root(notes, inv.n);
		(*out)->contexts = js.contexts;
		js.contexts = NULL;
		free(notes);
	}
	for (size_t i = 0; i < njobs; i++) {
		struct job *j = &jobs[i];
		obj_cov_release(&j->cov);
		free(j->key);
		free(j->label);
		free(j->emb);
		for (size_t k = 0; k < j->npaths; k++)
			free(j->paths[k]);
		free(j->paths);
		strbuf_release(&j->gcno_data);
		for (size_t f = 0; f < j->nsums; f++)
			free(j->sums[f].counters);
		free(j->sums);
	}
	free(jobs);
	for (size_t i = 0; i < js.nshards; i++)
		pshard_release(&js.shards[i]);
	free(js.shards);
	ctx_free(js.contexts);
	inventory_release(&inv);
	diag_release(&d);
	free(root);
	return errors ? -1 : 0;
}
