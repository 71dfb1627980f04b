#!/usr/bin/env bash
# Builds the project and runs its whole test suite with CTest.
#
#   tools/test.sh                 AddressSanitizer + UBSan build in build-asan/
#   tools/test.sh --no-sanitize   plain build in build/
#   tools/test.sh --junit FILE    where the JUnit XML goes
#                                 (default: <build dir>/junit.xml)
#
# Runs tools/setup.sh first (packages, and the plain build in build/). CC
# chooses the compiler of a new build directory. The last line printed is
# exactly "N passed, N failed, N skipped", counted from CTest's JUnit XML:
# skipped are the tests CTest did not run because they asked to be skipped
# (SKIP_RETURN_CODE, SKIP_REGULAR_EXPRESSION) or are disabled; a test that
# could not run for any other reason (missing executable, failed fixture)
# counts as failed, as CTest itself counts it.
#
# Exit status: 0 when at least one test ran and none failed, 1 otherwise,
# 2 for a bad option.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
sanitize=1
junit=

usage() {
	sed -n '2,19s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
}

while (($#)); do
	case $1 in
	--no-sanitize) sanitize=0 ;;
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
bash tools/setup.sh

if ((sanitize)); then
	build_dir=build-asan
	sanitize_opt=ON
	# Report every sanitizer finding with a stack and make it fail the test.
	export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:strict_string_checks=1:check_initialization_order=1}
	export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
else
	build_dir=build
	sanitize_opt=OFF
fi
junit=${junit:-$root/$build_dir/junit.xml}

cmake -S . -B "$build_dir" -DCM_SANITIZE="$sanitize_opt" -DCM_TESTS=ON
cmake --build "$build_dir" -j"$(nproc)"

rm -f "$junit"
mkdir -p "$(dirname "$junit")"
ctest_status=0
ctest --test-dir "$build_dir" -j2 --output-on-failure --output-junit "$junit" ||
	ctest_status=$?

if [[ ! -s $junit ]]; then
	echo "test.sh: ctest wrote no results to \"$junit\" (exit status $ctest_status)" >&2
	echo "0 passed, 0 failed, 0 skipped"
	exit 1
fi

# Prints "passed failed skipped".
counts=$(python3 - "$junit" <<'EOF'
import sys
import xml.etree.ElementTree as ET

passed = failed = skipped = 0
for case in ET.parse(sys.argv[1]).getroot().iter("testcase"):
    status = case.get("status")
    if status == "run":
        passed += 1
    elif status == "disabled":
        skipped += 1
    elif status == "notrun":
        reason = case.find("skipped")
        message = reason.get("message", "") if reason is not None else ""
        if message.startswith("SKIP_"):
            skipped += 1
        else:
            failed += 1
    else:
        failed += 1
print(passed, failed, skipped)
EOF
)
read -r passed failed skipped <<<"$counts"

status=0
if ((failed > 0)); then
	status=1
elif ((passed + failed == 0)); then
	echo "test.sh: no test ran" >&2
	status=1
elif ((ctest_status != 0)); then
	echo "test.sh: ctest failed (exit status $ctest_status) though no test did" >&2
	status=1
fi
echo "JUnit XML: $junit"
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
