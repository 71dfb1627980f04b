#include "contexts_merge.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "infile.h"
#include "path.h"

static void merge_mapped(struct cm_contexts **ctx, struct ctx_store *src,
			 const char *root, const struct cm_options *opts)
{
	/* the paths as the report gives them */
	struct ctx_store mapped;
	ctx_store_init(&mapped);
	free(mapped.revision);
	mapped.revision = xstrdup(src->revision);
	uint32_t *fmap = xcalloc(src->nfiles ? src->nfiles : 1, sizeof(*fmap));
	for (size_t i = 0; i < src->nfiles; i++) {
		char *abs = path_absolute(root, src->files[i].path);
		char *p = merge_map_path(abs, opts);
		fmap[i] = ctx_file_index(&mapped, p);
		free(p);
		free(abs);
	}
	/* a store of one file per path: src's files renamed, merged */
	struct ctx_store renamed = *src;
	renamed.files = xcalloc(src->nfiles ? src->nfiles : 1, sizeof(*renamed.files));
	for (size_t i = 0; i < src->nfiles; i++) {
		renamed.files[i] = src->files[i];
		renamed.files[i].path = mapped.files[fmap[i]].path;
	}
	if (!*ctx) {
		*ctx = xcalloc(1, sizeof(**ctx));
		ctx_store_init(&(*ctx)->store);
	}
	ctx_store_merge(&(*ctx)->store, &renamed);
	free(renamed.files);
	free(fmap);
	ctx_store_release(&mapped);
}

void ctx_load_bytes(struct cm_contexts **ctx, const void *data, size_t len,
		    const char *label, const char *root,
		    const struct cm_options *opts, struct diag *d)
{
	struct ctx_store s;
	ctx_store_init(&s);
	struct strbuf err;
	strbuf_init(&err);
	if (ctx_store_parse(&s, data, len, &err))
		diag_add(d, CM_ERROR, "cannot read the contexts \"%s\": %s\nhint: "
			 "the file is corrupt or truncated; rerun the tests with "
			 "--cov-context=test", label, err.buf);
	else
		merge_mapped(ctx, &s, root, opts);
	strbuf_release(&err);
	ctx_store_release(&s);
}

void ctx_load_file(struct cm_contexts **ctx, const char *path,
		   const char *root, const struct cm_options *opts,
		   struct diag *d)
{
	struct strbuf data, err;
	strbuf_init(&data);
	strbuf_init(&err);
	if (infile_load(path, &data, &err))
		diag_add(d, CM_ERROR, "cannot read the contexts \"%s\": %s", path,
			 err.buf);
	else
		ctx_load_bytes(ctx, data.buf, data.len, path, root, opts, d);
	strbuf_release(&data);
	strbuf_release(&err);
}

void ctx_export(const struct cm_contexts *ctx, const char *root,
		struct strbuf *out)
{
	size_t lr = strlen(root);
	struct ctx_store rel = ctx->store;
	rel.files = xcalloc(rel.nfiles ? rel.nfiles : 1, sizeof(*rel.files));
	char **names = xcalloc(rel.nfiles ? rel.nfiles : 1, sizeof(*names));
	for (size_t i = 0; i < rel.nfiles; i++) {
		const char *p = ctx->store.files[i].path;
		rel.files[i] = ctx->store.files[i];
		if (lr > 1 && !strncmp(p, root, lr) && p[lr] == '/')
			rel.files[i].path = names[i] = xstrdup(p + lr + 1);
	}
	ctx_store_write(&rel, out);
	for (size_t i = 0; i < rel.nfiles; i++)
		free(names[i]);
	free(names);
	free(rel.files);
}

void ctx_free(struct cm_contexts *ctx)
{
	if (!ctx)
		return;
	ctx_store_release(&ctx->store);
	free(ctx->selected);
	free(ctx);
}

const struct ctx_entry *ctx_lookup(const struct cm_contexts *ctx,
				   const char *path, unsigned line,
				   unsigned branch)
{
	if (!ctx)
		return NULL;
	int64_t f = ctx_file_lookup(&ctx->store, path);
	return f < 0 ? NULL : ctx_file_find(&ctx->store.files[f], line, branch);
}

static int64_t count_matching(const struct ctx_entry *e, const uint8_t *match)
{
	int64_t n = 0;
	if (!e)
		return 0;
	CTX_FOR_TESTS(e, t)
		n += match[t];
	return n;
}

long ctx_select(struct cm_report *r, const char *const *globs, size_t nglobs,
		struct diag *d)
{
	struct cm_contexts *ctx = r->contexts;
	if (!ctx) {
		diag_add(d, CM_ERROR, "--context: the coverage data has no contexts\n"
			 "hint: run the tests with runner --cov-context=test");
		return -1;
	}
	uint8_t *match = xcalloc(ctx->store.ntests ? ctx->store.ntests : 1, 1);
	long nmatch = 0;
	for (size_t t = 0; t < ctx->store.ntests; t++)
		for (size_t g = 0; g < nglobs && !match[t]; g++)
			if (fnmatch(globs[g], ctx->store.tests[t].id, 0) == 0) {
				match[t] = 1;
				nmatch++;
			}
	for (size_t i = 0; i < r->nfiles; i++) {
		struct cm_file *f = &r->files[i];
		int64_t fi = ctx_file_lookup(&ctx->store, f->path);
		const struct ctx_file *cf = fi < 0 ? NULL : &ctx->store.files[fi];
		for (size_t l = 0; l < f->nlines; l++) {
			struct cm_line *ln = &f->lines[l];
			ln->count = cf ? count_matching(ctx_file_find(cf, ln->lineno, 0),
							match) : 0;
			for (size_t b = 0; b < ln->nbranches; b++) {
				struct cm_branch *br = &ln->branches[b];
				br->count = cf ? count_matching(ctx_file_find(cf, ln->lineno,
									      (uint32_t)b + 1),
								match) : 0;
				br->src_executed = ln->count > 0;
			}
		}
		for (size_t k = 0; k < f->nfunctions; k++) {
			struct cm_function *fn = &f->functions[k];
			fn->count = 0;
			for (size_t l = 0; l < f->nlines; l++)
				if (f->lines[l].lineno >= fn->start_line &&
				    f->lines[l].lineno <= fn->end_line &&
				    f->lines[l].count > fn->count)
					fn->count = f->lines[l].count;
		}
	}
	free(ctx->selected);
	ctx->selected = match;
	return nmatch;
}
