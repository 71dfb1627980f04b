#!/usr/bin/env bash
# covmerge benchmark: generates a synthetic C project (or takes the bundled
# example, --example), builds it with --coverage, writes N shards
# (GCOV_PREFIX=<shard> GCOV_PREFIX_STRIP=0) and times covmerge, gcovr, lcov
# and gcov-tool merge on the same data with hyperfine; the html group times
# the HTML reports (covmerge html, genhtml, gcovr --html-details) and
# covmerge's html against its xml. A measurement tool, not a test: it
# asserts no times.
# See tools/bench/README.md.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)

files=200
funcs=40
shards=4
runs=10
slow_runs=
tests=3
keep=
covmerge=
tools=covmerge,gcovr,lcov,gcov-tool,html
example=0
build_jobs=$(nproc)

usage() {
	cat <<EOF
usage: $0 [options]

  --files N       source files in the synthetic project (default $files)
  --funcs N       functions per file (default $funcs)
  --shards N      shards to write and merge (default $shards)
  --runs N        timed runs per tool, after 1 warmup run (default $runs)
  --slow-runs N   timed runs for gcovr and lcov, which take minutes at the
                  default size (default: --runs, at most 3)
  --tests N       test programs in the project (default $tests)
  --keep DIR      work in DIR (must not exist or be empty) and keep it
  --covmerge PATH use this covmerge binary instead of building the repo's
                  (Release, into the work directory)
  --tools LIST    comma-separated subset of: covmerge,gcovr,lcov,gcov-tool,
                  html (default all)
  --example       measure the bundled example (tests/fixtures/example, its
                  CTest tests run once per shard) instead of the synthetic
                  project; --files, --funcs and --tests do not apply
  --build-jobs N  parallel jobs for building the project (default nproc)
  -h, --help      this text

Smoke run (about 30 s): $0 --files 20 --funcs 10 --runs 2
EOF
}

die() {
	echo "bench.sh: $*" >&2
	exit 1
}

posint() {
	[[ $2 =~ ^[1-9][0-9]*$ ]] || die "$1 needs a positive integer, got '$2'"
}

while [[ $# -gt 0 ]]; do
	case $1 in
	--files) posint "$1" "${2-}"; files=$2; shift 2 ;;
	--funcs) posint "$1" "${2-}"; funcs=$2; shift 2 ;;
	--shards) posint "$1" "${2-}"; shards=$2; shift 2 ;;
	--runs) posint "$1" "${2-}"; runs=$2; shift 2 ;;
	--slow-runs) posint "$1" "${2-}"; slow_runs=$2; shift 2 ;;
	--tests) posint "$1" "${2-}"; tests=$2; shift 2 ;;
	--build-jobs) posint "$1" "${2-}"; build_jobs=$2; shift 2 ;;
	--keep) [[ -n ${2-} ]] || die "--keep needs a directory"; keep=$2; shift 2 ;;
	--covmerge) [[ -n ${2-} ]] || die "--covmerge needs a path"; covmerge=$2; shift 2 ;;
	--tools) [[ -n ${2-} ]] || die "--tools needs a list"; tools=$2; shift 2 ;;
	--example) example=1; shift ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done

[[ -n $slow_runs ]] || slow_runs=$((runs < 3 ? runs : 3))

want() { [[ ",$tools," == *",$1,"* ]]; }
for t in ${tools//,/ }; do
	case $t in
	covmerge | gcovr | lcov | gcov-tool | html) ;;
	*) die "unknown tool '$t' in --tools" ;;
	esac
done

# ---- prerequisites ---------------------------------------------------------
need() { command -v "$1" >/dev/null 2>&1 || die "$1 not found (${2:-install it})"; }
need python3
need gcc
need make
need hyperfine "apt-get install hyperfine"
if want gcovr || want html; then need gcovr "apt-get install gcovr"; fi
want lcov && need lcov "apt-get install lcov"
want html && need genhtml "apt-get install lcov"
if ((example)); then need cmake "apt-get install cmake"; fi
want gcov-tool && need gcov-tool "it comes with gcc"
if ! /usr/bin/time -v true >/dev/null 2>&1; then
	echo "== /usr/bin/time missing: installing the 'time' package"
	if [[ $(id -u) -eq 0 ]]; then
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
	else
		sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
	fi
	/usr/bin/time -v true >/dev/null 2>&1 || die "/usr/bin/time -v does not work"
fi

# ---- work directory --------------------------------------------------------
if [[ -n $keep ]]; then
	mkdir -p "$keep"
	[[ -z $(ls -A "$keep") ]] || die "--keep $keep: directory is not empty"
	W=$(cd "$keep" && pwd)
else
	W=$(mktemp -d "${TMPDIR:-/tmp}/covmerge-bench.XXXXXX")
	trap 'rm -rf "$W"' EXIT
