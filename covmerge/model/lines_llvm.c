/* Line, branch and function coverage of one object in LLVM's gcov flavour
 * (clang --coverage, "408*"), by the rules `llvm-cov gcov` applies (our
 * own code, written from its documented and observed behaviour):
 *
 * - every line of a block belongs to the block's function's source file
 *   (whatever file the line record names), and a block is attached to each
 *   of its lines, once per time the line is listed;
 * - a line's count is, over its attached blocks, the arcs entering them
 *   from blocks not attached to the line (for the entry block: the arcs
 *   leaving it), plus the flow around cycles among the attached blocks,
 *   found one at a time (any cycle with flow left, in block order, its
 *   smallest arc taken off every arc of it) until none is left;
 * - branches: a block with more than one successor gives one branch per
 *   successor arc, in the order of the notes, on the last line it lists;
 * - arc counts: the arcs off the spanning tree have counters; each tree
 *   arc (with an extra one from the exit to the entry) gets the magnitude
 *   of the flow its side of the tree leaves unbalanced, found by a depth
 *   first walk from each block in turn over in-arcs then out-arcs in the
 *   notes' order (so inconsistent counters give llvm-cov's numbers, not
 *   a warning); a block's count is the sum of its out-arcs;
 * - a function's count is its entry block's count; there is no '*' mark.
 */
#include "lines_llvm.h"

#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "counts.h"
#include "lines.h"
#include "path.h"

/* A block attached to a line: its function and number. */
struct att {
	uint32_t func, block;
};

/* One line of one file and its attached blocks, in attachment order. */
struct lline {
	uint32_t line;
	size_t n, alloc;
	struct att *v;
};

struct lfile {
	size_t n, alloc;
	struct lline *v;
};

static struct lline *line_of(struct lfile *lf, uint32_t line)
{
	for (size_t i = lf->n; i-- > 0;)
		if (lf->v[i].line == line)
			return &lf->v[i];
	GROW(lf->v, lf->alloc, lf->n + 1);
	struct lline *l = &lf->v[lf->n++];
	memset(l, 0, sizeof(*l));
	l->line = line;
	return l;
}

static int cmp_lline(const void *a, const void *b)
{
	const struct lline *x = a, *y = b;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* Whether block b of function f is attached to l. */
static int attached(const struct lline *l, uint32_t f, uint32_t b)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].func == f && l->v[i].block == b)
			return 1;
	return 0;
}

/* Per function: its arcs' counts, arc lists and the scratch of the cycle
 * search. Arc fn->narcs is the extra tree arc from the exit to the
 * entry. */
struct cyc {
	const struct gcno_func *fn;
	uint32_t nblocks, narcs;    /* narcs counts the extra arc */
	int64_t *count;             /* per arc */
	uint32_t *pred_off, *pred;  /* in-arcs of each block, notes' order */
	int64_t *left;        /* per arc: flow not yet taken by a cycle */
	uint8_t *traversable; /* per block */
	int32_t *incoming;    /* per block: arc it was reached by, -1 none,
			       * -2 the search's start */
	uint32_t *stack_b, *stack_i;
	/* successors of block b in the notes' order (llvm-cov's, unlike
	 * graph's sorted one): succ[succ_off[b] .. succ_off[b+1]) */
	uint32_t *succ_off, *succ;
};

static uint32_t arc_src(const struct cyc *c, uint32_t a)
{
	return a == c->fn->narcs ? 1 : c->fn->arcs[a].src;
}

static uint32_t arc_dst(const struct cyc *c, uint32_t a)
{
	return a == c->fn->narcs ? 0 : c->fn->arcs[a].dst;
}

static int arc_on_tree(const struct cyc *c, uint32_t a)
{
	return a == c->fn->narcs || (c->fn->arcs[a].flags & ARC_ON_TREE);
}

/* Finds one cycle with flow left from block src among the traversable
 * blocks (a depth-first search; a block whose arcs are all tried is no
 * longer traversable), takes its smallest flow off each of its arcs and
 * returns it; 0 when there is none. */
