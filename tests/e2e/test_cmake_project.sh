#!/bin/bash
# A real CMake project, measured as a new user would: the same total from
# its source directory, from its build directory and from an unrelated
# directory, and that total is gcov's (issue 9, items 2, 3, 4 and 1).
#
# tests/fixtures/cmake_project (see its README.md) is configured with
# gcc-12 and -DCMAKE_C_FLAGS=--coverage into $work/build (beside the
# sources in $work/src) and its CTest test runs with
# GCOV_PREFIX=$work/shard GCOV_PREFIX_STRIP=0. Then:
# 1. covmerge $work/shard, with no option, from $work/src, $work/build and
#    /, writes the same lcov tracefile and the same table each time, with
#    nothing on stderr; the default root is the project's source tree
#    (CMAKE_HOME_DIRECTORY), so the table names src/calc.c.
# 2. That tracefile equals gcov's own numbers (gcov-12 JSON on the shard,
#    oracle_compare.py), never-run objects included: tools/unused.c, whose
#    object lies in a directory of the build tree with no data file, is
#    found without --object-dir; the TEST_IMPL line counts both functions.
# 3. CMake's compiler probe (CMakeCCompilerId.c, built with --coverage and
#    never run) is not in the report, unless an --include names it.
# 4. A --root that leaves measured files out: one note line (how many, the
#    first), and the gate message says its total is over the files
#    reported.
# 5. runner --ctest BUILD --cov=BUILD, from the source, build and an
#    unrelated directory: the same tracefile as covmerge.
# 6. runner --ctest BUILD --cov (no PATH: the current directory, which
#    holds no notes file) from the source and an unrelated directory, and
#    covmerge on that coverage directory: the same tracefile again, the
#    never-run object included.
# 7. The build tree through a symbolic link (runner --ctest LINK
#    --cov=LINK, covmerge --object-dir LINK): the same tracefile, each
#    object once.
# 8. The CMake project in a subdirectory (cmake/CMakeLists.txt, as zstd's
#    build/cmake): the default root is the deepest directory holding the
#    sources, not CMAKE_HOME_DIRECTORY, which holds none of them.
set -euo pipefail
# shellcheck source=tests/lib/oracle.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/oracle.sh"
e2e_setup
work=$(cd "$work" && pwd -P)
use_gcc 12
need_tool cmake cmake
need_tool ctest cmake
: "${RUNNER:?RUNNER must name the runner binary}"

src=$work/src
b=$work/build
shard=$work/shard
mkdir -p "$work/elsewhere"
cp -R "$fixture_dir/cmake_project" "$src"
CC=$cc cmake -S "$src" -B "$b" -DCMAKE_C_FLAGS=--coverage >"$work/cmake.log" 2>&1 ||
	die "configuring the fixture failed: $(cat "$work/cmake.log")"
cmake --build "$b" -j2 >>"$work/cmake.log" 2>&1 ||
	die "building the fixture failed: $(cat "$work/cmake.log")"
probe=$(find "$b/CMakeFiles" -name '*CMakeCCompilerId.gcno' | head -n 1)
[[ -n $probe ]] || die "setup: CMake's compiler probe has no notes file"
[[ -f $b/CMakeFiles/cmfix_tools.dir/tools/unused.c.gcno ]] || die "setup: no notes for unused.c"
(cd "$b" && GCOV_PREFIX=$shard GCOV_PREFIX_STRIP=0 ctest --output-on-failure) \
	>"$work/ctest.log" 2>&1 || die "the fixture's test failed: $(cat "$work/ctest.log")"
[[ -z $(find "$b" -name '*.gcda') ]] || die "setup: data written into the build tree"

# cm NAME DIR ARG...: covmerge ARG... run in DIR; stdout, stderr and exit
# code in $work/NAME.out, $work/NAME.err, cm_rc
cm() {
	local name=$1 dir=$2
	shift 2
	cm_rc=0
	(cd "$dir" && "$COVMERGE" "$@") >"$work/$name.out" 2>"$work/$name.err" || cm_rc=$?
}

# 1. the same report from anywhere
for where in src build elsewhere; do
	case $where in
	src) dir=$src ;;
	build) dir=$b ;;
	elsewhere) dir=/ ;;
	esac
	cm "$where" "$dir" --report "lcov:$work/$where.info" --report term-missing "$shard"
	((cm_rc == 0)) || die "from $dir: covmerge exited $cm_rc: $(cat "$work/$where.err")"
	[[ ! -s $work/$where.err ]] || die "from $dir: stderr: $(cat "$work/$where.err")"
