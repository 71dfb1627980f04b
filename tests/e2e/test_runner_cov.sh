#!/bin/bash
# runner: coverage. --cov=PATH measures the .gcno under PATH (an object no
# test ran is reported at 0%), the shards of -n 2 merge to exactly what the
# same programs give when run directly (lcov report compared byte for byte
# with covmerge over a direct run), the reports (term-missing, lcov, json,
# xml, markdown; repeatable) agree on the numbers, --cov-fail-under is
# pytest-cov's gate (FAIL message, exit 1 even when every test passed),
# objects whose sources lie outside the current directory are still
# reported, and data of objects outside PATH is left out with one note
# line that says so.
set -euo pipefail
# shellcheck source=tests/lib/runner.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/runner.sh"
rt_setup
[[ -n ${COVMERGE:-} ]] || fail "COVMERGE must name the covmerge binary"

rt_build test_calc0 calc.c lib.c -DCALC_MODE=0
rt_build test_calc1 calc.c lib.c -DCALC_MODE=1
# an object under --cov that no test runs
mkdir -p "$work/obj/orphan"
"$cc" -O0 --coverage -c "$work/src/orphan.c" -o "$work/obj/orphan/orphan.o" ||
	fail "cannot compile orphan.c"

# ------------------------------------------------------------ the reference
# the same programs run directly, one after the other, into one prefix
for p in test_calc0 test_calc1; do
	GCOV_PREFIX=$work/direct GCOV_PREFIX_STRIP=0 "$work/bin/$p" >/dev/null ||
		fail "$p fails when run directly"
done
(cd "$work" && "$COVMERGE" --object-dir obj --report "lcov:$work/direct.info" direct) \
	>"$work/direct.log" 2>&1 || fail "covmerge on the direct run: $(cat "$work/direct.log")"
read -r lf lh < <(awk -F: '/^LF:/ { f += $2 } /^LH:/ { h += $2 } END { print f, h }' "$work/direct.info")
((lf > 0 && lh > 0 && lh < lf)) || fail "reference: LF=$lf LH=$lh"
pct=$(awk -v h="$lh" -v f="$lf" 'BEGIN { printf "%.2f", 100 * h / f }')
whole=${pct%.*}

# ------------------------------------------------------------ the runner
rt_run cov -n 2 -v --cov=obj --cov-report term-missing --cov-report "lcov:$work/run.info" \
	--cov-report "json:$work/run.json" --cov-report "xml:$work/run.xml" \
	--cov-report "markdown:$work/run.md" bin
rt_expect_rc 0 "--cov"
rt_expect_summary 2 0 0 "--cov"
cmp -s "$work/direct.info" "$work/run.info" || fail "the runner's merged lcov differs from a direct run's:
$(diff "$work/direct.info" "$work/run.info" | head -40)"
rt_expect_da "$work/run.info" orphan.c "ORPHAN line" 0 "object no test ran"
rt_expect_da "$work/run.info" lib.c "LIB positive" 1 "calc0"
rt_expect_da "$work/run.info" lib.c "LIB zero" 1 "calc1"
rt_expect_da "$work/run.info" lib.c "LIB negative" 0 "neither"
# the term-missing table
grep -Eq "^TOTAL +$lf +$((lf - lh)) +[0-9]+%" "$rr_out" ||
	fail "term-missing TOTAL row, expected $lf statements, $((lf - lh)) missed:
$(cat "$rr_out")"
grep -Eq '^(\S*/)?orphan\.c +[0-9]+ +[0-9]+ +0% ' "$rr_out" ||
	fail "the object no test ran is not in the table at 0%:
$(cat "$rr_out")"
lib_line=$(rt_line_of "$work/src/lib.c" "LIB never")
grep -Eq "^(\S*/)?lib\.c .*[ ,-]$lib_line(\$|[,-])" "$rr_out" ||
	grep -Eq "^(\S*/)?lib\.c .*-$((lib_line + 1))(\$|,)" "$rr_out" ||
	fail "term-missing does not list lib.c:$lib_line as missing:
$(grep 'lib\.c' "$rr_out")"
# the other reports agree
"$PYTHON" - "$work" "$lf" "$lh" >"$work/reports.txt" 2>&1 <<'EOF' || fail "reports: $(cat "$work/reports.txt")"
import json, os, sys, xml.etree.ElementTree as ET
work, lf, lh = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
j = json.load(open(os.path.join(work, "run.json")))
t = j["totals"]
if (t["num_statements"], t["covered_lines"]) != (lf, lh):
    sys.exit("json totals %s, expected %d statements, %d covered" % (t, lf, lh))
orphan = [k for k in j["files"] if k.endswith("orphan.c")]
if len(orphan) != 1 or j["files"][orphan[0]]["executed_lines"]:
    sys.exit("json: orphan.c missing or not at 0%")
x = ET.parse(os.path.join(work, "run.xml")).getroot()
if (int(x.get("lines-valid")), int(x.get("lines-covered"))) != (lf, lh):
    sys.exit("xml lines-valid/covered %s/%s" % (x.get("lines-valid"), x.get("lines-covered")))
