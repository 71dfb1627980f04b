#!/usr/bin/env bash
# A cmocka program whose tests are split between the parallel phase and the
# serial one must not run unfiltered under --dist loadfile or no: each
# result belongs to its own test.
set -euo pipefail
# shellcheck source=tests/lib/test-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/test-lib.sh"
need_runner
tl_workdir
cd "$work"
cat >t.c <<'C'
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
static void ta(void **s) { (void)s; }
static void tb(void **s) { (void)s; fail_msg("tb fails"); }
int main(void)
{
	const struct CMUnitTest t[] = { cmocka_unit_test(ta), cmocka_unit_test(tb) };
	return cmocka_run_group_tests_name("grp", t, NULL, NULL);
}
C
gcc t.c -o test_split -lcmocka
for dist in loadfile no load; do
	rc=0
	"$RUNNER" -n 2 --dist "$dist" --serial tb -v ./test_split >out 2>&1 || rc=$?
	((rc == 1)) || fail "--dist $dist: exit $rc, expected 1: $(cat out)"
	grep -qx '\[gw0\] PASSED test_split::grp::ta [0-9.]*s' out ||
		grep -qx '\[gw1\] PASSED test_split::grp::ta [0-9.]*s' out ||
		fail "--dist $dist: ta not passed: $(cat out)"
	grep -qx '\[gw0\] FAILED test_split::grp::tb [0-9.]*s' out ||
		fail "--dist $dist: tb not failed on gw0 (serial): $(cat out)"
	tail -n 1 out | grep -qx 'runner: 1 passed, 1 failed, 0 skipped' ||
		fail "--dist $dist: $(tail -n 1 out)"
done
echo "test_runner_serial_split: ok"
