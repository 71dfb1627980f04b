#!/bin/bash
# runner: what every test process gets. RUNNER_WORKER (gw0..gwN-1, the
# worker its -v line names), RUNNER_WORKER_COUNT, RUNNER_TESTRUN_UID (one
# value for all tests of a run, another for the next run, the manifest's
# run_uid), and with --cov GCOV_PREFIX=<cov-dir>/gwK, GCOV_PREFIX_STRIP=0.
# Also: -n 0, -n auto and -n logical; the manifest's shards and tests;
# --cov-dir clears only the runner's own earlier shards.
set -euo pipefail
# shellcheck source=tests/lib/runner.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/runner.sh"
rt_setup

for i in 1 2 3 4 5 6 7 8; do
	rt_build "test_env_$i" env.c
done
RT_ENV=("RT_ENV_DIR=$work/env")

# check_env RUN WORKERS COV_DIR: the env records in $work/env against the
# -v lines of RUN ($work/RUN.out) and, when COV_DIR is not "-", its
# manifest. Prints the run's uid.
check_env() {
	"$PYTHON" - "$work" "$@" <<'EOF'
import glob, json, os, re, sys
work, run, nworkers, cov_dir = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
def die(msg):
    sys.exit("%s: %s" % (run, msg))
lines = {}
for line in open(os.path.join(work, run + ".out")):
    m = re.match(r"^\[(gw\d+)\] (\S+) (\S+) \d+\.\d+s", line)
    if m:
        if m.group(3) in lines:
            die("two -v lines for " + m.group(3))
        lines[m.group(3)] = (m.group(1), m.group(2))
records = {}
for path in glob.glob(os.path.join(work, "env", "test_env_*")):
    rec = dict(l.rstrip("\n").split("=", 1) for l in open(path))
    if rec["PROGRAM"] in records:
        die("two processes of " + rec["PROGRAM"])
    records[rec["PROGRAM"]] = rec
want = ["test_env_%d" % i for i in range(1, 9)]
if sorted(records) != want:
    die("env records of %s, expected %s" % (sorted(records), want))
if sorted(lines) != ["bin/" + p for p in want]:
    die("-v lines for %s" % sorted(lines))
workers = ["gw%d" % k for k in range(nworkers)]
uids = set()
for prog, rec in records.items():
    w, status = lines["bin/" + prog]
    if status != "PASSED":
        die("%s: %s" % (prog, status))
    if rec["RUNNER_WORKER"] != w:
        die("%s saw RUNNER_WORKER=%s, its -v line says %s" % (prog, rec["RUNNER_WORKER"], w))
    if w not in workers:
        die("%s ran on %s, not one of %s" % (prog, w, workers))
    if rec["RUNNER_WORKER_COUNT"] != str(nworkers):
        die("%s saw RUNNER_WORKER_COUNT=%s, expected %d" % (prog, rec["RUNNER_WORKER_COUNT"], nworkers))
    if rec["CWD"] != work:
        die("%s ran in %s, expected %s" % (prog, rec["CWD"], work))
    if not re.fullmatch(r"[0-9A-Za-z_-]{6,}", rec["RUNNER_TESTRUN_UID"]):
        die("%s saw RUNNER_TESTRUN_UID=%r" % (prog, rec["RUNNER_TESTRUN_UID"]))
    uids.add(rec["RUNNER_TESTRUN_UID"])
    if cov_dir == "-":
        for k in ("GCOV_PREFIX", "GCOV_PREFIX_STRIP"):
            if rec[k] != "<unset>":
                die("%s saw %s=%s without --cov" % (prog, k, rec[k]))
    else:
        if rec["GCOV_PREFIX"] != os.path.join(cov_dir, w):
            die("%s on %s saw GCOV_PREFIX=%s, expected %s" % (prog, w, rec["GCOV_PREFIX"], os.path.join(cov_dir, w)))
        if rec["GCOV_PREFIX_STRIP"] != "0":
            die("%s saw GCOV_PREFIX_STRIP=%s" % (prog, rec["GCOV_PREFIX_STRIP"]))
if len(uids) != 1:
    die("the tests of one run saw different RUNNER_TESTRUN_UIDs: %s" % sorted(uids))
uid = uids.pop()
if cov_dir != "-":
    m = json.load(open(os.path.join(cov_dir, "manifest.json")))
    if m.get("run_uid") != uid:
        die("manifest run_uid %r, the tests saw %r" % (m.get("run_uid"), uid))
    if m.get("interrupted") is not False:
        die("manifest interrupted=%r" % m.get("interrupted"))
    if m.get("workers") != nworkers:
        die("manifest workers=%r" % m.get("workers"))
    shards = m["shards"]
    if [s["worker"] for s in shards] != workers:
        die("manifest shards %s" % [s["worker"] for s in shards])
    seen = {}
    for s in shards:
        d = os.path.join(cov_dir, s["dir"])
        if not os.path.isdir(d):
            die("manifest names shard dir %s, which does not exist" % d)
        n = sum(1 for r, _, fs in os.walk(d) for f in fs if f.endswith(".gcda"))
        if s["gcda_files"] != n:
            die("manifest: %s has %r gcda files, the directory %d" % (s["worker"], s["gcda_files"], n))
        ran = [t for t in s["tests"]]
        if n != len(ran):
            die("%s ran %d programs (own objects each) but has %d gcda files" % (s["worker"], len(ran), n))
        for t in ran:
            if t["id"] in seen:
                die("manifest lists %s twice" % t["id"])
            seen[t["id"]] = (s["worker"], t["status"], t["exit_code"], t["signal"])
    want_m = {i: (lines[i][0], "passed", 0, 0) for i in lines}
    if seen != want_m:
        die("manifest tests %s, expected %s" % (seen, want_m))
print(uid)
EOF
}

