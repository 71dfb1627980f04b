#!/bin/bash
# Outputs are valid whatever bytes the names hold. A real gcc --coverage
# build of sources named with invalid UTF-8 (Latin-1 "caf\xe9.c"), a
# newline ("new\nline.c"), a terminal escape sequence ("esc\e[31mred.c")
# and XML's own characters ("a&<b>'\".c"), plus an lcov tracefile input
# whose function names hold invalid UTF-8, an escape sequence, DEL and a
# tab:
#
#  (a) Cobertura XML: xmllint accepts it (valid against coverage-04.dtd);
#      an invalid byte is U+FFFD, the newline a character reference
#  (b) JSON: Python's json module reads it as strict UTF-8; an invalid
#      byte is \ufffd, control characters \u escapes
#  (c) the lcov tracefile: one record per source (the newline is written
#      as '?', with a warning), lcov --summary and covmerge read it back
#      with the same totals
#  (d) the terminal table, term-missing, markdown and the messages: no
#      control character (no ESC), one line per file, '?' in place of
#      what a terminal would not show as it is; a name of several bytes a
#      character takes one column a character
set -euo pipefail
# shellcheck source=tests/lib/shards.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/shards.sh"
lib_setup
need_tool xmllint libxml2-utils
need_tool lcov lcov
dtd=$CM_SOURCE_DIR/tests/fixtures/report/coverage-04.dtd

W=$work/w
mkdir -p "$W"
cd "$W"
latin=$'caf\xe9.c' newline=$'new\nline.c' esc=$'esc\e[31mred.c' xmlish="a&<b>'\".c"
printf 'int f1(int x)\n{\n\tif (x)\n\t\treturn 1;\n\treturn 0;\n}\n' >"$latin"
printf 'int f2(int x)\n{\n\treturn x + 2;\n}\n' >"$newline"
printf 'int f3(int x)\n{\n\treturn x * 3;\n}\n' >"$esc"
printf 'int f4(int x)\n{\n\treturn x - 4;\n}\n' >"$xmlish"
printf 'int f1(int);\nint f2(int);\nint f3(int);\nint main(void)\n{\n\treturn f1(1) + f2(0) + f3(0) - 3;\n}\n' >main.c
i=0
for f in "$latin" "$newline" "$esc" "$xmlish" main.c; do
	"$cc" --coverage -O0 -c "$f" -o "o$((++i)).o" || fail "compiling $f"
done
"$cc" --coverage o*.o -o prog || fail "linking"
./prog || fail "the program failed"

# a tracefile input with hostile function names (bytes gcc would not make)
printf 'TN:\nSF:%s/trace\xff.c\nFN:1,bad\xffname\nFN:3,esc\e]0;title\aname\nFN:5,del\x7fname\nFN:7,tab\tname\nFNDA:1,bad\xffname\nFNDA:0,esc\e]0;title\aname\nFNDA:2,del\x7fname\nFNDA:0,tab\tname\nDA:1,1\nDA:3,0\nDA:5,2\nDA:7,0\nend_of_record\n' \
	"$W" >"$work/hostile.info"

run_cm_in "$W" all --root "$W" --report term-missing --report "xml:$work/c.xml" \
	--report "json:$work/c.json" --report "lcov:$work/c.info" --report "markdown:$work/c.md" \
	. "$work/hostile.info"
assert_eq 0 "$cm_rc" "exit code; stderr: $(cat "$cm_err")"

# ------------------------------------------------------------ (a) Cobertura
xmllint --nonet --noout --dtdvalid "$dtd" "$work/c.xml" 2>"$work/xmllint.err" ||
	fail "(a) xmllint rejects the Cobertura report: $(head -5 "$work/xmllint.err")"
grep -qF 'filename="caf'$'\xef\xbf\xbd''.c"' "$work/c.xml" || fail "(a) no U+FFFD in caf?.c: $(grep -a filename "$work/c.xml")"
grep -qF 'filename="new&#10;line.c"' "$work/c.xml" || fail "(a) the newline is not &#10;"
grep -qF 'filename="a&amp;&lt;b&gt;&apos;&quot;.c"' "$work/c.xml" || fail "(a) XML characters"
grep -qF 'name="bad'$'\xef\xbf\xbd''name"' "$work/c.xml" || fail "(a) a function name with an invalid byte"
LC_ALL=C grep -q $'\e' "$work/c.xml" && fail "(a) an ESC byte in the XML"
# the parsed names, as a consumer sees them
"$PYTHON" - "$work/c.xml" >"$work/xml.names" <<'PY' || fail "(a) Python's XML parser rejects it"
import sys, xml.etree.ElementTree as ET
for c in ET.parse(sys.argv[1]).iter('class'):
    print(ascii(c.get('filename')))
PY
assert_eq "'a&<b>\\'\".c' 'caf\\ufffd.c' 'esc?[31mred.c' 'main.c' 'new\\nline.c' 'trace\\ufffd.c'" \
	"$(tr '\n' ' ' <"$work/xml.names" | sed 's/ $//')" "(a) the file names in the XML"

# ------------------------------------------------------------ (b) JSON
"$PYTHON" - "$work/c.json" >"$work/json.names" <<'PY' || fail "(b) Python's json module rejects the JSON report"
import json, sys
d = json.load(open(sys.argv[1], encoding='utf-8', errors='strict'))
for name, f in sorted(d['files'].items()):
    print(ascii(name), ' '.join(ascii(fn['name']) for fn in f['functions']))
