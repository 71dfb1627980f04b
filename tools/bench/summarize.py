#!/usr/bin/env python3
"""Prints the tables of tools/bench/bench.sh from its work directory.

Reads results/NAME.json (hyperfine --export-json), rss/NAME.txt (appended
/usr/bin/time -v reports, one per run) and the tools' outputs under out/.
Exits 1 when a tool's output holds no coverage at all (the measurement would
then be meaningless, e.g. gcovr not finding the .gcno files)."""

import argparse
import filecmp
import json
import os
import platform
import re
import subprocess
import sys


def median_of(name, R):
    with open(os.path.join(R, name + ".json")) as f:
        res = json.load(f)["results"][0]
    return res


def rss_of(name, M):
    """(max RSS in KiB, number of reports, exit statuses other than 0)."""
    path = os.path.join(M, name + ".txt")
    try:
        text = open(path).read()
    except OSError:
        return None, 0, []
    rss = [int(x) for x in re.findall(r"Maximum resident set size \(kbytes\): (\d+)", text)]
    bad = [int(x) for x in re.findall(r"Exit status: (\d+)", text) if x != "0"]
    return (max(rss) if rss else None), len(rss), bad


def lcov_totals(path):
    t = dict(files=0, lines=0, lines_hit=0, branches=0, branches_hit=0,
             functions=0, functions_hit=0)
    keys = {"LF": "lines", "LH": "lines_hit", "BRF": "branches",
            "BRH": "branches_hit", "FNF": "functions", "FNH": "functions_hit"}
    with open(path) as f:
        for line in f:
            if line.startswith("SF:"):
                t["files"] += 1
                continue
            k, sep, v = line.partition(":")
            if sep and k in keys:
                t[keys[k]] += int(v)
    return t


def gcovr_totals(path):
    with open(path) as f:
        s = json.load(f)
    return dict(files=len(s.get("files", [])), lines=s["line_total"],
                lines_hit=s["line_covered"], branches=s["branch_total"],
                branches_hit=s["branch_covered"],
                functions=s.get("function_total"),
                functions_hit=s.get("function_covered"))


def html_totals(path):
    """The #totals of covmerge's HTML index (README, "The HTML report")."""
    try:
        text = open(path, encoding="utf-8").read()
    except OSError:
        return None
    m = re.search(r'id="totals"([^>]*)>', text)
    if not m:
        return None
    a = dict(re.findall(r'data-([a-z-]+)="(\d+)"', m.group(1)))
    return dict(files=int(a.get("files", 0)), lines=int(a["lines-valid"]),
                lines_hit=int(a["lines-covered"]), branches=int(a["branches-valid"]),
                branches_hit=int(a["branches-covered"]),
                functions=int(a["functions-valid"]),
                functions_hit=int(a["functions-covered"]))


def tool_version(cmd):
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        text = (out.stdout or out.stderr).strip().splitlines()
        return text[0] if text else "?"
    except Exception:
        return "?"


