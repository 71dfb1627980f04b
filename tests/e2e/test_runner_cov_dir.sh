#!/bin/bash
# runner --cov: the coverage directory is the run's alone.
#  - the runner touches only gwN/ and manifest.json in --cov-dir: a user's
#    collect/ directory and other files stay; listing a cmocka program
#    writes its gcov data to a mkdtemp directory under $TMPDIR, removed
#    afterwards;
#  - a second runner on a directory in use refuses at once (exit 3, one
#    clear message, the last line "runner: 0 passed, 0 failed, 0 skipped,
#    1 error") and touches nothing there; the first run ends normally.
set -euo pipefail
# shellcheck source=tests/lib/runner.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/runner.sh"
rt_setup

rt_build test_cm cm_pass.c lib.c -lcmocka
rt_build test_hang hang.c
rt_build test_pass pass.c

cov=$work/cov
mkdir -p "$cov/collect" "$cov/gw0" "$cov/gw7" "$work/tmp"
echo mine >"$cov/collect/keep.txt"
echo mine >"$cov/notes.txt"
echo stale >"$cov/gw7/stale.gcda"
RT_ENV=(TMPDIR="$work/tmp")
rt_run cm -n 2 --cov=obj/test_cm --cov-dir "$cov" bin/test_cm
rt_expect_rc 0 "cmocka run"
rt_expect_summary 3 0 0 "cmocka run"
got=$(cd "$cov" && find . -mindepth 1 -maxdepth 1 | LC_ALL=C sort | tr '\n' ' ')
[[ $got == "./collect ./gw0 ./gw1 ./manifest.json ./notes.txt " ]] ||
	fail "the coverage directory holds: $got"
[[ $(cat "$cov/collect/keep.txt") == mine && $(cat "$cov/notes.txt") == mine ]] ||
	fail "the user's files changed"
[[ -z $(ls -A "$work/tmp") ]] || fail "listing scratch left in TMPDIR: $(ls -A "$work/tmp")"
# the tests wrote their data to the shards (2 sources, 1 or 2 workers)
n=$(find "$cov"/gw0 "$cov"/gw1 -name '*.gcda' | wc -l)
((n >= 2 && n <= 4)) || fail "$n .gcda files in the shards"
RT_ENV=()

# the lock
mkdir -p "$work/run"
(cd "$work" && RT_RUN_DIR=$work/run exec "$RUNNER" -n 1 --cov=obj --cov-dir "$cov" \
	bin/test_hang) >"$work/first.out" 2>"$work/first.err" </dev/null &
first=$!
rt_bg_pids+=("$first")
hang_running() {
	[[ -n $(ls -A "$work/run") ]]
}
rt_wait_for 60 hang_running
RR_ALLOW3=1 rt_run second -n 1 --cov=obj --cov-dir "$cov" bin/test_pass
rt_expect_rc 3 "second runner on a directory in use"
want="runner: the coverage directory \"$cov\" is in use by another run; wait for it to end, or give this run its own --cov-dir"
[[ $(cat "$rr_err") == "$want" ]] || fail "second runner: stderr
$(cat "$rr_err")
expected: $want"
[[ $(cat "$rr_out") == "runner: 0 passed, 0 failed, 0 skipped, 1 error" ]] ||
	fail "second runner printed: $(cat "$rr_out")"
kill -INT "$first"
rc=0
wait "$first" || rc=$?
((rc == 2)) || fail "the first run exited $rc after Ctrl-C; $(cat "$work/first.out" "$work/first.err")"
grep -q '"interrupted": true' "$cov/manifest.json" || fail "the first run's manifest: $(cat "$cov/manifest.json")"

# free again: a new run goes ahead
rt_run third -n 1 --cov=obj --cov-dir "$cov" bin/test_pass
rt_expect_rc 0 "third run"
note "ok"
