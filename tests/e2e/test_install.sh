#!/bin/bash
# Installed like a C tool. Builds the project once more, without tests or
# sanitizers, configured as a Debian package would be
# (-DCMAKE_INSTALL_PREFIX=/usr, a multiarch libdir), then:
#   - `cmake --install --prefix` into a temporary prefix installs exactly
#     bin/runner, bin/covmerge, the preload in lib/<multiarch>/runner/, the
#     two manual pages, README.md and LICENSE (no header);
#   - both installed programs print the version of project(VERSION) in
#     CMakeLists.txt;
#   - the installed covmerge writes an HTML report whose cm.css and cm.js
#     are the repository's files (built into the program);
#   - the installed runner, moved away from /usr, finds its preload in
#     the libdir beside it and splits a 7-test cmocka program into 7 tests
#     (also with --cov), without a warning;
#   - the runner alone, away from its tree, looks in the libdir compiled in
#     (/usr/lib/<multiarch>/runner) and warns that the cmocka program runs
#     as one test;
#   - `cpack -G DEB` makes covtools_<version>_<arch>.deb: `dpkg-deb -c`
#     lists the same files under /usr, its Depends are libc6, zlib1g and
#     libpq5 and name the package of every library the programs load
#     (cmocka is none of them); unpacked with `dpkg-deb -x`, its runner
#     splits the cmocka program too;
#   - reconfigured with -DCM_POSTGRESQL=OFF, the runner does not load libpq,
#     `--db temp` exits 4 with "runner: --db: this runner was built without
#     PostgreSQL support", and the .deb no longer depends on libpq5.
set -euo pipefail
# shellcheck source=tests/lib/oracle.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/oracle.sh"
e2e_setup --no-covmerge
work=$(cd "$work" && pwd -P)
need_tool cmake cmake
need_tool cpack cmake
need_tool dpkg-deb dpkg
need_tool readelf binutils
need_tool gcc gcc
[[ -f /usr/include/cmocka.h ]] || die "cmocka is not installed (apt-get install libcmocka-dev)"
# the outer runner's settings must not reach the programs under test
unset LD_PRELOAD RUNNER_PRELOAD RUNNER_DB GCOV_PREFIX GCOV_PREFIX_STRIP

multiarch=$(gcc -print-multiarch)
[[ -n $multiarch ]] || die "gcc -print-multiarch printed nothing"
version=$(sed -n 's/^project(covtools VERSION \([0-9.]*\).*/\1/p' "$CM_SOURCE_DIR/CMakeLists.txt")
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "no project(covtools VERSION x.y.z) in CMakeLists.txt"

b=$work/build
cmake -S "$CM_SOURCE_DIR" -B "$b" -DCM_TESTS=OFF -DCMAKE_BUILD_TYPE=Debug \
	-DCMAKE_INSTALL_PREFIX=/usr -DCMAKE_INSTALL_LIBDIR="lib/$multiarch" \
	>"$work/configure.log" 2>&1 || die "configuring failed: $(tail -20 "$work/configure.log")"
cmake --build "$b" -j2 >"$work/build.log" 2>&1 || die "building failed: $(tail -30 "$work/build.log")"

expected_files() { # PREFIX
	printf '%s\n' "$1/bin/covmerge" "$1/bin/runner" \
		"$1/lib/$multiarch/runner/librunner_preload.so" \
		"$1/share/doc/covtools/LICENSE" "$1/share/doc/covtools/README.md" \
		"$1/share/man/man1/covmerge.1" "$1/share/man/man1/runner.1"
}

# ------------------------------------------------------------ cmake --install
inst=$work/inst
cmake --install "$b" --prefix "$inst" >"$work/install.log" 2>&1 ||
	die "cmake --install failed: $(cat "$work/install.log")"
diff <(expected_files "$inst") <(find "$inst" -type f | sort) >"$work/files.diff" ||
	die "cmake --install installed other files than expected (< expected, > installed):
$(cat "$work/files.diff")"

for prog in runner covmerge; do
	got=$("$inst/bin/$prog" --version)
	[[ $got == "$prog $version" ]] || die "installed $prog --version: \"$got\", expected \"$prog $version\""
done