fi
[[ $W != *[[:space:]]* ]] || die "work directory '$W' contains whitespace"

P=$W/proj           # the synthetic project; objects and .gcno in $P/build
S=$W/shards         # shard_K: .gcda only, as GCOV_PREFIX wrote them
SG=$W/shards-gcno   # copies of the shards with the .gcno beside each .gcda
O=$W/out            # tool outputs
R=$W/results        # hyperfine JSON
M=$W/rss            # /usr/bin/time -v output, appended per run
L=$W/logs
mkdir -p "$S" "$SG" "$O" "$R" "$M" "$L" "$W/cmds"

# On a failure, leave the data in place for reproduction.
keep_workdir() {
	trap - EXIT
	echo "bench.sh: the work directory $W is kept for reproduction" >&2
}

# ---- covmerge binary -------------------------------------------------------
if want covmerge || want html; then
	if [[ -z $covmerge ]]; then
		echo "== building covmerge (Release) from $repo"
		if ! { cmake -S "$repo" -B "$W/covmerge-build" -DCMAKE_BUILD_TYPE=Release -DCM_TESTS=OFF &&
			cmake --build "$W/covmerge-build" --target covmerge -j "$build_jobs"; } >"$L/covmerge-build.log" 2>&1; then
			tail -n 30 "$L/covmerge-build.log" >&2
			keep_workdir
			die "building covmerge failed (full log: $L/covmerge-build.log)"
		fi
		covmerge=$W/covmerge-build/covmerge
	fi
	[[ -x $covmerge ]] || die "covmerge binary '$covmerge' not found or not executable"
	covmerge=$(cd "$(dirname "$covmerge")" && pwd)/$(basename "$covmerge")
fi

# ---- generate, build, run ---------------------------------------------------
if ((example)); then
	echo "== the bundled example: $repo/tests/fixtures/example, copied to $P"
	cp -R "$repo/tests/fixtures/example" "$P"
	echo "== building with gcc --coverage (cmake, -DSHAPES_COVERAGE=ON)"
	{ cmake -S "$P" -B "$P/build" -DCMAKE_BUILD_TYPE=Debug -DSHAPES_COVERAGE=ON &&
		cmake --build "$P/build" -j "$build_jobs"; } >"$L/project-build.log" 2>&1 ||
		{ tail -n 30 "$L/project-build.log" >&2; keep_workdir; die "building the example failed"; }
	echo "== writing $shards shards (its CTest tests once per shard)"
	for ((k = 1; k <= shards; k++)); do
		(cd "$P/build" && GCOV_PREFIX=$S/shard_$k GCOV_PREFIX_STRIP=0 ctest >/dev/null) ||
			{ keep_workdir; die "the example's tests failed"; }
	done
else
	echo "== generating $files files x $funcs functions, $tests test programs in $P"
	python3 "$here/gen_project.py" --out "$P" --files "$files" --funcs "$funcs" --tests "$tests"
	echo "== building with gcc --coverage (make -j$build_jobs)"
	t0=$(date +%s%N)
	make -s -C "$P" -j "$build_jobs" >"$L/project-build.log" 2>&1 ||
		{ tail -n 30 "$L/project-build.log" >&2; keep_workdir; die "building the synthetic project failed"; }
	t1=$(date +%s%N)
	echo "   built in $(((t1 - t0) / 1000000)) ms"

	echo "== writing $shards shards (GCOV_PREFIX=$S/shard_K GCOV_PREFIX_STRIP=0)"
	for ((k = 1; k <= shards; k++)); do
		# Each shard runs two different test programs with its own inputs.
		ta=$(((k - 1) % tests))
		tb=$((k % tests))
		GCOV_PREFIX=$S/shard_$k GCOV_PREFIX_STRIP=0 "$P/build/bin/test_$ta" "$k" 1 >/dev/null
		GCOV_PREFIX=$S/shard_$k GCOV_PREFIX_STRIP=0 "$P/build/bin/test_$tb" "$((100 + k))" 2 >/dev/null
	done
fi
ngcno=$(find "$P/build" -name '*.gcno' | wc -l)
ngcda=$(find "$S" -name '*.gcda' | wc -l)
echo "   $ngcno .gcno files ($(du -sh "$P/build" --exclude=bin | cut -f1) object dir), $ngcda .gcda files in all shards ($(du -sh "$S" | cut -f1))"

# What users of gcovr and lcov do with shards written elsewhere: put the
# .gcno files beside the .gcda files (gcov looks for both in one directory).
# Done on copies so covmerge and gcov-tool read the shards exactly as the
# programs wrote them; the .gcda bytes are the same.
if want gcovr || want lcov || want html; then
	for ((k = 1; k <= shards; k++)); do
		cp -a "$S/shard_$k" "$SG/shard_$k"
		mkdir -p "$SG/shard_$k$P/build"
		(cd "$P/build" && find . -name '*.gcno' -not -path './CMakeFiles/3*' \
			-exec cp --parents {} "$SG/shard_$k$P/build/" \;)
	done
