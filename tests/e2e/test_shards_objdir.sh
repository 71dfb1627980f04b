#!/bin/bash
# Stripped and relocated shard layouts, --object-dir, never-run objects and
# notes files with the same basename.
#
# 1. Shards written with GCOV_PREFIX_STRIP=N (N = the depth of the build
#    directory, so the data of BUILD/one/count.o lands in <shard>/one/) can't
#    be mapped without --object-dir: exit 1, "no notes file for" naming each
#    data file, and a hint naming --object-dir. With --object-dir BUILD
#    (absolute or relative) the report equals the one of the unstripped
#    shards (test_shards_prefix.sh's numbers).
# 2. never.c's object (built, never run) is reported at 0 with its lines
#    counted, with --object-dir and without it (a sibling of run objects);
#    an object in a subdirectory is found by --object-dir (recursive) and,
#    without it, in the build tree the run objects share (the deepest
#    directory holding them, searched recursively); --object-dir without
#    shards reports everything as never run.
# 3. a/util.gcno and b/util.gcno: resolved by the longer path tail, or, when
#    only the basename is left (GCOV_PREFIX_STRIP beyond the depth), by the
#    header stamp; two candidates with the same stamp are an error.
set -euo pipefail
# shellcheck source=tests/lib/shards.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/shards.sh"
lib_setup

B=$work/build
fixture_build "$cc" "$B"
s=$fixture_copy
n=$(path_depth "$B")
fixture_run "$B" "$n" "$work/t1" "$work/t2" "$work/t3"
fixture_run "$B" 0 "$work/s1" "$work/s2" "$work/s3"
for f in one/count one/main_one a/util b/util two/count two/main_two; do
	[[ -f $work/t1/$f.gcda ]] || fail "setup: no $work/t1/$f.gcda"
done
[[ -z $(find "$B" -name '*.gcda') ]] || fail "setup: data written into the build tree"

# the first line of stdout
header="covmerge: 7 objects (1 never run), 16 data files"

# the reference: unstripped shards, no --object-dir (never.gcno is found
# beside the run objects)
expect_ok ref --report "lcov:$work/ref.info" "$work/s1" "$work/s2" "$work/s3"
check_standard "$work/ref.info" "unstripped, no --object-dir"
assert_eq "$header" "$(head -n1 "$cm_out")" "unstripped: summary"

# 1. stripped shards without --object-dir: every data file is unmapped
expect_fail nobj --report "lcov:$work/nobj.info" "$work/t1" "$work/t2" "$work/t3"
for f in one/count one/main_one a/util b/util two/count two/main_two; do
	assert_contains "$cm_err" "covmerge: no notes file for \"$work/t1/$f.gcda\"" \
		"stripped, no --object-dir"
done
assert_contains "$cm_err" "covmerge: no notes file for \"$work/t3/two/count.gcda\": looked for \"$work/t3/two/count.gcno\"" \
	"stripped, no --object-dir: the path looked for"
assert_eq 16 "$(grep -c '^covmerge: no notes file for "' "$cm_err")" \
	"stripped, no --object-dir: one error per data file"
assert_eq 16 "$(grep -c '^hint: .*--object-dir' "$cm_err")" \
	"stripped, no --object-dir: a hint naming --object-dir after each error"
assert_empty "$cm_out" "stripped, no --object-dir: stdout"
[[ ! -e $work/nobj.info ]] || fail "stripped, no --object-dir: a report was written"

# ... and with --object-dir: the same report as unstripped
expect_ok obj --object-dir "$B" --report "lcov:$work/obj.info" "$work/t1" "$work/t2" "$work/t3"
check_standard "$work/obj.info" "stripped, --object-dir"
assert_same "$work/ref.info" "$work/obj.info" "stripped with --object-dir vs unstripped"
assert_eq "$header" "$(head -n1 "$cm_out")" "stripped, --object-dir: summary"

# relative, non-normalised --object-dir and shard roots
run_cm_in "$work" objrel --object-dir ./build/ --report lcov:objrel.info t1 ./t2 t3/
((cm_rc == 0)) || fail "relative --object-dir: exit $cm_rc: $(cat "$cm_err")"
assert_empty "$cm_err" "relative --object-dir: stderr"
assert_same "$work/ref.info" "$work/objrel.info" "relative --object-dir vs unstripped"

# --object-dir with unstripped shards changes nothing
expect_ok objs --object-dir "$B" --report "lcov:$work/objs.info" "$work/s1" "$work/s2" "$work/s3"
assert_same "$work/ref.info" "$work/objs.info" "unstripped with --object-dir"

# partly stripped: <shard>/<last 2 components of BUILD>/one/count.gcda
run_into "$work/p1" $((n - 2)) "$B/one/counter" 4
[[ -f $work/p1/$(basename "$(dirname "$B")")/build/one/count.gcda ]] ||
	fail "setup: partly stripped layout not as expected: $(find "$work/p1" -type f)"
expect_ok part -q --object-dir "$B" --report "lcov:$work/part.info" "$work/p1"
lcov_load "$work/part.info"
assert_eq "4,util_a" "${lc_fnda[$s/a/util.c]-(none)}" "partly stripped: util_a"
assert_eq "4,bump 0,bump_twice 1,count_total" "${lc_fnda[$s/count.c]-(none)}" "partly stripped: count.c"
assert_eq "0,main" "${lc_fnda[$s/main_two.c]-(none)}" "partly stripped: main_two.c (never run)"

