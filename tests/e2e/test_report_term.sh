#!/bin/bash
# The terminal table (`--report term`, `term-missing`,
# `term-missing:skip-covered`) against golden files, and against an
# independent checker of coverage.py's layout rules (ANCHORS.md b1).
#
# The report fixture (tests/fixtures/report, see its README.md) is built
# with gcc-12 --coverage -O0 and run once into a shard; the golden files in
# tests/fixtures/report/expected/ hold the exact tables, numbers checked
# against gcov-12 -b. The checker (check_table.py, below) knows nothing of
# covmerge: it parses a table and checks each of coverage.py's rules (name
# width, 7-wide counts, Cover width, Missing header, rules, no trailing
# blanks, TOTAL sums, sort order, the skipped-files line, GitLab's two
# coverage regexes); it runs on every golden file and every output, and is
# itself shown to reject broken tables.
#
# Also: branch destinations in the Missing column (an arc into a block
# that starts on the source line is shown by the block's next line).
set -euo pipefail
# shellcheck source=tests/lib/oracle.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/oracle.sh"
e2e_setup
work=$(cd "$work" && pwd -P)
need_tool gcc-12 gcc-12
cc=gcc-12

fx=$CM_SOURCE_DIR/tests/fixtures/report
exp=$fx/expected
bash "$fx/build.sh" "$cc" "$work/fx" >"$work/build.log" 2>&1 ||
	die "building the report fixture failed: $(cat "$work/build.log")"
root=$work/fx/src
shard=$work/fx/shard

checker=$work/check_table.py
cat >"$checker" <<'EOF'
"""Checks a coverage.py-style text table against coverage.py's layout rules.

usage: check_table.py FILE [--sort KEY] [--precision N]
KEY as covmerge's --sort (name, stmts, miss, branch, brpart, cover, with a
leading - to reverse). Prints the problems found; exits 1 if any."""
import re
import sys

args = sys.argv[1:]
path = args.pop(0)
sort_key, precision = "name", None
while args:
    opt = args.pop(0)
    if opt == "--sort":
        sort_key = args.pop(0)
    elif opt == "--precision":
        precision = int(args.pop(0))
    else:
        sys.exit("bad option " + opt)
text = open(path, encoding="utf-8").read()
problems = []


def bad(msg):
    problems.append(msg)


def finish():
    for p in problems:
        print("%s: %s" % (path, p))
    sys.exit(1 if problems else 0)


if not text.endswith("\n"):
    bad("does not end in a newline")
lines = text.split("\n")[:-1]
for i, l in enumerate(lines):
    if l != l.rstrip():
        bad("line %d has trailing blanks: %r" % (i + 1, l))
if len(lines) < 3:
    bad("too short")
    finish()
header, rule = lines[0], lines[1]
if rule != "-" * len(header):
    bad("the rule under the header is not %d dashes: %r" % (len(header), rule))
if not header.startswith("Name "):
    bad("header does not start with Name: %r" % header)
    finish()
try:
    total_i = next(i for i, l in enumerate(lines) if l.startswith("TOTAL"))
except StopIteration:
    bad("no TOTAL line")
    finish()
body = lines[2:total_i]
if body:
    if body[-1] != rule:
        bad("no rule above TOTAL (or it differs from the first): %r" % body[-1])
    body = body[:-1]
tail = lines[total_i + 1:]

# Columns, from the header: Name is left-aligned in W = longest name + 1
# (TOTAL counting as at least 5); each count is right-aligned in 7.
W = header.index("Stmts") - 2
if header[:W] != "Name".ljust(W):
    bad("the Name header is not left-aligned in %d: %r" % (W, header[:W]))
cols = ["Stmts", "Miss"]
if "Branch" in header:
    cols += ["Branch", "BrPart"]
pos = W
for c in cols:
    if header[pos:pos + 7] != c.rjust(7):
        bad("header column %s is not right-aligned in 7: %r" % (c, header[pos:pos + 7]))
    pos += 7
show_missing = header.endswith("Missing")
if show_missing:
    if header[-10:] != "   Missing":
        bad("the Missing header is not right-aligned in 10")
    cw = len(header) - pos - 10
else:
    cw = len(header) - pos
if header[pos:pos + cw] != "Cover".rjust(cw):
    bad("the Cover header is not right-aligned in its width %d: %r" % (cw, header[pos:pos + cw]))

MISSING_RE = re.compile(r"^(\d+(-\d+)?|\d+->(\d+|exit))(, (\d+(-\d+)?|\d+->(\d+|exit)))*$")


