#include "plan.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"

/* -k: a substring of the test id, or a glob when it has * ? [; "not X"
 * inverts. Every -k given must match. */
static int keyword_match(const char *id, const char *kw)
{
	int negate = !strncmp(kw, "not ", 4);
	if (negate)
		kw += 4;
	int m = strpbrk(kw, "*?[") ? fnmatch(kw, id, 0) == 0 : strstr(id, kw) != NULL;
	return negate ? !m : m;
}

/* -L: some CTest label of the test's program matches pattern (a glob
 * when it has * ? [, else the whole label). */
static int label_match(const struct program *p, const char *pattern)
{
	if (!p->labels)
		return 0;
	int glob = strpbrk(pattern, "*?[") != NULL;
	const char *s = p->labels;
	while (*s) {
		size_t n = strcspn(s, ";");
		char *label = xstrndup(s, n);
		int m = glob ? fnmatch(pattern, label, 0) == 0 : !strcmp(pattern, label);
		free(label);
		if (m)
			return 1;
		s += n;
		if (*s == ';')
			s++;
	}
	return 0;
}

static int is_serial(const struct test *t, const struct runner_opts *o)
{
	if (t->prog->serial)
		return 1;
	for (size_t i = 0; i < o->nserial; i++)
		if (keyword_match(t->id, o->serial[i]))
			return 1;
	return 0;
}

