/* What the user sees: the header, a live status line on a terminal (or
 * one line per result), failures with their output, the slowest tests,
 * and the closing count line. Everything goes to stdout, written whole
 * per result so parallel output never interleaves. */
#ifndef RUNNER_OUTPUT_H
#define RUNNER_OUTPUT_H

#include <stddef.h>

#include "results.h"

struct reporter {
	int tty;              /* live status line instead of result lines */
	int verbose;
	int quiet;
	int nworkers;
	size_t total;         /* tests planned */
	size_t done, passed, failed, skipped;
	size_t running;
	double last_draw;
	int line_drawn;
	char still[512];      /* "still running: TEST (N s)" for the status
				 line, or "" */
	size_t errors;        /* infrastructure failures (exit 3) */
	size_t deselected;    /* --affected-by: said in the last line */
};

void reporter_init(struct reporter *rp, int verbose, int quiet, int nworkers,
		   size_t total);
/* One finished result. */
void reporter_result(struct reporter *rp, const struct result *r);
/* Redraws the status line (at most 5 times a second unless force). */
void reporter_progress(struct reporter *rp, int force);
/* Clears the status line before other output. */
void reporter_clear(struct reporter *rp);
void reporter_failures(struct reporter *rp, const struct result_list *rl);
void reporter_durations(const struct result_list *rl, size_t n);
/* The last line: "runner: N passed, N failed, N skipped", and ", N error(s)"
 * when the run had infrastructure failures (errors). */
void reporter_summary(const struct reporter *rp, double seconds, int interrupted);
/* "[gw2]" for worker 2 */
void worker_name(int w, char *buf, size_t n);

#endif
