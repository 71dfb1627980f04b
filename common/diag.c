#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>

#include "alloc.h"
#include "strbuf.h"

void diag_add(struct diag *d, enum cm_severity sev, const char *fmt, ...)
{
	struct strbuf sb;
	strbuf_init(&sb);
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	GROW(d->v, d->alloc, d->n + 1);
	d->v[d->n].sev = sev;
	d->v[d->n].text = strbuf_detach(&sb, NULL);
	d->n++;
	if (sev == CM_ERROR)
		d->nerrors++;
}

void diag_vemitf(cm_emit_fn *emit, void *ctx, enum cm_severity sev,
		 const char *fmt, va_list ap)
{
	struct strbuf sb;
	strbuf_init(&sb);
	strbuf_vaddf(&sb, fmt, ap);
	emit(ctx, sev, sb.buf);
	strbuf_release(&sb);
}

void diag_emitf(cm_emit_fn *emit, void *ctx, enum cm_severity sev,
		const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_vemitf(emit, ctx, sev, fmt, ap);
	va_end(ap);
}

size_t diag_flush(struct diag *d, cm_emit_fn *emit, void *ctx)
{
	size_t errors = d->nerrors;
	for (size_t i = 0; i < d->n; i++) {
		if (emit)
			emit(ctx, d->v[i].sev, d->v[i].text);
		free(d->v[i].text);
	}
	d->n = 0;
	d->nerrors = 0;
	return errors;
}

void diag_release(struct diag *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->v[i].text);
	free(d->v);
	d->v = NULL;
	d->n = d->alloc = d->nerrors = 0;
}
