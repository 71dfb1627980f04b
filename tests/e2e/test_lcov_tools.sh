#!/bin/bash
# lcov's own tools must accept covmerge's tracefile and agree with its totals.
#
# Builds tests/fixtures/exact (gcc 12, -O2, so a system header takes part
# too), runs its programs into three shards and merges them with covmerge.
# Then:
#   - the tracefile is plain lcov 1.x: every line one of its records, no
#     comment line, BRDA's block field 0 (geninfo's value for gcc 12);
#   - genhtml must exit 0, write index.html and print no warning;
#   - `lcov --summary out.info --rc lcov_branch_coverage=1` must report
#     exactly the lines/functions/branches totals that are the sums of the
#     file's own LF/LH, FNF/FNH and BRF/BRH records, and so must genhtml's
#     overview;
#   - lcov -a must be able to read the file back (a round trip through lcov
#     keeps the totals);
#   - on a short-circuit `a && b` whose b never runs, covmerge writes "-"
#     for b's branches (gcov's "never executed") where geninfo writes 0,
#     with the same totals (the one documented difference).
set -euo pipefail
# shellcheck source=tests/lib/oracle.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/oracle.sh"
e2e_setup

need_tool lcov lcov
need_tool genhtml lcov
use_gcc 12
w=$work/gcc12-O2
mkdir -p "$w"
bash "$fixture_dir/exact/build.sh" "$cc" -O2 "$w" 2>"$w/build.log" ||
	die "building the fixture failed: $(cat "$w/build.log")"
shards=("$w/shard1" "$w/shard2" "$w/shard3")
bash "$fixture_dir/exact/run_shards.sh" "$w/build" "${shards[@]}"

info=$w/out.info
"$COVMERGE" "${cm_all[@]}" --object-dir "$w/build" --report "lcov:$info" "${shards[@]}" \
	>"$w/covmerge.out" 2>"$w/covmerge.err" ||
	die "covmerge exited $?: $(cat "$w/covmerge.err")"
[[ -s $info ]] || die "covmerge wrote no lcov file"
# plain lcov 1.x: only KEY:value records and end_of_record, no comment
# line, and BRDA's block field 0 as geninfo writes it for gcc 12
bad=$(grep -v -E '^(TN:|SF:/.+|FN:[0-9]+,[^,]+|FNDA:[0-9]+,.+|FNF:[0-9]+|FNH:[0-9]+|BRDA:[0-9]+,0,[0-9]+,([0-9]+|-)|BRF:[0-9]+|BRH:[0-9]+|DA:[0-9]+,[0-9]+|LF:[0-9]+|LH:[0-9]+|end_of_record)$' "$info" | head -5 || true)
[[ -z $bad ]] || die "the lcov report has lines that are not plain lcov 1.x: $bad"

read -r lf lh fnf fnh brf brh < <(lcov_totals "$info")
note "tracefile totals: lines $lh/$lf functions $fnh/$fnf branches $brh/$brf"
((lf > 0 && fnf > 0 && brf > 0)) || die "the tracefile has no lines, functions or branches"

# "  lines......: 85.5% (142 of 166 lines)" -> "142 166"
hit_of() {
	local what=$1 file=$2 got
	got=$(sed -n "s/^ *$what\.*: [0-9.]*% (\([0-9]*\) of \([0-9]*\) $what)\$/\1 \2/p" "$file")
	if [[ -z $got ]] && grep -q "^ *$what\.*: no data found" "$file"; then
		got="0 0"
	fi
	[[ $(wc -l <<<"$got") -eq 1 && -n $got ]] ||
		die "cannot find one '$what' total in $(basename "$file"): $(cat "$file")"
	echo "$got"
}

check_totals() {
	local tool=$1 out=$2 got
	got=$(hit_of lines "$out")
	[[ $got == "$lh $lf" ]] || die "$tool lines: \"$got\", tracefile LH/LF: \"$lh $lf\""
	got=$(hit_of functions "$out")
	[[ $got == "$fnh $fnf" ]] || die "$tool functions: \"$got\", tracefile FNH/FNF: \"$fnh $fnf\""
	got=$(hit_of branches "$out")
	[[ $got == "$brh $brf" ]] || die "$tool branches: \"$got\", tracefile BRH/BRF: \"$brh $brf\""
	note "$tool agrees: lines $lh/$lf functions $fnh/$fnf branches $brh/$brf"
}

