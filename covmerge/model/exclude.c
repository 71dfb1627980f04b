#include "exclude.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "infile.h"
#include "strbuf.h"

enum marker {
	MK_NONE, MK_LINE, MK_START, MK_STOP, MK_BR_LINE, MK_BR_START, MK_BR_STOP,
};

/* The markers on one source line (a line can hold several). */
static unsigned markers_of(const char *s, size_t n)
{
	static const struct {
		const char *word;
		enum marker m;
	} words[] = {
		{"EXCL_BR_LINE", MK_BR_LINE}, {"EXCL_BR_START", MK_BR_START},
		{"EXCL_BR_STOP", MK_BR_STOP}, {"EXCL_LINE", MK_LINE},
		{"EXCL_START", MK_START}, {"EXCL_STOP", MK_STOP},
	};
	unsigned found = 0;
	const char *end = s + n;
	for (const char *p = s; (p = memmem(p, (size_t)(end - p), "EXCL_", 5)); p += 5) {
		size_t before = (size_t)(p - s);
		int prefixed = (before >= 5 && !memcmp(p - 5, "LCOV_", 5)) ||
			       (before >= 5 && !memcmp(p - 5, "GCOV_", 5)) ||
			       (before >= 6 && !memcmp(p - 6, "GCOVR_", 6));
		if (!prefixed)
			continue;
		for (size_t k = 0; k < sizeof(words) / sizeof(words[0]); k++) {
			size_t wl = strlen(words[k].word);
			if ((size_t)(end - p) >= wl && !memcmp(p, words[k].word, wl)) {
				found |= 1u << words[k].m;
				break;
			}
		}
	}
	return found;
}

static void warn(cm_emit_fn *emit, void *ctx, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void warn(cm_emit_fn *emit, void *ctx, const char *fmt, ...)
{
	if (!emit)
		return;
	struct strbuf msg;
	strbuf_init(&msg);
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	emit(ctx, CM_WARNING, msg.buf);
	strbuf_release(&msg);
}

unsigned char *exclude_marks(const char *path, const char *buf, size_t len,
			     size_t *nlines, cm_emit_fn *emit, void *emit_ctx)
{
	if (!memmem(buf, len, "EXCL_", 5))
		return NULL;
	size_t n_lines = 1;
	for (size_t i = 0; i < len; i++)
		n_lines += buf[i] == '\n';
	unsigned char *ex = xcalloc(n_lines + 2, 1);
	int in_region = 0, in_br_region = 0;
	unsigned region_start = 0, br_start = 0;
	const char *p = buf, *end = buf + len;
	for (unsigned ln = 1; p < end || ln == 1; ln++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		unsigned m = markers_of(p, n);
		if (m & 1u << MK_START) {
			if (in_region)
				warn(emit, emit_ctx, "\"%s\":%u: EXCL_START inside an "
				     "excluded region", path, ln);
			in_region = 1;
			region_start = ln;
		}
		if (m & 1u << MK_BR_START) {
			in_br_region = 1;
			br_start = ln;
		}
		if (in_region || (m & 1u << MK_LINE))
			ex[ln] |= EXCL_MARK_LINE;
		if (in_br_region || (m & 1u << MK_BR_LINE))
			ex[ln] |= EXCL_MARK_BRANCHES;
		if (m & 1u << MK_STOP) {
			if (!in_region)
				warn(emit, emit_ctx, "\"%s\":%u: EXCL_STOP without a "
				     "matching EXCL_START", path, ln);
			in_region = 0;
		}
		if (m & 1u << MK_BR_STOP)
			in_br_region = 0;
		if (!nl)
			break;
		p = nl + 1;
	}
	if (in_region)
		warn(emit, emit_ctx, "\"%s\":%u: EXCL_START without a matching "
		     "EXCL_STOP; excluded to the end of the file", path,
		     region_start);
	if (in_br_region)
		warn(emit, emit_ctx, "\"%s\":%u: EXCL_BR_START without a matching "
		     "EXCL_BR_STOP; excluded to the end of the file", path,
		     br_start);
	*nlines = n_lines;
	return ex;
}

void exclude_apply(struct cm_file *f, cm_emit_fn *emit, void *emit_ctx)
{
	struct strbuf src, err;
	strbuf_init(&src);
	strbuf_init(&err);
	size_t nlines = 0;
	unsigned char *ex = NULL;
	if (infile_load_source(f->path, &src, &err)) {
		if (emit) {
			char *msg = xasprintf("cannot read source \"%s\": %s; its "
					      "exclusion markers are not applied",
					      f->path, err.buf);
			emit(emit_ctx, CM_WARNING, msg);
			free(msg);
		}
		goto out;
	}
	ex = exclude_marks(f->path, src.buf, src.len, &nlines, emit, emit_ctx);
	if (!ex)
		goto out;

	size_t w = 0;
	for (size_t i = 0; i < f->nlines; i++) {
		struct cm_line *l = &f->lines[i];
		unsigned char e = l->lineno <= nlines ? ex[l->lineno] : 0;
		if (e & EXCL_MARK_LINE) {
			free(l->branches);
			continue;
		}
		if (e & EXCL_MARK_BRANCHES) {
			free(l->branches);
			l->branches = NULL;
			l->nbranches = 0;
		}
		f->lines[w++] = *l;
	}
	f->nlines = w;
	w = 0;
	for (size_t i = 0; i < f->nfunctions; i++) {
		struct cm_function *fn = &f->functions[i];
		unsigned s = fn->start_line;
		if (s <= nlines && (ex[s] & EXCL_MARK_LINE)) {
			free(fn->name);
			continue;
		}
		f->functions[w++] = *fn;
	}
	f->nfunctions = w;
	free(ex);
out:
	strbuf_release(&src);
	strbuf_release(&err);
}
