#!/bin/bash
# Portable shards (covmerge --export) give exactly the reports of the raw
# shards they were made from.
#
# The fixture (tests/fixtures/portable, built by pt_build) is run into three
# GCOV_PREFIX shards with different arguments. Each shard is exported, and
#   a. the exports merged give byte-identical lcov, Cobertura XML, JSON and
#      term-missing --branch reports (and stdout) to the raw shards merged;
#      in any order, exported again, exported with any -j
#   b. one export plus two raw shards give the same too
#   c. an export is gzip holding "covmerge-shard 1" then "root ..."; a
#      truncated or corrupted export is an error (exit 1) naming the file,
#      never a crash, and an existing report is left untouched
#   d. exports no longer need the build tree (its .gcno files deleted)
#   e. an object that never ran (found only via --object-dir) survives an
#      export at 0%
#   f. an lcov tracefile exported and read back gives the same report
set -euo pipefail
# shellcheck source=tests/lib/portable.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/portable.sh"
pt_setup

P=$work/proj
pt_copy "$P"
pt_build "$P" "$P/build"
pt_run "$work/sh1" "$P/build/app/demo" sum 5 sign -2 text coverage
pt_run "$work/sh1" "$P/build/tool/tool" 4
pt_run "$work/sh2" "$P/build/app/demo" sign 0 clamp 9 text zzzzzzzzzzzzzz
pt_run "$work/sh3" "$P/build/app/demo" sum 3 sign 7 clamp 1
pt_run "$work/sh3" "$P/build/tool/tool" 2
[[ -f $work/sh1$P/build/lib/calc.gcda ]] || fail "setup: no $work/sh1$P/build/lib/calc.gcda"
[[ -z $(find "$P/build" -name '*.gcda') ]] || fail "setup: data written into the build tree"
cd "$P"

# the reports asked of every merge below
reports() {
	local stem=$1
	echo --report "lcov:$stem.info" --report "xml:$stem.xml" \
		--report "json:$stem.json" --report term-missing --branch
}
# same_reports A B WHAT: the four reports (and stdout) of two runs agree
same_reports() {
	local ext
	for ext in info xml json; do
		assert_same "$work/$1.$ext" "$work/$2.$ext" "$3: $ext report"
	done
	assert_same "$work/$1.out" "$work/$2.out" "$3: stdout (term-missing)"
}

# ------------------------------------------------------------ the reference
# shellcheck disable=SC2046
cm_ok raw --root "$P" $(reports "$work/raw") "$work/sh1" "$work/sh2" "$work/sh3"
# unused.o, alone in its directory, is found in the build tree too
assert_eq "covmerge: 7 objects (2 never run), 13 data files" "$(head -n 1 "$cm_out")" \
	"raw: header"
loop=$(line_of "$P/calc.c" "PT one-line loop")
# calc_sum(5) + calc_sum(4) + calc_sum(3) + calc_sum(2): 4 entries, 14 iterations
assert_eq 18 "$(lcov_da "$work/raw.info" "$P/calc.c" "$loop")" "raw: the one-line loop"
assert_eq "$P/calc.c $P/calc.h $P/demo.c $P/idle.c $P/text.c $P/tool.c $P/unused.c" \
	"$(lcov_sfs "$work/raw.info")" "raw: source files"
assert_eq "4 0" "$(lcov_key "$work/raw.info" "$P/idle.c" LF) $(lcov_key "$work/raw.info" "$P/idle.c" LH)" \
	"raw: idle.c never ran"
grep -qx 'FNDA:5,calc_abs' "$work/raw.info" || fail "raw: calc_abs (in calc.h, 2 objects) not 5"

# ------------------------------------------------------------ the exports
for i in 1 2 3; do
	cm_ok "export$i" --root "$P" -q --export "$work/s$i.cmshard" "$work/sh$i"
	[[ -s $work/s$i.cmshard ]] || fail "export $i: no file $work/s$i.cmshard"
	[[ ! -s $cm_out ]] || fail "export $i: -q printed $(cat "$cm_out")"
done

