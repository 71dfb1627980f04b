#!/bin/bash
# runner: nothing is lost when a test dies. On one worker (-n 1), a test
# that segfaults, one that aborts, one that hangs past --timeout (TERM),
# one that ignores TERM (KILL after the grace period), one that forks, one
# that fails and some that pass. Each is reported with its own status
# (CRASHED (SIGSEGV), CRASHED (SIGABRT), TIMEOUT), the worker goes on to
# the next test, the coverage each reached before it died is in the merged
# lcov report (DA lines of marked source lines), and the manifest lists
# every test with its exit status or signal and the shard's .gcda count.
set -euo pipefail
# shellcheck source=tests/lib/runner.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/runner.sh"
rt_setup

rt_build test_a_crash crash.c
rt_build test_b_abort abort.c
rt_build test_c_hang hang.c
rt_build test_d_stubborn hang.c -DIGNORE_TERM
rt_build test_e_fork fork.c
rt_build test_f_fail fail.c
rt_build test_g_pass pass.c
rt_build test_h_calc calc.c lib.c

rt_run crash -n 1 -v --cov=obj --cov-report "lcov:$work/cov.info" \
	--timeout 1 --timeout-grace 1 bin
rt_expect_rc 1 "crashes and timeouts"
rt_expect_summary 3 5 0 "crashes and timeouts"
got=$(rt_results "$rr_out" | tr '\n' ';')
want="CRASHED(SIGSEGV) bin/test_a_crash gw0;CRASHED(SIGABRT) bin/test_b_abort gw0;"
want+="TIMEOUT bin/test_c_hang gw0;TIMEOUT bin/test_d_stubborn gw0;PASSED bin/test_e_fork gw0;"
want+="FAILED bin/test_f_fail gw0;PASSED bin/test_g_pass gw0;PASSED bin/test_h_calc gw0;"
[[ $got == "$want" ]] || fail "-n 1 results (in collection order, the worker going on after each death):
expected: $want
got:      $got
$(cat "$rr_out")"
grep -Eq '^\[gw0\] TIMEOUT bin/test_c_hang [0-9.]+s - timed out' "$rr_out" ||
	fail "the timeout's -v line has no reason"

# coverage reached before the end
info=$work/cov.info
[[ -s $info ]] || fail "no lcov report"
rt_expect_da "$info" crash.c "REACHED crash-helper" 1 "segfault"
rt_expect_da "$info" crash.c "REACHED crash-print" 1 "segfault"
rt_expect_da "$info" crash.c "REACHED crash-write" 1 "segfault"
rt_expect_da "$info" crash.c "UNREACHED crash-after" 0 "segfault"
rt_expect_da "$info" abort.c "REACHED abort-print" 1 "abort"
# test_c_hang flushed on TERM; test_d_stubborn was killed: its share is lost
rt_expect_da "$info" hang.c "REACHED hang-print" 1 "timeout"
rt_expect_da "$info" fork.c "REACHED fork-child" 10 "forked child"
rt_expect_da "$info" lib.c "LIB positive" 1 "plain test"
rt_expect_da "$info" lib.c "LIB negative" 0 "plain test"
rt_expect_da "$info" lib.c "LIB never" 0 "plain test"

# the manifest
"$PYTHON" - "$work/.runner-cov" >"$work/manifest_check.txt" 2>&1 <<'EOF' || fail "manifest: $(cat "$work/manifest_check.txt")"
import json, os, sys
d = sys.argv[1]
m = json.load(open(os.path.join(d, "manifest.json")))
def die(msg):
    sys.exit("%s\n%s" % (msg, json.dumps(m, indent=1)))
if m["workers"] != 1 or m["interrupted"] is not False:
    die("workers/interrupted")
if len(m["shards"]) != 1 or m["shards"][0]["worker"] != "gw0":
    die("shards")
s = m["shards"][0]
got = [(t["id"], t["status"], t["exit_code"], t["signal"]) for t in s["tests"]]
want = [
    ("bin/test_a_crash", "crashed", 0, 11),
    ("bin/test_b_abort", "crashed", 0, 6),
    ("bin/test_c_hang", "timeout", 0, 15),
    ("bin/test_d_stubborn", "timeout", 0, 9),
    ("bin/test_e_fork", "passed", 0, 0),
    ("bin/test_f_fail", "failed", 1, 0),
    ("bin/test_g_pass", "passed", 0, 0),
    ("bin/test_h_calc", "passed", 0, 0),
]
if sorted(got) != sorted(want):
    die("tests: %s" % got)
n = sum(1 for r, _, fs in os.walk(os.path.join(d, s["dir"])) for f in fs if f.endswith(".gcda"))
# one .gcda per program, two for test_h_calc (calc.c, lib.c), none for
# the program killed by SIGKILL
if n != 8 or s["gcda_files"] != 8:
    die("gcda files: manifest %s, directory %d, expected 8" % (s["gcda_files"], n))
EOF

# the next run starts from clean shards: the same numbers again
rt_run again -n 1 --cov=obj --cov-report "lcov:$work/cov2.info" \
	--timeout 1 --timeout-grace 1 bin/test_a_crash bin/test_h_calc
rt_expect_rc 1 "second run"
rt_expect_summary 1 1 0 "second run"
rt_expect_da "$work/cov2.info" crash.c "REACHED crash-print" 1 "second run"
rt_expect_da "$work/cov2.info" lib.c "LIB positive" 1 "second run"

note "ok"
