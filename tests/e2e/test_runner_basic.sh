#!/bin/bash
# runner: what a run reports. Plain programs (pass, fail, exit 77 = skip,
# SIGSEGV, SIGABRT), a TAP-speaking program (one result per TAP line), a
# dynamically linked cmocka program split into its tests (cmocka's skip()
# is a skip), programs found in a directory (recursively, by name) and by
# glob. Checks the exact -v lines (worker, status, id, message), the last
# line, the exit code, the failure section (captured output of failures
# only), JUnit XML, -n 0 order, -q, --durations and the live status line on
# a terminal.
set -euo pipefail
# shellcheck source=tests/lib/runner.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/runner.sh"
rt_setup

RT_NOCOV=1
rt_build test_pass pass.c
rt_build test_fail fail.c
rt_build test_skip skip.c
rt_build test_crash crash.c
rt_build test_abort abort.c
rt_build test_tap tap.c
rt_build test_cm_groups cm_groups.c lib.c -lcmocka
rt_build area/test_circle pass.c
# not test programs: a helper without a test name, a test-named text file
rt_build helper pass.c
echo "notes" >"$work/bin/test_notes.txt"

# ------------------------------------------------------------ all outcomes
rt_run all -n 2 -v --junitxml "$work/junit.xml" bin
rt_expect_rc 1 "mixed outcomes"
rt_expect_summary 9 5 3 "mixed outcomes"
rt_expect_results "mixed outcomes" <<'EOF'
PASSED bin/test_pass
FAILED bin/test_fail
SKIPPED bin/test_skip
CRASHED(SIGSEGV) bin/test_crash
CRASHED(SIGABRT) bin/test_abort
PASSED bin/test_tap::alpha
FAILED bin/test_tap::beta
SKIPPED bin/test_tap::gamma
PASSED bin/test_tap::delta
PASSED bin/test_tap::epsilon
PASSED bin/test_cm_groups::alpha::alpha_add
PASSED bin/test_cm_groups::alpha::alpha_classify
FAILED bin/test_cm_groups::alpha::alpha_fail
SKIPPED bin/test_cm_groups::alpha::alpha_skip
PASSED bin/test_cm_groups::beta::beta_one
PASSED bin/test_cm_groups::beta::beta_two
PASSED bin/area/test_circle
EOF
workers=$(rt_results "$rr_out" | awk '{print $3}' | LC_ALL=C sort -u | tr '\n' ' ')
[[ $workers == "gw0 gw1 " || $workers == "gw0 " || $workers == "gw1 " ]] ||
	fail "workers of -n 2 are not in gw0..gw1: $workers"
head -n 1 "$rr_out" | grep -Eqx 'runner [0-9][0-9.]*: 2 workers \(gw0\.\.gw1\), dist load' ||
	fail "header: $(head -n 1 "$rr_out")"
grep -qx 'collected 13 items from 8 programs' "$rr_out" ||
	fail "collection line: $(grep collected "$rr_out")"
# messages on the -v lines
grep -Eqx '\[gw[01]\] FAILED bin/test_fail [0-9]+\.[0-9]+s - exited with status 1' "$rr_out" ||
	fail "no -v line for test_fail with its exit status"
grep -Eqx '\[gw[01]\] SKIPPED bin/test_skip [0-9]+\.[0-9]+s - skipped \(exit status 77\)' "$rr_out" ||
	fail "no -v line for test_skip with its reason"
grep -Eqx '\[gw[01]\] CRASHED \(SIGSEGV\) bin/test_crash [0-9]+\.[0-9]+s - killed by signal 11 .*' "$rr_out" ||
	fail "no -v line for test_crash with its signal"
grep -Eqx '\[gw[01]\] CRASHED \(SIGABRT\) bin/test_abort [0-9]+\.[0-9]+s - killed by signal 6 .*' "$rr_out" ||
	fail "no -v line for test_abort with its signal"
grep -Eqx '\[gw[01]\] SKIPPED bin/test_tap::gamma [0-9]+\.[0-9]+s - no network' "$rr_out" ||
	fail "no -v line for the TAP skip with its reason"
# failures with their captured output; passing tests' output is not shown
section=$work/failures.txt
sed -n '/= FAILURES =/,$p' "$rr_out" >"$section"
[[ -s $section ]] || fail "no FAILURES section"
for text in "fail: expected 42, got 41 (test_fail)" "crash: about to crash with 42" \
	"abort: giving up" "# beta: got 3, want 4" "alpha_fail: about to fail"; do
	grep -qF -- "$text" "$section" || fail "captured output \"$text\" not in the failures:
$(cat "$section")"
done
for text in "pass: all good" "skip: nothing to test here"; do
	! grep -qF -- "$text" "$rr_out" || fail "output of a test that did not fail is shown: $text"
done
for line in "FAILED bin/test_fail - exited with status 1" \
	"FAILED bin/test_tap::beta" "FAILED bin/test_cm_groups::alpha::alpha_fail"; do
	grep -qxF -- "$line" "$section" || fail "short summary has no line \"$line\""
done
# the captured output of one test is one block, right under its header
awk '/^_+ bin\/test_crash _+$/ { on = 1; next } on && /^_+ / { exit }
	on { print }' "$section" >"$work/crash_block.txt"
grep -qx 'crash: about to crash with 42' "$work/crash_block.txt" ||
	fail "test_crash's block does not hold its output:
$(cat "$work/crash_block.txt")"
! grep -q 'abort: giving up\|fail: expected' "$work/crash_block.txt" ||
	fail "test_crash's block holds another test's output"

