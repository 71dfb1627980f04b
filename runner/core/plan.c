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

/* An item's weight for --shard: the sum of its tests' durations in the
 * durations file (a test it does not list counts as `unknown`), or
 * without one its number of tests, which every CI job counts alike. */
static double shard_weight(const struct item *it, const struct suite *s,
			   const struct cache *durations, double unknown)
{
	if (!durations)
		return (double)it->ntests;
	double w = 0;
	for (size_t i = 0; i < it->ntests; i++) {
		const struct cache_entry *e =
			cache_find(durations, s->tests[it->tests[i]].id);
		w += e ? e->duration : unknown;
	}
	return w;
}

struct weighed {
	struct item it;
	size_t idx;          /* where it is in the plan */
	double w;
	const char *key;     /* its first test's id: the same in every job */
};

static int cmp_weighed(const void *a, const void *b)
{
	const struct weighed *x = a, *y = b;
	if (x->w != y->w)
		return x->w > y->w ? -1 : 1;
	int c = strcmp(x->key, y->key);
	if (c)
		return c;
	return x->it.order < y->it.order ? -1 : x->it.order > y->it.order;
}

/* --shard K/N over v[0..n): heaviest first onto the least loaded shard
 * (the lowest-numbered on a tie), ties between items broken by their test
 * ids. Every input is the same in every job (the collected tests, and the
 * durations file when given; never the job's own cache), so the parts are
 * disjoint and cover every item. Keeps part K in v[0..*keep) in the
 * original order; frees the rest and counts their tests as deselected. */
static void shard_keep(struct item *v, size_t n, const struct suite *s,
		       const struct runner_opts *o, const struct cache *durations,
		       size_t *keep, size_t *deselected)
{
	double known = 0;
	size_t nknown = 0;
	for (size_t i = 0; durations && i < s->ntests; i++) {
		const struct cache_entry *e = cache_find(durations, s->tests[i].id);
		if (e) {
			known += e->duration;
			nknown++;
		}
	}
	double unknown = nknown ? known / (double)nknown : 1.0;
	struct weighed *wv = xcalloc(n ? n : 1, sizeof(*wv));
	for (size_t i = 0; i < n; i++) {
		wv[i].it = v[i];
		wv[i].idx = i;
		wv[i].w = shard_weight(&v[i], s, durations, unknown);
		wv[i].key = s->tests[v[i].tests[0]].id;
	}
	qsort(wv, n, sizeof(*wv), cmp_weighed);
	double *load = xcalloc((size_t)o->shard_n, sizeof(double));
	unsigned char *mine = xcalloc(n ? n : 1, 1);
	for (size_t i = 0; i < n; i++) {
		int best = 0;
		for (int k = 1; k < o->shard_n; k++)
			if (load[k] < load[best])
				best = k;
		load[best] += wv[i].w;
		mine[wv[i].idx] = best == o->shard_k - 1;
	}
	/* back in plan order: v keeps its items' own estimates */
	*keep = 0;
	for (size_t i = 0; i < n; i++) {
		if (mine[i])
			v[(*keep)++] = v[i];
		else {
			*deselected += v[i].ntests;
			free(v[i].tests);
		}
	}
	free(mine);
	free(load);
	free(wv);
}

/* Which tests run (-k, -L, --lf; only those in `only` when it is not
 * NULL): sel[i] for each test; sets each test's
 * estimated duration from the cache. Returns how many were left out. */
static size_t select_tests(struct suite *s, const struct runner_opts *o,
			   const struct cache *c, const unsigned char *only,
			   unsigned char *sel)
{
	size_t deselected = 0;
	int have_failures = 0;
	if (o->last_failed && !only)
		for (size_t i = 0; i < c->n && !have_failures; i++)
			have_failures = c->v[i].failed;
	for (size_t i = 0; o->last_failed && only && i < s->ntests; i++) {
		const struct cache_entry *e = cache_find(c, s->tests[i].id);
		have_failures |= only[i] && e && e->failed;
	}
	for (size_t i = 0; i < s->ntests; i++) {
		struct test *t = &s->tests[i];
		const struct cache_entry *e = cache_find(c, t->id);
		t->est = e ? e->duration : -1;
		int keep = (!only || only[i]) && (!s->affected || s->affected[i]);
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
			deselected++;
	}
	return deselected;
}

/* Whether test t joins the item being built (cur, of group cur_group)
 * under the --dist mode. */
