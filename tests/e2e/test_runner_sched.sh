#!/bin/bash
# runner: scheduling. --dist load (one process per cmocka test, a group
# with a group set-up or tear-down in one),
# loadscope (one process per cmocka group, its tests on one worker),
# loadfile and no (one process per program); longest first by the
# durations recorded in the cache file of the current directory (-n 1 -v
# shows the order), -n 0 keeping collection order; --shard K/N (every test
# in exactly one shard, deterministic, balanced by --durations-file);
# --repeat N.
#
# The cmocka fixture's group setups leave a file per process in $work/env,
# named setup-<group>.<pid>, which tells how many processes ran a group
# (--no-rerun-alone: the rerun of alpha_fail would be one more).
set -euo pipefail
# shellcheck source=tests/lib/runner.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/runner.sh"
rt_setup

RT_NOCOV=1
rt_build cm/test_cm_groups cm_groups.c lib.c -lcmocka
rt_build cm/test_pass pass.c
rt_build slow/test_a sleep.c -DSLEEP_MS=50
rt_build slow/test_b sleep.c -DSLEEP_MS=900
rt_build slow/test_c sleep.c -DSLEEP_MS=450
RT_ENV=("RT_ENV_DIR=$work/env")

cm_results() {
	rt_expect_results "$1" <<'EOF'
PASSED bin/cm/test_cm_groups::alpha::alpha_add
PASSED bin/cm/test_cm_groups::alpha::alpha_classify
FAILED bin/cm/test_cm_groups::alpha::alpha_fail
SKIPPED bin/cm/test_cm_groups::alpha::alpha_skip
PASSED bin/cm/test_cm_groups::beta::beta_one
PASSED bin/cm/test_cm_groups::beta::beta_two
PASSED bin/cm/test_pass
EOF
	rt_expect_summary 5 1 1 "$1"
	rt_expect_rc 1 "$1"
}

# setups GROUP: how many processes ran GROUP's setup
setups() {
	find "$work/env" -name "setup-$1.*" | wc -l
}

# setup_pids GROUP: the pids of the processes that ran GROUP's setup
setup_pids() {
	find "$work/env" -name "setup-$1.*" | sed 's/.*\.//' | LC_ALL=C sort | tr '\n' ' '
}

# ------------------------------------------------------------ dist modes
# both groups have a group set-up: --dist load keeps each in one process,
# --split-fixtured-groups runs one process per test
rt_run load -n 2 -v --dist load --no-rerun-alone bin/cm
cm_results "--dist load"
(($(setups alpha) == 1 && $(setups beta) == 1)) ||
	fail "--dist load: alpha ran in $(setups alpha) processes, beta in $(setups beta); expected 1 each (fixtured groups)"
