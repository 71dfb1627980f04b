#!/bin/bash
# runner --cov-context=test: each test's context is what that test alone
# covers. The suite (two plain programs and a cmocka program split into its
# three tests, over a shared lib.c with branches, built with --coverage)
# runs once with contexts on 2 workers; then each test runs alone with
# plain --cov (-k ID), and covmerge's lcov of that run (gcov's rules on
# that test's counters) hits exactly the lines and branch arcs that
# covmerge --context ID finds in the contexts run. Tests run in parallel
# and one worker's data files are rewritten by every test, so this checks
# that the counters are split per test, and that a test's lines and arcs
# are numbered as the whole object's (lines_plan.c), not as the functions
# it ran.
set -euo pipefail
# shellcheck source=tests/lib/runner.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/runner.sh"
rt_setup
[[ -n ${COVMERGE:-} ]] || fail "covmerge is needed"

rt_build test_calc0 calc.c lib.c -DCALC_MODE=0
rt_build test_calc1 calc.c lib.c -DCALC_MODE=1
rt_build test_cm_pass cm_pass.c lib.c -lcmocka

rt_run ctx -n 2 --cov=obj --cov-dir covc --cov-context=test bin
rt_expect_rc 0 "--cov-context=test"
(cd "$work" && "$COVMERGE" -q --report "json:$work/ctx.json" covc) ||
	fail "covmerge covc failed"
mapfile -t ids < <("$PYTHON" - "$work/ctx.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print("\n".join(sorted({c for f in d["files"].values()
                        for cs in f["contexts"].values() for c in cs if c})))
PY
)
((${#ids[@]} == 5)) || fail "expected 5 tests in the contexts, got ${#ids[@]}: ${ids[*]}"

hits() { # the DA and BRDA records of an lcov file as hit (1) or not (0)
	awk -F'[:,]' '/^SF:/ { sf = $2 } /^DA:/ { print sf, "DA", $2, ($3 > 0) }
		/^BRDA:/ { print sf, "BRDA", $2, $3, $4, ($5 != "-" && $5 > 0) }' "$1"
}
n=0
for id in "${ids[@]}"; do
	n=$((n + 1))
	rt_run "alone$n" -n 1 --cov=obj --cov-dir "cov$n" -k "$id" bin
	rt_expect_rc 0 "$id alone"
	grep -q "^1 passed" "$rr_out" || grep -q "runner: 1 passed" "$rr_out" ||
		fail "-k $id ran more or less than that test: $(tail -3 "$rr_out")"
	(cd "$work" && "$COVMERGE" -q --branch --report "lcov:$work/alone$n.info" "cov$n") ||
		fail "covmerge cov$n failed"
	(cd "$work" && "$COVMERGE" -q --branch --context "$id" \
		--report "lcov:$work/ctx$n.info" covc) || fail "covmerge --context $id failed"
	[[ $(hits "$work/alone$n.info" | awk '$NF == 1' | wc -l) -gt 3 ]] ||
		fail "$id alone hit too few records to compare"
	[[ $(hits "$work/alone$n.info") == "$(hits "$work/ctx$n.info")" ]] ||
		fail "$id: its context differs from its run alone:
$(diff <(hits "$work/alone$n.info") <(hits "$work/ctx$n.info") | head -20)"
	ok "$id: its context hits what it hits alone"
done
# the tests differ from each other (the comparison can fail)
[[ $(hits "$work/alone1.info") != "$(hits "$work/alone2.info")" ]] ||
	fail "the first two tests hit the same records: the check proves nothing"
ok "each test's context equals its own run's coverage"