static int64_t one_cycle(struct cyc *c, uint32_t src)
{
	size_t depth = 0;
	c->stack_b[0] = src;
	c->stack_i[0] = 0;
	depth = 1;
	c->incoming[src] = -2;
	while (depth) {
		uint32_t u = c->stack_b[depth - 1];
		uint32_t i = c->stack_i[depth - 1];
		uint32_t nsucc = c->succ_off[u + 1] - c->succ_off[u];
		if (i == nsucc) {
			c->traversable[u] = 0;
			depth--;
			continue;
		}
		c->stack_i[depth - 1]++;
		uint32_t a = c->succ[c->succ_off[u] + i];
		uint32_t d = arc_dst(c, a);
		if (c->left[a] <= 0 || !c->traversable[d] || d == u)
			continue;
		if (c->incoming[d] == -1) {
			c->incoming[d] = (int32_t)a;
			c->stack_b[depth] = d;
			c->stack_i[depth] = 0;
			depth++;
			continue;
		}
		int64_t min = c->left[a];
		for (uint32_t v = u; v != d;) {
			uint32_t in = (uint32_t)c->incoming[v];
			if (c->left[in] < min)
				min = c->left[in];
			v = arc_src(c, in);
		}
		c->left[a] -= min;
		for (uint32_t v = u; v != d;) {
			uint32_t in = (uint32_t)c->incoming[v];
			c->left[in] -= min;
			v = arc_src(c, in);
		}
		return min;
	}
	return 0;
}

/* The flow around cycles among the blocks attached to l. */
static int64_t cycles_count(struct cyc *cs, const struct lline *l)
{
	int64_t total = 0;
	for (;;) {
		for (size_t i = 0; i < l->n; i++) {
			cs[l->v[i].func].traversable[l->v[i].block] = 1;
			cs[l->v[i].func].incoming[l->v[i].block] = -1;
		}
		int64_t d = 0;
		for (size_t i = 0; i < l->n && !d; i++) {
			struct cyc *c = &cs[l->v[i].func];
			if (c->traversable[l->v[i].block])
				d = one_cycle(c, l->v[i].block);
		}
		for (size_t i = 0; i < l->n; i++)
			cs[l->v[i].func].traversable[l->v[i].block] = 0;
		if (d <= 0)
			break;
		total = count_add(total, d);
	}
	return total;
}

static int64_t line_count(struct cyc *cs, const struct lline *l)
{
	int64_t count = 0;
	for (size_t i = 0; i < l->n; i++) {
		uint32_t f = l->v[i].func, b = l->v[i].block;
		struct cyc *c = &cs[f];
		if (b == 0) {
			for (uint32_t k = c->succ_off[b]; k < c->succ_off[b + 1]; k++)
				count = count_add(count, c->count[c->succ[k]]);
		} else {
			for (uint32_t k = c->pred_off[b]; k < c->pred_off[b + 1]; k++) {
				uint32_t a = c->pred[k];
				if (!attached(l, f, arc_src(c, a)))
					count = count_add(count, c->count[a]);
			}
		}
		for (uint32_t k = c->succ_off[b]; k < c->succ_off[b + 1]; k++)
			c->left[c->succ[k]] = c->count[c->succ[k]];
	}
	return count_add(count, cycles_count(cs, l));
}

/* The last line block b lists (in the notes' order), or 0. */
static uint32_t last_line(const struct gcno_block *b)
{
	for (uint32_t l = b->nlocs; l-- > 0;)
		if (b->locs[l].nlines)
			return b->locs[l].lines[b->locs[l].nlines - 1];
	return 0;
}

/* The first line block d lists, 0 for the exit block. */
static unsigned first_line(const struct gcno_func *fn, uint32_t d)
{
	if (d == 1)
		return 0;
	const struct gcno_block *b = &fn->blocks[d];
	for (uint32_t l = 0; l < b->nlocs; l++)
		if (b->locs[l].nlines)
			return b->locs[l].lines[0];
	return 0;
}

static void add_branches(struct cm_line *line, size_t *alloc,
			 const struct cyc *c, uint32_t b)
{
	uint32_t n = c->succ_off[b + 1] - c->succ_off[b];
	if (n < 2)
		return;
	int64_t total = 0;
	for (uint32_t k = 0; k < n; k++)
		total = count_add(total, c->count[c->succ[c->succ_off[b] + k]]);
	for (uint32_t k = 0; k < n; k++) {
		uint32_t a = c->succ[c->succ_off[b] + k];
		GROW(line->branches, *alloc, line->nbranches + 1);
		struct cm_branch *br = &line->branches[line->nbranches++];
		br->count = c->count[a];
		br->src_executed = total != 0;
		br->flags = 0;
		br->dst_line = first_line(c->fn, arc_dst(c, a));
	}
}

