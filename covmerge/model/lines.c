/* Line, branch and function coverage of one object, following gcov 12's
 * counting rules as described in docs/gcov-format.md (our own code).
 *
 * Pass 1 adds each block's count to every line it lists and attaches the
 * block (and its successor arcs) to the highest line of each of its
 * location lists. Pass 2 recounts each line that has attached blocks: the
 * arcs entering those blocks from outside, plus the flow around circuits
 * inside them (so a loop written on one line counts its iterations).
 * Arcs never cross functions, so a line's blocks are handled per function
 * and the results added.
 *
 * Functions that start on the same line of the same source (a macro that
 * defines two functions, template instances) form a group: each keeps its
 * own table for the lines inside its extent, and a line's count is the
 * sum of the shared table and of every group function's table, as
 * `gcov -t` prints it (and lcov adds gcov's JSON entries). */
#include "lines.h"

#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "path.h"
#include "lines_events.h"
#include "solve.h"

/* Blocks on one line beyond which cycles are not searched (see
 * line_count_from_blocks). */
#define MAX_LINE_BLOCKS 4096

static int cmp_event(const void *a, const void *b)
{
	const struct event *x = a, *y = b;
	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->func != y->func)
		return x->func < y->func ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Circuit search over the blocks of one function attached to one line. */
struct cycles {
	const struct graph *gr;
	const uint8_t *in_set;    /* per block: attached to this line */
	int64_t *cs;              /* per arc: flow not yet assigned to a cycle */
	uint8_t *blocked;
	uint32_t **blist;         /* per block: blocks to unblock with it */
	uint32_t *nblist, *ablist;
	uint32_t *path;
	uint32_t npath;
	uint32_t ndrained;        /* arcs on the path with no flow left */
	int64_t total;
};

static int arc_usable(const struct cycles *c, uint32_t a, uint32_t start)
{
	uint32_t w = c->gr->fn->arcs[a].dst;
	return w >= start && c->cs[a] > 0 && c->in_set[w];
}

static void unblock(struct cycles *c, uint32_t u)
{
	if (!c->blocked[u])
		return;
	c->blocked[u] = 0;
	uint32_t n = c->nblist[u];
	c->nblist[u] = 0;
	for (uint32_t i = 0; i < n; i++)
		unblock(c, c->blist[u][i]);
}

static void take_cycle(struct cycles *c)
{
	int64_t m = c->cs[c->path[0]];
	for (uint32_t i = 1; i < c->npath; i++)
		if (c->cs[c->path[i]] < m)
			m = c->cs[c->path[i]];
	c->total += m;
	for (uint32_t i = 0; i < c->npath; i++) {
		c->cs[c->path[i]] -= m;
		if (c->cs[c->path[i]] <= 0)
			c->ndrained++;
	}
}

/* Whether an arc on the current path has no flow left: cancelling a
 * cycle can drain an arc the search stands on, and a path through a
 * drained arc can close no cycle worth counting. */
static int path_drained(const struct cycles *c)
{
	return c->ndrained > 0;
}

static int circuit(struct cycles *c, uint32_t v, uint32_t start)
{
	const struct graph *gr = c->gr;
	int found = 0;
	c->blocked[v] = 1;
	c->nblist[v] = 0;
	for (uint32_t k = gr->succ_off[v]; k < gr->succ_off[v + 1]; k++) {
		uint32_t a = gr->succ[k];
		if (!arc_usable(c, a, start))
			continue;
		uint32_t w = gr->fn->arcs[a].dst;
		c->path[c->npath++] = a;
		if (w == start) {
			/* a path through a drained arc carries no flow */
			if (!path_drained(c)) {
				take_cycle(c);
				found = 1;
			}
		} else if (!c->blocked[w] && !path_drained(c)) {
			found |= circuit(c, w, start);
		}
		c->npath--;
		if (c->cs[a] <= 0)
			c->ndrained--;
	}
	if (found) {
		unblock(c, v);
		return 1;
	}
	for (uint32_t k = gr->succ_off[v]; k < gr->succ_off[v + 1]; k++) {
		uint32_t a = gr->succ[k];
		if (!arc_usable(c, a, start))
			continue;
		uint32_t w = gr->fn->arcs[a].dst;
		uint32_t i;
		for (i = 0; i < c->nblist[w]; i++)
			if (c->blist[w][i] == v)
				break;
		if (i == c->nblist[w]) {
			if (c->nblist[w] == c->ablist[w]) {
				c->ablist[w] = c->ablist[w] ? c->ablist[w] * 2 : 4;
				c->blist[w] = xreallocarray(c->blist[w], c->ablist[w],
							    sizeof(uint32_t));
			}
			c->blist[w][c->nblist[w]++] = v;
		}
	}
	return 0;
}

