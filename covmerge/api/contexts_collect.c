/* Collecting per-test contexts in the runner (see covmerge_contexts.h).
 *
 * The tests write into their worker's shard as without contexts (libgcov
 * merges each process's counters into the files there), so the shard's
 * files and every number made from them are the same. After each test
 * the collector reads the worker's data files: a file whose run count did
 * not move was not written by that test; for the others, the counters
 * minus those the collector saw last time are what the test ran.
 *
 * Cost: an object's notes are read and parsed once per run (the first
 * time its data appears) and kept; after each test every data file of
 * the worker is read (a few small files), and for those the test wrote,
 * the lines are computed by gcov's rules over only the functions whose
 * counters moved, so a test that ran two functions of a big object pays
 * for two functions. No file is created or removed per test. What a test
 * ran is kept as (file, line, branch, test) records, sorted into the
 * store at the end. */
#include "covmerge_contexts.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "contexts.h"
#include "gcda.h"
#include "gcno.h"
#include "infile.h"
#include "lines.h"
#include "outfile.h"
#include "path.h"
#include "run_capture.h"

struct ident_ix {
	uint32_t ident, func;
};

/* What the collector last saw of one worker's data file of one object. */
struct wsum {
	uint32_t runs;
	int64_t **sums;           /* per notes function, or NULL */
};

struct cobj {
	char *gcda;               /* the data file's own (unprefixed) path */
	char *gcno;
	int ok;                   /* notes read and parsed */
	struct strbuf data;
	struct gcno g;
	struct ident_ix *ix;
	uint32_t *file_ids;       /* per notes file name: the store's file */
	uint32_t *sources;        /* notes files and dependencies (store) */
	size_t nsources, asources;
	uint32_t *progs;          /* programs whose sources include these */
	size_t nprogs, aprogs;
	struct wsum *w;           /* per worker */
};

struct rec {
	uint32_t file, line, branch, test;
};

struct cm_ctx_collector {
	int nworkers;
	struct ctx_store store;
	struct cobj *objs;
	size_t nobjs, aobjs;
	uint32_t *slots;          /* gcda path hash -> obj index + 1 */
	size_t cap;
	struct rec *recs;
	size_t nrecs, arecs;
};

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

struct cm_ctx_collector *cm_ctx_collector_new(int nworkers)
{
	struct cm_ctx_collector *c = xcalloc(1, sizeof(*c));
	c->nworkers = nworkers > 0 ? nworkers : 1;
	ctx_store_init(&c->store);
	return c;
}

void cm_ctx_collector_free(struct cm_ctx_collector *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nobjs; i++) {
		struct cobj *o = &c->objs[i];
		for (int k = 0; k < c->nworkers; k++) {
			for (size_t f = 0; o->w[k].sums && f < o->g.nfuncs; f++)
				free(o->w[k].sums[f]);
			free(o->w[k].sums);
		}
		free(o->w);
		gcno_release(&o->g);
		strbuf_release(&o->data);
		free(o->ix);
		free(o->file_ids);
		free(o->sources);
		free(o->progs);
		free(o->gcda);
		free(o->gcno);
	}
	free(c->objs);
	free(c->slots);
	free(c->recs);
	ctx_store_release(&c->store);
	free(c);
}

static int cmp_ident(const void *a, const void *b)
{
	const struct ident_ix *x = a, *y = b;
	return x->ident < y->ident ? -1 : x->ident > y->ident;
}

static const struct ident_ix *find_ident(const struct cobj *o, uint32_t ident)
{
	size_t lo = 0, hi = o->g.nfuncs;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (o->ix[mid].ident < ident)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < o->g.nfuncs && o->ix[lo].ident == ident ? &o->ix[lo] : NULL;
}

