# The end-to-end tests' library (in the manner of git's t/test-lib.sh);
# sourced by every tests/e2e/test_*.sh, directly or through one of the
# fixture libraries beside it (oracle.sh, shards.sh, runner.sh,
# portable.sh). Not a test itself.
#
# A test script prints TAP: "ok N - WHAT" for each assertion that held,
# "not ok N - WHAT" (with the cause as "# " diagnostics) for the one that
# failed, and the plan "1..N" at its end; the runner then reports each
# assertion as a test of its own (e2e/test_gate::WHAT). A script that
# ends with a failing status after its last assertion gets a "not ok"
# saying so.
#
# Environment (CTest sets all of them, see tests/CMakeLists.txt; run alone,
# as `bash tests/e2e/test_gate.sh`, the defaults are found from the
# repository):
#   CM_SOURCE_DIR  the repository root (default: two levels above this file)
#   CM_TEST_TMP    a scratch directory (default: $TMPDIR or /tmp); each test
#                  makes its own directory $work under it and removes it at
#                  exit (CM_KEEP_TMP=1 keeps it)
#   COVMERGE       the covmerge binary   (default: the newest of build*/covmerge)
#   RUNNER         the runner binary     (default: the newest of build*/runner)
# shellcheck shell=bash
# shellcheck disable=SC2034  # globals set here are used by the tests

test_name=$(basename "$0" .sh)
test_lib_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
: "${CM_SOURCE_DIR:=$(cd "$test_lib_dir/../.." && pwd -P)}"
: "${CM_TEST_TMP:=${TMPDIR:-/tmp}}"
export CM_SOURCE_DIR CM_TEST_TMP

# The newest build of PROGRAM under the repository (build*/PROGRAM).
tl_default_binary() {
	local newest="" f
	for f in "$CM_SOURCE_DIR"/build*/"$1"; do
		[[ -x $f && -f $f ]] || continue
		if [[ -z $newest || $f -nt $newest ]]; then
			newest=$f
		fi
	done
	printf '%s\n' "$newest"
}
if [[ -z ${COVMERGE:-} ]]; then
	COVMERGE=$(tl_default_binary covmerge)
fi
if [[ -z ${RUNNER:-} ]]; then
	RUNNER=$(tl_default_binary runner)
fi
export COVMERGE RUNNER

# ---------------------------------------------------------------- TAP

# The count lives in a file, so that assertions in subshells (the
# sections of portable.sh, command substitutions) are numbered on.
tl_tap_file=$(mktemp "${TMPDIR:-/tmp}/tap-count.XXXXXX")
echo "0 0" >"$tl_tap_file"
tl_exit_hooks=()

# tl_count [failed]: the next test number, in $tap_count.
tl_count() {
	local n f
	read -r n f <"$tl_tap_file"
	n=$((n + 1))
	[[ ${1:-} == failed ]] && f=1
	echo "$n $f" >"$tl_tap_file"
	tap_count=$n
}

# ok WHAT: one assertion held.
ok() {
	tl_count
	printf 'ok %d - %s\n' "$tap_count" "$(tl_desc "$*")"
}

# The description of a TAP line: one line, no '#' (which would start a
# TAP directive).
tl_desc() {
	local d=${1//$'\n'/ }
	printf '%s' "${d//#/No.}"
}

# Text as TAP diagnostics ("# " before every line).
tl_diag() {
	local line
	while IFS= read -r line; do
		printf '# %s\n' "$line"
	done <<<"$1"
}

# fail MESSAGE: the assertion failed; the test ends with status 1. The
# first line of MESSAGE names the check, the rest is diagnostics.
fail() {
	tl_count failed
	printf 'not ok %d - %s\n' "$tap_count" "$(tl_desc "${1%%$'\n'*}")"
	tl_diag "$test_name: FAIL: $*" >&2
	exit 1
}
die() { fail "$@"; }

# note TEXT: a remark, as a TAP diagnostic.
note() {
	tl_diag "$test_name: $*"
}

# tl_at_exit COMMAND: run COMMAND when the test ends (before the plan), in
# the order registered; $? is the test's exit status while it runs.
tl_at_exit() {
	tl_exit_hooks+=("$1")
}

# tl_at_exit_first COMMAND: the same, before every command registered so
# far (what must happen while $work still exists).
tl_at_exit_first() {
	tl_exit_hooks=("$1" "${tl_exit_hooks[@]}")
}

tl_exit() {
	local rc=$? hook n failed
	# Under the test's set -e, the "(exit $rc)" below would end the shell
	# at once when the test failed: no hook would run, no plan be printed.
	set +e
	for hook in "${tl_exit_hooks[@]}"; do
		(exit "$rc")
		eval "$hook" || true
	done
	read -r n failed <"$tl_tap_file"
	if ((rc != 0 && !failed)); then
		tl_count failed
		printf 'not ok %d - %s ended with status %d\n' "$tap_count" \
			"$test_name" "$rc"
	elif ((rc == 0 && n == 0)); then
		ok "$test_name"
	fi
	read -r n failed <"$tl_tap_file"
	rm -f "$tl_tap_file"
	printf '1..%d\n' "$n"
	# a "not ok" line (a relayed check, say) fails the test
	((rc == 0 && failed)) && rc=1
	exit "$rc"
}
trap tl_exit EXIT

# ---------------------------------------------------------------- set-up

# tl_workdir: makes $work, a fresh directory under $CM_TEST_TMP (physical
# path), removed at exit unless CM_KEEP_TMP=1.
tl_workdir() {
	mkdir -p "$CM_TEST_TMP"
	work=$(mktemp -d "$(cd "$CM_TEST_TMP" && pwd -P)/$test_name.XXXXXX")
	tl_at_exit tl_remove_work
}

tl_remove_work() {
	if [[ ${CM_KEEP_TMP:-} == 1 ]]; then
		note "kept $work" >&2
	else
		rm -rf "$work"
	fi
}

# need_tool PROGRAM PACKAGE: a missing tool fails the test (never a skip).
need_tool() {
	command -v "$1" >/dev/null 2>&1 ||
		fail "$1 is not installed; install it with: apt-get install $2"
}

# tl_relay_checks OUT RC NAME ERR: a checking script's "ok WHAT" and
# "not ok WHAT" lines (OUT) as this test's TAP lines, its other lines as
# comments; a non-zero RC with no failed check fails, showing ERR.
tl_relay_checks() {
	local out=$1 rc=$2 name=$3 err=$4 line failed=0
	while IFS= read -r line; do
		case $line in
		"ok "*) ok "${line#ok }" ;;
		"not ok "*)
			failed=1
			tl_count failed
			printf 'not ok %d - %s\n' "$tap_count" "$(tl_desc "${line#not ok }")" ;;
		"# "*) printf '%s\n' "$line" ;;
		*) printf '# %s\n' "$line" ;;
		esac
	done <"$out"
	if ((rc != 0 && !failed)); then
		fail "$name exited $rc without a failed check:
