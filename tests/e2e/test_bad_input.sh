#!/bin/bash
# Bad input: every case exits exactly 1 (0 where --ignore-stale makes it a
# warning) with a message of the form
#   covmerge: <what> "<file>": <cause>        [hint: ...]
# and never crashes, never writes or replaces a report when it fails.
#
#  (a) stale data (the object was rebuilt after the run: new stamp)
#  (b) data written by gcc 11 for an object rebuilt by gcc 12 (beside gcc 11
#      objects with their data, which still count)
#  (c) truncated data files (cut inside the header and inside records)
#  (d) garbage named .gcda, a notes file named .gcda
#  (e) a missing shard directory or object directory
#  (f) an empty shard directory and no objects
#  (g) an unwritable report path; an existing report is not replaced by a
#      failed run; no temporary file is left behind
#  (h) corrupt notes files (a length word flipped, truncated, bad magic)
#  (i) usage errors
#  (z) fuzzing: randomly flipped bytes in data and notes files never crash
#
# Note: a data file cut exactly at a record boundary is accepted (as gcov
# itself accepts it), so the truncation offsets are chosen inside records.
set -euo pipefail
# shellcheck source=tests/lib/shards.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/shards.sh"
lib_setup
need_tool gcc-11 gcc-11

B=$work/build
fixture_build "$cc" "$B"
s=$fixture_copy
run_into "$work/s1" 0 "$B/one/counter" 1
run_into "$work/s1" 0 "$B/two/twice"
good=$work/s1$B/one/count.gcda
[[ -f $good ]] || fail "setup: no $good"
expect_ok s1 -q --report "lcov:$work/s1.info" "$work/s1"

# ------------------------------------------------------------ (b) gcc 11 data, gcc 12 notes
B11=$work/b11
fixture_compile_all gcc-11 \
	"$s/a/util.c" "$B11/a/util.o" \
	"$s/b/util.c" "$B11/b/util.o" \
	"$s/main_one.c" "$B11/one/main_one.o" \
	"$s/count.c" "$B11/one/count.o"
fixture_link gcc-11 "$B11/one/counter" "$B11/one/main_one.o" "$B11/one/count.o" \
	"$B11/a/util.o" "$B11/b/util.o"
run_into "$work/s11" 0 "$B11/one/counter" 1
expect_ok g11 -q --report "lcov:$work/g11.info" "$work/s11"
lcov_load "$work/g11.info"
assert_eq "1,util_a" "${lc_fnda[$s/a/util.c]-(none)}" "(b) gcc 11 data with gcc 11 notes"
v11=$(gcc-11 -dumpfullversion | cut -d. -f1,2)
v12=$("$cc" -dumpfullversion | cut -d. -f1,2)
# a/util.o rebuilt by gcc 12; its gcc 11 data stays (the other objects
# stay gcc 11 objects with gcc 11 data: both versions in one run)
fixture_compile "$cc" "$s/a/util.c" "$B11/a/util.o"
expect_fail g11v12 --report "lcov:$work/g11v12.info" "$work/s11"
assert_line "$cm_err" "covmerge: \"$work/s11$B11/a/util.gcda\" was written by gcc $v11 but its notes file \"$B11/a/util.gcno\" by gcc $v12" \
	"(b) gcc 11 data, gcc 12 notes"
grep -qx 'hint: .*--ignore-stale.*' "$cm_err" || fail "(b) no hint naming --ignore-stale: $(cat "$cm_err")"
assert_eq 1 "$(grep -c '^covmerge: ' "$cm_err")" "(b) one message"
[[ ! -e $work/g11v12.info ]] || fail "(b) a report was written"
run_cm g11v12_ign --ignore-stale -q --report "lcov:$work/g11v12_ign.info" "$work/s11"
((cm_rc == 0)) || fail "(b) --ignore-stale: exit $cm_rc: $(cat "$cm_err")"
assert_line "$cm_err" "covmerge: warning: \"$work/s11$B11/a/util.gcda\" was written by gcc $v11 but its notes file \"$B11/a/util.gcno\" by gcc $v12" \
	"(b) --ignore-stale: warning"
