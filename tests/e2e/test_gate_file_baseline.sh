#!/bin/bash
# The per-file floor (--fail-under-file) and the ratchet (--write-baseline,
# --baseline, --baseline-tolerance) on a real gcc --coverage build:
# calc.c 7 of 11 statements run (63.64%), helpers.c and main.c all run,
# total 12 of 16 (75.00%).
set -euo pipefail
# shellcheck source=tests/lib/test-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/test-lib.sh"
need_covmerge
need_python
need_tool gcc-12 gcc-12
tl_workdir
work=$(cd "$work" && pwd -P)
cd "$work"
cat >calc.c <<'EOF'
int add(int a, int b)
{
	return a + b;
}

int clamp(int v, int lo, int hi)
{
	if (v < lo)
		return lo;
	if (v > hi)
		return hi;
	return v;
}

int twice(int v)
{
	int r = v * 2;
	return r;
}
EOF
cat >helpers.c <<'EOF'
int triple(int v)
{
	int t = v + v + v;
	return t;
}
EOF
cat >main.c <<'EOF'
int add(int a, int b);
int triple(int v);
int clamp(int v, int lo, int hi);
int main(void)
{
	return add(1, -1) + triple(0) + clamp(-1, 0, 10) + clamp(5, 0, 10) - 5;
}
EOF
mkdir build
(cd build && for f in calc helpers main; do gcc-12 --coverage -O0 -c "../$f.c" -o "$f.o" || exit 1; done &&
	gcc-12 --coverage calc.o helpers.o main.o -o prog && ./prog) >build.log 2>&1 ||
	die "building or running the fixture failed: $(cat build.log)"
cm() { "$COVMERGE" -q --root "$work" build "$@"; }

# ---- --fail-under-file
rc=0
cm --fail-under-file 80 >f.out 2>&1 || rc=$?
assert_eq 2 "$rc" "--fail-under-file 80 with calc.c at 63.64% exits 2"
assert_eq "FAIL Required coverage of 80% per file not reached by 1 of 3 files:
  calc.c: 63.64%" "$(cat f.out)" "the message names the file under the floor"
rc=0
cm --fail-under-file 63.64 >f.out 2>&1 || rc=$?
assert_eq 0 "$rc" "--fail-under-file 63.64 passes (compared as printed)"
assert_eq "Required coverage of 63.64% per file reached by every file (3)." "$(cat f.out)" \
	"the passing message"
rc=0
cm --fail-under-file 63.65 >/dev/null 2>&1 || rc=$?
assert_eq 2 "$rc" "--fail-under-file 63.65 fails (63.636... prints as 63.64)"
rc=0
cm --fail-under-file 101 >f.out 2>&1 || rc=$?
assert_eq 1 "$rc" "--fail-under-file 101 is a usage error"

# ---- --write-baseline, then --baseline
rc=0
cm --write-baseline base.json >w.out 2>&1 || rc=$?
assert_eq 0 "$rc" "--write-baseline exits 0"
assert_eq '{"covmerge_baseline": 1, "branch": false, "total": 75.00, "files": {
  "calc.c": 63.64,
  "helpers.c": 100.00,
  "main.c": 100.00
}}' "$(cat base.json)" "the baseline: the total and each file at 2 decimals"
rc=0
cm --baseline base.json >b.out 2>&1 || rc=$?
assert_eq 0 "$rc" "no drop against its own baseline"
assert_eq 'Coverage did not drop against the baseline "base.json" by more than 0% (the total and 3 files compared).' \
	"$(cat b.out)" "the passing message counts the files compared"

# a baseline where calc.c and the total were higher, and a file that is
# gone (not compared)
"$PYTHON" - <<'EOF'
import json
d = json.load(open("base.json"))
d["total"] = 75.5
d["files"]["calc.c"] = 70
d["files"]["gone.c"] = 100
json.dump(d, open("high.json", "w"))
EOF
rc=0
cm --baseline high.json --report xml:cov.xml >b.out 2>&1 || rc=$?
assert_eq 2 "$rc" "a drop against the baseline exits 2"
assert_eq 'FAIL Coverage dropped against the baseline "high.json" by more than 0%:
  TOTAL: 75.50% -> 75.00% (-0.50)
  calc.c: 70.00% -> 63.64% (-6.36)' "$(cat b.out)" "the drops are named, with the old and new values"
[[ -s cov.xml ]] || fail "the report was not written when the ratchet failed"
ok "the reports are written when the ratchet fails (as with the other gates)"
rc=0
cm --baseline high.json --baseline-tolerance 6.36 >b.out 2>&1 || rc=$?
assert_eq 0 "$rc" "--baseline-tolerance 6.36 allows a drop of 6.36"
rc=0
cm --baseline high.json --baseline-tolerance 6.35 >b.out 2>&1 || rc=$?
assert_eq 2 "$rc" "--baseline-tolerance 6.35 does not"
assert_eq 'FAIL Coverage dropped against the baseline "high.json" by more than 6.35%:
  calc.c: 70.00% -> 63.64% (-6.36)' "$(cat b.out)" "only calc.c dropped by more than 6.35"

# ---- bad baselines: exit 1, the file and the cause named, nothing written
bad() { # FILE CONTENT EXPECTED-MESSAGE
	printf '%s' "$2" >"$1"
	local rc=0
	cm --baseline "$1" --report xml:bad.xml >bad.out 2>&1 || rc=$?
	assert_eq 1 "$rc" "--baseline $1 exits 1"
	assert_line bad.out "covmerge: --baseline \"$1\": $3" "--baseline $1: the cause"
	[[ ! -e bad.xml ]] || fail "a report was written with a bad baseline"
}
bad notjson.json '{"covmerge_baseline": 1,' 'expected a string at byte 24'
bad other.json '{"total": 5}' 'not a covmerge baseline (no "covmerge_baseline": 1)'
bad total.json '{"covmerge_baseline": 1, "branch": false, "total": 101, "files": {}}' '"total" is not a percentage'
bad files.json '{"covmerge_baseline": 1, "branch": false, "total": 1, "files": []}' '"files" is not an object'
bad value.json '{"covmerge_baseline": 1, "branch": false, "total": 1, "files": {"a.c": "x"}}' "a file's value is not a percentage"
rc=0
cm --baseline base.json --branch >br.out 2>&1 || rc=$?
assert_eq 1 "$rc" "a baseline without branches checked with --branch exits 1"
assert_line br.out 'covmerge: --baseline "base.json": written without --branch, and this run has it' \
	"the branch mismatch is named"
rc=0
cm --baseline missing.json >m.out 2>&1 || rc=$?
assert_eq 1 "$rc" "a missing baseline exits 1"
assert_grep m.out '^covmerge: --baseline "missing.json": .*No such file' "the missing baseline is named"
rc=0
cm --baseline-tolerance -1 >u.out 2>&1 || rc=$?
assert_eq 1 "$rc" "--baseline-tolerance -1 is a usage error"
assert_contains u.out 'bad --baseline-tolerance "-1": expected points from 0 to 100' "the usage error says why"
rc=0
cm --write-baseline same.json --report json:same.json >u.out 2>&1 || rc=$?
assert_eq 1 "$rc" "--write-baseline into a report's file is a usage error"
