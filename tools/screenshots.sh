#!/usr/bin/env bash
# Regenerates the README's screenshots of the HTML report (docs/img/) from
# the bundled example project (tests/fixtures/example):
#
#   1. a copy of the example built with gcc --coverage in a temporary
#      directory, its four test programs run once
#   2. covmerge --report html:DIR on that build
#   3. headless Chromium (tests/lib/browser.py) at 1280x800: the index
#      (html-index.png), the page of src/shape.c reached through its link
#      (html-file.png), and the same page in dark mode with `j` pressed
#      twice: the second missed line marked current (html-file-dark.png)
#
#   tools/screenshots.sh [OUTDIR]      default OUTDIR: docs/img
#
# COVMERGE names the covmerge binary (default: the newest build*/covmerge).
# Needs chromium, cmake, gcc and libcmocka-dev (tools/setup.sh installs
# them). Exit status: 0, or 1 with a message when a step failed.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
out=${1:-$root/docs/img}

covmerge=${COVMERGE:-}
if [[ -z $covmerge ]]; then
	for f in "$root"/build*/covmerge; do
		[[ -x $f && -f $f ]] || continue
		if [[ -z $covmerge || $f -nt $covmerge ]]; then
			covmerge=$f
		fi
	done
fi
[[ -n $covmerge && -x $covmerge ]] || {
	echo "screenshots.sh: no covmerge binary (build the project, or set COVMERGE)" >&2
	exit 1
}
command -v "${CM_CHROMIUM:-chromium}" >/dev/null 2>&1 || {
	echo "screenshots.sh: chromium is not installed (apt-get install chromium, or tools/setup.sh)" >&2
	exit 1
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cm-screenshots.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
unset LD_PRELOAD GCOV_PREFIX GCOV_PREFIX_STRIP
export PYTHONDONTWRITEBYTECODE=1

# a copy, so that the pages show a neutral source path, not this checkout's
example=$tmp/shapes
cp -r "$root/tests/fixtures/example" "$example"
build=$tmp/build
echo "screenshots: building the example with --coverage"
cmake -S "$example" -B "$build" -DCMAKE_BUILD_TYPE=Debug \
	-DSHAPES_COVERAGE=ON >"$tmp/build.log" 2>&1 &&
	cmake --build "$build" -j2 >>"$tmp/build.log" 2>&1 || {
	cat "$tmp/build.log" >&2
	echo "screenshots.sh: building the example failed" >&2
	exit 1
}
for t in test_circle test_polygon test_dispatch test_parse; do
	(cd "$build" && "./$t") >/dev/null 2>&1 || {
		echo "screenshots.sh: the example's $t failed" >&2
		exit 1
	}
done

"$covmerge" "$build" --report "html:$tmp/html"

mkdir -p "$out"
index="file://$tmp/html/index.html"
link='#files tbody tr.file[data-name="src/shape.c"] a.file-link'
shot() {
	/usr/bin/python3 "$root/tests/lib/browser.py" shot "$@"
}
shot "$index" "$out/html-index.png"
shot "$index" "$out/html-file.png" --follow "$link"
shot "$index" "$out/html-file-dark.png" --dark --follow "$link" --key j --key j
for f in html-index.png html-file.png html-file-dark.png; do
	echo "screenshots: $out/$f ($(stat -c %s "$out/$f") bytes)"
done
