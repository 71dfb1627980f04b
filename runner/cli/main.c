/* runner: run C test programs on N workers, one coverage shard per
 * worker. Parses the options into a struct runner_opts, runs, and returns
 * the run's exit code. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "cliopt.h"
#include "covmerge.h"
#include "pgdb.h"
#include "runner.h"

int runner_auto_workers(const char *spec);

static const char usage_text[] =
	"usage: runner [options] [TEST...]\n"
	"\n"
	"Runs test programs in parallel. A TEST is a program, a directory (its\n"
	"test_*, *_test and *_tests programs and every program linking cmocka,\n"
	"recursively) or a glob. A dynamically linked cmocka program is split\n"
	"into its tests.\n"
	"\n"
	"workers and selection:\n"
	"  -n N|auto|logical      workers (default 0: sequential, one worker)\n"
	"  --dist MODE            load (default), loadscope, loadfile or no\n"
	"  --split-fixtured-groups  with --dist load, split a cmocka group with a\n"
	"                         group set-up or tear-down into its tests too\n"
	"                         (each test then runs the group's fixtures)\n"
	"  --ctest BUILD_DIR      run a CMake build tree's CTest tests\n"
	"  -k PATTERN             only tests whose id contains PATTERN (a glob\n"
	"                         when it has * ? [; \"not PATTERN\" inverts)\n"
	"  -L, --label LABEL      only tests with this CTest label (a glob when it\n"
	"                         has * ? [; repeatable: any of them)\n"
	"  --lf                   only the tests that failed last time\n"
	"  --affected-by REV      only the tests that the changes of the working\n"
	"                         tree since REV can affect, by the contexts of\n"
	"                         the last full --cov-context=test run (made at\n"
	"                         REV); new tests run too\n"
	"  --contexts-file FILE   the contexts --affected-by reads (default: the\n"
	"                         cache file's name + .contexts)\n"
	"  --serial PATTERN       run matching tests alone, after the others\n"
	"  --rerun-alone, --no-rerun-alone  after the parallel phase, rerun the\n"
	"                         failed tests alone once, to name the ones that\n"
	"                         are not parallel-safe (default on with -n 2+)\n"
	"  --shard K/N            run only part K of N (for CI matrix jobs): the\n"
	"                         same split in every job, by test counts\n"
	"  --durations-file FILE  balance --shard by the durations in FILE (a\n"
	"                         copy of a .runner-cache that you commit)\n"
	"  --repeat N             run every test N times\n"
	"  -x, --maxfail N        stop after the first (N) failure(s)\n"
	"  --timeout SECONDS      per test: TERM, a grace period, then KILL\n"
	"  --timeout-grace SECONDS  between TERM and KILL (default 5)\n"
	"  --still-running-after SECONDS  say which tests still run after\n"
	"                         SECONDS, and again every SECONDS (default 60;\n"
	"                         0 = never)\n"
	"output:\n"
	"  -v, --verbose          one line per test, also on a terminal\n"
	"  -q, --quiet            only failures and the summary\n"
	"  --durations N          list the N slowest tests (0 = all)\n"
	"  --junitxml FILE        write JUnit XML\n"
	"  --cache-file FILE      durations cache (default .runner-cache)\n"
	"coverage (gcov, and clang's source-based coverage):\n"
	"  --cov[=PATH]           measure the .gcno under PATH (repeatable;\n"
	"                         default: the current directory)\n"
	"  --cov-binary FILE      an instrumented shared library (or program)\n"
	"                         that the LLVM profiles are read with, besides\n"
	"                         the test programs (repeatable)\n"
	"  --cov-dir DIR          where the shards go (default .runner-cov)\n"
	"  --cov-report TYPE      term, term-missing[:skip-covered], xml:FILE,\n"
	"                         lcov:FILE, lcov-ext:FILE, json:FILE,\n"
	"                         markdown:FILE, html:DIR (repeatable)\n"
	"  --cov-branch           branch coverage in the totals\n"
	"  --cov-root DIR         report sources under DIR, named relative to it\n"
	"                         (default: the project's source tree: CMake's\n"
	"                         CMAKE_HOME_DIRECTORY, else the directory\n"
	"                         holding all sources)\n"
	"  --cov-fail-under MIN   fail (exit 1) when total coverage is under MIN\n"
	"  --cov-diff REV         changed lines since `git merge-base REV HEAD`\n"
	"                         (a section in the term reports; covmerge --diff)\n"
	"  --cov-fail-under-diff MIN  fail (exit 1) when the changed lines'\n"
	"                         coverage is under MIN\n"
	"  --cov-fail-under-file MIN  fail (exit 1) when any file is under MIN\n"
	"  --cov-baseline FILE    fail (exit 1) when the total or a file dropped\n"
	"                         against covmerge --write-baseline's FILE\n"
	"  --cov-prefix-env NAME  put the shard directory in NAME instead of\n"
	"                         GCOV_PREFIX (for suites whose tests build and\n"
	"                         run programs of their own; see README)\n"
	"  --cov-export FILE      also write the run's coverage as one portable\n"
	"                         shard (for covmerge on another machine)\n"
	"  --cov-context=test     record which tests ran each line and branch\n"
	"                         (contexts.cmctx in the coverage directory,\n"
	"                         kept for --affected-by; see README)\n"
	"databases (PostgreSQL):\n"
	"  --db CONNINFO|URL|temp one database per worker (also $RUNNER_DB);\n"
	"                         temp starts a private server for the run\n"
	"  --db-schema FILE.sql   schema for the template database\n"
	"  --db-setup CMD         a command that sets up the template (after\n"
	"                         the schema, when both are given)\n"
	"  --db-keep              keep the databases and print their names\n"
	"  --db-setup-timeout S   stop --db-setup after S seconds (default 600;\n"
	"                         0 = no limit)\n"
	"\n"
	"Each test process gets RUNNER_WORKER=gwK, RUNNER_WORKER_COUNT and\n"
	"RUNNER_TESTRUN_UID; with --cov GCOV_PREFIX=<cov-dir>/gwK,\n"
	"GCOV_PREFIX_STRIP=0 and LLVM_PROFILE_FILE=<cov-dir>/gwK/%m-%p.profraw;\n"
	"with --db PGDATABASE, DATABASE_URL, PGAPPNAME and\n"
	"the connection settings.\n"
	"\n"
	"exit codes: 0 all passed, 1 tests failed or coverage under the gate,\n"
	"            2 interrupted, 3 internal error, 4 usage error,\n"
	"            5 no tests collected\n";

static const struct cli cli = {"runner", "[options] [TEST...]", RUNNER_EXIT_USAGE};

static int parse_seconds(const char *s, double *out)
{
	return cli_parse_double(s, 0, 1e7, out);
}

/* Fills o from the options; returns -1 when the run is to start, else
 * the exit status (a usage error, --help, --version). */
