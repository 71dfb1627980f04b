#!/bin/bash
# Racy counters: every report agrees with itself, and the warning names
# every affected data file (issue 9, item 5).
#
# tests/fixtures/threads/racer.c is built with --coverage -O0
# -fprofile-update=single and run once with one thread and 1000 iterations
# into three shards (GCOV_PREFIX); the counters of such a run are fixed.
# In shards 1 and 3, gcda_edit.py sets hammer()'s arc counter 2 to 0, as a
# lost update would: the derived count of a block goes negative (shown as
# 0) while an arc out of it was taken. Then
# - the lcov tracefile's BRDA, DA and FNDA records, its BRH/LH/FNH lines,
#   `lcov --summary` of it, the JSON totals, the Cobertura attributes and
#   the term TOTAL row all give the same covered and total counts;
# - the -fprofile-update=atomic warning comes once and names the data
#   files of shards 1 and 3, not the clean one of shard 2, nor the notes
#   file.
set -euo pipefail
# shellcheck source=tests/lib/oracle.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/oracle.sh"
e2e_setup

use_gcc 12
need_tool lcov lcov
edit_py=$CM_SOURCE_DIR/tests/e2e/gcda_edit.py
b=$work/build
mkdir -p "$b"
cp "$fixture_dir/threads/racer.c" "$b/racer.c"
(cd "$b" && "$cc" --coverage -O0 -fprofile-update=single -std=gnu11 -c \
	racer.c -o "$b/racer.o" &&
	"$cc" --coverage -pthread "$b/racer.o" -o "$b/racer") ||
	die "building racer failed"
for s in 1 2 3; do
	mkdir -p "$work/shard$s"
	GCOV_PREFIX=$work/shard$s GCOV_PREFIX_STRIP=0 "$b/racer" 1 1000 >/dev/null ||
		die "racer failed"
done
for s in 1 3; do
	g=$work/shard$s$b/racer.gcda
	"$PYTHON" "$edit_py" set "$g" "$work/edited.gcda" hammer 2 0 "$b/racer.gcno"
	mv "$work/edited.gcda" "$g"
done

rc=0
"$COVMERGE" --root "$b" --branch --report "lcov:$work/out.info" \
	--report "json:$work/out.json" --report "xml:$work/out.xml" --report term \
	"$work/shard1" "$work/shard2" "$work/shard3" >"$work/cm.out" 2>"$work/cm.err" || rc=$?
((rc == 0)) || die "covmerge exited $rc: $(cat "$work/cm.err")"

# check_totals NAME SHARD...: covmerge writes every report of SHARD...;
# they must all give the same totals.
check_totals() {
	local name=$1 rc=0 records summary_lines lcov_summary json xml term lh l bh bn t_hit t_all
	shift
	"$COVMERGE" --root "$b" --branch --report "lcov:$work/$name.info" \
		--report "json:$work/$name.json" --report "xml:$work/$name.xml" \
		--report term "$@" >"$work/$name.out" 2>"$work/$name.err" || rc=$?
	((rc == 0)) || die "$name: covmerge exited $rc: $(cat "$work/$name.err")"
	# every report's totals: "lines-hit lines branches-hit branches functions-hit functions"
	records=$(awk -F'[:,]' '
		/^DA:/ { l++; if ($3 > 0) lh++ }
		/^BRDA:/ { b++; if ($5 != "-" && $5 > 0) bh++ }
		/^FNDA:/ { f++; if ($2 > 0) fh++ }
		END { print lh + 0, l + 0, bh + 0, b + 0, fh + 0, f + 0 }' "$work/$name.info")
	summary_lines=$(awk -F: '
		/^LH:/ { lh += $2 } /^LF:/ { l += $2 } /^BRH:/ { bh += $2 } /^BRF:/ { b += $2 }
		/^FNH:/ { fh += $2 } /^FNF:/ { f += $2 }
		END { print lh + 0, l + 0, bh + 0, b + 0, fh + 0, f + 0 }' "$work/$name.info")
	lcov --rc lcov_branch_coverage=1 --summary "$work/$name.info" >"$work/$name.lcov.txt" 2>&1 ||
		die "$name: lcov --summary failed: $(cat "$work/$name.lcov.txt")"
	lcov_summary=$(sed -n 's/.*(\([0-9]*\) of \([0-9]*\) \(lines\|functions\|branches\)).*/\3 \1 \2/p' \
		"$work/$name.lcov.txt" | awk '{ v[$1] = $2 " " $3 } END { print v["lines"], v["branches"], v["functions"] }')
	json=$("$PYTHON" -c '
import json, sys
t = json.load(open(sys.argv[1]))["totals"]
print(t["covered_lines"], t["num_statements"], t["covered_branches"],
      t["num_branches"], t["covered_functions"], t["num_functions"])' "$work/$name.json")
	xml=$("$PYTHON" -c '
import sys, xml.etree.ElementTree as ET
r = ET.parse(sys.argv[1]).getroot()
print(r.get("lines-covered"), r.get("lines-valid"), r.get("branches-covered"),
      r.get("branches-valid"))' "$work/$name.xml")
	term=$(awk '$1 == "TOTAL" { print $2 - $3, $2, $4 - $5, $4 }' "$work/$name.out")
	note "$name: lcov records: $records; BRH/LH/FNH: $summary_lines; lcov --summary: $lcov_summary"
	note "$name: json: $json; cobertura: $xml"
	[[ $records == "$summary_lines" ]] ||
		die "$name: the lcov records give $records, its LH/LF/BRH/BRF/FNH/FNF lines $summary_lines"
	[[ $records == "$lcov_summary" ]] || die "$name: the lcov records give $records, lcov --summary $lcov_summary"
	[[ $records == "$json" ]] || die "$name: the lcov records give $records, the JSON totals $json"
	read -r lh l bh bn _ <<<"$records"
	[[ $xml == "$lh $l $bh $bn" ]] || die "$name: the lcov records give $lh $l $bh $bn, Cobertura $xml"
	# term: Miss and BrPart are misses of lines and of branches of lines that
	# ran, so only the statements are compared exactly
	read -r t_hit t_all _ <<<"$term"
	[[ "$t_hit $t_all" == "$lh $l" ]] || die "$name: term TOTAL says $t_hit of $t_all lines, lcov $lh of $l"
	if grep -q 'BRDA:[0-9]*,[0-9]*,[0-9]*,-[0-9]' "$work/$name.info"; then
		die "$name: a negative BRDA count"
	fi
}

# the warning
n=$(grep -c -- '-fprofile-update=atomic' "$work/cm.err" || true)
((n == 1)) || die "the -fprofile-update=atomic hint came $n times: $(cat "$work/cm.err")"
msg=$(grep 'inconsistent counters' "$work/cm.err") ||
	die "no inconsistent-counters warning: $(cat "$work/cm.err")"
want="covmerge: warning: inconsistent counters in \"$work/shard1$b/racer.gcda\", \"$work/shard3$b/racer.gcda\": some derived counts were negative and are shown as 0"
[[ $msg == "$want" ]] || die "the warning is
  $msg
expected
  $want"

check_totals one "$work/shard1"
check_totals all "$work/shard1" "$work/shard2" "$work/shard3"
note "PASS: every report agrees on racy counters; the warning names the two edited data files"
