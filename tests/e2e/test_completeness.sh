#!/bin/bash
# Completeness: covmerge on a runner coverage directory checks the worker
# shards against the manifest.json the runner wrote. A shard that the
# manifest lists and that is missing, has fewer data files than recorded,
# or is empty although it ran tests is an error (exit 1) naming the shard,
# with a hint to --allow-missing; with --allow-missing it is a warning and
# covmerge merges what is there.
#
# The fixture's test suite (tests/fixtures/portable: two cmocka programs,
# one plain program) is run by runner -n 2 --cov, so COV holds gw0, gw1 and
# manifest.json. Each section works on a fresh copy of that directory.
set -euo pipefail
# shellcheck source=tests/lib/portable.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/portable.sh"
pt_setup --runner

pt_copy "$work/src"
pt_build_tests "$work/src" "$work/bin"
cd "$work"
rc=0
"$RUNNER" -n 2 -v --cov=bin --cov-dir COV --cache-file "$work/cache" \
	--cov-report "lcov:$work/runner.info" bin >"$work/run.out" 2>"$work/run.err" </dev/null || rc=$?
((rc == 0)) || fail "runner -n 2 --cov exited $rc:
$(tail -30 "$work/run.out")
$(tail -10 "$work/run.err")"
grep -qx 'runner: 11 passed, 0 failed, 0 skipped' "$work/run.out" ||
	fail "runner: not 11 passed: $(tail -3 "$work/run.out")"
[[ -f COV/manifest.json && -d COV/gw0 && -d COV/gw1 ]] ||
	fail "setup: COV has no manifest.json, gw0 and gw1: $(ls COV)"

# manifest_field WORKER FIELD: gcda_files or the number of tests of WORKER
manifest_field() {
	"$PYTHON" - "$work/COV.orig/manifest.json" "$1" "$2" <<'EOF'
import json, sys
m = json.load(open(sys.argv[1]))
s = [s for s in m["shards"] if s["worker"] == sys.argv[2]][0]
print(len(s["tests"]) if sys.argv[3] == "tests" else s[sys.argv[3]])
EOF
}
cp -a COV COV.orig
n0=$(manifest_field gw0 gcda_files)
n1=$(manifest_field gw1 gcda_files)
t0=$(manifest_field gw0 tests)
t1=$(manifest_field gw1 tests)
((t0 > 0 && t1 > 0)) || fail "setup: a worker ran no tests (gw0 $t0, gw1 $t1)"
((n0 > 1 && n1 > 1)) || fail "setup: a shard has too few data files (gw0 $n0, gw1 $n1)"
((t0 + t1 == 11)) || fail "setup: the manifest lists $((t0 + t1)) tests, not 11"
assert_eq "$n0" "$(find COV/gw0 -name '*.gcda' | wc -l)" "setup: gw0 data files vs the manifest"
assert_eq "$n1" "$(find COV/gw1 -name '*.gcda' | wc -l)" "setup: gw1 data files vs the manifest"

fresh() {
	rm -rf "$work/COV"
	cp -a "$work/COV.orig" "$work/COV"
}
# set_manifest PYTHON-STATEMENT: edits COV/manifest.json (m is the JSON)
set_manifest() {
	"$PYTHON" - "$work/COV/manifest.json" "$1" <<'EOF'
import json, sys
p = sys.argv[1]
m = json.load(open(p))
sh = {s["worker"]: s for s in m["shards"]}
exec(sys.argv[2])
json.dump(m, open(p, "w"))
EOF
}
# only_errors_about WHO: every error line of stderr ("covmerge: " without
# "warning:") mentions WHO
only_errors_about() {
	local other
	other=$(grep '^covmerge: ' "$cm_err" | grep -v '^covmerge: warning: ' | grep -vF "$1" || true)
	[[ -z $other ]] || fail "errors not about $1:
$other"
}
# a report file that a failed run must leave alone
keep() {
	printf 'old report\n' >"$work/keep.info"
}
kept() {
	assert_eq "old report" "$(cat "$work/keep.info")" "$1: the existing report was touched"
}

obj=(--object-dir "$work/bin")

