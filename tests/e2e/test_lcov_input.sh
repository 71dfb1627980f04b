#!/bin/bash
# lcov tracefiles as input: .info and .info.gz, alone and mixed with a gcda
# shard of the same fixture.
#   - covmerge's own lcov-ext report read back gives byte-identical
#     term-missing --branch, Cobertura (SOURCE_DATE_EPOCH fixed), lcov and
#     lcov-ext reports: the extended tracefile loses nothing;
#   - gzip-compressed, the same;
#   - the plain lcov report read back gives the same plain lcov report and
#     the same numbers, but no branch destinations (Missing shows
#     LINE(bK/N)) and no function end lines (a Cobertura method holds only
#     its first line);
#   - counts add: the same tracefile twice, or a tracefile plus the shard it
#     came from, doubles every count and no total;
#   - covmerge's plain lcov report holds exactly the SF/FN/FNDA/BRDA/DA
#     records that lcov itself (geninfo) writes for the same data;
#   - a tracefile written by lcov itself (geninfo) gives the same numbers as
#     the shard, and the Missing column never invents a branch destination
#     that such a tracefile does not carry;
#   - a corrupt tracefile (bad DA line, bad BRDA line, missing
#     end_of_record, truncated or damaged gzip, no records) is exit 1 naming
#     the file (and the line where there is one), and writes no report.
set -euo pipefail
# shellcheck source=tests/lib/oracle.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/oracle.sh"
e2e_setup
work=$(cd "$work" && pwd -P)
need_tool gcc-12 gcc-12
need_tool gzip gzip
cc=gcc-12

fx=$CM_SOURCE_DIR/tests/fixtures/report
bash "$fx/build.sh" "$cc" "$work/fx" >"$work/build.log" 2>&1 ||
	die "building the report fixture failed: $(cat "$work/build.log")"
root=$work/fx/src
shard=$work/fx/shard
export SOURCE_DATE_EPOCH=1700000000
failures=()

# sane_failure ERR WHAT: a failing run's stderr holds no sanitizer report
# (an ASan/UBSan build also exits 1).
sane_failure() {
	if grep -q 'Sanitizer\|runtime error:' "$1"; then
		die "$2: a sanitizer report: $(head -30 "$1")"
	fi
}

# reports NAME INPUT...: $work/NAME.{txt,xml,info,ext} (term-missing
# --branch, Cobertura, lcov, lcov-ext) from covmerge --root $root --branch
# INPUT...; must succeed without a message.
reports() {
	local name=$1
	shift
	"$COVMERGE" --root "$root" -q --branch --report term-missing \
		--report "xml:$work/$name.xml" --report "lcov:$work/$name.info" \
		--report "lcov-ext:$work/$name.ext" "$@" \
		>"$work/$name.txt" 2>"$work/$name.err" ||
		die "$name: covmerge $* exited $?: $(cat "$work/$name.err")"
	[[ ! -s $work/$name.err ]] || die "$name: covmerge $* wrote to stderr: $(cat "$work/$name.err")"
}

