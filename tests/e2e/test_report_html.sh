#!/bin/bash
# `--report html:DIR` (issue 13): the HTML report on real gcc --coverage
# builds, asserted on the values its DOM carries (the contract in README,
# "The HTML report"; tests/e2e/html_dom.py reads the pages).
# 1. The bundled example (tests/fixtures/example, CMake, its CTest tests):
#    the index's #totals equal the Cobertura report's lines-covered,
#    lines-valid, branches-covered, branches-valid of the same run and the
#    lcov report's FNH/FNF; the percentages are the term table's (same
#    --precision, same rounding); every file row equals its term table row
#    and links to a page that exists; cm.css and cm.js are the repository's
#    files, byte for byte; nothing refers to the network.
# 2. The report fixture (tests/fixtures/report, numbers checked against
#    gcov-12 -b -c): a missed line has class miss, hits 0 and its symbol;
#    partly run lines list the arcs not taken with their destinations,
#    16->17, 28->30, 36->exit, 43->45 (two arcs, one destination, once);
#    the function table's rows (name, line link, calls, a never-called
#    function marked); the index link.
# 3. Exclusion markers (tests/fixtures/report/excl): the excluded lines
#    have class excl and their symbol, no hit count.
# 4. Escaping: a source holding </script><script>alert(1)</script> and
#    <img src=x onerror=alert(1)> in code, a string and a comment, in a
#    file whose name holds & < > " ': the output holds only the escaped
#    forms, no raw <img and no <script but the one of cm.js per page.
# 5a. A source shorter than its data (changed since the run): a warning on
#    stderr and p.warn on the page.
# 5. A source that cannot be read: p#no-source names it and the cause; the
#    executable lines are still listed with their counts.
# 6. Atomic replacement: an earlier report holding a stale file is
#    replaced whole; a directory that is not a report, a DIR that is a
#    file, a missing parent, a parent that is a file and a failing report
#    of the same run (no file is replaced then: all or none) each leave the
#    target untouched, with an error naming the path and no temporary
#    directory behind; a temporary directory of a killed run is removed by
#    the next; an output inside the report's directory and html:- are
#    usage errors (covmerge and runner); a refused DIR is refused before
#    the merge (covmerge) or the tests (runner, exit 4), and html:. names
#    its cause (it was "Device or resource busy" after the work).
# 7. runner --cov-report html:DIR writes the same report as covmerge.
set -euo pipefail
# shellcheck source=tests/lib/oracle.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/oracle.sh"
e2e_setup
work=$(cd "$work" && pwd -P)
use_gcc 12
need_tool cmake cmake
need_tool ctest cmake
: "${RUNNER:?RUNNER must name the runner binary}"
dom=$CM_SOURCE_DIR/tests/e2e/html_dom.py
sym_run=$'\xe2\x9c\x93' sym_miss=$'\xe2\x9c\x97' sym_part=$'\xe2\x97\x90'
sym_excl=$'\xe2\x80\x93'

q() { "$PYTHON" "$dom" "$@"; }

# cm NAME ARG...: covmerge ARG...; output in $work/NAME.out/.err, cm_rc
cm() {
	local name=$1
	shift
	cm_rc=0
	"$COVMERGE" "$@" >"$work/$name.out" 2>"$work/$name.err" || cm_rc=$?
}

# ------------------------------------------------- 1. the bundled example
ex=$work/example
cp -R "$fixture_dir/example" "$ex"
CC=$cc cmake -S "$ex" -B "$ex/build" -DCMAKE_BUILD_TYPE=Debug -DSHAPES_COVERAGE=ON \
	>"$work/cmake.log" 2>&1 || die "configuring the example failed: $(cat "$work/cmake.log")"
cmake --build "$ex/build" -j2 >>"$work/cmake.log" 2>&1 ||
	die "building the example failed: $(cat "$work/cmake.log")"