rm -f "$work"/env/*
rt_run loadsplit -n 2 -v --dist load --split-fixtured-groups --no-rerun-alone bin/cm
cm_results "--dist load --split-fixtured-groups"
(($(setups alpha) == 4 && $(setups beta) == 2)) ||
	fail "--split-fixtured-groups: alpha ran in $(setups alpha) processes, beta in $(setups beta); expected one per test (4, 2)"

rm -f "$work"/env/*
rt_run loadscope -n 2 -v --dist loadscope --no-rerun-alone bin/cm
cm_results "--dist loadscope"
(($(setups alpha) == 1 && $(setups beta) == 1)) ||
	fail "--dist loadscope: alpha ran in $(setups alpha) processes, beta in $(setups beta); expected 1 each"
[[ $(setup_pids alpha) != "$(setup_pids beta)" ]] ||
	fail "--dist loadscope: both groups ran in one process"
for g in alpha beta; do
	n=$(rt_results "$rr_out" | grep "::$g::" | awk '{print $3}' | sort -u | wc -l)
	((n == 1)) || fail "--dist loadscope: the tests of group $g ran on $n workers"
done

rm -f "$work"/env/*
rt_run loadfile -n 2 -v --dist loadfile --no-rerun-alone bin/cm
cm_results "--dist loadfile"
(($(setups alpha) == 1 && $(setups beta) == 1)) ||
	fail "--dist loadfile: alpha ran in $(setups alpha) processes, beta in $(setups beta)"
[[ $(setup_pids alpha) == "$(setup_pids beta)" ]] ||
	fail "--dist loadfile: the two groups of one program ran in different processes"
n=$(rt_results "$rr_out" | grep "test_cm_groups::" | awk '{print $3}' | sort -u | wc -l)
((n == 1)) || fail "--dist loadfile: the tests of one program ran on $n workers"

rm -f "$work"/env/*
rt_run distno -n 2 -v --dist no --no-rerun-alone bin/cm
cm_results "--dist no"
(($(setups alpha) == 1 && $(setups beta) == 1)) ||
	fail "--dist no: alpha ran in $(setups alpha) processes, beta in $(setups beta)"

# ------------------------------------------------------------ longest first
# A fresh cache: the first run goes in collection order (nothing known);
# the second, longest first (b 900 ms, c 450 ms, a 50 ms).
rm -f "$work/.runner-cache"
rt_run first -n 1 -v bin/slow
rt_expect_rc 0 "first run"
got=$(rt_results "$rr_out" | awk '{print $2}' | tr '\n' ' ')
[[ $got == "bin/slow/test_a bin/slow/test_b bin/slow/test_c " ]] ||
	fail "first run (no durations known): order $got, expected collection order"
[[ -s $work/.runner-cache ]] || fail "no cache file .runner-cache in the current directory"
cp "$work/.runner-cache" "$work/cache.after-first"
rt_run second -n 1 -v bin/slow
got=$(rt_results "$rr_out" | awk '{print $2}' | tr '\n' ' ')
[[ $got == "bin/slow/test_b bin/slow/test_c bin/slow/test_a " ]] ||
	fail "second run: order $got, expected longest first (b c a); cache:
$(cat "$work/cache.after-first")"
rt_run seq -n 0 -v bin/slow
got=$(rt_results "$rr_out" | awk '{print $2}' | tr '\n' ' ')
[[ $got == "bin/slow/test_a bin/slow/test_b bin/slow/test_c " ]] ||
	fail "-n 0 keeps collection order, got $got"
# a new test is unknown, and unknown tests go first
rt_run mixed -n 1 -v bin/slow bin/cm/test_pass
got=$(rt_results "$rr_out" | awk '{print $2}' | tr '\n' ' ')
[[ $got == "bin/cm/test_pass bin/slow/test_b bin/slow/test_c bin/slow/test_a " ]] ||
	fail "unknown first, then longest first: got $got"

# ------------------------------------------------------------ shards
# shard_ids NAME: the ids a run printed, sorted
shard_ids() {
	rt_results "$work/$1.out" | awk '{print $2}' | LC_ALL=C sort
}
all=$(printf '%s\n' bin/cm/test_cm_groups::alpha::alpha_add \
	bin/cm/test_cm_groups::alpha::alpha_classify bin/cm/test_cm_groups::alpha::alpha_fail \
	bin/cm/test_cm_groups::alpha::alpha_skip bin/cm/test_cm_groups::beta::beta_one \
	bin/cm/test_cm_groups::beta::beta_two bin/cm/test_pass | LC_ALL=C sort)

# check_shards TAG CACHE: runs shards 1/3, 2/3, 3/3, each with its own copy
# of CACHE (as CI matrix jobs get), and shard 1/3 once more; every test in
# exactly one shard, none empty, the same shard the same twice.
check_shards() {
	local tag=$1 cache=$2 k
	for k in 1 2 3 1b; do
		if [[ -f $cache ]]; then cp "$cache" "$work/c.$tag.$k"; else rm -f "$work/c.$tag.$k"; fi
		rt_run "sh.$tag.$k" -n 2 -v --shard "${k%b}/3" --cache-file "$work/c.$tag.$k" bin/cm
		((rr_rc == 0 || rr_rc == 1)) || fail "$tag: --shard $k/3 exited $rr_rc:
$(cat "$rr_out")"
		grep -q "shard ${k%b}/3" "$rr_out" || fail "$tag: the header does not name shard ${k%b}/3"
	done
	local union dups
	union=$(for k in 1 2 3; do shard_ids "sh.$tag.$k"; done | LC_ALL=C sort)
	dups=$(printf '%s\n' "$union" | uniq -d)
	[[ -z $dups ]] || fail "$tag: tests in more than one shard: $dups"
	[[ $union == "$all" ]] || fail "$tag: the shards together ran
$union
expected
$all"
	for k in 1 2 3; do
		[[ -n $(shard_ids "sh.$tag.$k") ]] || fail "$tag: shard $k/3 is empty"
	done
	[[ $(shard_ids "sh.$tag.1") == "$(shard_ids "sh.$tag.1b")" ]] ||
		fail "$tag: shard 1/3 is not deterministic"
}
check_shards nocache "$work/none"
rt_run durations -n 2 bin/cm
check_shards cache "$work/.runner-cache"
# balanced by a durations file (a copy of a cache, given explicitly): of
# 2 shards, the 900 ms test alone fills one while everything else (about
# 0.8 s at most) goes to the other
cp "$work/.runner-cache" "$work/durations"
rt_run half1 -n 1 -v --shard 1/2 --durations-file "$work/durations" --cache-file "$work/c.half1" bin/slow
rt_run half2 -n 1 -v --shard 2/2 --durations-file "$work/durations" --cache-file "$work/c.half2" bin/slow
[[ $(shard_ids half1 | tr '\n' ' ') == "bin/slow/test_b " ]] ||
	fail "--shard 1/2 by durations: $(shard_ids half1 | tr '\n' ' '), expected the 900 ms test alone"
[[ $(shard_ids half2 | tr '\n' ' ') == "bin/slow/test_a bin/slow/test_c " ]] ||
	fail "--shard 2/2 by durations: $(shard_ids half2 | tr '\n' ' ')"

# ------------------------------------------------------------ repeat
rt_run repeat -n 2 -v --repeat 3 bin/cm -k beta
rt_expect_rc 0 "--repeat 3"
rt_expect_summary 6 0 0 "--repeat 3"
got=$(rt_results "$rr_out" | awk '{print $2}' | LC_ALL=C sort | uniq -c | awk '{print $1, $2}' | tr '\n' ';')
[[ $got == "3 bin/cm/test_cm_groups::beta::beta_one;3 bin/cm/test_cm_groups::beta::beta_two;" ]] ||
	fail "--repeat 3 -k beta: $got"
rt_run repeat2 -n 2 -v --repeat 3 bin/cm/test_pass bin/slow/test_a
rt_expect_summary 6 0 0 "--repeat 3, two programs"
got=$(rt_results "$rr_out" | awk '{print $2}' | LC_ALL=C sort | uniq -c | awk '{print $1, $2}' | tr '\n' ';')
[[ $got == "3 bin/cm/test_pass;3 bin/slow/test_a;" ]] || fail "--repeat 3: $got"

note "ok"
