#!/bin/bash
# Portable shards of two different builds whose notes carry the same stamp
# merge per line, never by counters. gcc writes the stamp 0xffffffff for
# every object built with -frandom-seed (what reproducible builds use),
# and a time stamp repeats when two builds run within one second; the
# stamp alone does not tell the builds apart.
#
# Checkouts A and B hold different versions of demo.c at the same relative
# path, each built with -frandom-seed=1 and run, each exported with --root
# at its checkout. Read together at a third root, the exports give exit 0
# and, per line, the sum of the two exports' counts (their lcov files).
# Before, the second object joined the first by its stamp and covmerge
# failed: "does not match its notes file ... function ... is not in the
# notes".
set -euo pipefail
# shellcheck source=tests/lib/portable.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/portable.sh"
pt_setup
need_python

A=$work/ckA
B=$work/ckB
C=$work/third
mkdir -p "$A" "$B" "$C"
cat >"$A/demo.c" <<'SRC'
static int twice(int v)
{
	return 2 * v;
}

int main(int argc, char **argv)
{
	(void)argv;
	if (argc > 5)
		return 1;
	return twice(argc) == 2 ? 0 : 3;
}
SRC
cat >"$B/demo.c" <<'SRC'
static int half(int v)
{
	if (v < 0)
		return -1;
	return v / 2;
}

static int inc(int v)
{
	return v + 1;
}

int main(int argc, char **argv)
{
	(void)argv;
	return half(inc(argc)) == 1 ? 0 : 4;
}
SRC
for ck in "$A" "$B"; do
	pt_cc "$ck" "$ck/build/demo.o" -frandom-seed=1 -c demo.c
	(cd "$ck" && "$cc" --coverage -o build/demo build/demo.o) || fail "linking in $ck failed"
	pt_run "$ck/sh" "$ck/build/demo"
done
assert_eq "$(od -An -tx4 -j8 -N4 "$A/build/demo.gcno")" "$(od -An -tx4 -j8 -N4 "$B/build/demo.gcno")" \
	"setup: the two builds' notes carry the same stamp"
cmp -s "$A/build/demo.gcno" "$B/build/demo.gcno" && fail "setup: the two builds' notes are the same bytes"

(cd "$A" && "$COVMERGE" --root "$A" -q --export "$work/a.cmshard" --report "lcov:$work/a.info" "$A/sh") ||
	fail "exporting checkout A failed"
(cd "$B" && "$COVMERGE" --root "$B" -q --export "$work/b.cmshard" --report "lcov:$work/b.info" "$B/sh") ||
	fail "exporting checkout B failed"

rc=0
(cd "$C" && "$COVMERGE" --root "$C" -q --report "lcov:$work/c.info" "$work/a.cmshard" "$work/b.cmshard") \
	>"$work/c.out" 2>"$work/c.err" || rc=$?
assert_eq 0 "$rc" "the two exports read together: exit 0 ($(cat "$work/c.err"))"
assert_no_grep "$work/c.err" "error" "no error message"
# per line: the sum of the two exports' counts
sums() {
	"$PYTHON" - "$@" <<'PY'
import collections, sys
tot = collections.Counter()
for path in sys.argv[1:]:
    for line in open(path):
        if line.startswith("DA:"):
            n, c = line[3:].strip().split(",")[:2]
            tot[int(n)] += int(c)
print(" ".join("%d:%d" % kv for kv in sorted(tot.items())))
PY
}
want=$(sums "$work/a.info" "$work/b.info")
got=$(sums "$work/c.info")
[[ -n $want ]] || fail "the exports hold no line"
assert_eq "$want" "$got" "per line, the sum of the two builds' counts"
assert_eq 1 "$(grep -c '^SF:' "$work/c.info")" "one record for demo.c"
assert_eq "SF:$C/demo.c" "$(grep '^SF:' "$work/c.info")" "named under the third root"
