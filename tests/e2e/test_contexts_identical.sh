#!/bin/bash
# runner --cov-context=test: per-test contexts change no number. The same
# suite (plain programs that pass, fail, crash, abort and fork; a TAP
# program; two cmocka programs split into their tests; all over a shared
# library, built with --coverage) runs with plain --cov and with
# --cov-context=test, on 3 workers: the lcov, Cobertura (time stamp aside),
# term-missing and JSON reports (contexts aside) are byte-identical, and so
# is covmerge's merge of the two coverage directories. Every executed
# line has a test in its contexts, and the contexts of all the tests
# together (covmerge --context '*') hit exactly the lines and branch arcs
# the plain run hit.
set -euo pipefail
# shellcheck source=tests/lib/runner.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/runner.sh"
rt_setup
[[ -n ${COVMERGE:-} ]] || fail "covmerge is needed"

rt_build test_calc0 calc.c lib.c -DCALC_MODE=0
rt_build test_calc1 calc.c lib.c -DCALC_MODE=1
rt_build test_cm_groups cm_groups.c lib.c -lcmocka
rt_build test_cm_pass cm_pass.c lib.c -lcmocka
rt_build test_tap tap.c
rt_build test_pass pass.c
rt_build test_fail fail.c
rt_build test_crash crash.c
rt_build test_abort abort.c
rt_build test_fork fork.c

reports() {
	echo --cov-branch --cov-report "lcov:$work/$1.info" \
		--cov-report "xml:$work/$1.xml" --cov-report "json:$work/$1.json" \
		--cov-report term-missing
}
# shellcheck disable=SC2046
rt_run plain -n 3 --cov=obj --cov-dir covp $(reports plain) bin
rt_expect_rc 1 "plain --cov"
# shellcheck disable=SC2046
rt_run ctx -n 3 --cov=obj --cov-dir covc --cov-context=test $(reports ctx) bin
rt_expect_rc 1 "--cov-context=test"
[[ -s $work/covc/contexts.cmctx ]] || fail "no contexts.cmctx in the coverage directory"
[[ ! -e $work/covp/contexts.cmctx ]] || fail "plain --cov wrote contexts"
[[ $(rt_last_line "$work/plain.out") == "$(rt_last_line "$work/ctx.out")" ]] ||
	fail "the last lines differ"
cmp "$work/plain.info" "$work/ctx.info" || fail "lcov differs with contexts:
$(diff "$work/plain.info" "$work/ctx.info" | head -30)"
cmp <(sed 's/timestamp="[0-9]*"//' "$work/plain.xml") \
	<(sed 's/timestamp="[0-9]*"//' "$work/ctx.xml") || fail "Cobertura differs with contexts"
# the term tables: everything from the table's header to the summary
table() { sed -n '/^Name /,/^TOTAL/p' "$1"; }
[[ -n $(table "$work/plain.out") ]] || fail "no term table"
[[ $(table "$work/plain.out") == "$(table "$work/ctx.out")" ]] || fail "term tables differ:
$(diff <(table "$work/plain.out") <(table "$work/ctx.out"))"
strip_json() {
	"$PYTHON" - "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["meta"].pop("timestamp", None)
d["meta"].pop("show_contexts", None)
for f in d["files"].values():
    f.pop("contexts", None)
print(json.dumps(d, sort_keys=True, indent=1))
PY
}
[[ $(strip_json "$work/plain.json") == "$(strip_json "$work/ctx.json")" ]] ||
	fail "JSON differs with contexts (contexts aside):
$(diff <(strip_json "$work/plain.json") <(strip_json "$work/ctx.json") | head -30)"
# the merged counts of every data file are the same (covmerge again)
(cd "$work" && "$COVMERGE" -q --report "lcov:$work/m1.info" covp) || fail "covmerge covp failed"
(cd "$work" && "$COVMERGE" -q --report "lcov:$work/m2.info" covc) || fail "covmerge covc failed"
cmp "$work/m1.info" "$work/m2.info" || fail "covmerge of the two coverage directories differs"
# every executed line ran in some recorded test
"$PYTHON" - "$work/ctx.json" <<'PY' || fail "an executed line has no test in its contexts"
import json, sys
d = json.load(open(sys.argv[1]))
bad = [(n, l) for n, f in d["files"].items() for l, cs in f["contexts"].items() if cs == [""]]
sys.exit(1 if bad or not d["files"] else 0)
PY
# all the tests' contexts together hit what the plain run hit
(cd "$work" && "$COVMERGE" -q --branch --context '*' --report "lcov:$work/all.info" covc) ||
	fail "covmerge --context '*' failed"
hits() { # the DA and BRDA records of an lcov file as hit (1) or not (0)
	awk -F'[:,]' '/^SF:/ { sf = $2 } /^DA:/ { print sf, "DA", $2, ($3 > 0) }
		/^BRDA:/ { print sf, "BRDA", $2, $3, $4, ($5 != "-" && $5 > 0) }' "$1"
}
[[ $(hits "$work/plain.info" | wc -l) -gt 50 ]] || fail "too few records to compare"
[[ $(hits "$work/plain.info") == "$(hits "$work/all.info")" ]] || fail "--context '*' hits other lines:
$(diff <(hits "$work/plain.info") <(hits "$work/all.info") | head -20)"
ok "plain --cov and --cov-context=test give identical numbers in every report"
