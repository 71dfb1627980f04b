/* Reading lcov tracefiles (.info, or gzip-compressed .info.gz) as input. */
#ifndef CM_LCOV_READ_H
#define CM_LCOV_READ_H

#include "objcov.h"
#include "strbuf.h"

/* The first line of covmerge's extended tracefiles (lcov-ext:FILE and the
 * tracefiles inside portable shards): it says that the BRDA block field
 * holds each branch's destination line. */
#define LCOV_DST_MARKER "# covmerge: BRDA block = destination line (0 = exit)"
/* Our comment after each FN line: "#covmerge:FNEND:<end line>,<name>". */
#define LCOV_FNEND "#covmerge:FNEND:"

/* Parses the tracefile at path into out (zeroed by the caller). Returns 0,
 * or -1 with the cause (with its line number) in err. */
int lcov_read(const char *path, struct obj_cov *out, struct strbuf *err);
/* The same for a tracefile already in memory. */
int lcov_parse(const char *text, size_t len, struct obj_cov *out,
	       struct strbuf *err);

/* Appends files[0..n) as an lcov tracefile: plain lcov 1.x, or with ext
 * the extended form (the marker line, destination lines in BRDA's block
 * field, function end comments) that reads back exactly. */
void lcov_format(struct strbuf *sb, const struct cm_file *files, size_t n,
		 int ext);

#endif
