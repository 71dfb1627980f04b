/* graph_solve on hand-built flow graphs: every block and arc count derived
 * from the off-tree counters, gcov's arc and block classification, the
 * successor order, and the handling of inconsistent or unsolvable data. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "gcno.h"
#include "solve.h"

#define T ARC_ON_TREE
#define FT ARC_FALLTHROUGH
#define FK ARC_FAKE

/* A function of nblocks blocks (no line locations) and the given arcs. */
static struct gcno_func make_fn(uint32_t nblocks, struct gcno_arc *arcs,
				uint32_t narcs, struct gcno_block *blocks)
{
	struct gcno_func fn = {
		.ident = 1, .name = "fn", .nblocks = nblocks, .blocks = blocks,
		.arcs = arcs, .narcs = narcs,
	};
	for (uint32_t i = 0; i < narcs; i++)
		if (!(arcs[i].flags & ARC_ON_TREE))
			fn.ncounters++;
	return fn;
}

static void check_counts(const struct graph *gr, const int64_t *bcount,
			 const int64_t *acount)
{
	for (uint32_t b = 0; b < gr->nblocks; b++)
		if (gr->bcount[b] != bcount[b])
			fail_msg("block %u: count %lld, want %lld", b,
				 (long long)gr->bcount[b], (long long)bcount[b]);
	for (uint32_t a = 0; a < gr->narcs; a++)
		if (gr->acount[a] != acount[a])
			fail_msg("arc %u (%u->%u): count %lld, want %lld", a,
				 gr->fn->arcs[a].src, gr->fn->arcs[a].dst,
				 (long long)gr->acount[a], (long long)acount[a]);
}

static void check_kinds(const struct graph *gr, const uint8_t *akind,
			const uint8_t *bkind)
{
	for (uint32_t a = 0; a < gr->narcs; a++)
		if (gr->akind[a] != akind[a])
			fail_msg("arc %u: kind %u, want %u", a, gr->akind[a], akind[a]);
	for (uint32_t b = 0; b < gr->nblocks; b++)
		if (gr->bkind[b] != bkind[b])
			fail_msg("block %u: kind %u, want %u", b, gr->bkind[b], bkind[b]);
}

/* Functions whose every count graph_tape_forms could write as counters
 * added and taken away (check_forms). */
static int formed;

static uint64_t bits_sum(const int64_t *counters, uint64_t bits)
{
	uint64_t sum = 0;
	for (uint32_t i = 0; i < 64; i++)
		if (bits >> i & 1)
			sum += (uint64_t)counters[i];
	return sum;
}

/* Each count's form, evaluated on counters, is the tape's count (count,
 * before clamping). */
static void check_forms(const struct gcno_func *fn, const struct graph_tape *tape,
			const int64_t *counters, const int64_t *count)
{
	uint32_t n = fn->nblocks + fn->narcs;
	uint32_t *want = calloc(n + 1, sizeof(*want));
	uint64_t *plus = calloc(n + 1, sizeof(*plus));
	uint64_t *minus = calloc(n + 1, sizeof(*minus));
	for (uint32_t k = 0; k < n; k++)
		want[k] = k;
	if (graph_tape_forms(tape, fn->nblocks, fn->narcs, want, n, plus, minus)) {
		formed++;
		for (uint32_t k = 0; k < n; k++) {
			int64_t v = (int64_t)(bits_sum(counters, plus[k]) -
					      bits_sum(counters, minus[k]));
			if (v != count[k])
				fail_msg("form of count %u: %lld, tape %lld", k,
					 (long long)v, (long long)count[k]);
		}
	}
	free(want);
	free(plus);
	free(minus);
}

/* A tape kept for the blocks' counts alone replays those the same, with
 * fewer steps when some arc's count is not needed for them. */
static void check_keep(const struct gcno_func *fn, const int64_t *counters,
		       const int64_t *count)
{
	struct graph gr;
	struct graph_tape tape;
	graph_solve_taped(&gr, fn, NULL, &tape);
	graph_release(&gr);
	size_t before = tape.nprog;
	uint8_t *need = calloc((size_t)fn->nblocks + fn->narcs + 1, 1);
	memset(need, 1, fn->nblocks);
	graph_tape_keep(&tape, need);
	assert_true(tape.nprog <= before);
	int64_t *b = calloc((size_t)fn->nblocks + fn->narcs + 1, sizeof(*b));
	graph_tape_run(&tape, fn->nblocks, fn->narcs, counters, b);
	for (uint32_t i = 0; i < fn->nblocks; i++)
		if (b[i] != count[i])
			fail_msg("kept tape: block %u: %lld, full tape %lld", i,
				 (long long)b[i], (long long)count[i]);
	free(b);
	free(need);
	graph_tape_release(&tape);
}

