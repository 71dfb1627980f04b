#!/bin/bash
# Report filters: --root (default: the deepest directory holding every
# measured source, wherever covmerge runs; files outside it left out
# unless an --include names them, with one note line that counts them and
# names the first), --include/--omit globs
# (repeatable; '*' also matches '/'; relative to the root or absolute),
# and the exclusion markers LCOV_EXCL_LINE, LCOV_EXCL_START/STOP,
# LCOV_EXCL_BR_LINE, LCOV_EXCL_BR_START/STOP and their GCOVR_EXCL_
# spellings, checked as exact LF/LH/BRF/BRH/FNF/FNH in the lcov report and
# exact rows of the term table. A source that cannot be read is a warning
# naming it, and its lines still count.
set -euo pipefail
# shellcheck source=tests/lib/oracle.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/oracle.sh"
e2e_setup
work=$(cd "$work" && pwd -P)
need_tool gcc-12 gcc-12
cc=gcc-12

fx=$CM_SOURCE_DIR/tests/fixtures/report
bash "$fx/build.sh" "$cc" "$work/fx" >"$work/build.log" 2>&1 ||
	die "building the report fixture failed: $(cat "$work/build.log")"
root=$work/fx/src
shard=$work/fx/shard

# names DIR WANT ARG...: in DIR, covmerge -q ARG... $shard reports exactly
# the files WANT (names as shown, sorted, '|'-separated), both in the json
# report and as the SF records of the lcov report.
names() {
	local dir=$1 want=$2 got sfs
	shift 2
	(cd "$dir" && "$COVMERGE" -q "$@" --report "json:$work/names.json" \
		--report "lcov:$work/names.info" "$shard") >"$work/names.out" 2>"$work/names.err" ||
		die "covmerge $* (in $dir) failed: $(cat "$work/names.err")"
	got=$("$PYTHON" -c 'import json, sys; print("|".join(sorted(json.load(open(sys.argv[1]))["files"])))' \
		"$work/names.json")
	[[ $got == "$want" ]] || die "covmerge $* (in $dir) reports \"$got\", expected \"$want\""
	# the files left out: one note line that counts them
	local n_out=$((5 - $(tr '|' '\n' <<<"$got" | grep -c .)))
	if ((n_out == 0)); then
		[[ ! -s $work/names.err ]] || die "covmerge $* (in $dir) warned: $(cat "$work/names.err")"
	else
		[[ $(wc -l <"$work/names.err") == 1 ]] &&
			grep -q "^covmerge: note: $n_out measured files\? with executable lines \(is\|are\) not reported (.*), the first \"$root/" \
				"$work/names.err" ||
			die "covmerge $* (in $dir): no note line for the $n_out files left out: $(cat "$work/names.err")"
	fi
	sfs=$(sed -n 's/^SF://p' "$work/names.info" | sort | tr '\n' '|')
	"$PYTHON" - "$sfs" "$got" "$(cd "$dir" && pwd -P)" "$root" "$@" <<'EOF' ||
import os, sys
sfs, got, cwd, default_root = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
args = sys.argv[5:]
root = args[args.index("--root") + 1] if "--root" in args else default_root
root = os.path.normpath(os.path.join(cwd, root))
want = sorted(n if n.startswith("/") else os.path.join(root, n) for n in got.split("|") if n)
have = [s for s in sfs.split("|") if s]
sys.exit(0 if sorted(have) == want else "lcov SF records %r, expected %r" % (have, want))
EOF
		die "covmerge $* (in $dir): the lcov report does not hold the same files"
}

all="lib/part10.c|lib/part2.c|run_all.c|src/full.c|src/gaps.c"
# --root, and its default (the deepest directory holding every source,
# from any working directory)
names "$root" "$all"
names "$work" "$all"
names / "$all"
names "$work" "$all" --root "$root"
names "$work" "$all" --root fx/src
names "$root/lib" "$all"
names "$root/lib" "part10.c|part2.c" --root .
names "$root" "full.c|gaps.c" --root src
# outside the root only when an --include names them (absolute name)
names "$root" "$root/lib/part2.c" --root src --include '*/lib/part2.c'
names "$root" "$root/lib/part2.c" --root src --include "$root/lib/part2.c"
names "$root" "$root/lib/part10.c|$root/lib/part2.c|$root/run_all.c|full.c|gaps.c" \
	--root src --include '*.c'