sec_intact() {
	fresh
	# as README's "a runner coverage directory" input: no options needed
	cm_ok intact -q --report "lcov:$work/intact.info" COV
	assert_same "$work/runner.info" "$work/intact.info" "covmerge COV vs the runner's own report"
}
section "1. an intact coverage directory, no options" sec_intact

sec_intact_obj() {
	fresh
	cm_ok intact_obj -q "${obj[@]}" --report "lcov:$work/intact_obj.info" COV
	assert_same "$work/runner.info" "$work/intact_obj.info" "covmerge --object-dir bin COV vs the runner's report"
	cm_ok intact_slash -q "${obj[@]}" --report "lcov:$work/intact_slash.info" "$work/COV/"
	assert_same "$work/runner.info" "$work/intact_slash.info" "an absolute COV/ with a slash"
}
section "2. an intact coverage directory, --object-dir" sec_intact_obj

# missing_checks NAME WHAT ARG...: COV/gw1 is gone; covmerge ARG... COV
missing_checks() {
	local name=$1 what=$2
	shift 2
	keep
	cm_fail "$name" -q --report "lcov:$work/keep.info" "$@" COV
	assert_grep "$cm_err" '^covmerge: .*gw1.*missing' "$what: the error names gw1 and says missing"
	assert_fixed "$cm_err" "COV/gw1" "$what: the error names the shard's directory"
	assert_fixed "$cm_err" "--allow-missing" "$what: the hint"
	assert_no_grep "$cm_err" 'gw0' "$what: gw0 (intact) is named"
	only_errors_about gw1
	kept "$what"
}

sec_missing_plain() {
	fresh
	rm -rf COV/gw1
	missing_checks missing_plain "gw1 deleted, no options"
}
section "3. a deleted shard, no options" sec_missing_plain

sec_missing() {
	fresh
	rm -rf COV/gw1
	missing_checks missing "gw1 deleted" "${obj[@]}"
	# the same, named as an absolute path
	cm_fail missing_abs -q "${obj[@]}" "$work/COV"
	assert_fixed "$cm_err" "$work/COV/gw1" "gw1 deleted, absolute COV: the shard's path"
	# --allow-missing: a warning, and what is there is merged
	cm allowed -q "${obj[@]}" --allow-missing --report "lcov:$work/allowed.info" COV
	((cm_rc == 0)) || fail "--allow-missing with gw1 deleted: exit $cm_rc, expected 0:
$(cat "$cm_err")"
	assert_grep "$cm_err" '^covmerge: warning: .*gw1.*missing' "--allow-missing: the warning"
	assert_no_grep "$cm_err" 'hint: .*--allow-missing' "--allow-missing: the hint to pass it"
	cm_ok gw0only -q "${obj[@]}" --report "lcov:$work/gw0only.info" COV/gw0
	assert_same "$work/gw0only.info" "$work/allowed.info" "--allow-missing vs gw0 alone"
	cmp -s "$work/runner.info" "$work/allowed.info" &&
		fail "--allow-missing: the report of gw0 alone equals the full report (setup too weak)"
	true
}
section "4. a deleted shard, --object-dir, --allow-missing" sec_missing

sec_emptied() {
	fresh
	rm -rf COV/gw1
	mkdir COV/gw1
	keep
	cm_fail emptied -q "${obj[@]}" --report "lcov:$work/keep.info" COV
	assert_grep "$cm_err" '^covmerge: .*COV/gw1.*(empty|has 0 data files)' \
		"gw1 emptied: the error names gw1 and says it is empty"
	assert_fixed "$cm_err" "--allow-missing" "gw1 emptied: the hint"
	only_errors_about gw1
	kept "gw1 emptied"
	cm allowed_empty -q "${obj[@]}" --allow-missing --report "lcov:$work/allowed_empty.info" COV
	((cm_rc == 0)) || fail "--allow-missing with gw1 emptied: exit $cm_rc:
$(cat "$cm_err")"
	assert_grep "$cm_err" '^covmerge: warning: .*gw1' "--allow-missing, gw1 emptied: the warning"
	cm_ok gw0only2 -q "${obj[@]}" --report "lcov:$work/gw0only2.info" COV/gw0
	assert_same "$work/gw0only2.info" "$work/allowed_empty.info" "--allow-missing (emptied) vs gw0 alone"
}
section "5. an emptied shard" sec_emptied

