#!/bin/bash
# runner: Ctrl-C. The runner is started in the background on 4 workers with
# --cov: three hanging tests (one of them ignores SIGTERM) and one that
# passes. Once the passing test is reported and the hanging ones run,
# SIGINT goes to the runner. Expected: exit 2; every test process is gone
# (the one ignoring TERM too, after --timeout-grace); what finished is
# printed and counted, the tests that were stopped are not reported as
# crashed or failed; the last line is the summary; manifest.json is
# written (interrupted: true) and the shards are intact: covmerge reads the
# run directory and finds the lines the stopped tests reached.
# Then Ctrl-C while a cmocka program is being listed: it stops at once.
set -euo pipefail
# shellcheck source=tests/lib/runner.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/runner.sh"
rt_setup

rt_build test_hang_a hang.c
rt_build test_hang_b hang.c
rt_build test_hang_c_stubborn hang.c -DIGNORE_TERM
rt_build test_pass pass.c

hangers() {
	pgrep -f -- "$work/bin/test_hang_" || true
}

# all_hanging: the three hanging tests are running
all_hanging() {
	(($(hangers | wc -l) >= 3))
}

out=$work/int.out
err=$work/int.err
(cd "$work" && exec "$RUNNER" -n 4 -v --cov=obj --timeout-grace 2 \
	bin/test_hang_a bin/test_hang_b bin/test_hang_c_stubborn bin/test_pass) \
	>"$out" 2>"$err" </dev/null &
pid=$!
rt_bg_pids+=("$pid")
rt_wait_for 60 grep -q 'PASSED bin/test_pass' "$out"
rt_wait_for 60 all_hanging
kill -INT "$pid"
rc=0
wait "$pid" || rc=$?
((rc == 2)) || fail "after SIGINT the runner exited $rc, expected 2; stdout:
$(cat "$out")
stderr: $(cat "$err")"

left=$(hangers)
[[ -z $left ]] || fail "test processes left running after the interrupt: $(ps -o pid,pgid,args -p "$(echo "$left" | tr ' ' ',')" 2>&1)"

# what finished is printed and counted; nothing else is
grep -Eq '^\[gw[0-3]\] PASSED bin/test_pass [0-9.]+s$' "$out" || fail "the finished test is not reported:
$(cat "$out")"
last=$(rt_last_line "$out")
[[ $last == "runner: 1 passed, 0 failed, 0 skipped" || $last == "1 passed, 0 failed, 0 skipped" ]] ||
	fail "last line after the interrupt: \"$last\", expected \"runner: 1 passed, 0 failed, 0 skipped\"
(the hanging tests were stopped by the interrupt: they neither crashed nor failed); stdout:
$(cat "$out")"
! grep -Eq '^\[gw[0-3]\] (CRASHED|FAILED).* bin/test_hang_' "$out" ||
	fail "tests stopped by the interrupt are reported as crashed or failed:
$(cat "$out")"
grep -qi 'interrupt' "$out" "$err" || fail "the output does not say the run was interrupted"

# manifest and shards
covdir=$work/.runner-cov
[[ -f $covdir/manifest.json ]] || fail "no manifest.json after the interrupt"
"$PYTHON" - "$covdir" >"$work/manifest_check.txt" 2>&1 <<'EOF' || fail "manifest: $(cat "$work/manifest_check.txt")"
import json, os, sys
d = sys.argv[1]
m = json.load(open(os.path.join(d, "manifest.json")))
def die(msg):
    sys.exit("%s\n%s" % (msg, json.dumps(m, indent=1)))
if m.get("interrupted") is not True:
    die("interrupted is not true")
if m.get("workers") != 4 or [s["worker"] for s in m["shards"]] != ["gw0", "gw1", "gw2", "gw3"]:
    die("workers")
total = 0
statuses = {}
for s in m["shards"]:
    sd = os.path.join(d, s["dir"])
    if not os.path.isdir(sd):
        die("shard %s is missing" % sd)
    n = sum(1 for r, _, fs in os.walk(sd) for f in fs if f.endswith(".gcda"))
    if n != s["gcda_files"]:
        die("%s: manifest says %s gcda files, the directory has %d" % (s["worker"], s["gcda_files"], n))
    total += n
    for t in s["tests"]:
        statuses[t["id"]] = t["status"]
if statuses.get("bin/test_pass") != "passed":
    die("bin/test_pass is not in the manifest as passed")
# test_pass, and the two hanging tests that flush on TERM
if total != 3:
    die("%d gcda files in all shards, expected 3" % total)
EOF
if [[ -n ${COVMERGE:-} ]]; then
	(cd "$work" && "$COVMERGE" --object-dir obj --report "lcov:$work/int.info" .runner-cov) \
		>"$work/covmerge.out" 2>&1 ||
		fail "covmerge cannot read the interrupted run's directory: $(cat "$work/covmerge.out")"
	# reached by test_hang_a and test_hang_b, flushed when they were stopped
	rt_expect_da "$work/int.info" hang.c "REACHED hang-print" 2 "interrupted run"
fi

# Ctrl-C while the tests are collected: a cmocka program that takes long
# before it gets to its tests (here 30 s) is stopped at once, no test
# starts, exit 2 (the listing went on to its end, and the run started).
RT_NOCOV=1
rt_build cm/test_slow_main cm_endings.c -lcmocka
(cd "$work" && RT_MAIN_SLEEP_MS=30000 RT_MAIN_SLEPT=$work/slept exec "$RUNNER" -n 2 -v \
	bin/cm/test_slow_main) >"$work/list.out" 2>"$work/list.err" </dev/null &
pid=$!
rt_bg_pids+=("$pid")
listing() {
	pgrep -f -- "$work/bin/cm/test_slow_main" >/dev/null
}
rt_wait_for 60 listing
kill -INT "$pid"
rc=0
wait "$pid" || rc=$?
((rc == 2)) || fail "SIGINT while listing: exit $rc, expected 2; stdout:
$(cat "$work/list.out")
stderr: $(cat "$work/list.err")"
grep -qx "runner: interrupted while collecting the tests" "$work/list.err" ||
	fail "SIGINT while listing: stderr: $(cat "$work/list.err")"
[[ $(rt_last_line "$work/list.out") == "runner: 0 passed, 0 failed, 0 skipped" ]] ||
	fail "SIGINT while listing: stdout: $(cat "$work/list.out")"
! listing || fail "SIGINT while listing: the program still runs"
[[ ! -e $work/slept ]] || fail "SIGINT while listing: the program was listed to its end"
! grep -q "collected" "$work/list.out" || fail "SIGINT while listing: the run went on: $(cat "$work/list.out")"

note "ok"
