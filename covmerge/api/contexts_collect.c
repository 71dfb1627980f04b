/* Collecting per-test contexts in the runner (see covmerge_contexts.h).
 *
 * The tests write into their worker's shard as without contexts (libgcov
 * merges each process's counters into the files there), so the shard's
 * files and every number made from them are the same. After each test
 * the collector reads the data files the test wrote (an inotify watch on
 * the shard names them: contexts_watch.c): the counters minus those the
 * collector saw last time are what the test ran.
 *
 * Cost: an object's notes are read and parsed once per run (the first
 * time its data appears), with its presence plan (model/lines_plan.c:
 * each line and branch arc of the object a slot, and which blocks and
 * arcs make each one run); after each test only the files it wrote are
 * read, a function whose counters did not move (most of them) is found
 * by one memcmp, and each function that moved costs one replay of its
 * recorded flow solve on its deltas. No file is created or removed per test. What a test ran is
 * kept per object slot (the slot's list found once per object) as runs of
 * consecutive test numbers, so a line most tests run costs a few bytes
 * however many tests there are; the runs become the store's test lists at
 * the end. */
#include "covmerge_contexts.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "cmp.h"
#include "hash.h"
#include "contexts.h"
#include "contexts_watch.h"
#include "gcda.h"
#include "gcno.h"
#include "infile.h"
#include "lines_plan.h"
#include "mapped_file.h"
#include "outfile.h"
#include "path.h"
#include "reader.h"
#include "run_capture.h"
#include "thread.h"

struct ident_ix {
	uint32_t ident, func;
};

/* What the collector last saw of one worker's data file of one object. */
struct wsum {
	uint32_t runs;
	int64_t **sums;           /* per notes function, or NULL */
	struct mapped_file map;   /* the file, read through this next time */
	size_t nrecords;          /* its records when its size was last
				     checked; 0 unknown */
	/* its bytes when last scanned whole (NULL: none): a file whose bytes
	 * other than its summary (the runs) are these moved nowhere */
	unsigned char *prev;
	size_t prev_len, summary_at, summary_end;
	/* where prev's counters are (file order), when its counters are the
	 * bytes of int64_t here (not swapped, little endian): a file of
	 * prev's size whose other bytes are prev's has them there too */
	struct span *spans;       /* the summary's record and each function's
				     counters, ascending */
	uint32_t *span_func;      /* per span: the notes function, or
				     UINT32_MAX for the summary */
	size_t nspans, aspans;
};

struct span {
	size_t from, to;
};

/* Data files kept mapped, at most (the mappings of a process are limited:
 * vm.max_map_count, 65530 by default); the others are read each time. */
#define MAX_MAPPED 16384

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
	uint64_t *progs;          /* programs whose sources include these
				     (bit p of the words: program p) */
	size_t aprogs;
	struct wsum *w;           /* per worker */
	struct lines_plan plan;   /* made when a test first runs the object */
	struct oslot *slot;       /* per plan slot (NULL: no plan yet) */
	size_t slot_base;         /* its slots' numbers in the collector's */
};

/* One slot of an object while collecting: the tests that ran it among
 * the 64 numbers of the last window it ran in (bit i: test window * 64 +
 * i; mask 0: none yet). Adding a test of that window sets a bit (a slot
 * that comes twice in one process's list is set twice, the same); a
 * window that ends goes to the collector's log, written in order, and
 * the log becomes the store's test lists at the end: nothing per test is
 * written elsewhere in memory, and a slot that most tests run logs one
 * entry per 64 tests, not one per run of consecutive tests. */
struct oslot {
	uint64_t mask;
	uint32_t window;
};

/* A window of tests of one slot (numbered across objects: slot_base). */
struct logged {
	uint64_t mask;
	uint32_t slot, window;
};

/* The tests that ran one line or branch arc of a file, made at the end
 * from the slots' runs (a header's line is a slot in each object that
 * includes it, and one list). */
struct ranges {
	uint32_t file;
	int untidy;               /* a run came before or over another */
	struct ctx_entry e;
};

/* A function whose counters moved in the file being read: its n counters
 * now are the collector's now[at...]. */