static int cmp_item_est(const void *a, const void *b)
{
	const struct item *x = a, *y = b;
	/* unknown durations first (they may be the slow ones), then
	 * longest first, then collection order */
	int ux = x->est < 0, uy = y->est < 0;
	if (ux != uy)
		return ux ? -1 : 1;
	if (x->est != y->est)
		return x->est > y->est ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int cmp_item_order(const void *a, const void *b)
{
	const struct item *x = a, *y = b;
	return x->order < y->order ? -1 : x->order > y->order;
}

struct builder {
	struct item *v;
	size_t n, alloc;
};

static struct item *new_item(struct builder *b, struct program *p, int whole,
			     int serial, size_t order)
{
	GROW(b->v, b->alloc, b->n + 1);
	struct item *it = &b->v[b->n++];
	memset(it, 0, sizeof(*it));
	it->prog = p;
	it->whole = whole;
	it->serial = serial;
	it->order = order;
	return it;
}

/* An item's estimate: the sum of its tests' recorded durations, or -1
 * when any of them is unknown. */
static void item_add(struct item *it, size_t test, double est)
{
	it->tests = xreallocarray(it->tests, it->ntests + 1, sizeof(size_t));
	it->tests[it->ntests++] = test;
	if (it->ntests == 1)
		it->est = est;
	else if (est < 0 || it->est < 0)
		it->est = -1;
	else
		it->est += est;
}

int sched_plan(struct plan *pl, struct suite *s, const struct runner_opts *o,
	       const struct cache *c, struct strbuf *err)
{
	memset(pl, 0, sizeof(*pl));
	int have_failures = 0;
	if (o->last_failed)
		for (size_t i = 0; i < c->n && !have_failures; i++)
			have_failures = c->v[i].failed;
	unsigned char *sel = xcalloc(s->ntests ? s->ntests : 1, 1);
	for (size_t i = 0; i < s->ntests; i++) {
		struct test *t = &s->tests[i];
		const struct cache_entry *e = cache_find(c, t->id);
		t->est = e ? e->duration : -1;
		int keep = 1;
		for (size_t k = 0; k < o->nkeywords && keep; k++)
			keep = keyword_match(t->id, o->keywords[k]);
		if (keep && o->nlabels) {
			keep = 0;
			for (size_t k = 0; k < o->nlabels && !keep; k++)
				keep = label_match(t->prog, o->labels[k]);
		}
		if (keep && have_failures)
			keep = e && e->failed;
		sel[i] = (unsigned char)keep;
		if (!keep)
			pl->deselected++;
	}

	/* group into items */
	struct builder par = {0}, ser = {0};
	size_t order = 0;
	for (size_t i = 0; i < s->ntests;) {
		struct program *p = s->tests[i].prog;
		size_t j = i;
		while (j < s->ntests && s->tests[j].prog == p)
			j++;
		/* tests [i, j) belong to program p */
		struct item *cur = NULL;
		const char *cur_group = NULL;
		/* the program may run unfiltered only when one item holds all
		 * its tests: all selected, none split off as serial */
		int all = 1, nserial = 0;
		for (size_t k = i; k < j; k++) {
			all &= sel[k];
			nserial += is_serial(&s->tests[k], o);
		}
		if (nserial && nserial != (int)(j - i))
			all = 0;
		for (size_t k = i; k < j; k++) {
			if (!sel[k])
				continue;
			struct test *t = &s->tests[k];
			int serial = is_serial(t, o);
			struct builder *b = serial ? &ser : &par;
			int same_scope;
			switch (o->dist) {
			case DIST_LOAD:
				/* a group with a group set-up or tear-down is
				 * one scope: its tests share what the set-up
				 * made, and it runs once */
				same_scope = !o->split_fixtured && t->group_fixture &&
					     cur && cur->serial == serial && cur_group &&
					     !strcmp(cur_group, t->group);
				break;
			case DIST_LOADSCOPE:
				same_scope = cur && cur->serial == serial && t->group &&
					     cur_group && !strcmp(cur_group, t->group);
				break;
			default: /* loadfile, no: a program is one item */
				same_scope = cur && cur->serial == serial;
				break;
			}
			if (!p->cmocka)
				same_scope = 0;
			if (!same_scope) {
				int whole = !p->cmocka ||
					    ((o->dist == DIST_LOADFILE || o->dist == DIST_NO) &&
					     all);
				cur = new_item(b, p, whole, serial, order++);
				cur_group = t->group;
			}
			item_add(cur, k, t->est);
		}
		i = j;
	}
	free(sel);

	/* --repeat: every item again, the copies right after */
	if (o->repeat > 1) {
		struct builder *bs[] = {&par, &ser};
		for (int w = 0; w < 2; w++) {
			struct builder *b = bs[w];
			size_t n = b->n;
			for (size_t i = 0; i < n; i++) {
				for (int r = 1; r < o->repeat; r++) {
					GROW(b->v, b->alloc, b->n + 1);
					struct item *it = &b->v[b->n++];
					*it = b->v[i];
					it->tests = xcalloc(it->ntests, sizeof(size_t));
					memcpy(it->tests, b->v[i].tests,
					       it->ntests * sizeof(size_t));
					it->order = b->v[i].order * (size_t)o->repeat + (size_t)r;
				}
				b->v[i].order *= (size_t)o->repeat;
			}
		}
	}

	/* --shard K/N: longest first onto the least loaded shard; unknown
	 * durations count as the mean of the known ones */
	if (o->shard_n > 1) {
		struct builder *bs[] = {&par, &ser};
		double known = 0;
		size_t nknown = 0;
		for (int w = 0; w < 2; w++)
			for (size_t i = 0; i < bs[w]->n; i++)
				if (bs[w]->v[i].est >= 0) {
					known += bs[w]->v[i].est;
					nknown++;
				}
		double dflt = nknown ? known / (double)nknown : 1.0;
		double *load = xcalloc((size_t)o->shard_n, sizeof(double));
		for (int w = 0; w < 2; w++) {
			struct builder *b = bs[w];
			struct item *tmp = xcalloc(b->n ? b->n : 1, sizeof(*tmp));
			if (b->n)
				memcpy(tmp, b->v, b->n * sizeof(*tmp));
			for (size_t i = 0; i < b->n; i++)
				if (tmp[i].est < 0)
					tmp[i].est = dflt;
			qsort(tmp, b->n, sizeof(*tmp), cmp_item_est);
			size_t keep = 0;
			for (size_t i = 0; i < b->n; i++) {
				int best = 0;
				for (int k = 1; k < o->shard_n; k++)
					if (load[k] < load[best])
						best = k;
				load[best] += tmp[i].est;
				if (best == o->shard_k - 1) {
					/* restore the real estimate */
					for (size_t q = 0; q < b->n; q++)
						if (b->v[q].order == tmp[i].order &&
						    b->v[q].tests == tmp[i].tests)
							tmp[i].est = b->v[q].est;
					b->v[keep++] = tmp[i];
				} else {
					free(tmp[i].tests);
					pl->deselected += tmp[i].ntests;
				}
			}
			b->n = keep;
			free(tmp);
		}
		free(load);
	}

	for (size_t i = 0; i < par.n; i++)
		pl->ntests += par.v[i].ntests;
	for (size_t i = 0; i < ser.n; i++)
		pl->ntests += ser.v[i].ntests;
	/* the parallel phase starts longest first; the sequential reference
	 * (-n 0, --dist no) and serial tests keep collection order */
	if (par.n > 1)
		qsort(par.v, par.n, sizeof(*par.v),
		      o->workers > 0 && o->dist != DIST_NO ? cmp_item_est
							   : cmp_item_order);
	if (ser.n > 1)
		qsort(ser.v, ser.n, sizeof(*ser.v), cmp_item_order);
	pl->items = par.v;
	pl->nitems = par.n;
	pl->serial = ser.v;
	pl->nserial = ser.n;
	(void)err;
	return 0;
}

void plan_release(struct plan *pl)
{
	for (size_t i = 0; i < pl->nitems; i++)
		free(pl->items[i].tests);
	for (size_t i = 0; i < pl->nserial; i++)
		free(pl->serial[i].tests);
	free(pl->items);
	free(pl->serial);
	memset(pl, 0, sizeof(*pl));
}