$(cat "$err")"
	fi
}

# git_repo DIR: a new git repository in DIR (created) on branch main, with
# a committer identity of its own, and the shell in it.
git_repo() {
	mkdir -p "$1"
	cd "$1" || fail "cannot enter $1"
	git init -q -b main
	git config user.email test@example.invalid
	git config user.name test
}

# need_covmerge, need_runner: the binary must exist (build the project).
need_covmerge() {
	[[ -n $COVMERGE && -x $COVMERGE ]] ||
		fail "COVMERGE=$COVMERGE is not an executable file (build the project first)"
	COVMERGE=$(cd "$(dirname "$COVMERGE")" && pwd -P)/$(basename "$COVMERGE")
}
need_runner() {
	[[ -n $RUNNER && -x $RUNNER ]] ||
		fail "RUNNER=$RUNNER is not an executable file (build the project first)"
	RUNNER=$(cd "$(dirname "$RUNNER")" && pwd -P)/$(basename "$RUNNER")
}

# need_python: sets $PYTHON (/usr/bin first: a python3 found by PATH may be
# a slow pyenv shim).
need_python() {
	PYTHON=/usr/bin/python3
	[[ -x $PYTHON ]] || PYTHON=$(command -v python3) ||
		fail "python3 is not installed (apt-get install python3)"
}

# ---------------------------------------------------------------- asserts

# assert_eq EXPECTED ACTUAL WHAT
assert_eq() {
	if [[ $1 == "$2" ]]; then
		ok "$3"
	elif [[ $1 == *$'\n'* || $2 == *$'\n'* ]]; then
		fail "$3: expected and actual differ:
$(diff <(printf '%s\n' "$1") <(printf '%s\n' "$2") | head -40)"
	else
		fail "$3: expected \"$1\", got \"$2\""
	fi
}

# assert_contains FILE TEXT WHAT: FILE has TEXT (fixed string) in it.
assert_contains() {
	grep -qF -- "$2" "$1" || fail "$3: \"$2\" not found in $(basename "$1"):
$(cat "$1")"
	ok "$3"
}

# assert_fixed FILE TEXT WHAT: the same as assert_contains.
assert_fixed() {
	assert_contains "$@"
}

# assert_not_contains FILE TEXT WHAT
assert_not_contains() {
	! grep -qF -- "$2" "$1" || fail "$3: \"$2\" unexpectedly found in $(basename "$1"):
$(cat "$1")"
	ok "$3"
}

# assert_line FILE LINE WHAT: FILE has a line exactly equal to LINE.
assert_line() {
	grep -qxF -- "$2" "$1" || fail "$3: no line \"$2\" in $(basename "$1"):
$(cat "$1")"
	ok "$3"
}

# assert_empty FILE WHAT
assert_empty() {
	[[ ! -s $1 ]] || fail "$2: $(basename "$1") is not empty:
$(cat "$1")"
	ok "$2"
}

# assert_same A B WHAT: the two files are byte-identical.
assert_same() {
	[[ -f $1 ]] || fail "$3: no file $1"
	[[ -f $2 ]] || fail "$3: no file $2"
	cmp -s "$1" "$2" || fail "$3: $1 and $2 differ:
$(diff "$1" "$2" | head -40)"
	ok "$3"
}

# assert_grep FILE REGEX WHAT, assert_no_grep FILE REGEX WHAT
assert_grep() {
	grep -qE -- "$2" "$1" || fail "$3: /$2/ not found in $(basename "$1"):
$(head -c 4000 "$1")"
	ok "$3"
}
assert_no_grep() {
	! grep -qE -- "$2" "$1" || fail "$3: /$2/ unexpectedly found in $(basename "$1"):
$(grep -E -- "$2" "$1" | head -20)"
	ok "$3"
}