(cd "$ex/build" && ctest >"$work/ctest.log" 2>&1) ||
	die "the example's tests failed: $(cat "$work/ctest.log")"

cm ex --root "$ex" --branch --precision 1 --report "html:$work/exh" \
	--report "xml:$work/ex.xml" --report "lcov:$work/ex.info" --report term "$ex/build"
((cm_rc == 0)) || die "covmerge on the example exited $cm_rc: $(cat "$work/ex.err")"
assert_empty "$work/ex.err" "example: nothing on stderr"

read -r lc lv bc bv fc fv pl pb pf pc < <(q totals "$work/exh/index.html")
xml_tot=$(grep -o 'lines-valid="[0-9]*" lines-covered="[0-9]*"' "$work/ex.xml" | head -n 1)
assert_eq "lines-valid=\"$lv\" lines-covered=\"$lc\"" "$xml_tot" \
	"example: #totals lines equal the Cobertura report's"
xml_br=$(grep -o 'branches-valid="[0-9]*" branches-covered="[0-9]*"' "$work/ex.xml" | head -n 1)
assert_eq "branches-valid=\"$bv\" branches-covered=\"$bc\"" "$xml_br" \
	"example: #totals branches equal the Cobertura report's"
fnf=$(awk -F: '/^FNF:/ {s += $2} END {print s + 0}' "$work/ex.info")
fnh=$(awk -F: '/^FNH:/ {s += $2} END {print s + 0}' "$work/ex.info")
assert_eq "$fnh $fnf" "$fc $fv" "example: #totals functions equal the lcov report's FNH/FNF"
((lv > 100 && bv > 20 && lc < lv && bc < bv)) ||
	die "example: implausible totals $lc/$lv lines, $bc/$bv branches"
pct1() { "$PYTHON" -c "import sys; h, t = int(sys.argv[1]), int(sys.argv[2]); print('%.1f%%' % (100.0 * h / t if t else 100))" "$1" "$2"; }
assert_eq "$(pct1 "$lc" "$lv") $(pct1 "$bc" "$bv") $(pct1 "$fc" "$fv")" "$pl $pb $pf" \
	"example: .pct-lines, .pct-branches, .pct-functions at --precision 1"
term_total=$(awk '$1 == "TOTAL" {print $NF}' "$work/ex.out")
assert_eq "$term_total" "$pc" "example: the index's Cover total is the term table's"
assert_eq "name stmts miss branch brpart cover functions" "$(q heads "$work/exh/index.html")" \
	"example: one sortable column head per key"
# every file row equals its term table row
q rows "$work/exh/index.html" >"$work/ex.rows"
awk '/^-/ {n++; next} n == 1 {print $1 "|" $2 "|" $3 "|" $4 "|" $5 "|" $6}' "$work/ex.out" |
	sed 's/%$//' >"$work/ex.term-rows"
cut -d'|' -f1-6 "$work/ex.rows" >"$work/ex.html-rows"
assert_same "$work/ex.term-rows" "$work/ex.html-rows" \
	"example: the table's rows equal the term table's (name, Stmts, Miss, Branch, BrPart, Cover)"
nrows=$(wc -l <"$work/ex.rows")
((nrows >= 5)) || die "example: only $nrows file rows"
missing_pages=$(cut -d'|' -f8 "$work/ex.rows" | while read -r h; do
	[[ -f $work/exh/$h ]] || echo "$h"
done)
assert_eq "" "$missing_pages" "example: every a.file-link names a page that exists"
assert_eq "$((nrows + 3))" "$(find "$work/exh" -type f | wc -l)" \
	"example: index.html, cm.css, cm.js and one page per file, nothing else"
assert_same "$CM_SOURCE_DIR/covmerge/report/html/cm.css" "$work/exh/cm.css" \
	"example: cm.css is the repository's"
assert_same "$CM_SOURCE_DIR/covmerge/report/html/cm.js" "$work/exh/cm.js" \
	"example: cm.js is the repository's"
