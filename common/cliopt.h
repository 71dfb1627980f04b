/* The option parsing style both commands share: getopt_long with opterr
 * off, messages "PROG: ..." followed by the usage line, and one parser per
 * kind of value (a bounded integer, a bounded number, a size). */
#ifndef CM_CLIOPT_H
#define CM_CLIOPT_H

#include <stddef.h>

struct cli {
	const char *prog;      /* "runner" */
	const char *synopsis;  /* "[options] [TEST...]" */
	int usage_status;      /* the exit status of a usage error */
};

/* Prints "PROG: <message>" and the usage line to stderr; returns
 * cli->usage_status. */
int cli_usage(const struct cli *cli, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* After getopt_long returned '?': the usage error for the option it
 * rejected (argv[optind - 1]), at most maxlen characters of it (0: all). */
int cli_bad_option(const struct cli *cli, char **argv, int maxlen);

/* A whole decimal number from lo to hi. Returns 0, or -1 for anything
 * else. */
int cli_parse_long(const char *s, long lo, long hi, long *out);
/* A number from lo to hi (strtod syntax, nothing after it; NaN never
 * passes). */
int cli_parse_double(const char *s, double lo, double hi, double *out);
/* A size in bytes, above 0, with an optional K, M or G suffix (powers of
 * 1024), at most limit. */
int cli_parse_size(const char *s, size_t limit, size_t *out);

#endif
