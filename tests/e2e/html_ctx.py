#!/usr/bin/env python3
"""Reads the per-test contexts of a covmerge HTML file page for
test_contexts_html.sh (the contract in README, "The HTML report"):

  html_ctx.py line PAGE N   the .ctx cell of row L<N>: "none" (an empty
                            cell), "outside" (span.ctxn.ctx-none, run
                            outside any recorded test), or the badge's
                            number, then the ids its data-t names in the
                            page's #ctx-tests table, one per line
  html_ctx.py table PAGE    the #ctx-tests ids, one per line
  html_ctx.py cells PAGE    how many td.ctx cells and tr.line rows
Exits 1 with a message when the page breaks the contract."""

import html.parser
import json
import sys


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.table = None
        self.in_json = False
        self.json_text = ""
        self.row = None
        self.in_ctx = False
        self.cells = {}      # row id -> list of (tag, attrs, text)
        self.nrows = 0
        self.nctx = 0
        self.scripts = 0
        self.cur = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = (a.get("class") or "").split()
        if tag == "script":
            self.scripts += 1
            if a.get("id") == "ctx-tests":
                if a.get("type") != "application/json":
                    sys.exit("#ctx-tests is not application/json")
                self.in_json = True
        elif tag == "tr" and "line" in cls:
            self.row = a.get("id")
            self.nrows += 1
        elif tag == "td" and "ctx" in cls:
            self.in_ctx = True
            self.nctx += 1
            self.cells[self.row] = []
        elif self.in_ctx and tag in ("button", "span"):
            self.cur = [tag, a, ""]
            self.cells[self.row].append(self.cur)

    def handle_endtag(self, tag):
        if tag == "script" and self.in_json:
            self.in_json = False
            self.table = json.loads(self.json_text)
        elif tag == "td":
            self.in_ctx = False
            self.cur = None

    def handle_data(self, data):
        if self.in_json:
            self.json_text += data
        elif self.cur is not None:
            self.cur[2] += data


def expand(spec, table):
    out = []
    for part in spec.split(","):
        if not part:
            continue
        a, _, b = part.partition("-")
        for i in range(int(a), int(b or a) + 1):
            out.append(table[i])
    return out


def main():
    cmd, path = sys.argv[1], sys.argv[2]
    p = Page()
    with open(path, encoding="utf-8") as f:
        p.feed(f.read())
    p.close()
    if cmd == "cells":
        print(p.nctx, p.nrows)
    elif cmd == "table":
        print("\n".join(p.table or []))
    elif cmd == "line":
        cell = p.cells.get("L" + sys.argv[3])
        if cell is None:
            sys.exit("row L%s has no td.ctx" % sys.argv[3])
        if not cell:
            print("none")
            return
        tag, a, text = cell[0]
        cls = (a.get("class") or "").split()
        if "ctxn" not in cls:
            sys.exit("the .ctx cell of L%s holds no .ctxn" % sys.argv[3])
        if "ctx-none" in cls:
            print("outside")
            return
        ids = expand(a.get("data-t", ""), p.table)
        if text != str(len(ids)):
            sys.exit("L%s: badge %r, data-t names %d tests" % (sys.argv[3], text, len(ids)))
        print(text)
        for i in ids:
            print(i)
    else:
        sys.exit("unknown command " + cmd)


main()