# --include: only what matches (relative or absolute; '*' crosses '/')
names "$root" "src/gaps.c" --include '*gaps.c'
names "$root" "run_all.c|src/full.c|src/gaps.c" --include 'src/*' --include run_all.c
names "$root" "lib/part10.c|lib/part2.c" --include "$root/lib/*"
names "$root" "lib/part2.c" --include 'lib/part?.c'
names "$root" "lib/part10.c|lib/part2.c" --include 'lib/part[0-9]*.c'
# --omit: never what matches, and it wins over --include
names "$root" "run_all.c|src/full.c|src/gaps.c" --omit 'lib/*'
names "$root" "src/full.c|src/gaps.c" --omit 'lib/*' --omit run_all.c
names "$root" "lib/part10.c|lib/part2.c|run_all.c" --omit "$root/src/*"
names "$root" "src/gaps.c" --include 'src/*' --omit '*full*'

# A filter that leaves measured files out: the note names how many and
# the first, and the gate says its total is over the files reported.
rc=0
(cd / && "$COVMERGE" -q --root "$root/src" --fail-under 50 "$shard") >"$work/left.out" \
	2>"$work/left.err" || rc=$?
((rc == 0)) || die "--root src --fail-under 50: exit $rc: $(cat "$work/left.err")"
assert_note="covmerge: note: 3 measured files with executable lines are not reported (outside the root \"$root/src\"), the first \"$root/lib/part10.c\""
[[ $(cat "$work/left.err") == "$assert_note" ]] ||
	die "--root src: the note is \"$(cat "$work/left.err")\", expected \"$assert_note\""
[[ $(cat "$work/left.out") == "Required test coverage of 50% reached. Total coverage: 88.00% over the 2 files reported (3 measured files left out)" ]] ||
	die "--root src: the gate says \"$(cat "$work/left.out")\""
rc=0
(cd / && "$COVMERGE" -q --omit '*/run_all.c' --fail-under 50 "$shard") >"$work/left.out" \
	2>"$work/left.err" || rc=$?
[[ $(cat "$work/left.err") == "covmerge: note: 1 measured file with executable lines is not reported (--omit), the first \"$root/run_all.c\"" ]] ||
	die "--omit: the note is \"$(cat "$work/left.err")\""
grep -q ' over the 4 files reported (1 measured file left out)$' "$work/left.out" ||
	die "--omit: the gate says \"$(cat "$work/left.out")\""

# The totals follow the filter: term table of --omit 'lib/*'.
(cd "$root" && "$COVMERGE" -q --omit 'lib/*' --report term "$shard") >"$work/omit.out" ||
	die "covmerge --omit failed"
cat >"$work/omit.want" <<'EOF'
Name         Stmts   Miss  Cover
--------------------------------
run_all.c       10      0   100%
src/full.c       4      0   100%
src/gaps.c      21      3    86%
--------------------------------
TOTAL           35      3    91%
EOF
diff -u "$work/omit.want" "$work/omit.out" >"$work/omit.diff" ||
	die "term table with --omit 'lib/*' differs:
$(cat "$work/omit.diff")"