sec_a() {
	# shellcheck disable=SC2046
	cm_ok exp --root "$P" $(reports "$work/exp") "$work/s1.cmshard" "$work/s2.cmshard" "$work/s3.cmshard"
	same_reports raw exp "three exports vs three raw shards"
	# the order of the inputs does not matter
	# shellcheck disable=SC2046
	cm_ok order --root "$P" $(reports "$work/order") "$work/s3.cmshard" "$work/s1.cmshard" "$work/s2.cmshard"
	same_reports raw order "exports in another order"
	# the default root is the current directory
	# shellcheck disable=SC2046
	cm_ok dflt $(reports "$work/dflt") "$work/s1.cmshard" "$work/s2.cmshard" "$work/s3.cmshard"
	same_reports raw dflt "exports, default --root"
	# an export of exports
	cm_ok again --root "$P" -q --export "$work/all.cmshard" \
		"$work/s1.cmshard" "$work/s2.cmshard" "$work/s3.cmshard"
	# shellcheck disable=SC2046
	cm_ok all --root "$P" $(reports "$work/all") "$work/all.cmshard"
	same_reports raw all "an export of the three exports"
	# an export is byte-identical for any -j, and from raw shards or exports
	cm_ok j1 --root "$P" -q -j 1 --export "$work/j1.cmshard" "$work/sh1" "$work/sh2" "$work/sh3"
	cm_ok j4 --root "$P" -q -j 4 --export "$work/j4.cmshard" "$work/sh1" "$work/sh2" "$work/sh3"
	assert_same "$work/j1.cmshard" "$work/j4.cmshard" "export with -j 1 vs -j 4"
	# report filters do not thin out the export: it holds everything
	cm_ok_note omit 2 --root "$P" -q --omit 'calc*' --export "$work/omit.cmshard" "$work/sh1" "$work/sh2" "$work/sh3"
	# shellcheck disable=SC2046
	cm_ok omitback --root "$P" $(reports "$work/omitback") "$work/omit.cmshard"
	same_reports raw omitback "an export written with --omit"
	# an export may replace one of its own inputs
	cp "$work/s1.cmshard" "$work/s12.cmshard"
	cm_ok inplace_export --root "$P" -q --export "$work/s12.cmshard" "$work/s12.cmshard" "$work/s2.cmshard"
	# shellcheck disable=SC2046
	cm_ok inplace --root "$P" $(reports "$work/inplace") "$work/s12.cmshard" "$work/s3.cmshard"
	same_reports raw inplace "an export written over one of its inputs"
}
section "a. exports merged = raw shards merged" sec_a

sec_b() {
	# shellcheck disable=SC2046
	cm_ok mix1 --root "$P" $(reports "$work/mix1") "$work/s1.cmshard" "$work/sh2" "$work/sh3"
	same_reports raw mix1 "export 1 + raw shards 2, 3"
	# shellcheck disable=SC2046
	cm_ok mix2 --root "$P" $(reports "$work/mix2") "$work/sh1" "$work/s2.cmshard" "$work/sh3"
	same_reports raw mix2 "raw 1 + export 2 + raw 3"
	# shellcheck disable=SC2046
	cm_ok mix3 --root "$P" $(reports "$work/mix3") "$work/sh1" "$work/s2.cmshard" "$work/s3.cmshard"
	same_reports raw mix3 "raw 1 + exports 2, 3"
}
section "b. exports mixed with raw shards" sec_b

# expect_bad NAME FILE WHAT: covmerge on FILE exits 1, names FILE, crashes
# not, and leaves an existing report alone
expect_bad() {
	local name=$1 file=$2 what=$3
	printf 'old report\n' >"$work/keep.info"
	cm_fail "$name" --root "$P" --report "lcov:$work/keep.info" "$file"
	assert_fixed "$cm_err" "\"$file\"" "$what: the message names the file"
	assert_no_grep "$cm_err" 'AddressSanitizer|runtime error|LeakSanitizer' "$what: sanitizer report"
	assert_eq "old report" "$(cat "$work/keep.info")" "$what: the existing report was touched"
}

# recompress NAME: stdin, gzip-compressed, into $work/NAME (a well-formed
# gzip stream around damaged content)
recompress() {
	gzip -c -n >"$work/$1"
}

# edit_first_counters AWK-ACTION: the content of export 1 with AWK-ACTION
# applied to its first counter line
edit_first_counters() {
	awk "done || !/^[0-9]+ [0-9]+ [0-9]+ [0-9]+( -?[0-9]+)+\$/ { print; next }
		{ $1; done = 1 }" "$work/s1.txt"
}

