#!/bin/bash
# `--report json:FILE` and `--report markdown:FILE`, and how report files
# are written.
#   - json: parsed with python3; meta, per-file executed/missing lines,
#     branches and functions, and every summary number agree with the lcov
#     report of the same run; percent_covered_display follows the rounding
#     rule at the report's precision.
#   - markdown:FILE equals its golden file; markdown:- appends to
#     $GITHUB_STEP_SUMMARY when that is set (twice -> two tables, earlier
#     content kept) and prints on stdout when it is not.
#   - atomic writes: an unwritable path is exit 1 naming the path; a
#     failing run (stale data) leaves existing report files untouched; no
#     temporary files are left behind; a report replaces a longer old file
#     completely and gets ordinary permissions (not mkstemp's 0600).
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
out=$work/out
mkdir -p "$out"

# cm NAME ARG...: covmerge --root $root -q ARG... $shard; must succeed
# quietly.
cm() {
	local name=$1
	shift
	"$COVMERGE" --root "$root" -q "$@" "$shard" >"$work/$name.stdout" 2>"$work/$name.stderr" ||
		die "$name: covmerge $* exited $?: $(cat "$work/$name.stderr")"
	[[ ! -s $work/$name.stderr ]] || die "$name: covmerge $* wrote to stderr: $(cat "$work/$name.stderr")"
}

# sane_failure ERR WHAT: a failing run's stderr holds no sanitizer report
# (an ASan/UBSan build also exits 1).
sane_failure() {
	if grep -q 'Sanitizer\|runtime error:' "$1"; then
		die "$2: a sanitizer report: $(head -30 "$1")"
	fi
}

no_temp_files() {
	local left
	left=$(find "$1" -maxdepth 1 -name '*.tmp*' | head -5)
	[[ -z $left ]] || die "$2: temporary files left behind: $left"
}