struct moved {
	uint32_t func;            /* in the notes */
	uint32_t n;
	size_t at;
};

struct cm_ctx_collector {
	int nworkers;
	struct ctx_store store;
	struct cobj *objs;
	size_t nobjs, aobjs;
	uint32_t *slots;          /* gcda path hash -> obj index + 1 */
	size_t cap;
	uint32_t *by_key;         /* (file, line, branch) hash -> list + 1 */
	size_t key_cap;           /* a power of 2 above twice nlists, or 0 */
	struct ranges *lists;     /* made at the end */
	size_t nlists, alists;
	struct logged *log;       /* the slots' windows that ended, in order */
	size_t nlog, alog;
	size_t nslots;            /* slots numbered (objects' plans made) */
	uint32_t *ran;            /* scratch: the slots one test ran */
	size_t nran, aran;
	int64_t *delta;           /* scratch: one function's deltas */
	size_t adelta;
	struct moved *moved;      /* scratch: the functions that moved in a file */
	size_t nmoved, amoved;
	int64_t *now;             /* scratch: their counters */
	size_t nnow, anow;
	size_t nmapped;           /* data files kept mapped */
	struct lines_scratch scratch;
	struct ctx_watch **watch; /* per worker: what its tests wrote */
};

struct cm_ctx_collector *cm_ctx_collector_new(int nworkers)
{
	struct cm_ctx_collector *c = xcalloc(1, sizeof(*c));
	c->nworkers = nworkers > 0 ? nworkers : 1;
	c->watch = xcalloc((size_t)c->nworkers, sizeof(*c->watch));
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
			mapped_file_release(&o->w[k].map);
			free(o->w[k].prev);
			free(o->w[k].spans);
			free(o->w[k].span_func);
		}
		free(o->w);
		gcno_release(&o->g);
		strbuf_release(&o->data);
		free(o->ix);
		lines_plan_release(&o->plan);
		free(o->slot);
		free(o->file_ids);
		free(o->sources);
		free(o->progs);
		free(o->gcda);
		free(o->gcno);
	}
	free(c->objs);
	free(c->slots);
	free(c->by_key);
	for (size_t i = 0; i < c->nlists; i++)
		free(c->lists[i].e.r);
	free(c->lists);
	free(c->log);
	free(c->ran);
	free(c->delta);
	free(c->moved);
	free(c->now);
	lines_scratch_release(&c->scratch);
	for (int k = 0; k < c->nworkers; k++)
		ctx_watch_free(c->watch[k]);
	free(c->watch);
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
	/* ascending, each once: merged into each program's sources */
	qsort(o->sources, o->nsources, sizeof(*o->sources), cmp_u32);
	size_t n = 0;
	for (size_t i = 0; i < o->nsources; i++)
		if (!n || o->sources[n - 1] != o->sources[i])
			o->sources[n++] = o->sources[i];
	o->nsources = n;
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

static size_t key_slot(uint32_t file, uint32_t line, uint32_t branch,
		       size_t cap)
{
	return (size_t)hash_u64(((uint64_t)file << 32 | line) ^
				hash_u64(branch)) & (cap - 1);
}

/* The ranges of (file, line, branch), made when new (a line may have
 * hundreds of branch arcs: a long condition). */
static struct ranges *ranges_for(struct cm_ctx_collector *c, uint32_t file,
				 uint32_t line, uint32_t branch)
{
	if (2 * (c->nlists + 1) > c->key_cap) {
		size_t cap = c->key_cap ? 2 * c->key_cap : 1024;
		uint32_t *t = xcalloc(cap, sizeof(*t));
		for (size_t i = 0; i < c->nlists; i++) {
			const struct ranges *r = &c->lists[i];
			size_t k = key_slot(r->file, r->e.line, r->e.branch, cap);
			while (t[k])
				k = (k + 1) & (cap - 1);
			t[k] = (uint32_t)i + 1;
		}
		free(c->by_key);
		c->by_key = t;
		c->key_cap = cap;
	}
	size_t k = key_slot(file, line, branch, c->key_cap);
	for (; c->by_key[k]; k = (k + 1) & (c->key_cap - 1)) {
		struct ranges *r = &c->lists[c->by_key[k] - 1];
		if (r->file == file && r->e.line == line && r->e.branch == branch)
			return r;
	}
	GROW(c->lists, c->alists, c->nlists + 1);
	struct ranges *r = &c->lists[c->nlists++];
	*r = (struct ranges){file, 0, {line, branch, 0, 0, NULL}};
	c->by_key[k] = (uint32_t)c->nlists;
	return r;
}

