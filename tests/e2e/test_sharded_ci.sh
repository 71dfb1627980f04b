#!/bin/bash
# The sharded CI job of README's "Gating CI on one machine and on many",
# on one machine: three matrix jobs each run part of the suite with
#   runner -n 2 --shard K/3 --cov=bin --cov-export shard-K.cmshard bin
# and a last job merges the exports with covmerge. The merged report must
# be exactly the report of one unsharded run (lcov, XML, JSON and the
# term-missing table byte for byte), and the three parts together must run
# every test exactly once.
#
# The suite: the fixture's test programs (tests/fixtures/portable): two
# cmocka programs, which the runner splits into their 10 tests, and a plain
# program: 11 tests.
#   1. the jobs share one machine and one build (one checkout)
#   2. each job has its own checkout at its own path and its own build
#      (other paths, other stamps), as on separate CI machines; the merge
#      runs in a fourth checkout
#   3. the split is complete with a durations cache too (every job starts
#      from the same cache, as each CI job does)
set -euo pipefail
# shellcheck source=tests/lib/portable.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/portable.sh"
pt_setup --runner

all_ids="bin/test_calc::clamps::clamp_inside
bin/test_calc::clamps::clamp_low
bin/test_calc::sums::sign_negative
bin/test_calc::sums::sign_positive
bin/test_calc::sums::sum_small
bin/test_calc::sums::sum_zero
bin/test_plain
bin/test_text::text::kind_many
bin/test_text::text::kind_some
bin/test_text::text::vowels_none
bin/test_text::text::vowels_word"

# run_runner DIR NAME ARG...: the runner in DIR, output in $work/NAME.out;
# it must pass
run_runner() {
	local dir=$1 name=$2 rc=0
	shift 2
	(cd "$dir" && "$RUNNER" "$@") >"$work/$name.out" 2>"$work/$name.err" </dev/null || rc=$?
	((rc == 0)) || fail "$name: runner $* exited $rc:
$(tail -40 "$work/$name.out")
$(tail -10 "$work/$name.err")"
}
# ids NAME: the ids of the tests on the -v lines of $work/NAME.out, sorted
ids() {
	awk '/^\[gw[0-9]+\] PASSED / { print $3 }' "$work/$1.out" | sort
}
# collected NAME: N of "collected N items" in $work/NAME.out
collected() {
	sed -n 's/^collected \([0-9]*\) items from 3 programs.*/\1/p' "$work/$1.out"
}
# check_split WHAT NAME1 NAME2 NAME3: the three runs ran every test once
check_split() {
	local what=$1 k n total=0 union dups
	shift
	for k in 1 2 3; do
		n=$(ids "${!k}" | wc -l)
		((n > 0)) || fail "$what: shard $k ran no tests:
$(cat "$work/${!k}.out")"
		assert_eq "$n" "$(collected "${!k}")" "$what: shard $k: collected vs ran"
		grep -Eq "^collected $n items from 3 programs \\($((11 - n)) deselected\\), shard $k/3\$" \
			"$work/${!k}.out" || fail "$what: shard $k: no line \"collected $n items from 3 programs ($((11 - n)) deselected), shard $k/3\":
$(grep collected "$work/${!k}.out")"
		grep -qx "runner: $n passed, 0 failed, 0 skipped" "$work/${!k}.out" ||
			fail "$what: shard $k: last line $(tail -n 1 "$work/${!k}.out")"
		total=$((total + n))
	done
	union=$(for k in 1 2 3; do ids "${!k}"; done | sort)
	dups=$(uniq -d <<<"$union")
	[[ -z $dups ]] || fail "$what: tests run by more than one shard:
$dups"
	[[ $union == "$all_ids" ]] || fail "$what: the shards together ran
$union
--- expected
$all_ids"
	((total == 11)) || fail "$what: $total tests in all"
}

reports=(--report term-missing --branch)
# merge NAME ARG...: covmerge -q ARG... with lcov, XML, JSON and
# term-missing --branch reports named $work/NAME.*
merge() {
	local name=$1
	shift
	cm_ok "$name" -q --report "lcov:$work/$name.info" --report "xml:$work/$name.xml" \
		--report "json:$work/$name.json" "${reports[@]}" "$@"
	cp "$cm_out" "$work/$name.term"
}
same_merge() {
	local ext
	for ext in info xml json term; do
		assert_same "$work/$1.$ext" "$work/$2.$ext" "$3: $ext"
	done
}

# ------------------------------------------------ 1. one machine, one build
pt_copy "$work/src"
pt_build_tests "$work/src" "$work/bin"
run_runner "$work" single -n 2 -v --cov=bin --cov-dir COV_all --cov-export all.cmshard \
	--cov-report "lcov:$work/runner-all.info" --cache-file "$work/cache-all" bin
