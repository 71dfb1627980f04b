#!/bin/bash
# runner: --ctest BUILD_DIR imports a CMake project's tests
# (tests/fixtures/runner/ctest, configured and built here): command and
# arguments, ENVIRONMENT, WORKING_DIRECTORY, TIMEOUT, RUN_SERIAL,
# SKIP_RETURN_CODE, WILL_FAIL, DISABLED; a cmocka program among them is
# split into its tests. Serial tests (RUN_SERIAL, --serial PATTERN) run
# alone, on gw0, after the parallel phase: the serial fixture fails when
# any other marked program runs at the same time.
set -euo pipefail
# shellcheck source=tests/lib/runner.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/runner.sh"
rt_setup
command -v cmake >/dev/null 2>&1 || fail "cmake is not installed (apt-get install cmake)"
command -v ctest >/dev/null 2>&1 || fail "ctest is not installed (apt-get install cmake)"

ct=$work/ct
mkdir -p "$ct/env" "$ct/wd" "$ct/running"
CC=$cc cmake -S "$rt_fixtures/ctest" -B "$work/ctb" -DRT_OUT="$ct" >"$work/cmake.log" 2>&1 ||
	fail "cannot configure the ctest fixture: $(cat "$work/cmake.log")"
cmake --build "$work/ctb" -j2 >>"$work/cmake.log" 2>&1 ||
	fail "cannot build the ctest fixture: $(cat "$work/cmake.log")"

# ------------------------------------------------------------ --ctest
rt_run ctest -n 2 -v --ctest "$work/ctb"
rt_expect_rc 1 "--ctest"
rt_expect_summary 10 4 2 "--ctest"
rt_expect_results "--ctest" <<'EOF'
PASSED pass
PASSED env
FAILED args_fail
FAILED exit77
SKIPPED skip_code
PASSED will_fail
FAILED will_fail_passes
SKIPPED disabled
TIMEOUT timeout
PASSED sleep_1
PASSED sleep_2
PASSED sleep_3
PASSED serial
PASSED cm::gamma::gamma_add
PASSED cm::gamma::gamma_zero
PASSED cm::gamma::gamma_neg
EOF
grep -Eq '^\[gw[01]\] FAILED args_fail [0-9.]+s - exited with status 3$' "$rr_out" ||
	fail "args_fail: the command's argument was not passed (expected exit status 3)"
# ENVIRONMENT and WORKING_DIRECTORY
rec=$(cat "$ct"/env/ct_env.* 2>/dev/null) || fail "the env test left no record"
grep -qx 'RT_FOO=from ctest' <<<"$rec" || fail "ENVIRONMENT not applied: $rec"
grep -qx "CWD=$ct/wd" <<<"$rec" || fail "WORKING_DIRECTORY not applied: $rec"
grep -Eqx 'RUNNER_WORKER=gw[01]' <<<"$rec" || fail "RUNNER_WORKER with --ctest: $rec"
grep -qx 'RUNNER_WORKER_COUNT=2' <<<"$rec" || fail "RUNNER_WORKER_COUNT with --ctest: $rec"
# RUN_SERIAL: after the parallel phase, alone, on gw0
last=$(rt_results "$rr_out" | tail -n 1)
[[ $last == "PASSED serial gw0" ]] || fail "the RUN_SERIAL test is not the last, on gw0: $last"
grep -qx 'serial tests: 1, run alone on gw0' "$rr_out" || fail "no line announcing the serial phase"
n_before=$(awk '/^serial tests:/ { exit } /^\[gw[0-9]+\] [A-Z]/ && $0 ~ / [0-9.]+s/ { n++ } END { print n + 0 }' "$rr_out")
((n_before == 15)) || fail "$n_before tests reported before the serial phase, expected 15"

# ------------------------------------------------------------ -k with --ctest
rt_run ctest_k -n 2 -v --ctest "$work/ctb" -k 'sleep_*' -k 'not sleep_3'
rt_expect_rc 0 "--ctest -k"
rt_expect_results "--ctest -k" <<'EOF'
PASSED sleep_1
PASSED sleep_2
EOF

# ------------------------------------------------------------ -L (CTest LABELS)
rt_run ctest_l -n 2 -v --ctest "$work/ctb" -L fast
rt_expect_rc 0 "--ctest -L fast"
rt_expect_results "--ctest -L fast" <<'EOF'
PASSED env
EOF
rt_run ctest_lglob -n 2 -v --ctest "$work/ctb" -L 'e*'
rt_expect_results "--ctest -L e*" <<'EOF'
PASSED env
EOF
rt_run ctest_lnone -n 2 -v --ctest "$work/ctb" -L nosuchlabel
rt_expect_rc 5 "--ctest -L with no match"

# ------------------------------------------------------------ --serial
RT_NOCOV=1
rt_build test_s1 sleep.c
rt_build test_s2 sleep.c
rt_build test_s3 sleep.c
rt_build test_s4 sleep.c
rt_build test_alone sleep.c -DCHECK_ALONE
rt_build test_alone_too sleep.c -DCHECK_ALONE
RT_ENV=("RT_RUN_DIR=$ct/running")
rm -f "$ct"/running/*
rt_run serial -n 2 -v --serial 'alone' bin
rt_expect_rc 0 "--serial"
rt_expect_summary 6 0 0 "--serial"
got=$(rt_results "$rr_out" | tail -n 2 | tr '\n' ';')
[[ $got == "PASSED bin/test_alone gw0;PASSED bin/test_alone_too gw0;" ]] ||
	fail "--serial: the serial tests do not come last, in order, on gw0: $got"
grep -qx 'serial tests: 2, run alone on gw0' "$rr_out" || fail "--serial: no serial phase line"
# serial tests are never silently dropped: also with -n 0 and with -k
rt_run serial0 -n 0 -v --serial 'alone' bin
rt_expect_summary 6 0 0 "--serial -n 0"
rt_run serialk -n 2 -v --serial 'alone' -k 'alone_too' bin
rt_expect_rc 0 "--serial -k"
rt_expect_results "--serial -k" <<'EOF'
PASSED bin/test_alone_too
EOF
# without --serial the checking test runs alongside another and says so
rt_build slow/test_long sleep.c -DSLEEP_MS=3000
rt_build slow/test_alone_late sleep.c -DSLEEP_MS=1000 -DCHECK_ALONE
rt_run noserial -n 2 -v bin/slow/test_long bin/slow/test_alone_late
rt_expect_rc 1 "without --serial"
grep -q 'also running: test_long' "$rr_out" ||
	fail "the alone-check saw no other test running: is it checking anything?
$(cat "$rr_out")"

note "ok"
