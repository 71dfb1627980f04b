/* covmerge: merge gcov coverage shards and report. Parses the options,
 * runs the command, maps the result to an exit code. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "command.h"

static const char usage_text[] =
	"usage: covmerge [options] SHARD_ROOT...\n"
	"\n"
	"Merges gcov coverage data: each SHARD_ROOT is a directory searched for\n"
	".gcda files (written with GCOV_PREFIX=<root> GCOV_PREFIX_STRIP=0, or a\n"
	"plain build tree), each mapped back to its .gcno notes file.\n"
	"\n"
	"options:\n"
	"  --object-dir DIR     where .gcno files live (recursive, repeatable);\n"
	"                       objects found there with no data count as never run\n"
	"  --report FMT:FILE    write a report (repeatable); FMT: lcov; FILE - is stdout\n"
	"  -j, --jobs N         threads (default: one per core)\n"
	"  --ignore-stale       stale, foreign or corrupt data files are warnings\n"
	"                       and are left out, instead of errors\n"
	"  -q, --quiet          no summary on stdout\n"
	"  -h, --help           this text\n"
	"  --version            the version\n"
	"\n"
	"exit codes: 0 ok, 1 error (bad input, no data, unwritable output),\n"
	"            2 coverage under a threshold\n";

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "covmerge: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nusage: covmerge [options] SHARD_ROOT... (see --help)\n");
	return CM_EXIT_ERROR;
}

static int parse_report(struct cm_command *cmd, size_t *alloc, const char *arg)
{
	const char *colon = strchr(arg, ':');
	size_t flen = colon ? (size_t)(colon - arg) : strlen(arg);
	struct cm_report_req q = {0};
	if (flen == 4 && !strncmp(arg, "lcov", 4)) {
		q.kind = CM_REPORT_LCOV;
		if (!colon || !colon[1])
			return -1;
		q.path = colon + 1;
	} else {
		return -1;
	}
	GROW(cmd->reports, *alloc, cmd->nreports + 1);
	cmd->reports[cmd->nreports++] = q;
	return 0;
}

int main(int argc, char **argv)
{
	enum { OPT_OBJECT_DIR = 256, OPT_REPORT, OPT_IGNORE_STALE, OPT_VERSION };
	static const struct option longopts[] = {
		{"object-dir", required_argument, NULL, OPT_OBJECT_DIR},
		{"report", required_argument, NULL, OPT_REPORT},
		{"jobs", required_argument, NULL, 'j'},
		{"ignore-stale", no_argument, NULL, OPT_IGNORE_STALE},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, OPT_VERSION},
		{NULL, 0, NULL, 0},
	};
	struct cm_command cmd;
	memset(&cmd, 0, sizeof(cmd));
	const char **object_dirs = NULL;
	size_t aobj = 0, areports = 0;
	int c;
	while ((c = getopt_long(argc, argv, "j:qh", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_OBJECT_DIR:
			GROW(object_dirs, aobj, cmd.merge.nobject_dirs + 1);
			object_dirs[cmd.merge.nobject_dirs++] = optarg;
			break;
		case OPT_REPORT:
			if (parse_report(&cmd, &areports, optarg))
				return usage_error("bad --report \"%s\": expected lcov:FILE",
						   optarg);
			break;
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
			fprintf(stderr, "usage: covmerge [options] SHARD_ROOT... (see --help)\n");
			return CM_EXIT_ERROR;
		}
	}
	if (optind >= argc && !cmd.merge.nobject_dirs)
		return usage_error("%s", "no shard directories given");
	cmd.merge.inputs = (const char *const *)argv + optind;
	cmd.merge.ninputs = (size_t)(argc - optind);
	cmd.merge.object_dirs = object_dirs;
	int rc = covmerge_command(&cmd);
	free(object_dirs);
	free(cmd.reports);
	return rc;
}
