/* covmerge: the coverage engine's public API.
 *
 * The engine reads gcov data (.gcno notes, .gcda counters from any number of
 * shard directories) natively, sums the counters per object, reconstructs
 * block and arc counts and computes line, branch and function coverage by
 * gcov 12's rules, then merges the result per source file and line across
 * objects. The merged model (struct cm_report) is what every report writer
 * reads. Used by the covmerge command and by runner --cov.
 *
 * Errors and warnings are handed to the caller's cm_emit_fn as text without
 * a program-name prefix; the library never prints and never exits. */
#ifndef COVMERGE_H
#define COVMERGE_H

#include <stddef.h>
#include <stdint.h>

#define CM_VERSION "0.1.0"

enum cm_severity {
	CM_WARNING,
	CM_ERROR,
};

/* Receives one message (lower case, no trailing newline; a hint may follow
 * on a second line). Called from the thread that called cm_merge only. */
typedef void cm_emit_fn(void *ctx, enum cm_severity sev, const char *msg);

enum cm_branch_flags {
	CM_BRANCH_FALLTHROUGH = 1,
	CM_BRANCH_THROW = 2,
};

/* One branch arc of a line, numbered by its position on the line. */
struct cm_branch {
	int64_t count;        /* times the arc was taken */
	int src_executed;     /* its source block ran (lcov prints "-" if not) */
	unsigned flags;       /* enum cm_branch_flags */
	/* The first line of the destination block in the same source file;
	 * 0 when the arc leaves the function (or the file). */
	unsigned dst_line;
};

/* One executable line. */
struct cm_line {
	unsigned lineno;
	int64_t count;
	int unexecuted_block; /* gcov's '*': some block on the line never ran */
	size_t nbranches;
	struct cm_branch *branches;
};

struct cm_function {
	char *name;
	unsigned start_line;
	unsigned end_line;
	int64_t count;        /* calls: the entry block's count */
};

/* One source file of the merged report. Lines sorted by number, functions
 * by start line then name. */
struct cm_file {
	char *path;           /* absolute and normalised */
	size_t nlines;
	struct cm_line *lines;
	size_t nfunctions;
	struct cm_function *functions;
};

/* The merged model; files sorted by path. Freed with cm_report_free. */
struct cm_report {
	size_t nfiles;
	struct cm_file *files;
	size_t nobjects;      /* notes files that took part */
	size_t nobjects_unrun; /* of those, how many had no data in any shard */
	size_t ndata;         /* data files read */
	uint64_t runs;        /* program runs, summed over data files */
};

struct cm_totals {
	size_t lines, lines_hit;
	size_t branches, branches_hit;
	size_t functions, functions_hit;
};

struct cm_options {
	/* Shard roots: directories searched recursively for .gcda files
	 * (written with GCOV_PREFIX=<root>, or plain build trees). */
	const char *const *inputs;
	size_t ninputs;
	/* Directories searched recursively for .gcno files; objects found
	 * here with no data are reported as never run. */
	const char *const *object_dirs;
	size_t nobject_dirs;
	int jobs;             /* worker threads; <= 0 means one per core */
	int ignore_stale;     /* stale/broken data: warn and leave it out */
	cm_emit_fn *emit;
	void *emit_ctx;
};

/* Reads and merges everything the options name. On success returns 0 and
 * stores a new report in *out. Returns -1 when any error was emitted (no
 * report is made then). */
int cm_merge(const struct cm_options *opts, struct cm_report **out);

void cm_report_free(struct cm_report *r);

void cm_file_totals(const struct cm_file *f, struct cm_totals *t);
void cm_report_totals(const struct cm_report *r, struct cm_totals *t);

/* Writes r as an lcov tracefile to path ("-" = stdout), through a temporary
 * file renamed into place. Returns 0, or -1 with a message emitted. */
int cm_write_lcov(const struct cm_report *r, const char *path,
		  cm_emit_fn *emit, void *emit_ctx);

#endif