static int is_file(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* The prerequisites of a make dependency file (gcc -MD), as absolute
 * paths taken against base, added as sources of o. */
static void add_depfile(struct cm_ctx_collector *c, struct cobj *o,
			const char *path, const char *base)
{
	struct strbuf text, err;
	strbuf_init(&text);
	strbuf_init(&err);
	if (infile_load(path, &text, &err)) {
		strbuf_release(&text);
		strbuf_release(&err);
		return;
	}
	struct strbuf tok;
	strbuf_init(&tok);
	int seen_colon = 0;
	for (size_t i = 0; i <= text.len; i++) {
		char ch = i < text.len ? text.buf[i] : ' ';
		if (ch == '\\' && i + 1 < text.len && text.buf[i + 1] == '\n') {
			i++;
			ch = ' ';
		} else if (ch == '\\' && i + 1 < text.len && text.buf[i + 1] == ' ') {
			strbuf_addch(&tok, ' ');
			i++;
			continue;
		}
		if (ch != ' ' && ch != '\t' && ch != '\n' && ch != '\r') {
			strbuf_addch(&tok, ch);
			continue;
		}
		if (!tok.len)
			continue;
		if (tok.buf[tok.len - 1] == ':') {
			seen_colon = 1;  /* a target (also -MP's phony ones) */
		} else if (seen_colon) {
			char *abs = path_absolute(base, tok.buf);
			uint32_t id = ctx_file_index(&c->store, abs);
			APPEND(o->sources, o->nsources, o->asources, id);
			free(abs);
		}
		strbuf_reset(&tok);
	}
	strbuf_release(&tok);
	strbuf_release(&text);
	strbuf_release(&err);
}

/* The object of data file gcda (its own path), made on first use: its
 * notes are read from beside it. */
static struct cobj *object_of(struct cm_ctx_collector *c, const char *gcda)
{
	if ((c->nobjs + 1) * 2 > c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		uint32_t *slots = xcalloc(cap, sizeof(*slots));
		for (size_t i = 0; i < c->nobjs; i++) {
			size_t h = hash_str(c->objs[i].gcda) & (cap - 1);
			while (slots[h])
				h = (h + 1) & (cap - 1);
			slots[h] = (uint32_t)i + 1;
		}
		free(c->slots);
		c->slots = slots;
		c->cap = cap;
	}
	size_t h = hash_str(gcda) & (c->cap - 1);
	while (c->slots[h]) {
		struct cobj *o = &c->objs[c->slots[h] - 1];
		if (!strcmp(o->gcda, gcda))
			return o;
		h = (h + 1) & (c->cap - 1);
	}
	GROW(c->objs, c->aobjs, c->nobjs + 1);
	struct cobj *o = &c->objs[c->nobjs];
	memset(o, 0, sizeof(*o));
	c->slots[h] = (uint32_t)++c->nobjs;
	o->gcda = xstrdup(gcda);
	o->gcno = path_replace_suffix(gcda, ".gcda", ".gcno");
	o->w = xcalloc((size_t)c->nworkers, sizeof(*o->w));
	strbuf_init(&o->data);
	struct strbuf err;
	strbuf_init(&err);
	if (!is_file(o->gcno) || infile_load(o->gcno, &o->data, &err) ||
	    gcno_parse(&o->g, o->data.buf, o->data.len, &err) ||
	    o->g.major == GCOV_LLVM_408) {
		strbuf_release(&err);
		return o;   /* not ok: its data counts for no test */
	}
	strbuf_release(&err);
	o->ok = 1;
	o->ix = xcalloc(o->g.nfuncs ? o->g.nfuncs : 1, sizeof(*o->ix));
	for (size_t f = 0; f < o->g.nfuncs; f++)
		o->ix[f] = (struct ident_ix){o->g.funcs[f].ident, (uint32_t)f};
	qsort(o->ix, o->g.nfuncs, sizeof(*o->ix), cmp_ident);
	char *dir = path_dirname(o->gcno);
	const char *base = o->g.cwd ? o->g.cwd : dir;
	o->file_ids = xcalloc(o->g.nfiles ? o->g.nfiles : 1, sizeof(*o->file_ids));
	for (size_t i = 0; i < o->g.nfiles; i++) {
		char *abs = path_absolute(base, o->g.files[i]);
		o->file_ids[i] = ctx_file_index(&c->store, abs);
		free(abs);
		APPEND(o->sources, o->nsources, o->asources, o->file_ids[i]);
	}
	/* cmake's dir/x.c.gcno has dir/x.c.o.d, gcc -MMD's dir/x.gcno x.d */
	char *stem = path_replace_suffix(o->gcno, ".gcno", "");
	char *cands[2] = {xasprintf("%s.o.d", stem), xasprintf("%s.d", stem)};
	for (int i = 0; i < 2; i++) {
		if (is_file(cands[i]))
			add_depfile(c, o, cands[i], base);
		free(cands[i]);
	}
	free(stem);
	free(dir);
	return o;
}

/* Whether data file gd fits object o's notes (version, stamp, every
 * function known with its checksums and counter count). */
static int data_fits(const struct cobj *o, const struct gcda *gd)
{
	if (gd->version != o->g.version || gd->stamp != o->g.stamp)
		return 0;
	for (size_t i = 0; i < gd->nfuncs; i++) {
		const struct gcda_func *df = &gd->funcs[i];
		const struct ident_ix *hit = find_ident(o, df->ident);
		if (!hit)
			return 0;
		const struct gcno_func *nf = &o->g.funcs[hit->func];
		if (df->lineno_checksum != nf->lineno_checksum ||
		    df->cfg_checksum != nf->cfg_checksum ||
		    (df->has_arcs && df->ncounters != nf->ncounters))
			return 0;
	}
	return 1;
}

static void add_rec(struct cm_ctx_collector *c, uint32_t file, uint32_t line,
		    uint32_t branch, const uint32_t *tests, size_t ntests)
{
	GROW(c->recs, c->arecs, c->nrecs + ntests);
	for (size_t t = 0; t < ntests; t++)
		c->recs[c->nrecs++] = (struct rec){file, line, branch, tests[t]};
}

/* Data file gd of o in worker k's shard moved since the collector last
 * saw it: what moved is what the process's tests ran. Records the lines of
 * the functions whose counters moved, computed by gcov's rules on those
 * functions alone. */
static void take_data(struct cm_ctx_collector *c, struct cobj *o, int k,
		      const struct gcda *gd, const uint32_t *tests, size_t ntests)
{
	struct wsum *w = &o->w[k];
	if (!w->sums)
		w->sums = xcalloc(o->g.nfuncs ? o->g.nfuncs : 1, sizeof(*w->sums));
	w->runs = gd->runs;
	struct gcno sub = o->g;
	sub.funcs = xcalloc(gd->nfuncs ? gd->nfuncs : 1, sizeof(*sub.funcs));
	sub.nfuncs = 0;
	int64_t **ran = xcalloc(gd->nfuncs ? gd->nfuncs : 1, sizeof(*ran));
	for (size_t i = 0; i < gd->nfuncs; i++) {
		const struct gcda_func *df = &gd->funcs[i];
		if (!df->has_arcs || !df->counters)
			continue;
		uint32_t f = find_ident(o, df->ident)->func;
		if (!w->sums[f])
			w->sums[f] = xcalloc(df->ncounters ? df->ncounters : 1,
					     sizeof(int64_t));
		int64_t *mine = xcalloc(df->ncounters ? df->ncounters : 1,
					sizeof(int64_t));
		int any = 0;
		for (uint32_t n = 0; n < df->ncounters; n++) {
			int64_t now = (int64_t)gcda_counter(gd, df, n);
			int64_t d = now - w->sums[f][n];
			mine[n] = d > 0 ? d : 0;
			w->sums[f][n] = now;
			any |= d > 0;
		}
		if (!any || o->g.funcs[f].artificial) {
			free(mine);
			continue;
		}
		ran[sub.nfuncs] = mine;
		sub.funcs[sub.nfuncs++] = o->g.funcs[f];
	}
	if (sub.nfuncs && ntests) {
		struct obj_cov oc;
		memset(&oc, 0, sizeof(oc));
		lines_compute(&sub, ran, &oc);
		for (size_t i = 0; i < oc.nfiles; i++) {
			const struct cm_file *f = &oc.files[i];
			uint32_t fid = o->file_ids[oc.file_index[i]];
			for (size_t l = 0; l < f->nlines; l++) {
				const struct cm_line *ln = &f->lines[l];
				if (ln->count > 0)
					add_rec(c, fid, ln->lineno, 0, tests, ntests);
				for (size_t b = 0; b < ln->nbranches; b++)
					if (ln->branches[b].count > 0)
						add_rec(c, fid, ln->lineno, (uint32_t)b + 1,
							tests, ntests);
			}
		}
		obj_cov_release(&oc);
	}
	for (size_t i = 0; i < sub.nfuncs; i++)
		free(ran[i]);
	free(ran);
	free(sub.funcs);
}

/* Adds o's sources to program p's (once per pair). */
static void note_program(struct cm_ctx_collector *c, struct cobj *o, uint32_t p)
{
	for (size_t i = 0; i < o->nprogs; i++)
		if (o->progs[i] == p)
			return;
	APPEND(o->progs, o->nprogs, o->aprogs, p);
	for (size_t i = 0; i < o->nsources; i++)
		ctx_prog_add_source(&c->store.progs[p], o->sources[i]);
}

size_t cm_ctx_collect(struct cm_ctx_collector *c, int worker,
		      const char *shard, const char *program,
		      const char *const *test_ids, size_t ntests,
		      struct strbuf *warn)
{
	static const char *const suffixes[] = {".gcda", NULL};
	struct path_list lists[1] = {{0}};
	char *bad = NULL;
	if (path_walk(shard, suffixes, lists, &bad)) {
		strbuf_addf(warn, "cannot read the coverage data in \"%s\": %s\n",
			    bad ? bad : shard, strerror(errno));
		free(bad);
	}
	if (worker < 0 || worker >= c->nworkers)
		worker = 0;
	uint32_t prog = ctx_prog_index(&c->store, program);
	uint32_t *tests = xcalloc(ntests ? ntests : 1, sizeof(*tests));
	for (size_t i = 0; i < ntests; i++)
		tests[i] = ctx_test_index(&c->store, test_ids[i], prog);
	size_t nread = 0, ls = strlen(shard);
	struct strbuf data, err;
	strbuf_init(&data);
	strbuf_init(&err);
	for (size_t i = 0; i < lists[0].n; i++) {
		const char *path = lists[0].v[i];
		const char *own = path + ls;
		struct cobj *o = *own == '/' ? object_of(c, own) : NULL;
		struct gcda gd;
		memset(&gd, 0, sizeof(gd));
		strbuf_reset(&err);
		/* what the collector cannot read stays in the shard for
		 * covmerge, which reads it or names the problem */
		if (!o || !o->ok || infile_load(path, &data, &err) ||
		    gcda_parse(&gd, data.buf, data.len, &err) || !data_fits(o, &gd) ||
		    (o->w[worker].sums && gd.runs == o->w[worker].runs)) {
			gcda_release(&gd);
			continue;
		}
		take_data(c, o, worker, &gd, tests, ntests);
		note_program(c, o, prog);
		gcda_release(&gd);
		nread++;
	}
	strbuf_release(&data);
	strbuf_release(&err);
	path_list_release(&lists[0]);
	free(tests);
	return nread;
}

static int cmp_rec(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;
	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->branch != y->branch)
		return x->branch < y->branch ? -1 : 1;
	return x->test < y->test ? -1 : x->test > y->test;
}