sec_c_format() {
	local s=$work/s1.cmshard
	[[ $(od -An -tx1 -N2 "$s" | tr -d ' \n') == 1f8b ]] ||
		fail "the export is not gzip: $(od -An -tx1 -N4 "$s")"
	gzip -t "$s" 2>"$work/gzip.err" || fail "gzip -t rejects the export: $(cat "$work/gzip.err")"
	assert_eq "covmerge-shard 1" "$(sed -n 1p "$work/s1.txt")" "first line of the content"
	assert_eq "root $P" "$(sed -n 2p "$work/s1.txt")" "second line of the content"
	assert_eq "end" "$(tail -n 1 "$work/s1.txt")" "last line of the content"
	# objects under the root are named relative to it, with the size of
	# their notes file
	grep -aq "^object build/lib/calc.gcno	$(stat -c %s "$P/build/lib/calc.gcno")	" "$work/s1.txt" ||
		fail "no record \"object build/lib/calc.gcno<TAB><its size>\" in the export:
$(grep -a '^object' "$work/s1.txt")"
	assert_eq 0 "$(grep -ac "^object /" "$work/s1.txt" || true)" "objects named by absolute paths"
}
zcat "$work/s1.cmshard" >"$work/s1.txt"
section "c1. the file format" sec_c_format

sec_c_stream() {
	local s=$work/s1.cmshard n len off b
	n=$(stat -c %s "$s")
	# truncated: in the gzip header, in the deflate stream, in the trailer
	for len in 1 10 20 $((n / 2)) $((n - 8)) $((n - 1)); do
		head -c "$len" "$s" >"$work/cut.cmshard"
		expect_bad "cut$len" "$work/cut.cmshard" "export truncated to $len of $n bytes"
	done
	# one byte changed: in the deflate stream, the CRC, the length
	for off in 12 30 $((n / 2)) $((n - 12)) $((n - 8)) $((n - 1)); do
		cp "$s" "$work/flip.cmshard"
		b=$(od -An -tu1 -j "$off" -N1 "$s" | tr -d ' ')
		# shellcheck disable=SC2059
		printf "\\$(printf '%03o' $((b ^ 0xa5)))" |
			dd of="$work/flip.cmshard" bs=1 seek="$off" conv=notrunc status=none
		cmp -s "$s" "$work/flip.cmshard" && fail "setup: byte $off not changed"
		expect_bad "flip$off" "$work/flip.cmshard" "export with byte $off changed"
	done
}
section "c2. truncated and corrupted compressed exports" sec_c_stream

sec_c_empty() {
	# an empty file (a failed artifact download) is never silently nothing,
	# beside a good export or alone
	: >"$work/empty.cmshard"
	cm_fail empty2 --root "$P" -q "$work/s2.cmshard" "$work/empty.cmshard"
	assert_fixed "$cm_err" "\"$work/empty.cmshard\"" \
		"an empty export beside a good one: the message names it"
	expect_bad empty "$work/empty.cmshard" "an empty export alone"
}
section "c3. an empty export" sec_c_empty

sec_c_content() {
	head -c 300 "$work/s1.txt" | recompress c_cut.cmshard
	expect_bad c_cut "$work/c_cut.cmshard" "content cut inside a notes file"
	head -n -1 "$work/s1.txt" | recompress c_noend.cmshard
	expect_bad c_noend "$work/c_noend.cmshard" "content without its end record"
	sed '2d' "$work/s1.txt" | recompress c_noroot.cmshard
	expect_bad c_noroot "$work/c_noroot.cmshard" "content without its root record"
	sed 's/^\(object build\/app\/demo.gcno\t\)[0-9]*/\199999999/' "$work/s1.txt" |
		recompress c_biglen.cmshard
	expect_bad c_biglen "$work/c_biglen.cmshard" "an object announcing 99999999 notes bytes"
	# shellcheck disable=SC2016 # awk code
	edit_first_counters '$4 = "4000000000"; print' | recompress c_hugen.cmshard
	expect_bad c_hugen "$work/c_hugen.cmshard" "a counter line announcing 4e9 counters"
	printf 'covmerge-shard 1\nroot %s\ntracefile 99999\nabc\nend\n' "$P" |
		recompress c_tracelen.cmshard
	expect_bad c_tracelen "$work/c_tracelen.cmshard" "a tracefile record longer than the file"
}
section "c4. damaged content in a well-formed gzip stream" sec_c_content

