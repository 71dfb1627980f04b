#!/bin/bash
# tests/lib/test-lib.sh at the end of a test: the exit hooks run (removing
# $work, stopping servers) and the plan is printed whether the test passed,
# failed an assertion, or stopped on a failing command under set -e; a
# hook sees the test's exit status in $?.
set -euo pipefail
# shellcheck source=tests/lib/test-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/test-lib.sh"
tl_workdir
work=$(cd "$work" && pwd -P)

# probe NAME BODY: a test script that registers a hook writing $? to
# $work/NAME.hook, then runs BODY; its output in $work/NAME.out, its
# status in $work/NAME.rc.
probe() {
	cat >"$work/$1.sh" <<EOF
set -euo pipefail
. "$CM_SOURCE_DIR/tests/lib/test-lib.sh"
tl_at_exit 'echo "\$?" >"$work/$1.hook"'
$2
EOF
	local rc=0
	(unset CM_KEEP_TMP; bash "$work/$1.sh") >"$work/$1.out" 2>/dev/null || rc=$?
	echo "$rc" >"$work/$1.rc"
}

probe pass 'ok "one"'
assert_eq "0 0" "$(cat "$work/pass.rc") $(cat "$work/pass.hook" 2>&1)" \
	"a passing test: status 0, its hook ran and saw 0"
assert_eq "ok 1 - one
1..1" "$(cat "$work/pass.out")" "a passing test: its assertion and the plan"

probe failed 'ok "one"; fail "two"; ok "never"'
assert_eq "1 1" "$(cat "$work/failed.rc") $(cat "$work/failed.hook" 2>&1)" \
	"a failed assertion: status 1, the hook ran and saw 1"
assert_eq "ok 1 - one
not ok 2 - two
1..2" "$(cat "$work/failed.out")" "a failed assertion: the plan is printed"

probe stopped 'ok "one"; false; ok "never"'
assert_eq "1 1" "$(cat "$work/stopped.rc") $(cat "$work/stopped.hook" 2>&1)" \
	"a command failing under set -e: status 1, the hook ran and saw 1"
assert_eq "ok 1 - one
not ok 2 - stopped ended with status 1
1..2" "$(cat "$work/stopped.out")" "a command failing under set -e: a not ok and the plan"