/* Per-function scratch reused across lines. */
struct fn_scratch {
	uint8_t *in_set;
	int64_t *cs;
	uint8_t *blocked;
	uint32_t **blist;
	uint32_t *nblist, *ablist;
	uint32_t *path;
};

static void scratch_init(struct fn_scratch *s, const struct graph *gr)
{
	s->in_set = xcalloc(gr->nblocks, 1);
	s->cs = xcalloc(gr->narcs ? gr->narcs : 1, sizeof(int64_t));
	s->blocked = xcalloc(gr->nblocks, 1);
	s->blist = xcalloc(gr->nblocks, sizeof(uint32_t *));
	s->nblist = xcalloc(gr->nblocks, sizeof(uint32_t));
	s->ablist = xcalloc(gr->nblocks, sizeof(uint32_t));
	s->path = xcalloc(gr->nblocks + 1, sizeof(uint32_t));
}

static void scratch_release(struct fn_scratch *s, uint32_t nblocks)
{
	for (uint32_t b = 0; b < nblocks; b++)
		free(s->blist[b]);
	free(s->in_set);
	free(s->cs);
	free(s->blocked);
	free(s->blist);
	free(s->nblist);
	free(s->ablist);
	free(s->path);
}

/* The count of a line from the blocks of one function attached to it. */
static int64_t line_count_from_blocks(const struct graph *gr,
				      struct fn_scratch *s,
				      const struct event *ev, size_t n)
{
	for (size_t i = 0; i < n; i++)
		s->in_set[ev[i].block] = 1;
	uint64_t count = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t b = ev[i].block;
		for (uint32_t k = gr->pred_off[b]; k < gr->pred_off[b + 1]; k++) {
			uint32_t a = gr->pred[k];
			if (!s->in_set[gr->fn->arcs[a].src])
				count += (uint64_t)gr->acount[a];
		}
		for (uint32_t k = gr->succ_off[b]; k < gr->succ_off[b + 1]; k++)
			s->cs[gr->succ[k]] = gr->acount[gr->succ[k]];
	}
	struct cycles c = {
		.gr = gr, .in_set = s->in_set, .cs = s->cs,
		.blocked = s->blocked, .blist = s->blist, .nblist = s->nblist,
		.ablist = s->ablist, .path = s->path,
	};
	/* The search recurses once per block of its path: a line carrying
	 * more blocks than any real compiler puts on one line is a crafted
	 * file, counted without its cycles rather than risking the stack. */
	for (size_t i = 0; i < n && n <= MAX_LINE_BLOCKS; i++) {
		/* the search touches only the blocks on this line */
		for (size_t k = 0; k < n; k++) {
			s->blocked[ev[k].block] = 0;
			s->nblist[ev[k].block] = 0;
		}
		c.npath = 0;
		c.ndrained = 0;
		circuit(&c, ev[i].block, ev[i].block);
	}
	count += (uint64_t)c.total;
	for (size_t i = 0; i < n; i++)
		s->in_set[ev[i].block] = 0;
	return (int64_t)count;
}

/* Where a branch lands, as a line of `file`: the first line of block d
 * other than the branch's own line, or, when d lies only on the branch's
 * own line, that of the block d falls into unconditionally (so
 * "if (x) goto out;" lands on out's line). 0 for the function exit. */
static unsigned dest_line(const struct graph *gr, uint32_t d, uint32_t file,
			  unsigned src_line)
{
	unsigned found = 0;
	for (int step = 0; step < 16; step++) {
		if (d == 1)
			return 0;
		const struct gcno_block *b = &gr->fn->blocks[d];
		for (uint32_t l = 0; l < b->nlocs; l++) {
			if (b->locs[l].file != file)
				continue;
			for (uint32_t k = 0; k < b->locs[l].nlines; k++) {
				unsigned ln = b->locs[l].lines[k];
				if (ln != src_line)
					return ln;
				found = ln;
			}
		}
		if (gr->succ_off[d + 1] - gr->succ_off[d] != 1)
			return found;
		d = gr->fn->arcs[gr->succ[gr->succ_off[d]]].dst;
	}
	return found;
}

