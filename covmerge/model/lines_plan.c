/* The presence plan of one object (see lines_plan.h). */
#include "lines_plan.h"

#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "lines_events.h"
#include "solve.h"

/* (a block's or an arc's number across the object, a slot) */
struct link {
	uint32_t key, slot;
};

struct links {
	struct link *v;
	size_t n, alloc;
};

static void link_add(struct links *l, uint32_t key, uint32_t slot)
{
	APPEND(l->v, l->n, l->alloc, ((struct link){key, slot}));
}

static uint32_t slot_add(struct lines_plan *p, size_t *alloc, uint32_t file,
			 uint32_t line, uint32_t branch)
{
	APPEND(p->slots, p->nslots, *alloc, ((struct lines_slot){file, line, branch}));
	return p->nslots - 1;
}

/* links -> off[0 .. nkeys] and slot[] (a counting sort by key) */
static void to_csr(const struct links *l, uint32_t nkeys, uint32_t **off,
		   uint32_t **slot)
{
	*off = xcalloc((size_t)nkeys + 1, sizeof(uint32_t));
	*slot = xcalloc(l->n ? l->n : 1, sizeof(uint32_t));
	for (size_t i = 0; i < l->n; i++)
		(*off)[l->v[i].key + 1]++;
	for (uint32_t k = 0; k < nkeys; k++)
		(*off)[k + 1] += (*off)[k];
	uint32_t *fill = xcalloc((size_t)nkeys + 1, sizeof(uint32_t));
	memcpy(fill, *off, ((size_t)nkeys + 1) * sizeof(uint32_t));
	for (size_t i = 0; i < l->n; i++)
		(*slot)[fill[l->v[i].key]++] = l->v[i].slot;
	free(fill);
}

/* The slots of the line whose events are ev[0 .. n): the line's count is
 * made of (lines.c, line_count) the blocks attached to it by each
 * function that attaches any; of the blocks on it of a function that
 * attaches none, when the line is in that function's own table; of the
 * blocks on it of the shared table's functions, when none of those
 * attaches a block. Its branches are the branch arcs of its attached
 * blocks, in event order. */
static void plan_line(struct lines_plan *p, size_t *aslots,
		      const struct graph *graphs, const struct event *ev, size_t n, struct links *blocks,
		      struct links *arcs)
{
	uint32_t line = slot_add(p, aslots, ev[0].file, ev[0].line, 0);
	int shared_blocks = 0;
	for (size_t k = 0; k < n; k++)
		if (!ev[k].own && ev[k].kind == EV_BLOCK)
			shared_blocks = 1;
	for (size_t k = 0; k < n;) {
		size_t end = k;
		int attaches = 0;
		for (; end < n && ev[end].func == ev[k].func; end++)
			attaches |= ev[end].kind == EV_BLOCK;
		uint32_t base = p->func_block[ev[k].func];
		for (size_t i = k; i < end; i++) {
			if (attaches ? ev[i].kind == EV_BLOCK : ev[k].own || !shared_blocks)
				link_add(blocks, base + ev[i].block, line);
		}
		k = end;
	}
	uint32_t nbranches = 0;
	for (size_t k = 0; k < n; k++) {
		if (ev[k].kind != EV_BLOCK)
			continue;
		const struct graph *gr = &graphs[ev[k].func];
		uint32_t b = ev[k].block;
		for (uint32_t s = gr->succ_off[b]; s < gr->succ_off[b + 1]; s++) {
			uint32_t a = gr->succ[s];
			if (!lines_branch_arc(gr, a))
				continue;
			uint32_t slot = slot_add(p, aslots, ev[k].file, ev[k].line,
						 ++nbranches);
			link_add(arcs, p->func_arc[ev[k].func] + a, slot);
		}
	}
}

/* Puts the probes from..to that take no counter away first (the order of
 * a function's probes is free); returns where the others start. */
static uint32_t partition_probes(struct lines_plan *p, uint32_t from,
				 uint32_t to)
{
	uint32_t mid = from;
	for (uint32_t i = from; i < to; i++) {
		if (p->probe_minus[i])
			continue;
		struct lines_probe pr = p->probes[i];
		uint64_t plus = p->probe_plus[i], minus = p->probe_minus[i];
		p->probes[i] = p->probes[mid];
		p->probe_plus[i] = p->probe_plus[mid];
		p->probe_minus[i] = p->probe_minus[mid];
		p->probes[mid] = pr;
		p->probe_plus[mid] = plus;
		p->probe_minus[mid] = minus;
		mid++;
	}
	return mid;
}

