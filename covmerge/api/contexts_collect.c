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
 * the moved functions and their deltas are kept; at the end of the run
 * the lines are computed by gcov's rules over only those functions, so a
 * test that ran two functions of a big object pays for two functions. No
 * file is created or removed per test. What a test
 * ran is kept per file, line and branch (a hash finds them) as runs of
 * consecutive test numbers, so a line most tests run costs a few bytes
 * however many tests there are; the runs become the store's test lists
 * at the end. */
#include "covmerge_contexts.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
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

/* The tests that ran one line or branch arc of a file, while collecting
 * (runs of consecutive test numbers: tests are numbered as they end, so a
 * line most tests run is one run). */
struct ranges {
	uint32_t file;
	struct ctx_entry e;
};

/* What one process ran in one object, kept until the end of the run: the
 * lines are computed then, on all cores (see record_pending), and the
 * main loop, which starts and reaps the tests, only reads data files. */
struct pending {
	uint32_t obj;             /* index into the objects */
	uint32_t group;           /* index into the groups: its tests */
	uint32_t nfuncs;
	uint32_t *funcs;          /* notes functions whose counters moved */
	unsigned char *deltas;    /* their counters' deltas, one after another,
				     as LEB128 numbers (most are small) */
};

/* The tests of one process. */
struct group {
	uint32_t n;
	uint32_t *tests;
};

/* (file, line, branch) -> its ranges */
struct key_slot {
	uint32_t file, line, branch;
	uint32_t list;            /* index + 1 into the lists; 0 free */
};

struct cm_ctx_collector {
	int nworkers;
	struct ctx_store store;
	struct cobj *objs;
	size_t nobjs, aobjs;
	uint32_t *slots;          /* gcda path hash -> obj index + 1 */
	size_t cap;
	struct key_slot *keys;
	size_t nkeys, akeys;      /* used, capacity (a power of 2) */
	struct ranges *lists;
	size_t nlists, alists;
	struct pending *pending;
	size_t npending, apending;
	struct group *groups;
	size_t ngroups, agroups;
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
	free(c->keys);
	for (size_t i = 0; i < c->nlists; i++)
		free(c->lists[i].e.r);
	free(c->lists);
	for (size_t i = 0; i < c->npending; i++) {
		free(c->pending[i].funcs);
		free(c->pending[i].deltas);
	}
	free(c->pending);
	for (size_t i = 0; i < c->ngroups; i++)
		free(c->groups[i].tests);
	free(c->groups);
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
	/* the parsed notes hold copies of what they need */
	strbuf_release(&o->data);
	strbuf_init(&o->data);
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

static size_t key_hash(uint32_t file, uint32_t line, uint32_t branch)
{
	uint64_t h = ((uint64_t)file * 0x9e3779b1u) ^ ((uint64_t)line << 20) ^ branch;
	h *= 0xff51afd7ed558ccdull;
	return (size_t)(h ^ (h >> 32));
}

/* The ranges of (file, line, branch), made when new. */
static struct ranges *ranges_for(struct cm_ctx_collector *c, uint32_t file,
				 uint32_t line, uint32_t branch)
{
	if ((c->nkeys + 1) * 2 > c->akeys) {
		size_t cap = c->akeys ? c->akeys * 2 : 1024;
		struct key_slot *keys = xcalloc(cap, sizeof(*keys));
		for (size_t i = 0; i < c->akeys; i++) {
			const struct key_slot *k = &c->keys[i];
			if (!k->list)
				continue;
			size_t h = key_hash(k->file, k->line, k->branch) & (cap - 1);
			while (keys[h].list)
				h = (h + 1) & (cap - 1);
			keys[h] = *k;
		}
		free(c->keys);
		c->keys = keys;
		c->akeys = cap;
	}
	size_t h = key_hash(file, line, branch) & (c->akeys - 1);
	for (; c->keys[h].list; h = (h + 1) & (c->akeys - 1)) {
		const struct key_slot *k = &c->keys[h];
		if (k->file == file && k->line == line && k->branch == branch)
			return &c->lists[k->list - 1];
	}
	GROW(c->lists, c->alists, c->nlists + 1);
	struct ranges *r = &c->lists[c->nlists++];
	*r = (struct ranges){file, {line, branch, 0, 0, NULL}};
	c->keys[h] = (struct key_slot){file, line, branch, (uint32_t)c->nlists};
	c->nkeys++;
	return r;
}

static void add_rec(struct cm_ctx_collector *c, uint32_t file, uint32_t line,
		    uint32_t branch, const uint32_t *tests, size_t ntests)
{
	struct ranges *r = ranges_for(c, file, line, branch);
	for (size_t t = 0; t < ntests; t++)
		ctx_entry_add(&r->e, tests[t]);
}

/* The runs become the store's entries (unsorted: normalised after). */
static void build_entries(struct cm_ctx_collector *c)
{
	for (size_t i = 0; i < c->nlists; i++) {
		struct ctx_file *f = &c->store.files[c->lists[i].file];
		GROW(f->entries, f->aentries, f->nentries + 1);
		f->entries[f->nentries++] = c->lists[i].e;
	}
	c->nlists = 0;
	free(c->keys);
	c->keys = NULL;
	c->nkeys = c->akeys = 0;
}

static void put_leb(struct strbuf *b, uint64_t v)
{
	do {
		unsigned char ch = v & 0x7f;
		v >>= 7;
		strbuf_addch(b, (char)(ch | (v ? 0x80 : 0)));
	} while (v);
}

/* The collector's own bytes: always complete. */
static uint64_t get_leb(const unsigned char **q)
{
	uint64_t v = 0;
	for (int shift = 0;; shift += 7) {
		unsigned char ch = *(*q)++;
		v |= (uint64_t)(ch & 0x7f) << shift;
		if (!(ch & 0x80))
			return v;
	}
}

/* Whether f's counters in gd (not all zero: f->counters is set) are
 * those in sum. */
static int counters_same(const struct gcda *gd, const struct gcda_func *f,
			 const int64_t *sum)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* a counter in the file is its low and high words, little endian:
	 * the bytes of an int64_t here */
	if (!gd->swap)
		return !memcmp(f->counters, sum, (size_t)f->ncounters * 8);
#endif
	for (uint32_t n = 0; n < f->ncounters; n++)
		if ((int64_t)gcda_counter(gd, f, n) != sum[n])
			return 0;
	return 1;
}

