#!/bin/bash
# runner: bad files are errors, not OOM kills or hangs, and nothing is
# lost silently.
#  - --cache-file naming a device, a FIFO, a directory or a huge file is
#    refused at once (exit 4, naming it and the cause);
#  - a cache, a JUnit file or stdout that cannot be written is reported and
#    the run exits 3, its last line saying "1 error";
#  - the JUnit XML is well-formed whatever bytes a test prints or names
#    itself (xmllint accepts it): bytes that are not UTF-8 become U+FFFD,
#    control characters '?'.
set -euo pipefail
# shellcheck source=tests/lib/runner.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/runner.sh"
rt_setup
command -v xmllint >/dev/null || fail "xmllint is not installed (apt-get install libxml2-utils)"

rt_build test_pass pass.c
rt_build test_bytes bytes.c
rt_build test_cm_bytes bytes.c -DCMOCKA -lcmocka

# --cache-file: refused before anything runs
mkfifo "$work/fifo"
mkdir "$work/cachedir"
truncate -s 100M "$work/huge"
for bad in /dev/full /dev/zero "$work/fifo" "$work/cachedir" "$work/huge"; do
	RR_ALLOW3=1 rt_run cache_bad --cache-file "$bad" bin/test_pass
	rt_expect_rc 4 "--cache-file $bad"
	case $bad in
	*cachedir) cause="is a directory" ;;
	*huge) cause="too large for a durations cache (104857600 bytes, at most 64 MiB)" ;;
	*) cause="not a regular file (a device, FIFO or socket)" ;;
	esac
	want="runner: --cache-file \"$bad\": $cause"
	[[ $(cat "$rr_err") == "$want" ]] || fail "--cache-file $bad: stderr
$(cat "$rr_err")
expected: $want"
	[[ ! -s $rr_out ]] || fail "--cache-file $bad: something ran: $(cat "$rr_out")"
done

# a cache that cannot be written
RR_ALLOW3=1 rt_run cache_nodir --cache-file "$work/no/such/dir/cache" bin/test_pass
rt_expect_rc 3 "unwritable cache"
grep -qx "runner: cannot write the cache \"$work/no/such/dir/cache\": No such file or directory" "$rr_err" ||
	fail "unwritable cache: stderr $(cat "$rr_err")"
[[ $(rt_last_line "$rr_out") == "runner: 1 passed, 0 failed, 0 skipped, 1 error" ]] ||
	fail "unwritable cache: last line $(rt_last_line "$rr_out")"

# a JUnit file that cannot be written
RR_ALLOW3=1 rt_run junit_full --junitxml /dev/full bin/test_pass
rt_expect_rc 3 "junit on /dev/full"
grep -qx 'runner: cannot write "/dev/full": No space left on device' "$rr_err" ||
	fail "junit on /dev/full: stderr $(cat "$rr_err")"
[[ $(rt_last_line "$rr_out") == "runner: 1 passed, 0 failed, 0 skipped, 1 error" ]] ||
	fail "junit on /dev/full: last line $(rt_last_line "$rr_out")"

# stdout that cannot be written
rc=0
(cd "$work" && "$RUNNER" bin/test_pass) >/dev/full 2>"$work/stdout_full.err" || rc=$?
((rc == 3)) || fail "stdout on /dev/full: exit $rc, expected 3; stderr $(cat "$work/stdout_full.err")"
grep -Eqx 'runner: cannot write the output to stdout(: No space left on device)?' "$work/stdout_full.err" ||
	fail "stdout on /dev/full: stderr $(cat "$work/stdout_full.err")"

# JUnit XML from bytes that are not UTF-8
rt_run bytes -n 2 -v --junitxml "$work/bytes.xml" bin/test_bytes bin/test_cm_bytes
rt_expect_rc 1 "bytes"
rt_expect_summary 0 2 0 "bytes"
xmllint --noout "$work/bytes.xml" >"$work/xmllint.out" 2>&1 ||
	fail "the JUnit XML is not well-formed: $(cat "$work/xmllint.out")"
"$PYTHON" - "$work/bytes.xml" >"$work/xml_check.txt" 2>&1 <<'PY' || fail "junit: $(cat "$work/xml_check.txt")"
import sys, xml.etree.ElementTree as ET
cases = {c.get("classname") + "|" + c.get("name"): c for c in ET.parse(sys.argv[1]).iter("testcase")}
R = "\ufffd"
want_names = {"bin/test_bytes|bin/test_bytes", "bin/test_cm_bytes|bytes::odd " + R + "? name"}
if set(cases) != want_names:
    sys.exit("testcase names %r, expected %r" % (sorted(cases), sorted(want_names)))
line = ("bytes: " + R + " lone, " + R + " cut, " + R + R + " overlong, " + R + R + R +
        " surrogate, " + R + R + R + " nonchar, ?[31mred?[0m, ? bell, caf\u00e9 ok")
line2 = "markup: <b>&amp;\"q\" 'a' \U0001F600 " + R + R + R + R + " ok"
for k, c in cases.items():
    f = c.find("failure")
    if f is None:
        sys.exit("%s: no failure element" % k)
    for want in (line, line2):
        if want not in (f.text or ""):
            sys.exit("%s: output %r does not hold %r" % (k, f.text, want))
PY

note "ok"
