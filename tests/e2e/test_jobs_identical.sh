#!/bin/bash
# The output never depends on the number of threads.
#
# The shard fixture (fixture_build in tests/lib/shards.sh) plus three more copies of the
# "twice" program (13 objects, count.c in five of them) is run into four
# shard roots. covmerge with -j 1, -j 2, -j 8 (three times) and the default
# must write byte-identical lcov files, stdout and stderr:
#   - clean data (stderr empty), with and without --object-dir, and with
#     the default terminal table instead of a report file;
#   - two rebuilt objects, whose data is stale in several shards: with
#     --ignore-stale (exit 0, the warnings in the same order every time) and
#     without (exit 1, the same errors every time).
set -euo pipefail
# shellcheck source=tests/lib/shards.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/shards.sh"
lib_setup

B=$work/build
fixture_build "$cc" "$B"
s=$fixture_copy
for k in 1 2 3; do
	fixture_compile_all "$cc" \
		"$s/main_two.c" "$B/rep$k/main_two.o" \
		"$s/count.c" "$B/rep$k/count.o"
	fixture_link "$cc" "$B/rep$k/twice" "$B/rep$k/main_two.o" "$B/rep$k/count.o"
done
fixture_run "$B" 0 "$work/s1" "$work/s2" "$work/s3"
run_into "$work/s2" 0 "$B/rep1/twice"
run_into "$work/s3" 0 "$B/rep1/twice"
run_into "$work/s4" 0 "$B/rep2/twice"
run_into "$work/s4" 0 "$B/rep3/twice"
run_into "$work/s4" 0 "$B/one/counter" 3
shards=("$work/s1" "$work/s2" "$work/s3" "$work/s4")
[[ $(find "$B" -name '*.gcno' | wc -l) == 13 ]] || fail "setup: expected 13 notes files"

# same_for_all_jobs NAME EXPECTED_RC ARG...: runs covmerge ARG... with each
# -j setting (the lcov report goes to $work/NAME.<setting>.info) and checks
# that exit code, report, stdout and stderr are the same for all.
same_for_all_jobs() {
	local name=$1 want=$2 j first="" tag n=0
	shift 2
	for j in 1 2 8 8 8 default; do
		n=$((n + 1))
		tag=$name.$n.j$j
		local jopt=()
		[[ $j == default ]] || jopt=(-j "$j")
		run_cm "$tag" "${jopt[@]}" "$@"
		((cm_rc == want)) || fail "$name -j $j: exit $cm_rc, expected $want:
$(cat "$cm_err")"
		# the report (when one is asked for) is written to $work/$name.info
		if [[ -f $work/$name.info ]]; then
			mv "$work/$name.info" "$work/$tag.info"
		fi
		if [[ -z $first ]]; then
			first=$tag
			continue
		fi
		assert_same "$work/$first.out" "$cm_out" "$name: stdout, -j $j vs -j 1"
		assert_same "$work/$first.err" "$cm_err" "$name: stderr, -j $j vs -j 1"
		if [[ -f $work/$first.info || -f $work/$tag.info ]]; then
			assert_same "$work/$first.info" "$work/$tag.info" "$name: lcov, -j $j vs -j 1"
		fi
	done
	last_out=$cm_out
	last_err=$cm_err
	last_info=$work/$tag.info
}

# clean data
same_for_all_jobs clean 0 --report "lcov:$work/clean.info" "${shards[@]}"
assert_empty "$last_err" "clean: stderr"
lcov_load "$last_info"
# util_a: counter 1 + 2 + 4 + 3 = 10 calls; bump: 10 from counter, 2 per
# run of a twice program (6 runs: two/ and rep1/ twice each, rep2/ and
# rep3/ once); all in one count.c record
assert_eq "10,util_a" "${lc_fnda[$s/a/util.c]-(none)}" "clean: util_a"
assert_eq "22,bump 6,bump_twice 10,count_total" "${lc_fnda[$s/count.c]-(none)}" "clean: count.c"
assert_eq "6,main" "${lc_fnda[$s/main_two.c]-(none)}" "clean: main_two.c"
assert_eq "covmerge: 13 objects (1 never run), 28 data files" "$(head -n1 "$last_out")" \
	"clean: summary"

clean_info=$last_info

same_for_all_jobs objdir 0 --object-dir "$B" --report "lcov:$work/objdir.info" "${shards[@]}"
assert_same "$clean_info" "$last_info" "--object-dir with unstripped shards"

# the default terminal table on stdout
same_for_all_jobs table 0 "${shards[@]}"
[[ $(wc -l <"$last_out") -gt 1 ]] || fail "table: no table on stdout: $(cat "$last_out")"

# two rebuilt objects: one/count.o (its data is in s1, s2, s3 and s4) and
# rep1/count.o (in s2 and s3)
fixture_compile "$cc" "$s/count.c" "$B/one/count.o"
fixture_compile "$cc" "$s/count.c" "$B/rep1/count.o"
same_for_all_jobs stale_ign 0 --ignore-stale --report "lcov:$work/stale_ign.info" "${shards[@]}"
assert_eq 6 "$(grep -c '^covmerge: warning: .* is stale: ' "$last_err")" "stale_ign: warnings"
assert_eq "" "$(grep '^covmerge: ' "$last_err" | grep -v '^covmerge: warning: ')" \
	"stale_ign: nothing but warnings"
lcov_load "$last_info"
# left: two/count (2 runs of twice), rep2, rep3 (s4) -> bump 2 * 4, ...
assert_eq "8,bump 4,bump_twice 4,count_total" "${lc_fnda[$s/count.c]-(none)}" "stale_ign: count.c"
assert_eq "10,util_a" "${lc_fnda[$s/a/util.c]-(none)}" "stale_ign: util_a still counted"

same_for_all_jobs stale 1 --report "lcov:$work/stale.info" "${shards[@]}"
assert_eq 6 "$(grep -c '^covmerge: .* is stale: ' "$last_err")" "stale: errors"
[[ ! -e $last_info ]] || fail "stale: a report was written"

note "PASS"
