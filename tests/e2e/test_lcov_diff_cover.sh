#!/bin/bash
# diff-cover reads covmerge's plain lcov report as it is (Debian 12 has
# diff-cover 7.4, which stops at any comment line).
#
# A git repository with a C file on branch main and a commit on branch
# feature that adds a function (two of its new lines run, one does not) is
# built with gcc 12 --coverage and run once; covmerge writes lcov:FILE from
# the build tree. Then `diff-cover FILE --compare-branch=main`:
#   - exits 0 and reports 7 changed lines, 1 missing: calc.c line 11 (its
#     JSON report says so per file);
#   - with --fail-under=90 exits 1, and with --fail-under=80 exits 0.
# covmerge's lcov-ext:FILE is for covmerge itself: it starts with a comment
# line, which is what diff-cover 7.4 refuses.
set -euo pipefail
# shellcheck source=tests/lib/oracle.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/oracle.sh"
e2e_setup
work=$(cd "$work" && pwd -P)
need_tool gcc-12 gcc-12
need_tool git git
need_tool diff-cover diff-cover

repo=$work/repo
git_repo "$repo"
cat >calc.c <<'EOF'
int add(int a, int b)
{
	return a + b;
}
EOF
cat >main.c <<'EOF'
int add(int a, int b);
int main(void)
{
	return add(1, -1);
}
EOF
printf 'build/\n*.info\n*.json\n' >.gitignore
git add calc.c main.c .gitignore
git commit -q -m base
git checkout -q -b feature
cat >>calc.c <<'EOF'

int clamp(int v, int lo, int hi)
{
	if (v < lo)
		return lo;
	if (v > hi)
		return hi;
	return v;
}
EOF
cat >main.c <<'EOF'
int add(int a, int b);
int clamp(int v, int lo, int hi);
int main(void)
{
	return add(1, -1) + clamp(-1, 0, 10) + clamp(5, 0, 10) - 5;
}
EOF
git commit -q -a -m feature

mkdir build
(cd build && gcc-12 --coverage -O0 -c ../calc.c -o calc.o &&
	gcc-12 --coverage -O0 -c ../main.c -o main.o &&
	gcc-12 --coverage calc.o main.o -o prog && ./prog) >"$work/build.log" 2>&1 ||
	die "building or running the fixture failed: $(cat "$work/build.log")"

"$COVMERGE" -q --root "$repo" --report lcov:coverage.info --report lcov-ext:ext.info build \
	>"$work/cm.out" 2>&1 || die "covmerge exited $?: $(cat "$work/cm.out")"
grep -q '^#' coverage.info && die "the plain lcov report has a comment line: $(grep '^#' coverage.info)"
grep -qx 'DA:11,0' coverage.info || die "the lcov report does not list calc.c line 11 as missed: $(cat coverage.info)"

rc=0
diff-cover coverage.info --compare-branch=main --json-report dc.json >"$work/dc.out" 2>&1 || rc=$?
((rc == 0)) || die "diff-cover exited $rc: $(cat "$work/dc.out")"
assert_text() {
	grep -qF -- "$1" "$work/dc.out" || die "diff-cover does not say \"$1\": $(cat "$work/dc.out")"
}
assert_text 'calc.c (83.3%): Missing lines 11'
assert_text 'main.c (100%)'
assert_text 'Total:   7 lines'
assert_text 'Missing: 1 line'
got=$("$PYTHON" -c '
import json, sys
d = json.load(open(sys.argv[1]))
s = d["src_stats"]
print(d["total_num_lines"], d["total_num_violations"], sorted(s),
      s["calc.c"]["violation_lines"], s["main.c"]["violation_lines"])' dc.json)
[[ $got == "7 1 ['calc.c', 'main.c'] [11] []" ]] ||
	die "diff-cover's JSON report: \"$got\", expected 7 lines, 1 missing: calc.c line 11"

rc=0
diff-cover coverage.info --compare-branch=main --fail-under=90 >"$work/dc90.out" 2>&1 || rc=$?
((rc == 1)) || die "diff-cover --fail-under=90 exited $rc, expected 1: $(cat "$work/dc90.out")"
rc=0
diff-cover coverage.info --compare-branch=main --fail-under=80 >"$work/dc80.out" 2>&1 || rc=$?
((rc == 0)) || die "diff-cover --fail-under=80 exited $rc, expected 0: $(cat "$work/dc80.out")"

# the extended form keeps its comment line, which diff-cover 7.4 refuses
head -1 ext.info | grep -q '^# covmerge: ' || die "lcov-ext does not start with its marker line: $(head -3 ext.info)"

note "PASS: diff-cover reads the plain lcov report: 7 changed lines, 1 missing (calc.c:11)"