static void build_file(const struct gcno *g, struct cyc *cs, struct lfile *lf,
		       struct cm_file *cf)
{
	if (lf->n > 1)
		qsort(lf->v, lf->n, sizeof(*lf->v), cmp_lline);
	cf->lines = xcalloc(lf->n ? lf->n : 1, sizeof(*cf->lines));
	for (size_t i = 0; i < lf->n; i++) {
		const struct lline *l = &lf->v[i];
		struct cm_line *line = &cf->lines[cf->nlines++];
		line->lineno = l->line;
		line->count = line_count(cs, l);
		size_t abr = 0;
		for (size_t k = 0; k < l->n; k++) {
			uint32_t f = l->v[k].func, b = l->v[k].block;
			/* a block listed twice on its last line gives its
			 * branches once per listing, as llvm-cov prints them */
			if (last_line(&g->funcs[f].blocks[b]) == l->line)
				add_branches(line, &abr, &cs[f], b);
		}
	}
}

/* Sets up c for fn: the arc lists in the notes' order (the extra arc
 * last) and the counted arcs' counts from counters (NULL: all 0). */
static void cyc_init(struct cyc *c, const struct gcno_func *fn,
		     const int64_t *counters)
{
	c->fn = fn;
	c->nblocks = fn->nblocks;
	c->narcs = fn->narcs + 1;
	c->count = xcalloc(c->narcs, sizeof(*c->count));
	c->left = xcalloc(c->narcs, sizeof(*c->left));
	c->traversable = xcalloc(fn->nblocks, 1);
	c->incoming = xcalloc(fn->nblocks, sizeof(*c->incoming));
	c->stack_b = xcalloc(fn->nblocks + 1, sizeof(uint32_t));
	c->stack_i = xcalloc(fn->nblocks + 1, sizeof(uint32_t));
	c->succ_off = xcalloc(fn->nblocks + 1, sizeof(uint32_t));
	c->succ = xcalloc(c->narcs, sizeof(uint32_t));
	c->pred_off = xcalloc(fn->nblocks + 1, sizeof(uint32_t));
	c->pred = xcalloc(c->narcs, sizeof(uint32_t));
	for (uint32_t a = 0; a < c->narcs; a++) {
		c->succ_off[arc_src(c, a) + 1]++;
		c->pred_off[arc_dst(c, a) + 1]++;
	}
	for (uint32_t b = 0; b < fn->nblocks; b++) {
		c->succ_off[b + 1] += c->succ_off[b];
		c->pred_off[b + 1] += c->pred_off[b];
	}
	uint32_t *fs = xcalloc(fn->nblocks, sizeof(uint32_t));
	uint32_t *fp = xcalloc(fn->nblocks, sizeof(uint32_t));
	uint32_t k = 0;
	for (uint32_t a = 0; a < c->narcs; a++) {
		uint32_t s = arc_src(c, a), d = arc_dst(c, a);
		c->succ[c->succ_off[s] + fs[s]++] = a;
		c->pred[c->pred_off[d] + fp[d]++] = a;
		if (!arc_on_tree(c, a))
			c->count[a] = counters ? counters[k++] : 0;
	}
	free(fs);
	free(fp);
}

/* One frame of propagate's walk. */
struct frame {
	uint32_t v, pred;     /* pred: the tree arc it was reached by, or -1 */
	uint32_t phase, i;    /* 0: in-arcs, 1: out-arcs; next index */
	uint64_t excess;
};

/* The tree arcs' counts, as llvm-cov derives them: from each block in
 * turn, a walk that gives each tree arc the magnitude of the flow left
 * unbalanced beyond it (see the top of the file). */