# JUnit XML: one testcase per result, failures, errors (crashes) and skips
"$PYTHON" - "$work/junit.xml" >"$work/junit.txt" <<'EOF' || fail "bad JUnit XML: $(cat "$work/junit.txt")"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
tests = failures = errors = skipped = 0
for s in suites:
    tests += int(s.get("tests")); failures += int(s.get("failures"))
    errors += int(s.get("errors")); skipped += int(s.get("skipped"))
print("totals", tests, failures, errors, skipped)
for s in suites:
    for c in s.findall("testcase"):
        kind = "passed"
        for k in ("failure", "error", "skipped"):
            e = c.find(k)
            if e is not None:
                kind = k + ":" + (e.get("message") or "")
        float(c.get("time"))
        print(c.get("classname"), c.get("name"), kind)
EOF
grep -qx 'totals 17 3 2 3' "$work/junit.txt" || fail "JUnit totals (tests failures errors skipped): $(head -1 "$work/junit.txt")"
for line in "bin/test_cm_groups alpha::alpha_fail failure:" \
	"bin/test_cm_groups alpha::alpha_skip skipped:" \
	"bin/test_cm_groups beta::beta_one passed" \
	"bin/test_fail bin/test_fail failure:exited with status 1" \
	"bin/test_skip bin/test_skip skipped:skipped (exit status 77)" \
	"bin/test_tap beta failure:" "bin/test_tap gamma skipped:no network"; do
	grep -qF -- "$line" "$work/junit.txt" || fail "JUnit has no testcase \"$line\":
$(cat "$work/junit.txt")"
done
grep -Eq '^bin/test_crash bin/test_crash error:killed by signal 11' "$work/junit.txt" ||
	fail "JUnit: test_crash is not an error with its signal:
$(cat "$work/junit.txt")"
(($(wc -l <"$work/junit.txt") == 18)) || fail "JUnit: expected 17 testcases:
$(cat "$work/junit.txt")"

# ------------------------------------------------------------ -n 0, globs
rt_run seq -n 0 -v bin/test_pass bin/test_skip 'bin/area/test_c*'
rt_expect_rc 0 "-n 0, passes and a skip"
rt_expect_summary 2 0 1 "-n 0, passes and a skip"
got=$(rt_results "$rr_out" | tr '\n' ';')
assert_want="PASSED bin/test_pass gw0;SKIPPED bin/test_skip gw0;PASSED bin/area/test_circle gw0;"
[[ $got == "$assert_want" ]] || fail "-n 0 runs in collection order on gw0: got $got"
grep -Eq '^runner [0-9][0-9.]*: sequential' "$rr_out" || fail "-n 0 header: $(head -1 "$rr_out")"

# ------------------------------------------------------------ -q
rt_run quiet -n 2 -q bin/test_pass bin/test_fail
rt_expect_rc 1 "-q"
rt_expect_summary 1 1 0 "-q"
! grep -q 'PASSED bin/test_pass' "$rr_out" || fail "-q printed a passing test"
grep -qF "fail: expected 42, got 41" "$rr_out" || fail "-q did not show the failure's output"

# ------------------------------------------------------------ --durations
rt_run durations -n 2 --durations 2 bin/test_pass bin/test_skip bin/test_fail
rt_expect_rc 1 "--durations 2"
rt_expect_summary 1 1 1 "--durations 2"
n=$(sed -n '/slowest.*durations/,/^$/p' "$rr_out" | grep -Ec '^[0-9]+\.[0-9]+s \[gw[01]\] bin/test_(pass|skip|fail)$' || true)
((n == 2)) || fail "--durations 2 listed $n tests:
$(cat "$rr_out")"
rt_run durations0 -n 2 --durations 0 bin/test_pass bin/test_skip bin/test_fail
n=$(sed -n '/slowest.*durations/,/^$/p' "$rr_out" | grep -Ec '^[0-9]+\.[0-9]+s \[gw[01]\] bin/test_(pass|skip|fail)$' || true)
((n == 3)) || fail "--durations 0 listed $n tests, expected all 3:
$(cat "$rr_out")"

# ------------------------------------------------------------ a terminal
rt_tty "$work/tty.out" "$RUNNER" -n 2 bin/test_pass bin/test_fail bin/test_skip
((rr_rc == 1)) || fail "on a terminal: exit $rr_rc, expected 1:
$(cat -v "$work/tty.out")"
tr -d '\r' <"$work/tty.out" >"$work/tty.txt"
grep -Eq $'\033''\[K\[[0-3]/3\] [0-3] passed, [0-3] failed, [0-3] skipped, [0-2] running' "$work/tty.txt" ||
	fail "no live status line on a terminal:
$(cat -v "$work/tty.out")"
grep -Eq '\[gw[01]\] FAILED bin/test_fail' "$work/tty.txt" ||
	fail "the failure is not shown on a terminal:
$(cat -v "$work/tty.out")"
! grep -q 'PASSED bin/test_pass' "$work/tty.txt" ||
	fail "a terminal without -v shows passing tests one per line"
last=$(grep -v '^$' "$work/tty.txt" | tail -n 1)
[[ $last == "runner: 1 passed, 1 failed, 1 skipped" || $last == "1 passed, 1 failed, 1 skipped" ]] ||
	fail "last line on a terminal: $(printf '%q' "$last")"
# with -v a terminal gets one line per test too
rt_tty "$work/tty_v.out" "$RUNNER" -n 2 -v bin/test_pass bin/test_skip
((rr_rc == 0)) || fail "-v on a terminal: exit $rr_rc"
grep -Eq '\[gw[01]\] PASSED bin/test_pass [0-9]' "$work/tty_v.out" ||
	fail "-v on a terminal: no line for test_pass:
$(cat -v "$work/tty_v.out")"

note "ok"
