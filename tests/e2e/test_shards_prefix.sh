#!/bin/bash
# Shards written with GCOV_PREFIX=<shard> GCOV_PREFIX_STRIP=0 are mapped
# back to their notes files and summed.
#
# The fixture (tests/fixtures/shards, see fixture_build in tests/lib/shards.sh) is built
# with gcc 12 and run into three shard roots with different arguments
# (counter 1 / 2 / 4, twice in shards 1 and 3). The merged lcov file must
# hold the sums: util_a called 1 + 2 + 4 = 7 times, count.c (compiled into
# two objects of two programs) one SF record with both objects' counts
# added, never.c (built, never run, beside run objects) at 0.
# The same output must come from relative and non-normalised shard paths,
# from a shard named twice (counted once), and from a plain build tree
# (data beside the notes).
set -euo pipefail
# shellcheck source=tests/lib/shards.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/shards.sh"
lib_setup

B=$work/build
fixture_build "$cc" "$B"
fixture_run "$B" 0 "$work/s1" "$work/s2" "$work/s3"
# the layout of §8.3: <root>/<absolute object dir>/<object>.gcda
for f in one/count one/main_one a/util b/util two/count two/main_two; do
	[[ -f $work/s1$B/$f.gcda ]] || fail "setup: no $work/s1$B/$f.gcda"
done
[[ ! -e $work/s2$B/two/count.gcda ]] || fail "setup: shard 2 ran twice"
[[ -z $(find "$B" -name '*.gcda') ]] || fail "setup: data written into the build tree"

# 1. absolute shard roots
expect_ok abs --report "lcov:$work/abs.info" "$work/s1" "$work/s2" "$work/s3"
check_standard "$work/abs.info" "absolute roots"
# the first line of stdout
header="covmerge: 7 objects (1 never run), 16 data files"
assert_eq "$header" "$(head -n1 "$cm_out")" "summary on stdout"

# each shard alone has its own numbers
expect_ok one --report "lcov:$work/s2.info" -q "$work/s2"
assert_empty "$cm_out" "-q: stdout"
s=$fixture_copy
lcov_load "$work/s2.info"
assert_eq "2,util_a" "${lc_fnda[$s/a/util.c]-(none)}" "shard 2 alone: util_a"
assert_eq "2,bump 0,bump_twice 1,count_total" "${lc_fnda[$s/count.c]-(none)}" \
	"shard 2 alone: count.c FNDA"
# shard 2 ran no object of two/, but two/ is in the build tree its
# objects share: main_two.c is there, never run
assert_eq "$s/a/util.c $s/b/util.c $s/count.c $s/main_one.c $s/main_two.c $s/never.c" \
	"$lc_sfs" "shard 2 alone: source files"
assert_eq "0,main" "${lc_fnda[$s/main_two.c]-(none)}" "shard 2 alone: main_two.c never ran"
expect_ok s13 --report "lcov:$work/s13.info" -q "$work/s1" "$work/s3"
lcov_load "$work/s13.info"
assert_eq "5,util_a" "${lc_fnda[$s/a/util.c]-(none)}" "shards 1+3: util_a"
assert_eq "9,bump 2,bump_twice 4,count_total" "${lc_fnda[$s/count.c]-(none)}" \
	"shards 1+3: count.c FNDA"

# 2. relative shard roots, from the work directory
run_cm_in "$work" rel --report lcov:rel.info s1 s2 s3
((cm_rc == 0)) || fail "relative roots: exit $cm_rc: $(cat "$cm_err")"
assert_empty "$cm_err" "relative roots: stderr"
assert_same "$work/abs.info" "$work/rel.info" "relative roots vs absolute"
assert_eq "$header" "$(head -n1 "$cm_out")" "relative roots: summary"

# non-normalised relative roots, from inside shard 1
mkdir -p "$work/out"
run_cm_in "$work/s1" odd --report lcov:../out/odd.info ./ ../s2/ ../s3/.
((cm_rc == 0)) || fail "non-normalised roots: exit $cm_rc: $(cat "$cm_err")"
assert_empty "$cm_err" "non-normalised roots: stderr"
assert_same "$work/abs.info" "$work/out/odd.info" "non-normalised roots vs absolute"

# a root given twice counts once
expect_ok dup --report "lcov:$work/dup.info" "$work/s1" "$work/s2" "$work/s3" "$work/s1"
assert_same "$work/abs.info" "$work/dup.info" "shard 1 named twice"

# the order of the roots does not matter
expect_ok order --report "lcov:$work/order.info" "$work/s3" "$work/s1" "$work/s2"
assert_same "$work/abs.info" "$work/order.info" "roots in another order"

# the report on stdout equals the report in a file
expect_ok stdout -q --report lcov:- "$work/s1" "$work/s2" "$work/s3"
assert_same "$work/abs.info" "$cm_out" "lcov:- vs lcov:FILE"

# 3. a plain build tree (each .gcda beside its .gcno) as the root: the data
# written with the build directory stripped, the notes files copied beside
P=$work/plain
fixture_run "$B" "$(path_depth "$B")" "$P" "$P" "$P"
(cd "$B" && find . -name '*.gcno' -exec cp --parents {} "$P" \;)
[[ -f $P/one/count.gcda && -f $P/one/count.gcno && -f $P/one/never.gcno ]] ||
	fail "setup: plain tree not as expected: $(cd "$P" && find . -type f)"
expect_ok plain --report "lcov:$work/plain.info" "$P"
check_standard "$work/plain.info" "plain build tree"
assert_same "$work/abs.info" "$work/plain.info" "plain build tree vs shards"
assert_eq "covmerge: 7 objects (1 never run), 6 data files" "$(head -n1 "$cm_out")" \
	"plain build tree: summary"

note "PASS"
