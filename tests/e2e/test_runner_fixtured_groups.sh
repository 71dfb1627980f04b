#!/bin/bash
# runner: a cmocka group with a group set-up or tear-down is one scope
# under the default --dist load (its tests run in one process on one
# worker, the set-up once); a group without them is still split per test;
# --split-fixtured-groups splits fixtured groups too (an opt-in, for
# --dist load only).
#
# The fixture (cm_fixture_file.c) is shaped like libssh's torture tests:
# the set-up of group "files" writes fixture_file.txt in the working
# directory, its four tests read it back, the tear-down deletes it. The
# issue's bar: 20 runs out of 20 pass with -n 4 and the default --dist.
set -euo pipefail
# shellcheck source=tests/lib/runner.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/runner.sh"
rt_setup

RT_NOCOV=1
rt_build cm/test_fixture_file cm_fixture_file.c -lcmocka
RT_ENV=("RT_ENV_DIR=$work/env")

# count WHAT: how many processes left $work/env/WHAT.<pid>
count() {
	find "$work/env" -name "$1.*" | wc -l
}

expect_all_passed() {
	rt_expect_results "$1" <<'EOF2'
PASSED bin/cm/test_fixture_file::files::files_one
PASSED bin/cm/test_fixture_file::files::files_two
PASSED bin/cm/test_fixture_file::files::files_three
PASSED bin/cm/test_fixture_file::files::files_four
PASSED bin/cm/test_fixture_file::plain::plain_one
PASSED bin/cm/test_fixture_file::plain::plain_two
PASSED bin/cm/test_fixture_file::plain::plain_three
EOF2
	rt_expect_summary 7 0 0 "$1"
	rt_expect_rc 0 "$1"
}

# ------------------------------------------------ default: one scope
rt_run default -n 4 -v bin/cm
expect_all_passed "-n 4 (default --dist load)"
(($(count setup-files) == 1)) ||
	fail "-n 4: the set-up of group files ran in $(count setup-files) processes, expected 1"
(($(count plain) == 3)) ||
	fail "-n 4: the 3 tests of group plain (no fixtures) ran in $(count plain) processes, expected one each"
n=$(rt_results "$rr_out" | grep '::files::' | awk '{print $3}' | sort -u | wc -l)
((n == 1)) || fail "-n 4: the tests of group files ran on $n workers, expected 1"
[[ ! -e $work/fixture_file.txt ]] || fail "the tear-down did not run: fixture_file.txt is left"

# the sequential reference runs the group once too
rm -f "$work"/env/*
rt_run seq -n 0 -v bin/cm
expect_all_passed "-n 0"
(($(count setup-files) == 1)) || fail "-n 0: the set-up ran $(count setup-files) times, expected 1"

# -k picks part of a fixtured group: still one process, set-up once
rm -f "$work"/env/*
rt_run part -n 4 -v -k files_t bin/cm
rt_expect_results "-k files_t" <<'EOF2'
PASSED bin/cm/test_fixture_file::files::files_two
PASSED bin/cm/test_fixture_file::files::files_three
EOF2
(($(count setup-files) == 1)) || fail "-k files_t: the set-up ran $(count setup-files) times, expected 1"

# ------------------------------------------------ 20 runs out of 20
for i in $(seq 1 20); do
	rm -f "$work"/env/*
	rt_run "loop$i" -n 4 -v bin/cm
	expect_all_passed "-n 4, run $i of 20"
done

# ------------------------------------------------ the opt-in
rm -f "$work"/env/*
rt_run split -n 4 -v --split-fixtured-groups --no-rerun-alone bin/cm
((rr_rc == 0 || rr_rc == 1)) || fail "--split-fixtured-groups exited $rr_rc"
(($(count setup-files) == 4)) ||
	fail "--split-fixtured-groups: the set-up ran in $(count setup-files) processes, expected 4 (one per test)"
(($(rt_results "$rr_out" | wc -l) == 7)) || fail "--split-fixtured-groups: not 7 results:
$(cat "$rr_out")"
rm -f "$work/fixture_file.txt"

rt_run split_scope -n 4 --dist loadscope --split-fixtured-groups bin/cm
rt_expect_rc 4 "--split-fixtured-groups with --dist loadscope"
grep -qF -- "--split-fixtured-groups needs --dist load" "$rr_err" ||
	fail "--split-fixtured-groups --dist loadscope: message: $(cat "$rr_err")"

note "ok"