def parse(row, is_total):
    name = row[:W].rstrip()
    if len(name) >= W or row[W - 1] != " ":
        bad("name not followed by a blank within %d: %r" % (W, row))
    nums = []
    p = W
    for c in cols:
        cell = row[p:p + 7]
        if not re.fullmatch(r" *\d+", cell) or len(cell) != 7:
            bad("%s cell of %r is not a number right-aligned in 7: %r" % (c, name, cell))
            nums.append(0)
        else:
            nums.append(int(cell))
        p += 7
    cell = row[p:p + cw]
    m = re.fullmatch(r" *(\d+(?:\.\d+)?)%", cell)
    if not m or len(cell) != cw or not cell.startswith(" "):
        bad("Cover cell of %r is not a percentage right-aligned in %d-1 plus %%: %r" % (name, cw, cell))
        pct = "0"
    else:
        pct = m.group(1)
    rest = row[p + cw:]
    missing = ""
    if rest:
        if is_total:
            bad("TOTAL has something after its Cover: %r" % rest)
        elif not show_missing:
            bad("row %r has text after Cover without a Missing column" % name)
        elif not rest.startswith("   ") or rest[3:4] == " ":
            bad("Missing value of %r does not follow exactly three blanks: %r" % (name, rest))
        else:
            missing = rest[3:]
            if not MISSING_RE.match(missing):
                bad("Missing value of %r is malformed: %r" % (name, missing))
    return name, nums, pct, missing


rows = [parse(r, False) for r in body]
total = parse(lines[total_i], True)
if total[0] != "TOTAL":
    bad("TOTAL line's name is %r" % total[0])
names = [r[0] for r in rows]
want_w = max([len(n) for n in names] + [5]) + 1
if W != want_w:
    bad("Name width is %d, coverage.py's is %d (longest name + 1)" % (W, want_w))
want_cw = max(len(total[2]) + 2, len(" Cover")) + 1
want_cw = max([want_cw] + [len(r[2]) + 2 for r in rows])
if cw != want_cw:
    bad("Cover width is %d, coverage.py's is %d (max(len(total)+2, 6)+1, "
        "widened to len(row)+2)" % (cw, want_cw))

# Precision: every percentage has the same number of decimals.
decs = {len(p.split(".")[1]) if "." in p else 0 for p in [total[2]] + [r[2] for r in rows]}
if len(decs) != 1:
    bad("percentages differ in their decimals: %s" % sorted(decs))
prec = decs.pop() if len(decs) == 1 else 0
if precision is not None and prec != precision:
    bad("percentages have %d decimals, expected %d" % (prec, precision))


def display(pc, p):
    near0 = 1.0 / 10 ** p
    if 0 < pc < near0:
        pc = near0
    elif 100.0 - near0 < pc < 100:
        pc = 100.0 - near0
    else:
        pc = round(pc, p)
    return "%.*f" % (p, pc)


# Without branches, Cover follows from Stmts and Miss by the rounding rule.
if "Branch" not in header:
    for name, nums, pct, _ in rows + [total]:
        want = display(100.0 * (nums[0] - nums[1]) / nums[0] if nums[0] else 100.0, prec)
        if pct != want:
            bad("Cover of %r is %s, Stmts/Miss give %s" % (name, pct, want))
for name, nums, pct, missing in rows:
    if nums[1] > nums[0]:
        bad("%r misses more statements than it has" % name)
    if show_missing and (nums[1] == 0) != (not re.search(r"(^|, )\d+(-\d+)?(,|$)", missing)):
        bad("%r: Miss is %d but Missing lists %r" % (name, nums[1], missing))

# TOTAL sums the rows; skipped files (complete coverage) miss nothing.
skipped = 0
if tail:
    m = re.fullmatch(r"(\d+) files? skipped due to complete coverage\.", tail[-1])
    if len(tail) != 2 or tail[0] != "" or not m:
        bad("lines after TOTAL are not a blank line and 'N file(s) skipped "
            "due to complete coverage.': %r" % tail)
    else:
        skipped = int(m.group(1))
        if tail[-1] != "%d file%s skipped due to complete coverage." % (
                skipped, "s" if skipped > 1 else ""):
            bad("wrong plural: %r" % tail[-1])
for k, c in enumerate(cols):
    s = sum(r[1][k] for r in rows)
    if c in ("Miss", "BrPart") or not skipped:
        if s != total[1][k]:
            bad("TOTAL %s is %d, the rows sum to %d" % (c, total[1][k], s))
    elif s > total[1][k]:
        bad("TOTAL %s is %d, less than the rows' %d" % (c, total[1][k], s))