# ------------------------------------------------------------ -n 3 --cov
mkdir -p "$work/cov/gw7/stale" "$work/cov/mine"
echo keep >"$work/cov/keep.txt"
echo keep >"$work/cov/mine/notes.txt"
echo junk >"$work/cov/gw7/stale/old.gcda"
rt_run n3 -n 3 -v --cov=obj --cov-dir cov bin
rt_expect_rc 0 "-n 3 --cov"
rt_expect_summary 8 0 0 "-n 3 --cov"
uid1=$(check_env n3 3 "$work/cov" 2>&1) || fail "$uid1"
[[ -f $work/cov/keep.txt && -f $work/cov/mine/notes.txt ]] ||
	fail "--cov-dir: the runner removed files that are not its own"
[[ ! -e $work/cov/gw7 ]] || fail "--cov-dir: an earlier run's shard gw7 was not cleared"

# ------------------------------------------------------------ again: new uid
rm -f "$work"/env/*
rt_run n2 -n 2 -v --cov=obj bin
rt_expect_rc 0 "-n 2 --cov"
uid2=$(check_env n2 2 "$work/.runner-cov" 2>&1) || fail "$uid2"
[[ $uid1 != "$uid2" ]] || fail "two runs got the same RUNNER_TESTRUN_UID $uid1"

# ------------------------------------------------------------ -n 0
rm -f "$work"/env/*
rt_run n0 -n 0 -v bin
rt_expect_rc 0 "-n 0"
uid3=$(check_env n0 1 - 2>&1) || fail "$uid3"
[[ $uid3 != "$uid1" && $uid3 != "$uid2" ]] || fail "-n 0 reused a run uid"

# ------------------------------------------------------------ auto, logical
logical=$(nproc)
physical=$(lscpu -p=core,socket 2>/dev/null | grep -v '^#' | LC_ALL=C sort -u | wc -l)
((physical > 0)) || physical=$logical
rm -f "$work"/env/*
rt_run auto -n auto -v bin
rt_expect_rc 0 "-n auto"
uid4=$(check_env auto "$physical" - 2>&1) || fail "-n auto (expected $physical workers, the physical cores): $uid4"
grep -q "^runner [0-9.]*: $physical workers" "$rr_out" || fail "-n auto header: $(head -1 "$rr_out")"
rm -f "$work"/env/*
rt_run logical -n logical -v bin
rt_expect_rc 0 "-n logical"
uid5=$(check_env logical "$logical" - 2>&1) || fail "-n logical (expected $logical workers): $uid5"

note "ok"