done
# assert_same_file A B WHAT
assert_same_file() { cmp -s "$1" "$2" || die "$3: $(diff "$1" "$2" | head -20)"; }
for where in build elsewhere; do
	assert_same_file "$work/src.info" "$work/$where.info" "the lcov report from the $where directory differs"
	assert_same_file "$work/src.out" "$work/$where.out" "the table from the $where directory differs"
done
grep -Eq '^src/calc\.c +8 +3 ' "$work/src.out" || die "no row src/calc.c 8 3: $(cat "$work/src.out")"
grep -Eq '^tools/unused\.c +3 +3 +0% ' "$work/src.out" ||
	die "the never-run tools/unused.c is not at 0%: $(cat "$work/src.out")"
grep -q '^covmerge: 4 objects (2 never run), 2 data files$' "$work/src.out" ||
	die "header: $(head -n 1 "$work/src.out")"

# 2. gcov's numbers (the probe left out of the oracle's build tree)
mv "$probe" "$work/probe.gcno"
make_oracle "$b" "$work/oracle" "$shard"
mv "$work/probe.gcno" "$probe"
"$PYTHON" "$compare_py" --label "cmake project" --json-dir "$work/oracle/json" \
	--lcov "$work/src.info" || die "covmerge differs from gcov"
impl=$(grep -n '^TEST_IMPL(add) {' "$src/tests/test_calc.c" | cut -d: -f1)
grep -qx "DA:$impl,2" "$work/src.info" || die "the TEST_IMPL line is not 2: $(grep "^DA:$impl," "$work/src.info")"

# 3. the compiler probe: never reported by default; an --include names it
if grep -q 'CompilerId' "$work/src.info" "$work/src.out"; then
	die "CMake's compiler probe is in the report"
fi
cm probe / --include '*/CMakeCCompilerId.c' --report "lcov:$work/probe.info" "$shard"
((cm_rc == 0)) || die "--include the probe: exit $cm_rc: $(cat "$work/probe.err")"
[[ $(grep -c '^SF:' "$work/probe.info") == 1 ]] && grep -q '^SF:.*/CMakeCCompilerId\.c$' "$work/probe.info" ||
	die "--include '*/CMakeCCompilerId.c' does not report the probe alone: $(grep '^SF:' "$work/probe.info")"

# 4. a root that leaves measured files out
cm narrow / --root "$src/src" --fail-under 50 -q "$shard"
((cm_rc == 0)) || die "--root src/src: exit $cm_rc: $(cat "$work/narrow.err")"
want="covmerge: note: 2 measured files with executable lines are not reported (outside the root \"$src/src\"), the first \"$src/tests/test_calc.c\""
[[ $(cat "$work/narrow.err") == "$want" ]] || die "--root src/src: stderr
  $(cat "$work/narrow.err")
expected
  $want"
want="Required test coverage of 50% reached. Total coverage: 62.50% over the 1 file reported (2 measured files left out)"
[[ $(cat "$work/narrow.out") == "$want" ]] || die "--root src/src: the gate says
  $(cat "$work/narrow.out")
expected
  $want"

# 5. runner --cov with --ctest, from anywhere: the same report
for where in src build elsewhere; do
	case $where in
	src) dir=$src ;;
	build) dir=$b ;;
	elsewhere) dir=$work/elsewhere ;;
	esac
	rc=0
	(cd "$dir" && "$RUNNER" -n 2 --ctest "$b" --cov="$b" --cov-dir "$work/rcov-$where" \
		--cov-report "lcov:$work/runner-$where.info") >"$work/runner-$where.out" 2>&1 || rc=$?
	((rc == 0)) || die "runner from $dir exited $rc: $(cat "$work/runner-$where.out")"
	cmp -s "$work/src.info" "$work/runner-$where.info" ||
		die "runner --cov from the $where directory differs from covmerge: $(diff "$work/src.info" "$work/runner-$where.info" | head -20)"
done

