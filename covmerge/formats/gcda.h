/* The gcov data file (.gcda): run-time counters of one object. */
#ifndef CM_GCDA_H
#define CM_GCDA_H

#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

struct gcda_func {
	uint32_t ident, lineno_checksum, cfg_checksum;
	int has_arcs;        /* an arc-counter record was present */
	uint32_t ncounters;
	/* Points into the parsed file's memory (still in file byte order, see
	 * gcda_counter); NULL when the record said all counters are zero. */
	const unsigned char *counters;
};

struct gcda {
	uint32_t version;
	int major;
	uint32_t stamp;
	uint32_t checksum;   /* gcc >= 12 */
	uint32_t runs;
	int swap;
	int foreign;         /* gcda_parse failed: a format we do not read */
	size_t summary_at, summary_end;  /* the object summary record's bytes
					    (the runs; 0, 0 when none) */
	size_t nrecords;     /* records read (the file's layout: a record
				that says "all zero", gcc >= 12, grows when
				its counters move) */
	size_t nfuncs;
	struct gcda_func *funcs;
};

/* Parses data (which must outlive g) into g (zeroed by the caller).
 * Returns 0, or -1 with the cause written to err; g->foreign is then set
 * when the file is well-formed but of a format covmerge does not read
 * (see gcov_header). */
int gcda_parse(struct gcda *g, const void *data, size_t len, struct strbuf *err);
/* Counter i of f (i < f->ncounters). */
uint64_t gcda_counter(const struct gcda *g, const struct gcda_func *f, uint32_t i);
void gcda_release(struct gcda *g);

#endif
