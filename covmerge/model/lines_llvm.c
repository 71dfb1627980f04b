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
 * - a function's count is its entry block's count; there is no '*' mark.
 */
#include "lines_llvm.h"

#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "counts.h"
#include "path.h"
#include "solve.h"

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

/* Per function: the scratch of the cycle search. */
struct cyc {
	int64_t *left;        /* per arc: flow not yet taken by a cycle */
	uint8_t *traversable; /* per block */
	int32_t *incoming;    /* per block: arc it was reached by, -1 none,
			       * -2 the search's start */
	uint32_t *stack_b, *stack_i;
	/* successors of block b in the notes' order (llvm-cov's, unlike
	 * graph's sorted one): succ[succ_off[b] .. succ_off[b+1]) */
	uint32_t *succ_off, *succ;
};

/* Finds one cycle with flow left from block src among the traversable
 * blocks (a depth-first search; a block whose arcs are all tried is no
 * longer traversable), takes its smallest flow off each of its arcs and
 * returns it; 0 when there is none. */
static int64_t one_cycle(const struct graph *gr, struct cyc *c, uint32_t src)
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
		uint32_t d = gr->fn->arcs[a].dst;
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
			v = gr->fn->arcs[in].src;
		}
		c->left[a] -= min;
		for (uint32_t v = u; v != d;) {
			uint32_t in = (uint32_t)c->incoming[v];
			c->left[in] -= min;
			v = gr->fn->arcs[in].src;
		}
		return min;
	}
	return 0;
}

/* The flow around cycles among the blocks attached to l. */
static int64_t cycles_count(const struct graph *graphs, struct cyc *cs,
			    const struct lline *l)
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
				d = one_cycle(&graphs[l->v[i].func], c, l->v[i].block);
		}
		for (size_t i = 0; i < l->n; i++)
			cs[l->v[i].func].traversable[l->v[i].block] = 0;
		if (d <= 0)
			break;
		total = count_add(total, d);
	}
	return total;
}

static int64_t line_count(const struct graph *graphs, struct cyc *cs,
			  const struct lline *l)
{
	int64_t count = 0;
	for (size_t i = 0; i < l->n; i++) {
		uint32_t f = l->v[i].func, b = l->v[i].block;
		const struct graph *gr = &graphs[f];
		if (b == 0) {
			for (uint32_t k = cs[f].succ_off[b]; k < cs[f].succ_off[b + 1]; k++)
				count = count_add(count, gr->acount[cs[f].succ[k]]);
		} else {
			for (uint32_t k = gr->pred_off[b]; k < gr->pred_off[b + 1]; k++) {
				uint32_t a = gr->pred[k];
				if (!attached(l, f, gr->fn->arcs[a].src))
					count = count_add(count, gr->acount[a]);
			}
		}
		for (uint32_t k = cs[f].succ_off[b]; k < cs[f].succ_off[b + 1]; k++)
			cs[f].left[cs[f].succ[k]] = gr->acount[cs[f].succ[k]];
	}
	return count_add(count, cycles_count(graphs, cs, l));
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
			 const struct graph *gr, const struct cyc *c, uint32_t b)
{
	uint32_t n = c->succ_off[b + 1] - c->succ_off[b];
	if (n < 2)
		return;
	int64_t total = 0;
	for (uint32_t k = 0; k < n; k++)
		total = count_add(total, gr->acount[c->succ[c->succ_off[b] + k]]);
	for (uint32_t k = 0; k < n; k++) {
		uint32_t a = c->succ[c->succ_off[b] + k];
		GROW(line->branches, *alloc, line->nbranches + 1);
		struct cm_branch *br = &line->branches[line->nbranches++];
		br->count = gr->acount[a];
		br->src_executed = total != 0;
		br->flags = 0;
		br->dst_line = first_line(gr->fn, gr->fn->arcs[a].dst);
	}
}

