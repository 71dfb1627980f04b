# The oracle helpers of the end-to-end tests that compare covmerge with
# gcov (gcc versions, gcov-tool merges, gcov's JSON); sourced, not run.
# Environment and TAP: see test-lib.sh.
# shellcheck shell=bash
# shellcheck disable=SC2034  # globals set here are used by the tests

# shellcheck source=tests/lib/test-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/test-lib.sh"

# Checks the environment and makes $work, a fresh directory removed at exit.
# Sets PYTHON, fixture_dir, compare_py, cm_all. --no-covmerge: COVMERGE not needed.
# shellcheck disable=SC2120
e2e_setup() {
	if (($# == 0)) || [[ $1 != --no-covmerge ]]; then
		need_covmerge
	fi
	need_python
	fixture_dir=$CM_SOURCE_DIR/tests/fixtures
	# covmerge reports only files under --root (default: the cwd); gcov
	# reports every source, system headers included, so the tests that
	# compare with gcov report everything.
	cm_all=(--root /)
	compare_py=$CM_SOURCE_DIR/tests/e2e/oracle_compare.py
	tl_workdir
}

# Compiler set for a gcc major version: sets cc, gcov, gcov_tool.
use_gcc() {
	local v=$1
	need_tool "gcc-$v" "gcc-$v"
	need_tool "gcov-$v" "gcc-$v"
	need_tool "gcov-tool-$v" "gcc-$v"
	cc=gcc-$v
	gcov=gcov-$v
	gcov_tool=gcov-tool-$v
}

# make_oracle BUILD OUTDIR SHARD...
# gcov's answer for the union of the shards: gcov-tool merges the shards'
# copies of BUILD two at a time into OUTDIR/merged, the notes files are
# copied beside the merged data, and gcov writes one JSON file per object
# into OUTDIR/json. An object with no data in any shard is given to gcov as
# its notes file alone (gcov reports it as never executed). Empty notes
# files (gcc 11 writes 0-byte *.ltrans*.gcno / *.wpa.gcno when linking with
# -flto) have nothing in them and are left out.
# Uses $gcov and $gcov_tool (see use_gcc).
make_oracle() {
	local build=$1 out=$2
	shift 2
	local merged=$out/merged json=$out/json step=0 acc="" s sub rel stem n=0 err
	mkdir -p "$out" "$json"
	for s in "$@"; do
		sub=$s$build
		if [[ ! -d $sub ]] || [[ -z $(find "$sub" -name '*.gcda' -print -quit) ]]; then
			continue
		fi
		if [[ -z $acc ]]; then
			acc=$out/step0
			cp -R "$sub" "$acc"
		else
			step=$((step + 1))
			"$gcov_tool" merge "$acc" "$sub" -o "$out/step$step" ||
				die "$gcov_tool merge $acc $sub failed"
			acc=$out/step$step
		fi
	done
	if [[ -n $acc ]]; then
		mv "$acc" "$merged"
	else
		mkdir -p "$merged"
	fi
	while IFS= read -r rel; do
		mkdir -p "$merged/$(dirname "$rel")"
		cp "$build/$rel" "$merged/$rel"
	done < <(cd "$build" && find . -name '*.gcno' -size +0 | sort)
	while IFS= read -r stem; do
		n=$((n + 1))
		if [[ -f $stem.gcda ]]; then
			(cd "$out" && "$gcov" --json-format --stdout -b "$stem.gcda") \
				>"$json/$n.json" 2>"$out/gcov.err" ||
				die "$gcov on $stem.gcda failed: $(cat "$out/gcov.err")"
		else
			(cd "$out" && "$gcov" --json-format --stdout -b "$stem.gcno") \
				>"$json/$n.json" 2>"$out/gcov.err" ||
				die "$gcov on $stem.gcno failed: $(cat "$out/gcov.err")"
		fi
		err=$(grep -v -i 'cannot open data file\|assuming not executed\|no functions found' "$out/gcov.err" || true)
		[[ -z $err ]] || die "$gcov complained about $stem: $err"
		[[ -s $json/$n.json ]] || die "$gcov wrote no JSON for $stem"
	done < <(find "$merged" -name '*.gcno' | sed 's/\.gcno$//' | sort)
	((n > 0)) || die "no notes files under $build"
}

# lcov_totals FILE: prints "LF LH FNF FNH BRF BRH" summed over the file's
# records.
lcov_totals() {
	awk -F: '
		$1 == "LF" { lf += $2 } $1 == "LH" { lh += $2 }
		$1 == "FNF" { fnf += $2 } $1 == "FNH" { fnh += $2 }
		$1 == "BRF" { brf += $2 } $1 == "BRH" { brh += $2 }
		END { printf "%d %d %d %d %d %d\n", lf, lh, fnf, fnh, brf, brh }' "$1"
}

# clang_exact_check LABEL W FX COMPARE: the exact fixture FX, built by clang into W/build
# (sources in W/src), run into three shards and in place; llvm-cov gcov on
# the in-place data of each of its ten notes files is the oracle of
# covmerge's merge of the shards (per line, branch and function), and every
# source must resolve to the real file. COMPARE: llvm_oracle_compare.py.
# Leaves the lcov output in W/cm.info.
clang_exact_check() {
	local label=$1 w=$2 fx=$3 compare=$4 b=$2/build n=0 g d rc out bad
	bash "$fx/run_shards.sh" "$b" "$w/s1" "$w/s2" "$w/s3" || die "$label: shard runs failed"
	# the same runs once more, accumulated beside the objects (prefix /)
	bash "$fx/run_shards.sh" "$b" / / / || die "$label: in-place runs failed"
	while read -r g; do
		n=$((n + 1))
		d=$w/gcov/$n
		mkdir -p "$d"
		# llvm-cov prints a source's lines only when it finds the
		# source by its recorded (relative) name
		ln -sfn "$w/src" "$w/gcov/src"
		ln -sfn "$w/src" "$d/src"
		cp "$w/src"/* "$d/"
		(cd "$d" && llvm-cov gcov -b -c -f -o "${g%.gcno}.o" x.c >/dev/null 2>&1) ||
			die "$label: llvm-cov gcov failed on $g"
		(cd "$d" && rm -f ./*.c ./*.h ./*.inc)
	done < <(find "$b" -name '*.gcno' | LC_ALL=C sort)
	assert_eq 10 "$n" "$label: ten notes files"
	rc=0
	# logic.o was compiled in src, which is no parent of build: its
	# names resolve against the working directory
	(cd "$w/src" && "$COVMERGE" --root / --branch --report "lcov:$w/cm.info" \
		"$w/s1" "$w/s2" "$w/s3" --object-dir "$b") >"$w/cm.out" 2>"$w/cm.err" || rc=$?
	assert_eq 0 "$rc" "$label: covmerge exit status"
	assert_empty "$w/cm.err" "$label: no message"
	out=$("$PYTHON" "$compare" "$w/cm.info" "$w"/gcov/*) ||
		fail "$label: covmerge differs from llvm-cov gcov:
$out"
	ok "$label: equal to llvm-cov gcov ($(tail -n 1 <<<"$out"))"
	# every source named as the real file, whatever the compile directory
	bad=$(grep '^SF:' "$w/cm.info" | cut -c4- | grep -v '^/usr/' |
		while read -r f; do
			[[ $f == "$w/src/"* && -f $f ]] || echo "$f"
		done)
	assert_eq "" "$bad" "$label: the sources resolved to the real files"
}
