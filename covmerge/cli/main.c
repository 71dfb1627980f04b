/* covmerge: merge gcov coverage shards, report, gate. Parses the options
 * into a job of the public API (include/covmerge.h), runs it, returns
 * its exit code. */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cliopt.h"
#include "covmerge.h"
#include "outfile.h"

static const char usage_text[] =
	"usage: covmerge [options] INPUT...\n"
	"\n"
	"Merges coverage data and reports it. An INPUT is a shard directory\n"
	"searched for .gcda files (written with GCOV_PREFIX=<dir>\n"
	"GCOV_PREFIX_STRIP=0, or a plain build tree, or a runner coverage\n"
	"directory), a single .gcda file, an lcov tracefile (.info, .info.gz) or\n"
	"a portable shard (--export). Each .gcda is mapped back to its .gcno.\n"
	"LLVM profiles of clang's source-based coverage (.profraw, .profdata;\n"
	"files, or found in directories) are merged by llvm-profdata and read by\n"
	"llvm-cov export with the --binary programs (tools: $LLVM_PROFDATA and\n"
	"$LLVM_COV, else llvm-profdata and llvm-cov on PATH, else llvm-*-N).\n"
	"\n"
	"input:\n"
	"  --binary FILE         an instrumented program or shared library that\n"
	"                        LLVM profiles are read with (repeatable; the\n"
	"                        instrumented libraries it finds through its\n"
	"                        RUNPATH are read too)\n"
	"  --object-dir DIR      where .gcno files live (recursive, repeatable);\n"
	"                        objects there with no data count as never run\n"
	"  --ignore-stale        stale, foreign or corrupt data files are warnings\n"
	"                        and are left out, instead of errors\n"
	"  -j, --jobs N          threads (default: one per core)\n"
	"  --path-map OLD=NEW    read source paths under OLD as under NEW\n"
	"                        (repeatable; for shards from other checkouts)\n"
	"  --allow-missing       a shard that a runner manifest lists but that\n"
	"                        is missing or empty is a warning, not an error\n"
	"  --export FILE         also write all the data as one portable shard\n"
	"                        (zlib-compressed; an input to a later covmerge)\n"
	"  --max-input SIZE      the most an input file or a source may hold,\n"
	"                        read or inflated (suffix K, M or G; default 1G)\n"
	"filters:\n"
	"  --root DIR            report files under DIR, named relative to it\n"
	"                        (default: the project's source tree: CMake's\n"
	"                        CMAKE_HOME_DIRECTORY when it holds a measured\n"
	"                        source, else the deepest directory holding every\n"
	"                        measured source)\n"
	"  --include GLOB        report only files matching GLOB (repeatable;\n"
	"                        may name files outside the root)\n"
	"  --omit GLOB           leave out files matching GLOB (repeatable)\n"
	"  --context GLOB        only what the tests whose id matches GLOB ran\n"
	"                        (repeatable; needs runner --cov-context=test;\n"
	"                        counts become numbers of matching tests)\n"
	"reports:\n"
	"  --report FMT          repeatable; default: term. FMT is term,\n"
	"                        term-missing[:skip-covered], xml:FILE, lcov:FILE\n"
	"                        (plain lcov 1.x), lcov-ext:FILE (with branch\n"
	"                        destinations and function end lines),\n"
	"                        json:FILE, markdown:FILE (FILE - = stdout;\n"
	"                        markdown:- appends to $GITHUB_STEP_SUMMARY if set)\n"
	"                        or html:DIR (a directory of pages)\n"
	"  --branch              count branches in Cover and show them\n"
	"  --precision N         decimals of percentages in tables (default 0)\n"
	"  --sort KEY            name, stmts, miss, branch, brpart or cover;\n"
	"                        a leading - reverses\n"
	"gate:\n"
	"  --fail-under MIN      exit 2 when total coverage is under MIN\n"
	"  --fail-under-line MIN, --fail-under-branch MIN, --fail-under-function MIN\n"
	"                        the same for one metric; percentages are compared\n"
	"                        as printed (2 decimals)\n"
	"  --fail-under-diff MIN the same for the changed lines (needs a diff)\n"
	"  --fail-under-file MIN exit 2 when any reported file is under MIN\n"
	"  --write-baseline FILE store the total and each file's coverage (JSON)\n"
	"  --baseline FILE       exit 2 when the total or a file in both dropped\n"
	"                        against FILE by more than the tolerance\n"
	"  --baseline-tolerance P  points a value may drop (default 0)\n"
	"diff coverage:\n"
	"  --diff REV            the lines changed in the working tree since\n"
	"                        `git merge-base REV HEAD` (runs git; renames\n"
	"                        followed): a \"changed lines\" section in term\n"
	"  --diff-file PATCH     the same from a unified diff (- = stdin), its\n"
	"                        relative names taken against --root\n"
	"other:\n"
	"  -q, --quiet           no header and no default table\n"
	"  -h, --help            this text\n"
	"  --version             the version\n"
	"\n"
	"exit codes: 0 ok; 1 error (bad input, no data, unwritable output, usage);\n"
	"            2 coverage under a --fail-under threshold, or a drop against\n"
	"              --baseline\n";

