#!/usr/bin/env bash
# Runs every libFuzzer target of tests/fuzz for a bounded time.
#
#   tools/fuzz.sh BUILD_DIR [SECONDS]
#
# BUILD_DIR is a clang build configured with -DCM_FUZZ=ON (tools/test.sh
# makes one: build-clang-asan/). Each target (notes, data, lcov, portable,
# manifest, json, diff, elf, profraw) runs SECONDS (default 10) over its
# corpus. The corpus
# starts from seeds made from the project's fixtures at run time (the
# shards fixture built with gcc --coverage and run; its lcov, JSON and
# portable-shard reports by covmerge; a manifest written by the runner; a
# diff -u of two of its sources; its program, for the ELF reader; the
# raw LLVM profiles kept as regressions, for the profile reader)
# and from tests/fuzz/regressions/<target>/; what the fuzzer learns stays
# in BUILD_DIR/fuzz/corpus/<target> for the next run.
#
# A crash, a leak, a timeout or a sanitizer report stops the run: the
# input is kept in BUILD_DIR/fuzz/artifacts/<target>/, and once the bug is
# fixed it belongs in tests/fuzz/regressions/<target>/, which every
# build's CTest run replays (fuzz/replay_<target>).
#
# Exit status: 0 when every target ran its time without a finding, 1 when
# one found something, 2 for a bad use of this script.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
(($# >= 1 && $# <= 2)) || {
	sed -n '2,23s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
	exit 2
}
build=$(cd "$1" && pwd -P)
seconds=${2:-10}
[[ $seconds =~ ^[0-9]+$ ]] || { echo "fuzz.sh: bad SECONDS \"$seconds\"" >&2; exit 2; }
targets=(notes data lcov portable manifest json diff elf profraw)
for t in "${targets[@]}"; do
	[[ -x $build/tests/fuzz/fuzz_$t ]] || {
		echo "fuzz.sh: no $build/tests/fuzz/fuzz_$t (configure with CC=clang -DCM_FUZZ=ON)" >&2
		exit 2
	}
done

# ---- seeds from the fixtures
seeds=$build/fuzz/seeds
rm -rf "$seeds"
for t in "${targets[@]}"; do
	mkdir -p "$seeds/$t"
done
scratch=$(mktemp -d "${TMPDIR:-/tmp}/cm-fuzz-seeds.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
cc=gcc
command -v gcc-12 >/dev/null 2>&1 && cc=gcc-12
src=$scratch/src
cp -R "$root/tests/fixtures/shards" "$src"
(
	cd "$src"
	for f in count.c main_one.c a/util.c b/util.c; do
		o=$scratch/obj/${f%.c}.o
		mkdir -p "$(dirname "$o")"
		"$cc" --coverage -O0 -I"$src" -c "$f" -o "$o"
	done
	"$cc" --coverage -o "$scratch/obj/counter" "$scratch"/obj/{count,main_one}.o \
		"$scratch"/obj/a/util.o "$scratch"/obj/b/util.o
)
mkdir -p "$scratch/tests"
cp "$scratch/obj/counter" "$scratch/tests/test_counter"
(cd "$scratch" && "$build/runner" -q --cov=obj --cov-dir cov --cache-file runner-cache \
	--cov-report "lcov:$scratch/run.info" --cov-report "json:$scratch/run.json" \
	--cov-export "$scratch/run.cmshard" tests >/dev/null)
n=0
while IFS= read -r -d '' f; do
	cp "$f" "$seeds/notes/$((++n)).gcno"
done < <(find "$scratch/obj" -name '*.gcno' -print0)
n=0
while IFS= read -r -d '' f; do
	cp "$f" "$seeds/data/$((++n)).gcda"
done < <(find "$scratch/cov" -name '*.gcda' -print0)
cp "$scratch/run.info" "$seeds/lcov/run.info"
gzip -dc "$scratch/run.cmshard" >"$seeds/portable/run.shard"
cp "$scratch/cov/manifest.json" "$seeds/manifest/manifest.json"
cp "$scratch/cov/manifest.json" "$seeds/json/manifest.json"
cp "$scratch/run.json" "$seeds/json/run.json"
# a unified diff between the fixture's two util.c (diff exits 1: they differ)
(cd "$src" && diff -u a/util.c b/util.c >"$seeds/diff/util.diff") || true
cp "$scratch/obj/counter" "$seeds/elf/counter"
# raw LLVM profiles: those kept as regressions (one written by clang 14)
cp "$root"/tests/fuzz/regressions/profraw/* "$seeds/profraw/"
for t in "${targets[@]}"; do
	[[ -n $(ls -A "$seeds/$t") ]] || { echo "fuzz.sh: no seeds for $t" >&2; exit 1; }
done

# ---- the fuzz budget
rc=0
for t in "${targets[@]}"; do
	corpus=$build/fuzz/corpus/$t
	artifacts=$build/fuzz/artifacts/$t
	mkdir -p "$corpus" "$artifacts"
	log=$build/fuzz/$t.log
	echo "fuzz.sh: fuzz_$t for ${seconds}s"
	if ! "$build/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=20 \
		-rss_limit_mb=2560 -max_len=65536 -print_final_stats=1 \
		-artifact_prefix="$artifacts/" "$corpus" "$seeds/$t" \
		"$root/tests/fuzz/regressions/$t" >"$log" 2>&1; then
		echo "fuzz.sh: fuzz_$t found a problem (input kept in $artifacts/):" >&2
		grep -E 'ERROR|SUMMARY|Test unit written|==[0-9]+==' "$log" | head -20 >&2 || true
		echo "fuzz.sh: the whole log: $log" >&2
		rc=1
		continue
	fi
	grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' "$log" |
		sed "s/^/fuzz.sh:   $t /"
done
exit $rc
