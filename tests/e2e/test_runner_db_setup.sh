#!/bin/bash
# runner --db-setup: the set-up command can be stopped, and its failure
# shows its output with the password masked.
#  1. Ctrl-C (SIGINT) and SIGTERM while the set-up command runs stop it:
#     the runner exits 2 saying so, the command's processes are gone, and
#     nothing is left (the temporary server stopped, its directory removed);
#  2. --db-setup-timeout S stops a set-up that runs longer (exit 3);
#  3. a failing set-up's output is printed, the password replaced by ***
#     (as typed and URL-encoded in DATABASE_URL).
# A runner that ignores the signal (the old behaviour) is stopped by a
# safety net of 300 s and reported as a failure.
set -euo pipefail
# shellcheck source=tests/lib/runner.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/runner.sh"
rt_setup
command -v psql >/dev/null || fail "psql is missing (apt-get install postgresql-client)"

rt_build test_pass pass.c

alive() {
	kill -0 "$1" 2>/dev/null && [[ $(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) != Z ]]
}

# 1. the signals
for sig in INT TERM; do
	rm -f "$work/setup.pid"
	setup="echo \$\$ >'$work/setup.pid'; exec sleep 100000"
	(cd "$work" && exec timeout -s KILL 300 "$RUNNER" -n 1 --db temp --db-setup "$setup" \
		bin/test_pass) >"$work/sig$sig.out" 2>"$work/sig$sig.err" </dev/null &
	pid=$!
	rt_bg_pids+=("$pid")
	rt_wait_for 120 test -s "$work/setup.pid"
	spid=$(cat "$work/setup.pid")
	# the runner is timeout's child
	runner=$(pgrep -P "$pid" -x runner || pgrep -P "$pid")
	srvdir=
	for f in /tmp/runner-pg.*/owner; do
		[[ -f $f && $(cut -d. -f1 "$f") == "$runner" ]] && srvdir=$(dirname "$f")
	done
	[[ -n $srvdir ]] || fail "SIG$sig: no server directory owned by the runner ($runner)"
	kill -"$sig" "$runner"
	rc=0
	wait "$pid" || rc=$?
	((rc != 137)) || fail "SIG$sig: the runner ignored it (killed after 300 s)"
	((rc == 2)) || fail "SIG$sig: exit $rc, expected 2; $(cat "$work/sig$sig.out" "$work/sig$sig.err")"
	grep -qxF "runner: interrupted during the database set-up: setup command \"$setup\" failed: interrupted" "$work/sig$sig.err" ||
		fail "SIG$sig: stderr $(cat "$work/sig$sig.err")"
	[[ $(tail -n 1 "$work/sig$sig.out") == "runner: 0 passed, 0 failed, 0 skipped" ]] ||
		fail "SIG$sig: last line $(tail -n 1 "$work/sig$sig.out")"
	! alive "$spid" || fail "SIG$sig: the set-up command (pid $spid) still runs"
	[[ ! -e $srvdir ]] || fail "SIG$sig: the server's directory $srvdir is left"
done

# 2. the timeout
RR_ALLOW3=1 rt_run timeout -n 1 --db temp --db-setup-timeout 1 --db-setup "exec sleep 100000" bin/test_pass
rt_expect_rc 3 "--db-setup-timeout"
grep -qxF 'runner: database set-up failed: setup command "exec sleep 100000" failed: timed out after 1 s' "$rr_err" ||
	fail "--db-setup-timeout: stderr $(cat "$rr_err")"
[[ $(rt_last_line "$rr_out") == "runner: 0 passed, 0 failed, 0 skipped, 1 error" ]] ||
	fail "--db-setup-timeout: last line $(rt_last_line "$rr_out")"
RR_ALLOW3=1 rt_run bad_timeout --db temp --db-setup-timeout soon --db-setup true bin/test_pass
rt_expect_rc 4 "--db-setup-timeout soon"
grep -qx 'runner: bad --db-setup-timeout "soon": expected seconds' "$rr_err" ||
	fail "--db-setup-timeout soon: $(cat "$rr_err")"

# 3. the password: a server kept by a first run (trust authentication: any
# password is accepted), then a target that names a password
rt_run keep -n 1 --db temp --db-keep bin/test_pass
rt_expect_rc 0 "--db-keep"
stop=$(sed -n 's/^# temporary server kept running: .*; stop it with: //p' "$rr_out")
[[ -n $stop ]] || fail "--db-keep: no stop command: $(cat "$rr_out")"
stop_kept() {
	bash -c "$stop" >/dev/null 2>&1 || true
}
tl_at_exit_first stop_kept
sock=$(sed -n "s/^# temporary server kept running: host='\([^']*\)'.*/\1/p" "$rr_out")
[[ -d $sock ]] || fail "--db-keep: no socket directory in $(cat "$rr_out")"
pw='s3cr&t/pw'
target="host=$sock port=5432 user=runner dbname=postgres password='$pw'"
RR_ALLOW3=1 rt_run masked -n 1 --db "$target" \
	--db-setup 'echo "password $PGPASSWORD"; echo "url $DATABASE_URL"; echo "setup failed on purpose"; exit 3' \
	bin/test_pass
rt_expect_rc 3 "a failing set-up"
grep -qF "$pw" "$rr_err" "$rr_out" && fail "the password is shown: $(cat "$rr_err")"
grep -qF 's3cr%26t%2Fpw' "$rr_err" "$rr_out" && fail "the URL-encoded password is shown: $(cat "$rr_err")"
grep -qx 'password \*\*\*' "$rr_err" || fail "no masked password line: $(cat "$rr_err")"
grep -Eqx 'url postgresql://runner:\*\*\*@.*' "$rr_err" || fail "no masked URL line: $(cat "$rr_err")"
grep -qx 'setup failed on purpose' "$rr_err" || fail "the set-up's output is not shown: $(cat "$rr_err")"
grep -q 'failed: exit status 3$' "$rr_err" || fail "the exit status is not shown: $(cat "$rr_err")"
stop_kept
note "ok"