static int same_scope(const struct runner_opts *o, const struct program *p,
		      const struct test *t, int serial, const struct item *cur,
		      const char *cur_group)
{
	if (!p->cmocka)
		return 0;
	switch (o->dist) {
	case DIST_LOAD:
		/* a group with a group set-up or tear-down is one scope:
		 * its tests share what the set-up made, and it runs once */
		return !o->split_fixtured && t->group_fixture && cur &&
		       cur->serial == serial && cur_group &&
		       !strcmp(cur_group, t->group);
	case DIST_LOADSCOPE:
		return cur && cur->serial == serial && t->group && cur_group &&
		       !strcmp(cur_group, t->group);
	default: /* loadfile, no: a program is one item */
		return cur && cur->serial == serial;
	}
}

/* Groups the selected tests [i, j) of program p into items of par
 * (parallel) and ser (serial). */
static void group_program(struct suite *s, const struct runner_opts *o,
			  const unsigned char *sel, size_t i, size_t j,
			  struct builder *par, struct builder *ser,
			  size_t *order)
{
	struct program *p = s->tests[i].prog;
	struct item *cur = NULL;
	const char *cur_group = NULL;
	/* the program may run unfiltered only when one item holds all its
	 * tests: all selected, none split off as serial */
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
		struct builder *b = serial ? ser : par;
		if (!same_scope(o, p, t, serial, cur, cur_group)) {
			int whole = !p->cmocka ||
				    ((o->dist == DIST_LOADFILE || o->dist == DIST_NO) &&
				     all);
			cur = new_item(b, p, whole, serial, (*order)++);
			cur_group = t->group;
		}
		item_add(cur, k, t->est);
	}
}

/* --repeat: every item again, the copies right after it. */
static void repeat_items(struct builder *b, int repeat)
{
	size_t n = b->n;
	for (size_t i = 0; i < n; i++) {
		for (int r = 1; r < repeat; r++) {
			GROW(b->v, b->alloc, b->n + 1);
			struct item *it = &b->v[b->n++];
			*it = b->v[i];
			it->tests = xcalloc(it->ntests, sizeof(size_t));
			memcpy(it->tests, b->v[i].tests, it->ntests * sizeof(size_t));
			it->order = b->v[i].order * (size_t)repeat + (size_t)r;
		}
		b->v[i].order *= (size_t)repeat;
	}
}

/* The plan, of the tests in `only` when it is not NULL. */
static void build_plan(struct plan *pl, struct suite *s,
		       const struct runner_opts *o, const struct cache *c,
		       const struct cache *durations, const unsigned char *only)
{
	memset(pl, 0, sizeof(*pl));
	unsigned char *sel = xcalloc(s->ntests ? s->ntests : 1, 1);
	pl->deselected = select_tests(s, o, c, only, sel);

	/* group into items, program by program */
	struct builder par = {0}, ser = {0};
	size_t order = 0;
	for (size_t i = 0; i < s->ntests;) {
		size_t j = i;
		while (j < s->ntests && s->tests[j].prog == s->tests[i].prog)
			j++;
		group_program(s, o, sel, i, j, &par, &ser, &order);
		i = j;
	}
	free(sel);

	if (o->repeat > 1) {
		repeat_items(&par, o->repeat);
		repeat_items(&ser, o->repeat);
	}

	if (o->shard_n > 1) {
		struct builder *bs[] = {&par, &ser};
		for (int w = 0; w < 2; w++) {
			size_t keep = 0;
			shard_keep(bs[w]->v, bs[w]->n, s, o, durations, &keep,
				   &pl->deselected);
			bs[w]->n = keep;
		}
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
}

int sched_plan(struct plan *pl, struct suite *s, const struct runner_opts *o,
	       const struct cache *c, const struct cache *durations,
	       struct strbuf *err)
{
	(void)err;
	if (!o->last_failed || o->shard_n < 2) {
		build_plan(pl, s, o, c, durations, NULL);
		return 0;
	}
	/* --lf with --shard: the parts are split over the tests every job
	 * selects alike; the failures in this job's own cache would make
	 * another split in every job, and a failure would land in the part
	 * of a job that does not know it failed. Then this part runs those
	 * of its tests that failed last time (all of them when none did). */
	struct runner_opts every = *o;
	every.last_failed = 0;
	struct plan full;
	build_plan(&full, s, &every, c, durations, NULL);
	unsigned char *mine = xcalloc(s->ntests ? s->ntests : 1, 1);
	for (size_t i = 0; i < full.nitems; i++)
		for (size_t k = 0; k < full.items[i].ntests; k++)
			mine[full.items[i].tests[k]] = 1;
	for (size_t i = 0; i < full.nserial; i++)
		for (size_t k = 0; k < full.serial[i].ntests; k++)
			mine[full.serial[i].tests[k]] = 1;
	plan_release(&full);
	struct runner_opts part = *o;
	part.shard_n = 1;
	build_plan(pl, s, &part, c, durations, mine);
	free(mine);
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
