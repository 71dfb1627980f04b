#!/bin/bash
# runner --rerun-alone (on by default with -n 2 or more): after the
# parallel phase, the tests that failed are run once more, alone. One that
# passes alone stays a failure, but the summary names it as not
# parallel-safe and the JUnit file records it; the counts, the cache and
# the coverage shards are those of the run itself. --no-rerun-alone, -n 1
# and --serial (the advice given) leave no rerun.
#
# Fixtures: unsafe/test_a and unsafe/test_b (sleep.c -DPOLL_ALONE) fail
# when they run side by side and pass alone; test_fail always fails.
set -euo pipefail
# shellcheck source=tests/lib/runner.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/runner.sh"
rt_setup

rt_build unsafe/test_a sleep.c -DPOLL_ALONE -DSLEEP_MS=600
rt_build unsafe/test_b sleep.c -DPOLL_ALONE -DSLEEP_MS=600
rt_build test_fail fail.c
rt_build test_pass pass.c
mkdir -p "$work/running"
RT_ENV=("RT_RUN_DIR=$work/running")
progs=(bin/unsafe bin/test_fail bin/test_pass)

expect_parallel_results() {
	rt_expect_results "$1" <<'EOF2'
FAILED bin/unsafe/test_a
FAILED bin/unsafe/test_b
FAILED bin/test_fail
PASSED bin/test_pass
EOF2
	rt_expect_summary 1 3 0 "$1"
	rt_expect_rc 1 "$1"
}

doctor="2 tests failed in parallel and passed alone: not parallel-safe? run them with --serial 'PATTERN'"

# ------------------------------------------------ default with -n 2
rm -f "$work/.runner-cache"
rt_run rerun -n 2 -v --junitxml "$work/junit.xml" "${progs[@]}"
expect_parallel_results "-n 2 (rerun alone by default)"
grep -qxF "rerunning 3 failed tests alone, one at a time, on gw0" "$rr_out" ||
	fail "no rerun header: $(cat "$rr_out")"
got=$(grep '^\[gw[0-9]*\] rerun alone: ' "$rr_out" | sed 's/ [0-9.]*s\( - .*\)\{0,1\}$//' | LC_ALL=C sort)
want=$(printf '%s\n' "[gw0] rerun alone: FAILED bin/test_fail" \
	"[gw0] rerun alone: PASSED bin/unsafe/test_a" "[gw0] rerun alone: PASSED bin/unsafe/test_b")
[[ $got == "$want" ]] || fail "rerun lines:
$got
expected
$want"
# the doctor's message and the list, just before the last two lines
block=$(tail -n 7 "$rr_out" | head -n 4)
want=$(printf '%s\n' "" "$doctor" "  bin/unsafe/test_a" "  bin/unsafe/test_b")
[[ $block == "$want" ]] || fail "summary block:
$block
expected
$want
--- stdout
$(cat "$rr_out")"
# JUnit: the property on the failures that were rerun, nothing else
for t in test_a test_b; do
	grep -qF "<testcase classname=\"bin/unsafe/$t\" name=\"bin/unsafe/$t\" time=" "$work/junit.xml" ||
		fail "JUnit: no testcase for $t"
	grep -F "name=\"bin/unsafe/$t\"" "$work/junit.xml" |
		grep -qF '<properties><property name="rerun_alone" value="passed"/></properties><failure' ||
		fail "JUnit: $t does not record that it passed alone: $(cat "$work/junit.xml")"
done
grep -F 'name="bin/test_fail"' "$work/junit.xml" |
	grep -qF '<property name="rerun_alone" value="failed"/>' ||
	fail "JUnit: test_fail does not record that it failed alone too"
! grep -F 'name="bin/test_pass"' "$work/junit.xml" | grep -q property ||
	fail "JUnit: a passed test has a rerun property"
grep -qF 'failures="3"' "$work/junit.xml" || fail "JUnit counts: $(head -3 "$work/junit.xml")"
# the cache keeps the failures (for --lf)
for t in bin/unsafe/test_a bin/unsafe/test_b bin/test_fail; do
	grep -qP "^[0-9.]+\tfailed\t$t\$" "$work/.runner-cache" ||
		fail "cache: $t not recorded as failed: $(cat "$work/.runner-cache")"
done

# ------------------------------------------------ no rerun
rt_run norerun -n 2 -v --no-rerun-alone "${progs[@]}"
expect_parallel_results "--no-rerun-alone"
! grep -q 'rerun' "$rr_out" || fail "--no-rerun-alone reran: $(cat "$rr_out")"
rt_run one -n 1 -v bin/test_fail
! grep -q 'rerun' "$rr_out" || fail "-n 1 reran: $(cat "$rr_out")"
rt_run explicit -n 2 -v --no-rerun-alone --rerun-alone "${progs[@]}"
grep -qF "$doctor" "$rr_out" || fail "--rerun-alone after --no-rerun-alone: $(cat "$rr_out")"

# ------------------------------------------------ the advice works
rt_run serial -n 2 -v --serial 'bin/unsafe/' "${progs[@]}"
rt_expect_summary 3 1 0 "--serial 'bin/unsafe/'"
! grep -qF "passed alone" "$rr_out" || fail "--serial: $(cat "$rr_out")"

# ------------------------------------------------ coverage is the run's own
# (the reruns' coverage goes elsewhere: each program's lines count the
# parallel run only; fail.c ran once, the two unsafe programs once each)
rt_run cov1 -n 2 --cov=obj --cov-dir c1 --cov-report "lcov:$work/with.info" "${progs[@]}"
rt_expect_rc 1 "--cov with reruns"
grep -qF "$doctor" "$rr_out" || fail "--cov: no rerun: $(cat "$rr_out")"
rt_expect_da "$work/with.info" fail.c "return 1" 1 "fail.c, rerun alone too"
rt_expect_da "$work/with.info" sleep.c "rt_enter(argv[0]);" 2 "test_a and test_b, both rerun alone"
rt_expect_da "$work/with.info" pass.c "pass: all good" 1 "pass.c, not rerun"

note "ok"
