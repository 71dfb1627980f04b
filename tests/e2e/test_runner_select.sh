#!/bin/bash
# runner: selection and exit codes. -k (substring, glob, "not"), --lf
# (only the tests that failed last time; all of them when none did), -x
# and --maxfail (stop early), and the exit codes 0 all passed, 1 failed,
# 4 usage error (bad options, paths that name nothing), 5 no tests
# collected.
set -euo pipefail
# shellcheck source=tests/lib/runner.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/runner.sh"
rt_setup

RT_NOCOV=1
rt_build test_a_fail fail.c
rt_build test_b_pass pass.c
rt_build test_c_fail fail.c
rt_build test_d_pass pass.c
rt_build test_e_fail fail.c
rt_build cm/test_cm_groups cm_groups.c lib.c -lcmocka
mkdir -p "$work/empty"

# ------------------------------------------------------------ -k
rt_run k_sub -n 2 -v -k _pass bin
rt_expect_rc 0 "-k _pass"
rt_expect_summary 2 0 0 "-k _pass"
rt_expect_results "-k _pass" <<'EOF'
PASSED bin/test_b_pass
PASSED bin/test_d_pass
EOF
grep -qx 'collected 2 items from 6 programs (9 deselected)' "$rr_out" ||
	fail "-k _pass: collection line $(grep collected "$rr_out")"

rt_run k_glob -n 2 -v -k 'not _pass' -k '*_[ac]_*' bin
rt_expect_rc 1 "-k glob"
rt_expect_summary 0 2 0 "-k glob"
rt_expect_results "-k glob" <<'EOF'
FAILED bin/test_a_fail
FAILED bin/test_c_fail
EOF

rt_run k_cm -n 2 -v -k 'alpha_' -k 'not fail' bin
rt_expect_rc 0 "-k on cmocka tests"
rt_expect_summary 2 0 1 "-k on cmocka tests"
rt_expect_results "-k on cmocka tests" <<'EOF'
PASSED bin/cm/test_cm_groups::alpha::alpha_add
PASSED bin/cm/test_cm_groups::alpha::alpha_classify
SKIPPED bin/cm/test_cm_groups::alpha::alpha_skip
EOF

rt_run k_none -n 2 -k nomatch bin
rt_expect_rc 5 "-k that selects nothing"
rt_expect_summary 0 0 0 "-k that selects nothing"

# ------------------------------------------------------------ --lf
rm -f "$work/.runner-cache"
rt_run lf0 -n 2 bin
rt_expect_rc 1 "first run"
rt_expect_summary 6 4 1 "first run"
rt_run lf1 -n 2 -v --lf bin
rt_expect_rc 1 "--lf"
rt_expect_summary 0 4 0 "--lf"
rt_expect_results "--lf" <<'EOF'
FAILED bin/test_a_fail
FAILED bin/test_c_fail
FAILED bin/test_e_fail
FAILED bin/cm/test_cm_groups::alpha::alpha_fail
EOF
# the failing plain programs pass this time: --lf reruns them only
RT_ENV=(RT_FAIL=0)
rt_run lf2 -n 2 -v --lf -k 'not cm/' bin
rt_expect_rc 0 "--lf, now passing"
rt_expect_results "--lf, now passing" <<'EOF'
PASSED bin/test_a_fail
PASSED bin/test_c_fail
PASSED bin/test_e_fail
EOF
# one failure left (the cmocka test)
rt_run lf3 -n 2 -v --lf bin
rt_expect_rc 1 "--lf, one failure left"
rt_expect_results "--lf, one failure left" <<'EOF'
FAILED bin/cm/test_cm_groups::alpha::alpha_fail
EOF
# no failures recorded: --lf runs everything (as pytest does)
rt_run lf4 -n 2 --cache-file "$work/c.ok" bin/test_b_pass bin/test_d_pass
rt_expect_rc 0 "all pass, own cache file"
rt_run lf5 -n 2 -v --lf --cache-file "$work/c.ok" bin/test_a_fail bin/test_b_pass bin/test_d_pass
rt_expect_rc 0 "--lf, nothing failed last time"
rt_expect_results "--lf, nothing failed last time" <<'EOF2'
PASSED bin/test_a_fail
PASSED bin/test_b_pass
PASSED bin/test_d_pass
EOF2

# ------------------------------------------------------------ -x, --maxfail
RT_ENV=()
rt_run x -n 0 -v -x bin/test_a_fail bin/test_b_pass bin/test_c_fail bin/test_d_pass
rt_expect_rc 1 "-x"
rt_expect_summary 0 1 0 "-x"
rt_expect_results "-x" <<'EOF'
FAILED bin/test_a_fail
EOF
rt_run maxfail -n 0 -v --maxfail 2 bin/test_a_fail bin/test_b_pass bin/test_c_fail bin/test_d_pass bin/test_e_fail
rt_expect_rc 1 "--maxfail 2"
rt_expect_summary 1 2 0 "--maxfail 2"
rt_expect_results "--maxfail 2" <<'EOF'
FAILED bin/test_a_fail
PASSED bin/test_b_pass
FAILED bin/test_c_fail
EOF
rt_run x2 -n 2 -x bin/test_a_fail bin/test_b_pass bin/test_c_fail bin/test_d_pass bin/test_e_fail
rt_expect_rc 1 "-n 2 -x"
n=$(grep -Eo '^(runner: )?[0-9]+ passed, [0-9]+ failed' "$rr_out" | tail -1 | grep -Eo '[0-9]+ (passed|failed)' | awk '{s += $1} END {print s}')
((n < 5)) || fail "-n 2 -x ran all $n tests"

# ------------------------------------------------------------ exit codes
rt_run ok -n 2 bin/test_b_pass bin/test_d_pass
rt_expect_rc 0 "all passed"
rt_expect_summary 2 0 0 "all passed"
rt_run empty -n 2 empty
rt_expect_rc 5 "an empty directory"
rt_expect_summary 0 0 0 "an empty directory"
usage_error() {
	local what=$1
	shift
	rt_run usage "$@"
	rt_expect_rc 4 "$what"
	[[ -s $rr_err ]] || fail "$what: exit 4 without a message"
}
usage_error "bad -n" -n foo bin
usage_error "negative -n" -n -1 bin
usage_error "bad --dist" --dist round bin
usage_error "bad --shard" --shard 4/3 bin
usage_error "bad --shard" --shard 0/3 bin
usage_error "bad --shard" --shard 1/3x bin
usage_error "bad --repeat" --repeat 0 bin
usage_error "bad --timeout" --timeout soon bin
usage_error "bad --maxfail" --maxfail 0 bin
usage_error "bad --cov-report" --cov-report bogus:x bin
usage_error "bad --cov-fail-under" --cov-fail-under 101 bin
usage_error "unknown option" --bogus bin
usage_error "no tests given" -n 2
usage_error "missing path" -n 2 nonexistent
usage_error "glob matching nothing" -n 2 'bin/zz*'
usage_error "not a program" -n 2 src/pass.c
usage_error "--ctest on a missing directory" --ctest "$work/no-such-build"

note "ok"
