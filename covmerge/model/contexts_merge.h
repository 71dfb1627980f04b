/* Per-test contexts in the merged report: the context stores of the
 * inputs (a runner coverage directory's contexts.cmctx, portable shards'
 * contexts records) merged into one, their paths mapped as the report's
 * are, and attached to the report (cm_report.contexts). */
#ifndef CM_CONTEXTS_MERGE_H
#define CM_CONTEXTS_MERGE_H

#include <stddef.h>

#include "contexts.h"
#include "covmerge.h"
#include "diag.h"
#include "strbuf.h"

struct cm_contexts {
	struct ctx_store store;   /* paths as the report's */
	uint8_t *selected;        /* per test: kept by --context, or NULL */
};

/* The reported path of a source path (--path-map); merge.c. */
char *merge_map_path(const char *path, const struct cm_options *opts);

/* Reads the store file at path and merges it into *ctx (made on first
 * use), its relative paths taken against root, then mapped. A problem is
 * an error in d naming the file. */
void ctx_load_file(struct cm_contexts **ctx, const char *path,
		   const char *root, const struct cm_options *opts,
		   struct diag *d);
/* The same for a store's bytes carried by a portable shard (label). */
void ctx_load_bytes(struct cm_contexts **ctx, const void *data, size_t len,
		    const char *label, const char *root,
		    const struct cm_options *opts, struct diag *d);
/* Serialises ctx with the paths under root made relative to it (for a
 * portable shard). */
void ctx_export(const struct cm_contexts *ctx, const char *root,
		struct strbuf *out);
void ctx_free(struct cm_contexts *ctx);

/* The tests that ran line (branch 0) or its branch arc b (branch b + 1)
 * of the file at path: indices into ctx->store.tests, or NULL. */
const struct ctx_entry *ctx_lookup(const struct cm_contexts *ctx,
				   const char *path, unsigned line,
				   unsigned branch);

/* --context: keeps in r only what the tests matching one of the globs
 * ran. A line's (and a branch arc's) count becomes the number of
 * matching tests that ran it; a function's, the largest count of the
 * lines it spans. Returns the number of matching tests, or -1 (with an
 * error in d) when r has no contexts. */
long ctx_select(struct cm_report *r, const char *const *globs, size_t nglobs,
		struct diag *d);

#endif
