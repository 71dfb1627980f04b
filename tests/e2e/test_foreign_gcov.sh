#!/bin/bash
# Well-formed gcov files of a format covmerge does not read are named for
# what they are, with what to do, and never called corrupt (issue 12,
# item 2):
#
#  (a) clang --coverage notes in another LLVM flavour than the 408* covmerge
#      reads (clang 14's notes with the version word "407*"): one message
#      per notes file, exit 1, no "corrupt" hint
#  (b) --ignore-stale: warnings, then "no coverage data" that says the
#      notes files found could not be read (not that there were none)
#  (c) LLVM 407* data, and clang's own 408* data, beside a gcc notes file
#      of the same name
#  (d) crafted headers: gcc 16 and gcc 8 version words in a real gcc notes
#      file, an LLVM raw profile named .gcda
#  (e) runner --cov with clang-built tests: exit 3, and the last line counts
#      every coverage error
set -euo pipefail
# shellcheck source=tests/lib/oracle.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/oracle.sh"
e2e_setup
need_runner
need_tool clang clang

c=$work/c
mkdir -p "$c"
bash "$fixture_dir/exact/build.sh" clang -O0 "$c" >/dev/null 2>&1 ||
	die "building the exact fixture with clang failed"
b=$c/build
"$b/prog_a" >/dev/null || die "prog_a failed"
"$b/prog_b" >/dev/null || die "prog_b failed"
mapfile -t notes < <(cd "$b" && find . -name '*.gcno' | sed 's|^\./||' | LC_ALL=C sort)
assert_eq 10 "${#notes[@]}" "(a) clang wrote 10 notes files"
# the version word as clang 14 writes it
assert_eq "oncg*804" "$(head -c 8 "$b/logic.gcno")" "(a) clang's notes header"

# set_version FILE WORD: writes the 4-character version (as gcc prints it)
# into FILE's header, in the file's little-endian order
set_version() {
	local w=$2
	printf '%s' "${w:3:1}${w:2:1}${w:1:1}${w:0:1}" |
		dd of="$1" bs=1 seek=4 conv=notrunc status=none
}
for n in "${notes[@]}"; do
	set_version "$b/$n" "407*"
done
set_version "$b/logic.gcda" "407*"

llvm_cause='LLVM gcov format 407* (clang --coverage, or gcc 4), which covmerge does not read'
llvm_hint="hint: covmerge reads clang's default 408* and gcc 9 to 15: rebuild with clang --coverage (no -coverage-version) or gcc --coverage"

# ------------------------------------------------------------ (a)
rc=0
"$COVMERGE" --report "lcov:$work/a.info" "$b" >"$work/a.out" 2>"$work/a.err" || rc=$?
assert_eq 1 "$rc" "(a) exit status"
for n in "${notes[@]}"; do
	assert_line "$work/a.err" "covmerge: cannot read \"$b/$n\": $llvm_cause" "(a) $n named"
done
assert_eq 10 "$(grep -cxF -- "$llvm_hint" "$work/a.err")" "(a) one hint per notes file"
assert_eq 20 "$(wc -l <"$work/a.err")" "(a) nothing else on stderr"
assert_not_contains "$work/a.err" "corrupt" "(a) never called corrupt"
[[ ! -e $work/a.info ]] || fail "(a) a report was written"

# ------------------------------------------------------------ (b)
rc=0
"$COVMERGE" --ignore-stale --report "lcov:$work/b.info" "$b" >"$work/b.out" 2>"$work/b.err" || rc=$?
assert_eq 1 "$rc" "(b) exit status"
assert_line "$work/b.err" "covmerge: warning: cannot read \"$b/logic.gcno\": $llvm_cause" \
	"(b) a warning per notes file"
assert_line "$work/b.err" "$llvm_hint (left out of the report)" "(b) the hint says it is left out"
assert_eq "covmerge: no coverage data: the 10 notes files found could not be read (see above)" \
	"$(tail -n 1 "$work/b.err")" "(b) the last message says why there is no data"
assert_not_contains "$work/b.err" "corrupt" "(b) never called corrupt"