def cpu_model():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def fmt_ratio(a, b):
    if a is None or b is None or b == 0:
        return "-"
    return "%.1fx" % (a / b) if a / b >= 10 else "%.2fx" % (a / b)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", required=True)
    for k in ("files", "funcs", "shards", "tests", "ngcno", "ngcda"):
        ap.add_argument("--" + k, type=int, required=True)
    ap.add_argument("--covmerge", default="")
    ap.add_argument("--example", action="store_true")
    ap.add_argument("names", nargs="*")
    a = ap.parse_args()
    W = a.work
    R, M, O = (os.path.join(W, d) for d in ("results", "rss", "out"))

    rows = {}
    for name in a.names:
        res = median_of(name, R)
        rss, nrss, bad = rss_of(name, M)
        rows[name] = dict(label=res["command"], median=res["median"],
                          mean=res["mean"], stddev=res.get("stddev") or 0.0,
                          min=res["min"], max=res["max"],
                          runs=len(res.get("times", [])), rss=rss, nrss=nrss,
                          bad=bad)

    ncpu = os.cpu_count()
    print("## covmerge benchmark")
    print()
    if a.example:
        print("- project: the bundled example (tests/fixtures/example), %d .gcno "
              "files, %d shards, %d .gcda files in all" % (a.ngcno, a.shards, a.ngcda))
    else:
        print("- project: %d files x %d functions (+ drivers and %d test programs), "
              "%d .gcno files, %d shards, %d .gcda files in all"
              % (a.files, a.funcs, a.tests, a.ngcno, a.shards, a.ngcda))
    print("- machine: %s, %d cores, %s" % (cpu_model(), ncpu, platform.platform()))
    vers = []
    if a.covmerge:
        vers.append(tool_version([a.covmerge, "--version"]))
    for name, cmd in (("gcovr", ["gcovr", "--version"]),
                      ("lcov", ["lcov", "--version"]),
                      ("html-genhtml", ["genhtml", "--version"]),
                      ("gcov-tool", ["gcov-tool", "--version"]),
                      ("hyperfine", ["hyperfine", "--version"])):
        if name in rows or "html-" + name in rows or name == "hyperfine":
            vers.append(tool_version(cmd))
    print("- versions: " + "; ".join(vers))
    busy = {}
    for when in ("before", "after"):
        try:
            busy[when] = int(open(os.path.join(W, "busy." + when)).read())
        except (OSError, ValueError):
            pass
    if busy:
        print("- CPU busy with other work, sampled for 2 s: "
              + ", ".join("%d%% %s the timing" % (v, k) for k, v in busy.items()))
    print("- hyperfine: 1 warmup run, then the timed runs shown; peak RSS is the "
          "largest single process over all runs (/usr/bin/time -v)")
    print()

    base = rows.get("covmerge")
    hdr = ("| tool | runs | median s | mean s ± sd | min s | max s | peak RSS MiB | "
           "time / covmerge |")
    print(hdr)
    print("|---|--:|--:|--:|--:|--:|--:|--:|")
    for name in a.names:
        r = rows[name]
        rss = "%.1f" % (r["rss"] / 1024.0) if r["rss"] is not None else "-"
        print("| %s | %d | %.3f | %.3f ± %.3f | %.3f | %.3f | %s | %s |" % (
            r["label"], r["runs"], r["median"], r["mean"], r["stddev"], r["min"], r["max"],
            rss, fmt_ratio(r["median"], base["median"]) if base else "-"))
    print()

    def med(n):
        return rows[n]["median"] if n in rows else None

    ratios = []
    for other, what in (("gcovr", "gcovr / covmerge"), ("lcov", "lcov / covmerge")):
        if other in rows and base:
            line = "- %s: %s" % (what, fmt_ratio(med(other), med("covmerge")))
            if "covmerge-j1" in rows:
                line += " (vs covmerge -j 1: %s)" % fmt_ratio(med(other), med("covmerge-j1"))
            ratios.append(line)
    if "gcov-tool" in rows and base:
        line = "- covmerge / gcov-tool merge: %s" % fmt_ratio(med("covmerge"), med("gcov-tool"))
        if "covmerge-j1" in rows:
            line += " (covmerge -j 1: %s)" % fmt_ratio(med("covmerge-j1"), med("gcov-tool"))
        ratios.append(line + "  (gcov-tool only sums counters; covmerge"
                      " also reads the notes and writes the report)")
    if "covmerge-j1" in rows and base:
        ratios.append("- covmerge -j 1 / covmerge (default -j, %d cores): %s"
                      % (ncpu, fmt_ratio(med("covmerge-j1"), med("covmerge"))))
    def ratio_line(what, a, b):
        if a in rows and b in rows:
            ratios.append("- %s: %s" % (what, fmt_ratio(med(a), med(b))))
    ratio_line("genhtml / covmerge html, both from the tracefile",
               "html-genhtml", "html-cm-info")
    ratio_line("gcovr --html-details / covmerge html, both from their tracefiles",
               "html-gcovr", "html-cm-info")
    ratio_line("genhtml / covmerge html from the shards (merge included)",
               "html-genhtml", "html-cm-shards")
    ratio_line("gcovr --html-details / covmerge html from the shards (merge included)",
               "html-gcovr", "html-cm-shards")
    ratio_line("covmerge html / covmerge xml, from the tracefile",
               "html-cm-info", "xml-cm-info")
    ratio_line("covmerge html / covmerge xml, from the shards",
               "html-cm-shards", "xml-cm-shards")
    if ratios:
        print("Ratios of medians:")
        print("\n".join(ratios))
        print()

    # Sanity: the totals each tool computed.
    totals = []
    failed = []
    if "covmerge" in rows:
        p = os.path.join(O, "covmerge.info")
        totals.append(("covmerge (lcov out)", lcov_totals(p)))
        p1 = os.path.join(O, "covmerge-j1.info")
        if "covmerge-j1" in rows and os.path.exists(p1):
            same = filecmp.cmp(p, p1, shallow=False)
            totals.append(("covmerge -j 1 (lcov out, %s)"
                           % ("identical to default -j" if same else "DIFFERS from default -j"),
                           lcov_totals(p1)))
    if "lcov" in rows:
        totals.append(("lcov total.info", lcov_totals(os.path.join(O, "lcov", "total.info"))))
    if "gcovr" in rows:
        totals.append(("gcovr (JSON summary)",
                       gcovr_totals(os.path.join(O, "gcovr", "summary.json"))))
    if "html-cm-info" in rows:
        H = os.path.join(O, "html")
        totals.append(("covmerge's tracefile (genhtml's and covmerge html's input)",
                       lcov_totals(os.path.join(H, "total.info"))))
        for label, d in (("covmerge html from the tracefile (#totals)", "cm-info"),
                         ("covmerge html from the shards (#totals)", "cm-shards")):
            t = html_totals(os.path.join(H, d, "index.html"))
            if t:
                totals.append((label, t))
        if "html-gcovr" in rows:
            totals.append(("gcovr's tracefile (JSON summary)",
                           gcovr_totals(os.path.join(H, "gcovr-summary.json"))))
    if totals:
        print("Sanity check, totals over all files (gcovr applies its own "
              "non-code heuristics, so small differences there are expected):")
        print()
        print("| source | files | lines found | lines hit | branches found | "
              "branches hit | functions found | functions hit |")
        print("|---|--:|--:|--:|--:|--:|--:|--:|")
        for label, t in totals:
            print("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
                label, t["files"], t["lines"], t["lines_hit"], t["branches"],
                t["branches_hit"], t["functions"], t["functions_hit"]))
            if not t["lines"] or not t["lines_hit"]:
                failed.append(label)
        print()
    if max(busy.values(), default=0) > 10:
        print("WARNING: other processes kept the CPU busy (%s%%) around the "
              "timing; the numbers are disturbed" % max(busy.values()))
    for name in a.names:
        if rows[name]["bad"]:
            print("WARNING: %s exited non-zero in some run: %s"
                  % (rows[name]["label"], rows[name]["bad"]))
    if failed:
        print("ERROR: no coverage data found by: %s (see %s)"
              % (", ".join(failed), os.path.join(W, "logs")), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