static void build_file(const struct gcno *g, const struct graph *graphs,
		       struct cyc *cs, struct lfile *lf, struct cm_file *cf)
{
	if (lf->n > 1)
		qsort(lf->v, lf->n, sizeof(*lf->v), cmp_lline);
	cf->lines = xcalloc(lf->n ? lf->n : 1, sizeof(*cf->lines));
	for (size_t i = 0; i < lf->n; i++) {
		const struct lline *l = &lf->v[i];
		struct cm_line *line = &cf->lines[cf->nlines++];
		line->lineno = l->line;
		line->count = line_count(graphs, cs, l);
		size_t abr = 0;
		for (size_t k = 0; k < l->n; k++) {
			uint32_t f = l->v[k].func, b = l->v[k].block;
			/* a block listed twice on its last line gives its
			 * branches once per listing, as llvm-cov prints them */
			if (last_line(&g->funcs[f].blocks[b]) == l->line)
				add_branches(line, &abr, &graphs[f], &cs[f], b);
		}
	}
}

static void cyc_init(struct cyc *c, const struct graph *gr)
{
	c->left = xcalloc(gr->narcs ? gr->narcs : 1, sizeof(*c->left));
	c->traversable = xcalloc(gr->nblocks, 1);
	c->incoming = xcalloc(gr->nblocks, sizeof(*c->incoming));
	c->stack_b = xcalloc(gr->nblocks + 1, sizeof(uint32_t));
	c->stack_i = xcalloc(gr->nblocks + 1, sizeof(uint32_t));
	const struct gcno_func *fn = gr->fn;
	c->succ_off = xcalloc(fn->nblocks + 1, sizeof(uint32_t));
	c->succ = xcalloc(fn->narcs ? fn->narcs : 1, sizeof(uint32_t));
	for (uint32_t a = 0; a < fn->narcs; a++)
		c->succ_off[fn->arcs[a].src + 1]++;
	for (uint32_t b = 0; b < fn->nblocks; b++)
		c->succ_off[b + 1] += c->succ_off[b];
	uint32_t *fill = xcalloc(fn->nblocks ? fn->nblocks : 1, sizeof(uint32_t));
	for (uint32_t a = 0; a < fn->narcs; a++) {
		uint32_t b = fn->arcs[a].src;
		c->succ[c->succ_off[b] + fill[b]++] = a;
	}
	free(fill);
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
}

void lines_compute_llvm(const struct gcno *g, int64_t *const *counters,
			struct obj_cov *out)
{
	size_t nf = g->nfuncs, nfiles = g->nfiles ? g->nfiles : 1;
	struct graph *graphs = xcalloc(nf ? nf : 1, sizeof(*graphs));
	struct cyc *cs = xcalloc(nf ? nf : 1, sizeof(*cs));
	struct lfile *lfs = xcalloc(nfiles, sizeof(*lfs));
	struct cm_file *files = xcalloc(nfiles, sizeof(*files));
	size_t *afuncs = xcalloc(nfiles, sizeof(size_t));
	for (size_t f = 0; f < nf; f++) {
		const struct gcno_func *fn = &g->funcs[f];
		graph_solve(&graphs[f], fn, counters[f]);
		out->negative |= graphs[f].negative;
		out->unsolved |= graphs[f].unsolved;
		cyc_init(&cs[f], &graphs[f]);
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
		struct cm_file *cf = &files[fn->file];
		GROW(cf->functions, afuncs[fn->file], cf->nfunctions + 1);
		struct cm_function *cfn = &cf->functions[cf->nfunctions++];
		cfn->name = xstrdup(fn->name);
		cfn->start_line = fn->start_line;
		cfn->end_line = fn->end_line;
		cfn->count = graphs[f].bcount[0];
	}
	out->files = xcalloc(nfiles, sizeof(*out->files));
	out->file_index = xcalloc(nfiles, sizeof(uint32_t));
	for (size_t fi = 0; fi < g->nfiles; fi++) {
		build_file(g, graphs, cs, &lfs[fi], &files[fi]);
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
	for (size_t f = 0; f < nf; f++) {
		cyc_release(&cs[f]);
		graph_release(&graphs[f]);
	}
	free(graphs);
	free(cs);
	free(lfs);
	free(files);
	free(afuncs);
}
