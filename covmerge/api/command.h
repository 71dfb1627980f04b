/* The covmerge command once its options are parsed: merge, filter, write
 * the requested reports, check the gate. */
#ifndef CM_COMMAND_H
#define CM_COMMAND_H

#include <stddef.h>

#include "covmerge.h"

enum cm_report_kind {
	CM_REPORT_TERM,
	CM_REPORT_TERM_MISSING,
	CM_REPORT_LCOV,
	CM_REPORT_LCOV_EXT,       /* lcov with destinations and end lines */
	CM_REPORT_XML,
	CM_REPORT_JSON,
	CM_REPORT_MARKDOWN,
	CM_REPORT_HTML,           /* a directory */
};

struct cm_report_req {
	enum cm_report_kind kind;
	const char *path;         /* file reports; "-" = stdout */
	int skip_covered;         /* term kinds */
};

struct cm_command {
	struct cm_options merge;
	struct cm_filter filter;
	struct cm_format format;  /* root is filled in by the command */
	struct cm_gate gate;
	struct cm_report_req *reports;
	size_t nreports;
	int quiet;
	/* No --root given: the project's source tree (CMAKE_HOME_DIRECTORY
	 * of the notes files' build tree), else the deepest directory that
	 * holds every source outside the system directories. */
	int auto_root;
	/* Diff coverage: the changed lines of `git diff $(git merge-base
	 * diff_rev HEAD)` or of the patch diff_file ("-": stdin); at most one
	 * is set. fail_under_diff < 0 when not asked for. */
	const char *diff_rev;
	const char *diff_file;
	double fail_under_diff;
	double fail_under_file;   /* < 0 when not asked for */
	const char *baseline;     /* check against it (NULL: no) */
	double baseline_tolerance;
	const char *write_baseline;
	/* Source-based coverage: the binaries that LLVM profiles among the
	 * inputs are read with (--binary: each must hold a coverage mapping),
	 * and the programs a run ran (counted when they hold one). */
	const char *const *binaries;
	size_t nbinaries;
	const char *const *ran_binaries;
	size_t nran_binaries;
	/* --context: report only what the matching tests ran (globs) */
	const char *const *contexts;
	size_t ncontexts;
};

/* Parses one --report value ("term", "term-missing:skip-covered",
 * "xml:FILE", ...) into q. Returns 0, or -1 when it is not one. */
int cm_parse_report(const char *arg, struct cm_report_req *q);

/* The first of paths[0..n) that names the same file as an earlier one
 * (the same absolute path once normalised, or the same existing file), or
 * NULL. NULL entries and "-" (stdout) are skipped. Two reports into one
 * file would leave only the last: a usage error. */
const char *cm_output_clash(const char *const *paths, size_t n);

/* The first of paths[0..n) but paths[skip] that lies inside the directory
 * dir (by absolute, normalised path), or NULL: an output inside an HTML
 * report's directory would go when the directory is replaced. */
const char *cm_output_in_dir(const char *dir, const char *const *paths,
			     size_t n, size_t skip);

/* Whether a report of cmd shows contexts, so that its context stores are
 * read (JSON, HTML, --context, --export); others leave them unparsed. */
int cm_command_wants_contexts(const struct cm_command *cmd);

/* Runs the command; messages go to stderr prefixed "covmerge: ". */
enum cm_exit covmerge_command(struct cm_command *cmd);
/* The emit callback that prints to stderr. */
void covmerge_print_message(void *ctx, enum cm_severity sev, const char *msg);
/* How many error messages covmerge_print_message has printed so far. */
size_t covmerge_printed_errors(void);

#endif