static void log_window(struct cm_ctx_collector *c, uint32_t slot,
		       uint32_t window, uint64_t mask)
{
	GROW(c->log, c->alog, c->nlog + 1);
	c->log[c->nlog++] = (struct logged){mask, slot, window};
}

/* How many runs of consecutive tests window mask holds. */
static uint32_t mask_runs(uint64_t mask)
{
	return (uint32_t)__builtin_popcountll(mask & ~(mask << 1));
}

/* Appends the runs of window mask to r's list (joined to its last run
 * when they touch; it has room). */
static void add_window(struct ranges *r, uint32_t window, uint64_t mask)
{
	struct ctx_entry *e = &r->e;
	uint32_t base = window << 6;
	while (mask) {
		int lo = __builtin_ctzll(mask);
		uint64_t from = ~(mask >> lo);   /* 0 where the run is */
		int len = from ? __builtin_ctzll(from) : 64;
		uint32_t a = base + (uint32_t)lo, b = a + (uint32_t)len - 1;
		if (e->nr && (uint64_t)e->r[e->nr - 1] + 1 == a) {
			e->r[e->nr - 1] = b;
		} else {
			r->untidy |= e->nr && e->r[e->nr - 1] >= a;
			e->r[e->nr++] = a;
			e->r[e->nr++] = b;
		}
		mask = len == 64 ? 0 : mask & ~((((uint64_t)1 << len) - 1) << lo);
	}
}

/* The slots' windows become the store's entries (unsorted: normalised
 * after): the log sorted by slot (counting), each slot's windows made
 * runs of its line's list, which is then tidied (several slots, or
 * windows that came out of order). */
static void build_entries(struct cm_ctx_collector *c)
{
	for (size_t i = 0; i < c->nobjs; i++) {
		struct cobj *o = &c->objs[i];
		for (size_t k = 0; o->slot && k < o->plan.nslots; k++)
			if (o->slot[k].mask) {
				log_window(c, (uint32_t)(o->slot_base + k),
					   o->slot[k].window, o->slot[k].mask);
				o->slot[k].mask = 0;
			}
	}
	size_t *at = xcalloc(c->nslots + 1, sizeof(*at));
	for (size_t i = 0; i < c->nlog; i++)
		at[c->log[i].slot + 1]++;
	for (size_t k = 0; k < c->nslots; k++)
		at[k + 1] += at[k];
	struct logged *by_slot = xreallocarray(NULL, c->nlog ? c->nlog : 1,
					       sizeof(*by_slot));
	for (size_t i = 0; i < c->nlog; i++)
		by_slot[at[c->log[i].slot]++] = c->log[i];
	free(c->log);
	c->log = NULL;
	c->nlog = c->alog = 0;
	/* at[k] is now where slot k + 1's runs start. Each slot's list, and
	 * room in it for all its slots' runs at once (e.ar counts them
	 * first) */
	uint32_t *list = xcalloc(c->nslots + 1, sizeof(*list));
	for (size_t i = 0; i < c->nobjs; i++) {
		struct cobj *o = &c->objs[i];
		for (size_t k = 0; o->slot && k < o->plan.nslots; k++) {
			size_t g = o->slot_base + k;
			size_t from = g ? at[g - 1] : 0, to = at[g];
			if (from == to)
				continue;
			const struct lines_slot *sl = &o->plan.slots[k];
			struct ranges *r = ranges_for(c, o->file_ids[sl->file], sl->line,
						      sl->branch);
			for (size_t j = from; j < to; j++)
				r->e.ar += 2 * mask_runs(by_slot[j].mask);
			list[g] = (uint32_t)(r - c->lists);
		}
	}
	for (size_t i = 0; i < c->nlists; i++)
		c->lists[i].e.r = xreallocarray(NULL, c->lists[i].e.ar ? c->lists[i].e.ar : 1,
						sizeof(uint32_t));
	for (size_t g = 0; g < c->nslots; g++) {
		size_t from = g ? at[g - 1] : 0, to = at[g];
		for (size_t j = from; j < to; j++)
			add_window(&c->lists[list[g]], by_slot[j].window, by_slot[j].mask);
	}
	free(list);
	free(by_slot);
	free(at);
	for (size_t i = 0; i < c->nlists; i++) {
		if (c->lists[i].untidy)
			ctx_entry_tidy(&c->lists[i].e);
		struct ctx_file *f = &c->store.files[c->lists[i].file];
		GROW(f->entries, f->aentries, f->nentries + 1);
		f->entries[f->nentries++] = c->lists[i].e;
	}
	c->nlists = 0;
	free(c->by_key);
	c->by_key = NULL;
	c->key_cap = 0;
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

/* f's counters in gd (not all zero: f->counters is set), into to. */
static void copy_counters(const struct gcda *gd, const struct gcda_func *f,
			  int64_t *to)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (!gd->swap) {   /* the bytes of int64_t here: see counters_same */
		memcpy(to, f->counters, (size_t)f->ncounters * 8);
		return;
	}
#endif
	for (uint32_t n = 0; n < f->ncounters; n++)
		to[n] = (int64_t)gcda_counter(gd, f, n);
}