# ------------------------------------------------------------------ json
check_json() { # JSON LCOV BRANCH PRECISION WHAT
	"$PYTHON" - "$@" "$root" <<'EOF' || die "$5: the json report is wrong (see above)"
import json, os, sys
path, info, branch, prec, what, root = sys.argv[1:7]
branch, prec = branch == "1", int(prec)
problems = []
def bad(m): problems.append(m)
doc = json.load(open(path))

def display(pc, p):
    near0 = 1.0 / 10 ** p
    if 0 < pc < near0:
        pc = near0
    elif 100.0 - near0 < pc < 100:
        pc = 100.0 - near0
    else:
        pc = round(pc, p)
    return "%.*f" % (p, pc)

meta = doc.get("meta", {})
if meta.get("format") != 1 or meta.get("root") != root or meta.get("branch_coverage") is not branch:
    bad("meta %r (expected format 1, root %r, branch_coverage %r)" % (meta, root, branch))
if not isinstance(meta.get("timestamp"), int):
    bad("meta.timestamp %r is not an integer" % meta.get("timestamp"))

# lcov: per file DA, BRDA (in order), FN/FNDA, and the totals records
recs, sf = {}, None
for line in open(info):
    line = line.rstrip("\n")
    k, _, v = line.partition(":")
    if k == "SF":
        sf = os.path.relpath(v, root)
        recs[sf] = {"da": {}, "br": [], "fn": {}, "fnda": {}, "keys": {}}
    elif k == "DA":
        n, c = v.split(",")[:2]
        recs[sf]["da"][int(n)] = int(c)
    elif k == "BRDA":
        n, _, _, t = v.split(",")
        recs[sf]["br"].append((int(n), 0 if t == "-" else int(t)))
    elif k == "FN":
        n, name = v.split(",", 1)
        recs[sf]["fn"][name] = int(n)
    elif k == "FNDA":
        c, name = v.split(",", 1)
        recs[sf]["fnda"][name] = int(c)
    elif k in ("LF", "LH", "BRF", "BRH", "FNF", "FNH"):
        recs[sf]["keys"][k] = int(v)

files = doc.get("files", {})
if sorted(files) != sorted(recs):
    bad("files %r, lcov has %r" % (sorted(files), sorted(recs)))
want_sum = {}
def check_summary(name, s, lf, lh, brf, brh, fnf, fnh, partial):
    want = {"covered_lines": lh, "num_statements": lf, "missing_lines": lf - lh,
            "num_branches": brf, "covered_branches": brh, "missing_branches": brf - brh,
            "num_functions": fnf, "covered_functions": fnh}
    if partial is not None:
        want["num_partial_branches"] = partial
    for k, v in want.items():
        if s.get(k) != v:
            bad("%s: summary %s is %r, expected %r" % (name, k, s.get(k), v))
    hit, tot = lh + (brh if branch else 0), lf + (brf if branch else 0)
    pc = 100.0 * hit / tot if tot else 100.0
    if not isinstance(s.get("percent_covered"), (int, float)) or abs(s["percent_covered"] - pc) > 1e-9:
        bad("%s: percent_covered %r, expected %r" % (name, s.get("percent_covered"), pc))
    if s.get("percent_covered_display") != display(pc, prec):
        bad("%s: percent_covered_display %r, expected %r" % (name, s.get("percent_covered_display"), display(pc, prec)))

T = [0] * 7
for name, f in files.items():
    r = recs.get(name)
    if r is None:
        continue
    ex = sorted(n for n, c in r["da"].items() if c > 0)
    mi = sorted(n for n, c in r["da"].items() if c == 0)
    if f.get("executed_lines") != ex:
        bad("%s: executed_lines %r, lcov DA gives %r" % (name, f.get("executed_lines"), ex))
    if f.get("missing_lines") != mi:
        bad("%s: missing_lines %r, lcov DA gives %r" % (name, f.get("missing_lines"), mi))
    br = [(b.get("line"), b.get("count")) for b in f.get("branches", [])]
    if br != r["br"]:
        bad("%s: branches (line, count) %r, lcov BRDA gives %r" % (name, br, r["br"]))
    fns = {x["name"]: (x["start_line"], x["count"]) for x in f.get("functions", [])}
    want = {n: (r["fn"][n], r["fnda"].get(n)) for n in r["fn"]}
    if fns != want:
        bad("%s: functions %r, lcov FN/FNDA give %r" % (name, fns, want))
    partial = sum(1 for (n, c) in r["br"] if c == 0 and r["da"].get(n, 0) > 0)
    k = r["keys"]
    vals = [k["LF"], k["LH"], k["BRF"], k["BRH"], k["FNF"], k["FNH"], partial]
    check_summary(name, f.get("summary", {}), *vals)
    T = [a + b for a, b in zip(T, vals)]
check_summary("totals", doc.get("totals", {}), *T)
if T != [48, 40, 16, 10, 9, 8, 6]:
    bad("totals LF LH BRF BRH FNF FNH partial = %r, the fixture has [48, 40, 16, 10, 9, 8, 6]" % T)
g = files.get("src/gaps.c", {})
if g.get("missing_lines") != [17, 18, 20] or g.get("summary", {}).get("num_partial_branches") != 5:
    bad("src/gaps.c: missing_lines %r, partial %r; expected [17, 18, 20] and 5" %
        (g.get("missing_lines"), g.get("summary", {}).get("num_partial_branches")))
for p in problems:
    print("%s: %s" % (what, p))
sys.exit(1 if problems else 0)
EOF
}

cm json-branch --branch --report "json:$out/b.json" --report "lcov:$out/b.info"
check_json "$out/b.json" "$out/b.info" 1 0 "json --branch"
cm json-plain --report "json:$out/p.json" --report "lcov:$out/p.info"
check_json "$out/p.json" "$out/p.info" 0 0 "json"
cm json-p2 --branch --precision 2 --report "json:$out/p2.json" --report "lcov:$out/p2.info"
check_json "$out/p2.json" "$out/p2.info" 1 2 "json --branch --precision 2"
"$PYTHON" -c '
import json, sys
t = json.load(open(sys.argv[1]))["totals"]["percent_covered_display"]
sys.exit(0 if t == "78.12" else "totals percent_covered_display %r, expected 78.12" % t)' "$out/p2.json" ||
	die "json --precision 2"