if skipped == 0 and show_missing is False and not rows:
    bad("no rows")


# Order: names in natural ("human") order, or by a number with ties on the
# name; a leading - reverses.
def human(s):
    return [int(c) if c.isdigit() else c for c in re.split(r"(\d+)", s)]


key = sort_key.lstrip("-")
rev = sort_key.startswith("-")
idx = {"stmts": 0, "miss": 1, "branch": 2, "brpart": 3}
if key == "name":
    want = sorted(rows, key=lambda r: human(r[0]), reverse=rev)
elif key == "cover":
    want = sorted(rows, key=lambda r: (float(r[2]), r[0]), reverse=rev)
else:
    want = sorted(rows, key=lambda r: (r[1][idx[key]], r[0]), reverse=rev)
if [r[0] for r in want] != names:
    bad("rows are not in %s order: %s (expected %s)" % (sort_key, names, [r[0] for r in want]))

# GitLab's documented coverage regexes (ANCHORS.md b3): pytest-cov's must
# match the TOTAL line and capture its percentage; gcovr's too when the
# percentage is a whole number.
tl = lines[total_i]
m = re.search(r"TOTAL.*? (100(?:\.0+)?\%|[1-9]?\d(?:\.\d+)?\%)$", tl)
if not m or m.group(1) != total[2] + "%":
    bad("GitLab's pytest-cov regex does not capture %s%% from %r" % (total[2], tl))
m = re.search(r"^TOTAL.*\s+(\d+\%)$", tl)
if prec == 0 and (not m or m.group(1) != total[2] + "%"):
    bad("GitLab's gcovr regex does not capture %s%% from %r" % (total[2], tl))
finish()
EOF