/* The tape of fn's solve (recorded with no counters) replays the solve
 * of `counters`: every count as graph_solve's (which clamps a negative
 * one to 0). */
static void check_tape(const struct gcno_func *fn, const int64_t *counters)
{
	struct graph gr, want;
	struct graph_tape tape;
	graph_solve_taped(&gr, fn, NULL, &tape);
	graph_release(&gr);
	graph_solve(&want, fn, counters);
	int64_t *b = calloc((size_t)fn->nblocks + fn->narcs + 1, sizeof(*b));
	int64_t *a = b + fn->nblocks;
	int64_t *zero = calloc(fn->ncounters ? fn->ncounters : 1, sizeof(*zero));
	graph_tape_run(&tape, fn->nblocks, fn->narcs, counters ? counters : zero,
		       b);
	for (uint32_t i = 0; i < fn->nblocks; i++)
		if ((b[i] < 0 ? 0 : b[i]) != want.bcount[i])
			fail_msg("tape: block %u: %lld, solve %lld", i,
				 (long long)b[i], (long long)want.bcount[i]);
	for (uint32_t i = 0; i < fn->narcs; i++)
		if ((a[i] < 0 ? 0 : a[i]) != want.acount[i])
			fail_msg("tape: arc %u: %lld, solve %lld", i,
				 (long long)a[i], (long long)want.acount[i]);
	assert_int_equal(tape.ncounters, fn->ncounters);
	check_forms(fn, &tape, counters ? counters : zero, b);
	check_keep(fn, counters ? counters : zero, b);
	free(b);
	free(zero);
	graph_tape_release(&tape);
	graph_release(&want);
}

/* The successors of b as arc indices. */
static void check_succ(const struct graph *gr, uint32_t b, uint32_t n,
		       const uint32_t *arcs)
{
	assert_int_equal(gr->succ_off[b + 1] - gr->succ_off[b], n);
	for (uint32_t i = 0; i < n; i++)
		assert_int_equal(gr->succ[gr->succ_off[b] + i], arcs[i]);
}

static void check_pred(const struct graph *gr, uint32_t b, uint32_t n,
		       const uint32_t *arcs)
{
	assert_int_equal(gr->pred_off[b + 1] - gr->pred_off[b], n);
	for (uint32_t i = 0; i < n; i++)
		assert_int_equal(gr->pred[gr->pred_off[b] + i], arcs[i]);
}

/* if/else:  0 -> 2 -> {3 then, 4 else} -> 5 -> 1
 * The else arc comes first in the file; counters: then 7, 4->5 3. */
static void test_diamond(void **state)
{
	(void)state;
	struct gcno_arc arcs[] = {
		{0, 2, T},      /* a0 */
		{2, 4, T | FT}, /* a1 else */
		{2, 3, 0},      /* a2 then: counter 0 */
		{3, 5, T},      /* a3 */
		{4, 5, 0},      /* a4: counter 1 */
		{5, 1, T},      /* a5 */
	};
	struct gcno_block blocks[6] = {{0}};
	struct gcno_func fn = make_fn(6, arcs, 6, blocks);
	assert_int_equal(fn.ncounters, 2);
	struct graph gr;
	graph_solve(&gr, &fn, (const int64_t[]){7, 3});
	check_tape(&fn, (const int64_t[]){7, 3});
	assert_ptr_equal(gr.fn, &fn);
	assert_int_equal(gr.nblocks, 6);
	assert_int_equal(gr.narcs, 6);
	check_counts(&gr, (const int64_t[]){10, 10, 10, 7, 3, 10},
		     (const int64_t[]){10, 3, 7, 7, 3, 10});
	check_kinds(&gr, (const uint8_t[]){GA_UNCONDITIONAL, 0, 0, GA_UNCONDITIONAL,
					   GA_UNCONDITIONAL, GA_UNCONDITIONAL},
		    (const uint8_t[]){0, 0, 0, 0, 0, 0});
	/* branch order: by destination, not file order */
	check_succ(&gr, 2, 2, (const uint32_t[]){2, 1});
	check_succ(&gr, 0, 1, (const uint32_t[]){0});
	check_succ(&gr, 1, 0, NULL);
	check_pred(&gr, 5, 2, (const uint32_t[]){3, 4});
	check_pred(&gr, 1, 1, (const uint32_t[]){5});
	check_pred(&gr, 0, 0, NULL);
	assert_int_equal(gr.negative, 0);
	assert_int_equal(gr.unsolved, 0);
	assert_int_equal(gr.has_catch, 0);
	graph_release(&gr);
	assert_null(gr.bcount);

	/* a function that never ran: everything 0, nothing unsolved */
	graph_solve(&gr, &fn, NULL);
	check_tape(&fn, NULL);
	check_counts(&gr, (const int64_t[]){0, 0, 0, 0, 0, 0},
		     (const int64_t[]){0, 0, 0, 0, 0, 0});
	assert_int_equal(gr.negative, 0);
	assert_int_equal(gr.unsolved, 0);
	graph_release(&gr);

	/* only the else side ran */
	graph_solve(&gr, &fn, (const int64_t[]){0, 4});
	check_tape(&fn, (const int64_t[]){0, 4});
	check_counts(&gr, (const int64_t[]){4, 4, 4, 0, 4, 4},
		     (const int64_t[]){4, 4, 0, 0, 4, 4});
	graph_release(&gr);
}