fi

shard_list=()
for ((k = 1; k <= shards; k++)); do shard_list+=("$S/shard_$k"); done

# ---- the commands timed ------------------------------------------------------
# gcovr: per shard with -j 2 to a JSON tracefile, then one merge (-a) to
# Cobertura XML, plus a JSON summary for the totals check.
mkdir -p "$O/gcovr" "$O/lcov" "$O/gcov-tool"
{
	echo "set -e"
	adds=()
	for ((k = 1; k <= shards; k++)); do
		echo "gcovr -j 2 -r $P --object-directory $P/build --json $O/gcovr/shard_$k.json $SG/shard_$k"
		adds+=("-a $O/gcovr/shard_$k.json")
	done
	echo "gcovr -r $P ${adds[*]} --xml $O/gcovr/total.xml --json-summary $O/gcovr/summary.json"
} >"$W/cmds/gcovr.sh"

# lcov: capture per shard (branch coverage on, as covmerge reports branches),
# then add the tracefiles.
{
	echo "set -e"
	adds=()
	for ((k = 1; k <= shards; k++)); do
		echo "lcov --quiet --rc lcov_branch_coverage=1 --capture --directory $SG/shard_$k --base-directory $P --output-file $O/lcov/shard_$k.info"
		adds+=("-a $O/lcov/shard_$k.info")
	done
	echo "lcov --quiet --rc lcov_branch_coverage=1 ${adds[*]} --output-file $O/lcov/total.info"
} >"$W/cmds/lcov.sh"

# gcov-tool merge: a pairwise chain, shards-1 merges; it only sums counters.
{
	echo "set -e"
	prev=$S/shard_1
	for ((k = 2; k <= shards; k++)); do
		echo "gcov-tool merge -o $O/gcov-tool/m$k $prev $S/shard_$k"
		prev=$O/gcov-tool/m$k
	done
} >"$W/cmds/gcov-tool.sh"

# ---- timing ---------------------------------------------------------------
# bench RUNS NAME LABEL CMD...: hyperfine (no shell) around /usr/bin/time -v,
# whose reports are appended to $M/NAME.txt (one per run, warmup included).
ran=()
bench() {
	local n=$1 name=$2 label=$3
	shift 3
	echo "== timing: $label"
	echo "   $*"
	echo "$*" >"$W/cmds/$name.cmd"
	rm -f "$M/$name.txt"
	if ! hyperfine -N --warmup 1 --runs "$n" --style basic \
		--export-json "$R/$name.json" --output "$L/$name.out" \
		--command-name "$label" \
		"/usr/bin/time -v -a -o $M/$name.txt $*" >"$L/$name.hyperfine" 2>&1; then
		cat "$L/$name.hyperfine" >&2
		echo "bench.sh: '$label' failed; running it once more to show its output:" >&2
		set +e
		"$@"
		echo "exit status: $?" >&2
		set -e
		keep_workdir
		echo "reproduce: $*" >&2
		die "'$label' failed on the synthetic project"
	fi
	grep -E 'Time|Range' "$L/$name.hyperfine" | sed 's/^/   /'
	ran+=("$name")
}