# lcov --summary
lcov --summary "$info" --rc lcov_branch_coverage=1 >"$w/summary.out" 2>&1 ||
	die "lcov --summary failed: $(cat "$w/summary.out")"
grep -qi 'warning\|error' "$w/summary.out" &&
	die "lcov --summary complained: $(cat "$w/summary.out")"
check_totals "lcov --summary" "$w/summary.out"

# genhtml
genhtml -q --branch-coverage --function-coverage -o "$w/html" "$info" \
	>"$w/genhtml.out" 2>&1 || die "genhtml failed: $(cat "$w/genhtml.out")"
[[ -s $w/html/index.html ]] || die "genhtml wrote no index.html"
grep -qi 'warning\|error' "$w/genhtml.out" &&
	die "genhtml complained: $(cat "$w/genhtml.out")"
genhtml --branch-coverage --function-coverage -o "$w/html2" "$info" \
	>"$w/genhtml2.out" 2>&1 || die "genhtml failed: $(cat "$w/genhtml2.out")"
check_totals genhtml "$w/genhtml2.out"
nsrc=$(grep -c '^SF:' "$info")
npages=$(find "$w/html2" -name '*.gcov.html' | wc -l)
((npages == nsrc)) || die "genhtml wrote $npages source pages for $nsrc source files"

# lcov reads it back: a round trip through lcov -a keeps every total
lcov -q -a "$info" --rc lcov_branch_coverage=1 -o "$w/again.info" >"$w/again.out" 2>&1 ||
	die "lcov -a failed: $(cat "$w/again.out")"
again=$(lcov_totals "$w/again.info")
[[ $again == "$lf $lh $fnf $fnh $brf $brh" ]] ||
	die "after lcov -a the totals are \"$again\", before \"$lf $lh $fnf $fnh $brf $brh\""

# The one place covmerge's plain records differ from geninfo's (lcov 1.16):
# a branch whose own block never ran, on a line that ran (the second
# operand of `a && b` when a is always 0), is "-" as gcov -b says ("never
# executed"); geninfo writes "-" only on lines that never ran, and 0 here.
# Both count as not taken: the totals are the same.
sc=$work/short
mkdir -p "$sc"
printf '%s\n' 'int both(int a, int b)' '{' '	if (a && b)' '		return 1;' '	return 0;' '}' '' \
	'int main(void)' '{' '	return both(0, 1) + both(0, 0);' '}' >"$sc/sc.c"
(cd "$sc" && "$cc" --coverage -O0 sc.c -o sc && ./sc) >"$sc/build.log" 2>&1 ||
	die "building the short-circuit program failed: $(cat "$sc/build.log")"
"$COVMERGE" -q --root "$sc" --report "lcov:$sc/cm.info" "$sc" >"$sc/cm.out" 2>&1 ||
	die "covmerge on the short-circuit program failed: $(cat "$sc/cm.out")"
lcov -q --capture --directory "$sc" --gcov-tool "$gcov" --rc lcov_branch_coverage=1 \
	-o "$sc/gen.info" >"$sc/gen.log" 2>&1 || die "lcov --capture failed: $(cat "$sc/gen.log")"
line3() { grep -E '^(DA|BRDA):3,' "$1" | sort | tr '\n' ' '; }
got=$(line3 "$sc/cm.info")
[[ $got == "BRDA:3,0,0,0 BRDA:3,0,1,2 BRDA:3,0,2,- BRDA:3,0,3,- DA:3,2 " ]] ||
	die "covmerge's records of the short-circuit line: \"$got\""
got=$(line3 "$sc/gen.info")
[[ $got == "BRDA:3,0,0,0 BRDA:3,0,1,2 BRDA:3,0,2,0 BRDA:3,0,3,0 DA:3,2 " ]] ||
	die "geninfo's records of the short-circuit line changed: \"$got\""
summary() { lcov --summary "$1" --rc lcov_branch_coverage=1 2>&1 | grep -E '^ +(lines|functions|branches)\.'; }
summary "$sc/cm.info" >"$sc/cm.sum"
summary "$sc/gen.info" >"$sc/gen.sum"
grep -qF 'branches...: 25.0% (1 of 4 branches)' "$sc/cm.sum" ||
	die "lcov --summary of the short-circuit tracefile: $(cat "$sc/cm.sum")"
cmp -s "$sc/cm.sum" "$sc/gen.sum" ||
	die "the short-circuit totals differ: covmerge $(cat "$sc/cm.sum"), geninfo $(cat "$sc/gen.sum")"

note "PASS: genhtml and lcov accept the tracefile and report its totals"
