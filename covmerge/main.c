/* covmerge: merge gcov coverage shards, report, gate. Parses the options
 * into a struct cm_command, runs it, returns its exit code. */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "command.h"
#include "infile.h"
#include "outfile.h"

static const char usage_text[] =
	"usage: covmerge [options] INPUT...\n"
	"\n"
	"Merges coverage data and reports it. An INPUT is a shard directory\n"
	"searched for .gcda files (written with GCOV_PREFIX=<dir>\n"
	"GCOV_PREFIX_STRIP=0, or a plain build tree, or a runner coverage\n"
	"directory), a single .gcda file, an lcov tracefile (.info, .info.gz) or\n"
	"a portable shard (--export). Each .gcda is mapped back to its .gcno.\n"
	"\n"
	"input:\n"
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
	"reports:\n"
	"  --report FMT          repeatable; default: term. FMT is term,\n"
	"                        term-missing[:skip-covered], xml:FILE, lcov:FILE\n"
	"                        (plain lcov 1.x), lcov-ext:FILE (with branch\n"
	"                        destinations and function end lines),\n"
	"                        json:FILE or markdown:FILE (FILE - = stdout;\n"
	"                        markdown:- appends to $GITHUB_STEP_SUMMARY if set)\n"
	"  --branch              count branches in Cover and show them\n"
	"  --precision N         decimals of percentages in tables (default 0)\n"
	"  --sort KEY            name, stmts, miss, branch, brpart or cover;\n"
	"                        a leading - reverses\n"
	"gate:\n"
	"  --fail-under MIN      exit 2 when total coverage is under MIN\n"
	"  --fail-under-line MIN, --fail-under-branch MIN, --fail-under-function MIN\n"
	"                        the same for one metric; percentages are compared\n"
	"                        as printed (2 decimals)\n"
	"other:\n"
	"  -q, --quiet           no header and no default table\n"
	"  -h, --help            this text\n"
	"  --version             the version\n"
	"\n"
	"exit codes: 0 ok; 1 error (bad input, no data, unwritable output, usage);\n"
	"            2 coverage under a --fail-under threshold\n";

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "covmerge: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nusage: covmerge [options] INPUT... (see --help)\n");
	return CM_EXIT_ERROR;
}

/* The text of an option getopt rejected. */
static const char *bad_option(char **argv, int opt)
{
	static char buf[128];
	const char *arg = argv[optind - 1];
	if (opt && !(arg[0] == '-' && arg[1] == '-'))
		snprintf(buf, sizeof(buf), "unknown option or missing value: -%c", opt);
	else
		snprintf(buf, sizeof(buf), "unknown option or missing value: %.40s", arg);
	return buf;
}

static int parse_percent(const char *s, double *out)
{
	char *end;
	double v = strtod(s, &end);
	if (end == s || *end || !(v >= 0 && v <= 100))
		return -1;
	*out = v;
	return 0;
}

/* A size in bytes with an optional K, M or G suffix (powers of 1024). */
static int parse_size(const char *s, size_t *out)
{
	char *end;
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	int shift = 0;
	if (*end == 'K' || *end == 'k')
		shift = 10;
	else if (*end == 'M' || *end == 'm')
		shift = 20;
	else if (*end == 'G' || *end == 'g')
		shift = 30;
	if (shift)
		end++;
	if (errno || *end || v == 0 || v > (SIZE_MAX / 4) >> shift)
		return -1;
	*out = (size_t)(v << shift);
	return 0;
}

static int parse_sort(const char *s, struct cm_format *fmt)
{
	static const struct {
		const char *name;
		enum cm_sort key;
	} keys[] = {
		{"name", CM_SORT_NAME}, {"stmts", CM_SORT_STMTS},
		{"miss", CM_SORT_MISS}, {"branch", CM_SORT_BRANCH},
		{"brpart", CM_SORT_BRPART}, {"cover", CM_SORT_COVER},
	};
	fmt->sort_reverse = s[0] == '-';
	if (fmt->sort_reverse)
		s++;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (!strcasecmp(s, keys[i].name)) {
			fmt->sort = keys[i].key;
			return 0;
		}
	}
	return -1;
}