# ------------------------------------------------------ exclusion markers
ex=$work/ex
mkdir -p "$ex/src"
cp "$fx"/excl/*.c "$ex/src/"
for f in excl_lcov excl_gcovr main; do
	(cd "$ex/src" && "$cc" --coverage -O0 -std=c11 -Wall -c "$f.c" -o "$ex/$f.o") ||
		die "compiling excl/$f.c failed"
done
"$cc" --coverage -o "$ex/prog" "$ex"/*.o || die "linking the exclusion fixture failed"
GCOV_PREFIX=$ex/shard GCOV_PREFIX_STRIP=0 "$ex/prog" || die "running the exclusion fixture failed"

# lcov_keys INFO FILE: "LF LH BRF BRH FNF FNH" of FILE's record.
lcov_keys() {
	awk -v sf="SF:$2" '
		$0 == sf { on = 1; next }
		on && $0 == "end_of_record" { exit }
		on { split($0, kv, ":"); v[kv[1]] = kv[2] }
		END { print v["LF"] " " v["LH"] " " v["BRF"] " " v["BRH"] " " v["FNF"] " " v["FNH"] }' "$1"
}

"$COVMERGE" -q --root "$ex/src" --branch --report "lcov:$ex/out.info" --report term-missing \
	"$ex/shard" >"$ex/term.out" 2>"$ex/term.err" || die "covmerge on the exclusion fixture failed: $(cat "$ex/term.err")"
[[ ! -s $ex/term.err ]] || die "covmerge on the exclusion fixture warned: $(cat "$ex/term.err")"
# Without markers each file has 19 lines (15 hit), 8 branches (4 taken), 5
# functions (4 called). EXCL_LINE drops line 9; the START/STOP region drops
# 16-17 and their 2 branches; the region around the never-called function
# drops it (lines 41, 43); BR_LINE drops the 2 branches of line 24 and the
# BR region those of line 32, keeping the lines.
for f in excl_lcov.c excl_gcovr.c; do
	got=$(lcov_keys "$ex/out.info" "$ex/src/$f")
	[[ $got == "14 13 2 1 4 4" ]] ||
		die "$f with its markers: LF LH BRF BRH FNF FNH = $got, expected 14 13 2 1 4 4"
	grep -q "^DA:9," <(sed -n "\|^SF:$ex/src/$f\$|,/^end_of_record/p" "$ex/out.info") &&
		die "$f: the EXCL_LINE line 9 is still in the lcov report"
done
got=$(lcov_keys "$ex/out.info" "$ex/src/main.c")
[[ $got == "4 4 0 0 1 1" ]] || die "main.c: LF LH BRF BRH FNF FNH = $got, expected 4 4 0 0 1 1"
cat >"$ex/term.want" <<'EOF'
Name           Stmts   Miss Branch BrPart  Cover   Missing
----------------------------------------------------------
excl_gcovr.c      14      1      2      1    88%   36
excl_lcov.c       14      1      2      1    88%   36
main.c             4      0      0      0   100%
----------------------------------------------------------
TOTAL             32      2      4      2    89%
EOF
diff -u "$ex/term.want" "$ex/term.out" >"$ex/term.diff" ||
	die "term-missing --branch of the exclusion fixture differs:
$(cat "$ex/term.diff")"

# A source that cannot be read (deleted): a warning naming it, exit 0, its
# lines counted without exclusions; the other file keeps its exclusions.
mv "$ex/src/excl_lcov.c" "$ex/excl_lcov.c.away"
rc=0
"$COVMERGE" -q --root "$ex/src" --branch --report "lcov:$ex/gone.info" --report term \
	"$ex/shard" >"$ex/gone.out" 2>"$ex/gone.err" || rc=$?
((rc == 0)) || die "a deleted source: exit $rc, expected 0 (a warning): $(cat "$ex/gone.err")"
grep -q "warning: .*$ex/src/excl_lcov.c" "$ex/gone.err" ||
	die "a deleted source: no warning naming it: $(cat "$ex/gone.err")"
[[ $(wc -l <"$ex/gone.err") -eq 1 ]] || die "a deleted source: more than one message: $(cat "$ex/gone.err")"
got=$(lcov_keys "$ex/gone.info" "$ex/src/excl_lcov.c")
[[ $got == "19 15 8 4 5 4" ]] ||
	die "deleted excl_lcov.c: LF LH BRF BRH FNF FNH = $got, expected 19 15 8 4 5 4 (all its lines)"
got=$(lcov_keys "$ex/gone.info" "$ex/src/excl_gcovr.c")
[[ $got == "14 13 2 1 4 4" ]] || die "excl_gcovr.c next to a deleted source: $got, expected 14 13 2 1 4 4"
grep -qx 'excl_lcov.c       19      4      8      4    70%' "$ex/gone.out" ||
	die "deleted excl_lcov.c: its term row is not 19 4 8 4 70%: $(cat "$ex/gone.out")"
mv "$ex/excl_lcov.c.away" "$ex/src/excl_lcov.c"

note "root, include/omit and exclusion markers filter exactly"
