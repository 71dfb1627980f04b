#!/bin/bash
# The coverage gate: --fail-under (total: lines, plus branches with
# --branch), --fail-under-line/-branch/-function. Exact messages (pytest-cov's
# wording), exit codes (0 reached, 2 under, 1 usage error or no data), and
# the one rounding rule: the percentage is compared as printed, at 2
# decimals, never rounded up to 100 nor down to 0.
#
# Inputs are lcov tracefiles written here with chosen line, branch and
# function counts (lcov input is supported), with their source files
# present so no warning is printed.
set -euo pipefail
# shellcheck source=tests/lib/oracle.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/oracle.sh"
e2e_setup
work=$(cd "$work" && pwd -P)

# sane_failure ERR WHAT: a failing run's stderr holds no sanitizer report
# (an ASan/UBSan build also exits 1).
sane_failure() {
	if grep -q 'Sanitizer\|runtime error:' "$1"; then
		die "$2: a sanitizer report: $(head -30 "$1")"
	fi
}

# tracefile NAME LINES HIT [BRANCHES TAKEN [FUNCTIONS CALLED]]: writes
# $work/NAME.info for the source $work/src/NAME.c (also written).
tracefile() {
	"$PYTHON" - "$work" "$@" <<'EOF'
import os, sys
work, name = sys.argv[1], sys.argv[2]
lines, hit, br, taken, fns, called = (list(map(int, sys.argv[3:])) + [0] * 6)[:6]
os.makedirs(os.path.join(work, "src"), exist_ok=True)
src = os.path.join(work, "src", name + ".c")
with open(src, "w") as f:
    for i in range(1, lines + 1):
        f.write("x%d;\n" % i)
with open(os.path.join(work, name + ".info"), "w") as f:
    f.write("TN:\nSF:%s\n" % src)
    for i in range(fns):
        f.write("FN:%d,f%d\n" % (i + 1, i))
    for i in range(fns):
        f.write("FNDA:%d,f%d\n" % (1 if i < called else 0, i))
    f.write("FNF:%d\nFNH:%d\n" % (fns, called))
    for i in range(br):   # all on line 1, which ran
        f.write("BRDA:1,0,%d,%d\n" % (i, 1 if i < taken else 0))
    f.write("BRF:%d\nBRH:%d\n" % (br, taken))
    for i in range(1, lines + 1):
        f.write("DA:%d,%d\n" % (i, 1 if i <= hit else 0))
    f.write("LF:%d\nLH:%d\nend_of_record\n" % (lines, hit))
EOF
}

# gate NAME WANT-RC WANT-STDOUT ARG...: covmerge -q --root $work ARG...
# must exit WANT-RC with exactly WANT-STDOUT on stdout, nothing on stderr.
gate() {
	local name=$1 want_rc=$2 want=$3 rc=0
	shift 3
	(cd "$work" && "$COVMERGE" -q "$@") >"$work/$name.out" 2>"$work/$name.err" || rc=$?
	((rc == want_rc)) || die "$name: covmerge $* exited $rc, expected $want_rc; stdout:
$(cat "$work/$name.out")
stderr: $(cat "$work/$name.err")"
	[[ ! -s $work/$name.err ]] || die "$name: covmerge $* wrote to stderr: $(cat "$work/$name.err")"
	printf '%s\n' "$want" >"$work/$name.want"
	cmp -s "$work/$name.want" "$work/$name.out" || die "$name: covmerge $* printed:
$(cat "$work/$name.out")
expected:
$want"
}

tracefile t13 13 11 7 4 3 2     # lines 84.62%, branches 57.14%, functions 66.67%
tracefile t41 41 39             # 95.12%
tracefile t20k 20000 19999      # 99.995%
tracefile t4009 4009 3608       # 89.9975%: shows 90.00
tracefile t1009 1009 908        # 89.9901%: shows 89.99
tracefile t25k 25000 1          # 0.004%
tracefile full 5 5 2 2 1 1      # 100%

# --- the two messages, exactly, and the exit codes
gate under 2 "FAIL Required test coverage of 90% not reached. Total coverage: 84.62%" \
	--fail-under=90 t13.info
gate reached 0 "Required test coverage of 90% reached. Total coverage: 95.12%" \
	--fail-under=90 t41.info
gate reached-sep 0 "Required test coverage of 90% reached. Total coverage: 95.12%" \
	--fail-under 90 t41.info
gate decimal-min 0 "Required test coverage of 90.5% reached. Total coverage: 95.12%" \
	--fail-under=90.5 t41.info
gate zero-min 0 "Required test coverage of 0% reached. Total coverage: 84.62%" \
	--fail-under=0 t13.info
# two inputs: 13+41 lines, 11+39 hit = 50/54 = 92.59%
gate two-inputs 0 "Required test coverage of 90% reached. Total coverage: 92.59%" \
	--fail-under=90 t13.info t41.info

# --- one metric each
gate line-under 2 "FAIL Required line coverage of 90% not reached. Line coverage: 84.62%" \
	--fail-under-line=90 t13.info
gate line-reached 0 "Required line coverage of 80% reached. Line coverage: 84.62%" \
	--fail-under-line=80 t13.info
gate branch-under 2 "FAIL Required branch coverage of 60% not reached. Branch coverage: 57.14%" \
	--fail-under-branch=60 t13.info
gate branch-reached 0 "Required branch coverage of 50% reached. Branch coverage: 57.14%" \
	--fail-under-branch=50 t13.info
gate function-under 2 "FAIL Required function coverage of 70% not reached. Function coverage: 66.67%" \
	--fail-under-function=70 t13.info
