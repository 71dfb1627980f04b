#!/usr/bin/env bash
# Proof that parallel runs are right and worth it: a short QA report on
#
#   1. results: the same deterministic suite (tests/fixtures/runner: plain
#      programs that pass, fail, skip, crash, abort and fork, a TAP
#      program, two cmocka programs split into their tests), built with
#      gcc --coverage, run with -n 0 and -n 4: identical pass/fail/skip sets
#   2. coverage: the merged lcov reports of those two runs, identical line
#      for line
#   3. speed-up: N programs that sleep 300 ms each, -n 0 against -n 4
#      (target: at least 3x)
#   4. overhead: M tiny programs, `runner -n 2` (and `runner -n 2 --ctest`)
#      against `ctest -j 2`, in milliseconds per test (target: the runner's
#      no higher than ctest's)
#
#   tools/verify_parallel.sh [--sleepers N] [--tiny M] [--runs R] [--keep DIR]
#
#   --sleepers N   sleeping programs for 3 (default 16)
#   --tiny M       tiny programs for 4 (default 300)
#   --runs R       timed runs of each command; the median counts (default 3)
#   --keep DIR     work in DIR (made, must be empty) and keep it
#
# RUNNER names the runner binary (default: build/runner; build the project
# first). The fixtures are built here, with real gcc, into a temporary
# directory. Exit status: 1 when 1 or 2 finds a difference (or something
# fails to run), 0 otherwise: the timings are reported, never enforced
# (they depend on the machine and its load).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
sleepers=16
tiny=300
runs=3
keep=

usage() {
	sed -n '2,30s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
}

while (($#)); do
	case $1 in
	--sleepers) sleepers=${2:?--sleepers needs a number}; shift ;;
	--tiny) tiny=${2:?--tiny needs a number}; shift ;;
	--runs) runs=${2:?--runs needs a number}; shift ;;
	--keep) keep=${2:?--keep needs a directory}; shift ;;
	-h | --help) usage; exit 0 ;;
	*) echo "verify_parallel: unknown option \"$1\"" >&2; usage >&2; exit 2 ;;
	esac
	shift
done
for v in "$sleepers" "$tiny" "$runs"; do
	[[ $v =~ ^[1-9][0-9]*$ ]] || { echo "verify_parallel: \"$v\" is not a positive number" >&2; exit 2; }
done

export CM_SOURCE_DIR=$root
if [[ -n $keep ]]; then
	mkdir -p "$keep"
	[[ -z $(ls -A "$keep") ]] || { echo "verify_parallel: $keep is not empty" >&2; exit 2; }
	export CM_TEST_TMP=$keep CM_KEEP_TMP=1
else
	export CM_TEST_TMP=${TMPDIR:-/tmp}
fi
# shellcheck source=tests/lib/runner.sh
. "$root/tests/lib/runner.sh"
rt_setup
command -v ctest >/dev/null 2>&1 || fail "ctest is not installed (apt-get install cmake)"

say() { printf '%s\n' "$*"; }
row() { printf '   %-68s %s\n' "$1" "$2"; }
verdict=0

# now: seconds since the epoch, with nanoseconds
now() { date +%s.%N; }

# timed VAR CMD...: runs CMD $runs times (output to $work/timed.log), the
# median wall time in seconds in VAR. A command that fails its own way is
# fine (the suites here have failures by design) unless it crashed.
timed() {
	local var=$1 i t0 t1 rc times=()
	shift
	for ((i = 0; i < runs; i++)); do
		t0=$(now)
		rc=0
		"$@" >"$work/timed.log" 2>&1 </dev/null || rc=$?
		t1=$(now)
		((rc < 128)) || fail "$* died of signal $((rc - 128)): $(tail -20 "$work/timed.log")"
		times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')")
	done
	printf -v "$var" '%s' "$(printf '%s\n' "${times[@]}" | LC_ALL=C sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')"
}

t_seq='' t_par='' t_ctest='' t_runner='' t_runner_ct=''
say "verify_parallel: $("$RUNNER" --version) ($RUNNER)"
say "machine: $(nproc) logical cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"

# ------------------------------------------------------------ 1 and 2
say ""
say "== 1. same results with -n 0 and -n 4"
mkdir -p "$work/suite" && cd "$work"
build_suite() {
	rt_build suite/test_calc0 calc.c lib.c -DCALC_MODE=0
	rt_build suite/test_calc1 calc.c lib.c -DCALC_MODE=1
	rt_build suite/test_cm_groups cm_groups.c lib.c -lcmocka
	rt_build suite/test_cm_pass cm_pass.c lib.c -lcmocka
	rt_build suite/test_tap tap.c
	rt_build suite/test_pass pass.c
	rt_build suite/test_fail fail.c
	rt_build suite/test_skip skip.c
	rt_build suite/test_crash crash.c
	rt_build suite/test_abort abort.c
	rt_build suite/test_fork fork.c
}
build_suite
nprogs=$(find "$work/bin/suite" -type f | wc -l)
rt_run seq -n 0 -v --cov=obj --cov-dir cov0 --cov-report "lcov:$work/seq.info" bin/suite
seq_rc=$rr_rc
rt_run par -n 4 -v --cov=obj --cov-dir cov4 --cov-report "lcov:$work/par.info" bin/suite
par_rc=$rr_rc
rt_results "$work/seq.out" | awk '{print $1, $2}' | LC_ALL=C sort >"$work/seq.sets"
rt_results "$work/par.out" | awk '{print $1, $2}' | LC_ALL=C sort >"$work/par.sets"
say "   -n 0: $(rt_last_line "$work/seq.out") (exit $seq_rc)"
say "   -n 4: $(rt_last_line "$work/par.out") (exit $par_rc), on $(rt_results "$work/par.out" | awk '{print $3}' | sort -u | wc -l) workers"
nres=$(wc -l <"$work/seq.sets")
if ((nres > 0)) && cmp -s "$work/seq.sets" "$work/par.sets" && ((seq_rc == par_rc)) &&
	[[ $(rt_last_line "$work/seq.out") == "$(rt_last_line "$work/par.out")" ]]; then
	for st in PASSED FAILED SKIPPED CRASHED; do
		printf '   %-17s %s\n' "$st:" "$(grep -c "^$st" "$work/seq.sets" || true)"
	done
	row "$nres results from $nprogs programs: pass/fail/skip sets identical" PASS