static const struct cli cli = {"covmerge", "[options] INPUT...", CM_EXIT_ERROR};

/* A threshold: a number from 0 to 100. */
static int parse_percent(const char *s, struct cm_job *job,
			 enum cm_threshold which)
{
	double v;
	if (cli_parse_double(s, 0, 100, &v))
		return -1;
	return cm_job_set_fail_under(job, which, v);
}

/* Sets job from the options; returns -1 when the command is to run,
 * else its exit code (usage error, --help, --version). */
static int parse_options(struct cm_job *job, int argc, char **argv)
{
	enum {
		OPT_OBJECT_DIR = 256, OPT_REPORT, OPT_IGNORE_STALE, OPT_VERSION,
		OPT_ROOT, OPT_INCLUDE, OPT_OMIT, OPT_CONTEXT, OPT_BRANCH, OPT_PRECISION, OPT_SORT,
		OPT_FAIL_UNDER, OPT_FAIL_LINE, OPT_FAIL_BRANCH, OPT_FAIL_FUNCTION,
		OPT_PATH_MAP, OPT_ALLOW_MISSING, OPT_EXPORT, OPT_MAX_INPUT,
		OPT_DIFF, OPT_DIFF_FILE, OPT_FAIL_DIFF, OPT_FAIL_FILE, OPT_BASELINE,
		OPT_WRITE_BASELINE, OPT_BASELINE_TOLERANCE, OPT_BINARY,
	};
	static const struct option longopts[] = {
		{"object-dir", required_argument, NULL, OPT_OBJECT_DIR},
		{"binary", required_argument, NULL, OPT_BINARY},
		{"report", required_argument, NULL, OPT_REPORT},
		{"jobs", required_argument, NULL, 'j'},
		{"ignore-stale", no_argument, NULL, OPT_IGNORE_STALE},
		{"root", required_argument, NULL, OPT_ROOT},
		{"include", required_argument, NULL, OPT_INCLUDE},
		{"context", required_argument, NULL, OPT_CONTEXT},
		{"omit", required_argument, NULL, OPT_OMIT},
		{"branch", no_argument, NULL, OPT_BRANCH},
		{"precision", required_argument, NULL, OPT_PRECISION},
		{"sort", required_argument, NULL, OPT_SORT},
		{"fail-under", required_argument, NULL, OPT_FAIL_UNDER},
		{"fail-under-line", required_argument, NULL, OPT_FAIL_LINE},
		{"fail-under-branch", required_argument, NULL, OPT_FAIL_BRANCH},
		{"fail-under-function", required_argument, NULL, OPT_FAIL_FUNCTION},
		{"fail-under-diff", required_argument, NULL, OPT_FAIL_DIFF},
		{"fail-under-file", required_argument, NULL, OPT_FAIL_FILE},
		{"baseline", required_argument, NULL, OPT_BASELINE},
		{"write-baseline", required_argument, NULL, OPT_WRITE_BASELINE},
		{"baseline-tolerance", required_argument, NULL, OPT_BASELINE_TOLERANCE},
		{"diff", required_argument, NULL, OPT_DIFF},
		{"diff-file", required_argument, NULL, OPT_DIFF_FILE},
		{"path-map", required_argument, NULL, OPT_PATH_MAP},
		{"allow-missing", no_argument, NULL, OPT_ALLOW_MISSING},
		{"export", required_argument, NULL, OPT_EXPORT},
		{"max-input", required_argument, NULL, OPT_MAX_INPUT},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, OPT_VERSION},
		{NULL, 0, NULL, 0},
	};
	long n;
	int c;
	opterr = 0; /* our own messages, without the binary's path */
	while ((c = getopt_long(argc, argv, "j:qh", longopts, NULL)) != -1) {
		int gate = -1;
		switch (c) {
		case OPT_OBJECT_DIR:
			cm_job_add_object_dir(job, optarg);
			break;
		case OPT_BINARY:
			cm_job_add_binary(job, optarg);
			break;
		case OPT_REPORT:
			if (cm_job_add_report(job, optarg))
				return cli_usage(&cli, "bad --report \"%s\": expected term, "
						   "term-missing[:skip-covered], xml:FILE, "
						   "lcov:FILE, lcov-ext:FILE, json:FILE, "
						   "markdown:FILE or html:DIR",
						   optarg);
			break;
		case 'j':
			if (cli_parse_long(optarg, 1, 1024, &n))
				return cli_usage(&cli, "bad --jobs \"%s\": expected a number "
						   "from 1 to 1024", optarg);
			cm_job_set_threads(job, (int)n);
			break;
		case OPT_IGNORE_STALE:
			cm_job_set_ignore_stale(job, 1);
			break;
		case OPT_ROOT:
			cm_job_set_root(job, optarg);
			break;
		case OPT_INCLUDE:
			cm_job_add_include(job, optarg);
			break;
		case OPT_OMIT:
			cm_job_add_omit(job, optarg);
			break;
		case OPT_CONTEXT:
			cm_job_add_context(job, optarg);
			break;
		case OPT_BRANCH:
			cm_job_set_branch(job, 1);
			break;
		case OPT_PRECISION:
			if (cli_parse_long(optarg, 0, 6, &n) ||
			    cm_job_set_precision(job, (int)n))
				return cli_usage(&cli, "bad --precision \"%s\": expected 0 to 6",
						   optarg);
			break;
		case OPT_SORT:
			if (cm_job_set_sort(job, optarg))
				return cli_usage(&cli, "bad --sort \"%s\": expected name, stmts, "
						   "miss, branch, brpart or cover", optarg);
			break;
		case OPT_FAIL_UNDER:
			gate = CM_FAIL_UNDER_TOTAL;
			break;
		case OPT_FAIL_LINE:
			gate = CM_FAIL_UNDER_LINE;
			break;
		case OPT_FAIL_BRANCH:
			gate = CM_FAIL_UNDER_BRANCH;
			break;
		case OPT_FAIL_FUNCTION:
			gate = CM_FAIL_UNDER_FUNCTION;
			break;
		case OPT_FAIL_DIFF:
			gate = CM_FAIL_UNDER_DIFF;
			break;
		case OPT_FAIL_FILE:
			gate = CM_FAIL_UNDER_FILE;
			break;
		case OPT_BASELINE:
			cm_job_set_baseline(job, optarg);
			break;
		case OPT_WRITE_BASELINE:
			cm_job_set_write_baseline(job, optarg);
			break;
		case OPT_BASELINE_TOLERANCE: {
			double v;
			if (cli_parse_double(optarg, 0, 100, &v) ||
			    cm_job_set_baseline_tolerance(job, v))
				return cli_usage(&cli, "bad --baseline-tolerance \"%s\": "
						   "expected points from 0 to 100", optarg);
			break;
		}
		case OPT_DIFF:
			cm_job_set_diff(job, optarg);
			break;
		case OPT_DIFF_FILE:
			cm_job_set_diff_file(job, optarg);
			break;
		case OPT_PATH_MAP:
			if (cm_job_add_path_map(job, optarg))
				return cli_usage(&cli, "bad --path-map \"%s\": expected OLD=NEW",
						   optarg);
			break;
		case OPT_ALLOW_MISSING:
			cm_job_set_allow_missing(job, 1);
			break;
		case OPT_EXPORT:
			cm_job_set_export(job, optarg);
			break;
		case OPT_MAX_INPUT: {
			size_t size;
			if (cli_parse_size(optarg, SIZE_MAX / 4, &size))
				return cli_usage(&cli, "bad --max-input \"%s\": expected a size "
						   "in bytes, with an optional K, M or G", optarg);
			cm_job_set_max_input(job, size);
			break;
		}
		case 'q':
			cm_job_set_quiet(job, 1);
			break;
		case 'h':
			fputs(usage_text, stdout);
			return CM_EXIT_OK;
		case OPT_VERSION:
			printf("covmerge %s\n", CM_VERSION);
			return CM_EXIT_OK;
		default:
			return cli_bad_option(&cli, argv, 40);
		}
		if (gate >= 0 && parse_percent(optarg, job, (enum cm_threshold)gate))
			return cli_usage(&cli, "bad threshold \"%s\": expected a percentage "
					   "from 0 to 100", optarg);
	}
	return -1;
}

