# bench.sh --contexts: the cost of runner --cov-context=test. Sourced by
# bench.sh after it generated and built the synthetic project ($P) and
# built covmerge and the runner ($W/covmerge-build). Times, in interleaved
# rounds, runner --cov against runner --cov --cov-context=test on the bundled
# example (tests/fixtures/example, CMake + CTest) and on the synthetic
# project's test programs, and measures the context store: its bytes per
# (test, covered line) pair, the pairs counted from covmerge's JSON report
# (its per-line "contexts"). Asserts no times.
# shellcheck shell=bash
# shellcheck disable=SC2154  # runs, covmerge, repo, build_jobs, W, L, O, R: bench.sh's

# ctx_pairs JSON: "TESTS PAIRS": the tests named, and the (test, line)
# pairs, in a JSON report's per-line contexts.
ctx_pairs() {
	python3 - "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
names, pairs = set(), 0
for f in d["files"].values():
    for cs in f.get("contexts", {}).values():
        cs = [c for c in cs if c]
        names.update(cs)
        pairs += len(cs)
print(len(names), pairs)
PY
}

# ctx_case NAME DIR ARGS...: times the runner with and without contexts in
# DIR; prints the row of the table.
ctx_case() {
	local name=$1 dir=$2
	shift 2
	local runner=$W/covmerge-build/runner
	local plain=(env -C "$dir" "$runner" -q -n "$workers" --cache-file "$W/$name.cache"
		--cov-dir "$W/$name-plain" "$@")
	local ctx=(env -C "$dir" "$runner" -q -n "$workers" --cache-file "$W/$name.cache"
		--cov-dir "$W/$name-ctx" --cov-context=test "$@")
	# one untimed run each: they must work (and fill the caches)
	"${plain[@]}" >"$L/$name-plain.out" 2>&1 || { tail -20 "$L/$name-plain.out" >&2; keep_workdir; die "$name: runner --cov failed"; }
	"${ctx[@]}" >"$L/$name-ctx.out" 2>&1 || { tail -20 "$L/$name-ctx.out" >&2; keep_workdir; die "$name: runner --cov-context=test failed"; }
	interleave "$runs" "$name" plain ctx
	"$covmerge" -q --report "json:$O/$name.json" "$W/$name-ctx" >/dev/null
	local tests pairs bytes
	read -r tests pairs < <(ctx_pairs "$O/$name.json")
	bytes=$(stat -c %s "$W/$name-ctx/contexts.cmctx")
	python3 - "$name" "$tests" "$pairs" "$bytes" "$R/$name.times" >>"$W/contexts.rows" <<'PY'
import statistics, sys
n, tests, pairs, b = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
rounds = [tuple(map(float, l.split())) for l in open(sys.argv[5]) if l.strip()]
tp = statistics.median(r[0] for r in rounds)
tc = statistics.median(r[1] for r in rounds)
pair = sorted(r[1] / r[0] for r in rounds)
lo, hi = pair[len(pair) // 4], pair[(3 * len(pair)) // 4]
print("| %s | %d | %d | %.3f s | %.3f s | %.2fx | %.2f-%.2fx | %d | %.3f |"
      % (n, tests, pairs, tp, tc, tc / tp, lo, hi, b, b / max(pairs, 1)))
PY
}

# interleave N NAME: N rounds of plain then ctx (the arrays of ctx_case),
# each timed; one line per round in $R/NAME.times ("plain ctx" seconds).
# Interleaved, so that a machine whose speed drifts (other jobs) disturbs
# both alike; hyperfine's runs of one command after the other do not.
interleave() {
	local n=$1 name=$2 i t0 t1 t2
	echo "== timing: $name, runner --cov and --cov --cov-context=test, $n interleaved rounds"
	echo "${plain[*]}" >"$W/cmds/$name-plain.cmd"
	echo "${ctx[*]}" >"$W/cmds/$name-ctx.cmd"
	: >"$R/$name.times"
	for ((i = 0; i < n; i++)); do
		t0=$(date +%s%N)
		"${plain[@]}" >/dev/null 2>&1 || { keep_workdir; die "$name: runner --cov failed (round $i)"; }
		t1=$(date +%s%N)
		"${ctx[@]}" >/dev/null 2>&1 || { keep_workdir; die "$name: runner --cov-context=test failed (round $i)"; }
		t2=$(date +%s%N)
		echo "$(((t1 - t0) / 1000)) $(((t2 - t1) / 1000))" |
			awk '{ printf "%.6f %.6f\n", $1 / 1e6, $2 / 1e6 }' >>"$R/$name.times"
	done
	python3 -c 'import statistics, sys
r = [tuple(map(float, l.split())) for l in open(sys.argv[1])]
print("   median --cov %.3f s, --cov-context=test %.3f s" % (statistics.median(x[0] for x in r), statistics.median(x[1] for x in r)))' "$R/$name.times"
}

bench_contexts() {
	: >"$W/contexts.rows"
	echo "== building the bundled example (tests/fixtures/example) with coverage"
	local ex=$W/example-build
	{ cmake -S "$repo/tests/fixtures/example" -B "$ex" -DCMAKE_BUILD_TYPE=Debug -DSHAPES_COVERAGE=ON &&
		cmake --build "$ex" -j "$build_jobs"; } >"$L/example-build.log" 2>&1 ||
		{ tail -20 "$L/example-build.log" >&2; keep_workdir; die "building the example failed"; }
	ctx_case example "$ex" --ctest "$ex" "--cov=$ex"
	ctx_case synthetic "$P" "--cov=$P/build" "$P/build/bin"
	echo
	echo "runner --cov-context=test against runner --cov (-n $workers, medians of $runs"
	echo "interleaved rounds; ratio range: the middle half of the rounds' own ratios;"
	echo "bytes/pair: the context store's size per (test, covered line) pair)"
	echo
	echo "| suite | tests | test-line pairs | --cov | --cov-context=test | ratio | ratio range | store bytes | bytes/pair |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
	cat "$W/contexts.rows"
}