md = open(os.path.join(work, "run.md")).read()
if "TOTAL" not in md or "orphan.c" not in md:
    sys.exit("markdown report without TOTAL or orphan.c:\n" + md)
EOF

# covmerge on the runner's coverage directory, with no --object-dir and
# from another directory: the manifest records the --cov paths, so the
# object no test ran (alone in its directory) is found, and the report is
# the runner's
"$PYTHON" -c 'import json, sys
m = json.load(open(sys.argv[1]))
sys.exit(0 if m.get("cov_paths") == [sys.argv[2]] else "cov_paths %r" % m.get("cov_paths"))' \
	"$work/.runner-cov/manifest.json" "$work/obj" ||
	fail "the manifest does not record --cov=obj as cov_paths [\"$work/obj\"]"
(cd / && "$COVMERGE" --report "lcov:$work/again.info" "$work/.runner-cov") >"$work/again.out" \
	2>"$work/again.err" || fail "covmerge on the runner's directory: $(cat "$work/again.err")"
cmp -s "$work/run.info" "$work/again.info" ||
	fail "covmerge on the runner's directory differs from the runner's report:
$(diff "$work/run.info" "$work/again.info" | head -20)"
grep -q '(1 never run)' "$work/again.out" ||
	fail "covmerge on the runner's directory: $(head -n 1 "$work/again.out")"

# ------------------------------------------------------------ the gate
rt_run gate_fail -n 2 --cov=obj --cov-fail-under 100 bin
rt_expect_rc 1 "--cov-fail-under 100"
rt_expect_summary 2 0 0 "--cov-fail-under 100"
grep -qxF "FAIL Required test coverage of 100% not reached. Total coverage: $pct%" "$rr_out" ||
	fail "--cov-fail-under 100: no line \"FAIL Required test coverage of 100% not reached. Total coverage: $pct%\":
$(cat "$rr_out")"
rt_run gate_ok -n 2 --cov=obj --cov-fail-under "$whole" bin
rt_expect_rc 0 "--cov-fail-under $whole"
grep -qxF "Required test coverage of $whole% reached. Total coverage: $pct%" "$rr_out" ||
	fail "--cov-fail-under $whole: no line \"Required test coverage of $whole% reached. Total coverage: $pct%\":
$(cat "$rr_out")"
# a failing test and a met gate: 1; a failing test and a missed gate: 1
rt_build fail/test_fail fail.c
rt_run gate_and_fail -n 2 --cov=obj --cov-fail-under 1 bin
rt_expect_rc 1 "a failed test with the gate met"
rm -rf "$work/bin/fail"
# --cov-branch: the table gets branch columns
rt_run branch -n 2 --cov=obj --cov-branch --cov-report term bin
rt_expect_rc 0 "--cov-branch"
grep -Eq '^Name +Stmts +Miss +Branch +BrPart +Cover' "$rr_out" ||
	fail "--cov-branch: no branch columns:
$(cat "$rr_out")"

# ------------------------------------------------------------ sources elsewhere
# run from a directory that does not contain the sources (a build
# directory beside them): what is under --cov is still what is measured
mkdir -p "$work/sub"
RR_CWD=$work/sub rt_run outside -n 2 --cov=../obj --cov-report "lcov:$work/outside.info" ../bin
rt_expect_rc 0 "sources outside the current directory"
grep -q "^SF:.*/src/lib\.c$" "$work/outside.info" ||
	fail "run from $work/sub with --cov=../obj: lib.c (measured, under --cov) is not in the report:
$(cat "$work/outside.info")
stdout:
$(cat "$rr_out")"
rt_expect_da "$work/outside.info" lib.c "LIB positive" 1 "sources outside the current directory"

# ------------------------------------------------------------ data outside --cov
# --cov=obj/test_calc0: test_calc1's objects have data (in the shard,
# outside obj/test_calc0) and are not measured; one note line says how
# many, why, and names the first, nothing else is said about them
rt_run narrow -n 2 --cov=obj/test_calc0 --cov-report "lcov:$work/narrow.info" bin
rt_expect_rc 0 "--cov=obj/test_calc0"
first=$(find "$work/obj/test_calc1" -name '*.gcno' | LC_ALL=C sort | head -n 1)
first=${first%.gcno}.gcda
assert_eq 2 "$(find "$work/obj/test_calc1" -name '*.gcno' | wc -l)" "test_calc1: two objects"
assert_eq "covmerge: note: 2 objects with coverage data are not measured (outside \"obj/test_calc0\"), the first \"$first\"" \
	"$(cat "$rr_err")" "--cov=obj/test_calc0: one note for test_calc1's objects"
[[ $(grep -c '^SF:' "$work/narrow.info") == 2 ]] ||
	fail "--cov=obj/test_calc0: not test_calc0's two sources: $(grep '^SF:' "$work/narrow.info")"
ok "--cov=obj/test_calc0: test_calc0's two sources reported"
# everything under --cov: no note
rt_run wide -n 2 --cov=obj bin
rt_expect_rc 0 "--cov=obj"
assert_empty "$rr_err" "--cov=obj: nothing left out, no note"

note "ok"
