#include "affected.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "cmp.h"
#include "contexts.h"
#include "covmerge_contexts.h"

/* The index of id in the sorted v[0..n), or -1. */
static long find(char *const *v, size_t n, const char *id)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(v[mid], id);
		if (!c)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

int affected_select(struct suite *s, const struct runner_opts *o,
		    struct strbuf *err)
{
	char *kept = o->contexts_file ? xstrdup(o->contexts_file)
				      : run_contexts_kept_path(o->cache_file);
	struct cm_ctx_selection sel;
	int rc = cm_ctx_affected(kept, o->affected_by, &sel, err);
	free(kept);
	if (rc) {
		cm_ctx_selection_release(&sel);
		return -1;
	}
	if (sel.run_all) {
		printf("affected by %s: %s\n", o->affected_by, sel.run_all);
		cm_ctx_selection_release(&sel);
		return 0;
	}
	/* the reasons, by test id */
	size_t *order = xcalloc(sel.nselected ? sel.nselected : 1, sizeof(*order));
	char **ids = xcalloc(sel.nselected ? sel.nselected : 1, sizeof(*ids));
	memcpy(ids, sel.selected, sel.nselected * sizeof(*ids));
	qsort(ids, sel.nselected, sizeof(*ids), cmp_str);
	for (size_t i = 0; i < sel.nselected; i++)
		order[find(ids, sel.nselected, sel.selected[i])] = i;
	char **known = xcalloc(sel.nknown ? sel.nknown : 1, sizeof(*known));
	memcpy(known, sel.known, sel.nknown * sizeof(*known));
	qsort(known, sel.nknown, sizeof(*known), cmp_str);
	s->affected = xcalloc(s->ntests ? s->ntests : 1, 1);
	size_t nsel = 0;
	for (size_t i = 0; i < s->ntests; i++) {
		const char *id = s->tests[i].id;
		long k = find(ids, sel.nselected, id);
		const char *why = NULL;
		if (k >= 0)
			why = sel.why[order[k]];
		else if (find(known, sel.nknown, id) < 0)
			why = "a new test (not in the recorded contexts)";
		if (!why)
			continue;
		s->affected[i] = 1;
		nsel++;
		if (o->verbose)
			printf("affected: %s: %s\n", id, why);
	}
	printf("affected by %s: %zu of %zu tests (contexts of %.12s)\n",
	       o->affected_by, nsel, s->ntests, sel.revision);
	free(order);
	free(ids);
	free(known);
	cm_ctx_selection_release(&sel);
	return 0;
}