static int parse_options(struct runner_opts *o, int argc, char **argv)
{
	enum {
		O_DIST = 256, O_CTEST, O_TIMEOUT, O_GRACE, O_SERIAL, O_MAXFAIL, O_LF,
		O_SHARD, O_REPEAT, O_DURATIONS, O_JUNIT, O_CACHE, O_COV, O_COV_DIR,
		O_COV_REPORT, O_COV_BRANCH, O_COV_FAIL, O_COV_EXPORT, O_DB,
		O_DB_SCHEMA, O_DB_SETUP, O_DB_KEEP, O_VERSION, O_COV_ROOT,
		O_COV_PREFIX_ENV, O_SPLIT_FIXTURED, O_RERUN_ALONE, O_NO_RERUN_ALONE,
		O_STILL_RUNNING, O_DURATIONS_FILE, O_DB_SETUP_TIMEOUT, O_COV_DIFF,
		O_COV_FAIL_DIFF, O_COV_FAIL_FILE, O_COV_BASELINE, O_COV_BINARY,
		O_COV_CONTEXT, O_AFFECTED_BY, O_CONTEXTS_FILE,
	};
	static const struct option longopts[] = {
		{"numprocesses", required_argument, NULL, 'n'},
		{"dist", required_argument, NULL, O_DIST},
		{"split-fixtured-groups", no_argument, NULL, O_SPLIT_FIXTURED},
		{"rerun-alone", no_argument, NULL, O_RERUN_ALONE},
		{"no-rerun-alone", no_argument, NULL, O_NO_RERUN_ALONE},
		{"ctest", required_argument, NULL, O_CTEST},
		{"timeout", required_argument, NULL, O_TIMEOUT},
		{"timeout-grace", required_argument, NULL, O_GRACE},
		{"still-running-after", required_argument, NULL, O_STILL_RUNNING},
		{"serial", required_argument, NULL, O_SERIAL},
		{"label", required_argument, NULL, 'L'},
		{"exitfirst", no_argument, NULL, 'x'},
		{"maxfail", required_argument, NULL, O_MAXFAIL},
		{"lf", no_argument, NULL, O_LF},
		{"last-failed", no_argument, NULL, O_LF},
		{"shard", required_argument, NULL, O_SHARD},
		{"durations-file", required_argument, NULL, O_DURATIONS_FILE},
		{"repeat", required_argument, NULL, O_REPEAT},
		{"durations", required_argument, NULL, O_DURATIONS},
		{"junitxml", required_argument, NULL, O_JUNIT},
		{"cache-file", required_argument, NULL, O_CACHE},
		{"cov", optional_argument, NULL, O_COV},
		{"cov-dir", required_argument, NULL, O_COV_DIR},
		{"cov-report", required_argument, NULL, O_COV_REPORT},
		{"cov-branch", no_argument, NULL, O_COV_BRANCH},
		{"cov-root", required_argument, NULL, O_COV_ROOT},
		{"cov-prefix-env", required_argument, NULL, O_COV_PREFIX_ENV},
		{"cov-fail-under", required_argument, NULL, O_COV_FAIL},
		{"cov-export", required_argument, NULL, O_COV_EXPORT},
		{"cov-binary", required_argument, NULL, O_COV_BINARY},
		{"cov-diff", required_argument, NULL, O_COV_DIFF},
		{"cov-fail-under-diff", required_argument, NULL, O_COV_FAIL_DIFF},
		{"cov-fail-under-file", required_argument, NULL, O_COV_FAIL_FILE},
		{"cov-baseline", required_argument, NULL, O_COV_BASELINE},
		{"cov-context", required_argument, NULL, O_COV_CONTEXT},
		{"affected-by", required_argument, NULL, O_AFFECTED_BY},
		{"contexts-file", required_argument, NULL, O_CONTEXTS_FILE},
		{"db", required_argument, NULL, O_DB},
		{"db-schema", required_argument, NULL, O_DB_SCHEMA},
		{"db-setup", required_argument, NULL, O_DB_SETUP},
		{"db-keep", no_argument, NULL, O_DB_KEEP},
		{"db-setup-timeout", required_argument, NULL, O_DB_SETUP_TIMEOUT},
		{"verbose", no_argument, NULL, 'v'},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, O_VERSION},
		{NULL, 0, NULL, 0},
	};
	size_t a_serial = 0, a_kw = 0, a_cov = 0, a_rep = 0, a_lab = 0, a_bin = 0;
	long v;
	int c;
	opterr = 0; /* our own messages, without the binary's path */
	while ((c = getopt_long(argc, argv, "n:k:L:xvqh", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (!strcmp(optarg, "auto") || !strcmp(optarg, "logical"))
				o->workers = runner_auto_workers(optarg);
			else if (cli_parse_long(optarg, 0, 512, &v))
				return cli_usage(&cli, "bad -n \"%s\": expected a number, auto or logical",
					     optarg);
			else
				o->workers = (int)v;
			break;
		case O_DIST:
			if (!strcmp(optarg, "load"))
				o->dist = DIST_LOAD;
			else if (!strcmp(optarg, "loadscope"))
				o->dist = DIST_LOADSCOPE;
			else if (!strcmp(optarg, "loadfile"))
				o->dist = DIST_LOADFILE;
			else if (!strcmp(optarg, "no"))
				o->dist = DIST_NO;
			else
				return cli_usage(&cli, "bad --dist \"%s\": expected load, loadscope, "
					     "loadfile or no", optarg);
			break;
		case O_RERUN_ALONE:
			o->no_rerun_alone = 0;
			break;
		case O_NO_RERUN_ALONE:
			o->no_rerun_alone = 1;
			break;
		case O_SPLIT_FIXTURED:
			o->split_fixtured = 1;
			break;
		case O_CTEST:
			o->ctest_dir = optarg;
			break;
		case O_TIMEOUT:
			if (parse_seconds(optarg, &o->timeout))
				return cli_usage(&cli, "bad --timeout \"%s\": expected seconds", optarg);
			break;
		case O_GRACE:
			if (parse_seconds(optarg, &o->grace))
				return cli_usage(&cli, "bad --timeout-grace \"%s\": expected seconds",
					     optarg);
			break;
		case O_STILL_RUNNING:
			if (parse_seconds(optarg, &o->still_running))
				return cli_usage(&cli, "bad --still-running-after \"%s\": expected "
					     "seconds", optarg);
			break;
		case O_SERIAL:
			APPEND(o->serial, o->nserial, a_serial, optarg);
			break;
		case 'k':
			APPEND(o->keywords, o->nkeywords, a_kw, optarg);
			break;
		case 'L':
			APPEND(o->labels, o->nlabels, a_lab, optarg);
			break;
		case 'x':
			o->maxfail = 1;
			break;
		case O_MAXFAIL:
			if (cli_parse_long(optarg, 1, 1000000, &v))
				return cli_usage(&cli, "bad --maxfail \"%s\": expected a positive number",
					     optarg);
			o->maxfail = (int)v;
			break;
		case O_LF:
			o->last_failed = 1;
			break;
		case O_SHARD: {
			int k = 0, n = 0;
			char tail;
			if (sscanf(optarg, "%d/%d%c", &k, &n, &tail) != 2 || n < 1 ||
			    k < 1 || k > n)
				return cli_usage(&cli, "bad --shard \"%s\": expected K/N with "
					     "1 <= K <= N", optarg);
			o->shard_k = k;
			o->shard_n = n;
			break;
		}
		case O_DURATIONS_FILE:
			o->durations_file = optarg;
			break;
		case O_REPEAT:
			if (cli_parse_long(optarg, 1, 100000, &v))
				return cli_usage(&cli, "bad --repeat \"%s\": expected a positive number",
					     optarg);
			o->repeat = (int)v;
			break;
		case O_DURATIONS:
			if (cli_parse_long(optarg, 0, 1000000, &v))
				return cli_usage(&cli, "bad --durations \"%s\": expected a number", optarg);
			o->durations = (size_t)v;
			o->durations_set = 1;
			break;
		case O_JUNIT:
			o->junitxml = optarg;
			break;
		case O_CACHE:
			o->cache_file = optarg;
			break;
		case O_COV:
			o->cov = 1;
			if (optarg)
				APPEND(o->cov_paths, o->ncov_paths, a_cov, optarg);
			break;
		case O_COV_DIR:
			o->cov_dir = optarg;
			break;
		case O_COV_BINARY:
			APPEND(o->cov_binaries, o->ncov_binaries, a_bin, optarg);
			break;
		case O_COV_REPORT: {
			if (!cm_report_spec_valid(optarg))
				return cli_usage(&cli, "bad --cov-report \"%s\": expected term, "
					     "term-missing[:skip-covered], xml:FILE, lcov:FILE, "
					     "lcov-ext:FILE, json:FILE, markdown:FILE or html:DIR",
					     optarg);
			APPEND(o->cov_reports, o->ncov_reports, a_rep, optarg);
			break;
		}
		case O_COV_BRANCH:
			o->cov_branch = 1;
			break;
		case O_COV_ROOT:
			o->cov_root = optarg;
			break;
		case O_COV_PREFIX_ENV:
			if (!optarg[0] || strchr(optarg, '='))
				return cli_usage(&cli, "bad --cov-prefix-env \"%s\": expected a "
					     "variable name", optarg);
			o->cov_prefix_env = optarg;
			break;
		case O_COV_FAIL:
			if (cli_parse_double(optarg, 0, 100, &o->cov_fail_under))
				return cli_usage(&cli, "bad --cov-fail-under \"%s\": expected a "
					     "percentage from 0 to 100", optarg);
			break;
		case O_COV_EXPORT:
			o->cov_export = optarg;
			break;
		case O_COV_DIFF:
			o->cov_diff = optarg;
			break;
		case O_COV_FAIL_DIFF:
			if (cli_parse_double(optarg, 0, 100, &o->cov_fail_under_diff))
				return cli_usage(&cli, "bad --cov-fail-under-diff \"%s\": "
					     "expected a percentage from 0 to 100", optarg);
			break;
		case O_COV_FAIL_FILE:
			if (cli_parse_double(optarg, 0, 100, &o->cov_fail_under_file))
				return cli_usage(&cli, "bad --cov-fail-under-file \"%s\": "
					     "expected a percentage from 0 to 100", optarg);
			break;
		case O_COV_BASELINE:
			o->cov_baseline = optarg;
			break;
		case O_COV_CONTEXT:
			if (strcmp(optarg, "test"))
				return cli_usage(&cli, "bad --cov-context \"%s\": expected "
					     "test", optarg);
			o->cov_context = 1;
			break;
		case O_AFFECTED_BY:
			o->affected_by = optarg;
			break;
		case O_CONTEXTS_FILE:
			o->contexts_file = optarg;
			break;
		case O_DB:
			o->db = optarg;
			break;
		case O_DB_SCHEMA:
			o->db_schema = optarg;
			break;
		case O_DB_SETUP:
			o->db_setup = optarg;
			break;
		case O_DB_KEEP:
			o->db_keep = 1;
			break;
		case O_DB_SETUP_TIMEOUT:
			if (parse_seconds(optarg, &o->db_setup_timeout))
				return cli_usage(&cli, "bad --db-setup-timeout \"%s\": expected "
					     "seconds", optarg);
			break;
		case 'v':
			o->verbose = 1;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return RUNNER_EXIT_OK;
		case O_VERSION:
			printf("runner %s\n", RUNNER_VERSION);
			return RUNNER_EXIT_OK;
		default:
			return cli_bad_option(&cli, argv, 0);
		}
	}
	return -1;
}