/* for (...) body:  0 -> 2 init -> 3 cond <-> 4 body; 3 -> 5 -> 1
 * Called twice, 5 iterations each: counters 3->5 = 2, 4->3 = 10. */
static void test_loop(void **state)
{
	(void)state;
	struct gcno_arc arcs[] = {
		{0, 2, T},  /* a0 */
		{2, 3, T},  /* a1 */
		{3, 4, T},  /* a2 */
		{3, 5, FT}, /* a3: counter 0 */
		{4, 3, 0},  /* a4: counter 1 (back edge) */
		{5, 1, T},  /* a5 */
	};
	struct gcno_block blocks[6] = {{0}};
	struct gcno_func fn = make_fn(6, arcs, 6, blocks);
	struct graph gr;
	graph_solve(&gr, &fn, (const int64_t[]){2, 10});
	check_tape(&fn, (const int64_t[]){2, 10});
	check_counts(&gr, (const int64_t[]){2, 2, 2, 12, 10, 2},
		     (const int64_t[]){2, 2, 10, 2, 10, 2});
	check_kinds(&gr, (const uint8_t[]){GA_UNCONDITIONAL, GA_UNCONDITIONAL, 0, 0,
					   GA_UNCONDITIONAL, GA_UNCONDITIONAL},
		    (const uint8_t[]){0, 0, 0, 0, 0, 0});
	check_pred(&gr, 3, 2, (const uint32_t[]){1, 4});
	assert_int_equal(gr.negative, 0);
	assert_int_equal(gr.unsolved, 0);
	graph_release(&gr);
}

/* A call that may not return:  0 -> 2 call -> 3 -> 1, with the fake arc
 * 2 -> 1. Counters: fake 1 (the call exited once), 3->1 = 4. */
static void test_call_non_return(void **state)
{
	(void)state;
	struct gcno_arc arcs[] = {
		{0, 2, T},      /* a0 */
		{2, 3, T | FT}, /* a1 */
		{2, 1, FK},     /* a2: counter 0 */
		{3, 1, 0},      /* a3: counter 1 */
	};
	struct gcno_block blocks[4] = {{0}};
	struct gcno_func fn = make_fn(4, arcs, 4, blocks);
	assert_int_equal(fn.ncounters, 2);
	struct graph gr;
	graph_solve(&gr, &fn, (const int64_t[]){1, 4});
	check_tape(&fn, (const int64_t[]){1, 4});
	check_counts(&gr, (const int64_t[]){5, 5, 5, 4},
		     (const int64_t[]){5, 4, 1, 4});
	/* the fake arc is a call-non-return, which makes its source a call
	 * site; the remaining arc is the block's only real successor */
	check_kinds(&gr, (const uint8_t[]){GA_UNCONDITIONAL, GA_UNCONDITIONAL,
					   GA_CALL_NON_RETURN, GA_UNCONDITIONAL},
		    (const uint8_t[]){0, 0, GB_CALL_SITE, 0});
	/* block 2's successors sorted by destination: the exit (1) first */
	check_succ(&gr, 2, 2, (const uint32_t[]){2, 1});
	assert_int_equal(gr.has_catch, 0);
	assert_int_equal(gr.negative, 0);
	assert_int_equal(gr.unsolved, 0);
	graph_release(&gr);
}

/* A call that can throw to a landing pad:  0 -> 2 call; 2 -> 3 normal
 * (fallthrough), 2 -> 4 exception arc, 2 -> 1 fake; 3 -> 1; 4 -> 1.
 * Counters in file order: 2->4 = 2, 2->1 = 1, 3->1 = 6. */
