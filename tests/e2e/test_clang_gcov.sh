#!/bin/bash
# LLVM's gcov flavour read natively (issue 12, item 1): the exactness
# fixture built with clang --coverage (clang 14 writes version "408*") at
# -O0 and -O2, run into three shard roots, merged by covmerge; the oracle
# is `llvm-cov gcov -b -c -f` run per object on the same runs' data
# accumulated in place (compared by tests/e2e/llvm_oracle_compare.py):
# per-line counts, branches and function counts must be equal.
#
# The notes name the sources relative to three different compile
# directories (build.sh compiles from src, build and the work directory),
# which "408*" does not record: covmerge finds them from the notes file's
# directory and its parents, else from its working directory (src here, for
# logic.o); the tracefile must name the real files.
#
# Then shards of clang and gcc objects of the same sources merge in one
# run: each line's count is the clang count plus the gcc count.
set -euo pipefail
# shellcheck source=tests/lib/oracle.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/oracle.sh"
e2e_setup
need_tool clang clang
need_tool llvm-cov llvm
compare=$CM_SOURCE_DIR/tests/e2e/llvm_oracle_compare.py
fx=$fixture_dir/exact

for opt in -O0 -O2; do
	w=$work/clang$opt
	mkdir -p "$w"
	bash "$fx/build.sh" clang "$opt" "$w" >/dev/null 2>&1 ||
		die "$opt: building the fixture with clang failed"
	b=$w/build
	assert_eq "oncg*804" "$(head -c 8 "$b/logic.gcno")" "$opt: clang writes LLVM's 408*"
	clang_exact_check "$opt" "$w" "$fx" "$compare"
	assert_eq 10 "$(grep -c "^SF:$w/src/.*\.c$" "$w/cm.info")" "$opt: the ten .c sources"
done

# ------------------------------------------------------------ clang + gcc
w=$work/clang-O0
gb=$work/gcc
mkdir -p "$gb"
for f in main_b logic loops tricky; do
	(cd "$w/src" && gcc --coverage -O0 -std=gnu11 -c "$w/src/$f.c" -o "$gb/$f.o") ||
		die "gcc build failed"
done
gcc --coverage -o "$gb/prog_b" "$gb"/*.o
GCOV_PREFIX=$work/gs GCOV_PREFIX_STRIP=0 "$gb/prog_b" 1 7 27 64 -3 >/dev/null ||
	die "gcc prog_b failed"
merge() {
	local name=$1 rc=0
	shift
	(cd "$w/src" && "$COVMERGE" --root "$w/src" --branch --report "lcov:$work/$name.info" "$@") \
		>"$work/$name.out" 2>"$work/$name.err" || rc=$?
	assert_eq 0 "$rc" "$name: covmerge exit status"
}
merge clang_only "$w/s1" "$w/s2" "$w/s3" --object-dir "$w/build"
merge gcc_only "$work/gs" --object-dir "$gb"
merge both "$w/s1" "$w/s2" "$w/s3" "$work/gs" --object-dir "$w/build" --object-dir "$gb"
# the expected merge: per (file, line), the sum of the two counts
sum_da() {
	awk -F'[:,]' '/^SF:/ { sf = substr($0, 4) } /^DA:/ { n[sf ":" $2] += $3 }
		END { for (k in n) print k, n[k] }' "$@" | LC_ALL=C sort
}
sum_da "$work/clang_only.info" "$work/gcc_only.info" >"$work/want.da"
sum_da "$work/both.info" >"$work/got.da"
assert_same "$work/want.da" "$work/got.da" "clang and gcc shards merge per line"
grep -q "^SF:$w/src/logic.c$" "$work/gcc_only.info" || fail "gcc's logic.c is not the clang one's"
assert_eq 1 "$(grep -c "^SF:$w/src/logic.c$" "$work/both.info")" "one logic.c in the merged report"