/* The records, sorted, become the store's entries. */
static void build_entries(struct cm_ctx_collector *c)
{
	if (c->nrecs > 1)
		qsort(c->recs, c->nrecs, sizeof(*c->recs), cmp_rec);
	size_t i = 0;
	while (i < c->nrecs) {
		const struct rec *r = &c->recs[i];
		size_t j = i;
		while (j < c->nrecs && c->recs[j].file == r->file &&
		       c->recs[j].line == r->line && c->recs[j].branch == r->branch)
			j++;
		struct ctx_file *f = &c->store.files[r->file];
		GROW(f->entries, f->aentries, f->nentries + 1);
		struct ctx_entry *e = &f->entries[f->nentries++];
		*e = (struct ctx_entry){r->line, r->branch, 0,
					xcalloc(j - i, sizeof(uint32_t))};
		for (size_t k = i; k < j; k++)
			if (!e->ntests || e->tests[e->ntests - 1] != c->recs[k].test)
				e->tests[e->ntests++] = c->recs[k].test;
		i = j;
	}
	c->nrecs = 0;
}

/* git's revision of the current directory and the blob ids of the
 * store's files that exist: left empty when git cannot tell. */
static void git_identity(struct ctx_store *s)
{
	struct strbuf out, err;
	strbuf_init(&out);
	strbuf_init(&err);
	char *head[] = {"git", "rev-parse", "--verify", "-q", "HEAD", NULL};
	if (cm_run_capture(head, "/dev/null", &out, &err) == 0 && out.len >= 40) {
		free(s->revision);
		s->revision = xstrndup(out.buf, 40);
	}
	if (!s->revision[0])
		goto out;
	char tmpl[] = "/tmp/runner-ctx-paths.XXXXXX";
	int fd = mkstemp(tmpl);
	if (fd < 0)
		goto out;
	FILE *fp = fdopen(fd, "w");
	size_t *which = xcalloc(s->nfiles ? s->nfiles : 1, sizeof(*which));
	size_t n = 0;
	for (size_t i = 0; i < s->nfiles; i++) {
		if (!is_file(s->files[i].path) || strchr(s->files[i].path, '\n'))
			continue;
		fprintf(fp, "%s\n", s->files[i].path);
		which[n++] = i;
	}
	fclose(fp);
	char *hash[] = {"git", "hash-object", "--stdin-paths", NULL};
	strbuf_reset(&out);
	if (n && cm_run_capture(hash, tmpl, &out, &err) == 0) {
		const char *p = out.buf;
		for (size_t k = 0; k < n && (size_t)(p - out.buf) + 40 <= out.len; k++) {
			struct ctx_file *f = &s->files[which[k]];
			free(f->blob);
			f->blob = xstrndup(p, 40);
			p += 41;
		}
	}
	unlink(tmpl);
	free(which);
out:
	strbuf_release(&out);
	strbuf_release(&err);
}

int cm_ctx_finish(struct cm_ctx_collector *c, const char *store_path,
		  struct strbuf *err)
{
	build_entries(c);
	ctx_store_normalize(&c->store);
	git_identity(&c->store);
	struct strbuf bytes;
	strbuf_init(&bytes);
	ctx_store_write(&c->store, &bytes);
	struct outfile of;
	int rc = outfile_open(&of, store_path, err);
	if (rc == 0) {
		fwrite(bytes.buf, 1, bytes.len, of.fp);
		rc = outfile_commit(&of, err);
	}
	strbuf_release(&bytes);
	return rc;
}
