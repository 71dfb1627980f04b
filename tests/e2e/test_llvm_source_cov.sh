#!/bin/bash
# clang's source-based coverage (-fprofile-instr-generate -fcoverage-mapping;
# issue 12, item 3), read through LLVM's own tools. The bundled example
# project (tests/fixtures/example, CMake) is built with clang that way and:
# 1. runner -n 4 --cov --cov-fail-under 90 --ctest BUILD: one .profraw per
#    process under <cov-dir>/gwK, the programs in the manifest, one report
#    and the gate. The oracle is llvm-profdata merge + llvm-cov export run
#    by this test on the same .profraw files: per file, every line's count
#    equals llvm-cov's own lcov export, and the totals are its totals; the
#    function totals equal `llvm-cov report`'s, and so do the line totals
#    but for the one line llvm-cov's summary leaves out (see below).
# 2. The gate at the total as printed (97.57) passes, one hundredth above
#    fails (exit 1, pytest-cov's message).
# 3. covmerge with the .profraw files and --binary, and covmerge on the
#    runner's coverage directory (its manifest names the binaries): the
#    same tracefile. With --branch, a warning says that the branches of
#    code compiled into several programs count once per program, as
#    llvm-cov's lcov export lists them.
#    A shared library found through the test program's RUNPATH is read
#    too.
#    Programs that did not run (-k): a warning names their binaries (no
#    raw profile names their build ids); profiles of programs not given
#    (--binary test_circle alone): a warning names them.
# 4. The errors, with their messages: profiles without --binary, a PATH
#    without llvm-profdata, a corrupt .profraw, a binary without coverage
#    mapping, a binary rebuilt since the run (newer than the profiles);
#    temporary files gone each time. The empty .profraw of a program that
#    died (abort()): an error alone, a warning naming it beside others. Functions that llvm-cov reads as
#    mismatched without a newer binary (a name several programs share,
#    run in one only) are its warning, shown.
# 5. A gcc --coverage shard and a .profraw of the same sources merge per
#    line: each line's count is the gcc count plus the clang count.
set -euo pipefail
# shellcheck source=tests/lib/oracle.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/oracle.sh"
e2e_setup
need_runner
work=$(cd "$work" && pwd -P)
need_tool clang clang
need_tool llvm-profdata llvm
need_tool llvm-cov llvm
need_tool cmake cmake
need_tool ctest cmake

src=$work/src
b=$work/build
cp -R "$fixture_dir/example" "$src"
flags="-fprofile-instr-generate -fcoverage-mapping"
cmake -S "$src" -B "$b" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug \
	"-DCMAKE_C_FLAGS=$flags" -DCMAKE_EXE_LINKER_FLAGS=-fprofile-instr-generate \
	>"$work/cmake.log" 2>&1 || die "configuring the example failed: $(cat "$work/cmake.log")"
cmake --build "$b" -j2 >>"$work/cmake.log" 2>&1 ||
	die "building the example failed: $(cat "$work/cmake.log")"
# (in CTest's order, as the manifest lists them)
bins=("$b/test_circle" "$b/test_polygon" "$b/test_dispatch" "$b/test_parse")
# covmerge's temporary files go here: empty again after every run
export TMPDIR=$work/tmp
mkdir -p "$TMPDIR"
tmp_left() { find "$TMPDIR" -mindepth 1 | head -5; }

# DA lines of a tracefile as "file:line,count", sorted
da_lines() {
	awk -F: '/^SF:/ {f = substr($0, 4)} /^DA:/ {split($2, a, ","); print f ":" a[1] "," a[2]}' "$1" |
		LC_ALL=C sort
}

# ------------------------------------------------------------ 1. runner
cov=$work/cov
rc=0
(cd "$b" && "$RUNNER" -n 4 --cov --cov-dir "$cov" --cov-report term \
	--cov-report "lcov:$work/run.info" --cov-fail-under 90 --ctest .) \
	>"$work/run.out" 2>"$work/run.err" || rc=$?