# a real cmocka program with 7 tests (two groups)
fx=$CM_SOURCE_DIR/tests/fixtures/runner
mkdir -p "$work/t" "$work/obj"
gcc -std=gnu11 -O0 -I"$fx" -o "$work/t/cmfix" "$fx/cm_fixture_file.c" -lcmocka ||
	die "cannot build the cmocka fixture"
gcc -std=gnu11 -O0 --coverage -dumpdir "$work/obj/" -I"$fx" -o "$work/t/cmcov" \
	"$fx/cm_fixture_file.c" -lcmocka || die "cannot build the cmocka fixture with --coverage"

# run_runner NAME RUNNER ARG...: in $work/t; stdout NAME.out, stderr NAME.err
run_runner() {
	local name=$1 bin=$2 rc=0
	shift 2
	(cd "$work/t" && "$bin" "$@") >"$work/$name.out" 2>"$work/$name.err" </dev/null || rc=$?
	((rc == 0)) || die "$name: $bin $* exited $rc: $(tail -20 "$work/$name.out") $(cat "$work/$name.err")"
}
# expect_split NAME: the run split the program into its 7 tests, silently
expect_split() {
	local last
	last=$(tail -1 "$work/$1.out")
	[[ $last == "runner: 7 passed, 0 failed, 0 skipped" ]] ||
		die "$1: last line \"$last\", expected 7 tests passed: $(cat "$work/$1.out")"
	[[ ! -s $work/$1.err ]] || die "$1: the runner warned: $(cat "$work/$1.err")"
}

run_runner inst "$inst/bin/runner" -n 2 -v cmfix
expect_split inst
run_runner inst_cov "$inst/bin/runner" -n 2 --cov="$work/obj" --cov-dir "$work/cov" \
	--cov-report "lcov:$work/inst.info" cmcov
expect_split inst_cov
grep -q '^SF:.*/cm_fixture_file\.c$' "$work/inst.info" ||
	die "the installed runner's --cov wrote no coverage of the fixture: $(head "$work/inst.info")"
# the HTML report's style sheet and script are built into covmerge (no data
# file is installed, see above): the installed covmerge writes them whole
"$inst/bin/covmerge" -q --root "$fx" --report "html:$work/inst-html" "$work/inst.info" \
	>"$work/inst-html.out" 2>&1 || die "the installed covmerge's html report: $(cat "$work/inst-html.out")"
for asset in cm.css cm.js; do
	cmp -s "$CM_SOURCE_DIR/covmerge/report/html/$asset" "$work/inst-html/$asset" ||
		die "the installed covmerge's $asset differs from covmerge/report/html/$asset"
done
[[ -f $work/inst-html/cm_fixture_file.c.html ]] ||
	die "the installed covmerge's html report has no page of the fixture: $(ls "$work/inst-html")"

# alone, the runner looks where it was configured to be installed
mkdir -p "$work/lone"
cp "$inst/bin/runner" "$work/lone/runner"
run_runner lone "$work/lone/runner" -n 2 cmfix
last=$(tail -1 "$work/lone.out")
[[ $last == "runner: 1 passed, 0 failed, 0 skipped" ]] ||
	die "a runner without its preload: last line \"$last\", expected 1 test"
want="runner: warning: the preload library is missing (looked for $work/lone/librunner_preload.so, $work/lib/$multiarch/runner/librunner_preload.so, /usr/lib/$multiarch/runner/librunner_preload.so)"
got=$(head -1 "$work/lone.err")
[[ $got == "$want" ]] || die "a runner without its preload: \"$got\", expected \"$want\""
grep -qxF "runner: warning: 1 cmocka program is not split into its tests: it runs as one test" \
	"$work/lone.err" || die "a runner without its preload: $(cat "$work/lone.err")"

# ------------------------------------------------------------------ the .deb
# needed_packages FILE...: the Debian packages of the libraries they load
# ("?LIB" for one that no package owns)
needed_packages() {
	local f lib path pkg p
	for f in "$@"; do
		readelf -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'
	done | sort -u | while IFS= read -r lib; do
		path=$(ldconfig -p | awk -v l="$lib" '$1 == l { print $NF; exit }')
		pkg=
		for p in "$path" "$(readlink -f "$path")" "/usr$path" "${path#/usr}"; do
			[[ -n $p ]] || continue
			pkg=$(dpkg -S "$p" 2>/dev/null | head -1 | sed 's/[:,].*//') || true
			[[ -z $pkg ]] || break
		done
		echo "${pkg:-?$lib}"
	done | sort -u
}

