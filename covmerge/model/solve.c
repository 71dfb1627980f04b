/* Flow solving, written from the description in docs/gcov-format.md.
 *
 * The compiler instruments only the arcs off a spanning tree of the flow
 * graph (with a virtual exit->entry arc), so every other count follows
 * from conservation: a block's count equals the sum of its in-arcs and the
 * sum of its out-arcs. We propagate with a work list until nothing more
 * can be inferred. With consistent counters the answer is unique; counters
 * damaged by unsynchronised threads can make it negative, which we clamp
 * and report. */
#include "solve.h"

#include <stdlib.h>
#include <string.h>

#include "alloc.h"

#define UNSOLVED_INF 0x40000000u

static void build_lists(struct graph *gr)
{
	const struct gcno_func *fn = gr->fn;
	uint32_t nb = gr->nblocks, na = gr->narcs;
	gr->succ_off = xcalloc(nb + 1, sizeof(uint32_t));
	gr->pred_off = xcalloc(nb + 1, sizeof(uint32_t));
	gr->succ = xcalloc(na, sizeof(uint32_t));
	gr->pred = xcalloc(na, sizeof(uint32_t));
	for (uint32_t i = 0; i < na; i++) {
		gr->succ_off[fn->arcs[i].src + 1]++;
		gr->pred_off[fn->arcs[i].dst + 1]++;
	}
	for (uint32_t b = 0; b < nb; b++) {
		gr->succ_off[b + 1] += gr->succ_off[b];
		gr->pred_off[b + 1] += gr->pred_off[b];
	}
	uint32_t *sfill = xcalloc(nb, sizeof(uint32_t));
	uint32_t *pfill = xcalloc(nb, sizeof(uint32_t));
	/* stable: file order within each block */
	for (uint32_t i = 0; i < na; i++) {
		uint32_t s = fn->arcs[i].src, d = fn->arcs[i].dst;
		gr->succ[gr->succ_off[s] + sfill[s]++] = i;
		gr->pred[gr->pred_off[d] + pfill[d]++] = i;
	}
	free(sfill);
	free(pfill);
}

static void sort_successors(struct graph *gr)
{
	const struct gcno_arc *arcs = gr->fn->arcs;
	for (uint32_t b = 0; b < gr->nblocks; b++) {
		uint32_t *v = gr->succ + gr->succ_off[b];
		uint32_t n = gr->succ_off[b + 1] - gr->succ_off[b];
		/* insertion sort: stable, and successor lists are short */
		for (uint32_t i = 1; i < n; i++) {
			uint32_t x = v[i], j = i;
			while (j > 0 && arcs[v[j - 1]].dst > arcs[x].dst) {
				v[j] = v[j - 1];
				j--;
			}
			v[j] = x;
		}
	}
}

static void classify(struct graph *gr)
{
	const struct gcno_arc *arcs = gr->fn->arcs;
	for (uint32_t b = 0; b < gr->nblocks; b++) {
		uint32_t non_fake = 0, last_non_fake = 0;
		int call_site = 0;
		for (uint32_t k = gr->succ_off[b]; k < gr->succ_off[b + 1]; k++) {
			uint32_t a = gr->succ[k];
			if (arcs[a].flags & ARC_FAKE) {
				if (b == 0) {
					gr->akind[a] |= GA_NONLOCAL_RETURN;
				} else {
					gr->akind[a] |= GA_CALL_NON_RETURN;
					call_site = 1;
				}
			} else {
				non_fake++;
				last_non_fake = a;
			}
		}
		if (non_fake == 1)
			gr->akind[last_non_fake] |= GA_UNCONDITIONAL;
		if (call_site) {
			gr->bkind[b] |= GB_CALL_SITE;
			for (uint32_t k = gr->succ_off[b]; k < gr->succ_off[b + 1]; k++) {
				uint32_t a = gr->succ[k];
				if (!(arcs[a].flags & (ARC_FAKE | ARC_FALLTHROUGH))) {
					gr->akind[a] |= GA_THROW;
					gr->has_catch = 1;
				}
			}
		}
	}
}

static void mark_exceptional(struct graph *gr)
{
	const struct gcno_arc *arcs = gr->fn->arcs;
	uint32_t *stack = xcalloc(gr->nblocks, sizeof(uint32_t));
	uint32_t top = 0;
	for (uint32_t b = 0; b < gr->nblocks; b++)
		gr->bkind[b] |= GB_EXCEPTIONAL;
	gr->bkind[0] &= (uint8_t)~GB_EXCEPTIONAL;
	stack[top++] = 0;
	while (top) {
		uint32_t b = stack[--top];
		for (uint32_t k = gr->succ_off[b]; k < gr->succ_off[b + 1]; k++) {
			uint32_t a = gr->succ[k];
			if ((arcs[a].flags & ARC_FAKE) || (gr->akind[a] & GA_THROW))
				continue;
			uint32_t d = arcs[a].dst;
			if (gr->bkind[d] & GB_EXCEPTIONAL) {
				gr->bkind[d] &= (uint8_t)~GB_EXCEPTIONAL;
				stack[top++] = d;
			}
		}
	}
	free(stack);
}