/* Data file gd of o in worker k's shard moved since the collector last
 * saw it: what moved is what the process's tests (group) ran. The
 * functions whose counters moved, with the deltas, are kept until the end
 * of the run (see record_pending). */
static void take_data(struct cm_ctx_collector *c, struct cobj *o, int k,
		      const struct gcda *gd, uint32_t group)
{
	struct wsum *w = &o->w[k];
	if (!w->sums)
		w->sums = xcalloc(o->g.nfuncs ? o->g.nfuncs : 1, sizeof(*w->sums));
	w->runs = gd->runs;
	struct pending p = {(uint32_t)(o - c->objs), group, 0, NULL, NULL};
	struct strbuf deltas;
	strbuf_init(&deltas);
	size_t afuncs = 0;
	for (size_t i = 0; i < gd->nfuncs; i++) {
		const struct gcda_func *df = &gd->funcs[i];
		if (!df->has_arcs || !df->counters)
			continue;
		uint32_t f = find_ident(o, df->ident)->func;
		if (!w->sums[f])
			w->sums[f] = xcalloc(df->ncounters ? df->ncounters : 1,
					     sizeof(int64_t));
		/* most functions did not move: a comparison of bytes says so,
		 * without writing */
		int64_t *sum = w->sums[f];
		if (counters_same(gd, df, sum))
			continue;
		int any = 0;
		for (uint32_t m = 0; m < df->ncounters; m++)
			any |= (int64_t)gcda_counter(gd, df, m) > sum[m];
		if (!any || o->g.funcs[f].artificial) {
			for (uint32_t m = 0; m < df->ncounters; m++)
				sum[m] = (int64_t)gcda_counter(gd, df, m);
			continue;
		}
		for (uint32_t m = 0; m < df->ncounters; m++) {
			int64_t now = (int64_t)gcda_counter(gd, df, m);
			int64_t d = now - sum[m];
			put_leb(&deltas, d > 0 ? (uint64_t)d : 0);
			sum[m] = now;
		}
		GROW(p.funcs, afuncs, p.nfuncs + 1);
		p.funcs[p.nfuncs++] = f;
	}
	if (!p.nfuncs) {
		strbuf_release(&deltas);
		free(p.funcs);
		return;
	}
	p.deltas = (unsigned char *)strbuf_detach(&deltas, NULL);
	APPEND(c->pending, c->npending, c->apending, p);
}

/* What one kept record ran: (file, line, branch) triples (branch 0: the
 * line; b + 1: its arc b), computed by gcov's rules on its functions
 * alone. */
struct ran {
	uint32_t *keys;
	size_t n, a;
};

