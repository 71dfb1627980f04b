#!/bin/bash
# runner: a test that runs long is visible. Past --still-running-after S
# seconds (default 60; 0 = never), and again every S seconds, a
# "still running: TEST (N s)" line appears in non-terminal output, and the
# terminal status line shows it. In a cmocka item of several tests, TEST is
# the one running (the first without a TAP result yet), not the item.
set -euo pipefail
# shellcheck source=tests/lib/runner.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/runner.sh"
rt_setup

RT_NOCOV=1
rt_build cm/test_cm_hang cm_hang.c -lcmocka
rt_build test_sleep sleep.c -DSLEEP_MS=3500
rt_build test_quick pass.c

# notices NAME ID: the N of the "still running: ID (N s)" lines, in order
notices() {
	sed -n "s|^still running: $2 (\\([0-9]*\\) s)\$|\\1|p" "$work/$1.out" | tr '\n' ' '
}

# check NAME ID: at least two notices for ID, the first at 1 s or more,
# strictly increasing, all before the test's result line
check() {
	local got prev=0 n
	got=$(notices "$1" "$2")
	read -ra ns <<<"$got"
	((${#ns[@]} >= 2)) || fail "$1: ${#ns[@]} notices for $2 (expected 2 or more):
$(cat "$work/$1.out")"
	for n in "${ns[@]}"; do
		((n > prev)) || fail "$1: notices for $2 not increasing: $got"
		prev=$n
	done
	local last result
	last=$(grep -n "^still running: $2 (" "$work/$1.out" | tail -1 | cut -d: -f1)
	result=$(grep -n "^\[gw[0-9]*\] PASSED $2 " "$work/$1.out" | cut -d: -f1)
	[[ -n $result ]] && ((last < result)) || fail "$1: notices after the result of $2:
$(cat "$work/$1.out")"
}

rt_run notices -n 2 -v --still-running-after 1 bin/cm bin/test_sleep
rt_expect_rc 0 "--still-running-after 1"
rt_expect_summary 3 0 0 "--still-running-after 1"
check notices bin/test_sleep
check notices bin/cm/test_cm_hang::slow::slow_stuck
! grep -q '^still running: .*slow_quick' "$rr_out" ||
	fail "a notice names the test that had finished: $(cat "$rr_out")"

# without -v, on no terminal: the same lines
rt_run plain -n 2 --still-running-after 1 bin/test_sleep bin/test_quick
rt_expect_rc 0 "without -v"
[[ -n $(notices plain bin/test_sleep) ]] || fail "without -v: no notice: $(cat "$rr_out")"

# the default is 60 s: nothing for a 3.5 s test
rt_run default -n 2 -v bin/test_sleep
rt_expect_rc 0 "default"
! grep -q 'still running' "$rr_out" || fail "default: a notice before 60 s: $(cat "$rr_out")"

# 0 = never
rt_run never -n 1 --still-running-after 0 bin/test_quick
rt_expect_rc 0 "--still-running-after 0"
rt_run bad -n 1 --still-running-after soon bin/test_quick
rt_expect_rc 4 "--still-running-after soon"
grep -qF 'bad --still-running-after "soon": expected seconds' "$rr_err" ||
	fail "bad value: $(cat "$rr_err")"

# on a terminal: the status line shows it, and there is no separate line
rt_tty "$work/tty.out" "$RUNNER" -n 2 --still-running-after 1 bin/test_sleep
((rr_rc == 0)) || fail "tty run exited $rr_rc: $(cat -v "$work/tty.out")"
grep -qaF ' running, still running: bin/test_sleep (' "$work/tty.out" ||
	fail "tty: the status line does not show the running test: $(cat -v "$work/tty.out")"
! tr '\r' '\n' <"$work/tty.out" | grep -qa '^still running' ||
	fail "tty: a notice line of its own: $(cat -v "$work/tty.out")"

note "ok"