assert_eq 0 "$rc" "runner --cov: exit status"
assert_empty "$work/run.err" "runner --cov: no message"
assert_line "$work/run.out" "runner: 25 passed, 0 failed, 0 skipped" "runner --cov: every test passed"
nprof=$(find "$cov" -name '*.profraw' | wc -l)
assert_eq 9 "$nprof" "one .profraw per test process (9 processes)"
for k in 0 1 2 3; do
	for f in "$cov/gw$k"/*.profraw; do
		[[ -e $f ]] || continue
		[[ $(basename "$f") =~ ^[0-9]+_0-[0-9]+\.profraw$ ]] ||
			fail "not a %m-%p name: $f"
	done
done
ok "the profiles are named %m-%p under the worker shards"
assert_line "$work/run.out" "covmerge: 0 objects (0 never run), 0 data files, 9 LLVM profiles of 4 binaries" \
	"runner --cov: the header counts the profiles and the programs"
assert_line "$work/run.out" "Required test coverage of 90% reached. Total coverage: 97.57%" \
	"runner --cov: the gate passes at 90"
want_bins=$(printf '"%s", ' "${bins[@]}")
assert_contains "$cov/manifest.json" "\"binaries\": [${want_bins%, }]" "the manifest lists the programs"
assert_contains "$cov/manifest.json" '"gcda_files": 0, "profraw_files": ' "the manifest counts the profiles"

# the oracle: LLVM's tools by hand on the same profiles
llvm-profdata merge -sparse "$cov"/gw*/*.profraw -o "$work/oracle.profdata" ||
	die "llvm-profdata merge failed"
objs=("${bins[0]}")
for x in "${bins[@]:1}"; do objs+=(-object "$x"); done
llvm-cov export -format=lcov -instr-profile="$work/oracle.profdata" "${objs[@]}" \
	>"$work/llvm.info" 2>"$work/llvm.err" || die "llvm-cov export failed: $(cat "$work/llvm.err")"
llvm-cov report -instr-profile="$work/oracle.profdata" "${objs[@]}" \
	>"$work/llvm.report" 2>&1 || die "llvm-cov report failed"
want=$(da_lines "$work/llvm.info")
got=$(da_lines "$work/run.info")
[[ -n $want ]] || die "llvm-cov exported no lines"
assert_eq "$want" "$got" "every line's count equals llvm-cov export's ($(wc -l <<<"$want") lines)"
# totals: llvm-cov's lines, and ours in the tracefile and the table
lf=$(grep -c '' <<<"$want")
lh=$(grep -vc ',0$' <<<"$want")
assert_eq "$lf $lh" "$(awk -F: '/^LF:/ {f += $2} /^LH:/ {h += $2} END {print f, h}' "$work/run.info")" \
	"the line totals are llvm-cov export's"
assert_grep "$work/run.out" "^TOTAL +$lf +$((lf - lh)) +98%$" "the table's total is llvm-cov export's"
# llvm-cov report sums its lines per function, so it leaves out one line
# its own export (and `llvm-cov show`) counts: circle.c's
# "#define SHAPES_PI", a macro definition outside every function body
report_total=$(awk '$1 == "TOTAL" {print $8, $9, $5, $6}' "$work/llvm.report")
assert_eq "$((lf - 1)) $((lf - lh)) 27 0" "$report_total" \
	"llvm-cov report: the same lines but the macro definition, the same functions"
assert_grep "$work/llvm.info" "^DA:3,4$" "circle.c's line 3 (the #define) is in llvm-cov's export"
fnf=$(awk -F: '/^FNF:/ {f += $2} /^FNH:/ {h += $2} END {print f, h}' "$work/run.info")
assert_eq "27 27" "$fnf" "the function totals are llvm-cov report's (tap.h's statics once each)"

# ------------------------------------------------------------ 2. gate
gate() {
	rc=0
	(cd "$b" && "$RUNNER" -n 4 -q --cov --cov-dir "$cov" --cov-fail-under "$1" --ctest .) \
		>"$work/gate.out" 2>"$work/gate.err" || rc=$?
}
gate 97.57
assert_eq 0 "$rc" "the gate at 97.57 (the total as printed) passes"
assert_line "$work/gate.out" "Required test coverage of 97.57% reached. Total coverage: 97.57%" \
	"the gate at 97.57: message"
gate 97.58
assert_eq 1 "$rc" "the gate at 97.58 fails: exit 1"
assert_line "$work/gate.out" "FAIL Required test coverage of 97.58% not reached. Total coverage: 97.57%" \
	"the gate at 97.58: message"
assert_eq "" "$(tmp_left)" "runner: no temporary file left"

