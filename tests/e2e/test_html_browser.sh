#!/bin/bash
# The HTML report (`--report html:DIR`) in a real browser: Debian's
# headless Chromium, driven over the DevTools pipe by tests/lib/browser.py,
# loads the pages from file:// and html_browser_check.py (beside this
# script) checks the DOM contract (README, "HTML report"):
#
#   - the bundled example (tests/fixtures/example) built with gcc-12
#     --coverage, its four test programs run, one covmerge run writing
#     html:DIR, xml:FILE, json:FILE and the term table;
#   - the index: #totals' data attributes equal Cobertura's totals (and the
#     JSON report's functions), the percentages the term table's; a click
#     on Cover sorts the rows ascending, a second descending; typing in
#     #filter hides the other rows;
#   - the file page of src/shape.c reached through its a.file-link: every
#     row's state (run/miss/part/none) and hit count as the JSON and
#     Cobertura reports say, line 17 missed, line 8's note naming 8->17,
#     `j` and `k` stepping through the missed and partial lines;
#   - on every page: no console error or exception, no request other than
#     file:// inside DIR, no horizontal scroll of the page at phone width;
#     screenshots of both pages, laptop (1280x800) and phone (390x844)
#     width, light and dark, kept in $CM_TEST_TMP/html-browser-screenshots
#     (CM_SCREENSHOT_DIR overrides);
#   - a hostile project whose source holds </script><script>... and
#     <img onerror=...>, and whose file name holds markup: no script of
#     theirs runs (window.pwned stays undefined), the text shows as text;
#     the page of a source removed after the run has p#no-source and the
#     counts of its executable lines;
#   - tools/screenshots.sh still writes the README's three images.
#
# A missing chromium fails the test (apt-get install chromium, or
# tools/setup.sh); it is never skipped.
set -euo pipefail
# shellcheck source=tests/lib/test-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/test-lib.sh"
need_covmerge
need_python
need_tool gcc-12 gcc-12
need_tool cmake cmake
need_tool "${CM_CHROMIUM:-chromium}" chromium
tl_workdir
work=$(cd "$work" && pwd -P)
# The sanitizer runtime and the gcov variables of the suite are for the
# project's programs, not for Python, CMake's probes or Chromium.
unset LD_PRELOAD GCOV_PREFIX GCOV_PREFIX_STRIP
export PYTHONDONTWRITEBYTECODE=1
shots=${CM_SCREENSHOT_DIR:-$CM_TEST_TMP/html-browser-screenshots}

# The example, built and run.
example=$CM_SOURCE_DIR/tests/fixtures/example
build=$work/example
CC=gcc-12 cmake -S "$example" -B "$build" -DCMAKE_BUILD_TYPE=Debug \
	-DSHAPES_COVERAGE=ON >"$work/cmake.log" 2>&1 ||
	die "configuring the example failed: $(cat "$work/cmake.log")"
cmake --build "$build" -j2 >>"$work/cmake.log" 2>&1 ||
	die "building the example failed: $(tail -30 "$work/cmake.log")"
for t in test_circle test_polygon test_dispatch test_parse; do
	(cd "$build" && "./$t") >"$work/$t.out" 2>&1 ||
		die "the example's $t failed: $(cat "$work/$t.out")"
done

html=$work/html
"$COVMERGE" "$build" --report term --report "html:$html" \
	--report "xml:$work/cov.xml" --report "json:$work/cov.json" \
	>"$work/term.txt" 2>"$work/covmerge.err" ||
	die "covmerge --report html:DIR exited $?: $(cat "$work/covmerge.err")"
[[ -f $html/index.html ]] ||
	die "covmerge --report html:$html wrote no index.html: $(ls -la "$html" 2>&1)"
ok "covmerge --report html:DIR writes DIR/index.html"

# The hostile project: markup in a source and in a file name.
hostile=$work/hostile
mkdir -p "$hostile"
evil_name='x<img src=y onerror="window.pwned=2">.c'
cat >"$hostile/main.c" <<'EOF'
/* </script><script>window.pwned=1</script> */
/* <img src=x onerror="window.pwned=1"> */
int evil(int v);
int main(void)
{
	const char *s = "</script><script>window.pwned=1</script>";
	return s[0] == '<' ? evil(0) : 1;
}
EOF
cat >"$hostile/$evil_name" <<'EOF'
int evil(int v)
{
	if (v > 0) /* <b onmouseover="window.pwned=3">hover</b> */
		return 1;
	return 0;
}
EOF
# and a source removed after the run: its page says it cannot be read
cat >"$hostile/gone.c" <<'EOF'
int gone(int v)
{
	return v + 1;
}
EOF
(cd "$hostile" && gcc-12 --coverage -O0 -o prog main.c "$evil_name" gone.c &&
	./prog) >"$work/hostile.log" 2>&1 ||
	die "building or running the hostile program failed: $(cat "$work/hostile.log")"
rm "$hostile/gone.c"
"$COVMERGE" "$hostile" --report "html:$work/hostile-html" \
	>"$work/hostile.out" 2>&1 ||
	die "covmerge on the hostile sources exited $?: $(cat "$work/hostile.out")"

# The checks in the browser: one "ok WHAT" or "not ok WHAT" line each,
# with "# " lines saying why, turned into TAP here; every check runs even
# after one failed, so that the output lists all that do not hold.
check_rc=0
"$PYTHON" "$CM_SOURCE_DIR/tests/e2e/html_browser_check.py" \
	--report "$html" --xml "$work/cov.xml" --json "$work/cov.json" \
	--term "$work/term.txt" --source-root "$example" \
	--file src/shape.c --missed 17 --arc '8->17' --shots "$shots" \
	--hostile-report "$work/hostile-html" \
	--hostile-text '</script><script>window.pwned=1</script>' \
	--hostile-text '<img src=x onerror="window.pwned=1">' \
	--hostile-text '<b onmouseover="window.pwned=3">hover</b>' \
	--hostile-name "$evil_name" \
	--unreadable gone.c \
	>"$work/checks.out" 2>"$work/checks.err" || check_rc=$?

tl_relay_checks "$work/checks.out" "$check_rc" html_browser_check.py "$work/checks.err"
# tools/screenshots.sh, which regenerates the README's images, still works.
COVMERGE=$COVMERGE bash "$CM_SOURCE_DIR/tools/screenshots.sh" "$work/img" \
	>"$work/screenshots.log" 2>&1 ||
	fail "tools/screenshots.sh failed: $(cat "$work/screenshots.log")"
sizes=$("$PYTHON" -c '
import struct, sys
for p in sys.argv[1:]:
    with open(p, "rb") as f:
        h = f.read(24)
    print(h[1:4].decode(), *struct.unpack(">II", h[16:24]))
' "$work/img/html-index.png" "$work/img/html-file.png" "$work/img/html-file-dark.png" 2>&1) ||
	fail "tools/screenshots.sh wrote no PNG files: $sizes"
assert_eq "PNG 1280 800
PNG 1280 800
PNG 1280 800" "$sizes" "tools/screenshots.sh writes the README's three 1280x800 PNG images"

[[ -s $work/checks.err ]] && note "html_browser_check.py: $(cat "$work/checks.err")"
note "screenshots in $shots"