void lines_plan_build(const struct gcno *g, struct lines_plan *p)
{
	memset(p, 0, sizeof(*p));
	size_t nf = g->nfuncs;
	p->func_block = xcalloc(nf ? nf : 1, sizeof(uint32_t));
	p->func_arc = xcalloc(nf ? nf : 1, sizeof(uint32_t));
	uint32_t nblocks = 0, narcs = 0;
	for (size_t f = 0; f < nf; f++) {
		p->func_block[f] = nblocks;
		p->func_arc[f] = narcs;
		if (!g->funcs[f].artificial) {
			nblocks += g->funcs[f].nblocks;
			narcs += g->funcs[f].narcs;
		}
	}
	/* each function's solve, recorded (its branch arcs come from the
	 * graph), and the events of the notes */
	struct graph *graphs = xcalloc(nf ? nf : 1, sizeof(*graphs));
	p->tapes = xcalloc(nf ? nf : 1, sizeof(*p->tapes));
	p->nfuncs = nf;
	for (size_t f = 0; f < nf; f++)
		if (!g->funcs[f].artificial)
			graph_solve_taped(&graphs[f], &g->funcs[f], NULL, &p->tapes[f]);
	uint8_t *group = lines_find_groups(g);
	struct events e = {0};
	lines_collect_events(g, group, &e);
	struct links blocks = {0}, arcs = {0};
	size_t aslots = 0;
	for (size_t i = 0; i < e.n;) {
		size_t j = i;
		while (j < e.n && e.v[j].file == e.v[i].file && e.v[j].line == e.v[i].line)
			j++;
		plan_line(p, &aslots, graphs, e.v + i, j - i, &blocks, &arcs);
		i = j;
	}
	uint32_t *block_off, *block_slot, *arc_off, *arc_slot;
	to_csr(&blocks, nblocks, &block_off, &block_slot);
	to_csr(&arcs, narcs, &arc_off, &arc_slot);
	free(blocks.v);
	free(arcs.v);
	/* per function, in the order of its counts */
	p->probe_off = xcalloc(nf + 1, sizeof(uint32_t));
	p->probes = xcalloc(blocks.n + arcs.n ? blocks.n + arcs.n : 1,
			    sizeof(*p->probes));
	uint32_t np = 0;
	for (size_t f = 0; f < nf; f++) {
		p->probe_off[f] = np;
		const struct gcno_func *fn = &g->funcs[f];
		if (fn->artificial)
			continue;
		for (uint32_t b = 0; b < fn->nblocks; b++) {
			uint32_t k = p->func_block[f] + b;
			for (uint32_t i = block_off[k]; i < block_off[k + 1]; i++)
				p->probes[np++] = (struct lines_probe){b, block_slot[i]};
		}
		for (uint32_t a = 0; a < fn->narcs; a++) {
			uint32_t k = p->func_arc[f] + a;
			for (uint32_t i = arc_off[k]; i < arc_off[k + 1]; i++)
				p->probes[np++] = (struct lines_probe){fn->nblocks + a,
								       arc_slot[i]};
		}
	}
	p->probe_off[nf] = np;
	/* each replay derives only the counts its probes read; most
	 * functions need none: their probes' counts are sums and
	 * differences of counters */
	p->formed = xcalloc(nf ? nf : 1, 1);
	p->probe_plus = xcalloc(np ? np : 1, sizeof(*p->probe_plus));
	p->probe_minus = xcalloc(np ? np : 1, sizeof(*p->probe_minus));
	p->probe_mixed = xcalloc(nf ? nf : 1, sizeof(*p->probe_mixed));
	uint32_t *want = NULL;
	size_t awant = 0;
	for (size_t f = 0; f < nf; f++) {
		const struct gcno_func *fn = &g->funcs[f];
		if (fn->artificial)
			continue;
		uint32_t from = p->probe_off[f], to = p->probe_off[f + 1];
		uint8_t *need = xcalloc((size_t)fn->nblocks + fn->narcs + 1, 1);
		for (uint32_t i = from; i < to; i++)
			need[p->probes[i].count] = 1;
		graph_tape_keep(&p->tapes[f], need);
		free(need);
		GROW(want, awant, (size_t)(to - from) + 1);
		for (uint32_t i = from; i < to; i++)
			want[i - from] = p->probes[i].count;
		if (p->tapes[f].ncounters == fn->ncounters &&
		    graph_tape_forms(&p->tapes[f], fn->nblocks, fn->narcs, want,
				     to - from, p->probe_plus + from,
				     p->probe_minus + from)) {
			p->formed[f] = 1;
			graph_tape_release(&p->tapes[f]);
			p->probe_mixed[f] = partition_probes(p, from, to);
		}
	}
	free(want);
	free(block_off);
	free(block_slot);
	free(arc_off);
	free(arc_slot);
	for (size_t f = 0; f < nf; f++)
		if (!g->funcs[f].artificial)
			graph_release(&graphs[f]);
	free(graphs);
	free(group);
	free(e.v);
}