static void test_throw_and_landing_pad(void **state)
{
	(void)state;
	struct gcno_arc arcs[] = {
		{0, 2, T},      /* a0 */
		{2, 3, T | FT}, /* a1 */
		{2, 4, 0},      /* a2: counter 0 */
		{2, 1, FK},     /* a3: counter 1 */
		{3, 1, 0},      /* a4: counter 2 */
		{4, 1, T},      /* a5 */
	};
	struct gcno_block blocks[5] = {{0}};
	struct gcno_func fn = make_fn(5, arcs, 6, blocks);
	struct graph gr;
	graph_solve(&gr, &fn, (const int64_t[]){2, 1, 6});
	check_tape(&fn, (const int64_t[]){2, 1, 6});
	check_counts(&gr, (const int64_t[]){9, 9, 9, 6, 2},
		     (const int64_t[]){9, 6, 2, 1, 6, 2});
	check_kinds(&gr, (const uint8_t[]){GA_UNCONDITIONAL, 0, GA_THROW,
					   GA_CALL_NON_RETURN, GA_UNCONDITIONAL,
					   GA_UNCONDITIONAL},
		    (const uint8_t[]){0, 0, GB_CALL_SITE, 0, GB_EXCEPTIONAL});
	check_succ(&gr, 2, 3, (const uint32_t[]){3, 1, 2});
	assert_int_equal(gr.has_catch, 1);
	assert_int_equal(gr.negative, 0);
	assert_int_equal(gr.unsolved, 0);
	graph_release(&gr);
}

/* Straight-line code: 0 -> 2 -> 1, one counter. */
static void test_unconditional(void **state)
{
	(void)state;
	struct gcno_arc arcs[] = {{0, 2, T}, {2, 1, 0}};
	struct gcno_block blocks[3] = {{0}};
	struct gcno_func fn = make_fn(3, arcs, 2, blocks);
	struct graph gr;
	graph_solve(&gr, &fn, (const int64_t[]){4});
	check_tape(&fn, (const int64_t[]){4});
	check_counts(&gr, (const int64_t[]){4, 4, 4}, (const int64_t[]){4, 4});
	check_kinds(&gr, (const uint8_t[]){GA_UNCONDITIONAL, GA_UNCONDITIONAL},
		    (const uint8_t[]){0, 0, 0});
	graph_release(&gr);

	/* an entry that goes straight to the exit, plus a fake arc from the
	 * entry (a non-local return) */
	struct gcno_arc arcs2[] = {{0, 1, 0}, {0, 1, FK}};
	struct gcno_func fn2 = make_fn(2, arcs2, 2, blocks);
	graph_solve(&gr, &fn2, (const int64_t[]){3, 2});
	check_tape(&fn2, (const int64_t[]){3, 2});
	check_counts(&gr, (const int64_t[]){5, 5}, (const int64_t[]){3, 2});
	check_kinds(&gr, (const uint8_t[]){GA_UNCONDITIONAL, GA_NONLOCAL_RETURN},
		    (const uint8_t[]){0, 0});
	graph_release(&gr);
}

/* Counters that disagree: with the diamond's tree chosen so that the then
 * arc is derived as block 2's count minus the else arc, an else count
 * larger than the function's entry count makes it negative (-3). */
static void test_inconsistent_counters(void **state)
{
	(void)state;
	struct gcno_arc arcs[] = {
		{0, 2, 0},      /* a0: counter 0 = 5 */
		{2, 4, T | FT}, /* a1 */
		{2, 3, T},      /* a2: derived 5 - 8 = -3 */
		{3, 5, T},      /* a3: -3 */
		{4, 5, 0},      /* a4: counter 1 = 8 */
		{5, 1, T},      /* a5 */
	};
	struct gcno_block blocks[6] = {{0}};
	struct gcno_func fn = make_fn(6, arcs, 6, blocks);
	struct graph gr;
	graph_solve(&gr, &fn, (const int64_t[]){5, 8});
	check_tape(&fn, (const int64_t[]){5, 8});
	assert_int_equal(gr.negative, 1);
	assert_int_equal(gr.unsolved, 0);
	check_counts(&gr, (const int64_t[]){5, 5, 5, 0, 8, 5},
		     (const int64_t[]){5, 8, 0, 0, 8, 5});
	graph_release(&gr);

	/* a counter that is itself negative (a wrapped 64-bit value) */
	struct gcno_arc arcs2[] = {{0, 2, T}, {2, 1, 0}};
	struct gcno_func fn2 = make_fn(3, arcs2, 2, blocks);
	graph_solve(&gr, &fn2, (const int64_t[]){INT64_MIN});
	check_tape(&fn2, (const int64_t[]){INT64_MIN});
	assert_int_equal(gr.negative, 1);
	check_counts(&gr, (const int64_t[]){0, 0, 0}, (const int64_t[]){0, 0});
	graph_release(&gr);
}