struct solver {
	struct graph *gr;
	struct graph_tape *tape;  /* records the derivations, or NULL */
	uint8_t *bknown, *aknown, *queued;
	uint32_t *out_left, *in_left;
	uint32_t *queue;
	size_t qhead, qlen;
};

static void push(struct solver *s, uint32_t b)
{
	if (s->queued[b])
		return;
	s->queued[b] = 1;
	s->queue[(s->qhead + s->qlen++) % s->gr->nblocks] = b;
}

static void record(struct solver *s, uint8_t kind, uint32_t b, uint32_t a)
{
	struct graph_tape *t = s->tape;
	if (t)
		APPEND(t->steps, t->nsteps, t->asteps,
		       ((struct graph_step){b, a, kind}));
}

static void set_arc(struct solver *s, uint32_t a, int64_t v)
{
	const struct gcno_arc *arc = &s->gr->fn->arcs[a];
	s->gr->acount[a] = v;
	s->aknown[a] = 1;
	s->out_left[arc->src]--;
	s->in_left[arc->dst]--;
	push(s, arc->src);
	push(s, arc->dst);
}

/* Infers what block b allows: its own count from a fully known side, then
 * the one unknown arc on either side. */
static void visit(struct solver *s, uint32_t b)
{
	struct graph *gr = s->gr;
	if (!s->bknown[b]) {
		uint64_t sum = 0;
		if (s->out_left[b] == 0) {
			for (uint32_t k = gr->succ_off[b]; k < gr->succ_off[b + 1]; k++)
				sum += (uint64_t)gr->acount[gr->succ[k]];
			record(s, GS_BLOCK_FROM_SUCC, b, 0);
		} else if (s->in_left[b] == 0) {
			for (uint32_t k = gr->pred_off[b]; k < gr->pred_off[b + 1]; k++)
				sum += (uint64_t)gr->acount[gr->pred[k]];
			record(s, GS_BLOCK_FROM_PRED, b, 0);
		} else {
			return;
		}
		gr->bcount[b] = (int64_t)sum;
		s->bknown[b] = 1;
	}
	if (s->out_left[b] == 1) {
		uint64_t sum = 0;
		uint32_t unknown = 0;
		for (uint32_t k = gr->succ_off[b]; k < gr->succ_off[b + 1]; k++) {
			uint32_t a = gr->succ[k];
			if (s->aknown[a])
				sum += (uint64_t)gr->acount[a];
			else
				unknown = a;
		}
		record(s, GS_ARC_FROM_SUCC, b, unknown);
		set_arc(s, unknown, (int64_t)((uint64_t)gr->bcount[b] - sum));
	}
	if (s->in_left[b] == 1) {
		uint64_t sum = 0;
		uint32_t unknown = 0;
		for (uint32_t k = gr->pred_off[b]; k < gr->pred_off[b + 1]; k++) {
			uint32_t a = gr->pred[k];
			if (s->aknown[a])
				sum += (uint64_t)gr->acount[a];
			else
				unknown = a;
		}
		record(s, GS_ARC_FROM_PRED, b, unknown);
		set_arc(s, unknown, (int64_t)((uint64_t)gr->bcount[b] - sum));
	}
}

static void propagate(struct graph *gr, const int64_t *counters,
		      struct graph_tape *tape)
{
	const struct gcno_func *fn = gr->fn;
	uint32_t nb = gr->nblocks;
	struct solver s = {
		.gr = gr,
		.tape = tape,
		.bknown = xcalloc(nb, 1),
		.aknown = xcalloc(gr->narcs, 1),
		.queued = xcalloc(nb, 1),
		.out_left = xcalloc(nb, sizeof(uint32_t)),
		.in_left = xcalloc(nb, sizeof(uint32_t)),
		.queue = xcalloc(nb, sizeof(uint32_t)),
	};
	for (uint32_t b = 0; b < nb; b++) {
		s.out_left[b] = gr->succ_off[b + 1] - gr->succ_off[b];
		s.in_left[b] = gr->pred_off[b + 1] - gr->pred_off[b];
	}
	/* the entry's in-flow and the exit's out-flow are not in the graph */
	s.in_left[0] += UNSOLVED_INF;
	s.out_left[1] += UNSOLVED_INF;

