#!/bin/bash
# The project's own coverage build moves its data into the runner's shard
# through COVTOOLS_GCOV_PREFIX (common/alloc.c with CM_SELF_COVERAGE turns
# it into GCOV_PREFIX, GCOV_PREFIX_STRIP=0, in an atexit handler): this is
# how tools/test.sh measures the project with its own runner, with gcc
# (libgcov) and with clang (compiler-rt's gcov runtime, which also reads
# the variables only when it writes, after that handler).
#
# For each compiler, a small program built like the project (--coverage,
# CM_SELF_COVERAGE, common/alloc.c) starts a child program built with
# --coverage alone, then exits:
#  - with COVTOOLS_GCOV_PREFIX=S, its two objects' data is at
#    S/<absolute object path>.gcda, none beside the objects; the child,
#    started before the handler ran, writes beside its own object, not
#    under S;
#  - without it, the data is beside the objects;
#  - covmerge reads S back; for clang its line, branch and function counts
#    of prog.c equal llvm-cov gcov's on the same data
#    (tests/e2e/llvm_oracle_compare.py).
set -euo pipefail
# shellcheck source=tests/lib/oracle.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/oracle.sh"
e2e_setup
work=$(cd "$work" && pwd -P)
need_tool gcc gcc
need_tool clang clang
need_tool llvm-cov llvm
# the fixture programs run with none of the prefixes of the environment
# (this suite's own run sets COVTOOLS_GCOV_PREFIX for covmerge)
clean_env=(env -u GCOV_PREFIX -u GCOV_PREFIX_STRIP -u COVTOOLS_GCOV_PREFIX)

mkdir -p "$work/src"
cat >"$work/src/prog.c" <<'C'
#include <stdlib.h>
#include <string.h>

#include "alloc.h"

int main(int argc, char **argv)
{
	char *p = xstrdup(argc > 1 ? argv[1] : "none");
	int picked = 0;
	for (size_t i = 0; p[i]; i++)
		if (p[i] == 'y')
			picked++;
	free(p);
	if (argc > 2 && system(argv[2]) != 0)
		return 2;
	return picked > 1 ? 0 : 1;
}
C
cat >"$work/src/child.c" <<'C'
int main(void)
{
	return 0;
}
C

for cc in gcc clang; do
	w=$work/$cc
	mkdir -p "$w/obj" "$w/cobj"
	(cd "$w/obj" &&
		"$cc" -std=gnu11 -O0 --coverage -DCM_SELF_COVERAGE -I"$CM_SOURCE_DIR/common" \
			-c "$work/src/prog.c" -o prog.o &&
		"$cc" -std=gnu11 -O0 --coverage -DCM_SELF_COVERAGE -I"$CM_SOURCE_DIR/common" \
			-c "$CM_SOURCE_DIR/common/alloc.c" -o alloc.o &&
		"$cc" --coverage -o prog prog.o alloc.o) || die "$cc: building prog failed"
	(cd "$w/cobj" && "$cc" -O0 --coverage -c "$work/src/child.c" -o child.o &&
		"$cc" --coverage -o child child.o) || die "$cc: building child failed"

	# with the prefix
	rc=0
	"${clean_env[@]}" COVTOOLS_GCOV_PREFIX="$w/shard" "$w/obj/prog" xyyz "$w/cobj/child" || rc=$?
	assert_eq 0 "$rc" "$cc: prog's exit status"
	got=$(cd "$w" && find shard obj cobj -name '*.gcda' | LC_ALL=C sort | tr '\n' ' ')
	assert_eq "cobj/child.gcda shard$w/obj/alloc.gcda shard$w/obj/prog.gcda " "$got" \
		"$cc: COVTOOLS_GCOV_PREFIX: the program's data under it, the child's beside its object"

	rc=0
	(cd "$w" && "$COVMERGE" --root "$work" --branch --report "lcov:$w/cm.info" \
		--object-dir obj shard) >"$w/cm.out" 2>"$w/cm.err" || rc=$?
	assert_eq 0 "$rc" "$cc: covmerge on the shard: exit status"
	assert_eq "covmerge: 2 objects (0 never run), 2 data files" "$(head -n 1 "$w/cm.out")" \
		"$cc: covmerge on the shard: both objects ran"
	# the loop body ran for the four characters, the 'y' branch twice
	want=$(grep -n 'picked++;' "$work/src/prog.c" | cut -d: -f1)
	assert_eq "DA:$want,2" "$(sed -n '/^SF:.*\/prog\.c$/,/end_of_record/p' "$w/cm.info" |
		grep "^DA:$want,")" "$cc: the counts read back"

	if [[ $cc == clang ]]; then
		# llvm-cov gcov on the same data: the notes beside the shard's
		# data (prog.c: alloc.c's LCOV_EXCL markers are covmerge's)
		o=$w/shard$w/obj
		cp "$w/obj/prog.gcno" "$o/"
		mkdir -p "$w/gcov"
		(cd "$w/gcov" && llvm-cov gcov -b -c -f -o "$o/prog.o" "$work/src/prog.c" >/dev/null 2>&1) ||
			die "llvm-cov gcov failed"
		rm -f "$o/prog.gcno"
		rc=0
		(cd "$w" && "$COVMERGE" --root / --include "$work/src/prog.c" --branch \
			--report "lcov:$w/all.info" --object-dir obj shard) >/dev/null 2>"$w/all.err" || rc=$?
		assert_eq 0 "$rc" "clang: covmerge --root /: exit status"
		out=$("$PYTHON" "$CM_SOURCE_DIR/tests/e2e/llvm_oracle_compare.py" "$w/all.info" \
			"$w/gcov") ||
			fail "clang: covmerge differs from llvm-cov gcov:
$out"
		ok "clang: equal to llvm-cov gcov ($(tail -n 1 <<<"$out"))"
	fi

	# without the prefix: beside the objects
	rm -rf "$w/shard" "$w/cobj/child.gcda"
	"${clean_env[@]}" "$w/obj/prog" xyyz "$w/cobj/child" || die "$cc: prog failed without the prefix"
	got=$(cd "$w" && find . -name '*.gcda' | LC_ALL=C sort | tr '\n' ' ')
	assert_eq "./cobj/child.gcda ./obj/alloc.gcda ./obj/prog.gcda " "$got" \
		"$cc: no COVTOOLS_GCOV_PREFIX: the data beside the objects"
done
