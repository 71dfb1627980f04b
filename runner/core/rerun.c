#include "rerun.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "cmp.h"

/* A result belongs to test id when it is the test's own result ("id"), or
 * one TAP line of the program the test is ("id::..."). */
static int belongs(const char *result_id, const char *test_id)
{
	size_t n = strlen(test_id);
	return !strncmp(result_id, test_id, n) &&
	       (!result_id[n] || !strncmp(result_id + n, "::", 2));
}

/* Some id in sorted[0..n) belongs to test id. */
static int any_belongs(const char **sorted, size_t n, const char *id)
{
	/* the first id not below `id`: its own result, or its TAP lines
	 * ("id::...") right after it */
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(sorted[mid], id) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < n && !strncmp(sorted[i], id, strlen(id)); i++)
		if (belongs(sorted[i], id))
			return 1;
	return 0;
}

void rerun_plan(struct rerun *rr, const struct suite *s, const struct plan *pl,
		const struct result_list *rl)
{
	memset(rr, 0, sizeof(*rr));
	const char **failed = xcalloc(rl->n ? rl->n : 1, sizeof(*failed));
	size_t nfailed = 0;
	/* a test its process never reached did not fail in parallel: alone
	 * it would only pass, and be named as not parallel-safe */
	for (size_t i = 0; i < rl->n; i++)
		if (result_failed(&rl->v[i]) && !rl->v[i].unreached)
			failed[nfailed++] = rl->v[i].id;
	qsort(failed, nfailed, sizeof(*failed), cmp_str);
	unsigned char *seen = xcalloc(s->ntests ? s->ntests : 1, 1);
	size_t alloc = 0;
	for (size_t i = 0; i < pl->nitems && nfailed; i++) {
		const struct item *it = &pl->items[i];
		if (it->prog->not_run)
			continue; /* would fail the same way */
		for (size_t k = 0; k < it->ntests; k++) {
			size_t t = it->tests[k];
			if (seen[t] || !any_belongs(failed, nfailed, s->tests[t].id))
				continue;
			seen[t] = 1;
			GROW(rr->items, alloc, rr->n + 1);
			struct item *ri = &rr->items[rr->n];
			memset(ri, 0, sizeof(*ri));
			ri->prog = it->prog;
			ri->tests = xcalloc(1, sizeof(size_t));
			ri->tests[0] = t;
			ri->ntests = 1;
			ri->whole = !it->prog->cmocka;
			ri->serial = 1;
			ri->est = s->tests[t].est;
			ri->order = rr->n++;
		}
	}
	rr->outcome = xcalloc(rr->n ? rr->n : 1, sizeof(int));
	free(seen);
	free(failed);
}

void rerun_record(struct rerun *rr, struct suite *s, const struct item *it,
		  const struct outcome *oc, struct reporter *rp)
{
	size_t idx = (size_t)(it - rr->items);
	if (idx >= rr->n)
		return;
	struct test *t = &s->tests[it->tests[0]];
	struct test saved = *t;
	struct result_list got = {0};
	results_from_item(s, it, oc, &got);
	t->duration = saved.duration;
	t->failed = saved.failed;
	t->ran = saved.ran;
	int passed = got.n > 0;
	for (size_t i = 0; i < got.n; i++)
		passed &= !result_failed(&got.v[i]);
	rr->outcome[idx] = passed ? RERUN_PASSED : RERUN_FAILED;
	if (!rp->quiet) {
		reporter_clear(rp);
		for (size_t i = 0; i < got.n; i++) {
			const struct result *r = &got.v[i];
			char buf[64];
			printf("[gw%d] rerun alone: %s %s %.2fs%s%s\n", r->worker,
			       status_text(r, buf, sizeof(buf)), r->id, r->duration,
			       r->message ? " - " : "", r->message ? r->message : "");
		}
		fflush(stdout);
	}
	result_list_release(&got);
}

size_t rerun_settle(const struct rerun *rr, const struct suite *s,
		    struct result_list *rl)
{
	size_t passed = 0;
	for (size_t k = 0; k < rr->n; k++) {
		if (rr->outcome[k] == RERUN_NONE)
			continue;
		const char *id = s->tests[rr->items[k].tests[0]].id;
		passed += rr->outcome[k] == RERUN_PASSED;
		for (size_t i = 0; i < rl->n; i++)
			if (result_failed(&rl->v[i]) && belongs(rl->v[i].id, id))
				rl->v[i].rerun_alone = rr->outcome[k];
	}
	return passed;
}

void rerun_report(const struct rerun *rr, const struct suite *s)
{
	size_t passed = 0;
	for (size_t k = 0; k < rr->n; k++)
		passed += rr->outcome[k] == RERUN_PASSED;
	if (!passed)
		return;
	printf("\n%zu test%s failed in parallel and passed alone: not "
	       "parallel-safe? run %s with --serial 'PATTERN'\n", passed,
	       passed == 1 ? "" : "s", passed == 1 ? "it" : "them");
	for (size_t k = 0; k < rr->n; k++)
		if (rr->outcome[k] == RERUN_PASSED)
			printf("  %s\n", s->tests[rr->items[k].tests[0]].id);
}

void rerun_release(struct rerun *rr)
{
	for (size_t i = 0; i < rr->n; i++)
		free(rr->items[i].tests);
	free(rr->items);
	free(rr->outcome);
	memset(rr, 0, sizeof(*rr));
}