# json:- is stdout
cm json-stdout --report json:-
"$PYTHON" -c 'import json, sys; json.load(open(sys.argv[1]))' "$work/json-stdout.stdout" ||
	die "json:- did not print a JSON document on stdout"

# -------------------------------------------------------------- markdown
cm md-branch --branch --report "markdown:$out/b.md"
diff -u "$exp/markdown-branch.md" "$out/b.md" >"$work/md.diff" ||
	die "markdown --branch differs from expected/markdown-branch.md:
$(cat "$work/md.diff")"
cm md-p2 --precision 2 --report "markdown:$out/p2.md"
diff -u "$exp/markdown-p2.md" "$out/p2.md" >"$work/md.diff" ||
	die "markdown --precision 2 differs from expected/markdown-p2.md:
$(cat "$work/md.diff")"

# markdown:- with GITHUB_STEP_SUMMARY: appended, twice; nothing on stdout
summary=$out/step_summary.md
printf '# Earlier step\n\n' >"$summary"
for i in 1 2; do
	GITHUB_STEP_SUMMARY=$summary cm "md-summary$i" --branch --report markdown:-
	[[ ! -s $work/md-summary$i.stdout ]] ||
		die "markdown:- with GITHUB_STEP_SUMMARY printed on stdout: $(cat "$work/md-summary$i.stdout")"
done
{
	printf '# Earlier step\n\n'
	cat "$exp/markdown-branch.md" "$exp/markdown-branch.md"
} >"$work/summary.want"
cmp -s "$work/summary.want" "$summary" ||
	die "GITHUB_STEP_SUMMARY after two runs is not the earlier text plus two tables:
$(diff "$work/summary.want" "$summary")"
# without it (unset or empty): stdout
(unset GITHUB_STEP_SUMMARY && cm md-stdout --branch --report markdown:-)
cmp -s "$exp/markdown-branch.md" "$work/md-stdout.stdout" ||
	die "markdown:- without GITHUB_STEP_SUMMARY did not print the table:
$(diff "$exp/markdown-branch.md" "$work/md-stdout.stdout")"
GITHUB_STEP_SUMMARY='' cm md-empty --branch --report markdown:-
cmp -s "$exp/markdown-branch.md" "$work/md-empty.stdout" ||
	die "markdown:- with an empty GITHUB_STEP_SUMMARY did not print the table"
# an unwritable GITHUB_STEP_SUMMARY is an error naming it
rc=0
GITHUB_STEP_SUMMARY=/nonexistent/summary.md "$COVMERGE" --root "$root" -q --report markdown:- \
	"$shard" >"$work/md-bad.out" 2>"$work/md-bad.err" || rc=$?
sane_failure "$work/md-bad.err" "an unwritable GITHUB_STEP_SUMMARY"
((rc == 1)) || die "an unwritable GITHUB_STEP_SUMMARY: exit $rc, expected 1"
grep -qF '/nonexistent/summary.md' "$work/md-bad.err" ||
	die "an unwritable GITHUB_STEP_SUMMARY: the message does not name it: $(cat "$work/md-bad.err")"

# --------------------------------------------------------- atomic writes
# an unwritable path: exit 1, the message names the path
for spec in json:/nonexistent/x.json xml:/nonexistent/x.xml markdown:/nonexistent/x.md \
	lcov:/nonexistent/x.info; do
	rc=0
	"$COVMERGE" --root "$root" -q --report "$spec" "$shard" >"$work/unw.out" 2>"$work/unw.err" || rc=$?
	sane_failure "$work/unw.err" "--report $spec"
	((rc == 1)) || die "--report $spec: exit $rc, expected 1"
	grep -qF "${spec#*:}" "$work/unw.err" ||
		die "--report $spec: the message does not name the path: $(cat "$work/unw.err")"
done