assert_eq "$all_ids" "$(ids single)" "the unsharded run"
for k in 1 2 3; do
	run_runner "$work" "shard$k" -n 2 -v --shard "$k/3" --cov=bin --cov-dir "COV_$k" \
		--cov-export "shard-$k.cmshard" --cache-file "$work/cache-$k" bin
	[[ -s $work/shard-$k.cmshard ]] || fail "shard $k: no export"
done

# the reference: the unsharded run's export
cd "$work"
merge single all.cmshard

sec_split() {
	check_split "one machine" shard1 shard2 shard3
}
section "1a. the three shards ran every test once" sec_split

sec_merge() {
	cd "$work"
	merge merged shard-1.cmshard shard-2.cmshard shard-3.cmshard
	same_merge single merged "three shard exports vs one unsharded run"
	# the runner's own report of the unsharded run is the same as well
	assert_same "$work/runner-all.info" "$work/single.info" "the runner's report vs its export"
	# a glob, as in the README's workflow
	cm_ok glob -q --report "lcov:$work/glob.info" shard-*.cmshard
	assert_same "$work/single.info" "$work/glob.info" "covmerge shard-*.cmshard"
	# the numbers themselves: calc_sum(4), calc_sum(0), calc_sum(3)
	loop=$(line_of "$work/src/calc.c" "PT one-line loop")
	assert_eq 10 "$(lcov_da "$work/merged.info" "$work/src/calc.c" "$loop")" "merged: the one-line loop"
	grep -Eq '^TOTAL +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+%$' "$work/merged.term" ||
		fail "merged: no TOTAL line: $(cat "$work/merged.term")"
	# the gate on the merged exports
	cm gate -q --fail-under 100 shard-1.cmshard shard-2.cmshard shard-3.cmshard
	((cm_rc == 2)) || fail "--fail-under 100 on the merged exports: exit $cm_rc, expected 2"
	cm gate_ok -q --fail-under 50 shard-1.cmshard shard-2.cmshard shard-3.cmshard
	((cm_rc == 0)) || fail "--fail-under 50 on the merged exports: exit $cm_rc, expected 0"
	# two shards are not the whole run
	cm_ok partial -q --report "lcov:$work/partial.info" shard-1.cmshard shard-2.cmshard
	cmp -s "$work/partial.info" "$work/single.info" &&
		fail "two of three shards give the full report (setup too weak)"
	true
}
section "1b. merged exports = one unsharded run" sec_merge

sec_raw() {
	# the same from the runner's raw coverage directories
	cd "$work"
	merge rawdirs --object-dir bin COV_1 COV_2 COV_3
	same_merge single rawdirs "the three coverage directories vs one unsharded run"
}
section "1c. the raw coverage directories merged" sec_raw

# ------------------------------------------------ 2. one machine per job
for k in 1 2 3 0; do
	m=$work/machine$k/checkout
	pt_copy "$m/src"
	pt_build_tests "$m/src" "$m/bin"
done
for k in 1 2 3; do
	run_runner "$work/machine$k/checkout" "m_shard$k" -n 2 -v --shard "$k/3" --cov=bin \
		--cov-export "$work/m-shard-$k.cmshard" --cache-file "$work/machine$k/cache" bin
done
run_runner "$work/machine0/checkout" m_single -n 2 -v --cov=bin \
	--cov-export "$work/m-all.cmshard" --cache-file "$work/machine0/cache" bin
mkdir -p "$work/final"
pt_copy "$work/final/src"

sec_machines() {
	check_split "separate machines" m_shard1 m_shard2 m_shard3
	cd "$work/final"
	merge m_merged "$work/m-shard-1.cmshard" "$work/m-shard-2.cmshard" "$work/m-shard-3.cmshard"
	merge m_single "$work/m-all.cmshard"
	same_merge m_single m_merged "three machines' exports vs one unsharded run"
	# and the same numbers as on one machine, at another path
	sed "s|^SF:$work/src/|SF:$work/final/src/|" "$work/single.info" >"$work/single-at-final.info"
	assert_same "$work/single-at-final.info" "$work/m_merged.info" "separate machines vs one machine"
	assert_same "$work/single.term" "$work/m_merged.term" "separate machines vs one machine: term"
}
section "2. one checkout and build per job" sec_machines

# ------------------------------------------------ 3. with a durations cache
sec_cache() {
	local k
	cd "$work"
	for k in 1 2 3; do
		cp "$work/cache-all" "$work/cache-shared-$k"
		run_runner "$work" "c_shard$k" -n 2 -v --shard "$k/3" --cache-file "$work/cache-shared-$k" bin
	done
	check_split "a shared durations cache" c_shard1 c_shard2 c_shard3
	# and with -n 0 (sequential) jobs
	for k in 1 2 3; do
		cp "$work/cache-all" "$work/cache-seq-$k"
		run_runner "$work" "s_shard$k" -n 0 -v --shard "$k/3" --cache-file "$work/cache-seq-$k" bin
	done
	check_split "sequential jobs" s_shard1 s_shard2 s_shard3
}
section "3. the split with a durations cache" sec_cache

pt_finish