assert_eq 1 "$(grep -c '^covmerge: ' "$cm_err")" "(b) --ignore-stale: one message"
lcov_load "$work/g11v12_ign.info"
assert_eq "2,0 4,0 5,0 6,0" "${lc_da[$s/a/util.c]-(none)}" "(b) --ignore-stale: a/util.c left out"
assert_eq "1,util_b" "${lc_fnda[$s/b/util.c]-(none)}" "(b) --ignore-stale: gcc 11 util_b still counted"
assert_eq "1,bump 0,bump_twice 1,count_total" "${lc_fnda[$s/count.c]-(none)}" \
	"(b) --ignore-stale: gcc 11 count.c still counted"

# ------------------------------------------------------------ (c) truncated data files
# offsets inside the header and inside every record of one/count.gcda
offsets=(0 2 4 8 11 12 14)
while read -r off tag len; do
	if [[ $tag == 0x00000000 ]]; then
		offsets+=($((off + 2)))
		continue
	fi
	offsets+=($((off + 2)) $((off + 4)) $((off + 6)))
	if ((len > 0)); then
		offsets+=($((off + 8 + len / 2)) $((off + 8 + len - 1)))
	fi
done < <(gcov_records "$good")
"$PYTHON" - "$good" "$work/trunc" "$B/one/count.gcda" "${offsets[@]}" <<'EOF2'
import os, sys
data = open(sys.argv[1], 'rb').read()
for off in map(int, sys.argv[4:]):
    path = '%s/%d%s' % (sys.argv[2], off, sys.argv[3])
    os.makedirs(os.path.dirname(path), exist_ok=True)
    open(path, 'wb').write(data[:off])
EOF2
roots=()
for off in "${offsets[@]}"; do
	roots+=("$work/trunc/$off")
