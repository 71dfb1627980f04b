#!/bin/bash
# runner: the results of a cmocka process are read by test name, and how
# the process ended counts (fixture cm_endings.c, group "g" with a group
# set-up and tear-down, group "h" without):
#  1. a test that aborts mid-group: the tests after it are reported as not
#     run, and --rerun-alone does not rerun them (alone they would pass and
#     be named as not parallel-safe, which they never were);
#  2. every test reported, then the program exits 7 (a leak checker's exit
#     check): ctest fails it, so does the runner, on the last test;
#  3. a tear-down that hangs after every test reported: TIMEOUT, not green;
#  4. a failed group tear-down (cmocka's "not ok 0" line, exit 0) under
#     --dist loadfile: the next group's results stay its own (they were
#     shifted by one line: h_pass FAILED, h_fail PASSED);
#  5. a failed group set-up: its tests are errors that say so;
#  6. --timeout is each test's, also in a group run as one process: a test
#     of 5 s under --timeout 2 is a TIMEOUT (the group of 3 had 3 x 2 s in
#     all, and the slow test passed);
#  7. a still-running notice names the test that runs, also after a failed
#     tear-down's "not ok 0" line (it named the test after it).
set -euo pipefail
# shellcheck source=tests/lib/runner.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/runner.sh"
rt_setup

RT_NOCOV=1
rt_build cm/test_endings cm_endings.c -lcmocka
p=bin/cm/test_endings

# the "[gwK] STATUS ID 0.00s - message" line of ID, without worker and time
line_of() {
	grep -E "^\[gw[0-9]+\] [A-Z].* $p::$1 [0-9.]+s" "$rr_out" | head -n 1 |
		sed -E 's/^\[gw[0-9]+\] //; s/ [0-9.]+s( - |$)/\1/'
}

expect_line() {
	local got
	got=$(line_of "$1")
	[[ $got == "$2" ]] || fail "$3: line of $1 is \"$got\", expected \"$2\"; stdout:
$(cat "$rr_out")"
}

# ------------------------------------------------ 1. abort mid-group
RT_ENV=(RT_ABORT_TWO=1)
rt_run abort -n 2 -v "$p"
rt_expect_results "abort in g_two" <<EOF2
PASSED $p::g::g_one
CRASHED(SIGABRT) $p::g::g_two
ERROR $p::g::g_three
PASSED $p::h::h_pass
FAILED $p::h::h_fail
EOF2
expect_line g::g_three "ERROR $p::g::g_three - not run: the program ended before it" "abort"
rt_expect_summary 2 3 0 "abort in g_two"
rt_expect_rc 1 "abort in g_two"
grep -qxF "rerunning 2 failed tests alone, one at a time, on gw0" "$rr_out" ||
	fail "abort: g_two and h_fail are rerun, not g_three, which never ran:
$(cat "$rr_out")"
! grep -q "rerun alone: .*g_three" "$rr_out" || fail "abort: g_three was rerun:
$(cat "$rr_out")"
! grep -q "passed alone" "$rr_out" || fail "abort: a test was named as not parallel-safe:
$(cat "$rr_out")"

# ------------------------------------------------ 2. a failing exit status
RT_ENV=(RT_EXIT_AFTER=7)
rt_run exit7 -n 2 -v --no-rerun-alone "$p"
rt_expect_results "exit 7 after the tests" <<EOF2
PASSED $p::g::g_one
PASSED $p::g::g_two
FAILED $p::g::g_three
PASSED $p::h::h_pass
FAILED $p::h::h_fail
EOF2
expect_line g::g_three "FAILED $p::g::g_three - exited with status 7 after its last test" "exit 7"
rt_expect_summary 3 2 0 "exit 7 after the tests"
rt_expect_rc 1 "exit 7 after the tests"

# ------------------------------------------------ 3. a hung tear-down
RT_ENV=(RT_HANG_TEARDOWN=1)
rt_run hang -n 2 -v --timeout 5 --no-rerun-alone -k g_ "$p"
rt_expect_results "hung tear-down" <<EOF2
PASSED $p::g::g_one
PASSED $p::g::g_two
TIMEOUT $p::g::g_three
EOF2
expect_line g::g_three "TIMEOUT $p::g::g_three - timed out after its last test" "hang"
rt_expect_rc 1 "hung tear-down"

# ------------------------------------------------ 4. a failed tear-down
RT_ENV=(RT_TEARDOWN_FAIL=1)
for dist in loadfile load; do
	rt_run "teardown-$dist" -n 2 -v --dist "$dist" --no-rerun-alone "$p"
	rt_expect_results "failed tear-down, --dist $dist" <<EOF2
PASSED $p::g::g_one
PASSED $p::g::g_two
PASSED $p::g::g_three
PASSED $p::h::h_pass
FAILED $p::h::h_fail
EOF2
	rt_expect_summary 4 1 0 "failed tear-down, --dist $dist"
done

# ------------------------------------------------ 5. a failed set-up
RT_ENV=(RT_SETUP_FAIL=1)
for dist in loadfile load; do
	rt_run "setup-$dist" -n 2 -v --dist "$dist" --no-rerun-alone "$p"
	rt_expect_results "failed set-up, --dist $dist" <<EOF2
ERROR $p::g::g_one
ERROR $p::g::g_two
ERROR $p::g::g_three
PASSED $p::h::h_pass
FAILED $p::h::h_fail
EOF2
	for t in g_one g_two g_three; do
		expect_line "g::$t" "ERROR $p::g::$t - not run: the program reported nothing for it (its group's set-up failed?)" \
			"failed set-up, --dist $dist"
	done
	rt_expect_summary 1 4 0 "failed set-up, --dist $dist"
done

# ------------------------------------------------ 6. a slow test in a group
RT_ENV=(RT_SLOW_ONE_MS=5000)
rt_run slow -n 2 -v --timeout 2 --no-rerun-alone -k g_ "$p"
rt_expect_results "a slow test in a group" <<EOF2
TIMEOUT $p::g::g_one
ERROR $p::g::g_two
ERROR $p::g::g_three
EOF2
rt_expect_rc 1 "a slow test in a group"

# ------------------------------------------------ 7. still running
RT_ENV=(RT_TEARDOWN_FAIL=1 RT_SLOW_H_MS=4000)
rt_run notice -n 2 -v --dist loadfile --still-running-after 1 --no-rerun-alone "$p"
# (the count of TAP lines named h_fail all through h_pass's 4 s, and
# never h_pass; a notice in the moment between h_pass's line and h_fail's
# rightly names h_fail)
grep -q "^still running: $p::h::h_pass ([0-9]* s)$" "$rr_out" ||
	fail "no still-running line names h_pass:
$(cat "$rr_out")"

note "ok"
