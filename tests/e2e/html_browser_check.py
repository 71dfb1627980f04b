"""The HTML report in a real browser: the checks of test_html_browser.sh.

usage: html_browser_check.py --report DIR --xml FILE --json FILE --term FILE
           --file REL --missed N --arc TEXT --shots DIR
           [--hostile-report DIR [--hostile-text TEXT]...
            [--hostile-name NAME]... [--unreadable NAME]...]

Loads DIR/index.html from file:// in headless Chromium (tests/lib/
browser.py), checks the DOM against html-contract (README, "HTML report")
and against covmerge's own Cobertura (--xml), JSON (--json) and term table
(--term) of the same data, follows the index's link to REL, checks its
rows against the JSON report, presses j and k, and saves screenshots of
both pages (laptop 1280x800 and phone 390x844, light and dark) into
--shots. The hostile report (--hostile-report) holds sources and file names
that try to run script; its pages must load without running any.

Prints one line per check, "ok WHAT" or "not ok WHAT" followed by "# "
lines saying why (the shell test turns them into TAP). Exit status 0 when
every check held, 1 otherwise.
"""
import argparse
import json
import os
import re
import struct
import sys
import urllib.parse
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from browser import Browser, BrowserError  # noqa: E402

failures = 0


def ok(what):
    print("ok " + what, flush=True)


def not_ok(what, why):
    global failures
    failures += 1
    print("not ok " + what)
    for line in str(why).splitlines() or [""]:
        print("# " + line)
    sys.stdout.flush()


def check(cond, what, why=""):
    if cond:
        ok(what)
    else:
        not_ok(what, why)
    return cond


def check_eq(expected, actual, what):
    if isinstance(expected, dict) and isinstance(actual, dict):
        try:
            keys = sorted(set(expected) | set(actual))
        except TypeError:
            keys = sorted(set(expected) | set(actual), key=str)
        why = "\n".join("%s: expected %r, got %r" % (
            k, expected.get(k, "(none)"), actual.get(k, "(none)"))
            for k in keys if expected.get(k) != actual.get(k))
    else:
        why = "expected %r\n     got %r" % (expected, actual)
    return check(expected == actual, what, why)


def pct_text(covered, total, precision=0):
    """covmerge's one rounding rule (cm_pct_text): rounded to precision
    decimals, except that above 0 never shows 0 and below 100 never 100."""
    pct = 100.0 * covered / total if total else 100.0
    near0 = 10.0 ** -precision
    if 0 < pct < near0:
        pct = near0
    elif 100 - near0 < pct < 100:
        pct = 100 - near0
    return "%.*f%%" % (precision, pct)


def file_url(path):
    return "file://" + urllib.parse.quote(os.path.realpath(path))


# ------------------------------------------------------------------ pages

def check_requests(b, report_dir, page):
    """No request left the report directory (data: URLs are not requests
    that leave the page; anything else is)."""
    inside = file_url(report_dir) + "/"
    bad = [u for u in b.requests
           if not (u.startswith(inside) or u.startswith("data:"))]
    check(not bad, "%s: no request other than file:// inside the report "
          "directory" % page, "requests outside %s:\n%s" % (
              inside, "\n".join(bad)))
    b.requests.clear()


def check_errors(b, page):
    errs = b.errors()
    check(not errs, "%s: no console error, exception or failed load" % page,
          "\n".join(errs))
    b.console.clear()
    b.exceptions.clear()
    b.log.clear()


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", head[16:24])


SHOTS = (("laptop", 1280, 800, False), ("phone", 390, 844, True))


def screenshots(b, shots, page):
    """Four screenshots of the page; each must be a PNG of its size."""
    for dark in (False, True):
        for size, w, h, mobile in SHOTS:
            path = os.path.join(shots, "%s-%s-%s.png" % (
                page, size, "dark" if dark else "light"))
            b.screenshot(path, w, h, mobile, dark)
            check_eq((w, h), png_size(path), "%s: screenshot %s" % (
                page, os.path.basename(path)))
    b.viewport(1280, 800)