static void add_branches(struct cm_line *line, size_t *alloc,
			 const struct graph *gr, uint32_t b, uint32_t file)
{
	for (uint32_t k = gr->succ_off[b]; k < gr->succ_off[b + 1]; k++) {
		uint32_t a = gr->succ[k];
		if (!lines_branch_arc(gr, a))
			continue;
		const struct gcno_arc *arc = &gr->fn->arcs[a];
		GROW(line->branches, *alloc, line->nbranches + 1);
		struct cm_branch *br = &line->branches[line->nbranches++];
		br->count = gr->acount[a];
		/* a taken branch ran its block, even when racy counters left
		 * the block's derived count at 0: every report then counts
		 * the branch the same way */
		br->src_executed = gr->bcount[b] != 0 || br->count > 0;
		br->flags = 0;
		if (arc->flags & ARC_FALLTHROUGH)
			br->flags |= CM_BRANCH_FALLTHROUGH;
		else if (gr->akind[a] & GA_THROW)
			br->flags |= CM_BRANCH_THROW;
		br->dst_line = dest_line(gr, arc->dst, file, line->lineno);
	}
}

struct fn_start {
	uint32_t file, line, func;
};

static int cmp_fn_start(const void *a, const void *b)
{
	const struct fn_start *x = a, *y = b;
	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->func < y->func ? -1 : x->func > y->func;
}

uint8_t *lines_find_groups(const struct gcno *g)
{
	size_t nf = g->nfuncs, n = 0;
	uint8_t *group = xcalloc(nf ? nf : 1, 1);
	struct fn_start *st = xcalloc(nf ? nf : 1, sizeof(*st));
	for (size_t f = 0; f < nf; f++)
		if (!g->funcs[f].artificial)
			st[n++] = (struct fn_start){g->funcs[f].file,
				g->funcs[f].start_line, (uint32_t)f};
	qsort(st, n, sizeof(*st), cmp_fn_start);
	for (size_t i = 0; i + 1 < n; i++) {
		if (st[i].file == st[i + 1].file && st[i].line == st[i + 1].line) {
			group[st[i].func] = 1;
			group[st[i + 1].func] = 1;
		}
	}
	free(st);
	return group;
}

/* Whether line `line` of source `file` goes to function fn's own table. */
static int own_line(const struct gcno_func *fn, int in_group, uint32_t file,
		    uint32_t line)
{
	return in_group && file == fn->file && line >= fn->start_line &&
	       line <= fn->end_line;
}

/* The count of one line from its events ev[0..n) (sorted by function):
 * per table, the blocks attached to the line when it has any, else the
 * sum of the counts of the blocks that list it (lines_plan.c decides
 * which blocks make a line run by the same rules). */
static int64_t line_count(const struct graph *graphs, struct fn_scratch *scr,
			  uint8_t *scr_ready, const struct event *ev, size_t n,
			  struct event **blocks, size_t *ablocks)
{
	uint64_t count = 0, shared_sum = 0;
	int shared_blocks = 0;
	for (size_t k = 0; k < n; k++) {
		if (ev[k].own)
			continue;
		if (ev[k].kind == EV_BLOCK)
			shared_blocks = 1;
		else
			shared_sum += (uint64_t)graphs[ev[k].func].bcount[ev[k].block];
	}
	size_t k = 0;
	while (k < n) {
		uint32_t f = ev[k].func;
		int own = ev[k].own;
		uint64_t sum = 0;
		size_t nb = 0;
		for (; k < n && ev[k].func == f; k++) {
			if (ev[k].kind != EV_BLOCK) {
				sum += (uint64_t)graphs[f].bcount[ev[k].block];
				continue;
			}
			GROW(*blocks, *ablocks, nb + 1);
			(*blocks)[nb++] = ev[k];
		}
		if (!nb) {
			if (own)
				count += sum;
			continue;
		}
		if (!scr_ready[f]) {
			scratch_init(&scr[f], &graphs[f]);
			scr_ready[f] = 1;
		}
		count += (uint64_t)line_count_from_blocks(&graphs[f], &scr[f],
							  *blocks, nb);
	}
	if (!shared_blocks)
		count += shared_sum;
	return (int64_t)count;
}