cat "$work"/exh/*.html >"$work/ex.all"
assert_no_grep "$work/ex.all" '(src|href)="[a-z]+:|(src|href)="//|url\(' \
	"example: no page refers to anything outside the report"
assert_no_grep "$work/exh/cm.css" 'url\(|@import' "example: the style sheet loads nothing"
assert_no_grep "$work/exh/cm.js" 'fetch\(|XMLHttpRequest|import\(|https?:' \
	"example: the script loads nothing"
# the example's shape.c: line 17 (default: return -1) never ran
shape=$(grep '|src/shape.c|' <(sed 's/^/|/' "$work/ex.rows") | cut -d'|' -f9)
IFS='|' read -r st hits sym _ text < <(q line "$work/exh/$shape" 17)
assert_eq "miss|0|$sym_miss|	return -1;" "$st|$hits|$sym|$text" \
	"example: shape.c line 17 is missed (class, hits, symbol, text)"
IFS='|' read -r st hits sym arcs _ < <(q line "$work/exh/$shape" 8)
assert_eq "part|4|$sym_part|8->17" "$st|$hits|$sym|$arcs" \
	"example: shape.c line 8 is partly run, its default arc 8->17 not taken"

# -------------------------------------------------- 2. the report fixture
bash "$fixture_dir/report/build.sh" "$cc" "$work/fx" >"$work/build.log" 2>&1 ||
	die "building the report fixture failed: $(cat "$work/build.log")"
root=$work/fx/src
cm fx --root "$root" --branch --report "html:$work/fxh" --report term "$work/fx/shard"
((cm_rc == 0)) || die "covmerge on the report fixture exited $cm_rc: $(cat "$work/fx.err")"
gaps=$(awk -F'|' '$1 == "src/gaps.c" {print $8}' < <(q rows "$work/fxh/index.html"))
assert_eq "src_gaps.c.html" "$gaps" "fixture: the page of src/gaps.c is src_gaps.c.html"
for want in "16|part|1|$sym_part|16->17" "17|miss|0|$sym_miss|" "19|none|-||" \
	"22|run|1|$sym_run|" "28|part|1|$sym_part|28->30" "36|part|1|$sym_part|36->exit" \
	"43|part|1|$sym_part|43->45"; do
	n=${want%%|*}
	IFS='|' read -r st hits sym arcs _ < <(q line "$work/fxh/$gaps" "$n")
	assert_eq "$want" "$n|$st|$hits|$sym|$arcs" "fixture: gaps.c line $n"
done
IFS='|' read -r _ _ _ _ text < <(q line "$work/fxh/$gaps" 43)
assert_eq "	if (x > 0 && x < 100)" "$text" "fixture: gaps.c line 43's text, unescaped by a parser"
assert_eq "$(seq -s ' ' 1 46)" "$(q lines "$work/fxh/$gaps")" \
	"fixture: gaps.c has one row per source line, L1 to L46"
assert_eq "gaps_rare|13|#L13|1|fn run
gaps_pick|25|#L25|1|fn run
gaps_stop|33|#L33|1|fn run
gaps_both|40|#L40|1|fn run" "$(q functions "$work/fxh/$gaps")" "fixture: gaps.c's function table"
part2=$(awk -F'|' '$1 == "lib/part2.c" {print $8}' < <(q rows "$work/fxh/index.html"))
assert_eq "part2_twice|4|#L4|1|fn run
part2_never|9|#L9|0|fn miss" "$(q functions "$work/fxh/$part2")" \
	"fixture: part2.c's function table marks the function never called"
assert_eq "index.html" "$(q index-link "$work/fxh/$gaps")" "fixture: a#index-link goes to index.html"
assert_eq "" "$(q nosource "$work/fxh/$gaps")" "fixture: a readable source has no #no-source"

# ------------------------------------------------------ 3. exclusion markers
xs=$work/excl
mkdir -p "$xs"
cp "$fixture_dir"/report/excl/*.c "$xs/"
(cd "$xs" && $cc --coverage -O0 -o prog main.c excl_lcov.c excl_gcovr.c && ./prog) \
	>"$work/excl.log" 2>&1 || die "building the exclusion fixture failed: $(cat "$work/excl.log")"
cm excl --root "$xs" --branch --report "html:$work/xh" "$xs"
((cm_rc == 0)) || die "covmerge on the exclusion fixture exited $cm_rc: $(cat "$work/excl.err")"
for want in "9|excl|-|$sym_excl" "16|excl|-|$sym_excl" "17|excl|-|$sym_excl" "10|run|1|$sym_run" \
	"19|run|1|$sym_run"; do
	n=${want%%|*}
	IFS='|' read -r st hits sym _ < <(q line "$work/xh/excl_lcov.c.html" "$n")
	assert_eq "$want" "$n|$st|$hits|$sym" "exclusion: excl_lcov.c line $n"
done

# ------------------------------------------------------------- 4. escaping
hs=$work/hostile
mkdir -p "$hs"
evil="$hs/a&b<c>\"d'.c"
cat >"$evil" <<'SRC'
/* comment: </script><script>alert(1)</script> <img src=x onerror=alert(1)> */
#include <string.h>
int evil_len(void)
{
	const char *s = "</script><script>alert(1)</script><img src=x onerror=alert(1)>";
	int n = (int)strlen(s); int lt = 1 </script> 0; /* never compiled: see below */
	return n;
}
SRC
# the code line must compile: a macro makes `</script>` an expression
sed -i 's|int lt = 1 </script> 0; /\* never compiled: see below \*/|int lt = 1 </*</script>*/ 0; int img = lt <img_src> 0;|' "$evil"
sed -i '1i #define img_src 1' "$evil"
printf 'int evil_len(void);\nint main(void) { return evil_len() < 0; }\n' >"$hs/main.c"
(cd "$hs" && $cc --coverage -O0 -Wno-unused-variable -o prog main.c "a&b<c>\"d'.c" && ./prog) \
	>"$work/hostile.log" 2>&1 || die "building the hostile fixture failed: $(cat "$work/hostile.log")"