	/* counters belong to the off-tree arcs, block by block in index
	 * order, each block's arcs in file order */
	uint32_t next = 0;
	for (uint32_t b = 0; b < nb; b++) {
		for (uint32_t k = gr->succ_off[b]; k < gr->succ_off[b + 1]; k++) {
			uint32_t a = gr->succ[k];
			if (fn->arcs[a].flags & ARC_ON_TREE)
				continue;
			int64_t v = counters ? counters[next] : 0;
			if (tape)
				APPEND(tape->counter_arc, tape->ncounters,
				       tape->acounters, a);
			next++;
			gr->acount[a] = v;
			s.aknown[a] = 1;
			s.out_left[b]--;
			s.in_left[fn->arcs[a].dst]--;
		}
	}
	for (uint32_t b = 0; b < nb; b++)
		push(&s, b);
	while (s.qlen) {
		uint32_t b = s.queue[s.qhead];
		s.qhead = (s.qhead + 1) % nb;
		s.qlen--;
		s.queued[b] = 0;
		visit(&s, b);
	}
	for (uint32_t b = 0; b < nb; b++) {
		if (!s.bknown[b]) {
			gr->unsolved = 1;
			gr->bcount[b] = 0;
		}
	}
	for (uint32_t a = 0; a < gr->narcs; a++) {
		if (!s.aknown[a]) {
			gr->unsolved = 1;
			gr->acount[a] = 0;
		}
	}
	free(s.bknown);
	free(s.aknown);
	free(s.queued);
	free(s.out_left);
	free(s.in_left);
	free(s.queue);
}

static void solve(struct graph *gr, const struct gcno_func *fn,
		  const int64_t *counters, struct graph_tape *tape)
{
	memset(gr, 0, sizeof(*gr));
	gr->fn = fn;
	gr->nblocks = fn->nblocks;
	gr->narcs = fn->narcs;
	gr->bcount = xcalloc(gr->nblocks, sizeof(int64_t));
	gr->acount = xcalloc(gr->narcs, sizeof(int64_t));
	gr->akind = xcalloc(gr->narcs, 1);
	gr->bkind = xcalloc(gr->nblocks, 1);
	build_lists(gr);
	propagate(gr, counters, tape);
	sort_successors(gr);
	classify(gr);
	if (gr->has_catch)
		mark_exceptional(gr);
	for (uint32_t b = 0; b < gr->nblocks; b++) {
		if (gr->bcount[b] < 0) {
			gr->negative = 1;
			gr->bcount[b] = 0;
		}
	}
	for (uint32_t a = 0; a < gr->narcs; a++) {
		if (gr->acount[a] < 0) {
			/* a fake arc can legitimately come out negative: a
			 * longjmp leaves a block without any counted arc */
			if (!(fn->arcs[a].flags & ARC_FAKE))
				gr->negative = 1;
			gr->acount[a] = 0;
		}
	}
}

void graph_solve(struct graph *gr, const struct gcno_func *fn,
		 const int64_t *counters)
{
	solve(gr, fn, counters, NULL);
}

/* The recorded steps become the tape's program (see solve.h): the sides
 * are looked up once here instead of at every replay. */
static void compile_tape(const struct graph *gr, struct graph_tape *t)
{
	uint32_t nb = gr->nblocks;
	size_t n = 0, alloc = 0;
	uint32_t *prog = NULL;
	for (size_t i = 0; i < t->nsteps; i++) {
		const struct graph_step *st = &t->steps[i];
		uint32_t b = st->block;
		int succ = st->kind == GS_BLOCK_FROM_SUCC || st->kind == GS_ARC_FROM_SUCC;
		int arc = st->kind == GS_ARC_FROM_SUCC || st->kind == GS_ARC_FROM_PRED;
		const uint32_t *off = succ ? gr->succ_off : gr->pred_off;
		const uint32_t *side = succ ? gr->succ : gr->pred;
		APPEND(prog, n, alloc, arc ? nb + st->arc : b);
		APPEND(prog, n, alloc, arc ? b : UINT32_MAX);
		size_t at = n;
		APPEND(prog, n, alloc, 0u);
		for (uint32_t k = off[b]; k < off[b + 1]; k++) {
			if (arc && side[k] == st->arc)
				continue;
			APPEND(prog, n, alloc, nb + side[k]);
			prog[at]++;
		}
	}
	free(t->steps);
	t->steps = NULL;
	t->nsteps = t->asteps = 0;
	t->prog = prog;
	t->nprog = n;
}