/* The tests of one process get the slots it ran in o (c->ran, where a
 * slot may come twice). */
static void give_slots(struct cm_ctx_collector *c, struct cobj *o,
		       const uint32_t *tests, size_t ntests)
{
	for (size_t k = 0; k < ntests; k++) {
		uint32_t t = tests[k], window = t >> 6;
		uint64_t bit = (uint64_t)1 << (t & 63);
		for (size_t i = 0; i < c->nran; i++) {
			struct oslot *os = &o->slot[c->ran[i]];
			if (os->window != window && os->mask) {
				uint32_t g = (uint32_t)o->slot_base + c->ran[i];
				if (window < os->window) {
					/* out of order: tidied at the end */
					log_window(c, g, window, bit);
					continue;
				}
				log_window(c, g, os->window, os->mask);
				os->mask = 0;
			}
			os->window = window;
			os->mask |= bit;
		}
	}
	c->nran = 0;
}

/* Records that function f (n counters) moved in the file being read;
 * returns where its counters now go. */
static int64_t *add_moved(struct cm_ctx_collector *c, uint32_t f, uint32_t n)
{
	GROW(c->moved, c->amoved, c->nmoved + 1);
	c->moved[c->nmoved++] = (struct moved){f, n, c->nnow};
	GROW(c->now, c->anow, c->nnow + n);
	int64_t *to = c->now + c->nnow;
	c->nnow += n;
	return to;
}

/* What scan_data reads and finds (mapped_file_guard's argument). */
struct scan {
	struct cm_ctx_collector *c;
	struct cobj *o;
	struct wsum *ws;
	const unsigned char *p;   /* the file's bytes (maybe its mapping) */
	size_t len;
	int trusted;              /* the mapping's, its size not checked */
	int parsed;
	int wrote;                /* the process wrote the file (SCAN_OK, or
				     SCAN_SAME with its summary moved) */
	struct gcda gd;
	struct strbuf *err;
};

enum { SCAN_OK, SCAN_SKIP, SCAN_RECHECK, SCAN_SAME };

/* Whether the n bytes at a are those at b. The spans compared per file
 * are a few words each, hundreds of thousands of them per run: a call to
 * memcmp for each cost more than the comparing. */
static int same_bytes(const unsigned char *a, const unsigned char *b, size_t n)
{
	if (n > 256)
		return !memcmp(a, b, n);
	uint64_t diff = 0;
	for (; n >= 8; n -= 8, a += 8, b += 8) {
		uint64_t x, y;
		memcpy(&x, a, 8);
		memcpy(&y, b, 8);
		diff |= x ^ y;
	}
	for (; n; n--)
		diff |= (uint64_t)(*a++ ^ *b++);
	return !diff;
}