cm hostile --root "$hs" --report "html:$work/hh" "$hs"
((cm_rc == 0)) || die "covmerge on the hostile fixture exited $cm_rc: $(cat "$work/hostile.err")"
page=$(awk -F'|' '$1 == "a&b<c>\"d'"'"'.c" {print $8}' < <(q rows "$work/hh/index.html"))
assert_eq "a_b_c__d_.c.html" "$page" "escaping: the page name is made of safe characters"
assert_contains "$work/hh/index.html" 'data-name="a&amp;b&lt;c&gt;&quot;d&apos;.c"' \
	"escaping: the file name in an attribute"
assert_contains "$work/hh/index.html" '>a&amp;b&lt;c&gt;&quot;d&apos;.c</a>' \
	"escaping: the file name as text"
assert_contains "$work/hh/$page" '<title>a&amp;b&lt;c&gt;&quot;d&apos;.c</title>' \
	"escaping: the file name in the page title"
esc_script='&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;'
esc_img='&lt;img src=x onerror=alert(1)&gt;'
assert_contains "$work/hh/$page" "comment: $esc_script $esc_img */" "escaping: in a comment"
assert_contains "$work/hh/$page" "= &quot;$esc_script$esc_img&quot;;" "escaping: in a string"
assert_contains "$work/hh/$page" 'int lt = 1 &lt;/*&lt;/script&gt;*/ 0; int img = lt &lt;img_src&gt; 0;' \
	"escaping: in code"
