# Shared helpers of the shard-mapping and bad-input end-to-end tests
# (test_shards_*.sh, test_bad_input.sh, test_jobs_identical.sh); sourced,
# not run.
#
# Environment and TAP: see test-lib.sh.
#
# The fixture (tests/fixtures/shards) is built at test time with gcc
# --coverage; see fixture_build for its layout.
# shellcheck shell=bash

# shellcheck source=tests/lib/test-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/test-lib.sh"

# lib_setup: checks the environment, makes $work (a fresh directory under
# $CM_TEST_TMP, physical path, removed at exit) and sets $fixture_src (the
# fixture sources in the repository), $cc (gcc 12) and $PYTHON.
lib_setup() {
	need_covmerge
	fixture_src=$CM_SOURCE_DIR/tests/fixtures/shards
	[[ -f $fixture_src/count.c ]] || fail "no fixture sources in $fixture_src"
	need_tool gcc-12 gcc-12
	# shellcheck disable=SC2034 # used by the tests
	cc=gcc-12
	need_python
	tl_workdir
}

# ---------------------------------------------------------------- covmerge

# run_cm NAME ARG...: runs covmerge --root $work ARG... (the fixture's
# sources are under $work, and only files under the root are reported)
# with stdout in $work/NAME.out and stderr in $work/NAME.err; sets cm_rc,
# cm_out, cm_err. Fails the test unless the exit code is 0 or 1 (a crash
# is never acceptable).
run_cm() {
	local name=$1
	shift
	cm_out=$work/$name.out
	cm_err=$work/$name.err
	cm_rc=0
	"$COVMERGE" --root "$work" "$@" >"$cm_out" 2>"$cm_err" || cm_rc=$?
	if ((cm_rc != 0 && cm_rc != 1)); then
		fail "$name: covmerge $* exited $cm_rc (a crash?); stderr:
$(cat "$cm_err")"
	fi
}

# run_cm_in DIR NAME ARG...: run_cm with DIR as the working directory.
run_cm_in() {
	local dir=$1 back=$PWD
	shift
	cd "$dir" || fail "cannot cd to $dir"
	run_cm "$@"
	cd "$back" || fail "cannot cd back to $back"
}

# expect_ok NAME ARG...: covmerge must exit 0 with nothing on stderr.
expect_ok() {
	run_cm "$@"
	((cm_rc == 0)) || fail "$1: covmerge exited $cm_rc; stderr:
$(cat "$cm_err")"
	assert_empty "$cm_err" "$1: stderr"
}

# expect_fail NAME ARG...: covmerge must exit 1.
expect_fail() {
	run_cm "$@"
	((cm_rc == 1)) || fail "$1: covmerge exited $cm_rc, expected 1; stderr:
$(cat "$cm_err")"
	[[ -s $cm_err ]] || fail "$1: covmerge failed without a message"
	ok "$1: covmerge exit 1 with a message"
}

# ---------------------------------------------------------------- lcov

# lcov_load INFO: parses an lcov file (in bash, no subprocesses) into
#   lc_sfs            the SF paths, space-separated, in file order
#   lc_da[SF]         its DA entries: "line,count line,count ..."
#   lc_fnda[SF]       its FNDA entries: "count,name ..."
#   lc_key[SF/KEY]    KEY = LF LH FNF FNH BRF BRH
#   lc_total[KEY]     KEY summed over all records
# Fails on a source named by more than one record. Read them as
# ${lc_da[$sf]-(none)}, so that a missing record fails the comparison
# (instead of an "unbound variable" abort under set -u).
# shellcheck disable=SC2094 # $1 is only read (its name goes into a message)
lcov_load() {
	local line sf="" k v
	declare -gA lc_da=() lc_fnda=() lc_key=() lc_total=()
	lc_sfs=""
	[[ -f $1 ]] || fail "no lcov file $1"
	while IFS= read -r line; do
		case $line in
		SF:*)
			sf=${line#SF:}
			[[ -z ${lc_key[$sf/seen]:-} ]] ||
				fail "$(basename "$1"): two records for SF:$sf"
			lc_key[$sf/seen]=1
			lc_sfs+=${lc_sfs:+ }$sf
			lc_da[$sf]=""
			lc_fnda[$sf]=""
			;;
		DA:*) lc_da[$sf]+=${lc_da[$sf]:+ }${line#DA:} ;;
		FNDA:*) lc_fnda[$sf]+=${lc_fnda[$sf]:+ }${line#FNDA:} ;;
		LF:* | LH:* | FNF:* | FNH:* | BRF:* | BRH:*)
			k=${line%%:*}
			v=${line#*:}
			lc_key[$sf/$k]=$v
			lc_total[$k]=$((${lc_total[$k]:-0} + v))
			;;
		end_of_record) sf="" ;;
		esac
	done <"$1"
}

