/* cm_merge: discovery, then one job per object on a pool of threads (read
 * the notes, sum the counters of every data file after checking they
 * belong, solve, count lines), then a fold of the per-object results into
 * one file list, in a fixed order so the output never depends on -j. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "covmerge.h"
#include "diag.h"
#include "gcda.h"
#include "gcno.h"
#include "infile.h"
#include "lcov_read.h"
#include "lines.h"
#include "shards.h"

struct job {
	const struct object *obj;   /* a gcov object, or */
	const char *tracefile;      /* an lcov tracefile */
	struct obj_cov cov;
	struct diag diag;
	uint64_t runs;
	size_t ndata;        /* data files whose counters were added */
};

struct pool {
	const struct cm_options *opts;
	struct job *jobs;
	size_t njobs;
	atomic_size_t next;
};

static const char stale_hint[] =
	"\nhint: the object was rebuilt after the tests ran? delete the shard "
	"directory and rerun the tests, or pass --ignore-stale to leave this "
	"file out";

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

static void version_text(uint32_t v, char out[8])
{
	int major = (int)((v >> 24 & 0xff) - 'A') * 10 + (int)((v >> 16 & 0xff) - '0');
	int minor = (int)(v >> 8 & 0xff) - '0';
	if (minor < 0 || minor > 9)
		minor = 0;
	snprintf(out, 8, "%d.%d", major, minor);
}

/* Checks that data file gd belongs to notes g; on success returns 0 and
 * adds its counters to sums. */
static int add_data(const struct gcno *g, const char *gcno_path,
		    const struct ident_ix *ix, const struct gcda *gd,
		    const char *gcda_path, int64_t **sums, struct diag *d,
		    enum cm_severity sev)
{
	if (gd->version != g->version) {
		char a[8], b[8];
		version_text(gd->version, a);
		version_text(g->version, b);
		diag_add(d, sev, "\"%s\" was written by gcc %s but its notes file "
			 "\"%s\" by gcc %s%s", gcda_path, a, gcno_path, b, stale_hint);
		return -1;
	}
	if (gd->stamp != g->stamp) {
		diag_add(d, sev, "\"%s\" is stale: its stamp 0x%08x differs from "
			 "the stamp 0x%08x of its notes file \"%s\"%s", gcda_path,
			 gd->stamp, g->stamp, gcno_path, stale_hint);
		return -1;
	}
	for (size_t i = 0; i < gd->nfuncs; i++) {
		const struct gcda_func *df = &gd->funcs[i];
		const struct ident_ix *hit = find_ident(ix, g->nfuncs, df->ident);
		if (!hit) {
			diag_add(d, sev, "\"%s\" does not match its notes file \"%s\": "
				 "function 0x%08x is not in the notes%s", gcda_path,
				 gcno_path, df->ident, stale_hint);
			return -1;
		}
		const struct gcno_func *nf = &g->funcs[hit->func];
		if (df->lineno_checksum != nf->lineno_checksum ||
		    df->cfg_checksum != nf->cfg_checksum) {
			diag_add(d, sev, "\"%s\" does not match its notes file \"%s\": "
				 "the checksums of function %s differ%s", gcda_path,
				 gcno_path, nf->name, stale_hint);
			return -1;
		}
		if (df->has_arcs && df->ncounters != nf->ncounters) {
			diag_add(d, sev, "\"%s\" does not match its notes file \"%s\": "
				 "function %s has %u arc counters, the notes expect %u%s",
				 gcda_path, gcno_path, nf->name, df->ncounters,
				 nf->ncounters, stale_hint);
			return -1;
		}
	}
	for (size_t i = 0; i < gd->nfuncs; i++) {
		const struct gcda_func *df = &gd->funcs[i];
		if (!df->has_arcs)
			continue;
		uint32_t f = find_ident(ix, g->nfuncs, df->ident)->func;
		if (!sums[f])
			sums[f] = xcalloc(g->funcs[f].ncounters ? g->funcs[f].ncounters : 1,
					  sizeof(int64_t));
		if (!df->counters)
			continue;
		for (uint32_t k = 0; k < df->ncounters; k++)
			sums[f][k] = (int64_t)((uint64_t)sums[f][k] +
					       gcda_counter(gd, df, k));
	}
	return 0;
}

static void run_tracefile_job(struct job *job)
{
	struct strbuf err;
	strbuf_init(&err);
	if (lcov_read(job->tracefile, &job->cov, &err))
		diag_add(&job->diag, CM_ERROR, "cannot read \"%s\": %s",
			 job->tracefile, err.buf);
	else
		job->ndata = 1;
	strbuf_release(&err);
}

