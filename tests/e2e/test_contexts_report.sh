#!/bin/bash
# Per-test contexts in the reports: the JSON report lists, per executed
# line, the tests that ran it (coverage.py's --show-contexts layout, names
# sorted); covmerge --context GLOB reports what the matching tests alone
# ran (a line's count = how many of them ran it); the contexts travel in
# portable shards (--export, runner --cov-export) and merge across runs
# (two coverage directories: the union of their tests); --context on data
# without contexts and a damaged store are errors naming the cause (when a
# report needs the store: the others do not read it).
set -euo pipefail
# shellcheck source=tests/lib/runner.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/runner.sh"
rt_setup
[[ -n ${COVMERGE:-} ]] || fail "covmerge is needed"

rt_build test_cm_pass cm_pass.c lib.c -lcmocka
rt_build test_calc0 calc.c lib.c -DCALC_MODE=0
rt_build test_crash crash.c

rt_run full -n 2 --cov=obj --cov-dir cov --cov-context=test \
	--cov-report "json:$work/full.json" --cov-export "$work/full.shard" bin
rt_expect_rc 1 "the run (test_crash fails)"
neg=$(rt_line_of "$work/src/lib.c" "LIB negative")
zero=$(rt_line_of "$work/src/lib.c" "LIB zero")
pos=$(rt_line_of "$work/src/lib.c" "LIB positive")
add=$(rt_line_of "$work/src/lib.c" "return a + b")
crash=$(rt_line_of "$work/src/crash.c" "REACHED crash-print")
ctx() { # ctx JSON FILE LINE: the contexts of a line, one per line
	"$PYTHON" -c 'import json, sys
d = json.load(open(sys.argv[1]))
assert d["meta"]["show_contexts"] is True
print("\n".join(d["files"][sys.argv[2]]["contexts"].get(sys.argv[3], ["(not executed)"])))' "$@"
}
assert_eq "$(ctx "$work/full.json" lib.c "$neg")" "bin/test_cm_pass::gamma::gamma_neg" \
	"the LIB negative line ran in gamma_neg only"
assert_eq "$(ctx "$work/full.json" lib.c "$zero")" "bin/test_cm_pass::gamma::gamma_zero" \
	"the LIB zero line ran in gamma_zero only"
assert_eq "$(ctx "$work/full.json" lib.c "$add")" "bin/test_calc0
bin/test_cm_pass::gamma::gamma_add" "lib_add ran in calc0 and gamma_add (sorted)"
assert_eq "$(ctx "$work/full.json" crash.c "$crash")" "bin/test_crash" \
	"the line before the crash is under the crashed test (crash flush)"

# covmerge on the coverage directory: the same contexts
(cd "$work" && "$COVMERGE" -q --report "json:$work/cm.json" cov) || fail "covmerge cov failed"
assert_eq "$(ctx "$work/cm.json" lib.c "$neg")" "bin/test_cm_pass::gamma::gamma_neg" \
	"covmerge reads the coverage directory's contexts"

# --context: only the gamma tests; counts are numbers of matching tests
(cd "$work" && "$COVMERGE" --context 'bin/test_cm_pass::*' --report "lcov:$work/gamma.info" \
	--report "json:$work/gamma.json" cov >"$work/gamma.out") || fail "covmerge --context failed"
assert_contains "$work/gamma.out" "contexts: 3 of 5 tests match --context" "--context says how many tests match"
rt_expect_da "$work/gamma.info" lib.c "LIB negative" 1 "--context gamma"
rt_expect_da "$work/gamma.info" lib.c "LIB zero" 1 "--context gamma"
rt_expect_da "$work/gamma.info" lib.c "LIB positive" 0 "--context gamma"
assert_eq "$(ctx "$work/gamma.json" lib.c "$zero")" "bin/test_cm_pass::gamma::gamma_zero" \
	"--context lists only the matching tests"
grep -q "SF:.*calc.c" "$work/gamma.info" || fail "calc.c left the --context report"
(cd "$work" && "$COVMERGE" --context 'bin/nothing*' cov >"$work/none.out" 2>"$work/none.err") &&
	fail "--context matching no test passed"
assert_contains "$work/none.err" 'no recorded test matches "bin/nothing*" (5 tests recorded)' "--context matching nothing is an error"