done
expect_fail trunc --report "lcov:$work/trunc.info" "${roots[@]}"
mapfile -t errs <"$cm_err"
for off in "${offsets[@]}"; do
	want="covmerge: cannot read \"$work/trunc/$off$B/one/count.gcda\": "
	found=
	for line in "${errs[@]}"; do
		if [[ $line == "$want"* && ${line#"$want"} =~ truncated|unexpected\ end|too\ short ]]; then
			found=1
			break
		fi
	done
	[[ -n $found ]] || fail "(c) truncated at $off: no message naming the file and the truncation:
$(cat "$cm_err")"
done
assert_eq "${#offsets[@]}" "$(grep -c '^covmerge: ' "$cm_err")" "(c) one message per truncated file"
[[ ! -e $work/trunc.info ]] || fail "(c) a report was written"
# one at a time, too (the exit code of each)
for off in 0 12 $((${offsets[-1]} - 3)); do
	expect_fail "trunc_$off" -q "$work/trunc/$off"
done
# --ignore-stale: the truncated files are left out entirely
run_cm trunc_ign -q --ignore-stale --report "lcov:$work/trunc_ign.info" "$work/s1" "${roots[@]}"
((cm_rc == 0)) || fail "(c) --ignore-stale: exit $cm_rc: $(cat "$cm_err")"
assert_eq "${#offsets[@]}" "$(grep -c '^covmerge: warning: cannot read ' "$cm_err")" \
	"(c) --ignore-stale: one warning per truncated file"
assert_same "$work/s1.info" "$work/trunc_ign.info" "(c) --ignore-stale: only the good shard counted"

# ------------------------------------------------------------ (d) garbage
# garbage in the place of a real data file
mkdir -p "$work/g1$B/one"
for i in 1 2 3 4 5 6 7 8; do echo "this is not coverage data, line $i"; done >"$work/g1$B/one/count.gcda"
expect_fail garbage "$work/g1"
assert_line "$cm_err" "covmerge: cannot read \"$work/g1$B/one/count.gcda\": not a gcov file (bad magic)" \
	"(d) garbage data file"
grep -q '^hint: ' "$cm_err" || fail "(d) garbage: no hint"
# a garbage x.gcda beside a real notes file x.gcno (a plain build tree)
mkdir -p "$work/g2"
cp "$B/b/util.gcno" "$work/g2/x.gcno"
printf '\x7fELF\x02\x01\x01%.0s' {1..40} >"$work/g2/x.gcda"
expect_fail garbage_x "$work/g2"
assert_line "$cm_err" "covmerge: cannot read \"$work/g2/x.gcda\": not a gcov file (bad magic)" \
	"(d) garbage x.gcda"
# a garbage x.gcda with no notes file anywhere
mkdir -p "$work/g3"
cp "$work/g2/x.gcda" "$work/g3/x.gcda"
expect_fail garbage_alone "$work/g3"
assert_contains "$cm_err" "covmerge: no notes file for \"$work/g3/x.gcda\"" "(d) lone garbage x.gcda"
# a notes file in the place of a data file
mkdir -p "$work/g4$B/one"
cp "$B/one/count.gcno" "$work/g4$B/one/count.gcda"
expect_fail gcno_as_gcda "$work/g4"
assert_line "$cm_err" "covmerge: cannot read \"$work/g4$B/one/count.gcda\": a notes file (.gcno), not a data file" \
	"(d) notes file named .gcda"

# ------------------------------------------------------------ (e) missing paths
expect_fail missing --report "lcov:$work/missing.info" "$work/s1" "$work/nope"
assert_line "$cm_err" "covmerge: cannot read shard \"$work/nope\": No such file or directory" \
	"(e) missing shard"
[[ ! -e $work/missing.info ]] || fail "(e) a report was written"
run_cm_in "$work" missing_rel -q nope/sub
((cm_rc == 1)) || fail "(e) relative missing shard: exit $cm_rc"
assert_line "$cm_err" "covmerge: cannot read shard \"nope/sub\": No such file or directory" \
	"(e) relative missing shard"
expect_fail missing_obj -q --object-dir "$work/nope" "$work/s1"
assert_line "$cm_err" "covmerge: cannot read object directory \"$work/nope\": No such file or directory" \
	"(e) missing object directory"

# ------------------------------------------------------------ (f) no data at all
mkdir -p "$work/empty" "$work/empty2"
expect_fail empty --report "lcov:$work/empty.info" "$work/empty"
assert_line "$cm_err" "covmerge: no coverage data: no .gcda or .gcno files under the given paths" \
	"(f) empty shard"
[[ ! -e $work/empty.info ]] || fail "(f) a report was written"
expect_fail empty_obj -q --object-dir "$work/empty2" "$work/empty"
assert_contains "$cm_err" "covmerge: no coverage data" "(f) empty shard and object directory"

# ------------------------------------------------------------ (g) unwritable report
[[ ! -e /nonexistent-dir ]] || fail "setup: /nonexistent-dir exists"
expect_fail unwritable -q --report lcov:/nonexistent-dir/x.info "$work/s1"
assert_line "$cm_err" "covmerge: cannot write \"/nonexistent-dir/x.info\": No such file or directory" \
	"(g) unwritable report"
[[ ! -e /nonexistent-dir ]] || fail "(g) /nonexistent-dir was created"
mkdir -p "$work/repdir"
expect_fail report_is_dir -q --report "lcov:$work/repdir" "$work/s1"
assert_line "$cm_err" "covmerge: cannot write \"$work/repdir\": Is a directory" "(g) report path is a directory"
[[ -z $(ls -A "$work/repdir") ]] || fail "(g) something was written into $work/repdir"
left=$(find "$work" -name '*.tmp*' -print)
[[ -z $left ]] || fail "(g) temporary files left behind: $left"

# ------------------------------------------------------------ (h) corrupt notes files
gcno=$B/one/count.gcno
mapfile -t recs < <(gcov_records "$gcno")
mid=${recs[${#recs[@]} / 2]}
read -r moff mtag _ <<<"$mid"
# h1: the length word of the middle record, every bit flipped
mkdir -p "$work/h1"
cp "$gcno" "$work/h1/count.gcno"
cp "$good" "$work/h1/count.gcda"
"$PYTHON" - "$work/h1/count.gcno" $((moff + 4)) <<'EOF'
import sys
p, off = sys.argv[1], int(sys.argv[2])
d = bytearray(open(p, 'rb').read())
for i in range(off, off + 4):
    d[i] ^= 0xff
open(p, 'wb').write(d)
EOF
cmp -s "$gcno" "$work/h1/count.gcno" && fail "setup: h1 not corrupted"
expect_fail h1 --report "lcov:$work/h1.info" "$work/h1"
grep -qE "^covmerge: cannot read \"$work/h1/count.gcno\": truncated record \(tag $mtag, [0-9]+ bytes announced, [0-9]+ left\) at byte $moff\$" "$cm_err" ||
	fail "(h) flipped length word of record $mid: $(cat "$cm_err")"
grep -qx 'hint: .*rebuild.*' "$cm_err" || fail "(h) no hint to rebuild: $(cat "$cm_err")"
[[ ! -e $work/h1.info ]] || fail "(h) a report was written"
# h2: cut in half
mkdir -p "$work/h2"
size=$(stat -c %s "$gcno")
head -c $((size / 2)) "$gcno" >"$work/h2/count.gcno"
cp "$good" "$work/h2/count.gcda"
expect_fail h2 "$work/h2"
grep -qE "^covmerge: cannot read \"$work/h2/count.gcno\": .*(truncated|unexpected end)" "$cm_err" ||
	fail "(h) truncated notes file: $(cat "$cm_err")"
# h3: bad magic, found by --object-dir only (no data)
mkdir -p "$work/h3"
{ printf 'XXXX'; tail -c +5 "$gcno"; } >"$work/h3/count.gcno"
expect_fail h3 --object-dir "$work/h3"
assert_line "$cm_err" "covmerge: cannot read \"$work/h3/count.gcno\": not a gcov file (bad magic)" \
	"(h) notes file with a bad magic"
# h4: a data file named .gcno
mkdir -p "$work/h4"
cp "$good" "$work/h4/count.gcno"
expect_fail h4 --object-dir "$work/h4"
assert_line "$cm_err" "covmerge: cannot read \"$work/h4/count.gcno\": a data file (.gcda), not a notes file" \
	"(h) data file named .gcno"

# ------------------------------------------------------------ (i) usage errors
for args in "--report sonarqube:x.xml $work/s1" "--report lcov: $work/s1" "-j 0 $work/s1" \
	"-j x $work/s1" "--no-such-option $work/s1" ""; do
	# shellcheck disable=SC2086
	run_cm usage $args
	((cm_rc == 1)) || fail "(i) covmerge $args: exit $cm_rc, expected 1"
	assert_contains "$cm_err" "usage: covmerge" "(i) covmerge $args"
done
run_cm usage_report --report sonarqube:x.xml "$work/s1"
assert_contains "$cm_err" "covmerge: bad --report \"sonarqube:x.xml\"" "(i) bad --report"

# ------------------------------------------------------------ (z) fuzzing
# Data files and notes files with 1 to 6 random bytes XORed (fixed seed),
# and notes files cut at random offsets. Each run must exit 0 or 1 (run_cm
# checks that), with --ignore-stale as well as without.
"$PYTHON" - "$good" "$gcno" "$work/fz" "$B" <<'EOF'
import os, random, sys
gcda, gcno, out, build = sys.argv[1:5]
rnd = random.Random(20240601)
da, no = open(gcda, 'rb').read(), open(gcno, 'rb').read()
def flip(data):
    d = bytearray(data)
    for _ in range(rnd.randint(1, 6)):
        i = rnd.randrange(len(d))
        d[i] ^= rnd.choice([0x01, 0x80, 0xff, rnd.randrange(1, 256)])
    return bytes(d)
def put(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    open(path, 'wb').write(data)
for i in range(60):
    # a shard root holding a damaged copy of one/count.gcda
    put('%s/da%d%s/one/count.gcda' % (out, i, build), flip(da))
    # a plain tree: damaged notes, good data
    put('%s/no%d/count.gcno' % (out, i), flip(no))
    put('%s/no%d/count.gcda' % (out, i), da)
for i in range(20):
    put('%s/nt%d/count.gcno' % (out, i), no[:rnd.randrange(len(no))])
    put('%s/nt%d/count.gcda' % (out, i), da)
EOF
for kind in da no nt; do
	mapfile -t roots < <(printf '%s\n' "$work/fz/$kind"*)
	run_cm "fuzz_$kind" -q --report "lcov:$work/fuzz_$kind.info" "${roots[@]}"
	run_cm "fuzz_${kind}_ign" -q --ignore-stale --report "lcov:$work/fuzz_${kind}_ign.info" "${roots[@]}"
done

# ------------------------------------------------------------ (a) stale
# (last: it rebuilds a/util.o of the fixture, which makes s1 stale too)
SB=$B
run_into "$work/st" 0 "$SB/one/counter" 1
old=$(gcov_stamp "$SB/a/util.gcno")
fixture_compile "$cc" "$s/a/util.c" "$SB/a/util.o"
new=$(gcov_stamp "$SB/a/util.gcno")
[[ $old != "$new" ]] || fail "setup: recompiling a/util.o kept the stamp $old"
[[ $(gcov_stamp "$work/st$SB/a/util.gcda") == "$old" ]] || fail "setup: the data's stamp is not $old"

expect_fail stale --report "lcov:$work/stale.info" "$work/st"
assert_line "$cm_err" "covmerge: \"$work/st$SB/a/util.gcda\" is stale: its stamp 0x$old differs from the stamp 0x$new of its notes file \"$SB/a/util.gcno\"" \
	"(a) stale"
grep -qx 'hint: .*--ignore-stale.*' "$cm_err" || fail "(a) stale: no hint naming --ignore-stale: $(cat "$cm_err")"
assert_eq 1 "$(grep -c '^covmerge: ' "$cm_err")" "(a) stale: one message"
assert_empty "$cm_out" "(a) stale: stdout"
[[ ! -e $work/stale.info ]] || fail "(a) stale: a report was written"

run_cm stale_ign --ignore-stale --report "lcov:$work/stale_ign.info" "$work/st"
((cm_rc == 0)) || fail "(a) --ignore-stale: exit $cm_rc: $(cat "$cm_err")"
assert_line "$cm_err" "covmerge: warning: \"$work/st$SB/a/util.gcda\" is stale: its stamp 0x$old differs from the stamp 0x$new of its notes file \"$SB/a/util.gcno\"" \
	"(a) --ignore-stale: warning"
assert_eq 1 "$(grep -c '^covmerge: ' "$cm_err")" "(a) --ignore-stale: one message"
lcov_load "$work/stale_ign.info"
assert_eq "2,0 4,0 5,0 6,0" "${lc_da[$s/a/util.c]-(none)}" "(a) --ignore-stale: a/util.c left out"
assert_eq "0,util_a" "${lc_fnda[$s/a/util.c]-(none)}" "(a) --ignore-stale: util_a"
assert_eq "1,util_b" "${lc_fnda[$s/b/util.c]-(none)}" "(a) --ignore-stale: util_b still counted"
assert_eq "1,main" "${lc_fnda[$s/main_one.c]-(none)}" "(a) --ignore-stale: main still counted"
# the build tree is searched too: two/main_two.o and two/count.o never ran
assert_eq "covmerge: 7 objects (4 never run), 3 data files" \
	"$(head -n1 "$cm_out")" "(a) --ignore-stale: summary"

# (g, part) an existing report survives a failed run
printf 'an older report\n' >"$work/keep.info"
cp "$work/keep.info" "$work/keep.orig"
expect_fail keep --report "lcov:$work/keep.info" "$work/st"
assert_same "$work/keep.orig" "$work/keep.info" "(g) a failed run replaced the existing report"
left=$(find "$work" -name '*.tmp*' -print)
[[ -z $left ]] || fail "(g) temporary files left behind: $left"

note "PASS"
