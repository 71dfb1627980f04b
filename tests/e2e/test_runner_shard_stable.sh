#!/bin/bash
# runner: the same split on every CI job, and workers and children as the
# machine allows.
# - --shard K/N gives disjoint parts covering every test even when each job
#   has a different .runner-cache: without --durations-file the split is
#   by test counts and test ids only; --durations-file FILE (a committed
#   copy of a cache) balances it by durations, the same in every job. A
#   durations file that is missing or not a regular file is a usage error.
#   --lf keeps that split: each job reruns the failures of its own part.
# - -n auto and -n logical count only the CPUs of the affinity mask
#   (taskset). (The cgroup quota is checked by unit/test_runner_cpus.)
# - children are reaped by pid: a child that the runner inherited across
#   exec and that has ended stays its zombie, nobody else's status is taken.
set -euo pipefail
# shellcheck source=tests/lib/runner.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/runner.sh"
rt_setup

RT_NOCOV=1
for i in 1 2 3 4 5 6; do
	rt_build "six/test_$i" pass.c
done
rt_build test_zombie zombie_check.c

all=$(for i in 1 2 3 4 5 6; do echo "bin/six/test_$i"; done)

# cache FILE SLOW: a cache in which test SLOW took 10 s and the others 0.1 s
cache() {
	local i
	for i in 1 2 3 4 5 6; do
		if ((i == $2)); then d=10.000000; else d=0.100000; fi
		printf '%s\tok\tbin/six/test_%s\n' "$d" "$i"
	done >"$1"
}

ids() {
	rt_results "$work/$1.out" | awk '{print $2}' | LC_ALL=C sort
}

# ------------------------------------------------ different caches per job
# Job 1 has a cache where test_1 was slow, job 2 one where test_6 was: the
# split must not depend on them.
cache "$work/job1.cache" 1
cache "$work/job2.cache" 6
rt_run job1 -n 2 -v --shard 1/2 --cache-file "$work/job1.cache" bin/six
rt_expect_rc 0 "job 1"
rt_run job2 -n 2 -v --shard 2/2 --cache-file "$work/job2.cache" bin/six
rt_expect_rc 0 "job 2"
union=$( (ids job1; ids job2) | LC_ALL=C sort)
dups=$(printf '%s\n' "$union" | uniq -d)
[[ -z $dups ]] || fail "different caches: tests in both shards: $dups
job 1: $(ids job1 | tr '\n' ' ')
job 2: $(ids job2 | tr '\n' ' ')"
[[ $union == "$all" ]] || fail "different caches: the shards together ran
$union"
(($(ids job1 | wc -l) == 3 && $(ids job2 | wc -l) == 3)) ||
	fail "split by counts: $(ids job1 | wc -l) and $(ids job2 | wc -l) tests, expected 3 and 3"
# and the same with no cache at all in one job
rt_run job1b -n 2 -v --shard 1/2 --cache-file "$work/none.cache" bin/six
[[ $(ids job1b) == "$(ids job1)" ]] || fail "shard 1/2 differs without a cache:
$(ids job1b | tr '\n' ' ') vs $(ids job1 | tr '\n' ' ')"
# 3 shards of 6 tests: 2 each
for k in 1 2 3; do
	rt_run "third$k" -n 1 -v --shard "$k/3" --cache-file "$work/job$(((k % 2) + 1)).cache" bin/six
	(($(ids "third$k" | wc -l) == 2)) || fail "--shard $k/3: $(ids "third$k" | tr '\n' ' ')"
done
union=$(for k in 1 2 3; do ids "third$k"; done | LC_ALL=C sort)
[[ $union == "$all" ]] || fail "--shard K/3: together $union"

# ------------------------------------------------ --durations-file
# Balanced by the committed file, whatever each job's cache says: test_3 is
# 10 s there, so it fills one shard alone.
cache "$work/durations" 3
rt_run dur1 -n 1 -v --shard 1/2 --durations-file "$work/durations" --cache-file "$work/job1.cache" bin/six
rt_run dur2 -n 1 -v --shard 2/2 --durations-file "$work/durations" --cache-file "$work/job2.cache" bin/six
[[ $(ids dur1 | tr '\n' ' ') == "bin/six/test_3 " ]] ||
	fail "--durations-file: shard 1/2 ran $(ids dur1 | tr '\n' ' '), expected test_3 alone"
