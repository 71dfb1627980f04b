#!/bin/bash
# runner: a parallel run and the sequential reference agree. The same
# deterministic suite (plain programs that pass, fail, skip, crash, abort
# and fork; a TAP program; two cmocka programs split into their tests; all
# over a shared library, built with --coverage) is run with -n 0 and with
# -n 4: the same pass/fail/skip sets, the same last line, and the same
# merged coverage, line for line (the lcov reports are byte-identical).
# --dist loadscope and loadfile on 4 workers give the same sets too.
# (tools/verify_parallel.sh does the same outside CTest and also measures
# the speed-up; this test asserts no times.)
set -euo pipefail
# shellcheck source=tests/lib/runner.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/runner.sh"
rt_setup

rt_build test_calc0 calc.c lib.c -DCALC_MODE=0
rt_build test_calc1 calc.c lib.c -DCALC_MODE=1
rt_build test_cm_groups cm_groups.c lib.c -lcmocka
rt_build test_cm_pass cm_pass.c lib.c -lcmocka
rt_build test_tap tap.c
rt_build test_pass pass.c
rt_build test_fail fail.c
rt_build test_skip skip.c
rt_build test_crash crash.c
rt_build test_abort abort.c
rt_build test_fork fork.c

# sets NAME: the sorted "STATUS ID" lines of run NAME
sets() {
	rt_results "$work/$1.out" | awk '{print $1, $2}' | LC_ALL=C sort
}

rt_run seq -n 0 -v --cov=obj --cov-dir cov0 --cov-report "lcov:$work/seq.info" bin
rt_expect_rc 1 "-n 0"
rt_expect_summary 14 5 3 "-n 0"
rt_run par -n 4 -v --cov=obj --cov-dir cov4 --cov-report "lcov:$work/par.info" bin
rt_expect_rc 1 "-n 4"
rt_expect_summary 14 5 3 "-n 4"
[[ $(sets seq) == "$(sets par)" ]] || fail "-n 0 and -n 4 give different results:
$(diff <(sets seq) <(sets par))"
(($(sets seq | wc -l) == 22)) || fail "expected 22 results, got $(sets seq | wc -l)"
[[ $(rt_last_line "$work/seq.out") == "$(rt_last_line "$work/par.out")" ]] ||
	fail "last lines differ: $(rt_last_line "$work/seq.out") / $(rt_last_line "$work/par.out")"
workers=$(rt_results "$work/par.out" | awk '{print $3}' | LC_ALL=C sort -u | wc -l)
((workers >= 2)) || fail "-n 4 ran everything on $workers worker(s)"
[[ -s $work/seq.info ]] || fail "no lcov report from -n 0"
cmp -s "$work/seq.info" "$work/par.info" || fail "merged coverage differs between -n 0 and -n 4:
$(diff "$work/seq.info" "$work/par.info" | head -40)"
# and it is real coverage: lines of every kind of program are in it
rt_expect_da "$work/par.info" crash.c "REACHED crash-print" 1 "-n 4"
rt_expect_da "$work/par.info" fork.c "REACHED fork-child" 10 "-n 4"
rt_expect_da "$work/par.info" lib.c "LIB never" 0 "-n 4"
# lib_classify(-1) in beta_one and (-5) in gamma_neg
rt_expect_da "$work/par.info" lib.c "LIB negative" 2 "-n 4"

for mode in loadscope loadfile; do
	rt_run "$mode" -n 4 -v --dist "$mode" bin
	rt_expect_summary 14 5 3 "--dist $mode"
	[[ $(sets seq) == "$(sets "$mode")" ]] || fail "-n 0 and -n 4 --dist $mode give different results:
$(diff <(sets seq) <(sets "$mode"))"
done

note "ok"
