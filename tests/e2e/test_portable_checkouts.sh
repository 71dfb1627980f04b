#!/bin/bash
# Portable shards from different checkouts: the same sources at different
# absolute paths merge into one entry per source file.
#
# The fixture (tests/fixtures/portable) is copied to two checkouts A and B
# at different paths (and depths), built in each (so the builds differ:
# other paths, other stamps) and run into a shard each. Each shard is
# exported with --root <its checkout>. Then
#   1. from a third checkout C, covmerge --root C on the two exports gives
#      one record per source, named under C (relative in the table), with
#      the counts of both added: exactly the report of one build in C that
#      ran both runs; the same from inside A with --root A
#   2. --path-map A=B reads checkout A's raw shards, or its lcov
#      tracefiles, as if at B: one record per source, the same numbers
#   3. an export written with --path-map, or re-exported at another root,
#      keeps the paths it reported: read back anywhere, it gives the same
set -euo pipefail
# shellcheck source=tests/lib/portable.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/portable.sh"
pt_setup

A=$work/ckA/proj
B=$work/elsewhere/deeper/ckB
C=$work/third
R=$work/ref
for d in "$A" "$B" "$C" "$R"; do
	pt_copy "$d"
done
pt_build "$A" "$A/build" &
pa=$!
pt_build "$B" "$B/build" &
pb=$!
pt_build "$R" "$R/build" &
pr=$!
wait "$pa" || fail "building checkout A failed"
wait "$pb" || fail "building checkout B failed"
wait "$pr" || fail "building the reference failed"
# the same sources, separate builds: the stamps differ
[[ $(od -An -tx4 -j8 -N4 "$A/build/lib/calc.gcno") != $(od -An -tx4 -j8 -N4 "$B/build/lib/calc.gcno") ]] ||
	fail "setup: checkouts A and B have the same stamp"

runs_a() {
	pt_run "$1" "$2/build/app/demo" sum 5 sign -2 text coverage
	pt_run "$1" "$2/build/tool/tool" 4
}
runs_b() {
	pt_run "$1" "$2/build/app/demo" sign 0 clamp 9 text zzzzzzzzzzzzzz sum 2
}
runs_a "$work/shA" "$A"
runs_b "$work/shB" "$B"
# the reference: one build (in R) that ran both
runs_a "$work/shR" "$R"
runs_b "$work/shR" "$R"

(cd "$A" && "$COVMERGE" --root "$A" -q --export "$work/a.cmshard" --report "lcov:$work/a.info" "$work/shA") ||
	fail "exporting checkout A failed"
(cd "$B" && "$COVMERGE" --root "$B" -q --export "$work/b.cmshard" --report "lcov:$work/b.info" "$work/shB") ||
	fail "exporting checkout B failed"
assert_eq "root $A" "$(zcat "$work/a.cmshard" | sed -n 2p)" "the root of export A"
assert_eq "root $B" "$(zcat "$work/b.cmshard" | sed -n 2p)" "the root of export B"

cd "$R"
cm_ok ref --root "$R" -q --report "lcov:$work/ref.info" --report term-missing --branch "$work/shR"
cp "$cm_out" "$work/ref.term"
loop=$(line_of "$R/calc.c" "PT one-line loop")
# calc_sum(5), calc_sum(4), calc_sum(2): 3 entries, 11 iterations
assert_eq 14 "$(lcov_da "$work/ref.info" "$R/calc.c" "$loop")" "reference: the one-line loop"

# the reference's lcov with its checkout's path replaced by DIR's
ref_at() {
	sed "s|^SF:$R/|SF:$1/|" "$work/ref.info" >"$work/ref-at-$2.info"
}
# check_one INFO DIR WHAT: one record per source, all under DIR
check_one() {
	# unused.c: its never-run object is found in the build tree
	assert_eq "$2/calc.c $2/calc.h $2/demo.c $2/idle.c $2/text.c $2/tool.c $2/unused.c" \
		"$(lcov_sfs "$1")" "$3: source files"
	local other
	for other in "$A" "$B" "$C" "$R"; do
		[[ $other == "$2" ]] && continue
		! grep -qF "SF:$other/" "$1" || fail "$3: a source of the checkout $other:
$(grep -F "SF:$other/" "$1")"
	done
}

sec_third() {
	cd "$C"
	cm_ok third --root "$C" -q --report "lcov:$work/third.info" --report term-missing --branch \
		"$work/a.cmshard" "$work/b.cmshard"
	check_one "$work/third.info" "$C" "exports of A and B at C"
	assert_eq 14 "$(lcov_da "$work/third.info" "$C/calc.c" "$loop")" \
		"exports of A and B at C: the one-line loop (A 9 + B 5)"
	ref_at "$C" C
	assert_same "$work/ref-at-C.info" "$work/third.info" "exports of A and B at C vs one build that ran both"
	assert_same "$work/ref.term" "$cm_out" "exports of A and B at C: term-missing --branch"
	# names in the table are relative to the root
	grep -Eq '^calc\.c +14 ' "$cm_out" || fail "no row \"calc.c 14 ...\": $(cat "$cm_out")"
	# the default root is the current directory
	cm_ok third_dflt -q --report "lcov:$work/third_dflt.info" "$work/a.cmshard" "$work/b.cmshard"
	assert_same "$work/third.info" "$work/third_dflt.info" "exports at C, default --root"
	# in the other order
	cm_ok third_order -q --report "lcov:$work/third_order.info" "$work/b.cmshard" "$work/a.cmshard"
	assert_same "$work/third.info" "$work/third_order.info" "exports at C, B first"
}
section "1a. two checkouts' exports read at a third" sec_third