sec_fewer() {
	fresh
	local victim
	victim=$(find COV/gw0 -name 'text.gcda' | sort | head -n 1)
	[[ -n $victim ]] || fail "setup: no text.gcda in gw0"
	rm "$victim"
	keep
	cm_fail fewer -q "${obj[@]}" --report "lcov:$work/keep.info" COV
	assert_grep "$cm_err" "^covmerge: .*COV/gw0.*$((n0 - 1)) data files.*recorded $n0" \
		"gw0 lost a data file: the error names gw0, what it has and what was recorded"
	assert_fixed "$cm_err" "--allow-missing" "gw0 lost a data file: the hint"
	only_errors_about gw0
	kept "gw0 lost a data file"
	cm fewer_allowed -q "${obj[@]}" --allow-missing COV
	((cm_rc == 0)) || fail "--allow-missing with a data file lost: exit $cm_rc:
$(cat "$cm_err")"
	assert_grep "$cm_err" '^covmerge: warning: .*gw0' "--allow-missing, a data file lost: the warning"
	# the manifest recording more than there ever was
	fresh
	set_manifest 'sh["gw1"]["gcda_files"] += 5'
	cm_fail more -q "${obj[@]}" COV
	assert_grep "$cm_err" "^covmerge: .*COV/gw1.*$n1 data files.*recorded $((n1 + 5))" \
		"the manifest records 5 more data files than gw1 has"
}
section "6. fewer data files than the manifest recorded" sec_fewer

sec_empty_recorded() {
	# a shard that ran tests but wrote nothing (tests built without
	# --coverage): the manifest records 0 data files, and that is an error
	fresh
	rm -rf COV/gw1
	mkdir COV/gw1
	set_manifest 'sh["gw1"]["gcda_files"] = 0'
	cm_fail empty_ran -q "${obj[@]}" COV
	assert_grep "$cm_err" "^covmerge: .*COV/gw1.*empty.*$t1 tests" \
		"gw1 ran $t1 tests and wrote nothing: the error"
	only_errors_about gw1
	cm empty_ran_allowed -q "${obj[@]}" --allow-missing COV
	((cm_rc == 0)) || fail "--allow-missing, a shard empty although it ran tests: exit $cm_rc"
}
section "7. a shard empty although it ran tests" sec_empty_recorded

sec_idle_worker() {
	# a worker that ran nothing may have no shard at all
	fresh
	rm -rf COV/gw1
	set_manifest 'sh["gw1"]["tests"] = []; sh["gw1"]["gcda_files"] = 0'
	cm_ok idle -q "${obj[@]}" --report "lcov:$work/idle.info" COV
	cm_ok gw0only3 -q "${obj[@]}" --report "lcov:$work/gw0only3.info" COV/gw0
	assert_same "$work/gw0only3.info" "$work/idle.info" "a worker that ran nothing, no shard"
}
section "8. a worker that ran no tests" sec_idle_worker

sec_bad_manifest() {
	fresh
	printf '{"format": 1, "shards": [' >COV/manifest.json
	cm_fail badjson -q "${obj[@]}" COV
	assert_fixed "$cm_err" "COV/manifest.json" "a broken manifest: the message names it"
	cm badjson_allowed -q "${obj[@]}" --allow-missing --report "lcov:$work/badjson.info" COV
	((cm_rc == 0)) || fail "--allow-missing, a broken manifest: exit $cm_rc"
	assert_grep "$cm_err" '^covmerge: warning: .*manifest' "--allow-missing, a broken manifest: the warning"
	assert_same "$work/runner.info" "$work/badjson.info" "a broken manifest with --allow-missing"
	# an interrupted run: a warning
	fresh
	set_manifest 'm["interrupted"] = True'
	cm interrupted -q "${obj[@]}" COV
	((cm_rc == 0)) || fail "an interrupted run: exit $cm_rc:
$(cat "$cm_err")"
	assert_grep "$cm_err" '^covmerge: warning: .*interrupted' "an interrupted run: the warning"
}
section "9. a broken manifest, an interrupted run" sec_bad_manifest

pt_finish