/* What one option implies for another, and options that conflict;
 * returns -1 when the run is to start, else the exit status. */
static int check_options(struct runner_opts *o)
{
	if ((o->cov_dir || o->ncov_reports || o->cov_branch || o->cov_fail_under >= 0 ||
	     o->cov_export || o->cov_root || o->cov_diff ||
	     o->cov_fail_under_diff >= 0 || o->cov_fail_under_file >= 0 ||
	     o->cov_baseline || o->ncov_binaries || o->cov_context) && !o->cov)
		o->cov = 1; /* asking for a coverage report means measuring it */
	if (o->split_fixtured && o->dist != DIST_LOAD)
		return cli_usage(&cli, "%s", "--split-fixtured-groups needs --dist load "
			     "(the other modes keep a group on one worker)");
	{
		struct cm_job *outs = cm_job_new();
		for (size_t i = 0; i < o->ncov_reports; i++)
			cm_job_add_report(outs, o->cov_reports[i]);
		cm_job_set_export(outs, o->cov_export);
		const char *clash = cm_job_output_clash(outs);
		if (clash) {
			int rc = cli_usage(&cli, "\"%s\" is named by two outputs (--cov-report, "
				       "--cov-export): each needs its own file", clash);
			cm_job_free(outs);
			return rc;
		}
		const char *inside = cm_job_output_in_html(outs);
		if (inside) {
			int rc = cli_usage(&cli, "\"%s\" lies inside the directory of an "
				       "html report, which is replaced whole: write it "
				       "elsewhere", inside);
			cm_job_free(outs);
			return rc;
		}
		const char *refused = cm_job_html_refused(outs);
		if (refused) {
			/* before the tests, not after them */
			int rc = cli_usage(&cli, "%s", refused);
			cm_job_free(outs);
			return rc;
		}
		cm_job_free(outs);
	}
	if (o->cov_fail_under_diff >= 0 && !o->cov_diff)
		return cli_usage(&cli, "%s", "--cov-fail-under-diff needs --cov-diff REV");
	if ((o->db_schema || o->db_setup || o->db_keep) && !o->db)
		return cli_usage(&cli, "%s", "--db-schema, --db-setup and --db-keep need --db");
	if (o->db && !pgdb_available())
		return cli_usage(&cli, "--db: %s", PGDB_UNAVAILABLE);
	if (!o->npaths && !o->ctest_dir)
		return cli_usage(&cli, "%s", "no tests given (programs, directories, globs "
			     "or --ctest BUILD_DIR)");
	return -1;
}

