#!/bin/bash
# runner: the preload library (librunner_preload.so) is found beside the
# runner in a build tree, and when it is missing, whoever needs it says so.
#   - the build tree's runner splits a 7-test cmocka program into 7 tests,
#     and prints no warning;
#   - a copy of the runner alone in a directory finds no preload: it says
#     where it looked (beside itself, RELDIR from itself, the install
#     directory compiled in), that the cmocka program is not split, and
#     runs it as one test (exit 0);
#   - with --cov, also that a crashing test loses its coverage; a plain
#     program and no --cov need no preload and print no warning;
#   - RUNNER_PRELOAD naming a missing file: that is the one place looked.
set -euo pipefail
# shellcheck source=tests/lib/runner.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/runner.sh"
rt_setup

RT_NOCOV=1
rt_build cmfix cm_fixture_file.c -lcmocka
RT_NOCOV=0 rt_build plain pass.c

rt_run split -n 2 bin/cmfix
rt_expect_rc 0 "the build tree's runner"
rt_expect_summary 7 0 0 "the build tree's runner"
[[ ! -s $rr_err ]] || fail "the build tree's runner warned: $(cat "$rr_err")"

lone=$work/lone
mkdir -p "$lone"
cp "$RUNNER" "$lone/runner"
built_runner=$RUNNER
RUNNER=$lone/runner

rt_run lone -n 2 bin/cmfix
rt_expect_rc 0 "a runner without its preload"
rt_expect_summary 1 0 0 "a runner without its preload"
first=$(head -1 "$rr_err")
case $first in
"runner: warning: the preload library is missing (looked for $lone/librunner_preload.so, "*"/runner/librunner_preload.so, /"*"/runner/librunner_preload.so)") ;;
*) fail "a runner without its preload: first warning line \"$first\"" ;;
esac
grep -qxF "runner: warning: 1 cmocka program is not split into its tests: it runs as one test" "$rr_err" ||
	fail "a runner without its preload does not say the cmocka program is not split: $(cat "$rr_err")"
(($(wc -l <"$rr_err") == 2)) || fail "a runner without its preload: expected 2 warning lines: $(cat "$rr_err")"

rt_run lone_cov -n 1 --cov="$work/obj" --cov-report lcov:"$work/x.info" bin/plain
rt_expect_rc 0 "--cov without the preload"
grep -qxF "runner: warning: --cov: a test that crashes or is killed loses its coverage data" "$rr_err" ||
	fail "--cov without the preload does not warn: $(cat "$rr_err")"
grep -q "cmocka" "$rr_err" && fail "--cov on a plain program warns about cmocka: $(cat "$rr_err")"

rt_run lone_tap -n 1 bin/plain
[[ ! -s $rr_err ]] || fail "a plain program without --cov needs no preload, but: $(cat "$rr_err")"

RT_ENV=(RUNNER_PRELOAD="$work/nope.so")
RUNNER=$built_runner
rt_run env_missing -n 1 bin/cmfix
RT_ENV=()
grep -qxF "runner: warning: the preload library is missing (looked for $work/nope.so)" "$rr_err" ||
	fail "RUNNER_PRELOAD=missing: $(cat "$rr_err")"
rt_expect_summary 1 0 0 "RUNNER_PRELOAD=missing"

note "PASS: the preload is found beside the runner, and its absence is named"