def check_phone_width(b, page):
    """At phone width the page body does not scroll sideways."""
    b.viewport(390, 844, mobile=True)
    sw, cw = b.eval("[document.documentElement.scrollWidth,"
                    " document.documentElement.clientWidth]")
    check(sw <= cw, "%s: no horizontal scroll of the page at phone width"
          % page, "document.documentElement.scrollWidth %d > clientWidth %d"
          % (sw, cw))
    b.viewport(1280, 800)


def row_names(b):
    return b.eval("[...document.querySelectorAll('#files tbody tr.file')]"
                  ".map(r => r.dataset.name)")


def check_index(b, a, xml, js, term):
    page = "index"
    check_eq("cm-index", b.eval("document.body.className.split(/\\s+/)"
                                ".find(c => c === 'cm-index') || "
                                "document.body.className"),
             "index: body class cm-index")
    tot = b.eval("""(() => { const t = document.getElementById('totals');
        if (!t) return null;
        const o = {};
        for (const k of ['lines-covered', 'lines-valid', 'branches-covered',
                         'branches-valid', 'functions-covered',
                         'functions-valid'])
            o[k] = t.getAttribute('data-' + k);
        for (const k of ['lines', 'branches', 'functions']) {
            const e = t.querySelector('.pct-' + k);
            o['pct-' + k] = e ? e.textContent.trim() : null;
        }
        return o; })()""")
    if not check(tot is not None, "index: the element id=totals exists",
                 "no element with id totals"):
        return
    root = xml.getroot()
    for k in ("lines-covered", "lines-valid", "branches-covered",
              "branches-valid"):
        check_eq(root.get(k), tot[k],
                 "index: totals data-%s equals Cobertura's %s" % (k, k))
    t = js["totals"]
    check_eq(str(t["covered_functions"]), tot["functions-covered"],
             "index: totals data-functions-covered equals the JSON "
             "report's covered_functions")
    check_eq(str(t["num_functions"]), tot["functions-valid"],
             "index: totals data-functions-valid equals the JSON "
             "report's num_functions")
    m = re.search(r"^TOTAL\s.*\s(\d+(?:\.\d+)?%)\s*$", term, re.M)
    term_pct = m.group(1) if m else "(no TOTAL line in the term table)"
    check_eq(term_pct, tot["pct-lines"],
             "index: .pct-lines is the term table's TOTAL Cover")
    check_eq(term_pct, b.eval("(e => e && e.textContent.trim())("
                              "document.querySelector('.pct-cover'))"),
             "index: .pct-cover is the term table's TOTAL Cover")
    check_eq(pct_text(int(root.get("branches-covered")),
                      int(root.get("branches-valid"))),
             tot["pct-branches"],
             "index: .pct-branches is Cobertura's branches at the term "
             "table's rounding")
    check_eq(pct_text(t["covered_functions"], t["num_functions"]),
             tot["pct-functions"],
             "index: .pct-functions is the functions at the term table's "
             "rounding")

    rows = b.eval("""[...document.querySelectorAll('#files tbody tr.file')]
        .map(r => [r.dataset.name, r.dataset.stmts, r.dataset.miss,
                   !!r.cells[0] &&
                   !!r.cells[0].querySelector('a.file-link')])""")
    check_eq(sorted(js["files"]), sorted(r[0] for r in rows),
             "index: one tr.file per file of the JSON report (data-name)")
    want = {n: (str(f["summary"]["num_statements"]),
                str(f["summary"]["missing_lines"]))
            for n, f in js["files"].items()}
    got = {r[0]: (r[1], r[2]) for r in rows}
    check_eq(want, got, "index: each row's data-stmts and data-miss equal "
             "the JSON report's")
    term_rows = {m.group(1): m.group(2) for m in re.finditer(
        r"^(\S+)\s+\d+\s+\d+\s+(\d+(?:\.\d+)?)%", term, re.M)}
    term_rows.pop("TOTAL", None)
    covers = b.eval("Object.fromEntries([...document.querySelectorAll("
                    "'#files tbody tr.file')].map(r => [r.dataset.name,"
                    " r.dataset.cover]))")
    check_eq(term_rows, covers, "index: each row's data-cover is the term "
             "table's Cover of the file")
    check(rows and all(r[3] for r in rows),
          "index: each row's first cell holds a.file-link",
          "rows without a.file-link in their first cell: %s"
          % [r[0] for r in rows if not r[3]])
    heads = b.eval("[...document.querySelectorAll('#files thead th"
                   "[data-sort]')].map(h => h.dataset.sort)")
    check_eq(sorted(["name", "stmts", "miss", "branch", "brpart", "cover",
                     "functions"]), sorted(heads),
             "index: table id=files has one th[data-sort] per column")
    check(b.eval("!!document.querySelector('nav#tree details > summary')"),
          "index: nav id=tree folds directories with details/summary",
          "no nav#tree details > summary")

    check_errors(b, page)
    check_requests(b, a.report, page)
    screenshots(b, a.shots, page)
    check_phone_width(b, page)

    # Sorting by Cover: ascending, then descending.
    before = row_names(b)
    covers = ("[...document.querySelectorAll('#files tbody tr.file')]"
              ".map(r => parseFloat(r.dataset.cover))")
    sort_state = ("document.querySelector('#files th[data-sort=cover]')"
                  ".getAttribute('aria-sort')")
    b.click("#files th[data-sort=cover]")
    after, cov = row_names(b), b.eval(covers)
    check_eq("ascending", b.eval(sort_state),
             "index: a click on Cover sets aria-sort=ascending")
    check(cov == sorted(cov) and after != before,
          "index: a click on Cover sorts the rows by cover, ascending",
          "before: %s\nafter:  %s\ncovers: %s" % (before, after, cov))
    b.click("#files th[data-sort=cover]")
    after2, cov = row_names(b), b.eval(covers)
    check_eq("descending", b.eval(sort_state),
             "index: a second click on Cover sets aria-sort=descending")
    check(cov == sorted(cov, reverse=True) and after2 != after,
          "index: a second click on Cover sorts the rows descending",
          "ascending:  %s\ndescending: %s\ncovers: %s" % (after, after2, cov))
    b.click("#files th[data-sort=name]")
    names = row_names(b)
    by_locale = b.eval("%s.sort((x, y) => x.localeCompare(y))"
                       % json.dumps(names))
    check(names in (sorted(names), by_locale) and names != after2,
          "index: a click on Name sorts the rows by name",
          "rows: %s" % names)

    # Filtering: case-insensitive substring of the path.
    b.click("#filter")
    typed = "TEST_P"
    b.type(typed)
    vis = b.eval("""[...document.querySelectorAll('#files tbody tr.file')]
        .filter(r => !r.hidden && r.getClientRects().length)
        .map(r => r.dataset.name)""")
    hid = b.eval("""[...document.querySelectorAll('#files tbody tr.file')]
        .filter(r => r.hasAttribute('hidden')).map(r => r.dataset.name)""")
    want_vis = sorted(n for n in js["files"] if typed.lower() in n.lower())
    check(want_vis and sorted(vis) == want_vis,
          "index: typing %s in the filter box keeps only the matching rows"
          % typed,
          "expected visible %s\ngot visible %s" % (want_vis, sorted(vis)))
    check_eq(sorted(set(js["files"]) - set(want_vis)), sorted(hid),
             "index: the rows filtered out have the hidden attribute")
    check_errors(b, page + " (after sorting and filtering)")