for f in "$work"/hh/*.html; do
	assert_no_grep "$f" '<img' "escaping: no raw <img in $(basename "$f")"
	assert_eq 1 "$(grep -o '<script' "$f" | wc -l)" \
		"escaping: one <script (cm.js) in $(basename "$f")"
	assert_eq 1 "$(grep -o '</script' "$f" | wc -l)" \
		"escaping: one </script in $(basename "$f")"
done
IFS='|' read -r _ _ _ _ text < <(q line "$work/hh/$page" 6)
assert_eq '	const char *s = "</script><script>alert(1)</script><img src=x onerror=alert(1)>";' \
	"$text" "escaping: a parser reads the string back as it is in the source"

# --------------------------------------- 5a. a source shorter than its data
# (changed since the run): the page says so, and so does stderr, where a CI
# log is read (before, only the page did)
cp "$root/src/gaps.c" "$work/gaps.c.keep"
head -n 3 "$work/gaps.c.keep" >"$root/src/gaps.c"
cm stale_src --root "$root" --branch --report "html:$work/sh" --report "lcov:$work/stale.info" \
	"$work/fx/shard"
cp "$work/gaps.c.keep" "$root/src/gaps.c"
last_da=$(awk -F'[:,]' -v f="$root/src/gaps.c" '/^SF:/ {on = ($2 == f)} on && /^DA:/ {l = $2} END {print l}' "$work/stale.info")
(( last_da > 3 )) || die "a stale source: gaps.c's data ends at line $last_da"
assert_eq 0 "$cm_rc" "a stale source: exit 0"
assert_line "$work/stale_src.err" "covmerge: warning: html report \"$work/sh\": the source \"$root/src/gaps.c\" has 3 lines, its coverage data counts lines up to $last_da: changed since the program ran? (1 file so; the pages say it too)" \
	"a stale source: a warning on stderr names it and both numbers"
assert_grep "$work/sh/src_gaps.c.html" "<p class=\"warn\">The source has 3 lines, the coverage data counts lines up to $last_da:" \
	"a stale source: the page says so"
cm fresh_src --root "$root" --branch --report "html:$work/sh" "$work/fx/shard"
assert_no_grep "$work/fresh_src.err" "warning" "the source restored: no warning"

# ------------------------------------------------ 5. an unreadable source
rm "$root/src/full.c"
cm gone --root "$root" --branch --report "html:$work/gh" "$work/fx/shard"
((cm_rc == 0)) || die "covmerge without a source exited $cm_rc: $(cat "$work/gone.err")"
assert_grep "$work/gone.err" "cannot read source \"$root/src/full.c\"" \
	"unreadable source: the warning names it"
full=$(awk -F'|' '$1 == "src/full.c" {print $8}' < <(q rows "$work/gh/index.html"))
nosrc=$(q nosource "$work/gh/$full")
assert_eq "The source could not be read (\"$root/src/full.c\": No such file or directory): the executable lines are listed with their counts, without their text." \
	"$nosrc" "unreadable source: p#no-source names the file and the cause"
cm gone_lcov --root "$root" --report "lcov:$work/gone.info" "$work/fx/shard"
want_rows=$(awk -F'[:,]' -v f="$root/src/full.c" '/^SF:/ {on = ($2 == f)} on && /^DA:/ {printf "%s%s", s, $2; s = " "}' "$work/gone.info")
assert_eq "$want_rows" "$(q lines "$work/gh/$full")" \
	"unreadable source: one row per executable line (the lcov report's DA lines)"
first=${want_rows%% *}
want_hits=$(awk -F'[:,]' -v f="$root/src/full.c" -v l="$first" '/^SF:/ {on = ($2 == f)} on && /^DA:/ && $2 == l {print $3}' "$work/gone.info")
IFS='|' read -r _ hits _ _ text < <(q line "$work/gh/$full" "$first")
assert_eq "$want_hits|" "$hits|$text" "unreadable source: the rows keep their counts, no text"

# ------------------------------------------------- 6. atomic replacement
# an earlier report with a stale file: replaced whole
echo stale >"$work/fxh/stale.html"
cm again --root "$root" --branch --report "html:$work/fxh" "$work/fx/shard"
((cm_rc == 0)) || die "rewriting a report exited $cm_rc: $(cat "$work/again.err")"
assert_eq "no" "$([[ -e $work/fxh/stale.html ]] && echo yes || echo no)" \
	"replace: the stale file of the earlier report is gone"
[[ -f $work/fxh/index.html ]] || die "replace: no index.html after rewriting"
assert_eq "" "$(find "$work" -maxdepth 1 -name '*.tmp.*' -o -maxdepth 1 -name '*.old.*')" \
	"replace: no temporary or old directory left"

# refused targets: untouched, the path named, nothing left behind
mkdir -p "$work/notreport"
echo precious >"$work/notreport/data.txt"
echo "a file" >"$work/afile"
cp -R "$work/fxh" "$work/fxh.before"
for t in notreport afile missing/sub afile/sub; do
	cm refused --root "$root" --report "html:$work/$t" "$work/fx/shard"
	assert_eq 1 "$cm_rc" "refused $t: exit 1"
	case $t in
	notreport) why="it is a directory that is neither empty nor an HTML report of covmerge" ;;
	afile) why="it exists and is not a directory" ;;
	afile/sub) why="Not a directory" ;;
	*) why="No such file or directory" ;;
	esac
	assert_contains "$work/refused.err" "covmerge: cannot write \"$work/$t\": $why" \
		"refused $t: the error names the path and the cause"
done
assert_eq "precious" "$(cat "$work/notreport/data.txt")" "refused: the directory is untouched"
assert_eq "data.txt" "$(ls "$work/notreport")" "refused: nothing added to the directory"
assert_eq "a file" "$(cat "$work/afile")" "refused: the file is untouched"
# another report of the run fails: the HTML report is not put in place
cm batch --root "$root" --report "html:$work/fxh" --report "xml:$work/missing/x.xml" \
	"$work/fx/shard"
assert_eq 1 "$cm_rc" "all or none: a failing report fails the run"
assert_contains "$work/batch.err" "cannot write \"$work/missing/x.xml\"" \
	"all or none: the error names the failing report"
diff -r "$work/fxh.before" "$work/fxh" >"$work/batch.diff" 2>&1 ||
	die "all or none: the earlier HTML report changed: $(cat "$work/batch.diff")"
ok "all or none: the earlier HTML report is untouched"
assert_eq "" "$(find "$work" -maxdepth 2 -name '*.tmp.*' -o -maxdepth 2 -name '*.old.*')" \
	"refused and failed runs leave no temporary directory"

# what a killed run left: removed by the next run writing the report
sleep 0 &
dead=$!
wait "$dead"
mkdir -p "$work/fxh.tmp.$dead.AbCdEf/x"
cm stale --root "$root" --report "html:$work/fxh" "$work/fx/shard"
((cm_rc == 0)) || die "rewriting a report exited $cm_rc: $(cat "$work/stale.err")"
assert_eq "no" "$([[ -e $work/fxh.tmp.$dead.AbCdEf ]] && echo yes || echo no)" \
	"replace: a temporary directory of a dead process is removed"
# outputs inside the report's directory would be lost: usage errors
cm inside --root "$root" --report "xml:$work/fxh/cov.xml" --report "html:$work/fxh" \
	"$work/fx/shard"
assert_eq 1 "$cm_rc" "inside: exit 1"
assert_line "$work/inside.err" "covmerge: \"$work/fxh/cov.xml\" lies inside the directory of an html report, which is replaced whole: write it elsewhere" \
	"inside: a report inside an html report's directory is refused"
cm stdout --root "$root" --report "html:-" "$work/fx/shard"
assert_eq 1 "$cm_rc" "html:- is a usage error"
assert_contains "$work/stdout.err" 'bad --report "html:-"' "html:- is named"
rc=0
"$RUNNER" --cov-report "html:$work/rdir" --cov-export "$work/rdir/e.cmshard" /bin/true \
	>"$work/rinside.out" 2>"$work/rinside.err" || rc=$?
assert_eq 4 "$rc" "inside: runner exits 4 (usage)"
assert_line "$work/rinside.err" "runner: \"$work/rdir/e.cmshard\" lies inside the directory of an html report, which is replaced whole: write it elsewhere" \
	"inside: runner refuses an export inside an html report's directory"
# a DIR that cannot be written is refused before the work, not after it:
# covmerge before the merge, runner before the tests
cm early --root "$root" --report "html:$work/notreport" "$work/fx/shard"
assert_eq 1 "$cm_rc" "early: exit 1"
assert_eq "covmerge: cannot write \"$work/notreport\": it is a directory that is neither empty nor an HTML report of covmerge (it would be replaced whole); remove it or name another one" \
	"$(cat "$work/early.err")" "early: refused before the merge (no merge summary)"
printf '#!/bin/sh\ntouch "%s/ran"\n' "$work" >"$work/marker.sh"
chmod +x "$work/marker.sh"
for t in notreport .; do
	rc=0
	(cd "$work" && "$RUNNER" --cov-report "html:$t" "$work/marker.sh") \
		>"$work/rearly.out" 2>"$work/rearly.err" || rc=$?
	assert_eq 4 "$rc" "early $t: runner exits 4 (usage)"
	assert_eq "no" "$([[ -e $work/ran ]] && echo yes || echo no)" \
		"early $t: runner refuses before running a test"
done
assert_line "$work/rearly.err" "runner: cannot write \".\": it names the current directory or a parent of it, which cannot be replaced; name a directory of its own, such as coverage-html" \
	"early: html:. is refused with its cause (rename gave EBUSY at the end)"
# "." (also as "./"): a clear cause, not "Device or resource busy"
mkdir -p "$work/emptydir"
for t in . ./; do
	rc=0
	(cd "$work/emptydir" && "$COVMERGE" --root "$root" --report "html:$t" "$work/fx/shard") \
		>"$work/dot.out" 2>"$work/dot.err" || rc=$?
	assert_eq 1 "$rc" "html:$t: exit 1"
	assert_eq "covmerge: cannot write \"$t\": it names the current directory or a parent of it, which cannot be replaced; name a directory of its own, such as coverage-html" \
		"$(cat "$work/dot.err")" "html:$t: the cause named"
done
assert_eq "" "$(ls -A "$work/emptydir")" "html:.: nothing left in the directory"

# ------------------------------------------------------- 7. runner passthrough
rm -rf "$work/fx/shard"
(cd "$work/fx" && "$RUNNER" -q --cov="$work/fx/build" --cov-root "$root" --cov-branch \
	--cov-report "html:$work/rh" --cov-report "xml:$work/r.xml" build/prog) \
	>"$work/runner.out" 2>"$work/runner.err" ||
	die "runner --cov-report html failed: $(cat "$work/runner.out" "$work/runner.err")"
read -r rlc rlv rbc rbv _ < <(q totals "$work/rh/index.html")
assert_eq "$(grep -o 'lines-valid="[0-9]*" lines-covered="[0-9]*"' "$work/r.xml" | head -n 1)" \
	"lines-valid=\"$rlv\" lines-covered=\"$rlc\"" "runner: the HTML totals equal its Cobertura report's"
assert_eq "$(grep -o 'branches-valid="[0-9]*" branches-covered="[0-9]*"' "$work/r.xml" | head -n 1)" \
	"branches-valid=\"$rbv\" branches-covered=\"$rbc\"" "runner: branch totals too"
rfull=$(awk -F'|' '$1 == "src/gaps.c" {print $8}' < <(q rows "$work/rh/index.html"))
IFS='|' read -r st hits _ arcs _ < <(q line "$work/rh/$rfull" 36)
assert_eq "part|1|36->exit" "$st|$hits|$arcs" "runner: the file page has the arcs"