# ------------------------------------------------------------ (c)
g=$work/g
mkdir -p "$g"
cp "$fixture_dir/exact/"*.c "$fixture_dir/exact/"*.h "$fixture_dir/exact/"*.inc "$g/"
(cd "$g" && gcc --coverage -O0 -c logic.c -o logic.o) || die "gcc build failed"
cp "$b/logic.gcda" "$g/logic.gcda"
rc=0
"$COVMERGE" --root "$g" "$g" >"$work/c.out" 2>"$work/c.err" || rc=$?
assert_eq 1 "$rc" "(c) exit status"
assert_eq "covmerge: cannot read \"$g/logic.gcda\": $llvm_cause
$llvm_hint" "$(cat "$work/c.err")" "(c) clang data beside gcc notes"
# clang 14's own data (408*, which covmerge reads) beside gcc notes
set_version "$g/logic.gcda" "408*"
rc=0
"$COVMERGE" --root "$g" "$g" >"$work/c2.out" 2>"$work/c2.err" || rc=$?
assert_eq 1 "$rc" "(c) 408* data, gcc notes: exit status"
v12=$(gcc -dumpfullversion | cut -d. -f1,2)
assert_line "$work/c2.err" "covmerge: \"$g/logic.gcda\" was written by clang (LLVM gcov format 408*) but its notes file \"$g/logic.gcno\" by gcc $v12" \
	"(c) 408* data, gcc notes: both writers named"

# ------------------------------------------------------------ (d)
rm -f "$g/logic.gcda"
cp "$g/logic.gcno" "$work/keep.gcno"
set_version "$g/logic.gcno" "B61*"
rc=0
"$COVMERGE" --root "$g" "$g" >"$work/d1.out" 2>"$work/d1.err" || rc=$?
assert_eq 1 "$rc" "(d) gcc 16: exit status"
assert_eq "covmerge: cannot read \"$g/logic.gcno\": gcc 16 format (B61*), newer than covmerge knows (gcc 9 to 15)
hint: rebuild the object with gcc 15 or older, or use a covmerge that reads gcc 16's notes files" \
	"$(cat "$work/d1.err")" "(d) gcc 16 notes"
set_version "$g/logic.gcno" "A85*"
rc=0
"$COVMERGE" --root "$g" "$g" >"$work/d2.out" 2>"$work/d2.err" || rc=$?
assert_eq 1 "$rc" "(d) gcc 8: exit status"
assert_eq "covmerge: cannot read \"$g/logic.gcno\": gcc 8 format (A85*): written by gcc older than 9, which covmerge does not read
hint: rebuild the object with gcc 9 or newer" "$(cat "$work/d2.err")" "(d) gcc 8 notes"
cp "$work/keep.gcno" "$g/logic.gcno"
# an LLVM raw profile's first bytes, named as a data file
printf '\x81\x72\x66\x6f\x72\x70\x6c\xff\x08\x00\x00\x00\x00\x00\x00\x00' >"$g/logic.gcda"
rc=0
"$COVMERGE" --root "$g" "$g" >"$work/d3.out" 2>"$work/d3.err" || rc=$?
assert_eq 1 "$rc" "(d) profraw: exit status"
assert_eq "covmerge: cannot read \"$g/logic.gcda\": not a gcov file: an LLVM raw profile (.profraw, clang -fprofile-instr-generate)
hint: covmerge reads gcov data (--coverage) and lcov tracefiles; \`llvm-cov export -format=lcov\` makes a tracefile of it" \
	"$(cat "$work/d3.err")" "(d) profraw named .gcda"

# ------------------------------------------------------------ (e)
find "$b" -name '*.gcda' -delete
rc=0
(cd "$work" && "$RUNNER" -n 2 --cov="$b" --cov-dir "$work/cov" "$b/prog_a" "$b/prog_b") \
	>"$work/e.out" 2>"$work/e.err" || rc=$?
assert_eq 3 "$rc" "(e) runner exit status"
assert_eq "runner: 2 passed, 0 failed, 0 skipped, 10 errors" "$(tail -n 1 "$work/e.out")" \
	"(e) the last line counts the coverage errors"
assert_eq 10 "$(grep -c "^covmerge: cannot read .*: LLVM gcov format 407\*" "$work/e.err")" \
	"(e) one message per notes file"