# The rest parses as a portable shard, but what it carries is broken. The
# message must still name the export: the notes path of the object does
# not exist on this machine, the export is what to fix.
sec_c_notes() {
	"$PYTHON" - "$work/s1.txt" "$work/c_gcno.txt" "$work/c_magic.txt" <<'EOF'
import sys
d = bytearray(open(sys.argv[1], 'rb').read())
i = d.index(b'object build/app/demo.gcno\t')
j = d.index(b'\n', i) + 1
a = bytearray(d)
for k in range(j + 100, j + 140):
    a[k] ^= 0x5a
open(sys.argv[2], 'wb').write(a)
b = bytearray(d)
b[j] ^= 0xff
open(sys.argv[3], 'wb').write(b)
EOF
	recompress c_gcno.cmshard <"$work/c_gcno.txt"
	expect_bad c_gcno "$work/c_gcno.cmshard" "an export whose notes records are damaged"
	recompress c_magic.cmshard <"$work/c_magic.txt"
	expect_bad c_magic "$work/c_magic.cmshard" "an export whose notes magic is damaged"
}
section "c5. damaged notes inside an export" sec_c_notes

sec_c_counters() {
	# shellcheck disable=SC2016 # awk code
	edit_first_counters '$4 = $4 + 1; print $0 " 5"' | recompress c_extra.cmshard
	expect_bad c_extra "$work/c_extra.cmshard" "a function with one counter more than its notes"
}
section "c6. counters that do not fit the notes inside an export" sec_c_counters

sec_c_trace() {
	printf 'covmerge-shard 1\nroot %s\ntracefile 4\nabc\nend\n' "$P" | recompress c_trace.cmshard
	expect_bad c_trace "$work/c_trace.cmshard" "an export carrying a broken tracefile"
}
section "c7. a broken tracefile inside an export" sec_c_trace

sec_c_version() {
	# a later format version: said so, not called a bad tracefile
	printf 'covmerge-shard 2\nroot %s\nend\n' "$P" | recompress future.dat
	expect_bad future "$work/future.dat" "a portable shard of format 2"
	assert_grep "$cm_err" 'portable shard|version|format' \
		"a portable shard of format 2: the message says what the file is"
}
section "c8. a portable shard of a later format" sec_c_version

sec_e() {
	# unused.o lies alone in build/extra: only --object-dir finds it
	cm_ok od --root "$P" -q --object-dir "$P/build" --report "lcov:$work/od.info" \
		--report term-missing --export "$work/od.cmshard" "$work/sh1" "$work/sh2" "$work/sh3"
	assert_eq "6 0 2 0" "$(lcov_key "$work/od.info" "$P/unused.c" LF) $(lcov_key "$work/od.info" "$P/unused.c" LH) $(lcov_key "$work/od.info" "$P/unused.c" FNF) $(lcov_key "$work/od.info" "$P/unused.c" FNH)" \
		"--object-dir: unused.c LF LH FNF FNH"
	grep -Eq '^unused\.c +6 +6 +0%' "$cm_out" || fail "--object-dir: no 0% row for unused.c:
$(cat "$cm_out")"
	cp "$cm_out" "$work/od.term"
	cm_ok odback --root "$P" -q --report "lcov:$work/odback.info" --report term-missing "$work/od.cmshard"
	assert_same "$work/od.info" "$work/odback.info" "the export of --object-dir: lcov"
	assert_same "$work/od.term" "$cm_out" "the export of --object-dir: term-missing"
	# the header counts it as never run
	cm_ok odhead --root "$P" "$work/od.cmshard"
	assert_eq "covmerge: 7 objects (2 never run), 13 data files" "$(head -n 1 "$cm_out")" \
		"the export of --object-dir: header"
	# an export of nothing but a never-run object
	cm_ok never --root "$P" -q --object-dir "$P/build/extra" --report "lcov:$work/never.info" \
		--export "$work/never.cmshard"
	cm_ok neverback --root "$P" --report "lcov:$work/neverback.info" "$work/never.cmshard"
	assert_same "$work/never.info" "$work/neverback.info" "an export of a never-run object alone"
	assert_eq "covmerge: 1 objects (1 never run), 0 data files" "$(head -n 1 "$cm_out")" \
		"an export of a never-run object alone: header"
	assert_eq "$P/unused.c" "$(lcov_sfs "$work/neverback.info")" "never-run export: source files"
	assert_eq "0" "$(lcov_key "$work/neverback.info" "$P/unused.c" LH)" "never-run export: LH"
}
section "e. never-run objects survive an export" sec_e

