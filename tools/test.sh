#!/usr/bin/env bash
# Builds the project and runs its whole test suite through its own runner,
# with coverage of its own sources gated by its own covmerge.
#
#   tools/test.sh                 three passes (below), ending with the
#                                 ASan + UBSan + coverage build in build-ci/
#   tools/test.sh --no-clang      without the clang pass and the fuzzing
#   tools/test.sh --fuzz-time S   seconds per fuzz target (default 10; 0: none)
#   tools/test.sh --no-sanitize   without sanitizers (build-cov/; no clang pass)
#   tools/test.sh --no-coverage   without coverage and its gate (build-asan/,
#                                 or build-plain/ with --no-sanitize)
#   tools/test.sh --junit FILE    where the JUnit XML goes
#                                 (default: <build dir>/junit.xml)
#   CC=clang tools/test.sh        the main pass built by clang (below)
#
# Installs missing packages first (tools/setup.sh --no-build). With the
# sanitizers, the suite first runs built by clang at -O0 with ASan + UBSan
# and the libFuzzer targets (build-clang-asan/, no coverage: clang at -O0
# sees reads past a buffer that gcc -O2 folds away), then every fuzz
# target runs its budget (tools/fuzz.sh). The last pass is the main one:
# CC chooses its compiler. The suite is the project's CTest inventory,
# imported and run by `runner -n auto --dist loadscope --ctest` (a cmocka
# group and its set-up stay on one worker); coverage is measured on the
# project's own objects (tests excluded) and the run fails under 90%. The
# last line printed is the main pass's
# "runner: N passed, N failed, N skipped".
#
# With CC=clang the main pass is clang's --coverage build (LLVM's gcov
# data, read by the project's own covmerge), in build-ci-clang/ (or
# build-cov-clang/, build-asan-clang/, build-plain-clang/). With the
# sanitizers it is built at -O0 with the libFuzzer targets: it is the clang
# pass, so no separate one runs; the fuzz budget runs on it before the
# suite (--no-clang: no fuzzing).
#
# Exit status: the main pass's (0 all passed; 1 failures or coverage under
# 90%; see README), 1 when it passed but the clang pass or a fuzz target
# failed, 2 for a bad option of this script.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
sanitize=1
coverage=1
clang_pass=1
fuzz_time=10
junit=

usage() {
	sed -n '2,39s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
}

