/* The line events of gcov's rules (pass 1 of lines.c), shared by the
 * line counts (lines.c) and the presence plan of per-test contexts
 * (lines_plan.c), so both read a line's blocks and branches alike. */
#ifndef CM_LINES_EVENTS_H
#define CM_LINES_EVENTS_H

#include <stdint.h>

#include "gcno.h"
#include "solve.h"

enum { EV_LINE, EV_BLOCK };

/* A block on a line: EV_LINE for each line the block is on, EV_BLOCK for
 * the highest line of each of its location lists (the block and its
 * successor arcs are attached to that line). */
struct event {
	uint32_t file, line, func, seq;
	uint32_t block;
	uint8_t kind;
	uint8_t own;     /* in the function's own table (a group function) */
};

/* The line events of one object, sorted by (file, line, function, seq). */
struct events {
	struct event *v;
	size_t n, alloc;
};

/* Per notes function: 1 when it shares its source and start line with
 * another function of the notes (artificial ones take no part). */
uint8_t *lines_find_groups(const struct gcno *g);

/* Lists the events of every block of g's functions, sorted (they depend
 * on the notes alone). */
void lines_collect_events(const struct gcno *g, const uint8_t *group,
			  struct events *e);

/* Whether arc a leaving its block is one of the line's branches (gcov
 * lists neither a call's exit that does not return nor the only arc of
 * a block). */
static inline int lines_branch_arc(const struct graph *gr, uint32_t a)
{
	return !(gr->akind[a] & (GA_CALL_NON_RETURN | GA_UNCONDITIONAL));
}

#endif