# How busy the machine is (other work disturbs the timing): CPU use over 2 s.
cpu_busy() {
	local a b
	read -r -a a < <(grep '^cpu ' /proc/stat)
	sleep 2
	read -r -a b < <(grep '^cpu ' /proc/stat)
	local total=0 idle i
	for ((i = 1; i < ${#a[@]}; i++)); do total=$((total + b[i] - a[i])); done
	idle=$((b[4] - a[4] + b[5] - a[5]))
	((total > 0)) || total=1
	echo $(((100 * (total - idle)) / total))
}
busy_before=$(cpu_busy)
echo "== CPU busy before timing: $busy_before% (other processes disturb the numbers)"
echo "$busy_before" >"$W/busy.before"
if want covmerge; then
	# One untimed run first, to show any warnings covmerge prints.
	cm_args=(--root "$P" --object-dir "$P/build")
	echo "== covmerge check run: $covmerge ${cm_args[*]} --report lcov:$O/covmerge-check.info ${shard_list[*]}"
	set +e
	"$covmerge" "${cm_args[@]}" --report "lcov:$O/covmerge-check.info" "${shard_list[@]}" 2>"$L/covmerge-check.err"
	rc=$?
	set -e
	if [[ -s $L/covmerge-check.err ]]; then
		echo "   covmerge printed on stderr:"
		head -n 20 "$L/covmerge-check.err" | sed 's/^/   | /'
	fi
	if [[ $rc -ne 0 ]]; then
		keep_workdir
		{
			echo "bench.sh: covmerge exited with status $rc on the synthetic project."
			echo "reproduce:"
			echo "  $covmerge ${cm_args[*]} --report lcov:/tmp/out.info ${shard_list[*]}"
			echo "or regenerate the data with:"
			echo "  $0 --keep DIR --files $files --funcs $funcs --shards $shards --tools covmerge"
		} >&2
		exit 1
	fi
	bench "$runs" covmerge "covmerge" "$covmerge" "${cm_args[@]}" --report "lcov:$O/covmerge.info" "${shard_list[@]}"
	bench "$runs" covmerge-j1 "covmerge -j 1" "$covmerge" "${cm_args[@]}" -j 1 --report "lcov:$O/covmerge-j1.info" "${shard_list[@]}"
fi
if want gcov-tool; then
	if ((shards >= 2)); then
		bench "$runs" gcov-tool "gcov-tool merge ($((shards - 1)) merges)" bash "$W/cmds/gcov-tool.sh"
	else
		echo "== gcov-tool merge skipped: needs at least 2 shards"
	fi
fi
want gcovr && bench "$slow_runs" gcovr "gcovr -j 2 (per shard, then -a)" bash "$W/cmds/gcovr.sh"
want lcov && bench "$slow_runs" lcov "lcov (capture per shard, then -a)" bash "$W/cmds/lcov.sh"

# The HTML reports, each from the same data as its tool's own tracefile:
# genhtml and covmerge from covmerge's lcov tracefile of the shards, gcovr
# from its JSON tracefile of the same shards (made once, untimed, by the
# commands of cmds/gcovr.sh); covmerge also from the shards themselves.
# covmerge's html against its xml (Cobertura) on the same inputs shows the
# HTML writer's own cost.
if want html; then
	H=$O/html
	mkdir -p "$H"
	cm_html=(--root "$P" --object-dir "$P/build" --branch)
	echo "== html: covmerge's lcov tracefile of the shards (untimed)"
	"$covmerge" "${cm_html[@]}" -q --report "lcov:$H/total.info" "${shard_list[@]}" \
		2>"$L/html-info.err" || { keep_workdir; die "covmerge --report lcov failed: $(cat "$L/html-info.err")"; }
	echo "== html: gcovr's JSON tracefile of the shards (untimed)"
	if [[ ! -s $O/gcovr/summary.json ]]; then
		bash "$W/cmds/gcovr.sh" >"$L/html-gcovr-json.log" 2>&1 ||
			{ keep_workdir; die "gcovr failed making its tracefiles: $(tail "$L/html-gcovr-json.log")"; }
	fi
	gadds=()
	for ((k = 1; k <= shards; k++)); do gadds+=(-a "$O/gcovr/shard_$k.json"); done
	gcovr -r "$P" "${gadds[@]}" --json "$H/gcovr-total.json" \
		--json-summary "$H/gcovr-summary.json" >"$L/html-gcovr-total.log" 2>&1 ||
		{ keep_workdir; die "gcovr -a failed: $(tail "$L/html-gcovr-total.log")"; }
	bench "$runs" html-cm-shards "covmerge html (from the shards)" "$covmerge" "${cm_html[@]}" -q \
		--report "html:$H/cm-shards" "${shard_list[@]}"
	bench "$runs" xml-cm-shards "covmerge xml (from the shards)" "$covmerge" "${cm_html[@]}" -q \
		--report "xml:$H/cm-shards.xml" "${shard_list[@]}"
	bench "$runs" html-cm-info "covmerge html (from the tracefile)" "$covmerge" --root "$P" --branch -q \
		--report "html:$H/cm-info" "$H/total.info"
	bench "$runs" xml-cm-info "covmerge xml (from the tracefile)" "$covmerge" --root "$P" --branch -q \
		--report "xml:$H/cm-info.xml" "$H/total.info"
	bench "$slow_runs" html-genhtml "genhtml (from the tracefile)" genhtml --quiet --branch-coverage \
		--output-directory "$H/genhtml" "$H/total.info"
	mkdir -p "$H/gcovr"
	bench "$slow_runs" html-gcovr "gcovr --html-details (from its tracefile)" gcovr -r "$P" \
		-a "$H/gcovr-total.json" --html-details "$H/gcovr/index.html"
fi

cpu_busy >"$W/busy.after"

# ---- report ---------------------------------------------------------------
echo
ex_flag=()
if ((example)); then ex_flag=(--example); fi
python3 "$here/summarize.py" --work "$W" --files "$files" --funcs "$funcs" \
	--shards "$shards" --tests "$tests" --ngcno "$ngcno" --ngcda "$ngcda" \
	--covmerge "${covmerge:-}" "${ex_flag[@]}" "${ran[@]}"
