#!/bin/bash
# The oracle and the comparer used by test_exact_gcov.sh must be right, and
# the comparer must be able to fail. Does not need covmerge.
#
# 1. The oracle means what lcov means: for gcc 12 at -O2, lcov's own
#    capture of the gcov-tool-merged tree (lcov -c, plus lcov -c -i for the
#    objects without data, combined with lcov -a) must compare equal to the
#    oracle built from gcov's JSON.
# 2. The oracle written as an lcov file (oracle_compare.py --emit-lcov) must
#    compare equal; then each of a list of small alterations (one count, one
#    branch, one function, one total, a missing file, ...) must make the
#    comparison fail with exit 1 and name the altered item.
set -euo pipefail
# shellcheck source=tests/lib/oracle.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/oracle.sh"
e2e_setup --no-covmerge

need_tool lcov lcov
use_gcc 12
lcov_rc=(--rc lcov_branch_coverage=1 --gcov-tool "$gcov" -q)
opt=-O2
w=$work/gcc12$opt
mkdir -p "$w"
bash "$fixture_dir/exact/build.sh" "$cc" "$opt" "$w" 2>"$w/build.log" ||
	die "building the fixture failed: $(cat "$w/build.log")"
shards=("$w/shard1" "$w/shard2" "$w/shard3")
bash "$fixture_dir/exact/run_shards.sh" "$w/build" "${shards[@]}"
make_oracle "$w/build" "$w/oracle" "${shards[@]}"

m=$w/oracle/merged
lcov "${lcov_rc[@]}" -c -i -d "$m" -o "$w/lcov-init.info" 2>"$w/lcov.err" ||
	die "lcov -c -i failed: $(cat "$w/lcov.err")"
lcov "${lcov_rc[@]}" -c -d "$m" -o "$w/lcov-run.info" 2>"$w/lcov.err" ||
	die "lcov -c failed: $(cat "$w/lcov.err")"
lcov "${lcov_rc[@]}" -a "$w/lcov-init.info" -a "$w/lcov-run.info" \
	-o "$w/lcov-all.info" 2>"$w/lcov.err" ||
	die "lcov -a failed: $(cat "$w/lcov.err")"
rc=0
"$PYTHON" "$compare_py" --label "lcov vs oracle, gcc12$opt" \
	--json-dir "$w/oracle/json" --lcov "$w/lcov-all.info" || rc=$?
((rc == 0)) || die "lcov's own capture differs from the oracle (gcc12$opt)"

good=$w/oracle.info
"$PYTHON" "$compare_py" --json-dir "$w/oracle/json" --emit-lcov "$good"

compare() {
	"$PYTHON" "$compare_py" --json-dir "$w/oracle/json" --lcov "$1" --max-diffs 1000
}

rc=0
compare "$good" >"$w/good.out" || rc=$?
if ((rc != 0)); then
	cat "$w/good.out" >&2
	die "the oracle's own lcov file does not compare equal (exit $rc)"
fi
grep -q '^MATCH' "$w/good.out" || die "no MATCH line for the unaltered file"

# Sanity of the oracle itself: the fixture must give it something to check.
read -r lf lh fnf fnh brf brh < <(lcov_totals "$good")
note "oracle totals: lines $lh/$lf functions $fnh/$fnf branches $brh/$brf"
((lf > 100 && lh > 0 && lh < lf)) || die "implausible line totals $lh/$lf"
((fnf > 15 && fnh > 0 && fnh < fnf)) || die "implausible function totals $fnh/$fnf"
((brf > 50 && brh > 0 && brh < brf)) || die "implausible branch totals $brh/$brf"
grep -q '^SF:.*/orphan\.c$' "$good" || die "the never-linked orphan.c is not in the oracle"
grep -q '^SF:.*/neverlib\.c$' "$good" || die "the never-run neverlib.c is not in the oracle"
grep -q '^FNDA:0,never_called$' "$good" || die "never_called is not reported with 0 calls"
grep -q '^FNDA:0,unused_helper$' "$good" || die "unused_helper is not reported with 0 calls"

# alter NAME EXPECTED_TEXT: the python snippet on stdin turns the list of
# lines L (of the good file) into the altered file; the comparison must exit
# 1 and print EXPECTED_TEXT (a fixed string).
checked=0
alter() {
	local name=$1 expect=$2 bad=$w/bad-$1.info out=$w/bad-$1.out rc=0
	"$PYTHON" -c '
import sys
L = open(sys.argv[1]).read().splitlines()
exec(sys.stdin.read())
open(sys.argv[2], "w").write("\n".join(L) + "\n")
' "$good" "$bad"
	cmp -s "$good" "$bad" && die "alteration $name changed nothing"
	compare "$bad" >"$out" || rc=$?
	if ((rc != 1)); then
		cat "$out" >&2
		die "alteration $name: comparer exited $rc, expected 1"
	fi
	if ! grep -qF -- "$expect" "$out"; then
		cat "$out" >&2
		die "alteration $name: comparer output lacks \"$expect\""
	fi
	checked=$((checked + 1))
}

