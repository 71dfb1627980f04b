#!/usr/bin/env bash
# The main job on the bundled example project (tests/fixtures/example):
#
#   1. tools/setup.sh: installs what is missing, builds runner and covmerge
#      into build/
#   2. the example built with --coverage into build-demo/example
#   3. runner -n 4 --cov: its tests on 4 workers, one gcov shard each
#      (build-demo/cov/gwK), cmocka programs split into their tests
#   4. covmerge --fail-under=90: the shards merged, the term-missing table,
#      Cobertura XML and the gate
#
# Exit status: the runner's when a test fails (1), else covmerge's (0, or 2
# under 90%). DEMO_DIR overrides build-demo/.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
demo_dir=${DEMO_DIR:-$root/build-demo}
example_src=$root/tests/fixtures/example
example_build=$demo_dir/example
cov_dir=$demo_dir/cov

bash "$root/tools/setup.sh"

echo "demo: building the example with --coverage into $example_build"
# from scratch: notes or data left by an earlier build would be measured too
rm -rf "$example_build"
cmake -S "$example_src" -B "$example_build" \
	-DCMAKE_BUILD_TYPE=Debug -DSHAPES_COVERAGE=ON >/dev/null
cmake --build "$example_build" -j"$(nproc)" >/dev/null

cd "$example_src"
rel_build=$(realpath --relative-to=. "$example_build")
echo "demo: runner -n 4 --cov"
"$root/build/runner" -n 4 -v --cov="$rel_build" --cov-dir "$cov_dir" \
	--cov-report term "$rel_build"

echo
echo "demo: covmerge --fail-under=90"
exec "$root/build/covmerge" "$cov_dir" --object-dir "$example_build" \
	--report term-missing --report "xml:$demo_dir/coverage.xml" \
	--fail-under=90
