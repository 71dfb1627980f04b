#!/bin/bash
# runner --cov-context=test with many records: the lines of the kept
# records are computed at the end of the run by several threads, in
# batches of 512 records, and the tests are added in the order the tests
# ended. 4 workers run a cmocka program of 600 tests, each in its own
# process (two objects each: 1200 records, three batches). The line of
# test t_K must have exactly t_K in its contexts, the code every test ran
# all 600, and all the contexts together must hit what the plain --cov
# run hit.
set -euo pipefail
# shellcheck source=tests/lib/runner.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/runner.sh"
rt_setup
[[ -n ${COVMERGE:-} ]] || fail "covmerge is needed"

ntests=600
{
	printf '#include <setjmp.h>\n#include <stdarg.h>\n#include <stddef.h>\n#include <stdint.h>\n'
	printf '#include <cmocka.h>\n#include "lib.h"\n'
	for ((k = 0; k < ntests; k++)); do
		printf 'static void t_%d(void **s) { (void)s; assert_int_equal(lib_add(%d, 1), %d); }\n' \
			"$k" "$k" "$((k + 1))"
	done
	printf 'int main(void)\n{\n\tconst struct CMUnitTest tests[] = {\n'
	for ((k = 0; k < ntests; k++)); do
		printf '\t\tcmocka_unit_test(t_%d),\n' "$k"
	done
	printf '\t};\n\treturn cmocka_run_group_tests_name("many", tests, NULL, NULL);\n}\n'
} >"$work/src/many.c"
rt_build test_many many.c lib.c -lcmocka

rt_run ctx -n 4 --cov=obj --cov-dir covc --cov-context=test --cov-branch \
	--cov-report "json:$work/ctx.json" --cov-report "lcov:$work/ctx.info" bin
rt_expect_rc 0 "4 workers, $ntests tests"
rt_expect_summary "$ntests" 0 0 "4 workers, $ntests tests"
rt_run plain -n 4 --cov=obj --cov-dir covp --cov-branch --cov-report "lcov:$work/plain.info" bin
rt_expect_rc 0 "plain --cov"
cmp "$work/plain.info" "$work/ctx.info" || fail "lcov differs with contexts"

"$PYTHON" - "$work/ctx.json" "$ntests" <<'PY' || fail "wrong contexts (above)"
import json, re, sys
d = json.load(open(sys.argv[1]))
n = int(sys.argv[2])
many = [f for name, f in d["files"].items() if name.endswith("many.c")][0]
lib = [f for name, f in d["files"].items() if name.endswith("lib.c")][0]
src = open(sys.argv[1].replace("ctx.json", "src/many.c")).read().split("\n")
bad, seen = [], 0
for i, text in enumerate(src, 1):
    m = re.match(r"static void (t_\d+)\(", text)
    if not m:
        continue
    seen += 1
    cs = many["contexts"].get(str(i), [])
    if len(cs) != 1 or not cs[0].endswith(m.group(1)):
        bad.append((i, m.group(1), cs))
if seen != n:
    bad.append(("test lines", seen))
# main ran in every test's process, lib_add in every test
full = [l for l, cs in many["contexts"].items() if len(cs) == n]
if not full:
    bad.append(("no line of many.c ran by all tests",))
if not any(len(cs) == n for cs in lib["contexts"].values()):
    bad.append(("no line of lib.c ran by all tests",))
for b in bad[:10]:
    print(b)
sys.exit(1 if bad else 0)
PY
ok "1200 records on 4 workers: each test's line has exactly that test"

(cd "$work" && "$COVMERGE" -q --branch --context '*' --report "lcov:$work/all.info" covc) ||
	fail "covmerge --context '*' failed"
hits() { # the DA and BRDA records of an lcov file as hit (1) or not (0)
	awk -F'[:,]' '/^SF:/ { sf = $2 } /^DA:/ { print sf, "DA", $2, ($3 > 0) }
		/^BRDA:/ { print sf, "BRDA", $2, $3, $4, ($5 != "-" && $5 > 0) }' "$1"
}
[[ $(hits "$work/plain.info") == "$(hits "$work/all.info")" ]] || fail "--context '*' hits other lines:
$(diff <(hits "$work/plain.info") <(hits "$work/all.info") | head -20)"
ok "all the contexts together hit what the plain run hit"

note "ok"