# ---------------------------------------------------------------- fixture

# gcov_stamp FILE: the stamp word of a .gcno/.gcda (little-endian), in hex.
gcov_stamp() {
	od -An -tx4 -j8 -N4 "$1" | tr -d ' \n'
}

# gcov_records FILE: the records of a .gcno or .gcda written by gcc >= 12
# (little-endian, byte lengths), one a line: "OFFSET TAG LENGTH" (offset
# and length decimal, tag in hex; LENGTH as a signed number). The final
# zero tag is printed as "OFFSET 0x00000000 0".
gcov_records() {
	"$PYTHON" - "$1" <<'EOF'
import struct, sys
d = open(sys.argv[1], 'rb').read()
magic, version = struct.unpack_from('<II', d, 0)
if version >> 24 < ord('B') or (version >> 24 == ord('B') and ((version >> 16) & 0xff) < ord('2')):
    sys.exit('%s: not written by gcc >= 12' % sys.argv[1])
p = 16                                   # magic, version, stamp, checksum
if magic == 0x67636e6f:                  # notes: cwd string, unexecuted-blocks word
    n, = struct.unpack_from('<I', d, p)
    p += 4 + n + 4
while p + 4 <= len(d):
    tag, = struct.unpack_from('<I', d, p)
    if tag == 0:
        print(p, '0x00000000', 0)
        break
    n, = struct.unpack_from('<i', d, p + 4)
    print(p, '0x%08x' % tag, n)
    p += 8 + (n if n > 0 else 0)
EOF
}