int main(int argc, char **argv)
{
	enum {
		OPT_OBJECT_DIR = 256, OPT_REPORT, OPT_IGNORE_STALE, OPT_VERSION,
		OPT_ROOT, OPT_INCLUDE, OPT_OMIT, OPT_BRANCH, OPT_PRECISION, OPT_SORT,
		OPT_FAIL_UNDER, OPT_FAIL_LINE, OPT_FAIL_BRANCH, OPT_FAIL_FUNCTION,
		OPT_PATH_MAP, OPT_ALLOW_MISSING, OPT_EXPORT, OPT_MAX_INPUT,
	};
	static const struct option longopts[] = {
		{"object-dir", required_argument, NULL, OPT_OBJECT_DIR},
		{"report", required_argument, NULL, OPT_REPORT},
		{"jobs", required_argument, NULL, 'j'},
		{"ignore-stale", no_argument, NULL, OPT_IGNORE_STALE},
		{"root", required_argument, NULL, OPT_ROOT},
		{"include", required_argument, NULL, OPT_INCLUDE},
		{"omit", required_argument, NULL, OPT_OMIT},
		{"branch", no_argument, NULL, OPT_BRANCH},
		{"precision", required_argument, NULL, OPT_PRECISION},
		{"sort", required_argument, NULL, OPT_SORT},
		{"fail-under", required_argument, NULL, OPT_FAIL_UNDER},
		{"fail-under-line", required_argument, NULL, OPT_FAIL_LINE},
		{"fail-under-branch", required_argument, NULL, OPT_FAIL_BRANCH},
		{"fail-under-function", required_argument, NULL, OPT_FAIL_FUNCTION},
		{"path-map", required_argument, NULL, OPT_PATH_MAP},
		{"allow-missing", no_argument, NULL, OPT_ALLOW_MISSING},
		{"export", required_argument, NULL, OPT_EXPORT},
		{"max-input", required_argument, NULL, OPT_MAX_INPUT},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, OPT_VERSION},
		{NULL, 0, NULL, 0},
	};
	struct cm_command cmd;
	memset(&cmd, 0, sizeof(cmd));
	cmd.gate = (struct cm_gate){-1, -1, -1, -1};
	const char **object_dirs = NULL, **include = NULL, **omit = NULL;
	const char **maps = NULL;
	size_t aobj = 0, areports = 0, ainc = 0, aomit = 0, amaps = 0;
	int c;
	opterr = 0; /* our own messages, without the binary's path */
	while ((c = getopt_long(argc, argv, "j:qh", longopts, NULL)) != -1) {
		double *gate = NULL;
		switch (c) {
		case OPT_OBJECT_DIR:
			APPEND(object_dirs, cmd.merge.nobject_dirs, aobj, optarg);
			break;
		case OPT_REPORT: {
			struct cm_report_req q;
			if (cm_parse_report(optarg, &q))
				return usage_error("bad --report \"%s\": expected term, "
						   "term-missing[:skip-covered], xml:FILE, "
						   "lcov:FILE, lcov-ext:FILE, json:FILE or "
						   "markdown:FILE",
						   optarg);
			APPEND(cmd.reports, cmd.nreports, areports, q);
			break;
		}
		case 'j': {
			char *end;
			long n = strtol(optarg, &end, 10);
			if (*end || n < 1 || n > 1024)
				return usage_error("bad --jobs \"%s\": expected a number "
						   "from 1 to 1024", optarg);
			cmd.merge.jobs = (int)n;
			break;
		}
		case OPT_IGNORE_STALE:
			cmd.merge.ignore_stale = 1;
			break;
		case OPT_ROOT:
			cmd.filter.root = optarg;
			break;
		case OPT_INCLUDE:
			APPEND(include, cmd.filter.ninclude, ainc, optarg);
			break;
		case OPT_OMIT:
			APPEND(omit, cmd.filter.nomit, aomit, optarg);
			break;
		case OPT_BRANCH:
			cmd.format.branch = 1;
			break;
		case OPT_PRECISION: {
			char *end;
			long n = strtol(optarg, &end, 10);
			if (*end || n < 0 || n > 6)
				return usage_error("bad --precision \"%s\": expected 0 to 6",
						   optarg);
			cmd.format.precision = (int)n;
			break;
		}
		case OPT_SORT:
			if (parse_sort(optarg, &cmd.format))
				return usage_error("bad --sort \"%s\": expected name, stmts, "
						   "miss, branch, brpart or cover", optarg);
			break;
		case OPT_FAIL_UNDER:
			gate = &cmd.gate.fail_under;
			break;
		case OPT_FAIL_LINE:
			gate = &cmd.gate.fail_under_line;
			break;
		case OPT_FAIL_BRANCH:
			gate = &cmd.gate.fail_under_branch;
			break;
		case OPT_FAIL_FUNCTION:
			gate = &cmd.gate.fail_under_function;
			break;
		case OPT_PATH_MAP:
			if (!strchr(optarg, '=') || optarg[0] == '=')
				return usage_error("bad --path-map \"%s\": expected OLD=NEW",
						   optarg);
			APPEND(maps, cmd.merge.npath_maps, amaps, optarg);
			break;
		case OPT_ALLOW_MISSING:
			cmd.merge.allow_missing = 1;
			break;
		case OPT_EXPORT:
			cmd.merge.export_path = optarg;
			break;
		case OPT_MAX_INPUT: {
			size_t n;
			if (parse_size(optarg, &n))
				return usage_error("bad --max-input \"%s\": expected a size "
						   "in bytes, with an optional K, M or G", optarg);
			infile_set_limit(n);
			break;
		}
		case 'q':
			cmd.quiet = 1;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return CM_EXIT_OK;
		case OPT_VERSION:
			printf("covmerge %s\n", CM_VERSION);
			return CM_EXIT_OK;
		default:
			return usage_error("%s", bad_option(argv, optopt));
		}
		if (gate && parse_percent(optarg, gate))
			return usage_error("bad threshold \"%s\": expected a percentage "
					   "from 0 to 100", optarg);
	}
	if (optind >= argc && !cmd.merge.nobject_dirs)
		return usage_error("%s", "no inputs given");
	const char **outs = xcalloc(cmd.nreports + 1, sizeof(*outs));
	for (size_t i = 0; i < cmd.nreports; i++)
		outs[i] = cmd.reports[i].path;
	outs[cmd.nreports] = cmd.merge.export_path;
	const char *clash = cm_output_clash(outs, cmd.nreports + 1);
	free(outs);
	if (clash) {
		free(object_dirs);
		free(include);
		free(omit);
		free(maps);
		free(cmd.reports);
		return usage_error("\"%s\" is named by two outputs (--report, "
				   "--export): each needs its own file", clash);
	}
	cmd.merge.inputs = (const char *const *)argv + optind;
	cmd.merge.ninputs = (size_t)(argc - optind);
	cmd.merge.object_dirs = object_dirs;
	cmd.merge.path_maps = maps;
	cmd.auto_root = cmd.filter.root == NULL;
	cmd.filter.include = include;
	cmd.filter.omit = omit;
	/* Ctrl-C while a report is written leaves no temporary file */
	outfile_cleanup_on_signals();
	int rc = covmerge_command(&cmd);
	free(object_dirs);
	free(include);
	free(omit);
	free(maps);
	free(cmd.reports);
	return rc;
}
