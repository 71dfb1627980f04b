#!/bin/bash
# runner: Ctrl-C during the final coverage merge. The tests have passed;
# the merge has made its reports (not yet in place) and reads the
# --cov-baseline file, which is a FIFO: opening it for writing returns
# once the runner opens it for reading, inside the merge, so SIGINT lands
# there at a known point with no timing involved. Then the baseline is
# written, and the runner, which would go on to write its reports, must
# stop: exit 2, one line saying "interrupted", no report file (not even a
# temporary one), the last line the summary; the shards and the manifest
# stay, and covmerge merges them later with the same baseline.
set -euo pipefail
# shellcheck source=tests/lib/runner.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/runner.sh"
rt_setup
[[ -n ${COVMERGE:-} ]] || fail "COVMERGE must name the covmerge binary"

rt_build test_pass pass.c
# a first run, and its baseline (the second run measures the same)
rt_run first -n 1 --cov=obj bin
rt_expect_rc 0 "the first run"
(cd "$work" && "$COVMERGE" -q .runner-cov --write-baseline "$work/base.json") \
	>"$work/wb.out" 2>&1 || fail "covmerge --write-baseline: $(cat "$work/wb.out")"
[[ -s $work/base.json ]] || fail "no baseline written"

fifo=$work/base.fifo
mkfifo "$fifo"
out=$work/int.out
err=$work/int.err
mkdir -p "$work/reports"
(cd "$work" && exec "$RUNNER" -n 1 --cov=obj --cov-report "lcov:$work/reports/int.info" \
	--cov-report "xml:$work/reports/int.xml" --cov-baseline "$fifo" bin) \
	>"$out" 2>"$err" </dev/null &
pid=$!
rt_bg_pids+=("$pid")
# blocks until the runner opens the baseline; had the runner ended
# before, it stays blocked and is killed at the end
(
	exec 3>"$fifo"
	kill -INT "$pid"
	cat "$work/base.json" >&3
) &
rt_bg_pids+=("$!")
rc=0
wait "$pid" || rc=$?
((rc == 2)) || fail "SIGINT during the merge: the runner exited $rc, expected 2; stdout:
$(cat "$out")
stderr: $(cat "$err")"
ok "SIGINT during the merge: exit 2"
assert_eq "runner: interrupted during the coverage merge: no report written" "$(cat "$err")" \
	"SIGINT during the merge: the one message"
assert_eq "" "$(ls -A "$work/reports")" "SIGINT during the merge: no report, no temporary file"
rt_expect_summary 1 0 0 "SIGINT during the merge"
grep -Eq '^interrupted: 1 tests in [0-9.]+s on 1 worker$' "$out" ||
	fail "SIGINT during the merge: no \"interrupted:\" summary:
$(cat "$out")"
ok "SIGINT during the merge: the summary says interrupted"

# what stays is whole: covmerge merges it, and the baseline holds
rc=0
(cd "$work" && "$COVMERGE" .runner-cov --report "lcov:$work/later.info" \
	--baseline "$work/base.json") >"$work/later.out" 2>"$work/later.err" || rc=$?
assert_eq 0 "$rc" "covmerge on the kept shards: exit status"
assert_empty "$work/later.err" "covmerge on the kept shards: no message"
grep -q '^SF:.*/pass\.c$' "$work/later.info" ||
	fail "covmerge on the kept shards: pass.c not reported: $(cat "$work/later.info")"
ok "covmerge on the kept shards: pass.c reported"