# a foreign tracefile: lcov 2 function records, DA checksums, TN names
cat >"$work/foreign.info" <<EOF
TN:foreign
SF:$P/text.c
FNL:0,3,20
FNA:0,7,text_vowels
FNL:1,22,29
FNA:1,2,text_kind
FNF:2
FNH:2
BRDA:24,0,0,1
BRDA:24,0,1,1
BRDA:26,0,0,-
BRDA:26,0,1,-
BRF:4
BRH:2
DA:3,7,abcdef0123
DA:5,7
DA:6,40
DA:22,2
DA:24,2
DA:25,1
DA:26,1
DA:27,0
DA:28,1
LF:9
LH:8
end_of_record
TN:foreign
SF:$P/calc.c
FN:3,calc_sum
FNDA:3,calc_sum
DA:3,3
DA:6,9
DA:7,3
end_of_record
EOF

sec_f() {
	# covmerge's own tracefile (with the destination-line marker)
	cm_ok t1 --root "$P" --report "lcov:$work/t1.info" --report term-missing --branch \
		--export "$work/t.cmshard" "$work/raw.info"
	assert_same "$work/raw.info" "$work/t1.info" "a tracefile read back"
	cp "$cm_out" "$work/t1.term"
	zcat "$work/t.cmshard" | grep -aq '^tracefile [0-9]*$' || fail "the export holds no tracefile record"
	cm_ok t2 --root "$P" --report "lcov:$work/t2.info" --report term-missing --branch "$work/t.cmshard"
	assert_same "$work/t1.info" "$work/t2.info" "a tracefile exported: lcov"
	assert_same "$work/t1.term" "$cm_out" "a tracefile exported: term-missing --branch"

	cm_ok f1 --root "$P" --report "lcov:$work/f1.info" --report term-missing --branch \
		--export "$work/f.cmshard" "$work/foreign.info"
	cp "$cm_out" "$work/f1.term"
	cm_ok f2 --root "$P" --report "lcov:$work/f2.info" --report term-missing --branch "$work/f.cmshard"
	assert_same "$work/f1.info" "$work/f2.info" "a foreign tracefile exported: lcov"
	assert_same "$work/f1.term" "$cm_out" "a foreign tracefile exported: term-missing --branch"
	assert_eq 40 "$(lcov_da "$work/f2.info" "$P/text.c" 6)" "foreign tracefile: DA:6 of text.c"

	# a tracefile and objects in one export
	# shellcheck disable=SC2046
	cm_ok tf1 --root "$P" $(reports "$work/tf1") --export "$work/tf.cmshard" \
		"$work/foreign.info" "$work/sh1" "$work/sh2" "$work/sh3"
	# shellcheck disable=SC2046
	cm_ok tf2 --root "$P" $(reports "$work/tf2") "$work/tf.cmshard"
	same_reports tf1 tf2 "a tracefile and raw shards in one export"
}
section "f1. lcov tracefiles through an export" sec_f

sec_f2() {
	# a foreign tracefile (no destination lines in it) beside exports gives
	# what it gives beside the raw shards they came from
	# shellcheck disable=SC2046
	cm_ok tfraw --root "$P" $(reports "$work/tfraw") "$work/foreign.info" \
		"$work/sh1" "$work/sh2" "$work/sh3"
	# shellcheck disable=SC2046
	cm_ok tfexp --root "$P" $(reports "$work/tfexp") "$work/foreign.info" \
		"$work/s1.cmshard" "$work/s2.cmshard" "$work/s3.cmshard"
	same_reports tfraw tfexp "a foreign tracefile beside three exports vs beside the raw shards"
}
section "f2. a foreign tracefile beside exports" sec_f2

# last: this one deletes the build tree's notes files
sec_d() {
	local n
	n=$(find "$P/build" -name '*.gcno' | wc -l)
	((n == 7)) || fail "setup: $n notes files in the build tree, expected 7"
	find "$P/build" -name '*.gcno' -delete
	mv "$work/sh1" "$work/sh1.away"
	mv "$work/sh2" "$work/sh2.away"
	mv "$work/sh3" "$work/sh3.away"
	# shellcheck disable=SC2046
	cm_ok nobuild --root "$P" $(reports "$work/nobuild") \
		"$work/s1.cmshard" "$work/s2.cmshard" "$work/s3.cmshard"
	same_reports raw nobuild "exports without the build tree"
	# and with the build tree's directories gone altogether
	rm -rf "$P/build"
	# shellcheck disable=SC2046
	cm_ok nodir --root "$P" $(reports "$work/nodir") \
		"$work/s1.cmshard" "$work/s2.cmshard" "$work/s3.cmshard"
	same_reports raw nodir "exports without the build directory"
}
section "d. exports need no build tree" sec_d

pt_finish
