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

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "covtools_version.h"  /* generated from CMakeLists.txt */

#define CM_VERSION COVTOOLS_VERSION

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
	 * 0 when the arc leaves the function (or the file); CM_DST_UNKNOWN
	 * when the input did not say (an lcov tracefile from another tool). */
	unsigned dst_line;
};

#define CM_DST_UNKNOWN 0xffffffffu

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
	size_t nobjects_unread; /* notes files left out: they could not be read */
	size_t ntracefiles;   /* lcov tracefiles read */
	size_t ndata;         /* data files read */
	uint64_t runs;        /* program runs, summed over data files */
	/* The source tree (CMAKE_HOME_DIRECTORY) of the CMake build tree
	 * that holds the notes files, or NULL. */
	char *project_root;
	/* Set by cm_report_filter: measured files with executable lines
	 * that the filter left out, the first of them (by path) and why
	 * (enum cm_left_out bits over all of them). */
	size_t nleft_out;
	char *left_out_first;
	unsigned left_out_by;
	/* Set by cm_merge with only_object_dirs: the objects whose data was
	 * not measured, lying outside the object directories, and the first
	 * of them (by path, as the data file's object path). */
	size_t nobjects_outside;
	char *outside_first;
	/* Which tests ran each line (runner --cov-context=test), or NULL
	 * when no input recorded contexts (see docs/contexts.md). */
	struct cm_contexts *contexts;
};

enum cm_left_out {
	CM_LEFT_OUT_ROOT = 1,     /* outside the root */
	CM_LEFT_OUT_INCLUDE = 2,  /* no --include matched */
	CM_LEFT_OUT_OMIT = 4,     /* an --omit matched */
	CM_LEFT_OUT_MARKERS = 8,  /* exclusion markers took every line */
};

struct cm_options {
	/* Shard roots: directories searched recursively for .gcda files
	 * (written with GCOV_PREFIX=<root>, or plain build trees; a runner
	 * coverage directory's manifest.json is checked), single .gcda
	 * files, lcov tracefiles (.info, .info.gz) and portable shards. */
	const char *const *inputs;
	size_t ninputs;
	/* Directories searched recursively for .gcno files; objects found
	 * here with no data are reported as never run. */
	const char *const *object_dirs;
	size_t nobject_dirs;
	/* Measure only the objects under object_dirs: data of other objects
	 * (a test's own helper programs, say) is left out, as pytest-cov's
	 * --cov=SRC measures only SRC; the report counts them
	 * (nobjects_outside) and the job says so in one note line. */
	int only_object_dirs;
	int jobs;             /* worker threads; <= 0 means one per core */
	int ignore_stale;     /* stale/broken data: warn and leave it out */
	/* A runner manifest names a shard whose data is missing or empty:
	 * a warning instead of an error. */
	int allow_missing;
	/* The project root (NULL = cwd): portable shards store paths
	 * relative to it and are re-rooted at it when read. */
	const char *root;
	/* OLD=NEW prefixes rewritten in source paths, first match wins. */
	const char *const *path_maps;
	size_t npath_maps;
	/* Also write everything as one portable shard (see portable.h). */
	const char *export_path;
	/* Context stores (a runner coverage directory's contexts.cmctx, or
	 * one given as an input) are left unparsed: no report asks for them
	 * (parsing a large store costs more than the rest of a small merge).
	 * Portable shards' contexts are still read. */
	int skip_contexts;
	cm_emit_fn *emit;
	void *emit_ctx;
	/* When *stop becomes non-zero (a signal handler's flag), the merge
	 * takes no further object and fails without a message. NULL: never. */
	const volatile sig_atomic_t *stop;
};

/* Reads and merges everything the options name. On success returns 0 and
 * stores a new report in *out. Returns -1 when any error was emitted (no
 * report is made then). */
int cm_merge(const struct cm_options *opts, struct cm_report **out);

void cm_report_free(struct cm_report *r);


/* Report filters: which files a report shows and which lines count. */
struct cm_filter {
	const char *root;           /* absolute or relative; NULL = cwd */
	const char *const *include; /* globs; when any, only matching files */
	size_t ninclude;
	const char *const *omit;    /* globs of files left out */
	size_t nomit;
};

/* Keeps the files the filter selects (inside root unless an include
 * names them; no omit matching) and applies the exclusion markers found in
 * their sources (LCOV_EXCL_LINE/START/STOP, LCOV_EXCL_BR_LINE/START/STOP
 * and the GCOV_EXCL_ and GCOVR_EXCL_ spellings). A source that cannot be
 * read is a warning; its lines still count. Globs match the path relative
 * to the root and the absolute path; '*' also matches '/'. CMake's
 * compiler probe (CMakeFiles/.../CMakeCCompilerId.c) goes unless an include
 * names it. What is left out is counted in r->nleft_out and friends. */
