#!/bin/bash
# runner: a killed run is never taken for a complete one, and what it left
# is cleaned up by the next run.
#  1. a test that leaves a setsid() daemon: the daemon is found (the runner
#     is its subreaper), killed when the test ends, and reported as a
#     warning on that test (which still passes);
#  2. kill -9 of a runner (--cov, --db temp, a test running): its manifest
#     says "complete": false and covmerge refuses the directory (exit 1,
#     naming it) unless --allow-missing; the next run in the same
#     directory, whatever its options, kills the test processes the dead
#     run left and stops and removes its temporary PostgreSQL server,
#     saying so; a run in another directory touches none of it;
#  3. kill -9 during --rerun-alone with --cov: the next run removes the
#     rerun's scratch directory and kills its test.
set -euo pipefail
# shellcheck source=tests/lib/runner.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/runner.sh"
rt_setup

rt_build test_daemon daemon.c
rt_build test_hang hang.c
rt_build test_pass pass.c

alive() {
	kill -0 "$1" 2>/dev/null && [[ $(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) != Z ]]
}

# 1. the daemon
RT_ENV=(RT_DAEMON_PID="$work/daemon.pid")
rt_run daemon -n 1 -v bin/test_daemon
RT_ENV=()
rt_expect_rc 0 "daemon"
rt_expect_summary 1 0 0 "daemon"
dpid=$(cat "$work/daemon.pid")
grep -qx "\[gw0\] WARNING bin/test_daemon: left 1 process running outside its process group: $dpid (test_daemon); killed" "$rr_out" ||
	fail "daemon: no warning line for pid $dpid:
$(cat "$rr_out")"
grep -Eq "^\[gw0\] PASSED bin/test_daemon [0-9.]+s - warning: left 1 process running outside its process group: $dpid \(test_daemon\); killed$" "$rr_out" ||
	fail "daemon: the result line has no warning:
$(cat "$rr_out")"
! alive "$dpid" || fail "daemon: pid $dpid still runs after the run"

# 2. kill -9
command -v pg_ctl >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 ||
	fail "the PostgreSQL server is not installed (apt-get install postgresql)"
mkdir -p "$work/run"
(cd "$work" && RT_RUN_DIR=$work/run exec "$RUNNER" -n 1 --cov=obj --cov-dir "$work/cov" \
	--db temp bin/test_hang) >"$work/killed.out" 2>"$work/killed.err" </dev/null &
victim=$!
rt_bg_pids+=("$victim")
hang_running() {
	[[ -n $(ls -A "$work/run") ]]
}
rt_wait_for 120 hang_running
hpid=$(find "$work/run" -mindepth 1 -maxdepth 1 -printf '%f\n' | sed 's/.*\.//')
# the server's directory: the one whose owner is the victim
srvdir=
for f in /tmp/runner-pg.*/owner; do
	[[ -f $f && $(cut -d. -f1 "$f") == "$victim" ]] && srvdir=$(dirname "$f")
done
[[ -n $srvdir ]] || fail "no /tmp/runner-pg.*/owner names the runner (pid $victim)"
pm=$(head -n 1 "$srvdir/data/postmaster.pid")
alive "$pm" || fail "the server (pid $pm) does not run"
kill -KILL "$victim"
wait "$victim" 2>/dev/null || true
alive "$hpid" || fail "the test (pid $hpid) did not outlive its runner: nothing to clean up"

# a run in another directory (another project's) leaves them alone
mkdir -p "$work/elsewhere"
RR_CWD=$work/elsewhere rt_run elsewhere -n 1 "$work/bin/test_pass"
rt_expect_rc 0 "a run elsewhere"
[[ ! -s $rr_err ]] || fail "a run in another directory said: $(cat "$rr_err")"
alive "$hpid" && alive "$pm" && [[ -d $srvdir ]] ||
	fail "a run in another directory touched what the killed run left"

# the next run in its directory cleans up
rt_run next -n 1 bin/test_pass
rt_expect_rc 0 "the next run"
grep -qx "runner: 1 test process of a killed run (pid $victim) was still running: killed $hpid (test_hang)" "$rr_err" ||
	fail "the next run did not say it killed the test:
$(cat "$rr_err")"
grep -qx "runner: a killed run (pid $victim) left a temporary PostgreSQL server in \"$srvdir\": stopped it, directory removed" "$rr_err" ||
	fail "the next run did not say it stopped the server:
$(cat "$rr_err")"
! alive "$hpid" || fail "the left test (pid $hpid) still runs"
! alive "$pm" || fail "the left server (pid $pm) still runs"
[[ ! -e $srvdir ]] || fail "$srvdir is still there"

# the manifest of the killed run
grep -q '"complete": false' "$work/cov/manifest.json" ||
	fail "the killed run's manifest: $(cat "$work/cov/manifest.json")"
rc=0
"$COVMERGE" -q --object-dir "$work/obj" --report "lcov:$work/killed.info" "$work/cov" >"$work/cm.out" 2>"$work/cm.err" || rc=$?
((rc == 1)) || fail "covmerge on the killed run's directory: exit $rc, expected 1; $(cat "$work/cm.err")"
grep -qF "covmerge: the run recorded in \"$work/cov/manifest.json\" did not finish (the runner was killed?): its coverage is incomplete" "$work/cm.err" ||
	fail "covmerge's message: $(cat "$work/cm.err")"
[[ ! -e $work/killed.info ]] || fail "covmerge wrote a report of an incomplete run"
rc=0
"$COVMERGE" -q --object-dir "$work/obj" --allow-missing --report "lcov:$work/killed.info" "$work/cov" >"$work/cm2.out" 2>"$work/cm2.err" || rc=$?
((rc == 0)) || fail "covmerge --allow-missing: exit $rc; $(cat "$work/cm2.err")"

# and a run after it finds nothing more to say
rt_run quiet -n 1 bin/test_pass
rt_expect_rc 0 "a later run"
[[ ! -s $rr_err ]] || fail "a later run said: $(cat "$rr_err")"

# 3. kill -9 while a failed test is rerun alone (--cov): the rerun's scratch
# directory (the coverage of reruns, in $TMPDIR) and its test are left; the
# next run removes both, saying so.
mkdir -p "$work/bin/rerun" "$work/tmp"
cat >"$work/bin/rerun/test_once" <<'EOF2'
#!/bin/sh
# fails the first time; the second time (the rerun) waits
if [ -e "$RT_MARK" ]; then touch "$RT_MARK.rerun"; exec sleep 600; fi
touch "$RT_MARK"; exit 1
EOF2
chmod +x "$work/bin/rerun/test_once"
(cd "$work" && TMPDIR=$work/tmp RT_MARK=$work/mark exec "$RUNNER" -n 2 --cov=obj \
	--cov-dir "$work/cov3" bin/rerun) >"$work/rerun.out" 2>"$work/rerun.err" </dev/null &
victim=$!
rt_bg_pids+=("$victim")
rerun_running() {
	[[ -e $work/mark.rerun ]]
}
rt_wait_for 120 rerun_running
scratch=$(ls -d "$work"/tmp/runner-rerun.*)
[[ -f $scratch/owner ]] || fail "the rerun's scratch directory has no owner file: $(ls -la "$scratch")"
kill -KILL "$victim"
wait "$victim" 2>/dev/null || true
RT_ENV=("TMPDIR=$work/tmp")
rt_run after-rerun -n 1 bin/test_pass
RT_ENV=()
rt_expect_rc 0 "the run after a killed rerun"
grep -qx "runner: a killed run (pid $victim) left its scratch directory \"$scratch\": removed" "$rr_err" ||
	fail "the next run did not remove the rerun's scratch directory:
$(cat "$rr_err")"
grep -q "^runner: 1 test process of a killed run (pid $victim) was still running: killed [0-9]* (sleep)$" "$rr_err" ||
	fail "the next run did not kill the rerun's test:
$(cat "$rr_err")"
[[ ! -e $scratch ]] || fail "$scratch is still there"
[[ -z $(ls -A "$work/tmp") ]] || fail "left in \$TMPDIR: $(ls -A "$work/tmp")"
note "ok"
