#include "contexts.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "covmerge_contexts.h"
#include "infile.h"
#include "outfile.h"
#include "path.h"

struct run_contexts {
	char *cov_dir;
	int nworkers;
	char **shard;         /* per worker: its shard directory */
	struct cm_ctx_collector *col;
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
	return rc;
}

void run_contexts_free(struct run_contexts *rc)
{
	if (!rc)
		return;
	for (int k = 0; k < rc->nworkers; k++)
		free(rc->shard[k]);
	free(rc->shard);
	free(rc->cov_dir);
	cm_ctx_collector_free(rc->col);
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

static int copy_file(const char *from, const char *to, struct strbuf *err)
{
	struct strbuf data;
	strbuf_init(&data);
	int rc = infile_load(from, &data, err);
	struct outfile of;
	if (rc == 0 && (rc = outfile_open(&of, to, err)) == 0) {
		fwrite(data.buf, 1, data.len, of.fp);
		rc = outfile_commit(&of, err);
	}
	strbuf_release(&data);
	return rc;
}

int run_contexts_finish(struct run_contexts *rc, const char *keep_path,
			struct strbuf *err)
{
	char *store = path_join(rc->cov_dir, CM_CTX_FILE);
	int r = cm_ctx_finish(rc->col, store, err);
	if (r == 0 && keep_path && copy_file(store, keep_path, err)) {
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
