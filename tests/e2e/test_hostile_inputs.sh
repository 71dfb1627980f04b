#!/bin/bash
# Hostile inputs (portable shards and tracefiles come from other machines'
# CI jobs): each case exits 1 with one message naming the file and the
# cause, never a crash, a wrong total or "fatal: out of memory".
#
#  (a) a portable shard whose counter line announces more counters than it
#      holds (the parser read one byte past the line; clang ASan at -O0
#      sees it, see also unit/test_portable_hostile)
#  (b) a gzip bomb: a 1 MB .info.gz that inflates past the 1 GiB input
#      limit stops there, in memory bounded by the limit (it was read to
#      the end: 2.2 GiB took 4.5 GB), with "inflates past N bytes";
#      --max-input lowers the limit, for compressed and plain files
#  (c) a tracefile of NUL bytes, or with a NUL in the middle, is an error
#      naming the byte offset (it was an empty or a truncated success)
#  (d) manifest.json numbers are range-checked: "gcda_files": 1e300 (a
#      float-to-integer conversion out of range, which disabled the
#      completeness check), -1, 2.5, a string; an absolute shard "dir"
#  (e) a source over the limit: its exclusion markers cannot be read, a
#      warning naming it
#
# The data are real: the shards fixture built with gcc --coverage and run.
set -euo pipefail
# shellcheck source=tests/lib/shards.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/shards.sh"
lib_setup

B=$work/build
fixture_build "$cc" "$B"
s=$fixture_copy
run_into "$work/s1" 0 "$B/one/counter" 1
run_into "$work/s1" 0 "$B/two/twice"
expect_ok ref -q --report "lcov:$work/ref.info" --export "$work/ref.cmshard" "$work/s1"
lcov_load "$work/ref.info"
ref_lf=${lc_total[LF]}
((ref_lf > 20)) || fail "setup: only $ref_lf lines in the reference"

# ------------------------------------------------------------ (a) counter line over-read
gzip -dc "$work/ref.cmshard" >"$work/ref.shard.txt"
# the first counter line: "<ident> <lineno sum> <cfg sum> <n> <c>..."; announce n+1
"$PYTHON" - "$work/ref.shard.txt" "$work/over.shard.txt" <<'PY'
import re, sys
d = open(sys.argv[1], 'rb').read()
m = re.search(rb'\n(\d+ \d+ \d+ )(\d+)((?: -?\d+)+)\n', d)
assert m, 'no counter line'
n = int(m.group(2))
assert n == len(m.group(3).split()), 'counter line does not hold n counters'
line = m.group(1) + str(n + 1).encode() + m.group(3)
d = d[:m.start(1)] + line + d[m.end(3):]
open(sys.argv[2], 'wb').write(d)
PY
gzip -c "$work/over.shard.txt" >"$work/over.cmshard"
expect_fail over -q "$work/over.cmshard"
grep -qx "covmerge: cannot read \"$work/over.cmshard\": object \"[^\"]*\.gcno\": bad counter line" "$cm_err" ||
	fail "(a) no \"bad counter line\" error naming the shard: $(cat "$cm_err")"
assert_eq 1 "$(grep -c '^covmerge: ' "$cm_err")" "(a) one message"

# ------------------------------------------------------------ (b) gzip bomb
# 1100 MiB of one repeated tracefile line, compressed about 1000:1
"$PYTHON" - "$work/bomb.info.gz" <<'PY'
import sys, zlib
chunk = b'# ' + b'x' * (1 << 20) + b'\n'
z = zlib.compressobj(9, zlib.DEFLATED, 31)
with open(sys.argv[1], 'wb') as f:
    f.write(z.compress(b'TN:\nSF:/bomb.c\n'))
    for _ in range(1100):
        f.write(z.compress(chunk))
    f.write(z.compress(b'DA:1,1\nend_of_record\n'))
    f.write(z.flush())
