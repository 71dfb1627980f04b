#!/bin/bash
# Diff coverage: covmerge --diff REV / --diff-file PATCH and
# --fail-under-diff, checked on a real git repository and a real gcc
# --coverage build, and against Debian's diff-cover on covmerge's
# Cobertura report.
#
# On branch main: calc.c (add), util.c (triple), old.c (old), main.c
# calling all three, NOTES.txt. On branch feature (committed): calc.c gets
# clamp (called twice: every line but "return hi;" runs) and twice (never
# called), util.c is renamed to helpers.c with one line edited, old.c is
# deleted, NOTES.txt changes; in the working tree only (not committed):
# main.c calls clamp instead of old. Changed executable lines: calc.c 6, 8,
# 9, 10, 11, 12 (clamp) and 15, 17, 18 (twice), helpers.c 3, main.c 6:
# 11, of which calc.c 11, 15, 17, 18 never ran: 7 of 11, 63.64%.
set -euo pipefail
# shellcheck source=tests/lib/test-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/test-lib.sh"
need_covmerge
need_python
need_tool gcc-12 gcc-12
need_tool git git
need_tool diff-cover diff-cover
tl_workdir
work=$(cd "$work" && pwd -P)

repo=$work/repo
git_repo "$repo"
cat >calc.c <<'EOF'
int add(int a, int b)
{
	return a + b;
}
EOF
cat >util.c <<'EOF'
int triple(int v)
{
	int t = v * 3;
	return t;
}
EOF
cat >old.c <<'EOF'
int old(int v)
{
	return v - 1;
}
EOF
cat >main.c <<'EOF'
int add(int a, int b);
int triple(int v);
int old(int v);
int main(void)
{
	return add(1, -1) + triple(0) + old(1);
}
EOF
printf 'notes\n' >NOTES.txt
printf 'build/\n*.xml\n*.json\n*.patch\n*.out\n' >.gitignore
git add .
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

int twice(int v)
{
	int r = v * 2;
	return r;
}
EOF
git mv util.c helpers.c
sed -i 's/int t = v \* 3;/int t = v + v + v;/' helpers.c
git rm -q old.c
printf 'more notes\n' >>NOTES.txt
git commit -q -a -m feature
cat >main.c <<'EOF'
int add(int a, int b);
int triple(int v);
int clamp(int v, int lo, int hi);
int main(void)
{
	return add(1, -1) + triple(0) + clamp(-1, 0, 10) + clamp(5, 0, 10) - 5;
}
EOF
git diff -M --name-status "$(git merge-base main HEAD)" >"$work/status.out"
assert_eq "$(printf 'M\tNOTES.txt\nM\tcalc.c\nR062\tutil.c\thelpers.c\nM\tmain.c\nD\told.c')" \
	"$(cat "$work/status.out")" "the fixture's change: a rename, a deletion, edits, a non-source file"

mkdir build
(cd build && for f in calc helpers main; do gcc-12 --coverage -O0 -c "../$f.c" -o "$f.o" || exit 1; done &&
	gcc-12 --coverage calc.o helpers.o main.o -o prog && ./prog) >"$work/build.log" 2>&1 ||
	die "building or running the fixture failed: $(cat "$work/build.log")"

# ---- --diff main: the table, the section, the gate
rc=0
"$COVMERGE" --root "$repo" build --report term-missing --report xml:coverage.xml \
	--diff main --fail-under-diff 80 >cm.out 2>cm.err || rc=$?
assert_eq 2 "$rc" "--fail-under-diff 80 under 63.64% exits 2"
assert_empty cm.err "--diff main: nothing on standard error"
assert_eq "Changed lines (against main):
Name        Stmts   Miss  Cover   Missing
-----------------------------------------
calc.c          9      4    56%   11, 15-18
helpers.c       1      0   100%
main.c          1      0   100%
-----------------------------------------
TOTAL          11      4    64%
FAIL Required coverage of changed lines of 80% not reached. Changed-line coverage: 63.64% (7 of 11)" \
	"$(sed -n '/^Changed lines/,$p' cm.out)" \
	"the changed lines section: rename followed, deleted and non-source files left out, working tree included"

