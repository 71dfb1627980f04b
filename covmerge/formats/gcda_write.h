/* Writing a gcov data file (.gcda) of gcc 9 and later, as libgcov does:
 * used to add the counters of many test processes into one worker
 * shard's file (runner --cov-context=test). */
#ifndef CM_GCDA_WRITE_H
#define CM_GCDA_WRITE_H

#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

struct gcda_out_func {
	uint32_t ident, lineno_checksum, cfg_checksum;
	uint32_t n;              /* arc counters */
	const int64_t *counters; /* n values, or NULL for all zero */
};

struct gcda_out {
	uint32_t version;        /* as the data files read said */
	int major;               /* gcda.major: lengths in words before 12 */
	uint32_t stamp, checksum;
	uint32_t runs;
	size_t nfuncs;
	const struct gcda_out_func *funcs;
};

/* Appends the file in the machine's byte order to out: header, object
 * summary (runs; sum_max 0), then per function its FUNCTION record and
 * its arc counters, then the end word. */
void gcda_write(const struct gcda_out *g, struct strbuf *out);

#endif
