/* Per-test contexts: the public API the runner uses (runner
 * --cov-context=test, --affected-by). See docs/contexts.md.
 *
 * Collecting: the test processes write their gcov data into their
 * worker's shard as without contexts (libgcov merges them there). When a
 * test process ends, cm_ctx_collect reads the data files it wrote
 * natively (the notes parsed once per object and kept, with a plan of
 * the object's lines): what moved since the last test is what this one
 * ran, and it records the lines and branch arcs under the process's
 * tests. cm_ctx_encode makes the context store and cm_ctx_write writes
 * it, contexts.cmctx, in the coverage directory.
 *
 * Selecting: cm_ctx_affected reads a context store and the changes of the
 * working tree against a revision and says which tests a change can
 * affect, and why. */
#ifndef COVMERGE_CONTEXTS_H
#define COVMERGE_CONTEXTS_H

#include <stddef.h>

#include "strbuf.h"

/* The store's file name in a coverage directory. */
#define CM_CTX_FILE "contexts.cmctx"

struct cm_ctx_collector;

struct cm_ctx_collector *cm_ctx_collector_new(int nworkers);
void cm_ctx_collector_free(struct cm_ctx_collector *c);

/* One ended test process of program `program` on worker `worker`, whose
 * shard (GCOV_PREFIX with GCOV_PREFIX_STRIP=0) is `shard`. Data that
 * cannot be read natively here (no notes beside the object, another
 * compiler's format, stale) stays as it is, for covmerge to read or
 * reject; its lines belong to no test. Returns the number of data files
 * the test wrote that were read; problems are appended to warn as
 * lines. */
size_t cm_ctx_collect(struct cm_ctx_collector *c, int worker,
		      const char *shard, const char *program,
		      const char *const *test_ids, size_t ntests,
		      struct strbuf *warn);

/* The store's bytes, for cm_ctx_write. It records `git rev-parse HEAD`
 * and the source files' git blob ids, when git can tell. Touches only c
 * (and runs git), so it may run in a thread of its own while the caller
 * does other work, such as the coverage report; after it c collects no
 * more. */
void cm_ctx_encode(struct cm_ctx_collector *c, struct strbuf *bytes);
/* Writes bytes to store_path atomically (not from a second thread: the
 * output files' bookkeeping is the process's). */
int cm_ctx_write(const struct strbuf *bytes, const char *store_path,
		 struct strbuf *err);

/* Affected-test selection. */
struct cm_ctx_selection {
	/* when set, every test runs: why, in one line (no store, another
	 * revision, a change nobody can place) */
	char *run_all;
	/* the tests the store knows that a change selects, with why (one
	 * line each), in the store's order */
	size_t nselected;
	char **selected;
	char **why;
	/* every test id the store knows */
	size_t nknown;
	char **known;
	char *revision;     /* the store's */
};

/* Reads the store at store_path and `git diff REV` of the working tree,
 * and fills sel. Returns 0; or -1 with the cause in err when the store
 * exists but cannot be read, or git fails. A missing store is not an
 * error: sel->run_all says so. */
int cm_ctx_affected(const char *store_path, const char *rev,
		    struct cm_ctx_selection *sel, struct strbuf *err);
void cm_ctx_selection_release(struct cm_ctx_selection *sel);

#endif