/* Whether bytes p (len) are ws's last scanned bytes but for the summary. */
static int same_but_summary(const struct wsum *ws, const unsigned char *p,
			    size_t len)
{
	return ws->prev && len == ws->prev_len &&
	       same_bytes(p, ws->prev, ws->summary_at) &&
	       same_bytes(p + ws->summary_end, ws->prev + ws->summary_end,
			  len - ws->summary_end);
}

/* Keeps bytes p (len) as ws's last scanned ones. */
static void keep_bytes(const struct cobj *o, struct wsum *ws,
		       const struct gcda *gd, const unsigned char *p, size_t len)
{
	ws->nspans = 0;
	if (!gd->summary_end || gd->summary_end > len) {
		free(ws->prev);
		ws->prev = NULL;
		return;
	}
	if (!ws->prev || ws->prev_len != len)
		ws->prev = xreallocarray(ws->prev, len ? len : 1, 1);
	memcpy(ws->prev, p, len);
	ws->prev_len = len;
	ws->summary_at = gd->summary_at;
	ws->summary_end = gd->summary_end;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (gd->swap || gd->summary_end < gd->summary_at + 12)
		return;
	size_t n = 1;
	for (size_t i = 0; i < gd->nfuncs; i++)
		n += gd->funcs[i].has_arcs && gd->funcs[i].counters;
	if (n > ws->aspans) {
		ws->spans = xreallocarray(ws->spans, n, sizeof(*ws->spans));
		ws->span_func = xreallocarray(ws->span_func, n, sizeof(*ws->span_func));
		ws->aspans = n;
	}
	int summary = 0;
	size_t k = 0, last = 0;
	for (size_t i = 0; i <= gd->nfuncs; i++) {
		const struct gcda_func *df = i < gd->nfuncs ? &gd->funcs[i] : NULL;
		if (df && !(df->has_arcs && df->counters))
			continue;
		size_t at = df ? (size_t)(df->counters - p) : len;
		if (!summary && gd->summary_at <= at) {
			if (gd->summary_at < last)
				return;   /* not in file order: no spans */
			ws->spans[k] = (struct span){gd->summary_at, gd->summary_end};
			ws->span_func[k++] = UINT32_MAX;
			last = gd->summary_end;
			summary = 1;
		}
		if (!df)
			break;
		if (at < last)
			return;
		ws->spans[k] = (struct span){at, at + (size_t)df->ncounters * 8};
		ws->span_func[k++] = find_ident(o, df->ident)->func;
		last = ws->spans[k - 1].to;
	}
	ws->nspans = k;
#endif
}

/* A trusted file (see read_data) of its last scan's size whose bytes
 * other than the summary and the counters are that scan's holds the same
 * records in the same places: its counters are read where they were,
 * with no parse, as scan_data would (SCAN_OK, SCAN_SKIP). -1 when it is
 * not such a file. */
static int scan_in_place(struct scan *s)
{
	struct wsum *ws = s->ws;
	struct cm_ctx_collector *c = s->c;
	if (!ws->prev || !ws->nspans || s->len != ws->prev_len)
		return -1;
	size_t from = 0;
	for (size_t k = 0; k <= ws->nspans; k++) {
		size_t to = k < ws->nspans ? ws->spans[k].from : s->len;
		if (!same_bytes(s->p + from, ws->prev + from, to - from))
			return -1;
		if (k < ws->nspans)
			from = ws->spans[k].to;
	}
	uint32_t runs = 0;
	for (size_t k = 0; k < ws->nspans; k++)
		if (ws->span_func[k] == UINT32_MAX)   /* the summary: runs first */
			runs = rd_le32(s->p + ws->spans[k].from + 8);
	s->parsed = 1;
	s->gd.runs = runs;
	s->gd.nrecords = ws->nrecords;
	if (ws->sums && runs == ws->runs)
		return SCAN_SKIP;
	for (size_t k = 0; k < ws->nspans; k++) {
		uint32_t f = ws->span_func[k];
		const struct span *sp = &ws->spans[k];
		size_t bytes = sp->to - sp->from;
		if (f != UINT32_MAX) {
			/* prev holds the counters seen last (take_moved's
			 * sums), beside the bytes just compared */
			if (ws->sums && ws->sums[f] &&
			    same_bytes(s->p + sp->from, ws->prev + sp->from, bytes))
				continue;
			memcpy(add_moved(c, f, (uint32_t)(bytes / 8)), s->p + sp->from,
			       bytes);
		}
		/* prev follows the file: the summary and what moved */
		memcpy(ws->prev + sp->from, s->p + sp->from, bytes);
	}
	return SCAN_OK;
}

