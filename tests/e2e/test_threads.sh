#!/bin/bash
# Counters that threads raced on, and data that is inconsistent.
#
# tests/fixtures/threads/racer.c runs threads through the same branches. It
# is built with --coverage at -O0 and -fprofile-update=single (named
# explicitly: -pthread at compile time would switch to prefer-atomic), so
# the counter updates race and counts can be lost.
#
# 1. Real race: 4 threads x 2,000,000 iterations, twice, into one shard.
#    Whether the counters end up inconsistent varies from run to run, so
#    this is asserted: covmerge exits 0, no count is negative, the
#    -fprofile-update=atomic hint comes at most once, and always when gcov
#    derives a negative count from the same data; without the hint the
#    report equals gcov's.
# 2. Deterministic inconsistency: a one-thread run gives a consistent data
#    file; gcda_edit.py then changes one arc counter of hammer() (and one of
#    main(), so that two functions of the object are broken) to a value for
#    which gcov itself derives negative counts (the edit is chosen by trying
#    counters until gcov's JSON shows a negative count). covmerge on that
#    shard, alone and together with a clean shard, must exit 0, print
#    -fprofile-update=atomic exactly once, in a message that names the
#    file, and write no negative DA, BRDA or FNDA value.
# 3. Control: the same program built with -fprofile-update=atomic, 4 threads:
#    no warning, the loop's if-line count is exactly threads x iterations,
#    and the whole report equals gcov's (oracle_compare.py).
set -euo pipefail
# shellcheck source=tests/lib/oracle.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/oracle.sh"
e2e_setup

use_gcc 12
need_tool objdump binutils
edit_py=$CM_SOURCE_DIR/tests/e2e/gcda_edit.py
src=$fixture_dir/threads/racer.c
[[ -f $src ]] || die "missing $src"
if_line=$(grep -n 'if ((i + id) % 3 == 0)' "$src" | cut -d: -f1)
[[ -n $if_line ]] || die "cannot find the hammer loop's if-line in $src"

# build DIR UPDATE_METHOD: DIR/racer.o and DIR/racer
build() {
	local dir=$1 method=$2
	mkdir -p "$dir"
	(cd "$dir" && "$cc" --coverage -O0 -fprofile-update="$method" -std=gnu11 \
		-Wall -c "$src" -o "$dir/racer.o" && "$cc" --coverage -pthread \
		"$dir/racer.o" -o "$dir/racer") || die "building racer ($method) failed"
}

# run SHARD THREADS ITERATIONS BUILD
run() {
	local shard=$1 threads=$2 iters=$3 dir=$4
	mkdir -p "$shard"
	GCOV_PREFIX=$shard GCOV_PREFIX_STRIP=0 "$dir/racer" "$threads" "$iters" \
		>/dev/null || die "racer $threads $iters failed"
}

# covmerge_run NAME OBJDIR SHARD...: runs covmerge into $work/NAME.info,
# stderr in $work/NAME.err; covmerge must exit 0.
covmerge_run() {
	local name=$1 objdir=$2 rc=0
	shift 2
	"$COVMERGE" "${cm_all[@]}" --object-dir "$objdir" --report "lcov:$work/$name.info" "$@" \
		>"$work/$name.out" 2>"$work/$name.err" || rc=$?
	if ((rc != 0)); then
		cat "$work/$name.err" >&2
		die "$name: covmerge exited $rc, expected 0"
	fi
	[[ -s $work/$name.info ]] || die "$name: covmerge wrote no lcov file"
	grep -q "^SF:.*/racer\.c\$" "$work/$name.info" || die "$name: racer.c is not in the report"
}

# no_negative NAME: no DA, BRDA or FNDA value of NAME.info is negative.
no_negative() {
	local bad
	bad=$(grep -E '^(DA:[0-9]+,-[0-9]|BRDA:[0-9]+,[0-9]+,[0-9]+,-[0-9]|FNDA:-[0-9])' \
		"$work/$1.info" || true)
	[[ -z $bad ]] || die "$1: negative counts in the report: $bad"
}

# atomic_hints NAME: how often stderr mentions -fprofile-update=atomic
atomic_hints() {
	{ grep -o -- '-fprofile-update=atomic' "$work/$1.err" || true; } | wc -l
}

# gcov_negative JSONDIR: true if gcov derived a negative count anywhere
gcov_negative() {
	"$PYTHON" - "$1" <<'EOF'
import glob, json, sys
neg = 0
for p in glob.glob(sys.argv[1] + '/*.json'):
    for text in open(p).read().splitlines():
        for f in json.loads(text)['files']:
            for l in f['lines']:
                neg += l['count'] < 0 or any(b['count'] < 0 for b in l['branches'])
            neg += sum(fn['execution_count'] < 0 for fn in f['functions'])
sys.exit(0 if neg else 1)
EOF
}

single=$work/single
build "$single" single
nlock=$(objdump -d "$single/racer.o" | grep -c 'lock ' || true)
((nlock == 0)) || die "racer.o built with -fprofile-update=single has $nlock lock-prefixed instructions"

# --- 1. a real race --------------------------------------------------------
threads=4
iters=2000000
run "$work/race" "$threads" "$iters" "$single"
run "$work/race" "$threads" "$iters" "$single"
covmerge_run race "$single" "$work/race"
no_negative race
n=$(atomic_hints race)
((n <= 1)) || die "race: -fprofile-update=atomic mentioned $n times for one file: $(cat "$work/race.err")"
got=$(sed -n "/racer\\.c\$/,/end_of_record/s/^DA:$if_line,//p" "$work/race.info")
note "real race: if-line count $got of $((2 * threads * iters)) increments; atomic hints: $n"
# Whatever the race did: when gcov derives a negative count covmerge must
# warn; when covmerge does not warn it must equal gcov exactly. (covmerge
# may warn while gcov's JSON shows nothing negative: an arc count that no
# line shows, such as one into the exit block, can be the negative one.)
make_oracle "$single" "$work/oracle-race" "$work/race"
if gcov_negative "$work/oracle-race/json"; then
	((n == 1)) || die "race: gcov derives negative counts but covmerge gave no -fprofile-update=atomic hint"
	note "real race: the counters are inconsistent (gcov derives negative counts)"
