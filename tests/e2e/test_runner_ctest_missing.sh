#!/bin/bash
# runner --ctest: a test whose executable does not exist (its target was
# not built, or a wrong path) has no "command" in ctest's json-v1. ctest
# itself reports it "Not Run" ("Could not find executable") and fails
# (exit 8); the runner reports it as an ERROR that fails the run (exit 1).
# Only a real DISABLED property is a skip.
set -euo pipefail
# shellcheck source=tests/lib/runner.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/runner.sh"
rt_setup
command -v cmake >/dev/null 2>&1 || fail "cmake is not installed (apt-get install cmake)"
command -v ctest >/dev/null 2>&1 || fail "ctest is not installed (apt-get install cmake)"

mkdir -p "$work/proj"
cp "$work/src/pass.c" "$work/src/rt.h" "$work/proj/"
cat >"$work/proj/CMakeLists.txt" <<'EOF2'
cmake_minimum_required(VERSION 3.13)
project(missing C)
enable_testing()
add_executable(ok pass.c)
# never built: `cmake --build` builds only the default targets
add_executable(notbuilt EXCLUDE_FROM_ALL pass.c)
add_test(NAME good COMMAND ok)
add_test(NAME missing COMMAND notbuilt)
add_test(NAME wrongpath COMMAND /nonexistent/runner-test-program)
add_test(NAME off COMMAND ok)
set_tests_properties(off PROPERTIES DISABLED ON)
add_test(NAME off_missing COMMAND notbuilt)
set_tests_properties(off_missing PROPERTIES DISABLED ON)
EOF2
CC=$cc cmake -S "$work/proj" -B "$work/b" >"$work/cmake.log" 2>&1 ||
	fail "cannot configure: $(cat "$work/cmake.log")"
cmake --build "$work/b" >>"$work/cmake.log" 2>&1 || fail "cannot build: $(cat "$work/cmake.log")"
[[ ! -e $work/b/notbuilt ]] || fail "the fixture built notbuilt"

# the oracle: ctest fails the run and says "Not Run" for both
ctest_rc=0
(cd "$work/b" && ctest) >"$work/ctest.out" 2>&1 || ctest_rc=$?
((ctest_rc == 8)) || fail "ctest exited $ctest_rc, expected 8: $(cat "$work/ctest.out")"
grep -q 'missing .*Not Run' "$work/ctest.out" || fail "ctest: $(cat "$work/ctest.out")"
grep -q 'wrongpath .*Not Run' "$work/ctest.out" || fail "ctest: $(cat "$work/ctest.out")"

for n in 0 2; do
	rt_run "missing$n" -n "$n" -v --ctest "$work/b" --junitxml "$work/junit$n.xml"
	rt_expect_results "-n $n --ctest with a missing program" <<'EOF2'
PASSED good
ERROR missing
ERROR wrongpath
SKIPPED off
SKIPPED off_missing
EOF2
	rt_expect_summary 1 2 2 "-n $n --ctest with a missing program"
	rt_expect_rc 1 "-n $n --ctest with a missing program"
	msg="not run: ctest found no executable for this test (its target was not built, or a wrong path?)"
	grep -qF "ERROR missing - $msg" "$rr_out" ||
		fail "-n $n: no message for the missing program:
$(cat "$rr_out")"
	grep -qF "ERROR wrongpath - $msg" "$rr_out" || fail "-n $n: short summary:
$(cat "$rr_out")"
	grep -qE "^\[gw[01]\] SKIPPED off_missing [0-9.]+s - disabled\$" "$rr_out" ||
		fail "-n $n: a disabled test without a program is a skip:
$(cat "$rr_out")"
	grep -qF "<testcase classname=\"missing\" name=\"missing\" time=\"0.000\"><error message=\"$msg\"/>" \
		"$work/junit$n.xml" || fail "-n $n: JUnit: $(cat "$work/junit$n.xml")"
	# a program that is not there is not rerun alone either
	! grep -q 'rerun' "$rr_out" || fail "-n $n: reran a missing program:
$(cat "$rr_out")"
done

note "ok"
