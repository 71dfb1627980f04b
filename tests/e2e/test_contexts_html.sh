#!/bin/bash
# Per-test contexts in the HTML report (issue 15 item 2): on a real
# runner --cov-context=test run (gcc --coverage, cmocka and plain
# programs), each file page's td.ctx cell of a line holds the number of
# tests that ran it, and the ids its data-t names in the page's
# #ctx-tests table equal the JSON report's "contexts" list of that line;
# a line no test ran has an empty cell; --context GLOB keeps only the
# matching tests (in the badges and in the table); test ids holding
# </script>, <img onerror> and & " ' stay data (escaped in the JSON table,
# never markup); without contexts the pages have no .ctx column and no
# table (the same bytes as before contexts existed). tests/e2e/html_ctx.py
# reads the pages; in headless Chromium (tests/e2e/html_ctx_browser.py) a
# click on a badge lists the tests, as text, and a second click closes it.
set -euo pipefail
# shellcheck source=tests/lib/runner.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/runner.sh"
rt_setup
[[ -n ${COVMERGE:-} ]] || fail "covmerge is needed"
hc() { "$PYTHON" "$CM_SOURCE_DIR/tests/e2e/html_ctx.py" "$@"; }

esc_dir='e</script><img src=x onerror=alert(1)>&"'"'"
rt_build test_cm_pass cm_pass.c lib.c -lcmocka
rt_build test_calc0 calc.c lib.c -DCALC_MODE=0
rt_build "$esc_dir/test_esc" calc.c lib.c -DCALC_MODE=1

rt_run full -n 2 --cov=obj --cov-dir cov --cov-context=test bin
rt_expect_rc 0 "the run"
(cd "$work" && "$COVMERGE" -q --report "json:$work/full.json" --report "html:$work/html" cov) ||
	fail "covmerge json + html failed"
page=$work/html/lib.c.html
[[ -f $page ]] || fail "no page lib.c.html: $(ls "$work/html")"

# jctx FILE LINE: the JSON report's count and contexts of a line, as
# html_ctx.py prints them
jctx() {
	"$PYTHON" -c 'import json, sys
d = json.load(open(sys.argv[1]))["files"][sys.argv[2]]
c = d["contexts"].get(sys.argv[3])
if c is None: print("none")
elif c == [""]: print("outside")
else: print(len(c)); print("\n".join(c))' "$work/full.json" "$@"
}

# every line of lib.c: the page says what the JSON says
nl=$(wc -l <"$work/src/lib.c")
checked=0 many=0
for ((n = 1; n <= nl; n++)); do
	want=$(jctx lib.c "$n")
	got=$(hc line "$page" "$n") || fail "html_ctx.py failed on L$n"
	assert_eq "$got" "$want" "lib.c:$n: the page's tests = the JSON report's"
	[[ $want != none ]] && checked=$((checked + 1))
	[[ $want =~ ^[0-9]+$'\n' ]] && (($(head -1 <<<"$want") >= 2)) && many=$((many + 1))
