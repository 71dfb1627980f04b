#!/bin/bash
# Lines shared by several functions count as gcov -t prints them: the sum
# over every function that has the line (issue 9, item 1).
#
# tests/fixtures/groups/macro.c defines two functions on one line (libuv's
# TEST_FS_IMPL and a PAIR macro). For gcc 12 and 11 at -O0 and -O2 the
# program is built with --coverage and run twice; then every line count
# covmerge writes (lcov DA records) must equal the count `gcov -t` prints
# for that line in its source listing (the per-function sections after a
# group line are not the line's count), and the same lines must exist.
# At -O0 the wrapper's line is checked by value: run_test_alpha ran 6
# times, its never-run wrapper shares the line, so the line has 6, not 0.
set -euo pipefail
# shellcheck source=tests/lib/oracle.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/oracle.sh"
e2e_setup

src=$fixture_dir/groups/macro.c
# gcov -t's listing of macro.c as "line count" pairs, group sections
# skipped (headers' listings follow it at -O2)
gcov_lines() {
	"$PYTHON" -c '
import re, sys
lines = sys.stdin.read().split("\n")
in_section = False
mine = False
for i, ln in enumerate(lines):
    m = re.match(r"^\s*-:\s*0:Source:(.*)$", ln)
    if m:
        mine = m.group(1).endswith("macro.c")
        continue
    if ln == "------------------":
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        in_section = bool(re.match(r"^\S.*:$", nxt))
        continue
    if in_section or not mine:
        continue
    m = re.match(r"^\s*([0-9]+|#####|=====)\*?:\s*([0-9]+):", ln)
    if m and m.group(2) != "0":
        c = m.group(1)
        print(m.group(2), 0 if c in ("#####", "=====") else int(c))
'
}

for v in 12 11; do
	use_gcc "$v"
	for opt in -O0 -O2; do
		cfg=gcc$v$opt
		w=$work/$cfg
		mkdir -p "$w"
		cp "$src" "$w/macro.c"
		(cd "$w" && "$cc" --coverage "$opt" -o prog macro.c) ||
			die "$cfg: building the fixture failed"
		(cd "$w" && ./prog >/dev/null && ./prog x 4 >/dev/null) ||
			die "$cfg: the fixture program failed"
		(cd "$w" && "$gcov" -t prog-macro.gcda 2>/dev/null) >"$w/gcov.txt" ||
			die "$cfg: $gcov failed"
		gcov_lines <"$w/gcov.txt" | sort -n >"$w/gcov.lines"
		[[ -s $w/gcov.lines ]] || die "$cfg: no lines in gcov -t's output"
		rc=0
		"$COVMERGE" --root "$w" --report "lcov:$w/out.info" "$w" \
			>"$w/cm.out" 2>"$w/cm.err" || rc=$?
		((rc == 0)) || die "$cfg: covmerge exited $rc: $(cat "$w/cm.err")"
		sed -n 's/^DA:\([0-9]*\),\([0-9]*\).*/\1 \2/p' "$w/out.info" |
			sort -n >"$w/cm.lines"
		if ! cmp -s "$w/gcov.lines" "$w/cm.lines"; then
			die "$cfg: covmerge's line counts differ from gcov -t's (< gcov, > covmerge):
$(diff "$w/gcov.lines" "$w/cm.lines")"
		fi
		if [[ $opt == -O0 ]]; then
			grep -qx '21 6' "$w/cm.lines" ||
				die "$cfg: TEST_FS_IMPL(alpha)'s line is not 6: $(grep '^21 ' "$w/cm.lines")"
			grep -qx '29 9' "$w/cm.lines" ||
				die "$cfg: PAIR(duo)'s line is not 9: $(grep '^29 ' "$w/cm.lines")"
		fi
	done
done
note "PASS: lines shared by several functions equal gcov -t for gcc 12 and 11"
