#!/bin/bash
# runner: captured output and processes a test leaves behind. Two tests
# that flood stdout and stderr (8 MB each) at the same time on two workers
# fail: each one's captured output is shown whole under its own header,
# never mixed with the other's, starting with its first line and ending
# with its last, the middle cut with a note. Two failing tests that print
# the same text each show it. A test that forks a child and waits for it
# passes; a test that leaves a child running passes at once and the child
# is gone when the runner ends.
set -euo pipefail
# shellcheck source=tests/lib/runner.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/runner.sh"
rt_setup

RT_NOCOV=1
rt_build flood/test_flood_a flood.c
rt_build flood/test_flood_b flood.c
rt_build same/test_same_1 abort.c
rt_build same/test_same_2 abort.c
rt_build fork/test_fork_wait fork.c
rt_build fork/test_fork_leave fork.c -DLEAVE

# ------------------------------------------------------------ floods
RT_ENV=(RT_FLOOD_MB=8)
rt_run flood -n 2 -v bin/flood
rt_expect_rc 1 "floods"
rt_expect_summary 0 2 0 "floods"
# block NAME: the lines of NAME's block in the failures section
block() {
	awk -v name="$1" '
		/^=+ FAILURES =+$/ { f = 1; next }
		/^=+ short test summary info =+$/ { f = 0 }
		f && /^_+ [^ ]+ _+$/ { on = ($2 == name); next }
		f && on { print }' "$rr_out"
}
for me in a b; do
	other=$([[ $me == a ]] && echo b || echo a)
	block "bin/flood/test_flood_$me" >"$work/block_$me.txt"
	[[ -s $work/block_$me.txt ]] || fail "no failure block for test_flood_$me"
	grep -qx "flood: first line of test_flood_$me" "$work/block_$me.txt" ||
		fail "test_flood_$me: its first line is not shown"
	grep -qx "flood: last line of test_flood_$me" "$work/block_$me.txt" ||
		fail "test_flood_$me: its last line is not shown"
	! grep -q "test_flood_$other" "$work/block_$me.txt" ||
		fail "test_flood_$me's block has test_flood_$other's output in it: $(grep -m3 "test_flood_$other" "$work/block_$me.txt")"
	grep -Eq 'bytes of output not shown|truncated|omitted' "$work/block_$me.txt" ||
		fail "test_flood_$me: 8 MB shown without a note that the middle was cut"
	grep -q "flood test_flood_$me stderr 0" "$work/block_$me.txt" ||
		fail "test_flood_$me: stderr is not captured"
	# every line shown is one of its own (the two around the cut may be
	# parts of lines)
	bad=$(awk '/bytes of output not shown/ { skip = NR + 1; prev = ""; next }
		NR == skip { next }
		{ if (prev != "") print prev; prev = $0 }
		END { if (prev != "") print prev }' "$work/block_$me.txt" |
		grep -Ev "^(flood test_flood_$me line [0-9]{9} x{32}|flood test_flood_$me stderr [0-9]+|flood: (first|last) line of test_flood_$me|----- captured output -----|\[gw[01]\] FAILED.*)$" | head -3 || true)
	[[ -z $bad ]] || fail "test_flood_$me: lines in its output that are not its own: $bad"
done
size=$(wc -c <"$rr_out")
((size < 4 * 1024 * 1024)) || fail "the runner printed $size bytes for two 8 MB floods: the capture is not bounded"

# ------------------------------------------------------------ same output
rt_run same -n 2 -v bin/same
rt_expect_rc 1 "same output"
rt_expect_summary 0 2 0 "same output"
for i in 1 2; do
	block "bin/same/test_same_$i" >"$work/same_$i.txt"
	grep -qx 'abort: giving up' "$work/same_$i.txt" ||
		fail "test_same_$i's output is not shown (another test printed the same text):
$(sed -n '/= FAILURES =/,$p' "$rr_out")"
done

# ------------------------------------------------------------ forks
rt_run fork -n 2 -v bin/fork
rt_expect_rc 0 "forks"
rt_expect_summary 2 0 0 "forks"
rt_expect_results "forks" <<'EOF'
PASSED bin/fork/test_fork_wait
PASSED bin/fork/test_fork_leave
EOF
left=$(pgrep -f -- "$work/bin/fork/test_fork_leave" || true)
[[ -z $left ]] || fail "the child test_fork_leave left behind is still running: $(ps -o pid,pgid,args -p "$(echo "$left" | tr ' ' ',')" 2>&1)"
# the runner did not wait for the child (it sleeps forever): the test's
# -v line came, and the run ended; a leftover child with a held pipe must
# not make the test fail either
rt_run fork_v -n 1 -v bin/fork/test_fork_leave bin/fork/test_fork_wait
rt_expect_rc 0 "fork, one worker"
left=$(pgrep -f -- "$work/bin/fork/test_fork_leave" || true)
[[ -z $left ]] || fail "the child of test_fork_leave is still running after -n 1"

note "ok"