sec_in_a() {
	cd "$A"
	cm_ok ina --root "$A" -q --report "lcov:$work/ina.info" --report term-missing --branch \
		"$work/a.cmshard" "$work/b.cmshard"
	ref_at "$A" A
	assert_same "$work/ref-at-A.info" "$work/ina.info" "exports of A and B read in A"
	assert_same "$work/ref.term" "$cm_out" "exports of A and B read in A: term-missing --branch"
	# checkout A's export next to checkout B's raw shard
	cd "$B"
	cm_ok mixb --root "$B" -q --report "lcov:$work/mixb.info" "$work/a.cmshard" "$work/shB"
	ref_at "$B" B
	assert_same "$work/ref-at-B.info" "$work/mixb.info" "export of A beside B's raw shard, in B"
}
section "1b. the exports read in one of the checkouts" sec_in_a

sec_path_map() {
	cd "$B"
	ref_at "$B" B
	# raw shards of both checkouts, A's sources read as B's
	cm_ok pm --root "$B" -q --path-map "$A=$B" --report "lcov:$work/pm.info" \
		--report term-missing --branch "$work/shA" "$work/shB"
	check_one "$work/pm.info" "$B" "--path-map A=B on raw shards"
	assert_same "$work/ref-at-B.info" "$work/pm.info" "--path-map A=B on raw shards"
	assert_same "$work/ref.term" "$cm_out" "--path-map A=B on raw shards: term-missing --branch"
	# without the map, A's files lie outside the root: only B's are left,
	# and a note says how many are not
	cm_ok_note nopm 7 --root "$B" -q --report "lcov:$work/nopm.info" "$work/shA" "$work/shB"
	assert_eq "$B/calc.c $B/calc.h $B/demo.c $B/idle.c $B/text.c $B/tool.c $B/unused.c" "$(lcov_sfs "$work/nopm.info")" \
		"raw shards without --path-map: source files"
	# trailing slashes on either side
	cm_ok pmslash --root "$B" -q --path-map "$A/=$B/" --report "lcov:$work/pmslash.info" \
		"$work/shA" "$work/shB"
	assert_same "$work/pm.info" "$work/pmslash.info" "--path-map A/=B/"
	# lcov tracefiles of the two checkouts
	cm_ok pmt --root "$B" -q --path-map "$A=$B" --report "lcov:$work/pmt.info" \
		"$work/a.info" "$work/b.info"
	assert_same "$work/pm.info" "$work/pmt.info" "--path-map A=B on lcov tracefiles"
	# a map that does not apply changes nothing
	cm_ok_note pmnone 7 --root "$B" -q --path-map "$work/nowhere=$B" --report "lcov:$work/pmnone.info" \
		"$work/shA" "$work/shB"
	assert_same "$work/nopm.info" "$work/pmnone.info" "a --path-map that matches nothing"
	# a map must match whole path components: A's parent with a partial
	# name is not A
	cm_ok_note pmpart 7 --root "$B" -q --path-map "$work/ck=$B" --report "lcov:$work/pmpart.info" \
		"$work/shA" "$work/shB"
	assert_same "$work/nopm.info" "$work/pmpart.info" "--path-map on a partial path component"
}
section "2. --path-map on raw shards and tracefiles" sec_path_map

sec_pm_export() {
	cd "$B"
	ref_at "$B" B
	cm_ok pmx --root "$B" -q --path-map "$A=$B" --report "lcov:$work/pmx.info" \
		--export "$work/pmx.cmshard" "$work/shA" "$work/shB"
	assert_same "$work/ref-at-B.info" "$work/pmx.info" "--path-map with --export: the report"
	cm_ok pmxback --root "$B" -q --report "lcov:$work/pmxback.info" "$work/pmx.cmshard"
	assert_same "$work/pmx.info" "$work/pmxback.info" \
		"an export written with --path-map A=B, read back in B"
}
section "3a. an export keeps the --path-map it was written with" sec_pm_export

sec_reexport() {
	# exported at A and B, merged and exported again at C, read at B
	cd "$C"
	cm_ok cexp --root "$C" -q --report "lcov:$work/cexp.info" --export "$work/c.cmshard" \
		"$work/a.cmshard" "$work/b.cmshard"
	assert_eq "root $C" "$(zcat "$work/c.cmshard" | sed -n 2p)" "the root of the re-export"
	cd "$B"
	ref_at "$B" B
	cm_ok cback --root "$B" -q --report "lcov:$work/cback.info" --report term-missing --branch \
		"$work/c.cmshard"
	check_one "$work/cback.info" "$B" "the re-export at C read at B"
	assert_same "$work/ref-at-B.info" "$work/cback.info" "the re-export at C read at B"
	assert_same "$work/ref.term" "$cm_out" "the re-export at C read at B: term-missing --branch"
}
section "3b. an export of exports, read at yet another root" sec_reexport

pt_finish