# ------------------------------------------------------------ 3. covmerge
bin_args=()
for x in "${bins[@]}"; do bin_args+=(--binary "$x"); done
rc=0
"$COVMERGE" -q --report "lcov:$work/cm.info" "${bin_args[@]}" "$cov"/gw*/*.profraw \
	>"$work/cm.out" 2>"$work/cm.err" || rc=$?
assert_eq 0 "$rc" "covmerge .profraw --binary: exit status"
assert_empty "$work/cm.err" "covmerge .profraw --binary: no message"
assert_same "$work/run.info" "$work/cm.info" "covmerge .profraw --binary: runner's tracefile"
rc=0
"$COVMERGE" -q --report "lcov:$work/cm-dir.info" "$cov" >"$work/cm.out" 2>"$work/cm.err" || rc=$?
assert_eq 0 "$rc" "covmerge COV-DIR (binaries from the manifest): exit status"
assert_same "$work/run.info" "$work/cm-dir.info" "covmerge COV-DIR: runner's tracefile"
# with --branch: tap.h's static functions are in two programs, whose
# branches llvm-cov's export lists once per program (16) where its summary
# counts them once (BRF:8); said, not hidden
rc=0
"$COVMERGE" -q --branch --report "lcov:$work/cm-br.info" "$cov" >"$work/cm.out" 2>"$work/cm.err" || rc=$?
assert_eq 0 "$rc" "covmerge --branch COV-DIR: exit status"
cat >"$work/want.err" <<EOF
covmerge: warning: branches of code compiled into several binaries count once per binary: llvm-cov's export lists 16 branches of "$src/tests/tap.h", its own summary 8 (1 file so)
EOF
assert_same "$work/want.err" "$work/cm.err" "covmerge --branch: the warning on tap.h's branches"
assert_eq "$(grep -c '^BRDA:' "$work/llvm.info")" "$(grep -c '^BRDA:' "$work/cm-br.info")" \
	"covmerge --branch: llvm-cov export's branches, each"
llvm-profdata merge -sparse "$cov"/gw*/*.profraw -o "$work/all.profdata"
rc=0
"$COVMERGE" -q --report "lcov:$work/cm-pd.info" "${bin_args[@]}" "$work/all.profdata" \
	>"$work/cm.out" 2>"$work/cm.err" || rc=$?
assert_eq 0 "$rc" "covmerge .profdata --binary: exit status"
assert_same "$work/run.info" "$work/cm-pd.info" "covmerge .profdata --binary: runner's tracefile"
assert_eq "" "$(tmp_left)" "covmerge: no temporary file left"
# programs that did not run (-k: test_circle's tests only): no profile
# names their build ids, and llvm-cov's export leaves the code only they
# compile out (test_dispatch.c, test_parse.c): one line says so. An
# indexed .profdata names no build ids: nothing said then
rc=0
(cd "$b" && "$RUNNER" -n 2 --cov --cov-dir "$work/cov-k" -k circle --ctest .) \
	>"$work/k.out" 2>"$work/k.err" || rc=$?
assert_eq 0 "$rc" "runner -k circle: exit status"
assert_line "$work/k.out" "runner: 3 passed, 0 failed, 0 skipped" "runner -k circle: test_circle's tests"
rc=0
"$COVMERGE" -q --report "lcov:$work/k.info" "$work/cov-k" >"$work/cm.out" 2>"$work/cm.err" || rc=$?
assert_eq 0 "$rc" "covmerge on the -k run: exit status"
assert_contains "$work/cm.err" "covmerge: warning: no LLVM profile comes from the binaries \"$b/test_polygon\" and 2 more (none names their build id): they did not run, and llvm-cov's export leaves the code that only they compile out of the report, or counts it with another program's function of the same name (such as main)" \
	"covmerge on the -k run: the binaries that did not run, named"
grep -q "^SF:$src/tests/test_dispatch.c$" "$work/k.info" &&
	fail "test_dispatch.c is in the -k run's report: the warning's premise changed"
