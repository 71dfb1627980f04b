#!/bin/bash
# `--report xml:FILE` (Cobertura): valid against coverage-04.dtd, a real
# time stamp, one <source> (the root) with file names relative to it, one
# package per directory, totals that are the sums of the <line> elements,
# condition-coverage "P% (k/n)" agreeing with the lcov report of the same
# run, and file names with XML's special characters (& < > " ') that
# survive a round trip through an XML parser.
set -euo pipefail
# shellcheck source=tests/lib/oracle.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/oracle.sh"
e2e_setup
work=$(cd "$work" && pwd -P)
need_tool gcc-12 gcc-12
need_tool xmllint libxml2-utils
cc=gcc-12

fx=$CM_SOURCE_DIR/tests/fixtures/report
dtd=$fx/coverage-04.dtd
[[ -s $dtd ]] || die "no DTD at $dtd"
dtds=("$dtd")
shared_dtd=$CM_SOURCE_DIR/../shared/data/coverage-04.dtd
if [[ -s $shared_dtd ]] && ! cmp -s "$shared_dtd" "$dtd"; then
	dtds+=("$shared_dtd")
fi

bash "$fx/build.sh" "$cc" "$work/fx" >"$work/build.log" 2>&1 ||
	die "building the report fixture failed: $(cat "$work/build.log")"
root=$work/fx/src
shard=$work/fx/shard

# validate FILE: well-formed and valid against the DTD(s), offline.
validate() {
	local d
	for d in "${dtds[@]}"; do
		xmllint --nonet --noout --dtdvalid "$d" "$1" >"$work/xmllint.out" 2>&1 ||
			die "$(basename "$1") is not valid against $d:
$(grep -v 'failed to load external entity\|Attempt to load network entity\|^<!DOCTYPE\|^ *\^' "$work/xmllint.out")"
	done
}

# ------------------------------------------------------------ the fixture
before=$(date +%s)
env -u SOURCE_DATE_EPOCH "$COVMERGE" --root "$root" -q --branch \
	--report "xml:$work/out.xml" --report "lcov:$work/out.info" "$shard" \
	>"$work/cm.out" 2>"$work/cm.err" || die "covmerge failed: $(cat "$work/cm.err")"
after=$(date +%s)
[[ ! -s $work/cm.err ]] || die "covmerge wrote to stderr: $(cat "$work/cm.err")"
[[ ! -s $work/cm.out ]] || die "covmerge -q with only file reports wrote to stdout: $(cat "$work/cm.out")"
validate "$work/out.xml"

"$PYTHON" - "$work/out.xml" "$work/out.info" "$root" "$before" "$after" <<'EOF' ||
import math, os, re, sys
import xml.etree.ElementTree as ET

xml_path, info_path, root, before, after = sys.argv[1:6]
problems = []
def bad(m): problems.append(m)

doc = ET.parse(xml_path).getroot()
if doc.tag != "coverage":
    sys.exit("root element is <%s>" % doc.tag)

# a real, current time stamp (seconds)
ts = doc.get("timestamp", "")
if not re.fullmatch(r"\d+", ts):
    bad("timestamp %r is not a number" % ts)
elif not int(before) - 60 <= int(ts) <= int(after) + 60:
    bad("timestamp %s is not within a minute of now (%s..%s)" % (ts, before, after))

# exactly one <source>: the root
srcs = doc.findall("./sources/source")
if [s.text for s in srcs] != [root]:
    bad("<source> elements %r, expected exactly [%r]" % ([s.text for s in srcs], root))

# the lcov report of the same run: DA counts and BRDA per line
da, brda = {}, {}
sf = None
for line in open(info_path):
    line = line.rstrip("\n")
    if line.startswith("SF:"):
        sf = os.path.relpath(line[3:], root)
        da[sf], brda[sf] = {}, {}
    elif line.startswith("DA:"):
        n, c = line[3:].split(",")[:2]
        da[sf][int(n)] = int(c)
    elif line.startswith("BRDA:"):
        n, _, _, t = line[5:].split(",")
        brda[sf].setdefault(int(n), []).append(0 if t == "-" else int(t))

def rate_ok(text, hit, total):
    if total == 0:
        return text == "1"
    try:
        return abs(float(text) - hit / total) < 5e-5 and len(text.lstrip("0.")) <= 4
    except ValueError:
        return False

