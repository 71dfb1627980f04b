/* The runner's data model and options.
 *
 * A program is what CTest or the command line names; a test is the unit
 * of result (a whole program, one cmocka test, or one TAP line); an item
 * is the unit of scheduling: one process that runs one or more tests of
 * one program. */
#ifndef RUNNER_RUNNER_H
#define RUNNER_RUNNER_H

#include <stddef.h>
#include <stdint.h>

#include "covtools_version.h"  /* generated from CMakeLists.txt */

#define RUNNER_VERSION COVTOOLS_VERSION

enum runner_exit {
	RUNNER_EXIT_OK = 0,
	RUNNER_EXIT_FAILED = 1,      /* tests failed, or coverage under the gate */
	RUNNER_EXIT_INTERRUPTED = 2,
	RUNNER_EXIT_INTERNAL = 3,
	RUNNER_EXIT_USAGE = 4,
	RUNNER_EXIT_NO_TESTS = 5,
};

enum dist_mode { DIST_LOAD, DIST_LOADSCOPE, DIST_LOADFILE, DIST_NO };

struct program {
	char *name;          /* how reports name it (path relative to cwd) */
	char **argv;         /* NULL-terminated; argv[0] is the executable */
	char **env;          /* extra "NAME=value" (CTest ENVIRONMENT), NULL-term. */
	char *cwd;           /* working directory, or NULL */
	double timeout;      /* seconds; 0 = the run's --timeout */
	int serial;          /* RUN_SERIAL or --serial */
	int will_fail;       /* CTest WILL_FAIL */
	int skip_rc;         /* CTest SKIP_RETURN_CODE, or -1 */
	int cmocka;          /* split into its cmocka tests */
	char *labels;        /* CTest LABELS joined with ';', or NULL */
	char *not_run;       /* why it cannot run (CTest found no executable):
				reported as an ERROR, never started */
};

enum test_status {
	ST_NOTRUN, ST_PASSED, ST_FAILED, ST_SKIPPED, ST_CRASHED, ST_TIMEOUT,
	ST_ERROR,
};

struct test {
	struct program *prog;
	char *group, *name;  /* cmocka group and test, or NULL (whole program) */
	char *id;            /* "prog", or "prog::group::test" */
	int group_fixture;   /* its cmocka group has a group set-up or
				tear-down: the group is one scope */
	double est;          /* recorded duration, < 0 when unknown */
	double duration;     /* of its last run */
	int failed;          /* some result of it failed */
	int ran;
};

/* One reported outcome: a test, or one TAP line of a program that speaks
 * TAP. */
struct result {
	char *id;
	enum test_status status;
	int signal;          /* ST_CRASHED, ST_TIMEOUT: the signal that ended it */
	int exit_code;
	double duration;
	int worker;
	char *message;       /* one line: why it failed or was skipped, or NULL */
	char *output;        /* captured output, kept for failures only */
	size_t process;      /* which process produced it (run order) */
	int rerun_alone;     /* a failure rerun alone: RERUN_PASSED or
				RERUN_FAILED; RERUN_NONE when not rerun */
	int unreached;       /* ERROR: its process ended before it began */
};

enum rerun_outcome { RERUN_NONE, RERUN_FAILED, RERUN_PASSED };

struct item {
	struct program *prog;
	size_t *tests;       /* indices into the run's tests */
	size_t ntests;
	int whole;           /* run the program unfiltered */
	int serial;
	double est;
	size_t order;        /* collection order, the tie-break */
};

struct runner_opts {
	int workers;         /* -n; 0 = sequential reference */
	enum dist_mode dist;
	int no_rerun_alone;  /* --no-rerun-alone (rerunning failures alone is
				on by default with 2 or more workers) */
	int split_fixtured;  /* --split-fixtured-groups: --dist load splits
				groups with group fixtures too */
	char **paths;        /* test programs, directories, globs */
	size_t npaths;
	const char *ctest_dir;
	int verbose;
	int quiet;
	double timeout;      /* seconds, 0 = none */
	double grace;        /* seconds between TERM and KILL */
	double still_running; /* --still-running-after: seconds before (and
				 between) "still running" notices; 0 = never */
	const char **serial; /* --serial patterns */
	size_t nserial;
	const char **keywords; /* -k */
	size_t nkeywords;
	const char **labels;   /* -L: CTest labels */
	size_t nlabels;
	int maxfail;         /* 0 = no limit */
	int last_failed;
	int shard_k, shard_n;
	const char *durations_file; /* --durations-file: balances --shard */
	int repeat;
	size_t durations;    /* --durations N */
	int durations_set;
	const char *junitxml;
	const char *cache_file;
	/* coverage */
	int cov;
	const char **cov_paths;
	size_t ncov_paths;
	const char *cov_dir;
	const char **cov_binaries; /* --cov-binary: read LLVM profiles with */
	size_t ncov_binaries;
	const char **cov_reports;
	size_t ncov_reports;
	int cov_branch;
	double cov_fail_under; /* < 0: none */
	const char *cov_diff;  /* --cov-diff REV: changed lines (NULL: none) */
	double cov_fail_under_diff; /* < 0: none */
	double cov_fail_under_file; /* < 0: none */
	const char *cov_baseline;   /* the ratchet (NULL: none) */
	const char *cov_export;
	const char *cov_root;  /* NULL: the sources' common directory */
	const char *cov_prefix_env; /* variable for the shard prefix
				       (NULL: GCOV_PREFIX) */
	int cov_context;     /* --cov-context=test: per-test contexts */
	const char *affected_by;   /* --affected-by REV, or NULL */
	const char *contexts_file; /* --contexts-file (NULL: beside the
				      cache file) */
	/* databases */
	const char *db;
	const char *db_schema;
	const char *db_setup;
	double db_setup_timeout; /* seconds, 0 = none */
	int db_keep;
};

/* Runs everything the options say. */
enum runner_exit runner_run(const struct runner_opts *opts);

#endif
