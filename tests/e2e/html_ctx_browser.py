#!/usr/bin/env python3
"""The per-test contexts column of an HTML file page in headless Chromium
(tests/lib/browser.py): a click on a line's badge opens a tr.ctx-row whose
ul.ctx-list names, as text, exactly the tests the JSON report lists for
that line, aria-expanded follows, a second click closes it; no element of
a test id's markup ever exists (no img), no console error, no request.

usage: html_ctx_browser.py PAGE JSON FILE LINE...
PAGE the file page, JSON covmerge's json report of the same run, FILE the
report's name of the source, LINE the lines to open (each must have a
badge). Prints "ok WHAT" / "not ok WHAT" per check (tl_relay_checks in
tests/lib/test-lib.sh makes them TAP); exit 1 on any failure.
"""
import json
import os
import sys
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from browser import Browser, BrowserError  # noqa: E402

failures = 0


def check(cond, what, why=""):
    global failures
    if cond:
        print("ok " + what, flush=True)
    else:
        failures += 1
        print("not ok " + what)
        for line in str(why).splitlines():
            print("# " + line)


def main():
    page, report, name = sys.argv[1], sys.argv[2], sys.argv[3]
    lines = [int(x) for x in sys.argv[4:]]
    with open(report, encoding="utf-8") as f:
        contexts = json.load(f)["files"][name]["contexts"]
    url = "file://" + urllib.parse.quote(os.path.realpath(page))
    inside = "file://" + urllib.parse.quote(
        os.path.realpath(os.path.dirname(page))) + "/"
    try:
        with Browser() as b:
            b.viewport(1280, 800)
            b.open(url)
            for n in lines:
                sel = "#L%d button.ctxn" % n
                want = contexts[str(n)]
                b.click(sel)
                got = b.eval(
                    "(() => { const r = document.getElementById('L%d')"
                    ".nextElementSibling; if (!r || !r.classList.contains("
                    "'ctx-row')) return null; return Array.from("
                    "r.querySelectorAll('ul.ctx-list li'), li => "
                    "li.textContent); })()" % n)
                check(got == want, "L%d: a click lists the JSON report's "
                      "%d tests" % (n, len(want)),
                      "page: %r\njson: %r" % (got, want))
                check(b.eval("document.querySelector(%s).getAttribute("
                             "'aria-expanded')" % json.dumps(sel)) == "true",
                      "L%d: aria-expanded is true when open" % n)
                b.click(sel)
                check(b.eval("document.querySelectorAll('tr.ctx-row')"
                             ".length") == 0,
                      "L%d: a second click closes the list" % n)
                check(b.eval("document.querySelector(%s).getAttribute("
                             "'aria-expanded')" % json.dumps(sel)) == "false",
                      "L%d: aria-expanded is false when closed" % n)
            b.click("#L%d button.ctxn" % lines[-1])
            check(b.eval("document.querySelectorAll('img').length") == 0,
                  "no markup of a test id became an element")
            errs = b.errors()
            check(not errs, "no console error or exception", "\n".join(errs))
            bad = [u for u in b.requests if not u.startswith(inside)]
            check(not bad, "no request outside the report directory",
                  "\n".join(bad))
    except BrowserError as e:
        check(False, "the browser session", e)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