done
((checked >= 5 && many >= 1)) || fail "too few executed lines compared ($checked, $many with 2+ tests)"
neg=$(rt_line_of "$work/src/lib.c" "LIB negative")
assert_eq "$(hc line "$page" "$neg")" "1
bin/test_cm_pass::gamma::gamma_neg" "the LIB negative line: one test, gamma_neg"
add=$(rt_line_of "$work/src/lib.c" "return a + b")
assert_eq "$(hc line "$page" "$add" | head -1)" "$(jctx lib.c "$add" | head -1)" "lib_add's count"
# a line no test ran (not executed at all): no badge
miss=$("$PYTHON" -c 'import json, sys
print(min(json.load(open(sys.argv[1]))["files"]["lib.c"]["missing_lines"]))' "$work/full.json")
assert_eq "$(hc line "$page" "$miss")" "none" "a line no test ran (L$miss) has no badge"
read -r cells rows < <(hc cells "$page")
assert_eq "$cells" "$rows" "one td.ctx per source row"

# the escaping case: the id is data in the JSON table, never markup
esc_id="bin/$esc_dir/test_esc"
ids=$(hc table "$page")
grep -qxF -- "$esc_id" <<<"$ids" || fail "the table lacks the test id $esc_id:
$ids"
grep -qF '<img' "$page" && fail "a raw <img in the page"
n=$(grep -o '<script' "$page" | wc -l)
assert_eq "$n" 2 "two <script elements: cm.js and the table"
n=$(grep -o '</script' "$page" | wc -l)
assert_eq "$n" 2 "two </script: an id cannot end the table early"
grep -qF '\u003c/script\u003e\u003cimg src=x onerror=alert(1)\u003e\u0026\"'"'" "$page" ||
	fail "the escaped id is not in the table"

# in a real browser: a click on a badge lists the JSON report's tests as
# text (the escaped id among them), a second click closes the list
need_tool "${CM_CHROMIUM:-chromium}" chromium
esc_line=$("$PYTHON" -c 'import json, sys
c = json.load(open(sys.argv[1]))["files"]["lib.c"]["contexts"]
print(min(int(n) for n, ids in c.items() if sys.argv[2] in ids))' "$work/full.json" "$esc_id")
rc=0
(unset LD_PRELOAD; "$PYTHON" "$CM_SOURCE_DIR/tests/e2e/html_ctx_browser.py" "$page" \
	"$work/full.json" lib.c "$neg" "$add" "$esc_line") >"$work/ctxb.out" 2>"$work/ctxb.err" || rc=$?
tl_relay_checks "$work/ctxb.out" "$rc" html_ctx_browser.py "$work/ctxb.err"

# --context: only the matching tests
(cd "$work" && "$COVMERGE" -q --context 'bin/test_cm_pass::*' --report "json:$work/g.json" \
	--report "html:$work/g" cov) || fail "covmerge --context failed"
ids=$(hc table "$work/g/lib.c.html")
grep -v '^bin/test_cm_pass::' <<<"$ids" && fail "--context: the table holds other tests"
for ((n = 1; n <= nl; n++)); do
	want=$("$PYTHON" -c 'import json, sys
c = json.load(open(sys.argv[1]))["files"]["lib.c"]["contexts"].get(sys.argv[2])
print("none" if c is None else "%d\n%s" % (len(c), "\n".join(c)))' "$work/g.json" "$n")
	assert_eq "$(hc line "$work/g/lib.c.html" "$n")" "$want" "--context: lib.c:$n"
done
grep -qF 'kept by --context' "$work/g/lib.c.html" || fail "--context is not said on the page"

# a line run outside any recorded test: a plain run merged with a
# contexts run (the plain run's lines belong to no test; JSON says [""])
rt_run plain --cov=obj --cov-dir covp bin/test_calc0
rt_run only --cov=obj --cov-dir covc --cov-context=test bin/test_cm_pass
(cd "$work" && "$COVMERGE" -q --report "json:$work/mix.json" --report "html:$work/mix" covp covc) ||
	fail "covmerge of a plain and a contexts run failed"
pos=$(rt_line_of "$work/src/lib.c" "LIB positive")
want=$("$PYTHON" -c 'import json, sys
print(json.load(open(sys.argv[1]))["files"]["lib.c"]["contexts"][sys.argv[2]])' "$work/mix.json" "$pos")
assert_eq "$want" "['']" "the JSON report: LIB positive ran outside any test"
assert_eq "$(hc line "$work/mix/lib.c.html" "$pos")" "outside" "the page: LIB positive ran outside any test"

# without contexts: no .ctx anywhere; and a page with contexts is the page
# without them plus the .ctx cells, the note and the table, nothing else
# (the same tests run without contexts give the same counts: e2e
# test_contexts_identical)
rt_run plainall -n 2 --cov=obj --cov-dir covq bin
(cd "$work" && SOURCE_DATE_EPOCH=1700000000 "$COVMERGE" -q --report "html:$work/plain" covq &&
	SOURCE_DATE_EPOCH=1700000000 "$COVMERGE" -q --report "html:$work/withctx" cov) ||
	fail "covmerge plain / with contexts failed"
for f in "$work"/plain/*.html; do
	grep -qE 'class="[^"]*ctx|ctx-tests|data-t=' "$f" && fail "$(basename "$f") has contexts markup without contexts"
	stripped=$(sed -E -e 's|<td class="ctx">.*</td></tr>$|</tr>|' -e '/^<p class="muted ctx-note"/d' \
		-e '/^<script type="application\/json" id="ctx-tests">/d' "$work/withctx/$(basename "$f")")
	assert_eq "$stripped" "$(cat "$f")" "$(basename "$f"): with contexts = without + the ctx parts"
done
ok "contexts in the HTML report: counts, ids, --context, escaping, none without contexts"