void lines_plan_release(struct lines_plan *p)
{
	for (size_t f = 0; p->tapes && f < p->nfuncs; f++)
		graph_tape_release(&p->tapes[f]);
	free(p->tapes);
	free(p->slots);
	free(p->func_block);
	free(p->func_arc);
	free(p->probe_off);
	free(p->probes);
	free(p->formed);
	free(p->probe_plus);
	free(p->probe_minus);
	free(p->probe_mixed);
	memset(p, 0, sizeof(*p));
}

/* The sum of the counters whose bits are set (modulo 2^64). */
static uint64_t bits_sum(const int64_t *counters, uint64_t bits)
{
	uint64_t sum = 0;
	for (; bits; bits &= bits - 1)
		sum += (uint64_t)counters[__builtin_ctzll(bits)];
	return sum;
}

void lines_plan_ran(const struct lines_plan *p, const struct gcno *g,
		    uint32_t f, const int64_t *counters,
		    struct lines_scratch *scr, uint32_t **out, size_t *n,
		    size_t *alloc)
{
	const struct gcno_func *fn = &g->funcs[f];
	if (fn->artificial)
		return;
	uint32_t from = p->probe_off[f], to = p->probe_off[f + 1];
	GROW(*out, *alloc, *n + (to - from) + 1);
	uint32_t *o = *out;
	size_t k = *n;
	if (p->formed[f]) {
		/* which counters are not 0, and whether all are small enough
		 * that no sum of them wraps */
		uint64_t nz = 0;
		int small = 1;
		for (uint32_t i = 0; i < fn->ncounters; i++) {
			nz |= (uint64_t)(counters[i] != 0) << i;
			small &= counters[i] >= 0 && counters[i] < (int64_t)1 << 56;
		}
		uint32_t mid = p->probe_mixed[f];
		if (small) {
			for (uint32_t i = from; i < mid; i++) {
				o[k] = p->probes[i].slot;
				k += (nz & p->probe_plus[i]) != 0;
			}
			for (uint32_t i = mid; i < to; i++) {
				uint64_t plus = nz & p->probe_plus[i];
				uint64_t minus = nz & p->probe_minus[i];
				o[k] = p->probes[i].slot;
				k += plus && (!minus || bits_sum(counters, plus) >
						      bits_sum(counters, minus));
			}
		} else {   /* as the tape's sums, modulo 2^64 */
			for (uint32_t i = from; i < to; i++) {
				o[k] = p->probes[i].slot;
				k += (int64_t)(bits_sum(counters, p->probe_plus[i]) -
					       bits_sum(counters, p->probe_minus[i])) > 0;
			}
		}
		*n = k;
		return;
	}
	GROW(scr->count, scr->alloc, (size_t)fn->nblocks + fn->narcs + 1);
	graph_tape_run(&p->tapes[f], fn->nblocks, fn->narcs, counters,
		       scr->count);
	for (uint32_t i = from; i < to; i++) {
		o[k] = p->probes[i].slot;
		k += scr->count[p->probes[i].count] > 0;
	}
	*n = k;
}

void lines_scratch_release(struct lines_scratch *scr)
{
	free(scr->count);
	memset(scr, 0, sizeof(*scr));
}
