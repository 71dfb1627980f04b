#include "cliopt.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

int cli_usage(const struct cli *cli, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "%s: ", cli->prog);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: %s %s (see --help)\n", cli->prog, cli->synopsis);
	return cli->usage_status;
}

int cli_bad_option(const struct cli *cli, char **argv, int maxlen)
{
	char buf[8];
	const char *arg = argv[optind - 1];
	if (optopt && !(arg[0] == '-' && arg[1] == '-')) {
		snprintf(buf, sizeof(buf), "-%c", optopt);
		arg = buf;
	}
	fprintf(stderr, "%s: unknown option or missing value: %.*s\n", cli->prog,
		maxlen > 0 ? maxlen : INT_MAX, arg);
	fprintf(stderr, "usage: %s %s (see --help)\n", cli->prog, cli->synopsis);
	return cli->usage_status;
}

int cli_parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (end == s || *end || errno || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

int cli_parse_double(const char *s, double lo, double hi, double *out)
{
	char *end;
	double v = strtod(s, &end);
	if (end == s || *end || !(v >= lo && v <= hi))
		return -1;
	*out = v;
	return 0;
}

int cli_parse_size(const char *s, size_t limit, size_t *out)
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
	if (errno || *end || v == 0 || v > limit >> shift)
		return -1;
	*out = (size_t)(v << shift);
	return 0;
}
