#!/usr/bin/env bash
# The whole pipeline on the bundled example project (tests/fixtures/example):
#
#   1. tools/setup.sh (packages, and the project built into build/)
#   2. the example built with --coverage into build-demo/example
#   3. its test programs run on 4 workers gw0..gw3, each writing its gcov
#      data into its own shard build-demo/cov/gwK (GCOV_PREFIX)
#   4. build/covmerge merges the shards into build-demo/coverage.info
#   5. the line total is checked against 90%
#
# Exit status: 0 when every test passed and the total is at least 90%,
# 1 when a test failed or the total is below, or covmerge's own status when
# it fails. DEMO_DIR overrides build-demo/.
#
# Steps 3 and 5 stand in for features still to come, each in one function
# so that it is swapped for one command:
#   run_workers      becomes  runner -n 4 --cov="$example_build" \
#                                    --cov-dir="$cov_dir" "$example_build"
#   check_line_total becomes  covmerge --fail-under=90 (on the merge_shards
#                             command line)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
demo_dir=${DEMO_DIR:-$root/build-demo}
example_src=$root/tests/fixtures/example
example_build=$demo_dir/example
cov_dir=$demo_dir/cov
lcov_file=$demo_dir/coverage.info
covmerge=$root/build/covmerge
workers=4
fail_under=90

say() { printf 'demo: %s\n' "$*"; }

setup() {
	bash "$root/tools/setup.sh"
}

build_example() {
	say "building the example with --coverage into $example_build"
	# From scratch: notes or data left by an earlier build would be
	# measured too.
	rm -rf "$example_build"
	cmake -S "$example_src" -B "$example_build" \
		-DCMAKE_BUILD_TYPE=Debug -DSHAPES_COVERAGE=ON >/dev/null
	cmake --build "$example_build" -j"$(nproc)" >/dev/null
}

# Stands in for `runner -n 4 --cov`, which does all of this (and more) once
# the runner exists.
# Runs the example's test programs on $workers parallel workers, round robin,
# each with its own GCOV_PREFIX shard under $cov_dir. Prints one line per
# test and a worker's captured output whole, never interleaved. Returns 1
# when any test failed.
run_workers() {
	local tests=() t k pids=() status=0 passed=0 failed=0

	for t in "$example_build"/test_*; do
		[[ -f $t && -x $t ]] && tests+=("$t")
	done
	if ((${#tests[@]} == 0)); then
		say "no test programs in $example_build" >&2
		return 1
	fi
	rm -rf "$cov_dir"
	mkdir -p "$cov_dir"
	say "running ${#tests[@]} test programs on $workers workers, shards in $cov_dir"

	for ((k = 0; k < workers; k++)); do
		mkdir -p "$cov_dir/gw$k"
		(
			local i rc=0
			for ((i = k; i < ${#tests[@]}; i += workers)); do
				t=${tests[i]}
				if (cd "$example_build" &&
				    RUNNER_WORKER=gw$k RUNNER_WORKER_COUNT=$workers \
				    GCOV_PREFIX="$cov_dir/gw$k" GCOV_PREFIX_STRIP=0 \
				    "$t" >"$cov_dir/gw$k.$(basename "$t").log" 2>&1); then
					echo "PASSED $(basename "$t")"
				else
					echo "FAILED $(basename "$t")"
					rc=1
				fi
			done
			exit $rc
		) >"$cov_dir/gw$k.results" &
		pids+=($!)
	done
	for k in "${!pids[@]}"; do
		wait "${pids[k]}" || status=1
	done

	for ((k = 0; k < workers; k++)); do
		while read -r result t; do
			echo "[gw$k] $result $t"
			if [[ $result == PASSED ]]; then
				passed=$((passed + 1))
			else
				failed=$((failed + 1))
				sed 's/^/    /' "$cov_dir/gw$k.$t.log"
			fi
		done <"$cov_dir/gw$k.results"
		rm -f "$cov_dir/gw$k.results" "$cov_dir"/gw$k.*.log
	done
	say "$passed passed, $failed failed"
	return $status
}

merge_shards() {
	local shards=() k

	for ((k = 0; k < workers; k++)); do
		shards+=("$cov_dir/gw$k")
	done
	say "merging: ${covmerge#"$root"/} --object-dir $example_build --report lcov:$lcov_file ${shards[*]}"
	"$covmerge" --object-dir "$example_build" --report "lcov:$lcov_file" "${shards[@]}"
}

# Stands in for `covmerge --fail-under=90`.
# The line total of an lcov tracefile (sums of LH and LF) against
# $fail_under. The percentage is rounded to two places once, and that one
# number is both printed and compared.
check_line_total() {
	awk -F: -v min="$fail_under" '
		/^LF:/ { lf += $2 }
		/^LH:/ { lh += $2 }
		END {
			if (lf == 0) {
				print "demo: no executable lines in the tracefile" > "/dev/stderr"
				exit 1
			}
			pct = sprintf("%.2f", 100 * lh / lf)
			if (pct + 0 < min) {
				printf "FAIL Required test coverage of %g%% not reached. Total coverage: %s%%\n", min, pct
				exit 1
			}
			printf "Required test coverage of %g%% reached. Total coverage: %s%%\n", min, pct
		}' "$1"
}

main() {
	local tests_status=0

	setup
	mkdir -p "$demo_dir"
	demo_dir=$(cd "$demo_dir" && pwd -P)
	example_build=$demo_dir/example
	cov_dir=$demo_dir/cov
	lcov_file=$demo_dir/coverage.info

	build_example
	run_workers || tests_status=1
	merge_shards
	say "lcov tracefile: $lcov_file"
	check_line_total "$lcov_file" || return 1
	return $tests_status
}

main "$@"