tot = [0, 0, 0, 0]
files = {}
pkgs = doc.findall("./packages/package")
for pkg in pkgs:
    pname = pkg.get("name")
    ptot = [0, 0, 0, 0]
    for cls in pkg.findall("./classes/class"):
        fn = cls.get("filename")
        if fn.startswith("/"):
            bad("class filename %r is absolute" % fn)
        d = os.path.dirname(fn) or "."
        if d.replace("/", ".") != pname:
            bad("%r is in package %r, expected %r" % (fn, pname, d.replace("/", ".")))
        if cls.get("name") != os.path.basename(fn):
            bad("class name %r of %r is not the file's base name" % (cls.get("name"), fn))
        ctot = [0, 0, 0, 0]
        lines = {}
        for ln in cls.findall("./lines/line"):
            n, hits = int(ln.get("number")), int(ln.get("hits"))
            lines[n] = hits
            ctot[0] += 1
            ctot[1] += hits > 0
            cc = ln.get("condition-coverage")
            if ln.get("branch") == "true":
                m = re.fullmatch(r"(\d+)% \((\d+)/(\d+)\)", cc or "")
                if not m:
                    bad("%s:%d condition-coverage %r is not 'P%% (k/n)'" % (fn, n, cc))
                    continue
                p, k, t = map(int, m.groups())
                if p != 100 * k // t:
                    bad("%s:%d condition-coverage %r: %d%% is not 100*%d/%d" % (fn, n, cc, p, k, t))
                want = brda.get(fn, {}).get(n, [])
                if (k, t) != (sum(1 for x in want if x > 0), len(want)):
                    bad("%s:%d condition-coverage %r, lcov BRDA gives %r" % (fn, n, cc, want))
                conds = ln.findall("./conditions/condition")
                if len(conds) != 1 or conds[0].get("coverage") != "%d%%" % p:
                    bad("%s:%d <condition> elements disagree with %r" % (fn, n, cc))
                ctot[2] += t
                ctot[3] += k
            elif ln.get("branch") != "false" or cc is not None:
                bad("%s:%d branch=%r condition-coverage=%r" % (fn, n, ln.get("branch"), cc))
            elif brda.get(fn, {}).get(n):
                bad("%s:%d has branches in lcov but branch=\"false\"" % (fn, n))
        if lines != da.get(fn):
            bad("%s: <line> hits %r differ from lcov DA %r" % (fn, lines, da.get(fn)))
        if not rate_ok(cls.get("line-rate"), ctot[1], ctot[0]):
            bad("%s line-rate %r, lines give %d/%d" % (fn, cls.get("line-rate"), ctot[1], ctot[0]))
        if not rate_ok(cls.get("branch-rate"), ctot[3], ctot[2]):
            bad("%s branch-rate %r, lines give %d/%d" % (fn, cls.get("branch-rate"), ctot[3], ctot[2]))
        files[fn] = ctot
        ptot = [a + b for a, b in zip(ptot, ctot)]
    if not rate_ok(pkg.get("line-rate"), ptot[1], ptot[0]):
        bad("package %r line-rate %r, lines give %d/%d" % (pname, pkg.get("line-rate"), ptot[1], ptot[0]))
    if not rate_ok(pkg.get("branch-rate"), ptot[3], ptot[2]):
        bad("package %r branch-rate %r, lines give %d/%d" % (pname, pkg.get("branch-rate"), ptot[3], ptot[2]))
    tot = [a + b for a, b in zip(tot, ptot)]

names = sorted(p.get("name") for p in pkgs)
if names != [".", "lib", "src"]:
    bad("packages %r, expected one per directory: ['.', 'lib', 'src']" % names)
if sorted(files) != sorted(da):
    bad("classes %r, lcov files %r" % (sorted(files), sorted(da)))
want_files = ["lib/part10.c", "lib/part2.c", "run_all.c", "src/full.c", "src/gaps.c"]
if sorted(files) != want_files:
    bad("classes %r, expected %r" % (sorted(files), want_files))

# totals: the sums over the <line> elements, and the fixture's numbers
attrs = [int(doc.get(a, "-1")) for a in
         ("lines-valid", "lines-covered", "branches-valid", "branches-covered")]
if attrs != tot:
    bad("<coverage> lines-valid/covered, branches-valid/covered = %r; the <line> "
        "elements sum to %r" % (attrs, tot))
if tot != [48, 40, 16, 10]:
    bad("totals %r, the fixture has [48, 40, 16, 10]" % tot)
if not rate_ok(doc.get("line-rate"), tot[1], tot[0]) or doc.get("line-rate") != "0.8333":
    bad("line-rate %r, expected 0.8333" % doc.get("line-rate"))
if doc.get("branch-rate") != "0.625":
    bad("branch-rate %r, expected 0.625" % doc.get("branch-rate"))

# exact lines of src/gaps.c
def line_el(fn, n):
    for cls in doc.iter("class"):
        if cls.get("filename") == fn:
            for ln in cls.findall("./lines/line"):
                if int(ln.get("number")) == n:
                    return ln
for fn, n, hits, cc in [("src/gaps.c", 28, "1", "50% (1/2)"),
                        ("src/gaps.c", 43, "1", "50% (2/4)"),
                        ("src/gaps.c", 16, "1", "50% (1/2)"),
                        ("src/full.c", 6, "2", "100% (2/2)"),
                        ("src/gaps.c", 17, "0", None),
                        ("lib/part10.c", 7, "5", "100% (2/2)")]:
    ln = line_el(fn, n)
    if ln is None:
        bad("no <line number=%d> in %s" % (n, fn))
    elif (ln.get("hits"), ln.get("condition-coverage")) != (hits, cc):
        bad("%s:%d hits=%r condition-coverage=%r, expected %r %r" %
            (fn, n, ln.get("hits"), ln.get("condition-coverage"), hits, cc))

