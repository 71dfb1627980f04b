#!/bin/bash
# runner: infrastructure failures are not test failures. Each ends the run
# with exit 3, one message saying what broke and a last line
# "runner: N passed, N failed, N skipped, 1 error"; no test is reported
# failed because of it.
#  1. -n is lowered to what the open-file limit allows, with a note;
#  2. no file descriptor left to start a test (EMFILE);
#  3. the temporary PostgreSQL server (--db temp) dies during the run.
set -euo pipefail
# shellcheck source=tests/lib/runner.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/runner.sh"
rt_setup

for x in a b c d; do
	rt_build "test_$x" pass.c
done

# limited RUNNER_ARGS...: the runner with only stdin, stdout and stderr open
# and an open-file limit of $LIMIT
# limited NAME ARG...: the runner with at most $LIMIT open files (LIMIT is
# set by the caller, as LIMIT=N limited ...)
# shellcheck disable=SC2153
limited() {
	local name=$1
	shift
	rr_out=$work/$name.out
	rr_err=$work/$name.err
	rr_rc=0
	(cd "$work" && "$PYTHON" -c '
import resource, subprocess, sys
n = int(sys.argv[1])
sys.exit(subprocess.run(sys.argv[2:], close_fds=True,
    preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (n, n))).returncode)
' "$LIMIT" "$RUNNER" "$@") >"$rr_out" 2>"$rr_err" </dev/null || rr_rc=$?
}

# 1. the cap
LIMIT=24 limited cap -n 8 -v bin
rt_expect_rc 0 "-n 8 under ulimit -n 24"
rt_expect_summary 4 0 0 "-n 8 under ulimit -n 24"
note_re='^runner: note: -n 8 lowered to ([0-9]+): the open-file limit \(ulimit -n\) is 24, ([0-9]+) descriptors are open and 16 are kept for reports and connections$'
[[ $(head -n 1 "$rr_err") =~ $note_re ]] || fail "cap: no note: $(cat "$rr_err")"
cap=${BASH_REMATCH[1]}
open=${BASH_REMATCH[2]}
((cap == 24 - open - 16 && cap >= 1 && cap < 8)) || fail "cap: $cap workers with $open open"
if ((cap == 1)); then
	want_header="runner 0.1.0: 1 workers (gw0..gw0), dist load"
else
	want_header="runner 0.1.0: $cap workers (gw0..gw$((cap - 1))), dist load"
fi
[[ $(head -n 1 "$rr_out") == "$want_header" ]] || fail "cap: header $(head -n 1 "$rr_out")"

# 2. EMFILE: three descriptors open, the signal pipe takes two more, and
# starting a test needs five
LIMIT=7 limited emfile -n 0 -v bin
rt_expect_rc 3 "EMFILE"
[[ $(rt_last_line "$rr_out") == "runner: 0 passed, 0 failed, 0 skipped, 1 error" ]] ||
	fail "EMFILE: last line $(rt_last_line "$rr_out")"
grep -Eqx 'runner: cannot (create a pipe|open /dev/null): Too many open files; stopping the run \(no more tests start\)' "$rr_err" ||
	fail "EMFILE: stderr $(cat "$rr_err")"
[[ $(grep -c 'Too many open files' "$rr_err" "$rr_out" | awk -F: '{s += $2} END {print s}') == 1 ]] ||
	fail "EMFILE: said more than once: $(cat "$rr_out" "$rr_err")"
[[ -z $(rt_results "$rr_out") ]] || fail "EMFILE: tests reported: $(rt_results "$rr_out")"

# 3. the server dies: test_b kills it; test_c and test_d would fail
command -v psql >/dev/null || fail "psql is missing (apt-get install postgresql-client)"
mkdir -p "$work/db"
for x in a c d; do
	printf '#!/bin/sh\nexec psql -qAt -c "SELECT 1"\n' >"$work/db/test_$x"
done
cat >"$work/db/test_b_kill" <<'SH'
#!/bin/sh
# PGHOST is DIR/sock; the server's pid is in DIR/data/postmaster.pid
pid=$(head -n 1 "$(dirname "$PGHOST")/data/postmaster.pid")
kill -KILL "$pid"
while [ -d "/proc/$pid" ] && [ "$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null)" != Z ]; do
	sleep 0.05
done
echo "killed the server ($pid)"
SH
chmod +x "$work"/db/test_*
RR_ALLOW3=1 rt_run dbdie -n 0 -v --db temp db
rt_expect_rc 3 "the server dies"
[[ $(rt_last_line "$rr_out") == "runner: 1 passed, 0 failed, 0 skipped, 1 error" ]] ||
	fail "the server dies: last line $(rt_last_line "$rr_out"); $(cat "$rr_out" "$rr_err")"
grep -Eq '^runner: the temporary PostgreSQL server in "/tmp/runner-pg\.[^"]+" stopped during the run \(its postmaster, pid [0-9]+, is gone\); stopping the run \(no more tests start\)$' "$rr_err" ||
	fail "the server dies: stderr $(cat "$rr_err")"
got=$(rt_results "$rr_out" | tr '\n' ';')
[[ $got == "PASSED db/test_a gw0;" ]] || fail "the server dies: results $got"
note "ok"