void cm_report_filter(struct cm_report *r, const struct cm_filter *f,
		      cm_emit_fn *emit, void *emit_ctx);

/* How reports present the numbers. */
enum cm_sort {
	CM_SORT_NAME, CM_SORT_STMTS, CM_SORT_MISS, CM_SORT_BRANCH,
	CM_SORT_BRPART, CM_SORT_COVER,
};

struct cm_diff;

struct cm_format {
	const char *root;     /* absolute; file names are shown relative to it */
	/* The changed lines (--diff): term, markdown and json add a section
	 * for them; NULL when there is no diff. */
	const struct cm_diff *diff;
	int branch;           /* branches count in Cover and are shown */
	int precision;        /* decimals of percentages in tables */
	int show_missing;     /* term: the Missing column */
	int skip_covered;     /* term: leave out files at 100% */
	enum cm_sort sort;
	int sort_reverse;
	long long timestamp;  /* Cobertura/JSON time stamp (seconds) */
};

/* Per-file and total numbers, as coverage.py counts them. */
struct cm_numbers {
	size_t stmts, miss;
	size_t branches, branches_miss;
	size_t partial;       /* untaken branch arcs of lines that ran */
	size_t functions, functions_hit;
};

void cm_file_numbers(const struct cm_file *f, struct cm_numbers *n);
/* Adds b into a. */
void cm_numbers_add(struct cm_numbers *a, const struct cm_numbers *b);
/* Cover in percent: (executed statements [+ taken branches]) / (statements
 * [+ branches]); 100 when there is nothing to cover. */
double cm_numbers_cover(const struct cm_numbers *n, int branch);
/* The one rounding rule: round to `precision` decimals, except that a
 * value above 0 never shows as 0 and one below 100 never as 100. Writes
 * the digits (no '%') to buf and returns the value the text shows. */
double cm_pct_text(double pct, int precision, char *buf, size_t bufsize);

/* Writes r as a plain lcov 1.x tracefile to path ("-" = stdout), through
 * a temporary file renamed into place. Returns 0, or -1 with a message
 * emitted. */
int cm_write_lcov(const struct cm_report *r, const char *path,
		  cm_emit_fn *emit, void *emit_ctx);
/* The same in covmerge's extended form (branch destination lines and
 * function end lines, which covmerge reads back exactly). */
int cm_write_lcov_ext(const struct cm_report *r, const char *path,
		      cm_emit_fn *emit, void *emit_ctx);

/* The other reports; each is written through a temporary file renamed into
 * place and returns 0, or -1 with a message emitted. "-" is stdout (for
 * markdown: appended to $GITHUB_STEP_SUMMARY when that is set). */
int cm_write_cobertura(const struct cm_report *r, const struct cm_format *fmt,
		       const char *path, cm_emit_fn *emit, void *emit_ctx);
int cm_write_json(const struct cm_report *r, const struct cm_format *fmt,
		  const char *path, cm_emit_fn *emit, void *emit_ctx);
int cm_write_markdown(const struct cm_report *r, const struct cm_format *fmt,
		      const char *path, cm_emit_fn *emit, void *emit_ctx);
/* The HTML report: the directory dir with index.html, a page per source
 * file and cm.css, cm.js; written into a temporary directory beside it and
 * put in place whole (an existing dir must be empty or an earlier HTML
 * report of covmerge). Returns 0, or -1 with a message emitted (dir is
 * untouched then). */
int cm_write_html(const struct cm_report *r, const struct cm_format *fmt,
		  const char *dir, cm_emit_fn *emit, void *emit_ctx);
/* The coverage.py-style table (term / term-missing) as text; the caller
 * frees it. */
char *cm_term_table(const struct cm_report *r, const struct cm_format *fmt);

/* The gate. */
struct cm_gate {
	double fail_under;          /* total (lines, + branches with branch) */
	double fail_under_line;
	double fail_under_branch;
	double fail_under_function; /* each < 0 when not asked for */
};

/* Checks every threshold that is set; stores one message line per
 * threshold (pytest-cov's wording) in *text (the caller frees it) and
 * returns how many failed. The value compared is the one printed: the
 * percentage at 2 decimals under cm_pct_text's rule. */
int cm_gate_check(const struct cm_report *r, const struct cm_gate *g,
		  int branch, char **text);

/* Coverage of the lines a change added (covmerge --diff, --diff-file):
 * the changed lines that are executable lines of a reported file. */