# 6. runner --cov without a PATH, from the source directory (a sibling of
# the build tree) and from an unrelated directory: the coverage directory
# lands under the current directory, which holds no notes file, so the
# objects that ran lie outside the --cov path. Their build tree is
# searched all the same: the never-run tools/unused.c is reported, by the
# runner and by covmerge on the same coverage directory, never dropped
# without a word (it was: 2 objects instead of 3, 8 lines instead of 11).
for where in src elsewhere; do
	case $where in
	src) dir=$src ;;
	elsewhere) dir=$work/elsewhere ;;
	esac
	rc=0
	(cd "$dir" && "$RUNNER" -n 2 --ctest "$b" --cov --cov-dir rcov-default \
		--cache-file "$work/cache-$where" --cov-report "lcov:$work/rdef-$where.info") \
		>"$work/rdef-$where.out" 2>&1 || rc=$?
	((rc == 0)) || die "runner --cov from $dir exited $rc: $(cat "$work/rdef-$where.out")"
	cmp -s "$work/src.info" "$work/rdef-$where.info" ||
		die "runner --cov (no PATH) from the $where directory differs from covmerge: $(diff "$work/src.info" "$work/rdef-$where.info" | head -20)"
	cm "rdefcm-$where" / --report "lcov:$work/rdefcm-$where.info" "$dir/rcov-default"
	((cm_rc == 0)) || die "covmerge on the runner's directory from $where: exit $cm_rc: $(cat "$work/rdefcm-$where.err")"
	[[ ! -s $work/rdefcm-$where.err ]] || die "covmerge on the runner's directory from $where: stderr: $(cat "$work/rdefcm-$where.err")"
	cmp -s "$work/src.info" "$work/rdefcm-$where.info" ||
		die "covmerge on the runner's directory (--cov, no PATH, from $where) differs: $(diff "$work/src.info" "$work/rdefcm-$where.info" | head -20)"
done

# 7. the build tree reached through a symbolic link: runner --ctest LINK
# --cov=LINK measures the objects whose data name the build tree by its
# real path (it reported every object as never run, 0%, without a word),
# and covmerge --object-dir LINK counts each object once (not twice)
ln -s "$b" "$work/build-link"
rc=0
(cd "$work/elsewhere" && "$RUNNER" -n 2 --ctest "$work/build-link" --cov="$work/build-link" \
	--cov-dir "$work/rcov-link" --cov-report "lcov:$work/runner-link.info") \
	>"$work/runner-link.out" 2>&1 || rc=$?
((rc == 0)) || die "runner --cov=LINK exited $rc: $(cat "$work/runner-link.out")"
cmp -s "$work/src.info" "$work/runner-link.info" ||
	die "runner --cov=LINK differs from covmerge: $(diff "$work/src.info" "$work/runner-link.info" | head -20)"
grep -q '^covmerge: 4 objects (2 never run), 2 data files$' "$work/runner-link.out" ||
	die "runner --cov=LINK: $(grep '^covmerge:' "$work/runner-link.out")"
cm linkod / --object-dir "$work/build-link" --report "lcov:$work/linkod.info" "$work/rcov-link"
((cm_rc == 0)) || die "covmerge --object-dir LINK: exit $cm_rc: $(cat "$work/linkod.err")"
grep -q '^covmerge: 4 objects (2 never run), 2 data files$' "$work/linkod.out" ||
	die "covmerge --object-dir LINK: $(head -n 1 "$work/linkod.out")"
cmp -s "$work/src.info" "$work/linkod.info" ||
	die "covmerge --object-dir LINK differs: $(diff "$work/src.info" "$work/linkod.info" | head -20)"

# 8. the CMake project in a subdirectory (zstd's and lz4's build/cmake):
# its CMAKE_HOME_DIRECTORY holds none of the sources, so the default root
# is the deepest directory holding them (it was that directory, and every
# file was left out: "no data to report")
bsub=$work/build-sub
CC=$cc cmake -S "$src/cmake" -B "$bsub" -DCMAKE_C_FLAGS=--coverage >"$work/cmake-sub.log" 2>&1 ||
	die "configuring cmake/ failed: $(cat "$work/cmake-sub.log")"
cmake --build "$bsub" -j2 >>"$work/cmake-sub.log" 2>&1 ||
	die "building cmake/ failed: $(cat "$work/cmake-sub.log")"
(cd "$bsub" && GCOV_PREFIX=$work/shard-sub GCOV_PREFIX_STRIP=0 ctest --output-on-failure) \
	>"$work/ctest-sub.log" 2>&1 || die "cmake/: the test failed: $(cat "$work/ctest-sub.log")"
cm sub / --report "lcov:$work/sub.info" --report term "$work/shard-sub"
((cm_rc == 0)) || die "cmake/: covmerge exited $cm_rc: $(cat "$work/sub.err")"
[[ ! -s $work/sub.err ]] || die "cmake/: stderr: $(cat "$work/sub.err")"
grep -Eq '^src/calc\.c +8 +3 ' "$work/sub.out" || die "cmake/: no row src/calc.c 8 3: $(cat "$work/sub.out")"
grep -Eq '^TOTAL +17 +6 +65%$' "$work/sub.out" || die "cmake/: total: $(cat "$work/sub.out")"
note "PASS: the same total from the source, build and an unrelated directory, equal to gcov"