else
	row "pass/fail/skip sets DIFFER ($nres results with -n 0)" FAIL
	diff "$work/seq.sets" "$work/par.sets" | sed 's/^/     /' | head -20 || true
	verdict=1
fi

say ""
say "== 2. same merged coverage with -n 0 and -n 4"
if [[ -s $work/seq.info && -s $work/par.info ]] && cmp -s "$work/seq.info" "$work/par.info"; then
	files=$(grep -c '^SF:' "$work/seq.info")
	lines=$(grep -c '^DA:' "$work/seq.info")
	hit=$(grep -c '^DA:[0-9]*,[1-9]' "$work/seq.info" || true)
	row "lcov: $files files, $lines lines ($hit reached), identical line for line" PASS
else
	row "merged coverage DIFFERS (or is missing)" FAIL
	diff "$work/seq.info" "$work/par.info" 2>&1 | sed 's/^/     /' | head -20 || true
	verdict=1
fi

# ------------------------------------------------------------ 3
say ""
say "== 3. speed-up: $sleepers programs sleeping 300 ms each (median of $runs runs)"
RT_NOCOV=1 rt_build sleep_proto sleep.c -DSLEEP_MS=300
mkdir -p "$work/sleepers"
for ((i = 1; i <= sleepers; i++)); do
	ln "$work/bin/sleep_proto" "$(printf '%s/sleepers/test_sleep_%03d' "$work" "$i")"
done
timed t_seq "$RUNNER" -n 0 "$work/sleepers"
timed t_par "$RUNNER" -n 4 "$work/sleepers"
ratio=$(awk -v a="$t_seq" -v b="$t_par" 'BEGIN { printf "%.2f", a / b }')
met=$(awk -v r="$ratio" 'BEGIN { print (r >= 3) ? "met" : "NOT met" }')
say "   -n 0: ${t_seq} s   -n 4: ${t_par} s   speed-up ${ratio}x (target >= 3x): $met"

# ------------------------------------------------------------ 4
say ""
say "== 4. overhead per test: $tiny tiny programs, runner -n 2 against ctest -j 2 (median of $runs runs)"
RT_NOCOV=1 rt_build tiny_proto exit_code.c
mkdir -p "$work/tiny" "$work/tiny_ctest"
{
	echo "# generated by tools/verify_parallel.sh"
	for ((i = 1; i <= tiny; i++)); do
		p=$(printf '%s/tiny/test_tiny_%03d' "$work" "$i")
		ln "$work/bin/tiny_proto" "$p"
		printf 'add_test(tiny_%03d "%s")\n' "$i" "$p"
	done
} >"$work/tiny_ctest/CTestTestfile.cmake"
# both with the same cache-free, output-to-file conditions
timed t_ctest ctest --test-dir "$work/tiny_ctest" -j 2
grep -q "100% tests passed" "$work/timed.log" || fail "ctest did not pass the tiny suite: $(tail -5 "$work/timed.log")"
timed t_runner "$RUNNER" -n 2 --cache-file "$work/tiny.cache" "$work/tiny"
grep -Eq "^(runner: )?$tiny passed, 0 failed, 0 skipped$" "$work/timed.log" ||
	fail "the runner did not pass the tiny suite: $(tail -5 "$work/timed.log")"
timed t_runner_ct "$RUNNER" -n 2 --cache-file "$work/tiny_ct.cache" --ctest "$work/tiny_ctest"
grep -Eq "^(runner: )?$tiny passed, 0 failed, 0 skipped$" "$work/timed.log" ||
	fail "runner --ctest did not pass the tiny suite: $(tail -5 "$work/timed.log")"
per() { awk -v t="$1" -v n="$tiny" 'BEGIN { printf "%.2f", 1000 * t / n }'; }
printf '   %-22s %7s s  %6s ms/test\n' "ctest -j 2:" "$t_ctest" "$(per "$t_ctest")"
printf '   %-22s %7s s  %6s ms/test  (%sx ctest)\n' "runner -n 2:" "$t_runner" "$(per "$t_runner")" \
	"$(awk -v a="$t_runner" -v b="$t_ctest" 'BEGIN { printf "%.2f", a / b }')"
printf '   %-22s %7s s  %6s ms/test  (%sx ctest)\n' "runner -n 2 --ctest:" "$t_runner_ct" "$(per "$t_runner_ct")" \
	"$(awk -v a="$t_runner_ct" -v b="$t_ctest" 'BEGIN { printf "%.2f", a / b }')"
omet=$(awk -v a="$t_runner" -v b="$t_ctest" 'BEGIN { print (a <= b) ? "met" : "NOT met" }')
say "   runner's overhead per test no higher than ctest's: $omet"

say ""
if ((verdict == 0)); then
	say "verdict: results and coverage identical (PASS); speed-up $met, overhead $omet (reported, not enforced)"
else
	say "verdict: FAIL: -n 0 and -n 4 disagree (see above); speed-up $met, overhead $omet"
fi
exit "$verdict"
