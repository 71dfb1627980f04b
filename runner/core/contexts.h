/* runner --cov-context=test: the tests write into their worker's shard as
 * without contexts; when a test process ends, its worker's data is read
 * natively and what moved is recorded under the process's tests
 * (covmerge_contexts.h). At the end of the run the contexts are written to
 * <cov dir>/contexts.cmctx and copied beside the cache (for
 * --affected-by). */
#ifndef RUNNER_CONTEXTS_H
#define RUNNER_CONTEXTS_H

#include "runner.h"
#include "strbuf.h"

struct run_contexts;

struct run_contexts *run_contexts_new(const char *cov_dir, int nworkers);
void run_contexts_free(struct run_contexts *rc);

/* After a test process of item it ended on worker k: records its data
 * under the ids of the item's tests (tests: the run's tests). Problems
 * are appended to warn. */
void run_contexts_item_done(struct run_contexts *rc, int k,
			    const struct item *it, const struct test *tests,
			    struct strbuf *warn);

/* After the last test: starts making the store's bytes in a thread of
 * its own (git, the lists, deflate), so that the run's other ending work
 * (the coverage report that does not show contexts) goes on beside it.
 * No more run_contexts_item_done after this. */
void run_contexts_start_finish(struct run_contexts *rc);

/* Writes the store (its bytes made now, or waited for), and a copy to
 * keep_path (when not NULL). Returns 0, or -1 with the cause in err. */
int run_contexts_finish(struct run_contexts *rc, const char *keep_path,
			struct strbuf *err);

/* Where a full run keeps its contexts for --affected-by: beside the cache
 * file, "<cache file>.contexts" (new string). */
char *run_contexts_kept_path(const char *cache_file);

#endif