/* Sorts the events by (file, line, function, seq). They were added by
 * function, then seq, both ascending, so a stable sort by (file, line)
 * is that order: two counting sorts, by line then by file, when the
 * lines are not far more than the events (a corrupt notes file's line
 * numbers may be anything: qsort then). */
static void sort_events(struct events *e)
{
	if (e->n < 2)
		return;
	uint32_t max_line = 0, max_file = 0;
	for (size_t i = 0; i < e->n; i++) {
		if (e->v[i].line > max_line)
			max_line = e->v[i].line;
		if (e->v[i].file > max_file)
			max_file = e->v[i].file;
	}
	if ((size_t)max_line > 4 * e->n + 4096 || (size_t)max_file > e->n) {
		qsort(e->v, e->n, sizeof(*e->v), cmp_event);
		return;
	}
	size_t nb = (size_t)(max_line > max_file ? max_line : max_file) + 2;
	size_t *at = xcalloc(nb, sizeof(*at));
	struct event *tmp = xreallocarray(NULL, e->n, sizeof(*tmp));
	for (int pass = 0; pass < 2; pass++) {
		const struct event *from = pass ? tmp : e->v;
		struct event *to = pass ? e->v : tmp;
		memset(at, 0, nb * sizeof(*at));
		for (size_t i = 0; i < e->n; i++)
			at[(pass ? from[i].file : from[i].line) + 1]++;
		for (size_t k = 1; k < nb; k++)
			at[k] += at[k - 1];
		for (size_t i = 0; i < e->n; i++)
			to[at[pass ? from[i].file : from[i].line]++] = from[i];
	}
	free(tmp);
	free(at);
}

static void add_event(struct events *e, struct event ev)
{
	GROW(e->v, e->alloc, e->n + 1);
	e->v[e->n++] = ev;
}

void lines_collect_events(const struct gcno *g, const uint8_t *group,
			  struct events *e)
{
	uint32_t seq = 0;
	for (size_t f = 0; f < g->nfuncs; f++) {
		const struct gcno_func *fn = &g->funcs[f];
		if (fn->artificial)
			continue;
		for (uint32_t b = 0; b < fn->nblocks; b++) {
			const struct gcno_block *blk = &fn->blocks[b];
			int have_last = 0;
			uint32_t last_file = 0, last_line = 0;
			for (uint32_t l = 0; l < blk->nlocs; l++) {
				const struct gcno_loc *loc = &blk->locs[l];
				for (uint32_t i = 0; i < loc->nlines; i++) {
					uint32_t order = seq++;
					add_event(e, (struct event){
						.file = loc->file, .line = loc->lines[i],
						.func = (uint32_t)f, .seq = order,
						.block = b, .kind = EV_LINE,
						.own = (uint8_t)own_line(fn, group[f],
							loc->file, loc->lines[i])});
					have_last = 1;
					last_file = loc->file;
					last_line = loc->lines[i];
				}
				if (have_last && b != 0 && b != fn->nblocks - 1) {
					uint32_t order = seq++;
					add_event(e, (struct event){
						.file = last_file, .line = last_line,
						.func = (uint32_t)f, .seq = order,
						.block = b, .kind = EV_BLOCK,
						.own = (uint8_t)own_line(fn, group[f],
							last_file, last_line)});
				}
			}
		}
	}
	sort_events(e);
}

/* Turns the sorted events into lines of files[] (one per notes file
 * name; lines come out sorted): the `*` marker, the branches and the
 * count (pass 2). */
static void build_lines(const struct gcno *g, const struct graph *graphs,
			const struct events *e, struct cm_file *files,
			struct obj_cov *out)
{
	size_t nf = g->nfuncs;
	const struct event *ev = e->v;
	size_t nev = e->n;
	size_t *alines = xcalloc(g->nfiles ? g->nfiles : 1, sizeof(size_t));
	struct fn_scratch *scr = xcalloc(nf ? nf : 1, sizeof(*scr));
	uint8_t *scr_ready = xcalloc(nf ? nf : 1, 1);
	struct event *blocks = NULL;
	size_t ablocks = 0;

