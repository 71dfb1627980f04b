#!/bin/bash
# The manual pages man/runner.1 and man/covmerge.1:
#   - groff -man -ww (every warning) and man --warnings -l format them
#     with no warning at all;
#   - man -l shows the page's header line and NAME section;
#   - every long option that `runner --help` (`covmerge --help`) lists is
#     described in the page.
set -euo pipefail
# shellcheck source=tests/lib/oracle.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/oracle.sh"
e2e_setup
: "${RUNNER:?RUNNER must name the runner binary}"
need_tool groff groff-base
need_tool man man-db

for prog in runner covmerge; do
	page=$CM_SOURCE_DIR/man/$prog.1
	[[ -f $page ]] || die "no manual page $page"
	bin=$COVMERGE
	[[ $prog == runner ]] && bin=$RUNNER
	upper=$(tr '[:lower:]' '[:upper:]' <<<"$prog")

	groff -man -Tutf8 -ww -z "$page" 2>"$work/$prog.groff.err" ||
		die "groff -man -ww $prog.1 exited $?: $(cat "$work/$prog.groff.err")"
	[[ ! -s $work/$prog.groff.err ]] ||
		die "groff -man -ww warns about $prog.1: $(cat "$work/$prog.groff.err")"

	MANWIDTH=80 man --warnings -l "$page" >"$work/$prog.man" 2>"$work/$prog.man.err" ||
		die "man -l $prog.1 exited $?: $(cat "$work/$prog.man.err")"
	[[ ! -s $work/$prog.man.err ]] || die "man -l warns about $prog.1: $(cat "$work/$prog.man.err")"
	head -1 "$work/$prog.man" | grep -q "^$upper(1) .* $upper(1)\$" ||
		die "man -l $prog.1: header line \"$(head -1 "$work/$prog.man")\""
	grep -q "^       $prog \\\\\?- \|^       $prog - " "$work/$prog.man" ||
		die "man -l $prog.1 has no NAME line \"$prog - ...\": $(head -8 "$work/$prog.man")"

	# the page as plain text, no hyphenation, one long line per paragraph
	groff -man -Tascii -rHY=0 -rLL=400n -P-c -P-b -P-o -P-u "$page" >"$work/$prog.txt" 2>/dev/null ||
		die "groff -Tascii $prog.1 failed"
	"$bin" --help >"$work/$prog.help" || die "$prog --help exited $?"
	missing=()
	while IFS= read -r opt; do
		grep -qF -- "$opt" "$work/$prog.txt" || missing+=("$opt")
	done < <(grep -o -- '--[a-z][a-z-]*[a-z]' "$work/$prog.help" | sort -u)
	n=$(grep -o -- '--[a-z][a-z-]*[a-z]' "$work/$prog.help" | sort -u | wc -l)
	((n > 10)) || die "$prog --help lists only $n long options"
	((${#missing[@]} == 0)) || die "$prog.1 does not describe: ${missing[*]}"
	note "$prog.1: no warnings, all $n long options of --help described"
done
note "PASS: runner.1 and covmerge.1"
