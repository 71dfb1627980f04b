#!/bin/bash
# runner --affected-by REV on a real project: a copy of
# tests/fixtures/affected in a temporary git repository, built with gcc
# --coverage and dependency files; a cmocka program whose tests cover
# op_add, op_sub and op_mul disjointly, and a plain program over op_mul.
# A full run with --cov-context=test keeps its contexts beside the cache.
#  - op_sub's body changed (rebuilt): exactly ::ops::test_sub runs, -v says
#    why, the last line says 3 deselected; broken, that test fails;
#  - a change to the header every file includes (a macro line no test
#    "ran"): every test runs;
#  - a change to a source built into every program that no test runs:
#    every test runs, also those whose program only rewrote its data
#    file (past the collector's first 8 tests);
#  - a new test program runs with the affected ones; a program built
#    without --coverage runs on any change;
#  - contexts made at another revision, or none: everything runs, said
#    in one line; a damaged store or an unknown revision: exit 4, named.
set -euo pipefail
# shellcheck source=tests/lib/runner.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/runner.sh"
rt_setup
need_tool git git

repo=$work/repo
cp -r "$CM_SOURCE_DIR/tests/fixtures/affected" "$repo"
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@t GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@t
git -C "$repo" init -q
git -C "$repo" add -A
git -C "$repo" commit -qm fixture
build() { CC=$cc "$repo/build.sh" >/dev/null 2>&1 || fail "the fixture does not build"; }
build
RR_CWD=$repo

ids_ran() { # the ids of the tests a run reported, sorted
	grep -E '^\[gw[0-9]+\] (PASSED|FAILED|SKIPPED|ERROR|CRASHED|TIMEOUT) ' "$rr_out" |
		awk '{print $3}' | LC_ALL=C sort
}
all="build/bin/test_mul_plain
build/bin/test_ops::ops::test_add
build/bin/test_ops::ops::test_mul
build/bin/test_ops::ops::test_sub"

rt_run full -n 2 -v --cov=build --cov-context=test build/bin
rt_expect_rc 0 "the full run with contexts"
rt_expect_summary 4 0 0 "the full run"
[[ -s $repo/.runner-cache.contexts ]] || fail "the full run kept no contexts"
assert_eq "$(ids_ran)" "$all" "the full run ran the four tests"

# nothing changed: nothing runs
rt_run none -v --affected-by HEAD build/bin
assert_contains "$rr_out" "affected by HEAD: 0 of 4 tests" "no change selects no test"

# op_sub's body, same behaviour
sed -i 's|return r + OPS_BIAS; /\* SUB body \*/|return (r + OPS_BIAS) * 1; /* SUB body */|' "$repo/src/ops.c"
build
rt_run sub -n 2 -v --affected-by HEAD build/bin
rt_expect_rc 0 "op_sub changed"
assert_eq "$(ids_ran)" "build/bin/test_ops::ops::test_sub" "op_sub changed: only test_sub runs"
line=$(rt_line_of "$repo/src/ops.c" "SUB body")
assert_contains "$rr_out" "affected: build/bin/test_ops::ops::test_sub: it ran src/ops.c:$line" \
	"-v says why test_sub was selected"
assert_eq "$(rt_last_line "$rr_out")" "runner: 1 passed, 0 failed, 0 skipped, 3 deselected" \
	"the last line says how many were deselected"
# the kept contexts are still the full run's (an --affected-by run is partial)
rt_run sub2 -v --affected-by HEAD build/bin
assert_eq "$(ids_ran)" "build/bin/test_ops::ops::test_sub" "a partial run leaves the kept contexts alone"

# broken: the selected test fails
sed -i 's|return (r + OPS_BIAS) \* 1; /\* SUB body \*/|return r + 1; /* SUB body */|' "$repo/src/ops.c"
build
rt_run broken -v --affected-by HEAD build/bin
rt_expect_rc 1 "op_sub broken"
assert_eq "$(ids_ran)" "build/bin/test_ops::ops::test_sub" "op_sub broken: only test_sub runs"
assert_contains "$rr_out" "FAILED build/bin/test_ops::ops::test_sub" "and it fails"

# an insertion into op_mul's loop counts as a change of the lines around it
git -C "$repo" checkout -q -- src/ops.c
sed -i 's|^\t\tr += a;$|\t\tr += a;\n\t\tr += 0;|' "$repo/src/ops.c"
build
rt_run mul -n 2 -v --affected-by HEAD build/bin
assert_eq "$(ids_ran)" "build/bin/test_mul_plain
build/bin/test_ops::ops::test_mul" "an insertion into op_mul: the two op_mul tests"