llvm-profdata merge -sparse "$work"/cov-k/gw*/*.profraw -o "$work/k.profdata"
rc=0
"$COVMERGE" -q --report "lcov:$work/k-pd.info" "${bin_args[@]}" "$work/k.profdata" \
	>"$work/cm.out" 2>"$work/cm.err" || rc=$?
assert_eq 0 "$rc" "covmerge .profdata of the -k run: exit status"
grep -q "no LLVM profile comes from" "$work/cm.err" &&
	fail "a .profdata names no build ids, yet covmerge said which binaries did not run"
# the full run's profiles read with test_circle alone: the 6 profiles of
# the other programs' processes name build ids no binary given has
rc=0
"$COVMERGE" -q --report "lcov:$work/circle-only.info" --binary "$b/test_circle" "$cov"/gw*/*.profraw \
	>"$work/cm.out" 2>"$work/cm.err" || rc=$?
assert_eq 0 "$rc" "covmerge with one binary of four: exit status"
grep -Eq "^covmerge: warning: the LLVM profiles \"$cov/gw[0-9]/[^\"]*\.profraw\" and 5 more come from no binary given \(no binary has their build id\): the code that only their programs compile is not in the report$" "$work/cm.err" ||
	fail "covmerge with one binary of four: the profiles of the others not named: $(cat "$work/cm.err")"
assert_contains "$work/cm.err" "hint: pass the programs or libraries that wrote them with --binary (or were they rebuilt since the run?)" \
	"covmerge with one binary of four: the hint"
ok "covmerge with one binary of four: the other programs' 6 profiles named"

# ------------------------------------------------------------ shared library
# the library built shared, the test program finding it through its
# RUNPATH ($ORIGIN/../lib): runner --cov reads the library's profile too
sl=$work/shared
mkdir -p "$sl/lib" "$sl/bin"
# shellcheck disable=SC2086  # $flags is two flags
clang $flags -fPIC -shared -I"$src/include" -o "$sl/lib/libshapes.so" "$src"/src/*.c -lm &&
	clang $flags -I"$src/include" -o "$sl/bin/test_dispatch" "$src/tests/test_dispatch.c" \
		-L"$sl/lib" -lshapes -Wl,-rpath,'$ORIGIN/../lib' ||
	die "building the shared library and its test failed"
rc=0
(cd "$sl" && "$RUNNER" -n 2 -q --cov --cov-dir "$sl/cov" --cov-report "lcov:$sl/run.info" bin) \
	>"$sl/run.out" 2>"$sl/run.err" || rc=$?
assert_eq 0 "$rc" "shared library: runner --cov exit status"
assert_line "$sl/run.out" "covmerge: 0 objects (0 never run), 0 data files, 2 LLVM profiles of 2 binaries" \
	"shared library: one profile each for the program and the library"
llvm-profdata merge -sparse "$sl"/cov/gw*/*.profraw -o "$sl/oracle.profdata" &&
	llvm-cov export -format=lcov -instr-profile="$sl/oracle.profdata" "$sl/bin/test_dispatch" \
		-object "$sl/lib/libshapes.so" >"$sl/llvm.info" 2>/dev/null || die "the oracle failed"
assert_eq "$(da_lines "$sl/llvm.info")" "$(da_lines "$sl/run.info")" \
	"shared library: every line's count equals llvm-cov export's with the library"
assert_grep "$sl/run.info" "^SF:$src/src/shape.c$" "shared library: the library's sources are measured"

# ------------------------------------------------------------ 4. errors
one=$(find "$cov" -name '*.profraw' | LC_ALL=C sort | head -n 1)
cp "$one" "$work/one.profraw"
# past 64 KiB of names the profiles go to llvm-profdata as a list file:
# 700 copies of one profile count 700 times its counts
mkdir -p "$work/many"
long=$(printf 'p%.0s' {1..100})
for i in $(seq 1 700); do cp "$one" "$work/many/$long-$i.profraw"; done
for what in one many; do
	rc=0
	"$COVMERGE" -q --report "lcov:$work/$what.info" --binary "${bins[0]}" --binary "${bins[1]}" \
		--binary "${bins[2]}" --binary "${bins[3]}" "$work/$what"* >"$work/cm.out" 2>"$work/cm.err" || rc=$?
	assert_eq 0 "$rc" "$what profile(s): exit status"
done
# (one process's profile: the other programs' main functions, which share
# its name, read as mismatched and count 0; said as a warning; and the
# three programs that did not run, named)
assert_eq "covmerge: warning: \`llvm-cov export\` said:" "$(head -n 1 "$work/cm.err")" \
	"one profile of four programs: llvm-cov's warning shown"