struct cm_diff_file {
	size_t file;          /* index into the report's files */
	size_t nchanged;      /* executable changed lines */
	unsigned *missed;     /* of those, the ones never run, ascending */
	size_t nmissed;
};

struct cm_diff {
	char *against;        /* the revision or the patch compared with */
	struct cm_diff_file *files;  /* in the report's file order; only
				      * files with executable changed lines */
	size_t nfiles;
	size_t stmts, miss;   /* totals */
};

void cm_diff_free(struct cm_diff *d);
/* The changed lines section of term/term-missing (names relative to
 * fmt->root, missed changed lines as ranges); the caller frees it. */
char *cm_diff_table(const struct cm_report *r, const struct cm_diff *d,
		    const struct cm_format *fmt);
/* --fail-under-diff: one message line in *text (the caller frees it);
 * returns 1 when the changed lines' coverage, as printed at 2 decimals,
 * is under min. A change with no executable line passes. */
int cm_gate_check_diff(const struct cm_diff *d, double min, char **text);

/* --fail-under-file: every reported file's Cover (as printed at 2
 * decimals) must reach min; the message names the files under it.
 * Returns 1 when any is under. */
int cm_gate_check_files(const struct cm_report *r, const struct cm_format *fmt,
			double min, char **text);

/* The ratchet. cm_write_baseline stores the total and each file's Cover
 * (at 2 decimals, names relative to fmt->root) as a small JSON object:
 *   {"covmerge_baseline": 1, "branch": false, "total": 75.00,
 *    "files": {"src/a.c": 63.64}}
 * cm_baseline_check compares r with the baseline at path: *text gets the
 * verdict (the caller frees it), naming each file (and TOTAL) that dropped
 * by more than tolerance points. Returns 1 on a drop, 0 without, -1 with
 * an error emitted when the baseline cannot be read or does not fit (a
 * baseline written with --branch checked without it). */
int cm_write_baseline(const struct cm_report *r, const struct cm_format *fmt,
		      const char *path, cm_emit_fn *emit, void *emit_ctx);
int cm_baseline_check(const struct cm_report *r, const struct cm_format *fmt,
		      const char *path, double tolerance, char **text,
		      cm_emit_fn *emit, void *emit_ctx);

/* The text of the Missing column for f: missed statements as ranges that
 * run on across non-statement lines, and with branch, partial branches as
 * "src->dst" / "src->exit", in line order. The caller frees it. */
char *cm_missing_text(const struct cm_file *f, int branch);

/* A job: what the covmerge command does, as one call. It merges its inputs,
 * keeps the files under the root (filters and exclusion markers), writes
 * its reports (the term table to stdout, files all-or-none at the end),
 * checks the gate and returns one of enum cm_exit. Messages go to stderr
 * prefixed "covmerge: ". Options are set through functions; every string
 * is copied. Used by the covmerge command and by runner --cov. */
enum cm_exit {
	CM_EXIT_OK = 0,
	CM_EXIT_ERROR = 1,        /* bad input, no data, unwritable output, usage */
	CM_EXIT_UNDER = 2,        /* coverage under a fail-under threshold */
	CM_EXIT_INTERRUPTED = 3,  /* the stop flag was raised: no file written */
};

enum cm_threshold {
	CM_FAIL_UNDER_TOTAL,      /* lines, + branches when branch is on */
	CM_FAIL_UNDER_LINE,
	CM_FAIL_UNDER_BRANCH,
	CM_FAIL_UNDER_FUNCTION,
	CM_FAIL_UNDER_DIFF,       /* the changed lines (needs a diff) */
	CM_FAIL_UNDER_FILE,       /* every reported file */
};

struct cm_job;

struct cm_job *cm_job_new(void);
void cm_job_free(struct cm_job *job);

/* Inputs: see struct cm_options. */
void cm_job_add_input(struct cm_job *job, const char *path);
void cm_job_add_object_dir(struct cm_job *job, const char *dir);
void cm_job_set_only_object_dirs(struct cm_job *job, int on);
void cm_job_set_threads(struct cm_job *job, int n);   /* <= 0: one per core */
void cm_job_set_ignore_stale(struct cm_job *job, int on);
void cm_job_set_allow_missing(struct cm_job *job, int on);
/* "OLD=NEW"; returns -1 (and keeps nothing) when map is not one. */
int cm_job_add_path_map(struct cm_job *job, const char *map);
void cm_job_set_export(struct cm_job *job, const char *path);
/* Source-based coverage (clang -fprofile-instr-generate
 * -fcoverage-mapping): .profraw and .profdata inputs (files, or found under
 * directory inputs) are merged by llvm-profdata and read by llvm-cov export
 * with the binaries, then reported like a tracefile. A binary added here
 * (--binary) must hold a coverage mapping; one a run merely ran counts
 * when it holds one. Either way the project's instrumented shared
 * libraries that a binary finds through its RUNPATH count too. */