/* Parses a data file's bytes, checks that they fit the notes, and copies
 * the counters of each function that moved since the collector last saw
 * the file to c->now (c->moved). It only reads the bytes and writes
 * scratch: when they were a mapping cut short, nothing is half changed.
 * A trusted mapping whose records are not those of its checked size grew
 * (SCAN_RECHECK: see read_data). */
static int scan_data(void *arg)
{
	struct scan *s = arg;
	struct cm_ctx_collector *c = s->c;
	c->nmoved = c->nnow = 0;
	/* most files a test program rewrites moved only in their runs: no
	 * parse (a file that grew past a trusted mapping differs here too) */
	if (s->trusted && same_but_summary(s->ws, s->p, s->len)) {
		const struct wsum *ws = s->ws;
		s->wrote = !same_bytes(s->p + ws->summary_at, ws->prev + ws->summary_at,
				       ws->summary_end - ws->summary_at);
		return SCAN_SAME;
	}
	if (s->trusted) {
		int rc = scan_in_place(s);
		if (rc >= 0)
			return rc;
		c->nmoved = c->nnow = 0;
	}
	s->parsed = !gcda_parse(&s->gd, s->p, s->len, s->err);
	if (s->trusted && (!s->parsed || s->gd.nrecords != s->ws->nrecords))
		return SCAN_RECHECK;
	if (!s->parsed || !data_fits(s->o, &s->gd) ||
	    (s->ws->sums && s->gd.runs == s->ws->runs))
		return SCAN_SKIP;
	for (size_t i = 0; i < s->gd.nfuncs; i++) {
		const struct gcda_func *df = &s->gd.funcs[i];
		if (!df->has_arcs || !df->counters)
			continue;
		uint32_t f = find_ident(s->o, df->ident)->func;
		/* most functions did not move: a comparison of bytes says so */
		const int64_t *sum = s->ws->sums ? s->ws->sums[f] : NULL;
		if (sum && counters_same(&s->gd, df, sum))
			continue;
		copy_counters(&s->gd, df, add_moved(c, f, df->ncounters));
	}
	keep_bytes(s->o, s->ws, &s->gd, s->p, s->len);
	return SCAN_OK;
}

/* Reads data file f of s->o in a worker's shard (s->ws) and scans it.
 *
 * A file seen before is read through its mapping (mapped_file.c). Written
 * in place (no event said it was created since), it is still the mapped
 * file, and its size is told by its layout: libgcov writes an object's
 * records in the same order every time, and only a record that said "all
 * zero" (gcc >= 12) grows, by its counters. So a file that grew past the
 * mapping ends inside a record or holds fewer records than when its size
 * was last checked; it is then checked (stat) and mapped again. */