def expected_states(f):
    """Line -> miss, part or run, from a file of the JSON report."""
    states = {}
    for n in f["executed_lines"]:
        states[n] = "run"
    for br in f["branches"]:
        if br["count"] == 0 and states.get(br["line"]) == "run":
            states[br["line"]] = "part"
    for n in f["missing_lines"]:
        states[n] = "miss"
    return states


def run_starts(states):
    """The first line of each run of missed or partial lines (j's stops)."""
    bad = sorted(n for n, s in states.items() if s in ("miss", "part"))
    return [n for n in bad if n - 1 not in bad]


def check_file_page(b, a, xml, js):
    page = "file page " + a.file
    rel = a.file
    b.open(file_url(os.path.join(a.report, "index.html")))
    b.requests.clear()
    href = b.eval("""(() => { const r = [...document.querySelectorAll(
        '#files tbody tr.file')].find(r => r.dataset.name === %s);
        const l = r && r.querySelector('a.file-link');
        return l ? l.href : null; })()""" % json.dumps(rel))
    if not check(href is not None, "index: the row of %s has a.file-link"
                 % rel, "no tr.file[data-name=%s] with a.file-link" % rel):
        return
    b.click('#files tbody tr.file[data-name="%s"] a.file-link' % rel,
            wait_load=True)
    check_eq(href, b.eval("location.href"),
             "%s: reached by following the index's a.file-link" % page)
    check(b.eval("document.body.classList.contains('cm-file')"),
          "%s: body class cm-file" % page,
          "body class: %s" % b.eval("document.body.className"))
    check_eq(file_url(os.path.join(a.report, "index.html")),
             b.eval("(e => e && e.href.split('#')[0])("
                    "document.getElementById('index-link'))"),
             "%s: a id=index-link leads back to the index" % page)

    f = js["files"][rel]
    states = expected_states(f)
    with open(os.path.join(a.source_root, rel), "rb") as src:
        nlines = len(src.read().decode("utf-8", "replace").splitlines())
    rows = b.eval("""[...document.querySelectorAll('#source tr.line')]
        .map(r => { const s = r.querySelector('td.sym');
            let sym = s ? s.textContent.trim() : '';
            if (s && !sym) {
                const c = getComputedStyle(s, '::before').content;
                sym = c === 'none' || c === 'normal' ? '' : c;
            }
            return [r.id, [...r.classList], r.getAttribute('data-hits'),
                    sym]; })""")
    check_eq(["L%d" % n for n in range(1, nlines + 1)],
             [r[0] for r in rows],
             "%s: one tr.line id=L<n> per source line in table id=source"
             % page)
    kinds = ("run", "miss", "part", "excl", "none")
    got, wrong = {}, []
    for rid, classes, _, _ in rows:
        mine = [c for c in classes if c in kinds]
        n = int(rid[1:]) if rid[1:].isdigit() else 0
        if len(mine) != 1:
            wrong.append("%s has classes %s" % (rid, classes))
            continue
        got[n] = mine[0]
        want = states.get(n)
        if (want or "none/excl") != mine[0] and not (
                want is None and mine[0] in ("none", "excl")):
            wrong.append("%s: %s, expected %s" % (rid, mine[0], want))
    check(not wrong, "%s: each row has exactly one of run/miss/part/excl/"
          "none, as the JSON report says" % page, "\n".join(wrong[:30]))
    check_eq("miss", got.get(a.missed),
             "%s: the known missed line %d has class miss" % (page, a.missed))

    hits = {}
    for cls in root_classes(xml):
        if cls.get("filename") == rel:
            for ln in cls.iter("line"):
                hits[int(ln.get("number"))] = ln.get("hits")
    got_hits = {int(r[0][1:]): r[2] for r in rows
                if set(r[1]) & {"run", "miss", "part"}}
    check_eq(hits, got_hits, "%s: data-hits of each executable line equals "
             "Cobertura's hits" % page)

    syms = {}
    for rid, classes, _, sym in rows:
        for k in ("run", "miss", "part"):
            if k in classes:
                syms.setdefault(k, set()).add(sym)
    check(all(len(s) == 1 and "" not in s for s in syms.values()) and
          len({next(iter(s)) for s in syms.values()}) == len(syms),
          "%s: run, miss and part rows each show their own symbol in td.sym"
          % page, "symbols per state: %s" % syms)

    arcs = b.eval("(r => r && r.querySelector('.arcs') ? r.querySelector("
                  "'.arcs').textContent : null)(document.getElementById(%s))"
                  % json.dumps("L" + a.arc.split("->")[0]))
    check(arcs is not None and a.arc in arcs,
          "%s: the partial line's .arcs names %s" % (page, a.arc),
          ".arcs text: %r" % arcs)

    funcs = b.eval("""[...document.querySelectorAll('#functions tr')]
        .map(r => [r.textContent, [...r.querySelectorAll('a')]
                   .map(x => x.getAttribute('href'))])""") or []
    missing = [fn["name"] for fn in f["functions"] if not any(
        fn["name"] in text and "#L%d" % fn["start_line"] in links
        for text, links in funcs)]
    check(funcs and not missing, "%s: table id=functions lists each "
          "function with a link to its line L<n>" % page, "missing: %s\nrows: %s"
          % (missing, funcs))

    check_errors(b, page)
    check_requests(b, a.report, page)
    screenshots(b, a.shots, "file")
    check_phone_width(b, page)

    # j and k.
    stops = run_starts(states)
    cur = ("[...document.querySelectorAll('.current')].map(e => e.id)"
           ".concat([location.hash])")
    in_view = ("(r => { const b = r.getBoundingClientRect();"
               " return b.top >= 0 && b.bottom <= innerHeight; })"
               "(document.querySelector('.current'))")
    seen = []
    for n in stops:
        b.key("j")
        seen.append(b.eval(cur))
    want = [["L%d" % n, "#L%d" % n] for n in stops]
    check_eq(want, seen, "%s: j moves .current and location.hash to each "
             "next missed or partial run in turn" % page)
    try:
        b.wait_for(in_view, "the .current row in view")
        ok("%s: the .current row is scrolled into view" % page)
    except BrowserError as e:
        not_ok("%s: the .current row is scrolled into view" % page, e)
    back = []
    for n in reversed(stops[:-1]):
        b.key("k")
        back.append(b.eval(cur))
    want = [["L%d" % n, "#L%d" % n] for n in reversed(stops[:-1])]
    check_eq(want, back, "%s: k moves .current back to each previous run"
             % page)
    check_errors(b, page + " (after j and k)")