	size_t i = 0;
	while (i < nev) {
		size_t j = i;
		while (j < nev && ev[j].file == ev[i].file && ev[j].line == ev[i].line)
			j++;
		struct cm_file *cf = &files[ev[i].file];
		GROW(cf->lines, alines[ev[i].file], cf->nlines + 1);
		struct cm_line *line = &cf->lines[cf->nlines++];
		memset(line, 0, sizeof(*line));
		line->lineno = ev[i].line;
		size_t abr = 0;
		for (size_t k = i; k < j; k++) {
			const struct graph *gr = &graphs[ev[k].func];
			int64_t bc = gr->bcount[ev[k].block];
			if (ev[k].kind == EV_LINE) {
				if (bc == 0 && !(gr->bkind[ev[k].block] & GB_EXCEPTIONAL))
					line->unexecuted_block = 1;
			} else {
				add_branches(line, &abr, gr, ev[k].block, ev[k].file);
			}
		}
		line->count = line_count(graphs, scr, scr_ready, ev + i, j - i,
					 &blocks, &ablocks);
		if (line->count < 0) {
			line->count = 0;
			out->negative = 1;
		}
		i = j;
	}
	for (size_t f = 0; f < nf; f++)
		if (scr_ready[f])
			scratch_release(&scr[f], graphs[f].nblocks);
	free(scr);
	free(scr_ready);
	free(blocks);
	free(alines);
}

/* Each function, in its own source file's list. */
static void add_functions(const struct gcno *g, const struct graph *graphs,
			  struct cm_file *files)
{
	size_t *afuncs = xcalloc(g->nfiles ? g->nfiles : 1, sizeof(size_t));
	for (size_t f = 0; f < g->nfuncs; f++) {
		const struct gcno_func *fn = &g->funcs[f];
		if (fn->artificial)
			continue;
		lines_add_function(&files[fn->file], &afuncs[fn->file], fn,
				   graphs[f].bcount[0]);
	}
	free(afuncs);
}

/* Moves the files with something in them into out, with absolute paths,
 * sorted by path. */
static void keep_files(const struct gcno *g, struct cm_file *files,
		       struct obj_cov *out)
{
	out->files = xcalloc(g->nfiles ? g->nfiles : 1, sizeof(*out->files));
	out->file_index = xcalloc(g->nfiles ? g->nfiles : 1, sizeof(uint32_t));
	for (size_t fi = 0; fi < g->nfiles; fi++) {
		if (!files[fi].nlines && !files[fi].nfunctions)
			continue;
		files[fi].path = path_absolute(g->cwd, g->files[fi]);
		out->file_index[out->nfiles] = (uint32_t)fi;
		out->files[out->nfiles++] = files[fi];
	}
	obj_cov_sort(out);
}

void lines_add_function(struct cm_file *cf, size_t *alloc,
			const struct gcno_func *fn, int64_t count)
{
	GROW(cf->functions, *alloc, cf->nfunctions + 1);
	struct cm_function *cfn = &cf->functions[cf->nfunctions++];
	cfn->name = xstrdup(fn->name);
	cfn->start_line = fn->start_line;
	cfn->end_line = fn->end_line;
	cfn->count = count;
}

static void compute(const struct gcno *g, int64_t *const *counters,
		    struct obj_cov *out)
{
	struct graph *graphs = xcalloc(g->nfuncs, sizeof(*graphs));
	for (size_t f = 0; f < g->nfuncs; f++) {
		if (g->funcs[f].artificial)
			continue;
		graph_solve(&graphs[f], &g->funcs[f], counters[f]);
		out->negative |= graphs[f].negative;
		out->unsolved |= graphs[f].unsolved;
	}
	uint8_t *group = lines_find_groups(g);
	struct events e = {0};
	lines_collect_events(g, group, &e);
	struct cm_file *files = xcalloc(g->nfiles ? g->nfiles : 1, sizeof(*files));
	build_lines(g, graphs, &e, files, out);
	add_functions(g, graphs, files);
	keep_files(g, files, out);
	for (size_t f = 0; f < g->nfuncs; f++)
		if (!g->funcs[f].artificial)
			graph_release(&graphs[f]);
	free(files);
	free(graphs);
	free(group);
	free(e.v);
}

void lines_compute(const struct gcno *g, int64_t *const *counters,
		   struct obj_cov *out)
{
	compute(g, counters, out);
}