void cm_job_add_binary(struct cm_job *job, const char *path);
void cm_job_add_ran_binary(struct cm_job *job, const char *path);
/* The largest input file read, in bytes (0: the default). */
void cm_job_set_max_input(struct cm_job *job, size_t bytes);

/* What the reports show: see struct cm_filter and struct cm_format. A
 * NULL root (the default) is the notes' CMake source tree, else the
 * deepest directory holding every measured source. */
void cm_job_set_root(struct cm_job *job, const char *root);
void cm_job_add_include(struct cm_job *job, const char *glob);
/* --context: report only what the tests whose id matches one of the
 * globs ran (counts become numbers of matching tests). */
void cm_job_add_context(struct cm_job *job, const char *glob);
void cm_job_add_omit(struct cm_job *job, const char *glob);
void cm_job_set_branch(struct cm_job *job, int on);
/* 0 to 6 decimals; returns -1 for anything else. */
int cm_job_set_precision(struct cm_job *job, int digits);
/* name, stmts, miss, branch, brpart or cover, "-" in front to reverse;
 * returns -1 for anything else. */
int cm_job_set_sort(struct cm_job *job, const char *key);
/* No header and no default table. */
void cm_job_set_quiet(struct cm_job *job, int on);

/* Whether spec is a report: term, term-missing[:skip-covered], xml:FILE
 * (or cobertura:FILE), lcov:FILE, json:FILE, markdown:FILE, html:DIR. */
int cm_report_spec_valid(const char *spec);
/* Adds a report (none: the term table); -1 when spec is not one. */
int cm_job_add_report(struct cm_job *job, const char *spec);
/* A threshold in percent (0 to 100); -1 for a value out of range. */
int cm_job_set_fail_under(struct cm_job *job, enum cm_threshold which,
			  double percent);

/* Diff coverage: the changed lines of the working tree against `git
 * merge-base REV HEAD` (set_diff) or of a unified diff file ("-" for
 * standard input; relative names taken against the root). */
void cm_job_set_diff(struct cm_job *job, const char *rev);
void cm_job_set_diff_file(struct cm_job *job, const char *patch);
/* The ratchet: check against a baseline (tolerance in points, 0 to 100;
 * -1 for anything else), write one. */
void cm_job_set_baseline(struct cm_job *job, const char *path);
int cm_job_set_baseline_tolerance(struct cm_job *job, double points);
void cm_job_set_write_baseline(struct cm_job *job, const char *path);
/* A usage mistake in the options as a whole (--diff with --diff-file,
 * --fail-under-diff without a diff), or NULL. The text is static. */
const char *cm_job_usage_error(const struct cm_job *job);

/* Inputs and object directories given so far. */
size_t cm_job_ninputs(const struct cm_job *job);
/* The first output (report file or export) that names the same file as
 * an earlier one, or NULL: two outputs into one file would leave only the
 * last, a usage error. The text belongs to the job. */
const char *cm_job_output_clash(const struct cm_job *job);

/* A flag that a signal handler raises (Ctrl-C): once non-zero, the job
 * stops at the next object, writes no file at all and cm_job_run returns
 * CM_EXIT_INTERRUPTED, saying nothing (the caller says why). */
void cm_job_set_stop_flag(struct cm_job *job, const volatile sig_atomic_t *flag);

/* The first output (report file or directory, export, baseline) that lies
 * inside the directory of an html report, or NULL: the directory is
 * replaced whole, so it would be lost (a usage error). The text belongs to
 * the job. */
const char *cm_job_output_in_html(const struct cm_job *job);
/* The first html report whose directory cannot be written, as a message
 * "cannot write \"DIR\": cause" (DIR is a file, a directory that is neither
 * empty nor an earlier report, ".", a missing parent), or NULL: checked
 * before the work so that a run is not refused at its end. The text
 * belongs to the job. */
const char *cm_job_html_refused(struct cm_job *job);

/* Whether the job's reports show per-test contexts (JSON, HTML, a
 * context filter, an export): only then are its context stores read. */
int cm_job_wants_contexts(const struct cm_job *job);

enum cm_exit cm_job_run(struct cm_job *job);
/* How many error messages the last cm_job_run printed. */
size_t cm_job_errors(const struct cm_job *job);

#endif
