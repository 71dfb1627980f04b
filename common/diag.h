/* A list of messages kept in order, so work done on several threads can be
 * reported in a fixed order (byte-identical output for any -j). */
#ifndef CM_DIAG_H
#define CM_DIAG_H

#include <stdarg.h>
#include <stddef.h>

#include "covmerge.h"

struct diag_msg {
	enum cm_severity sev;
	char *text;
};

struct diag {
	struct diag_msg *v;
	size_t n, alloc;
	size_t nerrors;
};

void diag_add(struct diag *d, enum cm_severity sev, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Hands every message to emit in order, then empties the list. Returns
 * the number of errors that were in it. */
size_t diag_flush(struct diag *d, cm_emit_fn *emit, void *ctx);
/* One formatted message straight to emit (no list). */
void diag_emitf(cm_emit_fn *emit, void *ctx, enum cm_severity sev,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void diag_vemitf(cm_emit_fn *emit, void *ctx, enum cm_severity sev,
		 const char *fmt, va_list ap) __attribute__((format(printf, 4, 0)));
void diag_release(struct diag *d);

#endif