# portable shards carry the contexts: the runner's export and covmerge's
(cd "$work" && "$COVMERGE" -q --report "json:$work/shard.json" full.shard) ||
	fail "covmerge of the portable shard failed"
assert_eq "$(ctx "$work/shard.json" lib.c "$add")" "bin/test_calc0
bin/test_cm_pass::gamma::gamma_add" "the portable shard carries the contexts"
(cd "$work" && "$COVMERGE" -q --export "$work/again.shard" cov &&
	"$COVMERGE" -q --context '*calc0' --report "lcov:$work/calc0.info" again.shard) ||
	fail "covmerge --export / --context on the shard failed"
rt_expect_da "$work/calc0.info" lib.c "LIB positive" 1 "--context calc0 from a re-exported shard"
rt_expect_da "$work/calc0.info" lib.c "LIB negative" 0 "--context calc0 from a re-exported shard"

# a report that shows no contexts runs while the store is made; the store
# is written after it, whole, and kept for --affected-by (a full run)
rm -f "$work/.runner-cache.contexts"
rt_run term -n 2 --cov=obj --cov-dir covt --cov-context=test --cov-report term bin
rt_expect_rc 1 "the run with a terminal report (test_crash fails)"
assert_contains "$rr_out" "TOTAL" "the terminal report is printed"
assert_not_contains "$rr_err" "contexts" "no message about the contexts"
cmp "$work/covt/contexts.cmctx" "$work/.runner-cache.contexts" ||
	fail "the kept store differs from the coverage directory's"
(cd "$work" && "$COVMERGE" -q --report "json:$work/term.json" covt) || fail "covmerge covt failed"
assert_eq "$(ctx "$work/term.json" lib.c "$neg")" "bin/test_cm_pass::gamma::gamma_neg" \
	"the store written after the report holds the contexts"

# two runs, two machines: the contexts merge (the union of the tests)
rt_run part1 --cov=obj --cov-dir cov1 --cov-context=test -k gamma_neg bin
rt_run part2 --cov=obj --cov-dir cov2 --cov-context=test -k calc0 bin
(cd "$work" && "$COVMERGE" -q --report "json:$work/two.json" cov1 cov2) || fail "merging two runs failed"
assert_eq "$(ctx "$work/two.json" lib.c "$neg")" "bin/test_cm_pass::gamma::gamma_neg" "two runs: neg"
assert_eq "$(ctx "$work/two.json" lib.c "$pos")" "bin/test_calc0" "two runs: positive"
assert_eq "$(ctx "$work/two.json" lib.c "$zero")" "(not executed)" "two runs: zero ran in neither"

# outside a git repository the store has no revision, and git's complaint
# ("fatal: not a git repository") is not shown
saved_env=("${RT_ENV[@]}")
RT_ENV+=("GIT_CEILING_DIRECTORIES=$(dirname "$work")")
rt_run nogit --cov=obj --cov-dir covng --cov-context=test -k calc0 bin
RT_ENV=("${saved_env[@]}")
rt_expect_rc 0 "a run outside a git repository"
assert_not_contains "$rr_err" "fatal" "no git message outside a repository"

# no contexts, a damaged store
rt_run plain --cov=obj --cov-dir covp bin
(cd "$work" && "$COVMERGE" --context '*' covp >/dev/null 2>"$work/nc.err") &&
	fail "--context without contexts passed"
assert_contains "$work/nc.err" "the coverage data has no contexts" "--context without contexts is an error"
printf 'covmerge-contexts 1\n\x10\0\0\0\0\0\0\0garbage' >"$work/cov/contexts.cmctx"
(cd "$work" && "$COVMERGE" -q --report "json:$work/bad.json" cov >/dev/null 2>"$work/bad.err") &&
	fail "a damaged store passed"
assert_contains "$work/bad.err" 'cannot read the contexts "cov/contexts.cmctx": corrupt' "a damaged store is an error naming it"
[ -e "$work/bad.json" ] && fail "a report was written from a damaged store"
# a report that shows no contexts does not read the store
(cd "$work" && "$COVMERGE" -q --report "lcov:$work/nostore.info" cov >/dev/null 2>"$work/nostore.err") ||
	fail "an lcov report read the unused store: $(cat "$work/nostore.err")"
rt_expect_da "$work/nostore.info" lib.c "LIB positive" 1 "lcov from a directory with a damaged, unused store"
ok "contexts in JSON, --context, portable shards, merged runs"
