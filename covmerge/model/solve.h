/* Reconstructing every block and arc count of one function from its summed
 * arc counters (flow conservation over the compiler's spanning tree), and
 * classifying arcs the way gcov reports them. */
#ifndef CM_SOLVE_H
#define CM_SOLVE_H

#include <stdint.h>

#include "gcno.h"

enum graph_arc_kind {
	GA_UNCONDITIONAL = 1,   /* the block's only non-fake successor */
	GA_CALL_NON_RETURN = 2, /* fake arc to exit: a call that may not return */
	GA_NONLOCAL_RETURN = 4, /* fake arc from entry */
	GA_THROW = 8,
};

enum graph_block_kind {
	GB_EXCEPTIONAL = 1,     /* reachable only through an exception arc */
	GB_CALL_SITE = 2,
};

struct graph {
	const struct gcno_func *fn;
	uint32_t nblocks, narcs;
	int64_t *bcount;        /* per block */
	int64_t *acount;        /* per arc (index into fn->arcs) */
	uint8_t *akind;         /* per arc: enum graph_arc_kind bits */
	uint8_t *bkind;         /* per block: enum graph_block_kind bits */
	/* successors of block b: succ[succ_off[b] .. succ_off[b+1]), arc
	 * indices sorted by destination (stable): gcov's branch order */
	uint32_t *succ_off, *succ;
	uint32_t *pred_off, *pred;
	int has_catch;
	int negative;           /* a derived count was negative (clamped to 0) */
	int unsolved;           /* some count could not be derived (set to 0) */
};

/* Builds and solves the graph of fn. counters holds fn->ncounters values
 * (the sums over every data file), or NULL for a function that never ran.
 * Never fails on inconsistent data: see negative and unsolved. */
void graph_solve(struct graph *gr, const struct gcno_func *fn,
		 const int64_t *counters);
void graph_release(struct graph *gr);

/* How the solve of a function derives each count, in order: the order
 * depends only on the graph, never on the counters, so the tape replays
 * any counters' solve exactly (the same sums and differences) without the
 * work list or an allocation (per-test contexts solve each test's
 * deltas). */
enum graph_step_kind {
	GS_BLOCK_FROM_SUCC, GS_BLOCK_FROM_PRED, /* a block: the sum of a side */
	GS_ARC_FROM_SUCC, GS_ARC_FROM_PRED,     /* an arc: its block's count
						   minus the other arcs of a side */
};

struct graph_step {
	uint32_t block, arc;
	uint8_t kind;
};

struct graph_tape {
	struct graph_step *steps;  /* while recording; freed after */
	size_t nsteps, asteps;
	uint32_t *counter_arc;    /* per counter: its arc */
	size_t ncounters, acounters;
	/* the steps as a program over one array of counts (the blocks, then
	 * the arcs): per step its target, its base (UINT32_MAX: none; else
	 * the block whose count the sum is taken from), n, then the n counts
	 * summed */
	uint32_t *prog;
	size_t nprog;
	int complete;             /* every count is derived (none left 0) */
};

/* graph_solve, recording the tape. */
void graph_solve_taped(struct graph *gr, const struct gcno_func *fn,
		       const int64_t *counters, struct graph_tape *tape);
/* The counts counters give (fn->ncounters values), as graph_solve's
 * before clamping: a count it cannot derive is 0, a negative one stays
 * negative. count holds fn's nblocks block counts, then its narcs arc
 * counts. */
void graph_tape_run(const struct graph_tape *t, uint32_t nblocks,
		    uint32_t narcs, const int64_t *counters, int64_t *count);
/* Drops the steps of t whose counts are needed neither by need[] (per
 * count, as graph_tape_run's: the blocks, then the arcs) nor by a step
 * kept; need[] is extended by the counts the kept steps use. A replay
 * then derives the needed counts alone: the others are left in count as
 * they were, unless the tape is not complete (count is cleared first). */
void graph_tape_keep(struct graph_tape *t, uint8_t *need);
/* Each count want[k] (as graph_tape_run's) that t derives, as a sum of
 * counters minus a sum of counters: plus[k] and minus[k] (bit i: counter
 * i). Returns 0 (forms undefined) for a function of more than 64
 * counters, or when a count the tape derives on the way adds or takes
 * away some counter twice. */
int graph_tape_forms(const struct graph_tape *t, uint32_t nblocks,
		     uint32_t narcs, const uint32_t *want, size_t nwant,
		     uint64_t *plus, uint64_t *minus);
void graph_tape_release(struct graph_tape *t);

#endif