static void compute_pending(const struct cm_ctx_collector *c,
			    const struct pending *p, struct ran *out)
{
	const struct cobj *o = &c->objs[p->obj];
	if (!c->groups[p->group].n)
		return;   /* no test to give them to */
	struct gcno sub = o->g;
	sub.funcs = xcalloc(p->nfuncs, sizeof(*sub.funcs));
	sub.nfuncs = p->nfuncs;
	int64_t **ran = xcalloc(p->nfuncs, sizeof(*ran));
	const unsigned char *q = p->deltas;
	for (uint32_t i = 0; i < p->nfuncs; i++) {
		sub.funcs[i] = o->g.funcs[p->funcs[i]];
		uint32_t n = sub.funcs[i].ncounters;
		ran[i] = xcalloc(n ? n : 1, sizeof(int64_t));
		for (uint32_t k = 0; k < n; k++)
			ran[i][k] = (int64_t)get_leb(&q);
	}
	struct obj_cov oc;
	memset(&oc, 0, sizeof(oc));
	lines_compute_presence(&sub, ran, &oc);
	for (size_t i = 0; i < oc.nfiles; i++) {
		const struct cm_file *f = &oc.files[i];
		uint32_t fid = o->file_ids[oc.file_index[i]];
		for (size_t l = 0; l < f->nlines; l++) {
			const struct cm_line *ln = &f->lines[l];
			for (size_t b = 0; b <= ln->nbranches; b++) {
				if (b ? ln->branches[b - 1].count <= 0 : ln->count <= 0)
					continue;
				GROW(out->keys, out->a, out->n + 3);
				out->keys[out->n++] = fid;
				out->keys[out->n++] = ln->lineno;
				out->keys[out->n++] = (uint32_t)b;
			}
		}
	}
	obj_cov_release(&oc);
	for (uint32_t i = 0; i < p->nfuncs; i++)
		free(ran[i]);
	free(ran);
	free(sub.funcs);
}

/* A batch of kept records computed by several threads. */
struct batch {
	const struct cm_ctx_collector *c;
	const struct pending *p;
	struct ran *out;
	size_t n;
	atomic_size_t next;
};

static void *batch_worker(void *arg)
{
	struct batch *b = arg;
	for (size_t i; (i = atomic_fetch_add(&b->next, 1)) < b->n;)
		compute_pending(b->c, &b->p[i], &b->out[i]);
	return NULL;
}

/* The lines of the kept records, on all cores (the records are
 * independent; lines_compute is thread-safe), in batches that bound the
 * memory; their tests are added in the records' order (the order the
 * tests ended, which keeps the runs of test numbers short). */
static void record_pending(struct cm_ctx_collector *c)
{
	enum { BATCH = 512 };
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int nthreads = cpus > 1 ? (cpus < 16 ? (int)cpus : 16) : 1;
	pthread_t tids[16];
	struct ran *out = xcalloc(BATCH, sizeof(*out));
	for (size_t at = 0; at < c->npending; at += BATCH) {
		size_t n = c->npending - at < BATCH ? c->npending - at : BATCH;
		struct batch b = {c, &c->pending[at], out, n, 0};
		int started = 0;
		/* the main thread works too: nthreads - 1 more */
		for (int t = 1; n > 1 && t < nthreads &&
				pthread_create(&tids[t], NULL, batch_worker, &b) == 0;
		     t++)
			started++;
		batch_worker(&b);
		for (int t = 1; t <= started; t++)
			pthread_join(tids[t], NULL);
		for (size_t i = 0; i < n; i++) {
			const struct group *grp = &c->groups[c->pending[at + i].group];
			for (size_t k = 0; k + 2 < out[i].n; k += 3)
				add_rec(c, out[i].keys[k], out[i].keys[k + 1],
					out[i].keys[k + 2], grp->tests, grp->n);
			free(out[i].keys);
			out[i] = (struct ran){0};
		}
	}
	free(out);
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
	struct group grp = {(uint32_t)ntests,
			    xcalloc(ntests ? ntests : 1, sizeof(uint32_t))};
	for (size_t i = 0; i < ntests; i++)
		grp.tests[i] = ctx_test_index(&c->store, test_ids[i], prog);
	APPEND(c->groups, c->ngroups, c->agroups, grp);
	uint32_t group = (uint32_t)(c->ngroups - 1);
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
		take_data(c, o, worker, &gd, group);
		note_program(c, o, prog);
		gcda_release(&gd);
		nread++;
	}
	strbuf_release(&data);
	strbuf_release(&err);
	path_list_release(&lists[0]);
	return nread;
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
	record_pending(c);
	for (size_t i = 0; i < c->npending; i++) {
		free(c->pending[i].funcs);
		free(c->pending[i].deltas);
	}
	c->npending = 0;
	build_entries(c);
	/* entries in line order, test lists sorted (a test repeated with
	 * --repeat once) */
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
