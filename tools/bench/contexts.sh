# bench.sh --contexts: the cost of runner --cov-context=test. Sourced by
# bench.sh after it generated and built the synthetic project ($P) and
# built covmerge and the runner ($W/covmerge-build). Times, with hyperfine,
# runner --cov against runner --cov --cov-context=test on the bundled
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

# median SECONDS of a hyperfine JSON
median() {
	python3 -c 'import json,sys; print("%.3f" % json.load(open(sys.argv[1]))["results"][0]["median"])' "$1"
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
	bench "$runs" "$name-plain" "$name: runner --cov" "${plain[@]}"
	bench "$runs" "$name-ctx" "$name: runner --cov --cov-context=test" "${ctx[@]}"
	"$covmerge" -q --report "json:$O/$name.json" "$W/$name-ctx" >/dev/null
	local tests pairs bytes tp tc
	read -r tests pairs < <(ctx_pairs "$O/$name.json")
	bytes=$(stat -c %s "$W/$name-ctx/contexts.cmctx")
	tp=$(median "$R/$name-plain.json")
	tc=$(median "$R/$name-ctx.json")
	python3 -c 'import sys
n, tests, pairs, b, tp, tc = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6])
print("| %s | %d | %d | %.3f s | %.3f s | %.2fx | %d | %.3f |" % (n, tests, pairs, tp, tc, tc / tp, b, b / max(pairs, 1)))' \
		"$name" "$tests" "$pairs" "$bytes" "$tp" "$tc" >>"$W/contexts.rows"
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
	echo "runner --cov-context=test against runner --cov (-n $workers, median of $runs runs;"
	echo "bytes/pair: the context store's size per (test, covered line) pair)"
	echo
	echo "| suite | tests | test-line pairs | --cov | --cov-context=test | ratio | store bytes | bytes/pair |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|"
	cat "$W/contexts.rows"
}
