#!/bin/bash
# Failures to write are failures, and reports are replaced all or none.
#
#  (a) standard output that cannot be written (`> /dev/full`): the table
#      and the gate's verdict are lost, so covmerge exits 1 with a message
#      (it exited 0, or 2 with a failing gate, without a word)
#  (b) several reports, one of which cannot be written (a missing
#      directory, /dev/full): no report and no export is replaced (the
#      reports before the failing one were), and no temporary file stays
#  (c) temporary files: written unnamed (O_TMPFILE) and named only to be
#      renamed into place, so a killed run leaves none; temporaries of our
#      naming left by a dead process are removed by the next write of the
#      same report, those of a live one are kept
#  (d) two reports (or a report and --export) naming one file: a usage
#      error, nothing written; for runner --cov-report too
#
# The data are real: the shards fixture built with gcc --coverage and run.
set -euo pipefail
# shellcheck source=tests/lib/shards.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/shards.sh"
lib_setup
need_tool strace strace

B=$work/build
fixture_build "$cc" "$B"
run_into "$work/s1" 0 "$B/one/counter" 1
expect_ok ref -q --report "lcov:$work/ref.info" "$work/s1"

# ------------------------------------------------------------ (a) stdout
for args in "" "--report term-missing" "--fail-under 100" "-q --fail-under 100"; do
	rc=0
	# shellcheck disable=SC2086 # args are words
	"$COVMERGE" --root "$work" $args "$work/s1" >/dev/full 2>"$work/full.err" || rc=$?
	assert_eq 1 "$rc" "(a) covmerge $args > /dev/full: exit code"
	assert_line "$work/full.err" "covmerge: cannot write to standard output: No space left on device" \
		"(a) covmerge $args > /dev/full"
done
# a report on stdout that cannot be written was an error already
rc=0
"$COVMERGE" --root "$work" -q --report lcov:- "$work/s1" >/dev/full 2>"$work/dash.err" || rc=$?
assert_eq 1 "$rc" "(a) lcov:- > /dev/full: exit code"
assert_line "$work/dash.err" "covmerge: cannot write \"-\": No space left on device" "(a) lcov:- > /dev/full"
# and a gate that fails on a writable stdout still says 2
rc=0
"$COVMERGE" --root "$work" --fail-under 100 "$work/s1" >"$work/gate.out" 2>&1 || rc=$?
assert_eq 2 "$rc" "(a) the gate alone: exit code"

# ------------------------------------------------------------ (b) all or none
mkdir -p "$work/out"
for f in r.xml r.json r.md r.cmshard; do
	echo "old $f" >"$work/out/$f"
done
olds() {
	for f in r.xml r.json r.md r.cmshard; do
		assert_eq "old $f" "$(cat "$work/out/$f")" "$1: $f was replaced"
	done
	[[ -z $(find "$work/out" -name '*.tmp*') ]] ||
		fail "$1: temporary files left: $(ls "$work/out")"
	assert_eq 4 "$(find "$work/out" -type f | wc -l)" "$1: files in out/"
}
expect_fail missing_dir -q --export "$work/out/r.cmshard" --report "xml:$work/out/r.xml" \
	--report "json:$work/out/r.json" --report "markdown:$work/out/r.md" \
	--report "lcov:$work/out/nodir/r.info" "$work/s1"
assert_line "$cm_err" "covmerge: cannot write \"$work/out/nodir/r.info\": No such file or directory" \
	"(b) a report into a missing directory"
olds "(b) a report into a missing directory"
expect_fail dev_full -q --export "$work/out/r.cmshard" --report "xml:$work/out/r.xml" \
	--report "json:$work/out/r.json" --report "markdown:$work/out/r.md" \
	--report lcov:/dev/full "$work/s1"
assert_line "$cm_err" "covmerge: cannot write \"/dev/full\": No space left on device" \
	"(b) a report into /dev/full"
olds "(b) a report into /dev/full"
# stdout failing: the files stay as they were too
rc=0
"$COVMERGE" --root "$work" --report "xml:$work/out/r.xml" --report "json:$work/out/r.json" \
	"$work/s1" >/dev/full 2>"$work/full2.err" || rc=$?
assert_eq 1 "$rc" "(b) stdout failing with file reports: exit code"
olds "(b) stdout failing with file reports"
# all writable: all replaced
expect_ok all_ok -q --export "$work/out/r.cmshard" --report "xml:$work/out/r.xml" \
	--report "json:$work/out/r.json" --report "markdown:$work/out/r.md" "$work/s1"
for f in r.xml r.json r.md r.cmshard; do
	[[ $(head -c 4 "$work/out/$f" | tr -d '\0') != "old " ]] || fail "(b) $f was not written"
done
"$PYTHON" -c 'import json, sys; json.load(open(sys.argv[1]))' "$work/out/r.json" ||
	fail "(b) r.json is not JSON"
assert_eq 4 "$(find "$work/out" -type f | wc -l)" "(b) files in out/ after a good run"