# the gate compares the value as printed (2 decimals)
rc=0
"$COVMERGE" -q --root "$repo" build --diff main --fail-under-diff 63.64 >gate.out 2>&1 || rc=$?
assert_eq 0 "$rc" "--fail-under-diff 63.64 passes at 63.64%"
assert_eq "Required coverage of changed lines of 63.64% reached. Changed-line coverage: 63.64% (7 of 11)" \
	"$(cat gate.out)" "the passing gate's message"
rc=0
"$COVMERGE" -q --root "$repo" build --diff main --fail-under-diff 63.65 >gate.out 2>&1 || rc=$?
assert_eq 2 "$rc" "--fail-under-diff 63.65 fails at 63.64% (63.636... as printed)"

# --precision carries into the section, as in the table
"$COVMERGE" --root "$repo" build --diff main --precision 1 >p1.out 2>&1
assert_line p1.out "calc.c          9      4  55.6%   11, 15-18" "--precision 1: calc.c's changed lines at 55.6%"

# ---- diff-cover on covmerge's Cobertura report: the same lines
rc=0
diff-cover coverage.xml --compare-branch=main --json-report dc.json >dc.out 2>&1 || rc=$?
assert_eq 0 "$rc" "diff-cover reads the Cobertura report"
got=$("$PYTHON" -c '
import json, sys
d = json.load(open(sys.argv[1]))
s = d["src_stats"]
print(d["total_num_lines"], d["total_num_violations"], d["total_percent_covered"],
      " ".join("%s:%s:%.1f" % (f, s[f]["violation_lines"], s[f]["percent_covered"])
               for f in sorted(s)))' dc.json)
assert_eq "11 4 63 calc.c:[11, 15, 17, 18]:55.6 helpers.c:[]:100.0 main.c:[]:100.0" "$got" \
	"diff-cover: 11 changed lines, 4 missed (calc.c 11, 15, 17, 18), 63% (covmerge: 63.64%)"

# ---- --diff-file: the issue's example, 4 of 6, from standard input;
# the patch names the files under src/, mapped back by --path-map
cat >ex.patch <<'EOF'
diff --git a/src/calc.c b/src/calc.c
--- a/src/calc.c
+++ b/src/calc.c
@@ -5,0 +6 @@
+int clamp(int v, int lo, int hi)
@@ -6,0 +8,4 @@
+	if (v < lo)
+		return lo;
+	if (v > hi)
+		return hi;
@@ -9,0 +15 @@
+int twice(int v)
diff --git a/src/old.c b/src/old.c
deleted file mode 100644
--- a/src/old.c
+++ /dev/null
@@ -1 +0,0 @@
-int old(int v)
diff --git a/NOTES.txt b/NOTES.txt
--- a/NOTES.txt
+++ b/NOTES.txt
@@ -1,0 +2 @@
+more notes
EOF
rc=0
"$COVMERGE" -q --root "$repo" build --path-map "$repo/src=$repo" --diff-file - \
	--fail-under-diff 80 --report term <ex.patch >ex.out 2>&1 || rc=$?
assert_eq 2 "$rc" "--diff-file -: 4 of 6 under 80% exits 2"
assert_line ex.out "FAIL Required coverage of changed lines of 80% not reached. Changed-line coverage: 66.67% (4 of 6)" \
	"the issue's message, 66.67% (4 of 6)"
assert_line ex.out "Changed lines (against -):" "the section names the patch"
assert_line ex.out "calc.c       6      2    67%   11, 15" "calc.c: 6 changed statements, 2 missed: 11 and 15"

# two diff paths that meet on one file (src/calc.c mapped by --path-map,
# and calc.c itself) count each changed line once: still 4 of 6
sed -n '1,13p' ex.patch >twice.patch
sed -n '1,13p' ex.patch | sed 's|src/calc.c|calc.c|g' >>twice.patch
rc=0
"$COVMERGE" -q --root "$repo" build --path-map "$repo/src=$repo" --diff-file twice.patch \
	--report term >twice.out 2>&1 || rc=$?
assert_eq 0 "$rc" "--diff-file naming calc.c twice exits 0"
assert_line twice.out "calc.c       6      2    67%   11, 15" \
	"two diff paths onto one file: 6 changed statements, not 12"
assert_eq 2 "$(grep -c '^calc\.c ' twice.out)" "calc.c is listed once in each of the two tables"
assert_line twice.out "TOTAL        6      2    67%" "the changed-lines total is 6, 2 missed"

# a change without executable lines passes and says so
printf -- '--- a/calc.c\n+++ b/calc.c\n@@ -13,0 +14 @@\n+\n--- a/NOTES.txt\n+++ b/NOTES.txt\n@@ -1,0 +2 @@\n+x\n' >blank.patch
rc=0
"$COVMERGE" -q --root "$repo" build --diff-file blank.patch --fail-under-diff 100 \
	--report term >blank.out 2>&1 || rc=$?
assert_eq 0 "$rc" "no executable changed line: the gate passes"
assert_line blank.out "Changed lines (against blank.patch): no executable line changed" \
	"the section says no executable line changed"
assert_line blank.out "Required coverage of changed lines of 100% reached. No executable line changed." \
	"the gate says so"

# ---- errors: exit 1, the cause named, no report file written
rc=0
"$COVMERGE" -q --root "$repo" build --diff no-such-branch --report xml:err.xml >err.out 2>&1 || rc=$?
assert_eq 1 "$rc" "--diff with an unknown revision exits 1"
assert_contains err.out "covmerge: --diff: \`git -C $repo merge-base no-such-branch HEAD\` failed (exit status 128)" \
	"the failing git command is named"
[[ ! -e err.xml ]] || fail "a report was written although the diff failed"
ok "no report written when the diff fails"

printf -- '--- a/calc.c\n+++ b/calc.c\n@@ -1 +x @@\n' >bad.patch
rc=0
"$COVMERGE" -q --root "$repo" build --diff-file bad.patch >err.out 2>&1 || rc=$?
assert_eq 1 "$rc" "a damaged patch exits 1"
assert_eq 'covmerge: --diff-file "bad.patch": line 3: bad hunk header (expected "@@ -A,B +C,D @@")' \
	"$(cat err.out)" "the damaged patch's line is named"

rc=0
"$COVMERGE" -q --root "$repo" build --diff-file no-such.patch >err.out 2>&1 || rc=$?
assert_eq 1 "$rc" "a missing patch exits 1"
assert_grep err.out '^covmerge: --diff-file "no-such.patch": .*No such file' "the missing patch is named"

rc=0
"$COVMERGE" -q build --fail-under-diff 80 >err.out 2>&1 || rc=$?
assert_eq 1 "$rc" "--fail-under-diff without a diff is a usage error"
assert_contains err.out "--fail-under-diff needs --diff REV or --diff-file PATCH" "the usage error says why"
rc=0
"$COVMERGE" -q build --diff main --diff-file x.patch >err.out 2>&1 || rc=$?
assert_eq 1 "$rc" "--diff with --diff-file is a usage error"

# git runs in --root, wherever covmerge starts: from another repository
# (or none) the changed lines are still the project's
mkdir "$work/nogit" "$work/other"
git -C "$work/other" init -q
(cd "$work/other" && "$COVMERGE" -q --root "$repo" "$repo/build" --diff main --fail-under-diff 63.64) >other.out 2>&1 ||
	fail "covmerge --diff from another repository failed: $(cat other.out)"
assert_eq "Required coverage of changed lines of 63.64% reached. Changed-line coverage: 63.64% (7 of 11)" \
	"$(cat other.out)" "--diff from another repository: the project's changed lines"
(cd "$work/nogit" && GIT_CEILING_DIRECTORIES=$work "$COVMERGE" -q --root "$repo" "$repo/build" --diff main \
	--fail-under-diff 63.64) >other.out 2>&1 || fail "covmerge --diff from outside any repository failed: $(cat other.out)"
assert_contains other.out "Changed-line coverage: 63.64% (7 of 11)" "--diff from outside any repository: the same"

# a root outside a git repository (the scratch directory may lie inside one)
cp "$repo"/*.c "$work/nogit/"
rc=0
(cd "$work/nogit" && GIT_CEILING_DIRECTORIES=$work "$COVMERGE" -q --root "$work/nogit" --path-map "$repo=$work/nogit" \
	"$repo/build" --diff main) >err.out 2>&1 || rc=$?
assert_eq 1 "$rc" "--diff with a root outside a git repository exits 1"
assert_contains err.out "covmerge: --diff: \`git -C $work/nogit rev-parse --show-toplevel\` failed" "git's failure is named"

# ---- the markdown and json reports carry the changed lines
cd "$repo"
"$COVMERGE" -q --root "$repo" build --diff main --report markdown:cov.md --report json:cov.json >/dev/null 2>&1 ||
	fail "covmerge --diff with markdown and json failed"
assert_eq "**Changed lines** against main: 63.64% (7 of 11)

| Name | Stmts | Miss | Cover | Missing |
|---|---:|---:|---:|---|
| calc.c | 9 | 4 | 56% | 11, 15-18 |
| helpers.c | 1 | 0 | 100% | |
| main.c | 1 | 0 | 100% | |
| **TOTAL** | **11** | **4** | **64%** | |" "$(sed -n '/^\*\*Changed lines/,$p' cov.md)" "markdown: the changed lines section"
got=$("$PYTHON" -c '
import json, sys
d = json.load(open(sys.argv[1]))["diff"]
print(d["against"], d["totals"]["num_statements"], d["totals"]["missing_lines"],
      d["totals"]["covered_lines"], d["totals"]["percent_covered_display"],
      " ".join("%s:%s:%d" % (f, v["missing_lines"], v["summary"]["num_statements"])
               for f, v in d["files"].items()))' cov.json)
assert_eq "main 11 4 7 64 calc.c:[11, 15, 17, 18]:9 helpers.c:[]:1 main.c:[]:1" "$got" \
	"json: the diff object, the same lines as diff-cover's"
printf -- '--- a/NOTES.txt\n+++ b/NOTES.txt\n@@ -1,0 +2 @@\n+x\n' >notes.patch
"$COVMERGE" -q --root "$repo" build --diff-file notes.patch --report markdown:notes.md >/dev/null 2>&1 ||
	fail "covmerge --diff-file notes.patch failed"
assert_line notes.md "**Changed lines** against notes.patch: no executable line changed" \
	"markdown: a change without executable lines says so"

# ---- runner passes the gates through
need_runner
rm -rf build/*.gcda
rc=0
"$RUNNER" -n 1 --cov="$repo/build" --cov-root "$repo" --cov-report term --cov-diff main \
	--cov-fail-under-diff 80 --cov-fail-under-file 60 build/prog >runner.out 2>&1 || rc=$?
assert_eq 1 "$rc" "runner --cov-fail-under-diff 80: exit 1"
assert_line runner.out "FAIL Required coverage of changed lines of 80% not reached. Changed-line coverage: 63.64% (7 of 11)" \
	"runner: the changed lines gate's message"
assert_line runner.out "Required coverage of 60% per file reached by every file (3)." \
	"runner: the per-file floor's message"
assert_line runner.out "calc.c          9      4    56%   11, 15-18" "runner: the changed lines section"
"$COVMERGE" -q --root "$repo" build --write-baseline base.json >/dev/null 2>&1
rc=0
"$RUNNER" -n 1 --cov="$repo/build" --cov-root "$repo" --cov-baseline base.json build/prog >runner.out 2>&1 || rc=$?
assert_eq 0 "$rc" "runner --cov-baseline: no drop, exit 0"
assert_line runner.out 'Coverage did not drop against the baseline "base.json" by more than 0% (the total and 3 files compared).' \
	"runner: the ratchet's message"
rc=0
"$RUNNER" -n 1 --cov="$repo/build" --cov-fail-under-diff 80 build/prog >runner.out 2>&1 || rc=$?
assert_eq 4 "$rc" "runner --cov-fail-under-diff without --cov-diff: usage error, exit 4"
assert_contains runner.out "--cov-fail-under-diff needs --cov-diff REV" "runner: the usage error says why"
