#!/bin/bash
# runner --cov: flushing the coverage of a dying test never hides a
# sanitizer's report and never turns a crash into a hang.
#  - an AddressSanitizer-built program that segfaults shows ASan's report
#    (the preload hands the fault on to ASan's handler after flushing), and
#    its coverage is kept;
#  - a program that crashes while holding a lock its exit handler needs
#    ends as CRASHED (SIGSEGV) with no --timeout (the watchdog ends a stuck
#    flush, and says that the coverage is lost); when it exports
#    __gcov_dump, the flush runs no exit handler at all and its coverage is
#    kept;
#  - a stack overflow is flushed (alternate signal stack): its coverage is
#    kept; also inside a cmocka test (cmocka's handler runs on that stack).
# A run that hangs (the old behaviour of the lock case) is stopped by a
# safety net of 300 s and reported as a failure.
set -euo pipefail
# shellcheck source=tests/lib/runner.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/runner.sh"
rt_setup

rt_build asan/test_asan crash.c -fsanitize=address -fno-omit-frame-pointer
rt_build lock/test_lock crash_lock.c -pthread
rt_build lockx/test_lock_export crash_lock.c -pthread \
	-Wl,--undefined=__gcov_dump -Wl,--export-dynamic-symbol=__gcov_dump
rt_build over/test_overflow overflow.c

# hang guard only: the old code waited forever on the lock
guard() {
	local name=$1
	shift
	rr_out=$work/$name.out
	rr_err=$work/$name.err
	rr_rc=0
	(cd "$work" && timeout -s KILL 300 "$RUNNER" "$@") >"$rr_out" 2>"$rr_err" </dev/null ||
		rr_rc=$?
	((rr_rc != 137)) || fail "$name: the runner hung (killed after 300 s); stdout:
$(cat "$rr_out")"
}

# ASan: the report is there, the exit status is ASan's, the coverage too
rt_run asan -n 1 -v --cov=obj/asan --cov-report "lcov:$work/asan.info" bin/asan
rt_expect_rc 1 "asan"
grep -q 'ERROR: AddressSanitizer: SEGV on unknown address' "$rr_out" ||
	fail "asan: no AddressSanitizer report in the output:
$(cat "$rr_out")"
grep -q 'crash_now' "$rr_out" ||
	fail "asan: the report's stack does not name the crashing function:
$(cat "$rr_out")"
rt_expect_da "$work/asan.info" crash.c "REACHED crash-print" 1 "asan"

# the lock: CRASHED, no --timeout, no hang
guard lock -n 1 -v --cov=obj/lock bin/lock
rt_expect_rc 1 "lock"
got=$(rt_results "$rr_out" | tr '\n' ';')
[[ $got == "CRASHED(SIGSEGV) bin/lock/test_lock gw0;" ]] ||
	fail "lock: expected CRASHED (SIGSEGV), got \"$got\":
$(cat "$rr_out")"
grep -qx 'runner preload: writing the coverage data of this crashed test did not finish within 2 s (a lock held by the crashed code?): its coverage is lost' "$rr_out" ||
	fail "lock: the watchdog did not say why the coverage is lost:
$(cat "$rr_out")"

# the lock with __gcov_dump exported: no exit handler runs, coverage kept
guard lockx -n 1 -v --cov=obj/lockx --cov-report "lcov:$work/lockx.info" bin/lockx
rt_expect_rc 1 "lockx"
got=$(rt_results "$rr_out" | tr '\n' ';')
[[ $got == "CRASHED(SIGSEGV) bin/lockx/test_lock_export gw0;" ]] ||
	fail "lockx: expected CRASHED (SIGSEGV), got \"$got\":
$(cat "$rr_out")"
grep -q 'exit handler ran' "$rr_out" && fail "lockx: the program's exit handler ran"
rt_expect_da "$work/lockx.info" crash_lock.c "REACHED lock-print" 1 "lockx"

# the stack overflow
rt_run over -n 1 -v --cov=obj/over --cov-report "lcov:$work/over.info" bin/over
rt_expect_rc 1 "overflow"
got=$(rt_results "$rr_out" | tr '\n' ';')
[[ $got == "CRASHED(SIGSEGV) bin/over/test_overflow gw0;" ]] ||
	fail "overflow: expected CRASHED (SIGSEGV), got \"$got\""
rt_expect_da "$work/over.info" overflow.c "REACHED overflow-print" 1 "overflow"

# a stack overflow inside a cmocka test: cmocka's handler, put in around
# each test with signal(), runs on the alternate stack too, so cmocka
# reports the test failed and goes on, and the coverage of the process is
# kept (it was killed outright: every test's coverage lost, the tests
# after it not run)
rt_build cm/test_cm_overflow cm_endings.c -lcmocka
RT_ENV=(RT_OVERFLOW_TWO=1)
rt_run cmover -n 1 -v --no-rerun-alone --cov=obj/cm --cov-report "lcov:$work/cmover.info" -k g_ bin/cm
RT_ENV=()
rt_expect_rc 1 "cmocka overflow"
rt_expect_results "cmocka overflow" <<'EOF2'
PASSED bin/cm/test_cm_overflow::g::g_one
FAILED bin/cm/test_cm_overflow::g::g_two
PASSED bin/cm/test_cm_overflow::g::g_three
EOF2
rt_expect_da "$work/cmover.info" cm_endings.c "REACHED cm-g-one" 1 "cmocka overflow"

note "ok"
