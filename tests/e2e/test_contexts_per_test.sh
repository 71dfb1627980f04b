#!/bin/bash
# runner --cov-context=test: each test's context is what that test alone
# covers. The suite (two plain programs and a cmocka program split into its
# three tests, over a shared lib.c with branches, and two plain programs
# whose switch of 80 cases has more than 64 counters: lines_plan.c solves
# such a function's flow, and tells a smaller one's lines by sums of its
# counters; all built with --coverage)
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
rt_build test_wide0 wide.c -DWIDE_MODE=0
rt_build test_wide1 wide.c -DWIDE_MODE=1

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
((${#ids[@]} == 7)) || fail "expected 7 tests in the contexts, got ${#ids[@]}: ${ids[*]}"

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
	case $id in
	*test_wide0*) wide0=$n ;;
	*test_wide1*) wide1=$n ;;
	esac
done
# the switch has more than 64 counted arcs (its flow is solved), and the
# two wide programs run different cases of it
arcs=$(awk -F'[:,]' '/^SF:/ { w = $2 ~ /wide\.c$/ } w && /^BRDA:/ { n[$2]++ }
	END { m = 0; for (l in n) if (n[l] > m) m = n[l]; print m }' "$work/alone${wide0:?}.info")
((arcs >= 80)) || fail "wide.c's switch has $arcs branch arcs, expected 80 or more"
[[ $(hits "$work/alone$wide0.info" | grep wide.c) != \
	"$(hits "$work/alone${wide1:?}.info" | grep wide.c)" ]] ||
	fail "the two wide programs hit the same records of wide.c"
# the tests differ from each other (the comparison can fail)
[[ $(hits "$work/alone1.info") != "$(hits "$work/alone2.info")" ]] ||
	fail "the first two tests hit the same records: the check proves nothing"
ok "each test's context equals its own run's coverage"
