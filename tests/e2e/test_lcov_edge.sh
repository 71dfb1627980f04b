#!/usr/bin/env bash
# lcov input edge cases: lcov 2 function aliases (FNL + several FNA),
# counts that would overflow, trailing junk in records.
set -euo pipefail
# shellcheck source=tests/lib/test-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/test-lib.sh"
need_covmerge
tl_workdir
cd "$work"
printf 'int f(void) { return 1; }\n' >x.c

# two FNA lines for one FNL: the aliases' calls add up under the first name
printf 'SF:%s/x.c\nFNL:0,1,1\nFNA:0,3,f_complete\nFNA:0,4,f_base\nDA:1,7\nend_of_record\n' \
	"$work" >alias.info
"$COVMERGE" -q --root "$work" --report lcov:out.info alias.info 2>err ||
	fail "aliases refused: $(cat err)"
grep -qx 'FNDA:7,f_complete' out.info || fail "aliases not added up: $(grep FN out.info)"
grep -qx 'FNF:1' out.info || fail "aliases counted as two functions"

# counts past INT64_MAX stay at INT64_MAX, never wrap to a miss
printf 'SF:%s/x.c\nDA:1,9223372036854775807\nend_of_record\n' "$work" >big.info
"$COVMERGE" -q --root "$work" --report lcov:sum.info big.info big.info 2>err ||
	fail "big counts refused: $(cat err)"
grep -qx 'DA:1,9223372036854775807' sum.info || fail "big counts wrapped: $(grep DA sum.info)"
grep -qx 'LH:1' sum.info || fail "a huge count shows as missed"

# junk after a record's fields is an error naming the file and the line
for bad in 'DA:1,5x' 'BRDA:1,0,0,4,7'; do
	printf 'SF:%s/x.c\n%s\nend_of_record\n' "$work" "$bad" >bad.info
	rc=0
	"$COVMERGE" -q --root "$work" bad.info 2>err || rc=$?
	((rc == 1)) || fail "\"$bad\": exit $rc, expected 1"
	grep -q 'cannot read "bad.info": line 2: bad' err || fail "\"$bad\": $(cat err)"
done
echo "test_lcov_edge: ok"