# same A B WHAT: the four reports of A and B are byte-identical.
same() {
	local ext
	for ext in txt xml info ext; do
		cmp -s "$work/$1.$ext" "$work/$2.$ext" ||
			failures+=("$3: the .$ext reports differ:
$(diff -u "$work/$1.$ext" "$work/$2.$ext" | head -40 || true)")
	done
}

reports ref "$shard"
grep -q '^SF:' "$work/ref.info" || die "the reference lcov report has no records"

# the extended form read back, plain and compressed
cp "$work/ref.ext" "$work/in.info"
reports back "$work/in.info"
same ref back "covmerge's lcov-ext report read back"
gzip -c "$work/ref.ext" >"$work/in.info.gz"
reports backgz "$work/in.info.gz"
same ref backgz "covmerge's lcov-ext report read back from .info.gz"
# a second round trip changes nothing either
reports back2 "$work/back.ext"
same back back2 "a second round trip"

# the plain form read back: the same plain tracefile and the same numbers,
# without branch destinations and function end lines
cp "$work/ref.info" "$work/plain.info"
reports plainback "$work/plain.info"
cmp -s "$work/ref.info" "$work/plainback.info" ||
	failures+=("the plain lcov report read back gives another plain report:
$(diff -u "$work/ref.info" "$work/plainback.info" | head -40 || true)")
cut -c1-48 "$work/ref.txt" >"$work/ref.cols"
cut -c1-48 "$work/plainback.txt" >"$work/plainback.cols"
cmp -s "$work/ref.cols" "$work/plainback.cols" ||
	failures+=("the plain lcov report read back gives other numbers:
$(diff "$work/ref.cols" "$work/plainback.cols" || true)")
grep -qF -- '->' "$work/ref.txt" ||
	failures+=("the reference term-missing shows no branch destination: $(cat "$work/ref.txt")")
grep -qF -- '->' "$work/plainback.txt" &&
	failures+=("the plain lcov report read back claims branch destinations: $(cat "$work/plainback.txt")")
grep -q '([bB][0-9]*/[0-9]*)' "$work/plainback.txt" ||
	failures+=("the plain lcov report read back shows no LINE(bK/N) branch: $(cat "$work/plainback.txt")")
# method_lines XML NAME: how many lines the Cobertura method NAME holds
method_lines() {
	sed -n "/<method name=\"$2\"/,/<\/method>/p" "$1" | grep -c '<line '
}
n=$(method_lines "$work/ref.xml" part10_half)
((n == 7)) || failures+=("the reference Cobertura method part10_half holds $n lines, expected 7")
n=$(method_lines "$work/plainback.xml" part10_half)
((n == 1)) || failures+=("read back from plain lcov, the Cobertura method part10_half holds $n lines, expected its first only")

# counts add; totals do not
reports twice "$work/in.info" "$work/in.info"
reports mixed "$work/in.info" "$shard"
reports mixedgz "$shard" "$work/in.info.gz"
same twice mixed "tracefile twice vs tracefile + shard"
same twice mixedgz "tracefile twice vs shard + tracefile.gz"
"$PYTHON" - "$work/ref.info" "$work/twice.info" <<'EOF' || failures+=("the same tracefile twice does not double every count (see above)")
import sys
def load(p):
    out, sf = {}, None
    for l in open(p):
        l = l.rstrip("\n")
        k, _, v = l.partition(":")
        if k == "SF":
            sf = v
        elif k in ("DA", "FNDA", "BRDA", "LF", "LH", "BRF", "BRH", "FNF", "FNH"):
            if k == "DA":
                n, c = v.split(",")
                out[(sf, k, n)] = int(c)
            elif k == "FNDA":
                c, n = v.split(",", 1)
                out[(sf, k, n)] = int(c)
            elif k == "BRDA":
                a = v.split(",")
                out[(sf, k, ",".join(a[:3]))] = 0 if a[3] == "-" else int(a[3])
            else:
                out[(sf, k, "")] = int(v)
    return out
a, b = load(sys.argv[1]), load(sys.argv[2])
bad = []
if sorted(a) != sorted(b):
    bad.append("different records: %r" % sorted(set(a) ^ set(b))[:10])
for key, v in a.items():
    if key not in b:
        continue
    want = v if key[1] in ("LF", "LH", "BRF", "BRH", "FNF", "FNH") else 2 * v
    if b[key] != want:
        bad.append("%s %s %s: %d, expected %d" % (key[0].rsplit("/", 1)[-1], key[1], key[2], b[key], want))
for x in bad[:20]:
    print(x)
sys.exit(1 if bad else 0)
EOF
grep -qx 'DA:7,10' <(sed -n '\|^SF:.*/lib/part10.c$|,/^end_of_record/p' "$work/twice.info") ||
	failures+=("lib/part10.c line 7 (count 5) twice is not DA:7,10")

# ----------------------------------------------- lcov's own tracefile (geninfo)
if command -v lcov >/dev/null 2>&1; then
	lc=$work/lc
	mkdir -p "$lc"
	cp "$work"/fx/build/*.gcno "$lc/"
	cp "$shard$work"/fx/build/*.gcda "$lc/"
	lcov -q --capture --directory "$lc" --rc lcov_branch_coverage=1 -o "$work/geninfo.info" \
		>"$work/geninfo.log" 2>&1 || die "lcov --capture failed: $(cat "$work/geninfo.log")"
	"$COVMERGE" --root "$root" -q --branch --report term-missing "$work/geninfo.info" \
		>"$work/geninfo.txt" 2>"$work/geninfo.err" ||
		die "covmerge on lcov's tracefile failed: $(cat "$work/geninfo.err")"
	# covmerge's plain lcov report holds the records geninfo writes, BRDA
	# block numbers included
	records() {
		awk '/^SF:/ { sf = $0 } /^(BRDA|DA|FN|FNDA):/ { print sf " " $0 }' "$1" | sort
	}
	records "$work/ref.info" >"$work/ref.records"
	records "$work/geninfo.info" >"$work/geninfo.records"
	[[ -s $work/ref.records ]] && grep -q ' BRDA:' "$work/ref.records" ||
		failures+=("the plain lcov report holds no BRDA records")
	cmp -s "$work/ref.records" "$work/geninfo.records" ||
		failures+=("covmerge's plain lcov records differ from geninfo's:
$(diff "$work/ref.records" "$work/geninfo.records" | head -20 || true)")
	# the numbers (all columns but Missing) are the shard's
	cut -c1-48 "$work/ref.txt" >"$work/ref.cols"
	cut -c1-48 "$work/geninfo.txt" >"$work/geninfo.cols"
	cmp -s "$work/ref.cols" "$work/geninfo.cols" ||
		failures+=("lcov's own tracefile gives other numbers than the shard:
$(diff "$work/ref.cols" "$work/geninfo.cols" || true)")
	# lcov's BRDA block field is a block number, not a line: the
	# destinations are unknown, so no arc may be shown as going to the
	# function exit (28 goes to 30, 43 to 45, 16 and part10's 9 to
	# missed lines).
	claimed=()
	for arc in 28-\>exit 43-\>exit 16-\> 9-\>exit; do
		if grep -qF -- "$arc" "$work/geninfo.txt"; then
			claimed+=("$arc")
		fi
	done
	((${#claimed[@]} == 0)) ||
		failures+=("lcov's own tracefile: the Missing column claims ${claimed[*]}, destinations the tracefile does not hold:
$(cat "$work/geninfo.txt")")
	grep -q '^src/gaps\.c .*[ ,]17-20\(,\|$\)' "$work/geninfo.txt" ||
		failures+=("lcov's own tracefile: src/gaps.c does not list its missed lines 17-20:
$(cat "$work/geninfo.txt")")
else
	note "lcov is not installed; the geninfo cross-check is left out (apt-get install lcov)"
fi

# ------------------------------------------------------- corrupt tracefiles
# bad NAME WANT-TEXT: covmerge on $work/NAME (and the good shard) exits 1
# with a message naming the file and holding WANT-TEXT, and writes no report.
bad() {
	local name=$1 want=$2 rc=0
	rm -f "$work/never.info" "$work/never.xml"
	"$COVMERGE" --root "$root" -q --report "lcov:$work/never.info" --report "xml:$work/never.xml" \
		"$shard" "$work/$name" >"$work/bad.out" 2>"$work/bad.err" || rc=$?
	sane_failure "$work/bad.err" "corrupt $name"
	if ((rc != 1)); then
		failures+=("corrupt $name: exit $rc, expected 1; stderr: $(cat "$work/bad.err")")
		return
	fi
	grep -qF "$work/$name" "$work/bad.err" ||
		failures+=("corrupt $name: the message does not name the file: $(cat "$work/bad.err")")
	grep -qF -- "$want" "$work/bad.err" ||
		failures+=("corrupt $name: the message does not say \"$want\": $(cat "$work/bad.err")")
	[[ ! -e $work/never.info && ! -e $work/never.xml ]] ||
		failures+=("corrupt $name: reports were written anyway")
	[[ -z $(find "$work" -maxdepth 1 -name '*.tmp*') ]] ||
		failures+=("corrupt $name: temporary files left behind")
}
n=$(grep -n '^DA:' "$work/ref.info" | sed -n 3p | cut -d: -f1)
sed "${n}s/^DA:\([0-9]*\),/DA:\1x,/" "$work/ref.info" >"$work/bad-da.info"
bad bad-da.info "line $n"
sed "${n}s/.*/DA:/" "$work/ref.info" >"$work/bad-da2.info"
bad bad-da2.info "line $n"
n=$(grep -n '^BRDA:' "$work/ref.info" | sed -n 2p | cut -d: -f1)
sed "${n}s/^\(BRDA:[0-9]*,[0-9]*\),.*/\1/" "$work/ref.info" >"$work/bad-brda.info"
bad bad-brda.info "line $n"
n=$(grep -n '^end_of_record' "$work/ref.info" | tail -1 | cut -d: -f1)
head -n $((n - 1)) "$work/ref.info" >"$work/noend.info"
bad noend.info "end_of_record"
printf 'DA:1,1\n' >"$work/outside.info"
bad outside.info "line 1"
size=$(stat -c %s "$work/in.info.gz")
head -c $((size / 2)) "$work/in.info.gz" >"$work/trunc.info.gz"
bad trunc.info.gz "truncated"
cp "$work/in.info.gz" "$work/damaged.info.gz"
printf '\xff\xff\xff\xff\xff\xff\xff\xff' | dd of="$work/damaged.info.gz" bs=1 seek=40 conv=notrunc 2>/dev/null
bad damaged.info.gz "compressed"
# a tracefile with no records at all, alone: no data is an error
: >"$work/empty.info"
rc=0
"$COVMERGE" --root "$root" -q --report term "$work/empty.info" >"$work/empty.out" 2>"$work/empty.err" || rc=$?
sane_failure "$work/empty.err" "an empty tracefile"
((rc == 1)) || failures+=("an empty tracefile as the only input: exit $rc, expected 1 (no data); stdout:
$(cat "$work/empty.out")")

if ((${#failures[@]})); then
	for f in "${failures[@]}"; do
		tl_diag "$test_name: FAIL: $f" >&2
	done
	fail "${#failures[@]} check(s) failed (see above)"
fi
note "lcov tracefiles in, plain or gzip, alone or mixed: exact"