void graph_solve_taped(struct graph *gr, const struct gcno_func *fn,
		       const int64_t *counters, struct graph_tape *tape)
{
	memset(tape, 0, sizeof(*tape));
	solve(gr, fn, counters, tape);
	compile_tape(gr, tape);
	tape->complete = !gr->unsolved;
}

void graph_tape_keep(struct graph_tape *t, uint8_t *need)
{
	size_t nsteps = 0, alloc = 0;
	size_t *at = NULL;   /* where each step starts */
	for (size_t i = 0; i < t->nprog; i += 3 + t->prog[i + 2])
		APPEND(at, nsteps, alloc, i);
	uint8_t *keep = xcalloc(nsteps ? nsteps : 1, 1);
	for (size_t k = nsteps; k-- > 0;) {
		const uint32_t *p = t->prog + at[k];
		if (!need[p[0]])
			continue;
		keep[k] = 1;
		if (p[1] != UINT32_MAX)
			need[p[1]] = 1;
		for (uint32_t j = 0; j < p[2]; j++)
			need[p[3 + j]] = 1;
	}
	size_t n = 0;
	for (size_t k = 0; k < nsteps; k++) {
		if (!keep[k])
			continue;
		size_t len = 3 + t->prog[at[k] + 2];
		memmove(t->prog + n, t->prog + at[k], len * sizeof(*t->prog));
		n += len;
	}
	t->nprog = n;
	free(keep);
	free(at);
}

/* a + b into *r as counters added and taken away; 0 when a counter would
 * be added or taken away twice. */
static int form_add(uint64_t ap, uint64_t am, uint64_t bp, uint64_t bm,
		    uint64_t *rp, uint64_t *rm)
{
	if ((ap & bp) || (am & bm))
		return 0;
	*rp = (ap & ~bm) | (bp & ~am);
	*rm = (am & ~bp) | (bm & ~ap);
	return 1;
}

int graph_tape_forms(const struct graph_tape *t, uint32_t nblocks,
		     uint32_t narcs, const uint32_t *want, size_t nwant,
		     uint64_t *plus, uint64_t *minus)
{
	size_t nc = t->ncounters;
	if (nc > 64)
		return 0;
	/* each count as its counters added and taken away, derived as the
	 * tape derives the count; a count that is not derived is 0 */
	size_t n = (size_t)nblocks + narcs;
	uint64_t *p = xcalloc(n ? 2 * n : 1, sizeof(*p)), *m = p + n;
	for (size_t i = 0; i < nc; i++)
		p[nblocks + t->counter_arc[i]] = (uint64_t)1 << i;
	int ok = 1;
	const uint32_t *s = t->prog, *end = t->prog + t->nprog;
	while (s < end && ok) {
		uint32_t target = s[0], base = s[1], k = s[2];
		uint64_t sp = 0, sm = 0;
		for (uint32_t j = 0; j < k && ok; j++)
			ok = form_add(sp, sm, p[s[3 + j]], m[s[3 + j]], &sp, &sm);
		if (base == UINT32_MAX) {
			p[target] = sp;
			m[target] = sm;
		} else if (ok) {   /* the base minus the sum */
			ok = form_add(p[base], m[base], sm, sp, &p[target], &m[target]);
		}
		s += 3 + k;
	}
	for (size_t k = 0; k < nwant && ok; k++) {
		plus[k] = p[want[k]];
		minus[k] = m[want[k]];
	}
	free(p);
	return ok;
}

void graph_tape_run(const struct graph_tape *t, uint32_t nblocks,
		    uint32_t narcs, const int64_t *counters, int64_t *count)
{
	if (!t->complete)
		memset(count, 0, ((size_t)nblocks + narcs) * sizeof(*count));
	int64_t *acount = count + nblocks;
	for (uint32_t i = 0; i < t->ncounters; i++)
		acount[t->counter_arc[i]] = counters[i];
	const uint32_t *p = t->prog, *end = t->prog + t->nprog;
	while (p < end) {
		uint32_t target = p[0], base = p[1], n = p[2];
		p += 3;
		uint64_t sum = 0;
		for (uint32_t k = 0; k < n; k++)
			sum += (uint64_t)count[p[k]];
		p += n;
		count[target] = base == UINT32_MAX ? (int64_t)sum
			: (int64_t)((uint64_t)count[base] - sum);
	}
}

void graph_tape_release(struct graph_tape *t)
{
	free(t->steps);
	free(t->counter_arc);
	free(t->prog);
	memset(t, 0, sizeof(*t));
}

void graph_release(struct graph *gr)
{
	free(gr->bcount);
	free(gr->acount);
	free(gr->akind);
	free(gr->bkind);
	free(gr->succ_off);
	free(gr->succ);
	free(gr->pred_off);
	free(gr->pred);
	memset(gr, 0, sizeof(*gr));
}