/* A cycle of on-tree arcs not connected to the rest: nothing to derive
 * its counts from. */
static void test_unsolvable(void **state)
{
	(void)state;
	struct gcno_arc arcs[] = {{0, 1, 0}, {2, 3, T}, {3, 2, T}};
	struct gcno_block blocks[4] = {{0}};
	struct gcno_func fn = make_fn(4, arcs, 3, blocks);
	struct graph gr;
	graph_solve(&gr, &fn, (const int64_t[]){5});
	check_tape(&fn, (const int64_t[]){5});
	assert_int_equal(gr.unsolved, 1);
	assert_int_equal(gr.negative, 0);
	check_counts(&gr, (const int64_t[]){5, 5, 0, 0}, (const int64_t[]){5, 0, 0});
	graph_release(&gr);
}

/* graph_tape_forms: an if/else whose entry and then side are counted has
 * its else side as the entry minus the then side; a function of more than
 * 64 counters has no forms (its flow is solved). */
static void test_tape_forms(void **state)
{
	(void)state;
	struct gcno_arc arcs[] = {
		{0, 2, 0},      /* a0: counter 0 */
		{2, 4, T | FT}, /* a1 else */
		{2, 3, 0},      /* a2 then: counter 1 */
		{3, 5, T},      /* a3 */
		{4, 5, T},      /* a4 */
		{5, 1, T},      /* a5 */
	};
	struct gcno_block blocks[6] = {{0}};
	struct gcno_func fn = make_fn(6, arcs, 6, blocks);
	struct graph gr;
	struct graph_tape tape;
	graph_solve_taped(&gr, &fn, NULL, &tape);
	graph_release(&gr);
	const uint32_t want[] = {4, 6 + 1, 3, 5};   /* else, its arc, then, join */
	uint64_t plus[4], minus[4];
	assert_int_equal(graph_tape_forms(&tape, 6, 6, want, 4, plus, minus), 1);
	assert_int_equal(plus[0], 1);
	assert_int_equal(minus[0], 2);
	assert_int_equal(plus[1], 1);
	assert_int_equal(minus[1], 2);
	assert_int_equal(plus[2], 2);
	assert_int_equal(minus[2], 0);
	assert_int_equal(plus[3], 1);
	assert_int_equal(minus[3], 0);
	graph_tape_release(&tape);
	int before = formed;
	check_tape(&fn, (const int64_t[]){9, 4});
	check_tape(&fn, (const int64_t[]){3, 5});   /* inconsistent: -2 */
	assert_int_equal(formed, before + 2);

	/* 0 -> 2 -> 3..67 (65 counted arcs) -> 1 */
	enum { WIDE = 65 };
	struct gcno_arc wide[1 + 2 * WIDE];
	wide[0] = (struct gcno_arc){0, 2, T};
	for (uint32_t k = 0; k < WIDE; k++) {
		wide[1 + k] = (struct gcno_arc){2, 3 + k, 0};
		wide[1 + WIDE + k] = (struct gcno_arc){3 + k, 1, T};
	}
	struct gcno_block wblocks[3 + WIDE] = {{0}};
	struct gcno_func wfn = make_fn(3 + WIDE, wide, 1 + 2 * WIDE, wblocks);
	assert_int_equal(wfn.ncounters, WIDE);
	int64_t counters[WIDE];
	for (uint32_t k = 0; k < WIDE; k++)
		counters[k] = k % 3;
	before = formed;
	check_tape(&wfn, counters);
	assert_int_equal(formed, before);
	graph_solve_taped(&gr, &wfn, NULL, &tape);
	graph_release(&gr);
	const uint32_t one[] = {2};
	assert_int_equal(graph_tape_forms(&tape, 3 + WIDE, 1 + 2 * WIDE, one, 1,
					  plus, minus), 0);
	graph_tape_release(&tape);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_diamond),
		cmocka_unit_test(test_loop),
		cmocka_unit_test(test_call_non_return),
		cmocka_unit_test(test_throw_and_landing_pad),
		cmocka_unit_test(test_unconditional),
		cmocka_unit_test(test_inconsistent_counters),
		cmocka_unit_test(test_unsolvable),
		cmocka_unit_test(test_tape_forms),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