[[ $( (ids dur1; ids dur2) | LC_ALL=C sort) == "$all" ]] ||
	fail "--durations-file: shard 2/2 ran $(ids dur2 | tr '\n' ' ')"

rt_run nodur -n 1 --shard 1/2 --durations-file "$work/missing" bin/six
rt_expect_rc 4 "--durations-file missing"
grep -qF "cannot read --durations-file \"$work/missing\": No such file or directory" "$rr_err" ||
	fail "--durations-file missing: $(cat "$rr_err")"
rt_run dirdur -n 1 --shard 1/2 --durations-file "$work" bin/six
rt_expect_rc 4 "--durations-file a directory"
grep -qF "cannot read --durations-file \"$work\": not a regular file" "$rr_err" ||
	fail "--durations-file a directory: $(cat "$rr_err")"

# ------------------------------------------------ --lf with --shard
# Each job's cache knows the failures of its own part only: --lf must keep
# the split of the whole suite (it split the failures of each job's cache
# anew, and every job ran part of its own failures: the rest were lost).
for i in 1 2 3 4; do
	rt_build "lf/test_$i" fail.c
done
lf_all=$(for i in 1 2 3 4; do echo "bin/lf/test_$i"; done)
for k in 1 2; do
	rt_run "lfrun$k" -n 1 -v --shard "$k/2" --cache-file "$work/lf$k.cache" bin/lf
	rt_expect_rc 1 "--shard $k/2, every test failing"
done
RT_ENV=(RT_FAIL=0)
for k in 1 2; do
	rt_run "lf$k" -n 1 -v --lf --shard "$k/2" --cache-file "$work/lf$k.cache" bin/lf
	rt_expect_rc 0 "--lf --shard $k/2"
	[[ $(ids "lf$k") == "$(ids "lfrun$k")" ]] ||
		fail "--lf --shard $k/2 ran $(ids "lf$k" | tr '\n' ' '), expected the failures of its part: $(ids "lfrun$k" | tr '\n' ' ')"
done
[[ $( (ids lf1; ids lf2) | LC_ALL=C sort) == "$lf_all" ]] ||
	fail "--lf --shard: the parts together ran $( (ids lf1; ids lf2) | tr '\n' ' ')"
RT_ENV=()

# ------------------------------------------------ -n auto, -n logical
command -v taskset >/dev/null 2>&1 || fail "taskset is not installed (apt-get install util-linux)"
for spec in logical auto; do
	out=$(cd "$work" && taskset -c 0 "$RUNNER" -n "$spec" bin/six/test_1) ||
		fail "taskset -c 0 runner -n $spec failed: $out"
	[[ $(head -1 <<<"$out") == "runner "*": 1 workers (gw0..gw0), dist load" ]] ||
		fail "taskset -c 0: -n $spec gave: $(head -1 <<<"$out")"
done

# ------------------------------------------------ reaped by pid
# bash starts a short child, then becomes the runner (exec): that child is
# the runner's, and must stay an unreaped zombie while the tests run, also
# after a test has ended (the runner reaps the processes it adopted as a
# subreaper then, never the children it inherited).
RT_ENV=("RT_ZOMBIE_PID_FILE=$work/zombie.pid")
rr_rc=0
(cd "$work" && env "${RT_ENV[@]}" bash -c \
	'sleep 0.1 & echo $! >"$1"; shift; exec "$@"' _ "$work/zombie.pid" \
	"$RUNNER" -n 1 --repeat 2 -v bin/test_zombie) >"$work/zombie.out" 2>&1 || rr_rc=$?
rr_out=$work/zombie.out
rt_expect_results "an inherited child" <<'EOF2'
PASSED bin/test_zombie
PASSED bin/test_zombie
EOF2
rt_expect_rc 0 "an inherited child"

note "ok"