elif ((n == 0)); then
	"$PYTHON" "$compare_py" --label "real race" --json-dir "$work/oracle-race/json" \
		--lcov "$work/race.info" || die "race: covmerge differs from gcov on racy data it took as consistent"
else
	note "real race: covmerge warned, gcov's JSON shows no negative count: $(cat "$work/race.err")"
fi

# --- 2. a deliberately inconsistent data file -------------------------------
run "$work/clean" 1 1000 "$single"
run "$work/one" 1 1000 "$single"
gcda=$work/one$single/racer.gcda
[[ -f $gcda ]] || die "no data file at $gcda"
"$PYTHON" "$edit_py" list "$gcda" "$single/racer.gcno" >"$work/counters.txt"

# find_edit FUNCTION INPUT OUTPUT: changes one counter of FUNCTION in INPUT
# so that gcov derives a negative count; writes OUTPUT, prints "INDEX VALUE".
probe=$work/probe
mkdir -p "$probe"
cp "$single/racer.gcno" "$probe/racer.gcno"
find_edit() {
	local fn=$1 in=$2 out=$3 k v c
	local -a cs
	read -r -a cs < <(awk -v f="$fn" '$2 == f { $1 = ""; $2 = ""; print }' \
		< <("$PYTHON" "$edit_py" list "$in" "$single/racer.gcno"))
	for k in "${!cs[@]}"; do
		c=${cs[$k]}
		for v in 0 $((c + 1000000)); do
			((v != c)) || continue
			"$PYTHON" "$edit_py" set "$in" "$probe/racer.gcda" "$fn" "$k" "$v" \
				"$single/racer.gcno"
			rm -rf "$probe/json"
			mkdir -p "$probe/json"
			(cd "$probe" && "$gcov" --json-format --stdout -b "$probe/racer.gcda") \
				>"$probe/json/1.json" 2>/dev/null || continue
			if gcov_negative "$probe/json"; then
				cp "$probe/racer.gcda" "$out"
				echo "$k $v"
				return 0
			fi
		done
	done
	return 1
}

edited=$work/edited.gcda
e1=$(find_edit hammer "$gcda" "$edited") ||
	die "no single counter change of hammer() makes gcov derive a negative count"
cp "$edited" "$work/edited1.gcda"
if e2=$(find_edit main "$work/edited1.gcda" "$edited"); then
	note "inconsistent data: hammer counter/value $e1, main counter/value $e2"
else
	cp "$work/edited1.gcda" "$edited"
	note "inconsistent data: hammer counter/value $e1 (no breaking edit of main found)"
fi
cp "$edited" "$gcda"

# gcov's own view of the broken shard with and without the clean one
use_gcc 12
make_oracle "$single" "$work/oracle-bad" "$work/one"
gcov_negative "$work/oracle-bad/json" || die "gcov sees no negative count in the edited data"
make_oracle "$single" "$work/oracle-bad2" "$work/one" "$work/clean"
gcov_negative "$work/oracle-bad2/json" ||
	die "gcov sees no negative count in the edited data merged with clean data"

check_warning() {
	local name=$1 n msg
	n=$(atomic_hints "$name")
	if ((n != 1)); then
		cat "$work/$name.err" >&2
		die "$name: stderr mentions -fprofile-update=atomic $n times, expected exactly once"
	fi
	# the message with the hint: its line, or the line before it when the
	# hint is a second line
	msg=$(grep -B1 -- '-fprofile-update=atomic' "$work/$name.err")
	if ! grep -q 'racer\.gc\(da\|no\)' <<<"$msg"; then
		cat "$work/$name.err" >&2
		die "$name: the -fprofile-update=atomic warning does not name racer.gcda (or racer.gcno)"
	fi
	grep -qi 'warning' <<<"$msg" || die "$name: the message is not a warning: $msg"
	note "$name: warned once: $(tr '\n' ' ' <<<"$msg")"
}

covmerge_run broken "$single" "$work/one"
check_warning broken
no_negative broken
covmerge_run broken2 "$single" "$work/one" "$work/clean"
check_warning broken2
no_negative broken2

# --- 3. control: atomic updates are exact -----------------------------------
atomic=$work/atomic
build "$atomic" atomic
threads=4
iters=200000
run "$work/atomic-shard" "$threads" "$iters" "$atomic"
covmerge_run atomic "$atomic" "$work/atomic-shard"
if grep -q 'profile-update' "$work/atomic.err"; then
	cat "$work/atomic.err" >&2
	die "atomic: covmerge warned about counter races on atomic data"
fi
got=$(sed -n "/racer\\.c\$/,/end_of_record/s/^DA:$if_line,//p" "$work/atomic.info")
[[ $got == "$((threads * iters))" ]] ||
	die "atomic: DA for line $if_line is \"$got\", expected $((threads * iters))"
make_oracle "$atomic" "$work/oracle-atomic" "$work/atomic-shard"
"$PYTHON" "$compare_py" --label atomic --json-dir "$work/oracle-atomic/json" \
	--lcov "$work/atomic.info" || die "atomic: covmerge differs from gcov"

note "PASS: racing and inconsistent counters handled, atomic counters exact"