while (($#)); do
	case $1 in
	--no-sanitize) sanitize=0 ;;
	--no-coverage) coverage=0 ;;
	--no-clang) clang_pass=0 ;;
	--fuzz-time)
		(($# >= 2)) && [[ $2 =~ ^[0-9]+$ ]] ||
			{ echo "test.sh: --fuzz-time needs a number of seconds" >&2; exit 2; }
		fuzz_time=$2
		shift ;;
	--junit)
		(($# >= 2)) || { echo "test.sh: --junit needs a file" >&2; exit 2; }
		junit=$2
		shift ;;
	--junit=*) junit=${1#--junit=} ;;
	-h|--help) usage; exit 0 ;;
	*)
		echo "test.sh: unknown option \"$1\"" >&2
		usage >&2
		exit 2 ;;
	esac
	shift
done

# A relative --junit is relative to where the script was started.
if [[ -n $junit && $junit != /* ]]; then
	junit=$PWD/$junit
fi

cd "$root"
bash tools/setup.sh --no-build

# clang as the main compiler: its own build directories, and it is the
# clang pass too (with the sanitizers)
main_clang=0
if "${CC:-cc}" --version 2>/dev/null | head -n 1 | grep -q clang; then
	main_clang=1
fi

build_dir=build
cov_opt=OFF
if ((sanitize)); then
	build_dir+=-asan
	sanitize_opt=ON
	# Every sanitizer finding fails its test, with a stack.
	export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:strict_string_checks=1:check_initialization_order=1}
	export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
else
	sanitize_opt=OFF
fi
if ((coverage)); then
	build_dir=${build_dir/build-asan/build-ci}
	[[ $build_dir == build ]] && build_dir=build-cov
	cov_opt=ON
elif [[ $build_dir == build ]]; then
	build_dir=build-plain
fi
((main_clang)) && build_dir+=-clang
junit=${junit:-$root/$build_dir/junit.xml}

# The clang pass: the whole suite at -O0 with ASan + UBSan, then the fuzz
# budget. Its failure is reported here, before the main pass, so that the
# last line printed stays the main pass's count.
early_rc=0
if ((sanitize && clang_pass && !main_clang)); then
	clang_dir=build-clang-asan
	CC=clang cmake -S . -B "$clang_dir" -DCMAKE_BUILD_TYPE=Debug -DCM_SANITIZE=ON \
		-DCM_COVERAGE=OFF -DCM_FUZZ=ON -DCM_TESTS=ON
	cmake --build "$clang_dir" -j"$(nproc)"
	clang_rc=0
	"$clang_dir/runner" -n auto --dist loadscope --ctest "$clang_dir" --timeout 900 \
		--junitxml "$root/$clang_dir/junit.xml" || clang_rc=$?
	fuzz_rc=0
	if ((fuzz_time > 0)); then
		bash tools/fuzz.sh "$clang_dir" "$fuzz_time" || fuzz_rc=$?
	fi
	if ((clang_rc || fuzz_rc)); then
		((clang_rc)) && echo "test.sh: the clang ASan + UBSan pass failed (exit $clang_rc): see above and $clang_dir/junit.xml" >&2
		((fuzz_rc)) && echo "test.sh: a fuzz target found a problem (exit $fuzz_rc): see above" >&2
		early_rc=1
	fi
	echo "test.sh: clang pass done; the main pass follows"
fi

config=()
if ((main_clang && sanitize)); then
	# what the clang pass is for: -O0, and the fuzz targets
	config=(-DCMAKE_BUILD_TYPE=Debug -DCM_FUZZ="$( ((clang_pass)) && echo ON || echo OFF)")
fi
cmake -S . -B "$build_dir" -DCM_SANITIZE="$sanitize_opt" -DCM_COVERAGE="$cov_opt" -DCM_TESTS=ON \
	"${config[@]}"
cmake --build "$build_dir" -j"$(nproc)"
if ((main_clang && sanitize && clang_pass && fuzz_time > 0)); then
	# before the suite, whose last line stays last (the fuzz targets'
	# own coverage data is deleted below)
	fuzz_rc=0
	bash tools/fuzz.sh "$build_dir" "$fuzz_time" || fuzz_rc=$?
	if ((fuzz_rc)); then
		echo "test.sh: a fuzz target found a problem (exit $fuzz_rc): see above" >&2
		early_rc=1
	fi
	echo "test.sh: fuzzing done; the suite follows"
fi
mkdir -p "$(dirname "$junit")"
# gcov data left by an earlier run of an earlier build: libgcov would
# complain about its checksum, and nothing here may read stale counts
find "$build_dir" -name '*.gcda' -delete

run=("$build_dir/runner" -n auto --dist loadscope --ctest "$build_dir" --timeout 900
	--junitxml "$junit")
if ((coverage)); then
	# The project's objects live under CMakeFiles/ of the build tree; the
	# tests' own objects live under tests/ and are not measured. Many
	# tests build and run fixture programs that must write their gcov data
	# where they expect it, so the shard directory travels in
	# COVTOOLS_GCOV_PREFIX, which only this project's coverage build turns
	# into GCOV_PREFIX (at exit, before libgcov's or compiler-rt's
	# writeout: common/alloc.c).
	run+=(--cov="$build_dir/CMakeFiles" --cov-dir "$build_dir/cov"
		--cov-prefix-env COVTOOLS_GCOV_PREFIX
		--cov-report term-missing --cov-report "xml:$build_dir/coverage.xml"
		--cov-fail-under 90)
fi
main_rc=0
"${run[@]}" || main_rc=$?
if ((main_rc == 0 && early_rc)); then
	exit "$early_rc"
fi
exit "$main_rc"
