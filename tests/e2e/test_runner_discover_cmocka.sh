#!/bin/bash
# runner: a directory argument finds the programs named test_*, *_test,
# *_tests, and also every executable that links cmocka (a NEEDED entry of
# its ELF dynamic section, read natively), whatever its name: libssh names
# its programs torture_*. Shared libraries that link cmocka, plain
# programs with other names, and files that only look like ELF are not
# collected, and never crash the runner.
set -euo pipefail
# shellcheck source=tests/lib/runner.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/runner.sh"
rt_setup

RT_NOCOV=1
rt_build suite/torture_pie cm_pass.c lib.c -lcmocka -fPIE -pie
rt_build suite/sub/torture_nopie cm_pass.c lib.c -lcmocka -fno-PIE -no-pie
rt_build suite/test_plain pass.c
rt_build suite/helper pass.c
# a shared library that links cmocka is no test program
"$cc" -shared -fPIC -o "$work/bin/suite/libhelper.so" "$work/src/lib.c" -lcmocka ||
	fail "cannot build libhelper.so"
chmod +x "$work/bin/suite/libhelper.so"
# files that start like ELF but are cut short or garbage
head -c 300 "$work/bin/suite/torture_pie" >"$work/bin/suite/torture_cut"
{ printf '\177ELF\002\001\001'; head -c 4000 /dev/zero | tr '\0' '\377'; } >"$work/bin/suite/torture_junk"
printf '#!/bin/sh\necho libcmocka.so\n' >"$work/bin/suite/torture_script"
chmod +x "$work/bin/suite/torture_cut" "$work/bin/suite/torture_junk" "$work/bin/suite/torture_script"

rt_run dir -n 2 -v bin/suite
rt_expect_results "directory with torture_* programs" <<'EOF2'
PASSED bin/suite/sub/torture_nopie::gamma::gamma_add
PASSED bin/suite/sub/torture_nopie::gamma::gamma_neg
PASSED bin/suite/sub/torture_nopie::gamma::gamma_zero
PASSED bin/suite/test_plain
PASSED bin/suite/torture_pie::gamma::gamma_add
PASSED bin/suite/torture_pie::gamma::gamma_neg
PASSED bin/suite/torture_pie::gamma::gamma_zero
EOF2
rt_expect_summary 7 0 0 "directory with torture_* programs"
rt_expect_rc 0 "directory with torture_* programs"
grep -q "collected 7 items from 3 programs" "$rr_out" ||
	fail "header: $(head -3 "$rr_out")"

# only cmocka programs under other names: still collected
rt_run only -n 1 -v bin/suite/sub
rt_expect_summary 3 0 0 "a directory holding only torture_nopie"

note "ok"