def root_classes(xml):
    return xml.getroot().iter("class")


def check_no_source(b, report, name):
    """The page of a source that cannot be read says so, with the counts
    of its executable lines."""
    page = "page of the unreadable %s" % name
    b.open(file_url(os.path.join(report, "index.html")))
    b.requests.clear()
    sel = '#files tbody tr.file[data-name="%s"] a.file-link' % name
    if not check(b.eval("!!document.querySelector(%s)" % json.dumps(sel)),
                 "index: the row of the unreadable %s has a.file-link" % name,
                 "no %s" % sel):
        return
    b.click(sel, wait_load=True)
    why = b.eval("(e => e && e.textContent.trim())("
                 "document.getElementById('no-source'))")
    check(bool(why), "%s: p id=no-source says so" % page,
          "p#no-source: %r" % why)
    hits = b.eval("[...document.querySelectorAll('#source tr.line')]"
                  ".filter(r => r.hasAttribute('data-hits'))"
                  ".map(r => [r.id, r.getAttribute('data-hits')])")
    check(hits and all(h[1].isdigit() for h in hits),
          "%s: its executable lines are listed with their counts" % page,
          "rows with data-hits: %s" % hits)
    check_errors(b, page)
    check_requests(b, report, page)


def check_hostile(b, a, report, texts, names):
    """A report whose sources and file names hold markup: no script of
    theirs runs on any page, and the markup shows as text."""
    what = "hostile report"
    b.open(file_url(os.path.join(report, "index.html")))
    check(b.eval("typeof window.pwned") == "undefined",
          "%s index: no script from file names ran" % what,
          "window.pwned = %r" % b.eval("window.pwned"))
    links = b.eval("[...document.querySelectorAll('a.file-link')]"
                   ".map(l => l.textContent)")
    for n in names:
        check(any(n in t for t in links),
              "%s index: the file name %s shows as text" % (what, n),
              "a.file-link texts: %s" % links)
    check_errors(b, "%s index" % what)
    check_requests(b, report, "%s index" % what)
    shown = []
    for i, _ in enumerate(links):
        b.open(file_url(os.path.join(report, "index.html")))
        b.requests.clear()
        b.click("a.file-link", wait_load=True, index=i)
        page = "%s page %d" % (what, i + 1)
        check(b.eval("typeof window.pwned") == "undefined",
              "%s: no script from the source or its name ran" % page,
              "window.pwned = %r" % b.eval("window.pwned"))
        shown.append(b.eval(
            "[...document.querySelectorAll('#source td.src')]"
            ".map(c => c.textContent).join('\\n')"))
        check_errors(b, page)
        check_requests(b, report, page)
    for t in texts:
        check(any(t in s for s in shown), "%s: the source text %s shows as "
              "text" % (what, t), "not found in the td.src cells of any page")