[[ $(sed -n 2p "$work/cm.err") =~ ^warning:\ [2-3]\ functions\ have\ mismatched\ data$ &&
	$(sed -n 3p "$work/cm.err") =~ ^covmerge:\ warning:\ no\ LLVM\ profile\ comes\ from\ the\ binaries\ \"$b/test_[a-z]+\"\ and\ 2\ more\ \(none\ names\ their\ build\ id\) &&
	$(wc -l <"$work/cm.err") == 3 ]] ||
	fail "one profile of four programs: not llvm-cov's warning and ours: $(cat "$work/cm.err")"
ok "one profile of four programs: the other mains (2 or 3 functions) mismatched, 3 binaries named"
assert_eq "$(da_lines "$work/one.info" | awk -F, '{print $1 "," $2 * 700}')" \
	"$(da_lines "$work/many.info")" "700 profiles through a list file: 700 times the counts"
expect_error() { # WHAT: exit status 1, stderr as $work/want.err
	assert_eq 1 "$rc" "$1: exit status 1"
	assert_same "$work/want.err" "$work/cm.err" "$1: the message"
	assert_eq "" "$(tmp_left)" "$1: no temporary file left"
	[[ ! -e $work/err.info ]] || fail "$1: a report was written"
}
rc=0
"$COVMERGE" --report "lcov:$work/err.info" "$work/one.profraw" >"$work/cm.out" 2>"$work/cm.err" || rc=$?
cat >"$work/want.err" <<EOF
covmerge: cannot read the LLVM profiles "$work/one.profraw": no binary to read them with
hint: pass --binary FILE (repeatable) naming the instrumented programs and shared libraries
EOF
expect_error "no --binary"

# only versioned tools on PATH: the highest llvm-profdata-N, and the
# llvm-cov-N of its version (the lower ones would fail)
mkdir -p "$work/versioned"
ln -s "$(readlink -f "$(command -v llvm-profdata)")" "$work/versioned/llvm-profdata-14"
ln -s "$(readlink -f "$(command -v llvm-cov)")" "$work/versioned/llvm-cov-14"
printf '#!/bin/sh\necho "the old tool ran" >&2\nexit 1\n' >"$work/versioned/llvm-profdata-9"
cp "$work/versioned/llvm-profdata-9" "$work/versioned/llvm-cov-9"
cp "$work/versioned/llvm-profdata-9" "$work/versioned/llvm-cov-15"
chmod +x "$work/versioned"/*-9 "$work/versioned/llvm-cov-15"
rc=0
PATH=$work/versioned "$COVMERGE" -q --report "lcov:$work/versioned.info" "${bin_args[@]}" \
	"$cov"/gw*/*.profraw >"$work/cm.out" 2>"$work/cm.err" || rc=$?
assert_eq 0 "$rc" "llvm-profdata-14 and llvm-cov-14: exit status"
assert_empty "$work/cm.err" "llvm-profdata-14 and llvm-cov-14: no message"
assert_same "$work/run.info" "$work/versioned.info" "llvm-profdata-14 and llvm-cov-14: runner's tracefile"

mkdir -p "$work/nollvm"
ln -s "$(command -v env)" "$work/nollvm/env"
rc=0
PATH=$work/nollvm "$COVMERGE" --report "lcov:$work/err.info" --binary "${bins[0]}" \
	"$work/one.profraw" >"$work/cm.out" 2>"$work/cm.err" || rc=$?
cat >"$work/want.err" <<EOF
covmerge: cannot read the LLVM profiles: llvm-profdata is not on PATH (nor a versioned llvm-profdata-N)
hint: install LLVM's tools (Debian package "llvm"), or name the tool with LLVM_PROFDATA=PATH
EOF
expect_error "no llvm-profdata on PATH"
rc=0
LLVM_COV=$work/nollvm/llvm-cov "$COVMERGE" --report "lcov:$work/err.info" --binary "${bins[0]}" \
	"$work/one.profraw" >"$work/cm.out" 2>"$work/cm.err" || rc=$?
cat >"$work/want.err" <<EOF
covmerge: LLVM_COV names "$work/nollvm/llvm-cov", which is no executable file
EOF
expect_error "LLVM_COV naming no program"

