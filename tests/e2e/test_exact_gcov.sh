#!/bin/bash
# covmerge's numbers must equal gcov's exactly.
#
# For gcc 12 and gcc 11, at -O0 and -O2: build tests/fixtures/exact with
# --coverage, run its programs into three shard roots
# (GCOV_PREFIX=<shard> GCOV_PREFIX_STRIP=0), then compare
#   covmerge --object-dir BUILD --report lcov:out.info SHARD1 SHARD2 SHARD3
# with the oracle: the shards merged by gcov-tool and read by the matching
# gcov in JSON mode (see make_oracle in tests/lib/oracle.sh and oracle_compare.py).
# Every DA, BRDA and FNDA value and every total must be equal. The lcov
# file must also be byte-identical with -j 1 and -j 8 and the shards given
# in another order.
# A missing compiler fails the test; nothing is skipped.
#
# CM_EXACT_OPTS widens the matrix by hand: a comma-separated list of flag
# sets, default "-O0,-O2"; e.g. CM_EXACT_OPTS="-O0,-O2,-O3,-Os,-O2 -flto".
set -euo pipefail
# shellcheck source=tests/lib/oracle.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/oracle.sh"
e2e_setup

IFS=, read -r -a opts <<<"${CM_EXACT_OPTS:--O0,-O2}"
failed=()
for v in 12 11; do
	use_gcc "$v"
	for opt in "${opts[@]}"; do
		cfg=gcc$v${opt// /}
		w=$work/$cfg
		mkdir -p "$w"
		bash "$fixture_dir/exact/build.sh" "$cc" "$opt" "$w" 2>"$w/build.log" ||
			die "$cfg: building the fixture failed: $(cat "$w/build.log")"
		build=$w/build
		shards=("$w/shard1" "$w/shard2" "$w/shard3")
		bash "$fixture_dir/exact/run_shards.sh" "$build" "${shards[@]}" ||
			die "$cfg: running the fixture programs failed"
		make_oracle "$build" "$w/oracle" "${shards[@]}"

		rc=0
		"$COVMERGE" "${cm_all[@]}" --object-dir "$build" --report "lcov:$w/out.info" \
			"${shards[@]}" >"$w/covmerge.out" 2>"$w/covmerge.err" || rc=$?
		if ((rc != 0)); then
			echo "$cfg: covmerge exited $rc:" >&2
			cat "$w/covmerge.err" >&2
			failed+=("$cfg (covmerge exit $rc)")
			continue
		fi
		if [[ -s $w/covmerge.err ]]; then
			echo "$cfg: covmerge stderr:" >&2
			cat "$w/covmerge.err" >&2
			# the data is consistent: a counter-race warning is a false alarm
			if grep -q 'profile-update' "$w/covmerge.err"; then
				failed+=("$cfg (inconsistent-counter warning on consistent data)")
			fi
		fi
		[[ -s $w/out.info ]] || { failed+=("$cfg (no lcov file)"); continue; }
		rc=0
		"$PYTHON" "$compare_py" --label "$cfg" --json-dir "$w/oracle/json" \
			--lcov "$w/out.info" || rc=$?
		((rc == 0)) || failed+=("$cfg (compare exit $rc)")
		# the result must not depend on the thread count or the shard order
		for j in 1 8; do
			rc=0
			"$COVMERGE" "${cm_all[@]}" -j "$j" --object-dir "$build" --report "lcov:$w/out-j$j.info" \
				"${shards[2]}" "${shards[0]}" "${shards[1]}" \
				>/dev/null 2>"$w/covmerge-j$j.err" || rc=$?
			if ((rc != 0)); then
				cat "$w/covmerge-j$j.err" >&2
				failed+=("$cfg (-j $j: covmerge exit $rc)")
			elif ! cmp -s "$w/out.info" "$w/out-j$j.info"; then
				diff "$w/out.info" "$w/out-j$j.info" | head -20 >&2 || true
				failed+=("$cfg (-j $j with the shards reordered: different lcov file)")
			fi
		done
	done
done

if ((${#failed[@]})); then
	die "covmerge differs from gcov in: ${failed[*]}"
fi
note "PASS: covmerge equals gcov for gcc 12 and gcc 11 with ${opts[*]}"