static void opts_release(struct runner_opts *o)
{
	free(o->serial);
	free(o->keywords);
	free(o->labels);
	free(o->cov_paths);
	free(o->cov_reports);
	free(o->cov_binaries);
}

/* Runs; the report itself could not be written (a full disk, a closed
 * pipe): the run must not look green. */
static int run(const struct runner_opts *o)
{
	int rc = runner_run(o);
	errno = 0;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "runner: cannot write the output to stdout%s%s\n",
			errno ? ": " : "", errno ? strerror(errno) : "");
		if (rc == RUNNER_EXIT_OK || rc == RUNNER_EXIT_FAILED)
			rc = RUNNER_EXIT_INTERNAL;
	}
	return rc;
}

int main(int argc, char **argv)
{
	struct runner_opts o;
	memset(&o, 0, sizeof(o));
	o.grace = 5;
	o.still_running = 60;
	o.cov_fail_under = -1;
	o.cov_fail_under_diff = -1;
	o.cov_fail_under_file = -1;
	o.repeat = 1;
	o.db_setup_timeout = 600;
	o.cache_file = ".runner-cache";
	o.db = getenv("RUNNER_DB") && *getenv("RUNNER_DB") ? getenv("RUNNER_DB") : NULL;
	int rc = parse_options(&o, argc, argv);
	if (rc < 0) {
		o.paths = argv + optind;
		o.npaths = (size_t)(argc - optind);
		rc = check_options(&o);
	}
	if (rc < 0)
		rc = run(&o);
	opts_release(&o);
	return rc;
}