static void run_job(const struct cm_options *opts, struct job *job)
{
	if (job->tracefile) {
		run_tracefile_job(job);
		return;
	}
	const struct object *obj = job->obj;
	enum cm_severity sev = opts->ignore_stale ? CM_WARNING : CM_ERROR;
	struct strbuf data, err;
	strbuf_init(&data);
	strbuf_init(&err);
	struct gcno g;
	memset(&g, 0, sizeof(g));

	if (infile_load(obj->gcno, &data, &err)) {
		diag_add(&job->diag, sev, "cannot read \"%s\": %s", obj->gcno, err.buf);
		goto out;
	}
	if (gcno_parse(&g, data.buf, data.len, &err)) {
		diag_add(&job->diag, sev, "cannot read \"%s\": %s\nhint: the notes "
			 "file is corrupt or truncated; rebuild the object",
			 obj->gcno, err.buf);
		goto out;
	}
	struct ident_ix *ix = xcalloc(g.nfuncs ? g.nfuncs : 1, sizeof(*ix));
	for (size_t f = 0; f < g.nfuncs; f++)
		ix[f] = (struct ident_ix){g.funcs[f].ident, (uint32_t)f};
	qsort(ix, g.nfuncs, sizeof(*ix), cmp_ident);
	int64_t **sums = xcalloc(g.nfuncs ? g.nfuncs : 1, sizeof(*sums));

	struct strbuf gdata;
	strbuf_init(&gdata);
	for (size_t i = 0; i < obj->gcdas.n; i++) {
		const char *path = obj->gcdas.v[i];
		struct gcda gd;
		memset(&gd, 0, sizeof(gd));
		strbuf_reset(&err);
		if (infile_load(path, &gdata, &err)) {
			diag_add(&job->diag, sev, "cannot read \"%s\": %s", path, err.buf);
			continue;
		}
		if (gcda_parse(&gd, gdata.buf, gdata.len, &err)) {
			diag_add(&job->diag, sev, "cannot read \"%s\": %s\nhint: the data "
				 "file is corrupt or truncated; delete the shard directory "
				 "and rerun the tests, or pass --ignore-stale to leave it out",
				 path, err.buf);
			gcda_release(&gd);
			continue;
		}
		if (add_data(&g, obj->gcno, ix, &gd, path, sums, &job->diag, sev) == 0) {
			job->runs += gd.runs;
			job->ndata++;
		}
		gcda_release(&gd);
	}
	strbuf_release(&gdata);

	lines_compute(&g, sums, &job->cov);
	const char *what = obj->gcdas.n == 1 ? obj->gcdas.v[0] : obj->gcno;
	if (job->cov.negative)
		diag_add(&job->diag, CM_WARNING, "inconsistent counters in \"%s\": "
			 "some derived counts were negative and are shown as 0\n"
			 "hint: a program that runs several threads needs "
			 "-fprofile-update=atomic for exact counts", what);
	if (job->cov.unsolved)
		diag_add(&job->diag, CM_WARNING, "\"%s\": some counts could not be "
			 "derived from the flow graph and are shown as 0", what);
	for (size_t f = 0; f < g.nfuncs; f++)
		free(sums[f]);
	free(sums);
	free(ix);
out:
	gcno_release(&g);
	strbuf_release(&data);
	strbuf_release(&err);
}

static void *worker(void *arg)
{
	struct pool *p = arg;
	for (;;) {
		size_t i = atomic_fetch_add(&p->next, 1);
		if (i >= p->njobs)
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
		memset(dst->branches + dst->nbranches, 0,
		       (src->nbranches - dst->nbranches) * sizeof(*dst->branches));
		dst->nbranches = src->nbranches;
	}
	for (size_t b = 0; b < src->nbranches; b++) {
		struct cm_branch *x = &dst->branches[b];
		const struct cm_branch *y = &src->branches[b];
		x->count = (int64_t)((uint64_t)x->count + (uint64_t)y->count);
		x->src_executed |= y->src_executed;
		x->flags |= y->flags;
		if (!x->dst_line)
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
			dst->count = (int64_t)((uint64_t)dst->count + (uint64_t)src->count);
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
			dst->count = (int64_t)((uint64_t)dst->count + (uint64_t)src->count);
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

int cm_merge(const struct cm_options *opts, struct cm_report **out)
{
	*out = NULL;
	struct diag d = {0};
	struct inventory inv = {0};
	shards_discover(opts, &inv, &d);
	size_t errors = diag_flush(&d, opts->emit, opts->emit_ctx);

	size_t njobs = inv.n + inv.tracefiles.n;
	struct job *jobs = xcalloc(njobs ? njobs : 1, sizeof(*jobs));
	for (size_t i = 0; i < inv.n; i++)
		jobs[i].obj = &inv.v[i];
	for (size_t i = 0; i < inv.tracefiles.n; i++)
		jobs[inv.n + i].tracefile = inv.tracefiles.v[i];
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
	size_t ndata = 0, unrun = 0;
	for (size_t i = 0; i < njobs; i++) {
		errors += diag_flush(&jobs[i].diag, opts->emit, opts->emit_ctx);
		diag_release(&jobs[i].diag);
		runs += jobs[i].runs;
		ndata += jobs[i].ndata;
		if (!jobs[i].ndata && jobs[i].obj)
			unrun++;
	}
	if (!errors) {
		*out = fold(jobs, njobs);
		(*out)->nobjects = inv.n;
		(*out)->ntracefiles = inv.tracefiles.n;
		(*out)->nobjects_unrun = unrun;
		(*out)->ndata = ndata;
		(*out)->runs = runs;
	}
	for (size_t i = 0; i < njobs; i++)
		obj_cov_release(&jobs[i].cov);
	free(jobs);
	inventory_release(&inv);
	diag_release(&d);
	return errors ? -1 : 0;
}