# Helpers used inside the snippets: index of the first line matching a test.
prelude='
def first(pred):
    for i, l in enumerate(L):
        if pred(l):
            return i
    raise SystemExit("no line to alter")
'

alter da_count 'DA count: expected' <<EOF
$prelude
i = first(lambda l: l.startswith("DA:") and not l.endswith(",0"))
no, c = L[i][3:].split(",")
L[i] = "DA:%s,%d" % (no, int(c) + 1)
EOF

alter da_zero_hit 'DA count: expected' <<EOF
$prelude
i = first(lambda l: l.startswith("DA:") and l.endswith(",0"))
L[i] = L[i][:-2] + ",1"
EOF

alter da_missing 'DA missing' <<EOF
$prelude
del L[first(lambda l: l.startswith("DA:"))]
EOF

alter da_extra 'but gcov has no such line' <<EOF
$prelude
i = first(lambda l: l.startswith("DA:"))
L.insert(i, "DA:9999,0")
EOF

alter da_negative 'negative DA count' <<EOF
$prelude
i = first(lambda l: l.startswith("DA:") and l.endswith(",0"))
L[i] = L[i][:-2] + ",-3"
EOF

alter brda_taken 'branches (taken, in order)' <<EOF
$prelude
i = first(lambda l: l.startswith("BRDA:") and l.split(",")[3] not in ("-", "0"))
p = L[i].split(",")
p[3] = str(int(p[3]) - 1)
L[i] = ",".join(p)
EOF

alter brda_dash_hit 'branches (taken, in order)' <<EOF
$prelude
i = first(lambda l: l.startswith("BRDA:") and l.endswith(",-"))
L[i] = L[i][:-1] + "2"
EOF

alter brda_missing 'branches (taken, in order)' <<EOF
$prelude
del L[first(lambda l: l.startswith("BRDA:"))]
EOF

alter brda_order 'branches (taken, in order)' <<EOF
$prelude
for i in range(len(L) - 1):
    a, b = L[i].split(","), L[i + 1].split(",")
    if L[i].startswith("BRDA:") and L[i + 1].startswith("BRDA:") \
            and a[0] == b[0] and a[3] != b[3]:
        a[3], b[3] = b[3], a[3]
        L[i], L[i + 1] = ",".join(a), ",".join(b)
        break
else:
    raise SystemExit("no line with two different branch counts")
EOF

alter fnda_count 'FNDA never_called: expected 0, got 1' <<EOF
$prelude
i = first(lambda l: l == "FNDA:0,never_called")
L[i] = "FNDA:1,never_called"
EOF

alter fnda_missing 'FNDA for classify missing' <<EOF
$prelude
del L[first(lambda l: l.startswith("FNDA:") and l.endswith(",classify"))]
EOF

alter fn_line 'FN classify start line' <<EOF
$prelude
i = first(lambda l: l.startswith("FN:") and l.endswith(",classify"))
no = int(L[i][3:].split(",")[0])
L[i] = "FN:%d,classify" % (no + 1)
EOF

alter fn_extra 'is not in gcov' <<EOF
$prelude
i = first(lambda l: l.startswith("FN:"))
L.insert(i, "FN:1,made_up")
EOF

alter lh_total 'LH: expected' <<EOF
$prelude
i = first(lambda l: l.startswith("LH:"))
L[i] = "LH:%d" % (int(L[i][3:]) + 1)
EOF

alter brf_total 'BRF: expected' <<EOF
$prelude
i = first(lambda l: l.startswith("BRF:") and l != "BRF:0")
L[i] = "BRF:%d" % (int(L[i][4:]) - 1)
EOF

alter fnh_total 'FNH: expected' <<EOF
$prelude
i = first(lambda l: l.startswith("FNH:"))
L[i] = "FNH:%d" % (int(L[i][4:]) + 1)
EOF

alter file_missing 'file missing from the lcov output' <<EOF
$prelude
s = first(lambda l: l.startswith("SF:") and l.endswith("/orphan.c"))
e = s
while L[e] != "end_of_record":
    e += 1
del L[s:e + 1]
EOF

alter file_renamed 'not in gcov' <<EOF
$prelude
i = first(lambda l: l.startswith("SF:") and l.endswith("/logic.c"))
L[i] = L[i][:-len("logic.c")] + "logic2.c"
EOF

alter sf_not_normalised 'not absolute and normalised' <<EOF
$prelude
i = first(lambda l: l.startswith("SF:") and l.endswith("/logic.c"))
L[i] = L[i][:-len("logic.c")] + "./logic.c"
EOF

alter file_twice 'appears in more than one record' <<EOF
$prelude
s = first(lambda l: l.startswith("SF:") and l.endswith("/orphan.c"))
e = s
while L[e] != "end_of_record":
    e += 1
L.extend(L[s:e + 1])
EOF

alter no_end 'no end_of_record' <<EOF
while L and L[-1] != "end_of_record":
    L.pop()
L.pop()
EOF

note "PASS: the unaltered oracle matched and all $checked alterations were caught"
