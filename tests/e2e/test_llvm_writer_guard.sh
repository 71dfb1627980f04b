#!/bin/bash
# The writer of a notes file decides its counting rules, not its version
# word alone (issue 12): LLVM gives every function the file's stamp as its
# CFG checksum, gcc a CRC of the function's flow graph.
#
#  (a) clang --coverage -Xclang -coverage-version=B01* (a real clang build
#      of the exactness fixture): gcc 10's version word and layout on
#      LLVM's notes, read by LLVM's rules (test_clang_gcov_versions checks
#      the numbers); the same file with one later function's checksum
#      changed is neither LLVM's nor gcc's: refused, named
#  (b) gcc 4.8's notes share clang's 408*: a clang notes file whose first
#      function's CFG checksum is not the stamp (as gcc 4.8 wrote it) is
#      refused as gcc 4.8's
#  (c) clang's own 408* notes, untouched, are still read
set -euo pipefail
# shellcheck source=tests/lib/oracle.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/oracle.sh"
e2e_setup
need_tool clang clang

# ------------------------------------------------------------ (a)
a=$work/a
mkdir -p "$a"
cp "$fixture_dir/exact/"*.c "$fixture_dir/exact/"*.h "$fixture_dir/exact/"*.inc "$a/"
(cd "$a" && clang --coverage -O0 -Xclang '-coverage-version=B01*' -c logic.c -o logic.o) ||
	die "(a) clang -coverage-version=B01* failed"
assert_eq "oncg*10B" "$(head -c 8 "$a/logic.gcno")" "(a) clang wrote B01*"
rc=0
"$COVMERGE" --root "$a" "$a" >"$work/a.out" 2>"$work/a.err" || rc=$?
assert_eq 0 "$rc" "(a) B01* read: exit status"
assert_empty "$work/a.err" "(a) B01* read: no message"
assert_contains "$work/a.out" "logic.c" "(a) B01* read: logic.c reported"
# the second FUNCTION record's CFG checksum (its third word) changed
"$PYTHON" - "$a/logic.gcno" <<'PY' || die "(a) patching the notes failed"
import struct, sys
path = sys.argv[1]
data = bytearray(open(path, "rb").read())
pos, seen = 24, 0   # magic, version, stamp, empty cwd (2 words), flag
while pos + 8 <= len(data):
    tag, length = struct.unpack_from("<II", data, pos)
    if tag == 0x01000000:
        seen += 1
        if seen == 2:
            struct.pack_into("<I", data, pos + 16, 0x01020304)
            break
    pos += 8 + 4 * length
else:
    sys.exit(1)
open(path, "wb").write(data)
PY
rc=0
"$COVMERGE" --root "$a" "$a" >"$work/a.out" 2>"$work/a.err" || rc=$?
assert_eq 1 "$rc" "(a) a mixed B01* file: exit status"
assert_eq "covmerge: cannot read \"$a/logic.gcno\": LLVM gcov format with gcc's version word B01* (clang -Xclang -coverage-version=B01*), but not every function's checksum is the file's stamp, as LLVM writes them
hint: the notes file is corrupt; rebuild the object" \
	"$(cat "$work/a.err")" "(a) a mixed B01* file: named, with what to do"
[[ ! -s $work/a.out ]] || fail "(a) a report was written: $(cat "$work/a.out")"

# ------------------------------------------------------------ (b), (c)
c=$work/c
mkdir -p "$c"
cp "$fixture_dir/exact/"*.c "$fixture_dir/exact/"*.h "$fixture_dir/exact/"*.inc "$c/"
(cd "$c" && clang --coverage -O0 -c logic.c -o logic.o) || die "(c) clang build failed"
assert_eq "oncg*804" "$(head -c 8 "$c/logic.gcno")" "(c) clang wrote 408*"
rc=0
"$COVMERGE" --root "$c" "$c" >"$work/c.out" 2>"$work/c.err" || rc=$?
assert_eq 0 "$rc" "(c) clang's 408* read: exit status"
assert_contains "$work/c.out" "logic.c" "(c) clang's 408* read: logic.c reported"

b=$work/b
mkdir -p "$b"
cp "$c/logic.gcno" "$b/"
# header: magic, version, stamp; the first function record: tag, length,
# ident, line checksum, then the CFG checksum at byte 28
stamp=$(od -An -tx4 -j8 -N4 "$b/logic.gcno" | tr -d ' ')
assert_eq "$stamp" "$(od -An -tx4 -j28 -N4 "$b/logic.gcno" | tr -d ' ')" \
	"(b) clang's CFG checksum is the stamp"
printf '\x01\x02\x03\x04' | dd of="$b/logic.gcno" bs=1 seek=28 conv=notrunc status=none
rc=0
"$COVMERGE" --root "$b" "$b" >"$work/b.out" 2>"$work/b.err" || rc=$?
assert_eq 1 "$rc" "(b) exit status"
assert_eq "covmerge: cannot read \"$b/logic.gcno\": gcc 4.8 format (408*): its functions' checksums are gcc's, not clang's, and covmerge does not read gcc older than 9
hint: rebuild the object with gcc 9 or newer, or with clang --coverage" \
	"$(cat "$work/b.err")" "(b) named gcc 4.8's"
note "ok"