head -c 100 "$one" >"$work/bad.profraw"
rc=0
"$COVMERGE" --report "lcov:$work/err.info" --binary "${bins[0]}" "$work/bad.profraw" \
	>"$work/cm.out" 2>"$work/cm.err" || rc=$?
cat >"$work/want.err" <<EOF
covmerge: cannot merge the LLVM profiles "$work/bad.profraw": \`llvm-profdata\` failed (exit status 1), saying:
warning: $work/bad.profraw: invalid instrumentation profile data (file header is corrupt)
error: no profile can be merged
EOF
expect_error "a corrupt .profraw"

# a program that dies (abort()) leaves its .profraw empty: clang's runtime
# makes the file at the start and fills it at a normal exit only.
# llvm-profdata skips such a file without a word: alone it read as "no
# line ran ... other programs?"; beside others it went unsaid
mkdir -p "$work/crash"
printf '#include <stdlib.h>\nint main(void) { abort(); }\n' >"$work/crash/crash.c"
# shellcheck disable=SC2086
clang $flags -o "$work/crash/crash" "$work/crash/crash.c"
rc=0
# (outside runner's crash flush: under runner --cov, as in tools/test.sh,
# LD_PRELOAD holds its library, which writes the counts at the signal)
env -u LD_PRELOAD LLVM_PROFILE_FILE="$work/crash/crash.profraw" "$work/crash/crash" \
	2>/dev/null || rc=$?
assert_eq 134 "$rc" "the crashing program died of SIGABRT"
assert_eq 0 "$(stat -c %s "$work/crash/crash.profraw")" "its .profraw is empty"
rc=0
"$COVMERGE" --report "lcov:$work/err.info" --binary "${bins[0]}" "$work/crash/crash.profraw" \
	>"$work/cm.out" 2>"$work/cm.err" || rc=$?
cat >"$work/want.err" <<EOF
covmerge: cannot read the LLVM profiles "$work/crash/crash.profraw": they are empty (0 bytes): their programs ended without writing their counts (a crash, abort(), _exit() or a signal)
EOF
expect_error "an empty .profraw alone"
rc=0
"$COVMERGE" -q --report "lcov:$work/withcrash.info" --binary "${bins[0]}" --binary "${bins[1]}" \
	--binary "${bins[2]}" --binary "${bins[3]}" "$work/one.profraw" "$work/crash/crash.profraw" \
	>"$work/cm.out" 2>"$work/cm.err" || rc=$?
assert_eq 0 "$rc" "an empty .profraw beside another: exit status"
assert_eq "covmerge: warning: the LLVM profiles \"$work/crash/crash.profraw\" are empty (0 bytes), left out: their programs ended without writing their counts (a crash, abort(), _exit() or a signal)" \
	"$(head -n 1 "$work/cm.err")" "an empty .profraw beside another: a warning names it"
assert_same "$work/one.info" "$work/withcrash.info" \
	"an empty .profraw beside another: the other's counts"

rc=0
"$COVMERGE" --report "lcov:$work/err.info" --binary "${bins[0]}" --binary /bin/true \
	"$work/one.profraw" >"$work/cm.out" 2>"$work/cm.err" || rc=$?
cat >"$work/want.err" <<EOF
covmerge: the binary "/bin/true" holds no coverage mapping
hint: build it with clang -fprofile-instr-generate -fcoverage-mapping
EOF
expect_error "a binary without coverage mapping"

rc=0
"$COVMERGE" --report "lcov:$work/err.info" --binary "${bins[0]}" "$src" \
	>"$work/cm.out" 2>"$work/cm.err" || rc=$?
cat >"$work/want.err" <<EOF
covmerge: --binary names the binaries that LLVM profiles (.profraw, .profdata) are read with, but no input is or holds one
EOF
expect_error "--binary without profiles"

# SIGTERM while llvm-profdata runs (a stand-in that says where it writes,
# then waits): covmerge dies by the signal, its temporary files with it
cat >"$work/slow-profdata" <<EOF
#!/bin/bash
echo "\$\$ \$4" >"$work/slow.pid"
exec sleep 60
EOF
chmod +x "$work/slow-profdata"
LLVM_PROFDATA=$work/slow-profdata "$COVMERGE" --binary "${bins[0]}" "$work/one.profraw" \
	>"$work/cm.out" 2>"$work/cm.err" &
cm_pid=$!
for _ in $(seq 1 600); do [[ -s $work/slow.pid ]] && break; sleep 0.1; done
read -r slow_pid slow_out <"$work/slow.pid" || die "the stand-in did not start"
[[ -d $(dirname "$slow_out") ]] || die "no temporary directory while the tool runs"
kill -TERM "$cm_pid"
rc=0
wait "$cm_pid" || rc=$?
kill "$slow_pid" 2>/dev/null || true
assert_eq 143 "$rc" "SIGTERM: covmerge dies by it"
assert_eq "" "$(tmp_left)" "SIGTERM: no temporary file left"

# the program rebuilt with another branch in shape_circle: its counters no
# longer fit the profiles (read with it and the manifest's four programs)
cp -R "$src" "$work/src2"
sed -i 's/\tif (!(r > 0))$/\tif (!(r > 0) || r > 1e300)/' "$work/src2/src/circle.c"
grep -q '1e300' "$work/src2/src/circle.c" || die "setup: circle.c not changed"
cmake -S "$work/src2" -B "$work/build2" -DCMAKE_C_COMPILER=clang "-DCMAKE_C_FLAGS=$flags" \
	-DCMAKE_EXE_LINKER_FLAGS=-fprofile-instr-generate >>"$work/cmake.log" 2>&1 &&
	cmake --build "$work/build2" -j2 --target test_circle >>"$work/cmake.log" 2>&1 ||
	die "building the changed example failed"
rc=0
"$COVMERGE" --report "lcov:$work/err.info" --binary "$work/build2/test_circle" "$cov" \
	>"$work/cm.out" 2>"$work/cm.err" || rc=$?
profs=$(find "$cov" -name '*.profraw' | LC_ALL=C sort | head -n 1)
cat >"$work/want.err" <<EOF
covmerge: cannot read the LLVM profiles "$profs" and 8 more with the binaries "$work/build2/test_circle" and 4 more: the profiles do not match the binaries: "$work/build2/test_circle" is newer than every profile (rebuilt since the run?); \`llvm-cov\` said:
warning: 1 functions have mismatched data
EOF
expect_error "a binary rebuilt since the run"

# ------------------------------------------------------------ 5. gcc + clang
gb=$work/gbuild
cmake -S "$src" -B "$gb" -DCMAKE_C_COMPILER=gcc -DCMAKE_BUILD_TYPE=Debug -DSHAPES_COVERAGE=ON \
	>>"$work/cmake.log" 2>&1 && cmake --build "$gb" -j2 >>"$work/cmake.log" 2>&1 ||
	die "building the example with gcc failed"
GCOV_PREFIX=$work/gshard GCOV_PREFIX_STRIP=0 "$gb/test_dispatch" >/dev/null ||
	die "gcc's test_dispatch failed"
LLVM_PROFILE_FILE=$work/clang.profraw "$b/test_parse" >/dev/null || die "clang's test_parse failed"
for what in gcc clang both; do
	case $what in
	gcc) inputs=("$work/gshard") ;;
	clang) inputs=("$work/clang.profraw" --binary "$b/test_parse") ;;
	both) inputs=("$work/gshard" "$work/clang.profraw" --binary "$b/test_parse") ;;
	esac
	rc=0
	"$COVMERGE" -q --root "$src" --report "lcov:$work/$what.info" "${inputs[@]}" \
		>"$work/cm.out" 2>"$work/cm.err" || rc=$?
	assert_eq 0 "$rc" "$what: covmerge exit status"
done
sum=$(join -t' ' -a1 -a2 -e0 -o0,1.2,2.2 \
	<(da_lines "$work/gcc.info" | sed 's/,/ /' | LC_ALL=C sort -k1,1) \
	<(da_lines "$work/clang.info" | sed 's/,/ /' | LC_ALL=C sort -k1,1) |
	awk '{print $1 "," $2 + $3}' | LC_ALL=C sort)
assert_eq "$sum" "$(da_lines "$work/both.info")" \
	"gcc + clang: each line's count is the sum ($(wc -l <<<"$sum") lines)"
grep -q "^SF:$src/src/shape.c$" "$work/both.info" || fail "gcc + clang: shape.c missing"
assert_eq 1 "$(grep -c "^SF:$src/src/shape.c$" "$work/both.info")" "gcc + clang: shape.c once"
note "ok"