def self_check(b, tmp):
    """The driver sees what the checks rely on: a console error, an
    exception, a failed load, a request leaving the page, a script that
    ran (window.pwned), a key press and a click."""
    page = os.path.join(tmp, "selfcheck.html")
    with open(page, "w", encoding="utf-8") as f:
        f.write("<!doctype html><meta charset=utf-8><title>t</title>"
                "<button id=b onclick=\"document.title='clicked'\">b"
                "</button><img src='http://example.invalid/x.png'>"
                "<script>window.pwned = 1; console.error('err probe');"
                "addEventListener('keydown', e => location.hash = e.key);"
                "setTimeout(() => { throw new Error('exc probe'); });"
                "</script>")
    b.open(file_url(page))
    b.wait_for("document.readyState === 'complete'", "the probe's load")
    b.settle()
    b.key("j")
    b.click("#b")
    errs = "\n".join(b.errors())
    check("err probe" in errs and "exc probe" in errs and
          "example.invalid" in errs,
          "driver: sees a console error, an exception and a failed load",
          "errors seen: %s" % errs)
    check(any(u.startswith("http://example.invalid/") for u in b.requests),
          "driver: sees a request leaving the page",
          "requests seen: %s" % b.requests)
    check_eq([1, "#j", "clicked"],
             b.eval("[window.pwned, location.hash, document.title]"),
             "driver: sees a script run, a key press and a click")
    b.console.clear()
    b.exceptions.clear()
    b.log.clear()
    b.requests.clear()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--report", required=True)
    ap.add_argument("--xml", required=True)
    ap.add_argument("--json", required=True)
    ap.add_argument("--term", required=True)
    ap.add_argument("--source-root", required=True)
    ap.add_argument("--file", required=True)
    ap.add_argument("--missed", type=int, required=True)
    ap.add_argument("--arc", required=True)
    ap.add_argument("--shots", required=True)
    ap.add_argument("--hostile-report")
    ap.add_argument("--hostile-text", action="append", default=[])
    ap.add_argument("--hostile-name", action="append", default=[])
    ap.add_argument("--unreadable", action="append", default=[])
    a = ap.parse_args()
    xml = ET.parse(a.xml)
    with open(a.json, encoding="utf-8") as f:
        js = json.load(f)
    with open(a.term, encoding="utf-8") as f:
        term = f.read()
    os.makedirs(a.shots, exist_ok=True)
    try:
        with Browser() as b:
            self_check(b, os.path.dirname(os.path.abspath(a.xml)))
            b.viewport(1280, 800)
            b.open(file_url(os.path.join(a.report, "index.html")))
            check_index(b, a, xml, js, term)
            check_file_page(b, a, xml, js)
            if a.hostile_report:
                check_hostile(b, a, a.hostile_report, a.hostile_text,
                              a.hostile_name)
                for name in a.unreadable:
                    check_no_source(b, a.hostile_report, name)
    except BrowserError as e:
        not_ok("the browser session", e)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
