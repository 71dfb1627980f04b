#!/bin/bash
# Without --object-dir, covmerge searches the build tree that the data
# files' objects share for objects that never ran, and says so in one line
# when it cannot (issue 9, item 3).
#
# 1. The objects of one shard lie in two unrelated trees, $work/t and a
#    directory made under /tmp: they share no directory but "/" (or /tmp),
#    which is never searched. covmerge exits 0, reports what ran, and
#    prints exactly one warning line saying the search was not made.
# 2. The same objects with --object-dir: no warning.
# 3. One tree ($work/t/main and $work/t/lib ran): the never-run object in
#    $work/t/idle, a directory with no data, is found and reported at 0%,
#    with nothing on stderr.
# 4. A .gcda file given on its own is that object only: no search starts
#    from it (1 object, 0 never run); --object-dir or a directory input
#    beside it bring the never-run objects as before.
set -euo pipefail
# shellcheck source=tests/lib/oracle.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/oracle.sh"
e2e_setup
work=$(cd "$work" && pwd -P)
use_gcc 12
other=$(mktemp -d /tmp/cm-never-run.XXXXXX)
tl_at_exit 'rm -rf "$other"'

mkdir -p "$work/t/main" "$work/t/idle" "$other/lib"
cat >"$work/t/main/main.c" <<'C'
int lib_twice(int v);
int main(void) { return lib_twice(0); }
C
cat >"$other/lib/lib.c" <<'C'
int lib_twice(int v) { return 2 * v; }
C
cat >"$work/t/idle/idle.c" <<'C'
int idle(int v) { return v + 1; }
C
(cd "$work/t/main" && "$cc" --coverage -c main.c -o main.o) || die "compiling main.c failed"
(cd "$other/lib" && "$cc" --coverage -c lib.c -o lib.o) || die "compiling lib.c failed"
(cd "$work/t/idle" && "$cc" --coverage -c idle.c -o idle.o) || die "compiling idle.c failed"
"$cc" --coverage -o "$work/t/main/prog" "$work/t/main/main.o" "$other/lib/lib.o" ||
	die "linking failed"
GCOV_PREFIX=$work/shard GCOV_PREFIX_STRIP=0 "$work/t/main/prog" || die "prog failed"

# 1. two unrelated trees: no search, one line says so
rc=0
"$COVMERGE" --root / --report "lcov:$work/two.info" "$work/shard" >"$work/two.out" \
	2>"$work/two.err" || rc=$?
((rc == 0)) || die "two trees: exit $rc: $(cat "$work/two.err")"
[[ $(wc -l <"$work/two.err") == 1 ]] || die "two trees: not one line on stderr: $(cat "$work/two.err")"
grep -Eq '^covmerge: warning: objects that never ran are not looked for: the data files.? objects share no directory but "(/|/tmp)" \(pass --object-dir DIR to name the build tree\)$' \
	"$work/two.err" || die "two trees: the warning is: $(cat "$work/two.err")"
grep -q '^covmerge: 2 objects (0 never run), 2 data files$' "$work/two.out" ||
	die "two trees: header $(head -n 1 "$work/two.out")"

# 2. with --object-dir there is nothing to guess
rc=0
"$COVMERGE" --root / --object-dir "$work/t" --object-dir "$other" --report "lcov:$work/od.info" \
	"$work/shard" >"$work/od.out" 2>"$work/od.err" || rc=$?
((rc == 0)) || die "--object-dir: exit $rc: $(cat "$work/od.err")"
[[ ! -s $work/od.err ]] || die "--object-dir: stderr: $(cat "$work/od.err")"
grep -q '^SF:.*/idle\.c$' "$work/od.info" || die "--object-dir: idle.c not reported"

# 3. one tree: lib.o rebuilt in $work/t/lib, so the objects that ran share
# $work/t, which holds idle/idle.o too
rm -rf "$work/shard"
mkdir -p "$work/t/lib"
cp "$other/lib/lib.c" "$work/t/lib/lib.c"
(cd "$work/t/lib" && "$cc" --coverage -c lib.c -o lib.o &&
	"$cc" --coverage -o "$work/t/main/prog" "$work/t/main/main.o" lib.o) ||
	die "relinking failed"
GCOV_PREFIX=$work/shard GCOV_PREFIX_STRIP=0 "$work/t/main/prog" || die "prog failed"
rc=0
"$COVMERGE" --report "lcov:$work/one.info" --report term "$work/shard" >"$work/one.out" \
	2>"$work/one.err" || rc=$?
((rc == 0)) || die "one tree: exit $rc: $(cat "$work/one.err")"
[[ ! -s $work/one.err ]] || die "one tree: stderr: $(cat "$work/one.err")"
grep -Eq '^idle/idle\.c +1 +1 +0%$' "$work/one.out" ||
	die "one tree: the never-run idle/idle.c is not at 0%: $(cat "$work/one.out")"
# 4. one data file: that object only (not even the never-run object
# beside it, which a search would find first)
cat >"$work/t/main/spare.c" <<'C'
int spare(int v) { return v - 1; }
C
(cd "$work/t/main" && "$cc" --coverage -c spare.c -o spare.o) || die "compiling spare.c failed"
one_gcda=$work/shard$work/t/main/main.gcda
[[ -f $one_gcda ]] || die "no $one_gcda"
# one_file NAME ARG...: covmerge exits 0, silent on stderr
one_file() {
	local name=$1 rc=0
	shift
	"$COVMERGE" --root "$work/t" --report "lcov:$work/$name.info" "$@" \
		>"$work/$name.out" 2>"$work/$name.err" || rc=$?
	((rc == 0)) || die "$name: exit $rc: $(cat "$work/$name.err")"
	[[ ! -s $work/$name.err ]] || die "$name: stderr: $(cat "$work/$name.err")"
}
one_file file "$one_gcda"
assert_eq "covmerge: 1 objects (0 never run), 1 data files" "$(head -n 1 "$work/file.out")" \
	"a single .gcda: that object only"
assert_eq "main/main.c" "$(sed -n 's|^SF:'"$work"'/t/||p' "$work/file.info" | tr '\n' ' ' | sed 's/ $//')" \
	"a single .gcda: the one source"
one_file file_od --object-dir "$work/t" "$one_gcda"
assert_eq "covmerge: 4 objects (3 never run), 1 data files" "$(head -n 1 "$work/file_od.out")" \
	"a single .gcda with --object-dir: its never-run objects"
one_file file_dir "$one_gcda" "$work/shard"
assert_eq "covmerge: 4 objects (2 never run), 2 data files" "$(head -n 1 "$work/file_dir.out")" \
	"a single .gcda beside its shard directory: the directory's search"
note "PASS: never-run objects found in the shared build tree; one line when there is none"
