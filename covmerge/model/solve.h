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

#endif