# a directory in the way: exit 1, the directory untouched, no temporary file
mkdir -p "$out/isdir"
rc=0
"$COVMERGE" --root "$root" -q --report "json:$out/isdir" "$shard" >"$work/dir.out" 2>"$work/dir.err" || rc=$?
sane_failure "$work/dir.err" "--report json:DIRECTORY"
((rc == 1)) || die "--report json:DIRECTORY: exit $rc, expected 1"
grep -qF "$out/isdir" "$work/dir.err" || die "--report json:DIRECTORY: message does not name it: $(cat "$work/dir.err")"
[[ -d $out/isdir && -z $(ls -A "$out/isdir") ]] || die "--report json:DIRECTORY changed the directory"
no_temp_files "$out" "--report json:DIRECTORY"

# a write that fails midway (the file size limit: EFBIG, SIGXFSZ ignored)
# leaves the existing report as it was, and no temporary file
for kind in json xml lcov markdown; do
	f=$out/efbig.$kind
	printf 'old %s report\n' "$kind" >"$f"
	sum_before=$(md5sum <"$f")
	set +o pipefail
	(
		trap '' XFSZ
		ulimit -f 0
		exec "$COVMERGE" --root "$root" -q --branch --report "$kind:$f" "$shard"
	) 2>&1 >/dev/null | cat >"$work/efbig.err"
	rc=${PIPESTATUS[0]}
	set -o pipefail
	sane_failure "$work/efbig.err" "--report $kind: a failed write"
	((rc == 1)) || die "--report $kind: a write failing with EFBIG: exit $rc, expected 1: $(cat "$work/efbig.err")"
	grep -qF "$f" "$work/efbig.err" ||
		die "--report $kind: a failed write: the message does not name the file: $(cat "$work/efbig.err")"
	[[ $(md5sum <"$f") == "$sum_before" ]] ||
		die "--report $kind: a failed write changed the existing report: $(head -c 300 "$f")"
	no_temp_files "$out" "--report $kind: a failed write"
done

# a report replaces a longer old file completely, with ordinary permissions
head -c 200000 /dev/zero | tr '\0' 'x' >"$out/long.json"
(umask 022 && cm replace --branch --report "json:$out/long.json")
"$PYTHON" -c 'import json, sys; json.load(open(sys.argv[1]))' "$out/long.json" ||
	die "a json report over a longer old file is not valid JSON (old bytes left?)"
mode=$(stat -c %a "$out/long.json")
[[ $mode == 644 ]] || die "a report written with umask 022 has mode $mode, expected 644"
no_temp_files "$out" "successful runs"

# a failing run (stale data: an object rebuilt after the run) leaves the
# existing reports untouched and no temporary files
for f in keep.json keep.xml keep.info keep.md; do
	printf 'old report %s\n' "$f" >"$out/$f"
done
sums_before=$(cd "$out" && md5sum keep.*)
(cd "$root/src" && "$cc" --coverage -O0 -std=c11 -Wall -I"$root" -c gaps.c \
	-o "$work/fx/build/gaps.o") || die "rebuilding gaps.o failed"
rc=0
"$COVMERGE" --root "$root" -q --branch --report "json:$out/keep.json" --report "xml:$out/keep.xml" \
	--report "lcov:$out/keep.info" --report "markdown:$out/keep.md" --report term \
	"$shard" >"$work/stale.out" 2>"$work/stale.err" || rc=$?
sane_failure "$work/stale.err" "stale data"
((rc == 1)) || die "stale data: exit $rc, expected 1; stderr: $(cat "$work/stale.err")"
grep -q 'gaps.gcda.*stale' "$work/stale.err" || die "stale data: no message naming gaps.gcda: $(cat "$work/stale.err")"
sums_after=$(cd "$out" && md5sum keep.*)
[[ $sums_before == "$sums_after" ]] || die "a failing run changed existing reports:
before: $sums_before
after:  $sums_after"
no_temp_files "$out" "a failing run"

note "json and markdown reports are right; report files are written atomically"