# the header every file includes: everything
git -C "$repo" checkout -q -- src/ops.c
sed -i 's|#define OPS_BIAS 0|#define OPS_BIAS (0)|' "$repo/include/ops.h"
build
rt_run header -n 2 -v --affected-by HEAD build/bin
rt_expect_rc 0 "the header changed"
assert_eq "$(ids_ran)" "$all" "the header changed: every test runs"
assert_contains "$rr_out" "include/ops.h:5 changed, a line no test ran" "-v says why"
git -C "$repo" checkout -q -- include/ops.h

# a source built into every program and run by none: a change to it runs
# every test. After a worker's first 8 tests the collector reads only the
# data files a test wrote, and passes over one that moved only in its run
# count without parsing it (extra.o's, rewritten by every program): its
# object is built into the program all the same. Nine copies of
# test_mul_plain run first, on one worker.
mkdir -p "$repo/build/copies"
copies=
for i in 1 2 3 4 5 6 7 8 9; do
	cp "$repo/build/bin/test_mul_plain" "$repo/build/copies/test_copy$i"
	copies+=$'\n'"build/copies/test_copy$i"
done
rt_run full1 -n 1 --cov=build --cov-context=test build/copies build/bin
rt_expect_summary 13 0 0 "the full run with the copies, on one worker"
sed -i 's|return x \* 5; /\* EXTRA body \*/|return x * 6; /* EXTRA body */|' "$repo/src/extra.c"
build
rt_run extra -v --affected-by HEAD build/copies build/bin
assert_eq "$(ids_ran)" "$all$copies" \
	"a source no test ran, built into every program: every test runs"
line=$(rt_line_of "$repo/src/extra.c" "EXTRA body")
assert_contains "$rr_out" "src/extra.c:$line changed, a line no test ran" "-v says why"
git -C "$repo" checkout -q -- src/extra.c
rm -r "$repo/build/copies"
build
rt_run full3 -n 2 --cov=build --cov-context=test build/bin
rt_expect_summary 4 0 0 "the full run again"

# a new test program runs with the affected ones
cat >"$repo/tests/test_new.c" <<'C'
#include "ops.h"
int main(void) { return op_add(1, 1) == 2 ? 0 : 1; }
C
build
rt_run new -v --affected-by HEAD build/bin
assert_eq "$(ids_ran)" "build/bin/test_new" "a new test runs"
assert_contains "$rr_out" "affected: build/bin/test_new: a new test (not in the recorded contexts)" \
	"-v says it is new"
rm "$repo/tests/test_new.c" "$repo/build/bin/test_new"

# contexts of another revision; no contexts
git -C "$repo" commit -qm empty --allow-empty
rt_run other -v --affected-by HEAD build/bin
assert_eq "$(ids_ran)" "$all" "contexts of another revision: everything runs"
assert_grep "$rr_out" "^affected by HEAD: the contexts were recorded at [0-9a-f]{12}, not at HEAD \([0-9a-f]{12}\): running every test$" \
	"and it says why in one line"
rt_run nostore -v --affected-by HEAD --contexts-file "$work/none.cmctx" build/bin
assert_eq "$(ids_ran)" "$all" "no contexts: everything runs"
assert_contains "$rr_out" "affected by HEAD: no recorded contexts ($work/none.cmctx:" "and it says why"
rt_run badrev --affected-by no-such-rev build/bin
rt_expect_rc 4 "a revision git does not know"
assert_contains "$rr_err" '"no-such-rev" is not a git revision here' "it says so"
printf 'covmerge-contexts 1\n\x10\0\0\0\0\0\0\0garbage' >"$work/bad.cmctx"
rt_run badstore --affected-by HEAD --contexts-file "$work/bad.cmctx" build/bin
rt_expect_rc 4 "a damaged context store"
assert_contains "$rr_err" "cannot read the contexts \"$work/bad.cmctx\": corrupt" "it names the file"

# a program built without --coverage: nothing tells what it depends on
git -C "$repo" checkout -q HEAD~1
build
"$cc" -I"$repo/include" -o "$repo/build/bin/test_nocov" "$repo/tests/test_mul_plain.c" "$repo/src/ops.c" ||
	fail "cannot build test_nocov"
rt_run full2 -n 2 --cov=build --cov-context=test build/bin
rt_expect_summary 5 0 0 "the full run with test_nocov"
rt_run none2 -v --affected-by HEAD build/bin
assert_contains "$rr_out" "affected by HEAD: 0 of 5 tests" "no change: not even test_nocov"
sed -i 's|return r + OPS_BIAS; /\* SUB body \*/|return (r + OPS_BIAS) * 1; /* SUB body */|' "$repo/src/ops.c"
build
rt_run nocov -v --affected-by HEAD build/bin
assert_eq "$(ids_ran)" "build/bin/test_nocov
build/bin/test_ops::ops::test_sub" "a change: test_sub and the program without coverage data"
assert_contains "$rr_out" "affected: build/bin/test_nocov: its program wrote no coverage data" "-v says why"