int main(int argc, char **argv)
{
	struct cm_job *job = cm_job_new();
	int rc = parse_options(job, argc, argv);
	if (rc < 0) {
		for (int i = optind; i < argc; i++)
			cm_job_add_input(job, argv[i]);
		if (!cm_job_ninputs(job)) {
			rc = cli_usage(&cli, "%s", "no inputs given");
		} else if (cm_job_usage_error(job)) {
			rc = cli_usage(&cli, "%s", cm_job_usage_error(job));
		} else if (cm_job_output_clash(job)) {
			rc = cli_usage(&cli, "\"%s\" is named by two outputs (--report, "
					 "--export, --write-baseline): each needs its own file",
					 cm_job_output_clash(job));
		} else if (cm_job_output_in_html(job)) {
			rc = cli_usage(&cli, "\"%s\" lies inside the directory of an "
				       "html report, which is replaced whole: write "
				       "it elsewhere", cm_job_output_in_html(job));
		} else if (cm_job_html_refused(job)) {
			fprintf(stderr, "covmerge: %s\n", cm_job_html_refused(job));
			rc = CM_EXIT_ERROR;
		} else {
			/* Ctrl-C while a report is written leaves no temporary
			 * file */
			outfile_cleanup_on_signals();
			rc = cm_job_run(job);
		}
	}
	cm_job_free(job);
	return rc;
}