# 2. never-run objects. never.c: checked by check_standard above (DA all 0,
# LF 4 counted in the totals) with and without --object-dir.
fixture_compile "$cc" "$s/idle.c" "$B/one/sub/idle.o"
expect_ok sub_noobj --report "lcov:$work/sub_noobj.info" "$work/s1" "$work/s2" "$work/s3"
assert_eq "covmerge: 8 objects (2 never run), 16 data files" \
	"$(head -n1 "$cm_out")" "no --object-dir, idle.c in one/sub: summary"
expect_ok sub_obj --object-dir "$B" --report "lcov:$work/sub_obj.info" "$work/t1" "$work/t2" "$work/t3"
assert_same "$work/sub_obj.info" "$work/sub_noobj.info" \
	"the build tree searched without --object-dir vs --object-dir"
lcov_load "$work/sub_obj.info"
assert_eq "2,0 4,0" "${lc_da[$s/idle.c]-(none)}" "--object-dir: idle.c in one/sub"
assert_eq "0,idle" "${lc_fnda[$s/idle.c]-(none)}" "--object-dir: idle.c FNDA"
assert_eq "2 0" "${lc_key[$s/idle.c/LF]-(none)} ${lc_key[$s/idle.c/LH]-(none)}" "--object-dir: idle.c LF LH"
assert_eq "32 26" "${lc_total[LF]-(none)} ${lc_total[LH]-(none)}" "--object-dir: total LF LH with idle.c"
assert_eq "covmerge: 8 objects (2 never run), 16 data files" \
	"$(head -n1 "$cm_out")" "--object-dir with idle.c: summary"
# nothing but --object-dir: all never run
expect_ok only_obj --object-dir "$B" --report "lcov:$work/only_obj.info"
lcov_load "$work/only_obj.info"
assert_eq "32 0 9 0" "${lc_total[LF]-(none)} ${lc_total[LH]-(none)} ${lc_total[FNF]-(none)} ${lc_total[FNH]-(none)}" \
	"--object-dir alone: totals"
assert_eq "6,0 8,0 9,0 11,0 13,0 14,0 15,0 17,0 19,0" "${lc_da[$s/count.c]-(none)}" \
	"--object-dir alone: count.c"
assert_eq "covmerge: 8 objects (8 never run), 0 data files" \
	"$(head -n1 "$cm_out")" "--object-dir alone: summary"

# 3. same basename: by the stamp when only the basename is left
U=$work/ubuild
fixture_compile_all "$cc" \
	"$s/a/util.c" "$U/a/util.o" \
	"$s/main_ua.c" "$U/u/main_ua.o" \
	"$s/main_ub.c" "$U/u/main_ub.o"
# the stamp is the compile time in milliseconds: compile b/util.o after
# a/util.o, again if it got the same stamp
sa=$(gcov_stamp "$U/a/util.gcno")
for _ in 1 2 3 4 5; do
	fixture_compile "$cc" "$s/b/util.c" "$U/b/util.o"
	sb=$(gcov_stamp "$U/b/util.gcno")
	[[ $sa == "$sb" ]] || break
done
[[ $sa != "$sb" ]] || fail "setup: a/util.gcno and b/util.gcno have the same stamp $sa"
fixture_link "$cc" "$U/u/ua" "$U/u/main_ua.o" "$U/a/util.o"
fixture_link "$cc" "$U/u/ub" "$U/u/main_ub.o" "$U/b/util.o"
run_into "$work/ua" 99 "$U/u/ua"
run_into "$work/ub" 99 "$U/u/ub"
[[ -f $work/ua/util.gcda && -f $work/ub/util.gcda ]] ||
	fail "setup: basename-only layout not as expected: $(find "$work/ua" "$work/ub" -type f)"
expect_ok stamp --object-dir "$U" --report "lcov:$work/stamp.info" "$work/ua" "$work/ub"
lcov_load "$work/stamp.info"
assert_eq "2,1 4,1 5,0 6,1" "${lc_da[$s/a/util.c]-(none)}" "stamp: a/util.c DA (from ua)"
assert_eq "1,util_a" "${lc_fnda[$s/a/util.c]-(none)}" "stamp: a/util.c FNDA"
assert_eq "2,2 4,2" "${lc_da[$s/b/util.c]-(none)}" "stamp: b/util.c DA (from ub)"
assert_eq "2,util_b" "${lc_fnda[$s/b/util.c]-(none)}" "stamp: b/util.c FNDA"
assert_eq "1,main" "${lc_fnda[$s/main_ua.c]-(none)}" "stamp: main_ua.c"
assert_eq "1,main" "${lc_fnda[$s/main_ub.c]-(none)}" "stamp: main_ub.c"
assert_eq "covmerge: 4 objects (0 never run), 4 data files" \
	"$(head -n1 "$cm_out")" "stamp: summary"
# the shards in the other order: the same
expect_ok stamp2 --object-dir "$U" --report "lcov:$work/stamp2.info" "$work/ub" "$work/ua"
assert_same "$work/stamp.info" "$work/stamp2.info" "stamp: shards in the other order"

# the same stamp twice (a copy of a/util.gcno): ua's data is ambiguous,
# ub's is still told apart by its stamp
mkdir -p "$U/c"
cp "$U/a/util.gcno" "$U/c/util.gcno"
expect_fail ambiguous --object-dir "$U" --report "lcov:$work/amb.info" "$work/ua" "$work/ub"
assert_contains "$cm_err" "covmerge: cannot tell which notes file belongs to \"$work/ua/util.gcda\"" \
	"same stamp twice"
assert_contains "$cm_err" "hint: " "same stamp twice: hint"
assert_not_contains "$cm_err" "\"$work/ub/util.gcda\"" "same stamp twice: ub's data is not ambiguous"
[[ ! -e $work/amb.info ]] || fail "same stamp twice: a report was written"

note "PASS"