print(d['totals']['num_statements'], d['totals']['covered_lines'])
PY
assert_eq "'a&<b>\\'\".c' 'f4'
'caf\\ufffd.c' 'f1'
'esc\\x1b[31mred.c' 'f3'
'main.c' 'main'
'new\\nline.c' 'f2'
'trace\\ufffd.c' 'bad\\ufffdname' 'esc\\x1b]0;title\\x07name' 'del\\x7fname' 'tab\\tname'
16 11" "$(cat "$work/json.names")" "(b) names and totals in the JSON"

# ------------------------------------------------------------ (c) lcov
assert_line "$cm_err" "covmerge: warning: \"$work/c.info\": a newline in the source path or a function name of \"$W/new?line.c\" is written as '?' (the tracefile has no escapes)" \
	"(c) the warning"
assert_eq 6 "$(grep -c '^SF:' "$work/c.info")" "(c) records"
assert_eq 6 "$(grep -c '^end_of_record$' "$work/c.info")" "(c) ends of records"
grep -qxF "SF:$W/new?line.c" "$work/c.info" || fail "(c) no SF for new?line.c"
lcov --summary "$work/c.info" >"$work/lcov.sum" 2>&1 || fail "(c) lcov --summary failed: $(cat "$work/lcov.sum")"
assert_contains "$work/lcov.sum" "lines......: 68.8% (11 of 16 lines)" "(c) lcov --summary"
run_cm back -q --report "json:$work/back.json" "$work/c.info"
assert_eq 0 "$cm_rc" "(c) covmerge reading the tracefile back; stderr: $(cat "$cm_err")"
"$PYTHON" -c 'import json, sys; t = json.load(open(sys.argv[1]))["totals"]; print(t["num_statements"], t["covered_lines"], t["num_functions"], t["covered_functions"])' \
	"$work/back.json" >"$work/back.tot"
assert_eq "16 11 9 6" "$(cat "$work/back.tot")" "(c) the totals read back"

# ------------------------------------------------------------ (d) terminal and markdown
for f in "$work/all.out" "$work/all.err" "$work/c.md"; do
	if LC_ALL=C tr -d '\n' <"$f" | LC_ALL=C grep -q '[[:cntrl:]]'; then
		fail "(d) a control character in $(basename "$f"): $(cat -A "$f" | head -20)"
	fi
done
for name in 'caf?.c' 'esc?[31mred.c' 'new?line.c' "a&<b>'\".c" 'trace?.c'; do
	grep -qF -- "$name " "$work/all.out" || fail "(d) no row for $name: $(cat -A "$work/all.out")"
done
# header, rule, 6 files, rule, TOTAL (and the header line of covmerge)
assert_eq 11 "$(wc -l <"$work/all.out")" "(d) lines of the table"
for name in 'caf?.c' 'esc?\[31mred.c' 'new?line.c' 'trace?.c'; do
	grep -qF -- "| $name |" "$work/c.md" || fail "(d) no markdown row for $name: $(cat -A "$work/c.md")"
done
assert_eq 9 "$(wc -l <"$work/c.md")" "(d) lines of the markdown table"
# a message naming a hostile file shows it without its escape sequence
printf 'TN:\nSF:%s/x\e[2J\xff.c\nDA:1,1\nend_of_record\n' "$work" >"$work/bad"$'\e''[2J.info'
run_cm msg -q --report "lcov:$work/nodir/x.info" "$work/bad"$'\e''[2J.info'
assert_eq 1 "$cm_rc" "(d) an unwritable report: exit code"
if LC_ALL=C tr -d '\n' <"$cm_err" | LC_ALL=C grep -q '[[:cntrl:]]'; then
	fail "(d) a control character in the messages: $(cat -A "$cm_err")"
fi
assert_line "$cm_err" "covmerge: warning: cannot read source \"$work/x?[2J?.c\": No such file or directory; its exclusion markers are not applied" \
	"(d) a warning naming a hostile source"
# names of several bytes a character (valid UTF-8) take one column each,
# as in coverage.py: the columns of every row line up with the header's
# (they were padded by bytes, "dir ü/ü.c" one column short a "ü")
printf 'TN:\nSF:%s/dir \xc3\xbc/\xc3\xbcn\xc3\xafc\xc3\xb6de.c\nDA:1,1\nDA:2,0\nend_of_record\nTN:\nSF:%s/plain.c\nDA:1,1\nend_of_record\n' \
	"$work" "$work" >"$work/uni.info"
run_cm uni --report term "$work/uni.info"
assert_eq 0 "$cm_rc" "(d) unicode names: exit code"
head_w=$(grep "^Name " "$cm_out" | LC_ALL=C.UTF-8 wc -m)
assert_eq "$head_w $head_w $head_w" \
	"$(grep '%$' "$cm_out" | while IFS= read -r l; do printf '%s\n' "$l" | LC_ALL=C.UTF-8 wc -m; done | tr '\n' ' ' | sed 's/ $//')" \
	"(d) unicode names: every row as wide as the header, in characters"
assert_line "$cm_out" "dir ü/ünïcöde.c       2      1    50%" "(d) unicode names: the row"
note "every output valid and every name shown safely"
