#!/bin/bash
# clang's gcov notes with a gcc version word (issue 12): clang 14 told to
# write gcc 10's or 11's (-Xclang -coverage-version=B01* or B11*) writes
# their record layout, with LLVM's checksums (every function's CFG
# checksum is the file's stamp) and LLVM's lines; covmerge tells the
# writer from those checksums and counts them by llvm-cov gcov's rules, as
# it counts clang's default 408*. The exactness fixture is built that way
# (B01* at -O0, B11* at -O0 and -O2), run into three shard roots and
# merged; the oracle is `llvm-cov gcov -b -c -f` (LLVM 14) run per object
# on the same runs accumulated in place (tests/e2e/llvm_oracle_compare.py):
# per-line counts, branches and function counts must be equal.
set -euo pipefail
# shellcheck source=tests/lib/oracle.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/oracle.sh"
e2e_setup
need_tool clang clang
need_tool llvm-cov llvm
compare=$CM_SOURCE_DIR/tests/e2e/llvm_oracle_compare.py
fx=$fixture_dir/exact

for variant in "B01* -O0" "B11* -O0" "B11* -O2"; do
	version=${variant% *}
	opt=${variant#* }
	w=$work/${version%\*}$opt
	mkdir -p "$w"
	bash "$fx/build.sh" clang "$opt -Xclang -coverage-version=$version" "$w" >/dev/null 2>&1 ||
		die "$variant: building the fixture with clang failed"
	b=$w/build
	word=$(head -c 8 "$b/logic.gcno" | tail -c 4)
	assert_eq "$(rev <<<"$version")" "$word" "$variant: clang wrote $version"
	clang_exact_check "$variant" "$w" "$fx" "$compare"
done
note "ok"