failures=()
# golden NAME CHECKER-ARGS -- COVMERGE-ARGS: covmerge's table must equal
# expected/NAME byte for byte, and both must pass the checker.
golden() {
	local name=$1 out=$work/$1 err=$work/$1.err rc=0
	shift
	local cargs=()
	while [[ $1 != -- ]]; do
		cargs+=("$1")
		shift
	done
	shift
	"$PYTHON" "$checker" "$exp/$name" "${cargs[@]}" >"$work/$name.golden-check" ||
		failures+=("golden file $name breaks coverage.py's rules:
$(cat "$work/$name.golden-check")")
	"$COVMERGE" --root "$root" -q "$@" "$shard" >"$out" 2>"$err" || rc=$?
	if ((rc != 0)) || [[ -s $err ]]; then
		failures+=("covmerge $* exited $rc: $(cat "$err")")
		return
	fi
	diff -u "$exp/$name" "$out" >"$work/$name.diff" ||
		failures+=("covmerge $* differs from expected/$name:
$(cat "$work/$name.diff")")
	"$PYTHON" "$checker" "$out" "${cargs[@]}" >"$work/$name.check" ||
		failures+=("covmerge $* breaks coverage.py's rules:
$(cat "$work/$name.check")")
}

golden term.txt -- --report term
golden term-missing.txt -- --report term-missing
golden term-missing-skip.txt -- --report term-missing:skip-covered
golden term-branch.txt -- --report term --branch
golden term-missing-branch.txt -- --report term-missing --branch
golden term-missing-branch-skip.txt -- --report term-missing:skip-covered --branch
golden term-missing-branch-p2.txt --precision 2 -- --report term-missing --branch --precision 2
golden term-missing-skip-p2.txt --precision 2 -- --report term-missing:skip-covered --precision 2
golden term-p1.txt --precision 1 -- --report term --precision 1
golden term-sort-cover.txt --sort cover -- --report term --sort cover
golden term-branch-sort-cover.txt --sort cover -- --report term --branch --sort cover
golden term-missing-sort-rmiss.txt --sort -miss -- --report term-missing --sort -miss

# The default report is term, after a one-line "covmerge: ..." header.
"$COVMERGE" --root "$root" "$shard" >"$work/default.out" 2>"$work/default.err" ||
	failures+=("covmerge with no --report failed: $(cat "$work/default.err")")
head -n 1 "$work/default.out" | grep -q '^covmerge: ' ||
	failures+=("no \"covmerge: \" header line before the default table: $(head -n 1 "$work/default.out")")
tail -n +2 "$work/default.out" >"$work/default.table"
diff -u "$exp/term.txt" "$work/default.table" >"$work/default.diff" ||
	failures+=("the default report differs from expected/term.txt:
$(cat "$work/default.diff")")

# Two tables in one run, in the order asked for.
"$COVMERGE" --root "$root" -q --report term-missing --report term "$shard" \
	>"$work/two.out" 2>"$work/two.err" || failures+=("two tables: $(cat "$work/two.err")")
cat "$exp/term-missing.txt" "$exp/term.txt" >"$work/two.want"
cmp -s "$work/two.want" "$work/two.out" ||
	failures+=("--report term-missing --report term differs: $(diff "$work/two.want" "$work/two.out" || true)")

# The checker rejects broken tables (so a pass above means something).
broken=$work/broken
mkdir -p "$broken"
sed '3s/$/ /' "$exp/term.txt" >"$broken/trailing.txt"
sed '1s/Name   /Name    /' "$exp/term-missing.txt" >"$broken/name-width.txt"
# the Cover column one wider everywhere (header, rule, rows)
sed -e '1s/Cover/ Cover/' -e '2s/^-/--/' -e '8s/^-/--/' \
	-e '3,7s/\([0-9.]*%\)/ \1/' -e '9s/\([0-9.]*%\)/ \1/' \
	"$exp/term-missing-branch-p2.txt" >"$broken/cover-width.txt"
sed '9s/48/47/' "$exp/term.txt" >"$broken/total-sum.txt"
sed '$d' "$exp/term-missing-skip.txt" >"$broken/no-skip-line.txt"
echo "1 files skipped due to complete coverage." >>"$broken/no-skip-line.txt"
sed -e '3{h;d}' -e '4G' "$exp/term.txt" >"$broken/order.txt"
sed '9s/83%/83% x/' "$exp/term.txt" >"$broken/total-tail.txt"
sed '7s/17-20/17-20,28->30/' "$exp/term-missing-branch.txt" >"$broken/missing-text.txt"
for f in "$broken"/*.txt; do
	if "$PYTHON" "$checker" "$f" >"$f.check"; then
		failures+=("the checker accepted the broken table $(basename "$f"):
$(cat "$f")")
	fi
done

# Branch destinations: the untaken true arc of line 12 goes into a block
# that holds the rest of line 12 and then line 13 (the `continue;`); its
# destination is 13, which is missed, so the arc is not shown.
arcs=$work/arcs
mkdir -p "$arcs"
cp "$fx/arcs/loop_continue.c" "$arcs/"
(cd "$arcs" && "$cc" --coverage -O0 -std=c11 -c loop_continue.c -o loop_continue.o &&
	"$cc" --coverage -o prog loop_continue.o) >"$arcs/build.log" 2>&1 ||
	die "building arcs/loop_continue.c failed: $(cat "$arcs/build.log")"
(cd "$arcs" && GCOV_PREFIX=$arcs/shard GCOV_PREFIX_STRIP=0 ./prog) ||
	die "running arcs/prog failed"
"$COVMERGE" --root "$arcs" -q --branch --report term-missing --report json:"$arcs/out.json" \
	"$arcs/shard" >"$arcs/out.txt" 2>"$arcs/err.txt" ||
	die "covmerge on arcs/ failed: $(cat "$arcs/err.txt")"
"$PYTHON" - "$arcs/out.json" >"$arcs/dest.txt" <<'EOF' || failures+=("arcs: cannot read the json report")
import json, sys
f = json.load(open(sys.argv[1]))["files"]["loop_continue.c"]
print(" ".join("%d->%d:%d" % (b["line"], b["destination"], b["count"]) for b in f["branches"]))
EOF
got=$(cat "$arcs/dest.txt")
[[ $got == "12->13:0 12->14:1" ]] ||
	failures+=("arcs: the branches of line 12 (line->destination:count) are \"$got\", expected \"12->13:0 12->14:1\" (the untaken arc enters the block of lines 12-13, whose first line other than 12 is 13)")
row=$(grep '^loop_continue\.c ' "$arcs/out.txt" || true)
[[ $row == *"   13" && $row != *"->"* ]] ||
	failures+=("arcs: Missing of loop_continue.c should be \"13\" (the arc into missed line 13 hidden): $row")

if ((${#failures[@]})); then
	for f in "${failures[@]}"; do
		tl_diag "$test_name: FAIL: $f" >&2
	done
	fail "${#failures[@]} check(s) failed (see above)"
fi
note "all term tables match their golden files and coverage.py's rules"
