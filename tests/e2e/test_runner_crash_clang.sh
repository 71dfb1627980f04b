#!/bin/bash
# runner: a clang --coverage test that segfaults keeps its coverage (issue
# 12, item 5). clang's runtime is compiler-rt's, not libgcov: its
# __gcov_dump is in the program but not exported, so the crash-flush
# preload writes the data through exit(), whose handlers include
# compiler-rt's writeout, and the test is still reported CRASHED (SIGSEGV).
# The counts before the crash, read through covmerge, are checked against
# the markers and against llvm-cov gcov run on the same .gcda.
set -euo pipefail
# shellcheck source=tests/lib/runner.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/runner.sh"
rt_setup
need_tool clang clang
need_tool llvm-cov llvm

mkdir -p "$work/obj/test_crash"
(cd "$work/obj/test_crash" &&
	clang -std=gnu11 -O0 -g --coverage -I"$work/src" -c "$work/src/crash.c" -o crash.o &&
	clang --coverage -o "$work/bin/test_crash" crash.o) ||
	fail "cannot build crash.c with clang"
assert_eq "oncg*804" "$(head -c 8 "$work/obj/test_crash/crash.gcno")" "clang writes LLVM's 408*"

# without the runner (no preload) the crash loses everything: no .gcda
rc=0
(cd "$work" && "$work/bin/test_crash" >/dev/null 2>&1) || rc=$?
assert_eq 139 "$rc" "run alone: dies of SIGSEGV"
assert_eq "" "$(find "$work" -name '*.gcda')" "run alone: no .gcda written"

rt_run crash -n 1 -v --cov=obj --cov-report "lcov:$work/cov.info" bin
rt_expect_rc 1 "clang crash"
rt_expect_summary 0 1 0 "clang crash"
grep -q '^\[gw0\] CRASHED (SIGSEGV) bin/test_crash' "$rr_out" ||
	fail "not reported as a SIGSEGV crash: $(cat "$rr_out")"
ok "reported CRASHED (SIGSEGV)"

info=$work/cov.info
[[ -s $info ]] || fail "no lcov report; stderr: $(cat "$rr_err")"
rt_expect_da "$info" crash.c "REACHED crash-helper" 1 "clang segfault"
rt_expect_da "$info" crash.c "REACHED crash-print" 1 "clang segfault"
rt_expect_da "$info" crash.c "REACHED crash-write" 1 "clang segfault"
# (no "UNREACHED crash-after" 0 here: LLVM ends a block at a branch only,
# not at a call, so the line after the crashing call shares main's one
# block and llvm-cov gcov counts it 1 too; the oracle below checks it)

# the oracle: llvm-cov gcov on the shard's .gcda (beside a copy of the notes)
gcda=$(find "$work/.runner-cov" -name crash.gcda)
[[ -n $gcda ]] || fail "no crash.gcda in the shard"
o=$work/oracle
mkdir -p "$o"
cp "$work/obj/test_crash/crash.gcno" "$gcda" "$o/"
(cd "$o" && llvm-cov gcov -o crash.o "$work/src/crash.c" >/dev/null 2>&1) ||
	fail "llvm-cov gcov failed"
# llvm-cov's "count:line:" versus the report's DA lines, on every line
# that has a count
want=$(awk -F: '{c=$1; gsub(/ /,"",c); l=$2; gsub(/ /,"",l);
	if (c == "-" || l == 0) next; if (c == "#####") c = 0; sub(/\*$/,"",c);
	print l "," c}' "$o/crash.c.gcov" | LC_ALL=C sort -t, -k1n)
got=$(sed -n '/^SF:.*\/crash\.c$/,/end_of_record/p' "$info" |
	sed -n 's/^DA:\([0-9]*\),\([0-9]*\).*/\1,\2/p' | LC_ALL=C sort -t, -k1n)
[[ -n $want ]] || fail "llvm-cov gcov gave no counts"
[[ $got == "$want" ]] || fail "covmerge differs from llvm-cov gcov:
llvm-cov: $(echo "$want" | tr '\n' ' ')
covmerge: $(echo "$got" | tr '\n' ' ')"
ok "per-line counts equal llvm-cov gcov ($(echo "$want" | wc -l) lines)"

# the other path: the program exports compiler-rt's __gcov_dump, which the
# preload then calls instead of exit()
mkdir -p "$work/obj2/test_crash_dump" "$work/bin2"
(cd "$work/obj2/test_crash_dump" &&
	clang -std=gnu11 -O0 -g --coverage -I"$work/src" -c "$work/src/crash.c" -o crash.o &&
	clang --coverage -Wl,--undefined=__gcov_dump -Wl,--export-dynamic-symbol=__gcov_dump \
		-o "$work/bin2/test_crash_dump" crash.o) ||
	fail "cannot build crash.c with clang, __gcov_dump exported"
nm -D "$work/bin2/test_crash_dump" | grep -q ' T __gcov_dump$' ||
	fail "__gcov_dump is not exported"
rt_run dump -n 1 --cov=obj2 --cov-report "lcov:$work/cov2.info" bin2
rt_expect_rc 1 "clang crash, __gcov_dump"
rt_expect_summary 0 1 0 "clang crash, __gcov_dump"
grep -q 'CRASHED (SIGSEGV) bin2/test_crash_dump' "$rr_out" ||
	fail "__gcov_dump: not reported as a SIGSEGV crash: $(cat "$rr_out")"
got2=$(sed -n '/^SF:.*\/crash\.c$/,/end_of_record/p' "$work/cov2.info" |
	sed -n 's/^DA:\([0-9]*\),\([0-9]*\).*/\1,\2/p' | LC_ALL=C sort -t, -k1n)
[[ $got2 == "$want" ]] || fail "__gcov_dump: covmerge differs from llvm-cov gcov:
llvm-cov: $(echo "$want" | tr '\n' ' ')
covmerge: $(echo "$got2" | tr '\n' ' ')"
ok "__gcov_dump: per-line counts equal llvm-cov gcov"
note "ok"
