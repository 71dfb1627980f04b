#!/bin/bash
# runner starts each test with posix_spawn (no copy of its page tables):
# the test process must get the same set-up as with fork + exec (its own
# process group, default signal dispositions even for signals the runner
# inherited ignored, an empty signal mask, stdin from /dev/null, stdout
# and stderr on one pipe, ctest's working directory), and an exec or chdir
# failure must be the test's ERROR naming the cause, as before.
set -euo pipefail
# shellcheck source=tests/lib/runner.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/runner.sh"
rt_setup
command -v cmake >/dev/null 2>&1 || fail "cmake is not installed (apt-get install cmake)"

cat >"$work/src/probe.c" <<'EOF2'
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	struct sigaction sa;
	sigset_t mask;
	struct stat in, out, err, null;
	int bad = 0;
	sigaction(SIGUSR1, NULL, &sa);
	if (sa.sa_handler != SIG_DFL) { printf("probe: SIGUSR1 not SIG_DFL\n"); bad = 1; }
	sigprocmask(SIG_BLOCK, NULL, &mask);
	for (int s = 1; s < 32; s++)
		if (sigismember(&mask, s)) { printf("probe: signal %d blocked\n", s); bad = 1; }
	if (getpgrp() != getpid()) { printf("probe: not its own process group\n"); bad = 1; }
	fstat(0, &in); fstat(1, &out); fstat(2, &err); stat("/dev/null", &null);
	if (in.st_rdev != null.st_rdev || !S_ISCHR(in.st_mode)) { printf("probe: stdin is not /dev/null\n"); bad = 1; }
	if (!S_ISFIFO(out.st_mode) || out.st_ino != err.st_ino) { printf("probe: stdout and stderr not one pipe\n"); bad = 1; }
	char cwd[4096];
	FILE *fp = argc > 1 ? fopen(argv[1], "w") : NULL;
	if (!fp) { printf("probe: cannot write its report\n"); return 1; }
	fprintf(fp, "cwd=%s\nbad=%d\n", getcwd(cwd, sizeof(cwd)) ? cwd : "?", bad);
	fclose(fp);
	return bad;
}
EOF2
mkdir -p "$work/proj/wd"
cp "$work/src/probe.c" "$work/proj/"
printf 'not a program\n' >"$work/proj/garbage"
chmod +x "$work/proj/garbage"
printf '#!/nonexistent/interpreter\n' >"$work/proj/badinterp"
chmod +x "$work/proj/badinterp"
cat >"$work/proj/CMakeLists.txt" <<EOF2
cmake_minimum_required(VERSION 3.13)
project(spawn C)
enable_testing()
add_executable(probe probe.c)
add_test(NAME probe COMMAND probe $work/probe.txt)
set_tests_properties(probe PROPERTIES WORKING_DIRECTORY $work/proj/wd)
add_test(NAME nowd COMMAND probe $work/nowd.txt)
set_tests_properties(nowd PROPERTIES WORKING_DIRECTORY $work/proj/gone)
add_test(NAME garbage COMMAND $work/proj/garbage)
add_test(NAME badinterp COMMAND $work/proj/badinterp)
EOF2
CC=$cc cmake -S "$work/proj" -B "$work/b" >"$work/cmake.log" 2>&1 ||
	fail "cannot configure: $(cat "$work/cmake.log")"
cmake --build "$work/b" >>"$work/cmake.log" 2>&1 || fail "cannot build: $(cat "$work/cmake.log")"
mkdir -p "$work/proj/gone"
# ctest's json-v1 keeps the working directory; now it is gone
(cd "$work/b" && ctest --show-only=json-v1) >"$work/tests.json"
rmdir "$work/proj/gone"

for n in 0 2; do
	# SIGUSR1 ignored in the runner: the test must still get SIG_DFL
	rr_out=$work/run$n.out
	rr_rc=0
	(cd "$work" && trap '' USR1 && "$RUNNER" -n "$n" -v --ctest "$work/b" </dev/null) \
		>"$rr_out" 2>"$work/run$n.err" || rr_rc=$?
	rt_expect_results "-n $n spawn set-up and failures" <<'EOF2'
PASSED probe
ERROR nowd
ERROR garbage
ERROR badinterp
EOF2
	rt_expect_summary 1 3 0 "-n $n spawn"
	rt_expect_rc 1 "-n $n spawn"
	grep -qF "ERROR nowd - cannot run \"$work/b/probe\": working directory \"$work/proj/gone\": No such file or directory" "$rr_out" ||
		fail "-n $n: message for a missing working directory:
$(cat "$rr_out")"
	grep -qF "ERROR garbage - cannot run \"$work/proj/garbage\": Exec format error" "$rr_out" ||
		fail "-n $n: message for a file that is no program:
$(cat "$rr_out")"
	grep -qF "ERROR badinterp - cannot run \"$work/proj/badinterp\": No such file or directory" "$rr_out" ||
		fail "-n $n: message for a missing interpreter:
$(cat "$rr_out")"
	ok "-n $n: exec and chdir failures named"
	[[ $(cat "$work/probe.txt") == "cwd=$work/proj/wd"$'\n'"bad=0" ]] ||
		fail "-n $n: the probe's report: $(cat "$work/probe.txt"); $(cat "$rr_out")"
	[[ ! -e $work/nowd.txt ]] || fail "-n $n: the test without its working directory ran"
	rm "$work/probe.txt"
	ok "-n $n: the test process's set-up"
done

note "ok"
