#!/bin/bash
# A single .gcda given as input maps back to its notes file exactly as the
# same file inside its shard directory does (issue 9, item 6).
#
# tests/fixtures/groups/macro.c is built with --coverage into $work/build
# and run with GCOV_PREFIX=$work/shard GCOV_PREFIX_STRIP=0, so its data is
# $work/shard$work/build/prog-macro.gcda. covmerge given that one file (by
# absolute path, and by relative path from its directory and from another
# one) must write the same lcov tracefile as covmerge given the shard
# directory; a data file beside its notes file maps as before.
set -euo pipefail
# shellcheck source=tests/lib/oracle.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/oracle.sh"
e2e_setup

use_gcc 12
b=$work/build
mkdir -p "$b" "$work/shard" "$work/elsewhere"
cp "$fixture_dir/groups/macro.c" "$b/macro.c"
(cd "$b" && "$cc" --coverage -O0 -o prog macro.c) || die "building the fixture failed"
GCOV_PREFIX=$work/shard GCOV_PREFIX_STRIP=0 "$b/prog" >/dev/null || die "prog failed"
data=$work/shard$b/prog-macro.gcda
[[ -f $data ]] || die "no data file at $data"

# cm NAME DIR INPUT: covmerge run in DIR writes $work/NAME.info; must exit 0
cm() {
	local name=$1 dir=$2 rc=0
	shift 2
	(cd "$dir" && "$COVMERGE" --root "$b" --report "lcov:$work/$name.info" "$@") \
		>"$work/$name.out" 2>"$work/$name.err" || rc=$?
	((rc == 0)) || die "$name: covmerge $* exited $rc: $(cat "$work/$name.err")"
	[[ ! -s $work/$name.err ]] || die "$name: stderr: $(cat "$work/$name.err")"
}

cm dir "$work" "$work/shard"
grep -q '^DA:' "$work/dir.info" || die "the shard directory gave no lines"
cm file "$work" "$data"
cmp -s "$work/dir.info" "$work/file.info" ||
	die "the single data file maps differently from its shard directory: $(diff "$work/dir.info" "$work/file.info" | head)"
cm rel "$(dirname "$data")" prog-macro.gcda
cmp -s "$work/dir.info" "$work/rel.info" || die "a relative data file path maps differently"
cm rel2 "$work/elsewhere" "../shard$b/prog-macro.gcda"
cmp -s "$work/dir.info" "$work/rel2.info" || die "a data file named from another directory maps differently"

# a data file beside its notes file
cp "$data" "$b/prog-macro.gcda"
cm beside "$work/elsewhere" "$b/prog-macro.gcda"
cmp -s "$work/dir.info" "$work/beside.info" || die "a data file beside its notes maps differently"
note "PASS: a single .gcda maps to its notes as inside its shard directory"
