/* The presence plan of one object: which lines and branch arcs a set of
 * counters ran, without counting them (per-test contexts, runner
 * --cov-context=test).
 *
 * Built once per object from its notes by gcov's rules (lines.c's events
 * over every function of the object): each line and each branch arc of a
 * line is a slot; a slot ran when one of the blocks that make up the
 * line's count ran (the blocks attached to the line, or the blocks on it
 * when none is attached, by the rules of a group function's own table),
 * or, for a branch, when its arc was taken. Each count a slot reads is
 * kept as counters added and counters taken away (the function's flow
 * solve, replayed on symbols), so a test's counters cost, per function it
 * ran, a test of which are not 0 and a few sums (a function of more than
 * 64 counters replays its solve instead), and the slots come out numbered
 * as the reports number lines and branches, whichever functions ran. */
#ifndef CM_LINES_PLAN_H
#define CM_LINES_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "gcno.h"
#include "solve.h"

struct lines_slot {
	uint32_t file;     /* index into the notes' files */
	uint32_t line;
	uint32_t branch;   /* 0: the line; b + 1: its branch arc b */
};

struct lines_probe {
	uint32_t count, slot;
};

struct lines_plan {
	uint32_t nslots;
	struct lines_slot *slots;  /* sorted by (file, line, branch) */
	/* per notes function: where its blocks and arcs start when the
	 * object's are numbered in a row (artificial functions have none) */
	uint32_t *func_block, *func_arc;
	/* function f's probes are probes[probe_off[f] .. probe_off[f + 1]):
	 * each a count of its solve (graph_tape_run's: a block, or nblocks +
	 * an arc) and a slot that ran when that count is above 0; blocks and
	 * arcs that make no slot have none */
	uint32_t *probe_off;
	struct lines_probe *probes;
	struct graph_tape *tapes;  /* per notes function: its solve */
	/* per notes function: 1 when each of its probes' counts is a sum of
	 * counters minus a sum of counters (graph_tape_forms; all of them,
	 * in the code we have seen): its probes' probe_plus and probe_minus
	 * say which, and it needs no solve (its tape is released) */
	uint8_t *formed;
	uint64_t *probe_plus, *probe_minus;
	/* per notes function, when formed: where its probes that take
	 * counters away start (those that only add come first) */
	uint32_t *probe_mixed;
	size_t nfuncs;
};

/* Room for one function's block and arc counts (the caller's, reused). */
struct lines_scratch {
	int64_t *count;           /* the blocks', then the arcs' */
	size_t alloc;
};

void lines_plan_build(const struct gcno *g, struct lines_plan *p);
void lines_plan_release(struct lines_plan *p);

/* Appends to *out (n used, *alloc allocated) the slots that function f of
 * g ran with counters (fn->ncounters values; a slot may come twice): a
 * block or arc ran when its solved count is above 0. */
void lines_plan_ran(const struct lines_plan *p, const struct gcno *g,
		    uint32_t f, const int64_t *counters,
		    struct lines_scratch *scr, uint32_t **out, size_t *n,
		    size_t *alloc);
void lines_scratch_release(struct lines_scratch *scr);

#endif