PY
bomb_size=$(stat -c %s "$work/bomb.info.gz")
((bomb_size < 4 << 20)) || fail "setup: the bomb is $bomb_size bytes"
# the peak memory of covmerge, in KiB (ru_maxrss of the waited-for child)
rss=$("$PYTHON" - "$COVMERGE" "$work/bomb.info.gz" "$work/bomb.err" <<'PY'
import resource, subprocess, sys
with open(sys.argv[3], 'wb') as err:
    rc = subprocess.call([sys.argv[1], '-q', sys.argv[2]], stdout=subprocess.DEVNULL, stderr=err)
print(rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
PY
)
read -r bomb_rc bomb_kib <<<"$rss"
assert_eq 1 "$bomb_rc" "(b) exit code of the bomb"
assert_line "$work/bomb.err" "covmerge: cannot read \"$work/bomb.info.gz\": inflates past 1073741824 bytes (the input limit, --max-input)" \
	"(b) the bomb"
# the limit, plus the sanitizers' shadow (1/8) and the rest: well under 2 GiB
((bomb_kib < 1700 * 1024)) || fail "(b) covmerge peaked at $bomb_kib KiB on the bomb"
note "(b) the bomb: stopped at the limit, peak $((bomb_kib / 1024)) MiB"

gzip -c "$work/ref.info" >"$work/ref.info.gz"
ref_bytes=$(stat -c %s "$work/ref.info")
expect_fail small_limit -q --max-input $((ref_bytes - 1)) "$work/ref.info.gz"
assert_line "$cm_err" "covmerge: cannot read \"$work/ref.info.gz\": inflates past $((ref_bytes - 1)) bytes (the input limit, --max-input)" \
	"(b) --max-input below the inflated size"
expect_fail small_plain -q --max-input $((ref_bytes - 1)) "$work/ref.info"
assert_line "$cm_err" "covmerge: cannot read \"$work/ref.info\": the file is over the $((ref_bytes - 1))-byte input limit (--max-input)" \
	"(b) --max-input below a plain file's size"
expect_ok at_limit -q --max-input "$ref_bytes" --report "lcov:$work/at_limit.info" "$work/ref.info.gz"
assert_same "$work/ref.info" "$work/at_limit.info" "(b) an input exactly at the limit"
# notes and data files are inputs too
expect_fail limit_k -q --max-input 1K "$work/s1"
assert_line "$cm_err" "covmerge: cannot read \"$B/one/count.gcno\": the file is over the 1024-byte input limit (--max-input)" \
	"(b) a notes file over the limit"
expect_fail limit_k_info -q --max-input 1K "$work/ref.info"
assert_contains "$cm_err" "over the 1024-byte input limit" "(b) --max-input 1K"
for bad in 0 -1 1X 1.5M '' 99999999999999999999G; do
	expect_fail "bad_limit" -q --max-input "$bad" "$work/s1"
	assert_line "$cm_err" "covmerge: bad --max-input \"$bad\": expected a size in bytes, with an optional K, M or G" \
		"(b) --max-input \"$bad\""
done

# ------------------------------------------------------------ (c) NUL bytes in a tracefile
head -c 4096 /dev/zero >"$work/nul.info"
expect_fail nul -q "$work/nul.info"
assert_line "$cm_err" "covmerge: cannot read \"$work/nul.info\": a NUL byte at byte offset 0: not a text tracefile" \
	"(c) a tracefile of NUL bytes"
# a NUL inside the DA line of the second record: the rest of the line
# and the records after it were dropped without a word
off=$(grep -bo '^DA:' "$work/ref.info" | sed -n 12p | cut -d: -f1)
[[ -n $off ]] || fail "setup: fewer than 12 DA lines in ref.info"
off=$((off + 4))
{ head -c "$off" "$work/ref.info"; printf '\0'; tail -c +$((off + 2)) "$work/ref.info"; } >"$work/mid.info"
expect_fail mid -q "$work/mid.info"
assert_line "$cm_err" "covmerge: cannot read \"$work/mid.info\": a NUL byte at byte offset $off: not a text tracefile" \
	"(c) a NUL in the middle"
gzip -c "$work/mid.info" >"$work/mid.info.gz"
expect_fail mid_gz -q "$work/mid.info.gz"
assert_line "$cm_err" "covmerge: cannot read \"$work/mid.info.gz\": a NUL byte at byte offset $off: not a text tracefile" \
	"(c) a NUL in the middle, compressed (the offset in the inflated text)"

# ------------------------------------------------------------ (d) manifest numbers
# a runner coverage directory: worker shard gw0 and the runner's manifest
mkdir -p "$work/COV"
cp -a "$work/s1" "$work/COV/gw0"
ndata=$(find "$work/COV/gw0" -name '*.gcda' | wc -l)
((ndata >= 3)) || fail "setup: $ndata data files"
manifest() {
	printf '{"format": 1, "runner": "0.1.0", "run_uid": "x", "interrupted": false, "workers": 1, "shards": [\n  {"worker": "gw0", "dir": %s, "gcda_files": %s, "tests": [{"id": "t", "status": "passed", "exit_code": 0, "signal": 0}]}\n]}\n' \
		"$1" "$2" >"$work/COV/manifest.json"
}
manifest '"gw0"' "$ndata"
expect_ok man_ok -q --report "lcov:$work/man_ok.info" "$work/COV"
manifest '"gw0"' $((ndata + 1))
expect_fail man_more -q "$work/COV"
assert_contains "$cm_err" "has $ndata data files, the manifest \"$work/COV/manifest.json\" recorded $((ndata + 1))" \
	"(d) the check itself"
for v in 1e300 -1 2.5 1e10 '"3"' 1e999; do
	manifest '"gw0"' "$v"
	expect_fail man_range -q "$work/COV"
	assert_line "$cm_err" "covmerge: cannot read the runner manifest \"$work/COV/manifest.json\": shard 1: \"gcda_files\" is not a count from 0 to 1000000000" \
		"(d) gcda_files $v"
	run_cm man_range_allow -q --allow-missing --report "lcov:$work/man_allow.info" "$work/COV"
	assert_eq 0 "$cm_rc" "(d) gcda_files $v with --allow-missing: exit code"
	assert_line "$cm_err" "covmerge: warning: cannot read the runner manifest \"$work/COV/manifest.json\": shard 1: \"gcda_files\" is not a count from 0 to 1000000000" \
		"(d) gcda_files $v with --allow-missing: a warning"
done
manifest "\"$work/s1\"" "$ndata"
expect_fail man_abs -q "$work/COV"
assert_contains "$cm_err" "shard 1: \"dir\" is not a relative directory name" "(d) an absolute shard dir"
rm "$work/COV/manifest.json"

# ------------------------------------------------------------ (e) a source over the limit
# never.c gets an exclusion marker; read under a limit below its size
# its markers cannot apply: a warning naming it (and the data still count)
# (padded with a long comment past the size of every notes and data file)
{ printf '/* LCOV_EXCL_LINE */\n/*\n'; head -c 200000 /dev/zero | tr '\0' 'x'; printf '\n*/\n'; } >>"$s/never.c"
src_bytes=$(stat -c %s "$s/never.c")
run_cm src_limit -q --max-input $((src_bytes - 1)) --report "lcov:$work/src_limit.info" "$work/s1"
assert_eq 0 "$cm_rc" "(e) exit code"
assert_line "$cm_err" "covmerge: warning: cannot read source \"$s/never.c\": the file is over the $((src_bytes - 1))-byte input limit (--max-input); its exclusion markers are not applied" \
	"(e) a source over the limit"
note "all hostile inputs refused with a named cause"