gate function-reached 0 "Required function coverage of 66% reached. Function coverage: 66.67%" \
	--fail-under-function=66 t13.info
# all four: one line each, in a fixed order; any failure is exit 2
gate all 2 "Required test coverage of 80% reached. Total coverage: 84.62%
FAIL Required line coverage of 85% not reached. Line coverage: 84.62%
Required branch coverage of 50% reached. Branch coverage: 57.14%
Required function coverage of 60% reached. Function coverage: 66.67%" \
	--fail-under-function=60 --fail-under-branch=50 --fail-under-line=85 --fail-under=80 t13.info
gate all-reached 0 "Required test coverage of 80% reached. Total coverage: 84.62%
Required line coverage of 80% reached. Line coverage: 84.62%" \
	--fail-under=80 --fail-under-line=80 t13.info

# --- --branch: total = (statements hit + branches taken) / (statements + branches)
#     (11 + 4) / (13 + 7) = 75.00%
gate branch-total 2 "FAIL Required test coverage of 80% not reached. Total coverage: 75.00%" \
	--branch --fail-under=80 t13.info
gate no-branch-total 0 "Required test coverage of 80% reached. Total coverage: 84.62%" \
	--fail-under=80 t13.info
# the line gate ignores --branch
gate branch-line 0 "Required line coverage of 80% reached. Line coverage: 84.62%" \
	--branch --fail-under-line=80 t13.info

# --- the rounding rule: compared as printed
gate round-up-90 0 "Required test coverage of 90% reached. Total coverage: 90.00%" \
	--fail-under=90 t4009.info
gate round-down-90 2 "FAIL Required test coverage of 90% not reached. Total coverage: 89.99%" \
	--fail-under=90 t1009.info
gate never-100 2 "FAIL Required test coverage of 100% not reached. Total coverage: 99.99%" \
	--fail-under=100 t20k.info
gate printed-99.99 0 "Required test coverage of 99.99% reached. Total coverage: 99.99%" \
	--fail-under=99.99 t20k.info
gate exactly-100 0 "Required test coverage of 100% reached. Total coverage: 100.00%" \
	--fail-under=100 --branch full.info
gate never-0 0 "Required test coverage of 0.01% reached. Total coverage: 0.01%" \
	--fail-under=0.01 t25k.info

# --- thresholds outside 0-100, or not numbers: usage error, exit 1
for opt in --fail-under --fail-under-line --fail-under-branch --fail-under-function; do
	for v in 101 -1 abc '' 100.5 nan 90%; do
		for form in joined separate; do
			rc=0
			if [[ $form == joined ]]; then
				"$COVMERGE" -q "$opt=$v" "$work/t13.info" >"$work/bad.out" 2>"$work/bad.err" || rc=$?
			else
				"$COVMERGE" -q "$opt" "$v" "$work/t13.info" >"$work/bad.out" 2>"$work/bad.err" || rc=$?
			fi
			sane_failure "$work/bad.err" "$opt \"$v\" ($form)"
			((rc == 1)) || die "$opt \"$v\" ($form): exit $rc, expected 1 (usage error)"
			grep -q '^usage: covmerge' "$work/bad.err" ||
				die "$opt \"$v\" ($form): no usage message: $(cat "$work/bad.err")"
			[[ -z $v ]] || grep -qF "\"$v\"" "$work/bad.err" ||
				die "$opt \"$v\" ($form): the message does not quote the value: $(cat "$work/bad.err")"
			[[ ! -s $work/bad.out ]] || die "$opt \"$v\" ($form): printed on stdout: $(cat "$work/bad.out")"
		done
	done
done

# --- the gate follows the reports, and fails the run after printing them
rc=0
(cd "$work" && "$COVMERGE" --fail-under=90 --report term t13.info) >"$work/with-table.out" \
	2>"$work/with-table.err" || rc=$?
((rc == 2)) || die "gate after a table: exit $rc, expected 2"
head -n 1 "$work/with-table.out" | grep -q '^covmerge: ' ||
	die "gate after a table: no \"covmerge: \" header line: $(cat "$work/with-table.out")"
sed -i 1d "$work/with-table.out"
cat >"$work/with-table.want" <<'EOF'
Name    Stmts   Miss  Cover
---------------------------
t13.c      13      2    85%
---------------------------
TOTAL      13      2    85%
FAIL Required test coverage of 90% not reached. Total coverage: 84.62%
EOF
cmp -s "$work/with-table.want" "$work/with-table.out" || die "gate after a table printed:
$(cat "$work/with-table.out")"

# --- nothing to report is an error, never a pass at "100%": a root that
# holds none of the files, or every file omitted (coverage.py: "No data to
# report.", exit 1).
for args in "--root /usr" "--omit *"; do
	rc=0
	# shellcheck disable=SC2086
	(cd "$work" && "$COVMERGE" -q $args --fail-under=90 t13.info) >"$work/nodata.out" \
		2>"$work/nodata.err" || rc=$?
	sane_failure "$work/nodata.err" "nothing to report ($args)"
	((rc == 1)) || die "gate with nothing to report ($args): exit $rc, expected 1 (no data); stdout:
$(cat "$work/nodata.out")"
	[[ -s $work/nodata.err ]] || die "gate with nothing to report ($args): no error message"
	grep -q '% reached' "$work/nodata.out" &&
		die "gate with nothing to report ($args) printed a pass: $(cat "$work/nodata.out")"
done

note "gate messages, exit codes and rounding are right"