static int read_data(struct scan *s, const struct ctx_watch *w,
		     const struct ctx_watch_file *f, struct strbuf *buf)
{
	struct cm_ctx_collector *c = s->c;
	const char *name;
	int at = ctx_watch_at(w, f, &name);
	struct mapped_file *m = &s->ws->map;
	int how = (m->p || c->nmapped < MAX_MAPPED ? MAPPED_MAY_MAP : 0) |
		  (!f->fresh && s->ws->nrecords ? MAPPED_TRUST : 0);
	for (;;) {
		c->nmapped -= m->p != NULL;
		int from = mapped_file_view(m, at, name, how, &s->p, &s->len, buf,
					    s->err);
		c->nmapped += m->p != NULL;
		if (from < 0) {
			s->ws->nrecords = 0;
			return SCAN_SKIP;
		}
		s->trusted = from == 1;
		gcda_release(&s->gd);
		memset(&s->gd, 0, sizeof(s->gd));
		s->wrote = 0;
		strbuf_reset(s->err);
		int rc = mapped_file_guard(m, scan_data, s);
		if (rc == MAPPED_FAULT) {   /* cut short: read it */
			c->nmapped--;
			mapped_file_release(m);
			free(s->ws->prev);   /* maybe half copied */
			s->ws->prev = NULL;
			how = 0;
			continue;
		}
		if (rc == SCAN_SAME)
			return SCAN_SKIP;
		if (rc == SCAN_RECHECK) {
			how &= ~MAPPED_TRUST;
			continue;
		}
		s->ws->nrecords = m->p && s->parsed ? s->gd.nrecords : 0;
		if (rc != SCAN_OK && s->ws->prev) {
			free(s->ws->prev);
			s->ws->prev = NULL;
		}
		return rc;
	}
}

/* The functions of o that moved in a worker's file (scan_data) are what
 * the process's tests ran: each is solved on its deltas (lines_plan_ran),
 * and the tests are added to the lines and branch arcs that ran. */
static void take_moved(struct cm_ctx_collector *c, struct cobj *o,
		       struct wsum *w, uint32_t runs, const uint32_t *tests,
		       size_t ntests)
{
	if (!w->sums)
		w->sums = xcalloc(o->g.nfuncs ? o->g.nfuncs : 1, sizeof(*w->sums));
	w->runs = runs;
	for (size_t i = 0; i < c->nmoved; i++) {
		const struct moved *mv = &c->moved[i];
		const int64_t *now = c->now + mv->at;
		if (!w->sums[mv->func])
			w->sums[mv->func] = xcalloc(mv->n ? mv->n : 1, sizeof(int64_t));
		int64_t *sum = w->sums[mv->func];
		int any = 0;
		GROW(c->delta, c->adelta, mv->n ? mv->n : 1);
		for (uint32_t m = 0; m < mv->n; m++) {
			int64_t d = now[m] - sum[m];
			c->delta[m] = d > 0 ? d : 0;
			any |= d > 0;
			sum[m] = now[m];
		}
		if (!any || o->g.funcs[mv->func].artificial || !ntests)
			continue;
		if (!o->slot) {
			lines_plan_build(&o->g, &o->plan);
			/* slots are numbered in 32 bits (struct logged): more
			 * than 2^32 would be hundreds of GiB of plans */
			if (o->plan.nslots > UINT32_MAX - c->nslots) {
				/* LCOV_EXCL_START: not reachable in memory */
				fprintf(stderr, "fatal: more than 2^32 lines and branches to collect\n");
				abort();
				/* LCOV_EXCL_STOP */
			}
			o->slot = xcalloc(o->plan.nslots ? o->plan.nslots : 1,
					  sizeof(*o->slot));
			o->slot_base = c->nslots;
			c->nslots += o->plan.nslots;
		}
		lines_plan_ran(&o->plan, &o->g, mv->func, c->delta, &c->scratch,
			       &c->ran, &c->nran, &c->aran);
	}
	give_slots(c, o, tests, ntests);
}

/* Adds o's sources to program p's (once per pair). */
static void note_program(struct cm_ctx_collector *c, struct cobj *o, uint32_t p)
{
	size_t word = p / 64;
	uint64_t bit = (uint64_t)1 << (p % 64);
	if (word < o->aprogs && (o->progs[word] & bit))
		return;
	if (word >= o->aprogs) {
		size_t was = o->aprogs;
		GROW(o->progs, o->aprogs, word + 1);
		memset(o->progs + was, 0, (o->aprogs - was) * sizeof(*o->progs));
	}
	o->progs[word] |= bit;
	ctx_prog_add_sources(&c->store.progs[p], o->sources, o->nsources);
}