make_deb() { # LOG: builds the .deb in $b, sets $deb
	rm -f "$b"/covtools_*.deb
	(cd "$b" && cpack -G DEB) >"$work/$1" 2>&1 || die "cpack -G DEB failed: $(tail -20 "$work/$1")"
	deb=$(find "$b" -maxdepth 1 -name "covtools_${version}_*.deb")
	[[ -n $deb && -f $deb ]] || die "cpack made no covtools_${version}_*.deb: $(ls "$b")"
}
make_deb cpack.log
[[ $(dpkg-deb -f "$deb" Package) == covtools ]] || die "the .deb's Package is not covtools"
[[ $(dpkg-deb -f "$deb" Version) == "$version" ]] ||
	die "the .deb's Version is \"$(dpkg-deb -f "$deb" Version)\", expected $version"
depends=$(dpkg-deb -f "$deb" Depends)
[[ $depends == "libc6, zlib1g, libpq5" ]] || die "the .deb's Depends: \"$depends\""
diff <(expected_files ./usr) \
	<(dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { print $NF }' | sort) >"$work/deb.diff" ||
	die "dpkg-deb -c lists other files than expected (< expected, > in the .deb):
$(cat "$work/deb.diff")"
dpkg-deb -x "$deb" "$work/deb"
libs=$(needed_packages "$work/deb/usr/bin/runner" "$work/deb/usr/bin/covmerge" \
	"$work/deb/usr/lib/$multiarch/runner/librunner_preload.so")
[[ $(tr '\n' ' ' <<<"$libs") == "libc6 libpq5 zlib1g " ]] ||
	die "the installed programs load libraries of the packages \"$(tr '\n' ' ' <<<"$libs")\", expected libc6 libpq5 zlib1g"
for p in $libs; do
	[[ ", $depends," == *", $p,"* ]] || die "the programs load a library of $p, which Depends ($depends) does not name"
done
grep -q cmocka <<<"$libs" && die "the installed programs load cmocka: $libs"
run_runner deb "$work/deb/usr/bin/runner" -n 2 -v cmfix
expect_split deb

# ------------------------------------------------- without PostgreSQL (libpq)
cmake -S "$CM_SOURCE_DIR" -B "$b" -DCM_POSTGRESQL=OFF >"$work/configure2.log" 2>&1 ||
	die "configuring with -DCM_POSTGRESQL=OFF failed: $(tail -20 "$work/configure2.log")"
cmake --build "$b" -j2 >"$work/build2.log" 2>&1 || die "building without PostgreSQL failed: $(tail -30 "$work/build2.log")"
readelf -d "$b/runner" | grep -q 'NEEDED.*libpq' && die "a runner built with -DCM_POSTGRESQL=OFF loads libpq"
rc=0
(cd "$work/t" && "$b/runner" --db temp cmfix) >"$work/nodb.out" 2>"$work/nodb.err" </dev/null || rc=$?
((rc == 4)) || die "--db without PostgreSQL support exited $rc, expected 4: $(cat "$work/nodb.err")"
got=$(head -1 "$work/nodb.err")
[[ $got == "runner: --db: this runner was built without PostgreSQL support" ]] ||
	die "--db without PostgreSQL support: \"$got\""
rc=0
(cd "$work/t" && RUNNER_DB=temp "$b/runner" cmfix) >"$work/nodb2.out" 2>"$work/nodb2.err" </dev/null || rc=$?
((rc == 4)) || die "RUNNER_DB without PostgreSQL support exited $rc, expected 4"
run_runner nopg "$b/runner" -n 2 cmfix
expect_split nopg
make_deb cpack2.log
depends=$(dpkg-deb -f "$deb" Depends)
[[ $depends == "libc6, zlib1g" ]] || die "without PostgreSQL, the .deb's Depends: \"$depends\""

note "PASS: installed into a $multiarch prefix and from covtools_${version}.deb, the runner splits a 7-test cmocka program"