# path_depth PATH: the number of components of an absolute path; the
# GCOV_PREFIX_STRIP value that strips exactly PATH.
path_depth() {
	local p=${1#/} parts
	IFS=/ read -ra parts <<<"$p"
	echo "${#parts[@]}"
}

# fixture_compile CC SRC OBJ [CFLAG...]: compiles SRC (absolute) into OBJ
# (absolute) with coverage, the compiler's cwd being SRC's directory.
fixture_compile() {
	local c=$1 s=$2 o=$3
	shift 3
	mkdir -p "$(dirname "$o")"
	(cd "$(dirname "$s")" && "$c" --coverage -O0 -std=c11 -Wall \
		-I"$fixture_copy" "$@" -c "$s" -o "$o") ||
		fail "compiling $s with $c failed"
}

# fixture_compile_all CC SRC OBJ [SRC OBJ]...: fixture_compile of each
# pair, in parallel.
fixture_compile_all() {
	local c=$1 pids=() p
	shift
	while (($# >= 2)); do
		fixture_compile "$c" "$1" "$2" &
		pids+=($!)
		shift 2
	done
	for p in "${pids[@]}"; do
		wait "$p" || fail "compiling the fixture failed"
	done
}

# fixture_link CC EXE OBJ...
fixture_link() {
	local c=$1 e=$2
	shift 2
	"$c" --coverage -o "$e" "$@" || fail "linking $e with $c failed"
}

# fixture_build CC BUILD: copies the fixture sources to $work/src (once;
# sets $fixture_copy) and builds into BUILD (absolute):
#   BUILD/a/util.o, BUILD/b/util.o      same basename, util_a and util_b
#   BUILD/one/{main_one,count}.o + the util objects -> BUILD/one/counter
#   BUILD/one/never.o                   never linked: never run
#   BUILD/two/{main_two,count}.o        -> BUILD/two/twice
# count.c is compiled into two objects of two programs.
fixture_build() {
	local c=$1 b=$2
	fixture_copy=$work/src
	if [[ ! -d $fixture_copy ]]; then
		mkdir -p "$fixture_copy"
		cp -R "$fixture_src"/. "$fixture_copy"/
	fi
	local s=$fixture_copy
	fixture_compile_all "$c" \
		"$s/a/util.c" "$b/a/util.o" \
		"$s/b/util.c" "$b/b/util.o" \
		"$s/main_one.c" "$b/one/main_one.o" \
		"$s/count.c" "$b/one/count.o" \
		"$s/never.c" "$b/one/never.o" \
		"$s/main_two.c" "$b/two/main_two.o" \
		"$s/count.c" "$b/two/count.o"
	fixture_link "$c" "$b/one/counter" "$b/one/main_one.o" "$b/one/count.o" \
		"$b/a/util.o" "$b/b/util.o"
	fixture_link "$c" "$b/two/twice" "$b/two/main_two.o" "$b/two/count.o"
}

# run_into ROOT STRIP PROGRAM ARG...: runs PROGRAM with GCOV_PREFIX=ROOT
# GCOV_PREFIX_STRIP=STRIP; the program must succeed.
run_into() {
	local root=$1 strip=$2
	shift 2
	mkdir -p "$root"
	GCOV_PREFIX=$root GCOV_PREFIX_STRIP=$strip "$@" ||
		fail "running $* into $root failed"
}

# fixture_run BUILD STRIP SHARD1 SHARD2 SHARD3: the standard runs
#   shard 1: counter 1, twice     shard 2: counter 2     shard 3: counter 4, twice
fixture_run() {
	local b=$1 strip=$2
	run_into "$3" "$strip" "$b/one/counter" 1
	run_into "$3" "$strip" "$b/two/twice"
	run_into "$4" "$strip" "$b/one/counter" 2
	run_into "$5" "$strip" "$b/one/counter" 4
	run_into "$5" "$strip" "$b/two/twice"
}

# check_standard INFO WHAT: INFO holds exactly the merged numbers of
# fixture_run (fixture built by fixture_build, all three shards).
#   counter runs 3 times (n = 1, 2, 4): main 3, bump 7, util_a 7 (i odd 3
#   times, even 4 times), util_b 3, count_total 3; twice runs 2 times:
#   main 2, bump_twice 2, bump 4, count_total 2. count.c is one record
#   with both objects' counts added. never.c: all 0.
# The values are gcov 12's (gcc 12, -O0).
check_standard() {
	local info=$1 what=$2 s=$fixture_copy
	lcov_load "$info"
	assert_eq "$s/a/util.c $s/b/util.c $s/count.c $s/main_one.c $s/main_two.c $s/never.c" \
		"$lc_sfs" "$what: source files"
	assert_eq "2,7 4,7 5,3 6,4" "${lc_da[$s/a/util.c]-(none)}" "$what: a/util.c DA"
	assert_eq "7,util_a" "${lc_fnda[$s/a/util.c]-(none)}" "$what: a/util.c FNDA"
	assert_eq "2,3 4,3" "${lc_da[$s/b/util.c]-(none)}" "$what: b/util.c DA"
	assert_eq "3,util_b" "${lc_fnda[$s/b/util.c]-(none)}" "$what: b/util.c FNDA"
	assert_eq "6,11 8,11 9,11 11,2 13,2 14,2 15,2 17,5 19,5" \
		"${lc_da[$s/count.c]-(none)}" "$what: count.c DA"
	assert_eq "11,bump 2,bump_twice 5,count_total" \
		"${lc_fnda[$s/count.c]-(none)}" "$what: count.c FNDA"
	assert_eq "9 9 3 3" \
		"${lc_key[$s/count.c/LF]-(none)} ${lc_key[$s/count.c/LH]-(none)} ${lc_key[$s/count.c/FNF]-(none)} ${lc_key[$s/count.c/FNH]-(none)}" \
		"$what: count.c LF LH FNF FNH"
	assert_eq "6,3 8,3 9,3 10,10 11,7 12,7 14,3 15,3" \
		"${lc_da[$s/main_one.c]-(none)}" "$what: main_one.c DA"
	assert_eq "3,main" "${lc_fnda[$s/main_one.c]-(none)}" "$what: main_one.c FNDA"
	assert_eq "4,2 6,2 7,2" "${lc_da[$s/main_two.c]-(none)}" "$what: main_two.c DA"
	assert_eq "2,main" "${lc_fnda[$s/main_two.c]-(none)}" "$what: main_two.c FNDA"
	assert_eq "2,0 4,0 5,0 6,0" "${lc_da[$s/never.c]-(none)}" "$what: never.c DA"
	assert_eq "0,never_called" "${lc_fnda[$s/never.c]-(none)}" "$what: never.c FNDA"
	assert_eq "4 0 1 0" \
		"${lc_key[$s/never.c/LF]-(none)} ${lc_key[$s/never.c/LH]-(none)} ${lc_key[$s/never.c/FNF]-(none)} ${lc_key[$s/never.c/FNH]-(none)}" \
		"$what: never.c LF LH FNF FNH"
	assert_eq "30 26 8 7" "${lc_total[LF]-(none)} ${lc_total[LH]-(none)} ${lc_total[FNF]-(none)} ${lc_total[FNH]-(none)}" \
		"$what: total LF LH FNF FNH"
}