size_t cm_ctx_collect(struct cm_ctx_collector *c, int worker,
		      const char *shard, const char *program,
		      const char *const *test_ids, size_t ntests,
		      struct strbuf *warn)
{
	if (worker < 0 || worker >= c->nworkers)
		worker = 0;
	/* the data files this process wrote (all of them at the first look) */
	struct ctx_watch **w = &c->watch[worker];
	if (!*w)
		*w = ctx_watch_new(shard);
	struct ctx_watch_list files = {0};
	char *bad = NULL;
	if (ctx_watch_changed(*w, &files, &bad)) {
		strbuf_addf(warn, "cannot read the coverage data in \"%s\": %s\n",
			    bad ? bad : shard, strerror(errno));
		free(bad);
	}
	uint32_t prog = ctx_prog_index(&c->store, program);
	uint32_t *tests = xcalloc(ntests ? ntests : 1, sizeof(*tests));
	for (size_t i = 0; i < ntests; i++)
		tests[i] = ctx_test_index(&c->store, test_ids[i], prog);
	size_t nread = 0, ls = strlen(shard);
	struct strbuf data, err;
	strbuf_init(&data);
	strbuf_init(&err);
	for (size_t i = 0; i < files.n; i++) {
		const char *own = files.v[i].path + ls;
		struct cobj *o = *own == '/' ? object_of(c, own) : NULL;
		/* what the collector cannot read stays in the shard for
		 * covmerge, which reads it or names the problem */
		if (!o || !o->ok)
			continue;
		struct scan s = {c, o, &o->w[worker], NULL, 0, 0, 0, 0, {0}, &err};
		if (read_data(&s, *w, &files.v[i], &data) == SCAN_OK) {
			take_moved(c, o, s.ws, s.gd.runs, tests, ntests);
			s.wrote = 1;
			nread++;
		}
		/* the program is built with the object also when the process
		 * ran none of its code (its data file moved only in its runs):
		 * a change to it that no test ran selects the program */
		if (s.wrote)
			note_program(c, o, prog);
		gcda_release(&s.gd);
	}
	strbuf_release(&data);
	strbuf_release(&err);
	ctx_watch_list_release(&files);
	free(tests);
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
	/* outside a repository there is no revision: not an error to show */
	if (cm_run_capture_quiet(head, "/dev/null", &out, &err) == 0 && out.len >= 40) {
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

/* The watchers of workers first, first + step, ... closed. */
struct unwatch {
	struct cm_ctx_collector *c;
	int first, step;
	pthread_t th;
	int started;
};

static void *unwatch_main(void *arg)
{
	struct unwatch *u = arg;
	for (int k = u->first; k < u->c->nworkers; k += u->step) {
		ctx_watch_free(u->c->watch[k]);
		u->c->watch[k] = NULL;
	}
	return NULL;
}

/* Closing an inotify descriptor waits for the kernel to retire its
 * watches (a grace period: 5 to 20 ms each, measured with strace -T on
 * the 2-core machine): the watchers are closed in threads of their own,
 * beside the encoding, instead of one after the other when the run
 * ends. Their threads only wait; they take no signal. */
#define UNWATCH_THREADS 8

void cm_ctx_encode(struct cm_ctx_collector *c, struct strbuf *bytes)
{
	int n = c->nworkers < UNWATCH_THREADS ? c->nworkers : UNWATCH_THREADS;
	struct unwatch u[UNWATCH_THREADS];
	for (int i = 0; i < n; i++) {
		u[i] = (struct unwatch){c, i, n, 0, 0};
		u[i].started = thread_start_quiet(&u[i].th, unwatch_main, &u[i]) == 0;
	}
	build_entries(c);
	/* entries in line order, test lists sorted (a test repeated with
	 * --repeat once) */
	ctx_store_normalize(&c->store);
	git_identity(&c->store);
	ctx_store_write(&c->store, bytes);
	for (int i = 0; i < n; i++) {
		if (u[i].started)
			pthread_join(u[i].th, NULL);
		else
			unwatch_main(&u[i]);
	}
}

int cm_ctx_write(const struct strbuf *bytes, const char *store_path,
		 struct strbuf *err)
{
	struct outfile of;
	int rc = outfile_open(&of, store_path, err);
	if (rc == 0) {
		fwrite(bytes->buf, 1, bytes->len, of.fp);
		rc = outfile_commit(&of, err);
	}
	return rc;
}