static void propagate(struct cyc *c)
{
	uint8_t *visited = xcalloc(c->nblocks, 1);
	struct frame *st = xcalloc(c->nblocks + 1, sizeof(*st));
	for (uint32_t root = 0; root < c->nblocks; root++) {
		if (visited[root])
			continue;
		size_t depth = 1;
		st[0] = (struct frame){root, UINT32_MAX, 0, 0, 0};
		visited[root] = 1;
		while (depth) {
			struct frame *f = &st[depth - 1];
			const uint32_t *list = f->phase ? c->succ : c->pred;
			const uint32_t *off = f->phase ? c->succ_off : c->pred_off;
			if (f->i == off[f->v + 1] - off[f->v]) {
				if (!f->phase) {
					f->phase = 1;
					f->i = 0;
					continue;
				}
				uint64_t ex = f->excess;
				if ((int64_t)ex < 0)
					ex = -ex;
				if (f->pred != UINT32_MAX)
					c->count[f->pred] = (int64_t)ex;
				depth--;
				if (depth) {
					struct frame *p = &st[depth - 1];
					p->excess = p->phase ? p->excess - ex : p->excess + ex;
				}
				continue;
			}
			uint32_t a = list[off[f->v] + f->i++];
			if (a == f->pred)
				continue;
			if (!arc_on_tree(c, a)) {
				uint64_t n = (uint64_t)c->count[a];
				f->excess = f->phase ? f->excess - n : f->excess + n;
				continue;
			}
			uint32_t w = f->phase ? arc_dst(c, a) : arc_src(c, a);
			if (visited[w])
				continue; /* the walk's value there is 0 */
			visited[w] = 1;
			st[depth++] = (struct frame){w, a, 0, 0, 0};
		}
	}
	free(visited);
	free(st);
}

/* A block's count: the sum of its out-arcs (the extra arc left out). */
static int64_t block_count(const struct cyc *c, uint32_t b)
{
	int64_t n = 0;
	for (uint32_t k = c->succ_off[b]; k < c->succ_off[b + 1]; k++)
		if (c->succ[k] != c->fn->narcs)
			n = count_add(n, c->count[c->succ[k]]);
	return n;
}

static void cyc_release(struct cyc *c)
{
	free(c->left);
	free(c->traversable);
	free(c->incoming);
	free(c->stack_b);
	free(c->stack_i);
	free(c->succ_off);
	free(c->succ);
	free(c->pred_off);
	free(c->pred);
	free(c->count);
}

void lines_compute_llvm(const struct gcno *g, int64_t *const *counters,
			struct obj_cov *out)
{
	size_t nf = g->nfuncs, nfiles = g->nfiles ? g->nfiles : 1;
	struct cyc *cs = xcalloc(nf ? nf : 1, sizeof(*cs));
	struct lfile *lfs = xcalloc(nfiles, sizeof(*lfs));
	struct cm_file *files = xcalloc(nfiles, sizeof(*files));
	size_t *afuncs = xcalloc(nfiles, sizeof(size_t));
	for (size_t f = 0; f < nf; f++) {
		const struct gcno_func *fn = &g->funcs[f];
		cyc_init(&cs[f], fn, counters[f]);
		propagate(&cs[f]);
		for (uint32_t b = 0; b < fn->nblocks; b++)
			for (uint32_t l = 0; l < fn->blocks[b].nlocs; l++) {
				const struct gcno_loc *loc = &fn->blocks[b].locs[l];
				for (uint32_t k = 0; k < loc->nlines; k++) {
					struct lline *ll = line_of(&lfs[fn->file],
								   loc->lines[k]);
					GROW(ll->v, ll->alloc, ll->n + 1);
					ll->v[ll->n++] = (struct att){(uint32_t)f, b};
				}
			}
		lines_add_function(&files[fn->file], &afuncs[fn->file], fn,
				   block_count(&cs[f], 0));
	}
	out->files = xcalloc(nfiles, sizeof(*out->files));
	out->file_index = xcalloc(nfiles, sizeof(uint32_t));
	for (size_t fi = 0; fi < g->nfiles; fi++) {
		build_file(g, cs, &lfs[fi], &files[fi]);
		for (size_t i = 0; i < lfs[fi].n; i++)
			free(lfs[fi].v[i].v);
		free(lfs[fi].v);
		if (!files[fi].nlines && !files[fi].nfunctions) {
			cm_file_release(&files[fi]);
			continue;
		}
		files[fi].path = path_absolute(g->cwd, g->files[fi]);
		out->file_index[out->nfiles] = (uint32_t)fi;
		out->files[out->nfiles++] = files[fi];
	}
	obj_cov_sort(out);
	for (size_t f = 0; f < nf; f++)
		cyc_release(&cs[f]);
	free(cs);
	free(lfs);
	free(files);
	free(afuncs);
}
