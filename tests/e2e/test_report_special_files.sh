#!/usr/bin/env bash
# Reports written to a pipe or a device are written into it, never renamed
# over it (an atomic rename onto /dev/null would replace the device with a
# regular file).
set -euo pipefail
# shellcheck source=tests/lib/test-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/test-lib.sh"
need_covmerge
tl_workdir

cd "$work"
cat >m.c <<'C'
int twice(int x) { return 2 * x; }
int main(void) { return twice(0); }
C
gcc --coverage -O0 m.c -o m
./m

# a FIFO: the report arrives through it, and it stays a FIFO
mkfifo pipe
cat pipe >from_pipe &
reader=$!
"$COVMERGE" -q --root "$work" --report lcov:pipe . || fail "covmerge into a FIFO failed"
wait "$reader"
[[ -p pipe ]] || fail "the FIFO was replaced by $(stat -c %F pipe)"
grep -qx 'DA:1,1' from_pipe || fail "the FIFO did not carry the report: $(cat from_pipe)"
grep -qx 'end_of_record' from_pipe || fail "the report through the FIFO is cut short"
if compgen -G "$work/*tmp*" >/dev/null; then
	fail "a temporary file was left: $(ls "$work")"
fi

# /dev/null stays the null device
"$COVMERGE" -q --root "$work" --report lcov:/dev/null --report json:/dev/null . ||
	fail "covmerge into /dev/null failed"
[[ -c /dev/null ]] || fail "/dev/null is no longer a character device"

# a directory is an error naming it, exit 1
rc=0
"$COVMERGE" -q --root "$work" --report "lcov:$work" . 2>err || rc=$?
((rc == 1)) || fail "a directory as report path: exit $rc, expected 1"
grep -q "cannot write \"$work\": Is a directory" err || fail "message: $(cat err)"
echo "test_report_special_files: ok"
