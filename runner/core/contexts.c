#include "contexts.h"

#include <stdio.h>
#include <stdlib.h>

#include "alloc.h"
#include "covmerge_contexts.h"
#include "path.h"
#include "thread.h"

struct run_contexts {
	char *cov_dir;
	int nworkers;
	char **shard;         /* per worker: its shard directory */
	struct cm_ctx_collector *col;
	/* the store's bytes, made by the encoder thread (encoding) or in
	 * run_contexts_finish */
	pthread_t encoder;
	int encoding, encoded;
	struct strbuf bytes;
};

struct run_contexts *run_contexts_new(const char *cov_dir, int nworkers)
{
	struct run_contexts *rc = xcalloc(1, sizeof(*rc));
	rc->cov_dir = xstrdup(cov_dir);
	rc->nworkers = nworkers;
	rc->shard = xcalloc((size_t)nworkers, sizeof(char *));
	for (int k = 0; k < nworkers; k++)
		rc->shard[k] = xasprintf("%s/gw%d", cov_dir, k);
	rc->col = cm_ctx_collector_new(nworkers);
	strbuf_init(&rc->bytes);
	return rc;
}

static void *encode_main(void *arg)
{
	struct run_contexts *rc = arg;
	cm_ctx_encode(rc->col, &rc->bytes);
	return NULL;
}

void run_contexts_start_finish(struct run_contexts *rc)
{
	if (rc->encoding || rc->encoded)
		return;
	rc->encoding = thread_start_quiet(&rc->encoder, encode_main, rc) == 0;
}

/* The store's bytes made, by the thread or here. */
static void encoded(struct run_contexts *rc)
{
	if (rc->encoding) {
		pthread_join(rc->encoder, NULL);
		rc->encoding = 0;
		rc->encoded = 1;
	}
	if (!rc->encoded) {
		cm_ctx_encode(rc->col, &rc->bytes);
		rc->encoded = 1;
	}
}

void run_contexts_free(struct run_contexts *rc)
{
	if (!rc)
		return;
	if (rc->encoding)
		pthread_join(rc->encoder, NULL);
	for (int k = 0; k < rc->nworkers; k++)
		free(rc->shard[k]);
	free(rc->shard);
	free(rc->cov_dir);
	cm_ctx_collector_free(rc->col);
	strbuf_release(&rc->bytes);
	free(rc);
}

void run_contexts_item_done(struct run_contexts *rc, int k,
			    const struct item *it, const struct test *tests,
			    struct strbuf *warn)
{
	const char **ids = xcalloc(it->ntests ? it->ntests : 1, sizeof(*ids));
	for (size_t i = 0; i < it->ntests; i++)
		ids[i] = tests[it->tests[i]].id;
	cm_ctx_collect(rc->col, k, rc->shard[k], it->prog->name, ids, it->ntests,
		       warn);
	free(ids);
}

int run_contexts_finish(struct run_contexts *rc, const char *keep_path,
			struct strbuf *err)
{
	encoded(rc);
	char *store = path_join(rc->cov_dir, CM_CTX_FILE);
	int r = cm_ctx_write(&rc->bytes, store, err);
	if (r == 0 && keep_path && cm_ctx_write(&rc->bytes, keep_path, err)) {
		char *why = strbuf_detach(err, NULL);
		strbuf_init(err);
		strbuf_addf(err, "cannot keep the contexts in \"%s\": %s", keep_path, why);
		free(why);
		r = -1;
	}
	free(store);
	return r;
}

char *run_contexts_kept_path(const char *cache_file)
{
	return xasprintf("%s.contexts", cache_file);
}