# methods: the functions, with their own lines
meths = sorted((c.get("filename"), m.get("name")) for c in doc.iter("class")
               for m in c.findall("./methods/method"))
want = sorted([("lib/part10.c", "part10_half"), ("lib/part2.c", "part2_never"),
               ("lib/part2.c", "part2_twice"), ("run_all.c", "main"),
               ("src/full.c", "full_sign"), ("src/gaps.c", "gaps_both"),
               ("src/gaps.c", "gaps_pick"), ("src/gaps.c", "gaps_rare"),
               ("src/gaps.c", "gaps_stop")])
if meths != want:
    bad("methods %r, expected %r" % (meths, want))
for p in problems:
    print(p)
sys.exit(1 if problems else 0)
EOF
	die "the Cobertura report of the fixture is wrong (see above)"

# SOURCE_DATE_EPOCH fixes the time stamp (reproducible builds).
SOURCE_DATE_EPOCH=1700000000 "$COVMERGE" --root "$root" -q --branch \
	--report "xml:$work/fixed.xml" "$shard" 2>"$work/fixed.err" ||
	die "covmerge failed: $(cat "$work/fixed.err")"
grep -q '^<coverage .* timestamp="1700000000" ' "$work/fixed.xml" ||
	die "SOURCE_DATE_EPOCH=1700000000 did not give timestamp=\"1700000000\": $(sed -n 3p "$work/fixed.xml")"
validate "$work/fixed.xml"

# Without --branch the document is valid too.
"$COVMERGE" --root "$root" -q --report "xml:$work/nobranch.xml" "$shard" 2>"$work/nb.err" ||
	die "covmerge failed: $(cat "$work/nb.err")"
validate "$work/nobranch.xml"

# ------------------------------------------- names with XML's special characters
# The root holds '&' and '<', the directory a quote, the file all of & < > "
# and a blank. Compiled for real with gcc.
odd_root="$work/r&d <x>"
odd_dir="sub'dir"
odd_name='a&b <c> "d" e.c'
mkdir -p "$odd_root/$odd_dir"
cat >"$odd_root/$odd_dir/$odd_name" <<'EOF'
int odd(int x)
{
	if (x > 0)
		return 1;
	return 0;
}

int main(void)
{
	return odd(0);
}
EOF
(cd "$odd_root/$odd_dir" && "$cc" --coverage -O0 -c "$odd_name" -o "$work/odd.o") ||
	die "compiling \"$odd_name\" failed"
"$cc" --coverage -o "$work/odd" "$work/odd.o" || die "linking odd failed"
GCOV_PREFIX=$work/odd-shard GCOV_PREFIX_STRIP=0 "$work/odd" ||
	die "running odd failed"
"$COVMERGE" --root "$odd_root" -q --branch --report "xml:$work/odd.xml" "$work/odd-shard" \
	2>"$work/odd.err" || die "covmerge on the odd names failed: $(cat "$work/odd.err")"
xmllint --noout "$work/odd.xml" >"$work/wf.out" 2>&1 ||
	die "the report with odd names is not well-formed: $(cat "$work/wf.out")"
validate "$work/odd.xml"
"$PYTHON" - "$work/odd.xml" "$odd_root" "$odd_dir" "$odd_name" <<'EOF' ||
import sys
import xml.etree.ElementTree as ET
path, root, d, name = sys.argv[1:5]
doc = ET.parse(path).getroot()
problems = []
src = [s.text for s in doc.findall("./sources/source")]
if src != [root]:
    problems.append("<source> %r, expected [%r]" % (src, root))
cls = list(doc.iter("class"))
if [c.get("filename") for c in cls] != [d + "/" + name]:
    problems.append("class filenames %r, expected [%r]" % ([c.get("filename") for c in cls], d + "/" + name))
if [c.get("name") for c in cls] != [name]:
    problems.append("class names %r, expected [%r]" % ([c.get("name") for c in cls], name))
pk = [p.get("name") for p in doc.iter("package")]
if pk != [d]:
    problems.append("packages %r, expected [%r]" % (pk, d))
lines = [(l.get("number"), l.get("hits")) for l in cls[0].findall("./lines/line")] if cls else []
if lines != [("1", "1"), ("3", "1"), ("4", "0"), ("5", "1"), ("8", "1"), ("10", "1")]:
    problems.append("lines %r" % lines)
for p in problems:
    print(p)
sys.exit(1 if problems else 0)
EOF
	die "names with & < > \" ' do not survive the Cobertura report (see above)"

note "Cobertura reports are valid, current, relative and add up"