# ------------------------------------------------------------ (c) temporary files
# the report is written into an unnamed file, linked under a temporary
# name only to be renamed into place
# (LeakSanitizer cannot run under ptrace)
(cd "$work/out" && ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 strace -f -qq -o "$work/trace" -e trace=openat,linkat,rename,renameat,renameat2 \
	"$COVMERGE" --root "$work" -q --report xml:t.xml "$work/s1") ||
	fail "(c) covmerge under strace failed"
grep -q 'openat(AT_FDCWD, "\.", O_WRONLY|O_CLOEXEC|O_TMPFILE, 0666)' "$work/trace" ||
	fail "(c) no O_TMPFILE open: $(grep -v 'ENOENT' "$work/trace" | tail -5)"
grep -Eq 'linkat\(AT_FDCWD, "/proc/self/fd/[0-9]+", AT_FDCWD, "t\.xml\.tmp\.[0-9]+\.0", AT_SYMLINK_FOLLOW\) = 0' "$work/trace" ||
	fail "(c) no linkat of the unnamed file: $(tail -5 "$work/trace")"
grep -Eq 'rename\("t\.xml\.tmp\.[0-9]+\.0", "t\.xml"\) = 0' "$work/trace" ||
	fail "(c) no rename into place: $(tail -5 "$work/trace")"
# no other file is created in out/ (a named temporary would be)
if grep -E 'openat\(AT_FDCWD, "[^"]*", [^)]*O_CREAT' "$work/trace" | grep -q 't\.xml'; then
	fail "(c) a named file was created: $(grep O_CREAT "$work/trace")"
fi
# stale temporaries of a dead process go; those of a live one stay
sh -c 'exit 0' &
dead=$!
wait "$dead"
kill -0 "$dead" 2>/dev/null && fail "setup: process $dead is still alive"
echo stale >"$work/out/t.xml.tmp.$dead.aB3dE9"
echo stale >"$work/out/t.xml.tmp.$dead.0"
echo live >"$work/out/t.xml.tmp.$$.Zx81Qa"
echo other >"$work/out/u.xml.tmp.$dead.aB3dE9"
expect_ok stale -q --report "xml:$work/out/t.xml" "$work/s1"
[[ ! -e $work/out/t.xml.tmp.$dead.aB3dE9 && ! -e $work/out/t.xml.tmp.$dead.0 ]] ||
	fail "(c) the temporaries of dead process $dead stayed: $(ls "$work/out")"
[[ -f $work/out/t.xml.tmp.$$.Zx81Qa ]] || fail "(c) the temporary of live process $$ was removed"
[[ -f $work/out/u.xml.tmp.$dead.aB3dE9 ]] || fail "(c) another report's temporary was removed"
rm -f "$work/out/t.xml.tmp.$$.Zx81Qa" "$work/out/u.xml.tmp.$dead.aB3dE9"

# ------------------------------------------------------------ (d) one file, two reports
rm -rf "$work/d"
mkdir -p "$work/d"
check_clash() {
	local what=$1 shown=$2
	shift 2
	run_cm clash -q "$@" "$work/s1"
	assert_eq 1 "$cm_rc" "(d) $what: exit code"
	assert_line "$cm_err" "covmerge: \"$shown\" is named by two outputs (--report, --export, --write-baseline): each needs its own file" \
		"(d) $what"
	assert_eq 0 "$(find "$work/d" -type f | wc -l)" "(d) $what: files written"
}
check_clash "the same path" "$work/d/r.out" --report "xml:$work/d/r.out" --report "lcov:$work/d/r.out"
check_clash "a path spelled two ways" "$work/d/../d/r.out" --report "xml:$work/d/r.out" --report "json:$work/d/../d/r.out"
check_clash "a report and the export" "$work/d/r.out" --report "xml:$work/d/r.out" --export "$work/d/r.out"
check_clash "a report and the baseline" "$work/d/r.out" --report "xml:$work/d/r.out" --write-baseline "$work/d/r.out"
echo old >"$work/d/real"
ln -s real "$work/d/link"
run_cm clash_link -q --report "xml:$work/d/real" --report "lcov:$work/d/link" "$work/s1"
assert_eq 1 "$cm_rc" "(d) a file and a symbolic link to it: exit code"
assert_eq old "$(cat "$work/d/real")" "(d) a file and a symbolic link to it: the file"
# stdout and devices may take several
expect_ok two_dashes -q --report lcov:- --report json:- "$work/s1"
expect_ok two_null -q --report lcov:/dev/null --report json:/dev/null "$work/s1"
if [[ -n ${RUNNER:-} && -x $RUNNER ]]; then
	rc=0
	"$RUNNER" --cov-report "xml:$work/d/x" --cov-export "$work/d/x" "$B/one/counter" \
		>"$work/rclash.out" 2>"$work/rclash.err" || rc=$?
	assert_eq 4 "$rc" "(d) runner --cov-report and --cov-export into one file: exit code"
	assert_line "$work/rclash.err" "runner: \"$work/d/x\" is named by two outputs (--cov-report, --cov-export): each needs its own file" \
		"(d) runner"
fi
note "output failures: all refused, nothing replaced, no temporaries left"
